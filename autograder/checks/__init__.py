"""Checks: what each graded component calls, on which inputs, and how it is compared.

One module per assignment slug (``checks/convolution.py`` ...) defines ``COMPONENTS``: one
``Component`` per autograded nbgrader test cell (same name, same points). A component's cases
come in named categories worth points each; a category earns its points when all its cases
pass. Inputs are generated in the grader's process from a seed the student never sees, the
expected values come from ``solutions``, and when a case fails, the student's output is
compared with known wrong variants (``Variant``) to say which mistake it matches.

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
    functions that work in place)."""

    category: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    output_arg: int | None = None
    function: str | None = None  # overrides the component's function for this case


@dataclass(frozen=True)
class Named:
    """An argument that is a function: passed to the sandbox by name (no code crosses over).
    The runner and the grader both look the name up in ``NAMED_FUNCTIONS``."""

    name: str


# the table lives in the sandbox runner, which cannot import this package
from autograder._runner import NAMED_FUNCTIONS  # noqa: E402


@dataclass
class Variant:
    """A known mistake: ``compute`` takes the case's arguments and returns the wrong output."""

    message: str
    compute: Callable[..., Any]


@dataclass
class Component:
    """One graded function, matching one nbgrader test cell."""

    name: str  # the test cell's grade_id
    function: str  # the student's function that is called
    reference: Callable[..., Any] | dict[str, Callable[..., Any]]
    categories: dict[str, int]  # category -> points; their sum is the test cell's points
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


def call(function: Callable[..., Any], case: Case) -> Any:
    """Call a trusted function (reference or variant) on a copy of the case's arguments."""
    args = tuple(
        NAMED_FUNCTIONS[a.name] if isinstance(a, Named) else a for a in copy_args(case.args)
    )
    out = function(*args, **case.kwargs)
    return args[case.output_arg] if case.output_arg is not None else out


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


def randn(rng: np.random.Generator, *shape: int) -> np.ndarray:
    return rng.standard_normal(shape)
