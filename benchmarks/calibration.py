"""Null calibration and power of the conflict and gaming diagnosis (issue 17).

Run: ``python benchmarks/calibration.py [--null 50] [--power 20] [--agents 60] [--months 4]``.
Generates ``kpi synth`` datasets of the ``null`` preset (nothing planted: agent heterogeneity,
new hires with few calls, month and team-month shocks) and of the ``power`` preset (threshold
padders stretching about 10 % of their calls over the last 3 months, over-promisers), runs
:func:`kpi_lib.analyses.diagnose` on each and prints, per analysis, the false-positive rate
with a Wilson 95 % interval and the power. Targets (issue 17): null datasets with any agent
gaming flag <= 5 %; harmful-indicator, contradicted-expectation and Simpson findings marked
strong in <= 5 % of datasets; per-agent false-flag rate <= 0.5 %; padders found >= 70 %.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.analyses import diagnose, gaming, top_findings
from kpi_lib.analyses.gaming import size_conditions
from kpi_lib.analyses.recommendations import _joint_gaming_fdr
from kpi_lib.data import load_dataset
from kpi_lib.data.synth import generate
from kpi_lib.indicators.engine import compute_indicators

#: agent-level gaming analyses of :func:`diagnose`
AGENT_CHECKS = ("bunching", "need_intent", "over_promising", "call_padding", "selective_surveys")
#: indicator-level finding kinds whose "strong" rate on null data is capped
STRONG_KINDS = ("harmful_indicator", "expected_contradicted", "simpson", "conflict",
                "trend_conflict")  # fmt: skip


def wilson(k: int, n: int, alpha: float = 0.05) -> tuple[float, float]:
    """Wilson score interval of a binomial proportion k / n."""
    if n == 0:
        return np.nan, np.nan
    z = stats.norm.ppf(1 - alpha / 2)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _gaming_only(ind, calls, *, agents, surveys, targets) -> dict:
    """The agent gaming part of :func:`diagnose` alone (same calls, same joint correction, same
    quality table): for quick runs on a loaded machine; the indicator-level findings are not
    computed (their rows then read 0)."""
    c = gaming.select_calls(calls, agents=agents)
    out = {
        "bunching": gaming.bunching(c, n_boot=50),
        "call_padding": gaming.call_padding(c, targets=targets),
        "need_intent": gaming.need_intent_mismatch(c),
        "over_promising": gaming.over_promising(ind),
        "selective_surveys": gaming.selective_surveys(c, surveys),
    }
    _joint_gaming_fdr(out, 0.05)
    q = [gaming.flagged_quality(ind, out[k]).assign(check=k) for k in out]
    out["flagged_quality"] = pd.concat(q, ignore_index=True)
    return out


def run_one(preset: str, seed: int, agents: int, months: int, folder: Path,
            gaming_only: bool = False) -> dict:  # fmt: skip
    """Generate one dataset, diagnose it and count flags and findings."""
    out = folder / f"{preset}-{seed}"
    if not (out / "PLANTED.json").is_file():  # a kept folder (--folder) is reused
        generate(out, preset=preset, agents=agents, months=months, seed=seed)
    ds = load_dataset(out)
    ind = compute_indicators(ds)
    tables = {name: ds[name] for name in ("agents", "surveys", "targets")}
    if gaming_only:
        diag = _gaming_only(ind, ds["calls"], **tables)
        top = pd.DataFrame(columns=["kind", "evidence"])
    else:
        diag = diagnose(ind, ds["calls"], n_boot=50, seed=seed, **tables)
        top = top_findings(diag)
    planted = json.loads((out / "PLANTED.json").read_text(encoding="utf-8"))
    rec = {"preset": preset, "seed": seed, "agents": ds.agents["agent_id"].nunique()}
    for key in AGENT_CHECKS:
        t = diag.get(key)
        ok = t is not None and len(t) > 0
        # diagnose flags with one Benjamini-Hochberg over all checks' agent p-values
        rec[f"{key}_flagged"] = sorted(set(t.loc[t["flagged"], "agent_id"])) if ok else []
        # each check's own BH (kept as p_adj_check): the former rule, for comparison
        if ok:
            own = t["rankable"].astype(bool) & size_conditions(key, t) & (t["p_adj_check"] < 0.05)
            rec[f"{key}_own_flagged"] = sorted(set(t.loc[own, "agent_id"]))
        else:
            rec[f"{key}_own_flagged"] = []
        pv = t.loc[t["rankable"].astype(bool), "p_value"].dropna() if ok else pd.Series([], float)
        rec[f"{key}_p"] = pv.to_numpy(float).tolist()
    fq = diag.get("flagged_quality")
    rec["quality"] = (
        fq[["check", "agent_id", "outcome", "code"]].to_dict("records") if fq is not None else []
    )
    t = diag.get("bunching_team")
    rec["bunching_team_flagged"] = int(t["flagged"].sum()) if t is not None and len(t) else 0
    for kind in STRONG_KINDS:
        sel = top[(top["kind"] == kind) & (top["evidence"] == "strong")]
        rec[f"{kind}_strong"] = int(len(sel))
    rec["padders"] = planted["threshold_padders"]["agents"]
    rec["over_promisers"] = planted["over_promisers"]["agents"]
    return rec


def summarise(records: list[dict]) -> pd.DataFrame:
    """One row per measure: ``preset``, ``measure``, ``k``, ``n``, ``rate``, ``ci_low``,
    ``ci_high``, ``target``."""
    rows = []

    def add(preset, measure, k, n, target=""):
        lo, hi = wilson(k, n)
        rate = k / n if n else np.nan
        rows.append({"preset": preset, "measure": measure, "k": k, "n": n, "rate": rate,
                     "ci_low": lo, "ci_high": hi, "target": target})  # fmt: skip

    null = [r for r in records if r["preset"] == "null"]
    if null:
        n = len(null)
        any_flag = sum(any(r[f"{c}_flagged"] for c in AGENT_CHECKS) for r in null)
        add("null", "datasets with any agent gaming flag", any_flag, n, "<= 0.05")
        agents = sum(r["agents"] for r in null)
        for c in AGENT_CHECKS:
            add("null", f"{c}: datasets with a flag", sum(bool(r[f"{c}_flagged"]) for r in null), n)
            add("null", f"{c}: agents flagged (per agent)",
                sum(len(r[f"{c}_flagged"]) for r in null), agents, "<= 0.005")  # fmt: skip
        add("null", "each check its own BH (former): datasets with any flag",
            sum(any(r[f"{c}_own_flagged"] for c in AGENT_CHECKS) for r in null), n)  # fmt: skip
        for c in ("need_intent", "over_promising"):
            pv = np.concatenate([np.asarray(r[f"{c}_p"], float) for r in null])
            for a in (0.05, 0.01, 0.001):
                add("null", f"{c}: agent p-values < {a} (rate / {a} = obs / expected)",
                    int((pv < a).sum()), len(pv))  # fmt: skip
        add("null", "bunching_team: datasets with a flag",
            sum(r["bunching_team_flagged"] > 0 for r in null), n)  # fmt: skip
        for kind in STRONG_KINDS:
            target = "<= 0.05" if kind in STRONG_KINDS[:3] else ""
            add("null", f"{kind}: datasets with a strong finding",
                sum(r[f"{kind}_strong"] > 0 for r in null), n, target)  # fmt: skip
    power = [r for r in records if r["preset"] == "power"]
    if power:
        pad = [(a in r["bunching_flagged"]) for r in power for a in r["padders"]]
        add("power", "padders flagged by bunching", int(sum(pad)), len(pad), ">= 0.70")
        pad = [(a in r["bunching_own_flagged"]) for r in power for a in r["padders"]]
        add("power", "padders flagged by bunching, its own BH (former)", int(sum(pad)), len(pad))
        op = [(a in r["over_promising_flagged"]) for r in power for a in r["over_promisers"]]
        add("power", "over-promisers flagged", int(sum(op)), len(op))
        op = [(a in r["over_promising_own_flagged"]) for r in power for a in r["over_promisers"]]
        add("power", "over-promisers flagged, its own BH (former)", int(sum(op)), len(op))
        q = [x for r in power for x in r["quality"]
             if x["check"] == "bunching" and x["agent_id"] in r["padders"]
             and x["outcome"] == "satisfaction_rate"]  # fmt: skip
        add("power", "flagged padders with satisfaction coded worse",
            sum(x["code"] == "worse" for x in q), len(q))  # fmt: skip
        others = sum(len(set(r["bunching_flagged"]) - set(r["padders"])) for r in power)
        add("power", "bunching: non-padders flagged (per agent)", others,
            sum(r["agents"] - len(r["padders"]) for r in power), "<= 0.005")  # fmt: skip
    return pd.DataFrame(rows)


def run(n_null: int, n_power: int, agents: int = 60, months: int = 4, folder=None,
        first_seed: int = 1000, records_out=None, gaming_only=False) -> pd.DataFrame:  # fmt: skip
    """Run the calibration; returns :func:`summarise` of the records (also written as JSON to
    ``records_out`` when given, so that runs over disjoint seeds can be combined)."""
    tmp = None
    if folder is None:
        tmp = tempfile.TemporaryDirectory(prefix="calibration_")
        folder = tmp.name
    folder = Path(folder)
    records = []
    try:
        for preset, count in (("null", n_null), ("power", n_power)):
            for i in range(count):
                records.append(run_one(preset, first_seed + i, agents, months, folder, gaming_only))
    finally:
        if tmp is not None:
            tmp.cleanup()
    if records_out:
        Path(records_out).write_text(json.dumps(records, default=str), encoding="utf-8")
    return summarise(records)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--null", type=int, default=50)
    parser.add_argument("--power", type=int, default=20)
    parser.add_argument("--agents", type=int, default=60)
    parser.add_argument("--months", type=int, default=4)
    parser.add_argument("--folder", help="keep (and reuse) the generated datasets here")
    parser.add_argument("--first-seed", type=int, default=1000)
    parser.add_argument("--records", help="write the per-dataset records (JSON) here")
    parser.add_argument("--combine", nargs="+", help="summarise saved records; run nothing")
    parser.add_argument(
        "--gaming-only",
        action="store_true",
        help="only the agent gaming checks (no indicator-level findings)",
    )
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    if args.combine:
        recs = [r for f in args.combine for r in json.loads(Path(f).read_text(encoding="utf-8"))]
        res = summarise(recs)
    else:
        res = run(args.null, args.power, args.agents, args.months, folder=args.folder,
                  first_seed=args.first_seed, records_out=args.records,
                  gaming_only=args.gaming_only)  # fmt: skip
    pd.set_option("display.width", 160)
    print(res.round(4).to_string(index=False))
    print(f"seconds: {time.perf_counter() - t0:.0f}")


if __name__ == "__main__":
    sys.exit(main())
