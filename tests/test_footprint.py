"""Footprint engine: pymrio's test system, an explicit inverse on a small linked table, Miller & Blair."""

from __future__ import annotations

import numpy as np
import pytest

from exportpm.footprint.exports import ExportInputs, export_emissions, to_frames
from exportpm.footprint.leontief import (
    LeontiefSystem,
    ProvinceRows,
    _compact_block_in_place,
    technical_coefficients,
)


def test_miller_blair_two_sector_leontief_inverse():
    A = np.array([[0.15, 0.25], [0.20, 0.05]])
    L = LeontiefSystem.factorise(A).solve(np.eye(2))
    np.testing.assert_allclose(L, [[1.2541, 0.3300], [0.2640, 1.1221]], atol=5e-5)
    np.testing.assert_allclose(L, np.linalg.inv(np.eye(2) - A), rtol=1e-12)


@pytest.mark.parametrize("province", [0, 1])
def test_miller_blair_rows_through_the_block_factorisation(province):
    A = np.array([[0.15, 0.25], [0.20, 0.05]])  # Z = A with unit outputs
    expected = np.array([[1.2541, 0.3300], [0.2640, 1.1221]])[province]
    blocks = ProvinceRows.from_flows(A.copy(), np.ones(2), np.array([province]), np.array([1 - province]))
    np.testing.assert_allclose(blocks.weighted_rows(np.eye(1))[0], expected, atol=5e-5)
    np.testing.assert_allclose(blocks.times(np.eye(2))[0], np.linalg.inv(np.eye(2) - A)[province], rtol=1e-12)


def consumption_accounts(
    Z: np.ndarray, x: np.ndarray, Y: np.ndarray, S: np.ndarray, regions: int
) -> dict[str, np.ndarray]:
    """Footprints in pymrio's layout through LeontiefSystem (the test's interface to the oracle).

    Z (n x n), x (n), Y (n x regions) final demand per consuming region, S (q x n) stressor intensities.
    Returns D_cba (q x n: footprint of all regions' final demand for each product (region, sector)... laid out
    per consuming region and sector as pymrio does), D_pba (q x n) and D_exp (q x n).
    """
    n = x.size
    N = n // regions
    system = LeontiefSystem.factorise(technical_coefficients(Z, x))
    multipliers = system.solve_transposed(S.T).T  # M = S L (q x n)
    D_cba = np.zeros((S.shape[0], regions * N))
    for c in range(regions):
        D_cba[:, c * N : (c + 1) * N] = (multipliers * Y[:, c][None, :]).reshape(S.shape[0], regions, N).sum(1)
    output = system.solve(Y)  # x per consuming region (n x regions)
    region_of_row = np.repeat(np.arange(regions), N)
    foreign = output.copy()
    foreign[region_of_row[:, None] == np.arange(regions)[None, :]] = 0.0
    return {"D_cba": D_cba, "D_pba": S * output.sum(1)[None, :], "D_exp": S * foreign.sum(1)[None, :]}


def test_against_pymrio_test_system():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test().calc_all()
    regions = io.get_regions()
    Y = io.Y.T.groupby(level="region", sort=False).sum().T[list(regions)].to_numpy()
    ours = consumption_accounts(io.Z.to_numpy(), io.x.to_numpy().ravel(), Y, io.emissions.S.to_numpy(), len(regions))
    for name in ("D_cba", "D_pba", "D_exp"):
        theirs = getattr(io.emissions, name).to_numpy()
        np.testing.assert_allclose(ours[name], theirs, rtol=1e-10, atol=1e-10 * np.abs(theirs).max())


@pytest.mark.parametrize(
    "keep", [np.arange(0, 7), np.arange(5, 12), np.array([0, 2, 3, 7, 11]), np.array([1, 4, 5, 6, 9, 10])]
)
def test_compacting_a_block_in_place_equals_fancy_indexing(keep):
    Z = np.random.default_rng(0).random((12, 12))
    expected = Z[np.ix_(keep, keep)]
    block = _compact_block_in_place(Z, keep)
    assert np.shares_memory(block, Z) and block.flags.c_contiguous
    np.testing.assert_array_equal(block, expected)


