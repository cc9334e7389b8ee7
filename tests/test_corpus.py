"""The corpus of student submissions (tests/corpus/), graded through the real autograder.

Every wrong submission loses points on every one of ten seeds, in the component it names and
with the message it names; every correct one, written in a style unlike the reference,
earns full marks on all ten. Each assignment's corpus is one batch per seed
(``autograder.batch.run_batch``, two sandboxes at once), as an instructor's ``grade-all``.
And no wrong formula passes a category by the luck of the draw (``tests.corpus.luck``).
"""

from __future__ import annotations

import re

import pytest

from autograder.batch import Job, run_batch
from autograder.checks import load
from autograder.course import SLUGS
from tests.corpus import corpus, write_notebook

SEEDS = range(201, 211)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_assignment_has_its_corpus(slug):
    submissions = corpus(slug)
    assert sum(s.wrong for s in submissions) >= 8, slug
    assert sum(not s.wrong for s in submissions) >= 3, slug
    names = {c.name for c in load(slug)}
    for s in submissions:
        assert set(s.loses) <= names, (s.key, s.loses)


@pytest.mark.slow
@pytest.mark.parametrize("slug", SLUGS)
def test_the_grader_fails_every_wrong_and_passes_every_right_submission(course, tmp_path, slug):
    submissions = corpus(slug)
    jobs = [Job(s, write_notebook(s, course, tmp_path)) for s in submissions]
    problems = []
    for seed in SEEDS:
        for outcome in run_batch(jobs, slug, seed, workers=2):
            s, result = outcome.job.key, outcome.result
            if result is None:
                problems.append((s.key, seed, outcome.error))
                continue
            if not s.wrong:
                if result["score"] != result["max_score"]:
                    problems.append((s.key, seed, "correct but marked down", _failures(result)))
                continue
            graded = {c["name"]: c for c in result["components"]}
            for name in s.loses:
                if graded[name]["score"] >= graded[name]["max_score"]:
                    problems.append((s.key, seed, f"full marks in {name}"))
            said = [
                case["message"]
                for name in s.loses
                for case in graded[name]["cases"]
                if not case["passed"]
            ]
            if s.says and not any(s.says in m for m in said):
                problems.append((s.key, seed, f"no message says {s.says!r}", said[:3]))
    assert not problems, problems


def _failures(result: dict) -> list:
    return [
        (c["name"], [case["message"] for case in c["cases"] if not case["passed"]][:2])
        for c in result["components"]
        if c["score"] < c["max_score"]
    ]


# --- the luck of the draw (issue 18, 1g) ----------------------------------------------------


def test_no_wrong_formula_passes_a_category_it_reaches_on_any_seed():
    """On seeds of its own, no wrong formula (Mistake, Variant, wrong corpus submission) passes
    a category it fails on another seed; autograder/LUCK.md holds the 300-seed measurement."""
    from tests.corpus.luck import measure

    seeds = range(30_000, 30_006)
    lucky = [row for slug in SLUGS for row in measure(slug, seeds) if row["passes"]]
    assert not lucky, lucky


def test_the_committed_luck_report_shows_every_category_below_one_percent():
    from tests.corpus.luck import REPORT

    text = REPORT.read_text()
    assert "over 1%" not in text
    largest = re.search(r"Largest luck over every category: ([\d.]+)%", text)
    assert largest and float(largest.group(1)) < 1.0
    seeds = int(re.search(r"cases of (\d+) seeds", text).group(1))
    assert 1 - 0.05 ** (1 / seeds) < 0.01, "too few seeds to bound the luck below 1%"
    for slug in SLUGS:
        for component in load(slug):
            for category in component.categories:
                assert f"| {component.name} | {category} |" in text, (slug, category)
