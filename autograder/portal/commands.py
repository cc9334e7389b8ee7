"""The portal's commands of ``autograder``: serve, token, roster, invite, policy.

    autograder serve --course DIR [--db URL] [--data DIR] [--host H] [--port P] [--workers N]
                     [--dask-scheduler ADDR]
    autograder token STUDENT --course DIR          # a bearer token for the JSON API
    autograder roster CSV --course DIR [--passwords]   # or --gradebook: nbgrader's students
    autograder invite LOGIN --course DIR [--instructor] [--password]
    autograder policy SLUG --course DIR [--deadline ISO] [--late penalty|refuse|accept]
                     [--penalty PERCENT_PER_DAY] [--per-hour N]

The portal keeps its data (database, uploads, feedback) in ``<course>/portal/`` unless
``--data`` says otherwise; ``--db`` takes any SQLAlchemy URL (SQLite by default, or
``postgresql+psycopg://...``). This module imports no web code until a command runs.
"""

from __future__ import annotations

import csv
import sys
from datetime import datetime, timedelta
from pathlib import Path

from autograder.course import COURSE_DIR

LINK_LIFETIME = timedelta(days=7)


def add_commands(sub) -> None:
    """Add the portal's subcommands to ``autograder``'s parser."""
    serve = sub.add_parser("serve", help="run the submission portal")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2, help="submissions graded at once")
    serve.add_argument("--dask-scheduler", help="address of a Dask scheduler to grade on")
    serve.add_argument("--lease", type=float, default=60.0, help="seconds a worker holds a job")
    serve.add_argument("--session-hours", type=float, default=8.0, help="sessions expire then")
    serve.add_argument("--timeout", type=float, help="cap on each component's seconds")
    serve.set_defaults(run=serve_command)
    token = sub.add_parser("token", help="print a student's bearer token for the portal's API")
    token.add_argument("student")
    token.set_defaults(run=token_command)
    roster = sub.add_parser("roster", help="import students; print their sign-in links")
    source = roster.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "csv", nargs="?", type=Path, help="columns: id, name or first_name/last_name, email"
    )
    source.add_argument(
        "--gradebook", action="store_true", help="the students of nbgrader's gradebook"
    )
    roster.add_argument("--passwords", action="store_true", help="initial passwords, not links")
    roster.set_defaults(run=roster_command)
    invite = sub.add_parser("invite", help="a one-time sign-in link (or a password) for one user")
    invite.add_argument("login")
    invite.add_argument("--instructor", action="store_true")
    invite.add_argument("--password", action="store_true", help="an initial password instead")
    invite.set_defaults(run=invite_command)
    policy = sub.add_parser("policy", help="an assignment's deadline, late policy and limits")
    policy.add_argument("assignment")
    policy.add_argument("--deadline", help="UTC, e.g. 2026-12-24T18:00; 'none' to remove")
    policy.add_argument("--late", choices=["penalty", "refuse", "accept"])
    policy.add_argument("--penalty", type=float, help="percent off per started day late")
    policy.add_argument("--per-hour", type=int, help="most submissions per student per hour")
    policy.set_defaults(run=policy_command)
    for command in (serve, token, roster, invite, policy):
        command.add_argument("--course", type=Path, default=COURSE_DIR, help="the course folder")
        command.add_argument("--db", help="SQLAlchemy URL (default: SQLite in the data folder)")
        command.add_argument(
            "--data", type=Path, help="the portal's folder (default: COURSE/portal)"
        )
    for command in (roster, invite):
        command.add_argument(
            "--base-url", default="http://127.0.0.1:8000", help="where students reach the portal"
        )


def locations(args) -> tuple[Path, Path, str]:
    """(course folder, data folder, database URL) from the common options."""
    from autograder.portal.store import sqlite_url

    course = args.course.resolve()
    data = (args.data or course / "portal").resolve()
    data.mkdir(parents=True, exist_ok=True)
    return course, data, args.db or sqlite_url(data / "portal.db")


def open_store(args):
    from autograder.portal.store import Store, migrate

    _, data, url = locations(args)
    migrate(url)
    return Store(url, data)


