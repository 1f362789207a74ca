"""Bring your own export: a small YAML mapping turns a CRM / dialler export into a dataset.

No team's export matches the data contract: columns have other names (often Chinese), outcomes
other codes, times other formats. A mapping file (``params/mappings/*.yaml``, every key is
documented in ``docs/mappings.md``) says, per contract table, which file(s) to read and how to
turn their columns into contract columns. :func:`import_export` applies it and validates the
result with :func:`kpi_lib.data.load.validate_tables`, so the usual quarantine and load report
apply.

Nothing is dropped silently. A row leaves the import only through a rule written in the
mapping (a ``filter``, a ``drop`` sentinel, ``distinct``) or through the loader's quarantine,
and :attr:`ImportResult.accounting` counts every source row under exactly one of them::

    rows read = rows dropped (per rule) + rows merged (distinct) + rows quarantined + rows used

The mapping language is declarative and small (no ``eval``): a column is a source column, a
constant, a concatenation, a generated row number, a duration between two times, or a date
built from parts; values can be recoded, parsed with stated formats and nulled or dropped as
sentinels.
"""

from __future__ import annotations

import glob as _glob
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kpi_lib._util import nearest
from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import DEFAULT_TIMEZONE, Dataset
from kpi_lib.data.load import validate_tables

__all__ = [
    "MappingError",
    "Mapping",
    "TableBlock",
    "ImportResult",
    "ACCOUNTING_COLUMNS",
    "load_mapping",
    "parse_mapping",
    "import_export",
    "read_source",
]

#: Columns of :attr:`ImportResult.accounting`.
ACCOUNTING_COLUMNS = ["table", "source", "stage", "rule", "rows"]
#: Stages that partition the rows read (they sum to ``read`` for every table and source).
BALANCE_STAGES = ("dropped", "merged", "quarantined", "used")

TOP_KEYS = ("name", "description", "timezone", "tables", "empty_tables", "absent_tables", "notes")
BLOCK_KEYS = (
    "file",
    "inline",
    "format",
    "sep",
    "encoding",
    "sheet",
    "header_row",
    "columns",
    "extra",
    "recode",
    "parse",
    "sentinels",
    "filters",
    "distinct",
    "note",
)
FORMATS = ("auto", "csv", "xlsx", "parquet")
ENCODINGS = ("auto", "utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "latin-1")
SPEC_KEYS = ("column", "const", "concat", "row_number", "duration", "date_parts")
PARSE_KEYS = (
    "format",
    "date_from",
    "date_format",
    "roll_over_from",
    "clock_to_seconds",
    "number",
)
FILTER_OPS = ("in", "not_in", "equals", "empty", "duplicates")
SENTINEL_ACTIONS = ("null", "drop")
_MONTHS = {
    m: i
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for m in names
}
_ROW = "__source_row__"


class MappingError(ValueError):
    """A mapping cannot be used; ``problems`` lists every problem found (each names its key)."""

    def __init__(self, problems: list[str], source: str | Path | None = None):
        self.problems = list(problems)
        head = f"Mapping {str(source)!r} is not valid" if source else "Mapping is not valid"
        lines = [f"{head}: {len(self.problems)} problem(s)."]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))


# --------------------------------------------------------------------------- YAML reading


