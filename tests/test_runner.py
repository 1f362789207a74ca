"""Scheduled runs: parameter merging, atomic publishing, failure handling and the lock."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import REVIEW_PARAMS
from filelock import FileLock

from kpi_lib.review import SpecError
from kpi_lib.run.cli import main
from kpi_lib.run.runner import ReviewFailed, recorded_values, run_review

GOOD = """from kpi_lib.report import record_review
from kpi_lib.review import open_review

rv = open_review(review, settings)
record_review(rv, "period_review")
print("report for", rv.period)
"""
PARAMS = REVIEW_PARAMS + "extra: int = 1  # a notebook-only setting\n"


@pytest.fixture
def project(tmp_path, small_data, write_notebook):
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "good.ipynb", GOOD, PARAMS)
    write_notebook(
        nbs / "bad.ipynb", "x = 1\nraise RuntimeError('boom in the bad notebook')\n", PARAMS
    )
    write_notebook(
        nbs / "rogue.ipynb",
        GOOD.replace("open_review(review, settings)", "open_review()"),
        PARAMS,
    )
    return tmp_path, small_data, nbs


def _run(tmp, data, nbs, names=("good",), **kw):
    kw.setdefault("overrides", {"draws": 20, "n_boot": 10})
    return run_review(
        dataset=str(data),
        output_root=tmp / "reports",
        notebooks=list(names),
        notebook_dir=nbs,
        progress=False,
        **kw,
    )


def test_last_complete_period(small_data):
    from kpi_lib.data.load import load_dataset
    from kpi_lib.review import SpecError, last_complete_period

    data = load_dataset(small_data)
    assert last_complete_period(data, "monthly") == "2026-10"
    # the data start in August: no quarter is complete (the start counts, not only the end)
    with pytest.raises(SpecError, match="covers no complete quarterly period"):
        last_complete_period(data, "quarterly")


def test_review_publishes_manifest_and_html(project):
    tmp, data, nbs = project
    result = _run(tmp, data, nbs, overrides={"draws": 20, "n_boot": 10, "seed": 3})
    folder = tmp / "reports" / "monthly" / "2026-10"
    assert result.folder == folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["period"] == "2026-10" and manifest["status"] == "ok"
    # the specification is recorded once; every page records the hash it ran with
    spec = manifest["specification"]
    assert spec["settings"]["seed"] == 3 and spec["settings"]["period"] == "2026-10"
    assert spec["windows"]["start"] == "2026-10-01" and spec["windows"]["end"] == "2026-10-31"
    assert spec["notebook_settings"]["good"] == {"extra": 1}
    page = manifest["notebooks"][0]
    assert page["status"] == "ok" and page["specification_hash"] == manifest["specification_hash"]
    assert page["parameters"] == {"review": "_review", "extra": 1}
    calls = manifest["load_report"]["calls"]
    assert calls["rows_read"] == calls["rows_used"] + calls["rows_quarantined"] > 0
    assert manifest["shared"]["duration_s"] > 0
    assert len(manifest["dataset_fingerprint"]) == 16
    html = (folder / "good.html").read_text()
    assert "report for 2026-10" in html
    assert "print(" not in html  # no code cells
    assert "vnd.kpi-workbench" not in html  # recorded values stay out of the page
    assert recorded_values(folder / "good.ipynb")["spec_hash"] == manifest["specification_hash"]
    assert not (folder / "_review").exists()  # the stored review is not published
    assert 'href="good.html"' in (folder / "index.html").read_text()


def test_a_page_that_computes_its_own_review_fails_the_run(project):
    tmp, data, nbs = project
    with pytest.raises(ReviewFailed, match="must open the stored review"):
        _run(tmp, data, nbs, names=("rogue",))


def test_failed_notebook_keeps_last_good_report(project):
    tmp, data, nbs = project
    reports = tmp / "reports"
    _run(tmp, data, nbs, period="2026-09")
    before = (reports / "monthly" / "2026-09" / "manifest.json").read_text()
    with pytest.raises(ReviewFailed, match=r"`bad` failed at cell 3 \(RuntimeError: boom"):
        _run(tmp, data, nbs, names=("good", "bad"), period="2026-09")
    # the published report is untouched, the failed notebook is kept with its error
    assert (reports / "monthly" / "2026-09" / "manifest.json").read_text() == before
    failed = list((reports / "failed" / "monthly" / "2026-09").glob("*/bad.ipynb"))
    assert len(failed) == 1
    assert "boom in the bad notebook" in failed[0].read_text()
    # no staging folders are left behind
    assert not any((reports / ".staging").iterdir())


def test_failure_without_a_published_report_says_so(project):
    tmp, data, nbs = project
    with pytest.raises(ReviewFailed, match="Nothing was published"):
        _run(tmp, data, nbs, names=("bad",), period="2026-08")


def test_rerun_replaces_deterministically(project):
    tmp, data, nbs = project
    reports = tmp / "reports"
    hashes = []
    for _ in range(2):
        result = _run(tmp, data, nbs, period="2026-09")
        hashes.append(result.manifest["specification_hash"])
    assert hashes[0] == hashes[1]
    versions = list((reports / "monthly" / ".versions").iterdir())
    assert len(versions) == 1  # the previous version was removed after the swap
    assert (reports / "monthly" / "2026-09" / "good.html").is_file()


def test_lock_prevents_concurrent_runs(project):
    tmp, data, nbs = project
    reports = tmp / "reports"
    (reports / ".locks").mkdir(parents=True)
    with FileLock(str(reports / ".locks" / "monthly-2026-09.lock")):
        with pytest.raises(ReviewFailed, match="Another review of monthly 2026-09 is running"):
            _run(tmp, data, nbs, period="2026-09")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"overrides": {"langauge": "zh-Hans"}}, "Did you mean 'language'"),
        ({"overrides": {"bonus_pool": "lots"}}, "`bonus_pool` .* must be a number"),
        ({"overrides": {"language": "fr"}}, "must be one of"),
        ({"period": "2026-13"}, "does not fit the monthly cycle"),
        ({"period": "2025-01"}, "periods in the data: 2026-08, 2026-09, 2026-10"),
        ({"cycle": "quarterly", "period": "2026-10"}, "write it like '2026-Q4'"),
        ({"overrides": {"team": "T99"}}, "unknown team"),
        ({"overrides": {"extar": 2}}, "Did you mean 'extra'"),
    ],
)
def test_bad_settings_stop_the_run_before_any_notebook(project, kwargs, message):
    tmp, data, nbs = project
    kwargs.setdefault("overrides", {})
    with pytest.raises(SpecError, match=message):
        _run(tmp, data, nbs, **kwargs)
    assert not (tmp / "reports").exists()  # nothing was created


def _without(data, tmp_path, tables=("surveys",)):
    import shutil

    folder = tmp_path / "_".join(tables)
    shutil.copytree(data, folder)
    for table in tables:
        (folder / f"{table}.parquet").unlink()
    return folder


def test_a_scheme_that_says_stop_is_named_before_any_notebook(project, tmp_path):
    import yaml

    from kpi_lib.scoring import load_scheme

    tmp, data, nbs = project
    no_surveys = _without(data, tmp_path)
    strict = load_scheme("default").to_dict() | {"missing_indicators": "stop"}
    (tmp_path / "strict.yaml").write_text(yaml.safe_dump(strict))
    with pytest.raises(SpecError, match=r"satisfaction_rate needs surveys.*choose a scheme"):
        _run(tmp, no_surveys, nbs, overrides={"scheme": str(tmp_path / "strict.yaml")})
    assert not (tmp / "reports").exists()


SKIPPING = (
    GOOD
    + """from kpi_lib.report import record
