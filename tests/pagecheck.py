"""Checks of what a manager sees on a published page (used by the rendering tests).

``visible_text`` extracts what a reader sees (no scripts, styles, attributes or embedded
images); ``untranslated`` finds English phrases on a Chinese page; ``raw_values`` finds what a
manager page must never show (NaN, inf, True/False, None, pandas' "rows x columns").
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP = {"script", "style", "head", "title"}


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.depth += 1
        elif tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIP and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The text a reader sees on ``page`` (one line per block element)."""
    parser = _Text()
    parser.feed(page)
    return "".join(parser.parts)


#: Three or more English words in a row (ids like A0007, names of two words, units and
#: numbers do not count).
_ENGLISH = re.compile(r"\b[A-Za-z][a-z]+(?:[ \-/][A-Za-z][a-z]+){2,}\b")


def untranslated(page: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """English phrases (3+ words) in the visible text of a Chinese page.

    ``allowed``: phrases that are data, not wording (agent names, a dataset's name).
    """
    found = []
    for line in visible_text(page).splitlines():
        for match in _ENGLISH.finditer(line):
            phrase = match.group(0)
            if any(phrase in a or a in phrase for a in allowed):
                continue
            found.append(line.strip()[:160])
            break
    return found


_RAW = re.compile(
    r"(?<![\w.])(NaN|nan|inf|-inf|True|False|None|NaT|<NA>)(?![\w.])|\d+ rows × \d+ columns"
)


def raw_values(page: str) -> list[str]:
    """Lines of visible text showing raw pandas values a manager page must not show."""
    return [line.strip()[:160] for line in visible_text(page).splitlines() if _RAW.search(line)]
