"""The import graph between components: one way, configuration on top, shared helpers at the
bottom, development tooling out of production (README, "Architecture")."""

from __future__ import annotations

import ast
import tomllib
from fnmatch import fnmatchcase
from pathlib import Path

from django.conf import settings

PACKAGES = ("backrelease", "sessions", "journal")
# Folders that belong to the app around them, however deep they sit.
APP_PARTS = {"migrations", "management", "templatetags"}
CONFIGURATION = "backrelease"
SHARED = "backrelease/common"
DEVTOOLS = "backrelease/devtools"
ROOT = Path(settings.BASE_DIR)


def component(path: Path) -> str:
    """The package directory a module lives in, at most two levels deep."""
    parts = list(path.relative_to(ROOT).parent.parts)
    for n, part in enumerate(parts):
        if part in APP_PARTS:
            parts = parts[:n]
            break
    return "/".join(parts[:2])


def module_path(name: str) -> Path | None:
    base = ROOT.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def imported_modules(tree: ast.AST) -> list[tuple[str, list[str]]]:
    """(module, names taken from it) of every import in the file, function-level ones too."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if module_path(submodule):
                    found.append((submodule, []))
                else:
                    found.append((node.module, [alias.name]))
    return found


def imports() -> list[tuple[Path, str, Path, list[str]]]:
    """(importing file, its component, imported file, names) for every import of our own."""
    rows = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for name, names in imported_modules(tree):
                if name.split(".")[0] not in PACKAGES:
                    continue
                target = module_path(name)
                assert target is not None, f"{path} imports {name}, which does not exist"
                rows.append((path, component(path), target, names))
    return rows


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for _, source, target, _ in imports():
        edges.setdefault(source, set())
        if component(target) != source:
            edges[source].add(component(target))
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(edges.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(sorted(members))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_it_finds_a_cycle_when_there_is_one():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_it_files_migrations_commands_and_tags_under_their_app():
    assert component(ROOT / "journal/migrations/0001_initial.py") == "journal"
    assert component(ROOT / "backrelease/devtools/management/commands/bench.py") == DEVTOOLS
    assert component(ROOT / "journal/sharing/views.py") == "journal/sharing"
    assert component(ROOT / "backrelease/settings.py") == CONFIGURATION


def test_components_import_each_other_one_way_only():
    assert cycles(graph()) == []


def test_production_never_imports_development_tooling():
    offenders = [
        f"{path.relative_to(ROOT)} imports {target.relative_to(ROOT)}"
        for path, source, target, _ in imports()
        if source != DEVTOOLS and component(target) == DEVTOOLS
    ]
    assert offenders == []


def packaged(include: list[str], exclude: list[str]) -> list[str]:
    """The packages setuptools' `packages.find` takes: dotted names matched as shell patterns."""
    names = [
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.glob("*/**/__init__.py")
        if not init.is_relative_to(ROOT / ".venv")
    ]
    return [
        name
        for name in names
        if any(fnmatchcase(name, pattern) for pattern in include)
        and not any(fnmatchcase(name, pattern) for pattern in exclude)
    ]


def test_the_built_package_leaves_development_tooling_out():
    found = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = packaged(found["packages"]["find"]["include"], found["packages"]["find"]["exclude"])
    assert {"backrelease", "backrelease.accounts", "sessions", "journal"} <= set(packages)
    assert [name for name in packages if "devtools" in name] == []


def test_shared_helpers_sit_at_the_bottom():
    assert graph()[SHARED] == set()


def test_nothing_but_development_settings_imports_the_configuration():
    offenders = [
        f"{path.relative_to(ROOT)} imports {target.relative_to(ROOT)}"
        for path, source, target, _ in imports()
        if component(target) == CONFIGURATION and source not in (CONFIGURATION, DEVTOOLS)
    ]
    assert offenders == []


def test_no_component_takes_another_ones_private_names():
    offenders = [
        f"{path.relative_to(ROOT)} takes {name} from {target.relative_to(ROOT)}"
        for path, source, target, names in imports()
        for name in names
        if name.startswith("_") and component(target) != source
    ]
    assert offenders == []


def test_each_rating_scale_is_defined_once():
    names = {"PAIN_MAX", "ARCH_MAX", "TENSION_MAX", "PEG_MAX"}
    defined = [
        f"{path.relative_to(ROOT)} defines {target.id}"
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name) and target.id in names
    ]
    assert sorted(defined) == sorted(
        f"backrelease/common/scales.py defines {name}" for name in names
    )