@pytest.mark.parametrize("provinces", [np.arange(12, 20), np.arange(0, 8), np.array([1, 2, 5, 8, 9, 13, 17, 19])])
def test_province_rows_equal_the_explicit_inverse(provinces):
    rng = np.random.default_rng(7)
    n = 20
    Z = rng.uniform(0, 1, (n, n)) * (rng.random((n, n)) < 0.6)
    x = Z.sum(1) / rng.uniform(0.3, 0.8, n)  # value added and final demand in every sector
    x[3] = 0.0  # a sector without output (in both groups' cases)
    Z[3, :] = Z[:, 3] = 0.0
    foreign = np.setdiff1d(np.arange(n), provinces)
    A = technical_coefficients(Z, x)
    L = np.linalg.inv(np.eye(n) - A)
    blocks = ProvinceRows.from_flows(Z.copy(), x, provinces, foreign)
    B = rng.random((n, 4))
    W = rng.random((3, provinces.size))
    np.testing.assert_allclose(blocks.times(B), L[provinces] @ B, rtol=1e-12)
    np.testing.assert_allclose(blocks.weighted_rows(W), W @ L[provinces], rtol=1e-12)
    np.testing.assert_allclose(
        blocks.intermediate_exports_through_foreign_inverse(B[foreign]),
        A[np.ix_(provinces, foreign)] @ L[np.ix_(foreign, foreign)] @ B[foreign],
        rtol=1e-12,
    )
    L_PP = blocks.provinces_times(np.eye(provinces.size))
    assert (L_PP >= 0).all() and (blocks.V >= 0).all() and (blocks.U >= 0).all()


def test_province_rows_refuse_a_singular_system():
    Z = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.1], [0.1, 0.1, 0.5]])  # foreign sectors use all their output
    x = np.array([1.0, 1.0, 1.0])
    with pytest.raises(np.linalg.LinAlgError, match="singular"):
        ProvinceRows.from_flows(Z, x, np.array([2]), np.array([0, 1]))


@pytest.mark.parametrize("provinces", [("reg5", "reg6"), ("reg2", "reg5")])
def test_export_engine_footprints_equal_pymrio(provinces):
    """The engine itself on pymrio's test system, two of its regions standing in for provinces (only their
    emissions kept, in both): footprints of every region's final demand and production-based emissions."""
    pymrio = pytest.importorskip("pymrio")
    import pandas as pd

    io = pymrio.load_test()
    io.calc_system()
    regions = tuple(io.get_regions())
    row_region = io.Z.index.get_level_values("region")
    emitted = io.emissions.F.where(pd.Series(row_region.isin(provinces), index=io.Z.index), 0.0, axis=1)
    io.masked = pymrio.Extension(name="masked", F=emitted, unit=io.emissions.unit)
    io.calc_extensions()
    x = io.x.to_numpy().ravel()
    categories = tuple(dict.fromkeys(io.Y.columns.get_level_values(1)))
    inputs = ExportInputs(
        regions,
        tuple(io.get_sectors()),
        np.isin(regions, provinces),
        io.Z.to_numpy().copy(),
        io.Y.to_numpy(),
        x,
        categories,
        emitted.to_numpy() / x[None, :],
        ("type1", "type2"),
        {r: "all" for r in regions if r not in provinces},
        (),
    )
    result = export_emissions(inputs)
    ours = result.all_demand.sum(axis=1).reshape(2, len(regions), len(categories)).sum(-1)
    theirs = io.masked.D_cba.T.groupby(level="region", sort=False).sum().T[list(regions)].to_numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-10)
    pba = io.masked.D_pba.T.groupby(level="region", sort=False).sum().T[list(provinces)].to_numpy()
    np.testing.assert_allclose(result.emissions.sum(-1), pba, rtol=1e-10)


