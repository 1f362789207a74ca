"""The period review: wording in three languages, section content, and the end-to-end run."""

from __future__ import annotations

import json
import re
import string

import numpy as np
import pandas as pd
import pytest

from kpi_lib.report.fonts import cjk_font_face_css, setup_fonts
from kpi_lib.report.review_text import LANGUAGES, TEXTS, text


def _fields(s: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(s) if f}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_the_same_fields_in_every_language(key):
    forms = [f for f in TEXTS[key] if f]  # English is empty only where conflict_text words it
    assert forms, key
    fields = [_fields(f) for f in forms]
    assert all(f == fields[0] for f in fields), (key, fields)


def test_text_fills_values_and_checks_language():
    assert text("headline.attainment", "zh-Hans", value="94%") == "团队目标达成率：94%。"
    assert text("h.board", "zh-Hant") == "紅黃綠看板"
    with pytest.raises(ValueError, match="`language` must be one of"):
        text("h.board", "fr")
    with pytest.raises(KeyError, match="No review text"):
        text("no.such.key")


def test_cjk_font_is_available_and_embedded_as_a_subset():
    assert setup_fonts("zh-Hans") == "zh-Hans"
    css = cjk_font_face_css("<p>銷售額 sales</p>")
    assert css.startswith("@font-face") and "base64," in css
    # a subset of three characters is small; the full font is ~16 MB
    assert len(css) < 200_000
    assert cjk_font_face_css("only latin text") == ""


# ----------------------------------------------------------------------------- on sample data


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory):
    from kpi_lib.data.synth import generate

    folder = tmp_path_factory.mktemp("small")
    generate(folder, agents=40, months=4, seed=3, start="2026-07")
    return folder


@pytest.fixture(scope="module")
def review(small_dataset):
    from kpi_lib.review import open_review

    return open_review(
        settings={"dataset": str(small_dataset), "period": "2026-10", "draws": 200, "n_boot": 50}
    )


def test_review_sections_are_computed_from_the_data(review):
    from kpi_lib.report import review as rv

    agents = review.current.agents
    assert set(agents["period"]) == {"2026-10"}
    assert review.previous == "2026-09"
    # the leaderboard carries rank intervals from the sensitivity analysis
    lb = review.leaderboard.dropna(subset=["rank"])
    assert (lb["rank_low"] <= lb["rank_high"]).all()
    assert lb["p_top_k"].between(0, 1).all()
    # bonuses add up to the pool (the decision is taken from the scoring layer)
    assert review.bonus["bonus"].sum() == pytest.approx(review.spec.bonus_pool)
    head = rv.headline_html(review)
    median = agents["composite"].median()
    assert f"Median composite score {median:.1f}" in head
    board_values, board_lights = rv.board_table(review, max_agents=5)
    assert len(board_values) == 5 and set(board_lights.stack()) <= {"green", "yellow", "red", ""}


def test_agent_page_has_three_talking_points_from_the_numbers(review):
    from kpi_lib.report.review import agent_page_data

    agent = review.current.agents.dropna(subset=["composite"])["agent_id"].iloc[0]
    page = agent_page_data(review, agent)
    assert len(page["talking_points"]) == 3
    assert page["talking_points"][0].startswith("Praise:")
    assert page["trend"]["period"].is_monotonic_increasing
    with pytest.raises(KeyError, match="has no scored indicators"):
        agent_page_data(review, "NOBODY")


def test_team_filter_names_unknown_teams(small_dataset):
    from kpi_lib.review import SpecError, open_review

    with pytest.raises(SpecError, match="unknown team"):
        open_review(settings={"dataset": str(small_dataset), "team": "T99"})


def test_stored_review_reads_back_identically(review, tmp_path):
    from pandas.testing import assert_frame_equal

    from kpi_lib.review import agent_outcomes, load_review, save_review

    back = load_review(save_review(review, tmp_path / "store"))
    assert back.spec == review.spec and back.spec.hash == review.spec.hash
    assert_frame_equal(agent_outcomes(back), agent_outcomes(review))
    assert_frame_equal(back.board, review.board, check_dtype=False)
    assert set(back.diagnosis) == {
        k for k, v in review.diagnosis.items() if isinstance(v, pd.DataFrame)
    }
    assert back.definitions == review.definitions
    assert back.scheme.to_dict() == review.scheme.to_dict()


