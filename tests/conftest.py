"""Shared fixtures: the tiny demo world, generated once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportpm.demo.world import PARTS, part_files, write_part

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory) -> Path:
    """The tiny demo world written to a temporary folder (all parts)."""
    outdir = tmp_path_factory.mktemp("tiny_world")
    for part in PARTS:
        write_part(part, "tiny", outdir)
    return outdir


@pytest.fixture(scope="session")
def tiny_files() -> dict[str, list[str]]:
    return part_files("tiny")


@pytest.fixture(scope="session")
def tiny_demo_run(tmp_path_factory) -> Path:
    """One uninterrupted Snakemake run of the tiny world (config/tiny.yaml), shared read-only by the tests
    that compare other runs with it (real mode, faults). Do not modify its folder."""
    from test_workflow import snakemake, workflow_copy

    workdir = workflow_copy(tmp_path_factory.mktemp("tiny_demo_run"))
    run = snakemake(workdir, "--configfile", "config/tiny.yaml", timeout=1800)
    assert run.returncode == 0, run.stderr[-4000:]
    return workdir


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Print the corruption suite's counts by outcome (tried / clear / unclear / traceback / silent), in total
    and by area (config, econ, grid), and name every case that did not end clear."""
    module = __import__("sys").modules.get("test_corruption")
    if module is None or not module.OUTCOMES:
        return
    kinds = ("clear", "unclear", "traceback", "silent")

    def line(outcomes: list[str]) -> str:
        return f"tried {len(outcomes)}: " + ", ".join(f"{k} {outcomes.count(k)}" for k in kinds)

    terminalreporter.write_sep("=", "corruption suite")
    terminalreporter.write_line(line(list(module.OUTCOMES.values())))
    for area in sorted({name.split("/")[0] for name in module.OUTCOMES}):
        terminalreporter.write_line(
            f"  {area}: " + line([k for n, k in module.OUTCOMES.items() if n.split("/")[0] == area])
        )
    for name, kind in sorted(module.OUTCOMES.items()):
        if kind != "clear":
            terminalreporter.write_line(f"  {kind}: {name}")
