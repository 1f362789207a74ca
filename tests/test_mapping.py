"""Bring-your-own-export mappings (kpi_lib.data.mapping) on small hand-made files."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from kpi_lib.data.load import load_dataset
from kpi_lib.data.mapping import (
    BALANCE_STAGES,
    MappingError,
    import_export,
    load_mapping,
    parse_mapping,
)
from kpi_lib.paths import project_root

MAPPINGS = project_root() / "params" / "mappings"

CALL_LOG = """vru+line,call_id,date,entry,ser_start,ser_exit,outcome,server,type,cust
AA01,1,990201,7:02:47,7:02:55,7:05:41,AGENT,DORIT,PS,0
AA01,2,990201,23:59:50,23:59:58,0:01:08,AGENT,TOVA,NE,17
AA01,3,990201,23:59:54,0:00:26,0:01:33,AGENT,TOVA,PS,18
AA02,1,990202,9:00:00,0:00:00,0:00:00,HANG,NO_SERVER,PS,0
AA02,2,990202,9:10:00,9:10:05,9:10:09,AGENT,NO_SERVER,PS,0
AA02,3,990202,9:20:00,9:20:05,9:22:05,PHANTOM,NO_SERVER,PS,0
AA02,4,990202,9:30:00,9:30:05,9:31:05,AGENT,DORIT,XX,19
AA02,5,990202,25:61:00,25:61:00,9:31:05,AGENT,DORIT,PS,20
"""


def bank_like_mapping(**overrides) -> dict:
    calls = {
        "file": "log*.csv",
        "filters": [
            {"column": "outcome", "in": ["PHANTOM"], "reason": "phantom"},
            {"column": "outcome", "in": ["HANG"], "reason": "abandoned"},
        ],
        "sentinels": {
            "server": {"values": ["NO_SERVER"], "action": "drop", "reason": "no agent"},
            "cust": ["0"],
        },
        "columns": {
            "call_id": {"concat": ["vru+line", "call_id"], "sep": "-"},
            "agent_id": "server",
            "started_at": "ser_start",
            "duration_s": {
                "duration": {
                    "start": "ser_start",
                    "end": "ser_exit",
                    "format": "%H:%M:%S",
                    "wrap_midnight": True,
                }
            },
            "outcome": "outcome",
            "customer_id": "cust",
        },
        "extra": {"call_type": "type"},
        "recode": {"outcome": {"AGENT": "connected"}, "call_type": {"PS": "regular"}},
        "parse": {
            "started_at": {
                "format": "%H:%M:%S",
                "date_from": "date",
                "date_format": "%y%m%d",
                "roll_over_from": "entry",
            }
        },
    }
    raw = {
        "name": "bank_like",
        "timezone": "Asia/Jerusalem",
        "empty_tables": {"orders": "service data"},
        "tables": {
            "agents": {
                "file": "log*.csv",
                "filters": [{"column": "server", "in": ["NO_SERVER"], "reason": "not an agent"}],
                "columns": {
                    "agent_id": "server",
                    "agent_name": "server",
                    "team_id": {"const": "T"},
                },
                "distinct": True,
            },
            "calls": calls,
        },
    }
    raw.update(overrides)
    return raw


@pytest.fixture
def bank_dir(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "log_feb.csv").write_text(CALL_LOG, encoding="utf-8")
    return folder


def test_recode_parse_derive_sentinels_and_midnight(bank_dir, tmp_path):
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir, tmp_path / "out")
    calls = result.dataset["calls"].set_index("call_id")
    # hours without a leading zero, date from another column
    assert calls.loc["AA01-1", "started_at"] == pd.Timestamp("1999-02-01 07:02:55")
    assert calls.loc["AA01-1", "duration_s"] == 166  # 7:05:41 - 7:02:55
    # end after midnight: 23:59:58 -> 0:01:08 is 70 s, not -86,330 s
    assert calls.loc["AA01-2", "duration_s"] == 70
    # service started after midnight of the entry day: the next day
    assert calls.loc["AA01-3", "started_at"] == pd.Timestamp("1999-02-02 00:00:26")
    assert calls.loc["AA01-3", "duration_s"] == 67
    # recode; unlisted values pass through unchanged (kept, visible)
    assert set(calls.outcome) == {"connected"}
    assert calls.loc["AA02-4", "call_type"] == "XX"
    assert calls.loc["AA01-1", "call_type"] == "regular"
    # sentinel to empty
    assert pd.isna(calls.loc["AA01-1", "customer_id"])
    assert calls.loc["AA01-2", "customer_id"] == "17"
    # distinct agents from the call log
    assert sorted(result.dataset.agents.agent_id) == ["DORIT", "TOVA"]
    assert len(result.dataset["orders"]) == 0


def test_unparseable_time_is_quarantined_with_its_value(bank_dir):
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir)
    q = result.quarantine
    bad = q[q.column == "started_at"]
    assert bad.source_row.tolist() == [8]  # 1-based data row in the file
    assert "25:61:00" in bad.value.iloc[0]
    assert "AA02-5" not in set(result.dataset["calls"].call_id)


def test_every_source_row_is_accounted_for(bank_dir):
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir)
    acc = result.accounting
    calls = acc[acc.table == "calls"]
    rows = dict(zip(calls.rule, calls.rows, strict=False))
    assert rows["filter: phantom"] == 1 and rows["filter: abandoned"] == 1
    assert rows["sentinel server in ['NO_SERVER']: no agent"] == 1
    balance = result.balance.set_index("table")
    assert balance.loc["calls", "read"] == len(CALL_LOG.strip().splitlines()) - 1
    for table, row in balance.iterrows():
        assert row["read"] == sum(row[s] for s in BALANCE_STAGES), table
    assert balance["balanced"].all()
    # used rows are exactly the dataset's rows
    used = acc[(acc.stage == "used")].groupby("table")["rows"].sum()
    for table, n in used.items():
        assert n == len(result.dataset[table])
    assert "orders" in set(acc[acc.stage == "empty"].table)


def test_written_dataset_reloads(bank_dir, tmp_path):
    out = tmp_path / "out"
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir, out)
    for name in ("agents.parquet", "calls.parquet", "orders.parquet", "dataset.yaml"):
        assert (out / name).is_file(), name
    for name in ("load_report.csv", "quarantine.csv", "import_accounting.csv"):
        assert (out / name).is_file(), name
    settings = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))
    assert settings["timezone"] == "Asia/Jerusalem"
    assert settings["empty_tables"] == {"orders": "service data"}
    again = load_dataset(out)
    pd.testing.assert_frame_equal(
        again["calls"].reset_index(drop=True),
        result.dataset["calls"].reset_index(drop=True),
        check_dtype=False,
    )
    with pytest.raises(ValueError, match="raw exports are never overwritten"):
        import_export(parse_mapping(bank_like_mapping()), bank_dir, bank_dir)


def test_written_csvs_neutralise_formulas(tmp_path):
    """Source values that start like a spreadsheet formula reach quarantine.csv as text."""
    payloads = ["=CMD|' /C calc'!A0", "+A1", "-1", "@SUM(A1)", "\t=1", "\r=1"]
    header = CALL_LOG.splitlines()[0] + ",dur"
    rows = [
        f'AA01,{k},990201,7:02:47,7:02:55,7:05:41,AGENT,DORIT,PS,0,"{p}"'
        for k, p in enumerate(payloads)
    ]
    export = tmp_path / "export"
    export.mkdir()
    (export / "log_feb.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    raw = bank_like_mapping()
    raw["tables"]["calls"]["columns"]["duration_s"] = "dur"  # not a number: quarantined as is
    result = import_export(parse_mapping(raw), export, tmp_path / "out")
    dur = result.quarantine[result.quarantine["column"] == "duration_s"]
    assert sorted(dur["value"]) == sorted(payloads)  # in memory: unchanged
    q = pd.read_csv(tmp_path / "out" / "quarantine.csv", dtype=str, keep_default_na=False)
    assert len(q) == len(result.quarantine)  # "\r" inside a cell does not split the row
    assert sorted(q.loc[q["column"] == "duration_s", "value"]) == sorted("'" + p for p in payloads)
    for name in ("load_report.csv", "import_accounting.csv"):
        table = pd.read_csv(tmp_path / "out" / name, dtype=str, keep_default_na=False)
        cells = table.to_numpy().ravel().tolist()
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells), name


def test_mapping_errors_name_key_and_nearest(tmp_path):
    raw = bank_like_mapping()
    raw["tables"]["calls"]["columns"]["outcom"] = raw["tables"]["calls"]["columns"].pop("outcome")
    raw["tables"]["calls"]["sentinals"] = {}
    raw["tables"]["cals"] = raw["tables"]["calls"]
    raw["timezone"] = "Mars/Olympus"
    with pytest.raises(MappingError) as info:
        parse_mapping(raw)
    msg = str(info.value)
    assert "`tables.calls[0].columns.outcom`" in msg and "Did you mean 'outcome'?" in msg
    assert "`tables.calls[0].sentinals`: unknown key. Did you mean 'sentinels'?" in msg
    assert "`tables.cals`" in msg and "Did you mean 'calls'?" in msg
    assert "required contract column `calls.outcome` is not mapped" in msg
    assert "`timezone`" in msg
    assert len(info.value.problems) >= 5  # all problems collected in one error


def test_filter_without_reason_and_bad_spec_are_rejected():
    raw = bank_like_mapping()
    raw["tables"]["calls"]["filters"].append({"column": "outcome", "in": ["X"]})
    raw["tables"]["calls"]["columns"]["customer_id"] = {"cnst": "x"}
    with pytest.raises(MappingError) as info:
        parse_mapping(raw)
    msg = str(info.value)
    assert "filters[2].reason`: every filter must state why" in msg
    assert "`tables.calls[0].columns.customer_id`" in msg and "Did you mean 'const'?" in msg


def test_missing_source_column_names_key_column_and_columns_found(bank_dir):
    raw = bank_like_mapping()
    raw["tables"]["calls"]["columns"]["agent_id"] = "servr"
    raw["tables"]["calls"]["extra"]["call_type"] = "typ"
    with pytest.raises(MappingError) as info:
        import_export(parse_mapping(raw), bank_dir)
    msg = str(info.value)
    assert "`tables.calls[0].columns.agent_id`: source column 'servr' is not in log_feb.csv" in msg
    assert "Did you mean 'server'?" in msg and "Columns found:" in msg
    assert "`tables.calls[0].extra.call_type`: source column 'typ'" in msg


def test_required_table_must_be_mapped_or_declared_empty():
    raw = bank_like_mapping()
    del raw["empty_tables"]
    raw["absent_tables"] = ["orders"]
    with pytest.raises(MappingError, match="`orders` is a required table"):
        parse_mapping(raw)


def test_yaml_yes_no_stay_strings(tmp_path):
    # YAML 1.1 would turn the key `yes` into True; the mapping loader keeps it as text
    path = tmp_path / "m.yaml"
    path.write_text(
        """
