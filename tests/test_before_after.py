"""Tests for kpi_lib.analyses.before_after (period comparison, DiD, ITS, case-study table)."""

from __future__ import annotations

import json

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
    # issue 16: a window past the data is an error, not a silent half-empty window
    with pytest.raises(ValueError, match="after window 2027-01-01 - 2027-03-31 runs past the data"):
        ba.period_comparison(t, before=BEFORE, after=("2027-01-01", "2027-03-31"))
    with pytest.raises(ValueError, match="after window .* runs past the data, which cover"):
        ba.period_comparison(t, before=BEFORE, after=("2026-06-01", "2026-09-30"))
    with pytest.raises(KeyError, match="numerator"):
        ba.period_comparison(t.drop(columns="numerator"), before=BEFORE, after=AFTER)


def test_bootstrap_interval_covers_known_effect_in_most_seeds():
    # True population change of the ratio of sums: +0.05 (rates drawn around 0.30 and 0.35,
    # denominators independent of the rate). Studentized 95 % intervals, 40 seeds x 200
    # resamples, 10 agents (percentile intervals cover ~0.90 there; see benchmarks/README.md).
    covered = []
    for seed in range(40):
        t = make_table(seed=100 + seed, teams=("T1",), n_agents=10, rate_effect={"T1": 0.05})
        r = ba.period_comparison(
            t, before=BEFORE, after=AFTER, indicators="effective_call_rate", n_boot=200, seed=seed
        ).iloc[0]
        covered.append(r["change_ci_low"] <= 0.05 <= r["change_ci_high"])
    # Binomial(40, 0.95): P(X <= 33) ~ 1.4 %.
    assert sum(covered) >= 34, sum(covered)


def _two_samples(seed=3, n_before=14, n_after=11):
    """Dials of agents seen only before and agents seen only after (three months each)."""
    t = make_table(seed=seed, teams=("T1",), n_agents=n_before, disjoint_after=True)
    t = t[t["indicator"] == "dials"]
    keep = ~(
        (t["period_start"] >= SWITCH) & (t["agent_id"].str[-3:].astype(int) >= n_before + n_after)
    )
    t = t[keep & t["period_start"].between(BEFORE[0], AFTER[1])]
    per_agent = t.groupby(["agent_id", t["period_start"] >= SWITCH])["numerator"].mean()
    before = per_agent.xs(False, level=1).to_numpy()
    after = per_agent.xs(True, level=1).to_numpy()
    return t, before, after


def test_bootstrap_variance_and_bca_match_references():
    from kpi_lib.analyses.before_after.compare import _estimates

    t, before, after = _two_samples()
    # Linearisation variance of the change with denominators 1 and 3 months per agent:
    # Welch's s_a^2/n_a + s_b^2/n_b on per-agent monthly means (hand computation).
    sums_b = before * 3
    sums_a = after * 3
    arr_b = np.vstack([sums_b, np.full_like(sums_b, 3), 0 * sums_b, 0 * sums_b])
    arr_a = np.vstack([0 * sums_a, 0 * sums_a, sums_a, np.full_like(sums_a, 3)])
    theta, var = _estimates([arr_b, arr_a])
    welch = before.var(ddof=1) / before.size + after.var(ddof=1) / after.size
    assert theta["change"] == pytest.approx(after.mean() - before.mean())
    assert var["change"] == pytest.approx(welch, rel=1e-12)
    # BCa against scipy: stats.bootstrap((after, before), mean(a) - mean(b), method="BCa")
    ref = stats.bootstrap(
        (after, before),
        lambda a, b, axis: a.mean(axis=axis) - b.mean(axis=axis),
        method="BCa",
        n_resamples=20000,
        random_state=1,
    ).confidence_interval
    res = ba.period_comparison(
        t, before=BEFORE, after=AFTER, interval="bca", n_boot=20000, seed=1
    ).iloc[0]
    width = ref.high - ref.low
    assert res["change_ci_low"] == pytest.approx(ref.low, abs=0.03 * width)
    assert res["change_ci_high"] == pytest.approx(ref.high, abs=0.03 * width)
    # studentized: close to Welch's t interval here (near-normal per-agent means)
    stud = ba.period_comparison(t, before=BEFORE, after=AFTER, n_boot=4000, seed=1).iloc[0]
    assert stud["interval"] == "studentized"
    # stats.ttest_ind(after, before, equal_var=False).confidence_interval()
    welch_ci = stats.ttest_ind(after, before, equal_var=False).confidence_interval()
    assert stud["change_ci_low"] == pytest.approx(welch_ci.low, abs=0.1 * width)
    assert stud["change_ci_high"] == pytest.approx(welch_ci.high, abs=0.1 * width)


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


