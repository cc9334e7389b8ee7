"""The student library cnnlib: its test helpers, save and require, its quick checks, the
reference modules the course builds, and how the grader and the release provide it."""

import ast
import re
import shutil
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest

import solutions
from autograder.checks import call, load, mistakes
from autograder.course import (
    SLUGS,
    release,
    release_path,
    run_in_process,
    solution_cells,
    solved,
    source_path,
)
from autograder.grader import compare, grade_notebook
from autograder.library import (
    PACKAGE_SOURCE,
    earlier,
    library_files,
    on_path,
    reference_module,
    write_library,
)
from autograder.sandbox import cleanup, run_cases


@pytest.fixture
def library(tmp_path):
    """A library holding the course-provided package only (no assignment saved yet)."""
    return write_library(tmp_path / "course", ())


@pytest.fixture
def cnnlib(library):
    with on_path(library) as package:
        yield package


def notebook(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    return nb


# --- check_close and check_gradient: messages that teach -----------------------------------


def failure(check, *args, **kwargs) -> str:
    with pytest.raises(AssertionError) as caught:
        check(*args, **kwargs)
    return str(caught.value)


def test_check_close_passes_close_values_and_broadcasts_a_scalar(cnnlib):
    cnnlib.check_close("out", np.array([1.0, 2.0]), [1.0, 2.0 + 1e-12])
    cnnlib.check_close("out", np.full((2, 2), 0.25), 0.25)
    cnnlib.check_close("pair", (1.0, np.zeros(2)), (1.0, [0, 0]))


def test_check_close_names_the_first_wrong_index_both_values_and_the_largest_errors(cnnlib):
    expected = np.arange(12.0).reshape(3, 4)
    actual = expected.copy()
    actual[1, 2] += 0.5  # first wrong, in row-major order
    actual[2, 3] = 13.0  # the largest error: 2 against 11, relative 2/11
    message = failure(cnnlib.check_close, "conv", actual, expected)
    assert message.startswith("conv: 2 of 12 values wrong")
    assert "first at index (1, 2): expected 6, got 6.5" in message
    assert "Largest absolute error 2 (at index (2, 3))" in message
    assert f"largest relative error {2 / 11:.3g}" in message
    assert "float64" in message and "(3, 4)" in message


def test_check_close_explains_shape_dtype_none_and_structure(cnnlib):
    shape = failure(cnnlib.check_close, "out", np.zeros((1, 1, 3, 3)), np.zeros((1, 1, 2, 2)))
    assert "expected shape (1, 1, 2, 2), got shape (1, 1, 3, 3)" in shape
    dtype = failure(cnnlib.check_close, "relu", np.zeros(3), np.zeros(3, dtype=np.float32))
    assert "expected dtype float32, got dtype float64" in dtype
    assert "return" in failure(cnnlib.check_close, "out", None, [1.0])
    assert "expected a tuple of 3 results" in failure(
        cnnlib.check_close, "grads", np.zeros(2), (1.0, 2.0, 3.0)
    )
    # the failing member of a tuple is named by its position
    assert failure(cnnlib.check_close, "grads", (1.0, 5.0), (1.0, 2.0)).startswith("grads[1]:")
    nan = failure(cnnlib.check_close, "softmax", np.array([np.nan, 0.0]), [1.0, 0.0])
    assert "nan at index (0,) where 1 was expected" in nan


def test_check_gradient_reports_the_relative_error_against_the_threshold(cnnlib):
    analytic, numeric = np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0 + 3e-9])
    # |a - n| / (|a| + |n|) by hand: 3e-9 / (6 + 3e-9)
    assert cnnlib.check_gradient("dx", analytic, numeric) == pytest.approx(3e-9 / 6, rel=1e-6)
    message = failure(
        cnnlib.check_gradient, "dw", np.array([0.5, 1.0]), np.array([0.25, 1.0]), 1e-7
    )
    assert message.startswith(f"dw: relative error {0.25 / 0.75:.2e}")
    assert "above the threshold 1e-07" in message
    assert "at index (0,): yours 0.5, numerical 0.25" in message
    assert "has shape (2,)" in failure(cnnlib.check_gradient, "db", np.zeros(2), np.zeros(3))


