"""Write the demo world's raw inputs, part by part, in the real file formats.

Each part (gtap, provincial, customs, geography, emissions) is one Snakemake rule. A part recomputes the
(seconds-cheap, deterministic) economy it depends on instead of reading another part's files, so every
file is a pure function of (size, seed) and the rules can run in any order or in parallel.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from exportpm.conventions import MEIC_SECTORS
from exportpm.conventions import MEIC_SPECIES as SPECIES
from exportpm.demo.economy import GlobalEconomy, gtap_frame_check, release_parameters, solve_global
from exportpm.demo.emissions import build_inventories
from exportpm.demo.geography import (
    distribute,
    domain_grid,
    industry_weight,
    population_grid,
    province_polygons,
    settlement_weight,
    write_boundaries,
    write_population,
)
from exportpm.demo.provincial import AG_SECTORS, FD_CATEGORIES, ProvincialEconomy, build_provincial
from exportpm.demo.spec import ENDOWMENTS, SYNTHETIC_NOTE, WorldSpec, world_spec
from exportpm.demo.stations import station_files, write_stations
from exportpm.demo.trade import customs_records, hs_concordance
from exportpm.grid import area_fractions
from exportpm.io.atomic import atomic_output, write_csv_atomic
from exportpm.io.ceads import write_ceads_mrio
from exportpm.io.customs import platform_export, write_platform_export
from exportpm.io.gtap import gtap_identity_residuals, write_gtap_release
from exportpm.io.meic import meic_filename, write_meic_asc, write_meic_grid
from exportpm.logs import timed
from exportpm.resources import resource

log = logging.getLogger(__name__)

PARTS = ("gtap", "provincial", "customs", "geography", "emissions", "stations")
YEARBOOK_ITEMS = {  # yearbook item -> GTAP agricultural sectors it covers
    "rice": ["pdr"],
    "wheat": ["wht"],
    "vegetables_fruits_nuts": ["v_f"],
    "oil_crops": ["osd"],
    "sugar_crops": ["c_b"],
    "fibre_crops": ["pfb"],
    "other_crops": ["ocr"],
    "cattle_sheep_goats_horses": ["ctl"],
    "pigs_poultry_other_animals": ["oap"],
    "raw_milk": ["rmk"],
    "wool_silk_cocoons": ["wol"],
    "forestry": ["frs"],
    "fishery": ["fsh"],
}
MAX_CUSTOMS_ROWS = {"tiny": 3000, "full": 240_000}
MEIC_FORMAT = {"tiny": "asc", "full": "nc"}  # both distributed MEIC layouts are always exercised


# Raw input key (config data:) -> the demo world's file for it, relative to the demo folder. In real mode the
# same keys name the user's files; RAW_DIRS are folders whose file names follow the readers' patterns.
RAW_FILES = {
    "gtap_basedata": "gtap/basedata.har",
    "gtap_sets": "gtap/sets.har",
    "ceads_mrio": "ceads/china_provincial_mrio_2017.xlsx",
    "yearbook_agriculture": "yearbook/agriculture_output_2017.csv",
    "yearbook_cattle": "yearbook/cattle_2017.csv",
    "yearbook_wood_furniture": "yearbook/wood_furniture_2017.csv",
    "customs": "customs/customs_2017.csv",
    "hs6_concordance": "customs/hs6_gtap_concordance.csv",
    "agri_nh3": "agri_nh3/agri_nh3_2017.csv",
    "population": "population/population_2017.tif",
    "boundaries": "boundaries/provinces.geojson",
    "stations": "stations/station_list.csv",
}
RAW_DIRS = {"meic_dir": "meic", "gains_dir": "gains", "stations_dir": "stations/archive"}


def part_files(size: str) -> dict[str, list[str]]:
    """Relative paths of the files each part writes (Snakemake outputs)."""
    spec = world_spec(size)
    ext = MEIC_FORMAT[size]
    meic = [
        f"meic/{meic_filename(spec.year, m, s, q, ext)}" for m in range(1, 13) for s in MEIC_SECTORS for q in SPECIES
    ]
    gains = [f"gains/gains_{y}_{q}.csv" for y in (2015, 2020) for q in SPECIES]
    return {
        "gtap": ["gtap/basedata.har", "gtap/sets.har", "gtap/default.prm", "gtap/baserate.har"],
        "provincial": [
            "ceads/china_provincial_mrio_2017.xlsx",
            "yearbook/agriculture_output_2017.csv",
            "yearbook/cattle_2017.csv",
            "yearbook/wood_furniture_2017.csv",
        ],
        "customs": ["customs/customs_2017.csv", "customs/hs6_gtap_concordance.csv"],
        "geography": ["boundaries/provinces.geojson", "population/population_2017.tif"],
        "emissions": [*meic, "meic/README.txt", *gains, "agri_nh3/agri_nh3_2017.csv"],
        "stations": station_files(spec.year),
    }


def write_part(part: str, size: str, outdir: str | Path, seed: int = 2017) -> list[Path]:
    """Write one part of the ``size`` demo world under ``outdir``; return the paths written."""
    if part not in PARTS:
        raise ValueError(f"unknown demo part {part!r}; expected one of {PARTS}")
    spec = world_spec(size, seed)
    outdir = Path(outdir)
    if part == "geography":  # the two parts that do not depend on the economy
        write_geography(spec, outdir)
        return [outdir / f for f in part_files(size)[part]]
    if part == "stations":
        write_stations(spec, outdir)
        return [outdir / f for f in part_files(size)[part]]
    with timed(log, f"demo world ({size}, seed {seed}): global economy"):
        world = solve_global(spec)
    if part == "gtap":
        write_gtap(spec, world, outdir / "gtap")
    else:
        with timed(log, "provincial economy"):
            economy = build_provincial(spec, world)
        if part == "provincial":
            write_provincial(spec, economy, outdir)
        elif part == "customs":
            write_customs(spec, world, economy, outdir)
        else:
            write_emissions(spec, economy, outdir)
    return [outdir / f for f in part_files(size)[part]]


def write_gtap(spec: WorldSpec, world: GlobalEconomy, folder: Path) -> None:
    """A GTAP release as distributed: basedata.har, sets.har, default.prm, baserate.har."""
    residuals = gtap_identity_residuals(world.headers, world.margins, world.sectors)
    gtap_frame_check(world.headers)
    for name, value in residuals.items():
        log.info("GTAP identity %-15s max relative residual %.2e (float64)", name, value)
    sets = {"REG": spec.regions, "COMM": spec.sectors, "ACTS": spec.sectors, "ENDW": ENDOWMENTS, "MARG": world.margins}
    with timed(log, f"writing {folder}"):
        write_gtap_release(
            folder,
            sets,
            world.headers,
            *release_parameters(world),
            history=f"{SYNTHETIC_NOTE}. GTAP 11 layout, 2017, US$ million.",
        )


def write_provincial(spec: WorldSpec, economy: ProvincialEconomy, outdir: Path) -> None:
    """Write the synthetic provincial MRIO in the CEADs workbook layout (10^4 CNY)."""
    names = resource("ceads42_sectors_2017").set_index("code")["name_zh"]
    title = f"2017年中国31省区市区域间投入产出表 单位：万元 (10^4 CNY). {SYNTHETIC_NOTE}"
    with timed(log, "writing the CEADs-layout provincial MRIO"):
        write_ceads_mrio(
            outdir / "ceads/china_provincial_mrio_2017.xlsx",
            list(spec.provinces["name_zh"]),
            spec.ceads_sectors,
            [names[c] for c in spec.ceads_sectors],
            economy.Z,
            economy.FD,
            economy.exports,
            economy.imports,
            economy.other,
            economy.value_added,
            economy.output,
            title,
        )
    log.info(
        "provincial MRIO: %d provinces x %d sectors, %d final-demand columns per province",
        len(spec.provinces),
        len(spec.ceads_sectors),
        len(FD_CATEGORIES),
    )
    write_yearbooks(spec, economy, outdir / "yearbook")


def write_yearbooks(spec: WorldSpec, economy: ProvincialEconomy, folder: Path) -> None:
    """Yearbook tables (100 million CNY unless stated) transcribed as CSV, one row per province and item.

    Long by design: the three yearbook tables written one after another, each a few lines.
    """
    rng = spec.rng("yearbook")
    isos = list(spec.provinces["iso3166_2"])
    K = len(spec.ceads_sectors)
    x = economy.output.reshape(len(isos), K)
    ag_present = [s for s in AG_SECTORS if s in spec.sectors]
    rows = []
    if "01" in spec.ceads_sectors:
        ag_total = x[:, spec.ceads_sectors.index("01")] / 1e4 * rng.uniform(0.97, 1.03, len(isos))
        for p, iso in enumerate(isos):
            share = dict(zip(ag_present, economy.ag_shares[p], strict=True))
            value = {item: sum(share.get(s, 0.0) for s in secs) * ag_total[p] for item, secs in YEARBOOK_ITEMS.items()}
            grains = sum(share.get(s, 0.0) for s in ("pdr", "wht", "gro")) * ag_total[p]
            services = ag_total[p] * rng.uniform(0.03, 0.05)
            items = {"total": ag_total[p] + services, "grains": grains, **value, "agricultural_services": services}
            rows += [
                (iso, item, round(v, 4))
                for item, v in items.items()
                if item in ("total", "grains", "agricultural_services")
                or any(s in spec.sectors for s in YEARBOOK_ITEMS[item])
            ]
    write_csv_atomic(
        pd.DataFrame(rows, columns=["province", "item", "output_value_100m_cny"]),
        folder / "agriculture_output_2017.csv",
        [
            SYNTHETIC_NOTE,
            "Gross output value of farming, forestry, animal husbandry and fishery by "
            "product, 100 million CNY, current prices (China Statistical Yearbook 2018 layout).",
            "grains includes rice and wheat; total includes agricultural services.",
        ],
    )
    if "cmt" in spec.sectors:
        cmt = economy.gtap_output[:, spec.sectors.index("cmt")]
        price = 62.0 * rng.uniform(0.9, 1.1, len(isos))  # CNY per kg
        production = cmt * 1e4 / price / 1e7  # 10^4 CNY -> CNY -> kg -> 10^4 t
        missing = rng.permutation(len(isos))[: max(1, len(isos) // 8)]
        price_col = pd.Series(np.round(price, 2), dtype=object)
        price_col[missing] = ""
        frame = pd.DataFrame(
            {"province": isos, "beef_production_10k_t": np.round(production, 4), "beef_price_cny_per_kg": price_col}
        )
        write_csv_atomic(
            frame,
            folder / "cattle_2017.csv",
            [
                SYNTHETIC_NOTE,
                "Beef production (10^4 t) and average beef price (CNY/kg) by province; "
                "an empty price means the yearbook does not report it.",
            ],
        )
    if economy.furniture_share.any():
        k = spec.ceads_sectors.index("09")
        total = x[:, k] / 1e4 * rng.uniform(0.95, 1.05, len(isos))
        frame = pd.DataFrame(
            {
                "province": isos,
                "wood_processing_output_100m_cny": np.round(total * (1 - economy.furniture_share), 4),
                "furniture_output_100m_cny": np.round(total * economy.furniture_share, 4),
            }
        )
        write_csv_atomic(
            frame,
            folder / "wood_furniture_2017.csv",
            [
                SYNTHETIC_NOTE,
                "Gross industrial output of wood processing and of furniture "
                "manufacturing by province, 100 million CNY.",
            ],
        )


def write_customs(spec: WorldSpec, world: GlobalEconomy, economy: ProvincialEconomy, outdir: Path) -> None:
    """Write the synthetic customs records (US$, GB18030 platform layout) and the HS6-GTAP concordance."""
    concordance = hs_concordance(spec)
    with timed(log, "customs records"):
        records = customs_records(spec, world, economy, concordance, MAX_CUSTOMS_ROWS[spec.size])
    log.info(
        "customs: %d records (%d export, %d import)",
        len(records),
        (records["flow"] == "export").sum(),
        (records["flow"] == "import").sum(),
    )
    write_platform_export(
        outdir / "customs/customs_2017.csv",
        platform_export(records),
        [
            SYNTHETIC_NOTE,
            "China customs 2017 in the customs statistics platform's export layout "
            "(GB18030): flow, 8-digit commodity code, partner (customs code and name), trade mode, "
            "registered region (GB/T 2260), value in US$.",
        ],
    )
    write_csv_atomic(
        concordance,
        outdir / "customs/hs6_gtap_concordance.csv",
        [SYNTHETIC_NOTE, "HS 2017 six-digit codes to GTAP 11 sectors (stand-in for GTAP's own HS6 concordance)."],
    )


def write_geography(spec: WorldSpec, outdir: Path) -> None:
    """Write the synthetic province boundaries (GeoJSON) and population grid (people, GeoTIFF)."""
    polygons, source = province_polygons(spec)
    write_boundaries(outdir / "boundaries/provinces.geojson", spec, polygons, source)
    with timed(log, f"population grid at {spec.population_spacing} degree"):
        grid, people = population_grid(spec, polygons)
    log.info("population: %.4e persons on %d x %d cells", people.sum(), grid.nlat, grid.nlon)
    write_population(outdir / "population/population_2017.tif", grid, people, spec.year)


def write_emissions(spec: WorldSpec, economy: ProvincialEconomy, outdir: Path) -> None:
    """Write the synthetic MEIC grids (t per cell and month), GAINS exports (kt) and agricultural NH3 (t/yr)."""
    inventories = build_inventories(spec, economy)
    polygons, _ = province_polygons(spec)
    grid = domain_grid(spec.meic_spacing)
    with timed(log, f"province area fractions on the {spec.meic_spacing} degree MEIC grid"):
        fractions = area_fractions(grid, polygons)
    outside = np.asarray(fractions.sum(axis=0)).ravel() <= 0
    settlements, industry = settlement_weight(spec, grid), industry_weight(spec, grid)  # each a seeded field
    weights = {
        "residential": settlements,
        "transportation": settlements,
        "agriculture": np.ones(grid.nlat * grid.nlon),
        "industry": industry,
        "power": industry,
    }
    with timed(log, "writing MEIC monthly grids"):
        for s, sector in enumerate(MEIC_SECTORS):
            for q, species in enumerate(SPECIES):
                annual = inventories.meic_province[:, s, q]
                for month in range(1, 13):
                    totals = annual * inventories.monthly_profile[:, s, q, month - 1]
                    values = distribute(totals, fractions, weights[sector]).reshape(grid.nlat, grid.nlon)
                    ext = MEIC_FORMAT[spec.size]
                    writer = write_meic_asc if ext == "asc" else write_meic_grid
                    writer(
                        outdir / "meic" / meic_filename(spec.year, month, sector, species, ext),
                        grid,
                        values,
                        outside.reshape(grid.nlat, grid.nlon),
                        f"MEIC {spec.year}-{month:02d} {sector} {species}. {SYNTHETIC_NOTE}",
                    )
    with atomic_output(outdir / "meic/README.txt") as tmp:  # an ESRI ASCII grid has no room for provenance
        tmp.write_text(f"{SYNTHETIC_NOTE}\nMEIC-layout monthly grids, t per cell per month.\n", encoding="utf-8")
    write_gains(spec, inventories, outdir / "gains")
    write_csv_atomic(
        inventories.agri_nh3,
        outdir / "agri_nh3/agri_nh3_2017.csv",
        [
            SYNTHETIC_NOTE,
            "Provincial agricultural NH3 emissions 2017 by the 14 product categories (t/yr), layout of Chen et al.",
        ],
        float_format="%.3f",
    )


def write_gains(spec: WorldSpec, inventories, folder: Path) -> None:
    """GAINS-Asia CSV exports: six header lines, then Region, Sector, Activity, Unit, activity, impl_ef, emiss."""
    rng = spec.rng("gains_csv")
    table = inventories.gains_sectors
    ef = np.exp(rng.normal(0, 1, size=len(table)))  # kt per PJ, arbitrary but fixed per sector
    for year, values in inventories.gains.items():
        for q, species in enumerate(SPECIES):
            rows = []
            for p, name in enumerate(spec.provinces["name_en"]):
                for g, sector in enumerate(table["gains_sector"]):
                    emiss = values[g, p, q]
                    rows.append((f"CHIN_{name}", sector, "NOF", "PJ", emiss / ef[g], ef[g], emiss))
            frame = pd.DataFrame(rows, columns=["Region", "Sector", "Activity", "Unit", "activity", "impl_ef", "emiss"])
            path = folder / f"gains_{year}_{species}.csv"
            with atomic_output(path) as tmp:
                with open(tmp, "w", encoding="utf-8", newline="") as handle:
                    handle.write(f"GAINS-Asia emissions export. {SYNTHETIC_NOTE}\n")
                    handle.write("Scenario: exportpm demo baseline\n")
                    handle.write(f"Pollutant: {species}\n")
                    handle.write(f"Year: {year}\n")
                    handle.write("Units: activity PJ; impl_ef kt/PJ; emiss kt\n")
                    handle.write("\n")
                    frame.to_csv(handle, index=False, float_format="%.6g", lineterminator="\n")
