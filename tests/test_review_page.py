"""The period review page a manager reads: in the review's language, formatted, saying what
changed and who needs what (issue 18)."""

from __future__ import annotations

import re
import sys
from dataclasses import replace
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).parent))
from pagecheck import raw_values, untranslated, visible_text  # noqa: E402

from kpi_lib.indicators import dimension_label, label  # noqa: E402
from kpi_lib.report import review as rr  # noqa: E402


@pytest.fixture(scope="module")
def review(small_data):
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(dataset=str(small_data), cycle="monthly", overrides={"draws": 50})
    return compute_review(spec, data)


def _in(review, language):
    return replace(review, spec=review.spec.with_settings(language=language))


def _page(review, **kw) -> str:
    return "\n".join(
        [
            rr.headline_html(review),
            rr.board_html(review),
            rr.changes_html(review),
            rr.decisions_html(review, **kw),
            rr.leaderboard_html(review),
            rr.health_html(review),
            rr.scheme_html(review),
            rr.agent_pages_html(review, max_pages=2),
            rr.data_html(review),
            rr.notes_html(review),
        ]
    )


def _without_details(page: str) -> str:
    return re.sub(r"<details>.*?</details>", "", page, flags=re.S)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_page_in_chinese_has_no_english_and_no_raw_values(review, language):
    page = _page(_in(review, language))
    names = tuple(review.agent_names.values()) + (review.dataset.name, review.scheme.name)
    assert untranslated(page, allowed=names) == []
    assert raw_values(page) == []
    assert "compliance_rate" not in visible_text(page)  # labels, never ids
    assert "gate failed" not in page and "In tier" not in page


def test_page_in_english_has_no_raw_values_and_no_jargon_outside_the_analyst_part(review):
    page = _page(_in(review, "en"))
    assert raw_values(page) == []
    manager = visible_text(_without_details(page))
    for jargon in ("adjusted p", "P(top", "[003", "p_adj", "gate failed"):
        assert jargon not in manager, jargon
    for sentence in rr.finding_sentences(_in(review, "en")):
        assert not sentence.startswith("(") and "=" not in sentence, sentence
    ids = set(review.scorecard.indicators["indicator"])
    assert [i for i in ids if re.search(rf"\b{i}\b", manager)] == []  # labels, never ids


def test_headline_names_indicators_not_dimensions(review):
    en = _in(review, "en")
    head = rr.headline_html(en)
    intro = re.search(r"<p>Team:.*?</p>", head).group(0)
    indicators = rr.scored_indicators(en)
    assert f"on {len(indicators)} indicators:" in intro
    for i in indicators:
        assert label(i, "en") in intro
    for dim in review.current.dimensions["dimension"].unique():
        assert f"({dimension_label(dim, 'en')}" not in intro


def test_change_is_split_by_indicator_and_team(review):
    tables = rr.change_tables(review)
    overall = tables["overall"].iloc[0]
    assert tables["indicators"]["contribution_change"].sum() == pytest.approx(
        overall["mean_change"], abs=0.05
    )
    teams = tables["teams"].set_index("team_id")
    by_team = tables["team_indicators"].groupby("team_id")["contribution_change"].sum()
    assert (teams["explained"] - by_team.reindex(teams.index)).abs().max() < 1e-9
    tiers = tables["tiers"]
    assert tiers["agents_after"].sum() == review.current.agents["agent_id"].nunique()
    en = _in(review, "en")
    html = rr.changes_html(en)
    biggest = tables["indicators"].iloc[0]["indicator"]
    assert label(biggest, "en") in html and "<details>" in html
    assert "What moved the average composite" in rr.headline_html(en)


def test_trend_table_covers_the_history(review):
    tr = rr.trend_table(review)
    assert tr["period"].nunique() == len(review.scorecard.periods)
    fig = rr_plots().indicator_trends_plot(tr, language="en")
    assert len([a for a in fig.axes if a.get_visible()]) == tr["indicator"].nunique()


def rr_plots():
    from kpi_lib.report import review_plots

    return review_plots