def test_its_no_change_false_positive_rate_is_bounded():
    # Weekly half-years of AR(1) 0.4 noise, 60 seeds. Against a t distribution the Newey-West
    # errors reject ~25 % of the time here (benchmarks/README.md); the sieve bootstrap holds
    # ~5 %. Binomial(60, 0.05): P(X >= 8) ~ 1.2 %.
    hits = naive = 0
    for seed in range(60):
        d, sw = weekly_series(
            seed=700 + seed, n=26, switch_at=13, slope=0, jump=0, slope_change=0, ar=0.4
        )
        r = ba.interrupted_time_series(d, switch=sw, n_boot=299, seed=seed).iloc[0]
        hits += bool(r["significant"])
        t = r["effect_end"] / r["effect_end_se"]
        naive += bool(2 * stats.t.sf(abs(t), r["n_periods"] - 4) < 0.05)
    assert hits <= 7, hits
    assert naive > hits, (naive, hits)


def test_its_sieve_bootstrap_t_matches_statsmodels():
    from kpi_lib.analyses.before_after.its import _nw_t

    data, _switch = weekly_series(seed=3)
    y = data["value"].to_numpy()
    t = np.arange(len(y))
    post = (t >= 20).astype(float)
    X = np.column_stack([np.ones_like(t), t, post, (t - 20) * post])
    # sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True}).tvalues
    ref = sm.OLS(y, X).fit(cov_type="HAC", cov_kwds={"maxlags": 3, "use_correction": True})
    got = _nw_t(X.astype(float), y[:, None], np.eye(4)[[2, 3]], 3)[:, 0]
    assert got == pytest.approx(ref.tvalues[[2, 3]], rel=1e-10)


# --------------------------------------------------------------------------- DiD


TEAMS6 = ("T1", "T2", "T3", "T4", "T5", "T6")


def test_did_matches_direct_statsmodels_fit():
    t = make_table(
        seed=21,
        teams=TEAMS6,
        n_agents=8,
        rate_effect={"T1": 0.06, "T2": 0.06, "T3": 0.06},
        count_effect={"T1": -0.10, "T2": -0.10, "T3": -0.10, "T4": 0.02},
    )
    treated, comparison = ["T1", "T2", "T3"], ["T4", "T5", "T6"]
    res = ba.difference_in_differences(
        t, treated=treated, comparison=comparison, switch=SWITCH, n_boot=999
    ).set_index("indicator")
    for ind in ("effective_call_rate", "dials"):
        d = t[t["indicator"] == ind].copy()
        d["value"] = d["numerator"] / d["denominator"]
        d["treated"] = d["team_id"].isin(treated).astype(int)
        d["post"] = (d["period_start"] >= SWITCH).astype(int)
        # smf.wls("value ~ treated * post", weights=denominator).fit(cov_type="cluster", groups=team)
        ref = smf.wls("value ~ treated * post", data=d, weights=d["denominator"]).fit(
            cov_type="cluster", cov_kwds={"groups": pd.factorize(d["team_id"])[0]}, use_t=True
        )
        assert res.loc[ind, "estimate"] == pytest.approx(ref.params["treated:post"], rel=1e-10)
        assert res.loc[ind, "se"] == pytest.approx(ref.bse["treated:post"], rel=1e-10)
        # saturated model: estimate = difference of differences of ratio-of-sums cell means
        r = res.loc[ind]
        dd = (r["treated_after"] - r["treated_before"]) - (
            r["comparison_after"] - r["comparison_before"]
        )
        assert r["estimate"] == pytest.approx(dd)
        assert r["treated_after"] - r["counterfactual_after"] == pytest.approx(r["estimate"])
        assert r["n_teams_treated"] == 3 and r["n_teams_comparison"] == 3
        assert r["inference"].startswith("wild cluster bootstrap by team") and r["note"] == ""
    rate = res.loc["effective_call_rate"]
    assert rate["ci_low"] < 0.06 < rate["ci_high"] and rate["significant"]
    assert rate["parallel_trends"] == "plausible"


