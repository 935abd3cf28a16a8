"""Synthetic MEIC, GAINS and agricultural NH3 inventories consistent with the demo economy.

National 2017 totals by MEIC sector and species are close to MEIC v1.3 (Zheng et al. 2018, ACP 18:14095);
they go to GAINS sectors by species-specific weights and to provinces by each sector's activity driver
(output of the GTAP sectors it maps to, population for private vehicles and households), with dirtier
production inland (coal provinces) than on the coast. GAINS 2015 and 2020 bracket 2017 with sectoral trends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.conventions import MEIC_SECTORS
from exportpm.conventions import MEIC_SPECIES as SPECIES
from exportpm.demo.provincial import AG_SECTORS, ProvincialEconomy
from exportpm.demo.spec import WorldSpec
from exportpm.resources import resource

# National totals 2017 (kt) by MEIC sector (rows) and species (columns NOx, SO2, CO, NH3, BC, OC, PM25).
NATIONAL_KT = pd.DataFrame(
    [
        [200, 0, 1000, 9000, 30, 80, 300],  # agriculture
        [8300, 6200, 60000, 300, 400, 500, 3500],  # industry
        [3900, 1100, 2000, 20, 10, 5, 300],  # power
        [800, 2600, 52000, 200, 630, 1700, 2900],  # residential
        [9000, 600, 30000, 100, 180, 60, 300],
    ],  # transportation
    index=list(MEIC_SECTORS),
    columns=list(SPECIES),
    dtype=float,
)
# Weights of GAINS sectors within their MEIC sector: (combustion gases, particles, NH3).
GAINS_WEIGHTS = {
    "PP_EX_COAL": (70, 70, 70),
    "PP_NEW_COAL": (15, 8, 15),
    "PP_EX_GAS": (4, 1, 4),
    "PP_EX_OIL": (1, 1, 1),
    "PP_BIO": (3, 8, 3),
    "PP_HEAT": (8, 12, 8),
    "IN_BO_CHEM": (6, 4, 3),
    "IN_BO_PAP": (2, 2, 1),
    "IN_BO_FOOD": (3, 3, 2),
    "IN_BO_TEX": (2, 2, 1),
    "IN_BO_OTH": (8, 6, 2),
    "IN_OC_ISTEEL": (8, 5, 1),
    "IN_OC_NFME": (3, 2, 1),
    "IN_OC_NMM": (6, 6, 1),
    "PR_CEM": (14, 14, 1),
    "PR_LIME": (3, 5, 1),
    "PR_GLASS": (3, 2, 1),
    "PR_BRICK": (5, 9, 1),
    "PR_PIGI": (3, 4, 1),
    "PR_SINT": (8, 6, 1),
    "PR_EARC": (1, 2, 1),
    "PR_BAOX": (2, 3, 1),
    "PR_ALPRIM": (2, 2, 1),
    "PR_NFME_OTH": (3, 2, 1),
    "PR_COKE": (4, 6, 4),
    "PR_REF": (2, 1, 2),
    "PR_NIAC": (1, 0.2, 5),
    "PR_AMM": (1, 0.5, 60),
    "PR_CHEM_OTH": (2, 2, 5),
    "PR_PULP": (1, 1, 1),
    "PR_FOOD": (1, 1, 2),
    "MIN_COAL": (1, 4, 1),
    "MIN_OTH": (1, 4, 1),
    "EXT_OILGAS": (1, 0.5, 1),
    "CON_GASDIST": (0.2, 0.1, 0.5),
    "IN_CONSTR": (1, 8, 1),
    "TRA_RD_LD4C": (15, 8, 40),
    "TRA_RD_M4": (2, 2, 2),
    "TRA_RD_M2": (1, 1, 1),
    "TRA_RD_LD4T": (10, 10, 10),
    "TRA_RD_HDT": (45, 45, 30),
    "TRA_RD_HDB": (8, 8, 6),
    "TRA_RAIL": (3, 3, 1),
    "TRA_INLAND_SHIP": (8, 10, 1),
    "TRA_AIR": (2, 0.5, 1),
    "TRA_OT_AGR": (4, 8, 3),
    "TRA_OT_CNS": (3, 6, 2),
    "DOM_RES_COAL": (40, 40, 30),
    "DOM_RES_BIO": (25, 45, 40),
    "DOM_RES_GAS": (15, 1, 10),
    "DOM_COMM": (20, 14, 20),
    "AGR_FERT": (50, 5, 45),
    "AGR_COWS": (1, 1, 15),
    "AGR_PIG": (1, 1, 20),
    "AGR_POULT": (1, 1, 12),
    "AGR_OTANI": (1, 1, 5),
    "AGR_BURN": (47, 91, 3),
}
# China's 2017 gross output, about 220 trillion CNY (NBS 2017 input-output table), in 10^4 CNY.
CHINA_OUTPUT_2017_WAN_CNY = 2.2e10
PARTICLES = {"BC", "OC", "PM25"}
# Annual trend (fraction per year) by MEIC sector and species family, used to make GAINS 2015 and 2020.
TREND = {
    "power": {"SO2": -0.15, "NOx": -0.08, "particles": -0.10},
    "industry": {"SO2": -0.12, "NOx": -0.04, "particles": -0.07},
    "residential": {"SO2": -0.08, "particles": -0.06},
    "transportation": {"NOx": -0.02, "CO": -0.05},
}
NORTH_CLASSES = {"North", "Northeast", "Northwest", "Beijing-Tianjin"}


@dataclass
class Inventories:
    """The synthetic emission inventories of the demo world (GAINS kt, MEIC t, agricultural NH3, monthly profiles)."""

    gains_sectors: pd.DataFrame  # the GAINS sectors present in this world (from resources)
    gains: dict[int, np.ndarray]  # year -> [g, p, q] kt
    meic_province: np.ndarray  # [p, s, q] t per year (MEIC sector s)
    agri_nh3: pd.DataFrame  # province, category, nh3_t
    monthly_profile: np.ndarray  # [p, s, q, month] fractions summing to 1 over months


def species_column(species: str) -> int:
    """Column of ``GAINS_WEIGHTS`` for ``species``: 2 for NH3, 1 for particle species, 0 for the gases."""
    return 2 if species == "NH3" else (1 if species in PARTICLES else 0)


def gains_drivers(spec: WorldSpec, economy: ProvincialEconomy, table: pd.DataFrame) -> np.ndarray:
    """Activity driver of each GAINS sector by province (arbitrary units, rows sum to anything)."""
    prov = spec.provinces
    pop = prov["population"].to_numpy()
    gdp_pc = prov["gdp_100m_cny"].to_numpy() / pop
    north = prov["region_class"].isin(NORTH_CLASSES).to_numpy()
    coastal = prov["region_class"].isin(["East Coast", "Beijing-Tianjin"]).to_numpy()
    dirtiness = np.where(coastal, 0.6, 1.0) * np.where(
        prov["iso3166_2"].isin(["CN-SX", "CN-NM", "CN-HE", "CN-NX", "CN-XJ", "CN-GZ"]).to_numpy(), 2.0, 1.0
    )
    drivers = np.zeros((len(table), len(prov)))
    for g, row in enumerate(table.itertuples()):
        if row.excluded == "private_vehicle":
            drivers[g] = pop * np.sqrt(gdp_pc / gdp_pc.mean())
        elif row.excluded == "residential":
            drivers[g] = pop * np.where(north, 1.8, 1.0) * (1.5 if row.gains_sector == "DOM_RES_COAL" else 1.0)
        else:
            codes = [spec.sectors.index(c) for c in row.gtap_codes.split(";") if c in spec.sectors]
            drivers[g] = economy.gtap_output[:, codes].sum(1) * dirtiness
    return drivers


def build_inventories(spec: WorldSpec, economy: ProvincialEconomy) -> Inventories:
    """Synthetic GAINS (kt, 2015 and 2020) and MEIC (t, 2017) inventories by province for the demo world.

    National MEIC-sector totals (scaled down for a world smaller than China) are split over GAINS sectors by
    seeded weights and over provinces by :func:`gains_drivers`; the GAINS years follow sector trends from
    2017, and MEIC gets its own small noise.

    Returns
    -------
    Inventories
        GAINS by year, MEIC by province and sector, agricultural NH3 and monthly profiles.
    """
    rng = spec.rng("inventories")
    table = resource("gains_sectors")
    present = table.apply(
        lambda r: r["excluded"] != "" or any(c in spec.sectors for c in r["gtap_codes"].split(";")), axis=1
    )
    table = table[present].reset_index(drop=True)
    drivers = gains_drivers(spec, economy, table)
    nat_scale = min(economy.output.sum() / CHINA_OUTPUT_2017_WAN_CNY, 1.0)  # a smaller world emits less
    P, G, Q = len(spec.provinces), len(table), len(SPECIES)
    e2017 = np.zeros((G, P, Q))
    for meic in MEIC_SECTORS:
        members = np.flatnonzero(table["meic_sector"].to_numpy() == meic)
        for q, species in enumerate(SPECIES):
            w = np.array([GAINS_WEIGHTS[table.at[g, "gains_sector"]][species_column(species)] for g in members])
            w = w * np.exp(rng.normal(0, 0.1, len(members)))
            total = NATIONAL_KT.at[meic, species] * nat_scale
            for g, weight in zip(members, w / w.sum(), strict=True):
                share = drivers[g] / drivers[g].sum() if drivers[g].sum() > 0 else np.full(P, 1 / P)
                e2017[g, :, q] = total * weight * share
    gains = {}
    for year in (2015, 2020):
        rate = np.zeros((G, Q))
        for g, meic in enumerate(table["meic_sector"]):
            for q, species in enumerate(SPECIES):
                family = "particles" if species in PARTICLES else species
                rate[g, q] = TREND.get(meic, {}).get(family, -0.02 if species != "NH3" else -0.01)
        factor = (1 + rate) ** (year - spec.year)
        gains[year] = e2017 * factor[:, None, :] * np.exp(rng.normal(0, 0.03, size=e2017.shape))
    meic_index = np.array([MEIC_SECTORS.index(m) for m in table["meic_sector"]])
    meic_province = np.zeros((P, len(MEIC_SECTORS), Q))
    for g in range(G):
        meic_province[:, meic_index[g], :] += e2017[g] * 1e3  # kt -> t
    meic_province *= np.exp(rng.normal(0, 0.05, size=meic_province.shape))  # MEIC is not GAINS
    return Inventories(
        table, gains, meic_province, agricultural_nh3(spec, economy, meic_province, rng), monthly_profiles(spec)
    )


def agricultural_nh3(
    spec: WorldSpec, economy: ProvincialEconomy, meic_province: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The 14-category provincial agricultural NH3 inventory (t), close to MEIC's agricultural NH3."""
    categories = resource("agnh3_categories")
    factor = {
        "pdr": 1.2,
        "wht": 1.5,
        "gro": 1.5,
        "v_f": 1.0,
        "osd": 0.8,
        "c_b": 0.8,
        "pfb": 1.0,
        "ocr": 0.6,
        "ctl": 2.5,
        "oap": 1.8,
        "rmk": 2.0,
        "wol": 1.0,
        "frs": 0.02,
        "fsh": 0.05,
    }
    nh3_total = meic_province[:, MEIC_SECTORS.index("agriculture"), SPECIES.index("NH3")]
    rows = []
    for p, iso in enumerate(spec.provinces["iso3166_2"]):
        weights = np.array(
            [
                economy.gtap_output[p, spec.sectors.index(c)] * factor[c] if c in spec.sectors else 0.0
                for c in categories["gtap_code"]
            ]
        )
        values = nh3_total[p] * rng.uniform(0.9, 1.1) * weights / weights.sum()
        rows += [(iso, cat, val) for cat, val in zip(categories["category"], values, strict=True)]
    frame = pd.DataFrame(rows, columns=["province", "category", "nh3_t"])
    return frame[
        frame["category"].isin(
            categories.loc[categories["gtap_code"].isin([s for s in AG_SECTORS if s in spec.sectors]), "category"]
        )
    ].reset_index(drop=True)


def monthly_profiles(spec: WorldSpec) -> np.ndarray:
    """[p, s, q, month]: heating-season residential peaks in the North, summer NH3, Spring Festival dip."""
    month = np.arange(12)
    winter = np.cos(2 * np.pi * month / 12) ** 2 * (np.abs(month - 6) > 2)
    summer = np.exp(-((month - 5.5) ** 2) / 8)
    north = spec.provinces["region_class"].isin(NORTH_CLASSES).to_numpy()
    P, S, Q = len(spec.provinces), len(MEIC_SECTORS), len(SPECIES)
    prof = np.ones((P, S, Q, 12))
    res, agr, ind, pw = (MEIC_SECTORS.index(s) for s in ("residential", "agriculture", "industry", "power"))
    prof[:, res] += np.where(north, 3.0, 0.8)[:, None, None] * winter
    prof[:, agr, SPECIES.index("NH3")] += 2.0 * summer
    prof[:, ind, :, 1] *= 0.8
    prof[:, pw] += 0.3 * (winter + summer)
    return prof / prof.sum(-1, keepdims=True)
