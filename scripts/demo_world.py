"""Write one part of the synthetic demo world (rule demo_<part>)."""

import logging

from exportpm.demo.world import part_files, write_part
from exportpm.logs import configure_logging


def main(smk) -> None:
    configure_logging(smk.log[0])
    first = part_files(smk.params.size)[smk.params.part][0]
    outdir = str(smk.output[0])[: -len(first)]  # the demo folder, from the rule's own outputs
    written = write_part(smk.params.part, smk.params.size, outdir, seed=smk.params.seed)
    logging.getLogger("demo_world").info("wrote %d files under %s", len(written), outdir)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
