"""Tests of kpi_lib.analyses.conflicts against statsmodels / pingouin / scipy references."""

import numpy as np
import pandas as pd
import pingouin as pg
import pytest
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.multitest import multipletests

from kpi_lib.analyses import conflicts as c
from kpi_lib.analyses.conflicts.redundancy import standardised_indicators


def make_table(n_agents=40, n_periods=8, within=0.0, between=0.0, seed=0, extra=0):
    """Agent-month indicator table; effective_calls vs satisfaction_score with a chosen
    within-agent and between-agent relation, plus independent noise indicators."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(n_agents):
        level = rng.normal()
        for t in range(n_periods):
            w = rng.normal()
            vals = {
                "effective_calls": 100 + 10 * level + 8 * w,
                "satisfaction_score": 4 + between * level + within * w + 0.3 * rng.normal(),
                "conversion_rate": 0.1 + 0.01 * rng.normal(),
                "complaints_per_100": 1 + 0.2 * rng.normal(),
                "sales_amount": 1000 + 100 * rng.normal(),
                "repurchase_rate": 0.1 + 0.02 * rng.normal(),
            }
            for k in range(extra):
                vals[f"x{k}"] = rng.normal()
            for k, v in vals.items():
                rows.append(
                    {
                        "agent_id": f"A{a:03d}", "team_id": f"T{a % 3}",
                        "period": f"2026-{t + 1:02d}", "granularity": "month",
                        "period_start": pd.Timestamp(2026, t + 1, 1), "indicator": k,
                        "value": v, "numerator": v, "denominator": 1.0, "reason": "",
                    }
                )  # fmt: skip
    return pd.DataFrame(rows)


def test_bh_matches_statsmodels():
    p = np.random.default_rng(1).uniform(size=50) ** 3
    p[[3, 7]] = np.nan
    ok = ~np.isnan(p)
    # reference: multipletests(p, method="fdr_bh")[1]
    np.testing.assert_allclose(c.bh_adjust(p)[ok], multipletests(p[ok], method="fdr_bh")[1])
    assert np.isnan(c.bh_adjust(p)[[3, 7]]).all()


def test_rm_corr_matches_pingouin():
    df = pg.read_dataset("rm_corr")
    ours = c.rm_corr(df, x="pH", y="PacO2", subject="Subject").iloc[0]
    ref = pg.rm_corr(data=df, x="pH", y="PacO2", subject="Subject")  # pg.rm_corr reference
    assert ours["r"] == pytest.approx(ref["r"].iloc[0], abs=1e-10)
    assert ours["dof"] == ref["dof"].iloc[0]
    assert ours["p_value"] == pytest.approx(ref["pval"].iloc[0], rel=1e-6)
    np.testing.assert_allclose([ours["ci_low"], ours["ci_high"]], ref["CI95"].iloc[0], atol=5e-3)
    # published rmcorr example (Bakdash & Marusich 2017): r = -0.507, df = 38
    assert ours["r"] == pytest.approx(-0.507, abs=1e-3) and ours["dof"] == 38


def test_cluster_corr_matches_statsmodels():
    ind = make_table(n_agents=25, n_periods=6, within=-0.2, between=0.3, seed=3)
    cm = c.correlation_map(ind, methods=["pearson"])
    row = cm[(cm.indicator_a == "effective_calls") & (cm.indicator_b == "satisfaction_score")]
    if row.empty:
        row = cm[(cm.indicator_b == "effective_calls") & (cm.indicator_a == "satisfaction_score")]
    w = c.wide_indicators(ind)
    x, y = w["effective_calls"], w["satisfaction_score"]
    z = lambda v: (v - v.mean()) / v.std(ddof=0)  # noqa: E731
    fit = sm.OLS(z(y).to_numpy(), sm.add_constant(z(x).to_numpy())).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(w.index.get_level_values("agent_id"))[0]},
        use_t=True,
    )  # reference: statsmodels OLS, agent-clustered, t with G-1 df
    assert row["r"].iloc[0] == pytest.approx(fit.params[1], abs=1e-10)
    assert row["r"].iloc[0] == pytest.approx(stats.pearsonr(x, y)[0], abs=1e-10)
    assert row["p_value"].iloc[0] == pytest.approx(fit.pvalues[1], rel=1e-6)


def test_within_between_detects_simpson():
    ind = make_table(within=-0.3, between=0.4, seed=4)
    wb = c.within_between(ind, pairs=[("effective_calls", "satisfaction_score")])
    r = wb.iloc[0]
    assert r["within_r"] < 0 < r["between_r"]
    assert r["simpson_warning"] and r["agreement"] == "opposite sign"
    # without period effects the within part equals pingouin's rm_corr on the same data
    plain = c.within_between(
        ind, pairs=[("effective_calls", "satisfaction_score")], period_effects=False
    ).iloc[0]
    w = c.wide_indicators(ind).reset_index()
    ref = pg.rm_corr(data=w, x="effective_calls", y="satisfaction_score", subject="agent_id")
    assert plain["within_r"] == pytest.approx(ref["r"].iloc[0], abs=1e-10)
    # with period effects: the partial correlation after least squares on agent and
    # team-period dummies (reference: numpy lstsq on the full dummy design)
    D = pd.get_dummies(w["agent_id"].astype(str) + "|", dtype=float)
    D = pd.concat([D, pd.get_dummies(w["team_id"].astype(str) + w["period"].astype(str),
                                     dtype=float)], axis=1).to_numpy()  # fmt: skip
    res = [v - D @ np.linalg.lstsq(D, v, rcond=None)[0]
           for v in (w["effective_calls"].to_numpy(), w["satisfaction_score"].to_numpy())]  # fmt: skip
    assert r["within_r"] == pytest.approx(np.corrcoef(*res)[0, 1], abs=1e-8)


def test_within_agent_correlation_ignores_shared_month_shocks():
    # every agent's x and y move with the same month shocks; no within-agent relation
    rng = np.random.default_rng(21)
    rows = []
    shock_x, shock_y = rng.normal(0, 3, 6), rng.normal(0, 3, 6)
    shock_y = shock_x * 1.0  # the shocks of x and y coincide: a month effect, not agents
    for a in range(30):
        for t in range(6):
            for ind, v in (
                ("effective_calls", 50 + shock_x[t] + rng.normal()),
                ("satisfaction_score", 4 + shock_y[t] + rng.normal()),
            ):
                rows.append({"agent_id": f"A{a}", "team_id": f"T{a % 3}",
                             "period": f"2026-0{t + 1}", "indicator": ind, "value": v})  # fmt: skip
    ind = pd.DataFrame(rows)
    pair = [("effective_calls", "satisfaction_score")]
    plain = c.within_between(ind, pairs=pair, period_effects=False).iloc[0]
    fe = c.within_between(ind, pairs=pair).iloc[0]
    assert plain["within_p"] < 1e-6  # the month shocks alone make rm_corr "significant"
    assert fe["within_p"] > 0.01 and abs(fe["within_r"]) < 0.25


def test_expected_relation_contradicted():
    ind = make_table(within=-0.3, between=-0.3, seed=5)
    exp = pd.DataFrame(
        {"indicator_a": ["effective_calls"], "indicator_b": ["satisfaction_score"],
         "expected_sign": [1], "rationale": ["volume should not hurt service"]}
    )  # fmt: skip
    out = c.expected_relations(ind, expected=exp)
    assert out["verdict"].iloc[0] == "contradicted"
    assert out["p_adj"].iloc[0] < 0.001


def _trend_rows(changes):
    """Four teams, two periods; ``changes[team] = (calls factor, conversion after)``."""
    rows = []
    for team, (f_calls, conv1) in changes.items():
        for period, calls, conv in (("2026-01", 1000, 0.10), ("2026-02", 1000 * f_calls, conv1)):
            deals = round(conv * 3000)
            rows += [
                {"agent_id": f"{team}a", "team_id": team, "period": period,
                 "indicator": "effective_calls", "value": calls, "numerator": calls,
                 "denominator": 1.0},
                {"agent_id": f"{team}a", "team_id": team, "period": period,
                 "indicator": "conversion_rate", "value": deals / 3000, "numerator": deals,
                 "denominator": 3000},
            ]  # fmt: skip
    return pd.DataFrame(rows)


def test_trend_conflicts_source_example():
    # one team: effective calls +12 %, conversion 10 % -> 8 % (the source's example); the
    # other teams steady. Against the period's other teams it is a confident conflict.
    ind = _trend_rows({"T1": (1.12, 0.08), "T2": (1.0, 0.10), "T3": (1.01, 0.099),
                       "T4": (0.99, 0.101), "T5": (1.0, 0.10)})  # fmt: skip
    out = c.trend_conflicts(ind, pairs=[("effective_calls", "conversion_rate")])
    r = out[out["team_id"] == "T1"].iloc[0]
    assert r["improved"] == "effective_calls" and r["deteriorated"] == "conversion_rate"
    assert r["improved_change"] == pytest.approx(0.12)
    assert r["deteriorated_change"] == pytest.approx(-0.2)
    # conversion: log change -0.223 vs the others' mean; binomial variance of the log rates
    others = np.log([0.10 / 0.10, 0.099 / 0.10, 0.101 / 0.10, 1.0]).mean()
    s = 2 * 0.9 / (3000 * 0.1)
    assert r["p_value"] >= 2 * stats.norm.sf(abs(np.log(0.8) - others) / np.sqrt(s * 1.25)) - 1e-12
    assert bool(r["confident"])


def test_trend_conflicts_shared_month_shock_is_not_a_conflict():
    # every team: calls +12 % and conversion 10 % -> 8 % in the same month (a shared shock)
    ind = _trend_rows({t: (1.12, 0.08) for t in ("T1", "T2", "T3", "T4")})
    out = c.trend_conflicts(ind, pairs=[("effective_calls", "conversion_rate")])
    assert len(out) == 4 and not out["confident"].any()


def test_outcome_relevance_matches_statsmodels():
    ind = make_table(n_agents=30, n_periods=6, seed=6)
    rel = c.outcome_relevance(ind, outcomes=["sales_amount"], ids=["effective_calls"])
    w = c.wide_indicators(ind)
    z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
    X = pd.concat(
        [z(w["effective_calls"]).rename("x"),
         pd.get_dummies(w.index.get_level_values("team_id"), drop_first=True, dtype=float)
         .set_index(w.index),
         pd.get_dummies(w.index.get_level_values("period"), drop_first=True, dtype=float)
         .set_index(w.index)], axis=1,
    )  # fmt: skip
    fit = sm.OLS(z(w["sales_amount"]), sm.add_constant(X)).fit(
        cov_type="cluster",
        cov_kwds={"groups": pd.factorize(w.index.get_level_values("agent_id"))[0]},
        use_t=True,
    )  # reference: statsmodels OLS with team + period dummies, agent-clustered
    assert rel["beta"].iloc[0] == pytest.approx(fit.params["x"], abs=1e-10)
    assert rel["p_value"].iloc[0] == pytest.approx(fit.pvalues["x"], rel=1e-6)
    assert rel["se"].iloc[0] == pytest.approx(fit.bse["x"], rel=1e-8)
    assert rel["ci_low"].iloc[0] == pytest.approx(fit.conf_int().loc["x", 0], rel=1e-8)


def test_cronbach_alpha_matches_pingouin():
    df = pg.read_dataset("cronbach_wide_missing")
    a, lo, hi = c.cronbach_alpha(df)
    ref, _ = pg.cronbach_alpha(data=df, nan_policy="listwise")  # reference
    assert a == pytest.approx(ref)
    # pingouin takes n for the Feldt interval before listwise deletion, so compare the
    # interval on complete data: pg.cronbach_alpha(data=df.dropna())
    ref, ci = pg.cronbach_alpha(data=df.dropna())
    a, lo, hi = c.cronbach_alpha(df.dropna())
    assert a == pytest.approx(ref)
    np.testing.assert_allclose([lo, hi], ci, atol=1e-3)


def test_principal_components_explained_variance():
    ind = make_table(seed=7)
    pc = c.principal_components(ind, n_components=2)
    w = standardised_indicators(c.wide_indicators(ind, min_coverage=0.9), None).dropna()
    ev = np.sort(np.linalg.eigvalsh(np.corrcoef(w.to_numpy(), rowvar=False)))[::-1]
    first = pc[pc.component == 1]["explained_variance_ratio"].iloc[0]
    assert first == pytest.approx(ev[0] / ev.sum())
    # loadings of component 1 squared sum to its eigenvalue
    assert (pc[pc.component == 1]["loading"] ** 2).sum() == pytest.approx(ev[0])


def test_null_control_no_confident_correlations():
    ind = make_table(n_agents=40, n_periods=6, seed=8, extra=6)
    cm = c.correlation_map(ind)
    # independent indicators: after BH no pair should be flagged as conflict or redundant
    assert (cm["flag"] == "").all()
    assert (cm["p_adj"] >= 0.05).mean() > 0.9


def test_errors_name_the_problem():
    ind = make_table(n_agents=5, n_periods=3)
    with pytest.raises(ValueError, match="`methods` must be one of"):
        c.correlation_map(ind, methods=["kendall"])
    with pytest.raises(KeyError, match="lacks column"):
        c.correlation_map(ind.drop(columns="value"))
    with pytest.raises(ValueError, match="is not a period"):
        c.select_indicators(ind, period_from="2030-01")
    with pytest.raises(KeyError, match="Outcome"):
        c.outcome_relevance(ind, outcomes=["nope"])


def test_agents_with_few_calls_never_drive_a_between_agent_finding():
    # 40 agents with unrelated dials and connect rate, plus 4 new hires with a handful of
    # calls and extreme rates: with them the between-agent r is strongly negative
    rng = np.random.default_rng(31)
    rows = []
    for a in range(44):
        small = a >= 40
        for t in range(4):
            dials = rng.integers(6, 12) if small else rng.integers(450, 550)
            rate = rng.uniform(0.75, 0.95) if small else rng.uniform(0.30, 0.36)
            conn = round(dials * rate)
            rows += [
                {"agent_id": f"A{a}", "team_id": f"T{a % 4}", "period": f"2026-0{t + 1}",
                 "indicator": "dials", "value": dials, "numerator": dials, "denominator": 1.0},
                {"agent_id": f"A{a}", "team_id": f"T{a % 4}", "period": f"2026-0{t + 1}",
                 "indicator": "connect_rate", "value": conn / dials, "numerator": conn,
                 "denominator": dials},
            ]  # fmt: skip
    ind = pd.DataFrame(rows)
    pair = [("dials", "connect_rate")]
    unfiltered = c.within_between(ind, pairs=pair, min_trials=0)
    assert unfiltered["between_r"].iloc[0] < -0.5 and unfiltered["n_agents"].iloc[0] == 44
    wb = c.within_between(ind, pairs=pair).iloc[0]
    assert wb["n_agents"] == 40 and not wb["between_significant"]
    ex = c.expected_relations(ind, expected=pd.DataFrame(
        {"indicator_a": ["dials"], "indicator_b": ["connect_rate"], "expected_sign": [1]}
    ))  # fmt: skip
    assert ex["n_agents"].iloc[0] == 40 and ex["verdict"].iloc[0] != "contradicted"
