"""Structural path analysis: layers against matrix powers, flow identities, top paths against brute force."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from spa_oracles import all_paths_brute_force, layer_by_exporter_brute_force

from exportpm.footprint.leontief import technical_coefficients
from exportpm.spa import (
    FOREIGN,
    SpaInputs,
    adjacent_layer_flows,
    aggregate_rows,
    disparities,
    group_column_products,
    layer_summary,
    spa_tables,
    three_index_flows,
    top_paths,
)


def system(n=8, seed=5, density=0.7):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 0.2, (n, n)) * (rng.random((n, n)) < density)
    f = rng.uniform(0.1, 2.0, n)
    y = rng.uniform(0.5, 3.0, n)
    return A, f, y


def small_linked(seed: int = 4, F_regions: int = 2, provinces: int = 3, N: int = 2, D: int = 2):
    """A linked system (foreign regions first, then provinces) with its dense inverse for the oracles."""
    rng = np.random.default_rng(seed)
    R = F_regions + provinces
    n = R * N
    Z = rng.uniform(0.0, 1.0, (n, n)) * (rng.random((n, n)) < 0.8)
    Y = rng.uniform(0.5, 2.0, (n, R * D))
    x = (Z.sum(1) + Y.sum(1)) * 1.3  # value added in every column
    regions = tuple(f"f{i}" for i in range(F_regions)) + tuple(f"CN-{i}" for i in range(provinces))
    is_province = np.array([False] * F_regions + [True] * provinces)
    F = np.zeros((2, n))
    F[:, F_regions * N :] = rng.uniform(0.1, 3.0, (2, provinces * N))
    A = technical_coefficients(Z, x)
    inputs = SpaInputs(
        regions,
        tuple(f"s{k}" for k in range(N)),
        is_province,
        A.copy(),
        Y,
        ("household", "gfcf"),
        F,
        ("SO2", "NOx"),
        {"SO2": 0.95, "NOx": 1.9},
        {"f0": "g1", "f1": "g2"},
    )
    return inputs, A


def _oracle(inputs, A):
    n, N, Fr = A.shape[0], len(inputs.sectors), 2
    L = np.linalg.inv(np.eye(n) - A)
    f = inputs.F[0] * 1000 / 0.95 + inputs.F[1] * 1000 / 1.9
    fcols = np.arange(Fr * len(inputs.categories))
    y = inputs.Y[:, fcols].sum(1)
    province_of = np.repeat(np.arange(-Fr, 3), N)
    province_of[province_of < 0] = -1
    return L, f, y, province_of


def test_layers_by_exporting_province_equal_path_enumeration():
    """Eq. 16 by exporting province, both channels: every path of length t enumerated on the dense system; the
    remainder from the dense inverse; summed over exporters, the national layers f A^t y."""
    inputs, A = small_linked()
    L, f, y, province_of = _oracle(inputs, A)
    tables = spa_tables(inputs, depth=3, n_paths=5)
    ape = tables["layers"][tables["layers"]["species"] == "APE"]
    P = np.flatnonzero(province_of >= 0)
    both = ape[ape["driver"].str.startswith("exports_of:")]
    for t in range(4):
        expected = layer_by_exporter_brute_force(A, f, y, province_of, t)[P]
        got = both[both["layer"] == f"PL{t}"].assign(
            row=lambda d: d["emitting_province"].str[3:].astype(int) * 2 + d["sector"].str[1:].astype(int),
            col=lambda d: d["driver"].str[-1].astype(int),
        )
        ours = np.zeros_like(expected)
        np.add.at(ours, (got["row"].to_numpy(), got["col"].to_numpy()), got["value"].to_numpy())
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-12 * expected.max())
        national = ape[(ape["driver"] == "all_exports") & (ape["layer"] == f"PL{t}")]["value"].sum()
        assert national == pytest.approx((f * (np.linalg.matrix_power(A, t) @ y))[P].sum(), rel=1e-10)
    # all layers, the remainder PL4+ included, add up to f L y for every exporter (both channels)
    A_PP, A_PF = A[np.ix_(P, P)], A[np.ix_(P, np.flatnonzero(province_of < 0))]
    y_abroad = np.where(province_of < 0, y, 0.0)
    exported = A_PF @ (L @ y_abroad)[province_of < 0]
    Ld = np.linalg.inv(np.eye(P.size) - A_PP)
    for s in range(3):
        y_s = np.where(province_of == s, y, 0.0)
        split = np.where(province_of[P] == s, exported, 0.0)
        total = f[P] * (L[P] @ y_s + Ld @ split)
        assert both.loc[both["driver"] == f"exports_of:CN-{s}", "value"].sum() == pytest.approx(total.sum(), rel=1e-10)
        final = ape[ape["driver"] == f"final_exports_of:CN-{s}"]["value"].sum()
        assert final == pytest.approx((f[P] * (L[P] @ y_s)).sum(), rel=1e-10)


def test_mapping_flows_run_through_foreign_buyers():
    """Eq. 17 / Table 3 on every node, foreign ones included: [g_k, g_j] = sum m_k a_kj (A^t y)_j with m = f L,
    and E^{2->0}_{kji} = m_k a_kj a_ji y_i, against the dense inverse."""
    inputs, A = small_linked()
    L, f, y, province_of = _oracle(inputs, A)
    m = f @ L
    tables = spa_tables(inputs, depth=3, n_paths=5)
    names = ("CN-0", "CN-1", "CN-2", FOREIGN)
    group = np.where(province_of < 0, 3, province_of)
    G = np.eye(4)[group]  # n x groups indicator
    for t in range(4):
        v = np.linalg.matrix_power(A, t) @ y
        expected = G.T @ (m[:, None] * A * v[None, :]) @ G
        link = f"PL{t + 1}->PL{t}" if t < 3 else "PL4+->PL3"
        rows = tables["flows"][tables["flows"]["link"] == link]
        ours = np.zeros((4, 4))
        for row in rows.itertuples():
            ours[names.index(row.supplier), names.index(row.buyer)] = row.ape
        np.testing.assert_allclose(ours, expected, rtol=1e-10)
        assert ours[3, 3] > 0  # the pale-yellow flows: foreign -> foreign
        nodes = tables["layer_nodes"][tables["layer_nodes"]["layer"] == f"PL{t}"].set_index("group")
        np.testing.assert_allclose(nodes.loc[list(names), "embodied_ape"], G.T @ (m * v), rtol=1e-10)
    three = np.einsum("k,kj,ji,i->kji", m, A, A, y)
    expected3 = np.einsum("kji,ka,jb,ic->abc", three, G, G, G)
    ours3 = np.zeros((4, 4, 4))
    for row in tables["flows_three_index"].itertuples():
        ours3[names.index(row.group_k), names.index(row.group_j), names.index(row.group_i)] = row.ape
    np.testing.assert_allclose(ours3, expected3, rtol=1e-10)


def test_flow_helpers_by_definition():
    A, f, y = system()
    m = f @ np.linalg.inv(np.eye(len(f)) - A)
    groups = [np.arange(3), np.arange(3, 8)]
    operand = group_column_products(A, y[:, None], groups)[..., 0].T
    agg = adjacent_layer_flows(m, operand, groups)
    full = m[:, None] * A * y[None, :]
    assert agg[0, 1] == pytest.approx(full[:3, 3:].sum()) and agg[1, 0] == pytest.approx(full[3:, :3].sum())
    np.testing.assert_allclose(aggregate_rows(np.arange(8.0), groups), [3.0, 25.0])
    each = [np.array([i]) for i in range(8)]
    C = group_column_products(A, group_column_products(A, y[:, None], each)[..., 0].T, each)
    np.testing.assert_allclose(three_index_flows(m, C, each), np.einsum("k,kj,ji,i->kji", m, A, A, y), rtol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_top_paths_equal_brute_force(seed):
    A, f, y = system(n=7, seed=seed)
    m = f @ np.linalg.inv(np.eye(len(f)) - A)
    found = top_paths(A, f, m, y, n_paths=25, max_depth=4)
    brute = all_paths_brute_force(A, f, y, max_depth=4)[:25]
    assert [p.nodes for p in found] == [p.nodes for p in brute]
    np.testing.assert_allclose([p.value for p in found], [p.value for p in brute], rtol=1e-12)


def test_pruning_keeps_chains_behind_clean_intermediaries():
    """A clean intermediary (f = 0) in front of a very dirty supplier: the big path must be found."""
    A = np.array([[0.0, 0.0, 0.0], [0.5, 0.0, 0.0], [0.0, 0.9, 0.0]])  # 2 supplies 1, 1 supplies 0
    f = np.array([0.01, 0.0, 50.0])
    y = np.array([1.0, 0.0, 0.0])
    m = f @ np.linalg.inv(np.eye(3) - A)
    best = top_paths(A, f, m, y, n_paths=1, max_depth=4)[0]
    assert best.nodes == (2, 1, 0) and best.value == pytest.approx(50 * 0.9 * 0.5)


def test_accept_filter_reports_only_accepted_paths():
    A, f, y = system(n=6, seed=9)
    m = f @ np.linalg.inv(np.eye(6) - A)
    longer = top_paths(A, f, m, y, n_paths=10, accept=lambda nodes: len(nodes) > 1)
    brute = [p for p in all_paths_brute_force(A, f, y) if len(p.nodes) > 1][:10]
    assert [p.nodes for p in longer] == [p.nodes for p in brute]


def test_top_paths_equal_pyspa_above_a_threshold():
    """pyspa (Stephan et al.) on a small system: every pathway whose own value exceeds the threshold is found by
    the pipeline's search (``top_paths`` with that threshold as ``min_value``), with the same value."""
    import contextlib
    import io

    pyspa = pytest.importorskip("pyspa")
    A, f, _ = system(n=7, seed=3)
    f[3] = 0.0  # a clean node: passed through, never reported
    m = f @ np.linalg.inv(np.eye(7) - A)
    for target in (0, 2, 3, 5):
        threshold = 0.01 * m[target]
        info = pd.DataFrame(
            {
                "ID": np.arange(1, 8),
                "Name": [f"s{i}" for i in range(7)],
                "Region": "R",
                "Unit": "USD",
                "DR_APE_(eq)": f,
                "TR_APE_(eq)": m,
            }
        )
        with contextlib.redirect_stdout(io.StringIO()):
            chain = pyspa.get_spa(target, 4, A, info, {"APE": threshold}, zero_indexing=True)
        theirs = {
            tuple(int(str(node.index_reference)) for node in path.nodes)[
                ::-1
            ]: path.get_fraction_of_total_intensity_for("APE") * m[target]
            for path in chain.get_pathways()
        }
        theirs = {k: v for k, v in theirs.items() if v > threshold}
        y = np.zeros(7)
        y[target] = 1.0
        ours = {p.nodes: p.value for p in top_paths(A, f, m, y, n_paths=10_000, max_depth=4, min_value=threshold)}
        assert set(ours) == set(theirs) and len(ours) > 3
        np.testing.assert_allclose([ours[k] for k in sorted(ours)], [theirs[k] for k in sorted(ours)], rtol=1e-10)


