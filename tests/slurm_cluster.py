"""A single-node SLURM cluster on localhost for the workflow test (Debian's slurm-wlm and munge).

Installs the packages when missing (root only), writes its own slurm.conf (no accounting database,
EnforcePartLimits=ALL so an oversized job fails instead of pending forever), starts munged, slurmctld and
slurmd, makes the config reachable at /etc/slurm/slurm.conf (the executor's job-step helper drops SLURM_*
variables), waits with a bound until the node is idle, and stops every daemon by its pid file afterwards.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

PACKAGES = ["slurm-wlm", "munge", "slurm-client"]


def ensure_installed() -> None:
    if all(shutil.which(tool) for tool in ("slurmctld", "slurmd", "munged", "sbatch", "squeue")):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600, capture_output=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env, timeout=900,
                   capture_output=True)


def _memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(int(line.split()[1]) / 1024 * 0.85)
    return 4000


def write_config(folder: Path) -> Path:
    state = folder / "state"
    for sub in ("state", "spool", "log"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    shutil.chown(state, "slurm", "slurm")
    host = socket.gethostname().split(".")[0]
    conf = folder / "slurm.conf"
    conf.write_text("\n".join([
        "ClusterName=exportpm-ci", "SlurmctldHost=localhost", "SlurmUser=slurm", "AuthType=auth/munge",
        "MpiDefault=none", "ProctrackType=proctrack/linuxproc", "TaskPlugin=task/none", "ReturnToService=2",
        "SchedulerType=sched/backfill", "SelectType=select/cons_tres", "SelectTypeParameters=CR_Core_Memory",
        "AccountingStorageType=accounting_storage/none", "JobAcctGatherType=jobacct_gather/none",
        "JobCompType=jobcomp/none", "MinJobAge=600", "EnforcePartLimits=ALL",
        f"SlurmctldPidFile={folder}/slurmctld.pid", f"SlurmdPidFile={folder}/slurmd.pid",
        f"StateSaveLocation={state}", f"SlurmdSpoolDir={folder}/spool",
        f"SlurmctldLogFile={folder}/log/slurmctld.log", f"SlurmdLogFile={folder}/log/slurmd.log",
        f"NodeName={host} NodeAddr=127.0.0.1 CPUs={os.cpu_count()} RealMemory={_memory_mb()} State=UNKNOWN",
        "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP", ""]))
    return conf


def _stop(pid_file: Path) -> None:
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass


@contextmanager
def local_cluster(ready_seconds: float = 60.0):
    """Yield (environment, state folder) for commands that talk to the cluster; tear everything down afterwards.

    The state folder is a fresh world-traversable temporary folder: the daemons run as user slurm.
    """
    ensure_installed()
    folder = Path(tempfile.mkdtemp(prefix="exportpm-slurm-"))
    folder.chmod(0o755)
    conf = write_config(folder)
    etc = Path("/etc/slurm/slurm.conf")
    backup = Path(tempfile.mkdtemp(prefix="exportpm-etc-slurm-")) / "slurm.conf.orig"
    etc.parent.mkdir(parents=True, exist_ok=True)
    if etc.exists() or etc.is_symlink():
        shutil.move(str(etc), backup)
    etc.symlink_to(conf)
    run_munge = Path("/run/munge")
    run_munge.mkdir(parents=True, exist_ok=True)
    shutil.chown(run_munge, "munge", "munge")
    munge_pid = Path("/run/munge/munged.pid")
    env = {**os.environ, "SLURM_CONF": str(conf)}
    try:
        if not munge_pid.exists():
            subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/munged"], check=True, timeout=30)
        subprocess.run(["/usr/sbin/slurmctld", "-f", str(conf)], check=True, timeout=30, env=env)
        subprocess.run(["/usr/sbin/slurmd", "-f", str(conf)], check=True, timeout=30, env=env)
        deadline = time.monotonic() + ready_seconds
        while time.monotonic() < deadline:
            try:
                state = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=5,
                                       env=env).stdout.strip()
            except subprocess.TimeoutExpired:
                state = "no answer"
            if state == "idle":
                break
            time.sleep(0.5)
        else:
            logs = "\n".join(p.read_text(errors="replace")[-1500:] for p in (folder / "log").glob("*.log"))
            raise RuntimeError(f"SLURM node not idle after {ready_seconds} s ({state}):\n{logs}")
        yield env, folder
    finally:
        _stop(folder / "slurmd.pid")
        _stop(folder / "slurmctld.pid")
        _stop(munge_pid)
        etc.unlink(missing_ok=True)
        if backup.exists():
            shutil.move(str(backup), etc)
        time.sleep(1)
        shutil.rmtree(folder, ignore_errors=True)
