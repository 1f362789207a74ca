"""kpi_lib's modules import only from their own layer or layers to their left, and cleanly.

Rules (see docs/architecture.md):

- imports flow one way: data -> indicators -> scoring -> analyses -> review -> report -> run;
- (a) no relative imports;
- (b) no ``from kpi_lib import <layer>`` (import the names, or ``kpi_lib.<layer>.<module>``);
- (c) no ``importlib`` and no ``__import__``: every dependency is a visible import statement;
- (d) no import cycles between the modules of a layer (a package ``__init__`` importing its
  own submodules is not a cycle; a submodule importing its package's ``__init__`` back is);
- (e) no module imports a ``_private`` name of another kpi_lib module, or reads one as
  ``module._private``: helpers shared across files get a public name in one file;
- (f) notebooks import kpi_lib only as ``from kpi_lib.<layer> import <names>``, with names
  from that layer's ``__all__`` (its public face).

The rules read the source with :mod:`ast`; nothing is imported.
"""

from __future__ import annotations

import ast
import importlib
import json
from functools import cache
from pathlib import Path

import pytest

from kpi_lib.paths import project_root

LAYERS = ["data", "indicators", "scoring", "analyses", "review", "report", "run"]
#: Packages outside the layer folders and the layer they belong to.
LAYER_OF_PACKAGE = {"datasets": "data"}
ROOT = project_root()
PACKAGE = ROOT / "kpi_lib"


def _layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "kpi_lib" or len(parts) < 2:
        return None
    if parts[1] in LAYERS:
        return parts[1]
    return LAYER_OF_PACKAGE.get(parts[1])


