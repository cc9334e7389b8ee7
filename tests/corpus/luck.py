"""How likely is a wrong formula to pass a category by the luck of the draw? (issue 18, 1g)

For every category of every component, every known wrong formula — each ``Mistake`` (the
assignment's ``MISTAKES`` and ``RECOGNISED``), each hand-written ``Variant`` and each wrong
submission of the corpus — is judged on the cases that many seeds draw, exactly as the grader
judges a student's output (``grader.judge``, and the argument check of the sandbox's runner).
A formula *reaches* a category when it fails it on at least one seed (elsewhere it computes
the right thing); its luck there is the fraction of seeds on which it passes all the
category's cases anyway. Every luck must be below 1%: the grader never passes a wrong formula
because one draw happened to hide its mistake.

``python -m tests.corpus.luck [SEEDS]`` (``make luck``) measures it on SEEDS seeds (default
300: no pass in 300 bounds the probability below 1% at 95% confidence) and writes
``autograder/LUCK.md``; ``tests/test_corpus.py`` checks the report and the bound on seeds of
its own. The formulas run in this process: they are the course's own code, never a student's.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
import tempfile
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from autograder import checks
from autograder._runner import NAMED_FUNCTIONS, Named, changed_argument, hold_arguments
from autograder.checks import Case, Component, call, copy_args
from autograder.course import REPO, SLUGS, nbgrader_meta, source_path, strip_region_markers
from autograder.grader import judge
from autograder.library import earlier, on_path, write_library
from tests.corpus import Submission, corpus

REPORT = REPO / "autograder" / "LUCK.md"
BOUND = 0.01
FIRST_SEED = 10_000  # far from the seeds the other tests use
SLOWEST = ("architectures", "backprop", "convolution")


@dataclass
class Formula:
    """One wrong formula: ``run(component, case)`` returns its output, or raises."""

    name: str
    run: Callable[[Component, Case], Any]
    # a variant that cannot take a case's arguments (TypeError) is a mistake in another of the
    # component's functions: there it is the reference; anything else that raises has failed
    type_error_passes: bool


def variant_formulas(components: list[Component]) -> dict[str, list[Formula]]:
    """Each component's Variants (hand-written and from Mistakes), by component name."""
    formulas = {}
    for component in components:
        formulas[component.name] = []
        for number, variant in enumerate(component.variants, 1):

            def run(comp, case, variant=variant):
                if variant.function and variant.function != comp.function_of(case):
                    return comp.expected(case)  # a mistake in another function
                return call(variant.compute, case)

            formulas[component.name].append(
                Formula(f"variant {number}: {variant.message}", run, True)
            )
    return formulas


