"""A dataset folder read in place by DuckDB and validated out of core by the contract's rules.

The folder is opened like :func:`kpi_lib.data.load.load_dataset` opens it (same settings,
same structural checks, CSV and ``.xlsx`` tables decoded by the loader's reader), but the
Parquet files are never loaded into memory: DuckDB scans them. Every row rule of the
contract (:mod:`kpi_lib.data.rules`: types, ranges, keys, duplicates, orphans, timestamps,
plausibility) runs as SQL; the offending rows are set aside (their positions are kept in a
small table) and the views ``kpi_<table>`` the engine reads hold the rows used only. The
quarantine counts per table and reason are :attr:`Source.load_report`, in the layout of
:attr:`kpi_lib.data.dataset.Dataset.load_report`.

Text values the SQL does not parse with certainty (anything but ISO 8601 timestamps and
plain decimal numbers; every value of a column with a named ``timestamp_format``) are
parsed by the loader's own coercion (:func:`kpi_lib.data.load.coerce_column`) on their
distinct values, so both readers read the same text the same way.

No value from the folder or its settings reaches SQL text: file paths are arguments of
DuckDB's readers; the plausibility bounds and the indicator catalogue are bound parameters
(tables ``kpi_params`` and ``kpi_directions``); the timezone is checked against the IANA
zones; the other names are the contract's column names and fixed relation names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pandas as pd

from kpi_lib.data.contract import CONTRACT, ColumnSpec
from kpi_lib.data.dataset import REPORT_COLUMNS
from kpi_lib.data.load import DatasetError, Problem, coerce_column, open_folder, read_bounds
from kpi_lib.data.rules import Bounds, sql_candidates, sql_condition, sql_set, table_rules
from kpi_lib.indicators.engine.source import Source, duckdb_connect

__all__ = ["check_timezone", "read_folder"]

#: Text timestamps the SQL parses itself (ISO 8601 without offset); the rest go to the loader.
_ISO = r"\d{4}-\d{2}-\d{2}([ T]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?)?"
#: Text numbers the SQL parses itself (plain decimals); the rest go to the loader.
_DECIMAL = r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,2})?"
_TRUE = ("true", "t", "1", "yes", "y", "1.0")
_FALSE = ("false", "f", "0", "no", "n", "0.0")
_FLOATS = ("DOUBLE", "FLOAT", "REAL")
#: Keys checked for duplicates in one pass (the hash table of 20M keys takes about 1 GB);
#: a larger table is checked in several passes, each over a share of the key hashes.
KEYS_PER_PASS = 20_000_000
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT",
             "UINTEGER", "UBIGINT")  # fmt: skip


@cache
def _iana_zones() -> frozenset:
    from zoneinfo import available_timezones

    return frozenset(available_timezones())


def check_timezone(timezone, *, where: str = "`timezone`") -> str:
    """``timezone`` when it is an IANA timezone name, else a ValueError naming it.

    The name is written into DuckDB expressions, so only the closed set of
    :func:`zoneinfo.available_timezones` is accepted.

    Examples
    --------
    >>> check_timezone("Asia/Shanghai")
    'Asia/Shanghai'
    """
    if not isinstance(timezone, str) or timezone not in _iana_zones():
        raise ValueError(
            f"{where}: {timezone!r} is not an IANA timezone name such as 'Asia/Shanghai' or "
            "'Europe/London' (see zoneinfo.available_timezones())."
        )
    return timezone


def _q(name: str) -> str:
    return f'"{name}"'


#: The characters Python's ``str.strip`` removes that text exports carry: space, tab,
#: line ends, form feeds, no-break and ideographic spaces.
_SPACES = "||".join(f"chr({n})" for n in (32, 9, 10, 13, 11, 12, 160, 12288))


def _strip(x: str) -> str:
    return f"trim({x}, {_SPACES})"


class _Table:
    """The SQL of one table's coerced columns, built column by column."""

    def __init__(self, con, table: str, raw: str, types: dict, tz: str, bounds: Bounds, trim: bool):
        self.con, self.table, self.raw, self.types = con, table, raw, types
        #: whether id and text strings are stripped (text files) or used as they are
        self.trim = trim
        self.zone = "'" + check_timezone(tz) + "'"
        self.tz, self.bounds = tz, bounds
        self.select: list[str] = []
        self.joins: list[str] = []

    # -- the loader parses what SQL does not
    def _residue(self, c: ColumnSpec, text: str, fast: str) -> str | None:
        """Map the distinct raw values SQL did not parse through the loader's coercion;
        the alias of the mapping table (``v`` value, ``nf`` non-finite), or None."""
        values = self.con.execute(
            f"SELECT DISTINCT {_q(c.name)} FROM {self.raw} "
            f"WHERE {_q(c.name)} IS NOT NULL AND ({fast}) IS NULL"
        ).fetchall()
        if not values:
            return None
        raw = pd.Series([v[0] for v in values], dtype=object)
        try:
            value, nonfinite = coerce_column(
                raw.astype(str) if c.kind != "boolean" else raw,
                c,
                self.tz,
                self.bounds.format_for(self.table, c.name),
            )
        except ValueError as exc:  # a day/month order that cannot be told apart
            raise DatasetError([Problem(self.table, c.name, str(exc))]) from exc
        if c.kind in ("number", "integer"):
            value = value.astype("float64")
        mapping = pd.DataFrame({"k": raw, "v": value, "nf": nonfinite.astype(bool)})
        alias = f"kpi_map_{self.table}_{c.name}"
        self.con.register(alias, mapping)
        self.joins.append(f"LEFT JOIN {alias} ON {self.raw}.{_q(c.name)} = {alias}.k")
        return alias

    def column(self, c: ColumnSpec) -> None:
        x = f"{self.raw}.{_q(c.name)}"
        typ = self.types[c.name]
        present = f"{x} IS NOT NULL"
        nonfinite = None
        if typ in _FLOATS:
            present += f" AND NOT isnan({x})"
        if c.kind in ("id", "text"):
            if typ in _FLOATS:
                value = (
                    f"CASE WHEN {x} = floor({x}) THEN CAST(CAST({x} AS BIGINT) AS VARCHAR) "
                    f"WHEN NOT isnan({x}) THEN CAST({x} AS VARCHAR) END"
                )
            elif typ == "VARCHAR" and not self.trim:
                # a typed (Parquet) string is used as it is (as the loader does): only
                # empty means missing
                value = f"NULLIF({x}, '')"
            else:
                value = f"NULLIF({_strip(f'CAST({x} AS VARCHAR)')}, '')"
            self.select.append(f"{value} AS {_q(c.name)}")
            return
        if c.kind in ("timestamp", "date"):
            if "WITH TIME ZONE" in typ:
                value = f"timezone({self.zone}, {x})"
            elif typ.startswith("TIMESTAMP") or typ == "DATE":
                value = f"CAST({x} AS TIMESTAMP)"
            else:
                text = _strip(f"CAST({x} AS VARCHAR)")
                if self.bounds.format_for(self.table, c.name):
                    fast = "CAST(NULL AS TIMESTAMP)"  # the named format decides: the loader
                else:
                    fast = (
                        f"CASE WHEN regexp_full_match({text}, '{_ISO}') "
                        f"THEN TRY_CAST({text} AS TIMESTAMP) END"
                    )
                alias = self._residue(c, text, fast)
                value = f"COALESCE({fast}, {alias}.v)" if alias else fast
            if c.kind == "date":
                value = f"CAST(date_trunc('day', {value}) AS TIMESTAMP)"
        elif c.kind in ("number", "integer"):
            if typ in _FLOATS:
                number, nonfinite = (
                    f"CASE WHEN NOT isnan({x}) THEN CAST({x} AS DOUBLE) END",
                    (f"isinf({x})"),
                )
            elif typ in _INTEGERS or typ.startswith("DECIMAL"):
                number, nonfinite = f"CAST({x} AS DOUBLE)", "FALSE"
            else:
                text = _strip(f"CAST({x} AS VARCHAR)")
                fast = (
                    f"CASE WHEN regexp_full_match({text}, '{_DECIMAL}') "
                    f"THEN TRY_CAST({text} AS DOUBLE) END"
                )
                alias = self._residue(c, text, fast)
                number = f"COALESCE({fast}, {alias}.v)" if alias else fast
                nonfinite = f"COALESCE({alias}.nf, FALSE)" if alias else "FALSE"
            value = f"CASE WHEN {nonfinite} THEN NULL ELSE {number} END"
            if c.kind == "integer":
                value = f"CASE WHEN {number} = floor({number}) THEN {value} END"
        elif c.kind == "boolean":
            if typ == "BOOLEAN":
                value = x
            else:
                text = f"lower({_strip(f'CAST({x} AS VARCHAR)')})"
                true = ", ".join(f"'{v}'" for v in _TRUE)
                false = ", ".join(f"'{v}'" for v in _FALSE)
                value = f"CASE WHEN {text} IN ({true}) THEN TRUE WHEN {text} IN ({false}) THEN FALSE END"
        else:
            raise ValueError(f"Unknown column kind {c.kind!r} for column `{c.name}`.")
        self.select.append(f"{value} AS {_q(c.name)}")
        self.select.append(
            f"COALESCE({nonfinite or 'FALSE'}, FALSE) AS {_q('_nonfinite_' + c.name)}"
        )
        self.select.append(
            f"COALESCE(({present}) AND ({value}) IS NULL AND NOT COALESCE({nonfinite or 'FALSE'}, FALSE), FALSE) "
            f"AS {_q('_failed_' + c.name)}"
        )


