"""The package's import graph: no cycles (function-level imports included) and no module
importing another module's private names; the tests, too, use wenshu's public names only."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import wenshu

ROOT = Path(wenshu.__file__).parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


#: A module named in a string, imported later by that name (a registry's ``providers``, a
#: lazily loaded command's ``"wenshu.cli.build:build_cmd"``, a ``sys.modules`` look-up): as
#: much an import as an ``import`` statement, so it counts in the graph.
NAMED_MODULE = re.compile(r"(wenshu(?:\.\w+)+)(?::\w+)?")


def _imports(name: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(imported wenshu module, names taken from it) for every import anywhere in the file,
    and for every string that is a wenshu module's name."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if (named := NAMED_MODULE.fullmatch(node.value)) and named[1] in modules:
                found.append((named[1], []))
        elif isinstance(node, ast.Import):
            found += [(a.name, []) for a in node.names if a.name.startswith("wenshu")]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(parts + ([base] if base else []))
            if not base.startswith("wenshu"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.append((sub, []) if sub in modules else (base, [alias.name]))
    return [(m, names) for m, names in found if m in modules and m != name]


def _graph() -> tuple[dict[str, set[str]], list[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {}
    private = []
    for name, path in modules.items():
        graph[name] = set()
        for target, names in _imports(name, path, modules):
            graph[name].add(target)
            private += [f"{name} → {target}.{n}" for n in names if n.startswith("_") and not n.endswith("__")]
    return graph, private


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, as the list of modules along it, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_the_graph_is_read_from_the_sources() -> None:
    graph, _ = _graph()
    assert "wenshu.spec.load" in graph["wenshu.validate"]
    assert len(graph) > 40


def test_a_module_named_in_a_string_is_an_import() -> None:
    """The commands the group imports by name are edges as an ``import`` is."""
    graph, _ = _graph()
    assert {"wenshu.cli.build", "wenshu.cli.check"} <= graph["wenshu.cli.commands"]


def test_a_string_import_closing_a_cycle_is_found(tmp_path: Path) -> None:
    """A registry naming its providers as strings, whose providers import it back, is a cycle."""
    low = 'RULES = Registry("x")\nRULES.provided_by("wenshu.high")\n'
    (tmp_path / "low.py").write_text(low, encoding="utf-8")
    (tmp_path / "high.py").write_text("from wenshu.low import RULES\n", encoding="utf-8")
    modules = {"wenshu.low": tmp_path / "low.py", "wenshu.high": tmp_path / "high.py"}
    graph = {name: {m for m, _ in _imports(name, path, modules)} for name, path in modules.items()}
    assert _cycle(graph) == ["wenshu.high", "wenshu.low", "wenshu.high"]


def test_no_import_cycle() -> None:
    graph, _ = _graph()
    cycle = _cycle(graph)
    assert cycle is None, " → ".join(cycle or [])


def _packages(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """The graph between wenshu's top-level packages and modules (wenshu.spec, wenshu.layout …)."""

    def top(module: str) -> str:
        return ".".join(module.split(".")[:2])

    packages: dict[str, set[str]] = {}
    for module, targets in graph.items():
        packages.setdefault(top(module), set()).update(top(t) for t in targets if top(t) != top(module))
    return packages


def test_no_import_cycle_between_packages() -> None:
    """docs/architecture.md's layers: text < spec < rules, render < compose < validate … (no
    package reaches back into one above it)."""
    packages = _packages(_graph()[0])
    assert "wenshu.spec" in packages["wenshu.compose"]
    cycle = _cycle(packages)
    assert cycle is None, " → ".join(cycle or [])


#: docs/architecture.md's layers, lowest first: a package or top-level module imports only
#: from its own layer or those below (a lazy or string import too).
LAYERS = [
    {
        "layout",
        "roles",
        "errors",
        "registry",
        "resources",
        "safezip",
        "files",
        "word_files",
        "patterns",
        "cores",
    },
    {"text"},
    {"spec"},
    {"rules", "render"},
    {"compose"},
    {"validate", "skeleton"},
    {"office", "build"},
    {"check", "importing", "extract"},
    {"cli", "serve", "__main__"},
]


def _breaches(packages: dict[str, set[str]]) -> list[str]:
    """Every import of a package from a layer above its own, as "lower → upper"."""
    level = {f"wenshu.{name}": i for i, layer in enumerate(LAYERS) for name in layer}
    level["wenshu"] = 0
    assert set(packages) <= set(level), f"not in LAYERS: {sorted(set(packages) - set(level))}"
    return sorted(f"{p} → {t}" for p, targets in packages.items() for t in targets if level[t] > level[p])


def test_no_package_imports_from_a_layer_above() -> None:
    assert _breaches(_packages(_graph()[0])) == []
    assert _breaches({"wenshu.rules": {"wenshu.compose"}, "wenshu.compose": set()}) == [
        "wenshu.rules → wenshu.compose"
    ]


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_private_name_imported_across_modules() -> None:
    _, private = _graph()
    assert private == []


TESTS = Path(__file__).parent


def _private_uses_in_tests() -> list[str]:
    """Every ``from wenshu.x import _y``, ``module._y`` (on an imported wenshu module) and
    ``"wenshu.x._y"`` (a monkeypatch target) in the tests."""
    modules = _modules()
    found = []
    for path in sorted(TESTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                aliases |= {a.asname for a in node.names if a.name.startswith("wenshu") and a.asname}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("wenshu"):
                for a in node.names:
                    if f"{node.module}.{a.name}" in modules:
                        aliases.add(a.asname or a.name)
                    elif _private(a.name):
                        found.append(f"{path.name}:{node.lineno} {node.module}.{a.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                if node.value.id in aliases and _private(node.attr):
                    found.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", "") == "setattr"
                and len(node.args) > 1
            ):
                target, attr = node.args[0], node.args[1]
                named = isinstance(attr, ast.Constant) and isinstance(attr.value, str)
                if isinstance(target, ast.Name) and target.id in aliases and named and _private(attr.value):
                    found.append(f"{path.name}:{node.lineno} {target.id}.{attr.value}")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                if re.fullmatch(r"wenshu(\.\w+)*\._\w+", node.value) and not node.value.endswith("__"):
                    found.append(f"{path.name}:{node.lineno} {node.value}")
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not name.endswith("__")


def test_tests_use_public_names_only() -> None:
    assert _private_uses_in_tests() == []
