"""Customs-linked export and import blocks, paper Eq. 2 (rule customs_blocks)."""

from exportpm.io import write_csv_atomic
from exportpm.logs import configure_logging
from exportpm.mrio.pipeline import blocks_from_files
from exportpm.mrio.store import read_global_mrio, read_provincial, write_trade_blocks


def main(smk) -> None:
    configure_logging(smk.log[0])
    world = read_global_mrio(smk.input.gtap_mrio)
    provincial = read_provincial(smk.input.provincial)
    blocks, summary = blocks_from_files(
        smk.input.customs,
        smk.input.hs6_concordance,
        smk.input.iso3_regions,
        world,
        provincial,
        smk.params.china,
        smk.params.excluded_trade_modes,
    )
    foreign = tuple(r for r in world.regions if r != smk.params.china)
    write_trade_blocks(
        blocks,
        provincial.provinces,
        foreign,
        world.sectors,
        smk.output.blocks,
        {"source": str(smk.input.customs), "method": "paper Eq. 2 and its import analogue"},
    )
    write_csv_atomic(
        summary, smk.output.summary, ["Customs totals before and after rescaling to the provincial MRIO (US$ million)."]
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
