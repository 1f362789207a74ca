"""Which indicators pull against each other, and whether they matter for the business.

Every function takes the long indicator table of
:func:`kpi_lib.indicators.engine.compute_indicators` (one row per agent, period and indicator)
and returns a tidy DataFrame. The analyses follow "Diagnosing indicator conflicts" in the
domain brief (source 003, section 4): correlation map, within-agent versus between-agent
relations, expected relations that fail, trend conflicts between periods, relevance to the
business outcomes, and redundancy.

Agent-periods of the same agent are not independent, so every p-value for a pooled
correlation here is computed with agent-clustered standard errors (see
:func:`correlation_map`), and p-values of a family of tests are corrected with
Benjamini-Hochberg.

Files
-----
``inference`` (Benjamini-Hochberg, words for evidence and strength, the agent-clustered
correlation test), ``tables`` (validation, selection, the wide agent-period matrix, catalogue
directions and dimensions), then one analysis each: ``correlations``, ``within_between``,
``expected``, ``trends``, ``relevance`` and ``redundancy``.
"""

from __future__ import annotations

from kpi_lib.analyses.conflicts.correlations import correlation_map
from kpi_lib.analyses.conflicts.expected import expected_relations
from kpi_lib.analyses.conflicts.inference import bh_adjust, evidence_label, strength_label
from kpi_lib.analyses.conflicts.redundancy import (
    cronbach_alpha,
    cronbach_alpha_by_dimension,
    principal_components,
    redundant_pairs,
)
from kpi_lib.analyses.conflicts.relevance import (
    DEFAULT_OUTCOMES,
    outcome_relevance,
    relevance_summary,
)
from kpi_lib.analyses.conflicts.tables import select_indicators, wide_indicators
from kpi_lib.analyses.conflicts.trends import count_kind, trend_conflicts
from kpi_lib.analyses.conflicts.within_between import rm_corr, within_between

__all__ = [
    "bh_adjust",
    "select_indicators",
    "wide_indicators",
    "correlation_map",
    "rm_corr",
    "within_between",
    "expected_relations",
    "trend_conflicts",
    "outcome_relevance",
    "relevance_summary",
    "redundant_pairs",
    "cronbach_alpha",
    "cronbach_alpha_by_dimension",
    "principal_components",
    "evidence_label",
    "count_kind",
    "strength_label",
    "DEFAULT_OUTCOMES",
]
