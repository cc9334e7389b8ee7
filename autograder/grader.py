"""Grade one submitted notebook: rebuild its program, run each component in the sandbox,
compare in this process, score by category, and diagnose mistakes.

The program is rebuilt from the course's (trusted) source notebook: its given cells come
from the source, its solution cells from the submission (matched by nbgrader's grade_id),
and test cells are never run — the checks replace them. Only the .ipynb is read; nothing
beside it is used.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import numpy as np

from autograder import checks
from autograder._runner import changed_argument, decode_output, hold_arguments, name_argument
from autograder.checks import Case, Component, call
from autograder.course import (
    COURSE_DIR,
    InvalidSubmission,
    nbgrader_meta,
    read_notebook,
    source_path,
)
from autograder.library import earlier, library_files
from autograder.sandbox import ChildResult, Sandbox, bwrap_path, cleanup

MAGIC = re.compile(r"^\s*[%!]", re.MULTILINE)
PRECISION = 1e-9  # the largest error of a float64 result, relative to max(1, max |expected|)


def _without_magics(source: str) -> str:
    """IPython's %magics and !shell lines are not Python: comment them out."""
    return MAGIC.sub(lambda m: m.group(0).replace("%", "# %").replace("!", "# !"), source)


def build_program(submission, source) -> tuple[list[dict], list[str]]:
    """The cells to run: given cells from the source, solution cells from the submission."""
    messages = []
    answers = {}
    for cell in submission["cells"]:
        meta = nbgrader_meta(cell) if isinstance(cell, dict) else {}
        if (
            cell.get("cell_type") == "code"
            and meta.get("solution")
            and isinstance(meta.get("grade_id"), str)
        ):
            answers[meta["grade_id"]] = str(cell.get("source", ""))
    if not answers:
        messages.append(
            "The notebook carries no nbgrader metadata (cells copied into a new notebook?): "
            "all its code cells were run instead of its solution cells."
        )
        cells = [
            {"name": f"cell {i}", "source": _without_magics(str(c.get("source", "")))}
            for i, c in enumerate(submission["cells"])
            if c.get("cell_type") == "code"
        ]
        return cells, messages
    cells = []
    for cell in source["cells"]:
        meta = nbgrader_meta(cell)
        if cell["cell_type"] != "code" or meta.get("grade"):
            continue  # test cells never run: the checks replace them
        if meta.get("solution"):
            grade_id = meta["grade_id"]
            if grade_id not in answers:
                messages.append(
                    f"Solution cell '{grade_id}' is missing from the notebook (deleted or re-tagged): "
                    "its functions count as not written."
                )
                continue
            cells.append(
                {
                    "name": f"solution cell '{grade_id}'",
                    "source": _without_magics(answers[grade_id]),
                }
            )
        else:
            cells.append({"name": "given cell", "source": cell["source"]})
    return cells, messages


# --- comparing outputs ----------------------------------------------------------------------


def flatten_output(value: Any, label: str = "output") -> list[tuple[str, Any]]:
    """(label, leaf) pairs of a structured output; leaves are arrays, numbers or None."""
    if isinstance(value, tuple | list):
        pairs = []
        for i, v in enumerate(value):
            pairs += flatten_output(v, f"{label}[{i}]")
        return pairs
    if isinstance(value, dict):
        pairs = []
        for k in sorted(value):
            pairs += flatten_output(value[k], f"{label}[{k!r}]")
        return pairs
    return [(label, value)]


def load_output(spec: dict, folder: Path) -> Any:
    """Rebuild the child's output from its description (see ``_runner``'s wire format)."""
    return decode_output(spec, folder, np)


