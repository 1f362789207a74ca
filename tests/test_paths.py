"""Project root, path resolution and the notebooks folder, run from inside and outside a checkout."""

import doctest
from pathlib import Path

import pytest

import kpi_lib
import kpi_lib.paths
from kpi_lib.paths import notebooks_dir, package_checkout, project_root, resolve

CHECKOUT = Path(kpi_lib.__file__).resolve().parents[1]


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """Work from a folder outside any checkout, with no KPI_PROJECT_ROOT."""
    monkeypatch.delenv("KPI_PROJECT_ROOT", raising=False)
    work = tmp_path / "elsewhere"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def _fake_checkout(folder: Path) -> Path:
    (folder / "kpi_lib").mkdir(parents=True)
    (folder / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    return folder


def test_package_checkout_is_this_repository():
    # the tests run against the checkout (editable install or the source tree)
    assert package_checkout() == CHECKOUT
    assert (CHECKOUT / "pyproject.toml").is_file()


def test_env_variable_wins(outside, tmp_path, monkeypatch):
    monkeypatch.setenv("KPI_PROJECT_ROOT", str(tmp_path))
    assert project_root() == tmp_path.resolve()
    assert resolve("params/x.yaml") == tmp_path.resolve() / "params" / "x.yaml"


def test_upward_search_from_a_nested_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("KPI_PROJECT_ROOT", raising=False)
    root = _fake_checkout(tmp_path / "repo")
    nested = root / "notebooks" / "deep"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    assert project_root() == root.resolve()
    assert project_root(start=nested) == root.resolve()


def test_outside_a_checkout_falls_back_to_the_package_checkout(outside):
    assert project_root() == CHECKOUT
    # so documented relative paths work from anywhere
    assert resolve("params/monthly.yaml") == CHECKOUT / "params" / "monthly.yaml"
    assert resolve("params/monthly.yaml").is_file()


def test_installed_wheel_falls_back_to_the_working_folder(outside, monkeypatch):
    monkeypatch.setattr(kpi_lib.paths, "package_checkout", lambda: None)
    assert project_root() == outside.resolve()
    assert resolve("data/x") == outside.resolve() / "data" / "x"


def test_existing_paths_under_the_working_folder_win_over_the_fallback(outside):
    (outside / "my_export").mkdir()
    (outside / "params").mkdir()
    (outside / "params" / "monthly.yaml").write_text("cycle: monthly\n", encoding="utf-8")
    assert resolve("my_export") == (outside / "my_export").resolve()
    assert resolve("params/monthly.yaml") == (outside / "params" / "monthly.yaml").resolve()
    # paths that do not exist yet (output folders) go under the project root
    assert resolve("reports/new") == CHECKOUT / "reports" / "new"


def test_inside_a_checkout_the_root_wins_over_the_working_folder(monkeypatch):
    monkeypatch.delenv("KPI_PROJECT_ROOT", raising=False)
    monkeypatch.chdir(CHECKOUT / "notebooks")
    # data/sample relative to the root, not to notebooks/
    assert resolve("data/sample") == CHECKOUT / "data" / "sample"


def test_notebooks_dir_from_anywhere(outside):
    folder = notebooks_dir()
    assert folder == CHECKOUT / "notebooks"
    assert (folder / "period_review.ipynb").is_file()


def test_notebooks_dir_when_the_root_is_a_data_folder(outside, tmp_path, monkeypatch):
    data_only = tmp_path / "team"
    data_only.mkdir()
    monkeypatch.setenv("KPI_PROJECT_ROOT", str(data_only))
    assert notebooks_dir() == CHECKOUT / "notebooks"
    (data_only / "notebooks").mkdir()
    assert notebooks_dir() == data_only.resolve() / "notebooks"


def test_docstring_examples_run(monkeypatch):
    monkeypatch.chdir(CHECKOUT)
    result = doctest.testmod(kpi_lib.paths, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
