"""Tests for kpi_lib.analyses.sensitivity (weight sensitivity)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from kpi_lib.analyses import sensitivity as sens

TIERS = {"A": 75.0, "B": 65.0, "C": 55.0}


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    n, k = 60, 5
    scores = pd.DataFrame(
        rng.uniform(20, 100, (n, k)),
        index=pd.Index([f"ag{i:03d}" for i in range(n)], name="agent_id"),
        columns=["sales_amount", "effective_calls", "satisfaction_rate", "compliance_rate", "x"],
    )
    weights = pd.Series(
        {
            "sales_amount": 40.0,
            "effective_calls": 20.0,
            "satisfaction_rate": 20.0,
            "compliance_rate": 15.0,
            "x": 5.0,
        }
    )
    return scores, weights


def _composite_ref(scores: pd.DataFrame, w: pd.Series) -> np.ndarray:
    s = scores[w.index].to_numpy()
    return s @ w.to_numpy() / w.sum()


# --- ranking -----------------------------------------------------------------------------------
def test_rank_matches_scipy_min_with_ties():
    rng = np.random.default_rng(0)
    C = rng.integers(0, 8, size=(50, 30)).astype(float)  # many ties
    R = sens.rank_composites(C)
    ref = np.vstack([stats.rankdata(-row, method="min") for row in C])
    # scipy.stats.rankdata(-c, method="min")
    assert_array_equal(R, ref)


def test_rank_float_noise_counts_as_tie():
    c = np.array([[70.0, 70.0 + 1e-12, 60.0]])
    assert_array_equal(sens.rank_composites(c), [[1, 1, 3]])


def test_rank_nan_goes_last():
    assert_array_equal(sens.rank_composites(np.array([[np.nan, 1.0, 2.0]])), [[3, 2, 1]])


# --- composites --------------------------------------------------------------------------------
def test_composite_arithmetic_and_geometric(data):
    scores, w = data
    out = sens.composite_scores(scores, w).set_index("agent_id").loc[scores.index]
    assert_allclose(out["composite"], _composite_ref(scores, w))
    geo = sens.composite_scores(scores, w, method="geometric", geometric_shift=1.0)
    geo = geo.set_index("agent_id").loc[scores.index, "composite"]
    # scipy.stats.gmean(s + 1, weights=w) - 1
    ref = stats.gmean(scores[w.index].to_numpy() + 1.0, axis=1, weights=w.to_numpy()) - 1.0
    assert_allclose(geo, ref)


def test_missing_renormalise_drop_raise(data):
    scores, w = data
    scores = scores.copy()
    scores.iloc[0, 0] = np.nan
    out = sens.composite_scores(scores, w).set_index("agent_id")
    s0 = scores.iloc[0][w.index[1:]]
    ref = (s0 * w.iloc[1:]).sum() / w.iloc[1:].sum()  # hand formula over observed indicators
    assert out.loc["ag000", "composite"] == pytest.approx(ref)
    assert "ag000" not in sens.composite_scores(scores, w, missing="drop")["agent_id"].values
    with pytest.raises(ValueError, match="ag000"):
        sens.composite_scores(scores, w, missing="raise")


def test_input_errors(data):
    scores, w = data
    with pytest.raises(KeyError, match="no column for weighted indicator"):
        sens.composite_scores(scores.drop(columns="x"), w)
    with pytest.raises(ValueError, match="non-negative"):
        sens.composite_scores(scores, w.replace(5.0, -1.0))
    with pytest.raises(ValueError, match="`method` must be one of"):
        sens.composite_scores(scores, w, method="median")
    with pytest.raises(ValueError, match="strictly decreasing"):
        sens.composite_scores(scores, w, tiers={"A": 50, "B": 70})


def test_tiers_by_score_and_share(data):
    scores, w = data
    out = sens.composite_scores(scores, w, tiers=TIERS)
    c = out["composite"]
    expect = np.select([c >= 75, c >= 65, c >= 55], ["A", "B", "C"], "D")
    assert_array_equal(out["tier"], expect)
    share = sens.composite_scores(
        scores, w, tiers={"top": 0.2, "mid": 0.7, "low": 0.1}, tier_basis="share"
    )
    assert share["tier"].value_counts().to_dict() == {"top": 12, "mid": 42, "low": 6}


# --- 1. effective weights ----------------------------------------------------------------------
def test_effective_weights_decomposition(data):
    scores, w = data
    scores = scores.copy()
    scores["x"] = 50.0  # no spread
    scores["compliance_rate"] = 80 + scores["compliance_rate"] / 50  # tiny spread
    eff = sens.effective_weights(scores, w).set_index("indicator")
    assert eff["variance_share"].sum() == pytest.approx(1.0)
    wn = w / w.sum()
    comp = _composite_ref(scores, w)
    for ind in w.index:
        # np.cov(w_j * s_j, C)[0, 1] / np.var(C)
        cov = np.cov(wn[ind] * scores[ind], comp, ddof=0)[0, 1]
        assert eff.loc[ind, "variance_share"] == pytest.approx(cov / np.var(comp), abs=1e-12)
    r = np.corrcoef(scores["sales_amount"], comp)[0, 1]  # np.corrcoef
    assert eff.loc["sales_amount", "correlation"] == pytest.approx(r)
    assert eff.loc["x", "influence"] == "no spread"
    assert eff.loc["x", "variance_share"] == pytest.approx(0.0, abs=1e-12)
    assert eff.loc["compliance_rate", "influence"] == "muted"
    assert eff.loc["compliance_rate", "weight"] == pytest.approx(0.15)


# --- 2. one at a time --------------------------------------------------------------------------
def test_one_at_a_time_against_brute_force(data):
    scores, w = data
    oat = sens.one_at_a_time(scores, w, step=0.05, tiers=TIERS, top_k=5, bottom_k=5)
    assert len(oat) == 2 * len(w)
    wn = w / w.sum()
    base_c = _composite_ref(scores, w)
    base_r = stats.rankdata(-base_c, method="min")
    for row in oat.itertuples():
        w2 = wn * (1 - row.new_weight) / (1 - wn[row.indicator])
        w2[row.indicator] = row.new_weight
        assert w2.sum() == pytest.approx(1.0)
        c = _composite_ref(scores, w2)
        r = stats.rankdata(-c, method="min")  # scipy.stats.rankdata(-c, method="min")
        assert row.mean_abs_rank_shift == pytest.approx(np.abs(r - base_r).mean())
        assert row.agents_moved == int((r != base_r).sum())
        assert row.top_k_changes == int(((r <= 5) != (base_r <= 5)).sum())
        assert row.kendall_tau == pytest.approx(stats.kendalltau(base_r, r).statistic)
    big = oat.set_index(["indicator", "direction"])
    assert big.loc[("sales_amount", "up"), "new_weight"] == pytest.approx(0.45)


def test_one_at_a_time_clips_at_zero(data):
    scores, w = data
    oat = sens.one_at_a_time(scores, w, step=0.1, indicators=["x"])
    down = oat[oat["direction"] == "down"].iloc[0]
    assert down["new_weight"] == 0.0 and down["clipped"]


# --- 3. Monte Carlo ----------------------------------------------------------------------------
def test_identical_agents_equal_weights_zero_rank_change():
    scores = pd.DataFrame(
        np.tile([60.0, 70.0, 80.0, 90.0], (25, 1)),
        index=[f"a{i}" for i in range(25)],
        columns=list("pqrs"),
    )
    w = pd.Series(1.0, index=list("pqrs"))
    mc = sens.monte_carlo_ranks(scores, w, draws=500, size=0.5, seed=1, keep_ranks=True)
    assert (mc.ranks == 1).all()
    assert (mc.draws["mean_abs_rank_shift"] == 0).all()
    assert (mc.agents["rank_spread"] == 0).all()


@pytest.mark.parametrize("distribution", sens.DISTRIBUTIONS)
def test_dominant_agent_first_in_every_draw(data, distribution):
    scores, w = data
    scores = scores.copy()
    scores.loc["star"] = scores.max() + 5  # best on every indicator
    mc = sens.monte_carlo_ranks(
        scores, w, draws=800, size=0.6, distribution=distribution, seed=3, top_k=1,
        methods=["geometric"], alternatives={"rank": scores.rank(pct=True) * 100},
    )  # fmt: skip
    star = mc.agents.set_index("agent_id").loc["star"]
    assert star["rank"] == 1 and star["rank_high"] == 1
    assert star["p_top_k"] == 1.0


def test_monte_carlo_matches_per_draw_loop(data):
    scores, w = data
    mc = sens.monte_carlo_ranks(
        scores, w, draws=300, size=0.4, seed=11, tiers=TIERS, top_k=6, bottom_k=6, keep_ranks=True
    )
    agents = list(mc.agents_order)
    S = scores.loc[agents, w.index].to_numpy()
    ref = np.vstack(
        [stats.rankdata(-(S @ wd), method="min") for wd in mc.weights.to_numpy()]
    )  # per-draw reference: scipy.stats.rankdata(-c, method="min")
    assert_array_equal(mc.ranks, ref)
    a = mc.agents.set_index("agent_id").loc[agents]
    assert_allclose(a["p_top_k"], (ref <= 6).mean(axis=0))
    assert_allclose(a["p_bottom_k"], (ref > len(agents) - 6).mean(axis=0))
    assert_allclose(a["rank_mean"], ref.mean(axis=0))
    # numpy.quantile(ranks, 0.05 / 0.95, method="inverted_cdf")
    assert_array_equal(a["rank_low"], np.quantile(ref, 0.05, axis=0, method="inverted_cdf"))
    assert_array_equal(a["rank_high"], np.quantile(ref, 0.95, axis=0, method="inverted_cdf"))
    p = mc.tiers.groupby("agent_id")["probability"].sum()
    assert_allclose(p, 1.0)
    flips = sens.decision_flips(mc)
    assert (flips["p_flip"] >= 0.1).all()
    assert set(flips["decision"]) <= {"bonus", "pip", "tier"}


def test_monte_carlo_is_reproducible_and_method_switches(data):
    scores, w = data
    kw = dict(draws=200, seed=5, methods=["geometric"], alternatives={"z": scores * 0.9})
    a = sens.monte_carlo_ranks(scores, w, **kw)
    b = sens.monte_carlo_ranks(scores, w, **kw)
    pd.testing.assert_frame_equal(a.agents, b.agents)
    assert set(a.draws["aggregation"]) == {"arithmetic", "geometric"}
    assert set(a.draws["normalisation"]) == {"nominal", "z"}


def test_sample_weights(data):
    _, w = data
    wn = (w / w.sum()).to_numpy()
    u = sens.sample_weights(w, draws=4000, size=0.2, seed=0)
    assert_allclose(u.sum(axis=1), 1.0)
    raw = u.to_numpy() / wn  # factors relative to nominal, after renormalising
    assert raw.max() / raw.min() <= (1.2 / 0.8) ** 2 + 1e-9
    d = sens.sample_weights(w, draws=20000, size=0.3, distribution="dirichlet", seed=0)
    assert_allclose(d.mean(), wn, atol=0.01)  # Dirichlet(c w) has mean w
    cv = (d.std() / d.mean()).mean()
    assert cv == pytest.approx(0.3, rel=0.1)


# --- 4. Sobol ----------------------------------------------------------------------------------
def test_sobol_linear_model_analytic():
    a = np.array([1.0, 2.0, 3.0, 0.5])
    problem = {"names": ["x1", "x2", "x3", "x4"], "bounds": [[0.0, 1.0]] * 4}
    res = sens.sobol_analysis(lambda X: X @ a, problem, n_base=2048, seed=1)
    # Y = sum a_j X_j, X_j ~ U(0, 1) independent: S1_j = ST_j = a_j^2 / sum(a^2)
    expect = a**2 / (a**2).sum()
    assert_allclose(res["S1"], expect, atol=5e-2, rtol=1e-1)
    assert_allclose(res["ST"], expect, atol=5e-2, rtol=1e-1)
    assert (res["S1_low"] <= res["S1"]).all() and (res["S1_high"] >= res["S1"]).all()


def test_sobol_ishigami_salib_regression():
    from SALib.test_functions import Ishigami

    problem = {"names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    res = sens.sobol_analysis(Ishigami.evaluate, problem, n_base=4096, seed=2)
    # SALib tests/test_regression.py::test_regression_sobol (same tolerances)
    assert_allclose(res["S1"], [0.31, 0.44, 0.00], atol=5e-2, rtol=1e-1)
    assert_allclose(res["ST"], [0.55, 0.44, 0.24], atol=5e-2, rtol=1e-1)


def test_sobol_weights_flat_indicator_has_no_effect(data):
    scores, w = data
    scores = scores.copy()
    scores["x"] = 50.0  # same score for everyone: its weight cannot reorder anybody
    res = sens.sobol_weight_indices(
        scores, w, n_base=128, seed=1, outputs=["mean_abs_rank_shift", "tier_changes"],
        tiers=TIERS,
    )  # fmt: skip
    x = res[(res["factor"] == "x") & (res["output"] == "mean_abs_rank_shift")].iloc[0]
    assert x["ST"] == pytest.approx(0.0, abs=1e-12)
    assert x["S1"] == pytest.approx(0.0, abs=1e-12)
    top = res[res["output"] == "mean_abs_rank_shift"].iloc[0]
    assert top["ST"] > 0.05 and top["kind"] == "weight"


def test_sobol_bad_n_base(data):
    scores, w = data
    with pytest.raises(ValueError, match="power of 2"):
        sens.sobol_weight_indices(scores, w, n_base=1000)


# --- 5. scheme comparison ----------------------------------------------------------------------
def test_compare_schemes_and_agreement(data):
    scores, w = data
    before = pd.Series({"sales_amount": 70.0, "effective_calls": 30.0})
    schemes = {"before": before, "after": w}
    cmp = sens.compare_schemes(scores, schemes, tiers=TIERS, top_k=6, bottom_k=6)
    assert len(cmp) == 2 * len(scores)
    after = cmp[cmp["scheme"] == "after"].set_index("agent_id")
    rb = stats.rankdata(-_composite_ref(scores, before), method="min")
    ra = stats.rankdata(-_composite_ref(scores, w), method="min")
    assert_array_equal(after.loc[scores.index, "baseline_rank"], rb)
    assert_array_equal(after.loc[scores.index, "rank_change"], rb - ra)
    assert set(after["outcome"]) <= {"wins", "loses", "unchanged"}
    changed = after[after["tier"] != after["baseline_tier"]]
    assert (changed["tier_change"] == changed["baseline_tier"] + " -> " + changed["tier"]).all()
    agr = sens.scheme_agreement(cmp).iloc[0]
    assert agr["kendall_tau"] == pytest.approx(stats.kendalltau(rb, ra).statistic)
    assert agr["winners"] == int((rb - ra > 0).sum())
    same = sens.scheme_agreement(sens.compare_schemes(scores, {"a": w, "b": w * 3}))
    assert same.loc[0, "kendall_tau"] == pytest.approx(1.0)
    assert same.loc[0, "winners"] == 0 and same.loc[0, "losers"] == 0


# --- 6. rank reversal --------------------------------------------------------------------------
def _gap_at(scores, wn, up, low, ind, t):
    """Gap between two agents when indicator ``ind`` gets share(s) ``t`` (others rescaled)."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    W = np.outer(1 - t, wn.to_numpy() / (1 - wn[ind]))
    W[:, list(wn.index).index(ind)] = t
    d = scores.loc[up, wn.index].to_numpy() - scores.loc[low, wn.index].to_numpy()
    return W @ d


