"""Sample submissions built from the deliberate mistakes, one per solution cell.

Each mistake is a classic misconception (written once, in the assignment's checks), planted
by redefining one function after the correct solution code. The project's tests check that every one of them fails its own
visible test cell; ``make samples`` builds, per assignment, a fully correct submission, a
partially correct one (its first mistake planted) and an untouched one, and for the correct
and the partial kinds the student library their notebooks save, run one after the other as
a student would (``samples/library/<kind>/cnnlib/``): the partial one shows how an early mistake is
reported by the later assignments that build on it.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

from autograder.course import COURSE_DIR, REPO, SLUGS, release_path, solved, source_path

SAMPLES_DIR = REPO / "samples"
# the kinds whose notebooks run through to their last cell, saving a library (an untouched
# notebook stops at the first given cell that calls an earlier, unwritten function)
LIBRARY_KINDS = ("correct", "partial")


def planted(slug: str, cell: str) -> str:
    """The code of the first classic mistake written for one solution cell.

    The mistakes are written once, in each assignment's checks (``MISTAKES``): the grader
    recognises them there; the samples and the tests plant them from there.
    """
    from autograder.checks import mistakes

    return next(m.code for m in mistakes(slug) if m.cell == cell)


def sample_notebooks(slug: str, course_dir: Path = COURSE_DIR) -> dict[str, nbformat.NotebookNode]:
    """{"correct", "partial", "untouched"} submissions of one assignment."""
    release_nb = nbformat.read(release_path(slug, course_dir), as_version=4)
    source_nb = nbformat.read(source_path(slug, course_dir), as_version=4)
    from autograder.checks import mistakes

    first = mistakes(slug)[0]
    return {
        "correct": solved(release_nb, source_nb),
        "partial": solved(release_nb, source_nb, {first.cell: first.code}),
        "untouched": release_nb,
    }


def build_samples(out_dir: Path = SAMPLES_DIR, course_dir: Path = COURSE_DIR) -> list[Path]:
    """Write samples/<slug>/<kind>/<slug>.ipynb for every assignment and the student
    library the correct and the partial ones save (samples/library/<kind>/cnnlib/); the student
    notebooks must exist (``make exercises``). Returns the notebooks' paths."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    written = []
    (out_dir / "results").mkdir(parents=True)
    by_kind: dict[str, list[nbformat.NotebookNode]] = {}
    for slug in SLUGS:
        for kind, nb in sample_notebooks(slug, course_dir).items():
            path = out_dir / slug / kind / f"{slug}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            written.append(path)
            by_kind.setdefault(kind, []).append(nb)
    for kind in LIBRARY_KINDS:
        build_library(by_kind[kind], out_dir / "library" / kind)
    return written


def build_library(notebooks: list[nbformat.NotebookNode], folder: Path) -> Path:
    """Run the notebooks (trusted: the course's own samples) one after the other, in the
    course's order, on one library, as a student would; returns the library's folder."""
    from autograder.course import run_in_process
    from autograder.library import write_library

    write_library(folder, ())  # the course-provided package only
    for nb in notebooks:
        run_in_process(nb, folder, warned=[])  # the library's warnings are the point here
    return folder


def grade_samples(out_dir: Path = SAMPLES_DIR, slugs: tuple[str, ...] = SLUGS) -> list[str]:
    """Grade every assignment's samples (``make grade-samples``), printing one line each.

    Results go to ``samples/results/<slug>.jsonl``, feedback to ``samples/feedback/<slug>/``.
    Returns the lines printed. What every result says about the sandbox (bubblewrap missing)
    is printed once, at the end, rather than with each submission.
    """
    import time

    from autograder.cli import grade_all

    lines, notes = [], {}
    print(f"grading the samples of {len(slugs)} assignments (correct, partial, untouched):")
    for slug in slugs:
        start = time.perf_counter()
        records, errors = grade_all(
            out_dir / slug,
            slug,
            out_dir / "results" / f"{slug}.jsonl",
            force=True,
            progress=False,
            feedback=out_dir / "feedback" / slug,
        )
        scores = {Path(r["submission"]).parent.name: r for r in (x["result"] for x in records)}
        cells = [
            f"{kind} {scores[kind]['score']:g}/{scores[kind]['max_score']:g}"
            if kind in scores
            else f"{kind} not graded"
            for kind in ("correct", "partial", "untouched")
        ]
        line = f"  {slug:<16} {'  '.join(cells):<44} {time.perf_counter() - start:5.1f} s"
        if errors:
            line += f"  ({len(errors)} could not be graded: {errors[0][:80]})"
        print(line, flush=True)
        lines.append(line)
        for record in scores.values():
            for message in record["messages"]:
                if "bubblewrap" in message:
                    notes[message] = None
    for note in notes:
        print(f"note: {note}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample submissions into samples/.")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR)
    parser.add_argument(
        "--grade", action="store_true", help="grade the samples built before, one line each"
    )
    args = parser.parse_args(argv)
    if args.grade:
        grade_samples(args.out)
        return 0
    paths = build_samples(args.out)
    print(
        f"{len(paths)} sample submissions in {args.out}/<assignment>/{{correct,partial,untouched}}/"
    )
    print(f"the student library they save: {args.out}/library/{{correct,partial}}/cnnlib/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
