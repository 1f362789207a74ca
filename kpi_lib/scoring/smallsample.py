"""Small samples: an agent with 40 calls should not top a ranking by luck.

Rates that are proportions of counts (conversions / connects, compliant / reviewed calls...)
get a Wilson confidence interval; an agent whose interval is wider than the real spread
between agents cannot be ranked on that rate. Optionally, rates are shrunk toward the team
mean by empirical Bayes (beta-binomial, method of moments), so that a 3-out-of-5 month counts
for less than a 300-out-of-500 month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "add_intervals",
    "beta_binomial_fit",
    "is_proportion",
    "shrink_rates",
    "shrinkage_effect",
    "wilson_interval",
]


def wilson_interval(
    successes, trials, *, alpha: float = 0.05, confidence: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for binomial proportions (NaN where ``trials`` is 0 or missing).

    The one implementation every layer uses. ``confidence`` (e.g. 0.95), when given, sets
    ``alpha = 1 - confidence``; non-integer counts from weighted data are accepted.

    Notes
    -----
    With :math:`\\hat p = k/n` and :math:`z = \\Phi^{-1}(1 - \\alpha/2)`:
    :math:`\\frac{\\hat p + z^2/2n \\pm z\\sqrt{\\hat p(1-\\hat p)/n + z^2/4n^2}}{1 + z^2/n}`.

    References
    ----------
    Wilson, E. B. (1927). Probable inference, the law of succession, and statistical
    inference. JASA 22, 209-212. Same as ``statsmodels.stats.proportion.proportion_confint(
    k, n, method="wilson")``.
    """
    if confidence is not None:
        alpha = 1 - confidence
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    z = stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
    bad = ~(n > 0)
    # the bounds at k = 0 and k = n are exactly 0 and 1; the formula leaves ~1e-17 of rounding
    # there, enough for `low > 0` to call a rate with no events above a rate of 0
    low = np.where(bad, np.nan, np.where(k <= 0, 0.0, np.clip(centre - half, 0, 1)))
    high = np.where(bad, np.nan, np.where(k >= n, 1.0, np.clip(centre + half, 0, 1)))
    return low, high


def is_proportion(indicators: pd.DataFrame) -> pd.Series:
    """Indicator id -> whether its rows are binomial proportions: whole-number numerators and
    denominators with ``0 <= numerator <= denominator`` and ``value = numerator /
    denominator``. (Amount ratios such as collection rate and scaled rates such as complaints
    per 100 are not.)"""
    cols = {"indicator", "value", "numerator", "denominator"}
    if not cols <= set(indicators.columns):
        return pd.Series(False, index=pd.Index(indicators["indicator"].unique()))
    d = indicators.dropna(subset=["value", "numerator", "denominator"])
    num = d["numerator"].to_numpy(dtype=float)
    den = d["denominator"].to_numpy(dtype=float)
    ok = (
        (np.abs(num - np.round(num)) < 1e-9)
        & (np.abs(den - np.round(den)) < 1e-9)
        & (num >= 0)
        & (num <= den)
        & (den > 0)
        & np.isclose(
            d["value"].to_numpy(dtype=float),
            np.where(den > 0, num / np.where(den > 0, den, 1), np.nan),
        )
    )
    # a count indicator has denominator 1 and would pass trivially; require some denominator > 1
    res = pd.Series(ok, index=d.index).groupby(d["indicator"]).all()
    many = pd.Series(den > 1, index=d.index).groupby(d["indicator"]).any()
    res = res & many
    return res.reindex(indicators["indicator"].unique(), fill_value=False)


