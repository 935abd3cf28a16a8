"""Conformance check of the GEOS-Chem backend against a real GEOS-Chem Classic build (``make geoschem-check``).

Builds nothing: it takes an existing build from the environment:
* ``EXPORTPM_GCCLASSIC_SRC``: a GCClassic source tree at a 14.x tag (its ``run/createRunDir.sh`` is used);
* ``EXPORTPM_GCCLASSIC_BIN``: a folder with the built ``gcclassic`` and ``hemco_standalone``.
Steps (each printed):
1. the tiny world's GEOS-Chem run directories (every scenario, nested and global) made by the pipeline's own
   rules (``gc_rundir``, ``gc_meic_hemco``) with the real ``createRunDir.sh``;
2. ``gcclassic --dryrun`` in each run directory for the first day of the first simulated month: it must reach
   the end (the closing dry-run banner; 14.0.1 then exits 2 with 'Unit number is negative' even when all is
   well, so the log is judged, not the exit code), report no error, and list the pipeline's MEIC files, the
   scenario's scale-factor file and the China mask;
3. ``hemco_standalone`` with the pipeline's MEIC block (the lines ``meic_hemco_block`` writes), one run per
   scenario and MEIC sector on the MEIC grid (``hemco_standalone`` exits 0 even after 'EXITED WITH ERROR', so
   its log is read): Base must equal the MEIC file times the species factor inside the mask, each scenario must
   equal Base times the scenario's scale factor (1e-6 relative), and every emission outside the mask is zero.
The China mask is a synthetic 1 x 1 degree file written into the check's own ExtData (GEOS-Chem's mask is
not needed): 1 inside the box except a cut-out corner, so 'outside the mask' covers both kinds of cell.

Usage: python scripts/gc_check.py WORKDIR   (exit 0 if every check passes)
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = ("Snakefile", "workflow", "config", "scripts", "envs", "profiles", "resources")
SRC_ENV, BIN_ENV = "EXPORTPM_GCCLASSIC_SRC", "EXPORTPM_GCCLASSIC_BIN"
MASK_BOX = (73, 18, 135, 54)
MASK_HOLE = (124, 34)  # mask = 0 east of 124E and north of 34N (cells inside the box but outside China)
SPECIES_MW = {
    "NO": 30.01,
    "SO2": 64.04,
    "SO4": 96.06,
    "CO": 28.01,
    "NH3": 17.03,
    "BCPI": 12.01,
    "BCPO": 12.01,
    "OCPI": 12.01,
    "OCPO": 12.01,
    "DST1": 29.0,
}
RTOL = 1e-6


def environment() -> tuple[Path, Path] | str:
    """(source tree, binary folder), or the reason the check cannot run."""
    src, bin_ = os.environ.get(SRC_ENV, ""), os.environ.get(BIN_ENV, "")
    if not src or not bin_:
        return f"{SRC_ENV} and {BIN_ENV} unset: no real GEOS-Chem Classic build to check against (see README)"
    src_path, bin_path = Path(src), Path(bin_)
    missing = [
        str(p)
        for p in (src_path / "run/createRunDir.sh", bin_path / "gcclassic", bin_path / "hemco_standalone")
        if not p.exists()
    ]
    if missing:
        return f"not found: {', '.join(missing)}"
    return src_path, bin_path


def write_mask(path: Path) -> None:
    """A 1 x 1 degree global mask (variable MASK) in the layout of GEOS-Chem's country masks."""
    lon, lat = np.arange(-179.5, 180.0, 1.0), np.arange(-89.5, 90.0, 1.0)
    lon2, lat2 = np.meshgrid(lon, lat)
    lon1, lat1, lon2_, lat2_ = MASK_BOX
    inside = (lon2 > lon1) & (lon2 < lon2_) & (lat2 > lat1) & (lat2 < lat2_)
    inside &= ~((lon2 > MASK_HOLE[0]) & (lat2 > MASK_HOLE[1]))
    path.parent.mkdir(parents=True, exist_ok=True)
    xr.Dataset(
        {"MASK": (("time", "lat", "lon"), inside[None].astype(np.float32), {"units": "1"})},
        coords={
            "time": ("time", [0.0], {"units": "hours since 2000-01-01 00:00:00", "calendar": "standard"}),
            "lat": ("lat", lat, {"units": "degrees_north"}),
            "lon": ("lon", lon, {"units": "degrees_east"}),
        },
        attrs={"title": "exportpm conformance check: synthetic China mask"},
    ).to_netcdf(path)