tables:
  agents:
    inline: [{agent_id: A, agent_name: A, team_id: T}]
  calls:
    file: c.csv
    columns:
      call_id: {row_number: true, prefix: "C"}
      agent_id: {const: A}
      started_at: t
      duration_s: d
      outcome: y
    recode:
      outcome: {yes: connected, no: no_answer}
empty_tables: [orders]
""",
        encoding="utf-8",
    )
    (tmp_path / "c.csv").write_text("t;d;y\n2026-10-01 09:00;60;yes\n2026-10-01 09:05;0;no\n")
    result = import_export(load_mapping(path), tmp_path)
    calls = result.dataset["calls"]
    assert calls.outcome.tolist() == ["connected", "no_answer"]  # `;` detected
    assert calls.call_id.tolist() == ["C1", "C2"]


def test_bom_and_gb18030_csv(tmp_path):
    raw = {
        "tables": {
            "agents": {
                "file": "agents.csv",
                "columns": {"agent_id": "工号", "agent_name": "姓名", "team_id": "组别"},
            },
            "calls": {
                "file": "calls.csv",
                "columns": {
                    "call_id": "编号",
                    "agent_id": "工号",
                    "started_at": "时间",
                    "duration_s": {"const": 0},
                    "outcome": {"const": "busy"},
                },
            },
        },
        "empty_tables": ["orders"],
    }
    (tmp_path / "agents.csv").write_bytes("工号,姓名,组别\nA1,张伟,一组\n".encode("gb18030"))
    (tmp_path / "calls.csv").write_bytes("\ufeff编号,工号,时间\nC1,A1,2026-10-01 09:00\n".encode())
    ds = import_export(parse_mapping(raw), tmp_path).dataset
    assert ds.agents.agent_name.tolist() == ["张伟"]
    assert ds["calls"].call_id.tolist() == ["C1"]


def _cn_export(folder):
    folder.mkdir(parents=True, exist_ok=True)
    calls = pd.DataFrame(
        {
            "通话编号": ["T001", "T002", "T003", "T004", "T005"],
            "坐席工号": ["1001", "1001", "1002", "1002", "1003"],
            "坐席姓名": ["张伟", "张伟", "李娜", "李娜", "王芳"],
            "所属组": ["一组", "一组", "二组", "二组", "二组"],
            "通话日期": ["2026/10/08"] * 5,
            "开始时间": ["9:05:00", "9:15:00", "23:58:30", "10:00:00", "11:00:00"],
            "结束时间": ["9:08:20", "9:15:00", "0:02:30", "10:00:00", "11:00:10"],
            "通话结果": ["接通", "未接", "接通", "空号", "测试"],
            "客户编号": ["K1", "K2", "K3", "K4", "K5"],
            "备注": ["", "", "跨零点", "", ""],
        }
    )
    with pd.ExcelWriter(folder / "通话记录_2026年10月.xlsx") as xl:
        pd.DataFrame([["某公司 通话明细 2026年10月"], [""]]).to_excel(
            xl, sheet_name="通话明细", index=False, header=False
        )
        calls.to_excel(xl, sheet_name="通话明细", index=False, startrow=2)
    (folder / "订单.csv").write_bytes(
        (
            "订单号,坐席工号,客户编号,下单时间,金额\n"
            'D1,1001,K1,2026年10月08日 10:00,"¥1,280.00"\n'
            "D2,1002,K3,2026年10月09日 11:30,560元\n"
            "D3,1002,K4,2026年10月09日 12:00,免费\n"
        ).encode("gb18030")
    )
    return folder


def test_example_cn_crm_mapping_on_xlsx_with_title_rows(tmp_path):
    folder = _cn_export(tmp_path / "export")
    result = import_export(load_mapping(MAPPINGS / "example_cn_crm.yaml"), folder)
    ds = result.dataset
    calls = ds["calls"].set_index("call_id")
    assert ds.agents.set_index("agent_id").loc["1001", "agent_name"] == "张伟"
    assert calls.loc["T001", "outcome"] == "connected" and calls.loc["T001", "duration_s"] == 200
    assert calls.loc["T003", "duration_s"] == 240  # 23:58:30 -> 0:02:30
    assert calls.loc["T004", "outcome"] == "invalid_number"
    assert "T005" not in calls.index  # test call, dropped by a stated filter
    orders = ds["orders"].set_index("order_id")
    assert orders.loc["D1", "amount"] == 1280.0 and orders.loc["D2", "amount"] == 560.0
    assert orders.loc["D1", "ordered_at"] == pd.Timestamp("2026-10-08 10:00")
    # "免费" is not a number: quarantined with its raw value, and counted
    assert "免费" in result.quarantine.set_index("table").loc["orders", "value"]
    assert result.balance["balanced"].all()


def test_shipped_mappings_are_valid():
    names = sorted(p.name for p in MAPPINGS.glob("*.yaml"))
    assert {"anonymous_bank.yaml", "uci_bank_marketing.yaml", "olist_funnel.yaml"} <= set(names)
    for path in MAPPINGS.glob("*.yaml"):
        load_mapping(path)


def test_package_keeps_the_old_module_names():
    """kpi_lib.data.mapping became a package; its face still offers the old module's names."""
    import kpi_lib.data.mapping as mapping

    old = {
        "MappingError",
        "Mapping",
        "TableBlock",
        "ImportResult",
        "ACCOUNTING_COLUMNS",
        "BALANCE_STAGES",
        "load_mapping",
        "parse_mapping",
        "import_export",
        "read_source",
    }
    assert old <= set(mapping.__all__)
    assert all(hasattr(mapping, name) for name in mapping.__all__)
    assert issubclass(mapping.MappingError, ValueError)


