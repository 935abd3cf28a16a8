"""tools/compare_runs.py: byte-identical products, numeric differences and files in one run only."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def test_compare_runs_reports_identical_different_and_missing_products(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for run in (a, b):
        (run / "benchmarks").mkdir(parents=True)
        (run / "benchmarks" / "rule.tsv").write_text(f"s\n{run.name}\n")  # differs, but is skipped
        (run / "same.csv").write_text("x\n1\n")
    values = np.array([1.0, 2.0, 3.0])
    pd.DataFrame({"v": values}).to_parquet(a / "table.parquet")
    pd.DataFrame({"v": values * (1 + np.array([0, 1e-15, 0]))}).to_parquet(b / "table.parquet")
    (a / "only_a.txt").write_text("a")
    out = subprocess.run(
        [sys.executable, str(REPO / "tools/compare_runs.py"), str(a), str(b)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.splitlines()[0] == f"1 byte-identical, 1 different, 1 only in {a}, 0 only in {b}"
    assert "differs: table.parquet (largest relative difference 1.1e-15)" in out  # 2 (1 + 1e-15), rounded to float64
    assert "only_a.txt" in out and "rule.tsv" not in out
