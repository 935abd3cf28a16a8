"""Independent oracles for the SPA tests: brute-force path enumeration on small dense systems."""

from __future__ import annotations

import itertools

import numpy as np

from exportpm.spa import Path


def all_paths_brute_force(A: np.ndarray, f: np.ndarray, y: np.ndarray, max_depth: int = 4) -> list[Path]:
    """Every path up to ``max_depth`` links, largest first (nodes from the emitting node to the final one)."""
    out = []
    level = [((int(j),), float(y[j])) for j in np.flatnonzero(y > 0)]
    for _ in range(max_depth + 1):
        out += [Path(f[nodes[0]] * flow, nodes) for nodes, flow in level]
        level = [
            ((int(k), *nodes), A[k, nodes[0]] * flow)
            for nodes, flow in level
            for k in range(len(f))
            if A[k, nodes[0]] > 0
        ]
    return sorted(out, key=lambda p: (-p.value, p.nodes))


def layer_by_exporter_brute_force(
    A: np.ndarray, f: np.ndarray, y: np.ndarray, province_of: np.ndarray, t: int
) -> np.ndarray:
    """[emitting node, exporting province] emissions at layer t, summing every path i0 -> i1 -> ... -> it of
    f_i0 a_i0i1 ... a_i(t-1)it y_it. The exporter is the final node's province when it is Chinese
    (``province_of`` >= 0), else the province of the node just before the first foreign node."""
    n = len(f)
    out = np.zeros((n, province_of.max() + 1))
    for nodes in itertools.product(range(n), repeat=t + 1):
        value = f[nodes[0]] * y[nodes[-1]]
        for a, b in itertools.pairwise(nodes):
            value *= A[a, b]
        if value == 0.0:
            continue
        if province_of[nodes[-1]] >= 0:
            exporter = province_of[nodes[-1]]
        else:
            first_foreign = next(k for k, node in enumerate(nodes) if province_of[node] < 0)
            if first_foreign == 0:
                continue
            exporter = province_of[nodes[first_foreign - 1]]
        out[nodes[0], exporter] += value
    return out
