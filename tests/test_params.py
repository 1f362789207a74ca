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
from kpi_lib.review import REVIEW_SETTINGS, SpecError, build_spec

ROOT = project_root()
NOTEBOOKS = {p.stem: p for p in (ROOT / "notebooks").glob("*.ipynb")}
PARAM_FILES = sorted((ROOT / "params").glob("*.yaml"))


def declared(stem: str) -> set[str]:
    return set(pm.inspect_notebook(str(NOTEBOOKS[stem])))


@pytest.mark.parametrize("path", PARAM_FILES, ids=lambda p: p.name)
def test_param_file_keys_exist(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "notebooks" in data:
        # a review file: every key must pass the review specification's checks
        spec = build_spec(params_files=[path])
        assert spec.notebooks == tuple(data["notebooks"])
    else:
        assert path.stem in NOTEBOOKS, f"{path.name} targets no notebook named {path.stem}.ipynb"
        unknown = set(data) - declared(path.stem)
        assert not unknown, f"{path.name}: {path.stem}.ipynb does not declare {sorted(unknown)}"


def test_review_notebooks_declare_no_review_wide_setting():
    """Review-wide settings have one home (the specification): no notebook re-declares one
    with a default of its own."""
    for stem in NOTEBOOKS:
        if "review" not in declared(stem):
            continue  # a stand-alone notebook (data overview, real-data tour)
        clash = declared(stem) & set(REVIEW_SETTINGS)
        assert not clash, f"{stem} declares review-wide settings {sorted(clash)}"


def test_a_misspelt_key_in_a_params_file_is_an_error(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text('notebooks: [period_review]\nparameters:\n  langauge: "zh-Hans"\n')
    with pytest.raises(SpecError, match="Did you mean 'language'"):
        build_spec(params_files=[bad])


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


def test_notebooks_picked_from_a_params_file_leave_the_others_settings_aside():
    """`kpi review --params params/quarterly.yaml --notebooks before_after`: the file's
    settings for weight_sensitivity belong to a notebook this run does not show."""
    from kpi_lib.paths import project_root
    from kpi_lib.review import build_spec

    spec = build_spec(
        params_files=[project_root() / "params" / "quarterly.yaml"], notebooks=["before_after"]
    )
    assert spec.notebooks == ("before_after",) or list(spec.notebooks) == ["before_after"]
