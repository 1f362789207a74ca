"""One review, computed once: indicators, scorecard, decisions and diagnosis for a spec.

:func:`compute_review` runs every shared computation of a review from a resolved
:class:`~kpi_lib.review.spec.ReviewSpec` and the validated dataset, and returns a
:class:`Review` of tidy tables. ``kpi review`` stores it once in the staging folder
(:mod:`kpi_lib.review.store`) and every notebook of the review reads it from there, so each
page shows the same number for the same thing.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from kpi_lib.analyses.recommendations import diagnose, top_findings
from kpi_lib.analyses.sensitivity import effective_weights, monte_carlo_ranks, scorecard_inputs
from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine import compute_indicators, unavailable_indicators
from kpi_lib.indicators.periods import (
    WorkCalendar,
    cycle_label_granularity,
    cycle_scoring_cycle,
    cycle_scoring_granularity,
    period_bounds,
    working_days_between,
)
from kpi_lib.review.spec import ReviewSpec
from kpi_lib.review.validate import load_definitions, load_review_scheme
from kpi_lib.scoring.composite import Scorecard, score
from kpi_lib.scoring.decisions import (
    bonus_allocation,
    bonus_holds,
    certification_candidates,
    coaching_focus,
    commission_tiers,
    pip_candidates,
    rule_gaps,
    team_weak_spots,
)
from kpi_lib.scoring.schemes import Scheme, review_scheme
from kpi_lib.scoring.smallsample import shrinkage_effect
from kpi_lib.scoring.targets import (
    attainability,
    combine_targets,
    indicators_to_date,
    partial_targets,
    period_targets,
    progress_board,
    targets_from_scheme,
    targets_from_table,
)

__all__ = [
    "Review",
    "agent_outcomes",
    "compute_review",
    "diverse_findings",
    "pip_rule",
    "skipped_sections",
    "team_subset",
]


@dataclass
class Review:
    """Everything a review shows, as tidy tables (see :func:`compute_review`).

    Attributes
    ----------
    spec : ReviewSpec
        The resolved specification (its ``hash`` identifies the review on every page).
    dataset : Dataset
        The validated data (rows set aside are in its quarantine and load report).
    scheme : Scheme
    definitions : Definitions
    indicators, team_indicators : DataFrame
        Indicator tables at the cycle's scoring granularity (agent and team level), for the
        reviewed teams.
    monthly_indicators : DataFrame
        Agent-month indicators over the conflict-diagnosis window.
    scorecard : Scorecard
        Scores of every period (history for certification and PIP).
    current : Scorecard
        The scored period only.
    board : DataFrame
        Red / yellow / green board: ``agent_id``, ``team_id``, ``indicator``, ``value``,
        ``target``, ``attainment``, ``light`` (weekly: against pro-rated targets).
    leaderboard : DataFrame
        ``current.agents`` with ``agent_name`` and the rank interval under weight noise
        (``rank_low``, ``rank_high``, ``rank_median``, ``p_top_k``, ``p_bottom_k``,
        ``any_flip``), best first.
    bonus, commission, certification, pip, coaching, weak_spots : DataFrame
        The decisions of :mod:`kpi_lib.scoring.decisions` for the scored period
        (``certification``: every agent's record; :attr:`certified`: the candidates now). A
        decision the data cannot support is an empty table and a ``skipped`` note.
    attainability, shrinkage : DataFrame
        How reachable the targets are; what shrinking small samples does to satisfaction.
    diagnosis : dict of str to DataFrame
        Conflict and gaming analyses over the conflict window (``skipped`` lists the analyses
        the data could not support).
    findings : DataFrame
        The strongest findings, ranked (see ``top_findings``).
    scheme_findings, effective : DataFrame
        Scheme review and effective weights.
    unavailable : DataFrame
        Indicators the dataset cannot provide and why (``unavailable_indicators``).
    notes : list of dict
        Things decided on the reader's behalf: ``{"code": ..., **values}``, never sentences;
        the report layer words them in the review's language. Among them ``{"code":
        "scoring", "note": <code>, ...}`` (a :attr:`Scorecard.notes` record, its ``code``
        under ``note``) and ``{"code": "skipped", "section", "reason"}`` with ``reason`` a
        code: ``needs``/``not_scored``/``no_scores``/``off`` (:func:`rule_gaps`, with
        ``indicators`` and ``needs``), ``partial_period`` (with ``period`` and ``as_of``) or
        ``error`` (the decision raised: ``error`` is the exception's class and ``detail`` its
        English message, for analysts).
    timings : dict
        Seconds spent per step.
    """

    spec: ReviewSpec
    dataset: Dataset
    scheme: Scheme
    definitions: Definitions
    indicators: pd.DataFrame
    team_indicators: pd.DataFrame
    monthly_indicators: pd.DataFrame
    scorecard: Scorecard
    current: Scorecard
    board: pd.DataFrame
    leaderboard: pd.DataFrame
    bonus: pd.DataFrame
    commission: pd.DataFrame
    certification: pd.DataFrame
    pip: pd.DataFrame
    coaching: pd.DataFrame
    weak_spots: pd.DataFrame
    attainability: pd.DataFrame
    shrinkage: pd.DataFrame
    diagnosis: dict
    findings: pd.DataFrame
    scheme_findings: pd.DataFrame
    effective: pd.DataFrame
    unavailable: pd.DataFrame
    notes: list = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    # convenient names used by every page
    @property
    def cycle(self) -> str:
        return self.spec.cycle

    @property
    def period(self) -> str:
        return self.spec.period

    @property
    def language(self) -> str:
        return self.spec.language

    @property
    def teams(self) -> list[str]:
        return self.spec.teams

    @property
    def granularity(self) -> str:
        """Granularity of the review's period label (``week`` for a weekly review...)."""
        return cycle_label_granularity(self.spec.cycle)

    @property
    def scored_period(self) -> str:
        return self.spec.windows["scored_period"]

    @property
    def previous(self) -> str | None:
        return self.spec.windows.get("previous_period") or None

    def analysis(self, name: str, *, where: str | None = None) -> pd.DataFrame:
        """One table of the diagnosis; empty when the data could not support that analysis
        (``diagnosis["skipped"]`` says why). ``where``: keep the rows whose boolean column of
        that name is true (``"flagged"``, ``"confident"``)."""
        table = self.diagnosis.get(name)
        if not isinstance(table, pd.DataFrame):
            return pd.DataFrame()
        if where is not None and len(table):
            table = table[table[where].astype(bool)].reset_index(drop=True)
        return table

    @property
    def certified(self) -> pd.DataFrame:
        """Certification candidates now: the qualifying streak runs up to the scored period
        (``certification`` holds every agent's record, for context)."""
        c = self.certification
        rule = self.scheme.rule("certification")
        if c.empty or "current_streak" not in c or rule is None:
            return c
        needed = int(rule.get("consecutive", 2))
        now = c["eligible"] & (c["current_streak"] >= needed)
        if "last_period" in c:
            # a streak that ended before the scored period is history, not a candidate now
            now &= c["last_period"].astype(str) == str(self.scored_period)
        return c[now].reset_index(drop=True)

    @property
    def pip_rule(self) -> dict:
        """The improvement-plan rule applied: the scheme's ``rules.pip``, with any ``pip_*``
        review setting given in its place."""
        return pip_rule(self.spec, self.scheme)

    @property
    def agent_names(self) -> dict[str, str]:
        agents = self.dataset.agents
        return dict(zip(agents["agent_id"], agents["agent_name"], strict=False))


