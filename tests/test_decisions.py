"""Bonus, commission, certification, PIP and coaching decisions on hand-built scorecards."""

import numpy as np
import pandas as pd
import pytest

from kpi_lib.scoring.composite import score
from kpi_lib.scoring.decisions import (
    bonus_allocation,
    bonus_holds,
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
    assert b.loc["C", "reason"] == "gate_failed"
    assert [(f["indicator"], f["value"], f["min"]) for f in b.loc["C", "failed_gates"]] == [
        ("compliance_rate", 0.8, 0.9)
    ]
    assert b.loc["A", "failed_gates"] == [] and b.loc["A", "reason"] == ""
    assert b.loc["A", "bonus"] == pytest.approx(600)
    assert b.loc["B", "bonus"] == pytest.approx(300)
    assert b["bonus"].sum() == pytest.approx(900)
    t = bonus_allocation(sc, pool=900, tier_multipliers={"A": 1, "B": 1, "C": 0, "D": 0})
    t = t.set_index("agent_id")
    assert t.loc["A", "bonus"] == pytest.approx(900) and t.loc["B", "reason"] == "tier_no_bonus"


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
    evidence = {e["indicator"]: e for e in c.loc["A", "evidence"]}
    assert evidence["satisfaction_rate"]["value"] == pytest.approx(0.99)
    assert evidence["satisfaction_rate"]["op"] == ">=" and "threshold" in evidence["sales_amount"]
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
    assert (p["periods_low"].iloc[0], p["periods_in_window"].iloc[0]) == (2, 3)
    assert p["bottom_tiers"].iloc[0] == "D" and "evidence" not in p
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


# ------------------------------------------------------- bonus holds (issue 17, part A)


def _leaderboard():
    return pd.DataFrame(
        {
            "agent_id": ["A", "B", "C", "D"],
            "rank": [1.0, 2.0, 3.0, 4.0],
            "rankable": [True, True, True, False],
            "rank_low": [1, 1, 3, 2],
            "rank_high": [2, 4, 41, 4],
        }
    )


def test_bonus_holds_codes_values_and_texts():
    calls = pd.DataFrame({"agent_id": ["A", "B", "C", "D"], "value": [500, 480, 30, 450]})
    bunching = pd.DataFrame({"agent_id": ["A", "B"], "flagged": [False, True]})
    h = bonus_holds(
        _leaderboard(),
        gaming_flags={"bunching": bunching, "skipped": pd.DataFrame({"analysis": []})},
        calls=calls,
    )
    assert list(zip(h["agent_id"], h["reason"], strict=True)) == [
        ("B", "gaming_flag"),
        ("C", "small_sample"),
        ("D", "unrankable"),
    ]
    c = h.set_index("agent_id")
    # the record a report shows: the code with its values (issue 17's example)
    assert c.loc["C", "record"] == {
        "code": "bonus_held",
        "reason": "small_sample",
        "calls": 30,
        "rank_low": 3,
        "rank_high": 41,
    }
    assert "text" not in h  # the report layer words the records
    assert c.loc["B", "record"]["check"] == "bunching"
    assert c.loc["D", "code"] == "bonus_caveat"
    assert c.loc["D", "record"] == {
        "code": "bonus_caveat",
        "reason": "unrankable",
        "calls": 450,
        "rank_low": 2,
        "rank_high": 4,
    }
    # a flat flags table and a calls Series work too; nothing to hold -> the empty table
    none = bonus_holds(_leaderboard().assign(rankable=True), calls=pd.Series({"A": 500}))
    assert none.empty and "record" in none.columns
    with pytest.raises(KeyError, match="agent_id"):
        bonus_holds(pd.DataFrame({"rank": [1]}))


def test_bonus_allocation_with_holds_keeps_the_pool_and_holds_payment():
    sc = score(
        history(
            {
                "A": [("2026-01", 100, 1.0, 1.0)],
                "B": [("2026-01", 50, 0.5, 1.0)],
                "C": [("2026-01", 100, 1.0, 1.0)],
            }
        ),
        SCHEME,
    )
    lb = sc.agents[["agent_id", "rank"]]
    lb = lb.assign(rankable=lb["agent_id"].map({"A": True, "B": True, "C": False}))
    flags = pd.DataFrame({"agent_id": ["A"], "check": ["call_padding"], "flagged": [True]})
    holds = bonus_holds(lb, gaming_flags=flags, calls=pd.Series({"A": 900, "B": 40, "C": 800}))
    plain = bonus_allocation(sc, pool=1000).set_index("agent_id")
    b = bonus_allocation(sc, pool=1000, holds=holds).set_index("agent_id")
    # shares unchanged by holds (composites A 100, B 50, C 100 -> 400, 200, 400)
    assert b["bonus"].to_dict() == pytest.approx(plain["bonus"].to_dict())
    assert b.loc["A", "bonus"] == pytest.approx(400) and b["bonus"].sum() == pytest.approx(1000)
    # A (gaming flag) and B (40 calls) held, C only carries a caveat
    assert b["held"].to_dict() == {"A": True, "B": True, "C": False}
    assert b["payable"].to_dict() == pytest.approx({"A": 0.0, "B": 0.0, "C": 400.0})
    assert b.loc["A", "hold"] == "gaming_flag"
    assert b.loc["B", "hold"] == "small_sample"
    assert b.loc["C", "hold"] == "unrankable"
    assert [r["reason"] for r in b.loc["B", "hold_codes"]] == ["small_sample"]
    assert list(plain.columns) == [c for c in b.columns if c not in HOLD_COLUMNS]


HOLD_COLUMNS = ("held", "hold", "hold_codes", "payable")


def test_bonus_holds_small_sample_scales_with_the_period():
    lb = pd.DataFrame({"agent_id": list("ABCDE"), "rank": [1.0, 2, 3, 4, 5]})
    month = pd.Series({"A": 420, "B": 400, "C": 430, "D": 100, "E": 29})
    # median 400 -> held below max(30, 0.25 * 400) = 100: E (29) only; D has exactly 100
    assert bonus_holds(lb, calls=month)["agent_id"].tolist() == ["E"]
    week = month / 4  # median 100 -> floor max(30, 25) = 30: D (25) and E (7.25)
    assert bonus_holds(lb, calls=week)["agent_id"].tolist() == ["D", "E"]
    assert bonus_holds(lb, calls=month, min_share=0.3)["agent_id"].tolist() == ["D", "E"]
    with pytest.raises(ValueError, match="min_share"):
        bonus_holds(lb, calls=month, min_share=2)


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


def test_decisions_return_codes_and_values_not_sentences():
    """Every reason a decision gives is an identifier with its values beside it; the report
    layer words them (issue 18)."""
    spec = {
        "A": [("2026-01", 100, 1.0, 1.0), ("2026-02", 100, 1.0, 1.0)],
        "B": [("2026-01", 10, 0.1, 1.0), ("2026-02", 10, 0.1, 1.0)],
        "C": [("2026-01", 100, 1.0, 0.5), ("2026-02", 100, 1.0, 0.5)],
        "D": [("2026-01", 60, 0.6, 1.0), ("2026-02", 60, 0.6, 1.0)],
    }
    sc = score(history(spec), SCHEME)
    bonus = bonus_allocation(
        sc, pool=1000, min_composite=20, tier_multipliers={"A": 1, "B": 1, "C": 0, "D": 0}
    ).set_index("agent_id")
    assert bonus["reason"].to_dict() == {
        "A": "",
        "B": "below_min",
        "C": "gate_failed",
        "D": "tier_no_bonus",
    }
    assert bonus.loc["B", "min_composite"] == 20
    assert bonus.loc["C", "failed_gates"][0]["value"] == pytest.approx(0.5)
    identifier = r"^[a-z_]*$"
    assert bonus["reason"].str.match(identifier).all()
    scored = sc.agents.set_index(["agent_id", "period"])
    assert [f["indicator"] for f in scored.loc[("C", "2026-02"), "gate_failures"]] == [
        "compliance_rate"
    ]
    assert all(isinstance(n, dict) and " " not in n["code"] for n in sc.notes)
    cert = certification_candidates(sc, rule={"consecutive": 2, "conditions": [
        {"indicator": "satisfaction_rate", "field": "value", "op": ">=", "value": 0.9}]})  # fmt: skip
    for evidence in cert["evidence"]:
        assert [set(e) for e in evidence] == [{"indicator", "field", "value", "op", "threshold"}]
    pip = pip_candidates(sc, min_count=2, window=2)
    assert list(pip["agent_id"]) == ["B"] and not {"evidence", "message"} & set(pip.columns)
    focus = coaching_focus(sc)
    assert not {"evidence", "message", "text"} & set(focus.columns)
    lb = sc.for_period("2026-02").agents
    holds = bonus_holds(lb, calls=pd.Series({"A": 500, "B": 5, "C": 500, "D": 500}))
    assert holds["reason"].str.match(identifier).all() and "text" not in holds
