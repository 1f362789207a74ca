"""Tests for kpi_lib.analyses.calibration (QA spot checks, agreement, correction, reviewers)."""

from __future__ import annotations

import ast
import importlib

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import cohens_kappa as sm_cohens_kappa
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

from kpi_lib.analyses import calibration as cal
from kpi_lib.analyses.calibration.agreement import excess_rate_test
from kpi_lib.data.dataset import Dataset
from kpi_lib.paths import project_root
from kpi_lib.scoring.smallsample import beta_binomial_fit

SE_TRUE, SP_TRUE = 0.9, 0.8  # simulated system sensitivity / specificity for `effective`


def _sim(
    *,
    agents=6,
    calls_per_agent=200,
    human_share=0.3,
    multi_share=0.3,
    seed=1,
    bad_agent=None,
    lenient="qa_lenient",
):
    """A small dataset with a known system misclassification of `effective`.

    Truth: effective with probability 0.4; the system says effective with probability
    SE_TRUE for effective calls and 1 - SP_TRUE for the others (for `bad_agent` the
    false-positive rate is 0.7). `compliant` is judged correctly by the system 95 % of the
    time. Humans review `human_share` of calls correctly, except `lenient`, who calls a
    non-effective call effective half the time; `multi_share` of human-reviewed calls get
    three human reviewers.
    """
    rng = np.random.default_rng(seed)
    agent_ids = [f"A{i:02d}" for i in range(agents)]
    n = agents * calls_per_agent
    agent = np.repeat(agent_ids, calls_per_agent)
    started = pd.Timestamp("2026-09-01") + pd.to_timedelta(rng.integers(0, 61 * 86400, n), unit="s")
    truth = rng.random(n) < 0.4
    duration = np.where(truth, rng.uniform(180, 600, n), rng.uniform(5, 300, n)).round()
    calls = pd.DataFrame(
        {
            "call_id": [f"C{i:05d}" for i in range(n)],
            "agent_id": agent,
            "started_at": started,
            "duration_s": duration,
            "outcome": "connected",
            "need_captured": pd.array(truth | (rng.random(n) < 0.2), dtype="boolean"),
            "intent_rating": pd.array(rng.integers(0, 4, n), dtype="Int64"),
        }
    )
    fpr = np.where(agent == bad_agent, 0.7, 1 - SP_TRUE)
    sys_eff = np.where(truth, rng.random(n) < SE_TRUE, rng.random(n) < fpr)
    true_comp = rng.random(n) < 0.85
    sys_comp = np.where(rng.random(n) < 0.95, true_comp, ~true_comp)
    rows = [
        pd.DataFrame(
            {
                "call_id": calls["call_id"],
                "agent_id": agent,
                "reviewed_at": started + pd.Timedelta(hours=1),
                "reviewer": "system",
                "compliant": sys_comp,
                "effective": sys_eff,
            }
        )
    ]
    hum = np.flatnonzero(rng.random(n) < human_share)
    multi = hum[rng.random(len(hum)) < multi_share]
    single = np.setdiff1d(hum, multi)
    names = ["qa_a", "qa_b", lenient or "qa_c"]
    for k, name in enumerate(names):
        idx = np.concatenate([multi, single[k::3]])
        eff = truth[idx].copy()
        if name == lenient:
            eff = eff | (rng.random(len(idx)) < 0.5)
        rows.append(
            pd.DataFrame(
                {
                    "call_id": calls["call_id"].to_numpy()[idx],
                    "agent_id": agent[idx],
                    "reviewed_at": started[idx] + pd.Timedelta(days=2 + k),
                    "reviewer": name,
                    "compliant": true_comp[idx],
                    "effective": eff,
                }
            )
        )
    reviews = pd.concat(rows, ignore_index=True)
    reviews.insert(0, "review_id", [f"R{i:06d}" for i in range(len(reviews))])
    for c in ("compliant", "effective"):
        reviews[c] = reviews[c].astype("boolean")
    for c in ("review_id", "call_id", "agent_id", "reviewer"):
        reviews[c] = reviews[c].astype("string")
    calls["call_id"] = calls["call_id"].astype("string")
    calls["agent_id"] = calls["agent_id"].astype("string")
    agents_df = pd.DataFrame(
        {
            "agent_id": pd.array(agent_ids, dtype="string"),
            "agent_name": [f"Agent {a}" for a in agent_ids],
            "team_id": pd.array(["T1" if i % 2 else "T2" for i in range(agents)], dtype="string"),
        }
    )
    return Dataset(tables={"agents": agents_df, "calls": calls, "qa_reviews": reviews}, name="sim")


