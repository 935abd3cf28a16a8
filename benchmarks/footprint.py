"""The export-emissions engine against pymrio (calc_system + calc_extensions) on the same linked MRIO.

Run after `make demo`:  .venv/bin/python benchmarks/footprint.py
Each method runs in its own process (so peak memory is that process's own, from wait4) on
results/demo/mrio/linked_mrio.nc and results/demo/inventory/intensities.nc; the script prints wall time, peak
resident memory, the ratios, and the largest relative difference between the two sets of results
(footprints of each consuming region's final demand, and production-based emissions).
OpenBLAS picks its kernel from the CPU unless OPENBLAS_CORETYPE is set; the first line printed names it.
To measure the kernel the CPU would get: env -u OPENBLAS_CORETYPE .venv/bin/python benchmarks/footprint.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from exportpm.benchmarking import machine_description


def run_exportpm(mrio: str, intensities: str, out: str) -> None:
    from exportpm.footprint.exports import ExportInputs, export_emissions
    from exportpm.mrio.store import read_intensities, read_linked_mrio
    from exportpm.resources import resource

    table = read_linked_mrio(mrio)
    species, F = read_intensities(intensities)
    groups = dict(
        zip(resource("foreign_region_groups")["gtap_code"], resource("foreign_region_groups")["group"], strict=True)
    )
    regions, D = table.regions, len(table.categories)
    inputs = ExportInputs(
        table.regions,
        table.sectors,
        table.is_province,
        table.Z,
        table.Y,
        table.x,
        table.categories,
        F,
        species,
        groups,
        (),
    )
    del table
    result = export_emissions(inputs)
    by_region = result.all_demand.sum(axis=1).reshape(len(species), len(regions), D).sum(-1)  # [q, consuming region]
    np.savez(out, cba=by_region, pba=result.emissions.sum(-1).sum(-1))


def run_pymrio(mrio: str, intensities: str, out: str) -> None:
    import pandas as pd
    import pymrio

    from exportpm.mrio.store import read_intensities, read_linked_mrio, to_pymrio

    table = read_linked_mrio(mrio)
    species, F = read_intensities(intensities)
    io = to_pymrio(table)
    rows = io.Z.index
    io.emissions = pymrio.Extension(
        name="emissions",
        F=pd.DataFrame(F * table.x[None, :], index=list(species), columns=rows),
        unit=pd.DataFrame({"unit": ["t"] * len(species)}, index=list(species)),
    )
    del table
    io.calc_system()
    io.calc_extensions()
    cba = io.emissions.D_cba.T.groupby(level="region", sort=False).sum().T
    provinces = [r for r in io.get_regions() if str(r).startswith("CN-")]
    pba = io.emissions.D_pba.T.groupby(level="region", sort=False).sum().T[provinces].sum(axis=1)
    np.savez(out, cba=cba[list(io.get_regions())].to_numpy(), pba=pba.to_numpy())


def _spread(seconds: list[float]) -> str:
    return f"({min(seconds):.1f}-{max(seconds):.1f})"


def measure(worker: str, mrio: str, intensities: str, out: str) -> tuple[float, float]:
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--worker", worker, "--mrio", mrio, "--intensities", intensities, "--out", out]
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{worker} failed (status {status})")
    return seconds, usage.ru_maxrss / 2**20  # kB -> GiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mrio", default="results/demo/mrio/linked_mrio.nc")
    parser.add_argument("--intensities", default="results/demo/inventory/intensities.nc")
    parser.add_argument("--worker", choices=["exportpm", "pymrio"])
    parser.add_argument("--out")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each method; the median is reported")
    parser.add_argument(
        "--warmup", type=int, default=1, help="unrecorded runs of each method first (page cache, first touch of memory)"
    )
    args = parser.parse_args()
    if args.worker:
        {"exportpm": run_exportpm, "pymrio": run_pymrio}[args.worker](args.mrio, args.intensities, args.out)
        return
    for path in (args.mrio, args.intensities):
        if not Path(path).exists():
            raise SystemExit(f"{path} is missing: run `make demo` first")
    print(machine_description())
    with tempfile.TemporaryDirectory() as folder:
        ours, theirs = Path(folder) / "exportpm.npz", Path(folder) / "pymrio.npz"
        for worker in ("exportpm", "pymrio"):
            for _ in range(args.warmup):
                measure(worker, args.mrio, args.intensities, str(ours))
        runs_ours = [measure("exportpm", args.mrio, args.intensities, str(ours)) for _ in range(args.repeat)]
        runs_theirs = [measure("pymrio", args.mrio, args.intensities, str(theirs)) for _ in range(args.repeat)]
        t_ours, m_ours = (float(np.median(v)) for v in zip(*runs_ours, strict=True))
        t_theirs, m_theirs = (float(np.median(v)) for v in zip(*runs_theirs, strict=True))
        spread_ours = _spread([r[0] for r in runs_ours])
        spread_theirs = _spread([r[0] for r in runs_theirs])
        a, b = np.load(ours), np.load(theirs)
        diff = max(float(np.abs(a[k] - b[k]).max() / np.abs(b[k]).max()) for k in ("cba", "pba"))
    import xarray as xr

    with xr.open_dataset(args.mrio) as ds:
        n, m = ds.sizes["row"], ds.sizes["fd"]
    print(f"linked MRIO {n} x {n}, final demand {n} x {m}; 7 species")
    print(
        f"median of {args.repeat} runs per method after {args.warmup} unrecorded, each in a fresh process "
        "(reading the table included)"
    )
    print(f"{'method':<44}{'seconds':>10}{'(range)':>14}{'peak GiB':>10}")
    print(f"{'pymrio 0.7 calc_system + calc_extensions':<44}{t_theirs:>10.1f}{spread_theirs:>14}{m_theirs:>10.2f}")
    print(f"{'exportpm export_emissions (all tables)':<44}{t_ours:>10.1f}{spread_ours:>14}{m_ours:>10.2f}")
    worst = min(r[0] for r in runs_theirs) / max(r[0] for r in runs_ours)
    print(
        f"speed-up {t_theirs / t_ours:.1f}x (our slowest run against their fastest: {worst:.1f}x); "
        f"memory {100 * m_ours / m_theirs:.0f} % of pymrio's; max relative difference of footprints {diff:.1e}"
    )


if __name__ == "__main__":
    main()
