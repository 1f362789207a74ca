"""The indicator engine: every catalogue indicator per agent or team and period.

The heavy work (scanning calls, orders, surveys, ...) is written as Ibis expressions and runs
on DuckDB by default: embedded, out-of-core, reading a dataset folder's Parquet/CSV files
directly, so 100M calls fit on one machine. The same expressions run unchanged on any other
Ibis backend (PySpark, a warehouse); pass a connection as ``data`` or ``backend``. Each table
is reduced to a small frame of *components* (sums and counts per agent and period); the
indicators are ratios of those components, assembled in pandas, so that every rate
aggregates as a ratio of sums.

Files: ``compute`` (:func:`compute_indicators`), ``availability`` (what each indicator needs,
:func:`unavailable_indicators`), ``inputs`` / ``folder`` / ``source`` (a Dataset, a dataset
folder or a backend connection as Ibis tables), ``components`` (the Ibis expressions),
``keys`` (narrow join keys, query execution), ``formulas`` (indicators as ratios of
components) and ``assembly`` (the tidy indicator table, shared with the pandas reference).
"""

from __future__ import annotations

from kpi_lib.indicators.catalogue import LEVELS, OUTPUT_COLUMNS
from kpi_lib.indicators.engine.assembly import (
    NOT_EMPLOYED,
    finish_components,
    indicators_from_components,
)
from kpi_lib.indicators.engine.availability import requirements, unavailable_indicators
from kpi_lib.indicators.engine.compute import compute_indicators
from kpi_lib.indicators.engine.formulas import FORMULAS

__all__ = [
    "compute_indicators",
    "unavailable_indicators",
    "indicators_from_components",
    "finish_components",
    "requirements",
    "OUTPUT_COLUMNS",
    "LEVELS",
    "FORMULAS",
    "NOT_EMPLOYED",
]
