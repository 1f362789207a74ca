"""The period review a manager reads: every section computed from the data, then rendered.

:func:`build_review` runs the scoring, sensitivity, decision and conflict analyses for one
period and keeps their tidy tables in a :class:`PeriodReview`; the ``*_html`` functions turn
those tables into the sections of the report, in English or Chinese. The notebook
``period_review.ipynb`` only calls these.
"""

from __future__ import annotations

import base64
import html
import io
import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.recommendations import diagnose, top_findings
from kpi_lib.analyses.sensitivity import effective_weights, monte_carlo_ranks, scorecard_inputs
from kpi_lib.data.dataset import Dataset
from kpi_lib.data.load import load_dataset
from kpi_lib.indicators.catalogue import CATALOGUE, dimension_label, label
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine import compute_indicators
from kpi_lib.indicators.periods import parse_period, period_bounds
from kpi_lib.paths import resolve
from kpi_lib.report.review_text import LANGUAGES, TEXTS, text
from kpi_lib.scoring.composite import Scorecard, score
from kpi_lib.scoring.decisions import (
    SENIOR_RULE,
    bonus_allocation,
    certification_candidates,
    coaching_focus,
    pip_candidates,
    team_weak_spots,
)
from kpi_lib.scoring.schemes import Scheme, load_scheme, review_scheme
from kpi_lib.scoring.targets import indicators_to_date, progress_board, targets_from_table

__all__ = [
    "CYCLES",
    "PeriodReview",
    "build_review",
    "format_value",
    "headline_html",
    "board_table",
    "board_html",
    "leaderboard_table",
    "leaderboard_html",
    "decisions_html",
    "health_html",
    "scheme_html",
    "agent_page_data",
    "agent_pages_html",
    "data_html",
    "notes_html",
    "text",
]

CYCLES = ("weekly", "monthly", "quarterly", "annual")
_GRANULARITY = {"weekly": "month", "monthly": "month", "quarterly": "quarter", "annual": "year"}
_SCORING_CYCLE = {
    "weekly": "monthly",
    "monthly": "monthly",
    "quarterly": "quarterly",
    "annual": "annual",
}
_LIGHT_COLOURS = {"green": "#2da44e", "yellow": "#e3b341", "red": "#cf222e", "": "#d0d7de"}


@dataclass
class PeriodReview:
    """Everything the period review shows, as tidy tables (see :func:`build_review`)."""

    period: str
    cycle: str
    language: str
    dataset: Dataset
    scheme: Scheme
    teams: list[str]
    indicators: pd.DataFrame
    team_indicators: pd.DataFrame
    scorecard: Scorecard
    current: Scorecard
    previous: str | None
    board: pd.DataFrame
    leaderboard: pd.DataFrame
    bonus: pd.DataFrame
    certification: pd.DataFrame
    pip: pd.DataFrame
    coaching: pd.DataFrame
    weak_spots: pd.DataFrame
    findings: pd.DataFrame
    scheme_findings: pd.DataFrame | None
    effective: pd.DataFrame | None
    settings: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def t(self, key: str, **values) -> str:
        """A sentence of the review in the review's language."""
        return text(key, self.language, **values)

    def label(self, indicator: str) -> str:
        return label(indicator, self.language)


# ------------------------------------------------------------------------------ formatting


