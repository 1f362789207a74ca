"""Weight sensitivity: which ranks, tiers and bonus / PIP decisions depend on the chosen weights.

Managers choose weights by judgement. The functions here show which decisions are robust to
that judgement and which are an artefact of it:

=============================  ==============================================================
:func:`effective_weights`      each indicator's real share of the composite's spread next to
                               its nominal weight
:func:`one_at_a_time`          move one weight by +/- a step (the others rescaled), count the
                               rank, bonus, PIP and tier changes (tornado chart)
:func:`monte_carlo_ranks`      perturb all weights (and optionally the normalisation and
                               aggregation method) thousands of times: rank intervals, top-k /
                               bottom-k and tier probabilities per agent
:func:`decision_flips`         the bonus / PIP / tier decisions that flip in a meaningful share
                               of the Monte Carlo draws
:func:`sobol_weight_indices`   variance-based (Sobol) first-order and total indices of each
                               weight and method choice on a ranking outcome
:func:`sobol_analysis`         the generic SALib wrapper behind it (any vectorised model)
:func:`compare_schemes`        agents' composite, rank and tier under two or more schemes
:func:`scheme_agreement`       pairwise Kendall's tau, tier changes, winners and losers
:func:`rank_reversal_thresholds`  the smallest change of one weight that swaps two agents
=============================  ==============================================================

Shared inputs
-------------
scores : DataFrame
    Wide matrix of normalised scores: index ``agent_id``, one column per indicator, values on the
    0-100 scale where higher is better (``Scorecard.indicators.score`` pivoted; see
    :func:`score_matrix`). Columns not in ``weights`` are ignored.
weights : Series
    Indicator -> relative weight (``Scheme.overall_weights()``). Any non-negative scale;
    rescaled to sum to 1. Indicators with weight 0 stay at 0 in every perturbation.
method : {"arithmetic", "geometric"}
    Aggregation. Arithmetic: :math:`C_i = \\sum_j w_j s_{ij} / \\sum_j w_j`. Geometric:
    :math:`C_i = \\exp(\\sum_j w_j \\ln(s_{ij} + c) / \\sum_j w_j) - c` with
    ``geometric_shift`` :math:`c` (scores may be 0), as in :mod:`kpi_lib.scoring.schemes`.
missing : {"renormalise", "drop", "raise"}
    Missing scores: ``renormalise`` divides by the weight of the indicators the agent has
    (the sum in the formula runs over them), ``drop`` leaves out agents with any missing score,
    ``raise`` raises a ValueError naming them.
tiers : mapping of str to float, optional
    With ``tier_basis="score"`` (default) the lowest composite of each tier, best tier first,
    as in a scheme's ``tiers`` (``{"A": 85, "B": 70, "C": 50}``); below the last cut-off an
    agent gets ``bottom_tier``. With ``tier_basis="share"``, a forced distribution: the share
    of agents in each tier, best first (``{"A": 0.2, "B": 0.7, "C": 0.1}``).
top_k, bottom_k : int or float
    Size of the bonus (top) and PIP (bottom) groups: an integer count, or a share of agents in
    (0, 1) rounded up.

Ranking convention
------------------
Rank 1 is the highest composite. Ties get the best rank of their group ('min' or competition
ranking, like ``scipy.stats.rankdata(-c, method="min")``), so a tie is always resolved in the
agents' favour: all agents tied at the top-k boundary get the bonus and none tied at the
bottom-k boundary gets a PIP (bottom-k means ``rank > n - k``). Composites closer than
``TIE_TOLERANCE`` points count as tied so that floating-point noise does not break ties.
Ranking is vectorised over draws (one ``numpy.argsort`` per block of draws along the agent
axis); no Python loop runs per draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.scoring.composite import TIE_TOLERANCE
from kpi_lib.scoring.composite import rank_rows as _rank_desc

__all__ = [
    "AGGREGATIONS",
    "DISTRIBUTIONS",
    "OUTPUTS",
    "TIE_TOLERANCE",
    "MonteCarloResult",
    "compare_schemes",
    "composite_scores",
    "decision_flips",
    "effective_weights",
    "monte_carlo_ranks",
    "one_at_a_time",
    "rank_composites",
    "rank_reversal_thresholds",
    "sample_weights",
    "scheme_agreement",
    "alternative_scores",
    "scheme_inputs",
    "scheme_set_inputs",
    "score_matrix",
    "scorecard_inputs",
    "sobol_analysis",
    "sobol_weight_indices",
]

AGGREGATIONS = ("arithmetic", "geometric")
DISTRIBUTIONS = ("uniform", "lognormal", "dirichlet")
#: Per-draw ranking outcomes that :func:`sobol_weight_indices` can analyse.
OUTPUTS = (
    "mean_abs_rank_shift",
    "max_abs_rank_shift",
    "agents_moved",
    "top_k_changes",
    "bottom_k_changes",
    "tier_changes",
)
_MISSING = ("renormalise", "drop", "raise")
_TIER_BASES = ("score", "share")
_NOMINAL = "nominal"
#: Target number of draw x agent cells evaluated at once (bounds memory, keeps BLAS busy).
_BLOCK_CELLS = 2_000_000


# --------------------------------------------------------------------------------------------
# Input preparation
# --------------------------------------------------------------------------------------------
def _weights_array(weights, indicators: list[str] | None = None, *, name="weights") -> pd.Series:
    if isinstance(weights, Mapping):
        weights = pd.Series(dict(weights), dtype=float)
    if not isinstance(weights, pd.Series):
        raise ValueError(f"`{name}` must be a pandas Series (indicator -> weight) or a dict.")
    w = weights.astype(float)
    if w.index.has_duplicates:
        dup = sorted(w.index[w.index.duplicated()].astype(str).unique())
        raise ValueError(f"`{name}` lists these indicators more than once: {dup}.")
    bad = w[~np.isfinite(w.to_numpy()) | (w.to_numpy() < 0)]
    if len(bad):
        raise ValueError(
            f"`{name}` must be finite and non-negative; offending indicators: {dict(bad.items())}."
        )
    if w.sum() <= 0:
        raise ValueError(f"`{name}`: every weight is zero; at least one must be positive.")
    if indicators is not None:
        w = w.reindex(indicators, fill_value=0.0)
    return w / w.sum()


def _check_scores(scores: pd.DataFrame, indicators: list[str], name: str = "scores") -> None:
    if not isinstance(scores, pd.DataFrame):
        raise ValueError(
            f"`{name}` must be a wide DataFrame (index agent_id, one column per indicator)."
        )
    absent = [i for i in indicators if i not in scores.columns]
    if absent:
        raise KeyError(
            f"`{name}` has no column for weighted indicator(s) {absent}; "
            f"its columns are {list(map(str, scores.columns))}."
        )
    if scores.index.has_duplicates:
        dup = sorted(map(str, scores.index[scores.index.duplicated()].unique()))[:10]
        raise ValueError(f"`{name}` has duplicated agent_id values: {dup}.")
    sub = scores[indicators]
    non_num = [c for c in indicators if not pd.api.types.is_numeric_dtype(sub[c])]
    if non_num:
        raise ValueError(f"`{name}` columns {non_num} are not numeric.")
    arr = sub.to_numpy(dtype=float)
    if np.isinf(arr).any():
        rows = sub.index[np.isinf(arr).any(axis=1)]
        raise ValueError(f"`{name}` holds infinite scores for agents {list(rows[:10])}.")


@dataclass
class _Setup:
    """Arrays shared by every analysis: agents x indicators, one matrix per normalisation."""

    agents: pd.Index
    indicators: list[str]
    w0: np.ndarray
    score_sets: dict[str, np.ndarray]
    methods: list[str]
    shift: float
    _cache: dict = field(default_factory=dict)

    @property
    def n_agents(self) -> int:
        return len(self.agents)

    def transformed(self, norm: int, agg: int):
        """(X0, M): scores transformed for the aggregation, NaN -> 0, and the 0/1 mask."""
        key = (norm, agg)
        if key not in self._cache:
            S = list(self.score_sets.values())[norm]
            method = self.methods[agg]
            if method == "geometric":
                if np.nanmin(S) + self.shift <= 0:
                    raise ValueError(
                        "Geometric aggregation needs score + geometric_shift > 0; the lowest "
                        f"score is {np.nanmin(S):g} and geometric_shift is {self.shift:g}."
                    )
                X = np.log(S + self.shift)
            else:
                X = S
            mask = ~np.isnan(X)
            X0 = np.where(mask, X, 0.0)
            self._cache[key] = (X0, None if mask.all() else mask.astype(float))
        return self._cache[key]

    def composites(self, W: np.ndarray, norm: int = 0, agg: int = 0) -> np.ndarray:
        """Composites for each weight row of ``W`` (draws x indicators) -> draws x agents."""
        X0, M = self.transformed(norm, agg)
        C = W @ X0.T
        if M is not None:
            den = W @ M.T
            with np.errstate(invalid="ignore", divide="ignore"):
                C = np.where(den > 0, C / np.where(den > 0, den, 1.0), np.nan)
        else:
            C /= W.sum(axis=1, keepdims=True)
        if self.methods[agg] == "geometric":
            C = np.exp(C) - self.shift
        return C


def _prepare(
    scores,
    weights,
    *,
    alternatives: Mapping[str, pd.DataFrame] | None = None,
    method: str = "arithmetic",
    methods: Sequence[str] | None = None,
    missing: str = "renormalise",
    geometric_shift: float = 1.0,
) -> _Setup:
    check_option("method", method, AGGREGATIONS)
    check_option("missing", missing, _MISSING)
    w = _weights_array(weights)
    indicators = [str(i) for i in w.index]
    w.index = indicators
    _check_scores(scores, indicators)
    score_sets = {_NOMINAL: scores[indicators]}
    for name, alt in (alternatives or {}).items():
        if name == _NOMINAL:
            raise ValueError(f"`alternatives` may not use the reserved name {_NOMINAL!r}.")
        _check_scores(alt, indicators, name=f"alternatives[{name!r}]")
        missing_agents = scores.index.difference(alt.index)
        if len(missing_agents):
            raise KeyError(
                f"`alternatives[{name!r}]` has no rows for agents {list(missing_agents[:10])} "
                "that are in `scores`."
            )
        score_sets[str(name)] = alt.loc[scores.index, indicators]
    has_nan = np.zeros(len(scores), dtype=bool)
    for df in score_sets.values():
        has_nan |= df.isna().to_numpy().any(axis=1)
    if has_nan.any() and missing == "raise":
        bad = scores.index[has_nan]
        raise ValueError(
            f"`scores` has missing scores for {len(bad)} agent(s), e.g. {list(bad[:10])}; pass "
            "missing='renormalise' or 'drop', or fill them."
        )
    keep = ~has_nan if missing == "drop" else np.ones(len(scores), dtype=bool)
    # An agent with no score on any weighted indicator has no composite in any draw.
    nothing = np.ones(len(scores), dtype=bool)
    for df in score_sets.values():
        nothing &= df.isna().to_numpy().all(axis=1)
    keep &= ~nothing
    if keep.sum() < 1:
        raise ValueError("`scores`: no agent has a usable score on the weighted indicators.")
    methods = [method] if methods is None else list(dict.fromkeys([method, *methods]))
    for m in methods:
        check_option("methods", m, AGGREGATIONS)
    return _Setup(
        agents=scores.index[keep],
        indicators=indicators,
        w0=w.to_numpy(dtype=float),
        score_sets={k: df.to_numpy(dtype=float)[keep] for k, df in score_sets.items()},
        methods=methods,
        shift=float(geometric_shift),
    )


def _resolve_k(k, n: int, name: str) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)):
        raise ValueError(f"`{name}` must be a count (int >= 0) or a share in (0, 1); got {k!r}.")
    if isinstance(k, (float, np.floating)) and 0 < k < 1:
        return int(math.ceil(k * n - 1e-9))
    if k < 0 or k != int(k):
        raise ValueError(f"`{name}` must be a count (int >= 0) or a share in (0, 1); got {k!r}.")
    return min(int(k), n)


@dataclass(frozen=True)
class _Tiers:
    labels: tuple[str, ...]
    basis: str
    cuts: np.ndarray  # score: lowest composite per tier (descending); share: cumulative counts

    def assign(self, C: np.ndarray, R: np.ndarray) -> np.ndarray:
        if self.basis == "score":
            # number of cut-offs the composite stays below; NaN composites get the bottom tier
            out = np.zeros(C.shape, dtype=np.int8)
            Ct = C + TIE_TOLERANCE
            for cut in self.cuts:  # a handful of cut-offs, each one vectorised comparison
                out += ~(Ct >= cut)
            return out
        out = np.zeros(R.shape, dtype=np.int8)
        for cum in self.cuts[:-1]:
            out += R > cum
        return out


def _make_tiers(tiers, bottom_tier: str, basis: str, n: int) -> _Tiers | None:
    if tiers is None:
        return None
    check_option("tier_basis", basis, _TIER_BASES)
    if not isinstance(tiers, Mapping) or not tiers:
        raise ValueError("`tiers` must be a non-empty mapping of tier label -> value.")
    labels = [str(t) for t in tiers]
    vals = np.array([float(v) for v in tiers.values()])
    if basis == "score":
        if np.any(np.diff(vals) >= 0):
            raise ValueError(
                "`tiers` cut-offs must be strictly decreasing, best tier first; got "
                f"{dict(zip(labels, vals.tolist(), strict=True))}."
            )
        if bottom_tier in labels:
            raise ValueError(f"`bottom_tier` {bottom_tier!r} is already a label in `tiers`.")
        return _Tiers(tuple([*labels, bottom_tier]), basis, vals)
    if np.any(vals < 0) or not np.isclose(vals.sum(), 1.0, atol=1e-6):
        raise ValueError(
            "With tier_basis='share', `tiers` must give non-negative shares of agents that sum "
            f"to 1, best tier first; got {dict(zip(labels, vals.tolist(), strict=True))}."
        )
    cum = np.round(np.cumsum(vals) * n).astype(np.int64)
    cum[-1] = n
    return _Tiers(tuple(labels), basis, cum)


# --------------------------------------------------------------------------------------------
# Vectorised ranking
# --------------------------------------------------------------------------------------------
def rank_composites(composites: pd.DataFrame | np.ndarray) -> pd.DataFrame | np.ndarray:
    """Rank composite scores along the agent axis, vectorised over rows.

    Parameters
    ----------
    composites : DataFrame or ndarray
        Rows = draws (or scenarios), columns = agents. NaN ranks last.

    Returns
    -------
    DataFrame or ndarray
        Same shape: the 'min' rank of each agent in each row (1 = highest composite; ties share
        the best rank of their group, composites within ``TIE_TOLERANCE`` are ties).

    Examples
    --------
    >>> rank_composites(np.array([[70.0, 90.0, 70.0]]))
    array([[2, 1, 2]], dtype=int32)
    """
    arr = np.atleast_2d(np.asarray(composites, dtype=float))
    ranks = _rank_desc(arr)
    if isinstance(composites, pd.DataFrame):
        return pd.DataFrame(ranks, index=composites.index, columns=composites.columns)
    return ranks


def composite_scores(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
) -> pd.DataFrame:
    """Composite, rank and tier of each agent under one weight vector (the nominal ranking).

    Parameters
    ----------
    scores, weights, method, geometric_shift, missing, tiers, bottom_tier, tier_basis
        See the module docstring.

    Returns
    -------
    DataFrame
        One row per agent, best first: ``agent_id``, ``composite`` (0-100), ``rank``
        (1 = best, 'min' ties), ``tier`` (only when ``tiers`` is given).
    """
    setup = _prepare(
        scores, weights, method=method, missing=missing, geometric_shift=geometric_shift
    )
    return _nominal_frame(setup, _make_tiers(tiers, bottom_tier, tier_basis, setup.n_agents))


def _nominal(setup: _Setup, tiers: _Tiers | None):
    C = setup.composites(setup.w0[None, :], 0, 0)
    R = _rank_desc(C)
    T = tiers.assign(C, R) if tiers is not None else None
    return C[0], R[0], (T[0] if T is not None else None)


def _nominal_frame(setup: _Setup, tiers: _Tiers | None) -> pd.DataFrame:
    c, r, t = _nominal(setup, tiers)
    out = pd.DataFrame({"agent_id": setup.agents, "composite": c, "rank": r})
    if tiers is not None:
        out["tier"] = np.asarray(tiers.labels, dtype=object)[t]
    return out.sort_values(["rank", "agent_id"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# The draw engine: evaluates many weight vectors (and method choices) block by block
# --------------------------------------------------------------------------------------------
@dataclass
class _DrawStats:
    per_draw: dict[str, np.ndarray]
    top_count: np.ndarray
    bottom_count: np.ndarray
    rank_sum: np.ndarray
    tier_counts: np.ndarray | None
    rank_hist: np.ndarray | None
    ranks: np.ndarray | None


#: Rank quantiles come from the stored ranks of every draw (2 bytes per draw and agent) up to
#: this many draw x agent cells; beyond it, from an agents x ranks histogram accumulated block
#: by block (8 x agents^2 bytes), for up to _HIST_MAX_AGENTS agents.
_STORE_MAX_CELLS = 50_000_000
_HIST_MAX_AGENTS = 4000


def _evaluate(
    setup: _Setup,
    W: np.ndarray,
    *,
    norm_idx: np.ndarray | None = None,
    agg_idx: np.ndarray | None = None,
    tiers: _Tiers | None = None,
    k_top: int = 0,
    k_bottom: int = 0,
    keep_ranks: bool = False,
    rank_hist: bool = False,
    block: int | None = None,
    n_jobs: int = 1,
) -> _DrawStats:
    """Evaluate every weight row of ``W`` against the nominal ranking, in vectorised blocks.

    Blocks of draws are independent; with ``n_jobs > 1`` they run on threads (numpy releases
    the GIL in matmul, sort and the elementwise work).
    """
    D = W.shape[0]
    A = setup.n_agents
    nm = len(setup.methods)
    _, r0, t0 = _nominal(setup, tiers)
    top0 = r0 <= k_top
    bot0 = r0 > A - k_bottom
    norm_idx = np.zeros(D, dtype=np.int64) if norm_idx is None else np.asarray(norm_idx)
    agg_idx = np.zeros(D, dtype=np.int64) if agg_idx is None else np.asarray(agg_idx)
    combo = norm_idx * nm + agg_idx
    block = block or max(1, _BLOCK_CELLS // max(A, 1))
    names = ["mean_abs_rank_shift", "max_abs_rank_shift", "agents_moved", "top_k_changes",
             "bottom_k_changes"] + (["tier_changes"] if tiers is not None else [])  # fmt: skip
    per_draw = {n: np.zeros(D) for n in names}
    nt = len(tiers.labels) if tiers is not None else 1
    ranks_out = None
    if keep_ranks:
        ranks_out = np.empty((D, A), dtype=np.uint16 if A < 65_535 else np.uint32)
    hist_off = np.arange(A, dtype=np.int32) * (A + 1)
    for c in np.unique(combo):  # build the transformed score matrices before any threads start
        setup.transformed(int(c) // nm, int(c) % nm)

    def run(s: int) -> dict:
        sl = slice(s, min(s + block, D))
        Wb, cb = W[sl], combo[sl]
        codes = np.unique(cb)
        if len(codes) == 1:
            C = setup.composites(Wb, int(codes[0]) // nm, int(codes[0]) % nm)
        else:
            C = np.empty((Wb.shape[0], A))
            for c in codes:  # one pass per method combination, not per draw
                rows = np.flatnonzero(cb == c)
                C[rows] = setup.composites(Wb[rows], int(c) // nm, int(c) % nm)
        R = _rank_desc(C)
        shift = np.abs(R - r0)
        per_draw["mean_abs_rank_shift"][sl] = shift.mean(axis=1)
        per_draw["max_abs_rank_shift"][sl] = shift.max(axis=1)
        per_draw["agents_moved"][sl] = np.count_nonzero(shift, axis=1)
        top = R <= k_top
        per_draw["top_k_changes"][sl] = np.count_nonzero(top != top0, axis=1)
        bot = R > A - k_bottom
        per_draw["bottom_k_changes"][sl] = np.count_nonzero(bot != bot0, axis=1)
        part = {
            "rank_sum": R.sum(axis=0, dtype=np.float64),
            "top": top.sum(axis=0),
            "bottom": bot.sum(axis=0),
        }
        if tiers is not None:
            T = tiers.assign(C, R)
            per_draw["tier_changes"][sl] = np.count_nonzero(T != t0, axis=1)
            part["tiers"] = np.stack([(T == k).sum(axis=0) for k in range(nt)], axis=1)
        if rank_hist:
            part["hist"] = np.bincount((R + hist_off).ravel(), minlength=A * (A + 1))
        if ranks_out is not None:
            ranks_out[sl] = R
        return part

    starts = range(0, D, block)
    if n_jobs > 1 and len(starts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            parts = list(pool.map(run, starts))
    else:
        parts = [run(s) for s in starts]
    return _DrawStats(
        per_draw=per_draw,
        top_count=sum(p["top"] for p in parts),
        bottom_count=sum(p["bottom"] for p in parts),
        rank_sum=sum(p["rank_sum"] for p in parts),
        tier_counts=None if tiers is None else sum(p["tiers"] for p in parts),
        rank_hist=sum(p["hist"] for p in parts).reshape(A, A + 1) if rank_hist else None,
        ranks=ranks_out,
    )


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


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _draw_weights(w0: np.ndarray, n: int, size: float, distribution: str, rng) -> np.ndarray:
    check_option("distribution", distribution, DISTRIBUTIONS)
    pos = w0 > 0
    W = np.zeros((n, len(w0)))
    k = int(pos.sum())
    if distribution == "uniform":
        if not 0 <= size < 1:
            raise ValueError(f"`size` must be in [0, 1) for uniform noise; got {size!r}.")
        W[:, pos] = w0[pos] * rng.uniform(1 - size, 1 + size, size=(n, k))
    elif distribution == "lognormal":
        if size < 0:
            raise ValueError(f"`size` must be >= 0; got {size!r}.")
        W[:, pos] = w0[pos] * np.exp(rng.normal(0.0, size, size=(n, k)))
    else:
        if size <= 0:
            raise ValueError(f"`size` must be > 0 for Dirichlet noise; got {size!r}.")
        wp = w0[pos] / w0[pos].sum()
        if k == 1:
            W[:, pos] = 1.0
        else:
            # concentration c so that the weights' mean coefficient of variation equals `size`:
            # CV_j = sqrt((1 - w_j) / (w_j (c + 1)))
            conc = (np.mean(np.sqrt((1 - wp) / wp)) / size) ** 2 - 1
            conc = max(conc, 1e-3)
            W[:, pos] = rng.dirichlet(wp * conc, size=n)
    return W / W.sum(axis=1, keepdims=True)


def sample_weights(
    weights: pd.Series,
    *,
    draws: int = 1000,
    size: float = 0.2,
    distribution: str = "uniform",
    seed: int | np.random.Generator | None = None,
) -> pd.DataFrame:
    """Random weight vectors around the nominal weights, each rescaled to sum to 1.

    Parameters
    ----------
    weights : Series
        Indicator -> nominal weight (any scale).
    draws : int
        Number of weight vectors.
    size : float
        Perturbation size. ``uniform``: each weight is multiplied by a factor drawn from
        U(1 - size, 1 + size) (0.2 = +/-20 %); ``lognormal``: by exp(N(0, size));
        ``dirichlet``: Dirichlet(c * w) with the concentration c chosen so that the weights'
        average coefficient of variation is ``size``.
    distribution : {"uniform", "lognormal", "dirichlet"}
    seed : int or Generator, optional

    Returns
    -------
    DataFrame
        One row per draw (index ``draw``), one column per indicator: the weight shares.
        Indicators with nominal weight 0 stay 0.
    """
    w = _weights_array(weights)
    W = _draw_weights(w.to_numpy(), int(draws), float(size), distribution, _rng(seed))
    return pd.DataFrame(W, columns=w.index, index=pd.RangeIndex(len(W), name="draw"))


# --------------------------------------------------------------------------------------------
# 1. Nominal vs effective weights
# --------------------------------------------------------------------------------------------
def effective_weights(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
    muted: float = 0.5,
    amplified: float = 2.0,
) -> pd.DataFrame:
    """Each indicator's actual influence on the composite next to its nominal weight.

    A 20 % weight on an indicator on which all agents score about the same moves nobody: what
    separates agents is the weight times the indicator's spread, and its correlation with the
    other indicators.

    Parameters
    ----------
    scores, weights, method, geometric_shift, missing
        See the module docstring.
    muted, amplified : float
        An indicator is ``muted`` when its variance share is below ``muted`` x its weight and
        ``amplified`` when above ``amplified`` x its weight.

    Returns
    -------
    DataFrame
        One row per weighted indicator, largest weight first:

        - ``indicator``
        - ``weight``: nominal share of the composite (sums to 1)
        - ``score_mean``, ``score_sd``: mean and standard deviation of the agents' scores
        - ``points_share``: share of the average composite's points the indicator supplies
        - ``variance_share``: share of the composite's variance (sums to 1; negative when the
          indicator pulls against the others)
        - ``independent_share``: the variance share if indicators were uncorrelated
        - ``correlation``: Pearson correlation of the scores with the composite
        - ``rank_correlation``: Spearman correlation of the scores with the composite
        - ``correlation_share``: squared correlation, rescaled to sum to 1
        - ``influence_ratio``: ``variance_share / weight``
        - ``influence``: ``muted``, ``as intended``, ``amplified``, ``counteracting``
          (variance share below ``-muted`` x weight: it narrows the composite's spread),
          ``no spread`` (every agent has the same score) or ``no weight``

    Notes
    -----
    With contributions :math:`x_{ij} = w_j s_{ij} / \\sum_{k \\in obs(i)} w_k` the composite
    is :math:`C_i = \\sum_j x_{ij}`, so
    :math:`\\mathrm{Var}(C) = \\sum_j \\mathrm{Cov}(x_j, C)` and the variance share is
    :math:`\\mathrm{Cov}(x_j, C) / \\mathrm{Var}(C)` (exact). The independent share is
    :math:`w_j^2 \\mathrm{Var}(s_j) / \\sum_k w_k^2 \\mathrm{Var}(s_k)`. For geometric
    aggregation the decomposition is done on :math:`\\ln(s + c)`, whose weighted mean is the
    log of the shifted composite. With uncorrelated indicators the variance share grows with
    the square of the weight, so small weights are naturally muted and large ones amplified. The correlation share is the first-order (main-effect)
    measure of Paruolo, Saisana and Saltelli (2013) for linear dependence.

    References
    ----------
    Paruolo P., Saisana M., Saltelli A. (2013). Ratings and rankings: voodoo or science?
    Journal of the Royal Statistical Society A 176(3), 609-634.
    """
    setup = _prepare(
        scores, weights, method=method, missing=missing, geometric_shift=geometric_shift
    )
    S = setup.score_sets[_NOMINAL]
    X0, M = setup.transformed(0, 0)
    w = setup.w0
    den = (M @ w) if M is not None else np.ones(setup.n_agents)
    x = X0 * w[None, :] / den[:, None]
    L = x.sum(axis=1)
    comp = _nominal(setup, None)[0]
    xc = x - x.mean(axis=0)
    Lc = L - L.mean()
    var_l = float(Lc @ Lc) / len(L)
    var_share = (xc.T @ Lc) / len(L) / var_l if var_l > 0 else np.full(len(w), np.nan)
    score_sd = np.nanstd(S, axis=0)
    score_mean = np.nanmean(S, axis=0)
    tv = (w**2) * np.nanvar(X0 if M is None else np.where(M > 0, X0, np.nan), axis=0)
    indep = tv / tv.sum() if tv.sum() > 0 else np.full(len(w), np.nan)
    corr, rcorr = [], []
    for j in range(len(w)):
        ok = ~np.isnan(S[:, j])
        if ok.sum() > 2 and np.nanstd(S[ok, j]) > 0 and np.std(comp[ok]) > 0:
            corr.append(stats.pearsonr(S[ok, j], comp[ok]).statistic)
            rcorr.append(stats.spearmanr(S[ok, j], comp[ok]).statistic)
        else:
            corr.append(np.nan)
            rcorr.append(np.nan)
    corr = np.asarray(corr)
    c2 = np.where(w > 0, np.nan_to_num(corr) ** 2, 0.0)
    points = x.mean(axis=0) / L.mean() if setup.methods[0] == "arithmetic" else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(w > 0, var_share / w, np.nan)
    influence = np.select(
        [
            w <= 0,
            ~(score_sd > 0),
            (var_share < 0) & (np.abs(ratio) >= muted),
            ratio < muted,
            ratio > amplified,
        ],
        ["no weight", "no spread", "counteracting", "muted", "amplified"],
        default="as intended",
    )
    out = pd.DataFrame(
        {
            "indicator": setup.indicators,
            "weight": w,
            "score_mean": score_mean,
            "score_sd": score_sd,
            "points_share": points,
            "variance_share": var_share,
            "independent_share": indep,
            "correlation": corr,
            "rank_correlation": np.asarray(rcorr),
            "correlation_share": c2 / c2.sum() if c2.sum() > 0 else np.nan,
            "influence_ratio": ratio,
            "influence": influence,
        }
    )
    return out.sort_values("weight", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# 2. One at a time
# --------------------------------------------------------------------------------------------
def _shifted_weights(w0: np.ndarray, j: int, new: float) -> np.ndarray | None:
    """w0 with weight j set to share ``new`` and the others rescaled to keep their ratios."""
    rest = 1.0 - w0[j]
    if rest <= 0:
        return None
    w = w0 * (1.0 - new) / rest
    w[j] = new
    return w


def one_at_a_time(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    step: float | Sequence[float] = 0.05,
    relative: bool = False,
    indicators: Sequence[str] | None = None,
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
    top_k: int | float = 0.1,
    bottom_k: int | float = 0.1,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
) -> pd.DataFrame:
    """Move each weight down and up by a step, the others rescaled, and count what changes.

    Parameters
    ----------
    scores, weights, tiers, bottom_tier, tier_basis, top_k, bottom_k, method,
    geometric_shift, missing
        See the module docstring.
    step : float or sequence of float
        Size of the move. Absolute (default): percentage points of the composite as a share,
        0.05 = 5 points (a 20 % weight becomes 15 % and 25 %). With ``relative=True``: a
        fraction of the weight itself (0.25 = a 20 % weight becomes 15 % and 25 %).
    indicators : sequence of str, optional
        Indicators to move; default every indicator with a positive weight.

    Returns
    -------
    DataFrame
        One row per indicator, step and direction:

        - ``indicator``, ``direction`` (``down`` / ``up``), ``step``
        - ``weight``: nominal share; ``new_weight``: share after the move (clipped to
          [0, 1]); ``weight_change`` = ``new_weight - weight``; ``clipped``: the move hit 0 or 1
        - ``mean_abs_rank_shift``, ``max_abs_rank_shift``: over all agents
        - ``agents_moved``: agents whose rank changed
        - ``top_k_changes``, ``bottom_k_changes``: agents entering or leaving the bonus / PIP
          group
        - ``tier_changes``: agents whose tier changed (NaN without ``tiers``)
        - ``kendall_tau``: rank agreement with the nominal ranking (``scipy.stats.kendalltau``,
          tau-b)

    Notes
    -----
    Moving weight :math:`j` to share :math:`t` rescales the others to
    :math:`w_k (1 - t) / (1 - w_j)`, so their ratios (the manager's other judgements) are
    kept. The composite is :math:`C_i = \\sum_j w_j s_{ij} / \\sum_j w_j`.
    """
    setup = _prepare(
        scores, weights, method=method, missing=missing, geometric_shift=geometric_shift
    )
    A = setup.n_agents
    tr = _make_tiers(tiers, bottom_tier, tier_basis, A)
    kt, kb = _resolve_k(top_k, A, "top_k"), _resolve_k(bottom_k, A, "bottom_k")
    steps = [step] if np.isscalar(step) else list(step)
    if any((not np.isfinite(s)) or s <= 0 for s in steps):
        raise ValueError(f"`step` must be positive; got {steps}.")
    if indicators is None:
        idx = [j for j, v in enumerate(setup.w0) if v > 0]
    else:
        unknown = [i for i in indicators if i not in setup.indicators]
        if unknown:
            raise KeyError(
                f"`indicators` {unknown} are not weighted; weighted: {setup.indicators}."
            )
        idx = [setup.indicators.index(i) for i in indicators]
    rows, Ws = [], []
    for j in idx:
        for s in steps:
            for direction, sign in (("down", -1.0), ("up", 1.0)):
                target = setup.w0[j] * (1 + sign * s) if relative else setup.w0[j] + sign * s
                new = float(np.clip(target, 0.0, 1.0))
                w = _shifted_weights(setup.w0, j, new)
                if w is None or w.sum() <= 0:
                    continue
                Ws.append(w)
                rows.append(
                    {
                        "indicator": setup.indicators[j],
                        "direction": direction,
                        "step": float(s),
                        "weight": setup.w0[j],
                        "new_weight": new,
                        "weight_change": new - setup.w0[j],
                        "clipped": bool(new != target),
                    }
                )
    cols = [
        "indicator", "direction", "step", "weight", "new_weight", "weight_change", "clipped",
        "mean_abs_rank_shift", "max_abs_rank_shift", "agents_moved", "top_k_changes",
        "bottom_k_changes", "tier_changes", "kendall_tau",
    ]  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=cols)
    W = np.vstack(Ws)
    st = _evaluate(setup, W, tiers=tr, k_top=kt, k_bottom=kb, keep_ranks=True)
    out = pd.DataFrame(rows)
    for name in ("mean_abs_rank_shift", "max_abs_rank_shift", "agents_moved"):
        out[name] = st.per_draw[name]
    out["top_k_changes"] = st.per_draw["top_k_changes"].astype(int)
    out["bottom_k_changes"] = st.per_draw["bottom_k_changes"].astype(int)
    out["agents_moved"] = out["agents_moved"].astype(int)
    out["tier_changes"] = st.per_draw["tier_changes"] if tr is not None else np.nan
    r0 = _nominal(setup, None)[1]
    out["kendall_tau"] = [
        stats.kendalltau(r0, r).statistic if A > 1 else np.nan for r in st.ranks.astype(np.int64)
    ]
    return out[cols]


# --------------------------------------------------------------------------------------------
# 3. Monte Carlo
# --------------------------------------------------------------------------------------------
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
        The arguments that produced the result (draws, size, distribution, seed, top_k, ...).
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


def _method_choices(setup: _Setup, n: int, rng) -> tuple[np.ndarray, np.ndarray]:
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
) -> MonteCarloResult:
    """Rank distribution, bonus / PIP and tier probabilities under uncertain weights.

    Each draw perturbs all weights at once (see :func:`sample_weights`) and, optionally,
    switches the normalisation (``alternatives``) and the aggregation method (``methods``),
    each chosen uniformly at random per draw.

    Parameters
    ----------
    scores, weights, tiers, bottom_tier, tier_basis, top_k, bottom_k, method,
    geometric_shift, missing
        See the module docstring.
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
    """
    if not 0 < interval < 1:
        raise ValueError(f"`interval` must be in (0, 1); got {interval!r}.")
    if not 0 < flip_threshold <= 0.5:
        raise ValueError(f"`flip_threshold` must be in (0, 0.5]; got {flip_threshold!r}.")
    draws = int(draws)
    if draws < 1:
        raise ValueError(f"`draws` must be >= 1; got {draws}.")
    setup = _prepare(
        scores,
        weights,
        alternatives=alternatives,
        method=method,
        methods=methods,
        missing=missing,
        geometric_shift=geometric_shift,
    )
    A = setup.n_agents
    tr = _make_tiers(tiers, bottom_tier, tier_basis, A)
    kt, kb = _resolve_k(top_k, A, "top_k"), _resolve_k(bottom_k, A, "bottom_k")
    rng = _rng(seed)
    W = _draw_weights(setup.w0, draws, float(size), distribution, rng)
    norm, agg = _method_choices(setup, draws, rng)
    use_hist = draws * A > _STORE_MAX_CELLS and A <= _HIST_MAX_AGENTS
    st = _evaluate(
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
    )
    c0, r0, t0 = _nominal(setup, tr)
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


# --------------------------------------------------------------------------------------------
# 4. Sobol
# --------------------------------------------------------------------------------------------
def sobol_analysis(
    model: Callable[[np.ndarray], np.ndarray | Mapping[str, np.ndarray]],
    problem: Mapping,
    *,
    n_base: int = 1024,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int | None = None,
) -> pd.DataFrame:
    """First-order and total Sobol indices of a vectorised model, via SALib.

    Parameters
    ----------
    model : callable
        Takes the SALib sample matrix (rows = samples, columns = factors) and returns one
        output per row, or a dict of output name -> array (each analysed separately).
    problem : dict
        SALib problem: ``names``, ``bounds`` (``num_vars`` is filled in).
    n_base : int
        Base sample size N, a power of 2; the model runs N x (factors + 2) times.
    num_resamples, conf_level
        Bootstrap resamples and level of the confidence intervals (SALib defaults).
    seed : int, optional
        Seeds the scrambled Sobol' sequence and the bootstrap.

    Returns
    -------
    DataFrame
        One row per output and factor: ``output``, ``factor``, ``S1``, ``S1_conf``,
        ``S1_low``, ``S1_high``, ``ST``, ``ST_conf``, ``ST_low``, ``ST_high``, ``output_mean``,
        ``output_sd``. ``*_conf`` is SALib's half-width (z x bootstrap standard deviation);
        ``*_low``/``*_high`` = index -/+ half-width. Indices are NaN when the output never
        varies.

    Notes
    -----
    Uses ``SALib.sample.sobol.sample`` (Saltelli's extension of the Sobol' sequence, no second
    order) and ``SALib.analyze.sobol.analyze`` (Saltelli 2010 first-order and Jansen total
    estimators). SALib assumes independent inputs.

    References
    ----------
    Saltelli A. et al. (2010). Variance based sensitivity analysis of model output. Computer
    Physics Communications 181(2), 259-270.
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    n_base = int(n_base)
    if n_base < 2 or n_base & (n_base - 1):
        raise ValueError(f"`n_base` must be a power of 2 (e.g. 1024); got {n_base}.")
    prob = dict(problem)
    if "names" not in prob or "bounds" not in prob:
        raise ValueError("`problem` needs 'names' and 'bounds' (SALib problem dict).")
    prob["num_vars"] = len(prob["names"])
    X = sobol_sample.sample(prob, n_base, calc_second_order=False, seed=seed)
    Y = model(X)
    outputs = dict(Y) if isinstance(Y, Mapping) else {"y": np.asarray(Y)}
    rows = []
    for name, y in outputs.items():
        y = np.asarray(y, dtype=float)
        if y.shape != (len(X),):
            raise ValueError(
                f"`model` returned shape {y.shape} for output {name!r}; expected ({len(X)},)."
            )
        sd = float(np.std(y))
        if sd == 0:
            res = {k: np.full(prob["num_vars"], np.nan) for k in ("S1", "S1_conf", "ST", "ST_conf")}
        else:
            res = sobol_analyze.analyze(
                prob,
                y,
                calc_second_order=False,
                num_resamples=num_resamples,
                conf_level=conf_level,
                seed=seed,
            )
        for i, f in enumerate(prob["names"]):
            r = {"output": name, "factor": f}
            for k in ("S1", "ST"):
                r[k] = float(res[k][i])
                r[f"{k}_conf"] = float(res[f"{k}_conf"][i])
                r[f"{k}_low"] = r[k] - r[f"{k}_conf"]
                r[f"{k}_high"] = r[k] + r[f"{k}_conf"]
            r["output_mean"] = float(np.mean(y))
            r["output_sd"] = sd
            rows.append(r)
    return pd.DataFrame(rows)


def sobol_weight_indices(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    n_base: int = 1024,
    size: float = 0.5,
    alternatives: Mapping[str, pd.DataFrame] | None = None,
    methods: Sequence[str] | None = None,
    outputs: Sequence[str] = ("mean_abs_rank_shift",),
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
    top_k: int | float = 0.1,
    bottom_k: int | float = 0.1,
    method: str = "arithmetic",
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
    num_resamples: int = 100,
    conf_level: float = 0.95,
    seed: int | None = None,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Sobol first-order and total indices of each weight (and method choice) on ranking change.

    Weights that sum to 1 are not independent, so the factors are positive weight multipliers
    :math:`m_j \\sim U(1 - size, 1 + size)`, sampled independently; the model rescales
    :math:`w_j m_j` to sum to 1. With ``alternatives`` / ``methods``, one more factor each
    (uniform on [0, 1), cut into equal parts) picks the normalisation / aggregation method.

    Parameters
    ----------
    scores, weights, alternatives, methods, tiers, bottom_tier, tier_basis, top_k, bottom_k,
    method, geometric_shift, missing
        See :func:`monte_carlo_ranks`.
    n_base : int
        SALib base sample (power of 2); the ranking runs n_base x (factors + 2) times.
    size : float
        Half-range of the multipliers, in [0, 1).
    outputs : sequence of str
        Per-draw outcomes to decompose, from :data:`OUTPUTS`: ``mean_abs_rank_shift``
        (default), ``max_abs_rank_shift``, ``agents_moved``, ``top_k_changes``,
        ``bottom_k_changes``, ``tier_changes`` (needs ``tiers``).
    num_resamples, conf_level, seed
        See :func:`sobol_analysis`.
    n_jobs : int
        Threads for the ranking model, see :func:`monte_carlo_ranks`.

    Returns
    -------
    DataFrame
        The columns of :func:`sobol_analysis` plus ``kind`` (``weight`` / ``method``) and
        ``weight`` (nominal share; NaN for method factors), sorted by output and descending
        ``ST``. Indicators with weight 0 are not factors.
    """
    if not 0 < size < 1:
        raise ValueError(f"`size` must be in (0, 1); got {size!r}.")
    for o in outputs:
        check_option("outputs", o, OUTPUTS)
    if "tier_changes" in outputs and tiers is None:
        raise ValueError("Output 'tier_changes' needs `tiers`.")
    setup = _prepare(
        scores,
        weights,
        alternatives=alternatives,
        method=method,
        methods=methods,
        missing=missing,
        geometric_shift=geometric_shift,
    )
    A = setup.n_agents
    tr = _make_tiers(tiers, bottom_tier, tier_basis, A)
    kt, kb = _resolve_k(top_k, A, "top_k"), _resolve_k(bottom_k, A, "bottom_k")
    pos = np.flatnonzero(setup.w0 > 0)
    names = [setup.indicators[j] for j in pos]
    bounds = [[1 - size, 1 + size]] * len(pos)
    nn, nm = len(setup.score_sets), len(setup.methods)
    if nn > 1:
        names.append("normalisation")
        bounds.append([0.0, 1.0])
    if nm > 1:
        names.append("aggregation")
        bounds.append([0.0, 1.0])

    def model(X: np.ndarray) -> dict[str, np.ndarray]:
        W = np.zeros((len(X), len(setup.w0)))
        W[:, pos] = setup.w0[pos] * X[:, : len(pos)]
        W /= W.sum(axis=1, keepdims=True)
        col = len(pos)
        norm = agg = None
        if nn > 1:
            norm = np.minimum((X[:, col] * nn).astype(np.int64), nn - 1)
            col += 1
        if nm > 1:
            agg = np.minimum((X[:, col] * nm).astype(np.int64), nm - 1)
        st = _evaluate(
            setup, W, norm_idx=norm, agg_idx=agg, tiers=tr, k_top=kt, k_bottom=kb, n_jobs=n_jobs
        )
        return {o: st.per_draw[o] for o in outputs}

    out = sobol_analysis(
        model,
        {"names": names, "bounds": bounds},
        n_base=n_base,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    wmap = dict(zip(setup.indicators, setup.w0, strict=True))
    out.insert(2, "kind", np.where(out["factor"].isin(wmap), "weight", "method"))
    out.insert(3, "weight", out["factor"].map(wmap))
    out["_o"] = out["output"].map({o: i for i, o in enumerate(outputs)})
    out = out.sort_values(["_o", "ST"], ascending=[True, False], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# 5. Scheme comparison
# --------------------------------------------------------------------------------------------
def compare_schemes(
    scores: pd.DataFrame | Mapping[str, pd.DataFrame],
    schemes: Mapping[str, pd.Series],
    *,
    baseline: str | None = None,
    methods: Mapping[str, str] | None = None,
    tiers: Mapping[str, float] | None = None,
    bottom_tier: str = "D",
    tier_basis: str = "score",
    top_k: int | float = 0.1,
    bottom_k: int | float = 0.1,
    geometric_shift: float = 1.0,
    missing: str = "renormalise",
) -> pd.DataFrame:
    """Composite, rank and tier of every agent under two or more weight schemes.

    Parameters
    ----------
    scores : DataFrame or mapping of str to DataFrame
        One score matrix for all schemes, or one per scheme name (when schemes normalise
        differently). Must hold every indicator any scheme weights.
    schemes : mapping of str to Series
        Scheme name -> indicator weights (e.g. ``{"before": ..., "after": ...}`` or the
        team-stage presets' ``Scheme.overall_weights()``).
    baseline : str, optional
        Scheme the others are compared with; default the first.
    methods : mapping of str to str, optional
        Scheme name -> aggregation method (default arithmetic).
    tiers, bottom_tier, tier_basis, top_k, bottom_k, geometric_shift, missing
        See the module docstring. Only agents scored under every scheme are compared.

    Returns
    -------
    DataFrame
        One row per scheme and agent, schemes in the given order, agents by baseline rank:

        - ``scheme``, ``agent_id``, ``composite``, ``rank``, ``tier`` (with tiers)
        - ``top_k``, ``bottom_k``: in the bonus / PIP group
        - ``baseline``: the baseline scheme's name
        - ``baseline_rank``, ``rank_change`` (``baseline_rank - rank``: positive = moved up)
        - ``baseline_tier``, ``tier_change`` (``"B -> A"``; empty when unchanged)
        - ``outcome``: ``wins`` (moved up), ``loses`` (moved down) or ``unchanged``
        - ``bonus_change``: ``gains bonus``, ``loses bonus``, ``enters PIP``,
          ``leaves PIP`` (joined by ``; ``) or empty
    """
    if not isinstance(schemes, Mapping) or len(schemes) < 2:
        raise ValueError("`schemes` must map at least two scheme names to weights.")
    names = [str(n) for n in schemes]
    baseline = names[0] if baseline is None else baseline
    check_option("baseline", baseline, names)
    methods = dict(methods or {})
    unknown = [m for m in methods if m not in names]
    if unknown:
        raise KeyError(f"`methods` names unknown schemes {unknown}; schemes: {names}.")
    if isinstance(scores, Mapping):
        absent = [n for n in names if n not in scores]
        if absent:
            raise KeyError(f"`scores` has no score matrix for schemes {absent}.")
        score_for = {n: scores[n] for n in names}
    else:
        score_for = dict.fromkeys(names, scores)
    frames = {}
    for n, w in zip(names, schemes.values(), strict=True):
        frames[n] = composite_scores(
            score_for[n],
            w,
            method=methods.get(n, "arithmetic"),
            geometric_shift=geometric_shift,
            missing=missing,
        ).set_index("agent_id")
    common = frames[names[0]].index
    for f in frames.values():
        common = common.intersection(f.index)
    if len(common) == 0:
        raise ValueError("No agent is scored under every scheme.")
    A = len(common)
    kt, kb = _resolve_k(top_k, A, "top_k"), _resolve_k(bottom_k, A, "bottom_k")
    tr = _make_tiers(tiers, bottom_tier, tier_basis, A)
    parts = []
    for n in names:
        c = frames[n].loc[common, "composite"].to_numpy()
        r = _rank_desc(c[None, :])[0]
        part = pd.DataFrame({"scheme": n, "agent_id": common, "composite": c, "rank": r})
        if tr is not None:
            part["tier"] = np.asarray(tr.labels, dtype=object)[tr.assign(c[None], r[None])[0]]
        part["top_k"] = r <= kt
        part["bottom_k"] = r > A - kb
        parts.append(part)
    base = parts[names.index(baseline)].set_index("agent_id")
    out = pd.concat(parts, ignore_index=True)
    out["baseline"] = baseline
    out["baseline_rank"] = out["agent_id"].map(base["rank"])
    out["rank_change"] = out["baseline_rank"] - out["rank"]
    if tr is not None:
        out["baseline_tier"] = out["agent_id"].map(base["tier"])
        out["tier_change"] = np.where(
            out["tier"] == out["baseline_tier"], "", out["baseline_tier"] + " -> " + out["tier"]
        )
    out["outcome"] = np.select(
        [out["rank_change"] > 0, out["rank_change"] < 0], ["wins", "loses"], "unchanged"
    )
    btop = out["agent_id"].map(base["top_k"]).astype(bool)
    bbot = out["agent_id"].map(base["bottom_k"]).astype(bool)
    changes = pd.DataFrame(
        {
            "gains bonus": out["top_k"] & ~btop,
            "loses bonus": ~out["top_k"] & btop,
            "enters PIP": out["bottom_k"] & ~bbot,
            "leaves PIP": ~out["bottom_k"] & bbot,
        }
    )
    out["bonus_change"] = [
        "; ".join(c for c, v in zip(changes.columns, row, strict=True) if v)
        for row in changes.to_numpy()
    ]
    out["_s"] = out["scheme"].map({n: i for i, n in enumerate(names)})
    out = out.sort_values(["_s", "baseline_rank", "agent_id"], kind="stable")
    return out.drop(columns="_s").reset_index(drop=True)


def scheme_agreement(comparison: pd.DataFrame) -> pd.DataFrame:
    """Pairwise agreement between the rankings of :func:`compare_schemes`.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`compare_schemes`.

    Returns
    -------
    DataFrame
        One row per pair of schemes (in the comparison's order):

        - ``scheme_a``, ``scheme_b``, ``n_agents``
        - ``kendall_tau``, ``kendall_p``: ``scipy.stats.kendalltau`` (tau-b) of the ranks
        - ``spearman_rho``: ``scipy.stats.spearmanr`` of the ranks
        - ``mean_abs_rank_shift``, ``max_abs_rank_shift``
        - ``winners``, ``losers``: agents ranked higher / lower under ``scheme_b``
        - ``tier_changes``: agents with a different tier (NaN without tiers)
        - ``top_k_overlap``, ``bottom_k_overlap``: share of ``scheme_a``'s bonus / PIP group
          that is also in ``scheme_b``'s
    """
    need = {"scheme", "agent_id", "rank", "top_k", "bottom_k"}
    absent = need - set(comparison.columns)
    if absent:
        raise KeyError(
            f"`comparison` lacks columns {sorted(absent)}; pass the output of compare_schemes."
        )
    names = list(dict.fromkeys(comparison["scheme"]))
    wide = {n: g.set_index("agent_id") for n, g in comparison.groupby("scheme", sort=False)}
    rows = []
    for a, b in combinations(names, 2):
        ga, gb = wide[a], wide[b]
        idx = ga.index.intersection(gb.index)
        ra, rb = ga.loc[idx, "rank"].to_numpy(), gb.loc[idx, "rank"].to_numpy()
        kt = stats.kendalltau(ra, rb)
        diff = ra - rb
        ta, tb = ga.loc[idx, "top_k"].to_numpy(bool), gb.loc[idx, "top_k"].to_numpy(bool)
        ba, bb = ga.loc[idx, "bottom_k"].to_numpy(bool), gb.loc[idx, "bottom_k"].to_numpy(bool)
        rows.append(
            {
                "scheme_a": a,
                "scheme_b": b,
                "n_agents": len(idx),
                "kendall_tau": kt.statistic,
                "kendall_p": kt.pvalue,
                "spearman_rho": stats.spearmanr(ra, rb).statistic,
                "mean_abs_rank_shift": float(np.abs(diff).mean()),
                "max_abs_rank_shift": int(np.abs(diff).max()),
                "winners": int((diff > 0).sum()),
                "losers": int((diff < 0).sum()),
                "tier_changes": (
                    int((ga.loc[idx, "tier"] != gb.loc[idx, "tier"]).sum())
                    if "tier" in ga.columns
                    else np.nan
                ),
                "top_k_overlap": (ta & tb).sum() / ta.sum() if ta.sum() else np.nan,
                "bottom_k_overlap": (ba & bb).sum() / ba.sum() if ba.sum() else np.nan,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# 6. Rank-reversal thresholds
# --------------------------------------------------------------------------------------------
def rank_reversal_thresholds(
    scores: pd.DataFrame,
    weights: pd.Series,
    *,
    pairs: str = "adjacent",
    closest_only: bool = False,
    missing: str = "drop",
) -> pd.DataFrame:
    """The smallest change of one weight that makes two agents swap places (arithmetic mean).

    Parameters
    ----------
    scores, weights
        See the module docstring.
    pairs : {"adjacent", "all"}
        Agents next to each other in the nominal ranking, or every pair.
    closest_only : bool
        Keep one row per pair: the indicator with the smallest change (or, when no single
        weight can swap the pair, e.g. identical agents, a row with ``reachable`` False).
    missing : {"drop", "raise"}
        The closed form needs complete scores; agents with a missing score are left out
        (``drop``) or raise.

    Returns
    -------
    DataFrame
        One row per pair and weighted indicator, pairs in ranking order, smallest change first:

        - ``upper_agent``, ``lower_agent``, ``upper_rank``, ``lower_rank``
        - ``gap``: composite of the upper minus the lower agent (points)
        - ``indicator``, ``weight``: nominal share
        - ``score_gap``: upper minus lower agent's score on the indicator
        - ``threshold_weight``: the indicator's share at which the two tie (NaN if no share
          in [0, 1] swaps them); beyond it they swap
        - ``weight_change``: ``threshold_weight - weight`` (share points; + = raise)
        - ``relative_change``: ``weight_change / weight``
        - ``raw_change``: the change :math:`\\delta` of the weight before rescaling (formula)
        - ``reachable``: a share in [0, 1] swaps them
        - ``closest``: smallest ``|weight_change|`` for the pair

    Notes
    -----
    With weights summing to 1 and composite :math:`C_i = \\sum_j w_j s_{ij}`, change weight
    :math:`j` by :math:`\\delta` and renormalise: :math:`w'_j = (w_j + \\delta)/(1 + \\delta)`,
    :math:`w'_k = w_k / (1 + \\delta)`. Then :math:`C_i(\\delta) = (C_i + \\delta s_{ij}) /
    (1 + \\delta)`, and with the gap :math:`G = C_u - C_l > 0` and :math:`d_j = s_{uj} -
    s_{lj}` the gap becomes :math:`(G + \\delta d_j)/(1 + \\delta)`. It is zero at
    :math:`\\delta^* = -G / d_j`, i.e. at the share

    .. math:: t^* = \\frac{w_j + \\delta^*}{1 + \\delta^*} = \\frac{w_j d_j - G}{d_j - G}.

    A swap is reachable when :math:`0 \\le t^* \\le 1` (by raising :math:`w_j` when
    :math:`d_j < 0`, by lowering it when :math:`d_j > G / w_j`). Other agents also move when a
    weight changes, so the two may no longer be adjacent at the threshold; the threshold is
    for their relative order.
    """
    check_option("pairs", pairs, ("adjacent", "all"))
    check_option("missing", missing, ("drop", "raise"))
    setup = _prepare(scores, weights, method="arithmetic", missing=missing)
    S = setup.score_sets[_NOMINAL]
    w = setup.w0
    c, r, _ = _nominal(setup, None)
    order = np.lexsort((np.arange(len(r)), r))
    if pairs == "adjacent":
        u, low = order[:-1], order[1:]
    else:
        iu, il = np.triu_indices(len(order), k=1)
        u, low = order[iu], order[il]
    cols = [
        "upper_agent", "upper_rank", "lower_agent", "lower_rank", "gap", "indicator", "weight",
        "score_gap", "threshold_weight", "weight_change", "relative_change", "raw_change",
        "reachable", "closest",
    ]  # fmt: skip
    if len(u) == 0:
        return pd.DataFrame(columns=cols)
    jpos = np.flatnonzero(w > 0)
    G = (c[u] - c[low])[:, None]  # pairs x 1
    d = S[u][:, jpos] - S[low][:, jpos]  # pairs x indicators
    wj = w[jpos][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (wj * d - G) / (d - G)
        raw = -G / d
    parallel = np.isclose(d, G, rtol=0, atol=TIE_TOLERANCE)
    reach = ~parallel & np.isfinite(t) & (t >= -1e-12) & (t <= 1 + 1e-12)
    t = np.where(reach, np.clip(t, 0.0, 1.0), np.nan)
    change = t - wj
    absch = np.where(reach, np.abs(change), np.inf)
    best = absch == absch.min(axis=1, keepdims=True)
    best &= reach
    # first minimum only, so each pair has one closest indicator
    best &= np.cumsum(best, axis=1) == 1
    P, J = d.shape
    out = pd.DataFrame(
        {
            "upper_agent": np.repeat(setup.agents.to_numpy()[u], J),
            "upper_rank": np.repeat(r[u], J),
            "lower_agent": np.repeat(setup.agents.to_numpy()[low], J),
            "lower_rank": np.repeat(r[low], J),
            "gap": np.repeat(G[:, 0], J),
            "indicator": np.tile(np.asarray(setup.indicators, dtype=object)[jpos], P),
            "weight": np.tile(w[jpos], P),
            "score_gap": d.ravel(),
            "threshold_weight": t.ravel(),
            "weight_change": change.ravel(),
            "relative_change": (change / wj).ravel(),
            "raw_change": np.where(reach, raw, np.nan).ravel(),
            "reachable": reach.ravel(),
            "closest": best.ravel(),
        }
    )
    out["_pair"] = np.repeat(np.arange(P), J)
    out["_abs"] = np.abs(out["weight_change"]).fillna(np.inf)
    if closest_only:
        # one row per pair: the closest indicator, or the first row when nothing swaps them
        has = out.groupby("_pair")["reachable"].transform("any")
        first = ~out["_pair"].duplicated()
        out = out[out["closest"] | (~has & first)]
    out = out.sort_values(["_pair", "_abs"], kind="stable")
    return out.drop(columns=["_pair", "_abs"]).reset_index(drop=True)[cols]


# --------------------------------------------------------------------------------------------
# Adapters for the scoring layer
# --------------------------------------------------------------------------------------------
def score_matrix(
    scorecard,
    *,
    period: str | None = None,
    rankable_only: bool = False,
    weighted_only: bool = True,
    column: str = "score",
) -> pd.DataFrame:
    """The wide score matrix (agents x indicators) of one period of a Scorecard.

    Parameters
    ----------
    scorecard : Scorecard or DataFrame
        A ``kpi_lib.scoring.composite.Scorecard`` or its ``indicators`` table (columns
        ``agent_id``, ``period``, ``indicator``, ``score``; optional ``weight``, ``rankable``).
    period : str, optional
        Period label; default the latest period.
    rankable_only : bool
        Keep only agents flagged ``rankable`` in ``scorecard.agents`` (or, for a bare table,
        on every indicator row). The scorecard ranks every agent, so the default keeps all.
    weighted_only : bool
        Keep only indicators with a positive ``weight`` (drops gate-only indicators).
    column : str
        Column holding the 0-100 score.

    Returns
    -------
    DataFrame
        Index ``agent_id``, one column per indicator, values = scores (NaN where missing).
    """
    ind = scorecard if isinstance(scorecard, pd.DataFrame) else scorecard.indicators
    absent = {"agent_id", "period", "indicator", column} - set(ind.columns)
    if absent:
        raise KeyError(f"Scorecard indicators table lacks columns {sorted(absent)}.")
    periods = sorted(ind["period"].dropna().astype(str).unique())
    if not periods:
        raise ValueError("Scorecard indicators table is empty.")
    period = periods[-1] if period is None else str(period)
    check_option("period", period, periods)
    sub = ind[ind["period"].astype(str) == period]
    if weighted_only and "weight" in sub.columns:
        sub = sub[sub["weight"] > 0]
    if rankable_only:
        agents_tbl = None if isinstance(scorecard, pd.DataFrame) else scorecard.agents
        if agents_tbl is not None and "rankable" in agents_tbl.columns:
            ok = agents_tbl[
                (agents_tbl["period"].astype(str) == period) & agents_tbl["rankable"].astype(bool)
            ]["agent_id"]
            sub = sub[sub["agent_id"].isin(ok)]
        elif "rankable" in sub.columns:
            ok = sub.groupby("agent_id")["rankable"].all()
            sub = sub[sub["agent_id"].isin(ok[ok].index)]
    wide = sub.pivot_table(
        index="agent_id", columns="indicator", values=column, aggfunc="first", dropna=False
    )
    wide.columns = [str(c) for c in wide.columns]
    wide.columns.name = "indicator"
    return wide.astype(float)


def scheme_inputs(scheme, indicators: Sequence[str] | None = None) -> dict:
    """Keyword arguments for this module's functions taken from a scoring ``Scheme``.

    Parameters
    ----------
    scheme : Scheme or str
        A ``kpi_lib.scoring.schemes.Scheme`` or a scheme name / path for ``load_scheme``.
    indicators : sequence of str, optional
        Restrict to these indicators (e.g. those assessed in a cycle), rescaling the rest.

    Returns
    -------
    dict
        ``weights`` (Series), ``tiers``, ``bottom_tier``, ``method``, ``geometric_shift``.
    """
    from kpi_lib.scoring.schemes import load_scheme

    if not hasattr(scheme, "overall_weights"):
        scheme = load_scheme(scheme)
    weights = scheme.overall_weights(None if indicators is None else list(indicators))
    tiers = {k: float(v) for k, v in scheme.tiers.items() if v is not None}
    return {
        "weights": weights,
        "tiers": tiers,
        "bottom_tier": scheme.bottom_tier,
        "method": scheme.aggregation,
        "geometric_shift": scheme.geometric_shift,
    }


def scorecard_inputs(scorecard, *, period: str | None = None) -> dict:
    """Keyword arguments for this module's functions taken from a Scorecard.

    The weights are those the scorecard used in ``period`` (the scheme's weights rescaled over
    the indicators assessed in its cycle), so the nominal composites and ranks reproduce the
    scorecard's (gates that zero a composite aside: this module studies weights only).

    Parameters
    ----------
    scorecard : Scorecard
        From ``kpi_lib.scoring.composite.score``.
    period : str, optional
        Default the latest period of the scorecard.

    Returns
    -------
    dict
        ``scores`` (see :func:`score_matrix`), ``weights``, ``tiers``, ``bottom_tier``,
        ``method``, ``geometric_shift``.
    """
    scores = score_matrix(scorecard, period=period)
    ind = scorecard.indicators
    per = str(period) if period is not None else sorted(ind["period"].astype(str).unique())[-1]
    ag = scorecard.agents
    ranked = ag.loc[(ag["period"].astype(str) == per) & ag["composite"].notna(), "agent_id"]
    # agents the scorecard could not score (too little of the weight covered) stay out
    scores = scores[scores.index.isin(ranked)]
    w = (
        ind[(ind["period"].astype(str) == per) & (ind["weight"] > 0)]
        .groupby("indicator", sort=False)["weight"]
        .first()
    )
    w.index = [str(i) for i in w.index]
    # an indicator nobody has a score on this period (e.g. repurchase whose follow-up window
    # is not complete yet) carries no information: leave it out and rescale the rest, as the
    # scorecard's coverage rule does for each agent
    scores = scores.loc[:, scores.notna().any(axis=0)]
    out = scheme_inputs(scorecard.scheme)
    w = w.reindex(scores.columns).dropna()
    out["weights"] = w / w.sum() if w.sum() > 0 else w
    out["scores"] = scores[w.index]
    return out


def alternative_scores(
    indicators: pd.DataFrame,
    scheme,
    *,
    normalisations: Sequence[str],
    period: str,
    cycle: str = "monthly",
    **score_options,
) -> dict[str, pd.DataFrame]:
    """Score matrices of one period under other normalisation methods, for method switches.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table.
    scheme : Scheme or str
    normalisations : sequence of str
        Methods of ``kpi_lib.scoring.schemes.NORMALISATIONS`` (the scheme's own is skipped).
    period, cycle
        As for ``kpi_lib.scoring.composite.score``.
    **score_options
        Passed to ``score``.

    Returns
    -------
    dict of str to DataFrame
        Method -> score matrix (see :func:`score_matrix`), for ``alternatives=``.
    """
    from dataclasses import replace

    from kpi_lib.scoring.composite import score
    from kpi_lib.scoring.schemes import NORMALISATIONS, load_scheme

    scheme = load_scheme(scheme)
    out = {}
    for n in normalisations:
        check_option("normalisations", n, NORMALISATIONS)
        if n == scheme.normalisation:
            continue
        sc = score(indicators, replace(scheme, normalisation=n), period=period, cycle=cycle,
                   **score_options)  # fmt: skip
        out[n] = score_matrix(sc, period=period)
    return out


def scheme_set_inputs(
    indicators: pd.DataFrame,
    schemes: Sequence | Mapping,
    *,
    period: str,
    cycle: str = "monthly",
    **score_options,
) -> dict:
    """Keyword arguments for :func:`compare_schemes` from scoring schemes.

    Every scheme is scored on its own (its own normalisation and targets), so a comparison
    reproduces what each scheme's scorecard would say.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table.
    schemes : sequence of (Scheme or str), or mapping of display name -> Scheme or str
    period, cycle, **score_options
        As for ``kpi_lib.scoring.composite.score``.

    Returns
    -------
    dict
        ``scores`` (scheme -> score matrix), ``schemes`` (scheme -> weights), ``methods``
        (scheme -> aggregation), ``tiers`` and ``bottom_tier`` (of the first scheme),
        ``geometric_shift``.
    """
    from kpi_lib.scoring.composite import score
    from kpi_lib.scoring.schemes import load_scheme

    items = (
        list(schemes.items())
        if isinstance(schemes, Mapping)
        else [(getattr(s, "name", str(s)), s) for s in schemes]
    )
    out = {"scores": {}, "schemes": {}, "methods": {}}
    first = None
    for name, sch in items:
        sch = load_scheme(sch)
        sc = score(indicators, sch, period=period, cycle=cycle, **score_options)
        kw = scorecard_inputs(sc, period=period)
        out["scores"][name] = kw["scores"]
        out["schemes"][name] = kw["weights"]
        out["methods"][name] = kw["method"]
        first = first or kw
    out["tiers"] = first["tiers"]
    out["bottom_tier"] = first["bottom_tier"]
    out["geometric_shift"] = first["geometric_shift"]
    return out
