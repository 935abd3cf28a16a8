"""GEOS-Chem Classic 14.0.x-14.5.x backend: run directories, configuration edits, restartable segments, outputs.

Checked against a real GEOS-Chem Classic 14.0.1 (GEOS-Chem 14.0.1, HEMCO 3.5.0) built from source
(``make geoschem-check``); everything up to the ``gcclassic`` executable and from its output files on lives here:
* run directories from a user's GEOS-Chem installation (``createRunDir.sh`` answered on stdin, with
  ``GC_DATA_ROOT``, ``GC_USER_REGISTERED=true`` and a private HOME, since the script sources
  ``~/.geoschem/config`` after reading the environment) or copied from a template folder; the written
  ``root_data_dir`` is checked against the configured data root;
* ``geoschem_config.yml``: the fullchem file is not strict YAML (GEOS-Chem's own reader accepts keys indented
  inconsistently under ``extra_diagnostics: legacy_bpch:``), so the keys the pipeline sets (simulation dates)
  are edited line by line and nothing else is touched;
* ``HEMCO_Config.rc``: MEIC as a regional inventory above CEDS (switch ``--> MEIC_CHINA`` after the
  ``--> CEDSv2`` switch), inside the China mask in ``BEGIN SECTION MASKS`` (integer box edges, as HEMCO 3.5
  reads them), each line scaled by the scenario's scale-factor file; the template's own conventions: NO2 mass
  -> NO x 0.652 (its ``NO2toNO``), SO2 unscaled plus SO4 = 3.1 % of SO2 (its ``SO2toSO4``), BC 20/80 and OC
  50/50 hydrophilic / hydrophobic (its ``BC2BCPI``... factors); MEIC's other primary PM2.5 as DST1 at a higher
  hierarchy than AFCID, so inside the mask MEIC replaces AFCID's dust (whose China part is itself MEIC-based);
  boundary conditions from the global run;
* ``HISTORY.rc``: the collections the reader needs (AerosolMass, SpeciesConc, StateMet) as daily surface means,
  ``Restart`` at ``'End'`` so every segment writes its end restart, every other collection the template enables
  (``Metrics``...) kept unless its frequency is longer than the shortest segment (then it is disabled, with a
  warning, since GEOS-Chem would stop);
* segments: a month is a chain of runs, each starting from the previous one's restart; a segment is done
  only when GC.log has the success marker and the end-date restart exists; ``gcclassic`` runs as an argument
  list (no shell), with an unlimited stack set through resource limits;
* outputs: the PM2.5 components as GEOS-Chem's own ``PM25`` diagnostic counts them (aerosol_mod.F90 of 14.0.1:
  1.1 x SO4/NIT/NH4, BC, OCPO + ORG_GROWTH x OCPI as OM, DST1 + 0.3 DST2, all at standard conditions
  1013.25 hPa / 298 K), daily means averaged over the month, buffer cells removed.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
import resource
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import xarray as xr

from exportpm.ctm import COMPONENTS, crop, interior
from exportpm.errors import ConfigError, InputError
from exportpm.grid import LonLatGrid
from exportpm.inventory import MEIC_SECTORS

log = logging.getLogger(__name__)
SUCCESS_MARKER = "E N D   O F   G E O S -- C H E M"
AIR_MOLAR_MASS = 28.9644
DUST_MOLAR_MASS = 29.0  # GEOS-Chem species database, DST1-4
SIA_GROWTH = 1.1  # aerosol_mod.F90 (14.0.1): SIA growth forced to 1.1 (partially crystalline)
DST2_IN_PM25 = 0.30  # aerosol_mod.F90: 30 % of DST2 counts as PM2.5
STP_HPA, STP_K = 1013.25, 298.0
# MEIC species -> GEOS-Chem species with mass factors, as the 14.0.1 fullchem HEMCO_Config.rc treats CEDS:
# NO2 mass -> NO (NO2toNO 6.521739e-1), SO2 unscaled and SO4 = 3.1 % of SO2 added (SO2toSO4 0.031), BC 20/80
# and OC 50/50 hydrophilic / hydrophobic; other primary PM2.5 as fine dust (AFCID's species, DST1).
MEIC_TO_GEOSCHEM = {
    "NOx": [("NO", 0.6521739)],
    "SO2": [("SO2", 1.0), ("SO4", 0.031)],
    "CO": [("CO", 1.0)],
    "NH3": [("NH3", 1.0)],
    "BC": [("BCPI", 0.2), ("BCPO", 0.8)],
    "OC": [("OCPI", 0.5), ("OCPO", 0.5)],
    "PM25_other": [("DST1", 1.0)],
}
# createRunDir.sh menus, in order: simulation, full-chemistry option, meteorology, horizontal resolution, domain
# (asked only at 0.5 and 0.25 degrees), levels; then path, run-directory name and the git question. Checked
# against GEOS-Chem Classic 14.0.1's run/GCClassic/createRunDir.sh (MERRA-2 = 1 and GEOS-FP = 2 in every 14.x;
# a later release may renumber a menu, so config ctm.geoschem.createrundir_answers can override these).
DEFAULT_ANSWERS = {
    "nested": ["1", "1", "2", "4", "2", "2"],  # full chemistry, standard, GEOS-FP, 0.25x0.3125, Asia, 47 levels
    "global": ["1", "1", "1", "2", "2"],  # full chemistry, standard, MERRA-2, 2.0x2.5, 47 levels
}
NESTED_DOMAIN = (70.0, 15.0, 140.0, 55.0)  # createRunDir.sh 0.25x0.3125 Asia: lon 70-140, lat 15-55
SUPPORTED = "GEOS-Chem Classic 14.0.x to 14.5.x"


@dataclass(frozen=True)
class GCVersion:
    """A GEOS-Chem Classic release and the file conventions that differ between 14.0 and 14.5."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        """The version as ``major.minor.patch``."""
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def species_prefix(self) -> str:
        """SpeciesConc field prefix: ``SpeciesConc_`` in 14.0.x, ``SpeciesConcVV_`` from 14.1.0 on."""
        return "SpeciesConc_" if self.minor == 0 else "SpeciesConcVV_"


def parse_version(text: str, source: str | Path) -> GCVersion:
    """GCVersion from a version string; a release outside 14.0-14.5 is refused (InputError naming ``source``)."""
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", str(text))
    if not match:
        raise InputError(source, "version", f"a version number x.y.z of {SUPPORTED}", repr(text))
    version = GCVersion(*(int(g) for g in match.groups()))
    if version.major != 14 or version.minor > 5:
        raise InputError(source, "version", f"{SUPPORTED} (file conventions differ in other releases)", str(version))
    return version


def source_version(tree: Path) -> GCVersion:
    """The version of a GCClassic source tree, from its top-level CMakeLists.txt."""
    cmake = Path(tree) / "CMakeLists.txt"
    try:
        text = cmake.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise InputError(
            cmake, "CodeDir", "the GCClassic source tree linked as CodeDir, or config ctm.geoschem.version"
        ) from err
    match = re.search(r"project\s*\(\s*(?:geos-chem-classic|GCClassic)\b[^)]*?VERSION\s+(\S+)", text, flags=re.S | re.I)
    if not match:
        raise InputError(cmake, "project(... VERSION ...)", "the GCClassic version")
    return parse_version(match.group(1), cmake)


def detect_version(run_dir: Path, configured: str = "") -> GCVersion:
    """The GEOS-Chem version of a run directory: config ``ctm.geoschem.version`` if set, else the version of
    the source tree createRunDir.sh links as ``CodeDir``."""
    if configured:
        return parse_version(configured, "config ctm.geoschem.version")
    return source_version(Path(run_dir) / "CodeDir")


@dataclass
class GeosChemSettings:
    """The parts of config ``ctm.geoschem`` the library needs."""

    executable: str
    data_root: str = ""
    createrundir: str = ""
    templates: dict[str, str] = field(default_factory=dict)  # domain -> template run directory
    answers: dict[str, list[str]] = field(default_factory=lambda: dict(DEFAULT_ANSWERS))
    china_mask: tuple[float, float, float, float] = (73, 18, 135, 54)
    china_mask_file: str = "$ROOT/MASKS/v2018-09/China_mask.generic.1x1.nc"
    china_mask_var: str = "MASK"
    hierarchy: int = 60
    omp_threads: int = 1
    omp_stacksize: str = "500m"
    version: str = ""


def settings_from_config(config: dict) -> GeosChemSettings:
    """GeosChemSettings from config ``ctm.geoschem`` (schema-validated)."""
    return GeosChemSettings(
        executable=config["executable"],
        data_root=config["data_root"],
        createrundir=config["createrundir"],
        templates=dict(config["templates"]),
        answers={**DEFAULT_ANSWERS, **config["createrundir_answers"]},
        china_mask=tuple(config["china_mask"]),
        china_mask_file=config.get("china_mask_file", GeosChemSettings.china_mask_file),
        china_mask_var=config.get("china_mask_var", GeosChemSettings.china_mask_var),
        omp_threads=config["slurm"]["cpus"],
        omp_stacksize=config["omp_stacksize"],
        version=str(config.get("version", "")),
    )


def executable_path(executable: str) -> Path:
    """The gcclassic executable as a validated path: an existing, executable regular file (no shell words)."""
    path = Path(executable).expanduser()
    if not path.is_file() or not os.access(path, os.X_OK):
        raise ConfigError(
            f"ctm.geoschem.executable: expected the path of an executable file (gcclassic), found {executable!r}"
        )
    return path.resolve()


def mask_box(settings: GeosChemSettings) -> tuple[int, int, int, int]:
    """China mask edges lon1, lat1, lon2, lat2 as the integers HEMCO 3.5 reads, inside the nested domain."""
    values = tuple(settings.china_mask)
    if len(values) != 4 or any(float(v) != int(float(v)) for v in values):
        raise ConfigError(
            f"ctm.geoschem.china_mask: expected 4 whole degrees lon1, lat1, lon2, lat2 (HEMCO 3.5 "
            f"reads mask edges as integers), found {list(values)}"
        )
    lon1, lat1, lon2, lat2 = (int(float(v)) for v in values)
    d_lon1, d_lat1, d_lon2, d_lat2 = NESTED_DOMAIN
    if not (d_lon1 <= lon1 < lon2 <= d_lon2 and d_lat1 <= lat1 < lat2 <= d_lat2):
        raise ConfigError(
            f"ctm.geoschem.china_mask: expected a box inside the nested domain {NESTED_DOMAIN}, found {list(values)}"
        )
    return lon1, lat1, lon2, lat2


# Config checks (GEOS-Chem keys only; the general validation is exportpm.config's)

PLACEHOLDER = re.compile(r"^/path/to(/|$)|^your_|^<.*>$")


def check_config(gc: dict, region_groups: Sequence[str]) -> list[str]:
    """Every problem of config ``ctm.geoschem`` that would only surface on the cluster, as messages naming the
    key: placeholders (``/path/to/...``) and paths that must exist, the China mask, the simulated groups."""
    problems = []

    def must_exist(key: str, value: str, kind: str = "file") -> None:
        if not value:
            problems.append(f"ctm.geoschem.{key}: a {kind} path is needed")
        elif PLACEHOLDER.search(value):
            problems.append(f"ctm.geoschem.{key}: {value!r} is a placeholder; set the real {kind}")
        elif not (Path(value).is_dir() if kind == "folder" else Path(value).is_file()):
            problems.append(f"ctm.geoschem.{key}: {kind} {value!r} does not exist")

    must_exist("executable", gc["executable"])
    if gc["executable"] and Path(gc["executable"]).is_file() and not os.access(gc["executable"], os.X_OK):
        problems.append(f"ctm.geoschem.executable: {gc['executable']!r} is not executable")
    templates = gc.get("templates", {})
    for domain in ("nested", "global"):
        if templates.get(domain):
            must_exist(f"templates.{domain}", templates[domain], "folder")
    if not all(templates.get(d) for d in ("nested", "global")):
        must_exist("createrundir", gc["createrundir"])
        must_exist("data_root", gc["data_root"], "folder")
    must_exist("initial_restart.global", gc.get("initial_restart", {}).get("global", ""))
    if gc.get("initial_restart", {}).get("nested"):
        must_exist("initial_restart.nested", gc["initial_restart"]["nested"])
    if gc.get("slurm", {}).get("partition", "") in ("", "your_partition"):
        problems.append("ctm.geoschem.slurm.partition: set your cluster's partition")
    try:
        mask_box(GeosChemSettings(executable="", china_mask=tuple(gc["china_mask"])))
    except ConfigError as err:
        problems.append(str(err))
    unknown = [g for g in gc.get("simulate_groups", []) if g not in region_groups]
    if unknown:
        problems.append(f"ctm.geoschem.simulate_groups: {unknown} not in scenarios.region_groups")
    return problems


def validate_config(gc: dict, region_groups: Sequence[str]) -> None:
    """Raise one ConfigError listing every problem check_config finds (before any rule runs)."""
    problems = check_config(gc, region_groups)
    if problems:
        raise ConfigError("GEOS-Chem configuration (config/geoschem.yaml):\n  " + "\n  ".join(problems))


# ----------------------------------------------------------------------------------------------------------
# Run directories


def create_run_directory(domain: str, destination: Path, settings: GeosChemSettings) -> Path:
    """A fresh run directory for ``domain`` (nested | global) at ``destination``.

    createRunDir.sh runs with a private, empty HOME: the real script sources ``~/.geoschem/config`` after the
    environment, so a user's own file would silently replace GC_DATA_ROOT. The written ``root_data_dir`` is
    then checked against the configured data root.
    """
    destination = Path(destination)
    if destination.exists():
        shutil.rmtree(destination)
    template = settings.templates.get(domain)
    if template:
        shutil.copytree(template, destination, symlinks=True)
        return destination
    if not settings.createrundir:
        raise InputError("config ctm.geoschem", "createrundir", "a createRunDir.sh path or a template per domain")
    script = Path(settings.createrundir)
    if not script.is_file():
        raise ConfigError(f"ctm.geoschem.createrundir: expected GCClassic's run/createRunDir.sh, found {script}")
    destination.parent.mkdir(parents=True, exist_ok=True)
    answers = [*settings.answers[domain], str(destination.parent.resolve()), destination.name, "n"]
    with tempfile.TemporaryDirectory(prefix="exportpm-gchome-") as home:
        env = {**os.environ, "HOME": home, "GC_DATA_ROOT": settings.data_root, "GC_USER_REGISTERED": "true"}
        run = subprocess.run(
            [str(script.resolve())],
            input="\n".join(answers) + "\n",
            text=True,
            capture_output=True,
            cwd=script.resolve().parent,
            env=env,
            timeout=300,
        )
    if run.returncode != 0 or not (destination / "geoschem_config.yml").exists():
        raise RuntimeError(
            f"createRunDir.sh failed for {domain} ({run.returncode}): {run.stdout[-2000:]}{run.stderr[-2000:]}"
        )
    written = read_simulation_key(destination, "root_data_dir")
    if settings.data_root and os.path.normpath(written) != os.path.normpath(settings.data_root):
        raise ConfigError(
            f"ctm.geoschem.data_root: createRunDir.sh wrote root_data_dir {written!r} into "
            f"{destination / 'geoschem_config.yml'}, not the configured {settings.data_root!r}"
        )
    return destination


# geoschem_config.yml: line-preserving edits (the fullchem file is not strict YAML)


def _simulation_lines(path: Path) -> tuple[list[str], range]:
    """The file's lines and the index range of the top-level ``simulation:`` block."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, "<file>", "a readable geoschem_config.yml") from err
    start = next((i for i, line in enumerate(lines) if re.match(r"simulation:\s*(#.*)?$", line)), None)
    if start is None:
        raise InputError(path, "simulation", "a top-level 'simulation:' section")
    stop = next(
        (i for i in range(start + 1, len(lines)) if lines[i].strip() and not lines[i].startswith((" ", "\t", "#"))),
        len(lines),
    )
    return lines, range(start + 1, stop)


