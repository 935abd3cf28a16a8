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
SCREENING_NOTE = ("SCREENING-MODEL OUTPUT of the exportpm surrogate CTM (steady-state single-layer reduced-form "
                  "model), not GEOS-Chem")
M_SO2, M_NO2 = 64.07, 46.01


@dataclass
class SurrogateParameters:
    """Rates and factors; defaults documented in the README (sources there)."""

    so2_lifetime_hours: dict[int, float] = field(default_factory=lambda: {1: 96.0, 4: 48.0, 7: 30.0, 10: 60.0})
    nox_lifetime_hours: dict[int, float] = field(default_factory=lambda: {1: 21.0, 4: 10.0, 7: 6.0, 10: 12.0})
    dry_deposition_cm_s: dict[str, float] = field(default_factory=lambda: {
        "SO2": 0.5, "NOx": 0.1, "HNO3": 2.0, "NH3": 1.0, "particle": 0.1})
    wet_scavenging_per_mm_h: dict[str, float] = field(default_factory=lambda: {
        "SO2": 5e-5, "NOx": 0.0, "HNO3": 2e-4, "NH3": 1e-4, "particle": 1e-4})
    eddy_diffusivity_m2_s: float = 5000.0
    primary_sulfate_fraction: float = 0.031
    poa_to_oc: float = 2.1
    mixing_height_scale: float = 1.0
    partition_iterations: int = 3

    def lifetime_hours(self, table: dict[int, float], month: int) -> float:
        if month in table:
            return table[month]
        months = np.array(sorted(table))
        return float(np.interp(month, months, [table[m] for m in months], period=12))


@dataclass
class Operator:
    """Transport (advection + diffusion) as a sparse matrix (ug/s per ug/m3), cell volumes and edge outflow."""

    transport: sparse.csr_matrix
    volume: np.ndarray          # m3
    mixing_height: np.ndarray   # m
    boundary_out: np.ndarray    # m3/s leaving through the domain edge per unit concentration


def transport_operator(grid: LonLatGrid, met: MonthlyMet, K: float, height_scale: float = 1.0) -> Operator:
    """Upwind advection and diffusion between neighbouring cells; zero concentration outside the domain."""
    ny, nx = grid.nlat, grid.nlon
    idx = np.arange(ny * nx).reshape(ny, nx)
    H = met.mixing_height * height_scale
    dphi, dlam = np.radians(grid.dlat), np.radians(grid.dlon)
    lat_c = np.radians(grid.lat)
    lat_edges = np.radians(grid.lat0 + grid.dlat * np.arange(ny + 1))
    dx = EARTH_RADIUS_M * np.cos(lat_c) * dlam      # (ny,)
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
    couple(idx[:, :-1].ravel(), idx[:, 1:].ravel(), u_face.ravel(), (h_face * dy).ravel(),
           np.repeat(dx, nx - 1))
    # North-south faces
    v_face = 0.5 * (met.v[:-1, :] + met.v[1:, :])
    h_face = 0.5 * (H[:-1, :] + H[1:, :])
    edge = EARTH_RADIUS_M * np.cos(lat_edges[1:-1]) * dlam
    couple(idx[:-1, :].ravel(), idx[1:, :].ravel(), v_face.ravel(), (h_face * edge[:, None]).ravel(),
           np.full((ny - 1) * nx, dy))
    # Domain edges: outflow where the wind leaves, diffusion towards zero outside.
    for cells, speed, area, dist in (
            (idx[:, 0], -met.u[:, 0], H[:, 0] * dy, dx), (idx[:, -1], met.u[:, -1], H[:, -1] * dy, dx),
            (idx[0, :], -met.v[0, :], H[0, :] * EARTH_RADIUS_M * np.cos(lat_edges[0]) * dlam, np.full(nx, dy)),
            (idx[-1, :], met.v[-1, :], H[-1, :] * EARTH_RADIUS_M * np.cos(lat_edges[-1]) * dlam, np.full(nx, dy))):
        out = np.maximum(speed, 0.0) * area + K * area / dist
        np.add.at(boundary, cells, out)
    rows.append(np.arange(ny * nx))
    cols.append(np.arange(ny * nx))
    vals.append(boundary)
    T = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                          shape=(ny * nx, ny * nx))
    volume = (grid.cell_area_m2() * H).ravel()
    return Operator(T, volume, H.ravel(), boundary)