def mask_on(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The synthetic mask on cell centres ``lon``, ``lat`` (1-degree cells never split by the check's grid)."""
    lon2, lat2 = np.meshgrid(lon, lat)
    lon1, lat1, lon2_, lat2_ = MASK_BOX
    inside = (lon2 > lon1) & (lon2 < lon2_) & (lat2 > lat1) & (lat2 < lat2_)
    return inside & ~((np.floor(lon2) + 0.5 > MASK_HOLE[0]) & (np.floor(lat2) + 0.5 > MASK_HOLE[1]))


def prepare(work: Path, src: Path, bin_: Path) -> Path:
    """A copy of the workflow whose tiny-world GEOS-Chem run directories the real createRunDir.sh made."""
    wf = work / "wf"  # results of an earlier check are kept: Snakemake redoes what changed
    wf.mkdir(parents=True, exist_ok=True)
    for name in WORKFLOW_FILES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, wf / name, dirs_exist_ok=True)
        else:
            shutil.copy(REPO / name, wf / name)
    data_root = work / "ExtData"
    write_mask(data_root / "HEMCO/MASKS/v2018-09/China_mask.generic.1x1.nc")
    restart = work / "GEOSChem.Restart.initial.nc4"
    restart.write_bytes(b"initial conditions (not read by a dry run)")
    config = {
        "run": {"name": "gccheck"},
        "ctm": {
            "backend": "geoschem",
            "months": [1],
            "geoschem": {
                "executable": str(bin_ / "gcclassic"),
                "createrundir": str(src / "run/createRunDir.sh"),
                "data_root": str(data_root),
                "initial_restart": {"global": str(restart)},
                "segments_per_month": 2,
                "nested_spinup_days": 10,
                "global_spinup_months": 1,
                "slurm": {"cpus": 1, "mem_mb": 1000, "runtime_minutes": 10},
            },
        },
    }
    (wf / "gccheck.yaml").write_text(json.dumps(config, indent=1))
    sys.path.insert(0, str(REPO / "src"))
    from exportpm.scenarios import scenario_drivers

    groups = yaml.safe_load((wf / "config/tiny.yaml").read_text())["scenarios"]["region_groups"]
    targets = [
        f"results/gccheck/geoschem/{s}/{d}/rundir.json" for s in scenario_drivers(groups) for d in ("nested", "global")
    ] + ["results/gccheck/geoschem/meic_hemco"]
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "snakemake",
            "--cores",
            "2",
            *targets,
            "--configfile",
            "config/tiny.yaml",
            "gccheck.yaml",
        ],
        cwd=wf,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if run.returncode != 0:
        raise RuntimeError(f"snakemake (tiny world, GEOS-Chem run directories) failed:\n{run.stderr[-4000:]}")
    return wf


def run_directories(wf: Path) -> list[dict]:
    return [json.loads(p.read_text()) | {"info": str(p)} for p in sorted(wf.glob("results/*/geoschem/*/*/rundir.json"))]


@dataclass
class DryRun:
    run_dir: str
    returncode: int
    reached_end: bool
    errors: list[str]
    listed: dict[str, bool] = field(default_factory=dict)
    tail: str = ""

    @property
    def ok(self) -> bool:
        return self.reached_end and not self.errors and all(self.listed.values())


