"""4. Trend conflicts: indicator A improved while B deteriorated between consecutive periods,
with count-based change tests.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.conflicts.inference import bh_adjust, evidence_label
from kpi_lib.analyses.conflicts.tables import (
    check_indicator_table,
    count_kind,
    indicator_catalogue,
    indicator_directions,
)
from kpi_lib.indicators.periods import period_order

__all__ = [
    "count_kind",
    "trend_conflicts",
]


def _default_trend_pairs(present: set[str]) -> list[tuple[str, str]]:
    cat = indicator_catalogue()
    pairs: list[tuple[str, str]] = []
    if cat is not None:
        for ind in cat.CATALOGUE.values():
            for q in getattr(ind, "pairs_with", ()) or ():
                pairs.append((ind.id, q))
        if hasattr(cat, "EXPECTED_RELATIONS"):
            for rec in cat.EXPECTED_RELATIONS.to_dict("records"):
                pairs.append((rec["indicator_a"], rec["indicator_b"]))
    if not pairs:
        pairs = [("effective_calls", "conversion_rate"), ("dials", "connect_rate"),
                 ("effective_calls", "satisfaction_score"), ("sales_amount", "repurchase_rate")]  # fmt: skip
    seen, out = set(), []
    for a, b in pairs:
        if a in present and b in present and a != b and (a, b) not in seen:
            seen.add((a, b))
            out.append((a, b))
    return out


def _aggregate_to_team(indicators: pd.DataFrame) -> pd.DataFrame:
    has_nd = {"numerator", "denominator"} <= set(indicators.columns)
    keys = ["team_id", "period", "indicator"]
    if has_nd:
        agg = indicators.groupby(keys, observed=True)[["numerator", "denominator"]].sum(min_count=1)
        agg["value"] = agg["numerator"] / agg["denominator"].where(agg["denominator"] != 0)
    else:
        agg = indicators.groupby(keys, observed=True)[["value"]].mean()
    agg = agg.reset_index()
    if "period_start" in indicators:
        ps = indicators.groupby("period", observed=True)["period_start"].min()
        agg["period_start"] = agg["period"].map(ps)
    return agg


def _shock_robust_p(m: pd.DataFrame) -> pd.Series:
    """Two-sided p-value that a unit's change differs from the other units' change in the same
    period (period fixed effects), per row of ``m`` (one unit, indicator, period pair).

    The log change ``l = log(v1 / v0)`` of a count-based indicator has sampling variance
    ``s`` (Poisson: ``1/c0 + 1/c1``; proportion: ``(1-p0)/(n0 p0) + (1-p1)/(n1 p1)``). It is
    compared with the mean change of the other units in the period, so a month shock shared by
    every agent cancels; unit-period shocks (a team's good month) are extra variance ``tau2``,
    estimated per indicator so that the median squared z equals the chi-square(1) median
    (0.455). With fewer than 3 units in a period no test is made (NaN): a change of the only
    team cannot be told from a month shock.
    """
    out = pd.Series(np.nan, index=m.index)
    for ind_id, g in m.groupby("indicator"):
        kind, scale = count_kind(ind_id)
        if kind is None:
            continue
        c0 = g["numerator_prev"].to_numpy(float) / scale
        c1 = g["numerator"].to_numpy(float) / scale
        n0 = g["denominator_prev"].to_numpy(float)
        n1 = g["denominator"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            r0, r1 = c0 / n0, c1 / n1
            lc = np.log(r1 / r0)
            if kind == "proportion":
                s = (1 - r0) / (n0 * r0) + (1 - r1) / (n1 * r1)
            else:
                s = 1 / c0 + 1 / c1
        ok = np.isfinite(lc) & np.isfinite(s) & (s > 0) & (c0 > 0) & (c1 > 0)
        pos = g["pos"].to_numpy()
        codes, _ = pd.factorize(pos)
        k = np.bincount(codes, weights=ok.astype(float))[codes]
        sum_l = np.bincount(codes, weights=np.where(ok, lc, 0.0))[codes]
        sum_s = np.bincount(codes, weights=np.where(ok, s, 0.0))[codes]
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_other = (sum_l - np.where(ok, lc, 0.0)) / (k - 1)
            s_other = (sum_s - np.where(ok, s, 0.0)) / (k - 1) ** 2
            resid = lc - mean_other
        use = ok & (k >= 3)
        if use.sum() < 3:
            continue
        factor = 1 + 1 / np.maximum(k - 1, 1)

        def r2(tau2, use=use, resid=resid, s=s, s_other=s_other, factor=factor):
            return resid[use] ** 2 / (s[use] + s_other[use] + tau2 * factor[use])

        target = stats.chi2.median(1)
        tau2 = 0.0
        if np.median(r2(0.0)) > target:
            lo, hi = 0.0, 1e-6
            while np.median(r2(hi)) > target and hi < 1e3:
                hi *= 4
            for _ in range(60):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if np.median(r2(mid)) > target else (lo, mid)
            tau2 = hi
        with np.errstate(divide="ignore", invalid="ignore"):
            z = resid / np.sqrt(s + s_other + tau2 * factor)
        out.loc[g.index[use]] = 2 * stats.norm.sf(np.abs(z[use]))
    return out


def trend_conflicts(
    indicators: pd.DataFrame,
    *,
    level: str = "team",
    pairs: Sequence[tuple[str, str]] | None = None,
    improve_threshold: float = 0.10,
    deteriorate_threshold: float = 0.05,
    alpha: float = 0.05,
    directions: dict | None = None,
) -> pd.DataFrame:
    """Pairs where indicator A improved while B deteriorated between consecutive periods.

    The source's example: effective calls +10 % while conversion -5 % means call quality fell.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table (agent or team level, one granularity).
    level : {"team", "agent"}
        Compare team values (re-aggregated as sum of numerators / sum of denominators, so a
        count becomes the per-agent mean) or each agent's values.
    pairs : list of (str, str), optional
        Ordered pairs (A, B) to watch; both orders are checked. Default: each volume indicator
        with its paired quality indicators plus the catalogue's expected relations.
    improve_threshold, deteriorate_threshold : float
        Relative changes (0.10 = 10 %), in each indicator's good direction.
    alpha : float
        False-discovery rate for ``confident``.
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.

    Returns
    -------
    DataFrame
        One row per unit, consecutive period pair and conflicting pair: ``level``, ``team_id``,
        ``agent_id`` (empty at team level), ``period_from``, ``period_to``, ``improved``,
        ``improved_from``, ``improved_to``, ``improved_change`` (relative, signed),
        ``deteriorated``, ``deteriorated_from``, ``deteriorated_to``,
        ``deteriorated_change``, ``p_value`` (the larger of the two change tests: both changes
        must stand out from the period's other units), ``p_adj`` (Benjamini-Hochberg over all rows), ``confident``
        (``p_adj < alpha``), ``evidence``.

    Notes
    -----
    Change tests need count numerators (:func:`count_kind`, from the catalogue unit). A
    change is tested against the other units' change in the same period (period fixed
    effects): the log change of the rate minus the mean log change of the other units, with
    binomial (shares) or Poisson (counts, per-100 rates) sampling variance plus a unit-period
    shock variance estimated per indicator from the data (median squared z matched to the
    chi-square(1) median). So a month in which every agent dials more (a campaign, a holiday)
    is not a conflict, and a team's ordinary month-to-month wobble is not either. With fewer
    than 3 units in a period, amounts, averages and custom indicators there is no test (p NaN,
    ``confident`` False).
    """
    check_option("level", level, ["team", "agent"])
    subject = check_indicator_table(indicators)
    if level == "agent" and subject != "agent_id":
        raise ValueError("level='agent' needs an agent-level indicator table (with `agent_id`).")
    data = (
        _aggregate_to_team(indicators)
        if (level == "team" and subject == "agent_id")
        else indicators
    )
    if "numerator" not in data:
        data = data.assign(numerator=np.nan, denominator=np.nan)
    unit = ["team_id"] if level == "team" else ["team_id", "agent_id"]
    present = set(data["indicator"].unique())
    pair_list = _default_trend_pairs(present) if pairs is None else list(pairs)
    for a, b in pair_list:
        for i in (a, b):
            if i not in present:
                raise KeyError(f"Indicator {i!r} is not in the indicator table.")
    dirs = indicator_directions(present, directions)
    order = period_order(data)
    if len(order) < 2:
        # the first period of a dataset has nothing to compare with: a skipped analysis
        raise ValueError(
            f"Trend conflicts compare consecutive periods; the window holds {len(order)}."
        )
    pos = {p: i for i, p in enumerate(order)}
    d = data[unit + ["period", "indicator", "value", "numerator", "denominator"]].copy()
    d["pos"] = d["period"].astype(str).map(pos)
    prev = d.copy()
    prev["pos"] = prev["pos"] + 1
    m = d.merge(prev, on=unit + ["indicator", "pos"], suffixes=("", "_prev"))
    m["change"] = (m["value"] - m["value_prev"]) / m["value_prev"].abs().where(m["value_prev"] != 0)
    m["good_change"] = m["change"] * m["indicator"].map(dirs)
    m = m.dropna(subset=["good_change"])
    m["p_shock"] = _shock_robust_p(m)
    both = {(a, b) for a, b in pair_list} | {(b, a) for a, b in pair_list}
    improved = m[m["good_change"] >= improve_threshold]
    worse = m[m["good_change"] <= -deteriorate_threshold]
    cand = improved.merge(worse, on=unit + ["pos"], suffixes=("_a", "_b"))
    cand = cand[
        [(a, b) in both for a, b in zip(cand["indicator_a"], cand["indicator_b"], strict=True)]
    ]
    for side in ("a", "b"):
        # the change relative to the other units' change in the same period (shared month
        # shocks cancel; unit-month shocks are estimated as extra variance)
        cand[f"p_{side}"] = cand[f"p_shock_{side}"]
    out = pd.DataFrame(
        {
            "level": level, "team_id": cand["team_id"].to_numpy(),
            "agent_id": cand["agent_id"].to_numpy() if "agent_id" in cand else "",
            "period_from": [order[i - 1] for i in cand["pos"]],
            "period_to": [order[i] for i in cand["pos"]],
            "improved": cand["indicator_a"].to_numpy(),
            "improved_from": cand["value_prev_a"].to_numpy(),
            "improved_to": cand["value_a"].to_numpy(),
            "improved_change": cand["change_a"].to_numpy(),
            "deteriorated": cand["indicator_b"].to_numpy(),
            "deteriorated_from": cand["value_prev_b"].to_numpy(),
            "deteriorated_to": cand["value_b"].to_numpy(),
            "deteriorated_change": cand["change_b"].to_numpy(),
            "p_value": np.fmax(cand["p_a"], cand["p_b"]).where(
                cand["p_a"].notna() & cand["p_b"].notna()
            ).to_numpy(),
        }
    )  # fmt: skip
    cols = [
        "level", "team_id", "agent_id", "period_from", "period_to", "improved", "improved_from",
        "improved_to", "improved_change", "deteriorated", "deteriorated_from", "deteriorated_to",
        "deteriorated_change", "p_value", "p_adj", "confident", "evidence",
    ]  # fmt: skip
    out["p_adj"] = bh_adjust(out["p_value"])
    out["confident"] = out["p_adj"] < alpha
    out["evidence"] = evidence_label(out["p_adj"])
    return out.sort_values(["confident", "p_value"], ascending=[False, True]).reset_index(
        drop=True
    )[cols]
