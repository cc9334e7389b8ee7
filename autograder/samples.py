"""Sample submissions built from the deliberate mistakes, one per solution cell.

Each mistake is a classic misconception (written once, in the assignment's checks), planted
by redefining one function after the correct solution code. The project's tests check that every one of them fails its own
visible test cell; ``make samples`` builds, per assignment, a fully correct submission, a
partially correct one (its first mistake planted) and an untouched one.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import nbformat

from autograder.course import COURSE_DIR, REPO, SLUGS, release_path, solved, source_path

SAMPLES_DIR = REPO / "samples"


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
    """Write samples/<slug>/<kind>/<slug>.ipynb for every assignment (the student notebooks
    must exist: ``make exercises``)."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    written = []
    (out_dir / "results").mkdir(parents=True)
    for slug in SLUGS:
        for kind, nb in sample_notebooks(slug, course_dir).items():
            path = out_dir / slug / kind / f"{slug}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the sample submissions into samples/.")
    parser.add_argument("--out", type=Path, default=SAMPLES_DIR)
    args = parser.parse_args(argv)
    paths = build_samples(args.out)
    print(
        f"{len(paths)} sample submissions in {args.out}/<assignment>/{{correct,partial,untouched}}/"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
