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


GROUP_FOREIGN = "Foreign"
FOREIGN_COLOUR = "#fff2a8"          # the paper's pale-yellow flows: embodied in foreign output bought abroad


def _display_groups(provinces, classes: dict[str, str], merged: Sequence[str]) -> dict[str, str]:
    """Province -> node of Fig. 4: itself, or "West" for provinces of a merged class (the paper merges the
    western provinces); "Foreign" stays itself."""
    out = {p: ("West" if classes.get(p) in set(merged) else p) for p in provinces}
    out[GROUP_FOREIGN] = GROUP_FOREIGN
    return out


def _ribbon(ax, x0, x1, lower0, upper0, lower1, upper1, colour, alpha=0.45) -> None:
    xs = np.linspace(x0, x1, 30)
    s = (1 - np.cos(np.pi * (xs - x0) / (x1 - x0))) / 2
    ax.fill_between(xs, lower0 + (lower1 - lower0) * s, upper0 + (upper1 - upper0) * s, color=colour, alpha=alpha,
                    lw=0)


def figure4_data(flows: pd.DataFrame, nodes: pd.DataFrame, layers: pd.DataFrame, by_consumer: pd.DataFrame,
                 classes: dict[str, str], merged: Sequence[str]) -> dict:
    """What Fig. 4 draws (APE), aggregated to its nodes: production-based emissions by emitting node; per layer
    (PL0..PLd and PL(d+1)+) embodied and emitted emissions by node; the mapping flows between adjacent layers
    (Eq. 17); the consumption-based bar by exporting node and channel."""
    ape = layers[(layers["species"] == "APE") & (layers["driver"] == "all_exports")]
    class_rank = {c: i for i, c in enumerate(CLASS_COLOURS)}
    provinces = sorted(set(ape["emitting_province"].astype(str)) | set(by_consumer["exporting_province"].astype(str)),
                       key=lambda p: (class_rank.get(classes.get(p), len(class_rank)), p))
    group = _display_groups(provinces, classes, merged)
    order = [*dict.fromkeys(group[p] for p in provinces), GROUP_FOREIGN]
    production = ape.groupby(ape["emitting_province"].astype(str).map(group))["value"].sum().reindex(order,
                                                                                                    fill_value=0.0)
    flows = flows.assign(supplier=flows["supplier"].map(group), buyer=flows["buyer"].map(group))
    links = list(dict.fromkeys(flows["link"]))                          # PL1->PL0, ..., PL(d+1)+->PLd
    depth = len(links) - 1
    columns = [f"PL{depth + 1}+", *(f"PL{t}" for t in range(depth, -1, -1))]
    matrices = {link: flows[flows["link"] == link].groupby(["supplier", "buyer"])["ape"].sum().unstack(
        fill_value=0.0).reindex(index=order, columns=order, fill_value=0.0) for link in links}
    nodes = nodes.assign(group=nodes["group"].map(group)).groupby(["layer", "group"])[["embodied_ape",
                                                                                      "emitted_ape"]].sum()
    embodied = {c: nodes.loc[c, "embodied_ape"].reindex(order, fill_value=0.0) for c in columns[1:]}
    emitted = {c: nodes.loc[c, "emitted_ape"].reindex(order, fill_value=0.0) for c in columns[1:]}
    deepest = matrices[links[-1]].sum(axis=1)                           # all of PL(d+1)+ is emitted there
    embodied[columns[0]], emitted[columns[0]] = deepest, deepest
    consumption = by_consumer.assign(node=by_consumer["exporting_province"].astype(str).map(group)).groupby(
        ["channel", "node"], observed=True)["ape"].sum().unstack(fill_value=0.0).reindex(columns=order,
                                                                                         fill_value=0.0)
    return {"order": order, "columns": columns, "production": production, "embodied": embodied,
            "emitted": emitted, "flows": matrices, "consumption": consumption}


