"""From components to the tidy indicator table (shared with the pandas reference)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib.indicators.catalogue import CATALOGUE, OUTPUT_COLUMNS
from kpi_lib.indicators.definitions import Definitions
from kpi_lib.indicators.engine.formulas import FORMULAS
from kpi_lib.indicators.periods import parse_period, period_label, period_start

__all__ = ["NOT_EMPLOYED", "finish_components", "indicators_from_components"]


NOT_EMPLOYED = "not employed in period"


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
            last = agent.map(last_call[last_call.index.isin(gone)])
            outside |= (comp["period_start"] > last).fillna(False).astype(bool)
    return outside


def finish_components(
    comp: pd.DataFrame,
    agents: pd.DataFrame | None,
    d: Definitions,
    *,
    granularity: str | None = None,
    last_call: pd.Series | None = None,
):
    """Derived components, zeros for absent activity, team and level columns.

    With ``granularity``, also keep only the periods from the first to the last period
    with calls (events dated after the last call, such as late reviews or complaints, do
    not create a nearly empty period of their own) and mark agent-periods outside the
    agent's employment in a boolean ``_outside`` column.
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
    if "talk_s" in comp:
        comp["talk_min"] = comp["talk_s"] / 60.0
        comp["effective_talk_min"] = comp["effective_talk_s"] / 60.0
    if "sales" in comp and "new_sales" in comp:
        comp["repeat_sales"] = comp["sales"] - comp["new_sales"]
    utilised = "leads_converted" if d.lead_utilisation_basis == "converted" else "leads_worked"
    if utilised in comp:
        comp["leads_utilised"] = comp[utilised]
    if "complaints" in comp:
        comp["complaints_x100"] = 100.0 * comp["complaints"]
    if "order_customers" in comp and "customers_served" not in comp:
        comp["customers_served"] = comp["order_customers"]
    base = "order_customers" if d.complaints_per == "paying_customers" else "customers_served"
    if base in comp:
        comp["complaint_base"] = comp[base]
    if "qa_all_n" in comp:
        comp["qa_human_n"] = comp["qa_all_n"] - comp["qa_system_n"]
        comp["qa_human_ok"] = comp["qa_all_ok"] - comp["qa_system_ok"]
        src = {"human": "qa_human", "system": "qa_system", "any": "qa_all"}[d.compliance_reviewer]
        comp["qa_n"], comp["qa_ok"] = comp[f"{src}_n"], comp[f"{src}_ok"]
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


def _team_targets(targets: pd.DataFrame | None, granularity: str, labels) -> pd.DataFrame:
    """Team sales_amount target per (team_id, period); coarser periods sum monthly targets."""
    cols = ["team_id", "period", "team_target"]
    if targets is None or targets.empty:
        return pd.DataFrame(columns=cols)
    t = targets[(targets["scope"] == "team") & (targets["indicator"] == "sales_amount")]
    t = t[["scope_id", "period", "target"]].rename(columns={"scope_id": "team_id"})
    t = t.assign(team_id=t["team_id"].astype(object), period=t["period"].astype(object))
    exact = t[t["period"].isin(set(labels))]
    out = [exact.rename(columns={"target": "team_target"})]
    if granularity in ("quarter", "year"):
        monthly = t[t["period"].astype(str).str.fullmatch(r"\d{4}-\d{2}")].copy()
        if not monthly.empty:
            starts = monthly["period"].map(lambda p: parse_period(p).start)
            if granularity == "quarter":
                monthly["agg"] = [f"{s.year}-Q{(s.month - 1) // 3 + 1}" for s in starts]
            else:
                monthly["agg"] = [f"{s.year}" for s in starts]
            summed = monthly.groupby(["team_id", "agg"], as_index=False).agg(
                team_target=("target", "sum"), n=("target", "size")
            )
            summed = summed[summed["n"] == (3 if granularity == "quarter" else 12)]
            summed = summed.rename(columns={"agg": "period"})[cols]
            have = set(zip(exact["team_id"], exact["period"], strict=True))
            summed = summed[
                [(a, b) not in have for a, b in zip(summed.team_id, summed.period, strict=True)]
            ]
            out.append(summed)
    res = pd.concat(out, ignore_index=True)[cols]
    return res.groupby(["team_id", "period"], as_index=False)["team_target"].sum()


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
    """Assemble the tidy indicator table from per-agent components (shared by the Ibis
    engine and the pandas reference).

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
    # team sales for team_target_attainment
    if "sales" in comp:
        team_sales = comp.groupby(["team_id", "period"], as_index=False, dropna=False)[
            "sales"
        ].sum()
        team_sales = team_sales.rename(columns={"sales": "team_sales"})
        tt = _team_targets(targets, granularity, comp["period"].unique())
        team_sales = team_sales.merge(tt, on=["team_id", "period"], how="left")
        comp = comp.merge(team_sales, on=["team_id", "period"], how="left")
        outside.index = comp.index
    if level == "team":
        num_cols = [
            c for c in comp.columns if c not in keys and c not in ("team_sales", "team_target")
        ]
        grouped = comp.groupby(["team_id", "period", "period_start"], as_index=False, dropna=False)
        team = grouped[num_cols].sum(min_count=1)
        if "team_sales" in comp:
            first = grouped[["team_sales", "team_target"]].first()
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
        ind = CATALOGUE[i]
        num_part, den_part = FORMULAS[i]
        r = np.zeros(n, dtype=np.int32)
        if i in unavailable_ids:
            nums.append(nan)
            dens.append(nan)
            vals.append(nan)
            why.append(r + code(messages[i]))
            continue
        num = comp[num_part].to_numpy(dtype="float64") if num_part in comp else nan
        if isinstance(den_part, str):
            den = comp[den_part].to_numpy(dtype="float64") if den_part in comp else nan
        else:
            den = np.full(n, float(den_part))
        ok = ~np.isnan(den) & (den != 0) & ~np.isnan(num)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
        missing = ind.missing_reason or "not computable"
        if i == "complaints_per_100" and d.complaints_per == "paying_customers":
            missing = "no paying customers"
        r[~ok] = code(missing)
        if i == "team_target_attainment":
            r[np.isnan(den)] = code(ind.missing_reason)
            r[~np.isnan(den) & (den == 0)] = code("team sales target is 0")
        if i == "repurchase_rate" and censored.any():
            value = np.where(censored, np.nan, value)
            r[censored & ok] = code("window not complete")
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
