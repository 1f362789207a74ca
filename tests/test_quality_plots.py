"""Quality charts draw whatever intervals the data gives them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from kpi_lib.report import quality_plots  # noqa: E402


def test_an_interval_that_misses_its_estimate_draws_no_bar_instead_of_failing():
    # a corrected rate clipped to [0, 1] can fall outside its own interval; one reviewer gives
    # empty intervals: matplotlib refuses negative bar lengths, so the whole page used to fail
    flags = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3"],
            "judgement": "effective",
            "fpr": [0.10, 0.30, np.nan],
            "fpr_low": [0.12, 0.20, np.nan],
            "fpr_high": [0.20, 0.25, np.nan],
            "flagged": [False, True, False],
            "enough_data": True,
            "overall_fpr": 0.15,
        }
    )
    ax = quality_plots.agent_error_plot(flags, judgement="effective")
    assert len(ax.collections) >= 2  # error bars and points drawn for the two agents with data
