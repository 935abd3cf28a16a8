"""The supplementary tables the paper cites (S1-S5) and the one-page summary, from the pipeline's tables.

Each table has English names (provinces, sectors), units in its column headers and rounding fit for reading;
the unrounded numbers stay in the pipeline's Parquet products. APE values are air pollution equivalents
(Eq. 13; the pollutant mass divided by its equivalent value), shown in millions.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

APE_MILLION = 1e6


def _name(mapping: dict | None, code) -> str:
    return (mapping or {}).get(str(code), str(code))


def _node(text: str, provinces: dict | None, sectors: dict | None) -> str:
    """'CN-HE/i_s' -> 'Hebei: Ferrous metals'."""
    region, _, sector = str(text).partition("/")
    return f"{_name(provinces, region)}: {_name(sectors, sector)}" if sector else _name(provinces, region)


def s1_export_volumes(
    volume: pd.DataFrame, classes: dict[str, str], inland: dict[str, bool], provinces: dict | None = None
) -> pd.DataFrame:
    """Table S1: each province's export volume by channel (US$ million) and its share of China's (%)."""
    out = volume.pivot_table(
        index="exporting_province", columns="channel", values="musd", aggfunc="sum", observed=True, fill_value=0.0
    )
    out.index = out.index.astype(str)
    final = out.get("final_products", pd.Series(0.0, index=out.index))
    inter = out.get("intermediate_exports", pd.Series(0.0, index=out.index))
    total = final + inter
    table = pd.DataFrame(
        {
            "Province": [_name(provinces, c) for c in out.index],
            "Code": out.index,
            "Region class": out.index.map(classes),
            "Inland": out.index.map(lambda c: "yes" if inland.get(c, False) else "no"),
            "Final products (US$ million)": final.round(1).to_numpy(),
            "Intermediate products (US$ million)": inter.round(1).to_numpy(),
            "Total exports (US$ million)": total.round(1).to_numpy(),
            "Share of China's exports (%)": (100 * total / total.sum()).round(2).to_numpy(),
        }
    )
    return table.sort_values("Total exports (US$ million)", ascending=False).reset_index(drop=True)


def s2_foreign_contributors(exposure: pd.DataFrame, top: int = 2, provinces: dict | None = None) -> pd.DataFrame:
    """Table S2: the ``top`` foreign consumer groups of each province's export-related PM2.5, with their share of
    the province's *export-related* PM2.5 (Base - I_EX; issue 14: not of total PM2.5)."""
    prov = exposure[(exposure["level"] == "province") & (exposure["component"] == "total")]
    export_related = prov[prov["scenario"] == "I_EX"].set_index("province")["pw_ugm3"]
    rows = prov[prov["scenario"].str.startswith("I_EXREGION_")].copy()
    rows["group"] = rows["scenario"].str.replace("I_EXREGION_", "").str.replace("_", " ")
    ranked = rows.sort_values(["province", "pw_ugm3"], ascending=[True, False]).groupby("province").head(top).copy()
    ranked["rank"] = ranked.groupby("province").cumcount() + 1
    share = ranked["pw_ugm3"] / ranked["province"].map(export_related)
    return pd.DataFrame(
        {
            "Province": [_name(provinces, c) for c in ranked["province"]],
            "Code": ranked["province"].to_numpy(),
            "Rank": ranked["rank"].to_numpy(),
            "Foreign contributor": ranked["group"].to_numpy(),
            "Export-related PM2.5 (µg/m³)": ranked["pw_ugm3"].round(3).to_numpy(),
            "Share of the province's export-related PM2.5 (%)": (100 * share).round(1).to_numpy(),
        }
    ).reset_index(drop=True)