# --- save and require ----------------------------------------------------------------------------

STUDENT_WORK = notebook(
    "import math\nimport numpy as np\nfrom cnnlib import check_close, require, save",
    "SCALE = 2.0\n\n\ndef _scaled(x):\n    return SCALE * np.asarray(x)\n\n\n"
    "def double_plus_pi(x):\n    return _scaled(x) + math.pi",
    # a later cell redefines the function on top of the first version, as a student might
    "_first = double_plus_pi\n\n\ndef double_plus_pi(x):\n    return _first(x) - math.pi",
    "def halve(x):\n    return np.asarray(x) / 2",
    "save('demo-one', double_plus_pi, halve)",
)


def test_save_writes_the_functions_with_what_they_use_and_require_returns_them(library):
    assert run_in_process(STUDENT_WORK, library) == {}
    module = (library / "cnnlib" / "demo_one.py").read_text()
    for line in ("import math", "import numpy as np", "SCALE = 2.0", "_first = double_plus_pi"):
        assert line in module.splitlines(), line
    later = notebook(
        "from cnnlib import require\n"
        "double, halve = require('demo-one', 'double_plus_pi', 'halve')\n"
        "single = require('demo-one', 'halve')",
        "assert np.isclose(double(3.0), 6.0) and halve(3.0) == 1.5",
        "assert not isinstance(single, tuple) and single(4.0) == 2.0",
    )
    later.cells[0].source = "import numpy as np\n" + later.cells[0].source
    for index, cell in enumerate(later.cells[1:]):
        cell.metadata["nbgrader"] = {"grade": True, "grade_id": f"test{index}", "points": 1}
    outcomes = run_in_process(later, library)
    assert len(outcomes) == 2 and all(o.passed for o in outcomes.values()), outcomes


def test_a_saved_module_builds_on_an_earlier_one_through_require(library):
    run_in_process(STUDENT_WORK, library)
    run_in_process(
        notebook(
            "from cnnlib import require, save\ndouble = require('demo-one', 'double_plus_pi')",
            "def quadruple(x):\n    return double(double(x))",
            "save('demo-two', quadruple)",
        ),
        library,
    )
    module = (library / "cnnlib" / "demo_two.py").read_text()
    assert "double = require('demo-one', 'double_plus_pi')" in module
    nb = notebook(
        "from cnnlib import require\nq = require('demo-two', 'quadruple')",
        "assert abs(q(1.5) - 6.0) < 1e-12",
    )
    nb.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "t", "points": 1}
    assert run_in_process(nb, library)["t"].passed


@pytest.mark.parametrize(
    "code,says",
    [
        ("require('channels', 'conv2d')", ["'channels'", "conv2d", "channels.ipynb", "last cell"]),
        ("require('demo-one', 'triple')", ["'demo-one'", "triple", "demo-one.ipynb", "halve"]),
    ],
)
def test_require_says_which_assignment_and_function_are_missing_and_what_to_do(library, code, says):
    run_in_process(STUDENT_WORK, library)
    with pytest.raises(ImportError) as caught:
        run_in_process(notebook("from cnnlib import require\n" + code), library)
    for words in says:
        assert words in str(caught.value), (words, str(caught.value))


def test_require_warns_naming_an_earlier_function_that_fails_its_check(library):
    wrong = next(m for m in mistakes("channels") if m.function == "conv2d")
    (library / "cnnlib" / "channels.py").write_text(
        "import numpy as np\nfrom solutions import conv2d\n" + wrong.code
    )
    warned = []
    run_in_process(
        notebook("from cnnlib import require\nf = require('channels', 'conv2d')"), library, warned
    )
    assert len(warned) == 1
    assert warned[0].startswith("Your conv2d() from assignment 'channels' fails its check")
    assert "expected 17, got 18" in warned[0] and "channels.ipynb" in warned[0]


# --- the quick checks -----------------------------------------------------------------------


def test_every_quick_check_passes_on_the_reference_solutions(cnnlib):
    failing = {
        key: cnnlib.self_check(*key, getattr(solutions, key[1]))
        for key in cnnlib._CHECKS
        if cnnlib.self_check(*key, getattr(solutions, key[1]))
    }
    assert not failing, failing