@pytest.fixture(scope="module")
def sim():
    return _sim()


# ------------------------------------------------------------------------ statistics


@pytest.mark.parametrize("x,n", [(0, 10), (3, 10), (10, 10), (17, 250), (1, 3)])
def test_wilson_matches_statsmodels(x, n):
    low, high = cal.wilson_interval(x, n, confidence=0.9)
    # statsmodels: proportion_confint(x, n, alpha=0.1, method="wilson")
    ref = proportion_confint(x, n, alpha=0.1, method="wilson")
    np.testing.assert_allclose([low, high], ref, atol=1e-12)


def test_wilson_empty_is_nan():
    low, high = cal.wilson_interval([0], [0])
    assert np.isnan(low[0]) and np.isnan(high[0])


@pytest.mark.parametrize("table", [[[40, 9], [6, 45]], [[5, 1], [2, 30]], [[12, 20], [15, 3]]])
def test_kappa_and_se_match_statsmodels(table):
    (tp, fp), (fn, tn) = table
    kappa, se = cal.cohens_kappa_2x2(tp, fp, fn, tn)
    # statsmodels: cohens_kappa(table) -> .kappa, .std_kappa (asymptotic SE)
    ref = sm_cohens_kappa(np.array(table))
    assert kappa == pytest.approx(ref.kappa, abs=1e-12)
    assert se == pytest.approx(ref.std_kappa, abs=1e-12)


def test_kappa_undefined_when_no_variation():
    kappa, se = cal.cohens_kappa_2x2(10, 0, 0, 0)
    assert np.isnan(kappa) and np.isnan(se)


def test_fleiss_matches_statsmodels():
    rng = np.random.default_rng(3)
    ratings = (rng.random((40, 4)) < np.linspace(0.2, 0.8, 40)[:, None]).astype(int)
    counts, _ = aggregate_raters(ratings)
    kappa, _, _ = cal.fleiss_kappa(counts)
    # statsmodels: fleiss_kappa(aggregate_raters(ratings)[0], method="fleiss")
    assert kappa == pytest.approx(sm_fleiss_kappa(counts, method="fleiss"), abs=1e-12)


def test_rogan_gladen_hand_value():
    # observed 0.48 = 0.4 * 0.9 + 0.6 * 0.2 -> (0.48 + 0.8 - 1) / (0.9 + 0.8 - 1) = 0.4
    assert cal.rogan_gladen(0.48, 0.9, 0.8) == pytest.approx(0.4)
    assert cal.rogan_gladen(0.1, 0.9, 0.8) == 0.0  # clipped
    assert np.isnan(cal.rogan_gladen(0.5, 0.4, 0.5))  # no better than chance


# ------------------------------------------------------------------------ agreement


def test_agreement_matches_references(sim):
    pairs = cal.paired_judgements(sim, judgements="effective")
    row = cal.agreement(pairs).iloc[0]
    s, h = pairs["system"], pairs["human"]
    table = np.array([[(s & h).sum(), (s & ~h).sum()], [(~s & h).sum(), (~s & ~h).sum()]])
    ref = sm_cohens_kappa(table)  # statsmodels cohens_kappa(table)
    assert row["kappa"] == pytest.approx(ref.kappa)
    z = 1.959963984540054
    assert row["kappa_low"] == pytest.approx(ref.kappa - z * ref.std_kappa)
    fp, tn = table[0, 1], table[1, 1]
    # statsmodels: proportion_confint(fp, fp + tn, method="wilson")
    lo, hi = proportion_confint(fp, fp + tn, alpha=0.05, method="wilson")
    assert (row["fpr_low"], row["fpr_high"]) == pytest.approx((lo, hi))
    assert row["fpr"] == pytest.approx(fp / (fp + tn))
    assert row["n"] == table.sum()


def test_agreement_recovers_simulated_error_rates():
    ds = _sim(agents=8, calls_per_agent=400, human_share=0.5, lenient=None)
    row = cal.agreement(cal.paired_judgements(ds, judgements="effective")).iloc[0]
    # no lenient reviewer: the human reference equals the simulated truth
    assert row["sensitivity_low"] < SE_TRUE + 0.03 and row["sensitivity_high"] > SE_TRUE - 0.03
    assert row["fpr"] == pytest.approx(1 - SP_TRUE, abs=0.06)
    assert row["difference"] > 0  # system inflates the effective rate


def test_confusion_has_all_cells(sim):
    conf = cal.confusion(sim, by="agent_id")
    assert len(conf) == 2 * 6 * 4
    sums = conf.groupby(["judgement", "agent_id"])["share"].sum()
    np.testing.assert_allclose(sums, 1.0)


