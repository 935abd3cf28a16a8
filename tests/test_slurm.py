"""The workflow on the tiny world through a real (local, single-node) SLURM cluster and profiles/slurm."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from test_workflow import workflow_copy

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]


@pytest.mark.skipif(os.geteuid() != 0, reason="the local SLURM cluster needs root (apt-get, daemons)")
def test_tiny_workflow_through_sbatch(tmp_path):
    from slurm_cluster import local_cluster

    workdir = tmp_path / "wf"
    workdir.mkdir()
    workflow_copy(workdir)
    with local_cluster() as (env, cluster):
        run = subprocess.run(
            ["timeout", "-s", "INT", "1500", sys.executable, "-m", "snakemake", "--profile", "profiles/slurm",
             "--configfile", "config/tiny.yaml", "--jobs", "4", "--latency-wait", "10",
             "--slurm-init-seconds-before-status-checks", "2"],
            cwd=workdir, env=env, capture_output=True, text=True, timeout=1600)
        log = (cluster / "log/slurmctld.log").read_text(errors="replace")
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-5000:])
    submitted = log.count("sched: Allocate JobId") + log.count("_slurm_rpc_submit_batch_job: JobId")
    assert submitted >= 30, f"only {submitted} jobs went through SLURM"
    table = pd.read_parquet(workdir / "results/tiny/exposure/provincial_pm25.parquet")
    assert (table["pw_ugm3"] >= 0).all()
