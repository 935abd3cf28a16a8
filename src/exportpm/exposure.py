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
    by_province: sparse.csr_matrix  # [province, cell]
    grid: LonLatGrid

    @property
    def totals(self) -> np.ndarray:
        """Population of each province (people), summed over cells."""
        return np.asarray(self.by_province.sum(axis=1)).ravel()

    @property
    def national(self) -> np.ndarray:
        """Population of each cell (people), summed over provinces."""
        return np.asarray(self.by_province.sum(axis=0)).ravel()


def population_on_grid(
    people: np.ndarray, source: LonLatGrid, target: LonLatGrid, provinces: tuple[str, ...], polygons: list
) -> PopulationOnGrid:
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


def exposure_cdf(
    concentrations: dict[str, np.ndarray], population: PopulationOnGrid, step: float = 0.5, top: float | None = None
) -> pd.DataFrame:
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


def people_above(
    concentrations: dict[str, np.ndarray], population: PopulationOnGrid, thresholds: tuple[float, ...] = (35.0, 5.0)
) -> pd.DataFrame:
    """People (and their share of the national population) living in cells above each threshold, per case."""
    people = population.national
    rows = []
    for name, field in concentrations.items():
        for limit in thresholds:
            above = float(people[field.ravel() > limit].sum())
            rows.append((name, limit, above, above / people.sum()))
    return pd.DataFrame(rows, columns=["case", "threshold_ugm3", "people", "population_share"])


# Exposure cases: name -> (scenario whose total PM2.5 the people breathe, label of the difference to Base).
EXPOSURE_CASES = {
    "with_exports": ("Base", None),
    "without_exports": ("I_EX", "due_to_exports"),
    "without_east_coast_exports": ("I_EXEAST", "due_to_east_coast_exports"),
}


def exposure_cases(base_total: np.ndarray, differences: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Total PM2.5 fields (ug/m3) of each exposure case: Base, and Base minus the export-related PM2.5
    (summed components) of I_EX and I_EXEAST where those scenarios ran."""
    out = {}
    for case, (scenario, _) in EXPOSURE_CASES.items():
        if scenario == "Base":
            out[case] = base_total
        elif scenario in differences:
            out[case] = base_total - differences[scenario].sum(axis=0)
    return out


def threshold_population(
    cases: dict[str, np.ndarray], population: PopulationOnGrid, thresholds: tuple[float, ...]
) -> pd.DataFrame:
    """People above each threshold per case, plus the people above it *because of* exports: Base minus I_EX
    (case ``due_to_exports``, the paper's 87.9 and 0.4 million above 35 and 5 ug/m3) and Base minus I_EXEAST
    (``due_to_east_coast_exports``, the paper's 19.3 and 0.1 million)."""
    table = people_above(cases, population, thresholds)
    counts = table.set_index(["case", "threshold_ugm3"])
    rows = []
    for case, (_, label) in EXPOSURE_CASES.items():
        if label is None or case not in cases:
            continue
        for limit in thresholds:
            extra = counts.loc[("with_exports", limit)] - counts.loc[(case, limit)]
            rows.append((label, limit, float(extra["people"]), float(extra["population_share"])))
    return pd.concat([table, pd.DataFrame(rows, columns=table.columns)], ignore_index=True)


def region_shares(provincial: pd.DataFrame, inland: dict[str, bool], classes: dict[str, str]) -> pd.DataFrame:
    """Each region's share of China's export-related PM2.5 pollution, per scenario (total of the components).

    * ``share_of_exposure``: sum_{a in R} P_a C_a / sum_a P_a C_a with C_a the population-weighted
      export-related PM2.5 of province a (Eq. 14) and P_a its people: the region's part of the national
      population-weighted export-related PM2.5 (the default reading of the paper's "inland ... contribution to
      the export-related PM2.5 pollution reaches 65.0 %").
    * ``share_of_provincial_sum``: sum_{a in R} C_a / sum_a C_a, the region's part of the provinces'
      concentrations added up (the same statement read off the provincial map, Fig. 1a).
    Regions: ``inland`` (the province table's inland flag), ``coastal`` (the rest) and every region class.
    """
    rows = provincial[
        (provincial["level"] == "province") & (provincial["component"] == "total") & (provincial["scenario"] != "Base")
    ]
    out = []
    for scenario, group in rows.groupby("scenario", sort=True):
        c = group.set_index("province")["pw_ugm3"]
        p = group.set_index("province")["population"]
        members = {
            "inland": [a for a in c.index if inland.get(a, False)],
            "coastal": [a for a in c.index if not inland.get(a, False)],
        }
        for a in c.index:
            members.setdefault(classes.get(a, "unclassified"), []).append(a)
        exposure, concentration = float((p * c).sum()), float(c.sum())
        for region, names in members.items():
            out.append(
                (
                    scenario,
                    region,
                    len(names),
                    float((p[names] * c[names]).sum()) / exposure,
                    float(c[names].sum()) / concentration,
                )
            )
    return pd.DataFrame(
        out, columns=["scenario", "region", "provinces", "share_of_exposure", "share_of_provincial_sum"]
    )


def provincial_table(
    annual_base: np.ndarray,
    differences: dict[str, np.ndarray],
    background: np.ndarray,
    population: PopulationOnGrid,
    classes: dict[str, str],
    components: tuple[str, ...],
) -> pd.DataFrame:
    """Population-weighted PM2.5 (Eq. 14) by province, region class and nation: Base (components, background,
    total) and each scenario's export-related PM2.5 (Base - scenario) with its share of the Base total.
    ``background``: the PM2.5 outside the components (ug/m3, a field on the grid of ``annual_base``).

    Long because it assembles one table from several weighted means (Base, scenarios, differences);
    each step is one expression.
    """
    base_total = annual_base.sum(axis=0) + background
    fields = {("Base", c): annual_base[i] for i, c in enumerate(components)}
    fields[("Base", "background")] = np.broadcast_to(background, base_total.shape)
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
    groups = {
        "province": {p: [i] for i, p in enumerate(population.provinces)},
        "region_class": {},
        "national": {"China": list(range(len(population.provinces)))},
    }
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
                rows.append(
                    (
                        level,
                        name,
                        scenario,
                        component,
                        value,
                        value / denominators[(level, name)],
                        float(weight.sum()),
                        float(totals[idx].sum()),
                    )
                )
    return pd.DataFrame(
        rows,
        columns=[
            "level",
            "province",
            "scenario",
            "component",
            "pw_ugm3",
            "share_of_total",
            "population",
            "population_official",
        ],
    )
