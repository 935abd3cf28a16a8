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
