"""The scorecard page in the review's language: translated, formatted, no raw values."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from pagecheck import raw_values, untranslated  # noqa: E402


@pytest.fixture(scope="module")
def small_review(small_data):
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(
        cycle="monthly",
        dataset=str(small_data),
        period="2026-10",
        overrides={"draws": 100, "n_boot": 20},
    )
    return compute_review(spec, data)


def _in(review, language):
    return replace(review, spec=review.spec.with_settings(language=language))


def _page(review) -> str:
    from kpi_lib.report import scorecard_text as st
    from kpi_lib.review import agent_outcomes

    parts = [
        st.read_me_html(review),
        st.scheme_html(review),
        st.scheme_review_html(review),
        st.scorecard_html(review, max_rows=5),
        st.detail_html(review),
        st.distribution_intro_html(review),
        st.breakdown_intro_html(review),
        st.board_intro_html(review, max_agents=5),
        st.bonus_html(review, max_rows=5),
        st.commission_html(review),
        st.certification_html(review, max_rows=5),
        st.pip_html(review, max_rows=5),
        st.coaching_html(review, max_rows=5),
        st.weak_spots_html(review),
        st.attainability_html(review),
        st.small_samples_html(review),
        st.key_numbers_html(review, st.key_numbers(review, agent_outcomes(review))),
    ]
    return "\n".join(parts)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_scorecard_page_is_translated_and_formatted(small_review, language):
    review = _in(small_review, language)
    page = _page(review)
    names = tuple(review.agent_names.values())
    assert untranslated(page, allowed=names) == []
    assert raw_values(page) == []
    # labels, not ids; no index column; the cut lists say so and link the export
    assert "sales_amount" not in page and "<th></th>" not in page
    shown = "显示" if language == "zh-Hans" else "顯示"
    assert shown in page and 'href="exports/scorecard.csv"' in page
    assert 'href="exports/bonus.csv"' in page


def test_scorecard_page_in_english_has_no_raw_values(small_review):
    page = _page(small_review)
    assert raw_values(page) == []
    assert "of 12 shown; the full list is in" in page


def test_bonus_table_shows_holds_and_gate_reasons(small_review):
    from kpi_lib.report import scorecard_text as st

    bonus = small_review.bonus.copy()
    held_id = bonus["agent_id"].iloc[0]
    bonus["held"] = bonus["agent_id"] == held_id
    bonus["hold"] = ""
    bonus["hold_codes"] = [
        [{"code": "bonus_held", "reason": "small_sample", "calls": 12, "rank_low": 1,
          "rank_high": 9}] if a == held_id else []
        for a in bonus["agent_id"]
    ]  # fmt: skip
    bonus["payable"] = bonus["bonus"].where(~bonus["held"], 0.0)
    review = replace(_in(small_review, "zh-Hans"), bonus=bonus)
    page = st.bonus_html(review, max_rows=20)
    assert "暂缓发放" in page and "本期应发" in page
    assert "暂缓：仅 12 通电话（名次可能在 1 至 9 之间）" in page
    assert raw_values(page) == [] and untranslated(page) == []
    # without hold columns the table has none
    unheld = small_review.bonus.drop(
        columns=["held", "hold", "hold_codes", "payable"], errors="ignore"
    )
    plain = st.bonus_html(_in(replace(small_review, bonus=unheld), "zh-Hans"), max_rows=20)
    assert "暂缓发放" not in plain
    # a leaderboard carrying holds shows them on the scorecard table
    lb = small_review.leaderboard.assign(held=small_review.leaderboard["agent_id"] == held_id)
    board = st.scorecard_html(replace(review, leaderboard=lb), max_rows=20)
    assert "奖金暂缓" in board and raw_values(board) == []
    assert "奖金暂缓" not in st.scorecard_html(_in(small_review, "zh-Hans"), max_rows=20)


def test_certification_shows_current_streak_and_rule(small_review):
    from kpi_lib.report import scorecard_text as st

    cert = pd.DataFrame(
        {
            "agent_id": ["A0001", "A0002", "A0003"],
            "team_id": ["T01"] * 3,
            "rule": ["senior certification"] * 3,
            "eligible": [True, True, False],
            "streak": [5, 3, 1],
            "current_streak": [2, 3, 1],
            "periods": ["2026-01, 2026-02, 2026-03, 2026-04, 2026-05"] + ["x"] * 2,
            "last_period": ["2026-10", "2026-09", "2026-10"],
            "evidence": [""] * 3,
        }
    )
    review = replace(_in(small_review, "en"), certification=cert)
    page = st.certification_html(review)
    # the current streak (2, since 2026-09), not the longest past one (5); the agent whose
    # streak ended before the scored period is not a candidate now; one agent is one away
    assert "current streak (periods)" in page and "2026-09" in page
    assert "A0002" not in page and ">5<" not in page
    assert "two consecutive months with satisfaction" in page
    assert "1 agent(s) meet the rule" in page and "1 more met it" in page


def test_certification_rule_says_months_only_for_monthly_periods(small_review):
    from kpi_lib.report import scorecard_text as st

    monthly = st._rule_text(_in(small_review, "zh-Hans"))
    assert "两个月" in monthly
    quarterly = replace(
        small_review, spec=small_review.spec.with_settings(cycle="quarterly", language="zh-Hant")
    )
    words = st._rule_text(quarterly)
    assert "月" not in words and "連續 2 期" in words and "高級認證" in words
