"""The nbgrader course in ``exercises/``: assignments, student versions, solution cells.

``python -m autograder.course release`` (``make exercises``) generates the nine student
notebooks into nbgrader's standard place, ``exercises/release/<slug>/<slug>.ipynb``.
``python -m autograder.course validate`` checks that every source notebook passes and every
untouched student notebook fails.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import sys
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # nbformat costs about a second to import: only where it is used
    import nbformat

REPO = Path(__file__).resolve().parents[1]
COURSE_DIR = REPO / "exercises"
# the nine assignments, in the book's order; the slug names the folder and the notebook
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
)
SOLUTION_BEGIN, SOLUTION_END = "### BEGIN SOLUTION", "### END SOLUTION"
HIDDEN_BEGIN, HIDDEN_END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


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
    """nbgrader generate_assignment for each slug; returns the student notebooks' paths."""
    api = nbgrader_api(course_dir)
    paths = []
    for slug in slugs:
        result = api.generate_assignment(slug, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(
                f"nbgrader could not generate {slug}:\n{result['log']}\n{result.get('error', '')}"
            )
        paths.append(release_path(slug, course_dir))
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


def run_in_process(nb) -> dict[str, CellOutcome]:
    """Execute a *trusted* notebook's code cells in one fresh namespace, in order; report each
    test cell. For the course's own checks only: student code is never run this way."""
    namespace: dict = {"__name__": "__notebook__"}
    outcomes = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        try:
            with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
                exec(compile(cell.source, f"<{meta.get('grade_id', 'cell')}>", "exec"), namespace)
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

    validator = Validator(config=nbgrader_config(course_dir))
    ok = True
    for slug in SLUGS:
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
    parser.add_argument("command", choices=["release", "validate"])
    args = parser.parse_args(argv)
    if args.command == "release":
        import nbformat

        paths = release()
        for path in paths:
            problems = leaks(nbformat.read(path, as_version=4))
            if problems:
                raise SystemExit(f"{path} shows solutions or hidden tests: {problems}")
        print(f"exercises: {len(paths)} student notebooks in exercises/release/<assignment>/")
        return 0
    return 0 if validate() else 1


if __name__ == "__main__":
    sys.exit(main())
