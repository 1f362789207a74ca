"""One contract, one validated path: a dataset folder read out of core by DuckDB gives what
the in-memory loader gives.

For every dataset case of the reliability corpus (``tests/corpus/build.py``) and for the
shipped sample: ``compute_indicators(load_dataset(d))`` equals ``compute_indicators(d)``
(identical tables) and the folder reader quarantines the same number of rows per table and
reason as the loader (``Source.load_report`` against ``Dataset.load_report``). A case whose
folder the loader refuses is refused by the folder reader too. To stay fast the corpus is
built on a four-agent cut of the sample.
"""

from __future__ import annotations

import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from kpi_lib.data import DatasetError, load_dataset
from kpi_lib.data.contract import CONTRACT
from kpi_lib.datasets import sample_path
from kpi_lib.indicators.catalogue import CATALOGUE
from kpi_lib.indicators.engine import compute_indicators
from kpi_lib.indicators.engine import folder as folder_module
from kpi_lib.indicators.engine.folder import read_folder

sys.path.insert(0, str(Path(__file__).parent))

import corpus.build as corpus  # noqa: E402

AGENTS = ["A0001", "A0002", "A0003", "A0004"]
DATASET_CASES = [c for c in corpus.CASES if c.group == "dataset"]


@pytest.fixture(scope="module")
def small_sample(tmp_path_factory) -> Path:
    """Four agents of the sample (two teams), every table cut to their rows."""
    folder = tmp_path_factory.mktemp("small_sample")
    agents = pd.read_parquet(sample_path() / "agents.parquet")
    teams = set(agents.loc[agents.agent_id.isin(AGENTS), "team_id"])
    for table in CONTRACT:
        df = pd.read_parquet(sample_path() / f"{table}.parquet")
        if table == "targets":
            keep = ((df.scope == "agent") & df.scope_id.isin(AGENTS)) | (
                (df.scope == "team") & df.scope_id.isin(teams)
            )
        else:
            keep = df.agent_id.isin(AGENTS)
        df[keep].reset_index(drop=True).to_parquet(folder / f"{table}.parquet", index=False)
    shutil.copyfile(sample_path() / "dataset.yaml", folder / "dataset.yaml")
    return folder


@pytest.fixture
def corpus_on(small_sample, monkeypatch):
    """Corpus cases built on the small sample instead of the shipped one."""
    monkeypatch.setattr(corpus, "SAMPLE", small_sample)
    corpus._frame.cache_clear()
    corpus._text.cache_clear()
    yield corpus
    corpus._frame.cache_clear()
    corpus._text.cache_clear()


def _report(report: pd.DataFrame) -> pd.DataFrame:
    cols = ["table", "reason", "rows_read", "rows_used", "rows_quarantined", "rows"]
    out = report[cols].copy()
    # without exported_at the bound is the load time, read a moment apart by each reader
    out["reason"] = out["reason"].str.replace(
        r"export \(after \d{4}-\d\d-\d\d \d\d:\d\d\)$", "export (after the load time)", regex=True
    )
    return out.sort_values(["table", "reason"]).reset_index(drop=True)