def compare(student: Any, expected: Any, component: Component) -> str | None:
    """None when ``student`` matches ``expected``; else what differs, in plain words."""
    got, want = flatten_output(student), flatten_output(expected)
    if [label for label, _ in got] != [label for label, _ in want]:
        return f"expected {_describe(expected)}, got {_describe(student)}"
    for (label, s), (_, e) in zip(got, want, strict=True):
        if e is None or s is None:
            if (e is None) != (s is None):
                return f"{label}: expected {_describe(e)}, got {_describe(s)}"
            continue
        # float32 results carry about 7 digits: two right float32 computations differ there
        single = np.asarray(e).dtype == np.float32
        double = np.asarray(e).dtype == np.float64 and np.asarray(s).dtype == np.float64
        rtol = max(component.rtol, 1e-5) if single else component.rtol
        atol = max(component.atol, 1e-6) if single else component.atol
        s, e = np.asarray(s), np.asarray(e, dtype=float)
        if s.shape != e.shape:
            return f"{label}: expected shape {e.shape}, got shape {s.shape}"
        s = s.astype(float)
        if not np.all(np.isfinite(s)) and np.all(np.isfinite(e)):
            return f"{label}: contains {'NaN' if np.isnan(s).any() else 'inf'} (overflow?) where every value should be finite"
        scale = max(1.0, float(np.max(np.abs(e)))) if e.size else 1.0
        close = np.isclose(s, e, rtol=rtol, atol=atol * scale)
        if not np.all(close):
            first = tuple(int(i) for i in np.argwhere(~close)[0])
            where = f" at index {first}" if e.ndim else ""
            return (
                f"{label}: wrong value{where}: expected {e[first]:.6g}, got {s[first]:.6g} "
                f"(max abs error {np.max(np.abs(s - e)):.3g}, {int((~close).sum())} of {e.size} values wrong)"
            )
        # float64 carries ~16 digits, float32 ~7: right float64 computations agree far below
        # 1e-9, a float64 result computed through float32 is off by ~1e-7 (within rtol)
        error = float(np.max(np.abs(s - e))) if e.size else 0.0
        if double and error > PRECISION * scale:
            return (
                f"{label}: a float64 result only about float32-accurate (max abs error "
                f"{error:.3g}): compute in float64 throughout, no float32 step in between"
            )
    return None


def error_map(student: Any, expected: Any, size: int = 48) -> dict | None:
    """|student - expected| of the first differing array, as a small 2-D grid for a heatmap
    (the slice holding the largest error when there are more than two axes)."""
    for (label, s), (_, e) in zip(flatten_output(student), flatten_output(expected), strict=False):
        if s is None or e is None or np.shape(s) != np.shape(e) or np.ndim(e) == 0:
            continue
        diff = np.abs(np.asarray(s, dtype=float) - np.asarray(e, dtype=float))
        if not np.any(diff > 1e-9):
            continue
        diff = np.nan_to_num(diff, nan=np.inf)
        while diff.ndim > 2:
            diff = diff[np.unravel_index(np.argmax(diff), diff.shape)[0]]
        diff = np.atleast_2d(diff)[:size, :size]
        finite = np.where(
            np.isfinite(diff), diff, np.nanmax(diff[np.isfinite(diff)], initial=1.0) * 2
        )
        return {"label": label, "values": np.round(finite, 6).tolist()}
    return None


def judge(component: Component, student: Any, expected: Any, case: Case) -> str:
    """'' when the student's output is right for this case, else what differs.

    The properties every component shares (dtype, finiteness) are checked first, for every
    component, then the values (by the component's own ``compare`` if it has one).
    """
    broken = check_properties(student, expected, case)
    if broken:
        return broken
    if component.compare is not None:
        return component.compare(student, expected, case) or ""
    return compare(student, expected, component) or ""


def check_properties(student: Any, expected: Any, case: Case) -> str | None:
    """What breaks the contract every output follows, beyond its values; None if nothing.

    Where the reference gives integers (counts, sizes), the student's leaf must not be a
    float. Where the reference gives floats, the student's leaf must be floats of the same dtype (a
    float64 input gives a float64 result, float32 stays float32: a float32 result loses half
    the digits, an integer one all of them), of the same shape; and wherever the reference is
    finite the student's must be too: a NaN or inf there is an overflow, explained by the
    case's ``hint`` when the topic has a stability story.
    """
    got, want = flatten_output(student), flatten_output(expected)
    if [label for label, _ in got] != [label for label, _ in want]:
        return None  # the structure is compare's to explain
    for (label, s), (_, e) in zip(got, want, strict=True):
        if s is None or e is None:
            continue
        s, e = np.asarray(s), np.asarray(e)
        if e.dtype.kind in "iu" and s.dtype.kind == "f":
            return (
                f"{label}: the result is a float ({s.dtype}) where it should be an integer: "
                "counts and sizes are whole numbers (divide with //, not /)"
            )
        if e.dtype.kind != "f" or s.dtype.kind not in "biuf":
            continue
        if s.shape != e.shape:
            return f"{label}: expected shape {e.shape}, got shape {s.shape}"
        if s.dtype != e.dtype:
            return (
                f"{label}: the result has dtype {s.dtype}, expected {e.dtype} "
                f"(keep the dtype of the input: a {e.dtype} input gives a {e.dtype} result)"
            )
        bad = ~np.isfinite(s) & np.isfinite(e)
        if np.any(bad):
            what = "NaN" if np.isnan(s[bad]).any() else "inf"
            if case.hint:
                return f"{label}: {what} {case.hint}"
            return f"{label}: contains {what} (overflow?) where every value should be finite"
    return None


