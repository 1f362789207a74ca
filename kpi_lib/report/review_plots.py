"""Charts of the period review (labels follow the review's language)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from kpi_lib.report.fonts import setup_fonts

__all__ = ["composite_distribution_plot", "rank_interval_plot", "agent_trend_plot"]

_WORDS = {
    "composite": ("composite score", "综合得分", "綜合得分"),
    "agents": ("agents", "坐席数", "坐席數"),
    "rank": ("rank (1 = best)", "排名（1 = 最好）", "排名（1 = 最好）"),
    "period": ("period", "期间", "期間"),
    "agent": ("agent", "坐席", "坐席"),
    "team_median": ("team median", "团队中位数", "團隊中位數"),
    "nominal": ("nominal rank", "名义排名", "名義排名"),
    "range": (
        "5–95 % range under weight noise",
        "权重扰动下 5–95 % 区间",
        "權重擾動下 5–95 % 區間",
    ),
}
_LANG = {"en": 0, "zh-Hans": 1, "zh-Hant": 2}


def _w(key: str, language: str) -> str:
    return _WORDS[key][_LANG.get(language, 0)]


def _ax(ax, size):
    if ax is None:
        _, ax = plt.subplots(figsize=size)
    return ax


def composite_distribution_plot(
    agents: pd.DataFrame, *, tiers: dict | None = None, language: str = "en", ax=None
):
    """Histogram of composite scores with the tier cut-offs as dashed lines."""
    language = setup_fonts(language)
    ax = _ax(ax, (8, 3.2))
    values = agents["composite"].dropna().to_numpy()
    sns.histplot(x=values, bins=np.arange(0, 102.5, 2.5), ax=ax, color="#4c72b0")
    for name, cut in (tiers or {}).items():
        if cut is not None and np.isfinite(cut):
            ax.axvline(cut, color="#6e7781", ls="--", lw=1)
            ax.text(
                cut + 0.5, ax.get_ylim()[1] * 0.9, f"{name} ≥ {cut:g}", color="#6e7781", fontsize=8
            )
    ax.set(xlabel=_w("composite", language), ylabel=_w("agents", language), xlim=(0, 100))
    return ax


def rank_interval_plot(leaderboard: pd.DataFrame, *, top: int = 30, language: str = "en", ax=None):
    """Nominal rank (dot) and the 5–95 % rank range under weight noise (bar), best first."""
    language = setup_fonts(language)
    lb = leaderboard.dropna(subset=["rank"]).nsmallest(top, "rank")
    ax = _ax(ax, (8, max(3, 0.22 * len(lb) + 1)))
    y = np.arange(len(lb))
    labels = [f"{n} ({a})" for n, a in zip(lb["agent_name"], lb["agent_id"], strict=False)]
    ax.hlines(
        y, lb["rank_low"], lb["rank_high"], color="#8c959f", lw=3, label=_w("range", language)
    )
    ax.plot(lb["rank"], y, "o", color="#0969da", ms=4, label=_w("nominal", language))
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel(_w("rank", language))
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    return ax


def agent_trend_plot(trend: pd.DataFrame, *, language: str = "en", ax=None):
    """An agent's composite over the last periods next to the team median."""
    language = setup_fonts(language)
    ax = _ax(ax, (5.5, 2.2))
    ax.plot(trend["period"], trend["composite"], "o-", color="#0969da", label=_w("agent", language))
    ax.plot(
        trend["period"],
        trend["team_median"],
        "--",
        color="#8c959f",
        label=_w("team_median", language),
    )
    ax.set_ylim(0, 100)
    ax.set_ylabel(_w("composite", language))
    ax.tick_params(axis="x", labelsize=7)
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    return ax