def test_majority_drops_ties_and_first_keeps_them():
    ds = _sim(agents=2, calls_per_agent=50)
    r = ds["qa_reviews"]
    extra = (
        r[r["reviewer"] == "qa_a"]
        .head(5)
        .assign(
            review_id=lambda d: "X" + d["review_id"],
            reviewer="qa_z",
            effective=lambda d: ~d["effective"],
        )
    )
    ds.tables["qa_reviews"] = pd.concat([r, extra], ignore_index=True)
    maj = cal.paired_judgements(ds, judgements="effective")
    first = cal.paired_judgements(ds, judgements="effective", combine="first")
    assert len(first) > len(maj)
    assert (maj["human_consensus"] > 0.5).all()


def test_flag_inflated_finds_planted_agent():
    ds = _sim(agents=6, calls_per_agent=300, human_share=0.4, bad_agent="A03", lenient=None)
    flags = cal.flag_inflated(ds, min_reviewed=10)
    eff = flags[flags["judgement"] == "effective"].set_index("agent_id")
    assert eff.loc["A03", "fpr_above_team"]
    assert eff.loc["A03", "inflated"]
    assert not eff.drop("A03")["fpr_above_team"].any()


def test_weights_rescale_to_effective_n(sim):
    pairs = cal.paired_judgements(sim, judgements="effective")
    w = pd.Series(1.0, index=pairs["call_id"])
    same = cal.agreement(pairs, weights=w).iloc[0]
    plain = cal.agreement(pairs).iloc[0]
    assert same["kappa"] == pytest.approx(plain["kappa"])
    w2 = pd.Series(np.where(np.arange(len(pairs)) % 2, 1.0, 3.0), index=pairs["call_id"])
    weighted = cal.agreement(pairs, weights=w2).iloc[0]
    n_eff = w2.sum() ** 2 / (w2**2).sum()  # Kish effective sample size
    assert weighted[["tp", "fp", "fn", "tn"]].sum() == pytest.approx(n_eff)


# ------------------------------------------------------------------------ correction


@pytest.mark.parametrize("method", ["delta", "bootstrap"])
def test_correction_recovers_simulated_rate(method):
    ds = _sim(agents=6, calls_per_agent=500, human_share=0.3, seed=5, lenient=None)
    calls = ds["calls"]
    out = cal.corrected_rates(
        ds, judgements="effective", level="all", granularity="year", method=method
    )
    row = out.iloc[0]
    # the simulated true share of effective calls (truth = duration >= 180 & need, by design)
    sysr = ds["qa_reviews"][ds["qa_reviews"]["reviewer"] == "system"]
    assert row["raw_value"] == pytest.approx(sysr["effective"].mean())
    true_rate = 0.4
    assert row["raw_value"] > true_rate + 0.05  # system inflates: 0.4*0.9 + 0.6*0.2 = 0.48
    assert row["ci_low"] < true_rate < row["ci_high"]
    assert row["value"] == pytest.approx(true_rate, abs=0.04)
    assert row["denominator"] == len(calls)


def test_delta_interval_matches_hand_formula(sim):
    out = cal.corrected_rates(sim, judgements="effective", level="all", granularity="year").iloc[0]
    p, se, sp = out["raw_value"], out["sensitivity"], out["specificity"]
    n, npos, nneg = out["denominator"], out["n_truth_pos"], out["n_truth_neg"]
    th = (p + sp - 1) / (se + sp - 1)
    # hand: Var = [p(1-p)/n + th^2 Se(1-Se)/n+ + (1-th)^2 Sp(1-Sp)/n-] / J^2  (Greenland 1996)
    var = (
        p * (1 - p) / n + th**2 * se * (1 - se) / npos + (1 - th) ** 2 * sp * (1 - sp) / nneg
    ) / (se + sp - 1) ** 2
    assert out["value"] == pytest.approx(th)
    assert out["ci_high"] - out["ci_low"] == pytest.approx(2 * 1.959963984540054 * np.sqrt(var))


def test_corrected_rates_per_agent_month_shape(sim):
    out = cal.corrected_rates(sim)
    assert set(out["indicator"]) == {"compliance_rate_system", "effective_call_rate"}
    assert set(out["period"]) == {"2026-09", "2026-10"}
    assert len(out) == 6 * 2 * 2
    assert (out["reason"] == "").all()
    assert ((out["ci_low"] <= out["value"]) & (out["value"] <= out["ci_high"])).all()


