"""The GEOS-Chem backend end to end through Snakemake, with the stand-in gcclassic and createRunDir.sh: chains,
one foreign group simulated and one apportioned from I_EX, environment modules, the planned core-hours."""

from __future__ import annotations

import json
import os
import subprocess
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
    exe.write_text(f'#!/usr/bin/env bash\nexec {sys.executable} {FIXTURES / "fake_gcclassic.py"} "$@"\n')
    exe.chmod(0o755)
    restart = tmp_path / "GEOSChem.Restart.fullchem.20190701_0000z.nc4"
    restart.write_bytes(b"initial conditions")
    (tmp_path / "ExtData").mkdir()
    modules = tmp_path / "modules"  # a stand-in 'module' command that records what it is asked to load
    modules.mkdir()
    (modules / "module").write_text(f'#!/usr/bin/env bash\necho "$@" >> {tmp_path / "module.log"}\n')
    (modules / "module").chmod(0o755)
    config = {
        "run": {"name": "gc"},
        "demo": {"size": "tiny", "seed": 2017},
        "scenarios": {"region_groups": ["USA", "Western Europe"]},
        "ctm": {
            "backend": "geoschem",
            "months": [1],
            "geoschem": {
                "executable": str(exe),
                "createrundir": str(FIXTURES / "fake_createRunDir.sh"),
                "data_root": str(tmp_path / "ExtData"),
                "initial_restart": {"global": str(restart)},
                "segments_per_month": 2,
                "nested_spinup_days": 10,
                "global_spinup_months": 1,
                "simulate_groups": ["USA"],
                "envmodules": ["gcc/12.2.0", "netcdf-fortran/4.6.0"],
                "slurm": {"cpus": 1, "mem_mb": 1000, "runtime_minutes": 10},
            },
        },
    }
    (workdir / "gc.yaml").write_text(json.dumps(config))
    gc = config["ctm"]["geoschem"]
    (workdir / "bad.yaml").write_text(
        json.dumps(
            {
                **config,
                "ctm": {
                    **config["ctm"],
                    "geoschem": {
                        **gc,
                        "executable": "/path/to/GCClassic/build/bin/gcclassic",
                        "data_root": str(tmp_path / "nowhere"),
                    },
                },
            }
        )
    )
    refused = snakemake(workdir, "--configfile", "bad.yaml", "-n")
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "ctm.geoschem.executable" in said and "placeholder" in said
    assert "ctm.geoschem.data_root" in said and "does not exist" in said
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            "--configfile",
            "gc.yaml",
            "--software-deployment-method",
            "env-modules",
        ],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "PATH": f"{modules}:{os.environ['PATH']}"},
    )
    assert run.returncode == 0, run.stderr[-4000:]
    assert "GEOS-Chem plan: 5 simulated scenarios" in run.stderr and "1 apportioned from I_EX" in run.stderr
    assert "load gcc/12.2.0 netcdf-fortran/4.6.0" in (tmp_path / "module.log").read_text()
    results = workdir / "results/gc"
    segments = sorted(p.name for p in (results / "geoschem/Base/nested/segments").glob("*.done"))
    assert segments == ["20161222_20170101.done", "20170101_20170117.done", "20170117_20170201.done"]
    glob = sorted(p.name for p in (results / "geoschem/Base/global/segments").glob("*.done"))
    assert glob[0].startswith("20161201_20161222") and glob[-1].endswith("20170201.done")
    hemco = (results / "geoschem/I_EX/nested/rundir/HEMCO_Config.rc").read_text()
    assert "results/gc/scenarios/I_EX/scale_factors.nc" in hemco and "--> GC_BCs                 :       true" in hemco
    assert (results / "geoschem/I_EXREGION_USA/nested/rundir.json").exists()
    assert not (results / "geoschem/I_EXREGION_Western_Europe").exists()  # apportioned, not simulated
    with xr.open_dataset(results / "pm25/Base/01.nc") as ds:
        assert ds.attrs["backend"] == "geoschem" and ds.sizes["lat"] == 155 and ds.sizes["lon"] == 219
        assert ds.attrs["pm25_other_mean_ugm3"] > 0
    with (
        xr.open_dataset(results / "pm25/I_EXREGION_Western_Europe/01.nc") as ds,
        xr.open_dataset(results / "pm25/Base/01.nc") as base,
        xr.open_dataset(results / "pm25/I_EX/01.nc") as iex,
    ):
        assert ds.attrs["method"].startswith("apportioned from I_EX") and 0 <= ds.attrs["share_SO4"] <= 1
        expected = base["SO4"] - ds.attrs["share_SO4"] * (base["SO4"] - iex["SO4"])
        assert float(abs(ds["SO4"] - expected).max()) < 1e-9
    table = pd.read_parquet(results / "exposure/provincial_pm25.parquet")
    national = table[(table.level == "national") & (table.component == "total")].set_index("scenario")
    assert 0 < national.at["I_EX", "pw_ugm3"] < national.at["Base", "pw_ugm3"]
    assert national.at["I_EXREGION_Western_Europe", "pw_ugm3"] <= national.at["Base", "pw_ugm3"]
