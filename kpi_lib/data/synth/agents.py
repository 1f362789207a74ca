"""The agents: teams, hire and leave dates, levels and the behaviours each one carries."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from kpi_lib.data.synth.arrow import timestamps
from kpi_lib.data.synth.dates import DAY0
from kpi_lib.data.synth.presets import Preset

__all__ = ["make_agents", "agents_arrow"]


_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng"
).split()
_GIVEN = (
    "Wei Fang Na Min Jing Lei Yan Jie Tao Ming Chao Xia Ping Gang Hui Yu Lin Qiang Ying Hong "
    "Jun Bo Xin Hao Yue Ting Kai Rui Shan Dan Lan Fei Qing Ning Peng Xue Jian Li Zhen Yi"
).split()


def make_agents(rng, preset: Preset, n_agents: int, first_day, end_day):
    """Agent attributes (numpy arrays) and the planted-behaviour assignment."""
    n_teams = len(preset.team_stages)
    team = np.arange(n_agents) % n_teams
    team = np.sort(team)
    stage = np.array(preset.team_stages)[team]
    first = first_day.astype("int64")
    end = end_day.astype("int64")

    tenure_days = np.where(
        stage == "new",
        rng.uniform(20, 200, n_agents),
        np.where(
            stage == "mature",
            rng.uniform(365, 6 * 365, n_agents),
            rng.uniform(300, 4 * 365, n_agents),
        ),
    )
    hire = first - np.round(tenure_days).astype("int64")
    leave = np.full(n_agents, end + 1, dtype="int64")

    skill = rng.normal(0, 1, n_agents)
    eff = {
        "connect": rng.normal(0, 0.2, n_agents) + 0.05 * skill,
        "conversion": rng.normal(0, 0.25, n_agents) + 0.2 * skill,
        "satisfaction": rng.normal(0, 0.25, n_agents) + 0.1 * skill,
        "talk": rng.normal(0, 0.12, n_agents),
        "need": rng.normal(0, 0.3, n_agents) + 0.1 * skill,
        "effort": np.exp(rng.normal(0, 0.12, n_agents)),
        "compliance": rng.normal(0, 0.4, n_agents),
    }

    order = rng.permutation(n_agents)
    flags = {
        k: np.zeros(n_agents, bool)
        for k in (
            "padder",
            "over_promiser",
            "small_sample",
            "lucky",
            "selective_survey",
            "call_padder",
        )
    }
    pos = 0

    def take(k):
        nonlocal pos
        chosen = order[pos : pos + k]
        pos += k
        return chosen

    n_small = min(preset.small_sample, n_agents // 8)
    small = take(n_small)
    flags["small_sample"][small] = True
    span = end - first
    # hired in the last 1-2 months; tiny call volume (set through target_connects below)
    hire[small] = end - rng.integers(min(20, span), min(56, span) + 1, n_small)
    lucky = small[: min(preset.lucky_small_sample, n_small)]
    flags["lucky"][lucky] = True
    eff["conversion"][lucky] += 1.3
    target_connects = np.zeros(n_agents)
    target_connects[small] = rng.uniform(30, 80, n_small)

    for key, share in (
        ("padder", preset.padders),
        ("over_promiser", preset.over_promisers),
        ("call_padder", preset.call_padders),
    ):
        k = int(round(share * n_agents))
        if share > 0:
            k = max(k, 2)
        flags[key][take(k)] = True
    flags["selective_survey"][take(min(preset.selective_surveys, n_agents // 10))] = True
    # attrition: a few agents leave in the second half (never the planted ones)
    rest = order[pos:]
    n_leave = int(round(preset.attrition * n_agents))
    leavers = rest[:n_leave]
    mid = first + span // 2
    leave[leavers] = rng.integers(mid, end - 10, n_leave) if n_leave else leave[leavers]
    # agents with a planted behaviour are employed over the whole range
    for key in ("padder", "over_promiser", "call_padder", "selective_survey"):
        hire[flags[key]] = np.minimum(hire[flags[key]], first - 200)

    tenure_end = (np.minimum(leave, end) - hire) / 365.0
    level = np.where(
        tenure_end < 1.0,
        "junior",
        np.where((tenure_end > 3.0) & (skill > -0.2), "senior", "intermediate"),
    )
    names = [
        f"{_SURNAMES[i % len(_SURNAMES)]} {_GIVEN[j]}"
        for i, j in zip(
            rng.integers(0, len(_SURNAMES), n_agents),
            rng.integers(0, len(_GIVEN), n_agents),
            strict=True,
        )
    ]
    return {
        "team": team,
        "stage": stage,
        "hire": hire,
        "leave": leave,
        "skill": skill,
        "eff": eff,
        "flags": flags,
        "target_connects": target_connects,
        "level": level,
        "names": names,
    }


def agents_arrow(ag, agent_ids, team_ids, end_day) -> pa.Table:
    """The ``agents`` table from the agent arrays of :func:`make_agents`."""
    end = int((end_day - DAY0).astype("int64"))
    return pa.table(
        {
            "agent_id": pa.array(agent_ids),
            "agent_name": pa.array(ag["names"]),
            "team_id": pa.array(team_ids[ag["team"]]),
            # a midnight timestamp rather than date32, so pandas reads it as datetime64
            "hire_date": timestamps(ag["hire"] * 86400),
            "level": pa.array(ag["level"]),
            "active": pa.array(ag["leave"] > end),
        }
    )
