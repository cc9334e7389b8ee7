"""The project's layout rules (ARCHITECTURE.md), checked on the source itself."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["solutions", "autograder", "benchmarks", "tests"]
# modules that exist to be shared inside their package: their names may be imported
SHARED_PRIVATE = {"solutions._kernels", "solutions._validate", "autograder._runner"}


def python_files():
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def imports(path):
    """(module, name) for every `from module import name` and `import module` in a file."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                yield node.module, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None


def test_no_module_imports_another_modules_private_names():
    crossings = [
        f"{path.relative_to(ROOT)}: from {module} import {name}"
        for path in python_files()
        for module, name in imports(path)
        if name
        and name.startswith("_")
        and not name.startswith("__")
        and f"{module}.{name}" not in SHARED_PRIVATE
        and module not in SHARED_PRIVATE
    ]
    assert not crossings, crossings


def test_data_flows_one_way():
    """solutions imports neither the autograder nor torch; the grader's core no web code."""
    for path in python_files():
        modules = {module.split(".")[0] for module, _ in imports(path)}
        package = path.relative_to(ROOT).parts[0]
        if package == "solutions":
            assert not modules & {"autograder", "torch", "tests", "benchmarks"}, path
        if package == "autograder":
            assert not modules & {"torch", "tests", "benchmarks"}, path


def test_nothing_refers_to_files_outside_the_project():
    outside = ("FACTS.md", "DESIGN.md", "BOOK-STYLE.md", "../shared")
    tracked = [
        p
        for p in ROOT.rglob("*")
        if p.is_file() and p.suffix in {".py", ".md", ".ipynb", ".toml", ".yml", ".js"}
    ]
    hits = [
        str(p.relative_to(ROOT))
        for p in tracked
        if not any(
            part in {".venv", "node_modules", "_build", ".git", "release", "_offline"}
            for part in p.parts
        )
        and p.name != "test_layout.py"
        and any(name in p.read_text(errors="ignore") for name in outside)
    ]
    assert not hits, hits
