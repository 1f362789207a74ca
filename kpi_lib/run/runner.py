"""Scheduled period reviews: run notebooks through papermill and publish HTML atomically.

A review run

1. builds the review specification once (:func:`kpi_lib.review.prepare_spec`): defaults <- each
   ``--params`` YAML file in order <- ``--period``, ``--cycle``, ``--dataset`` <- ``--set
   KEY=VALUE``; unknown keys, bad values, a period not in the data or a scheme the data cannot
   support stop the run here, before any notebook;
2. takes a per-period lock, so two runs of the same period cannot overlap;
3. computes the review once (indicators, scorecard, decisions, diagnosis) into the private
   staging folder, then executes every configured notebook on that stored review and renders
   each to HTML without code;
4. on success writes ``manifest.json`` and ``index.html`` and swaps the published folder
   ``<root>/<cycle>/<period>`` to the new version in one atomic step (a symlink replace);
   on failure keeps the failed notebook (with papermill's error cell) under
   ``<root>/failed/<cycle>/<period>/<stamp>/`` and leaves the last good report untouched.

A period without usable calls (an empty or fully quarantined calls table, calls declared
empty at import, or a period inside the data's span where no call is usable) is not computed:
the run publishes a small report instead, an index and a "no usable calls in <period>" page
with the row accounting and what to do (:mod:`kpi_lib.run.no_calls`), its manifest's
``status`` :data:`NO_USABLE_CALLS`; ``kpi review`` exits with code 3. It never replaces a
scored report already published for the period.

A run first removes what killed runs of the same cycle and period left behind (their staging
folders, versions the published link does not point at, temporary ``.link`` files); other
periods' files are never touched, since another run may be using them. When the output cannot
be written (disk full, read-only, permission denied) the run stops with
:class:`OutputNotWritable`, a user error (``kpi`` exit code 2), naming the folder and the cause;
its unfinished files are removed and the last good report is unchanged.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi_lib import __version__
from kpi_lib.analyses.calibration import with_reviews
from kpi_lib.data.mapping import row_counts_by_table
from kpi_lib.indicators.periods import CYCLES
from kpi_lib.paths import notebooks_dir, project_root, resolve
from kpi_lib.report.exports import write_exports
from kpi_lib.report.index_page import index_headline_html, index_html
from kpi_lib.report.no_calls_page import (
    NO_CALLS_PAGE,
    no_calls_headline_html,
    no_calls_page_html,
)
from kpi_lib.report.page import RECORD_MIME
from kpi_lib.report.page_html import nav_html, render_html
from kpi_lib.review import (
    ReviewSpec,
    SpecError,
    build_spec,
    compute_review,
    load_review_data,
    resolve_spec,
    save_review,
)
from kpi_lib.review.pipeline import skipped_sections
from kpi_lib.review.spec import notebook_parameters
from kpi_lib.run.no_calls import no_usable_calls

__all__ = [
    "CYCLES",
    "NO_USABLE_CALLS",
    "OutputNotWritable",
    "ReviewFailed",
    "ReviewResult",
    "notebook_parameters",
    "recorded_values",
    "render_html",
    "run_review",
]

#: Folder of the stored review inside the staging folder (removed before publishing).
STORE = "_review"
#: ``status`` of the manifest of a period published without usable calls (nothing scored).
NO_USABLE_CALLS = "no_usable_calls"
#: Folder of the published decision exports (CSV and XLSX), linked from the index.
EXPORTS = "exports"


class ReviewFailed(RuntimeError):
    """A notebook of the review failed; the message names the notebook and the cell."""

    def __init__(self, message: str, failed_dir: Path | None = None):
        super().__init__(message)
        self.failed_dir = failed_dir


class OutputNotWritable(OSError):
    """The review's output cannot be written: the disk is full, or the folder is read-only.

    A user error, not a failed notebook: it is an :class:`OSError`, so ``kpi review`` prints the
    message as one ``error:`` paragraph with exit code 2 (:class:`ReviewFailed` gives 1). The
    message names the folder and the cause, says that the last good report is unchanged and
    what could not be cleaned up or kept. ``errno`` is the cause's (``ENOSPC``, ``EROFS``,
    ``EACCES``...); ``folder`` is the output root, ``failed_dir`` where a failed notebook was
    kept, if anything could be kept.
    """

    def __init__(self, message: str, *, folder: Path, cause: OSError | None = None,
                 failed_dir: Path | None = None):  # fmt: skip
        super().__init__(message)
        self.folder = folder
        self.failed_dir = failed_dir
        if cause is not None:
            self.errno = cause.errno


#: errno values of an output that cannot be written: full disk or quota, read-only, no right.
_NOT_WRITABLE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


@dataclass
class ReviewResult:
    """Where a published review lives and what ran."""

    folder: Path
    index_html: Path
    manifest: dict = field(default_factory=dict)


# ------------------------------------------------------------------------------ rendering


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


# ------------------------------------------------------------------------------ publishing


def _version_path(staging: Path, target: Path) -> Path:
    """Where :func:`_publish` moves ``staging`` (``<cycle>/.versions/<period>-<staging name>``)."""
    return target.parent / ".versions" / f"{target.name}-{staging.name}"


def _publish(staging: Path, target: Path) -> None:
    """Make ``target`` point at ``staging`` in one atomic step (symlink replace).

    When a step fails, what was done is undone (the new version goes back to ``staging``, a
    legacy folder moved aside goes back in place), so ``target`` is as it was; the error is
    raised.
    """
    versions = target.parent / ".versions"
    versions.mkdir(parents=True, exist_ok=True)
    final = _version_path(staging, target)
    staging.rename(final)
    tmp_link = target.parent / f".{target.name}.{uuid.uuid4().hex}.link"
    legacy = old = None
    try:
        tmp_link.symlink_to(os.path.relpath(final, target.parent))
        if target.is_symlink():
            old = (target.parent / os.readlink(target)).resolve()
        elif target.exists():
            # a real folder from an older layout: move it aside first
            legacy = old = versions / f"{target.name}-legacy-{uuid.uuid4().hex}"
            target.rename(legacy)
        os.replace(tmp_link, target)
    except BaseException:
        if legacy is not None and legacy.exists() and not os.path.lexists(target):
            _quietly(legacy.rename, target)
        _quietly(tmp_link.unlink, missing_ok=True)
        if not _quietly(final.rename, staging):
            shutil.rmtree(final, ignore_errors=True)
        raise
    if old is not None and old.exists() and old != final.resolve():
        shutil.rmtree(old, ignore_errors=True)


def _quietly(action, *args, **kwargs) -> bool:
    """Run a clean-up step; False (instead of an error) when it cannot be done."""
    try:
        action(*args, **kwargs)
    except OSError:
        return False
    return True


def _clean_leftovers(out_root: Path, cycle: str, period: str) -> list[str]:
    """Remove what killed runs of this cycle and period left behind; return what was removed.

    Call with the period's lock held: no other run can then own this period's staging folders,
    versions or temporary links. Other periods' files are never touched (another run may be
    using them). Removal is best effort: what cannot be removed is tried again next time.
    """
    stamp = r"\d{8}T\d{6}Z-[0-9a-f]{6}"
    target = out_root / cycle / period
    removed: list[str] = []

    def remove(path: Path) -> None:
        if path.is_symlink() or not path.is_dir():
            ok = _quietly(path.unlink, missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
            ok = not os.path.lexists(path)
        if ok:
            removed.append(str(path.relative_to(out_root)))

    def children(folder: Path, pattern: str) -> list[Path]:
        try:
            return sorted(p for p in folder.iterdir() if re.fullmatch(pattern, p.name))
        except OSError:  # no such folder yet (or unreadable: then nothing can be cleaned)
            return []

    run = f"{re.escape(cycle)}-{re.escape(period)}-{stamp}"
    for path in children(out_root / ".staging", run):
        remove(path)
    legacy = children(target.parent / ".versions", rf"{re.escape(period)}-legacy-[0-9a-f]{{32}}")
    if legacy and not os.path.lexists(target):
        # killed while an older layout's folder was moved aside: that is the last good report
        if _quietly(legacy[-1].rename, target):
            removed.append(f"{legacy.pop().relative_to(out_root)} (put back as {period})")
    published = target.resolve() if target.is_symlink() else None
    versions = children(target.parent / ".versions", rf"{re.escape(period)}-{run}")
    for path in versions + legacy:
        if path.resolve() != published:
            remove(path)
    for path in children(target.parent, rf"\.{re.escape(period)}\.[0-9a-f]{{32}}\.link"):
        remove(path)
    return removed


def _not_writable(exc: OSError, out_root: Path, target: Path, doing: str,
                  leftovers: list[Path] = ()) -> OutputNotWritable | None:  # fmt: skip
    """``exc`` as :class:`OutputNotWritable` when it says the output cannot be written, else
    None (the error is about something else, an input for instance)."""
    if isinstance(exc, OutputNotWritable):
        return exc
    name = exc.filename if isinstance(exc.filename, str | os.PathLike) else None
    inside = name is not None and _is_inside(Path(name), out_root)
    if not (inside or (exc.errno in _NOT_WRITABLE and name is None)):
        return None
    detail = exc.strerror or str(exc)
    if name is not None:
        detail += f": {name}"
    if exc.errno == errno.ENOSPC:
        cause, fix = f"the disk holding {out_root} is full", "free some space on it"
    elif exc.errno == errno.EDQUOT:
        cause, fix = f"the disk quota for {out_root} is used up", "free some space on it"
    elif exc.errno == errno.EROFS:
        cause, fix = f"{out_root} is read-only (a read-only file system)", "make it writable"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        cause, fix = f"{out_root} is read-only for this user", "make it writable for this user"
    else:
        cause, fix = f"{out_root} cannot be written", "check that folder"
    last_good = _last_good(target)
    left = [str(p) for p in leftovers if os.path.lexists(p)]
    cleaned = (
        f"; {', '.join(left)} could not be removed (the next run of this period removes it)"
        if left
        else "; the unfinished files were removed"
    )
    return OutputNotWritable(
        f"Cannot {doing}: {cause} ({detail}). Nothing new was published. {last_good}{cleaned}. "
        f"To fix: {fix} (or choose another --out) and run the review again.",
        folder=out_root,
        cause=exc,
    )


def _is_inside(path: Path, folder: Path) -> bool:
    try:
        return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))
    except (TypeError, ValueError):
        return False


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
    """'cell N (Error: message; line L: code)', N counting cells of the source notebook from 1
    and L the cell's line that raised (see :func:`_failing_line`)."""
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
                line, code = _failing_line(cell.source, out.get("traceback") or [])
                where = f"line {line}: " if line else ""
                return (
                    f"cell {position} ({out.get('ename')}: {str(out.get('evalue'))[:200]}; "
                    f"{where}{code[:120]!r})"
                )
    return "unknown cell"


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _failing_line(source: str, traceback: list[str]) -> tuple[int | None, str]:
    """The line of a cell's ``source`` that raised: (1-based number, code).

    Read from the kernel's traceback: the frame ``Cell In[k], line L`` of the cell itself (an
    error raised deeper, in ``kpi_lib``, still names the cell's line that called it), else
    the first ``---->`` marker. Without either (a kernel that prints no frames), the last
    line of the cell that is code (not a comment or an IPython ``%magic``), and no number.
    """
    lines = source.splitlines()
    text = _ANSI.sub("", "\n".join(traceback))
    m = re.search(r"(?:Cell In\s*\[\d*\]|<ipython-input-[^>]*>), line (\d+)", text)
    if m and 0 < int(m.group(1)) <= len(lines):
        n = int(m.group(1))
        return n, lines[n - 1].strip()
    arrow = re.search(r"^-+>\s*(\d+)\s(.*)$", text, flags=re.M)
    if arrow:
        return int(arrow.group(1)), arrow.group(2).strip()
    code = [ln.strip() for ln in lines if ln.strip() and not ln.strip().startswith(("#", "%", "!"))]
    return None, code[-1] if code else ""


