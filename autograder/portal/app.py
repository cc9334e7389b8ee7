"""The portal's web application (Starlette, Jinja2 templates, served by uvicorn).

Students sign in, upload a notebook, watch its status change without reloading and read the
grader's feedback; the instructor sees the class. A small JSON API (bearer tokens) has the
same rights as the pages. Every request that reads a submission checks that it is the
signed-in student's own (or that the user is the instructor): any other id answers 404, the
same as an id that does not exist.
"""

from __future__ import annotations

import csv
import io
import math
import os
import secrets
import subprocess
import sys
import threading
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from autograder.course import SLUGS, source_path
from autograder.portal import security
from autograder.portal.store import Store, now, submissions

HERE = Path(__file__).parent
PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# the grader's report: inline style and embedded PNGs only, no script, no outside request
FEEDBACK_CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox"
)


@dataclass
class PortalConfig:
    """Everything ``autograder serve`` decides; tests build one directly."""

    course_dir: Path
    data_dir: Path
    db_url: str
    workers: int = 2
    scheduler: str | None = None
    lease: float = 60.0
    session_seconds: int = 8 * 3600
    signin_attempts: int = 5
    signin_window: float = 300.0
    start_workers: bool = True
    timeout: float | None = None
    slugs: tuple[str, ...] = field(default_factory=tuple)


def secret_key(data_dir: Path) -> str:
    """The key that signs session cookies, made once per portal and kept (mode 0600)."""
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class WorkerPool:
    """The grading workers, child processes of the server; a worker that dies is restarted."""

    def __init__(self, config: PortalConfig):
        self.config = config
        self.processes: list[subprocess.Popen] = []
        self.stopping = threading.Event()

    def command(self, batch: int) -> list[str]:
        c = self.config
        cmd = [
            sys.executable,
            "-m",
            "autograder.portal.worker",
            "--db",
            c.db_url,
            "--data",
            str(c.data_dir),
            "--course",
            str(c.course_dir),
            "--lease",
            str(c.lease),
            "--batch",
            str(batch),
        ]
        if c.scheduler:
            cmd += ["--dask-scheduler", c.scheduler]
        if c.timeout:
            cmd += ["--timeout", str(c.timeout)]
        return cmd

    def start(self) -> None:
        if self.config.scheduler:  # one dispatcher sends up to N submissions to the cluster
            self.commands = [self.command(max(1, self.config.workers))]
        else:
            self.commands = [self.command(1) for _ in range(max(0, self.config.workers))]
        self.processes = [subprocess.Popen(cmd) for cmd in self.commands]
        threading.Thread(target=self.watch, daemon=True).start()

    def watch(self) -> None:
        while not self.stopping.wait(2.0):
            for i, process in enumerate(self.processes):
                if process.poll() is not None and not self.stopping.is_set():
                    # a worker stops when the checks change, or it crashed: start a fresh one
                    print(f"portal: worker {process.pid} exited; starting another", file=sys.stderr)
                    self.processes[i] = subprocess.Popen(self.commands[i])

    def stop(self) -> None:
        self.stopping.set()
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def available_slugs(course_dir: Path) -> tuple[str, ...]:
    return tuple(slug for slug in SLUGS if source_path(slug, course_dir).is_file())


def late_terms(assignment: dict, at: datetime) -> tuple[int, float, str | None]:
    """(started days late, penalty fraction, refusal message or None) for an upload at ``at``."""
    deadline = assignment["deadline"]
    if deadline is None or at <= deadline:
        return 0, 0.0, None
    days = math.ceil((at - deadline) / timedelta(days=1))
    if assignment["late_policy"] == "refuse":
        return (
            days,
            0.0,
            (
                f"The deadline ({deadline:%Y-%m-%d %H:%M} UTC) has passed: "
                f"{assignment['slug']} no longer accepts submissions."
            ),
        )
    if assignment["late_policy"] == "accept":
        return days, 0.0, None
    return days, min(1.0, days * assignment["late_penalty"]), None


