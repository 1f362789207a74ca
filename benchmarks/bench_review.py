"""Time and memory of ``kpi review`` (the period review) on the bundled sample.

Runs ``kpi review`` as a subprocess of the project's ``.venv/bin/kpi`` for each cycle, into a
temporary ``--out`` folder:

- monthly: ``--params params/monthly.yaml`` (4 notebooks);
- quarterly: ``--params params/quarterly.yaml`` (6 notebooks).

For each run it reports the wall time, the peak memory of the process tree (the ``kpi``
process, its papermill kernels and their children), the time of each notebook (from the
published ``manifest.json``: ``notebooks[].duration_s``) and the time of the shared
computation when the manifest records it (``manifest["shared"]["duration_s"]``; ``n/a``
otherwise; ``manifest["shared"]["validation_s"]`` is printed too when present). Prints one
markdown table per run and a summary table.

Peak memory: with psutil installed (it is, through jupyter), the tree is sampled every
``--interval`` seconds and the largest *sum* of resident sizes over the tree is reported
("tree RSS, sampled"); a peak shorter than the interval can be missed. Also reported, always:
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``, the largest resident size of any *single*
waited-for descendant ("max single process").

Run from the repository root::

    .venv/bin/python benchmarks/bench_review.py                       # both cycles
    .venv/bin/python benchmarks/bench_review.py --cycles monthly
    .venv/bin/python benchmarks/bench_review.py --checkout /tmp/kpi-before   # another version

``--checkout DIR`` runs the code of another checkout of the repository (e.g. a ``git
worktree``) with this virtualenv: the subprocess gets ``PYTHONPATH=DIR`` and
``KPI_PROJECT_ROOT=DIR`` and runs in ``DIR``, so it reads that checkout's ``kpi_lib``,
notebooks, ``params/`` and ``data/sample``. The script prints which ``kpi_lib`` the
subprocess imports.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CYCLES = {
    "monthly": "params/monthly.yaml",
    "quarterly": "params/quarterly.yaml",
}


class TreeSampler:
    """Sample the summed RSS of a process and all its descendants (needs psutil)."""

    def __init__(self, pid: int, interval: float):
        import psutil

        self._psutil = psutil
        self._root = psutil.Process(pid)
        self.interval = interval
        self.peak = 0
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        ps = self._psutil
        try:
            procs = [self._root, *self._root.children(recursive=True)]
        except ps.Error:
            return
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except ps.Error:
                continue
        if total > self.peak:
            self.peak = total
            self.peak_processes = len(procs)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _env(checkout: Path | None) -> dict:
    env = dict(os.environ)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
        env["KPI_PROJECT_ROOT"] = str(checkout)
    return env


def imported_kpi_lib(python: Path, checkout: Path | None, cwd: Path) -> str:
    """The ``kpi_lib/__init__.py`` a subprocess with this environment imports."""
    out = subprocess.run(
        [str(python), "-c", "import kpi_lib; print(kpi_lib.__file__)"],
        env=_env(checkout),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def run_review(
    kpi: Path,
    cycle: str,
    *,
    checkout: Path | None,
    cwd: Path,
    dataset: str,
    interval: float,
    keep: bool,
) -> dict:
    """Run one ``kpi review`` and return its figures."""
    out = Path(tempfile.mkdtemp(prefix=f"bench_review_{cycle}_"))
    cmd = [
        str(kpi),
        "review",
        "--params",
        CYCLES[cycle],
        "--dataset",
        dataset,
        "--out",
        str(out),
        "--quiet",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=_env(checkout), cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    sampler = None
    try:
        sampler = TreeSampler(proc.pid, interval)
        sampler.start()
    except ImportError:
        sampler = None
    log, _ = proc.communicate()
    seconds = time.perf_counter() - t0
    if sampler is not None:
        sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    # ru_maxrss of children is a running maximum over every child waited for so far: it is
    # this run's figure only if this run set a new maximum (runs are reported in order)
    single = after * 1024 if after > before else None
    result = {
        "cycle": cycle,
        "command": " ".join(cmd),
        "returncode": proc.returncode,
        "seconds": seconds,
        "tree_peak": sampler.peak if sampler else None,
        "tree_processes": sampler.peak_processes if sampler else None,
        "single_peak": single,
        "single_peak_so_far": after * 1024,
        "log": log.decode(errors="replace"),
        "out": out,
    }
    manifests = sorted(out.glob("*/*/manifest.json"))
    if manifests:
        manifest = json.loads(manifests[0].read_text(encoding="utf-8"))
        result["manifest"] = manifest
    if not keep:
        shutil.rmtree(out, ignore_errors=True)
    return result


def _mb(n: int | None) -> str:
    return "n/a" if n is None else f"{n / 2**20:,.0f} MB"


def _s(x) -> str:
    return "n/a" if x is None else f"{float(x):.1f} s"


def shared_seconds(manifest: dict) -> float | None:
    """The shared computation's time if the manifest records it, else None."""
    shared = manifest.get("shared")
    if isinstance(shared, dict):
        return shared.get("duration_s")
    return None


