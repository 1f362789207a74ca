"""Time and memory of the synthetic generator at about 10 million calls.

Run: ``.venv/bin/python benchmarks/bench_synth.py [--calls 10000000] [--out DIR]``.
Prints wall-clock seconds, peak resident memory (getrusage) and the peak of Python-level
allocations (tracemalloc, a second run is not needed: it is measured in the same run), plus
the rows and bytes written per table.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

from kpi_lib.data.synth import generate

# calls per agent-month in the default preset (about 24 dials x 21 working days)
CALLS_PER_AGENT_MONTH = 470


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=10_000_000, help="target number of calls")
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--out", default=None, help="output folder (default: a temporary one)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip tracemalloc (faster)")
    args = parser.parse_args()

    agents = max(8, round(args.calls / (CALLS_PER_AGENT_MONTH * args.months)))
    out = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="bench_synth_"))
    if not args.no_tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    c0 = time.process_time()
    summary = generate(out, agents=agents, months=args.months, seed=1)
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0
    traced_peak = tracemalloc.get_traced_memory()[1] if not args.no_tracemalloc else None
    if not args.no_tracemalloc:
        tracemalloc.stop()
    rss_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux

    calls = int(summary.set_index("table").loc["calls", "rows"])
    print(summary[["table", "rows", "bytes"]].to_string(index=False))
    print(f"agents x months      : {agents} x {args.months}")
    print(f"calls generated      : {calls:,}")
    print(f"seconds (wall)       : {seconds:.1f}")
    print(f"seconds (CPU)        : {cpu_seconds:.1f}  (wall exceeds CPU on a busy machine)")
    print(f"calls per second     : {calls / seconds:,.0f}")
    print(f"peak RSS (MB)        : {rss_peak_mb:,.0f}")
    if traced_peak is not None:
        print(f"peak traced (MB)     : {traced_peak / 2**20:,.0f}  (tracemalloc, numpy included)")
    print(f"bytes written (MB)   : {summary['bytes'].sum() / 1e6:,.1f}")
    if not args.out:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
