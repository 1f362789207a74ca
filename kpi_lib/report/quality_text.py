"""Plain-language findings for the data-quality and QA-calibration report (manager-facing).

Each function takes the tables of :mod:`kpi_lib.analyses.calibration` or
:mod:`kpi_lib.analyses.coverage` and returns, in the review's ``language``, Markdown (bullet
points in plain words) or a manager table (:func:`~kpi_lib.report.formatting.manager_table`:
translated headers, formatted cells). Every word comes from the message catalogue
(``quality.*`` keys in :mod:`kpi_lib.report.messages.quality`); kappa values and p-values
only appear in the tables of the collapsed analyst sections.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from kpi_lib.analyses.calibration.common import reviews_table
from kpi_lib.indicators import CATALOGUE, label
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.report import markup
from kpi_lib.report.formatting import (
    format_count,
    format_number,
    format_percent,
    is_missing,
    manager_table,
    table_name,
)
from kpi_lib.report.markup import details_html, markdown_safe
from kpi_lib.report.review import skipped_html as section_html
from kpi_lib.report.review_text import TEXTS, text

__all__ = [
    "QA_SECTIONS",
    "available",
    "key_numbers",
    "skipped_html",
    "unavailable_sections",
    "unavailable_summary",
    "kappa_wording",
    "heading",
    "note",
    "details_html",
    "table_html",
    "judgement_name",
    "spot_check_sheet",
    "table_name",
    "coverage_table",
    "quarantine_table",
    "gaps_table",
    "unavailable_table",
    "agreement_table",
    "flags_table",
    "correction_table",
    "reviewer_table",
    "leniency_table",
    "sample_table",
    "sample_text",
    "spot_check_sheet",
    "agreement_text",
    "flags_text",
    "correction_text",
    "reviewer_text",
    "coverage_text",
]

_KAPPA_WORDS = (
    (0, "worse than chance"),
    (0.2, "slight"),
    (0.4, "fair"),
    (0.6, "moderate"),
    (0.8, "substantial"),
)


def kappa_wording(kappa: float, language: str | None = None) -> str:
    """Landis & Koch (1977) wording for a kappa value (the English code with ``language``
    None, else the catalogue's wording)."""
    word = "undefined"
    if np.isfinite(kappa):
        word = next((w for bound, w in _KAPPA_WORDS if kappa < bound), "almost perfect")
    return word if language is None else text(f"quality.kappa.{word}", language)


def heading(key: str, language: str, level: int = 2) -> str:
    """A Markdown heading from the catalogue (``quality.h.<key>``)."""
    return "#" * level + " " + text(f"quality.h.{key}", language)


def note(key: str, language: str, **values) -> str:
    """A note paragraph from the catalogue (``quality.<key>``), Markdown."""
    return text(f"quality.{key}", language, **values)


def table_html(table: pd.DataFrame) -> str:
    """A manager table (from :func:`manager_table`) as HTML without an index."""
    return markup.table_html(table, classes="")


def judgement_name(judgement: str, language: str = "en") -> str:
    """The catalogue's name of a QA judgement (``effective``, ``compliant``)."""
    key = f"quality.j.{judgement}"
    return text(key, language) if key in TEXTS else str(judgement)


def _adjective(judgement: str, language: str) -> str:
    key = f"quality.adj.{judgement}"
    return text(key, language) if key in TEXTS else str(judgement)


def _cap(s: str) -> str:
    return s[:1].upper() + s[1:]


def _pct(x, language, digits=0) -> str:
    return format_percent(x, language, digits=digits)


def _points(x, language) -> str:
    return format_number(abs(x) * 100, language, digits=1)


def _space(language: str) -> str:
    """What separates two sentences: a space in English, nothing in Chinese."""
    return "" if language.startswith("zh") else " "


def _bullets(lines: list[str], language: str = "en") -> str:
    if not lines:
        lines = [text("quality.nothing", language)]
    return "\n".join(f"- {line}" for line in lines)


#: Reasons an indicator value is missing (kpi_lib.indicators) -> catalogue key.
_GAP_REASONS = {
    "window not complete": "quality.reason.window",
    "missing in the export": "quality.reason.export",
    "team sales target is 0": "quality.reason.target",
    "no team sales target for the period": "quality.reason.target",
    "level not in level_map": "quality.reason.level",
    "no human reviews to estimate the system's error rates": "quality.reason.no_human",
    "system no better than chance (sensitivity + specificity <= 1)": "quality.reason.chance",
}
#: Parts of the loader's quarantine reasons (kpi_lib.data.rules) -> catalogue key.
_QUARANTINE_REASONS = (
    ("duration above maximum", "quality.reason.duration"),
    ("in the future of the export", "quality.reason.future"),
    (": unknown ", "quality.reason.unknown_ref"),
    ("not a period label", "quality.reason.period_label"),
    (": not ", "quality.reason.format"),
    ("before ", "quality.reason.order"),
    ("larger than", "quality.reason.order"),
    ("at import", "quality.reason.import"),
)


def reason_text(reason, language: str = "en") -> str:
    """An indicator's or the loader's reason (English text from the layers below) worded in
    ``language``: English as given; otherwise the catalogue's wording when known, else a
    generic reason."""
    r = "" if is_missing(reason) else str(reason).strip()
    if language == "en" or not r:
        return r
    if r in _GAP_REASONS:
        return text(_GAP_REASONS[r], language)
    if r.startswith("no ") and f"quality.what.{r[3:]}" in TEXTS:
        return text(
            "quality.reason.no_data", language, what=text(f"quality.what.{r[3:]}", language)
        )
    for part, key in _QUARANTINE_REASONS:
        if part in r:
            return text(key, language)
    return text("quality.reason.rule", language)


def spot_check_sheet(
    sample: pd.DataFrame, *, language: str = "en", definitions=None
) -> pd.DataFrame:
    """The spot-check sample as the QA team reads it: ``reason`` worded in the review's
    language ("talk time near 180 s; borderline intent"), the codes kept in ``reason_code``.

    Parameters
    ----------
    sample : DataFrame
        Output of :func:`kpi_lib.analyses.calibration.spot_check_sample`.
    language : str
    definitions : Definitions, str or path, optional
        The review's indicator definitions (the effective-call threshold the ``near_threshold``
        reason refers to); default definitions when omitted.

    Returns
    -------
    DataFrame
        ``sample`` with ``reason`` worded and ``reason_code`` (the sampler's codes) after it.

    Examples
    --------
    >>> s = pd.DataFrame({"reason": ["near_threshold;borderline_intent", "random"]})
    >>> list(spot_check_sheet(s, language="zh-Hans")["reason"])
    ['通话时长接近 180 秒；意向评分处于临界', '随机抽取']
    """
    threshold = Definitions.from_yaml(definitions).effective_min_talk_s
    sep = "; " if language == "en" else "；"

    def worded(codes: str) -> str:
        return sep.join(
            text(f"quality.spot.reason.{c}", language, seconds=f"{float(threshold):g}")
            if f"quality.spot.reason.{c}" in TEXTS
            else c
            for c in str(codes).split(";")
        )

    out = sample.copy()
    if "reason" not in out:
        return out
    at = list(out.columns).index("reason") + 1
    out.insert(at, "reason_code", out["reason"])
    out["reason"] = [worded(c) for c in out["reason_code"]]
    return out


def sample_text(sample: pd.DataFrame, path=None, *, language: str = "en") -> str:
    """What the spot-check sample contains and what the QA team should do with it (Markdown)."""
    if sample.empty:
        return _bullets([text("quality.spot.none", language)], language)
    focus = (sample["stratum"] == "focus").mean()
    per = sample.groupby("agent_id").size()
    lines = [
        text(
            "quality.spot.main",
            language,
            n=format_count(len(sample), language),
            agents=format_count(len(per), language),
            low=int(per.min()),
            high=int(per.max()),
            focus=_pct(focus, language),
        ),
        text("quality.spot.fill", language),
    ]
    if path is not None:
        lines.append(text("quality.spot.sheet", language, path=markdown_safe(path)))
    return _bullets(lines, language)


def agreement_text(agreement: pd.DataFrame, *, language: str = "en") -> str:
    """One paragraph per judgement, in plain words: how far the automatic QA can be trusted
    (kappa and the McNemar test are worded; their numbers are in :func:`agreement_table`)."""
    lines = []
    for r in agreement.to_dict("records"):
        name = judgement_name(r["judgement"], language)
        values = {"name": _cap(name), "name_lower": _adjective(r["judgement"], language)}
        sentence = text(
            "quality.agr.main",
            language,
            n=format_count(r["n"], language),
            agree=_pct(r["observed_agreement"], language),
            word=kappa_wording(r["kappa"], language),
            **values,
        )
        sentence += _space(language) + text(
            "quality.agr.fp",
            language,
            fpr=_pct(r["fpr"], language),
            low=_pct(r["fpr_low"], language),
            high=_pct(r["fpr_high"], language),
            fnr=_pct(r["fnr"], language),
            **values,
        )
        sentence += _space(language) + text(
            "quality.agr.up" if r["difference"] > 0 else "quality.agr.down",
            language,
            system=_pct(r["system_rate"], language, 1),
            human=_pct(r["human_rate"], language, 1),
            points=_points(r["difference"], language),
        )
        real = np.isfinite(r["mcnemar_p"]) and r["mcnemar_p"] < 0.05
        sentence += text("quality.agr.real" if real else "quality.agr.chance", language)
        weak = not np.isfinite(r["kappa"]) or r["kappa"] < 0.6
        sentence += _space(language) + text(
            "quality.agr.weak" if weak else "quality.agr.strong", language, **values
        )
        lines.append(sentence)
    return _bullets(lines, language)


def agreement_table(agreement: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """The analyst's agreement table: kappa, sensitivity, specificity, error rates, McNemar."""
    d = agreement.assign(
        judgement=agreement["judgement"].map(lambda j: judgement_name(j, language))
    )
    cols = {"judgement": ("quality.col.judgement", "text"), "n": ("quality.col.n", "count")}
    cols["observed_agreement"] = ("quality.col.observed_agreement", "percent")
    for c in ("kappa", "kappa_low", "kappa_high"):
        cols[c] = (f"quality.col.{c}", "number2")
    for c in ("sensitivity", "specificity", "fpr", "fnr", "system_rate", "human_rate"):
        cols[c] = (f"quality.col.{c}", "percent")
    cols["mcnemar_p"] = ("quality.col.mcnemar_p", "p")
    return _table(d, cols, language)


def _table(df: pd.DataFrame, columns: dict, language: str) -> pd.DataFrame:
    """manager_table plus two kinds of this page: ``number2`` (2 decimals) and ``p``."""
    d = df.copy()
    for c, (_, kind) in columns.items():
        if kind == "number2" and c in d:
            d[c] = [format_number(v, language, digits=2) for v in d[c]]
        elif kind == "p" and c in d:
            d[c] = [_p(v, language) for v in d[c]]
    spec = {c: (h, "text" if k in ("number2", "p") else k) for c, (h, k) in columns.items()}
    return manager_table(d, spec, language=language)


def _p(value, language) -> str:
    if is_missing(value):
        return format_number(value, language)
    if value < 0.001:
        return "< " + format_number(0.001, language, digits=3)
    return format_number(value, language, digits=3)


def flags_text(
    flags: pd.DataFrame, *, top: int = 8, min_reviewed: int = 10, language: str = "en"
) -> str:
    """Agents whose system-measured rates look inflated, relative to their team, in words
    ("flags 18 % of this agent's calls as effective that QA judged not, against 8 % for the
    team"); the p-values are in :func:`flags_table`."""
    lines = []
    for j, d in flags.groupby("judgement", sort=True):
        f = d[d["flagged"]]
        name = judgement_name(j, language)
        low = _adjective(j, language)
        if f.empty:
            lines.append(text("quality.flag.none", language, name=_cap(name)))
        else:
            lines.append(text("quality.flag.head", language, name=_cap(name), n=len(f)))
            for r in f.head(top).to_dict("records"):
                who = {"agent": markdown_safe(r["agent_id"]), "team": markdown_safe(r["team_id"])}
                share = _pct(
                    r["fp"] / (r["fp"] + r["fn"]) if r["fp"] + r["fn"] else np.nan, language
                )
                team_share = _pct(r.get("team_fp_share"), language)
                if r.get("fpr_above_team", True):
                    line = text(
                        "quality.flag.fpr",
                        language,
                        fpr=_pct(r["fpr"], language),
                        team_fpr=_pct(r.get("team_fpr"), language),
                        name_lower=low,
                        **who,
                    )
                    if r.get("inflated", False):
                        line += text(
                            "quality.flag.both", language, share=share, team_share=team_share
                        )
                else:
                    line = text(
                        "quality.flag.share", language, share=share, team_share=team_share, **who
                    )
                lines.append("  " + line + text("quality.flag.end", language))
            if len(f) > top:
                lines.append("  " + text("quality.flag.more", language, n=len(f) - top))
        thin = int((~d["enough_data"]).sum()) if "enough_data" in d else 0
        if thin:
            lines.append("  " + text("quality.flag.thin", language, n=thin, min=min_reviewed))
    out = []
    for line in lines:  # sub-bullets under their judgement
        out.append(f"    - {line.strip()}" if line.startswith("  ") else f"- {line}")
    return "\n".join(out) if out else _bullets([], language)


def flags_table(
    flags: pd.DataFrame, *, flagged_only: bool = False, language: str = "en"
) -> pd.DataFrame:
    """Per-agent flag table (analyst section): rates against the team and the p-values."""
    d = flags[flags["flagged"]] if flagged_only else flags
    d = d.assign(
        judgement=d["judgement"].map(lambda j: judgement_name(j, language)),
        fp_share=(d["fp"] / (d["fp"] + d["fn"]).where(lambda x: x > 0)),
    )
    cols = {
        "judgement": ("quality.col.judgement", "text"),
        "agent_id": ("quality.col.agent", "text"),
        "team_id": ("quality.col.team", "text"),
        "n": ("quality.col.calls_reviewed", "count"),
        "fpr": ("quality.col.fpr", "percent"),
        "team_fpr": ("quality.col.team_fpr", "percent"),
        "fp_share": ("quality.col.fp_share", "percent"),
        "team_fp_share": ("quality.col.team_fp_share", "percent"),
        "fpr_p_value": ("quality.col.fpr_p_value", "p"),
        "fpr_p_adjusted": ("quality.col.fpr_p_adjusted", "p"),
        "p_value": ("quality.col.p_value", "p"),
        "p_adjusted": ("quality.col.p_adjusted", "p"),
        "enough_data": ("quality.col.enough_data", "flag"),
        "flagged": ("quality.col.flagged", "flag"),
    }
    return _table(d, cols, language)


def correction_text(corrected: pd.DataFrame, *, language: str = "en") -> str:
    """How much correction changes the rates, per indicator (Markdown)."""
    lines = []
    for ind, d in corrected.groupby("indicator", sort=True):
        name = label(ind, language) if ind in CATALOGUE else str(ind)
        ok = d[d["value"].notna()]
        if ok.empty:
            reason = d["reason"].iloc[0] if len(d) else ""
            lines.append(
                text(
                    "quality.cor.none",
                    language,
                    indicator=name,
                    reason=reason_text(reason, language),
                )
            )
            continue
        w = ok["denominator"]
        raw = np.average(ok["raw_value"], weights=w)
        cor = np.average(ok["value"], weights=w)
        width = (ok["ci_high"] - ok["ci_low"]).median()
        line = text(
            "quality.cor.main",
            language,
            indicator=name,
            raw=_pct(raw, language, 1),
            corrected=_pct(cor, language, 1),
            width=format_number(width * 50, language, digits=0),
        )
        clipped = int(ok["clipped"].sum())
        if clipped:
            line += _space(language) + text(
                "quality.cor.clipped", language, n=clipped, total=len(ok)
            )
        lines.append(line)
    return _bullets(lines, language)


def correction_table(
    corrected: pd.DataFrame, *, top: int | None = None, language: str = "en"
) -> pd.DataFrame:
    """Corrected rates per agent (largest corrections first): system-measured, corrected, range."""
    d = corrected[corrected["value"].notna()].copy()
    d["_size"] = (d["value"] - d["raw_value"]).abs()
    d = d.sort_values("_size", ascending=False)
    if top is not None:
        d = d.head(top)
    d["indicator"] = [label(i, language) if i in CATALOGUE else i for i in d["indicator"]]
    cols = {
        "indicator": ("quality.col.indicator", "text"),
        "agent_id": ("quality.col.agent", "text"),
        "raw_value": ("quality.col.raw_value", "percent"),
        "value": ("quality.col.value", "percent"),
        "ci_low": ("quality.col.ci_low", "percent"),
        "ci_high": ("quality.col.ci_high", "percent"),
    }
    return _table(d, cols, language)


def reviewer_text(reviewers: pd.DataFrame, leniency: pd.DataFrame, *, language: str = "en") -> str:
    """Inter-reviewer agreement and lenient / strict reviewers, in plain words (Markdown)."""
    lines = []
    for r in reviewers.to_dict("records"):
        name = _cap(judgement_name(r["judgement"], language))
        if not np.isfinite(r["fleiss_kappa"]):
            lines.append(text("quality.rev.unknown", language, name=name))
            continue
        line = text(
            "quality.rev.main",
            language,
            name=name,
            calls=format_count(r["calls"], language),
            agree=_pct(r["observed_agreement"], language),
            word=kappa_wording(r["fleiss_kappa"], language),
        )
        if r["fleiss_kappa"] < 0.6:
            line += _space(language) + text("quality.rev.shaky", language)
        lines.append(line)
    for r in leniency[leniency["label"].isin(["lenient", "strict"])].to_dict("records"):
        if abs(r["leniency"]) < 0.03:
            continue
        lines.append(
            text(
                f"quality.rev.{r['label']}",
                language,
                reviewer=markdown_safe(r["reviewer"]),
                name_lower=_adjective(r["judgement"], language),
                points=format_number(abs(r["leniency"]) * 100, language, digits=0),
            )
        )
    return _bullets(lines, language)


def reviewer_table(reviewers: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Fleiss' kappa per judgement (analyst section)."""
    d = reviewers.assign(
        judgement=reviewers["judgement"].map(lambda j: judgement_name(j, language))
    )
    cols = {
        "judgement": ("quality.col.judgement", "text"),
        "calls": ("quality.col.shared_calls", "count"),
        "reviewers": ("quality.col.reviewer", "count"),
        "observed_agreement": ("quality.col.observed_agreement", "percent"),
        "fleiss_kappa": ("quality.col.fleiss_kappa", "number2"),
        "ci_low": ("quality.col.kappa_low", "number2"),
        "ci_high": ("quality.col.kappa_high", "number2"),
    }
    return _table(d, cols, language)


def leniency_table(leniency: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Each reviewer's leniency (analyst section)."""
    d = leniency.assign(
        judgement=leniency["judgement"].map(lambda j: judgement_name(j, language)),
        label=[
            text(f"quality.label.{v}", language) if f"quality.label.{v}" in TEXTS else v
            for v in leniency["label"]
        ],
    )
    cols = {
        "judgement": ("quality.col.judgement", "text"),
        "reviewer": ("quality.col.reviewer", "text"),
        "calls": ("quality.col.shared_calls", "count"),
        "positive_rate": ("quality.col.positive_rate", "percent"),
        "others_rate": ("quality.col.others_rate", "percent"),
        "leniency": ("quality.col.leniency", "percent"),
        "p_value": ("quality.col.p", "p"),
        "label": ("quality.col.label", "text"),
    }
    return _table(d, cols, language)


def sample_table(sample: pd.DataFrame, *, top: int = 10, language: str = "en") -> pd.DataFrame:
    """The first calls of the spot-check sheet."""
    d = sample.head(top).copy()
    if "stratum" in d:
        d["borderline"] = d["stratum"] == "focus"
    time = next((c for c in ("started_at", "call_start", "timestamp") if c in d), None)
    cols = {"call_id": ("quality.col.call_id", "text"), "agent_id": ("quality.col.agent", "text")}
    if time:
        cols[time] = ("quality.col.started_at", "date")
    cols["borderline"] = ("quality.col.borderline", "flag")
    return manager_table(d, cols, language=language)


def coverage_table(tables: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """The table coverage for a manager (rows read = used + set aside + removed at import)."""
    d = tables.copy()
    d["table"] = [table_name(t, language) for t in d["table"]]
    d["status"] = [
        text(f"quality.status.{str(s).split(' ')[0]}", language)
        if f"quality.status.{str(s).split(' ')[0]}" in TEXTS
        else s
        for s in d["status"]
    ]
    if "rows_filtered" not in d:
        d["rows_filtered"] = 0
    cols = {
        "table": ("quality.col.table", "text"),
        "status": ("quality.col.status", "text"),
        "required": ("quality.col.required", "flag"),
        "rows_read": ("quality.col.rows_read", "count"),
        "rows_used": ("quality.col.rows_used", "count"),
        "rows_quarantined": ("quality.col.rows_quarantined", "count"),
        "rows_filtered": ("quality.col.rows_filtered", "count"),
        "first": ("quality.col.first", "date"),
        "last": ("quality.col.last", "date"),
        "agents_share": ("quality.col.agents_share", "percent"),
        "missing_columns": ("quality.col.missing_columns", "text"),
    }
    d["missing_columns"] = d["missing_columns"].fillna("").astype(str).replace("", "—")
    return manager_table(d, cols, language=language)


def quarantine_table(quarantine: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Rows set aside by table, column and reason (the reason worded in ``language``)."""
    d = quarantine.copy()
    d["table"] = [table_name(t, language) for t in d["table"]]
    d["reason"] = [reason_text(r, language) for r in d["reason"]]
    cols = {
        "table": ("quality.col.table", "text"),
        "column": ("quality.col.column", "text"),
        "reason": ("quality.col.reason", "text"),
        "rows": ("quality.col.rows", "count"),
        "share": ("quality.col.share", "percent"),
        "examples": ("quality.col.examples", "text"),
    }
    return manager_table(d, cols, language=language)


def gaps_table(gaps: pd.DataFrame, *, top: int = 15, language: str = "en") -> pd.DataFrame:
    """Indicators that could not be computed for some agents, worst first."""
    d = gaps[gaps["missing"] > 0].head(top).copy()
    d["indicator"] = [label(i, language) if i in CATALOGUE else i for i in d["indicator"]]
    d["main_reason"] = [reason_text(r, language) for r in d["main_reason"]]
    cols = {"indicator": ("quality.col.indicator", "text")}
    if "team_id" in d:
        cols["team_id"] = ("quality.col.team", "text")
    cols.update(
        {
            "units": ("quality.col.units", "count"),
            "missing": ("quality.col.missing", "count"),
            "share_missing": ("quality.col.share_missing", "percent"),
            "main_reason": ("quality.col.main_reason", "text"),
        }
    )
    return manager_table(d, cols, language=language)


def unavailable_table(unavailable: pd.DataFrame, *, language: str = "en") -> pd.DataFrame:
    """Indicators the dataset cannot provide at all, with the tables (or ``table.column``)
    they need, table names worded in ``language``."""
    d = unavailable.copy()
    if "indicator" in d:
        d["indicator"] = [label(i, language) if i in CATALOGUE else i for i in d["indicator"]]
    cols = {"indicator": ("quality.col.indicator", "text")}
    if "missing_tables" in d:
        sep = text("quality.list_sep", language)

        def item(x: str) -> str:
            table, _, column = x.strip().partition(".")
            return table_name(table, language) + (f".{column}" if column else "")

        d["missing_tables"] = [
            sep.join(item(x) for x in str(v).split(",") if x.strip()) for v in d["missing_tables"]
        ]
        cols["missing_tables"] = ("quality.col.needs", "text")
    return manager_table(d, cols, language=language)


def coverage_text(
    tables: pd.DataFrame,
    matrix: pd.DataFrame,
    quarantine: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
    *,
    language: str = "en",
) -> str:
    """Missing tables, thin periods, quarantined rows and indicators that cannot be computed
    (Markdown bullets in ``language``)."""
    lines = []

    def tname(t):
        return f"`{markdown_safe(table_name(t, language))}`"

    sep = text("quality.list_sep", language)
    absent = tables[~tables["present"]]
    if len(absent):
        lines.append(
            text("quality.cov.absent", language, tables=sep.join(tname(t) for t in absent["table"]))
        )
    partial = tables[tables["present"] & tables["missing_columns"].fillna("").astype(str).ne("")]
    for r in partial.to_dict("records"):
        lines.append(
            text(
                "quality.cov.columns",
                language,
                table=tname(r["table"]),
                columns=markdown_safe(r["missing_columns"]),
            )
        )
    if len(quarantine):
        q = quarantine.groupby("table")["rows"].sum()
        lines.append(
            text(
                "quality.cov.quarantined",
                language,
                tables=sep.join(
                    text(
                        "quality.cov.table_rows",
                        language,
                        table=tname(t),
                        rows=format_count(n, language),
                    )
                    for t, n in q.items()
                ),
            )
        )
    else:
        lines.append(text("quality.note.no_quarantine", language))
    if "rows_filtered" in tables:
        f = tables[tables["rows_filtered"].fillna(0) > 0]
        if len(f):
            lines.append(
                text(
                    "quality.cov.filtered",
                    language,
                    tables=sep.join(
                        text(
                            "quality.cov.table_rows",
                            language,
                            table=tname(t),
                            rows=format_count(n, language),
                        )
                        for t, n in zip(f["table"], f["rows_filtered"], strict=True)
                    ),
                )
            )
    if len(matrix):
        bad = matrix[matrix["share_ok"] < 0.9]
        for r in bad.sort_values("share_ok").head(8).to_dict("records"):
            lines.append(
                text(
                    "quality.cov.thin",
                    language,
                    table=tname(r["table"]),
                    period=markdown_safe(r["period"]),
                    share=_pct(r["share_ok"], language),
                    n=format_count(r["agents_expected"], language),
                    missing=format_count(r["missing"], language),
                    thin=format_count(r["thin"], language),
                )
            )
        if bad.empty:
            lines.append(text("quality.cov.all_ok", language))
    if gaps is not None and len(gaps):
        g = gaps[gaps["share_missing"] > 0].head(8)
        for r in g.to_dict("records"):
            ind = label(r["indicator"], language) if r["indicator"] in CATALOGUE else r["indicator"]
            lines.append(
                text(
                    "quality.cov.gap",
                    language,
                    indicator=markdown_safe(ind),
                    missing=format_count(r["missing"], language),
                    units=format_count(r["units"], language),
                    share=_pct(r["share_missing"], language),
                    reason=markdown_safe(reason_text(r["main_reason"], language)),
                )
            )
    return _bullets(lines, language)


#: Sections of the data-quality page that need the ``qa_reviews`` table.
QA_SECTIONS = ("qa_agreement", "qa_flags", "qa_corrected", "qa_reviewers")


def unavailable_sections(review, *, automatic: str = "system") -> pd.DataFrame:
    """The data-quality sections this dataset cannot support, and why.

    Parameters
    ----------
    review : Review
    automatic : str
        Reviewer id of the QA system's judgements; every other reviewer is human.

    Returns
    -------
    DataFrame
        One row per section that is skipped: ``section`` (one of :data:`QA_SECTIONS`),
        ``reason`` (``no_table``: no ``qa_reviews`` table or no rows; ``no_pairs``: no call
        judged by both the system and a human; ``one_reviewer``: no call judged by two human
        reviewers), ``needs`` (the missing table, else empty) and ``n`` (human reviewers).
        Empty when every section can be computed. The page records it for the manifest.
    """
    rows = []

    def skip(sections, reason, needs="", n=0):
        rows.extend({"section": s, "reason": reason, "needs": needs, "n": n} for s in sections)

    data = review.dataset
    if "qa_reviews" not in data.tables or data["qa_reviews"].empty:
        skip(QA_SECTIONS, "no_table", needs="qa_reviews")
    else:
        r = reviews_table(data)
        system = set(r.loc[r["reviewer"] == automatic, "call_id"].dropna())
        human = r[r["reviewer"] != automatic]
        if not system & set(human["call_id"].dropna()):
            skip(("qa_agreement", "qa_flags", "qa_corrected"), "no_pairs")
        shared = human.drop_duplicates(["call_id", "reviewer"]).groupby("call_id").size()
        if not (shared >= 2).any():
            skip(("qa_reviewers",), "one_reviewer", n=int(human["reviewer"].nunique()))
    return pd.DataFrame(rows, columns=["section", "reason", "needs", "n"])


def unavailable_summary(review, skipped: pd.DataFrame) -> str:
    """One sentence naming the QA sections this data cannot support (empty when all are
    shown), in the review's language, as HTML."""
    if skipped.empty:
        return ""
    language = review.spec.language
    names = [text(f"section.{s}", language) for s in dict.fromkeys(skipped["section"])]
    sentence = text(
        "quality.unavailable", language, sections=text("quality.list_sep", language).join(names)
    )
    return f"<p><b>{html.escape(sentence)}</b></p>"


def available(skipped: pd.DataFrame, section: str) -> bool:
    """Whether ``section`` can be computed (it is not in :func:`unavailable_sections`)."""
    return section not in set(skipped["section"])


def skipped_html(review, skipped: pd.DataFrame, section: str) -> str:
    """The sentence saying why ``section`` is not shown, in the review's language (empty when
    it is shown)."""
    row = skipped[skipped["section"] == section]
    if row.empty:
        return ""
    r = row.iloc[0]
    return section_html(review, section, str(r["reason"]), needs=r["needs"], n=int(r["n"]))


def key_numbers(review, *, agreement=None, flags=None, reviewers=None, sample=None) -> dict:
    """The page's key numbers (recorded for the period review); NaN for a skipped section."""
    nan = float("nan")

    def at(table, judgement, column):
        if table is None or table.empty:
            return nan
        t = table.set_index("judgement")
        return float(t.loc[judgement, column]) if judgement in t.index else nan

    return {
        "specification": review.spec.hash,
        "calls_reviewed_by_both": int(agreement["n"].max())
        if agreement is not None and len(agreement)
        else 0,
        "kappa_effective": at(agreement, "effective", "kappa"),
        "fpr_effective": at(agreement, "effective", "fpr"),
        "agents_flagged": int(flags[flags["flagged"]]["agent_id"].nunique())
        if flags is not None and len(flags)
        else 0,
        "fleiss_kappa_effective": at(reviewers, "effective", "fleiss_kappa"),
        "spot_check_calls": 0 if sample is None else len(sample),
    }