def read_simulation_key(run_dir: Path, key: str) -> str:
    """The value text of ``simulation: <key>:`` in geoschem_config.yml (quotes and comments removed)."""
    path = Path(run_dir) / "geoschem_config.yml"
    lines, block = _simulation_lines(path)
    for i in block:
        match = re.match(rf"\s+{re.escape(key)}:\s*(.*?)\s*(#.*)?$", lines[i].rstrip("\n"))
        if match:
            return match.group(1).strip("'\"")
    raise InputError(path, f"simulation.{key}", f"a '{key}:' line under simulation:")


def set_dates(run_dir: Path, start: dt.datetime, end: dt.datetime) -> None:
    """Edit geoschem_config.yml: simulation start and end ``[YYYYMMDD, hhmmss]``; every other byte is kept."""
    path = Path(run_dir) / "geoschem_config.yml"
    lines, block = _simulation_lines(path)
    for key, when in (("start_date", start), ("end_date", end)):
        for i in block:
            match = re.match(rf"(\s+{key}:\s*)\[[^\]\n]*\](.*)$", lines[i], flags=re.S)
            if match:
                lines[i] = f"{match.group(1)}[{when:%Y%m%d}, {when:%H%M%S}]{match.group(2)}"
                break
        else:
            raise InputError(path, f"simulation.{key}", f"a line '{key}: [YYYYMMDD, hhmmss]' under simulation:")
    path.write_text("".join(lines), encoding="utf-8")


