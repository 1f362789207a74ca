"""The mapping language: its keys, the validated :class:`Mapping` and :class:`MappingError`.

The vocabulary of a mapping file (the keys of the whole file, of a table block, of a column
spec, of a ``parse`` rule, the filter operators and sentinel actions), the frozen objects a
validated mapping is made of, and the helpers every part of the import uses to name a key
in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kpi_lib._util import nearest
from kpi_lib.data.contract import CONTRACT

__all__ = [
    "MappingError",
    "Mapping",
    "TableBlock",
    "TOP_KEYS",
    "BLOCK_KEYS",
    "FORMATS",
    "ENCODINGS",
    "SPEC_KEYS",
    "PARSE_KEYS",
    "FILTER_OPS",
    "SENTINEL_ACTIONS",
    "did_you_mean",
    "normalise_spec",
]

TOP_KEYS = ("name", "description", "timezone", "tables", "empty_tables", "absent_tables", "notes")
BLOCK_KEYS = (
    "file",
    "inline",
    "format",
    "sep",
    "encoding",
    "sheet",
    "header_row",
    "columns",
    "extra",
    "recode",
    "parse",
    "sentinels",
    "filters",
    "distinct",
    "note",
)
FORMATS = ("auto", "csv", "xlsx", "parquet")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "latin-1")
SPEC_KEYS = ("column", "const", "concat", "row_number", "duration", "date_parts")
PARSE_KEYS = (
    "format",
    "date_from",
    "date_format",
    "roll_over_from",
    "clock_to_seconds",
    "number",
)
FILTER_OPS = ("in", "not_in", "equals", "empty", "duplicates")
SENTINEL_ACTIONS = ("null", "drop")


class MappingError(ValueError):
    """A mapping cannot be used; ``problems`` lists every problem found (each names its key)."""

    def __init__(self, problems: list[str], source: str | Path | None = None):
        self.problems = list(problems)
        head = f"Mapping {str(source)!r} is not valid" if source else "Mapping is not valid"
        lines = [f"{head}: {len(self.problems)} problem(s)."]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class TableBlock:
    """One source of one contract table and how its columns become contract columns."""

    table: str
    index: int
    spec: dict

    @property
    def key(self) -> str:
        """The mapping key path of this block, used in messages."""
        return f"tables.{self.table}[{self.index}]"


@dataclass(frozen=True)
class Mapping:
    """A validated mapping (see :func:`load_mapping`)."""

    name: str
    timezone: str
    blocks: tuple[TableBlock, ...]
    empty_tables: dict[str, str] = field(default_factory=dict)
    absent_tables: dict[str, str] = field(default_factory=dict)
    description: str = ""
    notes: str = ""
    path: Path | None = None

    @property
    def tables(self) -> list[str]:
        """Contract tables the mapping fills (from sources or declared empty)."""
        names = [b.table for b in self.blocks] + list(self.empty_tables)
        return [t for t in CONTRACT if t in names]


def did_you_mean(name, candidates) -> str:
    """`` Did you mean 'x'?`` for the candidate closest to ``name``, or an empty string."""
    close = nearest(str(name), candidates, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def normalise_spec(spec: dict) -> tuple[str, object]:
    """(kind, value) of a dict column spec; concat and row_number options are folded in."""
    kind = next(k for k in spec if k in SPEC_KEYS)
    value = spec[kind]
    if kind == "concat":
        if isinstance(value, dict):
            value = dict(value)
        else:
            value = {"columns": value}
        value.setdefault("sep", spec.get("sep", "-"))
    elif kind == "row_number":
        value = dict(value) if isinstance(value, dict) else ({} if value is True else value)
        for opt in ("prefix", "start"):
            if opt in spec:
                value[opt] = spec[opt]
    return kind, value
