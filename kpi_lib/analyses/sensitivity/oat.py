"""One weight at a time: move one weight by +/- a step (the others rescaled), count the changes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.sensitivity.common import make_tiers, prepare, resolve_k
from kpi_lib.analyses.sensitivity.draws import evaluate
from kpi_lib.analyses.sensitivity.ranking import nominal

__all__ = ["one_at_a_time"]


def _shifted_weights(w0: np.ndarray, j: int, new: float) -> np.ndarray | None:
    """w0 with weight j set to share ``new`` and the others rescaled to keep their ratios."""
    rest = 1.0 - w0[j]
    if rest <= 0:
        return None
    w = w0 * (1.0 - new) / rest
    w[j] = new
    return w


def one_at_a_time(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    step: float | Sequence[float] = 0.05,
    relative: bool = False,
    indicators: Sequence[str] | None = None,
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
    top_k: int | float = 0.1,
    bottom_k: int | float = 0.1,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
) -> pd.DataFrame:
    """Move each weight down and up by a step, the others rescaled, and count what changes.

    Parameters
    ----------
    scores, weights, tiers, bottom_tier, tier_basis, top_k, bottom_k, method,
    geometric_shift, missing
        See :mod:`kpi_lib.analyses.sensitivity`.
    step : float or sequence of float
        Size of the move. Absolute (default): percentage points of the composite as a share,
        0.05 = 5 points (a 20 % weight becomes 15 % and 25 %). With ``relative=True``: a
        fraction of the weight itself (0.25 = a 20 % weight becomes 15 % and 25 %).
    indicators : sequence of str, optional
        Indicators to move; default every indicator with a positive weight.

    Returns
    -------
    DataFrame
        One row per indicator, step and direction:

        - ``indicator``, ``direction`` (``down`` / ``up``), ``step``
        - ``weight``: nominal share; ``new_weight``: share after the move (clipped to
          [0, 1]); ``weight_change`` = ``new_weight - weight``; ``clipped``: the move hit 0 or 1
        - ``mean_abs_rank_shift``, ``max_abs_rank_shift``: over all agents
        - ``agents_moved``: agents whose rank changed
        - ``top_k_changes``, ``bottom_k_changes``: agents entering or leaving the bonus / PIP
          group
        - ``tier_changes``: agents whose tier changed (NaN without ``tiers``)
        - ``kendall_tau``: rank agreement with the nominal ranking (``scipy.stats.kendalltau``,
          tau-b)

    Notes
    -----
    Moving weight :math:`j` to share :math:`t` rescales the others to
    :math:`w_k (1 - t) / (1 - w_j)`, so their ratios (the manager's other judgements) are
    kept. The composite is :math:`C_i = \\sum_j w_j s_{ij} / \\sum_j w_j`.
    """
    setup = prepare(
        scores, weights, method=method, missing=missing, geometric_shift=geometric_shift
    )
    A = setup.n_agents
    tr = make_tiers(tiers, bottom_tier, tier_basis, A)
    kt, kb = resolve_k(top_k, A, "top_k"), resolve_k(bottom_k, A, "bottom_k")
    steps = [step] if np.isscalar(step) else list(step)
    if any((not np.isfinite(s)) or s <= 0 for s in steps):
        raise ValueError(f"`step` must be positive; got {steps}.")
    if indicators is None:
        idx = [j for j, v in enumerate(setup.w0) if v > 0]
    else:
        unknown = [i for i in indicators if i not in setup.indicators]
        if unknown:
            raise KeyError(
                f"`indicators` {unknown} are not weighted; weighted: {setup.indicators}."
            )
        idx = [setup.indicators.index(i) for i in indicators]
    rows, Ws = [], []
    for j in idx:
        for s in steps:
            for direction, sign in (("down", -1.0), ("up", 1.0)):
                target = setup.w0[j] * (1 + sign * s) if relative else setup.w0[j] + sign * s
                new = float(np.clip(target, 0.0, 1.0))
                w = _shifted_weights(setup.w0, j, new)
                if w is None or w.sum() <= 0:
                    continue
                Ws.append(w)
                rows.append(
                    {
                        "indicator": setup.indicators[j],
                        "direction": direction,
                        "step": float(s),
                        "weight": setup.w0[j],
                        "new_weight": new,
                        "weight_change": new - setup.w0[j],
                        "clipped": bool(new != target),
                    }
                )
    cols = [
        "indicator", "direction", "step", "weight", "new_weight", "weight_change", "clipped",
        "mean_abs_rank_shift", "max_abs_rank_shift", "agents_moved", "top_k_changes",
        "bottom_k_changes", "tier_changes", "kendall_tau",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=cols)
    W = np.vstack(Ws)
    st = evaluate(setup, W, tiers=tr, k_top=kt, k_bottom=kb, keep_ranks=True)
    out = pd.DataFrame(rows)
    for name in ("mean_abs_rank_shift", "max_abs_rank_shift", "agents_moved"):
        out[name] = st.per_draw[name]
    out["top_k_changes"] = st.per_draw["top_k_changes"].astype(int)
    out["bottom_k_changes"] = st.per_draw["bottom_k_changes"].astype(int)
    out["agents_moved"] = out["agents_moved"].astype(int)
    out["tier_changes"] = st.per_draw["tier_changes"] if tr is not None else np.nan
    r0 = nominal(setup, None)[1]
    out["kendall_tau"] = [
        stats.kendalltau(r0, r).statistic if A > 1 else np.nan for r in st.ranks.astype(np.int64)
    ]
    return out[cols]
