"""The nbgrader course in ``exercises/``: assignments, student versions, solution cells.

``python -m autograder.course release`` (``make exercises``) generates the ten student
notebooks into nbgrader's standard place, ``exercises/release/<slug>/<slug>.ipynb``, and the
student library's course-provided part beside them, ``exercises/release/cnnlib/__init__.py``.
``python -m autograder.course validate`` checks that every source notebook passes and every
untouched student notebook fails. ``python -m autograder.course library DIR`` writes a
library of reference modules into ``DIR/cnnlib/``, for running the notebooks with nbgrader's
own tools (``PYTHONPATH=DIR nbgrader autograde ...``).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import linecache
import os
import re
import sys
import tempfile
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nbformat costs about a second to import: only where it is used
    import nbformat

REPO = Path(__file__).resolve().parents[1]
COURSE_DIR = REPO / "exercises"
# the ten assignments, in the book's order; the slug names the folder and the notebook
SLUGS = (
    "convolution",
    "channels",
    "dilation",
    "separable",
    "activations",
    "pooling",
    "fully-connected",
    "backprop",
    "architectures",
    "training",
)
SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"

MAX_NOTEBOOK_BYTES = 20 * 2**20


class InvalidSubmission(Exception):
    """The file is not a notebook this grader can read."""


def read_notebook(path: Path) -> dict:
    """The notebook at ``path`` as plain JSON, each cell's ``source`` joined into one string.

    A plain JSON read plus the checks grading relies on (nbformat 4, a list of cells, each an
    object with a ``cell_type``; sources text): nbformat's schema validation costs about a
    second of imports and adds nothing the grader uses. Raises ``InvalidSubmission`` saying
    what is wrong.
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidSubmission(f"{path} is not a file")
    if path.stat().st_size > MAX_NOTEBOOK_BYTES:
        raise InvalidSubmission(
            f"the file is {path.stat().st_size / 2**20:.0f} MB; notebooks over 20 MB are refused"
        )
    try:
        nb = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise InvalidSubmission(
            f"the file is not a readable Jupyter notebook ({type(error).__name__}: {str(error)[:200]})"
        ) from None
    if not isinstance(nb, dict):
        raise InvalidSubmission("the file is not a readable Jupyter notebook (not a JSON object)")
    if nb.get("nbformat") != 4:
        raise InvalidSubmission(
            "the file is not a readable Jupyter notebook (nbformat "
            f"{str(nb.get('nbformat'))[:20]}; version 4 is expected: save it from Jupyter again)"
        )
    cells = nb.get("cells")
    if not isinstance(cells, list):
        raise InvalidSubmission("the notebook has no list of cells")
    for index, cell in enumerate(cells):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise InvalidSubmission(f"cell {index} of the notebook is not a notebook cell")
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(line, str) for line in source):
            cell["source"] = "".join(source)  # nbformat's multi-line form
        elif not isinstance(source, str):
            raise InvalidSubmission(f"cell {index}'s source is not text")
        metadata = cell.get("metadata", {})
        if not isinstance(metadata, dict) or not isinstance(metadata.get("nbgrader", {}), dict):
            raise InvalidSubmission(f"cell {index}'s metadata is not a JSON object")
    return nb


def source_path(slug: str, course_dir: Path = COURSE_DIR) -> Path:
    return course_dir / "source" / slug / f"{slug}.ipynb"


def release_path(slug: str, course_dir: Path = COURSE_DIR) -> Path:
    return course_dir / "release" / slug / f"{slug}.ipynb"


def nbgrader_config(course_dir: Path = COURSE_DIR, **overrides):
    """The course's nbgrader_config.py, loaded explicitly (nbgrader's API does not read it),
    with the course root set to ``course_dir``. ``overrides``: {"Section.option": value}."""
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=str(COURSE_DIR)).load_config()
    config.CourseDirectory.root = str(course_dir)
    for key, value in overrides.items():
        section, option = key.split(".")
        setattr(config[section], option, value)
    return config


def nbgrader_api(course_dir: Path = COURSE_DIR, **overrides):
    """nbgrader's Python API for the course; its tools (alembic) come from this environment."""
    from nbgrader.apps import NbGraderAPI

    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    return NbGraderAPI(config=nbgrader_config(course_dir, **overrides))


