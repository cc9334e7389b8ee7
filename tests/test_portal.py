"""The submission portal (`autograder serve`), on SQLite and on a real PostgreSQL server.

Every test runs twice, once per store. The queue's tests take jobs concurrently and let
leases expire; the server's tests talk HTTP to a real `autograder serve` process over
loopback (uploads, the JSON API, `autograder token`, 200 uploads from 50 clients, kill -9
during grading); the pages' tests drive the Starlette application in-process (sign-in,
CSRF, session expiry, rate limit, one-time links, another student's ids, the instructor's
table, CSV, regrade, nbgrader's gradebook, resubmission limits and late policy). Grading is
always the real sandboxed grader, and the expected scores come from it independently: the
correct sample earns full marks, the flawed one loses points and names its planted mistake.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from autograder.portal.store import Store, jobs, migrate, now, results, sqlite_url
from tests.portal_fixtures import PostgresCluster, Server, api_token, notebook_bytes, upload

SLUG = "convolution"


@pytest.fixture(scope="session")
def postgres():
    cluster = PostgresCluster()
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return sqlite_url(tmp_path / "data" / "portal.db")
    return request.getfixturevalue("postgres").new_database()


@pytest.fixture
def store(db_url, tmp_path):
    (tmp_path / "data").mkdir(exist_ok=True)
    migrate(db_url)
    s = Store(db_url, tmp_path / "data")
    yield s
    s.close()


@pytest.fixture(scope="session")
def samples(course):
    from autograder.checks import mistakes
    from autograder.samples import sample_notebooks

    notebooks = sample_notebooks(SLUG, course)
    first = mistakes(SLUG)[0]
    return {
        "correct": notebook_bytes(notebooks["correct"]),
        "flawed": notebook_bytes(notebooks["partial"]),
        "flawed_cell": first.cell,
    }


@pytest.fixture
def server(course, tmp_path, db_url, store):
    srv = Server(course, tmp_path / "data", db_url)
    srv.start()
    yield srv
    srv.stop()


def result_rows(store: Store) -> list[dict]:
    with store.engine.connect() as c:
        return [dict(r) for r in c.execute(sa.select(results)).mappings()]


def job_rows(store: Store) -> list[dict]:
    with store.engine.connect() as c:
        return [dict(r) for r in c.execute(sa.select(jobs)).mappings()]


# --- the schema and the queue ---------------------------------------------------------------


def test_migrations_build_exactly_the_schema_the_code_queries(store):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from autograder.portal.store import metadata

    with store.engine.connect() as c:
        differences = compare_metadata(MigrationContext.configure(c), metadata)
        version = c.exec_driver_sql("SELECT version_num FROM alembic_version").scalar_one()
    assert differences == []
    assert version == "0001"
    migrate(store.url)  # upgrading an up-to-date store changes nothing
    assert store.counts() == {"jobs": {}, "results": 0}


def queue_submissions(store: Store, count: int) -> list[int]:
    user_id, _ = store.add_user("queue-student")
    store.assignment(SLUG)
    return [
        store.add_submission(user_id, SLUG, f"{i}.ipynb", "nb.ipynb", b"{}") for i in range(count)
    ]


def test_concurrent_workers_never_take_the_same_job(store):
    queue_submissions(store, 60)
    taken: dict[str, list[int]] = {}

    def take(owner):
        mine = []
        other = Store(store.url, store.data_dir)
        try:
            while claimed := other.claim(owner, lease=60, limit=2):
                mine += [c.job_id for c in claimed]
        finally:
            other.close()
        taken[owner] = mine

    threads = [threading.Thread(target=take, args=(f"w{i}",)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [job for mine in taken.values() for job in mine]
    assert sorted(every) == sorted(j["id"] for j in job_rows(store))  # each once, none lost
    assert len(set(every)) == 60
    assert all(j["status"] == "grading" and j["attempts"] == 1 for j in job_rows(store))


def test_an_expired_lease_is_taken_again_and_the_first_worker_cannot_record(store):
    queue_submissions(store, 1)
    (first,) = store.claim("crashed-worker", lease=0.5)
    assert store.claim("other", lease=60) == []  # held
    time.sleep(1.0)
    (again,) = store.claim("other", lease=60)
    assert again.job_id == first.job_id and again.attempts == 2
    result = {"status": "graded", "score": 3.0, "max_score": 10.0}
    assert store.finish("crashed-worker", first, result, "a.html") is False
    assert store.finish("other", again, result, "b.html") is True
    assert store.finish("other", again, result, "b.html") is False  # recorded once
    (row,) = result_rows(store)
    assert row["feedback_name"] == "b.html" and row["score"] == 3.0


def test_a_renewed_lease_is_not_taken(store):
    queue_submissions(store, 1)
    (job,) = store.claim("alive", lease=1.0)
    for _ in range(3):
        time.sleep(0.5)
        store.renew("alive", [job.job_id], lease=1.0)
        assert store.claim("thief", lease=60) == []


def test_the_late_penalty_is_applied_to_the_recorded_score(store):
    user_id, _ = store.add_user("late")
    store.assignment(SLUG)
    store.add_submission(user_id, SLUG, "late.ipynb", "nb.ipynb", b"{}", late_days=2, penalty=0.2)
    (job,) = store.claim("w", lease=60)
    store.finish("w", job, {"status": "graded", "score": 10.0, "max_score": 10.0}, "f.html")
    (row,) = result_rows(store)
    assert (row["score"], row["raw_score"]) == (8.0, 10.0)


# --- the server, over loopback ---------------------------------------------------------------


def test_api_upload_is_graded_with_feedback_and_other_students_get_404(server, store, samples):
    alice = subprocess.run(
        [
            sys.executable,
            "-m",
            "autograder.cli",
            "token",
            "alice",
            "--course",
            str(server.course),
            "--data",
            str(server.data),
            "--db",
            server.db_url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    bob = api_token(store, "bob")
    with httpx.Client() as client:
        good = upload(client, server.url, alice, SLUG, samples["correct"])
        flawed = upload(client, server.url, alice, SLUG, samples["flawed"])
        assert good.status_code == 201 and flawed.status_code == 201, (good.text, flawed.text)
        server.wait_results(2, timeout=300)
        auth = {"Authorization": f"Bearer {alice}"}
        first = client.get(f"{server.url}/api/submissions/{good.json()['id']}", headers=auth)
        second = client.get(f"{server.url}/api/submissions/{flawed.json()['id']}", headers=auth)
        assert first.status_code == 200
        body = first.json()
        assert set(body) == {"id", "assignment", "status", "score", "max_score", "feedback_url"}
        assert body["status"] == "graded" and body["assignment"] == SLUG
        assert body["score"] == body["max_score"] > 0
        assert second.json()["status"] == "graded"
        assert 0 < second.json()["score"] < second.json()["max_score"]
        report = client.get(server.url + second.json()["feedback_url"], headers=auth)
        assert report.status_code == 200 and "Likely mistake" in report.text
        assert "default-src 'none'" in report.headers["content-security-policy"]
        # bob guesses alice's ids, and the ids around them: nothing exists for him
        for sid in (good.json()["id"], flawed.json()["id"], 0, 999999, "1 OR 1=1"):
            theirs = {"Authorization": f"Bearer {bob}"}
            assert (
                client.get(f"{server.url}/api/submissions/{sid}", headers=theirs).status_code == 404
            )
            assert (
                client.get(f"{server.url}/submissions/{sid}/feedback", headers=theirs).status_code
                == 404
            )
        assert client.get(f"{server.url}/api/submissions/{good.json()['id']}").status_code == 401
        bad = {"Authorization": "Bearer not-a-token"}
        assert client.get(f"{server.url}/api/submissions/1", headers=bad).status_code == 401


def test_api_refuses_what_is_not_a_notebook_with_a_clear_message(server, store):
    token = api_token(store, "carol")
    with httpx.Client() as client:
        text = upload(client, server.url, token, SLUG, b"print('hello')", name="nb.py")
        assert text.status_code == 400 and "not a Jupyter notebook" in text.json()["error"]
        empty = upload(client, server.url, token, SLUG, b"")
        assert empty.status_code == 400 and "empty" in empty.json()["error"]
        huge = upload(client, server.url, token, SLUG, b"{" + b" " * (21 * 2**20) + b"}")
        assert huge.status_code == 413
        unknown = upload(client, server.url, token, "no-such-assignment", b"{}")
        assert unknown.status_code == 400 and "Unknown assignment" in unknown.json()["error"]
        # a hostile file name is only a label: the file is stored under a generated name
        nb = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
        named = upload(client, server.url, token, SLUG, nb.encode(), name="../../../etc/passwd")
        assert named.status_code == 201
    assert not (server.data / "etc").exists()
    stored = list((server.data / "uploads").iterdir())
    assert [re.fullmatch(r"[0-9a-f]{32}\.ipynb", p.name) is not None for p in stored] == [True]
    (row,) = store.submissions_where()
    assert row["original_name"] == "passwd"


@pytest.mark.slow
def test_200_uploads_from_50_clients_are_all_graded_once(server, store, samples):
    tokens = [api_token(store, f"student{i:02d}") for i in range(50)]
    start = time.perf_counter()

    def client_uploads(token):
        with httpx.Client() as client:
            return [upload(client, server.url, token, SLUG, samples["correct"]) for _ in range(4)]

    with ThreadPoolExecutor(50) as pool:
        answers = [r for rs in pool.map(client_uploads, tokens) for r in rs]
    accepted = time.perf_counter() - start
    assert [a.status_code for a in answers] == [201] * 200
    ids = [a.json()["id"] for a in answers]
    assert len(set(ids)) == 200
    server.wait_results(200, timeout=1800)
    graded = time.perf_counter() - start
    rows = result_rows(store)
    assert sorted(r["submission_id"] for r in rows) == sorted(ids)  # each exactly once
    assert all(r["status"] == "graded" and r["score"] == r["max_score"] for r in rows)
    assert [j["attempts"] for j in job_rows(store)] == [1] * 200  # nobody graded twice
    print(f"\n200 uploads accepted in {accepted:.1f} s, all graded after {graded:.1f} s")


@pytest.mark.slow
def test_kill9_of_the_server_during_grading_loses_nothing_and_grades_once(server, store, samples):
    token = api_token(store, "dave")
    with httpx.Client() as client:
        ids = [
            upload(client, server.url, token, SLUG, samples["correct"]).json()["id"]
            for _ in range(10)
        ]
    deadline = time.monotonic() + 300
    while server.counts()["jobs"].get("grading", 0) == 0 or server.counts()["results"] == 0:
        assert time.monotonic() < deadline, server.counts()
        time.sleep(0.1)
    workers = server.worker_pids()
    assert workers
    server.kill9()
    deadline = time.monotonic() + 10
    while server.running(workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.running(workers) == []  # the workers died with the server
    in_flight = [j["id"] for j in job_rows(store) if j["status"] == "grading"]
    before = len(result_rows(store))
    assert in_flight and before < 10
    server.start()
    server.wait_results(10, timeout=600)
    rows = result_rows(store)
    assert sorted(r["submission_id"] for r in rows) == sorted(ids)  # every upload, once
    assert all(r["status"] == "graded" and r["score"] == r["max_score"] for r in rows)
    attempts = {j["id"]: j["attempts"] for j in job_rows(store)}
    assert all(attempts[j] == 2 for j in in_flight)  # taken again after the lease expired


# --- the pages, in-process --------------------------------------------------------------------


@pytest.fixture
def portal(course, tmp_path, db_url, store):
    """The application without worker processes; ``grade()`` runs a worker in this process
    until the queue is empty."""
    from starlette.testclient import TestClient

    from autograder.portal.app import PortalConfig, create_app
    from autograder.portal.worker import Worker

    config = PortalConfig(
        course_dir=course,
        data_dir=tmp_path / "data",
        db_url=db_url,
        start_workers=False,
        session_seconds=3600,
        signin_attempts=3,
        signin_window=60,
    )
    app = create_app(config)

    def grade():
        Worker(store, course, lease=30, poll=0.05).run(max_idle=0.3)

    def client():
        return TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)

    with client() as first:
        yield type(
            "Portal",
            (),
            {
                "app": app,
                "config": config,
                "grade": staticmethod(grade),
                "client": first,
                "new_client": staticmethod(client),
            },
        )


def with_password(store: Store, login: str, password="correct horse", instructor=False) -> str:
    from autograder.portal.security import hash_password

    user_id, _ = store.add_user(login, name=login.title(), is_instructor=instructor)
    store.set_password_hash(user_id, hash_password(password))
    return password


def csrf(client, path="/assignments") -> str:
    page = client.get(path)
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def sign_in(client, login, password):
    token = csrf(client, "/signin")
    return client.post("/signin", data={"login": login, "password": password, "csrf": token})


def page_upload(client, data: bytes, slug=SLUG, token=None):
    token = token if token is not None else csrf(client)
    return client.post(
        "/submissions",
        data={"assignment": slug, "csrf": token},
        files={"file": ("mine.ipynb", data, "application/x-ipynb+json")},
    )


def test_sign_in_upload_status_feedback_and_history(portal, store, samples):
    client = portal.client
    assert client.get("/assignments").headers["location"] == "/signin"
    assert sign_in(client, "erin", "wrong password").status_code == 401
    password = with_password(store, "erin")
    assert sign_in(client, "erin", "wrong password").status_code == 401
    assert sign_in(client, "erin", password).headers["location"] == "/"
    assignments = client.get("/assignments")
    assert SLUG in assignments.text and "Content-Security-Policy" in assignments.headers
    sent = page_upload(client, samples["flawed"])
    assert sent.status_code == 303
    location = sent.headers["location"]
    status = client.get(location + "/status").json()
    assert status["status"] == "queued" and status["score"] is None
    page = client.get(location)
    assert "/static/portal.js" in page.text and 'data-status="queued"' in page.text
    portal.grade()
    status = client.get(location + "/status").json()
    assert status["status"] == "graded" and 0 < status["score"] < status["max_score"]
    diagnosed = [c for c in status["components"] if c["diagnosis"]]
    assert diagnosed and "seed" not in json.dumps(status)
    feedback = client.get(status["feedback_url"])
    assert feedback.status_code == 200 and diagnosed[0]["diagnosis"][:40] in feedback.text
    history = client.get("/history")
    assert (
        location in history.text
        and f"{status['score']:g} / {status['max_score']:g}" in history.text
    )


def test_every_form_needs_its_csrf_token(portal, store, samples):
    client = portal.client
    password = with_password(store, "frank")
    login = client.post("/signin", data={"login": "frank", "password": password})
    assert login.status_code == 400
    assert client.get("/assignments").headers["location"] == "/signin"
    assert sign_in(client, "frank", password).status_code == 303
    for token in ("", "forged"):
        assert page_upload(client, samples["correct"], token=token).status_code == 400
    assert store.submissions_where() == []
    other = portal.new_client()  # a token from someone else's session is no good here
    with_password(store, "grace")
    sign_in(other, "grace", password)
    assert page_upload(client, samples["correct"], token=csrf(other)).status_code == 400
    assert client.post("/account", data={"password": "x" * 9, "again": "x" * 9}).status_code == 400
    assert client.post("/signout").headers["location"] == "/signin"
    assert client.get("/assignments").status_code == 200  # still signed in: no token, no effect


def test_sessions_expire(portal, store):
    portal.config.session_seconds = 1
    password = with_password(store, "heidi")
    assert sign_in(portal.client, "heidi", password).status_code == 303
    assert portal.client.get("/assignments").status_code == 200
    time.sleep(2.2)
    assert portal.client.get("/assignments").headers["location"] == "/signin"


def test_sign_in_is_rate_limited(portal, store):
    password = with_password(store, "ivan")
    for _ in range(3):
        assert sign_in(portal.client, "ivan", "guess").status_code == 401
    refused = sign_in(portal.client, "ivan", password)  # even the right password, for now
    assert refused.status_code == 429 and "wait" in refused.text
    assert int(refused.headers["retry-after"]) > 0


def test_one_time_links_work_once(portal, store):
    from autograder.portal.commands import invitation

    user_id, _ = store.add_user("judy")
    link = invitation(store, user_id, "http://127.0.0.1", password=False)
    path = link.removeprefix("http://127.0.0.1")
    first = portal.client.get(path)
    assert first.headers["location"] == "/account"
    assert portal.client.get("/assignments").status_code == 200
    again = portal.new_client().get(path)
    assert again.status_code == 404 and "already used" in again.text
    password = invitation(store, user_id, "", password=True).removeprefix("password ")
    assert sign_in(portal.new_client(), "judy", password).status_code == 303


def test_a_student_cannot_see_another_students_submission(portal, store, samples):
    password = with_password(store, "mallory")
    with_password(store, "oscar", password)
    victim = portal.client
    sign_in(victim, "oscar", password)
    sid = page_upload(victim, samples["correct"]).headers["location"].rsplit("/", 1)[1]
    portal.grade()
    attacker = portal.new_client()
    sign_in(attacker, "mallory", password)
    for path in (
        f"/submissions/{sid}",
        f"/submissions/{sid}/status",
        f"/submissions/{sid}/feedback",
        f"/submissions/{int(sid) + 1}",
        "/instructor",
        "/instructor/grades.csv",
    ):
        assert attacker.get(path).status_code == 404, path
    assert attacker.post("/instructor/regrade", data={"assignment": SLUG}).status_code == 404
    assert victim.get(f"/submissions/{sid}/feedback").status_code == 200


def test_instructor_table_csv_diagnoses_regrade_and_gradebook(portal, store, samples, course):
    password = with_password(store, "pat")
    with_password(store, "quinn", password)
    with_password(store, "teacher", password, instructor=True)
    for login, kind in (("pat", "correct"), ("quinn", "flawed")):
        client = portal.new_client()
        sign_in(client, login, password)
        page_upload(client, samples[kind])
    portal.grade()
    teacher = portal.client
    sign_in(teacher, "teacher", password)
    table = teacher.get("/instructor")
    assert table.status_code == 200
    assert "pat" in table.text and "quinn" in table.text and "data:image/png;base64," in table.text
    assert "What the class got wrong" in table.text
    graded = {r["login"]: r for r in store.submissions_where()}
    diagnosis = next(
        c["diagnosis"] for c in graded["quinn"]["result"]["components"] if c["diagnosis"]
    )
    assert f"<strong>1×</strong> {diagnosis[:30]}" in table.text.replace("&#39;", "'")
    sheet = teacher.get("/instructor/grades.csv")
    assert sheet.headers["content-type"].startswith("text/csv")
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(sheet.text))}
    assert float(rows["pat"][SLUG]) == graded["pat"]["max_score"]
    assert float(rows["quinn"][SLUG]) == graded["quinn"]["score"] < graded["quinn"]["max_score"]
    assert "teacher" not in rows
    token = csrf(teacher, "/instructor")
    regrade = teacher.post("/instructor/regrade", data={"assignment": SLUG, "csrf": token})
    assert regrade.status_code == 303
    assert sorted(j["status"] for j in job_rows(store)) == ["done", "done", "queued", "queued"]
    portal.grade()
    assert len(result_rows(store)) == 4
    assert {r["login"]: r["score"] for r in store.submissions_where()} == {
        login: row["score"] for login, row in graded.items()
    }
    written = teacher.post("/instructor/gradebook", data={"assignment": SLUG, "csrf": token})
    assert written.status_code == 303
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        assert gb.find_submission(SLUG, "pat").score == graded["pat"]["max_score"]
        assert gb.find_submission(SLUG, "quinn").score == graded["quinn"]["score"]


def test_resubmission_limit_and_late_policy(portal, store, samples):
    password = with_password(store, "rita")
    client = portal.client
    sign_in(client, "rita", password)
    store.set_policy(SLUG, per_hour=2)
    assert page_upload(client, samples["correct"]).status_code == 303
    assert page_upload(client, samples["correct"]).status_code == 303
    third = page_upload(client, samples["correct"])
    assert third.headers["location"] == "/assignments"
    assert "2 submissions of convolution in the last hour" in client.get("/assignments").text
    store.set_policy(
        SLUG,
        per_hour=None,
        deadline=now() - timedelta(hours=30),
        late_policy="penalty",
        late_penalty=0.25,
    )
    late = page_upload(client, samples["correct"])
    status = client.get(late.headers["location"] + "/status").json()
    assert status["penalty"] == 0.5  # two started days, 25% each
    portal.grade()
    status = client.get(late.headers["location"] + "/status").json()
    assert status["score"] == pytest.approx(0.5 * status["max_score"])
    store.set_policy(SLUG, late_policy="refuse")
    refused = page_upload(client, samples["correct"])
    assert refused.headers["location"] == "/assignments"
    assert "no longer accepts submissions" in client.get("/assignments").text
    assert len(store.submissions_where()) == 3


def test_roster_import_gives_each_student_a_link_and_passwords_work(portal, store, capsys):
    from autograder.cli import main

    roster = Path(portal.config.data_dir).parent / "roster.csv"
    roster.write_text("id,first_name,last_name,email\numa,Uma,Ray,uma@example.org\nvic,Vic,,\n")
    common = [
        "--course",
        str(portal.config.course_dir),
        "--data",
        str(portal.config.data_dir),
        "--db",
        store.url,
        "--base-url",
        "http://127.0.0.1",
    ]
    assert main(["roster", str(roster), *common]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert [(login, how) for login, how, _ in lines] == [("uma", "new"), ("vic", "new")]
    assert store.user_by_login("uma")["name"] == "Uma Ray"
    assert store.user_by_login("uma")["email"] == "uma@example.org"
    link = lines[0][2].removeprefix("http://127.0.0.1")
    assert portal.client.get(link).headers["location"] == "/account"
    token = csrf(portal.client, "/account")
    saved = portal.client.post(
        "/account", data={"password": "a long secret", "again": "a long secret", "csrf": token}
    )
    assert saved.status_code == 303
    assert sign_in(portal.new_client(), "uma", "a long secret").status_code == 303
    assert main(["roster", str(roster), "--passwords", *common]) == 0
    lines = [line.split("\t") for line in capsys.readouterr().out.splitlines()]
    assert lines[1][1] == "updated" and lines[1][2].startswith("password ")
    fresh = lines[1][2].removeprefix("password ")
    assert sign_in(portal.new_client(), "vic", fresh).status_code == 303
    assert sign_in(portal.new_client(), "uma", "a long secret").status_code == 401  # replaced


@pytest.mark.slow
def test_a_worker_on_a_dask_cluster_records_the_local_graders_scores(course, tmp_path, samples):
    from distributed import LocalCluster

    from autograder.grader import grade_notebook
    from autograder.portal.worker import Worker

    (tmp_path / "data").mkdir()
    url = sqlite_url(tmp_path / "data" / "portal.db")
    migrate(url)
    store = Store(url, tmp_path / "data")
    store.uploads.mkdir()
    user_id, _ = store.add_user("wendy")
    seed = store.assignment(SLUG)["seed"]
    expected = {}
    for kind in ("correct", "flawed"):
        (store.uploads / f"{kind}.ipynb").write_bytes(samples[kind])
        sid = store.add_submission(user_id, SLUG, f"{kind}.ipynb", "nb.ipynb", samples[kind])
        local = grade_notebook(store.uploads / f"{kind}.ipynb", SLUG, seed=seed, course_dir=course)
        expected[sid] = local["score"]
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        Worker(store, course, batch=2, scheduler=cluster.scheduler_address).run(max_idle=1)
    got = {r["id"]: r["score"] for r in store.submissions_where()}
    assert got == expected and expected[min(expected)] > expected[max(expected)]
    store.close()


def test_a_worker_stops_when_the_checks_change_so_a_regrade_uses_the_new_ones(store, course):
    import os

    from autograder.course import source_path
    from autograder.portal.worker import Worker

    queue_submissions(store, 1)
    worker = Worker(store, course)
    assert not worker.stale()
    notebook = source_path(SLUG, course)
    stat = notebook.stat()
    os.utime(notebook, (stat.st_atime, stat.st_mtime + 5))
    try:
        assert worker.stale()
        started = time.monotonic()
        worker.run(max_idle=30)
        assert time.monotonic() - started < 5
        assert [j["status"] for j in job_rows(store)] == ["queued"]  # left for a fresh worker
        assert not Worker(store, course).stale()
    finally:
        os.utime(notebook, (stat.st_atime, stat.st_mtime))


def test_the_upload_page_says_clearly_what_is_wrong_with_a_file(portal, store):
    password = with_password(store, "xena")
    sign_in(portal.client, "xena", password)
    refused = page_upload(portal.client, b"x = 1\n")
    assert refused.status_code == 303 and refused.headers["location"] == "/assignments"
    assert "This is not a Jupyter notebook (.ipynb)" in portal.client.get("/assignments").text
    assert "not a Jupyter notebook" not in portal.client.get("/assignments").text  # shown once
    assert store.submissions_where() == [] and list(store.uploads.iterdir()) == []


def test_concurrent_uploads_cannot_pass_the_hourly_limit_together(store):
    user_id, _ = store.add_user("yuri")
    store.assignment(SLUG)
    barrier = threading.Barrier(8)

    def try_one(i):
        other = Store(store.url, store.data_dir)
        try:
            barrier.wait()
            return other.add_submission(user_id, SLUG, f"y{i}.ipynb", "nb.ipynb", b"{}", per_hour=3)
        finally:
            other.close()

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(try_one, range(8)))
    assert sum(i is not None for i in ids) == 3
    assert len(store.submissions_where()) == 3