# HEMCO_Config.rc

CEDS_SWITCH = re.compile(
    r"^(?P<indent>[ \t]*)-->[ \t]*(?P<name>CEDS(?:v2)?)[ \t]*:[ \t]*(?:true|false|\$\{\w+\})"
    r"(?:[ \t].*)?$",
    re.M,
)
BRACKET = "MEIC_CHINA"


def meic_hemco_block(
    scale_factor_file: str, meic_dir: str, settings: GeosChemSettings, first_id: int = 3000
) -> dict[str, str]:
    """HEMCO lines by section (base, scale, mask): MEIC base emissions, the scenario's scale factors, the fixed
    species factors and the China mask, each wrapped in a ``(((MEIC_CHINA`` collection."""
    lon1, lat1, lon2, lat2 = mask_box(settings)
    mask_id, lines, scales = first_id + 999, [], []
    factor_ids: dict[str, int] = {}
    for s, sector in enumerate(MEIC_SECTORS):
        for species, targets in MEIC_TO_GEOSCHEM.items():
            sf_id = first_id + 10 * s + list(MEIC_TO_GEOSCHEM).index(species)
            scales.append(
                f"{sf_id} SF_{sector}_{species} {scale_factor_file} SF_{sector}_{species} 2017/1/1/0 C xy 1 1"
            )
            for gc_species, factor in targets:
                ids = [str(sf_id)]
                if factor != 1.0:
                    key = f"{factor:g}"
                    if key not in factor_ids:
                        factor_ids[key] = first_id + 900 + len(factor_ids)
                    ids.append(str(factor_ids[key]))
                ids.append(str(mask_id))
                name = f"MEIC_{sector.upper()}_{gc_species}"
                lines.append(
                    f"0 {name:<26} {meic_dir}/MEIC_$YYYY$MM_{sector}.nc {species} 2017/1-12/1/0 C xy "
                    f"kg/m2/s {gc_species} {'/'.join(ids)} 1 {settings.hierarchy}"
                )
    factors = [f"{i} MEIC_FACTOR_{key.replace('.', 'p')} {key} - - - xy 1 1" for key, i in factor_ids.items()]
    box = f"{lon1}/{lat1}/{lon2}/{lat2}"
    if settings.china_mask_file:
        mask = (
            f"{mask_id} MEIC_CHINA_MASK {settings.china_mask_file} {settings.china_mask_var} 2000/1/1/0 C xy 1 1 {box}"
        )
    else:
        mask = f"{mask_id} MEIC_CHINA_MASK {box} - 2000/1/1/0 C xy 1 1 {box}"

    def wrap(body: list[str]) -> str:
        return "\n".join(
            [f"# exportpm: MEIC above CEDS in China ({BRACKET})", f"((({BRACKET}", *body, f"))){BRACKET}", ""]
        )

    return {"base": wrap(lines), "scale": wrap([*scales, *factors]), "mask": wrap([mask])}


