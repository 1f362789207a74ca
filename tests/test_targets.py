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
            ("A", "T1", "2026-01", "satisfaction_rate", 0.9),
            ("B", "T1", "2026-01", "satisfaction_rate", 0.9),
            ("C", "T2", "2026-01", "satisfaction_rate", 0.9),
        ]
    )
    table = targets_from_table(
        pd.DataFrame(
            {
                "period": ["2026-01", "2026-01"],
                "scope": ["agent", "team"],
                "scope_id": ["A", "T1"],
                "indicator": ["satisfaction_rate", "satisfaction_rate"],
                "target": [0.8, 0.85],
            }
        )
    )
    scheme = pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": "satisfaction_rate",
                "target": 0.95,
                "threshold": np.nan,
                "stretch": np.nan,
                "source": "scheme",
            }
        ]
    )
    out = attach_targets(df, combine_targets(table, scheme)).set_index("agent_id")
    assert out.loc["A", "target"] == 0.8 and out.loc["B", "target"] == 0.85
    assert out.loc["C", "target"] == 0.95 and out.loc["C", "target_source"] == "scheme"


def test_team_total_is_never_an_agent_target():
    # a team's sales target is the team's total: agent B (no target of its own) must not be
    # measured against it; it falls through to the everybody target, or gets none
    df = ind(
        [
            ("A", "T1", "2026-01", "sales_amount", 100),
            ("B", "T1", "2026-01", "sales_amount", 100),
        ]
    )
    table = targets_from_table(
        pd.DataFrame(
            {
                "period": ["2026-01", "2026-01"],
                "scope": ["agent", "team"],
                "scope_id": ["A", "T1"],
                "indicator": ["sales_amount", "sales_amount"],
                "target": [10.0, 2000.0],
            }
        )
    )
    out = attach_targets(df, table).set_index("agent_id")
    assert out.loc["A", "target"] == 10 and np.isnan(out.loc["B", "target"])
    everybody = pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": "sales_amount",
                "target": 30.0,
            }
        ]
    )
    out = attach_targets(df, combine_targets(table, everybody)).set_index("agent_id")
    assert out.loc["B", "target"] == 30
    # team-level rows keep their team's total
    team = df.drop(columns="agent_id").drop_duplicates("team_id")
    assert attach_targets(team, table)["target"].tolist() == [2000.0]


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
    assert attainability(df, t).iloc[0]["flag"] == "too_easy"


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
    from kpi_lib.scoring.targets import partial_targets, roll_up_targets, targets_from_table

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
    rolled = roll_up_targets(targets_from_table(table), "quarter").set_index(
        ["period", "indicator"]
    )
    # hand computation: amounts add up over the quarter, rates average
    assert rolled.loc[("2026-Q3", "sales_amount"), "target"] == 600.0
    assert rolled.loc[("2026-Q3", "satisfaction_rate"), "target"] == pytest.approx(0.9)
    assert rolled.loc[("2026-Q3", "sales_amount"), "source"] == "table (rolled up)"
    # Q4 has one month only: its target covers that month and says so
    assert rolled.loc[("2026-Q4", "sales_amount"), "target"] == 50.0
    assert rolled.loc[("2026-Q4", "sales_amount"), "source"] == "table (rolled up, 1 of 3 months)"
    year = roll_up_targets(targets_from_table(table), "year").set_index("indicator")
    assert year.loc["sales_amount", "target"] == 650.0  # 4 of 12 months
    assert year.loc["sales_amount", "source"].endswith("(rolled up, 4 of 12 months)")
    partial = partial_targets(targets_from_table(table), "quarter")
    assert partial[["period", "indicator", "months", "n_months"]].values.tolist() == [
        ["2026-Q4", "sales_amount", "2026-10", 1]
    ]
    assert len(partial_targets(targets_from_table(table), "year")) == 2
    assert partial_targets(targets_from_table(table), "month").empty


