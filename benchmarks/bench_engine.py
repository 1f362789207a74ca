"""Monthly agent indicators at 10M and 100M calls: the engine against a pandas baseline.

Run (from the repository root)::

    .venv/bin/python benchmarks/bench_engine.py --calls 10000000            # 10M only
    .venv/bin/python benchmarks/bench_engine.py --calls 10000000 100000000  # the full run

Datasets are generated once into ``benchmarks/data/calls_<N>/`` with
``kpi_lib.data.synth.generate`` (reused on later runs; the folder is gitignored). Each
implementation runs in its own subprocess so that its peak resident memory (getrusage
``ru_maxrss`` of the child, imports included) is honest:

- ``engine``: ``compute_indicators(folder, granularity="month")``, every available indicator,
  DuckDB reading the Parquet files out of core;
- ``duckdb_sql``: one plain DuckDB query (dials, connects, talk time per agent and month) over
  ``calls.parquet``, the floor for any engine;
- ``pandas``: the idiomatic pandas reference (``kpi_lib.indicators.reference``), reading the
  same files with ``pandas.read_parquet`` then grouping.

Times include reading the files; each line also prints the 1-minute load average before and
after the run (the machine may be shared). ``--skip-pandas`` leaves the baseline out.
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


def _worker(kind: str, folder: Path) -> dict:
    t0 = time.perf_counter()
    if kind == "engine":
        import warnings

        from kpi_lib.indicators.engine import compute_indicators

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = compute_indicators(folder, granularity="month")
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
    return {"kind": kind, "seconds": seconds, "peak_mb": peak_mb, "rows": rows}


def _run(kind: str, folder: Path) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--folder", str(folder)]
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=os.environ.copy())
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
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, nargs="+", default=[10_000_000, 100_000_000])
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker, Path(args.folder))))
        return
    kinds = ["engine", "duckdb_sql"] + ([] if args.skip_pandas else ["pandas"])
    results = []
    for calls in args.calls:
        folder = _dataset(calls, args.months)
        for kind in kinds:
            load_before = os.getloadavg()[0]
            r = _run(kind, folder)
            r["calls"] = calls
            r["load"] = (load_before, os.getloadavg()[0])
            results.append(r)
            print(
                f"{calls:>12,} calls  {kind:<10} {r['seconds']:8.1f} s  {r['peak_mb']:8.0f} MB peak"
                f"  (load average {r['load'][0]:.1f} -> {r['load'][1]:.1f})"
                + (f"  ERROR {r['error']}" if "error" in r else ""),
                flush=True,
            )
        by = {r["kind"]: r for r in results if r["calls"] == calls}
        if "pandas" in by and "error" not in by["pandas"] and by["engine"]["seconds"] > 0:
            e, p = by["engine"], by["pandas"]
            print(
                f"{'':>12}        engine vs pandas: {p['seconds'] / e['seconds']:.1f}x faster, "
                f"{p['peak_mb'] / e['peak_mb']:.1f}x less peak memory",
                flush=True,
            )


if __name__ == "__main__":
    main()
