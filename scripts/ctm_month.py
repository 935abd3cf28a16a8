"""Every scenario of one month with the surrogate CTM (rule ctm_month, backend surrogate): the month's
scenario-independent operators are factorised once and each scenario is a right-hand side."""

import json
import logging

from exportpm.ctm import crop, interior
from exportpm.ctm.met import month_met
from exportpm.ctm.product import write_pm25
from exportpm.ctm.run import surrogate_sources
from exportpm.ctm.surrogate import SCREENING_NOTE, SurrogateParameters, run_month_scenarios
from exportpm.grid import LonLatGrid
from exportpm.logs import configure_logging
from exportpm.scenarios import read_scenario_month

log = logging.getLogger("ctm_month")


def main(smk) -> None:
    configure_logging(smk.log[0])
    ctm_grid = LonLatGrid(**smk.params.grid)
    month = int(smk.wildcards.month)
    calibration = json.loads(open(smk.input.calibration, encoding="utf-8").read())
    params = SurrogateParameters(mixing_height_scale=calibration["mixing_height_scale"])
    met = month_met(ctm_grid, month, smk.params.statemet)
    sources = {}
    for scenario, path in zip(smk.params.scenarios, smk.input.emissions, strict=True):
        grid, emissions = read_scenario_month(path, month)
        sources[scenario] = surrogate_sources(emissions, grid, month, smk.params.year, ctm_grid)
    results = run_month_scenarios(ctm_grid, met, sources, month, params)
    buffer = smk.params.buffer
    for scenario, path in zip(smk.params.scenarios, smk.output.pm25, strict=True):
        write_pm25(
            path,
            interior(ctm_grid, buffer),
            {k: crop(v, buffer) for k, v in results[scenario].items()},
            {
                "title": f"Surface PM2.5 components, scenario {scenario}, {smk.params.year}-{month:02d}",
                "backend": "surrogate",
                "comment": f"{SCREENING_NOTE}; {smk.params.provenance}",
                "meteorology": met.source,
                "mixing_height_scale": calibration["mixing_height_scale"],
            },
        )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
