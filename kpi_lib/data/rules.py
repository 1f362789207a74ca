"""The contract's row rules, written once and run by both readers.

:func:`table_rules` turns the contract (:mod:`kpi_lib.data.contract`) and one load's bounds
(:class:`Bounds`: ``max_duration_s``, ``earliest``, ``latest``, the indicator catalogue)
into a list of :class:`Rule`: declarative records (table, column, check, reason). Two
executors run the same list:

- :func:`pandas_mask`, used by the in-memory loader (:func:`kpi_lib.data.load.load_dataset`);
- :func:`sql_condition` (and :func:`sql_set` for rules that compare rows with other rows or
  tables), used by the out-of-core DuckDB reader of a dataset folder
  (``kpi_lib.indicators.engine.folder``).

A row breaking any rule goes to the quarantine with the rule's ``reason``; both readers
produce the same reasons for the same rows (``tests/test_folder_parity.py``).

The SQL is built only from the contract's column names, the contract's own closed sets
(allowed values, minimum and maximum) and fixed relation names. The values of one load
(durations, timestamps, the indicator catalogue) are never written into SQL text: the
conditions name the parameters :data:`SQL_PARAMS` (``$max_duration_s``, ``$earliest``,
``$latest``), bound when the reader runs them, and read the catalogue from the table
``kpi_directions`` (``indicator``, ``direction``), filled with bound parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from kpi_lib.data.contract import TableSpec

__all__ = [
    "Bounds",
    "Rule",
    "EXPECTED",
    "SQL_PARAMS",
    "PERIOD_LABEL",
    "table_rules",
    "pandas_mask",
    "sql_condition",
    "sql_set",
    "sql_candidates",
    "stamp",
    "is_period_label",
]

#: What a value of each column kind must look like (in the ``... : not ...`` reasons).
EXPECTED = {
    "timestamp": "a date-time such as 2026-10-08 14:03:00",
    "date": "a date such as 2026-10-08",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true/false (also 1/0, yes/no)",
}
#: Named parameters (``$name``) the SQL conditions use, bound when they run.
SQL_PARAMS = ("max_duration_s", "earliest", "latest")
#: A period label: 2026, 2026-10, 2026-Q4 or 2026-W43.
PERIOD_LABEL = r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|W(\d{2})))?$"
_PERIOD = re.compile(PERIOD_LABEL)


@dataclass(frozen=True)
class Bounds:
    """The plausibility bounds and formats one load applies (see ``Plausibility``).

    ``earliest`` and ``latest`` are naive wall-clock times in the dataset's timezone.
    ``directions`` maps indicator ids to ``higher``/``lower``/None; None when no catalogue
    is given (targets' indicators are then not checked).
    """

    max_duration_s: float
    earliest: pd.Timestamp
    latest: pd.Timestamp
    formats: dict
    directions: dict | None

    def format_for(self, table: str, column: str) -> str | None:
        f = self.formats
        return f.get(f"{table}.{column}", f.get(table, f.get("*")))


@dataclass(frozen=True)
class Rule:
    """One row rule of one table.

    Attributes
    ----------
    table, column : str
        The table, and the column the reason names (whose value is shown in the quarantine).
    check : str
        What is checked, one of ``parse``, ``non_finite``, ``required``, ``allowed``,
        ``minimum``, ``maximum``, ``unique``, ``max_duration``, ``after_latest``,
        ``before_earliest``, ``references``, ``before_column``, ``above_column``,
        ``period_label``, ``indicator``, ``stretch_side``, ``threshold_side``, ``scope``.
    reason : str
        The quarantine reason.
    args : tuple
        The check's arguments (a bound, another column, a referenced table...).
    """

    table: str
    column: str
    check: str
    reason: str
    args: tuple = ()

    @property
    def flag(self) -> str:
        """A column name for this rule's flag (unique within its table's rules)."""
        extra = "_".join(str(a) for a in self.args if isinstance(a, str))
        return re.sub(r"\W", "_", f"_q_{self.check}_{self.column}_{extra}").rstrip("_")

    @property
    def shows_coerced(self) -> bool:
        """Whether the quarantine shows the coerced value (references) instead of the raw."""
        return self.check == "references"


def stamp(ts: pd.Timestamp) -> str:
    """A bound for a reason text: the date alone when it is a day's start or last instant."""
    if ts == ts.normalize() or (ts + pd.Timedelta(microseconds=1)) == ts.ceil("D"):
        return f"{ts:%Y-%m-%d}"
    return f"{ts:%Y-%m-%d %H:%M}"