def s3_layers_by_sector(layers: pd.DataFrame, sectors: dict | None = None) -> pd.DataFrame:
    """Table S3: export-related emissions by production layer (PL0..PL4+) and emitting sector (million APE)."""
    rows = layers[(layers["species"] == "APE") & (layers["driver"] == "all_exports")]
    out = rows.pivot_table(index="sector", columns="layer", values="value", aggfunc="sum", fill_value=0.0)
    out = out[sorted(out.columns, key=lambda c: (len(c), c))]
    out["total"] = out.sum(axis=1)
    out = out.sort_values("total", ascending=False) / APE_MILLION
    table = pd.DataFrame({"Sector": [_name(sectors, c) for c in out.index], "Code": out.index.astype(str)})
    for column in out.columns:
        label = "Total" if column == "total" else str(column)
        table[f"{label} (million APE)"] = out[column].round(3).to_numpy()
    table["Share of all layers (%)"] = (100 * out["total"] / out["total"].sum()).round(2).to_numpy()
    return table


def s4_top_paths(paths: pd.DataFrame, provinces: dict | None = None, sectors: dict | None = None) -> pd.DataFrame:
    """Table S4: the top supply-chain paths, emitting node first, with their share of China's export-related
    emissions as a percentage."""
    return pd.DataFrame(
        {
            "Rank": paths["rank"].to_numpy(),
            "Path (emitter → … → final-demand supplier)": [
                " → ".join(_node(n, provinces, sectors) for n in str(t).split(" -> ")) for t in paths["path_text"]
            ],
            "Layer": paths["layer"].to_numpy(),
            "Emissions (million APE)": (paths["ape"] / APE_MILLION).round(3).to_numpy(),
            "Share of export-related emissions (%)": (100 * paths["share"]).round(3).to_numpy(),
        }
    )


def s5_path_demand_sectors(paths: pd.DataFrame, sectors: dict | None = None) -> pd.DataFrame:
    """Table S5: the top paths' emissions by final-demand (exporting) sector and emitting sector."""
    demand = paths["final_demand_node"].str.split("/").str[1]
    emitting = paths["emitting_node"].str.split("/").str[1]
    grouped = (
        pd.DataFrame({"demand": demand, "emitting": emitting, "ape": paths["ape"]})
        .groupby(["demand", "emitting"], as_index=False)["ape"]
        .sum()
        .sort_values("ape", ascending=False)
    )
    return pd.DataFrame(
        {
            "Final-demand sector": [_name(sectors, c) for c in grouped["demand"]],
            "Emitting sector": [_name(sectors, c) for c in grouped["emitting"]],
            "Emissions in the top paths (million APE)": (grouped["ape"] / APE_MILLION).round(3).to_numpy(),
        }
    ).reset_index(drop=True)


def headline_numbers(
    exposure: pd.DataFrame,
    thresholds: pd.DataFrame,
    s1: pd.DataFrame,
    by_consumer: pd.DataFrame,
    inland: dict[str, bool],
) -> dict:
    """The abstract's numbers: shares (fractions), µg/m³, and head counts (people) above each threshold with
    exports (Base) and without (every other case of the threshold table, e.g. I_EX)."""
    national = exposure[(exposure["level"] == "national") & (exposure["component"] == "total")].set_index("scenario")
    classes = exposure[
        (exposure["level"] == "region_class") & (exposure["scenario"] == "I_EX") & (exposure["component"] == "total")
    ].set_index("province")["share_of_total"]
    hosted = by_consumer.groupby("emitting_province", observed=True)["ape"].sum()
    hosted.index = hosted.index.astype(str)
    inland_mask = hosted.index.map(lambda p: inland.get(p, False)).to_numpy(dtype=bool)
    inland_volume = s1["Inland"] == "yes"
    out = {
        "export_pm25_ugm3": float(national.at["I_EX", "pw_ugm3"]),
        "export_share_of_pm25": float(national.at["I_EX", "share_of_total"]),
        "base_pm25_ugm3": float(national.at["Base", "pw_ugm3"]),
        "class_share_min": float(classes.min()),
        "class_share_min_class": str(classes.idxmin()),
        "class_share_max": float(classes.max()),
        "class_share_max_class": str(classes.idxmax()),
        "indirect_share": float(national.at["indirect", "pw_ugm3"] / national.at["I_EX", "pw_ugm3"])
        if "indirect" in national.index
        else np.nan,
        "inland_share_of_export_volume": float(
            s1.loc[inland_volume, "Total exports (US$ million)"].sum() / s1["Total exports (US$ million)"].sum()
        ),
        "inland_share_of_export_related_emissions": float(hosted[inland_mask].sum() / hosted.sum()),
        "thresholds": thresholds_people(thresholds),
    }
    regions = national[national.index.str.startswith("I_EXREGION_")]["share_of_total"].sort_values(ascending=False)
    for rank, (scenario, share) in enumerate(regions.head(2).items(), start=1):
        out[f"top{rank}_contributor"] = scenario.replace("I_EXREGION_", "").replace("_", " ")
        out[f"top{rank}_contributor_share_of_export_pm25"] = float(share / national.at["I_EX", "share_of_total"])
    return out


