"""Run untrusted code in a sandbox that cannot reach the grader.

A submission gets one ``Sandbox``: with Debian's ``bwrap`` (bubblewrap) it has its own PID,
network and IPC namespaces, runs as ``nobody``, and sees only the Python installation, numpy,
and its own folder: the project, the source notebooks, the gradebook and the results are
simply absent, and nothing it starts survives it. Without bwrap it falls back to a plain
child (its own session, limits, an empty folder, a scrubbed environment) and says so.
Inside, the runner's server imports numpy once and forks a fresh child for each job (each
component of the submission): the children share nothing but the submission's own folder.

The fallback runs as the grader's own user (an interpreter under /root is not executable by
``nobody``), so it can see the file system: install bubblewrap for real isolation.

In both, each child sets address-space, CPU-time and file-size limits and installs a seccomp
filter that refuses to start processes (fork, vfork, clone without CLONE_THREAD) before any
student code runs; the server kills a child at its wall-clock timeout, and the grader kills
the whole sandbox when the server stops answering. RLIMIT_NPROC alone would not stop a fork
bomb here: the sandbox's user maps to root, which is exempt.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder._runner import encode_argument
from autograder.library import GRADING_ENV

RUNNER = Path(__file__).with_name("_runner.py")
NOBODY = 65534


@dataclass
class Limits:
    memory_bytes: int = 2 * 2**30
    file_bytes: int = 64 * 2**20
    processes: int = 64
    max_output_chars: int = 5000


@dataclass
class ChildResult:
    status: str  # "ok" | "timeout" | "crashed"
    results: dict = field(default_factory=dict)
    seconds: float = 0.0
    detail: str = ""
    out_dir: Path | None = None


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


def _allowed_packages() -> list[Path]:
    """The only third-party code the child may import: numpy and its bundled libraries."""
    site = Path(np.__file__).resolve().parents[1]
    return [p for p in (site / "numpy", site / "numpy.libs") if p.exists()]


class Sandbox:
    """One submission's sandbox: a server inside it forks a fresh child for each job.

    The server (``_runner.serve``) starts once per submission, under bubblewrap or as a plain
    child, and imports numpy once; each ``run`` writes a job folder and asks the server for a
    child, which starts from that clean state (a fork: about a millisecond, where a new
    interpreter and numpy take 0.1-0.15 s of CPU). The server kills a child whose time is up;
    should the server itself stop answering, or die (a submission may kill it), its processes
    are killed and the next job starts a new server. Several threads may run jobs at once.

    ``library``: {relative path: text or bytes} of the files the code may import (the student
    library ``cnnlib/``), written into the sandbox's ``lib/``, on its import path.
    """

    GRACE = 5.0  # seconds past a job's timeout before the grader stops waiting for the server

    def __init__(
        self, use_bwrap: bool | None = None, library: dict[str, str | bytes] | None = None
    ) -> None:
        self.use_bwrap = bwrap_path() is not None if use_bwrap is None else use_bwrap
        self.root = Path(tempfile.mkdtemp(prefix="autograder-"))
        self._lock = threading.Lock()
        self._answers: dict[str, tuple[subprocess.Popen, queue.Queue]] = {}  # job: server, answer
        self._count = 0
        self._server: subprocess.Popen | None = None
        _write_session(self.root, self.use_bwrap, library or {})

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *_) -> None:
        self.close()

    def run(
        self,
        cells: list[dict],
        calls: list[dict],
        timeout: float,
        limits: Limits | None = None,
    ) -> ChildResult:
        """Run the code ``cells`` ({"name", "source"}, in order), then each call {"function",
        "args", "kwargs", "output_arg"} in a fresh child; see ``run_cases``."""
        with self._lock:
            self._count += 1
            name = f"job{self._count}"
        job = _write_job(self.root / "jobs" / name, cells, calls, timeout, limits or Limits())
        answers: queue.Queue = queue.Queue()
        start = time.perf_counter()
        with self._lock:
            if self._server is None or self._server.poll() is not None:
                if self._server is not None:
                    self._end(self._server)
                self._start()
            server = self._server
            self._answers[name] = (server, answers)
            try:
                server.stdin.write((json.dumps({"job": name, "timeout": timeout}) + "\n").encode())
                server.stdin.flush()
            except OSError:  # it died just now: the reader tells the waiting jobs
                pass
        try:
            answer = answers.get(timeout=timeout + self.GRACE)
        except queue.Empty:  # the server stopped answering (stopped by the submission?)
            self._end(server)
            answer = {"status": "timeout"}
        finally:
            with self._lock:
                self._answers.pop(name, None)
        seconds = time.perf_counter() - start
        status = answer.get("status")
        if status not in ("ok", "crashed", "timeout"):
            status, detail = "crashed", "the sandbox ended before the submission's code did"
        elif status == "crashed":
            detail = _exit_reason(int(answer.get("code", 1)))
        else:
            detail = ""
        return ChildResult(status, _read_results(job), seconds, detail, job)

    def close(self) -> None:
        """End the server and its children; remove the sandbox's files but the job folders
        whose results are still to be read (``cleanup`` removes each, and then the rest)."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            try:
                server.stdin.close()  # the server ends its children and itself
                server.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._end(server)
        for path in self.root.iterdir():
            if path.name != "jobs":
                shutil.rmtree(path) if path.is_dir() else path.unlink()
        _remove_empty(self.root / "jobs")

    def _start(self) -> None:
        command, env = _command(self.root, self.use_bwrap)
        with open(self.root / "server.log", "ab") as log:
            self._server = subprocess.Popen(
                command,
                cwd=self.root,
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
            )
        threading.Thread(target=self._read_answers, args=(self._server,), daemon=True).start()

    def _read_answers(self, server: subprocess.Popen) -> None:
        """Hand each answer to the job waiting for it; when the server ends, tell all of them."""
        with server.stdout:
            for line in server.stdout:
                try:
                    answer = json.loads(line)
                    sent_to, waiting = self._answers[answer["job"]]
                except (ValueError, KeyError, TypeError):
                    continue
                if sent_to is server:
                    waiting.put(answer)
        server.wait()
        with self._lock:  # requests are written under the lock: none is being written now
            if self._server is server:
                self._server = None
            try:
                server.stdin.close()
            except OSError:
                pass
            for sent_to, waiting in self._answers.values():
                if sent_to is server:  # not the jobs already sent to its successor
                    waiting.put({"status": "ended"})

    @staticmethod
    def _end(server: subprocess.Popen) -> None:
        """Kill the server's whole session (it started a new one), reap it, close its pipe."""
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        server.wait()
        try:
            server.stdin.close()
        except OSError:
            pass


