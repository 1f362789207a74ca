"""The before/after page in the review's language: every table, sentence and chart label of
kpi_lib.report.before_after_text / before_after_plots rendered from a small review, with no
untranslated English on a Chinese page and no raw values (NaN, inf, True/False) anywhere."""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from kpi_lib.analyses import before_after as ba  # noqa: E402
from kpi_lib.report import before_after_plots as bp  # noqa: E402
from kpi_lib.report import before_after_text as bt  # noqa: E402
from kpi_lib.scoring import load_scheme  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from pagecheck import raw_values, untranslated  # noqa: E402

INDICATORS = [
    "sales_amount",
    "dials",
    "effective_call_rate",
    "complaints_per_100_orders",
    "repurchase_rate",
    "satisfaction_rate",
]
BEFORE = ("2026-08-01", "2026-08-31")
AFTER = ("2026-10-01", "2026-10-31")
SWITCH = "2026-09-01"


@pytest.fixture(scope="module")
def study(small_data):
    """Review and before/after tables of the small dataset: teams T01-T02 switch on
    2026-09-01, T03 alone keeps the old scheme (so the comparison can only be described)."""
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(dataset=str(small_data), cycle="monthly", period="2026-10")
    review = compute_review(spec, data)
    monthly = ba.indicator_table(
        data, indicators=INDICATORS, granularity="month", schemes=["case_before", "case_after"]
    )
    weekly = ba.indicator_table(
        data, indicators=["dials", "effective_call_rate"], granularity="week"
    )
    treated, comparison = ["T01", "T02"], ["T03"]
    comp = ba.period_comparison(
        monthly,
        before=BEFORE,
        after=AFTER,
        indicators=INDICATORS,
        teams=treated,
        level="pooled",
        n_boot=200,
    )
    by_team = ba.period_comparison(
        monthly,
        before=BEFORE,
        after=AFTER,
        indicators=INDICATORS,
        teams=treated + comparison,
        level="team",
        n_boot=200,
    )
    did = ba.difference_in_differences(
        monthly,
        treated=treated,
        comparison=comparison,
        switch=SWITCH,
        indicators=INDICATORS,
        before=BEFORE,
        after=AFTER,
        n_boot=199,
    )
    its = ba.interrupted_time_series(weekly, switch=SWITCH, teams=treated, n_boot=199)
    rescored = ba.rescore_under_schemes(
        monthly, old="case_before", new="case_after", periods=["2026-08", "2026-10"], teams=treated
    )
    setup = {
        "switch": pd.Timestamp(SWITCH),
        "treated": treated,
        "comparison": comparison,
        "before": tuple(map(pd.Timestamp, BEFORE)),
        "after": tuple(map(pd.Timestamp, AFTER)),
        "notes": ["cut"],
    }
    return {
        "review": review,
        "comp": comp,
        "by_team": by_team,
        "did": did,
        "trends": ba.did_trends(
            monthly,
            treated=treated,
            comparison=comparison,
            switch=SWITCH,
            before=BEFORE,
            after=AFTER,
        ),
        "its": its,
        "series": ba.its_series(weekly, switch=SWITCH, teams=treated),
        "rescored": rescored,
        "setup": setup,
    }


