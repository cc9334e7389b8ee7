"""Checks: what each graded component calls, on which inputs, and how it is compared.

One module per assignment slug (``checks/convolution.py`` ...) defines ``COMPONENTS``: one
``Component`` per autograded nbgrader test cell (same name, same points). A component's cases
come in named categories worth points each; a category earns its points when all its cases
pass. Inputs are generated in the grader's process from a seed the student never sees, the
expected values come from ``solutions``, and when a case fails, the student's output is
compared with known wrong variants (``Variant``) to say which mistake it matches.

The classic misconceptions of each assignment are written once, as the code a student would
write (``Mistake``, in the module's ``MISTAKES``): ``attach_mistakes`` turns each into a
``Variant`` of its component, and ``autograder.samples`` plants the same code in sample
submissions and in the tests that check the visible tests catch it. The misconceptions met in
the corpus of student submissions (``tests/corpus/<slug>/``) are written the same way, in the
module's ``RECOGNISED``: the grader recognises them; they are not planted in the samples.

Beyond the values, every case of every component is held to the same properties, written
once and on by default (no check module opts in):

- the caller's arguments come back bitwise unchanged (arrays, dict values, list items; dtype
  and shape too), except a case's ``output_arg``, which the contract updates in place: the
  sandbox's runner copies them before the call and compares after it (``_runner``'s
  ``hold_arguments``/``changed_argument``), the grader fails the case naming the argument;
- where the reference returns floats, the result has the same dtype and shape (float64 in,
  float64 out; float32 stays float32), and no NaN or inf where the reference is finite; a
  case's ``hint`` says what such an overflow means for its topic (``grader.check_properties``);
- a known mistake (``Variant``) is only offered as a diagnosis for wrong values.

What stays per topic is the choice of inputs: magnitudes with a stability story, test
functions that couple entries, dict keys in another order, enough cases per category.

The same checks serve the project's tests, the notebooks' hidden tests and the CLI.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Case:
    """One call: ``function(*args, **kwargs)``; arrays, numbers, strings, lists and dicts of
    arrays are allowed. ``output_arg`` set: the result is that argument after the call (for
    functions that work in place); every other argument must come back unchanged. ``hint``:
    what a NaN or inf where the reference is finite means for this case's topic."""

    category: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    output_arg: int | None = None
    function: str | None = None  # overrides the component's function for this case
    # what a NaN or inf where the reference is finite means here, after "NaN "/"inf ": the
    # topic's stability story (e.g. "for logits of magnitude 1000 — subtract each row's max")
    hint: str = ""
    # strings of the arguments interned, as literals in a notebook are; False: fresh, as strings
    # built or read at run time are (code comparing strings with `is` fails on one or the other)
    interned: bool = True


# the table lives in the sandbox runner, which cannot import this package
from autograder._runner import NAMED_FUNCTIONS, Named  # noqa: E402, F401 - Named is re-exported


@dataclass
class Variant:
    """A known mistake: ``compute`` takes the case's arguments and returns the wrong output."""

    message: str
    compute: Callable[..., Any]
    # set: the mistake lives in this one function, so only its cases are compared with it
    function: str | None = None


@dataclass(frozen=True)
class Mistake:
    """A classic misconception, written once as the code a student would write.

    ``code`` (re)defines ``function``; appended to the correct ``cell`` (a solution cell's
    grade_id) it makes a sample submission with that mistake. Run by the grader with the
    assignment's reference functions under the student's names, it is the ``Variant`` that
    recognises the mistake in a student's output and answers with ``diagnosis``.
    """

    cell: str  # the solution cell it is planted in
    component: str  # the graded component (test cell) it costs points in
    function: str  # the function that ``code`` defines
    summary: str  # what the student did, in a few words
    diagnosis: str  # what the grader tells the student
    code: str

    def variant(self, names: dict[str, Callable[..., Any]]) -> Variant:
        """The mistake as a Variant; ``names``: the functions the student's code may call."""

        def compute(*args, **kwargs):
            scope = {"np": np, **names}
            exec(compile(self.code, f"<mistake {self.cell}>", "exec"), scope)  # trusted: ours
            return scope[self.function](*args, **kwargs)

        return Variant(self.diagnosis, compute, self.function)


