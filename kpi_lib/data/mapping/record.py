"""What an import leaves in the dataset folder for later readers: tables declared empty, and
the accounting of every source row.

- A table the mapping declares empty (``empty_tables``) is written with its columns and no
  rows, marked ``DataFrame.attrs[DECLARED_EMPTY] = reason`` (kept in the Parquet file). The
  indicator engine leaves such a table out, so what needs it is *unavailable* with a reason,
  never a count of 0: an export without orders says nothing about sales.
- The accounting goes into ``dataset.yaml`` under ``import:`` (per table: rows read, used,
  quarantined and filtered, and the rules), the quarantine into ``quarantine.csv``.
  :func:`read_import_record` reads it back and :func:`with_import_record` folds it into a
  loaded :class:`~kpi_lib.data.dataset.Dataset`, so that ``kpi validate``, the data
  overview and the review manifest count from the source export:
  ``rows read = rows used + rows quarantined + rows filtered`` per table.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import Dataset

__all__ = [
    "DECLARED_EMPTY",
    "IMPORT_KEY",
    "FILTERED_AT_IMPORT",
    "declared_empty",
    "mark_declared_empty",
    "import_record",
    "read_import_record",
    "with_import_record",
    "import_totals",
    "row_counts",
    "ROW_COUNT_COLUMNS",
]

#: Columns of :func:`row_counts`.
ROW_COUNT_COLUMNS = ["table", "rows_read", "rows_used", "rows_quarantined", "rows_filtered"]

#: ``DataFrame.attrs`` key marking a table declared empty by the mapping (value: the reason).
DECLARED_EMPTY = "kpi_declared_empty"
#: Key of ``dataset.yaml`` holding the import accounting.
IMPORT_KEY = "import"
#: Prefix of a load-report reason for rows a mapping rule removed at import.
FILTERED_AT_IMPORT = "filtered at import"


def declared_empty(df: pd.DataFrame | None) -> str | None:
    """The reason a table was declared empty at import, or None (a real, possibly empty,
    table)."""
    if df is None:
        return None
    reason = getattr(df, "attrs", {}).get(DECLARED_EMPTY)
    return str(reason) if reason is not None else None


def mark_declared_empty(df: pd.DataFrame, reason: str) -> pd.DataFrame:
    """``df`` marked as declared empty (see :data:`DECLARED_EMPTY`); returns ``df``."""
    df.attrs[DECLARED_EMPTY] = reason or "declared empty in the mapping"
    return df


def import_totals(accounting: pd.DataFrame) -> pd.DataFrame:
    """Per table, from an import's accounting (:attr:`ImportResult.accounting`): ``table``,
    ``rows_read``, ``rows_used``, ``rows_quarantined``, ``rows_filtered`` (removed by a
    mapping rule: a filter, a ``drop`` sentinel, or merged by ``distinct``), summed over the
    table's source files; read = used + quarantined + filtered."""
    cols = ["table", "rows_read", "rows_used", "rows_quarantined", "rows_filtered"]
    if accounting.empty:
        return pd.DataFrame(columns=cols)
    stage = accounting["stage"].replace({"dropped": "filtered", "merged": "filtered"})
    wide = accounting.assign(stage=stage).pivot_table(
        index="table", columns="stage", values="rows", aggfunc="sum", fill_value=0, sort=False
    )
    out = pd.DataFrame({"table": wide.index})
    for col, stage in zip(cols[1:], ("read", "used", "quarantined", "filtered"), strict=True):
        out[col] = wide[stage].to_numpy().astype(int) if stage in wide else 0
    return out[cols].reset_index(drop=True)


