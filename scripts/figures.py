"""The paper's charts: Figs. 2, 3 and 4 and Supplementary Fig. 5 (rule figures; the maps are rule maps)."""

import pandas as pd

from exportpm.figures import Names, figure2, figure3, figure4, figure_s5, save
from exportpm.logs import configure_logging
from exportpm.resources import read_table


def main(smk) -> None:
    configure_logging(smk.log[0])
    notes = list(smk.params.notes)
    names = Names.from_tables(smk.input.province_names, smk.input.sector_names)
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class"])
    fig, _ = figure2(pd.read_parquet(smk.input.exposure), pd.read_parquet(smk.input.export_volume), notes, names)
    save(fig, smk.output.fig2.removesuffix(".png"))
    by_consumer = pd.read_parquet(smk.input.by_consumer)
    fig, _ = figure3(pd.read_parquet(smk.input.by_sector), by_consumer, notes, names)
    save(fig, smk.output.fig3.removesuffix(".png"))
    fig, _ = figure_s5(by_consumer, notes)
    save(fig, smk.output.figS5.removesuffix(".png"))
    fig, _ = figure4(
        pd.read_parquet(smk.input.flows),
        pd.read_parquet(smk.input.layer_nodes),
        pd.read_parquet(smk.input.layers),
        by_consumer,
        dict(zip(classes["iso3166_2"], classes["region_class"], strict=True)),
        smk.params.fig4_merged_classes,
        notes,
        names,
    )
    save(fig, smk.output.fig4.removesuffix(".png"))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