# ------------------------------------------------------------------ issue 16: import fixes


def _one_agent_calls(calls_block: dict, **top) -> dict:
    return {
        "tables": {
            "agents": {"inline": [{"agent_id": "A", "agent_name": "A", "team_id": "T"}]},
            "calls": calls_block,
        },
        "empty_tables": ["orders"],
        **top,
    }


def test_offsets_changing_mid_file_are_read_per_value(tmp_path):
    """A European export across the spring clock change: +01:00 before, +02:00 after."""
    (tmp_path / "c.csv").write_text(
        "id,start,end\n"
        "1,2026-03-28T10:00:00+01:00,2026-03-28T10:03:00+01:00\n"
        "2,2026-03-29T01:55:00+01:00,2026-03-29T03:05:00+02:00\n"  # 10 min across the change
        "3,2026-03-30T10:00:00+02:00,2026-03-30T10:01:00+02:00\n"
        "4,2026-03-30T08:00:00Z,2026-03-30T10:02:00+02:00\n"  # Z and an offset: 2 min
        "5,2026-03-30 12:00:00,2026-03-30 12:00:30\n",  # no offset: local wall-clock time
        encoding="utf-8",
    )
    block = {
        "file": "c.csv",
        "columns": {
            "call_id": "id",
            "agent_id": {"const": "A"},
            "started_at": "start",
            "duration_s": {"duration": {"start": "start", "end": "end"}},
            "outcome": {"const": "connected"},
        },
        "parse": {"started_at": {"format": "%Y-%m-%dT%H:%M:%S%z"}},
    }
    raw = _one_agent_calls(block, timezone="Europe/Berlin")
    result = import_export(parse_mapping(raw), tmp_path)
    calls = result.dataset["calls"].set_index("call_id")
    assert calls["duration_s"].to_dict() == {"1": 180, "2": 600, "3": 60, "4": 120}
    # converted to Berlin wall-clock time, each value with its own offset
    assert calls.loc["1", "started_at"] == pd.Timestamp("2026-03-28 10:00:00")
    assert calls.loc["2", "started_at"] == pd.Timestamp("2026-03-29 01:55:00")
    assert calls.loc["4", "started_at"] == pd.Timestamp("2026-03-30 10:00:00")
    # a value that does not fit the stated format is not guessed: quarantined with its value
    assert result.quarantine["value"].tolist() == [
        "unparseable as '%Y-%m-%dT%H:%M:%S%z': 2026-03-30 12:00:00"
    ]
    # without a parse rule the naive start is local time, and its duration wall-clock time
    del block["parse"]
    result = import_export(parse_mapping(raw), tmp_path)
    calls = result.dataset["calls"].set_index("call_id")
    assert calls.loc["5", "duration_s"] == 30 and calls.loc["2", "duration_s"] == 600
    assert calls.loc["5", "started_at"] == pd.Timestamp("2026-03-30 12:00:00")
    assert calls.loc["2", "started_at"] == pd.Timestamp("2026-03-29 01:55:00")
    # a date-time `format` with %z in a duration is read per value as well
    block["columns"]["duration_s"]["duration"]["format"] = "%Y-%m-%dT%H:%M:%S%z"
    result = import_export(parse_mapping(raw), tmp_path)
    calls = result.dataset["calls"].set_index("call_id")
    assert calls.loc["2", "duration_s"] == 600


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_sentinels_for_empty_cells_match(tmp_path, fmt):
    """ "N/A" and "-" placeholders match in every format (Excel used to read "N/A" as an
    empty cell, so a drop sentinel dropped nothing); -1 matches a number read as -1.0; ""
    names empty cells."""
    src = pd.DataFrame(
        {
            "id": ["1", "2", "3", "4", "5"],
            "t": ["2026-10-01 09:00"] * 5,
            "d": [60, -1, 30, 20, 10],  # -1: no duration recorded
            "cust": ["K1", "N/A", "-", "K4", "K5"],
            "agent": ["A", "A", "A", "N/A", None],
        }
    )
    if fmt == "csv":
        src.to_csv(tmp_path / "c.csv", index=False)
    elif fmt == "xlsx":
        src.to_excel(tmp_path / "c.xlsx", index=False)
    else:
        src["d"] = src["d"].astype(float)
        src.to_parquet(tmp_path / "c.parquet")
    block = {
        "file": f"c.{fmt}",
        "sentinels": {
            "cust": ["N/A", "-"],
            "d": [-1],
            "agent": {"values": ["N/A", ""], "action": "drop", "reason": "no agent"},
        },
        "columns": {
            "call_id": "id",
            "agent_id": "agent",
            "started_at": "t",
            "duration_s": "d",
            "outcome": {"const": "connected"},
            "customer_id": "cust",
        },
    }
    result = import_export(parse_mapping(_one_agent_calls(block)), tmp_path)
    acc = result.accounting.set_index("rule")["rows"]
    assert acc["sentinel agent in ['N/A', '']: no agent"] == 2
    assert acc["sentinel cust in ['N/A', '-'] set to empty"] == 2
    assert acc["sentinel d in ['-1'] set to empty"] == 1
    calls = result.dataset["calls"].set_index("call_id")
    assert sorted(calls.index) == ["1", "3"]  # 2 quarantined (no duration), 4 and 5 dropped
    assert pd.isna(calls.loc["3", "customer_id"]) and calls.loc["1", "customer_id"] == "K1"
    assert result.quarantine["source_row"].tolist() == [2]
    assert result.balance["balanced"].all()


