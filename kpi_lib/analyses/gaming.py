"""Signals that agents game the indicators rather than improve the work behind them.

* :func:`bunching` -- excess talk times just above the effective-call threshold;
* :func:`call_padding` -- very short calls or extra dials after a target raise;
* :func:`need_intent_mismatch` -- "need captured" ticked on calls the customer rated as no
  interest;
* :func:`over_promising` -- high sales with many complaints or little repurchase;
* :func:`selective_surveys` -- satisfaction surveys sent only after good calls;
* :func:`flagged_quality` -- the flagged agents' satisfaction, complaints and repurchase
  against their peers, with intervals.

Each returns one row per agent (or team) with the size of the signal, its uncertainty, a
Benjamini-Hochberg adjusted p-value over agents, and ``flagged`` only when the evidence holds
after that correction. Agents with too little data are reported with ``rankable`` False and a
``reason`` code, never ranked: ``few_calls`` (fewer than the check's ``min_calls`` calls of the
kind it counts), ``few_customers``, ``few_surveys`` or ``not_fitted`` (no counterfactual talk-time
density could be fitted); the report words them. A flag is a reason to listen to recordings, not a verdict.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.conflicts import bh_adjust, count_kind, evidence_label
from kpi_lib.indicators.definitions import Definitions

__all__ = [
    "bunching",
    "bunching_bins",
    "call_padding",
    "flagged_quality",
    "FLAGGED_QUALITY_COLUMNS",
    "need_intent_mismatch",
    "over_promising",
    "selective_surveys",
    "select_calls",
    "size_conditions",
    "target_raise_period",
]


def _need(df: pd.DataFrame, table: str, cols: Sequence[str]) -> None:
    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"`{table}` must be a pandas DataFrame.")
    missing = [c for c in cols if c not in df]
    if missing:
        raise KeyError(f"The `{table}` table lacks column(s) {missing}; needs {list(cols)}.")


def _with_team(calls: pd.DataFrame, agents: pd.DataFrame | None) -> pd.DataFrame:
    if "team_id" in calls:
        return calls
    if agents is None:
        raise KeyError(
            "The `calls` table has no `team_id`; pass `agents=` (the agents table) so calls can be "
            "attributed to teams."
        )
    _need(agents, "agents", ["agent_id", "team_id"])
    return calls.merge(agents[["agent_id", "team_id"]], on="agent_id", how="left")


def select_calls(
    calls: pd.DataFrame,
    *,
    agents: pd.DataFrame | None = None,
    period_from: str | None = None,
    period_to: str | None = None,
    teams: Sequence[str] | str | None = None,
) -> pd.DataFrame:
    """Calls within a month range and some teams, with ``team_id`` and ``period`` attached.

    Parameters
    ----------
    calls : DataFrame
        The ``calls`` contract table.
    agents : DataFrame, optional
        The ``agents`` table (needed when ``calls`` has no ``team_id``).
    period_from, period_to : str, optional
        Inclusive months ``"YYYY-MM"``.
    teams : str or list of str, optional
        Teams to keep.

    Returns
    -------
    DataFrame
        The calls columns plus ``team_id`` and ``period`` (``YYYY-MM`` of ``started_at``).
    """
    _need(calls, "calls", ["agent_id", "started_at", "duration_s", "outcome"])
    out = _with_team(calls, agents)
    out = out.assign(period=pd.to_datetime(out["started_at"]).dt.strftime("%Y-%m"))
    if period_from:
        out = out[out["period"] >= str(period_from)[:7]]
    if period_to:
        out = out[out["period"] <= str(period_to)[:7]]
    if teams not in (None, "", []):
        teams = [teams] if isinstance(teams, str) else list(teams)
        out = out[out["team_id"].isin(teams)]
    return out.reset_index(drop=True)


# --------------------------------------------------------------------------- bunching


class _BunchingDesign:
    """Bins and the linear functionals of bin counts that give the bunching estimates."""

    def __init__(self, threshold, bin_width, window, fit_range, degree):
        lo, hi = fit_range
        if not (lo <= window[0] < threshold < window[1] <= hi):
            raise ValueError(
                "Need fit_range[0] <= bunching window low < effective_min_talk_s < bunching "
                f"window high <= fit_range[1]; got fit_range={fit_range}, bunching window="
                f"{window} and effective_min_talk_s={threshold} (see the definitions "
                "`bunching_below_s` and `bunching_above_s`)."
            )
        for name, v in (
            ("bunching window low (effective_min_talk_s - bunching_below_s)", window[0]),
            ("bunching window high (effective_min_talk_s + bunching_above_s)", window[1]),
            ("effective_min_talk_s", threshold),
        ):
            if (v - lo) % bin_width:
                raise ValueError(
                    f"The {name} = {v:g} s must lie on a bin edge: fit_range[0] + k * bin_width "
                    f"(bin_width={bin_width})."
                )
        self.edges = np.arange(lo, hi + bin_width, bin_width, dtype=float)
        self.edges = self.edges[self.edges <= hi]
        left = self.edges[:-1]
        self.left = left
        mid = left + bin_width / 2
        self.inside = (left >= window[0]) & (left < window[1])
        self.above = (left >= threshold) & (left < window[1])
        self.below = (left >= window[0]) & (left < threshold)
        n_out = int((~self.inside).sum())
        if n_out <= degree + 1:
            raise ValueError(
                f"Only {n_out} bins outside the excluded window for a degree-{degree} polynomial; "
                "widen `fit_range` or reduce `degree`."
            )
        u = (mid - mid.mean()) / (mid.max() - mid.mean())
        X = np.vander(u, degree + 1, increasing=True)
        # counterfactual counts = H @ counts (fit outside the window, predict everywhere)
        H = np.zeros((len(mid), len(mid)))
        H[:, ~self.inside] = X @ np.linalg.pinv(X[~self.inside])
        self.H = H
        self.w_cf_above = H[self.above].sum(axis=0)
        self.w_obs_above = self.above.astype(float)
        self.w_cf_below = H[self.below].sum(axis=0)
        self.w_obs_below = self.below.astype(float)

    def counts(self, durations: np.ndarray) -> np.ndarray:
        return np.histogram(durations, bins=self.edges)[0].astype(float)

    def estimate(self, counts: np.ndarray) -> dict:
        """counts: (..., n_bins) -> excess above threshold and its ratio to the counterfactual."""
        cf_above = counts @ self.w_cf_above
        obs_above = counts @ self.w_obs_above
        excess = obs_above - cf_above
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = np.where(cf_above > 0, excess / cf_above, np.nan)
        return {
            "observed_above": obs_above,
            "counterfactual_above": cf_above,
            "excess_calls": excess,
            "excess_ratio": ratio,
            "missing_below": counts @ self.w_obs_below - counts @ self.w_cf_below,
        }


def _design(definitions, bin_width, fit_range, degree) -> _BunchingDesign:
    """The bunching design at the threshold and window of ``definitions``."""
    d = Definitions.from_yaml(definitions)
    return _BunchingDesign(
        float(d.effective_min_talk_s), bin_width, d.bunching_window, tuple(fit_range), degree
    )


def _connected(calls: pd.DataFrame) -> pd.DataFrame:
    return calls[(calls["outcome"] == "connected") & calls["duration_s"].notna()]


def bunching_bins(
    calls: pd.DataFrame,
    *,
    definitions: Definitions | None = None,
    bin_width: float = 5,
    fit_range: tuple[float, float] = (60, 420),
    degree: int = 7,
    agent_id: str | None = None,
) -> pd.DataFrame:
    """Observed and counterfactual counts per talk-time bin (the data behind the bunching plot).

    Parameters
    ----------
    calls : DataFrame
        Calls table; connected calls are used.
    definitions, bin_width, fit_range, degree
        As in :func:`bunching`.
    agent_id : str, optional
        Restrict to one agent.

    Returns
    -------
    DataFrame
        One row per bin: ``bin_start``, ``bin_end``, ``observed``, ``counterfactual``,
        ``excluded`` (bin inside the bunching window), ``above_threshold`` (bin in
        [threshold, window high)).
    """
    _need(calls, "calls", ["agent_id", "duration_s", "outcome"])
    design = _design(definitions, bin_width, fit_range, degree)
    c = _connected(calls)
    if agent_id is not None:
        c = c[c["agent_id"] == agent_id]
    counts = design.counts(c["duration_s"].to_numpy(float))
    return pd.DataFrame(
        {
            "bin_start": design.left,
            "bin_end": design.left + bin_width,
            "observed": counts,
            "counterfactual": design.H @ counts,
            "excluded": design.inside,
            "above_threshold": design.above,
        }
    )


#: Degree of the tilt (a polynomial in log talk time) between one group's talk-time density and
#: its peers' in the peer counterfactual of :func:`bunching`: 2 is exact when both densities are
#: lognormal (the log density of a lognormal is quadratic in log t), so a group that talks
#: longer or more variably than its peers is not mistaken for bunching.
PEER_TILT_DEGREE = 2


def _bunching_fit(counts, X, offset, k):
    """Poisson GLM of bin counts; the coefficient in column ``k`` (excess dummy) with its
    quasi-Poisson standard error. None when the fit fails."""
    import statsmodels.api as sm  # noqa: PLC0415  (heavy; only when bunching runs)

    try:
        with np.errstate(all="ignore"):
            fit = sm.GLM(counts, X, family=sm.families.Poisson(), offset=offset).fit(maxiter=100)
    except (ValueError, np.linalg.LinAlgError):
        return None
    b, cov = np.asarray(fit.params), np.asarray(fit.cov_params())
    if not np.all(np.isfinite(b)) or not np.all(np.isfinite(np.diag(cov))):
        return None
    df = len(counts) - X.shape[1]
    scale = max(1.0, float(fit.pearson_chi2) / df) if df > 0 else 1.0
    return b, cov, scale


def _glm_bunching(
    design: _BunchingDesign,
    counts: np.ndarray,
    degree: int,
    peer_log_shape: np.ndarray | None = None,
    peer_share: float = 0.0,
) -> dict | None:
    """Poisson regression of the bin counts on a counterfactual plus one dummy for the bins in
    ``[threshold, high)`` (excess) and one for ``[low, threshold)`` (missing mass);
    quasi-Poisson scale from the Pearson residuals (at least 1). None when the fit fails (too
    few calls).

    Counterfactual: a log-polynomial of degree ``degree`` in the bin mid-point (the group's own
    calls outside the window), or, when ``peer_log_shape`` is given, the peers' smooth log
    density (offset) tilted by a polynomial of degree :data:`PEER_TILT_DEGREE` in log talk
    time; the standard error then also counts the peers' estimation noise, approximated by the
    factor ``sqrt(1 + peer_share)`` (``peer_share`` = the group's calls / the peers' calls).
    """
    if counts[design.above].sum() == 0 or counts[~design.inside].sum() == 0:
        return None
    mid = design.left + (design.edges[1] - design.edges[0]) / 2
    if peer_log_shape is None:
        u = (mid - mid.mean()) / (mid.max() - mid.mean())
        base, offset = np.vander(u, degree + 1, increasing=True), None
    else:
        lu = np.log(mid)
        lu = (lu - lu.mean()) / (lu.max() - lu.mean())
        base, offset = np.vander(lu, PEER_TILT_DEGREE + 1, increasing=True), peer_log_shape
    k = base.shape[1]
    X = np.column_stack([base, design.above, design.below]).astype(float)
    res = _bunching_fit(counts, X, offset, k)
    if res is None:
        return None
    b, cov, scale = res
    log_cf = X[:, :k] @ b[:k] + (0.0 if offset is None else offset)
    cf = np.exp(log_cf)
    return {
        "counterfactual": cf,
        "b": float(b[k]),
        "se": float(np.sqrt(cov[k, k] * scale * (1.0 + peer_share))),
        "scale": scale,
        "missing_below": float(counts[design.below].sum() - cf[design.below].sum()),
    }


def _peer_log_shape(design: _BunchingDesign, counts: np.ndarray, degree: int):
    """The peers' smooth log density per bin: the own-polynomial counterfactual of
    :func:`_glm_bunching` fitted to the peers' pooled counts (their own bunching window
    excluded), or None when it cannot be fitted."""
    fit = _glm_bunching(design, counts, degree)
    return None if fit is None else np.log(fit["counterfactual"])


def bunching(
    calls: pd.DataFrame,
    *,
    by: str | None = "agent_id",
    agents: pd.DataFrame | None = None,
    definitions: Definitions | None = None,
    bin_width: float = 5,
    fit_range: tuple[float, float] = (60, 420),
    degree: int = 7,
    n_boot: int = 500,
    min_calls: int | None = None,
    counterfactual: str = "peers",
    min_peer_ratio: float = 10.0,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> pd.DataFrame:
    """Excess mass of talk times just above the effective-call threshold (threshold bunching).

    Parameters
    ----------
    calls : DataFrame
        Calls table (``agent_id``, ``duration_s``, ``outcome``; ``team_id`` or ``agents`` when
        ``by="team_id"``). Only connected calls within ``fit_range`` are used.
    by : {"agent_id", "team_id", None}
        Estimate per agent, per team, or once for all calls.
    agents : DataFrame, optional
        The agents table, to attach teams.
    definitions : Definitions, optional
        The effective-call threshold (``effective_min_talk_s``) and the bunching window
        ``[low, high)`` around it (``bunching_window``): bins in the window are not used to fit
        the counterfactual; the excess is measured in ``[threshold, high)``. None means
        :class:`~kpi_lib.indicators.definitions.Definitions()` (180 s, window 165-210 s).
    bin_width : float
        Bin width in seconds; the threshold and both ends of the window must lie on bin edges.
    fit_range : (float, float)
        Talk times used for the fit.
    degree : int
        Degree of the counterfactual polynomial (of the log of the expected bin count).
    n_boot : int
        Draws from the estimates' sampling distribution for the rank intervals.
    min_calls : int, optional
        Groups with fewer connected calls in ``fit_range`` are reported but not ranked or
        flagged. None (default): ten calls per model parameter, ``10 * (degree + 3)`` (100 for
        the default degree), so that a month or a quarter of one agent's calls can be tested.
    counterfactual : {"peers", "own"}
        What a group's talk times would look like without bunching. ``"peers"`` (default): the
        other groups' pooled calls (their smooth density, bunching window excluded), tilted by
        a quadratic in log talk time fitted to the group's own calls outside the window.
        ``"own"``: a degree-``degree`` log-polynomial fitted to the group's own calls only
        (always so for ``by=None``, and for a group whose peers have fewer than
        ``min_peer_ratio`` times its calls).
    min_peer_ratio : float
        Fewest peer calls, as a multiple of the group's own, for the peer counterfactual.
    alpha : float
        1 - confidence level, and false-discovery rate for ``flagged``.
    seed : int, optional
        Seed of the rank-interval draws.

    Returns
    -------
    DataFrame
        One row per group, largest evidence first: the ``by`` column (and ``team_id`` when
        ``by="agent_id"``), ``n_calls``, ``observed_above``, ``counterfactual_above``,
        ``excess_calls``, ``excess_ratio`` (excess relative to the counterfactual in
        ``[threshold, high)``: 0.5 = 50 % more calls than expected there), ``ci_low``,
        ``ci_high`` (Wald interval of the excess dummy, transformed), ``se`` (of
        ``log(1 + excess_ratio)``), ``missing_below`` (observed minus counterfactual in
        ``[low, threshold)``; negative = a hole below the threshold), ``p_value`` (one-sided,
        excess > 0, quasi-Poisson Wald test), ``p_adj`` (Benjamini-Hochberg over rankable
        groups), ``evidence``, ``rankable``, ``flagged`` (rankable, ``p_adj < alpha`` and
        ``ci_low > 0``), ``rank`` (1 = largest lower bound, rankable groups only),
        ``rank_ci_low``, ``rank_ci_high`` (interval of the rank over draws of the estimates),
        ``reason``, ``resample`` (now always ``"poisson-glm"``: the inference is model-based),
        ``counterfactual`` (``"peers"`` or ``"own"``: the one used for that group).

    Notes
    -----
    The bin counts ``c_j`` are Poisson with ``log E c_j = sum_k beta_k u_j^k + delta A_j +
    gamma B_j`` (``u`` the rescaled bin mid-point, ``A_j`` = bin in ``[t, high)``, ``B_j`` = bin
    in ``[low, t)``): the polynomial is the counterfactual density (Chetty et al. 2011) fitted
    to the bins outside the window, and ``excess_ratio = exp(delta) - 1`` is the excess in
    ``[t, high)`` relative to the counterfactual there. The test of ``delta > 0`` is a Wald test
    with the quasi-Poisson scale ``max(1, Pearson chi2 / df)``, so extra-Poisson roughness of
    the density widens the interval rather than making a flag; the fit uncertainty of the
    counterfactual is part of the standard error (the bootstrap of a skewed ratio it replaces
    gave far too many flags on data with no padding, issue 17). A stretch of calls drawn from
    below the window pulls the fit down and overstates ``excess_ratio``; the test is unaffected
    in size.

    The own polynomial spends eight parameters on one agent's few hundred calls, so its
    counterfactual is noisy and moderate padding (10 % of the 90-180 s calls stretched) was
    found in only 63-73 % of cases. The peer counterfactual (default) takes the density's shape
    from the other groups' pooled calls (leave-one-out, tens of times more calls) and fits only
    three parameters of the group's own: ``log E c_j = log s_j + sum_{k<=2} beta_k l_j^k +
    delta A_j + gamma B_j`` with ``s`` the peers' smooth counts and ``l`` the rescaled log bin
    mid-point (a difference-in-bunching design with the peers as the control distribution,
    Kleven 2016, section 4). The tilt is exact for lognormal talk times of any median and
    spread; rougher differences raise the quasi-Poisson scale. The peers' own noise is counted
    by inflating the variance by ``1 + n_group / n_peers``. Calibration on simulated data with
    nothing planted and the power on moderate padding are in ``benchmarks/README.md``.

    References
    ----------
    Chetty R, Friedman JN, Olsen T, Pistaferri L (2011). Adjustment costs, firm responses, and
    micro vs. macro labor supply elasticities. QJE 126(2):749-804.
    Kleven HJ (2016). Bunching. Annual Review of Economics 8:435-464.

    Examples
    --------
    >>> from kpi_lib.analyses.gaming import bunching
    >>> from kpi_lib.datasets import load_sample
    >>> ds = load_sample()
    >>> res = bunching(ds["calls"], agents=ds.agents, seed=0)
    >>> res[["agent_id", "flagged"]].head(2)
      agent_id  flagged
    0    A0014     True
    1    A0021     True
    """
    check_option("by", by, ["agent_id", "team_id", None])
    check_option("counterfactual", counterfactual, ["peers", "own"])
    _need(calls, "calls", ["agent_id", "duration_s", "outcome"])
    design = _design(definitions, bin_width, fit_range, degree)
    if min_calls is None:
        min_calls = 10 * (degree + 3)
    c = _connected(calls)
    if by == "team_id" or (by == "agent_id" and ("team_id" in c or agents is not None)):
        c = _with_team(c, agents)
    c = c[(c["duration_s"] >= fit_range[0]) & (c["duration_s"] < fit_range[1])]
    rng = np.random.default_rng(seed)
    bin_idx = np.searchsorted(design.edges, c["duration_s"].to_numpy(float), side="right") - 1
    n_bins = len(design.left)
    groups = [("all", c, bin_idx)] if by is None else []
    if by is not None:
        codes, uniq = pd.factorize(c[by])
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(uniq) + 1))
        for k, g in enumerate(uniq):
            sel = order[bounds[k] : bounds[k + 1]]
            groups.append((g, c.iloc[sel], bin_idx[sel]))
    crit = stats.norm.ppf(1 - alpha / 2)
    rows, draws = [], []
    all_counts = np.bincount(bin_idx, minlength=n_bins).astype(float)
    for g, gc, gb in groups:
        counts = np.bincount(gb, minlength=n_bins).astype(float)
        n = int(counts.sum())
        peers = all_counts - counts
        shape = None
        if counterfactual == "peers" and by is not None and peers.sum() >= min_peer_ratio * n:
            shape = _peer_log_shape(design, peers, degree)
        fit = (
            _glm_bunching(
                design, counts, degree, shape, n / peers.sum() if shape is not None else 0.0
            )
            if n >= min_calls
            else None
        )
        obs_above = float(counts[design.above].sum())
        if fit is None:
            b, se, cf_above, missing = np.nan, np.nan, np.nan, np.nan
        else:
            b, se = fit["b"], fit["se"]
            cf_above = float(fit["counterfactual"][design.above].sum())
            missing = fit["missing_below"]
        rankable = fit is not None and np.isfinite(se) and se > 0
        row = {
            **({by: g} if by else {}),
            "n_calls": n,
            "observed_above": obs_above,
            "counterfactual_above": cf_above,
            "excess_calls": obs_above - cf_above,
            "excess_ratio": float(np.expm1(b)),
            "ci_low": float(np.expm1(b - crit * se)),
            "ci_high": float(np.expm1(b + crit * se)),
            "se": se,
            "missing_below": missing,
            "p_value": float(stats.norm.sf(b / se)) if rankable else np.nan,
            "rankable": bool(rankable),
            "reason": "" if rankable else ("few_calls" if n < min_calls else "not_fitted"),
            "resample": "poisson-glm",
            "counterfactual": "peers" if shape is not None else "own",
        }
        if by == "agent_id" and "team_id" in gc:
            row["team_id"] = gc["team_id"].iloc[0] if len(gc) else ""
        rows.append(row)
        draws.append(np.expm1(b + se * rng.standard_normal(n_boot)) if rankable else None)
    out = pd.DataFrame(rows)
    out["p_adj"] = bh_adjust(out["p_value"].where(out["rankable"]))
    out["evidence"] = evidence_label(out["p_adj"])
    out["flagged"] = out["rankable"] & (out["p_adj"] < alpha) & (out["ci_low"] > 0)
    # ranks by the conservative end of the interval, and how much they could move
    out["rank"] = out["ci_low"].where(out["rankable"]).rank(ascending=False, method="min")
    ok = out["rankable"].to_numpy()
    out["rank_ci_low"] = np.nan
    out["rank_ci_high"] = np.nan
    if ok.sum() > 1:
        boots = np.vstack([d for d in draws if d is not None])
        rb = pd.DataFrame(boots).rank(ascending=False, axis=0).to_numpy()
        out.loc[ok, "rank_ci_low"] = np.nanpercentile(rb, 100 * alpha / 2, axis=1)
        out.loc[ok, "rank_ci_high"] = np.nanpercentile(rb, 100 * (1 - alpha / 2), axis=1)
    lead = [by] if by else []
    if by == "agent_id" and "team_id" in out:
        lead.append("team_id")
    cols = lead + [
        "n_calls", "observed_above", "counterfactual_above", "excess_calls", "excess_ratio",
        "ci_low", "ci_high", "se", "missing_below", "p_value", "p_adj", "evidence", "rankable",
        "flagged", "rank", "rank_ci_low", "rank_ci_high", "reason", "resample", "counterfactual",
    ]  # fmt: skip
    out = out.sort_values(["rank", "n_calls"], ascending=[True, False], na_position="last")
    return out[cols].reset_index(drop=True)


# --------------------------------------------------------------------------- call padding


def target_raise_period(
    targets: pd.DataFrame,
    *,
    indicators: Sequence[str] = ("dials", "connects", "effective_calls"),
    min_raise: float = 0.10,
) -> pd.DataFrame:
    """Periods in which a volume target rose by at least ``min_raise`` over the previous period.

    Returns
    -------
    DataFrame
        ``scope``, ``scope_id``, ``indicator``, ``period`` (first period with the raised target),
        ``previous_target``, ``target``, ``raise`` (relative).
    """
    _need(targets, "targets", ["period", "scope", "scope_id", "indicator", "target"])
    t = targets[targets["indicator"].isin(indicators)].sort_values("period")
    t = t.assign(previous_target=t.groupby(["scope", "scope_id", "indicator"])["target"].shift())
    t = t.assign(**{"raise": t["target"] / t["previous_target"] - 1})
    out = t[t["raise"] >= min_raise]
    return out[
        ["scope", "scope_id", "indicator", "period", "previous_target", "target", "raise"]
    ].reset_index(drop=True)


def _event_by_team(targets, event_period, teams, agent_team) -> dict:
    if event_period:
        return dict.fromkeys(teams, str(event_period))
    if targets is None:
        raise ValueError(
            "call_padding needs either `event_period` (the period of a target raise) or the "
            "`targets` table to find it."
        )
    raises = target_raise_period(targets)
    ev = {}
    team_r = raises[raises["scope"] == "team"]
    for team, g in team_r.groupby("scope_id"):
        ev[team] = g["period"].min()
    agent_r = raises[raises["scope"] == "agent"].assign(
        team_id=lambda d: d["scope_id"].map(agent_team)
    )
    for team, g in agent_r.groupby("team_id"):
        # the team's raise = the period in which most of its agents' targets were raised
        p = g.groupby("period")["scope_id"].nunique().idxmax()
        ev.setdefault(team, p)
    return ev


def call_padding(
    calls: pd.DataFrame,
    *,
    agents: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    event_period: str | None = None,
    months: int = 3,
    short_s: float = 20,
    min_increase: float = 0.05,
    min_calls: int = 200,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Short-call and dial inflation after a volume-target raise, per agent.

    Parameters
    ----------
    calls : DataFrame
        Calls table.
    agents : DataFrame, optional
        Agents table (for ``team_id``).
    targets : DataFrame, optional
        Targets table; the first period in which a team's (or most of its agents') dials,
        connects or effective-calls target rose by >= 10 % is that team's event.
    event_period : str, optional
        ``YYYY-MM`` of the raise for every team (overrides ``targets``).
    months : int
        Months compared on each side of the event (the event month counts as after).
    short_s : float
        Connected calls shorter than this many seconds count as short (near-empty) calls.
    min_increase : float
        Minimum rise of the short-call share (absolute, 0.05 = 5 points) to flag.
    min_calls : int
        Minimum connected calls on each side to be rankable.
    alpha : float
        False-discovery rate.

    Returns
    -------
    DataFrame
        One row per agent with an event: ``agent_id``, ``team_id``, ``event_period``,
        ``dials_per_day_before``, ``dials_per_day_after``, ``dials_change`` (relative),
        ``short_share_before``, ``short_share_after`` (short calls / connected calls),
        ``short_share_change`` (points), ``team_short_share_change`` (median over the team's
        agents), ``connect_rate_before``, ``connect_rate_after``, ``p_value`` (one-sided
        two-proportion z-test of the rise in the short-call share), ``p_adj``
        (Benjamini-Hochberg over rankable agents), ``evidence``, ``rankable``, ``flagged``
        (``p_adj < alpha`` and the rise exceeds both ``min_increase`` and twice the team's
        median rise), ``reason``.
    """
    c = select_calls(calls, agents=agents)
    agent_team = c.groupby("agent_id")["team_id"].first()
    events = _event_by_team(targets, event_period, c["team_id"].unique(), agent_team)
    periods = sorted(c["period"].unique())
    c = c.assign(
        event=c["team_id"].map(events), day=pd.to_datetime(c["started_at"]).dt.normalize()
    ).dropna(subset=["event"])
    rows = []
    for (aid, team, ev), g in c.groupby(["agent_id", "team_id", "event"]):
        if ev not in periods:
            continue
        i = periods.index(ev)
        before = g[g["period"].isin(periods[max(0, i - months) : i])]
        after = g[g["period"].isin(periods[i : i + months])]
        sides = {}
        for name, s in (("before", before), ("after", after)):
            conn = s["outcome"] == "connected"
            days = s["day"].nunique()
            sides[name] = {
                "dials": len(s),
                "days": days,
                "connects": int(conn.sum()),
                "short": int((conn & (s["duration_s"] < short_s)).sum()),
            }
        b, a = sides["before"], sides["after"]
        share = {
            k: v["short"] / v["connects"] if v["connects"] else np.nan for k, v in sides.items()
        }
        p = np.nan
        if b["connects"] and a["connects"]:
            pool = (b["short"] + a["short"]) / (b["connects"] + a["connects"])
            se = np.sqrt(pool * (1 - pool) * (1 / b["connects"] + 1 / a["connects"]))
            p = float(stats.norm.sf((share["after"] - share["before"]) / se)) if se > 0 else 1.0
        dpd = {k: v["dials"] / v["days"] if v["days"] else np.nan for k, v in sides.items()}
        rankable = min(b["connects"], a["connects"]) >= min_calls
        rows.append(
            {
                "agent_id": aid, "team_id": team, "event_period": ev,
                "dials_per_day_before": dpd["before"], "dials_per_day_after": dpd["after"],
                "dials_change": dpd["after"] / dpd["before"] - 1 if dpd["before"] else np.nan,
                "short_share_before": share["before"], "short_share_after": share["after"],
                "short_share_change": share["after"] - share["before"],
                "connect_rate_before": b["connects"] / b["dials"] if b["dials"] else np.nan,
                "connect_rate_after": a["connects"] / a["dials"] if a["dials"] else np.nan,
                "p_value": p if rankable else np.nan, "rankable": rankable,
                "reason": "" if rankable else "few_calls",
            }
        )  # fmt: skip
    cols = [
        "agent_id", "team_id", "event_period", "dials_per_day_before", "dials_per_day_after",
        "dials_change", "short_share_before", "short_share_after", "short_share_change",
        "team_short_share_change", "connect_rate_before", "connect_rate_after", "p_value",
        "p_adj", "evidence", "rankable", "flagged", "reason",
    ]  # fmt: skip
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["team_short_share_change"] = out.groupby("team_id")["short_share_change"].transform(
        "median"
    )
    out["p_adj"] = bh_adjust(out["p_value"])
    out["evidence"] = evidence_label(out["p_adj"])
    big = out["short_share_change"] >= np.maximum(
        min_increase, 2 * out["team_short_share_change"].clip(lower=0)
    )
    out["flagged"] = out["rankable"] & (out["p_adj"] < alpha) & big
    return out.sort_values(["flagged", "short_share_change"], ascending=False)[cols].reset_index(
        drop=True
    )


