"""Grade an nbgrader course's collected submissions and write the scores into its gradebook.

``autograder nbgrader SLUG`` reads ``<course>/submitted/<student>/<SLUG>/<SLUG>.ipynb``,
grades each notebook in the sandbox, and writes one grade per autograded test cell into
nbgrader's gradebook (SQLite by default, or any SQLAlchemy URL, e.g. PostgreSQL), so that
``nbgrader export`` and formgrader show them. What could not be graded (an unreadable file, a
timeout, a crash) is marked for manual grading with the reason in a comment: never a silent 0.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from autograder.batch import Job, run_batch
from autograder.course import COURSE_DIR
from autograder.grader import fresh_seed


def find_submissions(course_dir: Path, slug: str) -> dict[str, Path | None]:
    """student id -> submitted notebook (None when the student's folder lacks it)."""
    found = {}
    submitted = course_dir / "submitted"
    for student_dir in sorted(p for p in submitted.glob("*") if p.is_dir()):
        assignment_dir = student_dir / slug
        if assignment_dir.is_dir():
            notebook = assignment_dir / f"{slug}.ipynb"
            found[student_dir.name] = notebook if notebook.is_file() else None
    return found


def grade_course(
    slug: str,
    course_dir: Path = COURSE_DIR,
    db_url: str | None = None,
    seed: int | None = None,
    workers: int = 2,
    timeout: float | None = None,
    scheduler: str | None = None,
) -> dict[str, dict]:
    """Grade every collected submission of ``slug`` and store the grades.

    Returns student -> result for the submissions that were graded. A submission the grader
    failed on is stored as needing manual grading, with the error in its comment.
    """

    db_url = db_url or f"sqlite:///{course_dir / 'gradebook.db'}"
    seed = fresh_seed() if seed is None else seed  # the same tests for every student
    submissions = find_submissions(course_dir, slug)
    jobs = [Job(student, path) for student, path in submissions.items() if path is not None]
    outcomes = run_batch(
        jobs,
        slug,
        seed,
        workers=workers,
        scheduler=scheduler,
        timeout=timeout,
        course_dir=course_dir,
    )
    results = {o.job.key: o.result for o in outcomes if o.result is not None}
    failures = {o.job.key: o.error for o in outcomes if o.result is None}
    write_grades(slug, db_url, list(submissions), results, failures)
    return results


def write_grades(
    slug: str,
    db_url: str,
    students: list[str],
    results: dict[str, dict],
    failures: dict[str, str] | None = None,
) -> None:
    """Store one grade per autograded test cell for each student into nbgrader's gradebook.

    ``results``: student -> the grader's result; a student in ``students`` without one (or in
    ``failures``, student -> the grader's error) is marked for manual grading, with the reason
    in the comment. Also used by the portal to write the grades it collected.
    """
    from nbgrader.api import Gradebook, MissingEntry

    failures = failures or {}
    # nbgrader's own gradebook code trips SQLAlchemy warnings on every new submission: noise
    with warnings.catch_warnings(), Gradebook(db_url) as gb:
        warnings.filterwarnings("ignore", category=Warning, module="sqlalchemy")
        warnings.filterwarnings("ignore", message=".*not in session.*")
        try:
            assignment = gb.find_assignment(slug)
        except MissingEntry:
            raise ValueError(
                f"assignment {slug!r} is not in the gradebook {db_url}: "
                "run `make exercises` (nbgrader generate_assignment) first"
            ) from None
        notebook_id = assignment.notebooks[0].name
        solution_cell = next((c.name for c in assignment.notebooks[0].solution_cells), None)
        for student in students:
            gb.update_or_create_student(student)
            try:
                gb.find_submission(slug, student)
            except MissingEntry:
                gb.add_submission(slug, student)
            result = results.get(student)
            reasons = []
            if student in failures:
                reasons.append(f"the grader failed on this submission ({failures[student]})")
            elif result is None:
                reasons.append(f"no notebook named {slug}.ipynb was submitted")
            elif result["status"] == "invalid":
                reasons += result["messages"]
            for cell in assignment.notebooks[0].grade_cells:
                grade = gb.find_grade(cell.name, notebook_id, slug, student)
                component = next(
                    (c for c in (result or {}).get("components", []) if c["name"] == cell.name),
                    None,
                )
                if result is None or result["status"] == "invalid" or component is None:
                    grade.auto_score, grade.needs_manual_grade = None, True
                    continue
                grade.auto_score = component["score"]
                grade.needs_manual_grade = component["status"] in ("timeout", "error")
                if grade.needs_manual_grade:
                    reasons.append(
                        f"{cell.name}: {component.get('message') or component['status']}"
                    )
            if solution_cell is not None:
                comment = gb.find_comment(solution_cell, notebook_id, slug, student)
                comment.auto_comment = ("Needs a look: " + "; ".join(reasons)) if reasons else None
        gb.db.commit()