def _insert_before_section_end(text: str, section: str, block: str, path: Path) -> str:
    end = re.search(rf"^#+[ \t]*END SECTION {section}\b.*$", text, flags=re.M)
    if not end:
        raise InputError(path, f"END SECTION {section}", f"the '### END SECTION {section} ###' line")
    return text[: end.start()] + block + "\n" + text[end.start() :]


def edit_hemco_config(
    run_dir: Path,
    scale_factor_file: str,
    meic_dir: str,
    settings: GeosChemSettings,
    boundary_conditions: str | None = None,
) -> None:
    """Add MEIC above CEDS (switch, base emissions, scale factors, mask); point GC_BCs at the global run.

    Idempotent: an earlier MEIC block and switch are removed first. Every other line is kept as it is.
    """
    path = Path(run_dir) / "HEMCO_Config.rc"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, "<file>", "a readable HEMCO_Config.rc") from err
    text = re.sub(
        rf"# exportpm: MEIC above CEDS in China \({BRACKET}\)\n\(\(\({BRACKET}\n.*?\)\)\){BRACKET}\n\n?",
        "",
        text,
        flags=re.S,
    )
    text = re.sub(rf"^[ \t]*-->[ \t]*{BRACKET}[ \t]*:.*\n", "", text, flags=re.M)
    switch = CEDS_SWITCH.search(text)
    if not switch:
        raise InputError(path, "--> CEDSv2", "the CEDS switch line of the Base extension ('--> CEDSv2 : true')")
    line = f"\n{switch.group('indent')}--> {BRACKET:<23}:       true     # exportpm: MEIC inside the China mask"
    text = text[: switch.end()] + line + text[switch.end() :]
    blocks = meic_hemco_block(scale_factor_file, meic_dir, settings)
    for section, key in (("BASE EMISSIONS", "base"), ("SCALE FACTORS", "scale"), ("MASKS", "mask")):
        text = _insert_before_section_end(text, section, blocks[key], path)
    if boundary_conditions:
        if not re.search(r"-->\s*GC_BCs\s*:", text):
            raise InputError(path, "--> GC_BCs", "the GC_BCs switch (nested boundary conditions)")
        text = re.sub(r"(-->\s*GC_BCs\s*:\s*)\w+", r"\1true", text)
        text = re.sub(r"^(\* BC_\s+)\S+", rf"\g<1>{boundary_conditions}", text, flags=re.M)
    path.write_text(text, encoding="utf-8")