def test_corrected_rates_without_humans_gives_reason():
    ds = _sim(agents=2, calls_per_agent=40)
    r = ds["qa_reviews"]
    ds.tables["qa_reviews"] = r[r["reviewer"] == "system"]
    out = cal.corrected_rates(ds, judgements="effective", level="all", granularity="year")
    assert out["value"].isna().all()
    assert out["reason"].str.contains("no human reviews").all()


def test_apply_correction_replaces_only_matching_rows(sim):
    corr = cal.corrected_rates(sim, judgements="effective")
    ind = corr[["agent_id", "team_id", "period", "granularity", "indicator"]].copy()
    ind["value"], ind["numerator"], ind["denominator"], ind["reason"] = 0.5, 50.0, 100.0, ""
    other = ind.head(1).assign(indicator="dials", value=7.0)
    out = cal.apply_correction(pd.concat([ind, other], ignore_index=True), corr)
    assert out["corrected"].sum() == len(ind)
    np.testing.assert_allclose(out.loc[out["corrected"], "value"], corr["value"])
    assert out.loc[~out["corrected"], "value"].iloc[0] == 7.0
    assert (out.loc[out["corrected"], "raw_value"] == 0.5).all()


def test_rates_by_finer_than_level_rejected(sim):
    with pytest.raises(ValueError, match="finer than"):
        cal.corrected_rates(sim, level="team", rates_by="agent")
    with pytest.raises(ValueError, match="`method` must be one of"):
        cal.corrected_rates(sim, method="exact")


# ------------------------------------------------------------------------ reviewers


def test_reviewer_agreement_matches_statsmodels_on_complete_calls(sim):
    r = sim["qa_reviews"]
    hum = r[r["reviewer"] != "system"]
    wide = hum.pivot(index="call_id", columns="reviewer", values="effective").dropna()
    keep = set(wide.index)
    ds = Dataset(
        tables={
            **sim.tables,
            "qa_reviews": r[(r["reviewer"] == "system") | r["call_id"].isin(keep)],
        }
    )
    res = cal.reviewer_agreement(ds, judgements="effective").iloc[0]
    counts, _ = aggregate_raters(wide.astype(int).to_numpy())
    # statsmodels: fleiss_kappa(aggregate_raters(ratings)[0])
    assert res["fleiss_kappa"] == pytest.approx(sm_fleiss_kappa(counts), abs=1e-12)
    assert res["calls"] == len(wide) and res["mean_raters"] == 3
    assert res["ci_low"] < res["fleiss_kappa"] < res["ci_high"]


def test_reviewer_pairs_kappa(sim):
    pairs = cal.reviewer_pairs(sim, judgements="effective", include_system=False)
    row = pairs[(pairs["reviewer_a"] == "qa_a") & (pairs["reviewer_b"] == "qa_b")].iloc[0]
    r = sim["qa_reviews"]
    wide = r.pivot(index="call_id", columns="reviewer", values="effective")[
        ["qa_a", "qa_b"]
    ].dropna()
    a, b = wide["qa_a"].astype(bool), wide["qa_b"].astype(bool)
    table = np.array([[(a & b).sum(), (a & ~b).sum()], [(~a & b).sum(), (~a & ~b).sum()]])
    assert row["kappa"] == pytest.approx(sm_cohens_kappa(table).kappa)  # statsmodels cohens_kappa
    assert row["n"] == len(wide)


def test_leniency_finds_lenient_reviewer(sim):
    len_ = cal.reviewer_leniency(sim, judgements="effective").set_index("reviewer")
    assert len_.loc["qa_lenient", "label"] == "lenient"
    assert len_.loc["qa_lenient", "leniency"] > 0.1
    # relative to the median reviewer, one lenient colleague does not make the others strict
    assert set(len_.drop("qa_lenient")["label"]) == {"in line"}
    mean_ref = cal.reviewer_leniency(sim, judgements="effective", reference="mean")
    assert mean_ref.set_index("reviewer").loc["qa_lenient", "label"] == "lenient"
    comp = cal.reviewer_leniency(sim, judgements="compliant")
    assert (comp["leniency"].abs() < 1e-12).all()  # every human judges compliance identically


