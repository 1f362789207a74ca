"""Trainings (exams) and proposals per agent."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpi_lib.data.synth.arrow import string_ids, take_values, timestamps
from kpi_lib.data.synth.dates import DAY0

__all__ = ["trainings_arrow", "proposals_arrow"]


def trainings_arrow(rng, ag, agent_ids, month_starts, agent_treated, change_day) -> pa.Table:
    """The ``trainings`` table: a monthly product exam, a quarterly skills exam and, in the month
    of the scheme change, a compliance-script exam for the treated teams."""
    rows_a, rows_course, rows_at, rows_score = [], [], [], []
    n = len(agent_ids)
    for m in range(len(month_starts) - 1):
        m0 = int((month_starts[m] - DAY0).astype("int64"))
        m1 = int((month_starts[m + 1] - DAY0).astype("int64"))
        cal_month = int(str(month_starts[m])[5:7])
        courses = ["monthly_product_exam"]
        if cal_month in (3, 6, 9, 12):
            courses.append("quarterly_skills_exam")
        if change_day is not None and m0 <= change_day < m1:
            courses.append("compliance_script_exam")
        for course in courses:
            day = m0 + 20 + rng.integers(0, 6, n)
            day = np.minimum(day, m1 - 1)
            ok = (day >= ag["hire"] + 14) & (day < ag["leave"])
            if course == "compliance_script_exam":
                ok &= agent_treated
            tenure = np.clip((day - ag["hire"]) / 365.0, 0, 4)
            difficulty = {
                "monthly_product_exam": 0.0,
                "quarterly_skills_exam": 4.0,
                "compliance_script_exam": 2.0,
            }[course]
            score = np.clip(
                np.round(76 + 6 * ag["skill"] + 2.5 * tenure - difficulty + rng.normal(0, 7, n)),
                20,
                100,
            )
            idx = np.flatnonzero(ok)
            rows_a.append(idx)
            rows_course.append(np.full(len(idx), course))
            rows_at.append(day[idx] * 86400 + 15 * 3600 + rng.integers(0, 7200, len(idx)))
            rows_score.append(score[idx])
    a = np.concatenate(rows_a)
    at = np.concatenate(rows_at)
    score = np.concatenate(rows_score)
    return pa.table(
        {
            "agent_id": take_values(agent_ids, a),
            "course": pa.array(np.concatenate(rows_course)),
            "taken_at": timestamps(at),
            "passed": pa.array(score >= 75),
            "score": pa.array(score, type=pa.float64()),
        }
    )


def proposals_arrow(rng, ag, agent_ids, month_starts) -> pa.Table:
    """The ``proposals`` table: improvement proposals submitted (and accepted) by agents."""
    first = int((month_starts[0] - DAY0).astype("int64"))
    end = int((month_starts[-1] - DAY0).astype("int64"))
    n = len(agent_ids)
    months = len(month_starts) - 1
    rate = 0.06 * np.exp(0.5 * ag["skill"]) * np.where(ag["level"] == "senior", 2.0, 1.0)
    k = rng.poisson(rate * months)
    a = np.repeat(np.arange(n), k)
    lo = np.maximum(ag["hire"][a], first)
    hi = np.minimum(ag["leave"][a], end)
    keep = hi > lo
    a, lo, hi = a[keep], lo[keep], hi[keep]
    at = (
        (lo + rng.random(len(a)) * (hi - lo)).astype("int64") * 86400
        + 10 * 3600
        + rng.integers(0, 28800, len(a))
    )
    srt = np.lexsort((a, at))
    a, at = a[srt], at[srt]
    accepted = rng.random(len(a)) < 0.35 + 0.1 * np.clip(ag["skill"][a], -1, 2)
    pending = at > (end - 30) * 86400
    return pa.table(
        {
            "proposal_id": string_ids("R", np.arange(len(a)), 5),
            "agent_id": take_values(agent_ids, a),
            "submitted_at": timestamps(at),
            "accepted": pa.array(accepted, mask=pending),
        }
    )
