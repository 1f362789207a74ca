"""P-values, words for evidence and strength, and the agent-clustered correlation test shared by
the conflict analyses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "bh_adjust",
    "evidence_label",
    "strength_label",
    "cluster_corr",
]


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), NaN kept as NaN.

    Parameters
    ----------
    p_values : array-like of float
        Unadjusted p-values; NaN entries are ignored and returned as NaN.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same order as the input.

    Notes
    -----
    ``p_adj[(i)] = min_{j >= i} min(1, m p_(j) / j)`` for the ``m`` non-missing p-values
    sorted ascending. Equals ``statsmodels.stats.multitest.multipletests(p,
    method="fdr_bh")[1]`` on the non-missing values.

    References
    ----------
    Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate. JRSS B 57:289-300.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(ranked, 1.0)
    out[ok] = adj
    return out


def evidence_label(p_adj) -> np.ndarray:
    """Words for the strength of evidence of adjusted p-values.

    ``strong`` (p < 0.001), ``moderate`` (p < 0.01), ``weak`` (p < 0.05), ``none`` otherwise
    (also for NaN).
    """
    p = np.asarray(p_adj, dtype=float)
    return np.select(
        [p < 0.001, p < 0.01, p < 0.05], ["strong", "moderate", "weak"], default="none"
    )


def strength_label(r) -> np.ndarray:
    """Words for the size of correlation coefficients (absolute value).

    ``negligible`` (< 0.1), ``weak`` (< 0.3), ``moderate`` (< 0.5), ``strong`` (< 0.7),
    ``very strong`` otherwise; empty for NaN.
    """
    a = np.abs(np.asarray(r, dtype=float))
    return np.select(
        [np.isnan(a), a < 0.1, a < 0.3, a < 0.5, a < 0.7],
        ["", "negligible", "weak", "moderate", "strong"],
        default="very strong",
    )


def cluster_corr(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple:
    """Correlation with an agent-clustered test: (r, se, p, n, n_groups).

    ``x`` and ``y`` are complete (no NaN) value arrays, ``groups`` the agent of each row.

    The slope of standardised y on standardised x is r; its sandwich variance with the
    CR1 small-sample factor G/(G-1) (N-1)/(N-2) and a t reference with G-1 df is what
    ``statsmodels`` OLS ``cov_type="cluster"`` with ``use_t=True`` reports.
    """
    n = len(x)
    xc = x - x.mean()
    yc = y - y.mean()
    sxx, syy = (xc**2).sum(), (yc**2).sum()
    if n < 3 or sxx == 0 or syy == 0:
        return np.nan, np.nan, np.nan, n, len(np.unique(groups))
    xs, ys = xc / np.sqrt(sxx / n), yc / np.sqrt(syy / n)
    r = float((xs * ys).sum() / n)
    e = ys - r * xs
    codes, uniq = pd.factorize(groups)
    g = len(uniq)
    score = np.bincount(codes, weights=xs * e, minlength=g)
    if g < 2:
        return r, np.nan, np.nan, n, g
    var = (g / (g - 1)) * ((n - 1) / (n - 2)) * (score**2).sum() / (n**2)
    se = float(np.sqrt(var))
    p = float(2 * stats.t.sf(abs(r) / se, g - 1)) if se > 0 else 0.0
    return r, se, p, n, g