def test_table_declared_empty_gives_unavailable_not_zero(bank_dir, tmp_path):
    """orders declared empty: sales, deals and conversion are missing with a reason (also
    after the dataset is written and loaded again), never 0; call indicators are computed."""
    import warnings

    from kpi_lib.data.mapping.record import declared_empty
    from kpi_lib.indicators.engine import compute_indicators

    out = tmp_path / "out"
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir, out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        again = load_dataset(out)
    assert declared_empty(again["orders"]) == "service data"
    ids = ["sales_amount", "deals", "conversion_rate", "dials"]
    for data in (result.dataset, again):
        ind = compute_indicators(data, indicators=ids).set_index(["agent_id", "indicator"])
        for i in ("sales_amount", "deals", "conversion_rate"):
            assert ind.xs(i, level="indicator")["value"].isna().all(), i
            assert ind.xs(i, level="indicator")["reason"].str.contains("`orders`").all(), i
        assert ind.loc[("DORIT", "dials"), "value"].sum() == 2
    # an orders table that is really empty (no sales this month) still counts 0
    plain = again.tables["orders"].copy()
    plain.attrs.clear()
    from kpi_lib.data.dataset import Dataset

    real = Dataset(tables={**again.tables, "orders": plain}, timezone=again.timezone)
    ind = compute_indicators(real, indicators=["sales_amount"])
    assert (ind["value"] == 0).all()


