"""Period comparison: each indicator's level before and after a switch, with cluster-bootstrap
intervals, a rank test and an effect size.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.before_after.common import as_window, check_table, select_rows
from kpi_lib.analyses.before_after.derived import indicator_meta
from kpi_lib.analyses.before_after.multiplicity import CORRECTIONS, adjust_p_values

__all__ = [
    "period_comparison",
    "rank_test",
]


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
    if not np.isfinite(change) or not np.isfinite(lo) or not (p_adj < alpha) or lo <= 0 <= hi:
        return "no clear change"
    if direction is None:
        return "increased" if change > 0 else "decreased"
    good = (change > 0) == (direction == "higher")
    return "improved" if good else "worsened"


def _sums(rows: pd.DataFrame, key: str) -> pd.DataFrame:
    return rows.groupby(key, observed=True)[["numerator", "denominator"]].sum()


def _cluster_bootstrap(
    nb: np.ndarray,
    db: np.ndarray,
    na: np.ndarray,
    da: np.ndarray,
    strata: np.ndarray,
    n_boot: int,
    rng,
) -> tuple[np.ndarray, np.ndarray]:
    """Resampled (before, after) ratio-of-sums levels; clusters resampled within each stratum."""
    tot = np.zeros((4, n_boot))
    for s in np.unique(strata):
        idx = np.flatnonzero(strata == s)
        draw = idx[rng.integers(0, idx.size, size=(n_boot, idx.size))]
        for k, arr in enumerate((nb, db, na, da)):
            tot[k] += arr[draw].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tot[1] > 0, tot[0] / tot[1], np.nan), np.where(
            tot[3] > 0, tot[2] / tot[3], np.nan
        )


def _pct(x: np.ndarray, ci: float) -> tuple[float, float]:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return np.nan, np.nan
    a = (1 - ci) / 2
    lo, hi = np.quantile(x, [a, 1 - a])
    return float(lo), float(hi)


def _compare_group(rows_b, rows_a, *, cluster, pairing, n_boot, ci, rng):
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
    boot_b, boot_a = _cluster_bootstrap(nb, db, na, da, strata, n_boot, rng)
    with np.errstate(divide="ignore", invalid="ignore"):
        boot_rel = boot_a / boot_b - 1.0
    if paired:
        test, stat, p, es, es_kind = rank_test(va[common], vb[common], True)
    else:
        test, stat, p, es, es_kind = rank_test(
            va[in_a & np.isfinite(va)], vb[in_b & np.isfinite(vb)], False
        )
    b_lo, b_hi = _pct(boot_b, ci)
    a_lo, a_hi = _pct(boot_a, ci)
    c_lo, c_hi = _pct(boot_a - boot_b, ci)
    r_lo, r_hi = _pct(boot_rel, ci)
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
        :func:`windows_around` builds them from a switch date.
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
        - ``effect_size`` and ``effect_size_kind``: matched-pairs rank-biserial correlation for
          Wilcoxon, rank-biserial correlation for Mann-Whitney; both in [-1, 1], positive when
          values tend to be higher after;
        - ``verdict``: ``improved``/``worsened`` (direction-aware) when the test is significant
          after correction **and** the change interval excludes 0, else ``no clear change``
          (``increased``/``decreased`` for indicators without a direction).

    Notes
    -----
    Level in a window: :math:`L = \\sum_{i,t} n_{it} / \\sum_{i,t} d_{it}` over agents *i* and
    periods *t* in the window. Intervals are percentile intervals of a cluster bootstrap: agents
    are resampled with replacement, keeping all their periods in both windows together (so the
    before/after correlation of an agent is preserved), separately within three strata (agents
    in both windows, only before, only after) so that every resample has as many agents in each
    window as the data; the ratio of sums is recomputed in each resample. At agent level,
    periods are resampled within each window.

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
    """
    check_table(data)
    check_option("level", level, ["team", "pooled", "agent"])
    check_option("pairing", pairing, ["auto", "paired", "independent"])
    check_option("correction", correction, list(CORRECTIONS))
    if not 0 < ci < 1:
        raise ValueError(f"`ci` must lie strictly between 0 and 1, got {ci}.")
    if int(n_boot) < 1:
        raise ValueError(f"`n_boot` must be at least 1, got {n_boot}.")
    bw, aw = as_window(before, "before"), as_window(after, "after")
    if not (bw[1] < aw[0] or aw[1] < bw[0]):
        raise ValueError(f"The before window {bw} and after window {aw} overlap.")
    rows, wanted = select_rows(data, indicators, teams)
    rows["agent_id"] = rows["agent_id"].astype(str)
    rows["team_id"] = rows["team_id"].astype(str)
    in_b = rows["period_start"].between(*bw)
    in_a = rows["period_start"].between(*aw)
    if not in_b.any() or not in_a.any():
        empty = "before" if not in_b.any() else "after"
        w = bw if empty == "before" else aw
        raise ValueError(
            f"No indicator rows have a period_start in the {empty} window "
            f"{w[0].date()} - {w[1].date()}; the table covers "
            f"{rows['period_start'].min().date()} - {rows['period_start'].max().date()}."
        )
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
            }
        )
    res = pd.DataFrame(out)
    res["p_adj"] = adjust_p_values(res["p_value"], correction)
    res["correction"] = correction
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