def _wcr_by_refitting(d, v, null=0.0):
    """WCR p-value the slow way: refit statsmodels on each bootstrap sample."""
    groups = pd.factorize(d["team"], sort=True)[0]
    restricted = smf.wls(
        "y0 ~ t + post", data=d.assign(y0=d["y"] - null * d["t"] * d["post"]), weights=d["w"]
    ).fit()
    fit = smf.wls("y ~ t * post", data=d, weights=d["w"]).fit(
        cov_type="cluster", cov_kwds={"groups": groups}
    )
    t_obs = (fit.params["t:post"] - null) / fit.bse["t:post"]
    t_boot = []
    for vb in v:
        ys = restricted.fittedvalues + null * d["t"] * d["post"] + restricted.resid * vb[groups]
        f = smf.wls("ys ~ t * post", data=d.assign(ys=ys), weights=d["w"]).fit(
            cov_type="cluster", cov_kwds={"groups": groups}
        )
        t_boot.append((f.params["t:post"] - null) / f.bse["t:post"])
    return np.mean(np.abs(np.array(t_boot)) >= abs(t_obs) - 1e-12)


def test_wild_cluster_bootstrap_matches_refitting_each_draw():
    from kpi_lib.analyses.before_after.wild import webb_weights

    rng = np.random.default_rng(1)
    d = pd.DataFrame(
        [
            {
                "team": g,
                "t": int(g < 2),
                "post": int(m >= 3),
                "w": rng.poisson(50) + 1.0,
                "y": rng.normal() + 0.3 * g * (m >= 3),
            }
            for g in range(5)
            for _a in range(6)
            for m in range(6)
        ]
    )
    X = np.column_stack([np.ones(len(d)), d["t"], d["post"], d["t"] * d["post"]])
    v = webb_weights(5, 60, np.random.default_rng(0))
    res = ba.wild_cluster_test(X, d["y"], d["w"], d["team"], j=3, weights=v)
    # statsmodels WLS(y ~ t * post).fit(cov_type="cluster", groups=team): estimate and CRV1 se
    ref = smf.wls("y ~ t * post", data=d, weights=d["w"]).fit(
        cov_type="cluster", cov_kwds={"groups": d["team"]}
    )
    assert res.estimate == pytest.approx(ref.params["t:post"], rel=1e-10)
    assert res.se == pytest.approx(ref.bse["t:post"], rel=1e-10)
    # closed form (Roodman et al. 2019) = refitting statsmodels on each of the 60 draws
    assert res.p_value == pytest.approx(_wcr_by_refitting(d, v), abs=1e-12)
    # the interval is the set of nulls not rejected: at its bounds the p-value crosses 0.05
    for bound, inside in ((res.ci_low, 0.01), (res.ci_high, -0.01)):
        assert _wcr_by_refitting(d, v, null=bound + inside * res.se) > 0.05
        assert _wcr_by_refitting(d, v, null=bound - inside * res.se) <= 0.05
    # all 6^G patterns when they are fewer than the draws asked for
    assert webb_weights(3, 999, None).shape == (216, 3)


def test_did_team_level_inference_holds_its_level_with_team_month_shocks():
    # Simulation: 3 switched + 3 comparison teams of 10-20 agents, 6 months, no effect, team-month
    # shocks (sd 0.5) on agent effects (sd 1) and noise (sd 1). Errors clustered by agent cover
    # 0 in ~65 % of runs (benchmarks/calibration_before_after.py); by team, ~95 %.
    # 40 runs: Binomial(40, 0.95) gives P(X <= 33) ~ 1.4 %.
    covered = 0
    for seed in range(40):
        t = did_null_table(np.random.default_rng(900 + seed), n_treated=3, n_comparison=3)
        r = ba.difference_in_differences(
            t,
            treated=["T0", "T1", "T2"],
            comparison=["T3", "T4", "T5"],
            switch=SWITCH,
            n_boot=199,
            seed=seed,
        ).iloc[0]
        covered += r["ci_low"] <= 0 <= r["ci_high"]
    assert covered >= 34, covered


