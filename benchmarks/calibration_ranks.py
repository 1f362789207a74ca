"""Calibration of rank intervals and QA flags on simulated data (issue 17, ranking and QA).

Ranks: months of agents under the sales 70 / dials 30 scheme (goalposts), dials ~ Poisson(400
skill), deals ~ Binomial(dials, 3 % skill), each deal's amount ~ Exponential(3000). With equal
skill, rank intervals should overlap and nobody should look like a sure bonus winner; with
planted skill differences (0.6-1.4) the intervals should cover each agent's true rank and tell
the ends apart. Each month is run with weight noise only (the old intervals) and with sampling
noise (``scorecard_inputs(..., indicators=)`` -> ``monte_carlo_ranks(**inputs)``).

QA flags: paired system / human judgements of 48 agents in 4 teams with 60-160 paired calls
each; the system's sensitivity is 0.98 and its false-positive rate 8 % for everyone (null) or 35 % for two agents of
different teams (planted). ``flag_inflated`` now tests relative to the team; the old rule (one-
sided McNemar against 50 %, BH) is recomputed for comparison.

Usage::

    python benchmarks/calibration_ranks.py                 # 80 rank months, 200 QA datasets
    python benchmarks/calibration_ranks.py --months 20 --qa 50 --draws 500
    python benchmarks/calibration_ranks.py --months 0            # QA flags only
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses.calibration import flag_inflated, wilson_interval
from kpi_lib.analyses.sensitivity import monte_carlo_ranks, scorecard_inputs
from kpi_lib.scoring import score
from kpi_lib.scoring.composite import rank_rows
from kpi_lib.scoring.schemes import scheme_from_dict

SCHEME = scheme_from_dict(
    {
        "name": "sales70_dials30",
        "normalisation": "goalposts",
        "aggregation": "arithmetic",
        "dimensions": {
            "performance": {"weight": 70, "indicators": {"sales_amount": {"weight": 100}}},
            "efficiency": {"weight": 30, "indicators": {"dials": {"weight": 100}}},
        },
        "targets": {
            "sales_amount": {"target": 60000, "threshold": 10000},
            "dials": {"target": 600, "threshold": 200},
        },
        "tiers": {"A": 85, "B": 70, "C": 50, "D": None},
    }
)


def month(skill: np.ndarray, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ids = [f"A{i:03d}" for i in range(len(skill))]
    d = rng.poisson(400 * skill)
    deals = rng.binomial(d, np.clip(0.03 * skill, 0, 1))
    amount = np.array([rng.exponential(3000.0, k).sum() for k in deals])
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "agent_id": ids,
                    "team_id": "T1",
                    "period": "2026-10",
                    "granularity": "month",
                    "indicator": name,
                    "value": v.astype(float),
                    "numerator": v.astype(float),
                    "denominator": 1.0,
                }
            )
            for name, v in (("dials", d), ("deals", deals), ("sales_amount", amount))
        ],
        ignore_index=True,
    )


def true_ranks(skill: np.ndarray) -> np.ndarray:
    sales = np.clip((400 * skill * 0.03 * skill * 3000 - 10000) / 50000, 0, 1)
    dials = np.clip((400 * skill - 200) / 400, 0, 1)
    return rank_rows((70 * sales + 30 * dials)[None, :])[0]


def non_overlap(a: pd.DataFrame) -> float:
    lo, hi = a["rank_low"].to_numpy(), a["rank_high"].to_numpy()
    i, j = np.triu_indices(len(lo), 1)
    return float(np.mean((hi[i] < lo[j]) | (hi[j] < lo[i])))


def ranks_study(months: int, agents: int, draws: int, top_k: int) -> pd.DataFrame:
    rows = []
    for scenario, skill in (
        ("equal skill", np.ones(agents)),
        ("planted 0.6-1.4", np.linspace(0.6, 1.4, agents)),
    ):
        truth = pd.Series(true_ranks(skill), index=[f"A{i:03d}" for i in range(agents)])
        top_true = truth.nsmallest(top_k).index
        for seed in range(months):
            ind = month(skill, seed)
            inputs = scorecard_inputs(score(ind, SCHEME), indicators=ind)
            for noise in ("weights only", "weights + sampling"):
                kw = inputs if noise != "weights only" else {
                    k: v for k, v in inputs.items() if k != "sampling"
                }  # fmt: skip
                t0 = time.perf_counter()
                mc = monte_carlo_ranks(**kw, draws=draws, seed=seed, top_k=top_k)
                sec = time.perf_counter() - t0
                a = mc.agents.set_index("agent_id")
                t = truth.reindex(a.index)
                nominal_top = a[a["top_k"]]
                rows.append(
                    {
                        "scenario": scenario,
                        "noise": noise,
                        "non_overlap": non_overlap(mc.agents),
                        # the true rank is defined only when skills differ
                        "coverage": float(np.mean((a["rank_low"] <= t) & (t <= a["rank_high"])))
                        if np.ptp(skill) > 0
                        else np.nan,
                        "sure_top": bool((nominal_top["p_top_k"] >= 0.95).all()),
                        "p_top_nominal": float(nominal_top["p_top_k"].mean()),
                        "p_top_true_top": float(a.loc[top_true, "p_top_k"].mean()),
                        "seconds": sec,
                    }
                )
    return pd.DataFrame(rows)


def qa_pairs(seed: int, planted=(), agents=48, teams=4, fpr=0.08, planted_fpr=0.35, se=0.98):
    rng = np.random.default_rng(seed)
    parts = []
    for a in range(agents):
        aid = f"A{a:02d}"
        n = int(rng.integers(60, 160))
        truth = rng.random(n) < 0.4
        f = planted_fpr if aid in planted else fpr
        system = np.where(truth, rng.random(n) < se, rng.random(n) < f)
        parts.append(
            pd.DataFrame(
                {
                    "judgement": "effective",
                    "call_id": [f"{aid}-{i}" for i in range(n)],
                    "agent_id": aid,
                    "team_id": f"T{a % teams}",
                    "system": system,
                    "human": truth,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def old_rule(f: pd.DataFrame, alpha=0.05) -> pd.Series:
    """The flags before the fix: one-sided McNemar against 50 %, BH; or the Wilson lower
    bound of the agent's false-positive rate above the overall rate."""
    p = [
        stats.binomtest(int(b), int(b + c), 0.5, alternative="greater").pvalue if b + c else 1.0
        for b, c in zip(f["fp"], f["fn"], strict=True)
    ]
    adj = stats.false_discovery_control(np.array(p))
    return ((f["fp"] > f["fn"]) & (adj < alpha)) | (f["fpr_low"] > f["overall_fpr"])


