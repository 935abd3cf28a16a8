"""From scenario emissions to the CTM product with the surrogate backend, and its calibration."""

from __future__ import annotations

import calendar
import logging
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import replace

import numpy as np

from exportpm.ctm import COMPONENTS, NESTED_ASIA, crop
from exportpm.ctm.met import MonthlyMet
from exportpm.ctm.surrogate import SurrogateParameters, run_month
from exportpm.grid import LonLatGrid
from exportpm.regrid import regrid_extensive
from exportpm.scenarios import SF_SPECIES

log = logging.getLogger(__name__)
UG_PER_T = 1e12


def surrogate_sources(
    emissions_t: np.ndarray, source: LonLatGrid, month: int, year: int, target: LonLatGrid = NESTED_ASIA
) -> dict[str, np.ndarray]:
    """[species of SF_SPECIES, lat, lon] t per cell and month -> ug/s per CTM cell for the surrogate's families."""
    seconds = calendar.monthrange(year, month)[1] * 86400.0
    regridded = regrid_extensive(emissions_t, source, target) * UG_PER_T / seconds
    by = {name: regridded[SF_SPECIES.index(name)] for name in SF_SPECIES}
    return {
        "SO2": by["SO2"],
        "NOx": by["NOx"],
        "NH3": by["NH3"],
        "BC": by["BC"],
        "OC": by["OC"],
        "PM25_other": np.clip(by["PM25_other"], 0.0, None),
    }


def total_pm25(components: dict[str, np.ndarray], background: np.ndarray | float) -> np.ndarray:
    """Total PM2.5 (ug/m3): the modelled components plus the unmodelled background (a field or a number)."""
    return sum(components[c] for c in COMPONENTS) + background


def secant_log_log(
    modelled: Callable[[float], float],
    goal: float,
    scale: float = 1.0,
    rtol: float = 1e-6,
    max_evaluations: int = 12,
    bounds: tuple[float, float] = (0.05, 20.0),
) -> tuple[float, list]:
    """Solve modelled(s) = goal for the mixing-height scale s, where modelled(s) > 0 falls monotonically and
    nearly like 1/s (concentrations scale with 1 / mixing height: steady-state mass over a deeper layer).

    Secant iteration on log(modelled) against log(s), started with the slope -1: two or three evaluations
    for the surrogate's nearly linear response, each one full Base run. Returns s and the (s, value) trials."""
    if goal <= 0:
        raise ValueError(f"calibration: the modelled part must reach {goal:.4g} ug/m3, which is not positive")
    lo, hi = np.log(bounds[0]), np.log(bounds[1])
    trials = [(scale, modelled(scale))]
    x0, f0 = np.log(scale), np.log(trials[0][1]) - np.log(goal)
    slope = -1.0
    for _ in range(max_evaluations - 1):
        if abs(f0) < rtol:
            return float(np.exp(x0)), trials
        x1 = float(np.clip(x0 - f0 / slope, lo, hi))
        if x1 == x0:
            raise ValueError(
                f"calibration: the mixing-height scale leaves [{bounds[0]}, {bounds[1]}] (trials {trials})"
            )
        trials.append((float(np.exp(x1)), modelled(float(np.exp(x1)))))
        f1 = np.log(trials[-1][1]) - np.log(goal)
        if f1 != f0:
            slope = min((f1 - f0) / (x1 - x0), -1e-3)  # monotone: keep the slope negative
        x0, f0 = x1, f1
    if abs(f0) >= rtol:
        raise ValueError(f"calibration did not converge in {max_evaluations} Base runs (trials {trials})")
    return float(np.exp(x0)), trials


def base_months(
    months: list[int],
    sources: dict[int, dict[str, np.ndarray]],
    met: dict[int, MonthlyMet],
    params: SurrogateParameters,
    scale: float,
    grid: LonLatGrid,
    pool: Executor | None = None,
) -> dict[int, np.ndarray]:
    """Month -> sum of the modelled components (ug/m3, (nlat, nlon)) of the Base at mixing-height scale ``scale``.

    With ``pool`` (:func:`month_pool`) the months run side by side in worker processes, each the same
    computation on the same inputs as in this process, so the fields are the same to the bit.
    """
    trial = replace(params, mixing_height_scale=scale)
    jobs = [(grid, met[m], sources[m], m, trial) for m in months]
    fields = pool.map(_base_month, jobs) if pool is not None else map(_base_month, jobs)
    return dict(zip(months, fields, strict=True))


def _base_month(job: tuple) -> np.ndarray:
    grid, met, sources, month, params = job
    return total_pm25(run_month(grid, met, sources, month, params), 0.0)


