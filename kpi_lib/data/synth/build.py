"""The entry point: :func:`generate` writes a complete synthetic dataset folder."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kpi_lib._util import check_option, write_csv
from kpi_lib.data.contract import CONTRACT
from kpi_lib.data.synth.activities import proposals_arrow, trainings_arrow
from kpi_lib.data.synth.agents import agents_arrow, make_agents
from kpi_lib.data.synth.arrow import STREAM_SCHEMAS, ParquetStream, write_table
from kpi_lib.data.synth.calls import REVIEWERS, simulate_chunk, write_chunk
from kpi_lib.data.synth.dates import DAY0, dials_raise_month, holiday_days, month_start_days
from kpi_lib.data.synth.orders import complaints_arrow, orders_and_complaints, orders_arrow
from kpi_lib.data.synth.planted import planted_record
from kpi_lib.data.synth.presets import PRESETS
from kpi_lib.data.synth.targets import targets_arrow

__all__ = ["GENERATOR_VERSION", "generate"]


GENERATOR_VERSION = 1


def _finish_files(out: Path, keep, drop, file_format: str) -> dict:
    """Remove the tables in ``drop``; convert the kept Parquet files to CSV or one workbook.
    Returns ``{table: file}``."""
    for t in drop:
        (out / f"{t}.parquet").unlink(missing_ok=True)
    for suffix in (".csv", ".xlsx"):  # files of an earlier run in another format
        for t in CONTRACT:
            (out / f"{t}{suffix}").unlink(missing_ok=True)
    (out / "dataset.xlsx").unlink(missing_ok=True)
    if file_format == "parquet":
        return {t: out / f"{t}.parquet" for t in keep}
    if file_format == "csv":
        files = {}
        for t in keep:
            src = out / f"{t}.parquet"
            files[t] = write_csv(pd.read_parquet(src), out / f"{t}.csv")
            src.unlink()
        return {t: Path(f) for t, f in files.items()}
    book = out / "dataset.xlsx"
    frames = {t: pd.read_parquet(out / f"{t}.parquet") for t in keep}
    too_big = [t for t, df in frames.items() if len(df) > 1_048_575]
    if too_big:
        raise ValueError(
            f"Table(s) {too_big} have more rows than an .xlsx sheet holds (1,048,575); use "
            "file_format='parquet' or 'csv', or fewer agents or months."
        )
    with pd.ExcelWriter(book, engine="openpyxl") as xw:
        for t, df in frames.items():
            df.to_excel(xw, sheet_name=t, index=False)
    for t in keep:
        (out / f"{t}.parquet").unlink()
    return dict.fromkeys(keep, book)


#: columns of the shock array: log dials, connect logit, log talk time, conversion logit,
#: satisfaction (score points) and log complaint probability
SHOCK_COLUMNS = ("dials", "connect", "talk", "conversion", "satisfaction", "complaint")


def _add_shocks(ag, cfg, seed, n_teams, months) -> None:
    """Month and team-month shocks and the agents' complaint propensity (presets ``null`` and
    ``power``), from their own random stream so that other presets stay byte-identical."""
    k = len(SHOCK_COLUMNS)
    shock = np.zeros((n_teams, months, k))
    complaint = np.zeros(len(ag["team"]))
    if cfg.month_shock_sd or cfg.team_month_shock_sd or cfg.complaint_sd:
        rng = np.random.default_rng([seed, 0, 2])
        # satisfaction is on the score scale: its shocks are a third of the others
        scale = np.array([1.0, 1.0, 0.5, 1.0, 1.0, 1.5])
        common = rng.normal(0, cfg.month_shock_sd, (months, k)) * scale
        team = rng.normal(0, cfg.team_month_shock_sd, (n_teams, months, k)) * scale
        shock = common[None, :, :] + team
        complaint = rng.normal(0, cfg.complaint_sd, len(ag["team"]))
    ag["shock"] = shock
    ag["eff"]["complaint"] = complaint
    ag["padding_from_month"] = months - cfg.padding_months if cfg.padding_months is not None else 0


def generate(
    out_dir,
    *,
    agents: int | None = None,
    months: int = 12,
    seed: int = 7,
    start: str = "2025-11",
    preset: str = "default",
    chunk_calls: int = 2_000_000,
    scheme_change: str | None = "preset",
    timezone: str = "Asia/Shanghai",
    teams: int | None = None,
    reviewers: int | None = None,
    without: Sequence[str] = (),
    file_format: str = "parquet",
    end_day: int | None = None,
) -> pd.DataFrame:
    """Generate a synthetic telesales dataset with planted behaviours.

    Parameters
    ----------
    out_dir : str or Path
        Folder to write (created if needed; existing table files are overwritten).
    agents : int, optional
        Number of agents; default 200 for ``preset="default"`` and 60 for ``"case_study"``.
    months : int
        Number of calendar months covered, starting at ``start``.
    seed : int
        Random seed; the same parameters give byte-identical files.
    start : str
        First month, ``YYYY-MM``.
    preset : {"default", "case_study"}
        ``default``: 8 teams at different stages with every planted behaviour;
        ``case_study``: the DOMAIN.md education-company case (two treated teams and one
        comparison team, no gaming behaviours).
    chunk_calls : int
        Upper bound on the calls generated in memory at once.
    scheme_change : str or None
        Date (``YYYY-MM-DD``) the treated teams switch from the volume-push scheme to the
        balanced scheme; ``None`` for no change; ``"preset"`` (default) for the preset's own
        date (2026-06-01 for ``default``, 2026-04-01 for ``case_study``, which is how
        ``data/case_study`` was made).
    timezone : str
        IANA timezone recorded in ``dataset.yaml``; timestamps are naive wall-clock times there.
    teams : int, optional
        Number of teams (default: the preset's); the preset's team stages are repeated in
        order, and its comparison and stretch teams kept when they exist.
    reviewers : int, optional
        Number of human QA reviewers, 1-4 (default 4; the second is the lenient one).
    without : list of str
        Optional contract tables not to write (e.g. ``["surveys", "qa_reviews"]``), for a
        matrix of datasets that lack some tables.
    file_format : {"parquet", "csv", "xlsx"}
        One Parquet or CSV file per table, or one workbook ``dataset.xlsx`` with a sheet per
        table (at most 1,048,575 rows per table).
    end_day : int, optional
        Last day of the data in the last month (1-31; default: the whole month), so that
        the last period is partial, as in a mid-month export.

    Returns
    -------
    pandas.DataFrame
        One row per file written: ``table`` (contract table name, ``dataset.yaml`` or
        ``PLANTED.json``), ``rows`` (rows written; 0 for the metadata files), ``file`` (path)
        and ``bytes`` (file size).

    Notes
    -----
    The model and every planted behaviour, with its parameters, are described in
    ``docs/synthetic-data.md``; the agents that carry each behaviour and the realised
    before/after values of the scheme change are in ``PLANTED.json``.
    """
    check_option("preset", preset, list(PRESETS))
    cfg = PRESETS[preset]
    sc = cfg.scheme_parameters()
    if scheme_change == "preset":
        scheme_change = cfg.scheme_change
    n_agents = cfg.agents if agents is None else int(agents)
    if n_agents < 8:
        raise ValueError(f"`agents` must be at least 8, but {n_agents} was passed.")
    if int(months) < 1:
        raise ValueError(f"`months` must be at least 1, but {months} was passed.")
    if int(chunk_calls) < 10_000:
        raise ValueError(f"`chunk_calls` must be at least 10000, but {chunk_calls} was passed.")
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(start)):
        raise ValueError(f"`start` must be a month such as '2025-11', but {start!r} was passed.")
    months = int(months)
    check_option("file_format", file_format, ["parquet", "csv", "xlsx"])
    optional = [t for t, spec in CONTRACT.items() if not spec.required]
    without = [without] if isinstance(without, str) else list(without)
    for t in without:
        check_option("without", t, optional)
    if teams is not None:
        if not 1 <= int(teams) <= n_agents:
            raise ValueError(f"`teams` must be between 1 and `agents`, but {teams} was passed.")
        k = int(teams)
        stages = tuple(cfg.team_stages[i % len(cfg.team_stages)] for i in range(k))
        cfg = dataclasses.replace(
            cfg,
            team_stages=stages,
            comparison_teams=tuple(t for t in cfg.comparison_teams if t < k),
            stretch_teams=tuple(t for t in cfg.stretch_teams if t < k),
        )
    if reviewers is not None and not 1 <= int(reviewers) <= len(REVIEWERS):
        raise ValueError(
            f"`reviewers` must be between 1 and {len(REVIEWERS)}, but {reviewers} was passed."
        )
    if end_day is not None and not 1 <= int(end_day) <= 31:
        raise ValueError(f"`end_day` must be a day of the month 1-31, but {end_day} was passed.")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    month_starts = month_start_days(start, months)
    first_day, end_excl = month_starts[0], month_starts[-1]
    if end_day is not None:
        end_excl = min(end_excl, month_starts[-2] + int(end_day))
    last_day = end_excl - 1
    change_day = None
    if scheme_change is not None:
        try:
            change_day = np.datetime64(pd.Timestamp(scheme_change).date(), "D").astype("int64")
        except (ValueError, TypeError):
            raise ValueError(
                f"`scheme_change` must be a date such as '2026-06-01' or None, but {scheme_change!r} was passed."
            ) from None
    raise_month = dials_raise_month(month_starts, change_day)

    rng0 = np.random.default_rng([seed, 0, 0])
    ag = make_agents(rng0, cfg, n_agents, first_day, last_day)
    if reviewers is not None:
        ag["reviewers"] = REVIEWERS[: int(reviewers)]
    n_teams = len(cfg.team_stages)
    _add_shocks(ag, cfg, seed, n_teams, months)
    team_ids = np.array([f"T{t + 1:02d}" for t in range(n_teams)])
    treated_team = np.ones(n_teams, bool)
    treated_team[list(cfg.comparison_teams)] = False
    agent_treated = treated_team[ag["team"]]
    agent_ids = np.array([f"A{i + 1:04d}" for i in range(n_agents)])
    holidays = holiday_days(range(int(str(first_day)[:4]), int(str(last_day)[:4]) + 1))

    streams = {
        name: ParquetStream(out / f"{name}.parquet", schema)
        for name, schema in STREAM_SCHEMAS.items()
    }
    counters = {"call": 0, "lead": 0, "survey": 0, "review": 0}
    order_parts = []
    # per agent x month accumulators (for PLANTED.json realised values and for targets)
    acc = {
        k: np.zeros((n_agents, months))
        for k in (
            "dials",
            "days",
            "served",
            "connects",
            "effective",
            "in_window",
            "connected_150_250",
            "surveys",
            "sat",
            "short",
        )
    }

    for m in range(months):
        m_start, m_end = month_starts[m], min(month_starts[m + 1], end_excl)
        days = np.arange(m_start, m_end, dtype="datetime64[D]")
        days = days[np.is_busday(days, holidays=holidays)]
        if len(days) == 0:
            continue
        per_agent = len(days) * cfg.base_dials * 1.5
        group = max(1, int(chunk_calls // per_agent))
        calendar_month = int(str(m_start)[5:7])
        for g, a0 in enumerate(range(0, n_agents, group)):
            rng = np.random.default_rng([seed, m + 1, g])
            a_idx = np.arange(a0, min(n_agents, a0 + group))
            parts = simulate_chunk(
                rng,
                a_idx,
                days,
                m,
                calendar_month,
                ag,
                agent_treated,
                change_day,
                raise_month,
                cfg,
                sc,
                counters,
                acc,
            )
            write_chunk(streams, parts, agent_ids, counters)
            order_parts.append(parts["orders"])
    for s in streams.values():
        s.close()

    rng_end = np.random.default_rng([seed, 0, 1])
    end_s = (end_excl - DAY0).astype("int64") * 86400
    orders, complaints, cust_stats = orders_and_complaints(rng_end, order_parts, ag, sc, end_s)
    agents_table = agents_arrow(ag, agent_ids, team_ids, last_day)
    trainings = trainings_arrow(rng_end, ag, agent_ids, month_starts, agent_treated, change_day)
    proposals = proposals_arrow(rng_end, ag, agent_ids, month_starts)
    targets = targets_arrow(
        ag,
        agent_ids,
        team_ids,
        month_starts,
        orders,
        acc,
        cfg,
        sc,
        raise_month,
        agent_treated,
        change_day,
    )

    written = {name: s.rows for name, s in streams.items()}
    small_tables = {
        "agents": agents_table,
        "orders": orders_arrow(orders, agent_ids),
        "complaints": complaints_arrow(complaints, agent_ids),
        "trainings": trainings,
        "proposals": proposals,
        "targets": targets,
    }
    for name, table in small_tables.items():
        write_table(out / f"{name}.parquet", table)
        written[name] = table.num_rows

    params = {
        "agents": n_agents,
        "months": months,
        "seed": int(seed),
        "start": str(start),
        "preset": preset,
        "chunk_calls": int(chunk_calls),
        "scheme_change": scheme_change,
        "timezone": timezone,
    }
    # the variety options are recorded only when used, so that committed datasets made
    # before they existed are still reproduced byte for byte
    variety = {
        "teams": None if teams is None else int(teams),
        "reviewers": None if reviewers is None else int(reviewers),
        "without": without or None,
        "file_format": None if file_format == "parquet" else file_format,
        "end_day": None if end_day is None else int(end_day),
    }
    params.update({k: v for k, v in variety.items() if v is not None})
    meta = {
        "name": f"synthetic-{preset}-seed{seed}",
        "timezone": timezone,
        "seed": int(seed),
        "preset": preset,
        "generator": "kpi_lib.data.synth.generate",
        "generator_version": GENERATOR_VERSION,
        "parameters": params,
        "period": {"first_day": str(first_day), "last_day": str(last_day)},
    }
    (out / "dataset.yaml").write_text(
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    planted = planted_record(
        ag,
        agent_ids,
        team_ids,
        treated_team,
        agent_treated,
        change_day,
        raise_month,
        month_starts,
        acc,
        orders,
        complaints,
        cust_stats,
        params,
        sc,
    )
    (out / "PLANTED.json").write_text(
        json.dumps(planted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )

    files = _finish_files(out, [t for t in CONTRACT if t not in without], without, file_format)
    rows = [{"table": t, "rows": int(written[t]), "file": str(f)} for t, f in files.items()]
    rows += [
        {"table": f, "rows": 0, "file": str(out / f)} for f in ("dataset.yaml", "PLANTED.json")
    ]
    summary = pd.DataFrame(rows)
    summary["bytes"] = [Path(f).stat().st_size for f in summary["file"]]
    return summary
