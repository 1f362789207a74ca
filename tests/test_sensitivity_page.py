"""The weight-sensitivity page: compared schemes adapted to the data, the leaderboard's
intervals (weight uncertainty and sampling noise), every word from the catalogue."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).parent))
from pagecheck import raw_values, untranslated  # noqa: E402

from kpi_lib.analyses import sensitivity as sens  # noqa: E402
from kpi_lib.paths import project_root  # noqa: E402
from kpi_lib.report import sensitivity_plots as plots  # noqa: E402
from kpi_lib.report import sensitivity_text as st  # noqa: E402
from kpi_lib.report.review import scheme_adapted_html  # noqa: E402

COMPARE = ["case_before", "case_after", "new_team", "no_such_scheme"]


@pytest.fixture(scope="module")
def no_surveys(small_data, tmp_path_factory):
    """The small dataset without surveys and QA reviews."""
    folder = tmp_path_factory.mktemp("min") / "ds"
    shutil.copytree(small_data, folder)
    for name in ("surveys", "qa_reviews"):
        for f in folder.glob(f"{name}.*"):
            f.unlink()
    return folder


def _review(folder):
    from kpi_lib.review import compute_review, prepare_spec

    spec, data = prepare_spec(
        params_files=[project_root() / "params" / "monthly.yaml"],
        dataset=str(folder),
        overrides={"draws": 100, "n_boot": 10},
    )
    return compute_review(spec, data)


@pytest.fixture(scope="module")
def reviews(small_data, no_surveys):
    out = {}
    for kind, folder in (("full", small_data), ("min", no_surveys)):
        rv = _review(folder)
        for lang in ("en", "zh-Hans", "zh-Hant"):
            out[(lang, kind)] = replace(rv, spec=rv.spec.with_settings(language=lang))
    return out


def _adapt(rv, names):
    from kpi_lib.review import adapt_schemes

    return adapt_schemes(names, rv.dataset, rv.definitions, cycle=rv.spec.cycle, baseline=rv.scheme)


def _page(rv, compare=COMPARE) -> str:
    """The page's HTML as the notebook assembles it (charts aside)."""
    from kpi_lib.report.style import setup_plots

    setup_plots(rv.language)
    inputs = sens.scorecard_inputs(rv.scorecard, period=rv.scored_period, indicators=rv.indicators)
    scores, weights = inputs["scores"], inputs["weights"]
    kw = {
        "tiers": inputs["tiers"],
        "bottom_tier": inputs["bottom_tier"],
        "method": inputs["method"],
        "geometric_shift": inputs["geometric_shift"],
        "top_k": rv.spec.top_k,
        "bottom_k": rv.spec.top_k,
    }
    draws = {"draws": rv.spec.draws, "size": rv.spec.perturbation, "seed": rv.spec.seed}
    mc = sens.monte_carlo_ranks(scores, weights, **draws, **kw, sampling=inputs["sampling"])
    flips = sens.decision_flips(mc)
    oat = sens.one_at_a_time(scores, weights, step=0.05, **kw)
    schemes, notes = _adapt(rv, compare)
    si = sens.scheme_set_inputs(rv.indicators, schemes, period=rv.scored_period, cycle="monthly")
    comparison = sens.compare_schemes(**si, top_k=rv.spec.top_k, bottom_k=rv.spec.top_k)
    agreement = sens.scheme_agreement(comparison)
    reversals = sens.rank_reversal_thresholds(scores, weights, closest_only=True)
    effective = sens.effective_weights(scores, weights, method=kw["method"])
    alternatives = sens.alternative_scores(
        rv.indicators, rv.scheme, normalisations=["minmax"], period=rv.scored_period
    )
    mc_methods = sens.monte_carlo_ranks(
        scores, weights, draws=50, seed=1, alternatives=alternatives, **kw
    )
    sobol = sens.sobol_weight_indices(scores, weights, n_base=32, seed=1, **kw)
    figures = {
        "sobol": plots.sobol_plot(sobol, language=rv.language).figure,
        "effective": plots.effective_weights_plot(effective, language=rv.language).figure,
    }
    return "".join(
        [
            st.intro_html(rv),
            st.how_sure_html(rv, flips),
            st.weights_html(rv, oat, step=0.05),
            st.schemes_html(rv, comparison, agreement, notes),
            st.reversal_html(rv, reversals),
            st.analyst_html(
                rv,
                effective=effective,
                mc=mc,
                mc_methods=mc_methods,
                flips=flips,
                flips_methods=sens.decision_flips(mc_methods),
                sobol=sobol,
                agreement=agreement,
                reversals=reversals,
                figures=figures,
            ),
        ]
    )


