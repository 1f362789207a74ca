"""Wilson intervals and empirical-Bayes shrinkage."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint

from kpi_lib.scoring.smallsample import (
    add_intervals,
    beta_binomial_fit,
    is_proportion,
    shrink_rates,
    wilson_interval,
)


def test_wilson_against_statsmodels():
    k = np.array([0, 4, 40, 97, 10])
    n = np.array([10, 40, 400, 100, 10])
    lo, hi = wilson_interval(k, n)
    # reference: statsmodels.stats.proportion.proportion_confint(k, n, method="wilson")
    ref_lo, ref_hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(lo, ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-12)
    lo, hi = wilson_interval([3], [0])
    assert np.isnan(lo[0]) and np.isnan(hi[0])


def test_beta_binomial_hand_computed():
    k, n = [2, 8, 15], [10, 20, 30]
    fit = beta_binomial_fit(k, n)
    # by hand: mu = 25/60; S = 10(.2-mu)^2 + 20(.4-mu)^2 + 30(.5-mu)^2 = 0.683333
    mu = 25 / 60
    S = 10 * (0.2 - mu) ** 2 + 20 * (0.4 - mu) ** 2 + 30 * (0.5 - mu) ** 2
    assert S == pytest.approx(0.6833333, abs=1e-6)
    # rho = (S - mu(1-mu)(I-1)) / (mu(1-mu)(N - sum n^2/N - (I-1)))
    #     = (0.683333 - 0.486111) / (0.243056 * (60 - 23.3333 - 2)) = 0.0234066
    assert fit["mean"] == pytest.approx(mu)
    assert fit["rho"] == pytest.approx(0.0234066, abs=1e-6)
    ab = (1 - fit["rho"]) / fit["rho"]
    assert fit["alpha"] + fit["beta"] == pytest.approx(ab)
    df = pd.DataFrame(
        {
            "agent_id": ["a", "b", "c"],
            "team_id": "T",
            "period": "2026-01",
            "indicator": "conversion_rate",
            "numerator": k,
            "denominator": n,
            "value": np.divide(k, n),
        }
    )
    out = shrink_rates(df)
    # posterior mean (k + alpha) / (n + alpha + beta), alpha = mu * ab
    np.testing.assert_allclose(out["value"], (np.array(k) + mu * ab) / (np.array(n) + ab))
    np.testing.assert_allclose(out["value_observed"], np.divide(k, n))
    # shrinkage pulls toward the mean, more for the smallest sample
    moved = np.abs(out["value"] - out["value_observed"])
    assert moved.iloc[0] > moved.iloc[2]


def test_no_real_difference_pools_fully():
    fit = beta_binomial_fit([10, 10, 10], [100, 100, 100])
    assert fit["rho"] == 0 and np.isinf(fit["alpha"])
    df = pd.DataFrame(
        {
            "agent_id": list("ab"),
            "team_id": "T",
            "period": "p",
            "indicator": "conversion_rate",
            "numerator": [1, 20],
            "denominator": [10, 200],
            "value": [0.1, 0.1],
        }
    )
    assert (shrink_rates(df)["value"] == 0.1).all()


def test_is_proportion():
    df = pd.DataFrame(
        {
            "indicator": [
                "conversion_rate",
                "sales_amount",
                "complaints_per_100",
                "collection_rate",
            ],
            "numerator": [3, 500.0, 2, 80.5],
            "denominator": [10, 1, 50, 100.0],
            "value": [0.3, 500.0, 4.0, 0.805],
        }
    )
    p = is_proportion(df)
    assert p["conversion_rate"] and not p["sales_amount"]
    assert not p["complaints_per_100"] and not p["collection_rate"]


def test_small_samples_not_rankable():
    rng = np.random.default_rng(3)
    n = np.array([40, 1000, 1200, 900, 1100, 1000])
    k = np.array([8, 100, 150, 80, 130, 90])
    df = pd.DataFrame(
        {
            "agent_id": [f"A{i}" for i in range(6)],
            "team_id": "T",
            "period": "2026-01",
            "indicator": "conversion_rate",
            "numerator": k,
            "denominator": n,
            "value": k / n,
        }
    )
    out = add_intervals(df)
    assert not out["rankable"].iloc[0]  # 40 connects: interval far wider than the spread
    assert out["rankable"].iloc[1:].any()
    assert (out["ci_low"] <= out["value"]).all() and (out["value"] <= out["ci_high"]).all()
    strict = add_intervals(df, max_half_width=0.001)
    assert not strict["rankable"].any()
    assert rng is not None


def test_wilson_bounds_are_exact_at_zero_and_all():
    # the formula leaves ~1e-17 at k = 0 (statsmodels too: proportion_confint(0, 7,
    # method="wilson")[0] == 2.8e-17); a rate with no events must have a lower bound of exactly
    # 0, or `low > 0` calls it above a team rate of 0 (21 agents flagged with 0 false positives)
    lo, hi = wilson_interval([0, 0, 5, 30], [7, 30, 5, 30])
    assert (lo[:2] == 0.0).all() and (hi[2:] == 1.0).all()
    ref_lo, ref_hi = proportion_confint([0, 0, 5, 30], [7, 30, 5, 30], method="wilson")
    np.testing.assert_allclose(lo, ref_lo, atol=1e-12)
    np.testing.assert_allclose(hi, ref_hi, atol=1e-12)
