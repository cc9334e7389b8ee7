"""Run untrusted code in a child process that cannot reach the grader.

With Debian's ``bwrap`` (bubblewrap) the child gets its own PID, network and IPC namespaces,
runs as ``nobody``, and sees only the Python installation, numpy, and its own job folder: the
project, the source notebooks, the gradebook and the results are simply absent, and nothing
it starts survives it. Without bwrap it falls back to a plain child (its own session, limits,
an empty folder, a scrubbed environment, ``nobody`` when run as root) and says so.

The fallback runs as the grader's own user (an interpreter under /root is not executable by
``nobody``), so it can see the file system: install bubblewrap for real isolation.

In both, the runner sets address-space, CPU-time and file-size limits and installs a seccomp
filter that refuses to start processes (fork, vfork, clone without CLONE_THREAD) before any
student code runs, and the grader kills the child after a wall-clock timeout. RLIMIT_NPROC
alone would not stop a fork bomb here: the sandbox's user maps to root, which is exempt.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
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


def run_cases(
    cells: list[dict],
    calls: list[dict],
    timeout: float,
    limits: Limits | None = None,
    use_bwrap: bool | None = None,
    library: dict[str, str | bytes] | None = None,
) -> ChildResult:
    """Run the code ``cells`` ({"name", "source"}, in order), then each call {"function", "args", "kwargs", "output_arg"} in a sandbox.

    ``library``: {relative path: text or bytes} of the files the child may import (the
    student library ``cnnlib/``), written into the job folder's ``lib/``, on its path.
    Returns the child's ``results.json`` (per call: an output description or an error) and
    the folder holding its output arrays; the caller loads them and removes the folder.
    """
    use_bwrap = bwrap_path() is not None if use_bwrap is None else use_bwrap
    job = _write_job(cells, calls, timeout, limits or Limits(), use_bwrap, library or {})
    command, env = _command(job, use_bwrap)
    return _run_child(command, env, job, timeout)


def _write_job(
    cells: list[dict],
    calls: list[dict],
    timeout: float,
    limits: Limits,
    use_bwrap: bool,
    library: dict[str, str | bytes],
) -> Path:
    """A fresh job folder: the runner, the code cells, the encoded calls, the limits and
    the library the code may import."""
    job = Path(tempfile.mkdtemp(prefix="autograder-"))
    (job / "in").mkdir()
    (job / "out").mkdir()
    shutil.copy(RUNNER, job / "runner.py")
    for relative, text in library.items():
        target = (job / "lib" / relative).resolve()
        if job / "lib" not in target.parents:
            raise ValueError(f"a library file outside the job's lib/: {relative!r}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8")
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
    packages = _allowed_packages()
    if use_bwrap:
        sys_path = ["/sp", "/job/lib"]
    else:  # a folder holding links to numpy only, so the rest of site-packages stays out of reach
        (job / "sp").mkdir()
        for pkg in packages:
            (job / "sp" / pkg.name).symlink_to(pkg)
        sys_path = [str(job / "sp"), str(job / "lib")]
    spec = {
        "cases": encoded,
        "limits": rlimits,
        "sys_path": sys_path,
        "max_output": limits.max_output_chars,
    }
    (job / "job.json").write_text(json.dumps(spec))
    for path in [job, *job.rglob("*")]:  # the child runs as nobody
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    return job


def _command(job: Path, use_bwrap: bool) -> tuple[list[str], dict[str, str]]:
    """The command line and the scrubbed environment that run the job's runner."""
    packages = _allowed_packages()
    python = (
        Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": "/job" if use_bwrap else str(job),
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
            str(job),
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


def _run_child(command: list[str], env: dict[str, str], job: Path, timeout: float) -> ChildResult:
    """Run the child with a wall-clock timeout; kill its whole session; read its results."""
    start = time.perf_counter()
    with open(job / "stdout.txt", "wb") as out:
        child = subprocess.Popen(
            command,
            cwd=job,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            child.wait(timeout=timeout)
            status = "ok" if child.returncode == 0 else "crashed"
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            _kill_group(child)
    seconds = time.perf_counter() - start
    detail = "" if status != "crashed" else _exit_reason(child.returncode)
    results = {}
    results_file = job / "results.json"
    if results_file.is_file() and results_file.stat().st_size < 16 * 2**20:
        try:
            results = json.loads(results_file.read_text())
        except (ValueError, UnicodeDecodeError):
            results = {}
    return ChildResult(status, results if isinstance(results, dict) else {}, seconds, detail, job)


def _kill_group(child: subprocess.Popen) -> None:
    """Kill the child's whole session (it started a new one), then reap it."""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    child.wait()


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
    if result.out_dir is not None:
        shutil.rmtree(result.out_dir, ignore_errors=True)
