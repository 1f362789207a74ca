"""One look for every chart of a review: readable at 1400 px and on A4.

A page is about 1000 px wide on screen and 186 mm on A4, so a chart is drawn at most
:data:`MAX_WIDTH_IN` inches wide at :data:`DPI`: tick labels of 9.5 pt then stay above 9 pt
when the page shows the image at its width. Legends go outside the data.
"""

from __future__ import annotations

import matplotlib as mpl

from kpi_lib.report.fonts import setup_fonts

__all__ = ["DPI", "MAX_WIDTH_IN", "REPORT_RC", "figure_size", "legend_outside", "setup_plots"]

#: Widest chart, in inches (the page's text column at 100 dpi).
MAX_WIDTH_IN = 10.0
#: Resolution of embedded charts.
DPI = 100

#: matplotlib settings of every review chart.
REPORT_RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "savefig.bbox": "tight",
    "figure.constrained_layout.use": True,
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.labelsize": 10.5,
    "xtick.labelsize": 9.5,
    "ytick.labelsize": 9.5,
    "legend.fontsize": 9.5,
    "legend.frameon": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def setup_plots(language: str = "en") -> str:
    """Apply :data:`REPORT_RC` and the fonts for ``language``; return the language charts
    should be labelled in (``"en"`` when no CJK font is available, see
    :func:`~kpi_lib.report.fonts.setup_fonts`)."""
    mpl.rcParams.update(REPORT_RC)
    language = setup_fonts(language)
    if language != "en":
        # the bundled CJK font has no bold face: bold titles would fall back with a warning
        mpl.rcParams["axes.titleweight"] = "normal"
    return language


def figure_size(width: float, height: float) -> tuple[float, float]:
    """``(width, height)`` scaled down to at most :data:`MAX_WIDTH_IN` wide, same aspect.

    Examples
    --------
    >>> figure_size(15, 4)
    (10.0, 2.67)
    """
    if width <= MAX_WIDTH_IN:
        return (width, height)
    return (MAX_WIDTH_IN, round(height * MAX_WIDTH_IN / width, 2))


def legend_outside(ax, **kwargs):
    """Put ``ax``'s legend to the right of the data (never over it); return the legend."""
    return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)
