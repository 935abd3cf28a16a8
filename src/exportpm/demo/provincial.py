"""China's 2017 provincial MRIO in the CEADs layout (10^4 CNY), and the yearbook tables behind Eq. 1.

The 42-sector technology is GTAP China's aggregated through the 42->65 concordance, so the two tables
describe one economy. Provinces differ by specialisation (coal and power in the North and Northwest,
steel in Hebei, electronics and apparel on the East Coast), export orientation (the coast) and import
propensity; interprovincial trade follows a gravity law with home bias.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.demo.economy import WAN_CNY_PER_MUSD, GlobalEconomy, great_circle_km
from exportpm.demo.spec import CITIES, WorldSpec
from exportpm.resources import resource

log = logging.getLogger(__name__)

FD_CATEGORIES = ("rural_household", "urban_household", "government", "gfcf", "inventory")
VA_ROWS = ("labour_compensation", "net_production_taxes", "depreciation", "operating_surplus")
AG_SECTORS = ("pdr", "wht", "gro", "v_f", "osd", "c_b", "pfb", "ocr", "ctl", "oap", "rmk", "wol", "frs", "fsh")

# Provincial specialisation: multipliers on the CEADs sectors' output by region class or province.
CLASS_SPECIALISATION = {
    "East Coast": {"07": 1.8, "08": 2.0, "19": 1.8, "20": 2.5, "21": 1.8, "16": 1.5, "22": 1.6, "02": 0.2, "24": 0.8},
    "North": {"02": 3.0, "14": 2.5, "13": 2.0, "24": 1.8, "11": 1.5, "20": 0.3},
    "Northeast": {"03": 2.0, "11": 2.0, "16": 1.4, "17": 1.4, "18": 1.4, "01": 1.5, "20": 0.4},
    "Central": {"01": 1.3, "13": 1.5, "14": 1.3, "18": 1.3},
    "Southwest": {"24": 1.5, "06": 1.3, "01": 1.3, "14": 1.2, "20": 0.6},
    "Northwest": {"03": 2.5, "02": 2.0, "24": 1.5, "14": 1.5, "01": 1.2, "20": 0.2, "08": 0.3},
    "Beijing-Tianjin": {**{f"{k:02d}": 1.6 for k in range(28, 43)}, "01": 0.3, "02": 0.1, "13": 0.5},
}
PROVINCE_SPECIALISATION = {
    "CN-SX": {"02": 6.0},
    "CN-NM": {"02": 5.0, "24": 2.0},
    "CN-HE": {"14": 4.0},
    "CN-GD": {"20": 2.0, "19": 1.5},
    "CN-XJ": {"03": 3.0},
    "CN-SN": {"03": 2.0},
    "CN-HB": {"18": 1.8},
    "CN-JL": {"18": 2.5},
    "CN-GZ": {"06": 1.8},
}
EXPORT_ORIENTATION = {
    "East Coast": 3.0,
    "Beijing-Tianjin": 1.5,
    "Northeast": 0.7,
    "North": 0.5,
    "Central": 0.5,
    "Southwest": 0.4,
    "Northwest": 0.25,
}
AG_SPECIALISATION = {
    "pdr": ("CN-JS CN-ZJ CN-AH CN-JX CN-HB CN-HN CN-GD CN-GX CN-SC CN-CQ CN-FJ CN-YN CN-GZ CN-HL", 2.5, 0.2),
    "wht": ("CN-HA CN-SD CN-HE CN-AH CN-JS CN-XJ CN-SN", 3.0, 0.2),
    "ctl": ("CN-NM CN-XJ CN-QH CN-XZ CN-GS CN-NX", 4.0, 1.0),
    "rmk": ("CN-NM CN-HE CN-HL", 3.0, 1.0),
    "fsh": ("CN-SD CN-JS CN-ZJ CN-FJ CN-GD CN-HI CN-LN CN-GX", 2.5, 0.6),
    "frs": ("CN-YN CN-GX CN-FJ CN-HL CN-JX", 2.0, 1.0),
    "v_f": ("CN-SD CN-HE CN-HA", 1.5, 1.0),
    "pfb": ("CN-XJ", 10.0, 0.5),
    "c_b": ("CN-GX CN-YN", 8.0, 0.5),
    "wol": ("CN-NM CN-XJ", 4.0, 1.0),
}


@dataclass
class ProvincialEconomy:
    """The provincial MRIO (10^4 CNY) with rows/columns ordered province-major, sector-minor."""

    provinces: pd.DataFrame
    sectors: tuple[str, ...]
    Z: np.ndarray  # (P*K, P*K)
    FD: np.ndarray  # (P*K, P*5)
    exports: np.ndarray  # (P*K,)
    imports: np.ndarray  # (P*K,)
    other: np.ndarray  # (P*K,) statistical discrepancy
    value_added: np.ndarray  # (4, P*K)
    output: np.ndarray  # (P*K,)
    gtap_output: np.ndarray  # (P, n_gtap) output by GTAP sector, 10^4 CNY (the "truth" behind Eq. 1)
    ag_shares: np.ndarray  # (P, 14) true agricultural sector shares
    furniture_share: np.ndarray  # (P,) furniture share of CEADs sector 09


def concordance_matrix(spec: WorldSpec) -> np.ndarray:
    """C[i, k] = 1/n_i if GTAP sector i maps to CEADs sector k (n_i = number of CEADs sectors of i)."""
    table = resource("concordance_ceads42_gtap65")
    table = table[table["gtap_code"].isin(spec.sectors) & table["ceads_code"].isin(spec.ceads_sectors)]
    C = np.zeros((len(spec.sectors), len(spec.ceads_sectors)))
    for _, row in table.iterrows():
        C[spec.sectors.index(row["gtap_code"]), spec.ceads_sectors.index(row["ceads_code"])] = 1.0
    if (C.sum(1) == 0).any() or (C.sum(0) == 0).any():
        raise ValueError("demo world: sector sets are not closed under the 42->65 concordance")
    return C / C.sum(1, keepdims=True)


def specialisation(spec: WorldSpec) -> np.ndarray:
    """S[k, p] >= 0: relative output multiplier of CEADs sector k in province p."""
    rng = spec.rng("specialisation")
    K, P = len(spec.ceads_sectors), len(spec.provinces)
    S = np.exp(rng.normal(0, 0.3, size=(K, P)))
    for p, row in spec.provinces.iterrows():
        rules = {**CLASS_SPECIALISATION.get(row["region_class"], {})}
        for code, factor in PROVINCE_SPECIALISATION.get(row["iso3166_2"], {}).items():
            rules[code] = rules.get(code, 1.0) * factor
        for code, factor in rules.items():
            if code in spec.ceads_sectors:
                S[spec.ceads_sectors.index(code), p] *= factor
    return S


def province_distances(spec: WorldSpec) -> np.ndarray:
    """Pairwise great-circle distances (km) between the provinces' first-listed cities (capitals)."""
    capitals = np.array([CITIES[iso][0][:2] for iso in spec.provinces["iso3166_2"]])
    return great_circle_km(capitals)


