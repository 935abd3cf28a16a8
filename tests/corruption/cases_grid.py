"""Corruption cases of the gridded and geographic inputs (MEIC, population, boundaries, GAINS, agricultural NH3,
monitoring stations), each read by the pipeline's own reader as its rule calls it.

The tiny world holds MEIC as ESRI ASCII grids; the netCDF cases first write the same grid as a GMT-style
netCDF file (the full world's layout) next to it and corrupt that.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import netCDF4
import numpy as np
import rasterio
from affine import Affine

from corruption.harness import Case
from exportpm.demo.spec import TINY_PROVINCES
from exportpm.grid import LonLatGrid
from exportpm.inventory.meic import meic_provincial_totals
from exportpm.io.boundaries import read_boundaries
from exportpm.io.meic import read_meic_grid, write_meic_grid
from exportpm.io.population import read_population

BOUNDARIES = "boundaries/provinces.geojson"
POPULATION = "population/population_2017.tif"
POPULATION_NC = "population/population_2017.nc"
MEIC_ASC = ("meic/2017_01_industry_SO2.asc", "meic/2017_07_power_NOx.asc", "meic/2017_10_residential_PM25.asc")
MEIC_NC = "meic/2017_01_industry_SO2.nc"

Corrupt = Callable[[Path], None]


# ---- readers as the rules call them ---------------------------------------------------------------------------


def read_meic(relative: str) -> Callable[[Path], object]:
    """One MEIC file through the inventory's reader (grid checks and the inside-the-provinces check)."""

    def read(world: Path) -> object:
        _, polygons = read_boundaries(world / BOUNDARIES, TINY_PROVINCES)
        return meic_provincial_totals(
            {(1, "industry", "SO2"): str(world / relative)}, ("industry",), ("SO2",), polygons
        )

    return read


def read_tiny_population(relative: str = POPULATION) -> Callable[[Path], object]:
    def read(world: Path) -> object:
        return read_population(world / relative, "auto", TINY_PROVINCES)

    return read


# ---- generic corruptions ----------------------------------------------------------------------------------------


def truncate(relative: str, fraction: float) -> Corrupt:
    def corrupt(world: Path) -> None:
        path = world / relative
        raw = path.read_bytes()
        path.write_bytes(raw[: int(len(raw) * fraction)])

    return corrupt


def empty(relative: str) -> Corrupt:
    def corrupt(world: Path) -> None:
        (world / relative).write_bytes(b"")

    return corrupt


def garbage(relative: str) -> Corrupt:
    def corrupt(world: Path) -> None:
        (world / relative).write_bytes(bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8)))

    return corrupt


def then(*steps: Corrupt) -> Corrupt:
    def corrupt(world: Path) -> None:
        for step in steps:
            step(world)

    return corrupt


# ---- MEIC ESRI ASCII grid -----------------------------------------------------------------------------------------


def asc_lines(relative: str, edit: Callable[[list[str]], list[str]]) -> Corrupt:
    def corrupt(world: Path) -> None:
        path = world / relative
        lines = path.read_text(encoding="ascii").splitlines()
        path.write_text("\n".join(edit(lines)) + "\n", encoding="ascii")

    return corrupt


def set_header(key: str, value: str | None) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        out = []
        for line in lines:
            if line.split()[0].lower() == key.lower():
                if value is not None:
                    out.append(f"{line.split()[0]} {value}")
            else:
                out.append(line)
        return out

    return edit


def set_cell(row_from_north: int, column: int, text: str) -> Callable[[list[str]], list[str]]:
    """Replace one value; the cell chosen lies inside a tiny-world province (Hebei/Jiangsu/Sichuan rows)."""

    def edit(lines: list[str]) -> list[str]:
        cells = lines[6 + row_from_north].split()
        cells[column] = text
        lines[6 + row_from_north] = " ".join(cells)
        return lines

    return edit


def flip_rows(lines: list[str]) -> list[str]:
    return lines[:6] + lines[6:][::-1]


def drop_last_row(lines: list[str]) -> list[str]:
    return lines[:-1]


def extra_row(lines: list[str]) -> list[str]:
    return [*lines, lines[-1]]


def reencode_utf16(relative: str) -> Corrupt:
    def corrupt(world: Path) -> None:
        path = world / relative
        path.write_bytes(path.read_text(encoding="ascii").encode("utf-16"))

    return corrupt


