"""GEOS-Chem Classic 14.0.1 backend: run directories, configuration edits, restartable segments, outputs.

Everything up to the ``gcclassic`` executable and from its output files on lives here:
* run directories from a user's GEOS-Chem installation (``createRunDir.sh`` answered on stdin, with
  ``GC_DATA_ROOT`` and ``GC_USER_REGISTERED=true``) or copied from a template folder;
* ``geoschem_config.yml`` (dates per segment; ruamel round-trip keeps quotes and comments),
  ``HEMCO_Config.rc`` (MEIC as a regional inventory above CEDS inside a China mask box, each line scaled by the
  scenario's scale-factor file, NO2 -> NO 0.652, SO2 -> SO4 3.1 %, BC 20/80 and OC 50/50 hydrophilic /
  hydrophobic, boundary conditions from the global run), ``HISTORY.rc`` (AerosolMass, SpeciesConc for
  DST1/DST2, StateMet; daily means, so a month split into segments still averages exactly);
* segments: a month is a chain of runs, each starting from the previous one's restart; a segment is done
  only when GC.log has the success marker and the end-date restart exists;
* outputs: daily AerosolMass, SpeciesConc (``SpeciesConc_`` or ``SpeciesConcVV_``) and StateMet (Met_AIRDEN)
  files averaged over the month, buffer cells removed, into the product the surrogate writes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr
from ruamel.yaml import YAML

from exportpm.ctm import COMPONENTS, crop, interior
from exportpm.errors import InputError
from exportpm.grid import LonLatGrid
from exportpm.inventory import MEIC_SECTORS

log = logging.getLogger(__name__)
SUCCESS_MARKER = "E N D   O F   G E O S -- C H E M"
AIR_MOLAR_MASS = 28.9644
DUST_MOLAR_MASS = 29.0   # GEOS-Chem species database, DST1-4
# MEIC species -> GEOS-Chem species with mass factors (paper/design: NO2 mass -> NO, 3.1 % of SO2 as SO4,
# BC 20 % hydrophilic / 80 % hydrophobic, OC 50/50, other primary PM2.5 as fine dust).
MEIC_TO_GEOSCHEM = {
    "NOx": [("NO", 0.652)], "SO2": [("SO2", 0.969), ("SO4", 0.031)], "CO": [("CO", 1.0)], "NH3": [("NH3", 1.0)],
    "BC": [("BCPI", 0.2), ("BCPO", 0.8)], "OC": [("OCPI", 0.5), ("OCPO", 0.5)], "PM25_other": [("DST1", 1.0)],
}
# createRunDir.sh menus, in order: simulation, full-chemistry option, meteorology, horizontal resolution, domain
# (asked only at 0.5 and 0.25 degrees), levels; then path, run-directory name and the git question. Checked
# against GEOS-Chem Classic 14.x's run/GCClassic/createRunDir.sh (MERRA-2 = 1 and GEOS-FP = 2 in every 14.x;
# a later release may renumber a menu, so config ctm.geoschem.createrundir_answers can override these).
DEFAULT_ANSWERS = {
    "nested": ["1", "1", "2", "4", "2", "2"],   # full chemistry, standard, GEOS-FP, 0.25x0.3125, Asia, 47 levels
    "global": ["1", "1", "1", "2", "2"],        # full chemistry, standard, MERRA-2, 2.0x2.5, 47 levels
}


@dataclass
class GeosChemSettings:
    """The parts of config ``ctm.geoschem`` the library needs."""

    executable: str
    data_root: str = ""
    createrundir: str = ""
    templates: dict[str, str] = field(default_factory=dict)   # domain -> template run directory
    answers: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_ANSWERS))
    china_mask: tuple[float, float, float, float] = (73.0, 18.0, 135.0, 54.0)
    hierarchy: int = 60
    omp_threads: int = 1
    omp_stacksize: str = "500m"


def settings_from_config(config: dict) -> GeosChemSettings:
    """GeosChemSettings from config ``ctm.geoschem`` (schema-validated)."""
    return GeosChemSettings(executable=config["executable"], data_root=config["data_root"],
                            createrundir=config["createrundir"], templates=dict(config["templates"]),
                            answers={**DEFAULT_ANSWERS, **config["createrundir_answers"]},
                            china_mask=tuple(config["china_mask"]), omp_threads=config["slurm"]["cpus"],
                            omp_stacksize=config["omp_stacksize"])


# ----------------------------------------------------------------------------------------------------------
# Run directories

def create_run_directory(domain: str, destination: Path, settings: GeosChemSettings) -> Path:
    """A fresh run directory for ``domain`` (nested | global) at ``destination``."""
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    template = settings.templates.get(domain)
    if template:
        shutil.copytree(template, destination, symlinks=True)
        return destination
    if not settings.createrundir:
        raise InputError("config ctm.geoschem", "createrundir", "a createRunDir.sh path or a template per domain")
    destination.parent.mkdir(parents=True, exist_ok=True)
    answers = [*settings.answers[domain], str(destination.parent.resolve()), destination.name, "n"]
    env = {**os.environ, "GC_DATA_ROOT": settings.data_root, "GC_USER_REGISTERED": "true"}
    run = subprocess.run([settings.createrundir], input="\n".join(answers) + "\n", text=True, capture_output=True,
                         cwd=Path(settings.createrundir).parent, env=env, timeout=300)
    if run.returncode != 0 or not (destination / "geoschem_config.yml").exists():
        raise RuntimeError(f"createRunDir.sh failed for {domain} ({run.returncode}): {run.stdout[-2000:]}"
                           f"{run.stderr[-2000:]}")
    return destination


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


def set_dates(run_dir: Path, start: dt.datetime, end: dt.datetime) -> None:
    """Edit geoschem_config.yml: simulation start and end ([YYYYMMDD, hhmmss]), keeping everything else."""
    path = Path(run_dir) / "geoschem_config.yml"
    yaml = _yaml()
    with open(path, encoding="utf-8") as handle:
        config = yaml.load(handle)
    try:
        simulation = config["simulation"]
    except (KeyError, TypeError) as err:
        raise InputError(path, "simulation", "a simulation: section") from err
    for key, when in (("start_date", start), ("end_date", end)):
        value = simulation[key]
        value[0], value[1] = int(when.strftime("%Y%m%d")), int(when.strftime("%H%M%S"))
    with open(path, "w", encoding="utf-8") as handle:
        yaml.dump(config, handle)


def meic_hemco_block(scale_factor_file: str, meic_dir: str, settings: GeosChemSettings, first_id: int = 3000) -> str:
    """HEMCO lines: MEIC base emissions, the scenario's scale factors, the fixed factors and the China mask."""
    lon1, lat1, lon2, lat2 = settings.china_mask
    mask_id, lines, scales = first_id + 999, [], []
    factor_ids = {}
    for s, sector in enumerate(MEIC_SECTORS):
        for species, targets in MEIC_TO_GEOSCHEM.items():
            sf_id = first_id + 10 * s + list(MEIC_TO_GEOSCHEM).index(species)
            scales.append(f"{sf_id} SF_{sector}_{species} {scale_factor_file} SF_{sector}_{species} "
                          "2017/1/1/0 C xy 1 1")
            for gc_species, factor in targets:
                ids = [str(sf_id)]
                if factor != 1.0:
                    key = f"{factor:g}"
                    if key not in factor_ids:
                        factor_ids[key] = first_id + 900 + len(factor_ids)
                    ids.append(str(factor_ids[key]))
                ids.append(str(mask_id))
                name = f"MEIC_{sector.upper()}_{gc_species}"
                lines.append(f"0 {name:<26} {meic_dir}/MEIC_$YYYY$MM_{sector}.nc {species} 2017/1-12/1/0 C xy "
                             f"kg/m2/s {gc_species} {'/'.join(ids)} 1 {settings.hierarchy}")
    factors = [f"{i} MEIC_FACTOR_{key.replace('.', 'p')} {key} - - - xy 1 1" for key, i in factor_ids.items()]
    mask = f"{mask_id} MEIC_CHINA_MASK {lon1}/{lat1}/{lon2}/{lat2} - 2000/1/1/0 C xy 1 1 {lon1}/{lat1}/{lon2}/{lat2}"
    return "\n".join(["(((MEIC_CHINA", *lines, ")))MEIC_CHINA", "", "### exportpm MEIC scale factors",
                      *scales, *factors, "### exportpm MEIC masks", mask, ""])


