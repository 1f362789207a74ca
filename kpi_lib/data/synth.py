"""Synthetic telesales data with planted, documented behaviours.

:func:`generate` writes a dataset folder in the data contract (one Parquet file per table,
``dataset.yaml`` and ``PLANTED.json``). Every behaviour an analysis should find is planted on
purpose, with its parameters and the agents it affects written to ``PLANTED.json`` so tests
and notebooks can check that it is recovered. ``docs/synthetic-data.md`` describes the model.

The calls table (and the tables derived call by call: leads, surveys, qa_reviews) is
generated one chunk (one month x a group of agents) at a time and streamed to Parquet, so
memory stays bounded for tens of millions of calls. Every chunk has its own random stream
seeded from ``(seed, month, chunk)``: the same parameters give byte-identical files.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import yaml

from kpi_lib._util import check_option

__all__ = ["generate", "PRESETS"]

GENERATOR_VERSION = 1

# ----------------------------------------------------------------------------- constants

_SOURCES = np.array(["referral", "inbound_form", "webinar", "ads", "purchased_list"])
_SOURCES_PA = pa.array(_SOURCES)
_SOURCE_P = np.array([0.08, 0.20, 0.12, 0.35, 0.25])
_SOURCE_INVALID = np.array([0.01, 0.03, 0.04, 0.08, 0.18])
_SOURCE_CONNECT_LOGIT = np.array([0.6, 0.2, 0.0, -0.4, -0.9])
_SOURCE_QUALITY = np.array([0.6, 0.35, 0.25, 0.0, -0.35])

_OUTCOMES = np.array(["connected", "no_answer", "busy", "invalid_number", "rejected"])
_OUTCOMES_PA = pa.array(_OUTCOMES)
_CONNECTED, _NO_ANSWER, _BUSY, _INVALID, _REJECTED = range(5)

_REVIEWERS = ["qa_li", "qa_wang", "qa_zhang", "qa_chen"]
_REVIEWERS_PA = pa.array(["system", *_REVIEWERS])
# (probability a non-compliant call is caught, probability a compliant call is flagged,
#  probability a non-effective call is judged effective, probability an effective one is)
_REVIEWER_ACCURACY = {
    "system": (0.60, 0.02, 0.10, 0.93),
    "qa_li": (0.92, 0.03, 0.05, 0.95),
    "qa_wang": (0.45, 0.01, 0.30, 0.97),  # the lenient reviewer
    "qa_zhang": (0.88, 0.04, 0.07, 0.92),
    "qa_chen": (0.85, 0.05, 0.08, 0.90),
}

_SURNAMES = (
    "Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Gao Luo "
    "Zheng Liang Xie Song Tang Han Feng Deng Cao Peng"
).split()
_GIVEN = (
    "Wei Fang Na Min Jing Lei Yan Jie Tao Ming Chao Xia Ping Gang Hui Yu Lin Qiang Ying Hong "
    "Jun Bo Xin Hao Yue Ting Kai Rui Shan Dan Lan Fei Qing Ning Peng Xue Jian Li Zhen Yi"
).split()

_COMPLAINT_CATEGORIES = np.array(["over_promise", "service_attitude", "billing", "course_quality"])

# calls per dial attempt on one lead, on average (leads per agent-month = dials / this)
_DIALS_PER_LEAD = 2.6
_EFFECTIVE_S = 180


@dataclass(frozen=True)
class _Preset:
    """Structure and behaviour shares of a preset (see docs/synthetic-data.md)."""

    agents: int
    team_stages: tuple[str, ...]
    comparison_teams: tuple[int, ...]  # 0-based team positions that keep the old scheme
    base_dials: float = 24.0
    padders: float = 0.04
    over_promisers: float = 0.04
    small_sample: int = 5
    lucky_small_sample: int = 2
    selective_surveys: int = 2
    call_padders: float = 0.06
    stretch_teams: tuple[int, ...] = ()
    attrition: float = 0.06  # share of agents leaving in the second half of the range
    # (name, value) pairs replacing entries of SCHEME for this preset
    scheme: tuple[tuple[str, float], ...] = ()
    # the switch date used when the caller does not name one
    scheme_change: str = "2026-06-01"

    def scheme_parameters(self) -> dict:
        """:data:`SCHEME` with this preset's overrides applied."""
        unknown = [k for k, _ in self.scheme if k not in SCHEME]
        if unknown:
            raise KeyError(f"Unknown scheme parameter(s) {unknown}; known: {list(SCHEME)}.")
        return {**SCHEME, **dict(self.scheme)}


PRESETS: dict[str, _Preset] = {
    "default": _Preset(
        agents=200,
        team_stages=(
            "new",
            "new",
            "mature",
            "mature",
            "mature",
            "transforming",
            "transforming",
            "mature",
        ),
        comparison_teams=(7,),
        stretch_teams=(3,),
    ),
    "case_study": _Preset(
        agents=60,
        team_stages=("transforming", "transforming", "mature"),
        comparison_teams=(2,),
        padders=0.0,
        over_promisers=0.0,
        small_sample=0,
        lucky_small_sample=0,
        selective_surveys=0,
        call_padders=0.0,
        base_dials=23.0,
        # the same agents before and after, so the switch is not blurred by partial months
        attrition=0.0,
        # four months before the switch (the November peak aside) and six after
        scheme_change="2026-04-01",
        # calibrated (30 seeds) so that the before/after analysis with the switch on 2026-04-01
        # (before: Jan-Mar; after: May-Jul, after a settling-in month) recovers the DOMAIN.md
        # figures: complaints per 100 orders 15 -> 5, repurchase < 5 % -> 12 %, dials per
        # agent-month -10 %, effective-call rate +25 %, sales up (about +19 %)
        scheme=(
            ("dials_factor_after", 0.902),
            ("complaint_prob_before", 0.147),
            ("complaint_prob_after", 0.049),
            ("repurchase_prob_after", 0.125),
            ("amount_factor_after", 1.08),
        ),
    ),
}

# Scheme change: "before" follows the DOMAIN.md case study (volume push); "after" values are
# reached linearly over PHASE_IN_DAYS after the change date in treated teams.
SCHEME = {
    "phase_in_days": 30,
    "dials_factor_after": 0.90,
    "talk_median_factor_after": 1.10,
    "need_logit_shift_after": 0.47,
    "complaint_prob_before": 0.155,
    "complaint_prob_after": 0.045,
    "repurchase_prob_before": 0.04,
    "repurchase_prob_after": 0.12,
    "conversion_logit_shift_after": 0.16,
    "amount_factor_after": 1.05,
    "noncompliance_factor_before": 1.6,
    "noncompliance_factor_after": 0.5,
    "satisfaction_shift_after": 0.25,
}

PADDING = {"share_of_calls": 0.45, "window_s": [180, 200], "source_window_s": [90, 180]}
CALL_PADDING = {"extra_dials_share": 0.30, "duration_s": [2, 15], "dials_target_raise": 1.2}
OVER_PROMISE = {
    "conversion_logit_shift": 0.45,
    "complaint_factor": 2.6,
    "repurchase_factor": 0.3,
    "refund_prob": 0.15,
    "noncompliance_prob": 0.30,
}


# ----------------------------------------------------------------------------- helpers


def _logistic(x):
    return 1.0 / (1.0 + np.exp(-x))