def create_app(config: PortalConfig) -> Starlette:
    config.data_dir = Path(config.data_dir)
    config.course_dir = Path(config.course_dir)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    slugs = config.slugs or available_slugs(config.course_dir)
    store = Store(config.db_url, config.data_dir)
    pool = WorkerPool(config)
    limiter = security.RateLimit(config.signin_attempts, config.signin_window)
    templates = Jinja2Templates(directory=str(HERE / "templates"))

    @asynccontextmanager
    async def lifespan(app):
        from autograder.portal.store import migrate

        await run_in_threadpool(migrate, config.db_url)
        store.uploads.mkdir(parents=True, exist_ok=True)
        store.feedback.mkdir(parents=True, exist_ok=True)
        for slug in slugs:
            await run_in_threadpool(store.assignment, slug)
        if config.start_workers:
            pool.start()
        try:
            yield
        finally:
            pool.stop()
            store.close()

    # --- helpers ----------------------------------------------------------------------------

    def signed_in(request: Request) -> dict | None:
        uid, since = request.session.get("uid"), request.session.get("since", 0)
        if uid is None:
            return None
        if time.time() - since > config.session_seconds:  # expired, whatever the cookie says
            request.session.clear()
            return None
        return store.user(uid)

    def page(request: Request, name: str, user: dict | None, status: int = 200, **context):
        context.update(
            user=user,
            csrf=security.csrf_token(request.session),
            flash=request.session.pop("flash", None),
        )
        response = templates.TemplateResponse(request, name, context, status_code=status)
        response.headers["Content-Security-Policy"] = PAGE_CSP
        return response

    def not_found(request: Request, user: dict | None = None) -> Response:
        return page(
            request,
            "message.html",
            user,
            404,
            title="Not found",
            message="There is no such page, or it is not yours.",
        )

    def redirect(url: str, flash: str | None = None, request: Request | None = None):
        if flash and request is not None:
            request.session["flash"] = flash
        return RedirectResponse(url, status_code=303)

    async def form_checked(request: Request):
        """The posted form, or None when its CSRF token is missing or wrong."""
        length = int(request.headers.get("content-length") or 0)
        if length > security.MAX_UPLOAD_BYTES + 2**16:
            return "too large"
        form = await request.form(max_files=1, max_fields=10, max_part_size=2**16)
        if not security.csrf_ok(request.session, form.get("csrf")):
            await form.close()
            return None
        return form

    def own_submission(user: dict, submission_id: str) -> dict | None:
        try:
            sid = int(submission_id)
        except ValueError:
            return None
        row = store.submission(sid)
        if row is None or (row["user_id"] != user["id"] and not user["is_instructor"]):
            return None
        return row

    def public_status(row: dict, detailed: bool = False) -> dict:
        """What a student may see of a submission (never the seed, never the path)."""
        graded = row["status"] in ("graded", "invalid")
        status = {
            "id": row["id"],
            "assignment": row["slug"],
            "status": row["status"],
            "score": row["score"] if graded else None,
            "max_score": row["max_score"] if graded else None,
            "feedback_url": f"/submissions/{row['id']}/feedback" if graded else None,
        }
        if detailed:
            result = row["result"] or {}
            status["created_at"] = f"{row['created_at']:%Y-%m-%d %H:%M:%S} UTC"
            status["penalty"] = row["penalty"]
            status["messages"] = result.get("messages", []) if graded else []
            status["components"] = (
                [
                    {k: c.get(k) for k in ("name", "score", "max_score", "status", "diagnosis")}
                    for c in result.get("components", [])
                ]
                if graded
                else []
            )
        return status

    def accept_upload(user: dict, slug, upload) -> tuple[int, dict]:
        """Validate, store (file first, then the rows, then the answer) and queue one upload."""
        if slug not in slugs:
            return 400, {
                "error": f"Unknown assignment {str(slug)[:50]!r}: choose one of {', '.join(slugs)}."
            }
        if not isinstance(upload, UploadFile):
            return 400, {"error": "No file was attached: choose your .ipynb notebook."}
        data = upload.file.read(security.MAX_UPLOAD_BYTES + 1)
        problem = security.notebook_problem(data)
        if problem:
            return (413 if len(data) > security.MAX_UPLOAD_BYTES else 400), {"error": problem}
        assignment = store.assignment(slug)
        at = now()
        days, penalty, refusal = late_terms(assignment, at)
        if refusal:
            return 403, {"error": refusal}
        limit = assignment["per_hour"]
        too_many = {
            "error": f"You have made {limit} submissions of {slug} in the last hour, the most "
            "allowed: try again later."
        }
        if limit and store.recent_count(user["id"], slug, at - timedelta(hours=1)) >= limit:
            return 429, too_many  # the cheap check first; add_submission checks again, locked
        stored = f"{uuid.uuid4().hex}.ipynb"  # the client's file name is never a path here
        target = store.uploads / stored
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        original = Path(str(upload.filename or "notebook.ipynb").replace("\\", "/")).name
        submission_id = store.add_submission(
            user["id"], slug, stored, original, data, days, penalty, per_hour=limit
        )
        if submission_id is None:
            target.unlink()
            return 429, too_many
        return 201, {"id": submission_id}

    # --- student pages ----------------------------------------------------------------------

    async def home(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return redirect("/signin")
        return redirect("/instructor" if user["is_instructor"] else "/assignments")

    async def signin(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if request.method == "GET":
            return page(request, "signin.html", user, error=None)
        form = await form_checked(request)
        if not hasattr(form, "get"):
            return page(
                request, "signin.html", None, 400, error="The form expired: please sign in again."
            )
        login = str(form.get("login", ""))[:100].strip()
        address = request.client.host if request.client else "unknown"
        keys = (f"address:{address}", f"login:{login}")
        wait = limiter.retry_after(*keys)
        if wait > 0:
            response = page(
                request,
                "signin.html",
                None,
                429,
                error=f"Too many failed sign-ins: wait {math.ceil(wait)} seconds and try again.",
            )
            response.headers["Retry-After"] = str(math.ceil(wait))
            return response
        found = await run_in_threadpool(store.user_by_login, login)
        ok = await run_in_threadpool(
            security.check_password,
            found["password_hash"] if found else None,
            str(form.get("password", "")),
        )
        if not ok:
            limiter.fail(*keys)
            return page(request, "signin.html", None, 401, error="Wrong login or password.")
        return start_session(request, found)

    def start_session(request: Request, user: dict):
        request.session.clear()  # a fresh session (and CSRF token) at every sign-in
        request.session.update(uid=user["id"], since=time.time())
        return redirect("/")

    async def signin_link(request: Request):
        token = request.path_params["token"]
        address = request.client.host if request.client else "unknown"
        if limiter.retry_after(f"address:{address}") > 0:
            return page(
                request,
                "message.html",
                None,
                429,
                title="Too many attempts",
                message="Too many failed sign-ins: wait a few minutes.",
            )
        user = await run_in_threadpool(store.user_for_token, token, "signin")
        if user is None:
            limiter.fail(f"address:{address}")
            return page(
                request,
                "message.html",
                None,
                404,
                title="Link not valid",
                message="This sign-in link was already used or has expired: ask your instructor for a new one.",
            )
        request.session.clear()
        request.session.update(uid=user["id"], since=time.time())
        request.session["flash"] = "Signed in. Choose a password so you can sign in again."
        return redirect("/account")

    async def account(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return redirect("/signin")
        if request.method == "GET":
            return page(request, "account.html", user, error=None)
        form = await form_checked(request)
        if not hasattr(form, "get"):
            return page(request, "account.html", user, 400, error="The form expired: try again.")
        password = str(form.get("password", ""))
        if password != str(form.get("again", "")):
            return page(request, "account.html", user, 400, error="The two passwords differ.")
        try:
            hashed = await run_in_threadpool(security.hash_password, password)
        except ValueError:
            return page(
                request,
                "account.html",
                user,
                400,
                error="Choose a password of at least 8 characters.",
            )
        await run_in_threadpool(store.set_password_hash, user["id"], hashed)
        return redirect("/", "Password saved.", request)

    async def signout(request: Request):
        form = await form_checked(request)
        if hasattr(form, "get"):
            request.session.clear()
        return redirect("/signin")

    async def assignments_page(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return redirect("/signin")

        def rows():
            mine = store.submissions_where(submissions.c.user_id == user["id"])
            listed = []
            for slug in slugs:
                a = store.assignment(slug)
                done = [s for s in mine if s["slug"] == slug and s["status"] == "graded"]
                best = max((s["score"] for s in done), default=None)
                listed.append(
                    dict(
                        a,
                        best=best,
                        max_score=done[0]["max_score"] if done else None,
                        count=sum(s["slug"] == slug for s in mine),
                    )
                )
            return listed

        return page(request, "assignments.html", user, assignments=await run_in_threadpool(rows))

    async def upload(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return redirect("/signin")
        form = await form_checked(request)
        if form == "too large":
            return page(
                request,
                "message.html",
                user,
                413,
                title="File too large",
                message=f"Notebooks over {security.MAX_UPLOAD_BYTES // 2**20} MB are refused.",
            )
        if form is None:
            return page(
                request,
                "message.html",
                user,
                400,
                title="Form expired",
                message="The form expired: reload the page and upload again.",
            )
        try:
            code, body = await run_in_threadpool(
                accept_upload, user, form.get("assignment"), form.get("file")
            )
        finally:
            await form.close()  # the spooled upload's temporary file
        if code != 201:
            return redirect("/assignments", body["error"], request)
        return redirect(f"/submissions/{body['id']}")

    async def submission_page(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return redirect("/signin")
        row = await run_in_threadpool(own_submission, user, request.path_params["id"])
        if row is None:
            return not_found(request, user)
        return page(
            request,
            "submission.html",
            user,
            s=public_status(row, detailed=True),
            owner=row["login"],
        )

    async def submission_status(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return JSONResponse({"error": "not signed in"}, 401)
        row = await run_in_threadpool(own_submission, user, request.path_params["id"])
        if row is None:
            return JSONResponse({"error": "not found"}, 404)
        return JSONResponse(public_status(row, detailed=True))

    async def feedback(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            user = await run_in_threadpool(bearer_user, request)
        if user is None:
            return PlainTextResponse("not signed in", 401)
        row = await run_in_threadpool(own_submission, user, request.path_params["id"])
        if row is None or not row["feedback_name"]:
            return PlainTextResponse("not found", 404)
        response = FileResponse(store.feedback / row["feedback_name"], media_type="text/html")
        response.headers["Content-Security-Policy"] = FEEDBACK_CSP
        return response

    async def history(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None:
            return redirect("/signin")
        rows = await run_in_threadpool(store.submissions_where, submissions.c.user_id == user["id"])
        return page(request, "history.html", user, rows=[public_status(r, True) for r in rows])

    # --- the JSON API -------------------------------------------------------------------------

    def bearer_user(request: Request) -> dict | None:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return None
        return store.user_for_token(header[7:].strip(), "api")

    async def api_submit(request: Request):
        user = await run_in_threadpool(bearer_user, request)
        if user is None:
            return JSONResponse({"error": "a valid bearer token is needed"}, 401)
        if int(request.headers.get("content-length") or 0) > security.MAX_UPLOAD_BYTES + 2**16:
            return JSONResponse({"error": "notebooks over 20 MB are refused"}, 413)
        async with request.form(max_files=1, max_fields=10, max_part_size=2**16) as form:
            code, body = await run_in_threadpool(
                accept_upload, user, form.get("assignment"), form.get("file")
            )
        return JSONResponse(body, code)

    async def api_submission(request: Request):
        user = await run_in_threadpool(bearer_user, request)
        if user is None:
            return JSONResponse({"error": "a valid bearer token is needed"}, 401)
        row = await run_in_threadpool(own_submission, user, request.path_params["id"])
        if row is None:
            return JSONResponse({"error": "not found"}, 404)
        return JSONResponse(public_status(row))

    async def health(request: Request):
        return JSONResponse(await run_in_threadpool(store.counts))

    # --- instructor pages ---------------------------------------------------------------------

    async def instructor_only(request: Request):
        user = await run_in_threadpool(signed_in, request)
        if user is None or not user["is_instructor"]:
            return None
        return user

    async def instructor(request: Request):
        from autograder.portal import reports

        user = await instructor_only(request)
        if user is None:
            return not_found(request, await run_in_threadpool(signed_in, request))
        pick = "last" if request.query_params.get("pick") == "last" else "best"
        class_report = await run_in_threadpool(reports.class_report, store, slugs, pick)
        settings = await run_in_threadpool(lambda: [store.assignment(s) for s in slugs])
        return page(
            request, "instructor.html", user, report=class_report, pick=pick, assignments=settings
        )

    async def grades_csv(request: Request):
        from autograder.portal import reports

        user = await instructor_only(request)
        if user is None:
            return PlainTextResponse("not found", 404)
        pick = "last" if request.query_params.get("pick") == "last" else "best"
        class_report = await run_in_threadpool(reports.class_report, store, slugs, pick)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["student", "name", "email", *slugs])
        for student in class_report["students"]:
            writer.writerow(
                [
                    student["login"],
                    student["name"],
                    student["email"],
                    *(
                        "" if (c := student["cells"].get(s)) is None else f"{c['score']:g}"
                        for s in slugs
                    ),
                ]
            )
        return Response(
            buffer.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="grades-{pick}.csv"'},
        )

    async def instructor_action(request: Request):
        from autograder.portal import reports

        user = await instructor_only(request)
        if user is None:
            return not_found(request, await run_in_threadpool(signed_in, request))
        form = await form_checked(request)
        if not hasattr(form, "get"):
            return redirect("/instructor", "The form expired: try again.", request)
        slug = form.get("assignment")
        if slug not in slugs:
            return redirect("/instructor", "Unknown assignment.", request)
        action = request.path_params["action"]
        if action == "regrade":
            count = await run_in_threadpool(store.requeue, slug)
            return redirect(
                "/instructor", f"{count} submissions of {slug} queued for regrading.", request
            )
        if action == "gradebook":
            pick = "last" if form.get("pick") == "last" else "best"
            try:
                written = await run_in_threadpool(
                    reports.write_gradebook, store, slug, config.course_dir, pick
                )
            except ValueError as error:
                return redirect("/instructor", str(error), request)
            return redirect(
                "/instructor",
                f"{written} grades of {slug} written to nbgrader's gradebook.",
                request,
            )
        if action == "policy":
            try:
                values = reports.policy_from_form(form)
                await run_in_threadpool(lambda: store.set_policy(slug, **values))
            except ValueError as error:
                return redirect("/instructor", str(error), request)
            return redirect("/instructor", f"The policy of {slug} is saved.", request)
        return not_found(request, user)

    routes = [
        Route("/", home),
        Route("/signin", signin, methods=["GET", "POST"]),
        Route("/signin/{token}", signin_link),
        Route("/signout", signout, methods=["POST"]),
        Route("/account", account, methods=["GET", "POST"]),
        Route("/assignments", assignments_page),
        Route("/submissions", upload, methods=["POST"]),
        Route("/submissions/{id}", submission_page),
        Route("/submissions/{id}/status", submission_status),
        Route("/submissions/{id}/feedback", feedback),
        Route("/history", history),
        Route("/instructor", instructor),
        Route("/instructor/grades.csv", grades_csv),
        Route("/instructor/{action}", instructor_action, methods=["POST"]),
        Route("/api/submissions", api_submit, methods=["POST"]),
        Route("/api/submissions/{id}", api_submission),
        Route("/health", health),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    middleware = [
        Middleware(
            SessionMiddleware,
            secret_key=secret_key(config.data_dir),
            session_cookie="portal_session",
            max_age=config.session_seconds,
            same_site="lax",
        )
    ]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.store, app.state.config, app.state.workers = store, config, pool
    return app
