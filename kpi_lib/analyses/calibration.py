"""QA calibration: can the automatic judgements (compliant, effective) be trusted?

The sources ask for a manual spot check of about 10 % of recordings to catch system
misjudgements (e.g. a refused call judged effective). This module covers the whole loop:

1. :func:`spot_check_sample` draws a reproducible, agent-stratified sample that oversamples
   borderline calls, :func:`write_spot_check` writes it as a CSV for the QA team and
   :func:`read_spot_check` reads the filled-in file back as QA reviews.
2. :func:`paired_judgements` lines up the system and the human judgement of each call;
   :func:`agreement` gives the confusion matrix, Cohen's kappa and error rates with intervals,
   overall or per agent; :func:`flag_inflated` names agents whose system-measured rates look
   inflated by misjudgements.
3. :func:`corrected_rates` re-estimates effective-call and compliance rates with the
   misclassification rates from the sample (Rogan-Gladen), and :func:`apply_correction`
   puts the corrected values into an indicator table for scoring.
4. :func:`reviewer_agreement`, :func:`reviewer_pairs` and :func:`reviewer_leniency` calibrate
   the human reviewers against each other.

Conventions: a judgement is *positive* when the call is judged compliant / effective. A false
positive is a call the system judged positive that the human reference judged negative — the
error that inflates system-measured indicators. The human judgement is treated as the truth.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from kpi_lib._util import check_option
from kpi_lib.analyses.coverage import GRANULARITIES, granularity_of, period_labels
from kpi_lib.data.dataset import Dataset
from kpi_lib.scoring.smallsample import wilson_interval

__all__ = [
    "JUDGEMENTS",
    "INDICATOR_OF",
    "SPOT_CHECK_COLUMNS",
    "wilson_interval",
    "cohens_kappa_2x2",
    "fleiss_kappa",
    "rogan_gladen",
    "spot_check_sample",
    "write_spot_check",
    "read_spot_check",
    "with_reviews",
    "paired_judgements",
    "confusion",
    "agreement",
    "flag_inflated",
    "corrected_rates",
    "apply_correction",
    "reviewer_agreement",
    "reviewer_pairs",
    "reviewer_leniency",
]

JUDGEMENTS = ("compliant", "effective")
#: Indicator (catalogue id) whose value is the system's share of positive judgements.
INDICATOR_OF = {"compliant": "compliance_rate_system", "effective": "effective_call_rate"}
#: Columns a reviewer fills in on the spot-check sheet.
REVIEW_COLUMNS = ["reviewer", "compliant", "effective", "notes"]
SPOT_CHECK_COLUMNS = [
    "call_id",
    "agent_id",
    "team_id",
    "started_at",
    "duration_s",
    "outcome",
    "intent_rating",
    "need_captured",
    "stratum",
    "reason",
    "inclusion_prob",
    "design_weight",
    *REVIEW_COLUMNS,
]
_TRUE = {"true", "t", "1", "yes", "y", "1.0", "是", "合规", "有效"}
_FALSE = {"false", "f", "0", "no", "n", "0.0", "否", "不合规", "无效", "無效"}


# ------------------------------------------------------------------------------ statistics


def cohens_kappa_2x2(tp, fp, fn, tn) -> tuple[np.ndarray, np.ndarray]:
    """Cohen's kappa and its asymptotic standard error for 2 x 2 tables (vectorised).

    Rows are the first rater (positive, negative), columns the second: ``tp`` both positive,
    ``fp`` first positive / second negative, ``fn`` first negative / second positive.

    Returns
    -------
    (kappa, se) : tuple of ndarray
        NaN where the table is empty or chance agreement is 1 (kappa undefined).

    Notes
    -----
    :math:`\\kappa = (p_o - p_e)/(1 - p_e)`; the standard error is the large-sample one of
    Fleiss, Cohen & Everitt (1969), the ``std_kappa`` of
    ``statsmodels.stats.inter_rater.cohens_kappa``.
    """
    tp, fp, fn, tn = (np.asarray(a, dtype=float) for a in (tp, fp, fn, tn))
    n = tp + fp + fn + tn
    with np.errstate(divide="ignore", invalid="ignore"):
        p11, p12, p21, p22 = tp / n, fp / n, fn / n, tn / n
        r1, r2 = p11 + p12, p21 + p22
        c1, c2 = p11 + p21, p12 + p22
        po = p11 + p22
        pe = r1 * c1 + r2 * c2
        kappa = (po - pe) / (1 - pe)
        a = p11 * (1 - (r1 + c1) * (1 - kappa)) ** 2 + p22 * (1 - (r2 + c2) * (1 - kappa)) ** 2
        b = (1 - kappa) ** 2 * (p12 * (c1 + r2) ** 2 + p21 * (c2 + r1) ** 2)
        c = (kappa - pe * (1 - kappa)) ** 2
        var = (a + b - c) / (1 - pe) ** 2 / n
        ok = (n > 0) & (pe < 1)
        kappa = np.where(ok, kappa, np.nan)
        se = np.where(ok, np.sqrt(np.clip(var, 0, None)), np.nan)
    return kappa, se


def fleiss_kappa(counts) -> tuple[float, float, float]:
    """Fleiss' kappa from a subjects x categories table of rating counts.

    Subjects may have different numbers of raters (at least two each).

    Returns
    -------
    (kappa, observed_agreement, expected_agreement) : tuple of float

    Notes
    -----
    Per subject :math:`P_i = (\\sum_j n_{ij}^2 - n_i)/(n_i(n_i-1))`; :math:`\\bar P` their mean;
    :math:`p_j = \\sum_i n_{ij}/\\sum_i n_i`; :math:`P_e = \\sum_j p_j^2`;
    :math:`\\kappa = (\\bar P - P_e)/(1 - P_e)`. With equal raters per subject this is Fleiss
    (1971), ``statsmodels.stats.inter_rater.fleiss_kappa``.
    """
    t = np.asarray(counts, dtype=float)
    if t.ndim != 2 or len(t) == 0:
        return np.nan, np.nan, np.nan
    ni = t.sum(1)
    keep = ni >= 2
    t, ni = t[keep], ni[keep]
    if len(t) == 0:
        return np.nan, np.nan, np.nan
    p_i = ((t**2).sum(1) - ni) / (ni * (ni - 1))
    p_bar = p_i.mean()
    p_j = t.sum(0) / ni.sum()
    p_e = (p_j**2).sum()
    kappa = (p_bar - p_e) / (1 - p_e) if p_e < 1 else np.nan
    return float(kappa), float(p_bar), float(p_e)


def rogan_gladen(observed, sensitivity, specificity) -> np.ndarray:
    """True-positive share from an observed share and the classifier's error rates.

    .. math:: \\hat\\pi = (p + Sp - 1)/(Se + Sp - 1), \\text{ clipped to } [0, 1]

    NaN where :math:`Se + Sp \\le 1` (the system is no better than chance; no correction
    is identifiable).

    References
    ----------
    Rogan, W. J. & Gladen, B. (1978). Estimating prevalence from the results of a screening
    test. American Journal of Epidemiology 107, 71-76.
    """
    p, se, sp = (np.asarray(a, dtype=float) for a in (observed, sensitivity, specificity))
    j = se + sp - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(j > 0, np.clip((p + sp - 1) / j, 0, 1), np.nan)


# ------------------------------------------------------------------------------ inputs


def _reviews(data: Dataset) -> pd.DataFrame:
    if "qa_reviews" not in data.tables:
        raise KeyError(
            f"Dataset `{data.name}` has no `qa_reviews` table; QA calibration needs system and "
            "human reviews of the same calls."
        )
    r = data["qa_reviews"].copy()
    r["call_id"] = r["call_id"].astype("string")
    r["agent_id"] = r["agent_id"].astype("string")
    r["reviewer"] = r["reviewer"].astype("string")
    for j in JUDGEMENTS:
        if j in r.columns:
            r[j] = r[j].astype("boolean")
    return r


def _check_judgements(judgements, reviews: pd.DataFrame | None = None) -> list[str]:
    if isinstance(judgements, str):
        judgements = [judgements]
    for j in judgements:
        check_option("judgements", j, JUDGEMENTS)
    if reviews is not None:
        missing = [j for j in judgements if j not in reviews.columns]
        if missing:
            raise KeyError(
                f"Table `qa_reviews` has no column(s) {missing}; present: {list(reviews.columns)}."
            )
    return list(judgements)


def _team_map(data: Dataset) -> pd.Series:
    a = data["agents"]
    return pd.Series(a["team_id"].astype("string").to_numpy(), index=a["agent_id"].astype("string"))


def _calls(data: Dataset, columns: list[str] | None = None) -> pd.DataFrame:
    c = data["calls"]
    c = c[columns] if columns is not None else c.copy()
    c = c.assign(call_id=c["call_id"].astype("string"))
    if "agent_id" in c.columns:
        c["agent_id"] = c["agent_id"].astype("string")
    return c


def _period_filter(ts: pd.Series, period: str | None) -> pd.Series:
    if period is None:
        return pd.Series(True, index=ts.index)
    return period_labels(ts, granularity_of(period))["period"] == str(period)


# ------------------------------------------------------------------------------ sampler


def spot_check_sample(
    data: Dataset,
    *,
    share: float = 0.10,
    min_per_agent: int = 3,
    seed: int = 0,
    period: str | None = None,
    population: str = "auto",
    exclude_reviewed: bool = True,
    talk_threshold_s: float = 180.0,
    talk_window_s: float = 30.0,
    borderline_intent: Sequence[int] = (1,),
    oversample: float = 2.0,
    automatic: str = "system",
    blind: bool = True,
) -> pd.DataFrame:
    """Draw a reproducible sample of calls for manual QA review.

    Each agent is a stratum: agent *a* with :math:`N_a` eligible calls gets
    :math:`n_a = \\min(N_a, \\max(m, \\lceil s N_a \\rceil))` calls (``s`` = ``share``,
    ``m`` = ``min_per_agent``). Within the agent, calls are split into a *focus* stratum (near a
    decision threshold, or the automatic judgement contradicts the call record) and a *routine*
    stratum; the focus stratum is sampled ``oversample`` times more densely, and each stratum
    by simple random sampling, so the inclusion probability of every call is known exactly.

    Parameters
    ----------
    data : Dataset
        Needs ``calls`` and ``agents``; ``qa_reviews`` when ``population`` uses it.
    share : float, default 0.10
        Target share of eligible calls per agent (the sources: about 10 %).
    min_per_agent : int, default 3
        Every agent with eligible calls gets at least this many (or all they have).
    seed : int, default 0
        Same seed and data give the same sample. Each agent's draw depends only on the seed,
        the agent id and that agent's calls, so adding an agent changes nobody else's sample.
    period : str, optional
        Restrict to calls started in this period (``2026-10``, ``2026-Q4``, ``2026``, ``2026-W43``).
    population : {"auto", "system_reviewed", "recorded", "connected"}, default "auto"
        Eligible calls: those with an automatic judgement (``system_reviewed``), any call with
        talk time > 0 (``recorded``), or outcome ``connected``. ``auto`` uses
        ``system_reviewed`` when the dataset has automatic reviews, else ``recorded``.
    exclude_reviewed : bool, default True
        Leave out calls a human has already reviewed.
    talk_threshold_s, talk_window_s : float, default 180 and 30
        Calls whose talk time is within ``talk_window_s`` of the effective-call threshold are
        focus calls.
    borderline_intent : sequence of int, default (1,)
        Intent ratings treated as borderline (focus calls): by default *low* intent, where
        "need captured" and "effective" are hardest to judge.
    oversample : float, default 2.0
        Sampling-rate ratio focus : routine (1 = no oversampling, a plain random sample).
    automatic : str, default "system"
        Reviewer id of the automatic judgements.
    blind : bool, default True
        Hide the automatic judgement from the reviewer (recommended: a reviewer who sees it
        tends to agree with it, which biases the agreement estimates upwards). With
        ``blind=False`` the columns ``system_compliant`` and ``system_effective`` are added.

    Returns
    -------
    DataFrame
        One row per sampled call, sorted by agent and start time: ``call_id``, ``agent_id``,
        ``team_id``, ``started_at``, ``duration_s``, ``outcome``, ``intent_rating``,
        ``need_captured``; ``stratum`` (``focus`` or ``routine``); ``reason`` (why the call is a
        focus call: ``talk time near 180 s``, ``borderline intent``, ``pre-screen flag``, joined by
        ``; ``, or ``random``); ``inclusion_prob`` and ``design_weight`` (= 1 / inclusion_prob,
        for weighted estimates); empty ``reviewer``, ``compliant``, ``effective``, ``notes`` for
        the reviewer; plus ``system_compliant`` and ``system_effective`` when ``blind`` is False.

    Notes
    -----
    Rounding up and the per-agent minimum make the total slightly above ``share`` of the
    eligible calls. Oversampling changes the mix of the sample; weight by ``design_weight``
    (``agreement(..., weights=...)``) to estimate population error rates without bias.
    The *pre-screen flag* marks calls whose automatic ``effective`` judgement disagrees with
    the rule talk time >= threshold and need captured; in blind mode its direction is hidden.
    """
    if not 0 < share <= 1:
        raise ValueError(f"`share` must be in (0, 1], but {share!r} was passed.")
    if min_per_agent < 0:
        raise ValueError(f"`min_per_agent` must be >= 0, but {min_per_agent!r} was passed.")
    if oversample < 1:
        raise ValueError(f"`oversample` must be >= 1, but {oversample!r} was passed.")
    check_option("population", population, ["auto", "system_reviewed", "recorded", "connected"])
    wanted = [
        "call_id",
        "agent_id",
        "started_at",
        "duration_s",
        "outcome",
        "intent_rating",
        "need_captured",
    ]
    calls = _calls(data, [c for c in wanted if c in data["calls"].columns])
    calls = calls[_period_filter(calls["started_at"], period)]
    reviews = _reviews(data) if "qa_reviews" in data.tables else None
    system = None
    if reviews is not None:
        sysr = reviews[reviews["reviewer"] == automatic]
        if len(sysr):
            sort_col = "reviewed_at" if "reviewed_at" in sysr.columns else "review_id"
            sysr = sysr.sort_values(sort_col).drop_duplicates("call_id", keep="last")
            cols = [j for j in JUDGEMENTS if j in sysr.columns]
            system = sysr.set_index("call_id")[cols].add_prefix("system_")
    if population == "auto":
        population = "system_reviewed" if system is not None else "recorded"
    if population == "system_reviewed":
        if system is None:
            raise ValueError(
                f"`population='system_reviewed'` but table `qa_reviews` has no rows with "
                f"reviewer {automatic!r}; use population='recorded' or 'connected'."
            )
        calls = calls[calls["call_id"].isin(system.index)]
    elif population == "recorded":
        calls = calls[calls["duration_s"].fillna(0) > 0]
    else:
        calls = calls[calls["outcome"] == "connected"]
    if exclude_reviewed and reviews is not None:
        human = reviews.loc[reviews["reviewer"] != automatic, "call_id"]
        calls = calls[~calls["call_id"].isin(set(human))]
    for col in ("intent_rating", "need_captured"):
        if col not in calls.columns:
            calls[col] = pd.NA
    if system is not None:
        calls = calls.join(system, on="call_id")
    for j in JUDGEMENTS:
        if f"system_{j}" not in calls.columns:
            calls[f"system_{j}"] = pd.Series(pd.NA, index=calls.index, dtype="boolean")

    dur = calls["duration_s"].astype(float)
    near = (dur - talk_threshold_s).abs() <= talk_window_s
    intent = calls["intent_rating"].astype("Float64").isin([float(v) for v in borderline_intent])
    intent = intent.fillna(False).astype(bool)
    rule = (dur >= talk_threshold_s) & calls["need_captured"].astype("boolean").fillna(
        False
    ).astype(bool)
    sys_eff = calls["system_effective"].astype("boolean")
    conflict = (sys_eff.notna() & (sys_eff.fillna(False).astype(bool) != rule)).astype(bool)
    reason = pd.Series("", index=calls.index, dtype=object)
    for mask, label in (
        (near, f"talk time near {talk_threshold_s:g} s"),
        (intent, "borderline intent"),
        (conflict, "pre-screen flag"),
    ):
        reason = reason.where(~mask, reason + np.where(reason == "", "", "; ") + label)
    calls["stratum"] = np.where(reason != "", "focus", "routine")
    calls["reason"] = reason.where(reason != "", "random")
    if not blind:
        calls["reason"] = calls["reason"].str.replace(
            "pre-screen flag", "automatic judgement disagrees with the call record"
        )

    picked = []
    for agent, grp in calls.sort_values("call_id").groupby("agent_id", sort=True):
        rng = np.random.default_rng([seed, zlib.crc32(str(agent).encode("utf-8"))])
        n_total = len(grp)
        n_a = min(n_total, max(min_per_agent, int(np.ceil(share * n_total - 1e-9))))
        sizes = _allocate(
            n_a, (grp["stratum"] == "focus").sum(), (grp["stratum"] == "routine").sum(), oversample
        )
        for stratum, k in zip(("focus", "routine"), sizes, strict=True):
            pool = grp[grp["stratum"] == stratum]
            if k == 0:
                continue
            take = pool.iloc[np.sort(rng.choice(len(pool), size=k, replace=False))].copy()
            take["inclusion_prob"] = k / len(pool)
            picked.append(take)
    if picked:
        sample = pd.concat(picked)
    else:
        sample = calls.head(0).assign(inclusion_prob=pd.Series(dtype=float))
    sample["design_weight"] = 1.0 / sample["inclusion_prob"]
    sample["team_id"] = sample["agent_id"].map(_team_map(data)).astype("string")
    for col in REVIEW_COLUMNS:
        sample[col] = pd.Series("", index=sample.index, dtype="string")
    cols = list(SPOT_CHECK_COLUMNS)
    if not blind:
        cols += [f"system_{j}" for j in JUDGEMENTS]
    return sample.sort_values(["agent_id", "started_at", "call_id"])[cols].reset_index(drop=True)


def _allocate(n: int, n_focus: int, n_routine: int, oversample: float) -> tuple[int, int]:
    """Split ``n`` draws between focus and routine strata, focus ``oversample`` times denser."""
    if n_focus + n_routine == 0 or n == 0:
        return 0, 0
    wf = oversample * n_focus
    k_f = int(round(n * wf / (wf + n_routine)))
    k_f = min(k_f, n_focus)
    # keep both strata represented so each has a known, non-zero inclusion probability
    if n >= 2 and n_focus and k_f == 0:
        k_f = 1
    if n >= 2 and n_routine and k_f == n:
        k_f = n - 1
    k_r = min(n - k_f, n_routine)
    k_f = min(n - k_r, n_focus)
    return k_f, k_r


def write_spot_check(sample: pd.DataFrame, path: str | Path, *, overwrite: bool = False) -> Path:
    """Write a spot-check sample as a CSV the QA team can fill in (UTF-8 with BOM, for Excel).

    Parameters
    ----------
    sample : DataFrame
        Output of :func:`spot_check_sample`.
    path : str or Path
        CSV file to write; parent folders are created.
    overwrite : bool, default False
        Replace a file that already holds reviewer entries. Without it, such a file is never
        overwritten (a file with no entries yet is simply replaced), so re-running a notebook
        cannot destroy a QA team's work.

    Returns
    -------
    Path
        The written file.
    """
    missing = [c for c in SPOT_CHECK_COLUMNS if c not in sample.columns]
    if missing:
        raise KeyError(f"The spot-check sample lacks column(s) {missing}; use spot_check_sample().")
    path = Path(path)
    if path.exists() and not overwrite:
        old = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        filled = [
            c for c in REVIEW_COLUMNS if c in old.columns and (old[c].str.strip() != "").any()
        ]
        if filled:
            raise FileExistsError(
                f"{path} already holds reviewer entries in column(s) {filled}; pass "
                "overwrite=True or choose another path."
            )
    path.parent.mkdir(parents=True, exist_ok=True)
    out = sample.copy()
    if "started_at" in out.columns:
        out["started_at"] = pd.to_datetime(out["started_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    out.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _parse_bool(series: pd.Series, column: str, rows_offset: int = 2) -> pd.Series:
    s = series.astype("string").str.strip().str.lower().fillna("")
    out = pd.Series(pd.NA, index=series.index, dtype="boolean")
    out[s.isin(_TRUE)] = True
    out[s.isin(_FALSE)] = False
    bad = (s != "") & out.isna()
    if bad.any():
        rows = (np.flatnonzero(bad.to_numpy()) + rows_offset).tolist()[:10]
        raise ValueError(
            f"Spot-check column `{column}` has values that are not yes/no in file rows {rows}: "
            f"{sorted(set(s[bad]))[:5]}; allowed: {sorted(_TRUE | _FALSE)}."
        )
    return out


def read_spot_check(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Read a filled-in spot-check sheet back as QA reviews.

    Rows without a reviewer and without judgements (not reviewed yet) are skipped.

    Parameters
    ----------
    source : str, Path or DataFrame
        The CSV written by :func:`write_spot_check`, filled in, or the same as a DataFrame.

    Returns
    -------
    DataFrame
        In the shape of the ``qa_reviews`` table: ``review_id`` (``spot:<call_id>:<reviewer>``),
        ``call_id``, ``agent_id``, ``reviewed_at`` (NaT), ``reviewer``, ``compliant``,
        ``effective`` (nullable booleans), plus ``notes`` and ``design_weight``.

    Raises
    ------
    ValueError
        A judgement is given without a reviewer, a value is not yes/no, or the reviewer is
        ``system``; the message names the file rows (1-based, header = row 1).
    """
    if isinstance(source, pd.DataFrame):
        df = source.astype("string")
    else:
        df = pd.read_csv(source, dtype=str, encoding="utf-8-sig", keep_default_na=False)
        df = df.astype("string")
    missing = [c for c in ("call_id", "agent_id", *REVIEW_COLUMNS) if c not in df.columns]
    if missing:
        raise KeyError(f"The spot-check sheet lacks column(s) {missing}.")
    df = df.fillna("")
    comp = _parse_bool(df["compliant"], "compliant")
    eff = _parse_bool(df["effective"], "effective")
    reviewer = df["reviewer"].str.strip()
    judged = comp.notna() | eff.notna()
    no_rev = judged & (reviewer == "")
    if no_rev.any():
        rows = (np.flatnonzero(no_rev.to_numpy()) + 2).tolist()[:10]
        raise ValueError(f"Spot-check rows {rows} have judgements but an empty `reviewer`.")
    if (reviewer.str.lower() == "system").any():
        rows = (np.flatnonzero((reviewer.str.lower() == "system").to_numpy()) + 2).tolist()[:10]
        raise ValueError(
            f"Spot-check rows {rows} name reviewer 'system', reserved for automatic QA."
        )
    keep = judged.to_numpy()
    out = pd.DataFrame(
        {
            "review_id": ("spot:" + df["call_id"] + ":" + reviewer)[keep].to_numpy(),
            "call_id": df["call_id"][keep].to_numpy(),
            "agent_id": df["agent_id"][keep].to_numpy(),
            "reviewed_at": pd.NaT,
            "reviewer": reviewer[keep].to_numpy(),
            "compliant": comp[keep].to_numpy(),
            "effective": eff[keep].to_numpy(),
            "notes": df["notes"][keep].to_numpy(),
            "design_weight": pd.to_numeric(
                df["design_weight"][keep] if "design_weight" in df.columns else 1.0, errors="coerce"
            ),
        }
    )
    for c in ("review_id", "call_id", "agent_id", "reviewer", "notes"):
        out[c] = out[c].astype("string")
    for j in JUDGEMENTS:
        out[j] = out[j].astype("boolean")
    return out.reset_index(drop=True)