# --------------------------------------------------------------------------- need vs intent


def _count_tail(x, n, mu, var, *, kind: str, upper: bool) -> np.ndarray:
    """Exact tail probability of a count with mean ``mu`` and variance ``var``: negative
    binomial (``kind="poisson"``; Poisson when ``var <= mu``) or beta-binomial out of ``n``
    (``kind="binomial"``; binomial when there is no extra variance). ``P(X >= x)`` when
    ``upper``, else ``P(X <= x)``. Counts of a few complaints are far from normal, and a
    normal tail would make their smallest p-values too small."""
    out = np.full(len(x), np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for i in np.flatnonzero(np.isfinite(mu) & np.isfinite(var) & (mu > 0)):
            k = x[i] - 1 if upper else x[i]
            if kind == "poisson":
                if var[i] <= mu[i] * (1 + 1e-9):
                    dist = stats.poisson(mu[i])
                else:
                    r = mu[i] ** 2 / (var[i] - mu[i])
                    dist = stats.nbinom(r, r / (r + mu[i]))
            else:
                ni = int(round(n[i]))
                p = mu[i] / n[i]
                if not 0 < p < 1 or ni < 1:
                    continue
                base = ni * p * (1 - p)
                rho = (var[i] / base - 1) / (ni - 1) if ni > 1 else 0.0
                if rho <= 1e-9:
                    dist = stats.binom(ni, p)
                else:
                    rho = min(rho, 1 - 1e-9)
                    dist = stats.betabinom(ni, p * (1 / rho - 1), (1 - p) * (1 / rho - 1))
            out[i] = dist.sf(k) if upper else dist.cdf(k)
    return out


#: Gauss-Hermite nodes and weights for the agent-effect mixtures (exact to far below 1e-6
#: for the spreads met here)
_GH_T, _GH_W = np.polynomial.hermite.hermgauss(40)
#: fewest agents for an empirical null (fewer: the theoretical N(0, 1))
_MIN_EMPIRICAL = 10


def _agent_effect_sd(x, n, expected, use, *, kind: str) -> float:
    """Robust spread of the agents' effects on the log (counts) or logit (shares) scale.

    ``y`` = the agent's log rate ratio (or log odds ratio) to its expected value with 0.5
    added to each cell, ``v`` its sampling variance; ``tau^2 = max(0, (1.4826 MAD(y))^2 -
    median(v))`` over the agents in ``use`` (a method-of-moments estimate with the median
    absolute deviation, so that a few gaming agents do not widen it)."""
    if use.sum() < 5:
        return 0.0
    xs, es, ns = x[use], expected[use], n[use]
    with np.errstate(divide="ignore", invalid="ignore"):
        if kind == "poisson":
            y = np.log((xs + 0.5) / (es + 0.5))
            v = 1 / (xs + 0.5) + 1 / (es + 0.5)
        else:
            y = np.log((xs + 0.5) / (ns - xs + 0.5)) - np.log((es + 0.5) / (ns - es + 0.5))
            v = 1 / (xs + 0.5) + 1 / (ns - xs + 0.5)
    ok = np.isfinite(y) & np.isfinite(v)
    if ok.sum() < 5:
        return 0.0
    y, v = y[ok], v[ok]
    mad = 1.4826 * np.median(np.abs(y - np.median(y)))
    return float(np.sqrt(max(0.0, mad**2 - np.median(v))))


def _mixture_tail(x, n, rate, tau, peer_var, *, kind: str, upper: bool) -> np.ndarray:
    """Tail of a count whose rate is ``rate`` times a log-normal agent effect (Poisson-lognormal
    for counts, binomial-logit-normal for shares) with log-scale variance ``tau^2 +
    peer_var`` (the agent effect plus the uncertainty of the peers' rate), by Gauss-Hermite
    quadrature. The effect's mean is 1 on the rate scale (``rate`` is a pooled mean, not a
    median). ``P(X >= x)`` when ``upper``, else ``P(X <= x)``."""
    out = np.full(len(x), np.nan)
    s2 = tau**2 + np.nan_to_num(np.maximum(peer_var, 0.0))
    i = np.flatnonzero(
        np.isfinite(rate) & (rate > 0) & (n > 0) & ((rate < 1) | (kind != "binomial"))
    )
    if not len(i):
        return out
    u = np.sqrt(2 * s2[i])[:, None] * _GH_T[None, :]
    w = _GH_W / np.sqrt(np.pi)
    k = (x[i] - 1 if upper else x[i])[:, None]
    if kind == "poisson":
        mu = (n[i] * rate[i])[:, None] * np.exp(u - s2[i][:, None] / 2)
        t = stats.poisson.sf(k, mu) if upper else stats.poisson.cdf(k, mu)
    else:
        logit = np.log(rate[i] / (1 - rate[i]))[:, None]
        c = np.zeros((len(i), 1))
        for _ in range(30):  # shift so that the mixture's mean share is ``rate``
            e = 1 / (1 + np.exp(-(logit + c + u)))
            f = e @ w - rate[i]
            d = (e * (1 - e)) @ w
            c = c - (f / np.maximum(d, 1e-300))[:, None]
        pk = 1 / (1 + np.exp(-(logit + c + u)))
        ni = np.round(n[i])[:, None]
        t = stats.binom.sf(k, ni, pk) if upper else stats.binom.cdf(k, ni, pk)
    out[i] = np.clip(t @ w, 0.0, 1.0)
    return out


def _empirical_null(p, use) -> tuple[np.ndarray, float, float]:
    """p-values against an empirical null of the agents' z-scores (Efron 2004).

    ``z = Phi^-1(1 - p)``; the null's centre and spread are the median and 1.4826 MAD of ``z``
    over the agents in ``use`` (at least ``_MIN_EMPIRICAL`` of them; else N(0, 1)), the spread
    never below 1. The returned p-value is the larger of the theoretical one and ``1 -
    Phi((z - centre) / spread)``: the empirical null can only widen the null, never narrow it.
    """
    z = stats.norm.isf(np.clip(p, 1e-300, 1.0))
    ok = use & np.isfinite(z)
    if ok.sum() < _MIN_EMPIRICAL:
        return p, 0.0, 1.0
    centre = float(np.median(z[ok]))
    q10, q90 = np.quantile(z[ok], [0.1, 0.9])
    spread = max(
        1.0, float(1.4826 * np.median(np.abs(z[ok] - centre))), float((q90 - q10) / 2.5631)
    )
    p_emp = stats.norm.sf((z - centre) / spread)
    return np.where(np.isfinite(p), np.fmax(p, p_emp), np.nan), centre, spread


#: quantile of the squared standardised residuals matched to chi-square(1) to estimate phi
_PHI_QUANTILE = 0.75


def _peer_test(count, exposure, team, *, kind: str, upper: bool) -> pd.DataFrame:
    """One-sided test of each agent's rate against the pooled rate of the team's other agents,
    with overdispersion between agents estimated from the data.

    Under the null an agent's count is beta-binomial (``kind="binomial"``: variance
    ``n p (1 - p) (1 + phi (n - 1))``) or negative binomial (``kind="poisson"``: variance
    ``mu (1 + phi mu)``) around its peers' rate; the variance of the peers' pooled rate is added.
    ``phi`` is the value at which the upper quartile of the squared standardised residuals over
    the agents with exposure equals that of chi-square(1), 1.32 (a robust moment estimator: a
    few gaming agents do not inflate it, and it follows the tail, where agent-to-agent
    variation on null data is heavier than the median suggests). A fixed multiplicative factor instead understates the spread of
    agents with many calls, whose variance grows with n^2, and gives far too small p-values.
    Two passes: agents with p < 0.01 in the first are left out of the peer pools and of the
    estimate of ``phi`` in the second, so that one gaming agent does not make its teammates
    look good and the spread look wide.

    The p-value is the exact negative-binomial / beta-binomial tail with that mean and
    variance (:func:`_count_tail`). Returns a DataFrame with ``expected`` (count at the peers'
    rate), ``peer_rate``, ``se`` (of count - expected), ``z``, ``p_value`` and ``dispersion``
    (phi).
    """
    x = np.asarray(count, float)
    n = np.asarray(exposure, float)
    team = np.asarray(team)
    first = _peer_pass(x, n, team, np.ones(len(x), bool), kind=kind, upper=upper)
    pool = ~(first["p_value"].to_numpy() < 0.01)
    if pool.all() or pool.sum() < 5:
        return first
    return _peer_pass(x, n, team, pool, kind=kind, upper=upper)


def _peer_pass(x, n, team, pool, *, kind: str, upper: bool) -> pd.DataFrame:
    """One pass of :func:`_peer_test` with the peers restricted to ``pool``."""
    codes = pd.factorize(team)[0]
    k = codes.max() + 1 if len(codes) else 0
    px, pn = np.where(pool, x, 0.0), np.where(pool, n, 0.0)
    tot_x = np.bincount(codes, weights=px, minlength=k)[codes]
    tot_n = np.bincount(codes, weights=pn, minlength=k)[codes]
    rest_n = tot_n - pn
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(rest_n > 0, (tot_x - px) / rest_n, np.nan)
    exp = n * rate
    ok = (n > 0) & np.isfinite(rate) & (rate > 0) & ((rate < 1) | (kind == "poisson"))
    p_team = np.where(np.isfinite(rate), rate, 0.0)

    def own_variance(phi):
        if kind == "binomial":
            v = n * p_team * (1 - p_team) * (1 + phi * np.maximum(n - 1, 0))
        else:
            v = n * p_team * (1 + phi * n * p_team)
        return np.where(n > 0, v, 0.0)

    def variance(phi):
        v = own_variance(phi)
        pool_v = np.bincount(codes, weights=np.where(pool, v, 0.0), minlength=k)[codes]
        with np.errstate(divide="ignore", invalid="ignore"):
            return v + n**2 * (pool_v - np.where(pool, v, 0.0)) / rest_n**2

    use = ok & pool

    def r2(phi):
        return (x - exp)[use] ** 2 / variance(phi)[use]

    # match the upper quartile of the squared residuals to that of chi-square(1): robust to the
    # few gaming agents (< 25 %), and it follows the tail, where real agent-to-agent variation
    # is heavier than a beta-binomial with a median-matched phi (null calibration, issue 17)
    q = _PHI_QUANTILE
    target = stats.chi2.ppf(q, 1)
    phi = 0.0
    if use.sum() >= 5 and np.quantile(r2(0.0), q) > target:
        lo, hi = 0.0, 1e-6
        while np.quantile(r2(hi), q) > target and hi < 1e6:
            hi *= 4
        for _ in range(60):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if np.quantile(r2(mid), q) > target else (lo, mid)
        phi = hi
    var = variance(phi)
    se = np.sqrt(var)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x - exp) / se
    p_count = _count_tail(np.round(x), n, exp, var, kind=kind, upper=upper)
    # heavier tails: the agent's rate is the peers' rate times a log-normal (logit-normal for
    # shares) agent effect, spread tau estimated robustly; its exact mixture tail, then an
    # empirical null of the resulting z-scores (Efron 2004) never narrower than N(0, 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        # relative variance of the peers' pooled rate (log scale), from the same model
        peer_var = np.where(exp > 0, (var - own_variance(phi)) / exp**2, 0.0)
    tau = _agent_effect_sd(np.round(x), n, exp, use, kind=kind)
    if kind == "binomial" and use.any():
        # the overdispersion phi read on the logit scale: a noisy tau estimate of 0 must not
        # undo what the quantile-matched phi already saw
        pm = float(np.average(p_team[use], weights=n[use]))
        tau = max(tau, float(np.sqrt(phi / (pm * (1 - pm)))) if 0 < pm < 1 else 0.0)
    elif use.any():
        tau = max(tau, float(np.sqrt(np.log1p(phi))))
    p_mix = _mixture_tail(np.round(x), n, rate, tau, peer_var, kind=kind, upper=upper)
    p_mix = np.where(ok, np.fmax(p_mix, p_count), np.nan)
    p, centre, spread = _empirical_null(p_mix, use)
    return pd.DataFrame(
        {
            "expected": exp,
            "peer_rate": rate,
            "se": se,
            "z": z,
            "p_value": np.where(ok & np.isfinite(z), p, np.nan),
            "p_model": np.where(ok & np.isfinite(z), p_count, np.nan),
            "dispersion": phi,
            "agent_sd": tau,
            "null_centre": centre,
            "null_spread": spread,
        }
    )


