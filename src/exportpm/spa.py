"""Structural path analysis of export-related emissions (paper Eq. 15-17, Tables 2-3).

* Production layers (Eq. 15-16): E_t = f * A^t y for t = 0..depth by emitting row, from repeated matrix
  products (A^t is never formed); PL(depth+1)+ = f * L y - sum_t E_t.
* Layers by exporting province, both channels of Eq. 10: province s's final products consumed abroad
  (f * A^t y^s), and the intermediate exports whose first link out of China leaves from s
  (X_t = sum_{a+1+b=t} A_PP^a [A_PF (A^b y_abroad)_F]_s, the layered form of the export engine's
  (I - A_PP)^-1 A_PF L_FF y split). Summed over s they equal the national layers exactly.
* Mapping approach (Eq. 17): m = f L (column sums of Q = diag(f) L), every node, foreign ones included;
  the flow from layer t+1 to layer t along k -> j is m_k a_kj (A^t y)_j (Table 3), aggregated to groups of
  rows (each province and "Foreign"), and the three-index form E^{2->0}_{kji} = m_k a_kj a_ji y_i.
* Top paths: best-first tree search from the final-demand nodes upstream; a node's whole remaining upstream
  contribution bounds every path through it, so the search prunes on that bound.

Everything that needs A is computed first; then the same memory holds the block factorisation of I - A that
the export engine uses (``ProvinceRows``): one n x n array in the rule, never a second LU, never an inverse.
"""

from __future__ import annotations

import heapq
import itertools
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg

from exportpm.conventions import ape_per_tonne
from exportpm.footprint.leontief import ProvinceRows, _as_slice, take_block
from exportpm.mrio.index import LinkedIndex

log = logging.getLogger(__name__)

FOREIGN = "Foreign"


def layer_names(depth: int) -> tuple[str, ...]:
    """PL0..PL<depth> and the remainder PL<depth+1>+ (Eq. 16)."""
    return (*(f"PL{t}" for t in range(depth + 1)), f"PL{depth + 1}+")


@dataclass
class SpaInputs:
    """The linked MRIO as technical coefficients; rows region-major (region, sector), foreign and provinces."""

    regions: tuple[str, ...]
    sectors: tuple[str, ...]
    is_province: np.ndarray
    A: np.ndarray  # n x n technical coefficients (Eq. 6), C-ordered; consumed by spa_tables
    Y: np.ndarray  # n x (regions x categories), US$ million
    categories: tuple[str, ...]
    F: np.ndarray  # species x n, t per US$ million (zero outside the provinces)
    species: tuple[str, ...]
    ape: dict[str, float]  # kg per pollution equivalent (Eq. 13)
    consumer_groups: dict[str, str]  # foreign region -> group


@dataclass
class Index:
    """Where the provinces, the foreign regions and the foreign final-demand columns are."""

    N: int
    provinces: tuple[str, ...]
    p_rows: np.ndarray
    f_rows: np.ndarray
    foreign_cols: np.ndarray
    groups: tuple[str, ...]
    group_of_col: np.ndarray  # per foreign final-demand column, its consumer group's position

    @classmethod
    def build(cls, inp: SpaInputs) -> Index:
        """The index of the linked table behind ``inp``: province rows, foreign rows and foreign demand columns."""
        index = LinkedIndex(inp.regions, inp.sectors, tuple(inp.is_province), inp.categories)
        foreign_cols, fd_region = index.fd_columns(foreign=True), index.fd_region
        groups = tuple(dict.fromkeys(inp.consumer_groups[fd_region[c]] for c in foreign_cols))
        group_of_col = np.array([groups.index(inp.consumer_groups[fd_region[c]]) for c in foreign_cols], dtype=int)
        return cls(
            index.n_sectors,
            index.provinces,
            index.province_rows,
            index.foreign_rows,
            foreign_cols,
            groups,
            group_of_col,
        )

    def row_groups(self) -> list[np.ndarray]:
        """Row sets of the flow groups: each province, then all foreign rows ("Foreign")."""
        return [self.p_rows[s * self.N : (s + 1) * self.N] for s in range(len(self.provinces))] + [self.f_rows]

    def group_names(self) -> tuple[str, ...]:
        """Names of the flow groups of :meth:`row_groups`: the provinces, then ``FOREIGN``."""
        return (*self.provinces, FOREIGN)


