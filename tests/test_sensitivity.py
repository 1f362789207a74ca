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