def test_rank_reversal_closed_form_against_brute_force(data):
    scores, w = data
    wn = w / w.sum()
    rev = sens.rank_reversal_thresholds(scores, w)
    n_pairs = len(scores) - 1
    assert len(rev) == n_pairs * len(w)
    assert rev.groupby(["upper_agent", "lower_agent"])["closest"].sum().max() == 1
    grid = np.linspace(0, 1, 2001)
    n_reach = 0
    for row in rev.itertuples():
        args = (scores, wn, row.upper_agent, row.lower_agent, row.indicator)
        assert _gap_at(*args, row.weight)[0] == pytest.approx(row.gap)
        gaps = _gap_at(*args, grid)
        if row.reachable:
            n_reach += 1
            t = row.threshold_weight
            # the gap is zero at the threshold and changes sign just beyond it
            assert _gap_at(*args, t)[0] == pytest.approx(0.0, abs=1e-8)
            beyond = t + np.sign(row.weight_change) * 1e-6
            if 0 <= beyond <= 1 and row.gap > 0:
                assert _gap_at(*args, beyond)[0] < 0
            # and no share closer to the nominal weight swaps them (brute force on a grid)
            closer = np.abs(grid - row.weight) < abs(row.weight_change) - 1e-3
            assert (gaps[closer] > 0).all()
        else:
            assert (gaps >= -1e-9).all()  # no share in [0, 1] swaps them
    assert 0 < n_reach < len(rev)


