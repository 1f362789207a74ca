"""QA calibration: can the automatic judgements (compliant, effective) be trusted?

The sources ask for a manual spot check of about 10 % of recordings to catch system
misjudgements (e.g. a refused call judged effective). This package covers the whole loop:

1. :func:`spot_check_sample` (``sampler``) draws a reproducible, agent-stratified sample that
   oversamples borderline calls, :func:`write_spot_check` (``sheet``) writes it as a CSV for the
   QA team and :func:`read_spot_check` reads the filled-in file back as QA reviews.
2. :func:`paired_judgements` (``agreement``) lines up the system and the human judgement of
   each call; :func:`agreement` gives the confusion matrix, Cohen's kappa and error rates with
   intervals, overall or per agent; :func:`flag_inflated` (``flags``) names agents whose
   system-measured rates look inflated by misjudgements.
3. :func:`corrected_rates` (``correction``) re-estimates effective-call and compliance rates
   with the misclassification rates from the sample (Rogan-Gladen), and
   :func:`apply_correction` puts the corrected values into an indicator table for scoring.
4. :func:`reviewer_agreement`, :func:`reviewer_pairs` and :func:`reviewer_leniency`
   (``reviewers``) calibrate the human reviewers against each other.

The closed-form statistics (Cohen's and Fleiss' kappa, Rogan-Gladen) are in ``formulas``;
constants and the table readers shared by the steps in ``common``. Every public name is
re-exported here, so ``from kpi_lib.analyses import calibration as cal`` is all a notebook
needs.

Conventions: a judgement is *positive* when the call is judged compliant / effective. A false
positive is a call the system judged positive that the human reference judged negative — the
error that inflates system-measured indicators. The human judgement is treated as the truth.
"""

from __future__ import annotations

from kpi_lib.analyses.calibration.agreement import agreement, confusion, paired_judgements
from kpi_lib.analyses.calibration.common import (
    INDICATOR_OF,
    JUDGEMENTS,
    REVIEW_COLUMNS,
    SPOT_CHECK_COLUMNS,
)
from kpi_lib.analyses.calibration.correction import apply_correction, corrected_rates
from kpi_lib.analyses.calibration.flags import flag_inflated
from kpi_lib.analyses.calibration.formulas import cohens_kappa_2x2, fleiss_kappa, rogan_gladen
from kpi_lib.analyses.calibration.reviewers import (
    reviewer_agreement,
    reviewer_leniency,
    reviewer_pairs,
)
from kpi_lib.analyses.calibration.sampler import spot_check_sample
from kpi_lib.analyses.calibration.sheet import read_spot_check, with_reviews, write_spot_check
from kpi_lib.scoring.smallsample import wilson_interval

__all__ = [
    "JUDGEMENTS",
    "INDICATOR_OF",
    "REVIEW_COLUMNS",
    "SPOT_CHECK_COLUMNS",
    "wilson_interval",
    "cohens_kappa_2x2",
    "fleiss_kappa",
    "rogan_gladen",
    "spot_check_sample",
    "write_spot_check",
    "read_spot_check",
    "with_reviews",
    "paired_judgements",
    "confusion",
    "agreement",
    "flag_inflated",
    "corrected_rates",
    "apply_correction",
    "reviewer_agreement",
    "reviewer_pairs",
    "reviewer_leniency",
]
