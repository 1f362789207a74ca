"""Period comparison: each indicator's level before and after a switch, with cluster-bootstrap
intervals, a rank test and an effect size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.before_after.common import (
    as_window,
    check_table,
    check_window_in_data,
    not_matured,
    select_rows,
)
from kpi_lib.analyses.before_after.derived import indicator_meta
from kpi_lib.analyses.before_after.multiplicity import CORRECTIONS, adjust_p_values

__all__ = [
    "INTERVALS",
    "period_comparison",
    "rank_test",
]


#: Bootstrap intervals of :func:`period_comparison`.
INTERVALS = ("studentized", "bca", "percentile")


def _rank_biserial_paired(after: np.ndarray, before: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014): share of rank sum favouring after."""
    d = after - before
    d = d[d != 0]
    if d.size == 0:
        return 0.0
    r = stats.rankdata(np.abs(d))
    return float((r[d > 0].sum() - r[d < 0].sum()) / r.sum())


def rank_test(
    after: np.ndarray, before: np.ndarray, paired: bool
) -> tuple[str, float, float, float, str]:
    """(test, statistic, p_value, effect_size, effect_size_kind); NaN when too few values."""
    if paired:
        kind = "matched-pairs rank-biserial"
        if after.size < 2:
            return "wilcoxon", np.nan, np.nan, np.nan, kind
        if np.all(after == before):
            return "wilcoxon", 0.0, 1.0, 0.0, kind
        d = after - before
        nz = np.abs(d[d != 0])
        ties = nz.size < d.size or np.unique(nz).size < nz.size
        # scipy falls back to a permutation test when there are ties or zeros, random (and
        # slow) beyond 13 pairs; the tie-corrected normal approximation is deterministic.
        method = "asymptotic" if ties and d.size > 13 else "auto"
        res = stats.wilcoxon(after, before, method=method)
        return (
            "wilcoxon",
            float(res.statistic),
            float(res.pvalue),
            _rank_biserial_paired(after, before),
            kind,
        )
    kind = "rank-biserial"
    if after.size < 1 or before.size < 1 or after.size + before.size < 3:
        return "mann-whitney", np.nan, np.nan, np.nan, kind
    res = stats.mannwhitneyu(after, before, alternative="two-sided")
    rbc = 2.0 * res.statistic / (after.size * before.size) - 1.0
    return "mann-whitney", float(res.statistic), float(res.pvalue), float(rbc), kind


def _verdict(change, lo, hi, p_adj, direction, alpha) -> str:
    if not np.isfinite(change):
        return "no data"
    if not np.isfinite(lo) or not np.isfinite(lo) or not (p_adj < alpha) or lo <= 0 <= hi:
        return "no clear change"
    if direction is None:
        return "increased" if change > 0 else "decreased"
    good = (change > 0) == (direction == "higher")
    return "improved" if good else "worsened"


