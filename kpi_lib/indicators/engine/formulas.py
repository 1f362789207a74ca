"""Indicators as ratios of components, and the components each indicator needs."""

from __future__ import annotations

from kpi_lib.indicators.catalogue import CATALOGUE
from kpi_lib.indicators.definitions import Definitions

__all__ = ["FORMULAS", "TABLE_COMPONENTS", "needed_components"]


# indicator -> (numerator, denominator) in terms of components; a number means a constant.
FORMULAS: dict[str, tuple] = {
    "sales_amount": ("sales", 1),
    "new_customer_sales": ("new_sales", 1),
    "repeat_sales": ("repeat_sales", 1),
    "collected_amount": ("collected", 1),
    "collection_rate": ("collected", "sales"),
    "deals": ("deals", 1),
    "new_customers": ("new_customers", 1),
    "average_order_value": ("sales", "deals"),
    "conversion_rate": ("deals", "connects"),
    "lead_conversion_rate": ("leads_intent_converted", "leads_intent"),
    "repurchase_rate": ("repurchased", "repurchase_base"),
    "dials": ("dials", 1),
    "connects": ("connects", 1),
    "connect_rate": ("connects", "dials"),
    "effective_calls": ("effective", 1),
    "effective_call_rate": ("effective", "connects"),
    "talk_time_min": ("talk_min", 1),
    "avg_talk_time_s": ("connected_talk_s", "connects"),
    "effective_talk_time_min": ("effective_talk_min", 1),
    "lead_utilisation": ("leads_utilised", "leads"),
    "intent_rate": ("interested", "connects"),
    "satisfaction_score": ("score_sum", "surveys"),
    "satisfaction_rate": ("satisfied", "surveys"),
    "complaints_per_100": ("complaints_x100", "complaint_base"),
    "complaint_resolution_rate": ("resolved", "complaints"),
    "compliance_rate": ("qa_ok", "qa_n"),
    "compliance_rate_human": ("qa_human_ok", "qa_human_n"),
    "compliance_rate_system": ("qa_system_ok", "qa_system_n"),
    "survey_coverage": ("surveys", "connects"),
    "training_pass_rate": ("exams_passed", "exams"),
    "certification_level": ("level_sum", "level_n"),
    "proposals_submitted": ("proposals", 1),
    "proposals_accepted": ("proposals_accepted", 1),
    "team_target_attainment": ("team_sales", "team_target"),
}
if set(FORMULAS) != set(CATALOGUE):  # internal consistency, checked at import
    raise RuntimeError(
        "The engine's FORMULAS and the catalogue disagree: "
        f"without a formula {sorted(set(CATALOGUE) - set(FORMULAS))}, "
        f"not in the catalogue {sorted(set(FORMULAS) - set(CATALOGUE))}."
    )


#: Components computed by each table's expression (the ``repurchase`` pass reads ``orders``).
TABLE_COMPONENTS = {
    "calls": ("dials", "connects", "effective", "talk_min", "connected_talk_s",
              "effective_talk_min", "interested", "customers_served"),
    "orders": ("sales", "deals", "new_sales", "repeat_sales", "new_customers", "collected",
               "order_customers", "team_sales"),
    "repurchase": ("repurchase_base", "repurchased"),
    "leads": ("leads", "leads_utilised", "leads_worked", "leads_converted", "leads_intent",
              "leads_intent_converted"),
    "surveys": ("surveys", "score_sum", "satisfied"),
    "complaints": ("complaints", "complaints_x100", "resolved"),
    "qa_reviews": ("qa_n", "qa_ok", "qa_human_n", "qa_human_ok", "qa_system_n", "qa_system_ok"),
    "trainings": ("exams", "exams_passed"),
    "proposals": ("proposals", "proposals_accepted"),
}  # fmt: skip


def needed_components(ids, d: Definitions) -> set:
    """Names of the components the indicators ``ids`` need under definitions ``d``."""
    # calls always: they define the periods covered and the agents' last calls
    need = {"dials"}
    for i in ids:
        for part in FORMULAS[i]:
            if isinstance(part, str):
                need.add(part)
    if "complaint_base" in need:
        need.add(
            "order_customers" if d.complaints_per == "paying_customers" else "customers_served"
        )
    if "team_sales" in need:
        need.add("sales")
    if "leads_utilised" in need:
        need.add("leads_converted" if d.lead_utilisation_basis == "converted" else "leads_worked")
    if "leads_intent_converted" in need:
        need.add("leads_intent")
    if "repeat_sales" in need:
        need |= {"sales", "new_sales"}
    if "complaints_x100" in need:
        need.add("complaints")
    return need