def test_every_graded_function_of_the_first_eight_assignments_has_a_quick_check(cnnlib):
    for slug in SLUGS[:8]:
        names = {
            c.function_of(case) for c in load(slug) for case in c.cases(np.random.default_rng(0))
        }
        assert names <= {name for s, name in cnnlib._CHECKS if s == slug}, slug


@pytest.mark.parametrize("slug", SLUGS[:8])
def test_the_quick_checks_catch_every_classic_mistake_of_a_checked_function(cnnlib, slug):
    names = {name: getattr(solutions, name) for name in solutions.__all__}
    for component in load(slug):
        names.update(component.references())
    for mistake in mistakes(slug):
        scope = {"np": np, **names}
        exec(mistake.code, scope)
        assert cnnlib.self_check(slug, mistake.function, scope[mistake.function]), mistake.summary


# --- reference modules -----------------------------------------------------------------------


@pytest.mark.parametrize("slug", SLUGS)
def test_each_reference_module_computes_what_the_reference_solutions_do(tmp_path, slug):
    text = reference_module(slug)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert "check_in_kernel" not in text and "save(" not in text
    folder = write_library(tmp_path, SLUGS)
    with on_path(folder) as package:
        for component in load(slug):
            for case in component.cases(np.random.default_rng(7))[:3]:
                name = component.function_of(case)
                function = package.require(slug, name)
                problem = compare(call(function, case), component.expected(case), component)
                assert problem is None, (slug, name, problem)


def test_the_grader_provides_the_earlier_assignments_only():
    assert earlier("convolution") == ()
    assert earlier("dilation") == ("convolution", "channels")
    files = library_files(earlier("separable"))
    assert sorted(files) == [
        "cnnlib/__init__.py",
        "cnnlib/channels.py",
        "cnnlib/convolution.py",
        "cnnlib/dilation.py",
    ]
    assert files["cnnlib/__init__.py"] == PACKAGE_SOURCE.read_text()


def test_in_the_sandbox_require_gives_the_reference_and_save_writes_nothing():
    cells = [
        {
            "name": "given cell",
            "source": "import os\nimport numpy as np\nfrom cnnlib import require, save\n"
            "corr2d = require('convolution', 'corr2d')",
        },
        {"name": "solution", "source": "def twice(x):\n    return 2 * corr2d(x, np.ones((1, 1)))"},
        {"name": "given cell", "source": "save('channels', twice)"},
        {
            "name": "probe",
            "source": "def saved():\n    return float(os.path.exists('lib/cnnlib/channels.py'))",
        },
    ]
    calls = [
        {
            "function": "twice",
            "args": [np.arange(4.0).reshape(2, 2)],
            "kwargs": {},
            "output_arg": None,
        },
        {"function": "saved", "args": [], "kwargs": {}, "output_arg": None},
    ]
    child = run_cases(cells, calls, 20, library=library_files(("convolution",)))
    try:
        assert child.results["cell_errors"] == [], child.results
        first, second = child.results["cases"]
        assert first["ok"] and second["ok"], child.results
        out = np.load(child.out_dir / first["output"]["file"])
        np.testing.assert_array_equal(out, 2 * np.arange(4.0).reshape(2, 2))
        assert float(np.load(child.out_dir / second["output"]["file"])) == 0.0
        assert child.results["stdout"] == ""  # nothing printed, nothing warned
    finally:
        cleanup(child)


# --- the release ---------------------------------------------------------------------------


def test_the_release_ships_the_course_provided_package_and_no_saved_module(course):
    package = course / "release" / "cnnlib"
    assert (package / "__init__.py").read_text() == PACKAGE_SOURCE.read_text()
    (package / "channels.py").write_text("def conv2d(): ...")  # someone's work left behind
    release(course, ("convolution",))
    assert sorted(p.name for p in package.iterdir()) == ["__init__.py"]


def test_the_package_uses_numpy_and_the_standard_library_only():
    text = PACKAGE_SOURCE.read_text()
    imported = set(re.findall(r"^\s*(?:import|from)\s+([A-Za-z_][\w]*)", text, re.MULTILINE))
    assert imported - set(sys.stdlib_module_names) - {"numpy", "__future__"} == set(), imported


