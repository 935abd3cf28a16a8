"""Structural path analysis on the full demo table: layers + mapping flows, and the top-path search.

Run after `make demo`:  .venv/bin/python benchmarks/spa.py [--paths 20]
Prints the time of every SPA table together (the rule's work) and of the pruned top-path search alone, with
the number of search nodes it expanded against the number of paths an unpruned enumeration to PL4 would
visit on the same provincial system (counted, not enumerated).
(A comparison with pyspa on the same target sectors is not part of this script yet.)
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg

from exportpm.benchmarking import machine_description
from exportpm.footprint.leontief import technical_coefficients
from exportpm.io.store import read_intensities, read_linked_mrio
from exportpm.resources import resource
from exportpm.spa import spa_tables, top_paths

APE = {"SO2": 0.95, "NOx": 0.95, "CO": 16.7, "NH3": 9.09, "BC": 2.18, "OC": 2.18, "PM25_other": 4.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mrio", default="results/mrio/linked_mrio.nc")
    parser.add_argument("--intensities", default="results/inventory/intensities.nc")
    parser.add_argument("--paths", type=int, default=20)
    args = parser.parse_args()
    print(machine_description())
    table = read_linked_mrio(args.mrio)
    species, F = read_intensities(args.intensities)
    groups = resource("foreign_region_groups")
    consumer_groups = dict(zip(groups["gtap_code"], groups["group"], strict=True))
    start = time.perf_counter()
    spa_tables(table.regions, table.sectors, table.is_province, table.Z.copy(), table.Y, table.x, table.categories,
               F, species, APE, consumer_groups, n_paths=args.paths)
    all_tables = time.perf_counter() - start
    N = len(table.sectors)
    P = np.concatenate([np.arange(i * N, (i + 1) * N) for i, p in enumerate(table.is_province) if p])
    A = technical_coefficients(table.Z[np.ix_(P, P)], table.x[P])
    f = sum(F[q] * 1000.0 / APE[s] for q, s in enumerate(species))[P]
    foreign = ~np.isin(np.repeat(np.array(table.regions), len(table.categories)),
                       [r for r, p in zip(table.regions, table.is_province, strict=True) if p])
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
    print(f"paths visited by an unpruned enumeration to PL4: about {unpruned:.2e}; best path "
          f"{found[0].value:.4g} APE")


if __name__ == "__main__":
    main()
