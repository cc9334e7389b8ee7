"""Start-up: what a fresh process pays before its first answer, with warm caches.

``python -m benchmarks.startup`` (the last part of ``make bench``) times each command in 5
fresh processes, after one unmeasured run that warms the caches (Numba's, the OS's), and
prints the medians next to their targets: ``autograder --help``, ``autograder grade`` of one
convolution submission (sandboxed when bubblewrap is installed), ``import solutions``, and
``import solutions`` plus a first ``conv2d`` (what a notebook kernel pays).
"""

from __future__ import annotations

import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUNS = 5
CONV2D = (
    "import numpy as np; from solutions import conv2d; "
    "conv2d(np.ones((1, 1, 8, 8), np.float32), np.ones((1, 1, 3, 3), np.float32))"
)


def submission() -> Path:
    """A correct convolution submission: the sample `make samples` wrote, else the source."""
    sample = ROOT / "samples" / "convolution" / "correct" / "convolution.ipynb"
    return sample if sample.exists() else ROOT / "exercises/source/convolution/convolution.ipynb"


def seconds(argv: list[str], runs: int = RUNS) -> tuple[float, float]:
    """Median (wall-clock, CPU) seconds of ``argv`` over ``runs`` fresh processes, after one
    unmeasured run. CPU time (user + system, the process and its children) is what a shared
    machine's load inflates least."""
    walls, cpus = [], []
    for _ in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls[1:]), statistics.median(cpus[1:])


def main() -> None:
    autograder = str(BIN / "autograder")
    sandbox = "bubblewrap" if shutil.which("bwrap") else "NO SANDBOX: bubblewrap missing"
    grade = [autograder, "grade", str(submission()), "--assignment", "convolution", "--seed", "1"]
    rows = [
        ("autograder --help", [autograder, "--help"], 0.3),
        (f"autograder grade, one convolution submission ({sandbox})", grade, 1.5),
        ('python -c "import solutions"', [sys.executable, "-c", "import solutions"], 0.5),
        ("import solutions + first conv2d", [sys.executable, "-c", CONV2D], None),
    ]
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nStart-up, median of {RUNS} fresh processes, warm caches (load average {load}):")
    width = max(len(name) for name, _, _ in rows)
    print(f"  {'':<{width}}   wall s   CPU s   target (wall)")
    for name, argv, goal in rows:
        wall, cpu = seconds(argv)
        verdict = (
            "" if goal is None else f"<= {goal:.1f} s  " + ("met" if wall <= goal else "MISSED")
        )
        print(f"  {name:<{width}}  {wall:6.2f}  {cpu:6.2f}   {verdict}", flush=True)


if __name__ == "__main__":
    main()