def changed_message(changed: Any) -> str | None:
    """The failure for an argument the student's function changed (the child's report)."""
    if not isinstance(changed, dict):
        return None
    label = str(changed.get("argument", "?"))[:120]
    how = changed.get("how")
    if how == "rounding":
        return (
            f"your function changed its argument `{label}` (the caller's array) by round-off: "
            "x + eps - eps is not always x; save the old value and put it back"
        )
    if how in ("shape", "dtype"):
        return f"your function changed the {how} of its argument `{label}` (the caller's array)"
    if how == "entries":
        return (
            f"your function replaced entries of its argument `{label}` (the caller's "
            "container): leave the caller's dict or list as it was given"
        )
    return f"your function changed its argument `{label}` (the caller's array): work on a copy"


def fresh_seed() -> int:
    """A seed nobody can predict, for inputs the student never sees."""
    return int(np.random.SeedSequence().entropy % 2**32)


def _describe(value: Any) -> str:
    if value is None:
        return "None (nothing returned)"
    if isinstance(value, tuple | list):
        return f"a tuple of {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(value)}"
    return f"an array of shape {np.shape(value)}"


def diagnose(student: Any, component: Component, case: Case) -> str | None:
    """The known mistake whose output the student's output matches, if any."""
    for variant in component.variants:
        if variant.function and variant.function != component.function_of(case):
            continue  # a mistake in another function of the component
        try:
            with np.errstate(all="ignore"):
                wrong = call(variant.compute, case)
        except Exception:  # noqa: BLE001 - a variant may not apply to this case
            continue
        got, want = flatten_output(student), flatten_output(wrong)
        if [a for a, _ in got] != [a for a, _ in want]:
            continue
        if all(_same(s, w) for (_, s), (_, w) in zip(got, want, strict=True)):
            return variant.message
    return None


def _same_output(student: Any, expected: Any) -> bool:
    """Whether two structured outputs hold the same values (to diagnosis tolerance)."""
    got, want = flatten_output(student), flatten_output(expected)
    if [a for a, _ in got] != [a for a, _ in want]:
        return False
    try:
        return all(_same(s, e) for (_, s), (_, e) in zip(got, want, strict=True))
    except (TypeError, ValueError):  # not numbers: not the same
        return False


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=1e-6, atol=1e-8, equal_nan=True))


# --- grading --------------------------------------------------------------------------------


def grade_component(
    component: Component,
    cells: list[dict],
    rng: np.random.Generator,
    sandbox: Sandbox,
    timeout: float | None = None,
    sandbox_slots: threading.Semaphore | None = None,
) -> dict:
    """Run one component's cases on the submission's code in a fresh child of the
    submission's ``sandbox`` (which holds the student library the code may import) and score
    them.

    ``sandbox_slots``: held while the child runs, so that several components can compute
    their references at once while only so many children run.
    """
    cases = component.cases(rng)
    calls = [
        {
            "function": component.function_of(c),
            "args": list(c.args),
            "kwargs": c.kwargs,
            "output_arg": c.output_arg,
            "interned": c.interned,
        }
        for c in cases
    ]
    timeout = component.timeout if timeout is None else min(timeout, component.timeout)
    # the references are computed while the sandbox runs (the first one loads the kernels)
    with ThreadPoolExecutor(max_workers=1) as references:
        computing = references.submit(lambda: [component.expected(case) for case in cases])
        with sandbox_slots or nullcontext():
            child: ChildResult = sandbox.run(cells, calls, timeout)
    try:
        expected = computing.result()
        records = child.results.get("cases")
        records = records if isinstance(records, list) else []
        case_reports, diagnoses, heatmap = [], [], None
        for index, case in enumerate(cases):
            record = records[index] if index < len(records) else None
            report, diagnosis, errors = _judge_case(component, case, record, child, expected[index])
            case_reports.append(report)
            diagnoses += [diagnosis] if diagnosis else []
            heatmap = heatmap or errors
    finally:
        cleanup(child)
    return _component_report(component, case_reports, diagnoses, heatmap, child, timeout)


