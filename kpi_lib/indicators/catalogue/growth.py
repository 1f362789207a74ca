"""Catalogue entries of the capability-growth dimension (能力成长)."""

from __future__ import annotations

from kpi_lib.indicators.catalogue.indicator import Indicator, entry

__all__ = ["GROWTH"]

#: Capability growth, in catalogue order.
GROWTH: tuple[Indicator, ...] = (
    entry(
        "training_pass_rate",
        "Training pass rate",
        "培训考核通过率",
        "培訓考核通過率",
        "growth",
        "share",
        "higher",
        ["trainings"],
        "count(exams passed)",
        "count(exams taken)",
        "capability",
        long_term=True,
        missing_reason="no exams taken",
        definition="Share of the training exams taken in the period that were passed.",
    ),
    entry(
        "certification_level",
        "Certification level",
        "技能认证等级",
        "技能認證等級",
        "growth",
        "level 1-3",
        "higher",
        ["agents"],
        "level number (level_map[agents.level])",
        "1 per agent",
        "capability",
        long_term=True,
        ratio=False,
        columns=("agents.level",),
        params=("level_map",),
        missing_reason="level not in level_map",
        definition="The agent's current certification level from agents.level (junior = 1, "
        "intermediate = 2, senior = 3); a team's value is the mean over its agents. The "
        "agents table holds the current level only, so past periods show today's level.",
    ),
    entry(
        "proposals_submitted",
        "Proposals submitted",
        "创新提案数",
        "創新提案數",
        "growth",
        "count",
        "higher",
        ["proposals"],
        "count(proposals)",
        "1",
        "capability",
        long_term=True,
        definition="Improvement proposals submitted in the period.",
    ),
    entry(
        "proposals_accepted",
        "Proposals accepted",
        "提案采纳数",
        "提案採納數",
        "growth",
        "count",
        "higher",
        ["proposals"],
        "count(proposals with accepted = true)",
        "1",
        "capability",
        long_term=True,
        definition="Proposals submitted in the period that were adopted.",
    ),
)
