"""Tests of kpi_lib.analyses.recommendations and the finding sentences: a null control must
give no confident findings; the sample's planted behaviours must be found."""

import json

import numpy as np
import pandas as pd
import pytest

from kpi_lib.analyses import recommendations as rec
from kpi_lib.paths import resolve
from kpi_lib.report.conflict_text import findings_text

SAMPLE = resolve("data/sample")


def null_data(seed=21, n_agents=30, n_periods=6):
    """Indicators and calls with no planted relation, trend or gaming."""
    rng = np.random.default_rng(seed)
    rows, calls = [], []
    for a in range(n_agents):
        aid, team = f"A{a:03d}", f"T{a % 3}"
        for t in range(n_periods):
            connects = rng.poisson(400)
            counts = {
                "effective_calls": (rng.poisson(120), 1.0),
                "dials": (rng.poisson(1000), 1.0),
                "conversion_rate": (rng.binomial(connects, 0.1), connects),
                "satisfaction_rate": (rng.binomial(60, 0.9), 60),
                "repurchase_rate": (rng.binomial(40, 0.1), 40),
                "complaints_per_100": (100 * rng.poisson(2), 80),
                "sales_amount": (rng.gamma(20, 1000), 1.0),
            }
            for k, (num, den) in counts.items():
                rows.append({"agent_id": aid, "team_id": team, "period": f"2026-{t + 1:02d}",
                             "granularity": "month", "period_start": pd.Timestamp(2026, t + 1, 1),
                             "indicator": k, "value": num / den, "numerator": float(num),
                             "denominator": float(den), "reason": ""})  # fmt: skip
        d = np.exp(np.log(rng.uniform(100, 140)) + 0.85 * rng.normal(size=1500))
        calls.append(pd.DataFrame({"agent_id": aid, "team_id": team, "duration_s": d,
                                   "outcome": "connected",
                                   "started_at": pd.Timestamp(2026, 1, 5)}))  # fmt: skip
    return pd.DataFrame(rows), pd.concat(calls, ignore_index=True)


def test_null_control_has_no_confident_findings():
    ind, calls = null_data()
    exp = pd.DataFrame({"indicator_a": ["effective_calls"], "indicator_b": ["conversion_rate"],
                        "expected_sign": [1]})  # fmt: skip
    d = rec.diagnose(ind, calls, n_boot=200)
    d["expected"] = rec.conflicts.expected_relations(ind, expected=exp)
    top = rec.top_findings(d)
    assert top.empty, top[["kind", "agent_id", "indicator_a", "indicator_b", "p_adj"]]
    assert findings_text(top).empty


def test_diagnose_reports_skipped_analyses():
    ind, _ = null_data(n_agents=9, n_periods=3)
    d = rec.diagnose(ind, None, n_boot=50)
    assert "gaming (calls)" in set(d["skipped"]["analysis"])
    assert "bunching" not in d


def test_findings_are_ordered_and_worded():
    rng = np.random.default_rng(22)
    d = {
        "bunching": pd.DataFrame(
            {"agent_id": ["A1", "A2"], "team_id": ["T1", "T1"], "excess_ratio": [2.0, 1.0],
             "ci_low": [1.5, 0.4], "ci_high": [2.5, 1.6], "p_adj": [1e-6, 0.02],
             "flagged": [True, True], "excess_calls": [300.0, 80.0], "n_calls": [2000, 1800]}
        ),
        "correlations": pd.DataFrame(
            {"indicator_a": ["effective_calls"], "indicator_b": ["satisfaction_score"],
             "method": ["spearman"], "r": [-0.6], "ci_low": [-0.7], "ci_high": [-0.5],
             "p_adj": [0.003], "flag": ["conflict"], "n": [500], "n_agents": [50]}
        ),
    }  # fmt: skip
    del rng
    top = rec.top_findings(d)
    assert list(top["rank"]) == [1, 2, 3]
    assert list(top["evidence"]) == ["strong", "moderate", "weak"]
    assert top.loc[0, "action"] == "review_recordings"
    txt = findings_text(top)
    assert "review" in txt.loc[0, "recommendation"].lower()
    assert "pull against each other" in txt.loc[1, "finding"]


@pytest.fixture(scope="module")
def sample_diagnosis():
    if not (SAMPLE / "PLANTED.json").is_file():
        pytest.skip("data/sample is absent")
    engine = pytest.importorskip("kpi_lib.indicators.engine")
    ind = engine.compute_indicators(SAMPLE, granularity="month", level="agent")
    read = lambda t: pd.read_parquet(SAMPLE / f"{t}.parquet")  # noqa: E731
    d = rec.diagnose(ind, read("calls"), agents=read("agents"), surveys=read("surveys"),
                     targets=read("targets"), n_boot=200)  # fmt: skip
    return d, json.loads((SAMPLE / "PLANTED.json").read_text())


