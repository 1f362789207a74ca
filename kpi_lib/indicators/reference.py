"""A plain-pandas reference implementation of the indicator engine.

It computes the same per-agent, per-period components as the Ibis engine with ordinary
pandas operations on an in-memory :class:`~kpi_lib.data.dataset.Dataset`, then assembles the
tidy indicator table itself from the catalogue's formula table
(:data:`~kpi_lib.indicators.catalogue.FORMULAS`). It imports nothing from
:mod:`kpi_lib.indicators.engine`: tests compare the two on the sample dataset, which checks
the engine's components and its assembly alike. It is also the pandas baseline of the engine
benchmark. It is written for clarity, not speed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.indicators.catalogue import (
    CATALOGUE,
    DERIVED_COMPONENTS,
    FORMULAS,
    LEVELS,
    OUTPUT_COLUMNS,
    TEAM_COMPONENTS,
    Difference,
    get_indicator,
    requirements,
    unavailable_message,
)
from kpi_lib.indicators.catalogue.formulas import (
    NOT_COMPUTABLE,
    NOT_EMPLOYED,
    WINDOW_NOT_COMPLETE,
    resolve,
)
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.periods import GRANULARITIES, parse_period, period_label, period_start

__all__ = ["compute_indicators_pandas", "components_pandas"]

KEYS = ["agent_id", "period_start"]


def _ps(ts: pd.Series, granularity: str) -> pd.Series:
    return period_start(pd.Series(ts), granularity).astype("datetime64[us]")


def _flag(s: pd.Series) -> pd.Series:
    return s.astype("boolean").fillna(False).astype("int64")


def components_pandas(ds, granularity: str, definitions: Definitions | None = None):
    """Per-agent, per-period components computed with pandas.

    Returns
    -------
    tuple
        ``(components, data_end)``: a DataFrame keyed by ``agent_id`` and ``period_start``
        with one column per component, and the end of the data used for repurchase
        censoring.
    """
    d = definitions or Definitions()
    t = ds.tables
    frames = []

    calls = t["calls"]
    connected = calls["outcome"] == "connected"
    dur = calls["duration_s"].astype("float64").fillna(0.0)
    eff = connected & (dur >= d.effective_min_talk_s)
    if d.effective_requires_need_captured and "need_captured" in calls:
        eff &= calls["need_captured"].astype("boolean").fillna(False).astype(bool)
    c = pd.DataFrame(
        {
            "agent_id": calls["agent_id"],
            "period_start": _ps(calls["started_at"], granularity),
            "conn": connected.astype("int64"),
            "eff": eff.astype("int64"),
            "dur": dur,
        }
    )
    c["conn_dur"] = c["dur"] * c["conn"]
    c["eff_dur"] = c["dur"] * c["eff"]
    if "intent_rating" in calls:
        c["int"] = (
            connected
            & (calls["intent_rating"].astype("Float64") >= d.intent_interested_min).fillna(False)
        ).astype("int64")
    g = c.groupby(KEYS)
    f = pd.DataFrame(
        {
            "dials": g.size(),
            "connects": g["conn"].sum(),
            "effective": g["eff"].sum(),
            "talk_s": g["dur"].sum(),
            "connected_talk_s": g["conn_dur"].sum(),
            "effective_talk_s": g["eff_dur"].sum(),
        }
    )
    if "int" in c:
        f["interested"] = g["int"].sum()
    if "customer_id" in calls:
        served = c[connected.values].assign(customer_id=calls.loc[connected, "customer_id"].values)
        f["customers_served"] = served.groupby(KEYS)["customer_id"].nunique()
    frames.append(f.reset_index())

    orders = t["orders"].copy()
    amount = orders["amount"].astype("float64").fillna(0.0)
    if d.sales_net_of_refunds and "refunded_amount" in orders:
        amount = amount - orders["refunded_amount"].astype("float64").fillna(0.0)
    orders["amt"] = amount
    first = orders.sort_values(["ordered_at", "order_id"]).drop_duplicates("customer_id")
    orders["first"] = orders["order_id"].isin(first["order_id"]).astype("int64")
    orders["new_amt"] = orders["amt"] * orders["first"]
    orders["period_start"] = _ps(orders["ordered_at"], granularity)
    g = orders.groupby(KEYS)
    f = pd.DataFrame(
        {
            "sales": g["amt"].sum(),
            "deals": g.size(),
            "new_sales": g["new_amt"].sum(),
            "new_customers": g["first"].sum(),
            "order_customers": g["customer_id"].nunique(),
        }
    )
    if "collected_amount" in orders:
        f["collected"] = g["collected_amount"].sum()
    frames.append(f.reset_index())

    # repurchase: the next strictly later order time of the customer, any agent
    times = (
        orders[["customer_id", "ordered_at"]]
        .drop_duplicates()
        .sort_values(["customer_id", "ordered_at"])
    )
    times["next_at"] = times.groupby("customer_id")["ordered_at"].shift(-1)
    o = orders.merge(times, on=["customer_id", "ordered_at"])
    per = o.groupby(["agent_id", "period_start", "customer_id"]).agg(
        t0=("ordered_at", "min"), nxt=("next_at", "min")
    )
    window = pd.Timedelta(days=d.repurchase_window_days)
    per["again"] = (per["nxt"].notna() & (per["nxt"] <= per["t0"] + window)).astype("int64")
    g = per.groupby(level=[0, 1])
    frames.append(
        pd.DataFrame({"repurchase_base": g.size(), "repurchased": g["again"].sum()}).reset_index()
    )
    data_end = pd.Timestamp(d.data_end) if d.data_end else orders["ordered_at"].max()

    if ds.has("leads"):
        leads = t["leads"].copy()
        leads["period_start"] = _ps(leads["assigned_at"], granularity)
        cols = {"leads": ("lead_id", "size")}
        if "lead_id" in calls:
            connected_only = d.lead_utilisation_basis == "connected"
            worked = calls.loc[connected] if connected_only else calls
            leads["worked"] = leads["lead_id"].isin(set(worked["lead_id"].dropna())).astype("int64")
            cols["leads_worked"] = ("worked", "sum")
        if "lead_id" in orders:
            converted = leads["lead_id"].isin(set(orders["lead_id"].dropna()))
            leads["conv"] = converted.astype("int64")
            cols["leads_converted"] = ("conv", "sum")
            if "lead_id" in calls and "intent_rating" in calls:
                rating = calls["intent_rating"].astype("Float64")
                interested = connected & (rating >= d.intent_interested_min).fillna(False)
                shown = leads["lead_id"].isin(set(calls.loc[interested, "lead_id"].dropna()))
                leads["intent"] = shown.astype("int64")
                leads["intent_conv"] = (shown & converted).astype("int64")
                cols["leads_intent"] = ("intent", "sum")
                cols["leads_intent_converted"] = ("intent_conv", "sum")
        frames.append(leads.groupby(KEYS).agg(**cols).reset_index())

    if ds.has("surveys"):
        s = t["surveys"].copy()
        s["period_start"] = _ps(s["answered_at"], granularity)
        s["sat"] = (s["score"].astype("float64") >= d.satisfied_cutoff).astype("int64")
        s["score_f"] = s["score"].astype("float64")
        frames.append(
            s.groupby(KEYS)
            .agg(
                surveys=("score_f", "count"), score_sum=("score_f", "sum"), satisfied=("sat", "sum")
            )
            .reset_index()
        )

    if ds.has("complaints"):
        cp = t["complaints"].copy()
        cp["period_start"] = _ps(cp["opened_at"], granularity)
        cols = {"complaints": ("opened_at", "size")}
        if "resolved_at" in cp:
            res = cp["resolved_at"].notna()
            if d.complaint_resolution_days is not None:
                res &= cp["resolved_at"] <= cp["opened_at"] + pd.Timedelta(
                    days=d.complaint_resolution_days
                )
            cp["res"] = res.astype("int64")
            cols["resolved"] = ("res", "sum")
        frames.append(cp.groupby(KEYS).agg(**cols).reset_index())

    if ds.has("qa_reviews"):
        q = t["qa_reviews"].copy()
        at = q["reviewed_at"]
        if d.qa_period == "call" and "call_id" in q and "call_id" in calls:
            # the period of the reviewed call; reviews of unknown calls by reviewed_at
            call_at = calls.drop_duplicates("call_id").set_index("call_id")["started_at"]
            at = q["call_id"].map(call_at).fillna(at)
        q["period_start"] = _ps(at, granularity)
        q["sys"] = (q["reviewer"] == "system").astype("int64")
        q["ok"] = _flag(q["compliant"])
        q["sys_ok"] = q["sys"] * q["ok"]
        frames.append(
            q.groupby(KEYS)
            .agg(
                qa_system_n=("sys", "sum"),
                qa_system_ok=("sys_ok", "sum"),
                qa_all_n=("ok", "size"),
                qa_all_ok=("ok", "sum"),
            )
            .reset_index()
        )

    if ds.has("trainings"):
        tr = t["trainings"].copy()
        tr["period_start"] = _ps(tr["taken_at"], granularity)
        tr["ok"] = _flag(tr["passed"])
        frames.append(
            tr.groupby(KEYS).agg(exams=("ok", "size"), exams_passed=("ok", "sum")).reset_index()
        )

    if ds.has("proposals"):
        p = t["proposals"].copy()
        p["period_start"] = _ps(p["submitted_at"], granularity)
        p["acc"] = _flag(p["accepted"]) if "accepted" in p else np.nan
        cols = {"proposals": ("acc", "size")}
        if "accepted" in p:
            cols["proposals_accepted"] = ("acc", "sum")
        frames.append(p.groupby(KEYS).agg(**cols).reset_index())

    comp = frames[0]
    for fr in frames[1:]:
        comp = comp.merge(fr, on=KEYS, how="outer")
    comp["agent_id"] = comp["agent_id"].astype(object)
    if "customers_served" not in comp:  # calls without customer_id: the ordering customers
        comp["customers_served"] = comp["order_customers"]
    return comp, data_end


def _unavailable(ds, d: Definitions, ids) -> dict[str, str]:
    """Indicator id -> message, for each of ``ids`` whose tables or columns ``ds`` lacks."""
    out = {}
    for i in ids:
        missing = []
        for item in requirements(i, d):
            table, _, column = item.partition(".")
            if table not in ds.tables or (column and column not in ds.tables[table].columns):
                missing.append(item)
        if missing:
            out[i] = unavailable_message(i, missing)
    return out


def _component(comp: pd.DataFrame, name: str, d: Definitions) -> pd.Series | None:
    """Component ``name`` of every row, computed from others when it is derived; None when
    the data has none."""
    if name in comp:
        return comp[name]
    expr = DERIVED_COMPONENTS.get(name)
    if isinstance(expr, Difference):
        a, b = _component(comp, expr.minuend, d), _component(comp, expr.subtrahend, d)
        return None if a is None or b is None else a - b
    if expr is not None:
        return _component(comp, expr.choose(d), d)
    return None


def _employment(comp: pd.DataFrame, agents, granularity: str) -> pd.Series:
    """True for agent-periods before the period of hire and, for inactive agents, after the
    period of their last call."""
    outside = pd.Series(False, index=comp.index)
    if agents is None:
        return outside
    a = agents.drop_duplicates("agent_id").set_index("agent_id")
    if "hire_date" in a:
        hired = _ps(pd.to_datetime(a["hire_date"], errors="coerce"), granularity)
        first = comp["agent_id"].map(hired)
        outside |= (comp["period_start"] < first).fillna(False).astype(bool)
    if "active" in a:
        inactive = set(a.index[a["active"].astype("boolean").eq(False).fillna(False)])
        last = comp[comp["dials"] > 0].groupby("agent_id")["period_start"].max()
        after = comp["period_start"] > comp["agent_id"].map(last)
        outside |= comp["agent_id"].isin(inactive) & after.fillna(False).astype(bool)
    return outside


def _agent_periods(comp: pd.DataFrame, agents, d: Definitions, granularity: str):
    """Zero-filled components with the derived ones, ``team_id``, the level components and
    an ``outside`` flag, for the periods from the first to the last with calls."""
    comp = comp.copy()
    counts = [c for c in comp.columns if c not in KEYS]
    comp[counts] = comp[counts].astype("float64").fillna(0.0)
    called = comp.loc[comp["dials"] > 0, "period_start"]
    if len(called):
        comp = comp[comp["period_start"].between(called.min(), called.max())]
    comp = comp.reset_index(drop=True)
    for name in DERIVED_COMPONENTS:
        values = _component(comp, name, d)
        if values is not None:
            comp[name] = values
    comp["outside"] = _employment(comp, agents, granularity)
    if agents is None:
        comp["team_id"] = None
        return comp
    a = agents[["agent_id", "team_id"]].astype(object)
    if "level" in agents:
        levels = {str(k).lower(): float(v) for k, v in d.level_map.items()}
        number = agents["level"].astype(object).str.strip().str.lower().map(levels)
        a = a.assign(level_sum=number.astype("float64").fillna(0.0), level_n=number.notna() * 1.0)
    return comp.merge(a, on="agent_id", how="left")


def _team_target(targets, indicator: str, granularity: str):
    """``(team_id, period label) -> target`` of ``indicator`` for teams: the period's own
    targets, else (quarters, years) the sum of its monthly targets when all are set."""
    if targets is None or targets.empty:
        return lambda team, period: np.nan
    t = targets[(targets["scope"] == "team") & (targets["indicator"] == indicator)]
    own = t.groupby([t["scope_id"].astype(object), t["period"].astype(object)])["target"].sum()
    months = {"quarter": 3, "year": 12}.get(granularity)
    monthly = t[t["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")]
    if months and len(monthly):
        starts = [parse_period(p).start for p in monthly["period"]]
        coarse = [period_label(s, granularity) for s in starts]
        summed = monthly.groupby([monthly["scope_id"].astype(object), coarse])["target"]
        summed = summed.agg(["sum", "size"])
        summed = summed.loc[summed["size"] == months, "sum"]
    else:
        summed = pd.Series(dtype="float64")

    def lookup(team, period):
        if (team, period) in own.index:
            return own[(team, period)]
        return summed.get((team, period), np.nan)

    return lookup


def _with_team_figures(comp, targets, granularity: str) -> pd.DataFrame:
    """Add the team's own figures (``TEAM_COMPONENTS``) to every row."""
    comp = comp.copy()
    for name, (how, of) in TEAM_COMPONENTS.items():
        if how == "sum":
            by = comp.groupby(["team_id", "period"], dropna=False)[of]
            comp[name] = by.transform("sum")
        else:
            lookup = _team_target(targets, of, granularity)
            pairs = zip(comp["team_id"], comp["period"], strict=True)
            comp[name] = [lookup(team, period) for team, period in pairs]
    return comp


