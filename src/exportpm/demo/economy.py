"""A synthetic but plausible world economy: a GTAP-consistent global database and China's provincial MRIO.

The global part is solved as a fixed point of the GTAP accounting identities (output = domestic sales +
exports + margin supply; imports = import use; margin supply = margin demand; VCIF = VFOB + margins) so the
HAR headers written from it satisfy them to float32 precision. China's provincial table is built on the
GTAP China technology aggregated to the 42 provincial sectors, with provincial specialisation
(export-heavy coast, heavy industry and power inland).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from exportpm.demo.spec import ENDOWMENTS, WorldSpec
from exportpm.resources import resource

log = logging.getLogger(__name__)

# ---------------------------------------------------------------------------------------------------------
# Sector kinds and recipes (shares of intermediate inputs by supplier kind), world-average technology.
KIND = {
    **dict.fromkeys(["pdr", "wht", "gro", "v_f", "osd", "c_b", "pfb", "ocr"], "crop"),
    **dict.fromkeys(["ctl", "oap", "rmk", "wol"], "livestock"),
    "frs": "forestry_fish",
    "fsh": "forestry_fish",
    "coa": "coal",
    "oil": "oilgas",
    "gas": "oilgas",
    "oxt": "mining",
    **dict.fromkeys(["cmt", "omt", "vol", "mil", "pcr", "sgr", "ofd", "b_t"], "food"),
    **dict.fromkeys(["tex", "wap", "lea"], "textile"),
    **dict.fromkeys(["lum", "ppp", "omf"], "wood_paper"),
    "p_c": "petro",
    **dict.fromkeys(["chm", "bph", "rpp"], "chemical"),
    "nmm": "minerals",
    **dict.fromkeys(["i_s", "nfm", "fmp"], "metals"),
    **dict.fromkeys(["ele", "eeq", "ome", "mvh", "otn"], "equipment"),
    "ely": "electricity",
    "gdt": "gaswater",
    "wtr": "gaswater",
    "cns": "construction",
    "trd": "trade",
    **dict.fromkeys(["otp", "wtp", "atp", "whs"], "transport"),
    **dict.fromkeys(["afs", "cmn", "ofi", "ins", "rsa", "obs", "ros", "osg", "edu", "hht"], "services"),
    "dwe": "dwelling",
}
RECIPE: dict[str, dict[str, float]] = {
    "crop": {
        "crop": 0.2,
        "chemical": 0.25,
        "petro": 0.1,
        "electricity": 0.05,
        "trade": 0.1,
        "transport": 0.08,
        "services": 0.12,
        "equipment": 0.05,
        "livestock": 0.05,
    },
    "livestock": {
        "crop": 0.45,
        "food": 0.15,
        "livestock": 0.1,
        "chemical": 0.05,
        "trade": 0.08,
        "transport": 0.05,
        "services": 0.12,
    },
    "forestry_fish": {
        "forestry_fish": 0.2,
        "petro": 0.2,
        "chemical": 0.1,
        "equipment": 0.1,
        "services": 0.2,
        "trade": 0.1,
        "transport": 0.1,
    },
    "coal": {
        "equipment": 0.2,
        "electricity": 0.15,
        "metals": 0.1,
        "coal": 0.1,
        "services": 0.2,
        "transport": 0.1,
        "petro": 0.1,
        "chemical": 0.05,
    },
    "oilgas": {
        "equipment": 0.2,
        "services": 0.3,
        "metals": 0.1,
        "electricity": 0.1,
        "oilgas": 0.1,
        "transport": 0.1,
        "chemical": 0.1,
    },
    "mining": {
        "equipment": 0.2,
        "electricity": 0.2,
        "petro": 0.1,
        "chemical": 0.1,
        "services": 0.2,
        "transport": 0.1,
        "metals": 0.1,
    },
    "food": {
        "crop": 0.35,
        "livestock": 0.2,
        "food": 0.15,
        "wood_paper": 0.05,
        "chemical": 0.05,
        "trade": 0.08,
        "transport": 0.05,
        "services": 0.07,
    },
    "textile": {
        "crop": 0.1,
        "textile": 0.4,
        "chemical": 0.15,
        "electricity": 0.05,
        "trade": 0.1,
        "transport": 0.05,
        "services": 0.1,
        "wood_paper": 0.05,
    },
    "wood_paper": {
        "forestry_fish": 0.25,
        "wood_paper": 0.25,
        "chemical": 0.12,
        "electricity": 0.06,
        "trade": 0.1,
        "transport": 0.07,
        "services": 0.1,
        "metals": 0.05,
    },
    "petro": {
        "oilgas": 0.6,
        "coal": 0.1,
        "chemical": 0.05,
        "electricity": 0.05,
        "transport": 0.08,
        "services": 0.07,
        "petro": 0.05,
    },
    "chemical": {
        "chemical": 0.35,
        "petro": 0.15,
        "oilgas": 0.05,
        "mining": 0.05,
        "electricity": 0.08,
        "coal": 0.05,
        "trade": 0.08,
        "transport": 0.07,
        "services": 0.12,
    },
    "minerals": {
        "mining": 0.2,
        "coal": 0.15,
        "electricity": 0.12,
        "minerals": 0.15,
        "petro": 0.08,
        "chemical": 0.05,
        "transport": 0.1,
        "services": 0.1,
        "equipment": 0.05,
    },
    "metals": {
        "mining": 0.25,
        "metals": 0.3,
        "coal": 0.12,
        "electricity": 0.1,
        "petro": 0.03,
        "transport": 0.07,
        "services": 0.08,
        "trade": 0.05,
    },
    "equipment": {
        "equipment": 0.4,
        "metals": 0.2,
        "chemical": 0.08,
        "electricity": 0.03,
        "trade": 0.08,
        "transport": 0.04,
        "services": 0.12,
        "wood_paper": 0.03,
        "textile": 0.02,
    },
    "electricity": {
        "coal": 0.4,
        "oilgas": 0.08,
        "equipment": 0.1,
        "electricity": 0.1,
        "petro": 0.05,
        "transport": 0.08,
        "services": 0.14,
        "gaswater": 0.05,
    },
    "gaswater": {
        "oilgas": 0.3,
        "gaswater": 0.2,
        "equipment": 0.1,
        "electricity": 0.15,
        "services": 0.15,
        "construction": 0.1,
    },
    "construction": {
        "minerals": 0.2,
        "metals": 0.25,
        "equipment": 0.12,
        "wood_paper": 0.05,
        "chemical": 0.06,
        "petro": 0.05,
        "services": 0.15,
        "trade": 0.06,
        "transport": 0.06,
    },
    "trade": {
        "services": 0.35,
        "transport": 0.15,
        "electricity": 0.05,
        "petro": 0.05,
        "wood_paper": 0.05,
        "equipment": 0.05,
        "trade": 0.1,
        "construction": 0.05,
    },
    "transport": {
        "petro": 0.35,
        "equipment": 0.12,
        "services": 0.25,
        "transport": 0.15,
        "electricity": 0.05,
        "trade": 0.03,
    },
    "services": {
        "services": 0.45,
        "equipment": 0.08,
        "electricity": 0.05,
        "wood_paper": 0.05,
        "trade": 0.07,
        "transport": 0.07,
        "construction": 0.05,
        "food": 0.03,
        "petro": 0.02,
    },
    "dwelling": {"construction": 0.4, "services": 0.4, "electricity": 0.05, "gaswater": 0.1},
}
# Intermediate inputs per unit of output (world average) by user kind.
INPUT_SHARE = {
    "crop": 0.40,
    "livestock": 0.55,
    "forestry_fish": 0.35,
    "coal": 0.50,
    "oilgas": 0.40,
    "mining": 0.50,
    "food": 0.75,
    "textile": 0.72,
    "wood_paper": 0.70,
    "petro": 0.82,
    "chemical": 0.72,
    "minerals": 0.66,
    "metals": 0.78,
    "equipment": 0.74,
    "electricity": 0.65,
    "gaswater": 0.60,
    "construction": 0.72,
    "trade": 0.40,
    "transport": 0.55,
    "services": 0.38,
    "dwelling": 0.20,
}
# Final-demand composition by kind: household, government, gross fixed capital formation.
FD_WEIGHTS = {
    "household": {
        "crop": 0.03,
        "livestock": 0.02,
        "forestry_fish": 0.01,
        "food": 0.12,
        "textile": 0.05,
        "wood_paper": 0.02,
        "petro": 0.03,
        "chemical": 0.02,
        "equipment": 0.06,
        "electricity": 0.02,
        "gaswater": 0.01,
        "trade": 0.12,
        "transport": 0.04,
        "services": 0.30,
        "dwelling": 0.10,
    },
    "government": {
        "services": 0.85,
        "construction": 0.05,
        "equipment": 0.03,
        "chemical": 0.02,
        "transport": 0.02,
        "trade": 0.03,
    },
    "gfcf": {"construction": 0.60, "equipment": 0.30, "services": 0.07, "wood_paper": 0.02, "metals": 0.01},
}
GOODS_KINDS = {
    "crop",
    "livestock",
    "forestry_fish",
    "coal",
    "oilgas",
    "mining",
    "food",
    "textile",
    "wood_paper",
    "petro",
    "chemical",
    "minerals",
    "metals",
    "equipment",
}
BULK_KINDS = {"crop", "livestock", "coal", "mining", "minerals", "metals", "oilgas"}

# 2017 GDP, US$ million (World Bank WDI, rounded) for the largest economies; the rest are drawn.
GDP_2017 = {
    "usa": 19.5e6,
    "chn": 12.3e6,
    "jpn": 4.9e6,
    "deu": 3.7e6,
    "ind": 2.65e6,
    "gbr": 2.64e6,
    "fra": 2.59e6,
    "bra": 2.06e6,
    "ita": 1.95e6,
    "can": 1.65e6,
    "rus": 1.58e6,
    "kor": 1.62e6,
    "aus": 1.32e6,
    "esp": 1.31e6,
    "mex": 1.16e6,
    "idn": 1.02e6,
    "tur": 0.85e6,
    "nld": 0.83e6,
    "sau": 0.69e6,
    "che": 0.68e6,
    "arg": 0.64e6,
    "swe": 0.54e6,
    "pol": 0.53e6,
    "bel": 0.50e6,
    "tha": 0.46e6,
    "irn": 0.45e6,
    "twn": 0.58e6,
    "hkg": 0.34e6,
    "sgp": 0.34e6,
    "mys": 0.32e6,
    "vnm": 0.22e6,
    "phl": 0.31e6,
    "zaf": 0.35e6,
    "nga": 0.38e6,
    "are": 0.39e6,
    "xtw": 0.02e6,
}
GROUP_CENTROID = {
    "USA": (-98, 39),
    "Western Europe": (5, 48),
    "Eastern Europe": (25, 48),
    "Russia": (60, 58),
    "Rest of East Asia": (135, 37),
    "Rest of Asia": (100, 12),
    "Central Asia and Caucasus": (65, 42),
    "Middle East": (45, 28),
    "Africa": (20, 5),
    "Other North America": (-100, 45),
    "Latin America": (-60, -10),
    "Oceania": (145, -28),
    "Rest of the World": (0, 0),
}
CNY_PER_USD_2017 = 6.7518  # 2017 average central parity (PBoC)
# 10^4 CNY per US$ million at the 2017 average rate.
WAN_CNY_PER_MUSD = CNY_PER_USD_2017 * 100.0


@dataclass
class GlobalEconomy:
    """GTAP-style basic-price flows, US$ million. Axes: i commodity, j activity, s source, r region."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    margins: tuple[str, ...]
    headers: dict[str, np.ndarray]
    convergence: float


