"""The Ibis expressions: each table reduced to sums and counts per agent and period."""

from __future__ import annotations

import pandas as pd

from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine.formulas import TABLE_COMPONENTS, needed_components
from kpi_lib.indicators.engine.keys import agent_column, day_bounds, day_key, execute
from kpi_lib.indicators.engine.source import Source

__all__ = ["ibis_components"]


_TRUNC = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}


def _bool(col):
    return col.fill_null(False).cast("int64")


def _period(col, granularity):
    return col.truncate(_TRUNC[granularity])


def _window(t, col, bounds):
    if bounds is None:
        return t
    lo, hi = bounds
    return t.filter((t[col] >= lo) & (t[col] < hi))


def _flag(cond):
    """0/1 (null when ``cond`` is null) as a narrow integer: SUM skips nulls, so a null
    condition counts as false, without the COALESCE and 64-bit products of ``_bool``."""
    return cond.cast("int8")


def _calls_components(src, g, d, need, bounds):
    import ibis

    c = _window(src.tables["calls"], "started_at", bounds)
    connected = c.outcome == "connected"
    dur = c.duration_s.cast("float64").fill_null(0)
    eff = connected & (dur >= d.effective_min_talk_s)
    if d.effective_requires_need_captured and src.has("calls", "need_captured"):
        eff = eff & c.need_captured
    cols = {
        "agent_id": c.agent_id,
        "period_start": _period(c.started_at, g),
        "_conn": _flag(connected),
        "_eff": _flag(eff),
        "_dur": dur,
    }
    if src.has("calls", "intent_rating"):
        cols["_int"] = _flag(connected & (c.intent_rating >= d.intent_interested_min))
    c = c.select(**cols)
    aggs = {
        "dials": c.count(),
        "connects": c._conn.sum(),
        "effective": c._eff.sum(),
        "talk_s": c._dur.sum(),
        # CASE rather than a product with the flag: cheaper on 100M rows
        "connected_talk_s": ibis.ifelse(c._conn == 1, c._dur, 0.0).sum(),
        "effective_talk_s": ibis.ifelse(c._eff == 1, c._dur, 0.0).sum(),
    }
    if "_int" in c.columns:
        aggs["interested"] = c._int.sum()
    return c.group_by(["agent_id", "period_start"]).aggregate(**aggs)


def _served_components(src, g, bounds):
    """Distinct customers of connected calls; a distinct then a count is cheaper than a
    count-distinct inside the main call aggregate. The distinct rows (21M at 100M calls)
    carry 4-byte agent and period keys instead of a string and a timestamp: 0.4 GB less."""
    c = _window(src.tables["calls"], "started_at", bounds)
    c = c.filter((c.outcome == "connected") & c.customer_id.notnull())
    agent = agent_column(src, c)
    c = c.select(agent, "customer_id", _pd=day_key(_period(c.started_at, g))).distinct()
    return c.group_by([agent.get_name(), "_pd"]).aggregate(customers_served=c.count())


def _orders_amount(o, d):
    amount = o.amount.cast("float64").fill_null(0)
    if d.sales_net_of_refunds and "refunded_amount" in o.columns:
        amount = amount - o.refunded_amount.cast("float64").fill_null(0)
    return amount


def _orders_components(src, g, d, need, bounds):
    o_all = src.tables["orders"]
    first_at = o_all.group_by("customer_id").aggregate(_first_at=o_all.ordered_at.min())
    j = o_all.join(first_at, "customer_id")
    first_ids = (
        j.filter(j.ordered_at == j._first_at)
        .group_by("customer_id")
        .aggregate(_first_id=lambda t: t.order_id.min())
        .select("_first_id")
    )
    o = _window(o_all, "ordered_at", bounds)
    o = o.left_join(first_ids, o.order_id == first_ids._first_id)
    amount = _orders_amount(o, d)
    is_first = _bool(o._first_id.notnull())
    o = o.mutate(period_start=_period(o.ordered_at, g), _amt=amount, _first=is_first)
    aggs = {
        "sales": o._amt.sum(),
        "deals": o.count(),
        "new_sales": (o._amt * o._first).sum(),
        "new_customers": o._first.sum(),
        "order_customers": o.customer_id.nunique(),
    }
    if "collected_amount" in o.columns:
        aggs["collected"] = o.collected_amount.cast("float64").fill_null(0).sum()
    return o.group_by(["agent_id", "period_start"]).aggregate(**aggs)


