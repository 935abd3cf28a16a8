"""The corruption suite: every case must end 'clear' (right error class, message names file and field).

The counts by outcome are printed at the end of the run (see ``conftest.pytest_terminal_summary``), so CI's
log shows tried / clear / unclear / traceback / silent.
"""

from __future__ import annotations

import shutil

import pytest
from corruption.harness import all_cases, run_case

CASES = all_cases()
OUTCOMES: dict[str, str] = {}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_corrupted_input_is_rejected_clearly(case, tiny_world, tmp_path):
    outcome = run_case(case, tiny_world, tmp_path)
    OUTCOMES[case.name] = outcome.kind
    assert outcome.kind == "clear", f"{outcome.kind}: {outcome.message[:500]}"


@pytest.mark.parametrize("mode", ["demo", "real"])
def test_pristine_config_passes_the_semantic_check(mode, tiny_world, tmp_path):
    """The config cases start from a config that passes: each case's error is its own corruption."""
    from corruption.cases_config import build, real_data

    from exportpm.config import check_config

    world = tmp_path / "world"
    shutil.copytree(tiny_world, world)
    change = {"inputs": "real", "data": real_data(world)} if mode == "real" else {}
    check_config(build(world, change), world)
