"""kpi_lib.analyses.changes: the change of the composite split by indicator and team."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from kpi_lib.analyses import changes
from kpi_lib.analyses.changes import composite_changes, indicator_trends, score_changes

INDICATORS = ["sales_amount", "effective_calls", "satisfaction_rate"]


def _random_scorecard(seed: int, *, agents: int = 30, periods=("2026-08", "2026-09", "2026-10")):
    """Indicator and agent tables whose composite is the weighted sum of scores."""
    rng = np.random.default_rng(seed)
    weights = {"sales_amount": 0.5, "effective_calls": 0.3, "satisfaction_rate": 0.2}
    rows = []
    for p in periods:
        for k in range(agents):
            for ind, w in weights.items():
                rows.append(
                    {
                        "agent_id": f"A{k:03d}",
                        "team_id": f"T{k % 3}",
                        "period": p,
                        "indicator": ind,
                        "score": float(rng.uniform(0, 100)),
                        "value": float(rng.uniform(0, 1)),
                        "weight": w,
                    }
                )
    # a gate-only row (weight 0) must not count
    rows.append(
        {"agent_id": "A000", "team_id": "T0", "period": periods[-1], "indicator": "compliance_rate",
         "score": 0.0, "value": 0.5, "weight": 0.0}
    )  # fmt: skip
    ind = pd.DataFrame(rows)
    ind["contribution"] = ind["score"] * ind["weight"]
    agents_t = ind.groupby(["agent_id", "team_id", "period"], as_index=False)["contribution"].sum()
    agents_t = agents_t.rename(columns={"contribution": "composite"})
    agents_t["tier"] = pd.cut(agents_t["composite"], [-1, 50, 70, 85, 101], labels=list("DCBA"))
    agents_t["tier"] = agents_t["tier"].astype(str)
    return ind, agents_t


def test_examples_run():
    result = doctest.testmod(changes, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_hand_computed_decomposition():
    # two agents, two indicators; weights 0.6 / 0.4
    ind = pd.DataFrame(
        {
            "agent_id": ["A", "A", "B", "B"] * 2,
            "team_id": "T",
            "period": ["P1"] * 4 + ["P2"] * 4,
            "indicator": ["x", "y"] * 4,
            "score": [50, 80, 70, 20, 60, 40, 90, 40],
            "weight": [0.6, 0.4] * 4,
        }
    )
    out = score_changes(ind, period="P2", previous="P1").set_index("indicator")
    # x: mean 60 -> 75 (+15), 0.6 * 15 = 9; y: mean 50 -> 40 (-10), 0.4 * -10 = -4
    assert out.loc["x", "score_change"] == pytest.approx(15)
    assert out.loc["x", "contribution_change"] == pytest.approx(9)
    assert out.loc["y", "contribution_change"] == pytest.approx(-4)
    assert out.loc["x", "share_of_change"] == pytest.approx(9 / 13)
    assert list(out.index) == ["x", "y"]  # largest absolute change first


def test_contributions_add_up_to_the_composite_change():
    ind, agents_t = _random_scorecard(1)
    comp = composite_changes(
        agents_t, ind, period="2026-10", previous="2026-09", tiers=["A", "B", "C"]
    )
    ch = score_changes(ind, period="2026-10", previous="2026-09")
    by_team = ch.groupby("team_id")["contribution_change"].sum()
    for r in comp.itertuples():
        assert r.mean_change == pytest.approx(by_team[r.team_id])
        assert r.explained == pytest.approx(r.mean_change)
        assert abs(r.other) < 1e-9
    assert "compliance_rate" not in set(ch["indicator"])
    # all agents together: the overall mean change
    overall = composite_changes(agents_t, ind, period="2026-10", previous="2026-09", by=None)
    a = agents_t.pivot(index="agent_id", columns="period", values="composite")
    assert overall["mean_change"].iloc[0] == pytest.approx((a["2026-10"] - a["2026-09"]).mean())
    assert overall["median_change"].iloc[0] == pytest.approx(
        a["2026-10"].median() - a["2026-09"].median()
    )


def test_tier_movement_counts_every_agent_once():
    ind, agents_t = _random_scorecard(2)
    comp = composite_changes(
        agents_t, period="2026-10", previous="2026-09", tiers=["A", "B", "C", "D"], by=None
    )
    t = agents_t.pivot(index="agent_id", columns="period", values="tier")
    rank = {"A": 0, "B": 1, "C": 2, "D": 3}
    up = int((t["2026-10"].map(rank) < t["2026-09"].map(rank)).sum())
    down = int((t["2026-10"].map(rank) > t["2026-09"].map(rank)).sum())
    assert (comp["tier_up"].iloc[0], comp["tier_down"].iloc[0]) == (up, down)
    assert np.isnan(comp["explained"].iloc[0])  # no indicator table given


def test_weight_change_counts_in_the_contribution():
    ind = pd.DataFrame(
        {
            "agent_id": "A",
            "team_id": "T",
            "period": ["P1", "P2"],
            "indicator": "x",
            "score": [50.0, 50.0],
            "weight": [0.2, 0.4],
        }
    )
    out = score_changes(ind, period="P2", previous="P1")
    assert out["score_change"].iloc[0] == 0
    assert out["contribution_change"].iloc[0] == pytest.approx(10.0)


def test_no_movement_has_no_share():
    ind = pd.DataFrame(
        {"agent_id": "A", "team_id": "T", "period": ["P1", "P2"], "indicator": "x",
         "score": [50.0, 50.0], "weight": [0.5, 0.5]}
    )  # fmt: skip
    assert np.isnan(score_changes(ind, period="P2", previous="P1")["share_of_change"].iloc[0])


def test_agents_missing_a_period_are_left_out():
    ind, agents_t = _random_scorecard(3)
    ind = ind[~((ind["agent_id"] == "A001") & (ind["period"] == "2026-09"))]
    out = score_changes(ind, period="2026-10", previous="2026-09", by=None)
    assert set(out["agents"]) == {29}


def test_trends_keep_the_last_periods():
    ind, _ = _random_scorecard(4, periods=("2026-07", "2026-08", "2026-09", "2026-10"))
    tr = indicator_trends(ind, last=2, by=None)
    assert sorted(tr["period"].unique()) == ["2026-09", "2026-10"]
    sub = ind[(ind["period"] == "2026-10") & (ind["indicator"] == "sales_amount")]
    row = tr[(tr["period"] == "2026-10") & (tr["indicator"] == "sales_amount")].iloc[0]
    assert row["score"] == pytest.approx(sub["score"].mean())
    assert row["value"] == pytest.approx(sub["value"].median())
    assert set(tr["indicator"]) == set(INDICATORS)
    by_team = indicator_trends(ind, last=1)
    assert len(by_team) == 3 * len(INDICATORS)


def test_clear_errors():
    ind, agents_t = _random_scorecard(5)
    with pytest.raises(ValueError, match="`previous` '2025-01' is not a period"):
        score_changes(ind, period="2026-10", previous="2025-01")
    with pytest.raises(KeyError, match="needs the columns"):
        score_changes(ind.drop(columns="weight"), period="2026-10", previous="2026-09")
    with pytest.raises(KeyError, match="needs the columns"):
        composite_changes(agents_t, period="2026-10", previous="2026-09", by="region")
    with pytest.raises(ValueError, match="`last` must be >= 1"):
        indicator_trends(ind, last=0)
    with pytest.raises(TypeError, match="must be a DataFrame"):
        score_changes([1, 2], period="P", previous="Q")
