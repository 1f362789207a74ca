"""How indicators should relate: the pairings of volume and quality indicators, and the
expected signs of correlations between indicators across agents."""

from __future__ import annotations

import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.indicators.catalogue.indicators import CATALOGUE, get_indicator

__all__ = ["EXPECTED_RELATIONS"]

#: Relations a healthy scheme should show between indicators across agents: the sign of the
#: correlation expected, and why. An observed sign opposite to the expected one is a conflict
#: worth diagnosing (DOMAIN: "Diagnosing indicator conflicts").
EXPECTED_RELATIONS = pd.DataFrame(
    [
        (
            "effective_calls",
            "sales_amount",
            1,
            "Effective conversations should produce sales; if effective calls rise while sales "
            "do not, call quality fell.",
        ),
        (
            "effective_calls",
            "conversion_rate",
            1,
            "More effective calls with falling conversion means the calls are emptier "
            "(effective calls +10 % while conversion -5 %).",
        ),
        (
            "effective_calls",
            "satisfaction_rate",
            1,
            "A negative relation means agents pad call counts at the expense of service.",
        ),
        (
            "dials",
            "connect_rate",
            1,
            "Volume should not cost reach; a negative relation signals dialling through invalid "
            "numbers or padding dials with instant hang-ups.",
        ),
        (
            "dials",
            "effective_call_rate",
            1,
            "Dialling more should not make conversations emptier; a negative relation is "
            "quantity crowding out quality.",
        ),
        (
            "talk_time_min",
            "intent_rate",
            1,
            "Talk time alone invites padding; it should come with interested customers.",
        ),
        (
            "intent_rate",
            "conversion_rate",
            1,
            "Interested customers should convert; if not, intent ratings are inflated or "
            "follow-up fails.",
        ),
        (
            "effective_call_rate",
            "conversion_rate",
            1,
            "Effective conversations should lead to deals.",
        ),
        (
            "sales_amount",
            "repurchase_rate",
            1,
            "Sales made by over-promising eat customer value: sales up while repurchase falls.",
        ),
        (
            "sales_amount",
            "complaints_per_100",
            -1,
            "Selling more should not generate complaints; a positive relation points to "
            "over-promising.",
        ),
        ("satisfaction_rate", "repurchase_rate", 1, "Satisfied customers come back."),
        ("satisfaction_rate", "complaints_per_100", -1, "Satisfied customers complain less."),
        (
            "compliance_rate",
            "complaints_per_100",
            -1,
            "Script compliance (no prohibited promises) should prevent complaints.",
        ),
        (
            "compliance_rate",
            "satisfaction_rate",
            1,
            "Compliant, honest calls should not hurt the customer experience.",
        ),
        (
            "training_pass_rate",
            "compliance_rate",
            1,
            "Training should show up as better script compliance.",
        ),
    ],
    columns=["indicator_a", "indicator_b", "expected_sign", "rationale"],
)


def _check_relations() -> None:
    """Pairings and relations name catalogue ids (run at import)."""
    for ind in CATALOGUE.values():
        for p in ind.pairs_with:
            check_option(f"{ind.id}.pairs_with", p, list(CATALOGUE))
    for col in ("indicator_a", "indicator_b"):
        for i in EXPECTED_RELATIONS[col]:
            get_indicator(i)


_check_relations()