def test_leniency_hand_computed():
    calls = pd.DataFrame(
        {"call_id": ["c1", "c2", "c3"], "agent_id": "A", "started_at": pd.Timestamp("2026-01-05")}
    )
    rev = pd.DataFrame(
        {
            "review_id": [f"r{i}" for i in range(7)],
            "call_id": ["c1", "c1", "c2", "c2", "c3", "c3", "c3"],
            "agent_id": "A",
            "reviewer": ["x", "y", "x", "y", "x", "y", "z"],
            "compliant": [True, False, True, True, True, False, False],
        }
    )
    ds = Dataset(
        tables={
            "agents": pd.DataFrame({"agent_id": ["A"], "agent_name": ["a"], "team_id": ["T"]}),
            "calls": calls,
            "qa_reviews": rev,
        }
    )
    out = cal.reviewer_leniency(ds, judgements="compliant", min_calls=1, reference="mean")
    out = out.set_index("reviewer")
    # x: d = 1-0, 1-1, 1-(0+0)/2 -> mean(1, 0, 1) = 2/3
    assert out.loc["x", "leniency"] == pytest.approx(2 / 3)
    # z: d = 0 - (1+0)/2 = -0.5 (one call)
    assert out.loc["z", "leniency"] == pytest.approx(-0.5)
    maj = cal.reviewer_leniency(ds, judgements="compliant", min_calls=1, reference="majority")
    maj = maj.set_index("reviewer")
    # z on c3: others x=1, y=0 tie -> 0.5, d = -0.5; y on c3: others x=1, z=0 tie -> 0.5
    # y: d = 0-1, 1-1, 0-0.5 -> mean = -0.5
    assert maj.loc["y", "leniency"] == pytest.approx(-0.5)


# ------------------------------------------------------------------------ sampler


def test_sampler_is_reproducible_and_seed_sensitive(sim):
    a = cal.spot_check_sample(sim, seed=4)
    b = cal.spot_check_sample(sim, seed=4)
    c = cal.spot_check_sample(sim, seed=5)
    pd.testing.assert_frame_equal(a, b)
    assert set(a["call_id"]) != set(c["call_id"])


def test_sampler_ignores_row_order_and_other_agents(sim):
    base = cal.spot_check_sample(sim, seed=2)
    shuffled = Dataset(tables={**sim.tables, "calls": sim["calls"].sample(frac=1, random_state=9)})
    pd.testing.assert_frame_equal(base, cal.spot_check_sample(shuffled, seed=2))
    calls = sim["calls"]
    fewer = Dataset(tables={**sim.tables, "calls": calls[calls["agent_id"] != "A05"]})
    sub = cal.spot_check_sample(fewer, seed=2)
    assert set(sub["call_id"]) == set(base.loc[base["agent_id"] != "A05", "call_id"])


def test_sampler_stratification(sim):
    s = cal.spot_check_sample(
        sim, share=0.1, min_per_agent=3, oversample=3.0, exclude_reviewed=True
    )
    r = sim["qa_reviews"]
    human = set(r.loc[r["reviewer"] != "system", "call_id"])
    assert not set(s["call_id"]) & human
    eligible = sim["calls"][~sim["calls"]["call_id"].isin(human)].groupby("agent_id").size()
    per_agent = s.groupby("agent_id").size()
    expected = np.ceil(0.1 * eligible).clip(lower=3)
    pd.testing.assert_series_equal(per_agent, expected.astype(per_agent.dtype), check_names=False)
    # inclusion probabilities are exact: design weights sum to the stratum sizes
    w = s.groupby("agent_id")["design_weight"].sum()
    np.testing.assert_allclose(w, eligible.loc[w.index])
    focus_p = s.loc[s["stratum"] == "focus", "inclusion_prob"].mean()
    routine_p = s.loc[s["stratum"] == "routine", "inclusion_prob"].mean()
    assert focus_p / routine_p == pytest.approx(3.0, rel=0.25)
    assert set(s.loc[s["stratum"] == "routine", "reason"]) == {"random"}


def test_sampler_minimum_per_agent_and_period():
    ds = _sim(agents=3, calls_per_agent=20)
    s = cal.spot_check_sample(
        ds, share=0.01, min_per_agent=4, period="2026-09", exclude_reviewed=False
    )
    assert (s.groupby("agent_id").size() == 4).all()
    assert (s["started_at"].dt.month == 9).all()


def test_sampler_blind_and_columns(sim):
    blind = cal.spot_check_sample(sim)
    assert list(blind.columns) == cal.SPOT_CHECK_COLUMNS
    assert (blind[["reviewer", "compliant", "effective", "notes"]] == "").all().all()
    shown = cal.spot_check_sample(sim, blind=False)
    assert {"system_compliant", "system_effective"} <= set(shown.columns)
    assert not blind["reason"].str.contains("disagrees").any()


def test_sampler_rejects_bad_options(sim):
    with pytest.raises(ValueError, match="`share`"):
        cal.spot_check_sample(sim, share=0)
    with pytest.raises(ValueError, match="`population` must be one of"):
        cal.spot_check_sample(sim, population="everything")


