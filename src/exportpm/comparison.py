"""The paper's quantitative statements beside the pipeline's values, each computed by the paper's definition.

One row per statement of the Results and Discussion (and the abstract's headline numbers): the paper's value,
the pipeline's value, the unit, the definition (the paper's notation; docs/quantities.md has the reasons for
every decision) and the product and column it comes from. A value the products cannot give (a province or a
foreign group the world or the configured scenarios lack) is NaN with the reason in ``note``; nothing is
skipped silently. Shares are percentages, counts are people in millions, emissions Mt APE (1e9 equivalents).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

FERROUS, ELECTRICITY, CONSTRUCTION, MACHINERY = "i_s", "ely", "cns", "ome"
MANUFACTURING = ("ome", "ele", "mvh", "eeq")  # the paper's manufacturing products (Results, Fig. 3a)
MOTOR, APPAREL, FOOD, CATTLE, VEGETABLES = "mvh", "wap", "ofd", "ctl", "v_f"
CAPITAL = ("gfcf",)  # capital-driven: gross fixed capital formation (Supp. Fig. 5)


@dataclass
class Products:
    """The pipeline's tables the comparison reads (any may be None when the run lacks it)."""

    by_consumer: pd.DataFrame
    by_sector: pd.DataFrame
    export_volume: pd.DataFrame
    layers: pd.DataFrame
    layer_shares: pd.DataFrame
    top_paths: pd.DataFrame
    provincial: pd.DataFrame | None  # exposure: population-weighted PM2.5 (Eq. 14)
    thresholds: pd.DataFrame | None  # exposure: people above thresholds per case
    codes: dict[str, str]  # English province name -> ISO 3166-2
    classes: dict[str, str]  # ISO 3166-2 -> region class
    inland: set[str]
    region_shares: pd.DataFrame | None = None  # exposure: regions' shares of export-related PM2.5 (CTM stage)
    by_category: pd.DataFrame | None = None  # footprint: species x emitting province x sector x final demand
    east_coast_class: str = "East Coast"
    method: str = "mapping"  # spa.interprovincial_method
    notes: dict[str, str] = field(default_factory=dict)

    present: set[str] = field(default_factory=set)  # provinces of this world (from the export tables)

    def __post_init__(self) -> None:
        """Default :attr:`present` to the emitting provinces of ``by_consumer`` when none are given."""
        if not self.present:
            self.present = set(map(str, self.by_consumer["emitting_province"].unique()))

    @property
    def east(self) -> set[str]:
        """The provinces whose region class is :attr:`east_coast_class`."""
        return {p for p, c in self.classes.items() if c == self.east_coast_class}


