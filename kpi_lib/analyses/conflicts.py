"""Which indicators pull against each other, and whether they matter for the business.

Every function takes the long indicator table of
:func:`kpi_lib.indicators.engine.compute_indicators` (one row per agent, period and indicator)
and returns a tidy DataFrame. The analyses follow "Diagnosing indicator conflicts" in the
domain brief (source 003, section 4): correlation map, within-agent versus between-agent
relations, expected relations that fail, trend conflicts between periods, relevance to the
business outcomes, and redundancy.

Agent-periods of the same agent are not independent, so every p-value for a pooled
correlation here is computed with agent-clustered standard errors (see
:func:`correlation_map`), and p-values of a family of tests are corrected with
Benjamini-Hochberg.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option

__all__ = [
    "bh_adjust",
    "select_indicators",
    "wide_indicators",
    "correlation_map",
    "rm_corr",
    "within_between",
    "expected_relations",
    "trend_conflicts",
    "outcome_relevance",
    "relevance_summary",
    "redundant_pairs",
    "cronbach_alpha",
    "cronbach_alpha_by_dimension",
    "principal_components",
    "evidence_label",
    "count_kind",
    "strength_label",
    "DEFAULT_OUTCOMES",
]

#: Business outcomes the relevance analysis relates every indicator to.
DEFAULT_OUTCOMES = ("sales_amount", "repurchase_rate", "complaints_per_100")

_KEY_COLUMNS = ("agent_id", "team_id", "period")
# Used only when the catalogue module is unavailable (e.g. a custom indicator table).
_FALLBACK_LOWER_IS_BETTER = {"complaints_per_100"}


# --------------------------------------------------------------------------- helpers


def bh_adjust(p_values) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate), NaN kept as NaN.

    Parameters
    ----------
    p_values : array-like of float
        Unadjusted p-values; NaN entries are ignored and returned as NaN.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, same order as the input.

    Notes
    -----
    ``p_adj[(i)] = min_{j >= i} min(1, m p_(j) / j)`` for the ``m`` non-missing p-values
    sorted ascending. Equals ``statsmodels.stats.multitest.multipletests(p,
    method="fdr_bh")[1]`` on the non-missing values.

    References
    ----------
    Benjamini Y, Hochberg Y (1995). Controlling the false discovery rate. JRSS B 57:289-300.
    """
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    m = int(ok.sum())
    if m == 0:
        return out
    pv = p[ok]
    order = np.argsort(pv)
    ranked = pv[order] * m / np.arange(1, m + 1)
    ranked = np.minimum.accumulate(ranked[::-1])[::-1]
    adj = np.empty(m)
    adj[order] = np.minimum(ranked, 1.0)
    out[ok] = adj
    return out


def evidence_label(p_adj) -> np.ndarray:
    """Words for the strength of evidence of adjusted p-values.

    ``strong`` (p < 0.001), ``moderate`` (p < 0.01), ``weak`` (p < 0.05), ``none`` otherwise
    (also for NaN).
    """
    p = np.asarray(p_adj, dtype=float)
    return np.select(
        [p < 0.001, p < 0.01, p < 0.05], ["strong", "moderate", "weak"], default="none"
    )


def strength_label(r) -> np.ndarray:
    """Words for the size of correlation coefficients (absolute value).

    ``negligible`` (< 0.1), ``weak`` (< 0.3), ``moderate`` (< 0.5), ``strong`` (< 0.7),
    ``very strong`` otherwise; empty for NaN.
    """
    a = np.abs(np.asarray(r, dtype=float))
    return np.select(
        [np.isnan(a), a < 0.1, a < 0.3, a < 0.5, a < 0.7],
        ["", "negligible", "weak", "moderate", "strong"],
        default="very strong",
    )


def _catalogue():
    try:
        from kpi_lib.indicators import catalogue
    except ImportError:  # the catalogue is optional for custom indicator tables
        return None
    return catalogue


