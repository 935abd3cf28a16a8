"""GEOS-Chem backend: run directories, configuration edits, segment chaining and retry, output reader.

The unit tests use stand-ins (tests/fixtures): ``fake_createRunDir.sh`` answers like the real 14.0.1 menus and,
like it, sources ``~/.geoschem/config``; ``gc_template/`` has the features of the real 14.0.1 fullchem files
that broke the pipeline (CEDSv2 switch with a comment, loose YAML indentation, integer MASKS boxes, monthly
Restart, Metrics); ``fake_gcclassic.py`` refuses what real GEOS-Chem / HEMCO refuse. The tests marked
``geoschem_real`` run the real GEOS-Chem Classic and HEMCO standalone (see scripts/gc_check.py).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import xarray as xr
import yaml
from conftest import REPO

from exportpm.ctm import COMPONENTS, NESTED_ASIA
from exportpm.ctm.gc_plan import Plan, planned_core_hours, simulated_days
from exportpm.ctm.geoschem import (
    GeosChemSettings,
    apportion,
    check_config,
    create_run_directory,
    detect_version,
    edit_hemco_config,
    edit_history,
    global_segments,
    month_segments,
    parse_version,
    read_day,
    read_month,
    read_simulation_key,
    removal_shares,
    restart_file,
    run_segment,
    set_dates,
    validate_config,
)
from exportpm.errors import ConfigError, InputError
from exportpm.scenarios import write_scale_factors

FIXTURES = REPO / "tests/fixtures"
sys.path.insert(0, str(FIXTURES))
import fake_gcclassic  # noqa: E402  (the stand-in's own checks, tested to refuse what HEMCO refuses)


def wrapper(path, target):
    path.write_text(f'#!/usr/bin/env bash\nexec {sys.executable} {target} "$@"\n')
    path.chmod(0o755)
    return path


@pytest.fixture
def settings(tmp_path):
    exe = wrapper(tmp_path / "gcclassic", FIXTURES / "fake_gcclassic.py")
    return GeosChemSettings(
        executable=str(exe), data_root=str(tmp_path / "ExtData"), createrundir=str(FIXTURES / "fake_createRunDir.sh")
    )


@pytest.fixture
def scale_file(tmp_path):
    from exportpm.grid import LonLatGrid
    from exportpm.inventory import MEIC_SECTORS
    from exportpm.scenarios import SF_SPECIES

    factors = np.full((len(MEIC_SECTORS), len(SF_SPECIES), 4, 4), 0.9)
    path = tmp_path / "scale_factors.nc"
    write_scale_factors(path, LonLatGrid(70, 150, 10, 60, 20, 12.5), factors, 2017, {"scenario": "test"})
    return path


def prepared(tmp_path, settings, scale_file, name="run", segment_hours=24 * 8):
    run = create_run_directory("nested", tmp_path / name, settings)
    edit_hemco_config(run, str(scale_file), "/data/MEIC_HEMCO", settings)
    edit_history(run, shortest_segment_hours=segment_hours)
    return run


def test_run_directories_from_createrundir_answered_on_stdin(tmp_path, settings):
    nested = create_run_directory("nested", tmp_path / "runs/Base_nested", settings)
    assert (nested / "createRunDir.answers").read_text().split() == ["1", "1", "2", "4", "2", "2"]
    assert read_simulation_key(nested, "root_data_dir") == settings.data_root
    glob = create_run_directory("global", tmp_path / "runs/Base_global", settings)
    assert "resolution: 2.0x2.5" in (glob / "geoschem_config.yml").read_text()
    copy = create_run_directory(
        "nested",
        tmp_path / "runs/copy",
        GeosChemSettings(executable="x", templates={"nested": str(FIXTURES / "gc_template")}),
    )
    assert (copy / "HEMCO_Config.rc").exists()


def test_users_geoschem_config_cannot_override_the_data_root(tmp_path, settings, monkeypatch):
    """createRunDir.sh sources ~/.geoschem/config after the environment: a private HOME keeps it out, and a
    root_data_dir other than the configured one (here forced by a wrapper) fails naming both values."""
    home = tmp_path / "home"
    (home / ".geoschem").mkdir(parents=True)
    (home / ".geoschem/config").write_text("export GC_DATA_ROOT=/users/own/ExtData\n")
    monkeypatch.setenv("HOME", str(home))
    run = create_run_directory("nested", tmp_path / "run", settings)
    assert read_simulation_key(run, "root_data_dir") == settings.data_root
    forced = tmp_path / "bin/createRunDir.sh"
    forced.parent.mkdir()
    forced.write_text(
        f"#!/usr/bin/env bash\nexport GC_DATA_ROOT=/users/own/ExtData\nexec {FIXTURES / 'fake_createRunDir.sh'}\n"
    )
    forced.chmod(0o755)
    settings.createrundir = str(forced)
    with pytest.raises(ConfigError, match=r"/users/own/ExtData.*" + str(settings.data_root)):
        create_run_directory("nested", tmp_path / "run2", settings)


def test_set_dates_edits_only_the_date_lines_of_a_loose_yaml_file(tmp_path, settings):
    run = create_run_directory("nested", tmp_path / "run", settings)
    before = (run / "geoschem_config.yml").read_text().splitlines()
    set_dates(run, dt.datetime(2017, 1, 8), dt.datetime(2017, 1, 16, 12))
    after = (run / "geoschem_config.yml").read_text().splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [
        ("  start_date: [20190701, 000000]", "  start_date: [20170108, 000000]"),
        ("  end_date: [20190801, 000000]", "  end_date: [20170116, 120000]"),
    ]
    assert "     output_menu:             # 1234567890123456789012345678901" in after  # loose indentation kept
    (run / "geoschem_config.yml").write_text("\n".join(line for line in after if "end_date" not in line))
    with pytest.raises(InputError, match=r"simulation\.end_date"):
        set_dates(run, dt.datetime(2017, 1, 8), dt.datetime(2017, 1, 16))
    (run / "geoschem_config.yml").write_text("grid:\n  resolution: 0.25x0.3125\n")
    with pytest.raises(InputError, match="simulation"):
        set_dates(run, dt.datetime(2017, 1, 8), dt.datetime(2017, 1, 16))


def test_hemco_edit_follows_the_real_file_and_hemco_accepts_it(tmp_path, settings, scale_file):
    run = create_run_directory("nested", tmp_path / "run", settings)
    edit_hemco_config(
        run,
        str(scale_file),
        "/data/MEIC_HEMCO",
        settings,
        boundary_conditions="/bc/GEOSChem.BoundaryConditions.$YYYY$MM$DD_$HH$MNz.nc4",
    )
    edit_hemco_config(run, str(scale_file), "/data/MEIC_HEMCO", settings)  # idempotent
    hemco = (run / "HEMCO_Config.rc").read_text()
    assert fake_gcclassic.check_hemco(hemco) is None
    lines = hemco.splitlines()
    ceds = lines.index("    --> CEDSv2                 :       true     # 1750-2019")
    assert lines[ceds + 1].startswith("    --> MEIC_CHINA             :       true")
    assert hemco.count("--> MEIC_CHINA") == 1 and hemco.count("(((MEIC_CHINA") == 3
    parts = fake_gcclassic.sections(hemco)
    base = [c for c in parts["BASE EMISSIONS"] if c[1].startswith("MEIC_")]
    assert len(base) == 5 * 10 and {c[8] for c in base} == {
        "NO",
        "SO2",
        "SO4",
        "CO",
        "NH3",
        "BCPI",
        "BCPO",
        "OCPI",
        "OCPO",
        "DST1",
    }
    so2 = next(c for c in base if c[1] == "MEIC_POWER_SO2")
    so4 = next(c for c in base if c[1] == "MEIC_POWER_SO4")
    factors = {c[0]: c[2] for c in parts["SCALE FACTORS"]}
    assert [factors.get(i) for i in so2[9].split("/")[1:-1]] == []  # SO2 unscaled, as CEDS
    assert [factors[i] for i in so4[9].split("/")[1:-1]] == ["0.031"]  # SO4 = 3.1 % of SO2
    mask = next(c for c in parts["MASKS"] if c[1] == "MEIC_CHINA_MASK")
    assert mask[-1] == "73/18/135/54" and mask[2].endswith("China_mask.generic.1x1.nc")
    assert all(c[9].split("/")[-1] == mask[0] and int(c[11]) > 2 for c in base)  # above AFCID's dust
    assert "--> GC_BCs                 :       true" in hemco
    assert "* BC_  /bc/GEOSChem.BoundaryConditions" in hemco
    assert f"SF_power_SO2 {scale_file} SF_power_SO2" in hemco


def test_hemco_edit_refuses_what_hemco_refuses(tmp_path, settings, scale_file):
    run = create_run_directory("nested", tmp_path / "run", settings)
    for bad in ([73.5, 18, 135, 54], [60, 18, 135, 54]):
        settings.china_mask = tuple(bad)
        with pytest.raises(ConfigError, match="china_mask"):
            edit_hemco_config(run, str(scale_file), "/data", settings)
    settings.china_mask = (73, 18, 135, 54)
    path = run / "HEMCO_Config.rc"
    original = path.read_text()
    path.write_text(original.replace("--> CEDSv2 ", "--> EDGARv43"))
    with pytest.raises(InputError, match="CEDS"):
        edit_hemco_config(run, str(scale_file), "/data", settings)
    path.write_text(original.replace("### END SECTION MASKS ###", ""))
    with pytest.raises(InputError, match="END SECTION MASKS"):
        edit_hemco_config(run, str(scale_file), "/data", settings)
    # the stand-in refuses the old mistakes, as HEMCO 3.5 does
    sf = original.replace(
        "### END SECTION SCALE FACTORS",
        "3999 BOX 73/18/135/54 - 2000/1/1/0 C xy 1 1 73/18/135/54\n### END SECTION SCALE FACTORS",
    )
    assert "Bad integer" in fake_gcclassic.check_hemco(sf)
    floats = original.replace("70/10/150/60", "70.0/10.0/150.0/60.0")
    assert "Bad integer" in fake_gcclassic.check_hemco(floats)


def test_history_keeps_metrics_writes_restart_at_end_and_names_fields_by_version(tmp_path, settings):
    run = create_run_directory("nested", tmp_path / "run", settings)
    history = (run / "HISTORY.rc").read_text()
    budget = "  Budget.frequency:          00000100 000000\n  Budget.fields: 'X', 'GIGCchem',\n::\n"
    (run / "HISTORY.rc").write_text(
        history.replace("             'SpeciesConc',", "             'SpeciesConc',\n             'Budget',") + budget
    )
    edit_history(run, shortest_segment_hours=24 * 7)
    history = (run / "HISTORY.rc").read_text()
    enabled = fake_gcclassic.history(history)
    assert set(enabled) == {"Restart", "Metrics", "AerosolMass", "SpeciesConc", "StateMet"}  # Budget: monthly
    assert enabled["Restart"][0] == "'End'" and enabled["Metrics"][0] == "'End'"
    assert enabled["SpeciesConc"][1] == ["SpeciesConc_DST1", "SpeciesConc_DST2", "SpeciesConc_OCPI", "SpeciesConc_OCPO"]
    assert enabled["AerosolMass"][1][-1] == "PM25" and "Met_PMID" in enabled["StateMet"][1]
    assert_history_blocks_are_well_formed(history)
    edit_history(run, version=parse_version("14.1.0", "test"))
    assert fake_gcclassic.history((run / "HISTORY.rc").read_text())["SpeciesConc"][1][0] == "SpeciesConcVV_DST1"


def assert_history_blocks_are_well_formed(history: str) -> None:
    """As GEOS-Chem Classic reads it: each needed collection's attributes, ``levels`` included, come before its
    ``.fields`` tag, inside one block ended by ``::``; no attribute is left after the last ``::``."""
    for collection in ("AerosolMass", "SpeciesConc", "StateMet"):
        lines = history.splitlines()
        tagged = [i for i, line in enumerate(lines) if line.strip().startswith(f"{collection}.")]
        fields = next(i for i in tagged if lines[i].strip().startswith(f"{collection}.fields:"))
        assert tagged[-1] == fields and tagged == list(range(tagged[0], fields + 1))
        assert f"{collection}.levels:" in "\n".join(lines[tagged[0] : fields])
        assert lines[fields].split(":", 1)[1].strip() and "::" in lines[fields + 1 :][:20]
        assert sum(f"{collection}.fields:" in line for line in lines) == 1
    assert "LEVELS" not in history
    assert not history.rstrip().splitlines()[-1].strip().endswith(",") and history.rstrip().endswith("::")


def test_version_detection_and_refusal(tmp_path, settings):
    run = create_run_directory("nested", tmp_path / "run", settings)
    assert str(detect_version(run)) == "14.0.1" and detect_version(run).species_prefix == "SpeciesConc_"
    assert detect_version(run, "14.5.2").species_prefix == "SpeciesConcVV_"
    for unknown in ("13.4.1", "15.0.0", "14.6.0"):
        with pytest.raises(InputError, match=r"14\.0\.x to 14\.5\.x"):
            detect_version(run, unknown)
    with pytest.raises(InputError, match="CodeDir"):
        detect_version(tmp_path)


def test_stand_in_refuses_a_monthly_restart_in_a_short_segment(tmp_path, settings, scale_file):
    run = create_run_directory("nested", tmp_path / "run", settings)
    edit_hemco_config(run, str(scale_file), "/data", settings)
    restart_file(run, dt.datetime(2017, 1, 1)).write_bytes(b"x")
    with pytest.raises(RuntimeError, match="failed"):  # template as written: Restart monthly
        run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8), settings)
    assert "No diagnostic output will be created" in (run / "GC.log").read_text()
    edit_history(run, shortest_segment_hours=24 * 7)
    assert run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8), settings).exists()


def test_executable_is_a_validated_path_run_without_a_shell(tmp_path, settings, scale_file):
    run = prepared(tmp_path, settings, scale_file)
    restart_file(run, dt.datetime(2017, 1, 1)).write_bytes(b"x")
    marker = tmp_path / "INJECTED"
    settings.executable = f"{tmp_path / 'gcclassic'}$(touch {marker})"
    with pytest.raises(ConfigError, match=r"ctm\.geoschem\.executable"):
        run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8), settings)
    settings.executable = f"{tmp_path / 'gcclassic'}; touch {marker}"
    with pytest.raises(ConfigError, match=r"ctm\.geoschem\.executable"):
        run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8), settings)
    assert not marker.exists()
    spaced = tmp_path / "GEOS Chem build/bin"
    spaced.mkdir(parents=True)
    settings.executable = str(wrapper(spaced / "gcclassic", FIXTURES / "fake_gcclassic.py"))
    assert run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8), settings).exists()


def test_stack_limit_is_raised_for_gcclassic(tmp_path, settings, scale_file):
    run = prepared(tmp_path, settings, scale_file)
    restart_file(run, dt.datetime(2017, 1, 1)).write_bytes(b"x")
    probe = tmp_path / "probe"
    probe.write_text(
        f"#!/usr/bin/env bash\nulimit -s > {tmp_path / 'stack.txt'}\nexec {sys.executable} "
        f"{FIXTURES / 'fake_gcclassic.py'}\n"
    )
    probe.chmod(0o755)
    settings.executable = str(probe)
    run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8), settings)
    hard = subprocess.run(["bash", "-c", "ulimit -Hs"], capture_output=True, text=True).stdout.strip()
    assert (tmp_path / "stack.txt").read_text().strip() == hard


def test_segments_chain_and_failed_segment_retries_from_its_restart(tmp_path, settings, scale_file):
    run = prepared(tmp_path, settings, scale_file, segment_hours=24 * 10)
    pieces = month_segments(2017, 1, segments=2, spinup_days=10)
    assert pieces[0] == (dt.datetime(2016, 12, 22), dt.datetime(2017, 1, 1))
    assert pieces[-1][1] == dt.datetime(2017, 2, 1) and len(pieces) == 3
    with pytest.raises(RuntimeError, match="no restart file"):
        run_segment(run, *pieces[0], settings)
    restart_file(run, pieces[0][0]).write_bytes(b"initial conditions")
    done = run_segment(run, *pieces[0], settings)
    assert done == restart_file(run, pieces[1][0])
    (run / "FAIL_NEXT").touch()
    with pytest.raises(RuntimeError, match="failed"):
        run_segment(run, *pieces[1], settings)
    assert not restart_file(run, pieces[1][1]).exists()
    assert run_segment(run, *pieces[1], settings).exists()  # the retry starts from the same restart
    run_segment(run, *pieces[2], settings)
    assert "E N D   O F   G E O S -- C H E M" in (run / "GC.log").read_text()


def test_global_segments_cover_spinup_and_months():
    pieces = global_segments(2017, [1, 4, 7, 10], spinup_months=6)
    assert pieces[0][0] == dt.datetime(2016, 7, 1) and pieces[-1][1] == dt.datetime(2017, 11, 1)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))


def month_run(tmp_path, settings, scale_file, name, no_soa_salt=False):
    run = prepared(tmp_path, settings, scale_file, name)
    if no_soa_salt:
        (run / "NO_SOA_SALT").touch()
    restart_file(run, dt.datetime(2017, 1, 1)).write_bytes(b"x")
    run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 2, 1), settings)
    return run


def test_reader_components_add_up_to_geoschem_pm25(tmp_path, settings, scale_file):
    """With SOA, sea salt and HMS at zero, the six components the reader returns (growth factors, 30 % of
    DST2, standard conditions as aerosol_mod.F90 counts them) add up to the PM25 field of the same files."""
    run = month_run(tmp_path, settings, scale_file, "clean", no_soa_salt=True)
    grid, fields = read_month(run / "OutputDir", 2017, 1, NESTED_ASIA, buffer=3, version=detect_version(run))
    assert (grid.nlat, grid.nlon) == (161 - 6, 225 - 6) and grid.lon0 == pytest.approx(70.78125)
    total = sum(fields[c] for c in COMPONENTS)
    np.testing.assert_allclose(total, fields["PM25"], rtol=1e-6)
    assert np.abs(fields["OTHER"]).max() < 1e-6 * fields["PM25"].max()
    day = read_day(run / "OutputDir", dt.date(2017, 1, 5), growth=1.24)
    with xr.open_dataset(run / "OutputDir/GEOSChem.AerosolMass.20170105_0000z.nc4") as ds:
        so4 = ds["AerMassSO4"].values[0, 0]
    with xr.open_dataset(run / "OutputDir/GEOSChem.StateMet.20170105_0000z.nc4") as ds:
        stp = 1013.25 / ds["Met_PMID"].values[0, 0] * ds["Met_T"].values[0, 0] / 298.0
    np.testing.assert_allclose(day["SO4"], 1.1 * so4 * stp, rtol=1e-12)
    full = month_run(tmp_path, settings, scale_file, "full")
    _, with_soa = read_month(full / "OutputDir", 2017, 1, NESTED_ASIA, buffer=3)
    np.testing.assert_allclose(sum(with_soa[c] for c in COMPONENTS) + with_soa["OTHER"], with_soa["PM25"], rtol=1e-12)
    assert with_soa["OTHER"].min() > 0 and np.allclose(with_soa["SO4"], fields["SO4"])


def test_reader_follows_the_version_names(tmp_path, settings, scale_file):
    code = tmp_path / "code141"
    code.mkdir()
    (code / "CMakeLists.txt").write_text("project(GCClassic\n  VERSION 14.1.1\n  LANGUAGES Fortran)\n")
    run = create_run_directory("nested", tmp_path / "run", settings)
    os.unlink(run / "CodeDir")
    os.symlink(code, run / "CodeDir")
    edit_hemco_config(run, str(scale_file), "/data", settings)
    edit_history(run, shortest_segment_hours=24 * 31)
    restart_file(run, dt.datetime(2017, 1, 1)).write_bytes(b"x")
    run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 2, 1), settings)
    with xr.open_dataset(run / "OutputDir/GEOSChem.SpeciesConc.20170102_0000z.nc4") as ds:
        assert "SpeciesConcVV_DST1" in ds and "SpeciesConc_DST1" not in ds
    _, fields = read_month(run / "OutputDir", 2017, 1, NESTED_ASIA, buffer=3, version=detect_version(run))
    assert np.isfinite(fields["DST"]).all() and fields["DST"].min() > 0
    with pytest.raises(InputError, match="SpeciesConc_DST1"):
        read_month(run / "OutputDir", 2017, 1, NESTED_ASIA, buffer=3, version=parse_version("14.0.1", "test"))


def gc_config(tmp_path, **changes):
    exe = wrapper(tmp_path / "gcclassic", FIXTURES / "fake_gcclassic.py")
    restart = tmp_path / "restart.nc4"
    restart.write_bytes(b"x")
    (tmp_path / "ExtData").mkdir(exist_ok=True)
    return {
        "executable": str(exe),
        "createrundir": str(FIXTURES / "fake_createRunDir.sh"),
        "data_root": str(tmp_path / "ExtData"),
        "templates": {},
        "initial_restart": {"global": str(restart)},
        "china_mask": [73, 18, 135, 54],
        "simulate_groups": ["USA"],
        "slurm": {"partition": "main"},
        **changes,
    }


def test_config_check_names_placeholders_and_missing_paths(tmp_path):
    assert check_config(gc_config(tmp_path), ["USA", "Africa"]) == []
    shipped = yaml.safe_load((REPO / "config/geoschem.yaml").read_text())["ctm"]["geoschem"]
    problems = "\n".join(check_config({"templates": {}, **shipped}, ["USA"]))
    for key in ("executable", "createrundir", "data_root", "initial_restart.global", "slurm.partition"):
        assert f"ctm.geoschem.{key}" in problems
    assert "placeholder" in problems
    bad = gc_config(
        tmp_path, data_root=str(tmp_path / "missing"), china_mask=[73.5, 18, 135, 54], simulate_groups=["Mars"]
    )
    problems = "\n".join(check_config(bad, ["USA"]))
    assert "data_root" in problems and "does not exist" in problems and "china_mask" in problems
    assert "simulate_groups" in problems and "Mars" in problems
    with pytest.raises(ConfigError, match=r"config/geoschem\.yaml"):
        validate_config(bad, ["USA"])


def test_planned_core_hours_count_every_simulated_day():
    plan = Plan(2017, (1, 4, 7, 10), 4, 10, 6)
    assert simulated_days(plan, "nested") == 31 + 30 + 31 + 31 + 4 * 10
    assert simulated_days(plan, "global") == (dt.date(2017, 11, 1) - dt.date(2016, 7, 1)).days
    cost = planned_core_hours(plan, 5, 24, 1.2, 0.23)
    assert cost["nested_per_scenario"] == pytest.approx(163 * 1.2 * 24)
    assert cost["total"] == pytest.approx(5 * (163 * 1.2 * 24 + 488 * 0.23 * 24))


def test_groups_apportioned_from_iex_by_their_share_of_removed_precursors():
    from exportpm.scenarios import SF_SPECIES

    rng = np.random.default_rng(3)
    base = rng.uniform(1, 2, (len(SF_SPECIES), 3, 4))
    removed = rng.uniform(0, 0.5, base.shape)
    group = base - 0.25 * removed
    shares = removal_shares(base, base - removed, group, SF_SPECIES)
    assert shares == {c: pytest.approx(0.25) for c in ("SO4", "NIT", "NH4", "BC", "POA", "DST")}
    pm_base = {c: np.full((2, 2), 10.0) for c in COMPONENTS}
    pm_iex = {c: np.full((2, 2), 6.0) for c in COMPONENTS}
    assert all(np.allclose(v, 9.0) for v in apportion(pm_base, pm_iex, shares).values())
    assert removal_shares(base, base, group, SF_SPECIES)["SO4"] == 0.0


# ------------------------------------------------------------------------------------------------------------
# Against the real GEOS-Chem Classic and HEMCO standalone (scripts/gc_check.py; make geoschem-check)

sys.path.insert(0, str(REPO / "scripts"))
import gc_check  # noqa: E402

REAL = gc_check.environment()
needs_real = pytest.mark.skipif(isinstance(REAL, str), reason=f"real GEOS-Chem: {REAL}")


@pytest.fixture(scope="module")
def real_workflow(tmp_path_factory):
    src, bin_ = REAL
    work = tmp_path_factory.mktemp("gccheck")
    return work, gc_check.prepare(work, src, bin_), bin_


@pytest.mark.geoschem_real
@needs_real
def test_real_gcclassic_dry_run_accepts_every_run_directory(real_workflow):
    _work, wf, bin_ = real_workflow
    infos = gc_check.run_directories(wf)
    assert {(i["scenario"], i["domain"]) for i in infos} >= {("Base", "nested"), ("Base", "global"), ("I_EX", "nested")}
    for info in infos:
        result = gc_check.dry_run(info, bin_ / "gcclassic", wf, dt.datetime(2017, 1, 1))
        assert result.reached_end and not result.errors, (info, result.errors, result.tail)
        assert all(result.listed.values()), (info, result.listed)
    known = gc_check.history_fields_known(REAL[0])  # the dry run does not read HISTORY.rc's fields
    assert known and all(known.values()), known


@pytest.mark.geoschem_real
@needs_real
def test_real_hemco_applies_the_scale_factors_inside_the_mask_only(real_workflow):
    work, wf, bin_ = real_workflow
    figures = gc_check.hemco_check(wf, bin_ / "hemco_standalone", work, dt.datetime(2017, 1, 1))
    assert len(figures) >= 4
    for f in figures:
        assert f.cells_compared > 0 and f.max_outside == 0.0, f
        assert f.max_rel_error <= 1e-6 and f.base_rel_error <= 1e-6, f


@pytest.mark.geoschem_real
@needs_real
def test_edits_never_raise_a_raw_error_on_any_real_template(tmp_path, scale_file):
    """Every run-directory template of the real source tree: each edit succeeds or says what it missed."""
    templates = REAL[0] / "run"
    files = sorted(templates.glob("*.templates/*"))
    assert len(files) > 20
    settings = GeosChemSettings(executable="x")
    outcomes = {}
    for path in files:
        run = tmp_path / path.name
        run.mkdir()
        kind = path.parent.name.split(".templates")[0]
        shutil.copy(path, run / kind)
        edit = {
            "geoschem_config.yml": lambda r: set_dates(r, dt.datetime(2017, 1, 1), dt.datetime(2017, 1, 8)),
            "HEMCO_Config.rc": lambda r: edit_hemco_config(r, str(scale_file), "/data", settings),
            "HISTORY.rc": lambda r: edit_history(r, version=parse_version("14.0.1", "test")),
        }.get(kind)
        if edit is None:
            continue
        try:
            edit(run)
            outcomes[path.name] = "edited"
        except InputError as err:
            outcomes[path.name] = f"refused: {err.field}"
    assert outcomes["geoschem_config.yml.fullchem"] == "edited"
    assert outcomes["HEMCO_Config.rc.fullchem"] == "edited" and outcomes["HISTORY.rc.fullchem"] == "edited"
    assert all(v == "edited" for k, v in outcomes.items() if k.startswith("geoschem_config.yml")), outcomes