def dry_run(info: dict, gcclassic: Path, wf: Path, day: dt.datetime) -> DryRun:
    """``gcclassic --dryrun`` for one day in a run directory the pipeline made, judged by its log."""
    sys.path.insert(0, str(REPO / "src"))
    from exportpm.ctm.geoschem import set_dates

    run_dir = wf / info["run_dir"] if not Path(info["run_dir"]).is_absolute() else Path(info["run_dir"])
    set_dates(run_dir, day, day + dt.timedelta(days=1))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OMP_STACKSIZE": "500m"}
    with open(run_dir / "dryrun.log", "w", encoding="utf-8") as handle:
        rc = subprocess.run(
            [str(gcclassic), "--dryrun"], cwd=run_dir, stdout=handle, stderr=subprocess.STDOUT, env=env, timeout=1800
        ).returncode
    text = (run_dir / "dryrun.log").read_text(encoding="utf-8", errors="replace")
    lines = text.splitlines()
    banners = [i for i, line in enumerate(lines) if "GEOS-CHEM IS IN DRY-RUN MODE" in line]
    reached = len(banners) >= 2 and any("Grid Resolution" in line for line in lines[banners[-1] :])
    errors = [line for line in lines if re.search(r"HEMCO ERROR|GEOS-Chem ERROR|EXITED WITH ERROR|Bad integer", line)]
    if rc not in (0, 2) or (rc == 2 and "Unit number is negative" not in text):
        errors.append(f"exit status {rc}")
    scenario, year = info["scenario"], day.year
    wanted = {
        f"MEIC_{year}{day.month:02d}_{s}.nc": s
        for s in ("agriculture", "industry", "power", "residential", "transportation")
    }
    listed = {name: bool(re.search(rf"/{re.escape(name)}\b", text)) for name in wanted}
    listed[f"{scenario}/scale_factors.nc"] = f"/{scenario}/scale_factors.nc" in text
    listed["China_mask.generic.1x1.nc"] = "China_mask.generic.1x1.nc" in text
    fortran = [line for line in lines if "Fortran runtime error" in line]
    tail = "\n".join(fortran + (lines[banners[-1] - 1 :] if banners else lines[-15:]))
    return DryRun(str(run_dir), rc, reached, errors, listed, tail)


def history_fields_known(src: Path) -> dict[str, bool]:
    """Each HISTORY.rc field the pipeline asks for (named for this source tree's version), and whether this
    GEOS-Chem registers it (State_Diag / State_Met registry IDs; the dry run does not read HISTORY.rc fields)."""
    sys.path.insert(0, str(REPO / "src"))
    from exportpm.ctm.geoschem import history_collections, source_version

    version = source_version(src)
    headers = src / "src/GEOS-Chem/Headers"
    diag = (headers / "state_diag_mod.F90").read_text(errors="replace")
    met = (headers / "state_met_mod.F90").read_text(errors="replace")
    known = {}
    for fields in history_collections(version).values():
        for name in fields:
            if name.startswith("Met_"):
                known[name] = bool(re.search(rf"metId\s*=\s*'{name[4:]}'", met, flags=re.I))
            elif name.startswith("SpeciesConc"):
                prefix = name.split("_")[0]
                known[name] = bool(re.search(rf"diagId\s*=\s*'{prefix}'", diag, flags=re.I))
            else:
                known[name] = bool(re.search(rf"diagId\s*=\s*'{name}'", diag, flags=re.I))
    return known


# ------------------------------------------------------------------------------------------------------------
# HEMCO standalone


def _grid_file(path: Path, lon: np.ndarray, lat: np.ndarray) -> None:
    dlon, dlat = float(lon[1] - lon[0]), float(lat[1] - lat[0])
    path.write_text(
        f"XMIN: {lon[0] - dlon / 2}\nXMAX: {lon[-1] + dlon / 2}\nYMIN: {lat[0] - dlat / 2}\n"
        f"YMAX: {lat[-1] + dlat / 2}\nNX: {lon.size}\nNY: {lat.size}\nNZ: 1\n"
    )


