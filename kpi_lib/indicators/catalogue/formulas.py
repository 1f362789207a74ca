"""Every indicator's value as a function of components: the one formula table.

A *component* is a sum or count per agent and period (``dials``, ``connects``, ``sales``, ...),
computed from the contract tables. Rates aggregate over agents and periods as ratios of
sums, so every indicator is assembled from summed components by one :class:`Formula`:

- ``sum``: ``value = scale * numerator``; the denominator is 1 (counts and amounts);
- ``ratio``: ``value = scale * numerator / denominator``;
- ``mean``: ``value = numerator / denominator`` where the denominator counts the agents
  with a value (a team's mean over its agents).

The output's ``numerator`` column holds the scaled numerator, so ``value`` is always
``numerator / denominator``. A zero or missing denominator gives a missing value with the
catalogue entry's ``missing_reason`` (or the formula's own reasons below).

The table is data, read by three independent pieces of code: the engine's assembly
(:mod:`kpi_lib.indicators.engine.assembly`), the plain-pandas reference
(:mod:`kpi_lib.indicators.reference`) and pre-aggregated exports
(:mod:`kpi_lib.indicators.preaggregated`).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction

from kpi_lib.indicators.catalogue.indicators import CATALOGUE
from kpi_lib.indicators.definitions import Definitions

__all__ = [
    "Formula",
    "Difference",
    "ByDefinition",
    "FORMULAS",
    "KINDS",
    "COMPONENTS",
    "DERIVED_COMPONENTS",
    "TEAM_COMPONENTS",
    "NOT_EMPLOYED",
    "NOT_COMPUTABLE",
    "WINDOW_NOT_COMPLETE",
    "resolve",
]

#: How a value follows from its components.
KINDS = ("sum", "ratio", "mean")

#: Reason of every indicator of an agent-period outside the agent's employment
#: (``outside_employment: flag``).
NOT_EMPLOYED = "not employed in period"
#: Reason of a missing value when the catalogue entry names none.
NOT_COMPUTABLE = "not computable"
#: Reason of a value whose repurchase window runs past the end of the data.
WINDOW_NOT_COMPLETE = "window not complete"


@dataclass(frozen=True)
class Difference:
    """A component computed as ``minuend - subtrahend``."""

    minuend: str
    subtrahend: str


@dataclass(frozen=True)
class ByDefinition:
    """One of ``options`` chosen by the value of a
    :class:`~kpi_lib.indicators.definitions.Definitions` field.

    Attributes
    ----------
    definition : str
        The Definitions field, e.g. ``lead_utilisation_basis``.
    options : tuple of (str, str)
        ``(value of the field, choice)`` pairs; a choice is a component name or a reason.
    """

    definition: str
    options: tuple[tuple[str, str], ...]

    def choose(self, definitions: Definitions) -> str:
        """The choice under ``definitions``."""
        value = getattr(definitions, self.definition)
        for option, choice in self.options:
            if option == value:
                return choice
        raise KeyError(f"No choice for `{self.definition}` = {value!r} (options {self.options}).")


def resolve(item: str | ByDefinition | None, definitions: Definitions) -> str | None:
    """``item`` itself, or its choice under ``definitions`` when it is a :class:`ByDefinition`."""
    return item.choose(definitions) if isinstance(item, ByDefinition) else item


@dataclass(frozen=True)
class Formula:
    """How one indicator's value follows from components.

    Attributes
    ----------
    kind : {"sum", "ratio", "mean"}
        See the module docstring.
    numerator : str
        Component summed into the numerator.
    denominator : str or None
        Component summed into the denominator; None for ``sum`` (denominator 1).
    scale : Fraction
        Factor of the numerator (100 for a rate per 100, 1/60 for seconds to minutes).
    missing_reason : str, ByDefinition or None
        Reason of a missing value, instead of the catalogue entry's ``missing_reason``.
    zero_reason : str or None
        Reason when the denominator is 0 (rather than missing), when it differs.
    censored : bool
        Missing, with reason :data:`WINDOW_NOT_COMPLETE`, in periods whose
        ``repurchase_window_days`` run past the end of the data (when
        ``repurchase_censoring`` is ``missing``).
    """

    kind: str
    numerator: str
    denominator: str | None = None
    scale: Fraction = Fraction(1)
    missing_reason: str | ByDefinition | None = None
    zero_reason: str | None = None
    censored: bool = False


def _sum(component: str, scale: Fraction = Fraction(1)) -> Formula:
    return Formula("sum", component, scale=scale)


def _ratio(numerator: str, denominator: str, **kw) -> Formula:
    return Formula("ratio", numerator, denominator, **kw)


#: Components computed from the contract tables per agent and period (the engine's Ibis
#: expressions and the pandas reference both produce them), with what each one sums.
COMPONENTS = {
    # calls
    "dials": "calls",
    "connects": "calls with outcome = connected",
    "effective": "effective calls (connected, long enough, need captured)",
    "talk_s": "calls.duration_s",
    "connected_talk_s": "calls.duration_s of connected calls",
    "effective_talk_s": "calls.duration_s of effective calls",
    "interested": "connected calls with intent_rating >= intent_interested_min",
    "customers_served": "distinct customer_id of connected calls (else of orders)",
    # orders
    "sales": "orders.amount (net of refunds when sales_net_of_refunds)",
    "deals": "orders",
    "new_sales": "orders.amount of each customer's first order",
    "new_customers": "customers' first orders",
    "order_customers": "distinct customer_id of orders",
    "collected": "orders.collected_amount",
    "repurchase_base": "distinct ordering customers",
    "repurchased": "ordering customers who order again within repurchase_window_days",
    # leads
    "leads": "leads assigned",
    "leads_worked": "leads assigned with a (connected) call",
    "leads_converted": "leads assigned that led to an order",
    "leads_intent": "leads assigned that showed intent",
    "leads_intent_converted": "leads assigned that showed intent and led to an order",
    # surveys, complaints, QA, trainings, proposals
    "surveys": "surveys answered",
    "score_sum": "surveys.score",
    "satisfied": "surveys with score >= satisfied_cutoff",
    "complaints": "complaints opened",
    "resolved": "complaints opened and resolved (within complaint_resolution_days)",
    "qa_all_n": "QA reviews",
    "qa_all_ok": "compliant QA reviews",
    "qa_system_n": "QA reviews by reviewer = system",
    "qa_system_ok": "compliant QA reviews by reviewer = system",
    "exams": "training exams taken",
    "exams_passed": "training exams passed",
    "proposals": "proposals submitted",
    "proposals_accepted": "proposals with accepted = true",
    # agents (one per agent-period; missing for agents not in the agents table)
    "level_sum": "level number of agents.level (level_map)",
    "level_n": "1 when agents.level is in level_map, else 0",
}

#: Components computed from other components after the per-table sums (and zero-filling),
#: in dependency order.
DERIVED_COMPONENTS: dict[str, Difference | ByDefinition] = {
    "repeat_sales": Difference("sales", "new_sales"),
    "leads_utilised": ByDefinition(
        "lead_utilisation_basis",
        (("converted", "leads_converted"), ("dialled", "leads_worked"),
         ("connected", "leads_worked")),
    ),
    "complaint_base": ByDefinition(
        "complaints_per",
        (("customers_served", "customers_served"), ("paying_customers", "order_customers")),
    ),
    "qa_human_n": Difference("qa_all_n", "qa_system_n"),
    "qa_human_ok": Difference("qa_all_ok", "qa_system_ok"),
    "qa_n": ByDefinition(
        "compliance_reviewer",
        (("human", "qa_human_n"), ("system", "qa_system_n"), ("any", "qa_all_n")),
    ),
    "qa_ok": ByDefinition(
        "compliance_reviewer",
        (("human", "qa_human_ok"), ("system", "qa_system_ok"), ("any", "qa_all_ok")),
    ),
}  # fmt: skip

#: Components that are a team's own figure: every agent row carries its team's value, a
#: team row takes it once (never summed over agents). ``("sum", c)``: the team's sum of
#: component ``c`` in the period; ``("target", i)``: the team's target for indicator ``i`` in
#: the period (``targets`` with scope ``team``; quarter and year targets sum the monthly
#: ones when the period itself has none).
TEAM_COMPONENTS = {
    "team_sales": ("sum", "sales"),
    "team_target": ("target", "sales_amount"),
}

#: Indicator id -> its :class:`Formula`, in catalogue order.
FORMULAS: dict[str, Formula] = {
    # performance results
    "sales_amount": _sum("sales"),
    "new_customer_sales": _sum("new_sales"),
    "repeat_sales": _sum("repeat_sales"),
    "collected_amount": _sum("collected"),
    "collection_rate": _ratio("collected", "sales"),
    "deals": _sum("deals"),
    "new_customers": _sum("new_customers"),
    "average_order_value": _ratio("sales", "deals"),
    "conversion_rate": _ratio("deals", "connects"),
    "lead_conversion_rate": _ratio("leads_intent_converted", "leads_intent"),
    "repurchase_rate": _ratio("repurchased", "repurchase_base", censored=True),
    # operational efficiency
    "dials": _sum("dials"),
    "connects": _sum("connects"),
    "connect_rate": _ratio("connects", "dials"),
    "effective_calls": _sum("effective"),
    "effective_call_rate": _ratio("effective", "connects"),
    "talk_time_min": _sum("talk_s", Fraction(1, 60)),
    "avg_talk_time_s": _ratio("connected_talk_s", "connects"),
    "effective_talk_time_min": _sum("effective_talk_s", Fraction(1, 60)),
    "lead_utilisation": _ratio("leads_utilised", "leads"),
    "intent_rate": _ratio("interested", "connects"),
    # service quality
    "satisfaction_score": _ratio("score_sum", "surveys"),
    "satisfaction_rate": _ratio("satisfied", "surveys"),
    "complaints_per_100": _ratio(
        "complaints",
        "complaint_base",
        scale=Fraction(100),
        missing_reason=ByDefinition(
            "complaints_per",
            (
                ("customers_served", "no customers served"),
                ("paying_customers", "no paying customers"),
            ),
        ),
    ),  # fmt: skip
    "complaint_resolution_rate": _ratio("resolved", "complaints"),
    "compliance_rate": _ratio("qa_ok", "qa_n"),
    "compliance_rate_human": _ratio("qa_human_ok", "qa_human_n"),
    "compliance_rate_system": _ratio("qa_system_ok", "qa_system_n"),
    "survey_coverage": _ratio("surveys", "connects"),
    # capability growth
    "training_pass_rate": _ratio("exams_passed", "exams"),
    "certification_level": Formula("mean", "level_sum", "level_n"),
    "proposals_submitted": _sum("proposals"),
    "proposals_accepted": _sum("proposals_accepted"),
    # team
    "team_target_attainment": _ratio(
        "team_sales", "team_target", zero_reason="team sales target is 0"
    ),
}


def _check_formulas() -> None:
    """The table against the catalogue and the definitions (run at import)."""
    if list(FORMULAS) != list(CATALOGUE):
        raise RuntimeError(
            "FORMULAS and CATALOGUE disagree: "
            f"without a formula {sorted(set(CATALOGUE) - set(FORMULAS))}, "
            f"not in the catalogue {sorted(set(FORMULAS) - set(CATALOGUE))} "
            "(or the order differs)."
        )
    fields = {f.name for f in dataclasses.fields(Definitions)}

    def check_choice(owner: str, choice: ByDefinition) -> None:
        if choice.definition not in fields:
            raise RuntimeError(f"{owner}: `{choice.definition}` is not a Definitions field.")
        for option, _ in choice.options:
            Definitions(**{choice.definition: option})  # raises on a value it does not allow

    known = set(COMPONENTS)
    for name, expr in DERIVED_COMPONENTS.items():
        if isinstance(expr, Difference):
            inputs = [expr.minuend, expr.subtrahend]
        else:
            check_choice(name, expr)
            inputs = [c for _, c in expr.options]
        unknown = [c for c in inputs if c not in known]
        if unknown:
            raise RuntimeError(f"Derived component {name} reads unknown components {unknown}.")
        known.add(name)
    for name, (how, of) in TEAM_COMPONENTS.items():
        ok = of in known if how == "sum" else how == "target" and of in CATALOGUE
        if not ok:
            raise RuntimeError(f"Team component {name}: bad source {(how, of)}.")
    known |= set(TEAM_COMPONENTS)
    for i, f in FORMULAS.items():
        if f.kind not in KINDS:
            raise RuntimeError(f"{i}: kind {f.kind!r} is not one of {KINDS}.")
        if (f.denominator is None) != (f.kind == "sum"):
            raise RuntimeError(f"{i}: a {f.kind} formula must have a denominator unless a sum.")
        if CATALOGUE[i].ratio != (f.kind == "ratio"):
            raise RuntimeError(f"{i}: catalogue `ratio` disagrees with the formula's kind.")
        for c in (f.numerator, f.denominator):
            if c is not None and c not in known:
                raise RuntimeError(f"{i}: unknown component {c!r}.")
        if isinstance(f.missing_reason, ByDefinition):
            check_choice(i, f.missing_reason)


_check_formulas()
