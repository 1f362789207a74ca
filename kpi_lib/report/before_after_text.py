"""Plain-language findings of the before/after analyses, for managers, in the review's language.

Each function takes the tidy table(s) of :mod:`kpi_lib.analyses.before_after` and a
``language`` (``en``, ``zh-Hans``, ``zh-Hant``). The ``*_text`` functions return Markdown
(bullets, or the case-study write-up) for ``IPython.display.Markdown``; the ``*_table``
functions return display tables built with
:func:`~kpi_lib.report.formatting.manager_table`; the ``*_html`` functions return HTML
(headings, explanations, the collapsed analyst sections). Every word comes from the message
catalogue (:mod:`kpi_lib.report.messages.before_after`).

Wording rule: a change is called a rise or fall only when the test (after the multiplicity
correction) and the interval agree; otherwise the text says the data cannot tell. p-values,
test names and the bootstrap appear only in the analyst sections.
"""

from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd

from kpi_lib.indicators.catalogue import CATALOGUE, label
from kpi_lib.indicators.periods import period_order
from kpi_lib.report import markup
from kpi_lib.report.formatting import (
    LOCALES,
    format_count,
    format_currency,
    format_indicator,
    format_number,
    format_percent,
    manager_table,
)
from kpi_lib.report.markup import markdown_safe
from kpi_lib.report.review import scheme_adapted_html
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.review.spec import DEFAULT_CURRENCY

__all__ = [
    "analyst_html",
    "case_study_text",
    "comparison_detail_table",
    "comparison_method_html",
    "comparison_table",
    "comparison_text",
    "decisions_text",
    "did_detail_table",
    "did_table",
    "did_text",
    "explain_html",
    "format_value",
    "heading_html",
    "intro_html",
    "its_detail_table",
    "its_text",
    "method_html",
    "missing_html",
    "rescoring_html",
    "rescoring_table",
    "rescoring_text",
    "scheme_adapted_html",
    "scheme_weights_text",
    "setup_html",
    "summary_table",
    "table_html",
]

_P = "before_after."


def _t(key: str, language: str, **values) -> str:
    return text(_P + key, language, **values)


def _finite(x) -> bool:
    try:
        return bool(np.isfinite(float(x)))
    except (TypeError, ValueError):
        return False


def _sep(language: str) -> str:
    return _t("sep", language)


def indicator_label(indicator: str, language: str = "en", fallback: str | None = None) -> str:
    """An indicator's label in ``language``: the catalogue's, this page's derived indicators',
    else ``fallback`` (an analysis's label) or the id."""
    if indicator in CATALOGUE:
        return label(indicator, language)
    if f"{_P}ind.{indicator}" in TEXTS:
        return _t(f"ind.{indicator}", language)
    return str(fallback if fallback is not None else indicator)


def _row_label(r, language: str) -> str:
    ind = getattr(r, "indicator", None)
    return indicator_label(ind, language, getattr(r, "label", None)) if ind else str(r.label)


def _unit(indicator: str) -> str:
    from kpi_lib.analyses.before_after import indicator_meta

    return indicator_meta(indicator)[2]


# ------------------------------------------------------------------------------ numbers


def format_value(
    value, unit: str = "", language: str | None = None, *, currency: str = DEFAULT_CURRENCY
) -> str:
    """A level in its unit: shares as percentages, amounts with thousands separators.

    Without ``language`` the analyst's plain form (``22.3 %``); with it, the locale's form
    (Babel) and "no data" for a missing value.

    Examples
    --------
    >>> format_value(0.2234, "share")
    '22.3 %'
    >>> format_value(38961.3, "currency")
    '38,961'
    >>> format_value(0.2234, "share", "zh-Hans")
    '22.3%'
    """
    if language is not None:
        return _level(value, unit, language, currency=currency)
    if not _finite(value):
        return "n/a"
    v = float(value)
    if unit == "share":
        return f"{100 * v:.1f} %"
    if unit == "currency" or abs(v) >= 1000:
        return f"{v:,.0f}"
    if unit.startswith("score"):
        return f"{v:.2f}"
    return f"{v:.1f}"


def _level(
    value,
    unit: str,
    language: str,
    indicator: str | None = None,
    *,
    currency: str = DEFAULT_CURRENCY,
) -> str:
    """A level in the locale's form ("no data" when missing)."""
    if indicator in CATALOGUE:
        return format_indicator(indicator, value, language, currency=currency)
    if unit == "share":
        return format_percent(value, language, digits=1)
    if unit == "currency":
        return format_currency(value, language, currency=currency)
    if _finite(value) and abs(float(value)) >= 1000:
        return format_count(value, language)
    return format_number(value, language, digits=2 if unit.startswith("score") else 1)


def _signed(text_value: str, x: float) -> str:
    """``text_value`` (formatted ``abs(x)``) with a sign; no sign when it rounds to zero."""
    if not re.search(r"[1-9]", text_value):
        return text_value
    return ("+" if x > 0 else "-") + text_value


def _pct(x, language: str = "en", signed: bool = True) -> str:
    """A relative change (0.08) as a signed percentage (+8 %)."""
    if not _finite(x):
        return _t("na", language)
    body = format_percent(abs(float(x)), language, digits=0)
    return _signed(body, float(x)) if signed else body


