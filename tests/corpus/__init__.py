"""The corpus of student submissions: wrong ones written as students write them, and right
ones in styles unlike the reference (issue 18, part 3).

``tests/corpus/<slug>/<name>.py`` is one submission, readable as it is:

- the name says what it is: ``wrong_*.py`` must lose points, ``correct_*.py`` must earn
  full marks;
- its docstring's first line names the mistake (or the style); then ``key: value`` lines:
  ``loses:`` the graded component(s) (test cells, comma-separated) that must lose points,
  ``says:`` a phrase that must appear in a failed case's message there (the diagnosis of a
  known mistake, or the property it breaks);
- ``# %% <grade_id>`` starts the code of that solution cell; a solution cell the file does
  not write keeps the instructor's answer, so a wrong submission is wrong in one idea only.
  (A file is the notebook's cells in a row, so it names what other cells define and imports
  where a cell does: its ``# ruff: noqa`` line says so.)

``submission_notebook`` turns one into the notebook a student would hand in: the released
student notebook with every solution cell filled in. A new assignment's folder needs no code.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import release_path, solution_cells, source_path, strip_region_markers

CORPUS_DIR = Path(__file__).resolve().parent
CELL = re.compile(r"^# %% (\S+)[ \t]*$", re.MULTILINE)
KEY = re.compile(r"^(loses|says):\s*(.+)$", re.MULTILINE)


@dataclass(eq=False)  # identity: a batch job's key
class Submission:
    """One corpus file: what it is, what the grader must say, and its solution cells' code."""

    slug: str
    name: str
    wrong: bool
    summary: str  # the mistake, or the style of a correct one
    cells: dict[str, str]  # grade_id -> the cell's code
    loses: list[str] = field(default_factory=list)  # components that must lose points
    says: str = ""  # a phrase one of their failed cases must carry

    @property
    def key(self) -> str:
        return f"{self.slug}/{self.name}"


def parse(path: Path) -> Submission:
    """Read one corpus file (see the module's docstring for the format)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    if not path.stem.startswith(("wrong_", "correct_")):
        raise ValueError(f"{path}: a corpus file is named wrong_*.py or correct_*.py")
    doc = ast.get_docstring(ast.parse(text)) or ""
    if not doc:
        raise ValueError(f"{path}: the docstring must name the mistake or the style")
    keys = dict(KEY.findall(doc))
    parts = CELL.split(text)  # [header, grade_id, code, grade_id, code, ...]
    cells = {
        grade_id: code.strip() + "\n"
        for grade_id, code in zip(parts[1::2], parts[2::2], strict=True)
    }
    if not cells:
        raise ValueError(f"{path}: no '# %% <grade_id>' cell")
    wrong = path.stem.startswith("wrong_")
    loses = [c.strip() for c in keys.get("loses", "").split(",") if c.strip()]
    if wrong and not loses:
        raise ValueError(f"{path}: a wrong submission says which component it loses ('loses:')")
    return Submission(
        slug=path.parent.name,
        name=path.stem,
        wrong=wrong,
        summary=doc.splitlines()[0],
        cells=cells,
        loses=loses,
        says=keys.get("says", "").strip(),
    )


def corpus(slug: str | None = None) -> list[Submission]:
    """Every submission of the corpus (of one assignment when ``slug`` is given)."""
    folders = [CORPUS_DIR / slug] if slug else sorted(p for p in CORPUS_DIR.iterdir() if p.is_dir())
    return [
        parse(path)
        for folder in folders
        if not folder.name.startswith(("_", "."))
        for path in sorted(folder.glob("*.py"))
    ]


def submission_notebook(submission: Submission, course_dir: Path) -> nbformat.NotebookNode:
    """The student notebook of ``course_dir`` (released) with every solution cell answered:
    by the corpus file where it writes the cell, by the instructor's answer elsewhere."""
    nb = nbformat.read(release_path(submission.slug, course_dir), as_version=4)
    answers = solution_cells(nbformat.read(source_path(submission.slug, course_dir), as_version=4))
    cells = solution_cells(nb)
    unknown = sorted(set(submission.cells) - set(cells))
    if unknown:
        raise ValueError(f"{submission.key}: no solution cell {unknown} in the notebook")
    for grade_id, cell in cells.items():
        cell.source = submission.cells.get(grade_id) or strip_region_markers(
            answers[grade_id].source
        )
    return nb


def write_notebook(submission: Submission, course_dir: Path, folder: Path) -> Path:
    """Write the submission's notebook as ``folder/<slug>/<name>.ipynb``; returns its path."""
    path = Path(folder) / submission.slug / f"{submission.name}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(submission_notebook(submission, course_dir), path)
    return path