def region_coordinates(spec: WorldSpec) -> np.ndarray:
    """Rough (lon, lat) per region from its consumer group, with seeded jitter (degrees)."""
    groups = resource("foreign_region_groups").set_index("gtap_code")["group"]
    rng = spec.rng("coordinates")
    coords = []
    for region in spec.regions:
        if region == "chn":
            coords.append((105.0, 35.0))
            continue
        lon, lat = GROUP_CENTROID[groups[region]]
        coords.append((lon + rng.normal(0, 6), lat + rng.normal(0, 4)))
    return np.array(coords)


def great_circle_km(coords: np.ndarray) -> np.ndarray:
    """Pairwise great-circle distances (km) between (lon, lat) points."""
    lon, lat = np.radians(coords[:, 0]), np.radians(coords[:, 1])
    cos_angle = np.sin(lat)[:, None] * np.sin(lat)[None, :] + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.cos(
        lon[:, None] - lon[None, :]
    )
    return 6371.0 * np.arccos(np.clip(cos_angle, -1.0, 1.0))


def region_gdp(spec: WorldSpec) -> np.ndarray:
    """2017 GDP of each region of the demo world, US$ million (synthetic).

    Regions listed in ``GDP_2017`` take that value; the others are drawn log-normally (median 6e4) from the
    world's ``gdp`` random stream.
    """
    rng = spec.rng("gdp")
    return np.array([GDP_2017.get(r, float(np.exp(rng.normal(np.log(6e4), 1.1)))) for r in spec.regions])


