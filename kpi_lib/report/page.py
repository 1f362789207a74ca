"""What every page of a review starts with, and the values a page records for checking.

Each page opens with its title, the window it covers and the hash of the review
specification; :func:`record` stores a value in the executed notebook (a JSON output of its
own MIME type that HTML renderings leave out), so tests can check that every page of one
review shows the same numbers.
"""

from __future__ import annotations

import html
from functools import lru_cache

import pandas as pd

from kpi_lib.indicators import CATALOGUE, DIMENSIONS, LANGUAGES, dimension_label, label
from kpi_lib.report.fonts import cjk_font_face_css
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.review.pipeline import Review

__all__ = ["RECORD_MIME", "page_header_html", "page_title", "record", "record_review"]

#: MIME type of recorded values (read back by ``kpi_lib.run`` and the tests).
RECORD_MIME = "application/vnd.kpi-workbench.record+json"


def page_title(review: Review, page: str) -> str:
    """``<page> — <cycle> review <period>`` in the review's language."""
    lang = review.language
    if page == "period_review":
        cycle_name = text(f"cycle.{review.cycle}", lang)
        return text("title", lang, cycle_name=cycle_name, period=review.period)
    return text(
        "page.title",
        lang,
        page=text(f"page.{page}", lang),
        cycle_name=text(f"cycle.{review.cycle}", lang),
        period=review.period,
    )


def _team(review: Review) -> str:
    return ", ".join(review.teams) if review.teams else text("all_teams", review.language)


def window_sentence(review: Review, page: str) -> str:
    """Which window of data the page covers."""
    lang = review.language
    w = review.spec.windows
    if page == "conflict_diagnosis":
        return text(
            "window.conflict" if w["conflict_periods"] > 1 else "window.conflict_one",
            lang,
            n=w["conflict_periods"],
            start=w["conflict_from"],
            to=w["conflict_to"],
            team=_team(review),
        )
    if page == "data_quality":
        return text(
            "window.data", lang, start=w["data_from"], end=w["data_to"], period=review.period
        )
    if page == "weight_sensitivity":
        return text(
            "window.sensitivity", lang, scored=review.scored_period, scheme=review.scheme.name
        )
    if page == "before_after":
        return text("window.before_after", lang, end=w["data_to"])
    return text(
        "window.period",
        lang,
        period=review.period,
        start=w["start"],
        end=w["end"],
        team=_team(review),
        scored=review.scored_period,
    )


@lru_cache(maxsize=len(LANGUAGES))
def _catalogue_text(language: str) -> str:
    """Every character of the catalogue's sentences, indicator and dimension labels in
    ``language``."""
    i = LANGUAGES.index(language)
    words = [forms[i] for forms in TEXTS.values()] + [label(c, language) for c in CATALOGUE]
    words += [dimension_label(d, language) for d in DIMENSIONS]
    return "".join(sorted(set("".join(words))))


def page_font_css(review: Review) -> str:
    """An ``@font-face`` rule with the CJK glyphs of the review's wording and of its agents'
    and teams' names (empty for English).

    It travels inside the notebook's first output, so a Chinese page reads without system
    fonts however the notebook is rendered (``kpi review``, plain ``jupyter nbconvert``,
    JupyterLab); ``kpi review`` adds the glyphs of any other data on the page.
    """
    if review.language == "en":
        return ""
    agents = review.dataset.agents
    names = "".join(agents["agent_name"].astype(str)) + "".join(agents["team_id"].astype(str))
    return cjk_font_face_css(_catalogue_text(review.language) + names, family="KPI CJK page")


def page_header_html(review: Review, page: str) -> str:
    """Title, window and specification hash: the first lines of every page (for Chinese, with
    the font that renders them, see :func:`page_font_css`)."""
    lang = review.language
    css = page_font_css(review)
    style = f"<style>{css}</style>" if css else ""
    return (
        f"{style}<h1>{html.escape(page_title(review, page))}</h1>"
        f"<p><b>{html.escape(window_sentence(review, page))}</b><br/>"
        f"<small>{html.escape(text('window.spec', lang, hash=review.spec.hash))}</small></p>"
    )


def record(name: str, value) -> None:
    """Record ``value`` (JSON-able, or a DataFrame) under ``name`` in the running notebook."""
    from IPython.display import display

    if isinstance(value, pd.DataFrame):
        value = value.to_dict(orient="records")
    display({RECORD_MIME: {"name": name, "value": value}}, raw=True)


def record_review(review: Review, page: str, *, agents: pd.DataFrame | None = None) -> None:
    """Record the page name and title, the specification hash, the window and the effective-call rule,
    and, when given, ``agents``: the per-agent table the page shows (``agent_id`` plus any of
    ``composite``, ``tier``, ``bonus``, ``pip``)."""
    record("page", page)
    record("title", page_title(review, page))
    record("spec_hash", review.spec.hash)
    record("window", window_sentence(review, page))
    record("effective_min_talk_s", review.definitions.effective_min_talk_s)
    if agents is not None:
        record("agents", agents)
