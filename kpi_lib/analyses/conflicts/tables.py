"""The indicator table as the conflict analyses read it: validation, selection, the wide
agent-period matrix, and the catalogue's directions and dimensions.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from kpi_lib.indicators.periods import period_order

__all__ = [
    "check_indicator_table",
    "count_kind",
    "indicator_catalogue",
    "indicator_directions",
    "indicator_dimensions",
    "select_indicators",
    "small_sample_mask",
    "subject_ids",
    "wide_indicators",
]


# Used only when the catalogue module is unavailable (e.g. a custom indicator table).
_FALLBACK_LOWER_IS_BETTER = {"complaints_per_100"}


def indicator_catalogue():
    """The :mod:`kpi_lib.indicators.catalogue` module, or None when it cannot be imported (the
    analyses then work on a custom indicator table with defaults)."""
    try:
        from kpi_lib.indicators import catalogue
    except ImportError:  # the catalogue is optional for custom indicator tables
        return None
    return catalogue


def indicator_directions(ids: Iterable[str], directions: dict | None) -> dict[str, int]:
    """+1 when higher is better, -1 when lower is better, for each indicator id.

    ``directions`` (``{indicator: "higher"|"lower"}``, or +1 / -1) overrides the catalogue;
    ids in neither are higher-is-better except ``complaints_per_100``.

    Raises
    ------
    ValueError
        When a direction is not ``higher``, ``lower``, 1 or -1.
    """
    cat = indicator_catalogue()
    out = {}
    for i in ids:
        if directions and i in directions:
            d = directions[i]
        elif cat is not None and i in cat.CATALOGUE:
            d = cat.CATALOGUE[i].direction
        else:
            d = "lower" if i in _FALLBACK_LOWER_IS_BETTER else "higher"
        if d not in ("higher", "lower", 1, -1):
            raise ValueError(
                f"Direction of indicator {i!r} must be 'higher' or 'lower', but {d!r} was passed."
            )
        out[i] = -1 if d in ("lower", -1) else 1
    return out


def indicator_dimensions(ids: Iterable[str], dimensions: dict | None) -> dict[str, str]:
    """Dimension of each indicator id: ``dimensions`` overrides the catalogue; ids in neither
    are left out."""
    cat = indicator_catalogue()
    out = {}
    for i in ids:
        if dimensions and i in dimensions:
            out[i] = dimensions[i]
        elif cat is not None and i in cat.CATALOGUE:
            out[i] = cat.CATALOGUE[i].dimension
    return out


def check_indicator_table(indicators: pd.DataFrame, name: str = "indicators") -> str:
    """Validate the long table; return the subject column (agent_id or team_id)."""
    if not isinstance(indicators, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame (the indicator table).")
    missing = [c for c in ("team_id", "period", "indicator", "value") if c not in indicators]
    if missing:
        raise KeyError(
            f"The `{name}` table lacks column(s) {missing}; expected the indicator table of "
            "compute_indicators (agent_id, team_id, period, indicator, value, ...)."
        )
    if "granularity" in indicators and indicators["granularity"].nunique() > 1:
        raise ValueError(
            f"The `{name}` table mixes granularities {sorted(indicators['granularity'].unique())}; "
            "pass one granularity at a time."
        )
    return "agent_id" if "agent_id" in indicators else "team_id"


def select_indicators(
    indicators: pd.DataFrame,
    *,
    period_from: str | None = None,
    period_to: str | None = None,
    teams: Sequence[str] | str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of the indicator table within a period range, for some teams and indicators.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    period_from, period_to : str, optional
        Inclusive period labels (e.g. ``"2026-01"``); periods are ordered by ``period_start``
        (by label when the table has none, see :func:`kpi_lib.indicators.periods.period_order`).
    teams : str or list of str, optional
        Team ids to keep; ``None`` or ``""`` keeps all.
    ids : list of str, optional
        Indicator ids to keep.

    Returns
    -------
    DataFrame
        The same columns as ``indicators``, filtered.
    """
    check_indicator_table(indicators)
    out = indicators
    order = period_order(out)
    for label, value in (("period_from", period_from), ("period_to", period_to)):
        if value not in (None, "") and value not in order:
            raise ValueError(
                f"`{label}`={value!r} is not a period of the indicator table; periods: {order}."
            )
    lo = order.index(period_from) if period_from else 0
    hi = order.index(period_to) if period_to else len(order) - 1
    out = out[out["period"].astype(str).isin(order[lo : hi + 1])]
    if teams not in (None, "", []):
        teams = [teams] if isinstance(teams, str) else list(teams)
        unknown = sorted(set(teams) - set(indicators["team_id"]))
        if unknown:
            raise ValueError(
                f"Team(s) {unknown} not in the indicator table; teams: "
                f"{sorted(indicators['team_id'].unique())}."
            )
        out = out[out["team_id"].isin(teams)]
    if ids is not None:
        unknown = sorted(set(ids) - set(indicators["indicator"]))
        if unknown:
            raise KeyError(f"Indicator(s) {unknown} are not in the indicator table.")
        out = out[out["indicator"].isin(ids)]
    return out.reset_index(drop=True)


