"""Check a review specification against the data and fix the windows it covers."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pandas as pd

from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine import unavailable_indicators
from kpi_lib.indicators.periods import (
    WorkCalendar,
    cycle_label_granularity,
    cycle_scoring_cycle,
    cycle_scoring_granularity,
    like_for_like_end,
    period_bounds,
    period_complete,
    period_label,
    period_labels,
    period_order,
    previous_period,
    working_calendar,
    working_days_between,
)
from kpi_lib.review.spec import DEFAULT_CURRENCY, ReviewSpec, SpecError
from kpi_lib.scoring.schemes import Scheme, list_schemes, load_scheme

__all__ = [
    "dataset_location",
    "last_complete_period",
    "load_definitions",
    "adapt_scheme",
    "adapt_schemes",
    "load_review_scheme",
    "periods_in_data",
    "resolve_spec",
    "review_currency",
]


def review_currency(spec: ReviewSpec, data: Dataset) -> str:
    """The currency a review shows money in: the review's ``currency`` setting, else the
    dataset's (``currency`` in its ``dataset.yaml``), else :data:`DEFAULT_CURRENCY`."""
    if spec.settings.get("currency"):
        return spec.currency
    if data.source is not None and Path(data.source).is_dir():
        from kpi_lib.data.load import read_settings

        declared = read_settings(data.source).currency
        if declared:
            return declared
    return DEFAULT_CURRENCY


def dataset_location(spec: ReviewSpec) -> str:
    """The dataset folder of a specification (the shipped sample when empty)."""
    if spec.dataset:
        return str(spec.dataset)
    from kpi_lib.datasets import sample_path

    return str(sample_path())


def _reason(exc: Exception) -> str:
    """An exception's message (a KeyError's without the quotes ``str`` adds)."""
    return str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)


def load_definitions(spec: ReviewSpec) -> Definitions:
    """The indicator definitions a review uses (defaults when none are given)."""
    if not spec.definitions:
        return Definitions()
    from kpi_lib.paths import resolve

    path = resolve(spec.definitions)
    if not path.is_file():
        raise SpecError(
            f"The definitions file {spec.definitions!r} does not exist; give a YAML file like "
            "params/definitions/default.yaml, or leave `definitions` empty for the defaults."
        )
    try:
        return Definitions.from_yaml(path)
    except (ValueError, TypeError, KeyError) as exc:
        raise SpecError(
            f"The definitions file {spec.definitions!r} is not valid: {_reason(exc)}"
        ) from None


def load_review_scheme(spec: ReviewSpec) -> Scheme:
    """The weight scheme of a review, with a clear error when it cannot be read; adapted to
    the data as :func:`resolve_spec` recorded (``spec.adapted["scheme"]``)."""
    try:
        scheme = load_scheme(spec.scheme)
    except (FileNotFoundError, ValueError, KeyError, TypeError) as exc:
        raise SpecError(
            f"The weight scheme {spec.scheme!r} cannot be used: {_reason(exc)}"
        ) from None
    adapted = spec.adapted.get("scheme") if spec.adapted else None
    if adapted:
        scheme = scheme.without({d["indicator"]: d["needs"] for d in adapted["dropped"]})
    return scheme


