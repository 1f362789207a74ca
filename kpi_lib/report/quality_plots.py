"""Charts of data quality and QA calibration (``ax=None`` in, Axes out).

Inputs are the tables of :mod:`kpi_lib.analyses.coverage` and
:mod:`kpi_lib.analyses.calibration`; every title, axis label and legend comes from the message
catalogue in ``language`` (``quality.plot.*``), figures are at most 10 in wide
(:func:`~kpi_lib.report.style.figure_size`) and legends sit outside the data.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kpi_lib.indicators import CATALOGUE, label
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.report.style import figure_size, legend_outside

__all__ = [
    "coverage_heatmap",
    "confusion_plot",
    "agreement_plot",
    "agent_error_plot",
    "corrected_vs_raw_plot",
    "reviewer_leniency_plot",
    "reviewer_kappa_heatmap",
]


def _bar_lengths(value, low, high) -> list[np.ndarray]:
    """Error-bar lengths below and above each value. An interval that does not contain its
    point estimate (a corrected rate clipped to [0, 1], an empty cell) draws no bar on that
    side instead of failing the whole chart."""
    value, low, high = (np.asarray(x, dtype=float) for x in (value, low, high))
    below = np.nan_to_num(value - low, nan=0.0).clip(min=0)
    above = np.nan_to_num(high - value, nan=0.0).clip(min=0)
    return [below, above]


def _ax(ax, size=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(*size))
    return ax


def _t(key: str, language: str, **values) -> str:
    return text(f"quality.plot.{key}", language, **values)


def _judgement(judgement: str, language: str) -> str:
    key = f"quality.j.{judgement}"
    return text(key, language) if key in TEXTS else str(judgement)


def _table(table: str, language: str) -> str:
    key = f"quality.table.{table}"
    return text(key, language) if key in TEXTS else str(table)


def coverage_heatmap(
    matrix: pd.DataFrame, *, value: str = "share_ok", language: str = "en", ax=None
):
    """Table x period heatmap of the share of employed agents with usable data.

    ``matrix`` is :func:`kpi_lib.analyses.coverage.coverage_matrix`. Cells are annotated with
    the number of agents missing or thin when there are any.
    """
    pivot = matrix.pivot(index="table", columns="period", values=value)
    missing = matrix.pivot(index="table", columns="period", values="missing").reindex_like(pivot)
    thin = matrix.pivot(index="table", columns="period", values="thin").reindex_like(pivot)
    ax = _ax(ax, (0.8 * pivot.shape[1] + 3, 0.7 * pivot.shape[0] + 1.8))
    im = ax.imshow(pivot.to_numpy(float), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(pivot.shape[1]), [str(c) for c in pivot.columns], rotation=45, ha="right")
    ax.set_yticks(range(pivot.shape[0]), [_table(t, language) for t in pivot.index])
    for i in range(pivot.shape[0]):
        for j in range(pivot.shape[1]):
            m, t = missing.iat[i, j], thin.iat[i, j]
            m = int(m) if pd.notna(m) else 0
            t = int(t) if pd.notna(t) else 0
            bits = []
            if m:
                bits.append(_t("missing", language, n=m))
            if t:
                bits.append(_t("thin", language, n=t))
            if bits:
                # both ends of RdYlGn are dark: white text there, black in the pale middle
                share = pivot.iat[i, j]
                dark = pd.notna(share) and not 0.3 <= share <= 0.8
                colour = "white" if dark else "black"
                ax.text(j, i, "\n".join(bits), ha="center", va="center", fontsize=9, color=colour)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label=_t("coverage_bar", language))
    ax.set_title(_t("coverage_title", language))
    ax.spines[:].set_visible(False)
    return ax


def confusion_plot(
    confusion: pd.DataFrame, *, judgement: str = "effective", language: str = "en", ax=None
):
    """2 x 2 confusion matrix of system vs human judgements (counts and shares)."""
    d = confusion[confusion["judgement"] == judgement]
    if "agent_id" in d.columns:
        d = d.groupby(["system", "human"], as_index=False)["n"].sum()
    m = np.zeros((2, 2))
    for r in d.itertuples():
        m[0 if r.system else 1, 0 if r.human else 1] += r.n
    ax = _ax(ax, (4.5, 4))
    ax.imshow(m, cmap="Blues")
    total = m.sum()
    names = [
        [_t("both_yes", language), _t("fp", language)],
        [_t("fn", language), _t("both_no", language)],
    ]
    for i in range(2):
        for j in range(2):
            share = m[i, j] / total if total else np.nan
            colour = "white" if m[i, j] > m.max() / 2 else "black"
            ax.text(
                j,
                i,
                f"{int(m[i, j]):,}\n{share:.1%}\n{names[i][j]}",
                ha="center",
                va="center",
                fontsize=9,
                color=colour,
            )
    ax.set_xticks([0, 1], [_t("human_yes", language), _t("human_no", language)])
    ax.set_yticks([0, 1], [_t("system_yes", language), _t("system_no", language)])
    ax.set_title(_t("confusion_title", language, name=_judgement(judgement, language)))
    ax.spines[:].set_visible(False)
    return ax


def agreement_plot(agreement: pd.DataFrame, *, language: str = "en", ax=None):
    """How often the system is right on calls reviewers judged yes (sensitivity) and no
    (specificity), per judgement, with 95 % intervals."""
    metrics = [("sensitivity", "right_on_yes"), ("specificity", "right_on_no")]
    ax = _ax(ax, (8, 3.2))
    judgements = list(agreement["judgement"])
    height = 0.8 / max(len(metrics), 1)
    y = np.arange(len(judgements))
    for k, (m, key) in enumerate(metrics):
        vals = agreement[m].to_numpy(float)
        pos = y + (k - (len(metrics) - 1) / 2) * height
        ax.barh(pos, vals, height=height, label=_t(key, language), alpha=0.85)
        ax.errorbar(
            vals,
            pos,
            xerr=_bar_lengths(vals, agreement[f"{m}_low"], agreement[f"{m}_high"]),
            fmt="none",
            ecolor="black",
            capsize=3,
            lw=1,
        )
    ax.set_yticks(y, [_judgement(j, language) for j in judgements])
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl_percent())
    ax.set_xlabel(_t("share", language))
    legend_outside(ax)
    ax.set_title(_t("agreement_title", language))
    return ax


def mpl_percent():
    """A tick formatter for shares (0.25 -> 25%)."""
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)


def agent_error_plot(
    flags: pd.DataFrame,
    *,
    judgement: str = "effective",
    top: int = 25,
    language: str = "en",
    legend: bool = True,
    ax=None,
):
    """Per-agent false-positive rate with Wilson intervals against the rate for everyone.

    ``flags`` is :func:`kpi_lib.analyses.calibration.flag_inflated`; flagged agents in red.
    Shows the ``top`` agents with the highest rate among those with enough data; ``legend``
    False leaves the legend out (a chart drawn next to another one that has it).
    """
    d = flags[(flags["judgement"] == judgement) & flags["enough_data"]].dropna(subset=["fpr"])
    d = d.sort_values("fpr", ascending=False).head(top).iloc[::-1]
    ax = _ax(ax, (7, 0.28 * len(d) + 1.6))
    y = np.arange(len(d))
    flagged = d["flagged"].astype(bool).to_numpy()
    ax.errorbar(
        d["fpr"],
        y,
        xerr=_bar_lengths(d["fpr"], d["fpr_low"], d["fpr_high"]),
        fmt="none",
        ecolor="grey",
        lw=1,
    )
    ax.scatter(
        d["fpr"][~flagged],
        y[~flagged],
        c="tab:blue",
        zorder=3,
        s=22,
        label=_t("not_flagged", language),
    )
    ax.scatter(
        d["fpr"][flagged], y[flagged], c="tab:red", zorder=3, s=22, label=_t("flagged", language)
    )
    if len(d):
        ax.axvline(
            d["overall_fpr"].iloc[0], color="black", ls="--", lw=1, label=_t("all_agents", language)
        )
    if len(d) and legend:
        legend_outside(ax)
    ax.set_yticks(y, d["agent_id"].astype(str))
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(mpl_percent())
    ax.set_xlabel(_t("fpr_axis", language))
    ax.set_title(_t("flags_title", language, name=_judgement(judgement, language)))
    return ax


def corrected_vs_raw_plot(
    corrected: pd.DataFrame,
    *,
    indicator: str = "effective_call_rate",
    language: str = "en",
    ax=None,
):
    """System-measured vs corrected rate per unit, with intervals; the diagonal is no change."""
    d = corrected[(corrected["indicator"] == indicator) & corrected["value"].notna()]
    ax = _ax(ax, (5, 5))
    ax.errorbar(
        d["raw_value"],
        d["value"],
        yerr=_bar_lengths(d["value"], d["ci_low"], d["ci_high"]),
        fmt="o",
        ms=3,
        alpha=0.5,
        elinewidth=0.6,
    )
    lo = float(np.nanmin([d["raw_value"].min(), d["ci_low"].min(), 0])) if len(d) else 0
    hi = float(np.nanmax([d["raw_value"].max(), d["ci_high"].max(), 1])) if len(d) else 1
    ax.plot([lo, hi], [lo, hi], color="grey", ls="--", lw=1, label=_t("no_change", language))
    ax.xaxis.set_major_formatter(mpl_percent())
    ax.yaxis.set_major_formatter(mpl_percent())
    ax.set_xlabel(_t("raw_axis", language))
    ax.set_ylabel(_t("corrected_axis", language))
    ax.legend(loc="upper left")
    ax.set_title(label(indicator, language) if indicator in CATALOGUE else indicator)
    return ax


def reviewer_leniency_plot(leniency: pd.DataFrame, *, language: str = "en", ax=None):
    """Each reviewer's leniency (share judged positive minus the others', same calls)."""
    d = leniency.copy()
    d["row"] = [
        f"{_judgement(j, language)}: {r}"
        for j, r in zip(d["judgement"], d["reviewer"].astype(str), strict=True)
    ]
    d = d.iloc[::-1]
    ax = _ax(ax, (6, 0.35 * len(d) + 1.4))
    y = np.arange(len(d))
    colours = d["label"].map({"lenient": "tab:red", "strict": "tab:blue"}).fillna("tab:grey")
    points = 100 * d["leniency"]
    ax.errorbar(
        points,
        y,
        xerr=_bar_lengths(points, 100 * d["ci_low"], 100 * d["ci_high"]),
        fmt="none",
        ecolor="grey",
    )
    ax.scatter(points, y, c=colours, zorder=3)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, d["row"])
    ax.set_xlabel(_t("leniency_axis", language))
    ax.set_title(_t("leniency_title", language))
    return ax


def reviewer_kappa_heatmap(
    pairs: pd.DataFrame, *, judgement: str = "effective", language: str = "en", ax=None
):
    """Pairwise Cohen's kappa between reviewers (and the system, if included)."""
    d = pairs[pairs["judgement"] == judgement]
    names = sorted(set(d["reviewer_a"]) | set(d["reviewer_b"]))
    m = pd.DataFrame(np.nan, index=names, columns=names)
    for r in d.itertuples():
        m.loc[r.reviewer_a, r.reviewer_b] = m.loc[r.reviewer_b, r.reviewer_a] = r.kappa
    shown = [_t("system", language) if n == "system" else str(n) for n in names]
    ax = _ax(ax, (0.7 * len(names) + 3, 0.6 * len(names) + 1.8))
    im = ax.imshow(m.to_numpy(float), cmap="RdYlGn", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), shown, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), shown)
    for i in range(len(names)):
        for j in range(len(names)):
            v = m.iat[i, j]
            if pd.notna(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=9)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label=_t("kappa_bar", language))
    ax.set_title(_t("pairs_title", language, name=_judgement(judgement, language)))
    ax.spines[:].set_visible(False)
    return ax
