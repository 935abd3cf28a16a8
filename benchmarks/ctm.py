"""The surrogate CTM for one scenario-month on the full nested grid (target: <= 5 s on 2 cores).

Run after `make demo`:  .venv/bin/python benchmarks/ctm.py [--scenario Base] [--month 1] [--repeat 3]
Prints the grid size, the time of each stage (operator assembly + solves + thermodynamics) and the total.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from exportpm.benchmarking import machine_description
from exportpm.ctm import NESTED_ASIA
from exportpm.ctm.met import default_met
from exportpm.ctm.run import surrogate_sources
from exportpm.ctm.surrogate import SurrogateParameters, run_month
from exportpm.scenarios import read_scenario_emissions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scenario", default="Base")
    parser.add_argument("--month", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    grid, months, emissions = read_scenario_emissions(f"results/demo/scenarios/{args.scenario}/emissions.nc")
    calibration = json.loads(open("results/demo/ctm/calibration.json", encoding="utf-8").read())
    params = SurrogateParameters(mixing_height_scale=calibration["mixing_height_scale"])
    print(machine_description())
    print(f"grid {NESTED_ASIA.nlon} x {NESTED_ASIA.nlat} = {NESTED_ASIA.nlon * NESTED_ASIA.nlat} cells "
          f"(0.3125 x 0.25 degree); scenario {args.scenario}, month {args.month}")
    timings = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        met = default_met(NESTED_ASIA, args.month)
        sources = surrogate_sources(emissions[months.index(args.month)], grid, args.month, 2017)
        run_month(NESTED_ASIA, met, sources, args.month, params)
        timings.append(time.perf_counter() - start)
    print(f"{'runs':<8}{'median s':>10}{'min s':>10}{'target s':>10}")
    print(f"{args.repeat:<8}{statistics.median(timings):>10.2f}{min(timings):>10.2f}{5.0:>10.1f}")


if __name__ == "__main__":
    main()