def hemco_config(blocks: dict[str, str], data_root: Path) -> str:
    """A HEMCO standalone configuration holding only the pipeline's MEIC block (written by exportpm)."""
    return "\n".join(
        [
            "# exportpm conformance check: HEMCO standalone with the pipeline's MEIC block only",
            "###############################################################################",
            "### BEGIN SECTION SETTINGS",
            "###############################################################################",
            f"ROOT:                {data_root}/HEMCO",
            "GridFile:            HEMCO_sa_Grid.rc",
            "SpecFile:            HEMCO_sa_Spec.rc",
            "TimeFile:            HEMCO_sa_Time.rc",
            "DiagnFile:           HEMCO_Diagn.rc",
            "Logfile:             HEMCO.log",
            "DiagnPrefix:         OutputDir/HEMCO_sa_diagnostics",
            "DiagnFreq:           End",
            "Unit tolerance:      1",
            "Negative values:     0",
            "Verbose:             0",
            "Warnings:            1",
            "### END SECTION SETTINGS ###",
            "",
            "###############################################################################",
            "### BEGIN SECTION EXTENSION SWITCHES",
            "###############################################################################",
            "0       Base                   : on    *",
            "    --> MEIC_CHINA             :       true",
            "### END SECTION EXTENSION SWITCHES ###",
            "",
            "### BEGIN SECTION BASE EMISSIONS ###",
            blocks["base"],
            "### END SECTION BASE EMISSIONS ###",
            "",
            "### BEGIN SECTION SCALE FACTORS ###",
            blocks["scale"],
            "### END SECTION SCALE FACTORS ###",
            "",
            "### BEGIN SECTION MASKS ###",
            blocks["mask"],
            "### END SECTION MASKS ###",
            "",
            "### END OF HEMCO INPUT FILE ###",
            "",
        ]
    )