def _kind_weights(sectors: tuple[str, ...], weights: dict[str, float], sector_size: np.ndarray) -> np.ndarray:
    """Spread kind-level weights over the sectors of each kind in proportion to ``sector_size``."""
    kinds = np.array([KIND[s] for s in sectors])
    out = np.zeros(len(sectors))
    for kind, weight in weights.items():
        members = kinds == kind
        if members.any():
            out[members] = weight * sector_size[members] / sector_size[members].sum()
    return out


def technology(spec: WorldSpec, sector_size: np.ndarray, development: np.ndarray) -> np.ndarray:
    """Technical coefficients a[i, j, r] (US$ of good i per US$ of output j), domestic plus imported."""
    n, nreg = len(spec.sectors), len(spec.regions)
    rng = spec.rng("technology")
    base = np.zeros((n, n))
    for j, sector in enumerate(spec.sectors):
        kind = KIND[sector]
        column = _kind_weights(spec.sectors, RECIPE[kind], sector_size)
        column[j] += 0.05  # own-sector purchases
        base[:, j] = INPUT_SHARE[kind] * column / column.sum()
    noise = np.exp(rng.normal(0.0, 0.25, size=(n, n, nreg)))
    a = base[:, :, None] * noise
    # Less developed economies use more intermediates per unit output (China about 12 % more).
    scale = np.clip(1.12 - 0.2 * development, 0.85, 1.15)
    a *= scale[None, None, :]
    colsum = a.sum(axis=0)
    a *= np.minimum(1.0, 0.9 / colsum.clip(1e-12))[None, :, :]
    return a


