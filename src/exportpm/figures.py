"""The paper's Figures 1-4 from the pipeline's tables (matplotlib; PNG and PDF).

Every function takes tables, draws one figure and returns (figure, data drawn) so tests can check that the
numbers on the page are the tables' numbers. A footer says when inputs are synthetic or screening-model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PatchCollection
from matplotlib.patches import Polygon as PolygonPatch

CLASS_COLOURS = {
    "Beijing-Tianjin": "#7b3294",
    "East Coast": "#c2a5cf",
    "North": "#a6dba0",
    "Northeast": "#008837",
    "Central": "#fdb863",
    "Northwest": "#e66101",
    "Southwest": "#1b9e77",
}
FIGSIZE = (11, 7)


def footer(fig, notes: Sequence[str]) -> None:
    """Write ``notes`` (e.g. the synthetic-data mark) in red along the figure's bottom edge."""
    if notes:
        fig.text(0.01, 0.005, " | ".join(notes), fontsize=8, color="#a00", ha="left", va="bottom")


plt.rcParams.update(
    {
        "font.size": 9,
        "axes.titlesize": 10,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "legend.title_fontsize": 8,
    }
)
GROUP_PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
)
OTHER_COLOUR = "#d9d9d9"
SPECIES_NAMES = {"PM25_other": "other primary PM2.5"}


def species_name(code) -> str:
    """Display name of a species code (other primary PM2.5 spelled out; others unchanged)."""
    return SPECIES_NAMES.get(str(code), str(code))


@dataclass(frozen=True)
class Names:
    """English display names: province ISO 3166-2 code -> name, GTAP sector code -> name (as in the paper)."""

    province: dict[str, str] = field(default_factory=dict)
    sector: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_tables(cls, province_names: str, sector_names: str) -> Names:
        """From the provinces table (iso3166_2, name_en) and the GTAP sectors table (code, name)."""
        from exportpm.resources import read_table

        provinces = read_table(province_names, required=["iso3166_2", "name_en"])
        sectors = read_table(sector_names, required=["code", "name"])
        return cls(
            dict(zip(provinces["iso3166_2"], provinces["name_en"], strict=True)),
            dict(zip(sectors["code"], sectors["name"], strict=True)),
        )

    def p(self, code) -> str:
        """English name of a province code (the code itself if unknown)."""
        return self.province.get(str(code), str(code))

    def s(self, code) -> str:
        """English name of a GTAP sector code (the code itself if unknown)."""
        return self.sector.get(str(code), str(code))


def _national(table: pd.DataFrame, component: str = "total") -> pd.DataFrame:
    return table[(table["level"] == "national") & (table["component"] == component)].set_index("scenario")


def _provincial(table: pd.DataFrame, scenario: str, component: str = "total") -> pd.Series:
    rows = table[(table["level"] == "province") & (table["scenario"] == scenario) & (table["component"] == component)]
    return rows.set_index("province")


def _group_colours(groups) -> dict[str, str]:
    return {g: GROUP_PALETTE[i % len(GROUP_PALETTE)] for i, g in enumerate(sorted(map(str, groups)))}


def _draw_provinces(ax, polygons: dict, values: pd.Series, cmap: str, label: str) -> None:
    """Plain lon/lat polygons (kept for Supplementary Fig. 7); Fig. 1 uses exportpm.maps."""
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


def _hbars(ax, values: pd.Series, labels, colour: str, fmt: str) -> None:
    """Horizontal bars, largest on top, each labelled with its value."""
    ax.barh(range(len(values)), values.to_numpy(), color=colour)
    ax.set_yticks(range(len(values)), labels)
    ax.invert_yaxis()
    for i, value in enumerate(values.to_numpy()):
        ax.text(value, i, " " + fmt.format(value), va="center", fontsize=8)
    ax.set_xlim(0, 1.18 * max(float(values.max()), 1e-12))


