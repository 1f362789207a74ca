"""Stored XSS: text from the data or a scheme never reaches a published page as markup.

A dataset whose every text field (agent ids and names, team ids, customer ids, lead sources,
reviewer names, complaint categories, course names, the dataset name and folder, a quarantined
value) and a scheme whose name, description, gate and tier labels carry HTML payloads go through
a whole monthly review (and one for a payload team); every published page is parsed and must
hold no element or attribute that came from a payload. The Markdown of the notebooks outside
the monthly review is checked function by function, rendered as nbconvert renders it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kpi_lib.paths import project_root

# no commas: a team id is given to --set team=... as a comma-separated list
PAYLOADS = (
    "<img src=x onerror=alert({i})>",
    "<script>alert({i})</script>",
    '"><svg onload=alert({i})>',
    '=HYPERLINK("x{i}")',
)


def _payload(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)].format(i=i)


def _payload_dataset(folder: Path) -> dict:
    """The synthetic dataset with a payload appended to every text value (ids stay unique).

    Payload numbers name the field: agent ids 100+, names 200+, teams 300+, customers 400,
    lead sources 500, reviewers 600+, complaint categories 700, courses 800, the scheme 900+.
    One human reviewer says yes to everything (so the report names a lenient reviewer), and one
    extra call with a payload outcome is set aside (so quarantined values are shown too).
    """
    from kpi_lib.data.synth import generate

    generate(folder, agents=24, months=3, seed=4, start="2026-08")
    t = {p.stem: pd.read_parquet(p) for p in folder.glob("*.parquet")}
    agents = t["agents"]
    agent_map = {a: f"{a}{_payload(100 + k)}" for k, a in enumerate(agents["agent_id"])}
    teams = sorted(agents["team_id"].unique())
    team_map = {m: f"{m}{_payload(300 + k)}" for k, m in enumerate(teams)}
    agents["agent_name"] = [f"{n}{_payload(200 + k)}" for k, n in enumerate(agents["agent_name"])]
    agents["team_id"] = agents["team_id"].map(team_map)
    for d in t.values():
        if "agent_id" in d:
            d["agent_id"] = d["agent_id"].map(agent_map)
        if "customer_id" in d:
            c = d["customer_id"]
            d["customer_id"] = c.where(c.isna(), c.astype(str) + _payload(400))
    targets = t["targets"]
    targets["scope_id"] = [
        (agent_map if scope == "agent" else team_map)[s]
        for s, scope in zip(targets["scope_id"], targets["scope"], strict=True)
    ]
    t["leads"]["source"] = t["leads"]["source"] + _payload(500)
    qa = t["qa_reviews"]
    # the literal 'system' marks automatic judgements: human reviewer ids carry the payload
    humans = sorted(set(qa["reviewer"]) - {"system"})
    qa["reviewer"] = qa["reviewer"].map(
        {"system": "system"} | {h: f"{h}{_payload(600 + k)}" for k, h in enumerate(humans)}
    )
    lenient = qa["reviewer"] == f"{humans[0]}{_payload(600)}"
    qa.loc[lenient, ["compliant", "effective"]] = True
    t["complaints"]["category"] = t["complaints"]["category"] + _payload(700)
    t["trainings"]["course"] = t["trainings"]["course"] + _payload(800)
    calls = t["calls"]
    bad = calls.iloc[[0]].assign(call_id="C-bad" + _payload(450), outcome=_payload(452))
    t["calls"] = pd.concat([calls, bad], ignore_index=True)
    for name, d in t.items():
        d.to_parquet(folder / f"{name}.parquet", index=False)
    meta = yaml.safe_load((folder / "dataset.yaml").read_text("utf-8"))
    meta["name"] = "synthetic" + _payload(460)
    (folder / "dataset.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), "utf-8")
    return {"agents": agent_map, "teams": team_map}


def _payload_scheme(path: Path) -> Path:
    scheme = yaml.safe_load(
        (project_root() / "kpi_lib" / "datasets" / "schemes" / "default.yaml").read_text("utf-8")
    )
    scheme["name"] = "default" + _payload(900)
    scheme["description"] = "Payload scheme " + _payload(901)
    scheme["source"] = "source " + _payload(902)
    scheme["gates"][0]["description"] = "gate " + _payload(904)
    # tier labels are free text too
    scheme["tiers"] = {
        f"{t}{_payload(905 + k)}": c for k, (t, c) in enumerate(scheme["tiers"].items())
    }
    path.write_text(yaml.safe_dump(scheme, allow_unicode=True), encoding="utf-8")
    return path


class _Injected(HTMLParser):
    """Collects every element or attribute on a page that can only come from a payload."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script = False

    def handle_starttag(self, tag, attrs):
        names = {k.lower() for k, _ in attrs}
        if tag == "img" and "onerror" in names:
            self.found.append(f"<img onerror> {attrs}")
        if tag == "svg" and "onload" in names:
            self.found.append(f"<svg onload> {attrs}")
        if any(n.startswith("on") and "alert(" in (v or "") for n, v in attrs):
            self.found.append(f"<{tag}> handler {attrs}")
        self._script = tag == "script"

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = False

    def handle_data(self, data):
        if self._script and "alert(" in data:
            self.found.append(f"<script> {data[:120]!r}")


