"""Uncertainty, the parts that need only the MRIO and the inventory (rule uncertainty_mrio): the GAINS
interpolation variants and the export-related emissions with their first-order MRIO error per province.
They do not depend on the CTM, so this runs beside it; the Monte Carlo (rule uncertainty) then needs seconds."""

import logging

import pandas as pd

from exportpm.footprint.leontief import ProvinceRows
from exportpm.inventory.pipeline import emissions_frame, hybrid_from_inputs, read_inventory_inputs
from exportpm.io import write_parquet_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.store import read_intensities, read_linked_mrio
from exportpm.uncertainty import export_multipliers, interpolation_table, multipliers_frame

log = logging.getLogger("uncertainty_mrio")


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
    blocks = ProvinceRows.read(smk.input.leontief_blocks)  # the export engine's factorisation of I - A
    with timed(log, "export output and multipliers by emitting province (the export engine's factorisation)"):
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
            blocks,
        )
    write_parquet_atomic(
        multipliers_frame(multipliers),
        smk.output.multipliers,
        {"units": "t/yr", "method": "export-related emissions F L y_foreign, total F x, first-order MRIO sd"},
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
