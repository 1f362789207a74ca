"""The four dimensions of the catalogue and their names in three languages."""

from __future__ import annotations

from kpi_lib._util import check_option
from kpi_lib.indicators.catalogue.languages import LANGUAGES, language_code

__all__ = ["DIMENSIONS", "DIMENSION_NAMES", "dimension_label"]

#: The four dimensions in their conventional order.
DIMENSIONS = ("performance", "efficiency", "quality", "growth")
#: Dimension -> names in the order of :data:`LANGUAGES`.
DIMENSION_NAMES = {
    "performance": ("Performance results", "业绩成果", "業績成果"),
    "efficiency": ("Operational efficiency", "运营效率", "運營效率"),
    "quality": ("Service quality", "服务质量", "服務質量"),
    "growth": ("Capability growth", "能力成长", "能力成長"),
}


def dimension_label(dimension: str, language: str = "en") -> str:
    """Display name of a dimension in ``en``, ``zh-Hans`` or ``zh-Hant``."""
    check_option("dimension", dimension, DIMENSIONS)
    return DIMENSION_NAMES[dimension][LANGUAGES.index(language_code(language))]
