"""Package data (kpi_lib.datasets) and scheme lookup from any working folder."""

import doctest
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

import kpi_lib
import kpi_lib.datasets
import kpi_lib.paths
from kpi_lib.data.contract import CONTRACT
from kpi_lib.datasets import (
    DATASETS_DIR,
    definitions_path,
    list_schemes,
    load_sample,
    sample_path,
    scheme_path,
)
from kpi_lib.scoring import schemes as scoring_schemes
from kpi_lib.scoring.schemes import load_scheme, scheme_file

CHECKOUT = Path(kpi_lib.__file__).resolve().parents[1]
SHIPPED = [
    "case_after",
    "case_before",
    "default",
    "mature_team",
    "new_team",
    "peak_season",
    "transforming_team",
]


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """Work from a folder outside any checkout, with no KPI_PROJECT_ROOT."""
    monkeypatch.delenv("KPI_PROJECT_ROOT", raising=False)
    work = tmp_path / "elsewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


@pytest.fixture
def wheel(outside, monkeypatch):
    """As ``outside``, and as if kpi_lib were an installed wheel (no checkout to fall back to)."""
    monkeypatch.setattr(kpi_lib.paths, "package_checkout", lambda: None)
    return outside


# -- the sample ---------------------------------------------------------------------------------


def test_sample_is_small_and_has_every_contract_table():
    folder = sample_path()
    assert folder.is_dir() and folder.is_absolute()
    size = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    assert size < 1.5e6
    assert {p.stem for p in folder.glob("*.parquet")} == set(CONTRACT)
    assert (folder / "README.md").is_file()


def test_sample_loads_from_any_folder(wheel):
    ds = load_sample()
    assert set(ds.tables) == set(CONTRACT)
    assert ds.agents["agent_id"].nunique() == 24
    assert len(ds.quarantine) == 0
    assert ds.timezone == "Asia/Shanghai"
    settings = yaml.safe_load((sample_path() / "dataset.yaml").read_text(encoding="utf-8"))
    assert settings["parameters"] | {"chunk_calls": None} == {
        "agents": 24,
        "months": 6,
        "seed": 7,
        "start": "2025-11",
        "preset": "default",
        "chunk_calls": None,
        "scheme_change": "2026-02-01",
        "timezone": "Asia/Shanghai",
    }


def test_load_sample_passes_options(wheel):
    assert load_sample(timezone="UTC").timezone == "UTC"


# -- packaged schemes ---------------------------------------------------------------------------


def test_packaged_schemes():
    assert list_schemes() == SHIPPED
    assert scheme_path("default") == DATASETS_DIR / "schemes" / "default.yaml"


def test_packaged_scheme_unknown_name_lists_names():
    with pytest.raises(KeyError, match="Did you mean 'default'.*mature_team"):
        scheme_path("defualt")


def test_params_schemes_is_a_relative_symlink_to_the_package():
    link = CHECKOUT / "params" / "schemes"
    if not link.exists():
        pytest.skip("not a checkout")
    assert link.is_symlink()
    assert os.readlink(link) == "../kpi_lib/datasets/schemes"
    assert link.resolve() == (DATASETS_DIR / "schemes").resolve()


def test_package_data_globs_cover_every_data_file():
    pyproject = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["kpi_lib"]
    package = CHECKOUT / "kpi_lib"
    covered = {p for pattern in patterns for p in package.glob(pattern)}
    data_files = {
        p
        for p in DATASETS_DIR.rglob("*")
        if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts
    }
    assert data_files, "no package data found"
    assert data_files <= covered, sorted(str(p) for p in data_files - covered)


# -- scheme lookup (kpi_lib.scoring.schemes) ----------------------------------------------------


@pytest.mark.parametrize("fixture", ["outside", "wheel"])
def test_schemes_resolve_by_name_from_any_folder(fixture, request):
    request.getfixturevalue(fixture)
    assert set(SHIPPED) <= set(scoring_schemes.list_schemes())
    for name in SHIPPED:
        scheme = load_scheme(name)
        assert scheme.path.is_file()
        assert scheme.overall_weights().sum() == pytest.approx(1)


