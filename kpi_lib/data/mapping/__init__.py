"""Bring your own export: a small YAML mapping turns a CRM / dialler export into a dataset.

No team's export matches the data contract: columns have other names (often Chinese), outcomes
other codes, times other formats. A mapping file (``params/mappings/*.yaml``, every key is
documented in ``docs/mappings.md``) says, per contract table, which file(s) to read and how to
turn their columns into contract columns. :func:`import_export` applies it and validates the
result with :func:`kpi_lib.data.load.validate_tables`, so the usual quarantine and load report
apply.

Nothing is dropped silently. A row leaves the import only through a rule written in the
mapping (a ``filter``, a ``drop`` sentinel, ``distinct``) or through the loader's quarantine,
and :attr:`ImportResult.accounting` counts every source row under exactly one of them::

    rows read = rows dropped (per rule) + rows merged (distinct) + rows quarantined + rows used

The mapping language is declarative and small (no ``eval``): a column is a source column, a
constant, a concatenation, a generated row number, a duration between two times, or a date
built from parts; values can be recoded, parsed with stated formats and nulled or dropped as

Files: ``spec`` (the mapping's keys, :class:`Mapping`, :class:`TableBlock`,
:class:`MappingError`), ``validate`` (checks of table blocks and column specs), ``loader``
(:func:`load_mapping`, :func:`parse_mapping`), ``readers`` (:func:`read_source`: encodings,
separators, header rows, Excel), ``values`` (source values as text, shared by the rules),
``filters``, ``transforms`` (sentinels, column specs, recode, parse), ``timestamps`` (dates,
times of day, UTC offsets, the roll-over past midnight), ``durations`` (``H:MM:SS``, the wrap
past midnight), ``apply`` (one block on one file), ``run`` (:func:`import_export`,
:class:`ImportResult`) and ``record`` (what the import leaves in the dataset folder for the
loader: the accounting under ``import:`` in ``dataset.yaml``, tables declared empty;
:func:`read_import_record`, :func:`with_import_record`).
"""

from __future__ import annotations

from kpi_lib.data.mapping.loader import load_mapping, parse_mapping
from kpi_lib.data.mapping.readers import read_source
from kpi_lib.data.mapping.record import (
    DECLARED_EMPTY,
    declared_empty,
    read_import_record,
    row_counts,
    row_counts_by_table,
    with_import_record,
)
from kpi_lib.data.mapping.run import (
    ACCOUNTING_COLUMNS,
    BALANCE_STAGES,
    ImportResult,
    import_export,
)
from kpi_lib.data.mapping.spec import (
    BLOCK_KEYS,
    ENCODINGS,
    FILTER_OPS,
    FORMATS,
    PARSE_KEYS,
    SENTINEL_ACTIONS,
    SPEC_KEYS,
    TOP_KEYS,
    Mapping,
    MappingError,
    TableBlock,
)

__all__ = [
    "MappingError",
    "Mapping",
    "TableBlock",
    "ImportResult",
    "ACCOUNTING_COLUMNS",
    "load_mapping",
    "parse_mapping",
    "import_export",
    "read_source",
    "read_import_record",
    "with_import_record",
    "row_counts",
    "row_counts_by_table",
    "declared_empty",
    "DECLARED_EMPTY",
    # the mapping language's vocabulary and the accounting's balance stages
    "BALANCE_STAGES",
    "TOP_KEYS",
    "BLOCK_KEYS",
    "FORMATS",
    "ENCODINGS",
    "SPEC_KEYS",
    "PARSE_KEYS",
    "FILTER_OPS",
    "SENTINEL_ACTIONS",
]
