"""The message catalogue, one module per page (so that pages are worded independently).

:data:`PAGE_TEXTS` merges them; :mod:`kpi_lib.report.review_text` adds them to its own
sentences and :func:`~kpi_lib.report.review_text.text` looks every key up in the one merged
catalogue. A key defined twice is an error at import.
"""

from __future__ import annotations

from kpi_lib.report.messages import (
    before_after,
    conflict,
    no_calls,
    quality,
    review_page,
    scorecard,
    sensitivity,
)

__all__ = ["PAGE_TEXTS", "merge_catalogues"]


def merge_catalogues(*catalogues: dict) -> dict:
    """One dict of all ``catalogues``; a key in two of them raises ValueError.

    Examples
    --------
    >>> merge_catalogues({"a": ("x", "y", "z")}, {"b": ("u", "v", "w")})["b"]
    ('u', 'v', 'w')
    """
    merged: dict = {}
    for catalogue in catalogues:
        twice = sorted(set(merged) & set(catalogue))
        if twice:
            raise ValueError(f"Message keys defined twice: {twice}")
        merged.update(catalogue)
    return merged


PAGE_TEXTS = merge_catalogues(
    scorecard.TEXTS,
    conflict.TEXTS,
    quality.TEXTS,
    sensitivity.TEXTS,
    before_after.TEXTS,
    review_page.TEXTS,
    no_calls.TEXTS,
)