def need_intent_mismatch(
    calls: pd.DataFrame,
    *,
    agents: pd.DataFrame | None = None,
    definitions: Definitions | None = None,
    low_intent: int = 0,
    min_calls: int = 100,
    min_ratio: float = 1.3,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Agents whose effective calls the customers rated as no interest.

    An effective call is connected, at least ``definitions.effective_min_talk_s`` seconds long
    and has the need captured (the sources' definition); the sources pair it with the customer's intent rating after the call
    precisely so that a ticked box on an empty call shows up.

    Parameters
    ----------
    calls : DataFrame
        Calls table with ``need_captured`` and ``intent_rating``.
    agents : DataFrame, optional
        Agents table (for ``team_id``).
    definitions : Definitions, optional
        The effective-call threshold (``effective_min_talk_s``); None means
        :class:`~kpi_lib.indicators.definitions.Definitions()`. The need-captured condition
        always applies here, whatever ``effective_requires_need_captured`` says: the check is
        about the ticked box.
    low_intent : int
        Intent ratings at or below this count as "no interest" (0 = none, 1 = low).
    min_calls : int
        Minimum effective calls to be rankable.
    min_ratio : float
        Minimum ratio of the agent's mismatch share to the team's to flag.
    alpha : float
        False-discovery rate.

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, ``effective_calls``,
        ``mismatched`` (effective but intent <= ``low_intent``), ``mismatch_share``,
        ``team_share`` (the team's other agents pooled), ``ratio``, ``dispersion``,
        ``p_value`` (one-sided, beta-binomial against the other rankable agents of the team,
        overdispersion ``dispersion`` estimated from the data), ``p_adj``
        (Benjamini-Hochberg), ``evidence``, ``rankable``, ``flagged``, ``reason``.
    """
    _need(calls, "calls", ["agent_id", "duration_s", "outcome", "need_captured", "intent_rating"])
    threshold = Definitions.from_yaml(definitions).effective_min_talk_s
    c = _with_team(calls, agents)
    c = c[
        (c["outcome"] == "connected")
        & c["need_captured"].fillna(False).astype(bool)
        & (c["duration_s"] >= threshold)
    ]
    c = c.dropna(subset=["intent_rating"])
    g = (
        c.assign(mis=c["intent_rating"].astype(float) <= low_intent)
        .groupby(["agent_id", "team_id"])["mis"]
        .agg(["size", "sum"])
        .reset_index()
        .rename(columns={"size": "effective_calls", "sum": "mismatched"})
    )
    team = g.groupby("team_id")[["effective_calls", "mismatched"]].transform("sum")
    rest_n = team["effective_calls"] - g["effective_calls"]
    rest_m = team["mismatched"] - g["mismatched"]
    g["mismatch_share"] = g["mismatched"] / g["effective_calls"]
    g["team_share"] = (rest_m / rest_n).where(rest_n > 0)
    g["ratio"] = g["mismatch_share"] / g["team_share"]
    n = g["effective_calls"].to_numpy(float)
    rankable = (n >= min_calls) & np.isfinite(g["team_share"].to_numpy(float))
    # dispersion from the rankable agents only (small agents' counts say little about it)
    keep = np.flatnonzero(rankable)
    test = _peer_test(
        g["mismatched"].to_numpy(float)[keep], n[keep], g["team_id"].to_numpy()[keep],
        kind="binomial", upper=True,
    )  # fmt: skip
    g["dispersion"] = float(test["dispersion"].iloc[0]) if len(test) else np.nan
    g["p_value"] = np.nan
    g.loc[keep, "p_value"] = test["p_value"].to_numpy()
    g["p_adj"] = bh_adjust(g["p_value"])
    g["evidence"] = evidence_label(g["p_adj"])
    g["rankable"] = rankable
    g["flagged"] = rankable & (g["p_adj"] < alpha) & (g["ratio"] >= min_ratio)
    g["reason"] = np.where(rankable, "", "few_calls")
    return g.sort_values(["flagged", "ratio"], ascending=False).reset_index(drop=True)


# --------------------------------------------------------------------------- over-promising


def _agent_totals(indicators: pd.DataFrame, ind: str) -> pd.DataFrame:
    """Per agent over the periods given: summed numerator / denominator, value and event count."""
    d = indicators[indicators["indicator"] == ind]
    if d.empty:
        raise KeyError(f"Indicator {ind!r} is not in the indicator table.")
    _, scale = count_kind(ind)
    if {"numerator", "denominator"} <= set(d.columns):
        t = d.groupby(["agent_id", "team_id"])[["numerator", "denominator"]].sum(min_count=1)
        t["value"] = t["numerator"] / t["denominator"].where(t["denominator"] > 0)
        t["count"] = t["numerator"] / scale
    else:
        t = d.groupby(["agent_id", "team_id"])[["value"]].mean()
        t["denominator"] = np.nan
        t["count"] = np.nan
    t["scale"] = scale
    return t.reset_index()


def _excess_test(count, exposure, team, *, kind: str, upper: bool, min_exposure: float):
    """:func:`_peer_test` over the agents with at least ``min_exposure``; others get NaN."""
    exposure = np.asarray(exposure, float)
    keep = np.flatnonzero(np.nan_to_num(exposure) >= min_exposure)
    p = np.full(len(exposure), np.nan)
    rate = np.full(len(exposure), np.nan)
    test = _peer_test(
        np.asarray(count, float)[keep], exposure[keep], np.asarray(team)[keep],
        kind=kind, upper=upper,
    )  # fmt: skip
    p[keep] = test["p_value"].to_numpy()
    rate[keep] = test["peer_rate"].to_numpy()
    return p, rate


def over_promising(
    indicators: pd.DataFrame,
    *,
    selling: Sequence[str] = ("sales_amount", "conversion_rate"),
    complaints: str = "complaints_per_100",
    repurchase: str = "repurchase_rate",
    selling_quantile: float = 0.5,
    min_customers: int = 30,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Agents who sell a lot while their customers complain more or come back less.

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table (numerators and denominators are summed over the periods
        passed, so select the range first).
    selling : list of str
        Indicators of selling success; an agent is a high seller when at or above
        ``selling_quantile`` of the team on any of them.
    complaints : str
        Complaint-rate indicator (count numerator over customers served).
    repurchase : str
        Repurchase-rate indicator (repurchasing customers over the cohort).
    selling_quantile : float
        Within-team percentile from which an agent counts as a high seller (0.5: sells at
        least as well as the team's median agent on one selling indicator).
    min_customers : int
        Minimum complaint denominator (customers) to be rankable; agents below it are left
        out of the peer rates and of the overdispersion estimate too.
    alpha : float
        False-discovery rate.

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, one ``<selling>`` value and
        ``<selling>_pct`` (within-team percentile) per selling indicator, ``high_seller``,
        ``complaints_value``, ``team_complaints_value``, ``complaints_p``, ``repurchase_value``,
        ``team_repurchase_value``, ``repurchase_p``, ``p_value`` (the smaller of the two,
        Bonferroni-doubled), ``p_adj`` (Benjamini-Hochberg over rankable agents), ``evidence``,
        ``rankable``, ``flagged`` (``p_adj < alpha``, whatever the sales level), ``reason``.

    Notes
    -----
    Complaints are compared with the team's other rankable agents as negative-binomial counts
    with the complaint denominator (paying customers by default) as exposure, repurchase as
    beta-binomial; the overdispersion between agents is estimated from the data (see
    ``_peer_test``), so ordinary agent-to-agent variation is not read as evidence. An agent is
    flagged on that evidence at any sales level; ``high_seller`` says whether the agent also
    sells at or above the team median.
    """
    out = None
    for s in selling:
        t = _agent_totals(indicators, s)[["agent_id", "team_id", "value"]].rename(
            columns={"value": s}
        )
        t[f"{s}_pct"] = t.groupby("team_id")[s].rank(pct=True)
        out = t if out is None else out.merge(t, on=["agent_id", "team_id"], how="outer")
    out["high_seller"] = (out[[f"{s}_pct" for s in selling]] >= selling_quantile).any(axis=1)
    comp = _agent_totals(indicators, complaints)
    comp_p, comp_rate = _excess_test(
        comp["count"], comp["denominator"], comp["team_id"], kind="poisson", upper=True,
        min_exposure=min_customers,
    )  # fmt: skip
    comp = comp.assign(
        complaints_value=comp["value"],
        team_complaints_value=comp_rate * comp["scale"],
        complaints_p=comp_p,
        customers=comp["denominator"],
    )
    out = out.merge(
        comp[
            ["agent_id", "complaints_value", "team_complaints_value", "complaints_p", "customers"]
        ],
        on="agent_id",
        how="left",
    )
    try:
        rep = _agent_totals(indicators, repurchase)
        rep_p, rep_rate = _excess_test(
            rep["count"], rep["denominator"], rep["team_id"], kind="binomial", upper=False,
            min_exposure=min_customers,
        )  # fmt: skip
        rep = rep.assign(
            repurchase_value=rep["value"],
            team_repurchase_value=rep_rate * rep["scale"],
            repurchase_p=rep_p,
        )
        out = out.merge(
            rep[["agent_id", "repurchase_value", "team_repurchase_value", "repurchase_p"]],
            on="agent_id",
            how="left",
        )
    except KeyError:
        out = out.assign(repurchase_value=np.nan, team_repurchase_value=np.nan, repurchase_p=np.nan)
    p = np.fmin(out["complaints_p"], out["repurchase_p"])
    both = out["complaints_p"].notna() & out["repurchase_p"].notna()
    p = np.where(both, np.minimum(1.0, 2 * p), p)
    rankable = out["customers"].fillna(0) >= min_customers
    out["p_value"] = np.where(rankable, p, np.nan)
    out["p_adj"] = bh_adjust(out["p_value"])
    out["evidence"] = evidence_label(out["p_adj"])
    out["rankable"] = rankable
    # judged on the complaint and repurchase evidence at any sales level: an agent who sells
    # below the median while customers complain is no less a concern (high_seller is context)
    out["flagged"] = rankable & (out["p_adj"] < alpha)
    out["reason"] = np.where(rankable, "", "few_customers")
    out = out.drop(columns=["customers"])
    return out.sort_values(["flagged", "p_value"], ascending=[False, True]).reset_index(drop=True)


# --------------------------------------------------------------------------- selective surveys


def selective_surveys(
    calls: pd.DataFrame,
    surveys: pd.DataFrame,
    *,
    agents: pd.DataFrame | None = None,
    good_intent: int = 2,
    min_surveys: int = 10,
    min_gap: float = 0.15,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Agents whose surveyed calls are better than their calls in general.

    Parameters
    ----------
    calls : DataFrame
        Calls table with ``call_id`` and ``intent_rating``.
    surveys : DataFrame
        Surveys table with ``call_id`` (the call each survey followed) and ``score``.
    agents : DataFrame, optional
        Agents table (for ``team_id``).
    good_intent : int
        Intent rating from which a call counts as good.
    min_surveys : int
        Minimum answered surveys to be rankable.
    min_gap : float
        Minimum gap (share of good calls among surveyed minus among unsurveyed) to flag.
    alpha : float
        False-discovery rate.

    Returns
    -------
    DataFrame
        One row per agent: ``agent_id``, ``team_id``, ``connects``, ``surveys``, ``coverage``
        (surveys / connects), ``team_coverage`` (median of the team's agents),
        ``good_share_surveyed``, ``good_share_unsurveyed``, ``gap``, ``satisfaction``
        (mean score), ``team_satisfaction``, ``p_value`` (one-sided two-proportion z-test of
        the gap), ``p_adj`` (Benjamini-Hochberg), ``evidence``, ``rankable``, ``flagged``
        (``p_adj < alpha`` and ``gap >= min_gap``), ``reason``.

    Notes
    -----
    If surveys are sent at random, surveyed calls look like the agent's other connected calls
    (gap near 0). Sending surveys only after good calls opens a gap and inflates
    satisfaction. Without ``call_id`` in the surveys table this check cannot be made (a
    ValueError says so).
    """
    _need(calls, "calls", ["call_id", "agent_id", "outcome", "intent_rating"])
    _need(surveys, "surveys", ["agent_id", "score"])
    if "call_id" not in surveys or surveys["call_id"].isna().all():
        raise ValueError(
            "The `surveys` table has no `call_id`, so surveyed calls cannot be compared with the "
            "agent's other calls; selective surveying cannot be checked from this data."
        )
    c = _with_team(calls, agents)
    c = c[c["outcome"] == "connected"].dropna(subset=["intent_rating"])
    surveyed_ids = set(surveys["call_id"].dropna())
    c = c.assign(
        surveyed=c["call_id"].isin(surveyed_ids),
        good=c["intent_rating"].astype(float) >= good_intent,
    )
    grp = c.groupby(["agent_id", "team_id"])
    t = pd.DataFrame(
        {
            "connects": grp.size(),
            "surveys": grp["surveyed"].sum(),
            "good_s": grp.apply(lambda d: d.loc[d["surveyed"], "good"].sum(), include_groups=False),
            "good_u": grp.apply(
                lambda d: d.loc[~d["surveyed"], "good"].sum(), include_groups=False
            ),
        }
    ).reset_index()
    t["coverage"] = t["surveys"] / t["connects"]
    t["team_coverage"] = t.groupby("team_id")["coverage"].transform("median")
    n_s, n_u = t["surveys"].astype(float), (t["connects"] - t["surveys"]).astype(float)
    t["good_share_surveyed"] = (t["good_s"] / n_s).where(n_s > 0)
    t["good_share_unsurveyed"] = (t["good_u"] / n_u).where(n_u > 0)
    t["gap"] = t["good_share_surveyed"] - t["good_share_unsurveyed"]
    pool = (t["good_s"] + t["good_u"]) / t["connects"]
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(pool * (1 - pool) * (1 / n_s + 1 / n_u))
        p = stats.norm.sf(t["gap"] / se)
    sat = surveys.groupby("agent_id")["score"].mean()
    t["satisfaction"] = t["agent_id"].map(sat)
    t["team_satisfaction"] = t.groupby("team_id")["satisfaction"].transform("median")
    rankable = t["surveys"] >= min_surveys
    t["p_value"] = np.where(rankable & np.isfinite(p), p, np.nan)
    t["p_adj"] = bh_adjust(t["p_value"])
    t["evidence"] = evidence_label(t["p_adj"])
    t["rankable"] = rankable
    t["flagged"] = rankable & (t["p_adj"] < alpha) & (t["gap"] >= min_gap)
    t["reason"] = np.where(rankable, "", "few_surveys")
    t = t.drop(columns=["good_s", "good_u"])
    return t.sort_values(["flagged", "gap"], ascending=False).reset_index(drop=True)


# --------------------------------------------------------------------------- quality of flagged


#: Columns of :func:`flagged_quality`.
FLAGGED_QUALITY_COLUMNS = [
    "agent_id", "team_id", "outcome", "value", "peer_value", "difference", "ci_low", "ci_high",
    "p_value", "worse", "code", "n",
]  # fmt: skip


def _default(fn, name):
    return inspect.signature(fn).parameters[name].default


def size_conditions(check: str, table: pd.DataFrame) -> pd.Series:
    """The conditions besides the adjusted p-value under which a gaming check flags an agent.

    Used when the p-values of several checks are adjusted together (one false-discovery
    family, :func:`kpi_lib.analyses.recommendations.diagnose`): ``flagged`` = ``rankable`` and
    these and the joint ``p_adj < alpha``. The minimum effects are the checks' defaults.

    Parameters
    ----------
    check : {"bunching", "call_padding", "need_intent", "over_promising", "selective_surveys"}
        The check (key of :func:`~kpi_lib.analyses.recommendations.diagnose`'s output).
    table : DataFrame
        That check's table.

    Returns
    -------
    Series
        Boolean, aligned with ``table``: bunching ``ci_low > 0``; call padding a rise of the
        short-call share of at least ``min_increase`` and twice the team's median rise;
        need vs intent ``ratio >= min_ratio``; selective surveys ``gap >= min_gap``;
        over-promising always True.
    """
    check_option("check", check, ["bunching", "call_padding", "need_intent", "over_promising",
                                  "selective_surveys"])  # fmt: skip
    true = pd.Series(True, index=table.index)
    if check == "bunching":
        return (table["ci_low"] > 0).fillna(False)
    if check == "call_padding":
        inc = _default(call_padding, "min_increase")
        floor = np.maximum(inc, 2 * table["team_short_share_change"].clip(lower=0))
        return (table["short_share_change"] >= floor).fillna(False)
    if check == "need_intent":
        return (table["ratio"] >= _default(need_intent_mismatch, "min_ratio")).fillna(False)
    if check == "selective_surveys":
        return (table["gap"] >= _default(selective_surveys, "min_gap")).fillna(False)
    return true


def flagged_quality(
    indicators: pd.DataFrame,
    flags: pd.DataFrame,
    *,
    outcomes: Sequence[str] = ("satisfaction_rate", "complaints_per_100", "repurchase_rate"),
    alpha: float = 0.05,
    min_trials: int = 10,
) -> pd.DataFrame:
    """The quality outcomes of flagged agents against their team's other agents, with intervals.

    A gaming flag says how an agent games an indicator; this says whether the agent's
    customers pay for it ("stretched calls, and their customers are less satisfied").

    Parameters
    ----------
    indicators : DataFrame
        Agent-level indicator table with ``numerator`` and ``denominator`` (summed over the
        periods passed, so select the range the flag was computed on).
    flags : DataFrame
        A gaming table (:func:`bunching`, :func:`need_intent_mismatch`, ...) with ``agent_id``
        and ``flagged``; only flagged agents are reported.
    outcomes : list of str
        Quality indicators to compare; those absent from ``indicators`` are skipped.
    alpha : float
        1 - confidence level of the intervals.
    min_trials : int
        Fewer trials (denominator) than this for the agent: no comparison (``code``
        ``too_little_data``).

    Returns
    -------
    DataFrame
        One row per flagged agent and outcome: ``agent_id``, ``team_id``, ``outcome``,
        ``value`` (the agent's rate), ``peer_value`` (the team's other agents pooled),
        ``difference`` (value - peer_value), ``ci_low``, ``ci_high`` (Wald interval of the
        difference, with the between-agent overdispersion of the outcome), ``p_value``
        (two-sided), ``worse`` (bool: the interval excludes 0 on the bad side of the outcome),
        ``code`` (``worse``, ``better``, ``no_difference``, ``too_little_data``), ``n``
        (agent's trials).

    Notes
    -----
    The difference's variance is the outcome's beta-binomial (shares) or negative-binomial
    (counts per 100) variance for the agent and the peers' pooled rate, with the
    overdispersion estimated from all agents of the table (see ``_peer_test``).
    """
    _need(flags, "flags", ["agent_id", "flagged"])
    _need(
        indicators, "indicators", ["agent_id", "team_id", "indicator", "numerator", "denominator"]
    )
    flagged = set(flags.loc[flags["flagged"].astype(bool), "agent_id"])
    cols = FLAGGED_QUALITY_COLUMNS
    rows = []
    crit = stats.norm.ppf(1 - alpha / 2)
    for o in outcomes:
        if not flagged or o not in set(indicators["indicator"]):
            continue
        kind, scale = count_kind(o)
        if kind is None:
            continue
        t = _agent_totals(indicators, o).dropna(subset=["count", "denominator"])
        t = t[t["denominator"] > 0].reset_index(drop=True)
        test = _peer_test(
            t["count"], t["denominator"], t["team_id"],
            kind="binomial" if kind == "proportion" else "poisson", upper=True,
        )  # fmt: skip
        lower_is_better = o.startswith("complaint")
        for i in np.flatnonzero(t["agent_id"].isin(flagged).to_numpy()):
            n = float(t.at[i, "denominator"])
            row = {"agent_id": t.at[i, "agent_id"], "team_id": t.at[i, "team_id"],
                   "outcome": o, "n": n}  # fmt: skip
            value = t.at[i, "count"] / n * t.at[i, "scale"]
            peer = test.at[i, "peer_rate"] * t.at[i, "scale"]
            se = test.at[i, "se"] / n * t.at[i, "scale"]
            if n < min_trials or not np.isfinite(se) or se <= 0:
                rows.append({**row, "value": value, "peer_value": peer, "code": "too_little_data",
                             "worse": False})  # fmt: skip
                continue
            diff = value - peer
            lo, hi = diff - crit * se, diff + crit * se
            bad = lo > 0 if lower_is_better else hi < 0
            good = hi < 0 if lower_is_better else lo > 0
            rows.append({**row, "value": value, "peer_value": peer, "difference": diff,
                         "ci_low": lo, "ci_high": hi,
                         "p_value": float(2 * stats.norm.sf(abs(diff) / se)), "worse": bool(bad),
                         "code": "worse" if bad else ("better" if good else "no_difference")})  # fmt: skip
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["agent_id", "outcome"]).reset_index(drop=True)