@dataclass
class Drivers:
    """Final-demand vectors of the analysis (n rows each, US$ million)."""

    national: np.ndarray  # n x (1 + groups): all foreign final demand, then each consumer group's
    national_names: tuple[str, ...]
    by_exporter: np.ndarray  # n x provinces: column s = s's final products consumed abroad (Y^{se})
    abroad: np.ndarray  # n: foreign final demand of foreign products (the intermediate channel)


def export_drivers(index: Index, Y: np.ndarray) -> Drivers:
    """Foreign final demand (Eq. 10's Y^e summed over e and d), by consumer group and by exporting province."""
    Yf = Y[:, index.foreign_cols]
    by_group = np.zeros((index.foreign_cols.size, len(index.groups)))
    by_group[np.arange(index.foreign_cols.size), index.group_of_col] = 1.0
    national = np.column_stack([Yf.sum(1), Yf @ by_group])
    total = Yf.sum(1)
    by_exporter = np.zeros((total.size, len(index.provinces)))
    for s, rows in enumerate(index.row_groups()[:-1]):
        by_exporter[rows, s] = total[rows]
    abroad = np.zeros(total.size)
    abroad[index.f_rows] = total[index.f_rows]
    return Drivers(national, ("all_exports", *(f"group:{g}" for g in index.groups)), by_exporter, abroad)


def power_levels(A: np.ndarray, B: np.ndarray, depth: int) -> list[np.ndarray]:
    """[A^t B for t = 0..depth] (Eq. 16) by repeated products; A^t is never formed."""
    levels = [B]
    for _ in range(depth):
        levels.append(A @ levels[-1])
    return levels


def split_by_province(e: np.ndarray, Pn: int, N: int) -> np.ndarray:
    """(p x Pn): column s holds e (p,) on province s's rows only."""
    out = np.zeros((e.size, Pn))
    for s in range(Pn):
        out[s * N : (s + 1) * N, s] = e[s * N : (s + 1) * N]
    return out


def intermediate_levels_by_exporter(A: np.ndarray, abroad_levels: list[np.ndarray], index: Index) -> list[np.ndarray]:
    """Province output at layer t (p x Pn, t = 0..depth) on paths ending at a foreign product's final demand,
    column s: paths whose first link out of China leaves from province s (Eq. 16, intermediate channel).

    X_0 = 0 and X_t = A_PP X_{t-1} + split_s(A_PF (A^{t-1} y_abroad)_F); ``abroad_levels[b]`` = A^b y_abroad.
    """
    Pn, N = len(index.provinces), index.N
    A_PP = take_block(A, index.p_rows, index.p_rows)
    A_PF = take_block(A, index.p_rows, index.f_rows)
    out = [np.zeros((index.p_rows.size, Pn))]
    for level in abroad_levels[:-1]:
        out.append(A_PP @ out[-1] + split_by_province(A_PF @ level[index.f_rows], Pn, N))
    return out


def group_column_products(A: np.ndarray, V: np.ndarray, row_groups: list[np.ndarray]) -> np.ndarray:
    """(g, n, k): entry g = A[:, members_g] @ V[members_g] (column blocks of A as views when contiguous)."""
    out = np.empty((len(row_groups), A.shape[0], V.shape[1]))
    for g, members in enumerate(row_groups):
        cols = _as_slice(members)
        out[g] = (A[:, cols] if isinstance(cols, slice) else A[:, members]) @ V[members]
    return out


def aggregate_rows(values: np.ndarray, row_groups: list[np.ndarray]) -> np.ndarray:
    """Sum of ``values``' rows (first axis) within each group."""
    return np.stack([values[members].sum(axis=0) for members in row_groups])