def _delta(x, unit: str, language: str = "en") -> str:
    """An absolute change: percentage points for shares, no sign when it rounds to zero.

    Examples
    --------
    >>> _delta(0.05, "share"), _delta(-3.2, "")
    ('+5.0 points', '-3.2')
    """
    if not _finite(x):
        return _t("na", language)
    v = float(x)
    if unit == "share":
        return _t("points", language, value=_signed(format_number(100 * abs(v), language), v))
    digits = 0 if unit == "currency" or abs(v) >= 1000 else (2 if unit.startswith("score") else 1)
    return _signed(format_number(abs(v), language, digits=digits), v)


def _sure(lo, hi, fmt, language: str) -> str:
    """'95 % sure between lo and hi', or that the data do not bound it."""
    if not (_finite(lo) and _finite(hi)):
        return _t("unbounded", language)
    return _t("sure", language, low=fmt(lo), high=fmt(hi))


def _p(p) -> str:
    if not _finite(p):
        return "–"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _month(value, language: str) -> str:
    from babel.dates import format_skeleton

    return format_skeleton("yMMM", pd.Timestamp(value).date(), locale=LOCALES[language])


def _window(w, language: str) -> str:
    return _t("case.window", language, start=_month(w[0], language), end=_month(w[1], language))


# ------------------------------------------------------------------------------ page furniture


def heading_html(key: str, language: str = "en", *, level: int = 2) -> str:
    """A section heading of the page (``key`` without the ``before_after.h.`` prefix)."""
    return f"<h{level}>{html.escape(_t('h.' + key, language))}</h{level}>"


def explain_html(key: str, language: str = "en", **values) -> str:
    """The explanation of a section (``key`` without ``before_after.explain.``), one paragraph.
    ``values`` are data and are escaped."""
    safe = {k: html.escape(str(v)) for k, v in values.items()}
    return f"<p>{_t('explain.' + key, language, **safe)}</p>"


def intro_html(old, new, language: str = "en") -> str:
    """What the page asks, naming the two schemes by their weights."""
    return explain_html(
        "intro",
        language,
        old=scheme_weights_text(old, language=language),
        new=scheme_weights_text(new, language=language),
    )


def setup_html(setup: dict, language: str = "en") -> str:
    """The study set-up of :func:`~kpi_lib.analyses.before_after.study_setup` in one paragraph."""
    from kpi_lib.report.formatting import format_date

    sep = _sep(language)
    teams = {
        k: sep.join(map(str, setup.get(k) or [])) or _t("setup.none", language)
        for k in ("treated", "comparison")
    }
    sentence = _t(
        "setup",
        language,
        switch=format_date(setup["switch"], language),
        treated=teams["treated"],
        comparison=teams["comparison"],
        before_start=format_date(setup["before"][0], language),
        before_end=format_date(setup["before"][1], language),
        after_start=format_date(setup["after"][0], language),
        after_end=format_date(setup["after"][1], language),
    )
    if setup.get("notes"):
        sentence += " " + _t("setup.cut", language)
    return f"<p>{html.escape(sentence)}</p>"


def missing_html(indicators, comparison: pd.DataFrame, language: str = "en") -> str:
    """Which of the requested ``indicators`` the analyses could not measure (absent from
    ``comparison``, e.g. satisfaction without a surveys table); empty when none."""
    present = set(comparison["indicator"]) if "indicator" in comparison else set()
    missing = [indicator_label(i, language) for i in indicators if i not in present]
    if not missing:
        return ""
    sentence = _t("not_measured", language, items=_sep(language).join(missing))
    return f"<p><i>{html.escape(sentence)}</i></p>"


def table_html(table: pd.DataFrame) -> str:
    """A formatted display table (all cells strings) as escaped HTML without an index."""
    return markup.table_html(table)


def analyst_html(content: str, language: str = "en") -> str:
    """``content`` (HTML) in a collapsed analyst section."""
    return markup.details_html(_t("analyst", language), content)


# ------------------------------------------------------------------------------ comparison


def _no_data_reason(r, language: str = "en") -> str:
    """Why a comparison row has no estimate."""
    for side in ("after", "before"):
        if not _finite(getattr(r, f"value_{side}")):
            late = getattr(r, f"not_matured_{side}", "")
            word = _t(f"side.{side}", language)
            if isinstance(late, str) and late:
                return _t("no_data.late", language, side=word, months=markdown_safe(late))
            return _t("no_data.side", language, side=word)
    return _t("verdict.no data", language)


def _matured_note(r, language: str = "en") -> str:
    """Which months a follow-up indicator could not use; empty when none."""
    parts = [
        _t("matured.part", language, side=_t(f"side.{side}", language), months=markdown_safe(late))
        for side in ("before", "after")
        if isinstance(late := getattr(r, f"not_matured_{side}", ""), str) and late
    ]
    if not parts:
        return ""
    return _t("matured", language, parts="; ".join(parts))


