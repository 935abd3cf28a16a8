"""First-order contributions of every foreign region and of every emitting province and MEIC sector to every
province's PM2.5 (rule ctm_first_order, surrogate option ctm.surrogate.first_order), checked against the
exact zero-outs of I_EX and the region groups."""

import json
import logging

import numpy as np
import pandas as pd

from exportpm.conventions import MEIC_SECTORS
from exportpm.ctm import COMPONENTS, crop, interior
from exportpm.ctm.first_order import (
    check_against_zero_outs,
    first_order_response,
    linearise,
    province_sector_removals,
    region_shares,
)
from exportpm.ctm.met import month_met
from exportpm.ctm.run import surrogate_sources
from exportpm.ctm.surrogate import SOURCE_KEYS, SurrogateParameters, month_state
from exportpm.exposure import population_on_grid
from exportpm.grid import LonLatGrid
from exportpm.inventory.pipeline import meic_file_map
from exportpm.io import write_parquet_atomic
from exportpm.io.boundaries import read_boundaries
from exportpm.io.population import read_population
from exportpm.logs import configure_logging, timed
from exportpm.pm25 import read_fields
from exportpm.scenarios import SF_SPECIES, read_scenario_month, removed_fractions, scenario_inputs

log = logging.getLogger("ctm_first_order")
CHUNK = 32  # sources solved together (bounds the memory of the right-hand sides)


def main(smk) -> None:
    configure_logging(smk.log[0])
    ctm_grid = LonLatGrid(**smk.params.grid)
    buffer, year = smk.params.buffer, smk.params.year
    product = interior(ctm_grid, buffer)
    fractions = pd.read_parquet(smk.input.fractions)
    codes, _ = read_boundaries(smk.input.boundaries)
    present = set(fractions["province"].astype(str))
    provinces, polygons = read_boundaries(smk.input.boundaries, tuple(c for c in codes if c in present))
    with timed(log, "MEIC and province weights"):
        inputs = scenario_inputs(provinces, polygons, meic_file_map(smk.input.meic, year))
    f_all = removed_fractions(fractions, "all_exports", provinces)
    by_consumer = pd.read_parquet(
        smk.input.by_consumer, columns=["species", "emitting_province", "consumer_region", "consumer_group", "tonnes"]
    )
    regions, shares = region_shares(by_consumer, provinces, SF_SPECIES)
    group_of = by_consumer.drop_duplicates("consumer_region").set_index("consumer_region")["consumer_group"]
    all_codes, all_polygons = read_boundaries(smk.input.boundaries)
    pop_grid, people = read_population(smk.input.population)
    population = population_on_grid(people, pop_grid, product, all_codes, all_polygons)
    calibration = json.loads(open(smk.input.calibration, encoding="utf-8").read())
    params = SurrogateParameters(mixing_height_scale=calibration["mixing_height_scale"])
    sources = (
        [("foreign_region", r, str(group_of.get(r, ""))) for r in regions]
        + [("province_sector", f"{p}:{s}", p) for p in provinces for s in MEIC_SECTORS]
        + [("all_exports", "I_EX", "")]
    )
    pw = np.zeros((len(COMPONENTS), len(all_codes), len(sources)))
    months = smk.params.months
    for month in months:
        with timed(log, f"month {month}: Base linearisation and {len(sources)} first-order sources"):
            grid, base_t = read_scenario_month(smk.input.base_emissions, month)
            base = surrogate_sources(base_t, grid, month, year, ctm_grid)
            state = month_state(ctm_grid, month_met(ctm_grid, month, smk.params.statemet), month, params)
            lin = linearise(state, base, params)
            n_regions, n_sectors = len(regions), len(provinces) * len(MEIC_SECTORS)
            removed = {k: np.zeros((ctm_grid.nlat * ctm_grid.nlon, len(sources))) for k in SOURCE_KEYS}
            for j, (_, _, field) in enumerate(province_sector_removals(inputs, f_all, month)):
                families = surrogate_sources(field, inputs.grid, month, year, ctm_grid)
                for k in SOURCE_KEYS:
                    removed[k][:, n_regions + j] = families[k].ravel()
            for k in SOURCE_KEYS:
                q = SF_SPECIES.index(k)
                province_cols = (
                    removed[k][:, n_regions : n_regions + n_sectors]
                    .reshape(-1, len(provinces), len(MEIC_SECTORS))
                    .sum(-1)
                )
                removed[k][:, :n_regions] = province_cols @ shares[:, :, q].T
                removed[k][:, -1] = province_cols.sum(1)
            for start in range(0, len(sources), CHUNK):
                cols = slice(start, min(start + CHUNK, len(sources)))
                chunk = {k: np.ascontiguousarray(v[:, cols]) for k, v in removed.items()}
                response = first_order_response(lin, chunk, params)  # [c, cells, k]
                for c in range(len(COMPONENTS)):
                    field = crop(response[c].T.reshape(-1, ctm_grid.nlat, ctm_grid.nlon), buffer)
                    pw[c, :, cols] += (
                        population.by_province @ field.reshape(field.shape[0], -1).T
                    ) / population.totals[:, None]
    pw /= len(months)
    rows = []
    for k, (kind, name, group) in enumerate(sources):
        for a, province in enumerate(all_codes):
            rows.append((kind, name, group, province, *pw[:, a, k], pw[:, a, k].sum()))
    table = pd.DataFrame(rows, columns=["source_kind", "source", "group", "province", *COMPONENTS, "total"])
    meta = {
        "units": "ug/m3, population-weighted (Eq. 14), first order around the Base",
        "method": "tangent-linear surrogate (exportpm.ctm.first_order)",
        "comment": smk.params.provenance,
    }
    write_parquet_atomic(table, smk.output.contributions, meta)
    _, exact, _ = read_fields(smk.input.export_related)
    exact_pw = {
        s: population.by_province @ crop(v.sum(axis=0), 0).ravel() / population.totals for s, v in exact.items()
    }
    regional = table[table.source_kind == "foreign_region"]
    first = {
        "I_EX": table[table.source == "I_EX"].set_index("province").loc[list(all_codes), "total"].to_numpy(),
        "sum of foreign regions": regional.groupby("province")["total"].sum().loc[list(all_codes)].to_numpy(),
    }
    for scenario, group in smk.params.groups.items():
        members = regional[regional.group == group]
        if not members.empty:
            first[scenario] = members.groupby("province")["total"].sum().loc[list(all_codes)].to_numpy()
    exact_pw["sum of foreign regions"] = exact_pw["I_EX"]
    check = check_against_zero_outs(first, exact_pw, population.totals)
    groups_exact = sum(exact_pw[s] for s in smk.params.groups if s in exact_pw)
    national = float(population.totals @ exact_pw["I_EX"] / population.totals.sum())
    check.attrs = {}
    summary = pd.DataFrame(
        [("sum of exact group zero-outs", float(population.totals @ groups_exact / population.totals.sum()), national)],
        columns=["scenario", "first_order_ugm3", "exact_ugm3"],
    )
    summary["relative_error"] = summary["first_order_ugm3"] / summary["exact_ugm3"] - 1.0
    check = pd.concat([check, summary], ignore_index=True)
    write_parquet_atomic(check, smk.output.check, {**meta, "units": "ug/m3 national population-weighted; errors"})
    log.info("first order vs exact:\n%s", check.to_string())


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