def adjacent_layer_flows(m: np.ndarray, operand: np.ndarray, row_groups: list[np.ndarray]) -> np.ndarray:
    """E^{t+1->t} aggregated to groups (Eq. 17, Table 3): [g_k, g_j] = sum_{k in g_k, j in g_j} m_k a_kj v_j.

    ``operand`` = group_column_products(A, v[:, None], row_groups)[..., 0].T (n x g), with v = A^t y; m = f L.
    """
    return aggregate_rows(m[:, None] * operand, row_groups)


def three_index_flows(m: np.ndarray, operand: np.ndarray, row_groups: list[np.ndarray]) -> np.ndarray:
    """E^{2->0}_{kji} = m_k a_kj a_ji y_i aggregated to [group(k), group(j), group(i)] (Table 3).

    ``operand`` = group_column_products(A, C, row_groups) with C = A (y o G) (n x g), G the group indicator.
    """
    return np.stack([aggregate_rows(m[:, None] * operand[j], row_groups) for j in range(len(row_groups))], axis=1)


@dataclass
class BeforeFactorisation:
    """Everything the analysis needs from A itself, computed before A's memory holds the factors."""

    levels: list[np.ndarray]  # A^t [national | by_exporter | abroad], t = 0..depth
    intermediate: list[np.ndarray]  # X_t by first-exit exporter (p x Pn)
    operands: list[np.ndarray]  # per t = 0..depth: A (A^t y o G) (n x g), y = all exports
    three_index: np.ndarray  # (g, n, g)
    A_PP: np.ndarray


def products_with_coefficients(A: np.ndarray, drivers: Drivers, index: Index, depth: int) -> BeforeFactorisation:
    """Layers (Eq. 16), intermediate-channel layers, and the mapping approach's operands (Eq. 17)."""
    stacked = np.column_stack([drivers.national, drivers.by_exporter, drivers.abroad])
    levels = power_levels(A, stacked, depth)
    intermediate = intermediate_levels_by_exporter(A, [lv[:, -1] for lv in levels], index)
    groups = index.row_groups()
    operands = [group_column_products(A, lv[:, :1], groups)[..., 0].T for lv in levels]
    three = group_column_products(A, operands[0], groups)
    return BeforeFactorisation(levels, intermediate, operands, three, take_block(A, index.p_rows, index.p_rows))


@dataclass
class Totals:
    """f-free totals from the block factorisation: L y on the province rows, and the multipliers m = f L."""

    national: np.ndarray  # p x (1 + groups): L[P, :] y
    final_by_exporter: np.ndarray  # p x Pn: L_PP y^s
    intermediate_by_exporter: np.ndarray  # p x Pn: (I - A_PP)^-1 split_s(A_PF L_FF y_abroad)
    m: np.ndarray  # n: APE multipliers f L (Eq. 17's column sums of Q)
    m_domestic: np.ndarray  # p: f_P (I - A_PP)^-1, the provinces' own system (bounds of the path search)


def totals_from_blocks(blocks: ProvinceRows, drivers: Drivers, index: Index, f_ape_P: np.ndarray) -> Totals:
    """Block totals without the big inverse: L y on the province rows by driver, and multipliers m = f L (Eq. 17)."""
    national = blocks.times(drivers.national)
    final = blocks.provinces_times(drivers.by_exporter[index.p_rows])
    exported = blocks.intermediate_exports_through_foreign_inverse(drivers.abroad[index.f_rows][:, None])[:, 0]
    intermediate = scipy.linalg.lu_solve(
        blocks.domestic, split_by_province(exported, len(index.provinces), index.N), check_finite=False
    )
    m = blocks.weighted_rows(f_ape_P[None, :])[0]
    m_domestic = scipy.linalg.lu_solve(blocks.domestic, f_ape_P, trans=1, check_finite=False)
    return Totals(national, final, intermediate, m, m_domestic)


def _close(a, b, rtol: float, what: str) -> None:
    scale = max(float(np.abs(b).max()), 1e-300)
    gap = float(np.abs(np.asarray(a) - np.asarray(b)).max()) / scale
    if gap > rtol:
        raise ValueError(f"SPA invariant violated: {what} (relative gap {gap:.3g})")