def assert_same(folder: Path, *, literal: bool = False, **options) -> pd.DataFrame:
    """Both readers, given the indicator catalogue (so targets are checked too): the same
    load report counts and identical indicator tables. ``literal``: also the public call
    ``compute_indicators(folder)`` (no catalogue) against ``compute_indicators(load_dataset(folder))``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = load_dataset(folder, indicators=CATALOGUE, **options)
        in_memory = compute_indicators(ds)
        source = read_folder(Path(folder), options.get("timezone"), indicators=CATALOGUE)
        try:
            out_of_core = compute_indicators(source)
        finally:
            source.con.disconnect()
        if literal:
            assert_frame_equal(
                compute_indicators(folder, **options),
                compute_indicators(load_dataset(folder, **options)),
            )
    assert_frame_equal(_report(source.load_report), _report(ds.load_report))
    assert_frame_equal(out_of_core, in_memory)
    return source.load_report


@pytest.mark.parametrize("case", DATASET_CASES, ids=[c.id for c in DATASET_CASES])
def test_corpus_case_same_on_both_paths(case, corpus_on, tmp_path):
    built = case.build(tmp_path)
    if built.dataset is None:
        pytest.skip("the case builds no dataset folder")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            load_dataset(built.dataset)
    except DatasetError:
        # the loader refuses the folder: so does the out-of-core reader
        with pytest.raises(ValueError), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compute_indicators(built.dataset)
        return
    report = assert_same(built.dataset)
    if case.quarantined:
        summary = report[report.reason == ""].set_index("table")["rows_quarantined"]
        for table, n in case.quarantined.items():
            assert summary[table] == n, table


def test_shipped_sample_same_on_both_paths():
    report = assert_same(sample_path(), literal=True)
    assert report["rows_quarantined"].sum() == 0
    assert report.loc[report.table == "calls", "rows_read"].iloc[0] == 60576


@pytest.mark.parametrize("keys_per_pass", [20_000_000, 1_000])
def test_quarantined_rows_stay_out_of_folder_indicators(
    small_sample, tmp_path, monkeypatch, keys_per_pass
):
    """Orphans, duplicated orders, reviews of calls that do not exist and infinite
    durations are quarantined out of core and do not reach the indicators (duplicates
    also when the keys are checked in several passes, as on a large table)."""
    monkeypatch.setattr(folder_module, "KEYS_PER_PASS", keys_per_pass)
    folder = tmp_path / "bad"
    shutil.copytree(small_sample, folder)
    calls = pd.read_parquet(folder / "calls.parquet")
    orders = pd.read_parquet(folder / "orders.parquet")
    qa = pd.read_parquet(folder / "qa_reviews.parquet")
    extra_calls = calls.head(3).copy()
    extra_calls["call_id"] = ["CX1", "CX2", "CX3"]
    extra_calls["agent_id"] = ["A9999", "A0001", "A0001"]  # an orphan
    extra_calls["duration_s"] = [60.0, np.inf, 1e12]  # infinite, implausible
    pd.concat([calls, extra_calls]).to_parquet(folder / "calls.parquet", index=False)
    pd.concat([orders, orders.head(1)]).to_parquet(folder / "orders.parquet", index=False)
    ghost = qa.head(1).assign(review_id="RX1", call_id="C-GHOST")
    pd.concat([qa, ghost]).to_parquet(folder / "qa_reviews.parquet", index=False)
    report = assert_same(folder, literal=True).set_index(["table", "reason"])["rows"]
    assert report["calls", "agent_id: unknown agent (not in agents.agent_id)"] == 1
    assert report["calls", "duration_s: non-finite number"] == 1
    assert report["calls", "duration_s: duration above maximum (14400 s)"] == 1
    assert report["orders", "order_id: duplicate id"] == 2
    assert report["qa_reviews", "call_id: unknown call (not in calls.call_id)"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = compute_indicators(folder, indicators=["dials", "talk_time_min"])
        clean = compute_indicators(small_sample, indicators=["dials", "talk_time_min"])
    assert "A9999" not in set(out.agent_id)
    assert np.isfinite(out["value"].dropna()).all()
    assert_frame_equal(out, clean)


def _as_csv(source: Path, folder: Path) -> None:
    folder.mkdir(parents=True)
    for table in CONTRACT:
        pd.read_parquet(source / f"{table}.parquet").to_csv(folder / f"{table}.csv", index=False)
    shutil.copyfile(source / "dataset.yaml", folder / "dataset.yaml")


def test_csv_folder_with_an_apostrophe_and_quotes_in_its_name(small_sample, tmp_path):
    folder = tmp_path / "o'brien's \"team\"; DROP TABLE calls" / "export"
    _as_csv(small_sample, folder)
    report = assert_same(folder, literal=True)
    assert set(report["source"]) >= {"calls.csv", "agents.csv"}
    assert report["rows_quarantined"].sum() == 0


def test_all_null_parquet_columns_and_parquet_parts(small_sample, tmp_path):
    folder = tmp_path / "l'équipe"
    shutil.copytree(small_sample, folder)
    calls = pd.read_parquet(folder / "calls.parquet")
    calls["customer_id"] = None  # an optional id column with no value at all
    calls["intent_rating"] = None
    (folder / "calls.parquet").unlink()
    (folder / "calls").mkdir()
    half = len(calls) // 2
    calls.iloc[:half].to_parquet(folder / "calls" / "part-0.parquet", index=False)
    calls.iloc[half:].to_parquet(folder / "calls" / "part-1.parquet", index=False)
    orders = pd.read_parquet(folder / "orders.parquet")
    orders["collected_amount"] = None
    orders.to_parquet(folder / "orders.parquet", index=False)
    report = assert_same(folder)
    assert report.loc[report.table == "calls", "rows_read"].iloc[0] == len(calls)
    assert report["rows_quarantined"].sum() == 0


def test_folder_settings_apply_out_of_core(small_sample, tmp_path):
    """exported_at, plausibility and the timezone argument work as in the loader."""
    folder = tmp_path / "settings"
    shutil.copytree(small_sample, folder)
    (folder / "dataset.yaml").write_text(
        'timezone: Asia/Shanghai\nexported_at: "2026-03-31 12:00"\n'
        "plausibility: {max_duration_s: 600, earliest: 2025-12-01}\n",
        encoding="utf-8",
    )
    report = assert_same(folder).set_index(["table", "reason"])["rows"]
    assert report["calls", "duration_s: duration above maximum (600 s)"] > 0
    assert report["calls", "started_at: timestamp before 2025-12-01"] > 0
    assert (
        report[
            "calls", "started_at: timestamp in the future of the export (after 2026-03-31 12:00)"
        ]
        > 0
    )
    assert_same(folder, timezone="Europe/Lisbon")