def _sums(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    return rows.groupby(key, observed=True)[["numerator", "denominator"]].sum()


def _cluster_bootstrap(
    arrs: np.ndarray, strata: np.ndarray, n_boot: int, rng
) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Resampled estimates and their linearisation variances, one value per resample.

    ``arrs`` holds ``(nb, db, na, da)`` per cluster (shape 4 x clusters); clusters are
    resampled with replacement within each stratum.
    """
    parts = []
    for s in np.unique(strata):
        idx = np.flatnonzero(strata == s)
        parts.append(arrs[:, idx[rng.integers(0, idx.size, size=(n_boot, idx.size))]])
    return _estimates(parts)


def _estimates(parts: list[np.ndarray]) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Each quantity of :data:`_QUANTITIES` and its linearisation (delta-method) variance.

    ``parts``: one array per stratum, shape ``(4, ..., clusters)``. The influence value of
    cluster *i* on a ratio of sums :math:`R = N / D` is :math:`(n_i - R d_i) / D`; the
    variance is :math:`\\sum_s m_s s^2_s` over strata of :math:`m_s` clusters (sample variance
    :math:`s^2_s` of the influence values of the quantity).
    """
    tot = sum(p.sum(axis=-1) for p in parts)
    with np.errstate(divide="ignore", invalid="ignore"):
        rb = np.where(tot[1] > 0, tot[0] / tot[1], np.nan)
        ra = np.where(tot[3] > 0, tot[2] / tot[3], np.nan)
        theta = {k: f(rb, ra) for k, f in _QUANTITIES.items()}
        var = {k: np.zeros_like(rb) for k in _QUANTITIES}
        for p in parts:
            m = p.shape[-1]
            if m < 2:
                continue
            psi_b = (p[0] - rb[..., None] * p[1]) / tot[1][..., None]
            psi_a = (p[2] - ra[..., None] * p[3]) / tot[3][..., None]
            psi = {
                "value_before": psi_b,
                "value_after": psi_a,
                "change": psi_a - psi_b,
                "rel_change": psi_a / rb[..., None] - (ra / rb**2)[..., None] * psi_b,
            }
            for k, x in psi.items():
                var[k] = var[k] + m * x.var(axis=-1, ddof=1)
    return theta, var


def _studentized(
    theta: float, var: float, boot: np.ndarray, boot_var: np.ndarray, ci: float
) -> tuple[float, float]:
    """Bootstrap-t interval: quantiles of :math:`(\\theta^* - \\hat\\theta) / se^*`."""
    se = np.sqrt(var) if np.isfinite(var) else np.nan
    if not np.isfinite(theta) or not np.isfinite(se):
        return np.nan, np.nan
    if se == 0:
        return float(theta), float(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (boot - theta) / np.sqrt(boot_var)
    t = t[np.isfinite(t)]
    if t.size == 0:
        return np.nan, np.nan
    a = (1 - ci) / 2
    q_lo, q_hi = np.quantile(t, [a, 1 - a])
    return float(theta - q_hi * se), float(theta - q_lo * se)


def _levels(tot: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(before, after) ratios of sums from totals ``(nb, db, na, da)`` along the first axis."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tot[1] > 0, tot[0] / tot[1], np.nan), np.where(
            tot[3] > 0, tot[2] / tot[3], np.nan
        )


#: The quantities of a comparison that get an interval: name -> f(before, after).
_QUANTITIES = {
    "value_before": lambda b, a: b,
    "value_after": lambda b, a: a,
    "change": lambda b, a: a - b,
    "rel_change": lambda b, a: a / b - 1.0,
}


def _jackknife(arrs: np.ndarray, strata: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Leave-one-cluster-out (before, after) levels, per stratum with at least 2 clusters."""
    total = arrs.sum(axis=1, keepdims=True)
    out = []
    for s in np.unique(strata):
        idx = np.flatnonzero(strata == s)
        if idx.size >= 2:
            out.append(_levels(total - arrs[:, idx]))
    return out


def _bca(theta: float, boot: np.ndarray, jack: list[np.ndarray], ci: float) -> tuple[float, float]:
    """Bias-corrected and accelerated interval (Efron 1987), as ``scipy.stats.bootstrap``.

    ``jack``: leave-one-out values of the statistic, one array per independently resampled
    stratum; the acceleration sums their contributions as scipy does for several samples.
    """
    boot = boot[np.isfinite(boot)]
    if boot.size == 0 or not np.isfinite(theta):
        return np.nan, np.nan
    share = (np.sum(boot < theta) + np.sum(boot <= theta)) / (2.0 * boot.size)
    if share <= 0 or share >= 1:  # the statistic lies outside every resample: no correction
        return _pct(boot, ci)
    z0 = stats.norm.ppf(share)
    num = den = 0.0
    for th in jack:
        th = th[np.isfinite(th)]
        if th.size < 2:
            continue
        u = (th.size - 1) * (th.mean() - th)
        num += np.sum(u**3) / th.size**3
        den += np.sum(u**2) / th.size**2
    acc = num / (6.0 * den**1.5) if den > 0 else 0.0
    za = stats.norm.ppf([(1 - ci) / 2, (1 + ci) / 2])
    q = stats.norm.cdf(z0 + (z0 + za) / (1 - acc * (z0 + za)))
    if not np.all(np.isfinite(q)):
        return _pct(boot, ci)
    lo, hi = np.percentile(boot, 100 * q)
    return float(lo), float(hi)


def _pct(x: np.ndarray, ci: float) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.nan, np.nan
    a = (1 - ci) / 2
    lo, hi = np.quantile(x, [a, 1 - a])
    return float(lo), float(hi)


def _compare_group(rows_b, rows_a, *, cluster, pairing, n_boot, ci, rng, interval):
    sb, sa = _sums(rows_b, cluster), _sums(rows_a, cluster)
    both = sb.add_suffix("_b").join(sa.add_suffix("_a"), how="outer").fillna(0.0)
    nb, db = both["numerator_b"].to_numpy(float), both["denominator_b"].to_numpy(float)
    na, da = both["numerator_a"].to_numpy(float), both["denominator_a"].to_numpy(float)
    in_b, in_a = both.index.isin(sb.index), both.index.isin(sa.index)
    with np.errstate(divide="ignore", invalid="ignore"):
        vb = np.where(db > 0, nb / db, np.nan)
        va = np.where(da > 0, na / da, np.nan)
    common = in_b & in_a & np.isfinite(vb) & np.isfinite(va)
    if pairing == "auto":
        union = (in_b & np.isfinite(vb)) | (in_a & np.isfinite(va))
        paired = common.sum() >= 0.8 * union.sum() and common.sum() >= 2
    else:
        paired = pairing == "paired"
    strata = (
        np.where(in_b & in_a, 0, np.where(in_b, 1, 2))
        if cluster != "period"
        else np.where(in_b, 1, 2)
    )
    lb = nb.sum() / db.sum() if db.sum() > 0 else np.nan
    la = na.sum() / da.sum() if da.sum() > 0 else np.nan
    arrs = np.vstack([nb, db, na, da])
    theta, var = _estimates([arrs[:, strata == s] for s in np.unique(strata)])
    boot, boot_var = _cluster_bootstrap(arrs, strata, n_boot, rng)
    jack = _jackknife(arrs, strata) if interval == "bca" else []
    intervals = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for name, f in _QUANTITIES.items():
            if interval == "studentized":
                intervals[name] = _studentized(
                    float(theta[name]), float(var[name]), boot[name], boot_var[name], ci
                )
            elif interval == "bca":
                jk = [f(jb, ja) for jb, ja in jack]
                intervals[name] = _bca(float(theta[name]), boot[name], jk, ci)
            else:
                intervals[name] = _pct(boot[name], ci)
    if paired:
        test, stat, p, es, es_kind = rank_test(va[common], vb[common], True)
    else:
        test, stat, p, es, es_kind = rank_test(
            va[in_a & np.isfinite(va)], vb[in_b & np.isfinite(vb)], False
        )
    b_lo, b_hi = intervals["value_before"]
    a_lo, a_hi = intervals["value_after"]
    c_lo, c_hi = intervals["change"]
    r_lo, r_hi = intervals["rel_change"]
    return {
        "n_before": int(in_b.sum()),
        "n_after": int(in_a.sum()),
        "n_paired": int(common.sum()) if paired else 0,
        "value_before": lb,
        "value_before_ci_low": b_lo,
        "value_before_ci_high": b_hi,
        "value_after": la,
        "value_after_ci_low": a_lo,
        "value_after_ci_high": a_hi,
        "change": la - lb,
        "change_ci_low": c_lo,
        "change_ci_high": c_hi,
        "rel_change": la / lb - 1.0 if np.isfinite(lb) and lb != 0 else np.nan,
        "rel_change_ci_low": r_lo,
        "rel_change_ci_high": r_hi,
        "test": test,
        "statistic": stat,
        "p_value": p,
        "effect_size": es,
        "effect_size_kind": es_kind,
    }


def period_comparison(
    data: pd.DataFrame,
    *,
    before,
    after,
    indicators: Sequence[str] | str | None = None,
    teams: Sequence[str] | str | None = None,
    level: str = "team",
    pairing: str = "auto",
    n_boot: int = 2000,
    ci: float = 0.95,
    alpha: float = 0.05,
    correction: str = "holm",
    seed: int | None = 0,
    interval: str = "studentized",
) -> pd.DataFrame:
    """Level of each indicator before and after, its change, an interval, a test and an effect size.

    Parameters
    ----------
    data : DataFrame
        Agent-level indicator table (``compute_indicators(dataset, level="agent")``), any
        granularity; needs ``agent_id``, ``team_id``, ``period_start``, ``indicator``,
        ``numerator`` and ``denominator``.
    before, after : (start, end)
        Inclusive date windows; a period belongs to a window when its ``period_start`` does.
        :func:`windows_around` builds them from a switch date. A window running outside the
        periods of ``data`` is an error.
    indicators : list of str, optional
        Indicator ids (default: every indicator in ``data``).
    teams : list of str, optional
        Keep only these teams.
    level : {"team", "pooled", "agent"}
        ``team``: one row per team and indicator; ``pooled``: all selected agents as one group
        (``group`` is ``"all"``); ``agent``: one row per agent and indicator.
    pairing : {"auto", "paired", "independent"}
        ``auto`` pairs by agent (Wilcoxon signed-rank) when at least 80 % of the agents measured
        in either window are measured in both, otherwise compares the two windows' agents as
        independent samples (Mann-Whitney). At agent level the units are periods, always
        independent.
    n_boot : int
        Bootstrap resamples.
    ci : float
        Interval coverage (0.95 = 95 %).
    alpha : float
        Significance level applied to ``p_adj``.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiplicity correction applied across **every test in the returned table** (all groups
        and indicators together).
    seed : int or None
        Seed of the bootstrap.
    interval : {"studentized", "bca", "percentile"}
        Bootstrap interval: studentized (bootstrap-*t*, default), bias-corrected and
        accelerated, or plain percentile. With 10 agents percentile and BCa intervals cover
        about 90 % at a nominal 95 %, the studentized interval at least 93 %
        (``benchmarks/calibration_before_after.py``).

    Returns
    -------
    DataFrame
        One row per group and indicator:

        - ``level``: ``team``, ``pooled`` or ``agent``; ``group``: team id, ``"all"`` or agent id;
          ``team_id`` (the agent's team at agent level, else the group);
        - ``indicator``, ``label``, ``unit``, ``direction`` (``higher``/``lower`` is better);
        - ``before_start``, ``before_end``, ``after_start``, ``after_end``: the windows;
        - ``n_before``, ``n_after``: agents (periods at agent level) measured in each window;
          ``n_paired``: agents in the paired test (0 when unpaired);
        - ``value_before``, ``value_after``: ratio-of-sums level in each window, with
          ``value_before_ci_low/high`` and ``value_after_ci_low/high``;
        - ``change`` (after - before) with ``change_ci_low/high``; ``rel_change``
          (after / before - 1) with ``rel_change_ci_low/high``;
        - ``test`` (``wilcoxon`` or ``mann-whitney``), ``statistic``, ``p_value``, ``p_adj``
          (after ``correction``), ``correction``, ``significant`` (``p_adj < alpha``);
          ``interval``: the kind of bootstrap interval;
        - ``effect_size`` and ``effect_size_kind``: matched-pairs rank-biserial correlation for
          Wilcoxon, rank-biserial correlation for Mann-Whitney; both in [-1, 1], positive when
          values tend to be higher after;
        - ``verdict``: ``improved``/``worsened`` (direction-aware) when the test is significant
          after correction **and** the change interval excludes 0, ``no data`` when one window
          has no value (nothing is estimated), else ``no clear change``
          (``increased``/``decreased`` for indicators without a direction);
        - ``periods_before``, ``periods_after``: periods with a value in each window;
          ``not_matured_before``, ``not_matured_after``: periods of the window left out because
          the indicator's follow-up window (repurchase within 90 days) had not closed when the
          data end (comma-separated labels, empty when none).

    Notes
    -----
    Level in a window: :math:`L = \\sum_{i,t} n_{it} / \\sum_{i,t} d_{it}` over agents *i* and
    periods *t* in the window. Intervals come from a cluster bootstrap: agents
    are resampled with replacement, keeping all their periods in both windows together (so the
    before/after correlation of an agent is preserved), separately within three strata (agents
    in both windows, only before, only after) so that every resample has as many agents in each
    window as the data; the ratio of sums is recomputed in each resample. At agent level,
    periods are resampled within each window. The default interval is studentized
    (bootstrap-*t*, Davison & Hinkley 1997, 5.2.1): each resample's estimate is divided by its
    own delta-method standard error (influence value of cluster *i* on a ratio of sums
    :math:`(n_i - R d_i) / D`), and the quantiles of that *t* set the interval
    :math:`[\\hat\\theta - t^*_{1-a/2} se, \\hat\\theta - t^*_{a/2} se]`. BCa (Efron 1987)
    shifts the percentile levels by the bias correction :math:`z_0` and the acceleration from a
    leave-one-agent-out jackknife within each stratum, as
    ``scipy.stats.bootstrap(method="BCa")`` does for several samples.

    Wilcoxon p-values are exact for up to 50 pairs without ties or zero differences, an
    exact permutation test for up to 13 pairs with ties, and the tie-corrected normal
    approximation otherwise (deterministic, as R's ``wilcox.test`` with ``correct = FALSE``).
    The test compares per-agent window values :math:`n_i / d_i` (one value per agent and
    window), so it weights agents equally while the level weights them by volume; the verdict
    asks both to agree. Matched-pairs rank-biserial: :math:`r = (R^+ - R^-) / (R^+ + R^-)` over
    the ranks of non-zero |differences|; rank-biserial: :math:`r = 2U_{after}/(n_a n_b) - 1`.

    References
    ----------
    Kerby, D. S. (2014). The simple difference formula: an approach to teaching nonparametric
    correlation. *Comprehensive Psychology*, 3.
    Field, C. A. & Welsh, A. H. (2007). Bootstrapping clustered data. *JRSS B*, 69(3).
    Efron, B. (1987). Better bootstrap confidence intervals. *JASA*, 82(397).
    Davison, A. C. & Hinkley, D. V. (1997). *Bootstrap Methods and their Application*.
    """
    check_table(data)
    check_option("level", level, ["team", "pooled", "agent"])
    check_option("pairing", pairing, ["auto", "paired", "independent"])
    check_option("correction", correction, list(CORRECTIONS))
    check_option("interval", interval, list(INTERVALS))
    if not 0 < ci < 1:
        raise ValueError(f"`ci` must lie strictly between 0 and 1, got {ci}.")
    if int(n_boot) < 1:
        raise ValueError(f"`n_boot` must be at least 1, got {n_boot}.")
    bw, aw = as_window(before, "before"), as_window(after, "after")
    if not (bw[1] < aw[0] or aw[1] < bw[0]):
        raise ValueError(f"The before window {bw} and after window {aw} overlap.")
    check_window_in_data(bw, data, "before")
    check_window_in_data(aw, data, "after")
    rows, wanted = select_rows(data, indicators, teams)
    rows["agent_id"] = rows["agent_id"].astype(str)
    rows["team_id"] = rows["team_id"].astype(str)
    in_b = rows["period_start"].between(*bw)
    in_a = rows["period_start"].between(*aw)
    immature = {"before": not_matured(data, bw, teams), "after": not_matured(data, aw, teams)}
    rows["_window"] = np.where(in_b, "before", np.where(in_a, "after", ""))
    rows = rows[rows["_window"] != ""]
    if level == "team":
        rows["_group"] = rows["team_id"]
    elif level == "pooled":
        rows["_group"] = "all"
    else:
        rows["_group"] = rows["agent_id"]
    cluster = "period" if level == "agent" else "agent_id"
    rng = np.random.default_rng(seed)
    out = []
    for (group, ind), g in rows.groupby(["_group", "indicator"], sort=True, observed=True):
        res = _compare_group(
            g[g["_window"] == "before"],
            g[g["_window"] == "after"],
            cluster=cluster,
            pairing="independent" if level == "agent" else pairing,
            n_boot=int(n_boot),
            ci=ci,
            rng=rng,
            interval=interval,
        )
        label, direction, unit = indicator_meta(ind)
        team = g["team_id"].iloc[-1] if level == "agent" else group
        out.append(
            {
                "level": level,
                "group": group,
                "team_id": team,
                "indicator": ind,
                "label": label,
                "unit": unit,
                "direction": direction,
                "before_start": bw[0],
                "before_end": bw[1],
                "after_start": aw[0],
                "after_end": aw[1],
                **res,
                "periods_before": int(g.loc[g["_window"] == "before", "period"].nunique()),
                "periods_after": int(g.loc[g["_window"] == "after", "period"].nunique()),
                "not_matured_before": ", ".join(immature["before"].get(ind, [])),
                "not_matured_after": ", ".join(immature["after"].get(ind, [])),
            }
        )
    if not out:
        raise ValueError(
            f"No indicator has a value in the before window {bw[0].date()} - {bw[1].date()} or "
            f"the after window {aw[0].date()} - {aw[1].date()}."
        )
    res = pd.DataFrame(out)
    res["p_adj"] = adjust_p_values(res["p_value"], correction)
    res["correction"] = correction
    res["interval"] = interval
    res["significant"] = res["p_adj"] < alpha
    res["verdict"] = [
        _verdict(c, lo, hi, p, d, alpha)
        for c, lo, hi, p, d in zip(
            res["change"],
            res["change_ci_low"],
            res["change_ci_high"],
            res["p_adj"],
            res["direction"],
            strict=True,
        )
    ]
    order = {ind: i for i, ind in enumerate(wanted)}
    res = res.sort_values(
        ["group", "indicator"], key=lambda s: s.map(order) if s.name == "indicator" else s
    )
    return res.reset_index(drop=True)
