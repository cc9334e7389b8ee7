"""``autograder``: grade submitted notebooks without trusting them.

    autograder grade SUBMISSION.ipynb --assignment SLUG [--json OUT] [--html OUT] [--seed N]
    autograder grade-all DIR --assignment SLUG [--workers N] [--out results.jsonl] [--force] [--seed N]
                         [--feedback DIR] [--timeout S] [--dask-scheduler ADDRESS]
    autograder nbgrader SLUG [--course DIR] [--db URL]

Exit status 0 whenever grading completed, whatever the scores; 2 when the grader itself could
not run (bad arguments, unknown assignment).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import numpy as np

from autograder.course import COURSE_DIR, SLUGS
from autograder.grader import fresh_seed, grade_notebook, write_json


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
        lines.append(f"mean score: {np.mean(scores):.2f} / {max_score:g}   median {np.median(scores):g}   "
                     f"full marks: {sum(s == max_score for s in scores)}")  # fmt: skip
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


def grade_all(folder: Path, slug: str, out: Path, workers: int = 2, force: bool = False, seed: int | None = None,
              progress: bool = True, scheduler: str | None = None, timeout: float | None = None,
              feedback: Path | None = None) -> tuple[list[dict], list[str]]:  # fmt: skip
    """Grade every .ipynb under ``folder``; results go to ``out`` (JSON lines) as they finish."""
    from tqdm.auto import tqdm

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
    todo = []
    for path in notebooks:
        key = f"{path.relative_to(folder)}#{fingerprint(path)}"
        if key not in done:
            todo.append((path, key))
    errors: list[str] = []
    bar = tqdm(
        total=len(notebooks),
        initial=len(notebooks) - len(todo),
        desc=f"grading {slug}",
        unit="nb",
        disable=not progress,
    )
    if scheduler:
        from autograder.distributed import map_on_cluster

        results = map_on_cluster(scheduler, [str(p) for p, _ in todo], slug, seed, timeout)
        for (path, key), outcome in zip(todo, results, strict=True):
            _record(out, key, outcome, errors, path, folder, feedback)
            bar.update()
    else:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {
                pool.submit(_grade_safely, path, slug, seed, timeout): (path, key)
                for path, key in todo
            }
            for future in as_completed(futures):
                path, key = futures[future]
                _record(out, key, future.result(), errors, path, folder, feedback)
                bar.update()
    bar.close()
    return list(load_done(out).values()), errors


def _grade_safely(path: Path, slug: str, seed: int, timeout: float | None = None):
    try:
        return grade_notebook(path, slug, seed=seed, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - a grader failure must not stop the batch
        return f"{type(error).__name__}: {error}"


def _record(
    out: Path, key: str, outcome, errors: list[str], path: Path, folder: Path, feedback: Path | None
) -> None:
    if isinstance(outcome, str):
        errors.append(f"{path}: {outcome}")
        return
    if feedback is not None:  # before the line: a resumed run skips what has its line
        from autograder.feedback import write_html

        target = feedback / path.relative_to(folder).with_suffix(".html")
        target.parent.mkdir(parents=True, exist_ok=True)
        write_html(outcome, target)
    append_line(
        out,
        {
            "key": key,
            "status": outcome["status"],
            "score": outcome["score"],
            "max_score": outcome["max_score"],
            "result": outcome,
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="autograder", description="Grade submitted notebooks without trusting them."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("grade", help="grade one notebook")
    one.add_argument("submission", type=Path)
    one.add_argument("--assignment", required=True, choices=SLUGS)
    one.add_argument("--json", type=Path, help="write the result as JSON here")
    one.add_argument("--html", type=Path, help="write a feedback report here")
    one.add_argument("--seed", type=int)
    one.add_argument("--timeout", type=float, help="cap on each component's seconds")
    many = sub.add_parser("grade-all", help="grade every notebook under a folder")
    many.add_argument("folder", type=Path)
    many.add_argument("--assignment", required=True, choices=SLUGS)
    many.add_argument("--workers", type=int, default=2)
    many.add_argument("--out", type=Path, default=Path("results.jsonl"))
    many.add_argument("--force", action="store_true", help="grade everything again")
    many.add_argument("--seed", type=int)
    many.add_argument("--dask-scheduler", help="address of a Dask scheduler to grade on")
    many.add_argument("--timeout", type=float, help="cap on each component's seconds")
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
    course.add_argument("--workers", type=int, default=2)
    course.add_argument("--seed", type=int)
    course.add_argument("--timeout", type=float, help="cap on each component's seconds")
    args = parser.parse_args(argv)

    if args.command == "nbgrader":
        from autograder.gradebook import grade_course

        try:
            results = grade_course(
                args.assignment, args.course, args.db, args.seed, args.workers, args.timeout
            )
        except ValueError as error:
            parser.exit(2, f"autograder nbgrader: {error}\n")
        print(summary(list(results.values()), []))
        print(f"grades written to the gradebook of {args.course}")
        return 0

    if args.command == "grade":
        result = grade_notebook(
            args.submission, args.assignment, seed=args.seed, timeout=args.timeout
        )
        print(format_table(result))
        if args.json:
            write_json(result, args.json)
        if args.html:
            from autograder.feedback import write_html

            write_html(result, args.html)
        return 0
    if not args.folder.is_dir():
        parser.error(f"{args.folder} is not a folder")
    records, errors = grade_all(args.folder, args.assignment, args.out, args.workers, args.force, args.seed,
                                progress=not args.no_progress, scheduler=args.dask_scheduler, timeout=args.timeout, feedback=args.feedback)  # fmt: skip
    print(summary([r["result"] for r in records], errors))
    print(f"results: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
