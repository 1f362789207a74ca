"""Dates and times from text: stated formats, times of day on another column's date with the
roll-over past midnight, and dates built from year / month / day columns.

Values that do not parse become ``unparseable ...`` texts, which the loader quarantines.
"""

from __future__ import annotations

import pandas as pd

from kpi_lib.data.mapping.values import clean_text, unparseable

__all__ = ["clock", "parse_datetime", "date_parts"]

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
    values: pd.Series, rules: dict, src: pd.DataFrame
) -> tuple[pd.Series, dict[str, int]]:
    """A ``parse: {format: ...}`` rule: values as ``YYYY-MM-DD HH:MM:SS`` texts.

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
        result = pd.to_datetime(text, format=fmt, errors="coerce")
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
