"""Durations in seconds: ``H:MM:SS`` clock texts, and the time between two columns with the
wrap past midnight (an end time of day earlier than the start means the next day)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kpi_lib.data.dataset import DEFAULT_TIMEZONE
from kpi_lib.data.mapping.timestamps import clock, instants, local_times
from kpi_lib.data.mapping.values import clean_text

__all__ = ["clock_seconds", "duration"]

#: A format with a date or an offset in it (else ``format`` names a time of day).
_DATED = re.compile(r"%[YyGmdbBjzZ]")


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


def duration(
    src: pd.DataFrame, spec: dict, timezone: str = DEFAULT_TIMEZONE
) -> tuple[pd.Series, dict[str, int]]:
    """A ``duration`` column spec: seconds from the ``start`` to the ``end`` source column
    (times of day when ``format`` is a clock format such as ``%H:%M:%S``, else date-times:
    in ``format`` when given, else ISO 8601 or any form pandas reads), wrapped past midnight (+24 h) when
    ``wrap_midnight`` is set. Returns the values and notes (rule -> rows) for the accounting.

    Date-times are compared as instants: each value's own UTC offset is read (it may change
    within the file at a clock change); values without one are local times in ``timezone``
    when the other end of the row has an offset, else both are wall-clock times.
    """
    fmt = spec.get("format")
    start, end = clean_text(src[spec["start"]]), clean_text(src[spec["end"]])
    if fmt and not _DATED.search(fmt):
        a, b = clock(start, fmt), clock(end, fmt)
        secs = (b - a).dt.total_seconds()
    else:
        (a, a_aware), (b, b_aware) = instants(start, fmt, timezone), instants(end, fmt, timezone)
        secs = (b - a).dt.total_seconds()
        wall = ~(a_aware | b_aware)
        if wall.any():
            # both ends without an offset: wall-clock difference, as the export shows it
            wa, wb = local_times(start[wall], fmt, timezone), local_times(end[wall], fmt, timezone)
            secs[wall] = (wb - wa).dt.total_seconds()
    notes = {}
    if spec.get("wrap_midnight", False):
        neg = (secs < 0).fillna(False)
        secs = secs.where(~neg, secs + 86400)
        notes["end before start: wrapped past midnight (+24 h)"] = int(neg.sum())
    out = secs.astype(object)
    bad = (start.notna() & end.notna()) & secs.isna()
    out[bad] = "unparseable duration: " + start[bad].astype(str) + " -> " + end[bad].astype(str)
    return out, notes
