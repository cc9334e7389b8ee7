"""cnnlib: your own library for CNN from Scratch.

This folder sits next to the assignment folders (``cnnlib/`` beside ``convolution/``,
``channels/``, ...). The last cell of every assignment saves the functions you wrote into
``cnnlib/<assignment>.py``; later assignments import them from there, so the ``conv2d`` you
write in assignment 2 is the one you extend in assignments 3 and 4 and differentiate in
assignment 8.

- ``save(slug, *functions)`` writes the source of your functions (and the imports they
  need) to ``cnnlib/<slug>.py`` (a ``-`` in the slug becomes ``_``).
- ``require(slug, *names)`` returns your functions saved by assignment ``slug``: one
  function for one name, else a tuple in the order asked. It says what to do when the
  assignment was not saved yet, and warns when a function fails a quick check.
- ``check_close(name, actual, expected)`` and ``check_gradient(name, analytic, numeric,
  threshold)`` are what the visible tests use: when they fail, they say what was expected
  and what came back.
- ``source(slug, name)`` returns the saved source of one of your functions, to extend it.

Only this file is provided by the course; the other modules are yours (the notebooks write
them: do not edit them by hand). It needs numpy and the standard library only.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np

__all__ = [
    "LibraryError",
    "LibraryWarning",
    "check_close",
    "check_gradient",
    "require",
    "save",
    "source",
]

LIBRARY = Path(__file__).resolve().parent
# Set by the course's autograder inside its sandbox: there the library holds the reference
# versions of the earlier assignments, save() writes nothing and require() checks nothing.
GRADING_ENV = "CNNLIB_GRADING"
# how many values of an array a failure message shows in full
SHOW_FULL = 25


class LibraryError(ImportError):
    """An assignment's module or one of its functions is missing, or does not load."""


class LibraryWarning(UserWarning):
    """A function from an earlier assignment fails its quick check."""


def _grading() -> bool:
    return os.environ.get(GRADING_ENV) == "1"


def _module_name(slug: str) -> str:
    if not isinstance(slug, str) or not slug.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"slug must be an assignment's name such as 'channels', got {slug!r}")
    return slug.replace("-", "_")


def _module_path(slug: str) -> Path:
    return LIBRARY / f"{_module_name(slug)}.py"


def _notebook(slug: str) -> str:
    """The assignment's notebook, as a path the student can follow from here."""
    path = LIBRARY.parent / slug / f"{slug}.ipynb"
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)


def _what_to_do(slug: str, names) -> str:
    which = ", ".join(names)
    return (
        f"Open {_notebook(slug)}, complete {which}, and run the notebook to its last cell: "
        f"that cell saves your functions into cnnlib/{_module_name(slug)}.py."
    )


# --- visible-test helpers ---------------------------------------------------------------


def check_close(name: str, actual, expected, rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """Raise an ``AssertionError`` that explains how ``actual`` differs from ``expected``.

    ``actual`` and ``expected`` are arrays (or numbers), or tuples/lists/dicts of them when
    a function returns several results (``expected`` a tuple: ``actual`` must be one too).
    A scalar ``expected`` stands for an array of ``actual``'s shape. Values are close when
    ``|actual - expected| <= atol + rtol * |expected|`` everywhere. The message gives the
    shapes and dtypes, the first wrong index with both values and the largest absolute and
    relative errors.
    """
    problem = _difference(name, actual, expected, rtol, atol)
    if problem:
        raise AssertionError(problem)


def check_gradient(name: str, analytic, numeric, threshold: float = 1e-7) -> float:
    """Compare a gradient with its numerical estimate; return the relative error.

    The relative error is ``max |a - n| / max(1e-8, |a| + |n|)`` over the entries
    (``analytic`` a, ``numeric`` n, arrays of one shape). Raises an ``AssertionError`` when
    it is above ``threshold``, naming the worst entry.
    """
    a, n = np.asarray(analytic), np.asarray(numeric)
    if analytic is None:
        raise AssertionError(f"{name}: got None (nothing returned: is a `return` missing?)")
    if a.dtype.kind not in "biuf":
        raise AssertionError(f"{name}: expected an array of numbers, got {_describe(analytic)}")
    if a.shape != n.shape:
        raise AssertionError(
            f"{name}: the gradient has shape {a.shape}, but the numerical gradient has shape "
            f"{n.shape} (a gradient has the shape of what it differentiates)"
        )
    a, n = a.astype(float), n.astype(float)
    if not np.all(np.isfinite(a)):
        where = _index(np.argwhere(~np.isfinite(a))[0])
        raise AssertionError(f"{name}: the gradient holds {a[where]} at index {where}")
    if a.size == 0:
        return 0.0
    relative = np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))
    worst = _index(np.unravel_index(int(np.argmax(relative)), relative.shape))
    error = float(relative[worst])
    if not error <= threshold:
        where = f" at index {worst}" if a.ndim else ""
        raise AssertionError(
            f"{name}: relative error {error:.2e} against the numerical gradient, above the "
            f"threshold {threshold:.0e} (worst{where}: yours {a[worst]:.6g}, numerical "
            f"{n[worst]:.6g}; {int((relative > threshold).sum())} of {a.size} entries above). "
            "In float64, below 1e-7 is right; above 1e-2 the gradient is almost certainly wrong."
        )
    return error