# HISTORY.rc


def history_collections(version: GCVersion) -> dict[str, list[str]]:
    """The collections and fields the reader needs, named as ``version`` names them."""
    prefix = version.species_prefix
    return {
        "AerosolMass": ["AerMassSO4", "AerMassNIT", "AerMassNH4", "AerMassBC", "AerMassPOA", "PM25"],
        "SpeciesConc": [f"{prefix}{s}" for s in ("DST1", "DST2", "OCPI", "OCPO")],
        "StateMet": ["Met_AIRDEN", "Met_PMID", "Met_T"],
    }


def _duration_hours(value: str) -> float | None:
    """``'YYYYMMDD hhmmss'`` as hours (months as 31 days, years as 366: an upper bound); None for 'End'."""
    match = re.match(r"['\"]?\s*(\d{4})(\d{2})(\d{2})\s+(\d{2})(\d{2})(\d{2})", value.strip())
    if not match:
        return None
    y, mo, d, h, mi, s = (int(g) for g in match.groups())
    return y * 366 * 24 + mo * 31 * 24 + d * 24 + h + mi / 60 + s / 3600


def _set_attribute(text: str, collection: str, key: str, value: str) -> str:
    pattern = rf"^([ \t]*{collection}\.{key}:[ \t]*)[^\n]*$"
    if not re.search(pattern, text, flags=re.M):
        return text
    return re.sub(pattern, lambda m: m.group(1) + value, text, count=1, flags=re.M)


