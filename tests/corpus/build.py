"""Build and run the reliability corpus: one case per defect found and per case handled well.

Every case starts from the sample shipped in the package (``kpi_lib.datasets.sample_path()``,
Parquet, 24 agents x 6 months), or from a small YAML file, and runs one ``kpi`` command
in-process (``kpi_lib.run.cli.main``). A case states the exit code, message fragments
(regular expressions), and for a dataset that loads the quarantine reasons it must produce;
``tests/test_corpus.py`` also checks rows read = used + quarantined for every table of every
dataset the command loaded.

Run as a script::

    python tests/corpus/build.py OUT_DIR      # build every case into OUT_DIR/<id>/, print its command
    python tests/corpus/build.py --doc        # print docs/reliability.md
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import shutil
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from kpi_lib.data.contract import CONTRACT
from kpi_lib.datasets import sample_path

SAMPLE = sample_path()
#: Tables of the sample, in contract order.
TABLES = tuple(CONTRACT)
GROUPS = {
    "dataset": "Datasets derived from the sample",
    "yaml": "YAML files: dataset.yaml, schemes, mappings, params, definitions",
    "cli": "Command-line misuses",
    "attack": "Attacks",
    "review": "Reviews that run notebooks",
}
#: Settings every review case uses, to keep it short.
FAST_REVIEW = ["--set", "draws=50", "--set", "n_boot=20", "--notebooks", "period_review"]


# ---------------------------------------------------------------------------------- sample


@cache
def _frame(table: str) -> pd.DataFrame:
    return pd.read_parquet(SAMPLE / f"{table}.parquet")


@cache
def _text(table: str) -> pd.DataFrame:
    """The sample table as the text a CSV export of it holds ("" for empty)."""
    csv = _frame(table).to_csv(index=False)
    return pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)


def frame(table: str) -> pd.DataFrame:
    """A typed copy of a sample table."""
    return _frame(table).copy()


def text(table: str) -> pd.DataFrame:
    """A text copy of a sample table."""
    return _text(table).copy()


def append(table: str, *rows: dict, base: pd.DataFrame | None = None) -> pd.DataFrame:
    """The sample table as text plus ``rows``, each a copy of its first row with changes."""
    df = text(table) if base is None else base
    template = df.iloc[0].to_dict()
    new = pd.DataFrame([template | {k: str(v) for k, v in row.items()} for row in rows])
    return pd.concat([df, new], ignore_index=True)


def call(call_id: str, **values) -> dict:
    """A call row for :func:`append`: a connected call of agent A0001 on 2026-03-02."""
    row = {"call_id": call_id, "agent_id": "A0001", "started_at": "2026-03-02 10:00:00"}
    return row | {"duration_s": "60", "outcome": "connected"} | values


def target(**values) -> dict:
    row = {"period": "2026-03", "scope": "agent", "scope_id": "A0001"}
    return (
        row
        | {"indicator": "sales_amount", "target": "1000", "threshold": "", "stretch": ""}
        | values
    )


def rename_agents(mapping: dict[str, str], name: dict[str, str] | None = None) -> dict:
    """Every table as text with agent ids replaced (agent-scoped target ids too)."""
    out = {}
    for table in TABLES:
        df = text(table)
        if "agent_id" in df.columns:
            df["agent_id"] = df["agent_id"].replace(mapping)
        if table == "targets":
            agent = df["scope"] == "agent"
            df.loc[agent, "scope_id"] = df.loc[agent, "scope_id"].replace(mapping)
        if table == "agents" and name:
            df["agent_name"] = df["agent_id"].map(name).fillna(df["agent_name"])
        out[table] = df
    return out


# ---------------------------------------------------------------------------------- building


@dataclass
class Built:
    """What building a case gave: placeholders for its command line, and what to check."""

    fill: dict[str, str]
    #: rows written per table of ``dataset`` (for rows_read), when known
    rows: dict[str, int] = field(default_factory=dict)
    dataset: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    #: held while the command runs (e.g. another run's lock)
    context: Callable[[], contextlib.AbstractContextManager] | None = None


def write_dataset(
    folder: Path,
    tables: dict[str, object] | None = None,
    *,
    drop: tuple[str, ...] = (),
    settings: str | None = None,
    files: dict[str, str] | None = None,
) -> tuple[Path, dict[str, int]]:
    """A dataset folder: the sample's Parquet files, with some tables replaced.

    ``tables`` values are DataFrames (written as CSV, or Parquet when the file name in
    ``files`` ends in ``.parquet``), text (UTF-8) or bytes. ``settings`` is the text of
    ``dataset.yaml`` (default: the sample's).
    """
    folder.mkdir(parents=True, exist_ok=True)
    tables, files = tables or {}, files or {}
    rows = {}
    for table in TABLES:
        if table in drop:
            continue
        content = tables.get(table)
        if content is None:
            name = files.get(table, f"{table}.parquet")
            shutil.copyfile(SAMPLE / f"{table}.parquet", folder / name)
            rows[table] = len(_frame(table))
            continue
        name = files.get(table, f"{table}.csv")
        path = folder / name
        if isinstance(content, pd.DataFrame):
            if name.lower().endswith(".parquet"):
                content.to_parquet(path, index=False)
            else:
                content.to_csv(path, index=False)
            rows[table] = len(content)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    yaml_text = (
        (SAMPLE / "dataset.yaml").read_text(encoding="utf-8") if settings is None else settings
    )
    (folder / "dataset.yaml").write_text(yaml_text, encoding="utf-8")
    return folder, rows


def dataset(tables: dict | None = None, **kwargs) -> Callable[[Path], Built]:
    """A build function writing one dataset to ``<tmp>/ds`` (see :func:`write_dataset`)."""

    def build(tmp: Path) -> Built:
        folder, rows = write_dataset(tmp / "ds", tables() if callable(tables) else tables, **kwargs)
        return Built({"ds": str(folder), "tmp": str(tmp)}, rows=rows, dataset=folder)

    return build


def files(**contents: str) -> Callable[[Path], Built]:
    """A build function writing text files into ``tmp`` (placeholders: their stems)."""

    def build(tmp: Path) -> Built:
        fill = {"tmp": str(tmp)}
        for name, body in contents.items():
            path = tmp / name.replace("__", ".")
            path.write_text(body, encoding="utf-8")
            fill[path.stem] = str(path)
        return Built(fill)

    return build


def nothing(tmp: Path) -> Built:
    return Built({"tmp": str(tmp)})


def with_files(build: Callable[[Path], Built], **contents: str) -> Callable[[Path], Built]:
    """``build`` plus text files in ``tmp`` (placeholders: their stems)."""

    def both(tmp: Path) -> Built:
        built = build(tmp)
        built.fill.update(files(**contents)(tmp).fill)
        return built

    return both


# ---------------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class Case:
    """One corpus case: build it, run ``kpi <argv>``, compare with what is expected."""

    id: str
    group: str
    what: str
    build: Callable[[Path], Built]
    argv: tuple[str, ...]
    exit_code: int
    #: regular expressions searched in stderr (exit code != 0) or stdout (0)
    message: tuple[str, ...] = ()
    #: quarantine reasons (regular expressions, full match) of the dataset the command
    #: loaded: each must match a reason and every reason must match one; None: not checked
    reasons: tuple[str, ...] | None = None
    #: raw values that must be in the quarantine's ``value`` column
    values: tuple[str, ...] = ()
    #: rows quarantined per table
    quarantined: dict[str, int] | None = None
    #: a regular expression one warning must match
    warns: str | None = None
    #: more assertions on the result
    check: Callable[[Result], None] | None = None
    #: argparse's usage message instead of one ``error:`` paragraph
    usage: bool = False
    #: runs notebooks (slow)
    slow: bool = False
    #: a defect the case reveals (the test is marked xfail(strict=True))
    xfail: str | None = None

    @property
    def command(self) -> str:
        """The command line as documented: placeholders in capitals."""
        words = []
        for word in self.argv:
            word = re.sub(r"\{(\w+)\}", lambda m: m.group(1).upper(), word)
            words.append(shlex.quote(word))
        return "kpi " + " ".join(words)


@dataclass
class Result:
    code: int
    out: str
    err: str
    warnings: list[str]
    #: every Dataset the command validated, in order
    datasets: list
    tmp: Path
    built: Built

    @property
    def dataset(self):
        """The dataset loaded from the case's folder (else the last one validated)."""
        if self.built.dataset is not None:
            own = [
                d
                for d in self.datasets
                if d.source and Path(d.source) == self.built.dataset.resolve()
            ]
            if own:
                return own[-1]
        return self.datasets[-1] if self.datasets else None


@contextlib.contextmanager
def _capture_datasets(found: list) -> Iterator[None]:
    """Record every Dataset that ``validate_tables`` returns while the command runs."""
    import kpi_lib.data.load as load
    import kpi_lib.data.mapping.run as mapping_run

    original = load.validate_tables

    def spy(*args, **kwargs):
        ds = original(*args, **kwargs)
        found.append(ds)
        return ds

    load.validate_tables = spy
    mapping_run.validate_tables = spy
    try:
        yield
    finally:
        load.validate_tables = original
        mapping_run.validate_tables = original


@contextlib.contextmanager
def _environment(env: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_case(case: Case, tmp: Path) -> Result:
    """Build ``case`` in ``tmp`` and run its command in this process."""
    from kpi_lib.run.cli import main

    tmp.mkdir(parents=True, exist_ok=True)
    built = case.build(tmp)
    argv = [word.format(**built.fill) for word in case.argv]
    out, err, found = io.StringIO(), io.StringIO(), []
    held = built.context() if built.context else contextlib.nullcontext()
    with (
        _environment(built.env),
        held,
        _capture_datasets(found),
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        warnings.simplefilter("always")
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage message
            code = exc.code if isinstance(exc.code, int) else 2
    messages = [str(w.message) for w in caught]
    return Result(code, out.getvalue(), err.getvalue(), messages, found, tmp, built)


# ---------------------------------------------------------------------------------- checks


def _csv_cells(path: Path, column: str) -> list[str]:
    return pd.read_csv(path, dtype=str, keep_default_na=False)[column].tolist()


def _not_written(*names: str) -> Callable[[Result], None]:
    def check(r: Result) -> None:
        for name in names:
            assert not (r.tmp / name).exists(), f"{name} was written"

    return check


def _quarantine_csv_neutralised(r: Result) -> None:
    cells = _csv_cells(r.tmp / "q" / "quarantine.csv", "value")
    for payload in FORMULAS:
        assert "'" + payload in cells, (payload, cells[:10])
    assert not any(c[:1] in "=+-@" for c in cells)


def _compute_csv_neutralised(r: Result) -> None:
    cells = set(_csv_cells(r.tmp / "out" / "ind.csv", "agent_id"))
    for payload in FORMULA_IDS.values():
        assert "'" + payload in cells, (payload, sorted(cells)[:10])
    assert not any(c[:1] in "=+-@" for c in cells)


def _payload_kept(column: str, payloads) -> Callable[[Result], None]:
    def check(r: Result) -> None:
        cells = set(_csv_cells(r.tmp / "out" / "ind.csv", column))
        for payload in payloads:
            assert payload in cells, payload

    return check


def _names_kept(expected: list[str]) -> Callable[[Result], None]:
    def check(r: Result) -> None:
        names = set(r.dataset["agents"]["agent_name"])
        for name in expected:
            assert name in names, (name, sorted(names)[:5])

    return check


def _no_encoding_warning(r: Result) -> None:
    assert not [w for w in r.warnings if "encoding" in w or "Windows-1252" in w], r.warnings
    assert r.dataset.warnings == []


def _review_published(r: Result) -> None:
    folder = r.tmp / "rep" / "monthly" / "2026-04"
    assert (folder / "index.html").is_file() and (folder / "period_review.html").is_file()
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "ok" and manifest["period"] == "2026-04"
    for table, counts in manifest["load_report"].items():
        assert counts["rows_read"] == counts["rows_used"] + counts["rows_quarantined"], table
        assert counts["rows_read"] == len(_frame(table)), table


def _no_calls_published(period: str, cause: str) -> Callable[[Result], None]:
    """The "no usable calls" report of ``period`` is published with its row accounting."""

    def check(r: Result) -> None:
        folder = r.tmp / "rep" / "monthly" / period
        names = sorted(p.name for p in folder.iterdir())
        assert names == ["index.html", "manifest.json", "no_calls.html"], names
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["status"] == "no_usable_calls" and manifest["period"] == period
        facts = manifest["no_usable_calls"]
        assert facts["cause"] == cause, facts["cause"]
        for table, c in manifest["load_report"].items():
            assert c["rows_read"] == c["rows_used"] + c["rows_quarantined"] + c["rows_filtered"], (
                table
            )
        assert f"No usable calls in {period}" in (folder / "no_calls.html").read_text("utf-8")

    return check


def _calls_outside(month: str) -> pd.DataFrame:
    """The sample's calls as text, without those of ``month`` (YYYY-MM)."""
    calls = text("calls")
    return calls[~calls["started_at"].astype(str).str.startswith(month)]


def _failed_notebook_kept(r: Result) -> None:
    failed = list((r.tmp / "rep" / "failed" / "monthly" / "2026-04").glob("*/error.txt"))
    assert len(failed) == 1 and "planted failure" in failed[0].read_text(encoding="utf-8")
    assert not (r.tmp / "rep" / "monthly" / "2026-04").exists()


def _imported(r: Result) -> None:
    from kpi_lib.data.load import load_dataset

    ds = load_dataset(r.tmp / "imported")
    report = ds.load_report[ds.load_report.reason == ""].set_index("table")
    assert report.loc["calls", "rows_used"] == len(_frame("calls"))
    assert report.loc["agents", "rows_used"] == len(_frame("agents"))


# ---------------------------------------------------------------------------------- builders


def _calls_dates(fmt: str, rows: slice | None = None) -> Callable[[], dict]:
    def tables() -> dict:
        df = text("calls")
        stamps = pd.to_datetime(df["started_at"])
        index = df.index if rows is None else df.index[rows]
        df.loc[index, "started_at"] = stamps[index].dt.strftime(fmt)
        return {"calls": df}

    return tables


def _orders_with(values: list[str]) -> Callable[[], dict]:
    def tables() -> dict:
        df = text("orders")
        df.loc[: len(values) - 1, "ordered_at"] = values
        return {"orders": df}

    return tables


def _agents_encoded(encoding: str, names: dict[str, str]) -> Callable[[], dict]:
    def tables() -> dict:
        df = text("agents")
        df["agent_name"] = df["agent_id"].map(names).fillna(df["agent_name"])
        return {"agents": df.to_csv(index=False).encode(encoding)}

    return tables


def _agents_bytes(first_name: bytes) -> Callable[[], dict]:
    """agents.csv with the first agent's name (and the comma after it) replaced by bytes."""

    def tables() -> dict:
        body = text("agents").to_csv(index=False).encode("ascii")
        return {"agents": body.replace(b"Zhao Fei,", first_name, 1)}

    return tables


def _parquet_nonfinite(tmp: Path) -> Built:
    orders = frame("orders")
    extra = orders.head(2).copy()
    extra["order_id"] = ["OX1", "OX2"]
    extra["amount"] = [np.inf, -np.inf]
    tables = {"orders": pd.concat([orders, extra], ignore_index=True)}
    return dataset(tables, files={"orders": "orders.parquet"})(tmp)


def _title_row(header_row: bool) -> Callable[[Path], Built]:
    def build(tmp: Path) -> Built:
        body = "Call log export 2025-11 to 2026-04\n" + text("calls").to_csv(index=False)
        settings = "header_row: {calls: 2}\n" if header_row else ""
        built = dataset({"calls": body}, settings=settings)(tmp)
        built.rows["calls"] = len(_frame("calls"))
        return built

    return build


def _symlink(target: str, name: str = "calls.parquet") -> Callable[[Path], Built]:
    def build(tmp: Path) -> Built:
        built = dataset(drop=("calls",))(tmp)
        (tmp / "ds" / name).symlink_to(target)
        return built

    return build


def _folder_loop(tmp: Path) -> Built:
    (tmp / "loop").symlink_to(tmp / "loop")
    return Built({"tmp": str(tmp), "ds": str(tmp / "loop")})


def _renamed(table: str, new_name: str) -> Callable[[Path], Built]:
    def build(tmp: Path) -> Built:
        built = dataset(drop=(table,))(tmp)
        shutil.copyfile(SAMPLE / f"{table}.parquet", tmp / "ds" / new_name)
        return built

    return build


def _agents_columns(columns: dict[str, str | None]) -> Callable[[], dict]:
    def tables() -> dict:
        df = text("agents")
        drop = [c for c, new in columns.items() if new is None]
        return {"agents": df.drop(columns=drop).rename(columns=columns)}

    return tables


def _both_formats(tmp: Path) -> Built:
    built = dataset({"calls": text("calls")})(tmp)
    shutil.copyfile(SAMPLE / "calls.parquet", tmp / "ds" / "calls.parquet")
    return built


def _workbook(tmp: Path, *, also_csv: bool = False) -> Built:
    built = dataset(drop=("agents", "orders"))(tmp)
    with pd.ExcelWriter(tmp / "ds" / "export.xlsx") as xl:
        text("agents").to_excel(xl, sheet_name="agents", index=False)
        text("orders").to_excel(xl, sheet_name="Orders", index=False)
    built.rows |= {"agents": len(_frame("agents")), "orders": len(_frame("orders"))}
    if also_csv:
        text("orders").head(5).to_csv(tmp / "ds" / "orders.csv", index=False)
    return built


def _empty_folder(tmp: Path) -> Built:
    (tmp / "ds").mkdir()
    return Built({"tmp": str(tmp), "ds": str(tmp / "ds")})


def _a_file(tmp: Path) -> Built:
    (tmp / "ds.csv").write_text("agent_id\n", encoding="utf-8")
    return Built({"tmp": str(tmp), "ds": str(tmp / "ds.csv")})


def _bom_crlf(tmp: Path) -> Built:
    df = text("agents")
    df.loc[0, "agent_name"] = "Zhao, Fei"
    df.loc[1, "agent_name"] = 'Xie "Sunny" Yue'
    body = df.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
    built = dataset({"agents": body})(tmp)
    built.rows["agents"] = len(df)
    return built


def _padded(tmp: Path) -> Built:
    df = text("agents").rename(columns=lambda c: f" {c} ")
    df["notes"] = "free text"
    built = dataset({"agents": df})(tmp)
    (tmp / "ds" / "README.txt").write_text("notes\n", encoding="utf-8")
    built.rows["agents"] = len(df)
    return built


def _scheme(body: str) -> Callable[[Path], Built]:
    return files(scheme__yaml=body)


SCHEME_OK = (
    "name: corpus\nnormalisation: goalposts\naggregation: arithmetic\ndimensions:\n"
    "  performance:\n    weight: {p}\n    indicators:\n      sales_amount: {{weight: {s}}}\n"
    "  efficiency:\n    weight: {e}\n    indicators:\n      effective_calls: {{weight: 100}}\n"
)
#: A scheme that weights satisfaction and stops when the data cannot provide it.
SCHEME_STRICT = (
    SCHEME_OK.format(p=60, e=40, s=100)
    + "  quality:\n    weight: 30\n    indicators:\n      satisfaction_rate: {weight: 100}\n"
    + "missing_indicators: stop\n"
)


def _export(tmp: Path) -> Path:
    """A CRM export of the sample's agents and calls with other column names and codes."""
    src = tmp / "export"
    src.mkdir()
    agents = text("agents").rename(
        columns={"agent_id": "Agent", "agent_name": "Name", "team_id": "Team"}
    )
    agents.to_csv(src / "agents.csv", index=False)
    calls = text("calls").rename(
        columns={
            "call_id": "Call",
            "agent_id": "Agent",
            "started_at": "Start",
            "duration_s": "Talk",
        }
    )
    calls["Result"] = calls.pop("outcome").replace({"connected": "OK"})
    calls.to_csv(src / "calls.csv", index=False)
    orders = text("orders")
    orders.to_csv(src / "orders.csv", index=False)
    return src


MAPPING = """\
name: corpus_crm
timezone: "Asia/Shanghai"
tables:
  agents:
    file: "agents.csv"
    columns: {agent_id: "Agent", agent_name: "Name", team_id: "Team"}
  calls:
    file: "calls.csv"
    columns:
      call_id: "Call"
      agent_id: "Agent"
      started_at: "Start"
      duration_s: "Talk"
      OUTCOME_KEY: "Result"
    SENTINELS_KEY
    recode:
      outcome: {OK: "connected"}
  orders:
    file: "orders.csv"
    columns:
      order_id: "order_id"
      agent_id: "AGENT_COLUMN"
      customer_id: "customer_id"
      ordered_at: "ordered_at"
      amount: "amount"
"""


def _mapping(
    outcome="outcome", sentinels="", agent="agent_id", body=None
) -> Callable[[Path], Built]:
    def build(tmp: Path) -> Built:
        _export(tmp)
        text_ = (
            body
            if body is not None
            else (
                MAPPING.replace("OUTCOME_KEY", outcome)
                .replace("SENTINELS_KEY", sentinels)
                .replace("AGENT_COLUMN", agent)
            )
        )
        (tmp / "mapping.yaml").write_text(text_, encoding="utf-8")
        return Built(
            {"tmp": str(tmp), "mapping": str(tmp / "mapping.yaml"), "src": str(tmp / "export")}
        )

    return build


def _failing_notebook(tmp: Path) -> Built:
    import nbformat

    root = tmp / "root"
    (root / "notebooks").mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('review: str = ""\nsettings: dict = {}')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell('raise RuntimeError("corpus: planted failure")')]
    nb.metadata["kernelspec"] = {
        "display_name": "Python 3",
        "language": "python",
        "name": "python3",
    }
    nbformat.write(nb, root / "notebooks" / "period_review.ipynb")
    return Built({"tmp": str(tmp)}, env={"KPI_PROJECT_ROOT": str(root)})


def _lock_held(tmp: Path) -> Built:
    from filelock import FileLock

    lock_dir = tmp / "rep" / ".locks"
    lock_dir.mkdir(parents=True)
    lock = FileLock(str(lock_dir / "monthly-2026-04.lock"))

    @contextlib.contextmanager
    def hold() -> Iterator[None]:
        with lock:
            yield

    return Built({"tmp": str(tmp)}, context=hold)


FORMULAS = ('=HYPERLINK("http://x.test","x")', "+1+1", "-2+3", "@SUM(A1:A2)")
FORMULA_IDS = {"A0001": "=1+1", "A0002": "+A0002", "A0003": "-A0003", "A0004": "@A0004"}
HTML_IDS = {"A0001": "<script>alert('id')</script>", "A0002": '"><img src=x onerror=alert(1)>'}
SQL_IDS = {"A0001": "A0001'; DROP TABLE calls; --", "A0002": 'A0002" OR "1"="1'}
SQL_TIMEZONE = "Asia/Shanghai'; DROP TABLE calls; --"


def _validate(*extra: str) -> tuple[str, ...]:
    return ("validate", "{ds}", *extra)


def _compute() -> tuple[str, ...]:
    return ("compute", "{ds}", "--out", "{tmp}/out/ind.csv")


def _review(*extra: str) -> tuple[str, ...]:
    return ("review", "--out", "{tmp}/rep", "--quiet", *extra)


NOT_IANA = r"is not an IANA timezone name"
UNKNOWN_CALL = r"call_id: unknown call \(not in calls\.call_id\)"


CASES: list[Case] = [
    # ------------------------------------------------------------------ datasets: handled well
    Case(
        "sample-parquet",
        "dataset",
        "the shipped sample as it is",
        dataset(),
        _validate(),
        0,
        (r"Load report", r"calls\s+calls\.parquet\s+60576\s+60576\s+0"),
        reasons=(),
    ),
    Case(
        "sample-csv",
        "dataset",
        "every table of the sample as CSV text",
        dataset(lambda: {t: text(t) for t in TABLES}),
        _validate(),
        0,
        (r"calls\s+calls\.csv\s+60576\s+60576\s+0",),
        reasons=(),
    ),
    Case(
        "other-timezone",
        "dataset",
        "a valid IANA timezone other than the default",
        dataset(settings="timezone: Europe/Lisbon\n"),
        _validate(),
        0,
        (r"Load report",),
        reasons=(),
    ),
    Case(
        "offset-timestamps",
        "dataset",
        "text timestamps carrying a +08:00 offset",
        dataset(_calls_dates("%Y-%m-%d %H:%M:%S+08:00")),
        _validate(),
        0,
        (r"calls\s+calls\.csv\s+60576\s+60576\s+0",),
        reasons=(),
    ),
    Case(
        "day-month-named-format",
        "dataset",
        "day-first timestamps with `timestamp_format` named in dataset.yaml",
        dataset(
            _calls_dates("%d/%m/%Y %H:%M:%S"),
            settings='timestamp_format: {calls.started_at: "%d/%m/%Y %H:%M:%S"}\n',
        ),
        _validate(),
        0,
        (r"calls\s+calls\.csv\s+60576\s+60576\s+0",),
        reasons=(),
    ),
    Case(
        "day-first-provable",
        "dataset",
        "day/month text timestamps whose order every value proves (day > 12)",
        dataset(_orders_with(["25/12/2025 10:00:00", "13/01/2026 11:30:00"])),
        _validate(),
        0,
        (r"orders\s+orders\.csv\s+1715\s+1715\s+0",),
        reasons=(),
    ),
    Case(
        "gb18030-names",
        "dataset",
        "agent names in Chinese, GB18030-encoded CSV",
        dataset(_agents_encoded("gb18030", {"A0001": "赵飞", "A0002": "谢悦"})),
        _validate(),
        0,
        (r"agents\s+agents\.csv\s+24\s+24\s+0",),
        reasons=(),
        check=_names_kept(["赵飞", "谢悦"]),
    ),
    Case(
        "named-encoding",
        "dataset",
        "cp1252 CSV with `encoding: {agents: cp1252}`",
        dataset(
            _agents_encoded("cp1252", {"A0001": "Jürgen Müller"}),
            settings="encoding: {agents: cp1252}\n",
        ),
        _validate(),
        0,
        (r"agents\s+agents\.csv\s+24",),
        reasons=(),
        check=lambda r: (_names_kept(["Jürgen Müller"])(r), _no_encoding_warning(r)),
    ),
    Case(
        "upper-case-file-names",
        "dataset",
        "file names in other letter cases (AGENTS.CSV, Calls.Parquet)",
        dataset(
            {"agents": text("agents")}, files={"agents": "AGENTS.CSV", "calls": "Calls.Parquet"}
        ),
        _validate(),
        0,
        (r"AGENTS\.CSV", r"Calls\.Parquet"),
        reasons=(),
    ),
    Case(
        "title-row-header-row",
        "dataset",
        "a title row above the header with `header_row: {calls: 2}`",
        _title_row(header_row=True),
        _validate(),
        0,
        (r"calls\s+calls\.csv\s+60576\s+60576\s+0",),
        reasons=(),
    ),
    Case(
        "bom-crlf-quoted",
        "dataset",
        "UTF-8 with BOM, CRLF line ends, quoted commas and quotes in names",
        _bom_crlf,
        _validate(),
        0,
        (r"agents\s+agents\.csv\s+24\s+24\s+0",),
        reasons=(),
        check=_names_kept(["Zhao, Fei", 'Xie "Sunny" Yue']),
    ),
    Case(
        "padded-headers-extra-columns",
        "dataset",
        "header names padded with spaces, an extra column and a stray file",
        _padded,
        _validate(),
        0,
        (r"agents\s+agents\.csv\s+24\s+24\s+0",),
        reasons=(),
    ),
    Case(
        "optional-tables-absent",
        "dataset",
        "only the required tables, calls.csv with a header only",
        dataset(
            {"calls": text("calls").head(0)},
            drop=(
                "leads",
                "qa_reviews",
                "surveys",
                "complaints",
                "trainings",
                "proposals",
                "targets",
            ),
        ),
        _validate(),
        0,
        (r"calls\s+calls\.csv\s+0\s+0\s+0",),
        reasons=(),
    ),
    Case(
        "xlsx-workbook",
        "dataset",
        "agents and orders as sheets of one workbook (sheet names in any case)",
        _workbook,
        _validate(),
        0,
        (r"agents\s+workbook\s+24\s+24\s+0", r"orders\s+workbook\s+1715"),
        reasons=(),
    ),
    # ------------------------------------------------------------------ datasets: plausibility
    Case(
        "non-finite-text",
        "dataset",
        "calls with duration `inf`, `NaN`, `-Infinity`, `1e400`",
        dataset(
            lambda: {
                "calls": append(
                    "calls",
                    *(
                        call(f"CX{k}", duration_s=v)
                        for k, v in enumerate(["inf", "NaN", "-Infinity", "1e400"])
                    ),
                )
            }
        ),
        _validate(),
        0,
        (r"duration_s: non-finite number\s+4",),
        reasons=(r"duration_s: non-finite number",),
        values=("inf", "NaN", "-Infinity", "1e400"),
        quarantined={"calls": 4},
    ),
    Case(
        "non-finite-parquet",
        "dataset",
        "orders.parquet with infinite float amounts",
        _parquet_nonfinite,
        _validate(),
        0,
        (r"amount: non-finite number",),
        reasons=(r"amount: non-finite number",),
        values=("inf", "-inf"),
        quarantined={"orders": 2},
    ),
    Case(
        "duration-above-max",
        "dataset",
        "a call of 20000 s (default maximum 14400 s)",
        dataset(lambda: {"calls": append("calls", call("CX1", duration_s="20000"))}),
        _validate(),
        0,
        (r"duration above maximum",),
        reasons=(r"duration_s: duration above maximum \(14400 s\)",),
        values=("20000",),
        quarantined={"calls": 1},
    ),
    Case(
        "duration-max-from-yaml",
        "dataset",
        "`plausibility: {max_duration_s: 5000}`: 6000 s out, 4800 s in",
        dataset(
            lambda: {
                "calls": append(
                    "calls", call("CX1", duration_s="6000"), call("CX2", duration_s="4800")
                )
            },
            settings="plausibility: {max_duration_s: 5000}\n",
        ),
        _validate(),
        0,
        (r"\(5000 s\)",),
        reasons=(r"duration_s: duration above maximum \(5000 s\)",),
        values=("6000",),
        quarantined={"calls": 1},
    ),
    Case(
        "future-timestamp",
        "dataset",
        "a call in 2099 (after the load time)",
        dataset(lambda: {"calls": append("calls", call("CX1", started_at="2099-06-01 10:00:00"))}),
        _validate(),
        0,
        (r"timestamp in the future",),
        reasons=(r"started_at: timestamp in the future of the export \(after .+\)",),
        values=("2099-06-01 10:00:00",),
        quarantined={"calls": 1},
    ),
    Case(
        "exported-at",
        "dataset",
        "`exported_at: 2026-05-31` and a call on 2026-06-01",
        dataset(
            lambda: {"calls": append("calls", call("CX1", started_at="2026-06-01 09:00:00"))},
            settings="exported_at: 2026-05-31\n",
        ),
        _validate(),
        0,
        (r"after 2026-05-31",),
        reasons=(r"started_at: timestamp in the future of the export \(after 2026-05-31\)",),
        values=("2026-06-01 09:00:00",),
        quarantined={"calls": 1},
    ),
    Case(
        "before-floor",
        "dataset",
        "a call on 1970-01-01 (default floor 1990-01-01)",
        dataset(lambda: {"calls": append("calls", call("CX1", started_at="1970-01-01 00:00:00"))}),
        _validate(),
        0,
        (r"timestamp before 1990-01-01",),
        reasons=(r"started_at: timestamp before 1990-01-01",),
        values=("1970-01-01 00:00:00",),
        quarantined={"calls": 1},
    ),
    Case(
        "earliest-from-yaml",
        "dataset",
        "`plausibility: {earliest: 2025-01-01}` and a call in 2024",
        dataset(
            lambda: {"calls": append("calls", call("CX1", started_at="2024-12-31 23:00:00"))},
            settings="plausibility: {earliest: 2025-01-01}\n",
        ),
        _validate(),
        0,
        (r"timestamp before 2025-01-01",),
        reasons=(r"started_at: timestamp before 2025-01-01",),
        quarantined={"calls": 1},
    ),
    Case(
        "target-unknown-indicator",
        "dataset",
        "a target for indicator `sales_amout`",
        dataset(lambda: {"targets": append("targets", target(indicator="sales_amout"))}),
        _validate(),
        0,
        (r"unknown indicator",),
        reasons=(r"indicator: unknown indicator \(not in the catalogue\)",),
        values=("sales_amout",),
        quarantined={"targets": 1},
    ),
    Case(
        "target-invalid-period",
        "dataset",
        "targets for periods `2026-13` and `2026-W60`",
        dataset(
            lambda: {
                "targets": append("targets", target(period="2026-13"), target(period="2026-W60"))
            }
        ),
        _validate(),
        0,
        (r"not a period label",),
        reasons=(r"period: not a period label \(2026-10, 2026-Q4, 2026 or 2026-W43\)",),
        values=("2026-13", "2026-W60"),
        quarantined={"targets": 2},
    ),
    Case(
        "threshold-above-target",
        "dataset",
        "a sales target with its threshold above the target",
        dataset(lambda: {"targets": append("targets", target(target="1000", threshold="2000"))}),
        _validate(),
        0,
        (r"threshold above target",),
        reasons=(r"threshold: threshold above target",),
        values=("2000",),
        quarantined={"targets": 1},
    ),
    Case(
        "target-unknown-agent",
        "dataset",
        "a target for agent A9999",
        dataset(lambda: {"targets": append("targets", target(scope_id="A9999"))}),
        _validate(),
        0,
        (r"unknown agent",),
        reasons=(r"scope_id: unknown agent \(not in agents\.agent_id\)",),
        values=("A9999",),
        quarantined={"targets": 1},
    ),
    Case(
        "latin1-names",
        "dataset",
        "agents.csv in Windows-1252 (Jürgen Müller), no encoding named",
        dataset(_agents_encoded("cp1252", {"A0001": "Jürgen Müller", "A0002": "François"})),
        _validate(),
        0,
        (r"agents\s+agents\.csv \(check encoding\)\s+24",),
        reasons=(),
        warns=r"agents\.csv is not UTF-8; read as Windows-1252",
        check=_names_kept(["Jürgen Müller", "François"]),
    ),
    # ------------------------------------------------------------------ datasets: row problems
    Case(
        "duplicate-ids",
        "dataset",
        "two new calls sharing one call_id",
        dataset(lambda: {"calls": append("calls", call("CX-DUP"), call("CX-DUP"))}),
        _validate(),
        0,
        (r"duplicate id",),
        reasons=(r"call_id: duplicate id",),
        values=("CX-DUP",),
        quarantined={"calls": 2},
    ),
    Case(
        "unknown-agent",
        "dataset",
        "a call by agent A9999, who is not in agents",
        dataset(lambda: {"calls": append("calls", call("CX1", agent_id="A9999"))}),
        _validate(),
        0,
        (r"unknown agent",),
        reasons=(r"agent_id: unknown agent \(not in agents\.agent_id\)",),
        values=("A9999",),
        quarantined={"calls": 1},
    ),
    Case(
        "bad-outcome",
        "dataset",
        "a call with outcome `answered`",
        dataset(lambda: {"calls": append("calls", call("CX1", outcome="answered"))}),
        _validate(),
        0,
        (r"outcome: not one of",),
        reasons=(r"outcome: not one of \[.*\]",),
        values=("answered",),
        quarantined={"calls": 1},
    ),
    Case(
        "unparseable-timestamp",
        "dataset",
        "a call started `yesterday`",
        dataset(lambda: {"calls": append("calls", call("CX1", started_at="yesterday"))}),
        _validate(),
        0,
        (r"not a date-time",),
        reasons=(r"started_at: not a date-time such as 2026-10-08 14:03:00",),
        values=("yesterday",),
        quarantined={"calls": 1},
    ),
    Case(
        "impossible-date",
        "dataset",
        "a call on 2026-02-29 (not a leap year)",
        dataset(lambda: {"calls": append("calls", call("CX1", started_at="2026-02-29 10:00:00"))}),
        _validate(),
        0,
        (r"not a date-time",),
        reasons=(r"started_at: not a date-time such as 2026-10-08 14:03:00",),
        quarantined={"calls": 1},
    ),
    Case(
        "negative-amount",
        "dataset",
        "an order of -5",
        dataset(
            lambda: {
                "orders": append(
                    "orders", {"order_id": "OX1", "amount": "-5", "collected_amount": ""}
                )
            }
        ),
        _validate(),
        0,
        (r"below the minimum",),
        reasons=(r"amount: below the minimum 0",),
        values=("-5",),
        quarantined={"orders": 1},
    ),
    Case(
        "missing-required-value",
        "dataset",
        "an order without agent_id",
        dataset(lambda: {"orders": append("orders", {"order_id": "OX1", "agent_id": ""})}),
        _validate(),
        0,
        (r"missing value",),
        reasons=(r"agent_id: missing value in a required column",),
        quarantined={"orders": 1},
    ),
    Case(
        "bad-boolean",
        "dataset",
        "need_captured `maybe`",
        dataset(lambda: {"calls": append("calls", call("CX1", need_captured="maybe"))}),
        _validate(),
        0,
        (r"not true/false",),
        reasons=(r"need_captured: not true/false \(also 1/0, yes/no\)",),
        values=("maybe",),
        quarantined={"calls": 1},
    ),
    Case(
        "non-integer-rating",
        "dataset",
        "intent_rating 2.5 (a whole number 0-3 is expected)",
        dataset(lambda: {"calls": append("calls", call("CX1", intent_rating="2.5"))}),
        _validate(),
        0,
        (r"not a whole number",),
        reasons=(r"intent_rating: not a whole number",),
        values=("2.5",),
        quarantined={"calls": 1},
    ),
    Case(
        "survey-score-range",
        "dataset",
        "a survey score of 6 on the 1-5 scale",
        dataset(lambda: {"surveys": append("surveys", {"survey_id": "SX1", "score": "6"})}),
        _validate(),
        0,
        (r"above the maximum",),
        reasons=(r"score: above the maximum 5",),
        values=("6",),
        quarantined={"surveys": 1},
    ),
    Case(
        "resolved-before-opened",
        "dataset",
        "a complaint resolved before it was opened",
        dataset(
            lambda: {
                "complaints": append(
                    "complaints",
                    {
                        "complaint_id": "PX1",
                        "opened_at": "2026-03-10 10:00:00",
                        "resolved_at": "2026-03-01 10:00:00",
                    },
                )
            }
        ),
        _validate(),
        0,
        (r"before opened_at",),
        reasons=(r"resolved_at: before opened_at",),
        quarantined={"complaints": 1},
    ),
    Case(
        "collected-above-amount",
        "dataset",
        "an order collecting more than its amount",
        dataset(
            lambda: {
                "orders": append(
                    "orders", {"order_id": "OX1", "amount": "100", "collected_amount": "150"}
                )
            }
        ),
        _validate(),
        0,
        (r"larger than amount",),
        reasons=(r"collected_amount: larger than amount",),
        values=("150",),
        quarantined={"orders": 1},
    ),
    Case(
        "cascading-quarantine",
        "dataset",
        "a call quarantined (duplicate id) takes its QA reviews and surveys with it",
        dataset(lambda: {"calls": append("calls", call("C000000003"))}),
        _validate(),
        0,
        (r"duplicate id",),
        reasons=(r"call_id: duplicate id", UNKNOWN_CALL),
    ),
    Case(
        "compute-with-quarantine",
        "dataset",
        "`kpi compute` on a dataset with bad calls and targets: computed from the rows used",
        dataset(
            lambda: {
                "calls": append(
                    "calls", call("CX1", duration_s="inf"), call("CX2", agent_id="A9999")
                ),
                "targets": append("targets", target(indicator="sales_amout")),
            }
        ),
        _compute(),
        0,
        (r"\d+ rows written to .*ind\.csv",),
        reasons=(
            r"duration_s: non-finite number",
            r"agent_id: unknown agent \(not in agents\.agent_id\)",
            r"indicator: unknown indicator \(not in the catalogue\)",
        ),
        quarantined={"calls": 2, "targets": 1},
    ),
    # ------------------------------------------------------------------ datasets: structural
    Case(
        "ambiguous-day-month",
        "dataset",
        "calls.started_at as `01/02/2026 10:00:00` with no format named",
        dataset(_calls_dates("%d/%m/%Y %H:%M:%S")),
        _validate(),
        2,
        (
            r"\[calls\.started_at\] day/month order is ambiguous",
            r'timestamp_format: "%d/%m/%Y %H:%M:%S"',
        ),
    ),
    Case(
        "mixed-day-month",
        "dataset",
        "orders.ordered_at mixing `25/12/2025` and `12/25/2025`",
        dataset(_orders_with(["25/12/2025 10:00:00", "12/25/2025 10:00:00"])),
        _validate(),
        2,
        (r"\[orders\.ordered_at\] day/month order is ambiguous: the column mixes day-first",),
    ),
    Case(
        "unknown-timezone",
        "dataset",
        "`timezone: Mars/Olympus` in dataset.yaml",
        dataset(settings="timezone: Mars/Olympus\n"),
        _validate(),
        2,
        (r"\[dataset\.yaml\.timezone\] 'Mars/Olympus' " + NOT_IANA,),
    ),
    Case(
        "timezone-typo",
        "dataset",
        "`timezone: Asia/Shangai` (a typo)",
        dataset(settings="timezone: Asia/Shangai\n"),
        _validate(),
        2,
        (NOT_IANA, r"Did you mean 'Asia/Shanghai'"),
    ),
    Case(
        "undecodable-text",
        "dataset",
        "agents.csv that is neither UTF-8, GB18030 nor Windows-1252",
        dataset(_agents_bytes(b"Zh\x81,")),
        _validate(),
        2,
        (r"\[agents\] agents\.csv is neither UTF-8, GB18030 nor Windows-1252", r"`encoding:`"),
    ),
    Case(
        "mis-decoded-warning",
        "dataset",
        "agents.csv bytes that decode as GB18030 only into CJK glued to Latin letters",
        dataset(_agents_bytes(b"Zh\x81\x8do Fei,")),
        _validate(),
        0,
        (r"agents\s+agents\.csv \(check encoding\)",),
        reasons=(),
        warns=r"agents\.csv is not UTF-8; read as GB18030 but some text looks mis-decoded",
    ),
    Case(
        "title-row",
        "dataset",
        "a title row above the header of calls.csv",
        _title_row(header_row=False),
        _validate(),
        2,
        (r"calls\.csv: the first row looks like a title", r"`header_row: 2`"),
    ),
    Case(
        "symlink-loop",
        "dataset",
        "calls.parquet is a symbolic link to itself",
        _symlink("calls.parquet"),
        _validate(),
        2,
        (r"\[calls\] .*calls\.parquet' is a symbolic link loop",),
    ),
    Case(
        "broken-symlink",
        "dataset",
        "calls.parquet links to a file that does not exist",
        _symlink("missing.parquet"),
        _validate(),
        2,
        (r"symbolic link to 'missing\.parquet', which does not exist",),
    ),
    Case(
        "folder-symlink-loop",
        "dataset",
        "the dataset folder is a symbolic link loop",
        _folder_loop,
        _validate(),
        2,
        (r"symbolic link loop",),
    ),
    Case(
        "missing-table",
        "dataset",
        "no orders file",
        dataset(drop=("orders",)),
        _validate(),
        2,
        (r"\[orders\] required table is missing \(looked for orders\.csv, orders\.parquet",),
    ),
    Case(
        "misnamed-table",
        "dataset",
        "orders saved as order.parquet",
        _renamed("orders", "order.parquet"),
        _validate(),
        2,
        (r"\[orders\] required table is missing", r"did you mean 'order\.parquet'\?"),
    ),
    Case(
        "empty-folder",
        "dataset",
        "an empty folder",
        _empty_folder,
        _validate(),
        2,
        (r"files in the folder: none", r"\[agents\] required table"),
    ),
    Case(
        "dataset-is-a-file",
        "dataset",
        "a CSV file given as the dataset folder",
        _a_file,
        _validate(),
        2,
        (r"is a file, not a dataset folder",),
    ),
    Case(
        "missing-column",
        "dataset",
        "agents without team_id",
        dataset(_agents_columns({"team_id": None})),
        _validate(),
        2,
        (r"\[agents\.team_id\] required column is missing; columns found",),
    ),
    Case(
        "renamed-column",
        "dataset",
        "agents with `Team ID` instead of team_id",
        dataset(_agents_columns({"team_id": "Team ID"})),
        _validate(),
        2,
        (r"\[agents\.team_id\] required column is missing", r"found 'Team ID': rename it"),
    ),
    Case(
        "semicolon-csv",
        "dataset",
        "agents.csv separated by semicolons",
        dataset(lambda: {"agents": text("agents").to_csv(index=False, sep=";")}),
        _validate(),
        2,
        (r"agents\.csv looks semicolon-separated", r"kpi import"),
    ),
    Case(
        "csv-and-parquet",
        "dataset",
        "calls.csv and calls.parquet side by side",
        _both_formats,
        _validate(),
        2,
        (r"\[calls\] several files for this table",),
    ),
    Case(
        "csv-and-sheet",
        "dataset",
        "orders both as a workbook sheet and as orders.csv",
        lambda tmp: _workbook(tmp, also_csv=True),
        _validate(),
        2,
        (r"\[orders\] several files",),
    ),
    Case(
        "empty-csv-file",
        "dataset",
        "calls.csv of zero bytes",
        dataset({"calls": ""}),
        _validate(),
        2,
        (r"\[calls\] calls\.csv could not be parsed as CSV",),
    ),
    # ------------------------------------------------------------------ YAML: dataset.yaml
    Case(
        "dataset-yaml-invalid",
        "yaml",
        "dataset.yaml that is not YAML",
        dataset(settings="timezone: [Asia/Shanghai\n"),
        _validate(),
        2,
        (r"\[dataset\.yaml\] is not valid YAML",),
    ),
    Case(
        "dataset-yaml-list",
        "yaml",
        "dataset.yaml holding a list",
        dataset(settings="- timezone\n- name\n"),
        _validate(),
        2,
        (r"must be a mapping of settings",),
    ),
    Case(
        "plausibility-unknown-key",
        "yaml",
        "`plausibility: {max_duraton_s: 100}` (a typo)",
        dataset(settings="plausibility: {max_duraton_s: 100}\n"),
        _validate(),
        2,
        (r"\[dataset\.yaml\.plausibility\] unknown setting\(s\) \['max_duraton_s'\]",),
    ),
    Case(
        "max-duration-negative",
        "yaml",
        "`plausibility: {max_duration_s: -5}`",
        dataset(settings="plausibility: {max_duration_s: -5}\n"),
        _validate(),
        2,
        (r"max_duration_s\] must be > 0, got -5",),
    ),
    Case(
        "timestamp-format-no-percent",
        "yaml",
        '`timestamp_format: "dd/mm/yyyy"`',
        dataset(settings='timestamp_format: "dd/mm/yyyy"\n'),
        _validate(),
        2,
        (r"\[dataset\.yaml\.timestamp_format\] must be a strftime format",),
    ),
    Case(
        "unknown-encoding",
        "yaml",
        "`encoding: utf-9`",
        dataset(settings="encoding: utf-9\n"),
        _validate(),
        2,
        (r"'utf-9' is not an encoding Python knows",),
    ),
    Case(
        "header-row-zero",
        "yaml",
        "`header_row: 0`",
        dataset(settings="header_row: 0\n"),
        _validate(),
        2,
        (r"must be a row number >= 1",),
    ),
    Case(
        "exported-at-not-a-date",
        "yaml",
        "`exported_at: last tuesday`",
        dataset(settings="exported_at: last tuesday\n"),
        _validate(),
        2,
        (r"\[dataset\.yaml\.exported_at\] 'last tuesday' is not a date",),
    ),
    # ------------------------------------------------------------------ YAML: schemes
    Case(
        "scheme-invalid-yaml",
        "yaml",
        "a scheme file that is not YAML",
        _scheme("dimensions: [1,\n"),
        ("scheme", "check", "{scheme}"),
        2,
        (r"is not valid YAML",),
    ),
    Case(
        "scheme-not-mapping",
        "yaml",
        "a scheme file holding a list",
        _scheme("- sales_amount\n"),
        ("scheme", "check", "{scheme}"),
        2,
        (r"expected a mapping at the top level",),
    ),
    Case(
        "scheme-unknown-indicator",
        "yaml",
        "a scheme weighting `sales_amout`",
        _scheme(SCHEME_OK.format(p=60, e=40, s=100).replace("sales_amount", "sales_amout")),
        ("scheme", "check", "{scheme}"),
        2,
        (
            r"indicators\.sales_amout`: Unknown indicator 'sales_amout'\. Did you mean 'sales_amount'",
        ),
    ),
    Case(
        "scheme-negative-weight",
        "yaml",
        "a scheme with a negative dimension weight",
        _scheme(SCHEME_OK.format(p=-60, e=40, s=100)),
        ("scheme", "check", "{scheme}"),
        2,
        (r"`dimensions\.performance\.weight` must be >= 0, got -60",),
    ),
    Case(
        "scheme-weights-rescaled",
        "yaml",
        "dimension weights summing to 120 (rescaled, a warning)",
        _scheme(SCHEME_OK.format(p=80, e=40, s=100)),
        ("scheme", "check", "{scheme}"),
        0,
        (r"weights_rescaled", r"sum to 120"),
    ),
    Case(
        "scheme-empty-file",
        "yaml",
        "an empty scheme file",
        _scheme(""),
        ("scheme", "check", "{scheme}"),
        2,
        (r"scheme\.yaml: expected a mapping at the top level",),
    ),
    Case(
        "scheme-unavailable-indicators",
        "yaml",
        "the default scheme against a dataset without surveys",
        dataset(drop=("surveys",)),
        ("scheme", "check", "default", "--dataset", "{ds}"),
        2,
        (r"the scheme has \d+ error\(s\): indicator_unavailable",),
    ),
    # ------------------------------------------------------------------ YAML: mappings
    Case(
        "mapping-import",
        "yaml",
        "a CRM export with other column names and codes, imported with a mapping",
        _mapping(),
        ("import", "--mapping", "{mapping}", "{src}", "{tmp}/imported"),
        0,
        (
            r"Rows per table \(rows_read = rows_used \+ rows_quarantined \+ rows_filtered\)",
            r"Contract dataset written to",
        ),
        reasons=(),
        check=_imported,
    ),
    Case(
        "mapping-column-typo",
        "yaml",
        "a mapping naming contract column `outcom`",
        _mapping(outcome="outcom"),
        ("import", "--mapping", "{mapping}", "{src}", "{tmp}/imported"),
        2,
        (r"'outcom' is not a column of contract table `calls`", r"Did you mean 'outcome'"),
        check=_not_written("imported"),
    ),
    Case(
        "mapping-unknown-key",
        "yaml",
        "a mapping with the key `sentinals`",
        _mapping(sentinels='sentinals: {Talk: ["-"]}'),
        ("import", "--mapping", "{mapping}", "{src}", "{tmp}/imported"),
        2,
        (r"sentinals`: unknown key", r"Did you mean 'sentinels'"),
        check=_not_written("imported"),
    ),
    Case(
        "mapping-missing-source-column",
        "yaml",
        "a mapping reading column `Agnet`, which the file lacks",
        _mapping(agent="Agnet"),
        ("import", "--mapping", "{mapping}", "{src}", "{tmp}/imported"),
        2,
        (r"source column 'Agnet' is not in orders\.csv",),
        check=_not_written("imported"),
    ),
    Case(
        "mapping-invalid-yaml",
        "yaml",
        "a mapping file that is not YAML",
        _mapping(body="tables: {agents: [\n"),
        ("import", "--mapping", "{mapping}", "{src}", "{tmp}/imported"),
        2,
        (r"not valid YAML",),
        check=_not_written("imported"),
    ),
    # ------------------------------------------------------------------ YAML: params, definitions
    Case(
        "params-invalid-yaml",
        "yaml",
        "a review params file that is not YAML",
        files(params__yaml="parameters: {language: en\n"),
        _review("--params", "{params}"),
        2,
        (r"Parameter file '.*params\.yaml' is not valid YAML at line 2",),
    ),
    Case(
        "params-unknown-key",
        "yaml",
        "a params file with `langauge: en`",
        files(params__yaml="parameters:\n  langauge: en\n"),
        _review("--params", "{params}"),
        2,
        (r"Unknown review setting 'langauge'", r"Did you mean 'language'"),
    ),
    Case(
        "params-not-mapping",
        "yaml",
        "a params file holding a list",
        files(params__yaml="- period_review\n"),
        _review("--params", "{params}"),
        2,
        (r"params\.yaml' must hold a mapping of keys to values, not list",),
    ),
    Case(
        "params-foreign-notebook-parameters",
        "yaml",
        "`notebook_parameters` for a notebook that is not in the review",
        files(
            params__yaml="notebooks: [period_review]\nnotebook_parameters:\n  weight_sensitivity:\n"
            "    sobol_samples: 256\n"
        ),
        _review("--params", "{params}"),
        2,
        (
            r"names notebook 'weight_sensitivity', which is not in this review; notebooks: period_review",
        ),
    ),
    Case(
        "definitions-unknown-key",
        "yaml",
        "a definitions file with `effective_min_talk: 120`",
        files(defs__yaml="effective_min_talk: 120\n"),
        _review("--set", "definitions={defs}"),
        2,
        (r"Unknown definition 'effective_min_talk'\. Did you mean 'effective_min_talk_s'",),
    ),
    Case(
        "definitions-bad-value",
        "yaml",
        "a definitions file with `satisfied_cutoff: high`",
        files(defs__yaml="satisfied_cutoff: high\n"),
        _review("--set", "definitions={defs}"),
        2,
        (r"satisfied_cutoff` must be a number",),
    ),
    # ------------------------------------------------------------------ CLI misuses
    Case(
        "no-command",
        "cli",
        "`kpi` with no sub-command",
        nothing,
        (),
        2,
        (r"usage: kpi",),
        usage=True,
    ),
    Case(
        "unknown-command",
        "cli",
        "a misspelt sub-command",
        nothing,
        ("valdate", "{tmp}"),
        2,
        (r"invalid choice: 'valdate'",),
        usage=True,
    ),
    Case(
        "validate-no-folder",
        "cli",
        "`kpi validate` without its folder",
        nothing,
        ("validate",),
        2,
        (r"the following arguments are required: dataset",),
        usage=True,
    ),
    Case(
        "validate-missing-folder",
        "cli",
        "a dataset folder that does not exist",
        nothing,
        ("validate", "{tmp}/nope"),
        2,
        (r"folder '.*nope' does not exist",),
    ),
    Case(
        "validate-bad-timezone-option",
        "cli",
        "`--timezone UTC+8`",
        dataset(),
        _validate("--timezone", "UTC+8"),
        2,
        (r"\[timezone argument\.timezone\] 'UTC\+8' " + NOT_IANA,),
    ),
    Case(
        "quarantine-out-folder",
        "cli",
        "`--quarantine-out` naming a folder",
        dataset(),
        _validate("--quarantine-out", "{tmp}"),
        2,
        (r"is a folder; give a file name",),
    ),
    Case(
        "compute-granularity",
        "cli",
        "`--granularity day`",
        dataset(),
        ("compute", "{ds}", "--granularity", "day"),
        2,
        (r"The value for `granularity` must be one of",),
    ),
    Case(
        "compute-level",
        "cli",
        "`--level region`",
        dataset(),
        ("compute", "{ds}", "--level", "region"),
        2,
        (r"The value for `level` must be one of",),
    ),
    Case(
        "compute-out-xlsx",
        "cli",
        "`--out ind.xlsx`",
        dataset(),
        ("compute", "{ds}", "--out", "{tmp}/ind.xlsx"),
        2,
        (r"`--out` must be a file ending in \.csv or \.parquet",),
    ),
    Case(
        "compute-out-folder",
        "cli",
        "`--out` naming a folder",
        dataset(),
        ("compute", "{ds}", "--out", "{tmp}"),
        2,
        (r"is a folder; give a file name",),
    ),
    Case(
        "scheme-unknown-name",
        "cli",
        "`kpi scheme check` with an unknown scheme name",
        nothing,
        ("scheme", "check", "nope"),
        2,
        (r"Unknown scheme 'nope'\. Valid schemes: .*default",),
    ),
    Case(
        "import-missing-source",
        "cli",
        "`kpi import` from a folder that does not exist",
        _mapping(),
        ("import", "--mapping", "{mapping}", "{tmp}/nope", "{tmp}/imported"),
        2,
        (r"source folder '.*nope' does not exist",),
        check=_not_written("imported"),
    ),
    Case(
        "review-set-without-equals",
        "cli",
        "`--set draws`",
        nothing,
        _review("--set", "draws"),
        2,
        (r"--set expects KEY=VALUE, got 'draws'",),
    ),
    Case(
        "review-unknown-setting",
        "cli",
        "`--set langauge=en`",
        nothing,
        _review("--set", "langauge=en"),
        2,
        (r"Unknown review setting 'langauge' \(--set\)\. Did you mean 'language'\?",),
    ),
    Case(
        "review-bad-value",
        "cli",
        "`--set draws=abc`",
        nothing,
        _review("--set", "draws=abc"),
        2,
        (r"`draws` \(--set\) must be a number, but 'abc' was given",),
    ),
    Case(
        "review-below-minimum",
        "cli",
        "`--set bonus_pool=-5`",
        nothing,
        _review("--set", "bonus_pool=-5"),
        2,
        (r"`bonus_pool` \(--set\) must be at least 0",),
    ),
    Case(
        "review-bad-cycle",
        "cli",
        "`--cycle fortnightly`",
        nothing,
        _review("--cycle", "fortnightly"),
        2,
        (r"must be one of \['weekly', 'monthly', 'quarterly', 'annual'\]",),
    ),
    Case(
        "review-period-not-in-data",
        "cli",
        "`--period 2027-01`",
        nothing,
        _review("--period", "2027-01"),
        2,
        (r"Period '2027-01' is not in dataset .*; periods in the data: 2025-11, .*2026-04",),
    ),
    Case(
        "review-period-wrong-cycle",
        "cli",
        "`--period 2026-04 --cycle quarterly`",
        nothing,
        _review("--period", "2026-04", "--cycle", "quarterly"),
        2,
        (r"Period '2026-04' does not fit the quarterly cycle: write it like '2026-Q4'",),
    ),
    Case(
        "review-unknown-team",
        "cli",
        "`--set team=T99`",
        nothing,
        _review("--set", "team=T99"),
        2,
        (r"unknown team\(s\) \['T99'\]; teams in the data: T01",),
    ),
    Case(
        "review-unknown-notebook",
        "cli",
        "`--notebooks nope`",
        nothing,
        _review("--notebooks", "nope"),
        2,
        (r"Unknown notebook\(s\) \['nope'\].*available: .*period_review",),
    ),
    Case(
        "review-jobs-0",
        "cli",
        "`--jobs 0`",
        nothing,
        _review("--jobs", "0"),
        2,
        (r"`jobs` must be a whole number of at least 1, not 0",),
    ),
    Case(
        "review-missing-params",
        "cli",
        "`--params` naming a file that does not exist",
        nothing,
        _review("--params", "{tmp}/nope.yaml"),
        2,
        (r"Parameter file '.*nope\.yaml' does not exist",),
    ),
    Case(
        "review-unprovidable-indicators",
        "cli",
        "a review of a dataset without surveys, its scheme weighting satisfaction with "
        "`missing_indicators: stop` (the shipped schemes say `renormalise` and adapt)",
        with_files(dataset(drop=("surveys",)), strict__yaml=SCHEME_STRICT),
        _review("--dataset", "{ds}", "--set", "scheme={strict}"),
        2,
        (r"Scheme 'corpus' uses indicators .* cannot provide: satisfaction_rate needs surveys",),
    ),
    Case(
        "review-broken-dataset",
        "cli",
        "a review of a dataset with a missing table",
        dataset(drop=("orders",)),
        _review("--dataset", "{ds}"),
        2,
        (r"\[orders\] required table is missing",),
    ),
    # ------------------------------------------------------------------ attacks
    Case(
        "sql-timezone-compute",
        "attack",
        "SQL in dataset.yaml's timezone, then `kpi compute`",
        dataset(settings=f'timezone: "{SQL_TIMEZONE}"\n'),
        _compute(),
        2,
        (NOT_IANA,),
        check=_not_written("out"),
    ),
    Case(
        "sql-timezone-option",
        "attack",
        "SQL in `kpi validate --timezone`",
        dataset(),
        _validate(
            "--timezone", "UTC'); SELECT 1; --", "--quarantine-out", "{tmp}/q/quarantine.csv"
        ),
        2,
        (NOT_IANA,),
        check=_not_written("q"),
    ),
    Case(
        "sql-quotes-in-ids",
        "attack",
        "agent ids holding quotes and SQL",
        dataset(lambda: rename_agents(SQL_IDS)),
        _compute(),
        0,
        (r"rows written to",),
        reasons=(),
        check=_payload_kept("agent_id", SQL_IDS.values()),
    ),
    Case(
        "html-ids-validate",
        "attack",
        "agent ids and names holding HTML and script",
        dataset(lambda: rename_agents(HTML_IDS, name={v: v for v in HTML_IDS.values()})),
        _validate(),
        0,
        (r"Load report",),
        reasons=(),
    ),
    Case(
        "html-ids-compute",
        "attack",
        "the same HTML ids through `kpi compute`",
        dataset(lambda: rename_agents(HTML_IDS)),
        _compute(),
        0,
        (r"rows written to",),
        reasons=(),
        check=_payload_kept("agent_id", HTML_IDS.values()),
    ),
    Case(
        "formula-quarantine-csv",
        "attack",
        "formula-like values quarantined, written with --quarantine-out",
        dataset(
            lambda: {
                "calls": append(
                    "calls", *(call(f"CX{k}", agent_id=v) for k, v in enumerate(FORMULAS))
                )
            }
        ),
        _validate("--quarantine-out", "{tmp}/q/quarantine.csv"),
        0,
        (r"Quarantine written to",),
        reasons=(r"agent_id: unknown agent \(not in agents\.agent_id\)",),
        values=FORMULAS,
        quarantined={"calls": 4},
        check=_quarantine_csv_neutralised,
    ),
    Case(
        "formula-compute-csv",
        "attack",
        "agent ids starting with = + - @ through `kpi compute --out x.csv`",
        dataset(lambda: rename_agents(FORMULA_IDS)),
        _compute(),
        0,
        (r"rows written to",),
        reasons=(),
        check=_compute_csv_neutralised,
    ),
    Case(
        "period-path-traversal",
        "attack",
        "`kpi review --period ../../x`",
        nothing,
        _review("--period", "../../x"),
        2,
        (r"Period '\.\./\.\./x' does not fit the monthly cycle",),
        check=_not_written("rep", "x", "../x"),
    ),
    Case(
        "scheme-path-traversal",
        "attack",
        "`--set scheme=../../../../etc/passwd`",
        nothing,
        _review("--set", "scheme=../../../../../../etc/passwd"),
        2,
        (r"The weight scheme .* cannot be used",),
    ),
    Case(
        "yaml-python-tag",
        "attack",
        "dataset.yaml with a `!!python/object/apply` tag",
        dataset(settings='name: !!python/object/apply:os.system ["touch pwned"]\n'),
        _validate(),
        2,
        (r"\[dataset\.yaml\] is not valid YAML",),
        check=_not_written("pwned", "ds/pwned"),
    ),
    # ------------------------------------------------------------------ reviews
    Case(
        "review-sample",
        "review",
        "a monthly review of the sample (period_review only)",
        nothing,
        _review(*FAST_REVIEW),
        0,
        (r"Review published: .*monthly/2026-04/index\.html",),
        check=_review_published,
        slow=True,
    ),
    Case(
        "review-notebook-fails",
        "review",
        "a notebook that raises (`KPI_PROJECT_ROOT` names a folder holding it): the failure is kept",
        _failing_notebook,
        _review(*FAST_REVIEW),
        1,
        (
            r"Notebook `period_review` failed at .*Nothing was published; the failed notebook is kept in",
        ),
        check=_failed_notebook_kept,
        slow=True,
    ),
    Case(
        "review-lock-held",
        "review",
        "another run holds the period's lock",
        _lock_held,
        _review(*FAST_REVIEW),
        1,
        (r"Another review of monthly 2026-04 is running",),
        check=_not_written("rep/monthly/2026-04"),
    ),
    Case(
        "review-calls-empty",
        "cli",
        "a review of a dataset whose calls file has a header only: a 'no usable calls' page",
        dataset({"calls": text("calls").head(0)}),
        _review("--dataset", "{ds}", *FAST_REVIEW),
        3,
        (r"no usable calls in monthly 2026-04 \(empty: 0 calls read", r"published: .*index\.html"),
        check=_no_calls_published("2026-04", "empty"),
    ),
    Case(
        "review-calls-all-quarantined",
        "cli",
        "every call quarantined (an unknown agent): the page lists the reason with its count",
        dataset({"calls": text("calls").assign(agent_id="A9999")}),
        _review("--dataset", "{ds}", "--period", "2026-03", *FAST_REVIEW),
        3,
        (r"no usable calls in monthly 2026-03 \(quarantined: 60576 calls read, 0 used, 60576",),
        quarantined={"calls": 60576},
        check=_no_calls_published("2026-03", "quarantined"),
    ),
    Case(
        "review-no-calls-in-period",
        "cli",
        "calls in every month but 2026-02, the period asked for: a 'no usable calls' page",
        dataset({"calls": _calls_outside("2026-02")}),
        _review("--dataset", "{ds}", "--period", "2026-02", *FAST_REVIEW),
        3,
        (r"no usable calls in monthly 2026-02 \(none_in_period",),
        check=_no_calls_published("2026-02", "none_in_period"),
    ),
]


# ---------------------------------------------------------------------------------- document


def _readable(pattern: str) -> str:
    shown = pattern.replace(".*", " … ").replace(r"\s+", " ").replace(r"\d+", "N")
    return re.sub(r"\\(.)", r"\1", shown).replace("|", "\\|")


def _code(text: str) -> str:
    """``text`` as a Markdown code span (double backticks when it holds one)."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def outcome(case: Case) -> str:
    """The expected outcome of ``case`` in words."""
    parts = [f"exit {case.exit_code}"]
    if case.message:
        parts.append("; ".join(_code(_readable(p)) for p in case.message[:2]))
    if case.reasons:
        parts.append("quarantined: " + ", ".join(_code(_readable(p)) for p in case.reasons))
    elif case.reasons == ():
        parts.append("nothing quarantined")
    if case.warns:
        parts.append(f"warning {_code(_readable(case.warns))}")
    if case.xfail:
        parts.append(f"**defect (xfail)**: {case.xfail}")
    return "; ".join(parts)


def markdown_table() -> str:
    """The table of every case, one section per group."""
    lines = []
    for group, title in GROUPS.items():
        cases = [c for c in CASES if c.group == group]
        lines += [
            f"### {title} ({len(cases)})",
            "",
            "| id | what | command | expected |",
            "|---|---|---|---|",
        ]
        for c in cases:
            command = c.command.replace("|", "\\|")
            lines.append(
                f"| `{c.id}` | {c.what.replace('|', '/')} | {_code(command)} | {outcome(c)} |"
            )
        lines.append("")
    return "\n".join(lines)


INTRO = """\
# Reliability: the corpus of bad inputs

<!-- generated by `python tests/corpus/build.py --doc` from tests/corpus/build.py; tests/test_corpus.py fails if this file differs -->

The workbench is tried against a permanent corpus of bad inputs: datasets derived from the
shipped sample (`kpi_lib/datasets/sample`, 24 agents x 6 months) with one fault each, bad YAML
files (dataset.yaml, weight schemes, mappings, review params, definitions), command-line
misuses, attacks, and reviews that succeed, fail or meet a lock. `tests/corpus/build.py` builds
each case into a temporary folder and runs its `kpi` command in-process;
`tests/test_corpus.py` checks the outcome (`python tests/corpus/build.py OUT` builds them all
into `OUT/<id>/` to try by hand).

What every case asserts:

- **the exit code**: 0 done, 1 a review failed (a notebook, the period lock), 2 a user error,
  3 a review found no usable calls in its period and published a page saying so (nothing
  scored; see [reviews.md](reviews.md#exit-codes) and "No usable calls" below);
- **the message**: each expected fragment (a regular expression) is printed; an error is one
  paragraph starting `error:` on stderr (argparse's usage for a malformed command line), never
  a traceback;
- **the quarantine**: for a dataset that loads, the quarantine reasons are exactly the expected
  ones, with the raw values, and the rows set aside per table are as expected;
- **the row accounting**: for every dataset the command loaded, rows read = rows used + rows
  quarantined for every table, and rows read equals the rows written into the file;
- **nothing written on error**: an output named with `--out` or `--quarantine-out` does not
  exist after exit code 2.

The guarantees behind them: bad rows go to the quarantine with the raw value and the reason;
structural problems stop the load with one error naming the table, the column and the fix;
values reaching SQL are bound (a crafted timezone is an error and nothing is written); text
written to CSV that starts like a formula (`=`, `+`, `-`, `@`) gets a leading apostrophe;
implausible values (non-finite numbers, durations above `max_duration_s`, timestamps after the
export or before `earliest`, targets for unknown periods or indicators, thresholds on the wrong
side) are quarantined; day/month orders are never guessed. A case that shows a defect is marked
**defect (xfail)** below and in the test (`xfail(strict=True)`), so the test starts failing,
as a reminder to remove the mark, once the defect is fixed.

## No usable calls

A period without a usable call is a state of the data (an export that ran empty, a dialler
change that makes every row fail a check, a month with no calling), not a user error and not a
crash: `kpi review` publishes `<out>/<cycle>/<period>/` with `index.html`, `no_calls.html` and
`manifest.json` (`status: no_usable_calls`), and exits with **3**, so that a cron job can tell
"published, nothing scored" from 0 (a scored review), 1 (a failed run) and 2 (a user error).
The page, in the review's language, says why (the calls file has no rows, every call was set
aside, every call was filtered at import, the import mapping declared calls empty, or the data
hold calls but none in the period), shows rows read / used / set aside / filtered per table and
every quarantine reason with its count, and what to do. No ranking, bonus, improvement-plan or
coaching decision is taken. Without `--period` the period is the latest one holding rows of any
other table (else the last complete period before today).

- It never replaces a scored report already published for the period: that report is kept,
  nothing is written, and the exit code is still 3.
- A period outside the span of the data (no row of any table in it) stays a user error
  (exit 2, "Period ... is not in dataset"): most likely a typo.
- A scheme that leaves **nothing to score** on this data (every weighted indicator needs a
  table the dataset lacks) stays a user error (exit 2, "nothing is left to score"): it is a
  mismatch between the scheme and the export that every period would repeat, fixed by choosing
  or writing another scheme (docs/schemes.md), not a state of one period's data; a page every
  month would hide it from the cron log.

"""


def document() -> str:
    """The whole of docs/reliability.md."""
    counts = ", ".join(f"{sum(c.group == g for c in CASES)} {g}" for g in GROUPS)
    return f"{INTRO}## Cases\n\n{len(CASES)} cases: {counts}.\n\n{markdown_table()}"


def main(argv: list[str]) -> int:
    if argv[:1] == ["--doc"]:
        sys.stdout.write(document())
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(argv[0])
    for case in CASES:
        (root / case.id).mkdir(parents=True, exist_ok=True)
        built = case.build(root / case.id)
        env = "".join(f"{k}={shlex.quote(v)} " for k, v in built.env.items())
        argv_ = " ".join(shlex.quote(w.format(**built.fill)) for w in case.argv)
        print(f"{case.id}: {env}kpi {argv_}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