def _difference(label: str, actual, expected, rtol: float, atol: float) -> str | None:
    """None when ``actual`` matches ``expected``, else what differs, in plain words."""
    if isinstance(expected, tuple | dict) or (
        isinstance(expected, list) and any(isinstance(e, tuple | dict) for e in expected)
    ):
        return _structure_difference(label, actual, expected, rtol, atol)
    if actual is None:
        return f"{label}: got None (nothing returned: is a `return` missing?)"
    if isinstance(actual, tuple | dict):
        return f"{label}: expected one array, got {_describe(actual)}"
    try:
        a = np.asarray(actual)
    except Exception:  # noqa: BLE001 - anything that is not an array is the student's to fix
        return f"{label}: expected an array of numbers, got {_describe(actual)}"
    e = np.asarray(expected)
    if a.dtype.kind not in "biuf":
        return f"{label}: expected numbers, got {_describe(actual)}"
    if e.ndim and a.shape != e.shape:
        return f"{label}: expected shape {e.shape}, got shape {a.shape} (dtype {a.dtype})"
    if isinstance(expected, np.ndarray) and e.dtype.kind == "f" and a.dtype != e.dtype:
        return (
            f"{label}: expected dtype {e.dtype}, got dtype {a.dtype} (keep the dtype of the "
            f"input: a {e.dtype} input gives a {e.dtype} result)"
        )
    e = np.broadcast_to(e, a.shape)
    af, ef = a.astype(float), e.astype(float)
    bad = ~np.isfinite(af) & np.isfinite(ef)
    if np.any(bad):
        where = _index(np.argwhere(bad)[0])
        return (
            f"{label}: got {af[where]} at index {where} where {ef[where]:.6g} was expected "
            "(an overflow, or a division by zero?)" + _both(af, ef)
        )
    close = np.isclose(af, ef, rtol=rtol, atol=atol, equal_nan=True)
    if np.all(close):
        return None
    first = _index(np.argwhere(~close)[0])
    error = np.where(np.isnan(af) & np.isnan(ef), 0.0, np.abs(af - ef))
    relative = error / np.maximum(np.abs(ef), np.finfo(float).tiny)
    worst = _index(np.unravel_index(int(np.argmax(error)), error.shape))
    where = f" at index {first}" if a.ndim else ""
    return (
        f"{label}: {int((~close).sum())} of {a.size} values wrong; first{where}: expected "
        f"{ef[first]:.6g}, got {af[first]:.6g}. Largest absolute error {error[worst]:.3g}"
        f"{f' (at index {worst})' if a.ndim else ''}, largest relative error "
        f"{float(np.max(relative)):.3g} (allowed: atol={atol:g} + rtol={rtol:g} x |expected|); "
        f"shape {a.shape}, dtype {a.dtype}." + _both(af, ef)
    )


def _structure_difference(label, actual, expected, rtol, atol) -> str | None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{label}: expected a dict with keys {sorted(expected)}, got {_describe(actual)}"
        if sorted(actual) != sorted(expected):
            return f"{label}: expected the keys {sorted(expected)}, got {sorted(actual)}"
        for key in expected:
            problem = _difference(f"{label}[{key!r}]", actual[key], expected[key], rtol, atol)
            if problem:
                return problem
        return None
    if not isinstance(actual, tuple | list):
        return f"{label}: expected a tuple of {len(expected)} results, got {_describe(actual)}"
    if len(actual) != len(expected):
        return f"{label}: expected {len(expected)} results, got {len(actual)}"
    for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
        problem = _difference(f"{label}[{i}]", a, e, rtol, atol)
        if problem:
            return problem
    return None


def _index(index) -> tuple[int, ...]:
    return tuple(int(i) for i in index)


def _both(actual: np.ndarray, expected: np.ndarray) -> str:
    """Small arrays are shown whole: the pattern of the mistake is often visible."""
    if actual.size > SHOW_FULL or actual.ndim == 0:
        return ""
    with np.printoptions(precision=6, suppress=True):
        return f"\nexpected:\n{expected}\ngot:\n{actual}"


def _describe(value) -> str:
    if value is None:
        return "None"
    if isinstance(value, tuple | list):
        return f"a {type(value).__name__} of {len(value)}"
    if isinstance(value, dict):
        return f"a dict with keys {sorted(map(str, value))}"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}, dtype {value.dtype}"
    if isinstance(value, int | float | np.number):
        return f"the number {value!r}"
    return f"a {type(value).__name__}"


