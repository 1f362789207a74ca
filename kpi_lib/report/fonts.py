"""CJK-capable fonts for plots on a fresh machine with no system fonts.

The ``mplfonts`` package ships Noto Sans CJK (its Simplified-Chinese build also covers the
Traditional characters our labels use). :func:`setup_fonts` registers it with matplotlib.
If no CJK font can be found, plots fall back to English labels with a warning rather than
rendering empty boxes.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager

from kpi_lib.indicators.catalogue import LANGUAGES

__all__ = ["setup_fonts", "cjk_font_name", "font_covers", "LANGUAGES"]

_PREFERRED = ("NotoSansCJKsc-Regular.otf", "SimHei.ttf", "SourceHanSerifSC-Regular.otf")
#: characters our Chinese labels use, in both scripts; a font must have all of them
SAMPLE_TEXT = "有效通话數銷售額滿意度投訴率合規转化率團隊"


@lru_cache(maxsize=1)
def cjk_font_name() -> str | None:
    """Register the bundled CJK font with matplotlib and return its family name (or None)."""
    try:
        import mplfonts
    except ImportError:
        return None
    folder = Path(mplfonts.__file__).parent / "fonts"
    for file in _PREFERRED:
        path = folder / file
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            return font_manager.FontProperties(fname=str(path)).get_name()
    return None


def font_covers(family: str, text: str = SAMPLE_TEXT) -> bool:
    """Whether the font ``family`` has a glyph for every character of ``text``."""
    from matplotlib.ft2font import FT2Font

    path = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    font = FT2Font(path)
    charmap = font.get_charmap()
    return all(ord(ch) in charmap for ch in text if not ch.isspace())


def setup_fonts(language: str = "en") -> str:
    """Configure matplotlib for ``language`` and return the language plots should use.

    For Chinese the bundled CJK font is put first in ``font.sans-serif``. When no such
    font is available (or it lacks glyphs), a warning is issued and ``"en"`` is returned,
    so callers label plots in English instead of drawing boxes.
    """
    from kpi_lib._util import check_option

    check_option("language", language, LANGUAGES)
    mpl.rcParams["axes.unicode_minus"] = False
    if language == "en":
        return "en"
    family = cjk_font_name()
    if family is None or not font_covers(family):
        warnings.warn(
            "No CJK font is available for plots (install the `mplfonts` package); "
            "chart labels fall back to English.",
            stacklevel=2,
        )
        return "en"
    current = list(mpl.rcParams["font.sans-serif"])
    mpl.rcParams["font.sans-serif"] = [family] + [f for f in current if f != family]
    mpl.rcParams["font.family"] = "sans-serif"
    return language


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x3000 <= o <= 0x303F  # CJK punctuation
        or 0x3400 <= o <= 0x4DBF
        or 0x4E00 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
    )


def cjk_font_face_css(text: str, *, family: str = "KPI CJK") -> str:
    """An ``@font-face`` rule embedding just the CJK glyphs ``text`` uses (base64 OpenType).

    A rendered report must read on a machine without Chinese system fonts; embedding the
    whole Noto Sans CJK font would add ~16 MB, a subset of the characters actually used adds
    tens of kilobytes. Returns an empty string when ``text`` has no CJK characters or no
    font is available.
    """
    import base64
    import io

    chars = sorted({ch for ch in text if _is_cjk(ch)})
    if not chars or cjk_font_name() is None:
        return ""
    import mplfonts
    from fontTools import subset

    path = Path(mplfonts.__file__).parent / "fonts" / _PREFERRED[0]
    if not path.is_file():
        return ""
    options = subset.Options()
    options.flavor = None
    options.layout_features = ["*"]
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(chars))
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    data = base64.b64encode(buf.getvalue()).decode()
    # the subset holds only CJK glyphs, so putting it first leaves Latin text to the others
    stack = (
        f"'{family}', system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, "
        "sans-serif"
    )
    return (
        f"@font-face {{ font-family: '{family}'; "
        f"src: url(data:font/otf;base64,{data}) format('opentype'); }}\n"
        f":root {{ --jp-content-font-family: {stack}; --jp-ui-font-family: {stack}; }}\n"
        f"body, body *:not(code):not(pre):not(kbd) {{ font-family: {stack}; }}"
    )
