"""A block's ``filters``: rows leave the import only through a rule that states its reason.

Operators (one per rule): ``in``, ``not_in``, ``equals``, ``empty`` on a source column
compared as text, and ``duplicates`` (repeated source rows, on some columns or all of them;
the first is kept).
"""

from __future__ import annotations

import pandas as pd

from kpi_lib.data.mapping.spec import FILTER_OPS
from kpi_lib.data.mapping.values import SOURCE_ROW, clean_text, matches

__all__ = ["apply_filters"]


def apply_filters(
    src: pd.DataFrame, rules: list[dict]
) -> tuple[pd.DataFrame, list[tuple[str, str, int]]]:
    """Drop the rows each filter rule matches, in order.

    Returns the remaining rows and one ``dropped`` (stage, rule, rows) step per rule for the
    accounting.
    """
    steps: list[tuple[str, str, int]] = []
    for rule in rules:
        op = next(o for o in FILTER_OPS if o in rule)
        if op == "duplicates":
            subset = rule["duplicates"] if isinstance(rule["duplicates"], list) else None
            cols = subset or [c for c in src.columns if c != SOURCE_ROW]
            mask = src.duplicated(subset=cols, keep="first")
        else:
            text = clean_text(src[rule["column"]])
            if op == "in":
                mask = matches(src[rule["column"]], rule["in"])
            elif op == "not_in":
                mask = ~matches(src[rule["column"]], rule["not_in"]) & text.notna()
                if None not in (rule["not_in"] if isinstance(rule["not_in"], list) else []):
                    mask = mask | text.isna()
            elif op == "equals":
                mask = matches(src[rule["column"]], [rule["equals"]])
            else:
                mask = text.isna() if rule["empty"] else text.notna()
        mask = mask.fillna(False).astype(bool)
        steps.append(("dropped", f"filter: {rule['reason']}", int(mask.sum())))
        src = src.loc[~mask]
    return src, steps
