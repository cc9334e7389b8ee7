"""The portal's database: the tables, the durable job queue with leases, users and tokens.

One SQLAlchemy URL names the store: SQLite (the default, a file in the course's portal folder,
in WAL mode) or PostgreSQL (``postgresql+psycopg://...``). The schema is created and upgraded
by Alembic (``migrate``); the tables below are the same schema, for queries.

The queue's contract: a submission is on disk and its row and its job's row are committed
before the upload is acknowledged. A worker takes a job with a lease (``claim``), renews it
while grading (``renew``), and records the result only while the lease is still its own
(``finish``): a worker or server killed mid-grading leaves a lease that expires, and the job
is taken again; a job's result is written once (``results.job_id`` is unique).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event

metadata = sa.MetaData()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("login", sa.String(100), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False, server_default=""),
    sa.Column("email", sa.String(200), nullable=False, server_default=""),
    sa.Column("is_instructor", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("password_hash", sa.String(200)),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

tokens = sa.Table(
    "tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("kind", sa.String(10), nullable=False),  # "api" or "signin" (one-time)
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime),
    sa.Column("used_at", sa.DateTime),
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("slug", sa.String(50), primary_key=True),
    sa.Column("seed", sa.BigInteger, nullable=False),  # secret: every student meets these tests
    sa.Column("deadline", sa.DateTime),
    # "accept": late work counts in full; "penalty": late_penalty per started day; "refuse"
    sa.Column("late_policy", sa.String(10), nullable=False, server_default="penalty"),
    sa.Column("late_penalty", sa.Float, nullable=False, server_default="0.1"),
    sa.Column("per_hour", sa.Integer),  # most submissions a student may make in an hour
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
    sa.Column("slug", sa.String(50), sa.ForeignKey("assignments.slug"), nullable=False),
    sa.Column("stored_name", sa.String(64), nullable=False, unique=True),
    sa.Column("original_name", sa.String(255), nullable=False, server_default=""),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("late_days", sa.Integer, nullable=False, server_default="0"),
    sa.Column("penalty", sa.Float, nullable=False, server_default="0"),
)

jobs = sa.Table(
    "jobs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, index=True
    ),
    sa.Column("reason", sa.String(10), nullable=False),  # "upload" or "regrade"
    sa.Column("status", sa.String(10), nullable=False, index=True),  # queued, grading, done
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_expires", sa.DateTime),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("started_at", sa.DateTime),
    sa.Column("finished_at", sa.DateTime),
)

results = sa.Table(
    "results",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id"), nullable=False, unique=True),
    sa.Column(
        "submission_id", sa.Integer, sa.ForeignKey("submissions.id"), nullable=False, index=True
    ),
    sa.Column("status", sa.String(10), nullable=False),  # graded or invalid
    sa.Column("score", sa.Float, nullable=False),  # after the late penalty
    sa.Column("raw_score", sa.Float, nullable=False),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("result_json", sa.Text, nullable=False),
    sa.Column("feedback_name", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

MAX_ATTEMPTS = 3  # a job that took its worker down this often is reported, not retried


def now() -> datetime:
    """UTC, naive (both SQLite and PostgreSQL store it as given)."""
    return datetime.now(UTC).replace(tzinfo=None)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def make_engine(url: str) -> sa.Engine:
    """An engine for ``url``; SQLite gets WAL, a busy timeout and write-ahead transactions
    (BEGIN IMMEDIATE: concurrent writers wait instead of failing to upgrade a read lock)."""
    if not url.startswith("sqlite"):
        return sa.create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    engine = sa.create_engine(url, connect_args={"timeout": 60, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" below opens transactions
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged upload survives a crash
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def migrate(url: str) -> None:
    """Create or upgrade the schema to the newest Alembic revision."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        engine.dispose()


@dataclass
class Claimed:
    """A job taken by a worker: what it needs to grade it."""

    job_id: int
    submission_id: int
    slug: str
    path: Path
    seed: int
    attempts: int
    penalty: float