# --- require ----------------------------------------------------------------------------


def require(slug: str, *names: str):
    """Your functions ``names`` from assignment ``slug`` (saved in ``cnnlib/<slug>.py``).

    Returns the function for one name, else a tuple in the order of ``names``. Raises
    ``LibraryError`` naming the assignment and the function when either is missing, and
    warns (``LibraryWarning``) when a function fails its quick check.
    """
    if not names:
        raise TypeError("require(slug, name, ...): name at least one function")
    module = _load(slug, names)
    found = []
    for name in names:
        function = getattr(module, name, None)
        if not callable(function):
            saved = sorted(
                n
                for n, v in vars(module).items()
                if getattr(v, "__module__", None) == module.__name__ and not n.startswith("_")
            )
            raise LibraryError(
                f"Assignment {slug!r} saved no function {name}() in cnnlib/"
                f"{_module_name(slug)}.py (it holds: {', '.join(saved) or 'nothing'}). "
                + _what_to_do(slug, [name])
            )
        found.append(function)
    if not _grading():
        for name, function in zip(names, found, strict=True):
            problem = self_check(slug, name, function)
            if problem:
                warnings.warn(
                    f"Your {name}() from assignment {slug!r} fails its check: {problem}\n"
                    f"What this notebook computes with it will be wrong too. Fix {name} in "
                    f"{_notebook(slug)} and run that notebook to its last cell (it saves "
                    f"cnnlib/{_module_name(slug)}.py).",
                    LibraryWarning,
                    stacklevel=2,
                )
    return found[0] if len(found) == 1 else tuple(found)


def _load(slug: str, names):
    """Load ``cnnlib/<slug>.py`` afresh (the notebook may have saved it again since)."""
    import importlib.util

    path = _module_path(slug)
    if not path.is_file():
        raise LibraryError(
            f"Assignment {slug!r} is not in your library yet (cnnlib/{path.name} is missing), "
            f"so {', '.join(n + '()' for n in names)} cannot be loaded. " + _what_to_do(slug, names)
        )
    qualified = f"{__name__}.{_module_name(slug)}"
    spec = importlib.util.spec_from_file_location(qualified, path)
    module = importlib.util.module_from_spec(spec)
    previous = sys.modules.get(qualified)
    sys.modules[qualified] = module  # inspect.getsource needs it to find the functions' file
    try:
        spec.loader.exec_module(module)
    except LibraryError:
        raise
    except Exception as error:
        if previous is not None:
            sys.modules[qualified] = previous
        else:
            del sys.modules[qualified]
        raise LibraryError(
            f"cnnlib/{path.name} (your functions from assignment {slug!r}) does not load: "
            f"{type(error).__name__}: {error}. Run {_notebook(slug)} again to its last cell "
            "to rewrite it."
        ) from error
    return module


def source(slug: str, name: str) -> str:
    """The source of your function ``name`` as assignment ``slug`` saved it."""
    import inspect

    return inspect.getsource(require(slug, name))


# --- save -------------------------------------------------------------------------------


def save(slug: str, *functions) -> None:
    """Write ``functions`` (with what they need from the notebook) to ``cnnlib/<slug>.py``.

    Everything a function uses from the notebook comes along: modules (``import numpy as
    np``), functions imported from a module, your other helper functions, functions of
    earlier assignments (as ``require`` lines) and plain constants. Under the course's
    grader, which keeps its own library, it writes nothing.
    """
    for function in functions:
        if not callable(function) or not hasattr(function, "__code__"):
            raise TypeError(f"save({slug!r}, ...): {function!r} is not a function")
    path = _module_path(slug)
    if _grading():
        return
    text = _module_text(slug, functions)
    try:
        compile(text, str(path), "exec")
    except SyntaxError as error:  # the notebook ran it, so this should not happen
        warnings.warn(f"save: the module for {slug!r} does not compile ({error})", stacklevel=2)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    names = ", ".join(f.__name__ for f in functions)
    print(f"Saved {names} to cnnlib/{path.name}: later assignments use them from there.")


def _module_text(slug: str, functions) -> str:
    """The module: a header, the imports, the helpers, then the functions, in order."""
    imports, lines = [], []
    written: dict[str, object] = {}  # name -> the object it is bound to in the module
    problems: list[str] = []

    def add(name: str, value, needed_by: str) -> None:
        if name in written and written[name] is value:
            return  # written already, or being written (functions that call each other)
        before = written.get(name)
        written[name] = value
        statement = _binding(name, value, needed_by, add, problems)
        if statement is None:
            written.pop(name) if before is None else written.update({name: before})
            return
        kind, text = statement
        (imports if kind == "import" else lines).append(text)

    for function in functions:
        add(function.__name__, function, function.__name__)
    for problem in problems:
        warnings.warn(f"save({slug!r}): {problem}", LibraryWarning, stacklevel=3)
    header = (
        f'"""Your functions from assignment "{slug}", saved by the last cell of its notebook.\n\n'
        f"Run {slug}/{slug}.ipynb again to update this file; do not edit it by hand.\n"
        '"""\n\n'
        f"ASSIGNMENT = {slug!r}\n"
    )
    imports = sorted(set(imports), key=imports.index)
    body = ""
    for previous, part in zip([None, *lines], lines, strict=False):
        one_line = "\n" not in part.strip()
        # short bindings (requires, constants) stay together; definitions get two blank lines
        joint = "\n" if one_line and previous is not None and "\n" not in previous else "\n\n\n"
        body += (joint if previous is not None else "") + part.strip()
    return header + ("\n" + "\n".join(imports) + "\n" if imports else "") + "\n\n" + body + "\n"


