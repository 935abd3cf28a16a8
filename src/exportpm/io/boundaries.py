"""Province boundaries (GeoJSON, EPSG:4326) with an ``iso3166_2`` property per feature."""

from __future__ import annotations

import json
from pathlib import Path

import shapely

from exportpm.errors import InputError


def read_boundaries(path: str | Path, provinces: tuple[str, ...] | None = None) -> tuple[tuple[str, ...], list]:
    """Province codes and shapely polygons; in the order of ``provinces`` when given (all must be present)."""
    path = Path(path)
    try:
        collection = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a GeoJSON FeatureCollection") from err
    by_code = {}
    for feature in collection.get("features", []):
        code = feature.get("properties", {}).get("iso3166_2")
        if not code:
            raise InputError(path, "iso3166_2", "a province code on every feature")
        geometry = shapely.geometry.shape(feature["geometry"])
        by_code[code] = shapely.make_valid(geometry) if not geometry.is_valid else geometry
    if provinces is None:
        return tuple(by_code), list(by_code.values())
    missing = [p for p in provinces if p not in by_code]
    if missing:
        raise InputError(path, "iso3166_2", "a feature for every province of the linked MRIO", f"missing {missing}")
    return tuple(provinces), [by_code[p] for p in provinces]