def test_rows_set_aside_at_import_reach_validate_and_the_quarantine_summary(bank_dir, tmp_path):
    """Reloaded, the dataset counts from the export: rows read = used + quarantined +
    filtered per table, the import's quarantine is in the quarantine summary."""
    import warnings

    from kpi_lib.analyses.coverage import quarantine_summary, table_coverage
    from kpi_lib.data.mapping import read_import_record

    out = tmp_path / "out"
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir, out)
    record = read_import_record(out)
    calls = record["tables"]["calls"]
    n_rows = len(CALL_LOG.strip().splitlines()) - 1
    assert calls["rows_read"] == n_rows == 8
    assert (calls["rows_used"], calls["rows_quarantined"], calls["rows_filtered"]) == (4, 1, 3)
    assert calls["filtered"] == {
        "filter: phantom": 1,
        "filter: abandoned": 1,
        "sentinel server in ['NO_SERVER']: no agent": 1,
    }
    assert record["empty_tables"] == {"orders": "service data"}
    assert result.totals.set_index("table").loc["calls"].to_dict() == {
        "rows_read": 8,
        "rows_used": 4,
        "rows_quarantined": 1,
        "rows_filtered": 3,
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = load_dataset(out)
    rep = ds.load_report
    summary = rep[rep.reason == ""].set_index("table")
    for table in ("agents", "calls", "orders"):
        row = summary.loc[table]
        assert row.rows_read == row.rows_used + row.rows_quarantined + row.rows_filtered, table
    assert summary.loc["calls", "rows_read"] == 8 and summary.loc["calls", "rows_quarantined"] == 1
    assert summary.loc["agents", "rows_filtered"] == 6  # 3 NO_SERVER rows, 3 merged
    assert len(ds["calls"]) == 4
    q = ds.quarantine[ds.quarantine["stage"] == "import"]
    assert set(q["source_row"].astype(int)) == {8}  # one row, one line per problem
    assert q["value"].str.contains("25:61:00").any()
    qs = quarantine_summary(ds)
    qs = qs[qs["table"] == "calls"]
    assert len(qs) and (qs["rows"] == 1).all() and (qs["rows_read"] == 8).all()
    assert table_coverage(ds).set_index("table").loc["calls", "rows_read"] == 8
    from kpi_lib.data.mapping import row_counts

    counts = row_counts(ds).set_index("table")
    assert counts.loc["calls"].tolist() == [8, 4, 1, 3]
    # the files changed after the import: the record no longer describes them and is not used
    pd.read_parquet(out / "calls.parquet").head(2).to_parquet(out / "calls.parquet")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        changed = load_dataset(out)
    assert "rows_filtered" not in changed.load_report.columns
    assert changed.load_report.set_index("table").loc["calls", "rows_read"] == 2
    assert (row_counts(changed)["rows_filtered"] == 0).all()


def test_import_summary_labels_rows_and_problems_apart(bank_dir):
    """One source row with two bad values is one quarantined row and two problems."""
    result = import_export(parse_mapping(bank_like_mapping()), bank_dir)
    q = result.quarantine
    assert q["source_row"].nunique() == 1 and len(q) == 2  # the fixture: one row, two problems
    text = result.summary()
    assert "Problems in the 1 quarantined rows (a row with several problems" in text
    problems = text.split("Problems in the 1 quarantined rows")[1].split("\n\n")[0]
    assert "problems" in problems.splitlines()[1] and len(problems.splitlines()) == 4
    quarantined = text.split("Rows quarantined (each row once")[1].split("\n\n")[0]
    assert len(quarantined.splitlines()) == 3  # title rest, header, one reason line of 1 row
    assert quarantined.splitlines()[2].rstrip().endswith(" 1")
    assert "Rows per table (rows_read = rows_used + rows_quarantined + rows_filtered)" in text
    assert "Table `orders` declared empty in the mapping: service data" in text


def _call_level_dataset():
    """Three agents, two teams, calls and orders over three months (seeded)."""
    import numpy as np

    from kpi_lib.data.load import validate_tables

    rng = np.random.default_rng(16)
    agents = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3"],
            "agent_name": ["A1", "A2", "A3"],
            "team_id": ["T1"] * 2 + ["T2"],
        }
    )
    n = 900
    started = pd.Timestamp("2026-09-01 08:00") + pd.to_timedelta(
        rng.integers(0, 91 * 24 * 3600, n), unit="s"
    )
    connected = rng.random(n) < 0.4
    calls = pd.DataFrame(
        {
            "call_id": [f"C{i}" for i in range(n)],
            "agent_id": rng.choice(["A1", "A2", "A3"], n),
            "started_at": started,
            "duration_s": np.where(connected, rng.integers(20, 900, n), rng.integers(0, 30, n)),
            "outcome": np.where(connected, "connected", "no_answer"),
        }
    )
    sold = calls[connected & (rng.random(n) < 0.3)]
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i}" for i in range(len(sold))],
            "agent_id": sold["agent_id"].to_numpy(),
            "customer_id": [f"K{i}" for i in range(len(sold))],
            "ordered_at": sold["started_at"].to_numpy() + pd.Timedelta(minutes=20),
            "amount": rng.integers(100, 5000, len(sold)) / 4,
        }
    )
    return validate_tables(
        {"agents": agents, "calls": calls, "orders": orders},
        timezone="Europe/Berlin",
        exported_at="2027-01-01",
    )


