"""Which indicators a dataset can provide: the tables and columns each one needs."""

from __future__ import annotations

import pandas as pd

from kpi_lib.indicators.catalogue import CATALOGUE, get_indicator
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine.inputs import open_source
from kpi_lib.indicators.engine.source import Source

__all__ = ["requirements", "unavailable_table", "unavailable_indicators"]


def requirements(indicator_id: str, definitions: Definitions | None = None) -> list[str]:
    """Tables and ``table.column`` items an indicator needs under ``definitions``."""
    d = definitions or Definitions()
    ind = get_indicator(indicator_id)
    need = list(ind.tables)
    cols = list(ind.columns)
    if indicator_id in ("effective_calls", "effective_call_rate", "effective_talk_time_min"):
        if not d.effective_requires_need_captured:
            cols = [c for c in cols if c != "calls.need_captured"]
    if d.sales_net_of_refunds and "sales_net_of_refunds" in ind.params:
        cols.append("orders.refunded_amount")
    if indicator_id in ("collection_rate",) and d.sales_net_of_refunds:
        cols.append("orders.refunded_amount")
    if indicator_id == "lead_utilisation" and d.lead_utilisation_basis != "converted":
        need, cols = ["leads", "calls"], ["calls.lead_id"]
    if indicator_id == "complaints_per_100":
        # customers served: calls.customer_id, else orders; paying customers: orders
        need = ["complaints", "orders"]
    return need + cols


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
            tables = [m for m in miss if "." not in m]
            columns = [m for m in miss if "." in m]
            parts = []
            if tables:
                parts.append("table " + ", ".join(f"`{t}`" for t in tables))
            if columns:
                parts.append("column " + ", ".join(f"`{c}`" for c in columns))
            message = f"{i} is unavailable: the dataset has no {' and no '.join(parts)}."
            if "calls.need_captured" in columns:
                message += " Set `effective_requires_need_captured: false` to count effective calls on talk time alone."
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