def import_record(accounting: pd.DataFrame, *, files: dict[str, str] | None = None) -> dict:
    """The ``import:`` entry of ``dataset.yaml``: per table the row totals of
    :func:`import_totals` and, per rule, the rows filtered (``filtered``) and per loader
    reason the rows quarantined at import (``quarantined``); ``files`` names the sidecar
    files (accounting, quarantine)."""
    tables: dict[str, dict] = {}
    for row in import_totals(accounting).itertuples(index=False):
        acc = accounting[accounting["table"] == row.table]
        entry = {
            "rows_read": int(row.rows_read),
            "rows_used": int(row.rows_used),
            "rows_quarantined": int(row.rows_quarantined),
            "rows_filtered": int(row.rows_filtered),
        }
        filtered = acc[acc["stage"].isin(("dropped", "merged"))].groupby("rule", sort=False)
        quarantined = acc[acc["stage"] == "quarantined"].groupby("rule", sort=False)
        rules = {str(k): int(v) for k, v in filtered["rows"].sum().items() if v}
        reasons = {str(k): int(v) for k, v in quarantined["rows"].sum().items() if v}
        if rules:
            entry["filtered"] = rules
        if reasons:
            entry["quarantined"] = reasons
        tables[str(row.table)] = entry
    return {**(files or {}), "tables": tables}


def read_import_record(folder: str | Path) -> dict | None:
    """The ``import:`` entry of a dataset folder's ``dataset.yaml`` (written by ``kpi
    import``) with ``empty_tables``, or None for a folder that was not imported.

    Returns
    -------
    dict or None
        ``tables`` (table -> ``rows_read``, ``rows_used``, ``rows_quarantined``,
        ``rows_filtered``, and ``filtered`` / ``quarantined`` rows per rule or reason),
        ``empty_tables`` (table -> reason), ``quarantine`` and ``accounting`` (file names in
        the folder).
    """
    path = Path(folder) / "dataset.yaml"
    if not path.is_file():
        return None
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError:
        return None  # the loader reports an unreadable dataset.yaml
    record = raw.get(IMPORT_KEY) if isinstance(raw, dict) else None
    if not isinstance(record, dict) or not isinstance(record.get("tables"), dict):
        return None
    empty = raw.get("empty_tables") or {}
    return {**record, "empty_tables": dict(empty) if isinstance(empty, dict) else {}}


