"""The weight-sensitivity page in the review's language, for managers.

The ``*_text`` functions take the tidy table(s) of :mod:`kpi_lib.analyses.sensitivity` and
return short Markdown bullet points; the ``*_html`` functions return the page's sections as
HTML (data escaped, every sentence, heading and header from the message catalogue, tables
through :func:`~kpi_lib.report.formatting.manager_table`). The schemes the page compares are
adapted to the data by :func:`kpi_lib.review.adapt_schemes`, as the review adapted its own.
"""

from __future__ import annotations

import base64
import html
import io

import numpy as np
import pandas as pd

from kpi_lib.report.formatting import format_count, format_number, format_percent, manager_table
from kpi_lib.report.markup import details_html, markdown_safe, table_html
from kpi_lib.report.review_text import TEXTS, text

__all__ = [
    "analyst_html",
    "intro_html",
    "effective_weights_text",
    "how_sure_html",
    "probability_words",
    "reversal_html",
    "reversal_text",
    "scheme_text",
    "schemes_html",
    "sobol_text",
    "tornado_text",
    "uncertainty_text",
    "weights_html",
]

#: A decision that changes in at least this share of the re-rankings is a judgement call.
_SURE = 0.95


# ------------------------------------------------------------------------------ helpers


def _label(indicator: str, language: str = "en") -> str:
    from kpi_lib.indicators import label

    try:
        return label(str(indicator), language)
    except (KeyError, ValueError):
        return str(indicator).replace("_", " ")


def _factor(factor: str, language: str) -> str:
    key = f"sens.factor.{factor}"
    return text(key, language) if key in TEXTS else _label(factor, language)


def _pct(x, language: str = "en", digits: int = 0) -> str:
    return format_percent(x, language, digits=digits)


