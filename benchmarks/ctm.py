"""The surrogate CTM for one month on the full nested grid: one scenario alone, and every scenario with the
month's operators factorised once (rule ctm_month).

Run after `make demo`:  .venv/bin/python benchmarks/ctm.py [--run demo] [--month 1] [--repeat 3]
Prints the grid size and the median / minimum time of both, and the time per scenario.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from exportpm.benchmarking import machine_description
from exportpm.ctm import NESTED_ASIA
from exportpm.ctm.met import default_met
from exportpm.ctm.run import surrogate_sources
from exportpm.ctm.surrogate import SurrogateParameters, run_month_scenarios
from exportpm.scenarios import read_scenario_month


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run", default="demo")
    parser.add_argument("--month", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path("results") / args.run
    calibration = json.loads((folder / "ctm/calibration.json").read_text(encoding="utf-8"))
    params = SurrogateParameters(mixing_height_scale=calibration["mixing_height_scale"])
    sources = {}
    for path in sorted((folder / "scenarios").glob("*/emissions.nc")):
        grid, emissions = read_scenario_month(path, args.month)
        sources[path.parent.name] = surrogate_sources(emissions, grid, args.month, 2017)
    met = default_met(NESTED_ASIA, args.month)
    print(machine_description())
    print(
        f"grid {NESTED_ASIA.nlon} x {NESTED_ASIA.nlat} = {NESTED_ASIA.nlon * NESTED_ASIA.nlat} cells "
        f"(0.3125 x 0.25 degree); month {args.month}; {len(sources)} scenarios"
    )
    print(f"{'case':<28}{'runs':>6}{'median s':>10}{'min s':>10}{'s/scenario':>12}")
    for label, cases in (("Base alone", {"Base": sources["Base"]}), ("every scenario, one job", sources)):
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run_month_scenarios(NESTED_ASIA, met, cases, args.month, params)
            timings.append(time.perf_counter() - start)
        median = statistics.median(timings)
        print(f"{label:<28}{args.repeat:>6}{median:>10.2f}{min(timings):>10.2f}{median / len(cases):>12.2f}")


if __name__ == "__main__":
    main()