def figure1(
    exposure: pd.DataFrame, cdf: pd.DataFrame, polygons: dict, notes: Sequence[str], names: Names | None = None
):
    """(a) map of population-weighted export-related PM2.5 (Base - I_EX) with its share of total PM2.5;
    (b) national cumulative exposure with and without exports; (c) indirect share of export-related PM2.5 by
    province; (d) PM2.5 driven by East Coast exports (Base - I_EXEAST) and its share of the province's
    export-related PM2.5 (issue 14: shares of export-related, not of total PM2.5).

    Long because a figure is drawn panel by panel; splitting it would scatter one layout over several functions.
    """
    from exportpm import maps

    names = names or Names()
    fig = plt.figure(figsize=(18, 13))
    grid = fig.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[1.15, 1], hspace=0.22, wspace=0.3)
    ax_map = fig.add_subplot(grid[0, 0], projection=maps.projection())
    ex = _provincial(exposure, "I_EX")
    east = _provincial(exposure, "I_EXEAST")
    indirect = (_provincial(exposure, "indirect")["pw_ugm3"] / ex["pw_ugm3"]).dropna()
    east_share = (east["pw_ugm3"] / ex["pw_ugm3"]).dropna()
    fig.subplots_adjust(left=0.08, right=0.97, top=0.96, bottom=0.05)
    _, colour_of = maps.province_map(fig, ax_map, polygons, ex["pw_ugm3"], "YlOrRd", "export-related PM2.5 (µg/m³)")
    import cartopy.crs as ccrs

    for code, (x, y, anchor) in maps.label_positions(polygons, ex.index).items():
        text = f"{100 * ex.at[code, 'share_of_total']:.1f}%"
        if anchor is None:
            ax_map.text(
                x,
                y,
                text,
                fontsize=8,
                ha="center",
                va="center",
                transform=ccrs.PlateCarree(),
                zorder=5,
                color=maps.text_colour(colour_of(ex.at[code, "pw_ugm3"])),
            )
        else:
            ax_map.annotate(
                f"{names.p(code)} {text}",
                xy=anchor,
                xytext=(x, y),
                fontsize=8,
                va="center",
                xycoords=ccrs.PlateCarree()._as_mpl_transform(ax_map),
                textcoords=ccrs.PlateCarree()._as_mpl_transform(ax_map),
                arrowprops={"arrowstyle": "-", "lw": 0.5, "color": "#404040"},
                zorder=5,
            )
    ax_map.set_title("(a) Export-related PM2.5 (population-weighted); labels: share of total PM2.5")
    ax = fig.add_subplot(grid[0, 1])
    for case, style, label in (
        ("with_exports", "-", "with exports (Base)"),
        ("without_exports", "--", "without exports (I_EX)"),
    ):
        rows = cdf[cdf["case"] == case]
        ax.plot(rows["pm25_ugm3"], 100 * rows["population_share_below"], style, label=label)
    for limit, what in ((5, "WHO AQG"), (35, "China standard")):
        ax.axvline(limit, color="grey", lw=0.8)
        ax.text(limit, 97, f" {limit} µg/m³\n {what}", fontsize=8, va="top")
    ax.set(
        xlabel="annual-mean PM2.5 (µg/m³)",
        ylabel="population living below (%)",
        ylim=(0, 100),
        title="(b) National cumulative distribution of PM2.5 exposure",
    )
    ax.legend(loc="lower right")
    ax = fig.add_subplot(grid[1, 0])
    order = indirect.sort_values(ascending=False)
    _hbars(ax, 100 * order, [names.p(c) for c in order.index], "#3182bd", "{:.1f}%")
    ax.set(
        xlabel="indirect share of export-related PM2.5 (%)",
        title="(c) Contribution of indirect exports to export-related PM2.5",
    )
    ax = fig.add_subplot(grid[1, 1])
    order = east["pw_ugm3"].sort_values(ascending=False)
    ax.barh(range(len(order)), order.to_numpy(), color="#e6550d")
    ax.set_yticks(range(len(order)), [names.p(c) for c in order.index])
    ax.invert_yaxis()
    for i, code in enumerate(order.index):
        ax.text(order[code], i, f" {100 * east_share.get(code, np.nan):.1f}%", va="center", fontsize=8)
    ax.set_xlim(0, 1.2 * max(float(order.max()), 1e-12))
    ax.set(
        xlabel="PM2.5 driven by East Coast exports (µg/m³); label: share of export-related PM2.5",
        title="(d) PM2.5 driven by exports of the East Coast",
    )
    footer(fig, notes)
    return fig, {
        "export_pm25": ex["pw_ugm3"],
        "indirect_share": indirect,
        "east_coast": east["pw_ugm3"],
        "east_coast_share_of_export_related": east_share,
    }