def test_sample_planted_behaviours_found(sample_diagnosis):
    d, planted = sample_diagnosis
    top = rec.top_findings(d)
    agent_rows = top[top["subject"] == "agent"]  # a team holding padders may be flagged too
    found = lambda kind: set(agent_rows.loc[agent_rows["kind"] == kind, "agent_id"])  # noqa: E731
    pad = set(planted["threshold_padders"]["agents"])
    # every padder; BH bounds the share of false flags, not each one: at most one other of the
    # 192 (A0185 with the peer counterfactual, p = 9e-4; benchmarks/README.md: 0 / 6000 agents
    # flagged on 100 null datasets)
    assert pad <= found("bunching") and len(found("bunching") - pad) <= 1
    op = set(planted["over_promisers"]["agents"])
    # over-promisers who also sell at least as well as their team's median must be flagged;
    # no agent outside the planted set is
    assert found("over_promising") <= op
    assert len(found("over_promising")) >= len(op) // 2
    assert found("call_padding") == set(planted["call_padding_after_target_raise"]["agents"])
    small = set(planted["small_sample_agents"]["agents"])
    assert not (set(top["agent_id"]) & small)


def test_one_bh_over_all_gaming_checks():
    # reference: statsmodels' Benjamini-Hochberg over the concatenated rankable p-values
    from statsmodels.stats.multitest import multipletests

    b = pd.DataFrame({"agent_id": ["A1", "A2", "A3"], "rankable": [True, True, False],
                      "p_value": [0.004, 0.03, 0.001], "p_adj": [0.008, 0.03, np.nan],
                      "ci_low": [0.2, 0.1, 0.5], "flagged": [True, True, False]})  # fmt: skip
    n = pd.DataFrame({"agent_id": ["A1", "A4"], "rankable": [True, True],
                      "p_value": [0.011, 0.2], "p_adj": [0.022, 0.2], "ratio": [1.1, 2.0],
                      "flagged": [False, False]})  # fmt: skip
    out = {"bunching": b, "need_intent": n}
    rec._joint_gaming_fdr(out, 0.05)
    ref = multipletests([0.004, 0.03, 0.011, 0.2], method="fdr_bh")[1]
    np.testing.assert_allclose(out["bunching"]["p_adj"].iloc[:2], ref[:2])
    np.testing.assert_allclose(out["need_intent"]["p_adj"], ref[2:])
    assert np.isnan(out["bunching"]["p_adj"].iloc[2])
    # A2: 0.03 * 4 / 3 = 0.04 < 0.05 flagged; A1 in need_intent passes BH but not min_ratio
    assert out["bunching"]["flagged"].tolist() == [True, True, False]
    assert not out["need_intent"]["flagged"].any()
    assert out["bunching"]["p_adj_check"].tolist()[:2] == [0.008, 0.03]


def test_findings_carry_quality_codes():
    d = {
        "bunching": pd.DataFrame(
            {"agent_id": ["A1"], "team_id": ["T1"], "excess_ratio": [2.0], "ci_low": [1.5],
             "ci_high": [2.5], "p_adj": [1e-6], "flagged": [True], "excess_calls": [300.0],
             "n_calls": [2000]}
        ),
        "flagged_quality": pd.DataFrame(
            {"check": ["bunching", "bunching"], "agent_id": ["A1", "A1"], "team_id": ["T1", "T1"],
             "outcome": ["complaints_per_100", "satisfaction_rate"], "value": [2.0, 0.78],
             "peer_value": [1.9, 0.86], "difference": [0.1, -0.08], "ci_low": [-0.5, -0.11],
             "ci_high": [0.7, -0.05], "p_value": [0.7, 1e-5], "worse": [False, True],
             "code": ["no_difference", "worse"], "n": [300.0, 120.0]}
        ),
    }  # fmt: skip
    top = rec.top_findings(d)
    assert top.loc[0, "quality_worse"] == "satisfaction_rate"
    assert "satisfaction_rate=worse (0.78 vs 0.86" in top.loc[0, "quality"]
    assert "complaints_per_100=no_difference" in top.loc[0, "quality"]


def test_sample_diagnosis_reports_flagged_quality(sample_diagnosis):
    d, planted = sample_diagnosis
    fq = d["flagged_quality"]
    flagged = set(d["bunching"].loc[d["bunching"]["flagged"], "agent_id"])
    assert set(fq.loc[fq["check"] == "bunching", "agent_id"]) == flagged
    # the sample's padders' padded calls get lower survey scores (data/sample PLANTED.json)
    padders = planted["threshold_padders"]["agents"]
    pad = fq[(fq["check"] == "bunching") & (fq["outcome"] == "satisfaction_rate")]
    assert set(padders) <= set(pad["agent_id"])
    assert (pad.loc[pad["agent_id"].isin(padders), "difference"] < 0).all()
    assert "p_adj_check" in d["bunching"]
