"""Scheduled period reviews: run notebooks through papermill and publish HTML atomically.

A review run

1. merges parameters: the notebooks' own defaults <- each ``--params`` YAML file in order
   <- command-line overrides (``--period``, ``--cycle``, ``--dataset``, ``--set KEY=VALUE``);
2. takes a per-period lock, so two runs of the same period cannot overlap;
3. executes every configured notebook into a private staging folder and renders each to
   HTML without code;
4. on success writes ``manifest.json`` and ``index.html`` and swaps the published folder
   ``<root>/<cycle>/<period>`` to the new version in one atomic step (a symlink replace);
   on failure keeps the failed notebook (with papermill's error cell) under
   ``<root>/failed/<cycle>/<period>/<stamp>/`` and leaves the last good report untouched.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kpi_lib import __version__
from kpi_lib._util import check_option
from kpi_lib.paths import project_root, resolve
from kpi_lib.report.fonts import cjk_font_face_css
from kpi_lib.report.review import CYCLES

__all__ = [
    "CYCLES",
    "ReviewFailed",
    "ReviewResult",
    "merge_parameters",
    "notebook_parameters",
    "last_complete_period",
    "render_html",
    "run_review",
]

#: Granularity of each cycle's period label (the weekly review is labelled by ISO week).
GRANULARITY = {"weekly": "week", "monthly": "month", "quarterly": "quarter", "annual": "year"}
DEFAULT_NOTEBOOKS = ("period_review",)


class ReviewFailed(RuntimeError):
    """A notebook of the review failed; the message names the notebook and the cell."""

    def __init__(self, message: str, failed_dir: Path | None = None):
        super().__init__(message)
        self.failed_dir = failed_dir


@dataclass
class ReviewResult:
    """Where a published review lives and what ran."""

    folder: Path
    index_html: Path
    manifest: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ parameters


def notebook_parameters(notebook: str | Path) -> dict[str, dict]:
    """Parameters a notebook declares in its ``parameters`` cell (name -> papermill info)."""
    import papermill as pm

    return {p["name"]: p for p in pm.inspect_notebook(str(notebook)).values()}


def _read_yaml(path: str | Path) -> dict:
    path = resolve(path)
    if not path.is_file():
        raise FileNotFoundError(f"Parameter file {str(path)!r} does not exist.")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"Parameter file {str(path)!r} must hold a mapping of keys to values.")
    return data


def merge_parameters(files: list[str | Path], overrides: dict | None = None) -> dict:
    """Merge review settings from YAML files (later files win) and overrides.

    A review file may hold ``notebooks`` (list of notebook stems), ``parameters`` (passed to
    every notebook that declares them), ``notebook_parameters`` (per notebook) and the
    top-level keys ``cycle``, ``period``, ``dataset``. Any other top-level key is treated as
    a parameter for every notebook.
    """
    merged: dict = {"parameters": {}, "notebook_parameters": {}}
    for f in files:
        data = dict(_read_yaml(f))
        if "notebooks" in data:
            merged["notebooks"] = list(data.pop("notebooks"))
        merged["parameters"].update(data.pop("parameters", {}) or {})
        for nb, values in (data.pop("notebook_parameters", {}) or {}).items():
            merged["notebook_parameters"].setdefault(nb, {}).update(values or {})
        merged["parameters"].update(data)
    merged["parameters"].update(overrides or {})
    return merged


def _coerce_override(value, declared: dict | None):
    """CLI values arrive as text; keep text for ``str`` parameters, else read them as YAML."""
    if not isinstance(value, str):
        return value
    if declared and declared.get("inferred_type_name", "").startswith("str"):
        return value
    try:
        return yaml.safe_load(value)
    except yaml.YAMLError:
        return value


# ------------------------------------------------------------------------------ periods


def last_complete_period(
    dataset_path: str | Path, cycle: str = "monthly", *, grace_days: int = 3
) -> str:
    """The latest period of ``cycle`` that the dataset covers completely.

    A period is complete when the dataset's last call falls within its last ``grace_days``
    days (default 3, so that a month ending on a weekend or holiday still counts as complete
    when the last working day is in the data).
    """
    import duckdb

    from kpi_lib.indicators.periods import period_bounds, period_label, previous_period

    check_option("cycle", cycle, CYCLES)
    folder = resolve(dataset_path)
    calls = folder / "calls.parquet"
    if calls.is_file():
        with duckdb.connect() as con:
            latest = con.execute(
                "select max(started_at) from read_parquet(?)", [str(calls)]
            ).fetchone()[0]
    else:
        from kpi_lib.data.load import load_dataset

        latest = load_dataset(folder)["calls"]["started_at"].max()
    if latest is None:
        raise ValueError(f"Dataset {str(folder)!r} has no calls, so it has no complete period.")
    import pandas as pd

    latest = pd.Timestamp(latest)
    label = period_label(latest, GRANULARITY[cycle])
    _, end, _ = period_bounds(label)
    # `end` is exclusive: the period is complete when the data reaches its last days
    if latest.normalize() + pd.Timedelta(days=grace_days) < pd.Timestamp(end):
        label = previous_period(label)
    return label


# ------------------------------------------------------------------------------ rendering


def render_html(notebook_path: str | Path, html_path: str | Path) -> None:
    """Render an executed notebook to a self-contained HTML file without code cells."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = nbformat.read(str(notebook_path), as_version=4)
    exporter = HTMLExporter(template_name="lab")
    # analyst-only notes and papermill's injected-parameters cell stay out of the report
    remover = TagRemovePreprocessor(
        remove_cell_tags={"notebook-only", "injected-parameters"}, enabled=True
    )
    exporter.register_preprocessor(remover, enabled=True)
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.embed_images = True
    body, _ = exporter.from_notebook_node(nb)
    css = cjk_font_face_css(body)
    if css:
        # Chinese reports carry the glyphs they use, so they read without system CJK fonts
        body = body.replace("</head>", f"<style>{css}</style>\n</head>", 1)
    Path(html_path).write_text(body, encoding="utf-8")