def release(course_dir: Path = COURSE_DIR, slugs: tuple[str, ...] = SLUGS) -> list[Path]:
    """nbgrader generate_assignment for each slug, and the course-provided part of the
    student library (``release/cnnlib/__init__.py``); returns the student notebooks' paths."""
    from autograder.library import release_package

    api = nbgrader_api(course_dir)
    paths = []
    for slug in slugs:
        result = api.generate_assignment(slug, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(
                f"nbgrader could not generate {slug}:\n{result['log']}\n{result.get('error', '')}"
            )
        paths.append(release_path(slug, course_dir))
    release_package(course_dir / "release")
    return paths


# --- cells ------------------------------------------------------------------------------


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(nb) -> dict[str, nbformat.NotebookNode]:
    """The cells students write, by grade_id."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("solution")}


def graded_cells(nb) -> dict[str, nbformat.NotebookNode]:
    """The autograded test cells, by grade_id."""
    return {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if nbgrader_meta(c).get("grade")}


def strip_region_markers(code: str) -> str:
    """The instructor's solution code with nbgrader's BEGIN/END SOLUTION lines removed."""
    return "\n".join(
        line for line in code.splitlines() if line.strip() not in (SOLUTION_BEGIN, SOLUTION_END)
    )


def solved(release_nb, source_nb, overrides: dict[str, str] | None = None):
    """A copy of the student notebook with every solution cell filled in from the source.

    ``overrides`` maps a solution cell's grade_id to code appended to that cell (used to
    plant a deliberate mistake by redefining one function).
    """
    import nbformat

    nb = nbformat.from_dict(release_nb)
    answers = solution_cells(source_nb)
    for grade_id, cell in solution_cells(nb).items():
        cell.source = strip_region_markers(answers[grade_id].source)
        if overrides and grade_id in overrides:
            cell.source += "\n\n\n" + overrides[grade_id].strip() + "\n"
    return nb


@dataclass
class CellOutcome:
    passed: bool
    error: str = ""


def run_in_process(
    nb, library: Path | None = None, warned: list[str] | None = None
) -> dict[str, CellOutcome]:
    """Execute a *trusted* notebook's code cells in one fresh namespace, in order; report each
    test cell. For the course's own checks only: student code is never run this way.

    The notebook imports the student library ``cnnlib`` from ``library`` (a folder holding
    ``cnnlib/``; its last cell saves into it), by default from a fresh temporary one with
    the reference module of every assignment. ``warned`` receives the library's warnings.
    Cells are registered with ``linecache``, as IPython does, so that ``save`` finds the
    source of the notebook's functions.
    """
    from autograder.library import on_path, write_library

    namespace: dict = {"__name__": "__notebook__"}
    outcomes = {}
    with contextlib.ExitStack() as stack:
        if library is None:
            library = write_library(Path(stack.enter_context(tempfile.TemporaryDirectory())))
        cnnlib = stack.enter_context(on_path(library))
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            meta = nbgrader_meta(cell)
            filename = f"<cell {index}: {meta.get('grade_id', 'cell')}>"
            linecache.cache[filename] = (
                len(cell.source),
                None,
                cell.source.splitlines(True),
                filename,
            )
            stack.callback(linecache.cache.pop, filename, None)
            try:
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    warnings.catch_warnings(record=True) as caught,
                ):
                    warnings.simplefilter("always", cnnlib.LibraryWarning)
                    try:
                        exec(compile(cell.source, filename, "exec"), namespace)
                    finally:
                        if warned is not None:
                            warned += [
                                str(w.message)
                                for w in caught
                                if w.category is cnnlib.LibraryWarning
                            ]
                if meta.get("grade"):
                    outcomes[meta["grade_id"]] = CellOutcome(True)
            except Exception as error:  # noqa: BLE001 - a failing test is the point
                if not meta.get("grade"):
                    raise
                last = traceback.format_exception_only(type(error), error)[-1].strip()
                outcomes[meta["grade_id"]] = CellOutcome(False, last)
    return outcomes


SOLUTION_LEAKS = re.compile(
    r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS|^\s*(import|from)\s+(solutions|autograder)\b",
    re.MULTILINE,
)


def leaks(nb) -> list[str]:
    """Every place in a student-facing notebook that shows a solution or a hidden test."""
    found = []
    for index, cell in enumerate(nb.cells):
        for match in SOLUTION_LEAKS.finditer(cell.source):
            found.append(f"cell {index}: {match.group(0).strip()!r}")
    return found


# --- command line -------------------------------------------------------------------------


def validate(course_dir: Path = COURSE_DIR) -> bool:
    """nbgrader's validator: sources must pass, untouched student notebooks must fail."""
    from nbgrader.validator import Validator

    from autograder.library import earlier, for_kernels, write_library

    validator = Validator(config=nbgrader_config(course_dir))
    ok = True
    for slug in SLUGS:
        # the kernels find cnnlib with the reference modules of the assignments before
        with tempfile.TemporaryDirectory() as library:
            with for_kernels(write_library(Path(library), earlier(slug), course_dir)):
                source = validator.validate(str(source_path(slug, course_dir)))
                student = validator.validate(str(release_path(slug, course_dir)))
        source_ok = not source.get("failed") and not source.get("changed")
        student_fails = bool(student.get("failed"))
        ok &= source_ok and student_fails
        print(
            f"{slug:<16} source {'passes' if source_ok else 'FAILS'}; "
            f"student version {'fails as it should' if student_fails else 'DOES NOT FAIL'}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Manage the nbgrader course in exercises/.")
    parser.add_argument("command", choices=["release", "validate", "library"])
    parser.add_argument("folder", nargs="?", type=Path, help="library: where to write cnnlib/")
    args = parser.parse_args(argv)
    if args.command == "release":
        import nbformat

        paths = release()
        for path in paths:
            problems = leaks(nbformat.read(path, as_version=4))
            if problems:
                raise SystemExit(f"{path} shows solutions or hidden tests: {problems}")
        print(
            f"exercises: {len(paths)} student notebooks in exercises/release/<assignment>/,"
            " the student library in exercises/release/cnnlib/"
        )
        return 0
    if args.command == "library":
        from autograder.library import write_library

        if args.folder is None:
            parser.error("library needs a folder")
        folder = write_library(args.folder)
        print(f"reference library (instructors only): {folder / 'cnnlib'}/")
        return 0
    return 0 if validate() else 1


if __name__ == "__main__":
    sys.exit(main())
