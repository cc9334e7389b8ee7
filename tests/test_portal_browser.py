"""The portal in a real browser (Debian's Chromium driven by Playwright), against a real
`autograder serve` on loopback: the issue's acceptance, click by click.

A student signs in, uploads the correct sample and sees its full score and the feedback
appear without the page reloading; uploads the flawed one and sees the planted mistake's
diagnosis; another student cannot open that feedback; the instructor sees both submissions in
the table and downloads the CSV with the same scores.
"""

from __future__ import annotations

import csv
import shutil

import nbformat
import pytest

from autograder.portal.security import hash_password
from autograder.portal.store import Store, migrate, sqlite_url
from tests.portal_fixtures import Server

SLUG = "convolution"
PASSWORD = "correct horse battery"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def site(course, tmp_path_factory):
    from autograder.checks import mistakes
    from autograder.samples import sample_notebooks

    root = tmp_path_factory.mktemp("portal-browser")
    data = root / "data"
    data.mkdir()
    url = sqlite_url(data / "portal.db")
    migrate(url)
    store = Store(url, data)
    for login, instructor in (("alice", False), ("bob", False), ("teacher", True)):
        user_id, _ = store.add_user(login, name=login.title(), is_instructor=instructor)
        store.set_password_hash(user_id, hash_password(PASSWORD))
    files = {}
    for kind, nb in sample_notebooks(SLUG, course).items():
        files[kind] = root / kind / f"{SLUG}.ipynb"
        files[kind].parent.mkdir()
        nbformat.write(nb, files[kind])
    server = Server(course, data, url, workers=2, lease=30)
    server.start()
    yield {"server": server, "store": store, "files": files, "mistake": mistakes(SLUG)[0]}
    server.stop()
    store.close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed (.ci/run installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def signed_in(browser, site, login):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(site["server"].url + "/")
    assert page.url.endswith("/signin")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_load_state()
    page.console_errors = errors
    return page


def submit(page, site, kind):
    from playwright.sync_api import expect

    page.goto(site["server"].url + "/assignments")
    page.set_input_files(f"input[aria-label='notebook for {SLUG}']", str(site["files"][kind]))
    page.locator("form.upload", has=page.locator(f"input[value='{SLUG}']")).locator(
        "button"
    ).click()
    page.wait_for_url("**/submissions/*")
    # a marker in this document: were the page reloaded, it would be gone
    page.evaluate("window.stillTheSamePage = true")
    assert page.inner_text("#status") in ("queued", "grading")
    expect(page.locator("#status")).to_have_text("graded", timeout=600_000)
    assert page.evaluate("window.stillTheSamePage") is True
    return page.url


@pytest.fixture(scope="module")
def alices(browser, site):
    page = signed_in(browser, site, "alice")
    correct = submit(page, site, "correct")
    score = page.inner_text("#score")
    frame = page.frame_locator("#feedback")
    feedback_title = frame.locator("h1").inner_text(timeout=30_000)
    flawed = submit(page, site, "partial")
    diagnoses = page.locator("#components td.diagnosis").all_inner_texts()
    flawed_score = page.inner_text("#score")
    flawed_feedback = page.frame_locator("#feedback").locator("body").inner_text(timeout=30_000)
    yield {
        "page": page,
        "correct": correct,
        "flawed": flawed,
        "score": score,
        "feedback_title": feedback_title,
        "diagnoses": diagnoses,
        "flawed_score": flawed_score,
        "flawed_feedback": flawed_feedback,
    }
    page.context.close()


def test_the_correct_sample_shows_full_marks_and_feedback_without_reloading(alices, site):
    (full,) = {r["max_score"] for r in site["store"].submissions_where()}
    assert alices["score"] == f"{full:g} / {full:g}"
    assert f"{full:g} / {full:g}" in alices["feedback_title"]
    assert alices["page"].console_errors == []


def test_the_flawed_sample_shows_its_diagnosis(alices, site):
    mistake = site["mistake"]
    assert mistake.diagnosis in alices["diagnoses"]
    assert mistake.diagnosis in alices["flawed_feedback"]
    got, full = (float(x) for x in alices["flawed_score"].split(" / "))
    assert 0 < got < full


def test_another_student_cannot_open_the_feedback(browser, site, alices):
    page = signed_in(browser, site, "bob")
    for path in ("", "/feedback", "/status"):
        response = page.goto(alices["flawed"] + path)
        assert response.status == 404, path
    assert "Likely mistake" not in page.content()
    page.context.close()


def test_the_instructor_sees_both_and_downloads_the_csv(browser, site, alices):
    page = signed_in(browser, site, "teacher")
    assert page.url.endswith("/instructor")
    row = page.locator("#grades tr", has=page.locator("td", has_text="alice"))
    assert row.locator("a").inner_text() == alices["score"].split(" / ")[0]  # best of the two
    page.goto(site["server"].url + "/instructor?pick=last")
    row = page.locator("#grades tr", has=page.locator("td", has_text="alice"))
    assert row.locator("a").inner_text() == alices["flawed_score"].split(" / ")[0]
    assert site["mistake"].diagnosis in page.inner_text("ul.diagnoses")
    with page.expect_download() as download:
        page.click("#csv")
    path = download.value.path()
    with open(path, encoding="utf-8") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    assert rows["alice"][SLUG] == alices["flawed_score"].split(" / ")[0]
    assert rows["bob"][SLUG] == ""
    page.context.close()
