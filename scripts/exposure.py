"""Population-weighted PM2.5 (Eq. 14), the exposure distribution and people above thresholds (rule exposure)."""

import json
import logging

from exportpm.ctm import COMPONENTS
from exportpm.exposure import exposure_cdf, people_above, population_on_grid, provincial_table
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
    background = json.loads(open(smk.input.calibration, encoding="utf-8").read())["background_ugm3"]
    provinces, polygons = read_boundaries(smk.input.boundaries)
    pop_grid, people = read_population(smk.input.population)
    population = population_on_grid(people, pop_grid, grid, provinces, polygons)
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class"])
    table = provincial_table(annual["Base"], differences, background, population,
                             dict(zip(classes["iso3166_2"], classes["region_class"], strict=True)), COMPONENTS)
    meta = {"units": "ug/m3 (population-weighted, Eq. 14)", "comment": attrs.get("comment", "")}
    write_parquet_atomic(table, smk.output.provincial, meta)
    with_exports = annual["Base"].sum(axis=0) + background
    cases = {"with_exports": with_exports}
    if "I_EX" in differences:
        cases["without_exports"] = with_exports - differences["I_EX"].sum(axis=0)
    write_parquet_atomic(exposure_cdf(cases, population), smk.output.cdf, meta)
    write_parquet_atomic(people_above(cases, population, tuple(smk.params.thresholds)), smk.output.thresholds, meta)
    national = table[(table.level == "national") & (table.component == "total")].set_index("scenario")
    log.info("national population-weighted PM2.5: %s", national["pw_ugm3"].round(3).to_dict())


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
