"""Readers of the economic inputs, per distributed layout: each layout is written here from known arrays and
read back exactly; integrity checks reject what a real user's damaged file would look like."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from harpy import HarFileObj, HeaderArrayObj
from test_gtap_mrio import SETS, hand_made_headers

from exportpm.errors import InputError
from exportpm.io.ceads import read_ceads_mrio, write_ceads_mrio
from exportpm.io.customs import platform_export, read_concordance, read_customs
from exportpm.io.gtap import (
    HEADER_SETS,
    PARAMETER_SETS,
    check_har_records,
    read_gtap_basedata,
    read_gtap_sets,
    read_har_headers,
    write_gtap_release,
    write_gtap_sets,
)
from exportpm.io.yearbook import read_agriculture_output, read_cattle, read_wood_furniture
from exportpm.mrio.gtap import global_mrio
from exportpm.resources import RESOURCES_DIR, resource

PARAMETERS = {"ESBD": np.full((2, 2), 3.0), "ESBM": np.full((2, 2), 6.0), "ESBV": np.ones((2, 2))}
RATES = {"RTMS": np.full((2, 2, 2), 5.0), "RTXS": np.zeros((2, 2, 2))}


def write_har(path, arrays):
    """Headers written with harpy directly: name -> (array, [(set name, labels)] or None)."""
    har = HarFileObj()
    for name, (array, dims) in arrays.items():
        if array.dtype.kind in "US":
            har.addHeaderArrayObj(HeaderArrayObj.HeaderArrayFromData(name, array, long_name=f"Set {name}"))
            continue
        sets = (
            None
            if dims is None
            else [{"name": d, "status": "k", "dim_type": "Set", "dim_desc": list(labels)} for d, labels in dims]
        )
        kwargs = {} if sets is None else {"sets": sets}
        header = HeaderArrayObj.HeaderArrayFromData(name, array.astype(np.float32), **kwargs)
        if sets is None:
            del header["sets"]  # harpy writes a 2-D array without the key as 2R (with it: RL, which it cannot read)
        har.addHeaderArrayObj(header)
    har.writeToDisk(str(path))


def labelled(headers, sets=SETS, names=None):
    return {(names or {}).get(k, k): (v, [(d, sets[d]) for d in HEADER_SETS[k]]) for k, v in headers.items()}


@pytest.fixture
def release(tmp_path):
    write_gtap_release(tmp_path, SETS, hand_made_headers(), PARAMETERS, RATES, "hand-made release")
    return tmp_path


def test_release_layout_reads_back_exactly(release):
    gtap = read_gtap_basedata(release / "basedata.har", release / "sets.har", world_output_musd=None)
    assert gtap.regions == SETS["REG"] and gtap.sectors == SETS["COMM"] and gtap.margins == SETS["MARG"]
    assert gtap.sets["ENDW"] == ("Capital",)
    for name, array in hand_made_headers().items():
        np.testing.assert_array_equal(gtap.headers[name], array.astype(np.float32).astype(np.float64), err_msg=name)
    assert not gtap.reordered
    # the data file alone carries every label (set descriptors); the sets file is a check, not a need
    alone = read_gtap_basedata(release / "basedata.har", world_output_musd=None)
    assert alone.regions == SETS["REG"]
    assert "REG" not in read_har_headers(release / "basedata.har")
    assert read_gtap_sets(release / "sets.har")["MARG"] == ("otp",)
    prm = read_har_headers(release / "default.prm", ["esbd", "ESBM"])
    np.testing.assert_array_equal(prm["ESBD"], PARAMETERS["ESBD"])
    assert set(PARAMETERS) | set(RATES) <= set(PARAMETER_SETS)
    np.testing.assert_array_equal(read_har_headers(release / "baserate.har")["RTMS"], RATES["RTMS"])


def test_sets_in_another_order_are_matched_by_label_not_position(release, tmp_path):
    """sets.har lists bbb before aaa: the data are re-ordered by their own labels, never mislabelled."""
    swapped = tmp_path / "swapped_sets.har"
    write_har(
        swapped,
        {
            "REG": (np.array(["bbb", "aaa"]), None),
            "COMM": (np.array(["gd", "otp"]), None),
            "ACTS": (np.array(["gd", "otp"]), None),
            "MARG": (np.array(["otp"]), None),
        },
    )
    gtap = read_gtap_basedata(release / "basedata.har", swapped, world_output_musd=None)
    assert gtap.regions == ("bbb", "aaa")
    assert "VDFB REG" in gtap.reordered
    np.testing.assert_allclose(global_mrio(gtap).x, [71.0, 15.5, 52.5, 10.0])
    assert gtap.headers["VXSB"][0, 1, 0] == 5.5 and gtap.headers["VXSB"][0, 0, 1] == 7.0  # aaa -> bbb, bbb -> aaa
    # one header whose own labels differ in order from the others is aligned too
    headers = labelled(hand_made_headers())
    array, dims = headers["VMSB"]
    headers["VMSB"] = (array[:, ::-1, ::-1], [dims[0], ("REG", ("bbb", "aaa")), ("REG", ("bbb", "aaa"))])
    path = tmp_path / "mixed.har"
    write_har(path, headers)
    mixed = read_gtap_basedata(path, world_output_musd=None)
    np.testing.assert_array_equal(mixed.headers["VMSB"], hand_made_headers()["VMSB"])


def test_other_elements_in_sets_file_are_rejected(release, tmp_path):
    other = tmp_path / "other_sets.har"
    write_har(
        other,
        {
            "REG": (np.array(["aaa", "ccc"]), None),
            "COMM": (np.array(["gd", "otp"]), None),
            "ACTS": (np.array(["gd", "otp"]), None),
            "MARG": (np.array(["otp"]), None),
        },
    )
    with pytest.raises(InputError, match=r"basedata\.har: field 'VDFB REG'.*other_sets\.har.*ccc"):
        read_gtap_basedata(release / "basedata.har", other, world_output_musd=None)


def test_header_names_are_case_insensitive_and_pre_v10_names_accepted(tmp_path):
    names = {"VDFB": "vdfm", "VXSB": "Vxmd", "MAKB": "makb"}
    path = tmp_path / "lower.har"
    write_har(path, labelled(hand_made_headers(), names=names))
    gtap = read_gtap_basedata(path, world_output_musd=None)
    np.testing.assert_array_equal(gtap.headers["VDFB"], hand_made_headers()["VDFB"])
    np.testing.assert_allclose(global_mrio(gtap).x, [52.5, 10.0, 71.0, 15.5])


def test_every_missing_header_is_named_at_once(tmp_path):
    headers = hand_made_headers()
    for name in ("VXSB", "VTWR", "EVFB"):
        headers.pop(name)
    path = tmp_path / "partial.har"
    write_har(path, labelled(headers))
    with pytest.raises(InputError, match=r"field 'VXSB \(or pre-v10 VXMD\), VTWR.*, EVFB'"):
        read_gtap_basedata(path, world_output_musd=None)


def test_headers_without_descriptors_take_labels_from_the_sets_file(release, tmp_path):
    """2-D headers written without set descriptors (2R arrays): labels from sets.har or the other headers."""
    path = tmp_path / "unlabelled.har"
    headers = labelled(hand_made_headers())
    write_har(path, {k: (v, None if v.ndim == 2 else dims) for k, (v, dims) in headers.items()})
    for sets_path in (release / "sets.har", None):
        gtap = read_gtap_basedata(path, sets_path, world_output_musd=None)
        np.testing.assert_array_equal(gtap.headers["VDPB"], hand_made_headers()["VDPB"])
    write_har(
        path, {k: (v[:1] if k == "VDPB" else v, None if v.ndim == 2 else dims) for k, (v, dims) in headers.items()}
    )
    with pytest.raises(InputError, match=r"unlabelled\.har: field 'VDPB'.*2 elements of COMM"):
        read_gtap_basedata(path, release / "sets.har", world_output_musd=None)


@pytest.mark.parametrize("cut", [0.3, 0.5, 0.8, 0.999])
def test_truncated_har_is_rejected_naming_the_header_and_prints_nothing(release, cut, capfd):
    path = release / "basedata.har"
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(InputError, match=r"basedata\.har: field 'header [A-Z]{2,4}'.*truncated"):
        read_gtap_basedata(path, release / "sets.har", world_output_musd=None)
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def test_record_walk_counts_records(release):
    assert check_har_records(release / "basedata.har") > 3 * len(hand_made_headers())


def test_harpy_exceptions_are_wrapped_and_silenced(release, capfd):
    """A record whose inner sizes lie (lengths intact) reaches harpy, which raises: wrapped, stack trace muted."""
    path = release / "basedata.har"
    data = bytearray(path.read_bytes())
    position = data.index(b"VDFB") + 8  # the second record of VDFB: 4 blanks, type, storage, long name, ...
    data[position + 4 : position + 6] = b"ZZ"  # unknown data type / version
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match=r"basedata\.har: field 'VDFB'.*readable header"):
        read_gtap_basedata(path, world_output_musd=None)
    assert capfd.readouterr().err == ""


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda h: h["VDFB"].__setitem__(Ellipsis, 0.0), "VDFB"),
        (lambda h: h["VST"].__setitem__((0, 0), np.nan), "VST"),
        (lambda h: h["MAKB"].__setitem__((0, 1, 0), 5.0), "MAKB"),
    ],
)
def test_value_checks(tmp_path, mutate, field):
    headers = hand_made_headers()
    mutate(headers)
    path = tmp_path / "bad.har"
    write_har(path, labelled(headers))
    with pytest.raises(InputError, match=rf"bad\.har: field '{field}'"):
        read_gtap_basedata(path, world_output_musd=None)


def test_duplicated_region_is_rejected(tmp_path):
    sets = {**SETS, "REG": ("aaa", "aaa")}
    path = tmp_path / "dup.har"
    write_har(path, labelled(hand_made_headers(), sets=sets))
    with pytest.raises(InputError, match=r"dup\.har: field 'VDFB REG'.*each element once.*aaa"):
        read_gtap_basedata(path, world_output_musd=None)


def test_values_in_us_dollars_are_rejected_by_the_world_output_range(tmp_path):
    headers = {k: v * 1e6 for k, v in hand_made_headers().items()}  # 150 US$ million world ... in US$ * 1e6
    path = tmp_path / "usd.har"
    write_har(path, labelled({k: v * 1e6 for k, v in headers.items()}))
    with pytest.raises(InputError, match=r"usd\.har: field 'MAKB'.*US\$ million.*not US\$ million"):
        read_gtap_basedata(path)
    # the same database at a plausible scale passes
    write_har(path, labelled({k: v * 1e6 for k, v in hand_made_headers().items()}))
    assert read_gtap_basedata(path).world_output == pytest.approx(1.49e8)


# --------------------------------------------------------------------------------------------------- customs

RECORDS = pd.DataFrame(
    {
        "province": ["CN-HE", "CN-JS", "CN-JS", "CN-SC"],
        "hs_code": ["10011000", "84713000", "84713000", "02013000"],
        "partner_iso3": ["USA", "JPN", "DEU", "ATA"],
        "trade_mode": [
            "general trade",
            "processing trade with imported materials",
            "general trade",
            "border small-scale trade",
        ],
        "flow": ["export", "export", "import", "import"],
        "value_usd": [1_250_000.0, 3_000_000.0, 2_000_000.0, 500_000.0],
    }
)
CONCORDANCE = "hs6,gtap_code\n100110,wht\n847130,ele\n020130,cmt\n"
DIMS = (("CN-HE", "CN-JS", "CN-SC"), ("wht", "cmt", "ele"), ("usa", "deu", "jpn", "xtw"))


def expected_flows(excluded=()):
    """The known records aggregated by hand: [province, sector, region], US$ million."""
    exports, imports = np.zeros((3, 3, 4)), np.zeros((3, 3, 4))
    exports[0, 0, 0] = 1.25
    if "processing trade with imported materials" not in excluded:
        exports[1, 2, 2] = 3.0
    imports[1, 2, 1] = 2.0
    imports[2, 1, 3] = 0.5
    return exports, imports


def read_flows(path, tmp_path, excluded=()):
    concordance = tmp_path / "hs6.csv"
    concordance.write_text(CONCORDANCE, encoding="utf-8")
    return read_customs(path, concordance, RESOURCES_DIR / "gtap11_regions.csv", *DIMS, list(excluded))


@pytest.mark.parametrize("encoding", ["gb18030", "utf-8", "utf-8-sig"])
def test_platform_export_reads_back_exactly(tmp_path, encoding):
    path = tmp_path / "export.csv"
    export = platform_export(RECORDS)
    assert list(export["贸易伙伴编码"]) == ["502", "116", "304", "701"]
    assert list(export["注册地编码"].str[:2]) == ["13", "32", "32", "51"]
    path.write_bytes(export.to_csv(index=False).encode(encoding))
    flows = read_flows(path, tmp_path, ["processing trade with imported materials"])
    exports, imports = expected_flows(["processing trade with imported materials"])
    np.testing.assert_array_equal(flows.exports, exports)
    np.testing.assert_array_equal(flows.imports, imports)
    assert flows.excluded_share["export"] == pytest.approx(3.0 / 4.25)


def test_english_layout_and_partner_by_name_or_iso3(tmp_path):
    path = tmp_path / "customs.csv"
    RECORDS.replace({"ATA": "xtw-unknown"}).assign(partner_iso3=["USA", "JPN", "DEU", "701"]).to_csv(path, index=False)
    flows = read_flows(path, tmp_path)
    np.testing.assert_array_equal(flows.exports, expected_flows()[0])
    # partner names only (Chinese), province names with suffixes, values in 10^3 US$
    export = platform_export(RECORDS).drop(columns=["贸易伙伴编码", "注册地编码"])
    export["注册地名称"] = ["河北省", "江苏省", "江苏省", "四川省"]
    export["千美元"] = (RECORDS["value_usd"] / 1e3).map(lambda v: f"{v:g}")
    export = export.drop(columns=["美元"])
    path.write_bytes(export.to_csv(index=False).encode("gb18030"))
    flows = read_flows(path, tmp_path)
    np.testing.assert_allclose(flows.imports, expected_flows()[1], rtol=1e-15)


def test_china_as_partner_is_left_out_and_reported(tmp_path):
    path = tmp_path / "customs.csv"
    records = pd.concat([RECORDS, RECORDS.iloc[[0]].assign(partner_iso3="CHN", flow="import")], ignore_index=True)
    platform_export(records).to_csv(path, index=False)
    flows = read_flows(path, tmp_path)
    np.testing.assert_array_equal(flows.imports, expected_flows()[1])
    assert flows.home_share["import"] == pytest.approx(1.25 / 3.75)


def test_identical_concordance_repeats_are_harmless(tmp_path):
    path = tmp_path / "hs6.csv"
    path.write_text(CONCORDANCE + "100110,wht\n", encoding="utf-8")
    assert read_concordance(path)["100110"] == "wht"


def test_partner_table_covers_every_gtap_region():
    partners = resource("customs_partner_codes")
    coded = set(partners["iso3"])
    regions = resource("gtap11_regions")
    uncovered = [
        c for c, m in zip(regions["code"], regions["iso3_members"], strict=True) if not set(m.split(";")) & coded
    ]
    assert uncovered == ["xtw"] and partners.set_index("customs_code").at["701", "gtap_region"] == "xtw"
    assert partners["customs_code"].is_unique and partners["iso3"][partners["iso3"] != ""].is_unique


# --------------------------------------------------------------------------------------------------- yearbooks


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_yearbooks_read_back_exactly_in_every_encoding(tmp_path, encoding):
    agriculture = tmp_path / "agri.csv"
    agriculture.write_bytes(
        (
            "# note\n地区,项目,总产值(亿元)\n河北省,total,6100.5\n河北省,grains,1200.25\n13,rice,3.5\n"
            "CN-HE,wheat,800\n广西壮族自治区,total,4000\n"
        ).encode(encoding)
    )
    wide = read_agriculture_output(agriculture)
    assert wide.at["CN-HE", "grains"] == 1200.25 and wide.at["CN-HE", "rice"] == 3.5
    assert wide.at["CN-GX", "total"] == 4000.0 and wide.at["CN-GX", "grains"] == 0.0
    cattle = tmp_path / "cattle.csv"
    cattle.write_bytes(
        "province,beef_production_10k_t,beef_price_cny_per_kg\n内蒙古,60.5,65.25\nCN-SD,70,\n".encode(encoding)
    )
    table = read_cattle(cattle)
    assert table.at["CN-NM", "price_cny_per_kg"] == 65.25 and np.isnan(table.at["CN-SD", "price_cny_per_kg"])
    wood = tmp_path / "wood.csv"
    wood.write_bytes(
        "province,wood_processing_output_100m_cny,furniture_output_100m_cny\n广东,300,100\n".encode(encoding)
    )
    assert read_wood_furniture(wood).to_dict() == {"CN-GD": 0.25}


# --------------------------------------------------------------------------------------------------- CEADs


def ceads_arrays(P=2, K=3, seed=1):
    """A balanced provincial table from known arrays (10^4 CNY): other closes the rows, VA the columns."""
    rng = np.random.default_rng(seed)
    n = P * K
    Z = rng.integers(1, 50, (n, n)).astype(float)
    FD = rng.integers(0, 40, (n, 5 * P)).astype(float)
    exports, imports = rng.integers(0, 30, n).astype(float), rng.integers(0, 20, n).astype(float)
    output = Z.sum(1) + FD.sum(1) + exports - imports + rng.integers(0, 5, n)
    other = output - (Z.sum(1) + FD.sum(1) + exports - imports)
    va_total = output - Z.sum(0)
    value_added = np.vstack([va_total * 0.5, va_total * 0.25, va_total * 0.125, va_total * 0.125])  # exact in binary
    return Z, FD, exports, imports, other, value_added, output


def test_ceads_layout_written_by_the_demo_writer_reads_back_exactly(tmp_path):
    arrays = ceads_arrays()
    path = tmp_path / "ceads.xlsx"
    write_ceads_mrio(
        path,
        ["河北", "江苏"],
        ["01", "02", "06"],
        ["农业", "煤炭", "食品"],
        *arrays,
        title="2017年 区域间投入产出表 单位：万元",
    )
    table = read_ceads_mrio(path)
    for name, array in zip(("Z", "FD", "exports", "imports", "other", "value_added", "output"), arrays, strict=True):
        np.testing.assert_array_equal(getattr(table, name), array, err_msg=name)
    assert table.provinces == ["河北", "江苏"] and table.sectors == ["01", "02", "06"]
    assert table.units.startswith("万元") and max(table.residuals.values()) < 1e-15


def test_ceads_writer_writes_the_bytes_openpyxl_writes_cell_by_cell(tmp_path):
    """The spliced numeric cells are openpyxl's own (%.16g, empty values for NaN and infinities): the file is
    byte for byte the one openpyxl's write-only sheet writes when every row is appended whole."""
    from openpyxl import Workbook

    from exportpm.io import ceads

    Z, FD, exports, imports, other, value_added, output = ceads_arrays()
    Z[0, :4] = [np.nan, np.inf, -np.inf, -0.0]
    FD[1, :3] = [1e-300, 123456789.123456789, -2.5e17]
    args = (["河北", "江 苏 "], ["01", "02", "06"], ["农业 & <林>", " 煤炭", "食品"])
    arrays = (Z, FD, exports, imports, other, value_added, output)
    ceads.write_ceads_mrio(tmp_path / "fast.xlsx", *args, *arrays, title="单位：万元 ")

    provinces, codes, names = args
    P, K = len(provinces), len(codes)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(ceads.SHEET)
    ws.append(["单位：万元 "])
    province_row = ["地区", None, None]
    name_row = ["", "部门", "代码"]
    code_row = [None, None, None]
    for p in range(P):
        province_row += [provinces[p]] + [None] * (K - 1)
        name_row += names
        code_row += codes
    for p in range(P):
        province_row += [provinces[p]] + [None] * (len(ceads.FD_CODES) - 1)
        name_row += list(ceads.FD_NAMES_ZH)
        code_row += list(ceads.FD_CODES)
    province_row += [None] * 4
    name_row += list(ceads.TAIL_NAMES_ZH)
    code_row += list(ceads.TAIL_CODES)
    for row in (province_row, name_row, code_row):
        ws.append(row)
    tail = np.column_stack([exports, imports, other, output])
    for r in range(P * K):
        p, k = divmod(r, K)
        ws.append([provinces[p] if k == 0 else None, names[k], codes[k], *Z[r], *FD[r], *tail[r]])
    va_rows = np.vstack([value_added, value_added.sum(0, keepdims=True), output[None, :]])
    for name, code, values in zip(ceads.VA_NAMES_ZH, ceads.VA_CODES, va_rows, strict=True):
        ws.append([name, name, code, *values.tolist()])
    wb.save(tmp_path / "cell_by_cell.xlsx")
    ceads.normalise_xlsx(tmp_path / "cell_by_cell.xlsx")
    assert (tmp_path / "fast.xlsx").read_bytes() == (tmp_path / "cell_by_cell.xlsx").read_bytes()