def did_null_table(rng, *, n_treated, n_comparison, shock=0.5, months=6):
    """One count indicator (``dials``) with agent effects, team-month shocks and noise; no
    effect of the switch (the 4th month)."""
    rows = []
    starts = pd.date_range("2026-02-01", periods=months, freq="MS")
    for team in range(n_treated + n_comparison):
        n = int(rng.integers(10, 21))
        agent = rng.normal(0, 1, n)
        shocks = rng.normal(0, shock, months)
        for k, m in enumerate(starts):
            y = 10 + agent + shocks[k] + rng.normal(0, 1, n)
            for i in range(n):
                rows.append(
                    {
                        "agent_id": f"T{team}-{i}",
                        "team_id": f"T{team}",
                        "period": m.strftime("%Y-%m"),
                        "granularity": "month",
                        "period_start": m,
                        "indicator": "dials",
                        "value": y[i],
                        "numerator": y[i],
                        "denominator": 1.0,
                        "reason": "",
                    }
                )
    return pd.DataFrame(rows)


def test_did_with_too_few_teams_gives_no_interval_and_says_why():
    from kpi_lib.report import before_after_text as bt

    t = make_table(seed=24, rate_effect={"T1": 0.06})
    res = ba.difference_in_differences(t, treated="T1", comparison="T2", switch=SWITCH)
    assert res["ci_low"].isna().all() and res["p_value"].isna().all()
    assert not res["significant"].any() and set(res["inference"]) == {"none"}
    assert res["note"].str.contains("no interval or test can be given").all()
    assert res["estimate"].notna().all()
    text = bt.did_text(res)
    assert "with no interval or test" in text and "95 % interval" not in text
    assert set(res["parallel_trends"]) == {"cannot judge"}
    # one comparison team beside two switched teams: still none
    t3 = make_table(seed=25, teams=("T1", "T2", "T3"))
    one = ba.difference_in_differences(t3, treated=["T1", "T2"], comparison="T3", switch=SWITCH)
    assert one["note"].str.startswith("only one comparison team").all()
    assert one["ci_low"].isna().all()
    # two on each side: an interval, flagged as approximate
    t4 = make_table(seed=26, teams=("T1", "T2", "T3", "T4"))
    two = ba.difference_in_differences(
        t4, treated=["T1", "T2"], comparison=["T3", "T4"], switch=SWITCH, n_boot=199
    )
    assert two["ci_low"].notna().all()
    assert two["note"].str.startswith("only 4 teams: the interval is approximate").all()


def test_did_flags_diverging_pre_trends():
    slope = {"T1": 0.015, "T2": 0.015, "T3": 0.015}
    t = make_table(seed=22, teams=TEAMS6, n_agents=8, rate_effect={"T1": 0.05}, pre_slope=slope)
    res = ba.difference_in_differences(
        t,
        treated=["T1", "T2", "T3"],
        comparison=["T4", "T5", "T6"],
        switch=SWITCH,
        indicators="effective_call_rate",
    ).iloc[0]
    assert res["parallel_trends"] == "doubtful"
    assert res["pre_trend_p"] < 0.05
    pre = t[(t["indicator"] == "effective_call_rate") & (t["period_start"] < SWITCH)].copy()
    pre["value"] = pre["numerator"] / pre["denominator"]
    pre["treated"] = pre["team_id"].isin(["T1", "T2", "T3"]).astype(int)
    pre["time"] = pre["period_start"].dt.month - 1
    # smf.wls("value ~ treated * time", pre rows).fit(cov_type="cluster", groups=team)
    ref = smf.wls("value ~ treated * time", data=pre, weights=pre["denominator"]).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(pre["team_id"])[0]}, use_t=True
    )
    assert res["pre_trend_diff"] == pytest.approx(ref.params["treated:time"])
    assert res["pre_trend_se"] == pytest.approx(ref.bse["treated:time"])
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
    assert res["slope_change_se"] == pytest.approx(ref.bse[3])
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
    its_md = bt.its_text(its)
    verdicts = ["a clear break at the", "a jump at the switch but", "no clear break at the"]
    assert sum(v in its_md for v in verdicts) == 1, its_md
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
    ).set_index("indicator")
    # the planted effects point the right way...
    assert did.loc["dials", "estimate"] < 0 < did.loc["effective_call_rate", "estimate"]
    # ...but with one comparison team (three teams in all) no test can tell them from that
    # team's own month-to-month swings (issue 17): no significance claimed, and the note says why
    assert not did["significant"].any()
    assert did["note"].str.startswith("only one comparison team").all()


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


