"""Weight schemes: YAML files that say what is scored, how much it counts and how it is scored.

A scheme lives in ``params/schemes/<name>.yaml``::

    name: mature_team
    description: Mature team (003): performance 50 %, quality 30 %, efficiency 20 %.
    normalisation: goalposts        # attainment | goalposts | minmax | zscore | percentile
    aggregation: arithmetic         # arithmetic | geometric
    dimensions:
      performance:
        weight: 50
        indicators:
          sales_amount: {weight: 50, cycle: monthly}
          repurchase_rate: {weight: 25, cycle: quarterly}
      quality:
        weight: 30
        indicators:
          satisfaction_rate: 60     # shorthand: weight only, cycle monthly
          compliance_rate: 40
    gates:
      - indicator: compliance_rate
        min: 0.90
        effect: bonus               # bonus | composite (score set to 0) | certification
    targets:
      satisfaction_rate: {target: 0.90, threshold: 0.80}
    tiers: {A: 85, B: 70, C: 50}    # lowest composite for each tier; the rest is D
    lights: {green: 1.0, yellow: 0.8}
    missing_indicators: renormalise # or stop: what a review does when the data lack an indicator
    rules:                          # decision rules (each optional; these are the defaults)
      certification:                # false: no certification decision
        name: senior certification
        consecutive: 2
        conditions:
          - {indicator: satisfaction_rate, field: value, op: ">=", value: 0.95}
          - {indicator: sales_amount, field: attainment, op: ">=", value: 1.0}
      pip: {bottom_tiers: 1, min_count: 2, window: 3}
      coaching: {compare_to: team}  # team | all; false: no coaching focus

Weights are relative: dimension weights are rescaled to sum to 1, and indicator weights are
rescaled within their dimension, so ``{sales: 7, dials: 3}`` and ``{sales: 70, dials: 30}`` are
the same scheme.

When a dataset cannot provide a weighted or gated indicator (no surveys table, say),
``missing_indicators`` decides: ``stop`` (the default for a scheme that does not say) stops the
review before any page with a message naming the indicators; ``renormalise`` (the bundled
schemes) drops them, rescales the remaining weights (within the dimension; a dimension left
empty is dropped and the other dimensions rescaled) and records what was dropped
(:meth:`Scheme.without`, :attr:`Scheme.adapted`) so that every page can say so.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib._util import check_option, unknown_name_message
from kpi_lib.paths import resolve

__all__ = [
    "AGGREGATIONS",
    "COACHING_COMPARISONS",
    "CYCLES",
    "DEFAULT_RULES",
    "DIMENSIONS",
    "GATE_EFFECTS",
    "MISSING_POLICIES",
    "NORMALISATIONS",
    "RULE_FIELDS",
    "RULE_OPS",
    "SENIOR_RULE",
    "Gate",
    "Scheme",
    "catalogue_info",
    "list_schemes",
    "load_scheme",
    "review_scheme",
    "scheme_file",
    "scheme_from_dict",
]

NORMALISATIONS = ("attainment", "goalposts", "minmax", "zscore", "percentile")
AGGREGATIONS = ("arithmetic", "geometric")
CYCLES = ("monthly", "quarterly", "annual")
#: Dimensions a scheme may group indicators into (the four of source 003, plus a team component).
DIMENSIONS = ("performance", "efficiency", "quality", "growth", "team")
GATE_EFFECTS = ("bonus", "composite", "certification")
#: What a review does when the dataset cannot provide an indicator the scheme weights or gates.
MISSING_POLICIES = ("renormalise", "stop")
#: What coaching focus compares an agent with: the agent's team, or every scored agent.
COACHING_COMPARISONS = ("team", "all")
RULE_FIELDS = ("value", "attainment", "score")
RULE_OPS = (">=", ">", "<=", "<", "==")
SCHEME_DIR = "params/schemes"

#: Source 003: two consecutive months with satisfaction >= 95 % and the sales target met ->
#: eligible for senior certification.
SENIOR_RULE = {
    "name": "senior certification",
    "consecutive": 2,
    "conditions": [
        {"indicator": "satisfaction_rate", "field": "value", "op": ">=", "value": 0.95},
        {"indicator": "sales_amount", "field": "attainment", "op": ">=", "value": 1.0},
    ],
}

#: Decision rules of a scheme that does not set its own: the seeds' certification rule, an
#: improvement plan for agents in the lowest tier in 2 of the last 3 periods, and coaching focus
#: against the agent's team.
DEFAULT_RULES = {
    "certification": SENIOR_RULE,
    "pip": {"bottom_tiers": 1, "min_count": 2, "window": 3},
    "coaching": {"compare_to": "team"},
}

_TOP_KEYS = {
    "name",
    "description",
    "source",
    "normalisation",
    "aggregation",
    "dimensions",
    "gates",
    "targets",
    "tiers",
    "lights",
    "attainment_cap",
    "threshold_ratio",
    "geometric_shift",
    "min_coverage",
    "missing_indicators",
    "rules",
    "adapted",
}
_SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Gate:
    """A pass/fail rule on one indicator, applied whatever the composite score.

    Attributes
    ----------
    indicator : str
        Catalogue id.
    min, max : float or None
        The value must be ``>= min`` and/or ``<= max`` to pass.
    effect : str
        ``bonus`` (fails -> not eligible for bonus), ``composite`` (fails -> composite set to 0)
        or ``certification`` (fails -> not eligible for certification).
    on_missing : str
        ``fail`` (default: no evidence, no pass) or ``pass``.
    description : str
        Shown to managers.
    """

    indicator: str
    min: float | None = None
    max: float | None = None
    effect: str = "bonus"
    on_missing: str = "fail"
    description: str = ""

    def passes(self, value: float) -> bool:
        """Whether ``value`` passes; a missing value follows :attr:`on_missing`."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return self.on_missing == "pass"
        if self.min is not None and value < self.min:
            return False
        if self.max is not None and value > self.max:
            return False
        return True

    def text(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"{self.indicator} >= {self.min:g}")
        if self.max is not None:
            parts.append(f"{self.indicator} <= {self.max:g}")
        return " and ".join(parts)


