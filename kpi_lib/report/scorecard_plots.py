"""Charts of the scorecard (``ax=None`` in, Axes out). Computation lives in kpi_lib.scoring."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D

from kpi_lib.indicators.catalogue import CATALOGUE, dimension_label, label
from kpi_lib.report.review_text import text
from kpi_lib.report.style import figure_size, legend_outside, setup_plots

__all__ = [
    "attainability_plot",
    "dimension_breakdown_plot",
    "score_distribution_plot",
    "setup_plots",
    "small_sample_plot",
    "traffic_light_board",
]

LIGHT_COLOURS = {"green": "#2e9e44", "yellow": "#f2c230", "red": "#d64541", "": "#dddddd"}
_DIM_COLOURS = {
    "performance": "#4c72b0",
    "efficiency": "#55a868",
    "quality": "#c44e52",
    "growth": "#8172b2",
    "team": "#937860",
}


def _ax(ax, size=(8, 5)):
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(*size))
    return ax


def _label(indicator, language: str) -> str:
    return label(indicator, language) if indicator in CATALOGUE else str(indicator)


def _names(agent_ids, names: dict | None) -> list[str]:
    names = names or {}
    return [f"{names[a]} ({a})" if names.get(a) else str(a) for a in agent_ids]


def score_distribution_plot(scorecard, *, period: str | None = None, language: str = "en", ax=None):
    """Histogram of composite scores with the tier cut-offs drawn as vertical lines; text in
    ``language``."""
    a = scorecard.agents
    if period is not None:
        a = a[a["period"].astype(str) == str(period)]
    ax = _ax(ax)
    ax.hist(
        a["composite"].dropna(), bins=np.linspace(0, 100, 21), color="#4c72b0", edgecolor="white"
    )
    for tier, cut in scorecard.scheme.tiers.items():
        ax.axvline(cut, color="#555555", linestyle="--", linewidth=1)
        ax.text(
            cut + 0.5,
            ax.get_ylim()[1] * 0.97,
            text("scorecard.plot.tier_cut", language, tier=tier, cut=f"{cut:g}"),
            fontsize=9.5,
            va="top",
        )
    ax.set_xlabel(text("scorecard.plot.composite", language))
    ax.set_ylabel(text("scorecard.plot.agents", language))
    ax.set_title(text("scorecard.plot.distribution", language, period=period or ""))
    return ax


def dimension_breakdown_plot(
    scorecard,
    *,
    period: str,
    top: int = 10,
    bottom: int = 10,
    language: str = "en",
    names: dict | None = None,
    ax=None,
):
    """Stacked bars: each agent's composite split into the points each dimension contributes,
    for the ``top`` and ``bottom`` agents of the period (agents by ``names``, text in
    ``language``, legend outside the bars)."""
    ind = scorecard.indicators
    ind = ind[(ind["period"].astype(str) == str(period)) & (ind["weight"] > 0)]
    contrib = ind.pivot_table(
        index="agent_id", columns="dimension", values="contribution", aggfunc="sum"
    )
    a = scorecard.agents[scorecard.agents["period"].astype(str) == str(period)]
    a = a.dropna(subset=["composite"]).sort_values("composite", ascending=False)
    chosen = list(a["agent_id"].head(top)) + [
        x for x in a["agent_id"].tail(bottom) if x not in set(a["agent_id"].head(top))
    ]
    data = contrib.reindex(chosen[::-1]).fillna(0)
    ax = _ax(ax, (9, 0.32 * len(chosen) + 1.5))
    left = np.zeros(len(data))
    ylabels = _names(data.index, names)
    for dim in data.columns:
        ax.barh(
            ylabels,
            data[dim],
            left=left,
            color=_DIM_COLOURS.get(dim),
            label=dimension_label(dim, language),
        )
        left += data[dim].to_numpy()
    if 0 < top < len(chosen):
        ax.axhline(len(chosen) - top - 0.5, color="black", linewidth=0.8)
    ax.set_xlabel(text("scorecard.plot.points", language))
    ax.set_xlim(0, 100)
    legend_outside(ax)
    ax.set_title(text("scorecard.plot.breakdown", language, top=top, bottom=bottom))
    return ax


def traffic_light_board(
    board: pd.DataFrame,
    *,
    max_agents: int = 40,
    language: str = "en",
    names: dict | None = None,
    ax=None,
):
    """The red / yellow / green board: one row per agent, one column per indicator; the cell
    text is the attainment of the pro-rated target. Agents with most red lights first
    (agents by ``names``, indicators by label in ``language``)."""
    b = board.copy()
    b["red"] = (b["light"] == "red").astype(int)
    order = b.groupby("agent_id")["red"].sum().sort_values(ascending=False).index[:max_agents]
    lights = b.pivot_table(
        index="agent_id", columns="indicator", values="light", aggfunc="first"
    ).reindex(order)
    att = b.pivot_table(
        index="agent_id", columns="indicator", values="attainment", aggfunc="first"
    ).reindex(index=order, columns=lights.columns)
    codes = {"": 0, "red": 1, "yellow": 2, "green": 3}
    m = lights.fillna("").apply(lambda c: c.map(codes)).to_numpy(dtype=float)
    cmap = ListedColormap([LIGHT_COLOURS[k] for k in ("", "red", "yellow", "green")])
    ax = _ax(ax, (1.6 * lights.shape[1] + 3, 0.32 * len(order) + 1.8))
    ax.imshow(m, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = att.iloc[i, j]
            if pd.notna(v):
                shown = f"{v:.0%}" if v < 10 else "≥1000%"
                ax.text(j, i, shown, ha="center", va="center", fontsize=9)
    ax.set_xticks(
        range(lights.shape[1]),
        [_label(c, language) for c in lights.columns],
        rotation=20,
        ha="right",
    )
    ax.set_yticks(range(len(order)), _names(order, names))
    ax.set_title(text("scorecard.plot.board", language))
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    return ax


def attainability_plot(table: pd.DataFrame, *, language: str = "en", ax=None):
    """Share of agent-periods that reached each target, coloured by flag (text in
    ``language``)."""
    colours = {
        "unreachable": "#d64541",
        "invites_fabrication": "#d64541",
        "stretch": "#f2c230",
        "attainable": "#2e9e44",
        "too_easy": "#999999",
    }
    if table.empty or "share_reached" not in table:
        ax = _ax(ax, (7, 1.5))
        ax.text(0.5, 0.5, text("scorecard.plot.no_targets", language), ha="center", va="center")
        ax.set_axis_off()
        return ax
    t = table.sort_values("share_reached")
    ax = _ax(ax, (8, 0.5 * len(t) + 1.5))
    ax.barh(
        [_label(i, language) for i in t["indicator"]],
        t["share_reached"],
        color=[colours.get(f, "#4c72b0") for f in t["flag"]],
    )
    for y, (s, f) in enumerate(zip(t["share_reached"], t["flag"], strict=True)):
        key = f"scorecard.flag.{f}"
        try:
            flag = text(key, language)
        except KeyError:
            flag = str(f)
        ax.text(s + 0.01, y, f"{s:.0%} ({flag})", va="center", fontsize=9.5)
    ax.set_xlim(0, 1.35)
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(text("scorecard.plot.share_reached", language))
    ax.set_title(text("scorecard.plot.attainability", language))
    return ax


def small_sample_plot(effect: pd.DataFrame, *, indicator: str = "", language: str = "en", ax=None):
    """Observed rate against number of trials with 95 % Wilson intervals, and where shrinkage
    moves each rate (grey arrows); the dashed line is the team-wide mean. Text in
    ``language``, legend outside the data."""
    e = effect.dropna(subset=["observed"])
    ax = _ax(ax, (9, 5))
    colour = np.where(e["rankable"].astype(bool), "#4c72b0", "#d64541")
    yerr = np.clip([e["observed"] - e["ci_low"], e["ci_high"] - e["observed"]], 0, None)
    ax.errorbar(
        e["trials"],
        e["observed"],
        yerr=np.nan_to_num(yerr),
        fmt="none",
        ecolor="#cccccc",
        linewidth=0.8,
        zorder=1,
    )
    ax.scatter(e["trials"], e["observed"], c=colour, s=14, zorder=2)
    moved = e[(e["shrunk"] - e["observed"]).abs() > 1e-9]
    for r in moved.itertuples():
        ax.annotate(
            "",
            xy=(r.trials, r.shrunk),
            xytext=(r.trials, r.observed),
            arrowprops={"arrowstyle": "->", "color": "#888888", "lw": 0.6},
        )
    mean = np.average(e["observed"], weights=e["trials"])
    ax.axhline(mean, color="black", linestyle="--", linewidth=0.8)
    ax.yaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel(text("scorecard.plot.trials", language))
    ax.set_ylabel(_label(indicator, language) if indicator else "")
    ax.set_title(text("scorecard.plot.small", language))
    handles = [
        Line2D([], [], marker="o", ls="", color="#4c72b0"),
        Line2D([], [], marker="o", ls="", color="#d64541"),
        Line2D([], [], color="black", ls="--", lw=0.8),
    ]
    labels = [
        text("scorecard.plot.rankable", language),
        text("scorecard.plot.unrankable", language),
        text("scorecard.plot.team_mean", language),
    ]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    return ax