def _top_two(frame: pd.DataFrame, key: str, by: str, value: str) -> pd.DataFrame:
    """The two largest ``by`` entries of each ``key`` (rank 0 and 1) with their value."""
    ranked = frame.sort_values([key, value], ascending=[True, False]).groupby(key, observed=True).head(2).copy()
    ranked["rank"] = ranked.groupby(key, observed=True).cumcount()
    return ranked


def _top_two_panel(
    fig,
    ax,
    top2: pd.DataFrame,
    key: str,
    by: str,
    value: str,
    shade: pd.Series,
    order,
    colours: dict,
    shade_cmap: str,
    shade_label: str,
    names: Names,
    bar_label,
    scale: float = 1.0,
) -> None:
    """Two bars per row (first and second contributor, coloured by contributor) on a row shading."""
    from matplotlib.colors import Normalize

    norm = Normalize(vmin=0.0, vmax=max(float(shade.max()), 1e-9))
    cmap = plt.get_cmap(shade_cmap)
    for i, code in enumerate(order):
        ax.axhspan(i - 0.45, i + 0.45, color=cmap(norm(shade.get(code, np.nan))), alpha=0.55, lw=0, zorder=0)
    for rank, offset in ((0, -0.18), (1, 0.18)):
        rows = top2[top2["rank"] == rank].set_index(key)
        for i, code in enumerate(order):
            if code not in rows.index:
                continue
            row = rows.loc[code]
            ax.barh(
                i + offset,
                row[value] * scale,
                height=0.34,
                color=colours[str(row[by])],
                zorder=2,
                edgecolor="black" if rank == 0 else "none",
                lw=0.4,
            )
            ax.text(row[value] * scale, i + offset, " " + bar_label(row), va="center", fontsize=8, zorder=3)
    ax.set_yticks(range(len(order)), [names.p(c) for c in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    bar = fig.colorbar(plt.cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6, pad=0.02, alpha=0.55)
    bar.set_label(shade_label, fontsize=8)


def figure2(exposure: pd.DataFrame, volume: pd.DataFrame, notes: Sequence[str], names: Names | None = None):
    """(a) top foreign contributors to China's export-related PM2.5 (share labels); (b) top two foreign
    contributors per province (bars) and their combined share of the province's export-related PM2.5
    (shading); (c) top two foreign destinations of each province's export volume (bars) and the province's
    export volume (shading).

    Long because a figure is drawn panel by panel; splitting it would scatter one layout over several functions.
    """
    names = names or Names()
    rows = exposure.loc[exposure["level"] == "province", "province"].nunique()
    fig, axes = plt.subplots(
        1, 3, figsize=(18, max(8.5, 0.45 * rows + 3.5)), gridspec_kw={"width_ratios": [0.9, 1.1, 1.1]}
    )
    national = _national(exposure)
    regions = national[national.index.str.startswith("I_EXREGION_")]["pw_ugm3"].sort_values(ascending=False)
    group_names = [s.replace("I_EXREGION_", "").replace("_", " ") for s in regions.index]
    total_ex = national.at["I_EX", "pw_ugm3"] if "I_EX" in national.index else np.nan
    prov = exposure[
        (exposure["level"] == "province")
        & exposure["scenario"].str.startswith("I_EXREGION_")
        & (exposure["component"] == "total")
    ].copy()
    prov["group"] = prov["scenario"].str.replace("I_EXREGION_", "").str.replace("_", " ")
    volume_groups = volume.groupby(["exporting_province", "consumer_group"], observed=True)["musd"].sum()
    colours = _group_colours(set(group_names) | set(map(str, volume["consumer_group"].unique())))
    axes[0].bar(range(len(regions)), regions.to_numpy(), color=[colours[g] for g in group_names])
    axes[0].set_xticks(range(len(regions)), group_names, rotation=45, ha="right")
    for i, value in enumerate(regions.to_numpy()):
        axes[0].text(i, value, f"{100 * value / total_ex:.1f}%", ha="center", va="bottom", fontsize=8)
    axes[0].set(
        ylabel="export-related PM2.5 (µg/m³, population-weighted); label: share",
        title="(a) Foreign contributors to China's export-related PM2.5",
    )
    ex = _provincial(exposure, "I_EX")["pw_ugm3"]
    prov["share"] = prov["pw_ugm3"] / prov["province"].map(ex)
    top2 = _top_two(prov, "province", "group", "pw_ugm3")
    combined = top2.groupby("province")["share"].sum()
    order = list(ex.sort_values(ascending=False).index)
    _top_two_panel(
        fig,
        axes[1],
        top2,
        "province",
        "group",
        "pw_ugm3",
        100 * combined,
        order,
        colours,
        "Greys",
        "top two's share of export-related PM2.5 (%)",
        names,
        lambda row: f"{100 * row['share']:.1f}%",
    )
    axes[1].set_xlim(0, 1.2 * float(top2["pw_ugm3"].max()))
    axes[1].set(
        xlabel="export-related PM2.5 (µg/m³); label: share of the province's export-related PM2.5",
        title="(b) Top two foreign contributors to provincial PM2.5",
    )
    vol = volume_groups.reset_index()
    vol["exporting_province"] = vol["exporting_province"].astype(str)
    vol["consumer_group"] = vol["consumer_group"].astype(str)
    top2_v = _top_two(vol, "exporting_province", "consumer_group", "musd")
    totals = vol.groupby("exporting_province")["musd"].sum() / 1e3
    order_v = [c for c in order if c in totals.index] + [c for c in totals.index if c not in order]
    _top_two_panel(
        fig,
        axes[2],
        top2_v,
        "exporting_province",
        "consumer_group",
        "musd",
        totals,
        order_v,
        colours,
        "Blues",
        "provincial export volume (US$ billion)",
        names,
        lambda row: f"{row['musd'] / 1e3:,.0f}",
        scale=1e-3,
    )
    axes[2].set_xlim(0, 1.2 * float(top2_v["musd"].max()) / 1e3)
    axes[2].set(xlabel="export volume (US$ billion)", title="(c) Top two foreign destinations of export volume")
    used = sorted(set(top2["group"]) | set(top2_v["consumer_group"]) | set(group_names))
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[g]) for g in used]
    fig.legend(
        handles,
        used,
        loc="lower center",
        ncol=min(len(used), 7),
        title="foreign consumer group",
        bbox_to_anchor=(0.5, 0.025),
    )
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig, {"national_contributors": regions, "top_two_share": combined, "export_volume_bn": totals}


