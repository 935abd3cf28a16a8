"""The hybrid inventory: MEIC aggregation, GAINS shares (Eq. 3), exclusions, agricultural NH3, intensities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from exportpm.grid import LonLatGrid
from exportpm.inventory import INVENTORY_SPECIES, MEIC_SECTORS
from exportpm.inventory.hybrid import build_inventory, gains_shares, intensities
from exportpm.inventory.meic import province_weights
from exportpm.inventory.pipeline import check_frame, hybrid_from_inputs, read_inventory_inputs
from exportpm.io.emission_inputs import interpolate_years
from exportpm.io.gtap import read_gtap_basedata
from exportpm.mrio.gtap import global_mrio
from exportpm.resources import RESOURCES_DIR, resource


def test_shared_cells_split_by_area_and_coast_kept_on_land():
    grid = LonLatGrid(0, 3, 0, 1, 1.0, 1.0)
    west, east = shapely.box(0, 0, 1.5, 1), shapely.box(1.5, 0, 2.5, 1)  # x > 2.5 is sea
    W = province_weights(grid, [west, east]).toarray()
    np.testing.assert_allclose(W[:, 0], [1, 0])
    np.testing.assert_allclose(W[:, 1], [0.5, 0.5])
    np.testing.assert_allclose(W[:, 2], [0, 1])  # half land, half sea: all to the land province


def test_gains_shares_fall_back_to_national():
    gains = np.array([[1.0, 3.0, 5.0], [0.0, 0.0, 7.0]])
    shares = gains_shares(gains, np.array([0, 1]))
    np.testing.assert_allclose(shares, [[0.25, 0.75], [0.25, 0.75]])


@pytest.mark.parametrize("method", ["linear", "nearest", "loglinear"])
def test_interpolation_variants_agree_at_the_gains_years(method):
    a, b = np.array([4.0, 0.0, 2.0]), np.array([1.0, 3.0, 2.0])
    np.testing.assert_allclose(interpolate_years(a, b, 2015, 2020, 2015, method), a)
    np.testing.assert_allclose(interpolate_years(a, b, 2015, 2020, 2020, method), b)


def test_linear_interpolation_2017():
    np.testing.assert_allclose(interpolate_years(np.array([10.0]), np.array([5.0]), 2015, 2020, 2017), [8.0])


@pytest.fixture(scope="module")
def tiny_inventory(tiny_world):
    world = global_mrio(read_gtap_basedata(tiny_world / "gtap/basedata.har"))
    provinces = ("CN-HE", "CN-JS", "CN-SC")
    N = len(world.sectors)
    rng = np.random.default_rng(0)
    x = np.concatenate([world.x[: N * 4], rng.uniform(50, 500, 3 * N)])
    regions = (*world.regions[1:], *provinces)  # any 4 foreign regions, then the provinces
    flags = np.array([False] * 4 + [True] * 3)
    meic = sorted((tiny_world / "meic").glob("2017_*"))
    gains = sorted((tiny_world / "gains").glob("*.csv"))
    inputs = read_inventory_inputs(
        regions,
        world.sectors,
        x,
        flags,
        meic,
        gains,
        tiny_world / "agri_nh3/agri_nh3_2017.csv",
        tiny_world / "boundaries/provinces.geojson",
        RESOURCES_DIR / "gains_sectors.csv",
        RESOURCES_DIR / "agnh3_categories.csv",
        2017,
    )
    return inputs, hybrid_from_inputs(inputs, 2017)


def test_inventory_adds_up_to_meic_minus_exclusions(tiny_inventory):
    inputs, inventory = tiny_inventory
    check = check_frame(inventory, inputs.provinces)
    assert check["relative_gap"].max() < 1e-9
    assert (inventory.emissions >= 0).all()
    # households and private vehicles are excluded and reported
    reasons = set(inventory.excluded_by_gains["reason"])
    assert reasons == {"private_vehicle", "residential"}
    res = MEIC_SECTORS.index("residential")
    assert inventory.excluded[:, res].sum() > 0


def test_agricultural_nh3_follows_the_14_category_inventory(tiny_inventory, tiny_world):
    inputs, inventory = tiny_inventory
    nh3 = INVENTORY_SPECIES.index("NH3")
    ag = MEIC_SECTORS.index("agriculture")
    cats = resource("agnh3_categories").set_index("category")["gtap_code"]
    table = pd.read_csv(tiny_world / "agri_nh3/agri_nh3_2017.csv", comment="#")
    for p, province in enumerate(inputs.provinces):
        rows = table[table["province"] == province]
        expected = np.zeros(len(inputs.sectors))
        for category, value in zip(rows["category"], rows["nh3_t"], strict=True):
            expected[inputs.sectors.index(cats[category])] += value
        got = inventory.emissions[p, ag, :, nh3]
        np.testing.assert_allclose(got / got.sum(), expected / expected.sum(), rtol=1e-12)
        assert got.sum() == pytest.approx(inventory.meic[p, ag, nh3], rel=1e-12)


def test_intensities_are_emissions_over_output(tiny_inventory):
    inputs, inventory = tiny_inventory
    F = intensities(inventory.emissions, inputs.output)
    np.testing.assert_allclose(F * inputs.output[None], np.moveaxis(inventory.emissions.sum(1), -1, 0), rtol=1e-12)


def test_gains_sector_without_output_is_an_error():
    table = pd.DataFrame({"gains_sector": ["X"], "meic_sector": ["power"], "gtap_codes": ["ely"], "excluded": [""]})
    meic = np.zeros((1, 5, 7))
    meic[0, MEIC_SECTORS.index("power"), :] = 1.0
    gains = {s: np.ones((1, 1)) for s in ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25")}
    agri = pd.DataFrame({"province": ["CN-XX"], "category": ["rice"], "gtap_sector": ["pdr"], "nh3_t": [1.0]})
    with pytest.raises(ValueError, match="have no output"):
        build_inventory(("CN-XX",), ("pdr", "ely"), np.array([[1.0, 0.0]]), meic, gains, table, agri)