# --- the samples' libraries ------------------------------------------------------------------


def test_the_samples_include_the_library_their_notebooks_save(course, tmp_path):
    from autograder.samples import build_samples

    build_samples(tmp_path / "samples", course)
    correct, partial = (tmp_path / "samples" / "library" / kind for kind in ("correct", "partial"))
    slugs_saved = [s for s in SLUGS if (correct / "cnnlib" / f"{s.replace('-', '_')}.py").exists()]
    assert slugs_saved[:8] == list(SLUGS[:8])
    with on_path(correct) as package:  # every saved function passes its quick check
        for slug in slugs_saved:
            for component in load(slug):
                for name in component.references():
                    function = package.require(slug, name)  # a warning would fail the test
                    assert package.self_check(slug, name, function) is None, (slug, name)
    # the partial samples plant channels' first mistake in conv2d: the later ones say so
    with on_path(partial) as package, pytest.warns(package.LibraryWarning) as warned:
        package.require("dilation", "conv2d")
    messages = [str(w.message) for w in warned]
    assert any(m.startswith("Your conv2d() from assignment 'channels' fails") for m in messages)


# --- acceptance of issue 19 ---------------------------------------------------------------------


def graded_functions() -> dict[str, set[str]]:
    """slug -> the names of the functions its components grade."""
    return {slug: {name for c in load(slug) for name in c.references()} for slug in SLUGS}


def nbgrader_kind(cell) -> str:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return "solution" if meta.get("solution") else "test" if meta.get("grade") else "given"


def code_cells(nb, kind: str) -> list:
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader_kind(c) == kind]


