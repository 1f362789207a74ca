"""The contract tables of one dataset as Ibis expressions on one backend."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Source", "duckdb_connect"]


@dataclass
class Source:
    """Contract tables as Ibis expressions on one backend."""

    con: object
    tables: dict  # name -> ibis.Table
    timezone: str
    columns: dict = field(default_factory=dict)  # name -> set of columns
    owned: bool = False  # the connection was opened here (and can be closed here)
    cache: dict = field(default_factory=dict)
    #: for a dataset folder validated out of core: rows read, used and quarantined per
    #: table and reason (the layout of ``Dataset.load_report``); None otherwise
    load_report: object = None

    def has(self, table: str, column: str | None = None) -> bool:
        if table not in self.tables:
            return False
        return column is None or column in self.columns[table]


def duckdb_connect():
    """A new in-memory DuckDB connection (Ibis) tuned for large scans; ``KPI_DUCKDB_MEMORY_LIMIT``
    and ``KPI_DUCKDB_THREADS`` set its memory limit and threads."""
    import os
    import tempfile

    import ibis

    config = {
        # results are sorted in pandas afterwards; not keeping row order lets DuckDB stream
        # aggregates and joins (less memory on 100M rows)
        "preserve_insertion_order": False,
        # spill files (beyond memory_limit) go to the system temp folder, not the cwd; one
        # folder per process, as DuckDB may remove its temp folder when a connection closes
        # and two runs at once (a cron review and an analyst) must not share spill files
        "temp_directory": os.path.join(tempfile.gettempdir(), f"kpi_duckdb_{os.getpid()}"),
    }
    for env, key in (
        ("KPI_DUCKDB_MEMORY_LIMIT", "memory_limit"),
        ("KPI_DUCKDB_THREADS", "threads"),
    ):
        if os.environ.get(env):
            # beyond memory_limit DuckDB spills to disk instead of growing (slower)
            config[key] = os.environ[env]
    return ibis.duckdb.connect(**config)