def is_period_label(label: str) -> bool:
    """Whether ``label`` is 2026, 2026-10, 2026-Q4 or 2026-W43 (an existing ISO week)."""
    m = _PERIOD.match(label)
    if not m:
        return False
    year, month, _quarter, week = m.groups()
    if month:
        return 1 <= int(month) <= 12
    if week:
        try:
            date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            return False
    return True


def table_rules(spec: TableSpec, columns, bounds: Bounds, loaded=()) -> list[Rule]:
    """The rules of one contract table, for the ``columns`` it has.

    Parameters
    ----------
    spec : TableSpec
        The contract table.
    columns : collection of str
        Its columns present in the data.
    bounds : Bounds
        The load's plausibility bounds and catalogue.
    loaded : collection of str
        The contract tables present (references to an absent table are not checked).

    Returns
    -------
    list of Rule
        Per column: parse, non-finite, required, allowed, minimum, maximum, unique,
        duration, timestamp bounds; then references, then the table's cross-column rules.
    """
    t = spec.name
    rules: list[Rule] = []
    present = [c for c in spec.columns if c.name in set(columns)]
    for c in present:
        n = c.name
        if c.kind in ("number", "integer"):
            rules.append(Rule(t, n, "non_finite", f"{n}: non-finite number"))
        if c.kind not in ("id", "text"):
            rules.append(Rule(t, n, "parse", f"{n}: not {EXPECTED[c.kind]}", (c.kind,)))
    for c in present:
        n = c.name
        if c.required:
            rules.append(Rule(t, n, "required", f"{n}: missing value in a required column"))
        if c.allowed:
            rules.append(
                Rule(t, n, "allowed", f"{n}: not one of {list(c.allowed)}", tuple(c.allowed))
            )
        if c.minimum is not None:
            rules.append(
                Rule(t, n, "minimum", f"{n}: below the minimum {c.minimum:g}", (c.minimum,))
            )
        if c.maximum is not None:
            rules.append(
                Rule(t, n, "maximum", f"{n}: above the maximum {c.maximum:g}", (c.maximum,))
            )
        if c.unique:
            rules.append(Rule(t, n, "unique", f"{n}: duplicate id"))
    for c in present:
        n = c.name
        if c.unit == "s":
            reason = f"{n}: duration above maximum ({bounds.max_duration_s:g} s)"
            rules.append(Rule(t, n, "max_duration", reason))
        if c.kind == "timestamp":
            reason = f"{n}: timestamp in the future of the export (after {stamp(bounds.latest)})"
            rules.append(Rule(t, n, "after_latest", reason))
            rules.append(
                Rule(t, n, "before_earliest", f"{n}: timestamp before {stamp(bounds.earliest)}")
            )
    for c in present:
        if c.references and c.references.split(".")[0] in set(loaded):
            ref_table, ref_col = c.references.split(".")
            reason = f"{c.name}: unknown {ref_table[:-1]} (not in {c.references})"
            rules.append(Rule(t, c.name, "references", reason, (ref_table, ref_col)))
    names = {c.name for c in present}
    if t == "complaints" and {"resolved_at", "opened_at"} <= names:
        rules.append(
            Rule(t, "resolved_at", "before_column", "resolved_at: before opened_at", ("opened_at",))
        )
    if t == "orders" and {"collected_amount", "amount"} <= names:
        rules.append(
            Rule(
                t,
                "collected_amount",
                "above_column",
                "collected_amount: larger than amount",
                ("amount", 1.000001),
            )
        )
    if t == "targets":
        rules += _target_rules(names, bounds, loaded)
    return rules


