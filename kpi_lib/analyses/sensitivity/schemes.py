"""Two or more weight schemes side by side: composites, ranks, tiers and their agreement."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.sensitivity.common import make_tiers, resolve_k
from kpi_lib.analyses.sensitivity.ranking import composite_scores
from kpi_lib.scoring.composite import rank_rows

__all__ = ["compare_schemes", "scheme_agreement"]


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
        See :mod:`kpi_lib.analyses.sensitivity`. Only agents scored under every scheme are compared.

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
    kt, kb = resolve_k(top_k, A, "top_k"), resolve_k(bottom_k, A, "bottom_k")
    tr = make_tiers(tiers, bottom_tier, tier_basis, A)
    parts = []
    for n in names:
        c = frames[n].loc[common, "composite"].to_numpy()
        r = rank_rows(c[None, :])[0]
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
