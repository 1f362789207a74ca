"""Tests of kpi_lib.indicators.definitions as the one home of the effective-call rule: no
other module writes the threshold as a literal, a team's own rule moves every analysis, chart
and sentence that depends on it, and the new bunching-window fields load and validate."""

from __future__ import annotations

import io
import tokenize

import matplotlib
import numpy as np
import pandas as pd
import pytest
import yaml

from kpi_lib.analyses import calibration as cal
from kpi_lib.analyses import gaming, recommendations
from kpi_lib.data.dataset import Dataset
from kpi_lib.indicators.definitions import Definitions, definitions_table
from kpi_lib.paths import project_root
from kpi_lib.report import quality_text

matplotlib.use("Agg")

# ------------------------------------------------------------------------ (a) no literal rule

#: Literals that spell the default rule: the threshold and the ends of its bunching window.
RULE_VALUES = {
    Definitions().effective_min_talk_s,
    *Definitions().bunching_window,
}
#: Files that may hold such literals, and why.
EXEMPT_FILES = {
    "kpi_lib/indicators/definitions.py": "the home of the rule",
}
EXEMPT_PREFIXES = {
    "kpi_lib/data/synth": "the generator plants behaviour around the rule (threshold padding)",
}
#: (file, name on the line) -> why a literal there is not the effective-call rule.
ALLOWED = {
    ("kpi_lib/analyses/real_data.py", "_DISPLAY_DURATION_BUCKETS_S"): (
        "whole-minute display buckets of call duration for the public datasets' tour "
        "(<1, 1-3, 3-6, 6-10, 10+ min), not the effective-call rule"
    ),
}


def _number_literals(source: str):
    """(line number, line text, token) of every NUMBER token whose value is a rule value."""
    lines = source.splitlines()
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.NUMBER:
            continue
        text = tok.string.replace("_", "").lower()
        try:
            value = complex(text) if text.endswith("j") else float(int(text, 0))
        except ValueError:
            value = float(text)
        if value in RULE_VALUES:
            yield tok.start[0], lines[tok.start[0] - 1], tok.string


