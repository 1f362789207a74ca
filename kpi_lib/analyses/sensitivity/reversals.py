"""Rank-reversal thresholds: the smallest change of one weight that swaps two agents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.sensitivity.common import NOMINAL, prepare
from kpi_lib.analyses.sensitivity.ranking import nominal
from kpi_lib.scoring.composite import TIE_TOLERANCE

__all__ = ["rank_reversal_thresholds"]


def rank_reversal_thresholds(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    pairs: str = "adjacent",
    closest_only: bool = False,
    missing: str = "drop",
) -> pd.DataFrame:
    """The smallest change of one weight that makes two agents swap places (arithmetic mean).

    Parameters
    ----------
    scores, weights
        See :mod:`kpi_lib.analyses.sensitivity`.
    pairs : {"adjacent", "all"}
        Agents next to each other in the nominal ranking, or every pair.
    closest_only : bool
        Keep one row per pair: the indicator with the smallest change (or, when no single
        weight can swap the pair, e.g. identical agents, a row with ``reachable`` False).
    missing : {"drop", "raise"}
        The closed form needs complete scores; agents with a missing score are left out
        (``drop``) or raise.

    Returns
    -------
    DataFrame
        One row per pair and weighted indicator, pairs in ranking order, smallest change first:

        - ``upper_agent``, ``lower_agent``, ``upper_rank``, ``lower_rank``
        - ``gap``: composite of the upper minus the lower agent (points)
        - ``indicator``, ``weight``: nominal share
        - ``score_gap``: upper minus lower agent's score on the indicator
        - ``threshold_weight``: the indicator's share at which the two tie (NaN if no share
          in [0, 1] swaps them); beyond it they swap
        - ``weight_change``: ``threshold_weight - weight`` (share points; + = raise)
        - ``relative_change``: ``weight_change / weight``
        - ``raw_change``: the change :math:`\\delta` of the weight before rescaling (formula)
        - ``reachable``: a share in [0, 1] swaps them
        - ``closest``: smallest ``|weight_change|`` for the pair

    Notes
    -----
    With weights summing to 1 and composite :math:`C_i = \\sum_j w_j s_{ij}`, change weight
    :math:`j` by :math:`\\delta` and renormalise: :math:`w'_j = (w_j + \\delta)/(1 + \\delta)`,
    :math:`w'_k = w_k / (1 + \\delta)`. Then :math:`C_i(\\delta) = (C_i + \\delta s_{ij}) /
    (1 + \\delta)`, and with the gap :math:`G = C_u - C_l > 0` and :math:`d_j = s_{uj} -
    s_{lj}` the gap becomes :math:`(G + \\delta d_j)/(1 + \\delta)`. It is zero at
    :math:`\\delta^* = -G / d_j`, i.e. at the share

    .. math:: t^* = \\frac{w_j + \\delta^*}{1 + \\delta^*} = \\frac{w_j d_j - G}{d_j - G}.

    A swap is reachable when :math:`0 \\le t^* \\le 1` (by raising :math:`w_j` when
    :math:`d_j < 0`, by lowering it when :math:`d_j > G / w_j`). Other agents also move when a
    weight changes, so the two may no longer be adjacent at the threshold; the threshold is
    for their relative order.
    """
    check_option("pairs", pairs, ("adjacent", "all"))
    check_option("missing", missing, ("drop", "raise"))
    setup = prepare(scores, weights, method="arithmetic", missing=missing)
    S = setup.score_sets[NOMINAL]
    w = setup.w0
    c, r, _ = nominal(setup, None)
    order = np.lexsort((np.arange(len(r)), r))
    if pairs == "adjacent":
        u, low = order[:-1], order[1:]
    else:
        iu, il = np.triu_indices(len(order), k=1)
        u, low = order[iu], order[il]
    cols = [
        "upper_agent", "upper_rank", "lower_agent", "lower_rank", "gap", "indicator", "weight",
        "score_gap", "threshold_weight", "weight_change", "relative_change", "raw_change",
        "reachable", "closest",
    ]  # fmt: skip
    if len(u) == 0:
        return pd.DataFrame(columns=cols)
    jpos = np.flatnonzero(w > 0)
    G = (c[u] - c[low])[:, None]  # pairs x 1
    d = S[u][:, jpos] - S[low][:, jpos]  # pairs x indicators
    wj = w[jpos][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (wj * d - G) / (d - G)
        raw = -G / d
    parallel = np.isclose(d, G, rtol=0, atol=TIE_TOLERANCE)
    reach = ~parallel & np.isfinite(t) & (t >= -1e-12) & (t <= 1 + 1e-12)
    t = np.where(reach, np.clip(t, 0.0, 1.0), np.nan)
    change = t - wj
    absch = np.where(reach, np.abs(change), np.inf)
    best = absch == absch.min(axis=1, keepdims=True)
    best &= reach
    # first minimum only, so each pair has one closest indicator
    best &= np.cumsum(best, axis=1) == 1
    P, J = d.shape
    out = pd.DataFrame(
        {
            "upper_agent": np.repeat(setup.agents.to_numpy()[u], J),
            "upper_rank": np.repeat(r[u], J),
            "lower_agent": np.repeat(setup.agents.to_numpy()[low], J),
            "lower_rank": np.repeat(r[low], J),
            "gap": np.repeat(G[:, 0], J),
            "indicator": np.tile(np.asarray(setup.indicators, dtype=object)[jpos], P),
            "weight": np.tile(w[jpos], P),
            "score_gap": d.ravel(),
            "threshold_weight": t.ravel(),
            "weight_change": change.ravel(),
            "relative_change": (change / wj).ravel(),
            "raw_change": np.where(reach, raw, np.nan).ravel(),
            "reachable": reach.ravel(),
            "closest": best.ravel(),
        }
    )
    out["_pair"] = np.repeat(np.arange(P), J)
    out["_abs"] = np.abs(out["weight_change"]).fillna(np.inf)
    if closest_only:
        # one row per pair: the closest indicator, or the first row when nothing swaps them
        has = out.groupby("_pair")["reachable"].transform("any")
        first = ~out["_pair"].duplicated()
        out = out[out["closest"] | (~has & first)]
    out = out.sort_values(["_pair", "_abs"], kind="stable")
    return out.drop(columns=["_pair", "_abs"]).reset_index(drop=True)[cols]
