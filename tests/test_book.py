"""The built book in a real browser (Chromium driven by Playwright), offline.

Needs the book built first (`make book`; `make test` does it, and fails here if it is not;
BOOK_BUILD=path tests another build, e.g. a `make chapter` preview). Every page: loads without
console errors, requests nothing beyond localhost, typesets its math, shows every image with
a real alt text, passes axe-core's WCAG 2.1 A/AA audit (no critical or serious violation),
fits a 390 px phone without sideways scrolling, keeps every display equation inside the
column; every control of an interactive figure changes what the figure shows when moved;
every exercise link returns a valid notebook. A screenshot per page is saved in
book/_build/screenshots/.
"""

import functools
import http.server
import os
import re
import shutil
import threading
import urllib.request
from pathlib import Path

import nbformat
import pytest

from autograder.course import SLUGS

ROOT = Path(__file__).resolve().parents[1]
BUILD = Path(os.environ.get("BOOK_BUILD", ROOT / "book" / "_build" / "html")).resolve()
AXE = ROOT / "book" / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Every page carries the theme (its Font Awesome script alone is 1.5 MB) and MathJax (1.2 MB),
# about 3.6 MB together; a chapter's embedded figure frames add up to about 1.5 MB. The
# widgets manager (5 MB) would push a page over.
MAX_PAGE_BYTES = 6_000_000
SHOTS = BUILD.parent / "screenshots"
CHAPTERS = list(SLUGS)  # one chapter per assignment, same slug
PAGES = ["index", "notation", *CHAPTERS, "references"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.skipif(
    not (BUILD / "index.html").exists(), reason="the book is not built: run `make book`"
)


@pytest.fixture(scope="module")
def server():
    (SHOTS / "page-weights.txt").unlink(missing_ok=True)  # the report of this run only
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

    # the system's Chromium when there is one, else Playwright's own (tools/sysdeps.py, run by
    # `make test`, installs one or the other)
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def visit(browser, url, width=1200):
    page = browser.new_page(viewport={"width": width, "height": 900})
    errors, requests = [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: requests.append(request))
    page.goto(url, wait_until="networkidle")
    page.wait_for_timeout(300)
    return page, errors, requests


def page_weight(requests) -> int:
    """Bytes a reader downloads for a page: every response body, the page itself included."""
    total = 0
    for request in requests:
        if request.url.startswith("http"):
            total += max(0, request.sizes()["responseBodySize"])
    return total


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_offline_with_math_and_images(server, browser, name):
    page, errors, requests = visit(browser, f"{server}/{name}.html")
    try:
        assert not errors, f"console errors: {errors}"
        outside = [
            request.url
            for request in requests
            if not request.url.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))
        ]
        assert not outside, f"requests leaving localhost: {outside}"
        text = page.inner_text("article")
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=15000)
            assert "\\(" not in text and "\\[" not in text, "raw TeX left on the page"
        if name in CHAPTERS:  # every chapter shows at least one figure computed by its code
            assert page.locator("article img").count() >= 1, "no figure on the page"
        broken = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src.slice(0, 80))"
        )
        assert not broken, f"images that did not load: {broken}"
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
        # pages load only what they use: the report lists each page's weight
        weight = page_weight(requests)
        with open(SHOTS / "page-weights.txt", "a") as report:
            report.write(f"{name}: {weight / 1e6:.2f} MB\n")
        scripts = [r.url for r in requests if r.resource_type == "script"]
        if not page.locator(".jupyter-widgets, .widget-slider").count():
            assert not [u for u in scripts if "embed-amd" in u], (
                "widgets manager on a page without widgets"
            )
        assert weight < MAX_PAGE_BYTES, f"{name} weighs {weight / 1e6:.1f} MB"
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


@pytest.mark.parametrize("name", PAGES)
def test_images_have_alt_texts_that_describe_them(server, browser, name):
    """A screen reader reads the alt text aloud: a file name or nothing is no description."""
    page, _, _ = visit(browser, f"{server}/{name}.html")
    try:
        alts = page.eval_on_selector_all(
            "article img", "els => els.map(e => e.getAttribute('alt'))"
        )
    finally:
        page.close()
    bad = [
        alt for alt in alts if not alt or re.search(r"\.(png|svg|jpe?g|gif)$|^_images/|^data:", alt)
    ]
    assert not bad, f"{len(bad)} of {len(alts)} images without a describing alt text: {bad[:3]}"


@pytest.mark.parametrize("width", [1200, 390])
@pytest.mark.parametrize("name", PAGES)
def test_page_passes_accessibility_audit_and_fits(server, browser, name, width):
    page, _, _ = visit(browser, f"{server}/{name}.html", width=width)
    try:
        if page.locator(".math").count():
            page.wait_for_selector("mjx-container", state="attached", timeout=15000)
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            """async (tags) => (await axe.run(document, {runOnly: {type: "tag", values: tags}}))
                .violations.filter(v => v.impact === "critical" || v.impact === "serious")
                .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target).join(" | ")}`)""",
            AXE_TAGS,
        )
        assert not violations, f"axe-core at {width} px: {violations}"
        scroll, client = page.evaluate(
            "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        assert scroll <= client + 1, (
            f"the page scrolls sideways at {width} px ({scroll} > {client})"
        )
        if width == 1200:  # a display equation wider than the column is cut off
            cut = page.evaluate(
                """Array.from(document.querySelectorAll('article mjx-container[display="true"]'))
                    .filter(m => m.scrollWidth > m.parentElement.clientWidth + 2)
                    .map(m => m.textContent.slice(0, 60))"""
            )
            assert not cut, f"display equations wider than the column: {cut}"
    finally:
        page.close()


# What an interactive figure shows: its visible images and its text.
SHOWN = """(el) => {
    const box = el.closest(".cell_output, .output, .book-slider") || el.parentElement;
    const imgs = Array.from(box.querySelectorAll("img")).filter(i => !i.hidden && i.offsetParent !== null);
    return imgs.map(i => i.src.slice(-200)).join("|") + "#" + box.innerText;
}"""


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_control_changes_what_is_shown(server, browser, name):
    """Sliders of animations and of precomputed figures work in the static page."""
    page, errors, _ = visit(browser, f"{server}/{name}.html")
    try:
        sliders = page.locator("article input[type=range]")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            slider.scroll_into_view_if_needed()
            low, high = (
                int(float(slider.get_attribute("min"))),
                int(float(slider.get_attribute("max"))),
            )
            before = slider.evaluate(SHOWN)
            target = high if int(float(slider.input_value())) != high else low
            slider.fill(str(target))  # sets the value and dispatches input and change
            page.wait_for_timeout(100)
            after = slider.evaluate(SHOWN)
            label = slider.get_attribute("aria-label")
            assert after != before, f"moving slider {i} ({label}) to {target} changed nothing"
        assert not errors, f"console errors while moving the controls: {errors}"
    finally:
        page.close()
