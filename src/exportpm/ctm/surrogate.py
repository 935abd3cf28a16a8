"""The built-in reduced-form CTM: steady-state monthly single-layer advection-diffusion-reaction.

For each transported family q on the nested grid (finite volumes on the sphere, first-order upwind
advection, eddy diffusion, first-order loss):  div(u c) - div(K grad c) + lambda_q c = S_q / (H A),
written per cell as fluxes in ug/s and solved with a sparse LU (one factorisation per operator and month,
several right-hand sides). Families: SO2 -> sulfate (k_S), NOx -> total nitrate (k_N), total NH3; BC,
POA (2.1 x OC) and primary dust (other primary PM2.5) inert. Sulfate takes ammonia first; ammonium nitrate
follows the NH4NO3 equilibrium, iterated with the particle fractions feeding the loss rates. Dry deposition
(v_d / H) and wet scavenging (w x precipitation) remove mass; what crosses the domain edge leaves.

It is a SCREENING MODEL (InMAP-like; InMAP-China: Wu et al. 2021, GMD 14:7621), not GEOS-Chem: no vertical
structure, no diurnal cycle, no SOA, no RH-dependent thermodynamics. Every output says so.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.sparse.linalg import splu

from exportpm.ctm import COMPONENTS
from exportpm.ctm.chemistry import M_NO3, M_SO4, partition
from exportpm.ctm.met import MonthlyMet
from exportpm.grid import EARTH_RADIUS_M, LonLatGrid

log = logging.getLogger(__name__)
SCREENING_NOTE = (
    "SCREENING-MODEL OUTPUT of the exportpm surrogate CTM (steady-state single-layer reduced-form model), not GEOS-Chem"
)
M_SO2, M_NO2 = 64.07, 46.01
SOURCE_KEYS = ("SO2", "NOx", "NH3", "BC", "OC", "PM25_other")


@dataclass
class SurrogateParameters:
    """Rates and factors; defaults documented in the README (sources there)."""

    so2_lifetime_hours: dict[int, float] = field(default_factory=lambda: {1: 96.0, 4: 48.0, 7: 30.0, 10: 60.0})
    nox_lifetime_hours: dict[int, float] = field(default_factory=lambda: {1: 21.0, 4: 10.0, 7: 6.0, 10: 12.0})
    dry_deposition_cm_s: dict[str, float] = field(
        default_factory=lambda: {"SO2": 0.5, "NOx": 0.1, "HNO3": 2.0, "NH3": 1.0, "particle": 0.1}
    )
    wet_scavenging_per_mm_h: dict[str, float] = field(
        default_factory=lambda: {"SO2": 5e-5, "NOx": 0.0, "HNO3": 2e-4, "NH3": 1e-4, "particle": 1e-4}
    )
    eddy_diffusivity_m2_s: float = 5000.0
    primary_sulfate_fraction: float = 0.031
    poa_to_oc: float = 2.1
    mixing_height_scale: float = 1.0
    partition_iterations: int = 3

    def lifetime_hours(self, table: dict[int, float], month: int) -> float:
        """Lifetime (hours) for ``month`` from a month -> hours table, periodic linear interpolation if absent."""
        if month in table:
            return table[month]
        months = np.array(sorted(table))
        return float(np.interp(month, months, [table[m] for m in months], period=12))


@dataclass
class Operator:
    """Transport (advection + diffusion) as a sparse matrix (ug/s per ug/m3), cell volumes and edge outflow."""

    transport: sparse.csr_matrix
    volume: np.ndarray  # m3
    mixing_height: np.ndarray  # m
    boundary_out: np.ndarray  # m3/s leaving through the domain edge per unit concentration


def transport_operator(grid: LonLatGrid, met: MonthlyMet, K: float, height_scale: float = 1.0) -> Operator:
    """Upwind advection and diffusion between neighbouring cells; zero concentration outside the domain."""
    ny, nx = grid.nlat, grid.nlon
    idx = np.arange(ny * nx).reshape(ny, nx)
    H = met.mixing_height * height_scale
    dphi, dlam = np.radians(grid.dlat), np.radians(grid.dlon)
    lat_c = np.radians(grid.lat)
    lat_edges = np.radians(grid.lat0 + grid.dlat * np.arange(ny + 1))
    dx = EARTH_RADIUS_M * np.cos(lat_c) * dlam  # (ny,)
    dy = EARTH_RADIUS_M * dphi
    rows, cols, vals = [], [], []
    boundary = np.zeros(ny * nx)

    def couple(a: np.ndarray, b: np.ndarray, speed: np.ndarray, area: np.ndarray, dist: np.ndarray) -> None:
        """Faces between cells a -> b (positive speed flows from a to b)."""
        out_a = np.maximum(speed, 0.0) * area
        out_b = np.maximum(-speed, 0.0) * area
        diff = K * area / dist
        rows.extend([a, b, a, b, a, b])
        cols.extend([a, a, b, b, a, b])
        vals.extend([out_a, -out_a, -out_b, out_b, diff, diff])
        rows.extend([a, b])
        cols.extend([b, a])
        vals.extend([-diff, -diff])

    # East-west faces
    u_face = 0.5 * (met.u[:, :-1] + met.u[:, 1:])
    h_face = 0.5 * (H[:, :-1] + H[:, 1:])
    couple(idx[:, :-1].ravel(), idx[:, 1:].ravel(), u_face.ravel(), (h_face * dy).ravel(), np.repeat(dx, nx - 1))
    # North-south faces
    v_face = 0.5 * (met.v[:-1, :] + met.v[1:, :])
    h_face = 0.5 * (H[:-1, :] + H[1:, :])
    edge = EARTH_RADIUS_M * np.cos(lat_edges[1:-1]) * dlam
    couple(
        idx[:-1, :].ravel(),
        idx[1:, :].ravel(),
        v_face.ravel(),
        (h_face * edge[:, None]).ravel(),
        np.full((ny - 1) * nx, dy),
    )
    # Domain edges: outflow where the wind leaves, diffusion towards zero outside.
    for cells, speed, area, dist in (
        (idx[:, 0], -met.u[:, 0], H[:, 0] * dy, dx),
        (idx[:, -1], met.u[:, -1], H[:, -1] * dy, dx),
        (idx[0, :], -met.v[0, :], H[0, :] * EARTH_RADIUS_M * np.cos(lat_edges[0]) * dlam, np.full(nx, dy)),
        (idx[-1, :], met.v[-1, :], H[-1, :] * EARTH_RADIUS_M * np.cos(lat_edges[-1]) * dlam, np.full(nx, dy)),
    ):
        out = np.maximum(speed, 0.0) * area + K * area / dist
        np.add.at(boundary, cells, out)
    rows.append(np.arange(ny * nx))
    cols.append(np.arange(ny * nx))
    vals.append(boundary)
    T = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(ny * nx, ny * nx)
    )
    volume = (grid.cell_area_m2() * H).ravel()
    return Operator(T, volume, H.ravel(), boundary)


def solve_family(op: Operator, loss_per_s: np.ndarray, sources_ug_s: np.ndarray) -> np.ndarray:
    """Steady state (T + diag(lambda V)) c = S for one or several source columns; c in ug/m3."""
    system = (op.transport + sparse.diags(loss_per_s * op.volume)).tocsc()
    return splu(system).solve(np.ascontiguousarray(sources_ug_s))


def budget(
    op: Operator, loss_parts: dict[str, np.ndarray], concentration: np.ndarray, sources_ug_s: np.ndarray
) -> dict[str, float]:
    """Mass budget (ug/s): emitted, each loss part, and outflow through the domain edge."""
    out = {"emitted": float(sources_ug_s.sum()), "outflow": float((op.boundary_out * concentration).sum())}
    for name, rate in loss_parts.items():
        out[name] = float((rate * op.volume * concentration).sum())
    return out


@dataclass
class MonthState:
    """A month's scenario-independent part: transport, loss rates and the factorised SO2, NOx and particle
    operators (their loss rates depend on meteorology only, never on emissions)."""

    op: Operator
    removal: dict[str, np.ndarray]  # dry deposition + wet scavenging per family, 1/s
    k_s: float  # SO2 -> sulfate, 1/s
    k_n: float  # NOx -> nitrate, 1/s
    lu_so2: object
    lu_nox: object
    lu_particle: object
    temperature: np.ndarray


def month_state(grid: LonLatGrid, met: MonthlyMet, month: int, params: SurrogateParameters) -> MonthState:
    """Transport operator and the three scenario-independent factorisations of one month."""
    op = transport_operator(grid, met, params.eddy_diffusivity_m2_s, params.mixing_height_scale)
    P = met.precipitation.ravel()
    vd = {k: v / 100.0 for k, v in params.dry_deposition_cm_s.items()}
    removal = {name: vd[name] / op.mixing_height + params.wet_scavenging_per_mm_h[name] * P for name in vd}
    k_s = 1.0 / (3600.0 * params.lifetime_hours(params.so2_lifetime_hours, month))
    k_n = 1.0 / (3600.0 * params.lifetime_hours(params.nox_lifetime_hours, month))
    return MonthState(
        op,
        removal,
        k_s,
        k_n,
        factorise(op, k_s + removal["SO2"]),
        factorise(op, k_n + removal["NOx"]),
        factorise(op, removal["particle"]),
        met.temperature.ravel(),
    )


def factorise(op: Operator, loss_per_s: np.ndarray):
    """Sparse LU of T + diag(lambda V) (ug/s per ug/m3)."""
    return splu((op.transport + sparse.diags(loss_per_s * op.volume)).tocsc())


def linear_families(
    state: MonthState, e: dict[str, np.ndarray], params: SurrogateParameters
) -> tuple[np.ndarray, np.ndarray]:
    """Sulfate, BC, POA, dust [cells, 4, k] and the nitrate source [cells, k] (ug/s) for k emission columns
    (ug/s per cell, arrays [cells, k]). Primary sulfate is 3.1 % of the SO2 mass (emitted as SO4 mass);
    secondary sulfate is SO2 oxidised at k_S, converted by M_SO4 / M_SO2."""
    op, f = state.op, params.primary_sulfate_fraction
    c_so2 = state.lu_so2.solve(np.ascontiguousarray(e["SO2"] * (1 - f)))
    sulfate_source = f * e["SO2"] + state.k_s * c_so2 * op.volume[:, None] * M_SO4 / M_SO2
    k = e["SO2"].shape[1]
    rhs = np.stack([sulfate_source, e["BC"], params.poa_to_oc * e["OC"], e["PM25_other"]], axis=1)  # [cells, 4, k]
    particles = state.lu_particle.solve(np.ascontiguousarray(rhs.reshape(rhs.shape[0], 4 * k))).reshape(-1, 4, k)
    c_nox = state.lu_nox.solve(np.ascontiguousarray(e["NOx"]))
    return particles, state.k_n * c_nox * op.volume[:, None] * M_NO3 / M_NO2


def loss_rates(state: MonthState, gas_n: np.ndarray, gas_a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Loss rates (1/s) of total nitrate and total ammonia: gas and particle removal weighted by the gas fractions."""
    removal = state.removal
    return (
        gas_n * removal["HNO3"] + (1 - gas_n) * removal["particle"],
        gas_a * removal["NH3"] + (1 - gas_a) * removal["particle"],
    )


