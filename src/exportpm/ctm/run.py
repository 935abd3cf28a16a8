"""From scenario emissions to the CTM product with the surrogate backend, and its calibration."""

from __future__ import annotations

import calendar
import logging

import numpy as np
from scipy.optimize import brentq

from exportpm.ctm import COMPONENTS, NESTED_ASIA
from exportpm.ctm.met import MonthlyMet
from exportpm.ctm.surrogate import SurrogateParameters, run_month
from exportpm.grid import LonLatGrid
from exportpm.regrid import regrid_extensive
from exportpm.scenarios import SF_SPECIES

log = logging.getLogger(__name__)
UG_PER_T = 1e12


def surrogate_sources(emissions_t: np.ndarray, source: LonLatGrid, month: int, year: int,
                      target: LonLatGrid = NESTED_ASIA) -> dict[str, np.ndarray]:
    """[species of SF_SPECIES, lat, lon] t per cell and month -> ug/s per CTM cell for the surrogate's families."""
    seconds = calendar.monthrange(year, month)[1] * 86400.0
    regridded = regrid_extensive(emissions_t, source, target) * UG_PER_T / seconds
    by = {name: regridded[SF_SPECIES.index(name)] for name in SF_SPECIES}
    return {"SO2": by["SO2"], "NOx": by["NOx"], "NH3": by["NH3"], "BC": by["BC"], "OC": by["OC"],
            "PM25_other": np.clip(by["PM25_other"], 0.0, None)}


def total_pm25(components: dict[str, np.ndarray], background: float) -> np.ndarray:
    return sum(components[c] for c in COMPONENTS) + background


def calibrate_mixing_height(months: list[int], sources: dict[int, dict[str, np.ndarray]],
                            met: dict[int, MonthlyMet], params: SurrogateParameters, background: float,
                            weight: np.ndarray, target: float, grid: LonLatGrid = NESTED_ASIA) -> dict:
    """Scale the mixing heights so the 4-month-mean national population-weighted total PM2.5 (components +
    background) equals ``target`` ug/m3; ``weight`` is the population per CTM cell (flattened)."""
    if background >= target:
        raise ValueError(f"calibration: background {background} ug/m3 alone reaches the target {target} ug/m3")
    calls = []

    def national(scale: float) -> float:
        trial = SurrogateParameters(**{**params.__dict__, "mixing_height_scale": scale})
        means = np.mean([total_pm25(run_month(grid, met[m], sources[m], m, trial), background).ravel()
                         for m in months], axis=0)
        value = float(weight @ means / weight.sum())
        calls.append((scale, value))
        log.info("calibration: mixing height x %.4f -> national population-weighted PM2.5 %.3f ug/m3", scale, value)
        return value - target

    lo, hi = 0.05, 20.0
    if national(lo) < 0:
        raise ValueError("calibration: even the shallowest mixing layer stays below the target")
    if national(hi) > 0:
        raise ValueError("calibration: even the deepest mixing layer stays above the target")
    scale = brentq(national, lo, hi, xtol=1e-4, rtol=1e-6)
    achieved = national(scale) + target
    return {"mixing_height_scale": scale, "target_ugm3": target, "achieved_ugm3": achieved,
            "evaluations": len(calls), "background_ugm3": background}
