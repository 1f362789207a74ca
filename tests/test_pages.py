"""Published pages: offline, titled, linked to each other, with decision exports beside them."""

from __future__ import annotations

import csv
import html
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import REVIEW_PARAMS

from kpi_lib.report.page_html import external_references, nav_html, page_label
from kpi_lib.run.runner import run_review

PAGE = """from kpi_lib.report import record_review
from kpi_lib.review import open_review

rv = open_review(review, settings)
record_review(rv, "{name}")
print("page for", rv.period)
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory, small_data, write_notebook):
    """One review in each language, two pages each (named like the real pages)."""
    tmp = tmp_path_factory.mktemp("pages")
    nbs = tmp / "notebooks"
    nbs.mkdir()
    for name in ("period_review", "scorecard"):
        write_notebook(nbs / f"{name}.ipynb", PAGE.format(name=name), REVIEW_PARAMS)
    folders = {}
    for language in ("en", "zh-Hans"):
        result = run_review(
            dataset=str(small_data),
            output_root=tmp / language,
            notebooks=["period_review", "scorecard"],
            notebook_dir=nbs,
            overrides={"draws": 20, "n_boot": 10, "language": language},
            progress=False,
        )
        folders[language] = Path(result.folder)
    return folders


def _links(page: str) -> list[str]:
    return re.findall(r'href="([^"#]+)"', page)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_pages_load_nothing_from_the_network_and_every_link_resolves(published, language):
    folder = published[language]
    pages = sorted(folder.glob("*.html"))
    assert {p.name for p in pages} == {"index.html", "period_review.html", "scorecard.html"}
    for page in pages:
        body = page.read_text("utf-8")
        assert external_references(body) == [], page.name
        assert "cdnjs" not in body and "require.min.js" not in body
        assert f'<html lang="{language}"' in body
        for link in _links(body):
            assert (folder / link).is_file(), f"{page.name} links to missing {link}"


def test_each_page_has_its_own_title_and_links_to_the_others(published):
    folder = published["zh-Hans"]
    scorecard = (folder / "scorecard.html").read_text("utf-8")
    assert "<title>计分卡 — 月度回顾 2026-10</title>" in scorecard
    assert "<title>Notebook</title>" not in scorecard
    links = _links(scorecard)
    assert "index.html" in links and "period_review.html" in links
    # the page itself is marked as the current one
    current = re.findall(r"<a [^>]*aria-current=[^>]*>", scorecard)
    assert len(current) == 1 and 'href="scorecard.html"' in current[0]
    index = (folder / "index.html").read_text("utf-8")
    assert "<title>月度绩效回顾 — 2026-10</title>" in index
    assert "计分卡" in index and "要点" in index
    # Chinese glyphs are embedded, so the page reads without system fonts
    assert "@font-face" in index and "@font-face" in scorecard


def test_the_index_opens_with_the_headline(published):
    index = (published["en"] / "index.html").read_text("utf-8")
    assert index.index("Headline") < index.index("Pages")
    assert "Needs attention" in index
    assert "Red, yellow and green per indicator" in index


def test_decision_exports_are_published_linked_and_readable(published):
    folder = published["en"]
    exports = folder / "exports"
    names = {p.name for p in exports.iterdir()}
    expected = {"scorecard", "bonus", "commission", "certification", "pip", "coaching"}
    assert names == {f"{n}.csv" for n in expected} | {"decisions.xlsx"}
    index = (folder / "index.html").read_text("utf-8")
    for name in names:
        assert f'href="exports/{name}"' in index
    scorecard = pd.read_csv(exports / "scorecard.csv", encoding="utf-8-sig")
    assert list(scorecard.columns[:3]) == ["agent_id", "agent_name", "team_id"]
    assert scorecard["agent_name"].notna().all() and len(scorecard) > 0
    workbook = pd.read_excel(exports / "decisions.xlsx", sheet_name=None)
    assert set(workbook) == expected
    bonus = pd.read_csv(exports / "bonus.csv", encoding="utf-8-sig")
    assert len(workbook["bonus"]) == len(bonus)
    assert bonus["bonus"].sum() == pytest.approx(workbook["bonus"]["bonus"].sum())
    # the BOM makes Excel read the file as UTF-8
    assert (exports / "bonus.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    manifest = (folder / "manifest.json").read_text()
    assert '"exports/decisions.xlsx"' in manifest


def test_export_cells_that_look_like_formulas_are_neutralised(tmp_path):
    from types import SimpleNamespace

    from kpi_lib.report import exports

    attack = '=HYPERLINK("http://x","y")'
    table = pd.DataFrame(
        {"agent_id": [attack, "A2"], "team_id": ["+T1", "T2"], "period": ["2026-10"] * 2}
    )
    empty = pd.DataFrame(columns=["agent_id", "team_id"])
    review = SimpleNamespace(
        agent_names={attack: "@SUM(A1:A9)", "A2": "Li"},
        leaderboard=table.assign(composite=[10.0, -5.0]),
        bonus=table.assign(bonus=[1.0, 2.0]),
        commission=empty,
        certification=empty,
        pip=empty,
        coaching=empty,
        certified=empty,
        spec=SimpleNamespace(currency="CNY", language="en"),
        language="en",
    )
    exports.write_exports(review, tmp_path)
    with open(tmp_path / "scorecard.csv", encoding="utf-8-sig", newline="") as f:
        cells = [cell for row in csv.reader(f) for cell in row]
    assert "'" + attack in cells and "'@SUM(A1:A9)" in cells and "'+T1" in cells
    assert "-5.0" in cells  # numbers stay numbers
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "decisions.xlsx")
    values = [c for ws in book for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in values if c.data_type == "f"]
    assert "'" + attack in {c.value for c in values}


def test_page_labels_and_navigation():
    assert page_label("data_quality", "zh-Hant") == "數據質量與質檢校準"
    bar = nav_html([("period_review", "period_review.html")], language="en")
    assert 'href="index.html"' in bar and "Period review" in bar
    assert "回顧目錄" in nav_html([], language="zh-Hant")
    assert external_references('<link href="//cdn.x/y.css">') == ["//cdn.x/y.css"]
    assert external_references("<a href='page.html'>") == []


@pytest.fixture(scope="module")
def whole_review_zh_hant(tmp_path_factory, small_data):
    """The monthly review with every real notebook, in Traditional Chinese."""
    from kpi_lib.paths import project_root

    tmp = tmp_path_factory.mktemp("zh_hant")
    result = run_review(
        params_files=[project_root() / "params" / "monthly.yaml"],
        dataset=str(small_data),
        overrides={"draws": 20, "n_boot": 10, "language": "zh-Hant"},
        output_root=tmp,
        progress=False,
    )
    return Path(result.folder)


def test_every_page_of_a_chinese_review_is_in_chinese(whole_review_zh_hant):
    from pagecheck import raw_values, untranslated

    folder = whole_review_zh_hant
    pages = sorted(folder.glob("*.html"))
    assert {p.stem for p in pages} >= {
        "index",
        "period_review",
        "scorecard",
        "conflict_diagnosis",
        "data_quality",
    }
    allowed = ("synthetic-default-seed",)
    problems = {}
    for page in pages:
        body = page.read_text("utf-8")
        found = untranslated(body, allowed=allowed) + raw_values(body)
        if external_references(body):
            found.append(f"external: {external_references(body)}")
        for link in _links(body):
            if not (folder / link).is_file():
                found.append(f"broken link {link}")
        if found:
            problems[page.name] = found[:5]
    assert not problems, problems


def test_a_chinese_notebook_carries_its_font_however_it_is_rendered(whole_review_zh_hant):
    """Plain `jupyter nbconvert` (not `kpi review`'s renderer) of a published notebook still
    embeds the CJK glyphs of every sentence on it."""
    import nbformat
    from nbconvert import HTMLExporter
    from pagecheck import visible_text

    from kpi_lib.report.fonts import _is_cjk

    nb = nbformat.read(str(whole_review_zh_hant / "scorecard.ipynb"), as_version=4)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    assert "font-family: 'KPI CJK page'" in body
    shown = {ch for ch in visible_text(body) if _is_cjk(ch)}
    assert shown  # the page is in Chinese

    import base64
    import io
    import re

    from fontTools.ttLib import TTFont

    data = re.search(r"KPI CJK page'; src: url\(data:font/otf;base64,([A-Za-z0-9+/=]+)", body)
    font = TTFont(io.BytesIO(base64.b64decode(data.group(1))))
    missing = {ch for ch in shown if ord(ch) not in font.getBestCmap()}
    assert not missing, sorted(missing)[:20]


def test_long_pages_open_with_contents_whose_links_land(whole_review_zh_hant):
    body = (whole_review_zh_hant / "scorecard.html").read_text("utf-8")
    assert 'class="kpi-toc"' in body and "本頁內容" in body
    anchors = re.findall(r'href="#([^"]+)"', body)
    assert len(anchors) >= 3
    for anchor in anchors:
        assert f'id="{anchor}"' in body, anchor


def test_the_index_links_the_qa_spot_check_sheet_inside_the_folder(whole_review_zh_hant):
    folder = whole_review_zh_hant
    index = (folder / "index.html").read_text("utf-8")
    assert "質檢抽檢" in index and "抽出的、供質檢團隊聽錄音複核的通話" in index
    assert "金額單位：人民幣 (CNY)。" in index  # what the exports' amounts are in
    sheets = [link for link in _links(index) if link.startswith("spot_check/")]
    assert sheets, "the index does not link the spot-check sheet"
    for link in sheets:
        target = (folder / link).resolve()
        assert target.is_file() and target.is_relative_to(folder.resolve()), link
        with target.open(encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh))
        assert "call_id" in header


def test_manager_tables_of_a_whole_review_align_numbers_right(whole_review_zh_hant):
    """Every table cell the review aligns right is a number (or says there is none); names,
    reasons and labels are left-aligned."""
    from kpi_lib.report.markup import _NUMBER
    from kpi_lib.report.review_text import text

    words = {text("fmt.no_data", "zh-Hant"), "–", "—", ""}
    for page in ("period_review", "scorecard", "conflict_diagnosis", "data_quality"):
        body = (whole_review_zh_hant / f"{page}.html").read_text("utf-8")
        cells = re.findall(r'<td style="text-align:(right|left)[^"]*">([^<]*)</td>', body)
        right = [html.unescape(c) for side, c in cells if side == "right"]
        left = [html.unescape(c) for side, c in cells if side == "left"]
        # and a column of numbers is never left-aligned
        assert not [c for c in left if _NUMBER.match(c.strip())], page
        assert right and left, page
        date = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")  # dates align with numbers
        odd = [
            c
            for c in right
            if c.strip() not in words and not _NUMBER.match(c.strip()) and not date.match(c)
        ]
        assert not odd, (page, odd[:5])


@pytest.fixture(scope="module")
def hkd_dataset(small_data, tmp_path_factory):
    """The small dataset with its amounts declared in Hong Kong dollars (dataset.yaml)."""
    import shutil

    import yaml

    folder = tmp_path_factory.mktemp("hkd") / "data"
    shutil.copytree(small_data, folder)
    settings = yaml.safe_load((folder / "dataset.yaml").read_text("utf-8")) or {}
    (folder / "dataset.yaml").write_text(
        yaml.safe_dump({**settings, "currency": "HKD"}), encoding="utf-8"
    )
    return folder


def test_the_currency_comes_from_the_dataset_and_the_review_may_override_it(
    small_data, hkd_dataset, tmp_path
):
    from kpi_lib.data import DatasetError
    from kpi_lib.review import SpecError, prepare_spec

    fast = {"draws": 20, "n_boot": 10}
    assert prepare_spec(dataset=str(small_data), overrides=fast)[0].currency == "CNY"
    assert prepare_spec(dataset=str(hkd_dataset), overrides=fast)[0].currency == "HKD"
    params = tmp_path / "taiwan.yaml"
    params.write_text("parameters:\n  currency: twd\n", encoding="utf-8")
    spec, _ = prepare_spec(params_files=[params], dataset=str(hkd_dataset), overrides=fast)
    assert spec.currency == "TWD"  # the review's parameters beat the dataset
    spec, _ = prepare_spec(
        params_files=[params], dataset=str(hkd_dataset), overrides={**fast, "currency": "usd"}
    )
    assert spec.currency == "USD"  # and --set beats the parameters
    with pytest.raises(SpecError, match=r"`currency` \(--set\).*ISO 4217.*'CNY'"):
        prepare_spec(dataset=str(small_data), overrides={"currency": "RMB"})
    (hkd_dataset / "dataset.yaml").write_text(
        (hkd_dataset / "dataset.yaml").read_text("utf-8").replace("HKD", "HK$"), encoding="utf-8"
    )
    try:
        with pytest.raises(DatasetError, match=r"currency.*ISO 4217.*'HKD'"):
            prepare_spec(dataset=str(hkd_dataset), overrides=fast)
    finally:
        (hkd_dataset / "dataset.yaml").write_text(
            (hkd_dataset / "dataset.yaml").read_text("utf-8").replace("HK$", "HKD"),
            encoding="utf-8",
        )


@pytest.fixture(scope="module")
def hkd_review(hkd_dataset):
    """The small dataset's review in Traditional Chinese, money in Hong Kong dollars."""
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(
        dataset=str(hkd_dataset), overrides={"draws": 20, "n_boot": 10, "language": "zh-Hant"}
    )
    return compute_review(spec, data)


def test_every_amount_of_money_is_in_the_reviews_currency(hkd_review):
    """A Hong Kong team's review: pages and exports in HK$, never the yuan."""
    from kpi_lib.report import scorecard_text
    from kpi_lib.report.exports import decision_tables
    from kpi_lib.report.review import decisions_html
    from kpi_lib.review import agent_outcomes

    review = hkd_review
    numbers = scorecard_text.key_numbers(review, agent_outcomes(review))
    for shown in (
        scorecard_text.bonus_html(review) + scorecard_text.key_numbers_html(review, numbers),
        decisions_html(review),  # the period review's decisions
    ):
        assert "HK$" in shown and "¥" not in shown
    tables = decision_tables(review)
    for name in ("bonus", "commission"):
        assert set(tables[name]["currency"]) <= {"HKD"}, name
        assert list(tables[name].columns)[-1] == "currency"


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
def test_the_scheme_check_names_indicators_by_label_with_the_id_aside(hkd_review, language):
    import dataclasses

    from pagecheck import visible_text

    from kpi_lib.indicators import label
    from kpi_lib.report.review import scheme_html
    from kpi_lib.scoring.schemes import load_scheme, review_scheme

    findings = review_scheme(load_scheme("case_before"))
    assert findings["message"].str.contains("`sales_amount`").any()  # what the check says
    settings = {**hkd_review.spec.settings, "cycle": "quarterly", "language": language}
    review = dataclasses.replace(
        hkd_review,
        spec=dataclasses.replace(hkd_review.spec, settings=settings),
        scheme_findings=findings,
    )
    shown = visible_text(scheme_html(review))
    assert label("sales_amount", language) in shown
    for line in shown.splitlines():
        # an id only in its own cell (the secondary column), never inside a sentence
        assert "`" not in line and not ("sales_amount" in line and line.strip() != "sales_amount")


def test_contents_sit_under_the_title_and_never_number_twice(whole_review_zh_hant):
    for name in ("scorecard.html", "data_quality.html", "period_review.html"):
        body = (whole_review_zh_hant / name).read_text("utf-8")
        if 'class="kpi-toc"' not in body:
            continue
        assert body.index('class="kpi-toc"') > body.index("</h1>"), name
        toc = re.search(r'<nav class="kpi-toc".*?</nav>', body, re.S).group(0)
        entries = re.findall(r'<a href="#[^"]+">([^<]*)</a>', toc)
        assert entries and not any(re.match(r"\s*\d+\s*[.、)]", e) for e in entries), entries
