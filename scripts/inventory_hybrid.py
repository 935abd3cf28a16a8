"""The hybrid provincial emission inventory and intensities (rule inventory_hybrid; Eq. 3, Eq. 9)."""

import logging

import numpy as np

from exportpm.inventory import INVENTORY_SPECIES
from exportpm.inventory.hybrid import intensities
from exportpm.inventory.pipeline import check_frame, emissions_frame, hybrid_from_inputs, read_inventory_inputs
from exportpm.io import write_csv_atomic, write_parquet_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.index import LinkedIndex
from exportpm.mrio.store import read_output, write_intensities

log = logging.getLogger("inventory_hybrid")


def main(smk) -> None:
    configure_logging(smk.log[0])
    regions, sectors, x, is_province = read_output(smk.input.mrio)
    with timed(log, "reading MEIC, GAINS and the agricultural NH3 inventory"):
        inputs = read_inventory_inputs(
            regions,
            sectors,
            x,
            is_province,
            smk.input.meic,
            smk.input.gains,
            smk.input.agri_nh3,
            smk.input.boundaries,
            smk.input.gains_sectors,
            smk.input.agnh3_categories,
            smk.params.study_year,
        )
    inventory = hybrid_from_inputs(inputs, smk.params.study_year, smk.params.interpolation)
    meta = {
        "units": "t/yr",
        "provenance": smk.params.provenance,
        "method": f"MEIC x GAINS (Eq. 3), GAINS {smk.params.interpolation} interpolation to {smk.params.study_year}",
    }
    write_parquet_atomic(emissions_frame(inventory, inputs.provinces, inputs.sectors), smk.output.emissions, meta)
    write_csv_atomic(
        inventory.excluded_by_gains,
        smk.output.exclusions,
        ["Emissions excluded from the inventory (private vehicles, residential), t/yr."],
    )
    write_csv_atomic(
        check_frame(inventory, inputs.provinces),
        smk.output.check,
        ["Inventory + exclusions = MEIC per province, MEIC sector and species (relative gap)."],
    )
    F_provinces = intensities(inventory.emissions, inputs.output)  # [q, p, g]
    F = np.zeros((len(INVENTORY_SPECIES), x.size))
    F[:, LinkedIndex(regions, sectors, is_province, ()).province_rows] = F_provinces.reshape(len(INVENTORY_SPECIES), -1)
    write_intensities(
        F,
        INVENTORY_SPECIES,
        regions,
        sectors,
        smk.output.intensities,
        {**meta, "units": "t per US$ million of output (Eq. 9)"},
    )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
