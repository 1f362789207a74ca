"""analyses layer of kpi_lib (see docs/architecture.md): diagnoses built on scorecards.

The public face: one namespace per family of analyses (``sensitivity``, ``before_after``,
``calibration``, ``conflicts``, ``gaming``, ``coverage``, ``recommendations``,
``real_data``), used as ``sensitivity.monte_carlo_ranks(...)``, plus the few entry points a
notebook calls directly.

Examples
--------
>>> from kpi_lib.analyses import sensitivity  # doctest: +SKIP
>>> mc = sensitivity.monte_carlo_ranks(scores, weights, draws=2000, seed=1)  # doctest: +SKIP
"""

from __future__ import annotations

from kpi_lib.analyses import (
    before_after,
    calibration,
    changes,
    conflicts,
    coverage,
    gaming,
    real_data,
    recommendations,
    sensitivity,
)
from kpi_lib.analyses.conflicts import correlation_map
from kpi_lib.analyses.coverage import coverage_matrix, table_coverage
from kpi_lib.analyses.real_data import open_tour
from kpi_lib.analyses.recommendations import diagnose, top_findings
from kpi_lib.analyses.sensitivity import effective_weights, monte_carlo_ranks

__all__ = [
    # families
    "before_after",
    "calibration",
    "changes",
    "conflicts",
    "coverage",
    "gaming",
    "real_data",
    "recommendations",
    "sensitivity",
    # entry points
    "table_coverage",
    "coverage_matrix",
    "correlation_map",
    "effective_weights",
    "monte_carlo_ranks",
    "diagnose",
    "top_findings",
    "open_tour",
]