def _page(study, language: str) -> str:
    """Everything the notebook shows, as the HTML nbconvert would render."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    old, new = load_scheme("case_before"), load_scheme("case_after")
    s = study
    md = [
        bt.comparison_text(s["comp"], language=language),
        bt.did_text(s["did"], language=language),
        bt.its_text(s["its"], language=language),
        bt.rescoring_text(s["rescored"], language=language),
        bt.case_study_text(
            comparison=s["comp"],
            case_table=ba.case_study_table(s["comp"]),
            old=old,
            new=new,
            did=s["did"],
            language=language,
        ),
    ]
    parts = [markdown2html_mistune(m) for m in md]
    parts += [
        bt.heading_html(k, language) + bt.explain_html(k, language)
        for k in ("summary", "teams", "did", "its", "rescoring", "case")
    ]
    parts += [bt.intro_html(old, new, language), bt.setup_html(s["setup"], language)]
    parts += [bt.explain_html(k, language) for k in ("change_plot", "did_plot", "its_plot")]
    parts += [
        bt.table_html(bt.summary_table(s["comp"], language=language)),
        bt.table_html(bt.did_table(s["did"], language=language)),
        bt.rescoring_html(s["rescored"], language=language),
        bt.analyst_html(
            bt.table_html(bt.comparison_table(s["comp"], language=language))
            + bt.comparison_method_html(s["comp"], language=language)
            + bt.table_html(bt.did_detail_table(s["did"], language=language))
            + bt.method_html("did", language)
            + bt.table_html(bt.its_detail_table(s["its"], language=language))
            + bt.method_html("its", language),
            language,
        ),
    ]
    return "\n".join(parts)


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
def test_chinese_page_has_no_english_and_no_raw_values(study, language):
    page = _page(study, language)
    assert untranslated(page, allowed=("Durbin-Watson", "Newey-West")) == []
    assert raw_values(page) == []
    # the catalogue's words, not the analyses' English
    assert "只能描述、无法确认" in page or "只能描述、無法確認" in page
    assert "<details>" in page and "p_adj" in page.split("<details>", 1)[1]


def test_english_page_says_it_in_plain_words(study):
    page = _page(study, "en")
    assert raw_values(page) == []
    manager, analyst = page.split("<details>", 1)
    # one comparison team: described, not confirmed, and no interval for it
    assert "can only be described, not confirmed: only one comparison team" in manager
    # p-values, test names and the bootstrap only in the analyst section
    for word in ("p_adj", "wilcoxon", "bootstrap", "Durbin-Watson", "adjusted p"):
        assert word not in manager, word
    assert "wilcoxon" in analyst and "Durbin-Watson" in analyst
    if (study["comp"]["verdict"] != "no data").any():
        assert "95 % sure" in manager


def test_tables_are_formatted_for_a_manager(study):
    t = bt.summary_table(study["comp"], language="zh-Hans")
    assert list(t.columns) == ["指标", "调整前", "调整后", "变化", "有 95% 把握的变化范围", "结论"]
    assert t.index.tolist() == list(range(len(t)))
    assert t.map(lambda v: isinstance(v, str)).all().all()
    # labels, not ids; the derived indicator has its own label
    assert "sales_amount" not in set(t["指标"]) and "每百单投诉数" in set(t["指标"])
    did = bt.did_table(study["did"], language="zh-Hant")
    assert did.columns[0] == "指標" and not did.isin(["nan", "inf", "None"]).any().any()
    resc = bt.rescoring_table(study["rescored"], language="en")
    if len(resc):
        assert resc["bonus, new"].str.startswith("CN¥").all()


def test_numbers_follow_the_locale():
    assert bt._delta(0.05, "share", "zh-Hans") == "+5.0 个百分点"
    assert bt._delta(-1234.4, "currency", "en") == "-1,234"
    assert bt._delta(-0.0001, "", "zh-Hant") == "0.0"
    assert bt._pct(0.084, "en") == "+8%" and bt._pct(float("nan"), "zh-Hans") == "不适用"
    assert bt.format_value(0.2234, "share", "zh-Hans") == "22.3%"
    assert bt.indicator_label("complaints_per_100_orders", "zh-Hant") == "每百單投訴數"


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
def test_charts_are_labelled_in_the_page_language(study, language):
    from kpi_lib.report.style import setup_plots

    lang = setup_plots(language)
    texts = []
    axes = [
        bp.change_plot(study["comp"], language=lang),
        *bp.levels_grid(study["by_team"], language=lang).flat,
        *bp.did_trends_grid(study["trends"], switch=SWITCH, language=lang).flat,
        *bp.its_grid(study["series"], switch=SWITCH, language=lang).flat,
        bp.rescoring_plot(study["rescored"], language=lang),
    ]
    for ax in axes:
        texts += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += [t.get_text() for t in ax.get_yticklabels()]
        legend = ax.get_legend() or ax.figure.legends[0] if ax.figure.legends else ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
        assert ax.figure.get_size_inches()[0] <= 10.0
    page = "\n".join(f"<p>{t}</p>" for t in texts if t)
    if lang != "en":
        assert untranslated(page) == []
        assert "调整前" in page and "对照团队" in page
    else:
        assert "comparison team" in page and "switched teams" in page
    plt.close("all")


def test_indicators_the_data_cannot_measure_are_named(study):
    comp = study["comp"]
    html = bt.missing_html(
        ["dials", "compliance_rate"], comp[comp["indicator"] == "dials"], "zh-Hans"
    )
    assert "话术合规率" in html and "呼出次数" not in html
    assert bt.missing_html(["dials"], comp, "en") == ""


def test_money_on_the_before_after_page_is_in_the_reviews_currency(study):
    t = bt.summary_table(study["comp"], language="en", currency="HKD")
    shown = " ".join(t.astype(str).to_numpy().ravel())
    assert "HK$" in shown and "CN¥" not in shown
    text = bt.comparison_text(study["comp"], language="zh-Hant", currency="TWD")
    assert "CN¥" not in text and "$" in text
    resc = bt.rescoring_table(study["rescored"], language="en", currency="HKD")
    if len(resc):
        assert resc["bonus, new"].str.startswith("HK$").all()
