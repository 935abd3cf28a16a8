"""Province boundaries: a GeoJSON FeatureCollection in WGS84 longitude-latitude with an ``iso3166_2`` property.

Checks, each an :class:`InputError` naming the file and field: a parsable FeatureCollection with features; every
feature has a known mainland province code (``resources/provinces31.csv``), appearing once (a second feature
for a province is rejected, never merged or replaced silently); a non-null (Multi)Polygon geometry; a declared
CRS, if any, that is WGS84 longitude-latitude (CRS84 / EPSG:4326); coordinates within China's
longitude-latitude box (73-136E, 3-54N, with a margin), which rejects coordinates in metres and swapped
latitude/longitude. Invalid rings are repaired with ``shapely.make_valid``.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
import shapely.geometry

from exportpm.errors import InputError
from exportpm.resources import resource

WGS84_NAMES = (
    "urn:ogc:def:crs:OGC:1.3:CRS84",
    "urn:ogc:def:crs:OGC::CRS84",
    "EPSG:4326",
    "urn:ogc:def:crs:EPSG::4326",
    "CRS84",
    "WGS84",
)
CHINA_BOX = (70.0, 140.0, 0.0, 56.0)  # lon0, lon1, lat0, lat1 (degrees): mainland China and its islands


def read_boundaries(path: str | Path, provinces: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], list]:
    """Province codes and shapely polygons; in the order of ``provinces`` when given (all must be present)."""
    path = Path(path)
    collection = _collection(path)
    _check_crs(path, collection)
    known = set(resource("provinces31")["iso3166_2"])
    by_code: dict[str, object] = {}
    for k, feature in enumerate(collection["features"]):
        code = (feature.get("properties") or {}).get("iso3166_2") if isinstance(feature, dict) else None
        if not code:
            raise InputError(path, "iso3166_2", "a province code on every feature", f"feature {k}: none")
        if code not in known:
            raise InputError(
                path, "iso3166_2", "a mainland province code (resources/provinces31.csv)", f"feature {k}: {code!r}"
            )
        if code in by_code:
            raise InputError(path, "iso3166_2", "one feature per province", f"{code} twice (feature {k})")
        by_code[code] = _geometry(path, code, feature.get("geometry"))
    if provinces is None:
        return tuple(by_code), list(by_code.values())
    missing = [p for p in provinces if p not in by_code]
    if missing:
        raise InputError(path, "iso3166_2", "a feature for every province of the linked MRIO", f"missing {missing}")
    return tuple(provinces), [by_code[p] for p in provinces]


def _collection(path: Path) -> dict:
    try:
        collection = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise InputError(path, "<file>", "a GeoJSON FeatureCollection (UTF-8)", type(error).__name__) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise InputError(path, "type", "a GeoJSON FeatureCollection")
    if not isinstance(collection.get("features"), list) or not collection["features"]:
        raise InputError(path, "features", "at least one feature", "none")
    return collection


def _check_crs(path: Path, collection: dict) -> None:
    """A declared CRS (old-style GeoJSON ``crs`` member) must be WGS84 longitude-latitude."""
    crs = collection.get("crs")
    if crs is None:
        return
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else str(crs)
    if name not in WGS84_NAMES:
        raise InputError(path, "crs", "WGS84 longitude-latitude (CRS84 / EPSG:4326); reproject first", name)


def _geometry(path: Path, code: str, geometry: object):
    if not geometry:
        raise InputError(path, "geometry", "a Polygon or MultiPolygon per feature", f"{code}: null")
    try:
        shape = shapely.geometry.shape(geometry)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.ShapelyError) as error:
        raise InputError(path, "geometry", "a valid GeoJSON geometry", f"{code}: {type(error).__name__}") from None
    if shape.geom_type not in ("Polygon", "MultiPolygon") or shape.is_empty:
        raise InputError(path, "geometry", "a non-empty Polygon or MultiPolygon", f"{code}: {shape.geom_type}")
    lon0, lat0, lon1, lat1 = shape.bounds
    box = CHINA_BOX
    if not (box[0] <= lon0 and lon1 <= box[1] and box[2] <= lat0 and lat1 <= box[3]):
        raise InputError(
            path,
            "coordinates",
            f"longitude {box[0]:g}-{box[1]:g}E, latitude {box[2]:g}-{box[3]:g}N "
            "(WGS84 degrees, longitude first; not metres, not lat/lon swapped)",
            f"{code}: bounds {tuple(round(v, 3) for v in shape.bounds)}",
        )
    return shapely.make_valid(shape) if not shape.is_valid else shape