ASC_EDITS: list[tuple[str, Callable[[str], Corrupt], str]] = [
    ("truncated_50pct", lambda f: truncate(f, 0.5), "ncols/nrows"),
    ("truncated_80pct", lambda f: truncate(f, 0.8), "ncols/nrows"),
    ("truncated_99pct", lambda f: truncate(f, 0.99), "ncols/nrows"),
    ("last_row_missing", lambda f: asc_lines(f, drop_last_row), "ncols/nrows"),
    ("extra_row", lambda f: asc_lines(f, extra_row), "ncols/nrows"),
    ("ncols_plus_one", lambda f: asc_lines(f, set_header("ncols", "81")), "ncols/nrows"),
    ("nrows_minus_one", lambda f: asc_lines(f, set_header("nrows", "49")), "ncols/nrows"),
    ("ncols_missing", lambda f: asc_lines(f, set_header("ncols", None)), "ncols"),
    ("cellsize_missing", lambda f: asc_lines(f, set_header("cellsize", None)), "cellsize"),
    ("xllcorner_missing", lambda f: asc_lines(f, set_header("xllcorner", None)), "xllcorner"),
    ("cellsize_text", lambda f: asc_lines(f, set_header("cellsize", "one")), "cellsize"),
    ("cellsize_zero", lambda f: asc_lines(f, set_header("cellsize", "0")), "cellsize"),
    ("cellsize_negative", lambda f: asc_lines(f, set_header("cellsize", "-1")), "cellsize"),
    ("corner_in_metres", lambda f: asc_lines(f, set_header("xllcorner", "7000000")), "x_range/y_range"),
    ("latitude_beyond_90", lambda f: asc_lines(f, set_header("yllcorner", "60")), "x_range/y_range"),
    ("value_inf", lambda f: asc_lines(f, set_cell(20, 45, "inf")), "z"),
    ("value_negative", lambda f: asc_lines(f, set_cell(20, 45, "-3.5")), "z"),
    ("value_text", lambda f: asc_lines(f, set_cell(20, 45, "n/a")), "z"),
    ("flipped_north_south", lambda f: asc_lines(f, flip_rows), "z"),
    ("empty_file", empty, "ncols"),
    ("binary_garbage", garbage, "<file>"),
    ("utf16_text", reencode_utf16, "<file>"),
]


def asc_cases() -> list[Case]:
    cases = []
    for relative in MEIC_ASC:
        stem = Path(relative).stem
        for name, make, field in ASC_EDITS:
            cases.append(Case(f"grid/meic_asc/{stem}/{name}", relative, make(relative), read_meic(relative), field))
    return cases


# ---- MEIC GMT-style netCDF ------------------------------------------------------------------------------------------


def as_netcdf(fmt: str = "NETCDF3_CLASSIC") -> Corrupt:
    """Write the tiny world's first MEIC grid as the full world's GMT netCDF (``fmt``) at MEIC_NC."""

    def corrupt(world: Path) -> None:
        grid, values = read_meic_grid(world / MEIC_ASC[0])
        write_meic_grid(world / MEIC_NC, grid, values, values <= 0, "corruption test")
        if fmt != "NETCDF3_CLASSIC":
            src = world / MEIC_NC
            tmp = src.with_suffix(".tmp.nc")
            with netCDF4.Dataset(src) as a, netCDF4.Dataset(tmp, "w", format=fmt) as b:
                for name, dim in a.dimensions.items():
                    b.createDimension(name, len(dim))
                a.set_auto_maskandscale(False)
                for name, var in a.variables.items():
                    out = b.createVariable(name, var.dtype, var.dimensions)
                    out.set_auto_maskandscale(False)
                    out.setncatts({k: var.getncattr(k) for k in var.ncattrs()})
                    out[:] = var[:]
            tmp.replace(src)

    return corrupt


def nc_edit(edit: Callable[[netCDF4.Dataset], None]) -> Corrupt:
    def corrupt(world: Path) -> None:
        with netCDF4.Dataset(world / MEIC_NC, "a") as nc:
            nc.set_auto_maskandscale(False)
            edit(nc)

    return corrupt


def nc_rewrite_without(variable: str) -> Corrupt:
    def corrupt(world: Path) -> None:
        src = world / MEIC_NC
        tmp = src.with_suffix(".tmp.nc")
        with netCDF4.Dataset(src) as a, netCDF4.Dataset(tmp, "w", format="NETCDF3_CLASSIC") as b:
            a.set_auto_maskandscale(False)
            for name, dim in a.dimensions.items():
                b.createDimension(name, len(dim))
            for name, var in a.variables.items():
                if name == variable:
                    continue
                out = b.createVariable(name, var.dtype, var.dimensions)
                out.set_auto_maskandscale(False)
                out.setncatts({k: var.getncattr(k) for k in var.ncattrs()})
                out[:] = var[:]
        tmp.replace(src)

    return corrupt


