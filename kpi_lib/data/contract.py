"""The data contract: the tables a team exports from its CRM, dialler, QA and survey tools.

Each table is described once, here, by a :class:`TableSpec`. The pandera schemas used for
validation, the loader's type coercion and ``docs/data-contract.md`` are all generated from
these specs, so the documentation cannot drift from what the code checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "ColumnSpec",
    "TableSpec",
    "Plausibility",
    "CONTRACT",
    "DATASET_SETTINGS",
    "CALL_OUTCOMES",
    "TIME_COLUMNS",
    "table_spec",
    "contract_markdown",
]

CALL_OUTCOMES = ("connected", "no_answer", "busy", "invalid_number", "rejected")
TARGET_SCOPES = ("agent", "team")

#: Column kinds understood by the loader: how raw text is coerced and what a failure means.
KINDS = ("id", "text", "timestamp", "date", "number", "integer", "boolean")


@dataclass(frozen=True)
class ColumnSpec:
    """One column of a contract table.

    Attributes
    ----------
    name : str
        Column name exactly as it must appear in the export.
    kind : str
        One of ``id``, ``text``, ``timestamp``, ``date``, ``number``, ``integer``, ``boolean``.
    description : str
        What the column means (shown in the data dictionary).
    required : bool
        Whether the column must be present when the table is present.
    allowed : tuple or None
        Allowed values for a categorical column.
    minimum, maximum : float or None
        Inclusive numeric bounds.
    unique : bool
        Values must be unique (primary keys).
    references : str or None
        ``"table.column"`` this column must match (foreign key), checked when both are loaded.
    unit : str or None
        ``"s"`` for a duration in seconds: values above
        :attr:`Plausibility.max_duration_s` are quarantined.
    rule : str or None
        A further row rule in words, checked by the loader (shown in the data dictionary).
    """

    name: str
    kind: str
    description: str
    required: bool = True
    allowed: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    unique: bool = False
    references: str | None = None
    unit: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class Plausibility:
    """Bounds on values that parse but cannot be true; rows outside go to the quarantine.

    Set in a dataset's ``dataset.yaml`` under ``plausibility:``; every field is optional.

    Attributes
    ----------
    max_duration_s : float
        Longest plausible duration in seconds (columns with ``unit="s"``); default 4 h.
    earliest : str
        Timestamps before this date (``YYYY-MM-DD``) are quarantined.
    latest : str or None
        Timestamps after this are quarantined; ``None`` means the export time
        (``exported_at`` in ``dataset.yaml``, else the moment the dataset is loaded).
    """

    max_duration_s: float = 4 * 3600
    earliest: str = "1990-01-01"
    latest: str | None = None


#: Keys of a dataset folder's optional ``dataset.yaml``: (key, meaning), documented in
#: ``docs/data-contract.md``.
DATASET_SETTINGS: tuple[tuple[str, str], ...] = (
    ("name", "Display name (default: the folder name)."),
    (
        "timezone",
        "IANA timezone deciding period boundaries, e.g. `Asia/Shanghai` (the default) or "
        "`Europe/Lisbon`; an unknown name stops the load.",
    ),
    (
        "currency",
        "ISO 4217 code of the amounts (`orders.amount`...), e.g. `CNY` (the default), `HKD` "
        "or `TWD`: every page and export of a review shows money in it unless the review sets "
        "`currency`; a code Babel does not know stops the load.",
    ),
    (
        "exported_at",
        "When the export was made (`2026-11-01` or `2026-11-01 06:00`); timestamps after it "
        "are quarantined. Default: the moment the dataset is loaded.",
    ),
    (
        "plausibility",
        "`max_duration_s` (default "
        f"{Plausibility.max_duration_s:g} s = 4 h), `earliest` (default "
        f"`{Plausibility.earliest}`), `latest` (default: the export time).",
    ),
    (
        "timestamp_format",
        "strftime format of text timestamps that are not ISO 8601, e.g. "
        '`"%d/%m/%Y %H:%M"`; one format for every column, or per column '
        '(`{calls.started_at: "%d/%m/%Y %H:%M"}`). Day/month orders are never guessed: '
        "a column with values such as `01/10/2026` stops the load until its format is named.",
    ),
    (
        "encoding",
        "Encoding of the CSV files (`gb18030`, `cp1252`...), one for all or per table "
        "(`{agents: cp1252}`). Default: UTF-8, else GB18030 or Windows-1252 when the text "
        "decodes plausibly (with a warning for Windows-1252).",
    ),
    (
        "header_row",
        "1-based row holding the column names when title rows sit above it; one number for "
        "all files or per table (`{calls: 3}`).",
    ),
)


@dataclass(frozen=True)
class TableSpec:
    """One table of the contract."""

    name: str
    description: str
    required: bool
    columns: tuple[ColumnSpec, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def key(self) -> str | None:
        """The primary-key column, if the table has one."""
        for c in self.columns:
            if c.unique:
                return c.name
        return None

    def column(self, name: str) -> ColumnSpec:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"Table `{self.name}` has no contract column `{name}`.")


def _agent_fk(description: str = "Agent who owns the record.") -> ColumnSpec:
    return ColumnSpec("agent_id", "id", description, references="agents.agent_id")


CONTRACT: dict[str, TableSpec] = {
    t.name: t
    for t in [
        TableSpec(
            "agents",
            "One row per agent (telesales representative).",
            required=True,
            columns=(
                ColumnSpec("agent_id", "id", "Agent identifier (string).", unique=True),
                ColumnSpec("agent_name", "text", "Display name."),
                ColumnSpec("team_id", "id", "Team the agent belongs to."),
                ColumnSpec("hire_date", "date", "Date the agent joined.", required=False),
                ColumnSpec(
                    "level",
                    "text",
                    "Certification level, e.g. junior / intermediate / senior.",
                    required=False,
                ),
                ColumnSpec(
                    "active", "boolean", "Whether the agent is still employed.", required=False
                ),
            ),
        ),
        TableSpec(
            "calls",
            "One row per outbound dial attempt, from the dialler or CRM call log.",
            required=True,
            columns=(
                ColumnSpec("call_id", "id", "Call identifier.", unique=True),
                _agent_fk("Agent who placed the call."),
                ColumnSpec("started_at", "timestamp", "When the dial started."),
                ColumnSpec(
                    "duration_s",
                    "number",
                    "Talk time in seconds; 0 when the call did not connect.",
                    minimum=0,
                    unit="s",
                ),
                ColumnSpec("outcome", "text", "Dial outcome.", allowed=CALL_OUTCOMES),
                ColumnSpec(
                    "need_captured",
                    "boolean",
                    "The agent recorded the customer's need during the call.",
                    required=False,
                ),
                ColumnSpec(
                    "intent_rating",
                    "integer",
                    "Customer intent after the call: 0 none, 1 low, 2 interested, 3 strong.",
                    required=False,
                    minimum=0,
                    maximum=3,
                ),
                ColumnSpec("lead_id", "id", "Lead the call worked on.", required=False),
                ColumnSpec("customer_id", "id", "Customer reached.", required=False),
            ),
        ),
        TableSpec(
            "orders",
            "One row per order (deal) credited to an agent.",
            required=True,
            columns=(
                ColumnSpec("order_id", "id", "Order identifier.", unique=True),
                _agent_fk("Agent credited with the sale."),
                ColumnSpec("customer_id", "id", "Paying customer."),
                ColumnSpec("ordered_at", "timestamp", "When the order was placed."),
                ColumnSpec("amount", "number", "Order amount (currency units).", minimum=0),
                ColumnSpec(
                    "collected_amount",
                    "number",
                    "Amount actually collected (回款).",
                    required=False,
                    minimum=0,
                ),
                ColumnSpec("lead_id", "id", "Lead the order came from.", required=False),
                ColumnSpec(
                    "refunded_amount",
                    "number",
                    "Amount refunded later.",
                    required=False,
                    minimum=0,
                ),
            ),
        ),
        TableSpec(
            "leads",
            "One row per lead assigned to an agent.",
            required=False,
            columns=(
                ColumnSpec("lead_id", "id", "Lead identifier.", unique=True),
                _agent_fk("Agent the lead was assigned to."),
                ColumnSpec("assigned_at", "timestamp", "When the lead was assigned."),
                ColumnSpec("source", "text", "Lead source / channel.", required=False),
            ),
        ),
        TableSpec(
            "qa_reviews",
            "One row per QA judgement of a call, by a human reviewer or the automatic system.",
            required=False,
            columns=(
                ColumnSpec("review_id", "id", "Review identifier.", unique=True),
                ColumnSpec("call_id", "id", "Call that was reviewed.", references="calls.call_id"),
                _agent_fk("Agent whose call was reviewed."),
                ColumnSpec("reviewed_at", "timestamp", "When the review was made."),
                ColumnSpec(
                    "reviewer",
                    "id",
                    "Reviewer id; the literal 'system' marks automatic (recording-QA) judgements.",
                ),
                ColumnSpec(
                    "compliant",
                    "boolean",
                    "The call followed the script rules (no prohibited promises, no data leaks).",
                ),
                ColumnSpec(
                    "effective",
                    "boolean",
                    "The reviewer judges the call an effective conversation.",
                    required=False,
                ),
                ColumnSpec("score", "number", "QA score, if the tool gives one.", required=False),
            ),
        ),
        TableSpec(
            "surveys",
            "One row per answered satisfaction survey (post-call SMS or questionnaire).",
            required=False,
            columns=(
                ColumnSpec("survey_id", "id", "Survey response identifier.", unique=True),
                _agent_fk("Agent the survey rates."),
                ColumnSpec("answered_at", "timestamp", "When the customer answered."),
                ColumnSpec(
                    "score", "integer", "Satisfaction score, 1 (worst) to 5.", minimum=1, maximum=5
                ),
                ColumnSpec("call_id", "id", "Call the survey followed.", required=False),
                ColumnSpec("customer_id", "id", "Customer who answered.", required=False),
            ),
        ),
        TableSpec(
            "complaints",
            "One row per customer complaint attributed to an agent.",
            required=False,
            columns=(
                ColumnSpec("complaint_id", "id", "Complaint identifier.", unique=True),
                _agent_fk("Agent complained about."),
                ColumnSpec("opened_at", "timestamp", "When the complaint was opened."),
                ColumnSpec(
                    "resolved_at",
                    "timestamp",
                    "When it was resolved; empty while open.",
                    required=False,
                ),
                ColumnSpec("customer_id", "id", "Complaining customer.", required=False),
                ColumnSpec("category", "text", "Complaint category.", required=False),
            ),
        ),
        TableSpec(
            "trainings",
            "One row per training exam taken.",
            required=False,
            columns=(
                _agent_fk("Agent who took the exam."),
                ColumnSpec("course", "text", "Course or exam name."),
                ColumnSpec("taken_at", "timestamp", "When the exam was taken."),
                ColumnSpec("passed", "boolean", "Whether the agent passed."),
                ColumnSpec("score", "number", "Exam score.", required=False),
            ),
        ),
        TableSpec(
            "proposals",
            "One row per improvement proposal (process or script).",
            required=False,
            columns=(
                ColumnSpec("proposal_id", "id", "Proposal identifier.", unique=True),
                _agent_fk("Agent who submitted it."),
                ColumnSpec("submitted_at", "timestamp", "When it was submitted."),
                ColumnSpec(
                    "accepted",
                    "boolean",
                    "Whether it was adopted; empty if pending.",
                    required=False,
                ),
            ),
        ),
        TableSpec(
            "targets",
            "Targets per period for agents or teams.",
            required=False,
            columns=(
                ColumnSpec(
                    "period",
                    "text",
                    "Period label: 2026-10 (month), 2026-Q4, 2026 or 2026-W43 (ISO week).",
                    rule="a valid period label",
                ),
                ColumnSpec("scope", "text", "Who the target is for.", allowed=TARGET_SCOPES),
                ColumnSpec("scope_id", "id", "agent_id or team_id, according to scope."),
                ColumnSpec(
                    "indicator",
                    "id",
                    "Indicator id from the catalogue (`kpi indicators`).",
                    rule="in the indicator catalogue, when the loader is given it",
                ),
                ColumnSpec("target", "number", "Target value (attainment 100 %)."),
                ColumnSpec(
                    "threshold",
                    "number",
                    "Minimum acceptable value: at or below the target when higher is better, "
                    "at or above it when lower is better.",
                    required=False,
                    rule="on the acceptable side of `target`",
                ),
                ColumnSpec(
                    "stretch", "number", "Cap: value at which credit stops.", required=False
                ),
            ),
        ),
    ]
}

#: Tables in the order they are loaded and checked (referenced tables first).
TABLE_ORDER = list(CONTRACT)

#: The timestamp that places each agent-level table's rows in a period.
TIME_COLUMNS = {
    "calls": "started_at",
    "orders": "ordered_at",
    "leads": "assigned_at",
    "qa_reviews": "reviewed_at",
    "surveys": "answered_at",
    "complaints": "opened_at",
    "trainings": "taken_at",
    "proposals": "submitted_at",
}


def table_spec(name: str) -> TableSpec:
    """Return the spec of a contract table, with a clear error for an unknown name."""
    try:
        return CONTRACT[name]
    except KeyError:
        raise ValueError(
            f"`{name}` is not a contract table; expected one of {sorted(CONTRACT)}."
        ) from None


def contract_markdown() -> str:
    """Render the data contract as Markdown (the body of ``docs/data-contract.md``)."""
    lines = [
        "# Data contract",
        "",
        "<!-- generated by `kpi contract --markdown` from kpi_lib/data/contract.py; "
        "a test fails if this file differs -->",
        "",
        "A dataset is a folder with one file per table: `<table>.csv`, `<table>.parquet`, "
        "or one `.xlsx` workbook with a sheet per table (file names are matched ignoring "
        "case). An optional `dataset.yaml` holds the settings below. Timestamps may be naive "
        "(read as the dataset's timezone) or carry an offset (converted to it); text "
        "timestamps are ISO 8601 (`2026-10-08 14:03:00`) or follow `timestamp_format`. IDs "
        "are strings: in CSV and `.xlsx` files surrounding spaces are stripped, in Parquet "
        "files strings are used as they are; an empty one is missing. Booleans accept "
        "true/false, 1/0, yes/no, y/n.",
        "",
        "Rows that break a rule below are not dropped: they go to the quarantine table with "
        "the reason and the raw value, and the load report counts them (rows read = used + "
        "quarantined for every table). An export that does not match the contract can be "
        "converted with a YAML mapping and `kpi import` (see [mappings.md](mappings.md)).",
        "",
        "The rules are written once (`kpi_lib/data/rules.py`) and run by both readers: the "
        "in-memory loader (`load_dataset`, `kpi validate`, the period review) and the "
        "out-of-core reader the indicator engine uses on a dataset folder "
        "(`compute_indicators(folder)`, the scorecard; DuckDB scanning the Parquet files in "
        "place, for datasets of 100M calls). Both quarantine the same rows for the same "
        "reasons and compute indicators from the rows used only; the out-of-core reader's "
        "counts per table and reason are its `load_report`. A table may also be a folder of "
        "Parquet parts (`calls/part-0.parquet`, ...).",
        "",
        "## Plausibility",
        "",
        "Values that parse but cannot be true are quarantined like any other bad row:",
        "",
        "- numbers must be finite (`inf`, `-inf`, `nan`, `Infinity` are quarantined as "
        "`non-finite number`);",
        "- durations in seconds (columns marked `<= max_duration_s`) must not exceed that "
        "setting "
        f"(default {Plausibility.max_duration_s:g} s = 4 h);",
        "- timestamps must not be later than the export (`exported_at`, else the load time; "
        f"or `latest`) nor earlier than `earliest` (default {Plausibility.earliest});",
        "- targets must name a valid period and, when the loader is given the catalogue, a "
        "known indicator; a threshold on the wrong side of the target (above it when higher "
        "is better) is quarantined.",
        "",
        "A day/month order that cannot be told apart (`01/10/2026`), an unknown timezone and "
        "text that decodes implausibly in every encoding tried stop the load with a message "
        "naming the fix.",
        "",
        "## `dataset.yaml`",
        "",
        "| key | meaning |",
        "|---|---|",
        *[f"| `{key}` | {meaning} |" for key, meaning in DATASET_SETTINGS],
        "",
        "```yaml",
        "name: my-team-2026",
        "timezone: Asia/Shanghai",
        'exported_at: "2026-11-01 06:00"',
        'plausibility: {max_duration_s: 14400, earliest: "2020-01-01"}',
        'timestamp_format: "%d/%m/%Y %H:%M"',
        "```",
        "",
    ]
    for spec in CONTRACT.values():
        req = "required" if spec.required else "optional"
        lines += [f"## `{spec.name}` ({req})", "", spec.description, ""]
        lines += ["| column | kind | required | rule | meaning |", "|---|---|---|---|---|"]
        for c in spec.columns:
            rules = []
            if c.unique:
                rules.append("unique")
            if c.allowed:
                rules.append("one of " + ", ".join(f"`{v}`" for v in c.allowed))
            if c.minimum is not None:
                rules.append(f">= {c.minimum:g}")
            if c.maximum is not None:
                rules.append(f"<= {c.maximum:g}")
            if c.unit == "s":
                rules.append("<= `max_duration_s`")
            if c.kind in ("number", "integer"):
                rules.append("finite")
            if c.kind == "timestamp":
                rules.append("between `earliest` and the export")
            if c.rule:
                rules.append(c.rule)
            if c.references:
                rules.append(f"must exist in `{c.references}`")
            lines.append(
                f"| `{c.name}` | {c.kind} | {'yes' if c.required else 'no'} | "
                f"{'; '.join(rules)} | {c.description} |"
            )
        lines.append("")
    return "\n".join(lines)
