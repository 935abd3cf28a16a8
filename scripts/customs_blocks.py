"""Customs-linked export and import blocks, paper Eq. 2 (rule customs_blocks)."""

import logging

import pandas as pd

from exportpm.io import write_csv_atomic
from exportpm.io.customs import read_customs
from exportpm.io.store import read_global_mrio, read_provincial, write_trade_blocks
from exportpm.logs import configure_logging, timed
from exportpm.mrio.customs import trade_blocks

log = logging.getLogger("customs_blocks")


def main(smk) -> None:
    configure_logging(smk.log[0])
    world = read_global_mrio(smk.input.gtap_mrio)
    provincial = read_provincial(smk.input.provincial)
    foreign = tuple(r for r in world.regions if r != smk.params.china)
    with timed(log, f"reading {smk.input.customs}"):
        flows = read_customs(smk.input.customs, smk.input.hs6_concordance, smk.input.iso3_regions,
                             provincial.provinces, world.sectors, foreign, smk.params.excluded_trade_modes)
    blocks = trade_blocks(world, smk.params.china, foreign, flows.exports, flows.imports, provincial.exports,
                          provincial.imports, provincial.x, provincial.FD.sum(axis=0))
    write_trade_blocks(blocks, provincial.provinces, foreign, world.sectors, smk.output.blocks,
                       {"source": str(smk.input.customs), "method": "paper Eq. 2 and its import analogue"})
    summary = pd.DataFrame([
        ("export", flows.exports.sum(), blocks.exports.sum(), provincial.exports.sum(), flows.excluded_share["export"]),
        ("import", flows.imports.sum(), blocks.imports.sum(), provincial.imports.sum(), flows.excluded_share["import"]),
    ], columns=["flow", "customs_musd", "blocks_musd", "provincial_mrio_musd", "excluded_trade_mode_share"])
    write_csv_atomic(summary, smk.output.summary, ["Customs totals before and after rescaling to the provincial MRIO "
                                                   "(US$ million)."])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
