"""Targets: sources, precedence, attainability, pro-rating and lights."""

import numpy as np
import pandas as pd
import pytest

from kpi_lib.scoring.targets import (
    attach_targets,
    attainability,
    combine_targets,
    lights,
    progress_board,
    prorate,
    resolve_as_of,
    targets_from_history,
    targets_from_scheme,
    targets_from_table,
)


def ind(rows):
    df = pd.DataFrame(rows, columns=["agent_id", "team_id", "period", "indicator", "value"])
    df["period_start"] = pd.to_datetime(df["period"] + "-01")
    return df


def test_history_median_plus_uplift_and_direction():
    df = ind(
        [
            ("A", "T", "2026-01", "sales_amount", 100),
            ("B", "T", "2026-01", "sales_amount", 300),
            ("A", "T", "2026-02", "sales_amount", 200),
            ("B", "T", "2026-02", "sales_amount", 400),
            ("A", "T", "2026-01", "complaints_per_100", 2),
            ("B", "T", "2026-01", "complaints_per_100", 4),
            ("A", "T", "2026-02", "complaints_per_100", 2),
            ("B", "T", "2026-02", "complaints_per_100", 2),
        ]
    )
    t = targets_from_history(df, lookback=1).set_index(["period", "indicator"])["target"]
    # February: median of January (100, 300) = 200, + 5 %
    assert t[("2026-02", "sales_amount")] == pytest.approx(210)
    # lower is better: median 3, - 5 %
    assert t[("2026-02", "complaints_per_100")] == pytest.approx(2.85)
    assert "2026-01" not in t.index.get_level_values(0)
    t2 = targets_from_history(df, lookback=2, statistic="mean")
    assert len(t2) == 2


def test_precedence_agent_over_team_over_all():
    df = ind(
        [
            ("A", "T1", "2026-01", "sales_amount", 100),
            ("B", "T1", "2026-01", "sales_amount", 100),
            ("C", "T2", "2026-01", "sales_amount", 100),
        ]
    )
    table = targets_from_table(
        pd.DataFrame(
            {
                "period": ["2026-01", "2026-01"],
                "scope": ["agent", "team"],
                "scope_id": ["A", "T1"],
                "indicator": ["sales_amount", "sales_amount"],
                "target": [10.0, 20.0],
            }
        )
    )
    scheme = pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": "sales_amount",
                "target": 30.0,
                "threshold": np.nan,
                "stretch": np.nan,
                "source": "scheme",
            }
        ]
    )
    out = attach_targets(df, combine_targets(table, scheme)).set_index("agent_id")
    assert out.loc["A", "target"] == 10 and out.loc["B", "target"] == 20
    assert out.loc["C", "target"] == 30 and out.loc["C", "target_source"] == "scheme"


def test_targets_from_scheme():
    t = targets_from_scheme("mature_team").set_index("indicator")
    assert t.loc["satisfaction_rate", "target"] == pytest.approx(0.90)
    assert t.loc["satisfaction_rate", "threshold"] == pytest.approx(0.75)


def test_attainability_shares_and_flags():
    rows = [
        (f"A{k}", "T", "2026-01", "conversion_rate", v)
        for k, v in enumerate([0.05, 0.08, 0.10, 0.10, 0.12, 0.16, 0.09, 0.11, 0.10, 0.10])
    ]
    df = ind(rows)
    t = pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": "conversion_rate",
                "target": 0.15,
                "threshold": np.nan,
                "stretch": np.nan,
            }
        ]
    )
    a = attainability(df, t).iloc[0]
    # 1 of 10 reached 15 %: a stretch; target / median (0.10) = 1.5
    assert a["share_reached"] == pytest.approx(0.1)
    assert a["target_ratio"] == pytest.approx(1.5)
    assert a["flag"] == "stretch"
    t["target"] = 0.30
    assert attainability(df, t).iloc[0]["flag"] == "unreachable"
    t["target"] = 0.01
    assert attainability(df, t).iloc[0]["flag"] == "too easy"


def test_board_date_of_every_label_form():
    # bounds come from kpi_lib.indicators.periods.period_bounds (tested in test_periods.py)
    assert resolve_as_of("2026-10", None) == pd.Timestamp("2026-10-31")
    assert resolve_as_of("2026-Q4", "") == pd.Timestamp("2026-12-31")
    assert resolve_as_of("2026", None) == pd.Timestamp("2026-12-31")
    assert resolve_as_of("2026-W43", None) == pd.Timestamp.fromisocalendar(2026, 43, 7)
    assert resolve_as_of("2026-10", "2026-10-10 15:00") == pd.Timestamp("2026-10-10")
    with pytest.raises(ValueError, match="2026-Q4"):
        resolve_as_of("Oct 2026", None)


def test_prorate_counts_not_rates():
    t = pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": "effective_calls",
                "target": 310.0,
                "threshold": np.nan,
                "stretch": np.nan,
            },
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": "satisfaction_rate",
                "target": 0.9,
                "threshold": np.nan,
                "stretch": np.nan,
            },
        ]
    ).set_index("indicator", drop=False)
    p = prorate(t, period="2026-10", as_of="2026-10-10").set_index("indicator")
    # 10 of 31 days elapsed
    assert p.loc["effective_calls", "target"] == pytest.approx(310 * 10 / 31)
    assert p.loc["satisfaction_rate", "target"] == pytest.approx(0.9)


def test_lights_and_board():
    np.testing.assert_array_equal(
        lights([1.2, 1.0, 0.85, 0.5, np.nan]), ["green", "green", "yellow", "red", ""]
    )
    np.testing.assert_array_equal(lights([0.95], green=0.9, yellow=0.7), ["green"])
    df = ind(
        [
            ("A", "T", "2026-10", "effective_calls", 80),
            ("B", "T", "2026-10", "effective_calls", 50),
            ("A", "T", "2026-10", "complaints_per_100", 3),
        ]
    )
    t = pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": i,
                "target": v,
                "threshold": np.nan,
                "stretch": np.nan,
            }
            for i, v in (("effective_calls", 310.0), ("complaints_per_100", 2.0))
        ]
    )
    b = progress_board(df, t, period="2026-10", as_of="2026-10-10").set_index(
        ["agent_id", "indicator"]
    )
    # pro-rated target 100: 80 % -> yellow, 50 % -> red; complaints 2 / 3 = 67 % -> red
    assert b.loc[("A", "effective_calls"), "light"] == "yellow"
    assert b.loc[("B", "effective_calls"), "light"] == "red"
    assert b.loc[("A", "complaints_per_100"), "attainment"] == pytest.approx(2 / 3)


def test_monthly_targets_roll_up_to_quarters_and_years():
    from kpi_lib.scoring.targets import roll_up_targets, targets_from_table

    months = ["2026-07", "2026-08", "2026-09"]
    table = pd.DataFrame(
        {
            "period": months * 2 + ["2026-10"],
            "scope": "agent",
            "scope_id": "A1",
            "indicator": ["sales_amount"] * 3 + ["satisfaction_rate"] * 3 + ["sales_amount"],
            "target": [100.0, 200.0, 300.0, 0.8, 0.9, 1.0, 50.0],
        }
    )
    rolled = roll_up_targets(targets_from_table(table), "quarter").set_index("indicator")
    # hand computation: amounts add up over the quarter, rates average
    assert rolled.loc["sales_amount", "target"] == 600.0
    assert rolled.loc["satisfaction_rate", "target"] == pytest.approx(0.9)
    assert set(rolled["period"]) == {"2026-Q3"}  # Q4 has one month only: no target
    assert roll_up_targets(targets_from_table(table), "year").empty  # no complete year
