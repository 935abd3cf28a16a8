"""Population-weighted PM2.5 (Eq. 14), the exposure distribution, people above thresholds (with the counts due
to exports, Base - I_EX, and to the East Coast's exports, Base - I_EXEAST) and regions' shares of export-related
PM2.5 (rule exposure)."""

import logging

from exportpm.ctm import COMPONENTS
from exportpm.ctm.background import read_background
from exportpm.exposure import (
    exposure_cases,
    exposure_cdf,
    population_on_grid,
    provincial_table,
    region_shares,
    threshold_population,
)
from exportpm.io import write_parquet_atomic
from exportpm.io.boundaries import read_boundaries
from exportpm.io.population import read_population
from exportpm.logs import configure_logging
from exportpm.pm25 import read_fields
from exportpm.resources import read_table

log = logging.getLogger("exposure")


def main(smk) -> None:
    configure_logging(smk.log[0])
    grid, annual, attrs = read_fields(smk.input.annual)
    _, differences, _ = read_fields(smk.input.export_related)
    background = read_background(smk.input.background, grid)
    provinces, polygons = read_boundaries(smk.input.boundaries)
    pop_grid, people = read_population(smk.input.population, smk.params.population_units, provinces)
    population = population_on_grid(people, pop_grid, grid, provinces, polygons)
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class", "inland"])
    class_of = dict(zip(classes["iso3166_2"], classes["region_class"], strict=True))
    inland = {c: str(v).strip().lower() == "true" for c, v in zip(classes["iso3166_2"], classes["inland"], strict=True)}
    table = provincial_table(annual["Base"], differences, background, population, class_of, COMPONENTS)
    meta = {"units": "ug/m3 (population-weighted, Eq. 14)", "comment": attrs.get("comment", "")}
    write_parquet_atomic(table, smk.output.provincial, meta)
    cases = exposure_cases(annual["Base"].sum(axis=0) + background, differences)
    write_parquet_atomic(exposure_cdf(cases, population), smk.output.cdf, meta)
    write_parquet_atomic(
        threshold_population(cases, population, tuple(smk.params.thresholds)),
        smk.output.thresholds,
        {**meta, "units": "persons; share of the national population"},
    )
    shares = region_shares(table, inland, class_of)
    write_parquet_atomic(shares, smk.output.region_shares, {**meta, "units": "share of export-related PM2.5"})
    national = table[(table.level == "national") & (table.component == "total")].set_index("scenario")
    log.info("national population-weighted PM2.5: %s", national["pw_ugm3"].round(3).to_dict())
    log.info(
        "inland share of export-related PM2.5 (I_EX): %s",
        shares[(shares.scenario == "I_EX") & (shares.region == "inland")].round(4).to_dict("records"),
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
