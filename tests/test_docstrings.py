"""The Examples sections of the public functions run on the packaged sample and show real output.

Each module's doctests run once, here, through :func:`doctest.testmod` (the project does not
use ``--doctest-modules``, so pytest's default collection does not run them a second time).
"""

from __future__ import annotations

import doctest
import importlib

import pandas as pd
import pytest

MODULES = [
    "kpi_lib._util",
    "kpi_lib.datasets",
    "kpi_lib.indicators.periods",
    "kpi_lib.data.load",
    "kpi_lib.indicators.engine.compute",
    "kpi_lib.indicators.engine.availability",
    "kpi_lib.scoring.schemes",
    "kpi_lib.scoring.composite",
    "kpi_lib.scoring.decisions",
    "kpi_lib.scoring.targets",
    "kpi_lib.analyses.recommendations",
    "kpi_lib.analyses.sensitivity.monte_carlo",
    "kpi_lib.analyses.sensitivity.effective",
    "kpi_lib.analyses.sensitivity.inputs",
    "kpi_lib.analyses.coverage",
    "kpi_lib.analyses.calibration.agreement",
    "kpi_lib.analyses.gaming",
    "kpi_lib.review.spec",
    "kpi_lib.review.validate",
    "kpi_lib.review.pipeline",
    "kpi_lib.review.prepare",
]

OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


@pytest.fixture
def display_options():
    """pandas display settings the examples were written with (a terminal may differ)."""
    with pd.option_context(
        "display.width", 100, "display.max_columns", 20, "display.max_colwidth", 50
    ):
        yield


@pytest.mark.parametrize("name", MODULES)
def test_examples(name, display_options):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=OPTIONFLAGS, verbose=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
