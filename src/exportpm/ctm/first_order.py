"""First-order (tangent-linear) contributions of many emission sources at once, around the Base state of the
surrogate CTM (the decoupled-direct-method idea of air-quality models; beyond the paper, which runs one
zero-out per group of foreign regions).

For a source k removing emissions dE_k (ug/s per cell and family), the change of each component is, to first
order, the response of the Base-linearised model:

* sulfate, BC, POA and dust respond linearly in the surrogate, so their first-order change is exact: the
  month's SO2 and particle factorisations applied to dE_k (``surrogate.linear_families``);
* total nitrate and total ammonia are transported with the loss rates of the Base's last partition iteration
  held fixed (two more factorisations per month), dT = M^-1 ds;
* the NH4NO3 partition is linearised cell by cell: dNIT = dNIT/dSO4 dSO4 + dNIT/dTNH3 dTNH3 + dNIT/dTNO3 dTNO3
  (and the same for NH4), derivatives by central differences of ``chemistry.partition`` at the Base state.

Every source is one right-hand side of each of the month's factorisations: one factorisation per family and
month, however many sources. What is neglected (the partition's feedback on the loss rates, the curvature of the
equilibrium) shows in the comparison with exact zero-outs (``check_against_zero_outs``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from exportpm.ctm import COMPONENTS
from exportpm.ctm.chemistry import partition
from exportpm.ctm.surrogate import (
    SOURCE_KEYS,
    MonthState,
    SurrogateParameters,
    factorise,
    linear_families,
    loss_rates,
    nitrate_ammonium,
)

STEP = 1e-4  # relative step of the partition's central differences


@dataclass
class BaseLinearisation:
    """The Base state a month's first-order responses are taken around."""

    state: MonthState
    sulfate: np.ndarray  # ug/m3 per cell
    tnh3: np.ndarray  # total ammonia (as NH3), ug/m3
    tno3: np.ndarray  # total nitrate (as NO3), ug/m3
    lu_tno3: object  # factorisation with the Base's last nitrate loss rates
    lu_tnh3: object
    jacobian: dict[str, np.ndarray]  # (NIT | NH4, SO4 | TNH3 | TNO3) -> d component / d input, per cell


def partition_jacobian(
    sulfate: np.ndarray, tnh3: np.ndarray, tno3: np.ndarray, temperature: np.ndarray
) -> dict[str, np.ndarray]:
    """Cell-wise derivatives of particulate NIT and NH4 with respect to sulfate, total NH3 and total NO3."""
    out = {}
    inputs = {"SO4": sulfate, "TNH3": tnh3, "TNO3": tno3}
    for name, value in inputs.items():
        h = STEP * np.maximum(value, 1e-6)
        up = {**inputs, name: value + h}
        down = {**inputs, name: np.maximum(value - h, 0.0)}
        width = (value + h) - np.maximum(value - h, 0.0)
        hi = partition(up["SO4"], up["TNH3"], up["TNO3"], temperature)
        lo = partition(down["SO4"], down["TNH3"], down["TNO3"], temperature)
        for component in ("NIT", "NH4"):
            out[(component, name)] = (hi[component] - lo[component]) / width
    return out


def linearise(state: MonthState, base: dict[str, np.ndarray], params: SurrogateParameters) -> BaseLinearisation:
    """Run the Base (ug/s per cell, keys SOURCE_KEYS, flattened) and keep what the tangent-linear model needs."""
    e = {k: base[k].ravel()[:, None] for k in SOURCE_KEYS}
    particles, nitrate_source = linear_families(state, e, params)
    sulfate = particles[:, 0, 0]
    _, gas_n, gas_a = nitrate_ammonium(
        state, sulfate, nitrate_source[:, 0], e["NH3"][:, 0], params, return_fractions=True
    )
    loss_n, loss_a = loss_rates(state, gas_n, gas_a)
    lu_tno3, lu_tnh3 = factorise(state.op, loss_n), factorise(state.op, loss_a)
    tno3 = lu_tno3.solve(nitrate_source[:, 0])
    tnh3 = lu_tnh3.solve(e["NH3"][:, 0])
    return BaseLinearisation(
        state, sulfate, tnh3, tno3, lu_tno3, lu_tnh3, partition_jacobian(sulfate, tnh3, tno3, state.temperature)
    )