def _last_good(target: Path) -> str:
    """What a failure leaves published: the earlier report of the period when there is one
    (its ``manifest.json`` is there), else that nothing was published."""
    if (target / "manifest.json").is_file():
        return f"The last good report in {target} is unchanged"
    return "Nothing was published"


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


def recorded_values(notebook_path: str | Path) -> dict:
    """Values a page recorded with :func:`kpi_lib.report.page.record` (name -> value)."""
    import nbformat

    nb = nbformat.read(str(notebook_path), as_version=4)
    out = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if RECORD_MIME in data:
                item = data[RECORD_MIME]
                out[item["name"]] = item["value"]
    return out


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
    jobs: int | None = None,
) -> ReviewResult:
    """Compute one review, execute its notebooks on it and publish them.

    Parameters
    ----------
    params_files : list of paths
        YAML parameter files, merged in order (see :func:`kpi_lib.review.build_spec`).
    period : str, optional
        Period label (``2026-10``, ``2026-Q4``, ``2026``, ``2026-W43``). Default: the last
        complete period of the dataset for the cycle.
    cycle : str, optional
        ``weekly``, ``monthly``, ``quarterly`` or ``annual`` (default from the params, else
        ``monthly``).
    dataset : str, optional
        Dataset folder, overriding the params.
    overrides : dict, optional
        ``--set KEY=VALUE`` settings; text values are read in the setting's type.
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
    jobs : int, optional
        Notebooks executed at the same time (default: 2, or 1 on a one-core machine). Each
        notebook only reads the stored review, so they are independent.

    Returns
    -------
    ReviewResult

    Raises
    ------
    kpi_lib.review.SpecError, kpi_lib.data.load.DatasetError
        Before anything is written, for settings or data a user must fix.
    ReviewFailed
        When a notebook fails (the message names the notebook and the cell), or when another
        run of the same period holds the lock.

    Notes
    -----
    A period without usable calls is published as a "no usable calls" report (see the
    module's documentation): the manifest's ``status`` is :data:`NO_USABLE_CALLS` and its
    ``published`` is False when a scored report of the period was kept instead.
    """
    if jobs is not None and (isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1):
        raise SpecError(f"`jobs` must be a whole number of at least 1, not {jobs!r}.")
    t_start = time.perf_counter()
    spec = build_spec(
        params_files=list(params_files),
        period=period,
        cycle=cycle,
        dataset=dataset,
        overrides=overrides,
        notebooks=notebooks,
        notebook_dir=notebook_dir,
    )
    data = load_review_data(spec)
    # a period without usable calls is published as such (kpi exit code 3), not an error
    no_calls = no_usable_calls(spec, data)
    if no_calls is None:
        spec = resolve_spec(spec, data)
    else:
        spec = spec.with_settings(period=no_calls["period"])
    validated_s = time.perf_counter() - t_start
    cycle, period = spec.cycle, spec.period
    nb_dir = resolve(notebook_dir) if notebook_dir else notebooks_dir()
    names = list(spec.notebooks)

    out_root = resolve(output_root)
    target = out_root / cycle / period
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with _period_lock(out_root, cycle, period):
            removed = _clean_leftovers(out_root, cycle, period)
            if removed:
                _log(
                    f"removed {len(removed)} leftover(s) of interrupted runs of {cycle} "
                    f"{period}: {', '.join(removed)}"
                )
            if no_calls is not None:
                return _publish_no_calls(spec, data, no_calls, out_root, target, validated_s)
            return _review_locked(
                spec, data, names, nb_dir, out_root, target, progress, kernel_name, jobs,
                validated_s,
            )  # fmt: skip
    except OSError as exc:
        wrapped = _not_writable(exc, out_root, target, f"prepare {out_root} for the review")
        if wrapped is None or wrapped is exc:
            raise
        raise wrapped from exc