def _judge_case(
    component: Component, case: Case, record: Any, child: ChildResult, expected: Any
) -> tuple[dict, str | None, dict | None]:
    """One case's report, the mistake it matches (if any) and its error heatmap (if wrong);
    ``expected`` is the reference's output for the case."""
    passed, message, diagnosis, heatmap = False, "", None, None
    if not isinstance(record, dict):
        message = (
            "timed out before this case finished"
            if child.status == "timeout"
            else child.detail or "no result (the submission's process ended early)"
        )
    elif not record.get("ok"):
        error = str(record.get("error", "unknown error"))
        message = (
            "not implemented yet (NotImplementedError)"
            if error.startswith("NotImplementedError")
            else f"raised {error}"
        )
    else:
        try:
            student = load_output(record["output"], child.out_dir)
        except Exception as error:  # noqa: BLE001 - a malformed output is the student's failure
            message = f"returned something that is not plain numbers ({error})"
        else:
            # a function that changes the caller's arguments is wrong whatever it returns
            message = changed_message(record.get("changed")) or judge(
                component, student, expected, case
            )
            passed = not message
            # a known mistake explains wrong values only: when the values are right (an
            # argument changed, a dtype lost) any variant that agrees here would be a false lead
            if not passed and not _same_output(student, expected):
                heatmap = error_map(student, expected)
                diagnosis = diagnose(student, component, case)
                if diagnosis:
                    message += f" — {diagnosis}"
    report = {
        "category": case.category,
        "function": component.function_of(case),
        "passed": passed,
        "message": message,
    }
    return report, diagnosis, heatmap


def _component_report(
    component: Component,
    case_reports: list[dict],
    diagnoses: list[str],
    heatmap: dict | None,
    child: ChildResult,
    timeout: float,
) -> dict:
    """Score the categories (each earns its points when all its cases pass) and report."""
    earned = {
        cat: pts
        for cat, pts in component.categories.items()
        if all(r["passed"] for r in case_reports if r["category"] == cat)
        and any(r["category"] == cat for r in case_reports)
    }
    score = float(sum(earned.values()))
    if child.status == "timeout":
        status = "timeout"
    elif child.status == "crashed" and not all(r["passed"] for r in case_reports):
        status = "error"
    else:
        status = "passed" if score == component.max_score else "partial" if score > 0 else "failed"
    report = {
        "name": component.name,
        "function": component.function,
        "score": score,
        "max_score": component.max_score,
        "status": status,
        "cases": case_reports,
        "diagnosis": max(set(diagnoses), key=diagnoses.count) if diagnoses else None,
        "seconds": round(child.seconds, 3),
    }
    if heatmap is not None:
        report["heatmap"] = heatmap
    if child.status == "timeout":
        report["message"] = f"stopped after {timeout:g} s (an endless loop?)"
    elif child.detail:
        report["message"] = child.detail
    stdout = child.results.get("stdout") if isinstance(child.results.get("stdout"), str) else ""
    if stdout:
        report["stdout"] = stdout[:2000]
    cell_errors = child.results.get("cell_errors")
    if isinstance(cell_errors, list) and cell_errors:
        report["cell_errors"] = [
            str(e.get("cell", "")) + ": " + str(e.get("error", ""))[:300]
            for e in cell_errors[:5]
            if isinstance(e, dict)
        ]
    return report