# --------------------------------------------------------------------------- issue 16: honest by default


def with_repurchase(t, *, matured_to):
    """``t`` plus a follow-up indicator (repurchase_rate) whose months after ``matured_to`` are
    censored as the engine marks them: no numerator or denominator, reason 'window not
    complete'."""
    from kpi_lib.indicators.catalogue.formulas import WINDOW_NOT_COMPLETE

    rng = np.random.default_rng(7)
    r = t[t["indicator"] == "effective_call_rate"].copy()
    r["indicator"] = "repurchase_rate"
    r["denominator"] = rng.poisson(40, len(r)).astype(float)
    r["numerator"] = rng.binomial(r["denominator"].astype(int), 0.08).astype(float)
    late = r["period_start"] > pd.Timestamp(matured_to)
    r.loc[late, ["numerator", "denominator", "value"]] = np.nan
    r.loc[late, "reason"] = WINDOW_NOT_COMPLETE
    r.loc[~late, "value"] = r["numerator"] / r["denominator"]
    return pd.concat([t, r], ignore_index=True)


def test_follow_up_outcome_uses_only_matured_months_and_says_so():
    from kpi_lib.report import before_after_text as bt

    t = with_repurchase(make_table(seed=60, n_agents=10), matured_to="2026-05-01")
    comp = ba.period_comparison(
        t, before=BEFORE, after=AFTER, teams="T1", level="pooled", n_boot=200
    ).set_index("indicator")
    r = comp.loc["repurchase_rate"]
    assert r["periods_after"] == 1 and r["not_matured_after"] == "2026-06, 2026-07"
    assert r["not_matured_before"] == "" and comp.loc["dials", "not_matured_after"] == ""
    text = bt.comparison_text(comp.reset_index())
    assert (
        "Only months whose follow-up window had closed count (after window without 2026-06, 2026-07"
        in text
    )


def test_no_estimate_where_there_is_no_data():
    # issue 16: the after window's repurchase months are all unmatured. Before: "+0.0 points,
    # 95 % interval +0.0 to +0.0" and verdict "no clear change".
    from kpi_lib.report import before_after_text as bt

    t = with_repurchase(make_table(seed=61, teams=TEAMS6, n_agents=6), matured_to="2026-04-01")
    comp = ba.period_comparison(
        t, before=BEFORE, after=AFTER, teams=["T1", "T2", "T3"], level="pooled", n_boot=200
    )
    r = comp.set_index("indicator").loc["repurchase_rate"]
    assert r["verdict"] == "no data" and np.isnan(r["change"]) and np.isnan(r["change_ci_low"])
    assert np.isnan(r["p_adj"])
    text = bt.comparison_text(comp)
    line = next(x for x in text.splitlines() if "Repurchase rate" in x)
    assert (
        "cannot be compared: no data after: follow-up window not yet closed (2026-05, 2026-06, 2026-07)"
        in line
    )
    assert "+0" not in line
    table = bt.comparison_table(comp).set_index("indicator")
    assert table.loc["Repurchase rate", "change"] == "n/a"
    did = ba.difference_in_differences(
        t,
        treated=["T1", "T2", "T3"],
        comparison=["T4", "T5", "T6"],
        switch=SWITCH,
        after=AFTER,
        n_boot=199,
    )
    d = did.set_index("indicator").loc["repurchase_rate"]
    assert np.isnan(d["estimate"]) and np.isnan(d["ci_low"]) and not d["significant"]
    assert d["note"].startswith("no data for comparison teams after and switched teams after")
    assert "2026-05, 2026-06, 2026-07 (after)" in d["note"]
    dtext = next(x for x in bt.did_text(did).splitlines() if "Repurchase rate" in x)
    assert "cannot be estimated" in dtext and "+0.0" not in dtext
    # the other indicators are untouched
    assert did.set_index("indicator").loc["dials", "estimate"] == pytest.approx(
        ba.difference_in_differences(
            t[t["indicator"] == "dials"],
            treated=["T1", "T2", "T3"],
            comparison=["T4", "T5", "T6"],
            switch=SWITCH,
            after=AFTER,
            n_boot=199,
        )["estimate"].iloc[0]
    )


