"""The blind, agent-stratified spot-check sample of calls for manual QA review."""

from __future__ import annotations

import zlib
from collections.abc import Sequence

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.calibration.common import (
    JUDGEMENTS,
    REVIEW_COLUMNS,
    SPOT_CHECK_COLUMNS,
    calls_table,
    in_period,
    reviews_table,
    team_map,
)
from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.definitions import Definitions

__all__ = ["spot_check_sample"]


def spot_check_sample(
    data: Dataset,
    *,
    share: float = 0.10,
    min_per_agent: int = 3,
    seed: int = 0,
    period: str | None = None,
    population: str = "auto",
    exclude_reviewed: bool = True,
    definitions: Definitions | None = None,
    talk_window_s: float = 30.0,
    borderline_intent: Sequence[int] = (1,),
    oversample: float = 2.0,
    automatic: str = "system",
    blind: bool = True,
) -> pd.DataFrame:
    """Draw a reproducible sample of calls for manual QA review.

    Each agent is a stratum: agent *a* with :math:`N_a` eligible calls gets
    :math:`n_a = \\min(N_a, \\max(m, \\lceil s N_a \\rceil))` calls (``s`` = ``share``,
    ``m`` = ``min_per_agent``). Within the agent, calls are split into a *focus* stratum (near a
    decision threshold, or the automatic judgement contradicts the call record) and a *routine*
    stratum; the focus stratum is sampled ``oversample`` times more densely, and each stratum
    by simple random sampling, so the inclusion probability of every call is known exactly.

    Parameters
    ----------
    data : Dataset
        Needs ``calls`` and ``agents``; ``qa_reviews`` when ``population`` uses it.
    share : float, default 0.10
        Target share of eligible calls per agent (the sources: about 10 %).
    min_per_agent : int, default 3
        Every agent with eligible calls gets at least this many (or all they have).
    seed : int, default 0
        Same seed and data give the same sample. Each agent's draw depends only on the seed,
        the agent id and that agent's calls, so adding an agent changes nobody else's sample.
    period : str, optional
        Restrict to calls started in this period (``2026-10``, ``2026-Q4``, ``2026``, ``2026-W43``).
    population : {"auto", "system_reviewed", "recorded", "connected"}, default "auto"
        Eligible calls: those with an automatic judgement (``system_reviewed``), any call with
        talk time > 0 (``recorded``), or outcome ``connected``. ``auto`` uses
        ``system_reviewed`` when the dataset has automatic reviews, else ``recorded``.
    exclude_reviewed : bool, default True
        Leave out calls a human has already reviewed.
    definitions : Definitions, optional
        The effective-call rule: its threshold ``effective_min_talk_s`` (the focus window is
        centred on it and the pre-screen rule uses it) and ``effective_requires_need_captured``.
        None means :class:`~kpi_lib.indicators.definitions.Definitions()`.
    talk_window_s : float, default 30
        Calls whose talk time is within ``talk_window_s`` seconds of the effective-call
        threshold are focus calls.
    borderline_intent : sequence of int, default (1,)
        Intent ratings treated as borderline (focus calls): by default *low* intent, where
        "need captured" and "effective" are hardest to judge.
    oversample : float, default 2.0
        Sampling-rate ratio focus : routine (1 = no oversampling, a plain random sample).
    automatic : str, default "system"
        Reviewer id of the automatic judgements.
    blind : bool, default True
        Hide the automatic judgement from the reviewer (recommended: a reviewer who sees it
        tends to agree with it, which biases the agreement estimates upwards). With
        ``blind=False`` the columns ``system_compliant`` and ``system_effective`` are added.

    Returns
    -------
    DataFrame
        One row per sampled call, sorted by agent and start time: ``call_id``, ``agent_id``,
        ``team_id``, ``started_at``, ``duration_s``, ``outcome``, ``intent_rating``,
        ``need_captured``; ``stratum`` (``focus`` or ``routine``); ``reason`` (why the call is a
        focus call, codes joined by ``;``: ``near_threshold`` (talk time within
        ``talk_window_s`` of the effective-call threshold), ``borderline_intent``,
        ``prescreen`` (the automatic judgement disagrees with the call record; named
        ``system_disagrees`` when ``blind`` is False), or ``random``); ``inclusion_prob`` and ``design_weight`` (= 1 / inclusion_prob,
        for weighted estimates); empty ``reviewer``, ``compliant``, ``effective``, ``notes`` for
        the reviewer; plus ``system_compliant`` and ``system_effective`` when ``blind`` is False.

    Notes
    -----
    Rounding up and the per-agent minimum make the total slightly above ``share`` of the
    eligible calls. Oversampling changes the mix of the sample; weight by ``design_weight``
    (``agreement(..., weights=...)``) to estimate population error rates without bias.
    The *pre-screen flag* marks calls whose automatic ``effective`` judgement disagrees with
    the rule of ``definitions``: talk time >= ``effective_min_talk_s`` and, when
    ``effective_requires_need_captured``, need captured; in blind mode its direction is hidden.
    """
    if not 0 < share <= 1:
        raise ValueError(f"`share` must be in (0, 1], but {share!r} was passed.")
    if min_per_agent < 0:
        raise ValueError(f"`min_per_agent` must be >= 0, but {min_per_agent!r} was passed.")
    if oversample < 1:
        raise ValueError(f"`oversample` must be >= 1, but {oversample!r} was passed.")
    check_option("population", population, ["auto", "system_reviewed", "recorded", "connected"])
    rules = Definitions.from_yaml(definitions)
    talk_threshold_s = float(rules.effective_min_talk_s)
    wanted = [
        "call_id",
        "agent_id",
        "started_at",
        "duration_s",
        "outcome",
        "intent_rating",
        "need_captured",
    ]
    calls = calls_table(data, [c for c in wanted if c in data["calls"].columns])
    calls = calls[in_period(calls["started_at"], period)]
    reviews = reviews_table(data) if "qa_reviews" in data.tables else None
    system = None
    if reviews is not None:
        sysr = reviews[reviews["reviewer"] == automatic]
        if len(sysr):
            sort_col = "reviewed_at" if "reviewed_at" in sysr.columns else "review_id"
            sysr = sysr.sort_values(sort_col).drop_duplicates("call_id", keep="last")
            cols = [j for j in JUDGEMENTS if j in sysr.columns]
            system = sysr.set_index("call_id")[cols].add_prefix("system_")
    if population == "auto":
        population = "system_reviewed" if system is not None else "recorded"
    if population == "system_reviewed":
        if system is None:
            raise ValueError(
                f"`population='system_reviewed'` but table `qa_reviews` has no rows with "
                f"reviewer {automatic!r}; use population='recorded' or 'connected'."
            )
        calls = calls[calls["call_id"].isin(system.index)]
    elif population == "recorded":
        calls = calls[calls["duration_s"].fillna(0) > 0]
    else:
        calls = calls[calls["outcome"] == "connected"]
    if exclude_reviewed and reviews is not None:
        human = reviews.loc[reviews["reviewer"] != automatic, "call_id"]
        calls = calls[~calls["call_id"].isin(set(human))]
    for col in ("intent_rating", "need_captured"):
        if col not in calls.columns:
            calls[col] = pd.NA
    if system is not None:
        calls = calls.join(system, on="call_id")
    for j in JUDGEMENTS:
        if f"system_{j}" not in calls.columns:
            calls[f"system_{j}"] = pd.Series(pd.NA, index=calls.index, dtype="boolean")

    dur = calls["duration_s"].astype(float)
    near = (dur - talk_threshold_s).abs() <= talk_window_s
    intent = calls["intent_rating"].astype("Float64").isin([float(v) for v in borderline_intent])
    intent = intent.fillna(False).astype(bool)
    rule = dur >= talk_threshold_s
    if rules.effective_requires_need_captured:
        rule &= calls["need_captured"].astype("boolean").fillna(False).astype(bool)
    sys_eff = calls["system_effective"].astype("boolean")
    conflict = (sys_eff.notna() & (sys_eff.fillna(False).astype(bool) != rule)).astype(bool)
    reason = pd.Series("", index=calls.index, dtype=object)
    for mask, code in (
        (near, "near_threshold"),
        (intent, "borderline_intent"),
        # blind: the reviewer is told only that the pre-screen picked the call, not its verdict
        (conflict, "prescreen" if blind else "system_disagrees"),
    ):
        reason = reason.where(~mask, reason + np.where(reason == "", "", ";") + code)
    calls["stratum"] = np.where(reason != "", "focus", "routine")
    calls["reason"] = reason.where(reason != "", "random")

    picked = []
    for agent, grp in calls.sort_values("call_id").groupby("agent_id", sort=True):
        rng = np.random.default_rng([seed, zlib.crc32(str(agent).encode("utf-8"))])
        n_total = len(grp)
        n_a = min(n_total, max(min_per_agent, int(np.ceil(share * n_total - 1e-9))))
        sizes = _allocate(
            n_a, (grp["stratum"] == "focus").sum(), (grp["stratum"] == "routine").sum(), oversample
        )
        for stratum, k in zip(("focus", "routine"), sizes, strict=True):
            pool = grp[grp["stratum"] == stratum]
            if k == 0:
                continue
            take = pool.iloc[np.sort(rng.choice(len(pool), size=k, replace=False))].copy()
            take["inclusion_prob"] = k / len(pool)
            picked.append(take)
    if picked:
        sample = pd.concat(picked)
    else:
        sample = calls.head(0).assign(inclusion_prob=pd.Series(dtype=float))
    sample["design_weight"] = 1.0 / sample["inclusion_prob"]
    sample["team_id"] = sample["agent_id"].map(team_map(data)).astype("string")
    for col in REVIEW_COLUMNS:
        sample[col] = pd.Series("", index=sample.index, dtype="string")
    cols = list(SPOT_CHECK_COLUMNS)
    if not blind:
        cols += [f"system_{j}" for j in JUDGEMENTS]
    return sample.sort_values(["agent_id", "started_at", "call_id"])[cols].reset_index(drop=True)


def _allocate(n: int, n_focus: int, n_routine: int, oversample: float) -> tuple[int, int]:
    """Split ``n`` draws between focus and routine strata, focus ``oversample`` times denser."""
    if n_focus + n_routine == 0 or n == 0:
        return 0, 0
    wf = oversample * n_focus
    k_f = int(round(n * wf / (wf + n_routine)))
    k_f = min(k_f, n_focus)
    # keep both strata represented so each has a known, non-zero inclusion probability
    if n >= 2 and n_focus and k_f == 0:
        k_f = 1
    if n >= 2 and n_routine and k_f == n:
        k_f = n - 1
    k_r = min(n - k_f, n_routine)
    k_f = min(n - k_r, n_focus)
    return k_f, k_r
