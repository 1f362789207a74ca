"""Monthly agent indicators at 10M and 100M calls: the engine against a pandas baseline.

Two tiers, reported separately:

- **full catalogue**: every indicator the dataset provides (calls, orders, leads, QA
  reviews, surveys, ...), engine against the pandas reference;
- **call-log indicators**: only the catalogue indicators whose ``tables`` are ``calls``
  alone (dials, connects, connect rate, effective calls, talk time, intent rate, ...; the
  list is read from the catalogue), engine against an idiomatic pandas groupby over the
  needed columns of ``calls.parquet``. This is the workload of issue 3's targets.

A third tier, **validation** (issue 15), measures what the contract's row rules cost out of
core, in the same run: ``engine`` (a dataset folder is always validated: types, ranges, keys,
duplicates, orphans, timestamps, plausibility, as SQL over the Parquet files) against
``engine_trusted``, the same engine over the same typed views without the rules (every row
used, as before issue 15); the ratio validated / trusted is printed. ``--validation-only``
runs this tier alone; ``--before DIR`` (a ``git archive REV kpi_lib`` unpacked in DIR) adds
``engine_before``, the engine of that version (e.g. before issue 15, trusting the files).
``--repeat N`` runs the tier's implementations N times in turn (reversed every other round)
and prints the per-round ratios and the ratio of the median times: on a shared machine one
pair of runs is not enough. A dataset made elsewhere is used through a link,
e.g. ``ln -s /work/bench100m benchmarks/data/calls_100000000``.

Run (from the repository root)::

    .venv/bin/python benchmarks/bench_engine.py --calls 10000000            # 10M only
    .venv/bin/python benchmarks/bench_engine.py --calls 10000000 100000000 \
        --skip-pandas-full-at 100000000                                     # the full run

Datasets are generated once into ``benchmarks/data/calls_<N>/`` with
``kpi_lib.data.synth.generate`` (reused on later runs; the folder is gitignored). Each
implementation runs in its own subprocess so that its peak resident memory (getrusage
``ru_maxrss`` of the child, imports included) is honest:

- ``engine``: ``compute_indicators(folder, granularity="month")``, every available indicator,
  DuckDB reading the Parquet files out of core;
- ``engine_trusted``: the same on the files trusted (rules not run; for this ratio only);
- ``engine_calls``: the same with ``indicators=`` the call-log indicators;
- ``duckdb_sql``: one plain DuckDB query (dials, connects, talk time per agent and month) over
  ``calls.parquet``, the floor for any engine;
- ``pandas``: the idiomatic pandas reference (``kpi_lib.indicators.reference``), reading the
  same files with ``pandas.read_parquet`` then grouping;
- ``pandas_calls``: ``pandas.read_parquet`` of only the calls columns the call-log
  indicators need, one ``groupby(["agent_id", month]).agg(...)`` for their components, and
  the engine's shared assembly (``indicators_from_components``, as the pandas reference
  uses) so that the output has the same rows (employment rule included).

On the dataset of ``--check-at`` calls (default 10M) each tier's engine output is
compared with its pandas output (same rows; ``value``, ``numerator``, ``denominator``
within 1e-9 relative, ``reason`` equal) and ``match`` or ``MISMATCH`` is printed; saving
the outputs for that check happens after the timer and the memory reading stop.

Times include reading the files; each line also prints the 1-minute load average before and
after the run (the machine may be shared). ``--skip-pandas`` leaves both pandas baselines
out; ``--skip-pandas-full-at 100000000`` leaves out only the full-catalogue pandas reference
at that size (it needs more than 24 GB at 100M calls and is killed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
CALLS_PER_AGENT_MONTH = 470  # default preset of kpi_lib.data.synth


def _dataset(calls: int, months: int) -> Path:
    folder = DATA / f"calls_{calls}"
    if (folder / "calls.parquet").is_file() or (folder / "calls").is_dir():
        return folder
    from kpi_lib.data.synth import generate

    agents = max(8, round(calls / (CALLS_PER_AGENT_MONTH * months)))
    print(f"generating {folder} ({agents} agents x {months} months) ...", flush=True)
    t0 = time.perf_counter()
    generate(folder, agents=agents, months=months, seed=1)
    print(f"  generated in {time.perf_counter() - t0:.0f} s", flush=True)
    return folder


TIERS = {
    "full catalogue": ("engine", "pandas"),
    "call-log indicators": ("engine_calls", "pandas_calls"),
    "validation": ("engine", "engine_trusted"),
}


def call_log_indicators() -> list[str]:
    """Catalogue ids whose ``tables`` are the calls table alone."""
    from kpi_lib.indicators.catalogue import CATALOGUE

    return [i for i, ind in CATALOGUE.items() if set(ind.tables) == {"calls"}]


def _pandas_calls(folder: Path):
    """Idiomatic pandas: read the needed calls columns, one groupby, then the shared
    assembly of the tidy indicator table."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from kpi_lib.indicators.definitions import Definitions
    from kpi_lib.indicators.engine import finish_components, indicators_from_components

    d = Definitions()
    ids = call_log_indicators()
    available = set(pq.read_schema(folder / "calls.parquet").names)
    cols = ["agent_id", "started_at", "duration_s", "outcome"]
    cols += [c for c in ("need_captured", "intent_rating") if c in available]
    calls = pd.read_parquet(folder / "calls.parquet", columns=cols)
    connected = calls["outcome"].eq("connected").to_numpy(dtype=bool, na_value=False)
    dur = calls["duration_s"].astype("float64").fillna(0.0).to_numpy()
    eff = connected & (dur >= d.effective_min_talk_s)
    if d.effective_requires_need_captured and "need_captured" in calls:
        eff &= calls["need_captured"].to_numpy(dtype=bool, na_value=False)
    frame = pd.DataFrame(
        {
            "agent_id": calls["agent_id"],
            "period_start": calls["started_at"].to_numpy().astype("datetime64[M]"),
            "conn": connected,
            "eff": eff,
            "dur": dur,
            "conn_dur": np.where(connected, dur, 0.0),
            "eff_dur": np.where(eff, dur, 0.0),
        }
    )
    aggs = {
        "dials": ("conn", "size"),
        "connects": ("conn", "sum"),
        "effective": ("eff", "sum"),
        "talk_s": ("dur", "sum"),
        "connected_talk_s": ("conn_dur", "sum"),
        "effective_talk_s": ("eff_dur", "sum"),
    }
    if "intent_rating" in calls:
        rating = calls["intent_rating"].astype("float64").to_numpy(na_value=np.nan)
        frame["int"] = connected & (rating >= d.intent_interested_min)
        aggs["interested"] = ("int", "sum")
    del calls
    comp = frame.groupby(["agent_id", "period_start"], sort=False).agg(**aggs).reset_index()
    del frame
    comp["agent_id"] = comp["agent_id"].astype(object)
    comp["period_start"] = comp["period_start"].astype("datetime64[us]")
    agents = pd.read_parquet(folder / "agents.parquet")
    comp = finish_components(comp, agents, d, granularity="month")
    return indicators_from_components(comp, granularity="month", indicators=ids, definitions=d)