def layer_stacks(
    before: BeforeFactorisation, totals: Totals, index: Index, depth: int, n_national: int
) -> dict[str, np.ndarray]:
    """Province output by layer (depth + 2, p, k) for the national drivers and for each exporter (final only and
    both channels); the last layer is the remainder L y - sum_t A^t y (Eq. 16)."""
    Pn = len(index.provinces)
    P = index.p_rows
    nat = np.stack([lv[P, :n_national] for lv in before.levels])
    fin = np.stack([lv[P, n_national : n_national + Pn] for lv in before.levels])
    both = fin + np.stack(before.intermediate)
    out = {
        "national": np.concatenate([nat, (totals.national - nat.sum(0))[None]]),
        "final_exports_of": np.concatenate([fin, (totals.final_by_exporter - fin.sum(0))[None]]),
        "exports_of": np.concatenate(
            [both, (totals.final_by_exporter + totals.intermediate_by_exporter - both.sum(0))[None]]
        ),
    }
    _close(
        out["exports_of"].sum(-1),
        out["national"][..., 0],
        1e-9,
        "layers by exporting province (both channels) = national layers",
    )
    return out


def layer_frame(
    stacks: dict[str, np.ndarray],
    intensities: dict[str, np.ndarray],
    national_names,
    index: Index,
    sectors: tuple[str, ...],
    depth: int,
) -> pd.DataFrame:
    """Long table species x driver x layer x emitting province x sector (value: t, or APE for species APE)."""
    names = layer_names(depth)
    Pn, N = len(index.provinces), index.N
    exporter_names = {kind: [f"{kind}:{p}" for p in index.provinces] for kind in ("exports_of", "final_exports_of")}
    rows = []
    for name, f in intensities.items():
        parts = [("national", list(national_names))]
        if name == "APE":
            parts += [(kind, exporter_names[kind]) for kind in ("exports_of", "final_exports_of")]
        for kind, driver_names in parts:
            values = f[:, None] * stacks[kind]  # (layers, p, k)
            values = values.reshape(len(names), Pn, N, -1)
            t, r, k, d = np.nonzero(values)
            rows.append(
                pd.DataFrame(
                    {
                        "species": name,
                        "driver": np.array(driver_names)[d],
                        "layer": np.array(names)[t],
                        "emitting_province": np.array(index.provinces)[r],
                        "sector": np.array(sectors)[k],
                        "value": values[t, r, k, d],
                    }
                )
            )
    return pd.concat(rows, ignore_index=True)


