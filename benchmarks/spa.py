"""Structural path analysis on the full demo table: layers + mapping flows, and the top-path search.

Run after `make demo`:  .venv/bin/python benchmarks/spa.py [--paths 20]
Prints the time of every SPA table together (the rule's work) and of the pruned top-path search alone, with
the number of search nodes it expanded against the number of paths an unpruned enumeration to PL4 would
visit on the same provincial system (counted, not enumerated).
Then, for the --targets largest exporting province-sectors, the paths above --threshold (a share of the
target's total intensity, up to PL4) from pyspa 2.4 and from paths_above below (a breadth-first baseline):
same paths, times.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg

from exportpm.benchmarking import machine_description
from exportpm.conventions import ape_per_tonne
from exportpm.footprint.leontief import technical_coefficients
from exportpm.mrio.store import read_intensities, read_linked_mrio
from exportpm.resources import resource
from exportpm.spa import SpaInputs, spa_tables, top_paths

APE = {"SO2": 0.95, "NOx": 0.95, "CO": 16.7, "NH3": 9.09, "BC": 2.18, "OC": 2.18, "PM25_other": 4.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mrio", default="results/demo/mrio/linked_mrio.nc")
    parser.add_argument("--intensities", default="results/demo/inventory/intensities.nc")
    parser.add_argument("--paths", type=int, default=20)
    parser.add_argument("--targets", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=0.005, help="share of the target's total intensity")
    args = parser.parse_args()
    print(machine_description())
    table = read_linked_mrio(args.mrio)
    species, F = read_intensities(args.intensities)
    groups = resource("foreign_region_groups")
    consumer_groups = dict(zip(groups["gtap_code"], groups["group"], strict=True))
    start = time.perf_counter()
    spa_tables(
        SpaInputs(
            table.regions,
            table.sectors,
            table.is_province,
            technical_coefficients(table.Z, table.x),
            table.Y,
            table.categories,
            F,
            species,
            APE,
            consumer_groups,
        ),
        n_paths=args.paths,
    )
    all_tables = time.perf_counter() - start
    N = len(table.sectors)
    P = table.index.province_rows
    A = technical_coefficients(table.Z[np.ix_(P, P)], table.x[P])
    f = sum(F[q] * w for q, w in enumerate(ape_per_tonne(species, APE)))[P]
    foreign = ~np.isin(
        np.repeat(np.array(table.regions), len(table.categories)),
        [r for r, p in zip(table.regions, table.is_province, strict=True) if p],
    )
    y = table.Y[np.ix_(P, np.flatnonzero(foreign))].sum(1)
    lu = scipy.linalg.lu_factor(np.eye(P.size) - A)
    m = scipy.linalg.lu_solve(lu, f, trans=1)
    start = time.perf_counter()
    found = top_paths(A, f, m, y, args.paths, 4, accept=lambda nodes: len({i // N for i in nodes}) > 1)
    search = time.perf_counter() - start
    links = int((A > 0).sum())
    unpruned = sum(int((y > 0).sum()) * (links / P.size) ** t for t in range(5))
    print(f"linked MRIO {table.x.size} rows; provincial system {P.size} nodes, {links} links")
    print(f"{'step':<52}{'seconds':>10}")
    print(f"{'all SPA tables (layers, mapping flows, paths)':<52}{all_tables:>10.1f}")
    print(f"{'top-' + str(args.paths) + ' interprovincial paths, pruned search':<52}{search:>10.2f}")
    print(f"paths visited by an unpruned enumeration to PL4: about {unpruned:.2e}; best path {found[0].value:.4g} APE")
    compare_with_pyspa(A, f, m, y, args.targets, args.threshold)


def paths_above(
    A: np.ndarray, f: np.ndarray, m: np.ndarray, y: np.ndarray, threshold: float, max_depth: int = 4
) -> dict[tuple[int, ...], float]:
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


def compare_with_pyspa(A, f, m, y, targets: int, share: float) -> None:
    import contextlib
    import io

    import pandas as pd
    import pyspa

    info = pd.DataFrame(
        {
            "ID": np.arange(1, f.size + 1),
            "Name": [f"n{i}" for i in range(f.size)],
            "Region": "CN",
            "Unit": "USD",
            "DR_APE_(eq)": f,
            "TR_APE_(eq)": m,
        }
    )
    print(
        f"{'target node':<14}{'threshold':>12}{'paths':>8}{'pyspa s':>10}{'exportpm s':>12}{'ratio':>8}"
        f"{'differing paths':>17}"
    )
    for target in np.argsort(-y)[:targets]:
        threshold = share * m[target]
        unit = np.zeros(f.size)
        unit[target] = 1.0
        start = time.perf_counter()
        ours = paths_above(A, f, m, unit, threshold, max_depth=4)
        t_ours = time.perf_counter() - start
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            chain = pyspa.get_spa(
                int(target), 4, A, info, {"APE": threshold}, zero_indexing=True, breakdown_remainder=False
            )
        t_theirs = time.perf_counter() - start
        theirs = {tuple(int(str(node.index_reference)) for node in path.nodes) for path in chain.get_pathways()}
        print(
            f"{int(target):<14}{threshold:>12.4g}{len(ours):>8}{t_theirs:>10.2f}{t_ours:>12.4f}"
            f"{t_theirs / t_ours:>8.0f}{len(set(ours) ^ theirs):>17}"
        )


if __name__ == "__main__":
    main()