def final_demand(spec: WorldSpec, gdp: np.ndarray, sector_size: np.ndarray, development: np.ndarray) -> np.ndarray:
    """Final demand F[i, k, r] (US$ million), k = household, government, GFCF."""
    rng = spec.rng("final_demand")
    split = np.where(development[:, None] > 0.5, [0.62, 0.18, 0.20], [0.60, 0.13, 0.27])
    split[list(spec.regions).index("chn")] = [0.39, 0.14, 0.47]
    fd = np.zeros((len(spec.sectors), 3, len(spec.regions)))
    for k, category in enumerate(("household", "government", "gfcf")):
        weights = _kind_weights(spec.sectors, FD_WEIGHTS[category], sector_size)
        if category == "government":
            for code, extra in (("osg", 4.0), ("edu", 2.5), ("hht", 2.5)):
                if code in spec.sectors:
                    weights[spec.sectors.index(code)] *= extra
        noise = np.exp(rng.normal(0, 0.2, size=(len(spec.sectors), len(spec.regions))))
        shares = weights[:, None] * noise
        shares /= shares.sum(0, keepdims=True)
        fd[:, k, :] = shares * (gdp * split[:, k])[None, :]
    return fd


def comparative_advantage(spec: WorldSpec) -> np.ndarray:
    """Export capacity multipliers cap[i, s]: China's manufacturing, oil exporters, mining exporters, ..."""
    rng = spec.rng("advantage")
    cap = np.exp(rng.normal(0.0, 0.6, size=(len(spec.sectors), len(spec.regions))))
    boosts = [
        ("sau rus irn irq kwt are qat omn nga xws xnf kaz", {"oilgas", "petro"}, 8.0),
        ("aus bra zaf chl per idn mng", {"mining", "coal"}, 6.0),
        ("usa bra arg can aus nzl", {"crop", "livestock"}, 3.0),
        ("deu jpn kor usa", {"equipment", "chemical"}, 2.5),
        ("usa gbr che sgp hkg irl lux", {"services"}, 2.5),
    ]
    china_sectors = {
        "ele": 8.0,
        "eeq": 5.0,
        "ome": 4.0,
        "tex": 5.0,
        "wap": 6.0,
        "lea": 5.0,
        "omf": 4.0,
        "fmp": 3.0,
        "rpp": 2.5,
        "i_s": 2.0,
        "nmm": 2.0,
        "chm": 1.5,
        "otn": 0.6,
        "mvh": 0.6,
        "coa": 0.2,
        "p_c": 0.4,
        "rsa": 0.2,
        "trd": 0.5,
    }
    if "chn" in spec.regions:
        c = spec.regions.index("chn")
        for i, sector in enumerate(spec.sectors):
            cap[i, c] *= china_sectors.get(sector, 1.0)
    for region_list, kinds, factor in boosts:
        for region in region_list.split():
            if region in spec.regions:
                r = spec.regions.index(region)
                for i, sector in enumerate(spec.sectors):
                    if KIND[sector] in kinds:
                        cap[i, r] *= factor
    return cap