def adapt_scheme(
    scheme: Scheme, data: Dataset, definitions: Definitions, *, cycle: str | None = None
) -> tuple[Scheme, dict]:
    """The scheme as the review can use it on ``data``, and what was changed.

    Weighted indicators and gates the dataset cannot provide are dropped and the remaining
    weights rescaled when the scheme says ``missing_indicators: renormalise``.

    Returns
    -------
    (Scheme, dict)
        The scheme (unchanged when the data provide everything) and ``{}`` or ``{"dropped":
        [{"indicator", "role", "needs"}], "weights": {...}, "original_weights": {...}}``
        (shares of the composite after and before; with ``cycle``, of the indicators the
        review cycle assesses).

    Raises
    ------
    SpecError
        When the scheme says ``missing_indicators: stop`` (the message names the indicators,
        what they need and what to do), or nothing would be left to score.
    """
    missing = unavailable_indicators(data, definitions=definitions)
    used = set(scheme.indicator_ids) | {g.indicator for g in scheme.gates}
    blocked = missing[missing["indicator"].isin(used)]
    if blocked.empty:
        return scheme, {}
    needs = "; ".join(f"{r.indicator} needs {r.missing_tables}" for r in blocked.itertuples())
    if scheme.missing_indicators == "stop":
        raise SpecError(
            f"Scheme {scheme.name!r} uses indicators dataset {data.name!r} cannot provide: "
            f"{needs}. Add the missing tables or columns to the export, choose a scheme "
            "without these indicators (--set scheme=NAME or a YAML path; "
            "`kpi scheme check FILE --dataset DIR` checks one), or set "
            "`missing_indicators: renormalise` in the scheme to drop them and rescale the "
            "remaining weights (docs/schemes.md)."
        )
    try:
        adapted = scheme.without(
            dict(zip(blocked["indicator"], blocked["missing_tables"], strict=True))
        )
    except ValueError as exc:
        raise SpecError(
            f"Scheme {scheme.name!r} cannot score dataset {data.name!r}: {exc} Add the missing "
            "tables to the export or choose a scheme whose indicators the data provide "
            "(docs/schemes.md)."
        ) from None
    assessed = adapted.indicators_for_cycle(cycle_scoring_cycle(cycle)) if cycle else None
    before = scheme.indicators_for_cycle(cycle_scoring_cycle(cycle)) if cycle else None
    weights = {i: round(float(w), 6) for i, w in adapted.overall_weights(assessed).items()}
    original = {i: round(float(w), 6) for i, w in scheme.overall_weights(before).items()}
    return adapted, {**adapted.adapted, "weights": weights, "original_weights": original}


def adapt_schemes(
    schemes,
    data: Dataset,
    definitions: Definitions,
    *,
    cycle: str | None = None,
    baseline: Scheme | None = None,
) -> tuple[dict, list[dict]]:
    """Several schemes adapted to ``data`` as :func:`adapt_scheme` adapts a review's scheme
    (for pages that compare schemes); those that cannot be adapted are left out with why.

    Parameters
    ----------
    schemes : sequence of (str or Scheme)
        Scheme names, YAML paths or schemes.
    data, definitions, cycle
        As for :func:`adapt_scheme`.
    baseline : Scheme, optional
        Put first as it is (the review's own scheme, already adapted).

    Returns
    -------
    (dict, list of dict)
        Name -> adapted Scheme (``baseline`` first), and one dict per scheme adapted or left
        out: ``{"scheme", "code"}`` with ``code`` ``adapted`` (plus ``dropped``: indicator ids),
        ``stop`` (the scheme says ``missing_indicators: stop``; plus ``indicators``),
        ``empty`` (nothing left to score; plus ``indicators``) or ``unknown`` (unreadable;
        plus ``cause``: ``not_found`` or ``invalid``, ``available``: scheme names, and
        ``reason``: the loader's message, English, for the analyst).
    """
    out = {baseline.name: baseline} if baseline is not None else {}
    notes: list[dict] = []
    for item in schemes:
        try:
            scheme = load_scheme(item)
        except (FileNotFoundError, ValueError, KeyError, TypeError) as exc:
            found = (
                isinstance(item, Scheme) or str(item) in list_schemes() or Path(str(item)).is_file()
            )
            notes.append(
                {
                    "scheme": str(item),
                    "code": "unknown",
                    "cause": "invalid" if found else "not_found",
                    "available": list_schemes(),
                    "reason": _reason(exc),
                }
            )
            continue
        if scheme.name in out:
            continue
        try:
            adapted, info = adapt_scheme(scheme, data, definitions, cycle=cycle)
        except SpecError:
            missing = unavailable_indicators(data, definitions=definitions)
            used = set(scheme.indicator_ids) | {g.indicator for g in scheme.gates}
            blocked = sorted(set(missing["indicator"]) & used)
            code = "stop" if scheme.missing_indicators == "stop" else "empty"
            notes.append({"scheme": scheme.name, "code": code, "indicators": blocked})
            continue
        if info:
            dropped = [d["indicator"] for d in info.get("dropped", [])]
            notes.append({"scheme": scheme.name, "code": "adapted", "dropped": dropped})
        out[scheme.name] = adapted
    return out, notes


