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
    note = "Not assessed in the monthly cycle (weights rescaled over the rest): repurchase_rate."
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
