"""Indicator labels, directions and units, and the indicators derived here from two catalogue
indicators (complaints per 100 orders).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option

__all__ = [
    "DERIVED",
    "add_derived_indicator",
    "indicator_meta",
]


def _catalogue():
    # Imported lazily so that a custom indicator table can be analysed without the catalogue.
    from kpi_lib.indicators import catalogue

    return catalogue.CATALOGUE


#: Indicators derived here from two catalogue indicators (see :func:`add_derived_indicator`):
#: id -> (numerator source, denominator source, scale, English label, direction, unit). A source
#: is ``(indicator id, "numerator" | "denominator")``.
DERIVED = {
    # The case study's "complaint rate 15 %" counts complaints per paying customer; the
    # catalogue's complaints_per_100 counts per customer served (reached by phone).
    "complaints_per_100_orders": (
        ("complaints_per_100", "numerator"),
        ("deals", "numerator"),
        1.0,
        "Complaints per 100 orders",
        "lower",
        "per 100 orders",
    ),
}


def indicator_meta(indicator: str) -> tuple[str, str | None, str]:
    """(English label, direction, unit) of a catalogue or :data:`DERIVED` indicator.

    Ids in neither keep their id as label, with no direction and no unit.
    """
    if indicator in DERIVED:
        return DERIVED[indicator][3], DERIVED[indicator][4], DERIVED[indicator][5]
    cat = _catalogue()
    ind = cat.get(indicator)
    if ind is None:
        return indicator, None, ""
    return ind.name_en, ind.direction, ind.unit


def add_derived_indicator(
    data: pd.DataFrame, *, indicator: str = "complaints_per_100_orders"
) -> pd.DataFrame:
    """The indicator table with rows of a derived ratio indicator appended.

    Parameters
    ----------
    data : DataFrame
        Indicator table holding the source indicators of ``indicator`` (see :data:`DERIVED`;
        for ``complaints_per_100_orders``: ``complaints_per_100`` and ``deals``).
    indicator : str
        Id in :data:`DERIVED`.

    Returns
    -------
    DataFrame
        ``data`` plus one row per agent (or team) and period for ``indicator``, with
        ``numerator`` and ``denominator`` taken from the sources (times the scale), ``value``
        their ratio (NaN, with a ``reason``, when the denominator is 0 or missing).
    """
    check_option("indicator", indicator, list(DERIVED))
    (num_id, num_col), (den_id, den_col), scale, *_ = DERIVED[indicator]
    for src in (num_id, den_id):
        if not (data["indicator"] == src).any():
            raise KeyError(
                f"Deriving `{indicator}` needs rows of `{src}` in the indicator table; compute "
                f"it with compute_indicators(..., indicators=[..., {src!r}])."
            )
    keys = [
        c for c in ("agent_id", "team_id", "period", "granularity", "period_start") if c in data
    ]
    num = data.loc[data["indicator"] == num_id, [*keys, num_col]].rename(
        columns={num_col: "numerator"}
    )
    den = data.loc[data["indicator"] == den_id, [*keys, den_col]].rename(
        columns={den_col: "denominator"}
    )
    rows = num.merge(den, on=keys, how="inner")
    rows["numerator"] = rows["numerator"] * scale
    ok = rows["denominator"] > 0
    rows["value"] = np.where(ok, rows["numerator"] / rows["denominator"].where(ok), np.nan)
    rows["reason"] = np.where(ok, "", f"no {den_id}")
    rows["indicator"] = indicator
    rows = rows.reindex(columns=data.columns)
    return pd.concat([data[data["indicator"] != indicator], rows], ignore_index=True)
