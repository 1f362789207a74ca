"""Every key of every params/*.yaml exists in the notebook it targets.

papermill only warns about unknown parameters, so a typo in a parameter file would silently
run the notebook with its default. Files named after a notebook target that notebook;
review files (with a ``notebooks:`` list) target each listed notebook.
"""

from __future__ import annotations

import papermill as pm
import pytest
import yaml

from kpi_lib.paths import project_root
from kpi_lib.run.runner import merge_parameters

ROOT = project_root()
NOTEBOOKS = {p.stem: p for p in (ROOT / "notebooks").glob("*.ipynb")}
PARAM_FILES = sorted((ROOT / "params").glob("*.yaml"))
# keys the runner itself consumes (it passes them on only to notebooks that declare them)
RUNNER_KEYS = {"cycle", "period", "dataset"}


def declared(stem: str) -> set[str]:
    return set(pm.inspect_notebook(str(NOTEBOOKS[stem])))


@pytest.mark.parametrize("path", PARAM_FILES, ids=lambda p: p.name)
def test_param_file_keys_exist_in_notebooks(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "notebooks" in data:
        settings = merge_parameters([path])
        unknown_nb = [n for n in settings["notebooks"] if n not in NOTEBOOKS]
        assert not unknown_nb, f"{path.name}: unknown notebooks {unknown_nb}"
        everywhere = set().union(*(declared(n) for n in settings["notebooks"]))
        unknown = set(settings["parameters"]) - everywhere - RUNNER_KEYS
        assert not unknown, f"{path.name}: no listed notebook declares {sorted(unknown)}"
        for nb, values in settings["notebook_parameters"].items():
            assert nb in settings["notebooks"], f"{path.name}: {nb} is not in `notebooks`"
            unknown = set(values) - declared(nb)
            assert not unknown, f"{path.name}: {nb} does not declare {sorted(unknown)}"
    else:
        assert path.stem in NOTEBOOKS, f"{path.name} targets no notebook named {path.stem}.ipynb"
        unknown = set(data) - declared(path.stem)
        assert not unknown, f"{path.name}: {path.stem}.ipynb does not declare {sorted(unknown)}"


@pytest.mark.parametrize("stem", sorted(NOTEBOOKS))
def test_notebooks_are_committed_without_outputs_and_have_one_parameters_cell(stem):
    import nbformat

    nb = nbformat.read(str(NOTEBOOKS[stem]), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, f"{stem}: needs exactly one cell tagged `parameters`"
    for line in tagged[0].source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert "#" in line, f"{stem}: parameter line without a `# help` comment: {line!r}"
    with_outputs = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.outputs]
    assert not with_outputs, f"{stem}: cells {with_outputs} have outputs; clear them"