def print_run(r: dict) -> None:
    m = r.get("manifest", {})
    print(f"\n### {r['cycle']} ({m.get('period', '?')})\n")
    print(f"`{r['command']}` -> exit {r['returncode']}\n")
    print("| step | seconds |")
    print("|---|---|")
    for nb in m.get("notebooks", []):
        print(f"| {nb['name']} | {_s(nb.get('duration_s'))} |")
    print(f"| shared computation | {_s(shared_seconds(m))} |")
    if isinstance(m.get("shared"), dict) and "validation_s" in m["shared"]:
        print(f"| shared validation | {_s(m['shared']['validation_s'])} |")
    print(f"| runner total (manifest) | {_s(m.get('duration_s'))} |")
    print(f"| wall, whole command | {r['seconds']:.1f} s |")
    if r["returncode"] != 0:
        print("\nlog tail:\n")
        print("\n".join(r["log"].splitlines()[-20:]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cycles", nargs="+", default=list(CYCLES), choices=list(CYCLES))
    parser.add_argument(
        "--checkout", type=Path, default=None, help="run another checkout's code (see above)"
    )
    parser.add_argument("--dataset", default="data/sample", help="default: data/sample")
    parser.add_argument(
        "--kpi", type=Path, default=REPO / ".venv" / "bin" / "kpi", help="the kpi command"
    )
    parser.add_argument("--interval", type=float, default=0.2, help="memory sampling (s)")
    parser.add_argument("--keep", action="store_true", help="keep the --out folders")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()

    checkout = args.checkout.resolve() if args.checkout else None
    cwd = checkout or REPO
    python = args.kpi.parent / "python"
    print(f"kpi_lib imported : {imported_kpi_lib(python, checkout, cwd)}")
    print(f"working folder   : {cwd}")
    print(f"load average     : {' '.join(f'{x:.2f}' for x in os.getloadavg())} (start)")
    try:
        import psutil  # noqa: F401

        memory_kind = f"tree RSS, sampled every {args.interval:.1f} s (psutil)"
    except ImportError:
        memory_kind = "not available (no psutil)"

    results = []
    for cycle in args.cycles:
        load0 = os.getloadavg()[0]
        r = run_review(
            args.kpi,
            cycle,
            checkout=checkout,
            cwd=cwd,
            dataset=args.dataset,
            interval=args.interval,
            keep=args.keep,
        )
        r["load"] = (load0, os.getloadavg()[0])
        results.append(r)
        print_run(r)
        sys.stdout.flush()

    print("\n### Summary\n")
    print(
        f"Peak memory: {memory_kind}; max single process: getrusage(RUSAGE_CHILDREN).ru_maxrss.\n"
    )
    print(
        "| cycle | notebooks | wall | per notebook (mean) | shared | peak memory (tree) "
        "| max single process | load average |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        m = r.get("manifest", {})
        nbs = m.get("notebooks", [])
        mean = sum(nb["duration_s"] for nb in nbs) / len(nbs) if nbs else None
        status = "" if r["returncode"] == 0 else " (FAILED)"
        print(
            f"| {r['cycle']}{status} | {len(nbs)} | {r['seconds']:.1f} s | {_s(mean)} "
            f"| {_s(shared_seconds(m))} | {_mb(r['tree_peak'])} | {_mb(r['single_peak'])} "
            f"| {r['load'][0]:.1f} -> {r['load'][1]:.1f} |"
        )
    if args.json:
        slim = [
            {k: (str(v) if isinstance(v, Path) else v) for k, v in r.items() if k != "log"}
            for r in results
        ]
        args.json.write_text(json.dumps(slim, indent=2, default=str), encoding="utf-8")
    if any(r["returncode"] != 0 for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
