"""Plausibility rules of the loader (kpi_lib.data.load): values that parse but cannot be true.

Each test builds a tiny dataset in ``tmp_path`` and checks the quarantine reason, the raw
value and the row, and that rows read = rows used + rows quarantined for every table.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import pytest

from kpi_lib.data.load import DatasetError, load_dataset, validate_tables

AGENTS = "agent_id,agent_name,team_id\nA1,Ann,T1\nA2,Bo,T1\n"
CALLS = "call_id,agent_id,started_at,duration_s,outcome\n"
ORDERS = "order_id,agent_id,customer_id,ordered_at,amount\nO1,A1,K1,2026-10-01 12:00:00,100\n"
TARGETS = "period,scope,scope_id,indicator,target,threshold,stretch\n"


def make(folder, settings: str | None = None, **tables):
    """A dataset folder with CSV tables (text or bytes) and an optional dataset.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"agents": AGENTS, "orders": ORDERS} | tables
    for name, content in tables.items():
        path = folder / (name if "." in name else f"{name}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if settings is not None:
        (folder / "dataset.yaml").write_text(settings, encoding="utf-8")
    return folder


def calls(*rows: str) -> str:
    return CALLS + "".join(f"{r}\n" for r in rows)


def assert_balanced(ds) -> None:
    summary = ds.load_report[ds.load_report.reason == ""].set_index("table")
    for table, row in summary.iterrows():
        assert row.rows_read == row.rows_used + row.rows_quarantined, table
        assert row.rows_used == len(ds[table]), table
        assert ds.quarantine.query("table == @table")["row"].nunique() == row.rows_quarantined


def quarantined(ds, reason: str) -> pd.DataFrame:
    """Quarantine rows whose reason starts with ``reason``, sorted by row."""
    q = ds.quarantine[ds.quarantine.reason.str.startswith(reason)]
    return q.sort_values("row").reset_index(drop=True)


# ---------------------------------------------------------------------------- numbers


def test_non_finite_numbers_are_quarantined_with_the_raw_text(tmp_path):
    folder = make(
        tmp_path / "ds",
        calls=calls(
            "C1,A1,2026-10-01 09:00,200,connected",
            "C2,A1,2026-10-01 09:05,inf,connected",
            "C3,A1,2026-10-01 09:10,-inf,connected",
            "C4,A2,2026-10-01 09:15,nan,connected",
            "C5,A2,2026-10-01 09:20,Infinity,connected",
        ),
        orders=ORDERS + "O2,A2,K2,2026-10-01 13:00:00,NaN\n",
    )
    ds = load_dataset(folder)
    q = quarantined(ds, "duration_s: non-finite number")
    assert q["row"].tolist() == [1, 2, 3, 4]
    assert q["value"].tolist() == ["inf", "-inf", "nan", "Infinity"]
    assert ds["calls"]["call_id"].tolist() == ["C1"]
    assert quarantined(ds, "amount: non-finite number")["value"].tolist() == ["NaN"]
    # not also reported as unparseable or missing
    assert len(ds.quarantine) == 5
    assert_balanced(ds)


def test_non_finite_floats_in_typed_tables_and_integer_columns(tmp_path):
    ds = validate_tables(
        {
            "agents": pd.DataFrame({"agent_id": ["A1"], "agent_name": ["a"], "team_id": ["T"]}),
            "calls": pd.DataFrame(
                {
                    "call_id": ["1", "2", "3"],
                    "agent_id": ["A1"] * 3,
                    "started_at": pd.to_datetime(["2026-01-01"] * 3),
                    "duration_s": [3.0, np.inf, 5.0],
                    "outcome": ["connected"] * 3,
                    "intent_rating": ["1", "2", "inf"],  # an integer column
                }
            ),
            "orders": pd.DataFrame(
                columns=["order_id", "agent_id", "customer_id", "ordered_at", "amount"]
            ),
        }
    )
    assert quarantined(ds, "duration_s: non-finite")[["row", "value"]].values.tolist() == [
        [1, "inf"]
    ]
    assert quarantined(ds, "intent_rating: non-finite")[["row", "value"]].values.tolist() == [
        [2, "inf"]
    ]
    assert ds["calls"]["call_id"].tolist() == ["1"]
    assert_balanced(ds)


# ---------------------------------------------------------------------------- durations


def test_durations_above_the_default_maximum_are_quarantined(tmp_path):
    folder = make(
        tmp_path / "ds",
        calls=calls(
            "C1,A1,2026-10-01 09:00,14400,connected",  # exactly 4 h: kept
            "C2,A1,2026-10-01 09:05,1000000000000,connected",
            "C3,A1,2026-10-01 09:10,14401,connected",
        ),
    )
    ds = load_dataset(folder)
    q = quarantined(ds, "duration_s: duration above maximum (14400 s)")
    assert q["row"].tolist() == [1, 2]
    assert q["value"].tolist() == ["1000000000000", "14401"]
    assert ds["calls"]["call_id"].tolist() == ["C1"]
    assert_balanced(ds)


def test_the_maximum_duration_is_set_in_dataset_yaml(tmp_path):
    folder = make(
        tmp_path / "ds",
        "plausibility: {max_duration_s: 3600}\n",
        calls=calls(
            "C1,A1,2026-10-01 09:00,3600,connected", "C2,A1,2026-10-01 09:05,5000,connected"
        ),
    )
    ds = load_dataset(folder)
    q = quarantined(ds, "duration_s: duration above maximum (3600 s)")
    assert q[["row", "value"]].values.tolist() == [[1, "5000"]]
    assert_balanced(ds)


def test_a_malformed_plausibility_setting_is_a_structural_error(tmp_path):
    folder = make(
        tmp_path / "ds",
        "plausibility: {max_duration: 3600}\n",
        calls=calls("C1,A1,2026-10-01 09:00,1,connected"),
    )
    with pytest.raises(DatasetError, match=r"\[dataset.yaml.plausibility\] unknown setting"):
        load_dataset(folder)


# ---------------------------------------------------------------------------- timestamps


def test_timestamps_after_the_export_are_quarantined(tmp_path):
    folder = make(
        tmp_path / "ds",
        'exported_at: "2026-11-01"\n',
        calls=calls(
            "C1,A1,2026-10-31 09:00,10,connected",
            "C2,A1,2026-11-01 23:00,10,connected",  # on the export day: kept
            "C3,A1,2030-01-05 09:00,10,connected",
            "C4,A2,2030-01-06 09:00,10,connected",
        ),
    )
    ds = load_dataset(folder)
    q = quarantined(ds, "started_at: timestamp in the future of the export (after 2026-11-01)")
    assert q["row"].tolist() == [2, 3]
    assert q["value"].tolist() == ["2030-01-05 09:00", "2030-01-06 09:00"]
    assert ds["calls"]["started_at"].max() == pd.Timestamp("2026-11-01 23:00")
    assert_balanced(ds)


def test_without_exported_at_the_load_time_is_the_bound(tmp_path):
    future = (pd.Timestamp.now() + pd.Timedelta(days=400)).strftime("%Y-%m-%d %H:%M")
    folder = make(
        tmp_path / "ds",
        calls=calls("C1,A1,2026-10-01 09:00,10,connected", f"C2,A1,{future},10,connected"),
    )
    ds = load_dataset(folder)
    q = quarantined(ds, "started_at: timestamp in the future of the export")
    assert q[["row", "value"]].values.tolist() == [[1, future]]
    assert_balanced(ds)


def test_timestamps_before_the_floor_are_quarantined(tmp_path):
    rows = (
        "C1,A1,1970-01-01 00:00,10,connected",  # an epoch-zero placeholder
        "C2,A1,1999-02-01 09:00,10,connected",  # old but real (the 1999 bank data)
        "C3,A1,2015-06-01 09:00,10,connected",
    )
    ds = load_dataset(make(tmp_path / "default", calls=calls(*rows)))
    q = quarantined(ds, "started_at: timestamp before 1990-01-01")
    assert q[["row", "value"]].values.tolist() == [[0, "1970-01-01 00:00"]]
    assert_balanced(ds)
    floor = make(tmp_path / "floor", 'plausibility: {earliest: "2000-01-01"}\n', calls=calls(*rows))
    ds = load_dataset(floor)
    assert quarantined(ds, "started_at: timestamp before 2000-01-01")["row"].tolist() == [0, 1]
    assert ds["calls"]["call_id"].tolist() == ["C3"]
    assert_balanced(ds)


def test_an_offset_timestamp_is_compared_in_the_dataset_timezone(tmp_path):
    folder = make(
        tmp_path / "ds",
        'exported_at: "2026-11-01 12:00+08:00"\ntimezone: Asia/Shanghai\n',
        calls=calls(
            "C1,A1,2026-11-01T03:00:00+00:00,10,connected",  # 11:00 in Shanghai: kept
            "C2,A1,2026-11-01T05:00:00+00:00,10,connected",  # 13:00 in Shanghai
        ),
    )
    ds = load_dataset(folder)
    q = quarantined(
        ds, "started_at: timestamp in the future of the export (after 2026-11-01 12:00)"
    )
    assert q["row"].tolist() == [1]
    assert_balanced(ds)


# ---------------------------------------------------------------------------- day/month order


def test_ambiguous_day_month_timestamps_stop_the_load_with_the_fix(tmp_path):
    folder = make(
        tmp_path / "ds",
        calls=calls("C1,A1,01/10/2026 10:00,10,connected", "C2,A1,1/2/2026 11:00,10,connected"),
    )
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "[calls.started_at] day/month order is ambiguous" in message
    assert "'01/10/2026 10:00'" in message
    assert 'timestamp_format: "%d/%m/%Y %H:%M"' in message
    assert "ISO 8601" in message


def test_a_column_mixing_day_first_and_ambiguous_values_is_not_guessed(tmp_path):
    folder = make(
        tmp_path / "ds",
        calls=calls("C1,A1,13/10/2026 10:00,10,connected", "C2,A1,01/10/2026 10:00,10,connected"),
    )
    with pytest.raises(DatasetError, match="put the day first"):
        load_dataset(folder)


def test_a_named_format_reads_day_first(tmp_path):
    folder = make(
        tmp_path / "ds",
        'timestamp_format: {calls.started_at: "%d/%m/%Y %H:%M"}\n',
        calls=calls(
            "C1,A1,01/10/2026 10:00,10,connected",
            "C2,A1,2026-10-02 10:00,10,connected",  # ISO 8601 is always accepted
            "C3,A1,01/10/2026,10,connected",  # not the named format
        ),
    )
    ds = load_dataset(folder)
    assert ds["calls"]["started_at"].tolist() == [
        pd.Timestamp("2026-10-01 10:00"),
        pd.Timestamp("2026-10-02 10:00"),
    ]
    q = quarantined(ds, "started_at: not a date-time")
    assert q[["row", "value"]].values.tolist() == [[2, "01/10/2026"]]
    assert_balanced(ds)


def test_unambiguous_forms_still_load(tmp_path):
    folder = make(
        tmp_path / "ds",
        calls=calls(
            "C1,A1,2026-10-01 10:00,10,connected",
            "C2,A1,2026/10/02 10:00,10,connected",
            "C3,A1,2026-10-03T10:00:00+08:00,10,connected",
        ),
        orders=ORDERS + "O2,A1,K2,13/10/2026 12:00,5\nO3,A1,K2,25.10.2026,5\n",
    )
    ds = load_dataset(folder)
    assert ds["calls"]["started_at"].dt.day.tolist() == [1, 2, 3]
    # every day/month value of the column has a day above 12: the order is certain
    assert ds["orders"]["ordered_at"].dt.month.tolist() == [10, 10, 10]
    assert len(ds.quarantine) == 0
    assert_balanced(ds)


# ---------------------------------------------------------------------------- encodings


def test_latin1_names_are_not_read_as_gb18030(tmp_path):
    agents = "agent_id,agent_name,team_id\nA1,Müller,T1\nA2,François,T1\n".encode("latin-1")
    assert agents.decode("gb18030")  # it does decode, to nonsense such as 'M黮ler'
    folder = make(tmp_path / "ds", agents=agents, calls=calls("C1,A1,2026-10-01 09:00,10,busy"))
    with pytest.warns(UserWarning, match="agents.csv is not UTF-8; read as Windows-1252"):
        ds = load_dataset(folder)
    assert ds.agents["agent_name"].tolist() == ["Müller", "François"]
    assert ds.warnings and "agents.csv" in ds.warnings[0] and "GB18030" in ds.warnings[0]
    assert "check encoding" in ds.load_report.set_index("table").loc["agents", "source"]
    assert_balanced(ds)


def test_a_named_encoding_is_used_without_warning(tmp_path, recwarn):
    agents = "agent_id,agent_name,team_id\nA1,José,T1\nA2,Bo,T1\n".encode("cp1252")
    folder = make(
        tmp_path / "ds",
        "encoding: {agents: cp1252}\n",
        agents=agents,
        calls=calls("C1,A1,2026-10-01 09:00,10,busy"),
    )
    ds = load_dataset(folder)
    assert ds.agents["agent_name"].tolist() == ["José", "Bo"]
    assert ds.warnings == [] and not [w for w in recwarn if "encoding" in str(w.message)]


def test_chinese_gb18030_still_loads_silently(tmp_path, recwarn):
    agents = "agent_id,agent_name,team_id\nA1,张伟,T1\nA2,李娜,T1\n".encode("gb18030")
    folder = make(tmp_path / "ds", agents=agents, calls=calls("C1,A1,2026-10-01 09:00,10,busy"))
    ds = load_dataset(folder)
    assert ds.agents["agent_name"].tolist() == ["张伟", "李娜"]
    assert ds.warnings == []


def test_undecodable_text_is_a_clear_error(tmp_path):
    folder = make(
        tmp_path / "ds",
        agents=b"agent_id,agent_name,team_id\nA1,X\x81\nA2,Bo,T1\n",
        calls=calls("C1,A1,2026-10-01 09:00,10,busy"),
    )
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "agents.csv is neither UTF-8, GB18030 nor Windows-1252" in message
    assert "`encoding:`" in message


# ---------------------------------------------------------------------------- timezone


def test_an_unknown_timezone_is_a_structural_error(tmp_path):
    folder = make(
        tmp_path / "ds", "timezone: Asia/Shangai\n", calls=calls("C1,A1,2026-10-01 09:00,10,busy")
    )
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "[dataset.yaml.timezone] 'Asia/Shangai' is not an IANA timezone" in message
    assert "'Asia/Shanghai'" in message
    with pytest.raises(DatasetError, match="not an IANA timezone"):
        load_dataset(make(tmp_path / "ok", calls=calls()), timezone="UTC+8")
    with pytest.raises(DatasetError, match="not an IANA timezone"):
        validate_tables({}, timezone="Mars/Olympus")


# ---------------------------------------------------------------------------- targets


def _targets_dataset(tmp_path, *rows: str):
    return make(
        tmp_path / "ds",
        calls=calls("C1,A1,2026-10-01 09:00,10,busy"),
        targets=TARGETS + "".join(f"{r}\n" for r in rows),
    )


CATALOGUE = {"sales_amount": "higher", "complaints_per_100": "lower", "dials": "higher"}


def test_targets_for_unknown_indicators_and_periods_are_quarantined(tmp_path):
    folder = _targets_dataset(
        tmp_path,
        "2026-10,agent,A1,sales_amount,100,70,130",
        "2026-13,agent,A1,sales_amount,100,70,130",
        "2026-10,agent,A1,sales_amout,100,70,130",
        "2025-W53,team,T1,dials,500,,",  # 2025 has 52 ISO weeks
        "2026-W53,team,T1,dials,500,,",
        "2026-Q4,team,T1,dials,1500,,",
    )
    ds = load_dataset(folder, indicators=CATALOGUE)
    periods = quarantined(ds, "period: not a period label")
    assert periods[["row", "value"]].values.tolist() == [[1, "2026-13"], [3, "2025-W53"]]
    unknown = quarantined(ds, "indicator: unknown indicator (not in the catalogue)")
    assert unknown[["row", "value"]].values.tolist() == [[2, "sales_amout"]]
    assert ds["targets"]["period"].tolist() == ["2026-10", "2026-W53", "2026-Q4"]
    assert_balanced(ds)
    # without the catalogue the ids cannot be checked, the periods still are
    ds = load_dataset(folder)
    assert quarantined(ds, "indicator:").empty and len(quarantined(ds, "period:")) == 2


def test_a_threshold_on_the_wrong_side_of_the_target_is_quarantined(tmp_path):
    folder = _targets_dataset(
        tmp_path,
        "2026-10,agent,A1,sales_amount,100,120,",  # higher is better: threshold above target
        "2026-10,agent,A2,sales_amount,100,70,",
        "2026-10,team,T1,complaints_per_100,2,1,",  # lower is better: threshold below target
        "2026-10,team,T1,complaints_per_100,2,3,1",
        "2026-10,team,T1,dials,500,400,450",  # stretch below target
    )
    ds = load_dataset(folder, indicators=CATALOGUE)
    high = quarantined(ds, "threshold: threshold above target")
    assert high[["row", "value"]].values.tolist() == [[0, "120"]]
    low = quarantined(ds, "threshold: threshold below target (lower is better)")
    assert low[["row", "value"]].values.tolist() == [[2, "1"]]
    assert quarantined(ds, "stretch: stretch below target")["row"].tolist() == [4]
    assert sorted(ds["targets"]["scope_id"] + ds["targets"]["threshold"].astype(str)) == [
        "A270.0",
        "T13.0",
    ]
    assert_balanced(ds)


def test_without_the_catalogue_the_stretch_tells_the_direction(tmp_path):
    folder = _targets_dataset(
        tmp_path,
        "2026-10,agent,A1,sales_amount,100,120,130",  # stretch above: higher is better
        "2026-10,agent,A2,sales_amount,100,120,",  # no stretch: direction unknown, kept
    )
    ds = load_dataset(folder)
    assert quarantined(ds, "threshold: threshold above target")["row"].tolist() == [0]
    assert_balanced(ds)


# ---------------------------------------------------------------------------- valid edge cases


def test_leavers_without_calls_load(tmp_path):
    agents = (
        "agent_id,agent_name,team_id,hire_date,active\n"
        "A1,Ann,T1,2025-01-01,true\nA2,Bo,T1,2025-01-01,false\nA3,Cy,T2,2026-09-15,true\n"
    )
    folder = make(
        tmp_path / "ds",
        agents=agents,
        calls=calls("C1,A1,2026-10-01 09:00,200,connected"),
        orders=ORDERS,
    )
    ds = load_dataset(folder)
    assert ds.agents["agent_id"].tolist() == ["A1", "A2", "A3"]
    assert len(ds.quarantine) == 0
    assert_balanced(ds)


# ---------------------------------------------------------------------------- messages


def test_file_names_are_matched_ignoring_case(tmp_path):
    folder = make(tmp_path / "ds", calls=calls("C1,A1,2026-10-01 09:00,10,busy"))
    (folder / "orders.csv").rename(folder / "Orders.CSV")
    ds = load_dataset(folder)
    assert ds.load_report.set_index("table").loc["orders", "source"] == "Orders.CSV"
    assert len(ds["orders"]) == 1


def test_a_missing_table_lists_the_files_found(tmp_path):
    folder = make(tmp_path / "ds", calls=calls("C1,A1,2026-10-01 09:00,10,busy"))
    (folder / "orders.csv").rename(folder / "order.csv")
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "[orders] required table is missing" in message
    assert "files in the folder: ['agents.csv', 'calls.csv', 'order.csv']" in message
    assert "did you mean 'order.csv'?" in message


def test_a_title_row_above_the_header_gets_a_hint(tmp_path):
    titled = "Call log export October 2026\n" + calls("C1,A1,2026-10-01 09:00,10,busy")
    folder = make(tmp_path / "ds", calls=titled)
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "calls.csv: the first row looks like a title ('Call log export October 2026')" in message
    assert "`header_row: 2`" in message
    (folder / "dataset.yaml").write_text("header_row: {calls: 2}\n", encoding="utf-8")
    ds = load_dataset(folder)
    assert ds["calls"]["call_id"].tolist() == ["C1"]
    assert_balanced(ds)


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symbolic links")
def test_a_symlink_loop_is_reported_as_such(tmp_path):
    folder = make(tmp_path / "ds")
    (folder / "calls.csv").symlink_to("calls.csv")
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "symbolic link loop" in message and "calls.csv" in message
    assert "required table is missing" not in message
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    with pytest.raises(DatasetError, match="symbolic link loop"):
        load_dataset(loop)