def flow_frames(
    before: BeforeFactorisation, totals: Totals, f_ape: np.ndarray, index: Index, depth: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Adjacent-layer flows PL(t+1) -> PLt for t = 0..depth (the last one carries PL(depth+1)+), the layer nodes
    (embodied m v and emitted f v per group), and the three-index flows, all in APE, foreign groups included."""
    groups, names = index.row_groups(), np.array(index.group_names())
    labels = layer_names(depth)
    flow_rows, node_rows = [], []
    for t, operand in enumerate(before.operands):
        pairs = adjacent_layer_flows(totals.m, operand, groups)
        upper = labels[t + 1]
        for a, b in zip(*np.nonzero(pairs), strict=True):
            flow_rows.append((f"{upper}->PL{t}", upper, f"PL{t}", names[a], names[b], pairs[a, b]))
        v = before.levels[t][:, 0]
        embodied, emitted = aggregate_rows(totals.m * v, groups), aggregate_rows(f_ape * v, groups)
        _close(pairs.sum(0) + emitted, embodied, 1e-9, f"mapping flows into PL{t} + emitted at PL{t} = embodied")
        node_rows += [(f"PL{t}", names[g], embodied[g], emitted[g]) for g in range(len(groups))]
    flows = pd.DataFrame(flow_rows, columns=["link", "supplier_layer", "buyer_layer", "supplier", "buyer", "ape"])
    nodes = pd.DataFrame(node_rows, columns=["layer", "group", "embodied_ape", "emitted_ape"])
    three = three_index_flows(totals.m, before.three_index, groups)
    k_, j_, i_ = np.nonzero(three)
    flows3 = pd.DataFrame({"group_k": names[k_], "group_j": names[j_], "group_i": names[i_], "ape": three[k_, j_, i_]})
    return flows, nodes, flows3


def path_frame(
    before: BeforeFactorisation,
    totals: Totals,
    f_ape_P: np.ndarray,
    drivers: Drivers,
    index: Index,
    sectors: tuple[str, ...],
    n_paths: int,
    max_path_depth: int,
) -> pd.DataFrame:
    """Top interprovincial paths on the provinces' own system (domestic multipliers bound the search)."""
    N = index.N
    found = top_paths(
        before.A_PP,
        f_ape_P,
        totals.m_domestic,
        drivers.national[index.p_rows, 0],
        n_paths,
        max_path_depth,
        accept=lambda nodes: len({n // N for n in nodes}) > 1,
    )
    labels = [f"{index.provinces[i // N]}/{sectors[i % N]}" for i in range(index.p_rows.size)]
    national = float((f_ape_P * totals.national[:, 0]).sum())
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(found) + 1),
            "path": [[labels[i] for i in p.nodes] for p in found],
            "path_text": [" -> ".join(labels[i] for i in p.nodes) for p in found],
            "layer": [f"PL{len(p.nodes) - 1}" for p in found],
            "emitting_node": [labels[p.nodes[0]] for p in found],
            "final_demand_node": [labels[p.nodes[-1]] for p in found],
            "ape": [p.value for p in found],
            "share": [p.value / national for p in found],
        }
    )


def spa_tables(
    inp: SpaInputs,
    depth: int = 3,
    n_paths: int = 20,
    max_path_depth: int = 4,
    blocks: ProvinceRows | None = None,
) -> dict[str, pd.DataFrame]:
    """Every SPA table of the paper (APE, Eq. 13, and each species) from one block factorisation of I - A.

    ``blocks``: that factorisation as the export engine computed it (rule export_emissions stores it), for the
    same table; without it, ``inp.A`` is factorised here and consumed (its memory holds the factors).
    """
    index = Index.build(inp)
    drivers = export_drivers(index, inp.Y)
    inp.Y = None  # not needed any more
    before = products_with_coefficients(inp.A, drivers, index, depth)  # Eq. 16-17 operands
    if blocks is None:
        blocks = ProvinceRows.from_coefficients(inp.A, index.p_rows, index.f_rows)
    elif not (np.array_equal(blocks.province_rows, index.p_rows) and np.array_equal(blocks.foreign_rows, index.f_rows)):
        raise ValueError("the stored block factorisation is of other province rows than this table's")
    inp.A = None
    # Eq. 13: pollution equivalents per US$ million of output, summed over species
    f_ape = sum(inp.F[q] * w for q, w in enumerate(ape_per_tonne(inp.species, inp.ape)))
    totals = totals_from_blocks(blocks, drivers, index, f_ape[index.p_rows])
    del blocks
    stacks = layer_stacks(before, totals, index, depth, drivers.national.shape[1])
    intensities = {**{s: inp.F[q, index.p_rows] for q, s in enumerate(inp.species)}, "APE": f_ape[index.p_rows]}
    layers = layer_frame(stacks, intensities, drivers.national_names, index, inp.sectors, depth)
    flows, nodes, flows3 = flow_frames(before, totals, f_ape, index, depth)
    paths = path_frame(before, totals, f_ape[index.p_rows], drivers, index, inp.sectors, n_paths, max_path_depth)
    return {"layers": layers, "flows": flows, "layer_nodes": nodes, "flows_three_index": flows3, "top_paths": paths}


@dataclass(order=True)
class Path:
    """One path found by :func:`top_paths`: its value f_k a_k.. ... a_.j y_j and its nodes, emitting node first."""

    value: float
    nodes: tuple[int, ...]  # (emitting node, ..., final-demand node)


