"""The languages the catalogue names indicators and dimensions in."""

from __future__ import annotations

from kpi_lib._util import check_option

__all__ = ["LANGUAGES", "language_code"]

#: English, Simplified Chinese, Traditional Chinese.
LANGUAGES = ("en", "zh-Hans", "zh-Hant")

_ALIASES = {"zh": "zh-Hans", "zh-cn": "zh-Hans", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant"}


def language_code(language: str) -> str:
    """``language`` as one of :data:`LANGUAGES` (``zh``, ``zh-CN``, ``zh-TW``, ``zh-HK`` are
    accepted as aliases); a ValueError names the allowed values."""
    language = _ALIASES.get(str(language).lower(), language)
    check_option("language", language, LANGUAGES)
    return language