def test_rank_reversal_closest_only(data):
    scores, w = data
    rev = sens.rank_reversal_thresholds(scores, w, closest_only=True)
    full = sens.rank_reversal_thresholds(scores, w)
    mins = (
        full[full["reachable"]]
        .groupby("upper_agent")["weight_change"]
        .apply(lambda s: s.abs().min())
    )
    got = rev.set_index("upper_agent")["weight_change"].abs()
    assert_allclose(got.loc[mins.index], mins)


# --- adapters ----------------------------------------------------------------------------------
def test_score_matrix_from_indicator_table():
    ind = pd.DataFrame(
        {
            "agent_id": ["a", "a", "b", "b", "a"],
            "period": ["2026-09", "2026-09", "2026-09", "2026-09", "2026-10"],
            "indicator": ["p", "q", "p", "q", "p"],
            "score": [10.0, 20.0, 30.0, 40.0, 99.0],
        }
    )
    m = sens.score_matrix(ind, period="2026-09")
    assert m.loc["b", "q"] == 40.0 and m.shape == (2, 2)
    latest = sens.score_matrix(ind)
    assert latest.loc["a", "p"] == 99.0
    with pytest.raises(ValueError, match="`period` must be one of"):
        sens.score_matrix(ind, period="2025-01")


def test_monte_carlo_paths_agree(data, monkeypatch):
    """Stored-rank vs histogram quantiles, threaded vs single blocks: one answer."""
    scores, w = data
    kw = dict(draws=400, seed=2, tiers=TIERS)
    ref = sens.monte_carlo_ranks(scores, w, **kw)
    threaded = sens.monte_carlo_ranks(scores, w, n_jobs=2, **kw)
    pd.testing.assert_frame_equal(ref.agents, threaded.agents)
    from kpi_lib.analyses.sensitivity import draws, monte_carlo

    monkeypatch.setattr(monte_carlo, "_STORE_MAX_CELLS", 0)  # histogram quantiles
    monkeypatch.setattr(draws, "_BLOCK_CELLS", 5000)  # several blocks
    stored = sens.monte_carlo_ranks(scores, w, **kw)
    pd.testing.assert_frame_equal(ref.agents, stored.agents)
    pd.testing.assert_frame_equal(ref.draws, stored.draws)