def test_kpi_review_end_to_end(small_dataset, tmp_path):
    """`kpi review` on a small dataset: exit code, manifest, HTML without code, images, sections."""
    from kpi_lib.run.cli import main

    out = tmp_path / "reports"
    code = main(
        [
            "review", "--params", "params/monthly.yaml", "--dataset", str(small_dataset),
            "--out", str(out), "--quiet", "--notebooks", "period_review",
            "--set", "draws=100", "--set", "max_agent_pages=2",
        ]
    )  # fmt: skip
    assert code == 0
    folder = out / "monthly" / "2026-10"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["status"] == "ok" and manifest["period"] == "2026-10"
    assert manifest["specification"]["settings"]["draws"] == 100
    calls = manifest["load_report"]["calls"]
    assert calls["rows_read"] == calls["rows_used"] + calls["rows_quarantined"]
    for key in ("code_version", "dataset_fingerprint", "started_at", "finished_at", "duration_s"):
        assert manifest[key]
    page = (folder / "period_review.html").read_text()
    assert 'class="jp-InputArea' not in page and "open_review(" not in page  # no code cells
    assert "analyst notes" not in page  # notebook-only cells are removed
    assert len(re.findall(r"data:image/png;base64", page)) >= 3  # charts embedded
    assert manifest["specification_hash"] in page  # the page names its specification
    for key in (
        "h.headline",
        "h.board",
        "h.leaderboard",
        "h.decisions",
        "h.bonus",
        "h.certification",
        "h.pip",
        "h.coaching",
        "h.health",
        "h.agents",
        "h.data",
    ):
        assert text(key) in page, key
    index = (folder / "index.html").read_text()
    assert 'href="period_review.html"' in index


def test_kpi_review_in_chinese_embeds_the_font(small_dataset, tmp_path):
    from kpi_lib.run.runner import run_review

    result = run_review(
        params_files=["params/monthly.yaml"], dataset=str(small_dataset), period="2026-10",
        overrides={"language": "zh-Hant", "draws": 50, "max_agent_pages": 1},
        output_root=tmp_path / "r", notebooks=["period_review"], progress=False,
    )  # fmt: skip
    page = (result.folder / "period_review.html").read_text()
    assert text("h.board", "zh-Hant") in page
    assert "@font-face" in page and "KPI CJK" in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_headline_in_every_language(review, language):
    from dataclasses import replace

    from kpi_lib.report.review import headline_html

    translated = replace(review, spec=review.spec.with_settings(language=language))
    html = headline_html(translated)
    assert text("h.headline", language) in html
    assert pd.notna(review.current.agents["composite"]).any()


# ----------------------------------------------------------------- data without optional tables


@pytest.fixture(scope="module")
def bare_dataset(small_dataset, tmp_path_factory):
    """The small dataset without surveys, complaints, proposals, trainings and targets, and
    with one human QA reviewer."""
    import shutil

    folder = tmp_path_factory.mktemp("bare") / "bare"
    shutil.copytree(small_dataset, folder)
    for table in ("surveys", "complaints", "proposals", "trainings", "targets"):
        (folder / f"{table}.parquet").unlink()
    qa = pd.read_parquet(folder / "qa_reviews.parquet")
    qa = qa[qa["reviewer"].isin(["system", "qa_zhang"])]
    qa.to_parquet(folder / "qa_reviews.parquet")
    return folder


@pytest.fixture(scope="module")
def bare_review(bare_dataset):
    from kpi_lib.review import open_review

    return open_review(
        settings={"dataset": str(bare_dataset), "period": "2026-10", "draws": 50, "n_boot": 20}
    )


def test_scheme_adapts_to_data_without_surveys_and_complaints(bare_review):
    adapted = bare_review.spec.adapted["scheme"]
    dropped = {(d["indicator"], d["role"], d["needs"]) for d in adapted["dropped"]}
    assert dropped == {
        ("satisfaction_rate", "weight", "surveys"),
        ("complaints_per_100", "weight", "complaints"),
    }
    # monthly (repurchase is quarterly): performance 50 and efficiency 20 of the 70 left
    assert adapted["weights"] == pytest.approx(
        {"sales_amount": 50 / 70, "effective_calls": 20 / 70}, abs=1e-6
    )
    assert set(bare_review.current.indicators.query("weight > 0")["indicator"]) == {
        "sales_amount",
        "effective_calls",
    }
    note = bare_review.notes[0]
    assert note["code"] == "scheme_adapted" and note["weights"] == adapted["weights"]
    # the gate on compliance stays: one human reviewer still gives the system's judgements
    assert [g.indicator for g in bare_review.scheme.gates] == ["compliance_rate"]