def thresholds_people(thresholds: pd.DataFrame) -> pd.DataFrame:
    """People (millions) above each threshold with exports, in each other case, and the difference (people
    above the threshold because of the exports: with minus without, as the paper's 87.9 and 0.4 million)."""
    table = thresholds.pivot_table(index="threshold_ugm3", columns="case", values="people", aggfunc="sum")
    shares = thresholds.pivot_table(index="threshold_ugm3", columns="case", values="population_share", aggfunc="sum")
    rows = []
    for threshold in sorted(table.index):
        for case in [c for c in table.columns if c != "with_exports" and not str(c).startswith("due_to_")]:
            rows.append(
                {
                    "threshold_ugm3": threshold,
                    "case": case,
                    "people_with_exports_million": table.at[threshold, "with_exports"] / 1e6,
                    "people_without_million": table.at[threshold, case] / 1e6,
                    "share_with_exports": shares.at[threshold, "with_exports"],
                    "share_without": shares.at[threshold, case],
                }
            )
    frame = pd.DataFrame(rows)
    if len(frame):
        frame["due_to_exports_million"] = frame["people_with_exports_million"] - frame["people_without_million"]
    return frame


def summary_markdown(h: dict, provenance: str, comparison: str = "paper_comparison.md") -> str:
    """Markdown of the run's headline numbers (shares of population-weighted PM2.5, ug/m3, people)."""

    def pct(value: float) -> str:
        return f"{100 * value:.1f} %"

    lines = [
        "# exportpm: headline numbers of this run",
        "",
        f"> {provenance}",
        "",
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
        lines.append(
            f"* The largest foreign contributors: {h['top1_contributor']} "
            f"({pct(h['top1_contributor_share_of_export_pm25'])} of export-related PM2.5)"
            + (
                f" and {h['top2_contributor']} ({pct(h['top2_contributor_share_of_export_pm25'])})."
                if "top2_contributor" in h
                else "."
            )
        )
    people = h["thresholds"]
    for threshold in sorted(people["threshold_ugm3"].unique(), reverse=True) if len(people) else []:
        rows = people[people["threshold_ugm3"] == threshold].set_index("case")
        first = rows.iloc[0]
        text = (
            f"* Above {threshold:g} µg/m³: **{first.people_with_exports_million:.1f} million** people "
            f"({pct(first.share_with_exports)}) with exports"
        )
        for case, what in (("without_exports", "exports"), ("without_east_coast_exports", "East Coast exports")):
            if case in rows.index:
                row = rows.loc[case]
                text += (
                    f"; {what} put **{row.due_to_exports_million:.1f} million** more people above it "
                    f"({row.people_without_million:.1f} million without them)"
                )
        lines.append(text + ".")
    lines += [
        "",
        "Paper for comparison (real 2017 data, GEOS-Chem): 9.9 % of PM2.5 (5.6 µg/m³), 75.4 % indirect, "
        "inland 19.8 % of export volume vs 65.0 % of the pollution, 87.9 million more people above 35 µg/m³ "
        "and 0.4 million above 5 µg/m³. Every statement of the paper's Results beside this run's value: "
        f"[{comparison}]({comparison}) (rule paper_comparison).",
        "",
    ]
    return "\n".join(lines)


def _cell(value) -> str:
    if isinstance(value, float | np.floating):
        return f"{value:,.6g}" if abs(value) >= 1e5 else f"{value:.6g}"
    return str(value)


def to_markdown(frame: pd.DataFrame, title: str) -> str:
    """A Markdown table of ``frame`` under the heading ``title`` (numeric columns right-aligned)."""
    header = "| " + " | ".join(map(str, frame.columns)) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(frame[c]) else "---" for c in frame.columns) + "|"
    body = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([f"# {title}", "", header, rule, *body, ""])