def test_plots_and_text_run(data):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kpi_lib.report import sensitivity_plots as plots
    from kpi_lib.report import sensitivity_text as text

    scores, w = data
    eff = sens.effective_weights(scores, w)
    oat = sens.one_at_a_time(scores, w, tiers=TIERS)
    mc = sens.monte_carlo_ranks(scores, w, draws=200, seed=1, tiers=TIERS)
    sob = sens.sobol_weight_indices(scores, w, n_base=64, seed=1)
    cmp = sens.compare_schemes(scores, {"a": w, "b": w.iloc[:2]}, tiers=TIERS)
    rev = sens.rank_reversal_thresholds(scores, w, closest_only=True)
    assert len(rev) == len(scores) - 1
    for ax in (
        plots.effective_weights_plot(eff),
        plots.tornado_plot(oat),
        plots.rank_interval_plot(mc.agents),
        plots.decision_probability_plot(mc.agents),
        plots.sobol_plot(sob),
        plots.scheme_comparison_plot(cmp),
        plots.reversal_plot(rev),
    ):
        assert ax.has_data()
    plt.close("all")
    for md in (
        text.effective_weights_text(eff),
        text.tornado_text(oat),
        text.uncertainty_text(mc, sens.decision_flips(mc)),
        text.sobol_text(sob),
        text.scheme_text(cmp, sens.scheme_agreement(cmp)),
        text.reversal_text(rev),
    ):
        assert md.startswith("- ")