def test_quarter_target_of_a_late_joiner_is_his_own_months_never_the_team_sum():
    # issue 16: agent B joined in September; the quarter used to take team T1's rolled-up
    # total (3 x 1,000,000) as B's target: "Sales 16,480 (0 %)" and onto the PIP list
    table = pd.DataFrame(
        {
            "period": ["2026-07", "2026-08", "2026-09"] * 2 + ["2026-09"],
            "scope": ["team"] * 3 + ["agent"] * 4,
            "scope_id": ["T1"] * 3 + ["A"] * 3 + ["B"],
            "indicator": "sales_amount",
            "target": [1e6, 1e6, 1e6, 300.0, 300.0, 300.0, 200.0],
        }
    )
    rows = pd.DataFrame(
        {
            "agent_id": ["A", "B"],
            "team_id": "T1",
            "period": "2026-Q3",
            "granularity": "quarter",
            "indicator": "sales_amount",
            "value": [950.0, 180.0],
        }
    )
    out = attach_targets(rows, targets_from_table(table)).set_index("agent_id")
    assert out.loc["A", "target"] == 900.0
    assert out.loc["B", "target"] == 200.0  # September only, never 3,000,000
    assert out.loc["B", "target_source"] == "table (rolled up, 1 of 3 months)"
    team = rows.drop(columns="agent_id").drop_duplicates("team_id")
    assert attach_targets(team, targets_from_table(table))["target"].tolist() == [3e6]


def test_period_targets_pro_rate_by_working_days():
    from kpi_lib.scoring.targets import period_targets

    t = pd.DataFrame(
        {
            "scope": ["agent", "agent", "all"],
            "scope_id": ["A", "A", ""],
            "period": ["2026-10", "", ""],
            "indicator": ["sales_amount", "sales_amount", "satisfaction_rate"],
            "target": [2200.0, 9999.0, 0.9],
            "threshold": np.nan,
            "stretch": np.nan,
            "source": "table",
        }
    )
    weekdays = (0, 1, 2, 3, 4)
    # October 2026: 22 working days (Mon-Fri); 1-14 October holds 10 of them
    p = period_targets(t, period="2026-10", as_of="2026-10-14", calendar=weekdays)
    assert set(p["period"]) == {"2026-10"}
    got = p.set_index("indicator")["target"]
    assert got["sales_amount"] == pytest.approx(2200.0 * 10 / 22)  # the month's own target wins
    assert got["satisfaction_rate"] == 0.9  # rates are not pro-rated
    # calendar days without weekdays: 14 of 31
    cal = prorate(t, period="2026-10", as_of="2026-10-14").set_index(["scope", "period"])
    assert cal.loc[("agent", "2026-10"), "target"] == pytest.approx(2200.0 * 14 / 31)
    # board pro-rates the same way
    rows = ind([("A", "T1", "2026-10", "sales_amount", 1000.0)])
    board = progress_board(rows, t, period="2026-10", as_of="2026-10-14", calendar=weekdays)
    assert board["elapsed_share"].iloc[0] == pytest.approx(10 / 22)
    assert board["attainment"].iloc[0] == pytest.approx(1000.0 / (2200.0 * 10 / 22))


def test_to_date_indicators_from_a_folder_use_the_validated_rows(small_data, tmp_path):
    """A folder is read through the loader: a call of an agent the agents table does not
    know (an orphan, set aside by the contract) never reaches the board."""
    import shutil

    from kpi_lib.scoring.targets import indicators_to_date

    folder = tmp_path / "ds"
    shutil.copytree(small_data, folder)
    calls = pd.read_parquet(folder / "calls.parquet")
    orphan = calls.iloc[:5].copy()
    orphan["agent_id"] = "GHOST"
    orphan["call_id"] = [f"ghost-{i}" for i in range(5)]
    pd.concat([calls, orphan], ignore_index=True).to_parquet(folder / "calls.parquet")
    month = str(pd.Timestamp(orphan["started_at"].iloc[0]).strftime("%Y-%m"))
    out = indicators_to_date(folder, period=month, as_of=f"{month}-28")
    assert len(out) and "GHOST" not in set(out["agent_id"])
