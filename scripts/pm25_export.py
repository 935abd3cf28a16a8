"""Annual PM2.5 per scenario and export-related PM2.5 = Base - scenario (rule pm25_export)."""

import logging

from exportpm.logs import configure_logging
from exportpm.pm25 import annual_mean, export_related, write_fields

log = logging.getLogger("pm25_export")


def main(smk) -> None:
    configure_logging(smk.log[0])
    annual, grid, attrs = {}, None, {}
    for scenario in smk.params.scenarios:
        paths = [p for p in smk.input.pm25 if f"/{scenario}/" in p]
        grid, annual[scenario], attrs = annual_mean(paths)
    differences = export_related(annual)
    note = {
        "comment": attrs.get("comment", ""),
        "months": str(smk.params.months),
        "method": "mean of the simulated months (paper: Jan, Apr, Jul, Oct); SOA, natural dust, sea salt excluded",
    }
    write_fields(smk.output.annual, grid, annual, note, "annual-mean surface PM2.5 components")
    write_fields(smk.output.export_related, grid, differences, note, "export-related PM2.5 = Base - scenario")


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
