"""One table block applied to the rows of one source file, counting the rows of every step.

The order is fixed: row numbers, ``filters``, ``sentinels``, the column specs (``columns``
and ``extra``), ``recode``, ``parse``, ``distinct``. The result is a :class:`Piece`: the
mapped rows with their source row, and the (stage, rule, rows) steps for the accounting.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.data.dataset import DEFAULT_TIMEZONE
from kpi_lib.data.mapping.filters import apply_filters
from kpi_lib.data.mapping.spec import TableBlock
from kpi_lib.data.mapping.transforms import apply_sentinels, column, parse_value, recode
from kpi_lib.data.mapping.values import SOURCE_ROW

__all__ = ["Piece", "apply_block"]


@dataclass
class Piece:
    """The rows of one contract table mapped from one source file, before validation."""

    table: str
    source: str
    frame: pd.DataFrame  # mapped columns + SOURCE_ROW
    steps: list[tuple[str, str, int]]  # (stage, rule, rows) before validation


def apply_block(
    block: TableBlock,
    src: pd.DataFrame,
    label: str,
    row_offset: int,
    timezone: str = DEFAULT_TIMEZONE,
) -> Piece:
    """Map the rows ``src`` of source ``label`` through ``block`` (``row_offset``: rows of
    the same block in earlier files, so generated row numbers continue across files;
    ``timezone``: the dataset's, where date-times with a UTC offset are converted to)."""
    spec = block.spec
    steps: list[tuple[str, str, int]] = [("read", "", len(src))]
    src = src.copy()
    src[SOURCE_ROW] = np.arange(len(src))
    # row numbers are fixed before any filter, so the same source row gets the same id in
    # every table built from the file
    src, dropped = apply_filters(src, spec.get("filters") or [])
    steps += dropped
    src, sentinel_steps = apply_sentinels(src, spec.get("sentinels") or {})
    steps += sentinel_steps
    out = pd.DataFrame(index=src.index)
    targets = {**(spec.get("columns") or {}), **(spec.get("extra") or {})}
    if not targets and "inline" in spec:
        targets = {c: c for c in src.columns if c != SOURCE_ROW}
    for target, cspec in targets.items():
        values, notes = column(src, cspec, row_offset=row_offset, timezone=timezone)
        out[target] = values
        steps += [("note", f"{target}: {k}", v) for k, v in notes.items()]
    for target, table in (spec.get("recode") or {}).items():
        out[target] = recode(out[target], table)
    for target, rules in (spec.get("parse") or {}).items():
        out[target], notes = parse_value(out[target], rules, src, timezone)
        steps += [("note", f"{target}: {k}", v) for k, v in notes.items()]
    if spec.get("distinct"):
        dup = out.duplicated(keep="first")
        steps.append(("merged", "distinct: identical mapped rows merged", int(dup.sum())))
        out = out.loc[~dup]
    out[SOURCE_ROW] = src[SOURCE_ROW]
    steps.append(("passed", "", len(out)))
    return Piece(block.table, label, out.reset_index(drop=True), steps)
