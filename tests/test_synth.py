"""The synthetic generator plants what PLANTED.json claims, in the data contract, reproducibly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kpi_lib.data.contract import CALL_OUTCOMES, CONTRACT
from kpi_lib.data.synth import PRESETS, SCHEME, generate
from kpi_lib.paths import project_root

SAMPLE = project_root(Path(__file__).parent) / "data" / "sample"
CASE_STUDY = project_root(Path(__file__).parent) / "data" / "case_study"

# 80 agents x 6 months, scheme change in month 5: small but large enough for every behaviour
SMALL = dict(agents=80, months=6, seed=11, start="2026-01", scheme_change="2026-05-01")


def _read(folder: Path) -> dict[str, pd.DataFrame]:
    return {name: pd.read_parquet(folder / f"{name}.parquet") for name in CONTRACT}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("synth_small")
    summary = generate(folder, **SMALL)
    planted = json.loads((folder / "PLANTED.json").read_text())
    return folder, summary, _read(folder), planted


def _connected(tables):
    calls = tables["calls"]
    return calls[calls["outcome"] == "connected"]


def _sha(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# ----------------------------------------------------------------------------- contract


def test_summary_lists_every_table_with_row_counts(small):
    folder, summary, tables, _ = small
    assert set(CONTRACT) <= set(summary["table"])
    for name, df in tables.items():
        assert summary.set_index("table").loc[name, "rows"] == len(df)
    assert (folder / "dataset.yaml").is_file() and (folder / "PLANTED.json").is_file()


def test_every_table_satisfies_the_contract(small):
    _, _, tables, _ = small
    agent_ids = set(tables["agents"]["agent_id"])
    for name, spec in CONTRACT.items():
        df = tables[name]
        assert len(df) > 0, name
        assert set(spec.required_columns) <= set(df.columns), name
        assert set(df.columns) <= set(spec.column_names), name
        if spec.key:
            assert df[spec.key].is_unique, name
        for col in spec.columns:
            if col.name not in df.columns:
                continue
            values = df[col.name].dropna()
            if col.allowed:
                assert set(values) <= set(col.allowed), (name, col.name)
            if col.minimum is not None:
                assert (values >= col.minimum).all(), (name, col.name)
            if col.maximum is not None:
                assert (values <= col.maximum).all(), (name, col.name)
            if col.kind == "id":
                assert pd.api.types.is_string_dtype(df[col.name]), (name, col.name)
        if "agent_id" in df.columns:
            assert set(df["agent_id"]) <= agent_ids, name
    assert set(tables["calls"]["outcome"]) == set(CALL_OUTCOMES)
    assert set(tables["qa_reviews"]["call_id"]) <= set(tables["calls"]["call_id"])
    assert set(tables["surveys"]["call_id"]) <= set(tables["calls"]["call_id"])
    assert set(tables["calls"]["lead_id"]) <= set(tables["leads"]["lead_id"])


def test_table_rules_hold(small):
    _, _, t, _ = small
    calls, orders, complaints = t["calls"], t["orders"], t["complaints"]
    not_connected = calls["outcome"] != "connected"
    assert (calls.loc[not_connected, "duration_s"] == 0).all()
    assert calls.loc[not_connected, "intent_rating"].isna().all()
    assert not calls.loc[not_connected, "need_captured"].any()
    assert (calls.loc[~not_connected, "duration_s"] > 0).all()
    assert (orders["collected_amount"] <= orders["amount"]).all()
    assert (orders["refunded_amount"] <= orders["collected_amount"]).all()
    assert (orders["refunded_amount"] > 0).any()
    resolved = complaints.dropna(subset=["resolved_at"])
    assert (resolved["resolved_at"] >= resolved["opened_at"]).all()
    assert 0.7 < len(resolved) / len(complaints) < 1.0
    # timestamps are naive wall-clock times
    assert calls["started_at"].dt.tz is None


def test_loader_accepts_the_generated_dataset_without_quarantine(small):
    folder = small[0]
    load = pytest.importorskip("kpi_lib.data.load")
    ds = load.load_dataset(folder)
    assert len(ds.quarantine) == 0
    assert ds.timezone == "Asia/Shanghai"


# ----------------------------------------------------------------------------- realism


def test_talk_time_and_intent_shape(small):
    conn = _connected(small[2])
    median = conn["duration_s"].median()
    assert 90 <= median <= 160
    assert conn["duration_s"].quantile(0.95) > 3 * median  # long tail
    # intent and need capture rise with talk time
    long_calls = conn["duration_s"] >= 300
    assert (
        conn.loc[long_calls, "intent_rating"].mean() > conn.loc[~long_calls, "intent_rating"].mean()
    )
    assert (
        conn.loc[long_calls, "need_captured"].mean() > conn.loc[~long_calls, "need_captured"].mean()
    )


def test_repeat_orders_exist_and_peak_structure(small):
    _, _, t, _ = small
    orders = t["orders"]
    repeat_customers = orders["customer_id"].duplicated(keep=False)
    assert 0.01 < repeat_customers.mean() < 0.3


def test_human_reviews_include_multi_rated_calls_and_a_lenient_reviewer(small):
    qa = small[2]["qa_reviews"]
    human = qa[qa["reviewer"] != "system"]
    assert human["reviewer"].nunique() >= 3
    per_call = human.groupby("call_id")["reviewer"].nunique()
    assert (per_call >= 3).sum() > 50
    pass_rate = human.groupby("reviewer")["compliant"].mean()
    assert pass_rate.idxmax() == "qa_wang"
    conn = _connected(small[2])
    assert 0.05 < human["call_id"].nunique() / len(conn) < 0.15


def test_system_reviews_misjudge_refused_calls_as_effective(small):
    _, _, t, _ = small
    qa = t["qa_reviews"].merge(t["calls"], on=["call_id", "agent_id"])
    system = qa[qa["reviewer"] == "system"]
    refused = (system["duration_s"] < 60) & (system["intent_rating"] == 0)
    truly_effective = (system["duration_s"] >= 180) & system["need_captured"]
    assert system.loc[refused, "effective"].mean() > 0.1
    assert system.loc[truly_effective, "effective"].mean() > 0.8


def test_targets_cover_agents_and_teams(small):
    targets = small[2]["targets"]
    agent_ind = set(targets.loc[targets["scope"] == "agent", "indicator"])
    assert {"sales_amount", "dials", "effective_calls", "satisfaction_rate"} <= agent_ind
    assert set(targets.loc[targets["scope"] == "team", "indicator"]) == {"sales_amount"}
    assert (targets["threshold"] <= targets["target"]).all()
    assert (targets["target"] <= targets["stretch"]).all()


# ----------------------------------------------------------------------------- planted behaviours


def test_threshold_padders_have_excess_mass_just_past_180s(small):
    _, _, t, planted = small
    conn = _connected(t)
    padders = conn["agent_id"].isin(planted["threshold_padders"]["agents"])
    assert padders.any()
    in_window = conn["duration_s"].between(180, 199)
    assert in_window[padders].mean() > 2.5 * in_window[~padders].mean()
    # their window calls claim a captured need although intent is low
    low_intent_claimed = in_window & conn["need_captured"] & (conn["intent_rating"] <= 1)
    assert low_intent_claimed[padders].mean() > 3 * low_intent_claimed[~padders].mean()
    # and their satisfaction is lower
    surveys = t["surveys"]
    pad_s = surveys["agent_id"].isin(planted["threshold_padders"]["agents"])
    assert surveys.loc[pad_s, "score"].mean() < surveys.loc[~pad_s, "score"].mean()


def test_over_promisers_sell_more_and_keep_fewer_customers(small):
    _, _, t, planted = small
    ops = planted["over_promisers"]["agents"]
    orders, complaints = t["orders"], t["complaints"]
    per_agent = orders.groupby("agent_id").agg(
        customers=("customer_id", "nunique"), orders=("order_id", "size")
    )
    per_agent["complaints"] = complaints.groupby("agent_id").size()
    per_agent = per_agent.fillna(0)
    is_op = per_agent.index.isin(ops)
    rate = 100 * per_agent["complaints"] / per_agent["customers"]
    assert rate[is_op].mean() > 2 * rate[~is_op].mean()
    repeat_share = per_agent["orders"] / per_agent["customers"] - 1
    assert repeat_share[is_op].mean() < repeat_share[~is_op].mean()
    conn = _connected(t).groupby("agent_id").size()
    conversion = per_agent["customers"] / conn.reindex(per_agent.index)
    assert conversion[is_op].mean() > conversion[~is_op].median()
    refund = orders.assign(r=orders["refunded_amount"] > 0).groupby("agent_id")["r"].mean()
    assert refund[refund.index.isin(ops)].mean() > refund[~refund.index.isin(ops)].mean()


def test_small_sample_agents_are_recent_hires_with_few_calls(small):
    _, _, t, planted = small
    ids = planted["small_sample_agents"]["agents"]
    assert len(ids) >= 2
    conn = _connected(t).groupby("agent_id").size()
    assert conn.reindex(ids).fillna(0).max() < 150
    assert conn.reindex(ids).fillna(0).min() >= 5
    others = conn.drop(ids)
    assert others.median() > 5 * conn.reindex(ids).fillna(0).median()
    agents = t["agents"].set_index("agent_id")
    end = t["calls"]["started_at"].max()
    assert ((end - agents.loc[ids, "hire_date"]).dt.days <= 62).all()
    for agent, n in planted["small_sample_agents"]["connected_calls"].items():
        assert conn.get(agent, 0) == n


def _monthly(t, agents_mask_ids):
    calls = t["calls"].copy()
    calls["month"] = calls["started_at"].dt.to_period("M")
    calls["day"] = calls["started_at"].dt.normalize()
    calls = calls[calls["agent_id"].isin(agents_mask_ids)]
    conn = calls["outcome"] == "connected"
    calls["effective"] = conn & (calls["duration_s"] >= 180) & calls["need_captured"]
    calls["connected"] = conn
    g = calls.groupby("month")
    return pd.DataFrame(
        {
            "dials_per_day": g.size()
            / g.apply(lambda d: d.groupby("agent_id")["day"].nunique().sum()),
            "effective_rate": g["effective"].sum() / g["connected"].sum(),
        }
    )


def test_scheme_change_shifts_treated_but_not_comparison_teams(small):
    _, _, t, planted = small
    sc = planted["scheme_change"]
    agents = t["agents"]
    planted_ids = set().union(
        *(
            planted[k]["agents"]
            for k in (
                "threshold_padders",
                "over_promisers",
                "small_sample_agents",
                "call_padding_after_target_raise",
                "selective_surveys",
            )
        )
    )
    plain = agents[~agents["agent_id"].isin(planted_ids)]
    before = [pd.Period(p) for p in ("2026-02", "2026-03", "2026-04")]  # January has a holiday ramp
    after = [pd.Period(p) for p in ("2026-06",)]
    change = {}
    for group, teams in (("treated", sc["treated_teams"]), ("comparison", sc["comparison_teams"])):
        m = _monthly(t, plain.loc[plain["team_id"].isin(teams), "agent_id"])
        change[group] = m.loc[after].mean() / m.loc[before].mean() - 1
    assert change["treated"]["dials_per_day"] < -0.05
    assert abs(change["comparison"]["dials_per_day"]) < 0.05
    assert change["treated"]["effective_rate"] > 0.12
    assert abs(change["comparison"]["effective_rate"]) < 0.1


def test_call_padders_add_short_calls_after_the_dials_target_raise(small):
    _, _, t, planted = small
    info = planted["call_padding_after_target_raise"]
    raise_period = pd.Period(info["raise_period"])
    sc = planted["scheme_change"]
    conn = _connected(t)
    conn = conn.assign(month=conn["started_at"].dt.to_period("M"), short=conn["duration_s"] < 20)
    agents = t["agents"].set_index("agent_id")
    comparison_padders = [
        a for a in info["agents"] if agents.loc[a, "team_id"] in sc["comparison_teams"]
    ]
    ids = comparison_padders or info["agents"]
    mine = conn[conn["agent_id"].isin(ids)]
    short_before = mine.loc[mine["month"] < raise_period, "short"].mean()
    short_after = mine.loc[mine["month"] == raise_period, "short"].mean()
    assert short_after > short_before + 0.1
    # the raise is in the targets table too
    targets = t["targets"]
    dials = targets[(targets["indicator"] == "dials") & targets["scope_id"].isin(ids)]
    by_period = dials.groupby("period")["target"].mean()
    prev = str(raise_period - 1)
    assert by_period[str(raise_period)] > 1.1 * by_period[prev]


def test_selective_survey_agents_have_low_coverage_and_high_scores(small):
    _, _, t, planted = small
    ids = planted["selective_surveys"]["agents"]
    conn = _connected(t).groupby("agent_id").size()
    surveys = t["surveys"]
    coverage = surveys.groupby("agent_id").size().reindex(conn.index).fillna(0) / conn
    sel = coverage.index.isin(ids)
    assert coverage[sel].max() < 0.5 * coverage[~sel].median()
    score = surveys.groupby("agent_id")["score"].mean()
    assert score[score.index.isin(ids)].min() > score[~score.index.isin(ids)].median()


def test_case_study_preset_has_one_comparison_team(tmp_path):
    generate(tmp_path, preset="case_study", agents=24, months=4, start="2026-04")
    planted = json.loads((tmp_path / "PLANTED.json").read_text())
    sc = planted["scheme_change"]
    assert len(sc["comparison_teams"]) == 1 and len(sc["treated_teams"]) == 2
    assert planted["threshold_padders"]["agents"] == []
    agents = pd.read_parquet(tmp_path / "agents.parquet")
    assert len(agents) == 24
    meta = yaml.safe_load((tmp_path / "dataset.yaml").read_text())
    assert meta["preset"] == "case_study" and meta["parameters"]["agents"] == 24


def test_presets_override_only_their_own_scheme_parameters():
    default, case = PRESETS["default"], PRESETS["case_study"]
    assert default.scheme_parameters() == SCHEME
    params = case.scheme_parameters()
    assert set(params) == set(SCHEME)
    assert {k for k in SCHEME if params[k] != SCHEME[k]} == {k for k, _ in case.scheme}
    with pytest.raises(KeyError, match="Unknown scheme parameter"):
        dataclasses.replace(case, scheme=(("dial_factor", 0.9),)).scheme_parameters()


@pytest.mark.skipif(
    not (CASE_STUDY / "dataset.yaml").is_file(), reason="data/case_study not generated"
)
def test_committed_case_study_records_its_calibration():
    planted = json.loads((CASE_STUDY / "PLANTED.json").read_text())
    sc = planted["scheme_change"]
    assert sc["date"] == "2026-04-01"
    assert (sc["treated_teams"], sc["comparison_teams"]) == (["T01", "T02"], ["T03"])
    assert sc["parameters"] == PRESETS["case_study"].scheme_parameters()
    # no attrition: the same agents are compared before and after
    assert pd.read_parquet(CASE_STUDY / "agents.parquet")["active"].all()
    realised = sc["realised_excluding_planted_agents"]
    treated, comparison = realised["treated"], realised["comparison"]
    assert -0.16 < treated["relative_change"]["dials_per_agent_day"] < -0.06
    assert 0.18 < treated["relative_change"]["effective_call_rate"] < 0.35
    assert abs(comparison["relative_change"]["effective_call_rate"]) < 0.1
    assert treated["relative_change"]["sales_per_agent_day"] > 0.03
    assert 11 < treated["before"]["complaints_per_100_paying"] < 19
    assert treated["after"]["complaints_per_100_paying"] < 7
    assert comparison["after"]["complaints_per_100_paying"] > 10
    assert treated["before"]["repurchase_rate"] < 0.06
    assert 0.09 < treated["after"]["repurchase_rate"] < 0.15


# ----------------------------------------------------------------------------- determinism


def test_same_seed_gives_byte_identical_files(tmp_path):
    params = dict(agents=24, months=2, seed=3, start="2026-05", chunk_calls=10_000)
    generate(tmp_path / "a", **params)
    generate(tmp_path / "b", **params)
    generate(tmp_path / "c", **{**params, "seed": 4})
    assert _sha(tmp_path / "a") == _sha(tmp_path / "b")
    assert _sha(tmp_path / "a")["calls.parquet"] != _sha(tmp_path / "c")["calls.parquet"]


def test_calls_are_streamed_in_chunks(tmp_path):
    import pyarrow.parquet as pq

    generate(tmp_path, agents=48, months=2, start="2026-05", chunk_calls=10_000)
    assert pq.ParquetFile(tmp_path / "calls.parquet").metadata.num_row_groups > 2
    calls = pd.read_parquet(tmp_path / "calls.parquet", columns=["call_id", "lead_id"])
    assert calls["call_id"].is_unique
    leads = pd.read_parquet(tmp_path / "leads.parquet", columns=["lead_id"])
    assert leads["lead_id"].is_unique


def test_bad_options_are_rejected(tmp_path):
    with pytest.raises(ValueError, match="`preset` must be one of"):
        generate(tmp_path, preset="nope")
    with pytest.raises(ValueError, match="`start` must be a month"):
        generate(tmp_path, start="November")
    with pytest.raises(ValueError, match="`agents` must be at least"):
        generate(tmp_path, agents=3)


# ----------------------------------------------------------------------------- committed sample


@pytest.mark.parametrize("folder", [SAMPLE, CASE_STUDY], ids=["sample", "case_study"])
def test_committed_dataset_is_reproduced_byte_for_byte(folder, tmp_path):
    if not (folder / "dataset.yaml").is_file():
        pytest.skip(f"{folder} not generated")
    import pyarrow
    import pyarrow.parquet as pq

    meta = yaml.safe_load((folder / "dataset.yaml").read_text())
    generate(tmp_path, **meta["parameters"])
    # the same content whatever the pyarrow version...
    for committed in sorted(folder.glob("*.parquet")):
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / committed.name), pd.read_parquet(committed)
        )
    # ...and the same bytes with the pyarrow version that wrote the committed files
    writer = pq.ParquetFile(folder / "calls.parquet").metadata.created_by
    if f"version {pyarrow.__version__}" in writer:
        assert _sha(tmp_path) == _sha(folder)
    else:
        pytest.skip(f"byte comparison needs the writer's pyarrow ({writer}); content matched")


@pytest.mark.skipif(not (SAMPLE / "dataset.yaml").is_file(), reason="data/sample not generated")
def test_committed_sample_has_a_november_peak():
    calls = pd.read_parquet(SAMPLE / "calls.parquet", columns=["agent_id", "started_at"])
    orders = pd.read_parquet(SAMPLE / "orders.parquet", columns=["ordered_at", "amount"])
    day = calls["started_at"].dt.normalize()
    month = calls["started_at"].dt.to_period("M")
    agent_days = pd.DataFrame({"a": calls["agent_id"], "d": day, "m": month}).drop_duplicates()
    per_day = calls.groupby(month).size() / agent_days.groupby("m").size()
    sales_per_day = orders.groupby(orders["ordered_at"].dt.to_period("M"))["amount"].sum()
    sales_per_day = sales_per_day / agent_days.groupby("m").size()
    nov = pd.Period("2025-11")
    assert per_day[nov] > 1.08 * per_day.drop(nov).median()
    assert sales_per_day[nov] > 1.2 * sales_per_day.drop(nov).median()


@pytest.mark.skipif(not (SAMPLE / "dataset.yaml").is_file(), reason="data/sample not generated")
def test_committed_sample_recovers_the_case_study_effects():
    planted = json.loads((SAMPLE / "PLANTED.json").read_text())
    realised = planted["scheme_change"]["realised_excluding_planted_agents"]
    treated, comparison = realised["treated"], realised["comparison"]
    assert -0.16 < treated["relative_change"]["dials_per_agent_day"] < -0.06
    assert 0.15 < treated["relative_change"]["effective_call_rate"] < 0.35
    assert abs(comparison["relative_change"]["effective_call_rate"]) < 0.1
    assert 11 < treated["before"]["complaints_per_100_paying"] < 19
    assert treated["after"]["complaints_per_100_paying"] < 7.5
    assert treated["before"]["repurchase_rate"] < 0.05
    assert 0.09 < treated["after"]["repurchase_rate"] < 0.15
    assert treated["relative_change"]["sales_per_agent_day"] > -0.05
    assert treated["relative_change"]["complaints_per_100_served"] < -0.45
    assert abs(comparison["relative_change"]["complaints_per_100_served"]) < 0.3
    # the recorded values agree with the files: recompute the treated effective-call rate
    calls = pd.read_parquet(
        SAMPLE / "calls.parquet",
        columns=["agent_id", "started_at", "duration_s", "outcome", "need_captured"],
    )
    agents = pd.read_parquet(SAMPLE / "agents.parquet")
    skip = set().union(
        *(
            planted[k]["agents"]
            for k in (
                "threshold_padders",
                "over_promisers",
                "small_sample_agents",
                "call_padding_after_target_raise",
                "selective_surveys",
            )
        )
    )
    treated_ids = agents.loc[
        agents["team_id"].isin(planted["scheme_change"]["treated_teams"])
        & ~agents["agent_id"].isin(skip),
        "agent_id",
    ]
    c = calls[calls["agent_id"].isin(treated_ids)]
    months = c["started_at"].dt.strftime("%Y-%m")
    c = c[months.isin(treated["after"]["months"]) & (c["outcome"] == "connected")]
    rate = ((c["duration_s"] >= 180) & c["need_captured"]).mean()
    assert rate == pytest.approx(treated["after"]["effective_call_rate"], abs=1e-4)
    assert np.isfinite(rate)


def test_null_and_power_presets(tmp_path):
    generate(tmp_path / "n", preset="null", agents=24, months=4, seed=3)
    planted = json.loads((tmp_path / "n" / "PLANTED.json").read_text(encoding="utf-8"))
    for key in ("threshold_padders", "over_promisers", "call_padding_after_target_raise",
                "selective_surveys"):  # fmt: skip
        assert planted[key]["agents"] == []
    assert planted["scheme_change"] is None
    generate(tmp_path / "p", preset="power", agents=40, months=4, seed=3)
    planted = json.loads((tmp_path / "p" / "PLANTED.json").read_text(encoding="utf-8"))
    padders = planted["threshold_padders"]["agents"]
    assert len(padders) == 2
    calls = pd.read_parquet(tmp_path / "p" / "calls.parquet")
    c = calls[calls["agent_id"].isin(padders) & (calls["outcome"] == "connected")]
    month = c["started_at"].dt.strftime("%Y-%m")
    window = c["duration_s"].between(180, 198)
    # padding only in the last 3 months: the window share rises after the first month
    first = window[month == month.min()].mean()
    later = window[month > month.min()].mean()
    assert later > first + 0.03


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_variety_flags_load_back(tmp_path, fmt):
    from kpi_lib.data import load_dataset

    out = tmp_path / fmt
    summary = generate(out, preset="null", agents=16, months=2, seed=4, teams=2, reviewers=1,
                       without=["surveys", "qa_reviews"], file_format=fmt, end_day=10)  # fmt: skip
    assert not {"surveys", "qa_reviews"} & set(summary["table"])
    assert not list(out.glob("*.parquet"))
    ds = load_dataset(out)
    calls = ds["calls"]
    assert pd.to_datetime(calls["started_at"]).max() < pd.Timestamp("2025-12-11")
    assert ds.agents["team_id"].nunique() == 2
    meta = yaml.safe_load((out / "dataset.yaml").read_text(encoding="utf-8"))
    assert meta["period"]["last_day"] == "2025-12-10"
    assert meta["parameters"]["without"] == ["surveys", "qa_reviews"]


def test_single_reviewer_and_flag_errors(tmp_path):
    generate(tmp_path / "r", preset="null", agents=12, months=1, seed=4, reviewers=1)
    qa = pd.read_parquet(tmp_path / "r" / "qa_reviews.parquet")
    assert set(qa["reviewer"]) == {"system", "qa_li"}
    with pytest.raises(ValueError, match="`without` must be one of"):
        generate(tmp_path / "x", preset="null", agents=12, months=1, without=["calls"])
    with pytest.raises(ValueError, match="`file_format` must be one of"):
        generate(tmp_path / "x", preset="null", agents=12, months=1, file_format="json")
    with pytest.raises(ValueError, match="`end_day`"):
        generate(tmp_path / "x", preset="null", agents=12, months=1, end_day=0)
    with pytest.raises(ValueError, match="`teams`"):
        generate(tmp_path / "x", preset="null", agents=12, months=1, teams=0)
