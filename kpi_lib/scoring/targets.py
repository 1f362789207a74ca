"""Targets: where they come from, whether they are attainable, and weekly progress against them.

A *targets frame* has one row per target with columns ``scope`` (``agent``, ``team`` or ``all``),
``scope_id`` (agent or team id; empty for ``all``), ``period`` (label such as ``2026-10``; empty
= every period), ``indicator``, ``target``, ``threshold`` (minimum acceptable, optional),
``stretch`` (value at which credit stops, optional) and ``source`` (``table``, ``scheme``,
``history``). :func:`attach_targets` puts the most specific matching target on each indicator
row: agent before team before all, a given period before every period, and among equals the
earlier frame passed. A team's target for a count or an amount is the team's total: it is
never an agent's target (rates and averages of a team do apply to its agents).

Quarter and year targets are rolled up from monthly ones (:func:`roll_up_targets`): each
agent's own months only. When some months of the period have no target the rolled-up target is
*partial* (it covers only those months); :func:`partial_targets` lists such targets so that a
review can say so.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.data.contract import TIME_COLUMNS
from kpi_lib.indicators.periods import (
    parse_period,
    period_bounds,
    period_label,
    period_order,
    working_days_between,
)
from kpi_lib.scoring.schemes import Scheme, catalogue_info, load_scheme

__all__ = [
    "TARGET_COLUMNS",
    "attach_targets",
    "attainability",
    "indicators_to_date",
    "targets_from_dataset",
    "combine_targets",
    "direction_of",
    "lights",
    "partial_targets",
    "period_targets",
    "progress_board",
    "prorate",
    "roll_up_targets",
    "targets_from_history",
    "targets_from_scheme",
    "targets_from_table",
]

TARGET_COLUMNS = [
    "scope",
    "scope_id",
    "period",
    "indicator",
    "target",
    "threshold",
    "stretch",
    "source",
]
_SPECIFICITY = {
    ("agent", True): 0,
    ("agent", False): 1,
    ("team", True): 2,
    ("team", False): 3,
    ("all", True): 4,
    ("all", False): 5,
}


def _empty_targets() -> pd.DataFrame:
    return pd.DataFrame(
        {
            c: pd.Series(dtype=float if c in ("target", "threshold", "stretch") else "str")
            for c in TARGET_COLUMNS
        }
    )


def direction_of(indicators, directions: dict | None = None) -> pd.Series:
    """``higher`` / ``lower`` for each indicator id: ``directions`` overrides the catalogue;
    ids found in neither are ``higher``."""
    ids = pd.Index(pd.unique(pd.Series(list(indicators), dtype="str")))
    cat = catalogue_info().set_index("indicator")["direction"]
    out = pd.Series("higher", index=ids, dtype="str")
    known = ids.intersection(cat.index)
    out[known] = cat[known].astype(str)
    for k, v in (directions or {}).items():
        check_option(f"directions[{k!r}]", v, ["higher", "lower"])
        if k in out.index:
            out[k] = v
    return out


def targets_from_table(dataset_targets: pd.DataFrame) -> pd.DataFrame:
    """Targets from the dataset's ``targets`` table.

    Returns
    -------
    DataFrame
        Columns of :data:`TARGET_COLUMNS`; ``source`` is ``table``.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.scoring import targets_from_table
    >>> targets = targets_from_table(load_sample()["targets"])
    >>> targets.head(3)
       scope scope_id   period     indicator   target  threshold  stretch source
    0  agent    A0001  2025-11  sales_amount  44440.0    31108.0  57772.0  table
    1  agent    A0002  2025-11  sales_amount  44440.0    31108.0  57772.0  table
    2  agent    A0001  2025-11         dials    514.0      359.8    668.2  table
    >>> sorted(targets["indicator"].unique())
    ['dials', 'effective_calls', 'sales_amount', 'satisfaction_rate']
    """
    if dataset_targets is None or len(dataset_targets) == 0:
        return _empty_targets()
    missing = {"period", "scope", "scope_id", "indicator", "target"} - set(dataset_targets.columns)
    if missing:
        raise KeyError(f"Table `targets` lacks columns {sorted(missing)}.")
    out = dataset_targets.copy()
    for c in ("threshold", "stretch"):
        if c not in out:
            out[c] = np.nan
    out["source"] = "table"
    out["period"] = out["period"].astype("str")
    out["scope_id"] = out["scope_id"].astype("str")
    return out[TARGET_COLUMNS].reset_index(drop=True)


def targets_from_scheme(scheme: Scheme | str) -> pd.DataFrame:
    """Targets written in the scheme file (scope ``all``, every period).

    Returns
    -------
    DataFrame
        Columns of :data:`TARGET_COLUMNS`; ``source`` is ``scheme``.
    """
    scheme = load_scheme(scheme)
    rows = [
        {
            "scope": "all",
            "scope_id": "",
            "period": "",
            "indicator": ind,
            "target": t.get("target", np.nan),
            "threshold": t.get("threshold", np.nan),
            "stretch": t.get("stretch", np.nan),
            "source": "scheme",
        }
        for ind, t in scheme.targets.items()
    ]
    return pd.DataFrame(rows, columns=TARGET_COLUMNS) if rows else _empty_targets()


def targets_from_history(
    indicators: pd.DataFrame,
    *,
    statistic: str = "median",
    uplift: float = 0.05,
    lookback: int = 3,
    by: str = "all",
    directions: dict | None = None,
) -> pd.DataFrame:
    """Targets derived from history: the statistic of the previous ``lookback`` periods plus an
    uplift.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table (agent level, one granularity).
    statistic : {"median", "mean", "p75"}
        Taken over the agent-period values of the look-back window.
    uplift : float
        Relative improvement asked for: ``x (1 + uplift)`` when higher is better,
        ``x (1 - uplift)`` when lower is better.
    lookback : int
        Number of previous periods in the window. The first period has no history and gets
        no target.
    by : {"all", "team"}
        One target for everybody, or one per team.

    Returns
    -------
    DataFrame
        Columns of :data:`TARGET_COLUMNS`, one row per period (with history), scope and
        indicator; ``source`` is ``history``; ``threshold`` and ``stretch`` are empty.
    """
    check_option("statistic", statistic, ["median", "mean", "p75"])
    check_option("by", by, ["all", "team"])
    if lookback < 1:
        raise ValueError(f"`lookback` must be >= 1, got {lookback}.")
    order = period_order(indicators)
    dirs = direction_of(indicators["indicator"].unique(), directions)
    keys = ["indicator"] + (["team_id"] if by == "team" else [])
    rows = []
    for k, period in enumerate(order):
        if k == 0:
            continue
        window = indicators[indicators["period"].astype(str).isin(order[max(0, k - lookback) : k])]
        g = window.groupby(keys, observed=True)["value"]
        stat = g.quantile(0.75) if statistic == "p75" else g.agg(statistic)
        for key, val in stat.items():
            ind = key if by == "all" else key[0]
            sign = 1 if dirs.get(ind, "higher") == "higher" else -1
            rows.append(
                {
                    "scope": by,
                    "scope_id": "" if by == "all" else str(key[1]),
                    "period": period,
                    "indicator": ind,
                    "target": val * (1 + sign * uplift),
                    "threshold": np.nan,
                    "stretch": np.nan,
                    "source": "history",
                }
            )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS) if rows else _empty_targets()


def combine_targets(*frames: pd.DataFrame | None) -> pd.DataFrame:
    """Stack targets frames; among equally specific matches the earlier frame wins."""
    frames = [f for f in frames if f is not None and len(f)]
    if not frames:
        return _empty_targets()
    out = []
    for k, f in enumerate(frames):
        f = f.copy()
        for c in TARGET_COLUMNS:
            if c not in f:
                f[c] = np.nan if c in ("target", "threshold", "stretch") else ""
        f["_frame"] = k
        out.append(f)
    return pd.concat(out, ignore_index=True)


def _monthly_rows(targets: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """The month-labelled rows of ``targets`` with the ``coarse`` period each falls in."""
    t = targets[targets["period"].fillna("").astype(str) != ""].copy()
    grans = t["period"].astype(str).map(lambda x: parse_period(x).granularity)
    t = t[grans == "month"]
    starts = pd.to_datetime(t["period"].astype(str) + "-01")
    t["coarse"] = [period_label(ts, granularity) for ts in starts]
    return t


def roll_up_targets(targets: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """Quarter or year targets built from each scope's own monthly targets.

    A quarterly or annual scorecard needs targets for ``2026-Q3`` or ``2026``; most teams set
    them per month. Counts and amounts add up (the quarter's sales target is the sum of its
    months'); rates and averages take the mean of the months. Each agent (team, or everybody)
    gets the roll-up of its *own* months only: an agent who joined in the quarter's last month
    is measured against that month's target, never against a team's. When some months have no
    target the roll-up covers only the months that do and its ``source`` says so
    (``table (rolled up, 1 of 3 months)``; :func:`partial_targets` lists them). Periods the
    targets already name are never rolled up.

    Returns
    -------
    DataFrame
        The rolled-up rows (same columns as ``targets``); ``source`` is suffixed
        ``(rolled up)``, or ``(rolled up, k of n months)`` when partial.
    """
    if granularity not in ("quarter", "year") or targets is None or not len(targets):
        return targets.iloc[0:0] if targets is not None else _empty_targets()
    t = _monthly_rows(targets, granularity)
    if not len(t):
        return targets.iloc[0:0]
    months = 3 if granularity == "quarter" else 12
    keys = ["scope", "scope_id", "indicator", "coarse"]
    additive = _is_additive(t["indicator"].unique())
    agg = (
        t.groupby(keys, dropna=False)
        .agg(
            n=("period", "nunique"),
            target_sum=("target", "sum"),
            target_mean=("target", "mean"),
            threshold_sum=("threshold", lambda x: x.sum(min_count=len(x))),
            threshold_mean=("threshold", "mean"),
            stretch_sum=("stretch", lambda x: x.sum(min_count=len(x))),
            stretch_mean=("stretch", "mean"),
            source=("source", "first"),
        )
        .reset_index()
    )
    add = agg["indicator"].map(additive).fillna(False).astype(bool).to_numpy()
    suffix = np.where(
        agg["n"] < months,
        " (rolled up, " + agg["n"].astype(str) + f" of {months} months)",
        " (rolled up)",
    )
    out = pd.DataFrame(
        {
            "scope": agg["scope"],
            "scope_id": agg["scope_id"],
            "period": agg["coarse"],
            "indicator": agg["indicator"],
            "target": np.where(add, agg["target_sum"], agg["target_mean"]),
            "threshold": np.where(add, agg["threshold_sum"], agg["threshold_mean"]),
            "stretch": np.where(add, agg["stretch_sum"], agg["stretch_mean"]),
            "source": agg["source"].astype(str) + suffix,
        }
    )
    named = set(
        zip(
            targets["scope"],
            targets["scope_id"],
            targets["indicator"],
            targets["period"].astype(str),
            strict=False,
        )
    )
    keep = [
        (s, i, ind, per) not in named
        for s, i, ind, per in zip(
            out["scope"], out["scope_id"], out["indicator"], out["period"], strict=False
        )
    ]
    extra = [c for c in targets.columns if c not in out.columns]
    for c in extra:
        out[c] = targets[c].iloc[0] if c == "_frame" and len(targets) else np.nan
    return out.loc[np.asarray(keep, dtype=bool), list(targets.columns)].reset_index(drop=True)


def partial_targets(
    targets: pd.DataFrame | None, granularity: str, *, periods=None, scope: str | None = None
) -> pd.DataFrame:
    """Quarter or year targets that :func:`roll_up_targets` builds from only some months.

    Parameters
    ----------
    targets : DataFrame
        Targets frame with monthly rows.
    granularity : {"quarter", "year"}
    periods : list of str, optional
        Keep these coarse periods only.
    scope : {"agent", "team", "all"}, optional
        Keep this scope only.

    Returns
    -------
    DataFrame
        One row per partial target: ``scope``, ``scope_id``, ``period``, ``indicator``,
        ``months`` (months with a target, e.g. ``2026-09``), ``n_months`` and
        ``months_in_period`` (3 or 12). Empty for other granularities.

    Examples
    --------
    >>> t = pd.DataFrame({"scope": "agent", "scope_id": "A1", "period": ["2026-09"],
    ...                   "indicator": "sales_amount", "target": [100.0]})
    >>> partial_targets(t, "quarter")[["scope_id", "period", "months", "n_months"]]
      scope_id   period   months  n_months
    0       A1  2026-Q3  2026-09         1
    """
    cols = ["scope", "scope_id", "period", "indicator", "months", "n_months", "months_in_period"]
    if granularity not in ("quarter", "year") or targets is None or not len(targets):
        return pd.DataFrame(columns=cols)
    t = _monthly_rows(targets, granularity)
    if scope is not None:
        t = t[t["scope"].astype(str) == scope]
    if periods is not None:
        t = t[t["coarse"].isin([str(p) for p in periods])]
    months = 3 if granularity == "quarter" else 12
    named = set(
        zip(targets["scope"], targets["scope_id"], targets["period"].astype(str), strict=False)
    )
    g = (
        t.groupby(["scope", "scope_id", "coarse", "indicator"], dropna=False)["period"]
        .agg(lambda x: ", ".join(sorted(set(x.astype(str)))))
        .reset_index(name="months")
    )
    g["n_months"] = g["months"].str.count(",") + 1
    g["months_in_period"] = months
    g = g.rename(columns={"coarse": "period"})
    given = [
        (s, i, p) in named for s, i, p in zip(g["scope"], g["scope_id"], g["period"], strict=False)
    ]
    g = g[(g["n_months"] < months) & ~np.asarray(given, dtype=bool)]
    return g[cols].reset_index(drop=True)


def period_targets(
    targets: pd.DataFrame, *, period: str, as_of=None, calendar=None
) -> pd.DataFrame:
    """The targets that apply to ``period``, pro-rated to ``as_of`` and labelled with it.

    For scoring a period to date (the weekly review's month to date, and the same working days
    of the month before): every target that applies to ``period`` (its own or an every-period
    one, most specific first) becomes a ``period`` target pro-rated by :func:`prorate`, so it
    wins over the full-period targets it is combined with.

    Returns
    -------
    DataFrame
        Columns of ``targets`` (``period`` set to ``period``; ``target``, ``threshold`` and
        ``stretch`` pro-rated for counts and amounts).
    """
    if targets is None or not len(targets):
        return _empty_targets()
    t = targets[targets["period"].fillna("").astype(str).isin(["", str(period)])].copy()
    t["_every"] = t["period"].fillna("").astype(str) == ""
    order = ["_every"] + (["_frame"] if "_frame" in t else [])
    t = t.sort_values(order, kind="stable").drop_duplicates(["scope", "scope_id", "indicator"])
    t = t.drop(columns="_every")
    t["period"] = str(period)
    pro = prorate(t, period=period, as_of=as_of, calendar=calendar)
    return pro[list(t.columns)].reset_index(drop=True)


def attach_targets(indicators: pd.DataFrame, targets: pd.DataFrame | None) -> pd.DataFrame:
    """Add ``target``, ``threshold``, ``stretch`` and ``target_source`` to each indicator row.

    The most specific target wins: agent, then team, then all; a period-specific target before
    an every-period one; among equals, the frame passed first to :func:`combine_targets`.
    On agent rows, a team target applies only to rates and averages (a team's count or amount
    target is the team's total). Quarter and year rows also get the roll-ups of monthly
    targets (:func:`roll_up_targets`). Rows without any target get NaN.
    """
    out = indicators.copy()
    for c in ("target", "threshold", "stretch"):
        out = out.drop(columns=c, errors="ignore")
    out = out.drop(columns="target_source", errors="ignore")
    out["_row"] = np.arange(len(out))
    if targets is None or len(targets) == 0:
        for c in ("target", "threshold", "stretch"):
            out[c] = np.nan
        out["target_source"] = ""
        return out.drop(columns="_row")
    t = targets.copy()
    if "_frame" not in t:
        t["_frame"] = 0
    for c in ("threshold", "stretch"):
        if c not in t:
            t[c] = np.nan
    if "source" not in t:
        t["source"] = "given"
    if "scope" not in t:
        t["scope"] = "all"
    if "scope_id" not in t:
        t["scope_id"] = ""
    if "period" not in t:
        t["period"] = ""
    t["scope"] = t["scope"].astype(str)
    t["scope_id"] = t["scope_id"].fillna("").astype(str)
    t["period"] = t["period"].fillna("").astype(str)
    bad = set(t["scope"]) - {"agent", "team", "all"}
    if bad:
        raise ValueError(f"targets: `scope` must be agent, team or all; got {sorted(bad)}.")
    if "granularity" in out:
        for gran in sorted(set(out["granularity"].astype(str)) & {"quarter", "year"}):
            t = pd.concat([t, roll_up_targets(t, gran)], ignore_index=True)
    cand = []
    base = out[["_row", "indicator", "period"] + [c for c in ("agent_id", "team_id") if c in out]]
    base = base.assign(period=base["period"].astype(str))
    for scope, col in (("agent", "agent_id"), ("team", "team_id"), ("all", None)):
        ts = t[t["scope"] == scope]
        if scope == "team" and "agent_id" in base and len(ts):
            # a team's count or amount target is the team's total, never an agent's target
            ts = ts[~ts["indicator"].map(_is_additive(ts["indicator"])).astype(bool)]
        if not len(ts) or (col is not None and col not in base):
            continue
        for specific in (True, False):
            tp = ts[(ts["period"] != "") == specific]
            if not len(tp):
                continue
            left_on = ["indicator"] + (["period"] if specific else []) + ([col] if col else [])
            right = tp.rename(columns={"scope_id": col} if col else {})
            right_on = ["indicator"] + (["period"] if specific else []) + ([col] if col else [])
            left = base.copy()
            if col:
                left[col] = left[col].astype(str)
            m = left.merge(
                right[right_on + ["target", "threshold", "stretch", "source", "_frame"]],
                left_on=left_on,
                right_on=right_on,
                how="inner",
            )
            m["_spec"] = _SPECIFICITY[(scope, specific)]
            cand.append(m[["_row", "target", "threshold", "stretch", "source", "_frame", "_spec"]])
    if cand:
        c = pd.concat(cand, ignore_index=True).sort_values(["_row", "_spec", "_frame"])
        c = c.drop_duplicates("_row").rename(columns={"source": "target_source"})
        out = out.merge(c.drop(columns=["_frame", "_spec"]), on="_row", how="left")
    else:
        for col in ("target", "threshold", "stretch"):
            out[col] = np.nan
        out["target_source"] = ""
    out["target_source"] = out["target_source"].fillna("").astype(str)
    return out.sort_values("_row").drop(columns="_row").reset_index(drop=True)


def reached(value, target, direction) -> np.ndarray:
    """Whether each value reached its target in its good direction (NaN-safe: False)."""
    value = np.asarray(value, dtype=float)
    target = np.asarray(target, dtype=float)
    lower = np.asarray(direction) == "lower"
    with np.errstate(invalid="ignore"):
        return (
            np.where(lower, value <= target, value >= target) & ~np.isnan(value) & ~np.isnan(target)
        )


def attainability(
    indicators: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    history: pd.DataFrame | None = None,
    unreachable: float = 0.05,
    stretch_share: float = 0.20,
    easy: float = 0.90,
    fabrication_ratio: float = 2.5,
    directions: dict | None = None,
) -> pd.DataFrame:
    """For each indicator with a target, how often agents have reached it.

    The share is taken over the agent-periods of ``history`` (default: ``indicators`` itself),
    each compared with the target that applies to it (or, for history periods without a target
    of their own, with the indicator's median target).

    Parameters
    ----------
    indicators : DataFrame
        Indicator table whose targets are being checked.
    targets : DataFrame
        Targets frame.
    history : DataFrame, optional
        Indicator table of earlier periods to test the targets against.
    unreachable, stretch_share, easy : float
        Share-reached limits for the flags (see Returns).
    fabrication_ratio : float
        Target / historical median beyond which a target invites fabrication (source 003:
        historical conversion 10 %, a 15 % target is a stretch, 30 % invites fabrication).

    Returns
    -------
    DataFrame
        One row per indicator: ``indicator``, ``direction``, ``target`` (median target applied),
        ``historical_median``, ``target_ratio`` (target / historical median),
        ``agent_periods`` (with a value and a target), ``share_reached``, ``flag``
        (a code: ``unreachable``, ``invites_fabrication``, ``stretch``, ``attainable``,
        ``too_easy``; the report words it).
    """
    hist = indicators if history is None else history
    att = attach_targets(hist, targets)
    med_target = attach_targets(indicators, targets).groupby("indicator")["target"].median()
    att["target"] = att["target"].fillna(att["indicator"].map(med_target).astype(float))
    att = att[att["value"].notna() & att["target"].notna()]
    dirs = direction_of(att["indicator"].unique(), directions)
    att = att.assign(direction=att["indicator"].map(dirs))
    att["reached"] = reached(att["value"], att["target"], att["direction"])
    rows = []
    for ind, g in att.groupby("indicator", sort=True):
        share = float(g["reached"].mean())
        hmed = float(g["value"].median())
        tgt = float(med_target.get(ind, g["target"].median()))
        ratio = tgt / hmed if hmed else np.nan
        bad_ratio = (
            ratio if g["direction"].iloc[0] == "higher" else (1 / ratio if ratio else np.nan)
        )
        if share < unreachable:
            flag = "unreachable"
        elif np.isfinite(bad_ratio) and bad_ratio >= fabrication_ratio:
            flag = "invites_fabrication"
        elif share < stretch_share:
            flag = "stretch"
        elif share > easy:
            flag = "too_easy"
        else:
            flag = "attainable"
        rows.append(
            {
                "indicator": ind,
                "direction": g["direction"].iloc[0],
                "target": tgt,
                "historical_median": hmed,
                "target_ratio": ratio,
                "agent_periods": len(g),
                "share_reached": share,
                "flag": flag,
            }
        )
    cols = [
        "indicator",
        "direction",
        "target",
        "historical_median",
        "target_ratio",
        "agent_periods",
        "share_reached",
        "flag",
    ]
    return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------------------------
# periods and weekly progress


def _is_additive(ids) -> pd.Series:
    cat = catalogue_info().set_index("indicator")
    ids = pd.Index(pd.unique(pd.Series(list(ids), dtype="str")))
    out = pd.Series(True, index=ids)
    known = ids.intersection(cat.index)
    out[known] = ~cat.loc[known, "ratio"].astype(bool)
    return out


def resolve_as_of(period: str, as_of) -> pd.Timestamp:
    """The board date: ``as_of`` (a date inside ``period``), or the period's last day when
    ``as_of`` is empty or None."""
    _, end, _ = period_bounds(period)
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return end - pd.Timedelta(days=1)
    return pd.Timestamp(as_of).normalize()


def prorate(
    targets: pd.DataFrame,
    *,
    period: str,
    as_of,
    additive: dict | None = None,
    calendar=None,
) -> pd.DataFrame:
    """Targets pro-rated to the days elapsed in ``period`` up to and including ``as_of``.

    Counts and amounts (``additive``) scale with elapsed days; rates and averages do not (a
    90 % satisfaction target is 90 % on any day). With ``calendar`` (a
    :class:`~kpi_lib.indicators.periods.WorkCalendar` or the working weekdays, Monday = 0) the
    share is of working days: 10 of the 22 working days of a month, not 14 of its 31 days.

    Returns
    -------
    DataFrame
        The targets rows that apply to ``period`` with ``target``, ``threshold`` and
        ``stretch`` pro-rated, plus ``full_target`` (before pro-rating), ``elapsed_share``
        (days elapsed / days in period) and ``additive``.
    """
    start, end, _ = period_bounds(period)
    as_of = resolve_as_of(period, as_of)
    last = end - pd.Timedelta(days=1)
    if calendar is not None and working_days_between(start, last, calendar):
        days = working_days_between(start, last, calendar)
        elapsed = working_days_between(start, min(as_of, last), calendar)
    else:
        days = (end - start).days
        elapsed = min(max((as_of - start).days + 1, 0), days)
    share = elapsed / days
    t = targets[targets["period"].fillna("").astype(str).isin(["", str(period)])].copy()
    add = _is_additive(t["indicator"])
    for k, v in (additive or {}).items():
        add[k] = bool(v)
    t["additive"] = t["indicator"].map(add).astype(bool)
    t["full_target"] = t["target"]
    t["elapsed_share"] = share
    for c in ("target", "threshold", "stretch"):
        t[c] = np.where(t["additive"], t[c] * share, t[c])
    return t.reset_index(drop=True)


def lights(attainment, *, green: float = 1.0, yellow: float = 0.8) -> np.ndarray:
    """Traffic light for each attainment (value / target, direction already applied):
    ``green`` at or above ``green``, ``yellow`` at or above ``yellow``, else ``red``;
    empty string when attainment is missing."""
    a = np.asarray(attainment, dtype=float)
    return np.select([np.isnan(a), a >= green, a >= yellow], ["", "green", "yellow"], "red")


def attainment_ratio(value, target, direction) -> np.ndarray:
    """value / target when higher is better, target / value when lower is better (a value of
    0 against a positive target is infinite attainment); NaN when the target is missing or 0."""
    v = np.asarray(value, dtype=float)
    t = np.asarray(target, dtype=float)
    lower = np.asarray(direction) == "lower"
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hi = np.where(t != 0, v / t, np.nan)
        lo = np.where(v != 0, t / v, np.where(t > 0, np.inf, np.nan))
    return np.where(lower, lo, hi)


def progress_board(
    indicators_to_date: pd.DataFrame,
    targets: pd.DataFrame,
    *,
    period: str,
    as_of,
    indicators: list[str] | None = None,
    green: float = 1.0,
    yellow: float = 0.8,
    directions: dict | None = None,
    calendar=None,
) -> pd.DataFrame:
    """The red / yellow / green progress board: period-to-date values against pro-rated targets.

    Parameters
    ----------
    indicators_to_date : DataFrame
        Indicator table of ``period`` computed on data up to ``as_of``.
    targets : DataFrame
        Targets frame (full-period targets).
    indicators : list of str, optional
        Indicators to show (default: every one with a target).
    calendar : WorkCalendar or tuple of int, optional
        Pro-rate by working days elapsed (see :func:`prorate`); default: calendar days.

    Returns
    -------
    DataFrame
        One row per agent and indicator: ``agent_id``, ``team_id``, ``indicator``, ``value``,
        ``full_target``, ``target`` (pro-rated), ``elapsed_share``, ``attainment`` (of the
        pro-rated target, direction applied) and ``light``.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.scoring import progress_board, targets_from_table
    >>> from kpi_lib.scoring.targets import indicators_to_date
    >>> ds = load_sample()
    >>> to_date = indicators_to_date(ds, period="2026-04", as_of="2026-04-15")
    >>> targets = targets_from_table(ds["targets"])
    >>> board = progress_board(to_date, targets, period="2026-04", as_of="2026-04-15")
    >>> board = board[["agent_id", "indicator", "value", "target", "attainment", "light"]]
    >>> board.head(4).round(2)
      agent_id          indicator    value   target  attainment   light
    0    A0001       sales_amount  22890.0  17410.0        1.31   green
    1    A0001              dials    249.0    222.5        1.12   green
    2    A0001    effective_calls     27.0     22.5        1.20   green
    3    A0001  satisfaction_rate      0.8      0.9        0.89  yellow
    >>> board["light"].value_counts().to_dict()
    {'green': 36, 'yellow': 35, 'red': 21}
    """
    cur = indicators_to_date[indicators_to_date["period"].astype(str) == str(period)]
    if indicators is not None:
        cur = cur[cur["indicator"].isin(indicators)]
    pro = prorate(targets, period=period, as_of=as_of, calendar=calendar)
    m = attach_targets(cur, pro.drop(columns=["full_target", "elapsed_share", "additive"]))
    full = attach_targets(cur, targets)["target"]
    m["full_target"] = full.to_numpy()
    m = m[m["target"].notna()]
    m["elapsed_share"] = pro["elapsed_share"].iloc[0] if len(pro) else np.nan
    dirs = direction_of(m["indicator"].unique(), directions)
    m["attainment"] = attainment_ratio(m["value"], m["target"], m["indicator"].map(dirs))
    m["light"] = lights(m["attainment"], green=green, yellow=yellow)
    cols = [c for c in ("agent_id", "team_id") if c in m] + [
        "indicator",
        "value",
        "full_target",
        "target",
        "elapsed_share",
        "attainment",
        "light",
    ]
    return m[cols].reset_index(drop=True)


def targets_from_dataset(data) -> pd.DataFrame:
    """Targets frame from a :class:`~kpi_lib.data.dataset.Dataset` or a dataset folder (read
    through the validating loader, so bad target rows are set aside as everywhere else);
    empty when the dataset has no targets table."""
    from kpi_lib.data.dataset import Dataset
    from kpi_lib.data.load import load_dataset

    if not isinstance(data, Dataset):
        data = load_dataset(data)
    return targets_from_table(data.tables.get("targets"))


def indicators_to_date(
    data,
    *,
    period: str,
    as_of,
    indicators: list[str] | None = None,
    granularity: str | None = None,
    definitions=None,
    level: str = "agent",
) -> pd.DataFrame:
    """Indicator table of ``period`` computed on the rows dated up to the end of ``as_of``
    (period-to-date values for the progress board).

    Parameters
    ----------
    data : Dataset or dataset folder
        A folder is loaded and validated first (rows the contract sets aside never count).
    granularity : str, optional
        Granularity of ``period`` (default: read from its label).
    definitions : Definitions, optional
        Indicator definitions (default: the defaults).
    level : {"agent", "team"}
        Level of the indicator table.

    Returns
    -------
    DataFrame
        The indicator table of :func:`~kpi_lib.indicators.engine.compute_indicators` for
        ``period`` only.
    """
    from dataclasses import replace

    from kpi_lib.data.dataset import Dataset
    from kpi_lib.data.load import load_dataset

    granularity = granularity or parse_period(period).granularity
    from kpi_lib.indicators.engine import compute_indicators
    from kpi_lib.paths import resolve

    cut = resolve_as_of(period, as_of) + pd.Timedelta(days=1)
    if not isinstance(data, Dataset):
        # a folder is read through the validating loader: the rows the contract sets aside
        # never reach a to-date indicator
        data = load_dataset(resolve(data))
    tables = {
        n: (df[df[TIME_COLUMNS[n]] < cut] if n in TIME_COLUMNS and TIME_COLUMNS[n] in df else df)
        for n, df in data.tables.items()
    }
    ds = replace(data, tables=tables)
    return compute_indicators(
        ds,
        granularity=granularity,
        periods=[str(period)],
        indicators=indicators,
        definitions=definitions,
        level=level,
    )
