"""Monthly agent and team targets, set the way a manager would from recent results."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpi_lib.data.synth.dates import DAY0, PEAK_MONTH
from kpi_lib.data.synth.presets import CALL_PADDING

__all__ = ["targets_arrow"]


def targets_arrow(
    ag,
    agent_ids,
    team_ids,
    month_starts,
    orders,
    acc,
    cfg,
    sc,
    raise_month,
    agent_treated,
    change_day,
) -> pa.Table:
    """Monthly agent and team targets set from each team's typical (median) agent-month."""
    months = len(month_starts) - 1
    n = len(agent_ids)
    order_month = (
        np.searchsorted((month_starts - DAY0).astype("int64") * 86400, orders["at"], side="right")
        - 1
    )
    sales = np.zeros((n, months))
    np.add.at(sales, (orders["agent"], order_month), orders["amount"])
    active = acc["dials"] > 0
    per_indicator = {
        "sales_amount": sales,
        "dials": acc["dials"],
        "effective_calls": acc["effective"],
    }
    rows = {
        "period": [],
        "scope": [],
        "scope_id": [],
        "indicator": [],
        "target": [],
        "threshold": [],
        "stretch": [],
    }

    def add(period, scope, sid, ind, target, threshold, stretch):
        rows["period"].append(period)
        rows["scope"].append(scope)
        rows["scope_id"].append(sid)
        rows["indicator"].append(ind)
        rows["target"].append(float(target))
        rows["threshold"].append(float(threshold))
        rows["stretch"].append(float(stretch))

    for m in range(months):
        period = str(month_starts[m])[:7]
        cal_month = int(period[5:7])
        m0 = int((month_starts[m] - DAY0).astype("int64"))
        for t in range(len(team_ids)):
            members = np.flatnonzero((ag["team"] == t) & active[:, m])
            if len(members) == 0:
                continue
            uplift = 1.25 if t in cfg.stretch_teams else 1.0
            switched = change_day is not None and agent_treated[members[0]] and m0 >= change_day
            team_sales = 0.0
            base = {}
            for ind, values in per_indicator.items():
                # the team's typical (median) agent-month over the members' active months
                base[ind] = float(np.median(values[members, :][active[members, :]]))
            for ind, typical in base.items():
                factor = uplift
                if ind == "sales_amount" and cal_month == PEAK_MONTH:
                    factor *= 1.2
                if ind == "dials" and raise_month is not None and m >= raise_month and not switched:
                    factor *= CALL_PADDING["dials_target_raise"]
                if ind == "dials" and switched:
                    factor *= sc["dials_factor_after"]
                if ind == "effective_calls" and switched:
                    factor *= 1.25
                target = np.round(typical * factor, -1 if ind == "sales_amount" else 0)
                for a in members:
                    scale = 0.6 if ag["flags"]["small_sample"][a] else 1.0
                    add(
                        period,
                        "agent",
                        agent_ids[a],
                        ind,
                        target * scale,
                        0.7 * target * scale,
                        1.3 * target * scale,
                    )
                if ind == "sales_amount":
                    team_sales = target * len(members)
            for a in members:
                add(period, "agent", agent_ids[a], "satisfaction_rate", 0.90, 0.80, 0.97)
            add(
                period,
                "team",
                team_ids[t],
                "sales_amount",
                team_sales,
                0.8 * team_sales,
                1.25 * team_sales,
            )
    return pa.table(
        {
            "period": pa.array(rows["period"]),
            "scope": pa.array(rows["scope"]),
            "scope_id": pa.array(rows["scope_id"]),
            "indicator": pa.array(rows["indicator"]),
            "target": pa.array(rows["target"], type=pa.float64()),
            "threshold": pa.array(rows["threshold"], type=pa.float64()),
            "stretch": pa.array(rows["stretch"], type=pa.float64()),
        }
    )
