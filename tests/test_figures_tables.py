"""Figures and tables draw what their captions say: the definitions of the drawn numbers on small hand-made tables
(shares of export-related PM2.5, top producing sectors, capital vs consumption), names and units."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exportpm.figures import Names, figure1, figure2, figure3, figure_s5
from exportpm.maps import quantile_norm
from exportpm.tables import s2_foreign_contributors, s4_top_paths, thresholds_people

NAMES = Names({"CN-AA": "Alpha", "CN-BB": "Beta"}, {"s1": "Ferrous metals", "s2": "Construction", "s3": "Food"})


def exposure_table() -> pd.DataFrame:
    """Two provinces; total PM2.5 40 / 20, export-related 8 / 2, East Coast part 6 / 1, groups USA and EU."""
    rows = []
    values = {
        "Base": (40.0, 20.0),
        "I_EX": (8.0, 2.0),
        "I_EXEAST": (6.0, 1.0),
        "indirect": (6.0, 1.5),
        "I_EXREGION_USA": (3.0, 0.5),
        "I_EXREGION_Western_Europe": (2.0, 1.0),
    }
    for scenario, (a, b) in values.items():
        for province, value, total in (("CN-AA", a, 40.0), ("CN-BB", b, 20.0)):
            rows.append(("province", province, scenario, "total", value, value / total))
        rows.append(("national", "China", scenario, "total", (a + b) / 2, (a + b) / 60))
    return pd.DataFrame(rows, columns=["level", "province", "scenario", "component", "pw_ugm3", "share_of_total"])


def test_s2_and_fig1d_share_of_export_related_pm25():
    table = s2_foreign_contributors(exposure_table(), provinces=NAMES.province)
    alpha = table[table["Code"] == "CN-AA"].set_index("Rank")
    assert alpha.at[1, "Foreign contributor"] == "USA" and alpha.at[1, "Province"] == "Alpha"
    assert alpha.at[1, "Share of the province's export-related PM2.5 (%)"] == pytest.approx(100 * 3 / 8, abs=0.05)
    beta = table[table["Code"] == "CN-BB"].set_index("Rank")
    assert beta.at[1, "Foreign contributor"] == "Western Europe"
    assert beta.at[1, "Share of the province's export-related PM2.5 (%)"] == pytest.approx(50.0)


def test_figure1_and_figure2_draw_shares_of_export_related():
    from shapely.geometry import box

    polygons = {"CN-AA": box(110, 30, 116, 36), "CN-BB": box(100, 25, 106, 31)}
    cdf = pd.DataFrame(
        {
            "case": ["with_exports"] * 2 + ["without_exports"] * 2,
            "pm25_ugm3": [0, 50] * 2,
            "population_share_below": [0, 1] * 2,
        }
    )
    _, drawn = figure1(exposure_table(), cdf, polygons, ["SYNTHETIC"], NAMES)
    assert drawn["east_coast_share_of_export_related"].to_dict() == pytest.approx({"CN-AA": 0.75, "CN-BB": 0.5})
    assert drawn["indirect_share"].to_dict() == pytest.approx({"CN-AA": 0.75, "CN-BB": 0.75})
    volume = pd.DataFrame(
        {
            "exporting_province": ["CN-AA", "CN-AA", "CN-BB"],
            "consumer_region": ["usa", "deu", "usa"],
            "channel": ["final_products"] * 3,
            "musd": [10.0, 30.0, 5.0],
            "consumer_group": ["USA", "Western Europe", "USA"],
        }
    )
    _, drawn = figure2(exposure_table(), volume, [], NAMES)
    assert drawn["top_two_share"].to_dict() == pytest.approx({"CN-AA": 5 / 8, "CN-BB": 1.5 / 2})
    assert drawn["export_volume_bn"].to_dict() == pytest.approx({"CN-AA": 0.04, "CN-BB": 0.005})


def sector_table() -> pd.DataFrame:
    """s1 produces most (for s2 and s3 consumers), s2 is the top consuming sector."""
    rows = [
        ("NOx", "CN-AA", "s1", "s2", "USA", 50.0),
        ("NOx", "CN-AA", "s1", "s3", "USA", 20.0),
        ("NOx", "CN-BB", "s3", "s2", "Western Europe", 30.0),
        ("NOx", "CN-BB", "s2", "s2", "USA", 5.0),
    ]
    frame = pd.DataFrame(
        rows,
        columns=["species", "emitting_province", "producing_sector", "consuming_sector", "consumer_group", "tonnes"],
    )
    frame["ape"] = frame["tonnes"]
    return frame


def test_figure3_production_view_shows_top_producing_sectors():
    by_consumer = pd.DataFrame({"species": ["NOx", "NOx"], "direct": [True, False], "tonnes": [25.0, 80.0]})
    _, drawn = figure3(sector_table(), by_consumer, [], NAMES, top=2)
    assert drawn["producing_top2"]["NOx"] == ["s1", "s3"]  # 70 and 30 t, not the split of consuming s2
    assert drawn["consuming_top2"]["NOx"] == ["s2", "s3"]  # 85 and 20 t
    production = drawn["producing_shares"].loc["NOx"]
    assert production["s1"] == pytest.approx(70 / 105) and production["s3"] == pytest.approx(30 / 105)
    assert production["Other"] == pytest.approx(5 / 105)
    assert drawn["indirect_share"]["NOx"] == pytest.approx(80 / 105)


def test_figure_s5_capital_and_consumption():
    by_consumer = pd.DataFrame(
        {"species": ["SO2"] * 3, "final_demand": ["household", "government", "gfcf"], "tonnes": [1.0, 1.0, 6.0]}
    )
    _, drawn = figure_s5(by_consumer, [])
    assert drawn["shares"].loc["SO2"].to_dict() == pytest.approx({"consumption": 0.25, "capital": 0.75})


def test_colour_bins_cover_the_range_and_an_outlier_does_not_flatten_them():
    values = np.array([1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 40.0])
    _, edges = quantile_norm(values, "YlOrRd")
    assert edges[0] <= values.min() and edges[-1] >= values.max()
    assert len(set(np.digitize(values[:-1], edges))) >= 4  # the six ordinary values fall in different bins


def test_s4_names_and_percent_share_and_people_in_millions():
    paths = pd.DataFrame(
        {"rank": [1], "path_text": ["CN-AA/s1 -> CN-BB/s2"], "layer": ["PL1"], "ape": [2.5e6], "share": [0.0123]}
    )
    table = s4_top_paths(paths, NAMES.province, NAMES.sector)
    assert table.iloc[0, 1] == "Alpha: Ferrous metals → Beta: Construction"
    assert table.at[0, "Share of export-related emissions (%)"] == pytest.approx(1.23)
    assert table.at[0, "Emissions (million APE)"] == pytest.approx(2.5)
    thresholds = pd.DataFrame(
        {
            "case": ["with_exports", "with_exports", "without_exports", "without_exports"],
            "threshold_ugm3": [35, 5, 35, 5],
            "people": [900e6, 1390e6, 812.1e6, 1389.6e6],
            "population_share": [0.65, 0.996, 0.586, 0.9957],
        }
    )
    people = thresholds_people(thresholds).set_index("threshold_ugm3")
    assert people.at[35, "due_to_exports_million"] == pytest.approx(87.9)
    assert people.at[5, "due_to_exports_million"] == pytest.approx(0.4)