def program_namespace(submission: Submission) -> dict:
    """The submission's notebook run in order (given cells from the source notebook, solution
    cells from the corpus file or the instructor's answer), in a fresh namespace, importing
    the student library with the reference modules of the earlier assignments, as the
    grader's sandbox provides it."""
    namespace: dict = {"__name__": "__corpus__"}
    source = nbformat.read(source_path(submission.slug), as_version=4)
    with (
        tempfile.TemporaryDirectory() as library,
        on_path(write_library(Path(library), earlier(submission.slug))),
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # save() cannot find exec'd source: nothing to keep
        for cell in source.cells:
            meta = nbgrader_meta(cell)
            if cell.cell_type != "code" or meta.get("grade"):
                continue
            code = cell.source
            if meta.get("solution"):
                code = submission.cells.get(meta["grade_id"]) or strip_region_markers(code)
            exec(compile(code, f"<{submission.key}>", "exec"), namespace)  # our own code
    return namespace


def submission_formula(submission: Submission) -> Formula:
    namespace = program_namespace(submission)

    def run(component, case):
        args = tuple(
            NAMED_FUNCTIONS[a.name] if isinstance(a, Named) else a for a in copy_args(case.args)
        )
        held = dict(args[case.output_arg]) if case.output_arg is not None else None
        before = hold_arguments(args, case.kwargs, case.output_arg, np)
        with contextlib.redirect_stdout(io.StringIO()):
            out = namespace[component.function_of(case)](*args, **case.kwargs)
        if changed_argument(before, np):
            raise ValueError("changed its argument")
        return held if held is not None else out

    return Formula(f"corpus: {submission.name}", run, False)


def passes(formula: Formula, component: Component, case: Case, expected: Any) -> bool:
    try:
        with np.errstate(all="ignore"):
            out = formula.run(component, case)
    except TypeError:
        return formula.type_error_passes
    except Exception:  # noqa: BLE001 - a formula that crashes has no right answer
        return False
    try:
        return not judge(component, out, expected, case)
    except Exception:  # noqa: BLE001 - an output the grader cannot compare is wrong
        return False


def measure(slug: str, seeds: range) -> list[dict]:
    """One row per (component, category, wrong formula that reaches it): seeds, passes."""
    components = checks.load(slug)
    formulas = variant_formulas(components)
    wrong = [submission_formula(s) for s in corpus(slug) if s.wrong]
    passed: dict[tuple[str, str, str], int] = {}
    failed: dict[tuple[str, str, str], int] = {}
    for seed in seeds:
        for index, component in enumerate(components):
            cases = component.cases(np.random.default_rng([seed, index]))
            expected = [component.expected(case) for case in cases]
            for formula in formulas[component.name] + wrong:
                ok = {category: True for category in component.categories}
                for case, want in zip(cases, expected, strict=True):
                    if ok[case.category] and not passes(formula, component, case, want):
                        ok[case.category] = False
                for category, good in ok.items():
                    key = (component.name, category, formula.name)
                    table = passed if good else failed
                    table[key] = table.get(key, 0) + 1
    rows = []
    for (name, category, formula), fails in sorted(failed.items()):
        lucky = passed.get((name, category, formula), 0)
        rows.append(
            {
                "component": name,
                "category": category,
                "formula": formula,
                "seeds": lucky + fails,
                "passes": lucky,
            }
        )
    return rows


def write_report(rows_by_slug: dict[str, list[dict]], seeds: range, path: Path = REPORT) -> None:
    """Write the report; an assignment not measured this time keeps its section."""
    kept = _sections(path.read_text()) if path.exists() else {}
    lines = [
        "# The luck of the draw: how often a wrong formula passes a category",
        "",
        "Generated by `python -m tests.corpus.luck` — do not edit. For every category of every",
        "component, the wrong formulas that reach it (each `Mistake`, each hand-written `Variant`",
        "and each wrong submission of `tests/corpus/`, when it fails the category on at least one",
        f"seed) were judged on the cases of {len(seeds)} seeds ({seeds.start} to {seeds.stop - 1})",
        "as the grader judges a student's output. *Luck* is the largest fraction of seeds on which",
        "one of them passed every case of the category anyway; the issue asks for less than 1%.",
        f"With no pass in {len(seeds)} seeds, the 95% upper bound on the probability is",
        f"{1 - 0.05 ** (1 / len(seeds)):.2%}.",
        "",
    ]
    for slug in SLUGS:
        if slug not in rows_by_slug:
            lines += [kept.get(slug, f"## {slug}\n\n(not measured)\n")]
            continue
        rows = rows_by_slug[slug]
        lines += [
            f"## {slug}",
            "",
            "| component | category | wrong formulas | luck |",
            "|---|---|---|---|",
        ]
        lucky = []
        for component in checks.load(slug):
            for category in component.categories:
                mine = [
                    r for r in rows if (r["component"], r["category"]) == (component.name, category)
                ]
                luck = max((r["passes"] / r["seeds"] for r in mine), default=0.0)
                flag = "" if luck < BOUND else " **(over 1%)**"
                lines.append(f"| {component.name} | {category} | {len(mine)} | {luck:.2%}{flag} |")
                lucky += [r for r in mine if r["passes"]]
        lines.append("")
        for r in lucky:
            lines.append(
                f"- {r['component']} / {r['category']}: {r['formula'][:100]} passed on "
                f"{r['passes']} of {r['seeds']} seeds"
            )
        lines.append("")
    text = "\n".join(lines)
    worst = max((float(v) for v in re.findall(r"\| ([\d.]+)%", text)), default=0.0)
    path.write_text(text + f"\nLargest luck over every category: {worst:.2f}%.\n")


def _sections(text: str) -> dict[str, str]:
    """The report's per-assignment sections, by slug."""
    body = text.split("\nLargest luck")[0]
    parts = re.split(r"^## ", body, flags=re.MULTILINE)[1:]
    return {part.split("\n", 1)[0].strip(): "## " + part.rstrip() + "\n" for part in parts}


def main(argv: list[str] | None = None) -> int:
    """``[SEEDS] [SLUG ...]``: with slugs, only their sections are measured again."""
    argv = sys.argv[1:] if argv is None else argv
    count = int(argv[0]) if argv else 300
    slugs = tuple(argv[1:]) or SLUGS
    seeds = range(FIRST_SEED, FIRST_SEED + count)
    # two processes (this machine's cores), the slowest assignments first
    with ProcessPoolExecutor(max_workers=2) as pool:
        order = sorted(slugs, key=lambda slug: slug not in SLOWEST)
        futures = {slug: pool.submit(measure, slug, seeds) for slug in order}
        rows_by_slug = {slug: futures[slug].result() for slug in slugs}
    write_report(rows_by_slug, seeds)
    lucky = [r for rows in rows_by_slug.values() for r in rows if r["passes"] / r["seeds"] >= BOUND]
    for r in lucky:
        print(f"over 1%: {r}")
    print(f"wrote {REPORT.relative_to(REPO)} ({len(seeds)} seeds, {', '.join(slugs)})")
    return 1 if lucky else 0


if __name__ == "__main__":
    raise SystemExit(main())
