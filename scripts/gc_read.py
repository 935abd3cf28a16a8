"""GEOS-Chem daily outputs of one month -> the PM2.5 product (rule ctm_read, backend geoschem)."""

from pathlib import Path

from exportpm.ctm.geoschem import read_month
from exportpm.ctm.product import write_pm25
from exportpm.grid import LonLatGrid
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    month = int(smk.wildcards.month)
    grid, fields = read_month(Path(smk.params.run_dir) / "OutputDir", smk.params.year, month,
                              LonLatGrid(**smk.params.grid), smk.params.buffer)
    write_pm25(smk.output.pm25, grid, fields, {
        "title": f"Surface PM2.5 components, scenario {smk.wildcards.scenario}, {smk.params.year}-{month:02d}",
        "backend": "geoschem", "comment": f"GEOS-Chem Classic daily means averaged over the month; "
                                          f"{smk.params.provenance}"})


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
