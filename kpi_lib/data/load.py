"""Validated loading of a dataset folder: coercion, quarantine and the load report.

Structural problems (a missing required table or column, an unreadable file, a wrong
delimiter) stop the load with one :class:`DatasetError` listing every problem. Row-level
problems never stop it: offending rows go to the quarantine table with the reason, and the
load report counts rows read / used / quarantined per table and reason, so that
``rows_read == rows_used + rows_quarantined`` for every table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from kpi_lib.data.contract import CONTRACT, ColumnSpec, TableSpec
from kpi_lib.data.dataset import (
    DEFAULT_TIMEZONE,
    QUARANTINE_COLUMNS,
    REPORT_COLUMNS,
    Dataset,
)

__all__ = [
    "DatasetError",
    "Problem",
    "load_dataset",
    "validate_tables",
    "read_table_files",
    "pandera_schema",
]

_TRUE = {"true", "t", "1", "yes", "y", "1.0"}
_FALSE = {"false", "f", "0", "no", "n", "0.0"}
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
_MAX_EXAMPLES = 3


@dataclass(frozen=True)
class Problem:
    """A structural problem found while reading a dataset."""

    table: str
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        return f"[{where}] {self.message}"


class DatasetError(ValueError):
    """A dataset cannot be loaded; ``problems`` lists every structural problem found."""

    def __init__(self, problems: list[Problem], source: str | Path | None = None):
        self.problems = list(problems)
        head = f"Dataset {str(source)!r} cannot be loaded" if source else "Dataset cannot be loaded"
        lines = [f"{head}: {len(self.problems)} problem(s)."]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


# ---------------------------------------------------------------------------------- reading


def _read_settings(folder: Path) -> dict:
    path = folder / "dataset.yaml"
    if not path.is_file():
        return {}
    try:
        settings = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise DatasetError(
            [Problem("dataset.yaml", None, f"is not valid YAML: {exc}")], folder
        ) from exc
    if not isinstance(settings, dict):
        raise DatasetError([Problem("dataset.yaml", None, "must be a mapping of settings")], folder)
    return settings


def _read_csv(path: Path, table: str, problems: list[Problem]) -> pd.DataFrame | None:
    raw = path.read_bytes()
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        problems.append(Problem(table, None, f"{path.name} is neither UTF-8 nor GB18030 text"))
        return None
    first_line = text.split("\n", 1)[0]
    if "," not in first_line:
        for sep, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if sep in first_line:
                problems.append(
                    Problem(
                        table,
                        None,
                        f"{path.name} looks {name}-separated (header {first_line[:60]!r}); "
                        "the contract expects comma-separated CSV — re-export with commas or "
                        "import it through a mapping (`kpi import`)",
                    )
                )
                return None
    from io import StringIO

    try:
        return pd.read_csv(
            StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skipinitialspace=True
        )
    except (pd.errors.ParserError, ValueError) as exc:
        problems.append(Problem(table, None, f"{path.name} could not be parsed as CSV: {exc}"))
        return None


def read_table_files(folder: str | Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read every contract table present in ``folder`` without validating rows.

    Looks for ``<table>.parquet``, ``<table>.csv`` or a sheet named ``<table>`` in a single
    ``.xlsx`` workbook. Returns the raw frames and the structural problems met.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    frames: dict[str, pd.DataFrame] = {}
    if not folder.is_dir():
        raise DatasetError([Problem("dataset", None, f"folder {str(folder)!r} does not exist")])
    workbooks = sorted(folder.glob("*.xlsx"))
    sheets: dict[str, Path] = {}
    for wb in workbooks:
        try:
            for sheet in pd.ExcelFile(wb).sheet_names:
                sheets[sheet.strip().lower()] = wb
        except Exception as exc:  # noqa: BLE001 - any reader failure is a structural problem
            problems.append(Problem(wb.name, None, f"unreadable workbook: {exc}"))
    for name in CONTRACT:
        candidates = [p for p in (folder / f"{name}.parquet", folder / f"{name}.csv") if p.exists()]
        if len(candidates) > 1:
            problems.append(
                Problem(name, None, "both .parquet and .csv files exist; keep only one of them")
            )
            continue
        try:
            if candidates and candidates[0].suffix == ".parquet":
                frames[name] = pd.read_parquet(candidates[0])
            elif candidates:
                df = _read_csv(candidates[0], name, problems)
                if df is not None:
                    frames[name] = df
            elif name in sheets:
                frames[name] = pd.read_excel(sheets[name], sheet_name=name, dtype=str)
        except Exception as exc:  # noqa: BLE001
            problems.append(Problem(name, None, f"unreadable file: {exc}"))
    return frames, problems


# ---------------------------------------------------------------------------------- coercion


def _as_text(series: pd.Series) -> pd.Series:
    s = series.astype("string").str.strip()
    return s.mask(s == "")


def _coerce_timestamp(series: pd.Series, timezone: str) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            return series.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[us]")
        return series.astype("datetime64[us]")
    text = _as_text(series)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
    has_offset = text.str.contains(_OFFSET, na=False)
    naive = text.notna() & ~has_offset
    if naive.any():
        parsed = pd.to_datetime(text[naive], errors="coerce", format="ISO8601")
        bad = parsed.isna()
        if bad.any():
            parsed[bad] = pd.to_datetime(text[naive][bad], errors="coerce", format="mixed")
        out[naive] = parsed.astype("datetime64[us]")
    if has_offset.any():
        parsed = pd.to_datetime(text[has_offset], errors="coerce", utc=True, format="ISO8601")
        out[has_offset] = (
            parsed.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[us]")
        )
    return out


def _coerce_boolean(series: pd.Series) -> pd.Series:
    if pd.api.types.is_bool_dtype(series):
        return series.astype("boolean")
    text = _as_text(series).str.lower()
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[text.isin(_TRUE)] = True
    out[text.isin(_FALSE)] = False
    return out


def _coerce(series: pd.Series, spec: ColumnSpec, timezone: str) -> pd.Series:
    if spec.kind in ("id", "text"):
        if pd.api.types.is_float_dtype(series):
            # ids written by a spreadsheet as floats (1001.0) are still ids
            as_int = series.dropna()
            if (as_int == np.floor(as_int)).all():
                series = series.astype("Int64")
        return _as_text(series)
    if spec.kind == "timestamp":
        return _coerce_timestamp(series, timezone)
    if spec.kind == "date":
        return _coerce_timestamp(series, timezone).dt.normalize()
    if spec.kind in ("number", "integer"):
        values = pd.to_numeric(
            _as_text(series) if not pd.api.types.is_numeric_dtype(series) else series,
            errors="coerce",
        ).astype("float64")
        if spec.kind == "integer":
            non_int = values.notna() & (values != np.floor(values))
            values = values.mask(non_int)
            return values.astype("Int64")
        return values
    if spec.kind == "boolean":
        return _coerce_boolean(series)
    raise ValueError(f"Unknown column kind {spec.kind!r} for column `{spec.name}`.")


_EXPECTED = {
    "timestamp": "a date-time such as 2026-10-08 14:03:00",
    "date": "a date such as 2026-10-08",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true/false (also 1/0, yes/no)",
}


# ---------------------------------------------------------------------------------- pandera


def pandera_schema(spec: TableSpec, present_columns: list[str] | None = None) -> pa.DataFrameSchema:
    """The pandera schema checking a coerced contract table's values (row-level rules)."""
    columns = {}
    for c in spec.columns:
        if present_columns is not None and c.name not in present_columns:
            continue
        checks = []
        if c.allowed:
            checks.append(pa.Check.isin(list(c.allowed)))
        if c.minimum is not None:
            checks.append(pa.Check.ge(c.minimum))
        if c.maximum is not None:
            checks.append(pa.Check.le(c.maximum))
        columns[c.name] = pa.Column(
            None,
            checks=checks,
            nullable=not c.required,
            unique=c.unique,
            required=c.required,
            description=c.description,
            title=c.name,
        )
    return pa.DataFrameSchema(columns, name=spec.name, strict=False, coerce=False)


