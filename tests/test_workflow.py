"""Workflow tests: Snakemake on the tiny demo world, config validation, lint."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from conftest import REPO

pytestmark = pytest.mark.workflow
WORKFLOW_FILES = ("Snakefile", "workflow", "config", "scripts", "src", "envs", "profiles", "resources")


def workflow_copy(tmp_path: Path) -> Path:
    """A copy of the workflow (not of results/) to run Snakemake in."""
    for name in WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def snakemake(workdir: Path, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def planned_rules(workdir: Path) -> set[str]:
    """Rules a dry run would execute (from its 'Job stats' table)."""
    dry = snakemake(workdir, "--configfile", "config/tiny.yaml", "-n")
    assert dry.returncode == 0, dry.stderr[-3000:]
    return set(re.findall(r"^(\w+)\s+\d+$", dry.stdout + dry.stderr, flags=re.M)) - {"total"}


def test_tiny_world_runs_every_rule(tmp_path):
    workdir = workflow_copy(tmp_path)
    run = snakemake(workdir, "--configfile", "config/tiny.yaml")
    assert run.returncode == 0, run.stderr[-4000:]
    # the run is named (config/tiny.yaml run: name: tiny): products, logs and benchmark records stay under it
    assert [p.name for p in (workdir / "results").iterdir()] == ["tiny"]
    assert [p.name for p in (workdir / "logs").iterdir()] == ["tiny"]
    assert (workdir / "results/tiny/benchmarks/ras.tsv").is_file() and not (workdir / "benchmarks").exists()
    summary = pd.read_csv(workdir / "results/tiny/inputs/inputs_summary.csv", comment="#")
    assert len(summary) == 13
    assert summary["synthetic"].all()
    assert (summary["records"] > 0).all()
    for rule in ("demo_gtap", "demo_provincial", "demo_customs", "demo_geography", "demo_emissions"):
        log = workdir / f"logs/tiny/demo/{rule.removeprefix('demo_')}.log"
        assert log.read_text(encoding="utf-8").strip(), f"{rule} wrote no log"
    assert "identity output_balance" in (workdir / "logs/tiny/inputs_summary.log").read_text(encoding="utf-8")
    report = pd.read_csv(workdir / "results/tiny/mrio/balance_report.csv", comment="#").set_index(["stage", "check"])
    assert report.at[("balanced", "row_sums_vs_x"), "value"] < 1e-8
    assert report.at[("balanced", "column_sums_vs_x"), "value"] < 1e-8
    assert "GRAS converged" in (workdir / "logs/tiny/ras.log").read_text(encoding="utf-8")
    assert not (workdir / "results/tiny/mrio/linked_unbalanced.nc").exists()  # temp() product removed
    assert pd.read_csv(workdir / "results/tiny/inventory/inventory_check.csv", comment="#")["relative_gap"].max() < 1e-9
    for scenario in ("Base", "I_EX", "I_EXEAST", "I_EXDIR", "I_EXREGION_USA", "I_EXREGION_Western_Europe"):
        assert (workdir / f"results/tiny/scenarios/{scenario}/scale_factors.nc").is_file()
        assert len(list((workdir / f"results/tiny/pm25/{scenario}").glob("*.nc"))) == 4
    table = pd.read_parquet(workdir / "results/tiny/exposure/provincial_pm25.parquet")
    national = table[(table.level == "national") & (table.component == "total")].set_index("scenario")
    calibration = json.loads((workdir / "results/tiny/ctm/calibration.json").read_text(encoding="utf-8"))
    assert calibration["objective"] == "stations" and abs(calibration["fit"]["nmb"]) < 1e-5  # no mean bias
    assert national.at["Base", "pw_ugm3"] > national.at["I_EX", "pw_ugm3"] > 0
    first_order = pd.read_parquet(workdir / "results/tiny/ctm/first_order_check.parquet").set_index("scenario")
    assert abs(first_order.at["I_EX", "relative_error"]) < 0.2  # tangent-linear vs the exact zero-out
    due = pd.read_parquet(workdir / "results/tiny/exposure/threshold_population.parquet")
    assert {"due_to_exports", "due_to_east_coast_exports"} <= set(due["case"])
    shares = pd.read_parquet(workdir / "results/tiny/exposure/region_shares.parquet").set_index(["scenario", "region"])
    assert shares.loc[("I_EX", "inland"), "share_of_exposure"] + shares.loc[
        ("I_EX", "coastal"), "share_of_exposure"
    ] == pytest.approx(1.0)
    assert 0 < national.at["I_EX", "share_of_total"] < 1
    assert national.at["I_EXDIR", "pw_ugm3"] <= national.at["I_EX", "pw_ugm3"]
    with xr.open_dataset(workdir / "results/tiny/pm25/Base/01.nc") as ds:
        assert "SCREENING-MODEL OUTPUT" in ds.attrs["comment"] and "synthetic" in ds.attrs["comment"]
    # figures: non-empty PNG images of the expected size, and what is drawn comes from the tables
    import matplotlib.image

    for n in ("1", "2", "3", "4", "S3", "S4", "S5", "S7"):
        png = workdir / f"results/tiny/figures/fig{n}.png"
        assert png.stat().st_size > 10_000 and (workdir / f"results/tiny/figures/fig{n}.pdf").stat().st_size > 5_000
        assert matplotlib.image.imread(png).shape[1] >= 1500
    from exportpm.figures import figure2

    _, drawn = figure2(table, pd.read_parquet(workdir / "results/tiny/footprint/export_volume.parquet"), [])
    regions = table[
        (table.level == "national") & (table.component == "total") & table.scenario.str.startswith("I_EXREGION_")
    ].set_index("scenario")["pw_ugm3"]
    assert drawn["national_contributors"].to_dict() == pytest.approx(regions.to_dict())
    assert list(drawn["national_contributors"].index) == list(regions.sort_values(ascending=False).index)
    summary = (workdir / "results/tiny/summary.md").read_text(encoding="utf-8")
    assert "SYNTHETIC" in summary and "International export accounts for" in summary
    assert "Above 5 µg/m³" in summary and "Above 35 µg/m³" in summary and " million** people" in summary
    assert "(paper_comparison.md)" in summary
    index = (workdir / "results/tiny/README.md").read_text(encoding="utf-8")
    assert "| `mrio/linked_mrio.nc` |" in index and "| `ras` |" in index and "| `pm25/{scenario}/{month}.nc` |" in index
    for name in (
        "S1_export_volumes",
        "S2_foreign_contributors",
        "S3_layers_by_sector",
        "S4_top_paths",
        "S5_path_sectors",
    ):
        assert (workdir / f"results/tiny/tables/{name}.csv").is_file()
        assert (workdir / f"results/tiny/tables/{name}.md").is_file()
        assert "<th>" in (workdir / f"results/tiny/tables/{name}.html").read_text(encoding="utf-8")
    assert (workdir / "results/tiny/figures/figS7.png").stat().st_size > 10_000
    comparison = pd.read_csv(workdir / "results/tiny/paper_comparison.csv", comment="#")
    assert len(comparison) >= 60 and comparison["pipeline"].notna().sum() >= 40
    assert "| D2 |" in (workdir / "results/tiny/paper_comparison.md").read_text(encoding="utf-8")
    balance = pd.read_csv(workdir / "results/tiny/mrio/balance_report.csv", comment="#").set_index(["stage", "check"])
    assert balance.at[("balanced", "export_totals_drift_province_partner"), "value"] < 1e-12  # customs kept
    report = snakemake(workdir, "--configfile", "config/tiny.yaml", "--report", "results/tiny/report.html")
    assert report.returncode == 0, report.stderr[-3000:]
    assert (workdir / "results/tiny/report.html").stat().st_size > 100_000
    # interop: the linked MRIO + emissions in pymrio's storage format and as Parquet; pymrio's own footprint
    # (consumption-based accounts of each foreign region) equals the pipeline's export-related emissions
    interop = snakemake(workdir, "mrio_interop", "--configfile", "config/tiny.yaml")
    assert interop.returncode == 0, interop.stderr[-3000:]
    import pymrio

    core = pymrio.load(workdir / "results/tiny/interop/pymrio")
    assert core.Z.shape[0] == core.Z.shape[1] == len(core.x)
    for folder in ("pymrio", "parquet"):
        io = pymrio.load_all(workdir / f"results/tiny/interop/{folder}")
        io.calc_all()
        by_consumer = pd.read_parquet(workdir / "results/tiny/footprint/export_emissions_by_province_consumer.parquet")
        pipeline = by_consumer.groupby(["species", "consumer_region"], observed=True)["tonnes"].sum().unstack()
        pipeline.columns = pipeline.columns.astype(str)
        pipeline.index = pipeline.index.astype(str)
        footprint = io.emissions.D_cba_reg.loc[pipeline.index, pipeline.columns]
        np.testing.assert_allclose(footprint.to_numpy(), pipeline.to_numpy(), rtol=1e-6)
    # a second run has nothing to do
    again = snakemake(workdir, "--configfile", "config/tiny.yaml", "-n")
    assert "Nothing to be done" in again.stdout + again.stderr
    # Partial reruns after a data update (a content change; Snakemake compares checksums of small files).
    customs = workdir / "results/tiny/demo_world/customs/customs_2017.csv"
    customs.write_text(customs.read_text(encoding="gb18030") + "# revised\n", encoding="gb18030")
    planned = planned_rules(workdir)
    assert {"customs_blocks", "link", "ras", "inventory_hybrid", "export_emissions", "exposure"} <= planned
    assert not planned & {"gtap_parse", "provincial_expand", "demo_customs"}
    snakemake(workdir, "--configfile", "config/tiny.yaml", "--touch")  # accept the change without rerunning
    meic = workdir / "results/tiny/demo_world/meic/2017_07_industry_SO2.asc"  # the tiny world's ESRI ASCII grids
    lines = meic.read_text(encoding="ascii").splitlines()  # a revised MEIC release: new values
    z = np.array([[float(v) for v in line.split()] for line in lines[6:]])
    z = np.where(z > 0, z * 1.01, z)
    meic.write_text("\n".join(lines[:6] + [" ".join(f"{v:.17g}" for v in row) for row in z]) + "\n", encoding="ascii")
    planned = planned_rules(workdir)
    assert "inventory_hybrid" in planned and "scenario_emissions" in planned
    assert not planned & {"gtap_parse", "provincial_expand", "customs_blocks", "link", "ras"}


@pytest.mark.parametrize(
    ("bad", "key"),
    [
        ("demo:\n  size: huge\n  seed: 1\n", "size"),
        ("demo:\n  size: tiny\n  seed: -3\n", "seed"),
        ("ctm:\n  backend: cmaq\n", "backend"),
        ("inputs: demo\nunknown_key: 1\n", "unknown_key"),
    ],
)
def test_malformed_config_is_rejected_before_any_rule(tmp_path, bad, key):
    workdir = workflow_copy(tmp_path)
    (workdir / "bad.yaml").write_text(bad, encoding="utf-8")
    run = snakemake(workdir, "--configfile", "bad.yaml", "-n")
    assert run.returncode != 0
    assert key in run.stdout + run.stderr
    assert not (workdir / "results").exists()


def test_real_inputs_require_paths(tmp_path):
    workdir = workflow_copy(tmp_path)
    (workdir / "real.yaml").write_text("inputs: real\ndata:\n  gtap_basedata: x.har\n", encoding="utf-8")
    run = snakemake(workdir, "--configfile", "real.yaml", "-n")
    assert run.returncode != 0 and "ceads_mrio" in run.stdout + run.stderr


def test_default_config_dag_and_lint():
    dry = snakemake(REPO, "-n", "--quiet", "rules")
    assert dry.returncode == 0, dry.stderr[-3000:]
    lint = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint"], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert lint.returncode == 0
    assert "Lints for rule" not in lint.stdout + lint.stderr, (lint.stdout + lint.stderr)[-3000:]
