"""Before/after comparisons: did a change of the scoring scheme work?

Four analyses over the shared indicator table (one row per agent, period and indicator with
``numerator`` and ``denominator``), each returning a tidy DataFrame:

- :func:`period_comparison` - level before and after a switch, change, cluster-bootstrap
  intervals, a rank test (paired by agent where possible) and an effect size;
- :func:`difference_in_differences` - the change in treated teams net of the change in a
  comparison team that kept the old scheme, with agent-clustered errors and a pre-trend check
  (:func:`did_panel` and :func:`did_trends` give the rows it fits and the series to draw);
- :func:`interrupted_time_series` - segmented regression of a team series with level and slope
  change at the switch and Newey-West errors (:func:`its_series` gives the counterfactual line);
- :func:`rescore_under_schemes` - who would have been rewarded or put on a PIP under the old
  and the new scheme in the same periods.

:func:`case_study_table` sets measured changes beside the figures reported in the source case
study (``CASE_STUDY_FIGURES``). Set-up helpers for notebooks: :func:`ensure_case_study_dataset`
(generate the synthetic ``case_study`` preset where no dataset exists), :func:`study_setup`
(switch date, teams and windows, filled in from ``PLANTED.json``), :func:`indicator_table`
(catalogue and derived indicators in one table) and :func:`windows_around`. Manager-facing wording lives in
:mod:`kpi_lib.report.before_after_text`, charts in :mod:`kpi_lib.report.before_after_plots`.

Conventions shared by every function here
-----------------------------------------
- A window is a ``(start, end)`` pair of dates, both inclusive; a period belongs to a window
  when its ``period_start`` lies in it.
- A group's level in a window is a **ratio of sums**: ``sum(numerator) / sum(denominator)``
  over its agents and periods. For counts and amounts (``denominator`` 1 per agent-period) this
  is the mean per agent-period, e.g. dials per agent-month.
- Periods that straddle the switch date (start before it, end after it) are *transition*
  periods: they belong to neither side and are dropped.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm
import statsmodels.formula.api as smf
from scipy import stats

from kpi_lib._util import check_option, unknown_name_message

__all__ = [
    "CASE_STUDY_FIGURES",
    "DERIVED",
    "indicator_meta",
    "add_derived_indicator",
    "windows_around",
    "period_comparison",
    "did_panel",
    "difference_in_differences",
    "did_trends",
    "interrupted_time_series",
    "its_series",
    "case_study_table",
    "rescore_under_schemes",
    "ensure_case_study_dataset",
    "planted_setup",
    "study_setup",
    "indicator_table",
]

INDICATOR_COLUMNS = ["team_id", "period", "period_start", "indicator", "numerator", "denominator"]
CORRECTIONS = ("holm", "fdr_bh", "bonferroni", "none")

#: Figures reported by the source case study (003, section 5): an education company moved from
#: (sales 70 %, dials 30 %) to (sales 40, effective calls 20, satisfaction 20, compliance 15,
#: training 5); three months later these were observed. ``check`` says which measured quantity
#: the figure is compared with: ``before``/``after`` levels (in the indicator's unit, rates as
#: fractions) or ``rel_change`` (relative change, 0.25 = +25 %). ``bound`` is ``"eq"`` for a
#: point figure, ``"lt"`` for "under x" or ``"gt0"`` for "up". The complaint rate is read as
#: complaints per 100 orders (a derived indicator, :data:`DERIVED`).
CASE_STUDY_FIGURES = pd.DataFrame(
    [
        ("complaints_per_100_orders", "before", 15.0, "eq", "complaint rate 15 %"),
        ("complaints_per_100_orders", "after", 5.0, "eq", "complaint rate 5 %"),
        ("repurchase_rate", "before", 0.05, "lt", "repurchase under 5 %"),
        ("repurchase_rate", "after", 0.12, "eq", "repurchase 12 %"),
        ("dials", "rel_change", -0.10, "eq", "outbound dials -10 %"),
        ("effective_call_rate", "rel_change", 0.25, "eq", "effective-call rate +25 %"),
        ("sales_amount", "rel_change", np.nan, "gt0", "sales up (figure cut off in the source)"),
    ],
    columns=["indicator", "check", "figure", "bound", "source_text"],
)


# --------------------------------------------------------------------------- helpers


def _catalogue():
    # Imported lazily so that a custom indicator table can be analysed without the catalogue.
    from kpi_lib.indicators import catalogue

    return catalogue.CATALOGUE


#: Indicators derived here from two catalogue indicators (see :func:`add_derived_indicator`):
#: id -> (numerator source, denominator source, scale, English label, direction, unit). A source
#: is ``(indicator id, "numerator" | "denominator")``.
DERIVED = {
    # The case study's "complaint rate 15 %" counts complaints per paying customer; the
    # catalogue's complaints_per_100 counts per customer served (reached by phone).
    "complaints_per_100_orders": (
        ("complaints_per_100", "numerator"),
        ("deals", "numerator"),
        1.0,
        "Complaints per 100 orders",
        "lower",
        "per 100 orders",
    ),
}


def indicator_meta(indicator: str) -> tuple[str, str | None, str]:
    """(English label, direction, unit) of a catalogue or :data:`DERIVED` indicator.

    Ids in neither keep their id as label, with no direction and no unit.
    """
    if indicator in DERIVED:
        return DERIVED[indicator][3], DERIVED[indicator][4], DERIVED[indicator][5]
    cat = _catalogue()
    ind = cat.get(indicator)
    if ind is None:
        return indicator, None, ""
    return ind.name_en, ind.direction, ind.unit


def _as_list(x, name: str) -> list[str]:
    if x is None:
        return []
    if isinstance(x, str):
        return [x]
    if isinstance(x, Iterable):
        return [str(v) for v in x]
    raise ValueError(f"`{name}` must be a string or a list of strings, got {type(x).__name__}.")


def _window(w, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if w is None or isinstance(w, str) or len(w) != 2:
        raise ValueError(
            f"`{name}` must be a (start, end) pair of dates, both inclusive, e.g. "
            f"('2026-02-01', '2026-04-30'); got {w!r}."
        )
    start, end = pd.Timestamp(w[0]), pd.Timestamp(w[1])
    if end < start:
        raise ValueError(f"`{name}` ends ({end.date()}) before it starts ({start.date()}).")
    return start, end


def add_derived_indicator(
    data: pd.DataFrame, *, indicator: str = "complaints_per_100_orders"
) -> pd.DataFrame:
    """The indicator table with rows of a derived ratio indicator appended.

    Parameters
    ----------
    data : DataFrame
        Indicator table holding the source indicators of ``indicator`` (see :data:`DERIVED`;
        for ``complaints_per_100_orders``: ``complaints_per_100`` and ``deals``).
    indicator : str
        Id in :data:`DERIVED`.

    Returns
    -------
    DataFrame
        ``data`` plus one row per agent (or team) and period for ``indicator``, with
        ``numerator`` and ``denominator`` taken from the sources (times the scale), ``value``
        their ratio (NaN, with a ``reason``, when the denominator is 0 or missing).
    """
    check_option("indicator", indicator, list(DERIVED))
    (num_id, num_col), (den_id, den_col), scale, *_ = DERIVED[indicator]
    for src in (num_id, den_id):
        if not (data["indicator"] == src).any():
            raise KeyError(
                f"Deriving `{indicator}` needs rows of `{src}` in the indicator table; compute "
                f"it with compute_indicators(..., indicators=[..., {src!r}])."
            )
    keys = [
        c for c in ("agent_id", "team_id", "period", "granularity", "period_start") if c in data
    ]
    num = data.loc[data["indicator"] == num_id, [*keys, num_col]].rename(
        columns={num_col: "numerator"}
    )
    den = data.loc[data["indicator"] == den_id, [*keys, den_col]].rename(
        columns={den_col: "denominator"}
    )
    rows = num.merge(den, on=keys, how="inner")
    rows["numerator"] = rows["numerator"] * scale
    ok = rows["denominator"] > 0
    rows["value"] = np.where(ok, rows["numerator"] / rows["denominator"].where(ok), np.nan)
    rows["reason"] = np.where(ok, "", f"no {den_id}")
    rows["indicator"] = indicator
    rows = rows.reindex(columns=data.columns)
    return pd.concat([data[data["indicator"] != indicator], rows], ignore_index=True)


def windows_around(
    switch, *, before_months: int = 3, after_months: int = 3, skip_months: int = 0
) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Before and after windows of whole months on either side of a switch date.

    Parameters
    ----------
    switch : date-like
        First day under the new scheme.
    before_months, after_months : int
        Length of each window in months.
    skip_months : int
        Months right after the switch left out of the after window (a settling-in period; the
        source case study reports results "after three months").

    Returns
    -------
    dict
        ``{"before": (start, end), "after": (start, end)}``, inclusive Timestamps.

    Examples
    --------
    >>> windows_around("2026-05-01")["before"]
    (Timestamp('2026-02-01 00:00:00'), Timestamp('2026-04-30 00:00:00'))
    """
    for name, v in [("before_months", before_months), ("after_months", after_months)]:
        if int(v) < 1:
            raise ValueError(f"`{name}` must be at least 1, got {v}.")
    if int(skip_months) < 0:
        raise ValueError(f"`skip_months` must be 0 or more, got {skip_months}.")
    s = pd.Timestamp(switch).normalize()
    # a mid-month switch leaves its month out of both windows
    first_after = s.to_period("M") if s.day == 1 else s.to_period("M") + 1
    switch_month = s.to_period("M")
    b_start = (switch_month - before_months).to_timestamp()
    a_start = (first_after + skip_months).to_timestamp()
    a_end = (first_after + skip_months + after_months).to_timestamp() - pd.Timedelta(days=1)
    return {
        "before": (b_start, switch_month.to_timestamp() - pd.Timedelta(days=1)),
        "after": (a_start, a_end),
    }


