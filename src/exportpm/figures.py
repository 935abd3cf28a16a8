"""The paper's Figures 1-4 from the pipeline's tables (matplotlib; PNG and PDF).

Every function takes tables, draws one figure and returns (figure, data drawn) so tests can check that the
numbers on the page are the tables' numbers. A footer says when inputs are synthetic or screening-model.
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import Polygon as PolygonPatch

CLASS_COLOURS = {"Beijing-Tianjin": "#7b3294", "East Coast": "#c2a5cf", "North": "#a6dba0", "Northeast": "#008837",
                 "Central": "#fdb863", "Northwest": "#e66101", "Southwest": "#1b9e77"}
FIGSIZE = (11, 7)


def footer(fig, notes: Sequence[str]) -> None:
    if notes:
        fig.text(0.01, 0.005, " | ".join(notes), fontsize=7, color="#a00", ha="left", va="bottom")


def _national(table: pd.DataFrame, component: str = "total") -> pd.DataFrame:
    return table[(table["level"] == "national") & (table["component"] == component)].set_index("scenario")


def _provincial(table: pd.DataFrame, scenario: str, component: str = "total") -> pd.Series:
    rows = table[(table["level"] == "province") & (table["scenario"] == scenario) & (table["component"] == component)]
    return rows.set_index("province")


def _draw_provinces(ax, polygons: dict, values: pd.Series, cmap: str, label: str) -> None:
    patches, data = [], []
    for code, geom in polygons.items():
        parts = getattr(geom, "geoms", [geom])
        for part in parts:
            patches.append(PolygonPatch(np.asarray(part.exterior.coords), closed=True))
            data.append(values.get(code, np.nan))
    collection = PatchCollection(patches, cmap=cmap, edgecolor="white", linewidth=0.3)
    collection.set_array(np.ma.masked_invalid(np.array(data, dtype=float)))
    ax.add_collection(collection)
    ax.autoscale_view()
    ax.set_ylim(max(ax.get_ylim()[0], 17.0), ax.get_ylim()[1])  # the South China Sea islands would squash the map
    ax.set_aspect(1.2)
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    plt.colorbar(collection, ax=ax, label=label, shrink=0.8)


def figure1(exposure: pd.DataFrame, cdf: pd.DataFrame, polygons: dict, notes: Sequence[str]):
    """(a) export-related PM2.5 map with share; (b) exposure CDF; (c) indirect share; (d) East Coast exports."""
    fig, axes = plt.subplots(2, 2, figsize=(13, 10))
    ex = _provincial(exposure, "I_EX")
    _draw_provinces(axes[0, 0], polygons, ex["pw_ugm3"], "viridis", "export-related PM2.5 (µg/m³)")
    for code, geom in polygons.items():
        if code in ex.index:
            c = geom.representative_point()
            axes[0, 0].text(c.x, c.y, f"{100 * ex.at[code, 'share_of_total']:.0f}%", fontsize=6, ha="center")
    axes[0, 0].set_title("(a) Export-related PM2.5 (population-weighted) and its share of total")
    for case, style in (("with_exports", "-"), ("without_exports", "--")):
        rows = cdf[cdf["case"] == case]
        axes[0, 1].plot(rows["pm25_ugm3"], 100 * rows["population_share_below"], style, label=case.replace("_", " "))
    for limit in (5, 35):
        axes[0, 1].axvline(limit, color="grey", lw=0.8)
        axes[0, 1].text(limit, 2, f" {limit} µg/m³", fontsize=8)
    axes[0, 1].set(xlabel="annual-mean PM2.5 (µg/m³)", ylabel="population below (%)",
                   title="(b) National cumulative exposure")
    axes[0, 1].legend()
    indirect = _provincial(exposure, "indirect")["pw_ugm3"] / ex["pw_ugm3"]
    order = indirect.sort_values().index
    axes[1, 0].barh(range(len(order)), 100 * indirect[order], color="#3182bd")
    axes[1, 0].set_yticks(range(len(order)), order, fontsize=7)
    axes[1, 0].set(xlabel="indirect share of export-related PM2.5 (%)", title="(c) Indirect share by province")
    east = _provincial(exposure, "I_EXEAST")
    order = east["pw_ugm3"].sort_values().index
    axes[1, 1].barh(range(len(order)), east.loc[order, "pw_ugm3"], color="#e6550d")
    axes[1, 1].set_yticks(range(len(order)), order, fontsize=7)
    for i, code in enumerate(order):
        axes[1, 1].text(east.at[code, "pw_ugm3"], i, f" {100 * east.at[code, 'share_of_total']:.1f}%", va="center",
                        fontsize=6)
    axes[1, 1].set(xlabel="PM2.5 driven by East Coast exports (µg/m³)", title="(d) East Coast exports")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {"export_pm25": ex["pw_ugm3"], "indirect_share": indirect, "east_coast": east["pw_ugm3"]}


def figure2(exposure: pd.DataFrame, volume: pd.DataFrame, notes: Sequence[str]):
    """(a) top foreign contributors nationally; (b) top two per province (PM2.5); (c) top two (export volume)."""
    fig, axes = plt.subplots(1, 3, figsize=(16, 8))
    national = _national(exposure)
    regions = national[national.index.str.startswith("I_EXREGION_")]["pw_ugm3"].sort_values(ascending=False)
    names = regions.index.str.replace("I_EXREGION_", "").str.replace("_", " ")
    axes[0].bar(range(len(regions)), regions.to_numpy(), color="#31a354")
    axes[0].set_xticks(range(len(regions)), names, rotation=60, ha="right", fontsize=8)
    axes[0].set(ylabel="export-related PM2.5 (µg/m³, national pop.-weighted)", title="(a) Foreign contributors")
    prov = exposure[(exposure["level"] == "province") & exposure["scenario"].str.startswith("I_EXREGION_")
                    & (exposure["component"] == "total")]
    top2 = prov.sort_values("pw_ugm3", ascending=False).groupby("province").head(2).sort_values(["province", "pw_ugm3"])
    provinces = sorted(top2["province"].unique())
    for rank, colour in ((0, "#006d2c"), (1, "#74c476")):
        pick = top2.groupby("province").nth(-1 - rank).set_index("province").reindex(provinces)
        axes[1].barh(np.arange(len(provinces)) + 0.4 * rank, pick["pw_ugm3"], height=0.4, color=colour,
                     label=["first", "second"][rank])
        for i, (_code, row) in enumerate(pick.iterrows()):
            axes[1].text(row["pw_ugm3"], i + 0.4 * rank,
                         " " + str(row["scenario"]).replace("I_EXREGION_", "").replace("_", " "),
                         fontsize=5, va="center")
    axes[1].set_yticks(np.arange(len(provinces)) + 0.2, provinces, fontsize=7)
    axes[1].set(xlabel="PM2.5 (µg/m³)", title="(b) Top two contributors per province")
    by_group = volume.groupby(["exporting_province", "consumer_group"], observed=True)["musd"].sum().reset_index()
    top_v = by_group.sort_values("musd", ascending=False).groupby("exporting_province", observed=True).head(2)
    provinces_v = sorted(top_v["exporting_province"].astype(str).unique())
    for rank, colour in ((0, "#08519c"), (1, "#6baed6")):
        pick = (top_v.sort_values(["exporting_province", "musd"]).groupby("exporting_province", observed=True)
                .nth(-1 - rank).set_index("exporting_province"))
        pick.index = pick.index.astype(str)
        pick = pick.reindex(provinces_v)
        axes[2].barh(np.arange(len(provinces_v)) + 0.4 * rank, pick["musd"] / 1e3, height=0.4, color=colour)
        for i, (_, row) in enumerate(pick.iterrows()):
            axes[2].text(row["musd"] / 1e3, i + 0.4 * rank, f" {row['consumer_group']}", fontsize=5, va="center")
    axes[2].set_yticks(np.arange(len(provinces_v)) + 0.2, provinces_v, fontsize=7)
    axes[2].set(xlabel="export volume (US$ billion)", title="(c) Top two destinations of export volume")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {"national_contributors": regions}


def figure3(by_sector: pd.DataFrame, by_consumer: pd.DataFrame, notes: Sequence[str]):
    """(a) consumption- vs production-based sector contributions per species; (b) consumers of the top two
    consuming sectors; (c) provinces of the top two producing sectors with the indirect share."""
    fig, axes = plt.subplots(1, 3, figsize=(17, 7))
    species = list(by_sector["species"].astype(str).unique())
    cons = by_sector.groupby(["species", "consuming_sector"], observed=True)["ape"].sum().unstack(fill_value=0)
    prod = by_sector.groupby(["species", "producing_sector"], observed=True)["tonnes"].sum().unstack(fill_value=0)
    top_sectors = cons.sum().sort_values(ascending=False).index[:6]
    shares_c = cons.div(cons.sum(1), axis=0)[top_sectors]
    shares_p = prod.div(prod.sum(1), axis=0).reindex(columns=top_sectors, fill_value=0)
    x = np.arange(len(species))
    for i, sector in enumerate(top_sectors):
        axes[0].bar(x - 0.2, 100 * shares_c.loc[species, sector], 0.38, bottom=100 * shares_c.loc[species,
                    top_sectors[:i]].sum(1), label=str(sector))
        axes[0].bar(x + 0.2, 100 * shares_p.loc[species, sector], 0.38, bottom=100 * shares_p.loc[species,
                    top_sectors[:i]].sum(1), color=axes[0].patches[-1].get_facecolor(), hatch="//")
    axes[0].set_xticks(x, species, rotation=30)
    axes[0].set(ylabel="share of export-related emissions (%)",
                title="(a) Consumption-based (plain) vs production-based (hatched)")
    axes[0].legend(fontsize=7, title="sector")
    top2 = cons.sum().sort_values(ascending=False).index[:2]
    groups = by_sector[by_sector["consuming_sector"].isin(top2)].groupby(
        ["consuming_sector", "consumer_group"], observed=True)["ape"].sum().unstack(fill_value=0)
    groups = groups.loc[:, groups.sum().sort_values(ascending=False).index[:6]]
    groups.plot.bar(ax=axes[1], stacked=True, rot=0)
    axes[1].set(ylabel="APE (pollution equivalents)", title="(b) Foreign consumers of the top two consuming sectors")
    axes[1].legend(fontsize=7)
    prod_ape = by_sector.groupby("producing_sector", observed=True)["ape"].sum().sort_values(ascending=False)
    top_prod = prod_ape.index[:2]
    provinces = by_sector[by_sector["producing_sector"].isin(top_prod)].groupby(
        "emitting_province", observed=True)["ape"].sum().sort_values(ascending=False).head(10)
    indirect = by_consumer.groupby(["emitting_province", "direct"], observed=True)["ape"].sum().unstack(fill_value=0)
    share = (indirect[False] / indirect.sum(1)).reindex(provinces.index)
    axes[2].bar(range(len(provinces)), provinces.to_numpy(), color="#756bb1")
    axes[2].set_xticks(range(len(provinces)), provinces.index.astype(str), rotation=60, fontsize=8)
    twin = axes[2].twinx()
    twin.plot(range(len(provinces)), 100 * share.to_numpy(), "o-", color="#e6550d")
    twin.set_ylabel("indirect share (%)")
    axes[2].set(ylabel="APE", title=f"(c) Provinces of {', '.join(map(str, top_prod))}")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {"consuming_top2": list(top2), "producing_top2": list(top_prod)}


def figure4(layers: pd.DataFrame, by_consumer: pd.DataFrame, classes: dict[str, str], notes: Sequence[str]):
    """Alluvial (Sankey) of export-related APE along production layers PL0..PL4+ by region class, with the
    consumption-based split of the right bar: final products vs intermediates for foreign further exports."""
    data = layers[(layers["species"] == "APE") & (layers["driver"] == "all_exports")].copy()
    data["region_class"] = data["emitting_province"].map(classes)
    table = data.groupby(["layer", "region_class"])["value"].sum().unstack(fill_value=0)
    order = [c for c in CLASS_COLOURS if c in table.columns]
    table = table.reindex(columns=order, fill_value=0)
    total = table.to_numpy().sum()
    fig, ax = plt.subplots(figsize=FIGSIZE)
    width, gap = 0.35, 1.0
    tops = {}
    for i, layer in enumerate(table.index):
        bottom = 0.0
        for cls in order:
            height = table.at[layer, cls] / total
            ax.add_patch(plt.Rectangle((i * gap, bottom), width, height, color=CLASS_COLOURS[cls], lw=0))
            tops[(i, cls)] = (bottom, height)
            bottom += height
        ax.text(i * gap + width / 2, bottom + 0.01, f"{layer}\n{100 * bottom:.1f}%", ha="center", fontsize=8)
    for i in range(len(table.index) - 1):
        for cls in order:
            (b0, h0), (b1, h1) = tops[(i, cls)], tops[(i + 1, cls)]
            xs = np.linspace(i * gap + width, (i + 1) * gap, 30)
            s = (1 - np.cos(np.pi * (xs - xs[0]) / (xs[-1] - xs[0]))) / 2
            ax.fill_between(xs, b0 + (b1 - b0) * s, b0 + h0 + (b1 + h1 - b0 - h0) * s, color=CLASS_COLOURS[cls],
                            alpha=0.35, lw=0)
    channels = by_consumer.groupby("channel", observed=True)["ape"].sum()
    x_bar = len(table.index) * gap + 0.2
    bottom = 0.0
    for channel, colour in (("final_products", "#636363"), ("intermediate_exports", "#bdbdbd")):
        height = channels.get(channel, 0.0) / channels.sum()
        ax.add_patch(plt.Rectangle((x_bar, bottom), width, height, color=colour))
        ax.text(x_bar + width + 0.05, bottom + height / 2, f"{channel.replace('_', ' ')}\n{100 * height:.1f}%",
                va="center", fontsize=8)
        bottom += height
    ax.set_xlim(-0.2, x_bar + 1.3)
    ax.set_ylim(0, max(table.sum(1).max() / total, 1.0) + 0.1)
    ax.set_xticks([])
    ax.set_ylabel("share of export-related emissions (APE)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=CLASS_COLOURS[c]) for c in order]
    ax.legend(handles, order, fontsize=8, loc="upper center", ncol=4)
    ax.set_title("Export-related emissions along production layers by region class; right: consumption-based split")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {"layer_shares": table.sum(1) / total, "channel_shares": channels / channels.sum()}


def save(fig, stem: str) -> list[str]:
    """PNG (150 dpi) and PDF next to each other; returns the paths."""
    paths = [f"{stem}.png", f"{stem}.pdf"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