def format_value(indicator: str, value) -> str:
    """An indicator value as a manager reads it (percentages, currency, seconds...)."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)) or pd.isna(value):
        return "–"
    unit = CATALOGUE[indicator].unit if indicator in CATALOGUE else ""
    if unit == "share":
        return f"{value:.1%}"
    if unit == "currency":
        return f"{value:,.0f}"
    if unit == "seconds":
        return f"{value:.0f} s"
    if unit == "minutes":
        return f"{value:,.0f} min"
    if unit.startswith("score") or unit.startswith("level"):
        return f"{value:.2f}"
    if unit.startswith("per 100"):
        return f"{value:.1f}"
    if float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def _html_table(df: pd.DataFrame, *, cell_styles: pd.DataFrame | None = None) -> str:
    """A plain, readable HTML table (escaped), optionally with per-cell inline styles."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for i in range(len(df)):
        cells = []
        for j, col in enumerate(df.columns):
            style = ""
            if cell_styles is not None and col in cell_styles.columns:
                s = cell_styles.iloc[i][col]
                style = f' style="{s}"' if isinstance(s, str) and s else ""
            cells.append(f"<td{style}>{html.escape(str(df.iloc[i, j]))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="kpi-table" style="border-collapse:collapse;font-size:0.9em">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _headers(review: PeriodReview, df: pd.DataFrame) -> pd.DataFrame:
    """Column headers in the review's language (keys ``col.<name>`` of the review texts)."""
    return df.rename(columns={c: review.t(f"col.{c}") for c in df.columns if f"col.{c}" in TEXTS})


def _table(review: PeriodReview, df: pd.DataFrame) -> str:
    return _html_table(_headers(review, df))


def _p(textvalue: str) -> str:
    return f"<p>{html.escape(textvalue)}</p>"


def _h(level: int, textvalue: str) -> str:
    return f"<h{level}>{html.escape(textvalue)}</h{level}>"


def _png(fig) -> str:
    """A matplotlib figure as an embedded <img> (the HTML stays one self-contained file)."""
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img alt="chart" src="data:image/png;base64,{data}"/>'


# ------------------------------------------------------------------------------ building


def _agent_names(ds: Dataset) -> dict[str, str]:
    agents = ds.agents
    return dict(zip(agents["agent_id"], agents["agent_name"], strict=False))


def build_review(
    dataset: str | Dataset,
    *,
    period: str | None = None,
    cycle: str = "monthly",
    scheme: str | Scheme = "default",
    team: str = "",
    language: str = "en",
    definitions: str | dict | None = None,
    bonus_pool: float = 100_000.0,
    top_k: int = 10,
    draws: int = 1000,
    perturbation: float = 0.2,
    seed: int = 0,
    health_findings: int = 10,
    n_boot: int = 200,
) -> PeriodReview:
    """Compute every section of the period review.

    Parameters
    ----------
    dataset : str or Dataset
        Dataset folder (relative to the project root) or a loaded dataset.
    period : str, optional
        Period label of the cycle (``2026-10`` monthly, ``2026-Q3`` quarterly, ``2026``
        annual, ``2026-W43`` weekly). Default: the latest period in the data.
    cycle : {"weekly", "monthly", "quarterly", "annual"}
        Decides what is assessed: monthly scores efficiency and performance indicators,
        quarterly adds quality and growth, annual covers everything (scheme cycles). The
        weekly cycle shows month-to-date progress against pro-rated targets.
    scheme : str or Scheme
        Weight scheme name (``params/schemes/<name>.yaml``) or path.
    team : str
        Comma-separated team ids to review; empty for every team.
    language : {"en", "zh-Hans", "zh-Hant"}
    definitions : str or dict, optional
        Indicator definitions (YAML path or mapping); default definitions otherwise.
    bonus_pool : float
        Bonus pool distributed by composite score.
    top_k : int
        Size of the bonus (top) and PIP-watch (bottom) groups in the rank-uncertainty study.
    draws, perturbation, seed
        Monte Carlo weight perturbation: number of draws, relative size, seed.
    health_findings : int
        How many conflict / gaming findings the indicator-health section shows.
    n_boot : int
        Bootstrap replicates of the bunching estimator.

    Returns
    -------
    PeriodReview
    """
    check_option("cycle", cycle, CYCLES)
    check_option("language", language, LANGUAGES)
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    defs = None
    if definitions:
        defs = Definitions.from_yaml(
            resolve(definitions) if isinstance(definitions, str) else definitions
        )
    scheme = load_scheme(scheme)
    granularity = _GRANULARITY[cycle]
    notes: list[str] = []

    indicators = compute_indicators(ds, granularity=granularity, definitions=defs)
    team_indicators = compute_indicators(
        ds, granularity=granularity, level="team", definitions=defs
    )
    teams = [t.strip() for t in team.split(",") if t.strip()] if team else []
    if teams:
        known = sorted(ds.agents["team_id"].unique())
        unknown = [t for t in teams if t not in known]
        if unknown:
            raise ValueError(
                f"The value for `team` names unknown team(s) {unknown}; teams in the data: {known}."
            )
        indicators = indicators[indicators["team_id"].isin(teams)]
        team_indicators = team_indicators[team_indicators["team_id"].isin(teams)]

    order = (
        indicators[["period", "period_start"]]
        .drop_duplicates("period")
        .sort_values("period_start")["period"]
        .astype(str)
        .tolist()
    )
    week = None
    if cycle == "weekly":
        week = period or None
        if week is None:
            raise ValueError("The weekly cycle needs a week period such as 2026-W43.")
        parsed = parse_period(week)
        if parsed.granularity != "week":
            raise ValueError(f"The weekly cycle needs a week label such as 2026-W43, not {week!r}.")
        _, week_end, _ = period_bounds(week)
        as_of = pd.Timestamp(week_end) - pd.Timedelta(days=1)
        month_period = as_of.strftime("%Y-%m")
        scored_period = month_period
    else:
        scored_period = period or order[-1]
        if scored_period not in order:
            raise KeyError(
                f"Period {scored_period!r} is not in the data for the {cycle} cycle; "
                f"periods: {', '.join(order)}."
            )
    targets = targets_from_table(ds["targets"]) if ds.has("targets") else None

    scored_input = indicators
    if cycle == "weekly":
        to_date = indicators_to_date(ds, period=scored_period, as_of=as_of)
        if teams:
            to_date = to_date[to_date["team_id"].isin(teams)]
        scored_input = pd.concat(
            [indicators[indicators["period"] != scored_period], to_date], ignore_index=True
        )
    scorecard = score(scored_input, scheme, targets=targets, cycle=_SCORING_CYCLE[cycle])
    current = scorecard.for_period(scored_period)
    idx = order.index(scored_period) if scored_period in order else len(order)
    previous = order[idx - 1] if idx > 0 else None
    notes += list(scorecard.notes)
    notes += _partial_period_notes(ds, [p for p in (previous, scored_period) if p], language)

    # red / yellow / green board
    if cycle == "weekly":
        board = progress_board(
            to_date,
            targets if targets is not None else pd.DataFrame(),
            period=scored_period,
            as_of=as_of,
            indicators=scheme.indicator_ids,
        )
        elapsed = (as_of.normalize() - pd.Timestamp(period_bounds(scored_period)[0])).days + 1
        total = (
            pd.Timestamp(period_bounds(scored_period)[1])
            - pd.Timestamp(period_bounds(scored_period)[0])
        ).days
        notes.append(
            text("board.weekly", language, elapsed=elapsed, total=total, period=scored_period)
        )
    else:
        rows = current.indicators
        board = rows[rows["weight"] > 0][
            ["agent_id", "team_id", "indicator", "value", "target", "attainment", "light"]
        ].copy()

    # leaderboard with rank intervals from the weight-sensitivity analysis
    inputs = scorecard_inputs(scorecard, period=scored_period)
    mc = None
    if len(inputs["scores"]) >= 3 and len(inputs["weights"]) >= 2:
        mc = monte_carlo_ranks(
            **inputs, draws=draws, size=perturbation, seed=seed, top_k=top_k, bottom_k=top_k
        )
    agents = current.agents.copy()
    names = _agent_names(ds)
    agents.insert(1, "agent_name", agents["agent_id"].map(names))
    if mc is not None:
        cols = [
            "agent_id",
            "rank_low",
            "rank_high",
            "rank_median",
            "p_top_k",
            "p_bottom_k",
            "any_flip",
        ]
        agents = agents.merge(mc.agents[cols], on="agent_id", how="left")
    else:
        for c in ("rank_low", "rank_high", "rank_median", "p_top_k", "p_bottom_k"):
            agents[c] = np.nan
        agents["any_flip"] = False
    leaderboard = agents.sort_values(["rank", "agent_id"], na_position="last").reset_index(
        drop=True
    )

    # decisions
    history = scorecard
    bonus = bonus_allocation(current, pool=bonus_pool, period=scored_period)
    certification = certification_candidates(history, as_of=scored_period)
    # candidates now: the qualifying streak runs up to the reviewed period
    needed = SENIOR_RULE["consecutive"]
    certification = certification[
        certification["eligible"] & (certification["current_streak"] >= needed)
    ].reset_index(drop=True)
    pip = pip_candidates(history, as_of=scored_period)
    coaching = coaching_focus(current, period=scored_period)
    weak = team_weak_spots(current, period=scored_period)

    # indicator health: conflicts and gaming over the review window
    window_start = order[max(0, idx - 5)] if order else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        diagnosis = diagnose(
            indicators,
            ds["calls"],
            agents=ds.agents,
            surveys=ds["surveys"] if ds.has("surveys") else None,
            targets=ds["targets"] if ds.has("targets") else None,
            period_from=window_start,
            period_to=scored_period,
            teams=teams or None,
            n_boot=n_boot,
            seed=seed,
        )
    findings = _diverse(top_findings(diagnosis), limit=health_findings, per_kind=3)

    scheme_findings = None
    effective = None
    if cycle in ("quarterly", "annual"):
        scheme_findings = review_scheme(scheme)
        effective = effective_weights(inputs["scores"], inputs["weights"], method=inputs["method"])

    return PeriodReview(
        period=week or scored_period,
        cycle=cycle,
        language=language,
        dataset=ds,
        scheme=scheme,
        teams=teams,
        indicators=indicators,
        team_indicators=team_indicators,
        scorecard=scorecard,
        current=current,
        previous=previous,
        board=board,
        leaderboard=leaderboard,
        bonus=bonus,
        certification=certification,
        pip=pip,
        coaching=coaching,
        weak_spots=weak,
        findings=findings,
        scheme_findings=scheme_findings,
        effective=effective,
        settings={
            "scored_period": scored_period,
            "bonus_pool": bonus_pool,
            "top_k": top_k,
            "draws": draws,
            "perturbation": perturbation,
            "seed": seed,
        },
        notes=notes,
    )


def _partial_period_notes(ds: Dataset, periods: list[str], language: str) -> list[str]:
    """Warn when a compared period is only partly covered by the data (e.g. a first year
    that starts in November), since its scores and targets rest on fewer months."""
    started = ds["calls"]["started_at"]
    first, last = started.min(), started.max()
    notes = []
    for period in periods:
        start, end, _ = period_bounds(period)
        start, end = pd.Timestamp(start), pd.Timestamp(end)
        covered_from = max(start, first.normalize())
        covered_to = min(end, last.normalize() + pd.Timedelta(days=1))
        share = max((covered_to - covered_from).days, 0) / max((end - start).days, 1)
        if share < 0.9:
            notes.append(text("partial_period", language, period=period, share=share))
    return notes


def _diverse(findings: pd.DataFrame, *, limit: int, per_kind: int) -> pd.DataFrame:
    """The strongest findings, at most ``per_kind`` of each kind, so that one kind of
    signal (say eight threshold padders) does not hide the others."""
    if findings.empty:
        return findings
    kept = findings.groupby("kind", sort=False, group_keys=False).head(per_kind)
    return kept.sort_values("rank").head(limit).reset_index(drop=True)


# ------------------------------------------------------------------------------ sections


def _team_text(review: PeriodReview) -> str:
    return ", ".join(review.teams) if review.teams else review.t("all_teams")


def headline_html(review: PeriodReview) -> str:
    """Title, what is assessed, team attainment, score distribution and movement."""
    cycle_name = review.t(f"cycle.{review.cycle}")
    agents = review.current.agents
    weights = review.current.indicators.query("weight > 0")["indicator"].unique()
    dims = review.current.dimensions["dimension"].unique()
    parts = [
        _h(1, review.t("title", cycle_name=cycle_name, period=review.period)),
        _p(
            review.t(
                "intro",
                team=_team_text(review),
                scheme=review.scheme.name,
                n_agents=agents["agent_id"].nunique(),
                n_indicators=len(weights),
                dimensions=", ".join(dimension_label(d, review.language) for d in dims),
                dataset=review.dataset.name,
            )
        ),
        _p(review.t("assessed", what=review.t(f"assessed.{review.cycle}"))),
        _h(2, review.t("h.headline")),
    ]
    items = []
    attain = review.team_indicators[
        (review.team_indicators["indicator"] == "team_target_attainment")
        & (review.team_indicators["period"] == review.settings["scored_period"])
    ]
    if len(attain) and attain["value"].notna().any():
        overall = attain["numerator"].sum() / attain["denominator"].sum()
        per_team = ", ".join(
            f"{r.team_id} {r.value:.0%}" for r in attain.dropna(subset=["value"]).itertuples()
        )
        items.append(review.t("headline.attainment", value=f"{overall:.0%} ({per_team})"))
    else:
        items.append(review.t("headline.no_target"))
    comp = agents["composite"].dropna()
    tiers = agents["tier"].value_counts().sort_index()
    items.append(
        review.t(
            "headline.composite",
            median=comp.median(),
            q1=comp.quantile(0.25),
            q3=comp.quantile(0.75),
            tiers=", ".join(f"{k} {v}" for k, v in tiers.items() if k),
        )
    )
    items.append(_movement_text(review))
    parts.append("<ul>" + "".join(f"<li>{html.escape(i)}</li>" for i in items) + "</ul>")
    return "\n".join(parts)


def _movement_text(review: PeriodReview) -> str:
    if review.previous is None:
        return review.t("headline.no_previous")
    prev = review.scorecard.for_period(review.previous).agents
    now = review.current.agents
    both = now.merge(prev, on="agent_id", suffixes=("", "_prev"))
    order = {t: i for i, t in enumerate(review.scheme.tiers)}
    bottom = len(order)
    now_pos = both["tier"].map(lambda t: order.get(t, bottom))
    prev_pos = both["tier_prev"].map(lambda t: order.get(t, bottom))
    return review.t(
        "headline.movement",
        previous=review.previous,
        delta=now["composite"].median() - prev["composite"].median(),
        up=int((now_pos < prev_pos).sum()),
        down=int((now_pos > prev_pos).sum()),
    )


def board_table(review: PeriodReview, *, max_agents: int = 40) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The red / yellow / green board as (values, lights): agents x indicators.

    Agents with the most red lights come first; at most ``max_agents`` rows.
    """
    board = review.board
    names = _agent_names(review.dataset)
    reds = board.assign(red=board["light"].eq("red")).groupby("agent_id")["red"].sum()
    order = reds.sort_values(ascending=False, kind="stable").index[:max_agents]
    sub = board[board["agent_id"].isin(order)]
    text_values = sub.assign(
        cell=[
            f"{format_value(i, v)} ({a:.0%})" if np.isfinite(a) else format_value(i, v)
            for i, v, a in zip(sub["indicator"], sub["value"], sub["attainment"], strict=False)
        ]
    ).pivot_table(index="agent_id", columns="indicator", values="cell", aggfunc="first")
    lights = sub.pivot_table(index="agent_id", columns="indicator", values="light", aggfunc="first")
    text_values = text_values.reindex(order)
    lights = lights.reindex(order).fillna("")
    text_values.columns = [review.label(c) for c in text_values.columns]
    lights.columns = text_values.columns
    text_values.insert(0, "agent", [f"{names.get(a, a)} ({a})" for a in text_values.index])
    return text_values.fillna("–").reset_index(drop=True), lights.reset_index(drop=True)


def board_html(review: PeriodReview, *, max_agents: int = 40) -> str:
    values, lights = board_table(review, max_agents=max_agents)
    yellow = review.scheme.lights.get("yellow", 0.8) if hasattr(review.scheme, "lights") else 0.8
    styles = lights.apply(
        lambda col: col.map(lambda x: f"background:{_LIGHT_COLOURS.get(x, '#d0d7de')};color:#fff")
    )
    parts = [_h(2, review.t("h.board")), _p(review.t("board.explain", yellow=yellow))]
    total = review.board["agent_id"].nunique()
    if total > max_agents:
        parts.append(_p(review.t("board.truncated", shown=max_agents, total=total)))
    parts.append(_html_table(_headers(review, values), cell_styles=styles))
    return "\n".join(parts)


def leaderboard_table(review: PeriodReview, *, top: int = 25) -> pd.DataFrame:
    """Leaderboard rows: rank, agent, composite, tier and the rank interval under weight noise."""
    lb = review.leaderboard.head(top)
    out = pd.DataFrame(
        {
            "rank": lb["rank"].map(lambda r: "–" if pd.isna(r) else f"{r:.0f}"),
            "agent": [f"{n} ({a})" for n, a in zip(lb["agent_name"], lb["agent_id"], strict=False)],
            "team": lb["team_id"],
            "composite": lb["composite"].map(lambda v: f"{v:.1f}" if pd.notna(v) else "–"),
            "tier": lb["tier"],
            "range": [
                f"{lo:.0f}–{hi:.0f}" if pd.notna(lo) else "–"
                for lo, hi in zip(lb["rank_low"], lb["rank_high"], strict=False)
            ],
            "p_top": lb["p_top_k"].map(lambda p: f"{p:.0%}" if pd.notna(p) else "–"),
            "note": [
                (
                    review.t("col.not_rankable")
                    if not r
                    else (review.t("col.uncertain") if f else "")
                )
                for r, f in zip(lb["rankable"], lb["any_flip"].fillna(False), strict=False)
            ],
        }
    )
    return out


def leaderboard_html(review: PeriodReview, *, top: int = 25) -> str:
    s = review.settings
    parts = [
        _h(2, review.t("h.leaderboard")),
        _p(review.t("leader.explain", size=s["perturbation"], draws=s["draws"])),
    ]
    lb = review.leaderboard
    k = s["top_k"]
    if lb["p_top_k"].notna().any():
        nominal_top = lb.nsmallest(k, "rank")
        n_uncertain = int((nominal_top["p_top_k"] < 0.8).sum())
        parts.append(_p(review.t("leader.uncertain", n=n_uncertain, k=k, p=0.8)))
    if (~lb["rankable"].astype(bool)).any():
        parts.append(_p(review.t("leader.small")))
    table = leaderboard_table(review, top=top)
    styles = pd.DataFrame(
        {"note": table["note"].map(lambda n: "color:#cf222e;font-weight:bold" if n else "")}
    )
    parts.append(_html_table(_headers(review, table), cell_styles=_headers(review, styles)))
    return "\n".join(parts)


def decisions_html(review: PeriodReview, *, max_rows: int = 25) -> str:
    """Bonus, certification, PIP and coaching tables with one sentence each."""
    names = _agent_names(review.dataset)

    def agent(col):
        return [f"{names.get(a, a)} ({a})" for a in col]

    parts = [_h(2, review.t("h.decisions")), _h(3, review.t("h.bonus"))]
    gates = [g.text() for g in review.scheme.gates] if review.scheme.gates else []
    gate_text = f" ({'; '.join(gates)})" if gates else ""
    parts.append(
        _p(review.t("bonus.explain", pool=review.settings["bonus_pool"], gate_text=gate_text))
    )
    bonus = review.bonus.sort_values("bonus", ascending=False).head(max_rows)
    parts.append(
        _table(
            review,
            pd.DataFrame(
                {
                    "agent": agent(bonus["agent_id"]),
                    "team": bonus["team_id"],
                    "composite": bonus["composite"].round(1),
                    "tier": bonus["tier"],
                    "bonus": bonus["bonus"].map(lambda b: f"{b:,.0f}"),
                    "reason": bonus["reason"],
                }
            ),
        )
    )
    parts.append(_h(3, review.t("h.certification")))
    parts.append(
        _p(
            review.t(
                "cert.explain",
                rule=review.t("cert.rule"),
            )
        )
    )
    cert = review.certification.head(max_rows)
    parts.append(
        _table(
            review,
            pd.DataFrame(
                {
                    "agent": agent(cert["agent_id"]),
                    "team": cert["team_id"],
                    "periods": cert["periods"].astype(str),
                    "evidence": [
                        review.t("cert.evidence", streak=int(n), last=last)
                        for n, last in zip(
                            cert["current_streak"], cert["last_period"], strict=False
                        )
                    ],
                }
            ),
        )
        if len(cert)
        else _p(review.t("none"))
    )
    parts.append(_h(3, review.t("h.pip")))
    parts.append(_p(review.t("pip.explain", k=2, n=3)))
    pip = review.pip.head(max_rows)
    parts.append(
        _table(
            review,
            pd.DataFrame(
                {
                    "agent": agent(pip["agent_id"]),
                    "team": pip["team_id"],
                    "evidence": pip["evidence"],
                }
            ),
        )
        if len(pip)
        else _p(review.t("none"))
    )
    parts.append(_h(3, review.t("h.coaching")))
    parts.append(_p(review.t("coaching.explain")))
    focus = (
        review.coaching.assign(
            dimension=review.coaching["dimension"].map(
                lambda d: dimension_label(d, review.language)
            )
        )
        .groupby("dimension")
        .size()
        .sort_values(ascending=False)
        .rename("agents")
        .reset_index()
    )
    parts.append(_table(review, focus))
    return "\n".join(parts)


def health_html(review: PeriodReview) -> str:
    """Top conflicts and gaming signals with what to do about each."""
    from kpi_lib.report.conflict_text import findings_text

    parts = [_h(2, review.t("h.health")), _p(review.t("health.explain"))]
    if review.findings.empty:
        parts.append(_p(review.t("health.none")))
        return "\n".join(parts)
    if review.language == "en":
        words = findings_text(review.findings, language="en")
        items = "".join(
            f"<li><b>{html.escape(str(r.finding))}</b> ({html.escape(str(r.evidence))})<br/>"
            f"{html.escape(str(r.recommendation))} <i>[{html.escape(str(r.practice))}]</i></li>"
            for r in words.itertuples()
        )
    else:
        items = "".join(f"<li><b>{html.escape(s)}</b></li>" for s in finding_sentences(review))
    parts.append(f"<ol>{items}</ol>")
    return "\n".join(parts)


def finding_sentences(review: PeriodReview) -> list[str]:
    """One sentence per indicator-health finding in the review's language (with the action)."""
    out = []
    for r in review.findings.itertuples():
        effect = float(r.effect) if pd.notna(r.effect) else float("nan")
        what = text(
            f"finding.{r.kind}",
            review.language,
            a=review.label(r.indicator_a)
            if r.indicator_a in CATALOGUE
            else str(r.indicator_a or ""),
            b=review.label(r.indicator_b)
            if r.indicator_b in CATALOGUE
            else str(r.indicator_b or ""),
            agent=r.agent_id or "",
            team=r.team_id or "",
            effect=effect,
        )
        evidence = text(f"evidence.{r.evidence}", review.language)
        action = text(f"action.{r.action}", review.language) if r.action else ""
        out.append(f"{what}（{evidence}）{action}" if review.language != "en" else what)
    return out


def scheme_html(review: PeriodReview) -> str:
    """Scheme review and effective weights (quarterly and annual cycles)."""
    if review.scheme_findings is None:
        return ""
    parts = [_h(2, review.t("h.scheme")), _p(review.t("scheme.explain"))]
    findings = review.scheme_findings
    parts.append(
        _table(review, findings[["severity", "code", "indicator", "message"]])
        if len(findings)
        else _p(review.t("none"))
    )
    if review.effective is not None:
        parts.append(_p(review.t("sensitivity.explain")))
        eff = review.effective
        parts.append(
            _table(
                review,
                pd.DataFrame(
                    {
                        "indicator": [review.label(i) for i in eff["indicator"]],
                        "weight": eff["weight"].map(lambda w: f"{w:.0%}"),
                        "effective": eff["variance_share"].map(lambda w: f"{w:.0%}"),
                        "influence": eff["influence"],
                    }
                ),
            )
        )
    return "\n".join(parts)


# ------------------------------------------------------------------------------ agent pages


def agent_page_data(review: PeriodReview, agent_id: str, *, history_periods: int = 6) -> dict:
    """Strengths, weaknesses, trend and three talking points for one agent.

    Returns
    -------
    dict
        ``summary`` (sentence), ``strengths`` and ``weaknesses`` (lists of sentences),
        ``talking_points`` (three sentences), ``trend`` (DataFrame: period, composite,
        team_median).
    """
    rows = review.current.indicators
    rows = rows[rows["weight"] > 0]
    mine = rows[rows["agent_id"] == agent_id]
    if mine.empty:
        raise KeyError(f"Agent {agent_id!r} has no scored indicators in {review.period}.")
    team_id = mine["team_id"].iloc[0]
    team_rows = rows[rows["team_id"] == team_id]
    team_median_value = team_rows.groupby("indicator")["value"].median()
    team_median_score = team_rows.groupby("indicator")["score"].mean()
    mine = mine.assign(
        team_value=mine["indicator"].map(team_median_value),
        gap=mine["score"] - mine["indicator"].map(team_median_score),
    ).dropna(subset=["score"])

    def vs(r):
        return review.t(
            "agent.vs",
            indicator=review.label(r.indicator),
            value=format_value(r.indicator, r.value),
            target=format_value(r.indicator, r.target),
            team=format_value(r.indicator, r.team_value),
        )

    strengths = [vs(r) for r in mine.nlargest(2, "gap").itertuples() if r.gap > 0]
    weak_rows = mine.sort_values(["attainment", "gap"], na_position="last")
    weaknesses = [
        vs(r)
        for r in weak_rows.head(2).itertuples()
        if (pd.notna(r.attainment) and r.attainment < 1) or r.gap < 0
    ]
    agents = review.current.agents.set_index("agent_id")
    a = agents.loc[agent_id]
    summary = review.t(
        "agent.summary",
        composite=a["composite"] if pd.notna(a["composite"]) else float("nan"),
        rank="–" if pd.isna(a["rank"]) else f"{a['rank']:.0f}",
        n=agents["composite"].notna().sum(),
        tier=a["tier"] or "–",
    )
    periods = review.scorecard.periods
    upto = periods[: periods.index(review.settings["scored_period"]) + 1][-history_periods:]
    hist = review.scorecard.agents[review.scorecard.agents["period"].isin(upto)]
    trend = (
        hist[hist["agent_id"] == agent_id][["period", "composite"]]
        .merge(
            hist[hist["team_id"] == team_id]
            .groupby("period")["composite"]
            .median()
            .rename("team_median"),
            on="period",
            how="left",
        )
        .sort_values("period")
        .reset_index(drop=True)
    )
    talking = []
    best = mine.nlargest(1, "gap")
    if len(best):
        r = best.iloc[0]
        talking.append(
            review.t(
                "talk.praise",
                indicator=review.label(r.indicator),
                value=format_value(r.indicator, r.value),
                gap=review.t("better") if r.gap >= 0 else review.t("worse"),
                team=format_value(r.indicator, r.team_value),
            )
        )
    worst = weak_rows.head(1)
    if len(worst):
        r = worst.iloc[0]
        attainment = r.attainment if pd.notna(r.attainment) else 0.0
        talking.append(
            review.t(
                "talk.problem",
                indicator=review.label(r.indicator),
                value=format_value(r.indicator, r.value),
                target=format_value(r.indicator, r.target),
                attainment=attainment,
            )
        )
        goal = r.target if pd.notna(r.target) else r.team_value
        lower = CATALOGUE[r.indicator].direction == "lower" if r.indicator in CATALOGUE else False
        talking.append(
            review.t(
                "talk.plan_lower" if lower else "talk.plan",
                indicator=review.label(r.indicator),
                value=format_value(r.indicator, r.value),
                goal=format_value(r.indicator, goal),
            )
        )
    if len(trend) >= 2 and trend["composite"].notna().sum() >= 2 and len(talking) < 3:
        delta = trend["composite"].dropna().iloc[-1] - trend["composite"].dropna().iloc[0]
        talking.append(
            review.t(
                "talk.trend_up" if delta >= 0 else "talk.trend_down", delta=delta, n=len(trend)
            )
        )
    return {
        "agent_id": agent_id,
        "team_id": team_id,
        "summary": summary,
        "strengths": strengths,
        "weaknesses": weaknesses,
        "talking_points": talking[:3],
        "trend": trend,
    }


def _pick_agents(review: PeriodReview, max_pages: int) -> list[str]:
    agents = review.current.agents
    if review.teams:
        return agents.sort_values("rank")["agent_id"].tolist()
    first = []
    for frame in (review.pip, review.certification, review.bonus.nlargest(3, "bonus")):
        first += [a for a in frame.get("agent_id", []) if a not in first]
    rest = [a for a in agents.sort_values("rank")["agent_id"] if a not in first]
    return (first + rest)[:max_pages]


def agent_pages_html(review: PeriodReview, *, max_pages: int = 12, history_periods: int = 6) -> str:
    """One page per agent for the monthly one-to-one (all agents of the selected teams)."""
    from kpi_lib.report.review_plots import agent_trend_plot

    chosen = _pick_agents(review, max_pages)
    total = review.current.agents["agent_id"].nunique()
    parts = [_h(2, review.t("h.agents"))]
    if len(chosen) < total:
        parts.append(_p(review.t("agent.pages_truncated", shown=len(chosen), total=total)))
    names = _agent_names(review.dataset)
    for agent_id in chosen:
        try:
            page = agent_page_data(review, agent_id, history_periods=history_periods)
        except KeyError:
            continue
        fig = agent_trend_plot(page["trend"], language=review.language).figure
        block = [
            '<section style="page-break-before:always;border-top:2px solid #d0d7de;margin-top:1.5em">',
            _h(
                3,
                review.t(
                    "agent.title",
                    name=names.get(agent_id, agent_id),
                    agent_id=agent_id,
                    team=page["team_id"],
                ),
            ),
            _p(page["summary"]),
            _h(4, review.t("agent.strengths")),
            "<ul>"
            + "".join(f"<li>{html.escape(s)}</li>" for s in page["strengths"] or [review.t("none")])
            + "</ul>",
            _h(4, review.t("agent.weaknesses")),
            "<ul>"
            + "".join(
                f"<li>{html.escape(s)}</li>" for s in page["weaknesses"] or [review.t("none")]
            )
            + "</ul>",
            _h(4, review.t("agent.talking")),
            "<ol>"
            + "".join(f"<li>{html.escape(s)}</li>" for s in page["talking_points"])
            + "</ol>",
            _h(4, review.t("agent.trend")),
            _png(fig),
            "</section>",
        ]
        parts.append("\n".join(block))
    return "\n".join(parts)


def data_html(review: PeriodReview) -> str:
    """Rows read, used and set aside per table."""
    report = review.dataset.load_report
    summary = report[report["reason"] == ""][
        ["table", "rows_read", "rows_used", "rows_quarantined"]
    ]
    return "\n".join(
        [_h(2, review.t("h.data")), _p(review.t("data.explain")), _table(review, summary)]
    )


def notes_html(review: PeriodReview) -> str:
    """Decisions taken on the reader's behalf (derived targets, rescaled weights...)."""
    if not review.notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in review.notes)
    return _h(3, review.t("notes")) + f"<ul>{items}</ul>"