def test_adapted_scheme_note_on_every_scored_page_in_the_review_language(bare_review):
    from dataclasses import replace

    from kpi_lib.report import review as rr
    from kpi_lib.report import scorecard_text

    en = rr.scheme_adapted_sentence(bare_review)
    assert "adapted" in en and "Satisfaction rate (needs surveys)" in en and "71%" in en
    assert en in rr.headline_html(bare_review).replace("&#x27;", "'")
    assert scorecard_text.adapted_html(bare_review) == rr.scheme_adapted_html(bare_review)
    zh = replace(bare_review, spec=bare_review.spec.with_settings(language="zh-Hans"))
    assert "已按本数据调整" in rr.scheme_adapted_sentence(zh)
    assert "需要" in rr.skipped_html(zh, "certification")


def test_certification_is_skipped_with_its_reason(bare_review):
    from kpi_lib.report import review as rr
    from kpi_lib.review.pipeline import skipped_sections

    assert bare_review.certification.empty and bare_review.certified.empty
    skipped = skipped_sections(bare_review).set_index("section")
    assert skipped.loc["certification", "reason"] == "needs"
    assert skipped.loc["certification", "needs"] == "surveys"
    assert {"scheme.weight"} <= set(skipped.index)
    page = rr.decisions_html(bare_review)
    assert "Certification: not available for this data — needs Satisfaction rate (surveys)" in page
    assert "Not computed for this data: Certification" in " ".join(rr.note_sentences(bare_review))
    # PIP and coaching still run
    assert "pip" not in skipped.index and len(bare_review.coaching)


def test_a_stop_scheme_stops_before_any_page(bare_dataset, tmp_path):
    import yaml

    from kpi_lib.data.load import load_dataset
    from kpi_lib.review import SpecError, build_spec, resolve_spec
    from kpi_lib.scoring import load_scheme

    scheme = load_scheme("default").to_dict()
    scheme["missing_indicators"] = "stop"
    path = tmp_path / "strict.yaml"
    path.write_text(yaml.safe_dump(scheme))
    spec = build_spec(overrides={"dataset": str(bare_dataset), "scheme": str(path)})
    with pytest.raises(SpecError, match=r"satisfaction_rate needs surveys.*renormalise"):
        resolve_spec(spec, load_dataset(bare_dataset))


def test_adapted_review_reads_back_from_the_store(bare_review, tmp_path):
    from kpi_lib.review import load_review, save_review

    back = load_review(save_review(bare_review, tmp_path / "store"))
    assert back.spec.hash == bare_review.spec.hash
    assert back.scheme.adapted == bare_review.scheme.adapted
    assert back.notes[0]["code"] == "scheme_adapted"


def test_data_quality_sections_without_qa_or_with_one_reviewer(bare_review):
    from dataclasses import replace

    from kpi_lib.analyses.calibration import reviewer_leniency
    from kpi_lib.report import quality_text

    # one human reviewer: agreement with the system works, reviewer consistency cannot
    skipped = quality_text.unavailable_sections(bare_review)
    assert skipped[["section", "reason", "n"]].values.tolist() == [
        ["qa_reviewers", "one_reviewer", 1]
    ]
    assert quality_text.available(skipped, "qa_agreement")
    assert reviewer_leniency(bare_review.dataset).empty  # used to raise on max() of nothing
    assert "at least two human reviewers" in quality_text.skipped_html(
        bare_review, skipped, "qa_reviewers"
    )
    # no QA table at all
    tables = {k: v for k, v in bare_review.dataset.tables.items() if k != "qa_reviews"}
    no_qa = replace(bare_review, dataset=replace(bare_review.dataset, tables=tables))
    skipped = quality_text.unavailable_sections(no_qa)
    assert set(skipped["section"]) == set(quality_text.QA_SECTIONS)
    assert set(skipped["needs"]) == {"qa_reviews"}
    numbers = quality_text.key_numbers(no_qa)
    assert numbers["calls_reviewed_by_both"] == 0 and np.isnan(numbers["kappa_effective"])


def test_a_rule_switched_off_says_so_where_the_decision_would_be(bare_review):
    from dataclasses import replace

    from kpi_lib.report import review as rr

    off = {"code": "skipped", "section": "pip", "reason": "off", "indicators": "", "needs": ""}
    page = rr.decisions_html(replace(bare_review, notes=[*bare_review.notes, off]))
    assert "Improvement plan: not available for this data — switched off in the scheme" in page
    assert "Persistent low performance" not in page


# ----------------------------------------------------------------------------- cycles (issue 16)


def _cut(data, day: str):
    """The dataset as exported on ``day``: rows dated from ``day`` on are not there yet."""
    from dataclasses import replace

    from kpi_lib.data.contract import TIME_COLUMNS

    cut = pd.Timestamp(day)
    tables = {
        name: df[df[TIME_COLUMNS[name]] < cut].reset_index(drop=True)
        if name in TIME_COLUMNS
        else df
        for name, df in data.tables.items()
    }
    return replace(data, tables=tables)


