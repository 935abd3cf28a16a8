"""Product store of the MRIO stage: global, provincial and linked MRIOs, trade blocks, output and intensities.

Labelled netCDF, written atomically; float64; units and provenance in the attributes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.errors import InputError
from exportpm.io.atomic import atomic_output
from exportpm.mrio.customs import TradeBlocks
from exportpm.mrio.gtap import FD_CATEGORIES, GlobalMRIO
from exportpm.mrio.link import LinkedMRIO
from exportpm.mrio.provincial import ProvincialMRIO

UNITS = "US$ million (current 2017 prices; basic prices of the supplier)"


def _labels(regions, sectors) -> tuple[np.ndarray, np.ndarray]:
    return np.repeat(np.array(regions, dtype=object), len(sectors)), np.tile(
        np.array(sectors, dtype=object), len(regions)
    )


def _fd_labels(regions) -> tuple[np.ndarray, np.ndarray]:
    return (
        np.repeat(np.array(regions, dtype=object), len(FD_CATEGORIES)),
        np.tile(np.array(FD_CATEGORIES, dtype=object), len(regions)),
    )


def _write(ds: xr.Dataset, path: str | Path) -> None:
    with atomic_output(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4")


def _open(path: str | Path, required: tuple[str, ...]) -> xr.Dataset:
    try:
        ds = xr.open_dataset(path, engine="netcdf4")
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a netCDF4 file written by exportpm") from err
    for name in required:
        if name not in ds:
            raise InputError(path, name, "a variable of that name")
    return ds


def _io_dataset(regions, sectors, Z, Y, x, v, attrs, is_province=None) -> xr.Dataset:
    row_region, row_sector = _labels(regions, sectors)
    fd_region, fd_category = _fd_labels(regions)
    coords = {
        "region": ("row", row_region),
        "sector": ("row", row_sector),
        "col_region": ("col", row_region),
        "col_sector": ("col", row_sector),
        "fd_region": ("fd", fd_region),
        "category": ("fd", fd_category),
    }
    data = {
        "x": (("row",), x, {"units": UNITS, "long_name": "gross output"}),
        "v": (("col",), v, {"units": UNITS, "long_name": "value added (incl. taxes on inputs)"}),
    }
    if Z is not None:  # None: the caller writes the big matrices itself, in chunks
        data["Z"] = (("row", "col"), Z, {"units": UNITS, "long_name": "intermediate flows"})
        data["Y"] = (("row", "fd"), Y, {"units": UNITS, "long_name": "final demand"})
    if is_province is not None:
        coords["is_province"] = ("row", np.repeat(is_province.astype(np.int8), len(sectors)))
    return xr.Dataset(data, coords=coords, attrs=attrs)


def write_global_mrio(mrio: GlobalMRIO, path: str | Path, attrs: dict) -> None:
    """Write the global MRIO (Z, Y, x, v; US$ million) to a labelled netCDF file, atomically."""
    _write(_io_dataset(mrio.regions, mrio.sectors, mrio.Z, mrio.Y, mrio.x, mrio.v, attrs), path)


def read_global_mrio(path: str | Path) -> GlobalMRIO:
    """Read a global MRIO written by :func:`write_global_mrio` (US$ million), Z loaded."""
    with open_global_mrio(path) as mrio:
        return replace(mrio, Z=np.asarray(mrio.Z))


@contextmanager
def open_global_mrio(path: str | Path) -> Iterator[GlobalMRIO]:
    """The global MRIO of :func:`read_global_mrio` with Z left in the file: ``Z`` is a lazily indexed array, so
    ``np.asarray(mrio.Z[a:b])`` reads rows a..b only. The linked table is assembled region by region from it
    without the whole GTAP matrix in memory beside the linked one (Y, x and v are read)."""
    with _open(path, ("Z", "Y", "x", "v")) as ds:
        regions = tuple(dict.fromkeys(ds["region"].values.tolist()))
        sectors = tuple(dict.fromkeys(ds["sector"].values.tolist()))
        yield GlobalMRIO(regions, sectors, ds["Z"].variable, ds["Y"].values, ds["x"].values, ds["v"].values)


def read_region_output(path: str | Path, region: str) -> tuple[tuple[str, ...], np.ndarray]:
    """Sectors and gross output of one region, without loading the matrices."""
    with _open(path, ("x",)) as ds:
        mask = ds["region"].values == region
        if not mask.any():
            raise InputError(path, "region", f"a region {region}")
        return tuple(ds["sector"].values[mask].tolist()), ds["x"].values[mask]


def write_linked_mrio(table: LinkedMRIO, path: str | Path, attrs: dict, fd_target: np.ndarray | None = None) -> None:
    """The linked table; ``fd_target`` (final-demand column totals to balance to) travels with an unbalanced one."""
    ds = _io_dataset(
        table.regions, table.sectors, table.Z, table.Y, table.x, table.v, attrs, is_province=table.is_province
    )
    if fd_target is not None:
        ds["fd_target"] = (("fd",), fd_target, {"units": UNITS, "long_name": "final-demand column totals (target)"})
    _write(ds, path)


def read_linked_mrio(path: str | Path) -> LinkedMRIO:
    """Read a linked MRIO written by :func:`write_linked_mrio` (Z, Y, x, v, province flags; US$ million)."""
    with _open(path, ("Z", "Y", "x", "v", "is_province")) as ds:
        regions = tuple(dict.fromkeys(ds["region"].values.tolist()))
        sectors = tuple(dict.fromkeys(ds["sector"].values.tolist()))
        flags = ds["is_province"].values.reshape(len(regions), len(sectors))[:, 0].astype(bool)
        return LinkedMRIO(regions, sectors, flags, ds["Z"].values, ds["Y"].values, ds["x"].values, ds["v"].values)


def write_provincial(mrio: ProvincialMRIO, path: str | Path, attrs: dict) -> None:
    """Write the provincial MRIO (Z, final demand, x, value added, exports, imports, other; US$ million)."""
    ds = _io_dataset(mrio.provinces, mrio.sectors, mrio.Z, mrio.FD, mrio.x, mrio.va, attrs)
    for name, values in (("exports", mrio.exports), ("imports", mrio.imports), ("other", mrio.other)):
        ds[name] = (("row",), values, {"units": UNITS})
    _write(ds, path)


def read_provincial(path: str | Path) -> ProvincialMRIO:
    """Read a provincial MRIO written by :func:`write_provincial` (US$ million)."""
    with _open(path, ("Z", "Y", "x", "v", "exports", "imports", "other")) as ds:
        provinces = tuple(dict.fromkeys(ds["region"].values.tolist()))
        sectors = tuple(dict.fromkeys(ds["sector"].values.tolist()))
        return ProvincialMRIO(
            provinces,
            sectors,
            ds["Z"].values,
            ds["Y"].values,
            ds["exports"].values,
            ds["imports"].values,
            ds["other"].values,
            ds["x"].values,
            ds["v"].values,
        )


def write_trade_blocks(blocks: TradeBlocks, provinces, foreign, sectors, path: str | Path, attrs: dict) -> None:
    """Write the trade blocks between provinces and foreign regions (US$ million) to a labelled netCDF file.

    Parameters
    ----------
    blocks : TradeBlocks
        ZPF, DPF, ZFP, DFP and the bilateral exports / imports.
    provinces, foreign, sectors : sequence of str
        Labels of the provincial rows, the foreign rows and the sectors.
    path : str or Path
        Output file, written atomically.
    attrs : dict
        Global attributes (provenance).
    """
    prov_region, prov_sector = _labels(provinces, sectors)
    for_region, for_sector = _labels(foreign, sectors)
    ds = xr.Dataset(
        {
            "ZPF": (("prow", "fcol"), blocks.ZPF, {"units": UNITS, "long_name": "provinces -> foreign sectors"}),
            "DPF": (("prow", "ffd"), blocks.DPF, {"units": UNITS, "long_name": "provinces -> foreign final demand"}),
            "ZFP": (("frow", "pcol"), blocks.ZFP, {"units": UNITS, "long_name": "foreign -> provincial sectors"}),
            "DFP": (("frow", "pfd"), blocks.DFP, {"units": UNITS, "long_name": "foreign -> provincial final demand"}),
            "bilateral_exports": (("province", "sector_", "partner"), blocks.exports, {"units": UNITS}),
            "bilateral_imports": (("province", "sector_", "partner"), blocks.imports, {"units": UNITS}),
        },
        coords={
            "prow_region": ("prow", prov_region),
            "prow_sector": ("prow", prov_sector),
            "frow_region": ("frow", for_region),
            "frow_sector": ("frow", for_sector),
            "province": list(provinces),
            "sector_": list(sectors),
            "partner": list(foreign),
        },
        attrs=attrs,
    )
    _write(ds, path)


def read_trade_blocks(path: str | Path) -> TradeBlocks:
    """Read the trade blocks written by :func:`write_trade_blocks` (US$ million)."""
    with _open(path, ("ZPF", "DPF", "ZFP", "DFP")) as ds:
        return TradeBlocks(
            ds["ZPF"].values,
            ds["DPF"].values,
            ds["ZFP"].values,
            ds["DFP"].values,
            ds["bilateral_exports"].values,
            ds["bilateral_imports"].values,
        )


def to_pymrio(table: LinkedMRIO, name: str = "exportpm linked MRIO"):
    """The linked table as a pymrio IOSystem (Z, Y, x; US$ million) for users of pymrio's tools."""
    import pandas as pd
    import pymrio

    rows = pd.MultiIndex.from_product([list(table.regions), list(table.sectors)], names=["region", "sector"])
    fd = pd.MultiIndex.from_product([list(table.regions), list(table.categories)], names=["region", "category"])
    return pymrio.IOSystem(
        Z=pd.DataFrame(table.Z, index=rows, columns=rows),
        Y=pd.DataFrame(table.Y, index=rows, columns=fd),
        x=pd.DataFrame({"indout": table.x}, index=rows),
        unit=pd.DataFrame({"unit": ["M.USD"] * len(rows)}, index=rows),
        name=name,
    )


