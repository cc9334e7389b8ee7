"""Mutation testing of the grader: does any small wrong edit of the reference earn full marks?

    python -m autograder.mutation [SLUG ...] [--seed N] [--workers N] [--out MUTATION.md]
    (``make mutation [SLUG=...]``; not part of ``make test``)

For one assignment:

1. ``export`` writes the instructor notebook's code cells, in order and without its test
   cells, to one Python module; each cell starts with a ``# %% ...`` marker line naming it;
2. ``mutants`` asks cosmic-ray's operators (its own enumeration and its parso rewriting,
   one edit per mutant) for every mutant whose edit lies inside a solution region;
3. each mutant becomes a submission: the released student notebook with its solution cells
   replaced by the mutated module's (``submission``), graded by ``batch.run_batch`` through
   ``grader.grade_notebook`` and the sandbox, on the components that call the mutated
   function (``affected``), with one fixed seed so that a run is reproducible;
4. a mutant that still earns full marks survives. A survivor is either killed by a new
   check in ``autograder/checks/<slug>.py`` or argued equivalent (both recorded
   in ``autograder/survivors.py``); ``autograder/MUTATION.md`` reports both.

The unmutated export is graded first: it must earn full marks, or nothing is measured.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder import checks
from autograder.batch import Job, run_batch
from autograder.course import (
    COURSE_DIR,
    REPO,
    SLUGS,
    SOLUTION_BEGIN,
    SOLUTION_END,
    nbgrader_meta,
    release_path,
    solution_cells,
    source_path,
    strip_region_markers,
)

SEED = 18  # any fixed seed: the same cases on every run, so a run is reproducible
REPORT = REPO / "autograder" / "MUTATION.md"
MARKER = re.compile(r"^# %% (given|solution) cell (\S+)$")


# --- the exported module --------------------------------------------------------------------


def export(slug: str, course_dir: Path = COURSE_DIR) -> str:
    """The source notebook's given and solution cells, in order, as one module's source.

    Each cell is preceded by ``# %% given cell ID`` or ``# %% solution cell ID``; test cells
    are left out (the grader never runs them). The module runs as the notebook would.
    """
    nb = nbformat.read(source_path(slug, course_dir), as_version=4)
    parts = [f'"""The reference cells of {slug}.ipynb, exported for mutation testing."""\n']
    for index, cell in enumerate(nb.cells):
        meta = nbgrader_meta(cell)
        if cell.cell_type != "code" or meta.get("grade"):
            continue
        kind = "solution" if meta.get("solution") else "given"
        name = meta.get("grade_id", f"cell-{index}")
        parts.append(f"# %% {kind} cell {name}\n{cell.source.rstrip()}\n")
    return "\n".join(parts)


def split(module: str) -> dict[str, tuple[str, str]]:
    """The cells of an exported module: {cell id: (kind, source)}, in order."""
    cells: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in module.splitlines():
        marker = MARKER.match(line)
        if marker:
            current = marker.group(2)
            cells[current] = (marker.group(1), [])
        elif current is not None:
            cells[current][1].append(line)
    return {name: (kind, "\n".join(lines).rstrip()) for name, (kind, lines) in cells.items()}


def solution_lines(module: str) -> dict[int, str]:
    """{line number (1-based): solution cell id} of every line inside a solution region."""
    inside, cell, lines = False, None, {}
    for number, line in enumerate(module.splitlines(), start=1):
        marker = MARKER.match(line)
        if marker:
            inside, cell = False, marker.group(2) if marker.group(1) == "solution" else None
        elif line.strip() == SOLUTION_BEGIN:
            inside = cell is not None
        elif line.strip() == SOLUTION_END:
            inside = False
        elif inside:
            lines[number] = cell
    return lines


# --- the mutants ----------------------------------------------------------------------------


@dataclass
class Mutant:
    """One edit of the reference: where, by which operator, and the mutated module."""

    index: int
    cell: str  # the solution cell it edits
    operator: str  # cosmic-ray's operator name
    occurrence: int  # cosmic-ray's occurrence of that operator in the module
    line: int  # in the exported module
    before: str  # the edited line(s), as in the reference
    after: str  # and as mutated
    module: str  # the whole mutated module
    result: dict = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        """What identifies the edit across runs (occurrence numbers shift when code moves)."""
        return (self.cell, _squash(self.before), _squash(self.after))


def _squash(text: str) -> str:
    return " ".join(text.split())


def operators() -> list[tuple[str, object]]:
    """Every cosmic-ray operator that needs no configuration, as (name, instance)."""
    import cosmic_ray.plugins

    found = []
    for name in cosmic_ray.plugins.operator_names():
        operator_class = cosmic_ray.plugins.get_operator(name)
        if not operator_class.arguments():  # the variable operators need a chosen variable
            found.append((name, operator_class()))
    return found


def mutants(module: str) -> list[Mutant]:
    """Every single-edit mutant of the module's solution regions, in a fixed order.

    Positions are enumerated as ``cosmic-ray init`` does (every node, each operator's
    positions in order), so an occurrence number means what it means to cosmic-ray, and
    ``cosmic_ray.mutating.mutate_code`` applies it.
    """
    from cosmic_ray.ast import ast_nodes, get_ast
    from cosmic_ray.mutating import mutate_code

    inside = solution_lines(module)
    original = module.splitlines()
    found: list[Mutant] = []
    for name, operator in operators():
        positions = [
            start
            for node in ast_nodes(get_ast(module))
            for start, _ in operator.mutation_positions(node)
        ]
        for occurrence, (line, _) in enumerate(positions):
            if line not in inside:
                continue
            mutated = mutate_code(module, operator, occurrence)
            if mutated is None or mutated == module:
                continue
            before, after = _changed_lines(original, mutated.splitlines())
            found.append(
                Mutant(len(found), inside[line], name, occurrence, line, before, after, mutated)
            )
    return found


def _changed_lines(original: list[str], mutated: list[str]) -> tuple[str, str]:
    before, after = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, mutated).get_opcodes():
        if tag != "equal":
            before += [line.strip() for line in original[i1:i2]]
            after += [line.strip() for line in mutated[j1:j2]]
    return " / ".join(before), " / ".join(after)


# --- which components a cell reaches --------------------------------------------------------


def affected(module: str, slug: str, seed: int = SEED) -> dict[int, tuple[str, ...] | None]:
    """{line of the module: the components that call (perhaps through other functions) the
    function holding that line}, for every line of a solution region. None (grade them all)
    for a line outside any function: it may change what every function sees.

    A component's functions are those its cases call (drawn as a grade draws them).
    """
    import numpy as np

    tree = ast.parse(module)
    spans: list[tuple[int, int, str]] = []
    calls: dict[str, set[str]] = {}  # function -> every name it refers to
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            spans.append((node.lineno, node.end_lineno or node.lineno, node.name))
            calls[node.name] = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}

    def reached(function: str) -> set[str]:
        seen, todo = set(), [function]
        while todo:
            name = todo.pop()
            if name not in seen and name in calls:
                seen.add(name)
                todo += calls[name]
        return seen

    callers: dict[str, list[str]] = {}  # function -> the components that reach it
    for index, component in enumerate(checks.load(slug)):
        cases = component.cases(np.random.default_rng([seed, index]))
        for function in set().union(*(reached(component.function_of(c)) for c in cases)):
            callers.setdefault(function, []).append(component.name)

    def components(line: int) -> tuple[str, ...] | None:
        holder = next((name for first, last, name in spans if first <= line <= last), None)
        if holder is None or holder not in callers:
            return None
        return tuple(callers[holder])

    return {line: components(line) for line in solution_lines(module)}


# --- submissions and grading ----------------------------------------------------------------


def submission(module: str, slug: str, course_dir: Path = COURSE_DIR) -> nbformat.NotebookNode:
    """The released student notebook with every solution cell taken from ``module``."""
    nb = nbformat.read(release_path(slug, course_dir), as_version=4)
    cells = split(module)
    for grade_id, cell in solution_cells(nb).items():
        cell.source = strip_region_markers(cells[grade_id][1])
    return nb


def grade_mutants(
    slug: str,
    found: list[Mutant],
    module: str,
    seed: int = SEED,
    workers: int = 2,
    course_dir: Path = COURSE_DIR,
    log=None,
) -> None:
    """Grade every mutant (its ``result``: score, max_score, the components that lost points,
    or the grader's error), in one batch."""
    reach = affected(module, slug, seed)
    with tempfile.TemporaryDirectory(prefix=f"mutation-{slug}-") as folder:
        jobs = []
        for mutant in found:
            path = Path(folder) / f"{mutant.index:05d}.ipynb"
            nbformat.write(submission(mutant.module, slug, course_dir), path)
            jobs.append(Job(mutant.index, path, reach[mutant.line]))
        by_index = {m.index: m for m in found}
        done = []

        def progress(_) -> None:
            done.append(1)
            if log and len(done) % 100 == 0:
                log(f"{slug}: {len(done)} of {len(jobs)} mutants graded", flush=True)

        outcomes = run_batch(
            jobs, slug, seed, workers=workers, course_dir=course_dir, on_done=progress
        )
        for outcome in outcomes:
            mutant = by_index[outcome.job.key]
            if outcome.result is None:
                mutant.result = {"error": outcome.error}
                continue
            result = outcome.result
            mutant.result = {
                "status": result["status"],
                "score": result["score"],
                "max_score": result["max_score"],
                "lost": [c["name"] for c in result["components"] if c["score"] < c["max_score"]],
            }


def survived(mutant: Mutant) -> bool:
    result = mutant.result
    return (
        "error" not in result
        and result["status"] == "graded"
        and result["score"] == result["max_score"]
    )


def baseline(slug: str, module: str, seed: int, course_dir: Path = COURSE_DIR) -> dict:
    """The unmutated export graded as a submission (it must earn full marks)."""
    with tempfile.TemporaryDirectory(prefix=f"mutation-{slug}-") as folder:
        path = Path(folder) / "reference.ipynb"
        nbformat.write(submission(module, slug, course_dir), path)
        (outcome,) = run_batch([Job("reference", path)], slug, seed, course_dir=course_dir)
    if outcome.result is None:
        raise RuntimeError(f"{slug}: the grader failed on the reference: {outcome.error}")
    return outcome.result


@dataclass
class Run:
    """One assignment's mutation run."""

    slug: str
    seed: int
    mutants: list[Mutant]
    seconds: float

    def survivors(self) -> list[Mutant]:
        return [m for m in self.mutants if survived(m)]

    def errors(self) -> list[Mutant]:
        return [m for m in self.mutants if "error" in m.result]


def run(
    slug: str, seed: int = SEED, workers: int = 2, course_dir: Path = COURSE_DIR, log=print
) -> Run:
    """Export, mutate and grade one assignment."""
    start = time.perf_counter()
    module = export(slug, course_dir)
    reference = baseline(slug, module, seed, course_dir)
    if reference["score"] != reference["max_score"]:
        lost = [c["name"] for c in reference["components"] if c["score"] < c["max_score"]]
        raise RuntimeError(
            f"{slug}: the unmutated reference earns {reference['score']:g} / "
            f"{reference['max_score']:g} (lost in {lost}): fix the grader before mutating"
        )
    found = mutants(module)
    log(f"{slug}: {len(found)} mutants", flush=True)
    grade_mutants(slug, found, module, seed, workers, course_dir, log)
    return Run(slug, seed, found, time.perf_counter() - start)


# --- the report -----------------------------------------------------------------------------

SECTION = re.compile(r"<!-- mutation (\S+) (\{.*?\}) -->\n(.*?)<!-- end \1 -->\n", re.DOTALL)
HEADER = """# Mutation testing of the grader

Every mutant is one small edit of an assignment's reference solution, made by cosmic-ray's
operators inside the instructor notebook's solution regions, and graded as a student's
submission through the sandboxed grader (`python -m autograder.mutation`, `make mutation
[SLUG=...]`; seed {seed}). A mutant is killed when it loses points; one that earns full
marks survives, and is either killed by a new check or argued equivalent below (it computes
the same function on every valid input). Generated: do not edit by hand; the arguments and
the new checks are recorded in `autograder/survivors.py`. Only the components whose cases
call the mutated function are graded; seconds are wall-clock with two sandboxes at once on a
shared two-core machine (other work running beside it).

"""


def _by_key(survivors) -> dict[tuple[str, str, str], str]:
    return {(e.cell, _squash(e.before), _squash(e.after)): e.why for e in survivors}


def render_section(
    outcome: Run,
    equivalent: dict[tuple[str, str, str], str],
    killed: dict[tuple[str, str, str], str] | None = None,
) -> tuple[dict, str]:
    """One assignment's statistics and its section of the report.

    ``equivalent``: {mutant key: why it is equivalent}; ``killed``: {mutant key: the new
    check that kills it} (former survivors; listed as killed only while they are).
    """
    killed = killed or {}
    survivors = outcome.survivors()
    argued = [m for m in survivors if m.key in equivalent]
    unargued = [m for m in survivors if m.key not in equivalent]
    errors = outcome.errors()
    hardened = [m for m in outcome.mutants if m.key in killed and not survived(m)]
    stats = {
        "mutants": len(outcome.mutants),
        "killed": len(outcome.mutants) - len(survivors) - len(errors),
        "survived": len(survivors),
        "equivalent": len(argued),
        "unexplained": len(unargued),
        "errors": len(errors),
        "new_checks": len(hardened),
        "seconds": round(outcome.seconds),
    }
    lines = [
        f"## {outcome.slug}",
        "",
        f"{stats['mutants']} mutants, {stats['killed']} killed, {stats['survived']} survived "
        f"({stats['equivalent']} argued equivalent, {stats['unexplained']} not explained); "
        f"{stats['seconds']} s.",
        "",
    ]
    if hardened:
        lines += ["Survivors of earlier runs, killed by a new check:", ""]
        lines += [
            f"- `{m.cell}`: `{m.before}` → `{m.after}` — {killed[m.key]} "
            f"(loses points in {', '.join(m.result['lost']) or 'a component'})"
            for m in hardened
        ]
        lines.append("")
    if argued:
        lines += ["Equivalent survivors:", ""]
        lines += [f"- `{m.cell}`: `{m.before}` → `{m.after}` — {equivalent[m.key]}" for m in argued]
        lines.append("")
    if unargued:
        lines += ["**Survivors neither killed nor argued equivalent:**", ""]
        lines += [f"- `{m.cell}` ({m.operator}): `{m.before}` → `{m.after}`" for m in unargued]
        lines.append("")
    if errors:
        lines += ["**Grader errors (no result):**", ""]
        lines += [f"- `{m.cell}`: `{m.after}`: {m.result['error'][:200]}" for m in errors]
        lines.append("")
    return stats, "\n".join(lines) + "\n"


def read_sections(path: Path) -> dict[str, tuple[dict, str]]:
    """{slug: (statistics, section)} of a report written before (none if there is none)."""
    if not path.exists():
        return {}
    return {
        slug: (json.loads(stats), body) for slug, stats, body in SECTION.findall(path.read_text())
    }


def write_report(runs: list[Run], path: Path = REPORT, seed: int = SEED) -> str:
    """Update ``path``: the sections of these assignments replaced, the others kept."""
    from autograder.survivors import EQUIVALENT, KILLED

    sections = read_sections(path)
    for outcome in runs:
        sections[outcome.slug] = render_section(
            outcome,
            _by_key(EQUIVALENT.get(outcome.slug, [])),
            _by_key(KILLED.get(outcome.slug, [])),
        )
    return render_report(sections, path, runs[0].seed if runs else seed)


def render_report(sections: dict[str, tuple[dict, str]], path: Path, seed: int) -> str:
    """The whole report: the table of every assignment, then their sections, in course order."""
    order = [s for s in SLUGS if s in sections] + sorted(set(sections) - set(SLUGS))
    table = [
        "| assignment | mutants | killed | of them by a new check | survived | argued equivalent "
        "| not explained | grader errors | seconds |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for slug in order:
        s = sections[slug][0]
        table.append(
            f"| {slug} | {s['mutants']} | {s['killed']} | {s.get('new_checks', 0)} "
            f"| {s['survived']} | {s['equivalent']} "
            f"| {s['unexplained']} | {s['errors']} | {s['seconds']} |"
        )
    text = HEADER.format(seed=seed) + "\n".join(table) + "\n\n"
    for slug in order:
        stats, body = sections[slug]
        text += f"<!-- mutation {slug} {json.dumps(stats)} -->\n{body}<!-- end {slug} -->\n"
    path.write_text(text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Mutation testing of the grader: every mutant of the reference must lose points."
    )
    parser.add_argument("slugs", nargs="*", metavar="SLUG", help="assignments (default: all)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=2, help="sandboxes running at once")
    parser.add_argument("--out", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    unknown = sorted(set(args.slugs) - set(SLUGS))
    if unknown:
        parser.error(f"unknown assignment {unknown}; known: {', '.join(SLUGS)}")
    from autograder.survivors import EQUIVALENT

    runs, failing = [], 0
    for slug in args.slugs or SLUGS:
        outcome = run(slug, args.seed, args.workers)
        runs.append(outcome)
        write_report(runs, args.out)  # after each assignment: a long run keeps what it measured
        argued = _by_key(EQUIVALENT.get(slug, []))
        unexplained = [m for m in outcome.survivors() if m.key not in argued]
        failing += len(unexplained) + len(outcome.errors())
        print(
            f"{slug}: {len(outcome.mutants)} mutants, {len(outcome.survivors())} survived "
            f"({len(unexplained)} not argued equivalent), {len(outcome.errors())} grader errors, "
            f"{outcome.seconds:.0f} s",
            flush=True,
        )
        for m in unexplained:
            print(f"  survived: {m.cell} ({m.operator}): {m.before!r} -> {m.after!r}")
    print(f"report: {args.out}")
    # a survivor that is neither killed nor argued is a hole in the grader: say so by the status
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