# --------------------------------------- sampling noise in the rank intervals (issue 17, A)

SALES_DIALS = {
    "name": "sales70_dials30",
    "normalisation": "goalposts",
    "aggregation": "arithmetic",
    "dimensions": {
        "performance": {"weight": 70, "indicators": {"sales_amount": {"weight": 100}}},
        "efficiency": {"weight": 30, "indicators": {"dials": {"weight": 100}}},
    },
    "targets": {
        "sales_amount": {"target": 60000, "threshold": 10000},
        "dials": {"target": 600, "threshold": 200},
    },
    "tiers": {"A": 85, "B": 70, "C": 50, "D": None},
}


def _month(agents=30, *, skill=None, seed=0, dials=400, conv=0.03, aov=3000.0):
    """One month of agents: dials ~ Poisson(400 skill), deals ~ Binomial(dials, 3 % skill),
    each deal's amount ~ Exponential(3000): the indicator rows the scheme needs."""
    rng = np.random.default_rng(seed)
    skill = np.ones(agents) if skill is None else np.asarray(skill, dtype=float)
    ids = [f"A{i:03d}" for i in range(agents)]
    d = rng.poisson(dials * skill)
    deals = rng.binomial(d, np.clip(conv * skill, 0, 1))
    amount = np.array([rng.exponential(aov, k).sum() for k in deals])
    rows = [
        pd.DataFrame(
            {
                "agent_id": ids,
                "team_id": "T1",
                "period": "2026-10",
                "granularity": "month",
                "indicator": name,
                "value": num.astype(float),
                "numerator": num.astype(float),
                "denominator": 1.0,
            }
        )
        for name, num in (("dials", d), ("deals", deals), ("sales_amount", amount))
    ]
    return pd.concat(rows, ignore_index=True)


