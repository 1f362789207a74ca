"""Monte Carlo over the weights (and methods): rank intervals, decision probabilities, flips."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib.analyses.sensitivity.common import Setup, make_tiers, prepare, resolve_k
from kpi_lib.analyses.sensitivity.draws import draw_weights, evaluate, make_rng
from kpi_lib.analyses.sensitivity.ranking import nominal

__all__ = ["MonteCarloResult", "monte_carlo_ranks", "decision_flips"]


#: Rank quantiles come from the stored ranks of every draw (2 bytes per draw and agent) up to
#: this many draw x agent cells; beyond it, from an agents x ranks histogram accumulated block
#: by block (8 x agents^2 bytes), for up to _HIST_MAX_AGENTS agents.
_STORE_MAX_CELLS = 50_000_000
_HIST_MAX_AGENTS = 4000


def _icdf_positions(qs: Sequence[float], n: int) -> list[int]:
    """0-based order-statistic positions of numpy's method="inverted_cdf" quantiles."""
    return [min(max(int(np.ceil(q * n - 1e-9)), 1), n) - 1 for q in qs]


def _sorted_quantiles(ranks: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Inverted-CDF quantiles of each column of a draws x agents integer rank matrix."""
    rt = np.ascontiguousarray(ranks.T)
    rt.sort(axis=1, kind="stable")  # radix sort for 16/32-bit integers
    return rt[:, _icdf_positions(qs, ranks.shape[0])].T.astype(np.int64)


def _hist_quantiles(hist: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """Inverted-CDF quantiles (as numpy's method="inverted_cdf") from agents x rank counts."""
    cum = np.cumsum(hist, axis=1)
    n = cum[:, -1:]
    # smallest rank whose cumulative count reaches q * n (ranks are the column positions)
    return np.vstack([np.argmax(cum >= np.maximum(q * n, 1e-12) - 1e-9, axis=1) for q in qs])


@dataclass
class MonteCarloResult:
    """What :func:`monte_carlo_ranks` found; every table is tidy.

    Attributes
    ----------
    agents : DataFrame
        One row per agent, by nominal rank: ``agent_id``, ``composite``, ``rank`` (nominal),
        ``tier`` (nominal; absent without tiers), ``rank_median``, ``rank_mean``,
        ``rank_low`` / ``rank_high`` (the ``interval`` of the simulated ranks, e.g. 5 % and
        95 %), ``rank_spread`` (high - low), ``top_k`` / ``bottom_k`` (nominally in the bonus /
        PIP group), ``p_top_k`` / ``p_bottom_k`` (share of draws in it), ``p_tier`` (share of
        draws in the nominal tier), ``modal_tier``, and the flags ``flip_top_k``,
        ``flip_bottom_k``, ``flip_tier``, ``any_flip`` (the decision differs from the nominal one
        in at least ``flip_threshold`` of the draws).
    tiers : DataFrame or None
        One row per agent and tier: ``agent_id``, ``tier``, ``probability``, ``nominal``.
    draws : DataFrame
        One row per draw: ``draw``, ``normalisation``, ``aggregation``,
        ``mean_abs_rank_shift``, ``max_abs_rank_shift``, ``agents_moved``, ``top_k_changes``,
        ``bottom_k_changes``, ``tier_changes`` (with tiers).
    weights : DataFrame
        The weight shares of each draw (index ``draw``, one column per indicator).
    settings : dict
        The arguments that produced the result (draws, size, distribution, seed, top_k, ...),
        ``sampling`` (whether counts were redrawn) and ``sampling_fixed`` (indicators the
        sampling model held at their observed values).
    ranks : ndarray or None
        Draws x agents ranks (agents in ``agents_order``) when ``keep_ranks=True``.
    agents_order : Index
        The agent order of ``ranks``.
    """

    agents: pd.DataFrame
    tiers: pd.DataFrame | None
    draws: pd.DataFrame
    weights: pd.DataFrame
    settings: dict
    ranks: np.ndarray | None = None
    agents_order: pd.Index | None = None


def _method_choices(setup: Setup, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    nn, nm = len(setup.score_sets), len(setup.methods)
    norm = rng.integers(0, nn, size=n) if nn > 1 else np.zeros(n, dtype=np.int64)
    agg = rng.integers(0, nm, size=n) if nm > 1 else np.zeros(n, dtype=np.int64)
    return norm, agg


def monte_carlo_ranks(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    draws: int = 2000,
    size: float = 0.2,
    distribution: str = "uniform",
    alternatives: Mapping[str, pd.DataFrame] | None = None,
    methods: Sequence[str] | None = None,
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
    top_k: int | float = 0.1,
    bottom_k: int | float = 0.1,
    interval: float = 0.90,
    flip_threshold: float = 0.10,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
    seed: int | np.random.Generator | None = None,
    keep_ranks: bool = False,
    n_jobs: int = 1,
    sampling=None,
) -> MonteCarloResult:
    """Rank distribution, bonus / PIP and tier probabilities under uncertain weights and
    (with ``sampling``) the sampling noise of the counts behind each score.

    Each draw perturbs all weights at once (see :func:`sample_weights`) and, optionally,
    switches the normalisation (``alternatives``) and the aggregation method (``methods``),
    each chosen uniformly at random per draw. With ``sampling`` each draw also redraws every
    agent's indicator values from their counts and scores them, so agents whose difference is
    within chance get overlapping rank intervals.

    Parameters
    ----------
    scores, weights, tiers, bottom_tier, tier_basis, top_k, bottom_k, method,
    geometric_shift, missing
        See :mod:`kpi_lib.analyses.sensitivity`.
    draws : int
        Number of draws (10,000 gives probabilities to about +/-1 point).
    size, distribution
        See :func:`sample_weights`.
    alternatives : mapping of str to DataFrame, optional
        Score matrices of the same agents and indicators under other normalisation methods
        (e.g. ``{"minmax": ..., "percentile": ...}``); with them, each draw uses the nominal
        scores or one of these with equal probability.
    methods : sequence of str, optional
        Aggregation methods to switch among (``method`` is always included).
    interval : float
        Central probability of the rank interval (0.90 -> 5 % and 95 % quantiles).
    flip_threshold : float
        A decision "flips" when it differs from the nominal decision in at least this share
        of draws.
    seed : int or Generator, optional
    keep_ranks : bool
        Keep the draws x agents rank matrix in the result.
    n_jobs : int
        Threads evaluating blocks of draws (numpy releases the GIL); 2 on a 2-core machine
        nearly halves the time of large runs.
    sampling : SamplingModel, optional
        From :func:`~kpi_lib.analyses.sensitivity.sampling.sampling_model` (the ``sampling``
        entry of :func:`scorecard_inputs`); covers at least the agents and indicators of
        ``scores``. Not combined with ``alternatives``. The nominal ranking stays that of the
        observed scores.

    Returns
    -------
    MonteCarloResult
        Tidy tables ``agents``, ``tiers``, ``draws``, ``weights`` (see the class).

    Notes
    -----
    Rank quantiles use the inverted empirical CDF (``numpy.quantile(...,
    method="inverted_cdf")``), so they are ranks that occurred; up to 4,000 agents they are
    read from the sorted ranks of every draw, or for very large runs from an agents x ranks
    histogram accumulated block by block, so memory does not grow with the number of draws. The nominal ranking uses the
    nominal scores, weights and ``method``.

    Examples
    --------
    >>> from kpi_lib.analyses.sensitivity import monte_carlo_ranks, scorecard_inputs
    >>> from kpi_lib.datasets import load_sample
    >>> from kpi_lib.indicators.engine import compute_indicators
    >>> from kpi_lib.scoring import score
    >>> ind = compute_indicators(load_sample())
    >>> inputs = scorecard_inputs(score(ind, "default"), indicators=ind)
    >>> mc = monte_carlo_ranks(**inputs, draws=500, seed=1)
    >>> mc.agents[["agent_id", "rank", "rank_low", "rank_high", "p_top_k", "p_tier"]].head(4)
      agent_id  rank  rank_low  rank_high  p_top_k  p_tier
    0    A0018     1         1          9    0.598   0.872
    1    A0019     1         1         17    0.398   0.652
    2    A0006     3         1         18    0.396   0.582
    3    A0020     4         1          9    0.404   0.894
    >>> mc.tiers.head(4)
      agent_id tier  probability  nominal
    0    A0018    A        0.872     True
    1    A0018    B        0.124    False
    2    A0018    C        0.002    False
    3    A0018    D        0.002    False

    The weights alone (without ``sampling``) would call the top three certain:

    >>> weights_only = {k: v for k, v in inputs.items() if k != "sampling"}
    >>> mc0 = monte_carlo_ranks(**weights_only, draws=500, seed=1)
    >>> mc0.agents[["agent_id", "rank_low", "rank_high", "p_top_k"]].head(3)
      agent_id  rank_low  rank_high  p_top_k
    0    A0018         1          1      1.0
    1    A0019         1          1      1.0
    2    A0006         3          3      1.0
    """
    if not 0 < interval < 1:
        raise ValueError(f"`interval` must be in (0, 1); got {interval!r}.")
    if not 0 < flip_threshold <= 0.5:
        raise ValueError(f"`flip_threshold` must be in (0, 0.5]; got {flip_threshold!r}.")
    draws = int(draws)
    if draws < 1:
        raise ValueError(f"`draws` must be >= 1; got {draws}.")
    setup = prepare(
        scores,
        weights,
        alternatives=alternatives,
        method=method,
        methods=methods,
        missing=missing,
        geometric_shift=geometric_shift,
    )
    A = setup.n_agents
    tr = make_tiers(tiers, bottom_tier, tier_basis, A)
    kt, kb = resolve_k(top_k, A, "top_k"), resolve_k(bottom_k, A, "bottom_k")
    rng = make_rng(seed)
    if sampling is not None:
        if alternatives:
            raise ValueError(
                "`sampling` and `alternatives` cannot be combined: the sampling model scores "
                "draws with the scheme's own normalisation."
            )
        setup.sampler = sampling.subset(setup.agents, setup.indicators)
    W = draw_weights(setup.w0, draws, float(size), distribution, rng)
    norm, agg = _method_choices(setup, draws, rng)
    use_hist = draws * A > _STORE_MAX_CELLS and A <= _HIST_MAX_AGENTS
    st = evaluate(
        setup,
        W,
        norm_idx=norm,
        agg_idx=agg,
        tiers=tr,
        k_top=kt,
        k_bottom=kb,
        keep_ranks=keep_ranks or not use_hist,
        rank_hist=use_hist,
        n_jobs=n_jobs,
        sample_rng=rng if sampling is not None else None,
    )
    c0, r0, t0 = nominal(setup, tr)
    lo, hi = (1 - interval) / 2, 1 - (1 - interval) / 2
    if use_hist:
        q = _hist_quantiles(st.rank_hist, [lo, 0.5, hi])
    else:
        q = _sorted_quantiles(st.ranks, [lo, 0.5, hi])
    agents = pd.DataFrame(
        {
            "agent_id": setup.agents,
            "composite": c0,
            "rank": r0,
        }
    )
    if tr is not None:
        agents["tier"] = np.asarray(tr.labels, dtype=object)[t0]
    agents["rank_median"] = q[1].astype(int)
    agents["rank_mean"] = st.rank_sum / draws
    agents["rank_low"] = q[0].astype(int)
    agents["rank_high"] = q[2].astype(int)
    agents["rank_spread"] = agents["rank_high"] - agents["rank_low"]
    agents["top_k"] = r0 <= kt
    agents["p_top_k"] = st.top_count / draws
    agents["bottom_k"] = r0 > A - kb
    agents["p_bottom_k"] = st.bottom_count / draws
    p_same_top = np.where(agents["top_k"], agents["p_top_k"], 1 - agents["p_top_k"])
    p_same_bot = np.where(agents["bottom_k"], agents["p_bottom_k"], 1 - agents["p_bottom_k"])
    agents["flip_top_k"] = (1 - p_same_top) >= flip_threshold
    agents["flip_bottom_k"] = (1 - p_same_bot) >= flip_threshold
    tiers_long = None
    if tr is not None:
        P = st.tier_counts / draws
        agents["p_tier"] = P[np.arange(A), t0]
        agents["modal_tier"] = np.asarray(tr.labels, dtype=object)[P.argmax(axis=1)]
        agents["flip_tier"] = (1 - agents["p_tier"]) >= flip_threshold
        tiers_long = pd.DataFrame(
            {
                "agent_id": np.repeat(setup.agents.to_numpy(), len(tr.labels)),
                "tier": np.tile(np.asarray(tr.labels, dtype=object), A),
                "probability": P.ravel(),
                "nominal": (np.arange(len(tr.labels))[None, :] == t0[:, None]).ravel(),
            }
        )
        flips = agents[["flip_top_k", "flip_bottom_k", "flip_tier"]]
    else:
        flips = agents[["flip_top_k", "flip_bottom_k"]]
    agents["any_flip"] = flips.any(axis=1)
    order = np.lexsort((np.arange(A), r0))
    agents = agents.iloc[order].reset_index(drop=True)
    if tiers_long is not None:
        tiers_long["_r"] = np.repeat(r0, len(tr.labels))
        tiers_long = (
            tiers_long.sort_values(["_r", "agent_id"], kind="stable")
            .drop(columns="_r")
            .reset_index(drop=True)
        )
    draws_df = pd.DataFrame({"draw": np.arange(draws)})
    draws_df["normalisation"] = np.asarray(list(setup.score_sets), dtype=object)[norm]
    draws_df["aggregation"] = np.asarray(setup.methods, dtype=object)[agg]
    for name, v in st.per_draw.items():
        draws_df[name] = v if name.startswith("mean") else v.astype(int)
    settings = {
        "draws": draws,
        "size": float(size),
        "distribution": distribution,
        "normalisations": list(setup.score_sets),
        "methods": list(setup.methods),
        "top_k": kt,
        "bottom_k": kb,
        "interval": interval,
        "flip_threshold": flip_threshold,
        "tiers": None if tr is None else list(tr.labels),
        "n_agents": A,
        "sampling": sampling is not None,
        "sampling_fixed": [] if sampling is None else list(setup.sampler.fixed),
        "seed": seed if not isinstance(seed, np.random.Generator) else "Generator",
    }
    return MonteCarloResult(
        agents=agents,
        tiers=tiers_long,
        draws=draws_df,
        weights=pd.DataFrame(W, columns=setup.indicators, index=pd.RangeIndex(draws, name="draw")),
        settings=settings,
        ranks=st.ranks if keep_ranks else None,
        agents_order=setup.agents,
    )


def decision_flips(result: MonteCarloResult, *, threshold: float | None = None) -> pd.DataFrame:
    """The bonus, PIP and tier decisions that flip in a meaningful share of draws.

    Parameters
    ----------
    result : MonteCarloResult
        From :func:`monte_carlo_ranks`.
    threshold : float, optional
        Smallest share of draws with a different decision to report; default the
        ``flip_threshold`` of the run.

    Returns
    -------
    DataFrame
        One row per agent and decision that flips, most uncertain first:

        - ``agent_id``, ``rank`` (nominal), ``composite``
        - ``decision``: ``bonus`` (top k), ``pip`` (bottom k) or ``tier``
        - ``nominal``: the nominal outcome (``in`` / ``out`` for bonus and PIP, the tier label)
        - ``p_nominal``: share of draws with the nominal outcome
        - ``p_flip``: share of draws with a different outcome
        - ``likely_alternative``: the other outcome (for tiers, the most frequent other tier)
    """
    thr = result.settings["flip_threshold"] if threshold is None else float(threshold)
    a = result.agents
    parts = []
    for decision, flag, p in (("bonus", "top_k", "p_top_k"), ("pip", "bottom_k", "p_bottom_k")):
        p_nom = np.where(a[flag], a[p], 1 - a[p])
        sub = pd.DataFrame(
            {
                "agent_id": a["agent_id"],
                "rank": a["rank"],
                "composite": a["composite"],
                "decision": decision,
                "nominal": np.where(a[flag], "in", "out"),
                "p_nominal": p_nom,
                "p_flip": 1 - p_nom,
                "likely_alternative": np.where(a[flag], "out", "in"),
            }
        )
        parts.append(sub[sub["p_flip"] >= thr])
    if result.tiers is not None:
        t = result.tiers
        alt = (
            t[~t["nominal"]]
            .sort_values(["agent_id", "probability"], ascending=[True, False], kind="stable")
            .drop_duplicates("agent_id")
            .set_index("agent_id")["tier"]
        )
        sub = pd.DataFrame(
            {
                "agent_id": a["agent_id"],
                "rank": a["rank"],
                "composite": a["composite"],
                "decision": "tier",
                "nominal": a["tier"],
                "p_nominal": a["p_tier"],
                "p_flip": 1 - a["p_tier"],
                "likely_alternative": a["agent_id"].map(alt),
            }
        )
        parts.append(sub[sub["p_flip"] >= thr])
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["p_flip", "rank"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
