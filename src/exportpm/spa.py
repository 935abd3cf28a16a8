"""Structural path analysis of export-related emissions (paper Eq. 15-17, Tables 2-3).

* Production layers (Eq. 16): E_t = f * A^t y for t = 0..depth by emitting row, computed by repeated
  matrix-vector products (A^t is never formed); PL(depth+1)+ = f * L y - sum_t E_t, with f * L y from one solve.
* Mapping approach (Eq. 17): multipliers m = f L (column sums of Q = diag(f) L) from one transposed solve;
  the flow of embodied emissions from layer t+1 to layer t along the link k -> j is m_k a_kj (A^t y)_j, and
  the three-index forms follow the same pattern (E^{2->0}_{kji} = m_k a_kj a_ji y_i).
* Top paths: best-first tree search from the final-demand nodes upstream; a node's whole remaining upstream
  contribution (its multiplier times the flow reaching it) bounds every path through it, so the search
  prunes on that bound and not on the node's own emissions: large chains behind clean intermediaries stay.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd


def layer_emissions(A: np.ndarray, f: np.ndarray, Y: np.ndarray, total: np.ndarray, depth: int = 3) -> np.ndarray:
    """[depth + 2, n, k]: f * A^t Y for t = 0..depth and the remainder PL(depth+1)+ (Eq. 16).

    A: technical coefficients (n x n); f: intensity (n,); Y: final demand (n x k); total: L Y (n x k), so that
    f * total is all emissions driven by Y. The layers add up to f * total by construction of the remainder.
    """
    out = np.empty((depth + 2, *Y.shape))
    level = Y.copy()
    for t in range(depth + 1):
        out[t] = f[:, None] * level
        if t < depth:
            level = A @ level
    out[depth + 1] = f[:, None] * total - out[:depth + 1].sum(axis=0)
    return out


def adjacent_layer_flows(A: np.ndarray, m: np.ndarray, Y_t: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                         groups: int) -> np.ndarray:
    """E^{t+1->t} aggregated to groups: [g_k, g_j] = sum_{k in g_k, j in g_j} m_k a_kj (A^t y)_j.

    ``Y_t`` is A^t y (n,), ``rows``/``cols`` give each row's group (or -1 to leave it out).
    """
    weighted = (m[:, None] * A) * Y_t[None, :]
    keep_r, keep_c = rows >= 0, cols >= 0
    by_row = np.zeros((groups, weighted.shape[1]))
    np.add.at(by_row, rows[keep_r], weighted[keep_r])
    out = np.zeros((groups, groups))
    np.add.at(out.T, cols[keep_c], by_row[:, keep_c].T)
    return out


def three_index_flows(A: np.ndarray, m: np.ndarray, y: np.ndarray, groups_of: np.ndarray, groups: int) -> np.ndarray:
    """E^{2->0}_{kji} = m_k a_kj a_ji y_i aggregated to [group(k), group(j), group(i)]."""
    n = y.size
    upstream = np.zeros((groups, n))                      # R[g, j] = sum_{k in g} m_k a_kj
    np.add.at(upstream, groups_of, m[:, None] * A)
    downstream = np.zeros((n, groups))                    # C[j, g] = sum_{i in g} a_ji y_i
    np.add.at(downstream.T, groups_of, (A * y[None, :]).T)
    out = np.zeros((groups, groups, groups))
    for g in range(groups):
        members = groups_of == g
        out[:, g, :] = upstream[:, members] @ downstream[members]
    return out


@dataclass(order=True)
class Path:
    value: float
    nodes: tuple[int, ...]      # (emitting node, ..., final-demand node)


def top_paths(A: np.ndarray, f: np.ndarray, m: np.ndarray, y: np.ndarray, n_paths: int, max_depth: int = 4,
              accept=None, min_value: float = 0.0) -> list[Path]:
    """The ``n_paths`` largest paths f_k a_k.. ... a_.j y_j with up to ``max_depth`` links, largest first.

    ``m`` must be the multipliers of the same system (m = f L >= f, all upstream emissions per unit output),
    so m_k x flow bounds every path through node k; branches whose bound cannot beat the current n-th best
    are pruned. ``accept(nodes)`` filters which paths are reported (all are explored).
    """
    best: list[tuple[float, tuple[int, ...]]] = []           # min-heap of (value, nodes)
    counter = itertools.count()
    frontier = []                                            # max-heap by bound: (-bound, tie, node path, flow)
    for j in np.flatnonzero(y > 0):
        frontier.append((-m[j] * y[j], next(counter), (int(j),), float(y[j])))
    heapq.heapify(frontier)

    def threshold() -> float:
        return best[0][0] if len(best) >= n_paths else min_value

    while frontier:
        negative_bound, _, nodes, flow = heapq.heappop(frontier)
        if -negative_bound <= threshold():
            break
        head = nodes[0]
        value = f[head] * flow
        if value > threshold() and (accept is None or accept(nodes)):
            heapq.heappush(best, (value, nodes))
            if len(best) > n_paths:
                heapq.heappop(best)
        if len(nodes) > max_depth:
            continue
        child_flow = A[:, head] * flow
        bounds = m * child_flow
        for k in np.flatnonzero(bounds > threshold()):
            heapq.heappush(frontier, (-bounds[k], next(counter), (int(k), *nodes), float(child_flow[k])))
    return [Path(v, nodes) for v, nodes in sorted(best, key=lambda item: (-item[0], item[1]))]


def all_paths_brute_force(A: np.ndarray, f: np.ndarray, y: np.ndarray, max_depth: int = 4) -> list[Path]:
    """Every path up to ``max_depth`` links (for tests on small systems), largest first."""
    out = []
    level = [((int(j),), float(y[j])) for j in np.flatnonzero(y > 0)]
    for _ in range(max_depth + 1):
        out += [Path(f[nodes[0]] * flow, nodes) for nodes, flow in level]
        level = [((int(k), *nodes), A[k, nodes[0]] * flow) for nodes, flow in level for k in range(len(f))
                 if A[k, nodes[0]] > 0]
    return sorted(out, key=lambda p: (-p.value, p.nodes))


LAYER_NAMES = ("PL0", "PL1", "PL2", "PL3", "PL4+")


def spa_tables(regions: tuple[str, ...], sectors: tuple[str, ...], is_province: np.ndarray, Z: np.ndarray,
               Y: np.ndarray, x: np.ndarray, categories: tuple[str, ...], F: np.ndarray, species: tuple[str, ...],
               ape: dict[str, float], consumer_groups: dict[str, str], n_paths: int = 20, max_path_depth: int = 4
               ) -> dict[str, pd.DataFrame]:
    """Every SPA table of the paper from the linked MRIO and intensities (APE, Eq. 13, and each species)."""
    import scipy.linalg

    from exportpm.footprint.leontief import LeontiefSystem, technical_coefficients

    N, D = len(sectors), len(categories)
    provinces = tuple(r for r, p in zip(regions, is_province, strict=True) if p)
    P = np.concatenate([np.arange(i * N, (i + 1) * N) for i, p in enumerate(is_province) if p])
    fd_region = np.repeat(np.array(regions), D)
    foreign_cols = np.flatnonzero(~np.isin(fd_region, provinces))
    groups = tuple(dict.fromkeys(consumer_groups[fd_region[c]] for c in foreign_cols))
    # Drivers: all exports, each consumer group, and each province's final-product exports.
    Yf = Y[:, foreign_cols]
    drivers = [Yf.sum(1)] + [Yf[:, [consumer_groups[fd_region[c]] == g for c in foreign_cols]].sum(1) for g in groups]
    for s in range(len(provinces)):
        y = np.zeros(x.size)
        y[P[s * N:(s + 1) * N]] = Yf[P[s * N:(s + 1) * N]].sum(1)
        drivers.append(y)
    driver_names = ["all_exports", *(f"group:{g}" for g in groups), *(f"exports_of:{p}" for p in provinces)]
    Ydrv = np.column_stack(drivers)
    A = technical_coefficients(Z, x)
    system = LeontiefSystem.factorise(A)                      # a copy: A itself is needed below
    total = system.solve(Ydrv)
    levels = [Ydrv]
    for _ in range(3):
        levels.append(A @ levels[-1])
    f_ape = sum(F[q] * 1000.0 / ape[s] for q, s in enumerate(species))
    intensities = {**{s: F[q] for q, s in enumerate(species)}, "APE": f_ape}
    rows = []
    for name, f in intensities.items():
        layer = np.stack([f[:, None] * lv for lv in levels] + [np.zeros_like(Ydrv)])
        layer[4] = f[:, None] * total - layer[:4].sum(0)
        for t, label in enumerate(LAYER_NAMES):
            block = layer[t][P].reshape(len(provinces), N, -1)
            for d, driver in enumerate(driver_names):
                if driver.startswith("exports_of:") and name != "APE":
                    continue
                r, k = np.nonzero(block[:, :, d])
                rows.append(pd.DataFrame({"species": name, "driver": driver, "layer": label,
                                          "emitting_province": np.array(provinces)[r],
                                          "sector": np.array(sectors)[k], "value": block[r, k, d]}))
    layers = pd.concat(rows, ignore_index=True)
    # Mapping approach on the Chinese nodes (APE): adjacent-layer and three-index flows by province.
    m = system.solve_transposed(f_ape[:, None])[:, 0]
    A_PP = A[np.ix_(P, P)]
    province_of = np.repeat(np.arange(len(provinces)), N)
    flow_rows = []
    for t in range(3):
        pairs = adjacent_layer_flows(A_PP, m[P], levels[t][P, 0], province_of, province_of, len(provinces))
        for a, b in zip(*np.nonzero(pairs), strict=True):
            flow_rows.append((f"PL{t + 1}->PL{t}", provinces[a], provinces[b], pairs[a, b]))
    flows = pd.DataFrame(flow_rows, columns=["link", "supplier_province", "buyer_province", "ape"])
    three = three_index_flows(A_PP, m[P], Ydrv[P, 0], province_of, len(provinces))
    k_, j_, i_ = np.nonzero(three)
    flows3 = pd.DataFrame({"province_k": np.array(provinces)[k_], "province_j": np.array(provinces)[j_],
                           "province_i": np.array(provinces)[i_], "ape": three[k_, j_, i_]})
    # Top interprovincial paths on the provinces' own system (domestic multipliers bound the search).
    domestic = scipy.linalg.lu_factor(np.eye(P.size) - A_PP, check_finite=False)
    m_dom = scipy.linalg.lu_solve(domestic, f_ape[P], trans=1, check_finite=False)
    y_final = Ydrv[P, 0]
    found = top_paths(A_PP, f_ape[P], m_dom, y_final, n_paths, max_path_depth,
                      accept=lambda nodes: len({n // N for n in nodes}) > 1)
    labels = [f"{provinces[i // N]}/{sectors[i % N]}" for i in range(P.size)]
    national = float((f_ape[:, None] * total)[P, 0].sum())
    paths = pd.DataFrame({"rank": np.arange(1, len(found) + 1),
                          "path": [[labels[i] for i in p.nodes] for p in found],
                          "path_text": [" -> ".join(labels[i] for i in p.nodes) for p in found],
                          "layer": [f"PL{len(p.nodes) - 1}" for p in found],
                          "emitting_node": [labels[p.nodes[0]] for p in found],
                          "final_demand_node": [labels[p.nodes[-1]] for p in found],
                          "ape": [p.value for p in found], "share": [p.value / national for p in found]})
    return {"layers": layers, "flows": flows, "flows_three_index": flows3, "top_paths": paths}


def disparities(by_consumer: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interprovincial emission transfer disparity (APE; Supplementary Fig. 7), both channels of Eq. 10.

    Per province r: other provinces' emissions driven by r's exports (``caused_elsewhere_ape``) minus r's
    emissions driven by other provinces' exports (``hosted_for_others_ape``); positive for a net exporter of
    emissions (the East Coast in the paper). Per province pair: the difference between the two provinces'
    emissions driven by each other's exports, oriented so that ``net_ape`` >= 0 flows from the driving
    (exporting) province to the hosting (emitting) one; largest first.
    """

    pair = by_consumer.groupby(["emitting_province", "exporting_province"], observed=True)["ape"].sum().unstack(
        fill_value=0.0)
    pair = pair.reindex(index=pair.index.union(pair.columns), columns=pair.index.union(pair.columns), fill_value=0.0)
    values = pair.to_numpy()
    hosted = values.sum(1) - np.diag(values)
    caused = values.sum(0) - np.diag(values)
    per_province = pd.DataFrame({"province": pair.index.astype(str), "hosted_for_others_ape": hosted,
                                 "caused_elsewhere_ape": caused, "disparity_ape": caused - hosted})
    net = values.T - values                      # [s, r]: r's emissions driven by s's exports minus the reverse
    driver, host = np.nonzero(net > 0)
    names = pair.index.astype(str)
    pairs = pd.DataFrame({"driving_province": names[driver], "hosting_province": names[host],
                          "host_emissions_driven_by_driver_ape": values[host, driver],
                          "driver_emissions_driven_by_host_ape": values[driver, host], "net_ape": net[driver, host]})
    pairs = pairs.sort_values(["net_ape", "driving_province", "hosting_province"],
                              ascending=[False, True, True]).reset_index(drop=True)
    return per_province, pairs