def _check_table(data: pd.DataFrame, *, need_agent: bool = True) -> None:
    if not isinstance(data, pd.DataFrame):
        raise ValueError(
            f"Expected the indicator table (a DataFrame), got {type(data).__name__}; build it "
            "with kpi_lib.indicators.engine.compute_indicators(dataset)."
        )
    need = (["agent_id"] if need_agent else []) + INDICATOR_COLUMNS
    missing = [c for c in need if c not in data.columns]
    if missing:
        raise KeyError(
            f"The indicator table lacks column(s) {missing}; it has {list(data.columns)}. "
            f"Rates must carry `numerator` and `denominator` so they re-aggregate as ratios of sums"
            + (" (use level='agent' output for agent-level analyses)." if need_agent else ".")
        )


def _select(data: pd.DataFrame, indicators, teams=None) -> tuple[pd.DataFrame, list[str]]:
    present = list(pd.unique(data["indicator"]))
    wanted = _as_list(indicators, "indicators") or present
    for ind in wanted:
        if ind not in present:
            raise KeyError(
                "The indicator table has no rows for "
                + unknown_name_message("indicator", ind, [str(p) for p in present])
            )
    out = data[data["indicator"].isin(wanted)]
    team_list = _as_list(teams, "teams")
    if team_list:
        known = set(data["team_id"].astype(str))
        for t in team_list:
            if t not in known:
                raise KeyError(
                    "The indicator table has no rows for " + unknown_name_message("team", t, known)
                )
        out = out[out["team_id"].astype(str).isin(team_list)]
    out = out.dropna(subset=["numerator", "denominator"]).copy()
    out["period_start"] = pd.to_datetime(out["period_start"])
    return out, wanted


def _period_end(starts: pd.Series, granularity: pd.Series | str) -> pd.Series:
    """First moment after each period (exclusive end)."""
    starts = pd.to_datetime(starts)
    if isinstance(granularity, str):
        g = np.full(len(starts), granularity, dtype=object)
    else:
        g = np.asarray(granularity.astype(str), dtype=object)
    out = starts + pd.to_timedelta(np.where(g == "week", 7, np.where(g == "day", 1, 0)), unit="D")
    for name, m in (("month", 1), ("quarter", 3), ("year", 12)):
        mask = g == name
        if mask.any():
            out[mask] = starts[mask] + pd.DateOffset(months=m)
    return out


def _side_of_switch(data: pd.DataFrame, switch) -> pd.Series:
    """'before', 'after' or 'transition' for each row, from period_start and granularity."""
    s = pd.Timestamp(switch)
    gran = data["granularity"] if "granularity" in data.columns else "month"
    end = _period_end(data["period_start"], gran)
    side = np.where(end <= s, "before", np.where(data["period_start"] >= s, "after", "transition"))
    return pd.Series(side, index=data.index)


def _period_index(starts: pd.Series, granularity: str) -> pd.Series:
    """Integer period number (0 = first period), so gaps in the series stay gaps."""
    starts = pd.to_datetime(starts)
    if granularity in ("month", "quarter", "year"):
        months = starts.dt.year * 12 + starts.dt.month
        step = {"month": 1, "quarter": 3, "year": 12}[granularity]
        idx = (months - months.min()) // step
    else:
        days = {"week": 7, "day": 1}.get(granularity, 7)
        idx = (starts - starts.min()).dt.days // days
    return idx.astype(int)


def _granularity(data: pd.DataFrame) -> str:
    if "granularity" not in data.columns:
        return "month"
    g = pd.unique(data["granularity"].dropna())
    if len(g) != 1:
        raise ValueError(
            f"The indicator table mixes granularities {sorted(map(str, g))}; pass rows of one "
            "granularity (compute_indicators(..., granularity='week' or 'month'))."
        )
    return str(g[0])


def _adjust(p: pd.Series, correction: str) -> pd.Series:
    """Multiplicity-adjusted p-values (NaN stays NaN and is not counted as a test).

    Holm step-down, Bonferroni or Benjamini-Hochberg (``fdr_bh``); same values as
    ``statsmodels.stats.multitest.multipletests``, without its per-call garbage collection.
    """
    if correction == "none":
        return p.astype(float)
    out = pd.Series(np.nan, index=p.index)
    ok = p.notna().to_numpy()
    x = p.to_numpy(float)[ok]
    m = x.size
    if m == 0:
        return out
    order = np.argsort(x)
    ranked = x[order]
    if correction == "bonferroni":
        adj = np.minimum(ranked * m, 1.0)
    elif correction == "holm":
        adj = np.minimum(np.maximum.accumulate(ranked * np.arange(m, 0, -1)), 1.0)
    else:  # fdr_bh
        adj = np.minimum.accumulate((ranked * m / np.arange(1, m + 1))[::-1])[::-1]
        adj = np.minimum(adj, 1.0)
    back = np.empty(m)
    back[order] = adj
    out[ok] = back
    return out