def test_layer_summary_by_hand():
    """Shares of each layer's export-related emissions (both channels) and of interprovincial flows."""
    layers = pd.DataFrame(
        {
            "species": "APE",
            "layer": "PL1",
            "driver": [
                "exports_of:A",
                "exports_of:A",
                "exports_of:B",
                "exports_of:B",
                "exports_of:C",
                "all_exports",
                "all_exports",
                "all_exports",
            ],
            "emitting_province": ["A", "B", "A", "B", "B", "A", "B", "C"],
            "sector": "x",
            "value": [1.0, 3.0, 2.0, 4.0, 5.0, 3.0, 12.0, 0.0],
        }
    )
    flows = pd.DataFrame(
        {
            "link": "PL1->PL0",
            "supplier_layer": "PL1",
            "buyer_layer": "PL0",
            "supplier": ["B", "B", "B", "A", FOREIGN],
            "buyer": ["A", "C", FOREIGN, "B", "B"],
            "ape": [6.0, 2.0, 9.0, 1.0, 7.0],
        }
    )
    out = layer_summary(layers, flows, east_coast={"A"}, inland={"B", "C"})
    out = out.set_index(["measure", "method", "region", "counterpart", "layer"])["share"]
    assert out[("national_share_driven_by_other_provinces", "layers", "China", "", "PL1")] == pytest.approx(10 / 15)
    # indirect at PL1: all (3 + 12 + 0) minus own final products (none here: no final_exports_of rows)
    assert out[("national_indirect_share", "layers", "China", "", "PL1")] == pytest.approx(1.0)
    # inland B hosts 3 (A's exports) + 5 (C's) interprovincially: 3/8 driven by the East Coast
    assert out[("inland_interprovincial_share_driven_by_east_coast", "layers", "inland", "", "PL1")] == pytest.approx(
        3 / 8
    )
    assert out[
        ("east_coast_interprovincial_share_driven_by_inland", "layers", "East Coast", "", "PL1")
    ] == pytest.approx(1.0)
    assert out[("province_interprovincial_share_by_driver", "layers", "B", "C", "PL1")] == pytest.approx(5 / 8)
    # mapping: supplier B at PL1 sells 6 to A and 2 to C (the foreign buyer is not interprovincial)
    assert out[("inland_interprovincial_share_driven_by_east_coast", "mapping", "inland", "", "PL1")] == pytest.approx(
        6 / 8
    )
    assert out[("province_interprovincial_share_driven_by_east_coast", "mapping", "B", "", "PL1")] == pytest.approx(
        6 / 8
    )
    assert out[("province_layer_share", "layers", "B", "", "PL1")] == pytest.approx(1.0)