def set_var(name: str, value) -> Callable[[netCDF4.Dataset], None]:
    def edit(nc: netCDF4.Dataset) -> None:
        nc[name][:] = value

    return edit


def set_attr(name: str, attr: str, value) -> Callable[[netCDF4.Dataset], None]:
    def edit(nc: netCDF4.Dataset) -> None:
        nc[name].setncattr(attr, value)

    return edit


def z_cell(value: float) -> Callable[[netCDF4.Dataset], None]:
    def edit(nc: netCDF4.Dataset) -> None:
        z = nc["z"][:]
        nlon = int(nc["dimension"][0])
        z[20 * nlon + 45] = value  # row 20 from the north, column 45: inside Hebei
        nc["z"][:] = z

    return edit


def z_flip(nc: netCDF4.Dataset) -> None:
    nlon, nlat = (int(v) for v in nc["dimension"][:])
    nc["z"][:] = nc["z"][:].reshape(nlat, nlon)[::-1].ravel()


NC_EDITS: list[tuple[str, Corrupt, str]] = [
    ("truncated_50pct", truncate(MEIC_NC, 0.5), "<file size>"),
    ("truncated_80pct", truncate(MEIC_NC, 0.8), "<file size>"),
    ("truncated_95pct", truncate(MEIC_NC, 0.95), "<file size>"),
    ("truncated_header", truncate(MEIC_NC, 0.01), "<file"),
    ("empty_file", empty(MEIC_NC), "<file>"),
    ("binary_garbage", garbage(MEIC_NC), "<file>"),
    ("z_missing", nc_rewrite_without("z"), "z"),
    ("x_range_missing", nc_rewrite_without("x_range"), "lon/longitude/x"),
    ("dimension_missing", nc_rewrite_without("dimension"), "dimension"),
    ("spacing_missing", nc_rewrite_without("spacing"), "spacing"),
    ("dimension_wrong", nc_edit(set_var("dimension", (79, 50))), "dimension"),
    ("dimension_swapped", nc_edit(set_var("dimension", (50, 80))), "dimension"),
    ("spacing_halved", nc_edit(set_var("spacing", (0.5, 0.5))), "dimension"),
    ("spacing_zero", nc_edit(set_var("spacing", (0.0, 1.0))), "spacing/dimension"),
    ("spacing_negative", nc_edit(set_var("spacing", (-1.0, 1.0))), "spacing/dimension"),
    ("y_range_reversed", nc_edit(set_var("y_range", (60.0, 10.0))), "x_range/y_range"),
    ("x_range_in_metres", nc_edit(set_var("x_range", (7.0e6, 7.0e6 + 80.0))), "x_range/y_range"),
    ("node_offset_2", nc_edit(set_attr("z", "node_offset", 2)), "node_offset"),
    ("node_offset_0_with_pixel_ranges", nc_edit(set_attr("z", "node_offset", 0)), "dimension"),
    ("scale_factor_zero", nc_edit(set_attr("z", "scale_factor", 0.0)), "scale_factor"),
    ("scale_factor_nan", nc_edit(set_attr("z", "scale_factor", np.nan)), "scale_factor"),
    ("value_inf", nc_edit(z_cell(np.inf)), "z"),
    ("value_negative", nc_edit(z_cell(-2.0)), "z"),
    ("value_huge_negative_offset", nc_edit(set_attr("z", "add_offset", -1.0e6)), "z"),
    ("flipped_north_south", nc_edit(z_flip), "z"),
]


def netcdf_cases() -> list[Case]:
    cases = [
        Case(f"grid/meic_nc/{name}", MEIC_NC, then(as_netcdf(), corrupt), read_meic(MEIC_NC), field)
        for name, corrupt, field in NC_EDITS
    ]
    for fraction in (0.5, 0.8, 0.95):
        cases.append(
            Case(
                f"grid/meic_nc4/truncated_{int(fraction * 100)}pct",
                MEIC_NC,
                then(as_netcdf("NETCDF4"), truncate(MEIC_NC, fraction)),
                read_meic(MEIC_NC),
                "<file>",
            )
        )
    return cases


# ---- population GeoTIFF and netCDF -------------------------------------------------------------------------------


