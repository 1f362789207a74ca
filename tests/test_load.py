"""Loading, coercion, quarantine and the load report (kpi_lib.data.load)."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi_lib.data.contract import CONTRACT, contract_markdown
from kpi_lib.data.load import DatasetError, load_dataset, pandera_schema, validate_tables
from kpi_lib.paths import project_root

AGENTS = """agent_id,agent_name,team_id,hire_date,level,active
A1,Ann,T1,2025-01-03,junior,true
A2,Bo,T1,2024-05-01,senior,yes
A3,Cy,T2,2023-02-01,intermediate,1
A3,Dup,T2,2023-02-01,intermediate,1
"""

CALLS = """call_id,agent_id,started_at,duration_s,outcome,need_captured,intent_rating
C1,A1,2026-10-01 09:00:00,200,connected,true,2
C2,A1,2026-10-01 09:05:00,0,no_answer,,
C3,A2,2026-10-01T10:00:00+00:00,35,connected,false,1
C4,A2,2026-10-01 10:10:00,-5,connected,false,0
C5,A2,2026-10-01 10:20:00,0,hung_up,,
C6,A9,2026-10-01 10:30:00,0,busy,,
C7,A1,not a time,0,busy,,
C1,A1,2026-10-01 11:00:00,10,connected,true,1
C8,A1,2026-10-02 09:00:00,abc,connected,maybe,7
"""

ORDERS = """order_id,agent_id,customer_id,ordered_at,amount,collected_amount
O1,A1,K1,2026-10-01 12:00:00,100.5,100.5
O2,A2,K2,2026-10-01 13:00:00,twelve,
O3,A2,K3,2026-10-02 13:00:00,50,80
"""


def write(folder, **tables):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def dirty(tmp_path):
    return write(tmp_path / "dirty", agents=AGENTS, calls=CALLS, orders=ORDERS)


def test_rows_read_equal_rows_used_plus_quarantined(dirty):
    ds = load_dataset(dirty)
    summary = ds.load_report[ds.load_report.reason == ""].set_index("table")
    for table, row in summary.iterrows():
        assert row.rows_read == row.rows_used + row.rows_quarantined, table
        assert row.rows_used == len(ds[table])
    # every quarantined row is in the quarantine table
    for table, row in summary.iterrows():
        assert ds.quarantine[ds.quarantine.table == table]["row"].nunique() == row.rows_quarantined


def test_each_reason_is_reported(dirty):
    ds = load_dataset(dirty)
    reasons = set(ds.load_report.reason)
    expected = {
        "agent_id: duplicate id",
        "call_id: duplicate id",
        "duration_s: below the minimum 0",
        "outcome: not one of ['connected', 'no_answer', 'busy', 'invalid_number', 'rejected']",
        "agent_id: unknown agent (not in agents.agent_id)",
        "started_at: not a date-time such as 2026-10-08 14:03:00",
        "duration_s: not a number",
        "need_captured: not true/false (also 1/0, yes/no)",
        "intent_rating: above the maximum 3",
        "amount: not a number",
        "collected_amount: larger than amount",
    }
    assert expected <= reasons, expected - reasons
    # duplicate agent A3: both rows are set aside (we cannot know which is right),
    # so calls of A3 would be unknown-agent rows
    assert set(ds.agents.agent_id) == {"A1", "A2"}
    # the raw value is kept for the analyst
    bad = ds.quarantine.query("column == 'amount'")
    assert bad.value.tolist() == ["twelve"]


def test_coercion_and_timezone(dirty):
    ds = load_dataset(dirty, timezone="Asia/Shanghai")
    calls = ds["calls"].set_index("call_id")
    # +00:00 10:00 is 18:00 in Shanghai; naive times are taken as local time
    assert calls.loc["C3", "started_at"] == pd.Timestamp("2026-10-01 18:00:00")
    assert calls.loc["C2", "started_at"] == pd.Timestamp("2026-10-01 09:05:00")
    assert calls.loc["C3", "need_captured"] == False  # noqa: E712
    assert ds.agents.set_index("agent_id").loc["A2", "active"] == True  # noqa: E712
    assert ds["calls"]["intent_rating"].dtype == "Int64"


def test_structural_problems_are_collected(tmp_path):
    folder = write(
        tmp_path / "broken",
        agents="agent_id,agent_name\nA1,Ann\n",
        calls="call_id;agent_id;started_at\nC1;A1;2026-10-01\n",
    )
    with pytest.raises(DatasetError) as info:
        load_dataset(folder)
    message = str(info.value)
    assert "[agents.team_id] required column is missing" in message
    assert "semicolon-separated" in message
    assert "[orders] required table is missing" in message
    assert len(info.value.problems) >= 3


def test_missing_folder_is_clear(tmp_path):
    with pytest.raises(DatasetError, match="does not exist"):
        load_dataset(tmp_path / "nope")


def test_gb18030_and_bom_csv(tmp_path):
    folder = tmp_path / "enc"
    folder.mkdir()
    (folder / "agents.csv").write_bytes(
        "agent_id,agent_name,team_id\nA1,张伟,T1\n".encode("gb18030")
    )
    (folder / "calls.csv").write_bytes(
        "\ufeffcall_id,agent_id,started_at,duration_s,outcome\nC1,A1,2026-10-01 09:00,0,busy\n".encode()
    )
    (folder / "orders.csv").write_text(
        "order_id,agent_id,customer_id,ordered_at,amount\n", encoding="utf-8"
    )
    ds = load_dataset(folder)
    assert ds.agents.agent_name.tolist() == ["张伟"]
    assert len(ds["calls"]) == 1 and len(ds["orders"]) == 0


def test_xlsx_workbook(tmp_path):
    folder = tmp_path / "xl"
    folder.mkdir()
    with pd.ExcelWriter(folder / "export.xlsx") as xl:
        pd.read_csv(pd.io.common.StringIO(AGENTS)).iloc[:2].to_excel(
            xl, sheet_name="agents", index=False
        )
        pd.DataFrame(
            {
                "call_id": ["C1"],
                "agent_id": ["A1"],
                "started_at": ["2026-10-01 09:00"],
                "duration_s": [0],
                "outcome": ["busy"],
            }
        ).to_excel(xl, sheet_name="calls", index=False)
        pd.DataFrame(columns=CONTRACT["orders"].required_columns).to_excel(
            xl, sheet_name="orders", index=False
        )
    ds = load_dataset(folder)
    assert len(ds.agents) == 2 and len(ds["calls"]) == 1


def test_validate_tables_from_memory():
    ds = validate_tables(
        {
            "agents": pd.DataFrame({"agent_id": ["A1"], "agent_name": ["a"], "team_id": ["T"]}),
            "calls": pd.DataFrame(
                {
                    "call_id": ["1"],
                    "agent_id": ["A1"],
                    "started_at": pd.to_datetime(["2026-01-01"]),
                    "duration_s": [3.0],
                    "outcome": ["connected"],
                }
            ),
            "orders": pd.DataFrame(columns=CONTRACT["orders"].required_columns),
        }
    )
    assert ds.has("calls") and not ds.has("surveys")
    with pytest.raises(KeyError, match="optional and was not provided"):
        ds["surveys"]


def test_pandera_schema_documents_columns():
    schema = pandera_schema(CONTRACT["calls"])
    assert schema.columns["outcome"].description == "Dial outcome."


def test_data_contract_doc_is_generated_from_the_code():
    doc = project_root() / "docs" / "data-contract.md"
    assert doc.read_text(encoding="utf-8") == contract_markdown() + "\n", (
        "docs/data-contract.md is stale: run `kpi contract --markdown > docs/data-contract.md`"
    )