def test_spot_check_roundtrip(sim, tmp_path):
    s = cal.spot_check_sample(sim).head(6)
    path = cal.write_spot_check(s, tmp_path / "qa" / "sheet.csv")
    sheet = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    sheet.loc[:2, "reviewer"] = "qa_zhou"
    sheet.loc[:2, "compliant"] = ["yes", "no", "是"]
    sheet.loc[:2, "effective"] = ["1", "0", ""]
    sheet.to_csv(path, index=False, encoding="utf-8-sig")
    back = cal.read_spot_check(path)
    assert len(back) == 3
    assert back["compliant"].tolist() == [True, False, True]
    assert back["effective"].isna().tolist() == [False, False, True]
    with pytest.raises(FileExistsError, match="reviewer entries"):
        cal.write_spot_check(s, path)
    merged = cal.with_reviews(sim, back)
    assert len(merged["qa_reviews"]) == len(sim["qa_reviews"]) + 3


def test_spot_check_sheet_neutralises_formulas_and_reads_them_back(sim, tmp_path):
    payloads = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]
    s = cal.spot_check_sample(sim).head(len(payloads)).reset_index(drop=True)
    s["call_id"] = [f"{p}#{k}" for k, p in enumerate(payloads)]  # distinct ids
    s["agent_id"] = payloads
    s["reviewer"] = ["'" + p for p in payloads]  # an apostrophe already there survives too
    s["compliant"] = "yes"
    s["notes"] = payloads
    path = cal.write_spot_check(s, tmp_path / "sheet.csv")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert len(raw) == len(payloads)  # a carriage return in a cell does not split a row
    for col in ("call_id", "agent_id", "notes"):
        assert raw[col].str.startswith("'").all(), col
    assert (raw["reviewer"].str[:2] == "''").all()
    back = cal.read_spot_check(path)
    assert back["call_id"].tolist() == s["call_id"].tolist()
    assert back["agent_id"].tolist() == payloads
    assert back["notes"].tolist() == payloads
    # the reviewer column is stripped of surrounding whitespace, as before
    assert back["reviewer"].tolist() == [("'" + p).strip() for p in payloads]
    assert back["compliant"].all()


def test_read_spot_check_errors():
    sheet = pd.DataFrame(
        {
            "call_id": ["c1", "c2"],
            "agent_id": ["A", "A"],
            "reviewer": ["", "qa"],
            "compliant": ["yes", "maybe"],
            "effective": ["", ""],
            "notes": ["", ""],
        }
    )
    with pytest.raises(ValueError, match=r"not yes/no in file rows \[3\]"):
        cal.read_spot_check(sheet)
    sheet.loc[1, "compliant"] = "no"
    with pytest.raises(ValueError, match=r"rows \[2\] have judgements but an empty `reviewer`"):
        cal.read_spot_check(sheet)


def test_missing_reviews_table_message(sim):
    ds = Dataset(tables={k: v for k, v in sim.tables.items() if k != "qa_reviews"}, name="x")
    with pytest.raises(KeyError, match="no `qa_reviews` table"):
        cal.paired_judgements(ds)


def test_additive_leniency_matches_ols_fixed_effects():
    import statsmodels.formula.api as smf

    ds = _sim(agents=2, calls_per_agent=60, human_share=0.8, multi_share=0.6, seed=11)
    res = cal.reviewer_leniency(ds, judgements="effective", min_calls=1).set_index("reviewer")
    r = ds["qa_reviews"]
    r = r[r["reviewer"] != "system"].assign(x=lambda d: d["effective"].astype(float))
    r = r[r.groupby("call_id")["x"].transform("size") >= 2]
    # statsmodels: ols("x ~ C(call_id) + C(reviewer)") - reviewer effects relative to qa_a
    fit = smf.ols("x ~ C(call_id) + C(reviewer)", data=pd.DataFrame(r)).fit()
    for name in ("qa_b", "qa_lenient"):
        diff = res.loc[name, "leniency"] - res.loc["qa_a", "leniency"]
        assert diff == pytest.approx(fit.params[f"C(reviewer)[T.{name}]"], abs=1e-6)


# ------------------------------------------------------------------------ package layout

#: Public names of the former single module kpi_lib/analyses/calibration.py.
OLD_PUBLIC = {
    "JUDGEMENTS", "INDICATOR_OF", "REVIEW_COLUMNS", "SPOT_CHECK_COLUMNS", "wilson_interval",
    "cohens_kappa_2x2", "fleiss_kappa", "rogan_gladen", "spot_check_sample",
    "write_spot_check", "read_spot_check", "with_reviews", "paired_judgements", "confusion",
    "agreement", "flag_inflated", "corrected_rates", "apply_correction", "reviewer_agreement",
    "reviewer_pairs", "reviewer_leniency",
}  # fmt: skip
PACKAGE = "kpi_lib.analyses.calibration"