def _verdict(v, language: str) -> str:
    key = f"verdict.{v}"
    return _t(key, language) if _P + key in TEXTS else str(v)


def _change_sentence(r, language: str, *, currency: str = DEFAULT_CURRENCY) -> str:
    u = r.unit
    lab = markdown_safe(_row_label(r, language))
    ind = getattr(r, "indicator", None)
    if r.verdict == "no data":
        return _t("cannot_compare", language, label=lab, reason=_no_data_reason(r, language))
    values = {
        "label": lab,
        "before": _level(r.value_before, u, language, ind, currency=currency),
        "after": _level(r.value_after, u, language, ind, currency=currency),
        "rel": _pct(r.rel_change, language),
        "low": _pct(r.rel_change_ci_low, language),
        "high": _pct(r.rel_change_ci_high, language),
    }
    if r.verdict in ("improved", "worsened", "increased", "decreased"):
        tail = _t(f"tail.{r.verdict}", language) if r.verdict in ("improved", "worsened") else ""
        key = "rose" if r.change > 0 else "fell"
        return _t(key, language, tail=tail, **values) + _matured_note(r, language)
    return _t("unclear", language, **values) + _matured_note(r, language)


def comparison_text(
    comparison: pd.DataFrame, *, language: str = "en", currency: str = DEFAULT_CURRENCY
) -> str:
    """One bullet per indicator (and group): what changed, by how much, how sure.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.period_comparison`.
    language : str
        Review language.
    """
    multi = comparison["group"].nunique() > 1
    lines = []
    for r in comparison.itertuples(index=False):
        s = _change_sentence(r, language, currency=currency)
        lines.append(f"{markdown_safe(r.group)}: {s}" if multi else s)
    return "\n".join(f"- {line}" for line in lines) + f"\n\n*{_t('rule', language)}*"


def summary_table(
    comparison: pd.DataFrame, *, language: str = "en", currency: str = DEFAULT_CURRENCY
) -> pd.DataFrame:
    """The manager's before/after table: indicator, levels, change, 95 % range, verdict.

    Returns
    -------
    DataFrame
        One row per group and indicator, every cell a formatted string, headers translated.
    """
    rows = []
    multi = comparison["group"].nunique() > 1
    for r in comparison.itertuples(index=False):
        ind = getattr(r, "indicator", None)
        lab = _row_label(r, language)
        no = r.verdict == "no data"
        rows.append(
            {
                "indicator": f"{r.group}: {lab}" if multi else lab,
                "before": _level(r.value_before, r.unit, language, ind, currency=currency),
                "after": _level(r.value_after, r.unit, language, ind, currency=currency),
                "change": _t("na", language) if no else _pct(r.rel_change, language),
                "sure": _t("na", language)
                if no
                else _sure(
                    r.rel_change_ci_low,
                    r.rel_change_ci_high,
                    lambda x: _pct(x, language),
                    language,
                ),
                "verdict": _no_data_reason(r, language) if no else _verdict(r.verdict, language),
            }
        )
    cols = {c: (f"{_P}col.{c}", "text") for c in ("indicator", "before", "after", "change")}
    cols |= {"sure": (f"{_P}col.sure", "text"), "verdict": (f"{_P}col.verdict", "text")}
    return manager_table(
        pd.DataFrame(rows, columns=list(cols)), cols, language=language, currency=currency
    )


def comparison_table(
    comparison: pd.DataFrame, *, language: str = "en", currency: str = DEFAULT_CURRENCY
) -> pd.DataFrame:
    """The analyst's table of :func:`~kpi_lib.analyses.before_after.period_comparison`.

    Returns
    -------
    DataFrame
        One row per group and indicator with text columns ``group``, ``indicator`` (label),
        ``before`` and ``after`` (level [95 % interval]), ``change`` (relative change [interval]),
        ``test`` (name, adjusted p), ``effect size`` and ``verdict`` (headers in ``language``).
    """
    rows = []
    na = _t("na", language)
    for r in comparison.itertuples(index=False):
        u, ind = r.unit, getattr(r, "indicator", None)

        def lv(side, r=r, u=u, ind=ind):
            v = _level(getattr(r, f"value_{side}"), u, language, ind, currency=currency)
            lo, hi = (getattr(r, f"value_{side}_ci_{e}", np.nan) for e in ("low", "high"))
            if not (_finite(lo) and _finite(hi)):
                return v
            return f"{v} [{_level(lo, u, language, ind, currency=currency)}, {_level(hi, u, language, ind, currency=currency)}]"

        no = r.verdict == "no data"
        rows.append(
            {
                "group": r.group,
                "indicator": _row_label(r, language),
                "before": lv("before"),
                "after": lv("after"),
                "change": na
                if no
                else f"{_pct(r.rel_change, language)} [{_pct(r.rel_change_ci_low, language)}, "
                f"{_pct(r.rel_change_ci_high, language)}]",
                "test": na if no else f"{r.test}, p_adj {_p(r.p_adj)}",
                "effect": na
                if no or not _finite(r.effect_size)
                else _signed(format_number(abs(r.effect_size), language, digits=2), r.effect_size),
                "verdict": _no_data_reason(r, language) if no else _verdict(r.verdict, language),
            }
        )
    cols = {
        c: (f"{_P}col.{c}", "text")
        for c in ("group", "indicator", "before", "after", "change", "test", "effect", "verdict")
    }
    return manager_table(
        pd.DataFrame(rows, columns=list(cols)), cols, language=language, currency=currency
    )