def _inputs(ind):
    from kpi_lib.scoring import score
    from kpi_lib.scoring.schemes import scheme_from_dict

    sc = score(ind, scheme_from_dict(SALES_DIALS))
    return sens.scorecard_inputs(sc, indicators=ind)


def _non_overlap(agents: pd.DataFrame) -> float:
    """Share of agent pairs whose rank intervals do not overlap."""
    lo, hi = agents["rank_low"].to_numpy(), agents["rank_high"].to_numpy()
    i, j = np.triu_indices(len(lo), 1)
    return float(np.mean((hi[i] < lo[j]) | (hi[j] < lo[i])))


@pytest.fixture(scope="module")
def sample_scorecard():
    from kpi_lib.datasets import load_sample
    from kpi_lib.indicators.engine import compute_indicators
    from kpi_lib.scoring import score

    ind = compute_indicators(load_sample())
    return ind, score(ind, "default")


@pytest.mark.parametrize("normalisation", ["goalposts", "attainment", "minmax", "percentile"])
def test_sampling_model_scores_observed_values_as_the_scorecard(sample_scorecard, normalisation):
    from dataclasses import replace

    from kpi_lib.analyses.sensitivity.sampling import sampling_model
    from kpi_lib.scoring import score
    from kpi_lib.scoring.schemes import load_scheme

    ind, _ = sample_scorecard
    sc = score(ind, replace(load_scheme("default"), normalisation=normalisation))
    model = sampling_model(sc, indicators=ind)
    ref = sens.score_matrix(sc).reindex(index=model.agents, columns=model.indicators)
    # the model's scoring of the observed values is kpi_lib.scoring.normalise's, cell by cell
    assert_allclose(model.score(model.value), ref.to_numpy(), atol=1e-9)
    assert model.fixed == []


