"""Scale factors and emissions of every zero-out scenario (rule scenario_emissions; paper Table 1): MEIC and the
province weights are read once, each scenario is a few array products."""

import logging

import pandas as pd

from exportpm.inventory.pipeline import meic_file_map
from exportpm.io import write_csv_atomic
from exportpm.io.boundaries import read_boundaries
from exportpm.logs import configure_logging, timed
from exportpm.scenarios import build_scenario, scenario_inputs, write_scale_factors, write_scenario_emissions

log = logging.getLogger("scenario_emissions")


def main(smk) -> None:
    configure_logging(smk.log[0])
    fractions = pd.read_parquet(smk.input.fractions)
    by_emitter = pd.read_parquet(smk.input.by_emitter)
    codes, _ = read_boundaries(smk.input.boundaries)
    present = set(fractions["province"].astype(str))
    provinces, polygons = read_boundaries(smk.input.boundaries, tuple(c for c in codes if c in present))
    with timed(log, "MEIC and province weights"):
        inputs = scenario_inputs(provinces, polygons, meic_file_map(smk.input.meic, smk.params.year))
    outputs = zip(smk.params.scenarios, smk.output.scale_factors, smk.output.emissions, smk.output.check, strict=True)
    for scenario, sf_path, emissions_path, check_path in outputs:
        driver = smk.params.drivers[scenario]
        factors, emissions, check = build_scenario(inputs, fractions, by_emitter, driver, smk.params.months)
        worst = float(check["relative_gap"].max())
        log.info("%s: Base - scenario per province vs footprint, worst relative gap %.2e", scenario, worst)
        if worst > 1e-9:
            raise ValueError(f"scenario {scenario}: removed emissions differ from the footprint ({worst:.3g})")
        attrs = {"scenario": scenario, "driver": str(driver), "comment": smk.params.provenance}
        write_scale_factors(sf_path, inputs.grid, factors, smk.params.year, attrs)
        write_scenario_emissions(emissions_path, inputs.grid, smk.params.months, emissions, attrs)
        write_csv_atomic(
            check,
            check_path,
            [f"Scenario {scenario}: removed emissions per province (t/yr) against the footprint tables."],
        )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
