"""What each indicator needs from a dataset under given definitions, and the sentence that
tells a user why an indicator is unavailable."""

from __future__ import annotations

from kpi_lib.indicators.catalogue.indicators import get_indicator
from kpi_lib.indicators.definitions import Definitions

__all__ = ["requirements", "unavailable_message"]


def requirements(indicator_id: str, definitions: Definitions | None = None) -> list[str]:
    """Tables and ``table.column`` items an indicator needs under ``definitions``."""
    d = definitions or Definitions()
    ind = get_indicator(indicator_id)
    need = list(ind.tables)
    cols = list(ind.columns)
    if not d.effective_requires_need_captured:
        cols = [c for c in cols if c != "calls.need_captured"]
    if d.sales_net_of_refunds and (
        "sales_net_of_refunds" in ind.params or ind.id == "collection_rate"
    ):
        cols.append("orders.refunded_amount")
    if ind.id == "lead_utilisation" and d.lead_utilisation_basis != "converted":
        need, cols = ["leads", "calls"], ["calls.lead_id"]
    if ind.id == "complaints_per_100":
        # customers served: calls.customer_id, else orders; paying customers: orders
        need = ["complaints", "orders"]
    return need + cols


def unavailable_message(indicator_id: str, missing) -> str:
    """Why ``indicator_id`` is unavailable, given the ``missing`` items of its
    :func:`requirements` (tables and ``table.column`` items)."""
    tables = [m for m in missing if "." not in m]
    columns = [m for m in missing if "." in m]
    parts = []
    if tables:
        parts.append("table " + ", ".join(f"`{t}`" for t in tables))
    if columns:
        parts.append("column " + ", ".join(f"`{c}`" for c in columns))
    message = f"{indicator_id} is unavailable: the dataset has no {' and no '.join(parts)}."
    if "calls.need_captured" in columns:
        message += (
            " Set `effective_requires_need_captured: false` to count effective calls on talk "
            "time alone."
        )
    return message