def _indicator_rows(comp, i: str, d: Definitions, censored, message) -> pd.DataFrame:
    """``value``, ``numerator``, ``denominator`` and ``reason`` of indicator ``i``, one row per
    row of ``comp``."""
    formula, entry = FORMULAS[i], CATALOGUE[i]
    nan = pd.Series(np.nan, index=comp.index)
    if message is not None:
        return pd.DataFrame({"value": nan, "numerator": nan, "denominator": nan, "reason": message})
    num = comp[formula.numerator] if formula.numerator in comp else nan
    num = num * formula.scale.numerator / formula.scale.denominator
    if formula.denominator is None:
        den = pd.Series(1.0, index=comp.index)
    else:
        den = comp[formula.denominator] if formula.denominator in comp else nan
    ok = num.notna() & den.notna() & (den != 0)
    value = (num / den).where(ok)
    missing = resolve(formula.missing_reason, d) or entry.missing_reason or NOT_COMPUTABLE
    reason = pd.Series("", index=comp.index).where(ok, missing)
    if formula.zero_reason:
        reason = reason.mask(den == 0, formula.zero_reason)
    if formula.censored:
        reason = reason.mask(censored & ok, WINDOW_NOT_COMPLETE)
        value, num, den = value.mask(censored), num.mask(censored), den.mask(censored)
    return pd.DataFrame({"value": value, "numerator": num, "denominator": den, "reason": reason})


