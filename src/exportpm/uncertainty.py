"""Uncertainty of the export-related results (paper, Discussion): emission inventory, MRIO and the 2017
interpolation of GAINS sector shares.

* Emissions: each province x species total is multiplied by an independent lognormal factor with
  sigma = ln(1 + U) / 1.96, U the 95 % relative uncertainty (MEIC: SO2 12 %, NOx 31 %, primary PM2.5 107 %;
  the others are config values). Export-related emissions of a province and species scale with it.
* MRIO: independent relative errors (normal, sd ``sigma_z`` on every Z entry, ``sigma_y`` on every Y entry)
  propagated to first order (no re-balancing): dE = m dY + m dA L y, with dA = dZ diag(x)^-1, so each
  emitting province's export-related emissions get a normal error with variance
  sigma_z^2 sum_ij (G_ri Z_ij w_j)^2 + sigma_y^2 sum_i (G_ri y_i)^2, w = L y / x and G_r the multipliers of
  province r (one LU factorisation, reused for every species and province).
* PM2.5 (surrogate CTM): each component's export-related PM2.5 follows its precursor's national
  export-related emissions linearly (SO4 <- SO2, NIT <- NOx, NH4 <- NH3, BC, POA <- OC, DST <- other PM2.5),
  a first-order response; documented as such.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PRECURSOR = {"SO4": "SO2", "NIT": "NOx", "NH4": "NH3", "BC": "BC", "POA": "OC", "DST": "PM25_other"}


def lognormal_sigma(relative_95: float) -> float:
    return float(np.log1p(relative_95) / 1.959963984540054)


def mrio_error_sd(G: np.ndarray, Z: np.ndarray, y: np.ndarray, x_export: np.ndarray, x: np.ndarray,
                  sigma_z: float, sigma_y: float) -> np.ndarray:
    """First-order standard deviation of export-related emissions per row of G (e.g. [q, r]) from independent
    relative errors on Z and Y entries; G: multipliers (..., n); y: export final demand; x_export = L y."""
    w = np.divide(x_export, x, out=np.zeros_like(x), where=x > 0)
    z_part = (Z**2) @ (w**2)                            # sum_j Z_ij^2 w_j^2 per i
    variance = sigma_z**2 * (G**2) @ z_part + sigma_y**2 * (G**2) @ (y**2)
    return np.sqrt(variance)


def monte_carlo(export: np.ndarray, total: np.ndarray, mrio_sd: np.ndarray, sigmas: np.ndarray, samples: int,
                seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Samples of export-related and total emissions [sample, q, r]: lognormal emission factors per
    province and species times (export + normal MRIO error)."""
    rng = np.random.default_rng(seed)
    shape = (samples, *export.shape)
    factors = np.exp(rng.standard_normal(shape) * sigmas[None, :, None]) if sigmas.any() else np.ones(shape)
    mrio = rng.standard_normal(shape) * mrio_sd[None] if mrio_sd.any() else np.zeros(shape)
    return factors * (export[None] + mrio), factors * total[None]


def intervals(samples: np.ndarray, deterministic: np.ndarray | float) -> dict[str, np.ndarray]:
    return {"deterministic": np.asarray(deterministic), "median": np.median(samples, axis=0),
            "p2_5": np.percentile(samples, 2.5, axis=0), "p97_5": np.percentile(samples, 97.5, axis=0)}


def pm25_samples(export_pm25: dict[str, float], national_export: dict[str, np.ndarray],
                 national_export_base: dict[str, float]) -> np.ndarray:
    """Samples of national export-related PM2.5: each component scaled by its precursor's sampled emissions."""
    total = 0.0
    for component, value in export_pm25.items():
        species = PRECURSOR[component]
        total = total + value * national_export[species] / national_export_base[species]
    return np.asarray(total)


def interpolation_table(results: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Sectoral emissions (t) by species under each interpolation method and the spread around linear."""
    frames = []
    for method, emissions in results.items():
        frames.append(emissions.groupby(["species", "sector"], as_index=False)["tonnes"].sum().assign(method=method))
    table = pd.concat(frames, ignore_index=True)
    base = table[table["method"] == "linear"].set_index(["species", "sector"])["tonnes"]
    table["relative_to_linear"] = table.apply(
        lambda r: r["tonnes"] / base.get((r["species"], r["sector"]), np.nan) - 1.0, axis=1)
    return table
