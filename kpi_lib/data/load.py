"""Validated loading of a dataset folder: coercion, quarantine and the load report.

Structural problems (a missing required table or column, an unreadable file, a wrong
delimiter, a day/month order that cannot be told apart, an unknown timezone) stop the load
with one :class:`DatasetError` listing every problem. Row-level problems never stop it:
offending rows go to the quarantine table with the reason and the raw value, and the load
report counts rows read / used / quarantined per table and reason, so that
``rows_read == rows_used + rows_quarantined`` for every table. Values that parse but cannot
be true (non-finite numbers, durations above ``max_duration_s``, timestamps after the export
or before ``earliest``, targets for unknown periods or indicators) are row-level problems
too: see :class:`kpi_lib.data.contract.Plausibility`.
"""

from __future__ import annotations

import codecs
import difflib
import errno
import os
import re
import unicodedata
import zoneinfo
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from functools import cache
from io import StringIO
from pathlib import Path
from warnings import warn

import numpy as np
import pandas as pd
import pandera.pandas as pa
import yaml

from kpi_lib._util import check_currency
from kpi_lib.data.contract import CONTRACT, ColumnSpec, Plausibility, TableSpec
from kpi_lib.data.dataset import (
    DEFAULT_TIMEZONE,
    QUARANTINE_COLUMNS,
    REPORT_COLUMNS,
    Dataset,
)
from kpi_lib.data.rules import Bounds, pandas_mask, table_rules

__all__ = [
    "DatasetError",
    "Problem",
    "DatasetSettings",
    "load_dataset",
    "validate_tables",
    "read_table_files",
    "read_settings",
    "pandera_schema",
    "read_bounds",
    "open_folder",
    "OpenedFolder",
    "coerce_column",
]

_TRUE = {"true", "t", "1", "yes", "y", "1.0"}
_FALSE = {"false", "f", "0", "no", "n", "0.0"}
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")
#: Day and month as numbers before the year (01/10/2026, 1.2.26): the order cannot be read
#: from the value alone.
_DAY_MONTH = r"^(\d{1,2})([/.\-])(\d{1,2})[/.\-](\d{4}|\d{2})(?:[ T]+(\d{1,2}:\d{2}(:\d{2})?))?"
_PERIOD = re.compile(r"^(\d{4})(?:-(?:(\d{2})|Q([1-4])|W(\d{2})))?$")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_CJK_IN_LATIN = re.compile(f"(?:(?<=[A-Za-z])[{_CJK}]|[{_CJK}](?=[A-Za-z]))")
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


# ---------------------------------------------------------------------------------- settings


@dataclass(frozen=True)
class DatasetSettings:
    """The checked content of a dataset folder's ``dataset.yaml`` (every key optional).

    See :data:`kpi_lib.data.contract.DATASET_SETTINGS` for what each key means. Per-table
    settings (``encoding``, ``header_row``) and per-column ``timestamp_format`` are held as
    dicts; the key ``"*"`` applies to every table or column.
    """

    name: str | None = None
    timezone: str | None = None
    currency: str | None = None
    exported_at: object = None
    plausibility: Plausibility = field(default_factory=Plausibility)
    timestamp_format: dict[str, str] = field(default_factory=dict)
    encoding: dict[str, str] = field(default_factory=dict)
    header_row: dict[str, int] = field(default_factory=dict)

    def for_table(self, setting: str, table: str):
        """A per-table setting (``encoding`` or ``header_row``) for ``table``, or None."""
        values = getattr(self, setting)
        return values.get(table, values.get("*"))


def _per_key(value, key: str, check, problems: list[Problem]) -> dict:
    """``value`` (one setting for all, or a mapping per table/column) as a dict."""
    if value is None:
        return {}
    items = value.items() if isinstance(value, dict) else [("*", value)]
    out = {}
    for k, v in items:
        message = check(v)
        if message:
            problems.append(
                Problem("dataset.yaml", key, f"{k}: {message}" if k != "*" else message)
            )
        else:
            out[str(k).strip()] = v
    return out


def _check_encoding(value) -> str | None:
    try:
        codecs.lookup(str(value))
    except LookupError:
        return f"{value!r} is not an encoding Python knows (e.g. utf-8, gb18030, cp1252, big5)"
    return None


