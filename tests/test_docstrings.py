"""The Examples sections of the public functions run on the packaged sample and show real output.

Each module's doctests run once, here, through :func:`doctest.testmod` (the project does not
use ``--doctest-modules``, so pytest's default collection does not run them a second time).
"""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pandas as pd
import pytest


def _modules_with_examples() -> list[str]:
    """Every kpi_lib module whose source holds an example (``>>>``) that doctest runs (not
    only ``+SKIP`` ones): a new module's examples are run without anyone having to list it."""
    root = Path(__file__).resolve().parents[1]
    names = []
    for path in sorted((root / "kpi_lib").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        examples = [line for line in source.splitlines() if line.strip().startswith(">>>")]
        if not examples or all("doctest: +SKIP" in line for line in examples):
            continue
        parts = path.relative_to(root).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


MODULES = _modules_with_examples()

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
