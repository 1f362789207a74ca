"""The source case study's reported figures and the measured changes beside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi_lib._util import check_option, unknown_name_message
from kpi_lib.analyses.before_after.derived import indicator_meta

__all__ = [
    "CASE_STUDY_FIGURES",
    "case_study_table",
]


#: Figures reported by the source case study (003, section 5): an education company moved from
#: (sales 70 %, dials 30 %) to (sales 40, effective calls 20, satisfaction 20, compliance 15,
#: training 5); three months later these were observed. ``check`` says which measured quantity
#: the figure is compared with: ``before``/``after`` levels (in the indicator's unit, rates as
#: fractions) or ``rel_change`` (relative change, 0.25 = +25 %). ``bound`` is ``"eq"`` for a
#: point figure, ``"lt"`` for "under x" or ``"gt0"`` for "up". The complaint rate is read as
#: complaints per 100 orders (a derived indicator, :data:`DERIVED`).
CASE_STUDY_FIGURES = pd.DataFrame(
    [
        ("complaints_per_100_orders", "before", 15.0, "eq", "complaint rate 15 %"),
        ("complaints_per_100_orders", "after", 5.0, "eq", "complaint rate 5 %"),
        ("repurchase_rate", "before", 0.05, "lt", "repurchase under 5 %"),
        ("repurchase_rate", "after", 0.12, "eq", "repurchase 12 %"),
        ("dials", "rel_change", -0.10, "eq", "outbound dials -10 %"),
        ("effective_call_rate", "rel_change", 0.25, "eq", "effective-call rate +25 %"),
        ("sales_amount", "rel_change", np.nan, "gt0", "sales up (figure cut off in the source)"),
    ],
    columns=["indicator", "check", "figure", "bound", "source_text"],
)


def case_study_table(
    comparison: pd.DataFrame,
    *,
    group: str | None = None,
    figures: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Measured before/after changes beside the figures the source case study reports.

    Parameters
    ----------
    comparison : DataFrame
        Output of :func:`period_comparison` (``level="team"`` or ``"pooled"``).
    group : str, optional
        Which ``group`` of ``comparison`` to use; required when it holds more than one.
    figures : DataFrame, optional
        Reported figures with columns ``indicator``, ``check`` (``before``, ``after`` or
        ``rel_change``), ``figure``, ``bound`` (``eq``, ``lt`` or ``gt0``) and
        ``source_text``; default :data:`CASE_STUDY_FIGURES`.

    Returns
    -------
    DataFrame
        One row per reported figure: ``indicator``, ``label``, ``source_text``, ``check``,
        ``figure``, ``bound``, ``measured`` (the measured quantity named by ``check``),
        ``ci_low``, ``ci_high`` (its bootstrap interval), ``value_before``, ``value_after``,
        ``rel_change``, ``rel_change_ci_low``, ``rel_change_ci_high``, ``verdict`` (from
        :func:`period_comparison`) and ``consistent``: True when the reported figure is
        within the interval (``eq``), the interval starts below it (``lt``: "under x") or the
        interval lies above 0 (``gt0``: "up"); missing (NA) when the indicator was not measured.
    """
    figs = CASE_STUDY_FIGURES if figures is None else figures
    need = ["indicator", "check", "figure", "bound", "source_text"]
    missing = [c for c in need if c not in figs.columns]
    if missing:
        raise KeyError(f"`figures` lacks column(s) {missing}; expected {need}.")
    groups = list(pd.unique(comparison["group"]))
    if group is None:
        if len(groups) != 1:
            raise ValueError(
                f"`comparison` holds several groups {groups}; pass `group=` to choose one "
                "(or compare with level='pooled')."
            )
        group = groups[0]
    elif group not in groups:
        raise KeyError("In `comparison`: " + unknown_name_message("group", group, map(str, groups)))
    comp = comparison[comparison["group"] == group].set_index("indicator")
    cols = {
        "before": ("value_before", "value_before_ci_low", "value_before_ci_high"),
        "after": ("value_after", "value_after_ci_low", "value_after_ci_high"),
        "rel_change": ("rel_change", "rel_change_ci_low", "rel_change_ci_high"),
    }
    out = []
    for f in figs.itertuples(index=False):
        check_option("check", f.check, list(cols))
        check_option("bound", f.bound, ["eq", "lt", "gt0"])
        row = {
            "indicator": f.indicator,
            "label": indicator_meta(f.indicator)[0],
            "source_text": f.source_text,
            "check": f.check,
            "figure": f.figure,
            "bound": f.bound,
        }
        if f.indicator in comp.index:
            r = comp.loc[f.indicator]
            m, lo, hi = (float(r[c]) for c in cols[f.check])
            if f.bound == "eq":
                ok = lo <= f.figure <= hi
            elif f.bound == "lt":
                ok = lo < f.figure
            else:
                ok = lo > 0
            row |= {
                "measured": m,
                "ci_low": lo,
                "ci_high": hi,
                "value_before": r["value_before"],
                "value_after": r["value_after"],
                "rel_change": r["rel_change"],
                "rel_change_ci_low": r["rel_change_ci_low"],
                "rel_change_ci_high": r["rel_change_ci_high"],
                "verdict": r["verdict"],
                "consistent": bool(ok) if np.isfinite(lo) else pd.NA,
            }
        else:
            row |= {"verdict": "not measured", "consistent": pd.NA}
        out.append(row)
    cols_out = [
        "indicator",
        "label",
        "source_text",
        "check",
        "figure",
        "bound",
        "measured",
        "ci_low",
        "ci_high",
        "value_before",
        "value_after",
        "rel_change",
        "rel_change_ci_low",
        "rel_change_ci_high",
        "verdict",
        "consistent",
    ]
    return pd.DataFrame(out).reindex(columns=cols_out)