def small_linked(seed: int = 3, F_regions: int = 3, provinces: int = 3, N: int = 3, D: int = 3):
    rng = np.random.default_rng(seed)
    R = F_regions + provinces
    n = R * N
    Z = rng.uniform(0.0, 1.0, (n, n)) * (rng.random((n, n)) < 0.7)
    Y = rng.uniform(0.5, 2.0, (n, R * D))
    x = Z.sum(1) + Y.sum(1)
    Z *= 0.8  # make sure columns have value added: x > column sums
    x = Z.sum(1) + Y.sum(1)
    regions = tuple(f"f{i}" for i in range(F_regions)) + tuple(f"CN-{i}" for i in range(provinces))
    is_province = np.array([False] * F_regions + [True] * provinces)
    F = np.zeros((2, n))
    F[:, F_regions * N :] = rng.uniform(0.1, 3.0, (2, provinces * N))
    groups = {"f0": "g1", "f1": "g2", "f2": "g1"}
    return ExportInputs(
        regions,
        tuple(f"s{k}" for k in range(N)),
        is_province,
        Z,
        Y,
        x,
        ("household", "government", "gfcf"),
        F,
        ("SO2", "NOx"),
        groups,
        ("CN-0",),
    )


def test_every_output_equals_the_explicit_inverse():
    inp = small_linked()
    Z, Y, x, F = inp.Z.copy(), inp.Y.copy(), inp.x.copy(), inp.F.copy()
    N = 3
    result = export_emissions(inp)
    A = technical_coefficients(Z, x)
    L = np.linalg.inv(np.eye(x.size) - A)
    P = np.arange(9, 18)
    Fr = np.arange(0, 9)
    fcols = np.arange(0, 9)  # foreign regions' final demand columns (3 regions x 3 categories)
    Ld = np.linalg.inv(np.eye(9) - A[np.ix_(P, P)])
    ex_int = A[np.ix_(P, Fr)] @ (L[np.ix_(Fr, Fr)] @ Y[np.ix_(Fr, fcols)])
    for q in range(2):
        for r in range(3):
            rows_r = P[r * N : (r + 1) * N]
            for s in range(3):
                rows_s = P[s * N : (s + 1) * N]
                fin = F[q, rows_r] @ L[np.ix_(rows_r, rows_s)] @ Y[np.ix_(rows_s, fcols)]
                inter = (
                    F[q, rows_r]
                    @ Ld[np.ix_(np.arange(r * N, (r + 1) * N), np.arange(s * N, (s + 1) * N))]
                    @ ex_int[s * N : (s + 1) * N]
                )
                np.testing.assert_allclose(result.by_consumer[q, r, s, :, :, 0].ravel(), fin, rtol=1e-10)
                np.testing.assert_allclose(result.by_consumer[q, r, s, :, :, 1].ravel(), inter, rtol=1e-10)
            # all final demand columns, and total emissions
            np.testing.assert_allclose(result.all_demand[q, r], F[q, rows_r] @ L[rows_r] @ Y, rtol=1e-10)
            np.testing.assert_allclose(result.emissions[q, r], F[q, rows_r] * x[rows_r], rtol=1e-12)
    # by producing x consuming sector x group: f_j L[j, i] Y[i, c] summed by sector(i) and group(c)
    group_cols = {0: [0, 1, 2, 6, 7, 8], 1: [3, 4, 5]}
    for q in range(2):
        for k in range(N):
            rows_k = np.arange(k, x.size, N)
            for g, cols in group_cols.items():
                expected = F[q, P] * (L[np.ix_(P, rows_k)] @ Y[np.ix_(rows_k, cols)].sum(1))
                np.testing.assert_allclose(result.by_sector[q, :, :, k, g].ravel(), expected, rtol=1e-10)
    # drivers: all exports, East Coast (CN-0) exports, direct exports
    all_exports = F[:, P] * (L[P] @ Y[:, fcols].sum(1))[None, :]
    np.testing.assert_allclose(result.by_emitter[..., 0].reshape(2, -1), all_exports, rtol=1e-10)
    y0 = np.zeros(x.size)
    y0[P[:N]] = Y[np.ix_(P[:N], fcols)].sum(1)
    ex0 = np.zeros(9)
    ex0[:N] = ex_int[:N].sum(1)
    east = F[:, P] * (L[P] @ y0 + Ld @ ex0)[None, :]
    np.testing.assert_allclose(result.by_emitter[..., 1].reshape(2, -1), east, rtol=1e-10)
    # by final-demand category d: F_P L[P, :] sum_e Y[:, (e, d)] (Supp. Fig. 5)
    for d in range(3):
        y_d = Y[:, fcols].reshape(-1, 3, 3)[:, :, d].sum(1)
        np.testing.assert_allclose(result.by_category[..., d].reshape(2, -1), F[:, P] * (L[P] @ y_d)[None], rtol=1e-10)
    # export volume [s, sector, e, channel]: final sum_d Y[s i, e d], intermediate sum_j Z[s i, e j]
    np.testing.assert_allclose(result.export_volume[..., 0], Y[np.ix_(P, fcols)].reshape(3, N, 3, 3).sum(-1))
    np.testing.assert_allclose(result.export_volume[..., 1], Z[np.ix_(P, Fr)].reshape(3, N, 3, N).sum(-1))


