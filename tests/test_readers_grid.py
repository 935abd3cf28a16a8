"""Readers of the gridded and geographic inputs: each distributed layout written here from known arrays and
read back exactly (MEIC ESRI ASCII and GMT netCDF, population GeoTIFF and netCDF), plus conservative
regridding, which preserves totals."""

from __future__ import annotations

import re

import netCDF4
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.io.meic import read_meic_grid, write_meic_asc, write_meic_grid
from exportpm.io.population import official_population, read_population, write_population_geotiff
from exportpm.regrid import regrid_extensive

GRID = LonLatGrid(100.0, 106.0, 20.0, 24.0, 1.5, 1.0)  # 4 x 4 cells
SQUARE = LonLatGrid(100.0, 105.0, 20.0, 24.0, 1.0, 1.0)  # 5 x 4 cells


def known(grid: LonLatGrid, seed: int = 1) -> np.ndarray:
    """Distinct values per cell (nlat, nlon), no two alike, so a flip or transpose cannot go unnoticed."""
    return np.random.default_rng(seed).uniform(0.5, 9.5, (grid.nlat, grid.nlon))


# ---- MEIC -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("corner", [True, False], ids=["xllcorner", "xllcenter"])
def test_meic_esri_ascii_reads_back_exactly(tmp_path, corner):
    values = known(SQUARE)
    mask = np.zeros(values.shape, bool)
    mask[0, 0] = True
    path = tmp_path / "2017_01_power_SO2.asc"
    write_meic_asc(path, SQUARE, values, mask, corner=corner)
    grid, got = read_meic_grid(path)
    assert grid == SQUARE
    expected = values.copy()
    expected[0, 0] = 0.0  # no-data cell
    np.testing.assert_array_equal(got, expected)


def test_meic_esri_ascii_rows_run_north_to_south(tmp_path):
    path = tmp_path / "2017_01_power_SO2.asc"
    path.write_text("ncols 2\nnrows 2\nxllcorner 100\nyllcorner 20\ncellsize 1\nNODATA_value -9999\n1 2\n3 -9999\n")
    grid, got = read_meic_grid(path)
    assert (grid.lat0, grid.lat1, grid.lon0, grid.lon1) == (20.0, 22.0, 100.0, 102.0)
    np.testing.assert_array_equal(got, [[3.0, 0.0], [1.0, 2.0]])  # row 0 = south


def test_meic_gmt_pixel_netcdf_reads_back(tmp_path):
    values = known(GRID)
    mask = np.zeros(values.shape, bool)
    mask[-1, 2] = True
    path = tmp_path / "2017_03_industry_NOx.nc"
    write_meic_grid(path, GRID, values, mask, "test")
    grid, got = read_meic_grid(path)
    assert grid == GRID
    expected = values.astype(np.float32).astype(np.float64)
    expected[-1, 2] = 0.0
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("title", ["MEIC 2017-03 industry NOx", "odd length title", "MEIC 网格 µg"])
def test_meic_netcdf_bytes_are_the_netcdf_librarys(tmp_path, title):
    """write_meic_grid composes the classic-format bytes itself: the file netCDF4 (the C library) writes."""
    values = known(GRID) * 1e3
    mask = np.zeros(values.shape, bool)
    mask[1, 1:3] = True
    write_meic_grid(tmp_path / "fast.nc", GRID, values, mask, title)
    z = np.where(mask, -9999.0, values)[::-1].astype(np.float32).ravel()
    with netCDF4.Dataset(tmp_path / "library.nc", "w", format="NETCDF3_CLASSIC") as nc:
        nc.title = title
        nc.source = "MEIC-format gridded emissions"
        nc.createDimension("side", 2)
        nc.createDimension("xysize", z.size)
        for name, data, units in (
            ("x_range", (GRID.lon0, GRID.lon1), "degrees_east"),
            ("y_range", (GRID.lat0, GRID.lat1), "degrees_north"),
            ("z_range", (float(values.min()), float(values.max())), "t/month"),
            ("spacing", (GRID.dlon, GRID.dlat), "degrees"),
        ):
            var = nc.createVariable(name, "f8", ("side",))
            var.units = units
            var[:] = data
        dim = nc.createVariable("dimension", "i4", ("side",))
        dim[:] = (GRID.nlon, GRID.nlat)
        var = nc.createVariable("z", "f4", ("xysize",))
        var.scale_factor = 1.0
        var.add_offset = 0.0
        var.node_offset = 1
        var.nodata_value = -9999.0
        var.units = "t/month per grid cell"
        var.set_auto_maskandscale(False)
        var[:] = z
    assert (tmp_path / "fast.nc").read_bytes() == (tmp_path / "library.nc").read_bytes()