def test_ceads_other_layout_found_by_labels_and_unit_converted(tmp_path):
    """English labels, two label columns, province names with suffixes, a differently named single sheet, 亿元."""
    from openpyxl import Workbook

    Z, FD, exports, imports, other, value_added, output = ceads_arrays(P=2, K=2, seed=3)
    provinces, codes = ["Hebei Province", "江苏省"], ["1", "6"]
    fd_names = [
        "Rural household consumption",
        "Urban household consumption",
        "Government consumption",
        "Gross fixed capital formation",
        "Changes in inventories",
    ]
    wb = Workbook()
    ws = wb.active
    ws.title = "IRIO 2017"
    ws.append(["China MRIO 2017, 单位：亿元"])
    ws.append(["", ""])
    ws.append(
        [
            "region",
            None,
            *[p if k == 0 else None for p in provinces for k in range(2)],
            *[p if k == 0 else None for p in provinces for k in range(5)],
        ]
    )
    ws.append(["", "code", *codes * 2, *fd_names * 2, "Export", "Import", "Other", "Total output"])
    for r in range(4):
        p, k = divmod(r, 2)
        ws.append(
            [provinces[p] if k == 0 else None, codes[k], *Z[r], *FD[r], exports[r], imports[r], other[r], output[r]]
        )
    for label, values in zip(
        [
            "Compensation of employees",
            "Net taxes on production",
            "Depreciation",
            "Operating surplus",
            "Total value added",
            "Total input",
        ],
        [*value_added, value_added.sum(0), output],
        strict=True,
    ):
        ws.append([label, None, *values])
    path = tmp_path / "other_layout.xlsx"
    wb.save(path)
    table = read_ceads_mrio(path)
    assert table.provinces == ["河北", "江苏"] and table.sectors == ["01", "06"] and table.units.startswith("亿元")
    np.testing.assert_array_equal(table.Z, Z * 1e4)
    np.testing.assert_array_equal(table.FD, FD * 1e4)
    np.testing.assert_array_equal(table.output, output * 1e4)
    np.testing.assert_array_equal(table.value_added, value_added * 1e4)