def read_linked_augmented(path: str | Path, chunk_rows: int = 512) -> tuple[LinkedMRIO, np.ndarray, np.ndarray]:
    """Metadata of a linked table (Z and Y left empty), the matrix [[Z, Y], [v', 0]] read in row chunks
    (no second full-size copy), and the final-demand targets."""
    import netCDF4

    meta = _open(path, ("Z", "Y", "x", "v", "is_province", "fd_target"))
    with meta as ds:
        regions = tuple(dict.fromkeys(ds["region"].values.tolist()))
        sectors = tuple(dict.fromkeys(ds["sector"].values.tolist()))
        flags = ds["is_province"].values.reshape(len(regions), len(sectors))[:, 0].astype(bool)
        x, v, fd_target = ds["x"].values, ds["v"].values, ds["fd_target"].values
    n, m = x.size, fd_target.size
    A = np.empty((n + 1, n + m))
    with netCDF4.Dataset(path) as nc:
        for start in range(0, n, chunk_rows):
            stop = min(start + chunk_rows, n)
            A[start:stop, :n] = nc["Z"][start:stop, :]
            A[start:stop, n:] = nc["Y"][start:stop, :]
    A[n, :n], A[n, n:] = v, 0.0
    table = LinkedMRIO(regions, sectors, flags, np.empty((0, 0)), np.empty((0, 0)), x, v)
    return table, A, fd_target


