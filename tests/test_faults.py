"""Fault injection: a killed run, a full disk, a read-only output, a period that points outside.

Every failure must leave the last good report as it was, remove the run's unfinished files (or
leave them to the next run, which removes them) and say in one message what went wrong where.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kpi_lib.run import runner
from kpi_lib.run.cli import main
from kpi_lib.run.runner import OutputNotWritable, run_review

GOOD = """from kpi_lib.report import record_review
from kpi_lib.review import open_review

rv = open_review(review, settings)
record_review(rv, "period_review")
"""
FAST = ["--set", "draws=20", "--set", "n_boot=10"]


@pytest.fixture(scope="module")
def published_once(tmp_path_factory, small_data, write_notebook):
    """Test notebooks and an output root where 2026-09 is published, made once per module
    (one review run); each test works on its own copy (:func:`published`)."""
    tmp = tmp_path_factory.mktemp("published")
    nbs = tmp / "notebooks"
    nbs.mkdir()
    write_notebook(nbs / "good.ipynb", GOOD)
    write_notebook(nbs / "bad.ipynb", "raise RuntimeError('boom in the bad notebook')\n")
    _runner(small_data, nbs, tmp / "reports")()
    return tmp


def _runner(small_data, nbs: Path, reports: Path):
    def run(*names, **kw):
        return run_review(
            dataset=str(small_data),
            output_root=reports,
            notebooks=list(names or ["good"]),
            notebook_dir=nbs,
            period="2026-09",
            overrides={"draws": 20, "n_boot": 10},
            progress=False,
            **kw,
        )

    return run


@pytest.fixture
def published(tmp_path, small_data, published_once):
    """A folder of test notebooks and an output root where 2026-09 is published (a copy of
    :func:`published_once`: the published link is relative, so the copy is a published report
    of its own)."""
    nbs = tmp_path / "notebooks"
    reports = tmp_path / "reports"
    shutil.copytree(published_once / "notebooks", nbs)
    shutil.copytree(published_once / "reports", reports, symlinks=True)
    assert not os.path.isabs(os.readlink(reports / "monthly" / "2026-09"))
    return reports, _runner(small_data, nbs, reports)


def _state(reports: Path) -> dict:
    """What a reader sees of the published 2026-09 and what the run kept beside it."""
    cycle = reports / "monthly"
    return {
        "manifest": (cycle / "2026-09" / "manifest.json").read_text(),
        "version": os.readlink(cycle / "2026-09"),
        "versions": sorted(p.name for p in (cycle / ".versions").iterdir()),
        "links": sorted(p.name for p in cycle.glob(".*.link")),
        "staging": sorted(p.name for p in (reports / ".staging").iterdir()),
    }


def _refuse(monkeypatch, owner, name: str, code: int, when=lambda *a: True, path_arg=0):
    """Make ``owner.name`` raise OSError(code) for the calls ``when`` accepts, naming the
    file its argument ``path_arg`` as the real call would."""
    real = getattr(owner, name)

    def refused(*args, **kwargs):
        if when(*args):
            raise OSError(code, os.strerror(code), str(args[path_arg]))
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, refused)


# ---------------------------------------------------------------------------- kill -9


def _kpi(*args: str, **kw) -> subprocess.Popen:
    kpi = Path(sys.executable).with_name("kpi")
    command = [str(kpi)] if kpi.exists() else [sys.executable, "-c", _CLI]
    return subprocess.Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the workers and kernels can be found
        **kw,
    )


_CLI = "import sys; from kpi_lib.run.cli import main; sys.exit(main())"


def test_a_killed_run_leaves_nothing_the_next_run_does_not_remove(tmp_path, small_data):
    out = tmp_path / "reports"
    args = ["review", "--dataset", str(small_data), "--out", str(out), "--quiet",
            "--notebooks", "period_review", *FAST]  # fmt: skip
    killed = _kpi(*args)
    staging = out / ".staging"
    deadline = time.monotonic() + 120
    try:
        # kill -9 while the notebook runs: the stored review is written, the page is executing
        while not list(staging.glob("monthly-2026-10-*/period_review.ipynb")):
            assert killed.poll() is None, killed.communicate()
            assert time.monotonic() < deadline, "the run never reached its notebook"
            time.sleep(0.05)
        os.kill(killed.pid, signal.SIGKILL)
        killed.wait(timeout=30)
    finally:
        # the worker processes and kernels of the killed run (a scheduler's kill would leave
        # them to finish on their own)
        try:
            os.killpg(killed.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        killed.communicate()
    assert killed.returncode == -signal.SIGKILL
    left = list(staging.glob("monthly-2026-10-*"))
    assert len(left) == 1 and not (out / "monthly" / "2026-10").exists()

    again = _kpi(*args)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert (
        f"removed 1 leftover(s) of interrupted runs of monthly 2026-10: .staging/{left[0].name}"
        in err
    )
    assert not list(staging.iterdir())
    published = out / "monthly" / "2026-10"
    assert (published / "period_review.html").is_file()
    versions = list((out / "monthly" / ".versions").iterdir())
    assert versions == [published.resolve()]
    assert not list((out / "monthly").glob(".*.link"))


# ---------------------------------------------------------------------------- full disk


def test_a_full_disk_while_writing_the_manifest(published, monkeypatch):
    reports, run = published
    before = _state(reports)
    _refuse(
        monkeypatch, Path, "write_text", errno.ENOSPC, lambda path, *a: path.name == "manifest.json"
    )
    with pytest.raises(OutputNotWritable) as info:
        run()
    message = str(info.value)
    assert info.value.errno == errno.ENOSPC and info.value.folder == reports
    assert f"the disk holding {reports} is full" in message
    assert "No space left on device" in message and "manifest.json" in message
    assert f"The last good report in {reports / 'monthly' / '2026-09'} is unchanged" in message
    assert "the unfinished files were removed" in message
    assert _state(reports) == before


def test_a_full_disk_while_storing_the_review_is_a_user_error_of_the_cli(
    published, monkeypatch, small_data, capsys
):
    reports, _ = published
    before = _state(reports)

    def full(review, folder):
        (Path(folder) / "tables").mkdir(parents=True)
        raise OSError(errno.ENOSPC, "No space left on device", str(Path(folder) / "tables" / "x"))

    monkeypatch.setattr(runner, "save_review", full)
    code = main(["review", "--dataset", str(small_data), "--out", str(reports), "--quiet",
                 "--period", "2026-09", "--notebooks", "period_review", *FAST])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2, err
    assert "\nerror: Cannot write the monthly review 2026-09" in err and "Traceback" not in err
    assert f"the disk holding {reports} is full" in err
    assert "free some space on it (or choose another --out)" in err
    assert _state(reports) == before


def test_a_full_disk_in_the_failure_handler(published, monkeypatch):
    """The failed notebook cannot be kept: no truncated copy, the error is in the message."""
    reports, run = published
    before = _state(reports)

    def truncated_copy(src, dst, **kw):
        Path(dst).write_bytes(Path(src).read_bytes()[:100])
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(shutil, "copy2", truncated_copy)
    _refuse(monkeypatch, Path, "write_text", errno.ENOSPC, lambda p, *a: "failed" in p.parts)
    with pytest.raises(OutputNotWritable) as info:
        run("good", "bad")
    message = str(info.value)
    assert "Notebook `bad` failed at cell 3 (RuntimeError: boom in the bad notebook" in message
    assert "error.txt could not be written, so here is the notebook's error:" in message
    assert f"the disk holding {reports} is full" in message
    assert "Not written: bad.ipynb, error.txt" in message
    assert info.value.failed_dir is None
    assert not [p for p in (reports / "failed").rglob("*") if p.is_file()]
    assert _state(reports) == before


def test_error_txt_is_written_when_only_the_copy_fails(published, monkeypatch):
    reports, run = published
    _refuse(monkeypatch, shutil, "copy2", errno.ENOSPC, path_arg=1)
    with pytest.raises(OutputNotWritable, match=r"The notebook's error is in .*error\.txt") as info:
        run("bad")
    kept = info.value.failed_dir
    assert "boom in the bad notebook" in (kept / "error.txt").read_text()
    assert not (kept / "bad.ipynb").exists()


# ---------------------------------------------------------------------------- read-only output


def test_a_read_only_cycle_folder(published, monkeypatch):
    reports, run = published
    cycle = reports / "monthly"
    before = _state(reports)
    if os.geteuid() != 0:
        cycle.chmod(0o555)
    else:  # root writes anyway: refuse what a read-only folder refuses (the swap's link)
        _refuse(monkeypatch, os, "symlink", errno.EACCES, path_arg=1)
    try:
        with pytest.raises(OutputNotWritable) as info:
            run()
    finally:
        cycle.chmod(0o755)
    message = str(info.value)
    assert f"Cannot publish the monthly review 2026-09 as {cycle / '2026-09'}" in message
    assert f"{reports} is read-only for this user" in message and "Permission denied" in message
    assert "make it writable for this user" in message
    assert _state(reports) == before


def test_a_read_only_file_system_at_the_swap(published, monkeypatch):
    reports, run = published
    before = _state(reports)
    _refuse(monkeypatch, os, "replace", errno.EROFS, path_arg=1)
    with pytest.raises(OutputNotWritable, match=r"is read-only \(a read-only file system\)"):
        run()
    assert _state(reports) == before


def test_a_read_only_output_root_before_anything_is_written(published, monkeypatch, capsys):
    reports, run = published
    before = _state(reports)
    _refuse(monkeypatch, Path, "mkdir", errno.EROFS, lambda p, *a: ".staging" in p.parts)
    with pytest.raises(OutputNotWritable, match=f"{reports} is read-only") as info:
        run()
    assert info.value.errno == errno.EROFS
    assert _state(reports) == before


# ---------------------------------------------------------------------------- outside --out


@pytest.mark.parametrize("cycle", ["weekly", "monthly", "quarterly", "annual"])
@pytest.mark.parametrize("period", ["../../x", "2026-10/../../../x", "/tmp/kpi-x"])
def test_a_period_pointing_outside_out_creates_nothing(
    tmp_path, small_data, monkeypatch, capsys, cycle, period
):
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    out = work / "a" / "b" / "reports"

    def everything():
        return sorted(str(p) for p in tmp_path.rglob("*"))

    before = everything()
    code = main(["review", "--dataset", str(small_data), "--out", str(out), "--quiet",
                 "--cycle", cycle, "--period", period, "--notebooks", "period_review"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("error: ") and "Traceback" not in err
    assert everything() == before
    assert not os.path.lexists(out) and not os.path.lexists("/tmp/kpi-x")
