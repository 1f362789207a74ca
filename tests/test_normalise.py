"""Normalisation methods against hand-computed scores and scipy references."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from kpi_lib.scoring.normalise import normalise


def table(values, indicator="sales_amount", periods=None):
    periods = periods or ["2026-01"] * len(values)
    return pd.DataFrame(
        {
            "agent_id": [f"A{k}" for k in range(len(values))],
            "team_id": "T1",
            "period": periods,
            "indicator": indicator,
            "value": np.asarray(values, dtype=float),
        }
    )


def tgt(indicator, target, threshold=np.nan, stretch=np.nan):
    return pd.DataFrame(
        [
            {
                "scope": "all",
                "scope_id": "",
                "period": "",
                "indicator": indicator,
                "target": target,
                "threshold": threshold,
                "stretch": stretch,
                "source": "test",
            }
        ]
    )


def test_goalposts_hand_computed():
    out = normalise(
        table([40, 75, 100, 130]), method="goalposts", targets=tgt("sales_amount", 100, 50)
    )
    # threshold 50 -> 0, target 100 -> 100, linear between, capped
    np.testing.assert_allclose(out["score"], [0, 50, 100, 100])


def test_goalposts_lower_is_better():
    out = normalise(
        table([1, 3, 5], "complaints_per_100"),
        method="goalposts",
        targets=tgt("complaints_per_100", 2, 4),
    )
    # complaints: target 2 -> 100, threshold 4 -> 0; 3 is half-way
    np.testing.assert_allclose(out["score"], [100, 50, 0])
    assert (out["direction"] == "lower").all()


def test_goalposts_default_threshold_is_half_target():
    out = normalise(table([50, 75]), method="goalposts", targets=tgt("sales_amount", 100))
    np.testing.assert_allclose(out["threshold"], [50, 50])
    np.testing.assert_allclose(out["score"], [0, 50])


def test_goalposts_threshold_on_wrong_side_raises():
    with pytest.raises(ValueError, match="bad side"):
        normalise(table([50]), method="goalposts", targets=tgt("sales_amount", 100, 120))


def test_attainment_capped_at_default_and_stretch():
    out = normalise(table([60, 120, 150]), method="attainment", targets=tgt("sales_amount", 100))
    # score = 100 * min(attainment, 1.2) / 1.2
    np.testing.assert_allclose(out["score"], [50, 100, 100])
    np.testing.assert_allclose(out["attainment"], [0.6, 1.2, 1.5])
    out = normalise(
        table([120]), method="attainment", targets=tgt("sales_amount", 100, stretch=150)
    )
    np.testing.assert_allclose(out["score"], [100 * 1.2 / 1.5])


def test_attainment_lower_is_target_over_value():
    out = normalise(
        table([4, 0], "complaints_per_100"),
        method="attainment",
        targets=tgt("complaints_per_100", 2),
    )
    # attainment = 2 / 4 = 0.5 -> 0.5 / 1.2 * 100; zero complaints -> capped at 100
    np.testing.assert_allclose(out["score"], [0.5 / 1.2 * 100, 100])


def test_minmax_is_global_across_periods():
    df = table([10, 20, 20, 30], periods=["2026-01", "2026-01", "2026-02", "2026-02"])
    out = normalise(df, method="minmax")
    # min 10, max 30 over both periods: the best of January scores 50, not 100
    np.testing.assert_allclose(out["score"], [0, 50, 50, 100])


def test_minmax_lower_reversed():
    out = normalise(table([1, 2, 5], "complaints_per_100"), method="minmax")
    np.testing.assert_allclose(out["score"], [100, 75, 0])


def test_zscore_against_scipy():
    x = np.array([3.0, 7.0, 8.0, 12.0, 20.0])
    out = normalise(table(x), method="zscore")
    # reference: 100 * scipy.stats.norm.cdf(scipy.stats.zscore(x, ddof=0))
    np.testing.assert_allclose(out["score"], 100 * stats.norm.cdf(stats.zscore(x, ddof=0)))
    np.testing.assert_allclose(out["raw"], stats.zscore(x, ddof=0))


def test_percentile_against_scipy():
    x = np.array([5.0, 1.0, 3.0, 3.0, 9.0])
    out = normalise(table(x), method="percentile")
    # reference: scipy.stats.percentileofscore(x, v, kind="mean")
    ref = [stats.percentileofscore(x, v, kind="mean") for v in x]
    np.testing.assert_allclose(out["score"], ref)
    low = normalise(table(x, "complaints_per_100"), method="percentile")
    np.testing.assert_allclose(low["score"], 100 - np.array(ref))


@pytest.mark.parametrize("method", ["minmax", "zscore", "percentile"])
def test_zero_variance_and_single_agent_score_50(method):
    out = normalise(table([4, 4, 4]), method=method)
    np.testing.assert_allclose(out["score"], [50, 50, 50])
    out = normalise(table([7]), method=method)
    np.testing.assert_allclose(out["score"], [50])


@pytest.mark.parametrize("method", ["minmax", "zscore", "percentile", "goalposts", "attainment"])
def test_missing_value_scores_nan(method):
    out = normalise(table([1, np.nan, 3]), method=method, targets=tgt("sales_amount", 2))
    assert np.isnan(out["score"].iloc[1])
    assert out["score"].drop(index=1).notna().all()


def test_target_methods_need_targets():
    with pytest.raises(ValueError, match="needs targets"):
        normalise(table([1, 2]), method="goalposts")


def test_unknown_method_message():
    with pytest.raises(ValueError, match="`method` must be one of"):
        normalise(table([1]), method="rank")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12),
    st.sampled_from(["attainment", "goalposts", "minmax", "zscore", "percentile"]),
    st.sampled_from(["sales_amount", "complaints_per_100"]),
)
def test_scores_within_bounds(values, method, indicator):
    out = normalise(table(values, indicator), method=method, targets=tgt(indicator, 100))
    assert ((out["score"] >= 0) & (out["score"] <= 100)).all()
