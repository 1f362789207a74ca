"""Helpers shared by the transforms, filters, times and durations: source values as text.

Every rule of a mapping compares and parses source values as stripped text (an empty cell is
missing), and reports a value it cannot parse as a text that the loader quarantines.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["SOURCE_ROW", "clean_text", "unparseable", "as_list", "matches"]

#: Column carrying the 0-based data row of the source file through filters and transforms.
SOURCE_ROW = "__source_row__"


def clean_text(s: pd.Series) -> pd.Series:
    """Values as strings stripped of surrounding spaces; empty strings become missing."""
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def unparseable(raw: pd.Series, bad: pd.Series, what: str) -> pd.Series:
    """``unparseable as <what>: <value>`` for the ``bad`` rows of ``raw`` (the loader then
    quarantines the row, quoting the value)."""
    return "unparseable as " + what + ": " + raw[bad].astype(str)


def as_list(v) -> list[str]:
    """A value or a list of values as a list of strings."""
    return [str(x) for x in (v if isinstance(v, list) else [v])]


def matches(s: pd.Series, values) -> pd.Series:
    """Whether each source value is one of ``values`` (a mapping's sentinel or filter list).

    Compared as stripped text; numbers also by value, so the sentinel ``-1`` matches a
    Parquet or Excel cell read as ``-1.0``; an empty string (or ``null``) in ``values``
    matches empty cells. Returns a boolean Series without missing values.
    """
    values = values if isinstance(values, list) else [values]
    text = clean_text(s)
    wanted = [str(v).strip() for v in values if v is not None and str(v).strip() != ""]
    hit = text.isin(wanted).fillna(False).astype(bool)
    numbers = pd.to_numeric(pd.Series(wanted, dtype=object), errors="coerce").dropna()
    if len(numbers):
        as_number = pd.to_numeric(text, errors="coerce")
        hit |= as_number.isin(numbers.astype(float).tolist()).fillna(False).astype(bool)
    if any(v is None or str(v).strip() == "" for v in values):
        hit |= text.isna()
    return hit