def _directions(ids: Iterable[str], directions: dict | None) -> dict[str, int]:
    """+1 when higher is better, -1 when lower is better."""
    cat = _catalogue()
    out = {}
    for i in ids:
        if directions and i in directions:
            d = directions[i]
        elif cat is not None and i in cat.CATALOGUE:
            d = cat.CATALOGUE[i].direction
        else:
            d = "lower" if i in _FALLBACK_LOWER_IS_BETTER else "higher"
        if d not in ("higher", "lower", 1, -1):
            raise ValueError(
                f"Direction of indicator {i!r} must be 'higher' or 'lower', but {d!r} was passed."
            )
        out[i] = -1 if d in ("lower", -1) else 1
    return out


def _dimensions(ids: Iterable[str], dimensions: dict | None) -> dict[str, str]:
    cat = _catalogue()
    out = {}
    for i in ids:
        if dimensions and i in dimensions:
            out[i] = dimensions[i]
        elif cat is not None and i in cat.CATALOGUE:
            out[i] = cat.CATALOGUE[i].dimension
    return out


def _check_indicator_table(indicators: pd.DataFrame, name: str = "indicators") -> str:
    """Validate the long table; return the subject column (agent_id or team_id)."""
    if not isinstance(indicators, pd.DataFrame):
        raise TypeError(f"`{name}` must be a pandas DataFrame (the indicator table).")
    missing = [c for c in ("team_id", "period", "indicator", "value") if c not in indicators]
    if missing:
        raise KeyError(
            f"The `{name}` table lacks column(s) {missing}; expected the indicator table of "
            "compute_indicators (agent_id, team_id, period, indicator, value, ...)."
        )
    if "granularity" in indicators and indicators["granularity"].nunique() > 1:
        raise ValueError(
            f"The `{name}` table mixes granularities {sorted(indicators['granularity'].unique())}; "
            "pass one granularity at a time."
        )
    return "agent_id" if "agent_id" in indicators else "team_id"


def _period_order(indicators: pd.DataFrame) -> list:
    if "period_start" in indicators:
        first = indicators.groupby("period", observed=True)["period_start"].min()
        return list(first.sort_values().index)
    return sorted(indicators["period"].unique())