NOTEBOOK_MODULES = ("__main__", "__notebook__", "__submission__", "builtins")


def _binding(name: str, value, needed_by: str, add, problems):
    """How the module binds ``name`` to ``value``: ("import", line) or ("code", text).

    Notebook functions bring their own dependencies first (``add``); what cannot be written
    is recorded in ``problems`` and skipped.
    """
    import ast
    import types

    if isinstance(value, types.ModuleType):
        real = value.__name__
        return "import", f"import {real}" if real == name else f"import {real} as {name}"
    module_name = getattr(value, "__module__", None)
    library = sys.modules.get(module_name) if module_name else None
    if module_name and module_name.startswith(f"{__name__}.") and library is not None:
        assignment = getattr(library, "ASSIGNMENT", module_name.split(".")[-1])
        add("require", require, name)
        return "code", f"{name} = require({assignment!r}, {value.__name__!r})"
    if module_name == __name__:
        line = f"from {__name__} import {value.__name__}"
        return "import", line if name == value.__name__ else f"{line} as {name}"
    if isinstance(value, types.FunctionType) and module_name in (
        *NOTEBOOK_MODULES,
        value.__globals__.get("__name__"),
    ):
        return _notebook_function(name, value, add, problems)
    qualname = getattr(value, "__qualname__", getattr(value, "__name__", None))
    if library is not None and module_name not in NOTEBOOK_MODULES and qualname:
        if getattr(library, qualname, None) is value:
            line = f"from {module_name} import {qualname}"
            return "import", line if qualname == name else f"{line} as {name}"
    numpy_name = getattr(value, "__name__", None)
    if numpy_name and getattr(np, numpy_name, None) is value:  # ufuncs carry no __module__
        line = f"from numpy import {numpy_name}"
        return "import", line if numpy_name == name else f"{line} as {name}"
    try:
        if ast.literal_eval(repr(value)) == value:
            return "code", f"{name} = {value!r}"
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass
    problems.append(
        f"{needed_by}() uses {name}, {_describe(value)} made in the notebook, which cannot be "
        f"saved: compute it inside {needed_by}, or make it a function"
    )
    return None


def _notebook_function(name: str, function, add, problems):
    """A function defined in the notebook: its dependencies, then its source."""
    import builtins
    import inspect
    import textwrap

    try:
        code = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):
        problems.append(f"the source of {function.__name__}() cannot be found, so it is not saved")
        return None
    if function.__name__ == "<lambda>":
        problems.append(f"{name} is a lambda: write it with def to save it")
        return None
    for used in _global_names(function, code):
        if used == function.__name__:
            continue
        if used in function.__globals__:
            add(used, function.__globals__[used], function.__name__)
        elif not hasattr(builtins, used):
            problems.append(
                f"{function.__name__}() uses {used}, which the notebook does not define"
            )
    if name != function.__name__:  # e.g. `_first_conv2d = conv2d`, then conv2d redefined
        code += f"\n\n{name} = {function.__name__}"
    return "code", code


def _global_names(function, code: str) -> list[str]:
    """The global names a function reads: in its body (bytecode) and in its def line
    (decorators, default values and annotations, evaluated when the def runs)."""
    import ast
    import dis

    names: list[str] = []

    def walk(code_object) -> None:
        for instruction in dis.get_instructions(code_object):
            if instruction.opname in ("LOAD_GLOBAL", "LOAD_NAME") and (
                instruction.argval not in names
            ):
                names.append(instruction.argval)
        for constant in code_object.co_consts:
            if hasattr(constant, "co_code"):
                walk(constant)

    walk(function.__code__)
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return names
    definition = tree.body[0] if tree.body else None
    if isinstance(definition, ast.FunctionDef | ast.AsyncFunctionDef):
        parts = [*definition.decorator_list, *definition.args.defaults]
        parts += [d for d in definition.args.kw_defaults if d is not None]
        parts += [a.annotation for a in definition.args.args if a.annotation is not None]
        parts += [definition.returns] if definition.returns is not None else []
        for part in parts:
            for node in ast.walk(part):
                if isinstance(node, ast.Name) and node.id not in names:
                    names.append(node.id)
    return names