def write_gmt(
    path,
    z_north_to_south,
    x_range,
    y_range,
    spacing,
    node_offset=None,
    dtype="f8",
    nodata=None,
    scale=None,
    offset=None,
    fmt="NETCDF3_CLASSIC",
    node_offset_global=False,
):
    ny, nx = z_north_to_south.shape
    with netCDF4.Dataset(path, "w", format=fmt) as nc:
        nc.createDimension("side", 2)
        nc.createDimension("xysize", nx * ny)
        for name, data in (("x_range", x_range), ("y_range", y_range), ("spacing", spacing)):
            nc.createVariable(name, "f8", ("side",))[:] = data
        nc.createVariable("dimension", "i4", ("side",))[:] = (nx, ny)
        z = nc.createVariable("z", dtype, ("xysize",))
        z.set_auto_maskandscale(False)
        if node_offset is not None:
            if node_offset_global:
                nc.node_offset = node_offset
            else:
                z.node_offset = node_offset
        if nodata is not None:
            z.nodata_value = nodata
        if scale is not None:
            z.scale_factor, z.add_offset = scale, offset
        z[:] = z_north_to_south.ravel()


@pytest.mark.parametrize("declared", [0, None], ids=["node_offset_0", "inferred"])
def test_meic_gmt_gridline_registration(tmp_path, declared):
    values = known(SQUARE)
    path = tmp_path / "grid.nc"
    # gridline registration: the ranges are the first and last cell centres
    write_gmt(path, values[::-1], (100.5, 104.5), (20.5, 23.5), (1.0, 1.0), node_offset=declared)
    grid, got = read_meic_grid(path)
    assert grid == SQUARE
    np.testing.assert_array_equal(got, values)


def test_meic_node_offset_as_global_attribute(tmp_path):
    values = known(SQUARE)
    path = tmp_path / "grid.nc"
    write_gmt(path, values[::-1], (100.0, 105.0), (20.0, 24.0), (1.0, 1.0), node_offset=1, node_offset_global=True)
    assert read_meic_grid(path)[0] == SQUARE


def test_meic_nan_and_sentinel_nodata(tmp_path):
    values = known(SQUARE)
    z = values[::-1].copy()
    z[0, 0], z[1, 1] = np.nan, -9999.0
    path = tmp_path / "grid.nc"
    write_gmt(path, z, (100.0, 105.0), (20.0, 24.0), (1.0, 1.0), node_offset=1, nodata=-9999.0)
    _, got = read_meic_grid(path)
    expected = z.copy()
    expected[0, 0] = expected[1, 1] = 0.0
    np.testing.assert_array_equal(got, expected[::-1])


def test_meic_packed_values_are_unpacked(tmp_path):
    packed = np.arange(20, dtype=np.int16).reshape(4, 5)
    path = tmp_path / "grid.nc"
    write_gmt(
        path,
        packed,
        (100.0, 105.0),
        (20.0, 24.0),
        (1.0, 1.0),
        node_offset=1,
        dtype="i2",
        nodata=-1,
        scale=0.5,
        offset=2.0,
    )
    _, got = read_meic_grid(path)
    np.testing.assert_array_equal(got, (packed * 0.5 + 2.0)[::-1])


@pytest.mark.parametrize("lat_descending", [False, True])
def test_meic_coards_netcdf4_either_row_order(tmp_path, lat_descending):
    values = known(SQUARE)
    lat = SQUARE.lat[::-1] if lat_descending else SQUARE.lat
    data = values[::-1] if lat_descending else values
    ds = xr.Dataset({"z": (("lat", "lon"), data)}, coords={"lat": lat, "lon": SQUARE.lon})
    path = tmp_path / "grid.nc"
    ds.to_netcdf(path, format="NETCDF4")
    grid, got = read_meic_grid(path)
    assert grid == SQUARE
    np.testing.assert_array_equal(got, values)


