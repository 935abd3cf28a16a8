"""Write one part of the synthetic demo world (rule demo_<part>)."""

import logging

from exportpm.demo.world import write_part
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    written = write_part(smk.params.part, smk.params.size, smk.params.outdir, seed=smk.params.seed)
    logging.getLogger("demo_world").info("wrote %d files under %s", len(written), smk.params.outdir)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
