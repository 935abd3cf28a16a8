"""Time and peak memory of writing each part of the demo world (tiny and full sizes).

Run: .venv/bin/python benchmarks/demo_world.py [--size full]
Prints one row per part: wall seconds, peak resident memory of the process so far (MB), files and MB written.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

from exportpm.benchmarking import machine_description
from exportpm.demo.world import PARTS, write_part


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=["tiny", "full"], default="full")
    args = parser.parse_args()
    print(machine_description())
    print(f"demo world size: {args.size}")
    print(f"{'part':<12}{'seconds':>10}{'peak MB':>10}{'files':>8}{'MB written':>12}")
    with tempfile.TemporaryDirectory() as folder:
        for part in PARTS:
            start = time.perf_counter()
            files = write_part(part, args.size, folder)
            seconds = time.perf_counter() - start
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
            written = sum(Path(f).stat().st_size for f in files) / 2**20
            print(f"{part:<12}{seconds:>10.2f}{peak:>10.0f}{len(files):>8}{written:>12.1f}")


if __name__ == "__main__":
    main()
