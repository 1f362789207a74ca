"""System-measured compliance and effective-call rates corrected for misclassification
(Rogan-Gladen), and their substitution into an indicator table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.calibration.agreement import agreement, paired_judgements
from kpi_lib.analyses.calibration.common import (
    INDICATOR_OF,
    JUDGEMENTS,
    calls_table,
    check_judgements,
    reviews_table,
    team_map,
)
from kpi_lib.analyses.calibration.formulas import rogan_gladen
from kpi_lib.analyses.coverage import GRANULARITIES, period_labels
from kpi_lib.data.dataset import Dataset

__all__ = ["corrected_rates", "apply_correction"]

#: Rounding tolerance of the Rogan-Gladen estimate before it counts as outside [0, 1].
_EPS = 1e-12


def corrected_rates(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    level: str = "agent",
    granularity: str = "month",
    period: str | None = None,
    rates_by: str = "all",
    method: str = "delta",
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    automatic: str = "system",
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """System-measured compliance and effective-call rates corrected for misclassification.

    The observed rate is the share of a unit's automatically reviewed calls the system judged
    positive. Sensitivity and specificity of the system come from the calls also reviewed by
    humans (pooled over all periods, so a month with few human reviews borrows precision).

    Parameters
    ----------
    data : Dataset
    judgements : str or sequence, default ("compliant", "effective")
    level : {"agent", "team", "all"}, default "agent"
        Unit of the corrected rates.
    granularity : {"week", "month", "quarter", "year"}, default "month"
    period : str, optional
        Keep one period.
    rates_by : {"all", "team", "agent"}, default "all"
        Where sensitivity and specificity are estimated: pooled over everyone (stable; assumes
        the system errs alike for everyone), per team, or per agent (only with many human
        reviews per agent). Must not be finer than ``level``.
    method : {"delta", "bootstrap"}, default "delta"
        Interval for the corrected rate: delta method, or parametric bootstrap percentiles.
    confidence : float, default 0.95
    n_boot : int, default 2000
        Bootstrap replicates (``method="bootstrap"``).
    seed : int, default 0
    automatic : str, default "system"
    weights : Series, optional
        Design weights by ``call_id`` for the human sample (see :func:`agreement`).

    Returns
    -------
    DataFrame
        Indicator-table compatible rows: ``agent_id`` (level agent), ``team_id`` (not for level
        all), ``period``, ``granularity``, ``period_start``, ``indicator`` (``INDICATOR_OF``),
        ``value`` (corrected rate), ``numerator`` (value x denominator), ``denominator``
        (automatically reviewed calls), ``reason`` (why value is missing, else empty); and
        ``judgement``, ``raw_value`` (system rate), ``sensitivity``, ``specificity``,
        ``n_truth_pos``, ``n_truth_neg`` (human-positive and human-negative calls behind them),
        ``ci_low``, ``ci_high``, ``clipped`` (the formula fell outside [0, 1]), ``adjustment``
        (value - raw_value), ``human_rate`` and ``n_human`` (human-reviewed calls of the same
        unit and period, a direct but noisier estimate), ``method``.

    Notes
    -----
    Rogan-Gladen: :math:`\\hat\\pi = (p + Sp - 1)/(Se + Sp - 1)`, clipped to [0, 1]. Delta
    method, treating the three estimates as independent binomial proportions
    (:math:`J = Se + Sp - 1`):

    .. math:: \\operatorname{Var}\\hat\\pi \\approx
              \\frac{V(p) + \\pi^2 V(Se) + (1-\\pi)^2 V(Sp)}{J^2}

    with :math:`V(p) = p(1-p)/n` etc. (Greenland 1996). The bootstrap redraws :math:`p`,
    :math:`Se`, :math:`Sp` from their binomials. When Se or Sp is estimated as exactly 0 or 1
    the delta interval understates uncertainty; prefer the bootstrap then.

    References
    ----------
    Rogan & Gladen (1978), Am. J. Epidemiol. 107: 71-76. Greenland (1996), Basic methods for
    sensitivity analysis of biases, Int. J. Epidemiol. 25: 1107-1116.
    """
    check_option("level", level, ["agent", "team", "all"])
    check_option("rates_by", rates_by, ["all", "team", "agent"])
    check_option("method", method, ["delta", "bootstrap"])
    check_option("granularity", granularity, GRANULARITIES)
    if rates_by == "agent" and level != "agent" or rates_by == "team" and level == "all":
        raise ValueError(
            f"`rates_by={rates_by!r}` is finer than `level={level!r}`; misclassification rates "
            "must be estimated at the unit level or coarser."
        )
    reviews = reviews_table(data)
    judgements = check_judgements(judgements, reviews)
    unit = {"agent": ["agent_id", "team_id"], "team": ["team_id"], "all": []}[level]
    rate_keys = {"all": [], "team": ["team_id"], "agent": ["agent_id", "team_id"]}[rates_by]
    pairs = paired_judgements(
        data, judgements=judgements, automatic=automatic, granularity=granularity
    )
    acc = agreement(pairs, by=rate_keys or None, confidence=confidence, weights=weights)
    acc = acc.assign(n_truth_pos=acc["tp"] + acc["fn"], n_truth_neg=acc["tn"] + acc["fp"])
    acc = acc[["judgement", *rate_keys, "sensitivity", "specificity", "n_truth_pos", "n_truth_neg"]]

    calls = calls_table(data, ["call_id", "started_at"])
    sysr = reviews[reviews["reviewer"] == automatic].drop_duplicates("call_id", keep="last")
    sysr = sysr.merge(calls, on="call_id", how="left")
    sysr = pd.concat([sysr, period_labels(sysr["started_at"], granularity)], axis=1)
    if period is not None:
        sysr = sysr[sysr["period"] == str(period)]
        pairs = pairs[pairs["period"] == str(period)]
    sysr["team_id"] = sysr["agent_id"].map(team_map(data)).astype("string")
    rows = []
    for j in judgements:
        r = sysr[sysr[j].notna()]
        obs = (
            r.assign(_positive=r[j].astype(bool).astype("int64"))
            .groupby([*unit, "period", "period_start"])["_positive"]
            .agg(denominator="size", positives="sum")
            .reset_index()
        )
        hum = (
            pairs[pairs["judgement"] == j]
            .groupby([*unit, "period"])["human"]
            .agg(n_human="size", human_rate="mean")
            .reset_index()
        )
        obs = obs.merge(hum, on=[*unit, "period"], how="left")
        obs["judgement"] = j
        rows.append(obs)
    out = pd.concat(rows, ignore_index=True)
    out = out.merge(acc, on=["judgement", *rate_keys], how="left")
    out["n_human"] = out["n_human"].fillna(0).astype(int)
    n = out["denominator"].to_numpy(float)
    p = out["positives"].to_numpy(float) / n
    se, sp = out["sensitivity"].to_numpy(float), out["specificity"].to_numpy(float)
    npos, nneg = out["n_truth_pos"].to_numpy(float), out["n_truth_neg"].to_numpy(float)
    j_ = se + sp - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rg = (p + sp - 1) / j_
    value = rogan_gladen(p, se, sp)
    if method == "delta":
        with np.errstate(divide="ignore", invalid="ignore"):
            th = np.clip(raw_rg, 0, 1)
            var = (
                p * (1 - p) / n
                + th**2 * se * (1 - se) / npos
                + (1 - th) ** 2 * sp * (1 - sp) / nneg
            ) / j_**2
        z = stats.norm.ppf(0.5 + confidence / 2)
        lo, hi = np.clip(value - z * np.sqrt(var), 0, 1), np.clip(value + z * np.sqrt(var), 0, 1)
    else:
        rng = np.random.default_rng(seed)
        safe = np.nan_to_num

        def draw(k, prob):
            return (
                rng.binomial(
                    safe(k).astype(np.int64)[:, None].repeat(n_boot, 1),
                    safe(prob)[:, None].repeat(n_boot, 1),
                )
                / np.maximum(k, 1)[:, None]
            )

        pb, seb, spb = draw(n, p), draw(npos, se), draw(nneg, sp)
        with np.errstate(divide="ignore", invalid="ignore"):
            jb = seb + spb - 1
            th = np.where(jb > 0, np.clip((pb + spb - 1) / jb, 0, 1), np.nan)
        tail = (1 - confidence) / 2 * 100
        lo = np.nanpercentile(th, tail, axis=1)
        hi = np.nanpercentile(th, 100 - tail, axis=1)
    reason = np.select(
        [np.isnan(se) | np.isnan(sp), j_ <= _EPS],  # 0.3 + 0.7 - 1 is 1e-16, not > 0
        [
            "no human reviews to estimate the system's error rates",
            "system no better than chance (sensitivity + specificity <= 1)",
        ],
        default="",
    )
    ok = reason == ""
    out["raw_value"] = p
    out["value"] = np.where(ok, value, np.nan)
    out["ci_low"] = np.where(ok, lo, np.nan)
    out["ci_high"] = np.where(ok, hi, np.nan)
    # a rate at the boundary by rounding (p + Sp - 1 = -1e-17) is not clipped
    out["clipped"] = ok & ((raw_rg < -_EPS) | (raw_rg > 1 + _EPS))
    out["reason"] = pd.Series(reason, dtype="string")
    out["numerator"] = out["value"] * out["denominator"]
    out["adjustment"] = out["value"] - out["raw_value"]
    out["indicator"] = out["judgement"].map(INDICATOR_OF)
    out["granularity"] = granularity
    out["method"] = method
    cols = [
        *unit,
        "period",
        "granularity",
        "period_start",
        "indicator",
        "value",
        "numerator",
        "denominator",
        "reason",
        "judgement",
        "raw_value",
        "sensitivity",
        "specificity",
        "n_truth_pos",
        "n_truth_neg",
        "ci_low",
        "ci_high",
        "clipped",
        "adjustment",
        "human_rate",
        "n_human",
        "method",
    ]
    return out[cols].sort_values([*unit, "period", "indicator"], ignore_index=True)


def apply_correction(indicators: pd.DataFrame, corrected: pd.DataFrame) -> pd.DataFrame:
    """Replace system-measured rates in an indicator table with corrected values.

    Parameters
    ----------
    indicators : DataFrame
        An indicator table (``compute_indicators``).
    corrected : DataFrame
        Output of :func:`corrected_rates` at the same level and granularity.

    Returns
    -------
    DataFrame
        ``indicators`` with ``value``, ``numerator`` and ``reason`` taken from ``corrected``
        on matching rows (same unit, period and indicator, keeping the indicator table's
        ``denominator``), plus ``raw_value`` (the value before correction), ``ci_low``,
        ``ci_high`` and ``corrected`` (bool) columns. Rows not corrected keep their values.
    """
    keys = [
        k
        for k in ("agent_id", "team_id", "period", "granularity", "indicator")
        if k in indicators.columns and k in corrected.columns
    ]
    if "indicator" not in keys or "period" not in keys:
        raise KeyError("Both tables need `indicator` and `period` columns to be matched.")
    c = corrected[[*keys, "value", "reason", "ci_low", "ci_high"]].rename(
        columns={"value": "_value", "reason": "_reason"}
    )
    out = indicators.merge(c, on=keys, how="left", indicator="_m")
    hit = (out["_m"] == "both").to_numpy()
    out["raw_value"] = out["value"]
    out["corrected"] = hit
    out.loc[hit, "value"] = out.loc[hit, "_value"]
    if "numerator" in out.columns and "denominator" in out.columns:
        out.loc[hit, "numerator"] = out.loc[hit, "value"] * out.loc[hit, "denominator"]
    if "reason" in out.columns:
        out["reason"] = out["reason"].astype("string")
        out.loc[hit, "reason"] = out.loc[hit, "_reason"].astype("string").fillna("")
    return out.drop(columns=["_value", "_reason", "_m"])