def _daily_by_hand(ds) -> pd.DataFrame:
    """The call-level data summed by hand into one row per agent and day."""
    c = ds["calls"].assign(
        day=ds["calls"]["started_at"].dt.normalize(),
        conn=ds["calls"]["outcome"].eq("connected"),
    )
    c["conn_s"] = c["duration_s"].where(c["conn"], 0)
    calls = c.groupby(["agent_id", "day"]).agg(
        dials=("call_id", "size"),
        connects=("conn", "sum"),
        talk_s=("duration_s", "sum"),
        connected_talk_s=("conn_s", "sum"),
    )
    o = ds["orders"].assign(day=ds["orders"]["ordered_at"].dt.normalize())
    orders = o.groupby(["agent_id", "day"]).agg(deals=("order_id", "size"), sales=("amount", "sum"))
    return calls.join(orders, how="outer").fillna(0).reset_index()


def test_agent_day_totals_map_onto_the_preaggregated_input(tmp_path):
    """A daily export (one row per agent and day) imported through `agent_days` gives the
    indicators the engine computes from the call-level data it was summed from."""
    from kpi_lib.indicators.engine import compute_indicators
    from kpi_lib.indicators.preaggregated import from_agent_days, read_preaggregated

    ds = _call_level_dataset()
    daily = _daily_by_hand(ds)
    teams = ds.agents.set_index("agent_id")["team_id"]
    export = pd.DataFrame(
        {
            "Agent": daily["agent_id"],
            "Team": daily["agent_id"].map(teams),
            "Day": daily["day"].dt.strftime("%d.%m.%Y"),
            "Calls": daily["dials"].astype(int),
            "Answered": daily["connects"].astype(int),
            # talk time as H:MM:SS, as CRMs print it
            "Talk time": [
                f"{int(s) // 3600}:{int(s) % 3600 // 60:02d}:{int(s) % 60:02d}"
                for s in daily["talk_s"]
            ],
            "Answered talk (s)": daily["connected_talk_s"].astype(int),
            "Orders": daily["deals"].astype(int),
            "Revenue": daily["sales"].map(lambda v: f"{v:.2f}"),
        }
    )
    bad = export.iloc[[0]].assign(Day="15.08.2026", Calls="-5")  # quarantined: negative
    pd.concat([export, bad]).to_csv(tmp_path / "daily.csv", index=False)
    raw = {
        "timezone": "Europe/Berlin",
        "tables": {
            "agents": {
                "file": "daily.csv",
                "columns": {"agent_id": "Agent", "agent_name": "Agent", "team_id": "Team"},
                "distinct": True,
            }
        },
        "agent_days": {
            "file": "daily.csv",
            "columns": {
                "agent_id": "Agent",
                "date": "Day",
                "dials": "Calls",
                "connects": "Answered",
                "talk_s": "Talk time",
                "connected_talk_s": "Answered talk (s)",
                "deals": "Orders",
                "sales_amount": "Revenue",  # an indicator id for the component it counts
            },
            "parse": {"date": {"format": "%d.%m.%Y"}, "talk_s": {"clock_to_seconds": True}},
        },
        "empty_tables": {"calls": "daily totals only", "orders": "daily totals only"},
    }
    out = tmp_path / "out"
    result = import_export(parse_mapping(raw), tmp_path, out)
    assert result.balance["balanced"].all()
    days_acc = result.totals.set_index("table").loc["agent_days"]
    assert (days_acc["rows_read"], days_acc["rows_quarantined"]) == (len(export) + 1, 1)
    assert result.quarantine.set_index("table").loc["agent_days", "reason"] == (
        "dials: negative total"
    )
    ids = [
        "dials",
        "connects",
        "connect_rate",
        "talk_time_min",
        "avg_talk_time_s",
        "deals",
        "sales_amount",
        "conversion_rate",
        "average_order_value",
    ]
    for pre in (from_agent_days(result.agent_days), read_preaggregated(out)):
        for granularity, level in (("month", "agent"), ("quarter", "agent"), ("month", "team")):
            keys = ["team_id" if level == "team" else "agent_id", "period", "indicator"]
            want = compute_indicators(ds, indicators=ids, granularity=granularity, level=level)
            got = compute_indicators(pre, indicators=ids, granularity=granularity, level=level)
            m = want.merge(got, on=keys, suffixes=("", "_pre"), validate="one_to_one")
            assert len(m) == len(want) == len(got) > 0
            for col in ("value", "numerator", "denominator"):
                pd.testing.assert_series_equal(
                    m[col], m[f"{col}_pre"], check_names=False, rtol=1e-9
                )
    weekly = from_agent_days(result.agent_days, granularity="week")
    want = compute_indicators(ds, indicators=["dials"], granularity="week")
    got = compute_indicators(weekly, indicators=["dials"], granularity="week")
    assert got["value"].sum() == want["value"].sum() == len(ds["calls"])
    with pytest.raises(ValueError, match="not day components"):
        from_agent_days(result.agent_days.assign(customers_served=1))