def _worker(kind: str, folder: Path, save: str | None = None) -> dict:
    t0 = time.perf_counter()
    if kind == "engine_calls":
        from kpi_lib.indicators.engine import compute_indicators

        out = compute_indicators(folder, granularity="month", indicators=call_log_indicators())
        rows = len(out)
    elif kind == "pandas_calls":
        out = _pandas_calls(folder)
        rows = len(out)
    elif kind == "engine":
        import warnings

        from kpi_lib.indicators.engine import compute_indicators

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = compute_indicators(folder, granularity="month")
        rows = len(out)
    elif kind == "engine_trusted":
        import warnings

        import kpi_lib.indicators.engine.compute as compute
        from kpi_lib.indicators.engine.folder import read_folder

        # the same call as ``engine`` (so the connection is released the same way), with
        # the folder opened without its rules
        compute.open_source = lambda data, backend, timezone: read_folder(
            data, timezone, validate=False
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = compute.compute_indicators(folder, granularity="month")
        rows = len(out)
    elif kind == "duckdb_sql":
        import duckdb

        con = duckdb.connect()
        out = con.sql(
            f"""SELECT agent_id, date_trunc('month', started_at) AS m, count(*) AS dials,
                   sum((outcome = 'connected')::INT) AS connects, sum(duration_s) AS talk
                FROM read_parquet('{folder / "calls.parquet"}') GROUP BY ALL"""
        ).df()
        rows = len(out)
    elif kind == "pandas":
        import pandas as pd
        import yaml

        from kpi_lib.data.dataset import Dataset
        from kpi_lib.indicators.reference import compute_indicators_pandas

        tables = {p.stem: pd.read_parquet(p) for p in folder.glob("*.parquet")}
        tz = yaml.safe_load((folder / "dataset.yaml").read_text()).get("timezone", "UTC")
        out = compute_indicators_pandas(Dataset(tables=tables, timezone=tz), granularity="month")
        rows = len(out)
    else:
        raise ValueError(f"unknown worker {kind!r}")
    seconds = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if save:
        # after the timer and the memory reading: only for the output check
        out.reset_index(drop=True).to_parquet(save)
    return {"kind": kind, "seconds": seconds, "peak_mb": peak_mb, "rows": rows}


def _compare(engine_file: Path, pandas_file: Path) -> str:
    """ "match" when both outputs have the same rows and values, else "MISMATCH: why"."""
    import numpy as np
    import pandas as pd

    keys = ["agent_id", "period", "indicator"]
    e, p = pd.read_parquet(engine_file), pd.read_parquet(pandas_file)
    if len(e) != len(p):
        return f"MISMATCH: {len(e):,} engine rows, {len(p):,} pandas rows"
    m = e.merge(p, on=keys, how="outer", suffixes=("_e", "_p"), indicator=True)
    unmatched = int((m["_merge"] != "both").sum())
    if unmatched:
        return f"MISMATCH: {unmatched:,} rows only on one side"
    bad = []
    for c in ("value", "numerator", "denominator"):
        a, b = m[f"{c}_e"].to_numpy("float64"), m[f"{c}_p"].to_numpy("float64")
        n = int((~np.isclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)).sum())
        if n:
            bad.append(f"{n:,} {c}")
    n = int((m["reason_e"].astype(str) != m["reason_p"].astype(str)).sum())
    if n:
        bad.append(f"{n:,} reason")
    if bad:
        return "MISMATCH: differing " + ", ".join(bad)
    return f"match ({len(e):,} rows, {e['indicator'].nunique()} indicators)"


