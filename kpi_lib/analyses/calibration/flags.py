"""Per-agent flags: agents whose system-measured rates look inflated by automatic
misjudgements.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.calibration.agreement import agreement, as_pairs
from kpi_lib.data.dataset import Dataset

__all__ = ["flag_inflated"]


def flag_inflated(
    data: Dataset | pd.DataFrame,
    *,
    alpha: float = 0.05,
    min_reviewed: int = 10,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Agents whose system-measured rates look inflated by automatic misjudgements.

    Two complementary signals per agent and judgement, on the calls reviewed by both:

    * ``inflated`` — the system judges positive more often than the humans
      (``fp > fn``) and a one-sided exact McNemar test says so at level ``alpha`` after a
      Benjamini-Hochberg correction across agents;
    * ``fpr_above_team`` — the lower Wilson bound of the agent's false-positive rate is above
      the team-wide false-positive rate (the system is fooled more by this agent's calls
      than by others', e.g. padded calls).

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or the output of :func:`paired_judgements`.
    alpha : float, default 0.05
        False-discovery rate for ``inflated``.
    min_reviewed : int, default 10
        Agents with fewer paired calls are reported but never flagged (``enough_data`` False).
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``judgement``, ``agent_id``, ``team_id``; ``n``, ``fp``, ``fn``; ``system_rate``,
        ``human_rate``, ``difference``; ``fpr``, ``fpr_low``, ``fpr_high``; ``overall_fpr``
        (all agents); ``p_value`` (one-sided exact McNemar, system > human); ``p_adjusted``
        (Benjamini-Hochberg within judgement); ``enough_data``; ``inflated``;
        ``fpr_above_team``; ``flagged`` (either signal). Sorted with flagged agents first,
        by ``difference``.
    """
    pairs = as_pairs(data)
    per = agreement(pairs, by=["agent_id", "team_id"], confidence=confidence)
    overall = agreement(pairs, confidence=confidence).set_index("judgement")["fpr"]
    per["overall_fpr"] = per["judgement"].map(overall)
    per["p_value"] = [
        stats.binomtest(int(b), int(b + c), 0.5, alternative="greater").pvalue if b + c > 0 else 1.0
        for b, c in zip(per["fp"], per["fn"], strict=True)
    ]
    per["enough_data"] = per["n"] >= min_reviewed
    per["p_adjusted"] = np.nan
    for _, idx in per[per["enough_data"]].groupby("judgement").groups.items():
        per.loc[idx, "p_adjusted"] = stats.false_discovery_control(
            per.loc[idx, "p_value"].to_numpy()
        )
    per["inflated"] = per["enough_data"] & (per["fp"] > per["fn"]) & (per["p_adjusted"] < alpha)
    per["fpr_above_team"] = per["enough_data"] & (per["fpr_low"] > per["overall_fpr"])
    per["flagged"] = per["inflated"] | per["fpr_above_team"]
    cols = [
        "judgement",
        "agent_id",
        "team_id",
        "n",
        "fp",
        "fn",
        "system_rate",
        "human_rate",
        "difference",
        "fpr",
        "fpr_low",
        "fpr_high",
        "overall_fpr",
        "p_value",
        "p_adjusted",
        "enough_data",
        "inflated",
        "fpr_above_team",
        "flagged",
    ]
    return per[cols].sort_values(
        ["judgement", "flagged", "difference"], ascending=[True, False, False], ignore_index=True
    )