def _package_files():
    root = project_root() / "kpi_lib" / "analyses" / "calibration"
    return {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(root.glob("*.py"))}


def test_package_reexports_the_old_public_names():
    assert set(cal.__all__) == OLD_PUBLIC
    for name in OLD_PUBLIC:
        assert getattr(cal, name) is not None
    # each name has one home, and the package exports that very object
    for stem in _package_files():
        if stem != "__init__":
            mod = importlib.import_module(f"{PACKAGE}.{stem}")
            for name in getattr(mod, "__all__", []):
                if name in OLD_PUBLIC:
                    assert getattr(cal, name) is getattr(mod, name), (stem, name)


def test_package_files_import_cleanly():
    """No relative imports, no private names across files, no cycles between the files."""
    files = _package_files()
    edges, bad = {}, []
    for stem, tree in files.items():
        edges[stem] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                bad.append(f"{stem}.py line {node.lineno}: relative import")
                continue
            if not (node.module or "").startswith(PACKAGE + "."):
                continue
            edges[stem].add(node.module.rsplit(".", 1)[1])
            private = [a.name for a in node.names if a.name.startswith("_")]
            if private:
                bad.append(f"{stem}.py line {node.lineno}: imports private {private}")
    assert not bad, bad

    def visit(stem, path):
        for nxt in edges.get(stem, ()):
            assert nxt not in path, f"import cycle: {' -> '.join([*path, nxt])}"
            visit(nxt, [*path, nxt])

    for stem in files:
        visit(stem, [stem])


# ------------------------------------------ flags relative to the team (issue 17, part B)


