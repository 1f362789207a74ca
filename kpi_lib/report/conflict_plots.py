"""Charts of the indicator-conflict diagnosis (``ax=None`` in, Axes out).

:func:`~kpi_lib.report.style.setup_plots` is re-exported so that the notebook reaches it
through ``kpi_lib.report`` (the layer's public face).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kpi_lib.indicators import label
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.report.review_text import text
from kpi_lib.report.style import figure_size, legend_outside, setup_plots

__all__ = [
    "correlation_heatmap",
    "within_between_plot",
    "bunching_plot",
    "bunching_ranking_plot",
    "key_pairs",
    "pairs_chart",
    "setup_plots",
]


def _ax(ax, size=(7, 6)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def correlation_heatmap(
    correlations: pd.DataFrame, *, method: str = "spearman", value: str = "r_oriented", ax=None
):
    """Heatmap of pairwise correlations; flagged pairs are marked (x = conflict, = = redundant).

    ``value="r_oriented"`` colours red where doing well on one indicator goes with doing badly
    on the other; ``value="r"`` shows the raw coefficient.
    """
    d = correlations[correlations["method"] == method]
    ids = list(dict.fromkeys(list(d["indicator_a"]) + list(d["indicator_b"])))
    m = pd.DataFrame(np.nan, index=ids, columns=ids)
    marks = {}
    for r in d.to_dict("records"):
        m.loc[r["indicator_a"], r["indicator_b"]] = r[value]
        m.loc[r["indicator_b"], r["indicator_a"]] = r[value]
        if r["flag"]:
            marks[(r["indicator_a"], r["indicator_b"])] = "x" if r["flag"] == "conflict" else "="
    ax = _ax(ax, (0.32 * len(ids) + 3, 0.3 * len(ids) + 2))
    im = ax.imshow(m.to_numpy(float), cmap="RdBu", vmin=-1, vmax=1)
    ax.set_xticks(range(len(ids)), ids, rotation=90, fontsize=7)
    ax.set_yticks(range(len(ids)), ids, fontsize=7)
    pos = {k: i for i, k in enumerate(ids)}
    for (a, b), s in marks.items():
        for i, j in ((pos[a], pos[b]), (pos[b], pos[a])):
            ax.text(j, i, s, ha="center", va="center", fontsize=8, color="black")
    ax.figure.colorbar(im, ax=ax, shrink=0.7, label=f"{method} {value}")
    ax.set_title(f"Indicator correlations across agent-months ({method})")
    return ax


def within_between_plot(within_between: pd.DataFrame, *, label_top: int = 8, ax=None):
    """Within-agent r against between-agent r per pair; opposite-sign pairs lie in the
    top-left and bottom-right quadrants, significant disagreements are red."""
    ax = _ax(ax, (6, 6))
    d = within_between.dropna(subset=["within_r", "between_r"])
    colour = np.where(d["simpson_warning"], "tab:red", "tab:grey")
    ax.scatter(d["within_r"], d["between_r"], c=colour, s=14, alpha=0.7)
    ax.axhline(0, color="black", lw=0.6)
    ax.axvline(0, color="black", lw=0.6)
    ax.plot([-1, 1], [-1, 1], ls=":", color="grey", lw=0.8)
    top = d.assign(gap=(d["within_r"] - d["between_r"]).abs()).nlargest(label_top, "gap")
    for r in top.to_dict("records"):
        ax.annotate(f"{r['indicator_a']} / {r['indicator_b']}", (r["within_r"], r["between_r"]),
                    fontsize=6)  # fmt: skip
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_xlabel("within-agent r (repeated-measures)")
    ax.set_ylabel("between-agent r (agent means)")
    ax.set_title("Within-agent vs between-agent relations")
    return ax


def bunching_plot(
    bins: pd.DataFrame,
    *,
    definitions: Definitions | None = None,
    title: str = "",
    language: str = "en",
    ax=None,
):
    """Observed talk-time counts (bars) against the counterfactual fitted outside the
    excluded window (line); the window is shaded, the threshold a dashed line. Labels in
    ``language`` (the language :func:`kpi_lib.report.style.setup_plots` returned).

    ``bins`` is :func:`kpi_lib.analyses.gaming.bunching_bins`; ``definitions`` gives the
    effective-call threshold marked (``effective_min_talk_s``; None means ``Definitions()``)
    and should be the one the bins were computed with.
    """
    threshold = Definitions.from_yaml(definitions).effective_min_talk_s
    ax = _ax(ax, figure_size(9, 4))
    width = float((bins["bin_end"] - bins["bin_start"]).iloc[0])
    colour = np.where(bins["above_threshold"], "tab:red", "tab:blue")
    ax.bar(bins["bin_start"], bins["observed"], width=width, align="edge", color=colour,
           alpha=0.6, label=text("conflict.plot.observed", language))  # fmt: skip
    mid = bins["bin_start"] + width / 2
    ax.plot(mid, bins["counterfactual"], color="black", lw=1.5,
            label=text("conflict.plot.expected", language))  # fmt: skip
    win = bins[bins["excluded"]]
    if len(win):
        ax.axvspan(win["bin_start"].min(), win["bin_end"].max(), color="grey", alpha=0.15,
                   label=text("conflict.plot.window", language))  # fmt: skip
    ax.axvline(threshold, ls="--", color="tab:red", lw=1,
               label=text("conflict.plot.threshold", language, seconds=f"{threshold:g}"))  # fmt: skip
    ax.set_xlabel(text("conflict.plot.talk", language))
    ax.set_ylabel(text("conflict.plot.calls", language))
    ax.set_title(title or text("conflict.plot.bunching_title", language))
    legend_outside(ax)
    return ax


def bunching_ranking_plot(bunching: pd.DataFrame, *, top: int = 20, ax=None):
    """Excess ratio with its bootstrap interval for the ``top`` rankable agents (flagged red)."""
    d = bunching[bunching["rankable"]].sort_values("rank").head(top).iloc[::-1]
    ax = _ax(ax, (6, 0.25 * len(d) + 1.5))
    y = np.arange(len(d))
    colour = np.where(d["flagged"], "tab:red", "tab:grey")
    ax.errorbar(d["excess_ratio"], y, xerr=[d["excess_ratio"] - d["ci_low"],
                d["ci_high"] - d["excess_ratio"]], fmt="none", ecolor=colour, lw=1)  # fmt: skip
    ax.scatter(d["excess_ratio"], y, c=colour, s=16, zorder=3)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_yticks(y, d["agent_id"], fontsize=7)
    ax.set_xlabel("excess calls just above threshold / counterfactual (95 % interval)")
    ax.set_title("Bunching watch-list (ranked by lower bound)")
    return ax


def key_pairs(
    correlations: pd.DataFrame,
    indicators=None,
    *,
    method: str = "spearman",
    against: int = 9,
    together: int = 3,
) -> pd.DataFrame:
    """The pairs a manager should see: the ``against`` pairs that pull against each other
    most (most negative ``r_oriented``) and the ``together`` that move together most, among
    ``indicators`` (the scheme's; None: all; flagged pairs always qualify).

    Returns
    -------
    DataFrame
        ``indicator_a``, ``indicator_b``, ``r_oriented``, ``ci_low``, ``ci_high`` (interval
        of the oriented r), ``flag``; most conflicting first.
    """
    d = correlations[correlations["method"] == method].dropna(subset=["r_oriented"])
    if indicators is not None:
        keep = set(indicators)
        inside = d["indicator_a"].isin(keep) & d["indicator_b"].isin(keep)
        d = d[inside | (d["flag"] != "")]
    sign = np.sign(d["r_oriented"] / d["r"].where(d["r"] != 0, np.nan)).fillna(1.0)
    lo, hi = d["ci_low"] * sign, d["ci_high"] * sign
    d = d.assign(ci_low=np.minimum(lo, hi), ci_high=np.maximum(lo, hi))
    neg = d[d["r_oriented"] < 0].nsmallest(against, "r_oriented")
    pos = d[d["r_oriented"] >= 0].nlargest(together, "r_oriented")
    out = pd.concat([neg, pos]).sort_values("r_oriented")
    cols = ["indicator_a", "indicator_b", "r_oriented", "ci_low", "ci_high", "flag"]
    return out[cols].reset_index(drop=True)


def pairs_chart(pairs: pd.DataFrame, *, language: str = "en", ax=None):
    """Ranked bar chart of the strongest pairs of :func:`key_pairs`: oriented r with its
    95 % interval, red when the two pull against each other, labels in ``language``."""
    d = pairs.iloc[::-1]
    ax = _ax(ax, figure_size(9, 0.42 * max(len(d), 1) + 1.6))
    y = np.arange(len(d))
    neg = d["r_oriented"].to_numpy(float) < 0
    colour = np.where(neg, "tab:red", "tab:blue")
    ax.barh(y, d["r_oriented"], color=colour, alpha=0.75)
    err = [d["r_oriented"] - d["ci_low"], d["ci_high"] - d["r_oriented"]]
    ax.errorbar(d["r_oriented"], y, xerr=np.abs(np.asarray(err, float)), fmt="none",
                ecolor="black", lw=0.9, capsize=2)  # fmt: skip
    names = [
        f"{label(a, language)} ↔ {label(b, language)}"
        for a, b in zip(d["indicator_a"], d["indicator_b"], strict=False)
    ]
    ax.set_yticks(y, names)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlim(-1, 1)
    ax.set_xlabel(text("conflict.plot.pairs_x", language))
    ax.set_title(text("conflict.plot.pairs_title", language))
    from matplotlib.patches import Patch

    handles = [
        Patch(color="tab:red", alpha=0.75, label=text("conflict.plot.against", language)),
        Patch(color="tab:blue", alpha=0.75, label=text("conflict.plot.together", language)),
    ]
    legend_outside(ax, handles=handles)
    return ax
