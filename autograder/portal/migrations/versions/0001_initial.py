"""The portal's first schema: users, tokens, assignments, submissions, jobs, results.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("login", sa.String(100), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False, server_default=""),
        sa.Column("email", sa.String(200), nullable=False, server_default=""),
        sa.Column("is_instructor", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("password_hash", sa.String(200)),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("expires_at", sa.DateTime),
        sa.Column("used_at", sa.DateTime),
    )
    op.create_table(
        "assignments",
        sa.Column("slug", sa.String(50), primary_key=True),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("deadline", sa.DateTime),
        sa.Column("late_policy", sa.String(10), nullable=False, server_default="penalty"),
        sa.Column("late_penalty", sa.Float, nullable=False, server_default="0.1"),
        sa.Column("per_hour", sa.Integer),
    )
    op.create_table(
        "submissions",
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
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer,
            sa.ForeignKey("submissions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("reason", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("lease_owner", sa.String(64)),
        sa.Column("lease_expires", sa.DateTime),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime),
        sa.Column("finished_at", sa.DateTime),
    )
    op.create_table(
        "results",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id"), nullable=False, unique=True),
        sa.Column(
            "submission_id",
            sa.Integer,
            sa.ForeignKey("submissions.id"),
            nullable=False,
            index=True,
        ),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("raw_score", sa.Float, nullable=False),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("feedback_name", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("results", "jobs", "submissions", "assignments", "tokens", "users"):
        op.drop_table(table)
