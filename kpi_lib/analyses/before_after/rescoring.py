"""Re-scoring: the same periods scored under the old and the new scheme, and who would be
rewarded or put on a PIP under each.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from kpi_lib._util import check_option, unknown_name_message
from kpi_lib.analyses.before_after.common import as_list

__all__ = [
    "rescore_under_schemes",
]


def rescore_under_schemes(
    data: pd.DataFrame,
    *,
    old="case_before",
    new="case_after",
    periods: Sequence[str] | str | None = None,
    teams: Sequence[str] | str | None = None,
    cycle: str = "monthly",
    targets: pd.DataFrame | None = None,
    bonus_pool: float = 10_000.0,
    reward_tiers: Sequence[str] = ("A",),
    pip_tiers: Sequence[str] = ("D",),
    pip_min_count: int = 2,
    pip_window: int = 3,
    changed_only: bool = False,
) -> pd.DataFrame:
    """Score the same periods under the old and the new scheme: who is rewarded, who gets a PIP.

    Parameters
    ----------
    data : DataFrame
        Agent-level indicator table holding every indicator either scheme weights (and the
        periods before ``periods`` that the PIP rule looks back over).
    old, new : Scheme or str
        Schemes or their names (``params/schemes/<name>.yaml``).
    periods : str or list of str, optional
        Period labels to report (default: the latest). Scores are normalised over every period
        in ``data``, so they are comparable across periods.
    teams : list of str, optional
        Keep only these teams (rank among them).
    cycle : {"monthly", "quarterly", "annual"}
        Scoring cycle (see :func:`kpi_lib.scoring.composite.score`).
    targets : DataFrame, optional
        Targets table used by both schemes (default: each scheme's own targets, or derived from
        history where it has none).
    bonus_pool : float
        Pool split by :func:`kpi_lib.scoring.decisions.bonus_allocation` in each period.
    reward_tiers : list of str
        Tiers counted as "rewarded" (default the top tier ``A``).
    pip_tiers, pip_min_count, pip_window
        PIP rule of :func:`kpi_lib.scoring.decisions.pip_candidates`: in ``pip_tiers`` in
        ``pip_min_count`` of the last ``pip_window`` periods.
    changed_only : bool
        Keep only agents whose reward or PIP status differs between the schemes.

    Returns
    -------
    DataFrame
        One row per agent and reported period: ``agent_id``, ``team_id``, ``period``,
        ``old_scheme``, ``new_scheme``; for each scheme (suffix ``_old`` / ``_new``):
        ``composite``, ``rank`` (1 = best), ``tier``, ``bonus`` (share of ``bonus_pool``),
        ``rewarded`` (tier in ``reward_tiers``), ``pip`` (meets the PIP rule as of the period);
        ``rank_change`` (``rank_old - rank_new``: positive = moves up under the new scheme),
        ``bonus_change`` (``bonus_new - bonus_old``) and ``decision_change``: what the switch
        changes for the agent (``rewarded only under new``, ``rewarded only under old``,
        ``PIP only under new``, ``PIP only under old``, joined by ``; ``; empty when nothing).

    Notes
    -----
    Each scheme is scored with :func:`kpi_lib.scoring.composite.score` (its own
    normalisation, targets, gates and tiers), not only re-weighted: the switch changes all of
    these. For a weights-only comparison on a common score matrix see
    :func:`kpi_lib.analyses.sensitivity.compare_schemes`.
    """
    from kpi_lib.scoring import decisions
    from kpi_lib.scoring.composite import score
    from kpi_lib.scoring.schemes import CYCLES, load_scheme

    check_option("cycle", cycle, CYCLES)
    if "agent_id" not in data.columns:
        raise KeyError("rescore_under_schemes needs the agent-level indicator table (`agent_id`).")
    rows = data
    team_list = as_list(teams, "teams")
    if team_list:
        known = set(data["team_id"].astype(str))
        for t in team_list:
            if t not in known:
                raise KeyError("In the indicator table: " + unknown_name_message("team", t, known))
        rows = data[data["team_id"].astype(str).isin(team_list)]
    schemes = {"old": load_scheme(old), "new": load_scheme(new)}
    cards = {k: score(rows, s, targets=targets, cycle=cycle) for k, s in schemes.items()}
    available = cards["old"].periods
    wanted = as_list(periods, "periods") or [available[-1]]
    for p in wanted:
        if p not in available:
            raise KeyError("In the scorecard: " + unknown_name_message("period", p, available))
    parts = {}
    for k, card in cards.items():
        frames = []
        for p in wanted:
            a = card.agents[card.agents["period"].astype(str) == p][
                ["agent_id", "team_id", "period", "composite", "rank", "tier"]
            ]
            bonus = decisions.bonus_allocation(card, pool=bonus_pool, period=p)
            pip = decisions.pip_candidates(
                card,
                bottom_tiers=tuple(pip_tiers),
                min_count=pip_min_count,
                window=pip_window,
                as_of=p,
            )
            a = a.merge(bonus[["agent_id", "bonus"]], on="agent_id", how="left")
            a["rewarded"] = a["tier"].isin(list(reward_tiers))
            a["pip"] = a["agent_id"].isin(pip["agent_id"])
            frames.append(a)
        parts[k] = pd.concat(frames, ignore_index=True)
    out = parts["old"].merge(
        parts["new"].drop(columns="team_id"),
        on=["agent_id", "period"],
        how="outer",
        suffixes=("_old", "_new"),
    )
    out["team_id"] = out["team_id"].fillna(
        out["agent_id"].map(
            parts["new"].drop_duplicates("agent_id").set_index("agent_id")["team_id"]
        )
    )
    out.insert(3, "old_scheme", schemes["old"].name)
    out.insert(4, "new_scheme", schemes["new"].name)
    for col in ("rewarded_old", "rewarded_new", "pip_old", "pip_new"):
        out[col] = out[col].fillna(False).astype(bool)
    out["rank_change"] = out["rank_old"] - out["rank_new"]
    out["bonus_change"] = out["bonus_new"] - out["bonus_old"]
    flags = {
        "rewarded only under new": out["rewarded_new"] & ~out["rewarded_old"],
        "rewarded only under old": out["rewarded_old"] & ~out["rewarded_new"],
        "PIP only under new": out["pip_new"] & ~out["pip_old"],
        "PIP only under old": out["pip_old"] & ~out["pip_new"],
    }
    out["decision_change"] = [
        "; ".join(name for name, v in zip(flags, row, strict=True) if v)
        for row in pd.DataFrame(flags).to_numpy()
    ]
    cols = ["agent_id", "team_id", "period", "old_scheme", "new_scheme"]
    cols += [
        f"{c}_{k}"
        for k in ("old", "new")
        for c in ("composite", "rank", "tier", "bonus", "rewarded", "pip")
    ]
    cols += ["rank_change", "bonus_change", "decision_change"]
    if changed_only:
        out = out[out["decision_change"] != ""]
    return (
        out[cols]
        .sort_values(["period", "rank_new", "agent_id"], na_position="last")
        .reset_index(drop=True)
    )
