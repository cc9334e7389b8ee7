"""What the instructor sees: the class table, score distributions, the class's most common
diagnoses per component, nbgrader's gradebook, and the assignment policy form."""

from __future__ import annotations

import base64
import io
from collections import Counter
from datetime import datetime

import sqlalchemy as sa

from autograder.portal.store import Store, users


def chosen(rows: list[dict], pick: str) -> dict[tuple[int, str], dict]:
    """(user id, slug) -> the submission that counts: the best graded one, or the last
    graded one (``pick`` = "best" | "last"); ungraded submissions never count."""
    counted: dict[tuple[int, str], dict] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        if row["status"] not in ("graded", "invalid") or row["score"] is None:
            continue
        key = (row["user_id"], row["slug"])
        if pick == "last" or key not in counted or row["score"] > counted[key]["score"]:
            counted[key] = row
    return counted


def distribution_png(scores: list[float], max_score: float, slug: str) -> str:
    """A histogram of one assignment's scores, as a base64 PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.2, 2.4))
    bins = max(1, min(20, int(max_score) or 1))
    ax.hist(scores, bins=bins, range=(0, max_score or 1), color="#3b6ea5", edgecolor="white")
    ax.set_xlabel(f"score (of {max_score:g})", fontsize=8)
    ax.set_ylabel("students", fontsize=8)
    ax.set_title(f"{slug}: {len(scores)} students", fontsize=9)
    ax.tick_params(labelsize=7)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def class_report(store: Store, slugs: tuple[str, ...], pick: str = "best") -> dict:
    """The table students x assignments and, per assignment, the distribution of the
    counted scores and the most common diagnoses per component."""
    rows = store.submissions_where()
    counted = chosen(rows, pick)
    with store.engine.connect() as c:
        roster = c.execute(
            sa.select(users).where(users.c.is_instructor.is_(False)).order_by(users.c.login)
        ).mappings()
        roster = [dict(r) for r in roster]
    students = []
    for user in roster:
        cells = {}
        for slug in slugs:
            row = counted.get((user["id"], slug))
            if row is not None:
                cells[slug] = {
                    "score": row["score"],
                    "max_score": row["max_score"],
                    "id": row["id"],
                    "status": row["status"],
                }
        students.append(dict(user, cells=cells))
    per_assignment = {}
    for slug in slugs:
        mine = [r for (_, s), r in counted.items() if s == slug]
        if not mine:
            per_assignment[slug] = None
            continue
        diagnoses: dict[str, Counter] = {}
        for row in mine:
            for component in (row["result"] or {}).get("components", []):
                diagnoses.setdefault(component["name"], Counter())
                if component.get("diagnosis"):
                    diagnoses[component["name"]][component["diagnosis"]] += 1
        max_score = mine[0]["max_score"]
        scores = [r["score"] for r in mine]
        per_assignment[slug] = {
            "count": len(mine),
            "mean": sum(scores) / len(scores),
            "max_score": max_score,
            "full": sum(s >= max_score for s in scores),
            "plot": distribution_png(scores, max_score, slug),
            "diagnoses": {
                name: counter.most_common(3) for name, counter in diagnoses.items() if counter
            },
        }
    return {"students": students, "assignments": per_assignment}


def write_gradebook(store: Store, slug: str, course_dir, pick: str = "best") -> int:
    """Write the counted grade of every student who submitted ``slug`` into nbgrader's
    gradebook of the course (``make exercises`` creates it); returns how many."""
    from autograder.gradebook import write_grades

    counted = chosen(store.submissions_where(), pick)
    results = {row["login"]: row["result"] for (_, s), row in counted.items() if s == slug}
    db_url = f"sqlite:///{course_dir / 'gradebook.db'}"
    if not (course_dir / "gradebook.db").exists():
        raise ValueError(
            f"the course has no nbgrader gradebook ({course_dir / 'gradebook.db'}): "
            "run `make exercises` first"
        )
    for row in counted.values():
        if row["slug"] == slug and row["penalty"]:  # the gradebook gets the penalised score
            factor = 1 - row["penalty"]
            for component in results[row["login"]]["components"]:
                component["score"] = component["score"] * factor
    write_grades(slug, db_url, sorted(results), results)
    return len(results)


def policy_from_form(form) -> dict:
    """The assignment settings posted by the instructor's form, checked."""
    values: dict = {}
    deadline = str(form.get("deadline") or "").strip()
    try:
        values["deadline"] = datetime.fromisoformat(deadline) if deadline else None
    except ValueError:
        raise ValueError(f"deadline: expected a date and time, got {deadline!r}") from None
    values["late_policy"] = str(form.get("late_policy") or "penalty")
    try:
        values["late_penalty"] = float(form.get("late_penalty") or 0) / 100
        per_hour = str(form.get("per_hour") or "").strip()
        values["per_hour"] = int(per_hour) if per_hour else None
    except ValueError:
        raise ValueError("late_penalty and per_hour: expected numbers") from None
    return values