def rewrite_tif(edit: Callable[[np.ndarray, LonLatGrid], tuple[np.ndarray, dict]]) -> Corrupt:
    """Rewrite the population GeoTIFF after ``edit(values north-to-south, grid) -> (array, profile changes)``."""

    def corrupt(world: Path) -> None:
        path = world / POPULATION
        with rasterio.open(path) as src:
            data, profile, tags = src.read(), dict(src.profile), src.tags()
        grid, _ = read_population(path)
        data, changes = edit(data, grid)
        units = changes.pop("units", tags.get("units"))
        profile.update(changes, count=data.shape[0], height=data.shape[1], width=data.shape[2])
        path.unlink()
        with rasterio.open(path, "w", **profile) as dst:
            dst.write(data)
            if units is not None:
                dst.update_tags(units=units)

    return corrupt


def pop_scale(factor: float):
    return lambda data, grid: (data * factor, {})


def pop_density_as_counts(data, grid):
    return data / (grid.cell_area_m2()[::-1] / 1e6)[None], {}


def pop_cell(value: float):
    def edit(data, grid):
        data = data.copy()
        data[0, 50, 90] = value  # a cell of Hebei
        return data, {}

    return edit


def pop_bands(data, grid):
    return np.concatenate([data, data]), {}


def pop_crs(crs):
    return lambda data, grid: (data, {"crs": crs})


def pop_transform(transform: Affine):
    return lambda data, grid: (data, {"transform": transform})


def pop_units(units: str | None):
    return lambda data, grid: (data, {"units": units})


def write_population_nc(edit: Callable[[dict], dict] | None = None) -> Corrupt:
    """The population as netCDF (lat, lon) with a units attribute, then ``edit`` of its pieces."""
    import xarray as xr

    def corrupt(world: Path) -> None:
        grid, people = read_population(world / POPULATION)
        parts = {
            "dims": ("lat", "lon"),
            "data": people,
            "lat": grid.lat,
            "lon": grid.lon,
            "attrs": {"units": "persons per grid cell"},
            "name": "population",
        }
        if edit is not None:
            parts = edit(parts)
        coords = {parts["dims"][-2]: parts["lat"], parts["dims"][-1]: parts["lon"]}
        coords.update(parts.get("extra_coords", {}))
        ds = xr.Dataset({parts["name"]: (parts["dims"], parts["data"], parts["attrs"])}, coords=coords)
        for name, (dims, data) in parts.get("extra_vars", {}).items():
            ds[name] = (dims, data)
        ds.to_netcdf(world / POPULATION_NC)

    return corrupt


def nc_three_bands(parts: dict) -> dict:
    return {
        **parts,
        "dims": ("band", "lat", "lon"),
        "data": np.stack([parts["data"]] * 3),
        "extra_coords": {"band": [1, 2, 3]},
    }


def nc_irregular_lat(parts: dict) -> dict:
    lat = parts["lat"].copy()
    lat[10] += 0.2
    return {**parts, "lat": lat}


def nc_lat_in_metres(parts: dict) -> dict:
    return {**parts, "lat": parts["lat"] * 111_000.0, "lon": parts["lon"] * 111_000.0}


def nc_no_units(parts: dict) -> dict:
    return {**parts, "attrs": {}}


def nc_units(units: str):
    return lambda parts: {**parts, "attrs": {"units": units}}


def nc_renamed_two_vars(parts: dict) -> dict:
    return {**parts, "name": "pop_a", "extra_vars": {"pop_b": (("lat", "lon"), parts["data"])}}


def nc_dims(dims: tuple[str, str]):
    return lambda parts: {**parts, "dims": dims}


def nc_density_labelled_counts(parts: dict) -> dict:
    grid_area = np.repeat(
        (np.sin(np.radians(parts["lat"] + 0.25)) - np.sin(np.radians(parts["lat"] - 0.25)))[:, None]
        * 6371.0**2
        * np.radians(0.5),
        parts["lon"].size,
        axis=1,
    )
    return {**parts, "data": parts["data"] / grid_area}


def nc_negative(parts: dict) -> dict:
    data = parts["data"].copy()
    data[30, 90] = -5.0
    return {**parts, "data": data}