def edit_history(
    run_dir: Path,
    boundary_conditions: bool = False,
    version: GCVersion | None = None,
    shortest_segment_hours: float = 24.0,
) -> None:
    """HISTORY.rc: the reader's collections as daily means of the surface level, Restart at 'End', the
    template's other enabled collections kept unless they would produce nothing in a segment.

    GEOS-Chem Classic reads HISTORY.rc line by line and creates a collection when it reaches its ``.fields``
    tag, so every attribute (``.levels`` included, spelled as in the GEOS-Chem History guide) is written
    before ``.fields``: each needed collection's block is replaced whole, or appended if absent.
    """
    path = Path(run_dir) / "HISTORY.rc"
    version = version or detect_version(run_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, "<file>", "a readable HISTORY.rc") from err
    listing = re.search(r"^COLLECTIONS:(.*?)^[ \t]*::", text, flags=re.S | re.M)
    if not listing:
        raise InputError(path, "COLLECTIONS", "a COLLECTIONS: ... :: list")
    needed = history_collections(version)
    wanted = ["Restart", *needed, *(["BoundaryConditions"] if boundary_conditions else [])]
    enabled = re.findall(r"^[ \t]*(?:COLLECTIONS:)?[ \t]*'(\w+)'", listing.group(0), flags=re.M)
    keep = []
    for name in enabled:
        if name in wanted or name in keep:
            continue
        frequency = re.search(rf"^[ \t]*{name}\.frequency:[ \t]*([^\n]*)$", text, flags=re.M)
        hours = _duration_hours(frequency.group(1)) if frequency else None
        if hours is not None and hours > shortest_segment_hours:
            log.warning(
                "HISTORY.rc collection %s (frequency %s) disabled: longer than a segment",
                name,
                frequency.group(1).strip(),
            )
            continue
        keep.append(name)
    new_list = "COLLECTIONS: " + ",\n             ".join(f"'{c}'" for c in [*wanted, *keep]) + ",\n::"
    text = text[: listing.start()] + new_list + text[listing.end() :]
    for key in ("frequency", "duration"):
        text = _set_attribute(text, "Restart", key, "'End',")
    if not re.search(r"^[ \t]*Restart\.fields:", text, flags=re.M):
        raise InputError(path, "Restart.fields", "the Restart collection's definition")
    for collection, fields in needed.items():
        block = _history_block(collection, fields)
        existing = re.search(rf"^[ \t]*{collection}\.\w+:.*?^[ \t]*::[ \t]*$", text, flags=re.M | re.S)
        if existing:
            text = text[: existing.start()] + block + text[existing.end() :]
        else:
            text = text.rstrip("\n") + "\n" + block
    path.write_text(text + ("" if text.endswith("\n") else "\n"), encoding="utf-8")


def _history_block(collection: str, fields: list[str]) -> str:
    """One collection's definition: daily time-averaged surface level (level 1), fields last, then ``::``."""
    settings = {
        "template": "'%y4%m2%d2_%h2%n2z.nc4',",
        "frequency": "00000001 000000",
        "duration": "00000001 000000",
        "mode": "'time-averaged'",
        "levels": "1",
    }
    lines = [f"  {collection}.{key}:".ljust(40) + value for key, value in settings.items()]
    lines.append(
        f"  {collection}.fields:".ljust(40)
        + ",\n".join((" " * 40 if i else "") + f"'{name:<30}', 'GIGCchem'" for i, name in enumerate(fields))
        + ","
    )
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


def global_segments(
    year: int, months: Sequence[int], spinup_months: int, breaks: Sequence[dt.datetime] = ()
) -> list[tuple[dt.datetime, dt.datetime]]:
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
    """Path of the GEOS-Chem restart file for time ``when`` in ``run_dir/Restarts``."""
    return Path(run_dir) / "Restarts" / f"GEOSChem.Restart.{when:%Y%m%d_%H%M}z.nc4"


def _unlimited_stack() -> None:
    """``ulimit -s unlimited`` for the child (as far as the hard limit allows), without a shell."""
    _, hard = resource.getrlimit(resource.RLIMIT_STACK)
    resource.setrlimit(resource.RLIMIT_STACK, (hard, hard))


