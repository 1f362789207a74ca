"""Charts of the data overview: what the raw tables look like before any scoring."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.definitions import Definitions

__all__ = ["plot_talk_time", "plot_calls_per_agent_month", "plot_order_amounts", "plot_outcomes"]


def _ax(ax, size=(7, 3.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def plot_talk_time(
    data: Dataset, *, definitions: Definitions | None = None, max_s: float = 900, ax=None
):
    """Histogram of talk time of connected calls, with the effective-call threshold marked.

    The threshold is ``definitions.effective_min_talk_s`` (None means ``Definitions()``).
    """
    threshold_s = Definitions.from_yaml(definitions).effective_min_talk_s
    ax = _ax(ax)
    calls = data["calls"]
    talk = calls.loc[calls["outcome"] == "connected", "duration_s"]
    talk = talk[talk <= max_s]
    sns.histplot(x=talk.to_numpy(), bins=np.arange(0, max_s + 5, 5), ax=ax, color="#4c72b0")
    ax.axvline(threshold_s, color="#c44e52", ls="--", lw=1.2)
    ax.text(threshold_s + 5, ax.get_ylim()[1] * 0.92, f"{threshold_s:g} s", color="#c44e52")
    ax.set(xlabel="talk time of connected calls (s)", ylabel="calls")
    return ax


def plot_calls_per_agent_month(data: Dataset, *, ax=None):
    """Distribution of dials per agent and month: who is thin, who is an outlier."""
    ax = _ax(ax)
    calls = data["calls"]
    per = calls.groupby([calls["agent_id"], calls["started_at"].dt.to_period("M")]).size()
    sns.histplot(x=per.to_numpy(), bins=40, ax=ax, color="#55a868")
    ax.set(xlabel="dials per agent and month", ylabel="agent-months")
    return ax


def plot_order_amounts(data: Dataset, *, ax=None):
    """Order amounts on a log scale (they are usually right-skewed)."""
    ax = _ax(ax)
    amounts = data["orders"]["amount"]
    amounts = amounts[amounts > 0]
    sns.histplot(x=amounts.to_numpy(), log_scale=True, bins=40, ax=ax, color="#8172b2")
    ax.set(xlabel="order amount (log scale)", ylabel="orders")
    return ax


def plot_outcomes(data: Dataset, *, ax=None):
    """Share of each dial outcome per month (stacked)."""
    ax = _ax(ax)
    calls = data["calls"]
    share = pd.crosstab(calls["started_at"].dt.to_period("M"), calls["outcome"], normalize="index")
    share.index = share.index.astype(str)
    share.plot(kind="bar", stacked=True, ax=ax, width=0.85, colormap="tab10")
    ax.set(xlabel="month", ylabel="share of dials")
    ax.legend(loc="center left", bbox_to_anchor=(1, 0.5), frameon=False)
    return ax