def edit_hemco_config(run_dir: Path, scale_factor_file: str, meic_dir: str, settings: GeosChemSettings,
                      boundary_conditions: str | None = None) -> None:
    """Add MEIC above CEDS (switch, base emissions, scale factors, mask); point GC_BCs at the global run."""
    path = Path(run_dir) / "HEMCO_Config.rc"
    text = path.read_text(encoding="utf-8")
    if "(((MEIC_CHINA" in text:
        text = re.sub(r"\n?\(\(\(MEIC_CHINA.*?\)\)\)MEIC_CHINA\n", "", text, flags=re.S)
        text = re.sub(r"\n?### exportpm MEIC scale factors.*?### exportpm MEIC masks\n[^\n]*\n", "", text, flags=re.S)
        text = re.sub(r"\n\s*--> MEIC_CHINA[^\n]*", "", text)
    switch = re.search(r"^(\s*)--> CEDS\s*:\s*\w+\s*$", text, flags=re.M)
    if not switch:
        raise InputError(path, "--> CEDS", "the CEDS switch line of the Base extension")
    text = text[:switch.end()] + f"\n{switch.group(1)}--> MEIC_CHINA             :       true" + text[switch.end():]
    block = meic_hemco_block(scale_factor_file, meic_dir, settings)
    base_end = text.find("END SECTION BASE EMISSIONS")
    anchor = text.rfind("\n", 0, base_end) if base_end >= 0 else len(text)
    text = text[:anchor] + "\n" + block.split("### exportpm MEIC scale factors")[0] + text[anchor:]
    scales = "### exportpm MEIC scale factors" + block.split("### exportpm MEIC scale factors")[1]
    sf_end = text.find("END SECTION SCALE FACTORS")
    anchor = text.rfind("\n", 0, sf_end) if sf_end >= 0 else len(text)
    text = text[:anchor] + "\n" + scales + text[anchor:]
    if boundary_conditions:
        text = re.sub(r"(--> GC_BCs\s*:\s*)\w+", r"\1true", text)
        text = re.sub(r"^(\* BC_\s+)\S+", rf"\g<1>{boundary_conditions}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")


