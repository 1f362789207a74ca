"""Before/after comparisons: did a change of the scoring scheme work?

Four analyses over the shared indicator table (one row per agent, period and indicator with
``numerator`` and ``denominator``), each returning a tidy DataFrame:

- :func:`period_comparison` - level before and after a switch, change, cluster-bootstrap
  intervals (studentized), a rank test (paired by agent where possible) and an effect size;
- :func:`difference_in_differences` - the change in treated teams net of the change in a
  comparison team that kept the old scheme, with inference at the team level (wild cluster
  bootstrap, :func:`wild_cluster_test`) and a pre-trend check
  (:func:`did_panel` and :func:`did_trends` give the rows it fits and the series to draw);
- :func:`interrupted_time_series` - segmented regression of a team series with level and slope
  change at the switch and Newey-West errors (:func:`its_series` gives the counterfactual line);
- :func:`rescore_under_schemes` - who would have been rewarded or put on a PIP under the old
  and the new scheme in the same periods.

:func:`case_study_table` sets measured changes beside the figures reported in the source case
study (``CASE_STUDY_FIGURES``). Set-up helpers for notebooks: :func:`ensure_case_study_dataset`
(generate the synthetic ``case_study`` preset where no dataset exists), :func:`study_setup`
(switch date, teams and windows, filled in from ``PLANTED.json``), :func:`indicator_table`
(catalogue and derived indicators in one table) and :func:`windows_around`. Manager-facing
wording lives in :mod:`kpi_lib.report.before_after_text`, charts in
:mod:`kpi_lib.report.before_after_plots`.

Conventions shared by every function here
-----------------------------------------
- A window is a ``(start, end)`` pair of dates, both inclusive; a period belongs to a window
  when its ``period_start`` lies in it.
- A group's level in a window is a **ratio of sums**: ``sum(numerator) / sum(denominator)``
  over its agents and periods. For counts and amounts (``denominator`` 1 per agent-period) this
  is the mean per agent-period, e.g. dials per agent-month.
- Periods that straddle the switch date (start before it, end after it) are *transition*
  periods: they belong to neither side and are dropped.

Files
-----
``common`` (validation, selection, windows, side of the switch, period numbers),
``multiplicity`` (p-value corrections), ``derived`` (labels and derived indicators),
``windows`` (windows around a switch), then one analysis each: ``compare``, ``did``, ``its``,
``rescoring`` and ``case_study``; ``wild`` (the wild cluster bootstrap); ``study`` sets a
study up for the notebooks.
"""

from __future__ import annotations

from kpi_lib.analyses.before_after.case_study import CASE_STUDY_FIGURES, case_study_table
from kpi_lib.analyses.before_after.common import INDICATOR_COLUMNS
from kpi_lib.analyses.before_after.compare import period_comparison
from kpi_lib.analyses.before_after.derived import DERIVED, add_derived_indicator, indicator_meta
from kpi_lib.analyses.before_after.did import (
    WEIGHTS,
    did_panel,
    did_trends,
    difference_in_differences,
)
from kpi_lib.analyses.before_after.its import interrupted_time_series, its_series
from kpi_lib.analyses.before_after.multiplicity import CORRECTIONS
from kpi_lib.analyses.before_after.rescoring import rescore_under_schemes
from kpi_lib.analyses.before_after.study import (
    ensure_case_study_dataset,
    indicator_table,
    planted_setup,
    study_setup,
)
from kpi_lib.analyses.before_after.wild import wild_cluster_test
from kpi_lib.analyses.before_after.windows import windows_around

__all__ = [
    "CASE_STUDY_FIGURES",
    "CORRECTIONS",
    "DERIVED",
    "INDICATOR_COLUMNS",
    "WEIGHTS",
    "indicator_meta",
    "add_derived_indicator",
    "windows_around",
    "period_comparison",
    "did_panel",
    "difference_in_differences",
    "did_trends",
    "interrupted_time_series",
    "its_series",
    "case_study_table",
    "rescore_under_schemes",
    "ensure_case_study_dataset",
    "planted_setup",
    "study_setup",
    "indicator_table",
    "wild_cluster_test",
]