@dataclass
class TradeWedges:
    """What lies between a seller's and a buyer's price of a traded good: import duty, export tax and the
    international margins (wtp, otp, atp) by distance, and which regions supply the margin services."""

    tariff: np.ndarray  # [i, r] import duty rate of the buyer r
    export_tax: np.ndarray  # [i]
    margin_rate: np.ndarray  # [i] margins / CIF value at the reference distance
    msplit: np.ndarray  # [margin, i] split of the margins over wtp, otp, atp
    distance_factor: np.ndarray  # [s, r]
    vst_share: np.ndarray  # [margin, r] who sells margin services (VST)


def development_index(spec: WorldSpec, gdp: np.ndarray) -> np.ndarray:
    """0 (poor) to 1 (rich) per region: log GDP around the mean; listed rich economies 1, China 0.3."""
    regions = spec.regions
    development = np.clip(np.log(gdp / gdp.mean()) / 4 + 0.5, 0, 1)
    for rich in ("usa", "jpn", "deu", "gbr", "fra", "ita", "can", "aus", "kor", "nld", "che", "swe", "bel"):
        if rich in regions:
            development[regions.index(rich)] = 1.0
    development[regions.index("chn")] = 0.3
    return development


def import_shares(spec: WorldSpec, gdp: np.ndarray) -> np.ndarray:
    """m[i, r]: share of region r's use of commodity i that is imported (goods more than services; smaller
    economies import more; China imports oil, gas and ores more and the rest less)."""
    kinds = [KIND[s] for s in spec.sectors]
    goods = np.array([k in GOODS_KINDS for k in kinds])
    m_base = np.where(goods, 0.22, np.where(np.isin(kinds, ["trade", "transport", "services"]), 0.05, 0.01))
    m_base[np.array([s == "dwe" for s in spec.sectors])] = 0.0
    size_adjust = (gdp / gdp.sum()) ** -0.15
    m = np.clip(m_base[:, None] * size_adjust[None, :] / size_adjust.mean(), 0.0, 0.85)
    m[:, spec.regions.index("chn")] *= np.where(np.isin(kinds, ["oilgas", "mining"]), 2.0, 0.5)
    return np.clip(m, 0.0, 0.85)


def trade_wedges(spec: WorldSpec, rng: np.random.Generator, dist: np.ndarray, cap: np.ndarray) -> TradeWedges:
    """Tariffs (goods, 2-8 %), export taxes, margin rates and splits, and the margin suppliers' shares."""
    kinds = [KIND[s] for s in spec.sectors]
    goods = np.array([k in GOODS_KINDS for k in kinds])
    bulk = np.array([k in BULK_KINDS for k in kinds])
    n, nreg = len(spec.sectors), len(spec.regions)
    tariff = np.where(goods[:, None], rng.uniform(0.02, 0.08, size=(n, nreg)), 0.0)
    margins = spec.margins
    msplit = np.zeros((len(margins), n))
    for g, margin in enumerate(margins):
        msplit[g] = {"wtp": 0.6, "otp": 0.25, "atp": 0.15}[margin]
        if margin == "atp":
            msplit[g, np.array([k == "equipment" for k in kinds])] = 0.4
    msplit /= msplit.sum(axis=0, keepdims=True).clip(1e-12)
    vst_share = np.zeros((len(margins), nreg))
    for g, margin in enumerate(margins):
        vst_share[g] = cap[spec.sectors.index(margin)] / cap[spec.sectors.index(margin)].sum()
    return TradeWedges(
        tariff,
        np.where(goods, 0.005, 0.0),
        np.where(bulk, 0.08, np.where(goods, 0.04, 0.0)),
        msplit,
        np.clip((dist + 500.0) / 8000.0, 0.2, 2.0),
        vst_share,
    )


