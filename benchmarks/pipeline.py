"""The whole DAG in a scratch folder: wall time, the per-rule table from Snakemake's benchmark records, and the
wall time in units of one dense LU factorisation measured in the same run.

Run from the repository:  .venv/bin/python benchmarks/pipeline.py [--configfile config/config.yaml] [--cores 2]
                                                                   [--scratch DIR] [--keep] [--lu-size 12350]
The workflow (Snakefile, workflow/, config/, scripts/, envs/, profiles/, resources/) is copied to the scratch
folder and run there with ``--forceall`` (demo inputs are generated too), so nothing in the checkout is touched.
Per rule: jobs, the longest job's wall time, job-seconds (the sum of its jobs' wall times) and the peak
resident memory of its largest job (``max_rss`` of ``results/<run>/benchmarks/*.tsv``); then when each job ran
(from Snakemake's log: the critical path and idle cores show there). Then the total, the
pipeline's wall time, one ``scipy.linalg.lu_factor`` of an n x n random matrix (n = 12,350, the full demo's
linked MRIO) and their ratio. The load average before and after is printed: the 2-core machine may be shared.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import scipy.linalg

from exportpm.benchmarking import machine_description

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ("Snakefile", "workflow", "config", "scripts", "envs", "profiles", "resources")


def copy_workflow(target: Path) -> None:
    for name in WORKFLOW_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        elif source.exists():
            shutil.copy(source, target / name)


def rule_names(workdir: Path, configfile: list[str]) -> list[str]:
    listed = subprocess.run(
        [sys.executable, "-m", "snakemake", "--configfile", *configfile, "--list-rules"],
        cwd=workdir,
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(
        {line.strip() for line in listed.stdout.splitlines() if re.fullmatch(r"\w+", line.strip())},
        key=len,
        reverse=True,
    )


def benchmark_records(workdir: Path, rules: list[str]) -> dict[str, list[dict[str, float]]]:
    """Rule -> one record per job (s: wall seconds, max_rss: MB) from every benchmark TSV under results/."""
    out: dict[str, list[dict[str, float]]] = {}
    for path in sorted(workdir.glob("results/*/benchmarks/**/*.tsv")):
        stem = path.stem
        rule = next((r for r in rules if stem == r or stem.startswith(r + "_")), stem)
        with open(path, encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        for row in rows[-1:]:
            rss = row.get("max_rss", "NA")
            out.setdefault(rule, []).append({"s": float(row["s"]), "max_rss": float(rss) if rss != "NA" else np.nan})
    return out


def job_timeline(workdir: Path) -> list[tuple[str, float, float]]:
    """(rule, start s, end s) of every job of the run, from Snakemake's own log (one-second resolution), in
    the order the jobs started; times from the first job's start."""
    logs = sorted(workdir.glob(".snakemake/log/*.snakemake.log"), key=lambda path: path.stat().st_size)
    if not logs:
        return []
    stamp, started, ended, rules = None, {}, {}, {}
    for line in logs[-1].read_text(encoding="utf-8").splitlines():  # the run's log (--list-rules writes one too)
        if line.startswith("[") and line.endswith("]"):
            stamp = time.mktime(time.strptime(line[1:-1], "%a %b %d %H:%M:%S %Y"))
        elif (job := re.match(r"(?:local)?[Jj]ob (\d+):", line)) and stamp is not None:
            started.setdefault(job.group(1), stamp)
        elif (done := re.match(r"Finished jobid: (\d+) \(Rule: (\w+)\)", line)) and stamp is not None:
            ended[done.group(1)], rules[done.group(1)] = stamp, done.group(2)
    jobs = [(rules[j], started[j], ended[j]) for j in ended if j in started]
    if not jobs:
        return []
    origin = min(start for _, start, _ in jobs)
    return sorted(((rule, start - origin, end - origin) for rule, start, end in jobs), key=lambda job: job[1:])


def print_timeline(jobs: list[tuple[str, float, float]], wall: float, cores: int) -> None:
    """When each job ran, and how busy the cores were (job-seconds from the log / cores x wall)."""
    if not jobs:
        return
    print(f"\n{'timeline (s from start)':<24}{'start':>7}{'end':>7}")
    for rule, start, end in jobs:
        print(f"{rule:<24}{start:>7.0f}{end:>7.0f}")
    busy = sum(end - start for _, start, end in jobs)
    print(f"cores busy {100 * busy / (cores * wall):.0f} % of {cores} x {wall:.0f} s (job wall times from the log)\n")


def lu_seconds(n: int, seed: int = 0) -> float:
    matrix = np.random.default_rng(seed).standard_normal((n, n))
    start = time.perf_counter()
    scipy.linalg.lu_factor(matrix, overwrite_a=True, check_finite=False)
    return time.perf_counter() - start


def print_table(records: dict[str, list[dict[str, float]]]) -> None:
    print(f"{'rule':<24}{'jobs':>6}{'max wall s':>12}{'job-s':>10}{'peak MB':>10}")
    total_jobs, total_s, peak = 0, 0.0, 0.0
    for rule, jobs in sorted(records.items(), key=lambda kv: -sum(j["s"] for j in kv[1])):
        wall = max(j["s"] for j in jobs)
        seconds = sum(j["s"] for j in jobs)
        rss = float(np.nanmax([j["max_rss"] for j in jobs])) if jobs else np.nan
        total_jobs, total_s, peak = total_jobs + len(jobs), total_s + seconds, max(peak, rss)
        print(f"{rule:<24}{len(jobs):>6}{wall:>12.1f}{seconds:>10.1f}{rss:>10.0f}")
    print(f"{'total':<24}{total_jobs:>6}{'':>12}{total_s:>10.1f}{peak:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--configfile",
        nargs="+",
        default=["config/config.yaml"],
        help="config files in order (later ones override), relative to the repository",
    )
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--scratch", default=None, help="folder to run in (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--lu-size", type=int, default=12350)
    args = parser.parse_args()
    scratch = Path(args.scratch or tempfile.mkdtemp(prefix="exportpm-pipeline-"))
    scratch.mkdir(parents=True, exist_ok=True)
    copy_workflow(scratch)
    print(machine_description())
    print(
        f"scratch {scratch}; config {' '.join(args.configfile)}; cores {args.cores}; load average before "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    start = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", str(args.cores), "--configfile", *args.configfile, "--forceall"],
        cwd=scratch,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    load_after = os.getloadavg()
    print_table(benchmark_records(scratch, rule_names(scratch, args.configfile)))
    print_timeline(job_timeline(scratch), wall, args.cores)
    if run.returncode != 0:
        sys.exit(f"snakemake failed ({run.returncode}); the table holds the jobs that ran:\n{run.stderr[-4000:]}")
    lu = lu_seconds(args.lu_size)
    print(
        f"pipeline wall {wall:.1f} s; one lu_factor of {args.lu_size} x {args.lu_size}: {lu:.2f} s; "
        f"pipeline / LU = {wall / lu:.1f}; load average after {' '.join(f'{x:.2f}' for x in load_after)}"
    )
    if not args.keep and args.scratch is None:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
