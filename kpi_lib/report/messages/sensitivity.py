"""Sentences, headings, table headers, axis labels and legends of the weight-sensitivity page (weight_sensitivity notebook, sensitivity_text, sensitivity_plots).

key -> (English, Simplified Chinese, Traditional Chinese); ``{name}`` fields are filled by
:func:`kpi_lib.report.review_text.text`. Keys start with the module's prefix, so that no two
pages can define the same key (a test checks the whole catalogue).
"""

TEXTS: dict[str, tuple[str, str, str]] = {}
