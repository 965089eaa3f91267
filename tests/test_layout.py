"""The package's shape: every module imports, no import cycle, no crowded folder, no long module,
and every sentence key the code uses exists once the packages' sentences are merged."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

import helpers
from helpers.core.messages import PACKAGES, catalog

PKG = Path(helpers.__file__).resolve().parent
FILES = sorted(p for p in PKG.rglob("*.py") if "__pycache__" not in p.parts)
#: About a dozen modules side by side at most, and none longer than about 600 lines.
MAX_MODULES_PER_FOLDER = 12
MAX_LINES = 600
#: Modules over MAX_LINES still to be split (a ratchet: the list may only shrink).
TOO_LONG_FOR_NOW: set[str] = set()


def _dotted(path: Path) -> str:
    parts = path.relative_to(PKG.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_dotted(p): p for p in FILES}


def _type_checking_only(tree: ast.AST) -> set[int]:
    """ids of import nodes under ``if TYPE_CHECKING:`` (annotations only: not a runtime import)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return out


def imports_of(path: Path) -> set[str]:
    """The helpers modules ``path`` imports, anywhere in it (late imports count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    here = _dotted(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.split(".")[0] == "helpers")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            elif node.module and node.module.split(".")[0] == "helpers":
                base = node.module.split(".")
            else:
                continue
            target = ".".join(base)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in MODULES else target)
    out.discard(_dotted(path))
    return out


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


@pytest.mark.parametrize("name", sorted(MODULES))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_the_import_graph_has_no_cycle():
    graph = {name: imports_of(path) for name, path in MODULES.items()}
    assert graph["helpers.core.backend"], "the graph is empty: the import scanner is broken"
    assert "helpers.core.resources" not in graph["helpers.core.backend"], "backend must not import resources"
    cycle = _cycle(graph)
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_folder_holds_more_than_a_dozen_modules():
    folders: dict[Path, list[str]] = {}
    for path in FILES:
        if path.name != "__init__.py":
            folders.setdefault(path.parent, []).append(path.name)
    crowded = {str(f.relative_to(PKG.parent)): len(m) for f, m in folders.items() if len(m) > MAX_MODULES_PER_FOLDER}
    assert not crowded, crowded


def test_no_module_is_longer_than_600_lines():
    long = {str(p.relative_to(PKG.parent)): n for p in FILES if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert set(long) <= TOO_LONG_FOR_NOW, {k: v for k, v in long.items() if k not in TOO_LONG_FOR_NOW}
    assert TOO_LONG_FOR_NOW <= set(long), f"now short enough: drop {sorted(TOO_LONG_FOR_NOW - set(long))} from the list"


def test_each_package_keeps_its_sentences_in_a_plain_dict():
    """``<package>/messages.py`` is data for a translator: one MESSAGES dict, no imports, no logic."""
    for package in PACKAGES:
        path = PKG / package / "messages.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        kinds = [type(n).__name__ for n in tree.body]
        assert kinds[-1] in ("Assign", "AnnAssign") and set(kinds) <= {"Expr", "Assign", "AnnAssign"}, (path, kinds)
        module = importlib.import_module(f"helpers.{package}.messages")
        assert module.MESSAGES["en"], f"{path} has no English sentences"


KEY = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$|^[a-z]+_[a-z_]+$")
SPEAKERS = {"say", "WorkshopError", "Wrong", "ClaimFailed", "InvalidOrder", "ServiceError", "ServiceFailure",
            "ServiceUnavailable", "OutOfStock"}


def test_every_sentence_key_the_code_uses_exists():
    table = catalog()["en"]
    missing = []
    for path in FILES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            key = node.args[0].value
            if name in SPEAKERS and isinstance(key, str) and KEY.match(key) and key not in table:
                missing.append(f"{path.relative_to(PKG.parent)}:{node.lineno} {key}")
    assert not missing, missing
