"""The `kpi` command: each sub-command wraps a kpi_lib function and exits with a clear code."""

from __future__ import annotations

import errno

import pandas as pd
import pytest
import yaml

from kpi_lib.paths import project_root
from kpi_lib.run.cli import main


def test_indicators_prints_the_catalogue(capsys):
    assert main(["indicators"]) == 0
    out = capsys.readouterr().out
    assert "effective_calls" in out and "complaints_per_100" in out
    assert main(["indicators", "--language", "zh-Hant"]) == 0
    assert "有效通話數" in capsys.readouterr().out


def test_indicators_markdown_is_the_committed_doc(capsys):
    assert main(["indicators", "--markdown"]) == 0
    doc = (project_root() / "docs" / "indicators.md").read_text(encoding="utf-8")
    assert capsys.readouterr().out.strip() == doc.strip()


def test_contract_prints_the_data_dictionary(capsys):
    assert main(["contract"]) == 0
    assert "## `calls` (required)" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("scheme", "code", "expected"),
    [
        ("case_after", 0, "Scheme review"),
        ("case_before", 0, "no_long_term"),
    ],
)
def test_scheme_check(scheme, code, expected, capsys):
    assert main(["scheme", "check", scheme]) == code
    assert expected in capsys.readouterr().out


def test_scheme_check_unknown_indicator_names_the_nearest(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "name: bad\nnormalisation: goalposts\naggregation: arithmetic\n"
        "dimensions:\n  performance:\n    weight: 1\n    indicators:\n"
        "      sales_amout: {weight: 1}\n",
        encoding="utf-8",
    )
    assert main(["scheme", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "sales_amout" in err and "sales_amount" in err


def test_synth_validate_and_compute(tmp_path, capsys):
    out = tmp_path / "ds"
    assert main(["synth", "--agents", "12", "--months", "2", "--seed", "5", "--out", str(out)]) == 0
    assert (out / "calls.parquet").is_file()
    assert main(["validate", str(out)]) == 0
    assert "Load report" in capsys.readouterr().out
    table = tmp_path / "ind.csv"
    assert main(["compute", str(out), "--out", str(table)]) == 0
    ind = pd.read_csv(table)
    assert {"agent_id", "period", "indicator", "value"} <= set(ind.columns)


def test_validate_reports_structural_problems(tmp_path, capsys):
    (tmp_path / "agents.csv").write_text("agent_id,agent_name\nA1,Ann\n", encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "[agents.team_id] required column is missing" in err
    assert "[calls] required table is missing" in err


def test_import_with_a_mapping(tmp_path, capsys):
    realdata = project_root().parent / "shared" / "realdata" / "olist_marketing_funnel"
    if not realdata.is_dir():
        pytest.skip(f"real data not found at {realdata}")
    source = tmp_path / "export"
    (source / realdata.name).mkdir(parents=True)
    for f in realdata.iterdir():
        (source / realdata.name / f.name).write_bytes(f.read_bytes())
    out = tmp_path / "contract"
    mapping = project_root() / "params" / "mappings" / "olist_funnel.yaml"
    assert main(["import", "--mapping", str(mapping), str(source), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Rows per table (rows_read = rows_used + rows_quarantined + rows_filtered)" in printed
    assert (out / "orders.parquet").is_file()


# ------------------------------------------------------------------ formula injection in output

PAYLOADS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def _payload_table() -> pd.DataFrame:
    return pd.DataFrame(
        {"agent_id": PAYLOADS, "period": "2026-01", "value": [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]}
    )


def test_compute_out_csv_neutralises_formulas_parquet_does_not(tmp_path, monkeypatch, capsys):
    import kpi_lib.data.load as load
    import kpi_lib.indicators.engine as engine

    monkeypatch.setattr(load, "load_dataset", lambda *a, **k: object())
    monkeypatch.setattr(engine, "compute_indicators", lambda *a, **k: _payload_table())
    csv_out = tmp_path / "new" / "folder" / "ind.csv"  # parent folders are created
    assert main(["compute", "ds", "--out", str(csv_out)]) == 0
    back = pd.read_csv(csv_out, dtype={"agent_id": str})
    assert back["agent_id"].tolist() == ["'" + p for p in PAYLOADS]
    assert back["value"].tolist() == [-1.5, 2.0, 3.0, 4.0, 5.0, 6.0]  # numbers stay numbers
    pq_out = tmp_path / "other" / "ind.parquet"
    assert main(["compute", "ds", "--out", str(pq_out)]) == 0
    assert pd.read_parquet(pq_out)["agent_id"].tolist() == PAYLOADS


def test_validate_quarantine_out_neutralises_formulas(tmp_path, monkeypatch, capsys):
    from types import SimpleNamespace

    import kpi_lib.data.load as load

    report = pd.DataFrame(
        {
            "table": ["calls"],
            "read": [6],
            "used": [0],
            "quarantined": [6],
            "reason": [""],
            "rows": [0],
        }
    )
    quarantine = pd.DataFrame(
        {"table": "calls", "row": range(6), "column": "agent_id", "reason": "x", "value": PAYLOADS}
    )
    fake = SimpleNamespace(load_report=report, quarantine=quarantine)
    monkeypatch.setattr(load, "load_dataset", lambda *a, **k: fake)
    out = tmp_path / "missing" / "q.csv"
    assert main(["validate", "ds", "--quarantine-out", str(out)]) == 0
    back = pd.read_csv(out, dtype=str)
    assert len(back) == len(PAYLOADS)  # a carriage return in a cell does not split the row
    assert back["value"].tolist() == ["'" + p for p in PAYLOADS]
    assert back["row"].tolist() == [str(k) for k in range(6)]


# --------------------------------------------------------------------------- clean failures


def _bad_yaml(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("dimensions: [1,\n", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["compute", "{ds}", "--granularity", "day"], "The value for `granularity` must be one of"),
        (["compute", "{ds}", "--level", "region"], "The value for `level` must be one of"),
        (["compute", "{ds}", "--out", "{tmp}/ind.xlsx"], "`--out` must be a file ending in .csv"),
        (["compute", "{ds}", "--out", "{tmp}"], "is a folder; give a file name"),
        (["compute", "{tmp}/nope"], "does not exist"),
        (["validate", "{tmp}/nope"], "does not exist"),
        (["validate", "{ds}", "--quarantine-out", "{tmp}"], "is a folder"),
        (["scheme", "check", "{tmp}/nope.yaml"], "does not exist"),
        (["scheme", "check", "{bad_yaml}"], "not valid YAML"),
        (["scheme", "check", "default", "--dataset", "{tmp}/nope"], "does not exist"),
        (["import", "--mapping", "{tmp}/nope.yaml", "{tmp}", "{tmp}/out"], "does not exist"),
        (["import", "--mapping", "{bad_yaml}", "{tmp}", "{tmp}/out"], "not valid YAML"),
        (["indicators", "--language", "xx"], "The value for `language` must be one of"),
        (["synth", "--preset", "nope", "--out", "{tmp}/s"], "The value for `preset`"),
    ],
)
def test_user_errors_are_one_paragraph_and_exit_2(argv, expected, tmp_path, capsys):
    ds = tmp_path / "ds"
    ds.mkdir()
    fill = {"tmp": str(tmp_path), "ds": str(ds), "bad_yaml": _bad_yaml(tmp_path)}
    argv = [a.format(**fill) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and expected in err
    assert "Traceback" not in err and "\n\n" not in err.strip()


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/x/ind.csv"), "free some space"),
        (PermissionError(errno.EACCES, "Permission denied", "/x/ind.csv"), "Permission denied"),
    ],
)
def test_write_failures_are_user_errors(exc, expected, tmp_path, monkeypatch, capsys):
    import kpi_lib.data.load as load
    import kpi_lib.indicators.engine as engine
    import kpi_lib.run.cli as cli

    def fail(*a, **k):
        raise exc

    monkeypatch.setattr(load, "load_dataset", lambda *a, **k: object())
    monkeypatch.setattr(engine, "compute_indicators", lambda *a, **k: _payload_table())
    monkeypatch.setattr(cli, "write_csv", fail)
    assert main(["compute", "ds", "--out", str(tmp_path / "ind.csv")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: /x/ind.csv: ") and expected in err


@pytest.mark.parametrize(
    "argv",
    [
        ["--debug", "compute", "{tmp}", "--granularity", "day"],
        ["compute", "{tmp}", "--granularity", "day", "--debug"],
        ["scheme", "check", "--debug", "{tmp}/nope.yaml"],
    ],
)
def test_debug_shows_the_traceback(argv, tmp_path):
    with pytest.raises((ValueError, FileNotFoundError)):
        main([a.format(tmp=tmp_path) for a in argv])


def test_help_documents_exit_codes_and_review_list_settings_still_works(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes:" in out and "2  user error" in out and "--debug" in out
    assert main(["review", "--list-settings"]) == 0
    assert "Review settings" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main(["compute"])  # a malformed command line: argparse's usage, code 2
    assert info.value.code == 2


def _scheme_file(tmp_path, weights: dict) -> str:
    dims = {
        "performance": {"sales_amount": 70, "repurchase_rate": 30},
        "quality": {"satisfaction_rate": 70, "complaints_per_100": 30},
        "efficiency": {"effective_calls": 100},
    }
    body = {
        "name": "mis_summed",
        "dimensions": {d: {"weight": w, "indicators": dims[d]} for d, w in weights.items()},
    }
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(body), encoding="utf-8")
    return str(path)


def test_scheme_check_reports_rescaled_weights_and_fails_on_errors(tmp_path, monkeypatch, capsys):
    import kpi_lib.data.load as load
    import kpi_lib.indicators.engine as engine

    path = _scheme_file(tmp_path, {"performance": 50, "quality": 30, "efficiency": 40})
    assert main(["scheme", "check", path]) == 0  # a warning: relative weights are rescaled
    out = capsys.readouterr().out
    assert "weights_rescaled" in out and "sum to 120" in out
    # an error finding (an indicator the dataset cannot provide) exits 2 and says so
    monkeypatch.setattr(load, "load_dataset", lambda *a, **k: object())
    monkeypatch.setattr(
        engine, "unavailable_indicators", lambda data: pd.DataFrame({"indicator": ["sales_amount"]})
    )
    assert main(["scheme", "check", path, "--dataset", "ds"]) == 2
    captured = capsys.readouterr()
    assert "indicator_unavailable" in captured.out
    assert captured.err.startswith("error: the scheme has 1 error(s): indicator_unavailable")


# ------------------------------------------------------------ issue 16: kpi compute --out


def test_compute_out_into_a_missing_folder(tmp_path, monkeypatch, capsys):
    """A missing folder in --out is created; a folder name, or a file standing where a folder
    should be, is one paragraph (exit 2) before anything is computed."""
    import kpi_lib.data.load as load
    import kpi_lib.indicators.engine as engine

    calls = []
    monkeypatch.setattr(load, "load_dataset", lambda *a, **k: object())
    monkeypatch.setattr(
        engine, "compute_indicators", lambda *a, **k: calls.append(1) or _payload_table()
    )
    out = tmp_path / "new" / "deeper" / "ind.csv"
    assert main(["compute", "ds", "--out", str(out)]) == 0
    assert out.is_file() and (out.parent / "ind.csv").is_file()
    capsys.readouterr()
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    for bad, expected in (
        (tmp_path / "missing_folder", "does not exist and is not a file name"),
        (tmp_path / "afile" / "ind.csv", "is a file, not a folder"),
    ):
        calls.clear()
        assert main(["compute", "ds", "--out", str(bad)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and expected in err, err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert not calls  # refused before computing


# ------------------------------------------------------- issue 16: review failure messages

# the traceback a Jupyter kernel stores for `y = f(-1)` on line 6 (ANSI colours as stored)
_KERNEL_TRACEBACK = [
    "\x1b[31m-------------------------------------------------------------\x1b[39m",
    "\x1b[31mValueError\x1b[39m                    Traceback (most recent call last)",
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 6\x1b[39m\n"
    "\x1b[32m      5\x1b[39m     return math.sqrt(x)\n"
    "\x1b[32m----> \x1b[39m\x1b[32m6\x1b[39m y = f(-\x1b[32m1\x1b[39m)\n",
    "\x1b[36mCell\x1b[39m\x1b[36m \x1b[39m\x1b[32mIn[3]\x1b[39m\x1b[32m, line 5\x1b[39m, in f(x)\n"
    "\x1b[32m----> \x1b[39m\x1b[32m5\x1b[39m     return math.sqrt(x)\n",
    "\x1b[31mValueError\x1b[39m: math domain error",
]
_CELL = "%matplotlib inline\nimport math\n\ndef f(x):\n    return math.sqrt(x)\ny = f(-1)\nprint(y)"


def _failed_notebook(path, traceback):
    import nbformat

    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["injected-parameters"]
    cell = nbformat.v4.new_code_cell(_CELL)
    cell.outputs = [
        nbformat.v4.new_output(
            "error", ename="ValueError", evalue="math domain error", traceback=traceback
        )
    ]
    nb.cells = [nbformat.v4.new_code_cell("import pandas"), params, cell]
    nbformat.write(nb, str(path))
    return path


def test_failure_message_quotes_the_failing_line(tmp_path):
    from kpi_lib.run.runner import _failed_cell

    nb = _failed_notebook(tmp_path / "f.ipynb", _KERNEL_TRACEBACK)
    where = _failed_cell(nb)
    assert where == "cell 2 (ValueError: math domain error; line 6: 'y = f(-1)')"
    assert "matplotlib" not in where
    # a kernel that stores no frames: the cell's last line of code, never a magic
    bare = _failed_cell(_failed_notebook(tmp_path / "g.ipynb", ["ValueError: math domain"]))
    assert bare.endswith("'print(y)')") and "matplotlib" not in bare


def test_failure_message_speaks_of_a_last_good_report_only_when_there_is_one(tmp_path):
    from types import SimpleNamespace

    from kpi_lib.run.runner import ReviewFailed, _keep_failed

    spec = SimpleNamespace(cycle="monthly", period="2026-09")
    out_root = tmp_path / "reports"
    target = out_root / "monthly" / "2026-09"
    target.mkdir(parents=True)  # a folder, but no report in it
    nb = _failed_notebook(tmp_path / "bad.ipynb", _KERNEL_TRACEBACK)
    with pytest.raises(ReviewFailed) as info:
        _keep_failed("bad", nb, "boom", spec, out_root, target, "s1")
    assert "last good report" not in str(info.value)
    assert "Nothing was published; the failed notebook is kept in" in str(info.value)
    (target / "manifest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ReviewFailed) as info:
        _keep_failed("bad", nb, "boom", spec, out_root, target, "s2")
    assert f"The last good report in {target} is unchanged" in str(info.value)
    assert "line 6: 'y = f(-1)'" in str(info.value)


def test_compute_on_imported_agent_day_totals(tmp_path, capsys):
    """`kpi compute` on a folder imported with an `agent_days` block computes from the totals
    (the contract's calls and orders are declared empty there)."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "daily_report_oct.csv").write_text(
        "Agent;Team;Day;Calls;Answered;Talk time;Answered talk (s);Orders;Revenue\n"
        "1001;North;01.10.2026;84;31;3:12:40;10850;3;1.280,50\n"
        "1001;North;02.11.2026;60;20;2:00:00;7000;-;0\n",
        encoding="utf-8",
    )
    mapping = project_root() / "params" / "mappings" / "example_agent_days.yaml"
    out = tmp_path / "ds"
    assert main(["import", "--mapping", str(mapping), str(export), str(out)]) == 0
    table = tmp_path / "ind.csv"
    args = ["compute", str(out), "--granularity", "quarter", "--out", str(table)]
    assert main(args) == 0
    assert "agent-day totals" in capsys.readouterr().out
    ind = pd.read_csv(table).set_index("indicator")
    assert ind.loc["dials", "value"] == 144 and ind.loc["connect_rate", "value"] == 51 / 144