# --- the quick checks require runs --------------------------------------------------------
# Small cases worked out by hand (the notebooks' worked examples): enough to tell a student
# that a function their new work builds on is wrong, and which one.


def self_check(slug: str, name: str, function) -> str | None:
    """None when ``function`` (``name`` of assignment ``slug``) passes its quick check (or
    has none), else what went wrong."""
    checks = _CHECKS.get((slug, name))
    if checks is None:
        return None
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for check in checks:
                check(function)
    except NotImplementedError:
        return "it is not written yet (NotImplementedError)."
    except AssertionError as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - any failure of the student's code is reported
        return f"it raises {type(error).__name__}: {error}"
    return None


def _a(*rows) -> np.ndarray:
    return np.array(rows, dtype=float)


def _conv_checks(slug: str) -> list:
    two_channels = np.stack([np.arange(9.0).reshape(3, 3), np.ones((3, 3))])[None]
    kernels = np.stack([np.ones((2, 2)), 2 * np.ones((2, 2))])[None]
    checks = [
        lambda f: check_close(
            "conv2d(x, w, b) on two channels with bias 1",
            f(two_channels, kernels, np.array([1.0])),
            _a([17, 21], [29, 33])[None, None],
            rtol=1e-6,
        ),
        lambda f: check_close(
            "conv2d(ones (1, 1, 4, 4), ones (1, 1, 3, 3), stride=2, padding=1)",
            f(np.ones((1, 1, 4, 4)), np.ones((1, 1, 3, 3)), None, stride=2, padding=1),
            _a([4, 6], [6, 9])[None, None],
            rtol=1e-6,
        ),
    ]
    if slug in ("dilation", "separable"):
        # out[i, j] = x[i, j] + x[i, j+2] + x[i+2, j] + x[i+2, j+2] = 20 i + 4 j + 24
        checks.append(
            lambda f: check_close(
                "conv2d(0..24 in 5x5, ones 2x2, dilation=2)",
                f(np.arange(25.0).reshape(1, 1, 5, 5), np.ones((1, 1, 2, 2)), dilation=2),
                (20 * np.arange(3)[:, None] + 4 * np.arange(3) + 24.0)[None, None],
                rtol=1e-6,
            )
        )
        # taps of rows 2i and 2i + 2 of the padded 7x7: 1, 2, 1 of them fall on the image
        checks.append(
            lambda f: check_close(
                "conv2d(ones 5x5, ones 2x2, stride=2, padding=1, dilation=2)",
                f(np.ones((1, 1, 5, 5)), np.ones((1, 1, 2, 2)), stride=2, padding=1, dilation=2),
                np.outer([1, 2, 1], [1, 2, 1]).astype(float)[None, None],
                rtol=1e-6,
            )
        )
    if slug == "separable":
        ones_twos = np.stack([np.ones((3, 3)), 2 * np.ones((3, 3))])[None]
        checks.append(
            lambda f: check_close(
                "conv2d(channels of ones and twos, ones (2, 1, 2, 2), groups=2)",
                f(ones_twos, np.ones((2, 1, 2, 2)), groups=2),
                np.stack([np.full((2, 2), 4.0), np.full((2, 2), 8.0)])[None],
                rtol=1e-6,
            )
        )
    return checks


def _pooling_x() -> np.ndarray:
    return _a([1, 5, 2, 0], [3, 2, 1, 1], [0, 0, 4, 6], [1, 1, 7, 8])[None, None]


def _close(label, expected, *args, rtol=1e-6, **kwargs):
    """A check: the function called on ``args`` gives ``expected``."""
    return lambda f: check_close(label, f(*args, **kwargs), expected, rtol=rtol)


_X4 = np.array([-2.0, -0.5, 0.0, 1.5])
_PRELU_X = np.array([[[-1.0, 2.0], [-3.0, -4.0]]])
_S1 = 1 / (1 + np.exp(-1.0))  # sigmoid(1)
_TANH_Z = np.linspace(-2, 2, 7)
_SEPARABLE_X = np.stack([np.ones((4, 4)), 2 * np.ones((4, 4)), 3 * np.ones((4, 4))])[None]
_POINTWISE_W = _a([1, 1, 1], [1, 0, -1], [0, 1, 0], [0.5, 0.5, 0.5])[:, :, None, None]
_VALID_TAPS = np.outer([2, 3, 3, 2], [2, 3, 3, 2]).astype(float)  # padding 1, 3x3 on 4x4


def _gradient_check_checks() -> list:
    def right_is_small(f):
        error = float(f(np.tanh, _TANH_Z.copy(), 1 - np.tanh(_TANH_Z) ** 2))
        assert error < 1e-7, f"the true derivative of tanh gives a relative error of {error:.2e}"

    def wrong_is_large(f):
        error = float(f(np.tanh, _TANH_Z.copy(), np.tanh(_TANH_Z)))
        assert error > 1e-2, f"tanh itself instead of its derivative gives only {error:.2e}"

    return [right_is_small, wrong_is_large]


