"""Charts of the weight-sensitivity analyses (``ax=None`` in, Axes out).

Each function takes the tidy table of the matching :mod:`kpi_lib.analyses.sensitivity`
function.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.report.style import figure_size, legend_outside, setup_plots

__all__ = [
    "effective_weights_plot",
    "tornado_plot",
    "rank_interval_plot",
    "decision_probability_plot",
    "sobol_plot",
    "scheme_comparison_plot",
    "reversal_plot",
    "setup_plots",
]

_INFLUENCE_COLOURS = {
    "as intended": "#4c72b0",
    "muted": "#dd8452",
    "amplified": "#c44e52",
    "counteracting": "#8172b3",
    "no spread": "#937860",
    "no weight": "#bbbbbb",
}


def _ax(ax, size=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(*size))
    return ax


def _label(indicator, language: str) -> str:
    from kpi_lib.indicators import label

    try:
        return label(str(indicator), language)
    except (KeyError, ValueError):
        return str(indicator)


def _factor(factor, language: str) -> str:
    key = f"sens.factor.{factor}"
    return text(key, language) if key in TEXTS else _label(factor, language)


def _influence(kind: str, language: str) -> str:
    key = f"sens.influence.{kind}"
    return text(key, language) if key in TEXTS else str(kind)


def effective_weights_plot(effective: pd.DataFrame, *, language: str = "en", ax=None):
    """Nominal weight next to the share of the composite's variance, per indicator.

    Parameters
    ----------
    effective : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.effective_weights`.

    Returns
    -------
    Axes
        Grey bars: nominal weight; coloured bars: variance share, coloured by ``influence``.
    """
    d = effective.reset_index(drop=True)
    ax = _ax(ax, (7, 0.45 * len(d) + 1.5))
    y = np.arange(len(d))
    ax.barh(y - 0.2, d["weight"], height=0.4, color="#cccccc")
    colours = [_INFLUENCE_COLOURS.get(i, "#4c72b0") for i in d["influence"]]
    ax.barh(y + 0.2, d["variance_share"], height=0.4, color=colours)
    ax.set_yticks(y, [_label(i, language) for i in d["indicator"]])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    handles = [plt.Rectangle((0, 0), 1, 1, color="#cccccc")]
    labels = [text("sens.plot.nominal", language)]
    for k in dict.fromkeys(d["influence"]):
        handles.append(plt.Rectangle((0, 0), 1, 1, color=_INFLUENCE_COLOURS.get(k, "#4c72b0")))
        labels.append(text("sens.plot.share", language, influence=_influence(k, language)))
    legend_outside(ax, handles=handles, labels=labels)
    ax.set_title(text("sens.plot.effective_title", language))
    return ax


def tornado_plot(
    oat: pd.DataFrame, *, metric: str = "mean_abs_rank_shift", language: str = "en", ax=None
):
    """Tornado chart of a one-at-a-time analysis: one bar per indicator, down-move to the left,
    up-move to the right, largest effect on top.

    Parameters
    ----------
    oat : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.one_at_a_time` (the smallest step is
        drawn when it holds several).
    metric : str
        Column to draw: ``mean_abs_rank_shift``, ``agents_moved``, ``top_k_changes``,
        ``bottom_k_changes``, ``tier_changes``.
    """
    check_option(
        "metric",
        metric,
        ["mean_abs_rank_shift", "max_abs_rank_shift", "agents_moved", "top_k_changes",
         "bottom_k_changes", "tier_changes"],
    )  # fmt: skip
    d = oat[oat["step"] == oat["step"].min()]
    wide = d.pivot_table(index="indicator", columns="direction", values=metric, aggfunc="first")
    wide = wide.reindex(columns=["down", "up"]).fillna(0.0)
    wide = wide.loc[wide.max(axis=1).sort_values(ascending=True).index]
    ax = _ax(ax, (7, 0.4 * len(wide) + 1.5))
    y = np.arange(len(wide))
    ax.barh(y, -wide["down"], color="#dd8452", label=text("sens.plot.down", language))
    ax.barh(y, wide["up"], color="#4c72b0", label=text("sens.plot.up", language))
    ax.set_yticks(y, [_label(i, language) for i in wide.index])
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{abs(v):g}"))
    step = d["step"].iloc[0] if len(d) else np.nan
    if metric == "mean_abs_rank_shift":
        ax.set_xlabel(text("sens.plot.oat_x", language))
    else:
        ax.set_xlabel(metric.replace("_", " "))
    ax.set_title(text("sens.plot.oat_title", language, points=f"{step * 100:g}"))
    legend_outside(ax)
    return ax


def rank_interval_plot(
    agents: pd.DataFrame, *, max_agents: int = 60, language: str = "en", ax=None
):
    """Agents sorted by nominal rank with the simulated rank interval and median.

    Parameters
    ----------
    agents : DataFrame
        ``MonteCarloResult.agents``.
    max_agents : int
        Show at most this many agents: the top and bottom halves of that number when there are
        more (the middle is where interest is lowest).
    """
    a = agents.sort_values("rank", kind="stable").reset_index(drop=True)
    if len(a) > max_agents:
        h = max_agents // 2
        a = pd.concat([a.head(h), a.tail(max_agents - h)], ignore_index=True)
    ax = _ax(ax, (max(8, min(10, 0.2 * len(a) + 2)), 4.5))
    x = np.arange(len(a))
    flip = a["any_flip"].to_numpy(bool) if "any_flip" in a else np.zeros(len(a), bool)
    for mask, colour, key in ((~flip, "#4c72b0", "stable"), (flip, "#c44e52", "flips")):
        if mask.any():
            ax.vlines(x[mask], a["rank_low"][mask], a["rank_high"][mask], color=colour, lw=3,
                      label=text(f"sens.plot.{key}", language))  # fmt: skip
    ax.scatter(x, a["rank"], marker="_", s=80, color="black", zorder=3,
               label=text("sens.plot.nominal_rank", language))  # fmt: skip
    ax.scatter(x, a["rank_median"], s=10, color="white", edgecolor="black", zorder=4,
               label=text("sens.plot.median_rank", language))  # fmt: skip
    ax.set_xticks(x, a["agent_id"].astype(str), rotation=90, fontsize=8 if len(a) <= 40 else 7)
    ax.invert_yaxis()
    ax.set_ylabel(text("sens.plot.rank_axis", language))
    ax.set_title(text("sens.plot.interval_title", language))
    legend_outside(ax)
    return ax


def decision_probability_plot(
    agents: pd.DataFrame, *, top: int = 30, language: str = "en", ax=None
):
    """Probability of being in the bonus (top-k) and PIP (bottom-k) group, for the agents whose
    membership is least certain.

    Parameters
    ----------
    agents : DataFrame
        ``MonteCarloResult.agents``.
    top : int
        Number of agents shown (those with the probabilities closest to 50 %).
    """
    a = agents.copy()
    unc = np.maximum(
        np.minimum(a["p_top_k"], 1 - a["p_top_k"]), np.minimum(a["p_bottom_k"], 1 - a["p_bottom_k"])
    )
    a = a.assign(_u=unc).sort_values(["_u", "rank"], ascending=[False, True]).head(top)
    a = a.sort_values("rank")
    ax = _ax(ax, (7, 0.25 * len(a) + 1.5))
    y = np.arange(len(a))
    ax.barh(
        y - 0.2,
        a["p_top_k"],
        height=0.4,
        color="#55a868",
        label=text("sens.plot.p_bonus", language),
    )
    ax.barh(
        y + 0.2,
        a["p_bottom_k"],
        height=0.4,
        color="#c44e52",
        label=text("sens.plot.p_pip", language),
    )
    ax.set_yticks(y, [f"{i} (#{r})" for i, r in zip(a["agent_id"], a["rank"], strict=True)],
                  fontsize=7)  # fmt: skip
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.axvline(0.5, color="grey", lw=0.8, ls="--")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    legend_outside(ax)
    ax.set_title(text("sens.plot.decision_title", language))
    return ax


def sobol_plot(sobol: pd.DataFrame, *, output: str | None = None, language: str = "en", ax=None):
    """First-order and total Sobol indices per factor, with their confidence intervals.

    Parameters
    ----------
    sobol : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.sobol_weight_indices` (or
        :func:`~kpi_lib.analyses.sensitivity.sobol_analysis`).
    output : str, optional
        Output to draw; default the first.
    """
    output = sobol["output"].iloc[0] if output is None else output
    check_option("output", output, list(dict.fromkeys(sobol["output"])))
    d = sobol[sobol["output"] == output].sort_values("ST", ascending=False)
    ax = _ax(ax, (7, 0.4 * len(d) + 1.5))
    y = np.arange(len(d))
    for off, k, colour, label in ((-0.2, "S1", "#4c72b0", text("sens.plot.s1", language)),
                                  (0.2, "ST", "#dd8452", text("sens.plot.st", language))):  # fmt: skip
        err = np.vstack([d[k] - d[f"{k}_low"], d[f"{k}_high"] - d[k]])
        ax.barh(y + off, d[k], height=0.4, color=colour, xerr=err, capsize=2, label=label)
    ax.set_yticks(y, [_factor(f, language) for f in d["factor"]])
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel(text("sens.plot.sobol_x", language))
    legend_outside(ax)
    ax.set_title(text("sens.plot.sobol_title", language))
    return ax


def scheme_comparison_plot(
    comparison: pd.DataFrame,
    *,
    scheme: str | None = None,
    label_top: int = 8,
    language: str = "en",
    ax=None,
):
    """Rank under the baseline scheme against rank under another scheme (rank 1 top left);
    winners (green) lie above the diagonal, losers (red) below; the biggest movers are
    labelled.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.compare_schemes`.
    scheme : str, optional
        The scheme compared with the baseline; default the first non-baseline scheme.
    """
    schemes = list(dict.fromkeys(comparison["scheme"]))
    baseline = comparison["baseline"].iloc[0] if "baseline" in comparison else schemes[0]
    if scheme is None:
        scheme = next(s for s in schemes if s != baseline)
    check_option("scheme", scheme, schemes)
    d = comparison[comparison["scheme"] == scheme]
    ax = _ax(ax, (5.5, 5.5))
    colour = np.select([d["rank_change"] > 0, d["rank_change"] < 0], ["#55a868", "#c44e52"],
                       "#999999")  # fmt: skip
    ax.scatter(d["baseline_rank"], d["rank"], s=12, c=colour)
    n = max(d["rank"].max(), d["baseline_rank"].max())
    ax.plot([1, n], [1, n], color="black", lw=0.8)
    for r in (
        d.reindex(d["rank_change"].abs().sort_values(ascending=False).index)
        .head(label_top)
        .itertuples()
    ):
        ax.annotate(str(r.agent_id), (r.baseline_rank, r.rank), fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(text("sens.plot.baseline_axis", language, scheme=baseline))
    ax.set_ylabel(text("sens.plot.baseline_axis", language, scheme=scheme))
    ax.set_title(text("sens.plot.scheme_title", language, scheme=scheme))
    return ax


def reversal_plot(reversals: pd.DataFrame, *, top: int = 20, language: str = "en", ax=None):
    """The adjacent pairs that the smallest weight change would swap.

    Parameters
    ----------
    reversals : DataFrame
        Output of :func:`~kpi_lib.analyses.sensitivity.rank_reversal_thresholds`.
    top : int
        Number of pairs shown.
    """
    d = reversals[reversals["closest"]].copy()
    d["_abs"] = d["weight_change"].abs()
    d = d.sort_values("_abs").head(top)
    ax = _ax(ax, (7, 0.3 * len(d) + 1.5))
    y = np.arange(len(d))
    colours = np.where(d["weight_change"] > 0, "#4c72b0", "#dd8452")
    ax.barh(y, d["weight_change"] * 100, color=colours)
    labels = [
        f"#{r.upper_rank} {r.upper_agent} / #{r.lower_rank} {r.lower_agent} "
        f"({_label(r.indicator, language)})"
        for r in d.itertuples()
    ]
    ax.set_yticks(y, labels, fontsize=7)
    ax.invert_yaxis()
    ax.axvline(0, color="black", lw=0.8)
    ax.set_xlabel(text("sens.plot.reversal_x", language))
    ax.set_title(text("sens.plot.reversal_title", language))
    return ax
