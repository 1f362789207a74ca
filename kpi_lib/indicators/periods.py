"""Period labels, boundaries, time order and review cycles: the one home of period logic.

Labels: ``2026-W43`` (ISO week, Monday to Sunday, in the ISO week-numbering year),
``2026-10`` (month), ``2026-Q4`` (quarter), ``2026`` (year). Boundaries are naive wall-clock
timestamps in the dataset's timezone; ``end`` is exclusive (the start of the next period).

Review cycles (:data:`CYCLES`) are how often a review runs. Each cycle has the granularity of
its period label (:func:`cycle_label_granularity`: the weekly review is labelled ``2026-W43``)
and the scheme cycle and granularity it is scored at (:func:`cycle_scoring_cycle`,
:func:`cycle_scoring_granularity`: the weekly review scores the month to date).

Working days: the days a team works (:func:`working_calendar`, read from the days with calls:
its working weekdays, the holidays inside the data, make-up days) make the calendar on which a
period counts as complete (:func:`period_complete`), targets are pro-rated and a partial
period is compared like with like (:func:`like_for_like_end`, :func:`working_days_between`).
Holidays after the end of the data are not known.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from kpi_lib._util import check_option

__all__ = [
    "CYCLES",
    "GRANULARITIES",
    "Period",
    "cycle_label_granularity",
    "cycle_scoring_cycle",
    "cycle_scoring_granularity",
    "COMPLETE_GRACE_DAYS",
    "WEEKDAYS",
    "WorkCalendar",
    "format_weekdays",
    "like_for_like_end",
    "parse_weekdays",
    "period_complete",
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
    "working_calendar",
    "working_days_between",
    "working_weekdays",
]

#: Granularities from finest to coarsest.
GRANULARITIES = ("week", "month", "quarter", "year")

#: Review cycles from the most to the least frequent.
CYCLES = ("weekly", "monthly", "quarterly", "annual")

#: Weekday names, Monday first (``date.weekday()`` order).
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

#: A month, quarter or year counts as complete when the data reaches within this many days of
#: its last working day, at either end (a month ending in a holiday is still complete). A week
#: has no grace: its last working day must be in the data.
COMPLETE_GRACE_DAYS = 3

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


# ---------------------------------------------------------------------------------------------
# working days, completeness and like-for-like spans


class WorkCalendar(NamedTuple):
    """The days a team works: its working weekdays, less the holidays seen in the data, plus
    the days worked outside those weekdays (a make-up Saturday).

    Days after the data (the rest of a month under review) follow the weekdays: holidays
    still to come are not known. Build one from the calls with :func:`working_calendar`; it
    travels in a review's windows as text (:meth:`to_text`, :meth:`from_text`).
    """

    weekdays: tuple[int, ...] = tuple(range(7))
    holidays: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()

    def is_working(self, days) -> np.ndarray:
        """Whether each day of ``days`` (a DatetimeIndex) is a working day."""
        days = pd.DatetimeIndex(days).normalize()
        mask = np.asarray(days.day_of_week.isin(list(self.weekdays)))
        if self.holidays:
            mask &= ~np.asarray(days.isin(pd.DatetimeIndex(list(self.holidays))))
        if self.extra:
            mask |= np.asarray(days.isin(pd.DatetimeIndex(list(self.extra))))
        return mask

    def within(self, start, end) -> WorkCalendar:
        """The same calendar with the holidays and extra days of ``start``..``end`` only."""
        lo, hi = str(pd.Timestamp(start).date()), str(pd.Timestamp(end).date())
        return WorkCalendar(
            self.weekdays,
            tuple(d for d in self.holidays if lo <= d <= hi),
            tuple(d for d in self.extra if lo <= d <= hi),
        )

    def to_text(self) -> dict[str, str]:
        """``working_weekdays``, ``holidays`` and ``extra_working_days`` as text (windows)."""
        return {
            "working_weekdays": format_weekdays(self.weekdays),
            "holidays": ",".join(self.holidays),
            "extra_working_days": ",".join(self.extra),
        }

    @classmethod
    def from_text(cls, windows) -> WorkCalendar:
        """Read :meth:`to_text` back (missing keys: every day is a working day)."""

        def dates(key):
            text = str(windows.get(key) or "")
            return tuple(str(pd.Timestamp(d.strip()).date()) for d in text.split(",") if d.strip())

        return cls(
            parse_weekdays(windows.get("working_weekdays")),
            dates("holidays"),
            dates("extra_working_days"),
        )


def _calendar(calendar) -> WorkCalendar:
    if calendar is None:
        return WorkCalendar()
    if isinstance(calendar, WorkCalendar):
        return calendar
    return WorkCalendar(tuple(sorted({int(d) for d in calendar})))


def working_calendar(timestamps, *, min_share: float = 0.1) -> WorkCalendar:
    """The days a team works, read from when its calls happen.

    A day is worked when it holds at least ``min_share`` of the calls of a median worked day
    (a keen agent's few Saturday calls do not make Saturday a working day). A weekday is a
    working weekday when at least half of its dates between the first and the last call are
    worked; a working weekday without work inside the data is a holiday, a worked day on
    another weekday an extra working day.

    Parameters
    ----------
    timestamps : Series or iterable of timestamps
        When the calls started (naive wall-clock time).
    min_share : float
        Share of a median day's calls below which a day does not count as worked.

    Returns
    -------
    WorkCalendar
        Every day a working day when there are no calls.

    Examples
    --------
    >>> days = pd.Series(pd.date_range("2026-09-28", "2026-10-16", freq="D"))
    >>> golden_week = days.between("2026-10-01", "2026-10-07")
    >>> cal = working_calendar(days[(days.dt.day_of_week < 5) & ~golden_week])
    >>> format_weekdays(cal.weekdays), cal.holidays
    ('Mon,Tue,Wed,Thu,Fri', ('2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'))
    """
    ts = pd.to_datetime(pd.Series(list(timestamps))).dropna()
    if ts.empty:
        return WorkCalendar()
    per_day = ts.dt.normalize().value_counts()
    worked = per_day[per_day >= min_share * float(per_day.median())].index
    span = pd.date_range(per_day.index.min(), per_day.index.max(), freq="D")
    is_worked = np.asarray(span.isin(worked))
    share = pd.Series(is_worked, index=span).groupby(span.day_of_week).mean()
    weekdays = tuple(int(d) for d, v in share.items() if v >= 0.5) or tuple(range(7))
    on_pattern = np.asarray(span.day_of_week.isin(list(weekdays)))
    holidays = tuple(str(d.date()) for d in span[on_pattern & ~is_worked])
    extra = tuple(str(d.date()) for d in span[~on_pattern & is_worked])
    return WorkCalendar(weekdays, holidays, extra)


def working_weekdays(timestamps, *, min_share: float = 0.1) -> tuple[int, ...]:
    """The weekdays a team works (Monday = 0), read from its calls; see
    :func:`working_calendar`.

    Examples
    --------
    >>> days = pd.Series(pd.date_range("2026-10-05", "2026-10-30", freq="D"))
    >>> working_weekdays(days[days.dt.day_of_week < 5])
    (0, 1, 2, 3, 4)
    """
    return working_calendar(timestamps, min_share=min_share).weekdays


def format_weekdays(weekdays: Iterable[int]) -> str:
    """``Mon,Tue,Wed,Thu,Fri`` for ``(0, 1, 2, 3, 4)`` (read back by :func:`parse_weekdays`)."""
    return ",".join(WEEKDAYS[d] for d in sorted(set(weekdays)))


def parse_weekdays(text: str | Iterable[int] | None) -> tuple[int, ...]:
    """Weekday numbers from ``Mon,Tue,...`` (or numbers); empty or None gives all seven days.

    Raises
    ------
    ValueError
        Naming the weekday names accepted.
    """
    if text is None or (isinstance(text, str) and not text.strip()):
        return tuple(range(7))
    if isinstance(text, str):
        out = []
        for part in text.split(","):
            name = part.strip()[:3].title()
            if name not in WEEKDAYS:
                raise ValueError(
                    f"{part.strip()!r} is not a weekday; write them like "
                    f"{format_weekdays(range(7))}."
                )
            out.append(WEEKDAYS.index(name))
        return tuple(sorted(set(out)))
    return tuple(sorted({int(d) for d in text}))


def working_days_between(start, end, calendar=None) -> int:
    """Number of working days from ``start`` to ``end``, both included (0 when end < start).

    ``calendar``: a :class:`WorkCalendar`, or working weekdays (Monday = 0); None counts every
    day.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if end < start:
        return 0
    days = pd.date_range(start, end, freq="D")
    return int(_calendar(calendar).is_working(days).sum())


def _working_days(label: str, calendar) -> pd.DatetimeIndex:
    start, end, _ = period_bounds(label)
    days = pd.date_range(start, end - pd.Timedelta(days=1), freq="D")
    kept = days[_calendar(calendar).is_working(days)]
    return kept if len(kept) else days


def period_complete(
    label: str,
    data_from,
    data_to,
    *,
    calendar=None,
    grace_days: int | None = None,
) -> bool:
    """Whether data running from ``data_from`` to ``data_to`` cover period ``label``.

    The data must reach the period's last working day and start by its first one, each within
    ``grace_days`` (default :data:`COMPLETE_GRACE_DAYS` for months, quarters and years, 0 for
    weeks). ``calendar``: a :class:`WorkCalendar` or working weekdays (None: every day).

    Examples
    --------
    >>> weekdays = (0, 1, 2, 3, 4)
    >>> period_complete("2026-10", "2025-11-03", "2026-10-30", calendar=weekdays)
    True
    >>> period_complete("2025", "2025-11-03", "2026-10-30", calendar=weekdays)
    False
    >>> period_complete("2026-W42", "2025-11-03", "2026-10-14", calendar=weekdays)
    False
    """
    p = parse_period(label)
    if grace_days is None:
        grace_days = 0 if p.granularity == "week" else COMPLETE_GRACE_DAYS
    days = _working_days(label, calendar)
    grace = pd.Timedelta(days=grace_days)
    first, last = pd.Timestamp(data_from).normalize(), pd.Timestamp(data_to).normalize()
    return bool(first <= days[0] + grace and last >= days[-1] - grace)


def like_for_like_end(previous: str, working_days: int, calendar=None) -> pd.Timestamp:
    """The last day of the span of ``previous`` that holds ``working_days`` working days.

    The weekly review compares the month to date (say its first 10 working days) with the
    same number of working days of the month before, not with the whole month.

    Returns
    -------
    Timestamp
        The ``working_days``-th working day of ``previous`` (at least its first), or its last
        day when it has fewer.

    Examples
    --------
    >>> like_for_like_end("2026-09", 10, (0, 1, 2, 3, 4)).date()
    datetime.date(2026, 9, 14)
    """
    days = _working_days(previous, calendar)
    _, end, _ = period_bounds(previous)
    if working_days >= len(days):
        return pd.Timestamp(end) - pd.Timedelta(days=1)
    return days[max(int(working_days), 1) - 1]
