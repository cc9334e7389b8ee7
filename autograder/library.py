"""The student library ``cnnlib`` as the course's tools provide it.

A student's course folder holds ``cnnlib/`` beside the assignment folders: the course gives
``cnnlib/__init__.py`` (its source is ``exercises/cnnlib/__init__.py``), and the last cell of
each assignment saves the student's functions into ``cnnlib/<module>.py``, where later
assignments ``require`` them.

Wherever the course runs notebooks itself, it provides a library with the *reference*
module of each assignment instead, built from the source notebook (its first given code
cell, which imports and requires what the functions use, then its solution cells without
nbgrader's markers; test cells, hidden tests included, never): the grader's sandbox gets the
modules of the assignments before the one graded, so that an early mistake never costs a
later grade; ``nbgrader validate`` and the project's tests get them through ``for_kernels``
and ``on_path``.
"""

from __future__ import annotations

import contextlib
import os
import py_compile
import shutil
import sys
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from autograder.course import (
    COURSE_DIR,
    SLUGS,
    nbgrader_meta,
    read_notebook,
    source_path,
    strip_region_markers,
)

PACKAGE = "cnnlib"
# the course-provided part of the library (the repository's copy, whatever course folder)
PACKAGE_SOURCE = COURSE_DIR / PACKAGE / "__init__.py"
# the sandbox tells cnnlib that it runs under the grader (same name in cnnlib/__init__.py)
GRADING_ENV = "CNNLIB_GRADING"


def module_name(slug: str) -> str:
    """``fully-connected`` -> ``fully_connected``: the assignment's module in the library."""
    return slug.replace("-", "_")


def earlier(slug: str) -> tuple[str, ...]:
    """The assignments before ``slug``, in the course's order: what it may require."""
    return SLUGS[: SLUGS.index(slug)] if slug in SLUGS else SLUGS


def reference_module(slug: str, course_dir: Path = COURSE_DIR) -> str:
    """The module a student who solved ``slug`` perfectly would have: built from the source
    notebook's first given code cell and its solution cells (test cells never)."""
    path = source_path(slug, course_dir)
    return _reference_module(str(path), path.stat().st_mtime_ns, slug)


@lru_cache(maxsize=64)
def _reference_module(path: str, mtime_ns: int, slug: str) -> str:
    # read as the grader reads it: nbformat's validation costs seconds in every grade
    cells = read_notebook(Path(path))["cells"]
    code = [c for c in cells if c["cell_type"] == "code" and not nbgrader_meta(c).get("grade")]
    given = next((c for c in code if not nbgrader_meta(c).get("solution")), None)
    solutions = [c for c in code if nbgrader_meta(c).get("solution")]
    parts = [given["source"]] if given is not None and code.index(given) == 0 else []
    parts += [strip_region_markers(c["source"]) for c in solutions]
    header = (
        f'"""The reference functions of assignment "{slug}" (built from its source notebook)."""'
        f"\n\nASSIGNMENT = {slug!r}\n"
    )
    return header + "\n\n" + "\n\n\n".join(p.strip() for p in parts) + "\n"


def package_source() -> str:
    return _package_source(PACKAGE_SOURCE.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _package_source(mtime_ns: int) -> str:
    return PACKAGE_SOURCE.read_text(encoding="utf-8")


def library_files(
    slugs: tuple[str, ...], course_dir: Path = COURSE_DIR, bytecode: bool = False
) -> dict[str, str | bytes]:
    """{relative path: content} of a library holding the reference modules of ``slugs``.

    ``bytecode``: with each module's compiled form in ``__pycache__`` (an unchecked
    hash-based .pyc, valid whatever the file's time stamp), so that a sandbox job does not
    compile the same modules again (the package alone takes tens of milliseconds).
    """
    files: dict[str, str | bytes] = {f"{PACKAGE}/__init__.py": package_source()}
    for slug in slugs:
        files[f"{PACKAGE}/{module_name(slug)}.py"] = reference_module(slug, course_dir)
    if bytecode:
        for relative, text in list(files.items()):
            files.update([compiled(relative, text)])
    return files


@lru_cache(maxsize=64)
def compiled(relative: str, text: str) -> tuple[str, bytes]:
    """(path under ``__pycache__``, .pyc bytes) of a module of the library, for this Python
    (the sandbox's child runs the same interpreter)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "module.py", Path(tmp) / "module.pyc"
        source.write_text(text, encoding="utf-8")
        py_compile.compile(
            str(source),
            cfile=str(target),
            dfile=relative,
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        data = target.read_bytes()
    folder, name = relative.rsplit("/", 1)
    stem = name.removesuffix(".py")
    return f"{folder}/__pycache__/{stem}.{sys.implementation.cache_tag}.pyc", data


def write_library(
    folder: Path, slugs: tuple[str, ...] = SLUGS, course_dir: Path = COURSE_DIR
) -> Path:
    """Write ``folder/cnnlib/`` with the reference modules of ``slugs`` (replacing any
    library there); returns ``folder``, the directory to put on the path."""
    folder = Path(folder)
    shutil.rmtree(folder / PACKAGE, ignore_errors=True)
    for relative, text in library_files(slugs, course_dir).items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(str(text), encoding="utf-8")
    return folder


def release_package(release_dir: Path) -> Path:
    """Put the course-provided ``cnnlib/__init__.py`` into a release folder, and nothing
    else: a module left there would hand someone's answers out with the notebooks."""
    target = Path(release_dir) / PACKAGE
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy(PACKAGE_SOURCE, target / "__init__.py")
    return target / "__init__.py"


def _forget_package() -> None:
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


@contextlib.contextmanager
def on_path(folder: Path) -> Iterator:
    """Import ``cnnlib`` from ``folder`` in this process while the block runs (for running
    the course's own notebooks in-process); yields the package."""
    import importlib

    _forget_package()
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        _forget_package()


@contextlib.contextmanager
def for_kernels(folder: Path) -> Iterator[None]:
    """Child processes (nbgrader's kernels) started in the block find ``cnnlib`` in
    ``folder`` (through PYTHONPATH)."""
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(folder), before) if p)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before