def gcclassic_command(settings: GeosChemSettings, *args: str) -> list[str]:
    """The argument list that runs gcclassic (never a shell string: the path is one argument, spaces and all)."""
    return [str(executable_path(settings.executable)), *args]


def run_segment(
    run_dir: Path, start: dt.datetime, end: dt.datetime, settings: GeosChemSettings, timeout: float | None = None
) -> Path:
    """Run gcclassic from ``start`` to ``end`` starting from the start-date restart; return the end restart.

    Raises RuntimeError (the segment counts as failed) unless GC.log has the success marker and the end
    restart exists; a retry then starts again from the same start restart.
    """
    run_dir = Path(run_dir)
    command = gcclassic_command(settings)
    first = restart_file(run_dir, start)
    if not first.exists():
        raise RuntimeError(f"segment {start:%Y%m%d}-{end:%Y%m%d}: no restart file {first}")
    set_dates(run_dir, start, end)
    log_file = run_dir / "GC.log"
    env = {**os.environ, "OMP_NUM_THREADS": str(settings.omp_threads), "OMP_STACKSIZE": settings.omp_stacksize}
    with open(log_file, "w", encoding="utf-8") as handle:
        status = subprocess.run(
            command,
            cwd=run_dir,
            stdout=handle,
            stderr=subprocess.STDOUT,
            env=env,
            timeout=timeout,
            preexec_fn=_unlimited_stack,
        ).returncode
    done = restart_file(run_dir, end)
    if status != 0 or SUCCESS_MARKER not in log_file.read_text(encoding="utf-8", errors="replace") or not done.exists():
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


def org_growth(run_dir: Path) -> float:
    """GEOS-Chem's hygroscopic growth factor of OCPI and SOA at 35 % RH, as its log prints it
    (``Growth factors at 35% RH:`` then ``x.xx for OCPI and SOA``; aerosol_mod.F90)."""
    logs = [*sorted(Path(run_dir).glob("GC.*.log")), Path(run_dir) / "GC.log"]
    for path in logs:
        if path.exists():
            match = re.search(
                r"^\s*([\d.]+)\s+for OCPI and SOA", path.read_text(encoding="utf-8", errors="replace"), flags=re.M
            )
            if match:
                return float(match.group(1))
    raise InputError(Path(run_dir) / "GC.log", "Growth factors at 35% RH", "the log line 'x.xx for OCPI and SOA'")


def _open(path: Path) -> xr.Dataset:
    try:
        return xr.open_dataset(path)
    except (OSError, ValueError) as err:
        raise InputError(path, "<file>", "a GEOS-Chem diagnostic netCDF") from err


def _field(ds: xr.Dataset, path: Path, name: str) -> np.ndarray:
    if name not in ds:
        raise InputError(path, name, f"the {name} field")
    return _surface(ds[name])


def read_day(output_dir: Path, day: dt.date, growth: float, version: GCVersion | None = None) -> dict[str, np.ndarray]:
    """Surface PM2.5 components (ug/m3) of one daily-mean output set, full nested grid, as GEOS-Chem's ``PM25``
    counts them (aerosol_mod.F90, 14.0.1): SO4, NIT, NH4 x 1.1; BC; POA = OCPO + ``growth`` x OCPI (OM);
    DST = DST1 + 0.3 DST2; each at standard conditions (x 1013.25 hPa / p x T / 298 K), plus ``PM25`` itself
    and ``OTHER`` = PM25 - the six (SOA, fine sea salt, HMS and the day's covariance of STP factor and mass).
    """
    stamp = f"{day:%Y%m%d}_0000z"
    paths = {c: Path(output_dir) / f"GEOSChem.{c}.{stamp}.nc4" for c in ("AerosolMass", "SpeciesConc", "StateMet")}
    for name, path in paths.items():
        if not path.exists():
            raise InputError(path, "<file>", f"the {name} output of {day}")
    with _open(paths["StateMet"]) as ds:
        airden = _field(ds, paths["StateMet"], "Met_AIRDEN")  # kg/m3
        stp = (STP_HPA / _field(ds, paths["StateMet"], "Met_PMID")) * (_field(ds, paths["StateMet"], "Met_T") / STP_K)
    with _open(paths["AerosolMass"]) as ds:
        mass = {c: _field(ds, paths["AerosolMass"], f"AerMass{c}") for c in ("SO4", "NIT", "NH4", "BC", "POA")}
        pm25 = _field(ds, paths["AerosolMass"], "PM25")
    with _open(paths["SpeciesConc"]) as ds:
        prefixes = [version.species_prefix] if version else ["SpeciesConcVV_", "SpeciesConc_"]
        vv = {}
        for name in ("DST1", "DST2", "OCPI", "OCPO"):
            found = next((p + name for p in prefixes if p + name in ds), None)
            if found is None:
                raise InputError(paths["SpeciesConc"], prefixes[0] + name, f"{' or '.join(prefixes)}{name}")
            vv[name] = _surface(ds[found])  # mol/mol dry air
    out = {c: SIA_GROWTH * mass[c] * stp for c in ("SO4", "NIT", "NH4")}
    out["BC"] = mass["BC"] * stp
    oc = vv["OCPI"] + vv["OCPO"]
    hydrophilic = np.divide(vv["OCPI"], oc, out=np.zeros_like(oc), where=oc > 0)
    out["POA"] = mass["POA"] * (1.0 - hydrophilic + growth * hydrophilic) * stp
    dust = (vv["DST1"] + DST2_IN_PM25 * vv["DST2"]) * airden * (DUST_MOLAR_MASS / AIR_MOLAR_MASS) * 1e9
    out["DST"] = dust * stp
    out["PM25"] = pm25
    out["OTHER"] = pm25 - sum(out[c] for c in COMPONENTS)
    return out