def _check_description(check: str, spec: ColumnSpec) -> str:
    check = str(check)
    if check.startswith("isin"):
        return f"not one of {list(spec.allowed)}"
    if check.startswith("greater_than_or_equal_to"):
        return f"below the minimum {spec.minimum:g}"
    if check.startswith("less_than_or_equal_to"):
        return f"above the maximum {spec.maximum:g}"
    if check in ("field_uniqueness", "column_uniqueness") or "unique" in check:
        return "duplicate id"
    if "not_nullable" in check or check == "not_nullable":
        return "missing value in a required column"
    return check


# ---------------------------------------------------------------------------------- validation


def _empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(columns=QUARANTINE_COLUMNS)


def _piece(table: str, rows, column: str, reason: str, values) -> pd.DataFrame:
    """Quarantine rows: one per offending source row, with the reason and the raw value."""
    return pd.DataFrame(
        {
            "table": table,
            "row": np.asarray(rows, dtype="int64"),
            "column": column,
            "reason": reason,
            "value": np.asarray(values).astype(str),
        }
    )


def _validate_one(
    spec: TableSpec, raw: pd.DataFrame, timezone: str
) -> tuple[pd.DataFrame, list[pd.DataFrame]]:
    """Coerce and check one table's rows. Returns the coerced frame and quarantine pieces."""
    raw = raw.reset_index(drop=True)
    df = raw.copy()
    pieces: list[pd.DataFrame] = []
    coerce_failed: dict[str, pd.Series] = {}
    for c in spec.columns:
        if c.name not in df.columns:
            continue
        coerced = _coerce(raw[c.name], c, timezone)
        if c.kind not in ("id", "text"):
            failed = raw[c.name].notna() & coerced.isna()
            if failed.any():
                coerce_failed[c.name] = failed
                pieces.append(
                    _piece(
                        spec.name,
                        np.flatnonzero(failed.to_numpy()),
                        c.name,
                        f"{c.name}: not {_EXPECTED.get(c.kind, c.kind)}",
                        raw.loc[failed, c.name],
                    )
                )
        df[c.name] = coerced
    try:
        pandera_schema(spec, list(df.columns)).validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        fc = fc[fc["index"].notna()]
        for (column, check), group in fc.groupby(["column", "check"], dropna=False, sort=False):
            rows = group["index"].astype(int).to_numpy()
            col_spec = spec.column(column) if column in spec.column_names else None
            reason_text = _check_description(check, col_spec) if col_spec else str(check)
            if "missing value" in reason_text and column in coerce_failed:
                # the value was present but unparseable: already reported as such
                rows = rows[~coerce_failed[column].to_numpy()[rows]]
            if len(rows) == 0:
                continue
            pieces.append(
                _piece(spec.name, rows, column, f"{column}: {reason_text}", raw.loc[rows, column])
            )
    return df, pieces


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


