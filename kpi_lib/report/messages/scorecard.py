"""Sentences, headings, table headers, axis labels and legends of the scorecard page (scorecard notebook, scorecard_text, scorecard_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {}