def test_every_listed_agent_has_reason_and_evidence_and_cut_lists_say_so(review):
    en = _in(review, "en")
    full = rr.decisions_html(en, max_rows=1000)
    for agent in review.pip["agent_id"]:
        assert f"({agent})" in full
    for agent in review.certified["agent_id"]:
        assert f"({agent})" in full
    coaching = rr.coaching_table(en)
    needing = coaching[coaching["gap"] < 0]
    for r in needing.itertuples():
        assert r.agent in full and r.indicator_label in full and r.evidence_text in full
    cut = rr.decisions_html(en, max_rows=1)
    if len(needing) > 1:
        assert f"1 of {len(needing)} shown" in cut
        assert 'href="exports/coaching.csv"' in cut


def test_bonus_reasons_are_worded_from_the_gate_values(review):
    gate = review.scheme.gates[0]
    agent = review.current.agents["agent_id"].iloc[0]
    agents = review.current.agents.copy()
    agents.loc[agents["agent_id"] == agent, "bonus_eligible"] = False
    ind = review.current.indicators.copy()
    ind.loc[(ind["agent_id"] == agent) & (ind["indicator"] == gate.indicator), "value_observed"] = (
        gate.min - 0.1
    )
    bonus = review.bonus.copy()
    bonus.loc[bonus["agent_id"] == agent, ["eligible", "reason", "bonus"]] = [False, "x", 0.0]
    changed = replace(
        review, current=replace(review.current, agents=agents, indicators=ind), bonus=bonus
    )
    for language in ("en", "zh-Hans"):
        status = rr.bonus_status(_in(changed, language)).set_index("agent_id")["status"]
        assert label(gate.indicator, language) in status[agent]
        assert rr.format_value(gate.indicator, gate.min, language) in status[agent]
    en = rr.bonus_status(_in(changed, "en")).set_index("agent_id")["status"]
    assert en[agent].startswith("gate not passed:")


def test_held_bonuses_show_the_hold(review):
    bonus = review.bonus.copy()
    agent = bonus["agent_id"].iloc[0]
    record = {"code": "bonus_held", "reason": "small_sample", "calls": 30, "rank_low": 3,
              "rank_high": 41}  # fmt: skip
    bonus["held"] = bonus["agent_id"] == agent
    bonus["hold"] = ""
    bonus["hold_codes"] = [[record] if a == agent else [] for a in bonus["agent_id"]]
    bonus["payable"] = bonus["bonus"].where(~bonus["held"], 0.0)
    held = _in(replace(review, bonus=bonus), "en")
    html = rr.decisions_html(held)
    assert "bonus held: only 30 calls, plausible ranks 3–41" in html
    assert "payable now" in html and "1 bonuses are held" in html
    zh = rr.decisions_html(_in(replace(review, bonus=bonus), "zh-Hans"))
    assert "仅 30 通电话" in zh


def test_certification_shows_the_rule_and_the_current_streak(review):
    en = _in(review, "en")
    rule = review.scheme.rule("certification")
    assert f"{rule['consecutive']} periods in a row" in rr.certification_rule_text(en)
    html = rr.decisions_html(en)
    assert "periods in a row, up to now" in html
    for r in review.certified.itertuples():
        assert rr.certification_evidence(en, r.agent_id, r.last_period) in html


def test_talking_points_never_contradict_themselves(review):
    en = _in(review, "en")
    for agent in review.current.agents.dropna(subset=["composite"])["agent_id"]:
        page = rr.agent_page_data(en, agent)
        assert len(page["talking_points"]) == 3
        assert page["talking_points"][0].startswith("Praise:")
        for point in page["talking_points"]:
            same = re.search(r"at (.+?) is better than the team level \((.+?)\)", point)
            assert same is None or same.group(1) != same.group(2), point
            plan = re.search(r"from (.+?) to (.+?)\.$", point)
            assert plan is None or plan.group(1) != plan.group(2), point
        assert set(page["indicator_trend"]["indicator"]) <= set(
            review.current.indicators.query("weight > 0")["indicator"]
        )