def periods_in_data(data: Dataset, cycle: str) -> list[str]:
    """Period labels of ``cycle`` that hold at least one call, in time order."""
    started = data["calls"]["started_at"].dropna()
    if started.empty:
        return []
    granularity = cycle_label_granularity(cycle)
    return period_order(period_labels(started, granularity).dropna().unique())


def _data_span(data: Dataset) -> tuple[pd.Timestamp, pd.Timestamp, WorkCalendar]:
    """First and last day with calls, and the team's working calendar."""
    started = data["calls"]["started_at"].dropna()
    return (
        pd.Timestamp(started.min()).normalize(),
        pd.Timestamp(started.max()).normalize(),
        working_calendar(started),
    )


def last_complete_period(data: Dataset, cycle: str, *, grace_days: int | None = None) -> str:
    """The latest period of ``cycle`` the dataset covers completely.

    A period is complete when the calls start by its first working day and reach its last
    working day (the working days are read from the calls: ``working_calendar``), within
    ``grace_days`` (default:
    3 days for months, quarters and years, none for weeks; see
    :func:`~kpi_lib.indicators.periods.period_complete`).

    Raises
    ------
    SpecError
        When the dataset has no calls, or covers no period of ``cycle`` completely (the
        message names the latest period and how far the data cover it).

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> data = load_sample()
    >>> last_complete_period(data, "monthly"), last_complete_period(data, "quarterly")
    ('2026-04', '2026-Q1')
    >>> last_complete_period(data, "weekly")
    '2026-W17'
    """
    periods = periods_in_data(data, cycle)
    if not periods:
        raise SpecError(
            f"Dataset {data.name!r} has no usable calls, so it has no period to review; "
            "check the load report (kpi validate) for rows set aside."
        )
    first, last_day, calendar = _data_span(data)
    for period in reversed(periods):
        if period_complete(period, first, last_day, calendar=calendar, grace_days=grace_days):
            return period
    last = periods[-1]
    raise SpecError(
        f"Dataset {data.name!r} covers no complete {cycle} period: its calls run from "
        f"{first.date()} to {last_day.date()}, so {last} is covered only in part. Name a "
        f"period with --period {last} (its scores are then marked partial and no bonus or "
        "improvement-plan decision is taken)."
    )


def _no_calls_message(data: Dataset) -> str:
    """Why a dataset has no period to review: no calls, or every call set aside (with the
    load report's counts and main reasons)."""
    report = data.load_report
    calls = report[(report["table"] == "calls") & (report["reason"] == "")]
    read = int(calls["rows_read"].sum()) if len(calls) else 0
    reasons = report[(report["table"] == "calls") & (report["reason"] != "")]
    top = ""
    if len(reasons) and "rows_quarantined" in reasons:
        worst = reasons.sort_values("rows_quarantined", ascending=False).head(3)
        top = (
            " Main reasons: "
            + "; ".join(f"{r.reason} ({int(r.rows_quarantined)} rows)" for r in worst.itertuples())
            + "."
        )
    if read == 0:
        what = "its calls table has no rows"
        fix = "export the calls of the period (kpi validate DIR shows what was read)"
    else:
        what = f"all {read} calls were set aside by the validating loader"
        fix = (
            "fix the export or its mapping so that calls pass the data contract "
            "(kpi validate DIR lists every reason; docs/data-contract.md, docs/mappings.md)"
        )
    return (
        f"No usable calls in dataset {data.name!r}: {what}, so there is no period to review "
        f"and nothing was written.{top} To fix it, {fix}, then run the review again."
    )


