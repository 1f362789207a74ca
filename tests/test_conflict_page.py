"""The conflict-diagnosis page in the review's language: no untranslated text, no raw values,
statistics in words, the cost of gaming from ``flagged_quality``, readable charts."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from pagecheck import raw_values, untranslated

from kpi_lib.report import conflict_plots, conflict_text
from kpi_lib.report.review_text import text

LANGS = ["en", "zh-Hans", "zh-Hant"]


@pytest.fixture(scope="module")
def review(small_data):
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(
        dataset=str(small_data), overrides={"draws": 20, "n_boot": 20, "language": "zh-Hans"}
    )
    return compute_review(spec, data)


def _in(review, language, **diagnosis):
    """The review in ``language``, with diagnosis tables replaced by ``diagnosis``."""
    spec = dataclasses.replace(review.spec, settings={**review.spec.settings, "language": language})
    return dataclasses.replace(review, spec=spec, diagnosis={**review.diagnosis, **diagnosis})


def _gamed(review, language):
    """One agent flagged for bunching whose customers are less satisfied than the team's."""
    agent = review.dataset.agents["agent_id"].iloc[0]
    team = review.dataset.agents["team_id"].iloc[0]
    bunching = pd.DataFrame(
        {"agent_id": [agent], "team_id": [team], "n_calls": [900], "excess_ratio": [0.85],
         "ci_low": [0.4], "ci_high": [1.3], "p_adj": [2e-9], "rank": [1], "rankable": [True],
         "flagged": [True]}
    )  # fmt: skip
    quality = pd.DataFrame(
        {"agent_id": [agent, agent], "team_id": [team, team],
         "outcome": ["satisfaction_rate", "repurchase_rate"], "value": [0.62, 0.30],
         "peer_value": [0.81, 0.31], "difference": [-0.19, -0.01], "ci_low": [-0.27, -0.08],
         "ci_high": [-0.11, 0.06], "p_value": [4.4e-139, 0.7], "worse": [True, False],
         "code": ["worse", "no_difference"], "n": [140, 30]}
    )  # fmt: skip
    return _in(review, language, bunching=bunching, flagged_quality=quality), agent


def _page(rv) -> str:
    lang = rv.language
    return "\n".join(
        [
            conflict_text.note_html(rv, "conflict.intro"),
            conflict_text.summary_html(rv),
            conflict_text.skipped_html(rv),
            conflict_text.heading_html(rv, "conflict.h.pairs"),
            conflict_text.table_html(conflict_text.pairs_table(rv), lang),
            conflict_text.table_html(conflict_text.gaming_table(rv), lang),
            conflict_text.table_html(conflict_text.actions_table(rv), lang),
            conflict_text.analyst_html(rv),
        ]
    )


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_page_is_translated_and_formatted(review, language):
    for rv in (_in(review, language), _gamed(review, language)[0]):
        page = _page(rv)
        names = tuple(rv.agent_names.values())
        assert untranslated(page, allowed=names) == []
        assert raw_values(page) == []
        assert not re.search(r"\de-\d", page)  # p-values never in e-notation


def test_english_page_has_no_raw_values(review):
    page = _page(_in(review, "en"))
    assert raw_values(page) == []
    assert "<details>" in page and page.index("<details>") > page.index("<ul>")


@pytest.mark.parametrize("language", LANGS)
def test_gaming_cost_worded_from_flagged_quality(review, language):
    rv, agent = _gamed(review, language)
    summary = conflict_text.summary_html(rv)
    name = rv.agent_names[agent]
    assert f"{name} ({agent})" in summary
    if language == "en":
        assert "stretches calls" in summary and "and their customers are less satisfied" in summary
    cost = text("conflict.cost.worse.satisfaction_rate", language, value="62.0%", peer="81.0%")
    assert cost in summary
    # the manager table names the cost; the p-value is only in the analyst section
    table = conflict_text.gaming_table(rv)
    assert text("conflict.col.cost", language) in table.columns
    assert "&lt; 0.001" not in conflict_text.table_html(table, language)
    analyst = conflict_text.analyst_html(rv)
    assert "&lt; 0.001" in analyst and text("conflict.cost.code.worse", language) in analyst


def test_no_cost_column_without_flagged_quality(review):
    rv, _ = _gamed(review, "en")
    rv = dataclasses.replace(
        rv, diagnosis={k: v for k, v in rv.diagnosis.items() if k != "flagged_quality"}
    )
    assert text("conflict.col.cost", "en") not in conflict_text.gaming_table(rv).columns
    assert "stretches calls" in conflict_text.summary_html(rv)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_skipped_analyses_are_sentences(review, language):
    skipped = pd.DataFrame(
        {"analysis": ["selective_surveys", "relevance"],
         "reason": ["no surveys table passed", "Too few agent-months with outcome data"]}
    )  # fmt: skip
    rv = _in(review, language, skipped=skipped)
    main = conflict_text.skipped_html(rv)
    assert untranslated(main) == [] and main.count("<li>") == 2
    assert text("conflict.table.surveys", language) in main
    # the library's own English reason is kept for analysts, inside the collapsed section
    assert "Too few agent-months" in conflict_text.analyst_html(rv)
    assert "Too few" not in main


def test_words_for_strength_and_certainty():
    assert conflict_text.strength_word(-0.75) == "a very strong"
    assert conflict_text.strength_word(0.05, "zh-Hans") == "可忽略的"
    assert conflict_text.certainty_word(4.4e-139) == "almost certain"
    assert conflict_text.certainty_word(0.02) == "likely"
    assert conflict_text.certainty_word(float("nan")) == "not certain"


def _corr():
    ids = ["effective_calls", "conversion_rate", "satisfaction_rate", "complaints_per_100"]
    rows = []
    rng = np.random.default_rng(3)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            r = float(rng.uniform(-0.8, 0.8))
            sign = -1.0 if "complaints" in b else 1.0
            rows.append({"indicator_a": a, "indicator_b": b, "method": "spearman", "r": r,
                         "r_oriented": sign * r, "ci_low": r - 0.1, "ci_high": r + 0.1,
                         "flag": "conflict" if sign * r < -0.4 else ""})  # fmt: skip
    return pd.DataFrame(rows)


def test_key_pairs_orient_intervals_and_rank():
    pairs = conflict_plots.key_pairs(_corr(), against=3, together=2)
    assert len(pairs) == 5
    assert (pairs["ci_low"] <= pairs["r_oriented"]).all()
    assert (pairs["r_oriented"] <= pairs["ci_high"]).all()
    assert pairs["r_oriented"].is_monotonic_increasing
    only = conflict_plots.key_pairs(_corr(), ["effective_calls", "conversion_rate"])
    assert set(only.loc[only["flag"] == "", "indicator_b"]) <= {"conversion_rate"}


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_pairs_chart_readable_and_translated(language):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from kpi_lib.indicators import label
    from kpi_lib.report.style import MAX_WIDTH_IN, setup_plots

    chart_language = setup_plots(language)
    ax = conflict_plots.pairs_chart(conflict_plots.key_pairs(_corr()), language=chart_language)
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert any(label("effective_calls", chart_language) in t for t in ticks)
    assert min(t.get_fontsize() for t in ax.get_yticklabels()) >= 9
    assert ax.figure.get_size_inches()[0] <= MAX_WIDTH_IN
    assert ax.get_xlabel() == text("conflict.plot.pairs_x", chart_language)
    plt.close(ax.figure)