def first_order_response(
    lin: BaseLinearisation, removed: dict[str, np.ndarray], params: SurrogateParameters
) -> np.ndarray:
    """[component of COMPONENTS, cell, source]: Base minus the Base without each source, to first order.
    ``removed``: family -> [cells, sources] ug/s removed by each source."""
    particles, nitrate_source = linear_families(lin.state, removed, params)
    d_tno3 = lin.lu_tno3.solve(np.ascontiguousarray(nitrate_source))
    d_tnh3 = lin.lu_tnh3.solve(np.ascontiguousarray(removed["NH3"]))
    d_so4 = particles[:, 0, :]
    J = lin.jacobian
    out = {"SO4": d_so4, "BC": particles[:, 1, :], "POA": particles[:, 2, :], "DST": particles[:, 3, :]}
    for component in ("NIT", "NH4"):
        out[component] = (
            J[(component, "SO4")][:, None] * d_so4
            + J[(component, "TNH3")][:, None] * d_tnh3
            + J[(component, "TNO3")][:, None] * d_tno3
        )
    return np.stack([out[c] for c in COMPONENTS])


def region_shares(
    by_consumer: pd.DataFrame, provinces: tuple[str, ...], species: tuple[str, ...]
) -> tuple[tuple[str, ...], np.ndarray]:
    """Foreign regions and share[e, p, q]: region e's part of province p's export-related emissions of species q
    (final and intermediate channels, every final-demand category; from the footprint's by-consumer table).
    A region's removal is taken with the MEIC-sector structure of all exports (the footprint does not split
    single regions by MEIC sector); the 13 groups' zero-outs, which do use their own structure, check it."""
    table = by_consumer.groupby(["consumer_region", "emitting_province", "species"], observed=True)["tonnes"].sum()
    regions = tuple(sorted({str(r) for r in table.index.get_level_values(0)}))
    out = np.zeros((len(regions), len(provinces), len(species)))
    e_of, p_of, q_of = ({v: i for i, v in enumerate(x)} for x in (regions, provinces, species))
    for (region, province, q), tonnes in table.items():
        if str(province) in p_of and str(q) in q_of:
            out[e_of[str(region)], p_of[str(province)], q_of[str(q)]] = tonnes
    total = out.sum(axis=0, keepdims=True)
    return regions, np.divide(out, total, out=np.zeros_like(out), where=total > 0)


def check_against_zero_outs(
    first: dict[str, np.ndarray], exact: dict[str, np.ndarray], weights: np.ndarray
) -> pd.DataFrame:
    """First-order against exact zero-outs, per scenario: national population-weighted total (ug/m3), the
    relative error nationally and the largest over provinces. ``first`` / ``exact``: scenario -> [province]
    population-weighted totals; ``weights``: people per province."""
    rows = []
    for name, value in first.items():
        if name not in exact:
            continue
        national_first = float(weights @ value / weights.sum())
        national_exact = float(weights @ exact[name] / weights.sum())
        provincial = np.abs(value - exact[name]) / np.maximum(np.abs(exact[name]), 1e-12)
        rows.append(
            (name, national_first, national_exact, national_first / national_exact - 1.0, float(provincial.max()))
        )
    return pd.DataFrame(
        rows,
        columns=["scenario", "first_order_ugm3", "exact_ugm3", "relative_error", "worst_provincial_relative_error"],
    )


def province_sector_removals(inputs, fractions_all: np.ndarray, month: int):
    """Yield (province index, MEIC sector index, [species of SF_SPECIES, lat, lon] t per MEIC cell) removed in
    ``month`` with that province's export-related emissions of that sector: W[p, cell] f[p, s, q] E[s, q, cell]."""
    monthly = inputs.monthly[month - 1]  # [s, q, lat, lon]
    shape = monthly.shape[-2:]
    for p in range(fractions_all.shape[0]):
        w = inputs.weights[p].toarray().reshape(shape)
        for s in range(fractions_all.shape[1]):
            yield p, s, fractions_all[p, s][:, None, None] * monthly[s] * w[None]