def run_cases(
    cells: list[dict],
    calls: list[dict],
    timeout: float,
    limits: Limits | None = None,
    use_bwrap: bool | None = None,
    library: dict[str, str | bytes] | None = None,
    sandbox: Sandbox | None = None,
) -> ChildResult:
    """Run the code ``cells`` ({"name", "source"}, in order), then each call {"function", "args", "kwargs", "output_arg"} in a sandbox.

    ``sandbox``: the submission's open ``Sandbox`` (its ``use_bwrap`` and ``library`` apply);
    without one, a sandbox is started for this call alone. ``library``: {relative path: text
    or bytes} of the files the child may import (the student library ``cnnlib/``).
    Returns the child's ``results.json`` (per call: an output description or an error) and
    the folder holding its output arrays; the caller loads them and removes the folder
    (``cleanup``).
    """
    if sandbox is not None:
        return sandbox.run(cells, calls, timeout, limits)
    with Sandbox(use_bwrap, library) as alone:
        return alone.run(cells, calls, timeout, limits)


def _write_session(root: Path, use_bwrap: bool, library: dict[str, str | bytes]) -> None:
    """The sandbox's folder: the runner, its import path, the library and the jobs' folder."""
    (root / "jobs").mkdir()
    shutil.copy(RUNNER, root / "runner.py")
    for relative, text in library.items():
        target = (root / "lib" / relative).resolve()
        if root / "lib" not in target.parents:
            raise ValueError(f"a library file outside the sandbox's lib/: {relative!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
    if use_bwrap:
        sys_path = ["/sp", "/job/lib"]
    else:  # a folder holding links to numpy only, so the rest of site-packages stays out of reach
        (root / "sp").mkdir()
        for pkg in _allowed_packages():
            (root / "sp" / pkg.name).symlink_to(pkg)
        sys_path = [str(root / "sp"), str(root / "lib")]
    (root / "session.json").write_text(json.dumps({"sys_path": sys_path}))
    for path in [root, *root.rglob("*")]:  # the server and its children run as nobody
        if not path.is_symlink():
            os.chmod(path, 0o777 if path.is_dir() else 0o666)


def _write_job(
    job: Path, cells: list[dict], calls: list[dict], timeout: float, limits: Limits
) -> Path:
    """A fresh job folder: the code cells, the encoded calls and the limits."""
    (job / "in").mkdir(parents=True)
    (job / "out").mkdir()
    (job / "cells.json").write_text(json.dumps(cells))
    encoded = [
        {
            "function": c["function"],
            "output_arg": c.get("output_arg"),
            "interned": c.get("interned", True),
            "args": [encode_argument(a, job, f"c{i}_a{j}", np) for j, a in enumerate(c["args"])],
            "kwargs": {
                k: encode_argument(v, job, f"c{i}_{k}", np) for k, v in c.get("kwargs", {}).items()
            },
        }
        for i, c in enumerate(calls)
    ]
    cpu = int(timeout) + 2
    rlimits = {
        "RLIMIT_AS": limits.memory_bytes,
        "RLIMIT_CPU": cpu,
        "RLIMIT_FSIZE": limits.file_bytes,
        "RLIMIT_NPROC": limits.processes,
        "RLIMIT_CORE": 0,
    }
    spec = {"cases": encoded, "limits": rlimits, "max_output": limits.max_output_chars}
    (job / "job.json").write_text(json.dumps(spec))
    for path in [job, *job.rglob("*")]:  # the child runs as nobody
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    return job


def _command(root: Path, use_bwrap: bool) -> tuple[list[str], dict[str, str]]:
    """The command line and the scrubbed environment that run the sandbox's server."""
    packages = _allowed_packages()
    python = (
        Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/job" if use_bwrap else str(root),
        "LANG": "C.UTF-8",
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        # cnnlib's save() writes nothing and require() checks nothing under the grader
        GRADING_ENV: "1",
    }
    if use_bwrap:
        command = [bwrap_path(), "--ro-bind", sys.base_prefix, sys.base_prefix]
        for system_dir in ("/usr", "/lib", "/lib64", "/etc/alternatives"):
            if os.path.exists(system_dir):
                command += ["--ro-bind", system_dir, system_dir]
        command += ["--symlink", "usr/bin", "/bin"]
        for pkg in packages:
            command += ["--ro-bind", str(pkg), f"/sp/{pkg.name}"]
        command += [
            "--bind",
            str(root),
            "/job",
            "--chdir",
            "/job",
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            "--tmpfs",
            "/tmp",
            "--unshare-all",
            "--uid",
            str(NOBODY),
            "--gid",
            str(NOBODY),
            "--die-with-parent",
            "--new-session",
            "--clearenv",
        ]
        for key, value in env.items():
            command += ["--setenv", key, value]
        command += [str(python), "-I", "-S", "runner.py"]
    else:
        command = [str(python), "-I", "-S", "runner.py"]

    return command, env


def _read_results(job: Path) -> dict:
    results_file = job / "results.json"
    if results_file.is_file() and results_file.stat().st_size < 16 * 2**20:
        try:
            results = json.loads(results_file.read_text())
        except (ValueError, UnicodeDecodeError):
            return {}
        return results if isinstance(results, dict) else {}
    return {}


def _remove_empty(jobs: Path) -> None:
    """Remove the jobs' folder and the sandbox's, once nothing is left in them."""
    for folder in (jobs, jobs.parent):
        try:
            folder.rmdir()
        except OSError:
            return


def _exit_reason(code: int) -> str:
    if code < 0:
        name = signal.Signals(-code).name
        why = {
            "SIGXCPU": "it used up its CPU time",
            "SIGXFSZ": "it wrote more output than allowed",
            "SIGKILL": "it was killed (out of memory or time)",
            "SIGSEGV": "it crashed (segmentation fault)",
        }
        return f"the submission's process ended by {name}: {why.get(name, 'a signal')}"
    return (
        f"the submission's process ended on its own with exit code {code} (sys.exit or os._exit?)"
    )


def cleanup(result: ChildResult) -> None:
    """Remove a job's folder (and its sandbox's, when the sandbox is closed and this was the
    last)."""
    if result.out_dir is not None:
        shutil.rmtree(result.out_dir, ignore_errors=True)
        if (
            result.out_dir.parent.name == "jobs"
            and not (result.out_dir.parent.parent / "runner.py").exists()
        ):
            _remove_empty(result.out_dir.parent)
