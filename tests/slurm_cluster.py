"""A single-node SLURM cluster on localhost for the workflow test (Debian's slurm-wlm and munge).

Installs the packages when missing (root only), writes its own slurm.conf (no accounting database,
EnforcePartLimits=ALL so an oversized job fails instead of pending forever), starts munged, slurmctld and
slurmd on free ports (another cluster on the machine may hold 6817/6818), makes the config reachable at
/etc/slurm/slurm.conf (the executor's job-step helper drops SLURM_* variables), waits with a bound until the
node is idle and checks that the daemons it started are alive and answering (``Cluster.check``: a dead or
silent daemon fails in seconds with its log tail instead of leaving Snakemake polling squeue until its time
limit), and stops every daemon it started by its pid file afterwards.
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
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", *PACKAGES], check=True, env=env, timeout=900, capture_output=True
    )


def _memory_mb() -> int:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(int(line.split()[1]) / 1024 * 0.85)
    return 4000


def free_port() -> int:
    """A TCP port nobody listens on now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def write_config(folder: Path, ports: tuple[int, int] | None = None) -> Path:
    state = folder / "state"
    for sub in ("state", "spool", "log"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    shutil.chown(state, "slurm", "slurm")
    host = socket.gethostname().split(".")[0]
    ctld_port, slurmd_port = ports or (free_port(), free_port())
    conf = folder / "slurm.conf"
    conf.write_text(
        "\n".join(
            [
                "ClusterName=exportpm-ci",
                "SlurmctldHost=localhost",
                "SlurmUser=slurm",
                "AuthType=auth/munge",
                "MpiDefault=none",
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "ReturnToService=2",
                "SchedulerType=sched/backfill",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_Core_Memory",
                "AccountingStorageType=accounting_storage/none",
                "JobAcctGatherType=jobacct_gather/none",
                "JobCompType=jobcomp/none",
                "MinJobAge=600",
                "EnforcePartLimits=ALL",
                f"SlurmctldPort={ctld_port}",
                f"SlurmdPort={slurmd_port}",
                f"SlurmctldPidFile={folder}/slurmctld.pid",
                f"SlurmdPidFile={folder}/slurmd.pid",
                f"StateSaveLocation={state}",
                f"SlurmdSpoolDir={folder}/spool",
                f"SlurmctldLogFile={folder}/log/slurmctld.log",
                f"SlurmdLogFile={folder}/log/slurmd.log",
                f"NodeName={host} NodeAddr=127.0.0.1 CPUs={os.cpu_count()} RealMemory={_memory_mb()} State=UNKNOWN",
                "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
                "",
            ]
        )
    )
    return conf


def _pid(pid_file: Path) -> int | None:
    try:
        return int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(pid_file: Path) -> None:
    pid = _pid(pid_file)
    if _alive(pid):
        os.kill(pid, signal.SIGTERM)


class ClusterDownError(RuntimeError):
    """A daemon of the local cluster died or does not answer (the message carries the daemons' log tails)."""


class Cluster:
    """The daemons this test started: pid files, logs, and the environment that reaches them."""

    def __init__(self, folder: Path, conf: Path, env: dict[str, str]):
        self.folder, self.conf, self.env = folder, conf, env
        self.pid_files = {"slurmctld": folder / "slurmctld.pid", "slurmd": folder / "slurmd.pid"}

    def log_tail(self, chars: int = 2000) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-chars:]}"
            for p in sorted((self.folder / "log").glob("*.log"))
        )

    def check(self) -> None:
        """Raise ClusterDownError unless slurmctld and slurmd are alive and slurmctld answers a ping."""
        dead = [name for name, pid_file in self.pid_files.items() if not _alive(_pid(pid_file))]
        if dead:
            raise ClusterDownError(f"SLURM daemon(s) not running: {', '.join(dead)}\n{self.log_tail()}")
        try:
            ping = subprocess.run(["scontrol", "ping"], capture_output=True, text=True, timeout=10, env=self.env)
        except subprocess.TimeoutExpired:
            raise ClusterDownError(f"slurmctld does not answer (scontrol ping timed out)\n{self.log_tail()}") from None
        if "UP" not in ping.stdout:
            raise ClusterDownError(
                f"slurmctld does not answer: {ping.stdout.strip()} {ping.stderr.strip()}\n{self.log_tail()}"
            )

    def wait_idle(self, seconds: float) -> None:
        """Until the node is idle; fails at once if a daemon dies, else after ``seconds``."""
        deadline = time.monotonic() + seconds
        state = "no answer"
        while time.monotonic() < deadline:
            for name, pid_file in self.pid_files.items():
                if pid_file.exists() and not _alive(_pid(pid_file)):
                    raise ClusterDownError(f"{name} exited during start-up\n{self.log_tail()}")
            try:
                state = subprocess.run(
                    ["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=5, env=self.env
                ).stdout.strip()
            except subprocess.TimeoutExpired:
                state = "no answer"
            if state == "idle":
                self.check()
                return
            time.sleep(0.5)
        raise ClusterDownError(f"SLURM node not idle after {seconds} s ({state})\n{self.log_tail()}")


def _munge_answers() -> bool:
    try:
        token = subprocess.run(["munge", "-n"], capture_output=True, timeout=10)
        check = subprocess.run(["unmunge"], input=token.stdout, capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return token.returncode == 0 and check.returncode == 0


@contextmanager
def local_cluster(ready_seconds: float = 60.0):
    """Yield (environment, state folder, Cluster) for commands that talk to the cluster; tear down afterwards.

    The state folder is a fresh world-traversable temporary folder: the daemons run as user slurm. munged is
    shared with anything else on the machine: reused when it answers, (re)started when its pid is stale, and
    stopped afterwards only if this test started it.
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
    cluster = Cluster(folder, conf, env)
    started_munge = False
    try:
        if not _munge_answers():
            if munge_pid.exists() and not _alive(_pid(munge_pid)):
                munge_pid.unlink()  # stale pid file of a munged that is gone
            subprocess.run(
                ["runuser", "-u", "munge", "--", "/usr/sbin/munged", "--force"],
                check=True,
                timeout=30,
                capture_output=True,
            )
            started_munge = True
            if not _munge_answers():
                raise ClusterDownError("munged started but does not answer (munge -n | unmunge fails)")
        for daemon in ("slurmctld", "slurmd"):
            run = subprocess.run(
                [f"/usr/sbin/{daemon}", "-f", str(conf)], timeout=30, env=env, capture_output=True, text=True
            )
            if run.returncode != 0:
                raise ClusterDownError(
                    f"{daemon} failed to start ({run.returncode}): {run.stderr[-1000:]}\n{cluster.log_tail()}"
                )
        cluster.wait_idle(ready_seconds)
        yield env, folder, cluster
    finally:
        _stop(folder / "slurmd.pid")
        _stop(folder / "slurmctld.pid")
        if started_munge:
            _stop(munge_pid)
        etc.unlink(missing_ok=True)
        if backup.exists():
            shutil.move(str(backup), etc)
        time.sleep(1)
        shutil.rmtree(folder, ignore_errors=True)
