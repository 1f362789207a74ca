"""Data as it may appear in the Markdown and HTML a page renders (one escaping rule), and the
two HTML blocks every page uses: a manager table and a collapsed section."""

from __future__ import annotations

import html
import re

import pandas as pd

__all__ = ["ALIGN_ATTR", "column_alignment", "details_html", "markdown_safe", "table_html"]

#: ``DataFrame.attrs`` key holding each column's alignment (``"left"`` or ``"right"``), set by
#: :func:`kpi_lib.report.formatting.manager_table` from the column kinds.
ALIGN_ATTR = "kpi_align"

# a formatted number as a page shows it: optional sign or bound (< 0.001), optional currency sign (CN¥, HK$, NT$,
# ¥, $...), digits with separators, optional unit (%, s, 秒, 分钟 ...), optionally followed by
# a bracketed figure ("¥29,780 (63%)": a value and its attainment)
_NUMBER = re.compile(
    r"^[+\-−±<>≤≥]?\s?(?:[A-Z]{0,3}[¥$€£₩₹]\s?)?\d[\d,.\s]*\s?(?:%|‰|pp|pts?|s|min|秒|分钟|分鐘|[xX×])?"
    r"(?:\s?\([^()]*\d[^()]*\))?$"
)


def markdown_safe(value) -> str:
    """Text from the data as it may appear in Markdown: HTML escaped and Markdown's own
    markup characters escaped, so an agent id or scheme name can never inject markup."""
    text = html.escape(str(value))
    return re.sub(r"([\\`*_\[\]{}()#+!|~<>])", r"\\\1", text)


def details_html(summary: str, body: str, *, open: bool = False) -> str:
    """A collapsed section (analyst detail, one-to-one pages).

    Parameters
    ----------
    summary
        Plain text shown on the closed section; escaped here.
    body
        HTML inside (already escaped by its maker).
    open
        Start unfolded.

    Examples
    --------
    >>> details_html("<Analyst> detail", "<p>x</p>")
    '<details><summary>&lt;Analyst&gt; detail</summary>\\n<p>x</p>\\n</details>'
    """
    opened = " open" if open else ""
    return f"<details{opened}><summary>{html.escape(str(summary))}</summary>\n{body}\n</details>"


def _looks_numeric(column: pd.Series) -> bool:
    """Every cell holding a digit is a formatted number, and there is at least one; cells
    without digits ("no data", "—") do not decide."""
    cells = [str(v).strip() for v in column if any(ch.isdigit() for ch in str(v))]
    return bool(cells) and all(_NUMBER.match(c) for c in cells)


def column_alignment(table: pd.DataFrame) -> list[str]:
    """``"left"`` or ``"right"`` per column: the kinds :func:`manager_table` recorded, else
    right for columns whose cells are all formatted numbers (a missing value's words aside).

    Examples
    --------
    >>> column_alignment(pd.DataFrame({"a": ["Li Wei", "A001"], "b": ["CN¥1,200", "no data"]}))
    ['left', 'right']
    """
    recorded = table.attrs.get(ALIGN_ATTR)
    if isinstance(recorded, dict) and all(str(c) in recorded for c in table.columns):
        return [recorded[str(c)] for c in table.columns]
    return ["right" if _looks_numeric(table[c]) else "left" for c in table.columns]


def table_html(
    table: pd.DataFrame,
    *,
    classes: str = "kpi-table",
    cell_styles: pd.DataFrame | None = None,
    style: str = "",
) -> str:
    """A formatted table (every cell a string) as escaped HTML without an index: numbers
    right-aligned, text (names, reasons, labels) left-aligned, headers aligned with their
    column. Alignment is inline so no notebook stylesheet overrides it.

    Parameters
    ----------
    table
        Usually from :func:`kpi_lib.report.formatting.manager_table` (which records the
        alignment of each column); otherwise the alignment is read from the cells.
    classes
        CSS classes of the ``<table>`` (besides ``dataframe``).
    cell_styles
        Optional inline CSS per cell (same rows, columns by name), e.g. a traffic-light
        colour; empty or missing entries add nothing.
    style
        Inline CSS of the ``<table>`` element.

    Examples
    --------
    >>> t = pd.DataFrame({"Agent": ["Li <b>"], "Bonus": ["CN¥1,235"]})
    >>> print(table_html(t))  # doctest: +NORMALIZE_WHITESPACE
    <table class="dataframe kpi-table"><thead><tr><th style="text-align:left">Agent</th><th
    style="text-align:right">Bonus</th></tr></thead><tbody><tr><td
    style="text-align:left">Li &lt;b&gt;</td><td style="text-align:right">CN¥1,235</td></tr></tbody></table>
    """
    align = column_alignment(table)
    head = "".join(
        f'<th style="text-align:{a}">{html.escape(str(c))}</th>'
        for c, a in zip(table.columns, align, strict=True)
    )
    rows = []
    for i, values in enumerate(table.itertuples(index=False, name=None)):
        cells = []
        for column, value, a in zip(table.columns, values, align, strict=True):
            extra = ""
            if cell_styles is not None and column in cell_styles.columns:
                css = cell_styles.iloc[i][column]
                extra = f";{html.escape(css)}" if isinstance(css, str) and css else ""
            shown = html.escape("" if value is None else str(value))
            cells.append(f'<td style="text-align:{a}{extra}">{shown}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    attributes = f' style="{html.escape(style)}"' if style else ""
    return (
        f'<table class="dataframe {classes}"{attributes}>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
