"""Pre-aggregated input: one row per agent and period with indicator columns.

Many CRMs export monthly figures per agent instead of raw call logs. Such an export flows
into the same tidy indicator table as the raw-data engine, so every later analysis works on
it. Columns are recognised by indicator id or by any of the catalogue names (English,
Simplified or Traditional Chinese). Rates re-aggregate to coarser periods and to teams as
ratios of sums when their denominator is known: either an explicit ``<id>_numerator`` /
``<id>_denominator`` column pair, or a count column the catalogue formula names (e.g.
``connect_rate`` with ``dials``; :data:`~kpi_lib.indicators.catalogue.FORMULAS` says which
indicators are sums, ratios or means). Rates without a known denominator are passed through at the
export's own granularity and agent level and are missing, with the reason, elsewhere.

An export with one row per agent and *day* holding totals (calls made, connected, talk
seconds, deals, sales...) is read by :func:`from_agent_days`: the totals are the engine's own
components (:data:`~kpi_lib.indicators.catalogue.formulas.COMPONENTS`), summed per agent and
period, and every indicator the formula table builds from them gets its value, numerator and
denominator, so that coarser periods and teams re-aggregate as ratios of sums. A mapping's
``agent_days`` block (``kpi import``, see ``docs/mappings.md``) writes such totals to
``agent_days.parquet`` in the dataset folder; :func:`read_preaggregated` reads that folder.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.indicators.catalogue import (
    CATALOGUE,
    FORMULAS,
    LANGUAGES,
    LEVELS,
    OUTPUT_COLUMNS,
    get_indicator,
    label,
)
from kpi_lib.indicators.catalogue.formulas import (
    COMPONENTS,
    DERIVED_COMPONENTS,
    ByDefinition,
    Difference,
)
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.periods import (
    GRANULARITIES,
    parse_period,
    period_label,
    period_labels,
    period_start,
)

__all__ = ["PreAggregated", "read_preaggregated", "preaggregated_indicators", "from_agent_days"]

#: Components an agent-day row may hold: those that add up over days (distinct counts such
#: as customers served, the repurchase cohort and agent levels do not).
DAY_COMPONENTS = tuple(
    c
    for c in COMPONENTS
    if c not in ("customers_served", "order_customers", "repurchase_base", "repurchased")
    and not c.startswith("level_")
)
#: File of agent-day totals in a dataset folder written by ``kpi import``.
AGENT_DAY_FILE = "agent_days.parquet"


def _rate_denominators() -> dict[str, str]:
    """For each ratio whose denominator component is an unscaled sum indicator, that
    indicator (``connect_rate`` -> ``dials``): an export's count column then gives the
    rate's denominator."""
    sums = {f.numerator: i for i, f in FORMULAS.items() if f.kind == "sum" and f.scale == 1}
    return {
        i: sums[f.denominator]
        for i, f in FORMULAS.items()
        if f.kind == "ratio" and f.denominator in sums
    }


#: For a rate, the count indicator that is its denominator (numerator = value x denominator).
RATE_DENOMINATORS = _rate_denominators()


@dataclass
class PreAggregated:
    """A validated pre-aggregated export.

    Attributes
    ----------
    table : DataFrame
        ``agent_id``, ``team_id``, ``period``, ``period_start`` and one column per recognised
        indicator id, plus ``<id>_numerator`` / ``<id>_denominator`` where given.
    granularity : str
        Granularity of the export's periods.
    ignored_columns : list of str
        Columns that matched no indicator.
    """

    table: pd.DataFrame
    granularity: str
    ignored_columns: list


def _name_lookup() -> dict:
    lookup = {}
    for i in CATALOGUE:
        lookup[i.lower()] = i
        for lang in LANGUAGES:
            lookup[label(i, lang).strip().lower()] = i
    return lookup