def _foreign_key_pieces(
    spec: TableSpec, df: pd.DataFrame, valid: dict[str, pd.DataFrame]
) -> list[pd.DataFrame]:
    pieces = []
    for c in spec.columns:
        if not c.references or c.name not in df.columns:
            continue
        ref_table, ref_col = c.references.split(".")
        if ref_table not in valid:
            continue
        known = valid[ref_table][ref_col].dropna().unique()
        bad = df[c.name].notna() & ~_isin(df[c.name], known)
        if bad.any():
            pieces.append(
                _piece(
                    spec.name,
                    np.flatnonzero(bad.to_numpy()),
                    c.name,
                    f"{c.name}: unknown {ref_table[:-1]} (not in {c.references})",
                    df.loc[bad, c.name],
                )
            )
    return pieces


def _table_rule_pieces(name: str, df: pd.DataFrame, valid: dict) -> list[pd.DataFrame]:
    """Cross-column rules that pandera column checks cannot express."""
    pieces = []

    def add(mask: pd.Series, column: str, reason: str) -> None:
        mask = mask.fillna(False).astype(bool)
        if mask.any():
            pieces.append(
                _piece(name, np.flatnonzero(mask.to_numpy()), column, reason, df.loc[mask, column])
            )

    if name == "complaints" and "resolved_at" in df.columns:
        add(df["resolved_at"] < df["opened_at"], "resolved_at", "resolved_at: before opened_at")
    if name == "orders" and "collected_amount" in df.columns:
        add(
            df["collected_amount"] > df["amount"] * 1.000001,
            "collected_amount",
            "collected_amount: larger than amount",
        )
    if name == "targets" and "agents" in valid:
        agents = valid["agents"]
        agent_scope = df["scope"] == "agent"
        team_scope = df["scope"] == "team"
        add(
            agent_scope & ~df["scope_id"].isin(agents["agent_id"]),
            "scope_id",
            "scope_id: unknown agent (not in agents.agent_id)",
        )
        add(
            team_scope & ~df["scope_id"].isin(agents["team_id"]),
            "scope_id",
            "scope_id: unknown team (not in agents.team_id)",
        )
    return pieces