def test_sampling_draws_match_the_posterior_moments(sample_scorecard):
    from kpi_lib.analyses.sensitivity.sampling import EVENT_CV, sampling_model

    ind, sc = sample_scorecard
    model = sampling_model(sc, period="2026-04", indicators=ind)
    V = model.draw_values(40_000, np.random.default_rng(3))
    rows = sc.indicators[sc.indicators["period"] == "2026-04"].set_index(["agent_id", "indicator"])
    a = model.agents[0]
    j = model.indicators.index
    # proportion k of n: Beta(k + 1/2, n - k + 1/2), mean (k + 1/2) / (n + 1)
    k, n = rows.loc[(a, "satisfaction_rate"), ["numerator", "denominator"]]
    x = V[:, 0, j("satisfaction_rate")]
    assert x.mean() == pytest.approx((k + 0.5) / (n + 1), abs=0.003)
    assert x.var() == pytest.approx(stats.beta(k + 0.5, n - k + 0.5).var(), rel=0.05)
    # count k: Gamma(k + 1/2, 1): mean = variance = k + 1/2
    k = rows.loc[(a, "effective_calls"), "value"]
    x = V[:, 0, j("effective_calls")]
    assert x.mean() == pytest.approx(k + 0.5, rel=0.01)
    assert x.var() == pytest.approx(k + 0.5, rel=0.05)
    # amount S over m deals, order CV c: mean S (m + 1/2) / m, variance (m + 1/2)(1 + c^2)(S/m)^2
    S = rows.loc[(a, "sales_amount"), "value"]
    m = ind.query("period == '2026-04' and agent_id == @a and indicator == 'deals'")["value"].item()
    c2 = EVENT_CV["currency"] ** 2
    x = V[:, 0, j("sales_amount")]
    assert x.mean() == pytest.approx(S * (m + 0.5) / m, rel=0.01)
    assert x.var() == pytest.approx((m + 0.5) * (1 + c2) * (S / m) ** 2, rel=0.05)
    # complaints per 100 customers: 100 Gamma(k + 1/2) / n with k = value * n / 100 complaints
    val, n = rows.loc[(a, "complaints_per_100"), ["value", "denominator"]]
    x = V[:, 0, j("complaints_per_100")]
    assert x.mean() == pytest.approx(100 * (round(val * n / 100) + 0.5) / n, rel=0.02)