INITIAL_GAS_FRACTION = 0.5  # gas share of total nitrate and of total ammonia the partition iteration starts from


def initial_nitrate_ammonium_operators(state: MonthState) -> tuple:
    """Sparse LU factors of the total-nitrate and total-ammonia operators of the partition iteration's first
    step. Their loss rates come from the starting gas fractions (the same in every cell and scenario), so they
    depend on the month only: factorised once per month, each scenario is a right-hand side. The factors are
    those ``solve_family`` would compute, so the results are the same bit for bit."""
    start = np.full(state.temperature.size, INITIAL_GAS_FRACTION)
    loss_n, loss_a = loss_rates(state, start, start)
    return factorise(state.op, loss_n), factorise(state.op, loss_a)


def nitrate_ammonium(
    state: MonthState,
    sulfate: np.ndarray,
    nitrate_source: np.ndarray,
    nh3: np.ndarray,
    params: SurrogateParameters,
    return_fractions: bool = False,
    first: tuple | None = None,
):
    """Total nitrate and ammonia transported with loss rates weighted by their gas fractions, and the NH4NO3
    partition, iterated ``partition_iterations`` times for one scenario (exact per scenario). With
    ``return_fractions`` also the gas fractions the last iteration's loss rates were built from. ``first``:
    the factorised first-iteration operators (``initial_nitrate_ammonium_operators``), which every scenario
    shares because the iteration starts from the same gas fractions; factorised here when not given."""
    gas_n = np.full(sulfate.size, INITIAL_GAS_FRACTION)
    gas_a = np.full(sulfate.size, INITIAL_GAS_FRACTION)
    first = first or initial_nitrate_ammonium_operators(state)
    for iteration in range(params.partition_iterations):
        used_n, used_a = gas_n, gas_a
        if iteration == 0:  # the same operators for every scenario: factorised once (first_iteration_operators)
            tno3 = first[0].solve(np.ascontiguousarray(nitrate_source))
            tnh3 = first[1].solve(np.ascontiguousarray(nh3))
        else:
            loss_n, loss_a = loss_rates(state, gas_n, gas_a)
            tno3 = solve_family(state.op, loss_n, nitrate_source)
            tnh3 = solve_family(state.op, loss_a, nh3)
        split = partition(sulfate, tnh3, tno3, state.temperature)
        gas_n, gas_a = split["gas_fraction_no3"], split["gas_fraction_nh3"]
    return (split, used_n, used_a) if return_fractions else split