def test_agent_pages_are_collapsed(review):
    html = rr.agent_pages_html(_in(review, "en"), max_pages=2)
    assert html.count("<details>") == 2 and html.count("<summary>") == 2


def test_scoring_notes_are_worded_in_the_language(review):
    zh = _in(review, "zh-Hans")
    note = {"code": "scoring", "note": "not_assessed", "cycle": "monthly",
            "indicators": ["repurchase_rate"]}  # fmt: skip
    sentence = rr.scoring_note(zh, note)
    assert label("repurchase_rate", "zh-Hans") in sentence and "月度" in sentence
    assert rr.scoring_note(zh, "something else") == "something else"


def test_plots_are_labelled_in_the_language(review):
    plots = rr_plots()
    ax = plots.composite_distribution_plot(review.current.agents, language="zh-Hans")
    assert ax.get_xlabel() == "综合得分"
    fig = plots.indicator_trends_plot(rr.trend_table(review), language="zh-Hans")
    assert fig.get_size_inches()[0] <= 10
    titles = {a.get_title() for a in fig.axes if a.get_visible()}
    assert titles <= {label(i, "zh-Hans") for i in pd.unique(rr.trend_table(review)["indicator"])}


def test_a_decision_skipped_on_a_partial_period_is_worded_in_the_language(review):
    note = {"code": "skipped", "section": "pip", "reason": "2026-10 is covered only in part",
            "reason_code": "partial_period", "period": "2026-10", "as_of": "2026-10-15"}  # fmt: skip
    zh = _in(replace(review, notes=[*review.notes, note]), "zh-Hans")
    html = rr.decisions_html(zh)
    assert "不基于部分期间做决定" in html and "covered only in part" not in html
    assert untranslated(html, allowed=tuple(review.agent_names.values())) == []


_STRICT_SCHEME = """
name: strict test scheme
normalisation: goalposts
aggregation: arithmetic
dimensions:
  performance:
    weight: 50
    indicators:
      sales_amount: {weight: 70, cycle: monthly}
      repurchase_rate: {weight: 30, cycle: quarterly}
  quality:
    weight: 30
    indicators:
      satisfaction_rate: {weight: 70, cycle: monthly}
      complaints_per_100: {weight: 30, cycle: monthly}
  efficiency:
    weight: 20
    indicators:
      effective_calls: {weight: 100, cycle: monthly}
gates:
  - {indicator: compliance_rate, min: 0.99, effect: bonus}
targets:
  satisfaction_rate: {target: 0.90, threshold: 0.75}
  repurchase_rate: {target: 0.12, threshold: 0.05}
tiers: {A: 85, B: 70, C: 50, D: null}
lights: {green: 1.0, yellow: 0.8}
missing_indicators: renormalise
rules:
  certification:
    name: test certification
    consecutive: 1
    conditions:
      - {indicator: satisfaction_rate, field: value, op: ">=", value: 0.5}
  pip: {bottom_tiers: 2, min_count: 1, window: 3}
  coaching: false
"""


@pytest.fixture(scope="module")
def strict_review(small_data, tmp_path_factory):
    """A review of the small dataset under a strict scheme: gates fail, agents are certified
    and put on an improvement plan, coaching is skipped (switched off), and the smallest
    agent's bonus is held for too few calls."""
    from kpi_lib.review import compute_review, prepare_spec
    from kpi_lib.scoring import bonus_allocation
    from kpi_lib.scoring.decisions import bonus_holds

    path = tmp_path_factory.mktemp("scheme") / "strict.yaml"
    path.write_text(_STRICT_SCHEME, encoding="utf-8")
    spec, data = prepare_spec(
        dataset=str(small_data),
        cycle="monthly",
        overrides={"draws": 50, "scheme": str(path), "language": "zh-Hans"},
    )
    review = compute_review(spec, data)
    if not review.bonus.get("held", pd.Series(dtype=bool)).any():
        # too few calls for one agent: the pipeline's own hold, on the review's leaderboard
        calls = pd.Series(500.0, index=review.leaderboard["agent_id"].astype(str))
        calls.iloc[-1] = 10.0
        holds = bonus_holds(review.leaderboard, gaming_flags=review.diagnosis, calls=calls)
        bonus = bonus_allocation(
            review.current, pool=review.spec.bonus_pool, period=review.scored_period, holds=holds
        )
        review = replace(review, bonus=bonus)
    error = {"code": "skipped", "section": "commission", "reason": "error",
             "error": "KeyError", "detail": "commission_tiers: no `sales_amount` rows"}  # fmt: skip
    return replace(review, notes=[*review.notes, error])