def _stacked_shares(
    ax, shares: pd.DataFrame, colours: dict, labels: dict | None = None, min_label: float = 4.0, row_labels=None
) -> None:
    """Horizontal 100 % bars (rows = index, segments = columns in order), percent labels on wide segments."""
    left = np.zeros(len(shares))
    for column in shares.columns:
        width = 100 * shares[column].to_numpy()
        drawn = width > 0
        ax.barh(
            np.arange(len(shares))[drawn],
            width[drawn],
            left=left[drawn],
            color=colours.get(column, OTHER_COLOUR),
            edgecolor="white",
            lw=0.5,
            label=(labels or {}).get(column, column),
        )
        for i, (w, x0) in enumerate(zip(width, left, strict=True)):
            if w >= min_label:
                ax.text(
                    x0 + w / 2,
                    i,
                    f"{w:.0f}%",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=text_colour(matplotlib.colors.to_rgba(colours.get(column, OTHER_COLOUR))),
                )
        left += width
    ax.set_yticks(range(len(shares)), row_labels if row_labels is not None else list(shares.index))
    ax.set_ylim(len(shares) - 0.5, -0.5)
    ax.set_xlim(0, 100)
    ax.set_xlabel("share of export-related emissions (%)")


def text_colour(rgba) -> str:
    """Black or white, whichever reads better on the colour."""
    r, g, b = rgba[:3]
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.45 else "black"


def _top_columns(table: pd.DataFrame, n: int) -> pd.DataFrame:
    """Row shares of each row's ``n`` largest columns plus 'Other' (rows sum to 1); columns ordered by total."""
    shares = table.div(table.sum(axis=1), axis=0).fillna(0.0)
    keep = sorted({c for _, row in shares.iterrows() for c in row.nlargest(n).index}, key=lambda c: -table[c].sum())
    out = shares[keep].copy()
    for idx, row in shares.iterrows():  # within a row only its own top n are shown; the rest goes to Other
        top = set(row.nlargest(n).index)
        for c in keep:
            if c not in top:
                out.at[idx, c] = 0.0
    out["Other"] = 1.0 - out.sum(axis=1)
    return out.clip(lower=0.0)