def pip_rule(spec: ReviewSpec, scheme: Scheme) -> dict:
    """``bottom_tiers``, ``min_count`` and ``window`` of the improvement plan: the review
    settings ``pip_*`` where given (non-zero), else the scheme's ``rules.pip``."""
    rule = scheme.rule("pip") or {"bottom_tiers": 1, "min_count": 2, "window": 3}
    return {
        "bottom_tiers": int(spec.pip_bottom_tiers or rule["bottom_tiers"]),
        "min_count": int(spec.pip_min_count or rule["min_count"]),
        "window": int(spec.pip_window or rule["window"]),
    }


def team_subset(data: Dataset, teams: list[str]) -> Dataset:
    """The dataset restricted to the agents of ``teams`` (every table with an agent id; team
    and agent targets of those teams; global targets kept). A team review shows that team's
    agents only, on every page.
    """
    if not teams:
        return data
    agents = data.agents[data.agents["team_id"].astype(str).isin(teams)]
    keep = set(agents["agent_id"].astype(str))
    tables = {}
    for name, df in data.tables.items():
        if name == "agents":
            tables[name] = agents.reset_index(drop=True)
        elif "agent_id" in df:
            tables[name] = df[df["agent_id"].astype(str).isin(keep)].reset_index(drop=True)
        elif name == "targets" and {"scope", "scope_id"} <= set(df):
            scope = df["scope"].astype(str)
            scope_id = df["scope_id"].astype(str)
            mine = (
                ((scope == "agent") & scope_id.isin(keep))
                | ((scope == "team") & scope_id.isin(teams))
                | ~scope.isin(["agent", "team"])
            )
            tables[name] = df[mine].reset_index(drop=True)
        else:
            tables[name] = df
    return replace(data, tables=tables)


