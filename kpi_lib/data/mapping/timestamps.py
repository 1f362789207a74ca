"""Dates and times from text: stated formats, times of day on another column's date with the
roll-over past midnight, and dates built from year / month / day columns.

Date-times may carry a UTC offset (``2026-03-29T03:10:00+02:00``, ``...Z``), and the offset
may change within one file (every European export across a clock change): each value is
read with its own offset and converted to the dataset's timezone. Values without an offset
are local times there already.

Values that do not parse become ``unparseable ...`` texts, which the loader quarantines.
"""

from __future__ import annotations

import re

import pandas as pd

from kpi_lib.data.dataset import DEFAULT_TIMEZONE
from kpi_lib.data.mapping.values import clean_text, unparseable

__all__ = ["clock", "parse_datetime", "date_parts", "instants", "local_times"]

#: A UTC offset (or ``Z``) at the end of a date-time text.
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")


def _parse(text: pd.Series, fmt: str | None, *, utc: bool) -> pd.Series:
    """``text`` parsed with ``fmt`` (else ISO 8601, then any form pandas reads); NaT where
    nothing fits. With ``utc`` the values carry offsets and come back as UTC instants."""
    out = pd.to_datetime(text, errors="coerce", format=fmt or "ISO8601", utc=utc)
    bad = out.isna() & text.notna()
    if bad.any() and not fmt:
        out[bad] = pd.to_datetime(text[bad], errors="coerce", format="mixed", utc=utc)
    return out


def instants(
    text: pd.Series, fmt: str | None = None, timezone: str = DEFAULT_TIMEZONE
) -> tuple[pd.Series, pd.Series]:
    """Date-time texts (already cleaned) as UTC instants, reading each value's own offset.

    Returns ``(utc, aware)``: ``utc`` as timezone-aware UTC timestamps (NaT where a value
    does not parse, or a local time that does not exist or is ambiguous at a clock change),
    and ``aware``, whether the value carried an offset. Values without an offset are local
    times in ``timezone``.
    """
    aware = text.str.contains(_OFFSET, na=False).astype(bool)
    utc = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns, UTC]")
    if aware.any():
        utc[aware] = _parse(text[aware], fmt, utc=True)
    naive = text.notna() & ~aware
    if naive.any():
        local = _parse(text[naive], fmt, utc=False)
        if getattr(local.dt, "tz", None) is not None:  # pragma: no cover - fmt with %z
            utc[naive] = local.dt.tz_convert("UTC")
        else:
            utc[naive] = local.dt.tz_localize(
                timezone, ambiguous="NaT", nonexistent="NaT"
            ).dt.tz_convert("UTC")
    return utc, aware


def local_times(
    text: pd.Series, fmt: str | None = None, timezone: str = DEFAULT_TIMEZONE
) -> pd.Series:
    """Date-time texts (already cleaned) as naive wall-clock times in ``timezone``: values
    with an offset are converted there one by one (offsets may differ between values), values
    without one are taken as they are. NaT where a value does not parse."""
    aware = text.str.contains(_OFFSET, na=False).astype(bool)
    out = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    if aware.any():
        out[aware] = _parse(text[aware], fmt, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    naive = text.notna() & ~aware
    if naive.any():
        out[naive] = _parse(text[naive], fmt, utc=False)
    return out


_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}


def clock(s: pd.Series, fmt: str) -> pd.Series:
    """Time of day as a Timedelta since midnight (hours may lack a leading zero)."""
    t = pd.to_datetime(clean_text(s), format=fmt, errors="coerce")
    return t - t.dt.normalize()


def parse_datetime(
    values: pd.Series, rules: dict, src: pd.DataFrame, timezone: str = DEFAULT_TIMEZONE
) -> tuple[pd.Series, dict[str, int]]:
    """A ``parse: {format: ...}`` rule: values as ``YYYY-MM-DD HH:MM:SS`` texts, local time in
    ``timezone`` (values with a UTC offset, ``%z`` in the format, are converted one by one).

    With ``date_from`` the values are times of day put on that source column's date (read
    with ``date_format``); with ``roll_over_from`` as well, a time more than 12 h earlier than
    that column's time is moved to the next day (a call that ends past midnight). Returns the
    values and notes (rule -> rows) for the accounting.
    """
    fmt = rules["format"]
    text = clean_text(values)
    notes: dict[str, int] = {}
    if "date_from" in rules:
        time_of_day = clock(text, fmt)
        date_fmt = rules.get("date_format")
        day = pd.to_datetime(clean_text(src[rules["date_from"]]), format=date_fmt, errors="coerce")
        result = day.dt.normalize() + time_of_day
        if "roll_over_from" in rules:
            ref = clock(src[rules["roll_over_from"]], fmt)
            # earlier by more than 12 h means the next day; a few seconds earlier is clock skew
            rolled = (time_of_day < ref - pd.Timedelta(hours=12)).fillna(False)
            result = result.where(~rolled, result + pd.Timedelta(days=1))
            notes["time over 12 h earlier than its reference time: moved to the next day"] = int(
                rolled.sum()
            )
    else:
        result = local_times(text, fmt, timezone)
    out = result.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
    bad = text.notna() & result.isna()
    out[bad] = unparseable(text, bad, repr(fmt))
    out[text.isna()] = None
    return pd.Series(out, index=values.index), notes


def date_parts(src: pd.DataFrame, spec: dict) -> pd.Series:
    """A ``date_parts`` column spec: ``YYYY-MM-DD`` from year, month (number or English name)
    and day columns; without a year column, years counted from ``infer_year_from_order``."""

    def number(col, names=False):
        t = clean_text(src[col]).str.lower()
        if names:
            t = t.map(lambda v: _MONTHS.get(v, v) if isinstance(v, str) else v)
        return pd.to_numeric(t, errors="coerce").astype("float64")

    month = number(spec["month"], names=True)
    day = number(spec["day"]) if "day" in spec else pd.Series(1.0, index=src.index)
    if "year" in spec:
        year = number(spec["year"])
    else:
        # files ordered by date without a year (UCI bank marketing): a new year starts
        # whenever the (month, day) key goes backwards
        key = (month * 100 + day).ffill()
        year = int(spec["infer_year_from_order"]) + (key.diff() < 0).astype(int).cumsum()
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    result = pd.to_datetime(parts, errors="coerce")
    out = result.dt.strftime("%Y-%m-%d").astype(object)
    bad = result.isna()
    if bad.any():
        shown = parts[bad].astype(str)
        out[bad] = (
            "unparseable date parts: " + shown["year"] + "-" + shown["month"] + "-" + shown["day"]
        )
    return pd.Series(out, index=src.index)
