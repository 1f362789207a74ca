"""Which indicators a dataset can provide: the tables and columns each one needs."""

from __future__ import annotations

import pandas as pd

from kpi_lib.indicators.catalogue import CATALOGUE, requirements, unavailable_message
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine.inputs import open_source
from kpi_lib.indicators.engine.source import Source

__all__ = ["requirements", "unavailable_table", "unavailable_indicators"]


def _missing(src: Source, indicator_id: str, d: Definitions) -> list[str]:
    out = []
    for item in requirements(indicator_id, d):
        table, _, column = item.partition(".")
        if not src.has(table, column or None):
            out.append(item)
    return out


def unavailable_table(src: Source, d: Definitions, ids) -> pd.DataFrame:
    """``indicator``, ``missing_tables`` and ``message`` for each of ``ids`` that ``src`` cannot
    provide under definitions ``d`` (the table behind :func:`unavailable_indicators`)."""
    rows = []
    for i in ids:
        miss = _missing(src, i, d)
        if miss:
            message = unavailable_message(i, miss)
            rows.append({"indicator": i, "missing_tables": ", ".join(miss), "message": message})
    return pd.DataFrame(rows, columns=["indicator", "missing_tables", "message"])


def unavailable_indicators(data, *, definitions=None) -> pd.DataFrame:
    """Indicators the dataset cannot provide, and why.

    Parameters
    ----------
    data : Dataset, path or Ibis backend connection
        As for :func:`compute_indicators`.
    definitions : Definitions, dict or path, optional
        Some definitions change what is needed (e.g. ``effective_requires_need_captured``).

    Returns
    -------
    DataFrame
        ``indicator``, ``missing_tables`` (missing tables and ``table.column`` items,
        comma-separated) and ``message`` (a sentence for the user). Empty when every
        indicator is available.

    Examples
    --------
    >>> from kpi_lib.data import Dataset
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import unavailable_indicators
    >>> ds = load_sample()
    >>> unavailable_indicators(ds).empty
    True
    >>> no_surveys = Dataset({k: v for k, v in ds.tables.items() if k != "surveys"})
    >>> unavailable_indicators(no_surveys)[["indicator", "missing_tables"]]
                indicator missing_tables
    0  satisfaction_score        surveys
    1   satisfaction_rate        surveys
    2     survey_coverage        surveys
    """
    d = Definitions.from_yaml(definitions)
    return unavailable_table(open_source(data, None, None), d, CATALOGUE)
