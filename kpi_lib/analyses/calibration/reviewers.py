"""Calibration of the human reviewers against each other: Fleiss' kappa, pairwise Cohen's
kappa and each reviewer's leniency.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.calibration.common import JUDGEMENTS, check_judgements, reviews_table
from kpi_lib.analyses.calibration.formulas import cohens_kappa_2x2, fleiss_kappa
from kpi_lib.data.dataset import Dataset

__all__ = ["reviewer_agreement", "reviewer_pairs", "reviewer_leniency"]


def _human_ratings(
    data: Dataset, judgement: str, include_system: bool, automatic: str
) -> pd.DataFrame:
    r = reviews_table(data)
    check_judgements(judgement, r)
    r = r[r[judgement].notna()]
    if not include_system:
        r = r[r["reviewer"] != automatic]
    order = "reviewed_at" if "reviewed_at" in r.columns else "review_id"
    r = r.sort_values(order).drop_duplicates(["call_id", "reviewer"], keep="last")
    return r[["call_id", "agent_id", "reviewer", judgement]].rename(columns={judgement: "value"})


def reviewer_agreement(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    include_system: bool = False,
    automatic: str = "system",
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement among reviewers who judged the same calls: Fleiss' kappa with a bootstrap CI.

    Parameters
    ----------
    data : Dataset
    judgements : str or sequence, default ("compliant", "effective")
    include_system : bool, default False
        Count the automatic judgement as one more rater.
    automatic : str, default "system"
    confidence : float, default 0.95
    n_boot : int, default 1000
        Bootstrap replicates over calls for the interval.
    seed : int, default 0

    Returns
    -------
    DataFrame
        One row per judgement: ``judgement``; ``calls`` (calls with >= 2 ratings);
        ``reviewers`` (distinct raters); ``mean_raters`` (ratings per call);
        ``observed_agreement`` (mean pairwise agreement :math:`\\bar P`),
        ``expected_agreement`` (:math:`P_e`); ``fleiss_kappa``, ``ci_low``, ``ci_high``
        (percentile bootstrap over calls). NaN when no call has two ratings.

    Notes
    -----
    Fleiss (1971), generalised to a varying number of raters per call (see
    :func:`fleiss_kappa`). Kappa near 1 means reviewers apply the same standard; below about
    0.6 the human "truth" used for calibration is itself unreliable.
    """
    reviews = reviews_table(data)
    judgements = check_judgements(judgements, reviews)
    rng = np.random.default_rng(seed)
    rows = []
    for j in judgements:
        r = _human_ratings(data, j, include_system, automatic)
        counts = (
            r.assign(positive=r["value"].astype(bool).astype("int64"))
            .groupby("call_id")["positive"]
            .agg(pos="sum", n="size")
        )
        counts = counts[counts["n"] >= 2]
        table = np.column_stack([counts["pos"], counts["n"] - counts["pos"]]).astype(float)
        kappa, po, pe = fleiss_kappa(table) if len(table) else (np.nan, np.nan, np.nan)
        lo = hi = np.nan
        if len(table) >= 2:
            boots = _fleiss_bootstrap(table, n_boot, rng)
            tail = (1 - confidence) / 2 * 100
            lo, hi = np.nanpercentile(boots, [tail, 100 - tail])
        rated = r[r["call_id"].isin(counts.index)]
        rows.append(
            {
                "judgement": j,
                "calls": len(counts),
                "reviewers": rated["reviewer"].nunique(),
                "mean_raters": counts["n"].mean() if len(counts) else np.nan,
                "observed_agreement": po,
                "expected_agreement": pe,
                "fleiss_kappa": kappa,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows)


def _fleiss_bootstrap(table: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Fleiss' kappa on ``n_boot`` resamples of the rows (subjects) of ``table``."""
    ni = table.sum(1)
    p_i = ((table**2).sum(1) - ni) / (ni * (ni - 1))
    out = np.empty(n_boot)
    chunk = max(1, 2_000_000 // len(table))
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, len(table), size=(min(chunk, n_boot - start), len(table)))
        p_bar = p_i[idx].mean(1)
        p_j = table[idx].sum(1) / ni[idx].sum(1)[:, None]
        p_e = (p_j**2).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start : start + len(idx)] = np.where(p_e < 1, (p_bar - p_e) / (1 - p_e), np.nan)
    return out


def reviewer_pairs(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    include_system: bool = True,
    automatic: str = "system",
    confidence: float = 0.95,
    min_calls: int = 1,
) -> pd.DataFrame:
    """Cohen's kappa for every pair of raters on the calls both judged.

    Returns
    -------
    DataFrame
        ``judgement``, ``reviewer_a``, ``reviewer_b`` (a < b), ``n`` (shared calls),
        ``observed_agreement``, ``kappa``, ``kappa_se``, ``kappa_low``, ``kappa_high``,
        ``a_rate``, ``b_rate`` (positive shares on the shared calls). Pairs with fewer than
        ``min_calls`` shared calls are left out.
    """
    reviews = reviews_table(data)
    judgements = check_judgements(judgements, reviews)
    z = stats.norm.ppf(0.5 + confidence / 2)
    out = []
    for j in judgements:
        r = _human_ratings(data, j, include_system, automatic)
        wide = r.pivot(index="call_id", columns="reviewer", values="value")
        wide = wide[wide.notna().sum(axis=1) >= 2]
        names = sorted(wide.columns)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                both = wide[[a, b]].dropna()
                if len(both) < max(min_calls, 1):
                    continue
                x, y = both[a].astype(bool), both[b].astype(bool)
                tp, fp, fn, tn = (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum()
                k, se = cohens_kappa_2x2(tp, fp, fn, tn)
                out.append(
                    {
                        "judgement": j,
                        "reviewer_a": a,
                        "reviewer_b": b,
                        "n": len(both),
                        "observed_agreement": (tp + tn) / len(both),
                        "kappa": float(k),
                        "kappa_se": float(se),
                        "kappa_low": float(np.clip(k - z * se, -1, 1)),
                        "kappa_high": float(np.clip(k + z * se, -1, 1)),
                        "a_rate": x.mean(),
                        "b_rate": y.mean(),
                    }
                )
    cols = [
        "judgement",
        "reviewer_a",
        "reviewer_b",
        "n",
        "observed_agreement",
        "kappa",
        "kappa_se",
        "kappa_low",
        "kappa_high",
        "a_rate",
        "b_rate",
    ]
    return pd.DataFrame(out, columns=cols)


def _additive_reference(r: pd.DataFrame, iterations: int = 200, tol: float = 1e-10) -> pd.Series:
    """Call effect plus the median reviewer effect of ``x = a_call + b_reviewer`` (least squares)."""
    call = pd.factorize(r["call_id"])[0]
    rev = pd.factorize(r["reviewer"])[0]
    x = r["x"].to_numpy(float)
    n_call = np.bincount(call)
    n_rev = np.bincount(rev)
    b = np.zeros(len(n_rev))
    for _ in range(iterations):  # alternating least squares (backfitting)
        a = np.bincount(call, x - b[rev]) / n_call
        b_new = np.bincount(rev, x - a[call]) / n_rev
        if np.max(np.abs(b_new - b)) < tol:
            b = b_new
            break
        b = b_new
    return pd.Series(a[call] + np.median(b), index=r.index)


def reviewer_leniency(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    include_system: bool = False,
    automatic: str = "system",
    reference: str = "model",
    confidence: float = 0.95,
    min_calls: int = 5,
) -> pd.DataFrame:
    """How much more (or less) often each reviewer judges positive than others on the same calls.

    For every call a reviewer shares with at least one other rater, the difference
    :math:`d_i = x_{ri} - o_{-r,i}` between the reviewer's judgement (1/0) and the other
    raters' verdict :math:`o_{-r,i}`. Leniency is the mean of :math:`d_i`, with a t-interval
    and a one-sample t-test against 0.

    Parameters
    ----------
    data : Dataset
    judgements : str or sequence, default ("compliant", "effective")
    include_system : bool, default False
        Treat the automatic judgement as a rater (its leniency then shows up too).
    automatic : str, default "system"
    reference : {"model", "mean", "majority"}, default "model"
        The others' verdict. ``model`` fits the additive model
        :math:`x_{rc} = a_c + b_r + e` (call and reviewer effects, least squares) and sets
        :math:`o = \\hat a_c + \\operatorname{median}_r \\hat b_r`, so leniency is
        :math:`\\hat b_r` relative to the median reviewer: one lenient colleague does not make
        everyone else look strict. ``mean``: the mean of the other raters' judgements (simple,
        but a lenient colleague shifts the others by about 1/(raters - 1) of their leniency).
        ``majority``: the others' majority (0.5 on a tie).
    confidence : float, default 0.95
    min_calls : int, default 5
        Reviewers with fewer shared calls are reported but never labelled.

    Returns
    -------
    DataFrame
        ``judgement``, ``reviewer``; ``calls`` (shared calls); ``positive_rate`` (the
        reviewer's on those calls); ``others_rate`` (mean of the others' verdicts); ``leniency``
        (mean :math:`d_i`: +0.10 = judges positive 10 points more often); ``ci_low``,
        ``ci_high``; ``p_value`` (two-sided t-test); ``label``: ``lenient`` (interval above 0),
        ``strict`` (below 0), ``in line`` or ``too few calls``. No rows for a judgement that
        no call received from two raters (e.g. a single human reviewer).
    """
    check_option("reference", reference, ["model", "mean", "majority"])
    reviews = reviews_table(data)
    judgements = check_judgements(judgements, reviews)
    out = []
    for j in judgements:
        r = _human_ratings(data, j, include_system, automatic)
        r["x"] = r["value"].astype(bool).astype(float)
        g = r.groupby("call_id")["x"]
        r["n_call"] = g.transform("size")
        r["sum_call"] = g.transform("sum")
        r = r[r["n_call"] >= 2]
        if r.empty:  # one reviewer, or no call judged twice: nobody to compare with
            continue
        others_mean = (r["sum_call"] - r["x"]) / (r["n_call"] - 1)
        if reference == "majority":
            r["others"] = np.sign(others_mean - 0.5) / 2 + 0.5
        elif reference == "mean":
            r["others"] = others_mean
        else:
            r["others"] = _additive_reference(r)
        r["d"] = r["x"] - r["others"]
        for reviewer, grp in r.groupby("reviewer", sort=True):
            d = grp["d"].to_numpy()
            n = len(d)
            mean = d.mean()
            if n >= 2 and d.std(ddof=1) > 0:
                sem = d.std(ddof=1) / np.sqrt(n)
                tq = stats.t.ppf(0.5 + confidence / 2, n - 1)
                lo, hi = mean - tq * sem, mean + tq * sem
                pval = stats.ttest_1samp(d, 0.0).pvalue
            elif n >= 2:
                lo = hi = mean
                pval = 1.0 if mean == 0 else 0.0
            else:
                lo = hi = pval = np.nan
            if n < min_calls:
                label = "too few calls"
            elif lo > 0:
                label = "lenient"
            elif hi < 0:
                label = "strict"
            else:
                label = "in line"
            out.append(
                {
                    "judgement": j,
                    "reviewer": reviewer,
                    "calls": n,
                    "positive_rate": grp["x"].mean(),
                    "others_rate": grp["others"].mean(),
                    "leniency": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "p_value": pval,
                    "label": label,
                }
            )
    cols = [
        "judgement",
        "reviewer",
        "calls",
        "positive_rate",
        "others_rate",
        "leniency",
        "ci_low",
        "ci_high",
        "p_value",
        "label",
    ]
    return pd.DataFrame(out, columns=cols)
