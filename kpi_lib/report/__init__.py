"""Report layer: rendering only — plots, tables and wording of computed results.

Notebooks import from here. Family modules (``review_plots``, ``scorecard_text``, ...) are
exposed as namespaces; the page furniture every review page uses is exposed by name.
"""

from kpi_lib.report import (
    before_after_plots,
    before_after_text,
    conflict_plots,
    conflict_text,
    formatting,
    overview_plots,
    quality_plots,
    quality_text,
    real_data_plots,
    real_data_text,
    review_plots,
    scorecard_plots,
    scorecard_text,
    sensitivity_plots,
    sensitivity_text,
)
from kpi_lib.report.fonts import setup_fonts
from kpi_lib.report.page import page_header_html, page_title, record, record_review
from kpi_lib.report.review import (
    agent_pages_html,
    board_html,
    changes_html,
    data_html,
    decisions_html,
    headline_html,
    health_html,
    leaderboard_html,
    notes_html,
    scheme_html,
)
from kpi_lib.report.review_text import text
from kpi_lib.report.style import figure_size, legend_outside, setup_plots

__all__ = [
    "formatting",
    "agent_pages_html",
    "before_after_plots",
    "before_after_text",
    "board_html",
    "changes_html",
    "conflict_plots",
    "conflict_text",
    "data_html",
    "decisions_html",
    "headline_html",
    "health_html",
    "leaderboard_html",
    "notes_html",
    "overview_plots",
    "page_header_html",
    "page_title",
    "quality_plots",
    "quality_text",
    "real_data_plots",
    "real_data_text",
    "record",
    "record_review",
    "review_plots",
    "scheme_html",
    "scorecard_plots",
    "scorecard_text",
    "sensitivity_plots",
    "sensitivity_text",
    "setup_fonts",
    "setup_plots",
    "figure_size",
    "legend_outside",
    "text",
]
