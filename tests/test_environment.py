"""environment.yml (conda) lists the same packages and lower bounds as pyproject.toml."""

from __future__ import annotations

import re
import tomllib

import yaml

from kpi_lib.paths import project_root

# conda-forge names that differ from PyPI names
CONDA_NAMES = {"duckdb": "python-duckdb", "ibis-framework": "ibis-framework-core"}


def _split(requirement: str) -> tuple[str, str]:
    m = re.match(r"^\s*([A-Za-z0-9_.\-]+)(\[[^\]]*\])?\s*(.*)$", requirement)
    return m.group(1).lower(), m.group(3).replace(" ", "")


def test_environment_yml_matches_pyproject():
    root = project_root()
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = {}
    for req in project["dependencies"] + [
        r for extra in ("test", "spark") for r in project["optional-dependencies"][extra]
    ]:
        name, spec = _split(req)
        wanted[CONDA_NAMES.get(name, name)] = spec
    env = yaml.safe_load((root / "environment.yml").read_text())
    listed = {}
    for dep in env["dependencies"]:
        items = dep["pip"] if isinstance(dep, dict) else [dep]
        for item in items:
            if item.startswith("-e") or item in ("pip",) or item.startswith("python"):
                if not item.startswith("python-"):
                    continue
            name, spec = _split(item)
            listed[name] = spec
    assert wanted == listed, {
        "missing from environment.yml": sorted(set(wanted) - set(listed)),
        "not in pyproject.toml": sorted(set(listed) - set(wanted)),
        "different bounds": sorted(k for k in set(wanted) & set(listed) if wanted[k] != listed[k]),
    }


def test_environment_yml_python_matches_requires_python():
    root = project_root()
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((root / "environment.yml").read_text())
    python = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python>")]
    assert python == ["python" + project["requires-python"]]