def test_did_window_past_the_data_is_an_error():
    t = make_table(seed=62, n_agents=4)
    with pytest.raises(ValueError, match="after window 2026-05-01 - 2026-10-31 runs past the data"):
        ba.did_panel(
            t, treated="T1", comparison="T2", switch=SWITCH, after=("2026-05-01", "2026-10-31")
        )


def _planted(tmp_path, date="2026-04-01"):
    change = {"date": date, "treated_teams": ["T01", "T02"], "comparison_teams": ["T03"]}
    (tmp_path / "PLANTED.json").write_text(json.dumps({"scheme_change": change}), "utf-8")
    return tmp_path


def test_study_setup_default_windows_span_the_data_and_never_run_past_it(tmp_path):
    path = _planted(tmp_path)
    # data from 2025-11-03 (a Monday: November counts as complete) to 2026-08-14 (August
    # incomplete): before = Nov-Mar, after = May-Jul (April settles in)
    s = ba.study_setup(path, data_start="2025-11-03", data_end="2026-08-14")
    assert s["before"] == (pd.Timestamp("2025-11-01"), pd.Timestamp("2026-03-31"))
    assert s["after"] == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-07-31"))
    assert s["notes"] == [] and s["after_last"] == "2026-07"
    assert (s["data_from"], s["data_to"]) == (
        pd.Timestamp("2025-11-03"),
        pd.Timestamp("2026-08-14"),
    )
    # explicit month counts past the data: cut back, with a note (issue 16: default windows
    # put the after window past the data, re-scoring then failed on period '2026-09')
    s = ba.study_setup(
        path, after_months=6, before_months=8, data_start="2025-11-10", data_end="2026-07-31"
    )
    assert s["after"] == (pd.Timestamp("2026-05-01"), pd.Timestamp("2026-07-31"))
    assert s["before"] == (pd.Timestamp("2025-12-01"), pd.Timestamp("2026-03-31"))
    assert any("cut back from 2026-10-31 to 2026-07-31" in n for n in s["notes"])
    assert any("now starts on 2025-12-01" in n for n in s["notes"])
    with pytest.raises(ValueError, match="no complete month after the switch"):
        ba.study_setup(path, data_start="2025-11-01", data_end="2026-04-20")
    with pytest.raises(ValueError, match="lies outside the complete months of the data"):
        ba.study_setup(path, after=("2026-09-01", "2026-10-31"), data_end="2026-07-31")