def select_indicators(
    indicators: pd.DataFrame,
    *,
    period_from: str | None = None,
    period_to: str | None = None,
    teams: Sequence[str] | str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Rows of the indicator table within a period range, for some teams and indicators.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    period_from, period_to : str, optional
        Inclusive period labels (e.g. ``"2026-01"``); periods are ordered by ``period_start``.
    teams : str or list of str, optional
        Team ids to keep; ``None`` or ``""`` keeps all.
    ids : list of str, optional
        Indicator ids to keep.

    Returns
    -------
    DataFrame
        The same columns as ``indicators``, filtered.
    """
    _check_indicator_table(indicators)
    out = indicators
    order = _period_order(out)
    for label, value in (("period_from", period_from), ("period_to", period_to)):
        if value not in (None, "") and value not in order:
            raise ValueError(
                f"`{label}`={value!r} is not a period of the indicator table; periods: {order}."
            )
    lo = order.index(period_from) if period_from else 0
    hi = order.index(period_to) if period_to else len(order) - 1
    out = out[out["period"].isin(order[lo : hi + 1])]
    if teams not in (None, "", []):
        teams = [teams] if isinstance(teams, str) else list(teams)
        unknown = sorted(set(teams) - set(indicators["team_id"]))
        if unknown:
            raise ValueError(
                f"Team(s) {unknown} not in the indicator table; teams: "
                f"{sorted(indicators['team_id'].unique())}."
            )
        out = out[out["team_id"].isin(teams)]
    if ids is not None:
        unknown = sorted(set(ids) - set(indicators["indicator"]))
        if unknown:
            raise KeyError(f"Indicator(s) {unknown} are not in the indicator table.")
        out = out[out["indicator"].isin(ids)]
    return out.reset_index(drop=True)


def wide_indicators(
    indicators: pd.DataFrame, *, ids: Sequence[str] | None = None, min_coverage: float = 0.5
) -> pd.DataFrame:
    """One row per agent-period (or team-period), one column per indicator.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    ids : list of str, optional
        Indicators to keep (default: all).
    min_coverage : float
        Indicators whose value is present in fewer than this share of rows, or that are
        constant, are dropped (they cannot be correlated).

    Returns
    -------
    DataFrame
        Index ``(agent_id, team_id, period)`` (``(team_id, period)`` at team level); one float
        column per kept indicator, in catalogue order when available.
    """
    subject = _check_indicator_table(indicators)
    keys = ["agent_id", "team_id", "period"] if subject == "agent_id" else ["team_id", "period"]
    data = indicators if ids is None else indicators[indicators["indicator"].isin(ids)]
    wide = data.pivot_table(
        index=keys, columns="indicator", values="value", aggfunc="first", observed=True
    ).astype(float)
    wide.columns = [str(c) for c in wide.columns]
    keep = [
        c
        for c in wide.columns
        if wide[c].notna().mean() >= min_coverage and wide[c].nunique(dropna=True) > 1
    ]
    cat = _catalogue()
    if cat is not None:
        rank = {k: i for i, k in enumerate(cat.CATALOGUE)}
        keep.sort(key=lambda c: (rank.get(c, len(rank)), c))
    return wide[keep]


def _subjects(wide: pd.DataFrame) -> np.ndarray:
    names = list(wide.index.names)
    return wide.index.get_level_values("agent_id" if "agent_id" in names else "team_id").to_numpy()


def _cluster_corr(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple:
    """Correlation with an agent-clustered test: (r, se, p, n, n_groups).

    The slope of standardised y on standardised x is r; its sandwich variance with the
    CR1 small-sample factor G/(G-1) (N-1)/(N-2) and a t reference with G-1 df is what
    ``statsmodels`` OLS ``cov_type="cluster"`` with ``use_t=True`` reports.
    """
    n = len(x)
    xc = x - x.mean()
    yc = y - y.mean()
    sxx, syy = (xc**2).sum(), (yc**2).sum()
    if n < 3 or sxx == 0 or syy == 0:
        return np.nan, np.nan, np.nan, n, len(np.unique(groups))
    xs, ys = xc / np.sqrt(sxx / n), yc / np.sqrt(syy / n)
    r = float((xs * ys).sum() / n)
    e = ys - r * xs
    codes, uniq = pd.factorize(groups)
    g = len(uniq)
    score = np.bincount(codes, weights=xs * e, minlength=g)
    if g < 2:
        return r, np.nan, np.nan, n, g
    var = (g / (g - 1)) * ((n - 1) / (n - 2)) * (score**2).sum() / (n**2)
    se = float(np.sqrt(var))
    p = float(2 * stats.t.sf(abs(r) / se, g - 1)) if se > 0 else 0.0
    return r, se, p, n, g


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


# --------------------------------------------------------------------------- 1. correlations


def correlation_map(
    indicators: pd.DataFrame,
    *,
    methods: Sequence[str] = ("spearman", "pearson"),
    ids: Sequence[str] | None = None,
    alpha: float = 0.05,
    conflict_below: float = -0.4,
    redundant_above: float = 0.9,
    min_obs: int = 10,
    directions: dict | None = None,
) -> pd.DataFrame:
    """Pairwise correlations between all indicators across agent-periods.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table (one granularity).
    methods : list of {"spearman", "pearson"}
        Correlation coefficients to compute.
    ids : list of str, optional
        Indicators to include (default: every indicator with values in at least half the rows).
    alpha : float
        False-discovery rate for the flags.
    conflict_below : float
        A pair whose direction-oriented correlation is below this (and significant after
        Benjamini-Hochberg) is flagged ``conflict``: doing well on one goes with doing badly on
        the other.
    redundant_above : float
        A pair whose absolute correlation exceeds this (and is significant) is flagged
        ``redundant``: the two double-count the same behaviour.
    min_obs : int
        Pairs with fewer complete agent-periods get no p-value.
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.

    Returns
    -------
    DataFrame
        One row per pair and method: ``indicator_a``, ``indicator_b``, ``method``, ``n`` (complete
        agent-periods), ``n_agents`` (clusters), ``r``, ``r_oriented`` (r times both
        directions: negative means good on one goes with bad on the other), ``ci_low``,
        ``ci_high``, ``p_value`` (agent-clustered), ``p_adj`` (Benjamini-Hochberg within each
        method), ``significant`` (``p_adj < alpha``), ``strength`` (words for ``|r|``),
        ``evidence`` (words for ``p_adj``), ``flag`` (``conflict``, ``redundant`` or empty).

    Notes
    -----
    Spearman's rho is Pearson's r on ranks. The test regresses standardised y on standardised
    x (slope = r) with standard errors clustered by agent (CR1), so that an agent observed in
    twelve months is not counted as twelve independent agents; the reference distribution is
    t with G - 1 degrees of freedom (G agents). ``ci`` = r +/- t_{G-1, 1-alpha/2} se, clipped
    to [-1, 1]. Thresholds -0.4 / 0.9 follow composite-indicator practice (OECD/JRC
    Handbook on Constructing Composite Indicators, 2008; COINr).
    """
    for m in methods:
        check_option("methods", m, ["spearman", "pearson"])
    wide = wide_indicators(indicators, ids=ids)
    groups = _subjects(wide)
    dirs = _directions(wide.columns, directions)
    rows = []
    values = {c: wide[c].to_numpy() for c in wide.columns}
    for a, b in combinations(wide.columns, 2):
        x, y = values[a], values[b]
        ok = ~(np.isnan(x) | np.isnan(y))
        for m in methods:
            xx, yy = x[ok], y[ok]
            if m == "spearman":
                xx, yy = stats.rankdata(xx), stats.rankdata(yy)
            r, se, p, n, g = _cluster_corr(xx, yy, groups[ok])
            if n < min_obs:
                p = np.nan
            crit = stats.t.ppf(1 - alpha / 2, max(g - 1, 1))
            rows.append(
                {
                    "indicator_a": a,
                    "indicator_b": b,
                    "method": m,
                    "n": n,
                    "n_agents": g,
                    "r": r,
                    "r_oriented": r * dirs[a] * dirs[b],
                    "ci_low": max(-1.0, r - crit * se) if np.isfinite(se) else np.nan,
                    "ci_high": min(1.0, r + crit * se) if np.isfinite(se) else np.nan,
                    "p_value": p,
                }
            )
    cols = [
        "indicator_a", "indicator_b", "method", "n", "n_agents", "r", "r_oriented",
        "ci_low", "ci_high", "p_value", "p_adj", "significant", "strength", "evidence", "flag",
    ]  # fmt: skip
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["p_adj"] = out.groupby("method")["p_value"].transform(lambda p: bh_adjust(p.to_numpy()))
    out["significant"] = out["p_adj"] < alpha
    out["strength"] = strength_label(out["r"])
    out["evidence"] = evidence_label(out["p_adj"])
    out["flag"] = np.select(
        [
            out["significant"] & (out["r_oriented"] < conflict_below),
            out["significant"] & (out["r"].abs() > redundant_above),
        ],
        ["conflict", "redundant"],
        default="",
    )
    return out[cols]


# --------------------------------------------------------------------------- 2. within/between


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
    r, dof, p, n, k = _rm_corr_arrays(
        d[x].to_numpy(float), d[y].to_numpy(float), d[subject].to_numpy()
    )
    lo, hi = _fisher_ci(r, dof + 2, alpha)
    return pd.DataFrame(
        [{"r": r, "dof": dof, "p_value": p, "ci_low": lo, "ci_high": hi, "n": n, "n_subjects": k}]
    )


def _rm_corr_arrays(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple:
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


def _fisher_ci(r: float, n: int, alpha: float) -> tuple[float, float]:
    if not np.isfinite(r) or n <= 3 or abs(r) >= 1:
        return np.nan, np.nan
    z, se = np.arctanh(r), 1 / np.sqrt(n - 3)
    crit = stats.norm.ppf(1 - alpha / 2)
    return float(np.tanh(z - crit * se)), float(np.tanh(z + crit * se))


def within_between(
    indicators: pd.DataFrame,
    *,
    pairs: Sequence[tuple[str, str]] | None = None,
    ids: Sequence[str] | None = None,
    alpha: float = 0.05,
    min_periods: int = 2,
    min_r: float = 0.1,
    directions: dict | None = None,
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
    Within: :func:`rm_corr`. Between: Pearson r of per-agent means over the periods in which
    both indicators are present, with the usual t-test (n_agents - 2 df) and Fisher-z interval.
    Benjamini-Hochberg is applied separately to each family of p-values.
    """
    subject = _check_indicator_table(indicators)
    if subject != "agent_id":
        raise ValueError(
            "within_between needs an agent-level indicator table (with `agent_id`); the table "
            "passed is team-level."
        )
    wide = wide_indicators(indicators, ids=ids)
    codes, uniq = pd.factorize(_subjects(wide))
    n_groups = len(uniq)
    dirs = _directions(wide.columns, directions)
    rows = []
    for a, b in _pair_list(list(wide.columns), pairs):
        x, y = wide[a].to_numpy(), wide[b].to_numpy()
        ok = ~(np.isnan(x) | np.isnan(y))
        g = codes[ok]
        cnt = np.bincount(g, minlength=n_groups)
        keep = cnt[g] >= min_periods
        r_w, dof, p_w, _, _ = _rm_corr_arrays(x[ok][keep], y[ok][keep], g[keep])
        lo_w, hi_w = _fisher_ci(r_w, dof + 2, alpha)
        has = cnt > 0
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


# --------------------------------------------------------------------------- 3. expected


def expected_relations(
    indicators: pd.DataFrame,
    *,
    expected: pd.DataFrame | None = None,
    alpha: float = 0.05,
    min_obs: int = 10,
) -> pd.DataFrame:
    """Compare the catalogue's expected relations with the data.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    expected : DataFrame, optional
        Columns ``indicator_a``, ``indicator_b``, ``expected_sign`` (+1 / -1) and optionally
        ``rationale``; default ``kpi_lib.indicators.catalogue.EXPECTED_RELATIONS``.
    alpha : float
        False-discovery rate.
    min_obs : int
        Minimum complete agent-periods for a test.

    Returns
    -------
    DataFrame
        One row per expected relation whose indicators are both present: ``indicator_a``,
        ``indicator_b``, ``expected_sign``, ``rationale``, ``n``, ``n_agents``, ``r``
        (Spearman across agent-periods), ``ci_low``, ``ci_high``, ``p_value`` (agent-clustered),
        ``p_adj`` (Benjamini-Hochberg over the listed relations), ``within_r`` (repeated-measures
        r, NaN at team level), ``verdict`` (``contradicted``: significant and of the opposite
        sign; ``confirmed``; ``not detected``; ``not computable``), ``evidence`` (words for
        ``p_adj``).
    """
    subject = _check_indicator_table(indicators)
    if expected is None:
        cat = _catalogue()
        if cat is None or not hasattr(cat, "EXPECTED_RELATIONS"):
            raise ValueError(
                "No `expected` relations given and kpi_lib.indicators.catalogue."
                "EXPECTED_RELATIONS is unavailable."
            )
        expected = cat.EXPECTED_RELATIONS
    need = ["indicator_a", "indicator_b", "expected_sign"]
    miss = [c for c in need if c not in expected]
    if miss:
        raise KeyError(f"The `expected` table lacks column(s) {miss}; needs {need}.")
    wide = wide_indicators(indicators, min_coverage=0.0)
    groups = _subjects(wide)
    rows = []
    for rec in expected.to_dict("records"):
        a, b, sign = rec["indicator_a"], rec["indicator_b"], int(rec["expected_sign"])
        row = {
            "indicator_a": a,
            "indicator_b": b,
            "expected_sign": sign,
            "rationale": rec.get("rationale", ""),
        }
        if a not in wide or b not in wide:
            rows.append({**row, "n": 0, "n_agents": 0})
            continue
        x, y = wide[a].to_numpy(), wide[b].to_numpy()
        ok = ~(np.isnan(x) | np.isnan(y))
        r, se, p, n, g = _cluster_corr(stats.rankdata(x[ok]), stats.rankdata(y[ok]), groups[ok])
        if n < min_obs:
            p = np.nan
        crit = stats.t.ppf(1 - alpha / 2, max(g - 1, 1))
        w = _rm_corr_arrays(x[ok], y[ok], groups[ok])[0] if subject == "agent_id" else np.nan
        rows.append(
            {
                **row, "n": n, "n_agents": g, "r": r,
                "ci_low": max(-1.0, r - crit * se) if np.isfinite(se) else np.nan,
                "ci_high": min(1.0, r + crit * se) if np.isfinite(se) else np.nan,
                "p_value": p, "within_r": w,
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    for c in ("r", "ci_low", "ci_high", "p_value", "within_r"):
        if c not in out:
            out[c] = np.nan
    out["p_adj"] = bh_adjust(out["p_value"])
    sig = out["p_adj"] < alpha
    opposite = np.sign(out["r"]) == -out["expected_sign"]
    out["verdict"] = np.select(
        [out["p_value"].isna(), sig & opposite, sig],
        ["not computable", "contradicted", "confirmed"],
        default="not detected",
    )
    out["evidence"] = evidence_label(out["p_adj"])
    return out[
        [
            "indicator_a", "indicator_b", "expected_sign", "rationale", "n", "n_agents", "r",
            "ci_low", "ci_high", "p_value", "p_adj", "within_r", "verdict", "evidence",
        ]
    ]  # fmt: skip


# --------------------------------------------------------------------------- 4. trends


def _default_trend_pairs(present: set[str]) -> list[tuple[str, str]]:
    cat = _catalogue()
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
    cat = _catalogue()
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
    subject = _check_indicator_table(indicators)
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
    dirs = _directions(present, directions)
    order = _period_order(data)
    pos = {p: i for i, p in enumerate(order)}
    d = data[unit + ["period", "indicator", "value", "numerator", "denominator"]].copy()
    d["pos"] = d["period"].map(pos)
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


# --------------------------------------------------------------------------- 5. relevance


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
    subject = _check_indicator_table(indicators)
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
    dirs = _directions(list(wide.columns), directions)
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
    groups = _subjects(wide)
    rows = []
    for o in outcomes:
        yv = wide[o].to_numpy()
        for i in cand:
            xv = wide[i].to_numpy()
            ok = ~(np.isnan(xv) | np.isnan(yv) | np.isnan(base).any(axis=1))
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


# --------------------------------------------------------------------------- 6. redundancy


def redundant_pairs(correlations: pd.DataFrame, *, method: str = "spearman") -> pd.DataFrame:
    """The pairs of :func:`correlation_map` flagged ``redundant`` for one method.

    Returns
    -------
    DataFrame
        The rows of ``correlations`` with ``flag == "redundant"`` and the given method,
        strongest first.
    """
    check_option("method", method, sorted(correlations["method"].unique()) or [method])
    out = correlations[(correlations["flag"] == "redundant") & (correlations["method"] == method)]
    return out.sort_values("r", key=np.abs, ascending=False).reset_index(drop=True)


def cronbach_alpha(items: pd.DataFrame, *, ci: float = 0.95) -> tuple[float, float, float]:
    """Cronbach's alpha of the columns of ``items`` (listwise deletion) with Feldt's interval.

    Returns
    -------
    tuple
        ``(alpha, ci_low, ci_high)``.

    Notes
    -----
    ``alpha = k / (k - 1) (1 - trace(C) / sum(C))`` for the item covariance matrix C;
    interval ``1 - (1 - alpha) F_{a/2 | 1 - a/2}(n - 1, (n - 1)(k - 1))`` (Feldt et al. 1987),
    as ``pingouin.cronbach_alpha(nan_policy="listwise")``.
    """
    d = items.dropna()
    n, k = d.shape
    if k < 2 or n < 3:
        return np.nan, np.nan, np.nan
    c = np.cov(d.to_numpy(float), rowvar=False)
    a = (k / (k - 1)) * (1 - np.trace(c) / c.sum())
    level = 1 - ci
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - a) * stats.f.isf(level / 2, df1, df2)
    hi = 1 - (1 - a) * stats.f.isf(1 - level / 2, df1, df2)
    return float(a), float(lo), float(hi)


def _standardised(wide: pd.DataFrame, directions: dict | None) -> pd.DataFrame:
    dirs = _directions(wide.columns, directions)
    z = (wide - wide.mean()) / wide.std()
    return z * pd.Series(dirs)[z.columns]


def cronbach_alpha_by_dimension(
    indicators: pd.DataFrame,
    *,
    dimensions: dict | None = None,
    directions: dict | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Internal consistency of the indicators of each dimension (Cronbach's alpha).

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    dimensions : dict, optional
        ``{indicator: dimension}`` overriding the catalogue.
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.
    ids : list of str, optional
        Indicators to include.

    Returns
    -------
    DataFrame
        ``dimension``, ``n_items``, ``items`` (comma-separated), ``n_obs`` (complete
        agent-periods), ``alpha``, ``ci_low``, ``ci_high``, ``reading`` (``high``: >= 0.9, the
        items may double-count; ``acceptable``: >= 0.7; ``low``: the items measure different
        things, fine for a balanced scheme but not a single construct).

    Notes
    -----
    Items are z-scored and lower-is-better items reversed first (standardised alpha), because
    indicators are on unrelated scales.
    """
    wide = wide_indicators(indicators, ids=ids)
    dims = _dimensions(wide.columns, dimensions)
    z = _standardised(wide, directions)
    rows = []
    for dim in sorted(set(dims.values())):
        cols = [c for c in z.columns if dims.get(c) == dim]
        a, lo, hi = cronbach_alpha(z[cols]) if len(cols) >= 2 else (np.nan,) * 3
        rows.append(
            {
                "dimension": dim,
                "n_items": len(cols),
                "items": ", ".join(cols),
                "n_obs": int(z[cols].dropna().shape[0]),
                "alpha": a,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    out = pd.DataFrame(
        rows, columns=["dimension", "n_items", "items", "n_obs", "alpha", "ci_low", "ci_high"]
    )
    out["reading"] = np.select(
        [out["alpha"].isna(), out["alpha"] >= 0.9, out["alpha"] >= 0.7],
        ["not computable", "high", "acceptable"],
        default="low",
    )
    return out


def principal_components(
    indicators: pd.DataFrame,
    *,
    n_components: int = 3,
    ids: Sequence[str] | None = None,
    directions: dict | None = None,
) -> pd.DataFrame:
    """First principal components of the (standardised, oriented) indicators.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    n_components : int
        Components to return.
    ids : list of str, optional
        Indicators to include (default: those present in at least 90 % of agent-periods, so
        that listwise deletion keeps most rows).
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.

    Returns
    -------
    DataFrame
        One row per component and indicator: ``component`` (1-based), ``indicator``,
        ``loading`` (eigenvector entry times sqrt(eigenvalue): the correlation of the
        indicator with the component), ``explained_variance_ratio``, ``cumulative_ratio``,
        ``n_obs``.

    Notes
    -----
    Eigen-decomposition of the correlation matrix of complete agent-periods. Each component's
    sign is fixed so that its largest loading is positive.
    """
    wide = wide_indicators(indicators, ids=ids, min_coverage=0.5 if ids else 0.9)
    z = _standardised(wide, directions).dropna()
    if z.shape[0] < 3 or z.shape[1] < 2:
        raise ValueError(
            f"Principal components need at least 3 complete agent-periods and 2 indicators; "
            f"got {z.shape[0]} rows and {z.shape[1]} indicators."
        )
    corr = np.corrcoef(z.to_numpy(), rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0, None), vecs[:, order]
    ratio = vals / vals.sum()
    rows = []
    for k in range(min(n_components, len(vals))):
        v = vecs[:, k]
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        for ind, w in zip(z.columns, v, strict=True):
            rows.append(
                {
                    "component": k + 1,
                    "indicator": ind,
                    "loading": float(w * np.sqrt(vals[k])),
                    "explained_variance_ratio": float(ratio[k]),
                    "cumulative_ratio": float(ratio[: k + 1].sum()),
                    "n_obs": int(z.shape[0]),
                }
            )
    return pd.DataFrame(rows)