def test_preaggregated_counts_add_up_over_periods():
    """A monthly export's counts and amounts give their sum for the quarter (they used to be
    divided by the number of months: the denominator of a sum was summed too)."""
    from kpi_lib.indicators.engine import compute_indicators
    from kpi_lib.indicators.preaggregated import read_preaggregated

    export = pd.DataFrame(
        {
            "agent_id": ["A1"] * 3 + ["A2"],
            "team_id": ["T1"] * 4,
            "period": ["2026-01", "2026-02", "2026-03", "2026-01"],
            "dials": [100, 50, 50, 40],
            "sales_amount": [1000.0, 0.0, 500.0, 250.0],
        }
    )
    pre = read_preaggregated(export)
    q = compute_indicators(pre, granularity="quarter").set_index(["agent_id", "indicator"])
    assert q.loc[("A1", "dials"), "value"] == 200 and q.loc[("A1", "dials"), "denominator"] == 1
    assert q.loc[("A1", "sales_amount"), "value"] == 1500
    team = compute_indicators(pre, level="team").set_index(["period", "indicator"])
    assert team.loc[("2026-01", "dials"), "value"] == 140


def test_agent_days_block_is_checked():
    raw = {
        "tables": {"agents": {"inline": [{"agent_id": "A", "agent_name": "A", "team_id": "T"}]}},
        "agent_days": {
            "file": "d.csv",
            "distinct": True,
            "columns": {"agent_id": "a", "date": "d", "dails": "n", "customers_served": "c"},
        },
        "empty_tables": ["calls", "orders"],
    }
    with pytest.raises(MappingError) as info:
        parse_mapping(raw)
    msg = str(info.value)
    assert "`agent_days.distinct`: unknown key." in msg
    assert (
        "`agent_days.columns.dails`: 'dails' is not an agent-day column. Did you mean 'dials'?"
        in msg
    )
    assert "`agent_days.columns.customers_served`" in msg  # a distinct count: not additive
    assert "`agent_days.columns`: map at least one total" in msg
    raw["agent_days"] = {"file": "d.csv", "columns": {"agent_id": "a", "date": "d", "dials": "n"}}
    mapping = parse_mapping(raw)
    assert mapping.agent_days.key == "agent_days" and mapping.tables == [
        "agents",
        "calls",
        "orders",
    ]


def test_example_agent_days_mapping(tmp_path):
    (tmp_path / "daily_report_oct.csv").write_text(
        "Agent;Team;Day;Calls;Answered;Talk time;Answered talk (s);Orders;Revenue\n"
        "1001;North;01.10.2026;84;31;3:12:40;10850;3;1.280,50\n"
        "1001;North;02.10.2026;60;20;2:00:00;7000;-;0\n"
        "TEST;North;02.10.2026;1;1;0:00:10;10;0;0\n",
        encoding="utf-8",
    )
    result = import_export(load_mapping(MAPPINGS / "example_agent_days.yaml"), tmp_path)
    days = result.agent_days.set_index("date")
    assert days.loc["2026-10-01", "talk_s"] == 3 * 3600 + 12 * 60 + 40
    assert days.loc["2026-10-01", "sales"] == 1280.5 and days.loc["2026-10-02", "deals"] == 0
    assert result.dataset.agents.agent_id.tolist() == ["1001"]
    assert result.balance["balanced"].all()