def test_disparity_sign_by_hand():
    """Supp. Fig. 7: disparity of r = others' emissions driven by r's exports - r's emissions driven by others'
    exports (positive for the exporter); pair flows oriented from the driving to the hosting province."""
    # emitting x exporting APE: E emits 1 for its own exports and 2 for I's; I emits 10 for E's and 3 for its own.
    by_consumer = pd.DataFrame(
        {
            "emitting_province": ["E", "E", "I", "I", "I"],
            "exporting_province": ["E", "I", "E", "I", "E"],
            "channel": ["final_products", "final_products", "final_products", "final_products", "intermediate_exports"],
            "ape": [1.0, 2.0, 6.0, 3.0, 4.0],
        }
    )
    per_province, pairs = disparities(by_consumer)
    per = per_province.set_index("province")
    assert per.at["E", "disparity_ape"] == pytest.approx(10.0 - 2.0)
    assert per.at["I", "disparity_ape"] == pytest.approx(2.0 - 10.0)
    assert per.at["E", "caused_elsewhere_ape"] == pytest.approx(10.0)
    assert per.at["E", "hosted_for_others_ape"] == pytest.approx(2.0)
    assert len(pairs) == 1
    assert (pairs.at[0, "driving_province"], pairs.at[0, "hosting_province"]) == ("E", "I")
    assert pairs.at[0, "net_ape"] == pytest.approx(8.0)


