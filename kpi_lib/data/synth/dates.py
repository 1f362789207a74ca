"""The calendar of a synthetic dataset: month starts, holidays, the dials-target raise."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DAY0", "PEAK_MONTH", "month_start_days", "dials_raise_month", "holiday_days"]


def month_start_days(start: str, months: int) -> np.ndarray:
    """First days of ``months`` months from ``start`` (``YYYY-MM``), plus the day after the last."""
    first = np.datetime64(pd.Period(start, freq="M").start_time.date(), "M")
    return (first + np.arange(months + 1)).astype("datetime64[D]")


def dials_raise_month(month_starts, change_day) -> int | None:
    """Month index at which the dials target rises: three months before the scheme change
    (so the padding it provokes is visible before the change), else a third into the range."""
    months = len(month_starts) - 1
    if months < 3:
        return None
    if change_day is not None:
        change_m = (
            int(np.searchsorted((month_starts - DAY0).astype("int64"), change_day, side="right"))
            - 1
        )
        if 1 <= change_m - 3 < months:
            return change_m - 3
    return max(1, months // 3)


def holiday_days(years) -> np.ndarray:
    """Public holidays of ``years`` (New Year, the May and October Golden Weeks)."""
    days = []
    for y in years:
        days += [f"{y}-01-01"] + [f"{y}-05-0{d}" for d in range(1, 6)]
        days += [f"{y}-10-0{d}" for d in range(1, 8)]
    return np.array(days, dtype="datetime64[D]")


DAY0 = np.datetime64("1970-01-01", "D")
PEAK_MONTH = 11  # "Double 11" promotion month
