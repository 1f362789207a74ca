"""Resolve paths given relative to the repository root, wherever a notebook or ``kpi`` runs from.

The project root is, in order:

1. the folder named by the environment variable ``KPI_PROJECT_ROOT``;
2. the nearest folder at or above the working folder (or ``start``) that holds
   ``pyproject.toml`` and ``kpi_lib/`` (a checkout of this repository);
3. the checkout ``kpi_lib`` itself was imported from, when it is one (an editable install:
   ``pip install -e .``), so ``kpi review`` run from ``/tmp`` still finds the repository's
   ``notebooks/``, ``params/`` and ``data/sample``;
4. the working folder (or ``start``): an installed package pointed at a team's own folder.

Examples
--------
>>> from kpi_lib.paths import project_root, resolve
>>> (project_root() / "kpi_lib").is_dir()  # doctest: +SKIP
True
>>> resolve("params/monthly.yaml").name
'monthly.yaml'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["notebooks_dir", "package_checkout", "project_root", "resolve"]

#: Environment variable that overrides the project root.
ROOT_ENV = "KPI_PROJECT_ROOT"


def _is_checkout(folder: Path) -> bool:
    return (folder / "pyproject.toml").is_file() and (folder / "kpi_lib").is_dir()


def package_checkout() -> Path | None:
    """The repository checkout the running ``kpi_lib`` was imported from, if any.

    Returns
    -------
    Path or None
        ``Path(kpi_lib.__file__).parents[1]`` when it holds ``pyproject.toml`` and
        ``kpi_lib/`` (an editable install or a run from the checkout); None for an installed
        wheel (``site-packages`` is not a checkout).

    Examples
    --------
    >>> package_checkout() is None or (package_checkout() / "pyproject.toml").is_file()
    True
    """
    folder = Path(__file__).resolve().parents[1]
    return folder if _is_checkout(folder) else None


def _root(start: Path | None = None) -> tuple[Path, str]:
    """The project root and how it was found: ``env``, ``search``, ``package`` or ``cwd``."""
    env = os.environ.get(ROOT_ENV)
    if env:
        return Path(env).expanduser().resolve(), "env"
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if _is_checkout(folder):
            return folder, "search"
    checkout = package_checkout()
    if checkout is not None:
        return checkout, "package"
    return start, "cwd"


def project_root(start: Path | None = None) -> Path:
    """The folder relative paths of the project (``params/``, ``data/``, ``notebooks/``) live in.

    Parameters
    ----------
    start : Path, optional
        Folder to search upward from (default: the working folder).

    Returns
    -------
    Path
        ``KPI_PROJECT_ROOT`` if set; else the nearest folder at or above ``start`` holding
        ``pyproject.toml`` and ``kpi_lib/``; else the checkout ``kpi_lib`` was imported from
        (:func:`package_checkout`, editable installs); else ``start``.

    Examples
    --------
    >>> root = project_root()
    >>> root.is_absolute()
    True
    """
    return _root(start)[0]


def resolve(path: str | os.PathLike) -> Path:
    """Absolute path for ``path``: unchanged if absolute, else relative to the project root.

    When the root is only the fallback to the package's checkout (the working folder is
    outside any checkout and ``KPI_PROJECT_ROOT`` is unset), a relative path that exists
    under the working folder wins, as it did before that fallback existed: ``kpi validate
    my_export`` run next to ``my_export`` reads it. Paths that do not exist yet (output
    folders) go under the project root.

    Examples
    --------
    >>> import os
    >>> resolve(os.sep + "abs") == Path(os.sep + "abs")
    True
    >>> resolve("params").parent == project_root()
    True
    """
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    root, how = _root()
    if how == "package":
        here = Path.cwd() / p
        if here.exists():
            return here.resolve()
    return (root / p).resolve()


def notebooks_dir() -> Path:
    """The folder holding the review notebooks: the project checkout's ``notebooks/``.

    Returns
    -------
    Path
        ``project_root() / "notebooks"``, or the package checkout's ``notebooks/`` when the
        project root has none (e.g. ``KPI_PROJECT_ROOT`` names a folder of data and
        parameters only). The notebooks are not package data: with an installed wheel and
        no checkout the returned folder does not exist.

    Examples
    --------
    >>> notebooks_dir().name
    'notebooks'
    """
    own = project_root() / "notebooks"
    if own.is_dir():
        return own
    checkout = package_checkout()
    if checkout is not None and (checkout / "notebooks").is_dir():
        return checkout / "notebooks"
    return own