def test_a_review_that_hits_every_decision_path_has_no_english_in_chinese(strict_review):
    from kpi_lib.report import exports
    from kpi_lib.report import scorecard_text as st

    review = strict_review
    # the paths this test is about are all taken
    assert set(review.bonus["reason"]) >= {"gate_failed"}
    assert review.bonus["held"].any() and len(review.certified) and len(review.pip)
    assert review.coaching.empty
    codes = {n["code"] for n in review.notes}
    assert {"scoring", "skipped"} <= codes
    names = tuple(review.agent_names.values()) + (review.dataset.name, review.scheme.name)
    for language in ("zh-Hans", "zh-Hant"):
        zh = _in(review, language)
        pages = {
            "decisions": rr.decisions_html(zh),
            "notes": rr.notes_html(zh),
            "bonus": st.bonus_html(zh, max_rows=50),
            "certification": st.certification_html(zh, max_rows=50),
            "pip": st.pip_html(zh, max_rows=50),
            "coaching": st.coaching_html(zh),
            "scorecard": st.scorecard_html(zh, max_rows=50),
        }
        for name, page in pages.items():
            assert untranslated(page, allowed=names) == [], (language, name)
            assert raw_values(page) == [], (language, name)
        # the gate failure is worded with the indicator's label and the limit
        status = rr.bonus_status(zh).set_index("agent_id")["status"]
        failed = review.bonus.loc[review.bonus["reason"] == "gate_failed", "agent_id"]
        assert all(label("compliance_rate", language) in status[a] for a in failed)
        assert "99" in status[failed.iloc[0]]
        # the exports carry the worded sentences (no English) beside the codes
        tables = exports.decision_tables(zh)
        worded = {
            "bonus": "status",
            "certification": "evidence",
            "pip": "evidence",
            "scorecard": "gate_failures",
        }
        for export, column in worded.items():
            cells = tables[export][column].dropna().astype(str)
            assert len(cells) and cells.str.len().gt(0).any(), export
            html = "".join(f"<p>{c}</p>" for c in cells)
            assert untranslated(html, allowed=names) == [], (language, export)
        assert set(tables["bonus"]["reason"]) >= {"gate_failed"}
    # in English the same codes read as sentences
    en = _in(review, "en")
    assert "gate not passed" in rr.bonus_status(en).set_index("agent_id")["status"][failed.iloc[0]]
    assert "could not run on this data" in rr.notes_html(en)


def test_notes_and_decision_columns_are_codes_not_sentences(strict_review):
    """Nothing below report/ hands the page an English sentence: every note is a code with
    values, and the decisions' code columns hold identifiers."""
    review = strict_review
    ident = re.compile(r"^[a-z_]*$")
    for note in review.notes:
        assert ident.match(note["code"]) or re.match(r"^[a-z_]+\.[a-z_]+$", note["code"]), note
        assert "text" not in note, note
        if note["code"] == "scoring":
            assert ident.match(note["note"]), note
        if note["code"] == "skipped":
            assert ident.match(str(note["reason"])), note
    assert review.bonus["reason"].map(lambda r: bool(ident.match(r))).all()
    assert review.bonus["hold"].map(lambda r: all(ident.match(p) for p in r.split("; "))).all()
    for column in ("evidence", "message", "text"):
        assert column not in review.pip and column not in review.coaching
    for evidence in review.certification["evidence"]:
        assert all(isinstance(e, dict) and ident.match(e["indicator"]) for e in evidence)
