"""Plots for the real-data tour (``ax=None`` in, Axes out; an empty table draws a notice)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = [
    "plot_volume_vs_handle_time",
    "plot_raw_vs_adjusted",
    "plot_rate_bins",
    "plot_group_rates",
]


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    return ax


def _unavailable(ax, what: str):
    ax.text(0.5, 0.5, f"{what}: data not available", ha="center", va="center")
    ax.set_axis_off()
    return ax


def plot_volume_vs_handle_time(table: pd.DataFrame, *, ax=None):
    """Calls handled vs median handle time per agent, with the median's CI; small samples hollow.

    ``table`` is :func:`kpi_lib.analyses.real_data.agent_volume_handle_time`.
    """
    ax = _axes(ax)
    if table.empty:
        return _unavailable(ax, "Agent volume and handle time")
    err = np.vstack(
        [
            table["median_handle_s"] - table["median_ci_low"],
            table["median_ci_high"] - table["median_handle_s"],
        ]
    )
    ax.errorbar(table["calls"], table["median_handle_s"], yerr=err, fmt="none", ecolor="0.6", lw=1)
    small = table["small_sample"].astype(bool)
    ax.scatter(
        table.loc[~small, "calls"],
        table.loc[~small, "median_handle_s"],
        color="C0",
        label="agent",
        zorder=3,
    )
    ax.scatter(
        table.loc[small, "calls"],
        table.loc[small, "median_handle_s"],
        facecolors="white",
        edgecolors="C3",
        label="small sample",
        zorder=3,
    )
    for _, r in table.iterrows():
        ax.annotate(
            str(r["agent_id"]),
            (r["calls"], r["median_handle_s"]),
            fontsize=7,
            xytext=(3, 3),
            textcoords="offset points",
        )
    ax.set_xlabel("calls handled")
    ax.set_ylabel("median handle time (s), 95% CI")
    ax.legend(frameon=False)
    return ax


def plot_raw_vs_adjusted(table: pd.DataFrame, *, ax=None):
    """Raw vs call-type-adjusted handle-time ratio per agent (1 = centre average).

    ``table`` is :func:`kpi_lib.analyses.real_data.adjusted_agent_comparison`.
    """
    ax = _axes(ax)
    if table.empty:
        return _unavailable(ax, "Call-type adjustment")
    t = table.sort_values("adjusted_ratio")
    y = np.arange(len(t))
    ax.scatter(t["raw_ratio"], y, marker="|", s=120, color="0.4", label="raw")
    ax.errorbar(
        t["adjusted_ratio"],
        y,
        xerr=[t["adjusted_ratio"] - t["ci_low"], t["ci_high"] - t["adjusted_ratio"]],
        fmt="o",
        color="C0",
        ms=4,
        label="adjusted for call type (95% CI)",
    )
    ax.axvline(1, color="0.7", lw=1)
    ax.set_xscale("log")
    ax.set_yticks(y, t["agent_id"], fontsize=7)
    ax.set_xlabel("handle time relative to the centre (geometric mean, log scale)")
    ax.legend(frameon=False, fontsize=8)
    return ax


def plot_rate_bins(table: pd.DataFrame, *, xlabel: str = "", ax=None):
    """Conversion rate per bin with Wilson intervals.

    ``table`` is :func:`kpi_lib.analyses.real_data.conversion_by_bins`.
    """
    ax = _axes(ax)
    if table.empty:
        return _unavailable(ax, "Conversion")
    x = np.arange(len(table))
    ax.bar(x, table["rate"] * 100, color="C0", alpha=0.7)
    ax.errorbar(
        x,
        table["rate"] * 100,
        yerr=[(table["rate"] - table["ci_low"]) * 100, (table["ci_high"] - table["rate"]) * 100],
        fmt="none",
        ecolor="k",
        lw=1,
    )
    ax.set_xticks(x, table["bin"])
    ax.set_xlabel(xlabel)
    ax.set_ylabel("conversion (%), 95% Wilson CI")
    return ax


def plot_group_rates(table: pd.DataFrame, *, label: str = "group", ax=None):
    """Horizontal rates with Wilson intervals per group; small samples hollow.

    ``table`` is :func:`kpi_lib.analyses.real_data.lead_conversion_by`.
    """
    ax = _axes(ax)
    if table.empty:
        return _unavailable(ax, "Lead conversion")
    t = table.iloc[::-1]
    y = np.arange(len(t))
    small = t["small_sample"].astype(bool).to_numpy()
    ax.errorbar(
        t["rate"] * 100,
        y,
        xerr=[(t["rate"] - t["ci_low"]) * 100, (t["ci_high"] - t["rate"]) * 100],
        fmt="none",
        ecolor="0.5",
    )
    ax.scatter(t["rate"][~small] * 100, y[~small], color="C0", zorder=3, label="n >= threshold")
    ax.scatter(
        t["rate"][small] * 100,
        y[small],
        facecolors="white",
        edgecolors="C3",
        zorder=3,
        label="small sample",
    )
    ax.set_yticks(y, t[label])
    ax.set_xlabel("lead conversion (%), 95% Wilson CI")
    ax.legend(frameon=False, fontsize=8)
    return ax