def compute_indicators_pandas(
    ds,
    *,
    granularity: str = "month",
    level: str = "agent",
    indicators=None,
    definitions=None,
    periods=None,
) -> pd.DataFrame:
    """Reference computation with plain pandas; same output as ``compute_indicators``.

    Parameters
    ----------
    ds : Dataset
    granularity, level, indicators, definitions, periods
        As for :func:`kpi_lib.indicators.engine.compute_indicators`.

    Returns
    -------
    DataFrame
        ``agent_id`` (agent level only), ``team_id``, ``period``, ``granularity``,
        ``period_start``, ``indicator``, ``value``, ``numerator``, ``denominator``,
        ``reason``.

    Notes
    -----
    Each value follows :data:`~kpi_lib.indicators.catalogue.FORMULAS` from the summed
    components; rows outside an agent's employment are dropped or flagged
    (``outside_employment``) at agent level and counted at team level.
    """
    check_option("granularity", granularity, GRANULARITIES)
    check_option("level", level, LEVELS)
    d = Definitions.from_yaml(definitions)
    if isinstance(indicators, str):
        indicators = [indicators]
    ids = None if indicators is None else [get_indicator(i).id for i in indicators]
    unavailable = _unavailable(ds, d, ids or list(CATALOGUE))
    if ids is None:
        ids = [i for i in CATALOGUE if i not in unavailable]
    comp, data_end = components_pandas(ds, granularity, d)
    comp = _agent_periods(comp, ds.tables.get("agents"), d, granularity)
    if periods is not None:
        periods = [periods] if isinstance(periods, str) else periods
        comp = comp[comp["period_start"].isin({parse_period(p).start for p in periods})]
    comp = comp.assign(period=[period_label(s, granularity) for s in comp["period_start"]])
    comp = _with_team_figures(comp, ds.tables.get("targets"), granularity)

    if level == "team":
        keys = ["team_id", "period", "period_start"]
        own = [c for c in TEAM_COMPONENTS if c in comp]
        summed = [c for c in comp.columns if c not in keys + own + ["agent_id", "outside"]]
        grouped = comp.groupby(keys, dropna=False)
        comp = grouped[summed].sum(min_count=1).join(grouped[own].first()).reset_index()
        comp["outside"] = False
    else:
        keys = ["agent_id", "team_id", "period", "period_start"]
        if d.outside_employment == "drop":
            comp = comp[~comp["outside"]]
    comp = comp.sort_values([keys[0], "period_start"], kind="stable").reset_index(drop=True)

    window = pd.Timedelta(days=d.repurchase_window_days)
    ends = pd.to_datetime([parse_period(p).end for p in comp["period"]])
    censored = pd.Series(ends + window > data_end, index=comp.index)
    censored &= d.repurchase_censoring == "missing"
    pieces = []
    for order, i in enumerate(ids):
        rows = _indicator_rows(comp, i, d, censored, unavailable.get(i))
        rows.loc[comp["outside"].to_numpy(dtype=bool), :] = [np.nan, np.nan, np.nan, NOT_EMPLOYED]
        pieces.append(comp[keys].assign(indicator=i, _order=order, **rows))
    out = pd.concat(pieces, ignore_index=True)
    out = out.sort_values([keys[0], "period_start", "_order"], kind="stable")
    out["granularity"] = granularity
    text = pd.StringDtype("pyarrow")
    for c in ("agent_id", "team_id", "period", "granularity", "indicator", "reason"):
        if c in out:
            out[c] = out[c].astype(object).where(out[c].notna(), None).astype(text)
    out["period_start"] = pd.to_datetime(out["period_start"]).astype("datetime64[us]")
    for c in ("value", "numerator", "denominator"):
        out[c] = out[c].astype("float64")
    return out[[c for c in OUTPUT_COLUMNS if c in out]].reset_index(drop=True)
