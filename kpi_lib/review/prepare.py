"""Build, check and compute a review in one call: what the runner and notebooks use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from kpi_lib.data.dataset import Dataset
from kpi_lib.data.load import load_dataset
from kpi_lib.indicators.catalogue import CATALOGUE
from kpi_lib.review.pipeline import Review, compute_review
from kpi_lib.review.spec import ReviewSpec, build_spec
from kpi_lib.review.store import load_review
from kpi_lib.review.validate import dataset_location, resolve_spec

__all__ = ["load_review_data", "open_review", "prepare_spec"]


def load_review_data(spec: ReviewSpec) -> Dataset:
    """The spec's dataset, read through the validating loader (the one reader of a review);
    targets naming an indicator the catalogue does not know, or with a threshold on the wrong
    side of the target, are quarantined."""
    return load_dataset(dataset_location(spec), indicators=CATALOGUE)


def prepare_spec(
    *,
    params_files: Iterable[str | Path] = (),
    period: str | None = None,
    cycle: str | None = None,
    dataset: str | None = None,
    overrides: Mapping | None = None,
    notebooks: Iterable[str] | None = None,
    notebook_dir: str | Path | None = None,
) -> tuple[ReviewSpec, Dataset]:
    """Build the specification, load the data once and check the one against the other.

    Every problem a user can fix (unknown key, bad value, period not in the data, scheme the
    data cannot support) raises :class:`~kpi_lib.review.spec.SpecError` or
    :class:`~kpi_lib.data.load.DatasetError` here, before any notebook starts.
    """
    spec = build_spec(
        params_files=params_files,
        period=period,
        cycle=cycle,
        dataset=dataset,
        overrides=overrides,
        notebooks=notebooks,
        notebook_dir=notebook_dir,
    )
    data = load_review_data(spec)
    return resolve_spec(spec, data), data


def open_review(review: str | Path = "", settings: Mapping | str | None = None) -> Review:
    """The review a notebook shows.

    Parameters
    ----------
    review : path, optional
        A review store written by ``kpi review`` (the notebooks receive it as their ``review``
        parameter). Empty: compute a review here from ``settings``.
    settings : mapping, optional
        Review settings for a notebook run on its own (e.g. ``{"period": "2026-09",
        "language": "zh-Hans"}``); the same keys and checks as ``kpi review --set``. Text is
        read as YAML (what ``papermill -p settings '{...}'`` passes).

    Returns
    -------
    Review

    Examples
    --------
    >>> review = open_review(settings={"draws": 50, "n_boot": 20, "period": "2026-03"})
    >>> w = review.spec.windows
    >>> review.period, w["start"], w["end"], w["conflict_from"], w["conflict_to"]
    ('2026-03', '2026-03-01', '2026-03-31', '2025-11', '2026-03')
    """
    if isinstance(settings, str):
        # `papermill -p settings '{...}'` passes text: read it as YAML (JSON is YAML)
        import yaml

        parsed = yaml.safe_load(settings) if settings.strip() else {}
        if not isinstance(parsed, dict):
            raise ValueError(f"`settings` must be a mapping of setting: value, not {settings!r}.")
        settings = parsed
    if review:
        if settings:
            raise ValueError(
                "Give either a review store (`review`) or `settings` for a new review, not both: "
                "a stored review's settings are fixed."
            )
        return load_review(review)
    spec, data = prepare_spec(overrides=dict(settings or {}), notebooks=["period_review"])
    return compute_review(spec, data)