def beta_binomial_fit(successes, trials) -> dict:
    """Fit a beta prior to agents' counts by the method of moments (Kleinman 1973).

    Parameters
    ----------
    successes, trials : array-like
        One entry per agent (trials > 0).

    Returns
    -------
    dict
        ``mean`` (pooled rate :math:`\\hat\\mu = \\sum k / \\sum n`), ``rho`` (intra-agent
        correlation, clipped to [0, 1]), ``alpha``, ``beta`` (prior; infinite when
        :math:`\\rho = 0`, i.e. no real difference between agents), ``between_sd`` (standard
        deviation of agents' true rates, :math:`\\sqrt{\\rho\\,\\hat\\mu(1-\\hat\\mu)}`) and
        ``agents``.

    Notes
    -----
    With :math:`N = \\sum n_i`, :math:`I` agents and :math:`S = \\sum n_i(p_i - \\hat\\mu)^2`:

    .. math:: \\hat\\rho = \\frac{S - \\hat\\mu(1-\\hat\\mu)(I-1)}
                                 {\\hat\\mu(1-\\hat\\mu)\\,(N - \\sum n_i^2/N - (I-1))}

    and :math:`\\alpha + \\beta = (1 - \\hat\\rho)/\\hat\\rho`, :math:`\\alpha = \\hat\\mu
    (\\alpha + \\beta)`. The posterior mean of agent *i* is :math:`(k_i + \\alpha)/(n_i +
    \\alpha + \\beta)`.

    References
    ----------
    Kleinman, J. C. (1973). Proportions with extraneous variance: single and independent
    samples. JASA 68, 46-54.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    agents = len(n)
    if agents == 0:
        return {
            "mean": np.nan,
            "rho": np.nan,
            "alpha": np.nan,
            "beta": np.nan,
            "between_sd": np.nan,
            "agents": 0,
        }
    N = n.sum()
    mu = k.sum() / N
    if agents < 2 or mu in (0.0, 1.0):
        rho = 0.0 if agents >= 2 else np.nan
    else:
        p = k / n
        S = np.sum(n * (p - mu) ** 2)
        denom = mu * (1 - mu) * (N - np.sum(n**2) / N - (agents - 1))
        rho = (S - mu * (1 - mu) * (agents - 1)) / denom if denom > 0 else np.nan
        rho = float(np.clip(rho, 0.0, 1.0)) if np.isfinite(rho) else np.nan
    if np.isnan(rho):
        alpha = beta = np.nan
    elif rho == 0:
        alpha = beta = np.inf
    elif rho == 1:
        alpha = beta = 0.0
    else:
        ab = (1 - rho) / rho
        alpha, beta = mu * ab, (1 - mu) * ab
    between = float(np.sqrt(rho * mu * (1 - mu))) if np.isfinite(rho) else np.nan
    return {
        "mean": float(mu),
        "rho": rho,
        "alpha": alpha,
        "beta": beta,
        "between_sd": between,
        "agents": agents,
    }


def add_intervals(
    indicators: pd.DataFrame,
    *,
    alpha: float = 0.05,
    min_trials: int = 30,
    max_half_width: float | str = "spread",
    by: tuple[str, ...] = ("period",),
) -> pd.DataFrame:
    """Add Wilson intervals to proportion rows and say whether each row can be ranked.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    min_trials : int
        Fewer trials (denominator) than this is never rankable.
    max_half_width : float or "spread"
        Largest half-width of the interval for a rankable rate. ``"spread"`` (default) allows
        :math:`z\\,\\tau`, with :math:`\\tau` the standard deviation of the agents' true rates
        (:func:`beta_binomial_fit` over ``by`` groups): the rate is rankable when its standard
        error is below the real spread between agents, i.e. its reliability
        :math:`\\tau^2/(\\tau^2 + SE^2)` is at least 50 %; otherwise the rank is mostly luck.
    by : tuple of str
        Groups in which the spread is estimated (default: each period, all teams together).

    Returns
    -------
    DataFrame
        ``indicators`` plus ``ci_low``, ``ci_high`` (NaN for non-proportions), ``proportion``
        (bool) and ``rankable`` (True for non-proportions and for proportions with enough
        trials and a narrow enough interval; False when the value is missing).
    """
    out = indicators.copy()
    prop = is_proportion(out)
    out["proportion"] = out["indicator"].map(prop).fillna(False).astype(bool)
    out["ci_low"] = np.nan
    out["ci_high"] = np.nan
    out["rankable"] = out["value"].notna()
    sel = (
        out["proportion"] & out["denominator"].notna()
        if "denominator" in out
        else out["proportion"]
    )
    if not sel.any():
        return out
    lo, hi = wilson_interval(out.loc[sel, "numerator"], out.loc[sel, "denominator"], alpha=alpha)
    out.loc[sel, "ci_low"] = lo
    out.loc[sel, "ci_high"] = hi
    half = (out["ci_high"] - out["ci_low"]) / 2
    if max_half_width == "spread":
        keys = ["indicator", *[b for b in by if b in out]]
        limit = pd.Series(np.nan, index=out.index)
        z = stats.norm.ppf(1 - alpha / 2)
        for _, g in out[sel].groupby(keys, sort=False):
            fit = beta_binomial_fit(g["numerator"], g["denominator"])
            limit[g.index] = z * fit["between_sd"]
    else:
        limit = pd.Series(float(max_half_width), index=out.index)
    ok = (out["denominator"] >= min_trials) & (half <= limit)
    out.loc[sel, "rankable"] = ok[sel] & out.loc[sel, "value"].notna()
    return out


def shrink_rates(
    indicators: pd.DataFrame,
    *,
    by: tuple[str, ...] = ("team_id", "period"),
) -> pd.DataFrame:
    """Shrink each proportion toward its group mean by empirical Bayes (beta-binomial).

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    by : tuple of str
        Groups that share a prior (default: each team in each period).

    Returns
    -------
    DataFrame
        ``indicators`` with ``value`` replaced by the posterior mean
        :math:`(k + \\alpha)/(n + \\alpha + \\beta)` for proportion rows, plus
        ``value_observed`` (the raw rate), ``prior_mean``, ``prior_strength``
        (:math:`\\alpha + \\beta`, in pseudo-trials) and ``shrunk`` (bool). Groups where agents
        do not really differ (:math:`\\hat\\rho = 0`) are pulled fully to the mean; groups with a
        single agent are left unchanged.
    """
    out = indicators.copy()
    out["value_observed"] = out["value"]
    out["prior_mean"] = np.nan
    out["prior_strength"] = np.nan
    out["shrunk"] = False
    prop = is_proportion(out)
    sel = out["indicator"].map(prop).fillna(False).astype(bool) & out["value"].notna()
    keys = ["indicator", *[b for b in by if b in out]]
    for _, g in out[sel].groupby(keys, sort=False):
        fit = beta_binomial_fit(g["numerator"], g["denominator"])
        if not np.isfinite(fit["rho"]) and fit["agents"] < 2:
            continue
        k = g["numerator"].to_numpy(dtype=float)
        n = g["denominator"].to_numpy(dtype=float)
        if np.isinf(fit["alpha"]):
            post = np.full(len(g), fit["mean"])
        elif np.isnan(fit["alpha"]):
            continue
        else:
            post = (k + fit["alpha"]) / (n + fit["alpha"] + fit["beta"])
        out.loc[g.index, "value"] = post
        out.loc[g.index, "prior_mean"] = fit["mean"]
        out.loc[g.index, "prior_strength"] = fit["alpha"] + fit["beta"]
        out.loc[g.index, "shrunk"] = True
    return out


def shrinkage_effect(
    raw_indicators: pd.DataFrame,
    shrunk_indicators: pd.DataFrame,
    raw_agents: pd.DataFrame,
    shrunk_agents: pd.DataFrame,
    *,
    indicator: str,
    period: str,
) -> pd.DataFrame:
    """What shrinkage does to one rate and to the ranking, agent by agent.

    Parameters
    ----------
    raw_indicators, shrunk_indicators : DataFrame
        ``Scorecard.indicators`` of the same scoring without and with ``shrink=True``.
    raw_agents, shrunk_agents : DataFrame
        The matching ``Scorecard.agents``.

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, ``trials`` (denominator), ``observed``
        (raw rate), ``ci_low``, ``ci_high``, ``shrunk`` (posterior mean), ``rate_rank_raw``,
        ``rate_rank_shrunk`` (rank on this rate alone, 1 = best), ``rank_raw``,
        ``rank_shrunk`` (composite rank), ``rank_change`` (raw - shrunk composite rank:
        negative = the agent drops once luck is discounted) and ``rankable``; sorted by raw
        rate rank.
    """

    def pick(df):
        return df[(df["indicator"] == indicator) & (df["period"].astype(str) == str(period))]

    r = pick(raw_indicators).set_index("agent_id")
    s = pick(shrunk_indicators).set_index("agent_id")
    if not len(r):
        raise KeyError(f"shrinkage_effect: no `{indicator}` rows for period {period!r}.")
    ra = raw_agents[raw_agents["period"].astype(str) == str(period)].set_index("agent_id")
    sa = shrunk_agents[shrunk_agents["period"].astype(str) == str(period)].set_index("agent_id")
    out = pd.DataFrame(
        {
            "team_id": r["team_id"],
            "trials": r["denominator"],
            "observed": r["value_observed"],
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
            "shrunk": s["value"].reindex(r.index),
            "rate_rank_raw": r["value_observed"].rank(ascending=False, method="min"),
            "rate_rank_shrunk": s["value"].reindex(r.index).rank(ascending=False, method="min"),
            "rank_raw": ra["rank"].reindex(r.index),
            "rank_shrunk": sa["rank"].reindex(r.index),
            "rankable": r["rankable"],
        }
    )
    out["rank_change"] = out["rank_raw"] - out["rank_shrunk"]
    return out.reset_index().sort_values("rate_rank_raw").reset_index(drop=True)
