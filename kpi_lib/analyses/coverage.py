"""Data coverage: which tables, agents and periods are missing or thin, and why.

Scores built on half a month of calls or on an agent with no QA reviews look as precise as
any other; these tables show where the data behind them is incomplete before anyone reads
a ranking.

Functions
---------
table_coverage
    One row per contract table: present, rows read / used / quarantined, date range, agents.
quarantine_summary
    What the loader set aside, per table, column and reason, with example values.
period_coverage
    One row per table, agent and period: rows and a status (ok / thin / missing / not employed).
coverage_matrix
    Per table and period, how many expected agents have ok, thin or missing data.
indicator_gaps
    From an indicator table: for how many agents each indicator could not be computed, and why.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.data.contract import CONTRACT, TIME_COLUMNS
from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators import periods

__all__ = [
    "GRANULARITIES",
    "TIME_COLUMNS",
    "ACTIVITY_TABLES",
    "table_coverage",
    "quarantine_summary",
    "period_coverage",
    "coverage_matrix",
    "indicator_gaps",
    "period_labels",
    "granularity_of",
]

GRANULARITIES = periods.GRANULARITIES


COVERAGE_STATUSES = ("ok", "thin", "missing", "not_employed")
#: Tables where every employed agent is expected to have rows every period. Complaints,
#: trainings and proposals are occasional events: zero rows is a normal outcome there.
ACTIVITY_TABLES = ("calls", "orders", "leads", "qa_reviews", "surveys")


def period_labels(timestamps: pd.Series, granularity: str = "month") -> pd.DataFrame:
    """Period label and first day for each timestamp (labels as ``kpi_lib.indicators.periods``).

    Parameters
    ----------
    timestamps : Series of datetime64
        Naive wall-clock times in the dataset timezone.
    granularity : {"week", "month", "quarter", "year"}

    Returns
    -------
    DataFrame
        ``period`` (``2026-W43``, ``2026-10``, ``2026-Q4`` or ``2026``) and ``period_start``
        (naive Timestamp of the period's first day), aligned with ``timestamps``.
    """
    check_option("granularity", granularity, GRANULARITIES)
    ts = pd.Series(pd.to_datetime(timestamps), index=timestamps.index)
    start = periods.period_start(ts, granularity)
    label = periods.period_labels(ts, granularity)
    return pd.DataFrame(
        {"period": label.astype("string"), "period_start": start}, index=timestamps.index
    )


def granularity_of(period: str) -> str:
    """The granularity of a period label (``2026-10`` -> ``month``); ValueError if invalid."""
    return periods.parse_period(period).granularity


def table_coverage(data: Dataset) -> pd.DataFrame:
    """One row per contract table: whether it is there and how much of it could be used.

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    DataFrame
        ``table``; ``required`` (bool, the contract requires it); ``present`` (bool);
        ``rows_read``, ``rows_used``, ``rows_quarantined`` (from the load report, or the used
        rows when there is none); ``rows_filtered`` (rows a mapping rule removed at import,
        0 for datasets that were not imported; read = used + quarantined + filtered);
        ``quarantined_share`` (quarantined / read);
        ``first``, ``last`` (earliest and latest timestamp, NaT for tables without one);
        ``agents`` (distinct agents with at least one row; NaN for tables without agent_id);
        ``agents_share`` (agents / agents in the ``agents`` table);
        ``missing_columns`` (optional contract columns absent or entirely empty, comma-joined);
        ``status`` (``ok``, ``missing`` for an absent optional table, ``absent (required)``,
        ``empty`` or ``partial`` when more than 5 % of rows were quarantined).

    Examples
    --------
    >>> from kpi_lib.analyses import table_coverage
    >>> from kpi_lib.datasets import load_sample
    >>> cov = table_coverage(load_sample())
    >>> cov[["table", "required", "present", "rows_used", "status"]].head(4)
        table  required  present  rows_used status
    0  agents      True     True         24     ok
    1   calls      True     True      60576     ok
    2  orders      True     True       1715     ok
    3   leads     False     True      23360     ok
    >>> cov.loc[cov["table"] == "calls", ["first", "last"]]
                    first                last
    1 2025-11-03 09:00:54 2026-04-30 17:57:59
    """
    report = _report_totals(data)
    n_agents = len(data.tables["agents"]) if "agents" in data.tables else np.nan
    rows = []
    for name, spec in CONTRACT.items():
        present = name in data.tables
        df = data.tables.get(name)
        used = len(df) if present else 0
        rep = report.get(name, {})
        read = rep.get("rows_read", used)
        quar = rep.get("rows_quarantined", 0)
        filtered = rep.get("rows_filtered", 0)
        tcol = TIME_COLUMNS.get(name)
        first = last = pd.NaT
        agents = np.nan
        missing = []
        if present:
            if tcol and tcol in df.columns and len(df):
                ts = pd.to_datetime(df[tcol], errors="coerce")
                first, last = ts.min(), ts.max()
            if "agent_id" in df.columns:
                agents = df["agent_id"].nunique()
            missing = [
                c.name
                for c in spec.columns
                if not c.required and (c.name not in df.columns or df[c.name].isna().all())
            ]
        if not present:
            status = "absent (required)" if spec.required else "missing"
        elif used == 0:
            status = "empty"
        elif read and quar / read > 0.05:
            status = "partial"
        else:
            status = "ok"
        rows.append(
            {
                "table": name,
                "required": spec.required,
                "present": present,
                "rows_read": read,
                "rows_used": used,
                "rows_quarantined": quar,
                "rows_filtered": filtered,
                "quarantined_share": quar / read if read else np.nan,
                "first": first,
                "last": last,
                "agents": agents,
                "agents_share": agents / n_agents if n_agents else np.nan,
                "missing_columns": ", ".join(missing),
                "status": status,
            }
        )
    return pd.DataFrame(rows)


def _report_totals(data: Dataset) -> dict[str, dict]:
    rep = data.load_report
    if rep is None or rep.empty:
        return {}
    reason = rep["reason"].fillna("").astype(str) if "reason" in rep.columns else ""
    totals = rep[reason == ""] if "reason" in rep.columns else rep
    out = {}
    for _, r in totals.iterrows():
        out[r["table"]] = {
            k: (int(r[k]) if pd.notna(r[k]) else 0)
            for k in ("rows_read", "rows_used", "rows_quarantined", "rows_filtered")
            if k in totals.columns
        }
    return out


def quarantine_summary(data: Dataset, *, examples: int = 3) -> pd.DataFrame:
    """What the loader set aside: one row per table, column and reason.

    Parameters
    ----------
    data : Dataset
    examples : int, default 3
        How many distinct offending values to show per reason.

    Returns
    -------
    DataFrame
        ``table``, ``column``, ``reason``; ``problems`` (quarantine rows); ``rows`` (distinct
        source rows affected); ``rows_read`` (rows in the source table, from the load report);
        ``share`` (rows / rows_read); ``examples`` (up to ``examples`` distinct raw values,
        comma-joined). Sorted by ``rows`` descending. Empty (with these columns) when nothing
        was quarantined.
    """
    cols = ["table", "column", "reason", "problems", "rows", "rows_read", "share", "examples"]
    q = data.quarantine
    if q is None or q.empty:
        return pd.DataFrame(columns=cols)
    q = q.copy()
    q["column"] = q["column"].fillna("").astype(str)
    q["value"] = q["value"].astype("string").fillna("<empty>")
    out = (
        q.groupby(["table", "column", "reason"], dropna=False, sort=False)
        .agg(
            problems=("row", "size"),
            rows=("row", "nunique"),
            examples=("value", lambda v: ", ".join(pd.unique(v)[:examples].tolist())),
        )
        .reset_index()
    )
    totals = _report_totals(data)
    out["rows_read"] = [totals.get(t, {}).get("rows_read", np.nan) for t in out["table"]]
    out["share"] = out["rows"] / out["rows_read"]
    return out[cols].sort_values("rows", ascending=False, ignore_index=True)


def period_coverage(
    data: Dataset,
    *,
    granularity: str = "month",
    tables: list[str] | None = None,
    thin_share: float = 0.25,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Rows per table, agent and period, with a coverage status.

    Parameters
    ----------
    data : Dataset
    granularity : {"week", "month", "quarter", "year"}, default "month"
    tables : list of str, optional
        Agent-level tables to check (keys of ``TIME_COLUMNS``); default the present ones of
        ``ACTIVITY_TABLES`` (not complaints, trainings, proposals, where zero rows is normal).
    thin_share : float, default 0.25
        A cell is *thin* when it has rows but fewer than ``thin_share`` times the median of
        the non-empty cells of the same table and period.
    start, end : date-like, optional
        The span of periods to check; default the span of the ``calls`` table (or of all
        checked tables when there are no calls).

    Returns
    -------
    DataFrame
        ``table``, ``agent_id``, ``team_id``, ``period``, ``period_start``; ``rows`` (rows of
        the table in that period); ``median_rows`` (median of non-empty cells of the table and
        period); ``status``: ``ok``, ``thin``, ``missing`` (no rows although the agent was
        employed) or ``not_employed`` (the period ends before the agent's ``hire_date``, or
        the agent is inactive and the period starts after their last call).

    Notes
    -----
    An agent counts as employed in a period unless the ``agents`` table says otherwise
    (``hire_date`` after the period, or ``active`` false and no calls from that period on),
    so a missing ``hire_date`` never hides a gap.
    """
    check_option("granularity", granularity, GRANULARITIES)
    if not 0 <= thin_share <= 1:
        raise ValueError(f"`thin_share` must be between 0 and 1, but {thin_share!r} was passed.")
    if tables is None:
        tables = [t for t in ACTIVITY_TABLES if t in data.tables]
    for t in tables:
        check_option("tables", t, list(TIME_COLUMNS))
    agents = data["agents"][["agent_id", "team_id"]].copy()
    frames = {}
    for t in tables:
        df = data[t]
        if "agent_id" not in df.columns or TIME_COLUMNS[t] not in df.columns:
            continue
        ts = pd.to_datetime(df[TIME_COLUMNS[t]], errors="coerce")
        frames[t] = pd.DataFrame({"agent_id": df["agent_id"].astype("string"), "ts": ts}).dropna()
    span_src = frames.get("calls")
    if span_src is None or span_src.empty:
        span_src = pd.concat(list(frames.values())) if frames else pd.DataFrame({"ts": []})
    lo = pd.Timestamp(start) if start is not None else span_src["ts"].min()
    hi = pd.Timestamp(end) if end is not None else span_src["ts"].max()
    cols = [
        "table",
        "agent_id",
        "team_id",
        "period",
        "period_start",
        "rows",
        "median_rows",
        "status",
    ]
    if pd.isna(lo) or pd.isna(hi) or not frames:
        return pd.DataFrame(columns=cols)
    days = pd.Series(pd.date_range(lo.normalize(), hi, freq="D"))
    grid = period_labels(days, granularity).drop_duplicates("period")
    grid["period_end"] = list(grid["period_start"].iloc[1:]) + [
        _next_start(grid["period_start"].iloc[-1], granularity)
    ]
    employed = _employment(data, agents)
    out = []
    for t, df in frames.items():
        df = df[(df["ts"] >= grid["period_start"].min()) & (df["ts"] < grid["period_end"].max())]
        counts = (
            df.assign(period=period_labels(df["ts"], granularity)["period"])
            .groupby(["agent_id", "period"])
            .size()
            .rename("rows")
        )
        cells = agents.merge(grid, how="cross")
        cells["agent_id"] = cells["agent_id"].astype("string")
        cells = cells.merge(counts.reset_index(), on=["agent_id", "period"], how="left")
        cells["rows"] = cells["rows"].fillna(0).astype(int)
        med = cells[cells["rows"] > 0].groupby("period")["rows"].median().rename("median_rows")
        cells = cells.merge(med.reset_index(), on="period", how="left")
        cells = cells.merge(employed, on="agent_id", how="left")
        not_emp = (cells["period_end"] <= cells["hired"]) | (cells["period_start"] > cells["left"])
        status = np.select(
            [
                not_emp & (cells["rows"] == 0),
                cells["rows"] == 0,
                cells["rows"] < thin_share * cells["median_rows"],
            ],
            ["not_employed", "missing", "thin"],
            default="ok",
        )
        cells["status"] = pd.Series(status, index=cells.index, dtype="string")
        cells["table"] = t
        out.append(cells[cols])
    return pd.concat(out, ignore_index=True)


def _next_start(start: pd.Timestamp, granularity: str) -> pd.Timestamp:
    step = {
        "week": pd.DateOffset(weeks=1),
        "month": pd.DateOffset(months=1),
        "quarter": pd.DateOffset(months=3),
        "year": pd.DateOffset(years=1),
    }[granularity]
    return pd.Timestamp(start) + step


def _employment(data: Dataset, agents: pd.DataFrame) -> pd.DataFrame:
    """Per agent, hire date (NaT when unknown) and, for inactive agents, last activity."""
    a = data["agents"]
    out = pd.DataFrame({"agent_id": agents["agent_id"].astype("string")})
    hired = pd.to_datetime(a["hire_date"], errors="coerce") if "hire_date" in a.columns else None
    out["hired"] = hired.to_numpy() if hired is not None else pd.NaT
    out["left"] = pd.NaT
    if "active" in a.columns and "calls" in data.tables:
        last = (
            data["calls"]
            .assign(agent_id=lambda d: d["agent_id"].astype("string"))
            .groupby("agent_id")["started_at"]
            .max()
        )
        inactive = a["active"].astype("boolean").fillna(True).to_numpy() == False  # noqa: E712
        out.loc[inactive, "left"] = out.loc[inactive, "agent_id"].map(last).to_numpy()
    out["hired"] = pd.to_datetime(out["hired"])
    out["left"] = pd.to_datetime(out["left"])
    return out


def coverage_matrix(coverage: pd.DataFrame) -> pd.DataFrame:
    """Summarise :func:`period_coverage` per table and period (the coverage heatmap's data).

    Parameters
    ----------
    coverage : DataFrame
        Output of :func:`period_coverage`.

    Returns
    -------
    DataFrame
        ``table``, ``period``, ``period_start``; ``agents_expected`` (agents employed in the
        period); ``ok``, ``thin``, ``missing`` (agent counts); ``share_ok`` (ok / expected);
        ``rows`` (total rows of the table in the period).
    """
    cols = [
        "table",
        "period",
        "period_start",
        "agents_expected",
        "ok",
        "thin",
        "missing",
        "share_ok",
        "rows",
    ]
    if coverage.empty:
        return pd.DataFrame(columns=cols)
    c = coverage[coverage["status"] != "not_employed"]
    out = (
        c.groupby(["table", "period", "period_start"], sort=True)
        .agg(
            agents_expected=("agent_id", "size"),
            ok=("status", lambda s: int((s == "ok").sum())),
            thin=("status", lambda s: int((s == "thin").sum())),
            missing=("status", lambda s: int((s == "missing").sum())),
            rows=("rows", "sum"),
        )
        .reset_index()
    )
    out["share_ok"] = out["ok"] / out["agents_expected"]
    return out[cols]


def indicator_gaps(
    indicators: pd.DataFrame, *, by: tuple[str, ...] = ("indicator", "period")
) -> pd.DataFrame:
    """Where an indicator could not be computed, from an indicator table's ``reason`` column.

    Parameters
    ----------
    indicators : DataFrame
        An indicator table (``kpi_lib.indicators.engine.compute_indicators``): needs
        ``indicator``, ``value``, ``reason`` and the ``by`` columns.
    by : tuple of str, default ("indicator", "period")
        Grouping; e.g. ``("indicator", "team_id")`` shows which teams lack an indicator.

    Returns
    -------
    DataFrame
        The ``by`` columns; ``units`` (rows: agents or teams x periods); ``computed``
        (non-missing values); ``missing``; ``share_missing``; ``main_reason`` (most frequent
        reason among missing values, empty when none is missing); ``reasons`` (every reason
        with its count, ``reason (n); ...``). Sorted by ``share_missing`` descending.
    """
    need = {"indicator", "value", "reason", *by}
    absent = sorted(need - set(indicators.columns))
    if absent:
        raise KeyError(
            f"The indicator table lacks column(s) {absent}; expected the shape returned by "
            "compute_indicators (indicator, value, reason, ...)."
        )
    df = indicators[list(dict.fromkeys([*by, "value", "reason"]))].copy()
    df["is_missing"] = df["value"].isna()
    df["reason"] = df["reason"].astype("string").fillna("").where(df["is_missing"], "")
    df.loc[df["is_missing"] & (df["reason"] == ""), "reason"] = "no reason given"

    def _reasons(r: pd.Series) -> str:
        vc = r[r != ""].value_counts()
        return "; ".join(f"{k} ({v})" for k, v in vc.items())

    def _main(r: pd.Series) -> str:
        vc = r[r != ""].value_counts()
        return str(vc.index[0]) if len(vc) else ""

    out = (
        df.groupby(list(by), sort=True, dropna=False)
        .agg(
            units=("value", "size"),
            missing=("is_missing", "sum"),
            main_reason=("reason", _main),
            reasons=("reason", _reasons),
        )
        .reset_index()
    )
    out["computed"] = out["units"] - out["missing"]
    out["share_missing"] = out["missing"] / out["units"]
    cols = [*by, "units", "computed", "missing", "share_missing", "main_reason", "reasons"]
    return out[cols].sort_values(
        ["share_missing", *by], ascending=[False] + [True] * len(by), ignore_index=True
    )
