"""The data-quality page in the review's language: translated, formatted, no raw values."""

from __future__ import annotations

import shutil

import matplotlib
import numpy as np
import pandas as pd
import pytest
from pagecheck import raw_values, untranslated

from kpi_lib.analyses import calibration as cal
from kpi_lib.analyses import coverage as cov
from kpi_lib.report import quality_plots as qp
from kpi_lib.report import quality_text as qt
from kpi_lib.report.review_text import text
from kpi_lib.report.style import MAX_WIDTH_IN

matplotlib.use("Agg")

CHINESE = ("zh-Hans", "zh-Hant")


def _review(folder, language):
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(
        dataset=str(folder),
        period="2026-10",
        overrides={"draws": 20, "n_boot": 10, "language": language},
    )
    return compute_review(spec, data)


@pytest.fixture(scope="module", params=CHINESE)
def review(request, small_data):
    return _review(small_data, request.param)


@pytest.fixture(scope="module")
def bare_review(small_data, tmp_path_factory):
    """The same data without QA reviews and surveys."""
    folder = tmp_path_factory.mktemp("no_qa") / "data"
    shutil.copytree(small_data, folder)
    for name in ("qa_reviews", "surveys"):
        for f in folder.glob(f"{name}.*"):
            f.unlink()
    return _review(folder, "zh-Hans")


def _html(markdown: str) -> str:
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(markdown)


def _page(rv) -> str:
    """Everything the notebook shows, rendered as the page does (Markdown -> HTML)."""
    L = rv.spec.language
    ds = rv.dataset
    skipped = qt.unavailable_sections(rv)
    tables = cov.table_coverage(ds)
    quarantine = cov.quarantine_summary(ds)
    matrix = cov.coverage_matrix(cov.period_coverage(ds, granularity=rv.granularity))
    gaps = cov.indicator_gaps(rv.indicators[rv.indicators["period"] == rv.scored_period])
    parts = [
        _html(qt.note("intro", L)),
        qt.unavailable_summary(rv, skipped),
        _html(qt.heading("coverage", L)),
        _html(qt.coverage_text(tables, matrix, quarantine, gaps, language=L)),
        qt.table_html(qt.coverage_table(tables, language=L)),
        qt.table_html(qt.quarantine_table(quarantine, language=L)),
        qt.table_html(qt.gaps_table(gaps, language=L)),
        qt.table_html(qt.unavailable_table(rv.unavailable, language=L)),
    ]
    for key in ("tables", "quarantine", "heatmap", "gaps", "agreement_plots", "flags", "spot"):
        parts.append(_html(qt.note(f"note.{key}", L)))
    for section in qt.QA_SECTIONS:
        parts.append(qt.skipped_html(rv, skipped, section))
    if qt.available(skipped, "qa_agreement"):
        pairs = cal.paired_judgements(ds, granularity=rv.granularity)
        agreement = cal.agreement(pairs)
        flags = cal.flag_inflated(pairs)
        corrected = cal.corrected_rates(ds, period=rv.period, granularity=rv.granularity)
        parts += [
            _html(qt.agreement_text(agreement, language=L)),
            qt.details_html(
                qt.note("analyst", L, what=text("section.qa_agreement", L)),
                qt.table_html(qt.agreement_table(agreement, language=L)),
            ),
            _html(qt.flags_text(flags, language=L)),
            qt.table_html(qt.flags_table(flags, language=L)),
            _html(qt.correction_text(corrected, language=L)),
            qt.table_html(qt.correction_table(corrected, language=L)),
        ]
    if qt.available(skipped, "qa_reviewers"):
        reviewers = cal.reviewer_agreement(ds)
        leniency = cal.reviewer_leniency(ds)
        parts += [
            _html(qt.reviewer_text(reviewers, leniency, language=L)),
            qt.table_html(qt.reviewer_table(reviewers, language=L)),
            qt.table_html(qt.leniency_table(leniency, language=L)),
        ]
    sample = cal.spot_check_sample(ds, share=0.1, seed=1, period=rv.period)
    parts += [
        _html(qt.sample_text(sample, "spot_check/sheet.csv", language=L)),
        qt.table_html(qt.sample_table(sample, language=L)),
    ]
    return "\n".join(parts)


def test_page_is_translated_and_formatted(review):
    page = _page(review)
    assert untranslated(page) == []
    assert raw_values(page) == []
    L = review.spec.language
    # the QA sections are there, in words, with the statistics only in the analyst section
    assert text("quality.j.effective", L) in page
    assert "<details><summary>" in page
    assert text("quality.col.rows_filtered", L) in page
    assert text("quality.col.mcnemar_p", L) in page.split("<details>", 1)[1]
    assert "p 值" not in page.split("<details>", 1)[0]


def test_page_without_qa_reviews_says_what_is_missing(bare_review):
    skipped = qt.unavailable_sections(bare_review)
    assert set(skipped["section"]) == set(qt.QA_SECTIONS)
    page = _page(bare_review)
    assert untranslated(page) == [] and raw_values(page) == []
    unavailable = qt.table_html(qt.unavailable_table(bare_review.unavailable, language="zh-Hans"))
    assert "质检复核" in unavailable and "满意度调查" in unavailable
    summary = qt.unavailable_summary(bare_review, skipped)
    assert text("section.qa_flags", "zh-Hans") in summary
    for section in qt.QA_SECTIONS:
        assert qt.skipped_html(bare_review, skipped, section)


