"""First-order (tangent-linear) contributions against exact zero-outs of the surrogate on a small grid."""

from __future__ import annotations

import numpy as np
import pytest

from exportpm.ctm import COMPONENTS
from exportpm.ctm.first_order import first_order_response, linearise
from exportpm.ctm.met import default_met
from exportpm.ctm.surrogate import SOURCE_KEYS, SurrogateParameters, month_state, run_month
from exportpm.grid import LonLatGrid

GRID = LonLatGrid(100.0, 110.0, 25.0, 33.0, 0.5, 0.5)


def base_sources() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(4)
    scale = {"SO2": 4e5, "NOx": 6e5, "NH3": 3e5, "BC": 2e4, "OC": 4e4, "PM25_other": 6e4}
    return {k: scale[k] * rng.uniform(0.0, 1.0, (GRID.nlat, GRID.nlon)) for k in SOURCE_KEYS}


@pytest.mark.parametrize("month", [1, 7])
def test_first_order_matches_small_zero_outs_and_is_exact_for_linear_components(month):
    met, params = default_met(GRID, month), SurrogateParameters()
    base = base_sources()
    state = month_state(GRID, met, month, params)
    lin = linearise(state, base, params)
    exact_base = run_month(GRID, met, base, month, params)
    rng = np.random.default_rng(month)
    masks = [rng.uniform(0, 1, (GRID.nlat, GRID.nlon)) < 0.3 for _ in range(3)]
    for fraction in (0.01, 0.2):
        removed = {k: np.column_stack([(fraction * base[k] * m).ravel() for m in masks]) for k in SOURCE_KEYS}
        response = first_order_response(lin, removed, params)
        for j, mask in enumerate(masks):
            without = run_month(GRID, met, {k: base[k] * (1 - fraction * mask) for k in SOURCE_KEYS}, month, params)
            for c, name in enumerate(COMPONENTS):
                exact = (exact_base[name] - without[name]).ravel()
                scale = np.abs(exact).sum()
                error = np.abs(response[c, :, j] - exact).sum() / scale if scale > 0 else 0.0
                if name in ("SO4", "BC", "POA", "DST"):
                    assert error < 1e-9, (name, fraction, error)  # linear in the surrogate: exact
                else:
                    assert error < (0.05 if fraction == 0.01 else 0.25), (name, fraction, error)


def test_first_order_responses_add_up():
    """One right-hand side per source: the response to two sources together is the sum of both."""
    met, params = default_met(GRID, 4), SurrogateParameters()
    base = base_sources()
    lin = linearise(month_state(GRID, met, 4, params), base, params)
    a = {k: 0.1 * base[k].ravel()[:, None] for k in SOURCE_KEYS}
    b = {k: 0.2 * base[k].ravel()[:, None] for k in SOURCE_KEYS}
    both = {k: np.column_stack([a[k][:, 0], b[k][:, 0], a[k][:, 0] + b[k][:, 0]]) for k in SOURCE_KEYS}
    r = first_order_response(lin, both, params)
    np.testing.assert_allclose(r[:, :, 2], r[:, :, 0] + r[:, :, 1], rtol=1e-9, atol=1e-12)