def write_linked_from_augmented(
    table: LinkedMRIO, A: np.ndarray, path: str | Path, attrs: dict, chunk_rows: int = 512
) -> None:
    """Write a balanced linked table straight from the augmented matrix, in row chunks."""
    import netCDF4

    n = table.n_rows
    skeleton = LinkedMRIO(
        table.regions,
        table.sectors,
        table.is_province,
        np.empty((0, n)),
        np.empty((0, A.shape[1] - n)),
        table.x,
        A[n, :n].copy(),
        table.categories,
    )
    with atomic_output(path) as tmp:
        ds = _io_dataset(
            skeleton.regions,
            skeleton.sectors,
            None,
            None,
            skeleton.x,
            skeleton.v,
            attrs,
            is_province=skeleton.is_province,
        )
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4")
        with netCDF4.Dataset(tmp, "a") as nc:
            for name, cols, long_name in (
                ("Z", slice(0, n), "intermediate flows"),
                ("Y", slice(n, None), "final demand"),
            ):
                var = nc.createVariable(name, "f8", ("row", "col" if name == "Z" else "fd"))
                var.units, var.long_name = UNITS, long_name
                for start in range(0, n, chunk_rows):
                    stop = min(start + chunk_rows, n)
                    var[start:stop, :] = A[start:stop, cols]


def read_output(path: str | Path) -> tuple[tuple[str, ...], tuple[str, ...], np.ndarray, np.ndarray]:
    """Regions, sectors, gross output x and the province flag per region, without loading the matrices."""
    with _open(path, ("x", "is_province")) as ds:
        regions = tuple(dict.fromkeys(ds["region"].values.tolist()))
        sectors = tuple(dict.fromkeys(ds["sector"].values.tolist()))
        flags = ds["is_province"].values.reshape(len(regions), len(sectors))[:, 0].astype(bool)
        return regions, sectors, ds["x"].values, flags


def write_intensities(F: np.ndarray, species: tuple[str, ...], regions, sectors, path: str | Path, attrs: dict) -> None:
    """F(species, row): emission intensities on the linked table's rows, t per US$ million (Eq. 9)."""
    row_region, row_sector = _labels(regions, sectors)
    ds = xr.Dataset(
        {
            "F": (
                ("species", "row"),
                F,
                {"units": "t per US$ million of output", "long_name": "emission intensity (paper Eq. 9)"},
            )
        },
        coords={"species": list(species), "region": ("row", row_region), "sector": ("row", row_sector)},
        attrs=attrs,
    )
    _write(ds, path)


def read_intensities(path: str | Path) -> tuple[tuple[str, ...], np.ndarray]:
    """Species and emission intensities F(species, row), t per US$ million (Eq. 9), from :func:`write_intensities`."""
    with _open(path, ("F",)) as ds:
        return tuple(ds["species"].values.tolist()), ds["F"].values
