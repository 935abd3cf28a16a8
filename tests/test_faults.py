"""Faults: SIGKILL of a job, or of Snakemake with its jobs, at several points of the tiny run; the resumed run
(``--rerun-incomplete``, after ``--unlock`` when Snakemake itself was killed) gives the uninterrupted run's
bytes and leaves no temporary file behind.

A SIGKILL skips every ``finally``: a job killed inside :func:`exportpm.io.atomic.atomic_output` leaves its
hidden temporary, which the next run of the rule removes (the temporary names its writer's host and process).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml
from conftest import REPO
from test_workflow import snakemake, workflow_copy

from exportpm.io.atomic import TMP_MARK, atomic_output, temporary_writer

pytestmark = pytest.mark.workflow
RUN = yaml.safe_load((REPO / "config/tiny.yaml").read_text(encoding="utf-8"))["run"]["name"]


def products(workdir: Path) -> dict[str, bytes]:
    """Every file under results/<run>/ (the demo world included) except the per-rule benchmark records."""
    root = workdir / "results" / RUN
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.relative_to(root).parts[0] != "benchmarks"
    }


def temporaries(workdir: Path) -> list[Path]:
    return [p for p in workdir.rglob(f"*{TMP_MARK}*") if ".snakemake" not in p.parts]


def finished_jobs(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count("Finished jobid") if log.exists() else 0


def job_processes(snakemake_pid: int) -> list[psutil.Process]:
    """Running job processes (the rules' scripts) under Snakemake."""
    try:
        children = psutil.Process(snakemake_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    out = []
    for child in children:
        try:
            if any("scripts" in part or "snakemake/scripts" in part for part in child.cmdline()[1:2]):
                out.append(child)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return out


def partial_writers(workdir: Path) -> list[int]:
    """Processes inside atomic_output right now (their pid is in the temporary's name)."""
    writers = (temporary_writer(tmp) for tmp in (workdir / "results").rglob(f".*{TMP_MARK}*"))
    return [writer[1] for writer in writers if writer is not None]


def interrupted_run(workdir: Path, what: str, after_jobs: int, timeout: float = 900) -> str:
    """Start the tiny run; once ``after_jobs`` jobs have finished, SIGKILL a job (preferably one inside
    atomic_output) or Snakemake's whole process group. Returns what was killed."""
    log = workdir / "interrupted.log"
    with open(log, "w", encoding="utf-8") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", "config/tiny.yaml"],
            cwd=workdir,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline, killed = time.monotonic() + timeout, ""
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if finished_jobs(log) >= after_jobs:
                writers = partial_writers(workdir)
                jobs = job_processes(process.pid)
                if what == "snakemake" and (writers or jobs):
                    os.killpg(process.pid, signal.SIGKILL)
                    killed = f"snakemake and its jobs ({len(writers)} inside atomic_output)"
                    break
                if what == "job" and (writers or jobs):
                    pid = writers[0] if writers else jobs[0].pid
                    os.kill(pid, signal.SIGKILL)
                    killed = f"job process {pid} ({'inside atomic_output' if writers else 'running'})"
                    break
            time.sleep(0.02)
        process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert killed, f"the run ended before the kill point ({after_jobs} jobs): {log.read_text()[-2000:]}"
    assert process.returncode != 0, "a killed run must not report success"
    return killed


@pytest.mark.parametrize(("what", "after_jobs"), [("job", 3), ("snakemake", 15), ("job", 25)])
def test_resume_after_sigkill_gives_the_uninterrupted_bytes(tiny_demo_run, tmp_path, what, after_jobs):
    workdir = workflow_copy(tmp_path)
    killed = interrupted_run(workdir, what, after_jobs)
    if what == "snakemake":  # a killed Snakemake leaves its directory lock: the documented first step
        unlock = snakemake(workdir, "--configfile", "config/tiny.yaml", "--unlock")
        assert unlock.returncode == 0, unlock.stderr[-2000:]
    resumed = snakemake(workdir, "--configfile", "config/tiny.yaml", "--rerun-incomplete", timeout=1500)
    assert resumed.returncode == 0, f"after killing {killed}: {resumed.stderr[-4000:]}"
    expected, got = products(tiny_demo_run), products(workdir)
    assert sorted(got) == sorted(expected), f"after killing {killed}"
    differ = sorted(name for name in expected if expected[name] != got[name])
    assert not differ, f"after killing {killed}, these products differ from the uninterrupted run: {differ}"
    assert not temporaries(workdir), f"after killing {killed}: temporaries left {temporaries(workdir)}"
    again = snakemake(workdir, "--configfile", "config/tiny.yaml", "-n")
    assert "Nothing to be done" in again.stdout + again.stderr


def test_temporary_of_a_killed_writer_is_removed_by_the_next_write(tmp_path):
    """A process SIGKILLed inside atomic_output leaves its temporary; the next atomic_output of the same
    target removes it (and leaves a live writer's temporary alone)."""
    target = tmp_path / "out" / "product.nc"
    code = (
        "import os, signal, sys\nfrom exportpm.io.atomic import atomic_output\n"
        f"with atomic_output({str(target)!r}) as tmp:\n    tmp.write_bytes(b'half')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    child = subprocess.run([sys.executable, "-c", code], env={**os.environ, "PYTHONPATH": str(REPO / "src")})
    assert child.returncode == -signal.SIGKILL
    left = list(target.parent.glob(f".product.nc{TMP_MARK}*"))
    assert len(left) == 1 and left[0].read_bytes() == b"half" and not target.exists()
    with atomic_output(target) as tmp:
        assert list(target.parent.glob(f".product.nc{TMP_MARK}*")) == [tmp]  # the stale one is gone
        tmp.write_bytes(b"whole")
    assert target.read_bytes() == b"whole"
    assert sorted(p.name for p in target.parent.iterdir()) == ["product.nc"]