def test_direct_exports_are_own_final_products_only():
    """Eq. 11: direct = F_r L Y^{re} (r's own final products consumed abroad); Eq. 12: everything else, r's own
    intermediate exports to foreign producers included, is indirect. Against the dense inverse."""
    inp = small_linked()
    Z, Y, x, F = inp.Z.copy(), inp.Y.copy(), inp.x.copy(), inp.F.copy()
    N, P, fcols = 3, np.arange(9, 18), np.arange(0, 9)
    result = export_emissions(inp)
    L = np.linalg.inv(np.eye(x.size) - technical_coefficients(Z, x))
    direct = result.by_emitter[..., result.driver_names.index("direct_exports")]
    for r in range(3):
        rows_r = P[r * N : (r + 1) * N]
        y_re = np.zeros(x.size)
        y_re[rows_r] = Y[np.ix_(rows_r, fcols)].sum(1)  # Y^{re}: r's final exports only
        np.testing.assert_allclose(direct[:, r], F[:, rows_r] * (L[rows_r] @ y_re)[None], rtol=1e-10)
    export_related = F[:, P] * (L[P] @ Y[:, fcols].sum(1))[None]
    indirect = export_related.sum() - direct.sum()
    own_intermediate = sum(result.by_consumer[:, r, r, :, :, 1].sum() for r in range(3))
    assert own_intermediate > 0 and indirect > own_intermediate  # r's own intermediate exports are indirect
    frames = to_frames(
        result, inp.species, inp.categories, inp.sectors, inp.consumer_groups, {"SO2": 0.95, "NOx": 0.95}
    )
    bc = frames["by_consumer"]
    assert not bc.loc[bc["channel"] == "intermediate_exports", "direct"].any()
    assert bc.loc[bc["direct"], "tonnes"].sum() == pytest.approx(direct.sum(), rel=1e-10)


def test_frames_ape_and_direct_flag():
    inp = small_linked()
    species, categories, sectors, groups = inp.species, inp.categories, inp.sectors, inp.consumer_groups
    result = export_emissions(inp)
    frames = to_frames(result, species, categories, sectors, groups, {"SO2": 0.95, "NOx": 0.95})
    bc = frames["by_consumer"]
    np.testing.assert_allclose(bc["ape"], bc["tonnes"] * 1000 / 0.95)
    assert bc["direct"].any() and (~bc["direct"]).any()
    assert bc["tonnes"].sum() == pytest.approx(result.by_consumer.sum(), rel=1e-12)
    assert set(frames["export_volume"]["channel"]) == {"final_products", "intermediate_exports"}