def test_its_leaves_out_incomplete_weeks_which_hid_a_break():
    # issue 16: a final one-day week (dials of one day, not seven) pulled the post-switch line
    # down and hid a real break in dials (a jump of +2 on a level of 5, noise sd 0.5, 4 seeds).
    from kpi_lib.report import before_after_text as bt

    for seed in (10, 11, 12, 15):
        data, switch = weekly_series(
            seed=seed, n=30, switch_at=15, slope=0.0, jump=2.0, slope_change=0.0, ar=0.0
        )
        last = data.iloc[[-1]].copy()
        last["period_start"] = last["period_start"] + pd.Timedelta(days=7)
        last["period"] = "W30"
        last[["value", "numerator"]] = data["value"].iloc[-1] / 7  # one day of a week
        full = pd.concat([data, last], ignore_index=True)
        data_to = last["period_start"].iloc[0]  # the data end on the week's first day
        naive = ba.interrupted_time_series(full, switch=switch, n_boot=299).iloc[0]
        honest = ba.interrupted_time_series(
            full,
            switch=switch,
            data_from=data["period_start"].iloc[0],
            data_to=data_to,
            n_boot=299,
        ).iloc[0]
        # the partial week drags the line at the end far below the true effect (+2)...
        assert naive["effect_end"] < honest["effect_end"] - 1.0, seed
        assert abs(honest["effect_end"] - 2.0) < abs(naive["effect_end"] - 2.0), seed
        # ...and left out, the jump is found
        assert honest["level_change_p"] < 0.05 and honest["n_post"] == 15, seed
        assert honest["level_change_ci_low"] < 2.0 < honest["level_change_ci_high"], seed
    assert honest["left_out"] == "incomplete periods (data start or end within them): W30"
    assert "Left out: incomplete periods" in bt.its_text(pd.DataFrame([honest]))
    series = ba.its_series(full, switch=switch, data_to=data_to)
    assert "W30" not in set(series["period"])


def test_changes_that_round_to_zero_carry_no_sign():
    # the rendered case study read "trend change -0.0 points per week"
    from kpi_lib.report.before_after_text import _delta

    assert _delta(-0.0001, "share") == "0.0 points"
    assert _delta(-0.04, "") == "0.0"
    assert _delta(0.05, "share") == "+5.0 points" and _delta(-3.2, "") == "-3.2"
    assert _delta(12345.6, "currency") == "+12,346" and _delta(float("nan"), "") == "n/a"


def test_rescoring_periods_from_default_windows_exist_in_the_data(tmp_path):
    # issue 16: the notebook's default windows ran to 2026-09 on data ending earlier and
    # re-scoring died with KeyError "period '2026-09'"; windows are now cut back to the data.
    t = scoring_table()  # months 2026-01 to 2026-06
    path = _planted(tmp_path, date="2026-03-01")
    s = ba.study_setup(path, after_months=6, data_start="2026-01-01", data_end="2026-06-30")
    assert (s["before_last"], s["after_last"]) == ("2026-02", "2026-06")
    r = ba.rescore_under_schemes(t, periods=[s["before_last"], s["after_last"]], bonus_pool=1.0)
    assert set(r["period"]) == {"2026-02", "2026-06"}
    with pytest.raises(KeyError, match="In the scorecard: Unknown period '2026-09'"):
        ba.rescore_under_schemes(t, periods=["2026-09"])


def test_webb_weights_enumerated_up_to_four_clusters():
    from kpi_lib.analyses.before_after.wild import ENUMERATE_UP_TO, WEBB, webb_weights

    # 2 + 2 teams: all 6^4 = 1296 patterns whatever n_boot (399 random draws of them covered 0
    # in 0.915 of simulations, the enumeration in 0.955: benchmarks/README.md)
    v = webb_weights(ENUMERATE_UP_TO, 399, np.random.default_rng(0))
    assert v.shape == (1296, 4) and len(np.unique(v, axis=0)) == 1296
    for col in v.T:  # each of the six values 6^3 times per team
        assert sorted(np.unique(col, return_counts=True)[1]) == [216] * 6
        assert set(col) == set(WEBB)
    assert webb_weights(5, 399, np.random.default_rng(0)).shape == (399, 5)


def test_did_two_plus_two_teams_covers_with_enumerated_weights():
    # Simulation as above with 2 switched + 2 comparison teams (the fewest given an interval):
    # 200 runs in benchmarks/calibration_before_after.py cover 0 in 0.955 [0.916, 0.979].
    # 40 runs: Binomial(40, 0.95) gives P(X <= 33) ~ 1.4 %.
    covered = 0
    for seed in range(40):
        t = did_null_table(np.random.default_rng(700 + seed), n_treated=2, n_comparison=2)
        r = ba.difference_in_differences(
            t, treated=["T0", "T1"], comparison=["T2", "T3"], switch=SWITCH, n_boot=199, seed=seed
        ).iloc[0]
        covered += r["ci_low"] <= 0 <= r["ci_high"]
    assert covered >= 34, covered
