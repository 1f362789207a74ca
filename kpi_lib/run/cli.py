"""The ``kpi`` command: validate, synthesise, import, inspect and run period reviews.

Every sub-command is a thin wrapper over a ``kpi_lib`` function, so what a scheduler runs is
exactly what an analyst calls in a notebook. A user error (bad option, missing or unreadable
file, dataset or scheme that cannot be used, output folder that cannot be written) is printed
as one paragraph starting ``error:`` with exit code 2; ``kpi --debug ...`` shows the traceback
instead. Exit code 1 is kept for a review that failed (a notebook, the period lock).
"""

from __future__ import annotations

import argparse
import errno
import sys
from pathlib import Path

import pandas as pd
import yaml

from kpi_lib._util import check_option, write_csv

__all__ = [
    "main",
    "build_parser",
    "EXIT_OK",
    "EXIT_REVIEW_FAILED",
    "EXIT_USER_ERROR",
    "EXIT_NOTHING_TO_SCORE",
]

#: Exit code: the command did what was asked.
EXIT_OK = 0
#: Exit code: a review notebook failed or another run of the same period holds the lock.
EXIT_REVIEW_FAILED = 1
#: Exit code: a user error (bad option, file, folder, dataset, scheme or mapping).
EXIT_USER_ERROR = 2
#: Exit code: ``kpi review`` found no usable calls in the period and published a page saying so
#: (or kept the scored report already published): nothing was scored.
EXIT_NOTHING_TO_SCORE = 3

#: Exceptions that are the user's to fix: printed as ``error: ...`` with exit code 2. The
#: project's own errors (DatasetError, SpecError, MappingError) are ValueErrors.
USER_ERRORS = (ValueError, KeyError, OSError, yaml.YAMLError)

_EPILOG = """\
exit codes:
  0  done
  1  kpi review: a notebook failed (nothing new published) or another run of the
     same period holds the lock
  2  user error: a bad option, a missing or unreadable input, a dataset, scheme or
     mapping that cannot be used, an output that cannot be written, or `kpi scheme
     check` found errors. One paragraph starting "error:" is printed, no traceback
     (add --debug for it). A malformed command line prints argparse's usage.
  3  kpi review: no usable calls in the period (an empty or fully quarantined calls
     table, or none in the period asked for): a "no usable calls" page with the row
     accounting was published instead of the review (or the scored report already
     published for the period was kept). Nothing was scored.

Output files (--out, --quarantine-out) get their parent folders created. CSV
output neutralises spreadsheet formulas: text starting with = + - @ (or a tab or
carriage return) is written with a leading apostrophe.
"""


def error_message(exc: BaseException) -> str:
    r"""The one paragraph ``kpi`` prints for a user error (without the ``error:`` prefix).

    Examples
    --------
    >>> error_message(KeyError("Unknown scheme 'x'."))
    "Unknown scheme 'x'."
    >>> error_message(PermissionError(13, "Permission denied", "/srv/kpi/out.csv"))
    '/srv/kpi/out.csv: Permission denied; check that you may read or write there.'
    >>> print(error_message(ValueError("Mapping is not valid: 2 problem(s).\n  - a\n  - b")))
    Mapping is not valid: 2 problem(s).
      - a
      - b
    """
    if isinstance(exc, KeyError) and len(exc.args) == 1 and isinstance(exc.args[0], str):
        text = exc.args[0]
    elif isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
        if exc.errno == errno.ENOSPC:
            text += "; free some space on that disk or choose another folder."
        elif isinstance(exc, PermissionError):
            text += "; check that you may read or write there."
        else:
            text += "."
    elif isinstance(exc, yaml.YAMLError):
        text = f"not valid YAML: {exc}"
    else:
        text = str(exc) or type(exc).__name__
    # One paragraph: a wrapped message (a YAML parser's) is joined into one line; the
    # "  - problem" lists of DatasetError and MappingError keep one line per problem.
    lines: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or set(line) <= set("^~"):  # blank, or a YAML parser's column marker
            continue
        if line.startswith("- "):
            lines.append(f"  {line}")
        elif lines:
            lines[-1] += f" {line}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _output_file(path: str, *, option: str, suffixes: tuple[str, ...] | None = None) -> Path:
    """Check an output file option before any work is done (see :func:`_write_csv`)."""
    out = Path(path).expanduser()
    if out.is_dir():
        raise IsADirectoryError(
            f"`{option}` {path!r} is a folder; give a file name such as "
            f"{str(out / ('out' + (suffixes[0] if suffixes else '.csv')))!r}."
        )
    if suffixes is not None and out.suffix.lower() not in suffixes:
        raise ValueError(
            f"`{option}` must be a file ending in {' or '.join(suffixes)}, but {path!r} was passed."
        )
    return out


