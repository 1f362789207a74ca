"""Orders and complaints, drawn once the calls of every month are known."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpi_lib.data.synth.arrow import string_ids, take_values, timestamps
from kpi_lib.data.synth.presets import OVER_PROMISE

__all__ = ["orders_and_complaints", "orders_arrow", "complaints_arrow"]


_COMPLAINT_CATEGORIES = np.array(["over_promise", "service_attitude", "billing", "course_quality"])


def orders_and_complaints(rng, order_parts, ag, sc, end_s):
    """Repurchases, refunds and complaints of the orders of every chunk; returns the orders,
    the complaints and per-customer statistics for ``PLANTED.json``."""
    fl = ag["flags"]
    o = {k: np.concatenate([p[k] for p in order_parts]) for k in order_parts[0]}
    n = len(o["agent"])
    a = o["agent"]
    op = fl["over_promiser"][a]
    w = o["w"]
    # repurchase within 90 days (a repeat order by the same customer, credited to the agent)
    p_rep = (
        sc["repurchase_prob_before"]
        + (sc["repurchase_prob_after"] - sc["repurchase_prob_before"]) * w
    )
    p_rep = (
        p_rep
        * np.exp(0.5 * ag["eff"]["satisfaction"][a])
        * np.where(op, OVER_PROMISE["repurchase_factor"], 1.0)
    )
    rep = rng.random(n) < p_rep
    rep_at = o["at"] + (86400 * (7 + rng.random(n) * 83)).astype("int64")
    rep_ok = rep & (rep_at < end_s)
    r = np.flatnonzero(rep_ok)
    all_agent = np.concatenate([a, a[r]])
    all_lead = np.concatenate([o["lead"], o["lead"][r]])
    all_at = np.concatenate([o["at"], rep_at[r]])
    all_amount = np.concatenate(
        [o["amount"], np.round(o["amount"][r] * np.exp(rng.normal(-0.35, 0.3, len(r))) / 10) * 10]
    )
    is_repeat = np.concatenate([np.zeros(n, bool), np.ones(len(r), bool)])
    all_op = fl["over_promiser"][all_agent]
    N = len(all_agent)
    # complaints: mostly over-promise complaints from new customers
    p_c = (
        sc["complaint_prob_before"] + (sc["complaint_prob_after"] - sc["complaint_prob_before"]) * w
    )
    p_c = (
        p_c
        * np.where(op, OVER_PROMISE["complaint_factor"], 1.0)
        * np.where(fl["padder"][a], 1.3, 1.0)
        * np.exp(ag["eff"]["complaint"][a] + o["complaint_shock"])
    )
    p_c = np.where(o["noncompliant"], np.minimum(p_c * 1.8, 0.95), p_c)
    comp = rng.random(n) < np.clip(p_c, 0, 0.95)
    comp_at = o["at"] + (86400 * (2 + rng.random(n) * 28)).astype("int64")
    comp_ok = comp & (comp_at < end_s)
    c = np.flatnonzero(comp_ok)
    over_share = np.where(op[c], 0.85, 0.65 - 0.3 * w[c])
    u = rng.random(len(c))
    cat = np.where(
        u < over_share,
        0,
        np.where(
            u < over_share + (1 - over_share) * 0.35,
            1,
            np.where(u < over_share + (1 - over_share) * 0.65, 2, 3),
        ),
    )
    resolve_after = (86400 * np.exp(np.log(2.5) + 0.8 * rng.normal(0, 1, len(c)))).astype("int64")
    resolved_at = comp_at[c] + resolve_after
    open_ = (rng.random(len(c)) < 0.08) | (resolved_at >= end_s)
    complaints = {
        "agent": a[c],
        "lead": o["lead"][c],
        "opened": comp_at[c],
        "resolved": resolved_at,
        "open": open_,
        "category": cat,
    }
    # money: collection and refunds (complained-about orders are refunded more often)
    complained = np.zeros(N, bool)
    complained[c] = True
    collected = np.where(
        rng.random(N) < 0.9, all_amount, np.round(all_amount * rng.uniform(0.3, 0.9, N) / 10) * 10
    )
    refund_p = np.where(all_op, OVER_PROMISE["refund_prob"], 0.03) + 0.3 * complained
    refunded = np.where(
        rng.random(N) < refund_p,
        np.round(collected * np.where(rng.random(N) < 0.6, 1.0, rng.uniform(0.3, 0.9, N)) / 10)
        * 10,
        0.0,
    )
    srt = np.lexsort((all_lead, all_at))
    orders = {
        "agent": all_agent[srt],
        "lead": all_lead[srt],
        "at": all_at[srt],
        "amount": all_amount[srt],
        "collected": collected[srt],
        "refunded": refunded[srt],
        "repeat": is_repeat[srt],
    }
    cs = np.lexsort((complaints["lead"], complaints["opened"]))
    complaints = {k: v[cs] for k, v in complaints.items()}
    cust_stats = {"first_at": o["at"], "agent": a, "repurchased": rep, "rep_at": rep_at, "w": w}
    return orders, complaints, cust_stats


def orders_arrow(o, agent_ids) -> pa.Table:
    """The ``orders`` table from the order arrays."""
    n = len(o["agent"])
    return pa.table(
        {
            "order_id": string_ids("O", np.arange(n), 7),
            "agent_id": take_values(agent_ids, o["agent"]),
            "customer_id": string_ids("K", o["lead"], 8),
            "ordered_at": timestamps(o["at"]),
            "amount": pa.array(o["amount"], type=pa.float64()),
            "collected_amount": pa.array(o["collected"], type=pa.float64()),
            "lead_id": string_ids("L", o["lead"], 8),
            "refunded_amount": pa.array(o["refunded"], type=pa.float64()),
        }
    )


def complaints_arrow(c, agent_ids) -> pa.Table:
    """The ``complaints`` table from the complaint arrays."""
    n = len(c["agent"])
    return pa.table(
        {
            "complaint_id": string_ids("P", np.arange(n), 6),
            "agent_id": take_values(agent_ids, c["agent"]),
            "opened_at": timestamps(c["opened"]),
            "resolved_at": timestamps(c["resolved"], mask=c["open"]),
            "customer_id": string_ids("K", c["lead"], 8),
            "category": take_values(pa.array(_COMPLAINT_CATEGORIES), c["category"]),
        }
    )