comparison_detail_table = comparison_table


def method_html(analysis: str, language: str = "en") -> str:
    """How an analysis (``did`` or ``its``) computes its intervals and tests, for analysts."""
    return f"<p><small>{html.escape(_t('method.' + analysis, language))}</small></p>"


def comparison_method_html(comparison: pd.DataFrame, *, language: str = "en") -> str:
    """How the comparison's intervals and tests were computed (for the analyst section)."""
    kind = comparison["interval"].iloc[0] if "interval" in comparison and len(comparison) else ""
    corr = comparison["correction"].iloc[0] if len(comparison) else "none"
    sentence = _t(
        "method.comparison",
        language,
        kind=kind,
        tests=", ".join(sorted(map(str, comparison["test"].unique()))),
        correction=corr,
        n=int(comparison["p_value"].notna().sum()),
    )
    return f"<p><small>{html.escape(sentence)}</small></p>"


# ------------------------------------------------------------------------------ DiD

_MONTHS = re.compile(r"((?:\d{4}-\d{2}(?:, )?)+) \((before|after)\)")


def _late_months(note, language: str) -> str:
    """The not-yet-matured months named in a DiD ``note`` (``YYYY-MM, ... (after)``)."""
    found = _MONTHS.findall(str(note or ""))
    return "; ".join(f"{m.strip(', ')} ({_t('side.' + s, language)})" for m, s in found)


def _team_limit(did: pd.DataFrame, language: str) -> str:
    """Why team-level inference is impossible or approximate; empty when it is neither."""
    if not len(did) or "n_teams_treated" not in did:
        return ""
    n_t = int(did["n_teams_treated"].max())
    n_c = int(did["n_teams_comparison"].max())
    if min(n_t, n_c) < 2:
        side = _t("did.side." + ("comparison" if n_c <= n_t else "switched"), language)
        return _t("did.one_team", language, side=side)
    if n_t + n_c < 6:
        return _t("did.few_teams", language, n=n_t + n_c)
    return ""


def did_text(
    did: pd.DataFrame,
    *,
    treated: str | None = None,
    comparison: str | None = None,
    language: str = "en",
) -> str:
    """Difference-in-differences findings with the parallel-trends verdict, one bullet each.

    Parameters
    ----------
    did : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.difference_in_differences`.
    treated, comparison : str, optional
        How to name the two groups (default: "the switched teams", "the comparison team" in
        ``language``).
    language : str
        Review language.
    """
    treated = treated or _t("switched_teams", language)
    comparison = comparison or _t("comparison_team", language)
    lines = []
    for r in did.itertuples(index=False):
        u = _unit(r.indicator)
        lab = markdown_safe(indicator_label(r.indicator, language, r.label))
        late = _late_months(getattr(r, "note", ""), language)
        tail = _t("did.late", language, months=late) if late else ""

        def d(x, u=u):
            return _delta(x, u, language)

        if not _finite(r.estimate):
            cells = [(f"treated_{s}", "switched", s) for s in ("before", "after")] + [
                (f"comparison_{s}", "comparison", s) for s in ("before", "after")
            ]
            which = _t("did.and", language).join(
                _t(
                    "did.cell",
                    language,
                    group=_t("switched_teams" if g == "switched" else "comparison_team", language),
                    side=_t(f"side.{s}", language),
                )
                for c, g, s in cells
                if not _finite(getattr(r, c))
            )
            lines.append(_t("did.no_estimate", language, label=lab, which=which) + tail)
            continue
        if not _finite(r.ci_low) and not _finite(r.ci_high):
            lines.append(
                _t("did.described", language, label=lab, delta=d(r.estimate), comparison=comparison)
                + tail
            )
            continue
        sure = _sure(r.ci_low, r.ci_high, d, language)
        if r.significant:
            head = _t(
                "did.significant",
                language,
                label=lab,
                comparison=comparison,
                treated=treated,
                delta=d(r.estimate),
                rel=_pct(r.rel_effect, language),
                sure=sure,
            )
        elif _finite(r.ci_low) and _finite(r.ci_high) and (r.ci_low > 0 or r.ci_high < 0):
            head = _t(
                "did.not_after_all",
                language,
                label=lab,
                delta=d(r.estimate),
                comparison=comparison,
                sure=sure,
                n=len(did),
            )
        else:
            head = _t("did.none_shown", language, label=lab, delta=d(r.estimate), sure=sure)
        if r.parallel_trends == "doubtful":
            trend = _t("did.drift", language, diff=d(r.pre_trend_diff))
            if _finite(r.trend_bias) and np.sign(r.trend_bias) == np.sign(r.estimate):
                trend += _t("did.drift_bias", language, bias=d(r.trend_bias))
            else:
                trend += _t("did.drift_against", language)
        elif r.parallel_trends == "cannot judge":
            trend = _t("did.cannot_judge", language)
        else:
            trend = _t("did.parallel", language)
        lines.append(head + trend + tail)
    limit = _team_limit(did, language)
    if limit:
        lines.insert(0, _t("did.all", language, text=limit))
    return "\n".join(f"- {line}" for line in lines)


