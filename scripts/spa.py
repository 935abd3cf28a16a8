"""Structural path analysis (paper Eq. 15-17; rule spa)."""

import logging

import pandas as pd

from exportpm.footprint.leontief import ProvinceRows, technical_coefficients
from exportpm.io import write_parquet_atomic
from exportpm.logs import configure_logging, timed
from exportpm.mrio.store import read_intensities, read_linked_mrio
from exportpm.resources import read_table
from exportpm.spa import SpaInputs, disparities, layer_summary, spa_tables

log = logging.getLogger("spa")


def main(smk) -> None:
    configure_logging(smk.log[0])
    table = read_linked_mrio(smk.input.mrio)
    species, F = read_intensities(smk.input.intensities)
    groups = read_table(smk.input.foreign_groups, required=["gtap_code", "group"])
    A = technical_coefficients(table.Z, table.x, out=table.Z)  # Eq. 6, in Z's memory
    inputs = SpaInputs(
        table.regions,
        table.sectors,
        table.is_province,
        A,
        table.Y,
        table.categories,
        F,
        species,
        smk.params.ape,
        dict(zip(groups["gtap_code"], groups["group"], strict=True)),
    )
    del table, A
    blocks = ProvinceRows.read(smk.input.leontief_blocks)  # the export engine's factorisation of I - A
    with timed(log, "layers, mapping flows and top paths"):
        tables = spa_tables(
            inputs,
            depth=smk.params.depth,
            n_paths=smk.params.top_paths,
            max_path_depth=smk.params.max_path_depth,
            blocks=blocks,
        )
    del blocks
    meta = {"units": "APE = pollution equivalents (Eq. 13); species rows in t", "provenance": smk.params.provenance}
    for name in ("layers", "flows", "layer_nodes", "flows_three_index", "top_paths"):
        write_parquet_atomic(tables[name], smk.output[name], meta)
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class", "inland"])
    east = set(classes.loc[classes["region_class"] == smk.params.east_coast_class, "iso3166_2"])
    inland = set(classes.loc[classes["inland"] == "true", "iso3166_2"])
    write_parquet_atomic(layer_summary(tables["layers"], tables["flows"], east, inland), smk.output.layer_shares, meta)
    per_province, pairs = disparities(pd.read_parquet(smk.input.by_consumer))
    write_parquet_atomic(per_province, smk.output.disparities, meta)
    write_parquet_atomic(pairs, smk.output.pair_disparities, meta)
    if len(tables["top_paths"]):
        log.info(
            "top path: %s (%.3g APE)", tables["top_paths"]["path_text"].iloc[0], tables["top_paths"]["ape"].iloc[0]
        )


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