def _files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    """Dotted module name -> file, for every module and package of kpi_lib."""
    return {_module_name(p): p for p in _files()}


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _kpi_imports(tree: ast.Module):
    """``(node, imported module, names)`` for each absolute import of kpi_lib (names is None
    for ``import kpi_lib.x``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kpi_lib":
                    yield node, alias.name, None
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == "kpi_lib":
                yield node, node.module, [a.name for a in node.names]


def _targets(module: str, names) -> list[str]:
    """The kpi_lib modules an import statement loads: ``from a.b import c`` loads ``a.b.c``
    when it is a module, else ``a.b`` itself."""
    known = _modules()
    if names is None:
        while module not in known and "." in module:
            module = module.rsplit(".", 1)[0]
        return [module] if module in known else []
    out = []
    for name in names:
        sub = f"{module}.{name}"
        if sub in known:
            out.append(sub)
        elif module in known:
            out.append(module)
    return sorted(set(out))


# --------------------------------------------------------------------------- one way


@pytest.mark.parametrize("path", _files(), ids=_rel)
def test_imports_flow_one_way(path):
    module = _module_name(path)
    own = _layer_of(module)
    if own is None:
        # top-level helpers (_util, paths) must not depend on any layer
        allowed = set()
    else:
        allowed = set(LAYERS[: LAYERS.index(own) + 1])
    bad = []
    for node, imported, _names in _kpi_imports(_tree(path)):
        layer = _layer_of(imported)
        if layer is not None and layer not in allowed:
            bad.append(f"line {node.lineno}: {imported}")
    assert not bad, f"{_rel(path)} ({own or 'top level'}) imports from a later layer: {bad}"


# --------------------------------------------------------------------------- (a) - (c)


def _statement_violations(tree: ast.Module) -> list[str]:
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            dots = "." * node.level
            bad.append(f"line {node.lineno}: relative import `from {dots}{node.module or ''}`")
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module == "kpi_lib":
            layers = [a.name for a in node.names if _layer_of(f"kpi_lib.{a.name}")]
            if layers:
                bad.append(f"line {node.lineno}: `from kpi_lib import {', '.join(layers)}`")
        if isinstance(node, ast.Import) and any(
            a.name.split(".")[0] == "importlib" for a in node.names
        ):
            bad.append(f"line {node.lineno}: imports importlib")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "importlib":
            bad.append(f"line {node.lineno}: imports from importlib")
        if isinstance(node, ast.Name) and node.id == "__import__":
            bad.append(f"line {node.lineno}: uses __import__")
        if isinstance(node, ast.Attribute) and node.attr == "__import__":
            bad.append(f"line {node.lineno}: uses __import__")
    return bad


@pytest.mark.parametrize("path", _files(), ids=_rel)
def test_imports_are_plain_absolute_statements(path):
    """(a) no relative imports, (b) no ``from kpi_lib import <layer>``, (c) no importlib or
    ``__import__``."""
    bad = _statement_violations(_tree(path))
    assert not bad, f"{_rel(path)}: {bad}"


# --------------------------------------------------------------------------- (d) cycles


def _import_graph() -> dict[str, set[str]]:
    """Module -> kpi_lib modules it imports (at module level or inside functions)."""
    graph = {}
    for module, path in _modules().items():
        edges = set()
        for _node, imported, names in _kpi_imports(_tree(path)):
            edges.update(_targets(imported, names))
        edges.discard(module)
        graph[module] = edges
    return graph


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm (iterative): the components with more than one module."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def test_cycle_finder_on_a_known_graph():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}, "f": {"g"}}
    graph["g"] = {"f"}
    assert sorted(_strongly_connected(graph)) == [["a", "b", "c"], ["f", "g"]]


@pytest.mark.parametrize("layer", LAYERS)
def test_no_import_cycles_within_a_layer(layer):
    graph = _import_graph()
    mine = {m for m in graph if _layer_of(m) == layer}
    sub = {m: {t for t in graph[m] if t in mine} for m in mine}
    cycles = _strongly_connected(sub)
    assert not cycles, f"import cycles between modules of the {layer} layer: {cycles}"


# --------------------------------------------------------------------------- (e) private names


def _private_uses(tree: ast.Module, own: str) -> list[str]:
    known = _modules()
    bad = []
    aliases = {}  # local name -> kpi_lib module it is bound to
    for node, imported, names in _kpi_imports(tree):
        if names is None:
            for alias in node.names:
                if alias.name == imported:
                    if alias.asname:
                        aliases[alias.asname] = imported
                    else:
                        aliases["kpi_lib"] = "kpi_lib"
            for part in imported.split(".")[1:]:
                if _is_private(part) and part != "_util":
                    bad.append(f"line {node.lineno}: imports private module {imported}")
            continue
        for alias in node.names:
            if _is_private(alias.name) and imported != own:
                bad.append(f"line {node.lineno}: imports {alias.name} from {imported}")
            if f"{imported}.{alias.name}" in known:
                aliases[alias.asname or alias.name] = f"{imported}.{alias.name}"
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _is_private(node.attr):
            continue
        chain, value = [], node.value
        while isinstance(value, ast.Attribute):
            chain.append(value.attr)
            value = value.value
        if not isinstance(value, ast.Name) or value.id not in aliases:
            continue
        target = ".".join([aliases[value.id], *reversed(chain)])
        if target in known and target != own:
            bad.append(f"line {node.lineno}: reads {target}.{node.attr}")
    return bad


@pytest.mark.parametrize("path", _files(), ids=_rel)
def test_no_private_names_of_other_modules(path):
    bad = _private_uses(_tree(path), _module_name(path))
    assert not bad, f"{_rel(path)} uses private names of other modules: {bad}"


# --------------------------------------------------------------------------- (f) notebooks


@cache
def _face(layer: str) -> frozenset:
    """The names in ``kpi_lib/<layer>/__init__.py``'s ``__all__`` (read, not imported)."""
    init = PACKAGE / layer / "__init__.py"
    if not init.is_file():
        return frozenset()
    for node in _tree(init).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
                return frozenset(ast.literal_eval(node.value))
    return frozenset()


def _notebooks() -> list[Path]:
    return sorted((ROOT / "notebooks").glob("*.ipynb"))


def _notebook_violations(path: Path) -> list[str]:
    return _cell_violations(json.loads(path.read_text(encoding="utf-8"))["cells"])


def _cell_violations(cells: list[dict]) -> list[str]:
    bad = []
    for n, cell in enumerate(cells):
        if cell.get("cell_type") != "code":
            continue
        source = cell["source"]
        source = "".join(source) if isinstance(source, list) else source
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError as err:
            bad.append(f"cell {n}: does not parse ({err.msg})")
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "kpi_lib":
                        bad.append(f"cell {n}: `import {alias.name}`")
            elif isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[0] != "kpi_lib":
                    continue
                if len(parts) != 2 or parts[1] not in LAYERS or node.level:
                    bad.append(f"cell {n}: `from {node.module} import ...` (not a layer face)")
                    continue
                outside = [a.name for a in node.names if a.name not in _face(parts[1])]
                if outside:
                    bad.append(f"cell {n}: {outside} are not in kpi_lib.{parts[1]}.__all__")
    return bad


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.name)
def test_notebooks_use_the_layer_faces(path):
    bad = _notebook_violations(path)
    assert not bad, f"{path.name} imports kpi_lib outside the layers' public faces: {bad}"