def test_monte_carlo_with_sampling_matches_per_draw_loop():
    from kpi_lib.analyses.sensitivity.draws import draw_weights

    inputs = _inputs(_month(agents=12, seed=4))
    mc = sens.monte_carlo_ranks(**inputs, draws=200, size=0.3, seed=9, keep_ranks=True, top_k=3)
    agents = list(mc.agents_order)
    model = inputs["sampling"].subset(pd.Index(agents), list(inputs["weights"].index))
    rng = np.random.default_rng(9)
    w0 = inputs["weights"].to_numpy()
    W = draw_weights(w0 / w0.sum(), 200, 0.3, "uniform", rng)
    assert_allclose(W, mc.weights.to_numpy())
    S = model.draw_scores(200, rng.spawn(1)[0])  # one block: the first child generator
    ref = np.vstack(
        [stats.rankdata(-(S[d] @ W[d]), method="min") for d in range(200)]
    )  # per draw: this draw's scores under this draw's weights, scipy min ranks
    assert_array_equal(mc.ranks, ref)
    a = mc.agents.set_index("agent_id").loc[agents]
    assert_allclose(a["p_top_k"], (ref <= 3).mean(axis=0))
    assert_array_equal(a["rank_low"], np.quantile(ref, 0.05, axis=0, method="inverted_cdf"))
    assert mc.settings["sampling"] and mc.settings["sampling_fixed"] == []


def test_monte_carlo_sampling_reproducible_and_rejects_alternatives():
    inputs = _inputs(_month(agents=15, seed=2))
    a = sens.monte_carlo_ranks(**inputs, draws=300, seed=1)
    b = sens.monte_carlo_ranks(**inputs, draws=300, seed=1, n_jobs=2)
    pd.testing.assert_frame_equal(a.agents, b.agents)
    with pytest.raises(ValueError, match="cannot be combined"):
        sens.monte_carlo_ranks(**inputs, draws=10, alternatives={"z": inputs["scores"]})


def test_equal_skill_rank_intervals_overlap():
    # 30 agents of equal true skill under sales 70 / dials 30: weight noise alone called
    # 98 % of pairs distinct and the nominal top 4 sure bonus winners (p_top_k = 1)
    for seed in range(3):
        inputs = _inputs(_month(seed=seed))
        mc = sens.monte_carlo_ranks(**inputs, draws=1000, seed=seed, top_k=4)
        weights_only = {k: v for k, v in inputs.items() if k != "sampling"}
        mc0 = sens.monte_carlo_ranks(**weights_only, draws=1000, seed=seed, top_k=4)
        assert _non_overlap(mc0.agents) > 0.8  # the old behaviour, for contrast
        assert _non_overlap(mc.agents) < 0.10
        top4 = mc.agents.loc[mc.agents["top_k"], "p_top_k"]
        assert (top4 < 0.9).all()


def test_planted_skill_differences_separate_and_intervals_cover():
    from kpi_lib.scoring.composite import rank_rows

    skill = np.linspace(0.6, 1.4, 30)
    ids = [f"A{i:03d}" for i in range(30)]
    # expected composite of each agent (goalposts of the expected sales and dials)
    sales = np.clip((400 * skill * 0.03 * skill * 3000 - 10000) / 50000, 0, 1)
    dials = np.clip((400 * skill - 200) / 400, 0, 1)
    true_rank = pd.Series(rank_rows((70 * sales + 30 * dials)[None, :])[0], index=ids)
    covered, separated = [], []
    for seed in range(4):
        mc = sens.monte_carlo_ranks(**_inputs(_month(skill=skill, seed=seed)), draws=800,
                                    seed=seed, top_k=4)  # fmt: skip
        a = mc.agents.set_index("agent_id")
        t = true_rank.reindex(a.index)
        covered.append(np.mean((a["rank_low"] <= t) & (t <= a["rank_high"])))
        separated.append(_non_overlap(mc.agents))
        # the five best agents are far more often in the bonus group than the five worst
        assert a.loc[ids[-5:], "p_top_k"].mean() > 0.3 > a.loc[ids[:5], "p_top_k"].max()
    assert np.mean(covered) >= 0.8  # nominal 0.90
    assert np.mean(separated) > 0.12  # planted spread: many more pairs told apart than at 0
