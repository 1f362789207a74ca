"""Tests of the indicator engine: hand-checked values on a tiny dataset, the pandas
reference on the sample dataset, pre-aggregated input."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
import yaml

from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.catalogue import CATALOGUE
from kpi_lib.indicators.engine import OUTPUT_COLUMNS, compute_indicators, unavailable_indicators
from kpi_lib.indicators.preaggregated import read_preaggregated
from kpi_lib.indicators.reference import compute_indicators_pandas
from kpi_lib.paths import project_root

T = pd.Timestamp


def tiny_tables():
    agents = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "B1"],
            "agent_name": ["Ann", "Bo", "Cy"],
            "team_id": ["T1", "T1", "T2"],
            "level": ["senior", "junior", "expert"],
        }
    )
    calls = pd.DataFrame(
        [
            ("c1", "A1", "2026-01-05 10:00", 200, "connected", True, 3, "L1", "K1"),
            ("c2", "A1", "2026-01-06 10:00", 100, "connected", True, 1, "L2", "K2"),
            ("c3", "A1", "2026-01-07 10:00", 300, "connected", False, 2, "L1", "K1"),
            ("c4", "A1", "2026-01-08 10:00", 0, "no_answer", None, None, "L3", None),
            ("c5", "A1", "2026-02-02 10:00", 180, "connected", True, 2, None, "K3"),
            ("c6", "A1", "2026-02-03 10:00", 0, "busy", None, None, None, None),
            ("c7", "A2", "2026-01-09 10:00", 0, "rejected", None, None, None, None),
            ("c8", "A2", "2026-01-10 10:00", 0, "invalid_number", None, None, None, None),
            ("c9", "B1", "2026-01-11 10:00", 240, "connected", True, 0, None, "K4"),
        ],
        columns=[
            "call_id", "agent_id", "started_at", "duration_s", "outcome", "need_captured",
            "intent_rating", "lead_id", "customer_id",
        ],
    )  # fmt: skip
    calls["started_at"] = pd.to_datetime(calls["started_at"])
    calls["need_captured"] = calls["need_captured"].astype("boolean")
    calls["intent_rating"] = calls["intent_rating"].astype("Int64")
    orders = pd.DataFrame(
        [
            ("o1", "A1", "K1", "2026-01-10 09:00", 1000.0, 800.0, "L1"),
            ("o2", "A1", "K1", "2026-02-05 09:00", 500.0, 500.0, None),
            ("o3", "A2", "K5", "2026-01-20 09:00", 300.0, 0.0, None),
            ("o4", "A1", "K2", "2026-01-25 09:00", 200.0, 200.0, None),
        ],
        columns=[
            "order_id", "agent_id", "customer_id", "ordered_at", "amount", "collected_amount",
            "lead_id",
        ],
    )  # fmt: skip
    orders["ordered_at"] = pd.to_datetime(orders["ordered_at"])
    leads = pd.DataFrame(
        {
            "lead_id": ["L1", "L2", "L3", "L4"],
            "agent_id": ["A1"] * 4,
            "assigned_at": pd.to_datetime(["2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05"]),
        }
    )
    surveys = pd.DataFrame(
        {
            "survey_id": ["s1", "s2", "s3"],
            "agent_id": ["A1"] * 3,
            "answered_at": pd.to_datetime(
                ["2026-01-05 12:00", "2026-01-06 12:00", "2026-01-07 12:00"]
            ),
            "score": pd.array([5, 4, 2], dtype="Int64"),
        }
    )
    complaints = pd.DataFrame(
        {
            "complaint_id": ["p1", "p2"],
            "agent_id": ["A1", "A1"],
            "opened_at": pd.to_datetime(["2026-01-15", "2026-01-28"]),
            "resolved_at": pd.to_datetime(["2026-01-20", None]),
        }
    )
    qa = pd.DataFrame(
        {
            "review_id": ["r1", "r2", "r3", "r4"],
            "call_id": ["c1", "c2", "c3", "c1"],
            "agent_id": ["A1"] * 4,
            "reviewed_at": pd.to_datetime(["2026-01-20"] * 4),
            "reviewer": ["qa_li", "qa_li", "system", "system"],
            "compliant": pd.array([True, False, True, True], dtype="boolean"),
        }
    )
    trainings = pd.DataFrame(
        {
            "agent_id": ["A1", "A1"],
            "course": ["script", "product"],
            "taken_at": pd.to_datetime(["2026-01-12", "2026-01-13"]),
            "passed": pd.array([True, False], dtype="boolean"),
        }
    )
    proposals = pd.DataFrame(
        {
            "proposal_id": ["x1", "x2"],
            "agent_id": ["A1", "A1"],
            "submitted_at": pd.to_datetime(["2026-01-14", "2026-01-16"]),
            "accepted": pd.array([True, None], dtype="boolean"),
        }
    )
    targets = pd.DataFrame(
        {
            "period": ["2026-01"],
            "scope": ["team"],
            "scope_id": ["T1"],
            "indicator": ["sales_amount"],
            "target": [3000.0],
        }
    )
    return {
        "agents": agents, "calls": calls, "orders": orders, "leads": leads,
        "surveys": surveys, "complaints": complaints, "qa_reviews": qa,
        "trainings": trainings, "proposals": proposals, "targets": targets,
    }  # fmt: skip


@pytest.fixture
def tiny():
    return Dataset(tables=tiny_tables(), timezone="UTC", name="tiny")


def value(df, indicator, agent="A1", period="2026-01", col="value"):
    key = "agent_id" if "agent_id" in df else "team_id"
    row = df[(df[key] == agent) & (df.period == period) & (df.indicator == indicator)]
    assert len(row) == 1, (indicator, agent, period, len(row))
    return row[col].item()


# A1, January 2026, computed by hand from tiny_tables()
HAND_A1_JAN = {
    "dials": 4, "connects": 3, "connect_rate": 3 / 4,
    "effective_calls": 1,  # c1 only: c2 too short, c3 need not captured
    "effective_call_rate": 1 / 3, "talk_time_min": 600 / 60, "avg_talk_time_s": 600 / 3,
    "effective_talk_time_min": 200 / 60, "intent_rate": 2 / 3,  # c1 (3), c3 (2)
    "lead_utilisation": 1 / 4,  # L1 -> o1: 1 of 4 assigned leads converted
    "lead_conversion_rate": 1 / 1,  # intent shown by L1 only (c1, c3); L1 -> o1
    "sales_amount": 1200, "new_customer_sales": 1200, "repeat_sales": 0,
    "collected_amount": 1000, "collection_rate": 1000 / 1200, "deals": 2, "new_customers": 2,
    "average_order_value": 600, "conversion_rate": 2 / 3,
    "satisfaction_score": 11 / 3, "satisfaction_rate": 2 / 3, "survey_coverage": 3 / 3,
    "complaints_per_100": 100 * 2 / 2,  # 2 complaints, customers served K1, K2
    "complaint_resolution_rate": 1 / 2,
    "compliance_rate": 1 / 2, "compliance_rate_human": 1 / 2, "compliance_rate_system": 2 / 2,
    "training_pass_rate": 1 / 2, "certification_level": 3,
    "proposals_submitted": 2, "proposals_accepted": 1,
    "team_target_attainment": (1200 + 300) / 3000,
}  # fmt: skip


def test_hand_checked_values(tiny):
    out = compute_indicators(tiny, definitions={"data_end": "2026-06-01"})
    assert list(out.columns) == OUTPUT_COLUMNS
    for ind, expected in HAND_A1_JAN.items():
        assert value(out, ind) == pytest.approx(expected), ind
    # repurchase: K1 ordered again on 5 Feb (within 90 days), K2 did not
    assert value(out, "repurchase_rate") == pytest.approx(1 / 2)
    # February: only the repeat order of K1
    assert value(out, "repeat_sales", period="2026-02") == 500
    assert value(out, "new_customers", period="2026-02") == 0
    assert value(out, "conversion_rate", period="2026-02") == 1
    # the team target is shared by the team's agents
    assert value(out, "team_target_attainment", agent="A2") == pytest.approx(0.5)
    assert value(out, "certification_level", agent="A2") == 1
    assert set(CATALOGUE) == set(out.indicator)


def test_zero_denominators_give_missing_with_reason(tiny):
    out = compute_indicators(tiny)
    assert np.isfinite(out["value"].dropna()).all()
    # A2 dialled twice, never connected
    assert value(out, "connect_rate", agent="A2") == 0
    assert math.isnan(value(out, "conversion_rate", agent="A2"))
    assert value(out, "conversion_rate", agent="A2", col="reason") == "no connected calls"
    assert math.isnan(value(out, "satisfaction_score", agent="A2"))
    assert value(out, "satisfaction_score", agent="A2", col="reason") == "no surveys answered"
    # B1's level is not in the level map; T2 has no target
    assert value(out, "certification_level", agent="B1", col="reason") == "level not in level_map"
    assert "no team sales target" in value(out, "team_target_attainment", agent="B1", col="reason")
    # present values have an empty reason
    assert (out.loc[out.value.notna(), "reason"] == "").all()


def test_repurchase_window_censoring(tiny):
    out = compute_indicators(tiny, indicators=["repurchase_rate"])
    # data ends on 5 Feb: January's 90-day window is not complete
    assert math.isnan(value(out, "repurchase_rate"))
    assert value(out, "repurchase_rate", col="reason") == "window not complete"
    observed = compute_indicators(
        tiny, indicators=["repurchase_rate"], definitions={"repurchase_censoring": "observed"}
    )
    assert value(observed, "repurchase_rate") == pytest.approx(1 / 2)
    short = compute_indicators(
        tiny,
        indicators=["repurchase_rate"],
        definitions={"repurchase_window_days": 20, "data_end": "2026-06-01"},
    )
    assert value(short, "repurchase_rate") == 0  # 10 Jan -> 5 Feb is 26 days


def test_definitions_change_results(tiny):
    d = {
        "effective_requires_need_captured": False,
        "effective_min_talk_s": 150,
        "satisfied_cutoff": 5,
        "compliance_reviewer": "any",
        "intent_interested_min": 3,
        "lead_utilisation_basis": "connected",
        "complaint_resolution_days": 3,
    }
    out = compute_indicators(tiny, definitions=d)
    assert value(out, "effective_calls") == 2  # c1 and c3 (need no longer required)
    assert value(out, "effective_talk_time_min") == pytest.approx(500 / 60)
    assert value(out, "satisfaction_rate") == pytest.approx(1 / 3)
    assert value(out, "compliance_rate") == pytest.approx(3 / 4)
    assert value(out, "intent_rate") == pytest.approx(1 / 3)
    assert value(out, "lead_utilisation") == pytest.approx(2 / 4)
    assert value(out, "complaint_resolution_rate") == 0  # resolved after 5 days
    net = compute_indicators(
        Dataset(
            tables={
                **tiny.tables,
                "orders": tiny["orders"].assign(refunded_amount=[100.0, 0, 0, 0]),
            },
            timezone="UTC",
        ),
        indicators=["sales_amount"],
        definitions={"sales_net_of_refunds": True},
    )
    assert value(net, "sales_amount") == 1100


def test_rates_aggregate_as_ratio_of_sums(tiny):
    q = compute_indicators(tiny, granularity="quarter")
    # (3 + 1) connects over (4 + 2) dials, not the mean of 0.75 and 0.5
    assert value(q, "connect_rate", period="2026-Q1") == pytest.approx(4 / 6)
    team = compute_indicators(tiny, level="team")
    assert "agent_id" not in team
    assert value(team, "connect_rate", agent="T1") == pytest.approx(3 / 6)
    assert value(team, "certification_level", agent="T1") == pytest.approx((3 + 1) / 2)
    assert value(team, "team_target_attainment", agent="T1") == pytest.approx(0.5)
    assert value(team, "sales_amount", agent="T1") == 1500
    weeks = compute_indicators(tiny, granularity="week", indicators=["dials"])
    assert set(weeks.period) >= {"2026-W02", "2026-W06"}


def test_quarter_target_sums_monthly_targets(tiny):
    targets = pd.DataFrame(
        {
            "period": ["2026-01", "2026-02", "2026-03"],
            "scope": "team",
            "scope_id": "T1",
            "indicator": "sales_amount",
            "target": [1000.0, 1000.0, 1000.0],
        }
    )
    ds = Dataset(tables={**tiny.tables, "targets": targets}, timezone="UTC")
    q = compute_indicators(
        ds, granularity="quarter", level="team", indicators=["team_target_attainment"]
    )
    assert value(q, "team_target_attainment", agent="T1", period="2026-Q1") == pytest.approx(
        2000 / 3000
    )


def test_missing_tables_make_indicators_unavailable(tiny):
    tables = {k: v for k, v in tiny.tables.items() if k not in ("surveys", "targets")}
    tables["calls"] = tables["calls"].drop(columns=["need_captured"])
    ds = Dataset(tables=tables, timezone="UTC")
    un = unavailable_indicators(ds)
    assert {"satisfaction_score", "satisfaction_rate", "survey_coverage",
            "team_target_attainment", "effective_calls"} <= set(un.indicator)  # fmt: skip
    msg = un.set_index("indicator").loc["effective_calls", "message"]
    assert "need_captured" in msg and "effective_requires_need_captured" in msg
    with pytest.warns(UserWarning, match="satisfaction_score is unavailable"):
        out = compute_indicators(ds)
    assert "satisfaction_score" not in set(out.indicator)
    explicit = compute_indicators(ds, indicators=["satisfaction_rate", "dials"])
    sat = explicit[explicit.indicator == "satisfaction_rate"]
    assert sat["value"].isna().all() and sat["reason"].str.contains("`surveys`").all()
    # relaxing the definition makes effective calls available again
    assert "effective_calls" not in set(
        unavailable_indicators(
            ds, definitions={"effective_requires_need_captured": False}
        ).indicator
    )


def test_folder_of_csv_matches_dataset(tiny, tmp_path):
    for name, df in tiny.tables.items():
        df.to_csv(tmp_path / f"{name}.csv", index=False)
    (tmp_path / "dataset.yaml").write_text("timezone: UTC\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = compute_indicators(tmp_path, definitions={"data_end": "2026-06-01"})
        b = compute_indicators(tiny, definitions={"data_end": "2026-06-01"})
    pd.testing.assert_frame_equal(a, b)


# closes the calls view early, writes a file, then reopens an expression the rest of the old
# statement completes (against the old engine this wrote pwned.csv into the cwd)
INJECTION = (
    'UTC\', CAST("started_at" AS TIMESTAMPTZ)) END AS "started_at" '
    "FROM (SELECT '' AS call_id, '' AS agent_id, '' AS started_at); "
    "COPY (SELECT 42 AS x) TO 'pwned.csv'; "
    "SELECT CASE WHEN true THEN timezone('UTC"
)


@pytest.mark.parametrize("where", ["dataset.yaml", "argument"])
def test_folder_timezone_must_be_an_iana_zone(tiny, tmp_path, monkeypatch, where):
    # the timezone was pasted into SQL: a crafted one wrote a file. It is now checked against
    # zoneinfo.available_timezones() before anything runs.
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "data"
    folder.mkdir()
    for name, df in tiny.tables.items():
        df.to_csv(folder / f"{name}.csv", index=False)
    kwargs = {}
    if where == "dataset.yaml":
        (folder / "dataset.yaml").write_text(yaml.safe_dump({"timezone": INJECTION}))
    else:
        kwargs["timezone"] = INJECTION
    with pytest.raises(ValueError, match="is not an IANA timezone") as err:
        compute_indicators(folder, **kwargs)
    assert repr(INJECTION) in str(err.value)  # the message names the timezone
    if where == "dataset.yaml":
        with pytest.raises(ValueError, match="dataset.yaml"):
            unavailable_indicators(folder)
    assert not list(tmp_path.rglob("pwned*"))


def test_folder_name_with_an_apostrophe(tiny, tmp_path):
    # paths reach DuckDB as arguments of its readers, never pasted into SQL
    csv_folder = tmp_path / "o'brien's team" / "export"
    parquet_folder = tmp_path / "l'équipe"
    csv_folder.mkdir(parents=True)
    (parquet_folder / "calls").mkdir(parents=True)
    for name, df in tiny.tables.items():
        df.to_csv(csv_folder / f"{name}.csv", index=False)
        if name == "calls":  # a table split into part files
            half = len(df) // 2
            df.iloc[:half].to_parquet(parquet_folder / "calls" / "part-0.parquet")
            df.iloc[half:].to_parquet(parquet_folder / "calls" / "part-1.parquet")
        else:
            df.to_parquet(parquet_folder / f"{name}.parquet")
    for folder in (csv_folder, parquet_folder):
        (folder / "dataset.yaml").write_text("timezone: UTC\n")
    options = {"definitions": {"data_end": "2026-06-01"}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = compute_indicators(tiny, **options)
        from_csv = compute_indicators(csv_folder, **options)
        from_parquet = compute_indicators(parquet_folder, **options)
    pd.testing.assert_frame_equal(from_csv, expected)
    pd.testing.assert_frame_equal(from_parquet, expected)
    assert unavailable_indicators(csv_folder).equals(unavailable_indicators(tiny))


def test_options_are_checked(tiny):
    with pytest.raises(ValueError, match="`granularity` must be one of"):
        compute_indicators(tiny, granularity="day")
    with pytest.raises(KeyError, match="Did you mean 'connect_rate'"):
        compute_indicators(tiny, indicators=["conect_rate"])
    with pytest.raises(ValueError, match="must be month labels"):
        compute_indicators(tiny, periods=["2026-Q1"])
    only = compute_indicators(tiny, periods=["2026-02"], indicators=["dials"])
    assert set(only.period) == {"2026-02"}
    # a period without data gives an empty table of the usual shape
    none = compute_indicators(tiny, periods=["2026-05"])
    assert none.empty and list(none.columns) == OUTPUT_COLUMNS


def test_preaggregated_export_flows_into_tidy_table():
    export = pd.DataFrame(
        {
            "agent_id": ["A1", "A1", "A1", "A2"],
            "team_id": ["T1", "T1", "T1", "T1"],
            "period": ["2026-01", "2026-02", "2026-03", "2026-01"],
            "呼出次数": [100, 50, 50, 40],  # dials, by its Chinese name
            "Connected calls": [30, 10, 20, 4],
            "connect_rate": [0.30, 0.20, 0.40, 0.10],
            "满意率": [0.9, 0.8, 1.0, 0.5],  # satisfaction_rate, no denominator
        }
    )
    pre = read_preaggregated(export)
    monthly = compute_indicators(pre)
    assert value(monthly, "dials") == 100
    assert value(monthly, "satisfaction_rate") == pytest.approx(0.9)
    q = compute_indicators(pre, granularity="quarter")
    assert value(q, "connect_rate", period="2026-Q1") == pytest.approx(60 / 200)
    assert math.isnan(value(q, "satisfaction_rate", period="2026-Q1"))
    assert "satisfaction_rate_denominator" in value(
        q, "satisfaction_rate", period="2026-Q1", col="reason"
    )
    team = compute_indicators(pre, level="team")
    assert value(team, "connect_rate", agent="T1") == pytest.approx(34 / 140)
    with pytest.raises(ValueError, match="cannot give week"):
        compute_indicators(pre, granularity="week")


# ------------------------------------------------------------------ sample dataset vs pandas

SAMPLE = project_root() / "data" / "sample"


@pytest.fixture(scope="module")
def sample():
    if not (SAMPLE / "calls.parquet").is_file():
        pytest.skip("data/sample has not been generated")
    tables = {p.stem: pd.read_parquet(p) for p in SAMPLE.glob("*.parquet")}
    return Dataset(tables=tables, timezone="Asia/Shanghai", name="sample", source=SAMPLE)


def _compare(a, b):
    assert a.shape == b.shape
    keys = [c for c in ("agent_id", "team_id", "period", "indicator") if c in a]
    m = a.merge(b, on=keys, suffixes=("", "_ref"), validate="one_to_one")
    assert len(m) == len(a)
    for col in ("value", "numerator", "denominator"):
        np.testing.assert_allclose(m[col], m[col + "_ref"], rtol=1e-9, equal_nan=True, err_msg=col)
    assert (m["reason"] == m["reason_ref"]).all()


def test_engine_matches_pandas_reference_on_sample(sample):
    engine = compute_indicators(sample, granularity="month")
    reference = compute_indicators_pandas(sample, granularity="month")
    _compare(engine, reference)
    # the out-of-core path over the files gives the same table
    _compare(compute_indicators(SAMPLE, granularity="month"), reference)


def test_engine_matches_pandas_reference_team_quarter(sample):
    d = {"compliance_reviewer": "system", "satisfied_cutoff": 5, "qa_period": "review"}
    engine = compute_indicators(sample, granularity="quarter", level="team", definitions=d)
    reference = compute_indicators_pandas(
        sample, granularity="quarter", level="team", definitions=d
    )
    _compare(engine, reference)


# ------------------------------------------------------------------ periods and employment


def test_reviews_count_in_the_period_of_the_reviewed_call(tiny):
    qa = tiny["qa_reviews"].copy()
    # r2 reviews c2 (6 Jan) in February; r4 reviews c1 in March, after the last call (3 Feb)
    qa["reviewed_at"] = pd.to_datetime(["2026-01-20", "2026-02-02", "2026-01-20", "2026-03-04"])
    complaints = pd.concat(
        [
            tiny["complaints"],
            pd.DataFrame(
                {
                    "complaint_id": ["p3"],
                    "agent_id": ["A1"],
                    "opened_at": [T("2026-03-10")],
                    "resolved_at": [pd.NaT],
                }
            ),
        ],
        ignore_index=True,
    )
    ds = Dataset(tables={**tiny.tables, "qa_reviews": qa, "complaints": complaints}, timezone="UTC")
    out = compute_indicators(ds)
    # January: r1 (c1, compliant) and r2 (c2, not) by qa_li; r3 (c3) and r4 (c1) by system
    assert value(out, "compliance_rate_human") == pytest.approx(1 / 2)
    assert value(out, "compliance_rate_system") == pytest.approx(2 / 2)
    assert math.isnan(value(out, "compliance_rate", period="2026-02"))
    by_review = compute_indicators(ds, definitions={"qa_period": "review"})
    assert value(by_review, "compliance_rate_human") == 1  # r1 only; r2 counts in February
    assert value(by_review, "compliance_rate_human", period="2026-02") == 0
    # the March review and complaint make no period after the last call's (February)
    assert set(out.period) == {"2026-01", "2026-02"}
    assert set(compute_indicators_pandas(ds).period) == {"2026-01", "2026-02"}


def employment_dataset(tiny):
    """A3 is hired on 1 Feb but gets a lead on 30 Jan; B1 (inactive) makes its last call on
    11 Jan and gets a complaint on 3 Feb."""
    t = dict(tiny.tables)
    t["agents"] = pd.concat(
        [
            t["agents"],
            pd.DataFrame(
                {"agent_id": ["A3"], "agent_name": ["Di"], "team_id": ["T1"], "level": ["junior"]}
            ),
        ],
        ignore_index=True,
    ).assign(
        hire_date=pd.to_datetime(["2020-01-01", "2025-06-01", "2021-03-01", "2026-02-01"]),
        active=[True, True, False, True],
    )
    t["calls"] = pd.concat(
        [
            t["calls"],
            pd.DataFrame(
                {
                    "call_id": ["c10"],
                    "agent_id": ["A3"],
                    "started_at": [T("2026-02-04 10:00")],
                    "duration_s": [60],
                    "outcome": ["connected"],
                    "lead_id": ["L5"],
                    "customer_id": ["K6"],
                }
            ).astype({"duration_s": "int64"}),
        ],
        ignore_index=True,
    )
    t["leads"] = pd.concat(
        [
            t["leads"],
            pd.DataFrame({"lead_id": ["L5"], "agent_id": ["A3"], "assigned_at": [T("2026-01-30")]}),
        ],
        ignore_index=True,
    )
    t["complaints"] = pd.concat(
        [
            t["complaints"],
            pd.DataFrame(
                {
                    "complaint_id": ["p3"],
                    "agent_id": ["B1"],
                    "opened_at": [T("2026-02-03")],
                    "resolved_at": [pd.NaT],
                }
            ),
        ],
        ignore_index=True,
    )
    return Dataset(tables=t, timezone="UTC")


def test_agent_periods_outside_employment(tiny):
    ds = employment_dataset(tiny)
    out = compute_indicators(ds)
    units = set(zip(out.agent_id, out.period, strict=True))
    # left out: A3 before the month of hire, B1 after its last call (inactive)
    assert ("A3", "2026-01") not in units and ("B1", "2026-02") not in units
    assert {("A3", "2026-02"), ("B1", "2026-01")} <= units
    assert value(out, "dials", agent="A3", period="2026-02") == 1
    flagged = compute_indicators(ds, definitions={"outside_employment": "flag"})
    for agent, period in (("A3", "2026-01"), ("B1", "2026-02")):
        rows = flagged[(flagged.agent_id == agent) & (flagged.period == period)]
        assert len(rows) == len(set(flagged.indicator))
        assert (rows["reason"] == "not employed in period").all()
        assert rows[["value", "numerator", "denominator"]].isna().all().all()
    # employed rows are the same either way
    kept = flagged[flagged.reason != "not employed in period"].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, out)
    # teams count all activity: T1 January has A1's 4 leads and A3's lead; T2 February B1's
    # complaint
    team = compute_indicators(ds, level="team", indicators=["lead_utilisation", "dials"])
    assert value(team, "lead_utilisation", agent="T1", col="denominator") == 5
    team_q = compute_indicators(ds, level="team", indicators=["complaint_resolution_rate"])
    assert value(team_q, "complaint_resolution_rate", agent="T2", period="2026-02") == 0
    for d in ({}, {"outside_employment": "flag"}):
        _compare(
            compute_indicators(ds, definitions=d), compute_indicators_pandas(ds, definitions=d)
        )


def test_complaints_per_paying_customers(tiny):
    extra = pd.DataFrame(
        {
            "order_id": ["o5"],
            "agent_id": ["A1"],
            "customer_id": ["K6"],
            "ordered_at": [T("2026-01-26 09:00")],
            "amount": [100.0],
            "collected_amount": [100.0],
            "lead_id": [None],
        }
    )
    orders = pd.concat([tiny["orders"], extra], ignore_index=True)
    ds = Dataset(tables={**tiny.tables, "orders": orders}, timezone="UTC")
    ids = ["complaints_per_100"]
    served = compute_indicators(
        ds, indicators=ids, definitions={"complaints_per": "customers_served"}
    )
    # 2 complaints; customers served by A1 in January: K1, K2 (connected calls c1-c3)
    assert value(served, "complaints_per_100") == pytest.approx(100 * 2 / 2)
    assert value(served, "complaints_per_100", agent="A2", col="reason") == "no customers served"
    paying = compute_indicators(
        ds, indicators=ids, definitions={"complaints_per": "paying_customers"}
    )
    # paying customers of A1 in January: K1 (o1), K2 (o4), K6 (o5)
    assert value(paying, "complaints_per_100") == pytest.approx(100 * 2 / 3)
    assert value(paying, "complaints_per_100", col="denominator") == 3
    # A2 has a paying customer (K5, o3) and no complaint; B1 no order
    assert value(paying, "complaints_per_100", agent="A2") == 0
    assert value(paying, "complaints_per_100", agent="B1", col="reason") == "no paying customers"
    _compare(
        paying,
        compute_indicators_pandas(
            ds, indicators=ids, definitions={"complaints_per": "paying_customers"}
        ),
    )


def test_engine_matches_reference_with_options_and_periods(sample):
    d = {"complaints_per": "paying_customers", "outside_employment": "flag"}
    periods = ["2026-08", "2026-09", "2026-10"]
    engine = compute_indicators(sample, definitions=d, periods=periods)
    assert set(engine.period) == set(periods)
    assert (engine.reason == "not employed in period").any()
    _compare(engine, compute_indicators_pandas(sample, definitions=d, periods=periods))


def test_lead_definitions_follow_the_sources(tiny):
    # A1's January leads L1-L4: L1 called (c1 rating 3, c3 rating 2) and ordered (o1); L2
    # connected once (c2, rating 1); L3 dialled without connecting (c4); L4 never called.
    ids = ["lead_utilisation", "lead_conversion_rate"]
    out = compute_indicators(tiny, indicators=ids)
    # 线索利用率 = share of the assigned leads converted: L1 of four
    assert value(out, "lead_utilisation") == pytest.approx(1 / 4)
    # 线索转化率 = intent to deal: L1 is the only lead rated >= 2, and it ordered
    assert value(out, "lead_conversion_rate") == pytest.approx(1 / 1)
    assert value(out, "lead_conversion_rate", col="denominator") == 1
    for basis, expected in (("dialled", 3 / 4), ("connected", 2 / 4), ("converted", 1 / 4)):
        d = {"lead_utilisation_basis": basis}
        got = compute_indicators(tiny, indicators=ids, definitions=d)
        assert value(got, "lead_utilisation") == pytest.approx(expected), basis
        _compare(got, compute_indicators_pandas(tiny, indicators=ids, definitions=d))
    # rating 1 counts as intent too: L1 and L2 showed intent, only L1 ordered
    low = compute_indicators(tiny, indicators=ids, definitions={"intent_interested_min": 1})
    assert value(low, "lead_conversion_rate") == pytest.approx(1 / 2)
    # A2 has no lead, so none with intent: missing with the catalogue's reason
    assert math.isnan(value(out, "lead_conversion_rate", agent="A2"))
    assert value(out, "lead_conversion_rate", agent="A2", col="reason") == "no leads with intent"
    # without intent ratings the intent-to-deal conversion cannot be computed
    calls = tiny["calls"].drop(columns=["intent_rating"])
    no_rating = Dataset(tables={**tiny.tables, "calls": calls}, timezone="UTC")
    missing = unavailable_indicators(no_rating)
    assert "lead_conversion_rate" in set(missing.indicator)
    assert "lead_utilisation" not in set(missing.indicator)
    with pytest.raises(ValueError, match="lead_utilisation_basis"):
        compute_indicators(tiny, definitions={"lead_utilisation_basis": "called"})


def test_agent_hash_collision_falls_back_to_agent_ids(tiny, monkeypatch):
    # Two agents sharing a hash make the integer agent key ambiguous: the engine must then
    # key the leads and QA lookups by agent_id itself, with the same results.
    from kpi_lib.indicators.engine import keys as engine_keys
    from kpi_lib.indicators.engine.inputs import open_source

    ids = [
        "lead_utilisation", "compliance_rate_human", "compliance_rate_system",
        "complaints_per_100",
    ]  # fmt: skip
    dialled = {"lead_utilisation_basis": "dialled"}
    keyed = compute_indicators(tiny, indicators=ids, definitions=dialled)
    keys = engine_keys.agent_keys(open_source(tiny))
    assert keys is not None and sorted(keys.agent_id) == ["A1", "A2", "B1"]  # keyed path
    # every agent gets the same key: the collision must be detected
    monkeypatch.setattr(engine_keys, "agent_key", lambda col, m=0: (col.length() * 0).cast("int32"))
    plain = compute_indicators(tiny, indicators=ids, definitions=dialled)
    pd.testing.assert_frame_equal(keyed, plain)
    # and both agree with the hand count: L1, L2, L3 of A1's four January leads dialled
    assert value(keyed, "lead_utilisation") == pytest.approx(3 / 4)


def test_a_leaver_without_calls_is_outside_employment_not_a_crash():
    """An agent marked inactive with no call in the export (left before the data starts)
    is listed but never scored; before the fix this crashed on a datetime/float cast."""
    from kpi_lib.data.dataset import Dataset
    from kpi_lib.datasets import load_sample

    sample = load_sample()
    agents = sample.agents.copy()
    leaver = agents.iloc[[0]].assign(agent_id="A9999", agent_name="Leaver", active=False)
    agents = pd.concat([agents.assign(active=True), leaver], ignore_index=True)
    data = Dataset(tables={**sample.tables, "agents": agents}, timezone=sample.timezone)
    out = compute_indicators(data, granularity="month")
    assert "A9999" not in set(out.dropna(subset=["value"])["agent_id"])
    assert out["agent_id"].nunique() >= sample.agents["agent_id"].nunique()


# ---------------------------------------------------------------- calls declared empty (issue 16)

CALL_INDICATORS = ["dials", "connects", "connect_rate", "talk_time_min", "conversion_rate"]


def _calls_declared_empty(tables: dict) -> dict:
    """``tables`` with no call (and no QA review of a call), calls declared empty at import."""
    from kpi_lib.data.mapping.record import mark_declared_empty

    calls = mark_declared_empty(tables["calls"].iloc[:0].copy(), "funnel data: no call log")
    out = {k: v for k, v in tables.items() if k != "qa_reviews"}
    return {**out, "calls": calls}


def _check_no_call_figures(out: pd.DataFrame) -> None:
    calls = out[out["indicator"].isin(CALL_INDICATORS)]
    assert len(calls), "the call indicators asked for are in the table"
    assert calls["value"].isna().all()
    assert calls["reason"].str.contains("no table `calls`").all(), calls["reason"].unique()


def test_calls_declared_empty_give_unavailable_call_figures_and_the_rest(tiny):
    """A calls table declared empty by an import mapping is missing data: dials, connects,
    talk time... are unavailable with the reason, never 0, and the agent-periods come from
    the other tables, whose indicators are computed as with the calls."""
    empty = Dataset(tables=_calls_declared_empty(tiny_tables()), timezone="UTC", name="nocalls")
    asked = CALL_INDICATORS + ["sales_amount", "deals", "lead_utilisation", "training_pass_rate"]
    out = compute_indicators(empty, granularity="month", indicators=asked)
    _check_no_call_figures(out)
    full = compute_indicators(tiny, granularity="month", indicators=asked)
    keys = ["agent_id", "period", "indicator"]
    rest = ["sales_amount", "deals", "training_pass_rate"]
    got = out[out.indicator.isin(rest)].set_index(keys)["value"]
    want = full[full.indicator.isin(rest)].set_index(keys)["value"].reindex(got.index)
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert value(out, "sales_amount") == value(full, "sales_amount") > 0
    # with every indicator asked for by default, the call ones are skipped with a warning
    with pytest.warns(UserWarning, match="dials is unavailable"):
        default = compute_indicators(empty, granularity="month")
    assert not set(CALL_INDICATORS) & set(default["indicator"])
    assert "sales_amount" in set(default["indicator"])
    missing = unavailable_indicators(empty)
    assert set(CALL_INDICATORS) <= set(missing["indicator"])


def test_calls_declared_empty_employment_from_other_activity(tiny):
    """Without calls, employment is read from the other tables: a leaver is scored up to
    their last activity (not dropped for having no call), a hire is outside before hiring."""
    tables = _calls_declared_empty(tiny_tables())
    tables["agents"] = tables["agents"].assign(
        active=[False, True, True], hire_date=pd.to_datetime([None, "2026-02-01", None])
    )
    data = Dataset(tables=tables, timezone="UTC", name="employment")
    out = compute_indicators(
        data,
        granularity="month",
        indicators=["sales_amount"],
        definitions={"outside_employment": "flag"},
    )
    a1 = out[out.agent_id == "A1"].set_index("period")
    assert a1["value"].to_dict() == {"2026-01": 1200.0, "2026-02": 500.0}
    a2 = out[out.agent_id == "A2"].set_index("period")
    assert a2.loc["2026-01", "reason"] == "not employed in period"
    assert np.isnan(a2.loc["2026-01", "value"])


def test_calls_declared_empty_folder_matches_loaded_dataset(tiny, tmp_path):
    """A dataset folder whose import declared calls empty gives the same table read in place
    (DuckDB) as loaded, with call indicators unavailable."""
    from kpi_lib.data.load import load_dataset

    folder = tmp_path / "imported"
    folder.mkdir()
    tables = _calls_declared_empty(tiny_tables())
    for name, df in tables.items():
        df.to_parquet(folder / f"{name}.parquet", index=False)
    counts = {n: {"rows_read": len(df), "rows_used": len(df), "rows_quarantined": 0,
                  "rows_filtered": 0} for n, df in tables.items()}  # fmt: skip
    (folder / "dataset.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "imported",
                "timezone": "UTC",
                "empty_tables": {"calls": "funnel data: no call log"},
                "import": {"tables": counts},
            }
        ),
        encoding="utf-8",
    )
    asked = CALL_INDICATORS + ["sales_amount", "deals", "training_pass_rate"]
    loaded = load_dataset(folder, indicators=CATALOGUE)
    from_loaded = compute_indicators(loaded, granularity="month", indicators=asked)
    in_place = compute_indicators(folder, granularity="month", indicators=asked)
    _check_no_call_figures(from_loaded)
    _check_no_call_figures(in_place)
    keys = ["agent_id", "period", "indicator"]
    pd.testing.assert_frame_equal(
        from_loaded.sort_values(keys).reset_index(drop=True)[keys + ["value", "reason"]],
        in_place.sort_values(keys).reset_index(drop=True)[keys + ["value", "reason"]],
        check_dtype=False,
    )


def _realdata_folder():
    root = project_root().parent / "shared" / "realdata"
    return root if (root / "olist_marketing_funnel").is_dir() else None


@pytest.mark.skipif(
    _realdata_folder() is None,
    reason="the real Olist export is not at ../shared/realdata/olist_marketing_funnel",
)
def test_real_olist_export_has_no_call_figures_and_its_deals(tmp_path):
    """The Olist funnel (calls declared empty by its mapping): deals per SDR are counted,
    call figures are unavailable, both for the loaded dataset and the folder read in place."""
    from kpi_lib.data.load import load_dataset
    from kpi_lib.data.mapping import import_export, load_mapping

    mapping = load_mapping(project_root() / "params" / "mappings" / "olist_funnel.yaml")
    import_export(mapping, _realdata_folder(), tmp_path / "olist")
    asked = CALL_INDICATORS + ["deals", "sales_amount"]
    for data in (load_dataset(tmp_path / "olist", indicators=CATALOGUE), tmp_path / "olist"):
        out = compute_indicators(data, granularity="month", indicators=asked)
        _check_no_call_figures(out)
        deals = out[out.indicator == "deals"]
        assert deals["value"].sum() == 842  # every won deal of the export, none lost
        assert deals["agent_id"].nunique() >= 20
