"""Passwords (argon2), CSRF tokens, the sign-in rate limit and the upload checks."""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from autograder.course import MAX_NOTEBOOK_BYTES

MAX_UPLOAD_BYTES = MAX_NOTEBOOK_BYTES  # the grader refuses larger notebooks anyway
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("password: expected at least 8 characters")
    return _hasher.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        _hasher.hash(password)  # the same work either way: timing tells nothing
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """An initial password to hand to a student (about 80 bits)."""
    return secrets.token_urlsafe(10)


def csrf_token(session: dict) -> str:
    """The session's CSRF token, created on first use; every form carries it back."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def csrf_ok(session: dict, submitted: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and submitted) and secrets.compare_digest(expected, str(submitted))


class RateLimit:
    """At most ``attempts`` failures per ``window`` seconds for each key (an address, a
    login); ``retry_after`` says how long until the next try is allowed."""

    def __init__(self, attempts: int = 5, window: float = 300.0):
        self.attempts, self.window = attempts, window
        self.failures: dict[str, deque] = defaultdict(deque)
        self.lock = threading.Lock()

    def retry_after(self, *keys: str) -> float:
        t = time.monotonic()
        wait = 0.0
        with self.lock:
            for key in keys:
                times = self.failures[key]
                while times and times[0] < t - self.window:
                    times.popleft()
                if len(times) >= self.attempts:
                    wait = max(wait, times[0] + self.window - t)
        return wait

    def fail(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures[key].append(time.monotonic())


def notebook_problem(data: bytes) -> str | None:
    """Why ``data`` is not an uploadable notebook, or None when it is one."""
    if not data:
        return "The file is empty: choose your .ipynb notebook."
    if len(data) > MAX_UPLOAD_BYTES:
        return f"The file is larger than {MAX_UPLOAD_BYTES // 2**20} MB: notebooks are smaller; clear large outputs and try again."
    try:
        nb = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "This is not a Jupyter notebook (.ipynb): the file is not notebook JSON. Upload the .ipynb file you worked in."
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "This is not a Jupyter notebook (.ipynb): it has no list of cells. Upload the .ipynb file you worked in."
    if not isinstance(nb.get("nbformat"), int) or nb["nbformat"] < 4:
        return (
            "This notebook's format is too old (nbformat 4 is needed): save it again with Jupyter."
        )
    return None
