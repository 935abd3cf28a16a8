"""Readers reject bad input with messages that name the file and the field; writes are atomic."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from exportpm.errors import InputError
from exportpm.grid import LonLatGrid, area_fractions
from exportpm.io.atomic import atomic_output
from exportpm.io.ceads import read_ceads_mrio
from exportpm.io.gtap import read_har_headers
from exportpm.io.meic import read_meic_grid, write_meic_grid


def test_atomic_output_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError):
        with atomic_output(target) as tmp:
            tmp.write_text("partial")
            raise RuntimeError("boom")
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_meic_round_trip_and_rejections(tmp_path):
    grid = LonLatGrid(70, 150, 10, 60, 2.0, 2.0)
    values = np.arange(grid.nlat * grid.nlon, dtype=float).reshape(grid.nlat, grid.nlon)
    mask = np.zeros_like(values, dtype=bool)
    mask[0, 0] = True
    path = tmp_path / "2017_01_power_SO2.nc"
    write_meic_grid(path, grid, values, mask, "test")
    read_grid, read_values = read_meic_grid(path)
    assert read_grid == grid
    expected = values.copy()
    expected[0, 0] = 0.0
    np.testing.assert_allclose(read_values, expected)
    bad = tmp_path / "bad.nc"
    bad.write_bytes(b"not netcdf")
    with pytest.raises(InputError, match=r"bad\.nc.*<file>"):
        read_meic_grid(bad)


def test_har_reader_names_missing_header(tiny_world):
    with pytest.raises(InputError, match=r"basedata\.har: field 'VXXX'"):
        read_har_headers(tiny_world / "gtap/basedata.har", ["VXXX"])


def test_ceads_reader_round_trip_and_corrupt_file(tiny_world, tmp_path):
    table = read_ceads_mrio(tiny_world / "ceads/china_provincial_mrio_2017.xlsx")
    assert table.Z.shape == (33, 33) and table.FD.shape == (33, 15)
    np.testing.assert_allclose(
        table.Z.sum(1) + table.FD.sum(1) + table.exports - table.imports + table.other, table.output, rtol=1e-12
    )
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 nonsense")
    with pytest.raises(InputError, match=r"broken\.xlsx"):
        read_ceads_mrio(broken)


def test_area_fractions_split_shared_cells():
    grid = LonLatGrid(0, 4, 0, 2, 1.0, 1.0)
    west, east = shapely.box(0, 0, 1.5, 2), shapely.box(1.5, 0, 4, 2)
    fractions = area_fractions(grid, [west, east]).toarray()
    np.testing.assert_allclose(fractions.sum(0), 1.0)  # every cell fully covered by the two
    np.testing.assert_allclose(fractions[0].reshape(2, 4)[0], [1.0, 0.5, 0.0, 0.0])
    assert grid.cell_area_m2().sum() == pytest.approx(6371000.0**2 * np.radians(4) * np.sin(np.radians(2)), rel=1e-12)
