"""Reading export files: CSV in any of the usual encodings, Excel, Parquet, title rows.

:func:`read_source` reads one file as text columns following a block's reading keys
(``format``, ``sep``, ``encoding``, ``sheet``, ``header_row``); :func:`find_files` lists the
files a block's ``file`` glob matches.
"""

from __future__ import annotations

import glob as _glob
import io
import re
from pathlib import Path

import pandas as pd

__all__ = ["read_source", "find_files"]


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
        are strings, only empty cells are missing (placeholders such as ``N/A`` or ``-`` stay
        text, for a block's ``sentinels`` to name).
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
        # only empty cells are missing, as in CSV: "N/A", "-", "NULL" reach the sentinels
        df = pd.read_excel(
            path,
            sheet_name=spec.get("sheet", 0),
            header=skip,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
        )
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


def find_files(source_dir: Path, pattern: str) -> list[Path]:
    """The files (not folders) matching a glob relative to ``source_dir``, sorted."""
    matches = sorted(Path(p) for p in _glob.glob(str(source_dir / pattern), recursive=True))
    return [p for p in matches if p.is_file()]