record("skipped", [{"section": "qa_reviewers", "reason": "one_reviewer", "needs": "", "n": 1}])
"""
)


def test_the_manifest_records_the_adapted_scheme_and_every_skipped_section(
    project, tmp_path, write_notebook
):
    tmp, data, nbs = project
    write_notebook(nbs / "skipping.ipynb", SKIPPING, PARAMS)
    no_surveys = _without(data, tmp_path)
    _run(tmp, no_surveys, nbs, names=("good", "skipping"))
    manifest = json.loads((tmp / "reports" / "monthly" / "2026-10" / "manifest.json").read_text())
    adapted = manifest["specification"]["adapted"]["scheme"]
    assert adapted["dropped"] == [
        {"indicator": "satisfaction_rate", "role": "weight", "needs": "surveys"}
    ]
    assert sum(adapted["weights"].values()) == pytest.approx(1)
    skipped = {(s["page"], s["section"], s["reason"]) for s in manifest["skipped"]}
    assert ("review", "scheme.weight", "needs") in skipped
    assert ("review", "certification", "needs") in skipped
    assert ("skipping", "qa_reviewers", "one_reviewer") in skipped
    assert manifest["notebooks"][1]["skipped"] == [
        {"page": "skipping", "section": "qa_reviewers", "reason": "one_reviewer", "n": 1}
    ]
    assert manifest["notebooks"][0]["skipped"] == []


def test_review_notebooks_run_to_the_end_without_optional_tables(small_data, tmp_path):
    """The monthly notebooks on calls, orders, leads and agents only, and one QA reviewer:
    every page is published and says what it could not compute."""
    import shutil

    bare = tmp_path / "bare"
    shutil.copytree(small_data, bare)
    for table in ("surveys", "complaints", "proposals", "trainings", "targets"):
        (bare / f"{table}.parquet").unlink()
    qa = pd.read_parquet(bare / "qa_reviews.parquet")
    qa[qa["reviewer"].isin(["system", "qa_zhang"])].to_parquet(bare / "qa_reviews.parquet")
    result = run_review(
        params_files=["params/monthly.yaml"],
        dataset=str(bare),
        output_root=tmp_path / "reports",
        overrides={"draws": 20, "n_boot": 10, "max_agent_pages": 1},
        progress=False,
    )
    manifest = result.manifest
    assert [n["status"] for n in manifest["notebooks"]] == ["ok"] * 4
    skipped = {(s["page"], s["section"]) for s in manifest["skipped"]}
    assert {("review", "certification"), ("data_quality", "qa_reviewers")} <= skipped
    for page in ("period_review", "scorecard"):
        assert "adapted to this data" in (result.folder / f"{page}.html").read_text()
    quality = (result.folder / "data_quality.html").read_text()
    assert "needs at least two human reviewers" in quality


def test_cli_exit_codes(project, capsys):
    tmp, data, nbs = project
    code = main(
        ["review", "--dataset", str(data), "--out", str(tmp / "r"), "--quiet",
         "--notebooks", "period_review", "--set", "langauge=zh-Hans"]
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2 and "Did you mean 'language'" in err and "Traceback" not in err
    assert main(["review", "--cycle", "hourly", "--dataset", str(data)]) == 2
    assert "must be one of" in capsys.readouterr().err
    assert main(["review", "--params", str(tmp / "missing.yaml")]) == 2
    assert main(["review", "--jobs", "0", "--dataset", str(data)]) == 2
    assert "`jobs` must be a whole number" in capsys.readouterr().err
    assert main(["validate", str(tmp / "missing")]) == 2
    assert main(["validate", str(data)]) == 0


def test_weekly_default_is_a_week_in_the_data_scored_to_its_last_day(project):
    tmp, data, nbs = project
    result = _run(tmp, data, nbs, cycle="weekly")
    windows = result.manifest["specification"]["windows"]
    period = result.manifest["period"]
    assert period.startswith("2026-W")
    # the week's scores are the month to date, up to a day that has data
    assert windows["as_of"] <= windows["data_to"]
    assert windows["scored_period"] == windows["as_of"][:7]


STAMP = "20260101T000000Z-abcdef"


def _leftovers(reports, cycle: str, period: str) -> list:
    """What a run of ``cycle``/``period`` killed at each step would leave behind."""
    cycle_dir = reports / cycle
    staging = reports / ".staging" / f"{cycle}-{period}-{STAMP}"
    version = cycle_dir / ".versions" / f"{period}-{cycle}-{period}-{STAMP}"
    link = cycle_dir / f".{period}.{'0' * 32}.link"
    for folder in (staging / "_review", version):
        folder.mkdir(parents=True)
        (folder / "index.html").write_text("half-written")
    link.symlink_to(f".versions/{version.name}")
    return [staging, version, link]


def test_a_run_removes_leftovers_of_killed_runs_of_its_period_only(project, capsys):
    tmp, data, nbs = project
    reports = tmp / "reports"
    _run(tmp, data, nbs, period="2026-09")
    published = (reports / "monthly" / "2026-09").resolve()
    mine = _leftovers(reports, "monthly", "2026-09")
    # another period's files may belong to a run in progress: they are never touched
    others = _leftovers(reports, "monthly", "2026-10") + _leftovers(reports, "quarterly", "2026-Q3")
    capsys.readouterr()
    _run(tmp, data, nbs, period="2026-09")
    log = capsys.readouterr().err
    assert not any(p.exists() or p.is_symlink() for p in mine)
    assert all(p.exists() or p.is_symlink() for p in others)
    assert "removed 3 leftover(s) of interrupted runs of monthly 2026-09" in log
    assert f".staging/monthly-2026-09-{STAMP}" in log
    # the version published before this run was replaced; only the new one is left
    versions = sorted(p.name for p in (reports / "monthly" / ".versions").glob("2026-09-*"))
    assert versions == [(reports / "monthly" / "2026-09").resolve().name]
    assert versions[0] != published.name
    assert not list((reports / "monthly").glob(".2026-09.*.link"))


def test_cleaning_keeps_the_published_version_and_puts_a_moved_legacy_folder_back(tmp_path):
    from kpi_lib.run.runner import _clean_leftovers

    reports = tmp_path / "reports"
    versions = reports / "monthly" / ".versions"
    legacy = versions / f"2026-09-legacy-{'1' * 32}"
    legacy.mkdir(parents=True)
    (legacy / "index.html").write_text("last good")
    published = versions / f"2026-10-monthly-2026-10-{STAMP}"
    published.mkdir()
    (reports / "monthly" / "2026-10").symlink_to(f".versions/{published.name}")
    # killed between moving an old-layout folder aside and the swap: it is the last good report
    removed = _clean_leftovers(reports, "monthly", "2026-09")
    assert (reports / "monthly" / "2026-09" / "index.html").read_text() == "last good"
    assert removed == [f"monthly/.versions/{legacy.name} (put back as 2026-09)"]
    assert _clean_leftovers(reports, "monthly", "2026-10") == []
    assert published.is_dir()


@pytest.mark.parametrize("layout", ["symlink", "legacy folder", "nothing"])
def test_a_failed_swap_leaves_the_published_report_as_it_was(tmp_path, monkeypatch, layout):
    import errno
    import os

    from kpi_lib.run import runner

    reports = tmp_path / "reports"
    target = reports / "monthly" / "2026-09"
    old = reports / "monthly" / ".versions" / "2026-09-old"
    if layout == "symlink":
        old.mkdir(parents=True)
        (old / "index.html").write_text("last good")
        target.symlink_to(".versions/2026-09-old")
    elif layout == "legacy folder":
        target.mkdir(parents=True)
        (target / "index.html").write_text("last good")
    staging = reports / ".staging" / f"monthly-2026-09-{STAMP}"
    staging.mkdir(parents=True)
    (staging / "index.html").write_text("new")

    def refuse(src, dst):
        raise OSError(errno.EROFS, "Read-only file system", str(dst))

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="Read-only"):
        runner._publish(staging, target)
    # the new version went back to staging (the run removes it), no link is left
    assert (staging / "index.html").read_text() == "new"
    assert not list((reports / "monthly").glob(".*.link"))
    if layout == "nothing":
        assert not os.path.lexists(target)
    else:
        assert (target / "index.html").read_text() == "last good"
        assert [p.name for p in (reports / "monthly" / ".versions").iterdir()] == (
            ["2026-09-old"] if layout == "symlink" else []
        )


def test_a_filled_spot_check_sheet_survives_the_next_run_and_joins_the_reviews(project):
    """The QA team fills in the sheet published with a review; running that period again
    must neither delete their work nor ignore it."""
    from kpi_lib.data.load import load_dataset

    tmp, data, nbs = project
    first = _run(tmp, data, nbs, period="2026-09")
    calls = load_dataset(data)["calls"].head(4)
    sheet = pd.DataFrame(
        {
            "call_id": list(calls["call_id"]) + ["NOT-A-CALL"],
            "agent_id": list(calls["agent_id"]) + [calls["agent_id"].iloc[0]],
            "reviewer": ["R9"] * 5,
            "compliant": ["yes", "no", "yes", "yes", "no"],
            "effective": ["no", "no", "yes", "", "yes"],
            "notes": ["", "=1+1", "", "", ""],
        }
    )
    (first.folder / "spot_check").mkdir(exist_ok=True)
    sheet.to_csv(first.folder / "spot_check" / "spot_check_2026-09_seed0.csv", index=False)
    (first.folder / "spot_check" / "broken.csv").write_text("call_id\n1\n", encoding="utf-8")

    second = _run(tmp, data, nbs, period="2026-09")
    kept = second.folder / "spot_check" / "returned"
    assert (kept / "spot_check_2026-09_seed0.csv").is_file() and (kept / "broken.csv").is_file()
    notes = {n["sheet"]: n for n in second.manifest["spot_check_returned"]}
    assert notes["spot_check_2026-09_seed0.csv"]["rows_used"] == 4
    assert notes["spot_check_2026-09_seed0.csv"]["rows_set_aside"] == 1
    assert notes["broken.csv"]["code"] == "spot_check_unreadable"
    # a third run still finds the sheet (now under returned/) and uses it once
    third = _run(tmp, data, nbs, period="2026-09")
    used = [n for n in third.manifest["spot_check_returned"] if n["code"] == "spot_check_returned"]
    assert [n["rows_used"] for n in used] == [4]