def from_agent_days(
    days: pd.DataFrame, *, granularity: str = "month", definitions=None
) -> PreAggregated:
    """Agent-day totals as the pre-aggregated input at ``granularity``.

    Parameters
    ----------
    days : DataFrame
        One row per agent and day: ``agent_id``, ``team_id``, ``date`` and totals named by
        the engine's components (``dials``, ``connects``, ``talk_s``, ``connected_talk_s``,
        ``effective``, ``deals``, ``sales``, ...; :data:`DAY_COMPONENTS`). Several rows of the
        same agent and day are added up.
    granularity : {"week", "month", "quarter", "year"}
        The periods the days are summed into (days nest in weeks and months alike; coarser
        periods can be asked of :func:`preaggregated_indicators` later).
    definitions : Definitions, dict or path, optional
        For components chosen by a definition (e.g. ``compliance_reviewer`` for
        ``compliance_rate``); default :class:`Definitions()`.

    Returns
    -------
    PreAggregated
        Per agent and period the summed totals, and for every indicator whose components are
        all among them: ``<id>`` (the value) and, for rates, ``<id>_numerator`` and
        ``<id>_denominator`` (so teams and coarser periods are ratios of sums). A rate whose
        denominator is 0 in a period is missing there.

    Raises
    ------
    KeyError
        When ``agent_id``, ``team_id`` or ``date`` is missing.
    ValueError
        When a column is neither a key nor a day component (the message lists them), or no
        total is given.

    Examples
    --------
    >>> days = pd.DataFrame({"agent_id": ["A1", "A1"], "team_id": ["T1", "T1"],
    ...                      "date": pd.to_datetime(["2026-10-01", "2026-10-02"]),
    ...                      "dials": [40, 60], "connects": [10, 20], "deals": [1, 2]})
    >>> pre = from_agent_days(days)
    >>> pre.table[["period", "dials", "connect_rate", "conversion_rate"]]
        period  dials  connect_rate  conversion_rate
    0  2026-10  100.0           0.3              0.1
    """
    check_option("granularity", granularity, GRANULARITIES)
    df = pd.DataFrame(days).copy()
    for key in ("agent_id", "team_id", "date"):
        if key not in df.columns:
            raise KeyError(f"Agent-day totals have no `{key}` column; columns: {list(df.columns)}.")
    unknown = [c for c in df.columns if c not in ("agent_id", "team_id", "date", *DAY_COMPONENTS)]
    if unknown:
        raise ValueError(
            f"Agent-day totals: columns {unknown} are not day components; valid totals: "
            f"{', '.join(DAY_COMPONENTS)}."
        )
    comps = [c for c in DAY_COMPONENTS if c in df.columns]
    if not comps:
        raise ValueError(
            f"Agent-day totals hold no total; give some of {', '.join(DAY_COMPONENTS)}."
        )
    d = Definitions.from_yaml(definitions)
    date = pd.to_datetime(df["date"]).astype("datetime64[us]")
    df["period"] = period_labels(date, granularity)
    df["period_start"] = period_start(date, granularity).astype("datetime64[us]")
    df[comps] = df[comps].astype("float64")
    keys = ["agent_id", "team_id", "period", "period_start"]
    g = df.groupby(keys, sort=True)[comps].sum(min_count=1).reset_index()
    values = {c: g[c] for c in comps}
    for name, expr in DERIVED_COMPONENTS.items():
        if isinstance(expr, Difference):
            if expr.minuend in values and expr.subtrahend in values:
                values[name] = values[expr.minuend] - values[expr.subtrahend]
        elif isinstance(expr, ByDefinition) and expr.choose(d) in values:
            values[name] = values[expr.choose(d)]
    table = g[keys].copy()
    table["agent_id"] = table["agent_id"].astype("string")
    table["team_id"] = table["team_id"].astype("string")
    for i, f in FORMULAS.items():
        num = values.get(f.numerator)
        if f.kind == "mean" or num is None:
            continue
        if f.kind == "sum":
            table[i] = (num * float(f.scale)).astype("float64")
            continue
        den = values.get(f.denominator)
        if den is None:
            continue
        table[f"{i}_numerator"] = (num * float(f.scale)).astype("float64")
        table[f"{i}_denominator"] = den.astype("float64")
        table[i] = (table[f"{i}_numerator"] / den.where(den != 0)).astype("float64")
    return PreAggregated(table.reset_index(drop=True), granularity, [])


