"""Grading speed: this autograder against ``nbgrader autograde`` on the same submissions.

``python -m benchmarks.grading [N]`` (part of ``make bench``) grades N convolution submissions
(a mix of correct, partially correct and untouched ones; default 100): one warm, then all
with ``--workers 2``, then all with nbgrader's Python API (which grades one at a time and
runs the tests inside the student's kernel: no sandbox). Prints seconds per submission.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import nbformat

from autograder.checks import mistakes
from autograder.cli import grade_all
from autograder.course import COURSE_DIR, nbgrader_api, release, release_path, solved, source_path
from autograder.grader import grade_notebook

SLUG = "convolution"


def make_submissions(course: Path, count: int) -> list[nbformat.NotebookNode]:
    student = nbformat.read(release_path(SLUG, course), as_version=4)
    answers = nbformat.read(source_path(SLUG, course), as_version=4)
    kinds = (
        [solved(student, answers)]
        + [solved(student, answers, {m.cell: m.code}) for m in mistakes(SLUG)]
        + [student]
    )
    return [kinds[i % len(kinds)] for i in range(count)]


def main(count: int = 100) -> None:
    warnings.filterwarnings("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(COURSE_DIR / "source", course / "source")
        shutil.copy(COURSE_DIR / "nbgrader_config.py", course)
        release(course)
        folder = Path(tmp) / "submissions"
        for i, nb in enumerate(make_submissions(course, count)):
            target = course / "submitted" / f"student{i:03d}" / SLUG / f"{SLUG}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
        shutil.copytree(course / "submitted", folder)

        one = next(folder.rglob("*.ipynb"))
        grade_notebook(one, SLUG, seed=1, course_dir=course)  # warm-up: imports, caches
        start = time.perf_counter()
        grade_notebook(one, SLUG, seed=1, course_dir=course)
        warm = time.perf_counter() - start

        start = time.perf_counter()
        records, errors = grade_all(
            folder, SLUG, Path(tmp) / "results.jsonl", workers=2, seed=1, progress=False
        )
        ours = (time.perf_counter() - start) / count
        assert len(records) == count and not errors

        api = nbgrader_api(course)
        start = time.perf_counter()
        for i in range(count):
            api.autograde(SLUG, f"student{i:03d}")
        theirs = (time.perf_counter() - start) / count

    print(f"\nGrading {count} '{SLUG}' submissions (4 components, ~40 test cases each), 2 cores")
    print(f"{'':<44}{'s / submission':>16}")
    print(f"{'this autograder, one submission, warm':<44}{warm:>16.2f}")
    print(f"{'this autograder, batch, --workers 2':<44}{ours:>16.2f}")
    print(f"{'nbgrader autograde (Python API), batch':<44}{theirs:>16.2f}")
    print(
        f"batch speed, nbgrader / ours: {theirs / ours:.2f}x (target: at least 1x; warm single target 1.5 s)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