@pytest.mark.parametrize("layer", ["data", "indicators", "scoring", "analyses"])
def test_layer_faces_export_what_they_list(layer):
    """Each curated face imports cleanly and every name in its ``__all__`` exists."""
    face = importlib.import_module(f"kpi_lib.{layer}")
    assert face.__all__, f"kpi_lib.{layer} has an empty __all__"
    missing = [name for name in face.__all__ if not hasattr(face, name)]
    assert not missing, f"kpi_lib.{layer}.__all__ lists names it does not define: {missing}"
    assert len(set(face.__all__)) == len(face.__all__), f"kpi_lib.{layer}.__all__ repeats names"


# --------------------------------------------------------------------------- the rules catch


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from .periods import parse_period", "relative import `from .periods`"),
        ("from . import periods", "relative import `from .`"),
        ("from kpi_lib import indicators", "`from kpi_lib import indicators`"),
        ("import importlib", "imports importlib"),
        ("import importlib.util", "imports importlib"),
        ("from importlib import import_module", "imports from importlib"),
        ("engine = __import__('kpi_lib.indicators.engine')", "uses __import__"),
        ("import builtins\nbuiltins.__import__('os')", "uses __import__"),
    ],
)
def test_statement_rules_catch(source, expected):
    bad = _statement_violations(ast.parse(source))
    assert any(expected in b for b in bad), bad


def test_statement_rules_allow_plain_absolute_imports():
    source = (
        "from kpi_lib._util import check_option\n"
        "from kpi_lib.indicators import periods\n"
        "import kpi_lib.indicators.catalogue as catalogue\n"
        "from kpi_lib import paths\n"
    )
    assert _statement_violations(ast.parse(source)) == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from kpi_lib.indicators.periods import _PATTERNS",
            "imports _PATTERNS from kpi_lib.indicators.periods",
        ),
        (
            "from kpi_lib.indicators import periods\nperiods._PATTERNS",
            "reads kpi_lib.indicators.periods._PATTERNS",
        ),
        (
            "import kpi_lib.indicators.periods\nkpi_lib.indicators.periods._PATTERNS",
            "reads kpi_lib.indicators.periods._PATTERNS",
        ),
        (
            "import kpi_lib.indicators.periods as p\np._PATTERNS",
            "reads kpi_lib.indicators.periods._PATTERNS",
        ),
        (
            "def f():\n    from kpi_lib.indicators.engine import _finish_components",
            "imports _finish_components",
        ),
    ],
)
def test_private_rule_catches(source, expected):
    bad = _private_uses(ast.parse(source), "kpi_lib.scoring.targets")
    assert any(expected in b for b in bad), bad


def test_private_rule_allows_public_names_and_own_attributes():
    source = (
        "from kpi_lib._util import check_option\n"
        "from kpi_lib.indicators import periods\n"
        "periods.__name__\n"
        "periods.parse_period('2026-01')\n"
        "table._cache\n"
    )
    assert _private_uses(ast.parse(source), "kpi_lib.scoring.targets") == []


def _cells(*sources):
    return [{"cell_type": "code", "source": s} for s in sources]


def test_notebook_rule():
    face = sorted(_face("indicators"))[0]
    good = _cells(
        "%matplotlib inline\nimport pandas as pd",
        f"!ls\nfrom kpi_lib.indicators import {face}",
        "from kpi_lib.analyses import sensitivity",
    )
    assert _cell_violations(good) == []
    bad = _cell_violations(
        _cells(
            "from kpi_lib.indicators.engine import compute_indicators",
            "import kpi_lib",
            "from kpi_lib.scoring import not_a_public_name",
            "from kpi_lib import data",
        )
    )
    assert [b.split(":")[0] for b in bad] == ["cell 0", "cell 1", "cell 2", "cell 3"], bad


REPORT_MUST_NOT_CALL = {
    "load_dataset",
    "compute_indicators",
    "load_scheme",
    "score",
    "diagnose",
    "compute_review",
    "monte_carlo_ranks",
    "decision_flips",
}


@pytest.mark.parametrize(
    "path",
    sorted((project_root() / "kpi_lib" / "report").glob("*.py")),
    ids=lambda p: p.name,
)
def test_report_layer_renders_only(path):
    """report/ words and draws finished tables: it loads no data or schemes and computes no
    scores, decisions or analyses (the review layer does, once)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpi_lib"):
            used |= {a.name for a in node.names} & REPORT_MUST_NOT_CALL
    assert not used, f"{path.name} imports {sorted(used)}"