@contextmanager
def month_pool(workers: int, method: str | None = None) -> Iterator[Executor | None]:
    """Worker processes for the months of the calibration's Base runs; None (in this process) for one. Started by
    ``method``, by default forked on Linux (no re-import) and spawned elsewhere (macOS system libraries are not
    safe to fork)."""
    if workers <= 1:
        yield None
        return
    method = method or ("fork" if sys.platform.startswith("linux") else "spawn")
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
        yield pool


def calibrate_mixing_height(
    months: list[int],
    sources: dict[int, dict[str, np.ndarray]],
    met: dict[int, MonthlyMet],
    params: SurrogateParameters,
    background: np.ndarray,
    weight: np.ndarray,
    target: float,
    grid: LonLatGrid = NESTED_ASIA,
    buffer: int = 0,
    pool: Executor | None = None,
) -> dict:
    """Scale the mixing heights so the mean over ``months`` of the national population-weighted total PM2.5
    (components + background, Eq. 14 nationally) equals ``target`` ug/m3; ``weight`` (population per cell)
    and ``background`` (unmodelled PM2.5) are on the product grid, ``grid`` without ``buffer`` cells; ``pool``
    runs each trial's months side by side (:func:`base_months`)."""
    bg = float(weight @ background.ravel() / weight.sum())
    if bg >= target:
        raise ValueError(f"calibration: background {bg:.3g} ug/m3 alone reaches the target {target} ug/m3")

    def national(scale: float) -> float:
        fields = base_months(months, sources, met, params, scale, grid, pool)
        value = float(weight @ crop(np.mean(list(fields.values()), axis=0), buffer).ravel() / weight.sum())
        log.info(
            "calibration: mixing height x %.4f -> national population-weighted PM2.5 %.3f + %.3f ug/m3",
            scale,
            value,
            bg,
        )
        return value

    scale, trials = secant_log_log(national, target - bg, params.mixing_height_scale)
    return {
        "objective": "target",
        "mixing_height_scale": scale,
        "target_ugm3": target,
        "achieved_ugm3": trials[-1][1] + bg,
        "evaluations": len(trials),
        "background_pw_ugm3": bg,
        "trials": trials,
    }


def calibrate_to_stations(
    months: list[int],
    sources: dict[int, dict[str, np.ndarray]],
    met: dict[int, MonthlyMet],
    params: SurrogateParameters,
    background: np.ndarray,
    station_statistics: Callable[[dict[int, np.ndarray]], dict],
    grid: LonLatGrid,
    buffer: int,
    pool: Executor | None = None,
) -> dict:
    """Scale the mixing heights so the Base total PM2.5 (components + background) has no normalised mean bias
    at the monitoring stations: sum(model) = sum(observed) over the station means of the simulated months.

    ``station_statistics(month -> total PM2.5 on the product grid)`` returns the evaluation's statistics of the
    stations (n, r, nmb, nme, rmse: the rule passes ``evaluation.evaluate``, so calibration and evaluation use
    one definition); ``background`` is on the product grid (``grid`` without ``buffer`` cells); ``pool`` runs
    each trial's months side by side (:func:`base_months`). Returns the scale,
    the trials, ``evaluations`` (the Base states evaluated at the stations: every trial and the fit at the
    solution) and the fit. The secant's last trial is at the solution's scale (the same float), so the fit is
    that trial's statistics, not a further Base run; a solution at any other scale is run again."""
    zero = station_statistics({m: background for m in months})  # background alone: sum(bg) / sum(obs) = 1 + nmb
    bg_ratio = 1.0 + zero["nmb"]
    if bg_ratio >= 1.0:
        raise ValueError(f"calibration: the background alone reaches {bg_ratio:.3f} of the observed mean")
    last: dict[float, dict] = {}  # scale -> station statistics of the latest Base run

    def statistics_at(scale: float) -> dict:
        if scale not in last:
            fields = base_months(months, sources, met, params, scale, grid, pool)
            last.clear()
            last[scale] = station_statistics({m: crop(f, buffer) + background for m, f in fields.items()})
        return last[scale]

    def ratio(scale: float) -> float:
        value = statistics_at(scale)["nmb"] + 1.0 - bg_ratio
        log.info(
            "calibration: mixing height x %.4f -> modelled / observed at stations %.4f (+ background %.4f)",
            scale,
            value,
            bg_ratio,
        )
        return value

    scale, trials = secant_log_log(ratio, 1.0 - bg_ratio, params.mixing_height_scale)
    fit = statistics_at(scale)
    return {
        "objective": "stations",
        "mixing_height_scale": scale,
        "evaluations": len(trials) + 1,
        "background_share_of_observed": bg_ratio,
        "trials": trials,
        "fit": {k: (int(v) if k == "n" else float(v)) for k, v in fit.items() if k != "subset"},
    }
