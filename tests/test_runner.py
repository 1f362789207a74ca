"""Scheduled runs: parameter merging, atomic publishing, failure handling and the lock."""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest
from filelock import FileLock

from kpi_lib.run.cli import main
from kpi_lib.run.runner import (
    ReviewFailed,
    last_complete_period,
    merge_parameters,
    run_review,
)


def _notebook(
    path,
    body: str,
    params: str = 'dataset: str = "x"  # dataset\nperiod: str = "2026-01"  # period\n',
):
    nb = nbformat.v4.new_notebook()
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Test report"), p, nbformat.v4.new_code_cell(body)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(nb, str(path))


@pytest.fixture
def project(tmp_path):
    data = tmp_path / "ds"
    data.mkdir()
    pd.DataFrame({"agent_id": ["A1"], "agent_name": ["Ann"], "team_id": ["T1"]}).to_parquet(
        data / "agents.parquet"
    )
    pd.DataFrame(
        {
            "call_id": ["1", "2"],
            "agent_id": ["A1", "A1"],
            "started_at": pd.to_datetime(["2026-09-03 10:00", "2026-10-20 11:00"]),
            "duration_s": [10.0, 0.0],
            "outcome": ["connected", "busy"],
        }
    ).to_parquet(data / "calls.parquet")
    pd.DataFrame(
        columns=["order_id", "agent_id", "customer_id", "ordered_at", "amount"]
    ).to_parquet(data / "orders.parquet")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    _notebook(nbs / "good.ipynb", "print('report for', period)\n")
    _notebook(nbs / "bad.ipynb", "x = 1\nraise RuntimeError('boom in the bad notebook')\n")
    return tmp_path, data, nbs


def test_merge_parameters_later_files_and_overrides_win(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text('notebooks: [one]\nparameters: {scheme: "x", seed: 1}\ncycle: "monthly"\n')
    b.write_text('parameters: {scheme: "y"}\nnotebook_parameters: {one: {draws: 5}}\n')
    merged = merge_parameters([a, b], {"seed": 3})
    assert merged["notebooks"] == ["one"]
    assert merged["parameters"] == {"scheme": "y", "seed": 3, "cycle": "monthly"}
    assert merged["notebook_parameters"] == {"one": {"draws": 5}}


def test_last_complete_period(project):
    _, data, _ = project
    # the last call is on 2026-10-20: October is not complete, September is
    assert last_complete_period(data, "monthly") == "2026-09"
    assert last_complete_period(data, "annual") == "2025"


def test_review_publishes_manifest_and_html(project):
    tmp, data, nbs = project
    result = run_review(
        dataset=str(data),
        notebooks=["good"],
        output_root=tmp / "reports",
        notebook_dir=nbs,
        progress=False,
    )
    folder = tmp / "reports" / "monthly" / "2026-09"
    assert result.folder == folder
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["period"] == "2026-09" and manifest["status"] == "ok"
    assert manifest["notebooks"][0]["status"] == "ok"
    assert manifest["notebooks"][0]["parameters"]["period"] == "2026-09"
    assert manifest["load_report"]["calls"] == {
        "rows_read": 2,
        "rows_used": 2,
        "rows_quarantined": 0,
    }
    assert len(manifest["dataset_fingerprint"]) == 16
    html = (folder / "good.html").read_text()
    assert "report for 2026-09" in html
    assert "print(" not in html  # no code cells
    assert 'href="good.html"' in (folder / "index.html").read_text()


def test_failed_notebook_keeps_last_good_report(project, capsys):
    tmp, data, nbs = project
    reports = tmp / "reports"
    run_review(
        dataset=str(data),
        notebooks=["good"],
        output_root=reports,
        notebook_dir=nbs,
        progress=False,
        period="2026-09",
    )
    before = (reports / "monthly" / "2026-09" / "manifest.json").read_text()
    with pytest.raises(ReviewFailed, match=r"`bad` failed at cell 3 \(RuntimeError: boom"):
        run_review(
            dataset=str(data),
            notebooks=["good", "bad"],
            output_root=reports,
            notebook_dir=nbs,
            progress=False,
            period="2026-09",
        )
    # the published report is untouched, the failed notebook is kept with its error
    assert (reports / "monthly" / "2026-09" / "manifest.json").read_text() == before
    failed = list((reports / "failed" / "monthly" / "2026-09").glob("*/bad.ipynb"))
    assert len(failed) == 1
    assert "boom in the bad notebook" in failed[0].read_text()
    # no staging folders are left behind
    assert not any((reports / ".staging").iterdir())


def test_rerun_replaces_deterministically(project):
    tmp, data, nbs = project
    reports = tmp / "reports"
    for _ in range(2):
        run_review(
            dataset=str(data),
            notebooks=["good"],
            output_root=reports,
            notebook_dir=nbs,
            progress=False,
            period="2026-09",
        )
    versions = list((reports / "monthly" / ".versions").iterdir())
    assert len(versions) == 1  # the previous version was removed after the swap
    assert (reports / "monthly" / "2026-09" / "good.html").is_file()


def test_lock_prevents_concurrent_runs(project):
    tmp, data, nbs = project
    reports = tmp / "reports"
    (reports / ".locks").mkdir(parents=True)
    with FileLock(str(reports / ".locks" / "monthly-2026-09.lock")):
        with pytest.raises(ReviewFailed, match="Another review of monthly 2026-09 is running"):
            run_review(
                dataset=str(data),
                notebooks=["good"],
                output_root=reports,
                notebook_dir=nbs,
                progress=False,
                period="2026-09",
            )


def test_cli_exit_codes(project, capsys, monkeypatch):
    tmp, data, nbs = project
    monkeypatch.setattr("kpi_lib.run.runner.project_root", lambda *a, **k: tmp)
    (tmp / "notebooks").mkdir(exist_ok=True)
    code = main(
        [
            "review",
            "--dataset",
            str(data),
            "--out",
            str(tmp / "r"),
            "--quiet",
            "--notebooks",
            "bad",
            "--period",
            "2026-09",
        ]
    )
    assert code == 1
    assert "`bad` failed at cell" in capsys.readouterr().err
    assert main(["review", "--cycle", "hourly", "--dataset", str(data)]) == 2
    assert main(["validate", str(tmp / "missing")]) == 2
    assert main(["validate", str(data)]) == 0
