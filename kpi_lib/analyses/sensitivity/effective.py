"""Nominal against effective weights: each indicator's real share of the composite's spread."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.sensitivity.common import NOMINAL, prepare
from kpi_lib.analyses.sensitivity.ranking import nominal

__all__ = ["effective_weights"]


def effective_weights(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
    muted: float = 0.5,
    amplified: float = 2.0,
) -> pd.DataFrame:
    """Each indicator's actual influence on the composite next to its nominal weight.

    A 20 % weight on an indicator on which all agents score about the same moves nobody: what
    separates agents is the weight times the indicator's spread, and its correlation with the
    other indicators.

    Parameters
    ----------
    scores, weights, method, geometric_shift, missing
        See :mod:`kpi_lib.analyses.sensitivity`.
    muted, amplified : float
        An indicator is ``muted`` when its variance share is below ``muted`` x its weight and
        ``amplified`` when above ``amplified`` x its weight.

    Returns
    -------
    DataFrame
        One row per weighted indicator, largest weight first:

        - ``indicator``
        - ``weight``: nominal share of the composite (sums to 1)
        - ``score_mean``, ``score_sd``: mean and standard deviation of the agents' scores
        - ``points_share``: share of the average composite's points the indicator supplies
        - ``variance_share``: share of the composite's variance (sums to 1; negative when the
          indicator pulls against the others)
        - ``independent_share``: the variance share if indicators were uncorrelated
        - ``correlation``: Pearson correlation of the scores with the composite
        - ``rank_correlation``: Spearman correlation of the scores with the composite
        - ``correlation_share``: squared correlation, rescaled to sum to 1
        - ``influence_ratio``: ``variance_share / weight``
        - ``influence``: ``muted``, ``as intended``, ``amplified``, ``counteracting``
          (variance share below ``-muted`` x weight: it narrows the composite's spread),
          ``no spread`` (every agent has the same score) or ``no weight``

    Notes
    -----
    With contributions :math:`x_{ij} = w_j s_{ij} / \\sum_{k \\in obs(i)} w_k` the composite
    is :math:`C_i = \\sum_j x_{ij}`, so
    :math:`\\mathrm{Var}(C) = \\sum_j \\mathrm{Cov}(x_j, C)` and the variance share is
    :math:`\\mathrm{Cov}(x_j, C) / \\mathrm{Var}(C)` (exact). The independent share is
    :math:`w_j^2 \\mathrm{Var}(s_j) / \\sum_k w_k^2 \\mathrm{Var}(s_k)`. For geometric
    aggregation the decomposition is done on :math:`\\ln(s + c)`, whose weighted mean is the
    log of the shifted composite. With uncorrelated indicators the variance share grows with
    the square of the weight, so small weights are naturally muted and large ones amplified. The correlation share is the first-order (main-effect)
    measure of Paruolo, Saisana and Saltelli (2013) for linear dependence.

    References
    ----------
    Paruolo P., Saisana M., Saltelli A. (2013). Ratings and rankings: voodoo or science?
    Journal of the Royal Statistical Society A 176(3), 609-634.

    Examples
    --------
    >>> from kpi_lib.analyses.sensitivity import effective_weights, scorecard_inputs
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import score
    >>> inputs = scorecard_inputs(score(compute_indicators(load_sample()), "default"))
    >>> eff = effective_weights(inputs["scores"], inputs["weights"])
    >>> eff = eff[["indicator", "weight", "score_sd", "variance_share", "influence"]]
    >>> eff.round(3)
                indicator  weight  score_sd  variance_share    influence
    0        sales_amount    0.50    36.985           0.740  as intended
    1   satisfaction_rate    0.21    32.986           0.058        muted
    2     effective_calls    0.20    39.604           0.183  as intended
    3  complaints_per_100    0.09    25.209           0.019        muted
    """
    setup = prepare(
        scores, weights, method=method, missing=missing, geometric_shift=geometric_shift
    )
    S = setup.score_sets[NOMINAL]
    X0, M = setup.transformed(0, 0)
    w = setup.w0
    den = (M @ w) if M is not None else np.ones(setup.n_agents)
    x = X0 * w[None, :] / den[:, None]
    L = x.sum(axis=1)
    comp = nominal(setup, None)[0]
    xc = x - x.mean(axis=0)
    Lc = L - L.mean()
    var_l = float(Lc @ Lc) / len(L)
    var_share = (xc.T @ Lc) / len(L) / var_l if var_l > 0 else np.full(len(w), np.nan)
    score_sd = np.nanstd(S, axis=0)
    score_mean = np.nanmean(S, axis=0)
    tv = (w**2) * np.nanvar(X0 if M is None else np.where(M > 0, X0, np.nan), axis=0)
    indep = tv / tv.sum() if tv.sum() > 0 else np.full(len(w), np.nan)
    corr, rcorr = [], []
    for j in range(len(w)):
        ok = ~np.isnan(S[:, j])
        if ok.sum() > 2 and np.nanstd(S[ok, j]) > 0 and np.std(comp[ok]) > 0:
            corr.append(stats.pearsonr(S[ok, j], comp[ok]).statistic)
            rcorr.append(stats.spearmanr(S[ok, j], comp[ok]).statistic)
        else:
            corr.append(np.nan)
            rcorr.append(np.nan)
    corr = np.asarray(corr)
    c2 = np.where(w > 0, np.nan_to_num(corr) ** 2, 0.0)
    points = x.mean(axis=0) / L.mean() if setup.methods[0] == "arithmetic" else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(w > 0, var_share / w, np.nan)
    influence = np.select(
        [
            w <= 0,
            ~(score_sd > 0),
            (var_share < 0) & (np.abs(ratio) >= muted),
            ratio < muted,
            ratio > amplified,
        ],
        ["no weight", "no spread", "counteracting", "muted", "amplified"],
        default="as intended",
    )
    out = pd.DataFrame(
        {
            "indicator": setup.indicators,
            "weight": w,
            "score_mean": score_mean,
            "score_sd": score_sd,
            "points_share": points,
            "variance_share": var_share,
            "independent_share": indep,
            "correlation": corr,
            "rank_correlation": np.asarray(rcorr),
            "correlation_share": c2 / c2.sum() if c2.sum() > 0 else np.nan,
            "influence_ratio": ratio,
            "influence": influence,
        }
    )
    return out.sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)