@dataclass(frozen=True)
class Scheme:
    """A weight scheme (see the module docstring for the YAML form).

    Attributes
    ----------
    name, description, source : str
    dimensions : dict of str to float
        Relative dimension weights.
    indicators : dict of str to dict of str to float
        ``{dimension: {indicator: relative weight within the dimension}}``.
    cycles : dict of str to str
        Indicator -> ``monthly`` / ``quarterly`` / ``annual`` (the cycle it is assessed in).
    normalisation, aggregation : str
    gates : tuple of Gate
    targets : dict of str to dict
        Indicator -> ``{target, threshold, stretch}`` (any may be missing).
    tiers : dict of str to float
        Tier label -> lowest composite in that tier, best tier first; below the last cut-off
        an agent gets ``bottom_tier``.
    lights : dict
        ``green`` and ``yellow``: attainment of the (pro-rated) target at which the light turns
        green / yellow.
    attainment_cap : float
        Attainment at which credit stops when no stretch target is given (1.2 = 120 %).
    threshold_ratio : float
        Goalposts threshold when none is given: ``target * ratio`` (higher is better) or
        ``target / ratio`` (lower is better).
    geometric_shift : float
        Added to every score before the geometric mean (scores may be 0).
    min_coverage : float
        Smallest share of the composite's weight an agent must have values for to get a
        composite.
    missing_indicators : str
        ``renormalise`` or ``stop`` (see the module docstring).
    rules : dict
        Decision rules: ``certification`` (a rule for
        :func:`~kpi_lib.scoring.decisions.certification_candidates`, or None for none),
        ``pip`` (``bottom_tiers``, ``min_count``, ``window``) and ``coaching``
        (``compare_to``: ``team`` or ``all``; None for none). Default :data:`DEFAULT_RULES`.
    adapted : dict
        Empty for a scheme as written; after :meth:`without`: ``dropped`` (one
        ``{"indicator", "role", "needs"}`` per weighted indicator or gate dropped) and
        ``original_weights`` (indicator -> share of the composite before dropping).
    path : Path or None
        File the scheme was read from.
    """

    name: str
    dimensions: dict[str, float]
    indicators: dict[str, dict[str, float]]
    cycles: dict[str, str] = field(default_factory=dict)
    normalisation: str = "goalposts"
    aggregation: str = "arithmetic"
    gates: tuple[Gate, ...] = ()
    targets: dict[str, dict] = field(default_factory=dict)
    tiers: dict[str, float] = field(default_factory=lambda: {"A": 85.0, "B": 70.0, "C": 50.0})
    bottom_tier: str = "D"
    lights: dict[str, float] = field(default_factory=lambda: {"green": 1.0, "yellow": 0.8})
    attainment_cap: float = 1.2
    threshold_ratio: float = 0.5
    geometric_shift: float = 1.0
    min_coverage: float = 0.5
    missing_indicators: str = "stop"
    rules: dict = field(default_factory=lambda: copy.deepcopy(DEFAULT_RULES))
    adapted: dict = field(default_factory=dict)
    description: str = ""
    source: str = ""
    path: Path | None = None

    # -- weights -----------------------------------------------------------------------------
    @property
    def indicator_ids(self) -> list[str]:
        """Weighted indicators, in scheme order."""
        return [i for inds in self.indicators.values() for i in inds]

    def dimension_of(self, indicator: str) -> str:
        """The scheme dimension an indicator is grouped in."""
        for dim, inds in self.indicators.items():
            if indicator in inds:
                return dim
        raise KeyError(unknown_name_message("scheme indicator", indicator, self.indicator_ids))

    def dimension_weights(self) -> pd.Series:
        """Dimension -> share of the composite (sums to 1)."""
        s = pd.Series(self.dimensions, dtype=float)
        return s / s.sum()

    def indicator_weights(self) -> pd.Series:
        """Indicator -> share of its dimension (sums to 1 within each dimension)."""
        out = {}
        for inds in self.indicators.values():
            total = sum(inds.values())
            for ind, w in inds.items():
                out[ind] = w / total
        return pd.Series(out, dtype=float)

    def overall_weights(self, indicators: list[str] | None = None) -> pd.Series:
        """Indicator -> share of the composite (sums to 1).

        Parameters
        ----------
        indicators : list of str, optional
            Restrict to these indicators (e.g. those assessed in a cycle) and rescale the rest,
            keeping the relative weights of dimensions and of indicators within them.
        """
        keep = set(self.indicator_ids if indicators is None else indicators)
        out = {}
        for dim, inds in self.indicators.items():
            sub = {i: w for i, w in inds.items() if i in keep}
            if not sub or self.dimensions[dim] == 0:
                continue
            total = sum(sub.values())
            for ind, w in sub.items():
                out[ind] = self.dimensions[dim] * w / total if total else 0.0
        s = pd.Series(out, dtype=float)
        return s / s.sum() if len(s) and s.sum() > 0 else s

    def weight_table(self) -> pd.DataFrame:
        """One row per indicator: dimension, dimension_weight, weight_in_dimension, overall
        weight, cycle."""
        dw = self.dimension_weights()
        iw = self.indicator_weights()
        ow = self.overall_weights()
        rows = [
            {
                "dimension": self.dimension_of(ind),
                "indicator": ind,
                "dimension_weight": dw[self.dimension_of(ind)],
                "weight_in_dimension": iw[ind],
                "weight": ow[ind],
                "cycle": self.cycles.get(ind, "monthly"),
            }
            for ind in self.indicator_ids
        ]
        return pd.DataFrame(rows)

    def indicators_for_cycle(self, cycle: str) -> list[str]:
        """Indicators assessed in ``cycle``: those of that cycle and of every shorter cycle.

        A quarterly appraisal covers the monthly indicators too; the annual review covers all.
        """
        check_option("cycle", cycle, CYCLES)
        level = CYCLES.index(cycle)
        return [
            i for i in self.indicator_ids if CYCLES.index(self.cycles.get(i, "monthly")) <= level
        ]

    def with_weights(self, weights: pd.Series | dict) -> Scheme:
        """A copy with new indicator weights (overall shares; dimension weights are re-derived).

        ``weights`` maps indicator -> weight (any positive scale). Indicators left out keep
        no weight and are dropped from the copy.
        """
        weights = pd.Series(weights, dtype=float)
        unknown = [i for i in weights.index if i not in self.indicator_ids]
        if unknown:
            raise KeyError(unknown_name_message("scheme indicator", unknown[0], self.indicator_ids))
        if (weights < 0).any():
            raise ValueError(
                f"Weights must be >= 0; negative for {list(weights[weights < 0].index)}."
            )
        indicators: dict[str, dict[str, float]] = {}
        dims: dict[str, float] = {}
        for dim, inds in self.indicators.items():
            sub = {i: float(weights[i]) for i in inds if i in weights.index}
            if sub and sum(sub.values()) > 0:
                indicators[dim] = sub
                dims[dim] = sum(sub.values())
        if not dims:
            raise ValueError("with_weights: every weight is zero; at least one must be positive.")
        return replace(self, dimensions=dims, indicators=indicators)

    def rule(self, name: str) -> dict | None:
        """One decision rule (``certification``, ``pip``, ``coaching``); None when the scheme
        switched it off."""
        check_option("rule", name, list(DEFAULT_RULES))
        return self.rules.get(name, DEFAULT_RULES[name])

    def without(self, missing: dict[str, str]) -> Scheme:
        """A copy without the weighted indicators and gates in ``missing``, weights rescaled.

        Parameters
        ----------
        missing : dict of str to str
            Indicator -> what it needs that the data lack (e.g. ``{"satisfaction_rate":
            "surveys"}``). Indicators the scheme neither weights nor gates are ignored.

        Returns
        -------
        Scheme
            Indicator weights are rescaled within their dimension; a dimension left without
            indicators is dropped and the dimension weights rescaled. :attr:`adapted` records
            what was dropped and the weights before. The scheme itself when nothing is dropped.

        Raises
        ------
        ValueError
            When every weighted indicator would be dropped (nothing left to score).

        Examples
        --------
        >>> s = load_scheme("default").without({"satisfaction_rate": "surveys"})
        >>> s.overall_weights().round(3).to_dict()  # doctest: +NORMALIZE_WHITESPACE
        {'sales_amount': 0.35, 'repurchase_rate': 0.15, 'complaints_per_100': 0.3,
         'effective_calls': 0.2}
        >>> s.adapted["dropped"]
        [{'indicator': 'satisfaction_rate', 'role': 'weight', 'needs': 'surveys'}]
        """
        weighted = [i for i in self.indicator_ids if i in missing]
        gated = [g for g in self.gates if g.indicator in missing]
        if not weighted and not gated:
            return self
        keep = [i for i in self.indicator_ids if i not in missing]
        if not [i for i in keep if self.overall_weights().get(i, 0) > 0]:
            raise ValueError(
                f"scheme {self.name}: every weighted indicator needs data the dataset lacks ("
                + "; ".join(f"{i} needs {missing[i]}" for i in weighted)
                + "); nothing is left to score."
            )
        indicators: dict[str, dict[str, float]] = {}
        dims: dict[str, float] = {}
        for dim, inds in self.indicators.items():
            sub = {i: w for i, w in inds.items() if i not in missing}
            if sub:
                indicators[dim] = sub
                dims[dim] = self.dimensions[dim]
        dropped = [{"indicator": i, "role": "weight", "needs": missing[i]} for i in weighted]
        dropped += [
            {"indicator": g.indicator, "role": "gate", "needs": missing[g.indicator]} for g in gated
        ]
        before = self.adapted.get("original_weights") or {
            i: round(float(w), 6) for i, w in self.overall_weights().items()
        }
        return replace(
            self,
            dimensions=dims,
            indicators=indicators,
            cycles={i: c for i, c in self.cycles.items() if i not in missing},
            gates=tuple(g for g in self.gates if g.indicator not in missing),
            adapted={
                "dropped": [*self.adapted.get("dropped", []), *dropped],
                "original_weights": before,
            },
        )

    def to_dict(self) -> dict:
        """The scheme as a plain dict in the YAML layout (round-trips through
        :func:`scheme_from_dict`)."""
        dims = {}
        for dim, inds in self.indicators.items():
            dims[dim] = {
                "weight": self.dimensions[dim],
                "indicators": {
                    i: {"weight": w, "cycle": self.cycles.get(i, "monthly")}
                    for i, w in inds.items()
                },
            }
        return {
            "name": self.name,
            "description": self.description,
            "source": self.source,
            "normalisation": self.normalisation,
            "aggregation": self.aggregation,
            "dimensions": dims,
            "gates": [
                {k: v for k, v in g.__dict__.items() if v not in (None, "")} for g in self.gates
            ],
            "targets": copy.deepcopy(self.targets),
            "tiers": dict(self.tiers),
            "lights": dict(self.lights),
            "attainment_cap": self.attainment_cap,
            "threshold_ratio": self.threshold_ratio,
            "geometric_shift": self.geometric_shift,
            "min_coverage": self.min_coverage,
            "missing_indicators": self.missing_indicators,
            "rules": copy.deepcopy(self.rules),
            **({"adapted": copy.deepcopy(self.adapted)} if self.adapted else {}),
        }


