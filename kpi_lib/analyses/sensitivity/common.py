"""Validated inputs shared by every sensitivity analysis: weights, score matrices, tiers, k.

See :mod:`kpi_lib.analyses.sensitivity` for the shared arguments (``scores``, ``weights``,
``method``, ``missing``, ``tiers``, ``top_k`` / ``bottom_k``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from kpi_lib._util import check_option
from kpi_lib.scoring.composite import TIE_TOLERANCE

__all__ = [
    "AGGREGATIONS",
    "NOMINAL",
    "weights_array",
    "Setup",
    "prepare",
    "resolve_k",
    "Tiers",
    "make_tiers",
]


AGGREGATIONS = ("arithmetic", "geometric")


_MISSING = ("renormalise", "drop", "raise")
_TIER_BASES = ("score", "share")
NOMINAL = "nominal"


def weights_array(weights, indicators: list[str] | None = None, *, name="weights") -> pd.Series:
    """Validated weights as shares summing to 1 (reindexed to ``indicators`` when given)."""
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
class Setup:
    """Arrays shared by every analysis: agents x indicators, one matrix per normalisation."""

    agents: pd.Index
    indicators: list[str]
    w0: np.ndarray
    score_sets: dict[str, np.ndarray]
    methods: list[str]
    shift: float
    _cache: dict = field(default_factory=dict)
    #: a :class:`~kpi_lib.analyses.sensitivity.sampling.SamplingModel` of these agents and
    #: indicators: each draw then scores a fresh draw of the counts instead of the observed ones
    sampler: object = None

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

    def composites_from(self, W: np.ndarray, S: np.ndarray, agg: int = 0) -> np.ndarray:
        """Composites of per-draw scores ``S`` (draws x agents x indicators) under the weight
        rows ``W`` (draws x indicators) -> draws x agents."""
        geometric = self.methods[agg] == "geometric"
        X = np.log(S + self.shift) if geometric else S
        mask = ~np.isnan(X)
        C = np.einsum("daj,dj->da", np.where(mask, X, 0.0), W)
        den = np.einsum("daj,dj->da", mask.astype(float), W)
        with np.errstate(invalid="ignore", divide="ignore"):
            C = np.where(den > 0, C / np.where(den > 0, den, 1.0), np.nan)
        return np.exp(C) - self.shift if geometric else C


def prepare(
    scores,
    weights,
    *,
    alternatives: Mapping[str, pd.DataFrame] | None = None,
    method: str = "arithmetic",
    methods: Sequence[str] | None = None,
    missing: str = "renormalise",
    geometric_shift: float = 1.0,
) -> Setup:
    """Check ``scores`` and ``weights`` and build the :class:`Setup` every analysis works on."""
    check_option("method", method, AGGREGATIONS)
    check_option("missing", missing, _MISSING)
    w = weights_array(weights)
    indicators = [str(i) for i in w.index]
    w.index = indicators
    _check_scores(scores, indicators)
    score_sets = {NOMINAL: scores[indicators]}
    for name, alt in (alternatives or {}).items():
        if name == NOMINAL:
            raise ValueError(f"`alternatives` may not use the reserved name {NOMINAL!r}.")
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
    return Setup(
        agents=scores.index[keep],
        indicators=indicators,
        w0=w.to_numpy(dtype=float),
        score_sets={k: df.to_numpy(dtype=float)[keep] for k, df in score_sets.items()},
        methods=methods,
        shift=float(geometric_shift),
    )


def resolve_k(k, n: int, name: str) -> int:
    """A top/bottom group size as a count of ``n`` agents (a share in (0, 1) rounds up)."""
    if isinstance(k, bool) or not isinstance(k, (int, float, np.integer, np.floating)):
        raise ValueError(f"`{name}` must be a count (int >= 0) or a share in (0, 1); got {k!r}.")
    if isinstance(k, (float, np.floating)) and 0 < k < 1:
        return int(math.ceil(k * n - 1e-9))
    if k < 0 or k != int(k):
        raise ValueError(f"`{name}` must be a count (int >= 0) or a share in (0, 1); got {k!r}.")
    return min(int(k), n)


@dataclass(frozen=True)
class Tiers:
    """Tier labels and cut-offs (composite scores, or cumulative counts for shares)."""

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


def make_tiers(tiers, bottom_tier: str, basis: str, n: int) -> Tiers | None:
    """The :class:`Tiers` of a ``tiers`` mapping, or None when ``tiers`` is None."""
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
        return Tiers(tuple([*labels, bottom_tier]), basis, vals)
    if np.any(vals < 0) or not np.isclose(vals.sum(), 1.0, atol=1e-6):
        raise ValueError(
            "With tier_basis='share', `tiers` must give non-negative shares of agents that sum "
            f"to 1, best tier first; got {dict(zip(labels, vals.tolist(), strict=True))}."
        )
    cum = np.round(np.cumsum(vals) * n).astype(np.int64)
    cum[-1] = n
    return Tiers(tuple(labels), basis, cum)
