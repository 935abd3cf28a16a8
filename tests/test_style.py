"""The code base is ruff-clean and formatted (ruff format for Python, snakefmt for the rule files).

The rules are in pyproject.toml; ``make lint`` runs the same checks.
"""

import subprocess
import sys

from conftest import REPO

PYTHON_TREES = ["src", "scripts", "tests", "benchmarks"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, timeout=300)


def test_ruff_clean():
    checked = run("ruff", "check", *PYTHON_TREES)
    assert checked.returncode == 0, checked.stdout[-3000:]


def test_python_is_ruff_formatted():
    formatted = run("ruff", "format", "--check", *PYTHON_TREES)
    assert formatted.returncode == 0, formatted.stdout[-3000:]


def test_rules_are_snakefmt_formatted():
    formatted = run("snakefmt", "--check", "Snakefile", "workflow/rules")
    assert formatted.returncode == 0, (formatted.stdout + formatted.stderr)[-3000:]
