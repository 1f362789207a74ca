"""Closed-form statistics of the calibration: Cohen's kappa for 2 x 2 tables, Fleiss' kappa
and the Rogan-Gladen prevalence correction (array in, array out; no tables).
"""

from __future__ import annotations

import numpy as np

__all__ = ["cohens_kappa_2x2", "fleiss_kappa", "rogan_gladen"]


def cohens_kappa_2x2(tp, fp, fn, tn) -> tuple[np.ndarray, np.ndarray]:
    """Cohen's kappa and its asymptotic standard error for 2 x 2 tables (vectorised).

    Rows are the first rater (positive, negative), columns the second: ``tp`` both positive,
    ``fp`` first positive / second negative, ``fn`` first negative / second positive.

    Returns
    -------
    (kappa, se) : tuple of ndarray
        NaN where the table is empty or chance agreement is 1 (kappa undefined).

    Notes
    -----
    :math:`\\kappa = (p_o - p_e)/(1 - p_e)`; the standard error is the large-sample one of
    Fleiss, Cohen & Everitt (1969), the ``std_kappa`` of
    ``statsmodels.stats.inter_rater.cohens_kappa``.
    """
    tp, fp, fn, tn = (np.asarray(a, dtype=float) for a in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        p11, p12, p21, p22 = tp / n, fp / n, fn / n, tn / n
        r1, r2 = p11 + p12, p21 + p22
        c1, c2 = p11 + p21, p12 + p22
        po = p11 + p22
        pe = r1 * c1 + r2 * c2
        kappa = (po - pe) / (1 - pe)
        a = p11 * (1 - (r1 + c1) * (1 - kappa)) ** 2 + p22 * (1 - (r2 + c2) * (1 - kappa)) ** 2
        b = (1 - kappa) ** 2 * (p12 * (c1 + r2) ** 2 + p21 * (c2 + r1) ** 2)
        c = (kappa - pe * (1 - kappa)) ** 2
        var = (a + b - c) / (1 - pe) ** 2 / n
        ok = (n > 0) & (pe < 1)
        kappa = np.where(ok, kappa, np.nan)
        se = np.where(ok, np.sqrt(np.clip(var, 0, None)), np.nan)
    return kappa, se


def fleiss_kappa(counts) -> tuple[float, float, float]:
    """Fleiss' kappa from a subjects x categories table of rating counts.

    Subjects may have different numbers of raters (at least two each).

    Returns
    -------
    (kappa, observed_agreement, expected_agreement) : tuple of float

    Notes
    -----
    Per subject :math:`P_i = (\\sum_j n_{ij}^2 - n_i)/(n_i(n_i-1))`; :math:`\\bar P` their mean;
    :math:`p_j = \\sum_i n_{ij}/\\sum_i n_i`; :math:`P_e = \\sum_j p_j^2`;
    :math:`\\kappa = (\\bar P - P_e)/(1 - P_e)`. With equal raters per subject this is Fleiss
    (1971), ``statsmodels.stats.inter_rater.fleiss_kappa``.
    """
    t = np.asarray(counts, dtype=float)
    if t.ndim != 2 or len(t) == 0:
        return np.nan, np.nan, np.nan
    ni = t.sum(1)
    keep = ni >= 2
    t, ni = t[keep], ni[keep]
    if len(t) == 0:
        return np.nan, np.nan, np.nan
    p_i = ((t**2).sum(1) - ni) / (ni * (ni - 1))
    p_bar = p_i.mean()
    p_j = t.sum(0) / ni.sum()
    p_e = (p_j**2).sum()
    kappa = (p_bar - p_e) / (1 - p_e) if p_e < 1 else np.nan
    return float(kappa), float(p_bar), float(p_e)


def rogan_gladen(observed, sensitivity, specificity) -> np.ndarray:
    """True-positive share from an observed share and the classifier's error rates.

    .. math:: \\hat\\pi = (p + Sp - 1)/(Se + Sp - 1), \\text{ clipped to } [0, 1]

    NaN where :math:`Se + Sp \\le 1` (the system is no better than chance; no correction
    is identifiable).

    References
    ----------
    Rogan, W. J. & Gladen, B. (1978). Estimating prevalence from the results of a screening
    test. American Journal of Epidemiology 107, 71-76.
    """
    p, se, sp = (np.asarray(a, dtype=float) for a in (observed, sensitivity, specificity))
    j = se + sp - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(j > 0, np.clip((p + sp - 1) / j, 0, 1), np.nan)