def _rank_biserial_paired(after: np.ndarray, before: np.ndarray) -> float:
    """Matched-pairs rank-biserial correlation (Kerby 2014): share of rank sum favouring after."""
    d = after - before
    d = d[d != 0]
    if d.size == 0:
        return 0.0
    r = stats.rankdata(np.abs(d))
    return float((r[d > 0].sum() - r[d < 0].sum()) / r.sum())


def _rank_test(
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


# --------------------------------------------------------------------------- period comparison


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
        test, stat, p, es, es_kind = _rank_test(va[common], vb[common], True)
    else:
        test, stat, p, es, es_kind = _rank_test(
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
    _check_table(data)
    check_option("level", level, ["team", "pooled", "agent"])
    check_option("pairing", pairing, ["auto", "paired", "independent"])
    check_option("correction", correction, list(CORRECTIONS))
    if not 0 < ci < 1:
        raise ValueError(f"`ci` must lie strictly between 0 and 1, got {ci}.")
    if int(n_boot) < 1:
        raise ValueError(f"`n_boot` must be at least 1, got {n_boot}.")
    bw, aw = _window(before, "before"), _window(after, "after")
    if not (bw[1] < aw[0] or aw[1] < bw[0]):
        raise ValueError(f"The before window {bw} and after window {aw} overlap.")
    rows, wanted = _select(data, indicators, teams)
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
    res["p_adj"] = _adjust(res["p_value"], correction)
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


# --------------------------------------------------------------------------- difference in differences

WEIGHTS = ("denominator", "equal")


def did_panel(
    data: pd.DataFrame,
    *,
    treated: Sequence[str] | str,
    comparison: Sequence[str] | str,
    switch,
    indicators: Sequence[str] | str | None = None,
    before=None,
    after=None,
    weights: str = "denominator",
) -> pd.DataFrame:
    """The agent-period rows a difference-in-differences fit uses (also for inspection).

    Parameters
    ----------
    data : DataFrame
        Agent-level indicator table.
    treated, comparison : str or list of str
        Team ids that switched scheme and team ids that kept the old one.
    switch : date-like
        First day under the new scheme.
    indicators : list of str, optional
        Indicator ids (default: all in ``data``).
    before, after : (start, end), optional
        Restrict the pre and post periods to these inclusive windows (default: everything on
        each side of the switch).
    weights : {"denominator", "equal"}
        Regression weight of a row: its ``denominator`` (so a rate counts in proportion to the
        calls, customers or surveys behind it and the fitted cell means are ratios of sums; for
        counts and amounts the denominator is 1, i.e. unweighted) or 1 for every agent-period.

    Returns
    -------
    DataFrame
        ``agent_id``, ``team_id``, ``period``, ``period_start``, ``indicator``, ``value``
        (numerator / denominator), ``numerator``, ``denominator``, ``weight``, ``treated``
        (1 for treated teams, 0 for comparison), ``post`` (1 after the switch), ``time``
        (period number, 0 = first period). Transition periods (straddling the switch) and rows
        with a zero denominator are left out.
    """
    _check_table(data)
    check_option("weights", weights, list(WEIGHTS))
    t_list, c_list = _as_list(treated, "treated"), _as_list(comparison, "comparison")
    if not t_list or not c_list:
        raise ValueError("Both `treated` and `comparison` must name at least one team.")
    overlap = set(t_list) & set(c_list)
    if overlap:
        raise ValueError(f"Teams {sorted(overlap)} are in both `treated` and `comparison`.")
    rows, _ = _select(data, indicators, t_list + c_list)
    rows["agent_id"] = rows["agent_id"].astype(str)
    rows["team_id"] = rows["team_id"].astype(str)
    rows = rows[rows["denominator"] > 0]
    side = _side_of_switch(rows, switch)
    keep = side != "transition"
    if before is not None:
        bw = _window(before, "before")
        keep &= (side != "before") | rows["period_start"].between(*bw)
    if after is not None:
        aw = _window(after, "after")
        keep &= (side != "after") | rows["period_start"].between(*aw)
    rows, side = rows[keep].copy(), side[keep]
    for name in ("before", "after"):
        for grp, teams in (("treated", t_list), ("comparison", c_list)):
            if not ((side == name) & rows["team_id"].isin(teams)).any():
                raise ValueError(
                    f"No {grp} rows ({teams}) fall {name} the switch "
                    f"{pd.Timestamp(switch).date()}; check the switch date, windows and team ids."
                )
    rows["value"] = rows["numerator"] / rows["denominator"]
    rows["weight"] = rows["denominator"].astype(float) if weights == "denominator" else 1.0
    rows["treated"] = rows["team_id"].isin(t_list).astype(int)
    rows["post"] = (side == "after").astype(int)
    rows["time"] = _period_index(rows["period_start"], _granularity(rows))
    cols = [
        "agent_id",
        "team_id",
        "period",
        "period_start",
        "indicator",
        "value",
        "numerator",
        "denominator",
        "weight",
        "treated",
        "post",
        "time",
    ]
    return rows[cols].sort_values(["indicator", "agent_id", "period_start"]).reset_index(drop=True)


def _cluster_fit(formula: str, panel: pd.DataFrame):
    groups = pd.factorize(panel["agent_id"])[0]
    return smf.wls(formula, data=panel, weights=panel["weight"]).fit(
        cov_type="cluster", cov_kwds={"groups": groups}, use_t=True
    )


def _ratio(panel: pd.DataFrame) -> float:
    w = panel["weight"]
    return float((panel["value"] * w).sum() / w.sum()) if w.sum() > 0 else np.nan


def difference_in_differences(
    data: pd.DataFrame,
    *,
    treated: Sequence[str] | str,
    comparison: Sequence[str] | str,
    switch,
    indicators: Sequence[str] | str | None = None,
    before=None,
    after=None,
    weights: str = "denominator",
    alpha: float = 0.05,
    correction: str = "holm",
) -> pd.DataFrame:
    """Change in treated teams net of the change in a comparison team, with a pre-trend check.

    Parameters
    ----------
    data, treated, comparison, switch, indicators, before, after, weights
        As in :func:`did_panel`.
    alpha : float
        Significance level for ``significant`` and for the parallel-trends verdict.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiplicity correction of the DiD p-values across the indicators.

    Returns
    -------
    DataFrame
        One row per indicator:

        - ``indicator``, ``label``, ``direction``, ``weights``;
        - ``treated_before``, ``treated_after``, ``comparison_before``, ``comparison_after``:
          fitted cell means (ratios of sums when ``weights="denominator"``);
        - ``counterfactual_after``: ``treated_before + comparison_after - comparison_before``,
          the treated level had it moved like the comparison team;
        - ``estimate`` (the ``treated:post`` coefficient), ``se`` (agent-clustered), ``ci_low``,
          ``ci_high``, ``p_value``, ``p_adj``, ``significant`` (``p_adj < alpha``);
        - ``rel_effect``: ``estimate / counterfactual_after``;
        - ``n_obs``, ``n_agents_treated``, ``n_agents_comparison``, ``n_pre_periods``,
          ``n_post_periods``;
        - ``pre_trend_diff``: treated minus comparison slope per period in the pre-period, with
          ``pre_trend_se`` and ``pre_trend_p``; ``trend_bias``: the bias that slope difference
          would put into ``estimate`` if it continued (slope difference x distance between the
          mean post and mean pre period);
        - ``parallel_trends``: ``plausible`` (no significant pre-trend difference),
          ``doubtful`` (significant at ``alpha``) or ``cannot judge`` (fewer than 3 pre periods).

    Notes
    -----
    Model, fitted per indicator on agent-period rows (:func:`did_panel`):
    ``value ~ treated * post`` by weighted least squares,
    :math:`y_{it} = \\beta_0 + \\beta_1 T_i + \\beta_2 P_t + \\delta T_i P_t + e_{it}`, with
    standard errors clustered by agent (statsmodels ``cov_type="cluster"``, small-sample
    corrected, *t* reference distribution with clusters - 1 degrees of freedom). The model is
    saturated, so the cell means are the weighted means and :math:`\\delta` equals the
    difference of the before/after differences of those means.

    Pre-trend check: on pre-period rows only, ``value ~ treated * time`` with the same weights
    and clustering; the ``treated:time`` coefficient is the slope difference. Absence of a
    significant difference is not proof of parallel trends (few pre periods give little power);
    read it with the side-by-side chart of :func:`did_trends`.

    References
    ----------
    Angrist, J. D. & Pischke, J.-S. (2009). *Mostly Harmless Econometrics*, ch. 5.
    Bertrand, M., Duflo, E. & Mullainathan, S. (2004). How much should we trust
    differences-in-differences estimates? *QJE*, 119(1).
    """
    check_option("correction", correction, list(CORRECTIONS))
    panel = did_panel(
        data,
        treated=treated,
        comparison=comparison,
        switch=switch,
        indicators=indicators,
        before=before,
        after=after,
        weights=weights,
    )
    out = []
    for ind, p in panel.groupby("indicator", sort=False, observed=True):
        fit = _cluster_fit("value ~ treated * post", p)
        cells = {
            (t, q): _ratio(p[(p["treated"] == t) & (p["post"] == q)])
            for t in (0, 1)
            for q in (0, 1)
        }
        cf = cells[1, 0] + cells[0, 1] - cells[0, 0]
        lo, hi = fit.conf_int(alpha=alpha).loc["treated:post"]
        pre = p[p["post"] == 0]
        n_pre = int(pre["period_start"].nunique())
        post = p[p["post"] == 1]
        if n_pre >= 3 and pre.groupby("treated")["time"].nunique().min() >= 2:
            tfit = _cluster_fit("value ~ treated * time", pre)
            slope, slope_se, slope_p = (
                float(tfit.params["treated:time"]),
                float(tfit.bse["treated:time"]),
                float(tfit.pvalues["treated:time"]),
            )
            verdict = "doubtful" if slope_p < alpha else "plausible"
            bias = slope * (post["time"].mean() - pre["time"].mean())
        else:
            slope = slope_se = slope_p = bias = np.nan
            verdict = "cannot judge"
        label, direction, _unit = indicator_meta(ind)
        est = float(fit.params["treated:post"])
        out.append(
            {
                "indicator": ind,
                "label": label,
                "direction": direction,
                "weights": weights,
                "treated_before": cells[1, 0],
                "treated_after": cells[1, 1],
                "comparison_before": cells[0, 0],
                "comparison_after": cells[0, 1],
                "counterfactual_after": cf,
                "estimate": est,
                "se": float(fit.bse["treated:post"]),
                "ci_low": float(lo),
                "ci_high": float(hi),
                "p_value": float(fit.pvalues["treated:post"]),
                "rel_effect": est / cf if cf else np.nan,
                "n_obs": int(len(p)),
                "n_agents_treated": int(p.loc[p["treated"] == 1, "agent_id"].nunique()),
                "n_agents_comparison": int(p.loc[p["treated"] == 0, "agent_id"].nunique()),
                "n_pre_periods": n_pre,
                "n_post_periods": int(post["period_start"].nunique()),
                "pre_trend_diff": slope,
                "pre_trend_se": slope_se,
                "pre_trend_p": slope_p,
                "trend_bias": bias,
                "parallel_trends": verdict,
            }
        )
    res = pd.DataFrame(out)
    res["p_adj"] = _adjust(res["p_value"], correction)
    res["significant"] = res["p_adj"] < alpha
    return res


def did_trends(
    data: pd.DataFrame,
    *,
    treated: Sequence[str] | str,
    comparison: Sequence[str] | str,
    switch,
    indicators: Sequence[str] | str | None = None,
    before=None,
    after=None,
) -> pd.DataFrame:
    """Treated and comparison series side by side, plus the DiD counterfactual after the switch.

    Parameters
    ----------
    data, treated, comparison, switch, indicators, before, after
        As in :func:`did_panel`.

    Returns
    -------
    DataFrame
        ``indicator``, ``label``, ``period``, ``period_start``, ``group`` (``treated``,
        ``comparison`` or ``counterfactual``), ``post`` (0/1), ``value`` (ratio of sums over
        the group's agents), ``n_agents``. ``counterfactual`` rows (post periods only) are
        ``treated pre-level + (comparison level - comparison pre-level)``: where the treated
        teams would be had they moved like the comparison team.
    """
    panel = did_panel(
        data,
        treated=treated,
        comparison=comparison,
        switch=switch,
        indicators=indicators,
        before=before,
        after=after,
        weights="denominator",
    )
    g = (
        panel.groupby(["indicator", "treated", "period", "period_start", "post"], observed=True)
        .agg(
            numerator=("numerator", "sum"),
            denominator=("denominator", "sum"),
            n_agents=("agent_id", "nunique"),
        )
        .reset_index()
    )
    g["value"] = g["numerator"] / g["denominator"]
    g["group"] = np.where(g["treated"] == 1, "treated", "comparison")
    cf = []
    for ind, p in panel.groupby("indicator", sort=False, observed=True):
        pre_t = _ratio(p[(p["treated"] == 1) & (p["post"] == 0)])
        pre_c = _ratio(p[(p["treated"] == 0) & (p["post"] == 0)])
        comp = g[(g["indicator"] == ind) & (g["treated"] == 0) & (g["post"] == 1)]
        cf.append(comp.assign(group="counterfactual", value=pre_t + comp["value"] - pre_c))
    out = pd.concat([g, *cf], ignore_index=True)
    out["label"] = out["indicator"].map(lambda i: indicator_meta(i)[0])
    cols = ["indicator", "label", "period", "period_start", "group", "post", "value", "n_agents"]
    return out[cols].sort_values(["indicator", "group", "period_start"]).reset_index(drop=True)


# --------------------------------------------------------------------------- interrupted time series


def _its_frame(data, *, switch, indicators, teams, window=None, exclude=None) -> pd.DataFrame:
    _check_table(data, need_agent=False)
    rows, _ = _select(data, indicators, teams)
    side = _side_of_switch(rows, switch)
    keep = side != "transition"
    if window is not None:
        w = _window(window, "window")
        keep &= rows["period_start"].between(*w)
    drop = _as_list(exclude, "exclude")
    if drop:
        unknown = sorted(set(drop) - set(rows["period"].astype(str)))
        if unknown:
            raise KeyError(f"`exclude` names periods not in the indicator table: {unknown}.")
        keep &= ~rows["period"].astype(str).isin(drop)
    rows = rows[keep]
    gran = _granularity(rows)
    s = (
        rows.groupby(["indicator", "period", "period_start"], observed=True)[
            ["numerator", "denominator"]
        ]
        .sum()
        .reset_index()
    )
    s = s[s["denominator"] > 0]
    s["value"] = s["numerator"] / s["denominator"]
    s["time"] = _period_index(s["period_start"], gran)
    s["post"] = (s["period_start"] >= pd.Timestamp(switch)).astype(int)
    frames = []
    for ind, g in s.groupby("indicator", sort=False, observed=True):
        n_pre, n_post = int((g["post"] == 0).sum()), int((g["post"] == 1).sum())
        if n_pre < 3 or n_post < 3:
            raise ValueError(
                f"Interrupted time series for `{ind}` needs at least 3 {gran}s on each side of "
                f"the switch {pd.Timestamp(switch).date()}; it has {n_pre} before and {n_post} "
                "after. Use a finer granularity (compute_indicators(..., granularity='week'))."
            )
        t0 = g.loc[g["post"] == 1, "time"].min()
        frames.append(g.assign(time_since_switch=np.where(g["post"] == 1, g["time"] - t0, 0)))
    out = pd.concat(frames, ignore_index=True)
    out["granularity"] = gran
    return out.sort_values(["indicator", "period_start"]).reset_index(drop=True)


def _its_caution(n: int, dw: float) -> str:
    # Newey-West errors are biased downwards in short series and under strong autocorrelation;
    # in simulations (white noise, 24-52 points) nominal 5 % tests reject 6-17 % of the time,
    # with AR(1) 0.5 noise 20-35 %.
    notes = []
    if n < 100:
        notes.append(f"short series ({n} periods)")
    if dw < 1.5:
        notes.append(f"residuals autocorrelated (Durbin-Watson {dw:.2f})")
    if not notes:
        return ""
    return "; ".join(notes) + ": p-values are optimistic, confirm with the comparison team"


def _newey_west_lags(n: int) -> int:
    # Newey & West (1994) plug-in rule for the Bartlett kernel.
    return int(math.floor(4 * (n / 100) ** (2 / 9)))


def _its_fit(g: pd.DataFrame, maxlags: int | None):
    lags = _newey_west_lags(len(g)) if maxlags is None else int(maxlags)
    fit = smf.ols("value ~ time + post + time_since_switch", data=g).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True
    )
    return fit, lags


def interrupted_time_series(
    data: pd.DataFrame,
    *,
    switch,
    indicators: Sequence[str] | str | None = None,
    teams: Sequence[str] | str | None = None,
    window=None,
    exclude: Sequence[str] | None = None,
    maxlags: int | None = None,
    alpha: float = 0.05,
    correction: str = "holm",
) -> pd.DataFrame:
    """Segmented regression of a team series: level and slope change at the switch.

    Parameters
    ----------
    data : DataFrame
        Indicator table of one granularity (weekly gives more points than monthly), agent or
        team level; each period's value is the ratio of sums over the selected rows.
    switch : date-like
        First day under the new scheme.
    indicators : list of str, optional
        Indicator ids (default: all in ``data``).
    teams : list of str, optional
        Teams whose rows form the series (default: all).
    window : (start, end), optional
        Keep only periods starting in this inclusive window (e.g. leave out a peak season
        before the pre-period that would tilt the pre-switch line).
    exclude : list of str, optional
        Period labels to leave out (holiday weeks, a system outage): the segmented line is
        straight, so one-off dips pull it.
    maxlags : int, optional
        Newey-West lag truncation; default ``floor(4 (n/100)^(2/9))`` (Newey & West 1994).
    alpha : float
        Interval level is ``1 - alpha``; ``significant`` uses ``p_adj < alpha``.
    correction : {"holm", "fdr_bh", "bonferroni", "none"}
        Multiplicity correction of ``effect_p`` across the indicators.

    Returns
    -------
    DataFrame
        One row per indicator: ``indicator``, ``label``, ``direction``, ``granularity``,
        ``n_periods``, ``n_pre``, ``n_post``, ``maxlags``; ``pre_level`` (fitted value at the
        first period) and ``pre_slope`` (change per period before the switch);
        ``level_change``, ``level_change_se``, ``level_change_ci_low/high``,
        ``level_change_p`` (jump at the first post period); ``slope_change`` with ``_se``,
        ``_ci_low/high``, ``_p`` (change of slope per period after the switch);
        ``effect_end``: fitted minus counterfactual at the last period, with ``effect_end_se``,
        ``effect_end_ci_low/high``, ``effect_end_p``, ``p_adj``, ``significant``;
        ``observed_end`` (fitted value at the last period), ``counterfactual_end`` and
        ``rel_effect_end`` (``effect_end / counterfactual_end``); ``durbin_watson`` of the
        residuals (near 2: little autocorrelation left); ``caution``: why the p-values may be
        optimistic (fewer than 100 periods, Durbin-Watson below 1.5), empty otherwise.

    Notes
    -----
    :math:`y_t = \\beta_0 + \\beta_1 t + \\beta_2 P_t + \\beta_3 (t - t_0) P_t + e_t`, with
    :math:`t_0` the first post period, fitted by OLS with Newey-West (HAC, Bartlett kernel)
    standard errors (small-sample corrected by :math:`n/(n-k)`) and a *t* reference
    distribution. Newey-West errors are still too small in short series (simulated rejection
    rates of nominal 5 % tests: 6-17 % for 24-52 white-noise points, 20-35 % with AR(1) 0.5
    noise), hence the ``caution`` column. The counterfactual is
    :math:`\\beta_0 + \\beta_1 t`; the effect at the last period *T* is
    :math:`\\beta_2 + \\beta_3 (T - t_0)` with variance :math:`c^\\top V c`. Periods straddling
    the switch are dropped. Assumes no other change coincided with the switch; a comparison
    team (:func:`difference_in_differences`) guards against that.

    References
    ----------
    Wagner, A. K. et al. (2002). Segmented regression analysis of interrupted time series
    studies in medication use research. *J Clin Pharm Ther*, 27(4).
    Newey, W. K. & West, K. D. (1994). Automatic lag selection in covariance matrix
    estimation. *Rev Econ Stud*, 61(4).
    """
    check_option("correction", correction, list(CORRECTIONS))
    frame = _its_frame(
        data, switch=switch, indicators=indicators, teams=teams, window=window, exclude=exclude
    )
    out = []
    for ind, g in frame.groupby("indicator", sort=False, observed=True):
        fit, lags = _its_fit(g, maxlags)
        ci = fit.conf_int(alpha=alpha)
        t_end = g["time"].max()
        t0 = g.loc[g["post"] == 1, "time"].min()
        c = np.array([0.0, 0.0, 1.0, float(t_end - t0)])
        tt = fit.t_test(c)
        eff, eff_se = float(np.squeeze(tt.effect)), float(np.squeeze(tt.sd))
        eff_lo, eff_hi = np.squeeze(tt.conf_int(alpha=alpha))
        b = fit.params
        cf_end = float(b["Intercept"] + b["time"] * t_end)
        label, direction, _unit = indicator_meta(ind)
        dw = float(sm.stats.durbin_watson(fit.resid))
        out.append(
            {
                "indicator": ind,
                "label": label,
                "direction": direction,
                "granularity": g["granularity"].iloc[0],
                "n_periods": int(len(g)),
                "n_pre": int((g["post"] == 0).sum()),
                "n_post": int((g["post"] == 1).sum()),
                "maxlags": lags,
                "pre_level": float(b["Intercept"] + b["time"] * g["time"].min()),
                "pre_slope": float(b["time"]),
                "level_change": float(b["post"]),
                "level_change_se": float(fit.bse["post"]),
                "level_change_ci_low": float(ci.loc["post", 0]),
                "level_change_ci_high": float(ci.loc["post", 1]),
                "level_change_p": float(fit.pvalues["post"]),
                "slope_change": float(b["time_since_switch"]),
                "slope_change_se": float(fit.bse["time_since_switch"]),
                "slope_change_ci_low": float(ci.loc["time_since_switch", 0]),
                "slope_change_ci_high": float(ci.loc["time_since_switch", 1]),
                "slope_change_p": float(fit.pvalues["time_since_switch"]),
                "effect_end": eff,
                "effect_end_se": eff_se,
                "effect_end_ci_low": float(eff_lo),
                "effect_end_ci_high": float(eff_hi),
                "effect_end_p": float(np.squeeze(tt.pvalue)),
                "observed_end": cf_end + eff,
                "counterfactual_end": cf_end,
                "rel_effect_end": eff / cf_end if cf_end else np.nan,
                "durbin_watson": dw,
                "caution": _its_caution(len(g), dw),
            }
        )
    res = pd.DataFrame(out)
    res["p_adj"] = _adjust(res["effect_end_p"], correction)
    res["significant"] = res["p_adj"] < alpha
    return res


def its_series(
    data: pd.DataFrame,
    *,
    switch,
    indicators: Sequence[str] | str | None = None,
    teams: Sequence[str] | str | None = None,
    window=None,
    exclude: Sequence[str] | None = None,
    maxlags: int | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Observed, fitted and counterfactual series of :func:`interrupted_time_series`, for plotting.

    Parameters
    ----------
    data, switch, indicators, teams, window, exclude, maxlags, alpha
        As in :func:`interrupted_time_series`.

    Returns
    -------
    DataFrame
        ``indicator``, ``label``, ``period``, ``period_start``, ``time``, ``post``,
        ``time_since_switch``, ``observed`` (ratio of sums), ``fitted`` (segmented line),
        ``counterfactual`` (pre-switch line continued), ``counterfactual_ci_low/high``
        (``1 - alpha`` interval of that line, Newey-West covariance).
    """
    frame = _its_frame(
        data, switch=switch, indicators=indicators, teams=teams, window=window, exclude=exclude
    )
    out = []
    for _ind, g in frame.groupby("indicator", sort=False, observed=True):
        fit, _lags = _its_fit(g, maxlags)
        b, V = fit.params, fit.cov_params()
        X = np.column_stack([np.ones(len(g)), g["time"].to_numpy(float)])
        Vc = V.loc[["Intercept", "time"], ["Intercept", "time"]].to_numpy()
        cf = X @ b[["Intercept", "time"]].to_numpy()
        se = np.sqrt(np.einsum("ij,jk,ik->i", X, Vc, X))
        q = stats.t.ppf(1 - alpha / 2, fit.df_resid)
        out.append(
            g.assign(
                observed=g["value"],
                fitted=fit.fittedvalues.to_numpy(),
                counterfactual=cf,
                counterfactual_ci_low=cf - q * se,
                counterfactual_ci_high=cf + q * se,
            )
        )
    res = pd.concat(out, ignore_index=True)
    res["label"] = res["indicator"].map(lambda i: indicator_meta(i)[0])
    cols = [
        "indicator",
        "label",
        "period",
        "period_start",
        "time",
        "post",
        "time_since_switch",
        "observed",
        "fitted",
        "counterfactual",
        "counterfactual_ci_low",
        "counterfactual_ci_high",
    ]
    return res[cols]


# --------------------------------------------------------------------------- case study


def case_study_table(
    comparison: pd.DataFrame,
    *,
    group: str | None = None,
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Measured before/after changes beside the figures the source case study reports.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`period_comparison` (``level="team"`` or ``"pooled"``).
    group : str, optional
        Which ``group`` of ``comparison`` to use; required when it holds more than one.
    figures : DataFrame, optional
        Reported figures with columns ``indicator``, ``check`` (``before``, ``after`` or
        ``rel_change``), ``figure``, ``bound`` (``eq``, ``lt`` or ``gt0``) and
        ``source_text``; default :data:`CASE_STUDY_FIGURES`.

    Returns
    -------
    DataFrame
        One row per reported figure: ``indicator``, ``label``, ``source_text``, ``check``,
        ``figure``, ``bound``, ``measured`` (the measured quantity named by ``check``),
        ``ci_low``, ``ci_high`` (its bootstrap interval), ``value_before``, ``value_after``,
        ``rel_change``, ``rel_change_ci_low``, ``rel_change_ci_high``, ``verdict`` (from
        :func:`period_comparison`) and ``consistent``: True when the reported figure is
        within the interval (``eq``), the interval starts below it (``lt``: "under x") or the
        interval lies above 0 (``gt0``: "up"); missing (NA) when the indicator was not measured.
    """
    figs = CASE_STUDY_FIGURES if figures is None else figures
    need = ["indicator", "check", "figure", "bound", "source_text"]
    missing = [c for c in need if c not in figs.columns]
    if missing:
        raise KeyError(f"`figures` lacks column(s) {missing}; expected {need}.")
    groups = list(pd.unique(comparison["group"]))
    if group is None:
        if len(groups) != 1:
            raise ValueError(
                f"`comparison` holds several groups {groups}; pass `group=` to choose one "
                "(or compare with level='pooled')."
            )
        group = groups[0]
    elif group not in groups:
        raise KeyError(
            "`comparison` has no " + unknown_name_message("group", group, map(str, groups))
        )
    comp = comparison[comparison["group"] == group].set_index("indicator")
    cols = {
        "before": ("value_before", "value_before_ci_low", "value_before_ci_high"),
        "after": ("value_after", "value_after_ci_low", "value_after_ci_high"),
        "rel_change": ("rel_change", "rel_change_ci_low", "rel_change_ci_high"),
    }
    out = []
    for f in figs.itertuples(index=False):
        check_option("check", f.check, list(cols))
        check_option("bound", f.bound, ["eq", "lt", "gt0"])
        row = {
            "indicator": f.indicator,
            "label": indicator_meta(f.indicator)[0],
            "source_text": f.source_text,
            "check": f.check,
            "figure": f.figure,
            "bound": f.bound,
        }
        if f.indicator in comp.index:
            r = comp.loc[f.indicator]
            m, lo, hi = (float(r[c]) for c in cols[f.check])
            if f.bound == "eq":
                ok = lo <= f.figure <= hi
            elif f.bound == "lt":
                ok = lo < f.figure
            else:
                ok = lo > 0
            row |= {
                "measured": m,
                "ci_low": lo,
                "ci_high": hi,
                "value_before": r["value_before"],
                "value_after": r["value_after"],
                "rel_change": r["rel_change"],
                "rel_change_ci_low": r["rel_change_ci_low"],
                "rel_change_ci_high": r["rel_change_ci_high"],
                "verdict": r["verdict"],
                "consistent": bool(ok) if np.isfinite(lo) else pd.NA,
            }
        else:
            row |= {"verdict": "not measured", "consistent": pd.NA}
        out.append(row)
    cols_out = [
        "indicator",
        "label",
        "source_text",
        "check",
        "figure",
        "bound",
        "measured",
        "ci_low",
        "ci_high",
        "value_before",
        "value_after",
        "rel_change",
        "rel_change_ci_low",
        "rel_change_ci_high",
        "verdict",
        "consistent",
    ]
    return pd.DataFrame(out).reindex(columns=cols_out)


def planted_setup(path) -> dict:
    """Switch date and team roles recorded by the synthetic generator in ``PLANTED.json``.

    Parameters
    ----------
    path : str or Path
        Dataset folder (relative paths resolve against the project root).

    Returns
    -------
    dict
        ``switch`` (Timestamp), ``treated`` and ``comparison`` (lists of team ids),
        ``phase_in_days`` (int, 0 when not recorded).
    """
    from kpi_lib.paths import resolve

    file = resolve(path) / "PLANTED.json"
    if not file.is_file():
        raise FileNotFoundError(
            f"{file} does not exist: only synthetic datasets record their scheme change; pass "
            "the switch date and the treated/comparison teams explicitly."
        )
    change = json.loads(file.read_text(encoding="utf-8")).get("scheme_change")
    if not change:
        raise ValueError(f"{file} records no scheme change (`scheme_change` is empty).")
    return {
        "switch": pd.Timestamp(change["date"]),
        "treated": [str(t) for t in change["treated_teams"]],
        "comparison": [str(t) for t in change.get("comparison_teams", [])],
        "phase_in_days": int(change.get("phase_in_days", 0)),
    }


def ensure_case_study_dataset(
    path, *, preset: str = "case_study", seed: int = 7, **options
) -> Path:
    """The dataset folder at ``path``, generated with the synthetic ``preset`` if it is absent.

    Parameters
    ----------
    path : str or Path
        Dataset folder (relative paths resolve against the project root). Used as is when it
        already holds a ``calls`` table.
    preset : str
        Preset of :func:`kpi_lib.data.synth.generate` (``case_study``: two treated teams and
        one comparison team that keeps the old scheme). Empty: never generate; a missing
        folder is an error.
    seed : int
        Generator seed.
    **options
        Further keyword arguments of :func:`kpi_lib.data.synth.generate` (e.g.
        ``scheme_change="2026-04-01"``, ``months=12``).

    Returns
    -------
    Path
        The absolute dataset folder.
    """
    from kpi_lib.paths import resolve

    folder = resolve(path)
    if folder.is_dir() and any(folder.glob("calls.*")):
        return folder
    if not preset:
        raise FileNotFoundError(
            f"Dataset folder {folder} does not exist or has no calls table; pass a synthetic "
            "preset (e.g. 'case_study') to generate it there."
        )
    from kpi_lib.data import synth

    synth.generate(folder, preset=preset, seed=seed, **options)
    return folder


def _given(x) -> bool:
    if x is None:
        return False
    if isinstance(x, str):
        return x.strip() != ""
    return len(x) > 0


def study_setup(
    path,
    *,
    switch=None,
    treated: Sequence[str] | None = None,
    comparison: Sequence[str] | None = None,
    before=None,
    after=None,
    its_window=None,
    before_months: int = 3,
    after_months: int = 3,
    skip_months: int = 1,
) -> dict:
    """Switch date, teams and windows of a before/after study; what is not given comes from
    the dataset's ``PLANTED.json`` and :func:`windows_around`.

    Empty strings and empty lists count as "not given", so notebook parameters can default
    to them.

    Parameters
    ----------
    path : str or Path
        Dataset folder.
    switch : date-like, optional
        First day under the new scheme.
    treated, comparison : list of str, optional
        Teams that switched / kept the old scheme.
    before, after : (start, end), optional
        Inclusive windows; default :func:`windows_around` with the month counts below.
    its_window : (start, end), optional
        Window of the interrupted time series (default: the whole series).
    before_months, after_months, skip_months : int
        Passed to :func:`windows_around` when a window is not given (``skip_months=1`` leaves
        out the first month after the switch, while the new habits settle).

    Returns
    -------
    dict
        ``switch`` (Timestamp), ``treated``, ``comparison`` (lists), ``before``, ``after``
        (pairs of Timestamps), ``its_window`` (pair or None), ``before_last`` and
        ``after_last`` (labels ``YYYY-MM`` of the last month of each window, for re-scoring)
        and ``source`` (``given`` or the PLANTED.json path, for what was filled in).
    """
    need_planted = not (_given(switch) and _given(treated))
    planted = planted_setup(path) if need_planted else {}
    out = {
        "switch": pd.Timestamp(switch) if _given(switch) else planted["switch"],
        "treated": _as_list(treated, "treated") if _given(treated) else planted["treated"],
        "comparison": (
            _as_list(comparison, "comparison")
            if _given(comparison)
            else planted.get("comparison", [])
        ),
    }
    auto = windows_around(
        out["switch"],
        before_months=before_months,
        after_months=after_months,
        skip_months=skip_months,
    )
    for name, w in (("before", before), ("after", after)):
        out[name] = _window(w, name) if w is not None and all(map(_given, w)) else auto[name]
    out["its_window"] = (
        _window(its_window, "its_window")
        if its_window is not None and all(map(_given, its_window))
        else None
    )
    out["before_last"] = out["before"][1].strftime("%Y-%m")
    out["after_last"] = out["after"][1].strftime("%Y-%m")
    out["source"] = "given" if not need_planted else "PLANTED.json"
    return out


def indicator_table(
    path,
    *,
    indicators: Sequence[str] | str,
    granularity: str = "month",
    schemes: Sequence = (),
    level: str = "agent",
) -> pd.DataFrame:
    """Indicator table for a study: the requested ids (derived ones included) plus every
    indicator the given schemes weight.

    Parameters
    ----------
    path : str or Path
        Dataset folder.
    indicators : list of str
        Catalogue ids or :data:`DERIVED` ids.
    granularity : {"week", "month", "quarter", "year"}
        Period length.
    schemes : list of Scheme or str
        Schemes whose indicators are added (for :func:`rescore_under_schemes`).
    level : {"agent", "team"}
        Passed to :func:`kpi_lib.indicators.engine.compute_indicators`.

    Returns
    -------
    DataFrame
        The indicator table of :func:`kpi_lib.indicators.engine.compute_indicators` with the
        derived indicators appended (:func:`add_derived_indicator`).
    """
    from kpi_lib.indicators.engine import compute_indicators
    from kpi_lib.paths import resolve

    wanted = _as_list(indicators, "indicators")
    ids: list[str] = []
    for ind in wanted:
        srcs = [DERIVED[ind][0][0], DERIVED[ind][1][0]] if ind in DERIVED else [ind]
        ids += [i for i in srcs if i not in ids]
    if schemes:
        from kpi_lib.scoring.schemes import load_scheme

        for s in schemes:
            ids += [i for i in load_scheme(s).indicator_ids if i not in ids]
    table = compute_indicators(
        str(resolve(path)), granularity=granularity, level=level, indicators=ids
    )
    for ind in wanted:
        if ind in DERIVED:
            table = add_derived_indicator(table, indicator=ind)
    return table


# --------------------------------------------------------------------------- re-scoring


def rescore_under_schemes(
    data: pd.DataFrame,
    *,
    old="case_before",
    new="case_after",
    periods: Sequence[str] | str | None = None,
    teams: Sequence[str] | str | None = None,
    cycle: str = "monthly",
    targets: pd.DataFrame | None = None,
    bonus_pool: float = 10_000.0,
    reward_tiers: Sequence[str] = ("A",),
    pip_tiers: Sequence[str] = ("D",),
    pip_min_count: int = 2,
    pip_window: int = 3,
    changed_only: bool = False,
) -> pd.DataFrame:
    """Score the same periods under the old and the new scheme: who is rewarded, who gets a PIP.

    Parameters
    ----------
    data : DataFrame
        Agent-level indicator table holding every indicator either scheme weights (and the
        periods before ``periods`` that the PIP rule looks back over).
    old, new : Scheme or str
        Schemes or their names (``params/schemes/<name>.yaml``).
    periods : str or list of str, optional
        Period labels to report (default: the latest). Scores are normalised over every period
        in ``data``, so they are comparable across periods.
    teams : list of str, optional
        Keep only these teams (rank among them).
    cycle : {"monthly", "quarterly", "annual"}
        Scoring cycle (see :func:`kpi_lib.scoring.composite.score`).
    targets : DataFrame, optional
        Targets table used by both schemes (default: each scheme's own targets, or derived from
        history where it has none).
    bonus_pool : float
        Pool split by :func:`kpi_lib.scoring.decisions.bonus_allocation` in each period.
    reward_tiers : list of str
        Tiers counted as "rewarded" (default the top tier ``A``).
    pip_tiers, pip_min_count, pip_window
        PIP rule of :func:`kpi_lib.scoring.decisions.pip_candidates`: in ``pip_tiers`` in
        ``pip_min_count`` of the last ``pip_window`` periods.
    changed_only : bool
        Keep only agents whose reward or PIP status differs between the schemes.

    Returns
    -------
    DataFrame
        One row per agent and reported period: ``agent_id``, ``team_id``, ``period``,
        ``old_scheme``, ``new_scheme``; for each scheme (suffix ``_old`` / ``_new``):
        ``composite``, ``rank`` (1 = best), ``tier``, ``bonus`` (share of ``bonus_pool``),
        ``rewarded`` (tier in ``reward_tiers``), ``pip`` (meets the PIP rule as of the period);
        ``rank_change`` (``rank_old - rank_new``: positive = moves up under the new scheme),
        ``bonus_change`` (``bonus_new - bonus_old``) and ``decision_change``: what the switch
        changes for the agent (``rewarded only under new``, ``rewarded only under old``,
        ``PIP only under new``, ``PIP only under old``, joined by ``; ``; empty when nothing).

    Notes
    -----
    Each scheme is scored with :func:`kpi_lib.scoring.composite.score` (its own
    normalisation, targets, gates and tiers), not only re-weighted: the switch changes all of
    these. For a weights-only comparison on a common score matrix see
    :func:`kpi_lib.analyses.sensitivity.compare_schemes`.
    """
    from kpi_lib.scoring import decisions
    from kpi_lib.scoring.composite import score
    from kpi_lib.scoring.schemes import load_scheme

    check_option("cycle", cycle, ["monthly", "quarterly", "annual"])
    if "agent_id" not in data.columns:
        raise KeyError("rescore_under_schemes needs the agent-level indicator table (`agent_id`).")
    rows = data
    team_list = _as_list(teams, "teams")
    if team_list:
        known = set(data["team_id"].astype(str))
        for t in team_list:
            if t not in known:
                raise KeyError(
                    "The indicator table has no rows for " + unknown_name_message("team", t, known)
                )
        rows = data[data["team_id"].astype(str).isin(team_list)]
    schemes = {"old": load_scheme(old), "new": load_scheme(new)}
    cards = {k: score(rows, s, targets=targets, cycle=cycle) for k, s in schemes.items()}
    available = cards["old"].periods
    wanted = _as_list(periods, "periods") or [available[-1]]
    for p in wanted:
        if p not in available:
            raise KeyError("The scorecard has no " + unknown_name_message("period", p, available))
    parts = {}
    for k, card in cards.items():
        frames = []
        for p in wanted:
            a = card.agents[card.agents["period"].astype(str) == p][
                ["agent_id", "team_id", "period", "composite", "rank", "tier"]
            ]
            bonus = decisions.bonus_allocation(card, pool=bonus_pool, period=p)
            pip = decisions.pip_candidates(
                card,
                bottom_tiers=tuple(pip_tiers),
                min_count=pip_min_count,
                window=pip_window,
                as_of=p,
            )
            a = a.merge(bonus[["agent_id", "bonus"]], on="agent_id", how="left")
            a["rewarded"] = a["tier"].isin(list(reward_tiers))
            a["pip"] = a["agent_id"].isin(pip["agent_id"])
            frames.append(a)
        parts[k] = pd.concat(frames, ignore_index=True)
    out = parts["old"].merge(
        parts["new"].drop(columns="team_id"),
        on=["agent_id", "period"],
        how="outer",
        suffixes=("_old", "_new"),
    )
    out["team_id"] = out["team_id"].fillna(
        out["agent_id"].map(
            parts["new"].drop_duplicates("agent_id").set_index("agent_id")["team_id"]
        )
    )
    out.insert(3, "old_scheme", schemes["old"].name)
    out.insert(4, "new_scheme", schemes["new"].name)
    for col in ("rewarded_old", "rewarded_new", "pip_old", "pip_new"):
        out[col] = out[col].fillna(False).astype(bool)
    out["rank_change"] = out["rank_old"] - out["rank_new"]
    out["bonus_change"] = out["bonus_new"] - out["bonus_old"]
    flags = {
        "rewarded only under new": out["rewarded_new"] & ~out["rewarded_old"],
        "rewarded only under old": out["rewarded_old"] & ~out["rewarded_new"],
        "PIP only under new": out["pip_new"] & ~out["pip_old"],
        "PIP only under old": out["pip_old"] & ~out["pip_new"],
    }
    out["decision_change"] = [
        "; ".join(name for name, v in zip(flags, row, strict=True) if v)
        for row in pd.DataFrame(flags).to_numpy()
    ]
    cols = ["agent_id", "team_id", "period", "old_scheme", "new_scheme"]
    cols += [
        f"{c}_{k}"
        for k in ("old", "new")
        for c in ("composite", "rank", "tier", "bonus", "rewarded", "pip")
    ]
    cols += ["rank_change", "bonus_change", "decision_change"]
    if changed_only:
        out = out[out["decision_change"] != ""]
    return (
        out[cols]
        .sort_values(["period", "rank_new", "agent_id"], na_position="last")
        .reset_index(drop=True)
    )
