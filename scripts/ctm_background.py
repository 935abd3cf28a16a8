"""The PM2.5 outside the CTM components as a field on the product grid (rule ctm_background)."""

import logging

from exportpm.ctm import interior
from exportpm.ctm.background import background_field, write_background
from exportpm.grid import LonLatGrid
from exportpm.logs import configure_logging

log = logging.getLogger("ctm_background")


def main(smk) -> None:
    configure_logging(smk.log[0])
    grid = interior(LonLatGrid(**smk.params.grid), smk.params.buffer)
    field = background_field(dict(smk.params.settings), grid)
    log.info("background (%s): %.2f to %.2f ug/m3", smk.params.settings["source"], field.min(), field.max())
    write_background(
        smk.output.background,
        grid,
        field,
        {
            "source": smk.params.settings["source"],
            "comment": smk.params.provenance,
            "method": "exportpm.ctm.background: PM2.5 not in the analysed components (SOA, natural dust, sea salt)",
        },
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
