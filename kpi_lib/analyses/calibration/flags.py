"""Per-agent flags: agents whose system-measured rates look inflated by automatic
misjudgements.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.calibration.agreement import agreement, as_pairs, excess_rate_test
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

    Two complementary signals per agent and judgement, on the calls reviewed by both, each
    relative to the agent's team (the other agents of the team, or everyone when the team has
    fewer than 3 agents with enough data): a system that errs alike for every agent flags
    nobody.

    * ``inflated`` — among the agent's disagreements, the system says "positive" where the
      human says "negative" (``fp``) more often than it does among the team's disagreements
      (a McNemar test relative to the team's own direction of error);
    * ``fpr_above_team`` — the agent's false-positive rate ``fp / (fp + tn)`` is above the
      team's (the system is fooled more by this agent's calls than by others', e.g. padded
      calls).

    Each is a one-sided beta-binomial test with the overdispersion estimated from the agents
    (:func:`~kpi_lib.analyses.calibration.agreement.excess_rate_test`), Benjamini-Hochberg
    corrected across the agents of a judgement, at false-discovery rate ``alpha``.

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
        (all agents); ``team_fpr`` (the reference: the other agents of the team);
        ``team_fp_share`` (share of the team's disagreements that are false positives);
        ``p_value`` (``fp`` among ``fp + fn`` above the team's share); ``p_adjusted``
        (Benjamini-Hochberg within judgement); ``fpr_p_value``, ``fpr_p_adjusted`` (the
        false-positive rate above the team's); ``enough_data``; ``inflated``;
        ``fpr_above_team``; ``flagged`` (either signal). Sorted with flagged agents first,
        by ``difference``.
    """
    pairs = as_pairs(data)
    per = agreement(pairs, by=["agent_id", "team_id"], confidence=confidence)
    overall = agreement(pairs, confidence=confidence).set_index("judgement")["fpr"]
    per["overall_fpr"] = per["judgement"].map(overall)
    per["enough_data"] = per["n"] >= min_reviewed
    per["negatives"] = per["fp"] + per["tn"]
    per["discordant"] = per["fp"] + per["fn"]
    per["team_fpr"] = np.nan
    per["team_fp_share"] = np.nan
    per["p_value"] = np.nan
    per["fpr_p_value"] = np.nan
    for _, idx in per[per["enough_data"]].groupby("judgement").groups.items():
        sub = per.loc[idx]
        share = excess_rate_test(sub, count="fp", trials="discordant", group="team_id")
        fpr = excess_rate_test(sub, count="fp", trials="negatives", group="team_id")
        per.loc[idx, "team_fp_share"] = share["reference_rate"]
        per.loc[idx, "p_value"] = share["p_value"].fillna(1.0)
        per.loc[idx, "team_fpr"] = fpr["reference_rate"]
        per.loc[idx, "fpr_p_value"] = fpr["p_value"].fillna(1.0)
    per["p_adjusted"] = np.nan
    per["fpr_p_adjusted"] = np.nan
    for _, idx in per[per["enough_data"]].groupby("judgement").groups.items():
        for raw, adj in (("p_value", "p_adjusted"), ("fpr_p_value", "fpr_p_adjusted")):
            per.loc[idx, adj] = stats.false_discovery_control(per.loc[idx, raw].to_numpy())
    # an agent with no false positive is never "inflated" whatever the team's rates (integer
    # counts compared as integers, no floating-point bound involved)
    has_fp = per["fp"] > 0
    per["inflated"] = per["enough_data"] & has_fp & (per["p_adjusted"] < alpha)
    per["fpr_above_team"] = per["enough_data"] & has_fp & (per["fpr_p_adjusted"] < alpha)
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
        "team_fpr",
        "team_fp_share",
        "p_value",
        "p_adjusted",
        "fpr_p_value",
        "fpr_p_adjusted",
        "enough_data",
        "inflated",
        "fpr_above_team",
        "flagged",
    ]
    return per[cols].sort_values(
        ["judgement", "flagged", "difference"], ascending=[True, False, False], ignore_index=True
    )
