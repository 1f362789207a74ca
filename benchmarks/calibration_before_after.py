"""Calibration of the before/after statistics on simulated data where the truth is known.

Three checks (issue 17), each printing a rate with a 95 % Clopper-Pearson interval:

- **difference in differences**: switched and comparison teams of 10-20 agents, 6 months
  (switch after the 3rd), agent effects (sd 1), agent-month noise (sd 1) and team-month shocks
  (sd 0.5), no effect of the switch. Coverage of 0 by the 95 % interval of
  :func:`~kpi_lib.analyses.before_after.difference_in_differences` (wild cluster bootstrap by
  team) against errors clustered by agent (the former method, statsmodels
  ``cov_type="cluster"`` by agent). Target: coverage >= 0.93.
- **period comparison**: one team of 10 or 20 agents, 3 months before and after, no change; an
  effective-call rate (agent rates Beta(6, 14), ~60 connected calls a month) and dials
  (lognormal agent means around 400). Coverage of 0 by the change interval, for percentile,
  BCa and studentized (default) intervals. Target: coverage >= 0.93.
- **interrupted time series**: weekly series of 26 or 52 points, switch half way, no break,
  white or AR(1) 0.4 noise. Rejection rate of the effect at the end at nominal 5 %: Newey-West
  *t* against a *t* distribution (the former method) and the sieve bootstrap of
  :func:`~kpi_lib.analyses.before_after.interrupted_time_series`. Target: about 5 %.

Run: ``.venv/bin/python benchmarks/calibration_before_after.py [--reps 200] [--only did]``
(about 15 minutes for 200 repetitions of everything on the shared 2-core machine: DiD 5,
comparison 10, ITS 1).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from kpi_lib.analyses import before_after as ba

SWITCH = pd.Timestamp("2026-05-01")


def rate(k: int, n: int) -> str:
    lo, hi = proportion_confint(k, n, alpha=0.05, method="beta")
    return f"{k / n:.3f} [{lo:.3f}, {hi:.3f}] ({k}/{n})"


def _row(agent, team, m, indicator, num, den):
    return {
        "agent_id": agent,
        "team_id": team,
        "period": m.strftime("%Y-%m"),
        "granularity": "month",
        "period_start": m,
        "indicator": indicator,
        "value": num / den,
        "numerator": float(num),
        "denominator": float(den),
        "reason": "",
    }


def did_table(rng, n_treated: int, n_comparison: int, shock: float = 0.5) -> pd.DataFrame:
    starts = pd.date_range("2026-02-01", periods=6, freq="MS")
    rows = []
    for team in range(n_treated + n_comparison):
        n = int(rng.integers(10, 21))
        agent = rng.normal(0, 1, n)
        shocks = rng.normal(0, shock, len(starts))
        for k, m in enumerate(starts):
            y = 10 + agent + shocks[k] + rng.normal(0, 1, n)
            rows += [_row(f"T{team}-{i}", f"T{team}", m, "dials", y[i], 1.0) for i in range(n)]
    return pd.DataFrame(rows)


def agent_clustered_covers(t: pd.DataFrame, treated: list[str]) -> bool:
    d = t.assign(
        treated=t["team_id"].isin(treated).astype(float),
        post=(t["period_start"] >= SWITCH).astype(float),
    )
    X = np.column_stack([np.ones(len(d)), d["treated"], d["post"], d["treated"] * d["post"]])
    fit = sm.WLS(d["value"].to_numpy(), X).fit(
        cov_type="cluster", cov_kwds={"groups": pd.factorize(d["agent_id"])[0]}, use_t=True
    )
    lo, hi = np.asarray(fit.conf_int())[3]
    return bool(lo <= 0 <= hi)


def run_did(reps: int, n_boot: int = 1999) -> None:
    print("Difference in differences, no effect, team-month shocks sd 0.5 (95 % intervals)")
    for n_t, n_c in ((2, 2), (3, 3), (4, 4), (6, 6), (7, 1)):
        rng = np.random.default_rng(1000 * n_t + n_c)
        treated = [f"T{i}" for i in range(n_t)]
        comparison = [f"T{i}" for i in range(n_t, n_t + n_c)]
        old = new = none = 0
        t0 = time.perf_counter()
        for r in range(reps):
            t = did_table(rng, n_t, n_c)
            old += agent_clustered_covers(t, treated)
            res = ba.difference_in_differences(
                t, treated=treated, comparison=comparison, switch=SWITCH, n_boot=n_boot, seed=r
            ).iloc[0]
            if np.isnan(res["ci_low"]):
                none += 1
            else:
                new += res["ci_low"] <= 0 <= res["ci_high"]
        given = reps - none
        print(
            f"  {n_t} switched + {n_c} comparison teams: clustered by agent {rate(old, reps)}; "
            + (
                f"wild bootstrap by team {rate(new, given)}"
                if given
                else f"by team: no interval given ({none}/{reps}, too few teams)"
            )
            + f"  [{time.perf_counter() - t0:.0f} s]",
            flush=True,
        )


def compare_table(rng, n_agents: int) -> pd.DataFrame:
    starts = pd.date_range("2026-02-01", periods=6, freq="MS")
    base = rng.beta(6, 14, n_agents)
    mu = rng.lognormal(np.log(400), 0.5, n_agents)
    rows = []
    for m in starts:
        for i in range(n_agents):
            den = rng.poisson(60) + 1
            num = rng.binomial(den, base[i])
            rows.append(_row(f"A{i}", "T1", m, "effective_call_rate", num, den))
            rows.append(_row(f"A{i}", "T1", m, "dials", rng.poisson(mu[i]), 1.0))
    return pd.DataFrame(rows)


def run_compare(reps: int) -> None:
    print("Period comparison, no change, 95 % change intervals (999 resamples)")
    for n in (10, 20):
        for interval in ("percentile", "bca", "studentized"):
            rng = np.random.default_rng(n)
            cov = {"effective_call_rate": 0, "dials": 0}
            t0 = time.perf_counter()
            for r in range(reps):
                res = ba.period_comparison(
                    compare_table(rng, n),
                    before=("2026-02-01", "2026-04-30"),
                    after=("2026-05-01", "2026-07-31"),
                    n_boot=999,
                    seed=r,
                    interval=interval,
                )
                for x in res.itertuples():
                    cov[x.indicator] += x.change_ci_low <= 0 <= x.change_ci_high
            print(
                f"  {n} agents, {interval:<11}: rate {rate(cov['effective_call_rate'], reps)}; "
                f"dials {rate(cov['dials'], reps)}  [{time.perf_counter() - t0:.0f} s]",
                flush=True,
            )


def its_table(rng, n: int, ar: float) -> tuple[pd.DataFrame, pd.Timestamp]:
    e = np.zeros(n)
    for i in range(n):
        e[i] = (ar * e[i - 1] if i else 0.0) + rng.normal(0, 0.5)
    y = 5.0 + 0.02 * np.arange(n) + e
    starts = pd.date_range("2026-01-05", periods=n, freq="7D")
    t = pd.DataFrame(
        {
            "team_id": "T1",
            "period": [f"W{i}" for i in range(n)],
            "granularity": "week",
            "period_start": starts,
            "indicator": "dials",
            "value": y,
            "numerator": y,
            "denominator": 1.0,
            "reason": "",
        }
    )
    return t, starts[n // 2]


def run_its(reps: int) -> None:
    print("Interrupted time series, no break, nominal 5 % (effect at the end)")
    for n in (26, 52):
        for ar in (0.0, 0.4):
            rng = np.random.default_rng(n + int(10 * ar))
            hits = naive = 0
            for r in range(reps):
                t, sw = its_table(rng, n, ar)
                res = ba.interrupted_time_series(t, switch=sw, seed=r).iloc[0]
                hits += res["effect_end_p"] < 0.05
                tstat = res["effect_end"] / res["effect_end_se"]
                naive += 2 * stats.t.sf(abs(tstat), res["n_periods"] - 4) < 0.05
            print(
                f"  {n} weeks, AR(1) {ar}: Newey-West t {rate(int(naive), reps)}; "
                f"sieve bootstrap {rate(int(hits), reps)}",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=200)
    ap.add_argument("--only", choices=["did", "compare", "its"], default=None)
    ap.add_argument("--did-boot", type=int, default=1999, help="wild bootstrap draws (DiD)")
    args = ap.parse_args()
    for name, fn in (("did", run_did), ("compare", run_compare), ("its", run_its)):
        if args.only in (None, name):
            fn(args.reps, args.did_boot) if name == "did" else fn(args.reps)


if __name__ == "__main__":
    main()
