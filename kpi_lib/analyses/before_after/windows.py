"""Before and after windows of whole months around a switch date."""

from __future__ import annotations

import pandas as pd

__all__ = [
    "windows_around",
]


def windows_around(
    switch, *, before_months: int = 3, after_months: int = 3, skip_months: int = 0
) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Before and after windows of whole months on either side of a switch date.

    Parameters
    ----------
    switch : date-like
        First day under the new scheme.
    before_months, after_months : int
        Length of each window in months.
    skip_months : int
        Months right after the switch left out of the after window (a settling-in period; the
        source case study reports results "after three months").

    Returns
    -------
    dict
        ``{"before": (start, end), "after": (start, end)}``, inclusive Timestamps.

    Examples
    --------
    >>> windows_around("2026-05-01")["before"]
    (Timestamp('2026-02-01 00:00:00'), Timestamp('2026-04-30 00:00:00'))
    """
    for name, v in [("before_months", before_months), ("after_months", after_months)]:
        if int(v) < 1:
            raise ValueError(f"`{name}` must be at least 1, got {v}.")
    if int(skip_months) < 0:
        raise ValueError(f"`skip_months` must be 0 or more, got {skip_months}.")
    s = pd.Timestamp(switch).normalize()
    # a mid-month switch leaves its month out of both windows
    first_after = s.to_period("M") if s.day == 1 else s.to_period("M") + 1
    switch_month = s.to_period("M")
    b_start = (switch_month - before_months).to_timestamp()
    a_start = (first_after + skip_months).to_timestamp()
    a_end = (first_after + skip_months + after_months).to_timestamp() - pd.Timedelta(days=1)
    return {
        "before": (b_start, switch_month.to_timestamp() - pd.Timedelta(days=1)),
        "after": (a_start, a_end),
    }
