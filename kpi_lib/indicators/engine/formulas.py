"""The catalogue's formula table, and which components the engine computes for it.

:data:`FORMULAS` (indicator -> :class:`~kpi_lib.indicators.catalogue.formulas.Formula`) lives
in the catalogue, the one table the engine, the pandas reference and pre-aggregated exports
read; it is re-exported here and from :mod:`kpi_lib.indicators.engine`.
"""

from __future__ import annotations

from kpi_lib.indicators.catalogue import (
    COMPONENTS,
    DERIVED_COMPONENTS,
    FORMULAS,
    TEAM_COMPONENTS,
    ByDefinition,
    Difference,
)
from kpi_lib.indicators.definitions import Definitions

__all__ = ["FORMULAS", "TABLE_COMPONENTS", "needed_components"]


#: Components computed by each table's expression (the ``repurchase`` pass reads ``orders``).
TABLE_COMPONENTS = {
    "calls": ("dials", "connects", "effective", "talk_s", "connected_talk_s",
              "effective_talk_s", "interested", "customers_served"),
    "orders": ("sales", "deals", "new_sales", "new_customers", "collected", "order_customers"),
    "repurchase": ("repurchase_base", "repurchased"),
    "leads": ("leads", "leads_worked", "leads_converted", "leads_intent",
              "leads_intent_converted"),
    "surveys": ("surveys", "score_sum", "satisfied"),
    "complaints": ("complaints", "resolved"),
    "qa_reviews": ("qa_all_n", "qa_all_ok", "qa_system_n", "qa_system_ok"),
    "trainings": ("exams", "exams_passed"),
    "proposals": ("proposals", "proposals_accepted"),
}  # fmt: skip
_unknown = {c for cs in TABLE_COMPONENTS.values() for c in cs} - set(COMPONENTS)
if _unknown:  # internal consistency, checked at import
    raise RuntimeError(f"TABLE_COMPONENTS names components the catalogue lacks: {_unknown}.")


def needed_components(ids, d: Definitions) -> set:
    """Names of the components the indicators ``ids`` need under definitions ``d``: those
    their formulas name, and the components those are computed from."""
    need: set[str] = set()

    def add(name: str) -> None:
        if name in need:
            return
        need.add(name)
        expr = DERIVED_COMPONENTS.get(name)
        if isinstance(expr, Difference):
            add(expr.minuend)
            add(expr.subtrahend)
        elif isinstance(expr, ByDefinition):
            add(expr.choose(d))
        elif name in TEAM_COMPONENTS and TEAM_COMPONENTS[name][0] == "sum":
            add(TEAM_COMPONENTS[name][1])

    # calls always: they define the periods covered and the agents' last calls
    add("dials")
    for i in ids:
        formula = FORMULAS[i]
        add(formula.numerator)
        if formula.denominator is not None:
            add(formula.denominator)
    if "leads_intent_converted" in need:  # computed together with leads_intent
        need.add("leads_intent")
    return need