def _structural_problems(frames: dict[str, pd.DataFrame]) -> list[Problem]:
    problems = []
    for spec in CONTRACT.values():
        if spec.name not in frames:
            if spec.required:
                problems.append(Problem(spec.name, None, "required table is missing"))
            continue
        df = frames[spec.name]
        columns = [str(c).strip() for c in df.columns]
        dupes = sorted({c for c in columns if columns.count(c) > 1})
        if dupes:
            problems.append(Problem(spec.name, None, f"duplicate column names {dupes}"))
        missing = [c for c in spec.required_columns if c not in columns]
        for col in missing:
            close = [c for c in columns if c.lower().replace(" ", "_") == col]
            hint = f" (found {close[0]!r}: rename it)" if close else ""
            problems.append(
                Problem(
                    spec.name,
                    col,
                    f"required column is missing; columns found: {columns[:12]}{hint}",
                )
            )
    return problems


def validate_tables(
    frames: dict[str, pd.DataFrame],
    *,
    timezone: str = DEFAULT_TIMEZONE,
    source: str | Path | None = None,
    name: str = "dataset",
    sources: dict[str, str] | None = None,
) -> Dataset:
    """Validate raw contract tables (from files or a mapping) into a :class:`Dataset`.

    Parameters
    ----------
    frames : dict of str to DataFrame
        Raw tables by contract name; values may be text (coerced here) or typed.
    timezone : str
        IANA timezone; naive timestamps are taken as local time there, timestamps with an
        offset are converted to it.
    source, name : optional
        Where the tables came from, and a display name.
    sources : dict, optional
        File name per table, shown in the load report.

    Returns
    -------
    Dataset
        Valid rows in ``tables``; rejected rows in ``quarantine`` (table, row, column,
        reason, value); counts in ``load_report`` (table, source, rows_read, rows_used,
        rows_quarantined, reason, rows).

    Raises
    ------
    DatasetError
        Listing every structural problem (missing required tables or columns).
    """
    frames = {k: v.rename(columns=lambda c: str(c).strip()) for k, v in frames.items()}
    unknown = sorted(set(frames) - set(CONTRACT))
    problems = _structural_problems(frames)
    if unknown:
        problems.append(
            Problem(", ".join(unknown), None, f"not contract tables; expected {sorted(CONTRACT)}")
        )
    if problems:
        raise DatasetError(problems, source)
    sources = sources or {}
    coerced: dict[str, pd.DataFrame] = {}
    quarantine_parts: list[pd.DataFrame] = []
    valid: dict[str, pd.DataFrame] = {}
    report_rows = []
    for spec in CONTRACT.values():
        if spec.name not in frames:
            continue
        raw = frames[spec.name]
        df, pieces = _validate_one(spec, raw, timezone)
        pieces += _foreign_key_pieces(spec, df, valid)
        pieces += _table_rule_pieces(spec.name, df, valid)
        pieces = [p for p in pieces if len(p)]
        q = pd.concat(pieces, ignore_index=True) if pieces else _empty_quarantine()
        bad_rows = np.unique(q["row"].to_numpy().astype(int)) if len(q) else np.array([], int)
        keep = np.ones(len(df), dtype=bool)
        keep[bad_rows] = False
        used = df.loc[keep].reset_index(drop=True)
        valid[spec.name] = used
        coerced[spec.name] = used
        if len(q):
            quarantine_parts.append(q)
        report_rows.append(
            {
                "table": spec.name,
                "source": sources.get(spec.name, ""),
                "rows_read": len(df),
                "rows_used": int(keep.sum()),
                "rows_quarantined": len(bad_rows),
                "reason": "",
                "rows": len(bad_rows),
            }
        )
        if len(q):
            for reason, n in (
                q.groupby("reason")["row"].nunique().sort_values(ascending=False).items()
            ):
                report_rows.append(
                    {
                        "table": spec.name,
                        "source": sources.get(spec.name, ""),
                        "rows_read": len(df),
                        "rows_used": int(keep.sum()),
                        "rows_quarantined": len(bad_rows),
                        "reason": reason,
                        "rows": int(n),
                    }
                )
    quarantine = (
        pd.concat(quarantine_parts, ignore_index=True) if quarantine_parts else _empty_quarantine()
    )
    quarantine["row"] = quarantine["row"].astype("int64")
    report = pd.DataFrame(report_rows, columns=REPORT_COLUMNS)
    return Dataset(
        tables=coerced,
        quarantine=quarantine,
        load_report=report,
        timezone=timezone,
        source=Path(source) if source else None,
        name=name,
    )


