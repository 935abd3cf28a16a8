"""What every benchmark prints first: the machine, the Python and the BLAS that numpy uses."""

from __future__ import annotations

import os
import platform

import numpy as np  # noqa: F401  (loads the BLAS so threadpoolctl can see it)
from threadpoolctl import threadpool_info


def machine_description() -> str:
    """One line describing this machine: CPU, core count, Python version and numpy's BLAS libraries.

    Lists every BLAS that threadpoolctl finds (API, version, architecture, threads) and the
    ``OPENBLAS_CORETYPE`` / ``OPENBLAS_L2_SIZE`` environment variables when they are set.
    """
    blas = (
        ", ".join(
            f"{i['internal_api']} {i['version']} {i.get('architecture', '')} ({i['num_threads']} threads)"
            for i in threadpool_info()
        )
        or "none found"
    )
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return (
        f"machine: {platform.machine()} {platform.processor()}, {os.cpu_count()} cores; "
        f"{platform.python_implementation()} {platform.python_version()}; BLAS: {blas}"
        + (f"; environment {env}" if env else "")
    )