def _pairs(*, agents=48, teams=4, calls=(60, 160), fpr=0.08, planted=(), planted_fpr=0.35,
           seed=0):  # fmt: skip
    """Paired judgements of `effective`: truth positive 40 %, system sensitivity 0.98 and
    false-positive rate `fpr` for every agent but `planted` (`planted_fpr`)."""
    rng = np.random.default_rng(seed)
    rows = []
    for a in range(agents):
        aid = f"A{a:02d}"
        n = int(rng.integers(*calls))
        truth = rng.random(n) < 0.4
        f = planted_fpr if aid in planted else fpr
        system = np.where(truth, rng.random(n) < 0.98, rng.random(n) < f)
        rows.append(
            pd.DataFrame(
                {
                    "judgement": "effective",
                    "call_id": [f"{aid}-{i}" for i in range(n)],
                    "agent_id": aid,
                    "team_id": f"T{a % teams}",
                    "system": system,
                    "human": truth,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_excess_rate_test_reference_values():
    data = pd.DataFrame({"k": [9, 2, 3, 2, 0], "n": [30, 30, 30, 30, 30]})
    out = excess_rate_test(data, count="k", trials="n")
    # leave-one-out null rate of unit 0: (2 + 3 + 2 + 0 + 1/2) / (120 + 1)
    p0 = 7.5 / 121
    assert out.loc[0, "reference_rate"] == pytest.approx(7 / 120)
    # the other four units: rate 7/120, method of moments rho (Kleinman) clipped at 0 ->
    # exact binomial test; R: binom.test(9, 30, 7.5/121, alternative="greater")$p.value
    assert out.loc[0, "overdispersion"] == 0
    ref = stats.binomtest(9, 30, p0, alternative="greater").pvalue
    assert out.loc[0, "p_value"] == pytest.approx(ref, rel=1e-9)
    assert out.loc[4, "p_value"] == 1.0  # no event: never above the peers


def test_excess_rate_test_beta_binomial_when_agents_differ():
    data = pd.DataFrame({"k": [20, 2, 12, 4, 9, 1], "n": [40, 40, 40, 40, 40, 40]})
    out = excess_rate_test(data, count="k", trials="n")
    rest = data.drop(index=0)
    fit = beta_binomial_fit(rest["k"], rest["n"])
    assert out.loc[0, "overdispersion"] == pytest.approx(fit["rho"])
    p0 = (rest["k"].sum() + 0.5) / (rest["n"].sum() + 1)
    ab = (1 - fit["rho"]) / fit["rho"]
    ref = stats.betabinom.sf(19, 40, p0 * ab, (1 - p0) * ab)  # P(X >= 20)
    assert out.loc[0, "p_value"] == pytest.approx(ref, rel=1e-9)
    # overdispersion makes the test more cautious than the binomial one
    assert out.loc[0, "p_value"] > stats.binomtest(20, 40, p0, alternative="greater").pvalue


def test_flags_on_null_qa_data_are_rare():
    # the system errs alike for all 48 agents (8 % false positives): before the fix 46 of 48
    # agents were flagged. With BH at 5 % across agents the chance of any flag in a dataset
    # is at most ~5 %; 40 datasets, allow up to 5 (binomial 95th percentile for p = 0.05 is 4)
    any_flag, flags_total = 0, 0
    for seed in range(40):
        f = cal.flag_inflated(_pairs(seed=seed))
        any_flag += bool(f["flagged"].any())
        flags_total += int(f["flagged"].sum())
    assert any_flag <= 5
    assert flags_total / (40 * 48) <= 0.005


def test_flags_find_the_two_planted_agents():
    found, false = 0, 0
    for seed in range(10):
        f = cal.flag_inflated(_pairs(seed=100 + seed, planted=("A07", "A30")))
        flagged = set(f.loc[f["fpr_above_team"], "agent_id"])
        found += len(flagged & {"A07", "A30"})
        false += len(flagged - {"A07", "A30"})
    assert found >= 14  # of 20 (16 with these seeds): power >= 70 % at 35 % vs 8 %
    assert false <= 2


def test_no_false_positive_is_never_inflated():
    # compliance judged perfectly on negatives: 0 false positives anywhere. The Wilson lower
    # bound of 0/n was 5.6e-17 > 0 = the team rate, flagging agents with no false positive
    pairs = _pairs(agents=21, fpr=0.0, seed=3)
    f = cal.flag_inflated(pairs)
    assert (f["fp"] == 0).all()
    assert not f["flagged"].any()
    low, _ = cal.wilson_interval([0, 0], [7, 30])
    assert (low == 0).all()


def _handmade(truth, system):
    """One agent, one call per entry, reviewed by the system and one human."""
    n = len(truth)
    ids = pd.array([f"C{i:03d}" for i in range(n)], dtype="string")
    started = pd.Timestamp("2026-09-01") + pd.to_timedelta(np.arange(n), unit="h")
    calls = pd.DataFrame(
        {
            "call_id": ids,
            "agent_id": pd.array(["A01"] * n, dtype="string"),
            "started_at": started,
            "duration_s": 200.0,
            "outcome": "connected",
        }
    )
    reviews = pd.concat(
        [
            pd.DataFrame(
                {
                    "call_id": ids,
                    "agent_id": pd.array(["A01"] * n, dtype="string"),
                    "reviewed_at": started + pd.Timedelta(hours=k + 1),
                    "reviewer": pd.array([who] * n, dtype="string"),
                    "compliant": pd.array(judged, dtype="boolean"),
                    "effective": pd.array(judged, dtype="boolean"),
                }
            )
            for k, (who, judged) in enumerate((("system", system), ("qa_a", truth)))
        ],
        ignore_index=True,
    )
    reviews.insert(0, "review_id", pd.array([f"R{i}" for i in range(2 * n)], dtype="string"))
    agents = pd.DataFrame(
        {
            "agent_id": pd.array(["A01"], dtype="string"),
            "agent_name": ["A"],
            "team_id": pd.array(["T1"], dtype="string"),
        }
    )
    return Dataset(tables={"agents": agents, "calls": calls, "qa_reviews": reviews}, name="h")


def test_correction_at_chance_level_and_at_the_boundary():
    # sensitivity 3/10 and specificity 7/10: Se + Sp - 1 = 0, the system carries no
    # information and nothing can be corrected (hand computation)
    truth = [True] * 10 + [False] * 10
    system = [True] * 3 + [False] * 7 + [True] * 3 + [False] * 7
    out = cal.corrected_rates(_handmade(truth, system), judgements="effective")
    assert out["value"].isna().all()
    assert out["reason"].str.contains("no better than chance").all()
    assert not out["clipped"].any()
    # Se = 9/10, Sp = 8/10 and a system rate of 11/20: Rogan-Gladen
    # (0.55 + 0.8 - 1) / (0.9 + 0.8 - 1) = 0.5, inside [0, 1] -> not clipped
    truth = [True] * 10 + [False] * 10
    system = [True] * 9 + [False] + [True] * 2 + [False] * 8
    out = cal.corrected_rates(_handmade(truth, system), judgements="effective").iloc[0]
    assert out["sensitivity"] == 0.9 and out["specificity"] == 0.8
    assert out["raw_value"] == pytest.approx(11 / 20)
    assert out["value"] == pytest.approx(0.5)
    assert not out["clipped"]
