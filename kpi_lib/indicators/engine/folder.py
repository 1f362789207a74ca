"""A dataset folder read in place by DuckDB (Parquet or CSV files, never loaded into memory).

No value from the folder reaches SQL text: the files are opened through DuckDB's Python API
(paths are arguments, never pasted), the timezone is checked against the IANA zones, and the
only names written into the column expressions are the contract's own column names.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import DEFAULT_TIMEZONE
from kpi_lib.indicators.engine.source import Source, duckdb_connect

__all__ = ["check_timezone", "read_folder"]


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


def _table_files(folder: Path, name: str):
    for ext in ("parquet", "csv"):
        f = folder / f"{name}.{ext}"
        if f.is_file():
            return ext, f
        d = folder / name
        if d.is_dir() and any(d.glob(f"*.{ext}")):
            return ext, d / f"*.{ext}"
    return None, None


def _column_expression(c, typ: str, ext: str, tz: str) -> str:
    """The SQL expression casting contract column ``c`` (file type ``typ``) to its kind.

    Only the contract's column name and the checked timezone are written into it."""
    q = f'"{c.name}"'
    zone = "'" + tz.replace("'", "''") + "'"
    if c.kind in ("id", "text"):
        # typed Parquet strings are used as they are (trimming 100M ids costs seconds)
        if ext == "parquet" and typ == "VARCHAR":
            return q
        return f"NULLIF(TRIM(CAST({q} AS VARCHAR)), '')"
    if c.kind == "timestamp":
        if "WITH TIME ZONE" in typ:
            return f"timezone({zone}, {q})"
        if typ == "VARCHAR":
            return (
                f"CASE WHEN regexp_matches({q}, '([+-]\\d\\d:?\\d\\d|Z)$') "
                f"THEN timezone({zone}, CAST({q} AS TIMESTAMPTZ)) "
                f"ELSE TRY_CAST({q} AS TIMESTAMP) END"
            )
        if typ == "TIMESTAMP":
            return q
        return f"CAST({q} AS TIMESTAMP)"
    if c.kind == "date":
        return f"TRY_CAST({q} AS DATE)"
    if c.kind in ("number", "integer"):
        return f"TRY_CAST({q} AS DOUBLE)" if typ == "VARCHAR" else q
    if c.kind == "boolean" and typ == "VARCHAR":
        return (
            f"CASE WHEN lower(trim({q})) IN ('true','1','yes','y','t') THEN TRUE "
            f"WHEN lower(trim({q})) IN ('false','0','no','n','f') THEN FALSE END"
        )
    return q


def read_folder(folder: Path, timezone: str | None) -> Source:
    """The contract tables of a dataset folder as views on a new DuckDB connection.

    Parameters
    ----------
    folder : Path
        Holds ``<table>.parquet``, ``<table>.csv`` or ``<table>/*.parquet|csv`` per table, and
        optionally ``dataset.yaml`` with the data's ``timezone``.
    timezone : str, optional
        Overrides ``dataset.yaml``; default ``Asia/Shanghai``.

    Returns
    -------
    Source
        Owning its connection; ``targets`` is read into pandas (small), the other tables are
        lazy views (``kpi_<table>``) typed by the contract.

    Raises
    ------
    ValueError
        When the timezone is not an IANA timezone name.
    FileNotFoundError
        When the folder holds no contract table file.
    """
    import yaml

    settings = {}
    if (folder / "dataset.yaml").is_file():
        settings = yaml.safe_load((folder / "dataset.yaml").read_text(encoding="utf-8")) or {}
    if timezone is not None:
        tz = check_timezone(timezone)
    elif settings.get("timezone") is not None:
        tz = check_timezone(
            settings["timezone"], where=f"`timezone` in {str(folder / 'dataset.yaml')!r}"
        )
    else:
        tz = DEFAULT_TIMEZONE
    con = duckdb_connect()
    tables, cols = {}, {}
    found_any = False
    for name, spec in CONTRACT.items():
        ext, path = _table_files(folder, name)
        if ext is None:
            continue
        found_any = True
        # the path is an argument of DuckDB's reader, never part of SQL text
        if ext == "parquet":
            raw = con.con.read_parquet(str(path))
        else:
            raw = con.con.read_csv(str(path), header=True, all_varchar=True)
        schema = {col: str(typ).upper() for col, typ in zip(raw.columns, raw.types, strict=True)}
        select = [
            f'{_column_expression(c, schema[c.name], ext, tz)} AS "{c.name}"'
            for c in spec.columns
            if c.name in schema
        ]
        if not select:
            raise ValueError(
                f"Table `{name}` ({str(path)!r}) has none of the contract's columns "
                f"{spec.column_names}; its columns are {list(schema)}."
            )
        raw.project(", ".join(select)).create_view(f"kpi_{name}", replace=True)
        if name == "targets":
            tables[name] = con.table(f"kpi_{name}").to_pandas()
        else:
            tables[name] = con.table(f"kpi_{name}")
        cols[name] = set(tables[name].columns)
    if not found_any:
        raise FileNotFoundError(
            f"No contract table files (<table>.parquet or <table>.csv) in {str(folder)!r}."
        )
    return Source(con, tables, tz, cols, owned=True)
