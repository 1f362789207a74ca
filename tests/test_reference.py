"""Tests of the pandas reference (kpi_lib/indicators/reference.py): independent of the engine,
built on the catalogue's formula table, and equal to the engine on the shipped sample."""

import ast
import inspect
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from kpi_lib.datasets import load_sample
from kpi_lib.indicators import reference
from kpi_lib.indicators.catalogue import (
    CATALOGUE,
    COMPONENTS,
    DERIVED_COMPONENTS,
    FORMULAS,
    ByDefinition,
    Formula,
)
from kpi_lib.indicators.catalogue import requirements as catalogue_requirements
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine import FORMULAS as ENGINE_FORMULAS
from kpi_lib.indicators.engine import compute_indicators, requirements
from kpi_lib.indicators.engine.formulas import needed_components
from kpi_lib.indicators.preaggregated import RATE_DENOMINATORS
from kpi_lib.indicators.reference import compute_indicators_pandas


def _imported_modules(source: str) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names]
    return out


def test_reference_imports_nothing_from_the_engine():
    engine = "kpi_lib.indicators.engine"
    imported = _imported_modules(inspect.getsource(reference))
    bad = [m for m in imported if m == engine or m.startswith(engine + ".")]
    assert not bad, f"reference.py imports from the engine: {bad}"
    # the rule catches both spellings
    caught = _imported_modules(
        "from kpi_lib.indicators import engine\nimport kpi_lib.indicators.engine.assembly"
    )
    assert {engine, f"{engine}.assembly"} <= set(caught)


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def _compare(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert a.shape == b.shape
    keys = [c for c in ("agent_id", "team_id", "period", "indicator") if c in a]
    m = a.merge(b, on=keys, suffixes=("", "_ref"), validate="one_to_one")
    assert len(m) == len(a)
    for col in ("value", "numerator", "denominator"):
        np.testing.assert_allclose(m[col], m[col + "_ref"], rtol=1e-9, equal_nan=True, err_msg=col)
    assert (m["reason"] == m["reason_ref"]).all()


@pytest.mark.parametrize(
    ("granularity", "level", "definitions"),
    [
        ("month", "agent", None),
        ("quarter", "team", None),
        ("month", "agent", {"outside_employment": "flag", "compliance_reviewer": "any"}),
        ("quarter", "team", {"complaints_per": "paying_customers", "satisfied_cutoff": 5}),
    ],
)
def test_engine_and_reference_agree_on_the_sample(sample, granularity, level, definitions):
    kw = {"granularity": granularity, "level": level, "definitions": definitions}
    engine = compute_indicators(sample, **kw)
    ref = compute_indicators_pandas(sample, **kw)
    assert list(ref.columns) == list(engine.columns)
    assert set(ref.indicator) == set(CATALOGUE)  # the sample provides every indicator
    _compare(engine, ref)


def test_one_formula_table():
    # the engine re-exports the catalogue's table itself, in catalogue order
    assert ENGINE_FORMULAS is FORMULAS
    assert list(FORMULAS) == list(CATALOGUE)
    assert all(isinstance(f, Formula) for f in FORMULAS.values())
    assert FORMULAS["connect_rate"] == Formula("ratio", "connects", "dials")
    assert FORMULAS["talk_time_min"].scale == Fraction(1, 60)
    assert FORMULAS["complaints_per_100"].scale == 100
    assert FORMULAS["certification_level"].kind == "mean"
    for i, f in FORMULAS.items():
        assert CATALOGUE[i].ratio == (f.kind == "ratio"), i
    # the pre-aggregated path reads its rate denominators off the same table
    assert RATE_DENOMINATORS == {
        "connect_rate": "dials", "effective_call_rate": "connects",
        "conversion_rate": "connects", "intent_rate": "connects",
        "survey_coverage": "connects", "avg_talk_time_s": "connects",
        "average_order_value": "deals", "collection_rate": "sales_amount",
    }  # fmt: skip


def test_derived_components_follow_the_definitions():
    d = Definitions(lead_utilisation_basis="dialled", compliance_reviewer="system")
    assert DERIVED_COMPONENTS["leads_utilised"].choose(d) == "leads_worked"
    assert DERIVED_COMPONENTS["qa_n"].choose(d) == "qa_system_n"
    need = needed_components(["lead_utilisation", "compliance_rate", "repeat_sales"], d)
    assert {"leads_worked", "leads", "qa_system_n", "qa_system_ok", "sales", "new_sales"} <= need
    assert "leads_converted" not in need
    reason = FORMULAS["complaints_per_100"].missing_reason
    assert isinstance(reason, ByDefinition)
    assert reason.choose(Definitions(complaints_per="paying_customers")) == "no paying customers"
    # every base component a formula reads is one the engine's tables compute or the agents
    # table gives
    assert {"level_sum", "level_n"} <= set(COMPONENTS)


@pytest.mark.parametrize(
    "definitions",
    [
        {},
        {"lead_utilisation_basis": "connected", "effective_requires_need_captured": False},
        {"sales_net_of_refunds": True, "lead_utilisation_basis": "dialled"},
    ],
)
def test_catalogue_and_engine_requirements_agree(definitions):
    # the reference reads the catalogue's requirements, the engine its own
    d = Definitions(**definitions)
    for i in CATALOGUE:
        assert catalogue_requirements(i, d) == requirements(i, d), i
