"""Resolve paths given relative to the repository root, wherever a notebook runs from."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_root", "resolve"]


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: cwd) holding ``pyproject.toml``.

    ``KPI_PROJECT_ROOT`` overrides the search. Falls back to ``start`` when none is found,
    so an installed package pointed at a team's own data folder still works.
    """
    env = os.environ.get("KPI_PROJECT_ROOT")
    if env:
        return Path(env).resolve()
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() and (folder / "kpi_lib").is_dir():
            return folder
    return start


def resolve(path: str | os.PathLike) -> Path:
    """Absolute path for ``path``: unchanged if absolute, else relative to the project root."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return (project_root() / p).resolve()
