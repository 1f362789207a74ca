"""Wild cluster bootstrap (WCR, null imposed, Webb weights) for one coefficient of a weighted
least-squares fit: p-value and a confidence interval by test inversion.

Used by :func:`~kpi_lib.analyses.before_after.difference_in_differences` to do inference at
the level the scheme was assigned (the team), where only a handful of clusters exist and
cluster-robust *t* tests over-reject.
"""

from __future__ import annotations

import itertools

import numpy as np

__all__ = [
    "ENUMERATE_UP_TO",
    "MIN_CLUSTERS_PER_SIDE",
    "WEBB",
    "WildResult",
    "webb_weights",
    "wild_cluster_test",
]

#: Webb (2023) six-point weights: +-sqrt(1/2), +-1, +-sqrt(3/2), each with probability 1/6.
WEBB = np.array([-np.sqrt(1.5), -1.0, -np.sqrt(0.5), np.sqrt(0.5), 1.0, np.sqrt(1.5)])

#: Fewest clusters on each side of a binary regressor (treated and comparison teams) for which
#: an interval is given. With a single cluster on one side the effect of the scheme cannot be
#: told from that cluster's own shocks by any method that does not assume all clusters' shocks
#: alike (MacKinnon & Webb 2017); the restricted wild bootstrap then has almost no power.
MIN_CLUSTERS_PER_SIDE = 2


#: Up to this many clusters all :math:`6^G` Webb patterns are enumerated whatever ``n_boot``
#: (6^4 = 1296 draws): with 2 + 2 teams, 399 random draws covered 0 in 0.915 of simulations
#: and the full enumeration in 0.955 (``benchmarks/calibration_before_after.py``).
ENUMERATE_UP_TO = 4


def webb_weights(n_clusters: int, n_boot: int, rng) -> np.ndarray:
    """Bootstrap weights, shape ``(n_boot, n_clusters)``.

    All :math:`6^G` sign patterns (full enumeration, exact) when that is no more than
    ``n_boot`` or ``G <= ENUMERATE_UP_TO``; otherwise ``n_boot`` random draws.
    """
    if 6**n_clusters <= n_boot or n_clusters <= ENUMERATE_UP_TO:
        return np.array(list(itertools.product(WEBB, repeat=n_clusters)))
    return WEBB[rng.integers(0, 6, size=(n_boot, n_clusters))]


class WildResult:
    """Estimate, CRV1 standard error, WCR p-value and interval of one coefficient."""

    __slots__ = ("estimate", "se", "p_value", "ci_low", "ci_high", "n_clusters", "n_boot")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw[k])


def _setup(X, y, w, groups, j):
    sw = np.sqrt(np.asarray(w, float))
    Xw = np.asarray(X, float) * sw[:, None]
    yw = np.asarray(y, float) * sw
    XtX_inv = np.linalg.pinv(Xw.T @ Xw)
    A = XtX_inv @ Xw.T  # rows: coefficient = A @ y
    a = A[j]
    codes, g = np.unique(np.asarray(groups), return_inverse=True)
    G = codes.size
    n, k = Xw.shape
    onehot = np.zeros((n, G))
    onehot[np.arange(n), g] = 1.0
    keep = [c for c in range(k) if c != j]
    Xr = Xw[:, keep]
    d = Xw[:, j]

    def resid(z):
        beta, *_ = np.linalg.lstsq(Xr, z, rcond=None)
        return z - Xr @ beta

    return {
        "Xw": Xw,
        "yw": yw,
        "XtX_inv": XtX_inv,
        "a": a,
        "onehot": onehot,
        "G": G,
        "n": n,
        "k": k,
        # restricted residuals are linear in the null value: M_r (y - null d)
        "uy": resid(yw),
        "ud": resid(d),
        "c": G / (G - 1) * (n - 1) / (n - k),
    }