class _Loader(yaml.SafeLoader):
    """YAML 1.2-style booleans: only true/false, so ``yes: "true"`` recodes the string 'yes'."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


@dataclass(frozen=True)
class TableBlock:
    """One source of one contract table and how its columns become contract columns."""

    table: str
    index: int
    spec: dict

    @property
    def key(self) -> str:
        """The mapping key path of this block, used in messages."""
        return f"tables.{self.table}[{self.index}]"


@dataclass(frozen=True)
class Mapping:
    """A validated mapping (see :func:`load_mapping`)."""

    name: str
    timezone: str
    blocks: tuple[TableBlock, ...]
    empty_tables: dict[str, str] = field(default_factory=dict)
    absent_tables: dict[str, str] = field(default_factory=dict)
    description: str = ""
    notes: str = ""
    path: Path | None = None

    @property
    def tables(self) -> list[str]:
        """Contract tables the mapping fills (from sources or declared empty)."""
        names = [b.table for b in self.blocks] + list(self.empty_tables)
        return [t for t in CONTRACT if t in names]


def _did_you_mean(name, candidates) -> str:
    close = nearest(str(name), candidates, n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


def _check_keys(d: dict, allowed, key: str, problems: list[str]) -> None:
    for k in d:
        if k not in allowed:
            problems.append(
                f"`{key}.{k}`: unknown key.{_did_you_mean(k, allowed)} "
                f"Valid keys: {', '.join(allowed)}."
            )


def _table_reasons(value, key: str, problems: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, list):
        return {str(t): "" for t in value}
    if isinstance(value, dict):
        return {str(t): str(r or "") for t, r in value.items()}
    problems.append(f"`{key}`: must be a list of tables or a mapping table -> reason.")
    return {}


def _check_table_name(name: str, key: str, problems: list[str]) -> bool:
    if name in CONTRACT:
        return True
    problems.append(
        f"`{key}`: {name!r} is not a contract table.{_did_you_mean(name, CONTRACT)} "
        f"Contract tables: {', '.join(CONTRACT)}."
    )
    return False


def _normalise_spec(spec: dict) -> tuple[str, object]:
    """(kind, value) of a dict column spec; concat and row_number options are folded in."""
    kind = next(k for k in spec if k in SPEC_KEYS)
    value = spec[kind]
    if kind == "concat":
        if isinstance(value, dict):
            value = dict(value)
        else:
            value = {"columns": value}
        value.setdefault("sep", spec.get("sep", "-"))
    elif kind == "row_number":
        value = dict(value) if isinstance(value, dict) else ({} if value is True else value)
        for opt in ("prefix", "start"):
            if opt in spec:
                value[opt] = spec[opt]
    return kind, value


def _source_columns_of_spec(spec, key: str, problems: list[str]) -> list[tuple[str, str]]:
    """Validate a column spec; return (key, source column) pairs it reads."""
    if isinstance(spec, str):
        return [(key, spec)]
    if isinstance(spec, (int, float, bool)) or spec is None:
        problems.append(
            f"`{key}`: {spec!r} is not a column spec; write a source column name, or "
            f"`{{const: {spec!r}}}` for a constant."
        )
        return []
    kinds = [k for k in spec if k in SPEC_KEYS] if isinstance(spec, dict) else []
    if not isinstance(spec, dict) or len(kinds) != 1:
        unknown = [k for k in spec if k not in SPEC_KEYS] if isinstance(spec, dict) else []
        hint = _did_you_mean(unknown[0], SPEC_KEYS) if unknown and not kinds else ""
        problems.append(
            f"`{key}`: a column spec is a source column name or a mapping with exactly one of "
            f"{', '.join(SPEC_KEYS)}.{hint}"
        )
        return []
    kind, value = _normalise_spec(spec)
    allowed_options = {"concat": ("sep",), "row_number": ("prefix", "start")}.get(kind, ())
    for k in spec:
        if k != kind and k not in allowed_options:
            problems.append(
                f"`{key}.{k}`: unknown option of `{kind}`.{_did_you_mean(k, allowed_options)}"
                f" Valid options: {', '.join(allowed_options) or 'none'}."
            )
    sub = f"{key}.{kind}"
    if kind == "column":
        return [(sub, str(value))]
    if kind == "const":
        return []
    if kind == "concat":
        cols = value.get("columns")
        if not isinstance(cols, list) or not cols:
            problems.append(f"`{sub}`: give a list of source columns to join.")
            return []
        return [(sub, str(c)) for c in cols]
    if kind == "row_number":
        if not isinstance(value, dict):
            problems.append(f"`{sub}`: write `true`, or `{{row_number: true, prefix: 'C-'}}`.")
        return []
    if kind == "duration":
        if not isinstance(value, dict):
            problems.append(f"`{sub}`: needs `start` and `end` source columns.")
            return []
        _check_keys(value, ("start", "end", "format", "wrap_midnight"), sub, problems)
        out = []
        for part in ("start", "end"):
            if part not in value:
                problems.append(f"`{sub}.{part}`: missing (a source column).")
            else:
                out.append((f"{sub}.{part}", str(value[part])))
        return out
    if kind == "date_parts":
        if not isinstance(value, dict):
            problems.append(f"`{sub}`: needs `month` (and `day`, `year`).")
            return []
        _check_keys(value, ("year", "month", "day", "infer_year_from_order"), sub, problems)
        if "month" not in value:
            problems.append(f"`{sub}.month`: missing (a source column).")
        if "year" not in value and "infer_year_from_order" not in value:
            problems.append(
                f"`{sub}`: give `year` (a source column) or `infer_year_from_order` "
                "(the first year, for files ordered by date that have no year)."
            )
        return [(f"{sub}.{p}", str(value[p])) for p in ("year", "month", "day") if p in value]
    return []  # pragma: no cover


def _validate_block(block: TableBlock, problems: list[str]) -> list[tuple[str, str]]:
    """Structural checks of one block; returns (key, source column) pairs to check later."""
    spec, key, table = block.spec, block.key, CONTRACT[block.table]
    _check_keys(spec, BLOCK_KEYS, key, problems)
    reads: list[tuple[str, str]] = []
    has_file, has_inline = "file" in spec, "inline" in spec
    if has_file == has_inline:
        problems.append(f"`{key}`: give exactly one of `file` (a glob) or `inline` (rows).")
    if has_inline and not (
        isinstance(spec["inline"], list) and all(isinstance(r, dict) for r in spec["inline"])
    ):
        problems.append(f"`{key}.inline`: must be a list of rows (column: value).")
    fmt = spec.get("format", "auto")
    if fmt not in FORMATS:
        problems.append(
            f"`{key}.format`: {fmt!r} is not one of {list(FORMATS)}.{_did_you_mean(fmt, FORMATS)}"
        )
    enc = str(spec.get("encoding", "auto")).lower()
    if enc not in ENCODINGS:
        problems.append(f"`{key}.encoding`: {enc!r} is not one of {list(ENCODINGS)}.")
    hr = spec.get("header_row", 1)
    if not isinstance(hr, int) or isinstance(hr, bool) or hr < 1:
        problems.append(f"`{key}.header_row`: must be a whole number >= 1 (1 = first row).")
    columns = spec.get("columns") or {}
    extra = spec.get("extra") or {}
    for part, value in (("columns", columns), ("extra", extra)):
        if not isinstance(value, dict):
            problems.append(f"`{key}.{part}`: must be a mapping target column -> spec.")
    if not isinstance(columns, dict) or not isinstance(extra, dict):
        return reads
    inline_cols = set()
    if has_inline and isinstance(spec["inline"], list):
        inline_cols = {str(k) for r in spec["inline"] if isinstance(r, dict) for k in r}
    for target, cspec in columns.items():
        ckey = f"{key}.columns.{target}"
        if target not in table.column_names:
            problems.append(
                f"`{ckey}`: {target!r} is not a column of contract table `{table.name}`."
                f"{_did_you_mean(target, table.column_names)} Contract columns: "
                f"{', '.join(table.column_names)}. (Keep other columns under `extra:`.)"
            )
            continue
        reads += _source_columns_of_spec(cspec, ckey, problems)
    for target, cspec in extra.items():
        ckey = f"{key}.extra.{target}"
        if target in table.column_names:
            problems.append(
                f"`{ckey}`: {target!r} is a contract column of `{table.name}`; map it under "
                "`columns:`."
            )
            continue
        reads += _source_columns_of_spec(cspec, ckey, problems)
    targets = set(columns) | set(extra)
    if has_inline and not columns and not extra:
        targets = inline_cols
    for col in table.required_columns:
        if col not in targets:
            problems.append(
                f"`{key}.columns`: required contract column `{table.name}.{col}` is not mapped."
                " Map it to a source column, or give `{const: ...}`."
            )
    for part in ("recode", "parse"):
        section = spec.get(part) or {}
        if not isinstance(section, dict):
            problems.append(f"`{key}.{part}`: must be a mapping target column -> rules.")
            continue
        for target, rules in section.items():
            pkey = f"{key}.{part}.{target}"
            if target not in targets:
                problems.append(
                    f"`{pkey}`: {target!r} is not a mapped column of this block."
                    f"{_did_you_mean(target, targets)} Mapped: {', '.join(sorted(targets))}."
                )
            if not isinstance(rules, dict):
                problems.append(f"`{pkey}`: must be a mapping.")
                continue
            if part == "parse":
                _check_keys(rules, PARSE_KEYS, pkey, problems)
                kinds = [k for k in ("format", "clock_to_seconds", "number") if k in rules]
                if len(kinds) != 1:
                    problems.append(
                        f"`{pkey}`: give exactly one of `format` (date/time), "
                        "`clock_to_seconds` (H:MM:SS to seconds) or `number`."
                    )
                for k in ("date_from", "roll_over_from"):
                    if k in rules:
                        reads.append((f"{pkey}.{k}", str(rules[k])))
                if "number" in rules and isinstance(rules["number"], dict):
                    _check_keys(rules["number"], ("decimal", "thousands", "strip"), pkey, problems)
    sentinels = spec.get("sentinels") or {}
    if not isinstance(sentinels, dict):
        problems.append(f"`{key}.sentinels`: must be a mapping source column -> values.")
        sentinels = {}
    for col, rule in sentinels.items():
        skey = f"{key}.sentinels.{col}"
        reads.append((skey, str(col)))
        if isinstance(rule, dict):
            _check_keys(rule, ("values", "action", "reason"), skey, problems)
            action = rule.get("action", "null")
            if action not in SENTINEL_ACTIONS:
                problems.append(
                    f"`{skey}.action`: {action!r} is not one of {list(SENTINEL_ACTIONS)}."
                )
            if action == "drop" and not rule.get("reason"):
                problems.append(f"`{skey}.reason`: a `drop` sentinel must state its reason.")
            if not isinstance(rule.get("values"), list):
                problems.append(f"`{skey}.values`: must be a list of values.")
        elif not isinstance(rule, list):
            problems.append(f"`{skey}`: a list of values, or {{values, action, reason}}.")
    filters = spec.get("filters") or []
    if not isinstance(filters, list):
        problems.append(f"`{key}.filters`: must be a list of rules.")
        filters = []
    for i, rule in enumerate(filters):
        fkey = f"{key}.filters[{i}]"
        if not isinstance(rule, dict):
            problems.append(f"`{fkey}`: must be a mapping.")
            continue
        _check_keys(rule, ("column", "reason", *FILTER_OPS), fkey, problems)
        ops = [op for op in FILTER_OPS if op in rule]
        if len(ops) != 1:
            problems.append(f"`{fkey}`: give exactly one of {', '.join(FILTER_OPS)}.")
        if not rule.get("reason"):
            problems.append(f"`{fkey}.reason`: every filter must state why rows are dropped.")
        if ops and ops[0] != "duplicates":
            if "column" not in rule:
                problems.append(f"`{fkey}.column`: missing (the source column tested).")
            else:
                reads.append((f"{fkey}.column", str(rule["column"])))
        elif ops and isinstance(rule["duplicates"], list):
            reads += [(f"{fkey}.duplicates", str(c)) for c in rule["duplicates"]]
    return reads


def parse_mapping(raw: dict, *, path: str | Path | None = None) -> Mapping:
    """Validate a mapping given as a dict (the parsed YAML) and return a :class:`Mapping`.

    Raises
    ------
    MappingError
        Listing every problem, each naming its mapping key and the nearest valid key,
        contract table or contract column.
    """
    problems: list[str] = []
    if not isinstance(raw, dict):
        raise MappingError(["the mapping must be a YAML mapping of keys"], path)
    _check_keys(raw, TOP_KEYS, "mapping", problems)
    empty = _table_reasons(raw.get("empty_tables"), "empty_tables", problems)
    absent = _table_reasons(raw.get("absent_tables"), "absent_tables", problems)
    for t in empty:
        _check_table_name(t, f"empty_tables.{t}", problems)
    for t in absent:
        if _check_table_name(t, f"absent_tables.{t}", problems) and CONTRACT[t].required:
            problems.append(
                f"`absent_tables.{t}`: `{t}` is a required table; list it under "
                "`empty_tables` (an empty table is written and the report says so)."
            )
    tz = str(raw.get("timezone") or DEFAULT_TIMEZONE)
    try:
        pd.Timestamp("2026-01-01").tz_localize(tz)
    except Exception:  # noqa: BLE001 - any failure means an unusable timezone
        problems.append(f"`timezone`: {tz!r} is not an IANA timezone such as 'Asia/Shanghai'.")
    tables = raw.get("tables") or {}
    blocks: list[TableBlock] = []
    if not isinstance(tables, dict) or not tables:
        problems.append("`tables`: missing; map at least one contract table to a source file.")
        tables = {}
    for name, value in tables.items():
        if not _check_table_name(str(name), f"tables.{name}", problems):
            continue
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(f"`tables.{name}[{i}]`: must be a mapping (file, columns, ...).")
                continue
            blocks.append(TableBlock(str(name), i, item))
        if name in empty or name in absent:
            problems.append(
                f"`tables.{name}`: also listed under empty_tables/absent_tables; choose one."
            )
    for block in blocks:
        _validate_block(block, problems)
    covered = {b.table for b in blocks} | set(empty)
    for spec in CONTRACT.values():
        if spec.required and spec.name not in covered:
            problems.append(
                f"`tables.{spec.name}`: required contract table is not mapped; map it or list it "
                "under `empty_tables` with a reason."
            )
    if problems:
        raise MappingError(problems, path)
    return Mapping(
        name=str(raw.get("name") or (Path(path).stem if path else "import")),
        timezone=tz,
        blocks=tuple(blocks),
        empty_tables=empty,
        absent_tables=absent,
        description=str(raw.get("description") or "").strip(),
        notes=str(raw.get("notes") or "").strip(),
        path=Path(path) if path else None,
    )


def load_mapping(path: str | Path) -> Mapping:
    """Read and validate a mapping YAML file.

    Parameters
    ----------
    path : str or Path
        The mapping file; relative paths are resolved against the project root.

    Returns
    -------
    Mapping

    Raises
    ------
    MappingError
        Listing every problem; each names the mapping key (e.g.
        ``tables.calls[0].columns.outcom``) and the nearest valid key or contract column.
        Source columns that are not in the file are checked by :func:`import_export`.

    Examples
    --------
    >>> m = load_mapping("params/mappings/anonymous_bank.yaml")  # doctest: +SKIP
    """
    from kpi_lib.paths import resolve

    path = resolve(path)
    if not path.is_file():
        raise MappingError([f"file {str(path)!r} does not exist"], path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    except yaml.YAMLError as exc:
        raise MappingError([f"not valid YAML: {exc}"], path) from exc
    return parse_mapping(raw, path=path)


# --------------------------------------------------------------------------- reading sources


def _decode(raw: bytes, encoding: str) -> str:
    if encoding != "auto":
        return raw.decode(encoding)
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnicodeDecodeError("auto", raw[:1], 0, 1, "neither UTF-8 nor GB18030")


def _sniff_sep(line: str) -> str:
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_source(path: str | Path, spec: dict | None = None) -> pd.DataFrame:
    """Read one source file as text columns, following a block's reading options.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` (also ``.txt``/``.tsv``), ``.xlsx`` or ``.parquet`` file.
    spec : dict, optional
        Reading keys of a mapping block: ``format``, ``sep``, ``encoding``, ``sheet``,
        ``header_row`` (1-based row holding the column names; rows above it are titles).

    Returns
    -------
    DataFrame
        Source columns (names stripped of spaces and byte-order marks); CSV and Excel values
        are strings, empty cells are missing.
    """
    spec = spec or {}
    path = Path(path)
    fmt = spec.get("format", "auto")
    if fmt == "auto":
        fmt = {".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}.get(
            path.suffix.lower(), "csv"
        )
    skip = int(spec.get("header_row", 1)) - 1
    if fmt == "parquet":
        df = pd.read_parquet(path)
    elif fmt == "xlsx":
        df = pd.read_excel(path, sheet_name=spec.get("sheet", 0), header=skip, dtype=str)
    else:
        text = _decode(path.read_bytes(), str(spec.get("encoding", "auto")).lower())
        text = text.lstrip("\ufeff")
        lines = text.split("\n", skip + 1)
        header = lines[skip] if len(lines) > skip else ""
        sep = spec.get("sep") or _sniff_sep(header)
        df = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            skiprows=skip,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
    df.columns = [str(c).replace("\ufeff", "").strip() for c in df.columns]
    df = df.loc[:, [not c.startswith("Unnamed:") or df[c].notna().any() for c in df.columns]]
    return df


# --------------------------------------------------------------------------- transforming


def _text(s: pd.Series) -> pd.Series:
    out = s.astype("string").str.strip()
    return out.mask(out == "")


def _unparseable(raw: pd.Series, bad: pd.Series, what: str) -> pd.Series:
    return "unparseable as " + what + ": " + raw[bad].astype(str)


def _clock(s: pd.Series, fmt: str) -> pd.Series:
    """Time of day as a Timedelta since midnight (hours may lack a leading zero)."""
    t = pd.to_datetime(_text(s), format=fmt, errors="coerce")
    return t - t.dt.normalize()


def _parse_datetime(
    values: pd.Series, rules: dict, src: pd.DataFrame
) -> tuple[pd.Series, dict[str, int]]:
    fmt = rules["format"]
    text = _text(values)
    notes: dict[str, int] = {}
    if "date_from" in rules:
        clock = _clock(text, fmt)
        date_fmt = rules.get("date_format")
        day = pd.to_datetime(_text(src[rules["date_from"]]), format=date_fmt, errors="coerce")
        result = day.dt.normalize() + clock
        if "roll_over_from" in rules:
            ref = _clock(src[rules["roll_over_from"]], fmt)
            # earlier by more than 12 h means the next day; a few seconds earlier is clock skew
            rolled = (clock < ref - pd.Timedelta(hours=12)).fillna(False)
            result = result.where(~rolled, result + pd.Timedelta(days=1))
            notes["time over 12 h earlier than its reference time: moved to the next day"] = int(
                rolled.sum()
            )
    else:
        result = pd.to_datetime(text, format=fmt, errors="coerce")
    out = result.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
    bad = text.notna() & result.isna()
    out[bad] = _unparseable(text, bad, repr(fmt))
    out[text.isna()] = None
    return pd.Series(out, index=values.index), notes


def _parse_value(values: pd.Series, rules: dict, src: pd.DataFrame):
    if "format" in rules:
        return _parse_datetime(values, rules, src)
    text = _text(values)
    if "clock_to_seconds" in rules:
        parts = text.str.split(":", expand=False)
        secs = pd.Series(np.nan, index=values.index)
        ok = parts.notna()
        for i in parts[ok].index:
            try:
                nums = [float(p) for p in parts[i]]
            except ValueError:
                continue
            if 1 <= len(nums) <= 3:
                secs[i] = sum(n * 60**k for k, n in enumerate(reversed(nums)))
    else:
        opts = rules.get("number") or {}
        opts = opts if isinstance(opts, dict) else {}
        t = text
        for s in opts.get("strip", []) or []:
            t = t.str.replace(str(s), "", regex=False)
        if opts.get("thousands"):
            t = t.str.replace(str(opts["thousands"]), "", regex=False)
        if opts.get("decimal") and opts["decimal"] != ".":
            t = t.str.replace(str(opts["decimal"]), ".", regex=False)
        secs = pd.to_numeric(t.str.strip(), errors="coerce").astype("float64")
    bad = text.notna() & secs.isna()
    if not bad.any():
        return secs.astype("float64"), {}
    out = secs.astype(object)
    out[bad] = _unparseable(text, bad, "seconds" if "clock_to_seconds" in rules else "number")
    out[text.isna()] = None
    return out, {}


def _duration(src: pd.DataFrame, spec: dict) -> tuple[pd.Series, dict[str, int]]:
    fmt = spec.get("format")
    start, end = _text(src[spec["start"]]), _text(src[spec["end"]])
    if fmt:
        a, b = _clock(start, fmt), _clock(end, fmt)
    else:
        a = pd.to_datetime(start, errors="coerce", format="mixed")
        b = pd.to_datetime(end, errors="coerce", format="mixed")
    secs = (b - a).dt.total_seconds()
    notes = {}
    if spec.get("wrap_midnight", False):
        neg = (secs < 0).fillna(False)
        secs = secs.where(~neg, secs + 86400)
        notes["end before start: wrapped past midnight (+24 h)"] = int(neg.sum())
    out = secs.astype(object)
    bad = (start.notna() & end.notna()) & secs.isna()
    out[bad] = "unparseable duration: " + start[bad].astype(str) + " -> " + end[bad].astype(str)
    return out, notes


def _date_parts(src: pd.DataFrame, spec: dict) -> pd.Series:
    def number(col, names=False):
        t = _text(src[col]).str.lower()
        if names:
            t = t.map(lambda v: _MONTHS.get(v, v) if isinstance(v, str) else v)
        return pd.to_numeric(t, errors="coerce").astype("float64")

    month = number(spec["month"], names=True)
    day = number(spec["day"]) if "day" in spec else pd.Series(1.0, index=src.index)
    if "year" in spec:
        year = number(spec["year"])
    else:
        # files ordered by date without a year (UCI bank marketing): a new year starts
        # whenever the (month, day) key goes backwards
        key = (month * 100 + day).ffill()
        year = int(spec["infer_year_from_order"]) + (key.diff() < 0).astype(int).cumsum()
    parts = pd.DataFrame({"year": year, "month": month, "day": day})
    result = pd.to_datetime(parts, errors="coerce")
    out = result.dt.strftime("%Y-%m-%d").astype(object)
    bad = result.isna()
    if bad.any():
        shown = parts[bad].astype(str)
        out[bad] = (
            "unparseable date parts: " + shown["year"] + "-" + shown["month"] + "-" + shown["day"]
        )
    return pd.Series(out, index=src.index)


def _column(src: pd.DataFrame, spec, *, row_offset: int) -> tuple[pd.Series, dict[str, int]]:
    if isinstance(spec, str):
        return src[spec], {}
    kind, value = _normalise_spec(spec)
    if kind == "column":
        return src[str(value)], {}
    if kind == "const":
        return pd.Series([value] * len(src), index=src.index, dtype=object), {}
    if kind == "concat":
        parts = [_text(src[str(c)]) for c in value["columns"]]
        joined = parts[0].astype(object)
        for p in parts[1:]:
            joined = joined + str(value["sep"]) + p
        return joined, {}
    if kind == "row_number":
        n = src[_ROW] + int(value.get("start", 1)) + row_offset
        return str(value.get("prefix", "")) + n.astype(str), {}
    if kind == "duration":
        return _duration(src, value)
    if kind == "date_parts":
        return _date_parts(src, value), {}
    raise ValueError(f"unknown column spec {kind!r}")  # pragma: no cover


def _recode(values: pd.Series, table: dict) -> pd.Series:
    table = {str(k): v for k, v in table.items()}
    default = table.pop("*", None)
    text = _text(values)
    out = text.map(table).astype(object)
    keep = text.notna() & ~text.isin(list(table))
    out[keep] = default if default is not None else text[keep]
    out[text.isna()] = None
    return out


def _as_list(v) -> list[str]:
    return [str(x) for x in (v if isinstance(v, list) else [v])]


@dataclass
class _Piece:
    table: str
    source: str
    frame: pd.DataFrame  # mapped columns + _ROW
    steps: list[tuple[str, str, int]]  # (stage, rule, rows) before validation


def _apply_block(block: TableBlock, src: pd.DataFrame, label: str, row_offset: int) -> _Piece:
    spec = block.spec
    steps: list[tuple[str, str, int]] = [("read", "", len(src))]
    src = src.copy()
    src[_ROW] = np.arange(len(src))
    # row numbers are fixed before any filter, so the same source row gets the same id in
    # every table built from the file
    for rule in spec.get("filters") or []:
        op = next(o for o in FILTER_OPS if o in rule)
        if op == "duplicates":
            subset = rule["duplicates"] if isinstance(rule["duplicates"], list) else None
            cols = subset or [c for c in src.columns if c != _ROW]
            mask = src.duplicated(subset=cols, keep="first")
        else:
            text = _text(src[rule["column"]])
            if op == "in":
                mask = text.isin(_as_list(rule["in"]))
            elif op == "not_in":
                mask = ~text.isin(_as_list(rule["not_in"])) & text.notna()
                if None not in (rule["not_in"] if isinstance(rule["not_in"], list) else []):
                    mask = mask | text.isna()
            elif op == "equals":
                mask = text == str(rule["equals"])
            else:
                mask = text.isna() if rule["empty"] else text.notna()
        mask = mask.fillna(False).astype(bool)
        steps.append(("dropped", f"filter: {rule['reason']}", int(mask.sum())))
        src = src.loc[~mask]
    nulls: dict[str, list[str]] = {}
    for col, rule in (spec.get("sentinels") or {}).items():
        values = _as_list(rule["values"] if isinstance(rule, dict) else rule)
        action = rule.get("action", "null") if isinstance(rule, dict) else "null"
        hit = _text(src[col]).isin(values).fillna(False).astype(bool)
        if action == "drop":
            steps.append(
                ("dropped", f"sentinel {col} in {values}: {rule['reason']}", int(hit.sum()))
            )
            src = src.loc[~hit]
        else:
            nulls[col] = values
            steps.append(("note", f"sentinel {col} in {values} set to empty", int(hit.sum())))
    for col, values in nulls.items():
        t = _text(src[col])
        src[col] = t.mask(t.isin(values))
    out = pd.DataFrame(index=src.index)
    targets = {**(spec.get("columns") or {}), **(spec.get("extra") or {})}
    if not targets and "inline" in spec:
        targets = {c: c for c in src.columns if c != _ROW}
    for target, cspec in targets.items():
        values, notes = _column(src, cspec, row_offset=row_offset)
        out[target] = values
        steps += [("note", f"{target}: {k}", v) for k, v in notes.items()]
    for target, table in (spec.get("recode") or {}).items():
        out[target] = _recode(out[target], table)
    for target, rules in (spec.get("parse") or {}).items():
        out[target], notes = _parse_value(out[target], rules, src)
        steps += [("note", f"{target}: {k}", v) for k, v in notes.items()]
    if spec.get("distinct"):
        dup = out.duplicated(keep="first")
        steps.append(("merged", "distinct: identical mapped rows merged", int(dup.sum())))
        out = out.loc[~dup]
    out[_ROW] = src[_ROW]
    steps.append(("passed", "", len(out)))
    return _Piece(block.table, label, out.reset_index(drop=True), steps)


# --------------------------------------------------------------------------- import


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
    """

    dataset: Dataset
    accounting: pd.DataFrame
    quarantine: pd.DataFrame
    mapping: Mapping
    out_dir: Path | None = None

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