def _params(con, bounds: Bounds) -> dict:
    """The load's bounds as named parameters, and the catalogue as a table filled with
    bound parameters."""
    con.execute(
        "CREATE OR REPLACE TEMP TABLE kpi_directions (indicator VARCHAR, direction VARCHAR)"
    )
    if bounds.directions:
        con.executemany(
            "INSERT INTO kpi_directions VALUES (?, ?)",
            [[k, v] for k, v in bounds.directions.items()],
        )
    return {
        "max_duration_s": bounds.max_duration_s,
        "earliest": bounds.earliest.to_pydatetime(),
        "latest": bounds.latest.to_pydatetime(),
    }


def _raw_relation(con, name: str, read, path: Path | None) -> str:
    """Register the raw table as ``kpi_raw_<name>`` with its row position (``_kpi_file``,
    ``_kpi_row``); Parquet is scanned in place (the path is an argument, never SQL text)."""
    alias = f"kpi_raw_{name}"
    if path is not None:
        rel = con.read_parquet(str(path), filename=True, file_row_number=True)
        rel = rel.project('*, "filename" AS _kpi_file, "file_row_number" AS _kpi_row')
        rel.create_view(alias, replace=True)
    else:
        df = read.frames[name].reset_index(drop=True)
        df = df.rename(columns=lambda c: str(c).strip())
        df = df[[c for c in CONTRACT[name].column_names if c in df.columns]].astype(object)
        df = df.where(df.notna(), None)
        df["_kpi_file"] = ""
        df["_kpi_row"] = range(len(df))
        con.register(alias, df)
    return alias


