"""5. Relevance: how each indicator relates to the business outcomes, controlling for tenure,
team and period.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.conflicts.inference import bh_adjust, evidence_label
from kpi_lib.analyses.conflicts.tables import (
    check_indicator_table,
    indicator_directions,
    small_sample_mask,
    subject_ids,
    wide_indicators,
)

__all__ = [
    "DEFAULT_OUTCOMES",
    "outcome_relevance",
    "relevance_summary",
]


#: Business outcomes the relevance analysis relates every indicator to.
DEFAULT_OUTCOMES = ("sales_amount", "repurchase_rate", "complaints_per_100")


def _tenure_months(wide: pd.DataFrame, agents: pd.DataFrame | None, period_start) -> np.ndarray:
    if agents is None or "hire_date" not in agents or period_start is None:
        return None
    hire = pd.to_datetime(agents.set_index("agent_id")["hire_date"], errors="coerce")
    aid = wide.index.get_level_values("agent_id")
    start = pd.to_datetime(pd.Series(wide.index.get_level_values("period")).map(period_start))
    h = pd.Series(aid).map(hire)
    return ((start - h).dt.days / 30.4375).to_numpy(float)


def _ols_cluster_slope(y, X, groups, alpha) -> tuple[float, float, float, float]:
    """Coefficient of column 1 of X with CR1 cluster-robust SE, t(G - 1) p-value and critical
    value -- what statsmodels ``OLS(y, X).fit(cov_type="cluster", use_t=True)`` reports."""
    n, k = X.shape
    xtx_inv = np.linalg.pinv(X.T @ X)
    beta = xtx_inv @ (X.T @ y)
    e = y - X @ beta
    codes, uniq = pd.factorize(groups)
    g = len(uniq)
    scores = np.zeros((g, k))
    np.add.at(scores, codes, X * e[:, None])
    meat = scores.T @ scores
    v = (g / (g - 1)) * ((n - 1) / (n - k)) * (xtx_inv @ meat @ xtx_inv)
    se = float(np.sqrt(v[1, 1]))
    t = beta[1] / se
    return (
        float(beta[1]),
        se,
        float(2 * stats.t.sf(abs(t), g - 1)),
        float(stats.t.ppf(1 - alpha / 2, g - 1)),
    )


def outcome_relevance(
    indicators: pd.DataFrame,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    agents: pd.DataFrame | None = None,
    ids: Sequence[str] | None = None,
    alpha: float = 0.05,
    min_obs: int = 20,
    min_trials: int = 10,
    directions: dict | None = None,
) -> pd.DataFrame:
    """How each indicator relates to the business outcomes, controlling for tenure and team.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table.
    outcomes : list of str
        Outcome indicators (default: sales amount, repurchase rate, complaints per 100).
    agents : DataFrame, optional
        The ``agents`` contract table; its ``hire_date`` gives tenure in months at each
        period's start. Without it the model controls for team and period only.
    ids : list of str, optional
        Indicators to relate (default: every usable indicator other than the outcomes).
    alpha : float
        False-discovery rate.
    min_obs : int
        Minimum complete agent-periods for a model.
    min_trials : int
        Values that rest on too little data are left out
        (:func:`~kpi_lib.analyses.conflicts.tables.small_sample_mask`): rates on fewer trials
        (denominator) than this, and every value of an agent-period whose call volume is below
        a quarter of the period's median agent (new hires, leavers). An agent with a handful
        of calls never drives a finding.
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.

    Returns
    -------
    DataFrame
        One row per indicator and outcome: ``indicator``, ``outcome``, ``n``, ``n_agents``,
        ``beta`` (standardised: SDs of outcome per SD of indicator, adjusted), ``se``,
        ``ci_low``, ``ci_high``, ``p_value`` (agent-clustered), ``p_adj`` (Benjamini-Hochberg
        over the table), ``oriented_beta`` (beta times both directions: positive means doing
        better on the indicator goes with a better outcome), ``relation`` (``helpful``,
        ``harmful`` or ``no detectable relation``), ``evidence``, ``controls``.

    Notes
    -----
    For each pair, OLS of z(outcome) on z(indicator), tenure (months), team and period
    fixed effects, with standard errors clustered by agent (CR1, t reference with G - 1 df; the
    same numbers as statsmodels ``OLS(...).fit(cov_type="cluster", use_t=True)``). Indicators that share a numerator with the outcome (e.g.
    deals and sales amount) are related partly by construction.
    """
    subject = check_indicator_table(indicators)
    if subject != "agent_id":
        raise ValueError("outcome_relevance needs an agent-level indicator table.")
    wide = wide_indicators(indicators, min_coverage=0.3)
    missing = [o for o in outcomes if o not in wide]
    if missing:
        raise KeyError(
            f"Outcome(s) {missing} are not usable in the indicator table; available: "
            f"{list(wide.columns)}."
        )
    cand = [c for c in (ids or wide.columns) if c not in outcomes]
    dirs = indicator_directions(list(wide.columns), directions)
    ps = None
    if "period_start" in indicators:
        ps = indicators.groupby("period", observed=True)["period_start"].min()
    tenure = _tenure_months(wide, agents, ps)
    team = pd.get_dummies(wide.index.get_level_values("team_id"), drop_first=True, dtype=float)
    period = pd.get_dummies(wide.index.get_level_values("period"), drop_first=True, dtype=float)
    base = [team.to_numpy(), period.to_numpy()]
    controls = "team, period"
    if tenure is not None and np.isfinite(tenure).any():
        base.append(tenure[:, None])
        controls = "tenure, team, period"
    base = np.column_stack(base) if base else np.empty((len(wide), 0))
    groups = subject_ids(wide)
    small = small_sample_mask(indicators, wide, min_trials)
    rows = []
    for o in outcomes:
        yv = wide[o].to_numpy()
        for i in cand:
            xv = wide[i].to_numpy()
            ok = ~(np.isnan(xv) | np.isnan(yv) | np.isnan(base).any(axis=1))
            ok &= ~small[i].to_numpy() & ~small[o].to_numpy()
            n, g = int(ok.sum()), len(np.unique(groups[ok]))
            row = {"indicator": i, "outcome": o, "n": n, "n_agents": g, "controls": controls}
            if n < min_obs or g < 3 or np.nanstd(xv[ok]) == 0 or np.nanstd(yv[ok]) == 0:
                rows.append(row)
                continue
            z = lambda v: (v - v.mean()) / v.std()  # noqa: E731
            X = np.column_stack([np.ones(n), z(xv[ok]), base[ok]])
            X = X[:, np.r_[True, True, X[:, 2:].std(axis=0) > 0]]
            beta, se, p, crit = _ols_cluster_slope(z(yv[ok]), X, groups[ok], alpha)
            row.update(
                beta=beta, se=se, ci_low=beta - crit * se, ci_high=beta + crit * se, p_value=p
            )
            rows.append(row)
    out = pd.DataFrame(rows)
    for c in ("beta", "se", "ci_low", "ci_high", "p_value"):
        if c not in out:
            out[c] = np.nan
    out["p_adj"] = bh_adjust(out["p_value"])
    out["oriented_beta"] = out["beta"] * out["indicator"].map(dirs) * out["outcome"].map(dirs)
    sig = out["p_adj"] < alpha
    out["relation"] = np.select(
        [sig & (out["oriented_beta"] > 0), sig & (out["oriented_beta"] < 0)],
        ["helpful", "harmful"],
        default="no detectable relation",
    )
    out["evidence"] = evidence_label(out["p_adj"])
    return out[
        [
            "indicator", "outcome", "n", "n_agents", "beta", "se", "ci_low", "ci_high",
            "p_value", "p_adj", "oriented_beta", "relation", "evidence", "controls",
        ]
    ]  # fmt: skip


def relevance_summary(relevance: pd.DataFrame) -> pd.DataFrame:
    """One verdict per indicator from :func:`outcome_relevance`.

    Returns
    -------
    DataFrame
        ``indicator``, ``helpful_outcomes``, ``harmful_outcomes`` (comma-separated outcome
        ids), ``best_p_adj`` (smallest adjusted p-value over outcomes), ``verdict``
        (``harmful``: related to a worse outcome; ``no detectable relation``: no outcome
        relation found -- a down-weight candidate, though absence of evidence is not proof;
        ``helpful``), ``down_weight_candidate`` (bool).
    """
    rows = []
    for ind, g in relevance.groupby("indicator", sort=False):
        helpful = g.loc[g["relation"] == "helpful", "outcome"].tolist()
        harmful = g.loc[g["relation"] == "harmful", "outcome"].tolist()
        verdict = "harmful" if harmful else ("helpful" if helpful else "no detectable relation")
        rows.append(
            {
                "indicator": ind,
                "helpful_outcomes": ", ".join(helpful),
                "harmful_outcomes": ", ".join(harmful),
                "best_p_adj": g["p_adj"].min(),
                "verdict": verdict,
                "down_weight_candidate": verdict != "helpful",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "indicator", "helpful_outcomes", "harmful_outcomes", "best_p_adj", "verdict",
            "down_weight_candidate",
        ],
    )  # fmt: skip