def solve_family(op: Operator, loss_per_s: np.ndarray, sources_ug_s: np.ndarray) -> np.ndarray:
    """Steady state (T + diag(lambda V)) c = S for one or several source columns; c in ug/m3."""
    system = (op.transport + sparse.diags(loss_per_s * op.volume)).tocsc()
    return splu(system).solve(np.ascontiguousarray(sources_ug_s))


def budget(op: Operator, loss_parts: dict[str, np.ndarray], concentration: np.ndarray,
           sources_ug_s: np.ndarray) -> dict[str, float]:
    """Mass budget (ug/s): emitted, each loss part, and outflow through the domain edge."""
    out = {"emitted": float(sources_ug_s.sum()), "outflow": float((op.boundary_out * concentration).sum())}
    for name, rate in loss_parts.items():
        out[name] = float((rate * op.volume * concentration).sum())
    return out


def run_month(grid: LonLatGrid, met: MonthlyMet, emissions_ug_s: dict[str, np.ndarray], month: int,
              params: SurrogateParameters) -> dict[str, np.ndarray]:
    """Surface PM2.5 components (ug/m3, (nlat, nlon)) from emissions in ug/s per cell: keys SO2, NOx, NH3, BC,
    OC, PM25_other (NOx as NO2 mass)."""
    start = time.perf_counter()
    op = transport_operator(grid, met, params.eddy_diffusivity_m2_s, params.mixing_height_scale)
    H = op.mixing_height
    P = met.precipitation.ravel()
    vd = {k: v / 100.0 for k, v in params.dry_deposition_cm_s.items()}
    wet = params.wet_scavenging_per_mm_h

    def removal(name: str) -> np.ndarray:
        return vd[name] / H + wet[name] * P

    e = {k: v.ravel() for k, v in emissions_ug_s.items()}
    k_s = 1.0 / (3600.0 * params.lifetime_hours(params.so2_lifetime_hours, month))
    k_n = 1.0 / (3600.0 * params.lifetime_hours(params.nox_lifetime_hours, month))
    so2_emitted = e["SO2"] * (1 - params.primary_sulfate_fraction)
    c_so2 = solve_family(op, k_s + removal("SO2"), so2_emitted)
    sulfate_source = (params.primary_sulfate_fraction * e["SO2"] + k_s * c_so2 * op.volume) * M_SO4 / M_SO2
    particles = solve_family(op, removal("particle"), np.column_stack([
        sulfate_source, e["BC"], params.poa_to_oc * e["OC"], e["PM25_other"]]))
    c_nox = solve_family(op, k_n + removal("NOx"), e["NOx"])
    nitrate_source = k_n * c_nox * op.volume * M_NO3 / M_NO2
    temperature = met.temperature.ravel()
    gas_n = np.full(H.size, 0.5)
    gas_a = np.full(H.size, 0.5)
    for _ in range(params.partition_iterations):
        tno3 = solve_family(op, gas_n * removal("HNO3") + (1 - gas_n) * removal("particle"), nitrate_source)
        tnh3 = solve_family(op, gas_a * removal("NH3") + (1 - gas_a) * removal("particle"), e["NH3"])
        split = partition(particles[:, 0], tnh3, tno3, temperature)
        gas_n, gas_a = split["gas_fraction_no3"], split["gas_fraction_nh3"]
    shape = (grid.nlat, grid.nlon)
    out = {"SO4": particles[:, 0], "NIT": split["NIT"], "NH4": split["NH4"], "BC": particles[:, 1],
           "POA": particles[:, 2], "DST": particles[:, 3]}
    log.info("surrogate month %d: %d cells in %.2f s", month, H.size, time.perf_counter() - start)
    return {k: np.maximum(out[k], 0.0).reshape(shape) for k in COMPONENTS}