def _holes(page: str) -> list[str]:
    parser = _Injected()
    parser.feed(page)
    parser.close()
    # base64 images may hold any byte sequence; raw payload text elsewhere is a hole
    text = re.sub(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=\s]+", "", page)
    for m in re.finditer(r"<img src=x|<svg onload|<script>alert", text):
        parser.found.append(f"raw payload: {text[max(0, m.start() - 80) : m.end() + 40]!r}")
    return parser.found


@pytest.fixture(scope="module")
def payload_reviews(tmp_path_factory):
    from kpi_lib.data.load import load_dataset
    from kpi_lib.run.runner import run_review

    tmp = tmp_path_factory.mktemp("xss")
    # the folder name is shown on the index page
    folder = tmp / f"data{_payload(470)}"
    folder.mkdir()
    ids = _payload_dataset(folder)
    data = load_dataset(folder)
    # the payload rows are used, not set aside (only the one call with a payload outcome)
    assert data.quarantine[["table", "column"]].values.tolist() == [["calls", "outcome"]]
    assert set(data.agents["agent_id"]) == set(ids["agents"].values())
    scheme = _payload_scheme(tmp / "payload_scheme.yaml")
    overrides = {"scheme": str(scheme), "draws": 50, "n_boot": 20}
    team = next(iter(ids["teams"].values()))
    assert "," not in team
    whole = run_review(
        params_files=[project_root() / "params" / "monthly.yaml"],
        dataset=str(folder),
        overrides=overrides,
        output_root=tmp / "reports",
        progress=False,
    )
    one_team = run_review(
        params_files=[project_root() / "params" / "monthly.yaml"],
        dataset=str(folder),
        overrides={**overrides, "team": team},
        # every agent of the team gets a one-to-one page; the other pages only name the team
        notebooks=["period_review", "scorecard"],
        output_root=tmp / "team_reports",
        progress=False,
    )
    return [whole, one_team]


def _pages(result) -> list[Path]:
    return sorted(Path(result.folder).glob("*.html"))


def test_the_payloads_reach_the_pages_as_text(payload_reviews):
    names = {p.name for p in _pages(payload_reviews[0])}
    assert names == {
        "index.html",
        "period_review.html",
        "scorecard.html",
        "conflict_diagnosis.html",
        "data_quality.html",
    }
    text = {p.name: p.read_text("utf-8") for p in _pages(payload_reviews[0])}
    shown = "&lt;img src=x onerror=alert({})&gt;"
    # scheme name (period review, scorecard), agent ids, tier labels, a lenient reviewer
    assert shown.format(900) in text["period_review.html"]
    assert shown.format(900) in text["scorecard.html"]
    assert any(shown.format(100 + k) in text["period_review.html"] for k in range(0, 24, 4))
    assert shown.format(600) in text["data_quality.html"]
    assert shown.format(452) in text["data_quality.html"]  # the quarantined value
    assert "alert(470)" in text["index.html"]  # the dataset folder
    assert any(shown.format(n) in text["scorecard.html"] for n in (905, 906, 907, 908))
    # the team review shows the selected team's id
    team_page = (Path(payload_reviews[1].folder) / "period_review.html").read_text("utf-8")
    assert "T01" + shown.format(300) in team_page


