"""The workflow on the tiny world through a real (local, single-node) SLURM cluster and profiles/slurm."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pandas as pd
import pytest
from test_workflow import workflow_copy

pytestmark = [pytest.mark.slurm, pytest.mark.workflow]


@pytest.mark.skipif(os.geteuid() != 0, reason="the local SLURM cluster needs root (apt-get, daemons)")
def test_tiny_workflow_through_sbatch(tmp_path):
    from slurm_cluster import ClusterDownError, local_cluster

    workdir = tmp_path / "wf"
    workdir.mkdir()
    workflow_copy(workdir)
    with local_cluster() as (env, folder, cluster):
        command = [
            "timeout",
            "-s",
            "INT",
            "1500",
            sys.executable,
            "-m",
            "snakemake",
            "--profile",
            "profiles/slurm",
            "--configfile",
            "config/tiny.yaml",
            "--jobs",
            "4",
            "--latency-wait",
            "10",
            "--slurm-init-seconds-before-status-checks",
            "2",
        ]
        out, err = (tmp_path / "snakemake.out").open("w+"), (tmp_path / "snakemake.err").open("w+")
        with out, err, subprocess.Popen(command, cwd=workdir, env=env, stdout=out, stderr=err, text=True) as proc:
            try:
                while proc.poll() is None:  # a daemon that dies fails the test now, not at Snakemake's time limit
                    try:
                        proc.wait(timeout=5)
                    except subprocess.TimeoutExpired:
                        cluster.check()
            except ClusterDownError:
                proc.send_signal(signal.SIGINT)
                proc.wait(timeout=120)
                raise
        stdout = (tmp_path / "snakemake.out").read_text(errors="replace")
        stderr = (tmp_path / "snakemake.err").read_text(errors="replace")
        run = subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)
        log = (folder / "log/slurmctld.log").read_text(errors="replace")
    assert run.returncode == 0, (run.stdout[-3000:], run.stderr[-5000:])
    submitted = log.count("sched: Allocate JobId") + log.count("_slurm_rpc_submit_batch_job: JobId")
    assert submitted >= 30, f"only {submitted} jobs went through SLURM"
    table = pd.read_parquet(workdir / "results/tiny/exposure/provincial_pm25.parquet")
    assert (table["pw_ugm3"] >= 0).all()
