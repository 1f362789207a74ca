"""The review's decisions and scorecard as files payroll and HR can take in (CSV and XLSX).

Every table is one row per agent with the agent's name, team and the evidence behind the
decision, for the review's scored period. Column names are stable identifiers (a payroll
import maps them once); ``docs/reviews.md`` describes each. Text cells that a spreadsheet
would run as a formula (``=``, ``+``, ``-``, ``@``) are neutralised in both formats.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi_lib._util import neutralise_formulas, write_csv
from kpi_lib.report.review import (
    bonus_status,
    certification_evidence,
    coaching_table,
    gate_failure_text,
    pip_evidence,
    records_of,
    separator,
)
from kpi_lib.review.pipeline import Review

__all__ = ["EXPORTS", "decision_tables", "write_exports"]

#: Export name -> (Review attribute, columns kept in this order when present).
EXPORTS: dict[str, tuple[str, list[str]]] = {
    "scorecard": (
        "leaderboard",
        [
            "period",
            "composite",
            "rank",
            "rank_low",
            "rank_high",
            "tier",
            "light",
            "gates_passed",
            "failed_gates",
            "gate_failures",
            "rankable",
            "coverage",
        ],
    ),
    "bonus": (
        "bonus",
        [
            "period",
            "composite",
            "rank",
            "tier",
            "eligible",
            "reason",
            "status",
            "share",
            "bonus",
            "held",
            "hold",
            "payable",
        ],
    ),
    "commission": (
        "commission",
        ["period", "value", "target", "attainment", "band", "commission_rate", "commission"],
    ),
    "certification": (
        "certification",
        ["rule", "eligible", "current_streak", "streak", "last_period", "periods", "evidence"],
    ),
    "pip": (
        "pip",
        [
            "periods_in_window",
            "periods_low",
            "low_periods",
            "tiers",
            "composites",
            "latest_composite",
            "bottom_tiers",
            "evidence",
        ],
    ),
    "coaching": (
        "coaching",
        [
            "period",
            "dimension",
            "agent_score",
            "team_score",
            "gap",
            "indicator",
            "indicator_score",
            "team_indicator_score",
            "evidence",
        ],
    ),
}

_KEYS = ["agent_id", "agent_name", "team_id"]

#: Exports holding amounts of money: they end with a ``currency`` column (ISO 4217 code).
_MONEY = ("bonus", "commission")


def _worded(review, export: str, table: pd.DataFrame) -> pd.DataFrame:
    """The export's code and record columns with their sentences in the review's language
    (a table without the columns is returned as it is)."""
    if export == "scorecard" and "gate_failures" in table:
        records = [records_of(v) for v in table["gate_failures"]]
        return table.assign(
            failed_gates=[", ".join(str(f.get("indicator")) for f in r) for r in records],
            gate_failures=[
                separator(review).join(gate_failure_text(review, f) for f in r) for r in records
            ],
        )
    if export == "bonus" and {"reason", "eligible"} <= set(table.columns):
        status = bonus_status(review).set_index("agent_id")["status"]
        return table.assign(status=table["agent_id"].map(status))
    if export == "certification" and "last_period" in table:
        return table.assign(
            evidence=[
                certification_evidence(review, a, p)
                for a, p in zip(table["agent_id"], table["last_period"], strict=True)
            ]
        )
    if export == "pip" and "periods_low" in table:
        return table.assign(evidence=[pip_evidence(review, r) for r in table.itertuples()])
    if export == "coaching" and "indicator" in table:
        worded = coaching_table(review).set_index("agent_id")["evidence_text"]
        return table.assign(evidence=table["agent_id"].map(worded))
    return table


def decision_tables(review: Review) -> dict[str, pd.DataFrame]:
    """The review's decisions and scorecard, one tidy table per export.

    Returns
    -------
    dict of str to DataFrame
        Keys are the names of :data:`EXPORTS`. Each table starts with ``agent_id``,
        ``agent_name`` and ``team_id``, then the export's columns that the review has. A
        decision the data could not support (a ``skipped`` note) is an empty table with
        these columns; ``certification`` holds every agent's record, with ``certified_now``
        marking the candidates of this period. Codes stay codes (``reason`` of ``bonus``,
        ``hold``, ``failed_gates``: the failed gates' indicator ids); the sentences beside
        them are worded in the review's language by :mod:`kpi_lib.report.review`:
        ``gate_failures`` (scorecard), ``status`` (bonus: why not paid, or the hold),
        ``evidence`` (certification, PIP and coaching);
        ``bonus`` and ``commission`` end with ``currency``, the ISO 4217 code of their amounts
        (``review.spec.currency``).

    Examples
    --------
    >>> from kpi_lib.review import compute_review, prepare_spec  # doctest: +SKIP
    >>> tables = decision_tables(compute_review(*prepare_spec(cycle="monthly")))  # doctest: +SKIP
    >>> list(tables)  # doctest: +SKIP
    ['scorecard', 'bonus', 'commission', 'certification', 'pip', 'coaching']
    """
    names = review.agent_names
    tables = {}
    for export, (attribute, columns) in EXPORTS.items():
        source = getattr(review, attribute)
        if source is None or not isinstance(source, pd.DataFrame):
            source = pd.DataFrame(columns=["agent_id", "team_id"])
        table = source.copy()
        if "agent_id" not in table:
            table["agent_id"] = pd.Series(dtype="object")
        if "team_id" not in table:
            table["team_id"] = pd.Series(dtype="object")
        table["agent_name"] = table["agent_id"].map(names)
        if len(table):
            table = _worded(review, export, table)
        kept = _KEYS + [c for c in columns if c in table.columns and c not in _KEYS]
        table = table[kept]
        if export in _MONEY:
            # amounts are in the review's currency: a payroll import must not guess it
            table = table.assign(currency=review.spec.currency)
        if export == "certification" and len(table):
            certified = set(review.certified["agent_id"]) if len(review.certified) else set()
            table = table.assign(certified_now=table["agent_id"].isin(certified))
        tables[export] = table.reset_index(drop=True)
    return tables


def write_exports(review: Review, folder: str | Path) -> list[Path]:
    """Write :func:`decision_tables` as ``<name>.csv`` (UTF-8 with BOM, for Excel) and one
    ``decisions.xlsx`` workbook with a sheet per table into ``folder``; return the paths.

    Formula-like text is neutralised in both formats (see
    :func:`kpi_lib._util.neutralise_formulas`).
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    tables = decision_tables(review)
    written = []
    for name, table in tables.items():
        written.append(Path(write_csv(table, folder / f"{name}.csv", encoding="utf-8-sig")))
    workbook = folder / "decisions.xlsx"
    with pd.ExcelWriter(workbook, engine="openpyxl") as writer:
        for name, table in tables.items():
            neutralise_formulas(table).to_excel(writer, sheet_name=name, index=False)
    written.append(workbook)
    return written