POP_TIF: list[tuple[str, Corrupt, str]] = [
    ("truncated_50pct", truncate(POPULATION, 0.5), "<file>"),
    ("truncated_80pct", truncate(POPULATION, 0.8), "<file>"),
    ("empty_file", empty(POPULATION), "<file>"),
    ("binary_garbage", garbage(POPULATION), "<file>"),
    ("density_read_as_counts", rewrite_tif(pop_density_as_counts), "population total"),
    ("values_times_1000", rewrite_tif(pop_scale(1000.0)), "population total"),
    ("values_in_thousands", rewrite_tif(pop_scale(1e-3)), "population total"),
    ("values_halved", rewrite_tif(pop_scale(0.5)), "population total"),
    ("value_negative", rewrite_tif(pop_cell(-10.0)), "population"),
    ("value_inf", rewrite_tif(pop_cell(np.inf)), "population"),
    ("three_bands", rewrite_tif(pop_bands), "band"),
    ("crs_web_mercator", rewrite_tif(pop_crs("EPSG:3857")), "crs"),
    ("crs_utm", rewrite_tif(pop_crs("EPSG:32650")), "crs"),
    ("rotated_transform", rewrite_tif(pop_transform(Affine(0.5, 0.1, 70.0, 0.0, -0.5, 60.0))), "transform"),
    ("south_up_transform", rewrite_tif(pop_transform(Affine(0.5, 0.0, 70.0, 0.0, 0.5, 10.0))), "transform"),
    ("origin_beyond_90", rewrite_tif(pop_transform(Affine(0.5, 0.0, 70.0, 0.0, -0.5, 160.0))), "transform"),
    ("units_unknown", rewrite_tif(pop_units("furlongs")), "units"),
]
POP_NC: list[tuple[str, Callable[[dict], dict] | None, str]] = [
    ("three_bands", nc_three_bands, "population"),
    ("irregular_lat", nc_irregular_lat, "lat"),
    ("coordinates_in_metres", nc_lat_in_metres, "lat/lon"),
    ("units_missing", nc_no_units, "units"),
    ("units_unknown", nc_units("inhabitants"), "units"),
    ("two_unnamed_variables", nc_renamed_two_vars, "population"),
    ("dims_unknown", nc_dims(("row", "col")), "lat/latitude/y"),
    ("density_labelled_counts", nc_density_labelled_counts, "population total"),
    ("value_negative", nc_negative, "population"),
]


def population_cases() -> list[Case]:
    cases = [
        Case(f"grid/population_tif/{name}", POPULATION, corrupt, read_tiny_population(), field)
        for name, corrupt, field in POP_TIF
    ]
    cases += [
        Case(
            f"grid/population_nc/{name}",
            POPULATION_NC,
            write_population_nc(edit),
            read_tiny_population(POPULATION_NC),
            field,
        )
        for name, edit, field in POP_NC
    ]
    cases.append(
        Case(
            "grid/population_nc/truncated_50pct",
            POPULATION_NC,
            then(write_population_nc(), truncate(POPULATION_NC, 0.5)),
            read_tiny_population(POPULATION_NC),
            "<file>",
        )
    )
    return cases


# ---- province boundaries -----------------------------------------------------------------------------------------


def geojson_edit(edit: Callable[[dict], None]) -> Corrupt:
    import json

    def corrupt(world: Path) -> None:
        path = world / BOUNDARIES
        collection = json.loads(path.read_text(encoding="utf-8"))
        edit(collection)
        path.write_text(json.dumps(collection), encoding="utf-8")

    return corrupt


def read_tiny_boundaries(world: Path) -> object:
    return read_boundaries(world / BOUNDARIES, TINY_PROVINCES)


def _duplicate_feature(c: dict) -> None:
    c["features"].append(c["features"][0])


def _null_geometry(c: dict) -> None:
    c["features"][1]["geometry"] = None


def _point_geometry(c: dict) -> None:
    c["features"][1]["geometry"] = {"type": "Point", "coordinates": [117.0, 39.0]}


def _map_coordinates(function: Callable[[list], list]) -> Callable[[dict], None]:
    def walk(item):
        if isinstance(item, list) and item and isinstance(item[0], (int, float)):
            return function(item)
        return [walk(i) for i in item]

    def edit(c: dict) -> None:
        for feature in c["features"]:
            feature["geometry"]["coordinates"] = walk(feature["geometry"]["coordinates"])

    return edit


def _code(value: str | None) -> Callable[[dict], None]:
    def edit(c: dict) -> None:
        if value is None:
            del c["features"][0]["properties"]["iso3166_2"]
        else:
            c["features"][0]["properties"]["iso3166_2"] = value

    return edit


def _drop_feature(c: dict) -> None:
    c["features"].pop(2)


def _crs(name: str) -> Callable[[dict], None]:
    def edit(c: dict) -> None:
        c["crs"] = {"type": "name", "properties": {"name": name}}

    return edit


