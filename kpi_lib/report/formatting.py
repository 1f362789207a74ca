"""Numbers, percentages, money and dates as a manager reads them, per locale (Babel/CLDR).

Every formatted value on a manager page goes through here, so that a missing value reads
"no data" (never ``NaN``, ``inf`` or ``None``), a flag reads "yes"/"no" (never
``True``/``False``), and separators, percent signs and currency symbols follow the review's
language. A table for a manager is built with :func:`manager_table`: labels instead of ids, no
index, every cell a formatted string.
"""

from __future__ import annotations

import datetime as dt
import decimal
import math
import re
from collections.abc import Mapping

import pandas as pd
from babel import numbers
from babel.dates import format_date as _babel_date

from kpi_lib._util import check_option
from kpi_lib.indicators import CATALOGUE, DIMENSIONS, LANGUAGES, dimension_label, label
from kpi_lib.report.markup import ALIGN_ATTR, column_alignment
from kpi_lib.report.review_text import TEXTS, text
from kpi_lib.review.spec import DEFAULT_CURRENCY

__all__ = [
    "LOCALES",
    "currency_name",
    "format_count",
    "format_currency",
    "format_date",
    "format_indicator",
    "format_number",
    "format_percent",
    "is_missing",
    "manager_table",
    "table_name",
    "with_labels",
]

#: Review language -> CLDR locale.
LOCALES = {"en": "en", "zh-Hans": "zh_Hans_CN", "zh-Hant": "zh_Hant_TW"}


def _locale(language: str) -> str:
    check_option("language", language, LANGUAGES)
    return LOCALES[language]


def _decimal(value) -> decimal.Decimal:
    """``value`` as a Decimal, rounded half up by the callers (1,234.5 -> 1,235, as people
    and payroll round; Babel follows the decimal context, whose default rounds half to even).
    From the shortest repr, so 2.675 is 2.675 and not 2.67499999..."""
    return decimal.Decimal(repr(float(value)))