def _targets(spec: ReviewSpec, data: Dataset, scheme: Scheme) -> pd.DataFrame | None:
    if spec.targets == "dataset":
        return targets_from_table(data["targets"]) if data.has("targets") else None
    if spec.targets == "scheme":
        return targets_from_scheme(scheme)
    return None


def _partial_period_notes(data: Dataset, periods: list[str]) -> list[dict]:
    """Note a compared period the data covers only in part (e.g. a year starting in
    November): its scores and targets rest on fewer days."""
    started = data["calls"]["started_at"]
    first, last = started.min(), started.max()
    notes = []
    for period in periods:
        start, end, _ = period_bounds(period)
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        covered_from = max(start, first.normalize())
        covered_to = min(end, last.normalize() + pd.Timedelta(days=1))
        share = max((covered_to - covered_from).days, 0) / max((end - start).days, 1)
        if share < 0.9:
            notes.append({"code": "partial_period", "period": period, "share": share})
    return notes


def _weekly_scoring_input(data, indicators, targets, scheme, w, calendar, defs):
    """What a weekly review scores: the month to date, and the previous month over the same
    number of working days (``previous_from`` to ``previous_to``), each against targets
    pro-rated to its working days; earlier months stay whole.

    Returns ``(scored_input, scored_targets, to_date, spans)``; ``spans`` maps each period
    scored to date to its last day.
    """
    scored_period = w["scored_period"]
    spans = {scored_period: w["as_of"]}
    previous, previous_to = w.get("previous_period"), w.get("previous_to")
    if previous and previous_to:
        _, p_end, _ = period_bounds(previous)
        if pd.Timestamp(previous_to) < pd.Timestamp(p_end) - pd.Timedelta(days=1):
            spans[previous] = previous_to
    parts = {
        period: indicators_to_date(data, period=period, as_of=as_of, definitions=defs)
        for period, as_of in spans.items()
    }
    to_date = parts[scored_period]
    scored_input = pd.concat(
        [indicators[~indicators["period"].astype(str).isin(spans)], *parts.values()],
        ignore_index=True,
    )
    if w.get("scored_complete", False):
        return scored_input, targets, to_date, spans
    full = combine_targets(targets, targets_from_scheme(scheme))
    pro = [
        period_targets(full, period=period, as_of=as_of, calendar=calendar)
        for period, as_of in spans.items()
    ]
    # the pro-rated rows replace the full-period rows of those periods (equally specific rows
    # would otherwise tie)
    rest = None
    if targets is not None and len(targets):
        rest = targets[~targets["period"].fillna("").astype(str).isin(spans)]
    return scored_input, combine_targets(*pro, rest), to_date, spans


def _team_to_date(data, team_indicators, w, calendar, defs) -> pd.DataFrame:
    """Team indicators of a weekly review's month: to date, and team target attainment
    against the team's target pro-rated to the working days elapsed (as the board)."""
    scored_period = w["scored_period"]
    to_date = indicators_to_date(
        data, period=scored_period, as_of=w["as_of"], definitions=defs, level="team"
    )
    if not w.get("scored_complete", False):
        start, end, _ = period_bounds(scored_period)
        total = working_days_between(start, pd.Timestamp(end) - pd.Timedelta(days=1), calendar)
        share = working_days_between(start, w["as_of"], calendar) / total if total else 1.0
        attain = to_date["indicator"] == "team_target_attainment"
        if share > 0 and attain.any():
            to_date = to_date.copy()
            to_date.loc[attain, "denominator"] = to_date.loc[attain, "denominator"] * share
            to_date.loc[attain, "value"] = (
                to_date.loc[attain, "numerator"] / to_date.loc[attain, "denominator"]
            )
    rest = team_indicators[team_indicators["period"].astype(str) != scored_period]
    return pd.concat([rest, to_date], ignore_index=True)


