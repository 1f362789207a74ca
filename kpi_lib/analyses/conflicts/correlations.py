"""1. Correlation map: pairwise correlations of all indicators across agent-periods, flagged as
conflicting or redundant.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.conflicts.inference import (
    bh_adjust,
    cluster_corr,
    evidence_label,
    strength_label,
)
from kpi_lib.analyses.conflicts.tables import indicator_directions, subject_ids, wide_indicators

__all__ = [
    "correlation_map",
]


def correlation_map(
    indicators: pd.DataFrame,
    *,
    methods: Sequence[str] = ("spearman", "pearson"),
    ids: Sequence[str] | None = None,
    alpha: float = 0.05,
    conflict_below: float = -0.4,
    redundant_above: float = 0.9,
    min_obs: int = 10,
    directions: dict | None = None,
) -> pd.DataFrame:
    """Pairwise correlations between all indicators across agent-periods.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table (one granularity).
    methods : list of {"spearman", "pearson"}
        Correlation coefficients to compute.
    ids : list of str, optional
        Indicators to include (default: every indicator with values in at least half the rows).
    alpha : float
        False-discovery rate for the flags.
    conflict_below : float
        A pair whose direction-oriented correlation is below this (and significant after
        Benjamini-Hochberg) is flagged ``conflict``: doing well on one goes with doing badly on
        the other.
    redundant_above : float
        A pair whose absolute correlation exceeds this (and is significant) is flagged
        ``redundant``: the two double-count the same behaviour.
    min_obs : int
        Pairs with fewer complete agent-periods get no p-value.
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.

    Returns
    -------
    DataFrame
        One row per pair and method: ``indicator_a``, ``indicator_b``, ``method``, ``n`` (complete
        agent-periods), ``n_agents`` (clusters), ``r``, ``r_oriented`` (r times both
        directions: negative means good on one goes with bad on the other), ``ci_low``,
        ``ci_high``, ``p_value`` (agent-clustered), ``p_adj`` (Benjamini-Hochberg within each
        method), ``significant`` (``p_adj < alpha``), ``strength`` (words for ``|r|``),
        ``evidence`` (words for ``p_adj``), ``flag`` (``conflict``, ``redundant`` or empty).

    Notes
    -----
    Spearman's rho is Pearson's r on ranks. The test regresses standardised y on standardised
    x (slope = r) with standard errors clustered by agent (CR1), so that an agent observed in
    twelve months is not counted as twelve independent agents; the reference distribution is
    t with G - 1 degrees of freedom (G agents). ``ci`` = r +/- t_{G-1, 1-alpha/2} se, clipped
    to [-1, 1]. Thresholds -0.4 / 0.9 follow composite-indicator practice (OECD/JRC
    Handbook on Constructing Composite Indicators, 2008; COINr).
    """
    for m in methods:
        check_option("methods", m, ["spearman", "pearson"])
    wide = wide_indicators(indicators, ids=ids)
    groups = subject_ids(wide)
    dirs = indicator_directions(wide.columns, directions)
    rows = []
    values = {c: wide[c].to_numpy() for c in wide.columns}
    for a, b in combinations(wide.columns, 2):
        x, y = values[a], values[b]
        ok = ~(np.isnan(x) | np.isnan(y))
        for m in methods:
            xx, yy = x[ok], y[ok]
            if m == "spearman":
                xx, yy = stats.rankdata(xx), stats.rankdata(yy)
            r, se, p, n, g = cluster_corr(xx, yy, groups[ok])
            if n < min_obs:
                p = np.nan
            crit = stats.t.ppf(1 - alpha / 2, max(g - 1, 1))
            rows.append(
                {
                    "indicator_a": a,
                    "indicator_b": b,
                    "method": m,
                    "n": n,
                    "n_agents": g,
                    "r": r,
                    "r_oriented": r * dirs[a] * dirs[b],
                    "ci_low": max(-1.0, r - crit * se) if np.isfinite(se) else np.nan,
                    "ci_high": min(1.0, r + crit * se) if np.isfinite(se) else np.nan,
                    "p_value": p,
                }
            )
    cols = [
        "indicator_a", "indicator_b", "method", "n", "n_agents", "r", "r_oriented",
        "ci_low", "ci_high", "p_value", "p_adj", "significant", "strength", "evidence", "flag",
    ]  # fmt: skip
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["p_adj"] = out.groupby("method")["p_value"].transform(lambda p: bh_adjust(p.to_numpy()))
    out["significant"] = out["p_adj"] < alpha
    out["strength"] = strength_label(out["r"])
    out["evidence"] = evidence_label(out["p_adj"])
    out["flag"] = np.select(
        [
            out["significant"] & (out["r_oriented"] < conflict_below),
            out["significant"] & (out["r"].abs() > redundant_above),
        ],
        ["conflict", "redundant"],
        default="",
    )
    return out[cols]