def run_month_scenarios(
    grid: LonLatGrid,
    met: MonthlyMet,
    emissions_ug_s: dict[str, dict[str, np.ndarray]],
    month: int,
    params: SurrogateParameters,
) -> dict[str, dict[str, np.ndarray]]:
    """Surface PM2.5 components (ug/m3, (nlat, nlon)) of several scenarios of one month: scenario ->
    emissions in ug/s per cell (keys SO2, NOx, NH3, BC, OC, PM25_other; NOx as NO2 mass).

    The SO2, NOx and particle operators are factorised once and every scenario is a right-hand side; the
    ammonium-nitrate iteration (whose loss rates depend on the scenario) runs per scenario."""
    start = time.perf_counter()
    state = month_state(grid, met, month, params)
    names = list(emissions_ug_s)
    e = {k: np.column_stack([emissions_ug_s[n][k].ravel() for n in names]) for k in SOURCE_KEYS}
    particles, nitrate_source = linear_families(state, e, params)
    shape = (grid.nlat, grid.nlon)
    first = initial_nitrate_ammonium_operators(state)
    out = {}
    for j, name in enumerate(names):
        split = nitrate_ammonium(state, particles[:, 0, j], nitrate_source[:, j], e["NH3"][:, j], params, first=first)
        fields = {
            "SO4": particles[:, 0, j],
            "NIT": split["NIT"],
            "NH4": split["NH4"],
            "BC": particles[:, 1, j],
            "POA": particles[:, 2, j],
            "DST": particles[:, 3, j],
        }
        out[name] = {k: np.maximum(fields[k], 0.0).reshape(shape) for k in COMPONENTS}
    log.info(
        "surrogate month %d: %d cells, %d scenarios in %.2f s",
        month,
        grid.nlat * grid.nlon,
        len(names),
        time.perf_counter() - start,
    )
    return out


def run_month(
    grid: LonLatGrid, met: MonthlyMet, emissions_ug_s: dict[str, np.ndarray], month: int, params: SurrogateParameters
) -> dict[str, np.ndarray]:
    """Surface PM2.5 components (ug/m3, (nlat, nlon)) of one scenario-month (see ``run_month_scenarios``)."""
    return run_month_scenarios(grid, met, {"scenario": emissions_ug_s}, month, params)["scenario"]
