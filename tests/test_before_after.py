"""Tests for kpi_lib.analyses.before_after (period comparison, DiD, ITS, case-study table)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats
from statsmodels.stats.multitest import multipletests

from kpi_lib.analyses import before_after as ba
from kpi_lib.analyses.before_after.compare import rank_test
from kpi_lib.analyses.before_after.multiplicity import adjust_p_values
from kpi_lib.scoring.schemes import load_scheme

SWITCH = pd.Timestamp("2026-05-01")
BEFORE = ("2026-02-01", "2026-04-30")
AFTER = ("2026-05-01", "2026-07-31")


def make_table(
    *,
    seed=0,
    teams=("T1", "T2"),
    n_agents=20,
    months=None,
    rate_before=0.30,
    rate_effect=None,
    count_effect=None,
    pre_slope=None,
    switch=SWITCH,
    disjoint_after=False,
):
    """Agent-month indicator table with one rate (effective_call_rate) and one count (dials).

    ``rate_effect`` / ``count_effect``: dict team -> additive change of the true rate / relative
    change of the true count mean from ``switch`` on. ``pre_slope``: dict team -> rate change per
    month (all months). ``disjoint_after``: after the switch every team has new agents.
    """
    rng = np.random.default_rng(seed)
    if months is None:
        months = pd.date_range("2026-01-01", "2026-08-01", freq="MS")
    rate_effect, count_effect, pre_slope = rate_effect or {}, count_effect or {}, pre_slope or {}
    rows = []
    for team in teams:
        base = rng.normal(rate_before, 0.04, size=2 * n_agents).clip(0.05, 0.9)
        mu = rng.gamma(20, 20, size=2 * n_agents)  # dials per month around 400
        for k, m in enumerate(months):
            post = m >= switch
            for i in range(n_agents):
                a = i + (n_agents if (post and disjoint_after) else 0)
                agent = f"{team}-{a:03d}"
                p = (
                    base[a]
                    + pre_slope.get(team, 0.0) * k
                    + (rate_effect.get(team, 0.0) if post else 0)
                )
                den = rng.poisson(120)
                num = rng.binomial(den, float(np.clip(p, 0.01, 0.99)))
                dials = rng.poisson(mu[a] * (1 + (count_effect.get(team, 0.0) if post else 0)))
                common = {
                    "agent_id": agent,
                    "team_id": team,
                    "period": m.strftime("%Y-%m"),
                    "granularity": "month",
                    "period_start": m,
                    "reason": "",
                }
                rows.append(
                    {
                        **common,
                        "indicator": "effective_call_rate",
                        "value": num / den,
                        "numerator": float(num),
                        "denominator": float(den),
                    }
                )
                rows.append(
                    {
                        **common,
                        "indicator": "dials",
                        "value": float(dials),
                        "numerator": float(dials),
                        "denominator": 1.0,
                    }
                )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- windows


def test_windows_around_whole_months_and_skip():
    w = ba.windows_around("2026-05-01", before_months=3, after_months=2, skip_months=1)
    assert w["before"] == (pd.Timestamp("2026-02-01"), pd.Timestamp("2026-04-30"))
    assert w["after"] == (pd.Timestamp("2026-06-01"), pd.Timestamp("2026-07-31"))
    # a mid-month switch: the switch month is neither before nor after
    w = ba.windows_around("2026-05-15", before_months=1, after_months=1)
    assert w["before"] == (pd.Timestamp("2026-04-01"), pd.Timestamp("2026-04-30"))
    assert w["after"][0] == pd.Timestamp("2026-06-01")
    with pytest.raises(ValueError, match="`before_months` must be at least 1"):
        ba.windows_around("2026-05-01", before_months=0)


# --------------------------------------------------------------------------- period comparison


def test_period_comparison_levels_are_ratio_of_sums_and_tests_match_references():
    t = make_table(seed=1, rate_effect={"T1": 0.05})
    res = ba.period_comparison(t, before=BEFORE, after=AFTER, n_boot=300, seed=3)
    assert set(res["group"]) == {"T1", "T2"}
    row = res[(res["group"] == "T1") & (res["indicator"] == "effective_call_rate")].iloc[0]
    sub = t[(t["team_id"] == "T1") & (t["indicator"] == "effective_call_rate")]
    b = sub[sub["period_start"].between(*map(pd.Timestamp, BEFORE))]
    a = sub[sub["period_start"].between(*map(pd.Timestamp, AFTER))]
    assert row["value_before"] == pytest.approx(b["numerator"].sum() / b["denominator"].sum())
    assert row["value_after"] == pytest.approx(a["numerator"].sum() / a["denominator"].sum())
    assert row["change"] == pytest.approx(row["value_after"] - row["value_before"])
    assert row["value_before_ci_low"] <= row["value_before"] <= row["value_before_ci_high"]
    assert row["change_ci_low"] < row["change"] < row["change_ci_high"]
    # per-agent window values, paired test
    vb = b.groupby("agent_id")[["numerator", "denominator"]].sum()
    va = a.groupby("agent_id")[["numerator", "denominator"]].sum()
    xb, xa = (vb["numerator"] / vb["denominator"]), (va["numerator"] / va["denominator"])
    ref = stats.wilcoxon(
        xa.to_numpy(), xb.loc[xa.index].to_numpy()
    )  # scipy.stats.wilcoxon(after, before)
    assert row["test"] == "wilcoxon" and row["n_paired"] == 20
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert row["p_value"] == pytest.approx(ref.pvalue)
    # pingouin.wilcoxon(after, before)["RBC"]: matched-pairs rank-biserial correlation
    rbc = pg.wilcoxon(xa.to_numpy(), xb.loc[xa.index].to_numpy())["RBC"].iloc[0]
    assert row["effect_size"] == pytest.approx(rbc)
    assert row["verdict"] == "improved"
    # Holm across every test in the table: statsmodels multipletests(p, method="holm")
    assert np.allclose(res["p_adj"], multipletests(res["p_value"], method="holm")[1])


def test_period_comparison_unpaired_uses_mann_whitney_and_rank_biserial():
    t = make_table(seed=2, teams=("T1",), disjoint_after=True, rate_effect={"T1": 0.06})
    res = ba.period_comparison(
        t, before=BEFORE, after=AFTER, indicators="effective_call_rate", n_boot=200
    )
    row = res.iloc[0]
    assert row["test"] == "mann-whitney" and row["n_paired"] == 0
    assert (row["n_before"], row["n_after"]) == (20, 20)
    sub = t[t["indicator"] == "effective_call_rate"]

    def w(lo, hi):
        return sub[sub["period_start"].between(pd.Timestamp(lo), pd.Timestamp(hi))]

    def g(d):
        by = d.groupby("agent_id")
        return by["numerator"].sum() / by["denominator"].sum()

    xa, xb = g(w(*AFTER)).to_numpy(), g(w(*BEFORE)).to_numpy()
    ref = pg.mwu(xa, xb)  # pingouin.mwu(after, before): U_val, p_val, RBC
    assert row["statistic"] == pytest.approx(ref["U_val"].iloc[0])
    assert row["p_value"] == pytest.approx(ref["p_val"].iloc[0])
    assert row["effect_size"] == pytest.approx(ref["RBC"].iloc[0])
    assert row["effect_size_kind"] == "rank-biserial"


def test_period_comparison_agent_and_pooled_levels():
    t = make_table(seed=4, n_agents=5)
    pooled = ba.period_comparison(t, before=BEFORE, after=AFTER, level="pooled", n_boot=100)
    assert list(pooled["group"].unique()) == ["all"]
    d = t[t["indicator"] == "dials"]
    b = d[d["period_start"].between(*map(pd.Timestamp, BEFORE))]
    row = pooled[pooled["indicator"] == "dials"].iloc[0]
    # counts: ratio of sums = mean per agent-month
    assert row["value_before"] == pytest.approx(b["numerator"].mean())
    agents = ba.period_comparison(t, before=BEFORE, after=AFTER, level="agent", n_boot=100)
    assert len(agents) == 2 * 10 and set(agents["test"]) == {"mann-whitney"}
    assert (agents["n_before"] == 3).all()


def test_period_comparison_validates_input():
    t = make_table(seed=5, n_agents=3)
    with pytest.raises(ValueError, match="`level` must be one of"):
        ba.period_comparison(t, before=BEFORE, after=AFTER, level="teams")
    with pytest.raises(KeyError, match="Did you mean 'effective_call_rate'"):
        ba.period_comparison(t, before=BEFORE, after=AFTER, indicators="effective_call_rat")
    with pytest.raises(ValueError, match="overlap"):
        ba.period_comparison(t, before=BEFORE, after=("2026-04-01", "2026-06-30"))
    with pytest.raises(ValueError, match="No indicator rows have a period_start in the after"):
        ba.period_comparison(t, before=BEFORE, after=("2027-01-01", "2027-03-31"))
    with pytest.raises(KeyError, match="numerator"):
        ba.period_comparison(t.drop(columns="numerator"), before=BEFORE, after=AFTER)


def test_bootstrap_interval_covers_known_effect_in_most_seeds():
    # True population change of the ratio of sums: +0.05 (rates drawn around 0.30 and 0.35,
    # denominators independent of the rate). 95 % intervals, 40 seeds x 200 resamples.
    covered = []
    for seed in range(40):
        t = make_table(seed=100 + seed, teams=("T1",), n_agents=25, rate_effect={"T1": 0.05})
        r = ba.period_comparison(
            t, before=BEFORE, after=AFTER, indicators="effective_call_rate", n_boot=200, seed=seed
        ).iloc[0]
        covered.append(r["change_ci_low"] <= 0.05 <= r["change_ci_high"])
    # Binomial(40, 0.95): P(X <= 33) ~ 1 %; percentile intervals with 25 clusters run a bit narrow.
    assert np.mean(covered) >= 0.82


def test_no_change_reports_nothing_significant():
    # Data without any change, 20 seeds: each analysis controls the family-wise error rate at 5 %
    # (Holm across its table), so a seed reporting anything significant should be rare:
    # Binomial(20, 0.05) gives P(X >= 4) ~ 1.6 %.
    flagged = {"comparison": 0, "did": 0}
    for seed in range(20):
        t = make_table(seed=500 + seed, teams=("T1", "T2", "T3"), n_agents=15)
        res = ba.period_comparison(t, before=BEFORE, after=AFTER, n_boot=200, seed=seed)
        flagged["comparison"] += res["significant"].any()
        assert (res.loc[~res["significant"], "verdict"] == "no clear change").all()
        did = ba.difference_in_differences(t, treated=["T1", "T2"], comparison="T3", switch=SWITCH)
        flagged["did"] += did["significant"].any()
    assert max(flagged.values()) <= 3, flagged


def test_its_no_change_false_positive_rate_is_bounded_and_flagged():
    # A weekly year of white noise, 60 seeds. Newey-West errors are too small in series this
    # short (simulated size ~10 % at nominal 5 %; see the Notes of interrupted_time_series), so
    # the bound is 17 % (Binomial(60, 0.10): P(X > 10) ~ 4 %) and every row carries a caution.
    hits = 0
    for seed in range(60):
        d, sw = weekly_series(
            seed=700 + seed, n=52, switch_at=26, slope=0, jump=0, slope_change=0, ar=0
        )
        r = ba.interrupted_time_series(d, switch=sw).iloc[0]
        hits += bool(r["significant"])
        assert r["caution"].startswith("short series (52 periods)")
    assert hits / 60 <= 0.17, hits


# --------------------------------------------------------------------------- DiD


def test_did_matches_direct_statsmodels_fit():
    t = make_table(seed=21, rate_effect={"T1": 0.06}, count_effect={"T1": -0.10, "T2": 0.02})
    res = ba.difference_in_differences(t, treated="T1", comparison="T2", switch=SWITCH).set_index(
        "indicator"
    )
    for ind in ("effective_call_rate", "dials"):
        d = t[t["indicator"] == ind].copy()
        d["value"] = d["numerator"] / d["denominator"]
        d["treated"] = (d["team_id"] == "T1").astype(int)
        d["post"] = (d["period_start"] >= SWITCH).astype(int)
        # smf.wls("value ~ treated * post", weights=denominator).fit(cov_type="cluster", groups=agent)
        ref = smf.wls("value ~ treated * post", data=d, weights=d["denominator"]).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(d["agent_id"])[0]}, use_t=True
        )
        assert res.loc[ind, "estimate"] == pytest.approx(ref.params["treated:post"], rel=1e-10)
        assert res.loc[ind, "se"] == pytest.approx(ref.bse["treated:post"], rel=1e-10)
        assert res.loc[ind, "p_value"] == pytest.approx(ref.pvalues["treated:post"], rel=1e-8)
        # saturated model: estimate = difference of differences of ratio-of-sums cell means
        r = res.loc[ind]
        dd = (r["treated_after"] - r["treated_before"]) - (
            r["comparison_after"] - r["comparison_before"]
        )
        assert r["estimate"] == pytest.approx(dd)
        assert r["treated_after"] - r["counterfactual_after"] == pytest.approx(r["estimate"])
    assert (
        res.loc["effective_call_rate", "ci_low"] < 0.06 < res.loc["effective_call_rate", "ci_high"]
    )
    assert res.loc["effective_call_rate", "significant"]
    assert res.loc["effective_call_rate", "parallel_trends"] == "plausible"


def test_did_flags_diverging_pre_trends():
    t = make_table(seed=22, rate_effect={"T1": 0.05}, pre_slope={"T1": 0.015})
    res = ba.difference_in_differences(
        t, treated="T1", comparison="T2", switch=SWITCH, indicators="effective_call_rate"
    ).iloc[0]
    assert res["parallel_trends"] == "doubtful"
    assert res["pre_trend_p"] < 0.05
    pre = t[(t["indicator"] == "effective_call_rate") & (t["period_start"] < SWITCH)].copy()
    pre["value"] = pre["numerator"] / pre["denominator"]
    pre["treated"] = (pre["team_id"] == "T1").astype(int)
    pre["time"] = pre["period_start"].dt.month - 1
    # smf.wls("value ~ treated * time", pre rows).fit(cov_type="cluster", groups=agent)
    ref = smf.wls("value ~ treated * time", data=pre, weights=pre["denominator"]).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(pre["agent_id"])[0]}, use_t=True
    )
    assert res["pre_trend_diff"] == pytest.approx(ref.params["treated:time"])
    assert res["trend_bias"] > 0


def test_did_trends_and_panel_validation():
    t = make_table(seed=23, n_agents=4)
    tr = ba.did_trends(t, treated="T1", comparison="T2", switch=SWITCH, indicators="dials")
    assert set(tr["group"]) == {"treated", "comparison", "counterfactual"}
    assert (tr.loc[tr["group"] == "counterfactual", "post"] == 1).all()
    with pytest.raises(ValueError, match="in both `treated` and `comparison`"):
        ba.did_panel(t, treated="T1", comparison=["T1", "T2"], switch=SWITCH)
    with pytest.raises(KeyError, match="Did you mean 'T2'"):
        ba.did_panel(t, treated="T1", comparison="T22", switch=SWITCH)
    with pytest.raises(ValueError, match="No treated rows"):
        ba.did_panel(t, treated="T1", comparison="T2", switch="2030-01-01")


# --------------------------------------------------------------------------- ITS


def weekly_series(
    *, seed=0, n=40, switch_at=20, level=5.0, slope=0.05, jump=2.0, slope_change=0.1, ar=0.5
):
    rng = np.random.default_rng(seed)
    starts = pd.date_range("2026-01-05", periods=n, freq="7D")
    time = np.arange(n)
    post = (time >= switch_at).astype(int)
    e = np.zeros(n)
    for i in range(1, n):  # AR(1) noise
        e[i] = ar * e[i - 1] + rng.normal(0, 0.5)
    y = level + slope * time + jump * post + slope_change * (time - switch_at) * post + e
    return pd.DataFrame(
        {
            "team_id": "T1",
            "period": [f"W{i}" for i in time],
            "granularity": "week",
            "period_start": starts,
            "indicator": "dials",
            "value": y,
            "numerator": y,
            "denominator": 1.0,
            "reason": "",
        }
    ), starts[switch_at]


def test_its_matches_hand_built_segmented_regression():
    data, switch = weekly_series(seed=3)
    res = ba.interrupted_time_series(data, switch=switch, maxlags=3).iloc[0]
    y = data["value"].to_numpy()
    t = np.arange(len(y))
    post = (t >= 20).astype(float)
    X = np.column_stack([np.ones_like(t), t, post, (t - 20) * post])
    # sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True)
    ref = sm.OLS(y, X).fit(
        cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}, use_t=True
    )
    assert res["level_change"] == pytest.approx(ref.params[2])
    assert res["level_change_se"] == pytest.approx(ref.bse[2])
    assert res["slope_change"] == pytest.approx(ref.params[3])
    assert res["slope_change_p"] == pytest.approx(ref.pvalues[3])
    c = np.array([0, 0, 1, 39 - 20])
    assert res["effect_end"] == pytest.approx(c @ ref.params)
    assert res["effect_end_se"] == pytest.approx(np.sqrt(c @ ref.cov_params() @ c))
    assert res["level_change_ci_low"] < 2.0 < res["level_change_ci_high"]
    series = ba.its_series(data, switch=switch, maxlags=3)
    assert np.allclose(series["counterfactual"], ref.params[0] + ref.params[1] * t)
    assert np.allclose(series["fitted"], X @ ref.params)
    assert (series["counterfactual_ci_low"] < series["counterfactual"]).all()
    # default lag rule: floor(4 (n/100)^(2/9)) = 3 for n = 40
    assert ba.interrupted_time_series(data, switch=switch)["maxlags"].iloc[0] == 3


def test_its_drops_transition_period_and_needs_points():
    data, _ = weekly_series(seed=4, n=12, switch_at=6)
    mid = data["period_start"].iloc[6] + pd.Timedelta(days=3)  # mid-week switch
    s = ba.its_series(data, switch=mid, maxlags=1)
    assert len(s) == 11 and s["post"].sum() == 5
    with pytest.raises(ValueError, match="at least 3 weeks on each side"):
        ba.interrupted_time_series(data, switch=data["period_start"].iloc[10])


# --------------------------------------------------------------------------- case study table


def test_case_study_table_checks_figures_against_intervals():
    comp = pd.DataFrame(
        {
            "group": "all",
            "indicator": [
                "complaints_per_100_orders",
                "repurchase_rate",
                "dials",
                "effective_call_rate",
            ],
            "value_before": [14.0, 0.04, 400.0, 0.30],
            "value_before_ci_low": [12.0, 0.03, 380.0, 0.28],
            "value_before_ci_high": [16.0, 0.05, 420.0, 0.32],
            "value_after": [6.0, 0.11, 360.0, 0.36],
            "value_after_ci_low": [5.5, 0.10, 340.0, 0.34],
            "value_after_ci_high": [7.0, 0.13, 380.0, 0.38],
            "rel_change": [-0.57, 1.75, -0.10, 0.20],
            "rel_change_ci_low": [-0.65, 1.2, -0.15, 0.10],
            "rel_change_ci_high": [-0.5, 2.3, -0.05, 0.22],
            "verdict": "improved",
        }
    )
    tab = ba.case_study_table(comp).set_index("source_text")
    assert tab.loc["complaint rate 15 %", "consistent"]
    assert not tab.loc["complaint rate 5 %", "consistent"]  # 5 below [5.5, 7]
    assert tab.loc["repurchase under 5 %", "consistent"]
    assert tab.loc["outbound dials -10 %", "consistent"]
    assert not tab.loc["effective-call rate +25 %", "consistent"]  # 0.25 above [0.10, 0.22]
    assert pd.isna(tab.loc["sales up (figure cut off in the source)", "consistent"])
    with pytest.raises(ValueError, match="several groups"):
        ba.case_study_table(pd.concat([comp, comp.assign(group="T2")]))


@pytest.mark.parametrize("method", ["holm", "bonferroni", "fdr_bh"])
def test_multiplicity_adjustment_matches_statsmodels(method):
    p = pd.Series([0.01, np.nan, 0.04, 0.03, 0.2, 0.0001, 0.04])
    got = adjust_p_values(p, method)
    ok = p.notna()
    # statsmodels.stats.multitest.multipletests(p, method=method)[1]
    assert np.allclose(got[ok], multipletests(p[ok], method=method)[1])
    assert got.isna().tolist() == p.isna().tolist()


# --------------------------------------------------------------------------- set-up helpers


def test_add_derived_indicator_is_ratio_of_source_numerators():
    t = make_table(seed=30, teams=("T1",), n_agents=3)
    comp = t[t["indicator"] == "dials"].assign(
        indicator="complaints_per_100", numerator=300.0, value=np.nan
    )
    deals = t[t["indicator"] == "dials"].assign(indicator="deals", numerator=20.0, value=20.0)
    deals.loc[deals.index[0], "numerator"] = 0.0
    out = ba.add_derived_indicator(pd.concat([t, comp, deals], ignore_index=True))
    d = out[out["indicator"] == "complaints_per_100_orders"]
    assert len(d) == len(deals)
    assert (d["denominator"].iloc[1:] == 20.0).all() and np.allclose(d["value"].iloc[1:], 15.0)
    assert np.isnan(d["value"].iloc[0]) and d["reason"].iloc[0] == "no deals"
    with pytest.raises(KeyError, match="needs rows of `complaints_per_100`"):
        ba.add_derived_indicator(t)


def test_study_setup_fills_from_planted_json(tmp_path):
    (tmp_path / "PLANTED.json").write_text(
        '{"scheme_change": {"date": "2026-04-01", "phase_in_days": 30, '
        '"treated_teams": ["T01", "T02"], "comparison_teams": ["T03"]}}',
        encoding="utf-8",
    )
    s = ba.study_setup(tmp_path, switch="", treated=[], before=("", ""), its_window=("", ""))
    assert s["switch"] == pd.Timestamp("2026-04-01") and s["treated"] == ["T01", "T02"]
    assert s["comparison"] == ["T03"] and s["its_window"] is None
    assert s["before"] == (pd.Timestamp("2026-01-01"), pd.Timestamp("2026-03-31"))
    assert s["after"] == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-07-31"))  # 1 month skipped
    assert (s["before_last"], s["after_last"]) == ("2026-03", "2026-07")
    given = ba.study_setup(
        tmp_path / "nowhere", switch="2026-06-01", treated=["A"], comparison=["B"]
    )
    assert given["source"] == "given" and given["treated"] == ["A"]
    with pytest.raises(FileNotFoundError, match="PLANTED.json"):
        ba.study_setup(tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match="pass a synthetic preset"):
        ba.ensure_case_study_dataset(tmp_path / "nowhere", preset="")


def test_did_cannot_judge_parallel_trends_with_two_pre_periods():
    months = pd.date_range("2026-03-01", "2026-06-01", freq="MS")
    t = make_table(seed=31, months=months, n_agents=8)
    res = ba.difference_in_differences(t, treated="T1", comparison="T2", switch=SWITCH)
    assert set(res["parallel_trends"]) == {"cannot judge"}
    assert res["pre_trend_p"].isna().all() and (res["n_pre_periods"] == 2).all()


# --------------------------------------------------------------------------- re-scoring


def scoring_table(seed=40, n_agents=12):
    months = pd.date_range("2026-01-01", "2026-06-01", freq="MS")
    rng = np.random.default_rng(seed)
    rows = []
    for k, m in enumerate(months):
        for i in range(n_agents):
            common = {
                "agent_id": f"A{i:02d}",
                "team_id": "T1" if i < n_agents // 2 else "T2",
                "period": m.strftime("%Y-%m"),
                "granularity": "month",
                "period_start": m,
                "reason": "",
            }
            counts = {
                "sales_amount": rng.gamma(9, 4000),
                "dials": rng.poisson(450),
                "effective_calls": rng.poisson(30 + i),
            }
            for ind, v in counts.items():
                rows.append(
                    {
                        **common,
                        "indicator": ind,
                        "value": float(v),
                        "numerator": float(v),
                        "denominator": 1.0,
                    }
                )
            for ind, p in {
                "satisfaction_rate": 0.85,
                "compliance_rate": 0.92,
                "training_pass_rate": 0.8,
            }.items():
                den = rng.poisson(40) + 1
                num = rng.binomial(den, min(0.99, p + 0.01 * (i % 5) - 0.005 * k))
                rows.append(
                    {
                        **common,
                        "indicator": ind,
                        "value": num / den,
                        "numerator": float(num),
                        "denominator": float(den),
                    }
                )
    return pd.DataFrame(rows)


def test_rescore_under_schemes_matches_direct_scoring_and_decisions():
    from kpi_lib.scoring import decisions
    from kpi_lib.scoring.composite import score

    t = scoring_table()
    r = ba.rescore_under_schemes(t, periods=["2026-03", "2026-06"], bonus_pool=1000.0)
    assert len(r) == 24 and set(r["period"]) == {"2026-03", "2026-06"}
    assert (r["old_scheme"] == "case_before").all() and (r["new_scheme"] == "case_after").all()
    # reference: kpi_lib.scoring.composite.score(t, "case_before") and decisions on it
    for scheme, sfx in (("case_before", "old"), ("case_after", "new")):
        card = score(t, scheme)
        ref = card.agents[card.agents["period"] == "2026-06"].set_index("agent_id")
        got = r[r["period"] == "2026-06"].set_index("agent_id")
        assert np.allclose(got[f"composite_{sfx}"], ref.loc[got.index, "composite"], equal_nan=True)
        bonus = decisions.bonus_allocation(card, pool=1000.0, period="2026-06").set_index(
            "agent_id"
        )
        assert np.allclose(got[f"bonus_{sfx}"], bonus.loc[got.index, "bonus"])
        pip = decisions.pip_candidates(card, as_of="2026-06")
        assert set(got.index[got[f"pip_{sfx}"]]) == set(pip["agent_id"])
    assert (r["rank_change"] == r["rank_old"] - r["rank_new"]).all()
    changed = ba.rescore_under_schemes(t, periods="2026-06", changed_only=True)
    assert (changed["decision_change"] != "").all()
    both = r[r["period"] == "2026-06"]
    assert set(changed["agent_id"]) == set(both.loc[both["decision_change"] != "", "agent_id"])
    with pytest.raises(KeyError, match="period"):
        ba.rescore_under_schemes(t, periods="2027-01")


# --------------------------------------------------------------------------- report smoke


def test_text_and_plots_render_from_the_tables():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kpi_lib.report import before_after_plots as bp
    from kpi_lib.report import before_after_text as bt

    t = make_table(seed=50, rate_effect={"T1": 0.06}, n_agents=10)
    comp = ba.period_comparison(
        t, before=BEFORE, after=AFTER, teams="T1", level="pooled", n_boot=200
    )
    text = bt.comparison_text(comp)
    row = comp.set_index("indicator")
    assert ("rose" in text) == (row.loc["effective_call_rate", "verdict"] == "improved")
    if row.loc["dials", "verdict"] == "no clear change":
        assert "cannot rule out no change" in text
    assert bt.format_value(0.2234, "share") == "22.3 %"
    assert list(bt.comparison_table(comp).columns) == [
        "group",
        "indicator",
        "before",
        "after",
        "change",
        "test",
        "effect size",
        "verdict",
    ]
    did = ba.difference_in_differences(t, treated="T1", comparison="T2", switch=SWITCH)
    assert "Effective-call rate" in bt.did_text(did)
    trends = ba.did_trends(t, treated="T1", comparison="T2", switch=SWITCH)
    d, sw = weekly_series(seed=5)
    series = ba.its_series(d, switch=sw)
    its = ba.interrupted_time_series(d, switch=sw)
    assert "break at the switch" in bt.its_text(its)
    case = ba.case_study_table(comp)
    md = bt.case_study_text(
        comparison=comp,
        case_table=case,
        old=load_scheme("case_before"),
        new=load_scheme("case_after"),
        did=did,
    )
    for section in ("### Background", "### The change", "### Results", "### How sure we are"):
        assert section in md
    assert "Sales amount 70 %" in md and "| indicator | before | after |" in md
    assert bp.change_plot(comp) is not None
    assert bp.levels_grid(comp).size >= 2
    assert bp.did_trends_grid(trends, switch=SWITCH).size >= 2
    ax = bp.its_plot(series, indicator="dials", switch=sw)
    assert len(ax.lines) >= 4
    with pytest.raises(KeyError, match="no rows for indicator"):
        bp.its_plot(series, indicator="sales_amount")
    plt.close("all")


# --------------------------------------------------------------------------- case-study preset

CASE_INDICATORS = [
    "sales_amount",
    "dials",
    "effective_call_rate",
    "complaints_per_100_orders",
    "repurchase_rate",
]


@pytest.fixture(scope="module")
def case_study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("case_study")
    path = ba.ensure_case_study_dataset(folder, seed=7, scheme_change="2026-04-01")
    setup = ba.study_setup(path)
    monthly = ba.indicator_table(path, indicators=CASE_INDICATORS)
    comp = ba.period_comparison(
        monthly,
        before=setup["before"],
        after=setup["after"],
        teams=setup["treated"],
        indicators=CASE_INDICATORS,
        level="pooled",
        n_boot=500,
    )
    return setup, monthly, ba.case_study_table(comp).set_index("source_text")


def test_case_study_preset_recovers_source_figures(case_study):
    setup, monthly, table = case_study
    assert setup["comparison"], "the case-study preset must have a comparison team"
    calibration = ["effective-call rate +25 %", "sales up (figure cut off in the source)"]
    others = table.drop(index=calibration)
    assert others["consistent"].dropna().astype(bool).all(), others[
        ["measured", "ci_low", "ci_high"]
    ]
    did = ba.difference_in_differences(
        monthly,
        treated=setup["treated"],
        comparison=setup["comparison"],
        switch=setup["switch"],
        indicators=["dials", "effective_call_rate"],
        before=setup["before"],
        after=setup["after"],
    )
    assert did["significant"].all()


def test_case_study_preset_effective_call_rate_and_sales_rise(case_study):
    # The preset is calibrated to these two figures too (docs/synthetic-data.md): the +25 % lies
    # inside the bootstrap interval of the measured relative change, and the sales interval
    # lies above 0.
    _setup, _monthly, table = case_study
    eff = table.loc["effective-call rate +25 %"]
    assert eff["ci_low"] <= 0.25 <= eff["ci_high"], eff[["measured", "ci_low", "ci_high"]]
    assert eff["consistent"]
    sales = table.loc["sales up (figure cut off in the source)"]
    assert sales["ci_low"] > 0, sales[["measured", "ci_low", "ci_high"]]
    assert sales["consistent"]


def test_wilcoxon_with_ties_uses_deterministic_normal_approximation():
    before = np.array([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    after = before + np.array([1, 1, 2, 0, 3, 1, 2, 2, -1, 4, 1, 0, 2, 3, 1, 2])
    test, stat, p, es, _kind = rank_test(after, before, True)
    # scipy.stats.wilcoxon(after, before, method="asymptotic") (ties and zeros, 16 pairs)
    ref = stats.wilcoxon(after, before, method="asymptotic")
    assert (test, stat) == ("wilcoxon", ref.statistic)
    assert p == pytest.approx(ref.pvalue)
    assert es == pytest.approx(pg.wilcoxon(after, before)["RBC"].iloc[0])
