"""The shape of every indicator table: its columns and the levels it is computed at."""

from __future__ import annotations

__all__ = ["LEVELS", "OUTPUT_COLUMNS"]

#: Levels an indicator table is computed at.
LEVELS = ("agent", "team")
#: Columns of the tidy indicator table, in order (the engine, the pandas reference and
#: pre-aggregated exports all produce it; ``agent_id`` is absent at team level).
OUTPUT_COLUMNS = [
    "agent_id",
    "team_id",
    "period",
    "granularity",
    "period_start",
    "indicator",
    "value",
    "numerator",
    "denominator",
    "reason",
]