def with_reviews(data: Dataset, reviews: pd.DataFrame) -> Dataset:
    """A copy of ``data`` whose ``qa_reviews`` table also holds ``reviews`` (e.g. a spot check).

    Reviews whose ``review_id`` already exists are replaced by the new ones.
    """
    new = reviews.drop(columns=[c for c in ("notes", "design_weight") if c in reviews.columns])
    old = data.tables.get("qa_reviews")
    if old is not None:
        old = old[~old["review_id"].astype("string").isin(set(new["review_id"].astype("string")))]
        new = pd.concat(
            [old, new.astype({c: old[c].dtype for c in new.columns if c in old.columns})],
            ignore_index=True,
        )
    tables = {**data.tables, "qa_reviews": new}
    return Dataset(
        tables=tables,
        quarantine=data.quarantine,
        load_report=data.load_report,
        timezone=data.timezone,
        source=data.source,
        name=data.name,
    )


# ------------------------------------------------------------------------------ agreement


def paired_judgements(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    automatic: str = "system",
    combine: str = "majority",
    period: str | None = None,
    granularity: str = "month",
) -> pd.DataFrame:
    """The automatic and the human judgement of each call reviewed by both.

    Parameters
    ----------
    data : Dataset
        Needs ``qa_reviews`` (and ``calls`` for periods, ``agents`` for teams).
    judgements : str or sequence, default ("compliant", "effective")
    automatic : str, default "system"
        Reviewer id of the automatic judgements; every other reviewer is human.
    combine : {"majority", "first", "last"}, default "majority"
        How several human judgements of one call become the reference: the majority
        (calls with a tie are left out), or the earliest / latest review.
    period : str, optional
        Keep calls started in this period.
    granularity : {"week", "month", "quarter", "year"}, default "month"
        Granularity of the ``period`` column.

    Returns
    -------
    DataFrame
        One row per call and judgement: ``judgement``, ``call_id``, ``agent_id``, ``team_id``,
        ``period``, ``period_start``, ``system`` (bool), ``human`` (bool, the reference),
        ``n_human`` (human judgements of the call), ``human_consensus`` (share of those
        agreeing with the reference).
    """
    check_option("combine", combine, ["majority", "first", "last"])
    check_option("granularity", granularity, GRANULARITIES)
    reviews = _reviews(data)
    judgements = _check_judgements(judgements, reviews)
    calls = _calls(data, ["call_id", "started_at"])
    order = "reviewed_at" if "reviewed_at" in reviews.columns else "review_id"
    reviews = reviews.sort_values([order, "review_id"])
    out = []
    for j in judgements:
        r = reviews[reviews[j].notna()]
        sysr = r[r["reviewer"] == automatic].drop_duplicates("call_id", keep="last")
        hum = r[r["reviewer"] != automatic]
        g = hum.groupby("call_id")[j]
        agg = pd.DataFrame({"n_human": g.size(), "n_pos": g.sum().astype(float)})
        if combine == "majority":
            agg["human"] = np.where(2 * agg["n_pos"] > agg["n_human"], True, False)
            agg = agg[2 * agg["n_pos"] != agg["n_human"]]
        else:
            pick = hum.drop_duplicates("call_id", keep="first" if combine == "first" else "last")
            agg["human"] = pick.set_index("call_id")[j].astype(bool)
        agg["human_consensus"] = (
            np.where(agg["human"], agg["n_pos"], agg["n_human"] - agg["n_pos"]) / agg["n_human"]
        )
        pairs = (
            sysr[["call_id", "agent_id", j]]
            .rename(columns={j: "system"})
            .merge(agg.reset_index(), on="call_id", how="inner")
        )
        pairs["system"] = pairs["system"].astype(bool)
        pairs["human"] = pairs["human"].astype(bool)
        pairs["judgement"] = j
        out.append(pairs)
    pairs = pd.concat(out, ignore_index=True)
    pairs = pairs.merge(calls, on="call_id", how="left")
    labels = period_labels(pairs["started_at"], granularity)
    pairs = pd.concat([pairs, labels], axis=1)
    if period is not None:
        pairs = pairs[_period_filter(pairs["started_at"], period)]
    pairs["team_id"] = pairs["agent_id"].map(_team_map(data)).astype("string")
    pairs["n_human"] = pairs["n_human"].astype(int)
    cols = [
        "judgement",
        "call_id",
        "agent_id",
        "team_id",
        "period",
        "period_start",
        "system",
        "human",
        "n_human",
        "human_consensus",
    ]
    return pairs[cols].reset_index(drop=True)