def figure4(flows: pd.DataFrame, nodes: pd.DataFrame, layers: pd.DataFrame, by_consumer: pd.DataFrame,
            classes: dict[str, str], merged: Sequence[str], notes: Sequence[str]):
    """Fig. 4: export-related emission flows (APE) along the interregional supply chains, from the computed
    mapping-approach flows (Eq. 17). Leftmost bar: provincial production-based emissions; columns PL(d+1)+ ..
    PL0: each node's embodied emissions (its emitted part, the gray flow, at the bottom); ribbons: flows from
    the suppliers at layer t+1 to the buyers at layer t, foreign nodes included (pale yellow: foreign to
    foreign); rightmost bar: consumption-based emissions by exporting node, final products above and
    intermediates for foreign further exports below."""
    data = figure4_data(flows, nodes, layers, by_consumer, classes, merged)
    order, columns = data["order"], data["columns"]
    total = float(data["production"].sum())
    palette = [*plt.get_cmap("tab20").colors, *plt.get_cmap("tab20b").colors]
    colour = {g: (FOREIGN_COLOUR if g == GROUP_FOREIGN else palette[i % len(palette)]) for i, g in enumerate(order)}
    fig, ax = plt.subplots(figsize=(14, 8))
    width, gap = 0.22, 1.0
    scale = 1.0 / total
    pad = 0.01

    def stack(values: pd.Series) -> dict[str, tuple[float, float]]:
        bottom, out = 0.0, {}
        for g in order:
            height = float(values.get(g, 0.0)) * scale
            out[g] = (bottom, height)
            bottom += height + (pad if height > 0 else 0.0)
        return out

    # leftmost: production-based emissions by emitting node
    for g, (b, h) in stack(data["production"]).items():
        if h > 0:
            ax.add_patch(plt.Rectangle((0, b), width, h, color=colour[g], ec="k", lw=0.3))
    ax.text(width / 2, -0.04, "Production-\nbased", ha="center", va="top", fontsize=8)
    positions = {}
    for c, column in enumerate(columns):
        x = (c + 1) * gap
        positions[column] = (x, stack(data["embodied"][column]))
        for g, (b, h) in positions[column][1].items():
            if h <= 0:
                continue
            ax.add_patch(plt.Rectangle((x, b), width, h, color=colour[g], ec="k", lw=0.3))
            emitted = float(data["emitted"][column].get(g, 0.0)) * scale
            ax.add_patch(plt.Rectangle((x, b), width, emitted, color="#8c8c8c", alpha=0.8, lw=0))
        share = float(data["emitted"][column].sum()) * scale
        ax.text(x + width / 2, -0.04, f"{column}\n{100 * share:.1f}% emitted", ha="center", va="top", fontsize=8)
    # ribbons between adjacent layers: supplier (left column, layer t+1) -> buyer (right column, layer t)
    for c in range(len(columns) - 1):
        upper, lower = columns[c], columns[c + 1]
        link = next(k for k in data["flows"] if k.startswith(f"{upper}->"))
        matrix = data["flows"][link] * scale
        (x0, left), (x1, right) = positions[upper], positions[lower]
        out_offset = {g: left[g][0] for g in order}
        in_offset = {g: right[g][0] + float(data["emitted"][lower].get(g, 0.0)) * scale for g in order}
        for k in order:
            for j in order:
                h = float(matrix.at[k, j])
                if h <= 0:
                    continue
                tint = FOREIGN_COLOUR if (k == GROUP_FOREIGN and j == GROUP_FOREIGN) else colour[k]
                _ribbon(ax, x0 + width, x1, out_offset[k], out_offset[k] + h, in_offset[j], in_offset[j] + h, tint)
                out_offset[k] += h
                in_offset[j] += h
    # rightmost: consumption-based by exporting node, final products above intermediates
    x_bar = (len(columns) + 1) * gap
    consumption = data["consumption"]
    bottom = 0.0
    x0, pl0 = positions["PL0"]
    # PL0 -> right bar: a province node's embodied emissions are its final-product exports' (m_j y_j); the
    # Foreign node's are the intermediate channel, split by the exporting province
    foreign_offset = pl0[GROUP_FOREIGN][0] + float(data["emitted"]["PL0"].get(GROUP_FOREIGN, 0.0)) * scale
    for channel, hatch in (("intermediate_exports", "//"), ("final_products", "")):
        if channel not in consumption.index:
            continue
        for g in order:
            h = float(consumption.at[channel, g]) * scale
            if h > 0:
                ax.add_patch(plt.Rectangle((x_bar, bottom), width, h, color=colour[g], ec="k", lw=0.3, hatch=hatch))
                if channel == "final_products":
                    _ribbon(ax, x0 + width, x_bar, pl0[g][0], pl0[g][0] + h, bottom, bottom + h, colour[g], 0.3)
                else:
                    _ribbon(ax, x0 + width, x_bar, foreign_offset, foreign_offset + h, bottom, bottom + h,
                            FOREIGN_COLOUR, 0.6)
                    foreign_offset += h
                bottom += h
        bottom += 2 * pad
        ax.text(x_bar + width + 0.05, bottom - 2 * pad - float(consumption.loc[channel].sum()) * scale / 2,
                f"{'intermediates for foreign further exports' if channel != 'final_products' else 'final products'}"
                f"\n{float(consumption.loc[channel].sum()) / 1e9:.3g} Mt APE", va="center", fontsize=8)
    ax.text(x_bar + width / 2, -0.04, "Consumption-\nbased", ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.2, x_bar + 1.6)
    ax.set_ylim(-0.12, 1.0 + pad * len(order) + 0.05)
    ax.set_xticks([])
    ax.set_ylabel("share of export-related emissions (APE)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour[g]) for g in order] + [
        plt.Rectangle((0, 0), 1, 1, color="#8c8c8c")]
    ax.legend(handles, [*order, "emitted at the layer (gray flow)"], fontsize=7, loc="upper center",
              ncol=min(len(handles), 9), bbox_to_anchor=(0.5, -0.02), frameon=False)
    ax.set_title(f"Export-related emission flows along the supply chains ({total / 1e9:.3g} Mt APE; "
                 "pale yellow: embodied in foreign output bought abroad)")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, data


