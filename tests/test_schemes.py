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


def _three_dims(dims, quality=None):
    quality = quality or {"satisfaction_rate": 70, "complaints_per_100": 30}
    body = {
        "performance": {"sales_amount": 70, "repurchase_rate": 30},
        "quality": quality,
        "efficiency": {"effective_calls": 100},
    }
    return {
        "name": "x",
        "dimensions": {d: {"weight": w, "indicators": body[d]} for d, w in dims.items()},
    }


def _rescaled(d):
    r = review_scheme(scheme_from_dict(d))
    return r[r["code"] == "weights_rescaled"]


def test_dimension_weights_that_do_not_sum_are_reported_with_the_rescaling():
    found = _rescaled(_three_dims({"performance": 50, "quality": 30, "efficiency": 40}))
    assert len(found) == 1
    row = found.iloc[0]
    assert row["severity"] == "warning" and row["indicator"] == ""
    # 50/30/40 sums to 120: each was multiplied by 100/120
    assert "sum to 120" in row["message"] and "not 100" in row["message"]
    assert "x 0.833" in row["message"]
    assert "performance 41.7%, quality 25.0%, efficiency 33.3%" in row["message"]
    # shares of 1 that do not sum to 1
    found = _rescaled(_three_dims({"performance": 0.5, "quality": 0.3, "efficiency": 0.4}))
    assert "sum to 1.2" in found.iloc[0]["message"] and "not 1." in found.iloc[0]["message"]


def test_indicator_weights_within_a_dimension_are_checked():
    d = _three_dims(
        {"performance": 50, "quality": 30, "efficiency": 20},
        quality={"satisfaction_rate": 60, "complaints_per_100": 50},
    )
    found = _rescaled(d)
    assert len(found) == 1
    msg = found.iloc[0]["message"]
    assert "`quality` sum to 110" in msg and "satisfaction_rate 54.5%" in msg
    assert "(30.0% of the composite)" in msg


@pytest.mark.parametrize(
    ("dims", "quality"),
    [
        ({"performance": 50, "quality": 30, "efficiency": 20}, None),  # percentages
        ({"performance": 0.5, "quality": 0.3, "efficiency": 0.2}, None),  # shares
        ({"performance": 5, "quality": 3, "efficiency": 2}, None),  # tenths
        ({"performance": 1, "quality": 1, "efficiency": 1}, None),  # equal: plainly relative
        ({"performance": 33.3, "quality": 33.3, "efficiency": 33.4}, None),
        # indicator weights given as shares of the composite sum to the dimension's weight
        (
            {"performance": 50, "quality": 35, "efficiency": 15},
            {"satisfaction_rate": 20, "complaints_per_100": 15},
        ),
    ],
)
def test_weights_that_sum_as_intended_are_not_reported(dims, quality):
    assert _rescaled(_three_dims(dims, quality)).empty


def test_shipped_schemes_have_no_rescaled_weights():
    for name in SHIPPED:
        assert "weights_rescaled" not in set(review_scheme(name)["code"]), name


# ------------------------------------------------------------------ adapting to the data


def test_without_rescales_within_the_dimension_and_records_what_was_dropped():
    s = load_scheme("default")
    a = s.without({"satisfaction_rate": "surveys"})
    w = a.overall_weights()
    # quality keeps its 30 %, all of it now on complaints; the other weights are unchanged
    assert w["complaints_per_100"] == pytest.approx(0.30)
    assert w["sales_amount"] == pytest.approx(0.35) and w["effective_calls"] == pytest.approx(0.2)
    assert "satisfaction_rate" not in a.indicator_ids
    assert a.adapted["dropped"] == [
        {"indicator": "satisfaction_rate", "role": "weight", "needs": "surveys"}
    ]
    assert a.adapted["original_weights"]["satisfaction_rate"] == pytest.approx(0.21)
    # a scheme the data fully support is returned as is
    assert s.without({"dials": "calls"}) is s


