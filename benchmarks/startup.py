"""Start-up of a fresh process that imports solutions and calls conv2d, with a warm cache.

This is what a student's notebook kernel or a grading child pays before its first answer.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

SCRIPT = (
    "import numpy as np; from solutions import conv2d; "
    "conv2d(np.ones((1, 1, 8, 8), np.float32), np.ones((1, 1, 3, 3), np.float32))"
)


def startup_seconds(runs: int = 5) -> tuple[float, float]:
    """(median seconds of a warm start, seconds of the first run that warmed the cache)."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", SCRIPT], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times[1:]), times[0]


if __name__ == "__main__":
    warm, first = startup_seconds()
    print(
        f"fresh process, import + first conv2d: {warm:.2f} s with a warm cache (first run {first:.2f} s)"
    )