def _git_version() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(project_root()), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def _index_html(manifest: dict) -> str:
    rows = []
    for nb in manifest["notebooks"]:
        status = nb["status"]
        colour = {"ok": "#1a7f37", "failed": "#cf222e"}.get(status, "#6e7781")
        link = f'<a href="{html.escape(nb["html"])}">{html.escape(nb["title"])}</a>'
        rows.append(
            f"<tr><td>{link}</td><td style='color:{colour}'>{status}</td>"
            f"<td>{nb['duration_s']:.1f} s</td></tr>"
        )
    counts = manifest.get("load_report", {})
    load = ""
    if counts:
        load = "<h2>Data loaded</h2><table><tr><th>table</th><th>rows read</th><th>used</th><th>set aside</th></tr>"
        for table, c in counts.items():
            load += (
                f"<tr><td>{html.escape(table)}</td><td>{c['rows_read']:,}</td>"
                f"<td>{c['rows_used']:,}</td><td>{c['rows_quarantined']:,}</td></tr>"
            )
        load += "</table>"
    title = f"{manifest['cycle'].capitalize()} review {manifest['period']}"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:820px;margin:2em auto;color:#1f2328}}
table{{border-collapse:collapse}}td,th{{padding:4px 12px;border-bottom:1px solid #d0d7de;text-align:left}}</style>
</head><body>
<h1>{html.escape(title)}</h1>
<p>Dataset <code>{html.escape(str(manifest["dataset"]))}</code> (fingerprint {manifest["dataset_fingerprint"]}),
generated {html.escape(manifest["finished_at"])} by kpi-workbench {html.escape(manifest["code_version"])}.</p>
<h2>Reports</h2><table><tr><th>report</th><th>status</th><th>time</th></tr>{"".join(rows)}</table>
{load}
</body></html>
"""


# ------------------------------------------------------------------------------ publishing


def _publish(staging: Path, target: Path) -> None:
    """Make ``target`` point at ``staging`` in one atomic step (symlink replace)."""
    versions = target.parent / ".versions"
    versions.mkdir(parents=True, exist_ok=True)
    final = versions / f"{target.name}-{staging.name}"
    staging.rename(final)
    tmp_link = target.parent / f".{target.name}.{uuid.uuid4().hex}.link"
    tmp_link.symlink_to(os.path.relpath(final, target.parent))
    old = None
    if target.is_symlink():
        old = (target.parent / os.readlink(target)).resolve()
    elif target.exists():
        # a real folder from an older layout: move it aside first
        old = versions / f"{target.name}-legacy-{uuid.uuid4().hex}"
        target.rename(old)
    os.replace(tmp_link, target)
    if old is not None and old.exists() and old != final.resolve():
        shutil.rmtree(old, ignore_errors=True)


class _Progress:
    def __init__(self, total: int, enabled: bool | None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.total = total
        self.bar = None
        if self.enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc="kpi review", unit="notebook", file=sys.stderr)

    def start(self, i: int, name: str) -> None:
        if self.bar is not None:
            self.bar.set_postfix_str(name)
        else:
            _log(f"[{i}/{self.total}] {name}: running")

    def done(self, i: int, name: str, status: str, seconds: float) -> None:
        if self.bar is not None:
            self.bar.update(1)
        else:
            _log(f"[{i}/{self.total}] {name}: {status} in {seconds:.1f} s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _log(message: str) -> None:
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} kpi review: {message}", file=sys.stderr, flush=True)


def _failed_cell(nb_path: Path) -> str:
    """'cell N (Error: message)', N counting cells of the source notebook from 1."""
    import nbformat

    try:
        nb = nbformat.read(str(nb_path), as_version=4)
    except Exception:  # noqa: BLE001 - the notebook may be unreadable after a crash
        return "unknown cell"
    added = {"injected-parameters", "papermill-error-cell-tag"}
    position = 0
    for cell in nb.cells:
        if added & set(cell.metadata.get("tags", [])):
            continue
        position += 1
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                return (
                    f"cell {position} ({out.get('ename')}: {str(out.get('evalue'))[:200]}; "
                    f"code: {first[:80]!r})"
                )
    return "unknown cell"


# ------------------------------------------------------------------------------ the run


@contextmanager
def _period_lock(out_root: Path, cycle: str, period: str):
    """Hold the lock of one period's review, or fail at once if another run holds it."""
    from filelock import FileLock, Timeout

    lock_dir = out_root / ".locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_dir / f"{cycle}-{period}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise ReviewFailed(
            f"Another review of {cycle} {period} is running (lock {lock.lock_file}); "
            "try again when it has finished."
        ) from None
    try:
        yield
    finally:
        lock.release()


def run_review(
    *,
    params_files: list[str | Path] = (),
    period: str | None = None,
    cycle: str | None = None,
    dataset: str | None = None,
    overrides: dict | None = None,
    output_root: str | Path = "reports",
    notebooks: list[str] | None = None,
    progress: bool | None = None,
    kernel_name: str | None = None,
    notebook_dir: str | Path | None = None,
) -> ReviewResult:
    """Execute the review notebooks for one period and publish them.

    Parameters
    ----------
    params_files : list of paths
        YAML parameter files, merged in order (see :func:`merge_parameters`).
    period : str, optional
        Period label (``2026-10``, ``2026-Q4``, ``2026``, ``2026-W43``). Default: the last
        complete period of the dataset for the cycle.
    cycle : str, optional
        ``weekly``, ``monthly``, ``quarterly`` or ``annual`` (default from the params, else
        ``monthly``).
    dataset : str, optional
        Dataset folder, overriding the params.
    overrides : dict, optional
        Parameter overrides (``--set KEY=VALUE``); text values are read as YAML unless the
        notebook declares the parameter as ``str``.
    output_root : path
        Root of published reports; the review goes to ``<root>/<cycle>/<period>/``.
    notebooks : list of str, optional
        Notebook stems to run (default: the params' ``notebooks``, else ``period_review``).
    progress : bool, optional
        Progress bar (default: when stderr is a terminal; plain log lines otherwise).
    kernel_name : str, optional
        Jupyter kernel to execute with (default: the notebook's own).
    notebook_dir : path, optional
        Folder holding the notebooks (default: the project's ``notebooks/``).

    Returns
    -------
    ReviewResult

    Raises
    ------
    ReviewFailed
        When a notebook fails (the message names the notebook and the cell), or when another
        run of the same period holds the lock.
    """
    import papermill as pm

    settings = merge_parameters(list(params_files), overrides)
    params = settings["parameters"]
    cycle = cycle or params.get("cycle") or "monthly"
    check_option("cycle", cycle, CYCLES)
    dataset = dataset or params.get("dataset") or "data/sample"
    period = period or params.get("period") or last_complete_period(dataset, cycle)
    period = str(period)
    params.update({"cycle": cycle, "period": period, "dataset": str(dataset)})
    names = list(notebooks or settings.get("notebooks") or DEFAULT_NOTEBOOKS)

    nb_dir = resolve(notebook_dir) if notebook_dir else project_root() / "notebooks"
    missing = [n for n in names if not (nb_dir / f"{n}.ipynb").is_file()]
    if missing:
        available = sorted(p.stem for p in nb_dir.glob("*.ipynb"))
        raise FileNotFoundError(f"Unknown notebook(s) {missing}; available: {available}.")

    out_root = resolve(output_root)
    target = out_root / cycle / period
    target.parent.mkdir(parents=True, exist_ok=True)
    with _period_lock(out_root, cycle, period):
        started = dt.datetime.now(dt.UTC)
        stamp = started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
        staging = out_root / ".staging" / f"{cycle}-{period}-{stamp}"
        staging.mkdir(parents=True)
        bar = _Progress(len(names), progress)
        records = []
        try:
            for i, name in enumerate(names, start=1):
                source = nb_dir / f"{name}.ipynb"
                declared = notebook_parameters(source)
                wanted = dict(params)
                wanted.update(settings["notebook_parameters"].get(name, {}))
                values = {
                    k: _coerce_override(v, declared.get(k))
                    for k, v in wanted.items()
                    if k in declared
                }
                out_nb = staging / f"{name}.ipynb"
                out_html = staging / f"{name}.html"
                bar.start(i, name)
                t0 = time.perf_counter()
                record = {
                    "name": name,
                    "title": name.replace("_", " ").capitalize(),
                    "notebook": out_nb.name,
                    "html": out_html.name,
                    "parameters": values,
                }
                try:
                    pm.execute_notebook(
                        str(source),
                        str(out_nb),
                        parameters=values,
                        cwd=str(nb_dir),
                        progress_bar=False,
                        kernel_name=kernel_name,
                        log_output=False,
                        # keep the kernel's own start-up warnings out of terminals and cron logs
                        extra_arguments=["--IPKernelApp.log_level=ERROR"],
                    )
                except Exception as exc:  # noqa: BLE001 - any failure of the notebook fails the run
                    seconds = time.perf_counter() - t0
                    bar.done(i, name, "FAILED", seconds)
                    failed_dir = out_root / "failed" / cycle / period / stamp
                    failed_dir.mkdir(parents=True, exist_ok=True)
                    cell = _failed_cell(out_nb) if out_nb.exists() else "before execution"
                    if out_nb.exists():
                        shutil.copy2(out_nb, failed_dir / out_nb.name)
                        try:
                            render_html(out_nb, failed_dir / out_html.name)
                        except Exception:  # noqa: BLE001 - the error notebook itself is what matters
                            pass
                    (failed_dir / "error.txt").write_text(
                        f"{name}: {cell}\n\n{type(exc).__name__}: {exc}\n", encoding="utf-8"
                    )
                    raise ReviewFailed(
                        f"Notebook `{name}` failed at {cell}. The last good report in {target} is "
                        f"unchanged; the failed notebook is kept in {failed_dir}.",
                        failed_dir,
                    ) from None
                render_html(out_nb, out_html)
                seconds = time.perf_counter() - t0
                record.update({"status": "ok", "duration_s": round(seconds, 2)})
                records.append(record)
                bar.done(i, name, "ok", seconds)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            bar.close()

        finished = dt.datetime.now(dt.UTC)
        manifest = {
            "cycle": cycle,
            "period": period,
            "dataset": str(dataset),
            "dataset_fingerprint": _fingerprint(dataset),
            "code_version": f"{__version__}+{_git_version()}",
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration_s": round((finished - started).total_seconds(), 2),
            "parameters": params,
            "notebooks": records,
            "load_report": _load_counts(dataset),
            "status": "ok",
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, default=str, ensure_ascii=False), encoding="utf-8"
        )
        (staging / "index.html").write_text(_index_html(manifest), encoding="utf-8")
        _publish(staging, target)
        return ReviewResult(folder=target, index_html=target / "index.html", manifest=manifest)


def _fingerprint(dataset) -> str:
    from kpi_lib.data.dataset import Dataset

    return Dataset(tables={}, source=resolve(dataset)).fingerprint()


def _load_counts(dataset) -> dict:
    """Rows read / used / set aside per table, as the notebooks saw them."""
    from kpi_lib.data.load import load_dataset

    try:
        report = load_dataset(dataset).load_report
    except Exception as exc:  # noqa: BLE001 - the manifest records the failure instead
        return {"error": str(exc)}
    summary = report[report.reason == ""]
    return {
        r.table: {
            "rows_read": int(r.rows_read),
            "rows_used": int(r.rows_used),
            "rows_quarantined": int(r.rows_quarantined),
        }
        for r in summary.itertuples()
    }
