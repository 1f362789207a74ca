"""Normalisation: put indicators measured in yuan, calls and percentages on one 0-100 scale.

Every method returns a ``score`` where 100 is best and 0 worst, whatever the indicator's
direction ("lower is better" indicators such as complaints are turned round).

Limit cases follow one rule: **when the data give no information to tell agents apart, every
agent scores 50** (min-max or z-score of an indicator with zero variance, the percentile rank
of a single agent). A missing value scores NaN; the composite then re-weights over the
indicators the agent has (see :mod:`kpi_lib.scoring.composite`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.scoring.schemes import NORMALISATIONS
from kpi_lib.scoring.targets import attach_targets, attainment_ratio, direction_of

__all__ = ["NORMALISATIONS", "normalise"]

#: Score given when the data carry no information to rank agents (zero variance, one agent).
NEUTRAL = 50.0


def _default_threshold(target, direction, ratio):
    lower = np.asarray(direction) == "lower"
    return np.where(lower, target / ratio, target * ratio)


def normalise(
    values: pd.DataFrame,
    *,
    method: str = "goalposts",
    targets: pd.DataFrame | None = None,
    reference: pd.DataFrame | None = None,
    directions: dict | None = None,
    attainment_cap: float = 1.2,
    threshold_ratio: float = 0.5,
) -> pd.DataFrame:
    """Score each indicator value on a 0-100 scale (100 = best).

    Parameters
    ----------
    values : DataFrame
        Indicator table (``indicator``, ``value``, and usually ``agent_id``, ``team_id``,
        ``period``). If it already has a ``target`` column and ``targets`` is None, those
        targets are used.
    method : {"attainment", "goalposts", "minmax", "zscore", "percentile"}
        See Notes.
    targets : DataFrame, optional
        Targets frame (:mod:`kpi_lib.scoring.targets`); needed by ``attainment`` and
        ``goalposts``, used by every method to report ``attainment``.
    reference : DataFrame, optional
        Indicator table whose distribution defines min-max, z-score and percentile scores
        (default: ``values`` itself, i.e. **all agents and all periods together**, so that a
        good month shows as a good month rather than the best agent scoring 100 every month).
    directions : dict, optional
        ``{indicator: "higher" | "lower"}`` overriding the catalogue.
    attainment_cap : float
        Attainment at which credit stops when a target has no ``stretch`` (1.2 = 120 %).
    threshold_ratio : float
        Goalposts threshold when the target has none: ``target * ratio`` (higher is better),
        ``target / ratio`` (lower is better).

    Returns
    -------
    DataFrame
        ``values`` plus ``direction``, ``target``, ``threshold``, ``stretch``,
        ``target_source``, ``attainment`` (value / target, or target / value when lower is
        better; NaN without a target), ``raw`` (the method's own number: capped attainment,
        goalposts fraction, min-max fraction, z, or percentile) and ``score`` (0-100).

    Notes
    -----
    With :math:`a` the attainment, :math:`c` the cap (``stretch / target`` when a stretch is
    given, else ``attainment_cap``), :math:`T` target, :math:`L` threshold:

    - ``attainment``: :math:`100 \\min(\\max(a, 0), c) / c` (100 = reached the cap);
    - ``goalposts``: :math:`100 \\,\\mathrm{clip}((x - L)/(T - L), 0, 1)`: threshold -> 0,
      target -> 100, linear between (commercial scorecards); lower-is-better works because
      :math:`L > T`. If :math:`L = T` the score is 100 when the target is reached, else 0;
    - ``minmax``: :math:`100 (x - \\min)/(\\max - \\min)` (reversed when lower is better);
    - ``zscore``: :math:`100\\,\\Phi(z)`, :math:`z = \\pm(x - \\bar x)/s` (population s), so
      z = 0 scores 50 and z = 1 scores 84;
    - ``percentile``: the percentile rank with ties counted half (``scipy.stats.
      percentileofscore(kind="mean")``), reversed when lower is better.
    """
    check_option("method", method, NORMALISATIONS)
    if not {"indicator", "value"} <= set(values.columns):
        raise KeyError(
            f"normalise: the indicator table needs `indicator` and `value`; it has "
            f"{list(values.columns)}."
        )
    if targets is None and "target" in values:
        out = values.copy()
        for c in ("threshold", "stretch"):
            if c not in out:
                out[c] = np.nan
        if "target_source" not in out:
            out["target_source"] = "given"
    else:
        out = attach_targets(values, targets)
    out = out.reset_index(drop=True)
    dirs = direction_of(out["indicator"].unique(), directions)
    out["direction"] = out["indicator"].map(dirs).astype(str)
    v = out["value"].to_numpy(dtype=float)
    t = out["target"].to_numpy(dtype=float)
    d = out["direction"].to_numpy()
    out["attainment"] = attainment_ratio(v, t, d)

    if method in ("attainment", "goalposts"):
        missing = sorted(out.loc[out["target"].isna() & out["value"].notna(), "indicator"].unique())
        if missing and len(missing) == out["indicator"].nunique():
            raise ValueError(
                f"normalise(method={method!r}) needs targets, and none was found for "
                f"{missing}. Pass `targets=` (targets_from_table / targets_from_scheme / "
                "targets_from_history) or use method 'minmax', 'zscore' or 'percentile'."
            )
    if method == "attainment":
        s = out["stretch"].to_numpy(dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            cap_from_stretch = attainment_ratio(s, t, d)
        cap = np.where(
            np.isfinite(cap_from_stretch) & (cap_from_stretch > 0), cap_from_stretch, attainment_cap
        )
        a = out["attainment"].to_numpy(dtype=float)
        raw = np.minimum(np.maximum(a, 0.0), cap)
        score = 100 * raw / cap
    elif method == "goalposts":
        thr = out["threshold"].to_numpy(dtype=float)
        thr = np.where(np.isnan(thr), _default_threshold(t, d, threshold_ratio), thr)
        wrong = ((d == "higher") & (thr > t)) | ((d == "lower") & (thr < t))
        if np.any(wrong & ~np.isnan(t)):
            bad = out.loc[wrong & ~np.isnan(t), ["indicator", "target"]].drop_duplicates()
            raise ValueError(
                "Goalposts need the threshold on the bad side of the target (below it when "
                f"higher is better, above it when lower is better); not so for: "
                f"{bad.to_dict('records')}."
            )
        out["threshold"] = thr
        with np.errstate(divide="ignore", invalid="ignore"):
            frac = np.where(
                thr != t,
                (v - thr) / (t - thr),
                np.where(np.where(d == "lower", v <= t, v >= t), 1.0, 0.0),
            )
        frac = np.where(np.isnan(v) | np.isnan(t), np.nan, frac)
        raw = np.clip(frac, 0.0, 1.0)
        score = 100 * raw
    else:
        ref = out if reference is None else reference
        raw = np.full(len(out), np.nan)
        score = np.full(len(out), np.nan)
        for ind, idx in out.groupby("indicator", sort=False).indices.items():
            rv = ref.loc[ref["indicator"] == ind, "value"].to_numpy(dtype=float)
            rv = rv[~np.isnan(rv)]
            x = v[idx]
            sign = -1.0 if dirs.get(ind, "higher") == "lower" else 1.0
            if len(rv) == 0:
                continue
            if method == "minmax":
                lo, hi = rv.min(), rv.max()
                if hi > lo:
                    r = (x - lo) / (hi - lo)
                    r = r if sign > 0 else 1 - r
                    raw[idx] = r
                    score[idx] = 100 * np.clip(r, 0, 1)
                else:
                    raw[idx] = np.where(np.isnan(x), np.nan, 0.5)
                    score[idx] = np.where(np.isnan(x), np.nan, NEUTRAL)
            elif method == "zscore":
                sd = rv.std(ddof=0)
                if sd > 0:
                    z = sign * (x - rv.mean()) / sd
                    raw[idx] = z
                    score[idx] = 100 * stats.norm.cdf(z)
                else:
                    raw[idx] = np.where(np.isnan(x), np.nan, 0.0)
                    score[idx] = np.where(np.isnan(x), np.nan, NEUTRAL)
            else:  # percentile
                srt = np.sort(rv)
                below = np.searchsorted(srt, x, side="left")
                upto = np.searchsorted(srt, x, side="right")
                pct = 100 * (below + upto) / (2 * len(srt))
                pct = pct if sign > 0 else 100 - pct
                pct = np.where(np.isnan(x), np.nan, pct)
                raw[idx] = pct
                score[idx] = pct
    out["raw"] = raw
    out["score"] = np.where(np.isnan(v), np.nan, score)
    return out