def _write_csv(df: pd.DataFrame, out: Path) -> None:
    """Write ``df`` for spreadsheets: parent folders created, formula prefixes neutralised."""
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(df, out)


def _print_table(df: pd.DataFrame, *, title: str | None = None) -> None:
    if title:
        print(title)
    if df.empty:
        print("  (none)")
        return
    with pd.option_context(
        "display.max_rows", 500, "display.max_columns", 50, "display.width", 200
    ):
        print(df.to_string(index=False))


def _cmd_validate(args) -> int:
    from kpi_lib.data.load import load_dataset

    out = (
        _output_file(args.quarantine_out, option="--quarantine-out")
        if args.quarantine_out
        else None
    )
    from kpi_lib.indicators.catalogue import CATALOGUE

    ds = load_dataset(args.dataset, timezone=args.timezone, indicators=CATALOGUE)
    report = ds.load_report
    _print_table(report[report.reason == ""].drop(columns=["reason", "rows"]), title="Load report")
    reasons = report[report.reason != ""][["table", "reason", "rows"]]
    _print_table(reasons, title="\nQuarantined rows by reason")
    if out is not None:
        _write_csv(ds.quarantine, out)
        print(f"\nQuarantine written to {out}")
    return EXIT_OK


def _cmd_synth(args) -> int:
    from kpi_lib.data.synth import generate

    summary = generate(
        args.out,
        agents=args.agents,
        months=args.months,
        seed=args.seed,
        start=args.start,
        preset=args.preset,
        teams=args.teams,
        reviewers=args.reviewers,
        without=[t.strip() for t in (args.without or "").split(",") if t.strip()],
        file_format=args.format,
        end_day=args.end_day,
        **({"scheme_change": args.scheme_change} if args.scheme_change else {}),
    )
    _print_table(summary, title=f"Dataset written to {args.out}")
    return EXIT_OK


def _cmd_contract(args) -> int:
    from kpi_lib.data.contract import contract_markdown

    print(contract_markdown())
    return EXIT_OK


def _cmd_indicators(args) -> int:
    from kpi_lib.indicators.catalogue import catalogue_markdown, catalogue_table

    if args.markdown:
        print(catalogue_markdown())
    else:
        _print_table(catalogue_table(language=args.language))
    return EXIT_OK


def _cmd_compute(args) -> int:
    from kpi_lib.data.load import load_dataset
    from kpi_lib.indicators import GRANULARITIES, LEVELS
    from kpi_lib.indicators.engine import compute_indicators

    check_option("granularity", args.granularity, GRANULARITIES)
    check_option("level", args.level, LEVELS)
    given = Path(args.out).expanduser() if args.out else None
    if given is not None and not given.exists() and not given.suffix:
        raise ValueError(
            f"`--out` {args.out!r} does not exist and is not a file name: give the file to "
            f"write, such as {str(given / 'indicators.csv')!r} (missing folders are created)."
        )
    out = _output_file(args.out, option="--out", suffixes=(".csv", ".parquet")) if given else None
    if out is not None:  # refused before the indicators are computed, made only to write
        blocker = next((p for p in out.parents if p.exists()), None)
        if blocker is not None and not blocker.is_dir():
            raise ValueError(f"`--out` {args.out!r}: {str(blocker)!r} is a file, not a folder.")
    from kpi_lib.indicators.catalogue import CATALOGUE

    ds = load_dataset(args.dataset, indicators=CATALOGUE)
    days = Path(getattr(ds, "source", None) or args.dataset) / "agent_days.parquet"
    if days.is_file():  # imported agent-day totals (docs/mappings.md): computed from them
        from kpi_lib.indicators.preaggregated import read_preaggregated

        base = "week" if args.granularity == "week" else "month"
        ds = read_preaggregated(days.parent, granularity=base)
        print(f"Indicators from the agent-day totals in {days}")
    table = compute_indicators(ds, granularity=args.granularity, level=args.level)
    if out is None:
        _print_table(table.head(50))
    elif out.suffix.lower() == ".parquet":
        out.parent.mkdir(parents=True, exist_ok=True)
        table.to_parquet(out, index=False)  # not a spreadsheet format: written as computed
        print(f"{len(table)} rows written to {out}")
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        _write_csv(table, out)
        print(f"{len(table)} rows written to {out}")
    return EXIT_OK


