"""The built book in a real browser (Debian's Chromium driven by Playwright), offline.

Needs the book built first (`make book`; `make test` does it, and fails here if it is not). Every page: loads without
console errors, requests nothing beyond localhost, typesets its math, shows every image; the
widget explorer renders; every exercise link returns a valid notebook. A screenshot per page
is saved in book/_build/screenshots/.
"""

import functools
import http.server
import shutil
import threading
import urllib.request
from pathlib import Path

import nbformat
import pytest

BUILD = Path(__file__).resolve().parents[1] / "book" / "_build" / "html"
SHOTS = BUILD.parent / "screenshots"
CHAPTERS = ["convolution", "channels", "dilation", "separable", "activations", "pooling",
            "fully-connected", "backprop", "architectures"]  # fmt: skip
PAGES = ["index", "notation", *CHAPTERS]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]  # fmt: skip

pytestmark = pytest.mark.skipif(
    not (BUILD / "index.html").exists(), reason="the book is not built: run `make book`"
)


@pytest.fixture(scope="module")
def server():
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(BUILD))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed (.ci/run installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def visit(browser, url):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors, requests = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    return page, errors, requests


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_with_math_and_images(server, browser, name):
    page, errors, requests = visit(browser, f"{server}/{name}.html")
    try:
        assert not errors, f"console errors: {errors}"
        outside = [
            url
            for url in requests
            if not url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
        ]
        assert not outside, f"requests leaving localhost: {outside}"
        text = page.inner_text("article")
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", timeout=15000)
            assert "\\(" not in text and "\\[" not in text, "raw TeX left on the page"
        if name in CHAPTERS:  # every chapter shows at least one figure computed by its code
            assert page.locator("article img").count() >= 1, "no figure on the page"
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
        )
        assert not broken, f"images that did not load: {broken}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    finally:
        page.close()


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_links_its_exercise_notebook(server, browser, name):
    page, _, _ = visit(browser, f"{server}/{name}.html")
    try:
        links = [
            a
            for a in page.eval_on_selector_all("a.download", "els => els.map(e => e.href)")
            if a.endswith(f"{name}.ipynb")
        ]
    finally:
        page.close()
    assert links, f"{name} has no download link to its exercise"
    with urllib.request.urlopen(links[0]) as response:
        nb = nbformat.reads(response.read().decode(), as_version=4)
    assert any("NotImplementedError" in cell.source for cell in nb.cells), "the student version"


def test_widget_explorer_renders(server, browser):
    page, errors, _ = visit(browser, f"{server}/convolution.html")
    try:
        page.wait_for_selector(".widget-slider, .jupyter-widgets", timeout=15000)
        assert page.locator(".widget-slider, .jupyter-widgets").count() >= 1
        assert not errors
    finally:
        page.close()
