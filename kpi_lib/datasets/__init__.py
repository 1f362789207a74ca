"""Files shipped inside the package: default weight schemes, a small sample dataset, definitions.

Like ``pingouin.read_dataset()``, these work wherever the package is installed, without a
checkout of the repository, so docstrings, tests and notebooks can use them alike:

- ``schemes/<name>.yaml``: the default weight schemes (``params/schemes`` in the repository
  is a symlink to this folder);
- ``sample/``: a small synthetic dataset in the data contract (24 agents x 6 months,
  Parquet; see ``sample/README.md`` for the command that made it). The full sample of the
  reviews, ``data/sample`` (200 agents x 12 months), stays in the repository;
- ``definitions/default.yaml``: the default indicator definitions, once they move here;
  until then :func:`definitions_path` points at the project's
  ``params/definitions/default.yaml``.

Layer: this package belongs to the **data** layer. It imports only ``kpi_lib.data`` (lazily,
in :func:`load_sample`), ``kpi_lib.paths`` and ``kpi_lib._util``, so every layer from
``data`` on may import it (``kpi_lib.scoring.schemes`` does, for the packaged schemes).

Examples
--------
>>> from kpi_lib.datasets import list_schemes, load_sample
>>> "default" in list_schemes()
True
>>> ds = load_sample()
>>> len(ds.agents)
24
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kpi_lib._util import unknown_name_message
from kpi_lib.paths import project_root

if TYPE_CHECKING:  # pragma: no cover
    from kpi_lib.data.dataset import Dataset

__all__ = [
    "DATASETS_DIR",
    "definitions_path",
    "list_schemes",
    "load_sample",
    "sample_path",
    "scheme_path",
]

#: Folder of the package data.
DATASETS_DIR = Path(__file__).resolve().parent
_SCHEMES = DATASETS_DIR / "schemes"
_SAMPLE = DATASETS_DIR / "sample"
_DEFINITIONS = DATASETS_DIR / "definitions" / "default.yaml"
#: Where a project keeps its default definitions, relative to the project root.
PROJECT_DEFINITIONS = Path("params") / "definitions" / "default.yaml"


def sample_path() -> Path:
    """Folder of the small packaged sample dataset (one Parquet file per contract table).

    Returns
    -------
    Path
        Absolute path of ``kpi_lib/datasets/sample``: ``agents``, ``calls``, ``orders``,
        ``leads``, ``qa_reviews``, ``surveys``, ``complaints``, ``trainings``,
        ``proposals`` and ``targets`` as ``.parquet``, plus ``dataset.yaml`` (name, timezone,
        generator parameters) and ``PLANTED.json`` (the behaviours the generator planted).

    See Also
    --------
    load_sample : the same folder loaded and validated.

    Examples
    --------
    >>> from kpi_lib.datasets import sample_path
    >>> sorted(p.stem for p in sample_path().glob("*.parquet"))[:3]
    ['agents', 'calls', 'complaints']
    """
    return _SAMPLE


def load_sample(**kwargs) -> Dataset:
    """Load the small packaged sample through the data contract.

    Parameters
    ----------
    **kwargs
        Passed to :func:`kpi_lib.data.load.load_dataset` (e.g. ``timezone=``).

    Returns
    -------
    Dataset
        24 agents x 6 months (2025-11 to 2026-04, seed 7, timezone ``Asia/Shanghai``);
        every contract table present, nothing quarantined.

    Examples
    --------
    >>> from kpi_lib.datasets import load_sample
    >>> ds = load_sample()
    >>> sorted(ds.tables)[:3]
    ['agents', 'calls', 'complaints']
    >>> int(ds.load_report["rows_quarantined"].sum())
    0
    """
    from kpi_lib.data.load import load_dataset

    return load_dataset(_SAMPLE, **kwargs)


def list_schemes() -> list[str]:
    """Names of the weight schemes shipped in the package.

    Returns
    -------
    list of str
        Sorted scheme names (file stems of ``kpi_lib/datasets/schemes/*.yaml``).
        :func:`kpi_lib.scoring.schemes.list_schemes` adds a project's own
        ``params/schemes/``.

    Examples
    --------
    >>> from kpi_lib.datasets import list_schemes
    >>> list_schemes()[:3]
    ['case_after', 'case_before', 'default']
    """
    return sorted(p.stem for p in _SCHEMES.glob("*.yaml")) if _SCHEMES.is_dir() else []


def scheme_path(name: str) -> Path:
    """Path of a packaged weight scheme.

    Parameters
    ----------
    name : str
        Scheme name, e.g. ``"default"`` or ``"mature_team"`` (see :func:`list_schemes`).

    Returns
    -------
    Path
        ``kpi_lib/datasets/schemes/<name>.yaml``.

    Raises
    ------
    KeyError
        When no packaged scheme has that name; the message lists the nearest and all names.

    Examples
    --------
    >>> from kpi_lib.datasets import scheme_path
    >>> scheme_path("default").name
    'default.yaml'
    """
    path = _SCHEMES / f"{name}.yaml"
    if not path.is_file():
        raise KeyError(unknown_name_message("packaged scheme", str(name), list_schemes()))
    return path


def definitions_path() -> Path:
    """Path of the default indicator definitions (YAML for ``Definitions.from_yaml``).

    Returns
    -------
    Path
        The project's ``params/definitions/default.yaml`` when the project root (see
        :func:`kpi_lib.paths.project_root`) has one, else the packaged
        ``kpi_lib/datasets/definitions/default.yaml``.

    Raises
    ------
    FileNotFoundError
        When neither exists (an installed wheel run outside a project, until the
        definitions are shipped in the package).

    Examples
    --------
    >>> from kpi_lib.datasets import definitions_path
    >>> definitions_path().name
    'default.yaml'
    """
    candidates = [project_root() / PROJECT_DEFINITIONS, _DEFINITIONS]
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        "No default definitions found; looked for "
        + " and ".join(str(p) for p in candidates)
        + ". Set KPI_PROJECT_ROOT to a project folder holding params/definitions/default.yaml."
    )
