"""`make course` is quiet: its last output (build/course.log, written by the Makefile) is short,
has a summary line per stage, and holds no warning a user cannot act on.

`make course` comes first (the README's first command, CI's first step); this test reads what
it printed rather than building the course a second time.
"""

import re
from pathlib import Path

from autograder.course import SLUGS

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "build" / "course.log"
# what users cannot act on: a library's warnings, tracebacks, a kernel's log lines
NOISE = re.compile(r"WARNING|Warning:|Traceback|\[IPKernelApp\]|DeprecationWarning")


def course_output() -> list[str]:
    assert LOG.exists(), "run `make course` first (it writes build/course.log)"
    return LOG.read_text().splitlines()


def test_make_course_prints_under_80_lines():
    lines = course_output()
    assert len(lines) < 80, f"{len(lines)} lines:\n" + "\n".join(lines)


def test_make_course_prints_no_warning_a_user_cannot_act_on():
    noise = [line for line in course_output() if NOISE.search(line)]
    assert not noise, noise


def test_every_stage_reports_in_one_line():
    text = "\n".join(course_output())
    for stage in (
        r"^system: .*bubblewrap|^note: bubblewrap",
        r"^kernels: compiled",
        rf"^exercises: {len(SLUGS)} student notebooks",
        r"^  convolution +correct \d+/\d+",
        r"^  architectures +correct \d+/\d+",
        r"^The book: book/_build/html/index.html",
        r"^solutions: \d+ public names",
    ):
        assert re.search(stage, text, re.MULTILINE), stage
