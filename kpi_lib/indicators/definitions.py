"""Parameters of the indicator definitions (what counts as an effective call, a satisfied
customer, a repurchase, ...).

Definitions are parameters, not constants: every indicator that depends on one reads it from
a :class:`Definitions` object, so changing a value in ``params/definitions/default.yaml`` changes
every result that depends on it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_lib._util import check_option, unknown_name_message

__all__ = ["Definitions", "DEFAULT_LEVEL_MAP", "definitions_table"]

DEFAULT_LEVEL_MAP = {"junior": 1, "intermediate": 2, "senior": 3}

REVIEWERS = ("human", "system", "any")
CENSORING = ("missing", "observed")
COMPLAINT_BASES = ("customers_served", "paying_customers")
OUTSIDE_EMPLOYMENT = ("drop", "flag")
QA_PERIODS = ("call", "review")
LEAD_BASES = ("converted", "dialled", "connected")


@dataclass(frozen=True)
class Definitions:
    """The tunable parts of the indicator definitions.

    Attributes
    ----------
    effective_min_talk_s : float
        A connected call is *effective* when its talk time is at least this many seconds
        (default 180 s = 3 minutes, the sources' example). The only home of this threshold:
        every analysis, chart and sentence about the rule reads it from here.
    bunching_below_s, bunching_above_s : float
        Talk-time window around the effective-call threshold in which threshold bunching
        (calls stretched just past the rule) is measured: the window is
        ``[effective_min_talk_s - bunching_below_s, effective_min_talk_s + bunching_above_s)``
        (default 15 s below and 30 s above, i.e. 165-210 s for the 180 s rule). Bins in the
        window are left out of the counterfactual fit; the excess is measured from the
        threshold to its upper end. See :attr:`bunching_window`.
    effective_requires_need_captured : bool
        An effective call must also have ``calls.need_captured`` true (default True).
    satisfied_cutoff : int
        A survey answer counts as *satisfied* when ``score >= satisfied_cutoff`` (1-5 scale).
    repurchase_window_days : int
        A customer *repurchases* when they order again within this many days after their
        first order of the period.
    repurchase_censoring : {"missing", "observed"}
        What to do with periods whose repurchase window runs past the end of the data:
        ``missing`` gives a missing value with reason ``window not complete``; ``observed``
        reports the repurchases seen so far (a lower bound).
    data_end : str or None
        End of the observed data (``YYYY-MM-DD``, exclusive), used for the censoring check;
        None means the latest order timestamp.
    compliance_reviewer : {"human", "system", "any"}
        Which QA judgements ``compliance_rate`` uses: human reviewers, the automatic system
        (reviewer ``system``) or both.
    qa_period : {"call", "review"}
        Which period a QA review counts in: that of the reviewed call (default: the
        compliance of the calls made in the period; reviews of calls missing from ``calls``
        fall back to ``reviewed_at``) or that of ``reviewed_at`` (no join of the reviews
        with the calls: cheaper on very large data).
    intent_interested_min : int
        A connected call produced an *interested* customer when ``intent_rating >=`` this
        (0 none, 1 low, 2 interested, 3 strong).
    lead_utilisation_basis : {"converted", "dialled", "connected"}
        What makes an assigned lead count as *utilised* in ``lead_utilisation``: an order
        credited to it (``converted``, default: the sources' "share of assigned leads
        converted", 线索利用率 = 分配线索的转化比例), at least one call to it (``dialled``:
        coverage of the lead pool) or at least one connected call (``connected``).
    complaint_resolution_days : int or None
        A complaint counts as resolved only if resolved within this many days of opening;
        None means resolved at any time before the end of the data.
    complaints_per : {"customers_served", "paying_customers"}
        Denominator of ``complaints_per_100``: the distinct customers with an order credited to
        the agent in the period (*paying customers*, default: the base of the sources' complaint
        rate, 15 % -> 5 % in the case study) or the distinct customers of the agent's connected
        calls in the period. Complaints come from buyers, so per customer *reached* the rate
        rises mechanically with conversion and every selling indicator looks harmful (issue 17).
    outside_employment : {"drop", "flag"}
        Agent-periods in which the agent was not employed: periods that end before the
        agent's ``hire_date`` and, for agents with ``active`` false, periods after the period
        of their last call. ``drop`` (default) leaves them out of agent-level results;
        ``flag`` keeps their rows with missing values and reason ``not employed in period``.
        Their activity (e.g. a lead assigned before the start date) always counts in team
        results.
    sales_net_of_refunds : bool
        Subtract ``orders.refunded_amount`` from sales amounts.
    level_map : dict
        ``agents.level`` text to certification level number.
    """

    effective_min_talk_s: float = 180.0
    bunching_below_s: float = 15.0
    bunching_above_s: float = 30.0
    effective_requires_need_captured: bool = True
    satisfied_cutoff: int = 4
    repurchase_window_days: int = 90
    repurchase_censoring: str = "missing"
    data_end: str | None = None
    compliance_reviewer: str = "human"
    qa_period: str = "call"
    intent_interested_min: int = 2
    lead_utilisation_basis: str = "converted"
    complaint_resolution_days: int | None = None
    complaints_per: str = "paying_customers"
    outside_employment: str = "drop"
    sales_net_of_refunds: bool = False
    level_map: dict = field(default_factory=lambda: dict(DEFAULT_LEVEL_MAP))

    def __post_init__(self):
        check_option("compliance_reviewer", self.compliance_reviewer, REVIEWERS)
        check_option("repurchase_censoring", self.repurchase_censoring, CENSORING)
        check_option("complaints_per", self.complaints_per, COMPLAINT_BASES)
        check_option("qa_period", self.qa_period, QA_PERIODS)
        check_option("lead_utilisation_basis", self.lead_utilisation_basis, LEAD_BASES)
        check_option("outside_employment", self.outside_employment, OUTSIDE_EMPLOYMENT)
        for name in ("effective_min_talk_s", "repurchase_window_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"Definition `{name}` must be a number >= 0, got {value!r}.")
        for name in ("bunching_below_s", "bunching_above_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise ValueError(
                    f"Definition `{name}` must be a number of seconds > 0, got {value!r}."
                )
        for name in ("satisfied_cutoff", "intent_interested_min", "complaint_resolution_days"):
            value = getattr(self, name)
            if value is None and name == "complaint_resolution_days":
                continue
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"Definition `{name}` must be a number, got {value!r}.")
        if not 1 <= self.satisfied_cutoff <= 5:
            raise ValueError(
                f"Definition `satisfied_cutoff` must be a survey score from 1 to 5, got "
                f"{self.satisfied_cutoff!r}."
            )
        if not 0 <= self.intent_interested_min <= 3:
            raise ValueError(
                f"Definition `intent_interested_min` must be an intent rating from 0 to 3, got "
                f"{self.intent_interested_min!r}."
            )
        if self.complaint_resolution_days is not None and self.complaint_resolution_days < 0:
            raise ValueError(
                "Definition `complaint_resolution_days` must be >= 0 or null, got "
                f"{self.complaint_resolution_days!r}."
            )
        for name in (
            "effective_requires_need_captured",
            "sales_net_of_refunds",
        ):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(
                    f"Definition `{name}` must be true or false, got {getattr(self, name)!r}."
                )
        if self.data_end is not None:
            try:
                pd.Timestamp(self.data_end)
            except (ValueError, TypeError):
                raise ValueError(
                    f"Definition `data_end` must be a date like 2026-11-01, got {self.data_end!r}."
                ) from None
        if not isinstance(self.level_map, dict) or not all(
            isinstance(v, int | float) for v in self.level_map.values()
        ):
            raise ValueError(
                f"Definition `level_map` must map level names to numbers, got {self.level_map!r}."
            )

    @property
    def bunching_window(self) -> tuple[float, float]:
        """The bunching window ``(low, high)`` in seconds around the effective-call threshold.

        ``(effective_min_talk_s - bunching_below_s, effective_min_talk_s + bunching_above_s)``;
        (165.0, 210.0) with the defaults.
        """
        t = float(self.effective_min_talk_s)
        return (t - float(self.bunching_below_s), t + float(self.bunching_above_s))

    @classmethod
    def from_yaml(cls, source: str | Path | dict | None) -> Definitions:
        """Build definitions from a YAML file or a dict; omitted keys keep their defaults.

        A top-level ``definitions:`` key is accepted (so the block can live in a larger
        parameter file). Unknown keys raise a KeyError naming the nearest valid key.
        """
        if source is None:
            return cls()
        if isinstance(source, Definitions):
            return source
        if isinstance(source, str | Path):
            import yaml

            path = Path(source)
            if not path.is_file():
                raise FileNotFoundError(f"Definitions file {str(path)!r} does not exist.")
            with path.open(encoding="utf-8") as fh:
                source = yaml.safe_load(fh) or {}
        if not isinstance(source, dict):
            raise ValueError(
                f"Definitions must be a mapping of name: value, got {type(source).__name__}."
            )
        if set(source) == {"definitions"} and isinstance(source["definitions"], dict):
            source = source["definitions"]
        valid = [f.name for f in dataclasses.fields(cls)]
        for key in source:
            if key not in valid:
                raise KeyError(unknown_name_message("definition", key, valid))
        return cls(**source)

    def to_dict(self) -> dict:
        """The definitions as a plain dict (YAML-ready)."""
        return dataclasses.asdict(self)

    def replace(self, **changes) -> Definitions:
        """A copy with some definitions changed (unknown names raise a KeyError)."""
        return Definitions.from_yaml({**self.to_dict(), **changes})


def definitions_table(definitions: Definitions | None = None) -> pd.DataFrame:
    """The definitions in force, with their defaults, as a table for reports.

    Returns
    -------
    DataFrame
        ``name``, ``value``, ``default``, ``changed`` (bool).
    """
    definitions = definitions or Definitions()
    default = Definitions()
    rows = []
    for f in dataclasses.fields(Definitions):
        value, dflt = getattr(definitions, f.name), getattr(default, f.name)
        rows.append({"name": f.name, "value": value, "default": dflt, "changed": value != dflt})
    return pd.DataFrame(rows)
