"""Structural path analysis: layers against matrix powers, flow identities, top paths against brute force."""

from __future__ import annotations

import numpy as np
import pytest

from exportpm.footprint.leontief import LeontiefSystem
from exportpm.spa import (
    adjacent_layer_flows,
    all_paths_brute_force,
    layer_emissions,
    three_index_flows,
    top_paths,
)


def system(n=8, seed=5, density=0.7):
    rng = np.random.default_rng(seed)
    A = rng.uniform(0, 0.2, (n, n)) * (rng.random((n, n)) < density)
    f = rng.uniform(0.1, 2.0, n)
    y = rng.uniform(0.5, 3.0, n)
    return A, f, y


def test_layers_equal_explicit_matrix_powers_and_add_up():
    A, f, y = system()
    L = np.linalg.inv(np.eye(len(f)) - A)
    total = LeontiefSystem.factorise(A).solve(y[:, None])
    layers = layer_emissions(A, f, y[:, None], total, depth=3)[..., 0]
    for t in range(4):
        np.testing.assert_allclose(layers[t], f * (np.linalg.matrix_power(A, t) @ y), rtol=1e-12)
    np.testing.assert_allclose(layers.sum(0), f * (L @ y), rtol=1e-12)
    assert abs(layers.sum() - f @ L @ y) <= 1e-12 * (f @ L @ y)


def test_mapping_flows_identities():
    A, f, y = system()
    n = len(f)
    L = np.linalg.inv(np.eye(n) - A)
    m = f @ L
    each = np.arange(n)
    # sum over k of E^{1->0}_{kj} = emissions driven by y_j minus its PL0 part
    flows = adjacent_layer_flows(A, m, y, each, each, n)
    driven = m * y
    np.testing.assert_allclose(flows.sum(0), driven - f * y, rtol=1e-12)
    # deeper: sum over k of E^{2->1}_{kj} = m_j (Ay)_j - f_j (Ay)_j
    Ay = A @ y
    flows2 = adjacent_layer_flows(A, m, Ay, each, each, n)
    np.testing.assert_allclose(flows2.sum(0), (m - f) * Ay, rtol=1e-12)
    # three-index form against its definition
    three = three_index_flows(A, m, y, each, n)
    np.testing.assert_allclose(three, np.einsum("k,kj,ji,i->kji", m, A, A, y), rtol=1e-12)
    # aggregated to two groups
    groups = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    agg = adjacent_layer_flows(A, m, y, groups, groups, 2)
    full = m[:, None] * A * y[None, :]
    assert agg[0, 1] == pytest.approx(full[:3, 3:].sum())


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


def test_paths_above_threshold_equal_pyspa():
    """pyspa (Stephan et al.) on a small system: the same pathways and the same values."""
    import contextlib
    import io

    import pandas as pd

    pyspa = pytest.importorskip("pyspa")
    from exportpm.spa import paths_above

    A, f, _ = system(n=7, seed=3)
    f[3] = 0.0  # a clean node: passed through, never reported
    m = f @ np.linalg.inv(np.eye(7) - A)
    for target in (0, 2, 3, 5):
        threshold = 0.01 * m[target]
        info = pd.DataFrame({"ID": np.arange(1, 8), "Name": [f"s{i}" for i in range(7)], "Region": "R", "Unit": "USD",
                             "DR_APE_(eq)": f, "TR_APE_(eq)": m})
        with contextlib.redirect_stdout(io.StringIO()):
            chain = pyspa.get_spa(target, 4, A, info, {"APE": threshold}, zero_indexing=True)
        theirs = {tuple(int(str(node.index_reference)) for node in path.nodes):
                  path.get_fraction_of_total_intensity_for("APE") * m[target] for path in chain.get_pathways()}
        y = np.zeros(7)
        y[target] = 1.0
        ours = paths_above(A, f, m, y, threshold, max_depth=4)
        assert set(ours) == set(theirs)
        np.testing.assert_allclose([ours[k] for k in sorted(ours)], [theirs[k] for k in sorted(ours)], rtol=1e-10)


def test_layer_summary_by_hand():
    import pandas as pd

    from exportpm.spa import layer_summary

    layers = pd.DataFrame({
        "species": "APE", "layer": ["PL1"] * 4 + ["PL1"] * 2,
        "driver": ["exports_of:A", "exports_of:A", "exports_of:B", "exports_of:B", "all_exports", "all_exports"],
        "emitting_province": ["A", "B", "A", "B", "A", "B"], "sector": "x", "value": [1.0, 3.0, 2.0, 4.0, 3.0, 7.0]})
    out = layer_summary(layers, east_coast={"A"}, inland={"B"}).set_index(["measure", "region", "layer"])["share"]
    assert out[("national_share_driven_by_other_provinces", "China", "PL1")] == pytest.approx(5.0 / 10.0)
    assert out[("inland_share_driven_by_east_coast", "inland", "PL1")] == pytest.approx(3.0 / 7.0)
    assert out[("province_layer_share", "A", "PL1")] == pytest.approx(1.0)


def test_disparity_sign_by_hand():
    """Supp. Fig. 7: disparity of r = others' emissions driven by r's exports - r's emissions driven by others'
    exports (positive for the exporter); pair flows oriented from the driving to the hosting province."""
    import pandas as pd

    from exportpm.spa import disparities

    # emitting x exporting APE: E emits 1 for its own exports and 2 for I's; I emits 10 for E's and 3 for its own.
    by_consumer = pd.DataFrame({"emitting_province": ["E", "E", "I", "I", "I"],
                                "exporting_province": ["E", "I", "E", "I", "E"],
                                "channel": ["final_products", "final_products", "final_products",
                                            "final_products", "intermediate_exports"],
                                "ape": [1.0, 2.0, 6.0, 3.0, 4.0]})
    per_province, pairs = disparities(by_consumer)
    per = per_province.set_index("province")
    assert per.at["E", "disparity_ape"] == pytest.approx(10.0 - 2.0)
    assert per.at["I", "disparity_ape"] == pytest.approx(2.0 - 10.0)
    assert per.at["E", "caused_elsewhere_ape"] == pytest.approx(10.0)
    assert per.at["E", "hosted_for_others_ape"] == pytest.approx(2.0)
    assert len(pairs) == 1
    assert (pairs.at[0, "driving_province"], pairs.at[0, "hosting_province"]) == ("E", "I")
    assert pairs.at[0, "net_ape"] == pytest.approx(8.0)