def _repurchase_components(src, g, d, bounds):
    import ibis

    o_all = src.tables["orders"]
    times = o_all.select("customer_id", "ordered_at").distinct()
    w = ibis.window(group_by="customer_id", order_by="ordered_at")
    times = times.mutate(_next_at=times.ordered_at.lead().over(w))
    o = _window(o_all, "ordered_at", bounds).select("agent_id", "customer_id", "ordered_at")
    o = o.join(times, ["customer_id", "ordered_at"])
    o = o.mutate(period_start=_period(o.ordered_at, g))
    per_customer = o.group_by(["agent_id", "period_start", "customer_id"]).aggregate(
        _t0=o.ordered_at.min(), _next=o._next_at.min()
    )
    window = ibis.interval(days=int(d.repurchase_window_days))
    again = per_customer._next.notnull() & (per_customer._next <= per_customer._t0 + window)
    per_customer = per_customer.mutate(_again=_bool(again))
    return per_customer.group_by(["agent_id", "period_start"]).aggregate(
        repurchase_base=per_customer.count(), repurchased=per_customer._again.sum()
    )


def _leads_components(src, g, d, need, bounds):
    """Leads assigned, worked (dialled), converted and showing intent per agent and period
    (a list of expressions)."""
    import ibis

    leads = _window(src.tables["leads"], "assigned_at", bounds)
    leads = leads.mutate(period_start=_period(leads.assigned_at, g))
    keys = ["agent_id", "period_start"]
    exprs = []
    if "leads_worked" in need and src.has("calls", "lead_id"):
        c = src.tables["calls"]
        if d.lead_utilisation_basis == "connected":
            c = c.filter(c.outcome == "connected")
        # calls without a lead cannot match: leave them out of the probe side
        ids = c.filter(c.lead_id.notnull()).select(_wid="lead_id")
        # the join's hash table holds every lead (39M at 100M calls): 4-byte agent and
        # period keys keep it narrow
        agent = agent_column(src, leads)
        narrow = leads.select("lead_id", agent, _pd=day_key(leads.period_start))
        worked = narrow.semi_join(ids, narrow.lead_id == ids._wid)
        worked = worked.group_by([agent.get_name(), "_pd"]).aggregate(leads_worked=worked.count())
        exprs.append(worked)
    # converted and intent flags on one scan of the leads: each lookup's hash table holds
    # only the distinct lead ids of the orders or of the interested calls (a few million),
    # never the leads themselves
    flags = {}
    if {"leads_converted", "leads_intent"} & need and src.has("orders", "lead_id"):
        o = src.tables["orders"]
        flags["_conv"] = o.filter(o.lead_id.notnull()).select(_fid="lead_id").distinct()
    if (
        "leads_intent" in need
        and "_conv" in flags
        and src.has("calls", "lead_id")
        and src.has("calls", "intent_rating")
    ):
        c = src.tables["calls"]
        interested = (c.outcome == "connected") & (c.intent_rating >= d.intent_interested_min)
        flags["_int"] = c.filter(interested & c.lead_id.notnull()).select(_fid="lead_id").distinct()
    if flags:
        t = leads.select("agent_id", "period_start", "lead_id")
        for name, ids in flags.items():
            j = t.left_join(ids, t.lead_id == ids._fid)
            t = j.select(*t.columns, **{name: _flag(j._fid.notnull())})
        aggs = {"leads": t.count(), "leads_converted": t._conv.sum()}
        if "_int" in flags:
            aggs["leads_intent"] = t._int.sum()
            aggs["leads_intent_converted"] = ibis.ifelse(t._int == 1, t._conv, 0).sum()
        exprs.append(t.group_by(keys).aggregate(**aggs))
    else:
        exprs.append(leads.group_by(keys).aggregate(leads=leads.count()))
    return exprs


def _surveys_components(src, g, d, bounds):
    s = _window(src.tables["surveys"], "answered_at", bounds)
    s = s.mutate(period_start=_period(s.answered_at, g))
    return s.group_by(["agent_id", "period_start"]).aggregate(
        surveys=s.score.count(),
        score_sum=s.score.cast("float64").sum(),
        satisfied=_bool(s.score >= d.satisfied_cutoff).sum(),
    )


def _complaints_components(src, g, d, bounds):
    import ibis

    c = _window(src.tables["complaints"], "opened_at", bounds)
    c = c.mutate(period_start=_period(c.opened_at, g))
    aggs = {"complaints": c.count()}
    if "resolved_at" in c.columns:
        resolved = c.resolved_at.notnull()
        if d.complaint_resolution_days is not None:
            limit = c.opened_at + ibis.interval(days=int(d.complaint_resolution_days))
            resolved = resolved & (c.resolved_at <= limit)
        aggs["resolved"] = _bool(resolved).sum()
    return c.group_by(["agent_id", "period_start"]).aggregate(**aggs)


