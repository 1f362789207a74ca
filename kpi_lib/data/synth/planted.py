"""``PLANTED.json``: the planted behaviours, the agents carrying them and realised values."""

from __future__ import annotations

import numpy as np

from kpi_lib.data.synth.dates import DAY0
from kpi_lib.data.synth.presets import CALL_PADDING, OVER_PROMISE, PADDING

__all__ = ["planted_record"]


def planted_record(
    ag,
    agent_ids,
    team_ids,
    treated_team,
    agent_treated,
    change_day,
    raise_month,
    month_starts,
    acc,
    orders,
    complaints,
    cust,
    params,
    sc,
):
    """The content of ``PLANTED.json``: every planted behaviour with its parameters, the agents
    carrying it and the realised before/after values of the scheme change."""
    fl = ag["flags"]
    months = len(month_starts) - 1
    labels = [str(x)[:7] for x in month_starts[:-1]]
    starts_s = (month_starts - DAY0).astype("int64") * 86400
    end_s = int(starts_s[-1])

    def ids(mask):
        return [str(x) for x in agent_ids[mask]]

    planted = {
        "parameters": params,
        "definitions": {
            "effective_call": "duration_s >= 180 and need_captured",
            "effective_call_rate": "effective calls / connected calls",
            "complaints_per_100_served": "the catalogue's complaints_per_100: 100 x complaints opened in the period / distinct customers with a connected call in the period (ratio of sums over agents and months)",
            "complaints_per_100_paying": "the case study's complaint rate, the generator's calibration target (15 -> 5): 100 x complaints opened in the period / distinct customers with an order in the period",
            "repurchase_rate": "the catalogue's repurchase_rate: customers ordering in the period who order again (any agent) within 90 days after their first order of the period / customers ordering in the period; only periods whose 90-day window ends inside the data",
            "repurchase_rate_new_customers": "share of new customers (first order in the period) who order again within 90 days; the generator's calibration target (< 5 % -> 12 %)",
        },
        "threshold_padders": {
            "agents": ids(fl["padder"]),
            "parameters": PADDING,
            "description": "a share of connected calls of 90-180 s is stretched to 180-198 s and need_captured is ticked although intent stays low; padded calls get lower survey scores and more complaints",
        },
        "over_promisers": {"agents": ids(fl["over_promiser"]), "parameters": OVER_PROMISE},
        "small_sample_agents": {
            "agents": ids(fl["small_sample"]),
            "lucky_high_conversion": ids(fl["lucky"]),
            "connected_calls": {
                str(agent_ids[a]): int(acc["connects"][a].sum())
                for a in np.flatnonzero(fl["small_sample"])
            },
        },
        "call_padding_after_target_raise": {
            "agents": ids(fl["call_padder"]),
            "raise_period": labels[raise_month] if raise_month is not None else None,
            "parameters": CALL_PADDING,
            "description": "from the raise period the dials target rises by 20 %; these agents add very short connected calls (2-15 s); it stops once their team switches scheme",
        },
        "selective_surveys": {
            "agents": ids(fl["selective_survey"]),
            "description": "surveys are only sent after good calls (intent >= 2 and >= 120 s): low survey coverage, high satisfaction",
        },
        "teams": {
            str(team_ids[t]): {
                "stage": str(ag["stage"][ag["team"] == t][0]) if (ag["team"] == t).any() else None,
                "treated": bool(treated_team[t]),
            }
            for t in range(len(team_ids))
        },
    }
    if change_day is None:
        planted["scheme_change"] = None
        return planted
    change_s = change_day * 86400
    phase_end = change_s + sc["phase_in_days"] * 86400
    before_m = np.array([starts_s[m + 1] <= change_s for m in range(months)])
    after_m = np.array([starts_s[m] >= phase_end for m in range(months)])
    skip = (
        fl["padder"]
        | fl["over_promiser"]
        | fl["small_sample"]
        | fl["call_padder"]
        | fl["selective_survey"]
    )

    # customer-level stats
    order_month = np.searchsorted(starts_s, orders["at"], side="right") - 1
    # repurchase as the indicator defines it: per period, customers ordering in the period who
    # order again within 90 days after their first order of the period
    by_cust = np.lexsort((orders["at"], orders["lead"]))
    o_lead, o_at = orders["lead"][by_cust], orders["at"][by_cust]
    o_agent, o_month = orders["agent"][by_cust], order_month[by_cust]
    same_next = np.append(o_lead[1:] == o_lead[:-1], False)
    next_at = np.where(same_next, np.append(o_at[1:], 0), np.iinfo("int64").max)
    first_in_period = np.ones(len(o_lead), bool)
    first_in_period[1:] = (o_lead[1:] != o_lead[:-1]) | (o_month[1:] != o_month[:-1])
    again = (next_at - o_at) <= 90 * 86400
    window_ok = starts_s[1:] + 90 * 86400 <= end_s
    comp_month = np.searchsorted(starts_s, complaints["opened"], side="right") - 1
    first_month = np.searchsorted(starts_s, cust["first_at"], side="right") - 1
    observed = cust["first_at"] + 90 * 86400 <= end_s

    def realised(group_mask):
        agents_ok = group_mask & ~skip
        out = {}
        for label, mm in (("before", before_m), ("after", after_m)):
            if not mm.any():
                out[label] = None
                continue
            mi = np.flatnonzero(mm)
            dials = acc["dials"][agents_ok][:, mi].sum()
            conn = acc["connects"][agents_ok][:, mi].sum()
            agent_days = acc["days"][agents_ok][:, mi].sum()
            eff = acc["effective"][agents_ok][:, mi].sum()
            ok_o = agents_ok[orders["agent"]] & np.isin(order_month, mi)
            sales = orders["amount"][ok_o].sum()
            customers = 0
            for mo in mi:
                sel = agents_ok[orders["agent"]] & (order_month == mo)
                customers += len(np.unique(orders["lead"][sel]))
            served = acc["served"][agents_ok][:, mi].sum()
            n_comp = (agents_ok[complaints["agent"]] & np.isin(comp_month, mi)).sum()
            coh = agents_ok[cust["agent"]] & np.isin(first_month, mi) & observed
            ind_coh = (
                first_in_period & agents_ok[o_agent] & np.isin(o_month, mi) & window_ok[o_month]
            )
            out[label] = {
                "months": [labels[i] for i in mi],
                "dials_per_agent_day": round(float(dials / max(agent_days, 1)), 2),
                "effective_call_rate": round(float(eff / max(conn, 1)), 4),
                "complaints_per_100_paying": round(float(100 * n_comp / max(customers, 1)), 2),
                "complaints_per_100_served": round(float(100 * n_comp / max(served, 1)), 2),
                "repurchase_rate_new_customers": round(float(cust["repurchased"][coh].mean()), 4)
                if coh.any()
                else None,
                "repurchase_cohort_size": int(coh.sum()),
                "repurchase_rate": round(float(again[ind_coh].mean()), 4)
                if ind_coh.any()
                else None,
                "repurchase_customers": int(ind_coh.sum()),
                "sales_per_agent_day": round(float(sales / max(agent_days, 1)), 1),
            }
        if out["before"] and out["after"]:
            b, a = out["before"], out["after"]
            out["relative_change"] = {
                "dials_per_agent_day": round(
                    a["dials_per_agent_day"] / b["dials_per_agent_day"] - 1, 4
                ),
                "effective_call_rate": round(
                    a["effective_call_rate"] / b["effective_call_rate"] - 1, 4
                ),
                "sales_per_agent_day": round(
                    a["sales_per_agent_day"] / b["sales_per_agent_day"] - 1, 4
                ),
                "complaints_per_100_served": round(
                    a["complaints_per_100_served"] / max(b["complaints_per_100_served"], 1e-9) - 1,
                    4,
                ),
            }
        return out

    planted["scheme_change"] = {
        "date": str(np.datetime64(int(change_day), "D")),
        "phase_in_days": sc["phase_in_days"],
        "treated_teams": [str(t) for t in team_ids[treated_team]],
        "comparison_teams": [str(t) for t in team_ids[~treated_team]],
        "parameters": sc,
        "intended_effects": {
            "dials": -0.10,
            "effective_call_rate": 0.25,
            "complaints_per_100_paying": [15, 5],
            "repurchase_rate": [0.04, 0.12],
            "sales": "flat or up",
        },
        "realised_excluding_planted_agents": {
            "before_months": "months ending on or before the change date",
            "after_months": "months starting after the phase-in",
            "treated": realised(agent_treated),
            "comparison": realised(~agent_treated),
        },
    }
    return planted
