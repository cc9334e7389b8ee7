"""Grade on a Dask cluster: the same per-submission task, run by Dask's workers.

``autograder grade-all DIR --assignment SLUG --dask-scheduler tcp://HOST:8786`` sends one task
per notebook; each worker grades in its own sandbox exactly as a local run does, and the
results come back to the machine that writes ``results.jsonl``. The workers need this package
installed and the submissions' folder at the same path (a shared file system).
"""

from __future__ import annotations


def _grade(path: str, slug: str, seed: int, timeout: float | None) -> dict:
    from autograder.grader import grade_notebook

    return grade_notebook(path, slug, seed=seed, timeout=timeout)


def map_on_cluster(
    address: str, paths: list[str], slug: str, seed: int, timeout: float | None = None
) -> list[dict | str]:
    """One result per path, in order: a result dict, or the text of a grader failure."""
    from distributed import Client

    outcomes: list[dict | str] = []
    with Client(address, timeout="30s") as client:
        futures = client.map(_grade, paths, slug=slug, seed=seed, timeout=timeout, pure=False)
        for future in futures:
            try:
                outcomes.append(future.result())
            except Exception as error:  # noqa: BLE001 - one failure must not lose the batch
                outcomes.append(f"{type(error).__name__}: {error}")
    return outcomes