@dataclass
class ChinaTotals:
    """GTAP China aggregated to the CEADs sectors (10^4 CNY): the national totals the provinces share."""

    xc: np.ndarray  # (n_gtap,) GTAP China output
    Ak: np.ndarray  # (K, K) national technical coefficients
    mk: np.ndarray  # (K,) import propensity of intermediate and final use
    fdk: np.ndarray  # (K, 3) household, government, investment final demand
    exk: np.ndarray  # (K,) exports, with the international transport margins


def china_totals(world: GlobalEconomy, C: np.ndarray) -> ChinaTotals:
    """GTAP China's intermediate use, output, final demand, exports and imports (US$ million -> 10^4 CNY),
    aggregated to the CEADs sectors through the 42->65 concordance C."""
    h, c = world.headers, world.regions.index("chn")
    n = len(world.sectors)
    Zc = (h["VDFB"][:, :, c] + h["VMFB"][:, :, c]) * WAN_CNY_PER_MUSD
    xc = h["MAKB"][np.arange(n), np.arange(n), c] * WAN_CNY_PER_MUSD
    fdc = (
        np.stack(
            [h["VDPB"][:, c] + h["VMPB"][:, c], h["VDGB"][:, c] + h["VMGB"][:, c], h["VDIB"][:, c] + h["VMIB"][:, c]],
            axis=1,
        )
        * WAN_CNY_PER_MUSD
    )
    exc = h["VXSB"][:, c, :].sum(1) * WAN_CNY_PER_MUSD
    for g, margin in enumerate(world.margins):
        exc[world.sectors.index(margin)] += h["VST"][g, c] * WAN_CNY_PER_MUSD
    imc = h["VMSB"][:, :, c].sum(1) * WAN_CNY_PER_MUSD
    Zk, xk, fdk = C.T @ Zc @ C, C.T @ xc, C.T @ fdc
    exk, imk = C.T @ exc, C.T @ imc
    Ak = Zk / xk[None, :]
    mk = np.clip(imk / (Zk.sum(1) + fdk.sum(1)), 0.0, 0.6)
    return ChinaTotals(xc, Ak, mk, fdk, exk)


