"""Presets (team structure, behaviour shares) and the parameters of the planted behaviours.

``docs/synthetic-data.md`` describes each parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Preset", "PRESETS", "SCHEME", "PADDING", "CALL_PADDING", "OVER_PROMISE"]


@dataclass(frozen=True)
class Preset:
    """Structure and behaviour shares of a preset (see docs/synthetic-data.md)."""

    agents: int
    team_stages: tuple[str, ...]
    comparison_teams: tuple[int, ...]  # 0-based team positions that keep the old scheme
    base_dials: float = 24.0
    padders: float = 0.04
    over_promisers: float = 0.04
    small_sample: int = 5
    lucky_small_sample: int = 2
    selective_surveys: int = 2
    call_padders: float = 0.06
    stretch_teams: tuple[int, ...] = ()
    attrition: float = 0.06  # share of agents leaving in the second half of the range
    # (name, value) pairs replacing entries of SCHEME for this preset
    scheme: tuple[tuple[str, float], ...] = ()
    # the switch date used when the caller does not name one (None: no scheme change)
    scheme_change: str | None = "2026-06-01"
    # threshold padding: share of a padder's connected calls of 90-180 s that is stretched
    # (None: PADDING["share_of_calls"]) and the number of final months it happens in (None: all)
    padding_share: float | None = None
    padding_months: int | None = None
    # random shocks (standard deviations on the log / logit scale) shared by every agent in a
    # month and by the agents of one team in a month; they move dials, connect rate, talk time,
    # conversion, satisfaction and complaints together, as a campaign or a lead batch would
    month_shock_sd: float = 0.0
    team_month_shock_sd: float = 0.0
    # agent-to-agent spread of the complaint propensity (log scale; 0 = none)
    complaint_sd: float = 0.0

    def scheme_parameters(self) -> dict:
        """:data:`SCHEME` with this preset's overrides applied."""
        unknown = [k for k, _ in self.scheme if k not in SCHEME]
        if unknown:
            raise KeyError(f"Unknown scheme parameter(s) {unknown}; known: {list(SCHEME)}.")
        return {**SCHEME, **dict(self.scheme)}


PRESETS: dict[str, Preset] = {
    "default": Preset(
        agents=200,
        team_stages=(
            "new",
            "new",
            "mature",
            "mature",
            "mature",
            "transforming",
            "transforming",
            "mature",
        ),
        comparison_teams=(7,),
        stretch_teams=(3,),
    ),
    "case_study": Preset(
        agents=60,
        team_stages=("transforming", "transforming", "mature"),
        comparison_teams=(2,),
        padders=0.0,
        over_promisers=0.0,
        small_sample=0,
        lucky_small_sample=0,
        selective_surveys=0,
        call_padders=0.0,
        base_dials=23.0,
        # the same agents before and after, so the switch is not blurred by partial months
        attrition=0.0,
        # four months before the switch (the November peak aside) and six after
        scheme_change="2026-04-01",
        # calibrated (30 seeds) so that the before/after analysis with the switch on 2026-04-01
        # (before: Jan-Mar; after: May-Jul, after a settling-in month) recovers the DOMAIN.md
        # figures: complaints per 100 orders 15 -> 5, repurchase < 5 % -> 12 %, dials per
        # agent-month -10 %, effective-call rate +25 %, sales up (about +19 %)
        scheme=(
            ("dials_factor_after", 0.902),
            ("complaint_prob_before", 0.147),
            ("complaint_prob_after", 0.049),
            ("repurchase_prob_after", 0.125),
            ("amount_factor_after", 1.08),
        ),
    ),
    # nothing planted: agents differ (skill, effort, talk length, complaint propensity), new
    # hires have few calls, and months and team-months have shocks, but no agent games and no
    # scheme changes; every flag on it is a false positive (benchmarks/calibration.py)
    "null": Preset(
        agents=60,
        team_stages=("mature", "mature", "new", "transforming"),
        comparison_teams=(),
        padders=0.0,
        over_promisers=0.0,
        small_sample=3,
        lucky_small_sample=0,
        selective_surveys=0,
        call_padders=0.0,
        scheme_change=None,
        month_shock_sd=0.10,
        team_month_shock_sd=0.06,
        complaint_sd=0.25,
    ),
    # the null preset plus moderate planted effects: threshold padders stretching about 10 % of
    # their connected calls over the last 3 months, and over-promisers; measures power
    "power": Preset(
        agents=60,
        team_stages=("mature", "mature", "new", "transforming"),
        comparison_teams=(),
        padders=0.05,
        over_promisers=0.05,
        small_sample=3,
        lucky_small_sample=0,
        selective_surveys=0,
        call_padders=0.0,
        scheme_change=None,
        # a third of the 90-180 s calls: about 10 % of the padder's connected calls
        padding_share=0.32,
        padding_months=3,
        month_shock_sd=0.10,
        team_month_shock_sd=0.06,
        complaint_sd=0.25,
    ),
}
# Scheme change: "before" follows the DOMAIN.md case study (volume push); "after" values are
# reached linearly over PHASE_IN_DAYS after the change date in treated teams.
SCHEME = {
    "phase_in_days": 30,
    "dials_factor_after": 0.90,
    "talk_median_factor_after": 1.10,
    "need_logit_shift_after": 0.47,
    "complaint_prob_before": 0.155,
    "complaint_prob_after": 0.045,
    "repurchase_prob_before": 0.04,
    "repurchase_prob_after": 0.12,
    "conversion_logit_shift_after": 0.16,
    "amount_factor_after": 1.05,
    "noncompliance_factor_before": 1.6,
    "noncompliance_factor_after": 0.5,
    "satisfaction_shift_after": 0.25,
}
PADDING = {"share_of_calls": 0.45, "window_s": [180, 200], "source_window_s": [90, 180]}
CALL_PADDING = {"extra_dials_share": 0.30, "duration_s": [2, 15], "dials_target_raise": 1.2}
OVER_PROMISE = {
    "conversion_logit_shift": 0.45,
    "complaint_factor": 2.6,
    "repurchase_factor": 0.3,
    "refund_prob": 0.15,
    "noncompliance_prob": 0.30,
}
