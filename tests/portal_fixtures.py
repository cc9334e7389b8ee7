"""Shared set-up of the portal's tests: a throwaway PostgreSQL cluster, a running
``autograder serve`` process, sample notebooks, users and tokens."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx
import nbformat

ROOT = Path(__file__).resolve().parents[1]


def postgres_tools() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    initdb = Path(found[-1]) if found else shutil.which("initdb")
    assert initdb, "PostgreSQL is needed for the portal's tests: apt-get install postgresql"
    return Path(initdb).parent


class PostgresCluster:
    """``initdb`` + ``pg_ctl`` in a temporary folder, reachable only on a unix socket there."""

    def __init__(self):
        self.bin = postgres_tools()
        self.root = Path(tempfile.mkdtemp(prefix="portal-pg-"))
        self.data, self.socket = self.root / "data", self.root / "socket"
        self.socket.mkdir()
        self.user = None
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self.user = pwd.getpwnam("postgres")
            for path in (self.root, self.socket):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        os.chmod(self.root, 0o755)

    def run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.user is not None:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-k {self.socket} -c listen_addresses='' -c max_connections=300"
        self.run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)

    def new_database(self) -> str:
        """A fresh, empty database; its SQLAlchemy URL."""
        import sqlalchemy as sa

        name = f"portal_{uuid.uuid4().hex[:10]}"
        engine = sa.create_engine(self.url("postgres"), isolation_level="AUTOCOMMIT")
        with engine.connect() as c:
            c.exec_driver_sql(f"CREATE DATABASE {name}")
        engine.dispose()
        return self.url(name)

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``autograder serve`` in a child process, on a free port; ``kill9`` and ``start`` again
    to test crashes."""

    def __init__(self, course: Path, data: Path, db_url: str, workers: int = 2, lease: float = 5):
        self.course, self.data, self.db_url = course, data, db_url
        self.workers, self.lease = workers, lease
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable,
            "-m",
            "autograder.cli",
            "serve",
            "--course",
            str(self.course),
            "--data",
            str(self.data),
            "--db",
            self.db_url,
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--lease",
            str(self.lease),
        ]
        self.log = open(self.data.parent / f"serve-{self.port}.log", "a")  # noqa: SIM115
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, (
                self.data.parent / f"serve-{self.port}.log"
            ).read_text()
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError("the portal did not start")

    def worker_pids(self) -> list[int]:
        """The grading workers this server started (its children running the worker)."""
        pids = []
        for status in Path("/proc").glob("[0-9]*/status"):
            try:
                text = status.read_text()
                cmdline = (status.parent / "cmdline").read_bytes()
            except OSError:
                continue
            ppid = int(
                next(line.split()[1] for line in text.splitlines() if line.startswith("PPid"))
            )
            if ppid == self.process.pid and b"autograder.portal.worker" in cmdline:
                pids.append(int(status.parent.name))
        return pids

    @staticmethod
    def running(pids: list[int]) -> list[int]:
        """Those of ``pids`` still running (a zombie waiting to be reaped has stopped)."""
        alive = []
        for pid in pids:
            try:
                state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state not in ("Z", "X"):
                alive.append(pid)
        return alive

    def kill9(self) -> None:
        self.process.kill()
        self.process.wait()
        self.log.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def counts(self) -> dict:
        return httpx.get(f"{self.url}/health", timeout=10).json()

    def wait_results(self, count: int, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            counts = self.counts()
            if counts["results"] >= count and set(counts["jobs"]) <= {"done"}:
                return counts
            time.sleep(0.5)
        raise AssertionError(f"not all graded in {timeout} s: {self.counts()}")


def notebook_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode()


def api_token(store, login: str) -> str:
    user_id, _ = store.add_user(login)
    return store.issue_token(user_id, "api")


def upload(client: httpx.Client, url: str, token: str, slug: str, data: bytes, name="nb.ipynb"):
    return client.post(
        f"{url}/api/submissions",
        headers={"Authorization": f"Bearer {token}"},
        data={"assignment": slug},
        files={"file": (name, data, "application/x-ipynb+json")},
        timeout=120,
    )