def _ids(prefix: str, numbers: np.ndarray, width: int) -> pa.Array:
    """Zero-padded string ids such as ``C000001234``, written straight into Arrow buffers."""
    numbers = np.asarray(numbers, dtype="int64")
    if len(numbers) and (numbers.min() < 0 or numbers.max() >= 10**width):
        raise ValueError(f"ids with prefix {prefix!r} need more than {width} digits.")
    size = len(prefix) + width
    chars = np.empty((len(numbers), size), dtype="uint8")
    chars[:, : len(prefix)] = np.frombuffer(prefix.encode("ascii"), dtype="uint8")
    rest = numbers.copy()
    for pos in range(size - 1, len(prefix) - 1, -1):
        chars[:, pos] = 48 + rest % 10
        rest //= 10
    offsets = np.arange(0, (len(numbers) + 1) * size, size, dtype="int32")
    return pa.StringArray.from_buffers(
        len(numbers), pa.py_buffer(offsets), pa.py_buffer(chars.tobytes())
    )


def _take(values: pa.Array, indices: np.ndarray) -> pa.Array:
    """``values[indices]`` for a small string vocabulary (agent ids, outcomes), done in Arrow."""
    if not isinstance(values, pa.Array):
        values = pa.array(values)
    return pc.take(values, pa.array(np.asarray(indices, dtype="int64")))