HISTORY_COLLECTIONS = {
    "AerosolMass": ["AerMassSO4", "AerMassNIT", "AerMassNH4", "AerMassBC", "AerMassPOA", "PM25"],
    "SpeciesConc": ["SpeciesConc_DST1", "SpeciesConc_DST2"],
    "StateMet": ["Met_AIRDEN"],
}


def edit_history(run_dir: Path, boundary_conditions: bool = False) -> None:
    """HISTORY.rc: the collections the reader needs, as daily means of the surface level.

    GEOS-Chem Classic reads HISTORY.rc line by line and creates a collection when it reaches its ``.fields``
    tag, so every attribute (``.levels`` included, spelled as in the GEOS-Chem History guide) is written
    before ``.fields``: each needed collection's block is replaced whole, or appended if absent.
    """
    path = Path(run_dir) / "HISTORY.rc"
    text = path.read_text(encoding="utf-8")
    wanted = ["Restart", *HISTORY_COLLECTIONS, *(["BoundaryConditions"] if boundary_conditions else [])]
    listing = re.search(r"COLLECTIONS:(.*?)\n\s*::", text, flags=re.S)
    if not listing:
        raise InputError(path, "COLLECTIONS", "a COLLECTIONS: ... :: list")
    new_list = "COLLECTIONS: " + ",\n             ".join(f"'{c}'" for c in wanted) + ",\n::"
    text = text[:listing.start()] + new_list + text[listing.end():]
    for collection, fields in HISTORY_COLLECTIONS.items():
        block = _history_block(collection, fields)
        existing = re.search(rf"^[ \t]*{collection}\.\w+:.*?^[ \t]*::[ \t]*$", text, flags=re.M | re.S)
        if existing:
            text = text[:existing.start()] + block + text[existing.end():]
        else:
            text = text.rstrip("\n") + "\n" + block
    path.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")


def _history_block(collection: str, fields: list[str]) -> str:
    """One collection's definition: daily time-averaged surface level (level 1), fields last, then ``::``."""
    settings = {"template": "'%y4%m2%d2_%h2%n2z.nc4',", "frequency": "00000001 000000",
                "duration": "00000001 000000", "mode": "'time-averaged'", "levels": "1"}
    lines = [f"  {collection}.{key}:".ljust(40) + value for key, value in settings.items()]
    lines.append(f"  {collection}.fields:".ljust(40) + ",\n".join(
        (" " * 40 if i else "") + f"'{name:<30}', 'GIGCchem'" for i, name in enumerate(fields)) + ",")
    return "\n".join(lines) + "\n::"