def _target_rules(names: set, bounds: Bounds, loaded) -> list[Rule]:
    t = "targets"
    rules = []
    if "period" in names:
        reason = "period: not a period label (2026-10, 2026-Q4, 2026 or 2026-W43)"
        rules.append(Rule(t, "period", "period_label", reason))
    if bounds.directions is not None and "indicator" in names:
        rules.append(
            Rule(t, "indicator", "indicator", "indicator: unknown indicator (not in the catalogue)")
        )
        if "stretch" in names:
            rules.append(
                Rule(t, "stretch", "stretch_side", "stretch: stretch below target", ("higher",))
            )
            rules.append(
                Rule(
                    t,
                    "stretch",
                    "stretch_side",
                    "stretch: stretch above target (lower is better)",
                    ("lower",),
                )
            )
    if "threshold" in names:
        rules.append(
            Rule(t, "threshold", "threshold_side", "threshold: threshold above target", ("higher",))
        )
        rules.append(
            Rule(
                t,
                "threshold",
                "threshold_side",
                "threshold: threshold below target (lower is better)",
                ("lower",),
            )
        )
    if "agents" in set(loaded) and "scope_id" in names:
        rules.append(
            Rule(
                t,
                "scope_id",
                "scope",
                "scope_id: unknown agent (not in agents.agent_id)",
                ("agent", "agent_id"),
            )
        )
        rules.append(
            Rule(
                t,
                "scope_id",
                "scope",
                "scope_id: unknown team (not in agents.team_id)",
                ("team", "team_id"),
            )
        )
    return rules


# ---------------------------------------------------------------------------------- pandas


def _isin(series: pd.Series, values) -> pd.Series:
    """``series.isin(values)``, vectorised for Arrow-backed strings (pandas' own is a Python loop)."""
    try:
        import pyarrow as pyarrow_
        import pyarrow.compute as pc

        arr = pyarrow_.array(series.astype("string[pyarrow]"))
        value_set = pyarrow_.array(
            pd.Series(values, dtype="string").dropna().tolist(), type=pyarrow_.string()
        )
        mask = pc.fill_null(pc.is_in(arr, value_set=value_set), False)
        return pd.Series(mask.to_numpy(zero_copy_only=False), index=series.index)
    except (ImportError, TypeError, ValueError):
        return series.isin(values)


def _direction(df: pd.DataFrame, bounds: Bounds, *, inferred: bool) -> pd.Series:
    """The direction of each target: the catalogue's, else (``inferred``) the stretch's side."""
    direction = pd.Series(None, index=df.index, dtype=object)
    if bounds.directions is not None:
        direction = df["indicator"].map(bounds.directions).astype(object)
    if inferred and "stretch" in df.columns:
        guess = np.where(
            df["stretch"] > df["target"],
            "higher",
            np.where(df["stretch"] < df["target"], "lower", None),
        )
        direction = direction.where(direction.notna(), pd.Series(guess, index=df.index))
    return direction


def pandas_mask(
    rule: Rule,
    df: pd.DataFrame,
    bounds: Bounds,
    *,
    failed: dict | None = None,
    non_finite: dict | None = None,
    valid: dict | None = None,
) -> pd.Series:
    """Rows of the coerced table ``df`` that break ``rule`` (a boolean Series).

    ``failed`` and ``non_finite`` hold, per column, the rows whose raw value was present but
    could not be coerced, and the rows holding a non-finite number (the reader's coercion
    tells); ``valid`` holds the rows used of the tables already checked (references).
    """
    failed, non_finite, valid = failed or {}, non_finite or {}, valid or {}
    none = pd.Series(False, index=df.index)
    v = df[rule.column]
    check = rule.check
    if check == "parse":
        out = failed.get(rule.column, none) & ~non_finite.get(rule.column, none)
    elif check == "non_finite":
        out = non_finite.get(rule.column, none)
    elif check == "required":
        out = v.isna() & ~failed.get(rule.column, none) & ~non_finite.get(rule.column, none)
    elif check == "allowed":
        out = v.notna() & ~v.isin(list(rule.args))
    elif check == "minimum":
        out = v < rule.args[0]
    elif check == "maximum":
        out = v > rule.args[0]
    elif check == "unique":
        out = v.notna() & v.duplicated(keep=False)
    elif check == "max_duration":
        out = v > bounds.max_duration_s
    elif check == "after_latest":
        out = v > bounds.latest
    elif check == "before_earliest":
        out = v < bounds.earliest
    elif check == "references":
        ref_table, ref_col = rule.args
        known = valid[ref_table][ref_col].dropna().unique()
        out = v.notna() & ~_isin(v, known)
    elif check == "before_column":
        out = v < df[rule.args[0]]
    elif check == "above_column":
        out = v > df[rule.args[0]] * rule.args[1]
    elif check == "period_label":
        labels = v.dropna().unique()
        ok = {label: is_period_label(label) for label in labels}
        out = v.notna() & ~v.map(ok).fillna(True).astype(bool)
    elif check == "indicator":
        out = v.notna() & ~v.isin(list(bounds.directions))
    elif check == "stretch_side":
        side = _direction(df, bounds, inferred=False) == rule.args[0]
        out = side & ((v < df["target"]) if rule.args[0] == "higher" else (v > df["target"]))
    elif check == "threshold_side":
        side = _direction(df, bounds, inferred=True) == rule.args[0]
        out = side & ((v > df["target"]) if rule.args[0] == "higher" else (v < df["target"]))
    elif check == "scope":
        scope, ref_col = rule.args
        agents = valid["agents"]
        out = (df["scope"] == scope) & ~v.isin(agents[ref_col])
    else:
        raise ValueError(f"Unknown rule check {check!r}.")
    return pd.Series(out, index=df.index).fillna(False).astype(bool)


