"""The paper's Figures 1-4 and Supplementary Figs. 3, 4, 5 and 7 (rule figures)."""

import pandas as pd
import xarray as xr

from exportpm.figures import (
    Names,
    figure1,
    figure2,
    figure3,
    figure4,
    figure_gridded,
    figure_s5,
    figure_s7,
    save,
)
from exportpm.io.boundaries import read_boundaries
from exportpm.logs import configure_logging
from exportpm.resources import read_table


def main(smk) -> None:
    configure_logging(smk.log[0])
    notes = list(smk.params.notes)
    exposure = pd.read_parquet(smk.input.exposure)
    codes, polygons = read_boundaries(smk.input.boundaries)
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class"])
    provinces = read_table(smk.input.province_names, required=["iso3166_2", "name_en"])
    sectors = read_table(smk.input.sector_names, required=["code", "name"])
    names = Names(
        dict(zip(provinces["iso3166_2"], provinces["name_en"], strict=True)),
        dict(zip(sectors["code"], sectors["name"], strict=True)),
    )
    shapes = dict(zip(codes, polygons, strict=True))
    fig, _ = figure1(exposure, pd.read_parquet(smk.input.cdf), shapes, notes, names)
    save(fig, smk.output.fig1.removesuffix(".png"))
    fig, _ = figure2(exposure, pd.read_parquet(smk.input.export_volume), notes, names)
    save(fig, smk.output.fig2.removesuffix(".png"))
    by_consumer = pd.read_parquet(smk.input.by_consumer)
    fig, _ = figure3(pd.read_parquet(smk.input.by_sector), by_consumer, notes, names)
    save(fig, smk.output.fig3.removesuffix(".png"))
    with xr.open_dataset(smk.input.export_related) as export_related:
        fig, _ = figure_gridded(
            export_related,
            "I_EX",
            shapes,
            notes,
            "Supplementary Fig. 3: export-related PM2.5 and its components (Base - I_EX)",
        )
        save(fig, smk.output.figS3.removesuffix(".png"))
        fig, _ = figure_gridded(
            export_related,
            "I_EXEAST",
            shapes,
            notes,
            "Supplementary Fig. 4: PM2.5 driven by East Coast exports (Base - I_EXEAST)",
        )
        save(fig, smk.output.figS4.removesuffix(".png"))
    fig, _ = figure_s5(by_consumer, notes)
    save(fig, smk.output.figS5.removesuffix(".png"))
    fig, _ = figure4(
        pd.read_parquet(smk.input.flows),
        pd.read_parquet(smk.input.layer_nodes),
        pd.read_parquet(smk.input.layers),
        pd.read_parquet(smk.input.by_consumer),
        dict(zip(classes["iso3166_2"], classes["region_class"], strict=True)),
        smk.params.fig4_merged_classes,
        notes,
        names,
    )
    save(fig, smk.output.fig4.removesuffix(".png"))
    fig, _ = figure_s7(
        pd.read_parquet(smk.input.disparities),
        pd.read_parquet(smk.input.pair_disparities),
        dict(zip(codes, polygons, strict=True)),
        notes,
        names=names,
    )
    save(fig, smk.output.figS7.removesuffix(".png"))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
