"""The GEOS-Chem backend end to end through Snakemake, with the stand-in gcclassic and createRunDir.sh."""

from __future__ import annotations

import json
import sys

import pandas as pd
import pytest
import xarray as xr
from conftest import REPO
from test_workflow import snakemake, workflow_copy

pytestmark = pytest.mark.workflow
FIXTURES = REPO / "tests/fixtures"


def test_geoschem_backend_chain(tmp_path):
    (tmp_path / "wf").mkdir()
    workdir = workflow_copy(tmp_path / "wf")
    exe = tmp_path / "gcclassic"
    exe.write_text(f"#!/usr/bin/env bash\nexec {sys.executable} {FIXTURES / 'fake_gcclassic.py'} \"$@\"\n")
    exe.chmod(0o755)
    restart = tmp_path / "GEOSChem.Restart.fullchem.20190701_0000z.nc4"
    restart.write_bytes(b"initial conditions")
    config = {
        "run": {"name": "gc"},
        "demo": {"size": "tiny", "seed": 2017},
        "scenarios": {"region_groups": []},
        "ctm": {"backend": "geoschem", "months": [1], "geoschem": {
            "executable": str(exe), "createrundir": str(FIXTURES / "fake_createRunDir.sh"),
            "data_root": str(tmp_path / "ExtData"), "initial_restart": {"global": str(restart)},
            "segments_per_month": 2, "nested_spinup_days": 10, "global_spinup_months": 1,
            "slurm": {"cpus": 1, "mem_mb": 1000, "runtime_minutes": 10}}},
    }
    (workdir / "gc.yaml").write_text(json.dumps(config))
    run = snakemake(workdir, "--configfile", "gc.yaml", timeout=900)
    assert run.returncode == 0, run.stderr[-4000:]
    segments = sorted(p.name for p in (workdir / "results/gc/geoschem/Base/nested/segments").glob("*.done"))
    assert segments == ["20161222_20170101.done", "20170101_20170117.done", "20170117_20170201.done"]
    glob = sorted(p.name for p in (workdir / "results/gc/geoschem/Base/global/segments").glob("*.done"))
    assert glob[0].startswith("20161201_20161222") and glob[-1].endswith("20170201.done")
    hemco = (workdir / "results/gc/geoschem/I_EX/nested/rundir/HEMCO_Config.rc").read_text()
    assert "results/gc/scenarios/I_EX/scale_factors.nc" in hemco and "--> GC_BCs                 :       true" in hemco
    with xr.open_dataset(workdir / "results/gc/pm25/Base/01.nc") as ds:
        assert ds.attrs["backend"] == "geoschem" and ds.sizes["lat"] == 155 and ds.sizes["lon"] == 219
    table = pd.read_parquet(workdir / "results/gc/exposure/provincial_pm25.parquet")
    national = table[(table.level == "national") & (table.component == "total")].set_index("scenario")
    assert 0 < national.at["I_EX", "pw_ugm3"] < national.at["Base", "pw_ugm3"]