def _cmd_scheme_check(args) -> int:
    from kpi_lib.scoring.schemes import load_scheme, review_scheme

    scheme = load_scheme(args.file)
    available = None
    if args.dataset:
        from kpi_lib.data.load import load_dataset
        from kpi_lib.indicators.catalogue import CATALOGUE
        from kpi_lib.indicators.engine import unavailable_indicators

        ds = load_dataset(args.dataset)
        missing = set(unavailable_indicators(ds)["indicator"])
        available = [i for i in CATALOGUE if i not in missing]
    findings = review_scheme(scheme, available=available)
    _print_table(findings, title=f"Scheme review: {args.file}")
    errors = findings[findings["severity"] == "error"]
    if len(errors):
        print(
            f"error: the scheme has {len(errors)} error(s): {', '.join(sorted(set(errors['code'])))}"
            " (see the messages above).",
            file=sys.stderr,
        )
        return EXIT_USER_ERROR
    return EXIT_OK


def _cmd_import(args) -> int:
    from kpi_lib.data.mapping import import_export, load_mapping

    result = import_export(load_mapping(args.mapping), args.source, args.out)
    print(result.summary())  # rows and problems labelled apart (a row may have several)
    print(f"\nContract dataset written to {args.out}")
    return EXIT_OK


def _cmd_review(args) -> int:
    from kpi_lib.data.load import DatasetError
    from kpi_lib.review import REVIEW_SETTINGS, SpecError
    from kpi_lib.run.runner import ReviewFailed, run_review

    if args.list_settings:
        rows = [
            {
                "setting": key,
                "default": s.default,
                "allowed": ", ".join(map(str, s.choices)) if s.choices else s.kind.__name__,
                "meaning": s.help,
            }
            for key, s in REVIEW_SETTINGS.items()
        ]
        _print_table(pd.DataFrame(rows), title="Review settings (--set KEY=VALUE or params files)")
        print("Notebooks add settings of their own: see each notebook's parameters cell.")
        return 0

    overrides = {}
    for item in args.set or []:
        key, sep, value = item.partition("=")
        if not sep:
            print(f"error: --set expects KEY=VALUE, got {item!r}", file=sys.stderr)
            return 2
        overrides[key.strip()] = value
    try:
        result = run_review(
            params_files=args.params or [],
            period=args.period,
            cycle=args.cycle,
            dataset=args.dataset,
            overrides=overrides,
            output_root=args.out,
            notebooks=args.notebooks,
            progress=None if not args.quiet else False,
            jobs=args.jobs,
        )
    except ReviewFailed as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (SpecError, DatasetError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if result.manifest.get("status") == "no_usable_calls":
        facts = result.manifest["no_usable_calls"]
        where = (
            f"published: {result.index_html}"
            if result.manifest.get("published")
            else f"the scored report already published in {result.folder} is kept"
        )
        print(
            f"warning: no usable calls in {facts['cycle']} {facts['period']} ({facts['cause']}: "
            f"{facts['calls_read']} calls read, {facts['calls_used']} used, "
            f"{facts['calls_quarantined']} set aside, {facts['calls_filtered']} filtered); "
            f"nothing was scored; {where}. `kpi validate` lists every row set aside.",
            file=sys.stderr,
        )
        print(f"No usable calls, page {where}")
        return EXIT_NOTHING_TO_SCORE
    print(f"Review published: {result.index_html}")
    return 0


_DEBUG_HELP = "show the traceback of an error instead of the one-paragraph message"


class _SubParsers:
    """Adds sub-commands that all accept the options of ``common`` (``--debug``)."""

    def __init__(self, action, common: argparse.ArgumentParser):
        self._action, self._common = action, common

    def add_parser(self, name: str, **kwargs) -> argparse.ArgumentParser:
        return self._action.add_parser(name, parents=[self._common], **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi",
        description="Telesales KPI workbench: data, indicators, scoring and reviews.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--debug", action="store_true", help=_DEBUG_HELP)
    # --debug is also accepted after the sub-command; SUPPRESS keeps the global value when not.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=_DEBUG_HELP)
    sub = _SubParsers(parser.add_subparsers(dest="command", required=True), common)

    p = sub.add_parser("validate", help="load a dataset folder and print the load report")
    p.add_argument("dataset", help="dataset folder")
    p.add_argument("--timezone", default=None, help="override the dataset timezone")
    p.add_argument(
        "--quarantine-out",
        default=None,
        help="write quarantined rows to this CSV (parent folders are created)",
    )
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("synth", help="generate a synthetic dataset in the contract")
    p.add_argument("--agents", type=int, default=None, help="default: 200 (60 for case_study)")
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--start", default="2025-11", help="first month, YYYY-MM")
    p.add_argument("--preset", default="default", help="default | case_study | null | power")
    p.add_argument("--scheme-change", default=None, help="date of the planted scheme change")
    p.add_argument("--teams", type=int, default=None, help="number of teams (default: preset's)")
    p.add_argument("--reviewers", type=int, default=None, help="human QA reviewers, 1-4")
    p.add_argument(
        "--without", default=None, help="optional tables not to write, e.g. surveys,qa_reviews"
    )
    p.add_argument("--format", default="parquet", help="parquet | csv | xlsx")
    p.add_argument(
        "--end-day", type=int, default=None, help="last day of data in the last month (partial)"
    )
    p.add_argument("--out", required=True, help="output folder")
    p.set_defaults(func=_cmd_synth)

    p = sub.add_parser("contract", help="print the data contract (Markdown)")
    p.add_argument("--markdown", action="store_true", help="(default) Markdown output")
    p.set_defaults(func=_cmd_contract)

    p = sub.add_parser("indicators", help="print the indicator catalogue")
    p.add_argument("--language", default="en", help="en | zh-Hans | zh-Hant")
    p.add_argument("--markdown", action="store_true", help="print docs/indicators.md")
    p.set_defaults(func=_cmd_indicators)

    p = sub.add_parser("compute", help="compute the indicator table of a dataset")
    p.add_argument("dataset")
    p.add_argument("--granularity", default="month", help="week | month | quarter | year")
    p.add_argument("--level", default="agent", help="agent | team")
    p.add_argument(
        "--out", default=None, help="write to a .csv or .parquet file (parent folders are created)"
    )
    p.set_defaults(func=_cmd_compute)

    p = sub.add_parser("scheme", help="weight schemes")
    scheme_sub = _SubParsers(p.add_subparsers(dest="scheme_command", required=True), common)
    c = scheme_sub.add_parser(
        "check",
        help="review a scheme against the design principles (exit 2 when it has errors)",
    )
    c.add_argument("file", help="scheme YAML file or preset name")
    c.add_argument("--dataset", default=None, help="also check the dataset can provide it")
    c.set_defaults(func=_cmd_scheme_check)

    p = sub.add_parser("import", help="convert a team's own export into a contract dataset")
    p.add_argument("--mapping", required=True, help="mapping YAML (see docs/mappings.md)")
    p.add_argument("source", help="folder with the export files")
    p.add_argument("out", help="folder to write the contract dataset to")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser("review", help="run the period review notebooks and publish HTML")
    p.add_argument("--period", default=None, help="e.g. 2026-10; default: last complete period")
    p.add_argument("--cycle", default=None, help="weekly | monthly | quarterly | annual")
    p.add_argument("--params", action="append", help="YAML parameter file (repeatable, later wins)")
    p.add_argument("--dataset", default=None, help="dataset folder (overrides the params)")
    p.add_argument("--set", action="append", help="override one parameter: KEY=VALUE")
    p.add_argument("--out", default="reports", help="root folder of published reports")
    p.add_argument(
        "--notebooks", nargs="*", default=None, help="notebooks to run (default: from params)"
    )
    p.add_argument("--quiet", action="store_true", help="plain log lines, no progress bar")
    p.add_argument(
        "--jobs", type=int, default=None, help="notebooks run at once (default 2; 1 on one core)"
    )
    p.add_argument(
        "--list-settings", action="store_true", help="list every review setting and exit"
    )
    p.set_defaults(func=_cmd_review)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``kpi`` with ``argv`` (default: the command line) and return the exit code.

    A user error (:data:`USER_ERRORS`) is printed to stderr as one paragraph starting
    ``error:`` and gives :data:`EXIT_USER_ERROR` (2); with ``--debug`` it is raised with its
    traceback instead. ``kpi review`` returns :data:`EXIT_REVIEW_FAILED` (1) itself.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or EXIT_OK)
    except USER_ERRORS as exc:
        if args.debug:
            raise
        print(f"error: {error_message(exc)}", file=sys.stderr)
        return EXIT_USER_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
