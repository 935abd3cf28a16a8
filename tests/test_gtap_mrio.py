"""GTAP -> global MRIO on a hand-made database whose MRIO is worked out by hand; the GTAP reader's checks."""

from __future__ import annotations

import numpy as np
import pytest

from exportpm.errors import InputError
from exportpm.io.gtap import read_gtap_basedata, write_gtap_basedata
from exportpm.mrio.gtap import global_mrio

SETS = {"REG": ("aaa", "bbb"), "COMM": ("gd", "otp"), "ACTS": ("gd", "otp"), "ENDW": ("Capital",), "MARG": ("otp",)}


def hand_made_headers() -> dict[str, np.ndarray]:
    """Two regions (aaa, bbb), a good (gd) and a margin service (otp). Each trades the good with the other.

    aaa imports 9 of gd from bbb (VMSB), worth 8 CIF (tariff 1), of which 1 is otp margin, so 7 FOB = VXSB;
    bbb imports 6 from aaa, 6 CIF, 0.5 margin, 5.5 FOB = VXSB. The margin pool (1.5) is supplied 1.0 by aaa
    and 0.5 by bbb. aaa's firms (gd) use 6 of the imported good, its households 2 and its government 1; bbb's
    firms 4, households 1 and investment 1. Each government buys 2 of domestic transport.
    """
    h = {k: None for k in ("VDFB", "VMFB", "VDPB", "VMPB", "VDGB", "VMGB", "VDIB", "VMIB")}
    h["VDFB"] = np.zeros((2, 2, 2))
    h["VDFB"][:, :, 0] = [[10, 2], [3, 1]]
    h["VDFB"][:, :, 1] = [[20, 4], [5, 2]]
    h["VMFB"] = np.zeros((2, 2, 2))
    h["VMFB"][0, 0, 0], h["VMFB"][0, 0, 1] = 6, 4
    h["VDPB"] = np.array([[30, 40], [3, 6]], dtype=float)
    h["VMPB"] = np.array([[2, 1], [0, 0]], dtype=float)
    h["VDGB"] = np.array([[0, 0], [2, 2]], dtype=float)  # governments buy domestic transport
    h["VMGB"] = np.array([[1, 0], [0, 0]], dtype=float)  # aaa's government imports 1 of gd
    h["VDIB"] = np.array([[5, 0], [0, 0]], dtype=float)
    h["VMIB"] = np.array([[0, 1], [0, 0]], dtype=float)  # bbb's investment imports 1 of gd
    trade = np.zeros((2, 2, 2))  # [i, source, destination]
    h["VMSB"], h["VCIF"], h["VFOB"], h["VXSB"] = trade.copy(), trade.copy(), trade.copy(), trade.copy()
    h["VMSB"][0, 1, 0], h["VCIF"][0, 1, 0], h["VFOB"][0, 1, 0], h["VXSB"][0, 1, 0] = 9, 8, 7, 7
    h["VMSB"][0, 0, 1], h["VCIF"][0, 0, 1], h["VFOB"][0, 0, 1], h["VXSB"][0, 0, 1] = 6, 6, 5.5, 5.5
    h["VTWR"] = np.zeros((1, 2, 2, 2))
    h["VTWR"][0, 0, 1, 0], h["VTWR"][0, 0, 0, 1] = 1.0, 0.5
    h["VST"] = np.array([[1.0, 0.5]])
    h["MAKB"] = np.zeros((2, 2, 2))
    h["MAKB"][:, :, 0] = np.diag([52.5, 10.0])
    h["MAKB"][:, :, 1] = np.diag([71.0, 15.5])
    h["EVFB"] = np.zeros((1, 2, 2))
    h["EVFB"][0, :, 0] = [52.5 - 19, 10 - 3]
    h["EVFB"][0, :, 1] = [71 - 29, 15.5 - 6]
    return h


@pytest.fixture
def hand_har(tmp_path):
    path = tmp_path / "hand.har"
    write_gtap_basedata(path, SETS, hand_made_headers(), history="hand-made test database")
    return path