def is_missing(value) -> bool:
    """True for None, NaN, NaT, pandas NA and infinities (a value a page cannot show).

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), float("inf"), 0, "")]
    [True, True, True, False, False]
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float | int) and not isinstance(value, bool):
        return not math.isfinite(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def _no_data(language: str) -> str:
    return text("fmt.no_data", language)


def format_number(value, language: str = "en", *, digits: int = 1) -> str:
    """A number with the locale's separators and ``digits`` decimals ("no data" if missing).

    Examples
    --------
    >>> format_number(12345.678), format_number(12345.678, "zh-Hans", digits=0)
    ('12,345.7', '12,346')
    """
    if is_missing(value):
        return _no_data(language)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        return numbers.format_decimal(_decimal(value), format=pattern, locale=_locale(language))


def format_count(value, language: str = "en") -> str:
    """A whole number with separators.

    Examples
    --------
    >>> format_count(188), format_count(None)
    ('188', 'no data')
    """
    return format_number(value, language, digits=0)


def format_percent(value, language: str = "en", *, digits: int = 0) -> str:
    """A share (0.873) as a percentage ("87 %" in the locale's form).

    Examples
    --------
    >>> format_percent(0.873), format_percent(0.873, "zh-Hans", digits=1)
    ('87%', '87.3%')
    """
    if is_missing(value):
        return _no_data(language)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "") + "%"
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        return numbers.format_percent(_decimal(value), format=pattern, locale=_locale(language))


def format_currency(
    value, language: str = "en", *, currency: str = DEFAULT_CURRENCY, digits: int = 0
) -> str:
    """An amount of money with the currency's symbol in the locale's form.

    ``currency`` is the review's (``review.spec.currency``: the review's setting, else the
    dataset's, else CNY).

    Examples
    --------
    >>> format_currency(16381.68), format_currency(16381.68, "zh-Hans")
    ('CN¥16,382', '¥16,382')
    >>> format_currency(16381.68, "zh-Hant", currency="HKD"), format_currency(5, currency="TWD")
    ('HK$16,382', 'NT$5')
    """
    if is_missing(value):
        return _no_data(language)
    pattern = "¤#,##0" + ("." + "0" * digits if digits > 0 else "")
    with decimal.localcontext(rounding=decimal.ROUND_HALF_UP):
        return numbers.format_currency(
            _decimal(value),
            currency,
            format=pattern,
            locale=_locale(language),
            currency_digits=False,
        )


def currency_name(currency: str = DEFAULT_CURRENCY, language: str = "en") -> str:
    """The currency's name in ``language`` with its ISO code, for saying what amounts are in.

    Examples
    --------
    >>> currency_name("HKD"), currency_name("HKD", "zh-Hant"), currency_name("CNY", "zh-Hans")
    ('Hong Kong Dollar (HKD)', '港幣 (HKD)', '人民币 (CNY)')
    """
    name = numbers.get_currency_name(currency, locale=_locale(language))
    return f"{name} ({currency})"


def format_date(value, language: str = "en") -> str:
    """A date in the locale's medium form.

    Examples
    --------
    >>> format_date("2026-10-31"), format_date("2026-10-31", "zh-Hans")
    ('Oct 31, 2026', '2026年10月31日')
    """
    if is_missing(value):
        return _no_data(language)
    day = pd.Timestamp(value).date() if not isinstance(value, dt.date) else value
    return _babel_date(day, format="medium", locale=_locale(language))


def format_indicator(
    indicator: str, value, language: str = "en", *, currency: str = DEFAULT_CURRENCY
) -> str:
    """An indicator value in the unit of the catalogue (share as %, money, seconds, ...).

    Examples
    --------
    >>> format_indicator("conversion_rate", 0.1234), format_indicator("sales_amount", 41240)
    ('12.3%', 'CN¥41,240')
    """
    if is_missing(value):
        return _no_data(language)
    unit = CATALOGUE[indicator].unit if indicator in CATALOGUE else ""
    if unit == "share":
        return format_percent(value, language, digits=1)
    if unit == "currency":
        return format_currency(value, language, currency=currency)
    if unit == "seconds":
        return text("fmt.seconds", language, value=format_number(value, language, digits=0))
    if unit == "minutes":
        return text("fmt.minutes", language, value=format_number(value, language, digits=0))
    if unit.startswith(("score", "level")):
        return format_number(value, language, digits=2)
    if float(value).is_integer():
        return format_count(value, language)
    return format_number(value, language, digits=1)


def with_labels(message: str, language: str = "en") -> str:
    """``message`` (a lower layer's sentence naming indicators and dimensions by id) with each
    id replaced by its label in ``language``: ids in backquotes, and bare snake_case
    indicator ids (a bare "quality" or "dials" is an English word, left alone).

    Examples
    --------
    >>> with_labels("`dials` is a volume indicator; `quality` too; consider team_target_attainment.")
    'Outbound dials is a volume indicator; Service quality too; consider Team-target attainment.'
    """
    names = {i: label(i, language) for i in CATALOGUE}
    names.update({d: dimension_label(d, language) for d in DIMENSIONS})

    def named(match: re.Match) -> str:
        return names.get(match.group(1) or match.group(2), match.group(0))

    return re.sub(r"`([a-z0-9_]+)`|\b([a-z0-9]+(?:_[a-z0-9]+)+)\b", named, str(message))


def _cell(value, kind: str, language: str, currency: str) -> str:
    if isinstance(value, bool) or kind == "flag":
        if is_missing(value):
            return _no_data(language)
        return text("fmt.yes" if bool(value) else "fmt.no", language)
    if kind == "text":
        return _no_data(language) if is_missing(value) else str(value)
    if kind == "count":
        return format_count(value, language)
    if kind == "percent":
        return format_percent(value, language, digits=1)
    if kind == "currency":
        return format_currency(value, language, currency=currency)
    if kind == "score":
        return format_number(value, language, digits=0)
    if kind == "date":
        return format_date(value, language)
    if kind.startswith("indicator:"):
        return format_indicator(kind.split(":", 1)[1], value, language, currency=currency)
    if kind == "number":
        return format_number(value, language)
    raise ValueError(f"Unknown column kind {kind!r} in manager_table.")


def manager_table(
    df: pd.DataFrame,
    columns: Mapping[str, tuple[str, str]],
    *,
    language: str = "en",
    currency: str = DEFAULT_CURRENCY,
) -> pd.DataFrame:
    """A table for a manager page: chosen columns, translated headers, formatted cells.

    Parameters
    ----------
    df : DataFrame
        Any tidy table.
    columns
        ``column -> (header key, kind)`` in display order. The header key is a key of the
        message catalogue (:func:`kpi_lib.report.review_text.text`) or ``indicator:<id>`` for
        an indicator's label. Kinds: ``text``, ``count``, ``number``, ``score``, ``percent``
        (a share 0-1), ``currency``, ``date``, ``flag`` (yes/no), ``indicator:<id>`` (the
        indicator's unit).

    Returns
    -------
    DataFrame
        One string column per entry of ``columns``, headed by its translated label, with a
        plain 0..n-1 index (hide it when rendering); missing values read "no data".
        ``attrs[ALIGN_ATTR]`` maps each header to its alignment for
        :func:`kpi_lib.report.markup.table_html`: numbers right; words and yes/no left; a
        ``text`` column right when every cell is a number the page formatted itself.

    Examples
    --------
    >>> t = pd.DataFrame({"agent_id": ["A1"], "bonus": [1234.5], "eligible": [True]})
    >>> manager_table(
    ...     t, {"agent_id": ("col.agent", "text"), "bonus": ("col.bonus", "currency"),
    ...         "eligible": ("col.eligible", "flag")}, language="zh-Hans",
    ... ).iloc[0].tolist()
    ['A1', '¥1,235', '是']
    """
    out, align = {}, {}
    for column, (header, kind) in columns.items():
        if header.startswith("indicator:"):
            title = label(header.split(":", 1)[1], language)
        else:
            title = text(header, language)
        values = df[column] if column in df else pd.Series([None] * len(df), index=df.index)
        out[title] = [_cell(v, kind, language, currency) for v in values]
        if kind == "flag":
            align[str(title)] = "left"
        elif kind == "text":  # words, or numbers a page formatted itself ("12.0%", "¥42,470")
            align[str(title)] = column_alignment(pd.DataFrame({title: out[title]}))[0]
        else:
            align[str(title)] = "right"
    table = pd.DataFrame(out)
    table.attrs[ALIGN_ATTR] = align
    return table


def table_name(table: str, language: str = "en") -> str:
    """The catalogue's name of a data-contract table (the id for an unknown table).

    Examples
    --------
    >>> table_name("calls"), table_name("calls", "zh-Hans"), table_name("crm_extra")
    ('calls', '通话', 'crm_extra')
    """
    key = f"quality.table.{table}"
    return text(key, language) if key in TEXTS else str(table)