def figure_s7(per_province: pd.DataFrame, pairs: pd.DataFrame, polygons: dict, notes: Sequence[str], top: int = 10):
    """Supplementary Fig. 7: (a) interprovincial emission transfer disparity (APE; other provinces' emissions
    driven by this province's exports minus this province's emissions driven by others' exports; positive:
    net emission outflow) on the map; (b) the ``top`` largest pair disparity flows, driving -> hosting."""
    fig, axes = plt.subplots(1, 2, figsize=(15, 6.5), gridspec_kw={"width_ratios": [1.3, 1]})
    values = per_province.set_index("province")["disparity_ape"] / 1e6
    _draw_provinces(axes[0], polygons, values, "RdBu_r", "transfer disparity (kt APE)")
    limit = float(np.nanmax(np.abs(values.to_numpy()))) if len(values) else 1.0
    axes[0].collections[-1].set_clim(-limit, limit)
    axes[0].set_title("(a) Interprovincial emission transfer disparity")
    head = pairs.head(top)
    labels = [f"{a} \u2192 {b}" for a, b in zip(head["driving_province"], head["hosting_province"], strict=True)]
    axes[1].barh(range(len(head)), head["net_ape"] / 1e6, color="#b2182b")
    axes[1].set_yticks(range(len(head)), labels, fontsize=8)
    axes[1].invert_yaxis()
    axes[1].set(xlabel="net emission transfer (kt APE)",
                title=f"(b) Top {len(head)} interprovincial transfer disparity flows (driver \u2192 host)")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {"disparity_kt": values, "top_flows": head}


def save(fig, stem: str) -> list[str]:
    """PNG (150 dpi) and PDF next to each other; returns the paths."""
    paths = [f"{stem}.png", f"{stem}.pdf"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1])
    plt.close(fig)
    return paths
