"""Small analyses for the real public datasets (bank call centre, UCI telemarketing, Olist).

The pure functions work on any contract dataset; :class:`RealDataTour` imports the three
real datasets through their mappings (``params/mappings``) and returns empty, correctly
shaped tables when the data folder is absent, so the tour notebook runs anywhere.

Functions
---------
wilson_interval
    Wilson score interval for proportions.
agent_volume_handle_time
    Per agent: calls, mean / median handle time, a distribution-free CI for the median,
    small-sample flag.
type_mix
    Per agent and call type: calls and share of the agent's calls.
adjusted_agent_comparison
    Handle time per agent before and after controlling for call type (OLS on log handle time).
conversion_by_bins
    Conversion (call's lead has an order) by bins of a call column, Wilson intervals.
predictor_check
    Does a variable separate converters (AUC), and is it known before the call?
lead_conversion_by
    Lead conversion by a lead column (e.g. source), Wilson intervals.
lead_conversion_by_agent
    Lead conversion per agent, saying when leads carry no agent (no denominator).
deals_per_agent
    Per agent: deals, lead-to-deal cycle time (negative cycles flagged), amount summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib.data.dataset import Dataset
from kpi_lib.scoring.smallsample import wilson_interval

__all__ = [
    "REALDATA",
    "wilson_interval",
    "agent_volume_handle_time",
    "type_mix",
    "adjusted_agent_comparison",
    "converted_calls",
    "conversion_by_bins",
    "predictor_check",
    "lead_conversion_by",
    "lead_conversion_by_agent",
    "deals_per_agent",
    "RealDataTour",
    "open_tour",
]

#: Real datasets of the tour: mapping file and the folder it needs under the data root.
REALDATA = {
    "anonymous_bank": ("anonymous_bank.yaml", "anonymous_bank_callcenter"),
    "uci_bank_marketing": ("uci_bank_marketing.yaml", "uci_bank_marketing"),
    "olist_funnel": ("olist_funnel.yaml", "olist_marketing_funnel"),
}

VOLUME_COLUMNS = [
    "agent_id",
    "calls",
    "share",
    "mean_handle_s",
    "median_handle_s",
    "median_ci_low",
    "median_ci_high",
    "p90_handle_s",
    "small_sample",
]
MIX_COLUMNS = ["agent_id", "call_type", "calls", "share_of_agent", "share_overall"]
ADJUSTED_COLUMNS = [
    "agent_id",
    "calls",
    "main_type",
    "main_type_share",
    "raw_ratio",
    "expected_ratio",
    "adjusted_ratio",
    "ci_low",
    "ci_high",
    "raw_rank",
    "adjusted_rank",
    "rank_shift",
    "small_sample",
]
BIN_COLUMNS = ["bin", "calls", "conversions", "rate", "ci_low", "ci_high"]
PREDICTOR_COLUMNS = ["variable", "known_before_call", "auc", "usable_for_targeting", "why"]
RATE_COLUMNS = ["group", "leads", "converted", "rate", "ci_low", "ci_high", "small_sample"]
AGENT_RATE_COLUMNS = ["agent_id", "leads", "converted", "rate", "ci_low", "ci_high", "reason"]
DEAL_COLUMNS = [
    "agent_id",
    "deals",
    "share",
    "median_cycle_days",
    "negative_cycles",
    "nonzero_amounts",
    "median_nonzero_amount",
    "mean_amount",
    "small_sample",
]


def _median_ci(values: np.ndarray, confidence: float) -> tuple[float, float]:
    """Distribution-free CI for the median from binomial order statistics."""
    x = np.sort(values[~np.isnan(values)])
    n = len(x)
    if n == 0:
        return np.nan, np.nan
    alpha = 1 - confidence
    lo = int(stats.binom.ppf(alpha / 2, n, 0.5))  # number of order stats below the interval
    if lo == 0:
        # too few values: even [min, max] covers the median with less than `confidence`
        return np.nan, np.nan
    return float(x[lo - 1]), float(x[n - lo])


def agent_volume_handle_time(
    calls: pd.DataFrame,
    *,
    min_calls: int = 100,
    confidence: float = 0.95,
    connected_only: bool = True,
) -> pd.DataFrame:
    """Per-agent call volume and handle time, with small-sample flags and intervals.

    Parameters
    ----------
    calls : DataFrame
        Contract ``calls`` table (``agent_id``, ``duration_s``, ``outcome``).
    min_calls : int
        Agents with fewer calls are flagged ``small_sample`` (their medians are imprecise).
    confidence : float
        Level of the median's confidence interval.
    connected_only : bool
        Use connected calls only (handle time of unconnected dials is 0 by definition).

    Returns
    -------
    DataFrame
        ``agent_id``; ``calls``; ``share`` of all calls; ``mean_handle_s``;
        ``median_handle_s``; ``median_ci_low``, ``median_ci_high`` (distribution-free CI;
        NaN when there are too few calls for any interval to reach ``confidence``);
        ``p90_handle_s``; ``small_sample`` (calls < min_calls). Sorted by calls, descending.

    Notes
    -----
    The median's interval uses order statistics: with :math:`k` the ``alpha/2`` quantile of
    Binomial(n, 1/2), the interval is :math:`[x_{(k)}, x_{(n-k+1)}]`, which covers the median
    with probability at least ``confidence`` for any continuous distribution.
    """
    if connected_only and "outcome" in calls:
        calls = calls[calls["outcome"] == "connected"]
    if calls.empty:
        return pd.DataFrame(columns=VOLUME_COLUMNS)
    rows = []
    total = len(calls)
    for agent, g in calls.groupby("agent_id", sort=False):
        d = g["duration_s"].to_numpy(dtype=float)
        lo, hi = _median_ci(d, confidence)
        rows.append(
            {
                "agent_id": agent,
                "calls": len(g),
                "share": len(g) / total,
                "mean_handle_s": float(np.nanmean(d)),
                "median_handle_s": float(np.nanmedian(d)),
                "median_ci_low": lo,
                "median_ci_high": hi,
                "p90_handle_s": float(np.nanpercentile(d, 90)),
                "small_sample": len(g) < min_calls,
            }
        )
    out = pd.DataFrame(rows, columns=VOLUME_COLUMNS)
    return out.sort_values("calls", ascending=False, ignore_index=True)


def type_mix(calls: pd.DataFrame, *, by: str = "call_type") -> pd.DataFrame:
    """Per agent and call type: calls, share of the agent's calls and of all calls of the type.

    Returns
    -------
    DataFrame
        ``agent_id``, ``call_type`` (values of ``by``), ``calls``, ``share_of_agent``,
        ``share_overall`` (share of all calls that are of this type: the agent's mix compared
        with the centre's).
    """
    if calls.empty or by not in calls:
        return pd.DataFrame(columns=MIX_COLUMNS)
    counts = calls.groupby(["agent_id", by]).size().rename("calls").reset_index()
    counts = counts.rename(columns={by: "call_type"})
    counts["share_of_agent"] = counts["calls"] / counts.groupby("agent_id")["calls"].transform(
        "sum"
    )
    overall = calls[by].value_counts(normalize=True)
    counts["share_overall"] = counts["call_type"].map(overall).astype(float)
    return counts[MIX_COLUMNS].sort_values(
        ["agent_id", "calls"], ascending=[True, False], ignore_index=True
    )


def adjusted_agent_comparison(
    calls: pd.DataFrame,
    *,
    by: str = "call_type",
    min_calls: int = 100,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Handle time per agent before and after controlling for the call-type mix.

    An agent who mostly takes long call types (e.g. stock-exchange calls) looks slow on raw
    handle time; the adjusted ratio compares agents as if they took the same mix.

    Parameters
    ----------
    calls : DataFrame
        Contract calls with a call-type column ``by`` (connected calls are used).
    by : str
        Column holding the call type.
    min_calls, confidence : optional
        Small-sample threshold; level of the interval of the adjusted ratio.

    Returns
    -------
    DataFrame
        ``agent_id``, ``calls``, ``main_type`` and ``main_type_share`` (the agent's most
        common type); ``raw_ratio`` (agent's geometric-mean handle time / centre's);
        ``expected_ratio`` (the ratio the agent's type mix alone predicts);
        ``adjusted_ratio`` with ``ci_low``/``ci_high`` (type-adjusted; 1 = average);
        ``raw_rank``, ``adjusted_rank`` (1 = shortest handle time), ``rank_shift``
        (raw - adjusted); ``small_sample``.

    Notes
    -----
    With :math:`y = \\log(\\text{duration\\_s} + 1)`, OLS fits
    :math:`y_i = \\alpha_{a(i)} + \\beta_{t(i)} + \\varepsilon_i` (first type as reference).
    ``adjusted_ratio`` = :math:`\\exp(\\alpha_a - \\bar\\alpha)` with :math:`\\bar\\alpha`
    the call-weighted mean of agent effects, and its interval uses the OLS covariance of
    that contrast. ``raw_ratio`` = :math:`\\exp(\\bar y_a - \\bar y)`; ``expected_ratio`` =
    :math:`\\exp(\\sum_t s_{a,t}\\bar y_t - \\bar y)` (indirect standardisation, :math:`s_{a,t}`
    the agent's share of type t).
    """
    import statsmodels.api as sm

    if calls.empty or by not in calls:
        return pd.DataFrame(columns=ADJUSTED_COLUMNS)
    if "outcome" in calls:
        calls = calls[calls["outcome"] == "connected"]
    calls = calls.dropna(subset=["duration_s", by, "agent_id"])
    if calls.empty:
        return pd.DataFrame(columns=ADJUSTED_COLUMNS)
    y = np.log1p(calls["duration_s"].to_numpy(dtype=float))
    agents = pd.Categorical(calls["agent_id"].astype(str))
    types = pd.Categorical(calls[by].astype(str))
    xa = pd.get_dummies(agents, dtype=float).to_numpy()
    xt = pd.get_dummies(types, dtype=float).to_numpy()[:, 1:]
    fit = sm.OLS(y, np.hstack([xa, xt])).fit()
    k = xa.shape[1]
    n_a = xa.sum(axis=0)
    w = n_a / n_a.sum()
    contrast = np.eye(k) - w[None, :]
    alpha = fit.params[:k]
    effect = contrast @ alpha
    cov = fit.cov_params()[:k, :k]
    se = np.sqrt(np.einsum("ij,jk,ik->i", contrast, cov, contrast))
    tcrit = stats.t.ppf(1 - (1 - confidence) / 2, fit.df_resid)

    frame = pd.DataFrame({"agent_id": agents.astype(str), "t": types.astype(str), "y": y})
    grand = y.mean()
    type_mean = frame.groupby("t")["y"].mean()
    mix = frame.groupby(["agent_id", "t"]).size().unstack(fill_value=0)
    mix = mix.div(mix.sum(axis=1), axis=0)
    expected = mix.mul(type_mean[mix.columns], axis=1).sum(axis=1)
    raw = frame.groupby("agent_id")["y"].mean()
    main = mix.idxmax(axis=1)
    out = pd.DataFrame(
        {
            "agent_id": list(agents.categories),
            "calls": n_a.astype(int),
            "adjusted_ratio": np.exp(effect),
            "ci_low": np.exp(effect - tcrit * se),
            "ci_high": np.exp(effect + tcrit * se),
        }
    )
    out["main_type"] = out["agent_id"].map(main)
    out["main_type_share"] = [mix.loc[a, main[a]] for a in out["agent_id"]]
    out["raw_ratio"] = np.exp(out["agent_id"].map(raw) - grand)
    out["expected_ratio"] = np.exp(out["agent_id"].map(expected) - grand)
    out["raw_rank"] = out["raw_ratio"].rank(method="min").astype(int)
    out["adjusted_rank"] = out["adjusted_ratio"].rank(method="min").astype(int)
    out["rank_shift"] = out["raw_rank"] - out["adjusted_rank"]
    out["small_sample"] = out["calls"] < min_calls
    return out[ADJUSTED_COLUMNS].sort_values("raw_ratio", ascending=False, ignore_index=True)


def converted_calls(calls: pd.DataFrame, orders: pd.DataFrame) -> pd.Series:
    """Whether each call's lead (else customer) has an order: a boolean Series on calls."""
    key = "lead_id" if "lead_id" in calls and "lead_id" in orders else "customer_id"
    if key not in calls or key not in orders:
        raise KeyError(
            "calls and orders need a shared `lead_id` or `customer_id` column to link a call "
            "to its order."
        )
    return calls[key].isin(orders[key].dropna()).fillna(False).astype(bool)


def conversion_by_bins(
    calls: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    by: str,
    bins: list[float],
    labels: list[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Conversion by bins of a numeric call column, with Wilson intervals.

    Parameters
    ----------
    calls, orders : DataFrame
        Contract tables; a call converts when its ``lead_id`` (else ``customer_id``) has an
        order.
    by : str
        Numeric call column, e.g. ``campaign_contacts`` or ``duration_s``.
    bins : list of float
        Left-closed bin edges (``[1, 2, 3, 6, 11, inf]``: 1, 2, 3-5, 6-10, 11+).
    labels : list of str, optional
        Bin labels; default ``[a, b)`` ranges.

    Returns
    -------
    DataFrame
        ``bin``, ``calls``, ``conversions``, ``rate``, ``ci_low``, ``ci_high`` (Wilson).
    """
    if calls.empty or by not in calls:
        return pd.DataFrame(columns=BIN_COLUMNS)
    x = pd.to_numeric(calls[by], errors="coerce").astype(float)
    cut = pd.cut(x, bins=bins, labels=labels, right=False)
    conv = converted_calls(calls, orders)
    g = pd.DataFrame({"bin": cut, "c": conv}).groupby("bin", observed=False)["c"]
    out = pd.DataFrame({"calls": g.size(), "conversions": g.sum()}).reset_index()
    out["bin"] = out["bin"].astype(str)
    out["rate"] = out["conversions"] / out["calls"].where(out["calls"] > 0)
    out["ci_low"], out["ci_high"] = wilson_interval(
        out["conversions"], out["calls"], confidence=confidence
    )
    return out[BIN_COLUMNS]


def predictor_check(
    calls: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    variables: dict[str, bool],
) -> pd.DataFrame:
    """How well each variable separates converting calls, and whether it is usable.

    Parameters
    ----------
    variables : dict of str to bool
        Call column -> whether its value is known before the call is made.

    Returns
    -------
    DataFrame
        ``variable``, ``known_before_call``, ``auc`` (probability that a random converting
        call has a larger value than a random non-converting one; 0.5 = no separation),
        ``usable_for_targeting`` (known before the call), ``why``.

    Notes
    -----
    AUC = U / (n1 n0) with U the Mann-Whitney statistic of the converting group. A variable
    measured during or after the call (such as the call's duration) can separate outcomes
    very well and still be useless for deciding whom to call or for judging agents: a
    customer who is buying stays on the line, so the duration partly *is* the outcome.
    """
    if calls.empty:
        return pd.DataFrame(columns=PREDICTOR_COLUMNS)
    conv = converted_calls(calls, orders).to_numpy()
    rows = []
    for var, before in variables.items():
        x = pd.to_numeric(calls[var], errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(x)
        pos, neg = x[ok & conv], x[ok & ~conv]
        auc = (
            stats.mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg))
            if len(pos) and len(neg)
            else np.nan
        )
        why = (
            "known before dialling: can guide whom to call"
            if before
            else "only known after the call ends (post-hoc): it describes the outcome, it cannot "
            "predict it"
        )
        rows.append(
            {
                "variable": var,
                "known_before_call": before,
                "auc": float(auc),
                "usable_for_targeting": bool(before),
                "why": why,
            }
        )
    return pd.DataFrame(rows, columns=PREDICTOR_COLUMNS)


def _rates(groups: pd.Series, converted: pd.Series, confidence: float, min_n: int):
    g = pd.DataFrame({"group": groups, "c": converted}).groupby("group", dropna=False)["c"]
    out = pd.DataFrame({"leads": g.size(), "converted": g.sum()}).reset_index()
    out["rate"] = out["converted"] / out["leads"].where(out["leads"] > 0)
    out["ci_low"], out["ci_high"] = wilson_interval(
        out["converted"], out["leads"], confidence=confidence
    )
    out["small_sample"] = out["leads"] < min_n
    return out


def lead_conversion_by(
    leads: pd.DataFrame,
    orders: pd.DataFrame,
    *,
    by: str = "source",
    confidence: float = 0.95,
    min_leads: int = 100,
) -> pd.DataFrame:
    """Lead conversion (the lead has an order) by a lead column, with Wilson intervals.

    Returns
    -------
    DataFrame
        ``group`` (value of ``by``; ``(missing)`` for empty), ``leads``, ``converted``,
        ``rate``, ``ci_low``, ``ci_high``, ``small_sample`` (leads < min_leads). Sorted by
        rate, descending.
    """
    if leads.empty or by not in leads:
        return pd.DataFrame(columns=RATE_COLUMNS)
    groups = leads[by].astype("string").fillna("(missing)")
    conv = leads["lead_id"].isin(orders["lead_id"].dropna()) if "lead_id" in orders else None
    if conv is None:
        raise KeyError("orders need a `lead_id` column to compute lead conversion.")
    out = _rates(groups, conv, confidence, min_leads)
    return out[RATE_COLUMNS].sort_values("rate", ascending=False, ignore_index=True)


def lead_conversion_by_agent(
    leads: pd.DataFrame, orders: pd.DataFrame, *, confidence: float = 0.95
) -> pd.DataFrame:
    """Lead conversion per agent: leads assigned to the agent that have an order.

    When the orders of an agent come from leads assigned to someone else (or to a pseudo-agent
    such as an unattributed pool), the agent has deals but no denominator: ``rate`` is NaN and
    ``reason`` says so, instead of a made-up conversion rate.

    Returns
    -------
    DataFrame
        ``agent_id``, ``leads`` (assigned), ``converted`` (of those leads), ``rate``,
        ``ci_low``, ``ci_high`` (Wilson), ``reason`` (why ``rate`` is missing, else empty).
        Agents with orders but no leads are listed with ``leads`` = 0 and ``converted`` = their
        deal count.
    """
    if leads.empty:
        return pd.DataFrame(columns=AGENT_RATE_COLUMNS)
    conv = leads["lead_id"].isin(orders["lead_id"].dropna())
    out = _rates(leads["agent_id"], conv, confidence, 0).rename(columns={"group": "agent_id"})
    out["reason"] = ""
    without = orders.loc[~orders["agent_id"].isin(leads["agent_id"]), "agent_id"].value_counts()
    extra = pd.DataFrame(
        {
            "agent_id": without.index,
            "leads": 0,
            "converted": without.to_numpy(),
            "rate": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "reason": "deals but no leads assigned to this agent: no denominator",
        }
    )
    out = pd.concat([out, extra], ignore_index=True) if len(extra) else out
    return out[AGENT_RATE_COLUMNS]


def deals_per_agent(
    orders: pd.DataFrame, leads: pd.DataFrame | None = None, *, min_deals: int = 10
) -> pd.DataFrame:
    """Per agent: deals, lead-to-deal cycle time and amount summary.

    Returns
    -------
    DataFrame
        ``agent_id``, ``deals``, ``share`` of all deals, ``median_cycle_days`` (order time
        minus the lead's ``assigned_at``, when leads are given), ``negative_cycles`` (deals
        won before the lead's first contact: a data error to check), ``nonzero_amounts``,
        ``median_nonzero_amount``, ``mean_amount`` (dominated by outliers when most amounts
        are 0), ``small_sample`` (deals < min_deals). Sorted by deals, descending.
    """
    if orders.empty:
        return pd.DataFrame(columns=DEAL_COLUMNS)
    o = orders.copy()
    if leads is not None and not leads.empty and "lead_id" in o:
        start = o["lead_id"].map(leads.set_index("lead_id")["assigned_at"])
        o["cycle"] = (o["ordered_at"] - start).dt.total_seconds() / 86400
    else:
        o["cycle"] = np.nan
    g = o.groupby("agent_id")
    out = pd.DataFrame(
        {
            "deals": g.size(),
            "median_cycle_days": g["cycle"].median(),
            "negative_cycles": g["cycle"].apply(lambda s: int((s < 0).sum())),
            "nonzero_amounts": g["amount"].apply(lambda s: int((s > 0).sum())),
            "median_nonzero_amount": g["amount"].apply(lambda s: s[s > 0].median()),
            "mean_amount": g["amount"].mean(),
        }
    ).reset_index()
    out["share"] = out["deals"] / out["deals"].sum()
    out["small_sample"] = out["deals"] < min_deals
    return out[DEAL_COLUMNS].sort_values("deals", ascending=False, ignore_index=True)


# --------------------------------------------------------------------------- the tour

_CONTACT_BINS = [1, 2, 3, 4, 5, 6, 11, np.inf]
_CONTACT_LABELS = ["1", "2", "3", "4", "5", "6-10", "11+"]
#: Display buckets of call duration for the conversion-by-duration table of the tour (whole
#: minutes: <1, 1-3, 3-6, 6-10, 10+). They describe the public datasets and are not the
#: effective-call rule, which lives in ``Definitions.effective_min_talk_s`` only.
_DISPLAY_DURATION_BUCKETS_S = [0, 60, 180, 360, 600, np.inf]
_DISPLAY_DURATION_LABELS = ["<60 s", "60-179 s", "180-359 s", "360-599 s", ">=600 s"]


@dataclass
class RealDataTour:
    """The real datasets imported through their mappings; empty tables when absent.

    Attributes
    ----------
    root : Path
        The real-data folder.
    status : DataFrame
        ``dataset``, ``folder``, ``available``, ``mapping``, ``message``.
    results : dict
        ``ImportResult`` per available dataset.
    """

    root: Path
    status: pd.DataFrame
    results: dict = field(default_factory=dict)

    @property
    def available(self) -> bool:
        """Whether any real dataset could be imported."""
        return bool(self.results)

    def dataset(self, name: str) -> Dataset | None:
        """The imported dataset, or None when its folder is absent."""
        r = self.results.get(name)
        return r.dataset if r is not None else None

    def accounting(self) -> pd.DataFrame:
        """Row accounting per dataset, table and source (read = dropped + merged + ... )."""
        parts = [r.balance.assign(dataset=n) for n, r in self.results.items()]
        cols = ["dataset", "table", "source", "read", "dropped", "merged", "quarantined", "used"]
        if not parts:
            return pd.DataFrame(columns=[*cols, "balanced"])
        return pd.concat(parts, ignore_index=True)[[*cols, "balanced"]]

    def drop_reasons(self) -> pd.DataFrame:
        """Every rule that removed rows, with counts: ``dataset``, ``table``, ``stage``, ``rule``, ``rows``."""
        parts = [
            r.accounting[r.accounting.stage.isin(["dropped", "quarantined", "empty"])].assign(
                dataset=n
            )
            for n, r in self.results.items()
        ]
        cols = ["dataset", "table", "stage", "rule", "rows"]
        if not parts:
            return pd.DataFrame(columns=cols)
        return pd.concat(parts, ignore_index=True)[cols]

    def _calls(self, name: str) -> pd.DataFrame:
        ds = self.dataset(name)
        return ds["calls"] if ds is not None else pd.DataFrame()

    def bank_agents(self, *, min_calls: int = 200) -> pd.DataFrame:
        """:func:`agent_volume_handle_time` on the bank call centre."""
        return agent_volume_handle_time(self._calls("anonymous_bank"), min_calls=min_calls)

    def bank_type_mix(self) -> pd.DataFrame:
        """:func:`type_mix` on the bank call centre."""
        return type_mix(self._calls("anonymous_bank"))

    def bank_adjusted(self, *, min_calls: int = 200) -> pd.DataFrame:
        """:func:`adjusted_agent_comparison` on the bank call centre."""
        return adjusted_agent_comparison(self._calls("anonymous_bank"), min_calls=min_calls)

    def _uci(self):
        ds = self.dataset("uci_bank_marketing")
        if ds is None:
            return pd.DataFrame(), pd.DataFrame()
        return ds["calls"], ds["orders"]

    def uci_contacts(self) -> pd.DataFrame:
        """Conversion by the number of contacts in the campaign (Wilson intervals)."""
        calls, orders = self._uci()
        return conversion_by_bins(
            calls, orders, by="campaign_contacts", bins=_CONTACT_BINS, labels=_CONTACT_LABELS
        )

    def uci_duration(self) -> pd.DataFrame:
        """Conversion by the last call's duration (post-hoc: see :meth:`uci_predictors`)."""
        calls, orders = self._uci()
        return conversion_by_bins(
            calls,
            orders,
            by="duration_s",
            bins=_DISPLAY_DURATION_BUCKETS_S,
            labels=_DISPLAY_DURATION_LABELS,
        )

    def uci_predictors(self) -> pd.DataFrame:
        """:func:`predictor_check` for duration (post-hoc) and contact count (known before)."""
        calls, orders = self._uci()
        return predictor_check(
            calls, orders, variables={"duration_s": False, "campaign_contacts": True}
        )

    def _olist(self):
        ds = self.dataset("olist_funnel")
        if ds is None:
            return pd.DataFrame(), pd.DataFrame()
        return ds["leads"], ds["orders"]

    def olist_sources(self) -> pd.DataFrame:
        """Lead conversion by lead source (Wilson intervals)."""
        leads, orders = self._olist()
        return lead_conversion_by(leads, orders, by="source")

    def olist_sdr_deals(self, *, min_deals: int = 10) -> pd.DataFrame:
        """Deals, cycle time and amounts per SDR."""
        leads, orders = self._olist()
        return deals_per_agent(orders, leads, min_deals=min_deals)

    def olist_sdr_conversion(self) -> pd.DataFrame:
        """Lead conversion per agent (shows why per-SDR conversion has no denominator)."""
        leads, orders = self._olist()
        return lead_conversion_by_agent(leads, orders)

    def key_numbers(self) -> dict:
        """A few headline numbers (NaN when the data is absent), for the notebook's last cell."""
        agents = self.bank_agents()
        adj = self.bank_adjusted()
        mix = self.bank_type_mix()
        eli = mix[(mix.agent_id == "ELI") & (mix.call_type == "stock_exchange")]
        contacts = self.uci_contacts()
        return {
            "bank_agents": int(len(agents)),
            "bank_small_sample_agents": int(agents["small_sample"].sum()) if len(agents) else 0,
            "eli_stock_exchange_share": float(eli["share_of_agent"].iloc[0])
            if len(eli)
            else float("nan"),
            "max_rank_shift": int(adj["rank_shift"].abs().max()) if len(adj) else 0,
            "uci_conversion_1_contact": float(contacts["rate"].iloc[0])
            if len(contacts)
            else float("nan"),
            "olist_deals": int(self.olist_sdr_deals()["deals"].sum())
            if self.dataset("olist_funnel") is not None
            else 0,
        }


def open_tour(
    realdata: str | Path = "../shared/realdata", *, mappings: str | Path = "params/mappings"
) -> RealDataTour:
    """Import every real dataset whose folder exists; report the others as unavailable.

    Parameters
    ----------
    realdata : str or Path
        The real-data folder (relative to the repository root unless absolute).
    mappings : str or Path
        Folder of the mapping files.

    Returns
    -------
    RealDataTour
    """
    from kpi_lib.data.mapping import import_export, load_mapping
    from kpi_lib.paths import resolve

    root = resolve(realdata)
    mdir = resolve(mappings)
    rows, results = [], {}
    for name, (mapping_file, folder) in REALDATA.items():
        present = (root / folder).is_dir()
        message = "imported" if present else f"not available: {root / folder} does not exist"
        if present:
            results[name] = import_export(load_mapping(mdir / mapping_file), root)
        rows.append(
            {
                "dataset": name,
                "folder": str(root / folder),
                "available": present,
                "mapping": str(mdir / mapping_file),
                "message": message,
            }
        )
    return RealDataTour(root=root, status=pd.DataFrame(rows), results=results)