@pytest.mark.parametrize("fraction", [0.5, 0.8])
@pytest.mark.parametrize("fmt", ["NETCDF3_CLASSIC", "NETCDF4"])
def test_meic_truncated_netcdf_is_rejected(tmp_path, fraction, fmt):
    values = np.random.default_rng(0).uniform(0, 1, (200, 320))
    path = tmp_path / "grid.nc"
    write_gmt(path, values, (70.0, 150.0), (10.0, 60.0), (0.25, 0.25), node_offset=1, fmt=fmt)
    raw = path.read_bytes()
    path.write_bytes(raw[: int(len(raw) * fraction)])
    with pytest.raises(InputError, match=r"grid\.nc"):
        read_meic_grid(path)


@pytest.mark.parametrize("bad", [np.inf, -1.0])
def test_meic_negative_or_infinite_values_are_rejected(tmp_path, bad):
    values = known(SQUARE)
    values[2, 3] = bad
    path = tmp_path / "g.asc"
    write_meic_asc(path, SQUARE, values, np.zeros(values.shape, bool))
    with pytest.raises(InputError, match="non-negative"):
        read_meic_grid(path)


def test_meic_wrong_dimensions_are_rejected(tmp_path):
    path = tmp_path / "grid.nc"
    write_gmt(path, known(SQUARE)[::-1], (100.0, 106.0), (20.0, 24.0), (1.0, 1.0), node_offset=1)
    with pytest.raises(InputError, match="dimension"):
        read_meic_grid(path)
    asc = tmp_path / "g.asc"
    asc.write_text("ncols 3\nnrows 2\nxllcorner 100\nyllcorner 20\ncellsize 1\nNODATA_value -9999\n1 2 3\n4 5\n")
    with pytest.raises(InputError, match="ncols/nrows"):
        read_meic_grid(asc)


# ---- population -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("units", ["counts", "density_km2"])
def test_population_geotiff_reads_back_exactly(tmp_path, units):
    values = known(GRID) * 1e4
    path = tmp_path / "pop.tif"
    write_population_geotiff(path, GRID, values, units)
    grid, people = read_population(path)
    assert grid == GRID
    expected = values * GRID.cell_area_m2() / 1e6 if units == "density_km2" else values
    np.testing.assert_allclose(people, expected, rtol=1e-15)
    if units == "counts":
        np.testing.assert_array_equal(people, values)


@pytest.mark.parametrize("dims", [("lat", "lon"), ("y", "x"), ("lon", "lat"), ("time", "lat", "lon")])
def test_population_netcdf_dims_and_order(tmp_path, dims):
    values = known(GRID)
    data, coords = values, {"lat": GRID.lat[::-1], "lon": GRID.lon}
    data = values[::-1]  # north to south, as GeoTIFF-derived netCDF files often are
    if dims == ("lon", "lat"):
        data = data.T
    if dims[0] == "time":
        data, coords = data[None], {**coords, "time": [0]}
    names = {"lat": "y", "lon": "x"} if dims == ("y", "x") else {}
    coords = {names.get(k, k): v for k, v in coords.items()}
    ds = xr.Dataset(
        {"population": (tuple(names.get(d, d) for d in dims), data, {"units": "persons per cell"})}, coords=coords
    )
    path = tmp_path / "pop.nc"
    ds.to_netcdf(path)
    grid, people = read_population(path)
    assert grid == GRID
    np.testing.assert_array_equal(people, values)


def test_population_units_from_config_and_total_check(tmp_path):
    people = known(SQUARE)
    people *= official_population(["CN-HE"]) / people.sum()
    path = tmp_path / "pop.tif"
    write_population_geotiff(path, SQUARE, people, "counts")
    assert read_population(path, provinces=["CN-HE"])[1].sum() == pytest.approx(people.sum(), rel=1e-12)
    density = people / (SQUARE.cell_area_m2() / 1e6)
    dens_path = tmp_path / "dens.tif"
    write_population_geotiff(dens_path, SQUARE, density, "counts")  # mislabelled: density stored as counts
    with pytest.raises(InputError, match="population total") as error:
        read_population(dens_path, provinces=["CN-HE"])
    assert "read as density per km2 it would be" in str(error.value)
    got = read_population(dens_path, units="density_km2", provinces=["CN-HE"])[1]
    np.testing.assert_allclose(got, people, rtol=1e-12)