def _sep(language: str) -> str:
    return ", " if language == "en" else "、"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _ul(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{line}</li>" for line in lines) + "</ul>"


def _p(sentence: str) -> str:
    return f"<p>{html.escape(sentence)}</p>"


def _h(level: int, heading: str) -> str:
    return f"<h{level}>{html.escape(heading)}</h{level}>"


def _table(df: pd.DataFrame) -> str:
    return table_html(df)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode()
    return f'<img alt="" style="max-width:100%" src="data:image/png;base64,{data}"/>'


def probability_words(p: float, language: str = "en") -> str:
    """A probability in plain words ("almost certain" ... "very unlikely").

    Examples
    --------
    >>> probability_words(0.97), probability_words(0.5), probability_words(0.01)
    ('almost certain', 'could go either way', 'very unlikely')
    """
    if p is None or not np.isfinite(p):
        return text("fmt.no_data", language)
    for bound, key in (
        (0.95, "certain"),
        (0.80, "very_likely"),
        (0.60, "likely"),
        (0.40, "toss_up"),
        (0.20, "unlikely"),
    ):
        if p >= bound:
            return text(f"sens.p.{key}", language)
    return text("sens.p.very_unlikely", language)


# ------------------------------------------------------------------------------ sentences


def _effective_lines(effective: pd.DataFrame, language: str, esc) -> list[str]:
    lines = []
    for r in effective.itertuples():
        values = {
            "indicator": esc(_label(r.indicator, language)),
            "weight": _pct(r.weight, language),
            "share": _pct(r.variance_share, language),
        }
        if r.influence in ("no spread", "muted", "amplified", "counteracting"):
            lines.append(text(f"sens.eff.{r.influence.replace(' ', '_')}", language, **values))
    return lines or [text("sens.eff.fine", language)]


def effective_weights_text(effective: pd.DataFrame, *, language: str = "en") -> str:
    """Which indicators drive more or less than their weight says.

    Parameters
    ----------
    effective : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.effective_weights`.
    language : str
        ``en``, ``zh-Hans`` or ``zh-Hant``.
    """
    return _bullets(_effective_lines(effective, language, markdown_safe))


def _tornado_lines(oat: pd.DataFrame, language: str, esc, top: int = 3) -> list[str]:
    if oat.empty:
        return [text("sens.oat.none", language)]
    d = oat[oat["step"] == oat["step"].min()]
    worst = (
        d.groupby("indicator")
        .agg(
            shift=("mean_abs_rank_shift", "max"),
            tiers=("tier_changes", "max"),
            bonus=("top_k_changes", "max"),
            pip=("bottom_k_changes", "max"),
            change=("weight_change", lambda s: s.abs().max()),
        )
        .sort_values("shift", ascending=False)
    )
    lines = []
    for ind, r in worst[worst["shift"] > 0].head(top).iterrows():
        extra = []
        if np.isfinite(r["tiers"]) and r["tiers"] > 0:
            extra.append(text("sens.oat.tiers", language, n=int(r["tiers"])))
        if r["bonus"] > 0:
            extra.append(text("sens.oat.bonus", language, n=int(r["bonus"])))
        if r["pip"] > 0:
            extra.append(text("sens.oat.pip", language, n=int(r["pip"])))
        tail = text("sens.oat.extra", language, items=_sep(language).join(extra)) if extra else ""
        lines.append(
            text(
                "sens.oat.move",
                language,
                indicator=esc(_label(ind, language)),
                points=format_number(r["change"] * 100, language, digits=0),
                shift=format_number(r["shift"], language),
                extra=tail,
            )
        )
    calm = worst[worst["shift"] == 0].index.tolist()
    if calm:
        names = _sep(language).join(esc(_label(i, language)) for i in calm)
        lines.append(text("sens.oat.calm", language, indicators=names))
    return lines


def tornado_text(oat: pd.DataFrame, *, top: int = 3, language: str = "en") -> str:
    """Which single weights move the ranking most.

    Parameters
    ----------
    oat : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.one_at_a_time`.
    top : int
        Number of weights named.
    language : str
        ``en``, ``zh-Hans`` or ``zh-Hant``.
    """
    return _bullets(_tornado_lines(oat, language, markdown_safe, top))


def _flip_lines(result, flips: pd.DataFrame, language: str, esc, max_agents: int = 8):
    s, a = result.settings, result.agents
    firm = int((a["top_k"] & (a["p_top_k"] >= _SURE)).sum())
    lines = [
        text(
            "sens.sure.bonus",
            language,
            firm=firm,
            n=int(a["top_k"].sum()),
            k=s["top_k"],
        )
    ]
    p = _pct(s["flip_threshold"], language)
    if flips.empty:
        lines.append(text("sens.sure.no_flips", language, p=p))
        return lines
    agents = list(dict.fromkeys(flips["agent_id"]))
    lines.append(text("sens.sure.flips", language, n=len(agents), p=p))
    lines.append(_sep(language).join(esc(x) for x in agents[:max_agents]))
    return lines


def uncertainty_text(result, flips: pd.DataFrame, *, max_agents: int = 8, language="en") -> str:
    """Bonus, PIP and tier decisions that are not robust to the weights and sampling noise.

    Parameters
    ----------
    result : MonteCarloResult
        From :func:`~kpi_lib.analyses.sensitivity.monte_carlo_ranks`.
    flips : DataFrame
        :func:`~kpi_lib.analyses.sensitivity.decision_flips` of ``result`` (computed by the
        caller: the report layer only words results).
    max_agents : int
        Agents named at most.
    language : str
        ``en``, ``zh-Hans`` or ``zh-Hant``.
    """
    return _bullets(_flip_lines(result, flips, language, markdown_safe, max_agents))


def _sobol_lines(sobol: pd.DataFrame, language: str, esc, output: str | None = None):
    output = sobol["output"].iloc[0] if output is None else output
    d = sobol[sobol["output"] == output].sort_values("ST", ascending=False)
    if d["ST"].isna().all():
        return [text("sens.sobol.none", language)]
    top = d.iloc[0]
    lines = [
        text(
            "sens.sobol.top",
            language,
            factor=esc(_factor(top["factor"], language)),
            s1=_pct(top["S1"], language),
            st=_pct(top["ST"], language),
        )
    ]
    names = lambda fs: _sep(language).join(esc(_factor(f, language)) for f in fs)  # noqa: E731
    idle = d[d["ST_high"] < 0.02]
    if len(idle):
        lines.append(text("sens.sobol.idle", language, factors=names(idle["factor"])))
    wide = d[(d["ST_high"] - d["ST_low"]) > 0.2]
    if len(wide):
        lines.append(text("sens.sobol.wide", language, factors=names(wide["factor"])))
    return lines


def sobol_text(sobol: pd.DataFrame, *, output: str | None = None, language: str = "en") -> str:
    """Which weight choices (and method choices) the ranking depends on.

    Parameters
    ----------
    sobol : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.sobol_weight_indices`.
    output : str, optional
        Output worded; default the first.
    language : str
        ``en``, ``zh-Hans`` or ``zh-Hant``.
    """
    return _bullets(_sobol_lines(sobol, language, markdown_safe, output))


def _similar(tau: float, language: str) -> str:
    key = "same" if tau >= 0.9 else "close" if tau >= 0.7 else "some" if tau >= 0.4 else "different"
    return text(f"sens.similar.{key}", language)


def _scheme_lines(comparison, agreement, language, esc, max_agents: int = 6) -> list[str]:
    lines = []
    baseline = comparison["baseline"].iloc[0] if "baseline" in comparison else None
    for r in agreement.itertuples():
        if baseline is not None and baseline not in (r.scheme_a, r.scheme_b):
            continue
        other = r.scheme_b if r.scheme_a == baseline else r.scheme_a
        tiers = (
            text("sens.schemes.tiers", language, n=int(r.tier_changes))
            if np.isfinite(r.tier_changes)
            else ""
        )
        lines.append(
            text(
                "sens.schemes.pair",
                language,
                scheme=esc(other),
                shift=format_number(r.mean_abs_rank_shift, language),
                max=format_count(r.max_abs_rank_shift, language),
                winners=format_count(r.winners, language),
                losers=format_count(r.losers, language),
                tiers=tiers,
                kept=_pct(r.top_k_overlap, language),
                similar=_similar(r.kendall_tau, language),
            )
        )
    movers = comparison[comparison["scheme"] != baseline] if baseline else comparison
    parts = {}
    for name, asc in (("up", False), ("down", True)):
        m = movers.sort_values("rank_change", ascending=asc).head(max_agents)
        m = m[m["rank_change"] < 0] if asc else m[m["rank_change"] > 0]
        parts[name] = _sep(language).join(
            text(
                "sens.mover",
                language,
                agent=esc(r.agent_id),
                scheme=esc(r.scheme),
                before=r.baseline_rank,
                after=r.rank,
            )
            for r in m.itertuples()
        ) or text("sens.nobody", language)
    if len(movers):
        lines.append(text("sens.schemes.movers", language, **parts))
    return lines


def scheme_text(
    comparison: pd.DataFrame, agreement: pd.DataFrame, *, max_agents: int = 6, language="en"
) -> str:
    """How much the ranking changes between schemes, and who wins and loses.

    Parameters
    ----------
    comparison, agreement : DataFrame
        Outputs of :func:`~kpi_lib.analyses.sensitivity.compare_schemes` and
        :func:`~kpi_lib.analyses.sensitivity.scheme_agreement`.
    max_agents : int
        Winners and losers named at most.
    language : str
        ``en``, ``zh-Hans`` or ``zh-Hant``.
    """
    return _bullets(_scheme_lines(comparison, agreement, language, markdown_safe, max_agents))


def _reversal_lines(reversals, language, esc, within: float = 0.02, top_ranks: int = 10):
    c = reversals[reversals["closest"]]
    if c.empty:
        return [text("sens.rev.none", language)]
    close = c[c["weight_change"].abs() <= within]
    n_pairs = reversals[["upper_agent", "lower_agent"]].drop_duplicates().shape[0]
    tied = int((c["gap"].abs() <= 1e-9).sum())
    lines = [
        text(
            "sens.rev.close",
            language,
            close=len(close),
            pairs=n_pairs,
            within=format_number(within * 100, language, digits=0),
            tied=text("sens.rev.tied", language, n=tied) if tied else "",
        )
    ]
    never = n_pairs - len(c)
    if never:
        lines.append(text("sens.rev.never", language, n=never))
    head = c[c["upper_rank"] <= top_ranks]
    if len(head):
        r = head.loc[head["weight_change"].abs().idxmin()]
        lines.append(
            text(
                "sens.rev.top",
                language,
                upper=esc(r["upper_agent"]),
                upper_rank=int(r["upper_rank"]),
                lower=esc(r["lower_agent"]),
                lower_rank=int(r["lower_rank"]),
                indicator=esc(_label(r["indicator"], language)),
                weight=_pct(r["weight"], language, 1),
                threshold=_pct(r["threshold_weight"], language, 1),
            )
        )
    return lines


def reversal_text(
    reversals: pd.DataFrame, *, within: float = 0.02, top_ranks: int = 10, language="en"
) -> str:
    """How close the ranking decisions are to a reversal.

    Parameters
    ----------
    reversals : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.rank_reversal_thresholds`.
    within : float
        A pair is "close" when a weight change of at most this many share points swaps it.
    top_ranks : int
        Also name the closest pair among the first ``top_ranks`` places.
    language : str
        ``en``, ``zh-Hans`` or ``zh-Hant``.
    """
    return _bullets(_reversal_lines(reversals, language, markdown_safe, within, top_ranks))


# ------------------------------------------------------------------------------ schemes


def _scheme_note(note: dict, language: str) -> str:
    names = lambda ids: _sep(language).join(_label(i, language) for i in ids)  # noqa: E731
    if note["code"] == "adapted":
        return text(
            "sens.schemes.adapted", language, scheme=note["scheme"], dropped=names(note["dropped"])
        )
    if note["code"] == "stop":
        why = text("sens.schemes.why.stop", language, indicators=names(note["indicators"]))
    elif note["code"] == "empty":
        why = text("sens.schemes.why.empty", language)
    elif note["code"] == "score":
        why = text("sens.schemes.why.score", language, reason=note.get("reason", ""))
    elif note.get("cause") == "not_found":
        why = text(
            "sens.schemes.why.not_found",
            language,
            available=_sep(language).join(note.get("available", [])),
        )
    else:
        why = text("sens.schemes.why.invalid", language, scheme=note["scheme"])
    return text("sens.schemes.left_out", language, scheme=note["scheme"], why=why)


def schemes_html(review, comparison, agreement, notes: list[dict], *, max_rows: int = 20) -> str:
    """The scheme comparison: which schemes were adapted or left out, how much the ranking
    changes under each, and the agents whose tier changes.

    Parameters
    ----------
    review : Review
    comparison, agreement : DataFrame or None
        :func:`~kpi_lib.analyses.sensitivity.compare_schemes` and
        :func:`~kpi_lib.analyses.sensitivity.scheme_agreement` (None when no other scheme
        could be compared).
    notes : list of dict
        From :func:`kpi_lib.review.adapt_schemes`.
    max_rows : int
        Agents with a tier change shown at most.
    """
    lang = review.language
    parts = [_h(2, text("sens.h.schemes", lang))]
    parts += [_p(_scheme_note(n, lang)) for n in notes]
    if comparison is None or agreement is None or agreement.empty:
        parts.append(_p(text("sens.schemes.none", lang)))
        return "".join(parts)
    baseline = str(comparison["baseline"].iloc[0])
    parts.append(_p(text("sens.schemes.explain", lang, baseline=baseline)))
    a = agreement[agreement["scheme_a"] == baseline].assign(
        _similar=lambda d: [_similar(t, lang) for t in d["kendall_tau"]]
    )
    table = manager_table(
        a,
        {
            "scheme_b": ("sens.col.scheme", "text"),
            "mean_abs_rank_shift": ("sens.col.mean_shift", "number"),
            "max_abs_rank_shift": ("sens.col.max_shift", "count"),
            "winners": ("sens.col.winners", "count"),
            "losers": ("sens.col.losers", "count"),
            "tier_changes": ("sens.col.tier_changes", "count"),
            "top_k_overlap": ("sens.col.kept", "percent"),
            "_similar": ("sens.col.similar", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(table))
    parts.append(_ul(_scheme_lines(comparison, agreement, lang, html.escape)))
    if "tier_change" in comparison:
        changed = comparison[(comparison["tier_change"] != "") & comparison["tier_change"].notna()]
        if len(changed):
            parts.append(_p(text("sens.schemes.tier_table", lang)))
            changed = changed.sort_values(["baseline_rank", "scheme"]).head(max_rows)
            parts.append(
                _table(
                    manager_table(
                        changed,
                        {
                            "agent_id": ("col.agent", "text"),
                            "scheme": ("sens.col.scheme", "text"),
                            "baseline_rank": ("sens.col.baseline_rank", "count"),
                            "rank": ("sens.col.other_rank", "count"),
                            "baseline_tier": ("sens.col.baseline_tier", "text"),
                            "tier": ("sens.col.other_tier", "text"),
                        },
                        language=lang,
                        currency=review.spec.currency,
                    )
                )
            )
    return "".join(parts)


# ------------------------------------------------------------------------------ how sure


def intro_html(review) -> str:
    """The adapted-scheme box (when the scheme was adapted to the data) and what the page is
    for."""
    from kpi_lib.report.review import scheme_adapted_html

    return scheme_adapted_html(review) + _p(text("sens.intro", review.language))


def how_sure_html(review, flips: pd.DataFrame | None = None, *, max_rows: int = 15) -> str:
    """How sure the ranking and its decisions are, from the review's own leaderboard
    intervals (weight uncertainty and sampling noise of the counts and rates).

    Parameters
    ----------
    review : Review
    flips : DataFrame, optional
        :func:`~kpi_lib.analyses.sensitivity.decision_flips` of the same Monte Carlo run as
        the leaderboard (adds tier decisions); default: bonus and PIP from the leaderboard.
    max_rows : int
        Agents listed at most.
    """
    lang, spec = review.language, review.spec
    lb = review.leaderboard
    parts = [_h(2, text("sens.h.sure", lang))]
    if lb.empty or lb["rank_low"].isna().all():
        parts.append(_p(text("sens.sure.none", lang)))
        return "".join(parts)
    rankable = lb[lb["rank_low"].notna()]
    parts.append(
        _p(
            text(
                "sens.sure.method",
                lang,
                agents=format_count(len(rankable), lang),
                draws=format_count(spec.draws, lang),
                size=_pct(spec.perturbation, lang),
            )
        )
    )
    k = int(spec.top_k) if float(spec.top_k) >= 1 else max(1, round(spec.top_k * len(rankable)))
    in_top = rankable["rank"] <= k
    firm = int((in_top & (rankable["p_top_k"] >= _SURE)).sum())
    key = "sens.sure.bonus" if firm else "sens.sure.bonus_none"
    parts.append(_p(text(key, lang, firm=firm, n=int(in_top.sum()), k=k)))
    threshold = _pct(0.10, lang)
    flagged = rankable[rankable["any_flip"].astype(bool)]
    if flips is not None and len(flips):
        flagged = rankable[rankable["agent_id"].isin(flips["agent_id"]) | rankable["any_flip"]]
    if flagged.empty:
        parts.append(_p(text("sens.sure.no_flips", lang, p=threshold)))
        return "".join(parts)
    parts.append(_p(text("sens.sure.flips", lang, n=len(flagged), p=threshold)))
    shown = flagged.sort_values("rank").head(max_rows)
    tier_p = {}
    if flips is not None and len(flips):
        t = flips[flips["decision"] == "tier"]
        tier_p = dict(
            zip(t["agent_id"], zip(t["nominal"], t["p_nominal"], strict=True), strict=True)
        )

    def verdict(r) -> str:
        words = []
        if 0.0 < r.p_top_k < 1.0 or r.rank <= k:
            words.append(text("sens.verdict.bonus", lang, p=probability_words(r.p_top_k, lang)))
        if 0.0 < r.p_bottom_k < 1.0:
            words.append(text("sens.verdict.pip", lang, p=probability_words(r.p_bottom_k, lang)))
        if r.agent_id in tier_p:
            tier, p = tier_p[r.agent_id]
            words.append(
                text("sens.verdict.tier", lang, tier=tier, p=probability_words(float(p), lang))
            )
        return _sep(lang).join(words)

    shown = shown.assign(
        _range=[
            text("sens.range", lang, low=int(r.rank_low), high=int(r.rank_high))
            for r in shown.itertuples()
        ],
        _verdict=[verdict(r) for r in shown.itertuples()],
    )
    parts.append(_p(text("sens.sure.table", lang, n=max_rows)))
    table = manager_table(
        shown,
        {
            "agent_id": ("col.agent", "text"),
            "team_id": ("col.team", "text"),
            "rank": ("col.rank", "count"),
            "_range": ("sens.col.sure_range", "text"),
            "p_top_k": ("sens.col.p_bonus", "percent"),
            "p_bottom_k": ("sens.col.p_pip", "percent"),
            "_verdict": ("sens.col.verdict", "text"),
        },
        language=lang,
        currency=review.spec.currency,
    )
    parts.append(_table(table))
    parts.append(_p(text("sens.sure.chart", lang)))
    return "".join(parts)


def weights_html(review, oat: pd.DataFrame, *, step: float) -> str:
    """Which single weights move the ranking most (one weight at a time), in words."""
    lang = review.language
    points = format_number(step * 100, lang, digits=0)
    return (
        _h(2, text("sens.h.weights", lang))
        + _ul(_tornado_lines(oat, lang, html.escape))
        + _p(text("sens.oat.explain", lang, points=points))
    )


def reversal_html(review, reversals: pd.DataFrame) -> str:
    """Neighbouring agents a small change of one weight would swap, in words."""
    lang = review.language
    return _h(2, text("sens.h.close", lang)) + _ul(_reversal_lines(reversals, lang, html.escape))


# ------------------------------------------------------------------------------ analyst


def analyst_html(
    review,
    *,
    effective: pd.DataFrame,
    mc=None,
    mc_methods=None,
    flips: pd.DataFrame | None = None,
    flips_methods: pd.DataFrame | None = None,
    sobol: pd.DataFrame | None = None,
    agreement: pd.DataFrame | None = None,
    reversals: pd.DataFrame | None = None,
    figures: dict | None = None,
    max_rows: int = 30,
) -> str:
    """The collapsed analyst section: effective weights, decision flips, method choices,
    Sobol indices, Kendall's tau and the closest pairs (tables and charts).

    Parameters
    ----------
    review : Review
    effective : DataFrame
        :func:`~kpi_lib.analyses.sensitivity.effective_weights`.
    mc, mc_methods : MonteCarloResult, optional
        The leaderboard's run and the run with method choices.
    flips, flips_methods : DataFrame, optional
        Their :func:`~kpi_lib.analyses.sensitivity.decision_flips`.
    sobol, agreement, reversals : DataFrame, optional
        :func:`~kpi_lib.analyses.sensitivity.sobol_weight_indices`,
        :func:`~kpi_lib.analyses.sensitivity.scheme_agreement`,
        :func:`~kpi_lib.analyses.sensitivity.rank_reversal_thresholds`.
    figures : dict of str to Figure, optional
        Charts embedded under their section (``effective``, ``sobol``).
    max_rows : int
        Rows of long tables shown at most.
    """
    lang = review.language
    figures = figures or {}
    parts = [_h(3, text("sens.h.effective", lang))]
    eff = effective.assign(
        _label=[_label(i, lang) for i in effective["indicator"]],
        _influence=[
            text(f"sens.influence.{i}", lang) if f"sens.influence.{i}" in TEXTS else i
            for i in effective["influence"]
        ],
    )
    parts.append(
        _table(
            manager_table(
                eff,
                {
                    "_label": ("col.indicator", "text"),
                    "weight": ("col.weight", "percent"),
                    "variance_share": ("col.effective", "percent"),
                    "score_sd": ("sens.col.score_sd", "number"),
                    "_influence": ("col.influence", "text"),
                },
                language=lang,
                currency=review.spec.currency,
            )
        )
    )
    parts.append(_ul(_effective_lines(effective, lang, html.escape)))
    if "effective" in figures:
        parts.append(_png(figures["effective"]))
    if flips is not None and len(flips):
        parts.append(_h(3, text("sens.h.flips", lang)))
        f = flips.head(max_rows)
        outcome = {"in": text("sens.in", lang), "out": text("sens.out", lang)}
        f = f.assign(
            _decision=[text(f"sens.decision.{d}", lang) for d in f["decision"]],
            _nominal=[outcome.get(v, v) for v in f["nominal"].astype(str)],
            _alt=[outcome.get(v, v) for v in f["likely_alternative"].astype(str)],
        )
        parts.append(
            _table(
                manager_table(
                    f,
                    {
                        "agent_id": ("col.agent", "text"),
                        "rank": ("col.rank", "count"),
                        "_decision": ("sens.col.decision", "text"),
                        "_nominal": ("sens.col.nominal", "text"),
                        "p_flip": ("sens.col.p_flip", "percent"),
                        "_alt": ("sens.col.alternative", "text"),
                    },
                    language=lang,
                    currency=review.spec.currency,
                )
            )
        )
    if mc_methods is not None:
        s = mc_methods.settings
        parts.append(_h(3, text("sens.h.methods", lang)))
        parts.append(
            _p(
                text(
                    "sens.methods.explain",
                    lang,
                    normalisations=_sep(lang).join(s["normalisations"]),
                    methods=_sep(lang).join(s["methods"]),
                )
            )
        )
        per = (
            mc_methods.draws.groupby(["normalisation", "aggregation"])[
                ["mean_abs_rank_shift", "top_k_changes", "bottom_k_changes", "tier_changes"]
            ]
            .mean()
            .reset_index()
        )
        parts.append(
            _table(
                manager_table(
                    per,
                    {
                        "normalisation": ("sens.col.normalisation", "text"),
                        "aggregation": ("sens.col.aggregation", "text"),
                        "mean_abs_rank_shift": ("sens.col.mean_shift", "number"),
                        "top_k_changes": ("sens.col.bonus_changes", "number"),
                        "bottom_k_changes": ("sens.col.pip_changes", "number"),
                        "tier_changes": ("sens.col.tier_changes", "number"),
                    },
                    language=lang,
                    currency=review.spec.currency,
                )
            )
        )
        if flips_methods is not None:
            parts.append(
                _p(
                    text(
                        "sens.methods.flips",
                        lang,
                        n=int(flips_methods["agent_id"].nunique()),
                        p=_pct(s["flip_threshold"], lang),
                    )
                )
            )
    if sobol is not None and len(sobol):
        parts.append(_h(3, text("sens.h.sobol", lang)))
        d = sobol[sobol["output"] == sobol["output"].iloc[0]]
        iv = lambda lo, hi: [  # noqa: E731
            text("sens.interval", lang, low=_pct(a, lang, 1), high=_pct(b, lang, 1))
            for a, b in zip(lo, hi, strict=True)
        ]
        d = d.assign(
            _factor=[_factor(f, lang) for f in d["factor"]],
            _s1=iv(d["S1_low"], d["S1_high"]),
            _st=iv(d["ST_low"], d["ST_high"]),
        )
        parts.append(
            _table(
                manager_table(
                    d,
                    {
                        "_factor": ("sens.col.factor", "text"),
                        "S1": ("sens.col.s1", "percent"),
                        "_s1": ("sens.col.s1_range", "text"),
                        "ST": ("sens.col.st", "percent"),
                        "_st": ("sens.col.st_range", "text"),
                    },
                    language=lang,
                    currency=review.spec.currency,
                )
            )
        )
        parts.append(_ul(_sobol_lines(sobol, lang, html.escape)))
        parts.append(_p(text("sens.sobol.explain", lang)))
        if "sobol" in figures:
            parts.append(_png(figures["sobol"]))
    if agreement is not None and len(agreement):
        parts.append(_h(3, text("sens.h.schemes", lang)))
        base = agreement["scheme_a"].iloc[0]
        parts.append(
            _table(
                manager_table(
                    agreement[agreement["scheme_a"] == base],
                    {
                        "scheme_b": ("sens.col.scheme", "text"),
                        "kendall_tau": ("sens.col.tau", "number"),
                    },
                    language=lang,
                    currency=review.spec.currency,
                )
            )
        )
    if reversals is not None and len(reversals):
        parts.append(_h(3, text("sens.h.reversals", lang)))
        r = reversals[reversals["closest"]].copy()
        r = r.reindex(r["weight_change"].abs().sort_values().index).head(max_rows)
        r = r.assign(
            _ind=[_label(i, lang) for i in r["indicator"]],
            _upper=[f"{a} ({b})" for a, b in zip(r["upper_agent"], r["upper_rank"], strict=True)],
            _lower=[f"{a} ({b})" for a, b in zip(r["lower_agent"], r["lower_rank"], strict=True)],
        )
        parts.append(
            _table(
                manager_table(
                    r,
                    {
                        "_upper": ("sens.col.upper", "text"),
                        "_lower": ("sens.col.lower", "text"),
                        "_ind": ("col.indicator", "text"),
                        "weight": ("col.weight", "percent"),
                        "threshold_weight": ("sens.col.threshold", "percent"),
                    },
                    language=lang,
                    currency=review.spec.currency,
                )
            )
        )
    return details_html(text("sens.h.analyst", lang), "".join(parts))