def _run(con, sql: str, params: dict):
    """Run ``sql`` binding the named parameters it uses."""
    return con.execute(sql, {k: v for k, v in params.items() if f"${k}" in sql})


def _validate_table(
    con,
    name: str,
    raw: str,
    tz: str,
    bounds: Bounds,
    loaded,
    params: dict,
    *,
    validate: bool = True,
    trim: bool = False,
) -> list[dict]:
    """Coerce and check one table in SQL; create ``kpi_<name>`` (the rows used) and return
    its load-report lines (``validate=False``: coerce only, every row used). ``trim``: the
    raw table is text (CSV, xlsx) whose ids are stripped, not typed strings."""
    spec = CONTRACT[name]
    desc = con.execute(f"DESCRIBE {raw}").fetchall()
    types = {row[0]: str(row[1]).upper() for row in desc}
    present = [c for c in spec.columns if c.name in types]
    table = _Table(con, name, raw, types, tz, bounds, trim)
    for c in present:
        table.column(c)
    typed = f"kpi_typed_{name}"
    con.execute(
        f"CREATE OR REPLACE VIEW {typed} AS SELECT {', '.join(table.select)}, "
        f"{raw}._kpi_file AS _kpi_file, {raw}._kpi_row AS _kpi_row FROM {raw} "
        + " ".join(table.joins)
    )
    typed_columns = [row[0] for row in con.execute(f"DESCRIBE {typed}").fetchall()]
    rows = con.execute(f"SELECT count(*) FROM {raw}").fetchone()[0]
    rules = table_rules(spec, [c.name for c in present], bounds, loaded=loaded) if validate else []
    checked = []  # rules that can flag a row (a rule whose key set is empty cannot)
    for rule in rules:
        candidates = sql_candidates(rule, typed)
        if candidates is not None:
            # one pass per KEYS_PER_PASS keys keeps the hash table of a pass under ~1 GB
            parts = max(1, -(-rows // KEYS_PER_PASS))
            for part in range(parts):
                head = (
                    f"CREATE OR REPLACE TEMP TABLE {candidates[0]} AS "
                    if part == 0
                    else f"INSERT INTO {candidates[0]} "
                )
                con.execute(head + candidates[1], {"parts": parts, "part": part})
            if not con.execute(f"SELECT count(*) FROM {candidates[0]}").fetchone()[0]:
                continue
        made = sql_set(rule, typed)
        if made is not None:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {made[0]} AS {made[1]}")
            empty = not con.execute(f"SELECT count(*) FROM {made[0]}").fetchone()[0]
            if empty and rule.check != "scope":  # scope also flags a missing scope_id
                continue
        checked.append(rule)
    rules = checked
    flags = [f"{sql_condition(r, typed_columns)} AS f{i}" for i, r in enumerate(rules)]
    bad = f"kpi_bad_{name}"
    if rules:
        any_flag = " OR ".join(f"f{i}" for i in range(len(rules)))
        _run(
            con,
            f"CREATE OR REPLACE TEMP TABLE {bad} AS SELECT * FROM (SELECT _kpi_file, _kpi_row, "
            f"{', '.join(flags)} FROM {typed}) WHERE {any_flag}",
            params,
        )
        counts = con.execute(
            f"SELECT count(*){''.join(f', sum(f{i}::BIGINT)' for i in range(len(rules)))} FROM {bad}"
        ).fetchone()
    else:
        counts = (0,)
    n_bad = counts[0]
    read_rows = rows
    columns = ", ".join(_q(c.name) for c in present)
    if n_bad:
        con.execute(
            f"CREATE OR REPLACE VIEW kpi_{name} AS SELECT {columns} FROM {typed} t "
            f"ANTI JOIN {bad} b ON t._kpi_file = b._kpi_file AND t._kpi_row = b._kpi_row"
        )
    else:
        con.execute(f"CREATE OR REPLACE VIEW kpi_{name} AS SELECT {columns} FROM {typed}")
    line = {
        "table": name,
        "rows_read": int(read_rows),
        "rows_used": int(read_rows - n_bad),
        "rows_quarantined": int(n_bad),
    }
    lines = [line | {"reason": "", "rows": int(n_bad)}]
    by_reason: dict[str, int] = {}
    for rule, n in zip(rules, counts[1:], strict=True):
        if n:
            by_reason[rule.reason] = by_reason.get(rule.reason, 0) + int(n)
    for reason, n in sorted(by_reason.items(), key=lambda kv: -kv[1]):
        lines.append(line | {"reason": reason, "rows": n})
    return lines


def read_folder(
    folder: Path, timezone: str | None, *, indicators=None, validate: bool = True
) -> Source:
    """The contract tables of a dataset folder as validated views on a new DuckDB connection.

    Parameters
    ----------
    folder : Path
        A dataset folder as :func:`kpi_lib.data.load.load_dataset` reads it (one file per
        table, ``dataset.yaml``), where a table may also be a sub-folder of Parquet parts
        (``calls/*.parquet``).
    timezone : str, optional
        Overrides ``dataset.yaml``; default ``Asia/Shanghai``.
    indicators : dict or iterable, optional
        The indicator catalogue, to quarantine targets for unknown indicators (as
        :func:`~kpi_lib.data.load.load_dataset`).
    validate : bool
        False only to measure what validation costs (``benchmarks/bench_engine.py``): the
        rows are typed but not checked, and every row is used.

    Returns
    -------
    Source
        Owning its connection; ``targets`` is read into pandas (small), the other tables are
        lazy views (``kpi_<table>``) holding the rows used, typed by the contract.
        ``load_report`` counts rows read, used and quarantined per table and reason
        (columns of :attr:`~kpi_lib.data.dataset.Dataset.load_report`).

    Raises
    ------
    ValueError
        When the timezone is not an IANA timezone name.
    DatasetError
        Listing every structural problem of the folder (as ``load_dataset``).
    """
    if timezone is not None:
        check_timezone(timezone)
    opened = open_folder(folder, timezone=timezone, lazy=True)
    tz = check_timezone(opened.timezone)
    bounds = read_bounds(tz, opened.settings, indicators)
    con = duckdb_connect()
    raw_con = con.con
    params = _params(raw_con, bounds)
    tables, cols, report = {}, {}, []
    loaded: list[str] = []
    for name in CONTRACT:
        if name not in opened.read.frames:
            continue
        raw = _raw_relation(raw_con, name, opened.read, opened.read.parquet.get(name))
        parquet = opened.read.parquet.get(name)
        for line in _validate_table(
            raw_con, name, raw, tz, bounds, loaded, params, validate=validate, trim=parquet is None
        ):
            report.append(line | {"source": opened.read.sources.get(name, "")})
        loaded.append(name)
        if name == "targets":
            tables[name] = con.table(f"kpi_{name}").to_pandas()
        else:
            tables[name] = con.table(f"kpi_{name}")
        cols[name] = set(tables[name].columns)
    source = Source(con, tables, tz, cols, owned=True)
    source.load_report = pd.DataFrame(report, columns=REPORT_COLUMNS)
    return source
