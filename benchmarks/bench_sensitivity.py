"""Benchmark of the weight-sensitivity engine (kpi_lib.analyses.sensitivity).

Targets (issue 6, on the 2-core machine):

- Monte Carlo: 10,000 weight draws x 2,000 agents x 15 indicators with full ranking < 3 s;
- Sobol: 4,096 base samples for 15 weights (4,096 x 17 = 69,632 rankings of 2,000 agents) < 20 s.

Also times a straightforward per-draw Python loop (``scores @ w`` then
``scipy.stats.rankdata(-c, method="min")`` and the same per-agent tallies) on a subset of draws
and scales it up, and prints the speed-up.

Run: ``.venv/bin/python benchmarks/bench_sensitivity.py [--draws 10000] [--agents 2000]``
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.sensitivity import monte_carlo_ranks, sample_weights, sobol_weight_indices

TIERS = {"A": 70.0, "B": 55.0, "C": 40.0}


def make_data(n_agents: int, n_ind: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n_agents, 1))
    raw = 0.6 * latent + rng.normal(size=(n_agents, n_ind))
    scores = pd.DataFrame(
        np.clip(50 + 15 * raw, 0, 100),
        index=pd.Index([f"A{i:05d}" for i in range(n_agents)], name="agent_id"),
        columns=[f"ind_{j:02d}" for j in range(n_ind)],
    )
    weights = pd.Series(rng.uniform(1, 10, n_ind), index=scores.columns)
    return scores, weights


def per_draw_loop(scores: pd.DataFrame, W: np.ndarray, k: int) -> dict:
    """The straightforward version: one composite, ranking and tally per draw."""
    S = scores.to_numpy()
    n = len(S)
    w0 = W[0]
    r0 = stats.rankdata(-(S @ w0), method="min")
    cuts = np.array(list(TIERS.values()))
    top = np.zeros(n)
    bottom = np.zeros(n)
    ranks = np.empty((len(W), n))
    shifts = np.empty(len(W))
    for d, w in enumerate(W):
        c = S @ (w / w.sum())
        r = stats.rankdata(-c, method="min")
        ranks[d] = r
        shifts[d] = np.abs(r - r0).mean()
        top += r <= k
        bottom += r > n - k
        _ = (c[:, None] < cuts[None, :]).sum(axis=1)
    return {
        "q": np.quantile(ranks, [0.05, 0.5, 0.95], axis=0),
        "top": top / len(W),
        "bottom": bottom / len(W),
        "shift": shifts,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--agents", type=int, default=2_000)
    ap.add_argument("--indicators", type=int, default=15)
    ap.add_argument("--sobol-n", type=int, default=4_096)
    ap.add_argument("--loop-draws", type=int, default=500)
    ap.add_argument("--jobs", type=int, default=2, help="threads (the machine has 2 cores)")
    args = ap.parse_args()

    scores, weights = make_data(args.agents, args.indicators)
    k = max(1, args.agents // 10)
    kw = dict(tiers=TIERS, top_k=k, bottom_k=k, size=0.25, seed=1, n_jobs=args.jobs)

    monte_carlo_ranks(scores, weights, draws=200, **kw)  # warm-up (BLAS threads, imports)

    t = time.perf_counter()
    res = monte_carlo_ranks(scores, weights, draws=args.draws, **kw)
    t_mc = time.perf_counter() - t

    W = sample_weights(weights, draws=args.loop_draws, size=0.25, seed=1).to_numpy()
    t = time.perf_counter()
    per_draw_loop(scores, W, k)
    t_loop = (time.perf_counter() - t) * args.draws / args.loop_draws

    t = time.perf_counter()
    sob = sobol_weight_indices(
        scores, weights, n_base=args.sobol_n, size=0.5, seed=1, n_jobs=args.jobs
    )
    t_sobol = time.perf_counter() - t
    n_models = args.sobol_n * (args.indicators + 2)

    print(f"Monte Carlo: {args.draws:,} draws x {args.agents:,} agents x {args.indicators} "
          f"indicators, full ranking + per-agent summaries: {t_mc:.2f} s (target < 3 s)")  # fmt: skip
    print(f"  per-draw loop (numpy matmul + scipy rankdata, {args.loop_draws} draws timed, "
          f"scaled to {args.draws:,}): {t_loop:.2f} s -> vectorised is {t_loop / t_mc:.1f}x "
          "faster")  # fmt: skip
    print(f"Sobol: N={args.sobol_n:,} base samples, {args.indicators} weights "
          f"({n_models:,} rankings of {args.agents:,} agents) + bootstrap CIs: {t_sobol:.2f} s "
          "(target < 20 s)")  # fmt: skip
    print(f"  rankings per second: {n_models / t_sobol:,.0f}; "
          f"flagged decisions in the Monte Carlo run: {int(res.agents['any_flip'].sum())}; "
          f"largest total index: {sob['ST'].max():.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