def test_spa_with_the_export_engines_stored_factorisation_equals_its_own(tmp_path):
    """Rule spa applies the block factorisation rule export_emissions stored (ProvinceRows.write / read) instead
    of factorising I - A again: every table is the same, bit for bit, and blocks of other rows are refused."""
    from exportpm.footprint.leontief import ProvinceRows

    inputs, A = small_linked()
    own = spa_tables(inputs, depth=3, n_paths=5)
    inputs, A = small_linked()
    P = np.flatnonzero(np.repeat(inputs.is_province, len(inputs.sectors)))
    F = np.flatnonzero(~np.repeat(inputs.is_province, len(inputs.sectors)))
    ProvinceRows.from_coefficients(A.copy(), P, F).write(tmp_path / "blocks.nc", {"provenance": "test"})
    stored = spa_tables(inputs, depth=3, n_paths=5, blocks=ProvinceRows.read(tmp_path / "blocks.nc"))
    for name, table in own.items():
        pd.testing.assert_frame_equal(stored[name], table, check_exact=True)
    inputs, A = small_linked()
    other = ProvinceRows.from_coefficients(A.copy(), P[2:], np.sort(np.concatenate([F, P[:2]])))
    with pytest.raises(ValueError, match="other province rows"):
        spa_tables(inputs, depth=3, n_paths=5, blocks=other)
