"""Durations in seconds: ``H:MM:SS`` clock texts, and the time between two columns with the
wrap past midnight (an end time of day earlier than the start means the next day)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.data.mapping.timestamps import clock
from kpi_lib.data.mapping.values import clean_text

__all__ = ["clock_seconds", "duration"]


def clock_seconds(text: pd.Series) -> pd.Series:
    """A ``parse: {clock_to_seconds: true}`` rule: ``H:MM:SS``, ``M:SS`` or ``S`` texts (already
    cleaned, see :func:`~kpi_lib.data.mapping.values.clean_text`) as seconds; NaN when a
    value does not parse."""
    parts = text.str.split(":", expand=False)
    secs = pd.Series(np.nan, index=text.index)
    ok = parts.notna()
    for i in parts[ok].index:
        try:
            nums = [float(p) for p in parts[i]]
        except ValueError:
            continue
        if 1 <= len(nums) <= 3:
            secs[i] = sum(n * 60**k for k, n in enumerate(reversed(nums)))
    return secs


def duration(src: pd.DataFrame, spec: dict) -> tuple[pd.Series, dict[str, int]]:
    """A ``duration`` column spec: seconds from the ``start`` to the ``end`` source column
    (times of day in ``format``, else any date-time), wrapped past midnight (+24 h) when
    ``wrap_midnight`` is set. Returns the values and notes (rule -> rows) for the accounting.
    """
    fmt = spec.get("format")
    start, end = clean_text(src[spec["start"]]), clean_text(src[spec["end"]])
    if fmt:
        a, b = clock(start, fmt), clock(end, fmt)
    else:
        a = pd.to_datetime(start, errors="coerce", format="mixed")
        b = pd.to_datetime(end, errors="coerce", format="mixed")
    secs = (b - a).dt.total_seconds()
    notes = {}
    if spec.get("wrap_midnight", False):
        neg = (secs < 0).fillna(False)
        secs = secs.where(~neg, secs + 86400)
        notes["end before start: wrapped past midnight (+24 h)"] = int(neg.sum())
    out = secs.astype(object)
    bad = (start.notna() & end.notna()) & secs.isna()
    out[bad] = "unparseable duration: " + start[bad].astype(str) + " -> " + end[bad].astype(str)
    return out, notes