def test_population_without_units_metadata_needs_the_config(tmp_path):
    ds = xr.Dataset({"population": (("lat", "lon"), known(GRID))}, coords={"lat": GRID.lat, "lon": GRID.lon})
    path = tmp_path / "pop.nc"
    ds.to_netcdf(path)
    with pytest.raises(InputError, match=r"data\.population_units"):
        read_population(path)
    assert read_population(path, units="counts")[1].shape == (GRID.nlat, GRID.nlon)


def test_population_three_d_or_projected_grids_are_rejected(tmp_path):
    ds = xr.Dataset(
        {"population": (("band", "lat", "lon"), np.ones((2, GRID.nlat, GRID.nlon)))},
        coords={"lat": GRID.lat, "lon": GRID.lon},
    )
    ds.to_netcdf(tmp_path / "pop3.nc")
    with pytest.raises(InputError, match="2-D grid"):
        read_population(tmp_path / "pop3.nc", units="counts")
    import rasterio
    from affine import Affine

    with rasterio.open(
        tmp_path / "m.tif",
        "w",
        driver="GTiff",
        height=4,
        width=4,
        count=1,
        dtype="float64",
        crs="EPSG:3857",
        transform=Affine(1000.0, 0, 1.1e7, 0, -1000.0, 3.0e6),
    ) as dst:
        dst.write(np.ones((4, 4)), 1)
    with pytest.raises(InputError, match="crs"):
        read_population(tmp_path / "m.tif", units="counts")


# ---- conservative regridding ------------------------------------------------------------------------------------


def test_conservative_regridding_preserves_totals():
    src = LonLatGrid(95.0, 125.0, 20.0, 45.0, 0.5, 0.5)
    dst = LonLatGrid(95.0, 125.0, 20.0, 45.0, 1.25, 1.0)
    people = np.random.default_rng(3).uniform(0, 1e5, (src.nlat, src.nlon))
    moved = regrid_extensive(people, src, dst)
    assert moved.sum() == pytest.approx(people.sum(), rel=1e-12)
    # a uniform density stays uniform: persons per m2 equal in every destination cell
    density = src.cell_area_m2() * 3.0
    np.testing.assert_allclose(regrid_extensive(density, src, dst) / dst.cell_area_m2(), 3.0, rtol=1e-10)


def test_conservative_regridding_to_a_larger_domain_keeps_everything_and_a_smaller_one_clips():
    src = LonLatGrid(100.0, 102.0, 20.0, 22.0, 0.5, 0.5)
    people = np.ones((4, 4))
    big = LonLatGrid(99.0, 104.0, 19.0, 23.0, 1.0, 1.0)
    assert regrid_extensive(people, src, big).sum() == pytest.approx(16.0, rel=1e-12)
    half = LonLatGrid(100.0, 101.0, 20.0, 22.0, 1.0, 1.0)  # the western half
    assert regrid_extensive(people, src, half).sum() == pytest.approx(8.0, rel=1e-12)


# ---- boundaries -------------------------------------------------------------------------------------------------


def write_geojson(path, features, crs="urn:ogc:def:crs:OGC:1.3:CRS84"):
    import json

    collection = {"type": "FeatureCollection", "features": features}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection), encoding="utf-8")


