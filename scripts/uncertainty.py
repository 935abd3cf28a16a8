"""Uncertainty: GAINS interpolation sensitivity and the Monte Carlo of emissions and MRIO (rule uncertainty)."""

import logging

import matplotlib

matplotlib.use("Agg")
import pandas as pd

from exportpm.inventory.pipeline import emissions_frame, hybrid_from_inputs, read_inventory_inputs
from exportpm.io import write_parquet_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.store import read_intensities, read_linked_mrio
from exportpm.resources import resource
from exportpm.uncertainty import export_multipliers, interpolation_table, monte_carlo_table, provincial_intervals_figure

log = logging.getLogger("uncertainty")


def interpolation(smk, regions, sectors, x, flags) -> pd.DataFrame:
    inputs = read_inventory_inputs(
        regions,
        sectors,
        x,
        flags,
        smk.input.meic,
        smk.input.gains,
        smk.input.agri_nh3,
        smk.input.boundaries,
        smk.input.gains_sectors,
        smk.input.agnh3_categories,
        smk.params.study_year,
    )
    results = {
        m: emissions_frame(hybrid_from_inputs(inputs, smk.params.study_year, m), inputs.provinces, inputs.sectors)
        for m in smk.params.methods
    }
    return interpolation_table(results)


def main(smk) -> None:
    configure_logging(smk.log[0])
    table = read_linked_mrio(smk.input.mrio)
    index = table.index
    with timed(log, "GAINS interpolation variants"):
        sensitivity = interpolation(smk, table.regions, table.sectors, table.x, table.is_province)
    write_parquet_atomic(sensitivity, smk.output.interpolation, {"units": "t/yr"})
    species, F = read_intensities(smk.input.intensities)
    y = table.Y[:, index.fd_columns(foreign=True)].sum(1)
    with timed(log, "Leontief system, export output and multipliers by emitting province"):
        multipliers = export_multipliers(
            table.Z,
            table.x,
            y,
            F,
            index.province_rows,
            index.n_sectors,
            tuple(species),
            index.provinces,
            smk.params.sigma_z,
            smk.params.sigma_y,
        )
    result = monte_carlo_table(
        multipliers, pd.read_parquet(smk.input.exposure), smk.params.emission_95, smk.params.samples, smk.params.seed
    )
    write_parquet_atomic(
        result,
        smk.output.monte_carlo,
        {"samples": str(smk.params.samples), "method": "lognormal emissions x first-order MRIO"},
    )
    provinces = resource("provinces31")
    names = dict(zip(provinces["iso3166_2"], provinces["name_en"], strict=True))
    provincial_intervals_figure(result, smk.params.samples, smk.params.provenance, names).savefig(
        smk.output.figure, dpi=150
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
