"""Small layer-free helpers shared by every layer."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches

__all__ = ["check_option", "nearest", "unknown_name_message"]


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


def nearest(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates closest to ``name`` (for 'did you mean' messages)."""
    return get_close_matches(str(name), [str(c) for c in candidates], n=n, cutoff=0.5)


def unknown_name_message(kind: str, name: str, candidates: Iterable[str]) -> str:
    """A message for an unknown id that names the nearest valid ids."""
    candidates = sorted(candidates)
    close = nearest(name, candidates)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return f"Unknown {kind} {name!r}.{hint} Valid {kind}s: {', '.join(candidates)}."
