"""The linked MRIO's labelled index against the row and column layout the link rule writes."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

import exportpm.mrio.index
from exportpm.mrio.index import LinkedIndex

REGIONS = ("usa", "CN-BJ", "deu", "CN-SC")
FLAGS = (False, True, False, True)
SECTORS = ("agr", "ind", "srv")
CATEGORIES = ("household", "government", "gfcf")


def test_docstring_examples():
    assert doctest.testmod(exportpm.mrio.index).failed == 0


def test_rows_follow_the_region_major_layout():
    index = LinkedIndex(REGIONS, SECTORS, FLAGS, CATEGORIES)
    labels = [f"{r}/{s}" for r in REGIONS for s in SECTORS]
    assert [labels[i] for i in index.province_rows] == [f"{r}/{s}" for r in ("CN-BJ", "CN-SC") for s in SECTORS]
    assert [labels[i] for i in index.foreign_rows] == [f"{r}/{s}" for r in ("usa", "deu") for s in SECTORS]
    assert np.array_equal(np.sort(np.concatenate([index.province_rows, index.foreign_rows])), np.arange(12))
    assert index.row_labels()[int(index.rows("deu")[2])] == ("deu", "srv")
    assert list(index.row_region[index.rows("CN-SC")]) == ["CN-SC"] * 3
    assert index.row_sector.tolist() == [0, 1, 2] * 4


def test_final_demand_columns_by_region_category_and_origin():
    index = LinkedIndex(REGIONS, SECTORS, FLAGS, CATEGORIES)
    assert index.fd_columns(region="deu").tolist() == [6, 7, 8]
    assert index.fd_columns(category="gfcf", foreign=True).tolist() == [2, 8]
    assert index.fd_columns(foreign=False).tolist() == [3, 4, 5, 9, 10, 11]
    assert index.fd_labels()[10] == ("CN-SC", "government")


def test_unknown_labels_are_named():
    index = LinkedIndex(REGIONS, SECTORS, FLAGS, CATEGORIES)
    with pytest.raises(KeyError, match="'chn'"):
        index.rows("chn")
    with pytest.raises(KeyError, match="'exports'"):
        index.fd_columns(category="exports")
    with pytest.raises(ValueError, match="flags"):
        LinkedIndex(REGIONS, SECTORS, FLAGS[:2], CATEGORIES)