_CHECKS: dict[tuple[str, str], list] = {
    ("convolution", "corr2d"): [
        _close(
            "corr2d(0..8, [[0, 1], [2, 3]])",
            _a([19, 25], [37, 43]),
            np.arange(9.0).reshape(3, 3),
            _a([0, 1], [2, 3]),
        )
    ],
    ("convolution", "pad2d"): [
        _close(
            "pad2d(ones 1x1, (0, 1, 2, 0))", _a([0, 0, 1], [0, 0, 0]), np.ones((1, 1)), (0, 1, 2, 0)
        ),
        _close(
            "pad2d(ones (2, 1, 1, 1), 1) pads the last two axes",
            np.pad(np.ones((2, 1, 1, 1)), ((0, 0), (0, 0), (1, 1), (1, 1))),
            np.ones((2, 1, 1, 1)),
            1,
        ),
    ],
    ("convolution", "convolve2d"): [
        _close(
            "convolve2d(x, [[1, 0], [0, 0]], 'valid') picks the bottom-right neighbour",
            np.arange(12.0).reshape(3, 4)[1:, 1:],
            np.arange(12.0).reshape(3, 4),
            _a([1, 0], [0, 0]),
            "valid",
        ),
        _close(
            "convolve2d([[1, 2]], [[1, 1]], 'full')", _a([1, 3, 2]), _a([1, 2]), _a([1, 1]), "full"
        ),
        _close(
            "convolve2d(ones 3x3, ones 2x2, 'same')",
            _a([4, 4, 2], [4, 4, 2], [2, 2, 1]),
            np.ones((3, 3)),
            np.ones((2, 2)),
            "same",
        ),
    ],
    ("convolution", "conv_output_size"): [
        _close("conv_output_size(8, 3, padding=1, stride=2)", 4, 8, 3, padding=1, stride=2),
        _close("conv_output_size(10, 3, dilation=2)", 6, 10, 3, dilation=2),
    ],
    ("channels", "conv2d"): _conv_checks("channels"),
    ("channels", "conv1x1"): [
        _close(
            "conv1x1(0..11 as (1, 3, 2, 2), [[1, 0, 0], [1, 1, 1]], [0, 10])",
            _a([[0, 1], [2, 3]], [[22, 25], [28, 31]])[None],
            np.arange(12.0).reshape(1, 3, 2, 2),
            _a([1, 0, 0], [1, 1, 1]),
            np.array([0.0, 10.0]),
        )
    ],
    ("channels", "conv2d_cost"): [
        _close("conv2d_cost(3, 4, 3, 5, bias=False)", (108, 2700), 3, 4, 3, 5, bias=False),
        _close("conv2d_cost(3, 4, (3, 3), (5, 5))", (112, 2700), 3, 4, (3, 3), (5, 5)),
        _close(
            "conv2d_cost(3, 3, 3, 5, groups=3, bias=False)",
            (27, 675),
            3,
            3,
            3,
            5,
            groups=3,
            bias=False,
        ),
    ],
    ("dilation", "conv2d"): _conv_checks("dilation"),
    ("dilation", "receptive_field"): [
        _close(
            "receptive_field([(3, 1, 1), (3, 1, 2), (3, 1, 4)])",
            15,
            [(3, 1, 1), (3, 1, 2), (3, 1, 4)],
        ),
        _close("receptive_field([(5,), (2, 2), (5,), (2, 2)])", 16, [(5,), (2, 2), (5,), (2, 2)]),
    ],
    ("separable", "conv2d"): _conv_checks("separable"),
    ("separable", "depthwise_conv2d"): [
        _close(
            "depthwise_conv2d(channels of 1, 2, 3, ones (3, 1, 3, 3))",
            np.array([9.0, 18, 27])[None, :, None, None] * np.ones((1, 3, 2, 2)),
            _SEPARABLE_X,
            np.ones((3, 1, 3, 3)),
        )
    ],
    ("separable", "pointwise_conv2d"): [
        _close(
            "pointwise_conv2d(channels of 1, 2, 3, w (4, 3, 1, 1))",
            np.array([6.0, -2, 2, 3])[None, :, None, None] * np.ones((1, 4, 4, 4)),
            _SEPARABLE_X,
            _POINTWISE_W,
        )
    ],
    ("separable", "separable_conv2d"): [
        _close(
            "separable_conv2d(channels of 1, 2, 3, ones (3, 1, 3, 3), w (4, 3, 1, 1), padding=1)",
            (np.array([6.0, -2, 2, 3])[:, None, None] * _VALID_TAPS)[None],
            _SEPARABLE_X,
            np.ones((3, 1, 3, 3)),
            _POINTWISE_W,
            padding=1,
        )
    ],
    ("activations", "relu"): [_close("relu([-2, -0.5, 0, 1.5])", [0, 0, 0, 1.5], _X4)],
    ("activations", "relu_backward"): [
        _close("relu_backward(ones, [-2, -0.5, 0, 1.5])", [0, 0, 0, 1], np.ones(4), _X4)
    ],
    ("activations", "leaky_relu"): [
        _close("leaky_relu([-2, -0.5, 0, 1.5], 0.1)", [-0.2, -0.05, 0, 1.5], _X4, 0.1)
    ],
    ("activations", "leaky_relu_backward"): [
        _close(
            "leaky_relu_backward(2s, [-2, -0.5, 0, 1.5], 0.1)",
            [0.2, 0.2, 0.2, 2.0],
            np.full(4, 2.0),
            _X4,
            0.1,
        )
    ],
    ("activations", "elu"): [
        _close("elu([0, 2, -inf], 2)", [0, 2, -2], np.array([0.0, 2.0, -np.inf]), 2.0)
    ],
    ("activations", "elu_backward"): [
        _close(
            "elu_backward(ones, [0, 1, log 0.5])",
            [1, 1, 0.5],
            np.ones(3),
            np.array([0.0, 1.0, np.log(0.5)]),
        )
    ],
    ("activations", "prelu"): [
        _close(
            "prelu(x, [0.5, 0.1])", [[[-0.5, 2.0], [-0.3, -0.4]]], _PRELU_X, np.array([0.5, 0.1])
        )
    ],
    ("activations", "prelu_backward"): [
        _close(
            "prelu_backward(ones, x, [0.5, 0.1])",
            (_a([[0.5, 1.0], [0.1, 0.1]]), _a(-1, -7)),
            np.ones((1, 2, 2)),
            _PRELU_X,
            np.array([0.5, 0.1]),
        )
    ],
    ("activations", "sigmoid"): [
        _close(
            "sigmoid([-1000, 0, 1000, log 3])",
            [0, 0.5, 1, 0.75],
            np.array([-1000.0, 0.0, 1000.0, np.log(3.0)]),
        )
    ],
    ("activations", "sigmoid_backward"): [
        _close(
            "sigmoid_backward(ones, [0, log 3])",
            [0.25, 0.1875],
            np.ones(2),
            np.array([0.0, np.log(3.0)]),
        )
    ],
    ("activations", "tanh_backward"): [
        _close(
            "tanh_backward(ones, [0, artanh 0.5])",
            [1, 0.75],
            np.ones(2),
            np.array([0.0, np.arctanh(0.5)]),
        )
    ],
    ("activations", "maxout"): [_close("maxout([[1, 3, 2, 2]], 2)", [[3, 2]], _a([1, 3, 2, 2]), 2)],
    ("activations", "maxout_backward"): [
        _close(
            "maxout_backward([[10, 20]], [[1, 3, 2, 2]], 2)",
            [[0, 10, 20, 0]],
            _a([10, 20]),
            _a([1, 3, 2, 2]),
            2,
        )
    ],
    ("activations", "softmax"): [
        _close("softmax([[0, log 3]])", [[0.25, 0.75]], _a([0, np.log(3.0)])),
        _close("softmax([[1000, 0, -1000]])", [[1, 0, 0]], _a([1000, 0, -1000])),
        _close(
            "softmax([[0, 0], [log 3, 0]], axis=0)",
            [[0.25, 0.5], [0.75, 0.5]],
            _a([0, 0], [np.log(3.0), 0]),
            axis=0,
        ),
    ],
    ("activations", "softmax_backward"): [
        _close("softmax_backward([[1, 0]], [[0, 0]])", [[0.25, -0.25]], _a([1, 0]), _a([0, 0]))
    ],
    ("activations", "gelu"): [
        _close("gelu([0, 1])", [0, 0.8413447460685429], np.array([0.0, 1.0]))
    ],
    ("activations", "gelu_backward"): [
        _close(
            "gelu_backward(ones, [0, 1])",
            [0.5, 1.0833154705876864],
            np.ones(2),
            np.array([0.0, 1.0]),
        )
    ],
    ("activations", "silu"): [_close("silu([0, 1])", [0, _S1], np.array([0.0, 1.0]))],
    ("activations", "silu_backward"): [
        _close(
            "silu_backward(ones, [0, 1])",
            [0.5, _S1 + _S1 * (1 - _S1)],
            np.ones(2),
            np.array([0.0, 1.0]),
        )
    ],
    ("pooling", "max_pool2d"): [
        _close("max_pool2d(x 4x4, 2)", _a([5, 2], [1, 8])[None, None], _pooling_x(), 2),
        _close(
            "max_pool2d(-ones 2x2, 2, 2, 1): padding never wins",
            -np.ones((1, 1, 2, 2)),
            -np.ones((1, 1, 2, 2)),
            2,
            2,
            1,
        ),
    ],
    ("pooling", "avg_pool2d"): [
        _close("avg_pool2d(x 4x4, 2)", _a([2.75, 1], [0.5, 6.25])[None, None], _pooling_x(), 2),
        _close(
            "avg_pool2d(ones 2x2, 2, 2, 1): padded zeros count",
            np.full((1, 1, 2, 2), 0.25),
            np.ones((1, 1, 2, 2)),
            2,
            2,
            1,
        ),
    ],
    ("pooling", "max_pool2d_backward"): [
        _close(
            "max_pool2d_backward(10, [[1, 5], [3, 2]], 2)",
            _a([0, 10], [0, 0])[None, None],
            np.full((1, 1, 1, 1), 10.0),
            _a([1, 5], [3, 2])[None, None],
            2,
        ),
        _close(
            "max_pool2d_backward(1, zeros 2x2, 2): a tie goes to the first",
            _a([1, 0], [0, 0])[None, None],
            np.ones((1, 1, 1, 1)),
            np.zeros((1, 1, 2, 2)),
            2,
        ),
    ],
    ("pooling", "avg_pool2d_backward"): [
        _close(
            "avg_pool2d_backward(4, zeros 2x2, 2)",
            np.ones((1, 1, 2, 2)),
            np.full((1, 1, 1, 1), 4.0),
            np.zeros((1, 1, 2, 2)),
            2,
        ),
    ],
    ("fully-connected", "flatten"): [
        _close(
            "flatten(0..23 as (2, 3, 2, 2))",
            np.arange(24.0).reshape(2, 12),
            np.arange(24.0).reshape(2, 3, 2, 2),
        )
    ],
    ("fully-connected", "linear"): [
        _close(
            "linear(X, W, b)",
            [[1, 3, -1], [3, 7, -3]],
            _a([1, 2], [3, 4]),
            _a([1, 0], [1, 1], [0, -1]),
            np.array([0.0, 0.0, 1.0]),
        )
    ],
    ("fully-connected", "linear_backward"): [
        _close(
            "linear_backward(ones, X, W)",
            (_a([2, 0], [2, 0]), _a([4, 6], [4, 6], [4, 6]), _a(2, 2, 2)),
            np.ones((2, 3)),
            _a([1, 2], [3, 4]),
            _a([1, 0], [1, 1], [0, -1]),
        )
    ],
    ("fully-connected", "softmax_cross_entropy"): [
        _close(
            "softmax_cross_entropy([[log 3, 0], [0, 0]], [0, 1])",
            ((-np.log(0.75) - np.log(0.5)) / 2, _a([-0.125, 0.125], [0.25, -0.25])),
            _a([np.log(3.0), 0], [0, 0]),
            np.array([0, 1]),
        ),
        _close(
            "softmax_cross_entropy([[1000, 0]], [1])",
            (1000.0, _a([1, -1])),
            _a([1000, 0]),
            np.array([1]),
        ),
    ],
    ("fully-connected", "mse_loss"): [
        _close(
            "mse_loss([1, 3], [0, 0])",
            (5.0, np.array([1.0, 3.0])),
            np.array([1.0, 3.0]),
            np.zeros(2),
        )
    ],
    ("backprop", "numerical_gradient"): [
        lambda f: check_close(
            "numerical_gradient(v**2, x, dout)",
            f(lambda v: v**2, _a([1, -2], [0.5, 3]), _a([1, 2], [3, 4])),
            2 * _a([1, -2], [0.5, 3]) * _a([1, 2], [3, 4]),
            rtol=1e-6,
            atol=1e-6,
        )
    ],
    ("backprop", "gradient_check"): _gradient_check_checks(),
    ("backprop", "conv2d_backward"): [
        _close(
            "conv2d_backward(ones, [[1, 2], [3, 4]], [[3]])",
            (3 * np.ones((1, 1, 2, 2)), np.full((1, 1, 1, 1), 10.0), np.array([4.0])),
            np.ones((1, 1, 2, 2)),
            _a([1, 2], [3, 4])[None, None],
            np.full((1, 1, 1, 1), 3.0),
        ),
        _close(
            "conv2d_backward(ones, ones 3x3, ones 2x2, stride=2, padding=1)",
            (np.ones((1, 1, 3, 3)), _a([1, 2], [2, 4])[None, None], np.array([4.0])),
            np.ones((1, 1, 2, 2)),
            np.ones((1, 1, 3, 3)),
            np.ones((1, 1, 2, 2)),
            2,
            1,
        ),
        # a batch of two: the weight and bias gradients sum over it
        _close(
            "conv2d_backward(ones, ones (2, 1, 2, 2), [[3]])",
            (3 * np.ones((2, 1, 2, 2)), np.full((1, 1, 1, 1), 8.0), np.array([8.0])),
            np.ones((2, 1, 2, 2)),
            np.ones((2, 1, 2, 2)),
            np.full((1, 1, 1, 1), 3.0),
        ),
    ],
}