def test_ceads_balance_residuals_are_reported(tmp_path):
    Z, FD, exports, imports, other, value_added, output = ceads_arrays()
    path = tmp_path / "ceads.xlsx"
    write_ceads_mrio(
        path,
        ["河北", "江苏"],
        ["01", "02", "06"],
        ["农业", "煤炭", "食品"],
        Z,
        FD,
        exports,
        imports,
        other + np.r_[0.01, np.zeros(5)],
        value_added,
        output,
        title="单位：万元",
    )
    table = read_ceads_mrio(path)
    assert table.residuals["row_balance"] == pytest.approx(0.01 / output.max())
    with pytest.raises(InputError, match=r"ceads\.xlsx: field 'row balance'"):
        read_ceads_mrio(path, balance_rtol=1e-6)


def test_tiny_release_with_reordered_sets_gives_the_permuted_mrio(tiny_world, tmp_path):
    """The demo's own release files; sets.har rewritten with regions and sectors in reverse order."""
    base = read_gtap_basedata(tiny_world / "gtap/basedata.har", tiny_world / "gtap/sets.har")
    sets = {name: tuple(reversed(v)) if name in ("REG", "COMM", "ACTS") else v for name, v in base.sets.items()}
    reversed_sets = tmp_path / "sets.har"
    write_gtap_sets(reversed_sets, sets, "test")
    gtap = read_gtap_basedata(tiny_world / "gtap/basedata.har", reversed_sets)
    assert gtap.regions == tuple(reversed(base.regions)) and gtap.sectors == tuple(reversed(base.sectors))
    x, x_base = global_mrio(gtap).x, global_mrio(base).x
    R, N = len(base.regions), len(base.sectors)
    np.testing.assert_allclose(x, x_base.reshape(R, N)[::-1, ::-1].ravel(), rtol=1e-12)
    assert gtap.world_output == pytest.approx(base.world_output, rel=1e-12)