def wide_indicators(
    indicators: pd.DataFrame, *, ids: Sequence[str] | None = None, min_coverage: float = 0.5
) -> pd.DataFrame:
    """One row per agent-period (or team-period), one column per indicator.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    ids : list of str, optional
        Indicators to keep (default: all).
    min_coverage : float
        Indicators whose value is present in fewer than this share of rows, or that are
        constant, are dropped (they cannot be correlated).

    Returns
    -------
    DataFrame
        Index ``(agent_id, team_id, period)`` (``(team_id, period)`` at team level); one float
        column per kept indicator, in catalogue order when available.
    """
    subject = check_indicator_table(indicators)
    keys = ["agent_id", "team_id", "period"] if subject == "agent_id" else ["team_id", "period"]
    data = indicators if ids is None else indicators[indicators["indicator"].isin(ids)]
    wide = data.pivot_table(
        index=keys, columns="indicator", values="value", aggfunc="first", observed=True
    ).astype(float)
    wide.columns = [str(c) for c in wide.columns]
    keep = [
        c
        for c in wide.columns
        if wide[c].notna().mean() >= min_coverage and wide[c].nunique(dropna=True) > 1
    ]
    cat = indicator_catalogue()
    if cat is not None:
        rank = {k: i for i, k in enumerate(cat.CATALOGUE)}
        keep.sort(key=lambda c: (rank.get(c, len(rank)), c))
    return wide[keep]


def subject_ids(wide: pd.DataFrame) -> np.ndarray:
    """The agent id (team id at team level) of each row of a :func:`wide_indicators` matrix."""
    names = list(wide.index.names)
    return wide.index.get_level_values("agent_id" if "agent_id" in names else "team_id").to_numpy()


#: An agent-period whose call volume (``connects``, else ``dials``) is below this share of the
#: period's median agent is a partial period (a new hire, a leaver, a long absence): it is left
#: out of correlations, so that an agent with a handful of calls never drives a finding.
MIN_VOLUME_SHARE = 0.25


def small_sample_mask(
    indicators: pd.DataFrame, wide: pd.DataFrame, min_trials: int
) -> pd.DataFrame:
    """True where a value of a :func:`wide_indicators` matrix rests on too little data: a rate
    (share or per-100 rate with a ``denominator``) on fewer than ``min_trials`` trials, and
    every value of an agent-period whose ``connects`` (else ``dials``) is below
    :data:`MIN_VOLUME_SHARE` of the period's median agent. Same index and columns as ``wide``;
    ``min_trials=0`` masks nothing.
    """
    mask = pd.DataFrame(False, index=wide.index, columns=wide.columns)
    names = list(wide.index.names)
    if not min_trials:
        return mask
    if "agent_id" in names:
        vol = next((v for v in ("connects", "dials") if v in set(indicators["indicator"])), None)
        if vol is not None:
            v = indicators[indicators["indicator"] == vol].pivot_table(
                index=names, values="value", aggfunc="first", observed=True
            )["value"]
            v = v.reindex(wide.index)
            med = v.groupby(level="period", observed=True).transform("median")
            partial = (v < MIN_VOLUME_SHARE * med).fillna(False).to_numpy()
            mask.loc[partial, :] = True
    if "denominator" not in indicators:
        return mask
    rates = [c for c in wide.columns if count_kind(c)[0] == "proportion" or count_kind(c)[1] > 1]
    if not rates:
        return mask
    d = indicators[indicators["indicator"].isin(rates)]
    den = d.pivot_table(
        index=names, columns="indicator", values="denominator", aggfunc="first", observed=True
    )
    den.columns = [str(c) for c in den.columns]
    den = den.reindex(index=wide.index, columns=wide.columns)
    return mask | (den.notna() & (den < min_trials))


def count_kind(indicator: str) -> tuple[str | None, float]:
    """How an indicator's numerator counts events: (kind, scale).

    ``kind`` is ``"proportion"`` (numerator events out of denominator trials), ``"poisson"``
    (numerator / ``scale`` events over the denominator as exposure) or ``None`` (amounts,
    averages, levels: no count test). From the catalogue unit; unknown ids get ``None``.
    """
    cat = indicator_catalogue()
    if cat is None or indicator not in cat.CATALOGUE:
        return None, 1.0
    unit = str(cat.CATALOGUE[indicator].unit)
    if unit == "share":
        return "proportion", 1.0
    if unit == "count":
        return "poisson", 1.0
    if unit.startswith("per 100"):
        return "poisson", 100.0
    return None, 1.0
