"""Small layer-free helpers shared by every layer."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

__all__ = [
    "FORMULA_PREFIXES",
    "check_currency",
    "check_option",
    "nearest",
    "neutralise_formula",
    "neutralise_formulas",
    "restore_formula",
    "restore_formulas",
    "unknown_name_message",
    "write_csv",
]


def check_option(param: str, value, options: Iterable) -> None:
    """Raise a ValueError naming the parameter and its allowed values when ``value`` is not one.

    Examples
    --------
    >>> check_option("method", "minmax", ["minmax", "zscore"])
    """
    options = list(options)
    if value not in options:
        raise ValueError(
            f"The value for `{param}` must be one of {options}, but {value!r} was passed."
        )


def _quoted(name: str) -> str:
    """``name`` with its first word in backquotes ("currency (--set)" -> "`currency` (--set)")."""
    first, _, rest = name.partition(" ")
    return f"`{first}`" + (f" {rest}" if rest else "")


def check_currency(value, source: str = "currency") -> str:
    """``value`` as an ISO 4217 currency code Babel (CLDR) knows, upper-cased.

    Raises
    ------
    ValueError
        Naming ``source``, the value given and the nearest known codes.

    Examples
    --------
    >>> check_currency("hkd"), check_currency("TWD")
    ('HKD', 'TWD')
    >>> check_currency("RMB")
    Traceback (most recent call last):
    ...
    ValueError: `currency` must be an ISO 4217 currency code such as CNY, HKD, TWD, USD or EUR, but 'RMB' was given. Did you mean 'CNY'?
    """
    from babel.numbers import list_currencies

    code = str(value).strip().upper() if isinstance(value, str) else value
    known = list_currencies()
    if isinstance(code, str) and code in known:
        return code
    # the everyday names of the currencies this workbench is used with are not ISO codes
    usual = {"RMB": "CNY", "NTD": "TWD", "NT$": "TWD", "HK$": "HKD", "US$": "USD"}
    close = [usual[code]] if code in usual else nearest(str(code), sorted(known))
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    raise ValueError(
        f"{_quoted(source)} must be an ISO 4217 currency code such as CNY, HKD, TWD, USD or EUR, "
        f"but {value!r} was given.{hint}"
    )


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``name`` (for 'did you mean' messages)."""
    return get_close_matches(str(name), [str(c) for c in candidates], n=n, cutoff=0.5)


def unknown_name_message(kind: str, name: str, candidates: Iterable[str]) -> str:
    """A message for an unknown id that names the nearest valid ids."""
    candidates = sorted(candidates)
    close = nearest(name, candidates)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"Unknown {kind} {name!r}.{hint} Valid {kind}s: {', '.join(candidates)}."


#: First characters that make a spreadsheet read a text cell as a formula (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _guarded(value: str) -> bool:
    """True when ``value`` (after any apostrophes) starts like a formula."""
    return value.lstrip("'").startswith(FORMULA_PREFIXES)


def neutralise_formula(value):
    """``value`` with a leading apostrophe when it is text that a spreadsheet would run.

    Text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    ``'`` (the OWASP advice against CSV injection). Text that already starts with apostrophes
    before such a character gets one more, so :func:`restore_formula` undoes every change
    exactly. Anything that is not text (numbers, including negative ones, dates, missing
    values) is returned unchanged.

    Examples
    --------
    >>> neutralise_formula("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> neutralise_formula("-5"), neutralise_formula(-5), neutralise_formula("A-5")
    ("'-5", -5, 'A-5')
    """
    if isinstance(value, str) and _guarded(value):
        return "'" + value
    return value


def restore_formula(value):
    """Undo :func:`neutralise_formula`: drop the apostrophe it added, leave anything else.

    Examples
    --------
    >>> restore_formula("'=1+1"), restore_formula("'quoted"), restore_formula(3)
    ('=1+1', "'quoted", 3)
    """
    if isinstance(value, str) and value.startswith("'") and _guarded(value[1:]):
        return value[1:]
    return value


def _map_text(df, func):
    import pandas as pd

    out = df.copy()
    for i in range(out.shape[1]):
        col = out.iloc[:, i]
        if isinstance(col.dtype, pd.CategoricalDtype):
            col = col.astype(object)
        elif not (pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)):
            continue
        out.isetitem(i, col.map(func, na_action="ignore"))
    out.columns = [func(c) for c in out.columns]
    return out


def neutralise_formulas(df):
    """A copy of ``df`` safe to open in a spreadsheet: every text cell that starts like a
    formula gets a leading apostrophe.

    Use it on every table written as CSV or XLSX (not Parquet). Text cells and column labels
    starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are prefixed with
    ``'`` (see :func:`neutralise_formula`); numbers stay numbers (a negative number stored as a
    number is not text and is left alone), as do dates, booleans and missing values.
    Categorical columns come back as plain text columns. :func:`restore_formulas` undoes it.

    Parameters
    ----------
    df : DataFrame

    Returns
    -------
    DataFrame
        A copy with the same shape, index and column order.

    References
    ----------
    OWASP, "CSV Injection", https://owasp.org/www-community/attacks/CSV_Injection

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"note": ["=1+1", "@SUM(A1)", "-", "ok"], "value": [-1.5, 2, 3, 4]})
    >>> neutralise_formulas(df)
            note  value
    0      '=1+1   -1.5
    1  '@SUM(A1)    2.0
    2         '-    3.0
    3         ok    4.0
    >>> restore_formulas(neutralise_formulas(df)).equals(df)
    True
    """
    return _map_text(df, neutralise_formula)


def restore_formulas(df):
    """Undo :func:`neutralise_formulas` on a table read back from a file the project wrote.

    Examples
    --------
    >>> import pandas as pd
    >>> restore_formulas(pd.DataFrame({"note": ["'=1+1", "'quoted"]}))["note"].tolist()
    ['=1+1', "'quoted"]
    """
    return _map_text(df, restore_formula)


def write_csv(df, path, *, encoding: str = "utf-8"):
    r"""Write ``df`` as a CSV file that is safe to open in a spreadsheet; return the path.

    Text that starts like a formula is neutralised (:func:`neutralise_formulas`), the index is
    left out, and lines end in CRLF (RFC 4180), which also makes the writer quote every cell
    holding a carriage return or a line feed: an unquoted carriage return would start a new
    row in a spreadsheet, whose first cell could again be a formula. Parent folders must exist.

    Parameters
    ----------
    df : DataFrame
    path : str or Path
    encoding : str, default "utf-8"
        ``"utf-8-sig"`` (with BOM) for files meant for Excel.

    Examples
    --------
    >>> import io
    >>> import pandas as pd
    >>> buf = io.StringIO()
    >>> _ = write_csv(pd.DataFrame({"id": ["=1+1", "\r=2", "A1"], "x": [-1, 2, 3]}), buf)
    >>> buf.getvalue()
    'id,x\r\n\'=1+1,-1\r\n"\'\r=2",2\r\nA1,3\r\n'
    """
    neutralise_formulas(df).to_csv(path, index=False, encoding=encoding, lineterminator="\r\n")
    return path
