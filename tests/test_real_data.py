"""Real-data analyses (kpi_lib.analyses.real_data) and the shipped mappings on real data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kpi_lib.analyses.real_data import (
    REALDATA,
    _median_ci,
    adjusted_agent_comparison,
    agent_volume_handle_time,
    conversion_by_bins,
    deals_per_agent,
    lead_conversion_by,
    lead_conversion_by_agent,
    open_tour,
    predictor_check,
    type_mix,
    wilson_interval,
)
from kpi_lib.paths import project_root


def test_wilson_matches_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    x, n = np.array([0, 3, 50, 14]), np.array([10, 40, 50, 60])
    low, high = wilson_interval(x, n)
    # statsmodels: proportion_confint(x, n, alpha=0.05, method="wilson")
    ref_low, ref_high = proportion_confint(x, n, alpha=0.05, method="wilson")
    np.testing.assert_allclose(low, ref_low, atol=1e-12)
    np.testing.assert_allclose(high, ref_high, atol=1e-12)
    assert np.isnan(wilson_interval([0], [0])[0][0])


@pytest.mark.parametrize("n", [10, 40, 143])
def test_median_ci_matches_scipy_quantile_test(n):
    x = np.random.default_rng(n).exponential(100, size=n)
    # scipy: stats.quantile_test(x, q=median, p=0.5).confidence_interval(0.95)
    ref = stats.quantile_test(x, q=np.median(x), p=0.5).confidence_interval(0.95)
    assert _median_ci(x, 0.95) == pytest.approx((ref.low, ref.high))
    assert np.isnan(_median_ci(x[:5], 0.95)[0])  # scipy also gives NaN for n = 5


def _confounded_calls(seed=0):
    """Agent X takes mostly long 'stock' calls; nobody is faster or slower on a given type."""
    rng = np.random.default_rng(seed)
    rows = []
    for agent, n, p_stock in (("X", 400, 0.9), ("Y", 600, 0.1), ("Z", 600, 0.1), ("S", 30, 0.1)):
        stock = rng.random(n) < p_stock
        base = np.where(stock, 300.0, 100.0)
        dur = np.round(base * rng.lognormal(0, 0.3, n))
        types = np.where(stock, "stock", "regular")
        rows.append(pd.DataFrame({"agent_id": agent, "duration_s": dur, "call_type": types}))
    df = pd.concat(rows, ignore_index=True)
    df["outcome"] = "connected"
    return df


def test_type_adjustment_removes_mix_effect():
    calls = _confounded_calls()
    out = adjusted_agent_comparison(calls, min_calls=100).set_index("agent_id")
    assert out.loc["X", "raw_ratio"] > 1.5  # looks slow on raw handle time
    assert out.loc["X", "main_type"] == "stock" and out.loc["X", "main_type_share"] > 0.8
    assert out.loc["X", "ci_low"] < 1 < out.loc["X", "ci_high"]  # but is not, like for like
    assert out.loc["S", "small_sample"] and not out.loc["X", "small_sample"]
    # the agent contrasts equal the treatment-coded OLS coefficients of statsmodels:
    # smf.ols("np.log1p(duration_s) ~ C(agent_id) + C(call_type)", calls).fit()
    import statsmodels.formula.api as smf

    fit = smf.ols("np.log1p(duration_s) ~ C(agent_id) + C(call_type)", calls).fit()
    for agent in ("X", "Y", "Z"):
        ref = fit.params[f"C(agent_id)[T.{agent}]"]
        ours = np.log(out.loc[agent, "adjusted_ratio"] / out.loc["S", "adjusted_ratio"])
        assert ours == pytest.approx(ref, abs=1e-9)


def test_volume_and_mix_tables():
    calls = _confounded_calls()
    vol = agent_volume_handle_time(calls, min_calls=100).set_index("agent_id")
    assert vol.loc["X", "calls"] == 400 and vol["share"].sum() == pytest.approx(1)
    assert vol.loc["X", "median_handle_s"] == calls[calls.agent_id == "X"].duration_s.median()
    assert vol.loc["S", "small_sample"]
    mix = type_mix(calls).set_index(["agent_id", "call_type"])
    expected = (calls[calls.agent_id == "X"].call_type == "stock").mean()
    assert mix.loc[("X", "stock"), "share_of_agent"] == pytest.approx(expected)


def test_conversion_bins_and_predictor_auc():
    calls = pd.DataFrame(
        {
            "lead_id": list("abcde"),
            "duration_s": [3.0, 4.0, 1.0, 2.0, 3.5],
            "campaign_contacts": [1, 1, 2, 6, 12],
        }
    )
    orders = pd.DataFrame({"lead_id": ["a", "b"]})
    bins = conversion_by_bins(
        calls, orders, by="campaign_contacts", bins=[1, 2, 6, np.inf], labels=["1", "2-5", "6+"]
    )
    assert bins.calls.tolist() == [2, 1, 2] and bins.conversions.tolist() == [2, 0, 0]
    pred = predictor_check(calls, orders, variables={"duration_s": False}).iloc[0]
    # hand count: converters {3, 4} vs others {1, 2, 3.5}: 5 of 6 pairs ordered -> 5/6
    assert pred.auc == pytest.approx(5 / 6)
    assert not pred.usable_for_targeting and "post-hoc" in pred.why


def test_lead_conversion_and_missing_denominator():
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "agent_id": "pool",
            "assigned_at": pd.to_datetime(["2026-01-01", "2026-01-05", "2026-01-01", "2026-01-02"]),
            "source": ["web", "web", "ads", None],
        }
    )
    orders = pd.DataFrame(
        {
            "lead_id": ["L1", "L2"],
            "agent_id": ["A", "B"],
            "ordered_at": pd.to_datetime(["2026-01-11", "2026-01-03"]),
            "amount": [0.0, 500.0],
        }
    )
    by_source = lead_conversion_by(leads, orders, by="source", min_leads=2).set_index("group")
    assert by_source.loc["web", "rate"] == 1.0 and by_source.loc["(missing)", "leads"] == 1
    per_agent = lead_conversion_by_agent(leads, orders).set_index("agent_id")
    assert per_agent.loc["pool", "converted"] == 2
    assert np.isnan(per_agent.loc["A", "rate"]) and "no denominator" in per_agent.loc["A", "reason"]
    deals = deals_per_agent(orders, leads).set_index("agent_id")
    assert deals.loc["A", "median_cycle_days"] == 10
    assert deals.loc["B", "negative_cycles"] == 1  # won before first contact
    assert deals.loc["B", "median_nonzero_amount"] == 500


def test_tour_without_data_is_empty_and_says_so(tmp_path):
    tour = open_tour(tmp_path / "nothing")
    assert not tour.available and not tour.status["available"].any()
    assert tour.bank_agents().empty and tour.uci_contacts().empty and tour.olist_sources().empty
    assert tour.accounting().empty
    from kpi_lib.report.real_data_text import status_text

    assert "not available" in status_text(tour.status)


# --------------------------------------------------------------------------- real data


def _realdata_root():
    for candidate in (
        project_root().parent / "shared" / "realdata",
        project_root() / "../shared/realdata",
    ):
        if candidate.is_dir():
            return candidate.resolve()
    return None


REAL = _realdata_root()
realdata = pytest.mark.skipif(
    REAL is None,
    reason="real datasets not found at ../shared/realdata (beside the repository); "
    "see the issue 'Bring your own export' for where to get them",
)


@pytest.fixture(scope="module")
def tour():
    if REAL is None:
        pytest.skip("real datasets not found at ../shared/realdata")
    return open_tour(REAL)


@pytest.mark.realdata
@realdata
def test_every_real_mapping_imports_and_accounting_closes(tour):
    assert set(tour.results) == set(REALDATA)
    acc = tour.accounting()
    assert acc["balanced"].all(), acc[~acc["balanced"]]
    bank = tour.results["anonymous_bank"].accounting
    calls = bank[bank.table == "calls"]
    assert calls.loc[calls.stage == "read", "rows"].item() == 33344
    dropped = dict(zip(calls.rule, calls.rows, strict=False))
    no_server = [r for r in dropped if r.startswith("sentinel server")]
    assert dropped[no_server[0]] == 491  # AGENT rows without an agent (README)
    wrapped = [r for r in dropped if "wrapped past midnight" in r]
    assert dropped[wrapped[0]] == 16  # calls crossing midnight (README)


@pytest.mark.realdata
@realdata
def test_bank_agents_and_eli_confounding(tour):
    ds = tour.dataset("anonymous_bank")
    assert ds.agents.agent_id.nunique() == 24
    calls = ds["calls"]
    # derived duration (end - start, wrapped at midnight) equals the file's ser_time
    assert (calls["duration_s"] - calls["ser_time_s"].astype(float)).abs().max() == 0
    mix = tour.bank_type_mix().set_index(["agent_id", "call_type"])
    assert mix.loc[("ELI", "stock_exchange"), "share_of_agent"] > 0.85
    agents = tour.bank_agents(min_calls=200).set_index("agent_id")
    assert set(agents.index[agents["small_sample"]]) == {"GELBER", "PINHAS"}  # README
    adj = tour.bank_adjusted().set_index("agent_id")
    assert adj.loc["ELI", "expected_ratio"] > 1.3
    assert adj.loc["ELI", "adjusted_ratio"] < adj.loc["ELI", "raw_ratio"]


@pytest.mark.realdata
@realdata
def test_uci_conversion_tables_match_the_readme(tour):
    contacts = tour.uci_contacts().set_index("bin")
    assert contacts.loc["1", "rate"] == pytest.approx(0.146, abs=5e-4)
    assert contacts.loc["11+", "rate"] == pytest.approx(0.039, abs=5e-4)
    duration = tour.uci_duration()
    assert duration["rate"].round(3).tolist() == [0.002, 0.039, 0.116, 0.217, 0.483]
    ds = tour.dataset("uci_bank_marketing")
    assert len(ds["orders"]) == 5289
    span = ds["calls"]["started_at"]
    assert span.min() == pd.Timestamp("2008-05-05") and span.max().year == 2010
    assert span.max().month == 11


@pytest.mark.realdata
@realdata
def test_olist_funnel(tour):
    ds = tour.dataset("olist_funnel")
    assert len(ds["leads"]) == 8000 and len(ds["orders"]) == 842
    assert (ds.agents.team_id == "sdr").sum() == 32
    sources = tour.olist_sources().set_index("group")
    assert sources.loc["other", "rate"] == pytest.approx(0.027, abs=5e-4)
    assert sources.loc["(missing)", "rate"] == pytest.approx(0.233, abs=5e-4)
    deals = tour.olist_sdr_deals()
    assert deals["deals"].max() == 140 and deals["negative_cycles"].sum() == 1
