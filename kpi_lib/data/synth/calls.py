"""One chunk (a month x a group of agents) of calls and the tables derived call by call.

Leads, surveys and qa_reviews are made with the calls they belong to; each chunk has its own
random stream seeded from ``(seed, month, chunk)``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi_lib.data.synth.arrow import string_ids, take_values, timestamps
from kpi_lib.data.synth.dates import DAY0, PEAK_MONTH
from kpi_lib.data.synth.presets import CALL_PADDING, OVER_PROMISE, PADDING

__all__ = ["simulate_chunk", "write_chunk"]


_SOURCES = np.array(["referral", "inbound_form", "webinar", "ads", "purchased_list"])
_SOURCES_PA = pa.array(_SOURCES)
_SOURCE_P = np.array([0.08, 0.20, 0.12, 0.35, 0.25])
_SOURCE_INVALID = np.array([0.01, 0.03, 0.04, 0.08, 0.18])
_SOURCE_CONNECT_LOGIT = np.array([0.6, 0.2, 0.0, -0.4, -0.9])
_SOURCE_QUALITY = np.array([0.6, 0.35, 0.25, 0.0, -0.35])
_OUTCOMES = np.array(["connected", "no_answer", "busy", "invalid_number", "rejected"])
_OUTCOMES_PA = pa.array(_OUTCOMES)
_CONNECTED, _NO_ANSWER, _BUSY, _INVALID, _REJECTED = range(5)
REVIEWERS = ["qa_li", "qa_wang", "qa_zhang", "qa_chen"]
_REVIEWERS = REVIEWERS
_REVIEWERS_PA = pa.array(["system", *_REVIEWERS])
# (probability a non-compliant call is caught, probability a compliant call is flagged,
#  probability a non-effective call is judged effective, probability an effective one is)
_REVIEWER_ACCURACY = {
    "system": (0.60, 0.02, 0.10, 0.93),
    "qa_li": (0.92, 0.03, 0.05, 0.95),
    "qa_wang": (0.45, 0.01, 0.30, 0.97),  # the lenient reviewer
    "qa_zhang": (0.88, 0.04, 0.07, 0.92),
    "qa_chen": (0.85, 0.05, 0.08, 0.90),
}


# calls per dial attempt on one lead, on average (leads per agent-month = dials / this)
_DIALS_PER_LEAD = 2.6
_EFFECTIVE_S = 180


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


_WEEKDAY_FACTOR = np.array([1.08, 1.04, 1.0, 0.98, 0.90, 0.7, 0.7])


def _scheme_weight(day: np.ndarray, treated: np.ndarray, change_day, phase_in_days) -> np.ndarray:
    """0 before the change, rising linearly to 1 over the phase-in, only in treated teams."""
    if change_day is None:
        return np.zeros(len(day))
    w = np.clip((day - change_day) / phase_in_days, 0.0, 1.0)
    return np.where(treated, w, 0.0)


def simulate_chunk(
    rng,
    a_idx,
    days,
    m,
    calendar_month,
    ag,
    agent_treated,
    change_day,
    raise_month,
    cfg,
    sc,
    counters,
    acc,
):
    """Simulate one chunk (month ``m`` x agents ``a_idx``): calls, leads, surveys, reviews and
    the orders they produce, as arrays; updates ``counters`` and the ``acc`` accumulators."""
    eff, fl = ag["eff"], ag["flags"]
    day_num = (days - DAY0).astype("int64")
    A, D = len(a_idx), len(days)
    grid_a = np.repeat(a_idx, D)
    grid_d = np.tile(day_num, A)
    employed = (grid_d >= ag["hire"][grid_a]) & (grid_d < ag["leave"][grid_a])
    present = employed & (rng.random(A * D) > 0.03)
    tenure = (grid_d - ag["hire"][grid_a]) / 30.0
    ramp = np.clip(0.55 + 0.45 * tenure / 3.0, 0.55, 1.0)
    w = _scheme_weight(grid_d, agent_treated[grid_a], change_day, sc["phase_in_days"])
    weekday = ((grid_d + 3) % 7).astype(int)  # 1970-01-01 was a Thursday
    peak = 1.15 if calendar_month == PEAK_MONTH else 1.0
    # month and team-month shocks (zero except in the null and power presets)
    shock_a = ag["shock"][ag["team"][a_idx], m]  # (A, 6), columns SHOCK_COLUMNS
    lam = cfg.base_dials * eff["effort"][grid_a] * _WEEKDAY_FACTOR[weekday] * peak * ramp
    lam *= np.exp(np.repeat(shock_a[:, 0], D))
    lam *= 1.0 - (1.0 - sc["dials_factor_after"]) * w
    small = fl["small_sample"][grid_a]
    if small.any():
        # spread the small-sample agents' target number of connects over their working days
        total_days = _employed_days_total(ag, grid_a, days)
        lam = np.where(small, ag["target_connects"][grid_a] / np.maximum(total_days, 1) / 0.33, lam)
    lam = np.where(present, lam, 0.0)
    n = rng.poisson(lam)
    call_a = np.repeat(grid_a, n)
    call_day = np.repeat(grid_d, n)
    call_w = np.repeat(w, n)
    # call padding after the dials-target raise: extra very short connected calls
    padded_dials = np.zeros(len(call_a), bool)
    if raise_month is not None and m >= raise_month:
        cp = fl["call_padder"][grid_a] & present & (w < 1.0)
        extra = rng.poisson(np.where(cp, lam * CALL_PADDING["extra_dials_share"] * (1 - w), 0.0))
        if extra.sum():
            call_a = np.concatenate([call_a, np.repeat(grid_a, extra)])
            call_day = np.concatenate([call_day, np.repeat(grid_d, extra)])
            call_w = np.concatenate([call_w, np.repeat(w, extra)])
            padded_dials = np.concatenate([padded_dials, np.ones(int(extra.sum()), bool)])
    N = len(call_a)
    shock = shock_a[call_a - a_idx[0]]
    # time of day: 09:00-12:00 and 13:30-18:00
    morning = rng.random(N) < 0.42
    sec = np.where(
        morning, 9 * 3600 + rng.random(N) * 3 * 3600, 13.5 * 3600 + rng.random(N) * 4.5 * 3600
    )
    started = call_day * 86400 + sec.astype("int64")
    order = np.lexsort((started, call_a))
    call_a, call_day, call_w, padded_dials, started, shock = (
        x[order] for x in (call_a, call_day, call_w, padded_dials, started, shock)
    )

    # leads: each agent gets dials / 2.6 leads this month; calls pick one of them
    n_per_agent = np.bincount(call_a - a_idx[0], minlength=A)
    n_leads = np.ceil(n_per_agent / _DIALS_PER_LEAD).astype("int64")
    lead_offset = np.concatenate([[0], np.cumsum(n_leads)[:-1]])
    L = int(n_leads.sum())
    local = np.floor(rng.random(N) * n_leads[call_a - a_idx[0]]).astype("int64")
    lead = lead_offset[call_a - a_idx[0]] + local
    lead_source = rng.choice(len(_SOURCES), size=L, p=_SOURCE_P)
    lead_invalid = rng.random(L) < _SOURCE_INVALID[lead_source]
    lead_agent = np.repeat(a_idx, n_leads)
    src = lead_source[lead]

    # outcomes
    hour = sec[order] / 3600.0
    p_conn = _logistic(
        -0.45
        + _SOURCE_CONNECT_LOGIT[src]
        + eff["connect"][call_a]
        + 0.15 * (hour > 16)
        + shock[:, 1]
    )
    u = rng.random(N)
    outcome = np.where(u < p_conn, _CONNECTED, -1)
    rest = outcome < 0
    v = rng.random(N)
    outcome = np.where(rest & (v < 0.62), _NO_ANSWER, outcome)
    outcome = np.where(rest & (v >= 0.62) & (v < 0.8), _BUSY, outcome)
    outcome = np.where(rest & (v >= 0.8), _REJECTED, outcome)
    outcome = np.where(lead_invalid[lead], _INVALID, outcome)
    outcome = np.where(padded_dials, _CONNECTED, outcome)
    conn = outcome == _CONNECTED

    # talk time, intent, need captured (connected calls)
    talk_med = (
        118.0
        * np.exp(eff["talk"][call_a] + shock[:, 2])
        * (1 + (sc["talk_median_factor_after"] - 1) * call_w)
    )
    dur = np.exp(np.log(talk_med) + 0.85 * rng.normal(0, 1, N))
    dur = np.clip(np.round(dur), 8, 3600)
    lq = _SOURCE_QUALITY[src]
    intent_lat = (
        -0.9
        + 0.75 * np.log(dur / 120.0)
        + lq
        + 0.4 * eff["conversion"][call_a]
        + rng.normal(0, 1, N)
    )
    intent = np.digitize(intent_lat, [-0.55, 0.55, 1.5]).astype("int8")
    need_p = _logistic(
        -0.25
        + 1.1 * np.log(dur / 120.0)
        + 0.9 * (intent >= 2)
        + eff["need"][call_a]
        + sc["need_logit_shift_after"] * call_w
    )
    need = rng.random(N) < need_p
    # threshold padding: stretch a share of 90-180 s calls to just past 180 s
    padder = fl["padder"][call_a]
    stretch = conn & padder & (dur >= PADDING["source_window_s"][0]) & (dur < _EFFECTIVE_S)
    share = PADDING["share_of_calls"] if cfg.padding_share is None else cfg.padding_share
    stretch &= (rng.random(N) < share) & (m >= ag["padding_from_month"])
    dur = np.where(stretch, _EFFECTIVE_S + np.floor(rng.random(N) * 19), dur)
    need = need | stretch
    # padded dials are near-empty connected calls
    dur = np.where(
        padded_dials,
        rng.integers(CALL_PADDING["duration_s"][0], CALL_PADDING["duration_s"][1] + 1, N),
        dur,
    )
    intent = np.where(padded_dials, 0, intent).astype("int8")
    need = need & ~padded_dials
    dur = np.where(conn, dur, 0).astype("int32")
    need = need & conn
    effective = conn & (dur >= _EFFECTIVE_S) & need

    # deals: at most one per lead (the first converting call)
    peak_shift = 0.5 if calendar_month == PEAK_MONTH else 0.0
    tenure_c = (call_day - ag["hire"][call_a]) / 30.0
    deal_logit = (
        -3.55
        + 1.05 * intent
        + 0.35 * np.log(np.maximum(dur, 1) / 120.0)
        + eff["conversion"][call_a]
        + peak_shift
        + OVER_PROMISE["conversion_logit_shift"] * fl["over_promiser"][call_a]
        + sc["conversion_logit_shift_after"] * call_w
        + shock[:, 3]
        - 0.4 * np.clip(1 - tenure_c / 4.0, 0, 1)
    )
    deal = conn & ~padded_dials & ~stretch & (rng.random(N) < _logistic(deal_logit))
    deal_idx = np.flatnonzero(deal)
    _, first = np.unique(lead[deal_idx], return_index=True)
    deal_idx = np.sort(deal_idx[first])

    call_no = counters["call"] + np.arange(N)
    lead_no = counters["lead"] + np.arange(L)
    counters["call"] += N
    counters["lead"] += L

    # lead assignment time: before the lead's first call (or anywhere in the month if unused)
    first_call = np.full(L, np.iinfo("int64").max)
    np.minimum.at(first_call, lead, started)
    unused = first_call == np.iinfo("int64").max
    m_lo = int(day_num[0]) * 86400
    m_hi = (int(day_num[-1]) + 1) * 86400
    first_call = np.where(
        unused, m_lo + (rng.random(L) * (m_hi - m_lo)).astype("int64"), first_call
    )
    assigned = first_call - (1800 + rng.random(L) * 2 * 86400).astype("int64")

    # true compliance (recording QA ground truth) and true effectiveness
    nc_factor = np.where(
        call_w > 0,
        sc["noncompliance_factor_before"]
        + (sc["noncompliance_factor_after"] - sc["noncompliance_factor_before"]) * call_w,
        sc["noncompliance_factor_before"],
    )
    nc_p = np.where(
        fl["over_promiser"][call_a],
        OVER_PROMISE["noncompliance_prob"] * nc_factor / 1.6,
        0.045 * nc_factor * np.exp(eff["compliance"][call_a]),
    )
    compliant_true = rng.random(N) >= np.clip(nc_p, 0, 0.9)
    effective_true = effective & ~stretch
    refused = conn & (dur < 60) & (intent == 0)

    # surveys: sent after a share of connected calls, answered by about half
    selective = fl["selective_survey"][call_a]
    send_p = np.where(selective, np.where((intent >= 2) & (dur >= 120), 0.35, 0.0), 0.33)
    answered = conn & ~padded_dials & (rng.random(N) < send_p) & (rng.random(N) < 0.5)
    sat_lat = (
        4.3
        + eff["satisfaction"][call_a]
        + 0.22 * intent
        - 0.9 * stretch
        - 0.35 * padder
        - 0.5 * ~compliant_true
        + sc["satisfaction_shift_after"] * call_w
        + 0.7 * selective
        - 1.3 * np.log(eff["effort"][call_a])
        + shock[:, 4]
        + rng.normal(0, 0.75, N)
    )
    sat = np.clip(np.round(sat_lat), 1, 5).astype("int8")

    # QA reviews: system on ~45 % of connected calls, humans on ~10 %
    sys_rev = conn & (rng.random(N) < 0.45)
    hum_rev = conn & (rng.random(N) < 0.10)
    multi = hum_rev & (rng.random(N) < 0.15)
    revs = ag.get("reviewers", _REVIEWERS)
    pick = np.floor(rng.random(N) * len(revs))  # the one reviewer of a single review
    reviews = []
    for r, name in enumerate(["system", *revs]):
        if name == "system":
            sel = sys_rev
        else:
            single = hum_rev & ~multi & (pick == r - 1)
            sel = single | multi
        idx = np.flatnonzero(sel)
        catch, false_flag, eff_false, eff_true = _REVIEWER_ACCURACY[name]
        ct = compliant_true[idx]
        uu = rng.random(len(idx))
        judged_compliant = np.where(ct, uu >= false_flag, uu >= catch)
        et = effective_true[idx]
        p_eff = np.where(et, eff_true, eff_false)
        if name == "system":
            p_eff = np.where(refused[idx], 0.25, p_eff)
            p_eff = np.where(stretch[idx], 0.9, p_eff)
        judged_eff = rng.random(len(idx)) < p_eff
        score = np.clip(
            np.round(88 + 6 * rng.normal(0, 1, len(idx)) - 30 * ~judged_compliant), 0, 100
        )
        delay = np.where(
            name == "system",
            60 + rng.random(len(idx)) * 1800,
            3600 + rng.random(len(idx)) * 5 * 86400,
        )
        reviews.append(
            {
                "call": idx,
                "reviewer": np.full(len(idx), r, dtype="int8"),
                "at": started[idx] + dur[idx] + delay.astype("int64"),
                "compliant": judged_compliant,
                "effective": judged_eff,
                "score": score,
            }
        )
    rv = {k: np.concatenate([r[k] for r in reviews]) for k in reviews[0]}
    rv_order = np.lexsort((rv["at"], rv["call"]))
    rv = {k: v[rv_order] for k, v in rv.items()}

    # accumulators
    mcol = np.full(N, m)
    worked = present & (n > 0)
    np.add.at(acc["days"], (grid_a[worked], np.full(int(worked.sum()), m)), 1)
    for key, mask in (
        ("dials", np.ones(N, bool)),
        ("connects", conn),
        ("effective", effective),
        ("in_window", conn & (dur >= 180) & (dur < 200)),
        ("connected_150_250", conn & (dur >= 150) & (dur < 250)),
        ("surveys", answered),
        ("short", conn & (dur < 20)),
    ):
        np.add.at(acc[key], (call_a[mask], mcol[mask]), 1)
    np.add.at(acc["sat"], (call_a[answered], mcol[answered]), (sat[answered] >= 4))
    # customers served: distinct customers (leads are per agent-month) with a connected call
    served_leads = np.unique(lead[conn])
    np.add.at(acc["served"], (lead_agent[served_leads], np.full(len(served_leads), m)), 1)

    d = deal_idx
    amount_med = (
        2800
        * (1 + (sc["amount_factor_after"] - 1) * call_w[d])
        * (0.95 if calendar_month == PEAK_MONTH else 1.0)
    )
    orders = {
        "agent": call_a[d],
        "lead": lead_no[lead[d]],
        "at": started[d] + dur[d] + (rng.random(len(d)) * 7200).astype("int64"),
        "amount": np.round(np.exp(np.log(amount_med) + 0.45 * rng.normal(0, 1, len(d))) / 10) * 10,
        "w": call_w[d],
        "noncompliant": ~compliant_true[d],
        "complaint_shock": shock[d, 5],
    }
    return {
        "N": N,
        "call_no": call_no,
        "call_a": call_a,
        "started": started,
        "dur": dur,
        "outcome": outcome,
        "need": need,
        "intent": intent,
        "conn": conn,
        "lead_global": lead_no[lead],
        "lead_no": lead_no,
        "lead_agent": lead_agent,
        "lead_source": lead_source,
        "assigned": assigned,
        "answered": answered,
        # SMS answered minutes to a day after the call (median about 40 minutes)
        "survey_delay": np.minimum(np.exp(rng.normal(np.log(2400), 1.0, N)), 86400).astype("int64"),
        "sat": sat,
        "reviews": rv,
        "orders": orders,
    }


def _employed_days_total(ag, grid_a, days):
    """Working days each small-sample agent is employed over the whole range (approximation:
    days since hire, in working-day units)."""
    end = int((days[-1] - DAY0).astype("int64"))
    span = np.maximum(end - ag["hire"][grid_a], 1)
    return span * 5 / 7


def write_chunk(streams, p, agent_ids, counters):
    """Append the arrays of one :func:`simulate_chunk` to the calls, leads, surveys and
    qa_reviews streams, numbering ids from ``counters``."""
    N = p["N"]
    call_ids = string_ids("C", p["call_no"], 9)
    agent_col = take_values(agent_ids, p["call_a"])
    cust = string_ids("K", p["lead_global"], 8)
    streams["calls"].write(
        {
            "call_id": call_ids,
            "agent_id": agent_col,
            "started_at": timestamps(p["started"]),
            "duration_s": pa.array(p["dur"], type=pa.int32()),
            "outcome": take_values(_OUTCOMES_PA, p["outcome"]),
            "need_captured": pa.array(p["need"]),
            "intent_rating": pa.array(p["intent"], type=pa.int8(), mask=~p["conn"]),
            "lead_id": string_ids("L", p["lead_global"], 8),
            "customer_id": cust,
        }
    )
    del N
    streams["leads"].write(
        {
            "lead_id": string_ids("L", p["lead_no"], 8),
            "agent_id": take_values(agent_ids, p["lead_agent"]),
            "assigned_at": timestamps(p["assigned"]),
            "source": take_values(_SOURCES_PA, p["lead_source"]),
        }
    )
    s = np.flatnonzero(p["answered"])
    streams["surveys"].write(
        {
            "survey_id": string_ids("S", counters["survey"] + np.arange(len(s)), 8),
            "agent_id": take_values(agent_ids, p["call_a"][s]),
            "answered_at": timestamps(p["started"][s] + p["dur"][s] + p["survey_delay"][s]),
            "score": pa.array(p["sat"][s], type=pa.int8()),
            "call_id": pc.take(call_ids, pa.array(s)),
            "customer_id": pc.take(cust, pa.array(s)),
        }
    )
    counters["survey"] += len(s)
    rv = p["reviews"]
    k = len(rv["call"])
    streams["qa_reviews"].write(
        {
            "review_id": string_ids("Q", counters["review"] + np.arange(k), 8),
            "call_id": pc.take(call_ids, pa.array(rv["call"])),
            "agent_id": take_values(agent_ids, p["call_a"][rv["call"]]),
            "reviewed_at": timestamps(rv["at"]),
            "reviewer": take_values(_REVIEWERS_PA, rv["reviewer"]),
            "compliant": pa.array(rv["compliant"]),
            "effective": pa.array(rv["effective"]),
            "score": pa.array(rv["score"], type=pa.float32()),
        }
    )
    counters["review"] += k
