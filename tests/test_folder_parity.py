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


# -- issue 15: the cheap proofs (keys in file order, footer statistics) never hide a row


def _write_ids(path: Path, ids, *, row_group_size=None) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"k": ids}), path, row_group_size=row_group_size)


@pytest.mark.parametrize(
    ("ids", "distinct"),
    [
        (["a1", "a2", "b", "c"], True),
        ([None, "a1", None, "a2", "a3"], True),  # nulls are not keys
        (["", "a", "b"], True),  # an empty string is missing; it can occur once at most here
        (["a1", "a2", "a2", "a3"], False),  # equal neighbours
        (["a2", "a1", "a3"], False),  # distinct but not in order: not proven
        (["a1", "a3", "a2", "a1"], False),
        ([], True),
    ],
)
def test_keys_in_file_order_are_proven_distinct_only_when_strictly_increasing(
    tmp_path, ids, distinct
):
    import pyarrow as pa

    path = tmp_path / "t.parquet"
    _write_ids(path, pa.array(ids, type=pa.string()), row_group_size=2)  # steps across groups
    assert folder_module._distinct_in_file_order(path, "k", "VARCHAR") is distinct


def test_keys_in_file_order_across_parts_and_types(tmp_path):
    import pyarrow as pa

    parts = tmp_path / "t"
    parts.mkdir()
    _write_ids(parts / "part-0.parquet", pa.array(["c1", "c2"]))
    _write_ids(parts / "part-1.parquet", pa.array(["a1", "b9"]))  # disjoint, named out of order
    assert folder_module._distinct_in_file_order(parts / "*.parquet", "k", "VARCHAR")
    _write_ids(parts / "part-2.parquet", pa.array(["b1", "c1"]))  # c1 again, in another part
    assert not folder_module._distinct_in_file_order(parts / "*.parquet", "k", "VARCHAR")
    ints = tmp_path / "ints.parquet"
    _write_ids(ints, pa.array([3, 7, 1_000_000], type=pa.int64()))
    assert folder_module._distinct_in_file_order(ints, "k", "BIGINT")
    _write_ids(ints, pa.array([3, 7, 7], type=pa.int64()))
    assert not folder_module._distinct_in_file_order(ints, "k", "BIGINT")
    floats = tmp_path / "floats.parquet"
    _write_ids(floats, pa.array([1.0, 2.0]))
    assert not folder_module._distinct_in_file_order(floats, "k", "DOUBLE")  # never proven


