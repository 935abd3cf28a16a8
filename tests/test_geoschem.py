"""GEOS-Chem backend: run directories, configuration edits, segment chaining and retry, output reader.

GEOS-Chem itself is not available here: a stand-in executable (tests/fixtures/fake_gcclassic.py) writes files
in GEOS-Chem 14.0.1's layout, and a stand-in createRunDir.sh answers like the real menus.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys

import numpy as np
import pytest
import xarray as xr
from conftest import REPO

from exportpm.ctm import NESTED_ASIA
from exportpm.ctm.geoschem import (
    GeosChemSettings,
    create_run_directory,
    edit_hemco_config,
    edit_history,
    global_segments,
    month_segments,
    read_month,
    restart_file,
    run_segment,
    set_dates,
)
from exportpm.scenarios import write_scale_factors

FIXTURES = REPO / "tests/fixtures"


@pytest.fixture
def settings(tmp_path):
    exe = tmp_path / "gcclassic"
    exe.write_text(f"#!/usr/bin/env bash\nexec {sys.executable} {FIXTURES / 'fake_gcclassic.py'} \"$@\"\n")
    exe.chmod(0o755)
    return GeosChemSettings(executable=str(exe), data_root=str(tmp_path / "ExtData"),
                            createrundir=str(FIXTURES / "fake_createRunDir.sh"))


@pytest.fixture
def scale_file(tmp_path):
    from exportpm.inventory import MEIC_SECTORS
    from exportpm.scenarios import SF_SPECIES

    factors = np.full((len(MEIC_SECTORS), len(SF_SPECIES), 4, 4), 0.9)
    path = tmp_path / "scale_factors.nc"
    from exportpm.grid import LonLatGrid

    write_scale_factors(path, LonLatGrid(70, 150, 10, 60, 20, 12.5), factors, 2017, {"scenario": "test"})
    return path


def test_run_directories_from_createrundir_answered_on_stdin(tmp_path, settings):
    nested = create_run_directory("nested", tmp_path / "runs/Base_nested", settings)
    assert (nested / "createRunDir.answers").read_text().split() == ["1", "1", "2", "4", "2", "2"]
    glob = create_run_directory("global", tmp_path / "runs/Base_global", settings)
    assert "resolution: 2.0x2.5" in (glob / "geoschem_config.yml").read_text()
    copy = create_run_directory("nested", tmp_path / "runs/copy", GeosChemSettings(
        executable="x", templates={"nested": str(FIXTURES / "gc_template")}))
    assert (copy / "HEMCO_Config.rc").exists()


def test_config_edits(tmp_path, settings, scale_file):
    run = create_run_directory("nested", tmp_path / "run", settings)
    set_dates(run, dt.datetime(2017, 1, 8), dt.datetime(2017, 1, 16))
    text = (run / "geoschem_config.yml").read_text()
    assert "start_date: [20170108, 0]" in text and "end_date: [20170116, 0]" in text
    assert "species_database_file: './species_database.yml'" in text  # quotes kept
    assert "# Allowed values: root all" in text                       # comments kept
    edit_hemco_config(run, str(scale_file), "/data/MEIC_HEMCO", settings,
                      boundary_conditions="/bc/GEOSChem.BoundaryConditions.$YYYY$MM$DD_$HH$MNz.nc4")
    edit_hemco_config(run, str(scale_file), "/data/MEIC_HEMCO", settings)  # idempotent
    hemco = (run / "HEMCO_Config.rc").read_text()
    assert hemco.count("--> MEIC_CHINA") == 1 and hemco.count("(((MEIC_CHINA") == 1
    assert hemco.index("--> CEDS") < hemco.index("--> MEIC_CHINA")
    base = hemco[hemco.index("BEGIN SECTION BASE EMISSIONS"):hemco.index("END SECTION BASE EMISSIONS")]
    assert "MEIC_INDUSTRY_NO " in base and "kg/m2/s NO " in base and base.rstrip().count("\n0 MEIC_") == 5 * 10
    scales = hemco[hemco.index("BEGIN SECTION SCALE FACTORS"):hemco.index("END SECTION SCALE FACTORS")]
    for factor in ("0.652", "0.031", "0.969", "0.2", "0.8", "0.5"):
        assert f" {factor} - - - xy 1 1" in scales
    assert f"SF_power_SO2 {scale_file} SF_power_SO2" in scales
    mask = next(line for line in scales.splitlines() if "MEIC_CHINA_MASK" in line)
    lon1, lat1, lon2, lat2 = (float(v) for v in mask.split()[2].split("/"))
    assert 70 < lon1 < lon2 < 140 and 15 < lat1 < lat2 < 55  # inside the nested domain
    assert "--> GC_BCs                 :       true" in hemco
    assert "* BC_  /bc/GEOSChem.BoundaryConditions" in hemco
    edit_history(run)
    history = (run / "HISTORY.rc").read_text()
    listing = history[history.index("COLLECTIONS:"):history.index("::")]
    for name in ("'AerosolMass'", "'SpeciesConc'", "'StateMet'", "'Restart'"):
        assert name in listing
    assert "'Budget'" not in listing
    assert "SpeciesConc.frequency:" in history and "00000001 000000" in history
    assert "'SpeciesConc_DST1" in history and "Met_AIRDEN" in history
    assert_history_blocks_are_well_formed(history)


def assert_history_blocks_are_well_formed(history: str) -> None:
    """As GEOS-Chem Classic reads it: each needed collection's attributes, ``levels`` included, come before its
    ``.fields`` tag, inside one block ended by ``::``; no attribute is left after the last ``::``."""
    for collection in ("AerosolMass", "SpeciesConc", "StateMet"):
        lines = history.splitlines()
        tagged = [i for i, line in enumerate(lines) if line.strip().startswith(f"{collection}.")]
        fields = next(i for i in tagged if lines[i].strip().startswith(f"{collection}.fields:"))
        assert tagged[-1] == fields and tagged == list(range(tagged[0], fields + 1))
        assert f"{collection}.levels:" in "\n".join(lines[tagged[0]:fields])
        assert lines[fields].split(":", 1)[1].strip() and "::" in lines[fields + 1:][:20]
        assert sum(f"{collection}.fields:" in line for line in lines) == 1
    assert "LEVELS" not in history
    assert not history.rstrip().splitlines()[-1].strip().endswith(",") and history.rstrip().endswith("::")


def test_segments_chain_and_failed_segment_retries_from_its_restart(tmp_path, settings, scale_file):
    run = create_run_directory("nested", tmp_path / "run", settings)
    edit_hemco_config(run, str(scale_file), "/data/MEIC_HEMCO", settings)
    edit_history(run)
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
    assert run_segment(run, *pieces[1], settings).exists()   # the retry starts from the same restart
    run_segment(run, *pieces[2], settings)
    assert "E N D   O F   G E O S -- C H E M" in (run / "GC.log").read_text()


def test_global_segments_cover_spinup_and_months():
    pieces = global_segments(2017, [1, 4, 7, 10], spinup_months=6)
    assert pieces[0][0] == dt.datetime(2016, 7, 1) and pieces[-1][1] == dt.datetime(2017, 11, 1)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))


def test_reader_gives_the_surrogate_product(tmp_path, settings, scale_file):
    run = create_run_directory("nested", tmp_path / "run", settings)
    edit_hemco_config(run, str(scale_file), "/data/MEIC_HEMCO", settings)
    restart_file(run, dt.datetime(2017, 1, 1)).write_bytes(b"x")
    run_segment(run, dt.datetime(2017, 1, 1), dt.datetime(2017, 2, 1), settings)
    grid, fields = read_month(run / "OutputDir", 2017, 1, NESTED_ASIA, buffer=3)
    assert (grid.nlat, grid.nlon) == (161 - 6, 225 - 6) and grid.lon0 == pytest.approx(70.78125)
    assert set(fields) == {"SO4", "NIT", "NH4", "BC", "POA", "DST"}
    with xr.open_dataset(run / "OutputDir/GEOSChem.AerosolMass.20170105_0000z.nc4") as ds:
        assert ds["AerMassSO4"].dims == ("time", "lev", "lat", "lon") and ds["AerMassSO4"].attrs["units"] == "ug m-3"
    assert fields["SO4"].max() > 0 and np.isfinite(fields["DST"]).all()
    # DST = (DST1 + 0.3 DST2) x AIRDEN x MW ratio, from both SpeciesConc_ and SpeciesConcVV_ days
    with xr.open_dataset(run / "OutputDir/GEOSChem.SpeciesConc.20170102_0000z.nc4") as ds:
        assert "SpeciesConc_DST1" in ds
    with xr.open_dataset(run / "OutputDir/GEOSChem.SpeciesConc.20170103_0000z.nc4") as ds:
        assert "SpeciesConcVV_DST1" in ds