def test_unknown_scheme_lists_every_source(wheel, tmp_path, monkeypatch):
    project = tmp_path / "team"
    (project / "params" / "schemes").mkdir(parents=True)
    own = yaml.safe_load(scheme_path("new_team").read_text(encoding="utf-8"))
    own["name"] = "our_team"
    (project / "params" / "schemes" / "our_team.yaml").write_text(
        yaml.safe_dump(own), encoding="utf-8"
    )
    monkeypatch.setenv("KPI_PROJECT_ROOT", str(project))
    with pytest.raises(KeyError) as info:
        load_scheme("no_such_scheme")
    message = str(info.value)
    for name in [*SHIPPED, "our_team"]:
        assert name in message
    assert "Valid schemes" in message


def test_unknown_scheme_from_a_bare_folder_lists_the_packaged_names(wheel):
    with pytest.raises(KeyError, match="Did you mean 'mature_team'.*transforming_team"):
        load_scheme("mature_tem")


def test_project_schemes_come_before_packaged_ones(wheel, tmp_path, monkeypatch):
    project = tmp_path / "team"
    folder = project / "params" / "schemes"
    folder.mkdir(parents=True)
    custom = yaml.safe_load(scheme_path("default").read_text(encoding="utf-8"))
    custom["description"] = "our own default"
    (folder / "default.yaml").write_text(yaml.safe_dump(custom), encoding="utf-8")
    monkeypatch.setenv("KPI_PROJECT_ROOT", str(project))
    assert load_scheme("default").description == "our own default"
    assert scheme_file("default") == folder.resolve() / "default.yaml"
    # the other names still come from the package
    assert scheme_file("mature_team") == DATASETS_DIR / "schemes" / "mature_team.yaml"
    assert scoring_schemes.list_schemes() == SHIPPED


def test_file_paths_come_first(wheel):
    text = scheme_path("new_team").read_text(encoding="utf-8")
    Path("default").write_text(text, encoding="utf-8")  # a file named like a scheme
    Path("mine.yaml").write_text(text, encoding="utf-8")
    assert load_scheme("mine.yaml").path == Path("mine.yaml").resolve()
    assert load_scheme(str(Path("mine.yaml").resolve())).name == "new_team"
    assert load_scheme("default").name == "new_team"
    with pytest.raises(FileNotFoundError, match="missing.yaml"):
        load_scheme("missing.yaml")


def test_documented_scheme_paths_work_from_outside(outside):
    scheme = load_scheme("params/schemes/mature_team.yaml")
    assert scheme.name == "mature_team"


def test_cli_scheme_check_from_outside(outside):
    kpi = Path(sys.executable).parent / "kpi"
    if not kpi.is_file():
        pytest.skip("the kpi command is not installed next to this Python")
    env = {k: v for k, v in os.environ.items() if k != "KPI_PROJECT_ROOT"}
    out = subprocess.run(
        [str(kpi), "scheme", "check", "default", "--dataset", str(sample_path())],
        cwd=outside,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Scheme review: default" in out.stdout


# -- definitions --------------------------------------------------------------------------------


def test_definitions_path_from_anywhere(outside):
    path = definitions_path()
    assert path.name == "default.yaml" and path.is_file()


def test_definitions_path_missing(wheel):
    if (DATASETS_DIR / "definitions" / "default.yaml").is_file():
        assert definitions_path() == DATASETS_DIR / "definitions" / "default.yaml"
    else:
        with pytest.raises(FileNotFoundError, match="params/definitions/default.yaml"):
            definitions_path()


# -- docstrings -----------------------------------------------------------------------------


def test_docstring_examples_run(outside):
    result = doctest.testmod(kpi_lib.datasets, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 5
    assert result.failed == 0
