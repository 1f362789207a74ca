"""Bonus, commission, certification, PIP and coaching decisions on hand-built scorecards."""

import numpy as np
import pandas as pd
import pytest

from kpi_lib.scoring.composite import score
from kpi_lib.scoring.decisions import (
    bonus_allocation,
    certification_candidates,
    coaching_focus,
    commission_tiers,
    pip_candidates,
    team_weak_spots,
)
from kpi_lib.scoring.schemes import scheme_from_dict

SCHEME = scheme_from_dict(
    {
        "name": "t",
        "dimensions": {
            "performance": {"weight": 50, "indicators": {"sales_amount": 1}},
            "quality": {"weight": 50, "indicators": {"satisfaction_rate": 1}},
        },
        "targets": {
            "sales_amount": {"target": 100, "threshold": 0},
            "satisfaction_rate": {"target": 1.0, "threshold": 0.0},
        },
        "gates": [{"indicator": "compliance_rate", "min": 0.9}],
        "tiers": {"A": 85, "B": 70, "C": 50, "D": None},
    }
)


def history(spec):
    """spec: {agent: [(period, sales, satisfaction, compliance), ...]}"""
    rows = []
    for agent, items in spec.items():
        for period, sales, sat, comp in items:
            for ind, v in (
                ("sales_amount", sales),
                ("satisfaction_rate", sat),
                ("compliance_rate", comp),
            ):
                rows.append(
                    {
                        "agent_id": agent,
                        "team_id": "T1" if agent < "C" else "T2",
                        "period": period,
                        "indicator": ind,
                        "value": float(v),
                    }
                )
    return pd.DataFrame(rows)


def test_bonus_proportional_with_gate():
    sc = score(
        history(
            {
                "A": [("2026-01", 100, 1.0, 1.0)],
                "B": [("2026-01", 50, 0.5, 1.0)],
                "C": [("2026-01", 100, 1.0, 0.8)],
            }
        ),
        SCHEME,
    )
    b = bonus_allocation(sc, pool=900).set_index("agent_id")
    # composites A 100, B 50, C 100 but C fails the compliance gate
    assert b.loc["C", "bonus"] == 0 and not b.loc["C", "eligible"]
    assert "compliance_rate" in b.loc["C", "reason"]
    assert b.loc["A", "bonus"] == pytest.approx(600)
    assert b.loc["B", "bonus"] == pytest.approx(300)
    assert b["bonus"].sum() == pytest.approx(900)
    t = bonus_allocation(sc, pool=900, tier_multipliers={"A": 1, "B": 1, "C": 0, "D": 0})
    t = t.set_index("agent_id")
    assert (
        t.loc["A", "bonus"] == pytest.approx(900) and t.loc["B", "reason"] == "tier earns no bonus"
    )


def test_commission_bands():
    sc = score(
        history(
            {
                "A": [("2026-01", 130, 1, 1)],
                "B": [("2026-01", 100, 1, 1)],
                "C": [("2026-01", 70, 1, 1)],
            }
        ),
        SCHEME,
    )
    c = commission_tiers(sc).set_index("agent_id")
    # default bands: <80 % 2 %, 80-100 % 3 %, 100-120 % 5 %, >=120 % 6 %
    assert c.loc["A", "commission_rate"] == 0.06
    assert c.loc["B", "commission_rate"] == 0.05
    assert c.loc["C", "commission_rate"] == 0.02
    assert c.loc["A", "commission"] == pytest.approx(130 * 0.06)


def test_certification_two_consecutive_months():
    spec = {
        "A": [("2026-01", 100, 0.96, 1), ("2026-02", 110, 0.97, 1), ("2026-03", 50, 0.99, 1)],
        "B": [("2026-01", 100, 0.96, 1), ("2026-02", 90, 0.97, 1), ("2026-03", 100, 0.99, 1)],
        # C qualifies in Jan and Mar, but not consecutively (Feb missing)
        "C": [("2026-01", 100, 0.96, 1), ("2026-03", 100, 0.99, 1)],
    }
    sc = score(history(spec), SCHEME)
    c = certification_candidates(sc).set_index("agent_id")
    assert bool(c.loc["A", "eligible"]) and c.loc["A", "periods"] == "2026-01, 2026-02"
    assert not bool(c.loc["B", "eligible"]) and not bool(c.loc["C", "eligible"])
    assert c.loc["C", "streak"] == 1
    assert "satisfaction_rate" in c.loc["A", "evidence"]
    c = certification_candidates(sc, as_of="2026-03").set_index("agent_id")
    assert not bool(c.loc["A", "eligible"])  # streak broken in March