def _review_locked(
    spec, data, names, nb_dir, out_root, target, progress, kernel_name, jobs, validated_s
) -> ReviewResult:
    """The part of :func:`run_review` that runs under the period's lock."""
    cycle, period = spec.cycle, spec.period
    started = dt.datetime.now(dt.UTC)
    stamp = started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    staging = out_root / ".staging" / f"{cycle}-{period}-{stamp}"
    bar = _Progress(len(names) + 1, progress)
    doing = f"write the {cycle} review {period} to {staging}"
    try:
        staging.mkdir(parents=True)
        bar.start(0, "shared computation")
        t0 = time.perf_counter()
        returned, returned_notes = _carry_returned_sheets(target, staging, data)
        if len(returned):
            data = with_reviews(data, returned)
        review = compute_review(spec, data, notes=returned_notes)
        save_review(review, staging / STORE)
        exports = [
            p.relative_to(staging).as_posix() for p in write_exports(review, staging / EXPORTS)
        ]
        headline = index_headline_html(review)
        steps, fingerprint, load_counts = review.timings, data.fingerprint(), _load_counts(data)
        # what the review could not compute on this data (decisions, analyses, dropped
        # indicators); the pages add their own sections below
        skipped = skipped_sections(review).assign(page="review").to_dict(orient="records")
        # the notebooks read the stored copy: free this process's before they start
        del review, data
        shared_s = time.perf_counter() - t0
        bar.done(0, "shared computation", "ok", shared_s)
        records = _run_notebooks(
            names, spec, nb_dir, staging, bar, kernel_name, out_root, target, stamp, jobs
        )
        shutil.rmtree(staging / STORE, ignore_errors=True)
        bar.close()

        finished = dt.datetime.now(dt.UTC)
        manifest = {
            "cycle": cycle,
            "period": period,
            "dataset": _public_path(spec.dataset) or "(shipped sample)",
            "dataset_fingerprint": fingerprint,
            "code_version": f"{__version__}+{_git_version()}",
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration_s": round((finished - started).total_seconds() + validated_s, 2),
            "specification": _public_spec(spec),
            "specification_hash": spec.hash,
            "shared": {
                "validation_s": round(validated_s, 2),
                "duration_s": round(shared_s, 2),
                "steps_s": steps,
            },
            "notebooks": records,
            "load_report": load_counts,
            "exports": exports,
            # the QA sheets the pages wrote (a returned one is read, not handed out again)
            "spot_checks": sorted(
                p.relative_to(staging).as_posix() for p in staging.glob("spot_check/*.csv")
            ),
            "spot_check_returned": returned_notes,
            "skipped": skipped + [s for r in records for s in r["skipped"]],
            "status": "ok",
        }
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, default=str, ensure_ascii=False), encoding="utf-8"
        )
        (staging / "index.html").write_text(
            index_html(manifest, headline=headline, language=spec.settings.get("language", "en")),
            encoding="utf-8",
        )
        doing = f"publish the {cycle} review {period} as {target}"
        _publish(staging, target)
    except BaseException as exc:
        bar.close()
        _publish_failed(exc, staging, out_root, target, doing)
        raise
    return ReviewResult(folder=target, index_html=target / "index.html", manifest=manifest)


