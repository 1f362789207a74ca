"""Locale formatting of manager tables (kpi_lib.report.formatting), checked against CLDR forms."""

from __future__ import annotations

import math
import re
from pathlib import Path

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


@pytest.mark.parametrize(
    "currency, language, expected",
    [
        # CLDR: Hong Kong dollars read HK$ everywhere; a Taiwan reader (zh-Hant, Taiwan locale)
        # sees NT dollars as plain $, an English reader as NT$
        ("HKD", "zh-Hant", "HK$16,382"),
        ("HKD", "en", "HK$16,382"),
        ("TWD", "zh-Hant", "$16,382"),
        ("TWD", "en", "NT$16,382"),
        ("CNY", "zh-Hans", "¥16,382"),
    ],
)
def test_money_is_in_the_reviews_currency(currency, language, expected):
    assert format_currency(16381.68, language, currency=currency) == expected
    assert format_indicator("sales_amount", 16381.68, language, currency=currency) == expected
    table = manager_table(
        pd.DataFrame({"bonus": [16381.68]}),
        {"bonus": ("col.bonus", "currency")},
        language=language,
        currency=currency,
    )
    assert table.iloc[0, 0] == expected


def test_a_currency_outside_iso_4217_is_refused_with_the_nearest_codes():
    from kpi_lib._util import check_currency

    assert check_currency(" hkd ") == "HKD"
    for given, hint in (("RMB", "'CNY'"), ("NTD", "'TWD'"), ("HKG", "'HKD'"), ("XYZ1", "")):
        with pytest.raises(ValueError, match="ISO 4217") as err:
            check_currency(given)
        assert repr(given) in str(err.value)
        if hint and given != "HKG":  # HKG is close to several codes; it must just be refused
            assert hint in str(err.value)
    with pytest.raises(ValueError, match="ISO 4217"):
        check_currency(3)


def test_manager_tables_align_numbers_right_and_text_left():
    from kpi_lib.report.markup import table_html

    df = pd.DataFrame(
        {
            "name": ["Li Wei", "<b>Zhou</b>"],
            "reason": ["gate failed", None],
            "bonus": [1234.5, None],
            "share": [0.5, 0.25],
            "eligible": [True, False],
        }
    )
    table = manager_table(
        df,
        {
            "name": ("col.agent", "text"),
            "reason": ("col.reason", "text"),
            "bonus": ("col.bonus", "currency"),
            "share": ("col.attainment", "percent"),
            "eligible": ("col.eligible", "flag"),
        },
    )
    html = table_html(table)
    cells = re.findall(r'<t[dh] style="text-align:(\w+)">([^<]*)<', html)
    by_column = {}
    for i, (align, _) in enumerate(cells):
        by_column.setdefault(i % 5, set()).add(align)
    assert by_column == {0: {"left"}, 1: {"left"}, 2: {"right"}, 3: {"right"}, 4: {"left"}}
    assert "&lt;b&gt;Zhou&lt;/b&gt;" in html and "<b>" not in html
    # a table that lost its recorded kinds is aligned from its cells
    plain = pd.DataFrame({"Agent": ["A0007", "Li Wei"], "Sales": ["HK$1,200", "no data"]})
    assert re.findall(r'<th style="text-align:(\w+)"', table_html(plain)) == ["left", "right"]


def test_one_collapsed_section_helper_escapes_its_summary():
    from kpi_lib.report import (
        before_after_text,
        conflict_text,
        quality_text,
        review,
        scorecard_text,
        sensitivity_text,
    )
    from kpi_lib.report.markup import details_html

    block = details_html("<script>x</script> & more", "<p>body</p>")
    assert block.startswith("<details><summary>&lt;script&gt;x&lt;/script&gt; &amp; more</summary>")
    assert "<p>body</p>" in block
    assert details_html("s", "b", open=True).startswith("<details open>")
    for module in (before_after_text, conflict_text, quality_text, review, scorecard_text,
                   sensitivity_text):  # fmt: skip
        source = Path(module.__file__).read_text("utf-8")
        assert "<summary>" not in source, module.__name__  # no second copy of the helper
