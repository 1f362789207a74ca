"""Plain-language findings for the data-quality and QA-calibration report (manager-facing).

Each function takes the tables of :mod:`kpi_lib.analyses.calibration` or
:mod:`kpi_lib.analyses.coverage` and returns Markdown (bullet points) for a notebook.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.analyses.calibration.common import reviews_table
from kpi_lib.report.markup import markdown_safe
from kpi_lib.report.review import skipped_html as section_html

__all__ = [
    "QA_SECTIONS",
    "available",
    "key_numbers",
    "skipped_html",
    "unavailable_sections",
    "kappa_wording",
    "sample_text",
    "agreement_text",
    "flags_text",
    "correction_text",
    "reviewer_text",
    "coverage_text",
]

_NAMES = {"compliant": "script compliance", "effective": "effective call"}


def kappa_wording(kappa: float) -> str:
    """Landis & Koch (1977) wording for a kappa value."""
    if not np.isfinite(kappa):
        return "undefined"
    for bound, word in (
        (0, "worse than chance"),
        (0.2, "slight"),
        (0.4, "fair"),
        (0.6, "moderate"),
        (0.8, "substantial"),
    ):
        if kappa < bound:
            return word
    return "almost perfect"


def _pct(x, digits=0) -> str:
    return f"{x:.{digits}%}" if pd.notna(x) and np.isfinite(x) else "n/a"


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines) if lines else "- Nothing to report."


def sample_text(sample: pd.DataFrame, path=None) -> str:
    """What the spot-check sample contains and what the QA team should do with it."""
    if sample.empty:
        return _bullets(["No calls were eligible for the spot check in this period."])
    focus = (sample["stratum"] == "focus").mean()
    per = sample.groupby("agent_id").size()
    lines = [
        f"{len(sample)} calls from {len(per)} agents ({per.min()}-{per.max()} per agent); "
        f"{_pct(focus)} are borderline calls drawn more often on purpose.",
        "Reviewers fill in `reviewer`, `compliant`, `effective` (yes/no) and `notes` by listening "
        "to the recording. The automatic judgement is not shown, so that it cannot sway them.",
        "Estimates weight each call by `design_weight`, so oversampling borderline calls does not "
        "bias the error rates.",
    ]
    if path is not None:
        lines.append(f"Sheet written to `{path}`.")
    return _bullets(lines)


def agreement_text(agreement: pd.DataFrame) -> str:
    """One bullet per judgement: how far the automatic QA can be trusted."""
    lines = []
    for r in agreement.to_dict("records"):
        name = _NAMES.get(r["judgement"], r["judgement"])
        lines.append(
            f"**{name.capitalize()}** ({r['n']} calls judged by both): the system agrees with the "
            f"reviewers on {_pct(r['observed_agreement'])} of calls; kappa {r['kappa']:.2f} "
            f"({r['kappa_low']:.2f} to {r['kappa_high']:.2f}), {kappa_wording(r['kappa'])} "
            f"agreement. Of the calls reviewers judged *not* {r['judgement']}, the system "
            f"called {_pct(r['fpr'])} {r['judgement']} ({_pct(r['fpr_low'])}-{_pct(r['fpr_high'])}); "
            f"it missed {_pct(r['fnr'])} of the {r['judgement']} ones. The system rate is "
            f"{_pct(r['system_rate'], 1)} against {_pct(r['human_rate'], 1)} by reviewers "
            f"({'inflated' if r['difference'] > 0 else 'deflated'} by "
            f"{abs(r['difference']) * 100:.1f} points"
            f"{', a systematic bias' if r['mcnemar_p'] < 0.05 else ', within chance'})."
        )
    return _bullets(lines)


def flags_text(flags: pd.DataFrame, *, top: int = 8) -> str:
    """Agents whose system-measured rates look inflated by misjudgements."""
    lines = []
    for j, d in flags.groupby("judgement", sort=True):
        f = d[d["flagged"]]
        name = _NAMES.get(j, j)
        if f.empty:
            lines.append(f"No agent's {name} rate looks inflated beyond the team-wide error.")
            continue
        shown = ", ".join(
            f"{markdown_safe(r['agent_id'])} (+{r['difference'] * 100:.0f} pts, false-positive rate {_pct(r['fpr'])})"
            for r in f.head(top).to_dict("records")
        )
        more = f" and {len(f) - top} more" if len(f) > top else ""
        lines.append(
            f"**{name.capitalize()}**: {len(f)} agent(s) look inflated: {shown}{more}. Listen to a "
            "few of their calls judged positive before using their system-measured rate; "
            "use the corrected rate in scoring."
        )
    return _bullets(lines)


def correction_text(corrected: pd.DataFrame) -> str:
    """How much correction changes the rates, per indicator."""
    lines = []
    for ind, d in corrected.groupby("indicator", sort=True):
        ok = d[d["value"].notna()]
        if ok.empty:
            reason = d["reason"].iloc[0] if len(d) else ""
            lines.append(f"`{ind}` cannot be corrected: {reason}.")
            continue
        w = ok["denominator"]
        raw = np.average(ok["raw_value"], weights=w)
        cor = np.average(ok["value"], weights=w)
        width = (ok["ci_high"] - ok["ci_low"]).median()
        lines.append(
            f"`{ind}`: system-measured {_pct(raw, 1)}, corrected {_pct(cor, 1)} on average "
            f"(sensitivity {_pct(ok['sensitivity'].iloc[0])}, specificity "
            f"{_pct(ok['specificity'].iloc[0])}); a typical unit's corrected value is uncertain by "
            f"+/-{width * 50:.0f} points. {int(ok['clipped'].sum())} of {len(ok)} values hit 0 % "
            "or 100 % (the observed rate is outside what the error rates can explain)."
        )
    return _bullets(lines)


def reviewer_text(reviewers: pd.DataFrame, leniency: pd.DataFrame) -> str:
    """Inter-reviewer agreement and lenient / strict reviewers."""
    lines = []
    for r in reviewers.to_dict("records"):
        name = _NAMES.get(r["judgement"], r["judgement"])
        if not np.isfinite(r["fleiss_kappa"]):
            lines.append(
                f"{name.capitalize()}: no call was reviewed by two people, so reviewer agreement is unknown."
            )
            continue
        lines.append(
            f"{name.capitalize()}: on {r['calls']} calls reviewed by several people, Fleiss' kappa "
            f"{r['fleiss_kappa']:.2f} ({r['ci_low']:.2f} to {r['ci_high']:.2f}), "
            f"{kappa_wording(r['fleiss_kappa'])} agreement"
            + (
                " - the human reference itself is shaky; align reviewers before relying on it."
                if r["fleiss_kappa"] < 0.6
                else "."
            )
        )
    for r in leniency[leniency["label"].isin(["lenient", "strict"])].to_dict("records"):
        if abs(r["leniency"]) < 0.03:
            continue
        lines.append(
            f"Reviewer **{markdown_safe(r['reviewer'])}** is {r['label']} on {r['judgement']}: judges "
            f"{abs(r['leniency']) * 100:.0f} points {'more' if r['leniency'] > 0 else 'less'} "
            "often 'yes' than colleagues on the same calls. Hold a calibration session with "
            "shared recordings."
        )
    return _bullets(lines)


def coverage_text(
    tables: pd.DataFrame,
    matrix: pd.DataFrame,
    quarantine: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
) -> str:
    """Missing tables, thin periods, quarantined rows and indicators that cannot be computed."""
    lines = []
    absent = tables[~tables["present"]]
    if len(absent):
        lines.append(
            "Tables not provided: "
            + ", ".join(f"`{t}`" for t in absent["table"])
            + " - indicators built on them are missing for everyone."
        )
    partial = tables[tables["present"] & tables["missing_columns"].astype(str).ne("")]
    for r in partial.to_dict("records"):
        lines.append(f"`{r['table']}` lacks optional column(s) {r['missing_columns']}.")
    if len(quarantine):
        q = quarantine.groupby("table")["rows"].sum()
        lines.append(
            "Rows set aside while loading: "
            + ", ".join(f"{t} {n}" for t, n in q.items())
            + " (see the quarantine table for reasons)."
        )
    else:
        lines.append("No rows were set aside while loading.")
    if len(matrix):
        bad = matrix[matrix["share_ok"] < 0.9]
        for r in bad.sort_values("share_ok").head(8).to_dict("records"):
            lines.append(
                f"`{r['table']}` in {r['period']}: only {_pct(r['share_ok'])} of {r['agents_expected']} agents have "
                f"normal data ({r['missing']} missing, {r['thin']} thin)."
            )
        if bad.empty:
            lines.append("Every table covers at least 90 % of employed agents in every period.")
    if gaps is not None and len(gaps):
        g = gaps[gaps["share_missing"] > 0].head(8)
        for r in g.to_dict("records"):
            where = f" in {r['period']}" if "period" in r else ""
            where += f" for team {markdown_safe(r['team_id'])}" if "team_id" in r else ""
            lines.append(
                f"`{r['indicator']}`{where} cannot be computed for {r['missing']} of {r['units']} "
                f"({_pct(r['share_missing'])}); main reason: {r['main_reason']}."
            )
    return _bullets(lines)


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