def _publish_failed(exc: BaseException, staging: Path, out_root: Path, target: Path, doing: str):
    """Clean up after a failed publish: the staging folder goes; an OS error (disk full,
    read-only output) is raised again as a clear error naming what was being done."""
    shutil.rmtree(staging, ignore_errors=True)
    if isinstance(exc, OSError):
        leftovers = [staging, _version_path(staging, target)]
        wrapped = _not_writable(exc, out_root, target, doing, leftovers)
        if wrapped is not None and wrapped is not exc:
            raise wrapped from exc


def _publish_no_calls(spec, data, facts, out_root, target, validated_s) -> ReviewResult:
    """Publish the "no usable calls in <period>" report (index, page, manifest) atomically.

    A scored report already published for the period is never replaced by it: the run then
    publishes nothing and says so (``ReviewResult.manifest["published"]`` False).
    """
    cycle, period = spec.cycle, spec.period
    language = spec.settings.get("language", "en")
    started = dt.datetime.now(dt.UTC)
    earlier = _published_status(target)
    manifest = {
        "cycle": cycle,
        "period": period,
        "dataset": _public_path(spec.dataset) or "(shipped sample)",
        "dataset_fingerprint": data.fingerprint(),
        "code_version": f"{__version__}+{_git_version()}",
        "started_at": started.isoformat(timespec="seconds"),
        "specification": _public_spec(spec),
        "specification_hash": spec.hash,
        "notebooks": [],
        "pages": [
            {
                "name": NO_CALLS_PAGE,
                "title": NO_CALLS_PAGE.replace("_", " ").capitalize(),
                "html": f"{NO_CALLS_PAGE}.html",
                "window": period,
                "status": "ok",
            }
        ],
        "load_report": _load_counts(data),
        "exports": [],
        "no_usable_calls": facts,
        "skipped": [
            {"page": name, "code": NO_USABLE_CALLS, "reason": f"no usable calls in {period}"}
            for name in spec.notebooks
        ],
        "status": NO_USABLE_CALLS,
    }
    if earlier == "ok":
        _log(
            f"no usable calls in {cycle} {period}; the scored report published in {target} "
            "is kept (a report without calls never replaces it)"
        )
        return ReviewResult(
            folder=target,
            index_html=target / "index.html",
            manifest={**manifest, "published": False},
        )
    stamp = started.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    staging = out_root / ".staging" / f"{cycle}-{period}-{stamp}"
    doing = f"write the {cycle} review {period} to {staging}"
    try:
        staging.mkdir(parents=True)
        finished = dt.datetime.now(dt.UTC)
        manifest["finished_at"] = finished.isoformat(timespec="seconds")
        manifest["duration_s"] = round((finished - started).total_seconds() + validated_s, 2)
        manifest["published"] = True
        (staging / f"{NO_CALLS_PAGE}.html").write_text(
            no_calls_page_html(manifest, language=language), encoding="utf-8"
        )
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=2, default=str, ensure_ascii=False), encoding="utf-8"
        )
        headline = no_calls_headline_html(manifest, language=language)
        (staging / "index.html").write_text(
            index_html(manifest, headline=headline, language=language), encoding="utf-8"
        )
        doing = f"publish the {cycle} review {period} as {target}"
        _publish(staging, target)
    except BaseException as exc:
        _publish_failed(exc, staging, out_root, target, doing)
        raise
    return ReviewResult(folder=target, index_html=target / "index.html", manifest=manifest)


