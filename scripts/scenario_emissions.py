"""Scale factors and emissions of one zero-out scenario (rule scenario_emissions; paper Table 1)."""

import logging

import pandas as pd

from exportpm.inventory.pipeline import meic_file_map
from exportpm.io import write_csv_atomic
from exportpm.io.boundaries import read_boundaries
from exportpm.logs import configure_logging
from exportpm.scenarios import build_scenario, write_scale_factors, write_scenario_emissions

log = logging.getLogger("scenario_emissions")


def main(smk) -> None:
    configure_logging(smk.log[0])
    fractions = pd.read_parquet(smk.input.fractions)
    by_emitter = pd.read_parquet(smk.input.by_emitter)
    codes, _ = read_boundaries(smk.input.boundaries)
    present = set(fractions["province"].astype(str))
    provinces, polygons = read_boundaries(smk.input.boundaries, tuple(c for c in codes if c in present))
    grid, factors, emissions, check = build_scenario(
        fractions, by_emitter, smk.params.driver, provinces, polygons,
        meic_file_map(smk.input.meic, smk.params.year), smk.params.months)
    worst = float(check["relative_gap"].max())
    log.info("%s: Base - scenario per province vs footprint, worst relative gap %.2e", smk.wildcards.scenario, worst)
    if worst > 1e-9:
        raise ValueError(f"scenario {smk.wildcards.scenario}: removed emissions differ from the footprint "
                         f"({worst:.3g})")
    attrs = {"scenario": smk.wildcards.scenario, "driver": str(smk.params.driver), "comment": smk.params.provenance}
    write_scale_factors(smk.output.scale_factors, grid, factors, smk.params.year, attrs)
    write_scenario_emissions(smk.output.emissions, grid, smk.params.months, emissions, attrs)
    write_csv_atomic(check, smk.output.check, [f"Scenario {smk.wildcards.scenario}: removed emissions per province "
                                               "(t/yr) against the footprint tables."])


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