def _no_features(c: dict) -> None:
    c["features"] = []


def _not_collection(c: dict) -> None:
    c["type"] = "GeometryCollection"


def _bad_coordinates(c: dict) -> None:
    c["features"][0]["geometry"]["coordinates"] = "117,39"


BOUNDARY_EDITS: list[tuple[str, Corrupt, str]] = [
    ("duplicate_feature", geojson_edit(_duplicate_feature), "iso3166_2"),
    ("null_geometry", geojson_edit(_null_geometry), "geometry"),
    ("point_geometry", geojson_edit(_point_geometry), "geometry"),
    ("lat_lon_swapped", geojson_edit(_map_coordinates(lambda xy: [xy[1], xy[0]])), "coordinates"),
    (
        "coordinates_in_metres",
        geojson_edit(_map_coordinates(lambda xy: [xy[0] * 111_000, xy[1] * 111_000])),
        "coordinates",
    ),
    ("longitude_shifted_360", geojson_edit(_map_coordinates(lambda xy: [xy[0] - 360.0, xy[1]])), "coordinates"),
    ("unknown_province", geojson_edit(_code("CN-XX")), "iso3166_2"),
    ("province_code_missing", geojson_edit(_code(None)), "iso3166_2"),
    ("province_missing", geojson_edit(_drop_feature), "iso3166_2"),
    ("crs_web_mercator", geojson_edit(_crs("urn:ogc:def:crs:EPSG::3857")), "crs"),
    ("no_features", geojson_edit(_no_features), "features"),
    ("not_a_feature_collection", geojson_edit(_not_collection), "type"),
    ("coordinates_not_numbers", geojson_edit(_bad_coordinates), "geometry"),
    ("truncated_50pct", truncate(BOUNDARIES, 0.5), "<file>"),
    ("empty_file", empty(BOUNDARIES), "<file>"),
    ("binary_garbage", garbage(BOUNDARIES), "<file>"),
]


def boundary_cases() -> list[Case]:
    return [
        Case(f"grid/boundaries/{name}", BOUNDARIES, corrupt, read_tiny_boundaries, field)
        for name, corrupt, field in BOUNDARY_EDITS
    ]


# ---- CSV inputs: GAINS, agricultural NH3, station list and archive -----------------------------------------------


def csv_edit(
    relative: str,
    edit: Callable[[list[str]], list[str]],
    preamble: int = 0,
    encoding: str = "utf-8",
    comments: bool = True,
) -> Corrupt:
    """Edit the data lines (after ``preamble`` lines and, if ``comments``, leading ``#`` lines) of a CSV."""

    def corrupt(world: Path) -> None:
        path = world / relative
        raw = path.read_bytes()
        text = raw.decode("gb18030") if encoding == "gb18030" else raw.decode("utf-8")
        lines = text.splitlines()
        head = lines[:preamble]
        rest = lines[preamble:]
        if comments:
            while rest and rest[0].startswith("#"):
                head.append(rest.pop(0))
        path.write_bytes(("\n".join(head + edit(rest)) + "\n").encode(encoding))

    return corrupt


def cell(row: int, column: str, value: str) -> Callable[[list[str]], list[str]]:
    """Set data row ``row`` (0 = first after the header) of ``column`` to ``value``."""

    def edit(lines: list[str]) -> list[str]:
        header = lines[0].split(",")
        cells = lines[1 + row].split(",")
        cells[header.index(column)] = value
        lines[1 + row] = ",".join(cells)
        return lines

    return edit


def duplicate_row(row: int) -> Callable[[list[str]], list[str]]:
    return lambda lines: [*lines, lines[1 + row]]


def header_only(lines: list[str]) -> list[str]:
    return lines[:1]


def drop_column_named(column: str) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        index = lines[0].split(",").index(column)
        return [",".join(c for i, c in enumerate(line.split(",")) if i != index) for line in lines]

    return edit


def rename_header(old: str, new: str) -> Callable[[list[str]], list[str]]:
    def edit(lines: list[str]) -> list[str]:
        lines[0] = ",".join(new if c == old else c for c in lines[0].split(","))
        return lines

    return edit


def utf16(relative: str, encoding: str = "utf-8") -> Corrupt:
    def corrupt(world: Path) -> None:
        path = world / relative
        path.write_bytes(path.read_bytes().decode(encoding).encode("utf-16"))

    return corrupt


GAINS = "gains/gains_2015_SO2.csv"
NH3 = "agri_nh3/agri_nh3_2017.csv"
STATION_LIST = "stations/station_list.csv"
DAY = "stations/archive/china_sites_20170115.csv"


