"""Run layer: the ``kpi`` command and the period-review runner (see docs/architecture.md)."""

from kpi_lib.run.cli import main
from kpi_lib.run.runner import ReviewFailed, ReviewResult, recorded_values, render_html, run_review

__all__ = ["ReviewFailed", "ReviewResult", "main", "recorded_values", "render_html", "run_review"]