def invitation(store, user_id: int, base_url: str, password: bool) -> str:
    """A one-time sign-in link, or a fresh initial password (the old one stops working)."""
    if password:
        from autograder.portal.security import hash_password, new_password

        secret = new_password()
        store.set_password_hash(user_id, hash_password(secret))
        return f"password {secret}"
    token = store.issue_token(user_id, "signin", LINK_LIFETIME)
    return f"{base_url.rstrip('/')}/signin/{token}"


def serve_command(args) -> int:
    import uvicorn

    from autograder.portal.app import PortalConfig, create_app

    course, data, url = locations(args)
    if not (course / "source").is_dir():
        print(f"autograder serve: {course} has no source/ folder: not a course", file=sys.stderr)
        return 2
    store = open_store(args)
    if not any(store.user_by_login(u) for u in ("instructor",)):
        user_id, _ = store.add_user("instructor", "Instructor", is_instructor=True)
        link = invitation(store, user_id, f"http://{args.host}:{args.port}", password=False)
        print(f"The instructor's one-time sign-in link: {link}")
    store.close()
    config = PortalConfig(
        course_dir=course,
        data_dir=data,
        db_url=url,
        workers=args.workers,
        scheduler=args.dask_scheduler,
        lease=args.lease,
        session_seconds=int(args.session_hours * 3600),
        timeout=args.timeout,
    )
    print(f"The portal: http://{args.host}:{args.port}/  (data in {data}; Ctrl-C stops it)")
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")
    return 0


def token_command(args) -> int:
    store = open_store(args)
    user_id, _ = store.add_user(args.student)
    print(store.issue_token(user_id, "api"))
    store.close()
    return 0


def read_roster(path: Path) -> list[dict]:
    """Students from a CSV with a header: ``id`` (or ``student_id``, ``login``), ``name`` or
    ``first_name`` and ``last_name``, and optionally ``email``."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    students = []
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        login = row.get("id") or row.get("student_id") or row.get("login")
        if not login:
            raise ValueError(f"{path}, line {number}: no id (columns: id, name, email)")
        name = row.get("name") or " ".join(
            p for p in (row.get("first_name"), row.get("last_name")) if p
        )
        students.append({"login": login, "name": name, "email": row.get("email", "")})
    return students


def gradebook_roster(course: Path) -> list[dict]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        return [
            {
                "login": s.id,
                "name": " ".join(p for p in (s.first_name, s.last_name) if p),
                "email": s.email or "",
            }
            for s in gb.students
        ]


def roster_command(args) -> int:
    course, _, _ = locations(args)
    try:
        students = gradebook_roster(course) if args.gradebook else read_roster(args.csv)
    except (OSError, ValueError) as error:
        print(f"autograder roster: {error}", file=sys.stderr)
        return 2
    store = open_store(args)
    for student in students:
        user_id, created = store.add_user(student["login"], student["name"], student["email"])
        how = invitation(store, user_id, args.base_url, args.passwords)
        print(f"{student['login']}\t{'new' if created else 'updated'}\t{how}")
    store.close()
    return 0


def invite_command(args) -> int:
    store = open_store(args)
    user_id, _ = store.add_user(args.login, is_instructor=args.instructor)
    print(invitation(store, user_id, args.base_url, args.password))
    store.close()
    return 0


def policy_command(args) -> int:
    from autograder.course import SLUGS

    if args.assignment not in SLUGS:
        print(f"autograder policy: unknown assignment {args.assignment!r}", file=sys.stderr)
        return 2
    values: dict = {}
    if args.deadline:
        values["deadline"] = (
            None if args.deadline == "none" else datetime.fromisoformat(args.deadline)
        )
    if args.late:
        values["late_policy"] = args.late
    if args.penalty is not None:
        values["late_penalty"] = args.penalty / 100
    if args.per_hour is not None:
        values["per_hour"] = args.per_hour
    store = open_store(args)
    try:
        a = store.set_policy(args.assignment, **values)
    except ValueError as error:
        print(f"autograder policy: {error}", file=sys.stderr)
        return 2
    finally:
        store.close()
    print(
        f"{a['slug']}: deadline {a['deadline'] or 'none'}, late work: {a['late_policy']}"
        f" ({a['late_penalty'] * 100:g}% per day), per hour: {a['per_hour'] or 'no limit'}"
    )
    return 0
