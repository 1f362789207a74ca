"""What one catalogue entry holds: the :class:`Indicator` record and its constructor."""

from __future__ import annotations

from dataclasses import dataclass

from kpi_lib.indicators.catalogue.languages import language_code

__all__ = ["Indicator", "DIRECTIONS", "ROLES", "entry"]

DIRECTIONS = ("higher", "lower")
ROLES = ("volume", "quality", "outcome", "rate", "capability")


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    Attributes
    ----------
    id : str
        snake_case identifier used in every table.
    name_en, name_zh_hans, name_zh_hant : str
        Display names.
    dimension : str
        ``performance``, ``efficiency``, ``quality`` or ``growth``.
    unit : str
        ``currency``, ``count``, ``share`` (a fraction 0-1, shown as %), ``minutes``,
        ``seconds``, ``score 1-5``, ``per 100 customers`` or ``level 1-3``.
    direction : str
        ``higher`` or ``lower`` is better.
    tables : tuple of str
        Contract tables the indicator needs.
    numerator, denominator : str
        The formula in words (what :func:`catalogue_markdown` shows); ``denominator`` is
        ``"1"`` for counts and amounts. The computable formula is ``FORMULAS[id]``.
    role : str
        ``volume`` (activity counts that can be padded), ``outcome`` (business results),
        ``rate`` (efficiency ratios), ``quality`` or ``capability``.
    long_term : bool
        Guards long-term customer or team value (repurchase, satisfaction, skills).
    pairs_with : tuple of str
        For a volume indicator, the quality indicators that should be weighted beside it.
    ratio : bool
        Whether the value is a true ratio (denominator not constantly 1).
    definition : str
        One-sentence English definition.
    columns : tuple of str
        Optional contract columns needed (``table.column``).
    params : tuple of str
        :class:`~kpi_lib.indicators.definitions.Definitions` fields the indicator depends on.
    cycle : str
        Review cycle the sources recommend (``month`` for performance and efficiency,
        ``quarter`` for quality and growth).
    missing_reason : str
        Reason given when the denominator is zero.
    level : str
        ``agent`` (computed per agent, summed to teams) or ``team`` (a team result that every
        agent of the team shares).
    """

    id: str
    name_en: str
    name_zh_hans: str
    name_zh_hant: str
    dimension: str
    unit: str
    direction: str
    tables: tuple[str, ...]
    numerator: str
    denominator: str
    role: str
    long_term: bool = False
    pairs_with: tuple[str, ...] = ()
    ratio: bool = False
    definition: str = ""
    columns: tuple[str, ...] = ()
    params: tuple[str, ...] = ()
    cycle: str = "month"
    missing_reason: str = ""
    level: str = "agent"

    def name(self, language: str = "en") -> str:
        """Display name in ``en``, ``zh-Hans`` or ``zh-Hant``."""
        names = {"en": self.name_en, "zh-Hans": self.name_zh_hans, "zh-Hant": self.name_zh_hant}
        return names[language_code(language)]


def entry(id, en, hans, hant, dimension, unit, direction, tables, num, den, role, **kw):
    """An :class:`Indicator` from positional essentials: ``ratio`` defaults to a denominator
    other than ``"1"``, ``cycle`` to ``month`` for performance and efficiency, else
    ``quarter``."""
    kw.setdefault("ratio", den != "1")
    kw.setdefault("cycle", "month" if dimension in ("performance", "efficiency") else "quarter")
    return Indicator(
        id, en, hans, hant, dimension, unit, direction, tuple(tables), num, den, role, **kw
    )
