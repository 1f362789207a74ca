"""The indicator table as the before/after analyses read it: validation, selection, windows,
the side of the switch and period numbers.

See :mod:`kpi_lib.analyses.before_after` for the conventions (inclusive windows, ratios of
sums, transition periods).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from kpi_lib._util import unknown_name_message
from kpi_lib.indicators.catalogue.formulas import WINDOW_NOT_COMPLETE

__all__ = [
    "INDICATOR_COLUMNS",
    "as_list",
    "as_window",
    "check_table",
    "check_window_in_data",
    "data_extent",
    "not_matured",
    "period_ends",
    "period_index",
    "select_rows",
    "side_of_switch",
    "single_granularity",
]


#: Columns every indicator table of a before/after analysis needs (plus ``agent_id`` at
#: agent level).
INDICATOR_COLUMNS = ["team_id", "period", "period_start", "indicator", "numerator", "denominator"]


def as_list(x, name: str) -> list[str]:
    """``x`` as a list of strings: None gives ``[]``, a string one item.

    Raises
    ------
    ValueError
        Naming the argument ``name`` when ``x`` is neither a string nor an iterable.
    """
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    if isinstance(x, Iterable):
        return [str(v) for v in x]
    raise ValueError(f"`{name}` must be a string or a list of strings, got {type(x).__name__}.")


def as_window(w, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """A ``(start, end)`` pair of dates (both inclusive) as Timestamps.

    Raises
    ------
    ValueError
        Naming the argument ``name`` when ``w`` is not a pair or ends before it starts.
    """
    if w is None or isinstance(w, str) or len(w) != 2:
        raise ValueError(
            f"`{name}` must be a (start, end) pair of dates, both inclusive, e.g. "
            f"('2026-02-01', '2026-04-30'); got {w!r}."
        )
    start, end = pd.Timestamp(w[0]), pd.Timestamp(w[1])
    if end < start:
        raise ValueError(f"`{name}` ends ({end.date()}) before it starts ({start.date()}).")
    return start, end


def check_table(data: pd.DataFrame, *, need_agent: bool = True) -> None:
    """Raise when ``data`` is not an indicator table with :data:`INDICATOR_COLUMNS` (and
    ``agent_id`` when ``need_agent``)."""
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"Expected the indicator table (a DataFrame), got {type(data).__name__}; build it "
            "with kpi_lib.indicators.engine.compute_indicators(dataset)."
        )
    need = (["agent_id"] if need_agent else []) + INDICATOR_COLUMNS
    missing = [c for c in need if c not in data.columns]
    if missing:
        raise KeyError(
            f"The indicator table lacks column(s) {missing}; it has {list(data.columns)}. "
            f"Rates must carry `numerator` and `denominator` so they re-aggregate as ratios of sums"
            + (" (use level='agent' output for agent-level analyses)." if need_agent else ".")
        )


def select_rows(data: pd.DataFrame, indicators, teams=None) -> tuple[pd.DataFrame, list[str]]:
    """Rows of the wanted indicators (default: all) and teams (default: all) with a numerator
    and a denominator, ``period_start`` as datetime; and the wanted indicator ids in order.

    Raises
    ------
    KeyError
        Naming the nearest valid ids when an indicator or team is not in ``data``.
    """
    present = list(pd.unique(data["indicator"]))
    wanted = as_list(indicators, "indicators") or present
    for ind in wanted:
        if ind not in present:
            raise KeyError(
                "In the indicator table: "
                + unknown_name_message("indicator", ind, [str(p) for p in present])
            )
    out = data[data["indicator"].isin(wanted)]
    team_list = as_list(teams, "teams")
    if team_list:
        known = set(data["team_id"].astype(str))
        for t in team_list:
            if t not in known:
                raise KeyError("In the indicator table: " + unknown_name_message("team", t, known))
        out = out[out["team_id"].astype(str).isin(team_list)]
    out = out.dropna(subset=["numerator", "denominator"]).copy()
    out["period_start"] = pd.to_datetime(out["period_start"])
    return out, wanted


def period_ends(starts: pd.Series, granularity: pd.Series | str) -> pd.Series:
    """First moment after each period (exclusive end), from its start and granularity.

    Works from ``period_start`` rather than the label, so tables with custom period labels
    (and ``day`` periods) work too.
    """
    starts = pd.to_datetime(starts)
    if isinstance(granularity, str):
        g = np.full(len(starts), granularity, dtype=object)
    else:
        g = np.asarray(granularity.astype(str), dtype=object)
    out = starts + pd.to_timedelta(np.where(g == "week", 7, np.where(g == "day", 1, 0)), unit="D")
    for name, m in (("month", 1), ("quarter", 3), ("year", 12)):
        mask = g == name
        if mask.any():
            out[mask] = starts[mask] + pd.DateOffset(months=m)
    return out


def side_of_switch(data: pd.DataFrame, switch) -> pd.Series:
    """'before', 'after' or 'transition' for each row, from period_start and granularity."""
    s = pd.Timestamp(switch)
    gran = data["granularity"] if "granularity" in data.columns else "month"
    end = period_ends(data["period_start"], gran)
    side = np.where(end <= s, "before", np.where(data["period_start"] >= s, "after", "transition"))
    return pd.Series(side, index=data.index)


def period_index(starts: pd.Series, granularity: str) -> pd.Series:
    """Integer period number (0 = first period), so gaps in the series stay gaps."""
    starts = pd.to_datetime(starts)
    if granularity in ("month", "quarter", "year"):
        months = starts.dt.year * 12 + starts.dt.month
        step = {"month": 1, "quarter": 3, "year": 12}[granularity]
        idx = (months - months.min()) // step
    else:
        days = {"week": 7, "day": 1}.get(granularity, 7)
        idx = (starts - starts.min()).dt.days // days
    return idx.astype(int)


def single_granularity(data: pd.DataFrame) -> str:
    """The one granularity of ``data`` (``month`` when it has no ``granularity`` column).

    Raises
    ------
    ValueError
        When ``data`` mixes granularities.
    """
    if "granularity" not in data.columns:
        return "month"
    g = pd.unique(data["granularity"].dropna())
    if len(g) != 1:
        raise ValueError(
            f"The indicator table mixes granularities {sorted(map(str, g))}; pass rows of one "
            "granularity (compute_indicators(..., granularity='week' or 'month'))."
        )
    return str(g[0])


def data_extent(data: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First day and last day covered by the periods of ``data`` (all rows, with or without a
    value)."""
    starts = pd.to_datetime(data["period_start"])
    gran = data["granularity"] if "granularity" in data.columns else "month"
    ends = period_ends(starts, gran)
    return starts.min(), ends.max() - pd.Timedelta(days=1)


