"""Fixtures shared by the runner tests: a small dataset and tiny review notebooks."""

from __future__ import annotations

import nbformat
import pytest

#: The parameters cell of a review notebook (what `kpi review` passes).
REVIEW_PARAMS = 'review: str = ""  # review store\nsettings: dict = {}  # settings\n'


@pytest.fixture(scope="session")
def small_data(tmp_path_factory):
    """12 agents x 3 months (2026-08 to 2026-10) from the project's generator."""
    from kpi_lib.data.synth import generate

    folder = tmp_path_factory.mktemp("ds")
    generate(folder, agents=12, months=3, seed=5, start="2026-08")
    return folder


@pytest.fixture(scope="session")
def write_notebook():
    """``write(path, body, params=REVIEW_PARAMS)``: a title cell, a parameters cell, a body."""

    def write(path, body: str, params: str = REVIEW_PARAMS) -> None:
        nb = nbformat.v4.new_notebook()
        cell = nbformat.v4.new_code_cell(params)
        cell.metadata["tags"] = ["parameters"]
        nb.cells = [
            nbformat.v4.new_markdown_cell("# Test report"),
            cell,
            nbformat.v4.new_code_cell(body),
        ]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, str(path))

    return write