def load_dataset(path: str | Path, *, timezone: str | None = None) -> Dataset:
    """Load and validate a dataset folder.

    Parameters
    ----------
    path : str or Path
        Folder with one file per contract table (``.csv``, ``.parquet``, or sheets of one
        ``.xlsx``), and optionally ``dataset.yaml`` (``name``, ``timezone``). Relative paths
        are resolved against the project root (see :func:`kpi_lib.paths.resolve`).
    timezone : str, optional
        Overrides the dataset's configured timezone (default ``Asia/Shanghai``).

    Returns
    -------
    Dataset
        See :func:`validate_tables`.

    Raises
    ------
    DatasetError
        When the folder has structural problems; the message lists all of them.

    Examples
    --------
    >>> from kpi_lib.data import load_dataset
    >>> from kpi_lib.datasets import sample_path
    >>> ds = load_dataset(sample_path())
    >>> ds.name, ds.timezone
    ('synthetic-default-seed7', 'Asia/Shanghai')
    >>> report = ds.load_report[["table", "rows_read", "rows_used", "rows_quarantined"]]
    >>> report.head(3)
        table  rows_read  rows_used  rows_quarantined
    0  agents         24         24                 0
    1   calls      60576      60576                 0
    2  orders       1715       1715                 0
    """
    from kpi_lib.paths import resolve

    folder = resolve(path)
    settings = _read_settings(folder) if folder.is_dir() else {}
    tz = timezone or settings.get("timezone") or DEFAULT_TIMEZONE
    frames, problems = read_table_files(folder)
    if problems:
        # report unreadable files together with whatever else is structurally wrong
        problems += [
            p for p in _structural_problems(frames) if p.table not in {q.table for q in problems}
        ]
        raise DatasetError(problems, folder)
    sources = {}
    for t in frames:
        for ext in (".parquet", ".csv"):
            if (folder / f"{t}{ext}").exists():
                sources[t] = f"{t}{ext}"
        sources.setdefault(t, "workbook")
    return validate_tables(
        frames,
        timezone=tz,
        source=folder,
        name=str(settings.get("name") or folder.name),
        sources=sources,
    )
