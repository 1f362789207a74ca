"""The :class:`Dataset` object every later layer receives."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_lib.data.contract import CONTRACT

__all__ = ["Dataset", "DEFAULT_TIMEZONE", "QUARANTINE_COLUMNS", "REPORT_COLUMNS"]

DEFAULT_TIMEZONE = "Asia/Shanghai"

#: Columns of :attr:`Dataset.quarantine`: one row per problem found in a source row.
QUARANTINE_COLUMNS = ["table", "row", "column", "reason", "value"]
#: Columns of :attr:`Dataset.load_report`: one row per table and outcome.
REPORT_COLUMNS = ["table", "source", "rows_read", "rows_used", "rows_quarantined", "reason", "rows"]


@dataclass
class Dataset:
    """Validated contract tables plus what was set aside while loading them.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Contract tables by name, containing only rows that passed every check. Timestamps
        are naive wall-clock times in :attr:`timezone`; IDs are strings.
    quarantine : DataFrame
        Rows that could not be used, one row per problem: ``table``, ``row`` (0-based position
        in the source table), ``column``, ``reason`` and the raw ``value``.
    load_report : DataFrame
        Per table, ``rows_read``, ``rows_used`` and ``rows_quarantined``; one line per
        quarantine ``reason`` with the number of distinct ``rows`` it affected (``reason`` is
        empty on the table's summary line).
    timezone : str
        IANA timezone that decides period boundaries.
    source : Path or None
        Folder the dataset was read from.
    name : str
        Short display name.
    warnings : list of str
        Doubts about the source that did not stop the load (e.g. a CSV read as
        Windows-1252 because it was neither UTF-8 nor plausible GB18030), each naming the file.
    """

    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=QUARANTINE_COLUMNS)
    )
    load_report: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REPORT_COLUMNS))
    timezone: str = DEFAULT_TIMEZONE
    source: Path | None = None
    name: str = "dataset"
    warnings: list[str] = field(default_factory=list)

    def has(self, table: str) -> bool:
        """Whether an optional table is present (and not empty of columns)."""
        return table in self.tables

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self.tables:
            if table in CONTRACT:
                raise KeyError(
                    f"Dataset `{self.name}` has no `{table}` table (it is optional and was not "
                    f"provided); present tables: {sorted(self.tables)}."
                )
            raise KeyError(
                f"`{table}` is not a contract table; expected one of {sorted(CONTRACT)}."
            )
        return self.tables[table]

    @property
    def agents(self) -> pd.DataFrame:
        return self.tables["agents"]

    def fingerprint(self) -> str:
        """A short hash of the source files (names, sizes, modification-independent content)."""
        h = hashlib.sha256()
        if self.source is not None and Path(self.source).is_dir():
            for p in sorted(Path(self.source).iterdir()):
                if p.is_file():
                    h.update(p.name.encode())
                    with p.open("rb") as fh:
                        for chunk in iter(lambda: fh.read(1 << 20), b""):
                            h.update(chunk)
        else:
            for name in sorted(self.tables):
                h.update(name.encode())
                h.update(
                    pd.util.hash_pandas_object(self.tables[name], index=False).values.tobytes()
                )
        return h.hexdigest()[:16]

    def summary(self) -> pd.DataFrame:
        """Row counts per table (used rows), a quick overview for notebooks."""
        return pd.DataFrame(
            [
                {"table": t, "rows": len(df), "columns": len(df.columns)}
                for t, df in self.tables.items()
            ]
        )
