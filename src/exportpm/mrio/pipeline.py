"""The linked-MRIO stages as functions of input files: what the rules run, and what tests and benchmarks
call to rebuild any stage in one process."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.io.ceads import read_ceads_mrio
from exportpm.io.customs import read_customs
from exportpm.io.yearbook import province_codes, read_agriculture_output, read_cattle, read_wood_furniture
from exportpm.mrio.customs import TradeBlocks, trade_blocks
from exportpm.mrio.gtap import GlobalMRIO
from exportpm.mrio.provincial import ProvincialMRIO, YearbookData, expand_provincial, split_shares
from exportpm.resources import read_table

log = logging.getLogger(__name__)


def provincial_from_files(
    ceads: str | Path,
    agriculture: str | Path,
    cattle: str | Path,
    wood_furniture: str | Path,
    concordance: str | Path,
    sectors: tuple[str, ...],
    china_output: np.ndarray,
    cny_per_usd: float,
    agriculture_total: str = "yearbook",
    bovine_cap: str = "error",
) -> tuple[ProvincialMRIO, pd.DataFrame]:
    """Expanded provincial MRIO (US$ million) and the table of split shares per province and sector."""
    table = read_ceads_mrio(ceads)
    provinces = tuple(province_codes(pd.Series(table.provinces), ceads, "header row 2"))
    yearbooks = YearbookData(
        read_agriculture_output(agriculture), read_cattle(cattle), read_wood_furniture(wood_furniture)
    )
    concordance_table = read_table(concordance, required=["ceads_code", "gtap_code", "split_rule"])
    output = table.output.reshape(len(provinces), len(table.sectors))
    S = split_shares(
        concordance_table,
        table.sectors,
        sectors,
        provinces,
        china_output,
        yearbooks,
        output,
        source=str(concordance),
        agriculture_total=agriculture_total,
        bovine_cap=bovine_cap,
    )
    mrio = expand_provincial(table, provinces, sectors, S, cny_per_usd)
    rows = [
        (province, code, output[p, k], ";".join(sectors[g] for g in np.flatnonzero(S[p, k])), float(S[p, k].sum()))
        for p, province in enumerate(provinces)
        for k, code in enumerate(table.sectors)
    ]
    shares = pd.DataFrame(rows, columns=["province", "ceads_sector", "output_10k_cny", "gtap_sectors", "share_sum"])
    if not np.allclose(shares["share_sum"], 1.0, atol=1e-12):
        raise ValueError("provincial expansion: split shares do not sum to one")
    return mrio, shares


def blocks_from_files(
    customs: str | Path,
    hs6_concordance: str | Path,
    iso3_regions: str | Path,
    world: GlobalMRIO,
    provincial: ProvincialMRIO,
    china: str,
    excluded_trade_modes: list[str],
) -> tuple[TradeBlocks, pd.DataFrame]:
    """Customs-linked blocks (Eq. 2) and a summary of customs totals before and after rescaling."""
    foreign = tuple(r for r in world.regions if r != china)
    flows = read_customs(
        customs, hs6_concordance, iso3_regions, provincial.provinces, world.sectors, foreign, excluded_trade_modes
    )
    blocks = trade_blocks(
        world,
        china,
        foreign,
        flows.exports,
        flows.imports,
        provincial.exports,
        provincial.imports,
        provincial.x,
        provincial.FD.sum(axis=0),
    )
    summary = pd.DataFrame(
        [
            (
                "export",
                flows.exports.sum(),
                blocks.exports.sum(),
                provincial.exports.sum(),
                flows.excluded_share["export"],
            ),
            (
                "import",
                flows.imports.sum(),
                blocks.imports.sum(),
                provincial.imports.sum(),
                flows.excluded_share["import"],
            ),
        ],
        columns=["flow", "customs_musd", "blocks_musd", "provincial_mrio_musd", "excluded_trade_mode_share"],
    )
    return blocks, summary