def did_table(
    did: pd.DataFrame, *, language: str = "en", currency: str = DEFAULT_CURRENCY
) -> pd.DataFrame:
    """The manager's difference-in-differences table: levels of both groups, the extra change
    credited to the scheme and how sure (or that it can only be described)."""
    rows = []
    for r in did.itertuples(index=False):
        u = _unit(r.indicator)

        def d(x, u=u):
            return _delta(x, u, language)

        if not _finite(r.estimate):
            sure = _t("verdict.no data", language)
        elif not (_finite(r.ci_low) or _finite(r.ci_high)):
            sure = _t("described_only", language)
        else:
            sure = _sure(r.ci_low, r.ci_high, d, language)
        rows.append(
            {
                "indicator": indicator_label(r.indicator, language, r.label),
                "sb": _level(r.treated_before, u, language, r.indicator, currency=currency),
                "sa": _level(r.treated_after, u, language, r.indicator, currency=currency),
                "cb": _level(r.comparison_before, u, language, r.indicator, currency=currency),
                "ca": _level(r.comparison_after, u, language, r.indicator, currency=currency),
                "extra": d(r.estimate) if _finite(r.estimate) else _t("verdict.no data", language),
                "sure": sure,
            }
        )
    cols = {
        "indicator": (f"{_P}col.indicator", "text"),
        "sb": (f"{_P}col.switched_before", "text"),
        "sa": (f"{_P}col.switched_after", "text"),
        "cb": (f"{_P}col.comparison_before", "text"),
        "ca": (f"{_P}col.comparison_after", "text"),
        "extra": (f"{_P}col.extra", "text"),
        "sure": (f"{_P}col.how_sure", "text"),
    }
    return manager_table(
        pd.DataFrame(rows, columns=list(cols)), cols, language=language, currency=currency
    )


