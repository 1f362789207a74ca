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


def count_kind(indicator: str) -> tuple[str | None, float]:
    """How an indicator's numerator counts events: (kind, scale).

    ``kind`` is ``"proportion"`` (numerator events out of denominator trials), ``"poisson"``
    (numerator / ``scale`` events over the denominator as exposure) or ``None`` (amounts,
    averages, levels: no count test). From the catalogue unit; unknown ids get ``None``.
    """
    cat = indicator_catalogue()
    if cat is None or indicator not in cat.CATALOGUE:
        return None, 1.0
    unit = str(cat.CATALOGUE[indicator].unit)
    if unit == "share":
        return "proportion", 1.0
    if unit == "count":
        return "poisson", 1.0
    if unit.startswith("per 100"):
        return "poisson", 100.0
    return None, 1.0


def _change_p(kind, scale, n0, d0, n1, d1) -> np.ndarray:
    """Two-sided p-values that a count-based rate changed between two periods (NaN: no test).

    Arrays in, array out. Proportions: two-proportion z-test. Poisson counts with exposure:
    exact conditional test, ``n1 | n0 + n1 ~ Binomial(n0 + n1, d1 / (d0 + d1))``, two-sided as
    twice the smaller tail (the "central" exact test).
    """
    n0, d0, n1, d1 = (np.asarray(v, dtype=float) for v in (n0, d0, n1, d1))
    out = np.full(n0.shape, np.nan)
    if kind is None:
        return out
    ok = np.isfinite(n0 + d0 + n1 + d1) & (d0 > 0) & (d1 > 0)
    n0, n1 = n0 / scale, n1 / scale
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "proportion":
            pool = (n0 + n1) / (d0 + d1)
            se = np.sqrt(pool * (1 - pool) * (1 / d0 + 1 / d1))
            p = np.where(se > 0, 2 * stats.norm.sf(np.abs(n1 / d1 - n0 / d0) / se), 1.0)
        else:
            k, tot = np.round(n1), np.round(n0 + n1)
            q = d1 / (d0 + d1)
            tails = np.minimum(stats.binom.cdf(k, tot, q), stats.binom.sf(k - 1, tot, q))
            p = np.where(tot > 0, np.minimum(1.0, 2 * tails), 1.0)
    out[ok] = p[ok]
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
        must be real), ``p_adj`` (Benjamini-Hochberg over all rows), ``confident``
        (``p_adj < alpha``), ``evidence``.

    Notes
    -----
    Change tests need count numerators (:func:`count_kind`, from the catalogue unit): a
    two-proportion z-test for shares, a Poisson rate comparison with the denominator as
    exposure for counts and per-100 rates (exact binomial test of n1 given n0 + n1). Amounts,
    averages and custom indicators have no test (p NaN, ``confident`` False). Team-level Poisson tests ignore overdispersion between agents, so
    treat team-level p-values as optimistic.
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
    both = {(a, b) for a, b in pair_list} | {(b, a) for a, b in pair_list}
    improved = m[m["good_change"] >= improve_threshold]
    worse = m[m["good_change"] <= -deteriorate_threshold]
    cand = improved.merge(worse, on=unit + ["pos"], suffixes=("_a", "_b"))
    cand = cand[
        [(a, b) in both for a, b in zip(cand["indicator_a"], cand["indicator_b"], strict=True)]
    ]
    for side in ("a", "b"):
        p_side = np.full(len(cand), np.nan)
        for ind_id, idx in cand.groupby(f"indicator_{side}").indices.items():
            sub = cand.iloc[idx]
            p_side[idx] = _change_p(
                *count_kind(ind_id),
                sub[f"numerator_prev_{side}"], sub[f"denominator_prev_{side}"],
                sub[f"numerator_{side}"], sub[f"denominator_{side}"],
            )  # fmt: skip
        cand[f"p_{side}"] = p_side
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
