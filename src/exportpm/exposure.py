"""Population exposure: population on the CTM grid, provincial population-weighted PM2.5 (Eq. 14),
the national cumulative exposure distribution and the people above thresholds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from exportpm.grid import LonLatGrid, area_fractions
from exportpm.regrid import regrid_extensive


@dataclass
class PopulationOnGrid:
    """Population of each province in each cell of the CTM grid (persons)."""

    provinces: tuple[str, ...]
    by_province: sparse.csr_matrix     # [province, cell]
    grid: LonLatGrid

    @property
    def totals(self) -> np.ndarray:
        return np.asarray(self.by_province.sum(axis=1)).ravel()

    @property
    def national(self) -> np.ndarray:
        return np.asarray(self.by_province.sum(axis=0)).ravel()


def population_on_grid(people: np.ndarray, source: LonLatGrid, target: LonLatGrid, provinces: tuple[str, ...],
                       polygons: list) -> PopulationOnGrid:
    """Regrid people conservatively to ``target``; split each cell's people over its provinces by area."""
    on_target = regrid_extensive(people, source, target).ravel()
    fractions = area_fractions(target, polygons)
    covered = np.asarray(fractions.sum(axis=0)).ravel()
    share = fractions.multiply(np.divide(1.0, covered, out=np.zeros_like(covered), where=covered > 0)[None, :])
    return PopulationOnGrid(provinces, sparse.csr_matrix(share.multiply(on_target[None, :])), target)


def population_weighted(concentration: np.ndarray, population: PopulationOnGrid) -> np.ndarray:
    """Eq. 14: C_a = sum_g c_g p_g / P_a for every province a (ug/m3)."""
    c = concentration.ravel()
    return (population.by_province @ c) / population.totals


def exposure_cdf(concentrations: dict[str, np.ndarray], population: PopulationOnGrid, step: float = 0.5,
                 top: float | None = None) -> pd.DataFrame:
    """Share of the national population living below each concentration, for each named field."""
    people = population.national
    top = top or float(max(c.max() for c in concentrations.values())) + step
    edges = np.arange(0.0, top + step, step)
    frames = []
    for name, field in concentrations.items():
        c = field.ravel()
        order = np.argsort(c)
        cumulative = np.cumsum(people[order]) / people.sum()
        below = np.interp(edges, c[order], cumulative, left=0.0, right=1.0)
        frames.append(pd.DataFrame({"case": name, "pm25_ugm3": edges, "population_share_below": below}))
    return pd.concat(frames, ignore_index=True)


def people_above(concentrations: dict[str, np.ndarray], population: PopulationOnGrid,
                 thresholds: tuple[float, ...] = (35.0, 5.0)) -> pd.DataFrame:
    people = population.national
    rows = []
    for name, field in concentrations.items():
        for limit in thresholds:
            above = float(people[field.ravel() > limit].sum())
            rows.append((name, limit, above, above / people.sum()))
    return pd.DataFrame(rows, columns=["case", "threshold_ugm3", "people", "population_share"])


def provincial_table(annual_base: np.ndarray, differences: dict[str, np.ndarray], background: float,
                     population: PopulationOnGrid, classes: dict[str, str], components: tuple[str, ...]
                     ) -> pd.DataFrame:
    """Population-weighted PM2.5 (Eq. 14) by province, region class and nation: Base (components, background,
    total) and each scenario's export-related PM2.5 (Base - scenario) with its share of the Base total."""
    base_total = annual_base.sum(axis=0) + background
    fields = {("Base", c): annual_base[i] for i, c in enumerate(components)}
    fields[("Base", "background")] = np.full_like(base_total, background)
    fields[("Base", "total")] = base_total
    for scenario, diff in differences.items():
        for i, c in enumerate(components):
            fields[(scenario, c)] = diff[i]
        fields[(scenario, "total")] = diff.sum(axis=0)
    if "I_EX" in differences and "I_EXDIR" in differences:  # indirect export-related PM2.5
        diff = differences["I_EX"] - differences["I_EXDIR"]
        for i, c in enumerate(components):
            fields[("indirect", c)] = diff[i]
        fields[("indirect", "total")] = diff.sum(axis=0)
    people = population.by_province
    totals = population.totals
    groups = {"province": {p: [i] for i, p in enumerate(population.provinces)},
              "region_class": {}, "national": {"China": list(range(len(population.provinces)))}}
    for i, p in enumerate(population.provinces):
        groups["region_class"].setdefault(classes.get(p, "unclassified"), []).append(i)
    rows = []
    denominators = {}
    for level, members in groups.items():
        for name, idx in members.items():
            weight = np.asarray(people[idx].sum(axis=0)).ravel()
            denominators[(level, name)] = float(weight @ base_total.ravel() / weight.sum())
            for (scenario, component), field in fields.items():
                value = float(weight @ field.ravel() / weight.sum())
                rows.append((level, name, scenario, component, value, value / denominators[(level, name)],
                             float(weight.sum()), float(totals[idx].sum())))
    return pd.DataFrame(rows, columns=["level", "province", "scenario", "component", "pw_ugm3", "share_of_total",
                                       "population", "population_official"])
