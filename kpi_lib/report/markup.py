"""Data as it may appear in the Markdown and HTML a page renders (one escaping rule)."""

from __future__ import annotations

import html
import re

__all__ = ["markdown_safe"]


def markdown_safe(value) -> str:
    """Text from the data as it may appear in Markdown: HTML escaped and Markdown's own
    markup characters escaped, so an agent id or scheme name can never inject markup."""
    text = html.escape(str(value))
    return re.sub(r"([\\`*_\[\]{}()#+!|~<>])", r"\\\1", text)
