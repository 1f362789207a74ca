"""Charts of the before/after analyses (``ax=None`` in, Axes out).

Each function takes the tidy table of the matching :mod:`kpi_lib.analyses.before_after`
function. The ``*_grid`` variants draw one small panel per indicator and return the array of
Axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from kpi_lib.indicators.periods import period_order
from kpi_lib.report.review_text import text
from kpi_lib.report.style import figure_size, legend_outside, setup_plots

__all__ = [
    "change_plot",
    "levels_plot",
    "levels_grid",
    "did_trends_plot",
    "did_trends_grid",
    "its_plot",
    "its_grid",
    "rescoring_plot",
    "setup_plots",
]

VERDICT_COLOURS = {
    "improved": "#55a868",
    "worsened": "#c44e52",
    "increased": "#4c72b0",
    "decreased": "#8172b3",
    "no clear change": "#999999",
}
GROUP_STYLE = {
    "treated": {"color": "#4c72b0", "ls": "-", "marker": "o"},
    "comparison": {"color": "#dd8452", "ls": "-", "marker": "s"},
    "counterfactual": {"color": "#4c72b0", "ls": "--", "marker": None},
}


def _t(key: str, language: str, **values) -> str:
    return text("before_after." + key, language, **values)


def _label(indicator: str, language: str, fallback=None) -> str:
    from kpi_lib.report.before_after_text import indicator_label

    return indicator_label(indicator, language, fallback)


def _ax(ax, size=(7, 4)):
    if ax is None:
        _, ax = plt.subplots(figsize=figure_size(*size))
    return ax


def _per_indicator(plot, table: pd.DataFrame, *, ncols: int, size=(4.2, 3.0), **kwargs):
    """Draw ``plot`` once per indicator of ``table`` on a grid; returns the array of Axes."""
    inds = list(pd.unique(table["indicator"]))
    n = len(inds)
    ncols = max(1, min(ncols, n))
    nrows = int(np.ceil(n / ncols))
    fig, axes = plt.subplots(
        nrows,
        ncols,
        figsize=figure_size(size[0] * ncols, size[1] * nrows),
        squeeze=False,
        layout="constrained",
    )
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    for ind, ax in zip(inds, axes.flat, strict=False):
        plot(table, indicator=ind, ax=ax, legend=False, **kwargs)
    # one legend for the whole grid, outside the panels
    handles, labels = axes.flat[0].get_legend_handles_labels()
    if handles:
        fig.legend(handles, labels, loc="outside lower center", ncols=min(len(labels), 4))
    return axes


def _switch_line(ax, switch, language="en"):
    if switch is not None:
        ax.axvline(
            pd.Timestamp(switch), color="black", lw=1, ls=":", label=_t("plot.switch", language)
        )


def _one(table: pd.DataFrame, indicator: str, what: str) -> pd.DataFrame:
    d = table[table["indicator"] == indicator]
    if d.empty:
        raise KeyError(
            f"The {what} table has no rows for indicator {indicator!r}; it has "
            f"{sorted(table['indicator'].unique())}."
        )
    return d


def _finish_legend(ax, legend: bool, **kwargs):
    if legend and ax.get_legend_handles_labels()[0]:
        legend_outside(ax, **kwargs)


def change_plot(
    comparison: pd.DataFrame, *, value: str = "rel_change", ax=None, language: str = "en"
):
    """Forest plot: change of each indicator with its interval, coloured by verdict.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.period_comparison`.
    value : {"rel_change", "change"}
        Relative change (comparable across indicators, drawn in %) or absolute change.
    language : str
        Language of the labels (what :func:`~kpi_lib.report.style.setup_plots` returns).

    Returns
    -------
    Axes
        One row per group and indicator; dot = change, bar = interval, vertical line at 0.
    """
    if value not in ("rel_change", "change"):
        raise ValueError(
            f"The value for `value` must be one of ['rel_change', 'change'], but {value!r} was passed."
        )
    d = comparison.reset_index(drop=True)
    ax = _ax(ax, (8, 0.42 * len(d) + 1.5))
    scale = 100.0 if value == "rel_change" else 1.0
    y = np.arange(len(d))[::-1]
    multi = d["group"].nunique() > 1
    names = [
        _label(ind, language, lab) if ind is not None else lab
        for ind, lab in zip(
            d["indicator"] if "indicator" in d else [None] * len(d), d["label"], strict=True
        )
    ]
    labels = [f"{g}: {n}" if multi else n for g, n in zip(d["group"], names, strict=True)]
    for yi, (_, r) in zip(y, d.iterrows(), strict=True):
        c = VERDICT_COLOURS.get(r["verdict"], "#4c72b0")
        ax.plot(
            [r[f"{value}_ci_low"] * scale, r[f"{value}_ci_high"] * scale], [yi, yi], color=c, lw=2
        )
        ax.plot(r[value] * scale, yi, "o", color=c)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(y, labels)
    ax.set_xlabel(_t("plot.change_rel" if value == "rel_change" else "plot.change_abs", language))
    handles = [
        plt.Line2D([], [], color=c, marker="o", lw=2, label=_t(f"verdict.{v}", language))
        for v, c in VERDICT_COLOURS.items()
        if v in set(d["verdict"])
    ]
    if handles:
        legend_outside(ax, handles=handles)
    ax.set_title(_t("plot.change_title", language))
    return ax


def levels_plot(
    comparison: pd.DataFrame, *, indicator: str, ax=None, legend: bool = True, language: str = "en"
):
    """Before and after level of one indicator per group, with bootstrap intervals.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.period_comparison`.
    indicator : str
        Indicator id.
    legend : bool
        Draw the legend (outside the data).
    language : str
        Language of the labels.

    Returns
    -------
    Axes
        For each group a grey (before) and a blue (after) point with its interval.
    """
    d = _one(comparison, indicator, "comparison").reset_index(drop=True)
    ax = _ax(ax, (max(4, 1.2 * len(d) + 2), 3.2))
    x = np.arange(len(d))
    for off, side, colour in ((-0.15, "before", "#999999"), (0.15, "after", "#4c72b0")):
        v = d[f"value_{side}"].to_numpy(float)
        lo = v - d[f"value_{side}_ci_low"].to_numpy(float)
        hi = d[f"value_{side}_ci_high"].to_numpy(float) - v
        ax.errorbar(
            x + off,
            v,
            yerr=[lo, hi],
            fmt="o",
            color=colour,
            capsize=3,
            label=_t(f"plot.{side}", language),
        )
    ax.set_xticks(x, d["group"].astype(str))
    ax.set_title(_label(indicator, language, d["label"].iloc[0]))
    _finish_legend(ax, legend)
    return ax


def levels_grid(comparison: pd.DataFrame, *, ncols: int = 3, language: str = "en"):
    """:func:`levels_plot` for every indicator of ``comparison``; returns the array of Axes."""
    return _per_indicator(levels_plot, comparison, ncols=ncols, language=language)


def did_trends_plot(
    trends: pd.DataFrame,
    *,
    indicator: str,
    switch=None,
    ax=None,
    legend: bool = True,
    language: str = "en",
):
    """Treated and comparison series side by side, with the DiD counterfactual.

    Parameters
    ----------
    trends : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.did_trends`.
    indicator : str
        Indicator id.
    switch : date-like, optional
        Draws a dotted vertical line at the switch.
    legend : bool
        Draw the legend (outside the data).
    language : str
        Language of the labels.

    Returns
    -------
    Axes
        Solid lines: treated (blue) and comparison (orange); dashed: where the treated teams
        would be had they moved like the comparison team. Before the switch the two solid
        lines should run parallel.
    """
    d = _one(trends, indicator, "trends")
    ax = _ax(ax)
    for group in ("treated", "comparison", "counterfactual"):
        g = d[d["group"] == group]
        if g.empty:
            continue
        st = GROUP_STYLE.get(group, {})
        ax.plot(
            g["period_start"],
            g["value"],
            label=_t(f"plot.{group}", language),
            color=st.get("color"),
            ls=st.get("ls", "-"),
            marker=st.get("marker"),
            ms=3,
        )
    _switch_line(ax, switch, language)
    ax.set_title(_label(indicator, language, d["label"].iloc[0]))
    _date_axis(ax)
    _finish_legend(ax, legend)
    return ax


def _date_axis(ax):
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", labelrotation=30)


def did_trends_grid(trends: pd.DataFrame, *, switch=None, ncols: int = 3, language: str = "en"):
    """:func:`did_trends_plot` for every indicator of ``trends``; returns the array of Axes."""
    return _per_indicator(did_trends_plot, trends, ncols=ncols, switch=switch, language=language)


def its_plot(
    series: pd.DataFrame,
    *,
    indicator: str,
    switch=None,
    ax=None,
    legend: bool = True,
    language: str = "en",
):
    """Interrupted time series: observed points, segmented fit and the counterfactual line.

    Parameters
    ----------
    series : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.its_series`.
    indicator : str
        Indicator id.
    switch : date-like, optional
        Draws a dotted vertical line at the switch.
    legend : bool
        Draw the legend (outside the data).
    language : str
        Language of the labels.

    Returns
    -------
    Axes
        Dots: observed; solid line: fitted segments; dashed line and band: the pre-switch
        trend continued (what would have happened without the change) with its interval.
    """
    d = _one(series, indicator, "ITS series").sort_values("period_start")
    ax = _ax(ax)
    ax.plot(
        d["period_start"],
        d["observed"],
        "o",
        color="#999999",
        ms=3,
        label=_t("plot.observed", language),
    )
    for _post, g in d.groupby("post"):
        ax.plot(g["period_start"], g["fitted"], color="#4c72b0", lw=2)
    post = d[d["post"] == 1]
    ax.plot(
        post["period_start"],
        post["counterfactual"],
        color="#c44e52",
        ls="--",
        label=_t("plot.trend_continued", language),
    )
    ax.fill_between(
        post["period_start"],
        post["counterfactual_ci_low"],
        post["counterfactual_ci_high"],
        color="#c44e52",
        alpha=0.15,
        lw=0,
    )
    ax.plot([], [], color="#4c72b0", lw=2, label=_t("plot.fitted", language))
    _switch_line(ax, switch, language)
    ax.set_title(_label(indicator, language, d["label"].iloc[0]))
    _date_axis(ax)
    _finish_legend(ax, legend)
    return ax


def its_grid(series: pd.DataFrame, *, switch=None, ncols: int = 2, language: str = "en"):
    """:func:`its_plot` for every indicator of ``series``; returns the array of Axes."""
    return _per_indicator(
        its_plot, series, ncols=ncols, size=(5.0, 3.2), switch=switch, language=language
    )


def rescoring_plot(
    rescored: pd.DataFrame, *, period: str | None = None, ax=None, language: str = "en"
):
    """Rank under the old scheme against rank under the new, coloured by what changes.

    Parameters
    ----------
    rescored : DataFrame
        Output of :func:`~kpi_lib.analyses.before_after.rescore_under_schemes`.
    period : str, optional
        Period to draw (default: the latest in ``rescored``).
    language : str
        Language of the labels.

    Returns
    -------
    Axes
        One dot per agent; on the diagonal the rank does not change. Coloured dots are agents
        whose reward or PIP status differs between the schemes.
    """
    from kpi_lib.report.before_after_text import decisions_text

    periods = period_order(rescored["period"].astype(str))
    period = periods[-1] if period is None else str(period)
    if period not in periods:
        raise KeyError(f"`rescored` has no period {period!r}; it has {periods}.")
    d = rescored[rescored["period"].astype(str) == period]
    ax = _ax(ax, (7.5, 5))
    colours = {"": "#bbbbbb"}
    palette = ["#55a868", "#c44e52", "#8172b3", "#dd8452", "#4c72b0", "#937860"]
    for i, ch in enumerate(sorted(c for c in d["decision_change"].unique() if c)):
        colours[ch] = palette[i % len(palette)]
    for ch, g in d.groupby("decision_change", sort=True):
        ax.scatter(
            g["rank_old"],
            g["rank_new"],
            s=22,
            color=colours[ch],
            label=decisions_text(ch, language),
        )
    top = float(np.nanmax(d[["rank_old", "rank_new"]].to_numpy(float))) + 1
    ax.plot([1, top], [1, top], color="black", lw=0.6)
    ax.set_xlabel(_t("plot.rank_old", language, scheme=d["old_scheme"].iloc[0]))
    ax.set_ylabel(_t("plot.rank_new", language, scheme=d["new_scheme"].iloc[0]))
    ax.invert_xaxis()
    ax.invert_yaxis()
    ax.set_title(_t("plot.rescore_title", language, period=period))
    legend_outside(ax)
    return ax
