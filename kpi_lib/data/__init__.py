"""data layer of kpi_lib (see docs/architecture.md): the contract, loading and datasets.

The public face: what a notebook or a user needs to get data in. Submodules (``contract``,
``dataset``, ``load``, ``mapping``, ``synth``) hold the rest.

Examples
--------
>>> from kpi_lib.data import load_dataset  # doctest: +SKIP
>>> ds = load_dataset("data/sample")  # doctest: +SKIP
"""

from __future__ import annotations

from kpi_lib.data import synth
from kpi_lib.data.contract import CONTRACT, TIME_COLUMNS, contract_markdown, table_spec
from kpi_lib.data.dataset import DEFAULT_TIMEZONE, Dataset
from kpi_lib.data.load import DatasetError, load_dataset, validate_tables
from kpi_lib.data.mapping import ImportResult, MappingError, import_export, load_mapping
from kpi_lib.data.synth import PRESETS, generate

__all__ = [
    # the data contract
    "CONTRACT",
    "TIME_COLUMNS",
    "table_spec",
    "contract_markdown",
    # datasets and loading
    "Dataset",
    "DEFAULT_TIMEZONE",
    "DatasetError",
    "load_dataset",
    "validate_tables",
    # bring-your-own exports
    "MappingError",
    "ImportResult",
    "load_mapping",
    "import_export",
    # synthetic data
    "synth",
    "generate",
    "PRESETS",
]
