"""Locale formatting of manager tables (kpi_lib.report.formatting), checked against CLDR forms."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from kpi_lib.report.formatting import (
    format_currency,
    format_date,
    format_indicator,
    format_number,
    format_percent,
    manager_table,
)


@pytest.mark.parametrize(
    "language, expected",
    [
        # CLDR: en and zh use "," grouping and "." decimals; the yuan sign is "CN¥" in en
        ("en", ("1,234,567.9", "12.5%", "CN¥16,382", "Oct 31, 2026")),
        ("zh-Hans", ("1,234,567.9", "12.5%", "¥16,382", "2026年10月31日")),
        ("zh-Hant", ("1,234,567.9", "12.5%", "CN¥16,382", "2026年10月31日")),
    ],
)
def test_values_follow_the_locale(language, expected):
    got = (
        format_number(1234567.89, language),
        format_percent(0.125, language, digits=1),
        format_currency(16381.68, language),
        format_date("2026-10-31", language),
    )
    assert got == expected


def test_money_rounds_half_up_as_payroll_does():
    assert format_currency(0.5) == "CN¥1" and format_currency(2.5) == "CN¥3"
    assert format_number(2.675, digits=2) == "2.68"  # not 2.67 from the binary float
    assert format_currency(-1234.5) == "-CN¥1,235"


@pytest.mark.parametrize("missing", [None, np.nan, math.inf, -math.inf, pd.NA, pd.NaT])
def test_missing_values_read_no_data(missing):
    assert format_number(missing) == "no data"
    assert format_percent(missing, "zh-Hans") == "无数据"
    assert format_indicator("sales_amount", missing, "zh-Hant") == "無數據"


def test_indicator_units():
    assert format_indicator("conversion_rate", 0.1234) == "12.3%"
    assert format_indicator("sales_amount", 41240.4, "zh-Hans") == "¥41,240"
    assert format_indicator("effective_calls", 35.0) == "35"


def test_manager_table_has_labels_no_index_and_no_raw_values():
    df = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3"],
            "composite": [81.26, np.nan, 12.0],
            "eligible": [True, False, None],
            "sales_amount": [1000.0, np.inf, 0.0],
        }
    )
    columns = {
        "agent_id": ("col.agent", "text"),
        "composite": ("col.composite", "score"),
        "eligible": ("col.eligible", "flag"),
        "sales_amount": ("indicator:sales_amount", "indicator:sales_amount"),
    }
    table = manager_table(df, columns, language="en")
    assert list(table.columns) == ["agent", "composite", "eligible", "Sales amount"]
    shown = " ".join(table.astype(str).to_numpy().ravel())
    for raw in ("nan", "NaN", "inf", "True", "False", "None", "<NA>"):
        assert raw not in shown.split()
    assert table.iloc[0].tolist() == ["A1", "81", "yes", "CN¥1,000"]
    assert table.iloc[1].tolist() == ["A2", "no data", "no", "no data"]
    zh = manager_table(df, columns, language="zh-Hans")
    assert list(zh.columns)[:3] == ["坐席", "综合得分", "符合资格"]
    with pytest.raises(ValueError, match="Unknown column kind"):
        manager_table(df, {"agent_id": ("col.agent", "colour")})


def test_the_message_catalogue_has_no_key_twice():
    """A dict literal keeps the last of two equal keys silently; with several people adding
    sentences, a second entry would replace the first everywhere."""
    import ast
    from pathlib import Path

    from kpi_lib.report import review_text

    tree = ast.parse(Path(review_text.__file__).read_text("utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            repeated = sorted({k for k in keys if keys.count(k) > 1})
            assert not repeated, f"keys given twice in review_text: {repeated}"
