"""The ``kpi`` command: validate, synthesise, import, inspect and run period reviews.

Every sub-command is a thin wrapper over a ``kpi_lib`` function, so what a scheduler runs is
exactly what an analyst calls in a notebook.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

__all__ = ["main", "build_parser"]


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
    from kpi_lib.data.load import DatasetError, load_dataset

    try:
        ds = load_dataset(args.dataset, timezone=args.timezone)
    except DatasetError as exc:
        print(exc, file=sys.stderr)
        return 2
    report = ds.load_report
    _print_table(report[report.reason == ""].drop(columns=["reason", "rows"]), title="Load report")
    reasons = report[report.reason != ""][["table", "reason", "rows"]]
    _print_table(reasons, title="\nQuarantined rows by reason")
    if args.quarantine_out:
        ds.quarantine.to_csv(args.quarantine_out, index=False)
        print(f"\nQuarantine written to {args.quarantine_out}")
    return 0


def _cmd_synth(args) -> int:
    from kpi_lib.data.synth import generate

    summary = generate(
        args.out,
        agents=args.agents,
        months=args.months,
        seed=args.seed,
        start=args.start,
        preset=args.preset,
        **({"scheme_change": args.scheme_change} if args.scheme_change else {}),
    )
    _print_table(summary, title=f"Dataset written to {args.out}")
    return 0


def _cmd_contract(args) -> int:
    from kpi_lib.data.contract import contract_markdown

    print(contract_markdown())
    return 0


def _cmd_indicators(args) -> int:
    from kpi_lib.indicators.catalogue import catalogue_markdown, catalogue_table

    if args.markdown:
        print(catalogue_markdown())
    else:
        _print_table(catalogue_table(language=args.language))
    return 0


def _cmd_compute(args) -> int:
    from kpi_lib.data.load import load_dataset
    from kpi_lib.indicators.engine import compute_indicators

    ds = load_dataset(args.dataset)
    table = compute_indicators(ds, granularity=args.granularity, level=args.level)
    if args.out:
        out = Path(args.out)
        if out.suffix == ".parquet":
            table.to_parquet(out, index=False)
        else:
            table.to_csv(out, index=False)
        print(f"{len(table)} rows written to {out}")
    else:
        _print_table(table.head(50))
    return 0


def _cmd_scheme_check(args) -> int:
    from kpi_lib.scoring.schemes import load_scheme, review_scheme

    available = None
    if args.dataset:
        from kpi_lib.data.load import load_dataset
        from kpi_lib.indicators.engine import unavailable_indicators

        ds = load_dataset(args.dataset)
        from kpi_lib.indicators.catalogue import CATALOGUE

        missing = set(unavailable_indicators(ds)["indicator"])
        available = [i for i in CATALOGUE if i not in missing]
    try:
        scheme = load_scheme(args.file)
    except (ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    findings = review_scheme(scheme, available=available)
    _print_table(findings, title=f"Scheme review: {args.file}")
    return 1 if (findings["severity"] == "error").any() else 0


def _cmd_import(args) -> int:
    from kpi_lib.data.load import DatasetError
    from kpi_lib.data.mapping import import_export, load_mapping

    try:
        result = import_export(load_mapping(args.mapping), args.source, args.out)
    except (DatasetError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_table(result.balance, title="Every source row accounted for")
    _print_table(result.accounting, title="\nSource rows by stage and rule")
    report = result.dataset.load_report
    _print_table(
        report[report.reason == ""].drop(columns=["reason", "rows"]), title="\nLoad report"
    )
    _print_table(report[report.reason != ""][["table", "reason", "rows"]], title="\nQuarantined")
    print(f"\nContract dataset written to {args.out}")
    return 0


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
    print(f"Review published: {result.index_html}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi", description="Telesales KPI workbench: data, indicators, scoring and reviews."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="load a dataset folder and print the load report")
    p.add_argument("dataset", help="dataset folder")
    p.add_argument("--timezone", default=None, help="override the dataset timezone")
    p.add_argument("--quarantine-out", default=None, help="write quarantined rows to this CSV")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("synth", help="generate a synthetic dataset in the contract")
    p.add_argument("--agents", type=int, default=None, help="default: 200 (60 for case_study)")
    p.add_argument("--months", type=int, default=12)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--start", default="2025-11", help="first month, YYYY-MM")
    p.add_argument("--preset", default="default", help="default | case_study")
    p.add_argument("--scheme-change", default=None, help="date of the planted scheme change")
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
    p.add_argument("--out", default=None, help="write to .csv or .parquet")
    p.set_defaults(func=_cmd_compute)

    p = sub.add_parser("scheme", help="weight schemes")
    scheme_sub = p.add_subparsers(dest="scheme_command", required=True)
    c = scheme_sub.add_parser("check", help="review a scheme against the design principles")
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
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
