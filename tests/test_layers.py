"""kpi_lib's modules import only from their own layer or layers to their left."""

from __future__ import annotations

import ast

import pytest

from kpi_lib.paths import project_root

LAYERS = ["data", "indicators", "scoring", "analyses", "report", "run"]
NEUTRAL = {"_util", "paths", "__init__"}


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kpi_lib" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def _modules():
    root = project_root() / "kpi_lib"
    return sorted(p for p in root.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(project_root())))
def test_imports_flow_one_way(path):
    rel = path.relative_to(project_root() / "kpi_lib")
    own = rel.parts[0] if len(rel.parts) > 1 else None
    if own is None:
        # top-level helpers (_util, paths) must not depend on any layer
        allowed = set()
    else:
        allowed = set(LAYERS[: LAYERS.index(own) + 1])
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        for name in names:
            layer = _layer_of(name)
            if layer is not None and layer not in allowed:
                bad.append(f"line {node.lineno}: {name}")
    assert not bad, f"{rel} ({own or 'top level'}) imports from a later layer: {bad}"
