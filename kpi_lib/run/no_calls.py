"""A period with no usable calls: detected before the review is computed, published as a page.

The review scores calls. When the period asked for (or, without one, the latest period of
the data) has no call that passed the data checks, ``kpi review`` publishes a small report
instead of stopping: an index and a page saying so, with the row accounting and what to do
(:mod:`kpi_lib.report.no_calls_page`), and exits with
:data:`~kpi_lib.run.cli.EXIT_NOTHING_TO_SCORE` (3). :func:`no_usable_calls` tells such a
period apart from a user error:

- the calls table has no rows, every call was set aside by the loader, every call was
  filtered at import, or the import declared it empty: the period is the one asked for, else
  the latest period holding rows of any other table, else the last complete period before
  today;
- the data hold calls, but none in the period asked for: a page when the period lies within
  the span of the data (a gap, or a period where only other tables have rows), a user error
  otherwise (``Period ... is not in dataset``: probably a typo, exit 2).
"""

from __future__ import annotations

import pandas as pd

from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import Dataset
from kpi_lib.data.mapping import row_counts, row_counts_by_table
from kpi_lib.data.mapping.record import declared_empty
from kpi_lib.indicators.periods import (
    cycle_label_granularity,
    period_bounds,
    period_label,
    period_labels,
    period_order,
    previous_period,
)
from kpi_lib.review import ReviewSpec, SpecError, periods_in_data

__all__ = ["CAUSES", "no_usable_calls"]

#: Why a period has no usable call (``cause`` of :func:`no_usable_calls`).
CAUSES = ("empty", "quarantined", "filtered", "declared_empty", "none_in_period")


def _activity(data: Dataset) -> pd.Series:
    """Timestamps of every usable row of the activity tables (not hire or resolution dates)."""
    parts = []
    for name, spec in CONTRACT.items():
        if name == "agents" or name not in data.tables:
            continue
        stamps = [c for c in spec.column_names if spec.column(c).kind in ("timestamp", "date")]
        df = data.tables[name]
        if stamps and stamps[0] in df.columns and len(df):
            parts.append(pd.to_datetime(df[stamps[0]], errors="coerce").dropna())
    return pd.concat(parts, ignore_index=True) if parts else pd.Series(dtype="datetime64[us]")


def _default_period(data: Dataset, cycle: str, today: pd.Timestamp | None) -> str:
    """The latest period of ``cycle`` holding rows of any table, else the last complete
    period before ``today``."""
    granularity = cycle_label_granularity(cycle)
    stamps = _activity(data)
    if len(stamps):
        return period_order(period_labels(stamps, granularity).dropna().unique())[-1]
    today = pd.Timestamp.now().normalize() if today is None else pd.Timestamp(today)
    return previous_period(period_label(today, granularity))


def _within_data(period: str, data: Dataset) -> bool:
    """The period overlaps the span of the data (first to last usable row of any table)."""
    stamps = _activity(data)
    if not len(stamps):
        return False
    start, end, _ = period_bounds(period)
    return pd.Timestamp(start) <= stamps.max() and pd.Timestamp(end) > stamps.min()


def _reasons(data: Dataset) -> list[dict]:
    """Quarantine reasons with their row counts, per table (largest first within a table)."""
    report = data.load_report
    lines = report[report["reason"].fillna("") != ""]
    if lines.empty:
        return []
    column = "rows" if "rows" in lines.columns else "rows_quarantined"
    grouped = lines.groupby(["table", "reason"], as_index=False, sort=False)[column].sum()
    grouped = grouped[grouped[column] > 0]
    order = {t: i for i, t in enumerate(CONTRACT)}
    grouped = grouped.assign(_t=grouped["table"].map(order).fillna(len(order)))
    grouped = grouped.sort_values(["_t", column], ascending=[True, False], kind="stable")
    return [
        {"table": str(r.table), "reason": str(r.reason), "rows": int(getattr(r, column))}
        for r in grouped.itertuples()
    ]


def no_usable_calls(
    spec: ReviewSpec, data: Dataset, *, today: pd.Timestamp | None = None
) -> dict | None:
    """What a review publishes when its period has no usable call, or None when it has some.

    Parameters
    ----------
    spec : ReviewSpec
        As built by :func:`kpi_lib.review.build_spec` (not yet resolved against the data).
    data : Dataset
        As loaded by :func:`kpi_lib.review.load_review_data`.
    today : Timestamp, optional
        For the default period of data without any dated row (default: now).

    Returns
    -------
    dict or None
        ``cycle``, ``period``, ``cause`` (one of :data:`CAUSES`), ``calls_read``,
        ``calls_used``, ``calls_quarantined``, ``calls_filtered`` (rows of the calls table),
        ``calls_source`` (its file name),
        ``declared_reason`` (why the import declared calls empty, else ""), ``calls_from``,
        ``calls_to`` (first and last day with usable calls, else ""), ``periods_with_calls``
        (labels of the cycle, the last 12), ``reasons`` (``table``, ``reason``, ``rows`` per
        quarantine reason) and ``row_counts`` (table -> ``rows_read``, ``rows_used``,
        ``rows_quarantined``, ``rows_filtered``).

    Raises
    ------
    SpecError
        When the spec names a team the data do not hold (as a review would).
    """
    cycle = spec.cycle
    periods = periods_in_data(data, cycle)
    period = spec.period
    calls = data.tables.get("calls")
    if periods:
        if not period or period in periods or not _within_data(period, data):
            return None  # a review, or the review's own "not in dataset" error
        cause = "none_in_period"
    else:
        period = period or _default_period(data, cycle, today)
        counts = row_counts(data).set_index("table")
        c = counts.loc["calls"] if "calls" in counts.index else None
        if declared_empty(calls):
            cause = "declared_empty"
        elif c is None or int(c["rows_read"]) == 0:
            cause = "empty"
        elif int(c["rows_quarantined"]) == 0 and int(c["rows_filtered"]) > 0:
            cause = "filtered"
        else:
            cause = "quarantined"
    known_teams = sorted(data.agents["team_id"].astype(str).unique())
    unknown = [t for t in spec.teams if t not in known_teams]
    if unknown:
        raise SpecError(
            f"`team` names unknown team(s) {unknown}; teams in the data: {', '.join(known_teams)}."
        )
    counts = row_counts_by_table(data)
    mine = counts.get("calls", dict.fromkeys(("rows_read", "rows_used", "rows_quarantined",
                                                "rows_filtered"), 0))  # fmt: skip
    started = (
        pd.to_datetime(calls["started_at"], errors="coerce").dropna()
        if calls is not None and "started_at" in calls
        else pd.Series(dtype="datetime64[us]")
    )
    report = data.load_report
    summary = report[(report["table"] == "calls") & (report["reason"].fillna("") == "")]
    source = str(summary["source"].iloc[0]) if len(summary) and "source" in summary else ""
    return {
        "cycle": cycle,
        "period": period,
        "cause": cause,
        "calls_read": mine["rows_read"],
        "calls_used": mine["rows_used"],
        "calls_quarantined": mine["rows_quarantined"],
        "calls_filtered": mine["rows_filtered"],
        "calls_source": source or "calls",
        "declared_reason": declared_empty(calls) or "",
        "calls_from": str(started.min().date()) if len(started) else "",
        "calls_to": str(started.max().date()) if len(started) else "",
        "periods_with_calls": periods[-12:],
        "reasons": _reasons(data),
        "row_counts": counts,
    }