@pytest.mark.parametrize("layout", ["sorted", "shuffled", "parts"])
def test_duplicate_ids_found_whatever_the_order_of_the_keys(small_sample, tmp_path, layout):
    """A duplicated call id in a file sorted by key (equal neighbours), in a shuffled file
    (the order proves nothing) and in two parts each sorted (the parts' ranges overlap) is
    quarantined like the loader does; the ids of the other tables, sorted, are proven
    distinct without the hash check."""
    folder = tmp_path / layout
    shutil.copytree(small_sample, folder)
    calls = pd.read_parquet(folder / "calls.parquet").sort_values("call_id")
    twin = calls.iloc[[len(calls) // 2]].assign(duration_s=1)
    calls = pd.concat([calls, twin]).sort_values("call_id", kind="stable")
    if layout == "shuffled":
        calls = calls.sample(frac=1.0, random_state=3)
    (folder / "calls.parquet").unlink()
    if layout == "parts":
        (folder / "calls").mkdir()
        calls = calls.reset_index(drop=True)
        at = int(np.flatnonzero(calls.call_id.duplicated().to_numpy())[0])
        calls.iloc[:at].to_parquet(folder / "calls" / "part-0.parquet", index=False)
        calls.iloc[at:].to_parquet(folder / "calls" / "part-1.parquet", index=False)
    else:
        calls.to_parquet(folder / "calls.parquet", index=False, row_group_size=1000)
    report = assert_same(folder).set_index(["table", "reason"])["rows"]
    assert report["calls", "call_id: duplicate id"] == 2


def test_rows_outside_the_footer_statistics_are_still_checked(small_sample, tmp_path):
    """Bad values in one row group among many, in a file written without statistics and as
    floats (a NaN is missing; statistics do not count NaNs) are quarantined as the loader
    does: a rule is skipped only when the file's types and statistics prove it clean."""
    folder = tmp_path / "stats"
    shutil.copytree(small_sample, folder)
    calls = pd.read_parquet(folder / "calls.parquet")
    calls.loc[calls.index[-1], "duration_s"] = 99_999  # implausible, in the last row group
    calls.loc[calls.index[5], "intent_rating"] = 7  # above the maximum, in the first one
    calls.loc[calls.index[7], "outcome"] = "voicemail"
    calls.to_parquet(folder / "calls.parquet", index=False, row_group_size=500)
    orders = pd.read_parquet(folder / "orders.parquet")
    orders["amount"] = orders["amount"].astype("float64")
    orders.loc[orders.index[0], "amount"] = np.nan  # a required float that is NaN
    orders.loc[orders.index[1], "amount"] = -5.0
    orders.to_parquet(folder / "orders.parquet", index=False, write_statistics=False)
    report = assert_same(folder).set_index(["table", "reason"])["rows"]
    assert report["calls", "duration_s: duration above maximum (14400 s)"] == 1
    assert report["calls", "intent_rating: above the maximum 3"] == 1
    assert report.xs("calls").filter(like="outcome: not one of").sum() == 1
    assert report["orders", "amount: missing value in a required column"] == 1
    assert report.xs("orders").filter(like="amount: below the minimum").sum() == 1


def test_footer_statistics_prove_only_what_the_coercion_makes_certain():
    from kpi_lib.data.rules import Bounds, Rule

    bounds = Bounds(14_400, pd.Timestamp("2000-01-01"), pd.Timestamp("2030-01-01"), {}, None)

    def clean(check, kind, raw_type, stats, args=()):
        rule = Rule("calls", "x", check, "reason", args)
        return folder_module._proven_clean(rule, kind, raw_type, stats, bounds)

    assert clean("parse", "timestamp", "TIMESTAMP", None)
    assert not clean("parse", "timestamp", "VARCHAR", None)
    assert not clean("parse", "integer", "DOUBLE", None)  # 1.5 is not a whole number
    assert clean("non_finite", "number", "INTEGER", None)
    assert clean("non_finite", "number", "DOUBLE", (0.0, 5.0, 0))
    assert not clean("non_finite", "number", "DOUBLE", (0.0, float("inf"), 0))
    assert not clean("non_finite", "number", "DOUBLE", None)
    assert clean("required", "id", "VARCHAR", ("A1", "A9", 0))
    assert not clean("required", "id", "VARCHAR", ("", "A9", 0))  # '' is missing
    assert not clean("required", "id", "VARCHAR", ("A1", "A9", 2))
    assert not clean("required", "number", "DOUBLE", (1.0, 2.0, 0))  # NaN not counted
    assert clean("required", "number", "BIGINT", (1, 2, 0))
    assert clean("minimum", "number", "INTEGER", (0, 10, 3), (0,))
    assert not clean("minimum", "number", "INTEGER", (-1, 10, 0), (0,))
    assert not clean("maximum", "integer", "TINYINT", (0, 4, 0), (3,))
    assert not clean("max_duration", "number", "INTEGER", (0, 14_401, 0))
    assert clean("max_duration", "number", "INTEGER", (0, 14_400, 0))
    assert not clean("maximum", "number", "INTEGER", None, (3,))  # no statistics
    early = pd.Timestamp("1999-01-01").to_pydatetime()
    late = pd.Timestamp("2026-01-01").to_pydatetime()
    assert not clean("before_earliest", "timestamp", "TIMESTAMP", (early, late, 0))
    assert not clean("after_latest", "timestamp", "TIMESTAMP_NS", (late, late, 0))
    assert clean("allowed", "text", "VARCHAR", ("a", "a", 0), ("a", "b"))
    assert not clean("allowed", "text", "VARCHAR", ("a", "c", 0), ("a", "b", "c"))
