"""Variance-based (Sobol) indices of the weights and method choices on a ranking outcome."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.analyses.sensitivity.common import make_tiers, prepare, resolve_k
from kpi_lib.analyses.sensitivity.draws import evaluate

__all__ = ["OUTPUTS", "sobol_analysis", "sobol_weight_indices"]


#: Per-draw ranking outcomes that :func:`sobol_weight_indices` can analyse.
OUTPUTS = (
    "mean_abs_rank_shift",
    "max_abs_rank_shift",
    "agents_moved",
    "top_k_changes",
    "bottom_k_changes",
    "tier_changes",
)


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
        st = evaluate(
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