def _ts(seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(seconds.astype("int64"), type=pa.timestamp("s"), mask=mask)


def _month_starts(start: str, months: int) -> np.ndarray:
    first = np.datetime64(pd.Period(start, freq="M").start_time.date(), "M")
    return (first + np.arange(months + 1)).astype("datetime64[D]")


def _raise_month(month_starts, change_day) -> int | None:
    """Month index at which the dials target rises: three months before the scheme change
    (so the padding it provokes is visible before the change), else a third into the range."""
    months = len(month_starts) - 1
    if months < 3:
        return None
    if change_day is not None:
        change_m = (
            int(np.searchsorted((month_starts - _DAY0).astype("int64"), change_day, side="right"))
            - 1
        )
        if 1 <= change_m - 3 < months:
            return change_m - 3
    return max(1, months // 3)


def _holidays(years) -> np.ndarray:
    days = []
    for y in years:
        days += [f"{y}-01-01"] + [f"{y}-05-0{d}" for d in range(1, 6)]
        days += [f"{y}-10-0{d}" for d in range(1, 8)]
    return np.array(days, dtype="datetime64[D]")


_WEEKDAY_FACTOR = np.array([1.08, 1.04, 1.0, 0.98, 0.90, 0.7, 0.7])
_DAY0 = np.datetime64("1970-01-01", "D")
_PEAK_MONTH = 11  # "Double 11" promotion month


_LOW_CARDINALITY_IDS = {"agent_id", "team_id", "scope_id", "reviewer"}


def _parquet_options(schema: pa.Schema) -> dict:
    """Compact, deterministic encodings: delta for timestamps and unique ids, dictionary else."""
    dictionary, encoding = [], {}
    for f in schema:
        if pa.types.is_timestamp(f.type):
            encoding[f.name] = "DELTA_BINARY_PACKED"
        elif (
            pa.types.is_string(f.type)
            and f.name.endswith("_id")
            and f.name not in _LOW_CARDINALITY_IDS
        ):
            encoding[f.name] = "DELTA_BYTE_ARRAY"
        else:
            dictionary.append(f.name)
    return {
        "compression": "zstd",
        "compression_level": 6,
        "use_dictionary": dictionary,
        "column_encoding": encoding,
    }


def _write_table(path: Path, table: pa.Table) -> None:
    pq.write_table(table, path, **_parquet_options(table.schema))


class _Stream:
    """A Parquet file written chunk by chunk."""

    def __init__(self, path: Path, schema: pa.Schema):
        self.path = path
        self.schema = schema
        self.rows = 0
        self.writer = pq.ParquetWriter(path, schema, **_parquet_options(schema))

    def write(self, columns: dict) -> None:
        table = pa.table(columns, schema=self.schema)
        self.rows += table.num_rows
        if table.num_rows:
            self.writer.write_table(table)

    def close(self) -> None:
        self.writer.close()


_SCHEMAS = {
    "calls": pa.schema(
        [
            ("call_id", pa.string()),
            ("agent_id", pa.string()),
            ("started_at", pa.timestamp("s")),
            ("duration_s", pa.int32()),
            ("outcome", pa.string()),
            ("need_captured", pa.bool_()),
            ("intent_rating", pa.int8()),
            ("lead_id", pa.string()),
            ("customer_id", pa.string()),
        ]
    ),
    "leads": pa.schema(
        [
            ("lead_id", pa.string()),
            ("agent_id", pa.string()),
            ("assigned_at", pa.timestamp("s")),
            ("source", pa.string()),
        ]
    ),
    "surveys": pa.schema(
        [
            ("survey_id", pa.string()),
            ("agent_id", pa.string()),
            ("answered_at", pa.timestamp("s")),
            ("score", pa.int8()),
            ("call_id", pa.string()),
            ("customer_id", pa.string()),
        ]
    ),
    "qa_reviews": pa.schema(
        [
            ("review_id", pa.string()),
            ("call_id", pa.string()),
            ("agent_id", pa.string()),
            ("reviewed_at", pa.timestamp("s")),
            ("reviewer", pa.string()),
            ("compliant", pa.bool_()),
            ("effective", pa.bool_()),
            ("score", pa.float32()),
        ]
    ),
}


# ----------------------------------------------------------------------------- agents


def _make_agents(rng, preset: _Preset, n_agents: int, first_day, end_day):
    """Agent attributes (numpy arrays) and the planted-behaviour assignment."""
    n_teams = len(preset.team_stages)
    team = np.arange(n_agents) % n_teams
    team = np.sort(team)
    stage = np.array(preset.team_stages)[team]
    first = first_day.astype("int64")
    end = end_day.astype("int64")

    tenure_days = np.where(
        stage == "new",
        rng.uniform(20, 200, n_agents),
        np.where(
            stage == "mature",
            rng.uniform(365, 6 * 365, n_agents),
            rng.uniform(300, 4 * 365, n_agents),
        ),
    )
    hire = first - np.round(tenure_days).astype("int64")
    leave = np.full(n_agents, end + 1, dtype="int64")

    skill = rng.normal(0, 1, n_agents)
    eff = {
        "connect": rng.normal(0, 0.2, n_agents) + 0.05 * skill,
        "conversion": rng.normal(0, 0.25, n_agents) + 0.2 * skill,
        "satisfaction": rng.normal(0, 0.25, n_agents) + 0.1 * skill,
        "talk": rng.normal(0, 0.12, n_agents),
        "need": rng.normal(0, 0.3, n_agents) + 0.1 * skill,
        "effort": np.exp(rng.normal(0, 0.12, n_agents)),
        "compliance": rng.normal(0, 0.4, n_agents),
    }

    order = rng.permutation(n_agents)
    flags = {
        k: np.zeros(n_agents, bool)
        for k in (
            "padder",
            "over_promiser",
            "small_sample",
            "lucky",
            "selective_survey",
            "call_padder",
        )
    }
    pos = 0

    def take(k):
        nonlocal pos
        chosen = order[pos : pos + k]
        pos += k
        return chosen

    n_small = min(preset.small_sample, n_agents // 8)
    small = take(n_small)
    flags["small_sample"][small] = True
    span = end - first
    # hired in the last 1-2 months; tiny call volume (set through target_connects below)
    hire[small] = end - rng.integers(min(20, span), min(56, span) + 1, n_small)
    lucky = small[: min(preset.lucky_small_sample, n_small)]
    flags["lucky"][lucky] = True
    eff["conversion"][lucky] += 1.3
    target_connects = np.zeros(n_agents)
    target_connects[small] = rng.uniform(30, 80, n_small)

    for key, share in (
        ("padder", preset.padders),
        ("over_promiser", preset.over_promisers),
        ("call_padder", preset.call_padders),
    ):
        k = int(round(share * n_agents))
        if share > 0:
            k = max(k, 2)
        flags[key][take(k)] = True
    flags["selective_survey"][take(min(preset.selective_surveys, n_agents // 10))] = True
    # attrition: a few agents leave in the second half (never the planted ones)
    rest = order[pos:]
    n_leave = int(round(preset.attrition * n_agents))
    leavers = rest[:n_leave]
    mid = first + span // 2
    leave[leavers] = rng.integers(mid, end - 10, n_leave) if n_leave else leave[leavers]
    # agents with a planted behaviour are employed over the whole range
    for key in ("padder", "over_promiser", "call_padder", "selective_survey"):
        hire[flags[key]] = np.minimum(hire[flags[key]], first - 200)

    tenure_end = (np.minimum(leave, end) - hire) / 365.0
    level = np.where(
        tenure_end < 1.0,
        "junior",
        np.where((tenure_end > 3.0) & (skill > -0.2), "senior", "intermediate"),
    )
    names = [
        f"{_SURNAMES[i % len(_SURNAMES)]} {_GIVEN[j]}"
        for i, j in zip(
            rng.integers(0, len(_SURNAMES), n_agents),
            rng.integers(0, len(_GIVEN), n_agents),
            strict=True,
        )
    ]
    return {
        "team": team,
        "stage": stage,
        "hire": hire,
        "leave": leave,
        "skill": skill,
        "eff": eff,
        "flags": flags,
        "target_connects": target_connects,
        "level": level,
        "names": names,
    }


# ----------------------------------------------------------------------------- generate


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
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    month_starts = _month_starts(start, months)
    first_day, end_excl = month_starts[0], month_starts[-1]
    end_day = end_excl - 1
    change_day = None
    if scheme_change is not None:
        try:
            change_day = np.datetime64(pd.Timestamp(scheme_change).date(), "D").astype("int64")
        except (ValueError, TypeError):
            raise ValueError(
                f"`scheme_change` must be a date such as '2026-06-01' or None, but {scheme_change!r} was passed."
            ) from None
    raise_month = _raise_month(month_starts, change_day)

    rng0 = np.random.default_rng([seed, 0, 0])
    ag = _make_agents(rng0, cfg, n_agents, first_day, end_day)
    n_teams = len(cfg.team_stages)
    team_ids = np.array([f"T{t + 1:02d}" for t in range(n_teams)])
    treated_team = np.ones(n_teams, bool)
    treated_team[list(cfg.comparison_teams)] = False
    agent_treated = treated_team[ag["team"]]
    agent_ids = np.array([f"A{i + 1:04d}" for i in range(n_agents)])
    holidays = _holidays(range(int(str(first_day)[:4]), int(str(end_day)[:4]) + 1))

    streams = {name: _Stream(out / f"{name}.parquet", schema) for name, schema in _SCHEMAS.items()}
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
        m_start, m_end = month_starts[m], month_starts[m + 1]
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
            parts = _chunk(
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
            _write_chunk(streams, parts, agent_ids, counters)
            order_parts.append(parts["orders"])
    for s in streams.values():
        s.close()

    rng_end = np.random.default_rng([seed, 0, 1])
    end_s = (end_excl - _DAY0).astype("int64") * 86400
    orders, complaints, cust_stats = _orders_and_complaints(rng_end, order_parts, ag, sc, end_s)
    agents_table = _agents_table(ag, agent_ids, team_ids, end_day)
    trainings = _trainings(rng_end, ag, agent_ids, month_starts, agent_treated, change_day)
    proposals = _proposals(rng_end, ag, agent_ids, month_starts)
    targets = _targets(
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
        "orders": _orders_arrow(orders, agent_ids),
        "complaints": _complaints_arrow(complaints, agent_ids),
        "trainings": trainings,
        "proposals": proposals,
        "targets": targets,
    }
    for name, table in small_tables.items():
        _write_table(out / f"{name}.parquet", table)
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
    meta = {
        "name": f"synthetic-{preset}-seed{seed}",
        "timezone": timezone,
        "seed": int(seed),
        "preset": preset,
        "generator": "kpi_lib.data.synth.generate",
        "generator_version": GENERATOR_VERSION,
        "parameters": params,
        "period": {"first_day": str(first_day), "last_day": str(end_day)},
    }
    (out / "dataset.yaml").write_text(
        yaml.safe_dump(meta, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    planted = _planted(
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

    order_of_tables = [
        "agents",
        "calls",
        "orders",
        "leads",
        "qa_reviews",
        "surveys",
        "complaints",
        "trainings",
        "proposals",
        "targets",
    ]
    rows = [
        {"table": t, "rows": int(written[t]), "file": str(out / f"{t}.parquet")}
        for t in order_of_tables
    ]
    rows += [
        {"table": f, "rows": 0, "file": str(out / f)} for f in ("dataset.yaml", "PLANTED.json")
    ]
    summary = pd.DataFrame(rows)
    summary["bytes"] = [Path(f).stat().st_size for f in summary["file"]]
    return summary


# ----------------------------------------------------------------------------- one chunk


def _scheme_weight(day: np.ndarray, treated: np.ndarray, change_day, phase_in_days) -> np.ndarray:
    """0 before the change, rising linearly to 1 over the phase-in, only in treated teams."""
    if change_day is None:
        return np.zeros(len(day))
    w = np.clip((day - change_day) / phase_in_days, 0.0, 1.0)
    return np.where(treated, w, 0.0)


def _chunk(
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
):
    eff, fl = ag["eff"], ag["flags"]
    day_num = (days - _DAY0).astype("int64")
    A, D = len(a_idx), len(days)
    grid_a = np.repeat(a_idx, D)
    grid_d = np.tile(day_num, A)
    employed = (grid_d >= ag["hire"][grid_a]) & (grid_d < ag["leave"][grid_a])
    present = employed & (rng.random(A * D) > 0.03)
    tenure = (grid_d - ag["hire"][grid_a]) / 30.0
    ramp = np.clip(0.55 + 0.45 * tenure / 3.0, 0.55, 1.0)
    w = _scheme_weight(grid_d, agent_treated[grid_a], change_day, sc["phase_in_days"])
    weekday = ((grid_d + 3) % 7).astype(int)  # 1970-01-01 was a Thursday
    peak = 1.15 if calendar_month == _PEAK_MONTH else 1.0
    lam = cfg.base_dials * eff["effort"][grid_a] * _WEEKDAY_FACTOR[weekday] * peak * ramp
    lam *= 1.0 - (1.0 - sc["dials_factor_after"]) * w
    small = fl["small_sample"][grid_a]
    if small.any():
        # spread the small-sample agents' target number of connects over their working days
        total_days = _employed_days_total(ag, grid_a, days)
        lam = np.where(small, ag["target_connects"][grid_a] / np.maximum(total_days, 1) / 0.33, lam)
    lam = np.where(present, lam, 0.0)
    n = rng.poisson(lam)
    call_a = np.repeat(grid_a, n)
    call_day = np.repeat(grid_d, n)
    call_w = np.repeat(w, n)
    # call padding after the dials-target raise: extra very short connected calls
    padded_dials = np.zeros(len(call_a), bool)
    if raise_month is not None and m >= raise_month:
        cp = fl["call_padder"][grid_a] & present & (w < 1.0)
        extra = rng.poisson(np.where(cp, lam * CALL_PADDING["extra_dials_share"] * (1 - w), 0.0))
        if extra.sum():
            call_a = np.concatenate([call_a, np.repeat(grid_a, extra)])
            call_day = np.concatenate([call_day, np.repeat(grid_d, extra)])
            call_w = np.concatenate([call_w, np.repeat(w, extra)])
            padded_dials = np.concatenate([padded_dials, np.ones(int(extra.sum()), bool)])
    N = len(call_a)
    # time of day: 09:00-12:00 and 13:30-18:00
    morning = rng.random(N) < 0.42
    sec = np.where(
        morning, 9 * 3600 + rng.random(N) * 3 * 3600, 13.5 * 3600 + rng.random(N) * 4.5 * 3600
    )
    started = call_day * 86400 + sec.astype("int64")
    order = np.lexsort((started, call_a))
    call_a, call_day, call_w, padded_dials, started = (
        x[order] for x in (call_a, call_day, call_w, padded_dials, started)
    )

    # leads: each agent gets dials / 2.6 leads this month; calls pick one of them
    n_per_agent = np.bincount(call_a - a_idx[0], minlength=A)
    n_leads = np.ceil(n_per_agent / _DIALS_PER_LEAD).astype("int64")
    lead_offset = np.concatenate([[0], np.cumsum(n_leads)[:-1]])
    L = int(n_leads.sum())
    local = np.floor(rng.random(N) * n_leads[call_a - a_idx[0]]).astype("int64")
    lead = lead_offset[call_a - a_idx[0]] + local
    lead_source = rng.choice(len(_SOURCES), size=L, p=_SOURCE_P)
    lead_invalid = rng.random(L) < _SOURCE_INVALID[lead_source]
    lead_agent = np.repeat(a_idx, n_leads)
    src = lead_source[lead]

    # outcomes
    hour = sec[order] / 3600.0
    p_conn = _logistic(
        -0.45 + _SOURCE_CONNECT_LOGIT[src] + eff["connect"][call_a] + 0.15 * (hour > 16)
    )
    u = rng.random(N)
    outcome = np.where(u < p_conn, _CONNECTED, -1)
    rest = outcome < 0
    v = rng.random(N)
    outcome = np.where(rest & (v < 0.62), _NO_ANSWER, outcome)
    outcome = np.where(rest & (v >= 0.62) & (v < 0.8), _BUSY, outcome)
    outcome = np.where(rest & (v >= 0.8), _REJECTED, outcome)
    outcome = np.where(lead_invalid[lead], _INVALID, outcome)
    outcome = np.where(padded_dials, _CONNECTED, outcome)
    conn = outcome == _CONNECTED

    # talk time, intent, need captured (connected calls)
    talk_med = (
        118.0 * np.exp(eff["talk"][call_a]) * (1 + (sc["talk_median_factor_after"] - 1) * call_w)
    )
    dur = np.exp(np.log(talk_med) + 0.85 * rng.normal(0, 1, N))
    dur = np.clip(np.round(dur), 8, 3600)
    lq = _SOURCE_QUALITY[src]
    intent_lat = (
        -0.9
        + 0.75 * np.log(dur / 120.0)
        + lq
        + 0.4 * eff["conversion"][call_a]
        + rng.normal(0, 1, N)
    )
    intent = np.digitize(intent_lat, [-0.55, 0.55, 1.5]).astype("int8")
    need_p = _logistic(
        -0.25
        + 1.1 * np.log(dur / 120.0)
        + 0.9 * (intent >= 2)
        + eff["need"][call_a]
        + sc["need_logit_shift_after"] * call_w
    )
    need = rng.random(N) < need_p
    # threshold padding: stretch a share of 90-180 s calls to just past 180 s
    padder = fl["padder"][call_a]
    stretch = conn & padder & (dur >= PADDING["source_window_s"][0]) & (dur < _EFFECTIVE_S)
    stretch &= rng.random(N) < PADDING["share_of_calls"]
    dur = np.where(stretch, _EFFECTIVE_S + np.floor(rng.random(N) * 19), dur)
    need = need | stretch
    # padded dials are near-empty connected calls
    dur = np.where(
        padded_dials,
        rng.integers(CALL_PADDING["duration_s"][0], CALL_PADDING["duration_s"][1] + 1, N),
        dur,
    )
    intent = np.where(padded_dials, 0, intent).astype("int8")
    need = need & ~padded_dials
    dur = np.where(conn, dur, 0).astype("int32")
    need = need & conn
    effective = conn & (dur >= _EFFECTIVE_S) & need

    # deals: at most one per lead (the first converting call)
    peak_shift = 0.5 if calendar_month == _PEAK_MONTH else 0.0
    tenure_c = (call_day - ag["hire"][call_a]) / 30.0
    deal_logit = (
        -3.55
        + 1.05 * intent
        + 0.35 * np.log(np.maximum(dur, 1) / 120.0)
        + eff["conversion"][call_a]
        + peak_shift
        + OVER_PROMISE["conversion_logit_shift"] * fl["over_promiser"][call_a]
        + sc["conversion_logit_shift_after"] * call_w
        - 0.4 * np.clip(1 - tenure_c / 4.0, 0, 1)
    )
    deal = conn & ~padded_dials & ~stretch & (rng.random(N) < _logistic(deal_logit))
    deal_idx = np.flatnonzero(deal)
    _, first = np.unique(lead[deal_idx], return_index=True)
    deal_idx = np.sort(deal_idx[first])

    call_no = counters["call"] + np.arange(N)
    lead_no = counters["lead"] + np.arange(L)
    counters["call"] += N
    counters["lead"] += L

    # lead assignment time: before the lead's first call (or anywhere in the month if unused)
    first_call = np.full(L, np.iinfo("int64").max)
    np.minimum.at(first_call, lead, started)
    unused = first_call == np.iinfo("int64").max
    m_lo = int(day_num[0]) * 86400
    m_hi = (int(day_num[-1]) + 1) * 86400
    first_call = np.where(
        unused, m_lo + (rng.random(L) * (m_hi - m_lo)).astype("int64"), first_call
    )
    assigned = first_call - (1800 + rng.random(L) * 2 * 86400).astype("int64")

    # true compliance (recording QA ground truth) and true effectiveness
    nc_factor = np.where(
        call_w > 0,
        sc["noncompliance_factor_before"]
        + (sc["noncompliance_factor_after"] - sc["noncompliance_factor_before"]) * call_w,
        sc["noncompliance_factor_before"],
    )
    nc_p = np.where(
        fl["over_promiser"][call_a],
        OVER_PROMISE["noncompliance_prob"] * nc_factor / 1.6,
        0.045 * nc_factor * np.exp(eff["compliance"][call_a]),
    )
    compliant_true = rng.random(N) >= np.clip(nc_p, 0, 0.9)
    effective_true = effective & ~stretch
    refused = conn & (dur < 60) & (intent == 0)

    # surveys: sent after a share of connected calls, answered by about half
    selective = fl["selective_survey"][call_a]
    send_p = np.where(selective, np.where((intent >= 2) & (dur >= 120), 0.35, 0.0), 0.33)
    answered = conn & ~padded_dials & (rng.random(N) < send_p) & (rng.random(N) < 0.5)
    sat_lat = (
        4.3
        + eff["satisfaction"][call_a]
        + 0.22 * intent
        - 0.9 * stretch
        - 0.35 * padder
        - 0.5 * ~compliant_true
        + sc["satisfaction_shift_after"] * call_w
        + 0.7 * selective
        - 1.3 * np.log(eff["effort"][call_a])
        + rng.normal(0, 0.75, N)
    )
    sat = np.clip(np.round(sat_lat), 1, 5).astype("int8")

    # QA reviews: system on ~45 % of connected calls, humans on ~10 %
    sys_rev = conn & (rng.random(N) < 0.45)
    hum_rev = conn & (rng.random(N) < 0.10)
    multi = hum_rev & (rng.random(N) < 0.15)
    pick = np.floor(rng.random(N) * len(_REVIEWERS))  # the one reviewer of a single review
    reviews = []
    for r, name in enumerate(["system", *_REVIEWERS]):
        if name == "system":
            sel = sys_rev
        else:
            single = hum_rev & ~multi & (pick == r - 1)
            sel = single | multi
        idx = np.flatnonzero(sel)
        catch, false_flag, eff_false, eff_true = _REVIEWER_ACCURACY[name]
        ct = compliant_true[idx]
        uu = rng.random(len(idx))
        judged_compliant = np.where(ct, uu >= false_flag, uu >= catch)
        et = effective_true[idx]
        p_eff = np.where(et, eff_true, eff_false)
        if name == "system":
            p_eff = np.where(refused[idx], 0.25, p_eff)
            p_eff = np.where(stretch[idx], 0.9, p_eff)
        judged_eff = rng.random(len(idx)) < p_eff
        score = np.clip(
            np.round(88 + 6 * rng.normal(0, 1, len(idx)) - 30 * ~judged_compliant), 0, 100
        )
        delay = np.where(
            name == "system",
            60 + rng.random(len(idx)) * 1800,
            3600 + rng.random(len(idx)) * 5 * 86400,
        )
        reviews.append(
            {
                "call": idx,
                "reviewer": np.full(len(idx), r, dtype="int8"),
                "at": started[idx] + dur[idx] + delay.astype("int64"),
                "compliant": judged_compliant,
                "effective": judged_eff,
                "score": score,
            }
        )
    rv = {k: np.concatenate([r[k] for r in reviews]) for k in reviews[0]}
    rv_order = np.lexsort((rv["at"], rv["call"]))
    rv = {k: v[rv_order] for k, v in rv.items()}

    # accumulators
    mcol = np.full(N, m)
    worked = present & (n > 0)
    np.add.at(acc["days"], (grid_a[worked], np.full(int(worked.sum()), m)), 1)
    for key, mask in (
        ("dials", np.ones(N, bool)),
        ("connects", conn),
        ("effective", effective),
        ("in_window", conn & (dur >= 180) & (dur < 200)),
        ("connected_150_250", conn & (dur >= 150) & (dur < 250)),
        ("surveys", answered),
        ("short", conn & (dur < 20)),
    ):
        np.add.at(acc[key], (call_a[mask], mcol[mask]), 1)
    np.add.at(acc["sat"], (call_a[answered], mcol[answered]), (sat[answered] >= 4))
    # customers served: distinct customers (leads are per agent-month) with a connected call
    served_leads = np.unique(lead[conn])
    np.add.at(acc["served"], (lead_agent[served_leads], np.full(len(served_leads), m)), 1)

    d = deal_idx
    amount_med = (
        2800
        * (1 + (sc["amount_factor_after"] - 1) * call_w[d])
        * (0.95 if calendar_month == _PEAK_MONTH else 1.0)
    )
    orders = {
        "agent": call_a[d],
        "lead": lead_no[lead[d]],
        "at": started[d] + dur[d] + (rng.random(len(d)) * 7200).astype("int64"),
        "amount": np.round(np.exp(np.log(amount_med) + 0.45 * rng.normal(0, 1, len(d))) / 10) * 10,
        "w": call_w[d],
        "noncompliant": ~compliant_true[d],
    }
    return {
        "N": N,
        "call_no": call_no,
        "call_a": call_a,
        "started": started,
        "dur": dur,
        "outcome": outcome,
        "need": need,
        "intent": intent,
        "conn": conn,
        "lead_global": lead_no[lead],
        "lead_no": lead_no,
        "lead_agent": lead_agent,
        "lead_source": lead_source,
        "assigned": assigned,
        "answered": answered,
        # SMS answered minutes to a day after the call (median about 40 minutes)
        "survey_delay": np.minimum(np.exp(rng.normal(np.log(2400), 1.0, N)), 86400).astype("int64"),
        "sat": sat,
        "reviews": rv,
        "orders": orders,
    }


def _employed_days_total(ag, grid_a, days):
    """Working days each small-sample agent is employed over the whole range (approximation:
    days since hire, in working-day units)."""
    end = int((days[-1] - _DAY0).astype("int64"))
    span = np.maximum(end - ag["hire"][grid_a], 1)
    return span * 5 / 7


def _write_chunk(streams, p, agent_ids, counters):
    N = p["N"]
    call_ids = _ids("C", p["call_no"], 9)
    agent_col = _take(agent_ids, p["call_a"])
    cust = _ids("K", p["lead_global"], 8)
    streams["calls"].write(
        {
            "call_id": call_ids,
            "agent_id": agent_col,
            "started_at": _ts(p["started"]),
            "duration_s": pa.array(p["dur"], type=pa.int32()),
            "outcome": _take(_OUTCOMES_PA, p["outcome"]),
            "need_captured": pa.array(p["need"]),
            "intent_rating": pa.array(p["intent"], type=pa.int8(), mask=~p["conn"]),
            "lead_id": _ids("L", p["lead_global"], 8),
            "customer_id": cust,
        }
    )
    del N
    streams["leads"].write(
        {
            "lead_id": _ids("L", p["lead_no"], 8),
            "agent_id": _take(agent_ids, p["lead_agent"]),
            "assigned_at": _ts(p["assigned"]),
            "source": _take(_SOURCES_PA, p["lead_source"]),
        }
    )
    s = np.flatnonzero(p["answered"])
    streams["surveys"].write(
        {
            "survey_id": _ids("S", counters["survey"] + np.arange(len(s)), 8),
            "agent_id": _take(agent_ids, p["call_a"][s]),
            "answered_at": _ts(p["started"][s] + p["dur"][s] + p["survey_delay"][s]),
            "score": pa.array(p["sat"][s], type=pa.int8()),
            "call_id": pc.take(call_ids, pa.array(s)),
            "customer_id": pc.take(cust, pa.array(s)),
        }
    )
    counters["survey"] += len(s)
    rv = p["reviews"]
    k = len(rv["call"])
    streams["qa_reviews"].write(
        {
            "review_id": _ids("Q", counters["review"] + np.arange(k), 8),
            "call_id": pc.take(call_ids, pa.array(rv["call"])),
            "agent_id": _take(agent_ids, p["call_a"][rv["call"]]),
            "reviewed_at": _ts(rv["at"]),
            "reviewer": _take(_REVIEWERS_PA, rv["reviewer"]),
            "compliant": pa.array(rv["compliant"]),
            "effective": pa.array(rv["effective"]),
            "score": pa.array(rv["score"], type=pa.float32()),
        }
    )
    counters["review"] += k


# ----------------------------------------------------------------------------- orders etc.


def _orders_and_complaints(rng, order_parts, ag, sc, end_s):
    fl = ag["flags"]
    o = {k: np.concatenate([p[k] for p in order_parts]) for k in order_parts[0]}
    n = len(o["agent"])
    a = o["agent"]
    op = fl["over_promiser"][a]
    w = o["w"]
    # repurchase within 90 days (a repeat order by the same customer, credited to the agent)
    p_rep = (
        sc["repurchase_prob_before"]
        + (sc["repurchase_prob_after"] - sc["repurchase_prob_before"]) * w
    )
    p_rep = (
        p_rep
        * np.exp(0.5 * ag["eff"]["satisfaction"][a])
        * np.where(op, OVER_PROMISE["repurchase_factor"], 1.0)
    )
    rep = rng.random(n) < p_rep
    rep_at = o["at"] + (86400 * (7 + rng.random(n) * 83)).astype("int64")
    rep_ok = rep & (rep_at < end_s)
    r = np.flatnonzero(rep_ok)
    all_agent = np.concatenate([a, a[r]])
    all_lead = np.concatenate([o["lead"], o["lead"][r]])
    all_at = np.concatenate([o["at"], rep_at[r]])
    all_amount = np.concatenate(
        [o["amount"], np.round(o["amount"][r] * np.exp(rng.normal(-0.35, 0.3, len(r))) / 10) * 10]
    )
    is_repeat = np.concatenate([np.zeros(n, bool), np.ones(len(r), bool)])
    all_op = fl["over_promiser"][all_agent]
    N = len(all_agent)
    # complaints: mostly over-promise complaints from new customers
    p_c = (
        sc["complaint_prob_before"] + (sc["complaint_prob_after"] - sc["complaint_prob_before"]) * w
    )
    p_c = (
        p_c
        * np.where(op, OVER_PROMISE["complaint_factor"], 1.0)
        * np.where(fl["padder"][a], 1.3, 1.0)
    )
    p_c = np.where(o["noncompliant"], np.minimum(p_c * 1.8, 0.95), p_c)
    comp = rng.random(n) < np.clip(p_c, 0, 0.95)
    comp_at = o["at"] + (86400 * (2 + rng.random(n) * 28)).astype("int64")
    comp_ok = comp & (comp_at < end_s)
    c = np.flatnonzero(comp_ok)
    over_share = np.where(op[c], 0.85, 0.65 - 0.3 * w[c])
    u = rng.random(len(c))
    cat = np.where(
        u < over_share,
        0,
        np.where(
            u < over_share + (1 - over_share) * 0.35,
            1,
            np.where(u < over_share + (1 - over_share) * 0.65, 2, 3),
        ),
    )
    resolve_after = (86400 * np.exp(np.log(2.5) + 0.8 * rng.normal(0, 1, len(c)))).astype("int64")
    resolved_at = comp_at[c] + resolve_after
    open_ = (rng.random(len(c)) < 0.08) | (resolved_at >= end_s)
    complaints = {
        "agent": a[c],
        "lead": o["lead"][c],
        "opened": comp_at[c],
        "resolved": resolved_at,
        "open": open_,
        "category": cat,
    }
    # money: collection and refunds (complained-about orders are refunded more often)
    complained = np.zeros(N, bool)
    complained[c] = True
    collected = np.where(
        rng.random(N) < 0.9, all_amount, np.round(all_amount * rng.uniform(0.3, 0.9, N) / 10) * 10
    )
    refund_p = np.where(all_op, OVER_PROMISE["refund_prob"], 0.03) + 0.3 * complained
    refunded = np.where(
        rng.random(N) < refund_p,
        np.round(collected * np.where(rng.random(N) < 0.6, 1.0, rng.uniform(0.3, 0.9, N)) / 10)
        * 10,
        0.0,
    )
    srt = np.lexsort((all_lead, all_at))
    orders = {
        "agent": all_agent[srt],
        "lead": all_lead[srt],
        "at": all_at[srt],
        "amount": all_amount[srt],
        "collected": collected[srt],
        "refunded": refunded[srt],
        "repeat": is_repeat[srt],
    }
    cs = np.lexsort((complaints["lead"], complaints["opened"]))
    complaints = {k: v[cs] for k, v in complaints.items()}
    cust_stats = {"first_at": o["at"], "agent": a, "repurchased": rep, "rep_at": rep_at, "w": w}
    return orders, complaints, cust_stats


def _orders_arrow(o, agent_ids) -> pa.Table:
    n = len(o["agent"])
    return pa.table(
        {
            "order_id": _ids("O", np.arange(n), 7),
            "agent_id": _take(agent_ids, o["agent"]),
            "customer_id": _ids("K", o["lead"], 8),
            "ordered_at": _ts(o["at"]),
            "amount": pa.array(o["amount"], type=pa.float64()),
            "collected_amount": pa.array(o["collected"], type=pa.float64()),
            "lead_id": _ids("L", o["lead"], 8),
            "refunded_amount": pa.array(o["refunded"], type=pa.float64()),
        }
    )


def _complaints_arrow(c, agent_ids) -> pa.Table:
    n = len(c["agent"])
    return pa.table(
        {
            "complaint_id": _ids("P", np.arange(n), 6),
            "agent_id": _take(agent_ids, c["agent"]),
            "opened_at": _ts(c["opened"]),
            "resolved_at": _ts(c["resolved"], mask=c["open"]),
            "customer_id": _ids("K", c["lead"], 8),
            "category": _take(pa.array(_COMPLAINT_CATEGORIES), c["category"]),
        }
    )


def _agents_table(ag, agent_ids, team_ids, end_day) -> pa.Table:
    end = int((end_day - _DAY0).astype("int64"))
    return pa.table(
        {
            "agent_id": pa.array(agent_ids),
            "agent_name": pa.array(ag["names"]),
            "team_id": pa.array(team_ids[ag["team"]]),
            # a midnight timestamp rather than date32, so pandas reads it as datetime64
            "hire_date": _ts(ag["hire"] * 86400),
            "level": pa.array(ag["level"]),
            "active": pa.array(ag["leave"] > end),
        }
    )


def _trainings(rng, ag, agent_ids, month_starts, agent_treated, change_day) -> pa.Table:
    rows_a, rows_course, rows_at, rows_score = [], [], [], []
    n = len(agent_ids)
    for m in range(len(month_starts) - 1):
        m0 = int((month_starts[m] - _DAY0).astype("int64"))
        m1 = int((month_starts[m + 1] - _DAY0).astype("int64"))
        cal_month = int(str(month_starts[m])[5:7])
        courses = ["monthly_product_exam"]
        if cal_month in (3, 6, 9, 12):
            courses.append("quarterly_skills_exam")
        if change_day is not None and m0 <= change_day < m1:
            courses.append("compliance_script_exam")
        for course in courses:
            day = m0 + 20 + rng.integers(0, 6, n)
            day = np.minimum(day, m1 - 1)
            ok = (day >= ag["hire"] + 14) & (day < ag["leave"])
            if course == "compliance_script_exam":
                ok &= agent_treated
            tenure = np.clip((day - ag["hire"]) / 365.0, 0, 4)
            difficulty = {
                "monthly_product_exam": 0.0,
                "quarterly_skills_exam": 4.0,
                "compliance_script_exam": 2.0,
            }[course]
            score = np.clip(
                np.round(76 + 6 * ag["skill"] + 2.5 * tenure - difficulty + rng.normal(0, 7, n)),
                20,
                100,
            )
            idx = np.flatnonzero(ok)
            rows_a.append(idx)
            rows_course.append(np.full(len(idx), course))
            rows_at.append(day[idx] * 86400 + 15 * 3600 + rng.integers(0, 7200, len(idx)))
            rows_score.append(score[idx])
    a = np.concatenate(rows_a)
    at = np.concatenate(rows_at)
    score = np.concatenate(rows_score)
    return pa.table(
        {
            "agent_id": _take(agent_ids, a),
            "course": pa.array(np.concatenate(rows_course)),
            "taken_at": _ts(at),
            "passed": pa.array(score >= 75),
            "score": pa.array(score, type=pa.float64()),
        }
    )


def _proposals(rng, ag, agent_ids, month_starts) -> pa.Table:
    first = int((month_starts[0] - _DAY0).astype("int64"))
    end = int((month_starts[-1] - _DAY0).astype("int64"))
    n = len(agent_ids)
    months = len(month_starts) - 1
    rate = 0.06 * np.exp(0.5 * ag["skill"]) * np.where(ag["level"] == "senior", 2.0, 1.0)
    k = rng.poisson(rate * months)
    a = np.repeat(np.arange(n), k)
    lo = np.maximum(ag["hire"][a], first)
    hi = np.minimum(ag["leave"][a], end)
    keep = hi > lo
    a, lo, hi = a[keep], lo[keep], hi[keep]
    at = (
        (lo + rng.random(len(a)) * (hi - lo)).astype("int64") * 86400
        + 10 * 3600
        + rng.integers(0, 28800, len(a))
    )
    srt = np.lexsort((a, at))
    a, at = a[srt], at[srt]
    accepted = rng.random(len(a)) < 0.35 + 0.1 * np.clip(ag["skill"][a], -1, 2)
    pending = at > (end - 30) * 86400
    return pa.table(
        {
            "proposal_id": _ids("R", np.arange(len(a)), 5),
            "agent_id": _take(agent_ids, a),
            "submitted_at": _ts(at),
            "accepted": pa.array(accepted, mask=pending),
        }
    )


def _targets(
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
) -> pa.Table:
    """Monthly agent and team targets set from each team's typical (median) agent-month."""
    months = len(month_starts) - 1
    n = len(agent_ids)
    order_month = (
        np.searchsorted((month_starts - _DAY0).astype("int64") * 86400, orders["at"], side="right")
        - 1
    )
    sales = np.zeros((n, months))
    np.add.at(sales, (orders["agent"], order_month), orders["amount"])
    active = acc["dials"] > 0
    per_indicator = {
        "sales_amount": sales,
        "dials": acc["dials"],
        "effective_calls": acc["effective"],
    }
    rows = {
        "period": [],
        "scope": [],
        "scope_id": [],
        "indicator": [],
        "target": [],
        "threshold": [],
        "stretch": [],
    }

    def add(period, scope, sid, ind, target, threshold, stretch):
        rows["period"].append(period)
        rows["scope"].append(scope)
        rows["scope_id"].append(sid)
        rows["indicator"].append(ind)
        rows["target"].append(float(target))
        rows["threshold"].append(float(threshold))
        rows["stretch"].append(float(stretch))

    for m in range(months):
        period = str(month_starts[m])[:7]
        cal_month = int(period[5:7])
        m0 = int((month_starts[m] - _DAY0).astype("int64"))
        for t in range(len(team_ids)):
            members = np.flatnonzero((ag["team"] == t) & active[:, m])
            if len(members) == 0:
                continue
            uplift = 1.25 if t in cfg.stretch_teams else 1.0
            switched = change_day is not None and agent_treated[members[0]] and m0 >= change_day
            team_sales = 0.0
            base = {}
            for ind, values in per_indicator.items():
                # the team's typical (median) agent-month over the members' active months
                base[ind] = float(np.median(values[members, :][active[members, :]]))
            for ind, typical in base.items():
                factor = uplift
                if ind == "sales_amount" and cal_month == _PEAK_MONTH:
                    factor *= 1.2
                if ind == "dials" and raise_month is not None and m >= raise_month and not switched:
                    factor *= CALL_PADDING["dials_target_raise"]
                if ind == "dials" and switched:
                    factor *= sc["dials_factor_after"]
                if ind == "effective_calls" and switched:
                    factor *= 1.25
                target = np.round(typical * factor, -1 if ind == "sales_amount" else 0)
                for a in members:
                    scale = 0.6 if ag["flags"]["small_sample"][a] else 1.0
                    add(
                        period,
                        "agent",
                        agent_ids[a],
                        ind,
                        target * scale,
                        0.7 * target * scale,
                        1.3 * target * scale,
                    )
                if ind == "sales_amount":
                    team_sales = target * len(members)
            for a in members:
                add(period, "agent", agent_ids[a], "satisfaction_rate", 0.90, 0.80, 0.97)
            add(
                period,
                "team",
                team_ids[t],
                "sales_amount",
                team_sales,
                0.8 * team_sales,
                1.25 * team_sales,
            )
    return pa.table(
        {
            "period": pa.array(rows["period"]),
            "scope": pa.array(rows["scope"]),
            "scope_id": pa.array(rows["scope_id"]),
            "indicator": pa.array(rows["indicator"]),
            "target": pa.array(rows["target"], type=pa.float64()),
            "threshold": pa.array(rows["threshold"], type=pa.float64()),
            "stretch": pa.array(rows["stretch"], type=pa.float64()),
        }
    )


# ----------------------------------------------------------------------------- PLANTED.json


def _planted(
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
    cust,
    params,
    sc,
):
    fl = ag["flags"]
    months = len(month_starts) - 1
    labels = [str(x)[:7] for x in month_starts[:-1]]
    starts_s = (month_starts - _DAY0).astype("int64") * 86400
    end_s = int(starts_s[-1])

    def ids(mask):
        return [str(x) for x in agent_ids[mask]]

    planted = {
        "parameters": params,
        "definitions": {
            "effective_call": "duration_s >= 180 and need_captured",
            "effective_call_rate": "effective calls / connected calls",
            "complaints_per_100_served": "the catalogue's complaints_per_100: 100 x complaints opened in the period / distinct customers with a connected call in the period (ratio of sums over agents and months)",
            "complaints_per_100_paying": "the case study's complaint rate, the generator's calibration target (15 -> 5): 100 x complaints opened in the period / distinct customers with an order in the period",
            "repurchase_rate": "the catalogue's repurchase_rate: customers ordering in the period who order again (any agent) within 90 days after their first order of the period / customers ordering in the period; only periods whose 90-day window ends inside the data",
            "repurchase_rate_new_customers": "share of new customers (first order in the period) who order again within 90 days; the generator's calibration target (< 5 % -> 12 %)",
        },
        "threshold_padders": {
            "agents": ids(fl["padder"]),
            "parameters": PADDING,
            "description": "a share of connected calls of 90-180 s is stretched to 180-198 s and need_captured is ticked although intent stays low; padded calls get lower survey scores and more complaints",
        },
        "over_promisers": {"agents": ids(fl["over_promiser"]), "parameters": OVER_PROMISE},
        "small_sample_agents": {
            "agents": ids(fl["small_sample"]),
            "lucky_high_conversion": ids(fl["lucky"]),
            "connected_calls": {
                str(agent_ids[a]): int(acc["connects"][a].sum())
                for a in np.flatnonzero(fl["small_sample"])
            },
        },
        "call_padding_after_target_raise": {
            "agents": ids(fl["call_padder"]),
            "raise_period": labels[raise_month] if raise_month is not None else None,
            "parameters": CALL_PADDING,
            "description": "from the raise period the dials target rises by 20 %; these agents add very short connected calls (2-15 s); it stops once their team switches scheme",
        },
        "selective_surveys": {
            "agents": ids(fl["selective_survey"]),
            "description": "surveys are only sent after good calls (intent >= 2 and >= 120 s): low survey coverage, high satisfaction",
        },
        "teams": {
            str(team_ids[t]): {
                "stage": str(ag["stage"][ag["team"] == t][0]) if (ag["team"] == t).any() else None,
                "treated": bool(treated_team[t]),
            }
            for t in range(len(team_ids))
        },
    }
    if change_day is None:
        planted["scheme_change"] = None
        return planted
    change_s = change_day * 86400
    phase_end = change_s + sc["phase_in_days"] * 86400
    before_m = np.array([starts_s[m + 1] <= change_s for m in range(months)])
    after_m = np.array([starts_s[m] >= phase_end for m in range(months)])
    skip = (
        fl["padder"]
        | fl["over_promiser"]
        | fl["small_sample"]
        | fl["call_padder"]
        | fl["selective_survey"]
    )

    # customer-level stats
    order_month = np.searchsorted(starts_s, orders["at"], side="right") - 1
    # repurchase as the indicator defines it: per period, customers ordering in the period who
    # order again within 90 days after their first order of the period
    by_cust = np.lexsort((orders["at"], orders["lead"]))
    o_lead, o_at = orders["lead"][by_cust], orders["at"][by_cust]
    o_agent, o_month = orders["agent"][by_cust], order_month[by_cust]
    same_next = np.append(o_lead[1:] == o_lead[:-1], False)
    next_at = np.where(same_next, np.append(o_at[1:], 0), np.iinfo("int64").max)
    first_in_period = np.ones(len(o_lead), bool)
    first_in_period[1:] = (o_lead[1:] != o_lead[:-1]) | (o_month[1:] != o_month[:-1])
    again = (next_at - o_at) <= 90 * 86400
    window_ok = starts_s[1:] + 90 * 86400 <= end_s
    comp_month = np.searchsorted(starts_s, complaints["opened"], side="right") - 1
    first_month = np.searchsorted(starts_s, cust["first_at"], side="right") - 1
    observed = cust["first_at"] + 90 * 86400 <= end_s

    def realised(group_mask):
        agents_ok = group_mask & ~skip
        out = {}
        for label, mm in (("before", before_m), ("after", after_m)):
            if not mm.any():
                out[label] = None
                continue
            mi = np.flatnonzero(mm)
            dials = acc["dials"][agents_ok][:, mi].sum()
            conn = acc["connects"][agents_ok][:, mi].sum()
            agent_days = acc["days"][agents_ok][:, mi].sum()
            eff = acc["effective"][agents_ok][:, mi].sum()
            ok_o = agents_ok[orders["agent"]] & np.isin(order_month, mi)
            sales = orders["amount"][ok_o].sum()
            customers = 0
            for mo in mi:
                sel = agents_ok[orders["agent"]] & (order_month == mo)
                customers += len(np.unique(orders["lead"][sel]))
            served = acc["served"][agents_ok][:, mi].sum()
            n_comp = (agents_ok[complaints["agent"]] & np.isin(comp_month, mi)).sum()
            coh = agents_ok[cust["agent"]] & np.isin(first_month, mi) & observed
            ind_coh = (
                first_in_period & agents_ok[o_agent] & np.isin(o_month, mi) & window_ok[o_month]
            )
            out[label] = {
                "months": [labels[i] for i in mi],
                "dials_per_agent_day": round(float(dials / max(agent_days, 1)), 2),
                "effective_call_rate": round(float(eff / max(conn, 1)), 4),
                "complaints_per_100_paying": round(float(100 * n_comp / max(customers, 1)), 2),
                "complaints_per_100_served": round(float(100 * n_comp / max(served, 1)), 2),
                "repurchase_rate_new_customers": round(float(cust["repurchased"][coh].mean()), 4)
                if coh.any()
                else None,
                "repurchase_cohort_size": int(coh.sum()),
                "repurchase_rate": round(float(again[ind_coh].mean()), 4)
                if ind_coh.any()
                else None,
                "repurchase_customers": int(ind_coh.sum()),
                "sales_per_agent_day": round(float(sales / max(agent_days, 1)), 1),
            }
        if out["before"] and out["after"]:
            b, a = out["before"], out["after"]
            out["relative_change"] = {
                "dials_per_agent_day": round(
                    a["dials_per_agent_day"] / b["dials_per_agent_day"] - 1, 4
                ),
                "effective_call_rate": round(
                    a["effective_call_rate"] / b["effective_call_rate"] - 1, 4
                ),
                "sales_per_agent_day": round(
                    a["sales_per_agent_day"] / b["sales_per_agent_day"] - 1, 4
                ),
                "complaints_per_100_served": round(
                    a["complaints_per_100_served"] / max(b["complaints_per_100_served"], 1e-9) - 1,
                    4,
                ),
            }
        return out

    planted["scheme_change"] = {
        "date": str(np.datetime64(int(change_day), "D")),
        "phase_in_days": sc["phase_in_days"],
        "treated_teams": [str(t) for t in team_ids[treated_team]],
        "comparison_teams": [str(t) for t in team_ids[~treated_team]],
        "parameters": sc,
        "intended_effects": {
            "dials": -0.10,
            "effective_call_rate": 0.25,
            "complaints_per_100_paying": [15, 5],
            "repurchase_rate": [0.04, 0.12],
            "sales": "flat or up",
        },
        "realised_excluding_planted_agents": {
            "before_months": "months ending on or before the change date",
            "after_months": "months starting after the phase-in",
            "treated": realised(agent_treated),
            "comparison": realised(~agent_treated),
        },
    }
    return planted
