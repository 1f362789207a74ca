"""Composite scores: hand-computed aggregation, limit cases and properties."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kpi_lib.scoring.composite import aggregate, assign_tiers, rank_scores, score
from kpi_lib.scoring.schemes import scheme_from_dict

SCHEME = {
    "name": "t",
    "normalisation": "goalposts",
    "dimensions": {
        "performance": {"weight": 60, "indicators": {"sales_amount": 1}},
        "quality": {"weight": 40, "indicators": {"satisfaction_rate": 3, "complaints_per_100": 1}},
    },
    "targets": {
        "sales_amount": {"target": 100, "threshold": 50},
        "satisfaction_rate": {"target": 0.9, "threshold": 0.7},
        "complaints_per_100": {"target": 2, "threshold": 4},
    },
    "gates": [{"indicator": "compliance_rate", "min": 0.9, "effect": "bonus"}],
    "tiers": {"A": 85, "B": 70, "C": 50, "D": None},
}


def ind_table(values: dict, period="2026-01", team="T1"):
    """values: {agent: {indicator: value}} -> indicator table."""
    rows = []
    for agent, d in values.items():
        for ind, v in d.items():
            rows.append(
                {
                    "agent_id": agent,
                    "team_id": team,
                    "period": period,
                    "granularity": "month",
                    "period_start": pd.Timestamp(period + "-01"),
                    "indicator": ind,
                    "value": float(v),
                    "numerator": np.nan,
                    "denominator": 1.0,
                    "reason": "",
                }
            )
    return pd.DataFrame(rows)


GOOD = {
    "sales_amount": 75,
    "satisfaction_rate": 0.8,
    "complaints_per_100": 3,
    "compliance_rate": 0.95,
}


def test_aggregate_hand_computed():
    s = np.array([[80.0, 60.0]])
    w = np.array([3.0, 1.0])
    # (3*80 + 60) / 4 = 75
    np.testing.assert_allclose(aggregate(s, w), [75.0])
    # exp((3 ln 81 + ln 61) / 4) - 1
    np.testing.assert_allclose(
        aggregate(s, w, "geometric"), [np.exp((3 * np.log(81) + np.log(61)) / 4) - 1]
    )


def test_aggregate_missing_reweights_and_coverage():
    comp, cov = aggregate(np.array([[80.0, np.nan]]), np.array([3.0, 1.0]), return_coverage=True)
    np.testing.assert_allclose(comp, [80.0])
    np.testing.assert_allclose(cov, [0.75])
    assert np.isnan(aggregate(np.array([[80.0, np.nan]]), np.array([1.0, 3.0]), min_coverage=0.5))[
        0
    ]


def test_aggregate_broadcasts_over_draws():
    rng = np.random.default_rng(1)
    s = rng.uniform(0, 100, (5, 3))
    w = rng.uniform(0.1, 1, (7, 3))
    out = aggregate(s, w)
    assert out.shape == (7, 5)
    for d in range(7):
        np.testing.assert_allclose(out[d], s @ w[d] / w[d].sum())


def test_rank_scores_against_scipy():
    c = np.array([90.0, 80.0, 90.0, 70.0])
    # reference: scipy.stats.rankdata(-c, method="min")
    np.testing.assert_array_equal(rank_scores(c), stats.rankdata(-c, method="min"))
    r = rank_scores(np.array([[1.0, np.nan, 3.0], [5.0, 4.0, 4.0]]))
    np.testing.assert_array_equal(r[0], [2, np.nan, 1])
    np.testing.assert_array_equal(r[1], [1, 2, 2])


def test_tiers():
    np.testing.assert_array_equal(
        assign_tiers([90, 85, 70, 10, np.nan], {"A": 85, "B": 70, "C": 50}),
        ["A", "A", "B", "D", ""],
    )


def test_score_hand_computed():
    scheme = scheme_from_dict(SCHEME)
    sc = score(ind_table({"A1": GOOD, "A2": {**GOOD, "sales_amount": 100}}), scheme)
    a = sc.agents.set_index("agent_id")
    # A1: sales (75-50)/50 = 50; satisfaction (0.8-0.7)/0.2 = 50; complaints (4-3)/2 = 50
    #   composite 0.6*50 + 0.4*(0.75*50 + 0.25*50) = 50
    # A2: sales 100 -> 0.6*100 + 0.4*50 = 80
    assert a.loc["A1", "composite"] == pytest.approx(50)
    assert a.loc["A2", "composite"] == pytest.approx(80)
    assert a.loc["A2", "rank"] == 1 and a.loc["A1", "rank"] == 2
    assert a.loc["A2", "tier"] == "B" and a.loc["A1", "tier"] == "C"
    i = sc.indicators.set_index(["agent_id", "indicator"])
    assert i.loc[("A1", "satisfaction_rate"), "weight"] == pytest.approx(0.3)
    assert i.loc[("A1", "complaints_per_100"), "weight"] == pytest.approx(0.1)
    # contributions add up to the composite
    contrib = sc.indicators.groupby("agent_id")["contribution"].sum()
    np.testing.assert_allclose(contrib[a.index], a["composite"])
    d = sc.dimensions.set_index(["agent_id", "dimension"])["score"]
    assert d[("A2", "performance")] == pytest.approx(100)
    assert d[("A2", "quality")] == pytest.approx(50)


def test_geometric_contributions_add_up():
    scheme = scheme_from_dict({**SCHEME, "aggregation": "geometric"})
    sc = score(ind_table({"A1": GOOD, "A2": {**GOOD, "sales_amount": 90}}), scheme)
    contrib = sc.indicators.groupby("agent_id")["contribution"].sum()
    a = sc.agents.set_index("agent_id")["composite"]
    np.testing.assert_allclose(contrib[a.index], a)
    assert {"code": "geometric_shift", "shift": scheme.geometric_shift} in sc.notes


def test_gate_blocks_bonus_not_score():
    scheme = scheme_from_dict(SCHEME)
    sc = score(ind_table({"A1": GOOD, "A2": {**GOOD, "compliance_rate": 0.85}}), scheme)
    a = sc.agents.set_index("agent_id")
    assert a.loc["A1", "composite"] == pytest.approx(a.loc["A2", "composite"])
    assert bool(a.loc["A1", "bonus_eligible"]) and not bool(a.loc["A2", "bonus_eligible"])
    [failure] = a.loc["A2", "gate_failures"]
    assert failure["indicator"] == "compliance_rate" and failure["effect"] == "bonus"
    assert failure["value"] == pytest.approx(0.85) and failure["min"] == pytest.approx(0.9)
    assert a.loc["A1", "gate_failures"] == []
    zero = scheme_from_dict(
        {**SCHEME, "gates": [{"indicator": "compliance_rate", "min": 0.9, "effect": "composite"}]}
    )
    a = score(ind_table({"A2": {**GOOD, "compliance_rate": 0.85}}), zero).agents
    assert a["composite"].iloc[0] == 0


def test_all_agents_equal_share_rank_one():
    scheme = scheme_from_dict(SCHEME)
    sc = score(ind_table({f"A{k}": GOOD for k in range(4)}), scheme)
    assert sc.agents["composite"].nunique() == 1
    assert (sc.agents["rank"] == 1).all()


def test_one_agent_minmax_gets_neutral():
    scheme = scheme_from_dict({**SCHEME, "normalisation": "minmax"})
    sc = score(ind_table({"A1": GOOD}), scheme)
    assert sc.agents["composite"].iloc[0] == pytest.approx(50)
    assert sc.agents["rank"].iloc[0] == 1


def test_missing_indicator_for_one_agent():
    scheme = scheme_from_dict({**SCHEME, "min_coverage": 0.0})
    tab = ind_table({"A1": GOOD, "A2": {k: v for k, v in GOOD.items() if k != "sales_amount"}})
    a = score(tab, scheme).agents.set_index("agent_id")
    # A2 has only the quality dimension (40 % of the weight) -> composite = quality score 50
    assert a.loc["A2", "coverage"] == pytest.approx(0.4)
    assert a.loc["A2", "composite"] == pytest.approx(50)
    strict = scheme_from_dict({**SCHEME, "min_coverage": 0.5})
    a = score(tab, strict).agents.set_index("agent_id")
    assert np.isnan(a.loc["A2", "composite"]) and a.loc["A2", "tier"] == ""


def test_unknown_indicator_in_table_names_nearest():
    scheme = scheme_from_dict(SCHEME)
    tab = ind_table({"A1": {"sales_amount": 1, "satisfaction_rate": 0.9}})
    with pytest.raises(KeyError, match="complaints_per_100"):
        score(tab, scheme)


def test_cycle_excludes_quarterly_and_rescales():
    d = {
        **SCHEME,
        "dimensions": {
            "performance": {"weight": 60, "indicators": {"sales_amount": 1}},
            "quality": {
                "weight": 40,
                "indicators": {"satisfaction_rate": {"weight": 1, "cycle": "quarterly"}},
            },
        },
    }
    scheme = scheme_from_dict(d)
    sc = score(ind_table({"A1": GOOD}), scheme, cycle="monthly")
    assert set(sc.indicators.loc[sc.indicators["weight"] > 0, "indicator"]) == {"sales_amount"}
    assert sc.agents["composite"].iloc[0] == pytest.approx(50)
    assert {"code": "not_assessed", "cycle": "monthly", "indicators": ["satisfaction_rate"]} in (
        sc.notes
    )


def test_missing_targets_from_history_or_error():
    d = {**SCHEME, "targets": {}}
    scheme = scheme_from_dict(d)
    tab = pd.concat(
        [
            ind_table({"A1": GOOD, "A2": GOOD}, period="2026-01"),
            ind_table({"A1": GOOD, "A2": GOOD}, period="2026-02"),
        ]
    )
    sc = score(tab, scheme)
    [note] = [n for n in sc.notes if n["code"] == "derived_target"]
    assert note["indicators"] and note["lookback"] == 3 and note["uplift"] == pytest.approx(0.05)
    i = sc.indicators
    feb = i[(i["period"] == "2026-02") & (i["indicator"] == "sales_amount")]
    # median of January (75) + 5 %
    np.testing.assert_allclose(feb["target"], 75 * 1.05)
    with pytest.raises(ValueError, match="no target"):
        score(tab, scheme, missing_targets="error")


def test_period_selection_and_latest():
    scheme = scheme_from_dict(SCHEME)
    tab = pd.concat(
        [ind_table({"A1": GOOD}, period="2026-01"), ind_table({"A1": GOOD}, period="2026-02")]
    )
    assert score(tab, scheme, period="latest").periods == ["2026-02"]
    with pytest.raises(KeyError, match="2026-03"):
        score(tab, scheme, period="2026-03")


def test_shrink_changes_small_sample_rates():
    scheme = scheme_from_dict({**SCHEME, "normalisation": "minmax"})
    rows = []
    for agent, k, n in (("A1", 5, 5), ("A2", 700, 1000), ("A3", 650, 1000), ("A4", 60, 100)):
        for ind, v, num, den in (
            ("satisfaction_rate", k / n, k, n),
            ("sales_amount", 100, 100, 1),
            ("complaints_per_100", 2, 2, 1),
            ("compliance_rate", 1, 1, 1),
        ):
            rows.append(
                {
                    "agent_id": agent,
                    "team_id": "T1",
                    "period": "2026-01",
                    "indicator": ind,
                    "value": v,
                    "numerator": num,
                    "denominator": den,
                }
            )
    tab = pd.DataFrame(rows)
    raw = score(tab, scheme).indicators.set_index(["agent_id", "indicator"])
    shr = score(tab, scheme, shrink=True).indicators.set_index(["agent_id", "indicator"])
    key = ("A1", "satisfaction_rate")
    assert raw.loc[key, "value"] == 1.0 and shr.loc[key, "value"] < 1.0
    assert shr.loc[key, "value_observed"] == 1.0
    assert not bool(raw.loc[key, "rankable"])  # 5 surveys: never rankable


def _pipeline(values, weights, method):
    d = {
        **SCHEME,
        "normalisation": method,
        "gates": [],
        "dimensions": {
            "performance": {
                "weight": 1,
                "indicators": {
                    "sales_amount": weights[0],
                    "deals": weights[1],
                    "complaints_per_100": weights[2],
                },
            }
        },
        "targets": {
            "sales_amount": {"target": 100},
            "deals": {"target": 10},
            "complaints_per_100": {"target": 2},
        },
    }
    tab = ind_table(
        {
            f"A{k}": {"sales_amount": v[0], "deals": v[1], "complaints_per_100": v[2]}
            for k, v in enumerate(values)
        }
    )
    return score(tab, scheme_from_dict(d))


agents_st = st.lists(
    st.tuples(st.floats(0, 300), st.floats(0, 30), st.floats(0.01, 10)), min_size=1, max_size=6
)
weights_st = st.tuples(*[st.floats(0.1, 10)] * 3)


@settings(max_examples=30, deadline=None)
@given(
    agents_st,
    weights_st,
    st.sampled_from(["attainment", "goalposts", "minmax", "percentile", "zscore"]),
)
def test_composite_within_bounds(values, weights, method):
    c = _pipeline(values, weights, method).agents["composite"]
    assert ((c >= -1e-9) & (c <= 100 + 1e-9)).all()


@settings(max_examples=30, deadline=None)
@given(
    agents_st,
    weights_st,
    st.sampled_from(["attainment", "goalposts", "minmax", "percentile"]),
    st.integers(0, 2),
    st.floats(0.01, 50),
)
def test_improving_an_indicator_never_lowers_composite(values, weights, method, which, step):
    before = _pipeline(values, weights, method).agents.set_index("agent_id")["composite"]
    better = [list(v) for v in values]
    # complaints (index 2) improve downwards, the others upwards
    better[0][which] = max(better[0][which] - step, 0.0) if which == 2 else better[0][which] + step
    after = _pipeline(better, weights, method).agents.set_index("agent_id")["composite"]
    assert after["A0"] >= before["A0"] - 1e-9


@settings(max_examples=30, deadline=None)
@given(agents_st, weights_st, st.floats(0.01, 1000), st.sampled_from(["arithmetic", "geometric"]))
def test_rescaling_weights_changes_nothing(values, weights, factor, agg):
    s = np.array(values) / np.array([3, 0.3, 0.1])
    s = np.clip(s, 0, 100)
    w = np.array(weights)
    np.testing.assert_allclose(aggregate(s, w, agg), aggregate(s, w * factor, agg))
    a = _pipeline(values, weights, "goalposts").agents["composite"].to_numpy()
    b = _pipeline(values, tuple(x * factor for x in weights), "goalposts").agents
    np.testing.assert_allclose(a, b["composite"].to_numpy())
