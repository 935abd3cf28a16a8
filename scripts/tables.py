"""Supplementary tables S1-S5 (CSV, Markdown, HTML for the report) and results/<run>/summary.md (rule tables)."""

import pandas as pd

from exportpm.io import write_csv_atomic
from exportpm.io.atomic import atomic_output
from exportpm.logs import configure_logging
from exportpm.resources import read_table
from exportpm.tables import (
    evaluation_and_intervals,
    headline_numbers,
    s1_export_volumes,
    s2_foreign_contributors,
    s3_layers_by_sector,
    s4_top_paths,
    s5_path_demand_sectors,
    summary_markdown,
    to_html,
    to_markdown,
)


def write(frame: pd.DataFrame, csv_path: str, html_path: str, title: str, note: str) -> None:
    write_csv_atomic(frame, csv_path, [title, note])
    with atomic_output(csv_path.removesuffix(".csv") + ".md") as tmp:
        tmp.write_text(to_markdown(frame, title) + f"\n_{note}_\n", encoding="utf-8")
    with atomic_output(html_path) as tmp:
        tmp.write_text(to_html(frame, title, note), encoding="utf-8")


def main(smk) -> None:
    configure_logging(smk.log[0])
    note = smk.params.provenance
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class", "inland"])
    class_of = dict(zip(classes["iso3166_2"], classes["region_class"], strict=True))
    inland = dict(zip(classes["iso3166_2"], classes["inland"] == "true", strict=True))
    names = read_table(smk.input.province_names, required=["iso3166_2", "name_en"])
    provinces = dict(zip(names["iso3166_2"], names["name_en"], strict=True))
    names = read_table(smk.input.sector_names, required=["code", "name"])
    sectors = dict(zip(names["code"], names["name"], strict=True))
    exposure = pd.read_parquet(smk.input.exposure)
    out = smk.output
    s1 = s1_export_volumes(pd.read_parquet(smk.input.export_volume), class_of, inland, provinces)
    write(s1, out.s1, out.s1_html, "Table S1. Provincial export volumes by channel", note)
    write(
        s2_foreign_contributors(exposure, provinces=provinces),
        out.s2,
        out.s2_html,
        "Table S2. Major foreign contributors to provincial export-related PM2.5",
        note,
    )
    write(
        s3_layers_by_sector(pd.read_parquet(smk.input.layers), sectors),
        out.s3,
        out.s3_html,
        "Table S3. Export-related emissions by production layer and sector",
        note,
    )
    paths = pd.read_parquet(smk.input.top_paths)
    write(
        s4_top_paths(paths, provinces, sectors),
        out.s4,
        out.s4_html,
        "Table S4. Top interprovincial supply-chain paths of export-related emissions",
        note,
    )
    write(
        s5_path_demand_sectors(paths, sectors),
        out.s5,
        out.s5_html,
        "Table S5. Final-demand and emitting sectors of the top paths",
        note,
    )
    by_consumer = pd.read_parquet(smk.input.by_consumer, columns=["emitting_province", "ape"])
    numbers = headline_numbers(exposure, pd.read_parquet(smk.input.thresholds), s1, by_consumer, inland)
    text = summary_markdown(numbers, note) + evaluation_and_intervals(
        pd.read_parquet(smk.input.evaluation), pd.read_parquet(smk.input.monte_carlo)
    )
    with atomic_output(out.summary) as tmp:
        tmp.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
