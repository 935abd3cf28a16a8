"""Uncertainty of the export-related results (paper, Discussion): emission inventory, MRIO and the 2017
interpolation of GAINS sector shares.

* Emissions: each province x species total is multiplied by an independent lognormal factor with
  sigma = ln(1 + U) / 1.96, U the 95 % relative uncertainty (MEIC: SO2 12 %, NOx 31 %, primary PM2.5 107 %;
  the others are config values). Export-related emissions of a province and species scale with it.
* MRIO: independent relative errors (normal, sd ``sigma_z`` on every Z entry, ``sigma_y`` on every Y entry)
  propagated to first order (no re-balancing): dE = m dY + m dA L y, with dA = dZ diag(x)^-1, so each
  emitting province's export-related emissions get a normal error with variance
  sigma_z^2 sum_ij (G_ri Z_ij w_j)^2 + sigma_y^2 sum_i (G_ri y_i)^2, w = L y / x and G_r the multipliers of
  province r (from the export engine's block factorisation of I - A, reused for every species and province;
  no factorisation of its own). Since Z_ij w_j = A_ij (L y)_j, the Z part is computed from A (in Z's memory),
  with L y from a Neumann series (x = y + A x): one n x n array in memory, never Z, A and factors side by side.
* PM2.5 (surrogate CTM): each component's export-related PM2.5 follows its precursor's national
  export-related emissions linearly (SO4 <- SO2, NIT <- NOx, NH4 <- NH3, BC, POA <- OC, DST <- other PM2.5),
  a first-order response; documented as such.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.footprint.exports import province_intensity_columns
from exportpm.footprint.leontief import ProvinceRows, technical_coefficients

log = logging.getLogger(__name__)

PRECURSOR = {"SO4": "SO2", "NIT": "NOx", "NH4": "NH3", "BC": "BC", "POA": "OC", "DST": "PM25_other"}


def lognormal_sigma(relative_95: float) -> float:
    """Lognormal sigma = ln(1 + U) / 1.96 for a 95 % relative uncertainty U."""
    return float(np.log1p(relative_95) / 1.959963984540054)


def mrio_error_sd(
    G: np.ndarray, Z: np.ndarray, y: np.ndarray, x_export: np.ndarray, x: np.ndarray, sigma_z: float, sigma_y: float
) -> np.ndarray:
    """First-order standard deviation of export-related emissions per row of G (e.g. [q, r]) from independent
    relative errors on Z and Y entries; G: multipliers (..., n); y: export final demand; x_export = L y."""
    w = np.divide(x_export, x, out=np.zeros_like(x), where=x > 0)
    z_part = (Z**2) @ (w**2)  # sum_j Z_ij^2 w_j^2 per i
    variance = sigma_z**2 * (G**2) @ z_part + sigma_y**2 * (G**2) @ (y**2)
    return np.sqrt(variance)


def squared_coefficient_part(A: np.ndarray, x_export: np.ndarray, block: int = 1024) -> np.ndarray:
    """sum_j A_ij^2 (L y)_j^2 per row i (= sum_j Z_ij^2 w_j^2 with w = L y / x), in row blocks (no n x n temporary)."""
    weight = x_export**2
    out = np.empty(A.shape[0])
    for start in range(0, A.shape[0], block):
        rows = A[start : start + block]
        out[start : start + block] = (rows * rows) @ weight
    return out


def neumann_output(A: np.ndarray, y: np.ndarray, rtol: float = 1e-15, max_terms: int = 5000) -> np.ndarray:
    """x = L y from x_{k+1} = y + A x_k (Eq. 7 as the series I + A + A^2 + ..., converging since the
    productive A has spectral radius < 1); stops when an update changes no entry by more than rtol max |x|."""
    x = y.copy()
    for _ in range(max_terms):
        new = y + A @ x
        change = float(np.abs(new - x).max())
        x = new
        if change <= rtol * float(np.abs(x).max()):
            return x
    raise ValueError(f"Neumann series for L y did not converge in {max_terms} terms (last change {change:.3g})")


def mrio_error_sd_from_parts(
    G: np.ndarray, coefficient_part: np.ndarray, y: np.ndarray, sigma_z: float, sigma_y: float
) -> np.ndarray:
    """``mrio_error_sd`` with its Z part given as ``squared_coefficient_part(A, L y)``."""
    return np.sqrt(sigma_z**2 * (G**2) @ coefficient_part + sigma_y**2 * (G**2) @ (y**2))


@dataclass
class ExportMultipliers:
    """Export-related and total emissions [q, province] and the first-order MRIO error sd of the former."""

    species: tuple[str, ...]
    provinces: tuple[str, ...]
    export: np.ndarray
    total: np.ndarray
    mrio_sd: np.ndarray


MULTIPLIER_COLUMNS = ("species", "province", "export", "total", "mrio_sd")


def multipliers_frame(m: ExportMultipliers) -> pd.DataFrame:
    """``m`` as a long table (one row per species x province; tonnes/yr), the product that carries it from the
    MRIO part of the uncertainty analysis to the Monte Carlo (float64 round-trips exactly through Parquet)."""
    q, r = len(m.species), len(m.provinces)
    return pd.DataFrame(
        {
            "species": np.repeat(np.asarray(m.species, dtype=object), r),
            "province": np.tile(np.asarray(m.provinces, dtype=object), q),
            "export": m.export.reshape(-1),
            "total": m.total.reshape(-1),
            "mrio_sd": m.mrio_sd.reshape(-1),
        }
    )


def multipliers_from_frame(frame: pd.DataFrame) -> ExportMultipliers:
    """The inverse of ``multipliers_frame`` (species and provinces in their order of first appearance)."""
    missing = [c for c in MULTIPLIER_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"export multipliers table lacks columns {missing}")
    species = tuple(dict.fromkeys(frame["species"].astype(str)))
    provinces = tuple(dict.fromkeys(frame["province"].astype(str)))
    if len(frame) != len(species) * len(provinces):
        raise ValueError(f"export multipliers table has {len(frame)} rows, not species x provinces")
    shape = (len(species), len(provinces))
    return ExportMultipliers(
        species,
        provinces,
        *(frame[c].to_numpy(dtype=float).reshape(shape) for c in ("export", "total", "mrio_sd")),
    )


def export_multipliers(
    Z: np.ndarray,
    x: np.ndarray,
    y: np.ndarray,
    F: np.ndarray,
    rows_P: np.ndarray,
    N: int,
    species: tuple[str, ...],
    provinces: tuple[str, ...],
    sigma_z: float,
    sigma_y: float,
    blocks: ProvinceRows,
) -> ExportMultipliers:
    """Export-related emissions F_r L y (Eq. 8 with y the foreign final demand), total emissions F_r x and the
    first-order sd of the former per species and province. ``Z`` is overwritten (it becomes A).

    ``blocks``: the export engine's block factorisation of the same table (rule export_emissions stores it).
    Only the provinces' rows of L are needed (F is zero elsewhere), so there is no factorisation here:
    L[P, :] y and the multipliers F_r L[P, :] come from the blocks, and the export-related emissions are the
    export engine's own."""
    if not np.array_equal(blocks.province_rows, rows_P):
        raise ValueError("the stored block factorisation is of other province rows than this table's")
    A = technical_coefficients(Z, x, out=Z)  # Eq. 6, in place
    coefficient_part = squared_coefficient_part(A, neumann_output(A, y))
    x_export_P = blocks.times(y[:, None])[:, 0]  # Eq. 7, the provinces' rows (all that F sees)
    G = blocks.weighted_rows(province_intensity_columns(F, rows_P, N)[rows_P].T)  # F_r L: province-row weights
    G = G.reshape(len(species), len(provinces), x.size)
    export = (F[:, rows_P] * x_export_P).reshape(len(species), len(provinces), N).sum(-1)
    total = (F[:, rows_P] * x[rows_P]).reshape(len(species), len(provinces), N).sum(-1)
    sd = mrio_error_sd_from_parts(G, coefficient_part, y, sigma_z, sigma_y)
    return ExportMultipliers(species, provinces, export, total, sd)