def _as_pairs(data) -> pd.DataFrame:
    return paired_judgements(data) if isinstance(data, Dataset) else data


def _group_keys(by) -> list[str]:
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def confusion(
    data: Dataset | pd.DataFrame, *, by: str | Sequence[str] | None = None
) -> pd.DataFrame:
    """Confusion matrix of automatic vs human judgements, in long form.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or the output of :func:`paired_judgements`.
    by : str or sequence of str, optional
        Extra grouping columns, e.g. ``"agent_id"``.

    Returns
    -------
    DataFrame
        ``judgement``, the ``by`` columns, ``system`` (bool), ``human`` (bool), ``n`` (calls),
        ``share`` (of the judgement's / group's calls); all four cells present, zeros included.
    """
    pairs = _as_pairs(data)
    keys = ["judgement", *_group_keys(by)]
    cells = pd.MultiIndex.from_product([[True, False], [True, False]], names=["system", "human"])
    n = pairs.groupby([*keys, "system", "human"]).size()
    groups = pairs[keys].drop_duplicates()
    full = groups.merge(cells.to_frame(index=False), how="cross")
    full = full.merge(n.rename("n").reset_index(), on=[*keys, "system", "human"], how="left")
    full["n"] = full["n"].fillna(0).astype(int)
    full["share"] = full["n"] / full.groupby(keys)["n"].transform("sum")
    return full.reset_index(drop=True)