def _check_header_row(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return f"must be a row number >= 1 (the row holding the column names), got {value!r}"
    return None


def _check_format(value) -> str | None:
    if not isinstance(value, str) or "%" not in value:
        return f'must be a strftime format such as "%d/%m/%Y %H:%M", got {value!r}'
    return None


def _parse_settings(raw: dict) -> tuple[DatasetSettings, list[Problem]]:
    problems: list[Problem] = []
    plaus = raw.get("plausibility") or {}
    known = {f.name for f in fields(Plausibility)}
    if not isinstance(plaus, dict) or set(plaus) - known:
        extra = sorted(set(plaus) - known) if isinstance(plaus, dict) else plaus
        problems.append(
            Problem(
                "dataset.yaml",
                "plausibility",
                f"unknown setting(s) {extra!r}; expected a mapping of {sorted(known)}",
            )
        )
        plaus = {}
    max_d = plaus.get("max_duration_s", Plausibility.max_duration_s)
    if isinstance(max_d, bool) or not isinstance(max_d, (int, float)) or not max_d > 0:
        problems.append(
            Problem("dataset.yaml", "plausibility.max_duration_s", f"must be > 0, got {max_d!r}")
        )
        max_d = Plausibility.max_duration_s
    plausibility = Plausibility(
        max_duration_s=float(max_d),
        earliest=plaus.get("earliest") or Plausibility.earliest,
        latest=plaus.get("latest"),
    )
    timezone = raw.get("timezone")
    currency = raw.get("currency")
    if currency:
        try:
            currency = check_currency(currency)
        except ValueError as err:
            problems.append(Problem("dataset.yaml", "currency", str(err)))
            currency = None
    settings = DatasetSettings(
        name=str(raw["name"]) if raw.get("name") else None,
        timezone=str(timezone) if timezone else None,
        currency=currency or None,
        exported_at=raw.get("exported_at"),
        plausibility=plausibility,
        timestamp_format=_per_key(
            raw.get("timestamp_format"), "timestamp_format", _check_format, problems
        ),
        encoding=_per_key(raw.get("encoding"), "encoding", _check_encoding, problems),
        header_row=_per_key(raw.get("header_row"), "header_row", _check_header_row, problems),
    )
    return settings, problems


def read_settings(folder: str | Path) -> DatasetSettings:
    """The checked settings of a dataset folder's ``dataset.yaml`` (defaults if absent).

    Raises
    ------
    DatasetError
        When the file is not valid YAML or a setting is malformed (each named).
    """
    settings, problems = _parse_settings(_read_settings(Path(folder)))
    if problems:
        raise DatasetError(problems, folder)
    return settings


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


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _timezone_problem(tz, where: str) -> Problem | None:
    """A problem when ``tz`` is not an IANA timezone name, suggesting close names."""
    known = _timezones()
    if isinstance(tz, str) and (tz in known or (not known and _zone_loads(tz))):
        return None
    close = difflib.get_close_matches(str(tz), sorted(known), n=3, cutoff=0.6)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    return Problem(
        where,
        "timezone",
        f"{tz!r} is not an IANA timezone name (e.g. Asia/Shanghai, Europe/Lisbon, UTC);"
        f" timestamps cannot be placed in periods without one.{hint}",
    )


def _zone_loads(tz: str) -> bool:
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _local_time(value, timezone: str, *, end_of_day: bool) -> pd.Timestamp:
    """A settings date or date-time as naive wall-clock time in ``timezone``.

    A bare date means its start (``end_of_day=False``) or its last instant (``True``).
    """
    if isinstance(value, date) and not isinstance(value, datetime):
        day = pd.Timestamp(value)
        return day + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1) if end_of_day else day
    text = str(value).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return _local_time(date.fromisoformat(text), timezone, end_of_day=end_of_day)
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert(timezone).tz_localize(None)
    return ts


# ---------------------------------------------------------------------------------- reading


def _broken_link(path: Path) -> str | None:
    """Why ``path`` (or a folder above it) is a symbolic link that leads nowhere, if it is."""
    for p in (path, *path.parents):
        if not p.is_symlink():
            continue
        try:
            p.resolve(strict=True)
        except RuntimeError:  # Python < 3.13 reports a loop this way
            return _loop_message(p)
        except FileNotFoundError:
            return f"{str(p)!r} is a symbolic link to {os.readlink(p)!r}, which does not exist"
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return _loop_message(p)
            return f"{str(p)!r} cannot be followed: {exc}"
    return None


def _loop_message(p: Path) -> str:
    return (
        f"{str(p)!r} is a symbolic link loop (it points to {os.readlink(p)!r}, which leads back "
        "to itself): replace it with the file or folder, or a link to the real one"
    )


def _folder_problem(folder: Path) -> str:
    link = _broken_link(folder)
    if link:
        return link
    if folder.exists():
        return f"{str(folder)!r} is a file, not a dataset folder"
    return f"folder {str(folder)!r} does not exist"


