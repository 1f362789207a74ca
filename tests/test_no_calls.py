"""A period without usable calls: ``kpi review`` publishes a "no usable calls" page (exit 3).

Covers the calls table empty in the file, every call quarantined, every call filtered at
import, calls declared empty by an import mapping, calls in the data but none in the period
asked for, a period outside the data (still a user error, exit 2), a scheme that leaves
nothing to score (a user error, exit 2), the three languages, and a scored report that is
never replaced by such a page.
"""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
import yaml
from conftest import REVIEW_PARAMS

from kpi_lib.review import SpecError
from kpi_lib.run.cli import EXIT_NOTHING_TO_SCORE, main
from kpi_lib.run.runner import NO_USABLE_CALLS, run_review

GOOD = """from kpi_lib.report import record_review
from kpi_lib.review import open_review

rv = open_review(review, settings)
record_review(rv, "period_review")
print("report for", rv.period)
"""


@pytest.fixture
def notebooks(tmp_path, write_notebook):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    write_notebook(folder / "good.ipynb", GOOD, REVIEW_PARAMS)
    return folder


def _copy(small_data, tmp_path, name="ds"):
    folder = tmp_path / name
    shutil.copytree(small_data, folder)
    return folder


def _calls(folder) -> pd.DataFrame:
    return pd.read_parquet(folder / "calls.parquet")


def _review(folder, out, notebooks, **kw):
    kw.setdefault("overrides", {"draws": 20, "n_boot": 10})
    return run_review(
        dataset=str(folder),
        output_root=out,
        notebooks=["good"],
        notebook_dir=notebooks,
        progress=False,
        **kw,
    )


