"""How the costs grow: the export engine, GRAS and SPA at three sizes of linked MRIO, the surrogate CTM at two
grid resolutions, with the exponent fitted to time and memory against size, next to dense LU (n^3) and storage
(n^2), so a user can predict the cost of a larger table.

Run after the full demo (`make demo`):  .venv/bin/python benchmarks/scaling.py [--run demo]
                                          [--sizes 3000 6000 12350] [--ctm-factors 2 1]
MRIO sizes: the demo generator's linked MRIO (results/<run>/mrio/linked_mrio.nc, 190 regions x 65 sectors) cut to
its 31 provinces and the first k foreign regions, k chosen so 65 (31 + k) is closest to each size (Z, Y and x of
the kept regions; what the dropped regions bought becomes final demand of the last kept one, so x = Z1 + Y1 holds).
GRAS rebalances a 5 % lognormal perturbation of the cut Z back to its own margins. CTM: one month, every scenario,
on the nested grid coarsened by each factor (2 = 0.625 x 0.5 degree). Each case runs in its own process; peak
memory is that process's maximum resident set (wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from exportpm.benchmarking import machine_description


def contiguous_runs(index: np.ndarray) -> list[slice]:
    """Sorted integer positions as the slices of their consecutive runs."""
    breaks = np.flatnonzero(np.diff(index) != 1) + 1
    return [slice(int(part[0]), int(part[-1]) + 1) for part in np.split(index, breaks)]


def read_blocks(variable, row_dim: str, col_dim: str, row_runs: list[slice], col_runs: list[slice]) -> np.ndarray:
    """The sub-matrix of ``variable`` on the given row and column runs, one block at a time into one array."""
    heights = [r.stop - r.start for r in row_runs]
    widths = [c.stop - c.start for c in col_runs]
    if len(row_runs) == len(col_runs) == 1:
        return np.ascontiguousarray(variable.isel({row_dim: row_runs[0], col_dim: col_runs[0]}).values)
    out = np.empty((sum(heights), sum(widths)))
    r0 = 0
    for r, h in zip(row_runs, heights, strict=True):
        c0 = 0
        for c, w in zip(col_runs, widths, strict=True):
            out[r0 : r0 + h, c0 : c0 + w] = variable.isel({row_dim: r, col_dim: c}).values
            c0 += w
        r0 += h
    return out


class Cut:
    """The linked MRIO cut to the provinces and the first k foreign regions, read lazily (only the kept block)."""

    def __init__(self, mrio: str, size: int) -> None:
        import xarray as xr

        with xr.open_dataset(mrio, engine="netcdf4") as ds:
            regions = list(dict.fromkeys(ds["region"].values.tolist()))
            self.sectors = tuple(dict.fromkeys(ds["sector"].values.tolist()))
            N = len(self.sectors)
            flags = ds["is_province"].values.reshape(len(regions), N)[:, 0].astype(bool)
            provinces = [r for r, f in zip(regions, flags, strict=True) if f]
            foreign = [r for r, f in zip(regions, flags, strict=True) if not f]
            k = int(np.clip(round(size / N) - len(provinces), 1, len(foreign)))
            self.regions = tuple(r for r in regions if r in provinces or r in foreign[:k])
            self.flags = np.array([r in provinces for r in self.regions])
            rows = np.flatnonzero(np.isin(ds["region"].values, self.regions))
            cols = np.flatnonzero(np.isin(ds["fd_region"].values, self.regions))
            self.categories = tuple(dict.fromkeys(ds["category"].values.tolist()))
            runs = contiguous_runs(rows)  # slices read fast; fancy indexing of netCDF does not
            self.Z = read_blocks(ds["Z"], "row", "col", runs, runs)
            self.Y = read_blocks(ds["Y"], "row", "fd", runs, contiguous_runs(cols))
            self.x = ds["x"].values[rows]
            # sales to the dropped regions (x = Z1 + Y1 on the full table) become final demand of the last region
            self.Y[:, -1] += self.x - self.Z.sum(1) - self.Y.sum(1)
            self.rows = rows


def work_engine(mrio: str, intensities: str, size: int) -> int:
    from exportpm.footprint.exports import ExportInputs, export_emissions
    from exportpm.mrio.store import read_intensities

    cut = Cut(mrio, size)
    species, F = read_intensities(intensities)
    groups = {r: "abroad" for r, f in zip(cut.regions, cut.flags, strict=True) if not f}
    export_emissions(
        ExportInputs(
            cut.regions,
            cut.sectors,
            cut.flags,
            cut.Z,
            cut.Y,
            cut.x,
            cut.categories,
            F[:, cut.rows],
            tuple(species),
            groups,
            (),
        )
    )
    return cut.rows.size


def work_gras(mrio: str, intensities: str, size: int) -> int:
    from exportpm.mrio.gras import gras

    cut = Cut(mrio, size)
    u, w = cut.Z.sum(1), cut.Z.sum(0)
    rng = np.random.default_rng(1)
    for start in range(0, cut.Z.shape[0], 512):  # perturb in row blocks (no n x n temporaries)
        block = cut.Z[start : start + 512]
        block *= np.exp(rng.normal(0.0, 0.05, block.shape))
    gras(cut.Z, None, u, w, tol=1e-10)
    return cut.rows.size


def work_spa(mrio: str, intensities: str, size: int) -> int:
    from exportpm.footprint.leontief import technical_coefficients
    from exportpm.mrio.store import read_intensities
    from exportpm.spa import SpaInputs, spa_tables

    cut = Cut(mrio, size)
    species, F = read_intensities(intensities)
    A = technical_coefficients(cut.Z, cut.x, out=cut.Z)
    ape = {"NOx": 0.95, "SO2": 0.95, "CO": 16.7, "NH3": 9.09, "BC": 2.18, "OC": 2.18, "PM25_other": 4.0}
    spa_tables(
        SpaInputs(
            cut.regions,
            cut.sectors,
            cut.flags,
            A,
            cut.Y,
            cut.categories,
            F[:, cut.rows],
            tuple(species),
            {s: ape.get(s, 1.0) for s in species},
            {r: "abroad" for r, f in zip(cut.regions, cut.flags, strict=True) if not f},
        )
    )
    return cut.rows.size


def work_ctm(run: str, factor: int) -> int:
    from exportpm.ctm import NESTED_ASIA
    from exportpm.ctm.met import default_met
    from exportpm.ctm.run import surrogate_sources
    from exportpm.ctm.surrogate import SurrogateParameters, run_month_scenarios
    from exportpm.grid import LonLatGrid
    from exportpm.scenarios import read_scenario_month

    g = NESTED_ASIA
    dlon, dlat = g.dlon * factor, g.dlat * factor
    grid = LonLatGrid(
        g.lon0, g.lon0 + dlon * (g.nlon // factor), g.lat0, g.lat0 + dlat * (g.nlat // factor), dlon, dlat
    )
    sources = {}
    for path in sorted((Path("results") / run / "scenarios").glob("*/emissions.nc")):
        source_grid, emissions = read_scenario_month(path, 1)
        sources[path.parent.name] = surrogate_sources(emissions, source_grid, 1, 2017, grid)
    run_month_scenarios(grid, default_met(grid, 1), sources, 1, SurrogateParameters())
    return grid.nlat * grid.nlon


WORKERS = {"engine": work_engine, "gras": work_gras, "spa": work_spa}


def measure(args: list[str]) -> tuple[float, float, int]:
    """Run one worker in a child process: wall seconds, peak resident GiB and the problem size it reports."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--worker", *args], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    out = child.stdout.read()
    if status != 0:
        raise SystemExit(f"worker {args} failed (status {status})")
    return seconds, usage.ru_maxrss / 2**20, int(json.loads(out.strip().splitlines()[-1])["size"])


