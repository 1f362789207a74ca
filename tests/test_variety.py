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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# ------------------------------------------------------------------ any small contract dataset


OPTIONAL = ("surveys", "qa_reviews", "complaints", "targets")


@st.composite
def contract_datasets(draw):
    """A small valid dataset: 2-6 agents in 1-3 teams, 1-3 months from 2026-08 (the last one
    possibly cut short), any subset of the optional tables. Row values come from a seeded
    generator (hypothesis chooses the shape and the seed), so examples stay small and fast."""
    n_agents = draw(st.integers(2, 6))
    n_teams = draw(st.integers(1, min(3, n_agents)))
    months = draw(st.integers(1, 3))
    last_day = draw(st.sampled_from([31, 12]))  # a complete last month, or one cut short
    optional = draw(st.sets(st.sampled_from(OPTIONAL)))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2026-08-01")
    end = (start + pd.DateOffset(months=months)) - pd.Timedelta(days=1)
    if last_day == 12:
        end = end.replace(day=12)
    days = pd.bdate_range(start, end)
    agents = pd.DataFrame(
        {
            "agent_id": [f"A{i:02d}" for i in range(n_agents)],
            "agent_name": [f"Agent {i}" for i in range(n_agents)],
            "team_id": [f"T{i % n_teams}" for i in range(n_agents)],
        }
    )
    rows = []
    for agent in agents["agent_id"]:
        per_day = rng.integers(3, 25)
        for day in days:
            n = rng.poisson(per_day)
            seconds = np.sort(rng.integers(9 * 3600, 18 * 3600, size=n))
            for s in seconds:
                rows.append((agent, day + pd.Timedelta(seconds=int(s))))
    calls = pd.DataFrame(rows, columns=["agent_id", "started_at"])
    n = len(calls)
    connected = rng.random(n) < rng.uniform(0.2, 0.7)
    calls["call_id"] = [f"C{i:07d}" for i in range(n)]
    calls["outcome"] = np.where(connected, "connected", rng.choice(["no_answer", "busy"], n))
    calls["duration_s"] = np.where(connected, rng.lognormal(4.5, 0.8, n).round(), 0)
    calls["need_captured"] = connected & (rng.random(n) < 0.5)
    calls["customer_id"] = [f"K{i:07d}" for i in rng.integers(0, max(n // 2, 1), n)]
    sold = calls[connected & (rng.random(n) < 0.1)]
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i:07d}" for i in range(len(sold))],
            "agent_id": sold["agent_id"].to_numpy(),
            "customer_id": sold["customer_id"].to_numpy(),
            "ordered_at": (sold["started_at"] + pd.Timedelta(minutes=5)).to_numpy(),
            "amount": rng.gamma(2.0, 400.0, len(sold)).round(2),
        }
    )
    tables = {"agents": agents, "calls": calls, "orders": orders}
    talked = calls[connected]
    if "surveys" in optional and len(talked):
        s = talked.sample(frac=0.2, random_state=seed % 1000)
        tables["surveys"] = pd.DataFrame(
            {
                "survey_id": [f"S{i:07d}" for i in range(len(s))],
                "agent_id": s["agent_id"].to_numpy(),
                "answered_at": (s["started_at"] + pd.Timedelta(minutes=10)).to_numpy(),
                "score": rng.integers(1, 6, len(s)),
                "call_id": s["call_id"].to_numpy(),
            }
        )
    if "qa_reviews" in optional and len(talked):
        q = talked.sample(frac=0.1, random_state=seed % 997)
        tables["qa_reviews"] = pd.DataFrame(
            {
                "review_id": [f"R{i:07d}" for i in range(len(q))],
                "call_id": q["call_id"].to_numpy(),
                "agent_id": q["agent_id"].to_numpy(),
                "reviewed_at": (q["started_at"] + pd.Timedelta(hours=2)).to_numpy(),
                "reviewer": rng.choice(["QA-1", "QA-2"], len(q)),
                "compliant": rng.random(len(q)) < 0.9,
                "effective": rng.random(len(q)) < 0.7,
            }
        )
    if "complaints" in optional and len(talked):
        c = talked.sample(frac=0.02, random_state=seed % 991)
        tables["complaints"] = pd.DataFrame(
            {
                "complaint_id": [f"P{i:07d}" for i in range(len(c))],
                "agent_id": c["agent_id"].to_numpy(),
                "opened_at": (c["started_at"] + pd.Timedelta(days=1)).to_numpy(),
                "customer_id": c["customer_id"].to_numpy(),
            }
        )
    if "targets" in optional:
        periods = pd.period_range(start, end, freq="M").astype(str)
        tables["targets"] = pd.DataFrame(
            [
                {
                    "period": p,
                    "scope": "agent",
                    "scope_id": a,
                    "indicator": "sales_amount",
                    "target": float(rng.integers(5, 40) * 1000),
                }
                for p in periods
                for a in agents["agent_id"]
            ]
        )
    return tables


@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(tables=contract_datasets())
def test_any_small_contract_dataset_gets_a_monthly_review(tables, tmp_path_factory):
    """Whatever shape hypothesis draws, a dataset the loader accepts gets a review: scored,
    with the decisions it can support and a reason for each it cannot."""
    from kpi_lib.data.load import load_dataset
    from kpi_lib.review import compute_review, prepare_spec

    folder = tmp_path_factory.mktemp("hypothesis")
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "dataset.yaml").write_text("name: drawn\ntimezone: Asia/Shanghai\n")
    data = load_dataset(folder)
    assert len(data["calls"]) == len(tables["calls"])  # nothing in it is invalid
    spec, data = prepare_spec(
        params_files=[project_root() / "params" / "monthly.yaml"],
        dataset=str(folder),
        overrides={"draws": 20, "n_boot": 10},
    )
    review = compute_review(spec, data)
    assert set(review.leaderboard["agent_id"]) <= set(tables["agents"]["agent_id"])
    assert len(review.leaderboard) > 0
    skipped = {n["section"] for n in review.notes if n.get("code") == "skipped"}
    for section in ("bonus", "commission", "certification", "pip", "coaching"):
        table = getattr(review, section)
        assert len(table) > 0 or section in skipped or section == "pip", section
