"""``autograder``: grade submitted notebooks without trusting them.

    autograder grade SUBMISSION.ipynb --assignment SLUG [--json OUT] [--html OUT] [--seed N]
    autograder grade-all DIR --assignment SLUG [--workers N] [--out results.jsonl] [--force] [--seed N]
                         [--feedback DIR] [--timeout S] [--dask-scheduler ADDRESS]
    autograder nbgrader SLUG [--course DIR] [--db URL] [--workers N] [--dask-scheduler ADDRESS]
    autograder serve --course DIR [--db URL] [--workers N] [--dask-scheduler ADDRESS]
    autograder token STUDENT --course DIR    (and roster, invite, policy: the portal's commands)

Exit status 0 whenever grading completed, whatever the scores; 2 when the grader itself could
not run (bad arguments, unknown assignment).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.course import COURSE_DIR, SLUGS

# The grader (numpy, Numba, the checks) is imported by the commands that grade, not by
# `autograder --help` or a mistyped argument: the command line answers at once.
if TYPE_CHECKING:
    from autograder.batch import Outcome


def format_table(result: dict) -> str:
    """A per-component table of one result, for the terminal."""
    lines = [f"{result['assignment']}: {result['submission']}", f"status: {result['status']}"]
    rows = [
        (c["name"], f"{c['score']:g} / {c['max_score']:g}", c["status"], c.get("diagnosis") or "")
        for c in result["components"]
    ]
    widths = [
        max(len(r[i]) for r in rows + [("component", "score", "status", "")]) for i in range(3)
    ]
    lines.append(
        f"{'component':<{widths[0]}}  {'score':>{widths[1]}}  {'status':<{widths[2]}}  diagnosis"
    )
    for name, score, status, diagnosis in rows:
        lines.append(
            f"{name:<{widths[0]}}  {score:>{widths[1]}}  {status:<{widths[2]}}  {diagnosis}"
        )
    lines.append(f"total: {result['score']:g} / {result['max_score']:g}")
    lines += [f"note: {m}" for m in result["messages"]]
    return "\n".join(lines)


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def load_done(out: Path) -> dict[str, dict]:
    """Results already written, keyed by submission path and content; a line cut short by a
    crash (kill -9 mid-write) is ignored, so that submission is graded again."""
    done = {}
    if out.exists():
        for line in out.read_text(errors="replace").splitlines():
            try:
                record = json.loads(line)
                done[record["key"]] = record
            except (ValueError, KeyError, TypeError):
                continue
    return done


def repair_tail(out: Path) -> None:
    """Cut a line left half-written by a crash, so that the next record starts on its own line."""
    if not out.exists() or out.stat().st_size == 0:
        return
    data = out.read_bytes()
    if not data.endswith(b"\n"):
        with open(out, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)


def append_line(out: Path, record: dict) -> None:
    """One whole line in one write, flushed to disk before the next submission counts as done."""
    data = (json.dumps(record) + "\n").encode()
    fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def summary(records: list[dict], errors: list[str]) -> str:
    graded = [r for r in records if r["status"] == "graded"]
    scores = [r["score"] for r in graded]
    lines = [
        f"submissions: {len(records)} ({len(graded)} graded, {len(records) - len(graded)} invalid)"
    ]
    if scores:
        max_score = graded[0]["max_score"]
        lines.append(
            f"mean score: {statistics.mean(scores):.2f} / {max_score:g}   "
            f"median {statistics.median(scores):g}   "
            f"full marks: {sum(s == max_score for s in scores)}"
        )
    failures = Counter(
        c["name"] for r in graded for c in r["components"] if c["status"] != "passed"
    )
    if failures:
        lines.append("not passed, by component:")
        lines += [f"  {name:<28} {count}" for name, count in failures.most_common()]
    diagnoses = Counter(
        c["diagnosis"] for r in graded for c in r["components"] if c.get("diagnosis")
    )
    if diagnoses:
        lines.append("most common diagnoses:")
        lines += [f"  {count:>4} x {text[:110]}" for text, count in diagnoses.most_common(5)]
    if errors:
        lines.append(
            f"could not be graded (grader error, will be retried on the next run): {len(errors)}"
        )
        lines += [f"  {e}" for e in errors[:10]]
    return "\n".join(lines)


def grade_all(
    folder: Path,
    slug: str,
    out: Path,
    workers: int = 2,
    force: bool = False,
    seed: int | None = None,
    progress: bool = True,
    scheduler: str | None = None,
    timeout: float | None = None,
    feedback: Path | None = None,
) -> tuple[list[dict], list[str]]:
    """Grade every .ipynb under ``folder``; results go to ``out`` (JSON lines) as they finish.

    Resumable: a submission whose line is in ``out`` (same path, same content) is not graded
    again. Returns every record of ``out`` and the grader errors of this run (those
    submissions have no line, so the next run grades them again).
    """
    from tqdm.auto import tqdm

    from autograder.batch import Job, run_batch
    from autograder.grader import fresh_seed

    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if force and out.exists():
        out.unlink()
    repair_tail(out)
    done = load_done(out)
    # one seed for the whole batch: every student meets the same tests
    if seed is None:
        seed = next(
            (r["result"]["seed"] for r in done.values() if "seed" in r.get("result", {})), None
        )
    seed = fresh_seed() if seed is None else seed
    jobs = [
        Job(key, path)
        for path in notebooks
        if (key := f"{path.relative_to(folder)}#{fingerprint(path)}") not in done
    ]
    errors: list[str] = []
    bar = tqdm(
        total=len(notebooks),
        initial=len(notebooks) - len(jobs),
        desc=f"grading {slug}",
        unit="nb",
        disable=not progress,
    )

    def record(outcome: Outcome) -> None:
        _record(out, outcome, errors, folder, feedback)
        bar.update()

    run_batch(
        jobs, slug, seed, workers=workers, scheduler=scheduler, timeout=timeout, on_done=record
    )
    bar.close()
    return list(load_done(out).values()), errors


def _record(out: Path, outcome: Outcome, errors: list[str], folder: Path, feedback: Path | None):
    path, result = outcome.job.path, outcome.result
    if result is None:
        errors.append(f"{path}: {outcome.error}")
        return
    if feedback is not None:  # before the line: a resumed run skips what has its line
        from autograder.feedback import write_html

        target = feedback / path.relative_to(folder).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_html(result, target)
    append_line(
        out,
        {
            "key": outcome.job.key,
            "status": result["status"],
            "score": result["score"],
            "max_score": result["max_score"],
            "result": result,
        },
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder", description="Grade submitted notebooks without trusting them."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("grade", help="grade one notebook")
    one.add_argument("submission", type=Path)
    one.add_argument("--assignment", required=True, choices=SLUGS)
    one.add_argument("--json", type=Path, help="write the result as JSON here")
    one.add_argument("--html", type=Path, help="write a feedback report here")
    many = sub.add_parser("grade-all", help="grade every notebook under a folder")
    many.add_argument("folder", type=Path)
    many.add_argument("--assignment", required=True, choices=SLUGS)
    many.add_argument("--out", type=Path, default=Path("results.jsonl"))
    many.add_argument("--force", action="store_true", help="grade everything again")
    many.add_argument(
        "--feedback", type=Path, help="write an HTML report per submission under this folder"
    )
    many.add_argument("--no-progress", action="store_true")
    course = sub.add_parser(
        "nbgrader", help="grade an nbgrader course's collected submissions into its gradebook"
    )
    course.add_argument("assignment", choices=SLUGS)
    course.add_argument(
        "--course", type=Path, default=COURSE_DIR, help="the nbgrader course folder"
    )
    course.add_argument(
        "--db", help="SQLAlchemy URL of the gradebook (default: the course's gradebook.db)"
    )
    for command in (one, many, course):
        command.add_argument("--seed", type=int)
        command.add_argument("--timeout", type=float, help="cap on each component's seconds")
    for batch in (many, course):
        batch.add_argument("--workers", type=int, default=2, help="sandboxes running at once")
        batch.add_argument("--dask-scheduler", help="address of a Dask scheduler to grade on")
    from autograder.portal.commands import add_commands  # imports no web code until run

    add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "run"):  # the portal's commands
        return args.run(args)
    if args.command == "grade":
        code = _grade(args)
        if argv is None:  # run as a program: everything is printed and written by now
            # the interpreter's teardown with Numba's kernels loaded costs about 0.3 s
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
        return code
    if args.command == "grade-all":
        if not args.folder.is_dir():
            parser.error(f"{args.folder} is not a folder")
        return _grade_all(args)
    try:
        return _nbgrader(args)
    except ValueError as error:
        parser.exit(2, f"autograder nbgrader: {error}\n")


def _grade(args: argparse.Namespace) -> int:
    from autograder.grader import grade_notebook, write_json

    result = grade_notebook(
        args.submission, args.assignment, seed=args.seed, timeout=args.timeout, workers=2
    )
    print(format_table(result))
    if args.json:
        write_json(result, args.json)
    if args.html:
        from autograder.feedback import write_html

        write_html(result, args.html)
    return 0


def _grade_all(args: argparse.Namespace) -> int:
    records, errors = grade_all(
        args.folder,
        args.assignment,
        args.out,
        workers=args.workers,
        force=args.force,
        seed=args.seed,
        progress=not args.no_progress,
        scheduler=args.dask_scheduler,
        timeout=args.timeout,
        feedback=args.feedback,
    )
    print(summary([r["result"] for r in records], errors))
    print(f"results: {args.out}")
    return 0


def _nbgrader(args: argparse.Namespace) -> int:
    from autograder.gradebook import grade_course

    results = grade_course(
        args.assignment,
        args.course,
        args.db,
        args.seed,
        args.workers,
        args.timeout,
        scheduler=args.dask_scheduler,
    )
    print(summary(list(results.values()), []))
    print(f"grades written to the gradebook of {args.course}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