def _previous_span_notes(w, spans: dict) -> list[dict]:
    """Say that the previous month is compared over the same working days, not whole."""
    previous = w.get("previous_period")
    if not previous or previous not in spans:
        return []
    return [
        {
            "code": "previous_span",
            "previous": previous,
            "previous_from": w["previous_from"],
            "previous_to": w["previous_to"],
            "period": w["scored_period"],
            "as_of": w["as_of"],
            "working_days": int(w.get("working_days", 0)),
        }
    ]


def _partial_target_notes(targets, current, granularity, period, scheme) -> list[dict]:
    """A note naming the indicators whose quarter or year target is rolled up from only some of an
    agent's months (agents who joined or left, months without a target)."""
    partial = partial_targets(targets, granularity, periods=[period], scope="agent")
    if partial.empty:
        return []
    scored = set(current.agents["agent_id"].astype(str))
    partial = partial[
        partial["scope_id"].astype(str).isin(scored)
        & partial["indicator"].isin(scheme.indicator_ids)
    ]
    if partial.empty:
        return []
    return [
        {
            "code": "partial_target",
            "period": period,
            "indicators": sorted(partial["indicator"].unique()),
            "agents": int(partial["scope_id"].nunique()),
            "agent_ids": sorted(partial["scope_id"].astype(str).unique())[:10],
            "months_in_period": int(partial["months_in_period"].iloc[0]),
        }
    ]


def _diverse(findings: pd.DataFrame, *, limit: int, per_kind: int) -> pd.DataFrame:
    """The strongest findings, at most ``per_kind`` of each kind, so that one kind of signal
    (say eight threshold padders) does not hide the others."""
    if findings.empty:
        return findings
    kept = findings.groupby("kind", sort=False, group_keys=False).head(per_kind)
    return kept.sort_values("rank").head(limit).reset_index(drop=True)