def qa_study(datasets: int) -> pd.DataFrame:
    planted = ("A07", "A30")
    rows = []
    for seed in range(datasets):
        for scenario, pl in (("null", ()), ("planted 2", planted)):
            f = flag_inflated(qa_pairs(seed, planted=pl))
            for rule, flagged in (("old", old_rule(f)), ("new", f["flagged"])):
                hit = f.loc[flagged, "agent_id"]
                rows.append(
                    {
                        "scenario": scenario,
                        "rule": rule,
                        "any_flag": bool(len(hit) and not set(hit) <= set(pl)),
                        "false_flags": int((~hit.isin(pl)).sum()),
                        "found": int(hit.isin(pl).sum()),
                        "agents": len(f) - len(pl),
                    }
                )
    return pd.DataFrame(rows)


def interval(k: int, n: int) -> str:
    lo, hi = wilson_interval(k, n)
    return f"{k}/{n} = {k / n:.4f} [{float(lo):.4f}, {float(hi):.4f}]"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--months", type=int, default=80)
    ap.add_argument("--agents", type=int, default=40)
    ap.add_argument("--draws", type=int, default=1000)
    ap.add_argument("--top-k", type=int, default=4)
    ap.add_argument("--qa", type=int, default=200)
    args = ap.parse_args()

    if args.months > 0:
        ranks_report(args)
    if args.qa > 0:
        qa_report(args)


def ranks_report(args) -> None:
    r = ranks_study(args.months, args.agents, args.draws, args.top_k)
    print(f"Rank intervals: {args.months} months x {args.agents} agents, {args.draws} draws, "
          f"90 % intervals, top {args.top_k} = bonus")  # fmt: skip
    g = r.groupby(["scenario", "noise"], sort=False)
    table = g.agg(
        non_overlap=("non_overlap", "mean"),
        coverage=("coverage", "mean"),
        sure_top_months=("sure_top", "sum"),
        p_top_nominal=("p_top_nominal", "mean"),
        p_top_true_top=("p_top_true_top", "mean"),
        seconds=("seconds", "mean"),
    )
    print(table.round(3).to_string())


def qa_report(args) -> None:
    q = qa_study(args.qa)
    print(f"\nQA flags: {args.qa} datasets x 48 agents (Wilson 95 % intervals)")
    for (scenario, rule), d in q.groupby(["scenario", "rule"], sort=False):
        n_ds, n_ag = len(d), int(d["agents"].sum())
        line = (
            f"{scenario:10s} {rule}: datasets with a false flag "
            f"{interval(int(d['any_flag'].sum()), n_ds)}, per-agent false flags "
            f"{interval(int(d['false_flags'].sum()), n_ag)}"
        )
        if scenario != "null":
            line += f", planted found {interval(int(d['found'].sum()), 2 * n_ds)}"
        print(line)


if __name__ == "__main__":
    main()
