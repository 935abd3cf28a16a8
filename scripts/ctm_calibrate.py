"""Fit the surrogate's mixing-height scale so the Base matches a national population-weighted PM2.5 target."""

import json
import logging

from exportpm.ctm.met import default_met, read_statemet
from exportpm.ctm.run import calibrate_mixing_height, surrogate_sources
from exportpm.ctm.surrogate import SurrogateParameters
from exportpm.exposure import population_on_grid
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output
from exportpm.io.boundaries import read_boundaries
from exportpm.io.population import read_population
from exportpm.logs import configure_logging
from exportpm.scenarios import read_scenario_emissions

log = logging.getLogger("ctm_calibrate")


def main(smk) -> None:
    configure_logging(smk.log[0])
    ctm_grid = LonLatGrid(**smk.params.grid)
    grid, months, emissions = read_scenario_emissions(smk.input.base_emissions)
    sources = {m: surrogate_sources(emissions[i], grid, m, smk.params.year, ctm_grid) for i, m in enumerate(months)}
    met = {m: read_statemet(smk.params.statemet[m], ctm_grid) if m in smk.params.statemet
           else default_met(ctm_grid, m) for m in months}
    provinces, polygons = read_boundaries(smk.input.boundaries)
    pop_grid, people = read_population(smk.input.population)
    population = population_on_grid(people, pop_grid, ctm_grid, provinces, polygons)
    result = calibrate_mixing_height(months, sources, met, SurrogateParameters(), smk.params.background,
                                     population.national, smk.params.target, ctm_grid)
    result["met_source"] = sorted({m.source for m in met.values()})
    with atomic_output(smk.output.calibration) as tmp:
        tmp.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