def _flags(**overrides):
    row = {
        "judgement": "effective",
        "agent_id": "A9",
        "team_id": "T1",
        "n": 60,
        "fp": 9,
        "fn": 3,
        "fpr": 0.18,
        "fpr_low": 0.1,
        "fpr_high": 0.3,
        "overall_fpr": 0.09,
        "team_fpr": 0.08,
        "team_fp_share": 0.5,
        "p_value": 0.2,
        "p_adjusted": 0.4,
        "fpr_p_value": 0.001,
        "fpr_p_adjusted": 0.004,
        "enough_data": True,
        "inflated": False,
        "fpr_above_team": True,
        "flagged": True,
    }
    row.update(overrides)
    other = {**row, "judgement": "compliant", "flagged": False, "fpr_above_team": False}
    return pd.DataFrame([row, other])


def test_flags_are_worded_against_the_team():
    en = qt.flags_text(_flags())
    assert (
        "the system credits 18% of this agent's calls as effective that QA judged not, "
        "against 8% for the team" in en
    )
    assert "no agent's rate looks inflated" in en  # compliant: nobody flagged
    assert "0.004" not in en and "0.001" not in en  # p-values stay in the analyst table
    zh = qt.flags_text(_flags(), language="zh-Hans")
    assert "18%" in zh and "8%" in zh and untranslated(zh) == []
    # the other signal: disagreements in the agent's favour (9 of 12) against the team's 50 %
    share = qt.flags_text(_flags(fpr_above_team=False, inflated=True))
    assert "75% of the errors are in the agent's favour, against 50% for the team" in share
    table = qt.flags_table(_flags(), language="zh-Hant")
    assert table.iloc[0][text("quality.col.fpr_p_adjusted", "zh-Hant")] == "0.004"
    assert raw_values(table.to_html()) == []


def test_reasons_from_lower_layers_are_worded():
    assert qt.reason_text("no surveys answered", "zh-Hans") == "没有回答的满意度调查"
    assert qt.reason_text("window not complete", "zh-Hant") == "時間窗口不完整"
    assert qt.reason_text("calls: duration above maximum (14400 s)", "zh-Hans") == "时长超过上限"
    assert qt.reason_text("something new", "zh-Hans") == text("quality.reason.rule", "zh-Hans")
    assert qt.reason_text("something new", "en") == "something new"
    assert qt.kappa_wording(float("nan"), "zh-Hans") == "无法确定"


@pytest.mark.parametrize("language", CHINESE)
def test_charts_are_labelled_in_the_language_and_fit_the_page(review, language):
    import matplotlib.pyplot as plt

    ds = review.dataset
    pairs = cal.paired_judgements(ds, granularity=review.granularity)
    matrix = cov.coverage_matrix(cov.period_coverage(ds, granularity=review.granularity))
    axes = [
        qp.coverage_heatmap(matrix, language=language),
        qp.confusion_plot(cal.confusion(pairs), language=language),
        qp.agreement_plot(cal.agreement(pairs), language=language),
        qp.agent_error_plot(cal.flag_inflated(pairs), language=language),
        qp.reviewer_leniency_plot(cal.reviewer_leniency(ds), language=language),
        qp.reviewer_kappa_heatmap(cal.reviewer_pairs(ds), language=language),
    ]
    for ax in axes:
        legend = ax.get_legend()
        words = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        words += [t.get_text() for t in ax.texts]
        words += [t.get_text() for t in legend.get_texts()] if legend else []
        words += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        words = " ".join(words)
        assert untranslated(f"<p>{words}</p>") == [], words
        assert ax.figure.get_size_inches()[0] <= MAX_WIDTH_IN
        plt.close(ax.figure)
    title = qp.coverage_heatmap(matrix, language=language).get_title()
    assert title == text("quality.plot.coverage_title", language)
    plt.close("all")


def test_coverage_shows_rows_removed_at_import():
    tables = pd.DataFrame(
        {
            "table": ["calls", "surveys"],
            "required": [True, False],
            "present": [True, False],
            "rows_read": [1000, 0],
            "rows_used": [940, 0],
            "rows_quarantined": [20, 0],
            "rows_filtered": [40, 0],
            "quarantined_share": [0.02, np.nan],
            "first": [pd.Timestamp("2026-10-01"), pd.NaT],
            "last": [pd.Timestamp("2026-10-31"), pd.NaT],
            "agents": [12.0, np.nan],
            "agents_share": [1.0, np.nan],
            "missing_columns": ["", ""],
            "status": ["ok", "missing"],
        }
    )
    table = qt.coverage_table(tables, language="zh-Hans")
    row = table.iloc[0]
    assert row["读取行数"] == "1,000" and row["使用行数"] == "940"
    assert row["隔离行数"] == "20" and row["导入时删除行数"] == "40"
    assert table.iloc[1]["状态"] == "未提供" and table.iloc[1]["起始日期"] == "无数据"
    assert raw_values(table.to_html()) == []
    empty = pd.DataFrame(columns=["table", "rows"])
    words = qt.coverage_text(tables, pd.DataFrame(), empty, language="zh-Hans")
    assert "导入规则删除的行：`通话` 40 行" in words and "`满意度调查`" in words
    assert untranslated(_html(words)) == []
