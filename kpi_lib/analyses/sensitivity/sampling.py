"""Sampling noise for the Monte Carlo: redraw each agent's indicator values from the counts
behind them, and score the draws as the scorecard scores the observed values.

A month is a sample of an agent's work. Two agents of equal skill end the month with
different counts by chance, and an agent with 30 calls by a lot of chance. A rank interval
that perturbs only the weights treats the counts as exact, so equal agents look certainly
ordered. :class:`SamplingModel` draws each value from its posterior given the counts
(Jeffreys priors), keeps the scorecard's targets and scale, and gives 0-100 scores that
:func:`~kpi_lib.analyses.sensitivity.monte_carlo_ranks` uses in place of the observed scores,
one set per draw, together with the weight draws.

Models, by what the indicator row holds (catalogue ``unit`` and the row's counts):

===========================  ==================================================================
proportion (k of n)          :math:`\\mathrm{Beta}(k + 1/2, n - k + 1/2)`
count (denominator 1)        :math:`\\mathrm{Gamma}(k + 1/2, 1)` (Poisson rate)
per 100 customers            :math:`100\\,\\mathrm{Gamma}(k + 1/2, 1) / n`, :math:`k` = value x n / 100
amount (sum over m events)   mean :math:`S/m` per event times a compound-Poisson total:
                             :math:`\\mathrm{Gamma}((m + 1/2)/(1 + c^2),\\ (S/m)(1 + c^2))`,
                             relative variance :math:`(1 + c^2)/m`; ``m`` from the paired count
                             indicator (``AMOUNT_EVENTS``), ``c`` the per-event CV
mean of n items              :math:`\\bar x\\,\\mathrm{Gamma}(n / c^2) \\, c^2 / n`
anything else                kept fixed and listed in ``SamplingModel.fixed``
===========================  ==================================================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.indicators.catalogue import CATALOGUE
from kpi_lib.scoring.targets import attainment_ratio

__all__ = ["AMOUNT_EVENTS", "EVENT_CV", "SamplingModel", "sampling_model"]

#: Amount indicator -> the count indicator of the events it sums (orders, calls).
AMOUNT_EVENTS = {
    "sales_amount": "deals",
    "new_customer_sales": "new_customers",
    "repeat_sales": "deals",
    "collected_amount": "deals",
    "talk_time_min": "dials",
    "effective_talk_time_min": "effective_calls",
}

#: Coefficient of variation of one event (an order's amount, a call's length, a survey score)
#: by catalogue unit; order amounts and call lengths are roughly exponential (CV 1).
EVENT_CV = {"currency": 1.0, "minutes": 1.0, "seconds": 1.0, "score 1-5": 0.25}

_FIXED, _BETA, _GAMMA = 0, 1, 2
_METHODS = ("goalposts", "attainment", "minmax", "zscore", "percentile")


@dataclass
class SamplingModel:
    """Per agent x indicator cell: how to redraw its value and how to score it.

    Attributes
    ----------
    agents : Index
        Row order (``agent_id``).
    indicators : list of str
        Column order.
    kind, shape, scale : ndarray (agents x indicators)
        ``kind`` 0 fixed, 1 beta (``shape`` = a, ``scale`` = b), 2 gamma (``shape``,
        ``scale``).
    value : ndarray
        Observed values (kept for fixed cells).
    method : str
        The scheme's normalisation.
    target, threshold, cap, lower : ndarray
        Scoring parameters per cell (``lower``: lower is better).
    reference : dict of str to ndarray
        Indicator -> sorted reference values (min-max, z-score, percentile).
    fixed : list of str
        Indicators the model could not resample (held at their observed values).
    """

    agents: pd.Index
    indicators: list[str]
    kind: np.ndarray
    shape: np.ndarray
    scale: np.ndarray
    value: np.ndarray
    method: str
    target: np.ndarray
    threshold: np.ndarray
    cap: np.ndarray
    lower: np.ndarray
    reference: dict = field(default_factory=dict)
    fixed: list = field(default_factory=list)

    def subset(self, agents: pd.Index, indicators: list[str]) -> SamplingModel:
        """The model for these agents and indicators (in this order)."""
        missing = pd.Index(agents).difference(self.agents)
        if len(missing):
            raise KeyError(f"`sampling` has no rows for agents {list(missing[:10])}.")
        absent = [i for i in indicators if i not in self.indicators]
        if absent:
            raise KeyError(f"`sampling` has no columns for indicators {absent}.")
        r = self.agents.get_indexer(agents)
        c = [self.indicators.index(i) for i in indicators]
        cut = {
            k: getattr(self, k)[np.ix_(r, c)]
            for k in ("kind", "shape", "scale", "value", "target", "threshold", "cap", "lower")
        }
        return SamplingModel(
            agents=pd.Index(agents, name="agent_id"),
            indicators=list(indicators),
            method=self.method,
            reference={i: self.reference[i] for i in indicators if i in self.reference},
            fixed=[i for i in self.fixed if i in indicators],
            **cut,
        )

    def draw_values(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws of every cell's value: array draws x agents x indicators."""
        out = np.broadcast_to(self.value, (n, *self.value.shape)).copy()
        b = self.kind == _BETA
        if b.any():
            out[:, b] = rng.beta(self.shape[b], self.scale[b], size=(n, int(b.sum())))
        g = self.kind == _GAMMA
        if g.any():
            out[:, g] = rng.gamma(self.shape[g], self.scale[g], size=(n, int(g.sum())))
        return out

    def score(self, values: np.ndarray) -> np.ndarray:
        """0-100 scores of values (any leading axes) as the scorecard scores them."""
        v = np.asarray(values, dtype=float)
        t, lo = self.target, self.lower
        if self.method == "goalposts":
            thr = self.threshold
            with np.errstate(divide="ignore", invalid="ignore"):
                frac = np.where(
                    thr != t,
                    (v - thr) / (t - thr),
                    np.where(np.where(lo, v <= t, v >= t), 1.0, 0.0),
                )
            s = 100 * np.clip(frac, 0.0, 1.0)
            s = np.where(np.isnan(t), np.nan, s)
        elif self.method == "attainment":
            d = np.where(lo, "lower", "higher")
            with np.errstate(divide="ignore", invalid="ignore"):
                a = attainment_ratio(v, np.broadcast_to(t, v.shape), np.broadcast_to(d, v.shape))
            s = 100 * np.minimum(np.maximum(a, 0.0), self.cap) / self.cap
        else:
            s = np.full(v.shape, np.nan)
            for j, ind in enumerate(self.indicators):
                rv = self.reference.get(ind)
                if rv is None or not len(rv):
                    continue
                x = v[..., j]
                sign = np.where(lo[:, j], -1.0, 1.0)
                if self.method == "minmax":
                    lo_, hi_ = rv[0], rv[-1]
                    if hi_ > lo_:
                        r = (x - lo_) / (hi_ - lo_)
                        s[..., j] = 100 * np.clip(np.where(sign > 0, r, 1 - r), 0, 1)
                    else:
                        s[..., j] = 50.0
                elif self.method == "zscore":
                    sd = rv.std(ddof=0)
                    s[..., j] = (
                        100 * stats.norm.cdf(sign * (x - rv.mean()) / sd) if sd > 0 else 50.0
                    )
                else:
                    below = np.searchsorted(rv, x, side="left")
                    upto = np.searchsorted(rv, x, side="right")
                    pct = 100 * (below + upto) / (2 * len(rv))
                    s[..., j] = np.where(sign > 0, pct, 100 - pct)
        return np.where(np.isnan(v) | np.isnan(self.value), np.nan, s)

    def draw_scores(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws of every cell's score: array draws x agents x indicators."""
        return self.score(self.draw_values(n, rng))


def _cell_model(ind: str, v, k, n, events, cv_units):
    """(kind, shape, scale) arrays of one indicator's rows."""
    info = CATALOGUE.get(ind)
    unit = info.unit if info is not None else ""
    kind = np.zeros(len(v), dtype=np.int8)
    a = np.full(len(v), np.nan)
    b = np.full(len(v), np.nan)
    ok = np.isfinite(v) & np.isfinite(k) & np.isfinite(n)
    if info is not None and info.level == "team":
        return kind, a, b
    whole = ok & (np.abs(k - np.round(k)) < 1e-9) & (np.abs(n - np.round(n)) < 1e-9)
    with np.errstate(divide="ignore", invalid="ignore"):
        prop = whole & (n > 0) & (k >= 0) & (k <= n) & np.isclose(v, k / np.where(n > 0, n, 1))
    if unit == "share" and (prop | ~ok).all() and (n[ok] > 1).any():
        kind[prop] = _BETA
        a[prop], b[prop] = k[prop] + 0.5, n[prop] - k[prop] + 0.5
        return kind, a, b
    if unit == "count" and (n[ok] == 1).all():
        sel = whole & (k >= 0)
        kind[sel], a[sel], b[sel] = _GAMMA, k[sel] + 0.5, 1.0
        return kind, a, b
    if unit.startswith("per 100"):
        # value = 100 x events / n (the engine's numerator may already hold the factor 100)
        ev = np.round(v * n / 100.0)
        sel = ok & (n > 0) & (ev >= 0)
        kind[sel], a[sel], b[sel] = _GAMMA, ev[sel] + 0.5, 100.0 / n[sel]
        return kind, a, b
    cv = cv_units.get(unit)
    if cv is None:
        return kind, a, b
    c2 = cv**2
    if info is not None and not info.ratio and events is not None:
        # an amount: the sum over `m` events
        m = events
        sel = ok & np.isfinite(m) & (m > 0) & (v > 0)
        kind[sel] = _GAMMA
        a[sel] = (m[sel] + 0.5) / (1 + c2)
        b[sel] = v[sel] / m[sel] * (1 + c2)
        return kind, a, b
    if info is not None and info.ratio:
        # a mean of n items
        sel = ok & (n > 0) & (v > 0)
        kind[sel] = _GAMMA
        a[sel] = n[sel] / c2
        b[sel] = v[sel] * c2 / n[sel]
    return kind, a, b


def sampling_model(
    scorecard,
    *,
    period: str | None = None,
    indicators: pd.DataFrame | None = None,
    agents: pd.Index | None = None,
    event_cv: dict | None = None,
) -> SamplingModel:
    """The sampling model of one period of a Scorecard (see the module docstring).

    Parameters
    ----------
    scorecard : Scorecard
        From ``kpi_lib.scoring.composite.score`` (its ``indicators`` table keeps each row's
        ``numerator``, ``denominator``, targets and direction).
    period : str, optional
        Default the latest period.
    indicators : DataFrame, optional
        The agent-level indicator table the scorecard was computed from; needed for the
        event counts of amounts (``AMOUNT_EVENTS``: deals behind ``sales_amount``...).
        Without it amounts stay fixed (listed in ``fixed``).
    agents : Index, optional
        Agents to keep (default all of the period).
    event_cv : dict, optional
        Unit -> CV of one event, overriding ``EVENT_CV``.

    Returns
    -------
    SamplingModel
    """
    ind = scorecard.indicators
    periods = list(pd.unique(ind["period"].astype(str)))
    per = str(period) if period is not None else sorted(periods)[-1]
    if per not in periods:
        raise KeyError(f"sampling_model: period {per!r} is not in the scorecard ({periods}).")
    method = scorecard.settings.get("normalisation", scorecard.scheme.normalisation)
    cap_default = float(scorecard.scheme.attainment_cap)
    cur = ind[(ind["period"].astype(str) == per) & (ind["weight"] > 0)]
    ids = list(dict.fromkeys(cur["indicator"].astype(str)))
    wide = {
        c: cur.pivot_table(
            index="agent_id", columns="indicator", values=c, aggfunc="first", dropna=False
        )
        for c in ("value", "numerator", "denominator", "target", "threshold", "stretch")
        if c in cur
    }
    idx = pd.Index(agents if agents is not None else wide["value"].index, name="agent_id")
    shape = (len(idx), len(ids))

    def grid(c):
        if c not in wide:
            return np.full(shape, np.nan)
        return wide[c].reindex(index=idx, columns=ids).to_numpy(dtype=float)

    V, K, N = grid("value"), grid("numerator"), grid("denominator")
    T, THR, ST = grid("target"), grid("threshold"), grid("stretch")
    dirs = cur.drop_duplicates("indicator").set_index("indicator")["direction"]
    lower = np.broadcast_to(np.array([dirs.get(i, "higher") == "lower" for i in ids]), shape).copy()
    cv_units = {**EVENT_CV, **(event_cv or {})}
    raw = None
    if indicators is not None:
        raw = indicators[indicators["period"].astype(str) == per]
    kind = np.zeros(shape, dtype=np.int8)
    A = np.full(shape, np.nan)
    B = np.full(shape, np.nan)
    fixed = []
    for j, i in enumerate(ids):
        events = None
        if i in AMOUNT_EVENTS and raw is not None:
            ev = raw[raw["indicator"] == AMOUNT_EVENTS[i]].drop_duplicates("agent_id")
            events = ev.set_index("agent_id")["value"].reindex(idx).to_numpy(dtype=float)
        kj, aj, bj = _cell_model(i, V[:, j], K[:, j], N[:, j], events, cv_units)
        kind[:, j], A[:, j], B[:, j] = kj, aj, bj
        has = np.isfinite(V[:, j])
        if has.any() and (kj[has] == _FIXED).all():
            fixed.append(i)
    d = np.where(lower, "lower", "higher")
    with np.errstate(divide="ignore", invalid="ignore"):
        cap_st = attainment_ratio(ST, T, d)
    cap = np.where(np.isfinite(cap_st) & (cap_st > 0), cap_st, cap_default)
    reference = {}
    if method in ("minmax", "zscore", "percentile"):
        for i in ids:
            rv = ind.loc[ind["indicator"] == i, "value"].to_numpy(dtype=float)
            reference[i] = np.sort(rv[np.isfinite(rv)])
    return SamplingModel(
        agents=idx,
        indicators=ids,
        kind=kind,
        shape=A,
        scale=B,
        value=V,
        method=method,
        target=T,
        threshold=THR,
        cap=cap,
        lower=lower,
        reference=reference,
        fixed=fixed,
    )
