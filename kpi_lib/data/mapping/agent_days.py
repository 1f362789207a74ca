"""Agent-day totals: an export with one row per agent and day (calls made, connected, talk
seconds, deals, sales...) checked into the rows of the engine's pre-aggregated input.

The mapping's ``agent_days`` block names the columns (``agent_id``, ``date``, optionally
``team_id``, and totals named by the engine's components, see
:data:`~kpi_lib.data.mapping.spec.AGENT_DAY_COMPONENTS`). :func:`check_agent_days` sets aside,
with the reason and the raw value, every row the totals cannot come from: a date that does
not parse, a total that is not a number or is negative, an agent without a team. Rows of the
same agent and day are added up. :func:`kpi_lib.indicators.preaggregated.from_agent_days`
turns the result into indicators at any granularity.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.data.dataset import QUARANTINE_COLUMNS
from kpi_lib.data.mapping.spec import AGENT_DAY_ALIASES, AGENT_DAY_COMPONENTS, AGENT_DAYS
from kpi_lib.data.mapping.values import clean_text

__all__ = ["check_agent_days", "AGENT_DAY_FILE"]

#: File of the checked agent-day totals in an imported dataset folder.
AGENT_DAY_FILE = "agent_days.parquet"


def check_agent_days(
    frame: pd.DataFrame, agents: pd.DataFrame | None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Check mapped agent-day rows; return ``(days, quarantine)``.

    Parameters
    ----------
    frame : DataFrame
        The mapped rows (target columns of the ``agent_days`` block), one per source row.
    agents : DataFrame or None
        The imported ``agents`` table, for the team of each agent when the block maps no
        ``team_id``.

    Returns
    -------
    days : DataFrame
        ``agent_id``, ``team_id``, ``date`` (naive midnight) and one float column per total
        (component names, aliases resolved), one row per agent and day (rows of the same
        agent and day added up).
    quarantine : DataFrame
        ``table`` (``agent_days``), ``row`` (position in ``frame``), ``column``, ``reason``,
        ``value``: one line per problem.
    """
    frame = frame.rename(columns=AGENT_DAY_ALIASES).reset_index(drop=True)
    totals = [c for c in AGENT_DAY_COMPONENTS if c in frame.columns]
    problems: list[pd.DataFrame] = []

    def flag(mask: pd.Series, column: str, reason: str, values) -> None:
        if mask.any():
            problems.append(
                pd.DataFrame(
                    {
                        "table": AGENT_DAYS,
                        "row": np.flatnonzero(mask.to_numpy()),
                        "column": column,
                        "reason": f"{column}: {reason}",
                        "value": pd.Series(values)[mask.to_numpy()].astype(str).to_numpy(),
                    }
                )
            )

    agent = clean_text(frame["agent_id"])
    flag(agent.isna(), "agent_id", "missing value in a required column", agent)
    date_text = clean_text(frame["date"])
    date = pd.to_datetime(date_text, errors="coerce", format="ISO8601")
    flag(date_text.isna(), "date", "missing value in a required column", date_text)
    flag(date_text.notna() & date.isna(), "date", "not a date", date_text)
    out = pd.DataFrame({"agent_id": agent.astype("string"), "date": date.dt.normalize()})
    if "team_id" in frame.columns:
        team = clean_text(frame["team_id"])
        flag(team.isna() & agent.notna(), "team_id", "missing value", team)
    else:
        lookup = {}
        if agents is not None and len(agents):
            lookup = dict(zip(agents["agent_id"].astype(str), agents["team_id"], strict=False))
        team = agent.map(lookup)
        flag(
            agent.notna() & team.isna(),
            "agent_id",
            "agent not in the agents table (no team; map `team_id` or add the agent)",
            agent,
        )
    out["team_id"] = team.astype("string")
    for col in totals:
        raw = frame[col]
        text = clean_text(raw)
        number = pd.to_numeric(text, errors="coerce").astype("float64")
        flag(text.isna(), col, "missing value (write 0 for none)", text)
        flag(text.notna() & number.isna(), col, "not a number", text)
        flag(number < 0, col, "negative total", text)
        flag(np.isinf(number), col, "not a finite number", text)
        out[col] = number
    quarantine = (
        pd.concat(problems, ignore_index=True)
        if problems
        else pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    bad = np.zeros(len(out), dtype=bool)
    bad[quarantine["row"].to_numpy().astype(int)] = True
    good = out.loc[~bad]
    days = (
        good.groupby(["agent_id", "team_id", "date"], as_index=False, sort=True)[totals].sum()
        if len(good)
        else good[["agent_id", "team_id", "date", *totals]]
    )
    days["date"] = days["date"].astype("datetime64[us]")
    return days.reset_index(drop=True), quarantine