def test_inputs_summary_reads_yearbooks_in_gb18030_with_chinese_headers(tmp_path):
    from exportpm.io.summary import summarise_csv

    path = tmp_path / "cattle.csv"
    path.write_bytes(
        "# 牛肉产量和价格\n地区,牛肉产量(万吨),牛肉价格(元/公斤)\n内蒙古自治区,60.5,65.25\n山东省,70,\n".encode(
            "gb18030"
        )
    )
    row = summarise_csv("yearbook_cattle", str(path), "beef_production_10k_t", "10^4 t", read_cattle)
    assert row["records"] == 2 and row["total"] == 130.5 and "牛肉" in row["note"]
    path.write_bytes("地区,牛肉产量(万吨),牛肉价格(元/公斤)\n山东省,70,\n山东,5,\n".encode("gb18030"))
    with pytest.raises(InputError, match=r"cattle\.csv: field 'province'.*one row per"):
        summarise_csv("yearbook_cattle", str(path), "beef_production_10k_t", "10^4 t", read_cattle)


def test_pre_v10_database_with_cgds_is_converted(tmp_path):
    """GTAP 9 layout: VDFM/VIFM/VFM over PROD_COMM (commodities + cgds), no MAKB, sets H1.. named by long name."""
    h = hand_made_headers()
    prod = ("gd", "otp", "cgds")
    vdfm = np.concatenate([h["VDFB"], h["VDIB"][:, None, :]], axis=1)
    vifm = np.concatenate([h["VMFB"], h["VMIB"][:, None, :]], axis=1)
    vfm = np.concatenate([h["EVFB"], np.zeros((1, 1, 2))], axis=1)
    sets9 = {
        "TRAD_COMM": SETS["COMM"],
        "PROD_COMM": prod,
        "REG": SETS["REG"],
        "ENDW_COMM": SETS["ENDW"],
        "MARG_COMM": SETS["MARG"],
    }
    dims9 = {
        "VDFM": ("TRAD_COMM", "PROD_COMM", "REG"),
        "VIFM": ("TRAD_COMM", "PROD_COMM", "REG"),
        "VFM": ("ENDW_COMM", "PROD_COMM", "REG"),
        "VDPM": ("TRAD_COMM", "REG"),
        "VIPM": ("TRAD_COMM", "REG"),
        "VDGM": ("TRAD_COMM", "REG"),
        "VIGM": ("TRAD_COMM", "REG"),
        "VXMD": ("TRAD_COMM", "REG", "REG"),
        "VIMS": ("TRAD_COMM", "REG", "REG"),
        "VXWD": ("TRAD_COMM", "REG", "REG"),
        "VIWS": ("TRAD_COMM", "REG", "REG"),
        "VST": ("MARG_COMM", "REG"),
        "VTWR": ("MARG_COMM", "TRAD_COMM", "REG", "REG"),
    }
    arrays = {
        "VDFM": vdfm,
        "VIFM": vifm,
        "VFM": vfm,
        "VDPM": h["VDPB"],
        "VIPM": h["VMPB"],
        "VDGM": h["VDGB"],
        "VIGM": h["VMGB"],
        "VXMD": h["VXSB"],
        "VIMS": h["VMSB"],
        "VXWD": h["VFOB"],
        "VIWS": h["VCIF"],
        "VST": h["VST"],
        "VTWR": h["VTWR"],
    }
    basedata = tmp_path / "basedata9.har"
    write_har(basedata, {k: (v, [(d, sets9[d]) for d in dims9[k]]) for k, v in arrays.items()})
    sets_har = tmp_path / "sets9.har"
    har = HarFileObj()
    for i, (name, labels) in enumerate(sets9.items()):
        har.addHeaderArrayObj(
            HeaderArrayObj.HeaderArrayFromData(f"H{i + 1}", np.array(labels), long_name=f"Set {name} of GTAP 9")
        )
    har.writeToDisk(str(sets_har))
    gtap = read_gtap_basedata(basedata, sets_har, world_output_musd=None)
    for name in ("VDFB", "VMFB", "VDIB", "VMIB", "EVFB", "VXSB", "VTWR"):
        np.testing.assert_array_equal(gtap.headers[name], h[name], err_msg=name)
    assert gtap.sets["ACTS"] == SETS["COMM"]
    np.testing.assert_allclose(global_mrio(gtap).x, [52.5, 10.0, 71.0, 15.5], rtol=1e-6)


def test_excluded_trade_modes_must_name_known_modes(tmp_path):
    from exportpm.errors import ConfigError
    from exportpm.io.customs import excluded_trade_modes

    assert excluded_trade_modes(["进料加工贸易", "20", "bonded-zone warehousing and re-exported goods"]) == [
        "processing trade with imported materials",
        "equipment imported for processing trade",
        "bonded-zone warehousing and re-exported goods",
    ]
    path = tmp_path / "export.csv"
    platform_export(RECORDS).to_csv(path, index=False)
    with pytest.raises(ConfigError, match=r"customs\.excluded_trade_modes: \['processing trade'\]"):
        read_flows(path, tmp_path, ["processing trade"])  # a typo would exclude nothing