def _decode(raw: bytes, name: str, encoding: str | None) -> tuple[str | None, str | None, str]:
    """Decode a CSV file's bytes: ``(text or None, warning or error message, encoding used)``.

    UTF-8 first; else GB18030 when it gives plausible text, else Windows-1252 (Latin-1)
    when every non-ASCII character it gives is a Latin letter, with a warning. A named
    ``encoding`` is used as given.
    """
    if encoding:
        enc = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
        try:
            return raw.decode(enc), None, encoding
        except UnicodeDecodeError as exc:
            return (
                None,
                f"{name} is not valid {encoding} text (byte {exc.start}: {raw[exc.start : exc.start + 4]!r});"
                " fix `encoding:` in dataset.yaml",
                encoding,
            )
    try:
        return raw.decode("utf-8-sig"), None, "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        gb = raw.decode("gb18030")
    except UnicodeDecodeError:
        gb = None
    latin = _decode_latin(raw)
    glued = _cjk_inside_latin_words(gb) if gb is not None else None
    if gb is not None and glued is None:
        return gb, None, "gb18030"
    if latin is not None:
        why = (
            f"GB18030 gives CJK characters inside Latin words ({glued!r})"
            if gb is not None
            else "it is not GB18030 either"
        )
        return (
            latin,
            f"{name} is not UTF-8; read as Windows-1252 (Latin-1) because {why}: check the "
            f"names (e.g. {_first_accented_word(latin)!r}) and set `encoding:` in dataset.yaml "
            "to confirm or correct",
            "cp1252",
        )
    if gb is not None:
        return (
            gb,
            f"{name} is not UTF-8; read as GB18030 but some text looks mis-decoded ({glued!r}): "
            "check the names and set `encoding:` in dataset.yaml to confirm or correct",
            "gb18030",
        )
    return (
        None,
        f"{name} is neither UTF-8, GB18030 nor Windows-1252 (Latin-1) text with Latin letters;"
        " set `encoding:` in dataset.yaml (e.g. `encoding: big5`) or re-export as UTF-8",
        "",
    )


def _decode_latin(raw: bytes) -> str | None:
    """Windows-1252 text if every non-ASCII character is a Latin letter (é, ü, ñ...)."""
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    others = {c for c in text if ord(c) > 127}
    if not others:
        return None
    latin = [c for c in others if unicodedata.name(c, "").startswith("LATIN")]
    return text if len(latin) == len(others) else None


def _cjk_inside_latin_words(text: str) -> str | None:
    """An excerpt when most CJK characters of ``text`` sit inside Latin words (``M黮ler``):
    the mark of Latin-1 bytes decoded as GB18030."""
    n_cjk = len(_CJK_CHAR.findall(text))
    glued = list(_CJK_IN_LATIN.finditer(text))
    if not n_cjk or len(glued) * 2 <= n_cjk:
        return None
    m = glued[0]
    line_start = text.rfind("\n", 0, m.start()) + 1
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    return text[max(line_start, m.start() - 8) : min(line_end, m.end() + 8)].strip()


def _first_accented_word(text: str) -> str:
    m = re.search(r"\w*[^\x00-\x7f]\w*", text)
    return m.group(0) if m else ""


def _cells(line: str) -> set[str]:
    return {
        c.strip().strip('"').lstrip("\ufeff").strip().lower() for c in re.split(r"[,;\t|]", line)
    }


def _header_row_below(rows: list[set[str]], table: str) -> int | None:
    """The 1-based row holding the contract column names, when it is not the first row."""
    required = CONTRACT[table].required_columns
    if not rows or any(c in rows[0] for c in required):
        return None
    for k, cells in enumerate(rows[1:], start=2):
        if sum(c in cells for c in required) * 2 >= len(required):
            return k
    return None


def _title_hint(name: str, table: str, first: str, row: int) -> str:
    return (
        f"{name}: the first row looks like a title ({first.strip()[:60]!r}) and the column "
        f"names are on row {row}: set `header_row: {row}` in dataset.yaml (or "
        f"`header_row: {{{table}: {row}}}` for this table only), or import the export with a "
        "mapping (`kpi import`)"
    )


