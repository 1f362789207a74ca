"""Multiplicity corrections of the p-values of a before/after table."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "CORRECTIONS",
    "adjust_p_values",
]


#: Corrections accepted by every ``correction`` argument.
CORRECTIONS = ("holm", "fdr_bh", "bonferroni", "none")


def adjust_p_values(p: pd.Series, correction: str) -> pd.Series:
    """Multiplicity-adjusted p-values (NaN stays NaN and is not counted as a test).

    Holm step-down, Bonferroni or Benjamini-Hochberg (``fdr_bh``); same values as
    ``statsmodels.stats.multitest.multipletests``, without its per-call garbage collection.
    """
    if correction == "none":
        return p.astype(float)
    out = pd.Series(np.nan, index=p.index)
    ok = p.notna().to_numpy()
    x = p.to_numpy(float)[ok]
    m = x.size
    if m == 0:
        return out
    order = np.argsort(x)
    ranked = x[order]
    if correction == "bonferroni":
        adj = np.minimum(ranked * m, 1.0)
    elif correction == "holm":
        adj = np.minimum(np.maximum.accumulate(ranked * np.arange(m, 0, -1)), 1.0)
    else:  # fdr_bh
        adj = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
        adj = np.minimum(adj, 1.0)
    back = np.empty(m)
    back[order] = adj
    out[ok] = back
    return out