def definitions(source: str) -> set[str]:
    """Names a cell defines as functions (def, class, or a name bound to a lambda)."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


def requires(source: str) -> dict[str, tuple[str, str]]:
    """name -> (slug, function) for every `name = require(slug, function)` (or a tuple of
    names for several functions) in a cell."""
    bound = {}
    for node in ast.walk(ast.parse(source)):
        call = getattr(node, "value", None)
        if not (
            isinstance(node, ast.Assign)
            and isinstance(call, ast.Call)
            and getattr(call.func, "id", None) == "require"
        ):
            continue
        slug, *functions = (a.value for a in call.args)
        target = node.targets[0]
        names = [e.id for e in target.elts] if isinstance(target, ast.Tuple) else [target.id]
        bound.update({name: (slug, f) for name, f in zip(names, functions, strict=True)})
    return bound


@pytest.mark.parametrize("slug", SLUGS)
def test_no_given_cell_of_a_released_notebook_defines_a_graded_function(course, slug):
    graded = set().union(*graded_functions().values())
    nb = nbformat.read(release_path(slug, course), as_version=4)
    given = set().union(*(definitions(c.source) for c in code_cells(nb, "given")))
    assert not given & graded, f"{slug}'s given cells define {sorted(given & graded)}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_solution_cell_has_hints_above_it_that_give_no_solution_code(course, slug):
    released = nbformat.read(release_path(slug, course), as_version=4)
    answers = solution_cells(nbformat.read(source_path(slug), as_version=4))
    for index, cell in enumerate(released.cells):
        if cell.cell_type != "code" or nbgrader_kind(cell) != "solution":
            continue
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        above = released.cells[index - 1]
        assert above.cell_type == "markdown", f"{slug}/{grade_id}: no markdown cell just above"
        hints = re.findall(
            r"<details>\s*<summary>\s*Hint[^<]*</summary>(.*?)</details>", above.source, re.DOTALL
        )
        assert hints and all(h.strip() for h in hints), f"{slug}/{grade_id} has no hint"
        answer = answers[grade_id].source.split("### BEGIN SOLUTION")[1:]
        code_lines = {
            line.strip()
            for part in answer
            for line in part.split("### END SOLUTION")[0].splitlines()
            if len(line.strip()) > 12
        }
        shown = [line for line in code_lines if any(line in h for h in hints)]
        assert not shown, f"{slug}/{grade_id}: a hint shows solution code {shown}"


@pytest.mark.parametrize("slug", SLUGS)
def test_an_assignment_imports_what_it_uses_of_earlier_ones_from_the_library(course, slug):
    graded = graded_functions()
    before = earlier(slug)
    released = nbformat.read(release_path(slug, course), as_version=4)
    source = nbformat.read(source_path(slug), as_version=4)
    given = code_cells(released, "given")
    assert "from cnnlib import" in given[0].source, f"{slug}: the first given cell imports cnnlib"
    bound = {}
    for cell in given:
        bound.update(requires(cell.source))
    for required_slug, function in bound.values():
        assert required_slug in before, f"{slug} requires {function} from {required_slug}"
        assert function in graded[required_slug], f"{required_slug} grades no {function}"
    # what the notebook uses (its given and test cells, and the reference answers) of an
    # earlier assignment's graded functions, without defining it, comes through require
    cells = given + code_cells(released, "test") + code_cells(source, "solution")
    used = {
        node.id
        for c in cells
        for node in ast.walk(ast.parse(c.source.split("### BEGIN HIDDEN TESTS")[0]))
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)
    }
    own = set().union(*(definitions(c.source) for c in code_cells(source, "solution")))
    earlier_graded = set().union(set(), *(graded[s] for s in before))
    missing = sorted((used & earlier_graded) - own - set(bound))
    assert not missing, f"{slug} uses {missing} of earlier assignments without require"
    # the last given cell saves exactly the assignment's graded functions
    save = ast.parse(given[-1].source).body[-1].value
    assert getattr(save.func, "id", None) == "save" and save.args[0].value == slug
    saved = {a.id for a in save.args[1:] if isinstance(a, ast.Name)}
    saved |= {e.id for a in save.args[1:] if isinstance(a, ast.Starred) for e in a.value.elts}
    assert saved == graded[slug], f"{slug} saves {sorted(saved)}"


def execute_as_a_student(notebook: Path, monkeypatch) -> nbformat.NotebookNode:
    """Run a notebook the way make lab does: a kernel in the notebook's folder, with
    PYTHONPATH=.. (the course folder, where cnnlib/ is); errors stay in the outputs."""
    from nbclient import NotebookClient

    monkeypatch.setenv("PYTHONPATH", "..")
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    client.execute()
    nbformat.write(nb, notebook)
    return nb


def output_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        parts += [output.get("ename", ""), output.get("evalue", "")]
    return "\n".join(parts)


def test_an_early_mistake_costs_no_later_marks_and_the_student_is_told_which_function(
    course, tmp_path, monkeypatch
):
    """Assignment 2's conv2d adds the bias once per input channel; assignment 3 is right."""
    student = tmp_path / "course"  # a student's course folder, as make exercises writes it
    shutil.copytree(course / "release", student)
    wrong = next(m for m in mistakes("channels") if m.function == "conv2d")
    plan = {"convolution": None, "channels": {wrong.cell: wrong.code}, "dilation": None}
    for slug, overrides in plan.items():
        answers = nbformat.read(source_path(slug), as_version=4)
        released = nbformat.read(release_path(slug, course), as_version=4)
        nbformat.write(solved(released, answers, overrides), student / slug / f"{slug}.ipynb")
    runs = {
        slug: execute_as_a_student(student / slug / f"{slug}.ipynb", monkeypatch) for slug in plan
    }

    # the student's library holds the student's own conv2d, mistake included
    assert "np.shape(x)[1] * np.asarray(b)" in (student / "cnnlib" / "channels.py").read_text()
    # the dilation notebook says, in its first cell, which earlier function fails
    first = output_text(code_cells(runs["dilation"], "given")[0])
    assert "Your conv2d() from assignment 'channels' fails its check" in first
    assert "expected 17, got 18" in first and "channels.ipynb" in first
    # the grader supplies the reference conv2d of assignment 2: full marks for assignment 3
    dilation = grade_notebook(student / "dilation" / "dilation.ipynb", "dilation", seed=3)
    assert dilation["status"] == "graded"
    assert dilation["score"] == dilation["max_score"], dilation
    channels = grade_notebook(student / "channels" / "channels.ipynb", "channels", seed=3)
    conv2d = next(c for c in channels["components"] if c["name"] == "test_conv2d")
    assert conv2d["score"] < conv2d["max_score"]  # the mistake costs marks where it was made