def top_paths(
    A: np.ndarray,
    f: np.ndarray,
    m: np.ndarray,
    y: np.ndarray,
    n_paths: int,
    max_depth: int = 4,
    accept=None,
    min_value: float = 0.0,
) -> list[Path]:
    """The ``n_paths`` largest paths f_k a_k.. ... a_.j y_j with up to ``max_depth`` links, largest first.

    ``m`` must be the multipliers of the same system (m = f L >= f, all upstream emissions per unit output),
    so m_k x flow bounds every path through node k; branches whose bound cannot beat the current n-th best
    are pruned. ``accept(nodes)`` filters which paths are reported (all are explored).
    """
    best: list[tuple[float, tuple[int, ...]]] = []  # min-heap of (value, nodes)
    counter = itertools.count()
    frontier = []  # max-heap by bound: (-bound, tie, node path, flow)
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


def disparities(by_consumer: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Interprovincial emission transfer disparity (APE; Supplementary Fig. 7), both channels of Eq. 10.

    Per province r: other provinces' emissions driven by r's exports (``caused_elsewhere_ape``) minus r's
    emissions driven by other provinces' exports (``hosted_for_others_ape``); positive for a net exporter of
    emissions (the East Coast in the paper). Per province pair: the difference between the two provinces'
    emissions driven by each other's exports, oriented so that ``net_ape`` >= 0 flows from the driving
    (exporting) province to the hosting (emitting) one; largest first.
    """

    pair = (
        by_consumer.groupby(["emitting_province", "exporting_province"], observed=True)["ape"]
        .sum()
        .unstack(fill_value=0.0)
    )
    pair = pair.reindex(index=pair.index.union(pair.columns), columns=pair.index.union(pair.columns), fill_value=0.0)
    values = pair.to_numpy()
    hosted = values.sum(1) - np.diag(values)
    caused = values.sum(0) - np.diag(values)
    per_province = pd.DataFrame(
        {
            "province": pair.index.astype(str),
            "hosted_for_others_ape": hosted,
            "caused_elsewhere_ape": caused,
            "disparity_ape": caused - hosted,
        }
    )
    net = values.T - values  # [s, r]: r's emissions driven by s's exports minus the reverse
    driver, host = np.nonzero(net > 0)
    names = pair.index.astype(str)
    pairs = pd.DataFrame(
        {
            "driving_province": names[driver],
            "hosting_province": names[host],
            "host_emissions_driven_by_driver_ape": values[host, driver],
            "driver_emissions_driven_by_host_ape": values[driver, host],
            "net_ape": net[driver, host],
        }
    )
    pairs = pairs.sort_values(
        ["net_ape", "driving_province", "hosting_province"], ascending=[False, True, True]
    ).reset_index(drop=True)
    return per_province, pairs


def _interprovincial_shares(pair: pd.DataFrame, east_coast: set[str], inland: set[str], method: str) -> list[tuple]:
    """Shares of interprovincial flows ``pair`` (columns host, driver, layer, value; host != driver): of inland
    hosts' flows driven by the East Coast, of East Coast hosts' flows driven by inland, and per host province
    (by the East Coast and by each driving province)."""
    rows = []
    for layer, group in pair.groupby("layer", sort=True):
        for measure, hosts, drivers_, region in (
            ("inland_interprovincial_share_driven_by_east_coast", inland, east_coast, "inland"),
            ("east_coast_interprovincial_share_driven_by_inland", east_coast, inland, "East Coast"),
        ):
            part = group[group["host"].isin(hosts)]
            total = part["value"].sum()
            rows.append(
                (
                    measure,
                    method,
                    region,
                    "",
                    layer,
                    float(part.loc[part["driver"].isin(drivers_), "value"].sum() / total) if total else np.nan,
                )
            )
        by_host = group.groupby("host")["value"].sum()
        east = (
            group[group["driver"].isin(east_coast)]
            .groupby("host")["value"]
            .sum()
            .reindex(by_host.index, fill_value=0.0)
        )
        rows += [
            (
                "province_interprovincial_share_driven_by_east_coast",
                method,
                h,
                "",
                layer,
                float(east[h] / by_host[h]) if by_host[h] else np.nan,
            )
            for h in by_host.index
        ]
        per_driver = group.groupby(["host", "driver"])["value"].sum()
        rows += [
            (
                "province_interprovincial_share_by_driver",
                method,
                h,
                d,
                layer,
                float(v / by_host[h]) if by_host[h] else np.nan,
            )
            for (h, d), v in per_driver.items()
        ]
    return rows


def layer_summary(layers: pd.DataFrame, flows: pd.DataFrame, east_coast: set[str], inland: set[str]) -> pd.DataFrame:
    """Shares by production layer (APE; Results, "Pollution flow along the interprovincial supply chains").

    * ``province_layer_share``: a province's export-related emissions at each layer (all exports).
    * ``national_indirect_share``: of all export-related emissions at a layer (both channels), the share not
      driven by the emitting province's own final products consumed abroad (Eq. 12 per layer: other provinces'
      exports and intermediates for foreign further exports, the paper's "other regions' exports").
    * ``national_share_driven_by_other_provinces``: the same with other *provinces'* exports only (emitting
      province != exporting province; the alternative reading).
    * interprovincial shares (see ``_interprovincial_shares``) by two methods: ``layers`` (emissions at layer t in
      host r driven by province s's exports, s != r) and ``mapping`` (Eq. 17 flows from supplier province k at
      PLt to buyer province j != k at PL(t-1), labelled by the supplier's layer).

    Long by design: one share per row of the paper's layer statements, each one expression.
    """
    ape = layers[layers["species"] == "APE"]
    rows = []
    own = (
        ape[ape["driver"] == "all_exports"]
        .groupby(["emitting_province", "layer"])["value"]
        .sum()
        .unstack(fill_value=0.0)
    )
    shares = own.div(own.sum(axis=1), axis=0)
    for province, row in shares.iterrows():
        rows += [("province_layer_share", "layers", province, "", layer, float(v)) for layer, v in row.items()]
    by_exporter = ape[ape["driver"].str.startswith("exports_of:")]
    by_exporter = pd.DataFrame(
        {
            "host": by_exporter["emitting_province"].astype(str),
            "driver": by_exporter["driver"].str.split(":").str[1],
            "layer": by_exporter["layer"],
            "value": by_exporter["value"],
        }
    )
    for layer, group in by_exporter.groupby("layer", sort=True):
        total = group["value"].sum()
        other = group.loc[group["driver"] != group["host"], "value"].sum()
        rows.append(
            (
                "national_share_driven_by_other_provinces",
                "layers",
                "China",
                "",
                layer,
                float(other / total) if total else np.nan,
            )
        )
    # Indirect at each layer (Eq. 12 per layer): all but F_r A^t Y^{re}, r's own final products consumed abroad.
    own_final = ape[ape["driver"].astype(str) == "final_exports_of:" + ape["emitting_province"].astype(str)]
    direct = own_final.groupby("layer")["value"].sum()
    for layer, total in ape[ape["driver"] == "all_exports"].groupby("layer")["value"].sum().items():
        rows.append(
            (
                "national_indirect_share",
                "layers",
                "China",
                "",
                layer,
                float(1 - direct.get(layer, 0.0) / total) if total else np.nan,
            )
        )
    rows += _interprovincial_shares(
        by_exporter[by_exporter["host"] != by_exporter["driver"]], east_coast, inland, "layers"
    )
    mapped = flows[(flows["supplier"] != FOREIGN) & (flows["buyer"] != FOREIGN) & (flows["supplier"] != flows["buyer"])]
    mapped = pd.DataFrame(
        {
            "host": mapped["supplier"],
            "driver": mapped["buyer"],
            "layer": mapped["supplier_layer"],
            "value": mapped["ape"],
        }
    )
    rows += _interprovincial_shares(mapped, east_coast, inland, "mapping")
    return pd.DataFrame(rows, columns=["measure", "method", "region", "counterpart", "layer", "share"])
