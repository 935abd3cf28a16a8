"""Logging set-up shared by the rule scripts: one log file per rule, timings of long steps."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(log_path: str | Path | None = None, level: int = logging.INFO) -> None:
    """Send log records to ``log_path`` (created with its folder) and to stderr."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=level, format=FORMAT, handlers=handlers, force=True)


@contextmanager
def timed(logger: logging.Logger, what: str) -> Iterator[None]:
    """Log how long the enclosed block took."""
    start = time.perf_counter()
    logger.info("%s ...", what)
    yield
    logger.info("%s done in %.2f s", what, time.perf_counter() - start)