def exponent(sizes: list[int], values: list[float]) -> float:
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0]) if len(sizes) > 1 else float("nan")


def report(name: str, cases: list[tuple[int, float, float]]) -> None:
    for size, seconds, gib in cases:
        print(f"{name:<10}{size:>10}{seconds:>10.1f}{gib:>10.2f}")
    sizes = [c[0] for c in cases]
    print(
        f"{name:<10}{'exponent':>10}{exponent(sizes, [c[1] for c in cases]):>10.2f}"
        f"{exponent(sizes, [c[2] for c in cases]):>10.2f}   (dense LU: time 3, memory 2)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--run", default="demo")
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 6000, 12350])
    parser.add_argument("--ctm-factors", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--only", nargs="+", default=["engine", "gras", "spa", "ctm"])
    parser.add_argument("--worker", nargs="+")
    args = parser.parse_args()
    mrio = f"results/{args.run}/mrio/linked_mrio.nc"
    intensities = f"results/{args.run}/inventory/intensities.nc"
    if args.worker:
        name, value = args.worker[0], int(args.worker[1])
        size = work_ctm(args.run, value) if name == "ctm" else WORKERS[name](mrio, intensities, value)
        print(json.dumps({"size": size}))
        return
    print(machine_description())
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'method':<10}{'size':>10}{'wall s':>10}{'peak GiB':>10}")
    for name in [n for n in ("engine", "gras", "spa") if n in args.only]:
        report(
            name,
            [
                (size, seconds, gib)
                for seconds, gib, size in (measure([name, str(s), "--run", args.run]) for s in args.sizes)
            ],
        )
    if "ctm" in args.only:
        report(
            "ctm",
            [
                (size, seconds, gib)
                for seconds, gib, size in (measure(["ctm", str(f), "--run", args.run]) for f in args.ctm_factors)
            ],
        )


if __name__ == "__main__":
    main()
