"""The draw engine: random weight vectors, evaluated against the nominal ranking block by block."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.sensitivity.common import Setup, Tiers, weights_array
from kpi_lib.analyses.sensitivity.ranking import nominal
from kpi_lib.scoring.composite import rank_rows

__all__ = ["DISTRIBUTIONS", "DrawStats", "evaluate", "make_rng", "draw_weights", "sample_weights"]


DISTRIBUTIONS = ("uniform", "lognormal", "dirichlet")


#: Target number of draw x agent cells evaluated at once (bounds memory, keeps BLAS busy).
_BLOCK_CELLS = 2_000_000


@dataclass
class DrawStats:
    """What :func:`evaluate` keeps of the draws: per-draw outcomes and per-agent counts."""

    per_draw: dict[str, np.ndarray]
    top_count: np.ndarray
    bottom_count: np.ndarray
    rank_sum: np.ndarray
    tier_counts: np.ndarray | None
    rank_hist: np.ndarray | None
    ranks: np.ndarray | None


def evaluate(
    setup: Setup,
    W: np.ndarray,
    *,
    norm_idx: np.ndarray | None = None,
    agg_idx: np.ndarray | None = None,
    tiers: Tiers | None = None,
    k_top: int = 0,
    k_bottom: int = 0,
    keep_ranks: bool = False,
    rank_hist: bool = False,
    block: int | None = None,
    n_jobs: int = 1,
    sample_rng: np.random.Generator | None = None,
) -> DrawStats:
    """Evaluate every weight row of ``W`` against the nominal ranking, in vectorised blocks.

    Blocks of draws are independent; with ``n_jobs > 1`` they run on threads (numpy releases
    the GIL in matmul, sort and the elementwise work). When ``setup.sampler`` is set, each draw
    also scores its own draw of the counts (one child of ``sample_rng`` per block, so the
    result does not depend on ``n_jobs``).
    """
    D = W.shape[0]
    A = setup.n_agents
    nm = len(setup.methods)
    _, r0, t0 = nominal(setup, tiers)
    top0 = r0 <= k_top
    bot0 = r0 > A - k_bottom
    norm_idx = np.zeros(D, dtype=np.int64) if norm_idx is None else np.asarray(norm_idx)
    agg_idx = np.zeros(D, dtype=np.int64) if agg_idx is None else np.asarray(agg_idx)
    combo = norm_idx * nm + agg_idx
    sampler = setup.sampler
    per_draw_cells = A * (len(setup.indicators) if sampler is not None else 1)
    block = block or max(1, _BLOCK_CELLS // max(per_draw_cells, 1))
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
        if sampler is not None:
            S = sampler.draw_scores(len(Wb), block_rngs[s // block])
            C = np.empty((Wb.shape[0], A))
            for c in codes:
                rows = np.flatnonzero(cb == c)
                C[rows] = setup.composites_from(Wb[rows], S[rows], int(c) % nm)
        elif len(codes) == 1:
            C = setup.composites(Wb, int(codes[0]) // nm, int(codes[0]) % nm)
        else:
            C = np.empty((Wb.shape[0], A))
            for c in codes:  # one pass per method combination, not per draw
                rows = np.flatnonzero(cb == c)
                C[rows] = setup.composites(Wb[rows], int(c) // nm, int(c) % nm)
        R = rank_rows(C)
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
    if sampler is not None:
        if sample_rng is None:
            raise ValueError("evaluate: a setup with a sampler needs `sample_rng`.")
        block_rngs = sample_rng.spawn(len(starts))
    if n_jobs > 1 and len(starts) > 1:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            parts = list(pool.map(run, starts))
    else:
        parts = [run(s) for s in starts]
    return DrawStats(
        per_draw=per_draw,
        top_count=sum(p["top"] for p in parts),
        bottom_count=sum(p["bottom"] for p in parts),
        rank_sum=sum(p["rank_sum"] for p in parts),
        tier_counts=None if tiers is None else sum(p["tiers"] for p in parts),
        rank_hist=sum(p["hist"] for p in parts).reshape(A, A + 1) if rank_hist else None,
        ranks=ranks_out,
    )


def make_rng(seed):
    """A numpy Generator: ``seed`` itself when it is one, else seeded from it."""
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def draw_weights(w0: np.ndarray, n: int, size: float, distribution: str, rng) -> np.ndarray:
    """``n`` weight vectors around ``w0`` (each summing to 1); zero weights stay zero."""
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
    w = weights_array(weights)
    W = draw_weights(w.to_numpy(), int(draws), float(size), distribution, make_rng(seed))
    return pd.DataFrame(W, columns=w.index, index=pd.RangeIndex(len(W), name="draw"))