@dataclass
class Component:
    """One graded function, matching one nbgrader test cell."""

    name: str  # the test cell's grade_id
    function: str  # the student's function that is called
    reference: Callable[..., Any] | dict[str, Callable[..., Any]]
    categories: dict[str, float]  # category -> points; their sum is the test cell's points
    cases: Callable[[np.random.Generator], list[Case]]
    variants: list[Variant] = field(default_factory=list)
    rtol: float = 1e-6
    atol: float = 1e-8  # relative to max(1, max |expected|)
    timeout: float = 20.0
    # optional: (student output, expected, case) -> None if right, else a message
    compare: Callable[[Any, Any, Case], str | None] | None = None

    @property
    def max_score(self) -> float:
        return float(sum(self.categories.values()))

    def function_of(self, case: Case) -> str:
        return case.function or self.function

    def expected(self, case: Case) -> Any:
        """The reference output for a case (computed in the grader's process)."""
        return call(self.reference_of(case), case)

    def reference_of(self, case: Case) -> Callable[..., Any]:
        if isinstance(self.reference, dict):
            return self.reference[self.function_of(case)]
        return self.reference

    def references(self) -> dict[str, Callable[..., Any]]:
        """The reference of every function this component calls, by the student's name."""
        if isinstance(self.reference, dict):
            return dict(self.reference)
        return {self.function: self.reference}


def attach_mistakes(components: list[Component], mistakes: list[Mistake]) -> list[Component]:
    """Give each component the Variants of its mistakes (after its hand-written ones).

    A mistake's code sees numpy as ``np``, every public name of ``solutions`` and, under the
    student's names, the reference functions of all of the assignment's components.
    """
    import solutions

    names = {name: getattr(solutions, name) for name in solutions.__all__}
    for component in components:
        names.update(component.references())
    by_name = {component.name: component for component in components}
    for mistake in mistakes:
        if mistake.component not in by_name:
            raise ValueError(f"mistake {mistake.summary!r}: no component {mistake.component!r}")
        by_name[mistake.component].variants.append(mistake.variant(names))
    return components


def add_cases(
    components: list[Component], more: dict[str, Callable[[np.random.Generator], list[Case]]]
) -> list[Component]:
    """Append the cases ``more[name]`` draws to component ``name``'s own (drawn after them,
    so a seed still draws the same first cases)."""
    by_name = {component.name: component for component in components}
    for name, draw in more.items():
        component = by_name[name]
        component.cases = _chained(component.cases, draw)
    return components


def _chained(first, then):
    return lambda rng: first(rng) + then(rng)


def call(function: Callable[..., Any], case: Case) -> Any:
    """Call a trusted function (reference or variant) on a copy of the case's arguments.

    For an in-place case the result is the argument as the runner sees it: the very arrays
    handed in (a dict's entries as they were before the call), after the call.
    """
    args = tuple(
        NAMED_FUNCTIONS[a.name] if isinstance(a, Named) else a for a in copy_args(case.args)
    )
    held = None
    if case.output_arg is not None:
        given = args[case.output_arg]
        held = dict(given) if isinstance(given, dict) else given
    out = function(*args, **case.kwargs)
    return held if case.output_arg is not None else out


def copy_args(args: tuple) -> tuple:
    """Deep-enough copy, so that an in-place reference never touches the case's inputs."""
    return tuple(
        {k: np.array(v) for k, v in a.items()}
        if isinstance(a, dict)
        else np.array(a)
        if isinstance(a, np.ndarray)
        else a
        for a in args
    )


def load(slug: str) -> list[Component]:
    """The components of one assignment."""
    from autograder.course import SLUGS

    if slug not in SLUGS:
        raise ValueError(f"unknown assignment {slug!r}; known: {', '.join(SLUGS)}")
    return importlib.import_module(f"autograder.checks.{slug.replace('-', '_')}").COMPONENTS


def mistakes(slug: str) -> list[Mistake]:
    """The classic mistakes of one assignment, one per solution cell at least."""
    load(slug)
    return importlib.import_module(f"autograder.checks.{slug.replace('-', '_')}").MISTAKES


def randn(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.standard_normal(shape)
