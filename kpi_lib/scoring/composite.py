"""Composite scores: from an indicator table and a scheme to a tidy scorecard.

Steps (each one a function you can call alone): attach targets -> (optionally) shrink small
samples -> normalise every indicator to 0-100 -> weight -> aggregate per dimension and overall
-> gates, rank, tier and traffic light. The settings used and anything decided on the user's
behalf (targets derived from history, indicators skipped in this cycle) are kept in
:attr:`Scorecard.notes` and :attr:`Scorecard.settings`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib._util import check_option, unknown_name_message
from kpi_lib.indicators.periods import cycle_scoring_granularity, period_order
from kpi_lib.scoring.normalise import normalise
from kpi_lib.scoring.schemes import AGGREGATIONS, CYCLES, Scheme, load_scheme
from kpi_lib.scoring.smallsample import add_intervals, shrink_rates
from kpi_lib.scoring.targets import (
    attach_targets,
    combine_targets,
    direction_of,
    lights,
    targets_from_history,
    targets_from_scheme,
)

__all__ = [
    "TIE_TOLERANCE",
    "Scorecard",
    "aggregate",
    "assign_tiers",
    "granularity_for",
    "rank_rows",
    "rank_scores",
    "score",
]

#: Composites closer than this (in points on the 0-100 scale) are ties.
TIE_TOLERANCE = 1e-9

#: Indicator-table granularity of a cycle. Kept for the notebooks that import it from here; the
#: function lives in :func:`kpi_lib.indicators.periods.cycle_scoring_granularity`.
granularity_for = cycle_scoring_granularity
INDICATOR_COLUMNS = [
    "agent_id",
    "team_id",
    "period",
    "dimension",
    "indicator",
    "value",
    "target",
    "threshold",
    "stretch",
    "attainment",
    "score",
    "weight",
    "contribution",
    "light",
    "ci_low",
    "ci_high",
    "rankable",
]
DIMENSION_COLUMNS = ["agent_id", "team_id", "period", "dimension", "score", "weight"]
AGENT_COLUMNS = [
    "agent_id",
    "team_id",
    "period",
    "composite",
    "rank",
    "tier",
    "gates_passed",
    "gate_failures",
    "light",
    "rankable",
]


def aggregate(
    scores,
    weights,
    method: str = "arithmetic",
    *,
    shift: float = 1.0,
    min_coverage: float = 0.0,
    return_coverage: bool = False,
):
    """Weighted mean of scores over the last axis, vectorised over any leading axes.

    Parameters
    ----------
    scores : array [..., agents, indicators]
        Scores (0-100); NaN = missing, the weights are then rescaled over the indicators the
        agent has.
    weights : array [..., indicators]
        Non-negative relative weights; leading axes broadcast against those of ``scores``
        (e.g. ``weights`` of shape ``[draws, indicators]`` with ``scores`` of shape
        ``[agents, indicators]`` gives ``[draws, agents]``).
    method : {"arithmetic", "geometric"}
        Arithmetic: fully compensatory. Geometric: partially compensatory, computed on
        ``score + shift`` (a score of 0 would otherwise zero the whole product) and shifted back.
    min_coverage : float
        Share of the total weight an agent must have scores for; below it the result is NaN.
    return_coverage : bool
        Also return the covered share of weight.

    Returns
    -------
    ndarray [..., agents] (and the coverage array of the same shape if asked)

    Notes
    -----
    Arithmetic :math:`C = \\sum_i w_i s_i / \\sum_i w_i`; geometric
    :math:`C = \\exp(\\sum_i w_i \\ln(s_i + \\delta) / \\sum_i w_i) - \\delta` with
    :math:`\\delta` = ``shift``. Both lie between the smallest and largest score.
    """
    check_option("method", method, AGGREGATIONS)
    s = np.asarray(scores, dtype=float)
    w = np.asarray(weights, dtype=float)
    if s.ndim < 1 or w.ndim < 1 or s.shape[-1] != w.shape[-1]:
        raise ValueError(
            f"aggregate: scores {s.shape} and weights {w.shape} must share the last "
            "(indicator) axis."
        )
    if np.any(w < 0):
        raise ValueError("aggregate: weights must be >= 0.")
    if method == "geometric" and np.nanmin(s, initial=np.inf) + shift <= 0:
        raise ValueError(
            f"aggregate: geometric mean needs score + shift > 0; shift={shift} is "
            "too small for these scores."
        )
    w = w[..., None, :]
    mask = ~np.isnan(s)
    we = np.where(mask, w, 0.0)
    total = w.sum(axis=-1)
    covered = we.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "arithmetic":
            num = np.where(mask, we * np.where(mask, s, 0.0), 0.0).sum(axis=-1)
            comp = num / covered
        else:
            logs = np.log(np.where(mask, s, 0.0) + shift)
            comp = np.exp(np.where(mask, we * logs, 0.0).sum(axis=-1) / covered) - shift
        coverage = covered / total
    comp = np.where((covered > 0) & (coverage >= min_coverage - 1e-12), comp, np.nan)
    return (comp, coverage) if return_coverage else comp


def rank_rows(C: np.ndarray, tol: float = TIE_TOLERANCE) -> np.ndarray:
    """'min' ranks (1 = highest) along the last axis of a 2-D (draws x agents) array.

    Vectorised over rows (no Python loop per draw); composites within ``tol`` are ties, so
    floating-point noise does not split them; NaN ranks last.
    """
    if np.isnan(C).any():
        C = np.where(np.isnan(C), -np.inf, C)
    d, a = C.shape
    # ascending sort read backwards = descending; tie order inside a group does not matter
    order = np.argsort(C, axis=1)[:, ::-1]
    sv = np.take_along_axis(C, order, axis=1)
    pos = np.arange(1, a + 1, dtype=np.int32)
    start = np.empty((d, a), dtype=np.int32)
    start[:, 0] = 1
    # a new tie group starts where the sorted composite drops by more than the tolerance
    np.multiply(sv[:, 1:] < sv[:, :-1] - tol, pos[1:], out=start[:, 1:], casting="unsafe")
    np.maximum.accumulate(start, axis=1, out=start)
    ranks = np.empty((d, a), dtype=np.int32)
    np.put_along_axis(ranks, order, start, axis=1)
    return ranks


def rank_scores(composite) -> np.ndarray:
    """Rank composites: 1 = best, ties share the best rank ('min'), NaN stays NaN.

    Works along the last axis, so ``[draws, agents]`` gives per-draw ranks; composites within
    :data:`TIE_TOLERANCE` points are ties.
    """
    c = np.asarray(composite, dtype=float)
    if c.ndim == 0:
        return np.where(np.isnan(c), np.nan, 1.0)
    ranks = rank_rows(c.reshape(-1, c.shape[-1])).astype(float).reshape(c.shape)
    return np.where(np.isnan(c), np.nan, ranks)


def assign_tiers(composite, tiers: dict[str, float], bottom: str = "D") -> np.ndarray:
    """Tier label for each composite: the first tier whose cut-off it reaches (tiers best first),
    else ``bottom``; empty string when the composite is missing."""
    c = np.asarray(composite, dtype=float)
    labels = list(tiers)
    conds = [c >= tiers[t] for t in labels]
    out = np.select(conds, labels, bottom) if labels else np.full(c.shape, bottom, dtype=object)
    return np.where(np.isnan(c), "", out).astype(object)


@dataclass
class Scorecard:
    """Result of :func:`score`.

    Attributes
    ----------
    indicators : DataFrame
        One row per agent, period and weighted or gate indicator: ``agent_id``, ``team_id``,
        ``period``, ``dimension`` (empty for gate-only indicators), ``indicator``, ``value``
        (after shrinkage if asked), ``value_observed``, ``target``, ``threshold``, ``stretch``,
        ``target_source``, ``attainment``, ``score`` (0-100), ``weight`` (share of the
        composite; 0 for gate-only indicators), ``contribution`` (points of the composite),
        ``light``, ``ci_low``, ``ci_high``, ``rankable``, ``direction``, ``cycle``.
    dimensions : DataFrame
        ``agent_id``, ``team_id``, ``period``, ``dimension``, ``score``, ``weight``.
    agents : DataFrame
        ``agent_id``, ``team_id``, ``period``, ``composite``, ``rank`` (within the period, 1 =
        best, ties 'min'), ``tier``, ``gates_passed``, ``gate_failures`` (list of the failed
        gates, each ``{"indicator", "value", "min", "max", "effect"}``: the value the gate
        judged, NaN when missing, and its limits, NaN when unset), ``light``,
        ``rankable``, ``bonus_eligible``, ``certification_eligible``, ``coverage`` (share of
        the weight with a value), ``unrankable_weight`` (share of the weight on rates too
        uncertain to rank).
    scheme : Scheme
    cycle : str
    notes : list of dict
        What was decided on the user's behalf, as codes with values (the report layer words
        them): ``{"code": "not_assessed", "cycle", "indicators"}`` (indicators of the scheme
        not scored in this cycle, weights rescaled over the rest), ``{"code":
        "derived_target", "indicators", "agent_periods", "lookback", "uplift"}`` (no target:
        the median of the previous ``lookback`` periods + ``uplift``), ``{"code":
        "no_target", "indicators", "method"}`` (attainment and lights left empty),
        ``{"code": "shrunk"}`` (empirical-Bayes shrinkage of proportions),
        ``{"code": "geometric_shift", "shift"}``, ``{"code": "gates_missing",
        "indicators"}`` (gates follow their ``on_missing`` rule) and ``{"code":
        "other_granularity", "cycle", "used", "wanted"}``.
    settings : dict
        Everything needed to regenerate the scorecard.
    """

    indicators: pd.DataFrame
    dimensions: pd.DataFrame
    agents: pd.DataFrame
    scheme: Scheme
    cycle: str = "monthly"
    notes: list[dict] = field(default_factory=list)
    settings: dict = field(default_factory=dict)

    @property
    def periods(self) -> list[str]:
        return list(pd.unique(self.agents["period"].astype(str)))

    def for_period(self, period: str) -> Scorecard:
        """The scorecard restricted to one period."""
        f = {
            k: getattr(self, k)[getattr(self, k)["period"].astype(str) == str(period)].reset_index(
                drop=True
            )
            for k in ("indicators", "dimensions", "agents")
        }
        return Scorecard(
            **f,
            scheme=self.scheme,
            cycle=self.cycle,
            notes=list(self.notes),
            settings=dict(self.settings),
        )

    def table(self, *, period: str | None = None, column: str = "score") -> pd.DataFrame:
        """Wide table for reading: one row per agent-period with composite, rank, tier, gate
        result and one column per indicator (``column``: score, value or attainment), best
        first."""
        ind = self.indicators[self.indicators["weight"] > 0]
        agents = self.agents
        if period is not None:
            ind = ind[ind["period"].astype(str) == str(period)]
            agents = agents[agents["period"].astype(str) == str(period)]
        wide = ind.pivot_table(
            index=["agent_id", "period"], columns="indicator", values=column, aggfunc="first"
        )
        wide = wide[[i for i in self.scheme.indicator_ids if i in wide.columns]]
        base = agents.set_index(["agent_id", "period"])[
            ["team_id", "composite", "rank", "tier", "gates_passed", "light", "rankable"]
        ]
        return (
            base.join(wide)
            .reset_index()
            .sort_values(["period", "rank"], na_position="last")
            .reset_index(drop=True)
        )


def _pooled_targets(sub: pd.DataFrame, directions, uplift: float = 0.05) -> pd.DataFrame:
    """Median of every period + uplift, for periods without history of their own."""
    med = sub.groupby("indicator")["value"].median()
    dirs = direction_of(med.index, directions)
    sign = np.where(dirs.reindex(med.index).to_numpy() == "lower", -1.0, 1.0)
    return pd.DataFrame(
        {
            "scope": "all",
            "scope_id": "",
            "period": "",
            "indicator": med.index,
            "target": med.to_numpy() * (1 + sign * uplift),
            "threshold": np.nan,
            "stretch": np.nan,
            "source": "history",
        }
    )


def _select_granularity(indicators: pd.DataFrame, cycle: str, notes: list[dict]) -> pd.DataFrame:
    if "granularity" not in indicators:
        return indicators
    want = cycle_scoring_granularity(cycle)
    present = set(indicators["granularity"].astype(str).unique())
    if want in present:
        return indicators[indicators["granularity"].astype(str) == want]
    if len(present) == 1:
        notes.append(
            {"code": "other_granularity", "cycle": cycle, "used": present.pop(), "wanted": want}
        )
        return indicators
    raise ValueError(
        f"score(cycle={cycle!r}) needs `{want}` rows; the indicator table has "
        f"granularities {sorted(present)}."
    )


def _periods(indicators: pd.DataFrame, period) -> list[str]:
    order = period_order(indicators)
    if period is None:
        return order
    if period == "latest":
        return order[-1:]
    wanted = [period] if isinstance(period, str) else [str(p) for p in period]
    for p in wanted:
        if p not in order:
            raise KeyError(
                f"score: period {p!r} is not in the indicator table; periods: {', '.join(order)}."
            )
    return wanted


def score(
    indicators: pd.DataFrame,
    scheme: Scheme | str,
    *,
    targets: pd.DataFrame | None = None,
    period=None,
    cycle: str = "monthly",
    shrink: bool = False,
    history: pd.DataFrame | None = None,
    missing_targets: str = "history",
    directions: dict | None = None,
    rank_within: str = "period",
    min_trials: int = 20,
    max_half_width: float | str = "spread",
    max_unrankable_weight: float = 0.2,
) -> Scorecard:
    """Score agents with a weight scheme.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table (:func:`kpi_lib.indicators.engine.compute_indicators`).
        Rows of the granularity matching ``cycle`` are used (month for monthly, ...).
    scheme : Scheme or str
        Scheme or its name (``mature_team``) or YAML path.
    targets : DataFrame, optional
        Targets frame (e.g. :func:`~kpi_lib.scoring.targets.targets_from_table`); it wins over
        the scheme's targets.
    period : str, list of str, "latest" or None
        Periods to report (None = all). Normalisation always uses every period given (plus
        ``history``), so scores are comparable across months.
    cycle : {"monthly", "quarterly", "annual"}
        Indicators whose scheme cycle is longer than this are left out and the remaining
        weights rescaled (a monthly scorecard has no quarterly indicators; the quarterly
        appraisal has both).
    shrink : bool
        Replace proportions by their empirical-Bayes estimate (toward the team mean in each
        period) before scoring.
    history : DataFrame, optional
        Indicator table of earlier periods: joins the reference distribution of min-max /
        z-score / percentile and the history used to derive missing targets.
    missing_targets : {"history", "error"}
        When the method needs targets and an indicator has none (table or scheme): derive
        them from history (median of the previous 3 periods + 5 %, or of all periods for the
        first one) and say so in the notes, or raise.
    rank_within : {"period", "team"}
        Rank all agents of a period together, or within each team.
    min_trials, max_half_width
        Small-sample rule for each rate, see
        :func:`~kpi_lib.scoring.smallsample.add_intervals`.
    max_unrankable_weight : float
        An agent is ``rankable`` when the indicators whose intervals are too wide to rank
        carry at most this share of the composite.

    Returns
    -------
    Scorecard
        See :class:`Scorecard` for the columns of its tables.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import score, targets_from_table
    >>> ds = load_sample()
    >>> sc = score(compute_indicators(ds), "default", targets=targets_from_table(ds["targets"]))
    >>> sc.periods
    ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04']
    >>> latest = sc.for_period("2026-04").agents
    >>> latest[["agent_id", "composite", "rank", "tier"]].head(3).round(1)
      agent_id  composite  rank tier
    0    A0006      100.0   1.0    A
    1    A0018      100.0   1.0    A
    2    A0020       99.1   3.0    A
    >>> sc.notes[0]
    {'code': 'not_assessed', 'cycle': 'monthly', 'indicators': ['repurchase_rate']}
    """
    check_option("cycle", cycle, CYCLES)
    check_option("missing_targets", missing_targets, ["history", "error"])
    check_option("rank_within", rank_within, ["period", "team"])
    scheme = load_scheme(scheme)
    notes: list[dict] = []
    if "agent_id" not in indicators:
        raise KeyError(
            "score: the indicator table has no `agent_id`; compute it with level='agent'."
        )
    data = _select_granularity(indicators, cycle, notes)
    if history is not None:
        hist = _select_granularity(history, cycle, [])
        data = pd.concat([hist[~hist["period"].isin(data["period"])], data], ignore_index=True)
    out_periods = _periods(_select_granularity(indicators, cycle, []), period)

    included = scheme.indicators_for_cycle(cycle)
    skipped = [i for i in scheme.indicator_ids if i not in included]
    if skipped:
        notes.append({"code": "not_assessed", "cycle": cycle, "indicators": skipped})
    gate_ids = [g.indicator for g in scheme.gates]
    present = set(data["indicator"].unique())
    absent = [i for i in included if i not in present]
    if absent:
        raise KeyError(
            f"score: scheme `{scheme.name}` weights {absent}, which the indicator table lacks. "
            + unknown_name_message("indicator", absent[0], present)
        )
    needed = list(dict.fromkeys(included + [g for g in gate_ids if g in present]))
    data = data[data["indicator"].isin(needed)].reset_index(drop=True)

    # targets: given table, then scheme, then (if needed) history
    tg = combine_targets(targets, targets_from_scheme(scheme))
    method = scheme.normalisation
    probe = attach_targets(data, tg)
    lacking = sorted(
        probe.loc[
            probe["target"].isna() & probe["value"].notna() & probe["indicator"].isin(included),
            "indicator",
        ].unique()
    )
    if lacking and method in ("attainment", "goalposts"):
        if missing_targets == "error":
            raise ValueError(
                f"score: no target for {lacking} (scheme `{scheme.name}`, method "
                f"{method!r}). Add them to the scheme's `targets:` or pass "
                "targets=targets_from_history(...)."
            )
        sub = data[data["indicator"].isin(lacking)]
        n_rows = probe[probe["target"].isna() & probe["value"].notna()].groupby("indicator").size()
        hist_t = targets_from_history(sub, lookback=3, directions=directions)
        pooled = _pooled_targets(sub, directions)
        tg = combine_targets(targets, targets_from_scheme(scheme), hist_t, pooled)
        notes.append(
            {
                "code": "derived_target",
                "indicators": lacking,
                "agent_periods": [int(n_rows.get(i, 0)) for i in lacking],
                "lookback": 3,
                "uplift": 0.05,
            }
        )
    elif lacking and method not in ("attainment", "goalposts"):
        notes.append({"code": "no_target", "indicators": lacking, "method": method})

    # small samples: intervals on the observed rates, then optional shrinkage
    data = add_intervals(data, min_trials=min_trials, max_half_width=max_half_width)
    if shrink:
        data = shrink_rates(data)
        notes.append({"code": "shrunk"})
    else:
        data["value_observed"] = data["value"]
    normed = normalise(
        data,
        method=method,
        targets=tg,
        directions=directions,
        attainment_cap=scheme.attainment_cap,
        threshold_ratio=scheme.threshold_ratio,
    )
    if scheme.aggregation == "geometric":
        notes.append({"code": "geometric_shift", "shift": float(scheme.geometric_shift)})
    normed = normed[normed["period"].astype(str).isin(out_periods)].reset_index(drop=True)

    # weights and aggregation
    w_all = scheme.overall_weights(included)
    dim_of = {i: scheme.dimension_of(i) for i in included}
    normed["dimension"] = normed["indicator"].map(dim_of).fillna("").astype(str)
    normed["weight"] = normed["indicator"].map(w_all).fillna(0.0).astype(float)
    normed["cycle"] = normed["indicator"].map(scheme.cycles).fillna("monthly")
    # infinite attainment (0 complaints against a positive target) is the best result: green
    normed["light"] = lights(normed["attainment"].to_numpy(dtype=float), **scheme.lights)

    keys = ["agent_id", "period"]
    scored = normed[normed["weight"] > 0]
    mat = scored.pivot_table(
        index=keys, columns="indicator", values="score", aggfunc="first", dropna=False
    )
    mat = mat.reindex(columns=[i for i in included if i in mat.columns])
    all_keys = normed[keys].drop_duplicates().set_index(keys).index
    mat = mat.reindex(all_keys)
    w = w_all.reindex(mat.columns).to_numpy()
    comp, cov = aggregate(
        mat.to_numpy(),
        w,
        scheme.aggregation,
        shift=scheme.geometric_shift,
        min_coverage=scheme.min_coverage,
        return_coverage=True,
    )
    agents = pd.DataFrame({"composite": comp, "coverage": cov}, index=mat.index).reset_index()

    # contributions (points of the composite; they add up to it)
    s = mat.to_numpy()
    we = np.where(np.isnan(s), 0.0, w)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = we / we.sum(axis=1, keepdims=True)
        if scheme.aggregation == "arithmetic":
            contrib = share * np.where(np.isnan(s), 0.0, s)
        else:
            logs = share * np.log(np.where(np.isnan(s), 0.0, s) + scheme.geometric_shift)
            tot = logs.sum(axis=1, keepdims=True)
            contrib = np.where(tot != 0, logs / tot, share) * comp[:, None]
    contrib = np.where(np.isnan(s) | np.isnan(comp)[:, None], np.nan, contrib)
    cdf = pd.DataFrame(contrib, index=mat.index, columns=mat.columns).stack(future_stack=True)
    cdf = cdf.rename("contribution").reset_index()
    normed = normed.merge(cdf, on=keys + ["indicator"], how="left")

    # dimension scores
    dim_rows = []
    dw = pd.Series(scheme.dimensions, dtype=float)
    dw = dw[[d for d in dw.index if any(dim_of.get(i) == d for i in mat.columns)]]
    dw = dw / dw.sum()
    for dim in dw.index:
        cols = [i for i in mat.columns if dim_of[i] == dim]
        sub_w = scheme.indicator_weights()[cols].to_numpy()
        dsc = aggregate(
            mat[cols].to_numpy(), sub_w, scheme.aggregation, shift=scheme.geometric_shift
        )
        dim_rows.append(
            pd.DataFrame(
                {"dimension": dim, "score": dsc, "weight": dw[dim]}, index=mat.index
            ).reset_index()
        )
    dims = (
        pd.concat(dim_rows, ignore_index=True)
        if dim_rows
        else pd.DataFrame(columns=keys + ["dimension", "score", "weight"])
    )

    # gates
    gate_val = normed.pivot_table(
        index=keys, columns="indicator", values="value_observed", aggfunc="first", dropna=False
    ).reindex(all_keys)
    fails = {eff: np.zeros(len(agents), bool) for eff in ("bonus", "composite", "certification")}
    failures = [[] for _ in range(len(agents))]
    for g in scheme.gates:
        vals = (
            gate_val[g.indicator].to_numpy(dtype=float)
            if g.indicator in gate_val
            else np.full(len(agents), np.nan)
        )
        for k, v in enumerate(vals):
            if not g.passes(float(v)):
                fails[g.effect][k] = True
                failures[k].append(
                    {
                        "indicator": g.indicator,
                        "value": float(v),
                        "min": np.nan if g.min is None else float(g.min),
                        "max": np.nan if g.max is None else float(g.max),
                        "effect": g.effect,
                    }
                )
    if not any(g.indicator in gate_val for g in scheme.gates) and scheme.gates:
        notes.append({"code": "gates_missing", "indicators": [g.indicator for g in scheme.gates]})
    agents["composite"] = np.where(fails["composite"], 0.0, agents["composite"])
    agents["gates_passed"] = ~(fails["bonus"] | fails["composite"] | fails["certification"])
    agents["bonus_eligible"] = ~(fails["bonus"] | fails["composite"])
    agents["certification_eligible"] = ~(fails["certification"] | fails["composite"])
    agents["gate_failures"] = failures

    # rank, tier, light, rankable
    team = normed.drop_duplicates(keys).set_index(keys)["team_id"] if "team_id" in normed else None
    agents["team_id"] = agents.set_index(keys).index.map(team) if team is not None else ""
    grp = ["period"] + (["team_id"] if rank_within == "team" else [])
    agents["rank"] = np.nan
    for _, idx in agents.groupby(grp, sort=False).indices.items():
        agents.loc[agents.index[idx], "rank"] = rank_scores(agents["composite"].to_numpy()[idx])
    agents["tier"] = assign_tiers(agents["composite"], scheme.tiers, scheme.bottom_tier)
    capped = scored.assign(a=np.minimum(scored["attainment"], scheme.attainment_cap))
    capped = capped[np.isfinite(capped["a"])]
    wa = capped.assign(wa=capped["a"] * capped["weight"]).groupby(keys)[["wa", "weight"]].sum()
    agent_att = (wa["wa"] / wa["weight"]).reindex(all_keys)
    agents["light"] = lights(agent_att.to_numpy(), **scheme.lights)
    unr = (
        scored.assign(u=np.where(scored["rankable"].astype(bool), 0.0, scored["weight"]))
        .groupby(keys)["u"]
        .sum()
        .reindex(all_keys)
        .fillna(1.0)
    )
    agents["unrankable_weight"] = unr.to_numpy()
    agents["rankable"] = (unr.to_numpy() <= max_unrankable_weight + 1e-12) & np.isfinite(comp)

    indicator_cols = INDICATOR_COLUMNS + [
        "value_observed",
        "numerator",
        "denominator",
        "target_source",
        "direction",
        "cycle",
    ]
    normed = normed[[c for c in indicator_cols if c in normed]]
    agents = agents[
        AGENT_COLUMNS
        + ["bonus_eligible", "certification_eligible", "coverage", "unrankable_weight"]
    ]
    dims = dims.merge(agents[["agent_id", "period", "team_id"]], on=keys, how="left")
    settings = {
        "scheme": scheme.name,
        "scheme_path": str(scheme.path or ""),
        "cycle": cycle,
        "periods": out_periods,
        "normalisation": method,
        "aggregation": scheme.aggregation,
        "shrink": shrink,
        "missing_targets": missing_targets,
        "rank_within": rank_within,
        "min_trials": min_trials,
        "max_half_width": max_half_width,
        "weights": w_all.round(6).to_dict(),
        "targets_given": targets is not None and len(targets) > 0,
    }
    order = {p: k for k, p in enumerate(out_periods)}
    agents = agents.sort_values(
        ["period", "rank"],
        key=lambda c: c.map(order) if c.name == "period" else c,
        na_position="last",
    ).reset_index(drop=True)
    return Scorecard(
        indicators=normed.reset_index(drop=True),
        dimensions=dims[DIMENSION_COLUMNS].reset_index(drop=True),
        agents=agents,
        scheme=scheme,
        cycle=cycle,
        notes=notes,
        settings=settings,
    )
