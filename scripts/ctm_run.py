"""One scenario-month with the surrogate CTM (rule ctm_run, backend surrogate)."""

import json
import logging

from exportpm.ctm import crop, interior
from exportpm.ctm.met import default_met, read_statemet
from exportpm.ctm.product import write_pm25
from exportpm.ctm.run import surrogate_sources
from exportpm.ctm.surrogate import SCREENING_NOTE, SurrogateParameters, run_month
from exportpm.grid import LonLatGrid
from exportpm.logs import configure_logging
from exportpm.scenarios import read_scenario_emissions

log = logging.getLogger("ctm_run")


def main(smk) -> None:
    configure_logging(smk.log[0])
    ctm_grid = LonLatGrid(**smk.params.grid)
    month = int(smk.wildcards.month)
    grid, months, emissions = read_scenario_emissions(smk.input.emissions)
    calibration = json.loads(open(smk.input.calibration, encoding="utf-8").read())
    params = SurrogateParameters(mixing_height_scale=calibration["mixing_height_scale"])
    met = read_statemet(smk.params.statemet[month], ctm_grid) if month in smk.params.statemet \
        else default_met(ctm_grid, month)
    sources = surrogate_sources(emissions[months.index(month)], grid, month, smk.params.year, ctm_grid)
    components = run_month(ctm_grid, met, sources, month, params)
    buffer = smk.params.buffer
    write_pm25(smk.output.pm25, interior(ctm_grid, buffer), {k: crop(v, buffer) for k, v in components.items()}, {
        "title": f"Surface PM2.5 components, scenario {smk.wildcards.scenario}, {smk.params.year}-{month:02d}",
        "backend": "surrogate", "comment": f"{SCREENING_NOTE}; {smk.params.provenance}",
        "meteorology": met.source, "mixing_height_scale": calibration["mixing_height_scale"],
        "background_ugm3": calibration["background_ugm3"]})


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
