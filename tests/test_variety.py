"""Dataset-variety matrix: every review cycle, and every review notebook, on every shape of
valid data a team may bring (issue 16).

Each case is derived from one small generated dataset by what real exports do: other file
formats, missing optional tables, one month, a period cut short, three agents, one team,
one QA reviewer, an indicator without variance, agents joining and leaving mid-period.
``kpi validate`` accepts each; a review must then run to the end, saying what it skipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_lib.data.contract import CONTRACT
from kpi_lib.paths import project_root

TIMES = {
    name: [c.name for c in table.columns if c.kind in ("timestamp", "date")]
    for name, table in CONTRACT.items()
}


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}


def _write(tables: dict[str, pd.DataFrame], folder: Path, base: Path, fmt: str = "parquet"):
    folder.mkdir(parents=True)
    shutil.copy(base / "dataset.yaml", folder / "dataset.yaml")
    if fmt == "xlsx":
        with pd.ExcelWriter(folder / "export.xlsx", engine="openpyxl") as writer:
            for name, df in tables.items():
                df = df.copy()
                for col in TIMES.get(name, []):
                    if col in df and isinstance(df[col].dtype, pd.DatetimeTZDtype):
                        # Excel has no time zones: local wall-clock time, as CRMs export it
                        df[col] = df[col].dt.tz_localize(None)
                df.to_excel(writer, sheet_name=name, index=False)
        return folder
    for name, df in tables.items():
        if fmt == "csv":
            df.to_csv(folder / f"{name}.csv", index=False)
        else:
            df.to_parquet(folder / f"{name}.parquet", index=False)
    return folder


def _before(tables, cut: pd.Timestamp) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        cols = [c for c in TIMES.get(name, []) if c in df and c != "hire_date"]
        if cols:
            col = pd.to_datetime(df[cols[0]], utc=True)
            df = df[col < cut.tz_convert("UTC")]
        out[name] = df.reset_index(drop=True)
    return out


def _since(tables, start: pd.Timestamp) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        cols = [c for c in TIMES.get(name, []) if c in df and c != "hire_date"]
        if cols:
            col = pd.to_datetime(df[cols[0]], utc=True)
            df = df[col >= start.tz_convert("UTC")]
        out[name] = df.reset_index(drop=True)
    if "targets" in out:
        month = start.strftime("%Y-%m")
        out["targets"] = out["targets"][out["targets"]["period"].astype(str) >= month]
    return out


def _agents_only(tables, keep: set[str]) -> dict[str, pd.DataFrame]:
    out = {}
    for name, df in tables.items():
        if "agent_id" in df and name != "targets":
            df = df[df["agent_id"].isin(keep)]
        out[name] = df.reset_index(drop=True)
    calls = set(out["calls"]["call_id"])
    for name in ("qa_reviews", "surveys"):
        if name in out and "call_id" in out[name]:
            out[name] = out[name][out[name]["call_id"].isna() | out[name]["call_id"].isin(calls)]
    if "targets" in out:
        t = out["targets"]
        teams = set(out["agents"]["team_id"])
        keep_rows = ((t["scope"] == "agent") & t["scope_id"].isin(keep)) | (
            (t["scope"] == "team") & t["scope_id"].isin(teams)
        )
        out["targets"] = t[keep_rows | ~t["scope"].isin(["agent", "team"])]
    return out


def _without(*names):
    return lambda t: {k: v for k, v in t.items() if k not in names}


def _one_team(t):
    t = dict(t)
    first = sorted(t["agents"]["team_id"].unique())[0]
    t["agents"] = t["agents"].assign(team_id=first)
    if "targets" in t:
        team_rows = t["targets"]["scope"] == "team"
        t["targets"] = t["targets"][~team_rows | (t["targets"]["scope_id"] == first)]
    return t


def _one_reviewer(t):
    t = dict(t)
    t["qa_reviews"] = t["qa_reviews"].assign(reviewer="QA-1")
    return t


def _flat_surveys(t):
    t = dict(t)
    top = t["surveys"]["score"].max()
    t["surveys"] = t["surveys"].assign(score=top)
    return t


def _joiners_and_leavers(t):
    """One agent hired in the middle of the last month, one gone after the first days."""
    t = dict(t)
    agents = t["agents"].copy()
    calls = t["calls"]
    last = pd.to_datetime(calls["started_at"]).max()
    month = last.to_period("M").start_time.tz_localize(last.tz)
    joiner, leaver = agents["agent_id"].iloc[0], agents["agent_id"].iloc[1]
    hired = (month + pd.Timedelta(days=14)).tz_localize(None).normalize()
    agents.loc[agents["agent_id"] == joiner, "hire_date"] = hired
    agents.loc[agents["agent_id"] == leaver, "active"] = False
    t["agents"] = agents
    cut_joiner = month + pd.Timedelta(days=14)
    cut_leaver = month + pd.Timedelta(days=3)
    for name, df in t.items():
        cols = [c for c in TIMES.get(name, []) if c in df and c != "hire_date"]
        if not cols or "agent_id" not in df:
            continue
        when = pd.to_datetime(df[cols[0]])
        drop = ((df["agent_id"] == joiner) & (when < cut_joiner)) | (
            (df["agent_id"] == leaver) & (when >= cut_leaver)
        )
        t[name] = df[~drop].reset_index(drop=True)
    return _agents_only(t, set(t["agents"]["agent_id"]))


@pytest.fixture(scope="session")
def base(tmp_path_factory):
    """24 agents in 3 teams... from the generator: 4 months, 2026-07 to 2026-10."""
    from kpi_lib.data.synth import generate

    folder = tmp_path_factory.mktemp("variety_base")
    generate(folder, agents=24, months=4, seed=11, start="2026-07")
    return folder


def _cases(base: Path) -> dict[str, Path]:
    tables = _read(base)
    tz = "Asia/Shanghai"
    last_month = pd.Timestamp("2026-10-01", tz=tz)
    agents = sorted(tables["agents"]["agent_id"])
    recipes = {
        "parquet": (lambda t: t, "parquet"),
        "csv": (lambda t: t, "csv"),
        "xlsx": (lambda t: t, "xlsx"),
        "no_surveys": (_without("surveys"), "parquet"),
        "no_qa": (_without("qa_reviews"), "parquet"),
        "no_targets": (_without("targets"), "parquet"),
        "minimal": (
            _without(
                "surveys", "qa_reviews", "complaints", "proposals", "trainings", "targets", "leads"
            ),
            "csv",
        ),
        "one_month": (lambda t: _since(t, last_month), "parquet"),
        "partial_last_month": (lambda t: _before(t, pd.Timestamp("2026-10-13", tz=tz)), "parquet"),
        "three_agents": (lambda t: _agents_only(t, set(agents[:3])), "parquet"),
        "one_team": (_one_team, "parquet"),
        "one_reviewer": (_one_reviewer, "parquet"),
        "flat_surveys": (_flat_surveys, "parquet"),
        "joiners_leavers": (_joiners_and_leavers, "parquet"),
    }
    return recipes


CASES = [
    "parquet",
    "csv",
    "xlsx",
    "no_surveys",
    "no_qa",
    "no_targets",
    "minimal",
    "one_month",
    "partial_last_month",
    "three_agents",
    "one_team",
    "one_reviewer",
    "flat_surveys",
    "joiners_leavers",
]


@pytest.fixture(scope="session")
def variety(base, tmp_path_factory):
    root = tmp_path_factory.mktemp("variety")
    tables = _read(base)
    folders = {}
    for name, (recipe, fmt) in _cases(base).items():
        folders[name] = _write(recipe(tables), root / name, base, fmt)
    return folders


CYCLES = ["monthly", "weekly", "quarterly", "annual"]


@pytest.mark.parametrize("case", CASES)
def test_every_case_is_valid_data(variety, case):
    from kpi_lib.data.load import load_dataset

    data = load_dataset(variety[case])
    assert len(data["calls"]) > 0
    report = data.load_report
    totals = report[report.reason == ""]
    assert (totals["rows_read"] == totals["rows_used"] + totals["rows_quarantined"]).all()


@pytest.mark.parametrize("cycle", CYCLES)
@pytest.mark.parametrize("case", CASES)
def test_every_cycle_reviews_every_case(variety, case, cycle):
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(
        params_files=[project_root() / "params" / f"{cycle}.yaml"],
        dataset=str(variety[case]),
        overrides={"draws": 20, "n_boot": 10},
    )
    review = compute_review(spec, data)
    assert review.period == spec.period
    assert len(review.leaderboard) > 0
    # decisions a partial or thin period cannot support are skipped with a reason, not made
    for note in review.notes:
        assert "code" in note


def test_csv_xlsx_and_parquet_give_identical_numbers(variety):
    from kpi_lib.data.load import load_dataset
    from kpi_lib.indicators import compute_indicators

    tables = {}
    for case in ("parquet", "csv", "xlsx"):
        out = compute_indicators(load_dataset(variety[case]), granularity="month")
        tables[case] = out.sort_values(list(out.columns[:4])).reset_index(drop=True)
    pd.testing.assert_frame_equal(tables["parquet"], tables["csv"], check_dtype=False)
    pd.testing.assert_frame_equal(tables["parquet"], tables["xlsx"], check_dtype=False)
    assert np.isfinite(tables["parquet"]["value"].dropna()).all()


#: Cases whose whole monthly review (every notebook, through `kpi review`) is run, to keep
#: `make test` short: another file format and the shortest history. Missing optional tables
#: and one QA reviewer are run through every notebook in tests/test_runner.py; every other
#: case goes through the whole computation above.
NOTEBOOK_CASES = ["csv", "one_month"]


@pytest.mark.parametrize("case", NOTEBOOK_CASES)
def test_every_monthly_notebook_runs_on_the_case(variety, case, tmp_path):
    import json

    from kpi_lib.run.runner import run_review

    result = run_review(
        params_files=[project_root() / "params" / "monthly.yaml"],
        dataset=str(variety[case]),
        overrides={"draws": 20, "n_boot": 10},
        output_root=tmp_path / "reports",
        progress=False,
    )
    manifest = json.loads((Path(result.folder) / "manifest.json").read_text())
    assert manifest["status"] == "ok"
    assert all(nb["status"] == "ok" for nb in manifest["notebooks"])
