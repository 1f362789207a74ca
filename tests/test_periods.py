"""Tests of period labels and boundaries."""

from datetime import date

import pandas as pd
import pytest

from kpi_lib.indicators.periods import (
    CYCLES,
    cycle_label_granularity,
    cycle_scoring_cycle,
    cycle_scoring_granularity,
    next_period,
    parse_period,
    period_bounds,
    period_label,
    period_labels,
    period_order,
    period_start,
    periods_between,
    previous_period,
)


@pytest.mark.parametrize(
    ("ts", "gran", "expected"),
    [
        ("2026-10-21 13:00", "month", "2026-10"),
        ("2026-10-21", "quarter", "2026-Q4"),
        ("2026-02-01", "quarter", "2026-Q1"),
        ("2026-10-21", "year", "2026"),
        ("2026-10-21", "week", "2026-W43"),
        # ISO week-numbering year differs from the calendar year at the edges
        ("2025-12-29", "week", "2026-W01"),
        ("2027-01-01", "week", "2026-W53"),
    ],
)
def test_period_label(ts, gran, expected):
    assert period_label(ts, gran) == expected
    # the reference: Python's own ISO calendar
    if gran == "week":
        y, w, _ = date.fromisoformat(ts[:10]).isocalendar()
        assert expected == f"{y}-W{w:02d}"


def test_timezone_decides_boundary():
    # 2026-10-31 20:00 UTC is already 1 November in Shanghai (UTC+8)
    ts = pd.Timestamp("2026-10-31 20:00", tz="UTC")
    assert period_label(ts, "month", timezone="Asia/Shanghai") == "2026-11"
    assert period_label(ts, "month", timezone="UTC") == "2026-10"
    with pytest.raises(ValueError, match="timezone"):
        period_label(ts, "month")


def test_vectorised_matches_scalar():
    ts = pd.Series(pd.date_range("2025-12-20", "2027-01-10", freq="37h"))
    for gran in ("week", "month", "quarter", "year"):
        got = period_labels(ts, gran)
        assert got.tolist() == [period_label(t, gran) for t in ts]
        starts = period_start(ts, gran)
        assert starts.tolist() == [period_start(t, gran) for t in ts]


def test_bounds_and_neighbours():
    assert period_bounds("2026-Q4") == (
        pd.Timestamp("2026-10-01"), pd.Timestamp("2027-01-01"), "quarter",
    )  # fmt: skip
    start, end, gran = period_bounds("2026-W01")
    assert (start, end, gran) == (pd.Timestamp("2025-12-29"), pd.Timestamp("2026-01-05"), "week")
    assert period_bounds("2026-10") == (
        pd.Timestamp("2026-10-01"), pd.Timestamp("2026-11-01"), "month",
    )  # fmt: skip
    assert period_bounds("2026") == (pd.Timestamp("2026-01-01"), pd.Timestamp("2027-01-01"), "year")
    assert period_bounds("2026-W43")[0] == pd.Timestamp.fromisocalendar(2026, 43, 1)
    with pytest.raises(ValueError, match="2026-Q4"):
        period_bounds("Oct 2026")
    assert previous_period("2026-01") == "2025-12"
    assert previous_period("2026-Q1") == "2025-Q4"
    assert previous_period("2026-W01") == "2025-W52"
    assert next_period("2026-W53") == "2027-W01"
    assert next_period("2026") == "2027"


def test_periods_between():
    assert periods_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert periods_between("2026-01-15", "2026-07-01", "quarter") == [
        "2026-Q1",
        "2026-Q2",
        "2026-Q3",
    ]
    assert len(periods_between("2026-W01", "2026-W53")) == 53
    with pytest.raises(ValueError, match="before"):
        periods_between("2026-05", "2026-01")


@pytest.mark.parametrize("bad", ["2026-13", "26-10", "2026-Q5", "2025-W53", "Oct 2026"])
def test_parse_errors_are_clear(bad):
    with pytest.raises(ValueError, match=r"2026-W43|no week"):
        parse_period(bad)


def test_period_order_of_labels():
    # time order, not text order: 2026-W05 is before 2026-W10 and 2025-W52 before both
    assert period_order(["2026-W10", "2025-W52", "2026-W05", "2026-W10"]) == [
        "2025-W52",
        "2026-W05",
        "2026-W10",
    ]
    assert period_order(pd.Series(["2026-02", None, "2025-11"])) == ["2025-11", "2026-02"]
    assert period_order("2026-Q3") == ["2026-Q3"]
    assert period_order([]) == []
    # same start: the shorter period first
    assert period_order(["2026", "2026-Q1", "2026-01"]) == ["2026-01", "2026-Q1", "2026"]
    with pytest.raises(ValueError, match="2026-W43"):
        period_order(["2026-01", "January"])


def test_period_order_of_an_indicator_table():
    table = pd.DataFrame(
        {
            "period": pd.Categorical(["2026-03", "2025-12", "2026-03", "2026-01"]),
            "period_start": pd.to_datetime(
                ["2026-03-01", "2025-12-01", "2026-03-01", "2026-01-01"]
            ),
        }
    )
    assert period_order(table) == ["2025-12", "2026-01", "2026-03"]
    # without period_start the labels are parsed
    assert period_order(table[["period"]]) == ["2025-12", "2026-01", "2026-03"]
    # period_start wins over the labels (a table with custom period names)
    custom = pd.DataFrame(
        {"period": ["late", "early"], "period_start": pd.to_datetime(["2026-02-01", "2026-01-01"])}
    )
    assert period_order(custom) == ["early", "late"]
    with pytest.raises(KeyError, match="no `period` column"):
        period_order(table[["period_start"]])


@pytest.mark.parametrize(
    ("cycle", "label", "scoring_cycle", "scoring"),
    [
        ("weekly", "week", "monthly", "month"),
        ("monthly", "month", "monthly", "month"),
        ("quarterly", "quarter", "quarterly", "quarter"),
        ("annual", "year", "annual", "year"),
    ],
)
def test_cycles(cycle, label, scoring_cycle, scoring):
    assert cycle in CYCLES
    assert cycle_label_granularity(cycle) == label
    assert cycle_scoring_cycle(cycle) == scoring_cycle
    assert cycle_scoring_granularity(cycle) == scoring
    # a label of the cycle parses to the cycle's label granularity
    assert parse_period(period_label("2026-10-21", label)).granularity == label


@pytest.mark.parametrize(
    "fn", [cycle_label_granularity, cycle_scoring_cycle, cycle_scoring_granularity]
)
def test_bad_cycle_is_named(fn):
    with pytest.raises(ValueError, match=r"`cycle` must be one of \['weekly', 'monthly'"):
        fn("daily")