def _palette() -> list:
    """60 distinct colours (tab20, tab20b, tab20c) without the greys that 'Other' uses."""
    colours = [*plt.get_cmap("tab20").colors, *plt.get_cmap("tab20b").colors, *plt.get_cmap("tab20c").colors]
    return [c for c in colours if not (abs(c[0] - c[1]) < 0.02 and abs(c[1] - c[2]) < 0.02)]


def _sector_colours(sectors) -> dict:
    palette = _palette()
    return {s: palette[i % len(palette)] for i, s in enumerate(sectors)} | {"Other": OTHER_COLOUR}


def figure3(
    by_sector: pd.DataFrame, by_consumer: pd.DataFrame, notes: Sequence[str], names: Names | None = None, top: int = 5
):
    """(a) consumption-based (foreign consumers' consuming sectors) and production-based (Chinese producing
    sectors) contributions to export-related emissions per species: each species' top ``top`` sectors of
    each view, percent labels; (b) foreign consumer groups of each species' top two consuming sectors;
    (c) provinces emitting for each species' top two producing sectors, with the species' indirect share.

    Long because a figure is drawn panel by panel; splitting it would scatter one layout over several functions.
    """
    names = names or Names()
    species = list(map(str, by_sector["species"].unique()))
    tonnes_c = by_sector.groupby(["species", "consuming_sector"], observed=True)["tonnes"].sum().unstack(fill_value=0)
    tonnes_p = by_sector.groupby(["species", "producing_sector"], observed=True)["tonnes"].sum().unstack(fill_value=0)
    shares_c = _top_columns(tonnes_c.loc[species], top)
    shares_p = _top_columns(tonnes_p.loc[species], top)
    sectors = list(
        dict.fromkeys([c for c in shares_c.columns if c != "Other"] + [c for c in shares_p.columns if c != "Other"])
    )
    colours = _sector_colours(sectors)
    fig, axes = plt.subplots(2, 2, figsize=(18, 14))
    labels = {s: names.s(s) for s in sectors}
    _stacked_shares(axes[0, 0], shares_c, colours, labels, row_labels=[species_name(sp) for sp in species])
    axes[0, 0].set_title(f"(a) Consumption-based: top {top} consuming sectors (foreign consumers)")
    _stacked_shares(axes[0, 1], shares_p, colours, labels, row_labels=[species_name(sp) for sp in species])
    axes[0, 1].set_title(f"(a) Production-based: top {top} producing sectors (Chinese provinces)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colours[s]) for s in [*sectors, "Other"]]
    axes[0, 1].legend(
        handles,
        [names.s(s) for s in sectors] + ["Other sectors"],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        title="sector",
    )
    rows_b, rows_c, row_labels_b, row_labels_c = [], [], [], []
    top_cons, top_prod = {}, {}
    for sp in species:
        top_cons[sp] = list(tonnes_c.loc[sp].nlargest(2).index)
        top_prod[sp] = list(tonnes_p.loc[sp].nlargest(2).index)
        sub = by_sector[by_sector["species"] == sp]
        for sector in top_cons[sp]:
            rows_b.append(
                sub[sub["consuming_sector"] == sector].groupby("consumer_group", observed=True)["tonnes"].sum()
            )
            row_labels_b.append(f"{species_name(sp)}: {names.s(sector)}")
        for sector in top_prod[sp]:
            rows_c.append(
                sub[sub["producing_sector"] == sector].groupby("emitting_province", observed=True)["tonnes"].sum()
            )
            row_labels_c.append(f"{species_name(sp)}: {names.s(sector)}")
    groups_b = pd.DataFrame(rows_b).fillna(0.0)
    groups_b.columns = groups_b.columns.astype(str)
    shares_b = _top_columns(groups_b.reset_index(drop=True), 5)
    group_colours = _group_colours(groups_b.columns) | {"Other": OTHER_COLOUR}
    _stacked_shares(axes[1, 0], shares_b, group_colours, row_labels=row_labels_b)
    axes[1, 0].set_title("(b) Foreign consumers of each species' top two consuming sectors")
    axes[1, 0].legend(loc="upper left", bbox_to_anchor=(0.0, -0.06), ncol=4, title="foreign consumer group")
    prov_c = pd.DataFrame(rows_c).fillna(0.0)
    prov_c.columns = prov_c.columns.astype(str)
    shares_pc = _top_columns(prov_c.reset_index(drop=True), 5)
    prov_colours = _sector_colours(list(shares_pc.columns.drop("Other")))
    _stacked_shares(
        axes[1, 1], shares_pc, prov_colours, labels={c: names.p(c) for c in prov_c.columns}, row_labels=row_labels_c
    )
    indirect = by_consumer.groupby(["species", "direct"], observed=True)["tonnes"].sum().unstack(fill_value=0.0)
    indirect_share = (indirect.get(False, 0.0) / indirect.sum(axis=1)).reindex(species)
    for i, sp in enumerate(species):
        axes[1, 1].text(
            100.5,
            2 * i + 1.3,
            f"indirect {100 * indirect_share[sp]:.1f}%",
            fontsize=8,
            ha="left",
            va="bottom",
            color="#444444",
            clip_on=False,
        )
    axes[1, 1].set_title("(c) Provinces emitting for each species' top two producing sectors")
    axes[1, 1].legend(loc="upper left", bbox_to_anchor=(0.0, -0.06), ncol=4, title="emitting province")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {
        "consuming_shares": shares_c,
        "producing_shares": shares_p,
        "consuming_top2": top_cons,
        "producing_top2": top_prod,
        "indirect_share": indirect_share,
    }


GROUP_FOREIGN = "Foreign"
FOREIGN_COLOUR = "#fff2a8"  # the paper's pale-yellow flows: embodied in foreign output bought abroad


def _display_groups(provinces, classes: dict[str, str], merged: Sequence[str]) -> dict[str, str]:
    """Province -> node of Fig. 4: itself, or "West" for provinces of a merged class (the paper merges the
    western provinces); "Foreign" stays itself."""
    out = {p: ("West" if classes.get(p) in set(merged) else p) for p in provinces}
    out[GROUP_FOREIGN] = GROUP_FOREIGN
    return out


def _ribbon(ax, x0, x1, lower0, upper0, lower1, upper1, colour, alpha=0.45) -> None:
    xs = np.linspace(x0, x1, 30)
    s = (1 - np.cos(np.pi * (xs - x0) / (x1 - x0))) / 2
    ax.fill_between(xs, lower0 + (lower1 - lower0) * s, upper0 + (upper1 - upper0) * s, color=colour, alpha=alpha, lw=0)


def figure4_data(
    flows: pd.DataFrame,
    nodes: pd.DataFrame,
    layers: pd.DataFrame,
    by_consumer: pd.DataFrame,
    classes: dict[str, str],
    merged: Sequence[str],
) -> dict:
    """What Fig. 4 draws (APE), aggregated to its nodes: production-based emissions by emitting node; per layer
    (PL0..PLd and PL(d+1)+) embodied and emitted emissions by node; the mapping flows between adjacent layers
    (Eq. 17); the consumption-based bar by exporting node and channel."""
    ape = layers[(layers["species"] == "APE") & (layers["driver"] == "all_exports")]
    class_rank = {c: i for i, c in enumerate(CLASS_COLOURS)}
    provinces = sorted(
        set(map(str, ape["emitting_province"].unique())) | set(map(str, by_consumer["exporting_province"].unique())),
        key=lambda p: (class_rank.get(classes.get(p), len(class_rank)), p),
    )
    group = _display_groups(provinces, classes, merged)
    order = [*dict.fromkeys(group[p] for p in provinces), GROUP_FOREIGN]
    production = (
        ape.groupby(ape["emitting_province"].astype(str).map(group))["value"].sum().reindex(order, fill_value=0.0)
    )
    flows = flows.assign(supplier=flows["supplier"].map(group), buyer=flows["buyer"].map(group))
    links = list(dict.fromkeys(flows["link"]))  # PL1->PL0, ..., PL(d+1)+->PLd
    depth = len(links) - 1
    columns = [f"PL{depth + 1}+", *(f"PL{t}" for t in range(depth, -1, -1))]
    matrices = {
        link: flows[flows["link"] == link]
        .groupby(["supplier", "buyer"])["ape"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(index=order, columns=order, fill_value=0.0)
        for link in links
    }
    nodes = (
        nodes.assign(group=nodes["group"].map(group)).groupby(["layer", "group"])[["embodied_ape", "emitted_ape"]].sum()
    )
    embodied = {c: nodes.loc[c, "embodied_ape"].reindex(order, fill_value=0.0) for c in columns[1:]}
    emitted = {c: nodes.loc[c, "emitted_ape"].reindex(order, fill_value=0.0) for c in columns[1:]}
    deepest = matrices[links[-1]].sum(axis=1)  # all of PL(d+1)+ is emitted there
    embodied[columns[0]], emitted[columns[0]] = deepest, deepest
    by_exporter = by_consumer.groupby(["channel", "exporting_province"], observed=True)["ape"].sum().reset_index()
    consumption = (
        by_exporter.assign(node=by_exporter["exporting_province"].astype(str).map(group))
        .groupby(["channel", "node"], observed=True)["ape"]
        .sum()
        .unstack(fill_value=0.0)
        .reindex(columns=order, fill_value=0.0)
    )
    return {
        "order": order,
        "columns": columns,
        "production": production,
        "embodied": embodied,
        "emitted": emitted,
        "flows": matrices,
        "consumption": consumption,
    }


def figure4(
    flows: pd.DataFrame,
    nodes: pd.DataFrame,
    layers: pd.DataFrame,
    by_consumer: pd.DataFrame,
    classes: dict[str, str],
    merged: Sequence[str],
    notes: Sequence[str],
    names: Names | None = None,
):
    """Fig. 4: export-related emission flows (APE) along the interregional supply chains, from the computed
    mapping-approach flows (Eq. 17). Leftmost bar: provincial production-based emissions; columns PL(d+1)+ ..
    PL0: each node's embodied emissions (its emitted part, the gray flow, at the bottom); ribbons: flows from
    the suppliers at layer t+1 to the buyers at layer t, foreign nodes included (pale yellow: foreign to
    foreign); rightmost bar: consumption-based emissions by exporting node, final products above and
    intermediates for foreign further exports below.

    Long because the flow diagram is drawn column by column (production bar, layers, consumption bar)
    in one coordinate frame.
    """
    names = names or Names()
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
                    _ribbon(
                        ax,
                        x0 + width,
                        x_bar,
                        foreign_offset,
                        foreign_offset + h,
                        bottom,
                        bottom + h,
                        FOREIGN_COLOUR,
                        0.6,
                    )
                    foreign_offset += h
                bottom += h
        bottom += 2 * pad
        ax.text(
            x_bar + width + 0.05,
            bottom - 2 * pad - float(consumption.loc[channel].sum()) * scale / 2,
            f"{'intermediates for foreign further exports' if channel != 'final_products' else 'final products'}"
            f"\n{float(consumption.loc[channel].sum()) / 1e9:.3g} Mt APE",
            va="center",
            fontsize=8,
        )
    ax.text(x_bar + width / 2, -0.04, "Consumption-\nbased", ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.2, x_bar + 1.6)
    ax.set_ylim(-0.12, 1.0 + pad * len(order) + 0.05)
    ax.set_xticks([])
    ax.set_ylabel("share of export-related emissions (APE)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=colour[g]) for g in order] + [
        plt.Rectangle((0, 0), 1, 1, color="#8c8c8c")
    ]
    ax.legend(
        handles,
        [*(names.p(g) for g in order), "emitted at the layer (gray flow)"],
        fontsize=7,
        loc="upper center",
        ncol=min(len(handles), 9),
        bbox_to_anchor=(0.5, -0.02),
        frameon=False,
    )
    ax.set_title(
        f"Export-related emission flows along the supply chains ({total / 1e9:.3g} Mt APE; "
        "pale yellow: embodied in foreign output bought abroad)"
    )
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, data


def figure_s7(
    per_province: pd.DataFrame,
    pairs: pd.DataFrame,
    polygons: dict,
    notes: Sequence[str],
    top: int = 10,
    names: Names | None = None,
):
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
    names = names or Names()
    labels = [
        f"{names.p(a)} \u2192 {names.p(b)}"
        for a, b in zip(head["driving_province"], head["hosting_province"], strict=True)
    ]
    axes[1].barh(range(len(head)), head["net_ape"] / 1e6, color="#b2182b")
    axes[1].set_yticks(range(len(head)), labels, fontsize=8)
    axes[1].invert_yaxis()
    axes[1].set(
        xlabel="net emission transfer (kt APE)",
        title=f"(b) Top {len(head)} interprovincial transfer disparity flows (driver \u2192 host)",
    )
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    return fig, {"disparity_kt": values, "top_flows": head}


def save(fig, stem: str) -> list[str]:
    """PNG (150 dpi) and PDF next to each other; returns the paths. The PDF is vector except the gridded
    fields (rasterised meshes, embedded at 200 dpi: finer than the CTM grid at any print size of the panels)."""
    paths = [f"{stem}.png", f"{stem}.pdf"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1], dpi=200, metadata={"CreationDate": None})  # no timestamp: same inputs, same bytes
    plt.close(fig)
    return paths


COMPONENT_NAMES = {
    "SO4": "sulfate",
    "NIT": "nitrate",
    "NH4": "ammonium",
    "BC": "black carbon",
    "POA": "primary organic aerosol",
    "DST": "other primary PM2.5",
}


def figure_gridded(export_related, scenario: str, polygons: dict, notes: Sequence[str], title: str):
    """Supplementary Fig. 3 (scenario I_EX) and 4 (I_EXEAST): gridded annual-mean export-related PM2.5
    (Base - scenario, µg/m³) and each component, from export_related.nc (``export_related``: xarray Dataset
    with pm25(scenario, component, lat, lon))."""
    from exportpm import maps

    field_ = export_related["pm25"].sel(scenario=scenario)
    components = [str(c) for c in field_["component"].values]
    lon, lat = field_["lon"].values, field_["lat"].values
    panels = [("total", field_.sum("component").values), *((c, field_.sel(component=c).values) for c in components)]
    cols = 4
    rows = -(-len(panels) // cols)
    fig = plt.figure(figsize=(5.2 * cols, 3.7 * rows))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.92, bottom=0.06, wspace=0.12, hspace=0.22)
    drawn = {}
    for k, (name, values) in enumerate(panels):
        ax = fig.add_subplot(rows, cols, k + 1, projection=maps.projection())
        maps.grid_map(fig, ax, lon, lat, values, polygons, "YlOrRd", "µg/m³")
        label = "PM2.5 (sum of components)" if name == "total" else f"{COMPONENT_NAMES.get(name, name)} ({name})"
        ax.set_title(f"({chr(97 + k)}) {label}")
        drawn[name] = values
    if len(panels) < rows * cols:  # the free slot explains the panels instead of staying empty
        note = fig.add_subplot(rows, cols, rows * cols)
        note.axis("off")
        note.text(
            0.0,
            0.9,
            f"Annual mean of the simulated months, Base minus {scenario}\n"
            "(export-related part), on the CTM grid.\n\nColour scales start at 0 and end at the\n"
            "99.5th percentile of each panel (arrow: larger\nvalues exist). Province outlines from the\n"
            "boundaries input; inset: South China Sea.",
            fontsize=9,
            va="top",
            ha="left",
        )
    fig.canvas.draw()
    for ax in list(fig.axes):
        if hasattr(ax, "projection") and ax.get_title():
            maps.inset_axes(fig, ax)
    fig.suptitle(title, fontsize=11)
    footer(fig, notes)
    return fig, drawn


def figure_s5(by_consumer: pd.DataFrame, notes: Sequence[str]):
    """Supplementary Fig. 5: export-related emissions of each species split into capital-driven (foreign gross
    fixed capital formation) and consumption-driven (foreign household and government consumption) demand."""
    kinds = {"gfcf": "capital", "household": "consumption", "government": "consumption"}
    by_demand = by_consumer.groupby(["species", "final_demand"], observed=True)["tonnes"].sum().reset_index()
    table = (
        by_demand.assign(kind=by_demand["final_demand"].astype(str).map(kinds))
        .groupby(["species", "kind"], observed=True)["tonnes"]
        .sum()
        .unstack(fill_value=0.0)
    )
    species = [s for s in map(str, by_consumer["species"].unique()) if s in table.index]
    table = table.reindex(index=species, columns=["consumption", "capital"], fill_value=0.0)
    shares = table.div(table.sum(axis=1), axis=0)
    fig, ax = plt.subplots(figsize=(10.5, 0.55 * len(species) + 2.2))
    shares.index = [species_name(sp) for sp in shares.index]
    _stacked_shares(
        ax,
        shares,
        {"consumption": "#41ab5d", "capital": "#807dba"},
        {
            "consumption": "consumption-driven (household, government)",
            "capital": "capital-driven (gross fixed capital formation)",
        },
        min_label=2.0,
    )
    ax.axvline(50, color="black", lw=0.6, ls=":")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2)
    ax.set_title("Capital- and consumption-driven export-related emissions by species")
    footer(fig, notes)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    return fig, {"shares": shares}