def _find_files(source_dir: Path, pattern: str) -> list[Path]:
    matches = sorted(Path(p) for p in _glob.glob(str(source_dir / pattern), recursive=True))
    return [p for p in matches if p.is_file()]


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
        ``quarantine.csv`` and ``import_accounting.csv``; must not be ``source_dir``. Stale
        contract-table files in it are removed. Nothing is written when omitted.
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
        files = _find_files(source_dir, str(spec["file"]))
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
            reads = _validate_block(block, [])
            found = list(df.columns)
            for key, col in reads:
                if col not in found:
                    problems.append(
                        f"`{key}`: source column {col!r} is not in {label}."
                        f"{_did_you_mean(col, found)} Columns found: {found[:30]}."
                    )
            loaded.append((block, label, df))
    if problems:
        raise MappingError(problems, mapping.path)

    pieces: list[_Piece] = []
    offsets: dict[str, int] = {}
    for block, label, df in loaded:
        offset = offsets.get(block.key, 0)
        pieces.append(_apply_block(block, df, label, offset))
        offsets[block.key] = offset + len(df)

    frames: dict[str, pd.DataFrame] = {}
    origin: dict[str, pd.DataFrame] = {}
    sources: dict[str, str] = {}
    for table in CONTRACT:
        parts = [p for p in pieces if p.table == table]
        if not parts:
            continue
        frame = pd.concat([p.frame for p in parts], ignore_index=True)
        origin[table] = pd.DataFrame(
            {
                "source": np.concatenate([[p.source] * len(p.frame) for p in parts]),
                "source_row": frame[_ROW].to_numpy() + 1,
            }
        )
        frames[table] = frame.drop(columns=[_ROW])
        sources[table] = ", ".join(dict.fromkeys(p.source for p in parts))
    for table, _reason in mapping.empty_tables.items():
        frames[table] = pd.DataFrame(
            {c: pd.Series(dtype="string") for c in CONTRACT[table].required_columns}
        )
        sources[table] = "(declared empty in the mapping)"
    dataset = validate_tables(
        frames,
        timezone=mapping.timezone,
        source=source_dir,
        name=mapping.name,
        sources=sources,
    )

    # map the loader's quarantine rows back to source files and rows
    q = dataset.quarantine.copy()
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
    result = ImportResult(dataset=dataset, accounting=accounting, quarantine=q, mapping=mapping)
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
    for name in CONTRACT:
        for ext in (".parquet", ".csv"):
            stale = out / f"{name}{ext}"
            if stale.exists():
                stale.unlink()
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
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    (out / "dataset.yaml").write_text(
        yaml.safe_dump(settings, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    ds.load_report.to_csv(out / "load_report.csv", index=False)
    result.quarantine.to_csv(out / "quarantine.csv", index=False)
    result.accounting.to_csv(out / "import_accounting.csv", index=False)
    return out
