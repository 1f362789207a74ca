"""The `kpi` command: each sub-command wraps a kpi_lib function and exits with a clear code."""

from __future__ import annotations

import pandas as pd
import pytest

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
    assert "Every source row accounted for" in printed
    assert (out / "orders.parquet").is_file()
