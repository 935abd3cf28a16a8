"""The paper-comparison table: each statement's definition on hand-made products (the rule's own function)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from exportpm.comparison import Products, comparison_markdown, paper_comparison

GD, HN = "CN-GD", "CN-HN"


def products() -> Products:
    by_consumer = pd.DataFrame(
        {
            "species": ["SO2"] * 4,
            "emitting_province": [GD, GD, HN, HN],
            "exporting_province": [GD, GD, GD, HN],
            "channel": ["final_products", "intermediate_exports", "final_products", "intermediate_exports"],
            "final_demand": ["gfcf", "household", "gfcf", "government"],
            "tonnes": [1.0, 2.0, 3.0, 4.0],
            "ape": [10.0, 20.0, 30.0, 40.0],
        }
    )
    by_consumer["direct"] = (by_consumer["emitting_province"] == by_consumer["exporting_province"]) & (
        by_consumer["channel"] == "final_products"
    )
    by_sector = pd.DataFrame(
        {
            "species": ["SO2", "SO2", "CO"],
            "emitting_province": [GD, HN, HN],
            "producing_sector": ["i_s", "ely", "i_s"],
            "consuming_sector": ["cns", "ome", "wap"],
            "consumer_group": ["USA", "Rest of Asia", "USA"],
            "tonnes": [3.0, 1.0, 2.0],
            "ape": [30.0, 10.0, 1.0],
        }
    )
    export_volume = pd.DataFrame(
        {
            "exporting_province": [GD, HN, GD],
            "sector": ["ome", "wap", "wap"],
            "consumer_region": ["usa", "jpn", "usa"],
            "channel": ["final_products", "intermediate_exports", "final_products"],
            "musd": [60.0, 20.0, 20.0],
            "consumer_group": ["USA", "Rest of East Asia", "USA"],
        }
    )
    layers = pd.DataFrame(
        {
            "species": "APE",
            "driver": ["all_exports", "all_exports", "final_exports_of:CN-GD"],
            "layer": ["PL1", "PL4+", "PL1"],
            "emitting_province": [GD, HN, GD],
            "sector": ["i_s", "ely", "i_s"],
            "value": [1.0, 3.0, 0.5],
        }
    )
    layer_shares = pd.DataFrame(
        {
            "measure": [
                "national_share_driven_by_other_provinces",
                "province_interprovincial_share_driven_by_east_coast",
                "province_interprovincial_share_by_driver",
                "national_indirect_share",
            ],
            "method": ["layers", "mapping", "mapping", "layers"],
            "region": ["China", HN, HN, "China"],
            "counterpart": ["", "", GD, ""],
            "layer": ["PL1", "PL1", "PL1", "PL1"],
            "share": [0.625, 0.8, 0.4, 0.2],
        }
    )
    top_paths = pd.DataFrame(
        {
            "final_demand_node": [f"{GD}/ele", f"{GD}/ele", f"{HN}/ome"],
            "emitting_node": [f"{HN}/i_s", f"{HN}/ely", f"{GD}/i_s"],
            "ape": [3e8, 1e8, 5e7],
        }
    )
    rows = []
    for level, name, pop in (("province", GD, 100e6), ("province", HN, 60e6), ("national", "China", 160e6)):
        for scenario, value in (("Base", 40.0), ("I_EX", 4.0), ("I_EXREGION_USA", 1.0), ("indirect", 3.0)):
            rows.append((level, name, scenario, "total", value * (1.5 if name == HN else 1.0), pop))
    provincial = pd.DataFrame(rows, columns=["level", "province", "scenario", "component", "pw_ugm3", "population"])
    thresholds = pd.DataFrame(
        {
            "case": ["with_exports", "with_exports", "without_exports", "without_exports"],
            "threshold_ugm3": [35.0, 5.0, 35.0, 5.0],
            "people": [100e6, 160e6, 90e6, 160e6],
            "population_share": [100 / 160, 1.0, 90 / 160, 1.0],
        }
    )
    return Products(
        by_consumer,
        by_sector,
        export_volume,
        layers,
        layer_shares,
        top_paths,
        provincial,
        thresholds,
        codes={"Guangdong": GD, "Hunan": HN, "Jilin": "CN-JL", "Shandong": GD},
        classes={GD: "East Coast", HN: "Central", "CN-JL": "Northeast"},
        inland={HN, "CN-JL"},
    )


def test_each_definition_by_hand():
    table = paper_comparison(products()).set_index("id")
    value = table["pipeline"]
    assert value["D2"] == pytest.approx(100 * (20 + 30 + 40) / 100)  # direct: own final products only
    assert value["M1"] == pytest.approx(40 / 1e9) and value["M2"] == pytest.approx(60 / 1e9)
    assert value["M-Guangdong"] == pytest.approx(20 / 40)  # by exporting province
    assert value["R1"] == pytest.approx(20.0)  # inland share of export volume
    assert value["A1"] == pytest.approx(10.0)
    assert value["E3"] == pytest.approx(10.0) and value["E5"] == pytest.approx(0.0)
    assert value["E1"] == pytest.approx(100 * (1 - 100 / 160))
    assert value["R2"] == pytest.approx(100 * 6.0 * 60 / (6.0 * 60 + 4.0 * 100))  # population-weighted burden
    assert value["S1"] == pytest.approx(np.nan, nan_ok=True)  # no PM25_other in these products
    assert value["S3"] == pytest.approx(75.0)  # i_s share of SO2
    assert value["F-USA-Guangdong"] == pytest.approx(25.0)
    assert value["L-otherprov-PL1"] == pytest.approx(62.5)
    assert value["L-other-PL1"] == pytest.approx(20.0)  # 1 - own final / all at PL1
    assert value["L1"] == pytest.approx(100.0) and value["L5"] == pytest.approx(75.0)
    assert value["I1"] == pytest.approx(80.0) and value["I2"] == pytest.approx(50.0)
    assert value["P1"] == 2 and value["P2"] == pytest.approx(0.4)
    assert np.isnan(value["P3"]) and "Hebei" in table.at["P3", "note"]  # Hebei not in these products
    assert np.isnan(value["D-Jilin"]) and "not in this world" in table.at["D-Jilin", "note"]
    assert value["V2"] == pytest.approx(75.0)  # "Shandong" stands for GD here
    assert np.isnan(value["V6"]) and "exports nothing" in table.at["V6", "note"]
    assert np.isnan(value["V7"])  # not every group simulated
    assert len(table) >= 60


def test_markdown_lists_every_row():
    table = paper_comparison(products())
    text = comparison_markdown(table, "# header")
    assert text.count("\n| ") == len(table) + 1 and "n/a" in text


def test_the_ctm_stages_own_differences_and_inland_share_are_read():
    p = products()
    p.thresholds = pd.concat(
        [
            p.thresholds,
            pd.DataFrame(
                {
                    "case": ["due_to_exports", "due_to_east_coast_exports"],
                    "threshold_ugm3": [35.0, 35.0],
                    "people": [12e6, 3e6],
                    "population_share": [0.075, 0.01875],
                }
            ),
        ],
        ignore_index=True,
    )
    p.region_shares = pd.DataFrame(
        {
            "scenario": ["I_EX"],
            "region": ["inland"],
            "provinces": [1],
            "share_of_exposure": [0.65],
            "share_of_provincial_sum": [0.6],
        }
    )
    value = paper_comparison(p).set_index("id")["pipeline"]
    assert value["E3"] == pytest.approx(12.0) and value["E4"] == pytest.approx(7.5)
    assert value["E7"] == pytest.approx(3.0)
    assert value["R2"] == pytest.approx(65.0) and value["R3"] == pytest.approx(20.0 / 65.0)


def test_capital_driven_share_of_a_producing_sector():
    p = products()
    p.by_category = pd.DataFrame(
        {
            "species": "SO2",
            "emitting_province": [GD, GD, HN],
            "sector": ["i_s", "i_s", "i_s"],
            "final_demand": ["gfcf", "household", "gfcf"],
            "tonnes": [3.0, 2.0, 1.0],
        }
    )
    value = paper_comparison(p).set_index("id")["pipeline"]
    assert value["C-ferrous-SO2"] == pytest.approx(100 * 4 / 6) and np.isnan(value["C-ferrous-CO"])
