"""Store a computed review once (Parquet + JSON) and read it back in every notebook.

Layout of a review store folder::

    spec.json                 the resolved specification
    meta.json                 scheme, definitions, notes, timings, scorecard settings
    dataset/<table>.parquet   the validated tables, quarantine and load report
    tables/<name>.parquet     indicators, scorecard parts, board, leaderboard, decisions...
    diagnosis/<name>.parquet  the conflict and gaming analyses
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa

from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.review.pipeline import Review
from kpi_lib.review.spec import ReviewSpec
from kpi_lib.scoring.composite import Scorecard
from kpi_lib.scoring.schemes import scheme_from_dict

__all__ = ["STORE_VERSION", "load_review", "save_review"]

STORE_VERSION = 1
_TABLES = (
    "indicators",
    "team_indicators",
    "monthly_indicators",
    "board",
    "leaderboard",
    "bonus",
    "commission",
    "certification",
    "pip",
    "coaching",
    "weak_spots",
    "attainability",
    "shrinkage",
    "findings",
    "scheme_findings",
    "effective",
    "unavailable",
)
_SCORECARD_PARTS = ("indicators", "dimensions", "agents")


def _write(df: pd.DataFrame, path: Path) -> None:
    """Parquet, with mixed-type text columns made text (Arrow needs one type per column)."""
    df = df.copy()
    df.columns = [str(c) for c in df.columns]
    try:
        df.to_parquet(path)
        return
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        pass
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = df[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
    df.to_parquet(path)


def save_review(review: Review, folder: str | Path) -> Path:
    """Write ``review`` to ``folder`` (created) and return it."""
    folder = Path(folder)
    for sub in ("dataset", "tables", "diagnosis", "scorecard", "current"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    data = review.dataset
    for name, df in data.tables.items():
        _write(df, folder / "dataset" / f"{name}.parquet")
    _write(data.quarantine, folder / "dataset" / "_quarantine.parquet")
    _write(data.load_report, folder / "dataset" / "_load_report.parquet")
    for name in _TABLES:
        _write(getattr(review, name), folder / "tables" / f"{name}.parquet")
    for part in _SCORECARD_PARTS:
        _write(getattr(review.scorecard, part), folder / "scorecard" / f"{part}.parquet")
        _write(getattr(review.current, part), folder / "current" / f"{part}.parquet")
    for name, df in review.diagnosis.items():
        if isinstance(df, pd.DataFrame):
            _write(df, folder / "diagnosis" / f"{name}.parquet")
    meta = {
        "store_version": STORE_VERSION,
        "dataset": {
            "tables": sorted(data.tables),
            "timezone": data.timezone,
            "name": data.name,
            "source": str(data.source) if data.source else None,
        },
        "scheme": review.scheme.to_dict(),
        "definitions": dataclasses.asdict(review.definitions),
        "scorecard": {
            "cycle": review.scorecard.cycle,
            "notes": list(review.scorecard.notes),
            "settings": review.scorecard.settings,
        },
        "notes": review.notes,
        "timings": review.timings,
    }
    (folder / "meta.json").write_text(
        json.dumps(meta, indent=1, default=str, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "spec.json").write_text(review.spec.to_json(), encoding="utf-8")
    return folder


def load_review(folder: str | Path) -> Review:
    """Read a review written by :func:`save_review`."""
    folder = Path(folder)
    spec_file = folder / "spec.json"
    if not spec_file.is_file():
        raise FileNotFoundError(
            f"{str(folder)!r} is not a review store (no spec.json); run `kpi review` or leave "
            "`review` empty to compute one."
        )
    spec = ReviewSpec.from_dict(json.loads(spec_file.read_text(encoding="utf-8")))
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    if meta.get("store_version") != STORE_VERSION:
        raise ValueError(
            f"Review store {str(folder)!r} has version {meta.get('store_version')}; this "
            f"kpi_lib reads version {STORE_VERSION}. Run the review again."
        )
    info = meta["dataset"]
    data = Dataset(
        tables={t: pd.read_parquet(folder / "dataset" / f"{t}.parquet") for t in info["tables"]},
        quarantine=pd.read_parquet(folder / "dataset" / "_quarantine.parquet"),
        load_report=pd.read_parquet(folder / "dataset" / "_load_report.parquet"),
        timezone=info["timezone"],
        source=Path(info["source"]) if info.get("source") else None,
        name=info["name"],
    )
    scheme = scheme_from_dict(meta["scheme"], name=meta["scheme"]["name"])
    sc = meta["scorecard"]

    def card(sub):
        parts = {p: pd.read_parquet(folder / sub / f"{p}.parquet") for p in _SCORECARD_PARTS}
        return Scorecard(
            **parts, scheme=scheme, cycle=sc["cycle"], notes=sc["notes"], settings=sc["settings"]
        )

    diagnosis = {
        p.stem: pd.read_parquet(p) for p in sorted((folder / "diagnosis").glob("*.parquet"))
    }
    tables = {name: pd.read_parquet(folder / "tables" / f"{name}.parquet") for name in _TABLES}
    return Review(
        spec=spec,
        dataset=data,
        scheme=scheme,
        definitions=Definitions(**meta["definitions"]),
        scorecard=card("scorecard"),
        current=card("current"),
        diagnosis=diagnosis,
        notes=meta["notes"],
        timings=meta["timings"],
        **tables,
    )
