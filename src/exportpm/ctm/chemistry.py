"""Inorganic aerosol thermodynamics of the surrogate: sulfate neutralised first, then NH4NO3 equilibrium.

ln Kp = 118.87 - 24084/T - 6.025 ln T, Kp in ppb^2 (Mozurkewich 1993; dry particles, no RH dependence).
"""

from __future__ import annotations

import numpy as np

M_SO4, M_NO3, M_NH3, M_NH4 = 96.06, 62.00, 17.03, 18.04  # g/mol
PRESSURE_PA = 101325.0
R = 8.314462618


def kp_nh4no3(temperature: np.ndarray) -> np.ndarray:
    """Dissociation constant of NH4NO3, ppb^2."""
    return np.exp(118.87 - 24084.0 / temperature - 6.025 * np.log(temperature))


def ppb_per_umol_m3(temperature: np.ndarray, pressure: float = PRESSURE_PA) -> np.ndarray:
    """Mixing ratio (ppb) of 1 umol/m3 at T and p: 1e3 R T / p."""
    return 1e3 * R * temperature / pressure


def partition(
    sulfate: np.ndarray, total_nh3: np.ndarray, total_no3: np.ndarray, temperature: np.ndarray
) -> dict[str, np.ndarray]:
    """Split total ammonia (as NH3 mass) and total nitrate (as NO3 mass), ug/m3, into gas and particle.

    Returns particulate NH4 and NO3 (ug/m3) and the gas fractions of each family (for the loss rates).
    """
    s = sulfate / M_SO4  # umol/m3
    a = total_nh3 / M_NH3
    n = total_no3 / M_NO3
    bound = np.minimum(a, 2.0 * s)  # ammonium sulfate takes ammonia first
    free = a - bound
    to_ppb = ppb_per_umol_m3(temperature)
    A, N = free * to_ppb, n * to_ppb
    K = kp_nh4no3(temperature)
    x = np.where(A * N > K, 0.5 * ((A + N) - np.sqrt((A - N) ** 2 + 4.0 * K)), 0.0) / to_ppb  # umol/m3
    x = np.clip(x, 0.0, np.minimum(free, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        gas_nh3 = np.where(a > 0, (free - x) / a, 1.0)
        gas_no3 = np.where(n > 0, (n - x) / n, 1.0)
    return {"NH4": (bound + x) * M_NH4, "NIT": x * M_NO3, "gas_fraction_nh3": gas_nh3, "gas_fraction_no3": gas_no3}