def compute_review(spec: ReviewSpec, data: Dataset, *, notes: list | None = None) -> Review:
    """Compute every shared table of one review.

    Parameters
    ----------
    spec : ReviewSpec
        Resolved with :func:`~kpi_lib.review.validate.resolve_spec` (its ``windows`` set).
    data : Dataset
        The dataset loaded through the validating loader.
    notes : list of dict, optional
        Notes of the run to show with the review's own (e.g. spot-check sheets read back).

    Returns
    -------
    Review

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.review import build_spec, resolve_spec
    >>> data = load_sample()
    >>> spec = resolve_spec(build_spec(overrides={"draws": 50, "n_boot": 20}), data)
    >>> review = compute_review(spec, data)
    >>> review.spec.windows["scored_period"], round(review.bonus["bonus"].sum())
    ('2026-04', 100000)
    >>> agent_outcomes(review).columns.tolist()  # doctest: +NORMALIZE_WHITESPACE
    ['agent_id', 'agent_name', 'team_id', 'composite', 'rank', 'tier', 'bonus', 'bonus_reason',
     'pip', 'certification']
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name):
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    if not spec.windows:
        raise ValueError("compute_review needs a resolved specification (see resolve_spec).")
    cycle = spec.cycle
    teams = spec.teams
    defs = load_definitions(spec)
    scheme = load_review_scheme(spec)
    granularity = cycle_scoring_granularity(cycle)
    w = spec.windows
    scored_period = w["scored_period"]
    notes: list[dict] = list(notes or [])
    adapted = spec.to_dict().get("adapted", {}).get("scheme")
    if adapted:
        # first: every page that shows scores shows this note prominently
        notes.insert(0, {"code": "scheme_adapted", "scheme": scheme.name, **adapted})
    data = team_subset(data, teams)

    with warnings.catch_warnings():
        # unavailable indicators are reported once, in `unavailable`, not as warnings
        warnings.filterwarnings("ignore", message="Skipping unavailable indicators")
        indicators = compute_indicators(data, granularity=granularity, definitions=defs)
        team_indicators = compute_indicators(
            data, granularity=granularity, level="team", definitions=defs
        )
    if granularity == "month":
        monthly = indicators
    else:
        monthly = compute_indicators(data, granularity="month", definitions=defs)
    lap("indicators")

    targets = _targets(spec, data, scheme)
    scored_input, scored_targets, to_date = indicators, targets, None
    calendar = WorkCalendar.from_text(w)
    if cycle == "weekly":
        scored_input, scored_targets, to_date, spans = _weekly_scoring_input(
            data, indicators, targets, scheme, w, calendar, defs
        )
        notes += _previous_span_notes(w, spans)
        team_indicators = _team_to_date(data, team_indicators, w, calendar, defs)
    scheme_cycle = cycle_scoring_cycle(cycle)
    scorecard = score(scored_input, scheme, targets=scored_targets, cycle=scheme_cycle)
    current = scorecard.for_period(scored_period)
    notes += [{**n, "code": "scoring", "note": n["code"]} for n in scorecard.notes]
    previous = w.get("previous_period") or None
    notes += _partial_period_notes(data, [p for p in (previous, scored_period) if p])
    notes += _partial_target_notes(targets, current, granularity, scored_period, scheme)
    if w.get("period_choice") == "latest_partial":
        notes.append({"code": "period_latest_partial", "period": spec.period, "cycle": cycle})
    lap("scorecard")

    if cycle == "weekly":
        board_targets = combine_targets(targets, targets_from_scheme(scheme))
        board = progress_board(
            to_date,
            board_targets,
            period=scored_period,
            as_of=w["as_of"],
            indicators=scheme.indicator_ids,
            calendar=calendar,
            **scheme.lights,
        )
        start, end, _ = period_bounds(scored_period)
        notes.append(
            {
                "code": "board.weekly",
                "as_of": w["as_of"],
                "period": scored_period,
                "working_days": working_days_between(start, w["as_of"], calendar),
                "working_days_total": working_days_between(
                    start, pd.Timestamp(end) - pd.Timedelta(days=1), calendar
                ),
            }
        )
    else:
        rows = current.indicators
        board = rows[rows["weight"] > 0][
            ["agent_id", "team_id", "indicator", "value", "target", "attainment", "light"]
        ].reset_index(drop=True)

    # leaderboard with rank intervals under weight noise
    # counts and rates are redrawn with the weights: rank intervals include sampling noise
    inputs = scorecard_inputs(scorecard, period=scored_period, indicators=scored_input)
    agents = current.agents.copy()
    names = dict(zip(data.agents["agent_id"], data.agents["agent_name"], strict=False))
    agents.insert(1, "agent_name", agents["agent_id"].map(names))
    mc_cols = ["rank_low", "rank_high", "rank_median", "p_top_k", "p_bottom_k", "any_flip"]
    if len(inputs["scores"]) >= 3 and len(inputs["weights"]) >= 2:
        mc = monte_carlo_ranks(
            **inputs,
            draws=spec.draws,
            size=spec.perturbation,
            seed=spec.seed,
            top_k=spec.top_k,
            bottom_k=spec.top_k,
        )
        agents = agents.merge(mc.agents[["agent_id", *mc_cols]], on="agent_id", how="left")
        agents["any_flip"] = agents["any_flip"].fillna(False).astype(bool)
    else:
        for c in mc_cols[:-1]:
            agents[c] = np.nan
        agents["any_flip"] = False
        notes.append({"code": "no_rank_study", "agents": int(len(inputs["scores"]))})
    leaderboard = agents.sort_values(["rank", "agent_id"], na_position="last").reset_index(
        drop=True
    )
    lap("rank_uncertainty")

    def decision(section: str, fn, *args, **kwargs) -> pd.DataFrame:
        # a decision whose inputs the scheme or data lack (no sales target for commission...)
        # is skipped with its reason; the rest goes on
        try:
            return fn(*args, **kwargs)
        except (KeyError, ValueError) as exc:
            notes.append(
                {
                    "code": "skipped",
                    "section": section,
                    "reason": "error",
                    "error": type(exc).__name__,
                    "detail": str(exc).strip("'\""),
                }
            )
            return pd.DataFrame(columns=["agent_id", "team_id"])

    bonus = bonus_allocation(current, pool=spec.bonus_pool, period=scored_period)
    # pay, promotion and improvement plans wait for a complete period (the weekly board's
    # month to date, a period the data cover only in part): skipped with the reason
    complete = bool(w.get("scored_complete", True))
    if not complete:
        # every agent listed, nobody paid, with the reason
        bonus = bonus.assign(eligible=False, share=0.0, bonus=0.0, reason="partial_period")
        for section in ("bonus", "commission", "certification", "pip"):
            notes.append(
                {
                    "code": "skipped",
                    "section": section,
                    "reason": "partial_period",
                    "reason_code": "partial_period",
                    "period": scored_period,
                    "as_of": min(w["as_of"], w["data_to"]),
                }
            )
    empty = pd.DataFrame(columns=["agent_id", "team_id"])
    commission = (
        decision("commission", commission_tiers, current, period=scored_period)
        if complete
        else empty
    )
    missing = unavailable_indicators(data, definitions=defs)
    gaps = rule_gaps(
        scheme, dict(zip(missing["indicator"], missing["missing_tables"], strict=True)), current
    ).set_index("rule")
    for rule, gap in gaps.iterrows():
        notes.append(
            {
                "code": "skipped",
                "section": rule,
                "reason": gap["reason"],
                "indicators": gap["indicators"],
                "needs": gap["needs"],
            }
        )
    certification = (
        empty
        if "certification" in gaps.index or not complete
        else decision(
            "certification",
            certification_candidates,
            scorecard,
            rule=scheme.rule("certification"),
            as_of=scored_period,
        )
    )
    ladder = [*scheme.tiers, scheme.bottom_tier]
    plan = pip_rule(spec, scheme)
    pip = (
        empty
        if "pip" in gaps.index or not complete
        else decision(
            "pip",
            pip_candidates,
            scorecard,
            as_of=scored_period,
            bottom_tiers=tuple(ladder[-plan["bottom_tiers"] :]),
            min_count=plan["min_count"],
            window=plan["window"],
        )
    )
    coaching = (
        empty
        if "coaching" in gaps.index
        else decision(
            "coaching",
            coaching_focus,
            current,
            period=scored_period,
            compare_to=(scheme.rule("coaching") or {}).get("compare_to", "team"),
        )
    )
    weak = decision("weak_spots", team_weak_spots, current, period=scored_period)
    reach = decision(
        "attainability",
        attainability,
        indicators,
        combine_targets(targets, targets_from_scheme(scheme)),
    )
    shrinkage = _shrinkage(
        scored_input, scheme, scored_targets, scheme_cycle, scorecard, scored_period
    )
    lap("decisions")

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        window = monthly
        if w.get("conflict_from"):
            keep = (window["period"].astype(str) >= w["conflict_from"]) & (
                window["period"].astype(str) <= w["conflict_to"]
            )
            window = window[keep]
        diagnosis = diagnose(
            window,
            data["calls"],
            agents=data.agents,
            surveys=data["surveys"] if data.has("surveys") else None,
            targets=data["targets"] if data.has("targets") else None,
            period_from=w.get("conflict_from") or None,
            period_to=w.get("conflict_to") or None,
            teams=teams or None,
            alpha=spec.alpha,
            definitions=defs,
            n_boot=spec.n_boot,
            seed=spec.seed,
        )
    findings = top_findings(diagnosis)
    lap("diagnosis")

    if complete and len(bonus):
        # a bonus waits when the period says too little about the agent or a gaming check
        # flags the agent; the evidence (calls, rank interval, the flag) goes with it
        dials = scored_input[
            (scored_input["indicator"] == "dials")
            & (scored_input["period"].astype(str) == scored_period)
        ]
        holds = bonus_holds(
            leaderboard,
            gaming_flags=diagnosis,
            calls=dials[["agent_id", "value"]] if len(dials) else None,
        )
        bonus = bonus_allocation(current, pool=spec.bonus_pool, period=scored_period, holds=holds)

    available = sorted(indicators.dropna(subset=["value"])["indicator"].unique())
    scheme_findings = review_scheme(scheme, available=available)
    effective = (
        effective_weights(inputs["scores"], inputs["weights"], method=inputs["method"])
        if len(inputs["scores"]) >= 3 and len(inputs["weights"]) >= 2
        else pd.DataFrame(columns=["indicator", "weight", "variance_share", "influence"])
    )
    lap("scheme")

    return Review(
        spec=spec,
        dataset=data,
        scheme=scheme,
        definitions=defs,
        indicators=indicators,
        team_indicators=team_indicators,
        monthly_indicators=monthly,
        scorecard=scorecard,
        current=current,
        board=board,
        leaderboard=leaderboard,
        bonus=bonus,
        commission=commission,
        certification=certification,
        pip=pip,
        coaching=coaching,
        weak_spots=weak,
        attainability=reach,
        shrinkage=shrinkage,
        diagnosis=diagnosis,
        findings=findings,
        scheme_findings=scheme_findings,
        effective=effective,
        unavailable=missing,
        notes=notes,
        timings=timings,
    )


def _shrinkage(indicators, scheme, targets, cycle, scorecard, period) -> pd.DataFrame:
    """What empirical-Bayes shrinkage does to satisfaction and the ranking (when scored)."""
    indicator = "satisfaction_rate"
    if indicator not in scheme.indicator_ids:
        return pd.DataFrame()
    shrunk = score(indicators, scheme, targets=targets, cycle=cycle, shrink=True)
    try:
        return shrinkage_effect(
            scorecard.indicators,
            shrunk.indicators,
            scorecard.agents,
            shrunk.agents,
            indicator=indicator,
            period=period,
        )
    except (KeyError, ValueError):
        return pd.DataFrame()


def skipped_sections(review: Review) -> pd.DataFrame:
    """What the review could not compute on this data, and why (for the manifest and pages).

    Returns
    -------
    DataFrame
        ``section`` (a decision such as ``certification``, or ``diagnosis.<analysis>``),
        ``reason`` (a code: ``needs``, ``not_scored``, ``no_scores``, ``off``,
        ``partial_period``, ``error``; for an analysis of the diagnosis its ``reason_code``
        when it has one, else its own sentence), ``indicators`` and ``needs``
        (comma-separated, may be empty), ``detail`` (for ``error``: the exception's message,
        else empty); plus ``scheme`` rows for indicators the adapted scheme dropped.
    """
    rows = []
    for note in review.notes:
        if note.get("code") == "skipped":
            rows.append(
                {
                    "section": note["section"],
                    "reason": note["reason"],
                    "indicators": note.get("indicators", ""),
                    "needs": note.get("needs", ""),
                    "detail": note.get("detail", ""),
                }
            )
        elif note.get("code") == "scheme_adapted":
            for d in note["dropped"]:
                rows.append(
                    {
                        "section": f"scheme.{d['role']}",
                        "reason": "needs",
                        "indicators": d["indicator"],
                        "needs": d["needs"],
                        "detail": "",
                    }
                )
    skipped = review.diagnosis.get("skipped")
    if isinstance(skipped, pd.DataFrame):
        for r in skipped.itertuples():
            rows.append(
                {
                    "section": f"diagnosis.{r.analysis}",
                    "reason": getattr(r, "reason_code", None) or r.reason,
                    "indicators": "",
                    "needs": getattr(r, "table", "") or "",
                    "detail": "",
                }
            )
    return pd.DataFrame(rows, columns=["section", "reason", "indicators", "needs", "detail"])


def diverse_findings(review: Review) -> pd.DataFrame:
    """The findings the period review shows: the strongest, a few of each kind."""
    return _diverse(review.findings, limit=int(review.spec.health_findings), per_kind=3)


def agent_outcomes(review: Review) -> pd.DataFrame:
    """One row per scored agent with every decision of the review.

    Returns
    -------
    DataFrame
        ``agent_id``, ``agent_name``, ``team_id``, ``composite``, ``rank``, ``tier``,
        ``bonus`` (amount), ``bonus_reason`` (the code of ``bonus_allocation``: why not
        eligible), ``pip`` (bool), ``certification`` (bool), in leaderboard order. Every page that shows one of these numbers shows this one.
    """
    lb = review.leaderboard[["agent_id", "agent_name", "team_id", "composite", "rank", "tier"]]
    bonus = review.bonus[["agent_id", "bonus", "reason"]].rename(columns={"reason": "bonus_reason"})
    out = lb.merge(bonus, on="agent_id", how="left")
    out["bonus"] = out["bonus"].fillna(0.0)
    out["bonus_reason"] = out["bonus_reason"].fillna("")
    out["pip"] = out["agent_id"].isin(review.pip.get("agent_id", pd.Series(dtype=str)))
    out["certification"] = out["agent_id"].isin(
        review.certified.get("agent_id", pd.Series(dtype=str))
    )
    return out.reset_index(drop=True)
