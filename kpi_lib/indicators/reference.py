"""A plain-pandas reference implementation of the indicator engine.

It computes the same per-agent, per-period components as the Ibis engine with ordinary
pandas operations on an in-memory :class:`~kpi_lib.data.dataset.Dataset`, then shares the
final assembly (:func:`~kpi_lib.indicators.engine.indicators_from_components`). Tests compare
the two on the sample dataset; it is also the pandas baseline of the engine benchmark. It is
written for clarity, not speed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.indicators.catalogue import CATALOGUE, get_indicator
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine.assembly import finish_components, indicators_from_components
from kpi_lib.indicators.engine.availability import unavailable_table
from kpi_lib.indicators.engine.source import Source
from kpi_lib.indicators.periods import GRANULARITIES, parse_period, period_start

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
    return comp, data_end


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
    """
    check_option("granularity", granularity, GRANULARITIES)
    d = Definitions.from_yaml(definitions)
    ids = None if indicators is None else [get_indicator(i).id for i in indicators]
    src = Source(None, ds.tables, ds.timezone, {n: set(df.columns) for n, df in ds.tables.items()})
    unavailable = unavailable_table(src, d, ids or CATALOGUE)
    if ids is None:
        ids = [i for i in CATALOGUE if i not in set(unavailable["indicator"])]
    comp, data_end = components_pandas(ds, granularity, d)
    comp = finish_components(comp, ds.tables.get("agents"), d, granularity=granularity)
    if periods is not None:
        periods = [periods] if isinstance(periods, str) else periods
        comp = comp[comp["period_start"].isin({parse_period(p).start for p in periods})]
    return indicators_from_components(
        comp,
        granularity=granularity,
        level=level,
        indicators=ids,
        definitions=d,
        targets=ds.tables.get("targets"),
        unavailable=unavailable,
        data_end=data_end,
    )