def _package_files():
    root = project_root()
    for path in sorted((root / "kpi_lib").rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if rel in EXEMPT_FILES or any(rel.startswith(p) for p in EXEMPT_PREFIXES):
            continue
        yield rel, path


def test_rule_literals_finder_sees_numbers_only():
    src = 'x = 180\ny = 1.8e2\nz = "180 s"  # 180\nw = 0xB4\nv = 210.0\nu = 1800\n'
    assert [line for line, _, _ in _number_literals(src)] == [1, 2, 4, 5]


def test_no_effective_call_threshold_literal_outside_definitions():
    found = []
    for rel, path in _package_files():
        for line, text, tok in _number_literals(path.read_text(encoding="utf-8")):
            if any(f == rel and name in text for f, name in ALLOWED):
                continue
            found.append(f"{rel}:{line}: {tok} in {text.strip()!r}")
    assert not found, (
        "The effective-call threshold and its bunching window belong to Definitions "
        "(effective_min_talk_s, bunching_window); take `definitions=` instead of a literal:\n"
        + "\n".join(found)
    )


def test_allow_list_is_not_stale():
    for (rel, name), _reason in ALLOWED.items():
        text = (project_root() / rel).read_text(encoding="utf-8")
        assert any(name in t for _, t, _ in _number_literals(text)), (rel, name)


# ------------------------------------------------------------------------ (b) a team's own rule

RULE_120 = Definitions(effective_min_talk_s=120)


def _calls(n=40_000, extra=1_500, bump=(120, 140), seed=0, agents=1):
    """Lognormal talk times (median 118 s) plus ``extra`` calls stretched into ``bump``."""
    rng = np.random.default_rng(seed)
    d = np.exp(np.log(118.0) + 0.85 * rng.normal(size=n))
    d = np.concatenate([d, rng.uniform(*bump, extra)])
    return pd.DataFrame(
        {
            "agent_id": [f"A{i % agents}" for i in range(len(d))],
            "team_id": "T1",
            "duration_s": d,
            "outcome": "connected",
            "started_at": pd.Timestamp("2026-01-05"),
            "need_captured": True,
            "intent_rating": rng.integers(0, 4, len(d)),
        }
    )


def test_bunching_window_follows_the_threshold():
    assert Definitions().bunching_window == (165.0, 210.0)
    assert RULE_120.bunching_window == (105.0, 150.0)
    assert Definitions(bunching_below_s=10, bunching_above_s=20).bunching_window == (170, 200)


def test_custom_rule_moves_the_bunching_bins():
    calls = _calls()
    bins = gaming.bunching_bins(calls, definitions=RULE_120)
    above = bins[bins["above_threshold"]]
    assert (above["bin_start"].min(), above["bin_end"].max()) == (120, 150)
    excluded = bins[bins["excluded"]]
    assert (excluded["bin_start"].min(), excluded["bin_end"].max()) == (105, 150)
    default = gaming.bunching_bins(calls)
    above = default[default["above_threshold"]]
    assert (above["bin_start"].min(), above["bin_end"].max()) == (180, 210)


def test_custom_rule_measures_the_excess_at_its_threshold():
    calls = _calls()
    at_120 = gaming.bunching(calls, by=None, definitions=RULE_120, n_boot=100).iloc[0]
    assert at_120["excess_calls"] == pytest.approx(1_500, rel=0.3)
    assert at_120["flagged"]
    # the same calls under the default rule: the bump is below the 165-210 s window
    at_180 = gaming.bunching(calls, by=None, n_boot=100).iloc[0]
    assert abs(at_180["excess_calls"]) < 500
    assert not at_180["flagged"]


def test_custom_rule_reaches_the_diagnosis():
    calls = _calls(n=20_000, extra=800, agents=4)
    rng = np.random.default_rng(5)
    rows = [
        {"agent_id": f"A{a}", "team_id": "T1", "period": f"2026-{t:02d}", "granularity": "month",
         "period_start": pd.Timestamp(2026, t, 1), "indicator": ind, "value": v,
         "numerator": v, "denominator": 1.0, "reason": ""}
        for a in range(4)
        for t in (1, 2, 3)
        for ind, v in (("effective_calls", rng.poisson(100.0)),
                       ("sales_amount", rng.gamma(20, 50.0)))
    ]  # fmt: skip
    d = recommendations.diagnose(pd.DataFrame(rows), calls, definitions=RULE_120, n_boot=50)
    above = d["bunching_bins"][d["bunching_bins"]["above_threshold"]]
    assert (above["bin_start"].min(), above["bin_end"].max()) == (120, 150)
    # need vs intent counts effective calls at >= 120 s
    expected = calls[calls["duration_s"] >= 120].groupby("agent_id").size()
    got = d["need_intent"].set_index("agent_id")["effective_calls"]
    pd.testing.assert_series_equal(
        got.sort_index(), expected.sort_index(), check_names=False, check_dtype=False
    )
    default = recommendations.diagnose(pd.DataFrame(rows), calls, n_boot=50)
    above = default["bunching_bins"][default["bunching_bins"]["above_threshold"]]
    assert above["bin_start"].min() == 180


def _sampler_data():
    rng = np.random.default_rng(3)
    n = 600
    calls = pd.DataFrame(
        {
            "call_id": [f"C{i:04d}" for i in range(n)],
            "agent_id": [f"A{i % 3}" for i in range(n)],
            "started_at": pd.Timestamp("2026-03-01") + pd.to_timedelta(np.arange(n), unit="min"),
            "duration_s": rng.uniform(1, 400, n).round(),
            "outcome": "connected",
            "intent_rating": pd.array(np.full(n, 3), dtype="Int64"),
            "need_captured": pd.array(np.ones(n, dtype=bool), dtype="boolean"),
        }
    )
    agents = pd.DataFrame({"agent_id": ["A0", "A1", "A2"], "team_id": "T1"})
    return Dataset(tables={"calls": calls, "agents": agents})


def test_custom_rule_moves_the_sampler_borderline_window():
    data = _sampler_data()
    s = cal.spot_check_sample(data, share=0.5, definitions=RULE_120)
    near = s["reason"].str.contains("near_threshold")
    assert near.any()
    worded = quality_text.spot_check_sheet(s.loc[near], definitions=RULE_120)["reason"]
    assert set(worded) == {"talk time near 120 s"}
    assert s.loc[near, "duration_s"].between(90, 150).all()
    assert not s.loc[~near, "duration_s"].between(90, 150).any()
    default = cal.spot_check_sample(data, share=0.5)
    near = default["reason"].str.contains("near_threshold")
    assert set(quality_text.spot_check_sheet(default.loc[near])["reason"]) == {
        "talk time near 180 s"
    }
    assert default.loc[near, "duration_s"].between(150, 210).all()


def test_custom_rule_marks_the_charts():
    from kpi_lib.report.conflict_plots import bunching_plot
    from kpi_lib.report.overview_plots import plot_talk_time

    calls = _calls(n=5_000, extra=100)
    bins = gaming.bunching_bins(calls, definitions=RULE_120)
    ax = bunching_plot(bins, definitions=RULE_120)
    assert any(t.get_text() == "threshold 120 s" for t in ax.get_legend().get_texts())
    ax = plot_talk_time(Dataset(tables={"calls": calls}), definitions=RULE_120)
    assert "120 s" in [t.get_text() for t in ax.texts]
    assert any(list(line.get_xdata()) == [120, 120] for line in ax.get_lines())
    matplotlib.pyplot.close("all")


# ------------------------------------------------------------------------ (c) the new fields


def test_bunching_fields_round_trip_through_yaml(tmp_path):
    d = Definitions(effective_min_talk_s=120, bunching_below_s=10, bunching_above_s=20)
    path = tmp_path / "team.yaml"
    path.write_text(yaml.safe_dump({"definitions": d.to_dict()}), encoding="utf-8")
    back = Definitions.from_yaml(path)
    assert back == d
    assert (back.bunching_below_s, back.bunching_above_s) == (10, 20)
    assert back.bunching_window == (110, 140)
    changed = definitions_table(back).query("changed")["name"].tolist()
    assert changed == ["effective_min_talk_s", "bunching_below_s", "bunching_above_s"]


def test_shipped_definitions_hold_the_bunching_fields():
    text = (project_root() / "params" / "definitions" / "default.yaml").read_text("utf-8")
    shipped = yaml.safe_load(text)
    assert {"bunching_below_s", "bunching_above_s"} <= set(shipped)
    assert Definitions.from_yaml(shipped).bunching_window == Definitions().bunching_window


@pytest.mark.parametrize("name", ["bunching_below_s", "bunching_above_s"])
@pytest.mark.parametrize("value", [-15, 0, "30", True, None])
def test_bad_bunching_field_is_rejected(name, value):
    with pytest.raises(ValueError, match=f"`{name}` must be a number of seconds > 0"):
        Definitions.from_yaml({name: value})
