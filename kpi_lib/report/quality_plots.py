"""Charts of data quality and QA calibration (``ax=None`` in, Axes out).

Inputs are the tables of :mod:`kpi_lib.analyses.coverage` and
:mod:`kpi_lib.analyses.calibration`.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

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
        _, ax = plt.subplots(figsize=size)
    return ax


def coverage_heatmap(matrix: pd.DataFrame, *, value: str = "share_ok", ax=None):
    """Table x period heatmap of the share of employed agents with usable data.

    ``matrix`` is :func:`kpi_lib.analyses.coverage.coverage_matrix`. Cells are annotated with
    the number of agents missing (m) or thin (t) when there are any.
    """
    pivot = matrix.pivot(index="table", columns="period", values=value)
    missing = matrix.pivot(index="table", columns="period", values="missing").reindex_like(pivot)
    thin = matrix.pivot(index="table", columns="period", values="thin").reindex_like(pivot)
    ax = _ax(ax, (0.55 * pivot.shape[1] + 3, 0.45 * pivot.shape[0] + 1.5))
    im = ax.imshow(pivot.to_numpy(float), cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(pivot.shape[1]), pivot.columns, rotation=90, fontsize=8)
    ax.set_yticks(range(pivot.shape[0]), pivot.index, fontsize=8)
    for i in range(pivot.shape[0]):
        for j in range(pivot.shape[1]):
            m, t = missing.iat[i, j], thin.iat[i, j]
            bits = [f"{int(m)}m" for _ in [0] if pd.notna(m) and m > 0]
            bits += [f"{int(t)}t" for _ in [0] if pd.notna(t) and t > 0]
            if bits:
                ax.text(j, i, "\n".join(bits), ha="center", va="center", fontsize=6)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label="share of agents with usable data")
    ax.set_title("Data coverage by table and period (m = agents missing, t = thin)")
    return ax


def confusion_plot(confusion: pd.DataFrame, *, judgement: str = "effective", ax=None):
    """2 x 2 confusion matrix of system vs human judgements (counts and shares)."""
    d = confusion[confusion["judgement"] == judgement]
    if "agent_id" in d.columns:
        d = d.groupby(["system", "human"], as_index=False)["n"].sum()
    m = np.zeros((2, 2))
    for r in d.itertuples():
        m[0 if r.system else 1, 0 if r.human else 1] += r.n
    ax = _ax(ax, (4, 3.5))
    ax.imshow(m, cmap="Blues")
    total = m.sum()
    names = [
        ["agree: yes", "system yes, human no\n(false positive)"],
        ["system no, human yes\n(false negative)", "agree: no"],
    ]
    for i in range(2):
        for j in range(2):
            share = m[i, j] / total if total else np.nan
            colour = "white" if m[i, j] > m.max() / 2 else "black"
            ax.text(
                j,
                i,
                f"{int(m[i, j])}\n{share:.1%}\n{names[i][j]}",
                ha="center",
                va="center",
                fontsize=7,
                color=colour,
            )
    ax.set_xticks([0, 1], ["human: yes", "human: no"])
    ax.set_yticks([0, 1], ["system: yes", "system: no"])
    ax.set_title(f"System vs human: {judgement}")
    return ax


def agreement_plot(agreement: pd.DataFrame, *, ax=None):
    """Kappa, sensitivity, specificity and error rates per judgement, with intervals."""
    metrics = [
        ("kappa", "kappa"),
        ("sensitivity", "sensitivity"),
        ("specificity", "specificity"),
        ("fpr", "false-positive rate"),
        ("fnr", "false-negative rate"),
    ]
    ax = _ax(ax, (7, 3.5))
    judgements = list(agreement["judgement"])
    width = 0.8 / max(len(judgements), 1)
    for k, (_, row) in enumerate(agreement.iterrows()):
        x = np.arange(len(metrics)) + (k - (len(judgements) - 1) / 2) * width
        vals = np.array([row[m] for m, _ in metrics], dtype=float)
        lows = np.array([row[f"{m}_low"] for m, _ in metrics], dtype=float)
        highs = np.array([row[f"{m}_high"] for m, _ in metrics], dtype=float)
        ax.bar(x, vals, width=width, label=row["judgement"], alpha=0.8)
        ax.errorbar(
            x,
            vals,
            yerr=_bar_lengths(vals, lows, highs),
            fmt="none",
            ecolor="black",
            capsize=3,
            lw=1,
        )
    ax.set_xticks(range(len(metrics)), [name for _, name in metrics], fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.axhline(0.6, color="grey", ls=":", lw=1)
    ax.legend(fontsize=8)
    ax.set_title("Automatic vs human judgements (95 % intervals; dotted: kappa 0.6)")
    return ax


def agent_error_plot(flags: pd.DataFrame, *, judgement: str = "effective", top: int = 25, ax=None):
    """Per-agent false-positive rate with Wilson intervals against the team-wide rate.

    ``flags`` is :func:`kpi_lib.analyses.calibration.flag_inflated`; flagged agents in red.
    Shows the ``top`` agents with the highest rate among those with enough data.
    """
    d = flags[(flags["judgement"] == judgement) & flags["enough_data"]].dropna(subset=["fpr"])
    d = d.sort_values("fpr", ascending=False).head(top).iloc[::-1]
    ax = _ax(ax, (6, 0.22 * len(d) + 1.5))
    y = np.arange(len(d))
    colours = np.where(d["flagged"], "tab:red", "tab:blue")
    ax.errorbar(
        d["fpr"],
        y,
        xerr=_bar_lengths(d["fpr"], d["fpr_low"], d["fpr_high"]),
        fmt="none",
        ecolor="grey",
        lw=1,
    )
    ax.scatter(d["fpr"], y, c=colours, zorder=3, s=18)
    if len(d):
        ax.axvline(d["overall_fpr"].iloc[0], color="black", ls="--", lw=1, label="all agents")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_yticks(y, d["agent_id"], fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_xlabel("false-positive rate (system yes, human no)")
    ax.set_title(f"Where the system over-credits '{judgement}' (red = flagged)")
    return ax


def corrected_vs_raw_plot(
    corrected: pd.DataFrame, *, indicator: str = "effective_call_rate", ax=None
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
    ax.plot([lo, hi], [lo, hi], color="grey", ls="--", lw=1)
    ax.set_xlabel("system-measured rate")
    ax.set_ylabel("corrected rate (95 % interval)")
    ax.set_title(f"{indicator}: raw vs corrected")
    return ax


def reviewer_leniency_plot(leniency: pd.DataFrame, *, ax=None):
    """Each reviewer's leniency (share judged positive minus the others', same calls)."""
    d = leniency.copy()
    d["row"] = d["judgement"] + ": " + d["reviewer"].astype(str)
    d = d.iloc[::-1]
    ax = _ax(ax, (6, 0.3 * len(d) + 1.2))
    y = np.arange(len(d))
    colours = d["label"].map({"lenient": "tab:red", "strict": "tab:blue"}).fillna("tab:grey")
    ax.errorbar(
        d["leniency"],
        y,
        xerr=[d["leniency"] - d["ci_low"], d["ci_high"] - d["leniency"]],
        fmt="none",
        ecolor="grey",
    )
    ax.scatter(d["leniency"], y, c=colours, zorder=3)
    ax.axvline(0, color="black", lw=1)
    ax.set_yticks(y, d["row"], fontsize=8)
    ax.set_xlabel("leniency: share judged yes minus the other reviewers' (same calls)")
    ax.set_title("Reviewer leniency (red = lenient, blue = strict)")
    return ax


def reviewer_kappa_heatmap(pairs: pd.DataFrame, *, judgement: str = "effective", ax=None):
    """Pairwise Cohen's kappa between reviewers (and the system, if included)."""
    d = pairs[pairs["judgement"] == judgement]
    names = sorted(set(d["reviewer_a"]) | set(d["reviewer_b"]))
    m = pd.DataFrame(np.nan, index=names, columns=names)
    for r in d.itertuples():
        m.loc[r.reviewer_a, r.reviewer_b] = m.loc[r.reviewer_b, r.reviewer_a] = r.kappa
    ax = _ax(ax, (0.6 * len(names) + 2.5, 0.5 * len(names) + 1.5))
    im = ax.imshow(m.to_numpy(float), cmap="RdYlGn", vmin=0, vmax=1)
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    for i in range(len(names)):
        for j in range(len(names)):
            v = m.iat[i, j]
            if pd.notna(v):
                ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
    ax.figure.colorbar(im, ax=ax, shrink=0.8, label="Cohen's kappa")
    ax.set_title(f"Agreement between reviewers: {judgement}")
    return ax