def hemco_run(
    folder: Path,
    hemco: Path,
    blocks: dict[str, str],
    data_root: Path,
    lon: np.ndarray,
    lat: np.ndarray,
    when: dt.datetime,
) -> dict[str, np.ndarray]:
    """Emissions (kg/m2/s) per GEOS-Chem species from one hemco_standalone run; RuntimeError on any error."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "OutputDir").mkdir(parents=True)
    (folder / "HEMCO_sa_Config.rc").write_text(hemco_config(blocks, data_root))
    _grid_file(folder / "HEMCO_sa_Grid.rc", lon, lat)
    (folder / "HEMCO_sa_Spec.rc").write_text(
        "".join(f"{i + 1} {name} {mw} 0.0 0.0 0.0\n" for i, (name, mw) in enumerate(SPECIES_MW.items()))
    )
    end = when + dt.timedelta(hours=1)
    (folder / "HEMCO_sa_Time.rc").write_text(
        f"START:   {when:%Y-%m-%d %H:%M:%S}\nEND:     {end:%Y-%m-%d %H:%M:%S}\nTS_EMIS: 3600\n"
    )
    (folder / "HEMCO_Diagn.rc").write_text(
        "".join(f"Emis{name}_MEIC {name} 0 -1 -1 2 kg/m2/s {name}_MEIC\n" for name in SPECIES_MW)
    )
    run = subprocess.run(
        [str(hemco), "-c", "HEMCO_sa_Config.rc"], cwd=folder, capture_output=True, text=True, timeout=1800
    )
    log_text = (folder / "HEMCO.log").read_text(errors="replace") if (folder / "HEMCO.log").exists() else ""
    everything = log_text + run.stdout + run.stderr
    if run.returncode != 0 or "EXITED WITH ERROR" in everything or "HEMCO ERROR" in everything:
        raise RuntimeError(f"hemco_standalone failed in {folder} (exit {run.returncode}):\n{everything[-3000:]}")
    outputs = sorted((folder / "OutputDir").glob("HEMCO_sa_diagnostics*.nc"))
    if not outputs:
        raise RuntimeError(f"hemco_standalone wrote no diagnostics in {folder}:\n{everything[-2000:]}")
    with xr.open_dataset(outputs[-1]) as ds:
        return {
            name: ds[f"Emis{name}_MEIC"].values.reshape(lat.size, lon.size).astype(np.float64)
            for name in SPECIES_MW
            if f"Emis{name}_MEIC" in ds
        }


@dataclass
class HemcoFigures:
    scenario: str
    cells_compared: int
    max_rel_error: float  # scenario vs Base x scale factor, inside the mask
    base_rel_error: float  # Base vs MEIC file x species factor, inside the mask
    max_outside: float  # largest |emission| HEMCO puts outside the mask (kg/m2/s)
    outside_input: float  # smallest MEIC input value outside the mask (> 0: the test can fail)

    @property
    def ok(self) -> bool:
        return (
            self.cells_compared > 0
            and self.max_rel_error <= RTOL
            and self.base_rel_error <= RTOL
            and self.max_outside == 0.0
            and self.outside_input > 0
        )


def _rel(actual: np.ndarray, expected: np.ndarray, where: np.ndarray) -> float:
    scale = np.abs(expected[where]).max() if where.any() else 1.0
    return float(np.abs(actual[where] - expected[where]).max() / scale) if where.any() else 0.0


def outside_filled(meic_dir: Path, target: Path, prefix: str, inside: np.ndarray) -> Path:
    """Copies of the pipeline's MEIC files with every cell outside the mask set to the field's maximum (or
    1e-10 kg/m2/s for a field that is zero everywhere), so that
    'nothing outside the mask' is tested against emissions that are there (the tiny world's MEIC is zero
    outside China)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(meic_dir.glob(f"{prefix}*.nc")):
        with xr.open_dataset(path) as ds:
            ds = ds.load()
        for name in ds.data_vars:
            values = ds[name].values
            values[..., ~inside] = values.max() if values.max() > 0 else 1e-10  # some species are all zero
            ds[name].values = values
        ds.to_netcdf(target / path.name)
    return target


def hemco_check(wf: Path, hemco: Path, work: Path, day: dt.datetime) -> list[HemcoFigures]:
    """Per scenario and MEIC sector: HEMCO's emissions against Base x scale factors and the MEIC files."""
    sys.path.insert(0, str(REPO / "src"))
    from exportpm.conventions import MEIC_SECTORS
    from exportpm.ctm.geoschem import MEIC_TO_GEOSCHEM, GeosChemSettings, meic_hemco_block

    meic_dir = next(wf.glob("results/*/geoschem/meic_hemco"))
    scenarios = sorted({p.parent.name for p in wf.glob("results/*/scenarios/*/scale_factors.nc")})
    first = xr.open_dataset(meic_dir / f"MEIC_{day:%Y%m}_{MEIC_SECTORS[0]}.nc")
    lon, lat = first["lon"].values, first["lat"].values
    first.close()
    inside = mask_on(lon, lat)
    meic_dir = outside_filled(meic_dir, work / "meic_check", f"MEIC_{day:%Y%m}_", inside)
    settings = GeosChemSettings(executable="unused")
    data_root = work / "ExtData"
    results, base = [], {}
    for scenario in ["Base", *[s for s in scenarios if s != "Base"]]:
        sf_path = next(wf.glob(f"results/*/scenarios/{scenario}/scale_factors.nc"))
        blocks = meic_hemco_block(str(sf_path.resolve()), str(meic_dir.resolve()), settings)
        errors, base_errors, outside, cells, outside_input = [0.0], [0.0], 0.0, 0, np.inf
        for sector in MEIC_SECTORS:
            kept = [
                line
                for line in blocks["base"].splitlines()
                if not line.startswith("0 MEIC_") or line.startswith(f"0 MEIC_{sector.upper()}_")
            ]
            got = hemco_run(
                work / "hemco" / scenario / sector, hemco, {**blocks, "base": "\n".join(kept)}, data_root, lon, lat, day
            )
            with xr.open_dataset(sf_path) as sf, xr.open_dataset(meic_dir / f"MEIC_{day:%Y%m}_{sector}.nc") as meic:
                for species, targets in MEIC_TO_GEOSCHEM.items():
                    factor_field = sf[f"SF_{sector}_{species}"].values.reshape(lat.size, lon.size).astype(np.float64)
                    source = meic[species].values.reshape(lat.size, lon.size).astype(np.float64)
                    outside_input = min(outside_input, float(source[~inside].min()))
                    for gc_species, factor in targets:
                        value = got[gc_species]
                        outside = max(outside, float(np.abs(value[~inside]).max()) if (~inside).any() else 0.0)
                        where = inside & (source > 0)
                        if scenario == "Base":
                            base[(sector, gc_species)] = value
                            base_errors.append(_rel(value, source * factor, where))
                        else:
                            expected = base[(sector, gc_species)] * factor_field
                            errors.append(_rel(value, expected, where & (expected > 0)))
                        cells = max(cells, int(where.sum()))
        results.append(HemcoFigures(scenario, cells, max(errors), max(base_errors), outside, outside_input))
    return results


