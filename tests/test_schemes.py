"""Weight schemes: loading, validation messages, weights and the scheme review."""

import pandas as pd
import pytest

from kpi_lib.scoring.schemes import list_schemes, load_scheme, review_scheme, scheme_from_dict

SHIPPED = [
    "case_after",
    "case_before",
    "default",
    "mature_team",
    "new_team",
    "peak_season",
    "transforming_team",
]


def mini(**over):
    d = {
        "name": "x",
        "dimensions": {
            "performance": {"weight": 70, "indicators": {"sales_amount": 1}},
            "efficiency": {"weight": 30, "indicators": {"dials": 1}},
        },
    }
    d.update(over)
    return d


def test_shipped_schemes_load_and_weights_sum_to_one():
    assert set(SHIPPED) <= set(list_schemes())
    for name in SHIPPED:
        s = load_scheme(name)
        assert s.overall_weights().sum() == pytest.approx(1)
        assert s.dimension_weights().sum() == pytest.approx(1)


def test_presets_follow_the_sources():
    dw = load_scheme("mature_team").dimension_weights()
    assert dw.to_dict() == pytest.approx({"performance": 0.5, "quality": 0.3, "efficiency": 0.2})
    dw = load_scheme("new_team").dimension_weights()
    assert dw.to_dict() == pytest.approx({"efficiency": 0.4, "quality": 0.3, "growth": 0.3})
    dw = load_scheme("transforming_team").dimension_weights()
    assert dw.to_dict() == pytest.approx({"quality": 0.4, "performance": 0.3, "growth": 0.3})
    w = load_scheme("case_after").overall_weights()
    assert w.to_dict() == pytest.approx(
        {
            "sales_amount": 0.4,
            "effective_calls": 0.2,
            "satisfaction_rate": 0.2,
            "compliance_rate": 0.15,
            "training_pass_rate": 0.05,
        }
    )
    assert load_scheme("case_before").overall_weights().to_dict() == pytest.approx(
        {"sales_amount": 0.7, "dials": 0.3}
    )
    peak, mature = load_scheme("peak_season"), load_scheme("mature_team")
    assert peak.overall_weights()["sales_amount"] > mature.overall_weights()["sales_amount"]


def test_weights_are_relative():
    a = scheme_from_dict(mini())
    b = scheme_from_dict(
        mini(
            dimensions={
                "performance": {"weight": 7, "indicators": {"sales_amount": 5}},
                "efficiency": {"weight": 3, "indicators": {"dials": 0.1}},
            }
        )
    )
    pd.testing.assert_series_equal(a.overall_weights(), b.overall_weights())


def test_unknown_indicator_names_key_and_nearest():
    d = mini(dimensions={"performance": {"weight": 1, "indicators": {"sales_amout": 1}}})
    with pytest.raises(
        KeyError,
        match=r"dimensions\.performance\.indicators\.sales_amout.*"
        r"sales_amount",
    ):
        scheme_from_dict(d)


def test_validation_messages():
    with pytest.raises(KeyError, match="normalization"):
        scheme_from_dict(mini(normalization="minmax"))
    with pytest.raises(ValueError, match="`normalisation` must be one of"):
        scheme_from_dict(mini(normalisation="rank"))
    with pytest.raises(KeyError, match="dimension"):
        scheme_from_dict(mini(dimensions={"sales": {"weight": 1, "indicators": {"dials": 1}}}))
    with pytest.raises(ValueError, match="cycle"):
        scheme_from_dict(
            mini(
                dimensions={
                    "efficiency": {
                        "weight": 1,
                        "indicators": {"dials": {"weight": 1, "cycle": "weekly"}},
                    }
                }
            )
        )
    with pytest.raises(ValueError, match="tiers"):
        scheme_from_dict(mini(tiers={"A": 50, "B": 70}))
    with pytest.raises(KeyError, match="gates\\[0\\].indicator"):
        scheme_from_dict(mini(gates=[{"indicator": "compliance", "min": 0.9}]))
    with pytest.raises(KeyError, match="mature_team"):
        load_scheme("mature_teem")


def test_with_weights_and_cycles():
    s = load_scheme("mature_team")
    w = s.overall_weights()
    s2 = s.with_weights(w * 3)
    pd.testing.assert_series_equal(s2.overall_weights(), w)
    s3 = s.with_weights({"sales_amount": 1, "effective_calls": 1})
    assert s3.overall_weights().to_dict() == pytest.approx(
        {"sales_amount": 0.5, "effective_calls": 0.5}
    )
    with pytest.raises(KeyError, match="sales_amount"):
        s.with_weights({"sales_amout": 1})
    assert set(s.indicators_for_cycle("monthly")) == {"sales_amount", "effective_calls"}
    assert set(s.indicators_for_cycle("quarterly")) == set(s.indicator_ids)
    round_trip = scheme_from_dict(s.to_dict())
    pd.testing.assert_series_equal(round_trip.overall_weights(), w)


def test_review_case_before_flags_the_case_study_problems():
    r = review_scheme("case_before")
    codes = set(zip(r["code"], r["indicator"], strict=True))
    assert ("unpaired_volume", "dials") in codes
    assert ("no_long_term", "") in codes
    assert all(r["message"].str.len() > 20)
    assert "error" not in set(r["severity"])


def test_review_case_after_is_cleaner():
    before = review_scheme("case_before")
    after = review_scheme("case_after")
    assert (after["severity"] == "warning").sum() < (before["severity"] == "warning").sum()
    assert "unpaired_volume" not in set(after["code"])


def test_review_too_many_small_weights_and_unavailable():
    d = mini(
        dimensions={
            "performance": {
                "weight": 1,
                "indicators": {
                    "sales_amount": 30,
                    "deals": 30,
                    "repurchase_rate": 30,
                    "new_customers": 30,
                    "average_order_value": 30,
                    "conversion_rate": 2,
                },
            }
        }
    )
    r = review_scheme(scheme_from_dict(d), available=["sales_amount", "deals"])
    codes = set(r["code"])
    assert {"too_many_indicators", "negligible_weight", "indicator_unavailable"} <= codes
    assert r["severity"].iloc[0] == "error"
    row = r[(r["code"] == "negligible_weight")].iloc[0]
    assert row["indicator"] == "conversion_rate"