def provincial_final_demand(
    fdk: np.ndarray, gdp_share: np.ndarray, coastal: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """fd[k, p, c] (10^4 CNY): national final demand shared by GDP, households split rural/urban, inventories
    a small (possibly negative) fraction of investment."""
    K, P = fdk.shape[0], len(gdp_share)
    rural = np.where(coastal, 0.15, 0.35)
    noise = np.exp(rng.normal(0, 0.15, size=(K, P)))
    fd = np.zeros((K, P, len(FD_CATEGORIES)))
    household = fdk[:, 0:1] * gdp_share[None, :] * noise
    fd[:, :, 0] = household * rural[None, :]
    fd[:, :, 1] = household * (1 - rural[None, :])
    fd[:, :, 2] = fdk[:, 1:2] * gdp_share[None, :] * noise
    fd[:, :, 3] = fdk[:, 2:3] * gdp_share[None, :] * noise
    fd[:, :, 4] = fd[:, :, 3] * rng.normal(0.02, 0.03, size=(K, P))
    return fd


def provincial_exports(exk: np.ndarray, gdp_share: np.ndarray, klass: np.ndarray, S: np.ndarray) -> np.ndarray:
    """exports[k, p] (10^4 CNY): national exports shared by GDP, export orientation and specialisation."""
    orientation = np.array([EXPORT_ORIENTATION[k] for k in klass])
    weight = gdp_share[None, :] * orientation[None, :] * S**1.5
    return exk[:, None] * weight / weight.sum(1, keepdims=True)


def provincial_technology(
    Ak: np.ndarray, mk: np.ndarray, coastal: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """a[k, j, p]: perturbed national coefficients (column sums <= 0.9), m[k, p]: import shares."""
    K, P = Ak.shape[0], len(coastal)
    intensity = np.where(coastal, 0.95, 1.08)
    a = Ak[:, :, None] * np.exp(rng.normal(0, 0.1, size=(K, K, P))) * intensity[None, None, :]
    a *= np.minimum(1.0, 0.9 / a.sum(0).clip(1e-12))[None, :, :]
    m = np.clip(mk[:, None] * np.where(coastal, 1.4, 0.6)[None, :], 0.0, 0.8)
    return a, m


def interprovincial_trade(spec: WorldSpec, gdp_share: np.ndarray, S: np.ndarray) -> np.ndarray:
    """T[k, q, p]: share of province p's domestic demand for k supplied by q (gravity law with home bias)."""
    P = len(gdp_share)
    dist = province_distances(spec)
    capacity = gdp_share[None, :] * S**2  # [k, q]
    gravity = capacity[:, :, None] * (dist + 100.0)[None, :, :] ** -1.2
    gravity[:, np.arange(P), np.arange(P)] *= 6.0
    return gravity / gravity.sum(1, keepdims=True)  # T[k, q -> p]


def solve_provincial_output(
    a: np.ndarray, m: np.ndarray, trade: np.ndarray, exports: np.ndarray, fd_total: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Fixed point x[k, q] = sum_p T[k,q,p] (1 - m[k,p]) demand[k,p] + exports[k,q], demand = a x + fd;
    returns output x and total (domestic + imported) demand, 10^4 CNY."""
    x = exports + fd_total
    for iteration in range(1, 5001):  # noqa: B007 (reported after the loop)
        demand = np.einsum("kjp,jp->kp", a, x) + fd_total
        new = np.einsum("kqp,kp->kq", trade, (1 - m) * demand) + exports
        change = np.abs(new - x).max() / new.max()
        x = new
        if change < tol:
            break
    else:
        raise RuntimeError("demo world: provincial economy did not converge")
    log.info("provincial economy converged in %d iterations", iteration)
    return x, np.einsum("kjp,jp->kp", a, x) + fd_total


def provincial_blocks(
    a: np.ndarray, m: np.ndarray, trade: np.ndarray, fd: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Province-major Z (row (q, k), column (p, j)) and FD (column (p, category)): domestic supply shared by
    the trade shares, imports booked on the using province's own rows (the CEADs convention)."""
    P, K = x.shape[1], x.shape[0]
    use = a * x[None, :, :]  # [k, j, p]
    Z = np.einsum("kqp,kjp->qkpj", trade * (1 - m)[:, None, :], use)
    FD = np.einsum("kqp,kpc->qkpc", trade * (1 - m)[:, None, :], fd)
    for p in range(P):
        Z[p, :, p, :] += m[:, p, None] * use[:, :, p]
        FD[p, :, p, :] += m[:, p, None] * fd[:, p, :]
    return Z.reshape(P * K, P * K), FD.reshape(P * K, P * len(FD_CATEGORIES))


def build_provincial(spec: WorldSpec, world: GlobalEconomy, tol: float = 1e-12) -> ProvincialEconomy:
    """Solve the provincial economy and assemble the CEADs-layout blocks."""
    C = concordance_matrix(spec)
    china = china_totals(world, C)
    provinces = spec.provinces
    P = len(provinces)
    rng = spec.rng("provincial")
    S = specialisation(spec)
    gdp_share = (provinces["gdp_100m_cny"] / provinces["gdp_100m_cny"].sum()).to_numpy()
    klass = provinces["region_class"].to_numpy()
    coastal = np.isin(klass, ["East Coast", "Beijing-Tianjin"])

    fd = provincial_final_demand(china.fdk, gdp_share, coastal, rng)
    exports = provincial_exports(china.exk, gdp_share, klass, S)
    a, m = provincial_technology(china.Ak, china.mk, coastal, rng)
    trade = interprovincial_trade(spec, gdp_share, S)
    x, demand = solve_provincial_output(a, m, trade, exports, fd.sum(2), tol)

    Z, FD = provincial_blocks(a, m, trade, fd, x)
    imports = (m * demand).T.reshape(-1)
    out = x.T.reshape(-1)
    exp_flat = exports.T.reshape(-1)
    # Urban household consumption is observed with a small error; the 'other' column closes each row.
    urban = np.arange(P) * len(FD_CATEGORIES) + 1
    FD[:, urban] *= 1 + rng.normal(0, 0.003, size=(FD.shape[0], P))
    other = out - (Z.sum(1) + FD.sum(1) + exp_flat - imports)
    value_added = provincial_value_added(out - Z.sum(0), rng)

    gtap_output, ag_shares, furniture = provincial_gtap_output(spec, C, china.xc, x)
    return ProvincialEconomy(
        provinces,
        spec.ceads_sectors,
        Z,
        FD,
        exp_flat,
        imports,
        other,
        value_added,
        out,
        gtap_output,
        ag_shares,
        furniture,
    )


def provincial_value_added(va_total: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The VA_ROWS (4, P*K) of each column's value added va_total (10^4 CNY), shares drawn around fixed means."""
    va_split = np.array([0.50, 0.12, 0.15, 0.23])[:, None] * np.exp(rng.normal(0, 0.1, size=(4, va_total.size)))
    va_split /= va_split.sum(0, keepdims=True)
    return va_split * va_total[None, :]


def provincial_gtap_output(
    spec: WorldSpec, C: np.ndarray, xc: np.ndarray, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Output by GTAP sector and province (10^4 CNY): GTAP China shares within each CEADs sector, with
    provincial agricultural specialisation and furniture shares (the truths the yearbook tables report)."""
    rng = spec.rng("agriculture")
    weights = C * xc[:, None]  # [i, k]
    share = weights / weights.sum(0, keepdims=True)
    out = np.einsum("ik,kp->pi", share, x)
    isos = list(spec.provinces["iso3166_2"])
    ag = [s for s in AG_SECTORS if s in spec.sectors]
    ag_idx = [spec.sectors.index(s) for s in ag]
    base = xc[ag_idx] / xc[ag_idx].sum()
    ag_shares = np.tile(base, (len(isos), 1)) * np.exp(rng.normal(0, 0.2, size=(len(isos), len(ag))))
    for col, sector in enumerate(ag):
        if sector in AG_SPECIALISATION:
            members, inside, outside = AG_SPECIALISATION[sector]
            ag_shares[:, col] *= np.where(np.isin(isos, members.split()), inside, outside)
    ag_shares /= ag_shares.sum(1, keepdims=True)
    ag_total = out[:, ag_idx].sum(1)
    out[:, ag_idx] = ag_shares * ag_total[:, None]
    furniture = np.zeros(len(isos))
    if "lum" in spec.sectors and "omf" in spec.sectors and "09" in spec.ceads_sectors:
        k09 = spec.ceads_sectors.index("09")
        furniture = np.clip(
            0.35
            * np.exp(rng.normal(0, 0.25, len(isos)))
            * np.where(np.isin(isos, ["CN-GD", "CN-ZJ", "CN-FJ", "CN-SD"]), 1.4, 1.0),
            0.05,
            0.8,
        )
        lum, omf = spec.sectors.index("lum"), spec.sectors.index("omf")
        moved = furniture * x[k09]
        other_omf = out[:, omf] - share[omf, k09] * x[k09]
        out[:, lum] = x[k09] - moved
        out[:, omf] = other_omf + moved
    return out, ag_shares, furniture