def resolve_spec(spec: ReviewSpec, data: Dataset) -> ReviewSpec:
    """Check ``spec`` against ``data`` and fill in the period and its windows.

    Raises
    ------
    SpecError
        When the period is not in the data (the message lists the periods that are), a team
        is unknown, or the scheme weights indicators the dataset cannot provide and says
        ``missing_indicators: stop`` (the message names them, what is missing, and what to
        do). A scheme that says ``renormalise`` is adapted instead (:func:`adapt_scheme`) and
        ``spec.adapted["scheme"]`` records what was dropped.
    """
    cycle = spec.cycle
    periods = periods_in_data(data, cycle)
    if not periods:
        raise SpecError(_no_calls_message(data))
    period, choice = spec.period, "given"
    if not period:
        try:
            period, choice = last_complete_period(data, cycle), "last_complete"
        except SpecError:
            # no complete period: review the latest one, marked partial (no pay decisions)
            period, choice = periods[-1], "latest_partial"
    if period not in periods:
        shown = ", ".join(periods[-24:]) if periods else "none"
        raise SpecError(
            f"Period {period!r} is not in dataset {data.name!r} for the {cycle} cycle; "
            f"periods in the data: {shown}."
        )
    known_teams = sorted(data.agents["team_id"].astype(str).unique())
    unknown = [t for t in spec.teams if t not in known_teams]
    if unknown:
        raise SpecError(
            f"`team` names unknown team(s) {unknown}; teams in the data: {', '.join(known_teams)}."
        )
    definitions = load_definitions(spec)
    _, adapted = adapt_scheme(
        load_review_scheme(replace(spec, adapted={})), data, definitions, cycle=cycle
    )

    start, end, _ = period_bounds(period)
    last_day = pd.Timestamp(end) - pd.Timedelta(days=1)
    data_first, data_last, calendar = _data_span(data)
    as_of = last_day
    if cycle == "weekly":
        # a week is scored up to its last working day in the data: a week that ends after the
        # data (the last days of an export) up to the data, a week whose last days are a
        # weekend or holidays in the next month up to its last working day (its month)
        as_of = min(last_day, data_last)
        days = pd.date_range(pd.Timestamp(start), as_of, freq="D")
        worked = days[calendar.is_working(days)]
        if len(worked):
            as_of = worked[-1]
    scored = period_label(as_of, cycle_scoring_granularity(cycle))
    scored_start, _, _ = period_bounds(scored)
    # the scored period is complete when the data cover it up to its last working day (a
    # weekly review's month to date is complete only in the week that ends the month)
    reach = min(as_of, data_last)
    scored_complete = period_complete(
        scored, data_first, reach, calendar=calendar, grace_days=0 if cycle == "weekly" else None
    )
    elapsed = working_days_between(scored_start, reach, calendar)
    scored_periods = periods_in_data(data, cycle_scoring_cycle(cycle))
    idx = scored_periods.index(scored) if scored in scored_periods else len(scored_periods)
    previous = scored_periods[idx - 1] if idx > 0 else ""
    previous_from = previous_to = ""
    if previous:
        p_start, p_end, _ = period_bounds(previous)
        previous_from = str(pd.Timestamp(p_start).date())
        p_last = pd.Timestamp(p_end) - pd.Timedelta(days=1)
        if cycle == "weekly" and not scored_complete and previous == previous_period(scored):
            # like with like: as many working days of the previous month as the month to date
            p_last = like_for_like_end(previous, elapsed, calendar)
        previous_to = str(p_last.date())
    months = periods_in_data(data, "monthly")
    last_month = period_label(last_day, "month")
    upto = months[: months.index(last_month) + 1] if last_month in months else months
    look = upto[-int(spec.conflict_months) :]
    spec = replace(spec, adapted={"scheme": adapted} if adapted else {})
    return spec.with_settings(period=period, currency=review_currency(spec, data)).with_windows(
        start=str(pd.Timestamp(start).date()),
        end=str(last_day.date()),
        scored_period=scored,
        previous_period=previous,
        previous_from=previous_from,
        previous_to=previous_to,
        as_of=str(as_of.date()),
        scored_complete=scored_complete,
        period_choice=choice,
        working_days=elapsed,
        # the calendar of the scored and previous periods (holidays seen in the data)
        **calendar.within(previous_from or scored_start, last_day).to_text(),
        conflict_from=look[0] if look else "",
        conflict_to=look[-1] if look else "",
        conflict_periods=len(look),
        data_from=str(data_first.date()),
        data_to=str(pd.Timestamp(data["calls"]["started_at"].max()).date()),
    )
