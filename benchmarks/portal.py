"""The portal's speed, end to end over loopback (part of ``make bench``).

``python -m benchmarks.portal [N]`` starts ``autograder serve --workers 2`` on a temporary
copy of the course, then measures (1) the seconds from uploading one correct convolution
submission to its feedback being ready (the median of 5, after one warm-up upload), and
(2) the seconds to grade N uploads (default 100; a mix of correct, flawed and untouched
submissions) with 2 workers, from the first upload to the last result. Targets on an idle
machine: at most 3 s and 60 s.
"""

from __future__ import annotations

import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import nbformat

from autograder.course import COURSE_DIR, release, release_path, solved, source_path

SLUG = "convolution"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def submissions(course: Path) -> list[bytes]:
    """The kinds a class hands in: correct, each classic mistake, untouched."""
    from autograder.checks import mistakes

    student = nbformat.read(release_path(SLUG, course), as_version=4)
    answers = nbformat.read(source_path(SLUG, course), as_version=4)
    kinds = [solved(student, answers)]
    kinds += [solved(student, answers, {m.cell: m.code}) for m in mistakes(SLUG)]
    kinds.append(student)
    return [nbformat.writes(nb).encode() for nb in kinds]


class Portal:
    def __init__(self, course: Path, data: Path):
        self.url = f"http://127.0.0.1:{free_port()}"
        command = [
            sys.executable,
            "-m",
            "autograder.cli",
            "serve",
            "--course",
            str(course),
            "--data",
            str(data),
            "--port",
            self.url.rsplit(":", 1)[1],
            "--workers",
            "2",
        ]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        for _ in range(600):
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        token = subprocess.run(
            [
                sys.executable,
                "-m",
                "autograder.cli",
                "token",
                "bench",
                "--course",
                str(course),
                "--data",
                str(data),
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=60)

    def upload(self, data: bytes) -> int:
        answer = self.client.post(
            f"{self.url}/api/submissions",
            data={"assignment": SLUG},
            files={"file": ("nb.ipynb", data, "application/x-ipynb+json")},
        )
        answer.raise_for_status()
        return answer.json()["id"]

    def wait(self, submission_id: int, every: float = 0.02) -> dict:
        """Poll the submission's status every ``every`` seconds until it is final."""
        while True:
            status = self.client.get(f"{self.url}/api/submissions/{submission_id}").json()
            if status["status"] in ("graded", "invalid"):
                return status
            time.sleep(every)

    def close(self) -> None:
        self.client.close()
        self.process.terminate()
        self.process.wait(30)


def main(count: int = 100) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(COURSE_DIR / "source", course / "source")
        shutil.copy(COURSE_DIR / "nbgrader_config.py", course)
        release(course)
        kinds = submissions(course)
        portal = Portal(course, Path(tmp) / "data")
        try:
            portal.wait(portal.upload(kinds[0]))  # warm-up: imports, compiled kernels
            latencies = []
            for _ in range(5):
                start = time.perf_counter()
                status = portal.wait(portal.upload(kinds[0]))
                portal.client.get(portal.url + status["feedback_url"]).raise_for_status()
                latencies.append(time.perf_counter() - start)
            start = time.perf_counter()
            ids = [portal.upload(kinds[i % len(kinds)]) for i in range(count)]
            for submission_id in ids:
                # as often as a student's page polls (0.7 s): polling at 50 Hz for a minute
                # would take a share of the two cores from the grading it measures
                portal.wait(submission_id, every=0.5)
            batch = time.perf_counter() - start
        finally:
            portal.close()
    print(
        f"portal, {SLUG}: upload to feedback, one correct submission (median of 5): "
        f"{statistics.median(latencies):.2f} s  (target <= 3 s on an idle machine)"
    )
    print(
        f"portal, {SLUG}: {count} uploads graded with 2 workers: {batch:.1f} s "
        f"({batch / count:.2f} s each; target <= 60 s on an idle machine)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
