"""Compare the products of two runs file by file: which are byte-identical, which differ (and by how much, for
netCDF and Parquet: the largest relative difference of any numeric variable or column), which exist in one only.

Run:  .venv/bin/python tools/compare_runs.py RUN_A RUN_B      (e.g. results/demo and /scratch/results/demo)

Use it after a change meant to leave the science alone (a faster code path, a refactoring): every product should
be byte-identical; a difference of a few units in the last place (~1e-16 relative) means the same numbers were
rounded in another order. Benchmark records (``benchmarks/``) differ from run to run and are skipped.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

SKIPPED_FOLDERS = {"benchmarks"}


def digest(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def products(root: Path) -> dict[str, Path]:
    """Relative path -> file, for every file under ``root`` outside the skipped folders."""
    return {
        str(p.relative_to(root)): p
        for p in sorted(root.rglob("*"))
        if p.is_file() and not SKIPPED_FOLDERS & set(p.relative_to(root).parts[:-1])
    }


def _relative(a: np.ndarray, b: np.ndarray) -> float:
    if a.shape != b.shape:
        return float("inf")
    if not (np.issubdtype(a.dtype, np.number) and np.issubdtype(b.dtype, np.number)):
        return 0.0 if np.array_equal(a, b) else float("inf")
    a, b = a.astype(float), b.astype(float)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    if same.all():
        return 0.0
    scale = np.maximum(np.abs(a), np.abs(b))
    return float(np.max(np.abs(a - b)[~same] / np.where(scale[~same] > 0, scale[~same], 1.0)))


def numeric_difference(a: Path, b: Path) -> float | None:
    """Largest relative difference of the numeric contents of two netCDF or Parquet files (None: other kinds)."""
    if a.suffix == ".nc":
        import xarray as xr

        with xr.open_dataset(a) as da, xr.open_dataset(b) as db:
            names = set(da.variables) | set(db.variables)
            if set(da.variables) != set(db.variables):
                return float("inf")
            return max((_relative(da[n].values, db[n].values) for n in names), default=0.0)
    if a.suffix == ".parquet":
        import pandas as pd

        fa, fb = pd.read_parquet(a), pd.read_parquet(b)
        if list(fa.columns) != list(fb.columns):
            return float("inf")
        return max((_relative(fa[c].to_numpy(), fb[c].to_numpy()) for c in fa.columns), default=0.0)
    return None


def main() -> None:
    """Print the comparison of the two runs named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_a", type=Path)
    parser.add_argument("run_b", type=Path)
    args = parser.parse_args()
    a, b = products(args.run_a), products(args.run_b)
    identical, different = [], []
    for name in sorted(set(a) & set(b)):
        (identical if digest(a[name]) == digest(b[name]) else different).append(name)
    print(
        f"{len(identical)} byte-identical, {len(different)} different, {len(set(a) - set(b))} only in "
        f"{args.run_a}, {len(set(b) - set(a))} only in {args.run_b}"
    )
    for name in different:
        gap = numeric_difference(a[name], b[name])
        print(f"  differs: {name}" + ("" if gap is None else f" (largest relative difference {gap:.2g})"))
    for name in sorted(set(a) - set(b)):
        print(f"  only in {args.run_a}: {name}")
    for name in sorted(set(b) - set(a)):
        print(f"  only in {args.run_b}: {name}")


if __name__ == "__main__":
    main()
