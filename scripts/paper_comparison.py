"""The paper's quantitative statements beside the pipeline's values (rule paper_comparison)."""

import logging
from pathlib import Path

import pandas as pd

from exportpm.comparison import Products, comparison_markdown, paper_comparison
from exportpm.io import atomic_output, write_csv_atomic
from exportpm.logs import configure_logging
from exportpm.resources import read_table

log = logging.getLogger("paper_comparison")


def main(smk) -> None:
    configure_logging(smk.log[0])
    provinces = read_table(smk.input.provinces, required=["iso3166_2", "name_en"])
    classes = read_table(smk.input.province_classes, required=["iso3166_2", "region_class", "inland"])
    products = Products(
        by_consumer=pd.read_parquet(smk.input.by_consumer),
        by_sector=pd.read_parquet(smk.input.by_sector),
        export_volume=pd.read_parquet(smk.input.export_volume),
        layers=pd.read_parquet(smk.input.layers),
        layer_shares=pd.read_parquet(smk.input.layer_shares),
        top_paths=pd.read_parquet(smk.input.top_paths),
        provincial=pd.read_parquet(smk.input.provincial),
        thresholds=pd.read_parquet(smk.input.thresholds),
        region_shares=pd.read_parquet(smk.input.region_shares),
        by_category=pd.read_parquet(smk.input.by_category),
        codes=dict(zip(provinces["name_en"], provinces["iso3166_2"], strict=True)),
        classes=dict(zip(classes["iso3166_2"], classes["region_class"], strict=True)),
        inland=set(classes.loc[classes["inland"] == "true", "iso3166_2"]),
        east_coast_class=smk.params.east_coast_class,
        method=smk.params.method,
    )
    table = paper_comparison(products)
    header = (
        f"# The paper's numbers beside this run's ({smk.params.provenance})\n\n"
        "Each value is computed by the paper's definition (docs/quantities.md). "
        + (
            "On the SYNTHETIC demo world the values differ from the paper's by construction; the point is that "
            "each is computed."
            if "synthetic" in smk.params.provenance
            else ""
        )
    )
    with atomic_output(smk.output.md) as tmp:
        Path(tmp).write_text(comparison_markdown(table, header), encoding="utf-8")
    write_csv_atomic(
        table,
        smk.output.csv,
        [f"provenance: {smk.params.provenance}", "paper: the paper's value; pipeline: this run's, same definition"],
        float_format="%.6g",
    )
    log.info("%d of %d statements computed", int(table["pipeline"].notna().sum()), len(table))


if __name__ == "__main__":
    main(snakemake)  # noqa: F821  (injected by Snakemake)