# ---------------------------------------------------------------------------------- SQL


def _q(name: str) -> str:
    """A contract column name as a SQL identifier (contract names are ``[a-z_]+``)."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"{name!r} is not a contract column name.")
    return f'"{name}"'


def _literal(value) -> str:
    """A contract constant (an allowed value or a bound written in contract.py) as SQL."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError(f"{value!r} is not a contract constant.")
    if isinstance(value, str):
        if not re.fullmatch(r"[A-Za-z0-9_ ]*", value):
            raise ValueError(f"{value!r} is not a plain contract constant.")
        return f"'{value}'"
    return repr(float(value))


def sql_candidates(rule: Rule, typed: str) -> tuple[str, str] | None:
    """For ``unique``: (relation name, SQL) of the key hashes seen more than once, a cheap
    first pass (a 64-bit hash groups faster than the string); when it is empty no key is
    duplicated and :func:`sql_set` need not run. The SQL takes the parameters ``$parts``
    and ``$part``: it covers the hashes equal to ``part`` modulo ``parts``, so that a
    reader can bound the memory of one pass on a large table. None for the other rules."""
    if rule.check != "unique":
        return None
    c = _q(rule.column)
    name = f"kpi_set_{rule.table}_{rule.flag.lstrip('_')}_hashes"
    return name, (
        f"SELECT hash({c}) AS h FROM {typed} WHERE {c} IS NOT NULL "
        f"AND hash({c}) % $parts = $part GROUP BY h HAVING count(*) > 1"
    )


def sql_set(rule: Rule, typed: str) -> tuple[str, str] | None:
    """For a rule comparing rows with other rows or tables: (relation name, its SQL).

    The relation holds the offending keys (duplicated ids, among the keys whose hash
    :func:`sql_candidates` found more than once; ids not among the referenced table's rows
    used, whose view is ``kpi_<table>``) and is materialised by the reader before
    :func:`sql_condition` reads it. ``typed`` names the relation of the table's coerced
    rows. None for the other rules.
    """
    c = _q(rule.column)
    name = f"kpi_set_{rule.table}_{rule.flag.lstrip('_')}"
    if rule.check == "unique":
        hashes = sql_candidates(rule, typed)[0]
        return name, (
            f"SELECT {c} AS k FROM {typed} WHERE hash({c}) IN (SELECT h FROM {hashes}) "
            f"GROUP BY {c} HAVING count(*) > 1"
        )
    if rule.check == "references":
        ref_table, ref_col = rule.args
        r = _q(ref_col)
        # the table's keys are joined as they are (their DISTINCT first costs a group-by
        # over every row; the join builds its hash table on this side anyway); the
        # distinct orphans only are kept
        return name, (
            f"SELECT DISTINCT t.k FROM (SELECT {c} AS k FROM {typed} "
            f"WHERE {c} IS NOT NULL) t LEFT JOIN (SELECT {r} AS k FROM kpi_{ref_table}) r "
            "ON t.k = r.k WHERE r.k IS NULL"
        )
    if rule.check == "scope":
        _scope, ref_col = rule.args
        r = _q(ref_col)
        return name, (
            f"SELECT DISTINCT t.k FROM (SELECT DISTINCT {c} AS k FROM {typed} "
            f"WHERE {c} IS NOT NULL) t LEFT JOIN (SELECT DISTINCT {r} AS k FROM kpi_agents) r "
            "ON t.k = r.k WHERE r.k IS NULL"
        )
    return None


