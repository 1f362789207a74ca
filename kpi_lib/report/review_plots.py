"""Charts of the period review (labels from the message catalogue, in the review's language).

Every chart is sized with :func:`~kpi_lib.report.style.figure_size` and keeps its legend
outside the data (:func:`~kpi_lib.report.style.legend_outside`); call
:func:`~kpi_lib.report.style.setup_plots` once per notebook and pass the language it returns.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from kpi_lib.indicators.catalogue import label
from kpi_lib.report.review_text import text
from kpi_lib.report.style import figure_size, legend_outside

__all__ = [
    "agent_trend_plot",
    "composite_distribution_plot",
    "indicator_trends_plot",
    "rank_interval_plot",
]


def _ax(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(*size))
    return ax


def composite_distribution_plot(
    agents: pd.DataFrame, *, tiers: dict | None = None, language: str = "en", ax=None
):
    """Histogram of composite scores with the tier cut-offs as dashed lines."""
    ax = _ax(ax, (9, 3.2))
    values = agents["composite"].dropna().to_numpy()
    sns.histplot(x=values, bins=np.arange(0, 102.5, 2.5), ax=ax, color="#4c72b0")
    top = ax.get_ylim()[1]
    for name, cut in (tiers or {}).items():
        if cut is not None and np.isfinite(cut):
            ax.axvline(cut, color="#6e7781", ls="--", lw=1)
            ax.text(cut + 0.5, top * 0.92, f"{name} ≥ {cut:g}", color="#57606a", fontsize=9.5)
    ax.set(
        xlabel=text("review.plot.composite", language),
        ylabel=text("review.plot.agents", language),
        xlim=(0, 100),
    )
    return ax


def rank_interval_plot(leaderboard: pd.DataFrame, *, top: int = 30, language: str = "en", ax=None):
    """Rank (dot) and the 5–95 % range of ranks when the weights shift (bar), best first."""
    lb = leaderboard.dropna(subset=["rank"]).nsmallest(top, "rank")
    ax = _ax(ax, (9, max(3.0, 0.28 * len(lb) + 1)))
    y = np.arange(len(lb))
    labels = [f"{n} ({a})" for n, a in zip(lb["agent_name"], lb["agent_id"], strict=False)]
    ax.hlines(
        y,
        lb["rank_low"],
        lb["rank_high"],
        color="#8c959f",
        lw=3,
        label=text("review.plot.range", language),
    )
    ax.plot(lb["rank"], y, "o", color="#0969da", ms=5, label=text("review.plot.nominal", language))
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel(text("review.plot.rank", language))
    legend_outside(ax)
    return ax


def indicator_trends_plot(
    trends: pd.DataFrame, *, by: str | None = "team_id", language: str = "en", max_groups: int = 8
):
    """Small multiples: one panel per indicator, the mean score per period of each group.

    ``trends`` is :func:`kpi_lib.analyses.changes.indicator_trends`. With more than
    ``max_groups`` groups only the overall average is drawn (one line per panel stays
    readable). Returns the Figure.
    """
    indicators = list(dict.fromkeys(trends["indicator"]))
    n = max(1, len(indicators))
    cols = min(3, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=figure_size(10, 2.6 * rows), sharey=True, squeeze=False
    )
    many = by is None or by not in trends or trends[by].nunique() > max_groups
    periods = list(dict.fromkeys(trends.sort_values("period")["period"]))
    x = {p: k for k, p in enumerate(periods)}
    for k, ind in enumerate(indicators):
        ax = axes[k // cols][k % cols]
        sub = trends[trends["indicator"] == ind]
        if many:
            line = sub.groupby("period")["score"].mean().reindex(periods)
            ax.plot(range(len(periods)), line.to_numpy(), "o-", color="#0969da", ms=3,
                    label=text("review.plot.all", language))  # fmt: skip
        else:
            for group, g in sub.groupby(by):
                g = g.sort_values("period")
                ax.plot(g["period"].map(x), g["score"], "o-", ms=3, lw=1.4, label=str(group))
        ax.set_title(label(ind, language), fontsize=10.5, fontweight="normal")
        ax.set_ylim(0, 100)
        ax.set_xticks(range(len(periods)), periods, rotation=45, ha="right")
        if k % cols == 0:
            ax.set_ylabel(text("review.plot.score", language))
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    legend_outside(axes[0][cols - 1])
    return fig


def agent_trend_plot(
    trend: pd.DataFrame, indicators: pd.DataFrame | None = None, *, language: str = "en"
):
    """An agent's composite and indicator scores over the last periods, with the team average.

    ``trend``: ``period``, ``composite``, ``team_median`` (see
    :func:`kpi_lib.report.review.agent_page_data`); ``indicators`` (optional): ``period``,
    ``indicator``, ``score``, ``team_score``. One small panel per series; returns the Figure.
    """
    series = [("composite", text("review.plot.composite", language), trend, "composite",
               "team_median")]  # fmt: skip
    if indicators is not None and len(indicators):
        for ind, g in indicators.groupby("indicator", sort=False):
            series.append((ind, label(ind, language), g, "score", "team_score"))
    n = len(series)
    cols = min(5, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=figure_size(2.0 * cols, 1.9 * rows), sharey=True, squeeze=False
    )
    periods = list(dict.fromkeys(trend["period"]))
    if indicators is not None and len(indicators):
        periods = sorted(set(periods) | set(indicators["period"]))
    x = {p: k for k, p in enumerate(periods)}
    for k, (_, title, data, own, team) in enumerate(series):
        ax = axes[k // cols][k % cols]
        data = data.sort_values("period")
        ax.plot(data["period"].map(x), data[own], "o-", color="#0969da", ms=3,
                label=text("review.plot.agent", language))  # fmt: skip
        ax.plot(data["period"].map(x), data[team], "--", color="#8c959f",
                label=text("review.plot.team", language))  # fmt: skip
        ax.set_title(title, fontsize=10, fontweight="normal")
        ax.set_ylim(0, 100)
        ax.set_xticks(range(len(periods)), [p[-2:] for p in periods])
    for k in range(n, rows * cols):
        axes[k // cols][k % cols].set_visible(False)
    legend_outside(axes[0][cols - 1])
    return fig
