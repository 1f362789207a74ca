"""3. Expected relations: the catalogue's expected signs compared with the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.conflicts.inference import bh_adjust, cluster_corr, evidence_label
from kpi_lib.analyses.conflicts.tables import (
    check_indicator_table,
    indicator_catalogue,
    small_sample_mask,
    subject_ids,
    wide_indicators,
)
from kpi_lib.analyses.conflicts.within_between import rm_corr_arrays

__all__ = [
    "expected_relations",
]


def _centre(v: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """``v`` minus its mean within each cell (team-period fixed effects)."""
    k = cells.max() + 1 if len(cells) else 0
    return (
        v
        - (
            np.bincount(cells, weights=v, minlength=k)
            / np.maximum(np.bincount(cells, minlength=k), 1)
        )[cells]
    )


def expected_relations(
    indicators: pd.DataFrame,
    *,
    expected: pd.DataFrame | None = None,
    alpha: float = 0.05,
    min_obs: int = 10,
    min_trials: int = 10,
) -> pd.DataFrame:
    """Compare the catalogue's expected relations with the data.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    expected : DataFrame, optional
        Columns ``indicator_a``, ``indicator_b``, ``expected_sign`` (+1 / -1) and optionally
        ``rationale``; default ``kpi_lib.indicators.catalogue.EXPECTED_RELATIONS``.
    alpha : float
        False-discovery rate.
    min_obs : int
        Minimum complete agent-periods for a test.
    min_trials : int
        Values that rest on too little data are left out
        (:func:`~kpi_lib.analyses.conflicts.tables.small_sample_mask`): rates on fewer trials
        (denominator) than this, and every value of an agent-period whose call volume is below
        a quarter of the period's median agent (new hires, leavers). An agent with a handful
        of calls never drives a finding.

    Returns
    -------
    DataFrame
        One row per expected relation whose indicators are both present: ``indicator_a``,
        ``indicator_b``, ``expected_sign``, ``rationale``, ``n``, ``n_agents``, ``r``
        (Spearman across agent-periods, ranks centred within each team-period so that month
        shocks shared by the agents do not make the relation), ``ci_low``, ``ci_high``, ``p_value`` (agent-clustered),
        ``p_adj`` (Benjamini-Hochberg over the listed relations), ``within_r`` (repeated-measures
        r, NaN at team level), ``verdict`` (``contradicted``: significant and of the opposite
        sign; ``confirmed``; ``not detected``; ``not computable``), ``evidence`` (words for
        ``p_adj``).
    """
    subject = check_indicator_table(indicators)
    if expected is None:
        cat = indicator_catalogue()
        if cat is None or not hasattr(cat, "EXPECTED_RELATIONS"):
            raise ValueError(
                "No `expected` relations given and kpi_lib.indicators.catalogue."
                "EXPECTED_RELATIONS is unavailable."
            )
        expected = cat.EXPECTED_RELATIONS
    need = ["indicator_a", "indicator_b", "expected_sign"]
    miss = [c for c in need if c not in expected]
    if miss:
        raise KeyError(f"The `expected` table lacks column(s) {miss}; needs {need}.")
    wide = wide_indicators(indicators, min_coverage=0.0)
    groups = subject_ids(wide)
    cells = pd.factorize(
        wide.index.get_level_values("team_id").astype(str)
        + "|"
        + wide.index.get_level_values("period").astype(str)
    )[0]
    small = small_sample_mask(indicators, wide, min_trials)
    rows = []
    for rec in expected.to_dict("records"):
        a, b, sign = rec["indicator_a"], rec["indicator_b"], int(rec["expected_sign"])
        row = {
            "indicator_a": a,
            "indicator_b": b,
            "expected_sign": sign,
            "rationale": rec.get("rationale", ""),
        }
        if a not in wide or b not in wide:
            rows.append({**row, "n": 0, "n_agents": 0})
            continue
        x, y = wide[a].to_numpy(), wide[b].to_numpy()
        ok = ~(np.isnan(x) | np.isnan(y))
        ok &= ~small[a].to_numpy() & ~small[b].to_numpy()
        c = cells[ok]
        r, se, p, n, g = cluster_corr(
            _centre(stats.rankdata(x[ok]), c), _centre(stats.rankdata(y[ok]), c), groups[ok]
        )
        if n < min_obs:
            p = np.nan
        crit = stats.t.ppf(1 - alpha / 2, max(g - 1, 1))
        w = rm_corr_arrays(x[ok], y[ok], groups[ok])[0] if subject == "agent_id" else np.nan
        rows.append(
            {
                **row, "n": n, "n_agents": g, "r": r,
                "ci_low": max(-1.0, r - crit * se) if np.isfinite(se) else np.nan,
                "ci_high": min(1.0, r + crit * se) if np.isfinite(se) else np.nan,
                "p_value": p, "within_r": w,
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    for c in ("r", "ci_low", "ci_high", "p_value", "within_r"):
        if c not in out:
            out[c] = np.nan
    out["p_adj"] = bh_adjust(out["p_value"])
    sig = out["p_adj"] < alpha
    opposite = np.sign(out["r"]) == -out["expected_sign"]
    out["verdict"] = np.select(
        [out["p_value"].isna(), sig & opposite, sig],
        ["not computable", "contradicted", "confirmed"],
        default="not detected",
    )
    out["evidence"] = evidence_label(out["p_adj"])
    return out[
        [
            "indicator_a", "indicator_b", "expected_sign", "rationale", "n", "n_agents", "r",
            "ci_low", "ci_high", "p_value", "p_adj", "within_r", "verdict", "evidence",
        ]
    ]  # fmt: skip
