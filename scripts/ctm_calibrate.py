"""Fit the surrogate's mixing-height scale to the monitoring stations (no normalised mean bias) or to a fixed
national population-weighted PM2.5 target (rule ctm_calibrate)."""

import json
import logging

import numpy as np
import pandas as pd

from exportpm.ctm import crop, interior
from exportpm.ctm.background import read_background
from exportpm.ctm.met import month_met
from exportpm.ctm.run import calibrate_mixing_height, calibrate_to_stations, month_pool, surrogate_sources
from exportpm.ctm.surrogate import SurrogateParameters
from exportpm.evaluation import evaluate
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
    buffer = smk.params.buffer
    product_grid = interior(ctm_grid, buffer)
    background = read_background(smk.input.background, product_grid)
    grid, months, emissions = read_scenario_emissions(smk.input.base_emissions)
    sources = {m: surrogate_sources(emissions[i], grid, m, smk.params.year, ctm_grid) for i, m in enumerate(months)}
    met = {m: month_met(ctm_grid, m, smk.params.statemet) for m in months}
    params = SurrogateParameters()
    if smk.params.objective == "stations":
        stations = pd.read_parquet(smk.input.station_means)  # rule station_means
        everywhere = np.ones((product_grid.nlat, product_grid.nlon))

        def station_statistics(fields):
            return evaluate(stations, fields, product_grid, everywhere, 0.0)[0].iloc[0].to_dict()

        with month_pool(min(smk.threads, len(months))) as pool:
            result = calibrate_to_stations(
                months, sources, met, params, background, station_statistics, ctm_grid, buffer, pool
            )
    else:
        provinces, polygons = read_boundaries(smk.input.boundaries)
        pop_grid, people = read_population(smk.input.population, smk.params.population_units, provinces)
        population = population_on_grid(people, pop_grid, ctm_grid, provinces, polygons)
        weight = crop(population.national.reshape(ctm_grid.nlat, ctm_grid.nlon), buffer).ravel()
        with month_pool(min(smk.threads, len(months))) as pool:
            result = calibrate_mixing_height(
                months, sources, met, params, background, weight, smk.params.target, ctm_grid, buffer, pool
            )
    result["met_source"] = sorted({m.source for m in met.values()})
    log.info("calibration: %s", result)
    with atomic_output(smk.output.calibration) as tmp:
        tmp.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