def box_feature(code, lon0, lon1, lat0, lat1):
    ring = [[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]
    return {
        "type": "Feature",
        "properties": {"iso3166_2": code},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def test_boundaries_in_requested_order_and_checked(tmp_path):
    from exportpm.io.boundaries import read_boundaries

    path = tmp_path / "b.geojson"
    write_geojson(path, [box_feature("CN-JS", 116, 122, 30, 35), box_feature("CN-HE", 113.5, 119.5, 36, 42)])
    codes, polygons = read_boundaries(path, ("CN-HE", "CN-JS"))
    assert codes == ("CN-HE", "CN-JS") and polygons[0].bounds == (113.5, 36.0, 119.5, 42.0)
    write_geojson(path, [box_feature("CN-HE", 113.5, 119.5, 36, 42), box_feature("CN-HE", 100, 101, 30, 31)])
    with pytest.raises(InputError, match="one feature per province"):
        read_boundaries(path)
    write_geojson(path, [box_feature("CN-HE", 36, 42, 113.5, 119.5)])  # lat/lon swapped
    with pytest.raises(InputError, match="coordinates"):
        read_boundaries(path)


# ---- GAINS and agricultural NH3 -----------------------------------------------------------------------------------

GAINS_PREAMBLE = "GAINS export\nScenario: x\nPollutant: SO2\nYear: 2015\nUnits: kt\n\n"


def test_gains_export_read_in_any_accepted_encoding(tmp_path):
    from exportpm.io.emission_inputs import read_gains

    body = (
        "Region,Sector,Activity,Unit,activity,impl_ef,emiss\nCHIN_Hebei,PP_EX_COAL,HC1,PJ,10,0.5,5.25\n"
        "CHIN_河北,PP_EX_COAL,HC2,PJ,2,0.5,1\nCHIN_JIANGSU,PP_EX_OIL,NOF,PJ,1,1,0\n"
    )
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        path = tmp_path / f"gains_{encoding}.csv"
        path.write_bytes((GAINS_PREAMBLE + body).encode(encoding))
        frame = read_gains(path)
        assert list(frame["province"]) == ["CN-HE", "CN-HE", "CN-JS"]
        assert list(frame["kt"]) == [5.25, 1.0, 0.0]


def test_agri_nh3_duplicates_and_negatives_rejected(tmp_path):
    import pandas as pd

    from exportpm.io.emission_inputs import read_agri_nh3

    categories = pd.DataFrame({"category": ["rice", "pigs"], "gtap_code": ["pdr", "oap"]})
    path = tmp_path / "nh3.csv"
    path.write_text("province,category,nh3_t\nCN-HE,rice,10.5\nHebei,pigs,2\n", encoding="utf-8")
    frame = read_agri_nh3(path, categories)
    assert list(frame["gtap_sector"]) == ["pdr", "oap"] and list(frame["nh3_t"]) == [10.5, 2.0]
    path.write_text("province,category,nh3_t\nCN-HE,rice,10.5\n河北,rice,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="province, category"):
        read_agri_nh3(path, categories)


# ---- monitoring stations ------------------------------------------------------------------------------------------


def write_station_list(path, codes):
    lines = ["监测点编码,监测点名称,城市,经度,纬度"]
    lines += [f"{c},站{c},北京,{116 + k / 10},{39.9}" for k, c in enumerate(codes)]
    path.write_bytes(("\n".join(lines) + "\n").encode("gb18030"))


def write_year(folder, codes, year, value, hours_per_day=24, skip_days=()):
    """Every day of ``year`` with ``hours_per_day`` hourly values ``value(day_index, station)``."""
    from datetime import date, timedelta

    from exportpm.io.stations import write_archive_day

    n_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    for d in range(n_days):
        if d in skip_days:
            continue
        values = np.full((24, len(codes)), np.nan)
        for k in range(len(codes)):
            values[: hours_per_day if not callable(hours_per_day) else hours_per_day(d, k), k] = value(d, k)
        day = date(year, 1, 1) + timedelta(d)
        write_archive_day(folder / f"china_sites_{day:%Y%m%d}.csv", day, {"PM2.5": values, "AQI": values * 2}, codes)
    return sorted(folder.glob("china_sites_*.csv"))


def test_station_means_follow_gb3095_validity_rules(tmp_path):
    from exportpm.io.stations import evaluation_frame, station_means

    codes = ["1001A", "1002A", "1003A"]
    write_station_list(tmp_path / "list.csv", codes)
    # 1001A: 20 hourly values every day (valid days); 1002A: 19 (no valid day); 1003A: 24, value = month
    hours = {0: 20, 1: 19, 2: 24}
    files = write_year(
        tmp_path,
        codes,
        2017,
        lambda d, k: 10.0 * (k + 1) + (d // 31),
        hours_per_day=lambda d, k: hours[k],
        skip_days=set(range(31 + 3, 31 + 5)) | set(range(59 + 4, 59 + 9)),
    )  # Feb: 26 days, Mar: 26
    means = station_means(files, tmp_path / "list.csv", 2017)
    annual = means.annual.set_index("code")
    assert annual.loc["1002A", "n_days"] == 0 and not annual.loc["1002A", "valid"]
    assert annual.loc["1001A", "n_days"] == 365 - 7 and annual.loc["1001A", "valid"]
    monthly = means.monthly.set_index(["code", "month"])
    assert monthly.loc[("1003A", 2), "n_days"] == 26 and monthly.loc[("1003A", 2), "valid"]  # >= 25 in Feb
    assert monthly.loc[("1003A", 3), "n_days"] == 26 and not monthly.loc[("1003A", 3), "valid"]  # < 27
    assert np.isnan(monthly.loc[("1003A", 3), "pm25_ugm3"])
    assert monthly.loc[("1003A", 1), "pm25_ugm3"] == pytest.approx(30.0)  # January days 0-30: 30 + 0
    frame = evaluation_frame(means)
    assert set(frame["station_id"]) == {"1001A", "1003A"} and (frame["month"] != 3).all()
    assert frame.query("station_id == '1001A' and month == 0")["lon"].item() == 116.0


def test_annual_mean_needs_324_days(tmp_path):
    from exportpm.io.stations import station_means

    write_station_list(tmp_path / "list.csv", ["1001A"])
    files = write_year(tmp_path, ["1001A"], 2017, lambda d, k: 50.0, skip_days=set(range(41)))  # 324 days
    assert station_means(files, tmp_path / "list.csv", 2017).annual["valid"].item()
    files[0].unlink()  # 323 days
    means = station_means(files[1:], tmp_path / "list.csv", 2017)
    assert not means.annual["valid"].item() and means.annual["n_days"].item() == 323


def test_daily_mean_uses_only_hourly_pm25_rows(tmp_path):
    from datetime import date

    from exportpm.io.stations import read_daily_file, write_archive_day

    values = np.arange(24.0)[:, None].repeat(2, 1)
    values[:3, 1] = np.nan  # 21 hours: still valid
    path = tmp_path / "china_sites_20170301.csv"
    write_archive_day(
        path, date(2017, 3, 1), {"AQI": values * 10, "PM2.5": values, "PM2.5_24h": values + 100}, ["1001A", "1002A"]
    )
    day, means = read_daily_file(path, ["1001A", "1002A"], 2017)
    assert day == date(2017, 3, 1)
    assert means["1001A"] == pytest.approx(11.5) and means["1002A"] == pytest.approx(np.arange(3, 24).mean())


ARCHIVE_VARIANTS = {
    "plain": lambda text, d: text,
    "crlf": lambda text, d: text.replace("\n", "\r\n"),
    "blank_markers": lambda text, d: re.sub(",(?=\n)", ",NA" if d % 2 else ",null", text).replace(",,", ",-,"),
    "spaces_in_cells": lambda text, d: text.replace(",7,", ", 7,") if d % 2 else text,
    "utf8_bom": lambda text, d: "\ufeff" + text if d == 3 else text,
    "comment_line": lambda text, d: "# provenance\n" + text if d == 4 else text,
    "text_in_24h_rows": lambda text, d: re.sub("(PM2.5_24h,)[^,]*", "\\1n/a", text, count=1) if d == 5 else text,
    "nan_text_in_24h_rows": lambda text, d: re.sub("(PM2.5_24h,)[^,]*", "\\1NAN", text, count=1) if d == 5 else text,
    "padded_hour": lambda text, d: text.replace(",5,PM2.5,", ",05,PM2.5,") if d == 6 else text,
    "minus_zero": lambda text, d: re.sub("(,0,PM2.5,)[^,]*", "\\1-0", text, count=1) if d == 7 else text,
    "fewer_stations": lambda text, d: (
        "\n".join(line.rsplit(",", 1)[0] for line in text.split("\n")[:-1]) + "\n" if d >= 20 else text
    ),
}


@pytest.mark.parametrize("variant", sorted(ARCHIVE_VARIANTS))
def test_batch_archive_reader_equals_the_file_by_file_reader(tmp_path, variant, monkeypatch):
    """station_means reads plain files in batches (pyarrow) and any other file on its own: the means are
    identical to reading every file with read_daily_file, whichever way each file was read."""
    from datetime import date, timedelta

    import exportpm.io.stations as st

    codes = ["1001A", "1002A", "1003A", "1004A"]
    write_station_list(tmp_path / "list.csv", codes)
    rng = np.random.default_rng(7)
    files = []
    for d in range(40):
        day = date(2017, 1, 1) + timedelta(d)
        lines = [",".join(["date", "hour", "type", *codes])]
        for kind in ("PM2.5", "PM2.5_24h"):
            for hour in range(24):
                values = [f"{v:.{d % 4}f}" for v in rng.lognormal(3.0, 0.8, len(codes))]
                values = [
                    ("" if u < 0.1 else "0" if u < 0.15 else v)
                    for v, u in zip(values, rng.random(len(codes)), strict=True)
                ]
                lines.append(",".join([f"{day:%Y%m%d}", str(hour), kind, *values]))
        text = "\n".join(lines) + "\n"
        files.append(tmp_path / f"china_sites_{day:%Y%m%d}.csv")
        files[-1].write_bytes(ARCHIVE_VARIANTS[variant](text, d).encode("utf-8"))
    batch = st._read_days_at_once(sorted(map(str, files)), set(codes), 2017)
    if variant in ("plain", "crlf", "utf8_bom"):
        assert len(batch) == len(files)  # the fast path takes plain files, LF or CRLF, with a UTF-8 BOM or not
    for path, (day, means) in batch.items():
        ref_day, ref = st.read_daily_file(path, codes, 2017)
        assert day == ref_day and list(means.index) == list(ref.index)
        np.testing.assert_array_equal(means.to_numpy(), ref.to_numpy())  # bit for bit (NaN where NaN)
    together = st.station_means(files, tmp_path / "list.csv", 2017)
    monkeypatch.setattr(st, "_read_days_at_once", lambda *args: {})
    one_by_one = st.station_means(files, tmp_path / "list.csv", 2017)
    pd.testing.assert_frame_equal(together.monthly, one_by_one.monthly, check_exact=True)
    pd.testing.assert_frame_equal(together.annual, one_by_one.annual, check_exact=True)


def test_archive_writer_formats_like_the_platform(tmp_path):
    from datetime import date

    from exportpm.io.stations import write_archive_day

    values = np.array([[0.0, 12.0, np.nan, 1234567.0], [3.0, np.nan, 7.0, 8.0]])
    fractional = np.array([[0.5, 1.5, 2.5, np.nan], [-3.0, 2.7, np.inf, 1e20]])
    path = tmp_path / "china_sites_20170301.csv"
    write_archive_day(path, date(2017, 3, 1), {"PM2.5": values, "AQI": fractional}, ["a", "b", "c", "d"])
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = [",".join(["" if np.isnan(v) else f"{v:.0f}" for v in row]) for row in [*values, *fractional]]
    assert lines[0] == "date,hour,type,a,b,c,d"
    assert [line.split(",", 3)[3] for line in lines[1:]] == expected
    assert lines[3].startswith("20170301,0,AQI,")


def test_base_fields_take_months_from_the_rule_not_from_file_names(tmp_path):
    from exportpm.ctm import COMPONENTS
    from exportpm.ctm.product import write_pm25
    from exportpm.evaluation import base_fields

    grid = LonLatGrid(100.0, 102.0, 30.0, 32.0, 1.0, 1.0)
    paths = []
    for k in range(2):  # month 7 first, then month 1
        components = {c: np.full((2, 2), float(k + 1)) for c in COMPONENTS}
        paths.append(tmp_path / f"product_{k}.nc")  # names that say nothing about the month
        write_pm25(paths[-1], grid, components, {})
    got_grid, fields = base_fields(paths, [7, 1], background_ugm3=np.array([[0.5, 1.5], [2.5, 3.5]]))
    assert got_grid == grid and sorted(fields) == [1, 7]
    np.testing.assert_allclose(fields[7], len(COMPONENTS) * 1.0 + np.array([[0.5, 1.5], [2.5, 3.5]]))
    np.testing.assert_allclose(fields[1], len(COMPONENTS) * 2.0 + np.array([[0.5, 1.5], [2.5, 3.5]]))
    with pytest.raises(ValueError, match="one Base product per month"):
        base_fields(paths, [7])
