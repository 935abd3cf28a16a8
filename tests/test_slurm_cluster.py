"""The local SLURM cluster helper fails fast: free ports, and a dead daemon is reported at once with its log."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest
from slurm_cluster import Cluster, ClusterDownError, free_port, write_config


def test_free_port_is_bindable_and_written_to_the_config(tmp_path, monkeypatch):
    port = free_port()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))
    monkeypatch.setattr("shutil.chown", lambda *args, **kwargs: None)  # no slurm user needed to write the file
    text = write_config(tmp_path, ports=(port, port + 1)).read_text()
    assert f"SlurmctldPort={port}\n" in text and f"SlurmdPort={port + 1}\n" in text


def test_a_dead_daemon_fails_in_seconds_with_its_log_tail(tmp_path):
    (tmp_path / "log").mkdir()
    (tmp_path / "log/slurmctld.log").write_text("error: Address already in use: bind(6817)\n")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / "slurmctld.pid").write_text(f"{gone.pid}\n")
    (tmp_path / "slurmd.pid").write_text(f"{gone.pid}\n")
    cluster = Cluster(tmp_path, tmp_path / "slurm.conf", {})
    start = time.monotonic()
    with pytest.raises(ClusterDownError, match="Address already in use"):
        cluster.wait_idle(600)
    with pytest.raises(ClusterDownError, match="not running: slurmctld, slurmd"):
        cluster.check()
    assert time.monotonic() - start < 10
