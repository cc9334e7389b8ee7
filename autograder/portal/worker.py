"""The portal's grading workers: take jobs from the queue with a lease, grade them with the
one batch runner (``autograder.batch.run_batch``), record each result while the lease holds.

``python -m autograder.portal.worker --db URL --data DIR --course DIR`` runs one worker;
``autograder serve`` starts ``--workers N`` of them as child processes (each grades one
submission at a time), or one that sends up to N at a time to a Dask cluster when
``--dask-scheduler`` is given. A worker dies with the process that started it, and its
sandboxes die with it (bubblewrap's --die-with-parent): what it was grading is taken again
when its lease expires.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import socket
import sys
import threading
import time
import uuid
from pathlib import Path

from autograder.batch import Job, Outcome, run_batch
from autograder.portal.store import MAX_ATTEMPTS, Claimed, Store


def die_with_parent() -> None:
    """Be killed when the process that started this one dies (even by kill -9): Linux's
    PR_SET_PDEATHSIG, and a watch on the parent's id where that is not available."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def failure_result(claimed: Claimed, reason: str) -> dict:
    """The result of a job the grader could not finish: 'invalid' with the reason, never a
    silent 0."""
    from autograder import checks

    components = checks.load(claimed.slug)
    return {
        "assignment": claimed.slug,
        "submission": claimed.path.name,
        "status": "invalid",
        "score": 0.0,
        "max_score": float(sum(c.max_score for c in components)),
        "components": [
            {
                "name": c.name,
                "function": c.function,
                "score": 0.0,
                "max_score": c.max_score,
                "status": "error",
                "cases": [],
                "diagnosis": None,
            }
            for c in components
        ],
        "messages": [f"The grader could not grade this file: {reason}"],
    }


class Worker:
    """Takes jobs and grades them until stopped."""

    def __init__(
        self,
        store: Store,
        course_dir: Path,
        lease: float = 60.0,
        poll: float = 0.2,
        batch: int = 1,
        scheduler: str | None = None,
        timeout: float | None = None,
    ):
        self.store = store
        self.course_dir = Path(course_dir)
        self.lease = lease
        self.poll = poll
        self.batch = batch
        self.scheduler = scheduler
        self.timeout = timeout
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.in_flight: set[int] = set()
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.loaded = self.grading_code()

    def grading_code(self) -> dict[Path, float]:
        """The files whose change changes a grade: the checks and the source notebooks."""
        from autograder import checks

        files = list(Path(checks.__file__).parent.glob("*.py"))
        files += list((self.course_dir / "source").glob("*/*.ipynb"))
        return {f: f.stat().st_mtime for f in files if f.exists()}

    def stale(self) -> bool:
        """True when the checks or a source notebook changed since this worker started: it
        stops (the server starts a fresh one), so a regrade uses the new checks."""
        return self.grading_code() != self.loaded

    def heartbeat(self) -> None:
        while not self.stopped.wait(self.lease / 3):
            with self.lock:
                ids = list(self.in_flight)
            try:
                self.store.renew(self.owner, ids, self.lease)
            except Exception as error:  # noqa: BLE001 - a lost beat only shortens the lease
                print(f"worker {self.owner}: lease renewal failed: {error}", file=sys.stderr)

    def run(self, max_idle: float | None = None) -> None:
        """Grade until stopped (or until ``max_idle`` seconds pass with nothing to do)."""
        threading.Thread(target=self.heartbeat, daemon=True).start()
        idle_since = time.monotonic()
        while not self.stopped.is_set():
            if self.stale():
                print(f"worker {self.owner}: the checks changed; stopping", file=sys.stderr)
                break
            claimed = self.store.claim(self.owner, self.lease, self.batch)
            if not claimed:
                if max_idle is not None and time.monotonic() - idle_since > max_idle:
                    break
                time.sleep(self.poll)
                continue
            self.grade(claimed)
            idle_since = time.monotonic()
        self.stopped.set()

    def grade(self, claimed: list[Claimed]) -> None:
        with self.lock:
            self.in_flight.update(c.job_id for c in claimed)
        by_slug: dict[tuple[str, int], list[Claimed]] = {}
        for c in claimed:
            if c.attempts > MAX_ATTEMPTS:
                self.record(c, failure_result(c, "it stopped the grader repeatedly"))
            else:
                by_slug.setdefault((c.slug, c.seed), []).append(c)
        for (slug, seed), group in by_slug.items():
            index = {c.job_id: c for c in group}

            def done(outcome: Outcome, index=index) -> None:
                c = index[outcome.job.key]
                result = outcome.result
                if result is None:
                    result = failure_result(c, outcome.error or "unknown error")
                self.record(c, result)

            run_batch(
                [Job(c.job_id, c.path) for c in group],
                slug,
                seed,
                workers=len(group),
                scheduler=self.scheduler,
                timeout=self.timeout,
                course_dir=self.course_dir,
                on_done=done,
                # one submission at a time here: its components two at a time
                components_at_once=1 if self.scheduler else 2,
            )

    def record(self, claimed: Claimed, result: dict) -> None:
        from autograder.feedback import write_html

        result = dict(result, submission=f"submission {claimed.submission_id}")
        result.pop("seed", None)  # the tests' seed stays secret
        name = f"{claimed.job_id}-{uuid.uuid4().hex[:12]}.html"
        self.store.feedback.mkdir(parents=True, exist_ok=True)
        target = self.store.feedback / name
        write_html(result, target)  # before the result row: a recorded result has its page
        if not self.store.finish(self.owner, claimed, result, name):
            target.unlink(missing_ok=True)
        with self.lock:
            self.in_flight.discard(claimed.job_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A grading worker of the portal.")
    parser.add_argument("--db", required=True, help="SQLAlchemy URL of the portal's store")
    parser.add_argument("--data", type=Path, required=True, help="the portal's data folder")
    parser.add_argument("--course", type=Path, required=True, help="the nbgrader course")
    parser.add_argument("--lease", type=float, default=60.0, help="seconds a job is held")
    parser.add_argument("--batch", type=int, default=1, help="jobs taken at once")
    parser.add_argument("--dask-scheduler", help="address of a Dask scheduler to grade on")
    parser.add_argument("--timeout", type=float, help="cap on each component's seconds")
    parser.add_argument("--max-idle", type=float, help="stop after this many idle seconds")
    args = parser.parse_args(argv)
    die_with_parent()
    store = Store(args.db, args.data)
    worker = Worker(
        store,
        args.course,
        lease=args.lease,
        batch=args.batch,
        scheduler=args.dask_scheduler,
        timeout=args.timeout,
    )
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        worker.run(max_idle=args.max_idle)
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