def _read_csv(
    path: Path,
    table: str,
    problems: list[Problem],
    notes: list[str],
    settings: DatasetSettings,
) -> pd.DataFrame | None:
    text, message, _used = _decode(
        path.read_bytes(), path.name, settings.for_table("encoding", table)
    )
    if text is None:
        problems.append(Problem(table, None, message))
        return None
    if message:
        notes.append(message)
    header_row = settings.for_table("header_row", table)
    head = text.split("\n", 12)[:12]
    if header_row is None:
        below = _header_row_below([_cells(line) for line in head], table)
        if below is not None:
            problems.append(Problem(table, None, _title_hint(path.name, table, head[0], below)))
            return None
    skip = (header_row or 1) - 1
    header = head[skip] if skip < len(head) else text.split("\n", skip + 1)[-1].split("\n")[0]
    if "," not in header:
        for sep, sep_name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if sep in header:
                problems.append(
                    Problem(
                        table,
                        None,
                        f"{path.name} looks {sep_name}-separated (header {header[:60]!r}); "
                        "the contract expects comma-separated CSV — re-export with commas or "
                        "import it through a mapping (`kpi import`)",
                    )
                )
                return None
    try:
        return pd.read_csv(
            StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=True,
            skiprows=skip,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        problems.append(Problem(table, None, f"{path.name} could not be parsed as CSV: {exc}"))
        return None


def _read_sheet(
    workbook: Path, sheet: str, table: str, problems: list[Problem], settings: DatasetSettings
) -> pd.DataFrame | None:
    header_row = settings.for_table("header_row", table)
    df = pd.read_excel(workbook, sheet_name=sheet, dtype=str, header=(header_row or 1) - 1)
    if header_row is None:
        rows = [{str(c).strip().lower() for c in df.columns}]
        rows += [{str(v).strip().lower() for v in r} for r in df.head(10).itertuples(index=False)]
        below = _header_row_below(rows, table)
        if below is not None:
            first = " ".join(str(c) for c in df.columns if not str(c).startswith("Unnamed"))
            problems.append(
                Problem(table, None, _title_hint(f"{workbook.name}[{sheet}]", table, first, below))
            )
            return None
    return df


@dataclass
class _Folder:
    """What reading a dataset folder gave: tables, problems, file names and warnings."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    #: Parquet tables not read (``lazy``): the file, or ``<table>/*.parquet`` for a folder
    #: of parts; ``frames`` then holds an empty frame with the file's columns
    parquet: dict[str, Path] = field(default_factory=dict)


def _parquet_parts(entries: dict[str, list[Path]], name: str) -> Path | None:
    """``<name>/*.parquet`` when the folder holds a sub-folder ``<name>`` of Parquet parts."""
    for d in entries.get(name, []):
        if d.is_dir() and any(d.glob("*.parquet")):
            return d / "*.parquet"
    return None


def _read_parquet(path: Path, lazy: bool) -> pd.DataFrame:
    if not lazy:
        df = pd.read_parquet(path.parent if path.name == "*.parquet" else path)
        df.attrs["typed"] = True  # its strings are values, not text to strip
        return df
    import pyarrow.parquet as pq

    first = min(path.parent.glob("*.parquet")) if path.name == "*.parquet" else path
    return pd.DataFrame(columns=pq.read_schema(first).names)


def _read_folder(folder: Path, settings: DatasetSettings, *, lazy: bool = False) -> _Folder:
    """Read the contract tables of ``folder``; ``lazy``: Parquet files are not read (their
    columns only), for a reader that scans them in place."""
    out = _Folder()
    if not folder.is_dir():
        raise DatasetError([Problem("dataset", None, _folder_problem(folder))])
    entries: dict[str, list[Path]] = {}
    for p in sorted(folder.iterdir()):
        out.files.append(p.name)
        entries.setdefault(p.name.lower(), []).append(p)
    sheets: dict[str, tuple[Path, str]] = {}
    for key in sorted(k for k in entries if k.endswith(".xlsx") and not k.startswith("~$")):
        for wb in entries[key]:
            try:
                with pd.ExcelFile(wb) as book:
                    names = list(book.sheet_names)
                for sheet in names:
                    sheets[sheet.strip().lower()] = (wb, sheet)
            except Exception as exc:  # noqa: BLE001 - any reader failure is a structural problem
                problems_text = _broken_link(wb) or f"unreadable workbook: {exc}"
                out.problems.append(Problem(wb.name, None, problems_text))
    for name in CONTRACT:
        candidates = entries.get(f"{name}.parquet", []) + entries.get(f"{name}.csv", [])
        if len(candidates) > 1 or (candidates and name in sheets):
            found = [p.name for p in candidates]
            if name in sheets:
                found.append(f"{sheets[name][0].name} (sheet {sheets[name][1]!r})")
            out.problems.append(
                Problem(
                    name,
                    None,
                    f"several files for this table ({found}); keep only one of them",
                )
            )
            continue
        parts = None if candidates or name in sheets else _parquet_parts(entries, name)
        if not candidates and name not in sheets and parts is None:
            continue
        try:
            if parts is not None:
                df = _read_parquet(parts, lazy)
                out.sources[name] = f"{parts.parent.name}/"
                if lazy:
                    out.parquet[name] = parts
            elif candidates:
                path = candidates[0]
                link = _broken_link(path)
                if link:
                    out.problems.append(Problem(name, None, link))
                    continue
                if path.suffix.lower() == ".parquet":
                    df = _read_parquet(path, lazy)
                    if lazy:
                        out.parquet[name] = path
                else:
                    df = _read_csv(path, name, out.problems, out.notes, settings)
                out.sources[name] = path.name
            else:
                wb, sheet = sheets[name]
                df = _read_sheet(wb, sheet, name, out.problems, settings)
                out.sources[name] = "workbook"
            if df is not None:
                out.frames[name] = df
        except Exception as exc:  # noqa: BLE001
            out.problems.append(Problem(name, None, f"unreadable file: {exc}"))
    for note in out.notes:
        for name, src in out.sources.items():
            if note.startswith(f"{src} "):
                out.sources[name] = f"{src} (check encoding)"
    return out


def read_table_files(
    folder: str | Path, *, settings: DatasetSettings | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Read every contract table present in ``folder`` without validating rows.

    Looks for ``<table>.parquet``, ``<table>.csv`` (names matched ignoring case) or a sheet
    named ``<table>`` in a single ``.xlsx`` workbook. Returns the raw frames and the
    structural problems met. ``settings`` (encodings, header rows) default to none.
    """
    read = _read_folder(Path(folder), settings or DatasetSettings())
    return read.frames, read.problems


# ---------------------------------------------------------------------------------- coercion


def _as_text(series: pd.Series) -> pd.Series:
    s = series.astype("string").str.strip()
    return s.mask(s == "")


class _AmbiguousDates(ValueError):
    """A text timestamp column whose day/month order cannot be read from the values."""


def _parse_naive(text: pd.Series, fmt: str | None) -> pd.Series:
    """Parse naive text timestamps: ``fmt`` if named, ISO 8601, day/month forms whose order
    the column proves, then other unambiguous forms (``Oct 1 2026``); NaT if none fits."""
    if fmt:
        parsed = pd.to_datetime(text, errors="coerce", format=fmt)
        bad = parsed.isna()
        if bad.any():
            parsed[bad] = pd.to_datetime(text[bad], errors="coerce", format="ISO8601")
        return parsed
    parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = parsed.isna()
    if not bad.any():
        return parsed
    rest = text[bad]
    parts = rest.str.extract(_DAY_MONTH)
    dm = parts[0].notna()
    if dm.any():
        first = parts.loc[dm, 0].astype(int)
        second = parts.loc[dm, 2].astype(int)
        ambiguous = (first <= 12) & (second <= 12) & (first != second)
        day_first, month_first = first > 12, second > 12
        if ambiguous.any() or (day_first.any() and month_first.any()):
            raise _AmbiguousDates(
                _ambiguity_message(rest[dm], parts[dm], ambiguous, day_first, month_first)
            )
        parsed[rest.index[dm]] = pd.to_datetime(
            rest[dm], errors="coerce", format="mixed", dayfirst=bool(day_first.any())
        )
    if (~dm).any():
        parsed[rest.index[~dm]] = pd.to_datetime(rest[~dm], errors="coerce", format="mixed")
    return parsed


def _ambiguity_message(values, parts, ambiguous, day_first, month_first) -> str:
    i = ambiguous.idxmax() if ambiguous.any() else month_first.idxmax()
    example, sep, has_time, seconds = values[i], parts.at[i, 1], parts.at[i, 4], parts.at[i, 5]
    year = "%Y" if len(parts.at[i, 3]) == 4 else "%y"
    clock = (
        (" %H:%M:%S" if isinstance(seconds, str) else " %H:%M") if isinstance(has_time, str) else ""
    )
    dmy = f"%d{sep}%m{sep}{year}{clock}"
    mdy = f"%m{sep}%d{sep}{year}{clock}"
    a, b = int(parts.at[i, 0]), int(parts.at[i, 2])
    if day_first.any() and month_first.any():
        why = (
            f"the column mixes day-first values ({values[day_first.idxmax()]!r}) and month-first "
            f"values ({values[month_first.idxmax()]!r})"
        )
    else:
        why = f"{example!r} may be day {a} of month {b} or day {b} of month {a}"
        if day_first.any():
            why += f" (other values such as {values[day_first.idxmax()]!r} put the day first)"
        elif month_first.any():
            why += f" (other values such as {values[month_first.idxmax()]!r} put the month first)"
    return (
        f"day/month order is ambiguous: {why}; the loader does not guess. Name the format in "
        f'dataset.yaml (`timestamp_format: "{dmy}"` for day first, `"{mdy}"` for month '
        "first; or per column), or export ISO 8601 dates (2026-10-01 10:00)"
    )


def _coerce_timestamp(series: pd.Series, timezone: str, fmt: str | None = None) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(series):
        if getattr(series.dt, "tz", None) is not None:
            return series.dt.tz_convert(timezone).dt.tz_localize(None).astype("datetime64[us]")
        return series.astype("datetime64[us]")
    text = _as_text(series)
    out = pd.Series(pd.NaT, index=series.index, dtype="datetime64[us]")
    has_offset = text.str.contains(_OFFSET, na=False)
    naive = text.notna() & ~has_offset
    if naive.any():
        out[naive] = _parse_naive(text[naive], fmt).astype("datetime64[us]")
    if has_offset.any():
        parsed = pd.to_datetime(text[has_offset], errors="coerce", utc=True, format="ISO8601")
        bad = parsed.isna()
        if fmt and bad.any():
            parsed[bad] = pd.to_datetime(
                text[has_offset][bad], errors="coerce", utc=True, format=fmt
            )
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


def _coerce_number(series: pd.Series, spec: ColumnSpec) -> tuple[pd.Series, pd.Series]:
    """Numbers as float (``integer``: Int64) with non-finite values removed, and where they were.

    ``inf``, ``-inf``, ``Infinity`` and ``nan`` texts (and infinite floats) are non-finite:
    they would parse, then poison every sum they enter.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = pd.to_numeric(series, errors="coerce").astype("float64")
        nonfinite = pd.Series(np.isinf(values.to_numpy()), index=series.index)
    else:
        text = _as_text(series)
        values = pd.to_numeric(text, errors="coerce").astype("float64")
        nonfinite = pd.Series(np.isinf(values.to_numpy()), index=series.index)
        unparsed = values.isna() & text.notna()
        if unparsed.any():
            nan_text = text[unparsed].str.lower().str.lstrip("+-").isin(["nan"])
            nonfinite[nan_text[nan_text].index] = True
    if nonfinite.any():
        values = values.mask(nonfinite)
    if spec.kind == "integer":
        non_int = values.notna() & (values != np.floor(values))
        return values.mask(non_int).astype("Int64"), nonfinite
    return values, nonfinite


def _coerce(
    series: pd.Series, spec: ColumnSpec, timezone: str, fmt: str | None = None, typed=False
) -> pd.Series:
    if spec.kind in ("id", "text"):
        if pd.api.types.is_float_dtype(series):
            # ids written by a spreadsheet as floats (1001.0) are still ids
            as_int = series.dropna()
            if (as_int == np.floor(as_int)).all():
                series = series.astype("Int64")
        if typed and not pd.api.types.is_numeric_dtype(series):
            # a typed (Parquet) string is used as it is: only empty means missing
            s = series.astype("string")
            return s.mask(s == "")
        return _as_text(series)
    if spec.kind == "timestamp":
        return _coerce_timestamp(series, timezone, fmt)
    if spec.kind == "date":
        return _coerce_timestamp(series, timezone, fmt).dt.normalize()
    if spec.kind in ("number", "integer"):
        return _coerce_number(series, spec)[0]
    if spec.kind == "boolean":
        return _coerce_boolean(series)
    raise ValueError(f"Unknown column kind {spec.kind!r} for column `{spec.name}`.")


# ---------------------------------------------------------------------------------- pandera


def pandera_schema(spec: TableSpec, present_columns: list[str] | None = None) -> pa.DataFrameSchema:
    """A pandera schema of a coerced contract table's column rules (documentation and
    interoperability; the loader itself runs the rules of :mod:`kpi_lib.data.rules`)."""
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


# ---------------------------------------------------------------------------------- validation

#: The bounds of one load (kept under its former name for callers of this module).
_Rules = Bounds


def _rules(
    timezone: str,
    plausibility: Plausibility | Mapping | None,
    exported_at,
    timestamp_format: str | Mapping | None,
    indicators,
) -> tuple[Bounds | None, list[Problem]]:
    problems: list[Problem] = []
    if plausibility is None:
        plausibility = Plausibility()
    elif isinstance(plausibility, Mapping):
        known = {f.name for f in fields(Plausibility)}
        extra = sorted(set(plausibility) - known)
        if extra:
            message = f"unknown setting(s) {extra}; expected some of {sorted(known)}"
            return None, [Problem("plausibility", None, message)]
        plausibility = Plausibility(**plausibility)
    if isinstance(timestamp_format, Mapping):
        formats = {str(k): str(v) for k, v in timestamp_format.items()}
    else:
        formats = {"*": timestamp_format} if timestamp_format else {}

    def bound(value, key: str, end_of_day: bool) -> pd.Timestamp | None:
        try:
            return _local_time(value, timezone, end_of_day=end_of_day)
        except (ValueError, TypeError) as exc:
            problems.append(
                Problem(
                    "dataset.yaml",
                    key,
                    f"{value!r} is not a date or date-time such as 2026-11-01 06:00 ({exc})",
                )
            )
            return None

    earliest = bound(plausibility.earliest, "plausibility.earliest", False)
    if plausibility.latest is not None:
        latest = bound(plausibility.latest, "plausibility.latest", True)
    elif exported_at is not None:
        latest = bound(exported_at, "exported_at", True)
    else:
        latest = pd.Timestamp.now(tz=timezone).tz_localize(None)
    if problems:
        return None, problems
    directions = None
    if indicators is not None:
        items = (
            indicators.items()
            if isinstance(indicators, Mapping)
            else ((i, None) for i in indicators)
        )
        directions = {str(k): getattr(v, "direction", v) for k, v in items}
    return (
        Bounds(float(plausibility.max_duration_s), earliest, latest, formats, directions),
        problems,
    )


def read_bounds(
    timezone: str,
    settings: DatasetSettings,
    indicators: Mapping | Iterable[str] | None = None,
) -> Bounds:
    """The rule bounds of a dataset's settings (``plausibility``, ``exported_at``,
    ``timestamp_format``) in ``timezone``; a DatasetError names a malformed one."""
    bounds, problems = _rules(
        timezone,
        settings.plausibility,
        settings.exported_at,
        settings.timestamp_format,
        indicators,
    )
    if problems:
        raise DatasetError(problems)
    return bounds


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


def coerce_column(
    series: pd.Series, spec: ColumnSpec, timezone: str, fmt: str | None = None, typed=False
) -> tuple[pd.Series, pd.Series]:
    """A raw column coerced to its contract kind, and where it held a non-finite number.

    Text is stripped (empty is missing; ``typed``: strings of a typed file such as Parquet
    are used as they are, empty is missing); timestamps become naive wall-clock times in
    ``timezone`` (``fmt``: the column's strftime format, else ISO 8601 and day/month forms
    whose order the values prove); numbers are floats (``integer``: whole numbers, Int64)
    without non-finite values. A value present but not coercible becomes missing.

    Raises
    ------
    ValueError
        (``_AmbiguousDates``) when a timestamp column's day/month order is ambiguous.
    """
    if spec.kind in ("number", "integer"):
        return _coerce_number(series, spec)
    coerced = _coerce(series, spec, timezone, fmt, typed)
    return coerced, pd.Series(False, index=series.index)


def _coerce_table(
    spec: TableSpec, raw: pd.DataFrame, timezone: str, bounds: Bounds
) -> tuple[pd.DataFrame, dict, dict, list[Problem]]:
    """Coerce one table's columns: the coerced frame, per column the rows whose value did not
    coerce and the rows holding a non-finite number, and structural problems (a timestamp
    column whose day/month order is ambiguous)."""
    df = raw.copy()
    failed: dict[str, pd.Series] = {}
    non_finite: dict[str, pd.Series] = {}
    problems: list[Problem] = []
    for c in spec.columns:
        if c.name not in df.columns:
            continue
        try:
            coerced, nonfinite = coerce_column(
                raw[c.name],
                c,
                timezone,
                bounds.format_for(spec.name, c.name),
                typed=raw.attrs.get("typed", False),
            )
        except _AmbiguousDates as exc:
            problems.append(Problem(spec.name, c.name, str(exc)))
            continue
        if c.kind not in ("id", "text"):
            failed[c.name] = raw[c.name].notna() & coerced.isna()
            non_finite[c.name] = nonfinite
        df[c.name] = coerced
    return df, failed, non_finite, problems


def _rule_pieces(
    spec: TableSpec,
    df: pd.DataFrame,
    raw: pd.DataFrame,
    bounds: Bounds,
    failed: dict,
    non_finite: dict,
    valid: dict,
) -> list[pd.DataFrame]:
    """Quarantine pieces of every rule of the table (:func:`kpi_lib.data.rules.table_rules`)."""
    pieces = []
    for rule in table_rules(spec, df.columns, bounds, loaded=valid):
        mask = pandas_mask(
            rule, df, bounds, failed=failed, non_finite=non_finite, valid=valid
        ).to_numpy()
        if mask.any():
            values = (df if rule.shows_coerced else raw).loc[mask, rule.column]
            pieces.append(_piece(spec.name, np.flatnonzero(mask), rule.column, rule.reason, values))
    return pieces


def _structural_problems(
    frames: dict[str, pd.DataFrame], files: list[str] | None = None
) -> list[Problem]:
    problems = []
    for spec in CONTRACT.values():
        if spec.name not in frames:
            if spec.required:
                problems.append(Problem(spec.name, None, _missing_table(spec.name, files)))
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


def _missing_table(name: str, files: list[str] | None) -> str:
    message = "required table is missing"
    if files is None:
        return message
    shown = [f for f in files if not f.startswith(".")]
    stems = {f.rsplit(".", 1)[0]: f for f in shown}
    close = difflib.get_close_matches(name, list(stems), n=1, cutoff=0.7)
    hint = (
        f"; did you mean {stems[close[0]]!r}? (rename it to {name}.csv or {name}.parquet)"
        if close
        else ""
    )
    listing = f"{shown[:20]}{' ...' if len(shown) > 20 else ''}" if shown else "none"
    return (
        f"{message} (looked for {name}.csv, {name}.parquet or a `{name}` sheet of an .xlsx "
        f"workbook; files in the folder: {listing}){hint}"
    )


def validate_tables(
    frames: dict[str, pd.DataFrame],
    *,
    timezone: str = DEFAULT_TIMEZONE,
    source: str | Path | None = None,
    name: str = "dataset",
    sources: dict[str, str] | None = None,
    plausibility: Plausibility | Mapping | None = None,
    exported_at=None,
    timestamp_format: str | Mapping[str, str] | None = None,
    indicators: Mapping | Iterable[str] | None = None,
    warnings: Iterable[str] = (),
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
    plausibility : Plausibility or dict, optional
        ``max_duration_s``, ``earliest``, ``latest`` (defaults: 4 h, 2000-01-01, the export).
    exported_at : date, datetime or str, optional
        When the export was made; timestamps after it are quarantined (default: now, in
        ``timezone``). A bare date covers that whole day.
    timestamp_format : str or dict, optional
        strftime format of non-ISO text timestamps, for every column or per ``table.column``
        (or ``table``). Without it, a column whose day/month order is ambiguous is a
        structural problem.
    indicators : dict or iterable, optional
        The indicator catalogue: ids, or id -> direction (``higher``/``lower``, or an object
        with a ``direction`` attribute, e.g. ``kpi_lib.indicators.catalogue.CATALOGUE``).
        Targets naming another id are quarantined; with directions, so are thresholds and
        stretches on the wrong side of the target. Not checked when None.
    warnings : iterable of str
        Doubts met while reading the files, kept in :attr:`Dataset.warnings`.

    Returns
    -------
    Dataset
        Valid rows in ``tables``; rejected rows in ``quarantine`` (table, row, column,
        reason, value); counts in ``load_report`` (table, source, rows_read, rows_used,
        rows_quarantined, reason, rows).

    Raises
    ------
    DatasetError
        Listing every structural problem (missing required tables or columns, an unknown
        timezone, ambiguous day/month timestamps, malformed plausibility settings).
    """
    frames = {k: v.rename(columns=lambda c: str(c).strip()) for k, v in frames.items()}
    unknown = sorted(set(frames) - set(CONTRACT))
    problems = _structural_problems(frames)
    if unknown:
        problems.append(
            Problem(", ".join(unknown), None, f"not contract tables; expected {sorted(CONTRACT)}")
        )
    tz_problem = _timezone_problem(timezone, "dataset")
    if tz_problem:
        problems.append(tz_problem)
        timezone = DEFAULT_TIMEZONE  # only to keep checking; the load fails below
    rules, rule_problems = _rules(timezone, plausibility, exported_at, timestamp_format, indicators)
    problems += rule_problems
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
        raw = frames[spec.name].reset_index(drop=True)
        df, failed, non_finite, found = _coerce_table(spec, raw, timezone, rules)
        if found:
            problems += found
            continue
        pieces = _rule_pieces(spec, df, raw, rules, failed, non_finite, valid)
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
    if problems:
        raise DatasetError(problems, source)
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
        warnings=list(warnings),
    )


@dataclass
class OpenedFolder:
    """A dataset folder whose structure is checked: settings, timezone and the tables read
    (Parquet tables left unread when opened ``lazy``; see :func:`open_folder`)."""

    folder: Path
    settings: DatasetSettings
    timezone: str
    read: _Folder


def open_folder(
    path: str | Path, *, timezone: str | None = None, lazy: bool = False
) -> OpenedFolder:
    """Check a dataset folder's structure and read its tables (without validating rows).

    Parameters
    ----------
    path : str or Path
        The dataset folder (relative paths against the project root).
    timezone : str, optional
        Overrides the folder's ``dataset.yaml``; default ``Asia/Shanghai``.
    lazy : bool
        Leave Parquet tables unread (``read.parquet`` holds their paths and ``read.frames``
        empty frames with their columns), for a reader that scans them in place.

    Returns
    -------
    OpenedFolder
        ``folder``, ``settings``, ``timezone`` and ``read`` (frames, sources, warnings).

    Raises
    ------
    DatasetError
        Listing every structural problem: the folder, ``dataset.yaml``, the timezone,
        unreadable files, missing required tables or columns.
    """
    from kpi_lib.paths import resolve

    try:
        folder = resolve(path)
    except (RuntimeError, OSError):  # resolving a symbolic link loop
        folder = Path(path).absolute()
    if not folder.is_dir():
        raise DatasetError([Problem("dataset", None, _folder_problem(folder))])
    settings, problems = _parse_settings(_read_settings(folder))
    tz = timezone or settings.timezone or DEFAULT_TIMEZONE
    tz_problem = _timezone_problem(tz, "timezone argument" if timezone else "dataset.yaml")
    if tz_problem:
        problems.append(tz_problem)
    read = _read_folder(folder, settings, lazy=lazy)
    problems += read.problems
    bad_tables = {p.table for p in read.problems}
    problems += [
        p for p in _structural_problems(read.frames, read.files) if p.table not in bad_tables
    ]
    if problems:
        raise DatasetError(problems, folder)
    return OpenedFolder(folder, settings, tz, read)


def load_dataset(
    path: str | Path,
    *,
    timezone: str | None = None,
    indicators: Mapping | Iterable[str] | None = None,
) -> Dataset:
    """Load and validate a dataset folder.

    Parameters
    ----------
    path : str or Path
        Folder with one file per contract table (``.csv``, ``.parquet``, or sheets of one
        ``.xlsx``; names matched ignoring case), and optionally ``dataset.yaml`` (``name``,
        ``timezone``, ``exported_at``, ``plausibility``, ``timestamp_format``,
        ``encoding``, ``header_row``: see ``docs/data-contract.md``). Relative paths are
        resolved against the project root (see :func:`kpi_lib.paths.resolve`).
    timezone : str, optional
        Overrides the dataset's configured timezone (default ``Asia/Shanghai``).
    indicators : dict or iterable, optional
        The indicator catalogue, to quarantine targets for unknown indicators and
        thresholds on the wrong side of the target (see :func:`validate_tables`).

    Returns
    -------
    Dataset
        See :func:`validate_tables`. Doubts that did not stop the load (a CSV read as
        Windows-1252) are in :attr:`Dataset.warnings` and raised as :class:`UserWarning`.

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
    opened = open_folder(path, timezone=timezone)
    for note in opened.read.notes:
        warn(note, UserWarning, stacklevel=2)
    settings, read, tz, folder = opened.settings, opened.read, opened.timezone, opened.folder
    data = validate_tables(
        read.frames,
        timezone=tz,
        source=folder,
        name=settings.name or folder.name,
        sources=read.sources,
        plausibility=settings.plausibility,
        exported_at=settings.exported_at,
        timestamp_format=settings.timestamp_format,
        indicators=indicators,
        warnings=read.notes,
    )
    from kpi_lib.data.mapping.record import with_import_record  # rows set aside at import

    return with_import_record(data, folder)
