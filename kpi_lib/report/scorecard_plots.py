"""Charts of the scorecard (``ax=None`` in, Axes out). Computation lives in kpi_lib.scoring."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap

__all__ = [
    "attainability_plot",
    "dimension_breakdown_plot",
    "score_distribution_plot",
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
        _, ax = plt.subplots(figsize=size)
    return ax


def score_distribution_plot(scorecard, *, period: str | None = None, ax=None):
    """Histogram of composite scores with the tier cut-offs drawn as vertical lines."""
    a = scorecard.agents
    if period is not None:
        a = a[a["period"].astype(str) == str(period)]
    ax = _ax(ax)
    ax.hist(
        a["composite"].dropna(), bins=np.linspace(0, 100, 21), color="#4c72b0", edgecolor="white"
    )
    for tier, cut in scorecard.scheme.tiers.items():
        ax.axvline(cut, color="#555555", linestyle="--", linewidth=1)
        ax.text(cut + 0.5, ax.get_ylim()[1] * 0.95, f"{tier} >= {cut:g}", fontsize=8, va="top")
    ax.set_xlabel("composite score (0-100)")
    ax.set_ylabel("agents")
    ax.set_title(f"Composite scores{' - ' + str(period) if period else ''}")
    return ax


def dimension_breakdown_plot(scorecard, *, period: str, top: int = 10, bottom: int = 10, ax=None):
    """Stacked bars: each agent's composite split into the points each dimension contributes,
    for the ``top`` and ``bottom`` agents of the period."""
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
    ax = _ax(ax, (8, 0.28 * len(chosen) + 1.5))
    left = np.zeros(len(data))
    for dim in data.columns:
        ax.barh(data.index, data[dim], left=left, color=_DIM_COLOURS.get(dim), label=dim)
        left += data[dim].to_numpy()
    if 0 < top < len(chosen):
        ax.axhline(len(chosen) - top - 0.5, color="black", linewidth=0.8)
    ax.set_xlabel("points of the composite")
    ax.set_xlim(0, 100)
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title(f"Where each agent's score comes from (top {top} / bottom {bottom})")
    ax.tick_params(axis="y", labelsize=7)
    return ax


def traffic_light_board(board: pd.DataFrame, *, max_agents: int = 40, ax=None):
    """The red / yellow / green board: one row per agent, one column per indicator; the cell
    text is the attainment of the pro-rated target. Agents with most red lights first."""
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
    ax = _ax(ax, (1.3 * lights.shape[1] + 2, 0.25 * len(order) + 1.5))
    ax.imshow(m, cmap=cmap, vmin=-0.5, vmax=3.5, aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            v = att.iloc[i, j]
            if pd.notna(v):
                ax.text(j, i, f"{min(v, 9.99):.0%}", ha="center", va="center", fontsize=6)
    ax.set_xticks(range(lights.shape[1]), lights.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(order)), order, fontsize=6)
    ax.set_title("Progress against pro-rated targets (agents with most red first)")
    return ax


def attainability_plot(table: pd.DataFrame, *, ax=None):
    """Share of agent-periods that reached each target, coloured by flag."""
    colours = {
        "unreachable": "#d64541",
        "invites fabrication": "#d64541",
        "stretch": "#f2c230",
        "attainable": "#2e9e44",
        "too easy": "#999999",
    }
    if table.empty or "share_reached" not in table:
        ax = _ax(ax, (7, 1.5))
        ax.text(0.5, 0.5, "no targets to check", ha="center", va="center")
        ax.set_axis_off()
        return ax
    t = table.sort_values("share_reached")
    ax = _ax(ax, (7, 0.4 * len(t) + 1.5))
    ax.barh(
        t["indicator"], t["share_reached"], color=[colours.get(f, "#4c72b0") for f in t["flag"]]
    )
    for y, (s, f) in enumerate(zip(t["share_reached"], t["flag"], strict=True)):
        ax.text(s + 0.01, y, f"{s:.0%} ({f})", va="center", fontsize=8)
    ax.set_xlim(0, 1.25)
    ax.set_xlabel("share of agent-periods that reached the target")
    ax.set_title("How attainable are the targets?")
    return ax


def small_sample_plot(effect: pd.DataFrame, *, indicator: str = "", ax=None):
    """Observed rate against number of trials with 95 % Wilson intervals, and where shrinkage
    moves each rate (grey arrows); the dashed line is the team-wide mean."""
    e = effect.dropna(subset=["observed"])
    ax = _ax(ax)
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
    ax.set_xlabel("trials (e.g. surveys, connects)")
    ax.set_ylabel(indicator or "rate")
    ax.set_title("Small samples: red = interval too wide to rank; arrows = shrinkage")
    return ax