def read_preaggregated(
    source,
    *,
    columns: dict | None = None,
    agents: pd.DataFrame | None = None,
    timezone: str | None = None,
    granularity: str = "month",
) -> PreAggregated:
    """Read a pre-aggregated export (DataFrame, CSV, Parquet or Excel file), or the agent-day
    totals of a dataset folder written by ``kpi import`` (its ``agent_days.parquet``).

    Parameters
    ----------
    source : DataFrame or path
        One row per agent and period. Needs ``agent_id`` and ``period`` (labels such as
        ``2026-10``, or dates, read as the month containing them); ``team_id`` unless
        ``agents`` is given. Or a dataset folder holding ``agent_days.parquet``: see
        :func:`from_agent_days`.
    columns : dict, optional
        Export column name -> indicator id (or ``agent_id``/``team_id``/``period``), for
        headers the catalogue names do not match.
    agents : DataFrame, optional
        ``agent_id`` and ``team_id`` when the export has no team column.
    timezone : str, optional
        Converts timezone-aware period dates to wall-clock dates there.
    granularity : str, default "month"
        For agent-day totals only: the periods the days are summed into.

    Returns
    -------
    PreAggregated
    """
    if isinstance(source, str | Path) and Path(source).is_dir():
        days = Path(source) / AGENT_DAY_FILE
        if not days.is_file():
            raise FileNotFoundError(
                f"{str(source)!r} is a folder without {AGENT_DAY_FILE}: import a daily export "
                "with a mapping's `agent_days` block (docs/mappings.md), or give a file."
            )
        return from_agent_days(pd.read_parquet(days), granularity=granularity)
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            raise FileNotFoundError(f"Pre-aggregated file {str(path)!r} does not exist.")
        if path.suffix.lower() == ".csv":
            df = pd.read_csv(path)
        elif path.suffix.lower() == ".parquet":
            df = pd.read_parquet(path)
        elif path.suffix.lower() in (".xlsx", ".xls"):
            df = pd.read_excel(path)
        else:
            raise ValueError(f"Cannot read {path.name!r}: expected .csv, .parquet or .xlsx.")
    else:
        df = pd.DataFrame(source).copy()
    rename = dict(columns or {})
    lookup = _name_lookup()
    keys = {"agent_id", "team_id", "period"}
    ignored = []
    for col in df.columns:
        if col in rename:
            continue
        text = str(col).strip()
        low = text.lower()
        m = re.fullmatch(r"(.+?)_(numerator|denominator)", low)
        if low in keys:
            rename[col] = low
        elif low in lookup:
            rename[col] = lookup[low]
        elif m and m.group(1) in lookup:
            rename[col] = f"{lookup[m.group(1)]}_{m.group(2)}"
        else:
            ignored.append(str(col))
    for col, _target in rename.items():
        if col not in df.columns:
            raise KeyError(f"`columns` maps {col!r}, which is not a column of the export.")
    df = df.rename(columns=rename)
    if ignored:
        warnings.warn(
            f"Pre-aggregated export: columns {ignored} match no indicator and are ignored "
            "(map them with `columns={...}`).",
            UserWarning,
            stacklevel=2,
        )
        df = df.drop(columns=ignored)
    for k in ("agent_id", "period"):
        if k not in df.columns:
            raise KeyError(
                f"Pre-aggregated export has no `{k}` column; columns: {list(df.columns)}."
            )
    if "team_id" not in df.columns:
        if agents is None:
            raise KeyError(
                "Pre-aggregated export has no `team_id` column; add one or pass `agents`."
            )
        a = agents[["agent_id", "team_id"]].astype({"agent_id": "string"})
        df = df.astype({"agent_id": "string"}).merge(a, on="agent_id", how="left")
    df["agent_id"] = df["agent_id"].astype("string").str.strip()
    df["team_id"] = df["team_id"].astype("string").str.strip()
    period = df["period"]
    if pd.api.types.is_datetime64_any_dtype(period):
        labels = period_labels(period, "month", timezone=timezone)
    else:
        labels = period.astype("string").str.strip()
    parsed = {}
    bad = []
    for lab in labels.dropna().unique():
        try:
            parsed[lab] = parse_period(lab)
        except ValueError:
            bad.append(lab)
    if bad or labels.isna().any():
        rows = df.index[labels.isna() | labels.isin(bad)].tolist()[:10]
        raise ValueError(
            f"Pre-aggregated export: `period` values {bad[:5]} (rows {rows}) are not period "
            "labels such as 2026-10, 2026-Q4, 2026 or 2026-W43."
        )
    grans = {p.granularity for p in parsed.values()}
    if len(grans) != 1:
        raise ValueError(
            f"Pre-aggregated export mixes granularities {sorted(grans)}; use one per file."
        )
    df["period"] = labels
    df["period_start"] = labels.map({k: v.start for k, v in parsed.items()}).astype(
        "datetime64[us]"
    )
    dup = df.duplicated(["agent_id", "period"], keep=False)
    if dup.any():
        raise ValueError(
            f"Pre-aggregated export has several rows for the same agent and period "
            f"(rows {df.index[dup].tolist()[:10]})."
        )
    for c in df.columns:
        if c not in ("agent_id", "team_id", "period", "period_start"):
            df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return PreAggregated(df.reset_index(drop=True), grans.pop(), ignored)


def _num_den(t: pd.DataFrame, i: str):
    """Numerator and denominator of indicator ``i`` per row (NaN when unknown): a sum's
    denominator is 1, a mean's the rows with a value, a ratio's its ``<id>_denominator`` or
    count column."""
    kind = FORMULAS[i].kind
    if f"{i}_numerator" in t and f"{i}_denominator" in t:
        return t[f"{i}_numerator"], t[f"{i}_denominator"]
    if i not in t:
        return None, None
    value = t[i]
    if kind == "sum":
        return value, pd.Series(1.0, index=t.index)
    if kind == "mean":
        return value, value.notna().astype("float64")
    if f"{i}_denominator" in t:
        den = t[f"{i}_denominator"]
        return value * den, den
    den_id = RATE_DENOMINATORS.get(i)
    if den_id is not None and den_id in t:
        den = t[den_id]
        return value * den, den
    return value, pd.Series(np.nan, index=t.index)