def _text(column: pd.Series) -> pd.Series:
    """``column`` for comparisons with strings (``==``, ``isin``): a categorical of string categories as it is
    (compared through its categories, the same answers without converting millions of rows), else as str."""
    if isinstance(column.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(column.cat.categories):
        return column
    return column.astype(str)


class MissingError(Exception):
    """The products cannot give this value (the reason goes to the row's note)."""


def _pct(numerator: float, denominator: float) -> float:
    if not denominator:
        raise MissingError("zero denominator")
    return 100.0 * float(numerator) / float(denominator)


# --- PM2.5 from the CTM (exposure products) -----------------------------------------------------------------


def _pw(p: Products, scenario: str, level: str, name: str) -> float:
    if p.provincial is None:
        raise MissingError("no exposure table")
    t = p.provincial
    rows = t[
        (t["scenario"] == scenario) & (t["level"] == level) & (t["province"] == name) & (t["component"] == "total")
    ]
    if rows.empty:
        raise MissingError(f"no {scenario} for {level} {name} (scenario not run or region not in the world)")
    return float(rows["pw_ugm3"].iloc[0])


PAPER_NAMES = {"Tibet": "Tibet (Xizang)"}  # the paper's English names where the resource table differs


def _code(p: Products, name: str) -> str:
    code = p.codes.get(PAPER_NAMES.get(name, name), p.codes.get(name))
    if code is None:
        raise MissingError(f"unknown province {name}")
    if code not in p.present:
        raise MissingError(f"{name} ({code}) is not in this world")
    return code


def _province_pw(p: Products, scenario: str, name: str) -> float:
    return _pw(p, scenario, "province", _code(p, name))


def _burden(p: Products, scenario: str, provinces: set[str]) -> float:
    """Population-weighted sum over provinces: sum_a C_a P_a (Eq. 14 numerators), ug/m3 x people."""
    if p.provincial is None:
        raise MissingError("no exposure table")
    t = p.provincial
    rows = t[
        (t["scenario"] == scenario)
        & (t["level"] == "province")
        & (t["component"] == "total")
        & t["province"].isin(provinces)
    ]
    if rows.empty:
        raise MissingError(f"no {scenario} rows for these provinces")
    return float((rows["pw_ugm3"] * rows["population"]).sum())


def _class_share(p: Products, scenario: str, region_class: str, of: str = "I_EX") -> float:
    return _pct(_pw(p, scenario, "region_class", region_class), _pw(p, of, "region_class", region_class))


def _scenario_of_group(group: str) -> str:
    return "I_EXREGION_" + group.replace(" ", "_")


def _group_share(p: Products, group: str, name: str | None) -> float:
    level, key = ("national", "China") if name is None else ("province", _code(p, name))
    return _pct(_pw(p, _scenario_of_group(group), level, key), _pw(p, "I_EX", level, key))


def _people(p: Products, case_words: tuple[str, ...], threshold: float) -> tuple[float, float]:
    if p.thresholds is None:
        raise MissingError("no threshold table")
    t = p.thresholds
    for word in case_words:
        rows = t[(t["case"] == word) & np.isclose(t["threshold_ugm3"], threshold)]
        if not rows.empty:
            return float(rows["people"].iloc[0]), float(rows["population_share"].iloc[0])
    raise MissingError(f"no case {case_words[0]} at {threshold} ug/m3")


BASE_CASES = ("with_exports", "Base")
NO_EXPORT_CASES = ("without_exports", "I_EX")
NO_EAST_CASES = ("without_east_coast_exports", "I_EXEAST")


DUE = {NO_EXPORT_CASES: "due_to_exports", NO_EAST_CASES: "due_to_east_coast_exports"}


def _people_due(p: Products, cases: tuple[str, ...], threshold: float, share: bool = False) -> float:
    """N_>t(Base) - N_>t(scenario): the CTM stage's own difference rows when present, else formed here."""
    try:
        extra, extra_share = _people(p, (DUE[cases],), threshold)
    except MissingError:
        base, base_share = _people(p, BASE_CASES, threshold)
        other, other_share = _people(p, cases, threshold)
        extra, extra_share = base - other, base_share - other_share
    return 100.0 * extra_share if share else extra / 1e6


def _inland_share(p: Products, scenario: str = "I_EX") -> float:
    """The inland share of export-related PM2.5: the CTM stage's region_shares (share_of_exposure) when present,
    else sum_inland C_a P_a / sum_a C_a P_a from the provincial table (the same definition)."""
    if p.region_shares is not None:
        rows = p.region_shares[(p.region_shares["scenario"] == scenario) & (p.region_shares["region"] == "inland")]
        if not rows.empty:
            return 100.0 * float(rows["share_of_exposure"].iloc[0])
    return _pct(_burden(p, scenario, p.inland), _burden(p, scenario, set(p.classes)))


def _share_below(p: Products, threshold: float) -> float:
    return 100.0 * (1.0 - _people(p, BASE_CASES, threshold)[1])


def _provinces_above(p: Products, limit: float) -> pd.DataFrame:
    if p.provincial is None:
        raise MissingError("no exposure table")
    t = p.provincial
    rows = t[(t["scenario"] == "I_EX") & (t["level"] == "province") & (t["component"] == "total")]
    return rows[rows["pw_ugm3"] > limit]


# --- emissions (footprint products, APE or a species) ---------------------------------------------------------


def _sector_share(p: Products, species: str, column: str, sectors: tuple[str, ...], where=None) -> float:
    t = p.by_sector[p.by_sector["species"] == species] if species != "APE" else p.by_sector
    value = "ape" if species == "APE" else "tonnes"
    if where is not None:
        t = t[where(t)]
    return _pct(t.loc[_text(t[column]).isin(sectors), value].sum(), t[value].sum())


def _top5_share_min(p: Products) -> float:
    shares = []
    for _, t in p.by_sector.groupby("species", observed=True):
        by = t.groupby("producing_sector", observed=True)["tonnes"].sum().sort_values(ascending=False)
        shares.append(_pct(by.head(5).sum(), by.sum()))
    return min(shares)


def _group_emission_share(p: Products, groups: tuple[str, ...], where=None) -> float:
    t = p.by_sector if where is None else p.by_sector[where(p.by_sector)]
    return _pct(t.loc[_text(t["consumer_group"]).isin(groups), "ape"].sum(), t["ape"].sum())


def _province_of_sector(p: Products, name: str, species: str, sector: str) -> float:
    t = p.by_sector[(_text(p.by_sector["producing_sector"]) == sector)]
    t = t if species == "APE" else t[t["species"] == species]
    value = "ape" if species == "APE" else "tonnes"
    return _pct(t.loc[_text(t["emitting_province"]) == _code(p, name), value].sum(), t[value].sum())


def _demand_share(p: Products, species: str, categories: tuple[str, ...]) -> float:
    t = p.by_consumer[p.by_consumer["species"] == species]
    return _pct(t.loc[_text(t["final_demand"]).isin(categories), "tonnes"].sum(), t["tonnes"].sum())


def _capital_share_of_sector(p: Products, species: str, sector: str) -> float:
    if p.by_category is None:
        raise MissingError("no export_emissions_by_category table")
    t = p.by_category[(p.by_category["species"] == species) & (_text(p.by_category["sector"]) == sector)]
    return _pct(t.loc[_text(t["final_demand"]).isin(CAPITAL), "tonnes"].sum(), t["tonnes"].sum())


def _indirect_ape(p: Products, provinces: set[str] | None = None) -> float:
    t = p.by_consumer if provinces is None else p.by_consumer[p.by_consumer["emitting_province"].isin(provinces)]
    return _pct(t.loc[~t["direct"], "ape"].sum(), t["ape"].sum())


def _channel_mt(p: Products, channel: str) -> float:
    return float(p.by_consumer.loc[p.by_consumer["channel"] == channel, "ape"].sum()) / 1e9


def _channel_ratio(p: Products, name: str) -> float:
    t = p.by_consumer[_text(p.by_consumer["exporting_province"]) == _code(p, name)]
    final = t.loc[t["channel"] == "final_products", "ape"].sum()
    if not final:
        raise MissingError(f"{name} has no final-product exports")
    return float(t.loc[t["channel"] == "intermediate_exports", "ape"].sum() / final)


def _volume_share(
    p: Products, provinces: set[str] | None = None, name: str | None = None, group: str | None = None
) -> float:
    v = p.export_volume
    if name is not None:
        v = v[_text(v["exporting_province"]) == _code(p, name)]
    part = v
    if provinces is not None:
        part = part[_text(part["exporting_province"]).isin(provinces)]
    if group is not None:
        part = part[_text(part["consumer_group"]) == group]
    return _pct(part["musd"].sum(), v["musd"].sum())


def _volume_sector_share(p: Products, name: str, group: str, sectors: tuple[str, ...]) -> float:
    """Share of sectors in province ``name``'s exports (final + intermediate, US$) to consumer group ``group``."""
    v = p.export_volume
    if "sector" not in v.columns:
        raise MissingError("export_volume has no sector column")
    v = v[(_text(v["exporting_province"]) == _code(p, name)) & (_text(v["consumer_group"]) == group)]
    return _pct(v.loc[_text(v["sector"]).isin(sectors), "musd"].sum(), v["musd"].sum())


def _volume_rank(p: Products, name: str, group: str) -> float:
    v = p.export_volume[_text(p.export_volume["exporting_province"]) == _code(p, name)]
    by = v.groupby(v["consumer_group"].astype(str))["musd"].sum().sort_values(ascending=False)
    if group not in by.index:
        raise MissingError(f"{name} exports nothing to {group}")
    return float(list(by.index).index(group) + 1)


def _pollution_rank(p: Products, name: str, group: str) -> float:
    """Rank of ``group`` among the foreign groups by C_a(Base - I_EXREGION_g) (needs every group's zero-out)."""
    if p.provincial is None:
        raise MissingError("no exposure table")
    code = _code(p, name)
    t = p.provincial
    rows = t[
        (t["level"] == "province")
        & (t["province"] == code)
        & (t["component"] == "total")
        & t["scenario"].str.startswith("I_EXREGION_")
    ]
    groups = set(p.export_volume["consumer_group"].astype(str))
    if len(rows) < len(groups):
        raise MissingError(f"only {len(rows)} of {len(groups)} foreign groups simulated (scenarios.region_groups)")
    order = list(rows.sort_values("pw_ugm3", ascending=False)["scenario"])
    return float(order.index(_scenario_of_group(group)) + 1)


# --- structural path analysis -------------------------------------------------------------------------------


def _layer_share(
    p: Products, measure: str, region: str, layer: str, counterpart: str = "", method: str | None = None
) -> float:
    t = p.layer_shares
    rows = t[
        (t["measure"] == measure) & (t["region"] == region) & (t["layer"] == layer) & (t["counterpart"] == counterpart)
    ]
    rows = rows[
        rows["method"]
        == (
            method
            or (
                "layers"
                if measure
                in ("province_layer_share", "national_indirect_share", "national_share_driven_by_other_provinces")
                else p.method
            )
        )
    ]
    if rows.empty or not np.isfinite(rows["share"].iloc[0]):
        raise MissingError(f"no {measure} for {region} {counterpart} at {layer}")
    return 100.0 * float(rows["share"].iloc[0])


def _national_layer_share(p: Products, layer: str) -> float:
    t = p.layers[(p.layers["species"] == "APE") & (p.layers["driver"] == "all_exports")]
    return _pct(t.loc[t["layer"] == layer, "value"].sum(), t["value"].sum())


def _sector_at_layer(p: Products, sector: str, layer: str, local_direct: bool = False) -> float:
    t = p.layers[(p.layers["species"] == "APE") & (p.layers["layer"] == layer)]
    if local_direct:  # emissions in r driven by r's own final products consumed abroad (Eq. 11) at this layer
        t = t[t["driver"] == "final_exports_of:" + t["emitting_province"].astype(str)]
    else:
        t = t[t["driver"] == "all_exports"]
    return _pct(t.loc[_text(t["sector"]) == sector, "value"].sum(), t["value"].sum())


def _hunan_guangdong(p: Products) -> float:
    hunan, guangdong = _code(p, "Hunan"), _code(p, "Guangdong")
    east = _layer_share(p, "province_interprovincial_share_driven_by_east_coast", hunan, "PL1")
    return _pct(_layer_share(p, "province_interprovincial_share_by_driver", hunan, "PL1", guangdong), east)


def _paths(p: Products) -> pd.DataFrame:
    t = p.top_paths
    if t.empty:
        raise MissingError("no top paths")
    return t.assign(
        demand=t["final_demand_node"].str.split("/").str[0],
        emitter=t["emitting_node"].str.split("/").str[0],
        emitting_sector=t["emitting_node"].str.split("/").str[1],
    )


def _paths_from(p: Products, name: str, what: str) -> float:
    t = _paths(p).head(20)
    chosen = t[t["demand"] == _code(p, name)]
    return float(len(chosen)) if what == "count" else float(chosen["ape"].sum()) / 1e9


def _ferrous_in_paths(p: Products, demand: str, emitter: str) -> float:
    t = _paths(p)
    chosen = t[(t["demand"] == _code(p, demand)) & (t["emitter"] == _code(p, emitter))]
    return _pct(chosen.loc[chosen["emitting_sector"] == FERROUS, "ape"].sum(), chosen["ape"].sum())


# --- the statements ---------------------------------------------------------------------------------------------

Row = tuple[str, str, float, str, str, str, Callable[[Products], float]]

EXPOSURE = "results/<run>/exposure/provincial_pm25.parquet: pw_ugm3 (level, province, scenario, component=total)"
THRESH = "results/<run>/exposure/threshold_population.parquet: people, population_share (case, threshold_ugm3)"
REGIONS = "results/<run>/exposure/region_shares.parquet: share_of_exposure (scenario I_EX, region inland)"
BY_SECTOR = "results/<run>/footprint/export_emissions_by_sector.parquet: tonnes / ape"
BY_CATEGORY = "results/<run>/footprint/export_emissions_by_category.parquet: tonnes (sector, final_demand)"
BY_CONSUMER = "results/<run>/footprint/export_emissions_by_province_consumer.parquet: ape / tonnes"
VOLUME = "results/<run>/footprint/export_volume.parquet: musd (exporting_province, sector, consumer_group)"
LAYERS = "results/<run>/spa/layers.parquet: value (species=APE)"
SHARES = "results/<run>/spa/layer_shares.parquet: share"
PATHS = "results/<run>/spa/top_paths.parquet: ape"


def _national_rows() -> list[Row]:
    """Exports' share of China's and the region classes' PM2.5 (abstract, Results)."""
    rows: list[Row] = [
        (
            "A1",
            "Exports' share of China's PM2.5 (abstract, Discussion)",
            9.9,
            "%",
            "C_China(Base - I_EX) / C_China(Base), Eq. 14",
            EXPOSURE,
            lambda p: _pct(_pw(p, "I_EX", "national", "China"), _pw(p, "Base", "national", "China")),
        ),
        (
            "A2",
            "Exports' share of PM2.5 in the East Coast",
            13.8,
            "%",
            "same, region class East Coast",
            EXPOSURE,
            lambda p: _class_share(p, "I_EX", "East Coast", of="Base"),
        ),
        (
            "A3",
            "Exports' share of PM2.5 in the Southwest",
            7.2,
            "%",
            "same, region class Southwest",
            EXPOSURE,
            lambda p: _class_share(p, "I_EX", "Southwest", of="Base"),
        ),
    ]
    return rows


def _exposure_rows() -> list[Row]:
    """Population above / below the PM2.5 thresholds, with and without exports (Results).

    Long by design: a declarative table of the paper's statements of this section, one entry per statement.
    """
    rows: list[Row] = [
        (
            "E1",
            "Population below 35 ug/m3 (Base)",
            33.8,
            "%",
            "people with Base PM2.5 <= 35 / population",
            THRESH,
            lambda p: _share_below(p, 35.0),
        ),
        (
            "E2",
            "Population below 5 ug/m3 (Base)",
            0.4,
            "%",
            "people with Base PM2.5 <= 5 / population",
            THRESH,
            lambda p: _share_below(p, 5.0),
        ),
        (
            "E3",
            "More people above 35 ug/m3 due to exports",
            87.9,
            "million",
            "N_>35(Base) - N_>35(I_EX)",
            THRESH,
            lambda p: _people_due(p, NO_EXPORT_CASES, 35.0),
        ),
        (
            "E4",
            "... as share of the population",
            6.4,
            "%",
            "same / population",
            THRESH,
            lambda p: _people_due(p, NO_EXPORT_CASES, 35.0, share=True),
        ),
        (
            "E5",
            "More people above 5 ug/m3 due to exports",
            0.4,
            "million",
            "N_>5(Base) - N_>5(I_EX)",
            THRESH,
            lambda p: _people_due(p, NO_EXPORT_CASES, 5.0),
        ),
        (
            "E6",
            "... as share of the population",
            0.1,
            "%",
            "same / population",
            THRESH,
            lambda p: _people_due(p, NO_EXPORT_CASES, 5.0, share=True),
        ),
        (
            "E7",
            "More people above 35 ug/m3 due to East Coast exports",
            19.3,
            "million",
            "N_>35(Base) - N_>35(I_EXEAST)",
            THRESH,
            lambda p: _people_due(p, NO_EAST_CASES, 35.0),
        ),
        (
            "E8",
            "More people above 5 ug/m3 due to East Coast exports",
            0.1,
            "million",
            "N_>5(Base) - N_>5(I_EXEAST)",
            THRESH,
            lambda p: _people_due(p, NO_EAST_CASES, 5.0),
        ),
        (
            "E9",
            "Provinces where exports alone add over 5 ug/m3",
            15,
            "provinces",
            "count of C_a(Base - I_EX) > 5",
            EXPOSURE,
            lambda p: float(len(_provinces_above(p, 5.0))),
        ),
        (
            "E10",
            "Residents of those provinces",
            830,
            "million",
            "sum of their population",
            EXPOSURE,
            lambda p: float(_provinces_above(p, 5.0)["population"].sum()) / 1e6,
        ),
    ]
    return rows


def _regional_rows() -> list[Row]:
    """Regional distribution and the indirect (other provinces' exports) share (Results, Fig. 1).

    Long by design: a declarative table of the paper's statements of this section, one entry per statement.
    """
    rows: list[Row] = [
        (
            "R1",
            "Inland share of China's export volume (Supp. Table 1)",
            19.8,
            "%",
            "inland provinces' final + intermediate exports / all (US$)",
            VOLUME,
            lambda p: _volume_share(p, provinces=p.inland),
        ),
        (
            "R2",
            "Inland share of export-related PM2.5 pollution",
            65.0,
            "%",
            "sum_inland C_a(Base - I_EX) P_a / sum_all C_a(Base - I_EX) P_a (population-weighted burden)",
            REGIONS,
            _inland_share,
        ),
        (
            "R3",
            "Inland volume share / inland pollution share ('only third', Discussion)",
            19.8 / 65.0,
            "ratio",
            "R1 / R2",
            f"{VOLUME}; {REGIONS}",
            lambda p: _volume_share(p, provinces=p.inland) / _inland_share(p),
        ),
        (
            "D1",
            "Share of export-related PM2.5 from indirect exports (Fig. 1c)",
            75.4,
            "%",
            "C_China(I_EXDIR - I_EX) / C_China(Base - I_EX); I_EXDIR removes F_r L Y^{re} (Eq. 11)",
            EXPOSURE,
            lambda p: _pct(_pw(p, "indirect", "national", "China"), _pw(p, "I_EX", "national", "China")),
        ),
        (
            "D2",
            "... the same on emissions (APE, Eq. 12 / Eq. 10)",
            75.4,
            "%",
            "sum EEEi / sum EEE over provinces, APE (direct = own final products only)",
            BY_CONSUMER,
            lambda p: _indirect_ape(p),
        ),
        (
            "D3",
            "Indirect share in the East Coast (the lowest region, still above)",
            70.0,
            "% (lower bound)",
            "region class East Coast, as D1",
            EXPOSURE,
            lambda p: _class_share(p, "indirect", "East Coast"),
        ),
    ]
    for name, value in (("Jilin", 90.1), ("Qinghai", 90.0), ("Inner Mongolia", 85.6)):
        rows.append(
            (
                f"D-{name}",
                f"Indirect share of export-related PM2.5 in {name}",
                value,
                "%",
                "province, as D1",
                EXPOSURE,
                lambda p, n=name: _pct(_province_pw(p, "indirect", n), _province_pw(p, "I_EX", n)),
            )
        )
    return rows


def _foreign_group_rows() -> list[Row]:
    """Foreign consumer groups' shares of the provinces' export-related PM2.5 (Fig. 1d, Table S2).

    Long by design: a declarative table of the paper's statements of this section, one entry per statement.
    """
    rows: list[Row] = [
        (
            "D4",
            "Inland export-related PM2.5 driven by East Coast exports (Fig. 1d)",
            27.3,
            "%",
            "sum_inland C_a(Base - I_EXEAST) P_a / sum_inland C_a(Base - I_EX) P_a",
            EXPOSURE,
            lambda p: _pct(_burden(p, "I_EXEAST", p.inland), _burden(p, "I_EX", p.inland)),
        ),
        (
            "D5",
            "Henan's PM2.5 from East Coast exports",
            2.3,
            "ug/m3",
            "C_Henan(Base - I_EXEAST)",
            EXPOSURE,
            lambda p: _province_pw(p, "I_EXEAST", "Henan"),
        ),
        (
            "D6",
            "... relative to Henan's local direct exports",
            1.4,
            "ratio",
            "C_Henan(Base - I_EXEAST) / C_Henan(Base - I_EXDIR)",
            EXPOSURE,
            lambda p: _province_pw(p, "I_EXEAST", "Henan") / _province_pw(p, "I_EXDIR", "Henan"),
        ),
        (
            "D7",
            "Inland export-related PM2.5 driven indirectly (Discussion)",
            77.4,
            "%",
            "sum_inland C_a(I_EXDIR - I_EX) P_a / sum_inland C_a(Base - I_EX) P_a",
            EXPOSURE,
            lambda p: _pct(_burden(p, "indirect", p.inland), _burden(p, "I_EX", p.inland)),
        ),
        (
            "F1",
            "USA + Western Europe share of national export-related PM2.5",
            37.9,
            "%",
            "[C(Base - I_EXREGION_USA) + C(Base - I_EXREGION_WE)] / C(Base - I_EX), national",
            EXPOSURE,
            lambda p: _group_share(p, "USA", None) + _group_share(p, "Western Europe", None),
        ),
    ]
    for group, name, value in (
        ("USA", "Fujian", 22.9),
        ("USA", "Guangdong", 22.8),
        ("Western Europe", "Shanghai", 18.8),
        ("Western Europe", "Shanxi", 18.6),
        ("Rest of Asia", "Tibet", 35.7),
        ("Rest of Asia", "Xinjiang", 32.6),
        ("Rest of Asia", "Yunnan", 23.6),
        ("Rest of East Asia", "Liaoning", 16.2),
        ("Rest of Asia", "Liaoning", 15.2),
    ):
        rows.append(
            (
                f"F-{group}-{name}",
                f"{group}'s share of {name}'s export-related PM2.5 (Table S2)",
                value,
                "%",
                "C_a(Base - I_EXREGION_g) / C_a(Base - I_EX)",
                EXPOSURE,
                lambda p, g=group, n=name: _group_share(p, g, n),
            )
        )
    return rows


def _volume_rows() -> list[Row]:
    """Export volumes by province, sector and consumer group (Results, Table S1).

    Long by design: a declarative table of the paper's statements of this section, one entry per statement.
    """
    rows: list[Row] = [
        (
            "V1",
            "Rest of Asia's share of Liaoning's export volume",
            10.4,
            "%",
            "Liaoning's exports (final + intermediate) to the group / all its exports",
            VOLUME,
            lambda p: _volume_share(p, name="Liaoning", group="Rest of Asia"),
        ),
        (
            "V2",
            "Machinery + Motor vehicles: share of Shandong's exports to the USA",
            25.4,
            "%",
            "sectors {ome, mvh} / all of Shandong's exports to the group (final + intermediate, US$)",
            VOLUME,
            lambda p: _volume_sector_share(p, "Shandong", "USA", (MACHINERY, MOTOR)),
        ),
        (
            "V3",
            "... of Shandong's exports to Rest of East Asia",
            9.1,
            "%",
            "as V2",
            VOLUME,
            lambda p: _volume_sector_share(p, "Shandong", "Rest of East Asia", (MACHINERY, MOTOR)),
        ),
        (
            "V4",
            "Wearing apparel: share of Shandong's exports to Rest of East Asia",
            23.5,
            "%",
            "sector wap, as V2",
            VOLUME,
            lambda p: _volume_sector_share(p, "Shandong", "Rest of East Asia", (APPAREL,)),
        ),
        (
            "V5",
            "Machinery: share of Liaoning's exports to Rest of Asia",
            37.9,
            "%",
            "sector ome, as V2",
            VOLUME,
            lambda p: _volume_sector_share(p, "Liaoning", "Rest of Asia", (MACHINERY,)),
        ),
        (
            "V6",
            "Rest of East Asia's rank in Shandong's export volume",
            1,
            "rank",
            "groups by export US$",
            VOLUME,
            lambda p: _volume_rank(p, "Shandong", "Rest of East Asia"),
        ),
        (
            "V7",
            "... its rank among Shandong's export-related PM2.5 contributors",
            4,
            "rank",
            "groups by C(Base - I_EXREGION_g)",
            EXPOSURE,
            lambda p: _pollution_rank(p, "Shandong", "Rest of East Asia"),
        ),
        (
            "V8",
            "Rest of Asia's rank among Liaoning's export-related PM2.5 contributors",
            3,
            "rank",
            "groups by C(Base - I_EXREGION_g)",
            EXPOSURE,
            lambda p: _pollution_rank(p, "Liaoning", "Rest of Asia"),
        ),
    ]
    return rows


def _sector_rows() -> list[Row]:
    """Sectors and emitting provinces of the export-related emissions (Results, Fig. 3).

    Long by design: a declarative table of the paper's statements of this section, one entry per statement.
    """
    rows: list[Row] = [
        (
            "S1",
            "Ferrous metals' share of export-related other primary PM2.5",
            65.6,
            "%",
            "producing sector i_s / all, species PM25_other (production-based)",
            BY_SECTOR,
            lambda p: _sector_share(p, "PM25_other", "producing_sector", (FERROUS,)),
        ),
        (
            "S2",
            "Ferrous metals' share of export-related CO",
            54.9,
            "%",
            "as S1, CO",
            BY_SECTOR,
            lambda p: _sector_share(p, "CO", "producing_sector", (FERROUS,)),
        ),
        (
            "S3",
            "Ferrous metals' share of export-related SO2",
            28.8,
            "%",
            "as S1, SO2",
            BY_SECTOR,
            lambda p: _sector_share(p, "SO2", "producing_sector", (FERROUS,)),
        ),
        (
            "S4",
            "Of Ferrous metals' SO2, share driven by foreign Construction + Machinery",
            30.0,
            "% (lower bound)",
            "consuming sector in {cns, ome} / all, producing sector i_s, SO2",
            BY_SECTOR,
            lambda p: _sector_share(
                p,
                "SO2",
                "consuming_sector",
                (CONSTRUCTION, MACHINERY),
                where=lambda t: _text(t["producing_sector"]) == FERROUS,
            ),
        ),
        (
            "S5",
            "Top five producing sectors' share, the smallest over species",
            50.0,
            "% (about)",
            "min over species of the five largest producing sectors' share",
            BY_SECTOR,
            _top5_share_min,
        ),
        (
            "S6",
            "Foreign consumption of construction and manufacturing products (APE)",
            80.0,
            "% (lower bound)",
            "consuming sector in {cns, ome, ele, mvh, eeq} / all, APE",
            BY_SECTOR,
            lambda p: _sector_share(p, "APE", "consuming_sector", (CONSTRUCTION, *MANUFACTURING)),
        ),
        (
            "S7",
            "Bovine cattle + Vegetables, fruit, nuts: share of export-related NH3",
            60.9,
            "%",
            "producing sector in {ctl, v_f} / all, NH3",
            BY_SECTOR,
            lambda p: _sector_share(p, "NH3", "producing_sector", (CATTLE, VEGETABLES)),
        ),
        (
            "S8",
            "Rest of East Asia's share of emissions driven by Food products nec",
            26.7,
            "%",
            "consumer group REA / all groups, consuming sector ofd, APE",
            BY_SECTOR,
            lambda p: _group_emission_share(
                p, ("Rest of East Asia",), where=lambda t: _text(t["consuming_sector"]) == FOOD
            ),
        ),
        (
            "S9",
            "USA + Western Europe share of export-related emissions (APE)",
            40.0,
            "% (about)",
            "consumer groups USA, Western Europe / all, APE",
            BY_SECTOR,
            lambda p: _group_emission_share(p, ("USA", "Western Europe")),
        ),
        (
            "S10",
            "Hebei's share of Ferrous metals' export-related emissions",
            15.0,
            "% (lower bound)",
            "emitting province Hebei / all, producing sector i_s, APE",
            BY_SECTOR,
            lambda p: _province_of_sector(p, "Hebei", "APE", FERROUS),
        ),
        (
            "S11",
            "Shandong's share of NH3 from Bovine cattle",
            20.2,
            "%",
            "emitting province / all, ctl, NH3",
            BY_SECTOR,
            lambda p: _province_of_sector(p, "Shandong", "NH3", CATTLE),
        ),
        (
            "S12",
            "Shandong's share of NH3 from Vegetables, fruit, nuts",
            19.0,
            "%",
            "as S11, v_f",
            BY_SECTOR,
            lambda p: _province_of_sector(p, "Shandong", "NH3", VEGETABLES),
        ),
    ]
    return rows


def _demand_rows() -> list[Row]:
    """Consumption- and capital-driven shares by species (Supplementary Fig. 5)."""
    rows: list[Row] = []
    for species, capital in (
        ("NOx", False),
        ("NH3", False),
        ("BC", False),
        ("OC", False),
        ("CO", True),
        ("SO2", True),
        ("PM25_other", True),
    ):
        kind = "capital" if capital else "consumption"
        rows.append(
            (
                f"C-{species}",
                f"{kind.capitalize()}-driven share of export-related {species} (Supp. Fig. 5)",
                50.0,
                "% (lower bound)",
                f"foreign final demand {'gfcf' if capital else 'household + government'} / all (both channels)",
                BY_CONSUMER,
                lambda p, s=species, c=capital: _demand_share(p, s, CAPITAL if c else ("household", "government")),
            )
        )
    for species, value in (("CO", 57.3), ("SO2", 56.8), ("PM25_other", 55.7)):
        rows.append(
            (
                f"C-ferrous-{species}",
                f"Capital-driven share of Ferrous metals' export-related {species}",
                value,
                "%",
                "gfcf / all foreign final demand, producing sector i_s (both channels)",
                BY_CATEGORY,
                lambda p, s=species: _capital_share_of_sector(p, s, FERROUS),
            )
        )
    return rows


def _layer_rows() -> list[Row]:
    """Production layers PL1-PL4+ (Eq. 16; Results, Fig. 4).

    Long by design: a declarative table of the paper's statements of this section, one entry per statement.
    """
    rows: list[Row] = []
    for layer, value in (("PL1", 62.5), ("PL2", 46.8), ("PL3", 39.2)):
        rows.append(
            (
                f"L-other-{layer}",
                f"Share of {layer} export-related emissions driven by other regions' exports",
                value,
                "%",
                "1 - sum_r F_r A^t Y^{re} / sum F A^t y: indirect at the layer (other provinces' "
                "and foreign further exports), both channels, APE (Eq. 16)",
                SHARES,
                lambda p, t=layer: _layer_share(p, "national_indirect_share", "China", t),
            )
        )
        rows.append(
            (
                f"L-otherprov-{layer}",
                f"... read as other *provinces'* exports only, {layer}",
                value,
                "%",
                "sum_{r != s} E_t[r, s] / sum_{r, s} E_t[r, s], s the exporting province (alternative reading)",
                SHARES,
                lambda p, t=layer: _layer_share(p, "national_share_driven_by_other_provinces", "China", t),
            )
        )
    rows += [
        (
            "L1",
            "Ferrous metals' share of local direct export-related emissions at PL1",
            0.1,
            "%",
            "sector i_s / all of F_r A^1 Y^{re} over r (Eq. 11 at PL1), APE",
            LAYERS,
            lambda p: _sector_at_layer(p, FERROUS, "PL1", local_direct=True),
        ),
        (
            "L2",
            "... at PL3",
            13.9,
            "%",
            "as L1 at PL3",
            LAYERS,
            lambda p: _sector_at_layer(p, FERROUS, "PL3", local_direct=True),
        ),
        (
            "L3",
            "Share of export-related emissions at PL0, Jilin (the lowest)",
            0.8,
            "%",
            "province layer share",
            SHARES,
            lambda p: _layer_share(p, "province_layer_share", _code(p, "Jilin"), "PL0"),
        ),
        (
            "L4",
            "Share at PL0, Beijing (the highest)",
            11.0,
            "%",
            "province layer share",
            SHARES,
            lambda p: _layer_share(p, "province_layer_share", _code(p, "Beijing"), "PL0"),
        ),
        (
            "L5",
            "National export-related emissions at PL4 and deeper",
            41.7,
            "%",
            "E_PL4+ / E, APE (Eq. 16)",
            LAYERS,
            lambda p: _national_layer_share(p, "PL4+"),
        ),
    ]
    for name, value in (("Qinghai", 59.0), ("Inner Mongolia", 54.7), ("Shanxi", 53.7)):
        rows.append(
            (
                f"L-deep-{name}",
                f"{name}'s export-related emissions at PL4+",
                value,
                "%",
                "province layer share",
                SHARES,
                lambda p, n=name: _layer_share(p, "province_layer_share", _code(p, n), "PL4+"),
            )
        )
    return rows


def _channel_rows() -> list[Row]:
    """Final-product and intermediate export channels (Results)."""
    rows: list[Row] = [
        (
            "L6",
            "Electricity's share of national export-related emissions at PL1",
            7.4,
            "%",
            "sector ely / all at PL1, all exports, APE",
            LAYERS,
            lambda p: _sector_at_layer(p, ELECTRICITY, "PL1"),
        ),
        ("L7", "... at PL3", 18.2, "%", "as L6 at PL3", LAYERS, lambda p: _sector_at_layer(p, ELECTRICITY, "PL3")),
        (
            "M1",
            "Export-related emissions driven by exports as final products (Fig. 4)",
            2.1,
            "Mt APE",
            "sum F_P L Y_P^e over foreign final demand, APE",
            BY_CONSUMER,
            lambda p: _channel_mt(p, "final_products"),
        ),
        (
            "M2",
            "... by exports as intermediates for foreign further exports",
            3.4,
            "Mt APE",
            "sum F_P L_PF Y_F^e, APE",
            BY_CONSUMER,
            lambda p: _channel_mt(p, "intermediate_exports"),
        ),
    ]
    for name, value in (("Jilin", 14.8), ("Inner Mongolia", 12.2), ("Beijing", 0.5), ("Guangdong", 0.6)):
        rows.append(
            (
                f"M-{name}",
                f"{name}: intermediate / final-product consumption-based emissions",
                value,
                "ratio",
                "by exporting province: channel intermediate / channel final, APE",
                BY_CONSUMER,
                lambda p, n=name: _channel_ratio(p, n),
            )
        )
    return rows


def _interprovincial_rows() -> list[Row]:
    """Interprovincial flows between the East Coast and inland (Supplementary Fig. 7)."""
    rows: list[Row] = []
    for layer, east, reverse in (("PL1", 81.8, 23.4), ("PL2", 78.2, 22.7), ("PL3", 73.7, 20.1)):
        rows.append(
            (
                f"I-east-{layer}",
                f"Inland interprovincial flows driven by the East Coast at {layer}",
                east,
                "%",
                "inland hosts' interprovincial flows with an East Coast driver / all their interprovincial flows",
                SHARES,
                lambda p, t=layer: _layer_share(p, "inland_interprovincial_share_driven_by_east_coast", "inland", t),
            )
        )
        rows.append(
            (
                f"I-rev-{layer}",
                f"East Coast interprovincial flows driven by inland at {layer}",
                reverse,
                "%",
                "the reverse direction",
                SHARES,
                lambda p, t=layer: _layer_share(
                    p, "east_coast_interprovincial_share_driven_by_inland", "East Coast", t
                ),
            )
        )
    rows += [
        (
            "I1",
            "Hunan's PL1 interprovincial flows triggered by the East Coast",
            73.6,
            "%",
            "host Hunan, East Coast drivers / all drivers != Hunan",
            SHARES,
            lambda p: _layer_share(p, "province_interprovincial_share_driven_by_east_coast", _code(p, "Hunan"), "PL1"),
        ),
        (
            "I2",
            "... of which Guangdong",
            40.1,
            "%",
            "Guangdong's share / the East Coast's share",
            SHARES,
            _hunan_guangdong,
        ),
    ]
    return rows


def _path_rows() -> list[Row]:
    """Top supply-chain paths (SPA, Eq. 17; Table S4)."""
    rows: list[Row] = [
        (
            "P1",
            "Top-20 interprovincial paths whose final demand is in Guangdong",
            14,
            "paths",
            "count among the top 20 (Supp. Table 4)",
            PATHS,
            lambda p: _paths_from(p, "Guangdong", "count"),
        ),
        (
            "P2",
            "... their emissions",
            0.14,
            "Mt APE",
            "sum of those paths' APE",
            PATHS,
            lambda p: _paths_from(p, "Guangdong", "ape"),
        ),
        (
            "P3",
            "Ferrous metals' share in the Guangdong-to-Hebei top paths",
            49.1,
            "%",
            "emitting node Hebei/i_s among top paths from Guangdong's demand to Hebei's emissions",
            PATHS,
            lambda p: _ferrous_in_paths(p, "Guangdong", "Hebei"),
        ),
        (
            "P4",
            "... in the Zhejiang-to-Hebei top paths",
            46.6,
            "%",
            "as P3",
            PATHS,
            lambda p: _ferrous_in_paths(p, "Zhejiang", "Hebei"),
        ),
    ]
    return rows


def _statements() -> list[Row]:
    """The paper's quantitative statements, in the paper's order: (id, statement, paper value, unit, definition,
    product, compute). Each section function is a declarative table, one tuple per statement (its length follows
    the number of statements, not any logic), with loops where a statement repeats over provinces, groups,
    species or layers."""
    return [
        *_national_rows(),
        *_exposure_rows(),
        *_regional_rows(),
        *_foreign_group_rows(),
        *_volume_rows(),
        *_sector_rows(),
        *_demand_rows(),
        *_layer_rows(),
        *_channel_rows(),
        *_interprovincial_rows(),
        *_path_rows(),
    ]


def paper_comparison(products: Products) -> pd.DataFrame:
    """One row per statement: id, statement, paper, pipeline, unit, definition, product, note."""
    out = []
    for key, text, paper, unit, definition, product, compute in _statements():
        try:
            value, note = float(compute(products)), ""
        except MissingError as reason:
            value, note = np.nan, str(reason)
        out.append((key, text, float(paper), value, unit, definition, product, note))
    return pd.DataFrame(out, columns=["id", "statement", "paper", "pipeline", "unit", "definition", "product", "note"])


def comparison_markdown(table: pd.DataFrame, header: str) -> str:
    """The comparison as a Markdown table (values to three significant figures)."""

    def fmt(v: float) -> str:
        return "n/a" if not np.isfinite(v) else f"{v:.3g}"

    lines = [
        header,
        "",
        "| id | statement | paper | pipeline | unit | definition | note |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in table.itertuples():
        lines.append(
            f"| {row.id} | {row.statement} | {fmt(row.paper)} | {fmt(row.pipeline)} | {row.unit} | "
            f"{row.definition} | {row.note} |"
        )
    computed = int(np.isfinite(table["pipeline"]).sum())
    lines += [
        "",
        f"{computed} of {len(table)} statements computed from this run's products; the others name the "
        "missing product or region in `note`. Product of each row: `paper_comparison.csv`, column `product`.",
    ]
    return "\n".join(lines) + "\n"