def _t_boot(s, null: float, v: np.ndarray) -> np.ndarray:
    """Bootstrap t statistics under ``coef = null`` for weight draws ``v`` (B x G)."""
    u = s["uy"] - null * s["ud"]
    S = s["onehot"].T @ (s["a"] * u)  # G: sum_{i in g} a_i u_i
    P = s["onehot"].T @ (s["a"][:, None] * s["Xw"])  # G x k
    Q = (s["onehot"].T @ (s["Xw"] * u[:, None])) @ s["XtX_inv"].T  # G x k
    K = np.diag(S) - P @ Q.T  # score_g* = sum_h K[g, h] v_h
    num = v @ S
    scores = v @ K.T
    se = np.sqrt(s["c"] * (scores**2).sum(axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(se > 0, num / se, 0.0)


def wild_cluster_test(
    X, y, w, groups, *, j: int, n_boot: int = 1999, alpha: float = 0.05, seed=0, weights=None
) -> WildResult:
    """WCR wild cluster bootstrap of coefficient ``j`` of ``y ~ X`` weighted by ``w``.

    Parameters
    ----------
    X : array (n, k)
        Design matrix with an intercept column.
    y, w : array (n,)
        Outcome and regression weights.
    groups : array (n,)
        Cluster of each row.
    j : int
        Column of ``X`` whose coefficient is tested.
    n_boot : int
        Bootstrap draws (all :math:`6^G` patterns when fewer).
    alpha : float
        The interval is the set of null values not rejected at ``alpha``.
    seed : int or None
        Seed of the weight draws (the same draws serve every null value).
    weights : array (B, G), optional
        Bootstrap weights to use instead of drawing Webb weights (for tests).

    Returns
    -------
    WildResult
        ``estimate``, ``se`` (CRV1, clustered by ``groups``), ``p_value`` (WCR, symmetric,
        for ``coef = 0``), ``ci_low``, ``ci_high`` (test inversion; infinite when no finite
        bound is rejected within 100 standard errors), ``n_clusters``, ``n_boot``.

    Notes
    -----
    Restricted wild cluster bootstrap (Cameron, Gelbach & Miller 2008), in the closed form of
    Roodman et al. (2019): with :math:`a` the row of :math:`(X'X)^{-1}X'` of coefficient *j*
    and :math:`\\tilde u` the residuals of the fit with the null imposed, a draw's numerator is
    :math:`\\sum_g v_g S_g` with :math:`S_g = \\sum_{i \\in g} a_i \\tilde u_i` and its cluster
    scores are :math:`K v` with :math:`K = \\mathrm{diag}(S) - P Q'`, so no draw refits the
    model. Standard errors are CRV1 with factor :math:`G/(G-1) \\cdot (n-1)/(n-k)`, as
    statsmodels ``cov_type="cluster"``. p-value: share of draws with :math:`|t^*| \\ge |t|`.

    References
    ----------
    Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for
    inference with clustered errors. *REStat*, 90(3).
    Roodman, D., MacKinnon, J. G., Nielsen, M. O. & Webb, M. D. (2019). Fast and wild:
    bootstrap inference in Stata using boottest. *Stata Journal*, 19(1).
    Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered errors.
    *Canadian Journal of Economics*, 56(3).
    """
    s = _setup(X, y, w, groups, j)
    if s["G"] < 2:
        raise ValueError("The wild cluster bootstrap needs at least 2 clusters.")
    beta = s["XtX_inv"] @ (s["Xw"].T @ s["yw"])
    est = float(beta[j])
    resid = s["yw"] - s["Xw"] @ beta
    score = s["onehot"].T @ (s["a"] * resid)
    se = float(np.sqrt(s["c"] * (score**2).sum()))
    v = (
        webb_weights(s["G"], int(n_boot), np.random.default_rng(seed))
        if weights is None
        else np.asarray(weights, float)
    )

    def pval(null: float) -> float:
        if se == 0:
            return 1.0 if null == est else 0.0
        t = (est - null) / se
        tb = _t_boot(s, null, v)
        return float(np.mean(np.abs(tb) >= abs(t) - 1e-12))

    p0 = pval(0.0)
    lo, hi = _invert(pval, est, se, alpha)
    return WildResult(
        estimate=est, se=se, p_value=p0, ci_low=lo, ci_high=hi, n_clusters=s["G"], n_boot=len(v)
    )


def _invert(pval, est: float, se: float, alpha: float) -> tuple[float, float]:
    """Bounds of {null : p(null) > alpha} around ``est`` by stepping out and bisection."""
    if not np.isfinite(se) or se == 0:
        return est, est
    bounds = []
    for sign in (-1.0, 1.0):
        inside, outside = 0.0, None
        for m in (1, 2, 3, 5, 8, 13, 21, 34, 55, 100):
            if pval(est + sign * m * se) <= alpha:
                outside = float(m)
                break
            inside = float(m)
        if outside is None:
            bounds.append(sign * np.inf)
            continue
        for _ in range(40):
            mid = (inside + outside) / 2
            if pval(est + sign * mid * se) <= alpha:
                outside = mid
            else:
                inside = mid
            if outside - inside < 1e-4:
                break
        bounds.append(est + sign * (inside + outside) / 2 * se)
    return float(bounds[0]), float(bounds[1])
