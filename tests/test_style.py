"""The code base is ruff-clean (the rules are in pyproject.toml)."""

import subprocess
import sys

from conftest import REPO


def test_ruff_clean():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "src", "scripts", "tests", "benchmarks"], cwd=REPO,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]
