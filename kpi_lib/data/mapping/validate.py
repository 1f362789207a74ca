"""Structural checks of a mapping's table blocks and column specs.

Each check appends messages to a ``problems`` list (every message names its mapping key and,
where one is close, the valid key it was probably meant to be), so that one
:class:`~kpi_lib.data.mapping.spec.MappingError` lists everything wrong at once. The checks
also collect the source columns a block reads; those are checked against the files by
:func:`~kpi_lib.data.mapping.run.import_export`.
"""

from __future__ import annotations

from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.mapping.spec import (
    AGENT_DAY_ALIASES,
    AGENT_DAY_COMPONENTS,
    AGENT_DAY_KEYS,
    AGENT_DAYS,
    BLOCK_KEYS,
    ENCODINGS,
    FILTER_OPS,
    FORMATS,
    PARSE_KEYS,
    SENTINEL_ACTIONS,
    SPEC_KEYS,
    AgentDayColumns,
    TableBlock,
    did_you_mean,
    normalise_spec,
)

__all__ = ["check_keys", "validate_block", "source_columns"]


def check_keys(d: dict, allowed, key: str, problems: list[str]) -> None:
    """Add a problem for every key of ``d`` (at mapping key ``key``) not in ``allowed``."""
    for k in d:
        if k not in allowed:
            problems.append(
                f"`{key}.{k}`: unknown key.{did_you_mean(k, allowed)} "
                f"Valid keys: {', '.join(allowed)}."
            )


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
        hint = did_you_mean(unknown[0], SPEC_KEYS) if unknown and not kinds else ""
        problems.append(
            f"`{key}`: a column spec is a source column name or a mapping with exactly one of "
            f"{', '.join(SPEC_KEYS)}.{hint}"
        )
        return []
    kind, value = normalise_spec(spec)
    allowed_options = {"concat": ("sep",), "row_number": ("prefix", "start")}.get(kind, ())
    for k in spec:
        if k != kind and k not in allowed_options:
            problems.append(
                f"`{key}.{k}`: unknown option of `{kind}`.{did_you_mean(k, allowed_options)}"
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
        check_keys(value, ("start", "end", "format", "wrap_midnight"), sub, problems)
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
        check_keys(value, ("year", "month", "day", "infer_year_from_order"), sub, problems)
        if "month" not in value:
            problems.append(f"`{sub}.month`: missing (a source column).")
        if "year" not in value and "infer_year_from_order" not in value:
            problems.append(
                f"`{sub}`: give `year` (a source column) or `infer_year_from_order` "
                "(the first year, for files ordered by date that have no year)."
            )
        return [(f"{sub}.{p}", str(value[p])) for p in ("year", "month", "day") if p in value]
    return []  # pragma: no cover


def validate_block(block: TableBlock, problems: list[str]) -> list[tuple[str, str]]:
    """Structural checks of one block; returns (key, source column) pairs to check later."""
    spec, key = block.spec, block.key
    day_totals = block.table == AGENT_DAYS
    table = AgentDayColumns() if day_totals else CONTRACT[block.table]
    check_keys(spec, AGENT_DAY_KEYS if day_totals else BLOCK_KEYS, key, problems)
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
            f"`{key}.format`: {fmt!r} is not one of {list(FORMATS)}.{did_you_mean(fmt, FORMATS)}"
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
            what = (
                "an agent-day column"
                if day_totals
                else f"a column of contract table `{table.name}`"
            )
            problems.append(
                f"`{ckey}`: {target!r} is not {what}."
                f"{did_you_mean(target, table.column_names)} Valid columns: "
                f"{', '.join(table.column_names)}."
                + ("" if day_totals else " (Keep other columns under `extra:`.)")
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
    if day_totals:
        resolved = [AGENT_DAY_ALIASES.get(t, t) for t in columns]
        if not set(resolved) & set(AGENT_DAY_COMPONENTS):
            problems.append(
                f"`{key}.columns`: map at least one total (e.g. `dials`, `connects`, `talk_s`, "
                "`deals`, `sales`); see docs/mappings.md."
            )
        twice = sorted({c for c in resolved if resolved.count(c) > 1})
        if twice:
            problems.append(f"`{key}.columns`: {twice} mapped twice (an id and its alias).")
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
                    f"{did_you_mean(target, targets)} Mapped: {', '.join(sorted(targets))}."
                )
            if not isinstance(rules, dict):
                problems.append(f"`{pkey}`: must be a mapping.")
                continue
            if part == "parse":
                check_keys(rules, PARSE_KEYS, pkey, problems)
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
                    check_keys(rules["number"], ("decimal", "thousands", "strip"), pkey, problems)
    sentinels = spec.get("sentinels") or {}
    if not isinstance(sentinels, dict):
        problems.append(f"`{key}.sentinels`: must be a mapping source column -> values.")
        sentinels = {}
    for col, rule in sentinels.items():
        skey = f"{key}.sentinels.{col}"
        reads.append((skey, str(col)))
        if isinstance(rule, dict):
            check_keys(rule, ("values", "action", "reason"), skey, problems)
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
        check_keys(rule, ("column", "reason", *FILTER_OPS), fkey, problems)
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


def source_columns(block: TableBlock) -> list[tuple[str, str]]:
    """(mapping key, source column) pairs a block reads (problems are not collected)."""
    return validate_block(block, [])