@pytest.fixture(scope="module")
def mid_october(small_dataset):
    """The small dataset (2026-07 to 2026-10) cut after Wednesday 14 October."""
    from kpi_lib.data.load import load_dataset

    return _cut(load_dataset(small_dataset), "2026-10-15")


def test_default_period_is_the_last_complete_one_in_the_data(small_dataset, mid_october):
    from kpi_lib.data.load import load_dataset
    from kpi_lib.review import (
        SpecError,
        build_spec,
        last_complete_period,
        periods_in_data,
        resolve_spec,
    )

    whole = load_dataset(small_dataset)  # calls up to Friday 30 October
    assert last_complete_period(whole, "weekly") == "2026-W44"
    # cut on a Wednesday: week 42 (12-18 October) has not reached its Friday
    assert last_complete_period(mid_october, "weekly") == "2026-W41"
    assert last_complete_period(mid_october, "monthly") == "2026-09"
    assert last_complete_period(mid_october, "quarterly") == "2026-Q3"
    # July to mid-October holds no complete year: said clearly...
    with pytest.raises(SpecError, match="covers no complete annual period.*--period 2026"):
        last_complete_period(mid_october, "annual")
    for cycle in ("weekly", "monthly", "quarterly", "annual"):
        spec = resolve_spec(build_spec(overrides={"cycle": cycle}), mid_october)
        assert spec.period in periods_in_data(mid_october, cycle)
    # ...and the annual review shows the latest year, marked partial
    w = resolve_spec(build_spec(overrides={"cycle": "annual"}), mid_october).windows
    assert w["period_choice"] == "latest_partial" and w["scored_complete"] is False
    w = resolve_spec(build_spec(overrides={"cycle": "quarterly"}), mid_october).windows
    assert w["period_choice"] == "last_complete" and w["scored_complete"] is True
    # a week is scored up to its last working day: 28 September - 4 October ends in a weekend
    # and the 1-2 October holidays, so it scores the whole of September, not an empty October
    spec = build_spec(overrides={"cycle": "weekly", "period": "2026-W40"})
    w = resolve_spec(spec, mid_october).windows
    assert (w["as_of"], w["scored_period"], w["scored_complete"]) == ("2026-09-30", "2026-09", True)


def test_weekly_compares_like_with_like_and_decides_nothing_on_a_partial_month(mid_october):
    from kpi_lib.report.review import note_sentences
    from kpi_lib.review import agent_outcomes, build_spec, compute_review, resolve_spec
    from kpi_lib.scoring.targets import attach_targets, indicators_to_date, targets_from_table

    spec = build_spec(
        overrides={"cycle": "weekly", "period": "2026-W42", "draws": 50, "n_boot": 20}
    )
    spec = resolve_spec(spec, mid_october)
    w = spec.windows
    assert (w["scored_period"], w["as_of"], w["scored_complete"]) == (
        "2026-10",
        "2026-10-14",
        False,
    )
    # 1-7 October is a holiday in the data (no calls on working weekdays): 1-14 October holds
    # 5 working days (8, 9, 12, 13, 14); the previous month is compared over its first 5
    assert w["working_days"] == 5 and "2026-10-01" in w["holidays"].split(",")
    assert (w["previous_period"], w["previous_from"], w["previous_to"]) == (
        "2026-09",
        "2026-09-01",
        "2026-09-07",
    )
    review = compute_review(spec, mid_october)
    prev = review.scorecard.indicators
    prev = prev[(prev["period"] == "2026-09") & (prev["indicator"] == "sales_amount")]
    same_days = indicators_to_date(mid_october, period="2026-09", as_of="2026-09-07")
    same_days = same_days[same_days["indicator"] == "sales_amount"]
    got = prev.set_index("agent_id")["value"]
    want = same_days.set_index("agent_id")["value"].reindex(got.index)
    assert got.to_numpy() == pytest.approx(want.to_numpy(), nan_ok=True)
    # targets pro-rated to the working days: 5 of September's 22, 5 of October's 17
    full = attach_targets(prev.drop(columns=["target"]), targets_from_table(mid_october["targets"]))
    assert prev["target"].to_numpy() == pytest.approx(full["target"].to_numpy() * 5 / 22)
    now = review.current.indicators
    now = now[now["indicator"] == "sales_amount"]
    full = attach_targets(now.drop(columns=["target"]), targets_from_table(mid_october["targets"]))
    assert now["target"].to_numpy() == pytest.approx(full["target"].to_numpy() * 5 / 17)
    # the headline's team attainment is against the team target pro-rated the same way
    team = review.team_indicators
    team = team[(team["indicator"] == "team_target_attainment") & (team["period"] == "2026-10")]
    t = mid_october["targets"]
    t = t[(t["scope"] == "team") & (t["period"] == "2026-10") & (t["indicator"] == "sales_amount")]
    full = t.set_index("scope_id")["target"].reindex(team["team_id"]).to_numpy()
    assert team["denominator"].to_numpy() == pytest.approx(full * 5 / 17)
    # no bonus, commission, certification or improvement plan from a partial month
    assert review.bonus["bonus"].sum() == 0 and not review.bonus["eligible"].any()
    assert set(review.bonus["reason"]) == {"partial_period"}
    assert review.pip.empty and review.commission.empty
    assert review.certified.empty
    skipped = {n["section"] for n in review.notes if n.get("reason_code") == "partial_period"}
    assert skipped == {"bonus", "commission", "certification", "pip"}
    outcomes = agent_outcomes(review)
    assert outcomes["bonus"].sum() == 0 and not outcomes["pip"].any()
    sentences = " ".join(note_sentences(review))
    assert "same 5 working days of 2026-09 (2026-09-01 to 2026-09-07)" in sentences
    assert "5 of 17 working days" in sentences and "Not decided on a partial period" in sentences
    # the month to date is not judged against whole-month targets (before the fix every agent
    # of a mid-month week was in the lowest tier; here 21 of 39 are)
    tiers = review.current.agents["tier"]
    assert (tiers == review.scheme.bottom_tier).mean() < 0.75