def paths_above(A: np.ndarray, f: np.ndarray, m: np.ndarray, y: np.ndarray, threshold: float,
                max_depth: int = 4) -> dict[tuple[int, ...], float]:
    """Every path whose whole upstream contribution (m_head x flow) exceeds ``threshold`` and whose own value
    f_head x flow is not zero, with that value; keys run from the final-demand node upstream (pyspa's pathway
    set for the same threshold: zero-emission nodes are passed through but not reported).

    Breadth-first and vectorised per node: a branch stops as soon as its bound falls below the threshold.
    """
    out: dict[tuple[int, ...], float] = {}
    level = [((int(j),), float(y[j])) for j in np.flatnonzero(y > 0) if m[j] * y[j] > threshold]
    for depth in range(max_depth + 1):
        following = []
        for nodes, flow in level:
            if depth == 0 or f[nodes[-1]] * flow != 0.0:  # the final-demand node itself is always reported
                out[nodes] = float(f[nodes[-1]] * flow)
            if depth == max_depth:
                continue
            child = A[:, nodes[-1]] * flow
            for k in np.flatnonzero(m * child > threshold):
                following.append(((*nodes, int(k)), float(child[k])))
        level = following
    return out


def layer_summary(layers: pd.DataFrame, east_coast: set[str], inland: set[str]) -> pd.DataFrame:
    """Shares by production layer (APE): each province's export-related emissions at each layer; nationally,
    the share at each layer driven by *other* provinces' exports and the share of inland emissions driven by
    East Coast exports (final-product exports by exporting province, Eq. 16)."""
    ape = layers[layers["species"] == "APE"]
    rows = []
    own = ape[ape["driver"] == "all_exports"].groupby(["emitting_province", "layer"])["value"].sum().unstack(
        fill_value=0.0)
    shares = own.div(own.sum(axis=1), axis=0)
    for province, row in shares.iterrows():
        rows += [("province_layer_share", province, layer, float(v)) for layer, v in row.items()]
    by_exporter = ape[ape["driver"].str.startswith("exports_of:")].copy()
    by_exporter["exporter"] = by_exporter["driver"].str.split(":").str[1]
    for layer, group in by_exporter.groupby("layer"):
        total = group["value"].sum()
        other = group.loc[group["exporter"] != group["emitting_province"], "value"].sum()
        rows.append(("national_share_driven_by_other_provinces", "China", layer, float(other / total)
                     if total else np.nan))
        inland_rows = group[group["emitting_province"].isin(inland)]
        east = inland_rows.loc[inland_rows["exporter"].isin(east_coast), "value"].sum()
        rows.append(("inland_share_driven_by_east_coast", "inland", layer,
                     float(east / inland_rows["value"].sum()) if inland_rows["value"].sum() else np.nan))
    return pd.DataFrame(rows, columns=["measure", "region", "layer", "share"])
