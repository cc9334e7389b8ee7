"""Grade many submissions: the one batch runner behind `grade-all`, the nbgrader bridge and
any other caller that grades more than one notebook.

Each submission is graded by ``grader.grade_notebook`` (its code runs in its own sandboxed
child process), either by a pool of local threads — each thread only waits on its child, so
``workers`` (times ``components_at_once``) is the number of sandboxes running at once — or by
the workers of a Dask cluster (``scheduler``: the address of a Dask scheduler; the workers
need this package installed and the submissions at the same path, e.g. a shared file system).

Whatever goes wrong while grading one submission (a grader bug, a lost Dask worker) costs that
submission only: it comes back as an ``Outcome`` with ``error`` set, and every other
submission is still graded. ``on_done`` is called in the caller's thread as each submission
finishes, so a caller can write each result to disk at once and resume after a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from autograder import grader


@dataclass
class Job:
    """One submission to grade; ``key`` is the caller's name for it (a student, a path)."""

    key: Hashable
    path: Path
    only: tuple[str, ...] | None = None  # grade just these components (None: all)


@dataclass
class Outcome:
    """The result of one job: ``result`` (the grader's dict) or ``error`` (why there is none)."""

    job: Job
    result: dict | None = None
    error: str | None = None


def grade_one(
    path: str | Path,
    slug: str,
    seed: int,
    timeout: float | None = None,
    course_dir: str | Path | None = None,
    only: tuple[str, ...] | None = None,
    components_at_once: int = 1,
) -> dict:
    """The task a worker runs for one submission (a module-level function, so Dask can ship it)."""
    course = grader.COURSE_DIR if course_dir is None else Path(course_dir)
    return grader.grade_notebook(
        path,
        slug,
        seed=seed,
        course_dir=course,
        timeout=timeout,
        only=only,
        workers=components_at_once,
    )


def run_batch(
    jobs: Iterable[Job],
    slug: str,
    seed: int,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    timeout: float | None = None,
    course_dir: Path | None = None,
    on_done: Callable[[Outcome], None] | None = None,
    components_at_once: int = 1,
) -> list[Outcome]:
    """Grade every job with the same seed (every student meets the same tests).

    ``course_dir`` is the nbgrader course whose source notebook names the graded cells (the
    project's own course by default). ``components_at_once``: the sandboxes one submission
    runs at once (``grade_notebook``'s ``workers``); a caller that grades one submission at a
    time, as each of the portal's workers does, passes 2 to keep the cores busy while a
    sandbox starts or the grader judges.

    Returns one ``Outcome`` per job, in the order the jobs were given.
    """
    jobs = list(jobs)
    outcomes: dict[int, Outcome] = {}

    def finish(index: int, outcome: Outcome) -> None:
        outcomes[index] = outcome
        if on_done is not None:
            on_done(outcome)

    if scheduler:
        task_args = (slug, seed, timeout, course_dir, components_at_once)
        _run_on_cluster(scheduler, jobs, task_args, finish)
    else:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {
                pool.submit(
                    grade_one,
                    job.path,
                    slug,
                    seed,
                    timeout,
                    course_dir,
                    job.only,
                    components_at_once,
                ): i
                for i, job in enumerate(jobs)
            }
            for future in as_completed(futures):
                finish(futures[future], _outcome(jobs[futures[future]], future))
    return [outcomes[i] for i in range(len(jobs))]


def _run_on_cluster(scheduler, jobs, task_args, finish) -> None:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(scheduler, timeout="30s") as client:
        slug, seed, timeout, course_dir, components_at_once = task_args
        n, course = len(jobs), None if course_dir is None else str(course_dir)
        futures = client.map(  # every argument positional: ``only`` differs per job
            grade_one,
            [str(job.path) for job in jobs],
            [slug] * n,
            [seed] * n,
            [timeout] * n,
            [course] * n,
            [job.only for job in jobs],
            [components_at_once] * n,
            pure=False,
        )
        index = {future.key: i for i, future in enumerate(futures)}
        for future in dask_completed(futures):
            i = index[future.key]
            finish(i, _outcome(jobs[i], future))


def _outcome(job: Job, future) -> Outcome:
    try:
        return Outcome(job, result=future.result())
    except Exception as error:  # noqa: BLE001 - one failure must not lose the batch
        return Outcome(job, error=f"{type(error).__name__}: {error}")
