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
    "AGENT_DAYS",
    "AGENT_DAY_KEYS",
    "AGENT_DAY_COMPONENTS",
    "AGENT_DAY_ALIASES",
    "AgentDayColumns",
]

TOP_KEYS = (
    "name",
    "description",
    "timezone",
    "tables",
    "agent_days",
    "empty_tables",
    "absent_tables",
    "notes",
)
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

#: Name of the block of agent-day totals (top-level key ``agent_days``) in messages and the
#: accounting.
AGENT_DAYS = "agent_days"
#: Keys of an ``agent_days`` block: a table block's, without ``extra`` and ``distinct``.
AGENT_DAY_KEYS = tuple(k for k in BLOCK_KEYS if k not in ("extra", "distinct"))
#: Totals an agent-day row may hold: the indicator engine's components that add up over
#: days (``kpi_lib.indicators.catalogue.formulas.COMPONENTS``; distinct counts such as
#: customers served do not, and are left out), with what each one counts.
AGENT_DAY_COMPONENTS = {
    "dials": "calls made",
    "connects": "calls connected",
    "effective": "effective calls (the team's rule, applied by the CRM)",
    "talk_s": "talk seconds of all calls",
    "connected_talk_s": "talk seconds of connected calls",
    "effective_talk_s": "talk seconds of effective calls",
    "interested": "connected calls showing purchase intent",
    "sales": "sales amount",
    "deals": "orders",
    "new_sales": "sales amount of customers' first orders",
    "new_customers": "customers' first orders",
    "collected": "amount collected",
    "leads": "leads assigned",
    "leads_worked": "leads assigned with a call",
    "leads_converted": "leads assigned that led to an order",
    "leads_intent": "leads assigned that showed intent",
    "leads_intent_converted": "leads assigned that showed intent and led to an order",
    "surveys": "surveys answered",
    "score_sum": "sum of survey scores",
    "satisfied": "surveys at or above the satisfied cut-off",
    "complaints": "complaints opened",
    "resolved": "complaints resolved",
    "qa_all_n": "QA reviews",
    "qa_all_ok": "compliant QA reviews",
    "qa_system_n": "QA reviews by the system reviewer",
    "qa_system_ok": "compliant QA reviews by the system reviewer",
    "exams": "training exams taken",
    "exams_passed": "training exams passed",
    "proposals": "proposals submitted",
    "proposals_accepted": "proposals accepted",
}
#: Indicator ids accepted for the component they count (``sales_amount`` -> ``sales``).
AGENT_DAY_ALIASES = {
    "sales_amount": "sales",
    "effective_calls": "effective",
    "collected_amount": "collected",
    "new_customer_sales": "new_sales",
    "proposals_submitted": "proposals",
}


@dataclass(frozen=True)
class AgentDayColumns:
    """The target columns of an ``agent_days`` block (shaped like a contract table for the
    block checks)."""

    name: str = AGENT_DAYS
    required_columns: tuple[str, ...] = ("agent_id", "date")

    @property
    def column_names(self) -> list[str]:
        return ["agent_id", "team_id", "date", *AGENT_DAY_COMPONENTS, *AGENT_DAY_ALIASES]


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
        if self.table == AGENT_DAYS:
            return AGENT_DAYS
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
    def agent_days(self) -> TableBlock | None:
        """The ``agent_days`` block (agent-day totals for the pre-aggregated input), if any."""
        return next((b for b in self.blocks if b.table == AGENT_DAYS), None)

    @property
    def tables(self) -> list[str]:
        """Contract tables the mapping fills (from sources or declared empty)."""
        names = [b.table for b in self.blocks if b.table != AGENT_DAYS] + list(self.empty_tables)
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
