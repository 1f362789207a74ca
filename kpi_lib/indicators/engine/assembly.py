"""From components to the tidy indicator table, by the catalogue's formula table.

:func:`finish_components` adds the derived, agent and team components to the per-table
sums; :func:`indicators_from_components` applies
:data:`~kpi_lib.indicators.catalogue.FORMULAS`. The pandas reference assembles the same
table from the same formula table with its own code, so comparing the two checks this
assembly too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.indicators.catalogue import (
    CATALOGUE,
    DERIVED_COMPONENTS,
    FORMULAS,
    OUTPUT_COLUMNS,
    TEAM_COMPONENTS,
    Difference,
)
from kpi_lib.indicators.catalogue.formulas import (
    NOT_COMPUTABLE,
    NOT_EMPLOYED,
    WINDOW_NOT_COMPLETE,
    resolve,
)
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.periods import parse_period, period_label, period_start

__all__ = ["NOT_EMPLOYED", "finish_components", "indicators_from_components"]


def _outside_employment(comp, agents, granularity, last_call=None) -> pd.Series:
    """True for agent-periods before the period of the agent's ``hire_date`` and, for
    agents with ``active`` false, after the period of their last call."""
    outside = pd.Series(False, index=comp.index)
    if agents is None or comp.empty:
        return outside
    a = agents.drop_duplicates("agent_id")
    a.index = a["agent_id"].astype(object)
    agent = comp["agent_id"].astype(object)
    if "hire_date" in a.columns:
        hired = pd.to_datetime(a["hire_date"], errors="coerce")
        hired_start = period_start(hired.astype("datetime64[us]"), granularity)
        first = agent.map(hired_start.astype("datetime64[us]"))
        outside |= (comp["period_start"] < first).fillna(False).astype(bool)
    if "active" in a.columns:
        gone = a.index[a["active"].astype("boolean").eq(False).fillna(False).to_numpy()]
        if last_call is None and "dials" in comp.columns:
            with_calls = comp[comp["dials"] > 0]
            last_call = with_calls.groupby("agent_id")["period_start"].max()
        if last_call is not None and len(gone):
            gone_last = last_call[last_call.index.isin(gone)]
            if len(gone_last):
                last = pd.to_datetime(agent.map(gone_last))
                outside |= (comp["period_start"] > last).fillna(False).astype(bool)
            # a leaver with no call in the data left before it starts: every period is outside
            silent = set(gone) - set(gone_last.index)
            outside |= agent.isin(silent).to_numpy()
    return outside


def finish_components(
    comp: pd.DataFrame,
    agents: pd.DataFrame | None,
    d: Definitions,
    *,
    granularity: str | None = None,
    last_call: pd.Series | None = None,
    calls: bool = True,
):
    """Derived components (``DERIVED_COMPONENTS``), zeros for absent activity, team and
    level columns.

    With ``granularity``, also keep only the periods from the first to the last period
    with calls (events dated after the last call, such as late reviews or complaints, do
    not create a nearly empty period of their own) and mark agent-periods outside the
    agent's employment in a boolean ``_outside`` column.

    ``calls`` False says the source has no calls table (declared empty at import): the
    agent-periods are then those of the other tables' activity, all of their periods are
    kept, and a leaver's last period is the last period with any activity.
    """
    comp = comp.copy()
    count_like = [c for c in comp.columns if c not in ("agent_id", "period_start")]
    comp[count_like] = comp[count_like].astype("float64").fillna(0.0)
    if granularity is not None and "dials" in comp.columns:
        called = comp.loc[comp["dials"] > 0, "period_start"]
        if len(called):
            comp = comp[comp["period_start"].between(called.min(), called.max())]
        comp = comp.reset_index(drop=True)
        comp["_outside"] = _outside_employment(comp, agents, granularity, last_call).to_numpy()
    elif granularity is not None and not calls:
        comp = comp.reset_index(drop=True)
        # every row is activity in some table: the last one stands in for the last call
        last_active = comp.groupby("agent_id")["period_start"].max() if len(comp) else None
        comp["_outside"] = _outside_employment(comp, agents, granularity, last_active).to_numpy()
    if "order_customers" in comp and "customers_served" not in comp:
        # calls without customer_id: the customers served are the ordering customers
        comp["customers_served"] = comp["order_customers"]
    for name, expr in DERIVED_COMPONENTS.items():
        if isinstance(expr, Difference):
            if expr.minuend in comp and expr.subtrahend in comp:
                comp[name] = comp[expr.minuend] - comp[expr.subtrahend]
        elif expr.choose(d) in comp:
            comp[name] = comp[expr.choose(d)]
    if agents is not None:
        a = agents[["agent_id", "team_id"]].copy()
        if "level" in agents.columns:
            lvl = agents["level"].astype(object).str.strip().str.lower()
            mapping = {str(k).lower(): float(v) for k, v in d.level_map.items()}
            a["level_sum"] = lvl.map(mapping).astype("float64")
            a["level_n"] = a["level_sum"].notna().astype("float64")
            a["level_sum"] = a["level_sum"].fillna(0.0)
        a["agent_id"] = a["agent_id"].astype(object)
        a["team_id"] = a["team_id"].astype(object)
        comp = comp.merge(a, on="agent_id", how="left")
    else:
        comp["team_id"] = None
    return comp


def _team_targets(
    targets: pd.DataFrame | None, granularity: str, labels, indicator: str, name: str
) -> pd.DataFrame:
    """Team target of ``indicator`` per (team_id, period) as column ``name``; coarser periods
    sum monthly targets."""
    cols = ["team_id", "period", name]
    if targets is None or targets.empty:
        return pd.DataFrame(columns=cols)
    t = targets[(targets["scope"] == "team") & (targets["indicator"] == indicator)]
    t = t[["scope_id", "period", "target"]].rename(columns={"scope_id": "team_id"})
    t = t.assign(team_id=t["team_id"].astype(object), period=t["period"].astype(object))
    exact = t[t["period"].isin(set(labels))]
    out = [exact.rename(columns={"target": name})]
    if granularity in ("quarter", "year"):
        monthly = t[t["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")].copy()
        if not monthly.empty:
            starts = monthly["period"].map(lambda p: parse_period(p).start)
            if granularity == "quarter":
                monthly["agg"] = [f"{s.year}-Q{(s.month - 1) // 3 + 1}" for s in starts]
            else:
                monthly["agg"] = [f"{s.year}" for s in starts]
            summed = monthly.groupby(["team_id", "agg"], as_index=False).agg(
                **{name: ("target", "sum")}, n=("target", "size")
            )
            summed = summed[summed["n"] == (3 if granularity == "quarter" else 12)]
            summed = summed.rename(columns={"agg": "period"})[cols]
            have = set(zip(exact["team_id"], exact["period"], strict=True))
            summed = summed[
                [(a, b) not in have for a, b in zip(summed.team_id, summed.period, strict=True)]
            ]
            out.append(summed)
    res = pd.concat(out, ignore_index=True)[cols]
    return res.groupby(["team_id", "period"], as_index=False)[name].sum()


def _label_starts(starts: pd.Series, granularity: str) -> pd.Series:
    mapping = {s: period_label(pd.Timestamp(s), granularity) for s in starts.dropna().unique()}
    return starts.map(mapping).astype(object)


def _strings(values) -> pd.Series:
    """A ``string`` Series built through Arrow (a dictionary cast, no Python objects per
    row); ``values`` is ``(codes, categories)`` with code -1 for missing."""
    import pyarrow as pa

    codes, categories = values
    codes = np.asarray(codes, dtype=np.int32)
    idx = pa.array(codes, mask=codes < 0)
    dictionary = pa.array([str(c) for c in categories], type=pa.large_string())
    arr = pa.DictionaryArray.from_arrays(idx, dictionary).cast(pa.large_string())
    return pd.Series(pd.arrays.ArrowStringArray(arr), copy=False)


def indicators_from_components(
    comp: pd.DataFrame,
    *,
    granularity: str,
    level: str = "agent",
    indicators=None,
    definitions: Definitions | None = None,
    targets: pd.DataFrame | None = None,
    unavailable: pd.DataFrame | None = None,
    data_end=None,
) -> pd.DataFrame:
    """Assemble the tidy indicator table from per-agent components by the catalogue's
    :data:`~kpi_lib.indicators.catalogue.FORMULAS` (the pandas reference has its own
    assembly, so comparing the two checks this one).

    A boolean ``_outside`` column in ``comp`` marks agent-periods outside the agent's
    employment: dropped or flagged at agent level (``definitions.outside_employment``),
    counted like any other activity at team level.
    """
    d = definitions or Definitions()
    ids = list(indicators) if indicators is not None else list(CATALOGUE)
    comp = comp.copy()
    if "_outside" in comp:
        outside = comp.pop("_outside").fillna(False).astype(bool)
    else:
        outside = pd.Series(False, index=comp.index)
    comp["period"] = _label_starts(comp["period_start"], granularity)
    keys = ["agent_id", "team_id", "period", "period_start"]
    # the team's own figures (team_target_attainment), carried by every agent row
    sums = {n: of for n, (how, of) in TEAM_COMPONENTS.items() if how == "sum"}
    if all(of in comp for of in sums.values()):
        by = ["team_id", "period"]
        team_figures = comp.groupby(by, as_index=False, dropna=False)[list(sums.values())].sum()
        team_figures = team_figures.rename(columns={of: n for n, of in sums.items()})
        for name, (how, of) in TEAM_COMPONENTS.items():
            if how == "target":
                tt = _team_targets(targets, granularity, comp["period"].unique(), of, name)
                team_figures = team_figures.merge(tt, on=by, how="left")
        comp = comp.merge(team_figures, on=by, how="left")
        outside.index = comp.index
    team_cols = [c for c in TEAM_COMPONENTS if c in comp]
    if level == "team":
        num_cols = [c for c in comp.columns if c not in keys and c not in team_cols]
        grouped = comp.groupby(["team_id", "period", "period_start"], as_index=False, dropna=False)
        team = grouped[num_cols].sum(min_count=1)
        if team_cols:
            first = grouped[team_cols].first()
            team = team.merge(first, on=["team_id", "period", "period_start"], how="left")
        comp = team
        keys = ["team_id", "period", "period_start"]
        outside = pd.Series(False, index=comp.index)
    elif d.outside_employment == "drop":
        comp, outside = comp[~outside], outside[~outside]
    sort_keys = (["agent_id"] if level == "agent" else ["team_id"]) + ["period_start"]
    comp = comp.assign(_outside=outside.to_numpy()).sort_values(sort_keys, kind="stable")
    comp = comp.reset_index(drop=True)
    outside = comp.pop("_outside").to_numpy(dtype=bool)
    n, k = len(comp), len(ids)

    unavailable_ids = set() if unavailable is None else set(unavailable["indicator"])
    messages = (
        {}
        if unavailable is None
        else dict(zip(unavailable.indicator, unavailable.message, strict=True))
    )
    censored = np.zeros(n, dtype=bool)
    if data_end is not None and d.repurchase_censoring == "missing" and n:
        ends = comp["period"].map(
            {p: parse_period(p).end for p in comp["period"].dropna().unique()}
        )
        censored = (
            (pd.to_datetime(ends) + pd.Timedelta(days=d.repurchase_window_days)) > data_end
        ).to_numpy(dtype=bool)
    reasons: dict[str, int] = {"": 0}

    def code(text: str) -> int:
        return reasons.setdefault(text, len(reasons))

    nan = np.full(n, np.nan)
    nums, dens, vals, why = [], [], [], []
    for i in ids:
        ind, formula = CATALOGUE[i], FORMULAS[i]
        r = np.zeros(n, dtype=np.int32)
        if i in unavailable_ids:
            nums.append(nan)
            dens.append(nan)
            vals.append(nan)
            why.append(r + code(messages[i]))
            continue
        part = formula.numerator
        num = comp[part].to_numpy(dtype="float64") if part in comp else nan
        if formula.scale != 1:
            num = num * formula.scale.numerator / formula.scale.denominator
        part = formula.denominator
        if part is None:  # a sum
            den = np.ones(n)
        else:
            den = comp[part].to_numpy(dtype="float64") if part in comp else nan
        ok = ~np.isnan(den) & (den != 0) & ~np.isnan(num)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
        missing = resolve(formula.missing_reason, d) or ind.missing_reason or NOT_COMPUTABLE
        r[~ok] = code(missing)
        if formula.zero_reason:
            r[~np.isnan(den) & (den == 0)] = code(formula.zero_reason)
        if formula.censored and censored.any():
            value = np.where(censored, np.nan, value)
            r[censored & ok] = code(WINDOW_NOT_COMPLETE)
            num = np.where(censored, np.nan, num)
            den = np.where(censored, np.nan, den)
        nums.append(num)
        dens.append(den)
        vals.append(value)
        why.append(r)

    def stack(cols, fill):
        m = np.column_stack(cols) if cols else np.empty((n, 0))
        m[outside] = fill
        return m.ravel()

    out = {}
    for c in keys:
        if c == "period_start":
            continue
        codes, uniques = pd.factorize(comp[c].astype(object), use_na_sentinel=True)
        out[c] = _strings((np.repeat(codes, k), uniques))
    out["granularity"] = _strings((np.zeros(n * k), [granularity]))
    out["period_start"] = pd.Series(
        np.repeat(pd.to_datetime(comp["period_start"]).to_numpy("datetime64[us]"), k)
    )
    out["indicator"] = _strings((np.tile(np.arange(k), n), ids))
    out["value"] = pd.Series(stack(vals, np.nan))
    out["numerator"] = pd.Series(stack(nums, np.nan))
    out["denominator"] = pd.Series(stack(dens, np.nan))
    out["reason"] = _strings((stack(why, code(NOT_EMPLOYED)), list(reasons)))
    cols = [c for c in OUTPUT_COLUMNS if c in out]
    return pd.DataFrame({c: out[c] for c in cols})
