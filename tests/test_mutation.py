"""Mutation testing of the grader (autograder.mutation): the exporter, and one tiny component
graded through the sandbox: a wrong mutant is killed, an equivalent rewrite survives."""

import dataclasses
import warnings

import nbformat
import numpy as np

import solutions as S
from autograder import mutation
from autograder.course import solution_cells, source_path, strip_region_markers
from autograder.library import on_path, write_library


def test_the_exported_module_runs_as_the_notebook_and_splits_back_into_its_cells(tmp_path):
    module = mutation.export("convolution")
    namespace: dict = {}
    # its given cell imports the student library; save() cannot find exec'd source: no matter
    with on_path(write_library(tmp_path)) as cnnlib, warnings.catch_warnings():
        warnings.simplefilter("ignore", cnnlib.LibraryWarning)
        exec(compile(module, "<convolution export>", "exec"), namespace)  # trusted: our notebook
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal((6, 7)), rng.standard_normal((2, 3))
    np.testing.assert_allclose(namespace["corr2d"](x, k), S.corr2d(x, k), rtol=1e-12)
    np.testing.assert_allclose(
        namespace["convolve2d"](x, k, "same"), S.convolve2d(x, k, "same"), rtol=1e-12
    )
    assert namespace["conv_output_size"](10, 3, 1, 2, 1) == S.conv_output_size(10, 3, 1, 2, 1)

    source = nbformat.read(source_path("convolution"), as_version=4)
    cells = mutation.split(module)
    for grade_id, cell in solution_cells(source).items():
        assert cells[grade_id] == ("solution", cell.source.rstrip())
    # every mutable line lies between a cell's BEGIN and END SOLUTION, never in a docstring
    lines = module.splitlines()
    inside = mutation.solution_lines(module)
    assert inside and all('"""' not in lines[n - 1] for n in inside)
    assert {inside[n] for n in inside} == set(solution_cells(source))


def test_a_mutated_line_reaches_the_components_that_call_its_function():
    module = mutation.export("convolution")
    reach = mutation.affected(module, "convolution")
    by_cell: dict[str, set] = {}
    for line, cell in mutation.solution_lines(module).items():
        by_cell.setdefault(cell, set()).add(reach[line])
    assert by_cell["corr2d"] == {("test_corr2d", "test_convolve2d")}  # convolve2d calls it
    assert by_cell["pad2d"] == {("test_pad2d", "test_convolve2d")}
    assert by_cell["convolve2d"] == {("test_convolve2d",)}
    assert by_cell["conv_output_size"] == {("test_conv_output_size",)}
    # a line outside every function may change what any function sees: grade everything
    shifted = mutation.export("convolution").replace(
        "    return out\n    ### END SOLUTION\n\n# %% solution cell pad2d",
        "    return out\n    ### END SOLUTION\n\n### BEGIN SOLUTION\nLIMIT = 1\n### END SOLUTION\n\n"
        "# %% solution cell pad2d",
    )
    assert "LIMIT = 1" in shifted
    line = shifted.splitlines().index("LIMIT = 1") + 1
    assert mutation.affected(shifted, "convolution")[line] is None


def test_a_wrong_mutant_is_killed_and_an_equivalent_rewrite_survives(course):
    module = mutation.export("convolution", course)
    formula = "return (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1"
    assert formula in module
    found = mutation.mutants(module)
    # cosmic-ray's NumberReplacer: the final + 1 becomes + 0, an off-by-one
    (wrong,) = [m for m in found if m.cell == "conv_output_size" and m.after.endswith("+ 0")]
    rewrite = "return 1 + (n - 1 + 2 * padding - dilation * (k - 1)) // stride"
    same = dataclasses.replace(
        wrong,
        index=len(found),
        before=formula,
        after=rewrite,
        module=module.replace(formula, rewrite),
    )
    submission = mutation.submission(same.module, "convolution", course)
    assert strip_region_markers(rewrite) in solution_cells(submission)["conv_output_size"].source

    mutation.grade_mutants("convolution", [wrong, same], module, course_dir=course)
    assert wrong.result["max_score"] == 2  # only the component that calls the cell is graded
    assert wrong.result["lost"] == ["test_conv_output_size"]
    assert not mutation.survived(wrong)
    assert mutation.survived(same), same.result

    run = mutation.Run("convolution", mutation.SEED, [wrong, same], 1.0)
    stats, text = mutation.render_section(
        run, {same.key: "the same integer formula"}, {wrong.key: "a check with p = 0"}
    )
    assert stats | {"seconds": 0} == {
        "mutants": 2,
        "killed": 1,
        "new_checks": 1,
        "survived": 1,
        "equivalent": 1,
        "unexplained": 0,
        "errors": 0,
        "seconds": 0,
    }
    assert "the same integer formula" in text
    assert "a check with p = 0 (loses points in test_conv_output_size)" in text
    stats, text = mutation.render_section(run, {})
    assert stats["unexplained"] == 1 and stats["new_checks"] == 0 and rewrite in text