def bilateral_shares(spec: WorldSpec, gdp: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Great-circle distances [s, r] (km), export capacity [i, s] and the gravity shares [i, s, r] of each
    buyer r's imports of i coming from seller s (capacity x (distance + 500 km)^-0.9, no self-trade)."""
    nreg = len(spec.regions)
    dist = great_circle_km(region_coordinates(spec))
    cap = comparative_advantage(spec) * gdp[None, :]
    gravity = cap[:, :, None] * (dist + 500.0)[None, :, :] ** -0.9  # [i, s, r]
    gravity[:, np.arange(nreg), np.arange(nreg)] = 0.0
    return dist, cap, gravity / gravity.sum(axis=1, keepdims=True)


def trade_flows(
    x: np.ndarray,
    a: np.ndarray,
    fd_total: np.ndarray,
    m: np.ndarray,
    share: np.ndarray,
    w: TradeWedges,
    sectors: tuple[str, ...],
    margins: tuple[str, ...],
) -> dict[str, np.ndarray]:
    """Every flow implied by output x[i, r] (GTAP's price chain and market clearing)."""
    intermediate = a * x[None, :, :]  # VDFB + VMFB: a[i, j, r] x[j, r]
    demand = intermediate.sum(axis=1) + fd_total  # use of i in r at agents' prices
    imports = m * demand
    vmsb = imports[:, None, :] * share  # imports by source, buyer prices
    vcif = vmsb / (1.0 + w.tariff[:, None, :])  # VMSB = VCIF (1 + tariff)
    vtwr = (vcif * w.margin_rate[:, None, None])[None] * w.msplit[:, :, None, None]
    np.multiply(vtwr, w.distance_factor[None, None], out=vtwr)  # in place: one 40 MB temporary less per call
    vfob = vcif - vtwr.sum(axis=0)  # VCIF = VFOB + sum_margins VTWR
    vxsb = vfob / (1.0 + w.export_tax[:, None, None])  # VFOB = VXSB (1 + export tax)
    vst = vtwr.sum(axis=(1, 2, 3))[:, None] * w.vst_share  # margin services sold (VST)
    supply = (1.0 - m) * demand + vxsb.sum(axis=2)  # x = domestic use + exports + VST
    for g, margin in enumerate(margins):
        supply[sectors.index(margin)] += vst[g]
    return {
        "intermediate": intermediate,
        "demand": demand,
        "vmsb": vmsb,
        "vcif": vcif,
        "vtwr": vtwr,
        "vfob": vfob,
        "vxsb": vxsb,
        "vst": vst,
        "supply": supply,
    }


def market_clearing_output(flows, x0: np.ndarray, tol: float, max_iter: int) -> tuple[np.ndarray, float]:
    """Fixed point x = supply(x) (market clearing of every commodity in every region), from x0."""
    x = x0
    for iteration in range(1, max_iter + 1):  # noqa: B007 (reported after the loop)
        supply = flows(x)["supply"]
        change = np.abs(supply - x).max() / x.max()
        x = supply
        if change < tol:
            break
    else:
        raise RuntimeError(f"demo world: global economy did not converge ({change:.2e} after {max_iter})")
    log.info("global economy converged in %d iterations (max relative change %.1e)", iteration, change)
    return x, float(change)


def basedata_headers(
    spec: WorldSpec, state: dict[str, np.ndarray], fd: np.ndarray, m: np.ndarray, value_added: np.ndarray
) -> dict[str, np.ndarray]:
    """The GTAP basedata headers: domestic and imported use by firms and final demand (split by m), trade at
    market, FOB, CIF and agents' prices, margins, endowments and the make matrix."""
    dom = 1.0 - m
    return {
        "VDFB": state["intermediate"] * dom[:, None, :],
        "VMFB": state["intermediate"] * m[:, None, :],
        "VDPB": fd[:, 0] * dom,
        "VMPB": fd[:, 0] * m,
        "VDGB": fd[:, 1] * dom,
        "VMGB": fd[:, 1] * m,
        "VDIB": fd[:, 2] * dom,
        "VMIB": fd[:, 2] * m,
        "VXSB": state["vxsb"],
        "VFOB": state["vfob"],
        "VCIF": state["vcif"],
        "VMSB": state["vmsb"],
        "VST": state["vst"],
        "VTWR": state["vtwr"],
        "EVFB": endowments(spec, value_added),
        "MAKB": make_matrix(state["supply"]),
    }


def solve_global(spec: WorldSpec, tol: float = 1e-13, max_iter: int = 2000) -> GlobalEconomy:
    """Solve the GTAP accounting identities for output and build every basedata header (float64): technology
    and final demand, import shares, gravity trade shares and wedges, market-clearing output, headers."""
    rng = spec.rng("global")
    gdp = region_gdp(spec)
    development = development_index(spec, gdp)
    sector_size = np.exp(spec.rng("sector_size").normal(0, 0.5, len(spec.sectors)))
    a = technology(spec, sector_size, development)
    fd = final_demand(spec, gdp, sector_size, development)
    fd_total = fd.sum(axis=1)
    m = import_shares(spec, gdp)
    dist, cap, share = bilateral_shares(spec, gdp)
    wedges = trade_wedges(spec, rng, dist, cap)

    def flows(x: np.ndarray) -> dict[str, np.ndarray]:
        return trade_flows(x, a, fd_total, m, share, wedges, spec.sectors, spec.margins)

    x, change = market_clearing_output(flows, fd_total.copy(), tol, max_iter)
    state = flows(x)
    value_added = x - state["intermediate"].sum(axis=0)  # output minus intermediate inputs
    if (value_added <= 0).any():
        raise RuntimeError("demo world: non-positive value added")
    return GlobalEconomy(
        spec.regions, spec.sectors, spec.margins, basedata_headers(spec, state, fd, m, value_added), change
    )


def make_matrix(output: np.ndarray) -> np.ndarray:
    """MAKB[c, a, r]: diagonal make matrix (one activity per commodity, as in the standard database)."""
    n, nreg = output.shape
    make = np.zeros((n, n, nreg))
    make[np.arange(n), np.arange(n), :] = output
    return make


def endowments(spec: WorldSpec, value_added: np.ndarray) -> np.ndarray:
    """EVFB[e, j, r]: value added split over the 8 GTAP 11 endowments by sector kind."""
    shares = np.zeros((len(ENDOWMENTS), len(spec.sectors)))
    for j, sector in enumerate(spec.sectors):
        kind = KIND[sector]
        land = 0.3 if kind in {"crop", "livestock"} else 0.0
        natres = 0.25 if kind in {"coal", "oilgas", "mining", "forestry_fish"} else 0.0
        capital = 0.9 if kind == "dwelling" else 0.35
        labour = max(1.0 - land - natres - capital, 0.0)
        skilled = 0.5 if kind in {"services", "trade"} else 0.25
        split = np.array([skilled * 0.4, 0.2, 0.2, skilled * 0.6, 0.6 - skilled])
        split = split / split.sum() * labour
        shares[:, j] = [land, *split, capital, natres]
    return shares[:, :, None] * value_added[None, :, :]


def gtap_frame_check(h: dict[str, np.ndarray]) -> None:
    """Price links that must hold as inequalities: VMSB >= VCIF (tariffs), VFOB >= VXSB (export taxes)."""
    if (h["VMSB"] < h["VCIF"] - 1e-9).any() or (h["VFOB"] < h["VXSB"] - 1e-9).any():
        raise RuntimeError("demo world: price links violated")


def release_parameters(world: GlobalEconomy) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The demo release's ``default.prm`` (Armington and factor elasticities) and ``baserate.har`` (tax rates, %).

    Elasticities are fixed by sector kind (goods 3.0 domestic/imported and 6.0 between sources, others 1.9 and
    3.8; 1.0 between primary factors); the rates follow from the flows: tariff rTMS = VMSB / VCIF - 1 and export
    tax rTXS = VFOB / VXSB - 1 where trade exists.
    """
    h, nreg = world.headers, len(world.regions)
    goods = np.array([KIND[s] in GOODS_KINDS for s in world.sectors])
    esbd = np.repeat(np.where(goods, 3.0, 1.9)[:, None], nreg, axis=1)
    parameters = {"ESBD": esbd, "ESBM": 2.0 * esbd, "ESBV": np.ones((len(world.sectors), nreg))}
    with np.errstate(divide="ignore", invalid="ignore"):
        tariff = np.where(h["VCIF"] > 0, 100.0 * (h["VMSB"] / h["VCIF"] - 1.0), 0.0)
        export_tax = np.where(h["VXSB"] > 0, 100.0 * (h["VFOB"] / h["VXSB"] - 1.0), 0.0)
    return parameters, {"RTMS": tariff, "RTXS": export_tax}