def _qa_components(src, g, d, bounds):
    """QA reviews dated by the reviewed call (compliance of the calls made in the period);
    a review whose call is not in ``calls`` is dated by ``reviewed_at``."""
    import ibis

    q = src.tables["qa_reviews"]
    # one 1-byte code per review: 2 x system reviewer + compliant
    code = (_flag(q.reviewer == "system").fill_null(0) * 2 + _flag(q.compliant).fill_null(0)).cast(
        "int8"
    )
    agent = agent_column(src, q)
    review_period = day_key(_period(q.reviewed_at, g))
    if d.qa_period == "call" and src.has("qa_reviews", "call_id") and src.has("calls", "call_id"):
        # the join's hash table holds one row per review (19M at 100M calls): the call id
        # and 4-byte agent, period and code columns only (0.35 GB less than with the agent
        # id, the review time and two flags)
        q = q.select("call_id", agent, _c=code, _rp=review_period)
        c = src.tables["calls"].select(_cid="call_id", _call_at="started_at")
        j = q.left_join(c, q.call_id == c._cid)
        # the call's period is computed after the join: on 19M matches, not 100M calls
        q = j.select(agent.get_name(), "_c", _pd=day_key(_period(j._call_at, g)).fill_null(j._rp))
    else:
        q = q.select(agent, _c=code, _pd=review_period)
    q = day_bounds(q, "_pd", bounds)
    return q.group_by([agent.get_name(), "_pd"]).aggregate(
        qa_system_n=ibis.ifelse(q._c >= 2, 1, 0).sum(),
        qa_system_ok=ibis.ifelse(q._c == 3, 1, 0).sum(),
        qa_all_n=q.count(),
        qa_all_ok=ibis.ifelse((q._c == 1) | (q._c == 3), 1, 0).sum(),
    )


def _trainings_components(src, g, d, bounds):
    t = _window(src.tables["trainings"], "taken_at", bounds)
    t = t.mutate(period_start=_period(t.taken_at, g))
    return t.group_by(["agent_id", "period_start"]).aggregate(
        exams=t.count(), exams_passed=_bool(t.passed).sum()
    )


def _proposals_components(src, g, d, bounds):
    p = _window(src.tables["proposals"], "submitted_at", bounds)
    p = p.mutate(period_start=_period(p.submitted_at, g))
    aggs = {"proposals": p.count()}
    if "accepted" in p.columns:
        aggs["proposals_accepted"] = _bool(p.accepted).sum()
    return p.group_by(["agent_id", "period_start"]).aggregate(**aggs)


def ibis_components(src: Source, g: str, d: Definitions, ids, bounds):
    """Run the Ibis expressions; return the per-agent, per-period component frame, the end
    of the data for repurchase censoring and, when ``bounds`` cut the calls, each agent's
    last call (else None: the components' own ``dials`` tell)."""
    need = needed_components(ids, d)
    frames = []
    uses = {name: bool(need & set(comps)) for name, comps in TABLE_COMPONENTS.items()}
    if "customers_served" in need:
        uses["calls"] = True
        if not src.has("calls", "customer_id"):
            uses["orders"] = True
    if uses["calls"] and src.has("calls"):
        frames.append(execute(src, _calls_components(src, g, d, need, bounds)))
    if "customers_served" in need and src.has("calls", "customer_id"):
        frames.append(execute(src, _served_components(src, g, bounds)))
    if uses["orders"] and src.has("orders"):
        frames.append(execute(src, _orders_components(src, g, d, need, bounds)))
    if uses["repurchase"] and src.has("orders"):
        frames.append(execute(src, _repurchase_components(src, g, d, bounds)))
    if uses["leads"] and src.has("leads"):
        frames.extend(execute(src, e) for e in _leads_components(src, g, d, need, bounds))
    for name, fn in (
        ("surveys", _surveys_components),
        ("complaints", _complaints_components),
        ("qa_reviews", _qa_components),
        ("trainings", _trainings_components),
        ("proposals", _proposals_components),
    ):
        if uses[name] and src.has(name):
            frames.append(execute(src, fn(src, g, d, bounds)))
    comp = _merge_frames(frames)
    data_end = None
    if "repurchase_base" in comp.columns:
        if d.data_end is not None:
            data_end = pd.Timestamp(d.data_end)
        else:
            o = src.tables["orders"]
            data_end = pd.Timestamp(src.con.execute(o.ordered_at.max()))
    last_call = None
    if bounds is not None and src.has("calls"):
        c = src.tables["calls"]
        last = c.group_by("agent_id").aggregate(period_start=_period(c.started_at.max(), g))
        last_call = execute(src, last).set_index("agent_id")["period_start"]
    return comp, data_end, last_call


def _merge_frames(frames) -> pd.DataFrame:
    keys = ["agent_id", "period_start"]
    if not frames:
        return pd.DataFrame(columns=keys)
    out = frames[0]
    for f in frames[1:]:
        out = out.merge(f, on=keys, how="outer")
    return out