def _text(page) -> str:
    raw = page.read_text(encoding="utf-8")
    raw = re.sub(r"<style>.*?</style>", "", raw, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", raw))


def _check_published(result, period: str, cause: str) -> dict:
    manifest = result.manifest
    assert manifest["status"] == NO_USABLE_CALLS and manifest["published"] is True
    facts = manifest["no_usable_calls"]
    assert (facts["period"], facts["cause"]) == (period, cause)
    folder = result.folder
    assert sorted(p.name for p in folder.iterdir()) == [
        "index.html",
        "manifest.json",
        "no_calls.html",
    ]
    on_disk = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert on_disk["no_usable_calls"] == facts and on_disk["notebooks"] == []
    assert on_disk["skipped"] == [
        {"page": "good", "code": NO_USABLE_CALLS, "reason": f"no usable calls in {period}"}
    ]
    # row accounting: read = used + set aside + filtered, per table, on the page and index
    for table, c in facts["row_counts"].items():
        assert c["rows_read"] == c["rows_used"] + c["rows_quarantined"] + c["rows_filtered"], table
    assert facts["row_counts"] == manifest["load_report"]
    page = _text(folder / "no_calls.html")
    assert f"No usable calls in {period}" in page
    calls = facts["row_counts"]["calls"]
    assert re.search(
        rf"calls {calls['rows_read']:,} {calls['rows_used']:,} {calls['rows_quarantined']:,} "
        rf"{calls['rows_filtered']:,}",
        page,
    )
    assert "kpi validate" in page and "What to do" in page
    index = _text(folder / "index.html")
    assert f"No usable calls in {period}" in index and 'href="no_calls.html"' in (
        folder / "index.html"
    ).read_text(encoding="utf-8")
    return facts


def test_calls_empty_in_the_file_publish_the_page(small_data, tmp_path, notebooks):
    folder = _copy(small_data, tmp_path)
    _calls(folder).iloc[:0].to_parquet(folder / "calls.parquet")
    result = _review(folder, tmp_path / "reports", notebooks)
    # without --period: the latest period holding rows of the other tables
    facts = _check_published(result, "2026-10", "empty")
    assert facts["calls_read"] == 0 and facts["calls_source"] == "calls.parquet"
    page = _text(result.folder / "no_calls.html")
    assert "The calls table of the export has no rows (calls.parquet)" in page
    # the QA reviews of calls that are not there are set aside, with their count
    qa = facts["row_counts"]["qa_reviews"]["rows_read"]
    assert {"table": "qa_reviews", "reason": "call_id: unknown call (not in calls.call_id)",
            "rows": qa} in facts["reasons"]  # fmt: skip


def test_every_call_quarantined_names_the_reasons_with_counts(small_data, tmp_path, notebooks):
    folder = _copy(small_data, tmp_path)
    calls = _calls(folder)
    n = len(calls)
    calls.assign(agent_id="NOBODY").to_parquet(folder / "calls.parquet")
    result = _review(folder, tmp_path / "reports", notebooks, period="2026-09")
    facts = _check_published(result, "2026-09", "quarantined")
    assert (facts["calls_read"], facts["calls_used"], facts["calls_quarantined"]) == (n, 0, n)
    reasons = {(r["table"], r["reason"]): r["rows"] for r in facts["reasons"]}
    assert reasons[("calls", "agent_id: unknown agent (not in agents.agent_id)")] == n
    page = _text(result.folder / "no_calls.html")
    assert f"All {n:,} calls read were set aside" in page
    assert f"agent_id: unknown agent (not in agents.agent_id) {n:,}" in page


def test_calls_but_none_in_the_period_asked_for(small_data, tmp_path, notebooks):
    folder = _copy(small_data, tmp_path)
    calls = _calls(folder)
    september = calls["started_at"].dt.strftime("%Y-%m") == "2026-09"
    assert september.any()
    calls[~september].to_parquet(folder / "calls.parquet")
    result = _review(folder, tmp_path / "reports", notebooks, period="2026-09")
    facts = _check_published(result, "2026-09", "none_in_period")
    assert facts["calls_used"] == int((~september).sum())
    assert facts["periods_with_calls"] == ["2026-08", "2026-10"]
    page = _text(result.folder / "no_calls.html")
    assert "periods with calls: 2026-08, 2026-10" in page
    # a period outside the data stays a user error: probably a typo, nothing is written
    with pytest.raises(SpecError, match="Period '2027-01' is not in dataset"):
        _review(folder, tmp_path / "other", notebooks, period="2027-01")
    assert not (tmp_path / "other").exists()


def test_calls_declared_empty_by_the_import(small_data, tmp_path, notebooks):
    folder = _copy(small_data, tmp_path)
    _calls(folder).iloc[:0].to_parquet(folder / "calls.parquet")
    (folder / "qa_reviews.parquet").unlink()
    settings = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8")) or {}
    settings["empty_tables"] = {"calls": "funnel data: no call log"}
    counts = dict.fromkeys(("rows_read", "rows_used", "rows_quarantined", "rows_filtered"), 0)
    settings["import"] = {"tables": {"calls": counts}}
    (folder / "dataset.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    result = _review(folder, tmp_path / "reports", notebooks)
    facts = _check_published(result, "2026-10", "declared_empty")
    assert facts["declared_reason"] == "funnel data: no call log"
    page = _text(result.folder / "no_calls.html")
    assert "declares the calls table empty (funnel data: no call log)" in page
    assert "kpi compute" in page


@pytest.mark.parametrize(
    "language, heading",
    [("en", "No usable calls in 2026-09"), ("zh-Hans", "2026-09 没有可用通话"),
     ("zh-Hant", "2026-09 沒有可用通話")],
)  # fmt: skip
def test_the_page_is_in_the_review_language(small_data, tmp_path, notebooks, language, heading):
    folder = _copy(small_data, tmp_path)
    _calls(folder).iloc[:0].to_parquet(folder / "calls.parquet")
    result = _review(
        folder, tmp_path / "reports", notebooks, period="2026-09",
        overrides={"language": language},
    )  # fmt: skip
    for name in ("no_calls.html", "index.html"):
        raw = (result.folder / name).read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in raw
        assert heading in _text(result.folder / name)
        assert "http://" not in raw and "https://" not in raw  # self-contained


def test_cli_exit_code_3_and_a_scored_report_is_never_replaced(
    small_data, tmp_path, notebooks, capsys, monkeypatch
):
    monkeypatch.setenv("KPI_PROJECT_ROOT", str(tmp_path))  # its notebooks/ holds `good`
    folder = _copy(small_data, tmp_path)
    out = tmp_path / "reports"
    args = ["review", "--dataset", str(folder), "--out", str(out), "--quiet",
            "--period", "2026-09", "--notebooks", "good", "--set", "draws=20"]  # fmt: skip
    assert main(args) == 0
    scored = json.loads((out / "monthly" / "2026-09" / "manifest.json").read_text())
    assert scored["status"] == "ok"
    capsys.readouterr()
    calls = _calls(folder)
    calls.assign(agent_id="NOBODY").to_parquet(folder / "calls.parquet")
    assert main(args) == EXIT_NOTHING_TO_SCORE
    err = capsys.readouterr().err
    assert "no usable calls in monthly 2026-09 (quarantined" in err
    assert "the scored report already published" in err and "is kept" in err
    kept = json.loads((out / "monthly" / "2026-09" / "manifest.json").read_text())
    assert kept == scored  # the last good report is untouched
    # another period without one: published, exit 3, the page named on stdout
    august = [a if a != "2026-09" else "2026-08" for a in args]
    assert main(august) == EXIT_NOTHING_TO_SCORE
    captured = capsys.readouterr()
    assert "No usable calls, page published:" in captured.out
    assert (out / "monthly" / "2026-08" / "no_calls.html").is_file()


def test_a_scheme_with_nothing_left_to_score_stays_a_user_error(small_data, tmp_path, capsys):
    """Decided: a scheme whose every weighted indicator the data cannot provide is a
    configuration the user must fix (the same every period), not a state of one period's
    data: exit 2, nothing written, no page."""
    folder = _copy(small_data, tmp_path)
    (folder / "surveys.parquet").unlink()
    scheme = tmp_path / "only_surveys.yaml"
    scheme.write_text(
        yaml.safe_dump(
            {
                "name": "only_surveys",
                "normalisation": "goalposts",
                "missing_indicators": "renormalise",
                "dimensions": {
                    "quality": {"weight": 100, "indicators": {"satisfaction_rate": 100}}
                },
                "targets": {"satisfaction_rate": {"target": 0.9, "threshold": 0.75}},
            }
        ),
        encoding="utf-8",
    )
    out = tmp_path / "reports"
    code = main(["review", "--dataset", str(folder), "--out", str(out), "--quiet",
                 "--set", f"scheme={scheme}"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "nothing is left to score" in err
    assert not (out / "monthly").exists()


PAYLOAD = '<img src=x onerror="alert(1)">'


def _manifest(cause: str) -> dict:
    counts = {"rows_read": 10, "rows_used": 0, "rows_quarantined": 10, "rows_filtered": 0}
    return {
        "cycle": "monthly",
        "period": "2026-09",
        "dataset": f"ds{PAYLOAD}",
        "dataset_fingerprint": "abc",
        "finished_at": "2026-10-01T00:00:00+00:00",
        "code_version": "0.1.0",
        "specification_hash": "123",
        "no_usable_calls": {
            "cycle": "monthly", "period": "2026-09", "cause": cause, "calls_read": 10,
            "calls_used": 0, "calls_quarantined": 10, "calls_filtered": 0,
            "calls_source": "calls.csv", "declared_reason": f"no log {PAYLOAD}",
            "calls_from": "2026-08-01", "calls_to": "2026-10-31",
            "periods_with_calls": ["2026-08", "2026-10"],
            "reasons": [{"table": "calls", "reason": f"agent_id: unknown {PAYLOAD}", "rows": 10}],
            "row_counts": {"calls": counts},
        },
    }  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh-Hans", "zh-Hant"])
@pytest.mark.parametrize(
    "cause", ["empty", "quarantined", "filtered", "declared_empty", "none_in_period"]
)
def test_every_cause_renders_escaped_translated_and_without_raw_values(cause, language):
    from pagecheck import raw_values, untranslated, visible_text

    from kpi_lib.report.no_calls_page import no_calls_headline_html, no_calls_page_html

    manifest = _manifest(cause)
    page = no_calls_page_html(manifest, language=language)
    headline = no_calls_headline_html(manifest, language=language)
    assert "<img" not in page and "<img" not in headline  # every value is escaped
    assert "&lt;img" in page  # the dataset's name, shown escaped
    assert raw_values(page) == []
    shown = visible_text(page)
    assert "2026-09" in shown and "10" in shown
    if language != "en":
        # data (reasons from the loader, the dataset's name) and commands stay as they are
        allowed = (
            "agent_id: unknown",
            "kpi validate",
            "quarantine-out",
            "no log",
            "kpi compute",
            "docs/",
        )
        assert untranslated(page, allowed=allowed) == []
