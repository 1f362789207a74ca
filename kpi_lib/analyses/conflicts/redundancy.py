"""6. Redundancy: pairs that double-count, internal consistency of each dimension (Cronbach's
alpha) and principal components.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.conflicts.tables import (
    indicator_dimensions,
    indicator_directions,
    wide_indicators,
)

__all__ = [
    "cronbach_alpha",
    "cronbach_alpha_by_dimension",
    "principal_components",
    "redundant_pairs",
    "standardised_indicators",
]


def redundant_pairs(correlations: pd.DataFrame, *, method: str = "spearman") -> pd.DataFrame:
    """The pairs of :func:`correlation_map` flagged ``redundant`` for one method.

    Returns
    -------
    DataFrame
        The rows of ``correlations`` with ``flag == "redundant"`` and the given method,
        strongest first.
    """
    check_option("method", method, sorted(correlations["method"].unique()) or [method])
    out = correlations[(correlations["flag"] == "redundant") & (correlations["method"] == method)]
    return out.sort_values("r", key=np.abs, ascending=False).reset_index(drop=True)


def cronbach_alpha(items: pd.DataFrame, *, ci: float = 0.95) -> tuple[float, float, float]:
    """Cronbach's alpha of the columns of ``items`` (listwise deletion) with Feldt's interval.

    Returns
    -------
    tuple
        ``(alpha, ci_low, ci_high)``.

    Notes
    -----
    ``alpha = k / (k - 1) (1 - trace(C) / sum(C))`` for the item covariance matrix C;
    interval ``1 - (1 - alpha) F_{a/2 | 1 - a/2}(n - 1, (n - 1)(k - 1))`` (Feldt et al. 1987),
    as ``pingouin.cronbach_alpha(nan_policy="listwise")``.
    """
    d = items.dropna()
    n, k = d.shape
    if k < 2 or n < 3:
        return np.nan, np.nan, np.nan
    c = np.cov(d.to_numpy(float), rowvar=False)
    a = (k / (k - 1)) * (1 - np.trace(c) / c.sum())
    level = 1 - ci
    df1, df2 = n - 1, (n - 1) * (k - 1)
    lo = 1 - (1 - a) * stats.f.isf(level / 2, df1, df2)
    hi = 1 - (1 - a) * stats.f.isf(1 - level / 2, df1, df2)
    return float(a), float(lo), float(hi)


def standardised_indicators(wide: pd.DataFrame, directions: dict | None) -> pd.DataFrame:
    """The columns of a :func:`~kpi_lib.analyses.conflicts.tables.wide_indicators` matrix
    z-scored and oriented (lower-is-better columns negated), so that higher is better."""
    dirs = indicator_directions(wide.columns, directions)
    z = (wide - wide.mean()) / wide.std()
    return z * pd.Series(dirs)[z.columns]


def cronbach_alpha_by_dimension(
    indicators: pd.DataFrame,
    *,
    dimensions: dict | None = None,
    directions: dict | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Internal consistency of the indicators of each dimension (Cronbach's alpha).

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    dimensions : dict, optional
        ``{indicator: dimension}`` overriding the catalogue.
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.
    ids : list of str, optional
        Indicators to include.

    Returns
    -------
    DataFrame
        ``dimension``, ``n_items``, ``items`` (comma-separated), ``n_obs`` (complete
        agent-periods), ``alpha``, ``ci_low``, ``ci_high``, ``reading`` (``high``: >= 0.9, the
        items may double-count; ``acceptable``: >= 0.7; ``low``: the items measure different
        things, fine for a balanced scheme but not a single construct).

    Notes
    -----
    Items are z-scored and lower-is-better items reversed first (standardised alpha), because
    indicators are on unrelated scales.
    """
    wide = wide_indicators(indicators, ids=ids)
    dims = indicator_dimensions(wide.columns, dimensions)
    z = standardised_indicators(wide, directions)
    rows = []
    for dim in sorted(set(dims.values())):
        cols = [c for c in z.columns if dims.get(c) == dim]
        a, lo, hi = cronbach_alpha(z[cols]) if len(cols) >= 2 else (np.nan,) * 3
        rows.append(
            {
                "dimension": dim,
                "n_items": len(cols),
                "items": ", ".join(cols),
                "n_obs": int(z[cols].dropna().shape[0]),
                "alpha": a,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    out = pd.DataFrame(
        rows, columns=["dimension", "n_items", "items", "n_obs", "alpha", "ci_low", "ci_high"]
    )
    out["reading"] = np.select(
        [out["alpha"].isna(), out["alpha"] >= 0.9, out["alpha"] >= 0.7],
        ["not computable", "high", "acceptable"],
        default="low",
    )
    return out


def principal_components(
    indicators: pd.DataFrame,
    *,
    n_components: int = 3,
    ids: Sequence[str] | None = None,
    directions: dict | None = None,
) -> pd.DataFrame:
    """First principal components of the (standardised, oriented) indicators.

    Parameters
    ----------
    indicators : DataFrame
        Indicator table.
    n_components : int
        Components to return.
    ids : list of str, optional
        Indicators to include (default: those present in at least 90 % of agent-periods, so
        that listwise deletion keeps most rows).
    directions : dict, optional
        ``{indicator: "higher"|"lower"}`` overriding the catalogue.

    Returns
    -------
    DataFrame
        One row per component and indicator: ``component`` (1-based), ``indicator``,
        ``loading`` (eigenvector entry times sqrt(eigenvalue): the correlation of the
        indicator with the component), ``explained_variance_ratio``, ``cumulative_ratio``,
        ``n_obs``.

    Notes
    -----
    Eigen-decomposition of the correlation matrix of complete agent-periods. Each component's
    sign is fixed so that its largest loading is positive.
    """
    wide = wide_indicators(indicators, ids=ids, min_coverage=0.5 if ids else 0.9)
    z = standardised_indicators(wide, directions).dropna()
    if z.shape[0] < 3 or z.shape[1] < 2:
        raise ValueError(
            f"Principal components need at least 3 complete agent-periods and 2 indicators; "
            f"got {z.shape[0]} rows and {z.shape[1]} indicators."
        )
    corr = np.corrcoef(z.to_numpy(), rowvar=False)
    vals, vecs = np.linalg.eigh(corr)
    order = np.argsort(vals)[::-1]
    vals, vecs = np.clip(vals[order], 0, None), vecs[:, order]
    ratio = vals / vals.sum()
    rows = []
    for k in range(min(n_components, len(vals))):
        v = vecs[:, k]
        if v[np.argmax(np.abs(v))] < 0:
            v = -v
        for ind, w in zip(z.columns, v, strict=True):
            rows.append(
                {
                    "component": k + 1,
                    "indicator": ind,
                    "loading": float(w * np.sqrt(vals[k])),
                    "explained_variance_ratio": float(ratio[k]),
                    "cumulative_ratio": float(ratio[: k + 1].sum()),
                    "n_obs": int(z.shape[0]),
                }
            )
    return pd.DataFrame(rows)