@pytest.mark.parametrize("language", ["zh-Hans", "zh-Hant"])
@pytest.mark.parametrize("kind", ["full", "min"])
def test_chinese_page_has_no_english_and_no_raw_values(reviews, language, kind):
    page = _page(reviews[(language, kind)])
    assert untranslated(page) == []
    assert raw_values(page) == []
    assert "<details>" in page


@pytest.mark.parametrize("kind", ["full", "min"])
def test_english_page_has_no_raw_values_and_says_what_the_intervals_include(reviews, kind):
    page = _page(reviews[("en", kind)])
    assert raw_values(page) == []
    assert "uncertainty of the weights and the sampling noise" in page


def test_compared_schemes_are_adapted_like_the_reviews_scheme(reviews):
    rv = reviews[("en", "min")]
    assert rv.spec.adapted, "the review's own scheme must have been adapted"
    schemes, notes = _adapt(rv, COMPARE)
    assert list(schemes)[0] == rv.scheme.name
    codes = {n["scheme"]: n["code"] for n in notes}
    assert codes["no_such_scheme"] == "unknown"
    assert codes["case_after"] == "adapted"
    # every kept scheme scores on these data (the old page raised KeyError here)
    si = sens.scheme_set_inputs(rv.indicators, schemes, period=rv.scored_period)
    assert set(si["scores"]) == set(schemes)
    for weights in si["schemes"].values():
        assert "satisfaction_rate" not in weights.index
    page = st.schemes_html(rv, None, None, notes)
    assert "case_after" in page and "no_such_scheme" in page
    assert "Satisfaction" in page or "satisfaction" in page.lower()
    # the adapted-scheme note is shown
    assert scheme_adapted_html(rv)


def test_a_scheme_that_says_stop_is_left_out_with_the_reason(reviews):
    from kpi_lib.scoring.schemes import load_scheme

    rv = reviews[("zh-Hans", "min")]
    strict = replace(load_scheme("case_after"), name="strict", missing_indicators="stop")
    schemes, notes = _adapt(rv, [strict])
    assert "strict" not in schemes
    (note,) = [n for n in notes if n["scheme"] == "strict"]
    assert note["code"] == "stop" and "satisfaction_rate" in note["indicators"]
    page = st.schemes_html(rv, None, None, notes)
    assert "未比较方案 strict" in page
    assert untranslated(page) == []


def test_full_data_compares_every_scheme_without_adaptation(reviews):
    rv = reviews[("en", "full")]
    schemes, notes = _adapt(rv, COMPARE)
    assert set(schemes) >= {"case_before", "case_after", "new_team"}
    assert [n["code"] for n in notes] == ["unknown"]


def test_page_intervals_are_the_leaderboards_with_sampling_noise(reviews):
    rv = reviews[("en", "min")]
    inputs = sens.scorecard_inputs(rv.scorecard, period=rv.scored_period, indicators=rv.indicators)
    kw = {k: inputs[k] for k in ("tiers", "bottom_tier", "method", "geometric_shift")}
    draws = {"draws": rv.spec.draws, "size": rv.spec.perturbation, "seed": rv.spec.seed}
    top = {"top_k": rv.spec.top_k, "bottom_k": rv.spec.top_k}
    with_noise = sens.monte_carlo_ranks(
        inputs["scores"], inputs["weights"], **draws, **top, **kw, sampling=inputs["sampling"]
    )
    cols = ["agent_id", "rank_low", "rank_high", "p_top_k", "p_bottom_k"]
    lb = rv.leaderboard[cols].dropna().sort_values("agent_id").reset_index(drop=True)
    got = with_noise.agents[cols].sort_values("agent_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(lb, got, check_dtype=False)
    # without sampling the intervals differ: the page must not show those
    weights_only = sens.monte_carlo_ranks(inputs["scores"], inputs["weights"], **draws, **top, **kw)
    w = weights_only.agents[cols].sort_values("agent_id").reset_index(drop=True)
    assert not w[["rank_low", "rank_high"]].equals(got[["rank_low", "rank_high"]])


def test_probability_words_cover_the_whole_range():
    words = [st.probability_words(p, "zh-Hans") for p in (0.99, 0.85, 0.65, 0.5, 0.3, 0.01)]
    assert len(set(words)) == 6
    assert st.probability_words(float("nan"), "en") == "no data"


def test_plots_are_labelled_in_the_pages_language(reviews):
    import matplotlib.pyplot as plt

    rv = reviews[("zh-Hans", "full")]
    ax = plots.rank_interval_plot(rv.leaderboard, language="zh-Hans")
    assert ax.get_ylabel() == "排名（1 = 最好）"
    assert all("rank" not in t.get_text() for t in ax.get_legend().get_texts())
    plt.close("all")
