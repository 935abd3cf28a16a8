"""The hybrid provincial inventory: MEIC totals split by GAINS shares (Eq. 3), mapped to GTAP sectors.

For province n, MEIC sector j and species q: E_i = f_ij E_j (Eq. 3), with f_ij the share of GAINS sector i
in the GAINS total of the sectors that make up MEIC sector j in province n, GAINS interpolated between 2015
and 2020 to the study year. GAINS sectors flagged ``private_vehicle`` or ``residential`` are excluded (not
economic production) and reported. The others map to GTAP sectors (resources/gains_sectors.csv), split by
the province's output in the linked MRIO. Agricultural NH3 is distributed over the agricultural GTAP sectors
by the 14-category inventory (its provincial pattern, MEIC's provincial total), so that every province and
MEIC sector keeps MEIC's total minus the exclusions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.inventory import INVENTORY_SPECIES, MEIC_SECTORS

log = logging.getLogger(__name__)


@dataclass
class HybridInventory:
    """The hybrid provincial inventory (Eq. 3), t per year.

    ``emissions`` is by province, MEIC sector, GTAP sector and species with the excluded sources removed;
    ``excluded`` and ``meic`` are by province, MEIC sector and species.
    """

    emissions: np.ndarray  # [province, MEIC sector, GTAP sector, species] t/yr (excluded removed)
    excluded: np.ndarray  # [province, MEIC sector, species] t/yr
    meic: np.ndarray  # [province, MEIC sector, species] t/yr (inventory species)
    excluded_by_gains: pd.DataFrame


def inventory_species(meic_totals: np.ndarray, meic_species: tuple[str, ...]) -> np.ndarray:
    """MEIC species -> inventory species: other primary PM2.5 = PM2.5 - BC - OC (clipped at zero)."""
    out = np.empty((*meic_totals.shape[:-1], len(INVENTORY_SPECIES)))
    for q, name in enumerate(INVENTORY_SPECIES):
        if name == "PM25_other":
            pm, bc, oc = (meic_totals[..., meic_species.index(s)] for s in ("PM25", "BC", "OC"))
            other = pm - bc - oc
            if (other < -1e-9 * np.abs(pm).max()).any():
                log.warning(
                    "MEIC: PM2.5 below BC + OC in %d province-sectors; other PM2.5 set to 0", int((other < 0).sum())
                )
            out[..., q] = np.clip(other, 0.0, None)
        else:
            out[..., q] = meic_totals[..., meic_species.index(name)]
    return out


def gains_shares(gains_2017: np.ndarray, members: np.ndarray) -> np.ndarray:
    """f[p, i] within one MEIC sector (Eq. 3); provinces without GAINS data there use national shares."""
    sub = gains_2017[:, members]
    total = sub.sum(axis=1, keepdims=True)
    national = sub.sum(axis=0)
    national = national / national.sum() if national.sum() > 0 else np.full(members.size, 1 / members.size)
    return np.where(total > 0, sub / np.where(total > 0, total, 1.0), national[None, :])


def build_inventory(
    provinces: tuple[str, ...],
    sectors: tuple[str, ...],
    output: np.ndarray,
    meic: np.ndarray,
    gains_2017: dict[str, np.ndarray],
    gains_table: pd.DataFrame,
    agri_nh3: pd.DataFrame,
) -> HybridInventory:
    """Inputs: provincial output [p, g] (US$ million), MEIC totals [p, MEIC sector, inventory species] (t),
    GAINS study-year emissions per species [p, GAINS sector in ``gains_table`` order], the GAINS table
    (gains_sector, meic_sector, gtap_codes, excluded) and the agricultural NH3 inventory.

    Long because Eq. 3's split, the GTAP mapping and the NH3 replacement share one loop over provinces and MEIC sectors.
    """
    P, S, N, Q = len(provinces), len(MEIC_SECTORS), len(sectors), len(INVENTORY_SPECIES)
    emissions = np.zeros((P, S, N, Q))
    excluded = np.zeros((P, S, Q))
    excluded_rows = []
    meic_index = gains_table["meic_sector"].map(MEIC_SECTORS.index).to_numpy()
    is_excluded = gains_table["excluded"].fillna("").astype(str).str.len().to_numpy() > 0
    targets = [[sectors.index(c) for c in codes.split(";") if c in sectors] for codes in gains_table["gtap_codes"]]
    for g, codes in enumerate(targets):
        if not codes and not is_excluded[g]:
            raise ValueError(f"GAINS sector {gains_table.at[g, 'gains_sector']} maps to no sector of the MRIO")
    ag_nh3 = agricultural_nh3_pattern(provinces, sectors, agri_nh3)
    for q, species in enumerate(INVENTORY_SPECIES):
        gains = gains_2017["PM25" if species == "PM25_other" else species]
        for s, meic_sector in enumerate(MEIC_SECTORS):
            if meic_sector == "agriculture" and species == "NH3":
                emissions[:, s, :, q] = ag_nh3 * meic[:, s, q][:, None]
                continue
            members = np.flatnonzero(meic_index == s)
            if members.size == 0:
                if meic[:, s, q].sum() > 0:
                    raise ValueError(f"MEIC {meic_sector} {species} has emissions but no GAINS sector belongs to it")
                continue
            sub = gains_shares(gains, members) * meic[:, s, q][:, None]
            for k, g in enumerate(members):
                if is_excluded[g]:
                    excluded[:, s, q] += sub[:, k]
                    excluded_rows += [
                        (
                            provinces[p],
                            meic_sector,
                            gains_table.at[g, "gains_sector"],
                            gains_table.at[g, "excluded"],
                            species,
                            sub[p, k],
                        )
                        for p in range(P)
                    ]
                    continue
                split = output[:, targets[g]]
                total = split.sum(axis=1, keepdims=True)
                if (total[sub[:, k] > 0] <= 0).any():
                    bad = provinces[int(np.flatnonzero((total.ravel() <= 0) & (sub[:, k] > 0))[0])]
                    raise ValueError(
                        f"{bad}: GAINS sector {gains_table.at[g, 'gains_sector']} has emissions but "
                        f"its GTAP sectors {gains_table.at[g, 'gtap_codes']} have no output"
                    )
                emissions[:, s, targets[g], q] += sub[:, k][:, None] * split / np.where(total > 0, total, 1.0)
    check_inventory(emissions, excluded, meic)
    frame = pd.DataFrame(
        excluded_rows, columns=["province", "meic_sector", "gains_sector", "reason", "species", "tonnes"]
    )
    log.info(
        "excluded (private vehicles, residential): %s", frame.groupby("species")["tonnes"].sum().round(0).to_dict()
    )
    return HybridInventory(emissions, excluded, meic, frame)


def agricultural_nh3_pattern(
    provinces: tuple[str, ...], sectors: tuple[str, ...], agri_nh3: pd.DataFrame
) -> np.ndarray:
    """[p, g]: each province's agricultural NH3 shares over GTAP sectors from the 14-category inventory."""
    pattern = np.zeros((len(provinces), len(sectors)))
    frame = agri_nh3[agri_nh3["gtap_sector"].isin(sectors) & agri_nh3["province"].isin(provinces)]
    for row in frame.itertuples():
        pattern[provinces.index(row.province), sectors.index(row.gtap_sector)] += row.nh3_t
    totals = pattern.sum(axis=1, keepdims=True)
    missing = [provinces[p] for p in np.flatnonzero(totals.ravel() <= 0)]
    if missing:
        raise ValueError(f"agricultural NH3 inventory: no data for {missing}")
    return pattern / totals


