"""The import: :func:`import_export` applies a mapping to an export folder and returns an
:class:`ImportResult` (the validated dataset, the quarantine traced back to source rows, and
the accounting of every source row); it writes the dataset folder when asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kpi_lib._util import write_csv
from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import Dataset
from kpi_lib.data.load import validate_tables
from kpi_lib.data.mapping.agent_days import AGENT_DAY_FILE, check_agent_days
from kpi_lib.data.mapping.apply import Piece, apply_block
from kpi_lib.data.mapping.readers import find_files, read_source
from kpi_lib.data.mapping.record import (
    IMPORT_KEY,
    import_record,
    import_totals,
    mark_declared_empty,
)
from kpi_lib.data.mapping.spec import AGENT_DAYS, Mapping, MappingError, TableBlock, did_you_mean
from kpi_lib.data.mapping.validate import source_columns
from kpi_lib.data.mapping.values import SOURCE_ROW

__all__ = ["ImportResult", "import_export", "ACCOUNTING_COLUMNS", "BALANCE_STAGES"]

#: Columns of :attr:`ImportResult.accounting`.
ACCOUNTING_COLUMNS = ["table", "source", "stage", "rule", "rows"]
#: Stages that partition the rows read (they sum to ``read`` for every table and source).
BALANCE_STAGES = ("dropped", "merged", "quarantined", "used")


@dataclass
class ImportResult:
    """What :func:`import_export` produced.

    Attributes
    ----------
    dataset : Dataset
        The validated dataset (``kpi_lib.data.load.validate_tables``).
    accounting : DataFrame
        Columns ``table``, ``source``, ``stage``, ``rule``, ``rows``. Per table and source file:
        ``read``; ``dropped`` per mapping rule (filters, drop sentinels); ``merged``
        (``distinct``); ``passed`` to the loader; ``quarantined`` per loader reason (a row with
        several problems is counted under the first, all are in the quarantine);
        ``used``; ``empty`` for tables declared empty; ``note`` lines (sentinels set to empty,
        midnight wraps) that do not remove rows. For every table and source,
        read = dropped + merged + quarantined + used.
    quarantine : DataFrame
        The loader's quarantine plus ``source`` (file) and ``source_row`` (1-based data row in
        that file, not counting the header).
    mapping : Mapping
    out_dir : Path or None
    agent_days : DataFrame or None
        With an ``agent_days`` block: the checked agent-day totals (``agent_id``,
        ``team_id``, ``date`` and one column per total), for
        :func:`kpi_lib.indicators.preaggregated.from_agent_days`; written as
        ``agent_days.parquet``. Their rows are counted in ``accounting`` as table
        ``agent_days``, their problems are in ``quarantine``.
    """

    dataset: Dataset
    accounting: pd.DataFrame
    quarantine: pd.DataFrame
    mapping: Mapping
    out_dir: Path | None = None
    agent_days: pd.DataFrame | None = None

    @property
    def totals(self) -> pd.DataFrame:
        """Per table: ``rows_read``, ``rows_used``, ``rows_quarantined``, ``rows_filtered``
        (read = used + quarantined + filtered), as ``dataset.yaml`` records them under
        ``import:`` and ``kpi validate`` shows them."""
        return import_totals(self.accounting)

    def summary(self) -> str:
        """The import in plain text, as ``kpi import`` prints it: rows per table (read = used +
        quarantined + filtered), rows filtered per rule, rows quarantined per reason (each row
        once), the problems found in them (a row with several problems is listed under each,
        so problems may outnumber rows), notes (values changed, no row removed) and tables
        declared empty."""
        acc = self.accounting
        parts = [
            _section(
                "Rows per table (rows_read = rows_used + rows_quarantined + rows_filtered)",
                self.totals,
            ),
            _section(
                "Rows filtered by the mapping's rules",
                acc[acc.stage.isin(("dropped", "merged"))][["table", "source", "rule", "rows"]],
            ),
            _section(
                "Rows quarantined (each row once, under its first problem; quarantine.csv "
                "lists every problem)",
                acc[acc.stage == "quarantined"][["table", "source", "rule", "rows"]].rename(
                    columns={"rule": "reason"}
                ),
            ),
        ]
        q = self.quarantine
        if len(q):
            problems = (
                q.assign(column=q["column"].fillna(""))
                .groupby(["table", "column", "reason"], sort=False)
                .agg(problems=("row", "size"), rows=("row", "nunique"))
                .reset_index()
            )
            parts.append(
                _section(
                    f"Problems in the {int(self.totals['rows_quarantined'].sum()):,} quarantined "
                    "rows (a row with several problems is listed under each)",
                    problems,
                )
            )
        notes = acc[(acc.stage == "note") & (acc.rows > 0)][["table", "source", "rule", "rows"]]
        parts.append(
            _section(
                "Notes: values changed, no row removed (rows = rows whose value changed)", notes
            )
        )
        for table, reason in self.mapping.empty_tables.items():
            parts.append(f"Table `{table}` declared empty in the mapping: {reason or 'no reason'}")
        return "\n\n".join(p for p in parts if p)

    @property
    def balance(self) -> pd.DataFrame:
        """Per table and source: read, dropped, merged, quarantined, used and ``balanced``."""
        acc = self.accounting[self.accounting.stage.isin(("read", *BALANCE_STAGES))]
        wide = acc.pivot_table(
            index=["table", "source"], columns="stage", values="rows", aggfunc="sum", fill_value=0
        )
        for stage in ("read", *BALANCE_STAGES):
            if stage not in wide:
                wide[stage] = 0
        wide = wide[["read", *BALANCE_STAGES]].reset_index()
        wide.columns.name = None
        wide["balanced"] = wide["read"] == wide[list(BALANCE_STAGES)].sum(axis=1)
        return wide


def import_export(
    mapping: Mapping,
    source_dir: str | Path,
    out_dir: str | Path | None = None,
    *,
    write: bool = True,
) -> ImportResult:
    """Import a CRM export through a mapping into a validated contract dataset.

    Parameters
    ----------
    mapping : Mapping
        From :func:`load_mapping`.
    source_dir : str or Path
        Folder the mapping's ``file`` globs are relative to (resolved against the project
        root when relative).
    out_dir : str or Path, optional
        Where to write ``<table>.parquet``, ``dataset.yaml``, ``load_report.csv``,
        ``quarantine.csv`` and ``import_accounting.csv`` (text starting like a spreadsheet
        formula gets a leading ``'``, see :func:`kpi_lib._util.write_csv`); must not
        be ``source_dir``. Stale contract-table files in it are removed. Nothing is written
        when omitted.
    write : bool
        Set False to skip writing even when ``out_dir`` is given.

    Returns
    -------
    ImportResult
        ``.dataset``, ``.accounting`` (every source row accounted for), ``.quarantine``,
        ``.balance``.

    Raises
    ------
    MappingError
        When a file is missing or unreadable, or a source column named in the mapping is not
        in the file: every such problem is listed with its mapping key, the source column
        and the columns found.
    """
    from kpi_lib.paths import resolve

    source_dir = resolve(source_dir)
    problems: list[str] = []
    if not source_dir.is_dir():
        raise MappingError([f"source folder {str(source_dir)!r} does not exist"], mapping.path)
    loaded: list[tuple[TableBlock, str, pd.DataFrame]] = []
    for block in mapping.blocks:
        spec = block.spec
        if "inline" in spec:
            df = pd.DataFrame(spec["inline"]).astype(object)
            loaded.append((block, f"{block.key}.inline", df))
            continue
        files = find_files(source_dir, str(spec["file"]))
        if not files:
            problems.append(
                f"`{block.key}.file`: no file matches {spec['file']!r} in {str(source_dir)!r}."
            )
            continue
        for path in files:
            label = path.relative_to(source_dir).as_posix()
            try:
                df = read_source(path, spec)
            except Exception as exc:  # noqa: BLE001 - any reader failure is reported
                problems.append(f"`{block.key}.file`: {label} could not be read: {exc}")
                continue
            reads = source_columns(block)
            found = list(df.columns)
            for key, col in reads:
                if col not in found:
                    problems.append(
                        f"`{key}`: source column {col!r} is not in {label}."
                        f"{did_you_mean(col, found)} Columns found: {found[:30]}."
                    )
            loaded.append((block, label, df))
    if problems:
        raise MappingError(problems, mapping.path)

    pieces: list[Piece] = []
    offsets: dict[str, int] = {}
    for block, label, df in loaded:
        offset = offsets.get(block.key, 0)
        pieces.append(apply_block(block, df, label, offset, mapping.timezone))
        offsets[block.key] = offset + len(df)

    frames: dict[str, pd.DataFrame] = {}
    origin: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    for table in [*CONTRACT, AGENT_DAYS]:
        parts = [p for p in pieces if p.table == table]
        if not parts:
            continue
        frame = pd.concat([p.frame for p in parts], ignore_index=True)
        origin[table] = pd.DataFrame(
            {
                "source": np.concatenate([[p.source] * len(p.frame) for p in parts]),
                "source_row": frame[SOURCE_ROW].to_numpy() + 1,
            }
        )
        frames[table] = frame.drop(columns=[SOURCE_ROW])
        sources[table] = ", ".join(dict.fromkeys(p.source for p in parts))
    for table, _reason in mapping.empty_tables.items():
        frames[table] = pd.DataFrame(
            {c: pd.Series(dtype="string") for c in CONTRACT[table].required_columns}
        )
        sources[table] = "(declared empty in the mapping)"
    day_rows = frames.pop(AGENT_DAYS, None)
    dataset = validate_tables(
        frames,
        timezone=mapping.timezone,
        source=source_dir,
        name=mapping.name,
        sources=sources,
    )

    for table, reason in mapping.empty_tables.items():
        mark_declared_empty(dataset.tables[table], reason)
    days = None
    q = dataset.quarantine.copy()
    if day_rows is not None:
        days, day_problems = check_agent_days(day_rows, dataset.tables.get("agents"))
        if len(day_problems):
            q = pd.concat([q, day_problems], ignore_index=True)
    # map the quarantine rows back to source files and rows
    q["source"] = pd.Series(dtype=object)
    q["source_row"] = pd.Series(dtype="Int64")
    for table, org in origin.items():
        m = q["table"] == table
        if m.any():
            rows = q.loc[m, "row"].to_numpy().astype(int)
            q.loc[m, "source"] = org["source"].to_numpy()[rows]
            q.loc[m, "source_row"] = org["source_row"].to_numpy()[rows]
    records: list[dict] = []
    for p in pieces:
        for stage, rule, n in p.steps:
            if stage == "passed":
                continue
            records.append(
                {"table": p.table, "source": p.source, "stage": stage, "rule": rule, "rows": n}
            )
        records.append(
            {
                "table": p.table,
                "source": p.source,
                "stage": "passed",
                "rule": "",
                "rows": len(p.frame),
            }
        )
        tq = q[(q["table"] == p.table) & (q["source"] == p.source)]
        first = tq.drop_duplicates("row", keep="first")
        for reason, n in first["reason"].value_counts(sort=True).items():
            records.append(
                {
                    "table": p.table,
                    "source": p.source,
                    "stage": "quarantined",
                    "rule": reason,
                    "rows": int(n),
                }
            )
        records.append(
            {
                "table": p.table,
                "source": p.source,
                "stage": "used",
                "rule": "",
                "rows": len(p.frame) - len(first),
            }
        )
    for table, reason in mapping.empty_tables.items():
        records.append(
            {
                "table": table,
                "source": "(declared empty in the mapping)",
                "stage": "empty",
                "rule": reason or "declared empty",
                "rows": 0,
            }
        )
    accounting = pd.DataFrame(records, columns=ACCOUNTING_COLUMNS)
    result = ImportResult(
        dataset=dataset, accounting=accounting, quarantine=q, mapping=mapping, agent_days=days
    )
    if out_dir is not None and write:
        result.out_dir = _write(result, resolve(out_dir), source_dir)
    return result


def _write(result: ImportResult, out: Path, source_dir: Path) -> Path:
    if out.resolve() == source_dir.resolve():
        raise ValueError(
            f"out_dir {str(out)!r} is the source folder; raw exports are never overwritten — "
            "choose another folder."
        )
    out.mkdir(parents=True, exist_ok=True)
    for name in [*CONTRACT, AGENT_DAYS]:
        for ext in (".parquet", ".csv"):
            stale = out / f"{name}{ext}"
            if stale.exists():
                stale.unlink()
    if result.agent_days is not None:
        result.agent_days.to_parquet(out / AGENT_DAY_FILE, index=False)
    ds, m = result.dataset, result.mapping
    for name, df in ds.tables.items():
        df.to_parquet(out / f"{name}.parquet", index=False)
    settings = {
        "name": ds.name,
        "timezone": ds.timezone,
        "imported_from": str(source_dir),
        "mapping": str(m.path) if m.path else None,
        "empty_tables": m.empty_tables or None,
        "absent_tables": m.absent_tables or None,
        "description": m.description or None,
        AGENT_DAYS: AGENT_DAY_FILE if result.agent_days is not None else None,
        IMPORT_KEY: import_record(
            result.accounting,
            files={"accounting": "import_accounting.csv", "quarantine": "quarantine.csv"},
        ),
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    (out / "dataset.yaml").write_text(
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False, width=10**6),
        encoding="utf-8",
    )
    # CSVs are opened in spreadsheets: text that starts like a formula gets a leading "'".
    write_csv(ds.load_report, out / "load_report.csv")
    write_csv(result.quarantine, out / "quarantine.csv")
    write_csv(result.accounting, out / "import_accounting.csv")
    return out


def _section(title: str, table: pd.DataFrame) -> str:
    """``title`` over ``table`` as text (``(none)`` when empty)."""
    if table.empty:
        return f"{title}\n  (none)"
    with pd.option_context("display.max_rows", 500, "display.max_colwidth", 120):
        return f"{title}\n{table.to_string(index=False)}"