def read_month(
    output_dir: Path, year: int, month: int, grid: LonLatGrid, buffer: int, version: GCVersion | None = None
) -> tuple[LonLatGrid, dict[str, np.ndarray]]:
    """The month's mean of the daily outputs, buffer cells removed: the surrogate's product (COMPONENTS) plus
    ``PM25`` and ``OTHER`` (see read_day)."""
    start = dt.date(year, month, 1)
    days = [
        start + dt.timedelta(days=i) for i in range((dt.date(year + (month == 12), month % 12 + 1, 1) - start).days)
    ]
    growth = org_growth(Path(output_dir).parent)
    sums = None
    for day in days:
        fields = read_day(output_dir, day, growth, version)
        if fields["SO4"].shape != (grid.nlat, grid.nlon):
            raise InputError(
                output_dir, "lat/lon", f"the nested grid {grid.nlat} x {grid.nlon}", f"{fields['SO4'].shape}"
            )
        sums = fields if sums is None else {k: sums[k] + fields[k] for k in fields}
    return interior(grid, buffer), {k: crop(sums[k] / len(days), buffer) for k in sums}


def write_meic_hemco(
    files: dict[tuple[int, str, str], str], out_dir: Path, year: int, months: Sequence[int] = tuple(range(1, 13))
) -> list[Path]:
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
            ds = xr.Dataset(
                {
                    k: (
                        ("time", "lat", "lon"),
                        v[None].astype(np.float32),
                        {"units": "kg/m2/s", "long_name": f"MEIC {sector} {k}"},
                    )
                    for k, v in fields.items()
                },
                coords={
                    "time": (
                        "time",
                        [0.0],
                        {"units": f"hours since {year}-{month:02d}-01 00:00:00", "calendar": "standard"},
                    ),
                    "lat": ("lat", grid.lat, {"units": "degrees_north"}),
                    "lon": ("lon", grid.lon, {"units": "degrees_east"}),
                },
                attrs={"Conventions": "COARDS", "source": "MEIC converted by exportpm"},
            )
            path = Path(out_dir) / f"MEIC_{year}{month:02d}_{sector}.nc"
            with atomic_output(path) as tmp:
                ds.to_netcdf(tmp, format="NETCDF4")
            written.append(path)
    return written


# ----------------------------------------------------------------------------------------------------------
# Foreign groups apportioned from I_EX (instead of one GEOS-Chem run per group)

PRECURSOR = {"SO4": "SO2", "NIT": "NOx", "NH4": "NH3", "BC": "BC", "POA": "OC", "DST": "PM25_other"}


def removal_shares(
    base: np.ndarray, all_exports: np.ndarray, group: np.ndarray, species: Sequence[str]
) -> dict[str, float]:
    """Per PM2.5 component: the group's share of the emissions I_EX removes, for the component's precursor
    (SO4 <- SO2, NIT <- NOx, NH4 <- NH3, BC, POA <- OC, DST <- other primary PM2.5), domain totals of one month.

    ``base``, ``all_exports``, ``group``: [species, lat, lon] scenario emissions (t per cell) of Base, I_EX and
    I_EXREGION_<group>. share = (sum Base - sum group) / (sum Base - sum I_EX); 0 where I_EX removes nothing.
    """
    out = {}
    for component, precursor in PRECURSOR.items():
        q = list(species).index(precursor)
        removed_all = float(base[q].sum() - all_exports[q].sum())
        removed_group = float(base[q].sum() - group[q].sum())
        out[component] = removed_group / removed_all if removed_all > 0 else 0.0
    return out


def apportion(
    base: dict[str, np.ndarray], all_exports: dict[str, np.ndarray], shares: dict[str, float]
) -> dict[str, np.ndarray]:
    """The group scenario's components: Base minus the group's share of I_EX's export-related PM2.5 (ug/m3)."""
    return {c: base[c] - shares[c] * (base[c] - all_exports[c]) for c in COMPONENTS}