def test_pip_two_of_three():
    spec = {
        "A": [("2026-01", 10, 0.1, 1), ("2026-02", 100, 1, 1), ("2026-03", 10, 0.1, 1)],
        "B": [("2026-01", 10, 0.1, 1), ("2026-02", 100, 1, 1), ("2026-03", 100, 1, 1)],
        "C": [("2026-01", 100, 1, 1), ("2026-02", 100, 1, 1), ("2026-03", 100, 1, 1)],
    }
    p = pip_candidates(score(history(spec), SCHEME))
    assert list(p["agent_id"]) == ["A"]
    assert p["low_periods"].iloc[0] == "2026-01, 2026-03"
    assert "2 of the last 3" in p["evidence"].iloc[0]
    with pytest.raises(ValueError):
        pip_candidates(score(history(spec), SCHEME), min_count=4, window=3)


def test_coaching_focus_weakest_dimension_relative_to_team():
    spec = {
        "A": [("2026-01", 100, 0.4, 1)],
        "B": [("2026-01", 40, 1.0, 1)],
        "C": [("2026-01", 80, 0.8, 1)],
        "D": [("2026-01", 80, 0.8, 1)],
    }
    f = coaching_focus(score(history(spec), SCHEME)).set_index("agent_id")
    assert f.loc["A", "dimension"] == "quality" and f.loc["A", "indicator"] == "satisfaction_rate"
    assert f.loc["B", "dimension"] == "performance"
    # team T1 = A, B: quality mean (40 + 100) / 2 = 70; A is 40 -> gap -30
    assert f.loc["A", "gap"] == pytest.approx(-30)
    assert f.loc["C", "gap"] == pytest.approx(0)
    w = team_weak_spots(score(history(spec), SCHEME))
    assert set(w["team_id"]) == {"T1", "T2"}
    assert np.isclose(w.groupby("dimension")["gap"].sum(), 0).all()


def test_rule_gaps_say_why_a_rule_cannot_apply():
    from kpi_lib.scoring.decisions import rule_gaps

    sc = score(
        history({"A": [("2026-01", 100, 1.0, 1.0)], "B": [("2026-01", 50, 0.5, 1.0)]}), SCHEME
    )
    assert rule_gaps(SCHEME, {}, sc).empty
    gaps = rule_gaps(SCHEME, {"satisfaction_rate": "surveys"}, sc).set_index("rule")
    assert gaps.loc["certification", "reason"] == "needs"
    assert gaps.loc["certification", "indicators"] == "satisfaction_rate"
    assert gaps.loc["certification", "needs"] == "surveys"
    # a scheme that does not score an indicator of the rule, and rules switched off
    sales_only = scheme_from_dict(
        {
            "name": "s",
            "dimensions": {"performance": {"weight": 1, "indicators": {"sales_amount": 1}}},
            "targets": {"sales_amount": {"target": 100}},
            "rules": {"pip": False, "coaching": False},
        }
    )
    sc2 = score(history({"A": [("2026-01", 100, 1.0, 1.0)]}), sales_only)
    gaps = rule_gaps(sales_only, {}, sc2).set_index("rule")
    assert gaps.loc["certification", "reason"] == "not_scored"
    assert gaps.loc["certification", "indicators"] == "satisfaction_rate"
    assert gaps.loc["pip", "reason"] == "off" and gaps.loc["coaching", "reason"] == "off"


def test_coaching_can_compare_with_every_agent():
    spec = {
        "A": [("2026-01", 100, 0.4, 1)],
        "B": [("2026-01", 40, 1.0, 1)],
        "C": [("2026-01", 80, 0.8, 1)],
    }
    sc = score(history(spec), SCHEME)
    team = coaching_focus(sc).set_index("agent_id")
    every = coaching_focus(sc, compare_to="all").set_index("agent_id")
    # C is alone in T2: against the team there is no gap; against everyone C's 80 in both
    # dimensions is above the mean of (100, 40, 80) and of (40, 100, 80)
    assert team.loc["C", "gap"] == pytest.approx(0)
    assert every.loc["C", "gap"] == pytest.approx(80 - 220 / 3)
    assert every.loc["A", "team_score"] == pytest.approx((40 + 100 + 80) / 3)
    with pytest.raises(ValueError, match="compare_to"):
        coaching_focus(sc, compare_to="region")