def preaggregated_indicators(
    pre: PreAggregated, *, granularity: str | None = None, level: str = "agent", indicators=None
) -> pd.DataFrame:
    """The tidy indicator table (same columns as ``compute_indicators``) from an export.

    Parameters
    ----------
    pre : PreAggregated
    granularity : str, optional
        Default the export's own; coarser ones sum numerators and denominators.
    level : {"agent", "team"}
    indicators : list of str, optional
        Default every indicator the export has.

    Returns
    -------
    DataFrame
        As :func:`kpi_lib.indicators.engine.compute_indicators`.
    """
    granularity = granularity or pre.granularity
    check_option("granularity", granularity, GRANULARITIES)
    check_option("level", level, LEVELS)
    native = pre.granularity
    if GRANULARITIES.index(granularity) < GRANULARITIES.index(native) or (
        native == "week" and granularity != "week"
    ):
        raise ValueError(
            f"A {native} export cannot give {granularity} values (weeks do not nest in months; "
            "finer periods cannot be recovered)."
        )
    t = pre.table
    available = [i for i in CATALOGUE if i in t.columns or f"{i}_numerator" in t.columns]
    ids = available if indicators is None else list(indicators)
    for i in ids:
        if i not in CATALOGUE:
            get_indicator(i)  # raises, naming the nearest ids
    starts = period_start(t["period_start"], granularity)
    period = starts.map({s: period_label(pd.Timestamp(s), granularity) for s in starts.unique()})
    group_keys = ["agent_id", "team_id"] if level == "agent" else ["team_id"]
    pieces = []
    for i in ids:
        ind = CATALOGUE[i]
        num, den = _num_den(t, i)
        frame = t[["agent_id", "team_id"]].copy()
        frame["period"], frame["period_start"] = period.values, starts.values
        if num is None:
            frame["numerator"] = frame["denominator"] = np.nan
            frame["_native"] = np.nan
        else:
            frame["numerator"], frame["denominator"] = num.values, den.values
            frame["_native"] = t[i].values if i in t else (num / den).values
        frame["_has_den"] = frame["denominator"].notna()
        passthrough = granularity == native and level == "agent"
        if i == "team_target_attainment" and level == "team" and granularity == native:
            passthrough = True
        g = frame.groupby(group_keys + ["period", "period_start"], as_index=False, dropna=False)
        if passthrough:
            agg = g.agg(
                numerator=("numerator", "first"),
                denominator=("denominator", "first"),
                _native=("_native", "first"),
                _has_den=("_has_den", "all"),
            )
        else:
            agg = g.agg(
                numerator=("numerator", lambda s: s.sum(min_count=1)),
                denominator=("denominator", lambda s: s.sum(min_count=1)),
                _has_den=("_has_den", "all"),
                _native=("_native", "first"),
            )
        if FORMULAS[i].kind == "sum":
            # a count or amount adds up over agents and periods: its denominator stays 1
            agg["denominator"] = agg["denominator"].clip(upper=1.0)
        ok = agg["_has_den"] & agg["denominator"].notna() & (agg["denominator"] != 0)
        value = (agg["numerator"] / agg["denominator"].where(ok)).where(ok)
        reason = pd.Series("", index=agg.index, dtype=object)
        if num is None:
            reason[:] = f"{i} is unavailable: the export has no `{i}` column."
        else:
            zero = agg["_has_den"] & (agg["denominator"] == 0)
            reason[zero] = ind.missing_reason or "zero denominator"
            no_den = ~agg["_has_den"]
            if passthrough:
                value = value.where(~no_den, agg["_native"])
                reason[no_den & agg["_native"].isna()] = "missing in the export"
            else:
                reason[no_den] = (
                    f"cannot re-aggregate {i}: the export has no denominator; add "
                    f"`{i}_numerator` and `{i}_denominator` columns"
                )
        agg["value"], agg["reason"], agg["indicator"] = value, reason, i
        pieces.append(agg)
    out = pd.concat(pieces, ignore_index=True)
    out["granularity"] = granularity
    cols = [c for c in OUTPUT_COLUMNS if c in out.columns]
    if level == "team":
        cols = [c for c in cols if c != "agent_id"]
    out = out[cols]
    for c in ("agent_id", "team_id", "period", "granularity", "indicator", "reason"):
        if c in out:
            out[c] = out[c].astype("string")
    out["period_start"] = pd.to_datetime(out["period_start"]).astype("datetime64[us]")
    for c in ("value", "numerator", "denominator"):
        out[c] = out[c].astype("float64")
    sort = (["agent_id"] if level == "agent" else ["team_id"]) + ["period_start"]
    order = {i: n for n, i in enumerate(ids)}
    out = out.assign(_o=out["indicator"].map(order)).sort_values(sort + ["_o"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)
