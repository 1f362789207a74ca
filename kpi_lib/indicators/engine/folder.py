"""A dataset folder read in place by DuckDB and validated out of core by the contract's rules.

The folder is opened like :func:`kpi_lib.data.load.load_dataset` opens it (same settings,
same structural checks, CSV and ``.xlsx`` tables decoded by the loader's reader), but the
Parquet files are never loaded into memory: DuckDB scans them. Every row rule of the
contract (:mod:`kpi_lib.data.rules`: types, ranges, keys, duplicates, orphans, timestamps,
plausibility) runs as SQL; the offending rows are set aside (their positions are kept in a
small table) and the views ``kpi_<table>`` the engine reads hold the rows used only. The
quarantine counts per table and reason are :attr:`Source.load_report`, in the layout of
:attr:`kpi_lib.data.dataset.Dataset.load_report`.

Before a rule runs, the reader tries to prove from the Parquet files alone that it cannot
flag a row, and leaves it out when it can (never otherwise): keys whose values strictly
increase in file order are distinct (:func:`_distinct_in_file_order`, no hash table), and
the column's type and footer statistics rule out parse failures, missing values and values
out of range (:func:`_proven_clean`). Files sorted by their key and written with statistics
are validated at little more than the cost of reading their keys once.

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
from itertools import pairwise
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


def _parquet_files(path: Path) -> list[Path]:
    """The Parquet files of a table: the file, or the parts of ``<table>/*.parquet``."""
    return sorted(path.parent.glob("*.parquet")) if path.name == "*.parquet" else [path]


def _increasing_run(file: Path, column: str, integer: bool) -> tuple | None:
    """(first, last) value of ``column`` in ``file`` when its non-null values are strictly
    increasing in file order, else None (read batch by batch; stops at the first step that
    does not increase). An empty column gives ``()``."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    first = last = None
    for batch in pq.ParquetFile(file).iter_batches(columns=[column], batch_size=1 << 20):
        values = batch.column(0)
        if pa.types.is_dictionary(values.type):
            values = values.dictionary_decode()
        kind = values.type
        if integer != pa.types.is_integer(kind) or not (
            integer or pa.types.is_string(kind) or pa.types.is_large_string(kind)
        ):
            return None
        if values.null_count:
            values = values.drop_null()
        if not len(values):
            continue
        if last is not None and not values[0].as_py() > last:
            return None
        if len(values) > 1 and not pc.all(pc.greater(values[1:], values[:-1])).as_py():
            return None
        if first is None:
            first = values[0].as_py()
        last = values[-1].as_py()
    return () if first is None else (first, last)


def _distinct_in_file_order(path: Path, column: str, raw_type: str) -> bool:
    """Whether the Parquet values of ``column`` are proven distinct without hashing them:
    each file's non-null values strictly increase in file order (as exports sorted by their
    key do) and the files' value ranges do not overlap. False means "not proven" (the exact
    duplicate check then runs), never "duplicated".

    Only for typed strings (used as they are: equal values are equal strings; an empty
    string, the smallest, can occur once at most in an increasing run) and integers (equal
    as text exactly when equal as numbers)."""
    integer = raw_type in _INTEGERS
    if not integer and raw_type != "VARCHAR":
        return False
    runs = []
    for file in _parquet_files(path):
        run = _increasing_run(file, column, integer)
        if run is None:
            return False
        if run:
            runs.append(run)
    runs.sort()
    return all(a[1] < b[0] for a, b in pairwise(runs))


def _footer_statistics(path: Path, columns) -> dict:
    """Per column of ``columns``: (smallest, largest, nulls) over every row group of every
    Parquet file of the table, read from the files' footers (no data page is read).
    ``smallest``/``largest`` are None when the column holds nulls only. A column is left out
    when a row group has no statistics for it or their values cannot be compared."""
    import pyarrow.parquet as pq

    found: dict = {}
    missing: set = set()
    for file in _parquet_files(path):
        meta = pq.ParquetFile(file).metadata
        index = {meta.schema.column(i).path: i for i in range(meta.num_columns)}
        for r in range(meta.num_row_groups):
            group = meta.row_group(r)
            for name in columns:
                if name in missing or name not in index:
                    missing.add(name)
                    continue
                chunk = group.column(index[name])
                st = chunk.statistics
                if st is None or not st.has_null_count:
                    missing.add(name)
                    continue
                lo = hi = None
                if st.has_min_max:
                    lo, hi = st.min, st.max
                elif st.null_count != chunk.num_values:
                    missing.add(name)
                    continue
                old = found.get(name, (None, None, 0))
                try:
                    lo = lo if old[0] is None else old[0] if lo is None else min(old[0], lo)
                    hi = hi if old[1] is None else old[1] if hi is None else max(old[1], hi)
                except TypeError:
                    missing.add(name)
                    continue
                found[name] = (lo, hi, old[2] + st.null_count)
    return {k: v for k, v in found.items() if k not in missing}


#: DuckDB types of Parquet timestamps whose coerced value is the stored one (at most
#: microseconds: the cast to TIMESTAMP does not round them)
_NAIVE_TIMESTAMPS = ("TIMESTAMP", "TIMESTAMP_MS", "TIMESTAMP_S")


def _proven_clean(rule, kind: str, raw_type: str, stats: tuple | None, bounds: Bounds) -> bool:
    """Whether ``rule`` cannot flag any row of a typed Parquet column, from the column's
    type and its footer statistics ``(smallest, largest, nulls)`` (None: unknown) alone.

    Only what the coercion of :class:`_Table` makes certain counts: a typed integer,
    timestamp or boolean always parses; the coerced number or timestamp is the stored one,
    so the stored range bounds it. Floats are never proven present (a NaN is missing and
    statistics do not count NaNs). Anything else: False (the rule runs)."""
    import datetime
    import math

    check = rule.check
    integer = raw_type in _INTEGERS
    floating = raw_type in _FLOATS
    timestamp = raw_type in _NAIVE_TIMESTAMPS
    typed = integer or timestamp or raw_type == "BOOLEAN" or raw_type == "DATE"
    if check == "parse":
        if kind in ("timestamp", "date"):
            return timestamp or raw_type == "DATE"
        if kind == "number":
            return integer or floating
        if kind == "integer":
            return integer
        return kind == "boolean" and raw_type == "BOOLEAN"
    if check == "non_finite":
        if integer:
            return True
        return (
            floating
            and stats is not None
            and (stats[0] is None or (not math.isinf(stats[0]) and not math.isinf(stats[1])))
        )
    if stats is None:
        return False
    lo, hi, nulls = stats
    if check == "required":
        if nulls:
            return False
        if kind in ("id", "text"):
            return integer or (raw_type == "VARCHAR" and isinstance(lo, str) and lo > "")
        return typed and (kind not in ("number", "integer") or integer)
    if lo is None:  # nulls only: no value to compare
        return check in ("minimum", "maximum", "max_duration", "after_latest", "before_earliest")
    if check in ("minimum", "maximum", "max_duration"):
        if kind not in ("number", "integer") or not (integer or floating):
            return False
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (lo, hi)):
            return False
        if check == "minimum":
            return lo >= rule.args[0]
        limit = rule.args[0] if check == "maximum" else bounds.max_duration_s
        return hi <= limit
    if check in ("after_latest", "before_earliest"):
        if kind != "timestamp" or not timestamp:
            return False
        if not all(isinstance(v, datetime.datetime) and v.tzinfo is None for v in (lo, hi)):
            return False
        if check == "after_latest":
            return pd.Timestamp(hi) <= bounds.latest
        return pd.Timestamp(lo) >= bounds.earliest
    if check == "allowed":
        # one stored value only, and an allowed one
        return raw_type == "VARCHAR" and lo == hi and lo in rule.args
    return False


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
    parquet: Path | None = None,
) -> list[dict]:
    """Coerce and check one table in SQL; create ``kpi_<name>`` (the rows used) and return
    its load-report lines (``validate=False``: coerce only, every row used). ``parquet``: the
    table's Parquet file (or ``<table>/*.parquet``) whose typed strings are used as they
    are; None for text (CSV, xlsx) whose ids are stripped."""
    trim = parquet is None
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
    stats = _footer_statistics(parquet, [r.column for r in rules]) if parquet and rules else {}
    kinds = {c.name: c.kind for c in present}
    for rule in rules:
        if parquet is not None and _proven_clean(
            rule, kinds[rule.column], types[rule.column], stats.get(rule.column), bounds
        ):
            continue  # the file's types and statistics show no row can break it
        if (
            rule.check == "unique"
            and parquet is not None
            and _distinct_in_file_order(parquet, rule.column, types[rule.column])
        ):
            continue  # no key can be duplicated: the rule cannot flag a row
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
            raw_con, name, raw, tz, bounds, loaded, params, validate=validate, parquet=parquet
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
