"""Open the engine's input: a loaded Dataset, a dataset folder or an Ibis backend connection."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import DEFAULT_TIMEZONE, Dataset
from kpi_lib.data.mapping.record import declared_empty, read_import_record
from kpi_lib.indicators.engine.folder import read_folder
from kpi_lib.indicators.engine.source import Source, duckdb_connect
from kpi_lib.paths import resolve

__all__ = ["open_source"]


def _to_arrow(df: pd.DataFrame, name: str):
    """Arrow table with contract types (ids as strings, timestamps in microseconds)."""
    import pyarrow as pa

    spec = CONTRACT[name]
    types = {
        "id": pa.string(),
        "text": pa.string(),
        "timestamp": pa.timestamp("us"),
        "date": pa.timestamp("us"),
        "number": pa.float64(),
        "integer": pa.float64(),
        "boolean": pa.bool_(),
    }
    table = pa.Table.from_pandas(df, preserve_index=False)
    for i, col in enumerate(table.column_names):
        if col in spec.column_names:
            typ = types[spec.column(col).kind]
            if table.schema.field(col).type != typ:
                table = table.set_column(i, col, table.column(col).cast(typ))
    return table


def _from_dataset(ds, backend) -> Source:
    import ibis

    con = backend if backend is not None and not isinstance(backend, str) else None
    if con is None:
        con = duckdb_connect()
    tables = {}
    for name, df in ds.tables.items():
        if name not in CONTRACT or declared_empty(df):
            # declared empty at import: missing data (unavailable), not zero activity; for
            # calls too (the agent-periods are then laid out from the other tables)
            continue
        if name == "targets":
            # targets stay in pandas (small): they are joined after aggregation
            tables[name] = df
            continue
        arrow = _to_arrow(df, name)
        if getattr(con, "name", "") == "duckdb":
            # zero-copy view over the Arrow data
            con.con.register(f"kpi_{name}", arrow)
            tables[name] = con.table(f"kpi_{name}")
        else:
            # an in-memory table: registered as a temporary view by the executing backend
            tables[name] = ibis.memtable(arrow.to_pandas())
    cols = {n: set(t.columns) for n, t in tables.items()}
    owned = backend is None or isinstance(backend, str)
    return Source(con, tables, ds.timezone, cols, owned=owned)


def _from_backend(con, timezone: str | None) -> Source:
    names = set(con.list_tables())
    tables = {}
    for name in CONTRACT:
        for candidate in (name, f"kpi_{name}"):
            if candidate in names:
                t = con.table(candidate)
                tables[name] = t.to_pandas() if name == "targets" else t
                break
    if "calls" not in tables:
        raise KeyError(
            f"The backend connection has no `calls` table; tables found: {sorted(names)}."
        )
    return Source(
        con, tables, timezone or DEFAULT_TIMEZONE, {n: set(t.columns) for n, t in tables.items()}
    )


def _without_declared_empty(src: Source, folder: Path) -> Source:
    """``src`` without the tables its import declared empty (``empty_tables`` of the import
    record in ``dataset.yaml``) that hold no row: as for a loaded Dataset, missing data gives
    unavailable indicators, not zero activity."""
    record = read_import_record(folder)
    if record is None or src.load_report is None:
        return src
    report = src.load_report
    for table in record["empty_tables"]:
        lines = report[(report["table"] == table) & (report["reason"].fillna("") == "")]
        if table in src.tables and len(lines) and int(lines["rows_read"].sum()) == 0:
            del src.tables[table]
            src.columns.pop(table, None)
    return src


def open_source(data, backend=None, timezone: str | None = None) -> Source:
    """The :class:`Source` of ``data`` (see :func:`~kpi_lib.indicators.engine.compute_indicators`):
    a Dataset's tables on ``backend`` (default a new in-memory DuckDB), a dataset folder read
    in place by DuckDB, or the contract tables of an Ibis connection."""
    if isinstance(data, Source):
        return data
    if isinstance(data, Dataset):
        if timezone is not None and timezone != data.timezone:
            raise ValueError(
                f"Dataset `{data.name}` is in timezone {data.timezone!r}; its timestamps are "
                f"already wall-clock times there, so `timezone={timezone!r}` cannot apply."
            )
        return _from_dataset(data, backend)
    if isinstance(data, str | Path):
        folder = resolve(data)
        if not folder.is_dir():
            raise FileNotFoundError(f"Dataset folder {str(folder)!r} does not exist.")
        if backend is not None and not (isinstance(backend, str) and backend == "duckdb"):
            raise ValueError(
                "A dataset folder is read by DuckDB; to use another backend, load the tables "
                "into it and pass the connection as `data`."
            )
        return _without_declared_empty(read_folder(folder, timezone), folder)
    if hasattr(data, "list_tables") and hasattr(data, "table"):
        return _from_backend(data, timezone)
    raise TypeError(
        "`data` must be a Dataset, a path to a dataset folder or an Ibis backend connection, "
        f"not {type(data).__name__}."
    )