def read_tiny_gains(world: Path) -> object:
    from exportpm.inventory.pipeline import gains_arrays
    from exportpm.resources import resource

    return gains_arrays([str(world / GAINS)], TINY_PROVINCES, resource("gains_sectors"))


def read_tiny_nh3(world: Path) -> object:
    from exportpm.io.emission_inputs import read_agri_nh3
    from exportpm.resources import resource

    return read_agri_nh3(world / NH3, resource("agnh3_categories"))


def read_tiny_station_list(world: Path) -> object:
    from exportpm.io.stations import read_station_list

    return read_station_list(world / STATION_LIST)


def read_tiny_day(relative: str = DAY) -> Callable[[Path], object]:
    """The archive with the corrupted day ``relative``, read as rule station_means reads it: the whole year
    (batch reader first, then the corrupted file on its own)."""

    def read(world: Path) -> object:
        from exportpm.io.stations import station_means

        archive = sorted((world / relative).parent.glob("china_sites_*.csv"))
        return station_means(archive, world / STATION_LIST, 2017)

    return read


def rename_day(new_name: str) -> Corrupt:
    def corrupt(world: Path) -> None:
        (world / DAY).rename(world / "stations/archive" / new_name)

    return corrupt


GAINS_EDITS: list[tuple[str, Corrupt, str]] = [
    ("duplicate_row", csv_edit(GAINS, duplicate_row(3), preamble=6, comments=False), "Region"),
    ("emiss_negative", csv_edit(GAINS, cell(2, "emiss", "-1.5"), preamble=6, comments=False), "emiss"),
    ("emiss_inf", csv_edit(GAINS, cell(2, "emiss", "inf"), preamble=6, comments=False), "emiss"),
    ("emiss_nan", csv_edit(GAINS, cell(2, "emiss", "NaN"), preamble=6, comments=False), "emiss"),
    ("emiss_blank", csv_edit(GAINS, cell(2, "emiss", ""), preamble=6, comments=False), "emiss"),
    ("emiss_text", csv_edit(GAINS, cell(2, "emiss", "n.a."), preamble=6, comments=False), "emiss"),
    ("region_unknown", csv_edit(GAINS, cell(0, "Region", "CHIN_Atlantis"), preamble=6, comments=False), "Region"),
    ("region_blank", csv_edit(GAINS, cell(0, "Region", ""), preamble=6, comments=False), "Region"),
    ("sector_unknown", csv_edit(GAINS, cell(0, "Sector", "XX_NOSUCH"), preamble=6, comments=False), "Sector"),
    ("emiss_column_missing", csv_edit(GAINS, drop_column_named("emiss"), preamble=6, comments=False), "emiss"),
    ("sector_column_renamed", csv_edit(GAINS, rename_header("Sector", "Sectr"), preamble=6, comments=False), "Sector"),
    ("header_only", csv_edit(GAINS, header_only, preamble=6, comments=False), "<rows>"),
    ("preamble_line_missing", csv_edit(GAINS, lambda lines: lines[1:], preamble=0, comments=False), "Region"),
    ("empty_file", empty(GAINS), "<file>"),
    ("utf16_encoded", utf16(GAINS), "<encoding>"),
]
NH3_EDITS: list[tuple[str, Corrupt, str]] = [
    ("duplicate_row", csv_edit(NH3, duplicate_row(0)), "province"),
    ("duplicate_by_name", csv_edit(NH3, lambda lines: [*lines, lines[1].replace("CN-HE", "Hebei", 1)]), "province"),
    ("nh3_negative", csv_edit(NH3, cell(1, "nh3_t", "-10")), "nh3_t"),
    ("nh3_inf", csv_edit(NH3, cell(1, "nh3_t", "inf")), "nh3_t"),
    ("nh3_blank", csv_edit(NH3, cell(1, "nh3_t", "")), "nh3_t"),
    ("nh3_text", csv_edit(NH3, cell(1, "nh3_t", "12 t")), "nh3_t"),
    ("category_unknown", csv_edit(NH3, cell(1, "category", "unicorns")), "category"),
    ("province_unknown", csv_edit(NH3, cell(1, "province", "CN-XX")), "province"),
    ("nh3_column_missing", csv_edit(NH3, drop_column_named("nh3_t")), "nh3_t"),
    ("header_only", csv_edit(NH3, header_only), "<rows>"),
    ("empty_file", empty(NH3), "<file>"),
    ("utf16_encoded", utf16(NH3), "<encoding>"),
]
LIST_EDITS: list[tuple[str, Corrupt, str]] = [
    ("latitude_999", csv_edit(STATION_LIST, cell(3, "纬度", "999"), encoding="gb18030"), "lat"),
    ("longitude_text", csv_edit(STATION_LIST, cell(3, "经度", "东经116"), encoding="gb18030"), "lon"),
    ("longitude_inf", csv_edit(STATION_LIST, cell(3, "经度", "inf"), encoding="gb18030"), "lon"),
    ("latitude_blank", csv_edit(STATION_LIST, cell(3, "纬度", ""), encoding="gb18030"), "lat"),
    ("duplicate_code", csv_edit(STATION_LIST, duplicate_row(2), encoding="gb18030"), "code"),
    ("code_column_missing", csv_edit(STATION_LIST, drop_column_named("监测点编码"), encoding="gb18030"), "code"),
    ("latitude_column_missing", csv_edit(STATION_LIST, drop_column_named("纬度"), encoding="gb18030"), "lat"),
    ("header_only", csv_edit(STATION_LIST, header_only, encoding="gb18030"), "<rows>"),
    ("empty_file", empty(STATION_LIST), "<file>"),
    ("utf16_encoded", utf16(STATION_LIST, "gb18030"), "<encoding>"),
]
DAY_EDITS: list[tuple[str, Corrupt, str]] = [
    (
        "month_13_in_rows",
        csv_edit(DAY, lambda ls: [ls[0], *(line.replace("20170115", "20171315") for line in ls[1:])]),
        "date",
    ),
    ("date_other_day", csv_edit(DAY, cell(5, "date", "20170116")), "date"),
    ("hour_24", csv_edit(DAY, cell(5, "hour", "24")), "hour"),
    ("hour_negative", csv_edit(DAY, cell(5, "hour", "-1")), "hour"),
    ("hour_text", csv_edit(DAY, cell(5, "hour", "5h")), "hour"),
    ("hour_repeated", csv_edit(DAY, cell(5, "hour", "4")), "hour"),
    ("unknown_station_code", csv_edit(DAY, rename_header("1003A", "9999Z")), "station columns"),
    ("value_negative", csv_edit(DAY, cell(3, "1002A", "-20")), "1002A"),
    ("value_inf", csv_edit(DAY, cell(3, "1002A", "inf")), "1002A"),
    ("value_text", csv_edit(DAY, cell(3, "1002A", "abc")), "1002A"),
    (
        "no_hourly_pm25_rows",
        csv_edit(DAY, lambda ls: [ls[0], *(line.replace(",PM2.5,", ",PM25,") for line in ls[1:])]),
        "type",
    ),
    ("type_column_missing", csv_edit(DAY, drop_column_named("type")), "type"),
    ("row_with_a_cell_missing", csv_edit(DAY, lambda ls: [*ls[:4], ls[4].rsplit(",", 1)[0], *ls[5:]]), "<table>"),
    ("station_column_twice", csv_edit(DAY, rename_header("1003A", "1002A")), "1002A"),
    ("header_only", csv_edit(DAY, header_only), "<rows>"),
    ("empty_file", empty(DAY), "<file>"),
    ("utf16_encoded", utf16(DAY), "<encoding>"),
]


def csv_cases() -> list[Case]:
    cases = [Case(f"grid/gains/{n}", GAINS, c, read_tiny_gains, f) for n, c, f in GAINS_EDITS]
    cases += [Case(f"grid/agri_nh3/{n}", NH3, c, read_tiny_nh3, f) for n, c, f in NH3_EDITS]
    cases += [Case(f"grid/station_list/{n}", STATION_LIST, c, read_tiny_station_list, f) for n, c, f in LIST_EDITS]
    cases += [Case(f"grid/station_day/{n}", DAY, c, read_tiny_day(), f) for n, c, f in DAY_EDITS]
    for name, new in (
        ("file_name_month_13", "china_sites_20171315.csv"),
        ("file_of_another_year", "china_sites_20160115.csv"),
        ("file_name_unparsable", "china_sites_2017-01-15.csv"),
    ):
        cases.append(
            Case(
                f"grid/station_day/{name}",
                f"stations/archive/{new}",
                rename_day(new),
                read_tiny_day(f"stations/archive/{new}"),
                "file name",
            )
        )
    return cases


CASES = [*asc_cases(), *netcdf_cases(), *population_cases(), *boundary_cases(), *csv_cases()]