@pytest.mark.parametrize("which", [0, 1], ids=["all_teams", "one_team"])
def test_no_payload_is_markup_on_any_page(payload_reviews, which):
    holes = {}
    for page in _pages(payload_reviews[which]):
        found = _holes(page.read_text("utf-8"))
        if found:
            holes[page.name] = found[:5]
    assert not holes, holes


def test_the_check_finds_markup():
    assert _holes("<p><img src=x onerror=alert(1)></p>")
    assert _holes('<p><img alt="x" src="x" onerror="alert(1)"/></p>')
    assert _holes("<script>alert(2)</script>")
    assert _holes('"><svg onload=alert(3)>')
    assert not _holes("<p>&lt;img src=x onerror=alert(1)&gt;</p>")
    assert not _holes('<img src="data:image/png;base64,PGltZyBzcmM9eA=="/>')


CHROMIUM = Path("/usr/bin/chromium")


def _chromium_dom(page: Path, profile: Path, timeout: float = 30) -> str | None:
    """The DOM Chromium builds from ``page`` after its scripts ran; None when the page never
    finished (a payload's ``alert()`` blocks headless Chromium)."""
    proc = subprocess.Popen(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            page.as_uri(),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    return out


@pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed")
def test_no_payload_runs_in_chromium(payload_reviews, tmp_path):
    """Chromium renders the pages the issue names to the end, and its DOM holds no payload."""
    for name in ("scorecard.html", "data_quality.html"):
        dom = _chromium_dom(Path(payload_reviews[0].folder) / name, tmp_path / "profile")
        assert dom is not None, f"{name} did not finish loading: an alert() blocked it"
        if "<body" not in dom:
            pytest.skip("Chromium could not render pages on this machine")
        assert not _holes(dom), (name, _holes(dom)[:3])


# ------------------------------------------------- Markdown of notebooks outside the monthly run


def _check_markdown(markdown: str) -> None:
    """The HTML nbconvert renders from a Markdown output shows the payload, as text only."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    page = markdown2html_mistune(markdown)
    assert "alert(" in page, page
    assert not _holes(page), page


A, B, C = _payload(1), _payload(2), _payload(0)


def test_sensitivity_text_escapes_agents_and_schemes():
    from types import SimpleNamespace

    from kpi_lib.report import sensitivity_text as st

    result = SimpleNamespace(
        settings={
            "draws": 10,
            "size": 0.2,
            "distribution": "uniform",
            "top_k": 1,
            "bottom_k": 1,
            "normalisations": ["goalposts"],
            "methods": ["arithmetic"],
            "flip_threshold": 0.2,
        },
        agents=pd.DataFrame({"top_k": [True], "p_top_k": [0.5]}),
    )
    flips = pd.DataFrame({"decision": ["bonus"], "agent_id": [A], "rank": [1], "p_flip": [0.4]})
    comparison = pd.DataFrame(
        {
            "baseline": [B, B],
            "scheme": [C, C],
            "agent_id": [A, C],
            "rank_change": [2, -2],
            "baseline_rank": [3, 1],
            "rank": [1, 3],
        }
    )
    agreement = pd.DataFrame(
        {
            "scheme_a": [B],
            "scheme_b": [C],
            "tier_changes": [1.0],
            "kendall_tau": [0.5],
            "mean_abs_rank_shift": [1.0],
            "max_abs_rank_shift": [2],
            "winners": [1],
            "losers": [1],
            "top_k_overlap": [0.5],
        }
    )
    reversals = pd.DataFrame(
        {
            "closest": [True],
            "weight_change": [0.01],
            "upper_agent": [A],
            "lower_agent": [C],
            "gap": [0.1],
            "upper_rank": [1],
            "lower_rank": [2],
            "weight": [0.3],
            "threshold_weight": [0.31],
            "indicator": ["sales_amount"],
        }
    )
    for md in (
        st.uncertainty_text(result, flips),
        st.scheme_text(comparison, agreement),
        st.reversal_text(reversals),
    ):
        _check_markdown(md)


def test_real_data_text_escapes_agents_and_groups():
    from kpi_lib.report import real_data_text as rt

    status = pd.DataFrame({"available": [True, False], "dataset": [A, B], "folder": ["x/a", "x/b"]})
    agents = pd.DataFrame(
        {
            "agent_id": [A, B, C],
            "calls": [300, 200, 10],
            "median_handle_s": [100.0, 200.0, 150.0],
            "small_sample": [False, False, True],
        }
    )
    adjusted = pd.DataFrame(
        {
            "agent_id": [A, B],
            "expected_ratio": [1.2, 1.0],
            "main_type_share": [0.6, 0.4],
            "main_type": ["sales", "service"],
            "rank_shift": [4, -4],
            "raw_ratio": [1.3, 0.9],
            "adjusted_ratio": [1.1, 0.95],
            "ci_low": [1.0, 0.9],
            "ci_high": [1.2, 1.0],
        }
    )
    mix = pd.DataFrame({"call_type": ["sales"], "share_overall": [0.3]})
    sources = pd.DataFrame(
        {
            "group": [A, B, C],
            "rate": [0.2, 0.1, 0.3],
            "ci_low": [0.1, 0.05, 0.0],
            "ci_high": [0.3, 0.15, 0.9],
            "small_sample": [False, False, True],
        }
    )
    for md in (
        rt.status_text(status),
        rt.volume_text(agents),
        rt.confounding_text(adjusted, mix),
        rt.sources_text(sources),
    ):
        _check_markdown(md)


def test_before_after_text_escapes_groups_schemes_and_agents():
    from kpi_lib.report import before_after_text as bt

    row = {
        "label": "Dials",
        "unit": "count",
        "value_before": 10.0,
        "value_after": 12.0,
        "rel_change": 0.2,
        "rel_change_ci_low": 0.1,
        "rel_change_ci_high": 0.3,
        "change": 2.0,
        "verdict": "increased",
        "correction": "holm",
        "test": "wilcoxon",
        "p_value": 0.01,
    }
    comparison = pd.DataFrame([{**row, "group": A}, {**row, "group": B}])
    rescored = pd.DataFrame(
        {
            "old_scheme": [B, B],
            "new_scheme": [C, C],
            "period": ["2026-08", "2026-08"],
            "rank_old": [1, 2],
            "rank_new": [2, 1],
            "agent_id": [A, C],
            "decision_change": ["rewarded only under new", "PIP only under old"],
        }
    )
    for md in (bt.comparison_text(comparison), bt.rescoring_text(rescored)):
        _check_markdown(md)


def test_quality_and_scorecard_text_escape_reviewers_and_tiers():
    from types import SimpleNamespace

    from kpi_lib.report import quality_text as qt
    from kpi_lib.report import scorecard_text as sc

    reviewers = pd.DataFrame(columns=["judgement", "fleiss_kappa", "calls", "ci_low", "ci_high"])
    leniency = pd.DataFrame(
        {"reviewer": [A], "label": ["lenient"], "judgement": ["effective"], "leniency": [0.2]}
    )
    agents = pd.DataFrame(
        {
            "period": ["2026-10"] * 2,
            "agent_id": [A, B],
            "composite": [90.0, 60.0],
            "rank": [1, 2],
            "tier": [C, B],
            "gates_passed": [True, True],
            "rankable": [True, True],
        }
    )
    for md in (
        qt.reviewer_text(reviewers, leniency),
        sc.describe_scorecard(SimpleNamespace(agents=agents), period="2026-10"),
    ):
        _check_markdown(md)


def test_decision_exports_neutralise_formulas(payload_reviews):
    from openpyxl import load_workbook

    exports = Path(payload_reviews[0].folder) / "exports"
    csvs = sorted(exports.glob("*.csv"))
    assert len(csvs) == 6
    seen_payload = False
    for path in csvs:
        table = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        for cell in table.to_numpy().ravel():
            if cell[:1] in ("=", "+", "@") or (cell[:1] == "-" and not _is_number(cell)):
                raise AssertionError(f"{path.name}: formula-like cell {cell!r}")
            seen_payload |= "HYPERLINK" in cell
    assert seen_payload  # the payload agent ids and names are in the exports, as text
    book = load_workbook(exports / "decisions.xlsx")
    formulas = [
        c.coordinate for ws in book for row in ws.iter_rows() for c in row if c.data_type == "f"
    ]
    assert not formulas


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
