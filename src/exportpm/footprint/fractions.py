"""Shares of each province x MEIC sector x species that a zero-out scenario removes (for the CTM runs)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from exportpm.inventory import MEIC_SECTORS

PM25_PARTS = ("BC", "OC", "PM25_other")


def scenario_fractions(
    inventory: pd.DataFrame, meic_totals: pd.DataFrame, by_emitter: pd.DataFrame, emissions: pd.DataFrame
) -> pd.DataFrame:
    """Removed fraction per (province, MEIC sector, MEIC species, driver).

    ``inventory``: province, meic_sector, sector, species, tonnes (inventory species);
    ``meic_totals``: province, meic_sector, species, meic_t (MEIC totals incl. excluded emissions);
    ``by_emitter``: species, emitting_province, sector, driver, tonnes (export-related);
    ``emissions``: species, province, sector, tonnes (total emissions of the province-sector).
    Each province-sector's export-related share applies to all of its MEIC-sector parts; excluded emissions
    (households, private vehicles) are never removed. MEIC's PM2.5 = BC + OC + other primary PM2.5; rows for both
    PM25 (MEIC's species) and PM25_other (what GEOS-Chem emits as primary dust) are given.
    """
    share = by_emitter.merge(
        emissions.rename(columns={"province": "emitting_province", "tonnes": "total"}),
        on=["species", "emitting_province", "sector"],
    )
    share["share"] = share["tonnes"] / share["total"]
    share = share.rename(columns={"emitting_province": "province"})[
        ["species", "province", "sector", "driver", "share"]
    ]
    inventory = inventory.assign(
        species=inventory["species"].astype(str),
        province=inventory["province"].astype(str),
        sector=inventory["sector"].astype(str),
    )
    share = share.assign(**{c: share[c].astype(str) for c in ("species", "province", "sector", "driver")})
    removed = inventory.merge(share, on=["species", "province", "sector"])
    removed["removed"] = removed["tonnes"] * removed["share"]
    removed = removed.groupby(["province", "meic_sector", "species", "driver"], as_index=False)["removed"].sum()
    totals = meic_totals.copy()
    pm_removed = (
        removed[removed["species"].isin(PM25_PARTS)]
        .groupby(["province", "meic_sector", "driver"], as_index=False)["removed"]
        .sum()
        .assign(species="PM25")
    )
    pm_totals = (
        totals[totals["species"].isin(PM25_PARTS)]
        .groupby(["province", "meic_sector"], as_index=False)["meic_t"]
        .sum()
        .assign(species="PM25")
    )
    removed = pd.concat([removed, pm_removed], ignore_index=True)
    totals = pd.concat([totals, pm_totals], ignore_index=True)
    out = removed.merge(
        totals[["province", "meic_sector", "species", "meic_t"]], on=["province", "meic_sector", "species"]
    )
    out["fraction_removed"] = np.where(out["meic_t"] > 0, out["removed"] / out["meic_t"], 0.0)
    if (out["fraction_removed"] > 1 + 1e-9).any() or (out["fraction_removed"] < 0).any():
        raise ValueError("a scenario would remove more than all (or less than none) of an emission")
    out["meic_sector"] = pd.Categorical(out["meic_sector"], categories=list(MEIC_SECTORS))
    return out.sort_values(["driver", "province", "meic_sector", "species"]).reset_index(drop=True)
