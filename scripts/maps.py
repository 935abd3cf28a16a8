"""The paper's maps: Fig. 1 and Supplementary Figs. 3, 4 and 7 (rule maps; the charts are rule figures)."""

import pandas as pd
import xarray as xr

from exportpm.figures import Names, figure1, figure_gridded, figure_s7, save
from exportpm.io.boundaries import read_boundaries
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    notes = list(smk.params.notes)
    exposure = pd.read_parquet(smk.input.exposure)
    codes, polygons = read_boundaries(smk.input.boundaries)
    shapes = dict(zip(codes, polygons, strict=True))
    names = Names.from_tables(smk.input.province_names, smk.input.sector_names)
    fig, _ = figure1(exposure, pd.read_parquet(smk.input.cdf), shapes, notes, names)
    save(fig, smk.output.fig1.removesuffix(".png"))
    with xr.open_dataset(smk.input.export_related) as export_related:
        for scenario, output, title in (
            ("I_EX", smk.output.figS3, "Supplementary Fig. 3: export-related PM2.5 and its components (Base - I_EX)"),
            (
                "I_EXEAST",
                smk.output.figS4,
                "Supplementary Fig. 4: PM2.5 driven by East Coast exports (Base - I_EXEAST)",
            ),
        ):
            fig, _ = figure_gridded(export_related, scenario, shapes, notes, title)
            save(fig, output.removesuffix(".png"))
    fig, _ = figure_s7(
        pd.read_parquet(smk.input.disparities), pd.read_parquet(smk.input.pair_disparities), shapes, notes, names=names
    )
    save(fig, smk.output.figS7.removesuffix(".png"))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