def with_import_record(data: Dataset, folder: str | Path) -> Dataset:
    """``data`` (loaded from ``folder``) with what its import set aside counted back in.

    For every table the import wrote, the load report's summary line counts from the source
    export: ``rows_read`` (source rows), ``rows_used``, ``rows_quarantined`` (at import and
    now) and a ``rows_filtered`` column (rows a mapping rule removed), so that read = used +
    quarantined + filtered; the import's quarantine reasons are added as reason lines and
    its quarantined rows (from ``quarantine.csv``, with ``source`` file, ``source_row`` and
    ``stage`` = ``import``) to :attr:`Dataset.quarantine`. Tables declared empty are marked
    (see :data:`DECLARED_EMPTY`). A folder without an import record, or whose files no longer
    hold the rows the import wrote, is returned unchanged.

    Parameters
    ----------
    data : Dataset
        As loaded by :func:`kpi_lib.data.load.load_dataset`.
    folder : str or Path
        The dataset folder.

    Returns
    -------
    Dataset
        A new Dataset; ``data`` is not changed.
    """
    record = read_import_record(folder)
    if record is None:
        return data
    tables = dict(data.tables)
    for table, reason in record["empty_tables"].items():
        if table in tables and not len(tables[table]) and not declared_empty(tables[table]):
            tables[table] = mark_declared_empty(tables[table].copy(), str(reason or ""))
    report = data.load_report.copy()
    if "rows_filtered" in report.columns:  # already folded in
        return dataclasses.replace(data, tables=tables)
    summary = report["reason"].fillna("") == ""
    counts = {t: e for t, e in record["tables"].items() if t in CONTRACT}
    for table, entry in counts.items():
        line = report[summary & (report["table"] == table)]
        if len(line) != 1 or int(line["rows_read"].iloc[0]) != int(entry.get("rows_used", -1)):
            return dataclasses.replace(data, tables=tables)  # files changed since the import
    report["rows_filtered"] = 0
    extra_lines = []
    for table, entry in counts.items():
        mine = report["table"] == table
        now_quarantined = report.loc[mine & summary, "rows_quarantined"].iloc[0]
        report.loc[mine, "rows_read"] = int(entry["rows_read"])
        report.loc[mine, "rows_quarantined"] = int(now_quarantined) + int(entry["rows_quarantined"])
        report.loc[mine, "rows_filtered"] = int(entry["rows_filtered"])
        first = report.loc[mine & summary].iloc[0]
        for reason, n in (entry.get("quarantined") or {}).items():
            extra_lines.append({**first.to_dict(), "reason": f"at import: {reason}", "rows": n})
    if extra_lines:
        report = pd.concat([report, pd.DataFrame(extra_lines)], ignore_index=True)
        order = {t: i for i, t in enumerate(dict.fromkeys(report["table"]))}
        report = report.sort_values(
            ["table", "reason"],
            key=lambda s: s.map(order) if s.name == "table" else s != "",
            kind="stable",
        ).reset_index(drop=True)
    quarantine = data.quarantine
    qfile = Path(folder) / str(record.get("quarantine") or "quarantine.csv")
    if qfile.is_file():
        q = pd.read_csv(qfile, dtype=str, keep_default_na=False, na_values=[""])
        q = q[q["table"].isin(list(counts))].copy()
        if len(q):
            # quarantined before the files were written: numbered after the rows read now,
            # so that no import row shares a number with a row the loader set aside
            q["row"] = q["row"].astype(int) + q["table"].map(lambda t: _now(data, t))
            q["value"] = q["value"].str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True)
            q["stage"] = "import"
            quarantine = pd.concat([data.quarantine.assign(stage="load"), q], ignore_index=True)
            quarantine["row"] = quarantine["row"].astype("int64")
    return dataclasses.replace(data, tables=tables, load_report=report, quarantine=quarantine)


def _now(data: Dataset, table: str) -> int:
    """Rows of ``table`` the loader read (used + quarantined now)."""
    rep = data.load_report
    line = rep[(rep["table"] == table) & (rep["reason"].fillna("") == "")]
    return int(line["rows_read"].iloc[0]) if len(line) else 0


def row_counts(data: Dataset) -> pd.DataFrame:
    """Rows per table as every page should show them: read = used + quarantined + filtered.

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    DataFrame
        ``table``, ``rows_read``, ``rows_used``, ``rows_quarantined``, ``rows_filtered``
        (rows a mapping rule removed at import; 0 for datasets that were not imported), one
        row per table of the load report's summary lines.
    """
    rep = data.load_report
    if rep is None or rep.empty:
        return pd.DataFrame(columns=ROW_COUNT_COLUMNS)
    out = rep[rep["reason"].fillna("") == ""].copy()
    if "rows_filtered" not in out.columns:
        out["rows_filtered"] = 0
    for col in ROW_COUNT_COLUMNS[1:]:
        out[col] = out[col].fillna(0).astype(int)
    return out[ROW_COUNT_COLUMNS].reset_index(drop=True)


def row_counts_by_table(data: Dataset) -> dict[str, dict[str, int]]:
    """:func:`row_counts` as ``{table: {"rows_read": n, "rows_used": n, "rows_quarantined": n,
    "rows_filtered": n}}`` (the form a manifest records).

    Examples
    --------
    >>> from kpi_lib.data import load_dataset
    >>> from kpi_lib.datasets import sample_path
    >>> row_counts_by_table(load_dataset(sample_path()))["agents"]
    {'rows_read': 24, 'rows_used': 24, 'rows_quarantined': 0, 'rows_filtered': 0}
    """
    return {
        r.table: {column: int(getattr(r, column)) for column in ROW_COUNT_COLUMNS[1:]}
        for r in row_counts(data).itertuples()
    }
