"""MEIC gridded emissions: GMT-style netCDF, one file per month, sector and species.

File name ``{YYYY}_{MM}_{sector}_{species}.nc``. Variables (GMT "grd" netCDF-3 layout): ``x_range``,
``y_range``, ``z_range``, ``spacing``, ``dimension`` (side = 2) and the flattened grid ``z`` (xysize),
rows from north to south, pixel registration (``node_offset = 1``), ``nodata_value`` for cells without
data. Units: t (Mg) per cell per month (NOx as NO2 mass).
"""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.io.atomic import atomic_output

NODATA = -9999.0


def meic_filename(year: int, month: int, sector: str, species: str) -> str:
    return f"{year}_{month:02d}_{sector}_{species}.nc"


def write_meic_grid(path: str | Path, grid: LonLatGrid, values: np.ndarray, nodata_mask: np.ndarray,
                    title: str) -> None:
    """Write ``values`` (nlat, nlon; lat ascending, t/cell/month) as a GMT-style MEIC file."""
    z = np.where(nodata_mask, NODATA, values)[::-1].astype(np.float32).ravel()  # north to south
    with atomic_output(path) as tmp:
        with netCDF4.Dataset(tmp, "w", format="NETCDF3_CLASSIC") as nc:
            nc.title = title
            nc.source = "MEIC-format gridded emissions"
            nc.createDimension("side", 2)
            nc.createDimension("xysize", z.size)
            for name, data, units in (("x_range", (grid.lon0, grid.lon1), "degrees_east"),
                                      ("y_range", (grid.lat0, grid.lat1), "degrees_north"),
                                      ("z_range", (float(values.min()), float(values.max())), "t/month"),
                                      ("spacing", (grid.dlon, grid.dlat), "degrees")):
                var = nc.createVariable(name, "f8", ("side",))
                var.units = units
                var[:] = data
            dim = nc.createVariable("dimension", "i4", ("side",))
            dim[:] = (grid.nlon, grid.nlat)
            var = nc.createVariable("z", "f4", ("xysize",))
            var.scale_factor = 1.0
            var.add_offset = 0.0
            var.node_offset = 1
            var.nodata_value = NODATA
            var.units = "t/month per grid cell"
            var.set_auto_maskandscale(False)
            var[:] = z


def read_meic_grid(path: str | Path) -> tuple[LonLatGrid, np.ndarray]:
    """Read one MEIC file: the grid and values (nlat, nlon; lat ascending), nodata cells as 0."""
    path = Path(path)
    try:
        nc = netCDF4.Dataset(path)
    except OSError as err:
        raise InputError(path, "<file>", "a readable MEIC netCDF file") from err
    with nc:
        for name in ("x_range", "y_range", "spacing", "dimension", "z"):
            if name not in nc.variables:
                raise InputError(path, name, "a GMT-style MEIC variable")
        nc.set_auto_maskandscale(False)
        x_range, y_range = nc["x_range"][:], nc["y_range"][:]
        spacing, (nlon, nlat) = nc["spacing"][:], nc["dimension"][:]
        z = np.asarray(nc["z"][:], dtype=np.float64)
        nodata = getattr(nc["z"], "nodata_value", getattr(nc["z"], "_FillValue", None))
    grid = LonLatGrid(float(x_range[0]), float(x_range[1]), float(y_range[0]), float(y_range[1]),
                      float(spacing[0]), float(spacing[1]))
    if (grid.nlon, grid.nlat) != (int(nlon), int(nlat)) or z.size != nlon * nlat:
        raise InputError(path, "dimension", f"{grid.nlon} x {grid.nlat} cells matching x_range, y_range and "
                         "spacing", f"{int(nlon)} x {int(nlat)} and {z.size} values")
    if nodata is not None:
        z[z == nodata] = 0.0
    if not np.isfinite(z).all() or (z < 0).any():
        raise InputError(path, "z", "finite, non-negative emissions")
    return grid, z.reshape(int(nlat), int(nlon))[::-1]
