"""scoring layer of kpi_lib (see docs/architecture.md): schemes, targets, scorecards, decisions.

The public face: loading and reviewing a weight scheme, targets, scoring agents and the
decisions drawn from a scorecard. Submodules (``schemes``, ``targets``, ``normalise``,
``composite``, ``smallsample``, ``decisions``) hold the rest.
"""

from __future__ import annotations

from kpi_lib.scoring.composite import Scorecard, score
from kpi_lib.scoring.decisions import (
    bonus_allocation,
    certification_candidates,
    coaching_focus,
    commission_tiers,
    pip_candidates,
    team_weak_spots,
)
from kpi_lib.scoring.normalise import normalise
from kpi_lib.scoring.schemes import (
    Scheme,
    list_schemes,
    load_scheme,
    review_scheme,
    scheme_file,
    scheme_from_dict,
)
from kpi_lib.scoring.smallsample import add_intervals, shrink_rates, wilson_interval
from kpi_lib.scoring.targets import (
    attach_targets,
    attainability,
    combine_targets,
    lights,
    progress_board,
    prorate,
    targets_from_dataset,
    targets_from_history,
    targets_from_scheme,
    targets_from_table,
)

__all__ = [
    # weight schemes
    "Scheme",
    "load_scheme",
    "scheme_from_dict",
    "scheme_file",
    "list_schemes",
    "review_scheme",
    # targets
    "targets_from_scheme",
    "targets_from_history",
    "targets_from_table",
    "targets_from_dataset",
    "combine_targets",
    "attach_targets",
    "attainability",
    "prorate",
    "progress_board",
    "lights",
    # scoring
    "normalise",
    "score",
    "Scorecard",
    "wilson_interval",
    "shrink_rates",
    "add_intervals",
    # decisions
    "bonus_allocation",
    "pip_candidates",
    "certification_candidates",
    "coaching_focus",
    "commission_tiers",
    "team_weak_spots",
]