def monte_carlo(
    export: np.ndarray, total: np.ndarray, mrio_sd: np.ndarray, sigmas: np.ndarray, samples: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Samples of export-related and total emissions [sample, q, r]: lognormal emission factors per
    province and species times (export + normal MRIO error)."""
    rng = np.random.default_rng(seed)
    shape = (samples, *export.shape)
    factors = np.exp(rng.standard_normal(shape) * sigmas[None, :, None]) if sigmas.any() else np.ones(shape)
    mrio = rng.standard_normal(shape) * mrio_sd[None] if mrio_sd.any() else np.zeros(shape)
    return factors * (export[None] + mrio), factors * total[None]


def intervals(samples: np.ndarray, deterministic: np.ndarray | float) -> dict[str, np.ndarray]:
    """Deterministic value, median and 2.5 / 97.5 percentiles of ``samples`` over axis 0."""
    return {
        "deterministic": np.asarray(deterministic),
        "median": np.median(samples, axis=0),
        "p2_5": np.percentile(samples, 2.5, axis=0),
        "p97_5": np.percentile(samples, 97.5, axis=0),
    }


def pm25_samples(
    export_pm25: dict[str, float], national_export: dict[str, np.ndarray], national_export_base: dict[str, float]
) -> np.ndarray:
    """Samples of national export-related PM2.5: each component scaled by its precursor's sampled emissions."""
    total = 0.0
    for component, value in export_pm25.items():
        species = PRECURSOR[component]
        total = total + value * national_export[species] / national_export_base[species]
    return np.asarray(total)


def emission_rows(m: ExportMultipliers, export_s: np.ndarray, total_s: np.ndarray) -> list[tuple]:
    """National export-related emissions and their share of all emissions, per species, with intervals."""
    rows = []
    for q, s in enumerate(m.species):
        nat = export_s[:, q].sum(-1)
        share = nat / total_s[:, q].sum(-1)
        for name, samples, det in (
            ("export_emissions_t", nat, m.export[q].sum()),
            ("export_share_of_emissions", share, m.export[q].sum() / m.total[q].sum()),
        ):
            rows.append((name, "China", s, *_interval_values(samples, det)))
    return rows


def _interval_values(samples: np.ndarray, deterministic: float) -> tuple[float, ...]:
    i = intervals(samples, deterministic)
    return tuple(float(i[k]) for k in ("deterministic", "median", "p2_5", "p97_5"))


def pm25_rows(exposure: pd.DataFrame, m: ExportMultipliers, export_s: np.ndarray) -> list[tuple]:
    """National and provincial export-related PM2.5 (I_EX, population-weighted) with intervals: each component
    scales with its precursor's sampled national export-related emissions (first order)."""
    national = exposure[(exposure.level == "national") & (exposure.scenario == "I_EX")].set_index("component")
    components = {c: float(national.at[c, "pw_ugm3"]) for c in PRECURSOR}
    nat_base = {s: float(m.export[q].sum()) for q, s in enumerate(m.species)}
    nat_samples = {s: export_s[:, q].sum(-1) for q, s in enumerate(m.species)}
    pm = pm25_samples(components, nat_samples, nat_base)
    base_total = float(
        exposure[(exposure.level == "national") & (exposure.scenario == "Base") & (exposure.component == "total")][
            "pw_ugm3"
        ].iloc[0]
    )
    deterministic = sum(components.values())
    rows = [
        ("export_pm25_ugm3", "China", "total", *_interval_values(pm, deterministic)),
        ("export_share_of_pm25", "China", "total", *_interval_values(pm / base_total, deterministic / base_total)),
    ]
    ratio = pm / deterministic
    provincial = exposure[
        (exposure.level == "province") & (exposure.scenario == "I_EX") & (exposure.component == "total")
    ].set_index("province")["pw_ugm3"]
    for province, value in provincial.items():
        rows.append(("export_pm25_ugm3", province, "total", *_interval_values(value * ratio, value)))
    return rows


def monte_carlo_table(
    m: ExportMultipliers, exposure: pd.DataFrame, emission_95: dict[str, float], samples: int, seed: int
) -> pd.DataFrame:
    """The Monte Carlo product: quantity, region, species and the deterministic value, median and 95 % interval."""
    sigmas = np.array([lognormal_sigma(emission_95[s]) for s in m.species])
    export_s, total_s = monte_carlo(m.export, m.total, m.mrio_sd, sigmas, samples, seed)
    rows = emission_rows(m, export_s, total_s) + pm25_rows(exposure, m, export_s)
    return pd.DataFrame(rows, columns=["quantity", "region", "species", "deterministic", "median", "p2_5", "p97_5"])


def provincial_intervals_figure(
    result: pd.DataFrame, samples: int, provenance: str, names: dict[str, str] | None = None
):
    """Export-related PM2.5 by province with its 95 % interval (a matplotlib figure).

    ``names`` maps province codes to the English names shown on the axis (codes where absent).
    """
    import matplotlib.pyplot as plt

    plot = result[(result.quantity == "export_pm25_ugm3") & (result.region != "China")].sort_values("deterministic")
    fig, ax = plt.subplots(figsize=(8, 9))
    ax.errorbar(
        plot["deterministic"],
        range(len(plot)),
        xerr=[plot["deterministic"] - plot["p2_5"], plot["p97_5"] - plot["deterministic"]],
        fmt="o",
        ms=3,
        capsize=2,
    )
    labels = [(names or {}).get(str(code), str(code)) for code in plot["region"]]
    ax.set_yticks(range(len(plot)), labels, fontsize=8)
    ax.set(xlabel="export-related PM2.5 (µg/m³) with 95 % interval", title=f"Monte Carlo, N = {samples}")
    fig.text(0.01, 0.005, provenance, fontsize=7, color="#a00")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig


def interpolation_table(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Sectoral emissions (t) by species under each interpolation method and the spread around linear."""
    frames = []
    for method, emissions in results.items():
        frames.append(emissions.groupby(["species", "sector"], as_index=False)["tonnes"].sum().assign(method=method))
    table = pd.concat(frames, ignore_index=True)
    base = table[table["method"] == "linear"].set_index(["species", "sector"])["tonnes"]
    table["relative_to_linear"] = table.apply(
        lambda r: r["tonnes"] / base.get((r["species"], r["sector"]), np.nan) - 1.0, axis=1
    )
    return table
