"""Orchestration of a period review: one specification, computed once, read by every page.

Layer between ``analyses`` and ``report``: :func:`build_spec` merges and checks the settings,
:func:`resolve_spec` checks them against the data and fixes the windows,
:func:`compute_review` runs every shared computation, :func:`save_review` /
:func:`load_review` keep it in the staging folder, and :func:`open_review` is what a notebook
calls.
"""

from kpi_lib.review.pipeline import Review, agent_outcomes, compute_review, diverse_findings
from kpi_lib.review.prepare import load_review_data, open_review, prepare_spec
from kpi_lib.review.spec import REVIEW_SETTINGS, ReviewSpec, SpecError, build_spec
from kpi_lib.review.store import load_review, save_review
from kpi_lib.review.validate import (
    adapt_schemes,
    last_complete_period,
    periods_in_data,
    resolve_spec,
)

__all__ = [
    "REVIEW_SETTINGS",
    "Review",
    "adapt_schemes",
    "agent_outcomes",
    "ReviewSpec",
    "SpecError",
    "build_spec",
    "compute_review",
    "diverse_findings",
    "last_complete_period",
    "load_review",
    "load_review_data",
    "open_review",
    "periods_in_data",
    "prepare_spec",
    "resolve_spec",
    "save_review",
]
