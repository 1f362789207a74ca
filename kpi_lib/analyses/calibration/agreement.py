"""Agreement of the automatic with the human judgements: the paired judgements of each call,
the confusion matrix, Cohen's kappa and error rates with intervals.

A false positive is a call the system judged positive that the human reference judged
negative -- the error that inflates system-measured indicators. The human judgement is
treated as the truth.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.calibration.common import (
    JUDGEMENTS,
    calls_table,
    check_judgements,
    in_period,
    reviews_table,
    team_map,
)
from kpi_lib.analyses.calibration.formulas import cohens_kappa_2x2
from kpi_lib.analyses.coverage import GRANULARITIES, period_labels
from kpi_lib.data.dataset import Dataset
from kpi_lib.scoring.smallsample import beta_binomial_fit, wilson_interval

__all__ = ["paired_judgements", "as_pairs", "confusion", "agreement", "excess_rate_test"]


def paired_judgements(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    automatic: str = "system",
    combine: str = "majority",
    period: str | None = None,
    granularity: str = "month",
) -> pd.DataFrame:
    """The automatic and the human judgement of each call reviewed by both.

    Parameters
    ----------
    data : Dataset
        Needs ``qa_reviews`` (and ``calls`` for periods, ``agents`` for teams).
    judgements : str or sequence, default ("compliant", "effective")
    automatic : str, default "system"
        Reviewer id of the automatic judgements; every other reviewer is human.
    combine : {"majority", "first", "last"}, default "majority"
        How several human judgements of one call become the reference: the majority
        (calls with a tie are left out), or the earliest / latest review.
    period : str, optional
        Keep calls started in this period.
    granularity : {"week", "month", "quarter", "year"}, default "month"
        Granularity of the ``period`` column.

    Returns
    -------
    DataFrame
        One row per call and judgement: ``judgement``, ``call_id``, ``agent_id``, ``team_id``,
        ``period``, ``period_start``, ``system`` (bool), ``human`` (bool, the reference),
        ``n_human`` (human judgements of the call), ``human_consensus`` (share of those
        agreeing with the reference).

    Examples
    --------
    >>> from kpi_lib.analyses.calibration import paired_judgements
    >>> from kpi_lib.datasets import load_sample
    >>> pairs = paired_judgements(load_sample())
    >>> pairs["judgement"].value_counts()
    judgement
    compliant    845
    effective    838
    Name: count, dtype: int64
    >>> pairs[["judgement", "call_id", "system", "human", "n_human"]].head(3)
       judgement     call_id  system  human  n_human
    0  compliant  C000010470    True  False        4
    1  compliant  C000003083    True   True        1
    2  compliant  C000006684    True   True        1
    """
    check_option("combine", combine, ["majority", "first", "last"])
    check_option("granularity", granularity, GRANULARITIES)
    reviews = reviews_table(data)
    judgements = check_judgements(judgements, reviews)
    calls = calls_table(data, ["call_id", "started_at"])
    order = "reviewed_at" if "reviewed_at" in reviews.columns else "review_id"
    reviews = reviews.sort_values([order, "review_id"])
    out = []
    for j in judgements:
        r = reviews[reviews[j].notna()]
        sysr = r[r["reviewer"] == automatic].drop_duplicates("call_id", keep="last")
        hum = r[r["reviewer"] != automatic]
        g = hum.groupby("call_id")[j]
        agg = pd.DataFrame({"n_human": g.size(), "n_pos": g.sum().astype(float)})
        if combine == "majority":
            agg["human"] = np.where(2 * agg["n_pos"] > agg["n_human"], True, False)
            agg = agg[2 * agg["n_pos"] != agg["n_human"]]
        else:
            pick = hum.drop_duplicates("call_id", keep="first" if combine == "first" else "last")
            agg["human"] = pick.set_index("call_id")[j].astype(bool)
        agg["human_consensus"] = (
            np.where(agg["human"], agg["n_pos"], agg["n_human"] - agg["n_pos"]) / agg["n_human"]
        )
        pairs = (
            sysr[["call_id", "agent_id", j]]
            .rename(columns={j: "system"})
            .merge(agg.reset_index(), on="call_id", how="inner")
        )
        pairs["system"] = pairs["system"].astype(bool)
        pairs["human"] = pairs["human"].astype(bool)
        pairs["judgement"] = j
        out.append(pairs)
    pairs = pd.concat(out, ignore_index=True)
    pairs = pairs.merge(calls, on="call_id", how="left")
    labels = period_labels(pairs["started_at"], granularity)
    pairs = pd.concat([pairs, labels], axis=1)
    if period is not None:
        pairs = pairs[in_period(pairs["started_at"], period)]
    pairs["team_id"] = pairs["agent_id"].map(team_map(data)).astype("string")
    pairs["n_human"] = pairs["n_human"].astype(int)
    cols = [
        "judgement",
        "call_id",
        "agent_id",
        "team_id",
        "period",
        "period_start",
        "system",
        "human",
        "n_human",
        "human_consensus",
    ]
    return pairs[cols].reset_index(drop=True)


def as_pairs(data: Dataset | pd.DataFrame) -> pd.DataFrame:
    """``data`` as paired judgements: :func:`paired_judgements` of a dataset, a table as is."""
    return paired_judgements(data) if isinstance(data, Dataset) else data


def _group_keys(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def confusion(
    data: Dataset | pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Confusion matrix of automatic vs human judgements, in long form.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or the output of :func:`paired_judgements`.
    by : str or sequence of str, optional
        Extra grouping columns, e.g. ``"agent_id"``.

    Returns
    -------
    DataFrame
        ``judgement``, the ``by`` columns, ``system`` (bool), ``human`` (bool), ``n`` (calls),
        ``share`` (of the judgement's / group's calls); all four cells present, zeros included.
    """
    pairs = as_pairs(data)
    keys = ["judgement", *_group_keys(by)]
    cells = pd.MultiIndex.from_product([[True, False], [True, False]], names=["system", "human"])
    n = pairs.groupby([*keys, "system", "human"]).size()
    groups = pairs[keys].drop_duplicates()
    full = groups.merge(cells.to_frame(index=False), how="cross")
    full = full.merge(n.rename("n").reset_index(), on=[*keys, "system", "human"], how="left")
    full["n"] = full["n"].fillna(0).astype(int)
    full["share"] = full["n"] / full.groupby(keys)["n"].transform("sum")
    return full.reset_index(drop=True)