def check_inventory(emissions: np.ndarray, excluded: np.ndarray, meic: np.ndarray, rtol: float = 1e-9) -> float:
    """Per province, MEIC sector and species: inventory + exclusions = MEIC (to ``rtol``)."""
    total = emissions.sum(axis=2) + excluded
    gap = np.abs(total - meic) / np.maximum(np.abs(meic), 1e-300)
    worst = float(gap[meic > 0].max()) if (meic > 0).any() else 0.0
    if worst > rtol or (emissions < 0).any():
        raise ValueError(f"inventory does not add up to MEIC minus exclusions (worst relative gap {worst:.3g})")
    log.info("inventory + exclusions = MEIC for every province, MEIC sector and species (worst %.1e)", worst)
    return worst


def intensities(emissions: np.ndarray, output: np.ndarray) -> np.ndarray:
    """F[q, p, g] = e / x (paper Eq. 9), t per US$ million; 0 where there is no output (and no emission)."""
    e = emissions.sum(axis=1)  # [p, g, q]
    if ((output <= 0)[:, :, None] & (e > 0)).any():
        raise ValueError("emissions in a province-sector without output: intensity undefined")
    return np.moveaxis(np.divide(e, output[:, :, None], out=np.zeros_like(e), where=output[:, :, None] > 0), -1, 0)
