"""One review, one truth: every page of a review shows the same numbers and specification.

The pages record what they show (``kpi_lib.report.page.record``); these tests read the
executed notebooks back and compare page with page.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from kpi_lib.run.runner import recorded_values, run_review

MONTHLY = ["period_review", "scorecard", "conflict_diagnosis", "data_quality"]


@pytest.fixture(scope="module")
def small_dataset(tmp_path_factory):
    from kpi_lib.data.synth import generate

    folder = tmp_path_factory.mktemp("small")
    generate(folder, agents=30, months=4, seed=11, start="2026-07")
    return folder


@pytest.fixture(scope="module")
def custom_rule(tmp_path_factory):
    path = tmp_path_factory.mktemp("defs") / "definitions.yaml"
    path.write_text("effective_min_talk_s: 120\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def monthly(small_dataset, custom_rule, tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    return run_review(
        params_files=["params/monthly.yaml"],
        dataset=str(small_dataset),
        overrides={"draws": 100, "n_boot": 30, "definitions": str(custom_rule)},
        output_root=out,
        notebooks=MONTHLY,
        progress=False,
    )


def _pages(result):
    return {
        nb["name"]: recorded_values(result.folder / nb["notebook"])
        for nb in result.manifest["notebooks"]
    }


def test_every_page_ran_with_the_same_specification(monthly):
    pages = _pages(monthly)
    assert set(pages) == set(MONTHLY)
    hashes = {name: values["spec_hash"] for name, values in pages.items()}
    assert set(hashes.values()) == {monthly.manifest["specification_hash"]}, hashes
    for nb in monthly.manifest["notebooks"]:
        assert nb["specification_hash"] == monthly.manifest["specification_hash"]
        html = (monthly.folder / nb["html"]).read_text(encoding="utf-8")
        # each page names its window and its specification in its first lines
        head = html[html.find("<h1") :][:3000]
        assert monthly.manifest["specification_hash"] in head, nb["name"]
        assert nb["window"] and nb["window"][:20] in head.replace("&#x27;", "'"), nb["name"]


def test_every_agent_has_one_composite_tier_bonus_and_pip_status(monthly):
    pages = _pages(monthly)
    shown = {name: pd.DataFrame(v["agents"]) for name, v in pages.items() if "agents" in v}
    assert {"period_review", "scorecard"} <= set(shown)
    cols = ["agent_id", "composite", "tier", "bonus", "pip"]
    reference = shown["period_review"][cols].sort_values("agent_id").reset_index(drop=True)
    assert reference["bonus"].sum() == pytest.approx(100_000.0)
    for name, table in shown.items():
        got = table[cols].sort_values("agent_id").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, reference, obj=name)


def test_conflict_window_is_the_look_back_ending_with_the_period(monthly):
    spec = monthly.manifest["specification"]
    assert spec["windows"]["conflict_to"] == "2026-10"
    assert spec["windows"]["conflict_periods"] == 4  # the data holds four months
    window = next(
        nb["window"] for nb in monthly.manifest["notebooks"] if nb["name"] == "conflict_diagnosis"
    )
    assert "4 months ending 2026-10" in window


def test_a_custom_effective_call_rule_reaches_every_page(monthly):
    for name, values in _pages(monthly).items():
        assert values["effective_min_talk_s"] == 120, name
    defs = monthly.manifest["specification"]["settings"]["definitions"]
    assert defs.endswith("definitions.yaml")


def test_kpi_review_runs_from_outside_the_repository(tmp_path):
    """The shipped sample, schemes and notebooks are found from any working directory."""
    env = {k: v for k, v in os.environ.items() if k != "KPI_PROJECT_ROOT"}
    kpi = Path(sys.executable).with_name("kpi")
    proc = subprocess.run(
        [str(kpi), "review", "--notebooks", "period_review", "--out", str(tmp_path / "out"),
         "--quiet", "--set", "draws=50", "--set", "n_boot=20"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    manifest = next((tmp_path / "out" / "monthly").glob("*/manifest.json"))
    data = json.loads(manifest.read_text())
    assert data["dataset"] == "(shipped sample)"
    assert data["notebooks"][0]["status"] == "ok"


def test_a_team_review_shows_that_team_only_and_no_server_paths(small_dataset, tmp_path):
    from kpi_lib.data.load import load_dataset

    agents = load_dataset(small_dataset).agents
    team = sorted(agents["team_id"].unique())[0]
    others = set(agents.loc[agents["team_id"] != team, "agent_id"])
    result = run_review(
        params_files=["params/monthly.yaml"],
        dataset=str(small_dataset),
        overrides={"draws": 50, "n_boot": 20, "team": team},
        output_root=tmp_path / "out",
        notebooks=["period_review", "scorecard", "data_quality"],
        progress=False,
    )
    server_folder = str(small_dataset.parent)
    for path in result.folder.iterdir():
        if path.suffix not in (".html", ".ipynb", ".json", ".csv"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        leaked = sorted(a for a in others if a in text)
        assert not leaked, f"{path.name} shows agents of other teams: {leaked[:5]}"
        assert server_folder not in text, f"{path.name} carries the server path {server_folder}"
    outcomes = pd.DataFrame(recorded_values(result.folder / "scorecard.ipynb")["agents"])
    assert set(outcomes["agent_id"]) <= set(agents.loc[agents["team_id"] == team, "agent_id"])
