"""GRAS in scaling-vector form (the pipeline's) against a plain matrix-rebuilding RAS, same table, same run.

Run: .venv/bin/python benchmarks/ras.py [--world results/demo/demo_world]
Builds the unbalanced full-size linked MRIO from the demo world's raw files (generated into a temporary
folder if --world is not given), then balances it to the same tolerance with both methods and prints wall
time, peak traced memory (numpy allocations, tracemalloc), iterations, and the largest difference.
The baseline is RAS as MARIO-style codes write it: every half-step rebuilds the full matrix,
X <- diag(u / X1) X and X <- X diag(w / 1'X) (valid here: the demo table has no negative entries).
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

from exportpm.benchmarking import machine_description
from exportpm.demo.world import write_part
from exportpm.io.gtap import read_gtap_basedata
from exportpm.mrio.gtap import global_mrio
from exportpm.mrio.link import assemble, augmented, balance_augmented
from exportpm.mrio.pipeline import blocks_from_files, provincial_from_files
from exportpm.resources import RESOURCES_DIR

EXCLUDED = [
    "processing trade with imported materials",
    "equipment imported for processing trade",
    "bonded-zone warehousing and re-exported goods",
]


def unbalanced_table(world_dir: Path):
    world = global_mrio(read_gtap_basedata(world_dir / "gtap/basedata.har"))
    provincial, _ = provincial_from_files(
        world_dir / "ceads/china_provincial_mrio_2017.xlsx",
        world_dir / "yearbook/agriculture_output_2017.csv",
        world_dir / "yearbook/cattle_2017.csv",
        world_dir / "yearbook/wood_furniture_2017.csv",
        RESOURCES_DIR / "concordance_ceads42_gtap65.csv",
        world.sectors,
        world.x[world.index("chn")],
        6.7518,
    )
    blocks, _ = blocks_from_files(
        world_dir / "customs/customs_2017.csv",
        world_dir / "customs/hs6_gtap_concordance.csv",
        RESOURCES_DIR / "gtap11_regions.csv",
        world,
        provincial,
        "chn",
        EXCLUDED,
    )
    table, x, fd_target = assemble(world, provincial, blocks)
    return augmented(table), x, fd_target


def ras_rebuilding(A: np.ndarray, u: np.ndarray, w: np.ndarray, tol: float, max_iter: int = 5000):
    X = A
    for iteration in range(1, max_iter + 1):
        X = (u / X.sum(axis=1))[:, None] * X
        col = X.sum(axis=0)
        if np.abs(col - w).max() / np.abs(w).max() < tol and iteration > 1:
            return X, iteration
        X = X * (w / col)[None, :]
    raise RuntimeError("baseline RAS did not converge")


def measured(function, *args):
    tracemalloc.start()
    start = time.perf_counter()
    result = function(*args)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**30
    tracemalloc.stop()
    return result, seconds, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--world", type=Path, help="folder of a full demo world (default: generate one)")
    parser.add_argument("--tol", type=float, default=1e-10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        world_dir = args.world
        if world_dir is None:
            world_dir = Path(scratch)
            for part in ("gtap", "provincial", "customs"):
                write_part(part, "full", world_dir)
        A, x, fd_target = unbalanced_table(world_dir)
    n = x.size
    u, w = np.concatenate([x, [fd_target.sum()]]), np.concatenate([x, fd_target])
    assert (A >= 0).all(), "baseline RAS needs a non-negative table"
    print(machine_description())
    print(
        f"matrix: {A.shape[0]} x {A.shape[1]} (linked MRIO {n} rows + value added; {n} + {fd_target.size} "
        f"columns), {A.nbytes / 2**30:.2f} GiB float64; tolerance {args.tol:g}"
    )
    baseline_input = A.copy()
    (X_ref, it_ref), t_ref, m_ref = measured(ras_rebuilding, baseline_input, u, w, args.tol)
    del baseline_input
    result, t_gras, m_gras = measured(balance_augmented, A, x, fd_target, args.tol)
    diff = float(np.abs(A - X_ref).max() / np.abs(X_ref).max())
    print("peak GiB = largest traced numpy allocation during the call, beyond the input table itself")
    print(f"{'method':<36}{'seconds':>10}{'peak GiB':>10}{'iterations':>12}")
    print(f"{'RAS, matrix rebuilt every half-step':<36}{t_ref:>10.1f}{m_ref:>10.2f}{it_ref:>12d}")
    print(f"{'GRAS, scaling vectors (exportpm)':<36}{t_gras:>10.1f}{m_gras:>10.2f}{result.iterations:>12d}")
    print(
        f"speed-up {t_ref / t_gras:.1f}x; memory {m_gras / m_ref:.2f} of the baseline; "
        f"max relative difference between the two balanced tables {diff:.1e}"
    )


if __name__ == "__main__":
    main()