def _sql_direction(*, inferred: bool) -> str:
    catalogue = '(SELECT d.direction FROM kpi_directions d WHERE d.indicator = "indicator" LIMIT 1)'
    if not inferred:
        return catalogue
    return (
        f'COALESCE({catalogue}, CASE WHEN "stretch" > "target" THEN \'higher\' '
        'WHEN "stretch" < "target" THEN \'lower\' END)'
    )


def sql_condition(rule: Rule, columns=()) -> str:
    """``rule`` as a SQL boolean expression over the table's coerced rows (never NULL).

    The coerced relation has the contract columns, and for coercible columns the flags
    ``_failed_<column>`` (raw value present, not coercible) and ``_nonfinite_<column>``.
    ``columns`` are the table's contract columns present (for the target rules).
    """
    c = _q(rule.column)
    n = rule.column
    check = rule.check
    p = "${}".format  # a named parameter, bound when the statement runs
    if check == "parse":
        expr = f'"_failed_{n}" AND NOT COALESCE("_nonfinite_{n}", FALSE)'
    elif check == "non_finite":
        expr = f'"_nonfinite_{n}"'
    elif check == "required":
        expr = f"{c} IS NULL"
        if f"_failed_{n}" in columns:
            expr += f' AND NOT "_failed_{n}"'
        if f"_nonfinite_{n}" in columns:
            expr += f' AND NOT "_nonfinite_{n}"'
    elif check == "allowed":
        expr = f"{c} IS NOT NULL AND {c} NOT IN ({', '.join(_literal(a) for a in rule.args)})"
    elif check == "minimum":
        expr = f"{c} < {_literal(rule.args[0])}"
    elif check == "maximum":
        expr = f"{c} > {_literal(rule.args[0])}"
    elif check in ("unique", "references"):
        name = sql_set(rule, "")[0]
        expr = f"{c} IN (SELECT k FROM {name})"
    elif check == "max_duration":
        expr = f"{c} > {p('max_duration_s')}"
    elif check == "after_latest":
        expr = f"{c} > {p('latest')}"
    elif check == "before_earliest":
        expr = f"{c} < {p('earliest')}"
    elif check == "before_column":
        expr = f"{c} < {_q(rule.args[0])}"
    elif check == "above_column":
        expr = f"{c} > {_q(rule.args[0])} * {_literal(rule.args[1])}"
    elif check == "period_label":
        # the shape, then a month 1-12 or an ISO week that exists in that year (the week
        # of 28 December is the year's last)
        shape = f"regexp_full_match({c}, '\\d{{4}}(-(\\d{{2}}|Q[1-4]|W\\d{{2}}))?')"
        year = f"TRY_CAST(substr({c}, 1, 4) AS INTEGER)"
        part = f"TRY_CAST(substr({c}, 7, 2) AS INTEGER)"
        kind = f"substr({c}, 6, 1)"
        ok = (
            f"({shape} AND CASE WHEN length({c}) = 4 OR {kind} = 'Q' THEN TRUE "
            f"WHEN {kind} = 'W' THEN {year} >= 1 AND {part} >= 1 "
            f"AND {part} <= week(make_date({year}, 12, 28)) "
            f"ELSE TRY_CAST(substr({c}, 6, 2) AS INTEGER) BETWEEN 1 AND 12 END)"
        )
        expr = f"{c} IS NOT NULL AND NOT {ok}"
    elif check == "indicator":
        expr = f"{c} IS NOT NULL AND {c} NOT IN (SELECT indicator FROM kpi_directions)"
    elif check == "stretch_side":
        op = "<" if rule.args[0] == "higher" else ">"
        expr = f'{_sql_direction(inferred=False)} = {_literal(rule.args[0])} AND {c} {op} "target"'
    elif check == "threshold_side":
        op = ">" if rule.args[0] == "higher" else "<"
        direction = _sql_direction(inferred="stretch" in columns)
        expr = f'{direction} = {_literal(rule.args[0])} AND {c} {op} "target"'
    elif check == "scope":
        name = sql_set(rule, "")[0]
        expr = (
            f'"scope" = {_literal(rule.args[0])} AND ({c} IS NULL OR {c} IN (SELECT k FROM {name}))'
        )
    else:
        raise ValueError(f"Unknown rule check {check!r}.")
    return f"COALESCE(({expr}), FALSE)"