def main(argv: list[str]) -> int:
    found = environment()
    if isinstance(found, str):
        print(f"geoschem-check: skipped: {found}")
        return 0 if "unset" in found else 1
    src, bin_ = found
    work = Path(argv[1] if len(argv) > 1 else "gccheck").resolve()
    work.mkdir(parents=True, exist_ok=True)
    print(f"geoschem-check: GCClassic source {src}, binaries {bin_}, work folder {work}")
    wf = prepare(work, src, bin_)
    infos = run_directories(wf)
    print(f"1. run directories made by the pipeline with the real createRunDir.sh: {len(infos)}")
    day = dt.datetime(2017, 1, 1)
    failed = False
    for info in infos:
        result = dry_run(info, bin_ / "gcclassic", wf, day)
        failed |= not result.ok
        version = info.get("geoschem_version")
        print(
            f"\n2. gcclassic --dryrun, {info['scenario']} {info['domain']} (GEOS-Chem {version}):"
            f" exit {result.returncode}, reached end {result.reached_end}, errors {result.errors or 'none'}"
        )
        print("   listed: " + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in result.listed.items()))
        print("   tail:\n" + "\n".join("   | " + line for line in result.tail.splitlines()))
    known = history_fields_known(src)
    failed |= not all(known.values())
    print(
        "\n2b. HISTORY.rc fields the pipeline requests, registered by this GEOS-Chem source: "
        + ", ".join(f"{k} {'yes' if v else 'NO'}" for k, v in known.items())
    )
    print("\n3. hemco_standalone with the pipeline's MEIC block (per scenario, 5 sectors x 10 species)")
    for figures in hemco_check(wf, bin_ / "hemco_standalone", work, day):
        failed |= not figures.ok
        if figures.scenario == "Base":
            compared = f"max rel |Base - MEIC x factor| {figures.base_rel_error:.2e}"
        else:
            compared = f"max rel |scenario - Base x SF| {figures.max_rel_error:.2e}"
        print(
            f"   {figures.scenario:<26} cells {figures.cells_compared:>4}  {compared}  max |outside mask| "
            f"{figures.max_outside:.1e} (MEIC input there >= {figures.outside_input:.1e})  "
            f"{'ok' if figures.ok else 'FAILED'}"
        )
    print(f"\ngeoschem-check: {'FAILED' if failed else 'passed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