def grade_notebook(
    path: str | Path,
    slug: str,
    seed: int | None = None,
    course_dir: Path = COURSE_DIR,
    use_bwrap: bool | None = None,
    timeout: float | None = None,
    only: Collection[str] | None = None,
    workers: int = 2,
) -> dict:
    """Grade one submission. Never raises for a bad submission: it is reported as "invalid".

    ``timeout`` caps every component's wall-clock time (seconds); each has its own default.
    ``only``: grade just these components (by name), each on the very cases a full grade
    gives it; the score and ``max_score`` count them alone (mutation testing uses it).
    ``workers`` components are graded at once, each in its own sandbox (the result is the
    same: every component draws its cases from its own generator); a batch, which already
    grades several submissions at once, passes 1.
    """
    components = checks.load(slug)
    if only is not None:
        unknown = set(only) - {c.name for c in components}
        if unknown:
            raise ValueError(f"only: {slug} has no component {sorted(unknown)}")
    seed = fresh_seed() if seed is None else int(seed)
    use_bwrap = bwrap_path() is not None if use_bwrap is None else use_bwrap
    graded = [c for c in components if only is None or c.name in only]
    max_score = float(sum(c.max_score for c in graded))
    result = {
        "assignment": slug,
        "submission": str(path),
        "status": "graded",
        "score": 0.0,
        "max_score": max_score,
        "components": [],
        "messages": [],
        "seed": seed,
        "sandbox": "bubblewrap" if use_bwrap else "plain child process",
    }
    if not use_bwrap:
        result["messages"].append(
            "bubblewrap (bwrap) is not installed: the submission ran in a plain child process "
            "with limits, which does not hide the file system. Install bubblewrap for isolation."
        )
    start = time.perf_counter()
    try:
        submission = read_notebook(Path(path))
        cells, messages = build_program(submission, _source_notebook(slug, course_dir))
    except InvalidSubmission as error:
        result.update(status="invalid", messages=result["messages"] + [str(error)])
        result["components"] = [
            {
                "name": c.name,
                "function": c.function,
                "score": 0.0,
                "max_score": c.max_score,
                "status": "error",
                "cases": [],
                "diagnosis": None,
            }
            for c in graded
        ]
        return result
    result["messages"] += messages
    # the reference versions of the earlier assignments: an early mistake costs nothing here
    library = library_files(earlier(slug), course_dir, bytecode=True)
    # a component's index seeds its cases, so ``only`` grades the very cases a full grade does
    indices = [i for i, component in enumerate(components) if component in graded]

    sandbox_slots = threading.BoundedSemaphore(workers)

    # one sandbox for the submission; each component runs in a fresh child of it
    sandbox = Sandbox(use_bwrap, library)

    def grade(index: int) -> dict:
        rng = np.random.default_rng([seed, index])
        component = components[index]
        return grade_component(component, cells, rng, sandbox, timeout, sandbox_slots)

    with sandbox:
        if workers > 1:
            # ``workers`` children at a time, but every component's references start at once:
            # a component whose references wait for the kernels to load (Numba's start, about
            # half a second) does not hold back the children of the next ones
            with ThreadPoolExecutor(max_workers=max(1, len(indices))) as pool:
                result["components"] = list(pool.map(grade, indices))
        else:
            result["components"] = [grade(index) for index in indices]
    result["score"] = float(sum(c["score"] for c in result["components"]))
    result["seconds"] = round(time.perf_counter() - start, 3)
    return result


def _source_notebook(slug: str, course_dir: Path) -> dict:
    """The course's own source notebook, read the same way as a submission."""
    try:
        return read_notebook(source_path(slug, course_dir))
    except InvalidSubmission as error:  # the course itself is broken: not the student's fault
        raise RuntimeError(f"the source notebook of {slug} is unreadable: {error}") from None


def write_json(result: dict, path: Path) -> None:
    tmp = Path(str(path) + ".tmp")
    tmp.write_text(json.dumps(result, indent=2))
    tmp.replace(path)


def check_in_kernel(
    slug: str, component_name: str, namespace: dict, seed: int | None = None
) -> None:
    """For nbgrader's hidden tests: run one component's cases on the notebook's own functions.

    Raises ``AssertionError`` naming the first failing case, what differs and, when it is
    recognised, the likely mistake. This runs inside the student's kernel, so it is a teaching
    aid and nbgrader's score; the sandboxed ``autograder`` commands are the tamper-proof grade.
    """
    from autograder.checks import NAMED_FUNCTIONS, Named, copy_args

    components = checks.load(slug)
    found = [(i, c) for i, c in enumerate(components) if c.name == component_name]
    if not found:
        raise ValueError(
            f"{slug} has no component {component_name!r}; known: {[c.name for c in components]}"
        )
    index, component = found[0]
    seed = fresh_seed() if seed is None else seed
    for case in component.cases(np.random.default_rng([seed, index])):
        name = component.function_of(case)
        function = namespace.get(name)
        if not callable(function):
            raise AssertionError(f"the notebook does not define {name}()")
        args = tuple(
            NAMED_FUNCTIONS[a.name] if isinstance(a, Named) else a for a in copy_args(case.args)
        )
        held = dict(args[case.output_arg]) if case.output_arg is not None else None
        before = hold_arguments(args, case.kwargs, case.output_arg, np)
        student = function(*args, **case.kwargs)
        if held is not None:  # in place: judge the very arrays that were handed in
            student = held
        expected = component.expected(case)
        changed = changed_argument(before, np)
        message = (changed_message(name_argument(changed, function)) if changed else None) or judge(
            component, student, expected, case
        )
        if message:
            found = diagnose(student, component, case)
            raise AssertionError(
                f"{name}, {case.category} case: {message}"
                + (f" — likely mistake: {found}" if found else "")
            )
