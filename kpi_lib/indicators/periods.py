"""Period labels, boundaries, time order and review cycles: the one home of period logic.

Labels: ``2026-W43`` (ISO week, Monday to Sunday, in the ISO week-numbering year),
``2026-10`` (month), ``2026-Q4`` (quarter), ``2026`` (year). Boundaries are naive wall-clock
timestamps in the dataset's timezone; ``end`` is exclusive (the start of the next period).

Review cycles (:data:`CYCLES`) are how often a review runs. Each cycle has the granularity of
its period label (:func:`cycle_label_granularity`: the weekly review is labelled ``2026-W43``)
and the scheme cycle and granularity it is scored at (:func:`cycle_scoring_cycle`,
:func:`cycle_scoring_granularity`: the weekly review scores the month to date).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

import pandas as pd

from kpi_lib._util import check_option

__all__ = [
    "CYCLES",
    "GRANULARITIES",
    "Period",
    "cycle_label_granularity",
    "cycle_scoring_cycle",
    "cycle_scoring_granularity",
    "period_order",
    "parse_period",
    "period_label",
    "period_labels",
    "period_start",
    "period_bounds",
    "previous_period",
    "next_period",
    "periods_between",
    "to_local",
]

#: Granularities from finest to coarsest.
GRANULARITIES = ("week", "month", "quarter", "year")

#: Review cycles from the most to the least frequent.
CYCLES = ("weekly", "monthly", "quarterly", "annual")

_LABEL_GRANULARITY = {
    "weekly": "week",
    "monthly": "month",
    "quarterly": "quarter",
    "annual": "year",
}
# The weekly review has no scheme cycle of its own: it shows month-to-date progress.
_SCORING_CYCLE = {
    "weekly": "monthly",
    "monthly": "monthly",
    "quarterly": "quarterly",
    "annual": "annual",
}

_PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "year": re.compile(r"^(\d{4})$"),
}


class Period(NamedTuple):
    """A parsed period: its label, granularity and [start, end) bounds."""

    label: str
    granularity: str
    start: pd.Timestamp
    end: pd.Timestamp


def parse_period(label: str) -> Period:
    """Parse a period label.

    Raises
    ------
    ValueError
        Naming the accepted forms when the label is not one of them.
    """
    text = str(label).strip()
    for gran, pattern in _PATTERNS.items():
        m = pattern.match(text)
        if not m:
            continue
        year = int(m.group(1))
        if gran == "year":
            start = pd.Timestamp(year, 1, 1)
            end = pd.Timestamp(year + 1, 1, 1)
        elif gran == "quarter":
            q = int(m.group(2))
            start = pd.Timestamp(year, 3 * q - 2, 1)
            end = start + pd.DateOffset(months=3)
        elif gran == "month":
            month = int(m.group(2))
            if not 1 <= month <= 12:
                break
            start = pd.Timestamp(year, month, 1)
            end = start + pd.DateOffset(months=1)
        else:
            week = int(m.group(2))
            try:
                start = pd.Timestamp(date.fromisocalendar(year, week, 1))
            except ValueError:
                raise ValueError(f"Period {label!r}: ISO year {year} has no week {week}.") from None
            end = start + pd.Timedelta(days=7)
        return Period(text, gran, start, pd.Timestamp(end))
    raise ValueError(
        f"{label!r} is not a period label; expected 2026-W43 (ISO week), 2026-10 (month), "
        "2026-Q4 (quarter) or 2026 (year)."
    )


def to_local(ts, timezone: str | None = None) -> pd.Timestamp | pd.Series:
    """Naive wall-clock time in ``timezone``: aware timestamps are converted, naive kept."""
    if isinstance(ts, pd.Series):
        if getattr(ts.dt, "tz", None) is not None:
            if timezone is None:
                raise ValueError("Timestamps carry a timezone; pass `timezone` to convert them.")
            return ts.dt.tz_convert(timezone).dt.tz_localize(None)
        return ts
    ts = pd.Timestamp(ts)
    if ts.tzinfo is not None:
        if timezone is None:
            raise ValueError("Timestamp carries a timezone; pass `timezone` to convert it.")
        ts = ts.tz_convert(timezone).tz_localize(None)
    return ts


def period_start(ts, granularity: str, *, timezone: str | None = None):
    """First instant of the period containing ``ts`` (scalar or Series)."""
    check_option("granularity", granularity, GRANULARITIES)
    ts = to_local(ts, timezone)
    if isinstance(ts, pd.Series):
        day = ts.dt.normalize()
        if granularity == "week":
            return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
        if granularity == "month":
            return day - pd.to_timedelta(day.dt.day - 1, unit="D")
        month = {"quarter": ((ts.dt.month - 1) // 3) * 3 + 1, "year": 1}[granularity]
        return pd.to_datetime(
            pd.DataFrame({"year": ts.dt.year, "month": month, "day": 1}), errors="coerce"
        )
    day = ts.normalize()
    if granularity == "week":
        return day - pd.Timedelta(days=day.weekday())
    if granularity == "month":
        return pd.Timestamp(day.year, day.month, 1)
    if granularity == "quarter":
        return pd.Timestamp(day.year, ((day.month - 1) // 3) * 3 + 1, 1)
    return pd.Timestamp(day.year, 1, 1)


def _label_of_start(start: pd.Timestamp, granularity: str) -> str:
    if granularity == "week":
        iso = start.isocalendar()
        return f"{iso[0]}-W{iso[1]:02d}"
    if granularity == "month":
        return f"{start.year}-{start.month:02d}"
    if granularity == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}"


def period_label(ts, granularity: str, *, timezone: str | None = None) -> str:
    """Label of the period containing timestamp ``ts`` (e.g. ``2026-10`` for a month)."""
    return _label_of_start(period_start(ts, granularity, timezone=timezone), granularity)


def period_labels(ts: pd.Series, granularity: str, *, timezone: str | None = None) -> pd.Series:
    """Vectorised :func:`period_label` for a Series of timestamps (NaT gives missing)."""
    starts = period_start(pd.Series(ts), granularity, timezone=timezone)
    uniq = pd.Series(starts.dropna().unique())
    mapping = {s: _label_of_start(pd.Timestamp(s), granularity) for s in uniq}
    return starts.map(mapping).astype("string")


def period_bounds(label: str) -> tuple[pd.Timestamp, pd.Timestamp, str]:
    """``(start, end, granularity)`` of a period label; ``end`` is exclusive."""
    p = parse_period(label)
    return p.start, p.end, p.granularity


def next_period(label: str) -> str:
    """The period right after ``label`` (same granularity)."""
    p = parse_period(label)
    return _label_of_start(p.end, p.granularity)


def previous_period(label: str) -> str:
    """The period right before ``label`` (same granularity)."""
    p = parse_period(label)
    return period_label(p.start - pd.Timedelta(days=1), p.granularity)


def periods_between(start, end, granularity: str | None = None) -> list[str]:
    """Labels of every period from the one containing ``start`` to the one containing ``end``.

    ``start`` and ``end`` are timestamps or period labels (inclusive). ``granularity`` defaults
    to that of ``start`` when it is a label.
    """

    def _as_ts(x, gran):
        if isinstance(x, str):
            try:
                p = parse_period(x)
            except ValueError:
                return pd.Timestamp(x), gran
            return p.start, gran or p.granularity
        return pd.Timestamp(x), gran

    s, granularity = _as_ts(start, granularity)
    e, granularity = _as_ts(end, granularity)
    if granularity is None:
        raise ValueError("Pass `granularity` when `start` and `end` are timestamps.")
    check_option("granularity", granularity, GRANULARITIES)
    if e < s:
        raise ValueError(f"`end` ({end!r}) is before `start` ({start!r}).")
    labels = []
    cur = period_start(s, granularity)
    last = period_start(e, granularity)
    while cur <= last:
        labels.append(_label_of_start(cur, granularity))
        cur = parse_period(labels[-1]).end
    return labels


def period_order(periods: pd.DataFrame | Iterable[str]) -> list[str]:
    """Period labels in time order, each once.

    Parameters
    ----------
    periods : DataFrame or iterable of str
        An indicator table with a ``period`` column (ordered by its ``period_start`` column
        when it has one, else by the labels), or period labels such as ``2026-10``.

    Returns
    -------
    list of str
        Distinct labels, earliest first. Labels with the same start (a month and the quarter it
        opens) keep label order when ordered by ``period_start``; parsed labels put the shorter
        period first. Missing labels are left out.

    Raises
    ------
    KeyError
        When the DataFrame has no ``period`` column.
    ValueError
        When a label must be parsed and is not a period label (:func:`parse_period`).

    Examples
    --------
    >>> period_order(["2026-Q1", "2025-12", "2026-02", "2025-12"])
    ['2025-12', '2026-Q1', '2026-02']
    """
    if isinstance(periods, pd.DataFrame):
        if "period" not in periods:
            raise KeyError(
                f"period_order: the table has no `period` column; columns: {list(periods.columns)}."
            )
        if "period_start" in periods:
            first = (
                periods[["period", "period_start"]]
                .dropna(subset=["period"])
                .assign(period=lambda d: d["period"].astype(str))
                .groupby("period")["period_start"]
                .min()
            )
            return list(first.sort_values(kind="stable").index)
        periods = periods["period"]
    if isinstance(periods, str):
        periods = [periods]
    labels = pd.Series(list(periods), dtype="object").dropna().astype(str).unique()
    parsed = {label: parse_period(label) for label in labels}
    return sorted(labels, key=lambda label: (parsed[label].start, parsed[label].end))


def cycle_label_granularity(cycle: str) -> str:
    """Granularity of the period label of a review cycle.

    ``weekly`` -> ``week`` (``2026-W43``), ``monthly`` -> ``month`` (``2026-10``),
    ``quarterly`` -> ``quarter`` (``2026-Q4``), ``annual`` -> ``year`` (``2026``).

    Raises
    ------
    ValueError
        When ``cycle`` is not one of :data:`CYCLES`.

    Examples
    --------
    >>> cycle_label_granularity("weekly")
    'week'
    """
    check_option("cycle", cycle, CYCLES)
    return _LABEL_GRANULARITY[cycle]


def cycle_scoring_cycle(cycle: str) -> str:
    """Scheme cycle a review cycle is scored with (the ``cycle`` of
    :func:`kpi_lib.scoring.composite.score`).

    ``weekly`` -> ``monthly`` (the weekly review scores the month to date); every other cycle
    is scored as itself.

    Raises
    ------
    ValueError
        When ``cycle`` is not one of :data:`CYCLES`.

    Examples
    --------
    >>> cycle_scoring_cycle("weekly")
    'monthly'
    """
    check_option("cycle", cycle, CYCLES)
    return _SCORING_CYCLE[cycle]


def cycle_scoring_granularity(cycle: str) -> str:
    """Granularity of the indicator table a review cycle is scored on.

    The label granularity of its scoring cycle: ``weekly`` -> ``month`` (month to date),
    ``monthly`` -> ``month``, ``quarterly`` -> ``quarter``, ``annual`` -> ``year``.

    Raises
    ------
    ValueError
        When ``cycle`` is not one of :data:`CYCLES`.

    Examples
    --------
    >>> cycle_scoring_granularity("weekly")
    'month'
    """
    return cycle_label_granularity(cycle_scoring_cycle(cycle))
