"""2. Within-agent (over time) versus between-agent relations: repeated-measures correlation
and the correlation of agent means, with the Simpson's-paradox warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.conflicts.inference import bh_adjust
from kpi_lib.analyses.conflicts.tables import (
    check_indicator_table,
    indicator_directions,
    small_sample_mask,
    subject_ids,
    wide_indicators,
)

__all__ = [
    "rm_corr",
    "rm_corr_arrays",
    "within_between",
]


def rm_corr(
    data: pd.DataFrame, *, x: str, y: str, subject: str, alpha: float = 0.05
) -> pd.DataFrame:
    """Repeated-measures correlation: the common within-subject association of x and y.

    Parameters
    ----------
    data : DataFrame
        Long data with columns ``x``, ``y`` and ``subject``; rows with a missing value are
        dropped.
    x, y : str
        Numeric columns.
    subject : str
        Column identifying the subject (agent).
    alpha : float
        1 - confidence level of the interval.

    Returns
    -------
    DataFrame
        One row: ``r``, ``dof``, ``p_value``, ``ci_low``, ``ci_high``, ``n`` (observations),
        ``n_subjects``.

    Notes
    -----
    ANCOVA form (Bakdash & Marusich 2017): with x and y centred within each subject,
    ``r_rm = sum(x_c y_c) / sqrt(sum x_c^2 sum y_c^2)``, ``dof = N - k - 1`` (N observations, k
    subjects), ``t = r sqrt(dof / (1 - r^2))``. The interval is Fisher's z with
    ``se = 1 / sqrt(dof - 1)``, as R's ``rmcorr`` and ``pingouin.rm_corr``.

    References
    ----------
    Bakdash JZ, Marusich LR (2017). Repeated measures correlation. Front Psychol 8:456.
    """
    for c in (x, y, subject):
        if c not in data:
            raise KeyError(f"Column {c!r} is not in the data; columns: {list(data.columns)}.")
    d = data[[x, y, subject]].dropna()
    r, dof, p, n, k = rm_corr_arrays(
        d[x].to_numpy(float), d[y].to_numpy(float), d[subject].to_numpy()
    )
    lo, hi = _fisher_ci(r, dof + 2, alpha)
    return pd.DataFrame(
        [{"r": r, "dof": dof, "p_value": p, "ci_low": lo, "ci_high": hi, "n": n, "n_subjects": k}]
    )


def rm_corr_arrays(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple:
    """:func:`rm_corr` on complete arrays: ``(r, dof, p_value, n, n_subjects)``; r and p are
    NaN when ``dof < 2`` or a variable is constant within every subject."""
    codes, uniq = pd.factorize(groups)
    k, n = len(uniq), len(x)
    cnt = np.bincount(codes, minlength=k)
    xc = x - (np.bincount(codes, weights=x, minlength=k) / cnt)[codes]
    yc = y - (np.bincount(codes, weights=y, minlength=k) / cnt)[codes]
    sxx, syy = (xc**2).sum(), (yc**2).sum()
    dof = n - k - 1
    if dof < 2 or sxx == 0 or syy == 0:
        return np.nan, dof, np.nan, n, k
    r = float((xc * yc).sum() / np.sqrt(sxx * syy))
    if abs(r) >= 1:
        return r, dof, 0.0, n, k
    t = r * np.sqrt(dof / (1 - r**2))
    return r, dof, float(2 * stats.t.sf(abs(t), dof)), n, k


def _two_way_residuals(v: np.ndarray, agent: np.ndarray, cell: np.ndarray) -> np.ndarray:
    """``v`` minus agent effects and period (team-period) effects: least-squares two-way fixed
    effects by alternating projections (exact at convergence, also for unbalanced panels)."""
    r = v - v.mean()
    ka, kc = agent.max() + 1, cell.max() + 1
    na = np.bincount(agent, minlength=ka)
    nc = np.bincount(cell, minlength=kc)
    for _ in range(500):
        r_old = r
        r = r - (np.bincount(agent, weights=r, minlength=ka) / np.maximum(na, 1))[agent]
        r = r - (np.bincount(cell, weights=r, minlength=kc) / np.maximum(nc, 1))[cell]
        if np.max(np.abs(r - r_old)) < 1e-12 * (1 + np.max(np.abs(v))):
            break
    return r - (np.bincount(agent, weights=r, minlength=ka) / np.maximum(na, 1))[agent]


def rm_corr_period_fe(x, y, groups, cells, teams) -> tuple:
    """Repeated-measures correlation with period effects: ``(r, dof, p_value, n, n_subjects)``.

    x and y are residualised on agent effects and on ``cells`` effects (one level per team and
    period), so month shocks shared by all agents, or by a team's agents, do not make the
    within-agent correlation; ``dof = N - rank - 1`` with ``rank = agents + cells - teams``
    (the rank of the two-way design when agents are nested in teams).
    """
    a_codes, a_uniq = pd.factorize(groups)
    c_codes, c_uniq = pd.factorize(cells)
    n, k = len(x), len(a_uniq)
    dof = n - (k + len(c_uniq) - len(pd.unique(teams))) - 1
    if dof < 2:
        return np.nan, dof, np.nan, n, k
    xc = _two_way_residuals(np.asarray(x, float), a_codes, c_codes)
    yc = _two_way_residuals(np.asarray(y, float), a_codes, c_codes)
    sxx, syy = (xc**2).sum(), (yc**2).sum()
    scale = max(1e-300, 1e-20 * n)
    if sxx <= scale * np.var(x) or syy <= scale * np.var(y) or sxx == 0 or syy == 0:
        return np.nan, dof, np.nan, n, k
    r = float(np.clip((xc * yc).sum() / np.sqrt(sxx * syy), -1, 1))
    if abs(r) >= 1:
        return r, dof, 0.0, n, k
    t = r * np.sqrt(dof / (1 - r**2))
    return r, dof, float(2 * stats.t.sf(abs(t), dof)), n, k


def _fisher_ci(r: float, n: int, alpha: float) -> tuple[float, float]:
    if not np.isfinite(r) or n <= 3 or abs(r) >= 1:
        return np.nan, np.nan
    z, se = np.arctanh(r), 1 / np.sqrt(n - 3)
    crit = stats.norm.ppf(1 - alpha / 2)
    return float(np.tanh(z - crit * se)), float(np.tanh(z + crit * se))


def _pair_list(columns: Sequence[str], pairs) -> list[tuple[str, str]]:
    if pairs is None:
        return list(combinations(columns, 2))
    out = []
    for a, b in pairs:
        for i in (a, b):
            if i not in columns:
                raise KeyError(
                    f"Indicator {i!r} has no usable values in the indicator table; "
                    f"available: {list(columns)}."
                )
        out.append((a, b))
    return out


def within_between(
    indicators: pd.DataFrame,
    *,
    pairs: Sequence[tuple[str, str]] | None = None,
    ids: Sequence[str] | None = None,
    alpha: float = 0.05,
    min_periods: int = 2,
    min_r: float = 0.1,
    directions: dict | None = None,
    min_trials: int = 10,
    period_effects: bool = True,
) -> pd.DataFrame:
    """Within-agent (over time) versus between-agent correlation for each pair of indicators.

    "When an agent pushes volume, does that agent's satisfaction fall?" is the within-agent
    question (repeated-measures correlation); "do high-volume agents have lower satisfaction
    than low-volume agents?" is the between-agent question (correlation of agent means).
    They can disagree in sign (Simpson's paradox); each answers a different management
    question.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table with several periods.
    pairs : list of (str, str), optional
        Pairs to analyse (default: all pairs of usable indicators).
    ids : list of str, optional
        Indicators to consider when ``pairs`` is not given.
    alpha : float
        False-discovery rate for ``within_significant`` / ``between_significant``.
    min_periods : int
        Agents observed in fewer periods of a pair are left out of the within-agent part.
    min_r : float
        Both coefficients must be at least this large in absolute value for a Simpson's-paradox
        warning (tiny but significant coefficients in large data are not a paradox worth
        acting on).
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.
    min_trials : int
        Values that rest on too little data are left out
        (:func:`~kpi_lib.analyses.conflicts.tables.small_sample_mask`): rates on fewer trials
        (denominator) than this, and every value of an agent-period whose call volume is below
        a quarter of the period's median agent (new hires, leavers). An agent with a handful
        of calls never drives a finding.
    period_effects : bool
        Remove team-period effects from the within-agent correlation (True, default), so
        that month shocks shared by the agents of a team (or by all) are not read as a
        within-agent relation; False gives the plain :func:`rm_corr`.

    Returns
    -------
    DataFrame
        One row per pair: ``indicator_a``, ``indicator_b``, ``within_r``, ``within_dof``,
        ``within_ci_low``, ``within_ci_high``, ``within_p``, ``within_p_adj``,
        ``within_significant``, ``between_r`` (Pearson r of agent means), ``n_agents``,
        ``between_ci_low``, ``between_ci_high``, ``between_p``, ``between_p_adj``,
        ``between_significant``, ``within_oriented`` and ``between_oriented`` (r times both
        directions), ``agreement`` (``same sign``, ``opposite sign`` when both are significant,
        at least ``min_r`` in size and differ in sign -- the Simpson's-paradox warning --, ``opposite sign, not
        significant``, or ``insufficient data``), ``simpson_warning`` (bool).

    Notes
    -----
    Within: :func:`rm_corr` with team-period effects removed (two-way fixed effects, see
    ``rm_corr_period_fe``). Between: Pearson r of per-agent means over the periods in which
    both indicators are present, for agents with at least ``min_periods`` such periods, with
    the usual t-test (n_agents - 2 df) and Fisher-z interval.
    Benjamini-Hochberg is applied separately to each family of p-values.
    """
    subject = check_indicator_table(indicators)
    if subject != "agent_id":
        raise ValueError(
            "within_between needs an agent-level indicator table (with `agent_id`); the table "
            "passed is team-level."
        )
    wide = wide_indicators(indicators, ids=ids)
    codes, uniq = pd.factorize(subject_ids(wide))
    n_groups = len(uniq)
    teams = wide.index.get_level_values("team_id").astype(str).to_numpy()
    cells = teams + "|" + wide.index.get_level_values("period").astype(str).to_numpy()
    small = small_sample_mask(indicators, wide, min_trials)
    dirs = indicator_directions(wide.columns, directions)
    rows = []
    for a, b in _pair_list(list(wide.columns), pairs):
        x, y = wide[a].to_numpy(), wide[b].to_numpy()
        ok = ~(np.isnan(x) | np.isnan(y)) & ~small[a].to_numpy() & ~small[b].to_numpy()
        g = codes[ok]
        cnt = np.bincount(g, minlength=n_groups)
        keep = cnt[g] >= min_periods
        if period_effects:
            r_w, dof, p_w, _, _ = rm_corr_period_fe(
                x[ok][keep], y[ok][keep], g[keep], cells[ok][keep], teams[ok][keep]
            )
        else:
            r_w, dof, p_w, _, _ = rm_corr_arrays(x[ok][keep], y[ok][keep], g[keep])
        lo_w, hi_w = _fisher_ci(r_w, dof + 2, alpha)
        has = cnt >= min_periods
        mx = np.bincount(g, weights=x[ok], minlength=n_groups)[has] / cnt[has]
        my = np.bincount(g, weights=y[ok], minlength=n_groups)[has] / cnt[has]
        k = int(has.sum())
        if k >= 4 and mx.std() > 0 and my.std() > 0:
            r_b, p_b = stats.pearsonr(mx, my)
            r_b, p_b = float(r_b), float(p_b)
        else:
            r_b, p_b = np.nan, np.nan
        lo_b, hi_b = _fisher_ci(r_b, k, alpha)
        rows.append(
            {
                "indicator_a": a, "indicator_b": b,
                "within_r": r_w, "within_dof": dof, "within_ci_low": lo_w,
                "within_ci_high": hi_w, "within_p": p_w,
                "between_r": r_b, "n_agents": k, "between_ci_low": lo_b,
                "between_ci_high": hi_b, "between_p": p_b,
                "within_oriented": r_w * dirs[a] * dirs[b],
                "between_oriented": r_b * dirs[a] * dirs[b],
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["within_p_adj"] = bh_adjust(out["within_p"])
    out["between_p_adj"] = bh_adjust(out["between_p"])
    out["within_significant"] = out["within_p_adj"] < alpha
    out["between_significant"] = out["between_p_adj"] < alpha
    differ = np.sign(out["within_r"]) * np.sign(out["between_r"]) < 0
    both = out["within_significant"] & out["between_significant"]
    big = (out["within_r"].abs() >= min_r) & (out["between_r"].abs() >= min_r)
    out["simpson_warning"] = differ & both & big
    out["agreement"] = np.select(
        [out["within_r"].isna() | out["between_r"].isna(), out["simpson_warning"], differ],
        ["insufficient data", "opposite sign", "opposite sign, not significant"],
        default="same sign",
    )
    return out[
        [
            "indicator_a", "indicator_b", "within_r", "within_dof", "within_ci_low",
            "within_ci_high", "within_p", "within_p_adj", "within_significant", "between_r",
            "n_agents", "between_ci_low", "between_ci_high", "between_p", "between_p_adj",
            "between_significant", "within_oriented", "between_oriented", "agreement",
            "simpson_warning",
        ]
    ]  # fmt: skip