def did_detail_table(did: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """The analyst's difference-in-differences table (estimate, standard error, interval,
    adjusted p, pre-trend p, parallel-trends verdict, teams, method)."""
    rows = []
    for r in did.itertuples(index=False):
        u = _unit(r.indicator)
        ci = (
            f"[{_delta(r.ci_low, u, language)}, {_delta(r.ci_high, u, language)}]"
            if _finite(r.ci_low) or _finite(r.ci_high)
            else "–"
        )
        method = "none" if getattr(r, "inference", "none") == "none" else "wild"
        rows.append(
            {
                "indicator": indicator_label(r.indicator, language, r.label),
                "estimate": _delta(r.estimate, u, language) if _finite(r.estimate) else "–",
                "se": format_number(r.se, language, digits=3) if _finite(r.se) else "–",
                "ci": ci,
                "p": _p(r.p_adj),
                "pre": _p(r.pre_trend_p),
                "parallel": _t(f"parallel.{r.parallel_trends}", language),
                "teams": f"{r.n_teams_treated} / {r.n_teams_comparison}",
                "method": _t(f"method.{method}", language),
            }
        )
    cols = {
        "indicator": (f"{_P}col.indicator", "text"),
        "estimate": (f"{_P}col.estimate", "text"),
        "se": (f"{_P}col.se", "text"),
        "ci": (f"{_P}col.interval", "text"),
        "p": (f"{_P}col.p_adj", "text"),
        "pre": (f"{_P}col.pre_trend_p", "text"),
        "parallel": (f"{_P}col.parallel", "text"),
        "teams": (f"{_P}col.teams", "text"),
        "method": (f"{_P}col.method", "text"),
    }
    return manager_table(pd.DataFrame(rows, columns=list(cols)), cols, language=language)


# ------------------------------------------------------------------------------ ITS


def _left_out(value, language: str) -> str:
    """The ITS ``left_out`` column worded in ``language`` (it joins ``kind: periods`` parts)."""
    parts = []
    for part in str(value or "").split("; "):
        if not part:
            continue
        periods = markdown_safe(part.split(": ", 1)[-1])
        key = "its.late" if part.startswith("periods whose follow-up") else "its.incomplete"
        parts.append(_t(key, language, periods=periods))
    return "; ".join(parts)


def its_text(its: pd.DataFrame, *, language: str = "en") -> str:
    """Interrupted-time-series findings: did the series break at the switch, and how far it
    stands at the end from where the earlier trend pointed.

    Parameters
    ----------
    its : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.interrupted_time_series`.
    language : str
        Review language.
    """
    lines = []
    for r in its.itertuples(index=False):
        u = _unit(r.indicator)
        if r.significant:
            verdict = _t("its.clear", language)
        elif _finite(r.level_change_p) and r.level_change_p < 0.05:
            verdict = _t("its.jump", language)
        else:
            verdict = _t("its.none", language)
        gran = f"gran.{r.granularity}"
        line = _t(
            "its.line",
            language,
            label=markdown_safe(indicator_label(r.indicator, language, r.label)),
            verdict=verdict,
            period=_t(gran, language) if _P + gran in TEXTS else r.granularity,
            delta=_delta(r.effect_end, u, language),
            rel=_pct(r.rel_effect_end, language),
            sure=_sure(
                r.effect_end_ci_low,
                r.effect_end_ci_high,
                lambda x, u=u: _delta(x, u, language),
                language,
            ),
        )
        if r.caution:
            line += _t("its.caution", language)
        left_out = _left_out(getattr(r, "left_out", ""), language)
        if left_out:
            line += _t("its.left_out", language, what=left_out)
        lines.append(line)
    return "\n".join(f"- {line}" for line in lines)


def its_detail_table(its: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """The analyst's interrupted-time-series table: jump and trend change with p-values, the
    effect at the end with its interval, Durbin-Watson."""
    rows = []
    for r in its.itertuples(index=False):
        u = _unit(r.indicator)
        rows.append(
            {
                "indicator": indicator_label(r.indicator, language, r.label),
                "weeks": f"{r.n_pre} / {r.n_post}",
                "jump": _delta(r.level_change, u, language),
                "jump_p": _p(r.level_change_p),
                "slope": _delta(r.slope_change, u, language),
                "slope_p": _p(r.slope_change_p),
                "end": f"{_delta(r.effect_end, u, language)} [{_delta(r.effect_end_ci_low, u, language)}, "
                f"{_delta(r.effect_end_ci_high, u, language)}]",
                "p": _p(r.p_adj),
                "dw": format_number(r.durbin_watson, language, digits=2),
            }
        )
    cols = {
        "indicator": (f"{_P}col.indicator", "text"),
        "weeks": (f"{_P}col.weeks", "text"),
        "jump": (f"{_P}col.jump", "text"),
        "jump_p": (f"{_P}col.jump_p", "text"),
        "slope": (f"{_P}col.slope", "text"),
        "slope_p": (f"{_P}col.slope_p", "text"),
        "end": (f"{_P}col.effect_end", "text"),
        "p": (f"{_P}col.p_adj", "text"),
        "dw": (f"{_P}col.dw", "text"),
    }
    return manager_table(pd.DataFrame(rows, columns=list(cols)), cols, language=language)


# ------------------------------------------------------------------------------ re-scoring

_DECISIONS = (
    "rewarded only under new",
    "rewarded only under old",
    "PIP only under new",
    "PIP only under old",
)


def decisions_text(value, language: str = "en") -> str:
    """A re-scoring ``decision_change`` (codes joined by ``; ``) in words; "no change" when empty."""
    parts = [p for p in str(value or "").split("; ") if p]
    if not parts:
        return _t("decision.none", language)
    return _sep(language).join(
        _t(f"decision.{p}", language) if p in _DECISIONS else markdown_safe(p) for p in parts
    )


def rescoring_text(rescored: pd.DataFrame, *, max_agents: int = 8, language: str = "en") -> str:
    """Who would be rewarded or put on a PIP under one scheme but not the other.

    Parameters
    ----------
    rescored : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.rescore_under_schemes`.
    max_agents : int
        Agents named per category at most.
    language : str
        Review language.
    """
    lines = []
    sep = _sep(language)
    old, new = (markdown_safe(rescored[c].iloc[0]) for c in ("old_scheme", "new_scheme"))
    periods = rescored["period"].astype(str)
    for period in period_order(periods):
        d = rescored[periods == period]
        n = len(d)
        ranks = d[["rank_old", "rank_new"]].dropna()
        rho = ranks.corr(method="spearman").iloc[0, 1] if len(ranks) > 2 else np.nan
        head = (
            _t(
                "rescore.period",
                language,
                period=markdown_safe(period),
                n=n,
                old=old,
                new=new,
                rho=format_number(rho, language, digits=2),
            )
            if _finite(rho)
            else _t("rescore.period_only", language, period=markdown_safe(period), n=n)
        )
        parts = [head]
        for code in _DECISIONS:
            who = d.loc[d["decision_change"].str.contains(code, regex=False), "agent_id"].tolist()
            if who:
                names = sep.join(markdown_safe(a) for a in who[:max_agents])
                if len(who) > max_agents:
                    names = _t("rescore.more", language, names=names, n=len(who) - max_agents)
                parts.append(
                    _t(
                        "rescore.item",
                        language,
                        what=_t(f"decision.{code}", language),
                        n=len(who),
                        names=names,
                    )
                )
        if len(parts) == 1:
            parts.append(_t("rescore.nothing", language))
        lines.append(_t("semi", language).join(parts) + ("." if language == "en" else "。"))
    return "\n".join(f"- {line}" for line in lines)


def rescoring_table(
    rescored: pd.DataFrame, *, language: str = "en", currency: str = DEFAULT_CURRENCY
) -> pd.DataFrame:
    """The agents whose reward or improvement plan depends on the scheme, for the manager:
    month, score, rank, tier and bonus under each scheme, and what changes for them."""
    d = rescored[rescored["decision_change"].fillna("") != ""].copy()
    d["what"] = [decisions_text(v, language) for v in d["decision_change"]]
    cols = {
        "agent_id": (f"{_P}col.agent", "text"),
        "period": (f"{_P}col.period", "text"),
        "composite_old": (f"{_P}col.score_old", "score"),
        "composite_new": (f"{_P}col.score_new", "score"),
        "rank_old": (f"{_P}col.rank_old", "count"),
        "rank_new": (f"{_P}col.rank_new", "count"),
        "tier_old": (f"{_P}col.tier_old", "text"),
        "tier_new": (f"{_P}col.tier_new", "text"),
        "bonus_old": (f"{_P}col.bonus_old", "currency"),
        "bonus_new": (f"{_P}col.bonus_new", "currency"),
        "what": (f"{_P}col.what", "text"),
    }
    return manager_table(d, cols, language=language, currency=currency)


def rescoring_html(
    rescored: pd.DataFrame,
    *,
    language: str = "en",
    max_rows: int = 30,
    currency: str = DEFAULT_CURRENCY,
) -> str:
    """:func:`rescoring_table` as HTML, or a sentence when no agent's outcome changes.

    At most ``max_rows`` agents (latest month first, largest bonus change first), saying
    "N of M shown" when the list is cut.
    """
    changed = rescored[rescored["decision_change"].fillna("") != ""]
    if changed.empty:
        return f"<p>{html.escape(_t('rescore.none_changed', language))}</p>"
    order = changed.assign(
        _p=changed["period"].astype(str),
        _b=changed["bonus_change"].abs() if "bonus_change" in changed else 0.0,
    ).sort_values(["_p", "_b"], ascending=[False, False])
    shown = order.head(max_rows).drop(columns=["_p", "_b"])
    note = ""
    if len(changed) > max_rows:
        sentence = _t("rescore.shown", language, shown=len(shown), total=len(changed))
        note = f"<p><i>{html.escape(sentence)}</i></p>"
    return note + table_html(rescoring_table(shown, language=language, currency=currency))


# ------------------------------------------------------------------------------ case study


def scheme_weights_text(scheme, *, language: str = "en") -> str:
    """A scheme's weights in one line, e.g. ``Sales amount 70 %, Dials 30 %``.

    Parameters
    ----------
    scheme : Scheme
        A loaded :class:`~kpi_lib.scoring.schemes.Scheme` (the report layer reads no files).
    language : str
        Review language.
    """
    if not hasattr(scheme, "overall_weights"):
        raise TypeError(
            f"scheme_weights_text needs a loaded Scheme (kpi_lib.scoring.load_scheme), not "
            f"{type(scheme).__name__}."
        )
    w = scheme.overall_weights().sort_values(ascending=False)
    return _sep(language).join(
        _t(
            "weight",
            language,
            indicator=indicator_label(i, language),
            weight=format_number(100 * v, language, digits=0),
        )
        for i, v in w.items()
    )


def _md_table(df: pd.DataFrame) -> str:
    cols = [markdown_safe(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for row in df.astype(str).itertuples(index=False):
        lines.append("| " + " | ".join(markdown_safe(v) for v in row) + " |")
    return "\n".join(lines)


def _source_text(r, language: str) -> str:
    key = f"src.{r.indicator}.{r.check}"
    return _t(key, language) if _P + key in TEXTS else markdown_safe(r.source_text)


def case_study_text(
    *,
    comparison: pd.DataFrame,
    case_table: pd.DataFrame,
    old,
    new,
    did: pd.DataFrame | None = None,
    group: str | None = None,
    team_name: str | None = None,
    comparison_name: str | None = None,
    language: str = "en",
    currency: str = DEFAULT_CURRENCY,
) -> str:
    """The case-study write-up: background, the change, results before -> after, in plain words.

    Parameters
    ----------
    comparison : DataFrame
        :func:`~kpi_lib.analyses.before_after.period_comparison` of the treated group.
    case_table : DataFrame
        :func:`~kpi_lib.analyses.before_after.case_study_table` of that comparison.
    old, new : Scheme
        Loaded schemes before and after the switch.
    did : DataFrame, optional
        :func:`~kpi_lib.analyses.before_after.difference_in_differences`; adds how much of the
        change the comparison team confirms.
    group : str, optional
        Group of ``comparison`` to describe (required when it holds several).
    team_name, comparison_name : str, optional
        How the text names the treated teams and the comparison team (default: the
        catalogue's words in ``language``).
    language : str
        Review language.

    Returns
    -------
    str
        Markdown with the sections Background, The change, Results (a before -> after table
        with 95 % ranges and the source's figures), In one paragraph, and How sure we are.
    """
    team_name = team_name or _t("switched_teams", language)
    comparison_name = comparison_name or _t("comparison_team", language)
    sep = _sep(language)
    groups = list(pd.unique(comparison["group"]))
    if group is None:
        if len(groups) != 1:
            raise ValueError(f"`comparison` holds several groups {groups}; pass `group=`.")
        group = groups[0]
    c = comparison[comparison["group"] == group].set_index("indicator")
    rows = c.reset_index()
    bw = (c["before_start"].iloc[0], c["before_end"].iloc[0])
    aw = (c["after_start"].iloc[0], c["after_end"].iloc[0])

    def lab(ind):
        return indicator_label(ind, language, c.loc[ind, "label"] if ind in c.index else None)

    def level(ind, side):
        return _level(
            c.loc[ind, f"value_{side}"], c.loc[ind, "unit"], language, ind, currency=currency
        )

    symptoms = [
        _t("case.symptom", language, label=lab(ind), value=level(ind, "before"))
        for ind in ("complaints_per_100_orders", "repurchase_rate", "dials")
        if ind in c.index
    ]
    h = lambda key: "### " + _t(f"h.{key}", language)  # noqa: E731
    out = [
        h("background"),
        _t(
            "case.background",
            language,
            weights=scheme_weights_text(old, language=language),
            teams=team_name,
            window=_window(bw, language),
            symptoms=sep.join(symptoms) if symptoms else _t("case.see_table", language),
        ),
        h("change"),
        _t(
            "case.change",
            language,
            weights=scheme_weights_text(new, language=language),
            after=_window(aw, language),
            before=_window(bw, language),
        ),
    ]
    table = summary_table(rows.assign(group=group), language=language, currency=currency)
    out += [h("results"), _t("case.results", language) + "\n\n" + _md_table(table)]
    checks = []
    for r in case_table.itertuples(index=False):
        source = _source_text(r, language)
        if pd.isna(r.consistent):
            if r.indicator in c.index and c.loc[r.indicator, "verdict"] == "no data":
                why = _no_data_reason(c.loc[r.indicator].rename(r.indicator), language)
                checks.append(_t("case.no_data", language, source=source, why=why))
            else:
                checks.append(_t("case.not_measured", language, source=source))
            continue
        if r.check == "rel_change":
            fmt = lambda x: _pct(x, language)  # noqa: E731
        else:
            fmt = lambda x, r=r: _level(  # noqa: E731
                x, _unit(r.indicator), language, r.indicator, currency=currency
            )
        checks.append(
            _t(
                "case.check",
                language,
                source=source,
                measured=fmt(r.measured),
                low=fmt(r.ci_low),
                high=fmt(r.ci_high),
                agree=_t("case.consistent" if r.consistent else "case.differs", language),
            )
        )
    out += [_t("case.against", language) + "\n\n" + "\n".join(f"- {x}" for x in checks)]

    better = [r for r in rows.itertuples(index=False) if r.verdict == "improved"]
    worse = [r for r in rows.itertuples(index=False) if r.verdict == "worsened"]
    para = []
    if better:
        items = _t("semi", language).join(
            _t(
                "case.better_item",
                language,
                label=lab(r.indicator),
                before=level(r.indicator, "before"),
                after=level(r.indicator, "after"),
            )
            for r in better
        )
        para.append(_t("case.better", language, items=items))
    if worse:
        items = _t("semi", language).join(
            _t(
                "case.price_item." + ("fell" if r.change < 0 else "rose"),
                language,
                label=lab(r.indicator),
                pct=_pct(abs(r.rel_change), language, signed=False),
            )
            for r in worse
        )
        para.append(_t("case.price", language, items=items))
    unclear = [
        lab(r.indicator) for r in rows.itertuples(index=False) if r.verdict == "no clear change"
    ]
    if unclear:
        para.append(_t("case.unclear", language, items=sep.join(unclear)))
    missing = [lab(r.indicator) for r in rows.itertuples(index=False) if r.verdict == "no data"]
    if missing:
        para.append(_t("case.missing", language, items=sep.join(missing)))
    joiner = " " if language == "en" else ""
    out += [h("paragraph"), joiner.join(para) if para else _t("case.nothing", language)]

    sure = [_t("case.sure", language)]
    if did is not None and len(did):
        testable = did[did["inference"] != "none"] if "inference" in did else did
        confirmed = testable[testable["significant"]]
        doubtful = testable[testable["parallel_trends"] == "doubtful"]
        name = comparison_name[:1].upper() + comparison_name[1:]
        if len(testable):
            which = (
                _t(
                    "case.which",
                    language,
                    items=sep.join(
                        lab(i) if i in c.index else indicator_label(i, language)
                        for i in confirmed["indicator"]
                    ),
                )
                if len(confirmed)
                else ""
            )
            sure.append(
                _t(
                    "case.confirmed",
                    language,
                    comparison=name,
                    n=len(confirmed),
                    m=len(testable),
                    which=which,
                )
            )
        elif (
            "n_teams_comparison" in did
            and min(did["n_teams_treated"].max(), did["n_teams_comparison"].max()) < 2
        ):
            n_t, n_c = did["n_teams_treated"].max(), did["n_teams_comparison"].max()
            side = _t("did.side." + ("comparison" if n_c <= n_t else "switched"), language)
            sure.append(_t("case.described", language, comparison=name, side=side))
        if len(doubtful):
            sure.append(
                _t(
                    "case.drift",
                    language,
                    items=sep.join(indicator_label(i, language) for i in doubtful["indicator"]),
                )
            )
    else:
        sure.append(_t("case.no_comparison", language))
    out += [h("sure"), joiner.join(sure)]
    return "\n\n".join(out)
