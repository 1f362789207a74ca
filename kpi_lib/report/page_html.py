"""An executed review notebook as one self-contained HTML page.

Managers read reports on call-centre networks that often have no internet, so a page loads
nothing from the network: no CDN scripts (nbconvert's default template fetches require.js,
MathJax and mermaid), no web fonts (Chinese glyphs are embedded as a subset), images inline.
Each page carries its title, the review's language, a bar linking to the index and to the
other pages of the review, and a print stylesheet (A4, no scroll bars, no clipped tables).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from kpi_lib.report.fonts import cjk_font_face_css
from kpi_lib.report.page import RECORD_MIME
from kpi_lib.report.review_text import TEXTS, text

__all__ = [
    "PAGE_CSS",
    "external_references",
    "nav_html",
    "page_label",
    "render_html",
    "with_contents",
]

_TEMPLATES = Path(__file__).parent / "templates"

#: Screen and print rules added to every page.
PAGE_CSS = """
nav.kpi-nav{position:sticky;top:0;z-index:10;background:#f6f8fa;border-bottom:1px solid #d0d7de;
  padding:6px 16px;font:14px system-ui,sans-serif}
nav.kpi-nav a{margin-right:14px;color:#0969da;text-decoration:none}
nav.kpi-nav a[aria-current]{color:#1f2328;font-weight:600}
nav.kpi-toc{margin:12px 16px;padding:8px 14px;border:1px solid #d0d7de;border-radius:6px;
  font:14px system-ui,sans-serif;display:inline-block}
nav.kpi-toc ol{margin:4px 0 0 0;padding-left:22px;columns:2;column-gap:32px}
nav.kpi-toc a{color:#0969da;text-decoration:none}
.jp-RenderedHTMLCommon table{font-variant-numeric:tabular-nums}
.jp-OutputArea-output{overflow-x:auto}
@page{size:A4;margin:14mm 12mm}
@media print{
  nav.kpi-nav,nav.kpi-toc{display:none}
  body{font-size:10pt}
  .jp-OutputArea-output,.jp-RenderedHTMLCommon{overflow:visible!important;max-height:none!important}
  .jp-RenderedHTMLCommon table{font-size:8.5pt;width:auto;max-width:100%;page-break-inside:auto}
  .jp-RenderedHTMLCommon tr{page-break-inside:avoid}
  .jp-RenderedHTMLCommon h2{page-break-before:auto;page-break-after:avoid}
  .jp-Cell{page-break-inside:auto}
  img{max-width:100%!important;height:auto!important;page-break-inside:avoid}
  details{display:block}
  pre{white-space:pre-wrap}
  ::-webkit-scrollbar{display:none}
}
"""


def page_label(name: str, language: str = "en") -> str:
    """A page's name in ``language`` (a notebook outside the catalogue: its file name).

    Examples
    --------
    >>> page_label("scorecard", "zh-Hans"), page_label("my_extra_page")
    ('计分卡', 'My extra page')
    """
    key = f"page.{name}"
    return text(key, language) if key in TEXTS else name.replace("_", " ").capitalize()


def nav_html(pages: list[tuple[str, str]], *, current: str = "", language: str = "en") -> str:
    """The navigation bar: a link to the review's index, then one per page.

    Parameters
    ----------
    pages
        ``(name, href)`` of every page of the review, in order; the label is the page's
        name in ``language``.
    current
        The name of the page the bar is on (marked, not a link target of its own).

    Examples
    --------
    >>> "index.html" in nav_html([("scorecard", "scorecard.html")], current="scorecard")
    True
    """
    links = [f'<a href="index.html">{html.escape(text("nav.index", language))}</a>']
    for name, href in pages:
        marker = ' aria-current="page"' if name == current else ""
        label = page_label(name, language)
        links.append(f'<a href="{html.escape(href)}"{marker}>{html.escape(label)}</a>')
    label = html.escape(text("nav.label", language))
    return f'<nav class="kpi-nav" aria-label="{label}">{"".join(links)}</nav>'


def render_html(
    notebook_path: str | Path,
    html_path: str | Path,
    *,
    title: str | None = None,
    language: str = "en",
    nav: str = "",
) -> None:
    """Render an executed notebook to a self-contained HTML page without code cells.

    Parameters
    ----------
    title
        The page's ``<title>`` (default: the notebook's recorded title, else its file name).
    language
        BCP-47 code written into ``<html lang>`` (``en``, ``zh-Hans``, ``zh-Hant``).
    nav
        HTML of the navigation bar (see :func:`nav_html`), placed at the top of the page.
    """
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook_path), as_version=4)
    recorded_title = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            value = output.get("data", {}).get(RECORD_MIME)
            if isinstance(value, dict) and value.get("name") == "title":
                recorded_title = value.get("value")
        # recorded values are for checking, not for reading
        cell.outputs = [o for o in cell.outputs if RECORD_MIME not in o.get("data", {})]
    exporter = HTMLExporter(template_name="kpi_offline", extra_template_basedirs=[str(_TEMPLATES)])
    # analyst-only notes and papermill's injected-parameters cell stay out of the report
    remover = TagRemovePreprocessor(
        remove_cell_tags={"notebook-only", "injected-parameters"}, enabled=True
    )
    exporter.register_preprocessor(remover, enabled=True)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    exporter.language_code = language
    name = title or recorded_title or Path(notebook_path).stem.replace("_", " ").capitalize()
    resources = {
        "metadata": {"name": name},
        "kpi_css": PAGE_CSS,
        "kpi_nav": nav,
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = with_contents(body, language=language)
    css = cjk_font_face_css(body)
    if css:
        # Chinese reports carry the glyphs they use, so they read without system CJK fonts
        body = body.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    Path(html_path).write_text(body, encoding="utf-8")


_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<inner>.*?)</h2>", re.S)


def with_contents(page: str, *, language: str = "en", minimum: int = 3) -> str:
    """``page`` with an id on every section heading (``<h2>``) and a table of contents of
    them under the page's title (``<h1>``), else after the navigation bar (when there are at
    least ``minimum`` sections). Headings a page numbers itself are listed without their
    number (the list numbers them).

    Examples
    --------
    >>> page = '<nav class="kpi-nav"></nav>' + "".join(f"<h2>S{i}</h2>" for i in range(3))
    >>> out = with_contents(page)
    >>> '<a href="#section-2">S2</a>' in out and '<h2 id="section-2">S2</h2>' in out
    True
    >>> out = with_contents("<main><h1>T</h1>" + "".join(f"<h2>{i}. S</h2>" for i in (1, 2, 3)))
    >>> out.index("kpi-toc") > out.index("</h1>"), '<a href="#section-0">S</a>' in out
    (True, True)
    """
    titles: list[tuple[str, str]] = []

    def number(match: re.Match) -> str:
        attrs = match.group("attrs")
        found = re.search(r'\bid="([^"]+)"', attrs)
        anchor = found.group(1) if found else f"section-{len(titles)}"
        if not found:
            attrs = f' id="{anchor}"{attrs}'
        inner = match.group("inner")
        title = html.unescape(re.sub(r"<[^>]+>", "", inner)).replace("¶", "").strip()
        # a page that numbers its own headings ("1. Coverage") is numbered by the list
        titles.append((anchor, _OWN_NUMBER.sub("", title)))
        return f"<h2{attrs}>{inner}</h2>"

    numbered = _H2.sub(number, page)
    if len(titles) < minimum:
        return page
    items = "".join(f'<li><a href="#{html.escape(a)}">{html.escape(t)}</a></li>' for a, t in titles)
    label = html.escape(text("nav.contents", language))
    toc = f'<nav class="kpi-toc" aria-label="{label}"><b>{label}</b><ol>{items}</ol></nav>'
    # under the page's title when it has one, else after the navigation bar
    nav = numbered.find('class="kpi-nav"')
    start = max(nav, 0)
    marker = "</h1>" if numbered.find("</h1>", start) >= 0 else "</nav>"
    at = numbered.find(marker, start)
    if marker == "</nav>" and (nav < 0 or at < 0):
        return numbered.replace("<main>", "<main>" + toc, 1)
    at += len(marker)
    return numbered[:at] + toc + numbered[at:]


_OWN_NUMBER = re.compile(r"^\s*\d+\s*[.、)]\s*")

_EXTERNAL = re.compile(
    r"""(?:\bsrc|\bhref|\burl)\s*[=(]\s*["']?\s*((?:https?:)?//[^"')\s>]+)""", re.IGNORECASE
)


def external_references(page: str) -> list[str]:
    """Every network address a page would load or link to (``src``, ``href``, CSS ``url()``).

    Examples
    --------
    >>> external_references('<script src="https://cdn.example/x.js"></script><a href="a.html">')
    ['https://cdn.example/x.js']
    """
    return _EXTERNAL.findall(page)