#: ``--before DIR``: the code of another version (a ``git archive`` of kpi_lib), whose
#: ``engine`` runs as ``engine_before`` (e.g. the engine before issue 15, which trusted
#: the files)
BEFORE: dict[str, str] = {}


def _run(kind: str, folder: Path, save: Path | None = None) -> dict:
    env = os.environ.copy()
    worker = kind
    if kind == "engine_before":
        env["PYTHONPATH"] = BEFORE["dir"]
        worker = "engine"
    cmd = [sys.executable, __file__, "--worker", worker, "--folder", str(folder)]
    if save is not None:
        cmd += ["--save", str(save)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    if res.returncode != 0:
        if res.returncode < 0:
            # SIGKILL without a traceback is almost always the kernel's out-of-memory killer
            error = f"killed by signal {-res.returncode} after {time.perf_counter() - t0:.0f} s"
            if res.returncode == -9:
                error += " (out of memory?)"
        else:
            error = res.stderr.strip().splitlines()[-1] if res.stderr else "failed"
        return {"kind": kind, "seconds": float("nan"), "peak_mb": float("nan"), "rows": 0,
                "error": error}  # fmt: skip
    return json.loads(res.stdout.strip().splitlines()[-1]) | {"kind": kind}


def _median(results: list[dict]) -> dict:
    """One line for repeated runs: the median seconds, the highest peak, the load range."""
    import statistics

    ok = [r for r in results if "error" not in r]
    if not ok:
        return results[-1]
    return ok[-1] | {
        "seconds": statistics.median(r["seconds"] for r in ok),
        "peak_mb": max(r["peak_mb"] for r in ok),
        "load": (min(r["load"][0] for r in ok), max(r["load"][1] for r in ok)),
    }


def main() -> None:
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument(
        "--skip-pandas-full-at",
        type=int,
        nargs="*",
        default=[],
        help="dataset sizes at which to leave out only the full-catalogue pandas reference",
    )
    parser.add_argument(
        "--check-at",
        type=int,
        default=10_000_000,
        help="dataset size at which engine and pandas outputs are compared (0: never)",
    )
    parser.add_argument(
        "--validation-only",
        action="store_true",
        help="run only the validation tier (validated vs trusted engine)",
    )
    parser.add_argument(
        "--before",
        metavar="DIR",
        help="a folder holding kpi_lib of another version (git archive REV kpi_lib | tar -x "
        "-C DIR): its engine joins the validation tier as engine_before",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="N",
        help="validation tier: run validated and trusted N times in turn (on a shared "
        "machine); the ratio printed is of the median times",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    parser.add_argument("--save", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker, Path(args.folder), args.save)))
        return
    print("call-log indicators (catalogue tables == calls): " + ", ".join(call_log_indicators()))
    tmp = Path(tempfile.mkdtemp(prefix="bench_engine_"))
    for calls in args.calls:
        folder = _dataset(calls, args.months)
        check = calls == args.check_at
        by = {}
        for tier, (engine_kind, pandas_kind) in TIERS.items():
            validation = tier == "validation"
            if args.validation_only and not validation:
                continue
            print(f"--- {calls:,} calls, tier: {tier} ---", flush=True)
            kinds = [engine_kind, pandas_kind] if validation else [engine_kind, "duckdb_sql"]
            if validation and args.before:
                BEFORE["dir"] = str(Path(args.before).resolve())
                kinds.append("engine_before")
            if (
                not validation
                and not args.skip_pandas
                and not (pandas_kind == "pandas" and calls in args.skip_pandas_full_at)
            ):
                kinds.append(pandas_kind)
            rounds = args.repeat if validation else 1
            runs: dict[str, list] = {}
            for round_ in range(rounds):
                # in turn, reversed every other round: a change of load hits both sides
                for kind in kinds if round_ % 2 == 0 else kinds[::-1]:
                    if kind in by and round_ == 0:  # the plain query: the same floor for both
                        r = by[kind]
                    else:
                        load_before = os.getloadavg()[0]
                        first = round_ == 0 and check and kind != "duckdb_sql"
                        r = _run(kind, folder, tmp / f"{kind}.parquet" if first else None)
                        r["calls"] = calls
                        r["load"] = (load_before, os.getloadavg()[0])
                        runs.setdefault(kind, []).append(r)
                        by[kind] = r
                    print(
                        f"{calls:>12,} calls  {kind:<13} {r['seconds']:8.1f} s  "
                        f"{r['peak_mb']:8.0f} MB peak"
                        f"  (load average {r['load'][0]:.1f} -> {r['load'][1]:.1f})"
                        + (f"  ERROR {r['error']}" if "error" in r else ""),
                        flush=True,
                    )
            if rounds > 1:
                by.update({k: _median(v) for k, v in runs.items()})
                pairs = [
                    a["seconds"] / b["seconds"]
                    for a, b in zip(runs[engine_kind], runs[pandas_kind], strict=True)
                ]
                print(
                    f"{'':>12}        [validation] {rounds} rounds, validated / trusted per round: "
                    + ", ".join(f"{x:.2f}x" for x in pairs)
                    + f"; medians: {by[engine_kind]['seconds']:.1f} s / "
                    f"{by[pandas_kind]['seconds']:.1f} s, highest peaks below",
                    flush=True,
                )
            if pandas_kind not in kinds:
                print(f"{'':>12}        {pandas_kind}: skipped", flush=True)
            e, p = by.get(engine_kind), by.get(pandas_kind)
            if validation:
                if e and p and "error" not in e and "error" not in p and p["seconds"] > 0:
                    print(
                        f"{'':>12}        [validation] validated / trusted: "
                        f"{e['seconds'] / p['seconds']:.2f}x the time, "
                        f"{e['peak_mb'] / p['peak_mb']:.2f}x the peak memory "
                        f"({e['peak_mb']:.0f} MB)",
                        flush=True,
                    )
                    b = by.get("engine_before")
                    if b and "error" not in b and b["seconds"] > 0:
                        print(
                            f"{'':>12}        [validation] validated / engine before: "
                            f"{e['seconds'] / b['seconds']:.2f}x the time, "
                            f"{e['peak_mb'] / b['peak_mb']:.2f}x the peak memory",
                            flush=True,
                        )
                    if check:
                        verdict = _compare(tmp / "engine.parquet", tmp / "engine_trusted.parquet")
                        print(f"{'':>12}        [validation] output vs trusted: {verdict}")
                continue
            if e and p and "error" not in e and "error" not in p and e["seconds"] > 0:
                print(
                    f"{'':>12}        [{tier}] engine vs pandas: "
                    f"{p['seconds'] / e['seconds']:.1f}x faster, "
                    f"{p['peak_mb'] / e['peak_mb']:.1f}x less peak memory",
                    flush=True,
                )
            if check and e and p and "error" not in e and "error" not in p:
                verdict = _compare(tmp / f"{engine_kind}.parquet", tmp / f"{pandas_kind}.parquet")
                print(f"{'':>12}        [{tier}] engine output vs pandas: {verdict}", flush=True)
    for f in tmp.glob("*.parquet"):
        f.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    main()