def check_window_in_data(window, data: pd.DataFrame, name: str) -> None:
    """Raise when the inclusive ``window`` runs outside the periods of ``data``.

    Raises
    ------
    ValueError
        Naming the window, its dates and the span the table covers.
    """
    first, last = data_extent(data)
    start, end = window
    if start < first or end > last:
        raise ValueError(
            f"The {name} window {start.date()} - {end.date()} runs past the data, which cover "
            f"{first.date()} - {last.date()}; give a window inside them "
            "(study_setup(..., data_end=...) cuts default windows back to the data)."
        )


def not_matured(data: pd.DataFrame, window, teams=None) -> dict[str, list[str]]:
    """Per indicator, the periods in ``window`` left without a value because a follow-up
    window (e.g. repurchase within 90 days) had not closed when the data end.

    A period counts when every row of it is marked ``window not complete`` in ``reason``.
    """
    if "reason" not in data.columns:
        return {}
    rows = data
    team_list = as_list(teams, "teams")
    if team_list:
        rows = rows[rows["team_id"].astype(str).isin(team_list)]
    starts = pd.to_datetime(rows["period_start"])
    rows = rows[starts.between(*window)]
    if rows.empty:
        return {}
    flag = (rows["reason"].astype(str) == WINDOW_NOT_COMPLETE) & rows["numerator"].isna()
    per = flag.groupby([rows["indicator"], rows["period"].astype(str)], observed=True).all()
    per = per[per]
    out: dict[str, list[str]] = {}
    for ind, period in per.index:
        out.setdefault(str(ind), []).append(period)
    return {k: sorted(v) for k, v in out.items()}
