"""Layer-free helpers (kpi_lib._util): spreadsheet-safe CSV output."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from kpi_lib._util import (
    FORMULA_PREFIXES,
    neutralise_formula,
    neutralise_formulas,
    restore_formula,
    restore_formulas,
    write_csv,
)

#: One payload per prefix (OWASP CSV injection).
PAYLOADS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def test_payloads_cover_every_prefix():
    assert {p[0] for p in PAYLOADS} == set(FORMULA_PREFIXES)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_prefix_gets_an_apostrophe_and_comes_back(payload):
    assert neutralise_formula(payload) == "'" + payload
    assert restore_formula(neutralise_formula(payload)) == payload
    # already-apostrophed text gets one more, so the round trip is exact
    assert neutralise_formula("'" + payload) == "''" + payload
    assert restore_formula(neutralise_formula("'" + payload)) == "'" + payload


@pytest.mark.parametrize("value", ["A-1", "ok", "", "'plain", " =1", -5, -1.5, 0, None, np.nan])
def test_other_values_are_left_alone(value):
    assert neutralise_formula(value) is value
    assert restore_formula(value) is value


def test_frame_text_cells_only_numbers_stay_numbers():
    df = pd.DataFrame(
        {
            "text": PAYLOADS,
            "object": pd.Series(["-1", -1, np.nan, "=x", 2.5, None], dtype=object),
            "string": pd.array([*PAYLOADS[:5], pd.NA], dtype="string"),
            "category": pd.Categorical(["=a", "=a", "b", "+c", "b", "b"]),
            "number": [-1.0, -2.0, 3.0, np.nan, 5.0, 6.0],
            "int": [-1, -2, 3, 4, 5, 6],
            "when": pd.to_datetime(["2026-01-01"] * 6),
            "flag": [True, False] * 3,
        }
    )
    before = df.copy()
    out = neutralise_formulas(df)
    pd.testing.assert_frame_equal(df, before)  # a copy: the input is unchanged
    assert out["text"].tolist() == ["'" + p for p in PAYLOADS]
    assert out["object"].tolist()[:2] == ["'-1", -1]
    assert out["object"].tolist()[3:5] == ["'=x", 2.5]
    assert out["string"].tolist()[:5] == ["'" + p for p in PAYLOADS[:5]]
    assert out["string"].isna().tolist()[5]
    assert out["category"].tolist() == ["'=a", "'=a", "b", "'+c", "b", "b"]
    for col in ("number", "int", "when", "flag"):
        pd.testing.assert_series_equal(out[col], df[col])
    back = restore_formulas(out)
    for col in df.columns:
        assert (
            back[col].astype(object).fillna("<NA>").tolist()
            == df[col].astype(object).fillna("<NA>").tolist()
        ), col


def test_column_labels_and_duplicate_names():
    df = pd.DataFrame([["=1", "=2"]], columns=["=a", "=a"])
    out = neutralise_formulas(df)
    assert out.columns.tolist() == ["'=a", "'=a"]
    assert out.iloc[0].tolist() == ["'=1", "'=2"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_write_csv_each_prefix_is_one_safe_cell(payload, tmp_path):
    path = tmp_path / "t.csv"
    write_csv(pd.DataFrame({"id": [payload, "A1"], "x": [-1.5, 2.0]}), path)
    raw = path.read_bytes().decode("utf-8")
    # one row per record: a carriage return inside a cell is quoted, so it cannot start a new
    # row whose first cell would again be a formula
    rows = list(csv.reader(io.StringIO(raw, newline="")))
    assert rows == [["id", "x"], ["'" + payload, "-1.5"], ["A1", "2.0"]]
    assert raw.count("\r\n") == 3
    back = pd.read_csv(path, dtype={"id": str})
    assert back["id"].tolist() == ["'" + payload, "A1"]
    assert back["x"].tolist() == [-1.5, 2.0]  # negative numbers stay numbers
    assert restore_formulas(back)["id"].tolist() == [payload, "A1"]
