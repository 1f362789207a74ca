"""Tests of the indicator catalogue and the definitions parameters."""

import dataclasses

import pandas as pd
import pytest

from kpi_lib.indicators.catalogue import (
    CATALOGUE,
    DIMENSIONS,
    EXPECTED_RELATIONS,
    catalogue_markdown,
    catalogue_table,
    dimension_label,
    get_indicator,
    label,
)
from kpi_lib.indicators.definitions import Definitions, definitions_table
from kpi_lib.paths import project_root

FIXED_IDS = {
    "performance": [
        "sales_amount", "new_customer_sales", "repeat_sales", "collected_amount",
        "collection_rate", "deals", "new_customers", "average_order_value", "conversion_rate",
        "lead_conversion_rate", "repurchase_rate", "team_target_attainment",
    ],
    "efficiency": [
        "dials", "connects", "connect_rate", "effective_calls", "effective_call_rate",
        "talk_time_min", "avg_talk_time_s", "effective_talk_time_min", "lead_utilisation",
        "intent_rate",
    ],
    "quality": [
        "satisfaction_score", "satisfaction_rate", "complaints_per_100",
        "complaint_resolution_rate", "compliance_rate", "compliance_rate_human",
        "compliance_rate_system", "survey_coverage",
    ],
    "growth": [
        "training_pass_rate", "certification_level", "proposals_submitted", "proposals_accepted",
    ],
}  # fmt: skip


def test_fixed_ids_and_dimensions():
    expected = {i: d for d, ids in FIXED_IDS.items() for i in ids}
    assert set(CATALOGUE) == set(expected)
    for ind_id, dim in expected.items():
        assert CATALOGUE[ind_id].dimension == dim


def test_names_in_three_scripts():
    assert label("effective_calls") == "Effective calls"
    assert label("effective_calls", "zh-Hans") == "有效通话数"
    assert label("effective_calls", "zh-Hant") == "有效通話數"
    assert dimension_label("quality", "zh-Hant") == "服務質量"
    for ind in CATALOGUE.values():
        assert ind.name_en and ind.name_zh_hans and ind.name_zh_hant
    # Simplified and Traditional differ where the characters differ (通话 / 通話).
    assert sum(i.name_zh_hans != i.name_zh_hant for i in CATALOGUE.values()) > 20
    with pytest.raises(ValueError, match="`language` must be one of"):
        label("dials", "fr")


def test_get_indicator_names_nearest():
    assert get_indicator("connect_rate").denominator == "count(calls)"
    with pytest.raises(KeyError, match="Did you mean 'connect_rate'"):
        get_indicator("conect_rate")


def test_ratio_flags_match_denominators():
    for ind in CATALOGUE.values():
        if ind.id != "certification_level":
            assert ind.ratio == (ind.denominator != "1"), ind.id
        assert ind.direction in ("higher", "lower")
        if ind.ratio:
            assert ind.missing_reason, f"{ind.id} needs a reason for a zero denominator"
    assert CATALOGUE["complaints_per_100"].direction == "lower"
    # volume indicators name quality partners
    for ind in CATALOGUE.values():
        if ind.role == "volume":
            assert ind.pairs_with, ind.id


def test_expected_relations():
    assert list(EXPECTED_RELATIONS.columns) == [
        "indicator_a", "indicator_b", "expected_sign", "rationale",
    ]  # fmt: skip
    assert set(EXPECTED_RELATIONS["expected_sign"]) <= {1, -1}
    pairs = {
        (r.indicator_a, r.indicator_b): r.expected_sign for r in EXPECTED_RELATIONS.itertuples()
    }
    assert pairs[("effective_calls", "sales_amount")] == 1
    assert pairs[("satisfaction_rate", "repurchase_rate")] == 1
    assert pairs[("satisfaction_rate", "complaints_per_100")] == -1
    assert pairs[("intent_rate", "conversion_rate")] == 1
    assert ("dials", "connect_rate") in pairs
    assert set(EXPECTED_RELATIONS.indicator_a) | set(EXPECTED_RELATIONS.indicator_b) <= set(
        CATALOGUE
    )


def test_catalogue_table_languages():
    en = catalogue_table()
    hant = catalogue_table("zh-Hant")
    assert len(en) == len(CATALOGUE) and en["id"].tolist() == list(CATALOGUE)
    assert hant.loc[hant.id == "effective_calls", "name"].item() == "有效通話數"
    assert list(en["dimension"].unique()) == list(DIMENSIONS)


def test_docs_file_is_generated():
    path = project_root() / "docs" / "indicators.md"
    assert path.read_text(encoding="utf-8") == catalogue_markdown(), (
        "docs/indicators.md is stale: regenerate it with "
        "kpi_lib.indicators.catalogue.catalogue_markdown()"
    )


def test_definitions_defaults_and_yaml(tmp_path):
    d = Definitions()
    assert (d.effective_min_talk_s, d.satisfied_cutoff, d.repurchase_window_days) == (180, 4, 90)
    assert d.compliance_reviewer == "human" and d.effective_requires_need_captured
    # the shipped params file holds exactly the defaults
    shipped = Definitions.from_yaml(project_root() / "params" / "definitions" / "default.yaml")
    assert shipped == d
    f = tmp_path / "d.yaml"
    f.write_text("definitions:\n  satisfied_cutoff: 5\n  compliance_reviewer: system\n")
    d2 = Definitions.from_yaml(f)
    assert d2.satisfied_cutoff == 5 and d2.compliance_reviewer == "system"
    assert definitions_table(d2).query("changed")["name"].tolist() == [
        "satisfied_cutoff", "compliance_reviewer",
    ]  # fmt: skip


def test_definitions_reject_bad_input():
    with pytest.raises(KeyError, match="Did you mean 'satisfied_cutoff'"):
        Definitions.from_yaml({"satisfied_cutof": 4})
    with pytest.raises(ValueError, match="`compliance_reviewer` must be one of"):
        Definitions.from_yaml({"compliance_reviewer": "robot"})
    with pytest.raises(ValueError, match="satisfied_cutoff"):
        Definitions(satisfied_cutoff=7)
    with pytest.raises(ValueError, match="effective_min_talk_s"):
        Definitions(effective_min_talk_s=-1)
    assert {f.name for f in dataclasses.fields(Definitions)} >= {
        "effective_min_talk_s", "satisfied_cutoff", "repurchase_window_days",
        "compliance_reviewer", "intent_interested_min",
    }  # fmt: skip


def test_catalogue_table_is_dataframe():
    assert isinstance(catalogue_table(), pd.DataFrame)