def test_quarter_targets_are_the_agents_own_months_never_the_team_sum(small_dataset):
    from dataclasses import replace

    from kpi_lib.data.load import load_dataset
    from kpi_lib.report.review import note_sentences
    from kpi_lib.review import build_spec, compute_review, resolve_spec

    data = load_dataset(small_dataset)
    t = data["targets"]
    agent = sorted(t.loc[t["scope"] == "agent", "scope_id"].unique())[0]
    # the agent has a target for September only (as if it joined then)
    drop = (
        (t["scope"] == "agent")
        & (t["scope_id"] == agent)
        & t["period"].isin(["2026-07", "2026-08"])
    )
    data = replace(data, tables={**data.tables, "targets": t[~drop].reset_index(drop=True)})
    spec = build_spec(
        overrides={"cycle": "quarterly", "period": "2026-Q3", "draws": 50, "n_boot": 20}
    )
    review = compute_review(resolve_spec(spec, data), data)
    rows = review.current.indicators.set_index(["agent_id", "indicator"])
    september = t[(t["scope_id"] == agent) & (t["period"] == "2026-09")].set_index("indicator")
    assert rows.loc[(agent, "sales_amount"), "target"] == september.loc["sales_amount", "target"]
    # every agent is measured against the sum of its own months, never a team's total
    kept = data["targets"]
    own = kept[
        (kept["scope"] == "agent")
        & (kept["indicator"] == "sales_amount")
        & kept["period"].isin(["2026-07", "2026-08", "2026-09"])
    ]
    own = own.groupby("scope_id")["target"].sum()
    sales = review.current.indicators.query("indicator == 'sales_amount'")
    sales = sales.set_index("agent_id")["target"]
    assert sales.index.isin(own.index).all()
    assert sales.to_numpy() == pytest.approx(own.reindex(sales.index).to_numpy())
    notes = [n for n in review.notes if n["code"] == "partial_target"]
    assert any("sales_amount" in n["indicators"] and agent in n["agent_ids"] for n in notes)
    assert any(agent in s and "never the team's" in s for s in note_sentences(review))


def test_certified_now_needs_a_streak_that_reaches_the_scored_period():
    """A0046 qualified in 2026-08 and 2026-09 but not in 2026-10: a candidate of the past,
    not of the October review (the period review and agent_outcomes must agree)."""
    from types import SimpleNamespace

    from kpi_lib.review import Review

    certification = pd.DataFrame(
        {
            "agent_id": ["A0046", "A0007"],
            "eligible": [True, True],
            "current_streak": [2, 3],
            "last_period": ["2026-09", "2026-10"],
        }
    )
    fake = SimpleNamespace(
        certification=certification,
        scheme=SimpleNamespace(rule=lambda name: {"consecutive": 2}),
        scored_period="2026-10",
    )
    assert Review.certified.fget(fake)["agent_id"].tolist() == ["A0007"]