def test_hand_made_database_gives_the_hand_computed_mrio(hand_har):
    gtap = read_gtap_basedata(hand_har, world_output_musd=None)
    assert max(gtap.residuals.values()) < 1e-6
    mrio = global_mrio(gtap)
    # rows/cols: (aaa,gd) (aaa,otp) (bbb,gd) (bbb,otp); Y columns: aaa hh, gov, gfcf, bbb hh, gov, gfcf
    expected_Z = np.array(
        [
            [10, 2, 11 / 3, 0],  # aaa's good: own use, and 4 x 5.5/6 to bbb's firms
            [3 + 4 / 9, 1, 2 / 9, 0],  # aaa's transport: own use + 2/3 of the margins on imports
            [14 / 3, 0, 20, 4],  # bbb's good: 6 x 7/9 to aaa's firms
            [2 / 9, 0, 5 + 1 / 9, 2],  # bbb's transport: 1/3 of the margins
        ]
    )
    expected_Y = np.array(
        [  # imports per unit: 7/9 (aaa from bbb), 11/12 (bbb from aaa); margins 1/9, 1/12
            [30, 0, 5, 11 / 12, 0, 11 / 12],
            [3 + 4 / 27, 2 + 2 / 27, 0, 1 / 18, 0, 1 / 18],  # margins: 2/3 of the pool
            [14 / 9, 7 / 9, 0, 40, 0, 0],
            [2 / 27, 1 / 27, 0, 6 + 1 / 36, 2, 1 / 36],  # margins: 1/3 of the pool
        ]
    )
    np.testing.assert_allclose(mrio.Z, expected_Z, atol=2e-6)
    np.testing.assert_allclose(mrio.Y, expected_Y, atol=2e-6)
    np.testing.assert_allclose(mrio.x, [52.5, 10.0, 71.0, 15.5])
    np.testing.assert_allclose(mrio.Z.sum(1) + mrio.Y.sum(1), mrio.x, rtol=1e-6)
    # value added = output - inputs, incl. aaa's tariff (1 x 6/9 on its firms' imports)
    np.testing.assert_allclose(mrio.v[0], 52.5 - (10 + 3 + 4 / 9 + 14 / 3 + 2 / 9), atol=2e-6)


def write_raw_har(path, sets, headers, dims=None, names=None):
    """A HAR file written with harpy directly: any header name, any dimension sets (for bad files)."""
    from harpy import HarFileObj, HeaderArrayObj

    from exportpm.io.gtap import HEADER_SETS

    har = HarFileObj()
    for name, elements in sets.items():
        har.addHeaderArrayObj(HeaderArrayObj.HeaderArrayFromData(name, np.array(list(elements))))
    for name, array in headers.items():
        header_dims = (dims or {}).get(name, HEADER_SETS[name])
        descriptors = [{"name": d, "status": "k", "dim_type": "Set", "dim_desc": list(sets[d])} for d in header_dims]
        har.addHeaderArrayObj(
            HeaderArrayObj.HeaderArrayFromData(
                (names or {}).get(name, name), array.astype(np.float32), sets=descriptors
            )
        )
    har.writeToDisk(str(path))


def test_pre_v10_header_names_are_accepted(tmp_path):
    renamed = {
        "VDFB": "VDFM",
        "VMFB": "VIFM",
        "VDPB": "VDPM",
        "VMPB": "VIPM",
        "VXSB": "VXMD",
        "VMSB": "VIMS",
        "VFOB": "VXWD",
        "VCIF": "VIWS",
    }
    path = tmp_path / "v9.har"
    write_raw_har(path, SETS, hand_made_headers(), names=renamed)
    gtap = read_gtap_basedata(path, world_output_musd=None)
    np.testing.assert_allclose(global_mrio(gtap).x, [52.5, 10.0, 71.0, 15.5])


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda h: h.pop("VXSB"), "VXSB"),
        (lambda h: h.__setitem__("VDPB", np.ones((2, 3))), "VDPB"),
        (lambda h: h["VDFB"].__setitem__((0, 0, 0), -1.0), "VDFB"),
        (lambda h: h["MAKB"].__setitem__((0, 0, 0), 80.0), "output_balance"),
    ],
)
def test_corrupt_databases_are_rejected_naming_file_and_field(tmp_path, mutate, field):
    headers = hand_made_headers()
    mutate(headers)
    path = tmp_path / "bad.har"
    sets = {**SETS, "XTRA": ("a", "b", "c")}
    write_raw_har(path, sets, headers, dims={"VDPB": ("COMM", "XTRA")} if headers["VDPB"].shape == (2, 3) else None)
    with pytest.raises(InputError, match=rf"bad\.har: field '{field}"):
        read_gtap_basedata(path, world_output_musd=None)


def test_not_a_har_file(tmp_path):
    path = tmp_path / "junk.har"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(InputError, match=r"junk\.har: field"):
        read_gtap_basedata(path)
