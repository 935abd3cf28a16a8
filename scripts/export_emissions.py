"""Export-related emissions by province, consumer and channel (paper Eq. 8-13; rule export_emissions)."""

import logging

import pandas as pd

from exportpm.footprint.exports import ExportInputs, export_emissions, to_frames
from exportpm.footprint.fractions import scenario_fractions
from exportpm.io import write_parquet_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.store import read_intensities, read_linked_mrio
from exportpm.resources import read_table

log = logging.getLogger("export_emissions")


def main(smk) -> None:
    configure_logging(smk.log[0])
    with timed(log, f"reading {smk.input.mrio}"):
        table = read_linked_mrio(smk.input.mrio)
    species, F = read_intensities(smk.input.intensities)
    groups = read_table(smk.input.foreign_groups, required=["gtap_code", "group"])
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class"])
    east = tuple(classes.loc[classes["region_class"] == smk.params.east_coast_class, "iso3166_2"])
    consumer_groups = dict(zip(groups["gtap_code"], groups["group"], strict=True))
    inputs = ExportInputs(
        table.regions,
        table.sectors,
        table.is_province,
        table.Z,
        table.Y,
        table.x,
        table.categories,
        F,
        species,
        consumer_groups,
        east,
    )
    del table  # the factorisation reuses Z's memory
    result = export_emissions(inputs)
    result.blocks.write(smk.output.leontief_blocks, {"provenance": smk.params.provenance})
    result.blocks = None
    frames = to_frames(result, species, inputs.categories, inputs.sectors, consumer_groups, smk.params.ape)
    meta = {"units": "t/yr; ape = pollution equivalents (Eq. 13)", "provenance": smk.params.provenance}
    write_parquet_atomic(frames["by_consumer"], smk.output.by_consumer, meta)
    write_parquet_atomic(frames["by_sector"], smk.output.by_sector, meta)
    write_parquet_atomic(frames["by_emitter"], smk.output.by_emitter, meta)
    write_parquet_atomic(frames["by_category"], smk.output.by_category, meta)
    write_parquet_atomic(frames["export_volume"], smk.output.export_volume, {"units": "US$ million", **meta})
    inventory = pd.read_parquet(smk.input.emissions)
    check = pd.read_csv(smk.input.inventory_check, comment="#")
    fractions = scenario_fractions(inventory, check, frames["by_emitter"], frames["emissions"])
    write_parquet_atomic(fractions, smk.output.fractions, meta)


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
