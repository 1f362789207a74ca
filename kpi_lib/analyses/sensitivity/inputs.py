"""Adapters from the scoring layer: score matrices and weights from scorecards and schemes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from kpi_lib._util import check_option

__all__ = [
    "score_matrix",
    "scheme_inputs",
    "scorecard_inputs",
    "alternative_scores",
    "scheme_set_inputs",
]


def score_matrix(
    scorecard,
    *,
    period: str | None = None,
    rankable_only: bool = False,
    weighted_only: bool = True,
    column: str = "score",
) -> pd.DataFrame:
    """The wide score matrix (agents x indicators) of one period of a Scorecard.

    Parameters
    ----------
    scorecard : Scorecard or DataFrame
        A ``kpi_lib.scoring.composite.Scorecard`` or its ``indicators`` table (columns
        ``agent_id``, ``period``, ``indicator``, ``score``; optional ``weight``, ``rankable``).
    period : str, optional
        Period label; default the latest period.
    rankable_only : bool
        Keep only agents flagged ``rankable`` in ``scorecard.agents`` (or, for a bare table,
        on every indicator row). The scorecard ranks every agent, so the default keeps all.
    weighted_only : bool
        Keep only indicators with a positive ``weight`` (drops gate-only indicators).
    column : str
        Column holding the 0-100 score.

    Returns
    -------
    DataFrame
        Index ``agent_id``, one column per indicator, values = scores (NaN where missing).
    """
    ind = scorecard if isinstance(scorecard, pd.DataFrame) else scorecard.indicators
    absent = {"agent_id", "period", "indicator", column} - set(ind.columns)
    if absent:
        raise KeyError(f"Scorecard indicators table lacks columns {sorted(absent)}.")
    periods = sorted(ind["period"].dropna().astype(str).unique())
    if not periods:
        raise ValueError("Scorecard indicators table is empty.")
    period = periods[-1] if period is None else str(period)
    check_option("period", period, periods)
    sub = ind[ind["period"].astype(str) == period]
    if weighted_only and "weight" in sub.columns:
        sub = sub[sub["weight"] > 0]
    if rankable_only:
        agents_tbl = None if isinstance(scorecard, pd.DataFrame) else scorecard.agents
        if agents_tbl is not None and "rankable" in agents_tbl.columns:
            ok = agents_tbl[
                (agents_tbl["period"].astype(str) == period) & agents_tbl["rankable"].astype(bool)
            ]["agent_id"]
            sub = sub[sub["agent_id"].isin(ok)]
        elif "rankable" in sub.columns:
            ok = sub.groupby("agent_id")["rankable"].all()
            sub = sub[sub["agent_id"].isin(ok[ok].index)]
    wide = sub.pivot_table(
        index="agent_id", columns="indicator", values=column, aggfunc="first", dropna=False
    )
    wide.columns = [str(c) for c in wide.columns]
    wide.columns.name = "indicator"
    return wide.astype(float)


def scheme_inputs(scheme, indicators: Sequence[str] | None = None) -> dict:
    """Keyword arguments for this module's functions taken from a scoring ``Scheme``.

    Parameters
    ----------
    scheme : Scheme or str
        A ``kpi_lib.scoring.schemes.Scheme`` or a scheme name / path for ``load_scheme``.
    indicators : sequence of str, optional
        Restrict to these indicators (e.g. those assessed in a cycle), rescaling the rest.

    Returns
    -------
    dict
        ``weights`` (Series), ``tiers``, ``bottom_tier``, ``method``, ``geometric_shift``.
    """
    from kpi_lib.scoring.schemes import load_scheme

    if not hasattr(scheme, "overall_weights"):
        scheme = load_scheme(scheme)
    weights = scheme.overall_weights(None if indicators is None else list(indicators))
    tiers = {k: float(v) for k, v in scheme.tiers.items() if v is not None}
    return {
        "weights": weights,
        "tiers": tiers,
        "bottom_tier": scheme.bottom_tier,
        "method": scheme.aggregation,
        "geometric_shift": scheme.geometric_shift,
    }


def scorecard_inputs(
    scorecard,
    *,
    period: str | None = None,
    indicators: pd.DataFrame | None = None,
    sampling: bool = True,
) -> dict:
    """Keyword arguments for this module's functions taken from a Scorecard.

    The weights are those the scorecard used in ``period`` (the scheme's weights rescaled over
    the indicators assessed in its cycle), so the nominal composites and ranks reproduce the
    scorecard's (gates that zero a composite aside: this module studies weights only).

    Parameters
    ----------
    scorecard : Scorecard
        From ``kpi_lib.scoring.composite.score``.
    period : str, optional
        Default the latest period of the scorecard.
    indicators : DataFrame, optional
        The agent-level indicator table behind the scorecard: gives the sampling model the
        event counts behind amounts (orders behind ``sales_amount``); without it amounts
        keep their observed values in every draw.
    sampling : bool, default True
        Add the ``sampling`` model (:func:`~kpi_lib.analyses.sensitivity.sampling.
        sampling_model`), so that ``monte_carlo_ranks(**inputs)`` includes the sampling noise
        of the counts.

    Returns
    -------
    dict
        ``scores`` (see :func:`score_matrix`), ``weights``, ``tiers``, ``bottom_tier``,
        ``method``, ``geometric_shift`` and (with ``sampling``) ``sampling``.

    Examples
    --------
    >>> from kpi_lib.analyses.sensitivity import scorecard_inputs
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import score
    >>> sc = score(compute_indicators(load_sample()), "default")
    >>> inputs = scorecard_inputs(sc, period="2026-04")
    >>> sorted(inputs)
    ['bottom_tier', 'geometric_shift', 'method', 'sampling', 'scores', 'tiers', 'weights']
    >>> inputs["weights"]
    indicator
    complaints_per_100    0.09
    effective_calls       0.20
    sales_amount          0.50
    satisfaction_rate     0.21
    Name: weight, dtype: float64
    >>> inputs["scores"].iloc[:3, :2].round(1)  # doctest: +NORMALIZE_WHITESPACE
    indicator  complaints_per_100  effective_calls
    agent_id
    A0001                    67.0            100.0
    A0002                   100.0             99.0
    A0003                   100.0              0.0
    """
    scores = score_matrix(scorecard, period=period)
    ind = scorecard.indicators
    per = str(period) if period is not None else sorted(ind["period"].astype(str).unique())[-1]
    ag = scorecard.agents
    ranked = ag.loc[(ag["period"].astype(str) == per) & ag["composite"].notna(), "agent_id"]
    # agents the scorecard could not score (too little of the weight covered) stay out
    scores = scores[scores.index.isin(ranked)]
    w = (
        ind[(ind["period"].astype(str) == per) & (ind["weight"] > 0)]
        .groupby("indicator", sort=False)["weight"]
        .first()
    )
    w.index = [str(i) for i in w.index]
    # an indicator nobody has a score on this period (e.g. repurchase whose follow-up window
    # is not complete yet) carries no information: leave it out and rescale the rest, as the
    # scorecard's coverage rule does for each agent
    scores = scores.loc[:, scores.notna().any(axis=0)]
    out = scheme_inputs(scorecard.scheme)
    w = w.reindex(scores.columns).dropna()
    out["weights"] = w / w.sum() if w.sum() > 0 else w
    out["scores"] = scores[w.index]
    if sampling:
        from kpi_lib.analyses.sensitivity.sampling import sampling_model

        out["sampling"] = sampling_model(
            scorecard, period=per, indicators=indicators, agents=out["scores"].index
        )
    return out


def alternative_scores(
    indicators: pd.DataFrame,
    scheme,
    *,
    normalisations: Sequence[str],
    period: str,
    cycle: str = "monthly",
    **score_options,
) -> dict[str, pd.DataFrame]:
    """Score matrices of one period under other normalisation methods, for method switches.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table.
    scheme : Scheme or str
    normalisations : sequence of str
        Methods of ``kpi_lib.scoring.schemes.NORMALISATIONS`` (the scheme's own is skipped).
    period, cycle
        As for ``kpi_lib.scoring.composite.score``.
    **score_options
        Passed to ``score``.

    Returns
    -------
    dict of str to DataFrame
        Method -> score matrix (see :func:`score_matrix`), for ``alternatives=``.
    """
    from dataclasses import replace

    from kpi_lib.scoring.composite import score
    from kpi_lib.scoring.schemes import NORMALISATIONS, load_scheme

    scheme = load_scheme(scheme)
    out = {}
    for n in normalisations:
        check_option("normalisations", n, NORMALISATIONS)
        if n == scheme.normalisation:
            continue
        sc = score(indicators, replace(scheme, normalisation=n), period=period, cycle=cycle,
                   **score_options)  # fmt: skip
        out[n] = score_matrix(sc, period=period)
    return out


def scheme_set_inputs(
    indicators: pd.DataFrame,
    schemes: Sequence | Mapping,
    *,
    period: str,
    cycle: str = "monthly",
    **score_options,
) -> dict:
    """Keyword arguments for :func:`compare_schemes` from scoring schemes.

    Every scheme is scored on its own (its own normalisation and targets), so a comparison
    reproduces what each scheme's scorecard would say.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table.
    schemes : sequence of (Scheme or str), or mapping of display name -> Scheme or str
    period, cycle, **score_options
        As for ``kpi_lib.scoring.composite.score``.

    Returns
    -------
    dict
        ``scores`` (scheme -> score matrix), ``schemes`` (scheme -> weights), ``methods``
        (scheme -> aggregation), ``tiers`` and ``bottom_tier`` (of the first scheme),
        ``geometric_shift``.
    """
    from kpi_lib.scoring.composite import score
    from kpi_lib.scoring.schemes import load_scheme

    items = (
        list(schemes.items())
        if isinstance(schemes, Mapping)
        else [(getattr(s, "name", str(s)), s) for s in schemes]
    )
    out = {"scores": {}, "schemes": {}, "methods": {}}
    first = None
    for name, sch in items:
        sch = load_scheme(sch)
        sc = score(indicators, sch, period=period, cycle=cycle, **score_options)
        kw = scorecard_inputs(sc, period=period, sampling=False)
        out["scores"][name] = kw["scores"]
        out["schemes"][name] = kw["weights"]
        out["methods"][name] = kw["method"]
        first = first or kw
    out["tiers"] = first["tiers"]
    out["bottom_tier"] = first["bottom_tier"]
    out["geometric_shift"] = first["geometric_shift"]
    return out
