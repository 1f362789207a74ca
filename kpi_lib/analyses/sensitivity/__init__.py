"""Weight sensitivity: which ranks, tiers and bonus / PIP decisions depend on the chosen weights.

Managers choose weights by judgement. The functions here show which decisions are robust to
that judgement and which are an artefact of it:

=============================  ==============================================================
:func:`effective_weights`      each indicator's real share of the composite's spread next to
                               its nominal weight
:func:`one_at_a_time`          move one weight by +/- a step (the others rescaled), count the
                               rank, bonus, PIP and tier changes (tornado chart)
:func:`monte_carlo_ranks`      perturb all weights (and optionally the normalisation and
                               aggregation method) thousands of times, with ``sampling`` also
                               redraw every agent's counts: rank intervals, top-k / bottom-k
                               and tier probabilities per agent
:func:`sampling_model`         the sampling noise of a scorecard's counts (beta / gamma
                               posteriors) for ``monte_carlo_ranks(sampling=...)``
:func:`decision_flips`         the bonus / PIP / tier decisions that flip in a meaningful share
                               of the Monte Carlo draws
:func:`sobol_weight_indices`   variance-based (Sobol) first-order and total indices of each
                               weight and method choice on a ranking outcome
:func:`sobol_analysis`         the generic SALib wrapper behind it (any vectorised model)
:func:`compare_schemes`        agents' composite, rank and tier under two or more schemes
:func:`scheme_agreement`       pairwise Kendall's tau, tier changes, winners and losers
:func:`rank_reversal_thresholds`  the smallest change of one weight that swaps two agents
=============================  ==============================================================

Shared inputs
-------------
scores : DataFrame
    Wide matrix of normalised scores: index ``agent_id``, one column per indicator, values on the
    0-100 scale where higher is better (``Scorecard.indicators.score`` pivoted; see
    :func:`score_matrix`). Columns not in ``weights`` are ignored.
weights : Series
    Indicator -> relative weight (``Scheme.overall_weights()``). Any non-negative scale;
    rescaled to sum to 1. Indicators with weight 0 stay at 0 in every perturbation.
method : {"arithmetic", "geometric"}
    Aggregation. Arithmetic: :math:`C_i = \\sum_j w_j s_{ij} / \\sum_j w_j`. Geometric:
    :math:`C_i = \\exp(\\sum_j w_j \\ln(s_{ij} + c) / \\sum_j w_j) - c` with
    ``geometric_shift`` :math:`c` (scores may be 0), as in :mod:`kpi_lib.scoring.schemes`.
missing : {"renormalise", "drop", "raise"}
    Missing scores: ``renormalise`` divides by the weight of the indicators the agent has
    (the sum in the formula runs over them), ``drop`` leaves out agents with any missing score,
    ``raise`` raises a ValueError naming them.
tiers : mapping of str to float, optional
    With ``tier_basis="score"`` (default) the lowest composite of each tier, best tier first,
    as in a scheme's ``tiers`` (``{"A": 85, "B": 70, "C": 50}``); below the last cut-off an
    agent gets ``bottom_tier``. With ``tier_basis="share"``, a forced distribution: the share
    of agents in each tier, best first (``{"A": 0.2, "B": 0.7, "C": 0.1}``).
top_k, bottom_k : int or float
    Size of the bonus (top) and PIP (bottom) groups: an integer count, or a share of agents in
    (0, 1) rounded up.

Ranking convention
------------------
Rank 1 is the highest composite. Ties get the best rank of their group ('min' or competition
ranking, like ``scipy.stats.rankdata(-c, method="min")``), so a tie is always resolved in the
agents' favour: all agents tied at the top-k boundary get the bonus and none tied at the
bottom-k boundary gets a PIP (bottom-k means ``rank > n - k``). Composites closer than
``TIE_TOLERANCE`` points count as tied so that floating-point noise does not break ties.
Ranking is vectorised over draws (one ``numpy.argsort`` per block of draws along the agent
axis); no Python loop runs per draw.

Files
-----
``common`` (validated inputs, tiers), ``ranking`` (vectorised ranks, nominal ranking), ``draws``
(weight draws and the block-wise draw engine), ``sampling`` (count noise), ``effective``,
``oat``, ``monte_carlo``,
``sobol``, ``schemes``, ``reversals`` (one analysis each) and ``inputs`` (adapters from the
scoring layer).
"""

from __future__ import annotations

from kpi_lib.analyses.sensitivity.common import AGGREGATIONS
from kpi_lib.analyses.sensitivity.draws import DISTRIBUTIONS, sample_weights
from kpi_lib.analyses.sensitivity.effective import effective_weights
from kpi_lib.analyses.sensitivity.inputs import (
    alternative_scores,
    scheme_inputs,
    scheme_set_inputs,
    score_matrix,
    scorecard_inputs,
)
from kpi_lib.analyses.sensitivity.monte_carlo import (
    MonteCarloResult,
    decision_flips,
    monte_carlo_ranks,
)
from kpi_lib.analyses.sensitivity.oat import one_at_a_time
from kpi_lib.analyses.sensitivity.ranking import composite_scores, rank_composites
from kpi_lib.analyses.sensitivity.reversals import rank_reversal_thresholds
from kpi_lib.analyses.sensitivity.sampling import SamplingModel, sampling_model
from kpi_lib.analyses.sensitivity.schemes import compare_schemes, scheme_agreement
from kpi_lib.analyses.sensitivity.sobol import OUTPUTS, sobol_analysis, sobol_weight_indices
from kpi_lib.scoring.composite import TIE_TOLERANCE

__all__ = [
    "AGGREGATIONS",
    "DISTRIBUTIONS",
    "OUTPUTS",
    "TIE_TOLERANCE",
    "MonteCarloResult",
    "SamplingModel",
    "compare_schemes",
    "composite_scores",
    "decision_flips",
    "effective_weights",
    "monte_carlo_ranks",
    "one_at_a_time",
    "rank_composites",
    "rank_reversal_thresholds",
    "sample_weights",
    "sampling_model",
    "scheme_agreement",
    "alternative_scores",
    "scheme_inputs",
    "scheme_set_inputs",
    "score_matrix",
    "scorecard_inputs",
    "sobol_analysis",
    "sobol_weight_indices",
]