def agreement(
    data: Dataset | pd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    confidence: float = 0.95,
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """Agreement of automatic with human judgements: kappa and error rates with intervals.

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or the output of :func:`paired_judgements`.
    by : str or sequence of str, optional
        Extra grouping, e.g. ``"agent_id"`` or ``["agent_id", "period"]``.
    confidence : float, default 0.95
    weights : Series, optional
        Design weights indexed by ``call_id`` (e.g. the spot-check sheet's ``design_weight``).
        Cell counts are then weighted sums rescaled to Kish's effective sample size, so the
        intervals reflect the loss of precision from unequal weights.

    Returns
    -------
    DataFrame
        One row per judgement (and group): ``judgement``, the ``by`` columns; ``n`` (calls);
        ``tp``, ``fp``, ``fn``, ``tn`` (system positive & human positive; system positive &
        human negative; system negative & human positive; both negative);
        ``observed_agreement``, ``expected_agreement`` (by chance); ``kappa``, ``kappa_se``
        (asymptotic), ``kappa_low``, ``kappa_high`` (normal interval, clipped to [-1, 1]);
        ``sensitivity`` = tp / (tp + fn) and ``specificity`` = tn / (tn + fp), each with
        Wilson ``_low`` / ``_high``; ``fpr`` = 1 - specificity (the human said no, the system
        yes: inflates system rates) and ``fnr`` = 1 - sensitivity, each with Wilson
        ``_low`` / ``_high``; ``system_rate`` and ``human_rate`` (positive shares on these
        calls) and ``difference`` = system_rate - human_rate; ``mcnemar_p`` (exact two-sided
        McNemar test of fp vs fn: does the system err in one direction?).

    Notes
    -----
    :math:`\\kappa = (p_o - p_e)/(1 - p_e)` with asymptotic SE of Fleiss, Cohen & Everitt
    (1969) (as ``statsmodels.stats.inter_rater.cohens_kappa``); interval
    :math:`\\kappa \\pm z\\,SE`. Rates use the Wilson score interval.
    """
    pairs = _as_pairs(data)
    keys = ["judgement", *_group_keys(by)]
    missing = [c for c in [*keys, "system", "human"] if c not in pairs.columns]
    if missing:
        raise KeyError(f"The paired judgements lack column(s) {missing}.")
    p = pairs.copy()
    if weights is not None:
        w = p["call_id"].map(weights).astype(float)
        if w.isna().any():
            raise KeyError(
                f"`weights` has no weight for {int(w.isna().sum())} paired call(s), e.g. "
                f"{p.loc[w.isna(), 'call_id'].head(3).tolist()}."
            )
        p["w"] = w
        grp_w = p.groupby(keys)["w"]
        n_eff = grp_w.transform("sum") ** 2 / grp_w.transform(lambda s: (s**2).sum())
        p["w"] = p["w"] / grp_w.transform("sum") * n_eff
    else:
        p["w"] = 1.0
    s, h = p["system"].astype(bool), p["human"].astype(bool)
    p["tp"] = p["w"] * (s & h)
    p["fp"] = p["w"] * (s & ~h)
    p["fn"] = p["w"] * (~s & h)
    p["tn"] = p["w"] * (~s & ~h)
    out = p.groupby(keys, sort=True)[["tp", "fp", "fn", "tn"]].sum()
    out.insert(0, "n", p.groupby(keys, sort=True).size())
    out = out.reset_index()
    if weights is None:
        out[["tp", "fp", "fn", "tn"]] = out[["tp", "fp", "fn", "tn"]].astype(int)
    tp, fp, fn, tn = (out[c].to_numpy(dtype=float) for c in ("tp", "fp", "fn", "tn"))
    tot = tp + fp + fn + tn
    z = stats.norm.ppf(0.5 + confidence / 2)
    kappa, se = cohens_kappa_2x2(tp, fp, fn, tn)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["observed_agreement"] = (tp + tn) / tot
        out["expected_agreement"] = ((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn)) / tot**2
        out["kappa"] = kappa
        out["kappa_se"] = se
        out["kappa_low"] = np.clip(kappa - z * se, -1, 1)
        out["kappa_high"] = np.clip(kappa + z * se, -1, 1)
        for name, x, n in (
            ("sensitivity", tp, tp + fn),
            ("specificity", tn, tn + fp),
            ("fpr", fp, tn + fp),
            ("fnr", fn, tp + fn),
        ):
            lo, hi = wilson_interval(x, n, confidence=confidence)
            out[name] = np.where(n > 0, x / n, np.nan)
            out[f"{name}_low"], out[f"{name}_high"] = lo, hi
        out["system_rate"] = (tp + fp) / tot
        out["human_rate"] = (tp + fn) / tot
    out["difference"] = out["system_rate"] - out["human_rate"]
    out["mcnemar_p"] = [
        stats.binomtest(int(round(b)), int(round(b)) + int(round(c)), 0.5).pvalue
        if round(b) + round(c) > 0
        else 1.0
        for b, c in zip(fp, fn, strict=True)
    ]
    return out


def flag_inflated(
    data: Dataset | pd.DataFrame,
    *,
    alpha: float = 0.05,
    min_reviewed: int = 10,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Agents whose system-measured rates look inflated by automatic misjudgements.

    Two complementary signals per agent and judgement, on the calls reviewed by both:

    * ``inflated`` — the system judges positive more often than the humans
      (``fp > fn``) and a one-sided exact McNemar test says so at level ``alpha`` after a
      Benjamini-Hochberg correction across agents;
    * ``fpr_above_team`` — the lower Wilson bound of the agent's false-positive rate is above
      the team-wide false-positive rate (the system is fooled more by this agent's calls
      than by others', e.g. padded calls).

    Parameters
    ----------
    data : Dataset or DataFrame
        A dataset, or the output of :func:`paired_judgements`.
    alpha : float, default 0.05
        False-discovery rate for ``inflated``.
    min_reviewed : int, default 10
        Agents with fewer paired calls are reported but never flagged (``enough_data`` False).
    confidence : float, default 0.95

    Returns
    -------
    DataFrame
        ``judgement``, ``agent_id``, ``team_id``; ``n``, ``fp``, ``fn``; ``system_rate``,
        ``human_rate``, ``difference``; ``fpr``, ``fpr_low``, ``fpr_high``; ``overall_fpr``
        (all agents); ``p_value`` (one-sided exact McNemar, system > human); ``p_adjusted``
        (Benjamini-Hochberg within judgement); ``enough_data``; ``inflated``;
        ``fpr_above_team``; ``flagged`` (either signal). Sorted with flagged agents first,
        by ``difference``.
    """
    pairs = _as_pairs(data)
    per = agreement(pairs, by=["agent_id", "team_id"], confidence=confidence)
    overall = agreement(pairs, confidence=confidence).set_index("judgement")["fpr"]
    per["overall_fpr"] = per["judgement"].map(overall)
    per["p_value"] = [
        stats.binomtest(int(b), int(b + c), 0.5, alternative="greater").pvalue if b + c > 0 else 1.0
        for b, c in zip(per["fp"], per["fn"], strict=True)
    ]
    per["enough_data"] = per["n"] >= min_reviewed
    per["p_adjusted"] = np.nan
    for _, idx in per[per["enough_data"]].groupby("judgement").groups.items():
        per.loc[idx, "p_adjusted"] = stats.false_discovery_control(
            per.loc[idx, "p_value"].to_numpy()
        )
    per["inflated"] = per["enough_data"] & (per["fp"] > per["fn"]) & (per["p_adjusted"] < alpha)
    per["fpr_above_team"] = per["enough_data"] & (per["fpr_low"] > per["overall_fpr"])
    per["flagged"] = per["inflated"] | per["fpr_above_team"]
    cols = [
        "judgement",
        "agent_id",
        "team_id",
        "n",
        "fp",
        "fn",
        "system_rate",
        "human_rate",
        "difference",
        "fpr",
        "fpr_low",
        "fpr_high",
        "overall_fpr",
        "p_value",
        "p_adjusted",
        "enough_data",
        "inflated",
        "fpr_above_team",
        "flagged",
    ]
    return per[cols].sort_values(
        ["judgement", "flagged", "difference"], ascending=[True, False, False], ignore_index=True
    )


# ------------------------------------------------------------------------------ correction


def corrected_rates(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    level: str = "agent",
    granularity: str = "month",
    period: str | None = None,
    rates_by: str = "all",
    method: str = "delta",
    confidence: float = 0.95,
    n_boot: int = 2000,
    seed: int = 0,
    automatic: str = "system",
    weights: pd.Series | None = None,
) -> pd.DataFrame:
    """System-measured compliance and effective-call rates corrected for misclassification.

    The observed rate is the share of a unit's automatically reviewed calls the system judged
    positive. Sensitivity and specificity of the system come from the calls also reviewed by
    humans (pooled over all periods, so a month with few human reviews borrows precision).

    Parameters
    ----------
    data : Dataset
    judgements : str or sequence, default ("compliant", "effective")
    level : {"agent", "team", "all"}, default "agent"
        Unit of the corrected rates.
    granularity : {"week", "month", "quarter", "year"}, default "month"
    period : str, optional
        Keep one period.
    rates_by : {"all", "team", "agent"}, default "all"
        Where sensitivity and specificity are estimated: pooled over everyone (stable; assumes
        the system errs alike for everyone), per team, or per agent (only with many human
        reviews per agent). Must not be finer than ``level``.
    method : {"delta", "bootstrap"}, default "delta"
        Interval for the corrected rate: delta method, or parametric bootstrap percentiles.
    confidence : float, default 0.95
    n_boot : int, default 2000
        Bootstrap replicates (``method="bootstrap"``).
    seed : int, default 0
    automatic : str, default "system"
    weights : Series, optional
        Design weights by ``call_id`` for the human sample (see :func:`agreement`).

    Returns
    -------
    DataFrame
        Indicator-table compatible rows: ``agent_id`` (level agent), ``team_id`` (not for level
        all), ``period``, ``granularity``, ``period_start``, ``indicator`` (``INDICATOR_OF``),
        ``value`` (corrected rate), ``numerator`` (value x denominator), ``denominator``
        (automatically reviewed calls), ``reason`` (why value is missing, else empty); and
        ``judgement``, ``raw_value`` (system rate), ``sensitivity``, ``specificity``,
        ``n_truth_pos``, ``n_truth_neg`` (human-positive and human-negative calls behind them),
        ``ci_low``, ``ci_high``, ``clipped`` (the formula fell outside [0, 1]), ``adjustment``
        (value - raw_value), ``human_rate`` and ``n_human`` (human-reviewed calls of the same
        unit and period, a direct but noisier estimate), ``method``.

    Notes
    -----
    Rogan-Gladen: :math:`\\hat\\pi = (p + Sp - 1)/(Se + Sp - 1)`, clipped to [0, 1]. Delta
    method, treating the three estimates as independent binomial proportions
    (:math:`J = Se + Sp - 1`):

    .. math:: \\operatorname{Var}\\hat\\pi \\approx
              \\frac{V(p) + \\pi^2 V(Se) + (1-\\pi)^2 V(Sp)}{J^2}

    with :math:`V(p) = p(1-p)/n` etc. (Greenland 1996). The bootstrap redraws :math:`p`,
    :math:`Se`, :math:`Sp` from their binomials. When Se or Sp is estimated as exactly 0 or 1
    the delta interval understates uncertainty; prefer the bootstrap then.

    References
    ----------
    Rogan & Gladen (1978), Am. J. Epidemiol. 107: 71-76. Greenland (1996), Basic methods for
    sensitivity analysis of biases, Int. J. Epidemiol. 25: 1107-1116.
    """
    check_option("level", level, ["agent", "team", "all"])
    check_option("rates_by", rates_by, ["all", "team", "agent"])
    check_option("method", method, ["delta", "bootstrap"])
    check_option("granularity", granularity, GRANULARITIES)
    if rates_by == "agent" and level != "agent" or rates_by == "team" and level == "all":
        raise ValueError(
            f"`rates_by={rates_by!r}` is finer than `level={level!r}`; misclassification rates "
            "must be estimated at the unit level or coarser."
        )
    reviews = _reviews(data)
    judgements = _check_judgements(judgements, reviews)
    unit = {"agent": ["agent_id", "team_id"], "team": ["team_id"], "all": []}[level]
    rate_keys = {"all": [], "team": ["team_id"], "agent": ["agent_id", "team_id"]}[rates_by]
    pairs = paired_judgements(
        data, judgements=judgements, automatic=automatic, granularity=granularity
    )
    acc = agreement(pairs, by=rate_keys or None, confidence=confidence, weights=weights)
    acc = acc.assign(n_truth_pos=acc["tp"] + acc["fn"], n_truth_neg=acc["tn"] + acc["fp"])
    acc = acc[["judgement", *rate_keys, "sensitivity", "specificity", "n_truth_pos", "n_truth_neg"]]

    calls = _calls(data, ["call_id", "started_at"])
    sysr = reviews[reviews["reviewer"] == automatic].drop_duplicates("call_id", keep="last")
    sysr = sysr.merge(calls, on="call_id", how="left")
    sysr = pd.concat([sysr, period_labels(sysr["started_at"], granularity)], axis=1)
    if period is not None:
        sysr = sysr[sysr["period"] == str(period)]
        pairs = pairs[pairs["period"] == str(period)]
    sysr["team_id"] = sysr["agent_id"].map(_team_map(data)).astype("string")
    rows = []
    for j in judgements:
        r = sysr[sysr[j].notna()]
        obs = (
            r.groupby([*unit, "period", "period_start"])[j]
            .agg(denominator="size", positives=lambda s: s.astype(bool).sum())
            .reset_index()
        )
        hum = (
            pairs[pairs["judgement"] == j]
            .groupby([*unit, "period"])["human"]
            .agg(n_human="size", human_rate="mean")
            .reset_index()
        )
        obs = obs.merge(hum, on=[*unit, "period"], how="left")
        obs["judgement"] = j
        rows.append(obs)
    out = pd.concat(rows, ignore_index=True)
    out = out.merge(acc, on=["judgement", *rate_keys], how="left")
    out["n_human"] = out["n_human"].fillna(0).astype(int)
    n = out["denominator"].to_numpy(float)
    p = out["positives"].to_numpy(float) / n
    se, sp = out["sensitivity"].to_numpy(float), out["specificity"].to_numpy(float)
    npos, nneg = out["n_truth_pos"].to_numpy(float), out["n_truth_neg"].to_numpy(float)
    j_ = se + sp - 1
    with np.errstate(divide="ignore", invalid="ignore"):
        raw_rg = (p + sp - 1) / j_
    value = rogan_gladen(p, se, sp)
    if method == "delta":
        with np.errstate(divide="ignore", invalid="ignore"):
            th = np.clip(raw_rg, 0, 1)
            var = (
                p * (1 - p) / n
                + th**2 * se * (1 - se) / npos
                + (1 - th) ** 2 * sp * (1 - sp) / nneg
            ) / j_**2
        z = stats.norm.ppf(0.5 + confidence / 2)
        lo, hi = np.clip(value - z * np.sqrt(var), 0, 1), np.clip(value + z * np.sqrt(var), 0, 1)
    else:
        rng = np.random.default_rng(seed)
        safe = np.nan_to_num

        def draw(k, prob):
            return (
                rng.binomial(
                    safe(k).astype(np.int64)[:, None].repeat(n_boot, 1),
                    safe(prob)[:, None].repeat(n_boot, 1),
                )
                / np.maximum(k, 1)[:, None]
            )

        pb, seb, spb = draw(n, p), draw(npos, se), draw(nneg, sp)
        with np.errstate(divide="ignore", invalid="ignore"):
            jb = seb + spb - 1
            th = np.where(jb > 0, np.clip((pb + spb - 1) / jb, 0, 1), np.nan)
        tail = (1 - confidence) / 2 * 100
        lo = np.nanpercentile(th, tail, axis=1)
        hi = np.nanpercentile(th, 100 - tail, axis=1)
    reason = np.select(
        [np.isnan(se) | np.isnan(sp), j_ <= 0],
        [
            "no human reviews to estimate the system's error rates",
            "system no better than chance (sensitivity + specificity <= 1)",
        ],
        default="",
    )
    ok = reason == ""
    out["raw_value"] = p
    out["value"] = np.where(ok, value, np.nan)
    out["ci_low"] = np.where(ok, lo, np.nan)
    out["ci_high"] = np.where(ok, hi, np.nan)
    out["clipped"] = ok & ((raw_rg < 0) | (raw_rg > 1))
    out["reason"] = pd.Series(reason, dtype="string")
    out["numerator"] = out["value"] * out["denominator"]
    out["adjustment"] = out["value"] - out["raw_value"]
    out["indicator"] = out["judgement"].map(INDICATOR_OF)
    out["granularity"] = granularity
    out["method"] = method
    cols = [
        *unit,
        "period",
        "granularity",
        "period_start",
        "indicator",
        "value",
        "numerator",
        "denominator",
        "reason",
        "judgement",
        "raw_value",
        "sensitivity",
        "specificity",
        "n_truth_pos",
        "n_truth_neg",
        "ci_low",
        "ci_high",
        "clipped",
        "adjustment",
        "human_rate",
        "n_human",
        "method",
    ]
    return out[cols].sort_values([*unit, "period", "indicator"], ignore_index=True)


def apply_correction(indicators: pd.DataFrame, corrected: pd.DataFrame) -> pd.DataFrame:
    """Replace system-measured rates in an indicator table with corrected values.

    Parameters
    ----------
    indicators : DataFrame
        An indicator table (``compute_indicators``).
    corrected : DataFrame
        Output of :func:`corrected_rates` at the same level and granularity.

    Returns
    -------
    DataFrame
        ``indicators`` with ``value``, ``numerator`` and ``reason`` taken from ``corrected``
        on matching rows (same unit, period and indicator, keeping the indicator table's
        ``denominator``), plus ``raw_value`` (the value before correction), ``ci_low``,
        ``ci_high`` and ``corrected`` (bool) columns. Rows not corrected keep their values.
    """
    keys = [
        k
        for k in ("agent_id", "team_id", "period", "granularity", "indicator")
        if k in indicators.columns and k in corrected.columns
    ]
    if "indicator" not in keys or "period" not in keys:
        raise KeyError("Both tables need `indicator` and `period` columns to be matched.")
    c = corrected[[*keys, "value", "reason", "ci_low", "ci_high"]].rename(
        columns={"value": "_value", "reason": "_reason"}
    )
    out = indicators.merge(c, on=keys, how="left", indicator="_m")
    hit = (out["_m"] == "both").to_numpy()
    out["raw_value"] = out["value"]
    out["corrected"] = hit
    out.loc[hit, "value"] = out.loc[hit, "_value"]
    if "numerator" in out.columns and "denominator" in out.columns:
        out.loc[hit, "numerator"] = out.loc[hit, "value"] * out.loc[hit, "denominator"]
    if "reason" in out.columns:
        out["reason"] = out["reason"].astype("string")
        out.loc[hit, "reason"] = out.loc[hit, "_reason"].astype("string").fillna("")
    return out.drop(columns=["_value", "_reason", "_m"])


# ------------------------------------------------------------------------------ reviewers


def _human_ratings(
    data: Dataset, judgement: str, include_system: bool, automatic: str
) -> pd.DataFrame:
    r = _reviews(data)
    _check_judgements(judgement, r)
    r = r[r[judgement].notna()]
    if not include_system:
        r = r[r["reviewer"] != automatic]
    order = "reviewed_at" if "reviewed_at" in r.columns else "review_id"
    r = r.sort_values(order).drop_duplicates(["call_id", "reviewer"], keep="last")
    return r[["call_id", "agent_id", "reviewer", judgement]].rename(columns={judgement: "value"})


def reviewer_agreement(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    include_system: bool = False,
    automatic: str = "system",
    confidence: float = 0.95,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Agreement among reviewers who judged the same calls: Fleiss' kappa with a bootstrap CI.

    Parameters
    ----------
    data : Dataset
    judgements : str or sequence, default ("compliant", "effective")
    include_system : bool, default False
        Count the automatic judgement as one more rater.
    automatic : str, default "system"
    confidence : float, default 0.95
    n_boot : int, default 1000
        Bootstrap replicates over calls for the interval.
    seed : int, default 0

    Returns
    -------
    DataFrame
        One row per judgement: ``judgement``; ``calls`` (calls with >= 2 ratings);
        ``reviewers`` (distinct raters); ``mean_raters`` (ratings per call);
        ``observed_agreement`` (mean pairwise agreement :math:`\\bar P`),
        ``expected_agreement`` (:math:`P_e`); ``fleiss_kappa``, ``ci_low``, ``ci_high``
        (percentile bootstrap over calls). NaN when no call has two ratings.

    Notes
    -----
    Fleiss (1971), generalised to a varying number of raters per call (see
    :func:`fleiss_kappa`). Kappa near 1 means reviewers apply the same standard; below about
    0.6 the human "truth" used for calibration is itself unreliable.
    """
    reviews = _reviews(data)
    judgements = _check_judgements(judgements, reviews)
    rng = np.random.default_rng(seed)
    rows = []
    for j in judgements:
        r = _human_ratings(data, j, include_system, automatic)
        counts = r.groupby("call_id")["value"].agg(pos=lambda s: s.astype(bool).sum(), n="size")
        counts = counts[counts["n"] >= 2]
        table = np.column_stack([counts["pos"], counts["n"] - counts["pos"]]).astype(float)
        kappa, po, pe = fleiss_kappa(table) if len(table) else (np.nan, np.nan, np.nan)
        lo = hi = np.nan
        if len(table) >= 2:
            boots = _fleiss_bootstrap(table, n_boot, rng)
            tail = (1 - confidence) / 2 * 100
            lo, hi = np.nanpercentile(boots, [tail, 100 - tail])
        rated = r[r["call_id"].isin(counts.index)]
        rows.append(
            {
                "judgement": j,
                "calls": len(counts),
                "reviewers": rated["reviewer"].nunique(),
                "mean_raters": counts["n"].mean() if len(counts) else np.nan,
                "observed_agreement": po,
                "expected_agreement": pe,
                "fleiss_kappa": kappa,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(rows)


def _fleiss_bootstrap(table: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Fleiss' kappa on ``n_boot`` resamples of the rows (subjects) of ``table``."""
    ni = table.sum(1)
    p_i = ((table**2).sum(1) - ni) / (ni * (ni - 1))
    out = np.empty(n_boot)
    chunk = max(1, 2_000_000 // len(table))
    for start in range(0, n_boot, chunk):
        idx = rng.integers(0, len(table), size=(min(chunk, n_boot - start), len(table)))
        p_bar = p_i[idx].mean(1)
        p_j = table[idx].sum(1) / ni[idx].sum(1)[:, None]
        p_e = (p_j**2).sum(1)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[start : start + len(idx)] = np.where(p_e < 1, (p_bar - p_e) / (1 - p_e), np.nan)
    return out


def reviewer_pairs(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    include_system: bool = True,
    automatic: str = "system",
    confidence: float = 0.95,
    min_calls: int = 1,
) -> pd.DataFrame:
    """Cohen's kappa for every pair of raters on the calls both judged.

    Returns
    -------
    DataFrame
        ``judgement``, ``reviewer_a``, ``reviewer_b`` (a < b), ``n`` (shared calls),
        ``observed_agreement``, ``kappa``, ``kappa_se``, ``kappa_low``, ``kappa_high``,
        ``a_rate``, ``b_rate`` (positive shares on the shared calls). Pairs with fewer than
        ``min_calls`` shared calls are left out.
    """
    reviews = _reviews(data)
    judgements = _check_judgements(judgements, reviews)
    z = stats.norm.ppf(0.5 + confidence / 2)
    out = []
    for j in judgements:
        r = _human_ratings(data, j, include_system, automatic)
        wide = r.pivot(index="call_id", columns="reviewer", values="value")
        wide = wide[wide.notna().sum(axis=1) >= 2]
        names = sorted(wide.columns)
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                both = wide[[a, b]].dropna()
                if len(both) < max(min_calls, 1):
                    continue
                x, y = both[a].astype(bool), both[b].astype(bool)
                tp, fp, fn, tn = (x & y).sum(), (x & ~y).sum(), (~x & y).sum(), (~x & ~y).sum()
                k, se = cohens_kappa_2x2(tp, fp, fn, tn)
                out.append(
                    {
                        "judgement": j,
                        "reviewer_a": a,
                        "reviewer_b": b,
                        "n": len(both),
                        "observed_agreement": (tp + tn) / len(both),
                        "kappa": float(k),
                        "kappa_se": float(se),
                        "kappa_low": float(np.clip(k - z * se, -1, 1)),
                        "kappa_high": float(np.clip(k + z * se, -1, 1)),
                        "a_rate": x.mean(),
                        "b_rate": y.mean(),
                    }
                )
    cols = [
        "judgement",
        "reviewer_a",
        "reviewer_b",
        "n",
        "observed_agreement",
        "kappa",
        "kappa_se",
        "kappa_low",
        "kappa_high",
        "a_rate",
        "b_rate",
    ]
    return pd.DataFrame(out, columns=cols)


def _additive_reference(r: pd.DataFrame, iterations: int = 200, tol: float = 1e-10) -> pd.Series:
    """Call effect plus the median reviewer effect of ``x = a_call + b_reviewer`` (least squares)."""
    call = pd.factorize(r["call_id"])[0]
    rev = pd.factorize(r["reviewer"])[0]
    x = r["x"].to_numpy(float)
    n_call = np.bincount(call)
    n_rev = np.bincount(rev)
    b = np.zeros(len(n_rev))
    for _ in range(iterations):  # alternating least squares (backfitting)
        a = np.bincount(call, x - b[rev]) / n_call
        b_new = np.bincount(rev, x - a[call]) / n_rev
        if np.max(np.abs(b_new - b)) < tol:
            b = b_new
            break
        b = b_new
    return pd.Series(a[call] + np.median(b), index=r.index)


def reviewer_leniency(
    data: Dataset,
    *,
    judgements: Sequence[str] | str = JUDGEMENTS,
    include_system: bool = False,
    automatic: str = "system",
    reference: str = "model",
    confidence: float = 0.95,
    min_calls: int = 5,
) -> pd.DataFrame:
    """How much more (or less) often each reviewer judges positive than others on the same calls.

    For every call a reviewer shares with at least one other rater, the difference
    :math:`d_i = x_{ri} - o_{-r,i}` between the reviewer's judgement (1/0) and the other
    raters' verdict :math:`o_{-r,i}`. Leniency is the mean of :math:`d_i`, with a t-interval
    and a one-sample t-test against 0.

    Parameters
    ----------
    data : Dataset
    judgements : str or sequence, default ("compliant", "effective")
    include_system : bool, default False
        Treat the automatic judgement as a rater (its leniency then shows up too).
    automatic : str, default "system"
    reference : {"model", "mean", "majority"}, default "model"
        The others' verdict. ``model`` fits the additive model
        :math:`x_{rc} = a_c + b_r + e` (call and reviewer effects, least squares) and sets
        :math:`o = \\hat a_c + \\operatorname{median}_r \\hat b_r`, so leniency is
        :math:`\\hat b_r` relative to the median reviewer: one lenient colleague does not make
        everyone else look strict. ``mean``: the mean of the other raters' judgements (simple,
        but a lenient colleague shifts the others by about 1/(raters - 1) of their leniency).
        ``majority``: the others' majority (0.5 on a tie).
    confidence : float, default 0.95
    min_calls : int, default 5
        Reviewers with fewer shared calls are reported but never labelled.

    Returns
    -------
    DataFrame
        ``judgement``, ``reviewer``; ``calls`` (shared calls); ``positive_rate`` (the
        reviewer's on those calls); ``others_rate`` (mean of the others' verdicts); ``leniency``
        (mean :math:`d_i`: +0.10 = judges positive 10 points more often); ``ci_low``,
        ``ci_high``; ``p_value`` (two-sided t-test); ``label``: ``lenient`` (interval above 0),
        ``strict`` (below 0), ``in line`` or ``too few calls``.
    """
    check_option("reference", reference, ["model", "mean", "majority"])
    reviews = _reviews(data)
    judgements = _check_judgements(judgements, reviews)
    out = []
    for j in judgements:
        r = _human_ratings(data, j, include_system, automatic)
        r["x"] = r["value"].astype(bool).astype(float)
        g = r.groupby("call_id")["x"]
        r["n_call"] = g.transform("size")
        r["sum_call"] = g.transform("sum")
        r = r[r["n_call"] >= 2]
        others_mean = (r["sum_call"] - r["x"]) / (r["n_call"] - 1)
        if reference == "majority":
            r["others"] = np.sign(others_mean - 0.5) / 2 + 0.5
        elif reference == "mean":
            r["others"] = others_mean
        else:
            r["others"] = _additive_reference(r)
        r["d"] = r["x"] - r["others"]
        for reviewer, grp in r.groupby("reviewer", sort=True):
            d = grp["d"].to_numpy()
            n = len(d)
            mean = d.mean()
            if n >= 2 and d.std(ddof=1) > 0:
                sem = d.std(ddof=1) / np.sqrt(n)
                tq = stats.t.ppf(0.5 + confidence / 2, n - 1)
                lo, hi = mean - tq * sem, mean + tq * sem
                pval = stats.ttest_1samp(d, 0.0).pvalue
            elif n >= 2:
                lo = hi = mean
                pval = 1.0 if mean == 0 else 0.0
            else:
                lo = hi = pval = np.nan
            if n < min_calls:
                label = "too few calls"
            elif lo > 0:
                label = "lenient"
            elif hi < 0:
                label = "strict"
            else:
                label = "in line"
            out.append(
                {
                    "judgement": j,
                    "reviewer": reviewer,
                    "calls": n,
                    "positive_rate": grp["x"].mean(),
                    "others_rate": grp["others"].mean(),
                    "leniency": mean,
                    "ci_low": lo,
                    "ci_high": hi,
                    "p_value": pval,
                    "label": label,
                }
            )
    cols = [
        "judgement",
        "reviewer",
        "calls",
        "positive_rate",
        "others_rate",
        "leniency",
        "ci_low",
        "ci_high",
        "p_value",
        "label",
    ]
    return pd.DataFrame(out, columns=cols)
