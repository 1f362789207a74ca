"""Transforming source values into contract values: sentinels, derived columns, recode and
parse rules.

- :func:`apply_sentinels`: a block's ``sentinels`` (placeholder values set to empty, or rows
  dropped with a stated reason);
- :func:`column`: one column spec (a source column, a constant, a concatenation, a row
  number, a duration or a date from parts);
- :func:`recode`: a ``recode`` table (``*`` is the default for unlisted values);
- :func:`parse_value`: a ``parse`` rule (date/time ``format``, ``clock_to_seconds`` or
  ``number``).
"""

from __future__ import annotations

import pandas as pd

from kpi_lib.data.dataset import DEFAULT_TIMEZONE
from kpi_lib.data.mapping.durations import clock_seconds, duration
from kpi_lib.data.mapping.spec import normalise_spec
from kpi_lib.data.mapping.timestamps import date_parts, parse_datetime
from kpi_lib.data.mapping.values import SOURCE_ROW, as_list, clean_text, matches, unparseable

__all__ = ["apply_sentinels", "column", "recode", "parse_value", "parse_number"]


def apply_sentinels(
    src: pd.DataFrame, sentinels: dict
) -> tuple[pd.DataFrame, list[tuple[str, str, int]]]:
    """Apply a block's ``sentinels`` to the source rows.

    A ``drop`` sentinel removes the rows holding one of its values (a ``dropped`` step); the
    others are set to empty after every drop (a ``note`` step). Values match as text, numbers
    also by value, and ``""`` matches empty cells (see
    :func:`~kpi_lib.data.mapping.values.matches`). Returns the remaining rows and
    the (stage, rule, rows) steps for the accounting.
    """
    steps: list[tuple[str, str, int]] = []
    nulls: dict[str, list] = {}
    for col, rule in sentinels.items():
        raw = rule["values"] if isinstance(rule, dict) else rule
        raw = raw if isinstance(raw, list) else [raw]
        shown = as_list(raw)
        action = rule.get("action", "null") if isinstance(rule, dict) else "null"
        hit = matches(src[col], raw)
        if action == "drop":
            steps.append(
                ("dropped", f"sentinel {col} in {shown}: {rule['reason']}", int(hit.sum()))
            )
            src = src.loc[~hit]
        else:
            nulls[col] = raw
            # cells already empty are not counted as set to empty
            n = int((hit & clean_text(src[col]).notna()).sum())
            steps.append(("note", f"sentinel {col} in {shown} set to empty", n))
    for col, raw in nulls.items():
        t = clean_text(src[col])
        src[col] = t.mask(matches(src[col], raw))
    return src, steps


def column(
    src: pd.DataFrame, spec, *, row_offset: int, timezone: str = DEFAULT_TIMEZONE
) -> tuple[pd.Series, dict[str, int]]:
    """One column spec evaluated on the source rows (``row_offset``: rows of the same block
    in earlier files, so row numbers continue across files; ``timezone``: the dataset's, for
    date-times without an offset). Returns the values and notes (rule -> rows) for the
    accounting."""
    if isinstance(spec, str):
        return src[spec], {}
    kind, value = normalise_spec(spec)
    if kind == "column":
        return src[str(value)], {}
    if kind == "const":
        return pd.Series([value] * len(src), index=src.index, dtype=object), {}
    if kind == "concat":
        parts = [clean_text(src[str(c)]) for c in value["columns"]]
        joined = parts[0].astype(object)
        for p in parts[1:]:
            joined = joined + str(value["sep"]) + p
        return joined, {}
    if kind == "row_number":
        n = src[SOURCE_ROW] + int(value.get("start", 1)) + row_offset
        return str(value.get("prefix", "")) + n.astype(str), {}
    if kind == "duration":
        return duration(src, value, timezone)
    if kind == "date_parts":
        return date_parts(src, value), {}
    raise ValueError(f"unknown column spec {kind!r}")  # pragma: no cover


def recode(values: pd.Series, table: dict) -> pd.Series:
    """A ``recode`` table applied to values compared as text; unlisted values are kept, or
    replaced by the ``*`` entry when there is one; missing values stay missing."""
    table = {str(k): v for k, v in table.items()}
    default = table.pop("*", None)
    text = clean_text(values)
    out = text.map(table).astype(object)
    keep = text.notna() & ~text.isin(list(table))
    out[keep] = default if default is not None else text[keep]
    out[text.isna()] = None
    return out


def parse_number(text: pd.Series, opts) -> pd.Series:
    """A ``parse: {number: ...}`` rule on cleaned text: ``strip`` texts, ``thousands``
    separator and ``decimal`` mark (a mapping, or anything else for plain numbers) -> floats,
    NaN when a value does not parse."""
    opts = opts if isinstance(opts, dict) else {}
    t = text
    for s in opts.get("strip", []) or []:
        t = t.str.replace(str(s), "", regex=False)
    if opts.get("thousands"):
        t = t.str.replace(str(opts["thousands"]), "", regex=False)
    if opts.get("decimal") and opts["decimal"] != ".":
        t = t.str.replace(str(opts["decimal"]), ".", regex=False)
    return pd.to_numeric(t.str.strip(), errors="coerce").astype("float64")


def parse_value(
    values: pd.Series, rules: dict, src: pd.DataFrame, timezone: str = DEFAULT_TIMEZONE
):
    """A ``parse`` rule: dates and times (``format``; converted to local time in ``timezone``
    when they carry a UTC offset), ``clock_to_seconds`` or ``number``.

    Returns the values (unparseable ones as ``unparseable as ...`` texts, which the loader
    quarantines) and notes (rule -> rows) for the accounting.
    """
    if "format" in rules:
        return parse_datetime(values, rules, src, timezone)
    text = clean_text(values)
    if "clock_to_seconds" in rules:
        secs = clock_seconds(text)
    else:
        secs = parse_number(text, rules.get("number") or {})
    bad = text.notna() & secs.isna()
    if not bad.any():
        return secs.astype("float64"), {}
    out = secs.astype(object)
    out[bad] = unparseable(text, bad, "seconds" if "clock_to_seconds" in rules else "number")
    out[text.isna()] = None
    return out, {}