# ----------------------------------------------------------------------------------------------------------
# Segments

def month_segments(year: int, month: int, segments: int, spinup_days: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """Spin-up (if any) then ``segments`` nearly equal pieces of the month, as (start, end) datetimes."""
    start = dt.datetime(year, month, 1)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1)
    out = []
    if spinup_days:
        out.append((start - dt.timedelta(days=spinup_days), start))
    days = (end - start).days
    edges = [start + dt.timedelta(days=round(i * days / segments)) for i in range(segments + 1)]
    return out + list(itertools.pairwise(edges))


def global_segments(year: int, months: Sequence[int], spinup_months: int,
                    breaks: Sequence[dt.datetime] = ()) -> list[tuple[dt.datetime, dt.datetime]]:
    """Monthly pieces from ``spinup_months`` before the first simulated month to the end of the last one,
    also cut at ``breaks`` (the nested spin-up starts, whose initial conditions are the global restarts)."""
    first = dt.datetime(year, min(months), 1)
    start_month = first.month - spinup_months
    start = dt.datetime(first.year + (start_month - 1) // 12, (start_month - 1) % 12 + 1, 1)
    last = max(months)
    stop = dt.datetime(year + (last == 12), last % 12 + 1, 1)
    edges = {start, stop, *(b for b in breaks if start < b < stop)}
    while start < stop:
        start = dt.datetime(start.year + (start.month == 12), start.month % 12 + 1, 1)
        edges.add(min(start, stop))
    ordered = sorted(edges)
    return list(itertools.pairwise(ordered))


def restart_file(run_dir: Path, when: dt.datetime) -> Path:
    return Path(run_dir) / "Restarts" / f"GEOSChem.Restart.{when:%Y%m%d_%H%M}z.nc4"


def run_segment(run_dir: Path, start: dt.datetime, end: dt.datetime, settings: GeosChemSettings,
                timeout: float | None = None) -> Path:
    """Run gcclassic from ``start`` to ``end`` starting from the start-date restart; return the end restart.

    Raises RuntimeError (the segment counts as failed) unless GC.log has the success marker and the end
    restart exists; a retry then starts again from the same start restart.
    """
    run_dir = Path(run_dir)
    first = restart_file(run_dir, start)
    if not first.exists():
        raise RuntimeError(f"segment {start:%Y%m%d}-{end:%Y%m%d}: no restart file {first}")
    set_dates(run_dir, start, end)
    log_file = run_dir / "GC.log"
    command = f"ulimit -s unlimited; exec {settings.executable}"
    env = {**os.environ, "OMP_NUM_THREADS": str(settings.omp_threads), "OMP_STACKSIZE": settings.omp_stacksize}
    with open(log_file, "w", encoding="utf-8") as handle:
        status = subprocess.run(["bash", "-c", command], cwd=run_dir, stdout=handle, stderr=subprocess.STDOUT,
                                env=env, timeout=timeout).returncode
    done = restart_file(run_dir, end)
    if status != 0 or SUCCESS_MARKER not in log_file.read_text(encoding="utf-8", errors="replace") \
            or not done.exists():
        archive = run_dir / f"GC.{start:%Y%m%d}-{end:%Y%m%d}.failed.log"
        shutil.copy(log_file, archive)
        raise RuntimeError(f"GEOS-Chem segment {start:%Y%m%d}-{end:%Y%m%d} failed (exit {status}); log in {archive}")
    shutil.copy(log_file, run_dir / f"GC.{start:%Y%m%d}-{end:%Y%m%d}.log")
    return done


# ----------------------------------------------------------------------------------------------------------
# Outputs

def _surface(da: xr.DataArray) -> np.ndarray:
    if "lev" in da.dims:
        da = da.isel(lev=0)
    if "time" in da.dims:
        da = da.mean("time")
    return da.values.astype(np.float64)


def read_day(output_dir: Path, day: dt.date) -> dict[str, np.ndarray]:
    """Surface PM2.5 components (ug/m3) of one daily-mean output set, full nested grid."""
    stamp = f"{day:%Y%m%d}_0000z"
    paths = {c: Path(output_dir) / f"GEOSChem.{c}.{stamp}.nc4" for c in ("AerosolMass", "SpeciesConc", "StateMet")}
    for name, path in paths.items():
        if not path.exists():
            raise InputError(path, "<file>", f"the {name} output of {day}")
    with xr.open_dataset(paths["AerosolMass"]) as ds:
        out = {c: _surface(ds[f"AerMass{c}"]) for c in ("SO4", "NIT", "NH4", "BC", "POA")}
    with xr.open_dataset(paths["StateMet"]) as ds:
        airden = _surface(ds["Met_AIRDEN"])       # kg/m3
    with xr.open_dataset(paths["SpeciesConc"]) as ds:
        dust = {}
        for bin_ in ("DST1", "DST2"):
            for prefix in ("SpeciesConcVV_", "SpeciesConc_"):
                if prefix + bin_ in ds:
                    dust[bin_] = _surface(ds[prefix + bin_])  # mol/mol dry air
                    break
            else:
                raise InputError(paths["SpeciesConc"], f"SpeciesConc_{bin_}", "SpeciesConc_ or SpeciesConcVV_ name")
    # GEOS-Chem PM2.5 counts DST1 and 30 % of DST2.
    out["DST"] = (dust["DST1"] + 0.30 * dust["DST2"]) * airden * (DUST_MOLAR_MASS / AIR_MOLAR_MASS) * 1e9
    return out


def read_month(output_dir: Path, year: int, month: int, grid: LonLatGrid, buffer: int
               ) -> tuple[LonLatGrid, dict[str, np.ndarray]]:
    """The month's mean of the daily outputs, buffer cells removed: exactly the surrogate's product."""
    start = dt.date(year, month, 1)
    days = [start + dt.timedelta(days=i) for i in range((dt.date(year + (month == 12), month % 12 + 1, 1)
                                                         - start).days)]
    sums = None
    for day in days:
        fields = read_day(output_dir, day)
        if fields["SO4"].shape != (grid.nlat, grid.nlon):
            raise InputError(output_dir, "lat/lon", f"the nested grid {grid.nlat} x {grid.nlon}",
                             f"{fields['SO4'].shape}")
        sums = fields if sums is None else {k: sums[k] + fields[k] for k in fields}
    return interior(grid, buffer), {k: crop(sums[k] / len(days), buffer) for k in COMPONENTS}


def write_meic_hemco(files: dict[tuple[int, str, str], str], out_dir: Path, year: int,
                     months: Sequence[int] = tuple(range(1, 13))) -> list[Path]:
    """MEIC GMT-style monthly grids (t per cell) -> COARDS files HEMCO reads, one per month and sector:
    ``MEIC_<YYYYMM>_<sector>.nc`` with one variable per species in kg m-2 s-1 (PM25_other = PM2.5 - BC - OC)."""
    import calendar

    from exportpm.io.atomic import atomic_output
    from exportpm.io.meic import read_meic_grid

    written = []
    for month in months:
        seconds = calendar.monthrange(year, month)[1] * 86400.0
        for sector in MEIC_SECTORS:
            fields, grid = {}, None
            for species in ("NOx", "SO2", "CO", "NH3", "BC", "OC", "PM25"):
                grid, values = read_meic_grid(files[(month, sector, species)])
                fields[species] = values * 1000.0 / (grid.cell_area_m2() * seconds)
            fields["PM25_other"] = np.clip(fields.pop("PM25") - fields["BC"] - fields["OC"], 0.0, None)
            ds = xr.Dataset({k: (("time", "lat", "lon"), v[None].astype(np.float32),
                                 {"units": "kg/m2/s", "long_name": f"MEIC {sector} {k}"}) for k, v in fields.items()},
                            coords={"time": ("time", [0.0], {"units": f"hours since {year}-{month:02d}-01 00:00:00",
                                                             "calendar": "standard"}),
                                    "lat": ("lat", grid.lat, {"units": "degrees_north"}),
                                    "lon": ("lon", grid.lon, {"units": "degrees_east"})},
                            attrs={"Conventions": "COARDS", "source": "MEIC converted by exportpm"})
            path = Path(out_dir) / f"MEIC_{year}{month:02d}_{sector}.nc"
            with atomic_output(path) as tmp:
                ds.to_netcdf(tmp, format="NETCDF4")
            written.append(path)
    return written
