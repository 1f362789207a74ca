"""The spot-check sheet: write the sample for the QA team, read the filled-in file back as QA
reviews, and add those reviews to a dataset.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib._util import restore_formulas, write_csv
from kpi_lib.analyses.calibration.common import JUDGEMENTS, REVIEW_COLUMNS, SPOT_CHECK_COLUMNS
from kpi_lib.data.dataset import Dataset

__all__ = ["write_spot_check", "read_spot_check", "with_reviews"]


_TRUE = {"true", "t", "1", "yes", "y", "1.0", "是", "合规", "有效"}
_FALSE = {"false", "f", "0", "no", "n", "0.0", "否", "不合规", "无效", "無效"}


def write_spot_check(sample: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a spot-check sample as a CSV the QA team can fill in (UTF-8 with BOM, for Excel).

    Parameters
    ----------
    sample : DataFrame
        Output of :func:`spot_check_sample`.
    path : str or Path
        CSV file to write; parent folders are created.
    overwrite : bool, default False
        Replace a file that already holds reviewer entries. Without it, such a file is never
        overwritten (a file with no entries yet is simply replaced), so re-running a notebook
        cannot destroy a QA team's work.

    Returns
    -------
    Path
        The written file.

    Notes
    -----
    Text cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``,
    ``@``, a tab or a carriage return) are written with a leading apostrophe
    (:func:`kpi_lib._util.write_csv`); :func:`read_spot_check` removes it again.
    """
    missing = [c for c in SPOT_CHECK_COLUMNS if c not in sample.columns]
    if missing:
        raise KeyError(f"The spot-check sample lacks column(s) {missing}; use spot_check_sample().")
    path = Path(path)
    if path.exists() and not overwrite:
        old = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        filled = [
            c for c in REVIEW_COLUMNS if c in old.columns and (old[c].str.strip() != "").any()
        ]
        if filled:
            raise FileExistsError(
                f"{path} already holds reviewer entries in column(s) {filled}; pass "
                "overwrite=True or choose another path."
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    out = sample.copy()
    if "started_at" in out.columns:
        out["started_at"] = pd.to_datetime(out["started_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    write_csv(out, path, encoding="utf-8-sig")
    return path


def _parse_bool(series: pd.Series, column: str, rows_offset: int = 2) -> pd.Series:
    s = series.astype("string").str.strip().str.lower().fillna("")
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[s.isin(_TRUE)] = True
    out[s.isin(_FALSE)] = False
    bad = (s != "") & out.isna()
    if bad.any():
        rows = (np.flatnonzero(bad.to_numpy()) + rows_offset).tolist()[:10]
        raise ValueError(
            f"Spot-check column `{column}` has values that are not yes/no in file rows {rows}: "
            f"{sorted(set(s[bad]))[:5]}; allowed: {sorted(_TRUE | _FALSE)}."
        )
    return out


def read_spot_check(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read a filled-in spot-check sheet back as QA reviews.

    Rows without a reviewer and without judgements (not reviewed yet) are skipped. The
    apostrophe :func:`write_spot_check` puts before text that starts like a formula is removed,
    so the ids and notes come back as they were.

    Parameters
    ----------
    source : str, Path or DataFrame
        The CSV written by :func:`write_spot_check`, filled in, or the same as a DataFrame.

    Returns
    -------
    DataFrame
        In the shape of the ``qa_reviews`` table: ``review_id`` (``spot:<call_id>:<reviewer>``),
        ``call_id``, ``agent_id``, ``reviewed_at`` (NaT), ``reviewer``, ``compliant``,
        ``effective`` (nullable booleans), plus ``notes`` and ``design_weight``.

    Raises
    ------
    ValueError
        A judgement is given without a reviewer, a value is not yes/no, or the reviewer is
        ``system``; the message names the file rows (1-based, header = row 1).
    """
    if isinstance(source, pd.DataFrame):
        df = source.astype("string")
    else:
        df = pd.read_csv(source, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        df = df.astype("string")
    df = restore_formulas(df)
    missing = [c for c in ("call_id", "agent_id", *REVIEW_COLUMNS) if c not in df.columns]
    if missing:
        raise KeyError(f"The spot-check sheet lacks column(s) {missing}.")
    df = df.fillna("")
    comp = _parse_bool(df["compliant"], "compliant")
    eff = _parse_bool(df["effective"], "effective")
    reviewer = df["reviewer"].str.strip()
    judged = comp.notna() | eff.notna()
    no_rev = judged & (reviewer == "")
    if no_rev.any():
        rows = (np.flatnonzero(no_rev.to_numpy()) + 2).tolist()[:10]
        raise ValueError(f"Spot-check rows {rows} have judgements but an empty `reviewer`.")
    if (reviewer.str.lower() == "system").any():
        rows = (np.flatnonzero((reviewer.str.lower() == "system").to_numpy()) + 2).tolist()[:10]
        raise ValueError(
            f"Spot-check rows {rows} name reviewer 'system', reserved for automatic QA."
        )
    keep = judged.to_numpy()
    out = pd.DataFrame(
        {
            "review_id": ("spot:" + df["call_id"] + ":" + reviewer)[keep].to_numpy(),
            "call_id": df["call_id"][keep].to_numpy(),
            "agent_id": df["agent_id"][keep].to_numpy(),
            "reviewed_at": pd.NaT,
            "reviewer": reviewer[keep].to_numpy(),
            "compliant": comp[keep].to_numpy(),
            "effective": eff[keep].to_numpy(),
            "notes": df["notes"][keep].to_numpy(),
            "design_weight": pd.to_numeric(
                df["design_weight"][keep] if "design_weight" in df.columns else 1.0, errors="coerce"
            ),
        }
    )
    for c in ("review_id", "call_id", "agent_id", "reviewer", "notes"):
        out[c] = out[c].astype("string")
    for j in JUDGEMENTS:
        out[j] = out[j].astype("boolean")
    return out.reset_index(drop=True)


def with_reviews(data: Dataset, reviews: pd.DataFrame) -> Dataset:
    """A copy of ``data`` whose ``qa_reviews`` table also holds ``reviews`` (e.g. a spot check).

    Reviews whose ``review_id`` already exists are replaced by the new ones.
    """
    new = reviews.drop(columns=[c for c in ("notes", "design_weight") if c in reviews.columns])
    old = data.tables.get("qa_reviews")
    if old is not None:
        old = old[~old["review_id"].astype("string").isin(set(new["review_id"].astype("string")))]
        new = pd.concat(
            [old, new.astype({c: old[c].dtype for c in new.columns if c in old.columns})],
            ignore_index=True,
        )
    tables = {**data.tables, "qa_reviews": new}
    return replace(data, tables=tables)
