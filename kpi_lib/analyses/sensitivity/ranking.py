"""Vectorised ranking and the nominal ranking under one weight vector."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpi_lib.analyses.sensitivity.common import Setup, Tiers, make_tiers, prepare
from kpi_lib.scoring.composite import rank_rows

__all__ = ["rank_composites", "composite_scores", "nominal"]


def rank_composites(composites: pd.DataFrame | np.ndarray) -> pd.DataFrame | np.ndarray:
    """Rank composite scores along the agent axis, vectorised over rows.

    Parameters
    ----------
    composites : DataFrame or ndarray
        Rows = draws (or scenarios), columns = agents. NaN ranks last.

    Returns
    -------
    DataFrame or ndarray
        Same shape: the 'min' rank of each agent in each row (1 = highest composite; ties share
        the best rank of their group, composites within ``TIE_TOLERANCE`` are ties).

    Examples
    --------
    >>> rank_composites(np.array([[70.0, 90.0, 70.0]]))
    array([[2, 1, 2]], dtype=int32)
    """
    arr = np.atleast_2d(np.asarray(composites, dtype=float))
    ranks = rank_rows(arr)
    if isinstance(composites, pd.DataFrame):
        return pd.DataFrame(ranks, index=composites.index, columns=composites.columns)
    return ranks


def composite_scores(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
) -> pd.DataFrame:
    """Composite, rank and tier of each agent under one weight vector (the nominal ranking).

    Parameters
    ----------
    scores, weights, method, geometric_shift, missing, tiers, bottom_tier, tier_basis
        See :mod:`kpi_lib.analyses.sensitivity`.

    Returns
    -------
    DataFrame
        One row per agent, best first: ``agent_id``, ``composite`` (0-100), ``rank``
        (1 = best, 'min' ties), ``tier`` (only when ``tiers`` is given).
    """
    setup = prepare(
        scores, weights, method=method, missing=missing, geometric_shift=geometric_shift
    )
    return _nominal_frame(setup, make_tiers(tiers, bottom_tier, tier_basis, setup.n_agents))


def nominal(setup: Setup, tiers: Tiers | None):
    """Composites, ranks and tier codes of the agents under the nominal weights."""
    C = setup.composites(setup.w0[None, :], 0, 0)
    R = rank_rows(C)
    T = tiers.assign(C, R) if tiers is not None else None
    return C[0], R[0], (T[0] if T is not None else None)


def _nominal_frame(setup: Setup, tiers: Tiers | None) -> pd.DataFrame:
    c, r, t = nominal(setup, tiers)
    out = pd.DataFrame({"agent_id": setup.agents, "composite": c, "rank": r})
    if tiers is not None:
        out["tier"] = np.asarray(tiers.labels, dtype=object)[t]
    return out.sort_values(["rank", "agent_id"], kind="stable").reset_index(drop=True)
