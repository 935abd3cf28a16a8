"""The shared table reader and validation layer: encodings, empty files, aliases, numbers, pandera schemas."""

from __future__ import annotations

import pandera.pandas as pa
import pytest

from exportpm.errors import InputError
from exportpm.io.tabular import finite, numeric, read_table, validate_frame

TEXT = "# provenance line\n商品编码,美元\n01012100,5.5\n85171200,7\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_read_table_decodes_chinese_headers_in_every_encoding(tmp_path, encoding):
    path = tmp_path / "customs.csv"
    path.write_bytes(TEXT.encode(encoding))
    frame = read_table(path, ["hs_code", "value_usd"], aliases={"hs_code": ["商品编码"], "value_usd": ["美元"]})
    assert frame["hs_code"].tolist() == ["01012100", "85171200"]
    assert numeric(frame, "value_usd", path).tolist() == [5.5, 7.0]


@pytest.mark.parametrize(
    ("text", "field"), [("", "<file>"), ("# only a comment\n", "<table>"), ("a,b\n", "<rows>"), ("x,y\n1,2\n", "a, b")]
)
def test_read_table_rejects_empty_header_only_and_missing_columns(tmp_path, text, field):
    path = tmp_path / "table.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=f"table.csv: field '{field}'"):
        read_table(path, ["a", "b"])


@pytest.mark.parametrize("cell", ["inf", "-inf", "nan", "", "abc"])
def test_numeric_rejects_infinities_nan_blanks_and_text(tmp_path, cell):
    path = tmp_path / "values.csv"
    path.write_text(f"key,value\nA,1\nB,{cell}\n", encoding="utf-8")
    frame = read_table(path, ["value"])
    with pytest.raises(InputError, match="field 'value'"):
        numeric(frame, "value", path)


def test_numeric_allows_blank_only_when_asked(tmp_path):
    path = tmp_path / "prices.csv"
    path.write_text("key,price\nA,1\nB,\n", encoding="utf-8")
    values = numeric(read_table(path), "price", path, allow_blank=True)
    assert values.iloc[0] == 1 and values.isna().iloc[1]


def test_validate_frame_names_every_failing_field(tmp_path):
    path = tmp_path / "gains.csv"
    path.write_text("region,value\nCN-BJ,1\nCN-BJ,-2\n", encoding="utf-8")
    frame = read_table(path, ["region", "value"])
    frame["value"] = numeric(frame, "value", path)
    schema = pa.DataFrameSchema({"value": pa.Column(float, [pa.Check.ge(0), finite()])}, unique=["region"])
    with pytest.raises(InputError) as raised:
        validate_frame(frame, schema, path)
    message = str(raised.value)
    assert "gains.csv" in message and "region" in message and "value" in message and "-2.0" in message
