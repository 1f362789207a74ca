"""A mapping file or dict to a validated :class:`~kpi_lib.data.mapping.spec.Mapping`.

:func:`load_mapping` reads the YAML (with YAML 1.2 booleans, so ``yes`` stays a string) and
:func:`parse_mapping` checks the whole mapping: its top-level keys, the tables declared empty
or absent, the timezone, every table block, and that every required contract table is filled.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.dataset import DEFAULT_TIMEZONE
from kpi_lib.data.mapping.spec import (
    AGENT_DAYS,
    TOP_KEYS,
    Mapping,
    MappingError,
    TableBlock,
    did_you_mean,
)
from kpi_lib.data.mapping.validate import check_keys, validate_block

__all__ = ["load_mapping", "parse_mapping"]


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
        f"`{key}`: {name!r} is not a contract table.{did_you_mean(name, CONTRACT)} "
        f"Contract tables: {', '.join(CONTRACT)}."
    )
    return False


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
    check_keys(raw, TOP_KEYS, "mapping", problems)
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
    days = raw.get(AGENT_DAYS)
    if days is not None:
        if isinstance(days, dict):
            blocks.append(TableBlock(AGENT_DAYS, 0, days))
        else:
            problems.append(f"`{AGENT_DAYS}`: must be one block (file, columns, ...).")
    for block in blocks:
        validate_block(block, problems)
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
