"""The linked MRIO on the tiny world: expansion (Eq. 1), customs blocks (Eq. 2), link and GRAS balance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exportpm.errors import InputError
from exportpm.io.customs import read_customs
from exportpm.io.gtap import read_gtap_basedata
from exportpm.io.yearbook import read_agriculture_output
from exportpm.mrio.gtap import global_mrio
from exportpm.mrio.link import assemble, balance
from exportpm.mrio.pipeline import blocks_from_files, provincial_from_files
from exportpm.resources import RESOURCES_DIR

EXCLUDED = [
    "processing trade with imported materials",
    "equipment imported for processing trade",
    "bonded-zone warehousing and re-exported goods",
]


@pytest.fixture(scope="module")
def tiny_chain(tiny_world):
    world = global_mrio(read_gtap_basedata(tiny_world / "gtap/basedata.har"))
    china = world.x[world.index("chn")]
    provincial, shares = provincial_from_files(
        tiny_world / "ceads/china_provincial_mrio_2017.xlsx",
        tiny_world / "yearbook/agriculture_output_2017.csv",
        tiny_world / "yearbook/cattle_2017.csv",
        tiny_world / "yearbook/wood_furniture_2017.csv",
        RESOURCES_DIR / "concordance_ceads42_gtap65.csv",
        world.sectors,
        china,
        6.7518,
    )
    blocks, summary = blocks_from_files(
        tiny_world / "customs/customs_2017.csv",
        tiny_world / "customs/hs6_gtap_concordance.csv",
        RESOURCES_DIR / "gtap11_regions.csv",
        world,
        provincial,
        "chn",
        EXCLUDED,
    )
    table, x, fd_target = assemble(world, provincial, blocks)
    balanced, result, report = balance(table, x, fd_target, tol=1e-11)
    return {
        "world": world,
        "provincial": provincial,
        "shares": shares,
        "blocks": blocks,
        "summary": summary,
        "table": table,
        "balanced": balanced,
        "result": result,
        "report": report,
        "fd_target": fd_target,
    }


def test_linked_table_is_balanced(tiny_chain):
    t = tiny_chain["balanced"]
    assert t.Z.shape == (7 * 17, 7 * 17)  # 4 foreign regions + 3 provinces, 17 sectors
    assert not np.isnan(t.Z).any() and not np.isnan(t.Y).any()
    np.testing.assert_allclose(t.Z.sum(1) + t.Y.sum(1), t.x, rtol=1e-8)
    np.testing.assert_allclose(t.Z.sum(0) + t.v, t.x, rtol=1e-8)
    np.testing.assert_allclose(t.Y.sum(0), tiny_chain["fd_target"], rtol=1e-8)
    assert list(t.regions[-3:]) == ["CN-HE", "CN-JS", "CN-SC"] and t.is_province.sum() == 3
    # every province-sector with output has inputs in its column
    n = len(t.sectors)
    provincial_cols = slice(4 * n, 7 * n)
    has_output = t.x[provincial_cols] > 0
    assert (t.Z[:, provincial_cols].sum(0)[has_output] > 0).all()


def test_gras_preserves_structure_and_reports(tiny_chain):
    report = tiny_chain["report"].set_index(["stage", "check"])["value"]
    assert report[("balanced", "row_sums_vs_x")] < 1e-10
    assert report[("balanced", "column_sums_vs_x")] < 1e-10
    assert report[("unbalanced", "row_sums_vs_x")] > 1e-4  # the sources really disagree before GRAS
    before, after = tiny_chain["table"].Z, tiny_chain["balanced"].Z
    assert ((before == 0) == (after == 0)).all()  # zeros stay zero, signs stay


def test_agricultural_split_adds_back_per_province(tiny_chain, tiny_world):
    provincial, shares = tiny_chain["provincial"], tiny_chain["shares"]
    np.testing.assert_allclose(shares["share_sum"], 1.0, atol=1e-12)
    ag = ["pdr", "wht", "gro", "ctl", "frs"]
    N = len(provincial.sectors)
    idx = [provincial.sectors.index(s) for s in ag]
    ag_out = provincial.x.reshape(3, N)[:, idx]
    table = shares[shares["ceads_sector"] == "01"]["output_10k_cny"].to_numpy() / (6.7518 * 100)
    np.testing.assert_allclose(ag_out.sum(1), table, rtol=1e-12)
    # Eq. 1 with 'cereal grains nec = grains - rice - wheat' and O_g the yearbook total; the unallocated rest
    # (agricultural services) by GTAP China's shares
    yb = read_agriculture_output(tiny_world / "yearbook/agriculture_output_2017.csv")
    parts = np.column_stack(
        [
            yb["rice"],
            yb["wheat"],
            yb["grains"] - yb["rice"] - yb["wheat"],
            yb["cattle_sheep_goats_horses"],
            yb["forestry"],
        ]
    )
    total = yb["total"].to_numpy()[:, None]
    world = tiny_chain["world"]
    china = world.x[world.index("chn")][[world.sectors.index(s) for s in ag]]
    expected = parts / total + (1 - parts.sum(1, keepdims=True) / total) * china / china.sum()
    assert (1 - parts.sum(1) / total[:, 0] > 0.01).all()  # the yearbook total is larger
    np.testing.assert_allclose(ag_out / ag_out.sum(1, keepdims=True), expected, rtol=1e-10)


def test_customs_blocks_match_provincial_trade_totals(tiny_chain):
    blocks, provincial = tiny_chain["blocks"], tiny_chain["provincial"]
    np.testing.assert_allclose(blocks.ZPF.sum(1) + blocks.DPF.sum(1), provincial.exports, rtol=1e-10, atol=1e-9)
    np.testing.assert_allclose(
        blocks.ZFP.sum(0).reshape(3, -1).sum(0).sum() + blocks.DFP.sum(), provincial.imports.sum(), rtol=1e-10
    )
    summary = tiny_chain["summary"].set_index("flow")
    assert 0 < summary.at["export", "excluded_trade_mode_share"] < 1


def test_pymrio_export_computes(tiny_chain):
    pymrio = pytest.importorskip("pymrio")
    from exportpm.mrio.store import to_pymrio

    io = to_pymrio(tiny_chain["balanced"])
    assert isinstance(io, pymrio.IOSystem)
    io.calc_all()
    np.testing.assert_allclose(io.x.to_numpy().ravel(), tiny_chain["balanced"].x, rtol=1e-8)


def _customs_copy(tiny_world, tmp_path, column, bad_value):
    frame = pd.read_csv(tiny_world / "customs/customs_2017.csv", comment="#", dtype=str, encoding="gb18030")
    frame.loc[0, column] = bad_value
    path = tmp_path / "customs_bad.csv"
    frame.to_csv(path, index=False, encoding="gb18030")
    return path


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("商品编码", "99999999", "hs_code"),
        ("贸易伙伴编码", "999", "partner_code"),
        ("注册地编码", "99019", "region_code"),
        ("美元", "-5", "美元"),
    ],
)
def test_customs_reader_rejects_bad_records(tiny_world, tmp_path, column, value, field):
    path = _customs_copy(tiny_world, tmp_path, column, value)
    with pytest.raises(InputError, match=rf"customs_bad\.csv: field '{field}'"):
        read_customs(
            path,
            tiny_world / "customs/hs6_gtap_concordance.csv",
            RESOURCES_DIR / "gtap11_regions.csv",
            ("CN-HE",),
            ("pdr",),
            ("usa",),
            EXCLUDED,
        )


def test_yearbook_and_concordance_readers_reject_bad_input(tiny_world, tmp_path):
    frame = pd.read_csv(tiny_world / "yearbook/agriculture_output_2017.csv", comment="#")
    frame.loc[0, "item"] = "unicorns"
    bad = tmp_path / "agri_bad.csv"
    frame.to_csv(bad, index=False)
    with pytest.raises(InputError, match=r"agri_bad\.csv: field 'item'"):
        read_agriculture_output(bad)
    concordance = pd.read_csv(RESOURCES_DIR / "concordance_ceads42_gtap65.csv", comment="#", dtype=str)
    concordance = concordance[concordance["ceads_code"] != "02"]
    path = tmp_path / "concordance_bad.csv"
    concordance.to_csv(path, index=False)
    world = global_mrio(read_gtap_basedata(tiny_world / "gtap/basedata.har"))
    with pytest.raises(InputError, match=r"concordance_bad\.csv: field 'ceads_code'"):
        provincial_from_files(
            tiny_world / "ceads/china_provincial_mrio_2017.xlsx",
            tiny_world / "yearbook/agriculture_output_2017.csv",
            tiny_world / "yearbook/cattle_2017.csv",
            tiny_world / "yearbook/wood_furniture_2017.csv",
            path,
            world.sectors,
            world.x[world.index("chn")],
            6.7518,
        )


def test_split_rules_by_hand():
    """Beef = price x production (national production-weighted price where missing); furniture to omf."""
    from exportpm.mrio.provincial import YearbookData, split_shares

    sectors = ("pdr", "wht", "gro", "cmt", "ofd", "lum", "omf")
    concordance = pd.DataFrame(
        {
            "ceads_code": ["01", "01", "01", "06", "06", "09", "09"],
            "gtap_code": ["pdr", "wht", "gro", "cmt", "ofd", "lum", "omf"],
            "split_rule": ["yearbook_agriculture"] * 3 + ["yearbook_bovine_meat"] * 2 + ["yearbook_furniture"] * 2,
        }
    )
    agriculture = pd.DataFrame(
        {"grains": [10.0, 6.0], "rice": [2.0, 0.0], "wheat": [3.0, 6.0]}, index=["CN-AA", "CN-BB"]
    )
    cattle = pd.DataFrame(
        {"production_10k_t": [1.0, 1.5], "price_cny_per_kg": [50.0, np.nan]}, index=["CN-AA", "CN-BB"]
    )
    furniture = pd.Series([0.25, 0.5], index=["CN-AA", "CN-BB"])
    china_output = np.array([1, 1, 1, 1, 3, 1, 1], dtype=float)
    output = np.array([[100.0, 1e5, 80.0], [100.0, 1e5, 80.0]])  # 10^4 CNY: agriculture, food, wood
    S = split_shares(
        concordance,
        ["01", "06", "09"],
        sectors,
        ("CN-AA", "CN-BB"),
        china_output,
        YearbookData(agriculture, cattle, furniture),
        output,
    )
    np.testing.assert_allclose(S[0, 0, :3], [0.2, 0.3, 0.5])  # gro = 10 - 2 - 3
    np.testing.assert_allclose(S[1, 0, :3], [0.0, 1.0, 0.0])
    np.testing.assert_allclose(S[0, 1, 3], 1.0 * 50 * 1e3 / 1e5)  # 10^4 t x CNY/kg = 10^3 x 10^4 CNY
    np.testing.assert_allclose(S[1, 1, 3], 1.5 * 50 * 1e3 / 1e5)  # national average price (only AA reports)
    np.testing.assert_allclose(S[:, 1, 4], 1 - S[:, 1, 3])
    np.testing.assert_allclose(S[:, 2, 5:], [[0.75, 0.25], [0.5, 0.5]])


def test_ceads_reader_rejects_negative_output(tiny_world, tmp_path):
    from openpyxl import load_workbook

    from exportpm.io.ceads import read_ceads_mrio

    wb = load_workbook(tiny_world / "ceads/china_provincial_mrio_2017.xlsx")
    ws = wb["Table_2017"]
    ws.cell(row=5, column=ws.max_column).value = -1.0  # total output of the first province-sector
    path = tmp_path / "ceads_bad.xlsx"
    wb.save(path)
    with pytest.raises(InputError, match=r"ceads_bad\.xlsx: field 'total output'"):
        read_ceads_mrio(path)


def test_gras_keeps_the_customs_export_blocks(tiny_chain):
    """Item 8: with the export blocks held, every province x partner export total (and every cell of Z_PF, Y_PF)
    is the customs value; without, GRAS moves them. The report says how far the rest had to move."""
    from exportpm.mrio.link import export_blocks

    table, balanced = tiny_chain["table"], tiny_chain["balanced"]
    held = export_blocks(table)
    n = table.n_rows
    before = np.hstack([table.Z, table.Y])[np.ix_(held.rows, held.cols)]
    after = np.hstack([balanced.Z, balanced.Y])[np.ix_(held.rows, held.cols)]
    np.testing.assert_array_equal(after, before)
    report = tiny_chain["report"].set_index(["stage", "check"])["value"]
    assert report[("balanced", "export_totals_drift_province_partner")] == 0.0
    assert 0 < report[("balanced", "free_cells_relative_change")] < 1
    _, _, free = balance(table, table.x, tiny_chain["fd_target"], tol=1e-11, hold_exports=False)
    free = free.set_index(["stage", "check"])["value"]
    assert free[("balanced", "export_totals_drift_province")] > 1e-4  # the old behaviour: exports drift
    assert held.cols.max() >= n  # foreign final demand held too


def test_gras_with_held_cells_is_biproportional_on_the_rest():
    """On a small augmented matrix: held cells unchanged, margins met, and every free cell X_ij = r_i s_j A_ij
    (the RAS characterisation: log(X / A) is a sum of a row and a column term on the free cells)."""
    from exportpm.mrio.link import HeldBlocks, balance_augmented

    rng = np.random.default_rng(7)
    A = rng.uniform(0.5, 2.0, (5, 6))
    A0 = A.copy()
    held = HeldBlocks(np.array([3, 4]), np.array([0, 1]))
    x_target, fd_target = np.array([9.0, 8.0, 10.0, 11.0]), np.array([2.0, 3.0])  # rows [x, 5], columns [x, fd]
    balance_augmented(A, x_target, fd_target, tol=1e-13, held=held)
    np.testing.assert_array_equal(A[np.ix_(held.rows, held.cols)], A0[np.ix_(held.rows, held.cols)])
    np.testing.assert_allclose(A.sum(1), np.concatenate([x_target, [fd_target.sum()]]), rtol=1e-10)
    np.testing.assert_allclose(A.sum(0), np.concatenate([x_target, fd_target]), rtol=1e-10)
    ratio = np.log(A / A0)
    free = np.ones_like(ratio, dtype=bool)
    free[np.ix_(held.rows, held.cols)] = False
    # r_i s_j form: ratio[i, j] - ratio[i, k] - ratio[l, j] + ratio[l, k] = 0 for free cells (i,j),(i,k),(l,j),(l,k)
    for i, l_, j, k in ((0, 1, 0, 2), (0, 2, 3, 5), (1, 2, 1, 4), (3, 0, 2, 5)):
        if free[i, j] and free[i, k] and free[l_, j] and free[l_, k]:
            assert ratio[i, j] - ratio[i, k] - ratio[l_, j] + ratio[l_, k] == pytest.approx(0.0, abs=1e-9)
    assert 0 < held.free_change


def test_eq1_uses_the_yearbook_total_and_reports_the_rest():
    """Eq. 1 with O_g the yearbook's total agricultural output: each mapped product keeps O_s / O_g, the
    unallocated remainder goes by GTAP China's shares; the 'mapped' option divides by the products' sum."""
    from exportpm.mrio.provincial import YearbookData, split_shares

    sectors = ("pdr", "wht", "gro")
    concordance = pd.DataFrame(
        {"ceads_code": ["01"] * 3, "gtap_code": list(sectors), "split_rule": ["yearbook_agriculture"] * 3}
    )
    agriculture = pd.DataFrame({"grains": [10.0], "rice": [2.0], "wheat": [3.0], "total": [20.0]}, index=["CN-AA"])
    data = YearbookData(agriculture, pd.DataFrame(columns=["production_10k_t", "price_cny_per_kg"]), pd.Series())
    china = np.array([1.0, 1.0, 2.0])  # GTAP China shares 1/4, 1/4, 1/2
    S = split_shares(concordance, ["01"], sectors, ("CN-AA",), china, data, np.array([[100.0]]))
    unallocated = 1 - 10 / 20
    np.testing.assert_allclose(S[0, 0], np.array([2, 3, 5]) / 20 + unallocated * np.array([0.25, 0.25, 0.5]))
    S = split_shares(
        concordance, ["01"], sectors, ("CN-AA",), china, data, np.array([[100.0]]), agriculture_total="mapped"
    )
    np.testing.assert_allclose(S[0, 0], [0.2, 0.3, 0.5])


def test_bovine_share_above_the_cap_fails_naming_the_province():
    from exportpm.mrio.provincial import YearbookData, split_shares

    sectors = ("cmt", "ofd")
    concordance = pd.DataFrame(
        {"ceads_code": ["06", "06"], "gtap_code": list(sectors), "split_rule": ["yearbook_bovine_meat"] * 2}
    )
    cattle = pd.DataFrame({"production_10k_t": [3.0], "price_cny_per_kg": [50.0]}, index=["CN-AA"])
    data = YearbookData(pd.DataFrame(), cattle, pd.Series())
    args = (concordance, ["06"], sectors, ("CN-AA",), np.array([1.0, 1.0]), data, np.array([[100.0]]))
    with pytest.raises(InputError, match="CN-AA"):
        split_shares(*args)  # 3 x 50 x 1e3 = 150 000 > 95 % of 100
    S = split_shares(*args, bovine_cap="warn")
    np.testing.assert_allclose(S[0, 0], [0.95, 0.05])


def test_assembly_from_the_file_reads_gtap_rows_lazily_and_equals_the_in_memory_one(tiny_chain, tmp_path):
    """Rule link assembles from open_global_mrio (Z stays in the netCDF file, read one region's rows at a time):
    the same table, bit for bit, as from the fully loaded GTAP MRIO."""
    from exportpm.mrio.store import open_global_mrio, write_global_mrio

    path = tmp_path / "gtap_mrio.nc"
    write_global_mrio(tiny_chain["world"], path, {})
    with open_global_mrio(path) as world:
        assert not isinstance(world.Z, np.ndarray)
        table, _, fd_target = assemble(world, tiny_chain["provincial"], tiny_chain["blocks"])
    expected = tiny_chain["table"]
    for name in ("Z", "Y", "x", "v"):
        np.testing.assert_array_equal(getattr(table, name), getattr(expected, name))
    np.testing.assert_array_equal(fd_target, tiny_chain["fd_target"])