def test_scenario_fractions_by_hand():
    import pandas as pd

    from exportpm.footprint.fractions import scenario_fractions

    inventory = pd.DataFrame(
        {
            "province": ["CN-A"] * 3,
            "meic_sector": ["industry", "power", "industry"],
            "sector": ["i_s", "ely", "ely"],
            "species": ["SO2", "SO2", "SO2"],
            "tonnes": [10.0, 30.0, 10.0],
        }
    )
    meic = pd.DataFrame(
        {"province": ["CN-A"] * 2, "meic_sector": ["industry", "power"], "species": ["SO2"] * 2, "meic_t": [25.0, 30.0]}
    )  # 5 t of industry excluded (never removed)
    by_emitter = pd.DataFrame(
        {
            "species": ["SO2", "SO2"],
            "emitting_province": ["CN-A"] * 2,
            "sector": ["i_s", "ely"],
            "driver": ["all_exports"] * 2,
            "tonnes": [5.0, 10.0],
        }
    )
    totals = pd.DataFrame(
        {"species": ["SO2", "SO2"], "province": ["CN-A"] * 2, "sector": ["i_s", "ely"], "tonnes": [10.0, 40.0]}
    )
    out = scenario_fractions(inventory, meic, by_emitter, totals).set_index("meic_sector")["fraction_removed"]
    assert out["industry"] == pytest.approx((10 * 0.5 + 10 * 0.25) / 25)
    assert out["power"] == pytest.approx(30 * 0.25 / 30)


def test_ape_per_tonne_is_eq13():
    """Eq. 13: a tonne of SO2 at 0.95 kg per equivalent is 1000 / 0.95 equivalents; unknown species named."""
    from exportpm.conventions import ape_per_tonne

    assert ape_per_tonne(("SO2", "CO"), {"SO2": 0.95, "CO": 16.7}).tolist() == [1000 / 0.95, 1000 / 16.7]
    with pytest.raises(KeyError, match="NH3"):
        ape_per_tonne(("NH3",), {"SO2": 0.95})


def test_stored_province_rows_give_the_same_products_bit_for_bit(tmp_path):
    """ProvinceRows.write / read (the export engine's factorisation, reused by rule spa): equal arrays and equal
    products; a file lacking a block is refused, naming it."""
    import xarray as xr

    from exportpm.errors import InputError

    rng = np.random.default_rng(3)
    n = 16
    Z = rng.uniform(0, 1, (n, n))
    x = Z.sum(1) / rng.uniform(0.3, 0.8, n)
    provinces, foreign = np.array([2, 3, 7, 8, 12]), np.setdiff1d(np.arange(n), [2, 3, 7, 8, 12])
    blocks = ProvinceRows.from_flows(Z.copy(), x, provinces, foreign)
    blocks.write(tmp_path / "blocks.nc", {"provenance": "test"})
    back = ProvinceRows.read(tmp_path / "blocks.nc")
    B, W = rng.random((n, 3)), rng.random((2, provinces.size))
    np.testing.assert_array_equal(back.times(B), blocks.times(B))
    np.testing.assert_array_equal(back.weighted_rows(W), blocks.weighted_rows(W))
    np.testing.assert_array_equal(back.foreign_rows, foreign)
    with xr.open_dataset(tmp_path / "blocks.nc") as ds:
        ds.drop_vars("V").to_netcdf(tmp_path / "no_v.nc")
    with pytest.raises(InputError, match="'V'"):
        ProvinceRows.read(tmp_path / "no_v.nc")
    with pytest.raises(InputError, match="<file>"):
        ProvinceRows.read(tmp_path / "missing.nc")