# ---------------------------------------------------------------------------------------------
# catalogue access (the indicators layer is to our left)


def catalogue_info() -> pd.DataFrame:
    """The indicator catalogue as a table: indicator, dimension, direction, role, long_term,
    pairs_with, ratio, unit. Empty when the catalogue is not importable."""
    try:
        from kpi_lib.indicators.catalogue import CATALOGUE
    except ImportError:  # pragma: no cover - only while the indicators layer is missing
        return pd.DataFrame(
            columns=[
                "indicator",
                "dimension",
                "direction",
                "role",
                "long_term",
                "pairs_with",
                "ratio",
                "unit",
            ]
        )
    rows = [
        {
            "indicator": ind.id,
            "dimension": ind.dimension,
            "direction": ind.direction,
            "role": ind.role,
            "long_term": bool(ind.long_term),
            "pairs_with": tuple(ind.pairs_with or ()),
            "ratio": bool(ind.ratio),
            "unit": ind.unit,
        }
        for ind in CATALOGUE.values()
    ]
    return pd.DataFrame(rows)


def _catalogue_ids() -> list[str]:
    return list(catalogue_info()["indicator"])


# ---------------------------------------------------------------------------------------------
# loading


def _num(value, key: str, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: `{key}` must be a number, got {value!r}.") from None
    if math.isnan(out):
        raise ValueError(f"{where}: `{key}` must be a number, got NaN.")
    return out


def scheme_from_dict(data: dict, *, name: str | None = None, path: Path | None = None) -> Scheme:
    """Build and validate a :class:`Scheme` from the YAML layout.

    Raises
    ------
    ValueError, KeyError
        Naming the YAML key at fault, and for unknown indicator ids the nearest valid ids.
    """
    where = f"scheme {str(path) if path else (name or data.get('name', '?'))}"
    if not isinstance(data, dict):
        raise ValueError(
            f"{where}: expected a mapping at the top level, got {type(data).__name__}."
        )
    extra = set(data) - _TOP_KEYS
    if extra:
        key = sorted(extra)[0]
        raise KeyError(f"{where}: {unknown_name_message('top-level key', key, _TOP_KEYS)}")
    if (
        "dimensions" not in data
        or not isinstance(data["dimensions"], dict)
        or not data["dimensions"]
    ):
        raise ValueError(
            f"{where}: `dimensions` is required: a mapping of dimension -> {{weight, indicators}}."
        )
    known = set(_catalogue_ids())
    dims: dict[str, float] = {}
    indicators: dict[str, dict[str, float]] = {}
    cycles: dict[str, str] = {}
    seen: dict[str, str] = {}
    for dim, body in data["dimensions"].items():
        key = f"dimensions.{dim}"
        if dim not in DIMENSIONS:
            raise KeyError(
                f"{where}: `{key}`: {unknown_name_message('dimension', dim, DIMENSIONS)}"
            )
        if not isinstance(body, dict) or "indicators" not in body:
            raise ValueError(f"{where}: `{key}` needs `weight` and `indicators`.")
        dims[dim] = _num(body.get("weight", 1), f"{key}.weight", where)
        if dims[dim] < 0:
            raise ValueError(f"{where}: `{key}.weight` must be >= 0, got {dims[dim]:g}.")
        inds = body["indicators"]
        if not isinstance(inds, dict) or not inds:
            raise ValueError(f"{where}: `{key}.indicators` must map indicator ids to weights.")
        indicators[dim] = {}
        for ind, spec in inds.items():
            ikey = f"{key}.indicators.{ind}"
            if known and ind not in known:
                raise KeyError(
                    f"{where}: `{ikey}`: {unknown_name_message('indicator', ind, known)}"
                )
            if ind in seen:
                raise ValueError(
                    f"{where}: indicator `{ind}` appears in both `{seen[ind]}` and `{dim}`."
                )
            seen[ind] = dim
            if isinstance(spec, dict):
                extra = set(spec) - {"weight", "cycle"}
                if extra:
                    raise KeyError(
                        f"{where}: `{ikey}`: unknown keys {sorted(extra)}; allowed: weight, cycle."
                    )
                w = _num(spec.get("weight", 1), f"{ikey}.weight", where)
                cyc = spec.get("cycle", "monthly")
            else:
                w = _num(spec, ikey, where)
                cyc = "monthly"
            if w < 0:
                raise ValueError(f"{where}: `{ikey}` weight must be >= 0, got {w:g}.")
            if cyc not in CYCLES:
                raise ValueError(
                    f"{where}: `{ikey}.cycle` must be one of {list(CYCLES)}, got {cyc!r}."
                )
            indicators[dim][ind] = w
            cycles[ind] = cyc
        if sum(indicators[dim].values()) <= 0 and dims[dim] > 0:
            raise ValueError(
                f"{where}: `{key}` has weight {dims[dim]:g} but its indicator weights are all zero."
            )
    if sum(dims.values()) <= 0:
        raise ValueError(f"{where}: every dimension weight is zero.")

    norm = data.get("normalisation", "goalposts")
    if norm not in NORMALISATIONS:
        raise ValueError(
            f"{where}: `normalisation` must be one of {list(NORMALISATIONS)}, got {norm!r}."
        )
    agg = data.get("aggregation", "arithmetic")
    if agg not in AGGREGATIONS:
        raise ValueError(
            f"{where}: `aggregation` must be one of {list(AGGREGATIONS)}, got {agg!r}."
        )

    gates = []
    for k, g in enumerate(data.get("gates") or []):
        gkey = f"gates[{k}]"
        if not isinstance(g, dict) or "indicator" not in g:
            raise ValueError(f"{where}: `{gkey}` needs `indicator` and `min` and/or `max`.")
        extra = set(g) - {"indicator", "min", "max", "effect", "on_missing", "description"}
        if extra:
            raise KeyError(f"{where}: `{gkey}`: unknown keys {sorted(extra)}.")
        if known and g["indicator"] not in known:
            raise KeyError(
                f"{where}: `{gkey}.indicator`: "
                f"{unknown_name_message('indicator', g['indicator'], known)}"
            )
        if g.get("min") is None and g.get("max") is None:
            raise ValueError(f"{where}: `{gkey}` needs `min` and/or `max`.")
        effect = g.get("effect", "bonus")
        if effect not in GATE_EFFECTS:
            raise ValueError(
                f"{where}: `{gkey}.effect` must be one of {list(GATE_EFFECTS)}, got {effect!r}."
            )
        on_missing = g.get("on_missing", "fail")
        if on_missing not in ("fail", "pass"):
            raise ValueError(f"{where}: `{gkey}.on_missing` must be 'fail' or 'pass'.")
        gates.append(
            Gate(
                indicator=g["indicator"],
                min=None if g.get("min") is None else _num(g["min"], f"{gkey}.min", where),
                max=None if g.get("max") is None else _num(g["max"], f"{gkey}.max", where),
                effect=effect,
                on_missing=on_missing,
                description=str(g.get("description", "")),
            )
        )

    targets = {}
    for ind, t in (data.get("targets") or {}).items():
        tkey = f"targets.{ind}"
        if known and ind not in known:
            raise KeyError(f"{where}: `{tkey}`: {unknown_name_message('indicator', ind, known)}")
        if not isinstance(t, dict):
            t = {"target": t}
        extra = set(t) - {"target", "threshold", "stretch"}
        if extra:
            raise KeyError(
                f"{where}: `{tkey}`: unknown keys {sorted(extra)}; "
                "allowed: target, threshold, stretch."
            )
        targets[ind] = {k: _num(v, f"{tkey}.{k}", where) for k, v in t.items() if v is not None}

    tiers_raw = data.get("tiers", {"A": 85, "B": 70, "C": 50, "D": None})
    if not isinstance(tiers_raw, dict) or not tiers_raw:
        raise ValueError(f"{where}: `tiers` must map tier labels to the lowest composite score.")
    tiers = {}
    bottom = "D"
    for label, cut in tiers_raw.items():
        if cut is None:
            bottom = str(label)
        else:
            tiers[str(label)] = _num(cut, f"tiers.{label}", where)
    cuts = list(tiers.values())
    if cuts != sorted(cuts, reverse=True):
        raise ValueError(
            f"{where}: `tiers` must be listed best first with falling cut-offs, got {tiers}."
        )
    lights = {"green": 1.0, "yellow": 0.8, **(data.get("lights") or {})}
    if set(lights) - {"green", "yellow"}:
        raise KeyError(f"{where}: `lights` allows only `green` and `yellow`.")
    if lights["yellow"] > lights["green"]:
        raise ValueError(
            f"{where}: `lights.yellow` ({lights['yellow']}) must not exceed "
            f"`lights.green` ({lights['green']})."
        )

    missing_policy = data.get("missing_indicators", "stop")
    if missing_policy not in MISSING_POLICIES:
        raise ValueError(
            f"{where}: `missing_indicators` must be one of {list(MISSING_POLICIES)}, "
            f"got {missing_policy!r}."
        )
    rules = _rules(data.get("rules"), where, known)
    adapted = data.get("adapted") or {}
    if not isinstance(adapted, dict):
        raise ValueError(f"{where}: `adapted` must be a mapping (written by a review store).")

    def opt(key, default, lo=None):
        v = _num(data.get(key, default), key, where)
        if lo is not None and v <= lo:
            raise ValueError(f"{where}: `{key}` must be > {lo}, got {v:g}.")
        return v

    return Scheme(
        name=str(data.get("name") or name or (path.stem if path else "scheme")),
        dimensions=dims,
        indicators=indicators,
        cycles=cycles,
        normalisation=norm,
        aggregation=agg,
        gates=tuple(gates),
        targets=targets,
        tiers=tiers,
        bottom_tier=bottom,
        lights={k: float(v) for k, v in lights.items()},
        attainment_cap=opt("attainment_cap", 1.2, lo=0),
        threshold_ratio=opt("threshold_ratio", 0.5, lo=0),
        geometric_shift=opt("geometric_shift", 1.0, lo=0),
        min_coverage=opt("min_coverage", 0.5),
        missing_indicators=missing_policy,
        rules=rules,
        adapted=copy.deepcopy(adapted),
        description=str(data.get("description", "")),
        source=str(data.get("source", "")),
        path=path,
    )


def _rules(raw, where: str, known: set[str]) -> dict:
    """The ``rules`` block, checked, with the defaults for rules it leaves out."""
    if raw is None:
        return copy.deepcopy(DEFAULT_RULES)
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: `rules` must map rule names to settings.")
    extra = set(raw) - set(DEFAULT_RULES)
    if extra:
        key = sorted(extra)[0]
        raise KeyError(f"{where}: {unknown_name_message('rule', key, list(DEFAULT_RULES))}")
    out = copy.deepcopy(DEFAULT_RULES)
    for name, body in raw.items():
        key = f"rules.{name}"
        if body is False or body is None:
            out[name] = None
            continue
        if not isinstance(body, dict):
            raise ValueError(f"{where}: `{key}` must be a mapping, or false to switch it off.")
        if name == "certification":
            out[name] = _certification_rule(body, key, where, known)
        elif name == "pip":
            extra = set(body) - set(DEFAULT_RULES["pip"])
            if extra:
                raise KeyError(
                    f"{where}: `{key}`: unknown keys {sorted(extra)}; "
                    "allowed: bottom_tiers, min_count, window."
                )
            pip = {**DEFAULT_RULES["pip"], **body}
            for k, v in pip.items():
                n = _num(v, f"{key}.{k}", where)
                if n != int(n) or n < 1:
                    raise ValueError(
                        f"{where}: `{key}.{k}` must be a whole number >= 1, got {v!r}."
                    )
                pip[k] = int(n)
            if pip["min_count"] > pip["window"]:
                raise ValueError(
                    f"{where}: `{key}.min_count` ({pip['min_count']}) cannot exceed "
                    f"`{key}.window` ({pip['window']})."
                )
            out[name] = pip
        else:
            extra = set(body) - {"compare_to"}
            if extra:
                raise KeyError(
                    f"{where}: `{key}`: unknown keys {sorted(extra)}; allowed: compare_to."
                )
            compare = body.get("compare_to", "team")
            if compare not in COACHING_COMPARISONS:
                raise ValueError(
                    f"{where}: `{key}.compare_to` must be one of {list(COACHING_COMPARISONS)}, "
                    f"got {compare!r}."
                )
            out[name] = {"compare_to": compare}
    return out


def _certification_rule(body: dict, key: str, where: str, known: set[str]) -> dict:
    extra = set(body) - {"name", "consecutive", "conditions", "require_gates"}
    if extra:
        raise KeyError(
            f"{where}: `{key}`: unknown keys {sorted(extra)}; "
            "allowed: name, consecutive, conditions, require_gates."
        )
    consecutive = _num(body.get("consecutive", 2), f"{key}.consecutive", where)
    if consecutive != int(consecutive) or consecutive < 1:
        raise ValueError(f"{where}: `{key}.consecutive` must be a whole number >= 1.")
    conds = body.get("conditions")
    if not isinstance(conds, list) or not conds:
        raise ValueError(
            f"{where}: `{key}.conditions` must list at least one {{indicator, field, op, value}}."
        )
    out = []
    for k, c in enumerate(conds):
        ckey = f"{key}.conditions[{k}]"
        if not isinstance(c, dict) or "indicator" not in c or "value" not in c:
            raise ValueError(f"{where}: `{ckey}` needs `indicator` and `value`.")
        extra = set(c) - {"indicator", "field", "op", "value"}
        if extra:
            raise KeyError(f"{where}: `{ckey}`: unknown keys {sorted(extra)}.")
        if known and c["indicator"] not in known:
            raise KeyError(
                f"{where}: `{ckey}.indicator`: "
                f"{unknown_name_message('indicator', c['indicator'], known)}"
            )
        field_ = c.get("field", "value")
        if field_ not in RULE_FIELDS:
            raise ValueError(
                f"{where}: `{ckey}.field` must be one of {list(RULE_FIELDS)}, got {field_!r}."
            )
        op = c.get("op", ">=")
        if op not in RULE_OPS:
            raise ValueError(f"{where}: `{ckey}.op` must be one of {list(RULE_OPS)}, got {op!r}.")
        out.append(
            {
                "indicator": c["indicator"],
                "field": field_,
                "op": op,
                "value": _num(c["value"], f"{ckey}.value", where),
            }
        )
    rule = {
        "name": str(body.get("name", "certification")),
        "consecutive": int(consecutive),
        "conditions": out,
    }
    if body.get("require_gates"):
        rule["require_gates"] = True
    return rule


def _scheme_dirs() -> list[Path]:
    """Folders scheme names are looked up in, in order: the project's ``params/schemes/``
    (when the project root has one), then the schemes shipped in the package."""
    from kpi_lib.datasets import DATASETS_DIR

    dirs = []
    for folder in (resolve(SCHEME_DIR), DATASETS_DIR / "schemes"):
        if folder.is_dir() and all(folder.resolve() != d.resolve() for d in dirs):
            dirs.append(folder)
    return dirs


def list_schemes() -> list[str]:
    """Names of the available schemes: the project's ``params/schemes/`` and the packaged ones.

    Examples
    --------
    >>> "default" in list_schemes()
    True
    """
    return sorted({p.stem for folder in _scheme_dirs() for p in folder.glob("*.yaml")})


def scheme_file(path_or_name: str | Path) -> Path:
    """The YAML file a scheme name or path refers to.

    A value resolves, in order, to:

    1. an existing file at that path (absolute, or relative to the working folder);
    2. an existing file at that path relative to the project root (``params/schemes/x.yaml``
       works from any folder of the checkout);
    3. ``<project root>/params/schemes/<name>.yaml``;
    4. the scheme of that name shipped in the package (``kpi_lib/datasets/schemes/``).

    Raises
    ------
    KeyError
        For an unknown name; the message lists the available names from every source.
    FileNotFoundError
        For a ``.yaml``/``.yml`` path or a path with folders that does not exist.

    Examples
    --------
    >>> scheme_file("default").name
    'default.yaml'
    """
    p = Path(path_or_name).expanduser()
    if p.is_file():
        return p.resolve()
    if resolve(p).is_file():
        return resolve(p)
    looks_like_path = p.suffix in (".yaml", ".yml") or len(p.parts) != 1
    if not looks_like_path:
        for folder in _scheme_dirs():
            candidate = folder / f"{p.name}.yaml"
            if candidate.is_file():
                return candidate
        where = ", ".join(str(d) for d in _scheme_dirs()) or "no scheme folder found"
        raise KeyError(
            unknown_name_message("scheme", str(path_or_name), list_schemes())
            + f" (looked in: {where})"
        )
    raise FileNotFoundError(f"Scheme file {resolve(p)} does not exist.")


def load_scheme(path_or_name: str | Path | Scheme) -> Scheme:
    """Load a scheme from a YAML file, or by name (see :func:`scheme_file` for the lookup).

    Examples
    --------
    >>> from kpi_lib.scoring import load_scheme
    >>> scheme = load_scheme("default")
    >>> scheme.dimension_weights()
    performance    0.5
    quality        0.3
    efficiency     0.2
    dtype: float64
    >>> scheme.weight_table()[["dimension", "indicator", "weight", "cycle"]]
         dimension           indicator  weight      cycle
    0  performance        sales_amount    0.35    monthly
    1  performance     repurchase_rate    0.15  quarterly
    2      quality   satisfaction_rate    0.21    monthly
    3      quality  complaints_per_100    0.09    monthly
    4   efficiency     effective_calls    0.20    monthly
    """
    if isinstance(path_or_name, Scheme):
        return path_or_name
    p = scheme_file(path_or_name)
    with p.open(encoding="utf-8") as fh:
        try:
            data = yaml.safe_load(fh)
        except yaml.YAMLError as exc:
            raise ValueError(f"Scheme file {p} is not valid YAML: {exc}") from None
    return scheme_from_dict(data, path=p)


# ---------------------------------------------------------------------------------------------
# review


def _weight_list(weights: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:g}" for k, v in weights.items())


def _share_list(weights: dict[str, float]) -> str:
    total = sum(weights.values())
    return ", ".join(f"{k} {v / total:.1%}" for k, v in weights.items())


def _unround_total(weights: dict[str, float], also: tuple[float, ...] = ()) -> float | None:
    """The round total (1, 10, 100, ...) that ``weights`` were probably meant to sum to, when
    they do not; None when they do, sum to one of ``also``, or are all equal (one weight, or
    ``1, 1, 1``: plainly relative)."""
    values = list(weights.values())
    total = sum(values)
    if total <= 0 or len(set(values)) <= 1:
        return None
    target = 10.0 ** round(math.log10(total))
    if any(math.isclose(total, t, rel_tol=_WEIGHT_RTOL) for t in (target, *also) if t > 0):
        return None
    return target


#: Relative tolerance within which weights count as summing to their round total.
_WEIGHT_RTOL = 0.005


def _weight_sum_findings(scheme: Scheme) -> list[tuple[str, str]]:
    """``(code, message)`` for weights that do not sum to a round total and were rescaled."""
    found = []
    target = _unround_total(scheme.dimensions)
    if target is not None:
        total = sum(scheme.dimensions.values())
        found.append(
            (
                "weights_rescaled",
                f"Dimension weights sum to {total:g} ({_weight_list(scheme.dimensions)}), not "
                f"{target:g}. Weights are relative, so they were rescaled (x {target / total:.3g}) "
                f"to {_share_list(scheme.dimensions)} of the composite. If they were meant as "
                f"shares of {target:g}, correct them so they sum to {target:g}.",
            )
        )
    dim_total = sum(scheme.dimensions.values())
    for dim, inds in scheme.indicators.items():
        # Indicator weights written as shares of the whole composite (quality 35: satisfaction
        # 20, compliance 15) sum to the dimension's weight: that is intended too.
        target = _unround_total(inds, also=(scheme.dimensions[dim],))
        if target is None or scheme.dimensions[dim] == 0:
            continue
        total = sum(inds.values())
        share = scheme.dimensions[dim] / dim_total
        found.append(
            (
                "weights_rescaled",
                f"Indicator weights in `{dim}` sum to {total:g} ({_weight_list(inds)}), neither "
                f"{target:g} nor the dimension's weight {scheme.dimensions[dim]:g}. Weights are "
                f"relative, so they were rescaled (x {target / total:.3g}) to {_share_list(inds)}"
                f" of `{dim}` ({share:.1%} of the composite). If they were meant as shares of "
                f"{target:g}, correct them so they sum to {target:g}.",
            )
        )
    return found


def review_scheme(
    scheme: Scheme | str | Path,
    *,
    available: list[str] | None = None,
    max_core: int = 5,
    min_weight: float = 0.05,
) -> pd.DataFrame:
    """Check a scheme against the design principles of the sources and explain each finding.

    Parameters
    ----------
    scheme : Scheme, str or path
    available : list of str, optional
        Indicators the dataset can provide (e.g. the ``indicator`` values of its indicator
        table with at least one non-missing value). Scheme indicators outside it are errors.
    max_core : int
        Most weighted indicators before the scheme dilutes effort (003: choose 3-5).
    min_weight : float
        Overall share below which an indicator is too small to change behaviour.

    Returns
    -------
    DataFrame
        One row per finding, errors first: ``severity`` (``error`` / ``warning`` / ``info``),
        ``code`` (stable id such as ``too_many_indicators``), ``indicator`` (empty when the
        finding is about the whole scheme) and ``message`` (a sentence a manager can act on).
        Empty when nothing is found.

    Notes
    -----
    Weights are relative and rescaled, so weights that do not add up are not an error, but
    they are often a slip (50/30/40 meant as percentages): ``weights_rescaled`` (a warning)
    reports dimension weights, or indicator weights within a dimension, that sum to neither a
    round total (1, 10, 100, ... within 0.5 %) nor, for indicators, the dimension's own weight
    (shares of the whole composite, as in ``case_after``), and says what they were rescaled
    to. Equal weights (``1, 1, 1``) are plainly relative and never reported.

    Examples
    --------
    >>> from kpi_lib.scoring import review_scheme
    >>> review = review_scheme("case_before")
    >>> review[["severity", "code", "indicator"]]  # doctest: +NORMALIZE_WHITESPACE
      severity                code     indicator
    0  warning        no_long_term
    1  warning     unpaired_volume         dials
    2  warning     unpaired_volume  sales_amount
    3     info  dominant_dimension
    4     info      few_indicators
    5     info   no_team_component
    >>> print(review["message"].iloc[0])  # doctest: +ELLIPSIS
    No long-term indicator (repurchase, LTV): agents may over-promise to close today's sale, ...
    """
    scheme = load_scheme(scheme)
    cat = catalogue_info().set_index("indicator")
    rows: list[dict] = []

    def add(sev, code, msg, ind=""):
        rows.append({"severity": sev, "code": code, "indicator": ind, "message": msg})

    weights = scheme.overall_weights()
    weighted = [i for i in scheme.indicator_ids if weights.get(i, 0) > 0]
    all_ids = set(weighted) | {g.indicator for g in scheme.gates} | set(scheme.targets)

    for ind in sorted(all_ids):
        if len(cat) and ind not in cat.index:
            add(
                "error", "unknown_indicator", unknown_name_message("indicator", ind, cat.index), ind
            )
    if available is not None:
        avail = set(available)
        for ind in sorted(all_ids):
            if ind not in avail:
                close = unknown_name_message("available indicator", ind, avail)
                add(
                    "error",
                    "indicator_unavailable",
                    f"The dataset cannot provide `{ind}` (no values). {close}",
                    ind,
                )

    if len(weighted) > max_core:
        add(
            "warning",
            "too_many_indicators",
            f"{len(weighted)} weighted indicators; the sources advise 3-5 core indicators, "
            "more dilutes effort. Move the rest to gates or to the review notebook.",
        )
    if len(weighted) < 3:
        add(
            "info",
            "few_indicators",
            f"Only {len(weighted)} weighted indicator(s); a single indicator is easy to game "
            "(the case study's 'before' scheme: sales 70 / dials 30).",
        )

    known = [i for i in weighted if i in cat.index]
    for ind in known:
        pairs = set(cat.loc[ind, "pairs_with"] or ())
        if cat.loc[ind, "role"] == "volume" or pairs:
            gated = {g.indicator for g in scheme.gates}
            if not (pairs & (set(weighted) | gated)):
                hint = ", ".join(sorted(pairs)) if pairs else "a quality indicator"
                kind = "volume" if cat.loc[ind, "role"] == "volume" else "quantity"
                add(
                    "warning",
                    "unpaired_volume",
                    f"`{ind}` is a {kind} indicator without a paired quality indicator; quantity "
                    "alone invites padding and over-promising (e.g. short calls, course results "
                    f"promised). Pair it with {hint}.",
                    ind,
                )
    if known and not any(bool(cat.loc[i, "long_term"]) for i in known):
        add(
            "warning",
            "no_long_term",
            "No long-term indicator (repurchase, LTV): agents may over-promise to close today's "
            "sale, as in the case study (repurchase under 5 %). Add repurchase_rate.",
        )
    if "team" not in scheme.indicators and "team_target_attainment" not in weighted:
        add(
            "info",
            "no_team_component",
            "No team component: agents may compete for leads. Consider team_target_attainment "
            "with a small weight.",
        )
    for ind in weighted:
        if weights[ind] < min_weight:
            add(
                "warning",
                "negligible_weight",
                f"`{ind}` carries {weights[ind]:.1%} of the composite, below {min_weight:.0%}: too "
                "small to change behaviour. Drop it, raise it, or make it a gate.",
                ind,
            )
    for ind in weighted:
        if scheme.dimension_of(ind) != "team" and ind in cat.index:
            cdim = cat.loc[ind, "dimension"]
            if cdim != scheme.dimension_of(ind):
                add(
                    "info",
                    "dimension_differs",
                    f"`{ind}` is a {cdim} indicator in the catalogue but is grouped under "
                    f"`{scheme.dimension_of(ind)}` here.",
                    ind,
                )
    for g in scheme.gates:
        if g.indicator in weighted:
            add(
                "info",
                "gate_and_weight",
                f"`{g.indicator}` is both weighted and a gate; once the basic script is "
                "mastered the sources suggest a gate alone.",
                g.indicator,
            )
    for code, msg in _weight_sum_findings(scheme):
        add("warning", code, msg)
    dim_w = scheme.dimension_weights()
    if dim_w.max() > 0.6:
        add(
            "info",
            "dominant_dimension",
            f"`{dim_w.idxmax()}` carries {dim_w.max():.0%} of the composite; the other "
            "dimensions can hardly offset it.",
        )

    out = pd.DataFrame(rows, columns=["severity", "code", "indicator", "message"])
    if len(out):
        out["_o"] = out["severity"].map({s: k for k, s in enumerate(_SEVERITIES)})
        out = out.sort_values(["_o", "code", "indicator"], kind="stable").drop(columns="_o")
    return out.reset_index(drop=True)