def to_html(frame: pd.DataFrame, title: str, note: str) -> str:
    """A self-contained HTML page of the table (what the Snakemake report shows)."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='{'n' if isinstance(v, int | float | np.number) else 't'}'>{html.escape(_cell(v))}</td>"
            for v in row
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    style = (
        "body{font-family:sans-serif;font-size:13px}table{border-collapse:collapse}"
        "th,td{border:1px solid #ccc;padding:2px 6px}td.n{text-align:right}th{background:#eee}"
        ".note{color:#a00}"
    )
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body><h3>{html.escape(title)}</h3><p class='note'>{html.escape(note)}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>\n"
    )


def evaluation_and_intervals(evaluation: pd.DataFrame, monte_carlo: pd.DataFrame) -> str:
    """Summary lines: the model evaluation and the 95 % intervals of the headline numbers."""
    lines = ["", "## Model evaluation (Base vs monitoring stations)", ""]
    for row in evaluation.itertuples():
        lines.append(
            f"* {row.subset}: n = {row.n}, r = {row.r:.2f}, NMB = {100 * row.nmb:.1f} %, "
            f"NME = {100 * row.nme:.1f} %, RMSE = {row.rmse:.1f} µg/m³"
        )
    lines += [
        "",
        "Paper: r = 0.80, NMB = 16.0 % overall; r = 0.89, NMB = 13.1 % in densely populated areas.",
        "",
        "## 95 % intervals (Monte Carlo of emission and MRIO uncertainty)",
        "",
    ]
    national = monte_carlo[monte_carlo["region"] == "China"]
    for row in national.itertuples():
        if "share" in row.quantity:
            values = [f"{100 * v:.1f} %" for v in (row.deterministic, row.p2_5, row.p97_5)]
        else:
            values = [f"{v:,.4g}" for v in (row.deterministic, row.p2_5, row.p97_5)]
        lines.append(f"* {row.quantity.replace('_', ' ')} ({row.species}): {values[0]} [{values[1]}, {values[2]}]")
    return "\n".join(lines) + "\n"


def _catalogue_pattern(key: str):
    import re

    pattern = re.escape(key).replace(r"\*\*", ".*")
    return re.compile("^" + re.sub(r"\\\{[^}]*\\\}", "[^/]+", pattern) + "$")


def run_index(products: list[tuple[str, str]], catalogue: dict[str, dict], run: str, provenance: str) -> str:
    """results/<run>/README.md: every product (path under results/<run>/) with its description, units and the
    rule that makes it. ``products`` are (rule, path pattern) from the workflow; each must match a catalogue key
    (wildcards and ``**`` allowed), else ValueError names the product to document."""
    patterns = [(key, _catalogue_pattern(key)) for key in catalogue]
    rules_of: dict[str, set[str]] = {}
    missing = []
    for rule, path in products:
        key = next((k for k, p in patterns if p.match(path)), None)
        if key is None:
            missing.append(f"{path} (rule {rule})")
        else:
            rules_of.setdefault(key, set()).add(rule)
    if missing:
        raise ValueError("products without an entry in workflow/report/products.yaml: " + ", ".join(missing))
    lines = [
        f"# Products of run `{run}`",
        "",
        f"> {provenance}",
        "",
        "Paths are relative to this folder. Logs are under `logs/" + run + "/`; per-rule benchmark records "
        "(wall time, peak memory) under `benchmarks/`.",
        "",
        "| product | description | units | rule |",
        "|---|---|---|---|",
    ]
    for key, entry in catalogue.items():
        if key in rules_of:
            rules = ", ".join(f"`{r}`" for r in sorted(rules_of[key]))
            lines.append(f"| `{key}` | {entry['description']} | {entry['units']} | {rules} |")
    return "\n".join(lines) + "\n"
