"""Shared pieces of the QA calibration: judgement names, spot-check sheet columns and the
readers of the dataset tables every step uses.

Conventions: a judgement is *positive* when the call is judged compliant / effective. The
automatic judgements are the QA reviews whose reviewer is ``system`` (by default); every
other reviewer is human.
"""

from __future__ import annotations

import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.coverage import granularity_of, period_labels
from kpi_lib.data.dataset import Dataset

__all__ = [
    "JUDGEMENTS",
    "INDICATOR_OF",
    "REVIEW_COLUMNS",
    "SPOT_CHECK_COLUMNS",
    "reviews_table",
    "check_judgements",
    "team_map",
    "calls_table",
    "in_period",
]

#: The judgements a QA review can make about a call.
JUDGEMENTS = ("compliant", "effective")
#: Indicator (catalogue id) whose value is the system's share of positive judgements.
INDICATOR_OF = {"compliant": "compliance_rate_system", "effective": "effective_call_rate"}
#: Columns a reviewer fills in on the spot-check sheet.
REVIEW_COLUMNS = ["reviewer", "compliant", "effective", "notes"]
#: Columns of the spot-check sample and sheet, in order.
SPOT_CHECK_COLUMNS = [
    "call_id",
    "agent_id",
    "team_id",
    "started_at",
    "duration_s",
    "outcome",
    "intent_rating",
    "need_captured",
    "stratum",
    "reason",
    "inclusion_prob",
    "design_weight",
    *REVIEW_COLUMNS,
]


def reviews_table(data: Dataset) -> pd.DataFrame:
    """The ``qa_reviews`` table with string ids and nullable-boolean judgements.

    Raises a KeyError naming the dataset when it has no ``qa_reviews`` table.
    """
    if "qa_reviews" not in data.tables:
        raise KeyError(
            f"Dataset `{data.name}` has no `qa_reviews` table; QA calibration needs system and "
            "human reviews of the same calls."
        )
    r = data["qa_reviews"].copy()
    r["call_id"] = r["call_id"].astype("string")
    r["agent_id"] = r["agent_id"].astype("string")
    r["reviewer"] = r["reviewer"].astype("string")
    for j in JUDGEMENTS:
        if j in r.columns:
            r[j] = r[j].astype("boolean")
    return r


def check_judgements(judgements, reviews: pd.DataFrame | None = None) -> list[str]:
    """``judgements`` (a name or a sequence) as a list, checked against :data:`JUDGEMENTS` and,
    when ``reviews`` is given, against its columns."""
    if isinstance(judgements, str):
        judgements = [judgements]
    for j in judgements:
        check_option("judgements", j, JUDGEMENTS)
    if reviews is not None:
        missing = [j for j in judgements if j not in reviews.columns]
        if missing:
            raise KeyError(
                f"Table `qa_reviews` has no column(s) {missing}; present: {list(reviews.columns)}."
            )
    return list(judgements)


def team_map(data: Dataset) -> pd.Series:
    """``team_id`` by ``agent_id`` (both strings), from the ``agents`` table."""
    a = data["agents"]
    return pd.Series(a["team_id"].astype("string").to_numpy(), index=a["agent_id"].astype("string"))


def calls_table(data: Dataset, columns: list[str] | None = None) -> pd.DataFrame:
    """The ``calls`` table (or some of its columns), a copy with string ``call_id`` and
    ``agent_id``."""
    c = data["calls"]
    c = c[columns] if columns is not None else c.copy()
    c = c.assign(call_id=c["call_id"].astype("string"))
    if "agent_id" in c.columns:
        c["agent_id"] = c["agent_id"].astype("string")
    return c


def in_period(ts: pd.Series, period: str | None) -> pd.Series:
    """Boolean mask of the timestamps ``ts`` inside ``period`` (``2026-10``, ``2026-Q4``,
    ``2026``, ``2026-W43``); all True when ``period`` is None."""
    if period is None:
        return pd.Series(True, index=ts.index)
    return period_labels(ts, granularity_of(period))["period"] == str(period)