def test_an_emptied_dimension_drops_and_dimension_weights_rescale():
    a = load_scheme("default").without(
        {"satisfaction_rate": "surveys", "complaints_per_100": "complaints"}
    )
    assert "quality" not in a.dimensions
    # performance 50 and efficiency 20 of the remaining 70
    assert a.dimension_weights()["performance"] == pytest.approx(50 / 70)
    assert a.overall_weights().sum() == pytest.approx(1)
    assert a.overall_weights()["effective_calls"] == pytest.approx(20 / 70)


def test_gates_the_data_cannot_provide_are_dropped_too():
    a = load_scheme("default").without({"compliance_rate": "qa_reviews"})
    assert a.gates == ()
    assert a.adapted["dropped"] == [
        {"indicator": "compliance_rate", "role": "gate", "needs": "qa_reviews"}
    ]
    assert a.overall_weights().equals(load_scheme("default").overall_weights())


def test_nothing_left_to_score_is_an_error_naming_the_needs():
    s = scheme_from_dict(mini())
    with pytest.raises(ValueError, match="sales_amount needs orders.*nothing is left"):
        s.without({"sales_amount": "orders", "dials": "calls"})


def test_adapted_scheme_round_trips_through_its_dict():
    a = load_scheme("default").without({"satisfaction_rate": "surveys"})
    back = scheme_from_dict(a.to_dict())
    assert back.adapted == a.adapted and back.to_dict() == a.to_dict()
    assert back.missing_indicators == "renormalise"


def test_missing_indicators_policy():
    assert scheme_from_dict(mini()).missing_indicators == "stop"  # a scheme that does not say
    assert all(load_scheme(n).missing_indicators == "renormalise" for n in SHIPPED)
    with pytest.raises(ValueError, match="`missing_indicators` must be one of"):
        scheme_from_dict(mini(missing_indicators="drop"))


def test_decision_rules_are_scheme_parameters_with_the_seeds_rule_as_default():
    from kpi_lib.scoring.decisions import SENIOR_RULE

    s = scheme_from_dict(mini())
    assert s.rule("certification") == SENIOR_RULE
    assert s.rule("pip") == {"bottom_tiers": 1, "min_count": 2, "window": 3}
    assert s.rule("coaching") == {"compare_to": "team"}
    custom = scheme_from_dict(
        mini(
            rules={
                "certification": {
                    "name": "gold",
                    "consecutive": 3,
                    "conditions": [
                        {"indicator": "sales_amount", "field": "attainment", "value": 1.2}
                    ],
                },
                "pip": {"window": 4},
                "coaching": False,
            }
        )
    )
    assert custom.rule("certification")["conditions"] == [
        {"indicator": "sales_amount", "field": "attainment", "op": ">=", "value": 1.2}
    ]
    assert custom.rule("pip") == {"bottom_tiers": 1, "min_count": 2, "window": 4}
    assert custom.rule("coaching") is None
    assert scheme_from_dict(custom.to_dict()).rules == custom.rules


@pytest.mark.parametrize(
    "rules, message",
    [
        ({"certfication": {}}, "Did you mean 'certification'"),
        ({"pip": {"min_count": 4, "window": 3}}, "cannot exceed"),
        ({"pip": {"window": 0}}, "whole number >= 1"),
        ({"coaching": {"compare_to": "region"}}, "compare_to` must be one of"),
        ({"certification": {"conditions": []}}, "at least one"),
        (
            {"certification": {"conditions": [{"indicator": "sales", "value": 1}]}},
            "indicator",
        ),
        (
            {"certification": {"conditions": [{"indicator": "dials", "op": "=>", "value": 1}]}},
            "op` must be one of",
        ),
    ],
)
def test_bad_rules_are_named(rules, message):
    with pytest.raises((ValueError, KeyError), match=message):
        scheme_from_dict(mini(rules=rules))
