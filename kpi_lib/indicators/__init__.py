"""indicators layer of kpi_lib (see docs/architecture.md): the catalogue and its computation.

The public face: computing indicators, the catalogue, definitions and period helpers.
Submodules (``catalogue``, ``definitions``, ``engine``, ``periods``, ``preaggregated``,
``reference``) hold the rest.
"""

from __future__ import annotations

from kpi_lib.indicators.catalogue import (
    CATALOGUE,
    DIMENSIONS,
    EXPECTED_RELATIONS,
    LANGUAGES,
    LEVELS,
    OUTPUT_COLUMNS,
    Indicator,
    catalogue_table,
    dimension_label,
    get_indicator,
    label,
)
from kpi_lib.indicators.definitions import Definitions, definitions_table
from kpi_lib.indicators.engine import compute_indicators, requirements, unavailable_indicators
from kpi_lib.indicators.periods import (
    CYCLES,
    GRANULARITIES,
    Period,
    next_period,
    parse_period,
    period_bounds,
    period_label,
    period_labels,
    period_order,
    period_start,
    periods_between,
    previous_period,
)
from kpi_lib.indicators.preaggregated import PreAggregated, read_preaggregated

__all__ = [
    # computing indicators
    "compute_indicators",
    "unavailable_indicators",
    "requirements",
    "read_preaggregated",
    "PreAggregated",
    "OUTPUT_COLUMNS",
    "LEVELS",
    # the catalogue
    "CATALOGUE",
    "Indicator",
    "DIMENSIONS",
    "LANGUAGES",
    "EXPECTED_RELATIONS",
    "get_indicator",
    "label",
    "dimension_label",
    "catalogue_table",
    # definitions
    "Definitions",
    "definitions_table",
    # periods
    "GRANULARITIES",
    "CYCLES",
    "Period",
    "parse_period",
    "period_label",
    "period_labels",
    "period_start",
    "period_bounds",
    "period_order",
    "previous_period",
    "next_period",
    "periods_between",
]
