"""Tests of period labels and boundaries."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from kpi_lib.indicators.periods import (
    CYCLES,
    WorkCalendar,
    cycle_label_granularity,
    cycle_scoring_cycle,
    cycle_scoring_granularity,
    like_for_like_end,
    next_period,
    parse_period,
    parse_weekdays,
    period_bounds,
    period_complete,
    period_label,
    period_labels,
    period_order,
    period_start,
    periods_between,
    previous_period,
    working_calendar,
    working_days_between,
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


# ----------------------------------------------------------------------------- working days


def _calls(days, per_day=100):
    """Call start times: ``per_day`` calls on each day of ``days``."""
    return pd.Series(np.repeat(pd.DatetimeIndex(days), per_day)) + pd.Timedelta(hours=10)


def test_working_calendar_reads_weekdays_holidays_and_make_up_days():
    days = pd.date_range("2026-09-01", "2026-10-31", freq="D")
    worked = days[days.day_of_week < 5]
    golden_week = pd.date_range("2026-10-01", "2026-10-07")
    worked = worked.difference(golden_week).append(pd.DatetimeIndex(["2026-10-10"]))  # a Saturday
    calls = pd.concat([_calls(worked), _calls(["2026-09-12", "2026-09-19"], per_day=3)])
    cal = working_calendar(calls)
    assert cal.weekdays == (0, 1, 2, 3, 4)
    # a few Saturday calls do not make a working day; a full Saturday does
    assert cal.extra == ("2026-10-10",)
    assert cal.holidays == tuple(str(d.date()) for d in golden_week if d.day_of_week < 5)
    # hand count: October has 22 weekdays, 5 of them holidays, plus the make-up Saturday
    assert working_days_between("2026-10-01", "2026-10-31", cal) == 22 - 5 + 1
    assert working_days_between("2026-10-01", "2026-10-31", (0, 1, 2, 3, 4)) == 22
    assert working_days_between("2026-10-31", "2026-10-01", cal) == 0
    # travels as text in a review's windows
    text = cal.to_text()
    assert text["working_weekdays"] == "Mon,Tue,Wed,Thu,Fri"
    assert WorkCalendar.from_text(text) == cal
    assert WorkCalendar.from_text({}) == WorkCalendar()
    assert working_calendar(pd.Series([], dtype="datetime64[ns]")) == WorkCalendar()


def test_weekdays_are_checked():
    assert parse_weekdays("mon, Tue,WED") == (0, 1, 2)
    assert parse_weekdays("") == tuple(range(7))
    with pytest.raises(ValueError, match="'Funday' is not a weekday; write them like Mon,Tue"):
        parse_weekdays("Mon,Funday")


@pytest.mark.parametrize(
    ("label", "data_from", "data_to", "complete"),
    [
        # a week must reach its last working day (Friday), without grace
        ("2026-W42", "2026-01-05", "2026-10-16", True),
        ("2026-W42", "2026-01-05", "2026-10-15", False),
        # a month ending on a Saturday is complete on Friday; 3 days of grace for holidays
        ("2026-10", "2026-01-05", "2026-10-30", True),
        ("2026-10", "2026-01-05", "2026-10-27", True),
        ("2026-10", "2026-01-05", "2026-10-26", False),
        # the start counts too: a year whose data start in November is not complete
        ("2025", "2025-11-03", "2026-10-30", False),
        ("2026-Q3", "2026-07-01", "2026-10-30", True),
        ("2026-Q3", "2026-07-08", "2026-10-30", False),
    ],
)
def test_period_complete(label, data_from, data_to, complete):
    assert period_complete(label, data_from, data_to, calendar=(0, 1, 2, 3, 4)) is complete


def test_like_for_like_end_counts_working_days_of_the_previous_period():
    golden = WorkCalendar((0, 1, 2, 3, 4), holidays=("2026-10-01", "2026-10-02", "2026-10-05"))
    # 10 working days of September 2026 (Tuesday 1st): 1-4, 7-11, 14
    assert like_for_like_end("2026-09", 10, golden) == pd.Timestamp("2026-09-14")
    # the holidays of October are skipped: its working days are 6, 7, 8... (the 3rd: Thursday)
    assert like_for_like_end("2026-10", 3, golden) == pd.Timestamp("2026-10-08")
    # more days than the period holds: the whole period
    assert like_for_like_end("2026-09", 40, golden) == pd.Timestamp("2026-09-30")
    assert like_for_like_end("2026-09", 0, golden) == pd.Timestamp("2026-09-01")
