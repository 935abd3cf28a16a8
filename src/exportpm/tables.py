"""The supplementary tables the paper cites (S1-S5) and the one-page summary, from the pipeline's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd


def s1_export_volumes(volume: pd.DataFrame, classes: dict[str, str], inland: dict[str, bool]) -> pd.DataFrame:
    out = volume.pivot_table(index="exporting_province", columns="channel", values="musd", aggfunc="sum",
                             observed=True, fill_value=0.0)
    out.columns = [f"{c}_musd" for c in out.columns.astype(str)]
    out["total_musd"] = out.sum(axis=1)
    out["share"] = out["total_musd"] / out["total_musd"].sum()
    out.index = out.index.astype(str)
    out.insert(0, "region_class", out.index.map(classes))
    out.insert(1, "inland", out.index.map(inland))
    return out.sort_values("total_musd", ascending=False).reset_index(names="province")


def s2_foreign_contributors(exposure: pd.DataFrame, top: int = 2) -> pd.DataFrame:
    rows = exposure[(exposure["level"] == "province") & exposure["scenario"].str.startswith("I_EXREGION_")
                    & (exposure["component"] == "total")].copy()
    rows["group"] = rows["scenario"].str.replace("I_EXREGION_", "").str.replace("_", " ")
    ranked = rows.sort_values("pw_ugm3", ascending=False).groupby("province").head(top)
    ranked["rank"] = ranked.groupby("province").cumcount() + 1
    return ranked[["province", "rank", "group", "pw_ugm3", "share_of_total"]].sort_values(["province", "rank"])


def s3_layers_by_sector(layers: pd.DataFrame) -> pd.DataFrame:
    rows = layers[(layers["species"] == "APE") & (layers["driver"] == "all_exports")]
    out = rows.pivot_table(index="sector", columns="layer", values="value", aggfunc="sum", fill_value=0.0)
    out["total"] = out.sum(axis=1)
    return out.sort_values("total", ascending=False).reset_index()


def s5_path_demand_sectors(paths: pd.DataFrame) -> pd.DataFrame:
    demand = paths["final_demand_node"].str.split("/").str[1]
    emitting = paths["emitting_node"].str.split("/").str[1]
    return (pd.DataFrame({"final_demand_sector": demand, "emitting_sector": emitting, "ape": paths["ape"]})
            .groupby(["final_demand_sector", "emitting_sector"], as_index=False)["ape"].sum()
            .sort_values("ape", ascending=False))


def headline_numbers(exposure: pd.DataFrame, thresholds: pd.DataFrame, s1: pd.DataFrame,
                     by_consumer: pd.DataFrame, inland: dict[str, bool]) -> dict[str, float]:
    national = exposure[(exposure["level"] == "national") & (exposure["component"] == "total")].set_index("scenario")
    classes = exposure[(exposure["level"] == "region_class") & (exposure["scenario"] == "I_EX")
                       & (exposure["component"] == "total")].set_index("province")["share_of_total"]
    hosted = by_consumer.groupby("emitting_province", observed=True)["ape"].sum()
    hosted.index = hosted.index.astype(str)
    inland_mask = hosted.index.map(lambda p: inland.get(p, False)).to_numpy(dtype=bool)
    above = thresholds.set_index(["case", "threshold_ugm3"])["population_share"]
    out = {
        "export_pm25_ugm3": float(national.at["I_EX", "pw_ugm3"]),
        "export_share_of_pm25": float(national.at["I_EX", "share_of_total"]),
        "base_pm25_ugm3": float(national.at["Base", "pw_ugm3"]),
        "class_share_min": float(classes.min()), "class_share_min_class": str(classes.idxmin()),
        "class_share_max": float(classes.max()), "class_share_max_class": str(classes.idxmax()),
        "indirect_share": float(national.at["indirect", "pw_ugm3"] / national.at["I_EX", "pw_ugm3"])
        if "indirect" in national.index else np.nan,
        "inland_share_of_export_volume": float(s1.loc[s1["inland"], "total_musd"].sum() / s1["total_musd"].sum()),
        "inland_share_of_export_related_emissions": float(hosted[inland_mask].sum() / hosted.sum()),
        "people_above_35_with_exports": float(above.get(("with_exports", 35.0), np.nan)),
        "people_above_35_without_exports": float(above.get(("without_exports", 35.0), np.nan)),
    }
    regions = national[national.index.str.startswith("I_EXREGION_")]["share_of_total"].sort_values(ascending=False)
    for rank, (scenario, share) in enumerate(regions.head(2).items(), start=1):
        out[f"top{rank}_contributor"] = scenario.replace("I_EXREGION_", "").replace("_", " ")
        out[f"top{rank}_contributor_share_of_export_pm25"] = float(share / national.at["I_EX", "share_of_total"])
    return out


def summary_markdown(h: dict, provenance: str) -> str:
    def pct(value: float) -> str:
        return f"{100 * value:.1f}%"

    lines = [
        "# exportpm: headline numbers of this run", "",
        f"> {provenance}", "",
        f"* International export accounts for **{pct(h['export_share_of_pm25'])}** of China's population-weighted "
        f"ambient PM2.5 ({h['export_pm25_ugm3']:.1f} of {h['base_pm25_ugm3']:.1f} µg/m³), ranging from "
        f"{pct(h['class_share_min'])} in {h['class_share_min_class']} to {pct(h['class_share_max'])} in "
        f"{h['class_share_max_class']}.",
        f"* Indirect exports (emissions driven by other provinces' exports) carry **{pct(h['indirect_share'])}** "
        "of the export-related PM2.5.",
        f"* Inland provinces account for {pct(h['inland_share_of_export_volume'])} of China's export volume but "
        f"host {pct(h['inland_share_of_export_related_emissions'])} of the export-related emissions (APE).",
    ]
    if "top1_contributor" in h:
        lines.append(f"* The largest foreign contributors: {h['top1_contributor']} "
                     f"({pct(h['top1_contributor_share_of_export_pm25'])} of export-related PM2.5)"
                     + (f" and {h['top2_contributor']} ({pct(h['top2_contributor_share_of_export_pm25'])})."
                        if "top2_contributor" in h else "."))
    lines.append(f"* People above 35 µg/m³: {pct(h['people_above_35_with_exports'])} of the population with exports, "
                 f"{pct(h['people_above_35_without_exports'])} without.")
    lines += ["", "Paper for comparison (real 2017 data, GEOS-Chem): 9.9 % (7.2 % Southwest to 13.8 % East Coast), "
              "> 75 % indirect, inland 19.8 % of export volume vs 65.0 % of the pollution.", ""]
    return "\n".join(lines)


def to_markdown(frame: pd.DataFrame, title: str, floatfmt: str = ".4g") -> str:
    cells = frame.copy()
    for column in cells.columns:
        if pd.api.types.is_float_dtype(cells[column]):
            cells[column] = cells[column].map(lambda v: format(v, floatfmt))
    header = "| " + " | ".join(map(str, cells.columns)) + " |"
    rule = "|" + "|".join("---" for _ in cells.columns) + "|"
    body = ["| " + " | ".join(map(str, row)) + " |" for row in cells.itertuples(index=False)]
    return "\n".join([f"# {title}", "", header, rule, *body, ""])


def evaluation_and_intervals(evaluation: pd.DataFrame, monte_carlo: pd.DataFrame) -> str:
    """Summary lines: the model evaluation and the 95 % intervals of the headline numbers."""
    lines = ["", "## Model evaluation (Base vs monitoring stations)", ""]
    for row in evaluation.itertuples():
        lines.append(f"* {row.subset}: n = {row.n}, r = {row.r:.2f}, NMB = {100 * row.nmb:.1f}%, "
                     f"NME = {100 * row.nme:.1f}%, RMSE = {row.rmse:.1f} µg/m³")
    lines += ["", "Paper: r = 0.80, NMB = 16.0 % overall; r = 0.89, NMB = 13.1 % in densely populated areas.", "",
              "## 95 % intervals (Monte Carlo of emission and MRIO uncertainty)", ""]
    national = monte_carlo[monte_carlo["region"] == "China"]
    for row in national.itertuples():
        scale, unit = (100.0, "%") if "share" in row.quantity else (1.0, "")
        lines.append(f"* {row.quantity} ({row.species}): {scale * row.deterministic:.4g}{unit} "
                     f"[{scale * row.p2_5:.4g}{unit}, {scale * row.p97_5:.4g}{unit}]")
    return "\n".join(lines) + "\n"
