"""Narrow lookup keys (4-byte agent and period keys) for the large joins, and query execution."""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["agent_key", "agent_keys", "agent_column", "day_key", "day_bounds", "execute"]


# 31-bit foldings of the agent id's 64-bit hash, tried in turn until one is free of
# collisions (with 18K agents one folding collides with a probability of about 4 %)
_KEY_MODULI = (2147483647, 2147483629, 2147483587, 2147483579)


def agent_key(col, modulus=_KEY_MODULI[0]):
    """A 4-byte integer key for an agent id: its hash folded to 31 bits."""
    return (col.hash() % modulus).cast("int32")


def agent_keys(src) -> pd.DataFrame | None:
    """``agent_id`` and its key ``_ak`` for every agent of the large tables; None when every
    folding has two agents sharing a key (then the lookups key by ``agent_id``), so that
    the key is always exact. The folding used is kept in ``src.cache``."""
    if "agent_keys" not in src.cache:
        parts = [
            # distinct per table first: a union of the raw columns would materialise them
            src.tables[n].select("agent_id").distinct()
            for n in ("calls", "leads", "qa_reviews")
            if src.has(n, "agent_id") and not isinstance(src.tables[n], pd.DataFrame)
        ]
        if not parts:  # no large table (calls declared empty): the lookups key by agent_id
            src.cache["agent_keys"] = src.cache["agent_modulus"] = None
            return None
        ids = parts[0].union(*parts[1:], distinct=True) if len(parts) > 1 else parts[0]
        ids = ids.filter(ids.agent_id.notnull())
        folds = {f"_k{i}": agent_key(ids.agent_id, m) for i, m in enumerate(_KEY_MODULI)}
        keys = src.con.execute(ids.select("agent_id", **folds))
        src.cache["agent_keys"] = src.cache["agent_modulus"] = None
        for i, modulus in enumerate(_KEY_MODULI):
            if not keys[f"_k{i}"].duplicated().any():
                src.cache["agent_keys"] = keys[["agent_id", f"_k{i}"]].rename(
                    columns={f"_k{i}": "_ak"}
                )
                src.cache["agent_modulus"] = modulus
                break
    return src.cache["agent_keys"]


def agent_column(src, t):
    """The agent column of a large lookup: the integer key ``_ak`` when exact, else
    ``agent_id`` (``execute`` puts ``agent_id`` back)."""
    if agent_keys(src) is None:
        return t.agent_id
    return agent_key(t.agent_id, src.cache["agent_modulus"]).name("_ak")


def day_key(ts):
    """A period start as a 4-byte key: days since 1970-01-01 (``execute`` turns ``_pd``
    back into ``period_start``)."""
    return (ts.epoch_seconds() // 86400).cast("int32")


def day_bounds(t, col, bounds):
    """Rows of ``t`` whose day key ``col`` falls in ``bounds`` (``[start, end)``; None keeps all)."""
    if bounds is None:
        return t
    lo, hi = (int(pd.Timestamp(b).value // 86_400_000_000_000) for b in bounds)
    return t.filter((t[col] >= lo) & (t[col] < hi))


def execute(src, expr) -> pd.DataFrame:
    """Run ``expr`` on the source's backend; integer agent and day keys become ``agent_id``
    and ``period_start`` again."""
    df = src.con.execute(expr)
    if "_ak" in df.columns:
        keys = agent_keys(src)
        df.insert(
            0, "agent_id", df.pop("_ak").map(dict(zip(keys["_ak"], keys["agent_id"], strict=True)))
        )
    if "_pd" in df.columns:
        days = df.pop("_pd").astype("int64").to_numpy()
        df["period_start"] = (np.datetime64("1970-01-01", "D") + days).astype("datetime64[us]")
    df["agent_id"] = df["agent_id"].astype(object)
    df["period_start"] = pd.to_datetime(df["period_start"]).astype("datetime64[us]")
    return df