def _published_status(target: Path) -> str:
    """``status`` of the report published for the period ("" when none, or unreadable)."""
    try:
        return str(json.loads((target / "manifest.json").read_text(encoding="utf-8"))["status"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _execute_notebook(
    source: str, out_nb: str, values: dict, cwd: str, kernel_name, page: dict | None = None
) -> dict:
    """Run one notebook with papermill (in a worker process: papermill changes the working
    directory of its process, so two notebooks must not share one)."""
    import papermill as pm

    t0 = time.perf_counter()
    try:
        pm.execute_notebook(
            source,
            out_nb,
            parameters=values,
            cwd=cwd,
            progress_bar=False,
            kernel_name=kernel_name,
            log_output=False,
            # keep the kernel's own start-up warnings out of terminals and cron logs
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    except OSError as exc:  # papermill could not write the executed notebook
        return _os_error_outcome(exc, t0)
    except Exception as exc:  # noqa: BLE001 - any failure of the notebook fails the run
        return {
            "ok": False,
            "error": f"{type(exc).__name__}: {exc}",
            "seconds": time.perf_counter() - t0,
        }
    try:
        _scrub_paths(Path(out_nb))
        render_html(out_nb, str(Path(out_nb).with_suffix(".html")), **(page or {}))
    except OSError as exc:
        return _os_error_outcome(exc, t0)
    except Exception as exc:  # noqa: BLE001 - reported as the notebook's failure
        return {
            "ok": False,
            "error": f"rendering failed: {type(exc).__name__}: {exc}",
            "seconds": time.perf_counter() - t0,
        }
    return {"ok": True, "error": "", "seconds": time.perf_counter() - t0}


def _os_error_outcome(exc: OSError, t0: float) -> dict:
    """A worker's outcome for an output it could not write: the parent raises it again as an
    OSError (a full disk is not the notebook's failure)."""
    filename = exc.filename if isinstance(exc.filename, str | os.PathLike) else None
    return {
        "ok": False,
        "error": f"{type(exc).__name__}: {exc}",
        "os_error": [
            exc.errno,
            exc.strerror or str(exc),
            None if filename is None else str(filename),
        ],
        "seconds": time.perf_counter() - t0,
    }


def _run_notebooks(
    names, spec, nb_dir, staging, bar, kernel_name, out_root, target, stamp, jobs
) -> list[dict]:
    """Execute the review's notebooks, ``jobs`` at a time, and return their records in order.

    Each notebook runs in its own worker process. When one fails the others still finish,
    then the first failure (in notebook order) is raised, with the failed notebook kept.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    jobs = jobs or min(2, os.cpu_count() or 1)
    outcomes: dict[str, dict] = {}
    values_of = {name: {"review": STORE, **spec.for_notebook(name)} for name in names}
    language = spec.settings.get("language", "en")
    pages = [(name, f"{name}.html") for name in names]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {}
        for position, name in enumerate(names, start=1):
            bar.start(position, name)
            futures[name] = pool.submit(
                _execute_notebook,
                str(nb_dir / f"{name}.ipynb"),
                str(staging / f"{name}.ipynb"),
                values_of[name],
                str(staging),
                kernel_name,
                {"language": language, "nav": nav_html(pages, current=name, language=language)},
            )
        for position, name in enumerate(names, start=1):
            outcome = futures[name].result()
            outcomes[name] = outcome
            bar.done(position, name, "ok" if outcome["ok"] else "FAILED", outcome["seconds"])
    records = []
    for name in names:
        outcome = outcomes[name]
        out_nb = staging / f"{name}.ipynb"
        if outcome.get("os_error"):
            code, text, filename = outcome["os_error"]
            raise OSError(code, text, filename) if code is not None else OSError(text)
        if not outcome["ok"]:
            _keep_failed(name, out_nb, outcome["error"], spec, out_root, target, stamp)
        recorded = recorded_values(out_nb)
        if recorded.get("spec_hash") != spec.hash:
            raise ReviewFailed(
                f"Notebook `{name}` ran with specification {recorded.get('spec_hash')!r}, not "
                f"the review's {spec.hash!r}; it must open the stored review (its `review` "
                "parameter)."
            )
        records.append(
            {
                "name": name,
                "title": recorded.get("title") or name.replace("_", " ").capitalize(),
                "notebook": out_nb.name,
                "html": out_nb.with_suffix(".html").name,
                "parameters": values_of[name],
                "specification_hash": recorded.get("spec_hash"),
                "window": recorded.get("window", ""),
                "status": "ok",
                "duration_s": round(outcome["seconds"], 2),
                # sections the page could not compute (recorded as "skipped" by the page)
                "skipped": [
                    {"page": name, **{k: v for k, v in item.items() if v not in ("", None)}}
                    for item in recorded.get("skipped") or []
                ],
            }
        )
    return records


def _keep_failed(name, out_nb: Path, error: str, spec, out_root, target, stamp) -> None:
    """Keep a failed notebook (with papermill's error cell) and raise :class:`ReviewFailed`.

    When the failed notebook cannot be kept (disk full, read-only output), no partial copy is
    left and :class:`OutputNotWritable` is raised instead, with the notebook's error in its
    message if ``error.txt`` could not be written.
    """
    failed_dir = out_root / "failed" / spec.cycle / spec.period / stamp
    cell = _failed_cell(out_nb) if out_nb.exists() else "before execution"
    not_written: list[tuple[str, OSError]] = []
    try:
        failed_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        not_written.append((str(failed_dir), exc))
    else:
        if out_nb.exists():
            copy = failed_dir / out_nb.name
            try:
                shutil.copy2(out_nb, copy)
            except OSError as exc:
                not_written.append((copy.name, exc))
                _quietly(copy.unlink, missing_ok=True)  # no truncated copy
            page = failed_dir / out_nb.with_suffix(".html").name
            try:
                render_html(out_nb, page)
            except Exception:  # noqa: BLE001 - the error notebook itself is what matters
                _quietly(page.unlink, missing_ok=True)
        report = failed_dir / "error.txt"
        try:
            report.write_text(f"{name}: {cell}\n\n{error}\n", encoding="utf-8")
        except OSError as exc:
            not_written.append((report.name, exc))
            _quietly(report.unlink, missing_ok=True)
    last_good = _last_good(target)
    if not not_written:
        raise ReviewFailed(
            f"Notebook `{name}` failed at {cell}. {last_good}; the failed notebook is kept in "
            f"{failed_dir}.",
            failed_dir,
        )
    first = not_written[0][1]
    problem = _not_writable(first, out_root, target, f"keep the failed notebook `{name}`")
    if problem is None:  # not about the output (cannot happen for these writes): as it was
        raise first
    what = ", ".join(item for item, _ in not_written)
    kept = failed_dir if failed_dir.is_dir() and any(failed_dir.iterdir()) else None
    if kept is None:
        shutil.rmtree(failed_dir, ignore_errors=True)
    if any(item in ("error.txt", str(failed_dir)) for item, _ in not_written):
        where = f"error.txt could not be written, so here is the notebook's error: {error[:1000]}"
    else:
        where = f"The notebook's error is in {failed_dir / 'error.txt'}."
    raise OutputNotWritable(
        f"Notebook `{name}` failed at {cell}. {problem} Not written: {what}. {where}",
        folder=out_root,
        cause=first,
        failed_dir=kept,
    )


def _carry_returned_sheets(target: Path, staging: Path, data) -> tuple[pd.DataFrame, list]:
    """Filled-in spot-check sheets of the published review of this period, carried over.

    A QA team fills in the sheet published with a review; the next run of that period would
    replace the folder holding it. Every sheet found under the published ``spot_check/`` is
    copied into the new version (``spot_check/returned/``) whatever its state, so no
    reviewer's work is lost, and its judgements join the QA reviews of this run: every page
    then sees them. A sheet that cannot be read is kept and named with the reason; judged
    calls the data does not hold are counted as set aside.

    Returns
    -------
    (DataFrame, list of dict)
        The reviews read (``qa_reviews`` shape) and one note per sheet.
    """
    from kpi_lib.analyses.calibration import read_spot_check

    folder = target / "spot_check"
    if not folder.is_dir():
        return pd.DataFrame(), []
    keep = staging / "spot_check" / "returned"
    calls = set(data["calls"]["call_id"].astype(str))
    frames, notes = [], []
    for sheet in sorted(folder.rglob("*.csv")):
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy2(sheet, keep / sheet.name)
        try:
            reviews = read_spot_check(sheet)
        except (KeyError, ValueError) as exc:
            reason = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            notes.append({"code": "spot_check_unreadable", "sheet": sheet.name, "reason": reason})
            continue
        if reviews.empty:
            continue
        known = reviews["call_id"].astype(str).isin(calls)
        frames.append(reviews[known])
        notes.append(
            {
                "code": "spot_check_returned",
                "sheet": sheet.name,
                "rows_used": int(known.sum()),
                "rows_set_aside": int((~known).sum()),
            }
        )
    if not frames:
        return pd.DataFrame(), notes
    reviews = pd.concat(frames, ignore_index=True).drop_duplicates("review_id", keep="last")
    return reviews, notes


def _scrub_paths(notebook_path: Path) -> None:
    """Papermill records where it read and wrote the notebook; a published notebook keeps the
    file names only."""
    import nbformat

    nb = nbformat.read(str(notebook_path), as_version=4)
    info = nb.metadata.get("papermill", {})
    for key in ("input_path", "output_path"):
        if info.get(key):
            info[key] = Path(info[key]).name
    nbformat.write(nb, str(notebook_path))


def _public_path(value: str) -> str:
    """A path as published: relative paths as given, absolute ones by their last part only
    (published reports never carry the server's folder layout)."""
    if value and Path(str(value)).expanduser().is_absolute():
        return Path(str(value)).name
    return value


def _public_spec(spec: ReviewSpec) -> dict:
    """The specification as the manifest records it (paths made public, see above); the hash
    is the one of the full specification."""
    out = spec.to_dict()
    for key in ("dataset", "definitions", "scheme"):
        out["settings"][key] = _public_path(out["settings"].get(key, ""))
    return out


def _load_counts(data) -> dict:
    """Rows read / used / set aside / filtered at import per table, as every page of the
    review saw them (read = used + quarantined + filtered)."""
    return row_counts_by_table(data)
