"""Tests for kpi_lib.analyses.coverage and the quality report helpers."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pandas as pd
import pytest

from kpi_lib.analyses import coverage as cov
from kpi_lib.data.dataset import Dataset


def _ds():
    agents = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3", "A4"],
            "agent_name": ["a", "b", "c", "d"],
            "team_id": ["T1", "T1", "T2", "T2"],
            "hire_date": pd.to_datetime(["2025-01-01", "2025-01-01", "2026-02-10", None]),
            "active": [True, True, True, False],
        }
    )
    rows = []
    # A1: 20 calls each month Jan-Mar; A2: Jan and Mar only (Feb missing);
    # A3: hired 10 Feb, 20 calls Feb-Mar; A4: left after January (inactive), 2 calls in Jan
    for agent, months, n in [
        ("A1", [1, 2, 3], 20),
        ("A2", [1, 3], 20),
        ("A3", [2, 3], 20),
        ("A4", [1], 2),
    ]:
        for m in months:
            for k in range(n):
                rows.append((agent, pd.Timestamp(2026, m, 11) + pd.Timedelta(hours=k)))
    calls = pd.DataFrame(rows, columns=["agent_id", "started_at"])
    calls["call_id"] = [f"C{i}" for i in range(len(calls))]
    calls["duration_s"] = 100.0
    calls["outcome"] = "connected"
    orders = pd.DataFrame(
        {
            "order_id": ["O1"],
            "agent_id": ["A1"],
            "customer_id": ["K"],
            "ordered_at": [pd.Timestamp("2026-01-20")],
            "amount": [10.0],
        }
    )
    report = pd.DataFrame(
        {
            "table": ["agents", "calls", "calls", "orders"],
            "source": ["agents.csv", "calls.csv", "calls.csv", "orders.csv"],
            "rows_read": [4, len(calls) + 2, np.nan, 3],
            "rows_used": [4, len(calls), np.nan, 1],
            "rows_quarantined": [0, 2, np.nan, 2],
            "reason": ["", "", "duration_s below 0", ""],
            "rows": [0, 0, 3, 0],
        }
    )
    quarantine = pd.DataFrame(
        {
            "table": ["calls", "calls", "calls", "orders", "orders"],
            "row": [5, 9, 9, 0, 1],
            "column": ["duration_s", "duration_s", "outcome", "amount", "amount"],
            "reason": ["below 0", "below 0", "not allowed", "not a number", "not a number"],
            "value": ["-3", "-8", "hung", "abc", "x"],
        }
    )
    return Dataset(
        tables={"agents": agents, "calls": calls, "orders": orders},
        quarantine=quarantine,
        load_report=report,
        name="toy",
    )


def test_table_coverage():
    t = cov.table_coverage(_ds()).set_index("table")
    assert t.loc["calls", "rows_read"] == 144 and t.loc["calls", "rows_quarantined"] == 2
    assert t.loc["calls", "quarantined_share"] == pytest.approx(2 / 144)
    assert t.loc["calls", "status"] == "ok"  # under 5 % quarantined
    assert t.loc["orders", "status"] == "partial"  # 2 of 3 rows quarantined
    assert t.loc["calls", "agents"] == 4 and t.loc["orders", "agents_share"] == 0.25
    assert t.loc["leads", "status"] == "missing" and not t.loc["leads", "present"]
    assert "need_captured" in t.loc["calls", "missing_columns"]
    assert t.loc["calls", "first"] == pd.Timestamp("2026-01-11")


def test_quarantine_summary():
    q = cov.quarantine_summary(_ds())
    row = q[(q["table"] == "calls") & (q["reason"] == "below 0")].iloc[0]
    assert row["rows"] == 2 and row["problems"] == 2
    assert row["examples"] == "-3, -8"
    assert row["share"] == pytest.approx(2 / 144)
    assert q["rows"].is_monotonic_decreasing


def test_quarantine_summary_empty():
    ds = Dataset(tables=_ds().tables)
    assert cov.quarantine_summary(ds).empty


def test_period_coverage_statuses():
    c = cov.period_coverage(_ds(), tables=["calls"])
    status = c.set_index(["agent_id", "period"])["status"]
    assert status[("A1", "2026-02")] == "ok"
    assert status[("A2", "2026-02")] == "missing"
    assert status[("A3", "2026-01")] == "not_employed"  # hired 10 Feb
    assert status[("A3", "2026-02")] == "ok"  # hired mid-month: the month counts
    assert status[("A4", "2026-01")] == "thin"  # 2 calls vs a median of 20
    assert status[("A4", "2026-03")] == "not_employed"  # inactive, last call in January
    assert len(c) == 4 * 3


def test_coverage_matrix_counts():
    m = cov.coverage_matrix(cov.period_coverage(_ds(), tables=["calls"])).set_index("period")
    # February: A1 ok, A2 missing, A3 ok; A4 no longer employed
    assert m.loc["2026-02", ["agents_expected", "ok", "missing", "thin"]].tolist() == [3, 2, 1, 0]
    assert m.loc["2026-02", "share_ok"] == pytest.approx(2 / 3)
    assert m.loc["2026-01", "thin"] == 1


def test_period_coverage_quarter_and_bad_option():
    c = cov.period_coverage(_ds(), tables=["calls"], granularity="quarter")
    assert set(c["period"]) == {"2026-Q1"}
    with pytest.raises(ValueError, match="`granularity` must be one of"):
        cov.period_coverage(_ds(), granularity="day")


def test_indicator_gaps():
    ind = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3", "A1", "A2", "A3"],
            "team_id": ["T1", "T1", "T2", "T1", "T1", "T2"],
            "period": ["2026-01"] * 6,
            "indicator": ["satisfaction_rate"] * 3 + ["dials"] * 3,
            "value": [0.9, np.nan, np.nan, 10, 12, 9],
            "reason": ["", "no surveys", "no surveys", "", "", ""],
        }
    )
    g = cov.indicator_gaps(ind)
    top = g.iloc[0]
    assert top["indicator"] == "satisfaction_rate" and top["missing"] == 2
    assert top["share_missing"] == pytest.approx(2 / 3)
    assert top["main_reason"] == "no surveys" and top["reasons"] == "no surveys (2)"
    assert g.iloc[1]["missing"] == 0 and g.iloc[1]["main_reason"] == ""
    by_team = cov.indicator_gaps(ind, by=("indicator", "team_id")).set_index(
        ["indicator", "team_id"]
    )
    assert by_team.loc[("satisfaction_rate", "T2"), "share_missing"] == 1.0
    with pytest.raises(KeyError, match="lacks column"):
        cov.indicator_gaps(ind.drop(columns="reason"))


def test_quality_text_and_plots_render():
    from kpi_lib.report import quality_plots as qp
    from kpi_lib.report import quality_text as qt

    ds = _ds()
    tables = cov.table_coverage(ds)
    matrix = cov.coverage_matrix(cov.period_coverage(ds))
    text = qt.coverage_text(tables, matrix, cov.quarantine_summary(ds))
    assert "`calls` in 2026-02: only 67% of 3 agents" in text
    ax = qp.coverage_heatmap(matrix)
    assert ax.get_title().startswith("Data coverage")
    assert qt.kappa_wording(0.5) == "moderate" and qt.kappa_wording(0.85) == "almost perfect"