def agreement(
    data: Dataset | pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Agreement of automatic with human judgements: kappa and error rates with intervals.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or the output of :func:`paired_judgements`.
    by : str or sequence of str, optional
        Extra grouping, e.g. ``"agent_id"`` or ``["agent_id", "period"]``.
    confidence : float, default 0.95
    weights : Series, optional
        Design weights indexed by ``call_id`` (e.g. the spot-check sheet's ``design_weight``).
        Cell counts are then weighted sums rescaled to Kish's effective sample size, so the
        intervals reflect the loss of precision from unequal weights.

    Returns
    -------
    DataFrame
        One row per judgement (and group): ``judgement``, the ``by`` columns; ``n`` (calls);
        ``tp``, ``fp``, ``fn``, ``tn`` (system positive & human positive; system positive &
        human negative; system negative & human positive; both negative);
        ``observed_agreement``, ``expected_agreement`` (by chance); ``kappa``, ``kappa_se``
        (asymptotic), ``kappa_low``, ``kappa_high`` (normal interval, clipped to [-1, 1]);
        ``sensitivity`` = tp / (tp + fn) and ``specificity`` = tn / (tn + fp), each with
        Wilson ``_low`` / ``_high``; ``fpr`` = 1 - specificity (the human said no, the system
        yes: inflates system rates) and ``fnr`` = 1 - sensitivity, each with Wilson
        ``_low`` / ``_high``; ``system_rate`` and ``human_rate`` (positive shares on these
        calls) and ``difference`` = system_rate - human_rate; ``mcnemar_p`` (exact two-sided
        McNemar test of fp vs fn: does the system err in one direction?).

    Notes
    -----
    :math:`\\kappa = (p_o - p_e)/(1 - p_e)` with asymptotic SE of Fleiss, Cohen & Everitt
    (1969) (as ``statsmodels.stats.inter_rater.cohens_kappa``); interval
    :math:`\\kappa \\pm z\\,SE`. Rates use the Wilson score interval.

    Examples
    --------
    >>> from kpi_lib.analyses.calibration import agreement
    >>> from kpi_lib.datasets import load_sample
    >>> agr = agreement(load_sample())
    >>> cols = ["judgement", "n", "fp", "fn", "kappa", "sensitivity", "specificity"]
    >>> agr[cols].round(3)
       judgement    n   fp  fn  kappa  sensitivity  specificity
    0  compliant  845   46  26  0.418        0.966        0.403
    1  effective  838  104  78  0.511        0.706        0.818
    >>> agr["mcnemar_p"].round(3).tolist()
    [0.024, 0.064]
    """
    pairs = as_pairs(data)
    keys = ["judgement", *_group_keys(by)]
    missing = [c for c in [*keys, "system", "human"] if c not in pairs.columns]
    if missing:
        raise KeyError(f"The paired judgements lack column(s) {missing}.")
    p = pairs.copy()
    if weights is not None:
        w = p["call_id"].map(weights).astype(float)
        if w.isna().any():
            raise KeyError(
                f"`weights` has no weight for {int(w.isna().sum())} paired call(s), e.g. "
                f"{p.loc[w.isna(), 'call_id'].head(3).tolist()}."
            )
        p["w"] = w
        grp_w = p.groupby(keys)["w"]
        squares = (p["w"] ** 2).groupby([p[k] for k in keys]).transform("sum")
        n_eff = grp_w.transform("sum") ** 2 / squares
        p["w"] = p["w"] / grp_w.transform("sum") * n_eff
    else:
        p["w"] = 1.0
    s, h = p["system"].astype(bool), p["human"].astype(bool)
    p["tp"] = p["w"] * (s & h)
    p["fp"] = p["w"] * (s & ~h)
    p["fn"] = p["w"] * (~s & h)
    p["tn"] = p["w"] * (~s & ~h)
    out = p.groupby(keys, sort=True)[["tp", "fp", "fn", "tn"]].sum()
    out.insert(0, "n", p.groupby(keys, sort=True).size())
    out = out.reset_index()
    if weights is None:
        out[["tp", "fp", "fn", "tn"]] = out[["tp", "fp", "fn", "tn"]].astype(int)
    tp, fp, fn, tn = (out[c].to_numpy(dtype=float) for c in ("tp", "fp", "fn", "tn"))
    tot = tp + fp + fn + tn
    z = stats.norm.ppf(0.5 + confidence / 2)
    kappa, se = cohens_kappa_2x2(tp, fp, fn, tn)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["observed_agreement"] = (tp + tn) / tot
        out["expected_agreement"] = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / tot**2
        out["kappa"] = kappa
        out["kappa_se"] = se
        out["kappa_low"] = np.clip(kappa - z * se, -1, 1)
        out["kappa_high"] = np.clip(kappa + z * se, -1, 1)
        for name, x, n in (
            ("sensitivity", tp, tp + fn),
            ("specificity", tn, tn + fp),
            ("fpr", fp, tn + fp),
            ("fnr", fn, tp + fn),
        ):
            lo, hi = wilson_interval(x, n, confidence=confidence)
            out[name] = np.where(n > 0, x / n, np.nan)
            out[f"{name}_low"], out[f"{name}_high"] = lo, hi
        out["system_rate"] = (tp + fp) / tot
        out["human_rate"] = (tp + fn) / tot
    out["difference"] = out["system_rate"] - out["human_rate"]
    out["mcnemar_p"] = [
        stats.binomtest(int(round(b)), int(round(b)) + int(round(c)), 0.5).pvalue
        if round(b) + round(c) > 0
        else 1.0
        for b, c in zip(fp, fn, strict=True)
    ]
    return out


def excess_rate_test(
    data: pd.DataFrame,
    *,
    count: str,
    trials: str,
    group: str | None = None,
    min_trials: int = 1,
    min_group: int = 3,
) -> pd.DataFrame:
    """Is each unit's rate above its peers' (leave-one-out), allowing for the real spread
    between units? One-sided beta-binomial test, one row per unit.

    An agent-vs-team test that uses the binomial variance alone calls every agent unusual as
    soon as agents really differ a little, and a test against a fixed rate (50 % for McNemar)
    calls every agent unusual when the system errs alike for all of them. This test compares
    each unit with the pooled rate of the *other* units of its group and widens the binomial
    variance by the overdispersion estimated from all units.

    Parameters
    ----------
    data : DataFrame
        One row per unit (e.g. agent), with ``count`` and ``trials`` columns (and ``group``).
    count, trials : str
        Columns holding the events (e.g. false positives) and the trials (human-negative
        calls).
    group : str, optional
        Column naming each unit's reference group (e.g. ``team_id``); a group with fewer than
        ``min_group`` eligible units is compared with all units instead. Default: all units.
    min_trials : int, default 1
        Units with fewer trials get NaN (and do not enter the references or the
        overdispersion).
    min_group : int, default 3

    Returns
    -------
    DataFrame
        ``data`` (same index) plus ``reference_rate`` (pooled rate of the other eligible units
        of the group), ``overdispersion`` (intra-unit correlation :math:`\\hat\\rho` of
        :func:`~kpi_lib.scoring.smallsample.beta_binomial_fit` over the eligible units),
        ``reference_group`` (the group used, ``"all"`` when pooled) and ``p_value``
        (:math:`P(X \\ge k)`; 1 when ``k`` is 0; NaN for ineligible units).

    Notes
    -----
    Under the null, :math:`k_i \\sim \\mathrm{BetaBinomial}(n_i, a_i, b_i)` with mean
    :math:`p_{0i} = (K_{-i} + 1/2)/(N_{-i} + 1)` (the other units' pooled events and trials,
    Jeffreys posterior mean) and intra-class correlation
    :math:`\\rho`: :math:`a_i = p_{0i}(1-\\rho)/\\rho`, :math:`b_i = (1-p_{0i})(1-\\rho)/\\rho`,
    so :math:`\\operatorname{Var} k_i = n_i p_{0i}(1-p_{0i})(1 + (n_i - 1)\\rho)`; with
    :math:`\\hat\\rho = 0` it is the exact binomial test (``scipy.stats.binomtest(k, n, p0,
    alternative="greater")``). :math:`\\hat\\rho` is the method-of-moments estimate of
    Kleinman (1973), from the other units (leave-one-out, so a unit far above the rest does
    not widen its own null); other units that really are above the rest raise it, which makes
    the test conservative rather than liberal. Correct the p-values for multiplicity across units
    (Benjamini-Hochberg, ``scipy.stats.false_discovery_control``).
    """
    for c in (count, trials) + ((group,) if group else ()):
        if c not in data.columns:
            raise KeyError(f"excess_rate_test: `data` has no column {c!r}.")
    out = data.copy()
    k = out[count].to_numpy(dtype=float)
    n = out[trials].to_numpy(dtype=float)
    ok = np.isfinite(k) & np.isfinite(n) & (n >= max(min_trials, 1))
    # overdispersion of the other units (leave-one-out): a unit far above the rest must not
    # widen its own null distribution
    rho = np.full(len(out), np.nan)
    for i in np.flatnonzero(ok):
        rest = ok.copy()
        rest[i] = False
        fit = beta_binomial_fit(k[rest], n[rest])
        rho[i] = fit["rho"] if np.isfinite(fit["rho"]) else 0.0
    keys = (
        out[group].astype("string").fillna("").to_numpy(dtype=object)
        if group
        else np.full(len(out), "all", dtype=object)
    )
    ref = np.full(len(out), np.nan)
    p0 = np.full(len(out), np.nan)
    used = np.full(len(out), "all", dtype=object)
    k_all, n_all = k[ok].sum(), n[ok].sum()
    for g in pd.unique(keys):
        members = keys == g
        in_g = ok & members
        if in_g.sum() >= min_group:
            kg, ng, used[members] = k[in_g].sum(), n[in_g].sum(), g
        else:
            kg, ng = k_all, n_all
        # every eligible unit is in its own pool: take it out (leave-one-out)
        rest_k, rest_n = kg - k[members], ng - n[members]
        ref[members] = np.where(rest_n > 0, rest_k / np.where(rest_n > 0, rest_n, 1), np.nan)
        # the null rate: the Jeffreys posterior mean of the peers' rate, so that peers with no
        # events at all (a rate of exactly 0) do not make one event look impossible
        p0[members] = (rest_k + 0.5) / (rest_n + 1.0)
    pv = np.full(len(out), np.nan)
    sel = ok & np.isfinite(ref)
    kk = np.where(sel, np.round(k), 0).astype(np.int64)
    nn = np.where(sel, np.round(n), 1).astype(np.int64)
    over = sel & (rho > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ab = np.where(over, (1 - rho) / rho, 1.0)
    pv[over] = stats.betabinom.sf(kk[over] - 1, nn[over], p0[over] * ab[over],
                                  (1 - p0[over]) * ab[over])  # fmt: skip
    plain = sel & ~over
    pv[plain] = stats.binom.sf(kk[plain] - 1, nn[plain], p0[plain])
    pv[sel & (k <= 0)] = 1.0
    out["reference_rate"] = np.where(ok, ref, np.nan)
    out["overdispersion"] = rho
    out["reference_group"] = used
    out["p_value"] = np.clip(pv, 0.0, 1.0)
    return out
