"""The reliability corpus (tests/corpus/build.py): every bad input gives the documented outcome.

Each case is built into ``tmp_path`` and its ``kpi`` command runs in-process. Checked for every
case: the exit code, the message fragments, one ``error:`` paragraph without a traceback, no
output written on a user error; for datasets that load: the quarantine reasons and raw values,
and rows read = used + quarantined for every table (and = the rows written).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from kpi_lib.paths import project_root

sys.path.insert(0, str(Path(__file__).parent))

from corpus.build import CASES, Case, Result, document, run_case  # noqa: E402

LOG_LINE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d kpi review: ")


def _param(case: Case):
    marks = [pytest.mark.slow] if case.slow else []
    if case.xfail:
        marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
    return pytest.param(case, id=case.id, marks=marks)


def assert_balanced(result: Result) -> None:
    """rows read = used + quarantined for every table of every dataset the command loaded."""
    for ds in result.datasets:
        report = ds.load_report
        summary = report[report.reason == ""].set_index("table")
        own = result.built.dataset is not None and ds.source == result.built.dataset.resolve()
        for table, row in summary.iterrows():
            assert row.rows_read == row.rows_used + row.rows_quarantined, table
            assert row.rows_used == len(ds[table]), table
            in_quarantine = ds.quarantine.loc[ds.quarantine["table"] == table, "row"].nunique()
            assert in_quarantine == row.rows_quarantined, table
            by_reason = report[(report.table == table) & (report.reason != "")]
            assert by_reason["rows"].sum() >= row.rows_quarantined, table
            if own and table in result.built.rows:
                assert row.rows_read == result.built.rows[table], (table, "rows written")


def assert_quarantine(case: Case, result: Result) -> None:
    ds = result.dataset
    assert ds is not None, "the command loaded no dataset"
    q = ds.quarantine
    reasons = set(q["reason"])
    for pattern in case.reasons:
        assert any(re.fullmatch(pattern, r) for r in reasons), (pattern, sorted(reasons))
    for reason in reasons:
        assert any(re.fullmatch(p, reason) for p in case.reasons), (reason, case.reasons)
    for value in case.values:
        assert value in set(q["value"]), (value, q["value"].head(10).tolist())
    for table, n in (case.quarantined or {}).items():
        assert q.loc[q["table"] == table, "row"].nunique() == n, table
    if case.quarantined is not None:
        assert set(q["table"]) <= set(case.quarantined), sorted(set(q["table"]))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case: Case, tmp_path):
    result = run_case(case, tmp_path)
    stream = result.err if result.code != 0 else result.out
    assert result.code == case.exit_code, (result.code, result.out[-2000:], result.err[-2000:])
    assert "Traceback" not in result.out + result.err
    # exit 3 (no usable calls: a page was published) prints a warning, not an error
    if result.code not in (0, 3):
        if case.usage:
            assert result.err.startswith("usage: kpi") and "error:" in result.err
        else:
            # `kpi review --quiet` logs plain progress lines before the error
            logs, sep, error = result.err.partition("error: ")
            assert sep, result.err
            assert all(LOG_LINE.match(line) for line in logs.splitlines()), logs
            assert "\n\n" not in error.strip(), "more than one paragraph"
    for pattern in case.message:
        assert re.search(pattern, stream), (pattern, stream[-3000:])
    if case.warns:
        assert any(re.search(case.warns, w) for w in result.warnings), result.warnings
    if case.reasons is not None:
        assert_quarantine(case, result)
    assert_balanced(result)
    if result.code == 2:
        argv = [w.format(**result.built.fill) for w in case.argv]
        for option in ("--out", "--quarantine-out"):
            if option in argv:
                written = Path(argv[argv.index(option) + 1])
                assert written == result.tmp or not written.exists(), f"{written} was written"
    if case.check:
        case.check(result)


def test_corpus_is_large_and_covers_every_group():
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 60
    count = {g: sum(c.group == g for c in CASES) for g in {c.group for c in CASES}}
    assert count["dataset"] >= 30 and count["yaml"] >= 10 and count["cli"] >= 10
    assert count["attack"] >= 5 and count["review"] <= 5


def test_reliability_doc_is_current():
    path = project_root() / "docs" / "reliability.md"
    assert path.read_text(encoding="utf-8") == document(), (
        "docs/reliability.md is stale: regenerate it with "
        "`.venv/bin/python tests/corpus/build.py --doc > docs/reliability.md`"
    )