class Store:
    """The portal's data, for the web application, the workers and the instructor CLI."""

    def __init__(self, url: str, data_dir: Path):
        self.url = url
        self.data_dir = Path(data_dir)
        self.engine = make_engine(url)

    @property
    def uploads(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def feedback(self) -> Path:
        return self.data_dir / "feedback"

    def close(self) -> None:
        self.engine.dispose()

    # --- users and tokens -----------------------------------------------------------------

    def user(self, user_id: int) -> dict | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(users).where(users.c.id == user_id)).mappings().first()
        return dict(row) if row else None

    def user_by_login(self, login: str) -> dict | None:
        with self.engine.connect() as c:
            row = c.execute(sa.select(users).where(users.c.login == login)).mappings().first()
        return dict(row) if row else None

    def add_user(
        self, login: str, name: str = "", email: str = "", is_instructor: bool = False
    ) -> tuple[int, bool]:
        """(user id, created): an existing login keeps its row (names updated when given)."""
        login = login.strip()
        if not login or len(login) > 100:
            raise ValueError(f"login: expected 1 to 100 characters, got {login!r}")
        with self.engine.begin() as c:
            row = c.execute(sa.select(users).where(users.c.login == login)).mappings().first()
            if row:
                changes = {k: v for k, v in (("name", name), ("email", email)) if v}
                if is_instructor:
                    changes["is_instructor"] = True
                if changes:
                    c.execute(users.update().where(users.c.id == row["id"]).values(**changes))
                return row["id"], False
            new = c.execute(
                users.insert().values(
                    login=login,
                    name=name,
                    email=email,
                    is_instructor=is_instructor,
                    created_at=now(),
                )
            )
            return new.inserted_primary_key[0], True

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self.engine.begin() as c:
            c.execute(
                users.update().where(users.c.id == user_id).values(password_hash=password_hash)
            )

    def issue_token(self, user_id: int, kind: str, lifetime: timedelta | None = None) -> str:
        """A new random token (only its hash is stored); ``signin`` tokens work once."""
        token = secrets.token_urlsafe(32)
        with self.engine.begin() as c:
            c.execute(
                tokens.insert().values(
                    user_id=user_id,
                    kind=kind,
                    token_hash=token_hash(token),
                    created_at=now(),
                    expires_at=None if lifetime is None else now() + lifetime,
                )
            )
        return token

    def user_for_token(self, token: str, kind: str) -> dict | None:
        """The user a valid token belongs to; a one-time sign-in token is spent here."""
        with self.engine.begin() as c:
            row = (
                c.execute(
                    sa.select(tokens).where(
                        tokens.c.token_hash == token_hash(token), tokens.c.kind == kind
                    )
                )
                .mappings()
                .first()
            )
            if row is None or row["used_at"] is not None:
                return None
            if row["expires_at"] is not None and row["expires_at"] < now():
                return None
            if kind == "signin":
                spent = c.execute(
                    tokens.update()
                    .where(tokens.c.id == row["id"], tokens.c.used_at.is_(None))
                    .values(used_at=now())
                )
                if spent.rowcount != 1:
                    return None
            user = c.execute(sa.select(users).where(users.c.id == row["user_id"])).mappings()
            return dict(user.first())

    # --- assignments ----------------------------------------------------------------------

    def assignment(self, slug: str) -> dict:
        """The assignment's row, created on first use with a fresh secret seed."""
        from autograder.grader import fresh_seed

        with self.engine.begin() as c:
            row = c.execute(sa.select(assignments).where(assignments.c.slug == slug)).mappings()
            row = row.first()
            if row is None:
                c.execute(assignments.insert().values(slug=slug, seed=fresh_seed()))
                row = c.execute(sa.select(assignments).where(assignments.c.slug == slug))
                row = row.mappings().first()
            return dict(row)

    def set_policy(self, slug: str, **values) -> dict:
        """Change ``deadline``, ``late_policy``, ``late_penalty`` or ``per_hour``."""
        allowed = {"deadline", "late_policy", "late_penalty", "per_hour"}
        unknown = set(values) - allowed
        if unknown:
            raise ValueError(f"policy: unknown settings {sorted(unknown)}")
        if values.get("late_policy", "penalty") not in ("accept", "penalty", "refuse"):
            raise ValueError(
                f"late_policy: expected accept, penalty or refuse, got {values['late_policy']!r}"
            )
        if not 0 <= values.get("late_penalty", 0) <= 1:
            raise ValueError(f"late_penalty: expected a fraction in [0, 1], got {values}")
        if values.get("per_hour") is not None and values["per_hour"] < 1:
            raise ValueError(f"per_hour: expected at least 1, got {values['per_hour']}")
        self.assignment(slug)
        with self.engine.begin() as c:
            c.execute(assignments.update().where(assignments.c.slug == slug).values(**values))
        return self.assignment(slug)

    # --- submissions and the queue --------------------------------------------------------

    def recent_count(self, user_id: int, slug: str, since: datetime) -> int:
        with self.engine.connect() as c:
            return c.execute(
                sa.select(sa.func.count())
                .select_from(submissions)
                .where(
                    submissions.c.user_id == user_id,
                    submissions.c.slug == slug,
                    submissions.c.created_at >= since,
                )
            ).scalar_one()

    def add_submission(
        self,
        user_id: int,
        slug: str,
        stored_name: str,
        original_name: str,
        data: bytes,
        late_days: int = 0,
        penalty: float = 0.0,
        per_hour: int | None = None,
    ) -> int | None:
        """Record a submission already written to disk and queue its grading, in one
        transaction; returns its id, or None when the student already made ``per_hour``
        submissions of ``slug`` in the last hour (checked under a lock on the student's row,
        so concurrent uploads cannot pass the limit together)."""
        with self.engine.begin() as c:
            c.execute(sa.select(users.c.id).where(users.c.id == user_id).with_for_update())
            if per_hour is not None:
                recent = c.execute(
                    sa.select(sa.func.count())
                    .select_from(submissions)
                    .where(
                        submissions.c.user_id == user_id,
                        submissions.c.slug == slug,
                        submissions.c.created_at >= now() - timedelta(hours=1),
                    )
                ).scalar_one()
                if recent >= per_hour:
                    return None
            new = c.execute(
                submissions.insert().values(
                    user_id=user_id,
                    slug=slug,
                    stored_name=stored_name,
                    original_name=original_name[:255],
                    size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(),
                    created_at=now(),
                    late_days=late_days,
                    penalty=penalty,
                )
            )
            submission_id = new.inserted_primary_key[0]
            c.execute(
                jobs.insert().values(
                    submission_id=submission_id, reason="upload", status="queued", created_at=now()
                )
            )
        return submission_id

    def requeue(self, slug: str) -> int:
        """A regrade job for every submission of ``slug``; returns how many were queued."""
        with self.engine.begin() as c:
            ids = c.execute(sa.select(submissions.c.id).where(submissions.c.slug == slug))
            ids = [row[0] for row in ids]
            for submission_id in ids:
                c.execute(
                    jobs.insert().values(
                        submission_id=submission_id,
                        reason="regrade",
                        status="queued",
                        created_at=now(),
                    )
                )
        return len(ids)

    def claim(self, owner: str, lease: float, limit: int = 1) -> list[Claimed]:
        """Take up to ``limit`` jobs that are queued or whose lease has expired."""
        taken = []
        with self.engine.begin() as c:
            t = now()
            free = sa.or_(
                jobs.c.status == "queued",
                sa.and_(jobs.c.status == "grading", jobs.c.lease_expires < t),
            )
            candidates = c.execute(
                sa.select(jobs.c.id).where(free).order_by(jobs.c.id).limit(limit * 4)
            ).all()
            for (job_id,) in candidates:
                if len(taken) == limit:
                    break
                # the WHERE is evaluated again under the row's lock: two workers never both win
                won = c.execute(
                    jobs.update()
                    .where(jobs.c.id == job_id, free)
                    .values(
                        status="grading",
                        lease_owner=owner,
                        lease_expires=t + timedelta(seconds=lease),
                        attempts=jobs.c.attempts + 1,
                        started_at=t,
                    )
                )
                if won.rowcount == 1:
                    taken.append(job_id)
            if not taken:
                return []
            rows = c.execute(
                sa.select(
                    jobs.c.id,
                    jobs.c.attempts,
                    submissions.c.id.label("submission_id"),
                    submissions.c.slug,
                    submissions.c.stored_name,
                    submissions.c.penalty,
                    assignments.c.seed,
                )
                .join(submissions, jobs.c.submission_id == submissions.c.id)
                .join(assignments, submissions.c.slug == assignments.c.slug)
                .where(jobs.c.id.in_(taken))
                .order_by(jobs.c.id)
            ).mappings()
            return [
                Claimed(
                    job_id=r["id"],
                    submission_id=r["submission_id"],
                    slug=r["slug"],
                    path=self.uploads / r["stored_name"],
                    seed=r["seed"],
                    attempts=r["attempts"],
                    penalty=r["penalty"],
                )
                for r in rows
            ]

    def renew(self, owner: str, job_ids: list[int], lease: float) -> None:
        if not job_ids:
            return
        with self.engine.begin() as c:
            c.execute(
                jobs.update()
                .where(
                    jobs.c.id.in_(job_ids),
                    jobs.c.lease_owner == owner,
                    jobs.c.status == "grading",
                )
                .values(lease_expires=now() + timedelta(seconds=lease))
            )

    def finish(self, owner: str, claimed: Claimed, result: dict, feedback_name: str) -> bool:
        """Record a job's result if the lease is still ``owner``'s; False when it was lost
        (the job is someone else's now, and their result is the one that counts)."""
        raw = float(result["score"])
        with self.engine.begin() as c:
            done = c.execute(
                jobs.update()
                .where(
                    jobs.c.id == claimed.job_id,
                    jobs.c.lease_owner == owner,
                    jobs.c.status == "grading",
                )
                .values(status="done", finished_at=now(), lease_expires=None)
            )
            if done.rowcount != 1:
                return False
            c.execute(
                results.insert().values(
                    job_id=claimed.job_id,
                    submission_id=claimed.submission_id,
                    status=result["status"],
                    score=round(raw * (1 - claimed.penalty), 6),
                    raw_score=raw,
                    max_score=float(result["max_score"]),
                    result_json=json.dumps(result),
                    feedback_name=feedback_name,
                    created_at=now(),
                )
            )
        return True

    # --- reading ----------------------------------------------------------------------------

    def submission(self, submission_id: int) -> dict | None:
        """A submission with its latest job's status and result (None when there is none)."""
        rows = self.submissions_where(submissions.c.id == submission_id)
        return rows[0] if rows else None

    def submissions_where(self, *conditions) -> list[dict]:
        """Submissions (newest first), each with ``status`` (queued, grading, graded,
        invalid), ``score``, ``max_score``, ``result`` (the grader's dict) and ``feedback``."""
        latest_job = (
            sa.select(jobs.c.submission_id, sa.func.max(jobs.c.id).label("job_id"))
            .group_by(jobs.c.submission_id)
            .subquery()
        )
        latest_result = (
            sa.select(results.c.submission_id, sa.func.max(results.c.id).label("result_id"))
            .group_by(results.c.submission_id)
            .subquery()
        )
        query = (
            sa.select(
                submissions,
                users.c.login,
                users.c.name.label("user_name"),
                jobs.c.status.label("job_status"),
                results.c.status.label("result_status"),
                results.c.score,
                results.c.raw_score,
                results.c.max_score,
                results.c.result_json,
                results.c.feedback_name,
            )
            .join(users, users.c.id == submissions.c.user_id)
            .join(latest_job, latest_job.c.submission_id == submissions.c.id)
            .join(jobs, jobs.c.id == latest_job.c.job_id)
            .outerjoin(latest_result, latest_result.c.submission_id == submissions.c.id)
            .outerjoin(results, results.c.id == latest_result.c.result_id)
            .where(*conditions)
            .order_by(submissions.c.id.desc())
        )
        with self.engine.connect() as c:
            rows = [dict(r) for r in c.execute(query).mappings()]
        for row in rows:
            # a regrade in progress still shows the previous result's score
            if row["job_status"] == "done":
                row["status"] = row["result_status"]
            else:
                row["status"] = row["job_status"]
            row["result"] = json.loads(row["result_json"]) if row["result_json"] else None
        return rows

    def counts(self) -> dict:
        """Jobs by status and the number of results, for the operators' health check."""
        with self.engine.connect() as c:
            by_status = dict(
                c.execute(sa.select(jobs.c.status, sa.func.count()).group_by(jobs.c.status)).all()
            )
            n_results = c.execute(sa.select(sa.func.count()).select_from(results)).scalar_one()
        return {"jobs": by_status, "results": n_results}
