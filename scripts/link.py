"""Assemble the unbalanced linked MRIO (rule link)."""

import logging

from exportpm.logs import configure_logging, timed
from exportpm.mrio.link import assemble
from exportpm.mrio.store import open_global_mrio, read_provincial, read_trade_blocks, write_linked_mrio

log = logging.getLogger("link")


def main(smk) -> None:
    configure_logging(smk.log[0])
    provincial, blocks = read_provincial(smk.input.provincial), read_trade_blocks(smk.input.blocks)
    with open_global_mrio(smk.input.gtap_mrio) as world, timed(log, "assembling the four block pairs"):
        table, _, fd_target = assemble(world, provincial, blocks, china=smk.params.china)
    write_linked_mrio(table, smk.output.mrio, {"balanced": "no", "method": "linked MRIO before GRAS"}, fd_target)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
