"""The catalogue itself: every entry by id, lookup by id and display names."""

from __future__ import annotations

import dataclasses

from kpi_lib._util import check_option, unknown_name_message
from kpi_lib.indicators.catalogue.dimensions import DIMENSIONS
from kpi_lib.indicators.catalogue.efficiency import EFFICIENCY
from kpi_lib.indicators.catalogue.growth import GROWTH
from kpi_lib.indicators.catalogue.indicator import DIRECTIONS, ROLES, Indicator
from kpi_lib.indicators.catalogue.output import LEVELS
from kpi_lib.indicators.catalogue.performance import PERFORMANCE, TEAM
from kpi_lib.indicators.catalogue.quality import QUALITY
from kpi_lib.indicators.definitions import Definitions

__all__ = ["CATALOGUE", "get_indicator", "label"]

#: Every indicator, by id, in catalogue order (dimension by dimension, the team one last).
CATALOGUE: dict[str, Indicator] = {
    i.id: i for i in (*PERFORMANCE, *EFFICIENCY, *QUALITY, *GROWTH, *TEAM)
}


def get_indicator(indicator_id: str) -> Indicator:
    """The catalogue entry of ``indicator_id``; a KeyError names the nearest ids."""
    if isinstance(indicator_id, Indicator):
        return indicator_id
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        raise KeyError(unknown_name_message("indicator", indicator_id, CATALOGUE)) from None


def label(indicator_id: str, language: str = "en") -> str:
    """Display name of an indicator in ``en``, ``zh-Hans`` or ``zh-Hant``."""
    return get_indicator(indicator_id).name(language)


def _check_entries() -> None:
    """Internal consistency of the entries (run at import; a broken entry fails loudly)."""
    from kpi_lib.data.contract import CONTRACT

    params = {f.name for f in dataclasses.fields(Definitions)}
    for ind in CATALOGUE.values():
        check_option(f"{ind.id}.dimension", ind.dimension, DIMENSIONS)
        check_option(f"{ind.id}.direction", ind.direction, DIRECTIONS)
        check_option(f"{ind.id}.role", ind.role, ROLES)
        check_option(f"{ind.id}.level", ind.level, LEVELS)
        for t in ind.tables:
            check_option(f"{ind.id}.tables", t, CONTRACT)
        for c in ind.columns:
            t, col = c.split(".")
            CONTRACT[t].column(col)
        for p in ind.params:
            check_option(f"{ind.id}.params", p, params)


_check_entries()
