"""Set-up of a before/after study for the notebooks: the dataset, the switch date, teams and
windows (filled in from ``PLANTED.json``) and the indicator table.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from kpi_lib.analyses.before_after.common import as_list, as_window
from kpi_lib.analyses.before_after.derived import DERIVED, add_derived_indicator
from kpi_lib.analyses.before_after.windows import windows_around
from kpi_lib.indicators.periods import period_label

__all__ = [
    "ensure_case_study_dataset",
    "indicator_table",
    "planted_setup",
    "study_setup",
]


def planted_setup(path) -> dict:
    """Switch date and team roles recorded by the synthetic generator in ``PLANTED.json``.

    Parameters
    ----------
    path : str or Path
        Dataset folder (relative paths resolve against the project root).

    Returns
    -------
    dict
        ``switch`` (Timestamp), ``treated`` and ``comparison`` (lists of team ids),
        ``phase_in_days`` (int, 0 when not recorded).
    """
    from kpi_lib.paths import resolve

    file = resolve(path) / "PLANTED.json"
    if not file.is_file():
        raise FileNotFoundError(
            f"{file} does not exist: only synthetic datasets record their scheme change; pass "
            "the switch date and the treated/comparison teams explicitly."
        )
    change = json.loads(file.read_text(encoding="utf-8")).get("scheme_change")
    if not change:
        raise ValueError(f"{file} records no scheme change (`scheme_change` is empty).")
    return {
        "switch": pd.Timestamp(change["date"]),
        "treated": [str(t) for t in change["treated_teams"]],
        "comparison": [str(t) for t in change.get("comparison_teams", [])],
        "phase_in_days": int(change.get("phase_in_days", 0)),
    }


def ensure_case_study_dataset(
    path, *, preset: str = "case_study", seed: int = 7, **options
) -> Path:
    """The dataset folder at ``path``, generated with the synthetic ``preset`` if it is absent.

    Parameters
    ----------
    path : str or Path
        Dataset folder (relative paths resolve against the project root). Used as is when it
        already holds a ``calls`` table.
    preset : str
        Preset of :func:`kpi_lib.data.synth.generate` (``case_study``: two treated teams and
        one comparison team that keeps the old scheme). Empty: never generate; a missing
        folder is an error.
    seed : int
        Generator seed.
    **options
        Further keyword arguments of :func:`kpi_lib.data.synth.generate` (e.g.
        ``scheme_change="2026-04-01"``, ``months=12``).

    Returns
    -------
    Path
        The absolute dataset folder.
    """
    from kpi_lib.paths import resolve

    folder = resolve(path)
    if folder.is_dir() and any(folder.glob("calls.*")):
        return folder
    if not preset:
        raise FileNotFoundError(
            f"Dataset folder {folder} does not exist or has no calls table; pass a synthetic "
            "preset (e.g. 'case_study') to generate it there."
        )
    from kpi_lib.data import synth

    synth.generate(folder, preset=preset, seed=seed, **options)
    return folder


def _given(x) -> bool:
    if x is None:
        return False
    if isinstance(x, str):
        return x.strip() != ""
    return len(x) > 0


def _complete_span(data_start, data_end) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """First day of the first complete month and last day of the last complete month.

    A month whose first or last few days (up to 3: a weekend, a holiday) are missing still
    counts as complete.
    """
    first = last = None
    if _given(data_start):
        day = pd.Timestamp(data_start).normalize()
        month_start = day.replace(day=1)
        first = (
            month_start if (day - month_start).days <= 3 else month_start + pd.DateOffset(months=1)
        )
    if _given(data_end):
        day = pd.Timestamp(data_end).normalize()
        month_end = day + pd.offsets.MonthEnd(0)
        last = (
            month_end if (month_end - day).days <= 3 else day.replace(day=1) - pd.Timedelta(days=1)
        )
    return first, last


def _months_between(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Whole months from the month of ``start`` to the month of ``end`` inclusive."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def study_setup(
    path,
    *,
    switch=None,
    treated: Sequence[str] | None = None,
    comparison: Sequence[str] | None = None,
    before=None,
    after=None,
    its_window=None,
    before_months: int | None = None,
    after_months: int | None = None,
    skip_months: int = 1,
    data_start=None,
    data_end=None,
) -> dict:
    """Switch date, teams and windows of a before/after study; what is not given comes from
    the dataset's ``PLANTED.json`` and the span of the data.

    Empty strings and empty lists count as "not given", so notebook parameters can default
    to them.

    Parameters
    ----------
    path : str or Path
        Dataset folder.
    switch : date-like, optional
        First day under the new scheme.
    treated, comparison : list of str, optional
        Teams that switched / kept the old scheme.
    before, after : (start, end), optional
        Inclusive windows; default :func:`windows_around` with the month counts below.
    its_window : (start, end), optional
        Window of the interrupted time series (default: the whole series).
    before_months, after_months : int, optional
        Passed to :func:`windows_around` when a window is not given. Default (None): the
        longest span of complete months the data hold on that side (3 when the data's first
        or last day is not given).
    skip_months : int
        Months right after the switch left out of the after window (``skip_months=1`` leaves
        out the first month after the switch, while the new habits settle).
    data_start, data_end : date-like, optional
        First and last day with data. A window running outside the complete months of the
        data is cut back to them (and ``notes`` says so); a window wholly outside them is an
        error.

    Returns
    -------
    dict
        ``switch`` (Timestamp), ``treated``, ``comparison`` (lists), ``before``, ``after``
        (pairs of Timestamps), ``its_window`` (pair or None), ``before_last`` and
        ``after_last`` (labels ``YYYY-MM`` of the last month of each window, for re-scoring),
        ``data_from`` and ``data_to`` (the data's first and last day, or None, for the
        interrupted time series), ``source`` (``given`` or the PLANTED.json path, for what was
        filled in), and ``notes`` (windows cut back to the data, in plain words).

    Raises
    ------
    ValueError
        When a window lies wholly outside the complete months of the data, or no complete
        month is left on one side of the switch.
    """
    need_planted = not (_given(switch) and _given(treated))
    planted = planted_setup(path) if need_planted else {}
    out = {
        "switch": pd.Timestamp(switch) if _given(switch) else planted["switch"],
        "treated": as_list(treated, "treated") if _given(treated) else planted["treated"],
        "comparison": (
            as_list(comparison, "comparison")
            if _given(comparison)
            else planted.get("comparison", [])
        ),
    }
    complete_from, complete_to = _complete_span(data_start, data_end)
    sw = out["switch"].normalize()
    first_after = sw.to_period("M") if sw.day == 1 else sw.to_period("M") + 1
    if before_months is None:
        before_months = (
            _months_between(complete_from, sw.to_period("M").to_timestamp() - pd.Timedelta(days=1))
            if complete_from is not None
            else 3
        )
    if after_months is None:
        a0 = (first_after + int(skip_months)).to_timestamp()
        after_months = _months_between(a0, complete_to) if complete_to is not None else 3
    for name, n in (("before", before_months), ("after", after_months)):
        if int(n) < 1:
            raise ValueError(
                f"The data hold no complete month {name} the switch {sw.date()}"
                + (f" (after the {skip_months}-month settling-in)" if name == "after" else "")
                + f"; complete months run {_d(complete_from)} - {_d(complete_to)}."
            )
    auto = windows_around(
        out["switch"],
        before_months=before_months,
        after_months=after_months,
        skip_months=skip_months,
    )
    for name, w in (("before", before), ("after", after)):
        out[name] = as_window(w, name) if w is not None and all(map(_given, w)) else auto[name]
    out["notes"] = []
    for name in ("before", "after"):
        start, end = out[name]
        if (complete_to is not None and start > complete_to) or (
            complete_from is not None and end < complete_from
        ):
            raise ValueError(
                f"The {name} window {start.date()} - {end.date()} lies outside the complete "
                f"months of the data ({_d(complete_from)} - {_d(complete_to)}); give a window "
                "inside them."
            )
        if complete_to is not None and end > complete_to:
            out[name] = (start, complete_to)
            out["notes"].append(
                f"The {name} window was cut back from {end.date()} to {complete_to.date()}, "
                "the end of the last complete month in the data."
            )
        start, end = out[name]
        if complete_from is not None and start < complete_from:
            out[name] = (complete_from, end)
            out["notes"].append(
                f"The {name} window now starts on {complete_from.date()} instead of "
                f"{start.date()}, the first complete month in the data."
            )
    out["its_window"] = (
        as_window(its_window, "its_window")
        if its_window is not None and all(map(_given, its_window))
        else None
    )
    out["before_last"] = period_label(out["before"][1], "month")
    out["after_last"] = period_label(out["after"][1], "month")
    out["data_from"] = pd.Timestamp(data_start).normalize() if _given(data_start) else None
    out["data_to"] = pd.Timestamp(data_end).normalize() if _given(data_end) else None
    out["source"] = "given" if not need_planted else "PLANTED.json"
    return out


def _d(x) -> str:
    return "?" if x is None else str(pd.Timestamp(x).date())


def indicator_table(
    path,
    *,
    indicators: Sequence[str] | str,
    granularity: str = "month",
    schemes: Sequence = (),
    level: str = "agent",
    definitions=None,
) -> pd.DataFrame:
    """Indicator table for a study: the requested ids (derived ones included) plus every
    indicator the given schemes weight.

    Parameters
    ----------
    path : Dataset, str or Path
        A loaded dataset (validated rows only) or a dataset folder.
    indicators : list of str
        Catalogue ids or :data:`DERIVED` ids.
    granularity : {"week", "month", "quarter", "year"}
        Period length.
    schemes : list of Scheme or str
        Schemes whose indicators are added (for :func:`rescore_under_schemes`).
    level : {"agent", "team"}
        Passed to :func:`kpi_lib.indicators.engine.compute_indicators`.
    definitions : Definitions, optional
        Indicator definitions (the review's); default definitions otherwise.

    Returns
    -------
    DataFrame
        The indicator table of :func:`kpi_lib.indicators.engine.compute_indicators` with the
        derived indicators appended (:func:`add_derived_indicator`).
    """
    from kpi_lib.indicators.engine import compute_indicators
    from kpi_lib.paths import resolve

    wanted = as_list(indicators, "indicators")
    ids: list[str] = []
    for ind in wanted:
        srcs = [DERIVED[ind][0][0], DERIVED[ind][1][0]] if ind in DERIVED else [ind]
        ids += [i for i in srcs if i not in ids]
    if schemes:
        from kpi_lib.scoring.schemes import load_scheme

        for s in schemes:
            ids += [i for i in load_scheme(s).indicator_ids if i not in ids]
    from kpi_lib.data.dataset import Dataset

    # a loaded Dataset has been through the validating loader; a folder is read as it is
    source = path if isinstance(path, Dataset) else str(resolve(path))
    table = compute_indicators(
        source, granularity=granularity, level=level, indicators=ids, definitions=definitions
    )
    for ind in wanted:
        if ind in DERIVED:
            table = add_derived_indicator(table, indicator=ind)
    return table
