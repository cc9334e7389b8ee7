"""The autograder: correct work gets full marks, each misconception is graded down and
diagnosed, and no attack earns marks it did not earn or disturbs another submission."""

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.checks import load, mistakes
from autograder.cli import grade_all, main
from autograder.course import (
    SLUGS,
    graded_cells,
    nbgrader_meta,
    release_path,
    solved,
    source_path,
)
from autograder.grader import grade_notebook
from autograder.samples import planted
from autograder.sandbox import Sandbox, bwrap_path, cleanup

# what the grader must say about each deliberate mistake (a phrase of the diagnosis; a tuple
# when one function has several mistakes, in the order they are written)
EXPECTED_DIAGNOSIS = {
    ("convolution", "corr2d", "corr2d"): "kernel is flipped",
    ("convolution", "pad2d", "pad2d"): "one side",
    ("convolution", "convolve2d", "convolve2d"): "not flipped",
    ("convolution", "conv_output_size", "conv_output_size"): "Off by one",
    ("channels", "conv2d", "conv2d"): "once per input channel",
    ("channels", "conv1x1", "conv1x1"): "bias is missing",
    ("channels", "conv2d_cost", "conv2d_cost"): "biases are not counted",
    ("dilation", "conv2d", "conv2d"): "applied to the input",
    ("dilation", "receptive_field", "receptive_field"): "strides are forgotten",
    ("separable", "conv2d", "conv2d"): "first group",
    ("separable", "separable", "separable_conv2d"): "mixed before",
    ("activations", "relu_family", "relu_backward"): "x >= 0",
    ("activations", "prelu", "prelu_backward"): "dalpha",
    ("activations", "sigmoid_tanh", "tanh_backward"): "activation instead of its derivative",
    ("activations", "maxout", "maxout_backward"): "every channel of the group",
    ("activations", "softmax", "softmax"): "subtract the maximum",
    ("pooling", "pool_forward", "avg_pool2d"): "unpadded",
    ("pooling", "pool_backward", "max_pool2d_backward"): "every cell of the window",
    ("fully-connected", "linear", "linear_backward"): "swapped",
    ("fully-connected", "softmax_cross_entropy", "softmax_cross_entropy"): "not averaged",
    ("fully-connected", "mse_loss", "mse_loss"): "factor 2",
    ("backprop", "numerical_gradient", "numerical_gradient"): "one-sided",
    ("backprop", "conv2d_backward", "conv2d_backward"): "not summed over the batch",
    ("architectures", "lenet5_forward", "lenet5_forward"): "sigmoid",
    ("architectures", "residual_block", "residual_block"): "ReLU after the sum",
    ("architectures", "count_parameters", "count_parameters"): (
        "biases are not counted",
        "running statistics",
    ),
    ("architectures", "resnet_convs", "resnet_convs"): (
        "first 1x1 convolution",
        "whenever the shape changes",
    ),
    ("architectures", "conv_multiply_adds", "conv_multiply_adds"): "per output position",
    ("architectures", "residual_block_backward", "residual_block_backward"): "shortcut's share",
    ("architectures", "bottleneck_block", "bottleneck_block"): (
        "projection shortcut's bias",
        "before the sum",
        "on the first 1x1",
    ),
    ("architectures", "bottleneck_block_backward", "bottleneck_block_backward"): "main path only",
    ("architectures", "sgd_step", "sgd_step"): "in place",
    ("architectures", "digits_net_loss_and_grads", "digits_net_loss_and_grads"): "stem's ReLU",
    ("activations", "gelu_silu", "gelu"): "tanh approximation",
    ("activations", "gelu_silu", "silu_backward"): "product rule",
    ("training", "kaiming_normal", "kaiming_normal"): "which is the variance",
    ("training", "batch_norm2d", "update_running_stats"): "biased batch variance",
    ("training", "batch_norm2d", "batch_norm2d"): "batch's own statistics",
    ("training", "batch_norm2d_backward", "batch_norm2d_backward"): "misses the mean terms",
    ("training", "dropout", "dropout"): "Rescaled twice",
    ("training", "dropout", "dropout_backward"): "not rescaled",
    ("training", "sgd_step", "sgd_step"): "momentum multiplies the weights",
    ("training", "adam_step", "adam_step"): "without bias correction",
    ("training", "im2col", "im2col"): "w.reshape(C_out, -1) orders them",
    ("training", "im2col", "col2im"): "overwrites where windows overlap",
    ("training", "conv2d_im2col", "conv2d_im2col"): "move the batch axis first",
    ("training", "convnet", "convnet_loss"): "without its mask",
    ("training", "train_convnet", "train_convnet"): "restarts every epoch",
}
CASES = sorted(EXPECTED_DIAGNOSIS)


def read(path):
    return nbformat.read(path, as_version=4)


def write_solved(course, slug, folder: Path, overrides=None, name=None) -> Path:
    nb = solved(read(release_path(slug, course)), read(source_path(slug)), overrides)
    path = folder / (name or f"{slug}.ipynb")
    nbformat.write(nb, path)
    return path


def test_every_mistake_has_an_expected_diagnosis():
    assert set(CASES) == {(slug, m.cell, m.function) for slug in SLUGS for m in mistakes(slug)}


def test_components_match_the_nbgrader_test_cells():
    for slug in SLUGS:
        points = {
            gid: nbgrader_meta(c)["points"]
            for gid, c in graded_cells(read(source_path(slug))).items()
        }
        assert {c.name: c.max_score for c in load(slug)} == points, slug


@pytest.mark.parametrize("slug", SLUGS)
def test_correct_submissions_get_full_marks(course, tmp_path, slug):
    # the source notebooks' answers are written with plain numpy, independently of solutions/
    result = grade_notebook(write_solved(course, slug, tmp_path), slug, seed=11)
    assert result["status"] == "graded"
    assert result["score"] == result["max_score"], [
        (c["name"], c["cases"]) for c in result["components"] if c["status"] != "passed"
    ]
    assert result["sandbox"] == ("bubblewrap" if bwrap_path() else "plain child process")


@pytest.mark.parametrize("slug,cell,function", CASES, ids=["-".join(case) for case in CASES])
def test_each_misconception_costs_points_and_is_diagnosed(course, tmp_path, slug, cell, function):
    written = [m for m in mistakes(slug) if (m.cell, m.function) == (cell, function)]
    phrases = EXPECTED_DIAGNOSIS[(slug, cell, function)]
    phrases = (phrases,) if isinstance(phrases, str) else phrases
    assert len(phrases) == len(written), f"one expected phrase per mistake of {function}"
    for mistake, phrase in zip(written, phrases, strict=True):
        what, code = mistake.summary, mistake.code
        path = write_solved(course, slug, tmp_path, {cell: code})
        result = grade_notebook(path, slug, seed=12)
        lost = [c for c in result["components"] if c["score"] < c["max_score"]]
        assert lost, f"{what}: full marks"
        assert 0 < result["score"] < result["max_score"], (
            "partial credit: the rest of the work still counts"
        )
        diagnoses = [c["diagnosis"] or "" for c in lost]
        assert any(phrase in d for d in diagnoses), (what, diagnoses)


def test_components_graded_at_once_give_the_same_result_as_one_by_one(course, tmp_path):
    # `autograder grade` grades two components at once: every case, score and diagnosis
    # must be what grading them one after the other gives
    slug, first = "activations", mistakes("activations")[0]
    path = write_solved(course, slug, tmp_path, {first.cell: first.code})

    def graded(workers):
        result = grade_notebook(path, slug, seed=13, workers=workers)
        for component in result["components"]:
            component.pop("seconds")
        return {k: v for k, v in result.items() if k != "seconds"}

    one_by_one = graded(1)
    assert 0 < one_by_one["score"] < one_by_one["max_score"]
    assert graded(2) == one_by_one


def test_untouched_notebook_scores_zero_and_says_why(course):
    result = grade_notebook(release_path("pooling", course), "pooling", seed=1)
    assert result["score"] == 0
    assert all(
        "not implemented yet" in case["message"]
        for c in result["components"]
        for case in c["cases"]
    )


def test_seeds_change_the_inputs_not_the_verdict(course, tmp_path):
    path = write_solved(course, "channels", tmp_path, {"conv2d": planted("channels", "conv2d")})
    scores = {grade_notebook(path, "channels", seed=s)["score"] for s in (1, 2, 3)}
    assert len(scores) == 1


# --- attacks ----------------------------------------------------------------------------------

UNIMPLEMENTED = """
def corr2d(x, k):
    return np.zeros((1, 1))
"""

ATTACKS = {
    "patched numpy and assert helpers": """
np.allclose = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.array_equal = lambda *a, **k: True
"""
    + UNIMPLEMENTED,
    "IPython input transformer": """
get_ipython().input_transformers_post.append(lambda lines: ["try:\\n"] + ["    " + l for l in lines] + ["except Exception:\\n    pass\\n"])
"""
    + UNIMPLEMENTED,
    "sys.exit": UNIMPLEMENTED + "\nimport sys\nsys.exit(0)\n",
    "os._exit": UNIMPLEMENTED + "\nimport os\nos._exit(0)\n",
    "eq always true": """
class Anything:
    def __eq__(self, other):
        return True
    def __array__(self, *a, **k):
        raise TypeError
def corr2d(x, k):
    return Anything()
""",
    "reads the source notebook and the reference": """
import glob, importlib
def corr2d(x, k):
    for path in glob.glob("/work/**/solutions/convolution.py", recursive=True) + glob.glob("../**/*.py", recursive=True):
        namespace = {}
        exec(open(path).read(), namespace)
        if "corr2d" in namespace:
            return namespace["corr2d"](x, k)
    return importlib.import_module("solutions").corr2d(x, k)
""",
    "imports torch as a shortcut": """
def corr2d(x, k):
    import torch
    return torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(k)[None, None])[0, 0].numpy()
""",
    "20 GB allocation": """
def corr2d(x, k):
    big = np.ones(20 * 2**30 // 8)
    return big[:1].reshape(1, 1)
""",
    "endless loop that swallows KeyboardInterrupt": """
def corr2d(x, k):
    while True:
        try:
            pass
        except BaseException:
            pass
""",
    "fork bomb": """
import os
def corr2d(x, k):
    while True:
        try:
            os.fork()
        except OSError:
            pass
""",
}


def attack_notebook(course, folder: Path, name: str, code: str) -> Path:
    """A convolution submission whose corr2d cell is replaced by the attack."""
    nb = solved(read(release_path("convolution", course)), read(source_path("convolution")))
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade_id") == "corr2d":
            cell.source = "import numpy as np\n" + code
    path = folder / f"{name.replace(' ', '_')}.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.mark.parametrize("name", ATTACKS)
def test_attacks_earn_nothing_for_the_attacked_function(course, tmp_path, name):
    start = time.perf_counter()
    result = grade_notebook(
        attack_notebook(course, tmp_path, name, ATTACKS[name]), "convolution", seed=5, timeout=4
    )
    corr2d = next(c for c in result["components"] if c["name"] == "test_corr2d")
    assert result["status"] == "graded"
    assert corr2d["score"] == 0, corr2d
    assert all(case["message"] for case in corr2d["cases"]), "every failure says why"
    assert time.perf_counter() - start < 60


def test_detached_process_cannot_touch_anything_outside(course, tmp_path):
    canary = tmp_path / "canary.txt"
    code = (
        f"""
import os, subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1.5); open({str(canary)!r}, 'w').write('escaped')"],
                 start_new_session=True)
if os.fork() == 0:
    os.setsid()
    import time
    time.sleep(1.5)
    open({str(canary)!r}, "w").write("escaped")
    os._exit(0)
"""
        + UNIMPLEMENTED
    )
    result = grade_notebook(
        attack_notebook(course, tmp_path, "detached", code), "convolution", seed=5
    )
    time.sleep(3)
    assert not canary.exists(), "a process started by the submission outlived it and wrote outside"
    assert result["status"] == "graded"


# --- one sandbox per submission, a fresh child per component ------------------------------------


def one_call(sandbox: Sandbox, source: str, timeout: float = 10) -> tuple[str, float | None]:
    """Run ``source`` (which defines ``probe()``) in a child of ``sandbox``, call ``probe``:
    the child's status and the number it returned (None when it returned nothing)."""
    cells = [{"name": "cell", "source": source}]
    calls = [{"function": "probe", "args": [], "kwargs": {}, "output_arg": None}]
    child = sandbox.run(cells, calls, timeout)
    try:
        cases = child.results.get("cases") or [{}]
        record = cases[0]
        value = None
        if record.get("ok"):
            value = float(np.load(child.out_dir / record["output"]["file"]))
        return child.status, value
    finally:
        cleanup(child)


def test_every_child_starts_from_the_servers_state_not_the_last_childs():
    source = """
import numpy
numpy.seen = getattr(numpy, "seen", 0) + 1  # what a previous child did would show here
def probe():
    return float(numpy.seen)
"""
    with Sandbox() as sandbox:
        assert [one_call(sandbox, source) for _ in range(3)] == [("ok", 1.0)] * 3


def test_a_child_cannot_write_to_the_servers_channel_or_trace_it():
    # the server's standard output carries its answers to the grader: a child that could
    # write there could answer for another job
    source = """
import ctypes, os
def probe():
    denied = 0.0
    try:
        open(f"/proc/{os.getppid()}/fd/1", "w").write('{"job": "job9", "status": "ok"}\\n')
    except OSError:
        denied += 1
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.ptrace(16, os.getppid(), 0, 0) != 0:  # PTRACE_ATTACH
        denied += 1
    return denied
"""
    with Sandbox() as sandbox:
        assert one_call(sandbox, source) == ("ok", 2.0)


def test_a_child_that_runs_out_of_time_leaves_the_next_one_alone():
    with Sandbox() as sandbox:
        start = time.perf_counter()
        status, _ = one_call(sandbox, "def probe():\n    while True:\n        pass\n", timeout=1)
        assert status == "timeout"
        assert time.perf_counter() - start < 4  # the server killed it, on time
        assert one_call(sandbox, "def probe():\n    return 7.0\n") == ("ok", 7.0)


@pytest.mark.parametrize("signal_name", ["SIGKILL", "SIGSTOP"])
def test_a_child_that_kills_or_stops_its_server_costs_its_own_job_only(signal_name):
    attack = f"""
import os, signal
def probe():
    os.kill(os.getppid(), signal.{signal_name})
    return 1.0
"""
    with Sandbox() as sandbox:
        start = time.perf_counter()
        status, _ = one_call(sandbox, attack, timeout=1)
        # killed: the job ends with the server; stopped: the grader stops waiting after the
        # job's time and its grace, and kills the sandbox
        assert status == ("crashed" if signal_name == "SIGKILL" else "timeout")
        assert time.perf_counter() - start < 1 + Sandbox.GRACE + 3
        assert one_call(sandbox, "def probe():\n    return 7.0\n") == ("ok", 7.0)


def test_a_closed_sandbox_leaves_no_process_and_no_file(tmp_path):
    with Sandbox() as sandbox:
        status, _ = one_call(sandbox, "def probe():\n    return 1.0\n")
        server = sandbox._server
    assert status == "ok" and server.poll() is not None
    assert not sandbox.root.exists()


def test_huge_output_is_truncated_and_grading_goes_on(course, tmp_path):
    code = """
def corr2d(x, k):
    print("x" * 100_000_000)
    kh, kw = k.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i : i + kh, j : j + kw] * k)
    return out
"""
    result = grade_notebook(
        attack_notebook(course, tmp_path, "printer", code), "convolution", seed=5
    )
    corr2d = next(c for c in result["components"] if c["name"] == "test_corr2d")
    assert corr2d["score"] == corr2d["max_score"]  # printing is not cheating: the work was right
    assert len(corr2d["stdout"]) <= 2000


def test_shadow_numpy_beside_the_notebook_is_ignored(course, tmp_path):
    path = write_solved(course, "convolution", tmp_path, {"corr2d": UNIMPLEMENTED})
    (tmp_path / "numpy.py").write_text("def allclose(*a, **k):\n    return True\n")
    result = grade_notebook(path, "convolution", seed=5)
    assert next(c for c in result["components"] if c["name"] == "test_corr2d")["score"] == 0
    assert result["score"] == result["max_score"] - 6  # corr2d and convolve2d (which uses it)


def test_corrupt_and_foreign_files_are_invalid_with_a_message(tmp_path):
    bad = tmp_path / "bad.ipynb"
    bad.write_text('{"cells": [ {"cell_type": "code", "source": ')
    result = grade_notebook(bad, "convolution", seed=1)
    assert result["status"] == "invalid" and result["score"] == 0
    assert "not a readable Jupyter notebook" in result["messages"][-1]
    assert grade_notebook(tmp_path / "missing.ipynb", "convolution")["status"] == "invalid"


@pytest.mark.parametrize(
    "content, says",
    [
        ('["a list, not a notebook"]', "not a JSON object"),
        ('{"nbformat": 3, "worksheets": []}', "version 4 is expected"),
        ('{"nbformat": 4, "cells": {"0": {}}}', "no list of cells"),
        ('{"nbformat": 4, "cells": ["print(1)"]}', "cell 0 of the notebook is not a notebook cell"),
        ('{"nbformat": 4, "cells": [{"cell_type": "code", "source": 7}]}', "source is not text"),
        (
            '{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", '
            '"metadata": {"nbgrader": "solution"}}]}',
            "metadata is not a JSON object",
        ),
    ],
)
def test_json_that_is_not_a_version_4_notebook_is_invalid_with_what_is_wrong(
    tmp_path, content, says
):
    # read without nbformat's schema validation: the grader's own checks must say what is wrong
    path = tmp_path / "odd.ipynb"
    path.write_text(content)
    result = grade_notebook(path, "convolution", seed=1)
    assert result["status"] == "invalid" and result["score"] == 0
    assert says in result["messages"][-1]
    assert all(c["status"] == "error" for c in result["components"])


def test_deleted_and_retagged_cells(course, tmp_path):
    nb = solved(read(release_path("convolution", course)), read(source_path("convolution")))
    nb.cells = [c for c in nb.cells if nbgrader_meta(c).get("grade_id") != "pad2d"]  # deleted
    for cell in nb.cells:
        if nbgrader_meta(cell).get("grade"):
            cell.metadata["nbgrader"]["grade"] = (
                False  # test cells re-tagged: tests are ours anyway
            )
            cell.source = "assert True"
    path = tmp_path / "edited.ipynb"
    nbformat.write(nb, path)
    result = grade_notebook(path, "convolution", seed=2)
    scores = {c["name"]: c["score"] for c in result["components"]}
    assert scores["test_pad2d"] == 0 and scores["test_corr2d"] == 3
    assert any("pad2d" in m and "missing" in m for m in result["messages"])


def test_notebook_without_metadata_runs_all_cells_and_says_so(course, tmp_path):
    nb = solved(read(release_path("convolution", course)), read(source_path("convolution")))
    for cell in nb.cells:
        cell.metadata = {}
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    result = grade_notebook(path, "convolution", seed=2)
    assert result["score"] == result["max_score"]
    assert any("no nbgrader metadata" in m for m in result["messages"])


def test_batch_with_attacks_completes_and_leaves_honest_results_alone(course, tmp_path):
    folder = tmp_path / "submissions"
    folder.mkdir()
    honest = write_solved(course, "convolution", folder, name="honest.ipynb")
    for name in ("os._exit", "fork bomb", "patched numpy and assert helpers"):
        attack_notebook(course, folder, name, ATTACKS[name])
    (folder / "corrupt.ipynb").write_text("not json")
    out = tmp_path / "results.jsonl"
    records, errors = grade_all(
        folder, "convolution", out, workers=2, seed=9, progress=False, timeout=4
    )
    assert not errors and len(records) == 5
    by_name = {Path(r["result"]["submission"]).name: r["result"] for r in records}
    assert by_name["honest.ipynb"]["score"] == by_name["honest.ipynb"]["max_score"]
    assert by_name["corrupt.ipynb"]["status"] == "invalid"
    alone = grade_notebook(honest, "convolution", seed=9)
    assert [c["score"] for c in alone["components"]] == [
        c["score"] for c in by_name["honest.ipynb"]["components"]
    ]


def test_grade_all_resumes_after_kill_9(course, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(6):
        write_solved(course, "pooling", folder, name=f"student{i}.ipynb")
    out = tmp_path / "results.jsonl"
    command = [
        sys.executable,
        "-m",
        "autograder.cli",
        "grade-all",
        str(folder),
        "--assignment",
        "pooling",
        "--out",
        str(out),
        "--workers",
        "1",
        "--seed",
        "3",
        "--no-progress",
    ]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and (not out.exists() or out.read_text().count("\n") < 2):
        time.sleep(0.05)
    child.kill()  # kill -9 in the middle of the batch
    child.wait()
    before = [json.loads(line) for line in out.read_text().splitlines() if line.endswith("}")]
    assert 2 <= len(before) < 6
    records, errors = grade_all(folder, "pooling", out, workers=2, progress=False)
    assert not errors and len(records) == 6
    kept = {r["key"]: r for r in records}
    for record in before:  # nothing regraded, nothing lost
        assert kept[record["key"]]["result"]["seconds"] == record["result"]["seconds"]


def test_cli_grade_writes_json_and_exits_zero(course, tmp_path, capsys):
    path = write_solved(
        course,
        "dilation",
        tmp_path,
        {"receptive_field": planted("dilation", "receptive_field")},
    )
    assert (
        main(
            [
                "grade",
                str(path),
                "--assignment",
                "dilation",
                "--json",
                str(tmp_path / "r.json"),
                "--seed",
                "4",
            ]
        )
        == 0
    )
    result = json.loads((tmp_path / "r.json").read_text())
    assert set(result) >= {
        "assignment",
        "submission",
        "status",
        "score",
        "max_score",
        "components",
        "messages",
    }
    component = result["components"][1]
    assert set(component) >= {"name", "score", "max_score", "status", "cases", "diagnosis"}
    assert component["status"] == "partial" and "strides are forgotten" in component["diagnosis"]
    assert "test_receptive_field" in capsys.readouterr().out
    with pytest.raises(SystemExit) as bad:
        main(["grade", str(path), "--assignment", "nonexistent"])
    assert bad.value.code == 2


def test_the_grade_program_writes_everything_and_never_imports_nbformat(course, tmp_path):
    """``autograder grade`` as a program skips the interpreter's teardown (``os._exit``):
    its table, JSON and HTML are complete, and nbformat (seconds of imports with its schema
    validation) stays unloaded, the submission and the source being read as plain JSON."""
    path = write_solved(course, "channels", tmp_path, {"conv1x1": planted("channels", "conv1x1")})
    probe = (
        "import sys, runpy; sys.argv = ['autograder'] + sys.argv[1:]\n"
        "import atexit; atexit.register(lambda: print('nbformat' in sys.modules))\n"
        "runpy.run_module('autograder.cli', run_name='__main__')"
    )
    json_out, html_out = tmp_path / "r.json", tmp_path / "r.html"
    common = ["grade", str(path), "--assignment", "channels", "--seed", "3"]
    done = subprocess.run(
        [sys.executable, "-c", probe, *common, "--json", str(json_out), "--html", str(html_out)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "bias is missing" in done.stdout and "total:" in done.stdout
    result = json.loads(json_out.read_text())
    assert result["status"] == "graded" and 0 < result["score"] < result["max_score"]
    assert html_out.read_text().rstrip().endswith("</html>")
    # main() with argv given (from code) returns; run as a program it exits before atexit
    assert not done.stdout.rstrip().endswith(("True", "False"))
    imports = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from autograder.cli import main; main(sys.argv[1:]); "
            "print('nbformat' in sys.modules)",
            *common,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert imports.stdout.rstrip().endswith("False")


def test_bubblewrap_is_installed_where_grading_runs():
    # make test installs Debian's bubblewrap (tools/sysdeps.py); without it grading falls back to a plain child
    assert bwrap_path(), "bubblewrap (bwrap) is missing"


def test_nbgrader_gradebook_gets_every_grade_and_flags_what_could_not_be_graded(course, tmp_path):
    from nbgrader.api import Gradebook

    root = tmp_path / "course"
    shutil.copytree(
        course, root, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback")
    )
    submissions = {
        "alice": solved(read(release_path("convolution", root)), read(source_path("convolution"))),
        "bob": solved(
            read(release_path("convolution", root)),
            read(source_path("convolution")),
            {"corr2d": planted("convolution", "corr2d")},
        ),
    }
    for student, nb in submissions.items():
        folder = root / "submitted" / student / "convolution"
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / "convolution.ipynb")
    corrupt = root / "submitted" / "carol" / "convolution"
    corrupt.mkdir(parents=True)
    (corrupt / "convolution.ipynb").write_text("{ truncated")
    (root / "submitted" / "dave" / "convolution").mkdir(parents=True)  # no notebook at all

    assert main(["nbgrader", "convolution", "--course", str(root), "--seed", "5"]) == 0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert gb.find_submission("convolution", "alice").score == 10
        assert gb.find_submission("convolution", "bob").score == 4
        for student, reason in (
            ("carol", "not a readable Jupyter notebook"),
            ("dave", "no notebook"),
        ):
            grade = gb.find_grade("test_corr2d", "convolution", "convolution", student)
            assert grade.auto_score is None and grade.needs_manual_grade, student
            assert (
                reason
                in gb.find_comment("corr2d", "convolution", "convolution", student).auto_comment
            )
        assert not gb.find_grade(
            "test_corr2d", "convolution", "convolution", "alice"
        ).needs_manual_grade


@pytest.mark.slow
def test_grade_all_on_a_dask_cluster_gives_the_local_results(course, tmp_path):
    from distributed import LocalCluster

    folder = tmp_path / "dask"
    folder.mkdir()
    write_solved(course, "fully-connected", folder, name="right.ipynb")
    write_solved(
        course,
        "fully-connected",
        folder,
        {"linear": planted("fully-connected", "linear")},
        name="swapped.ipynb",
    )
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        remote, errors = grade_all(
            folder,
            "fully-connected",
            tmp_path / "dask.jsonl",
            seed=8,
            progress=False,
            scheduler=cluster.scheduler_address,
        )
    assert not errors
    local, _ = grade_all(
        folder, "fully-connected", tmp_path / "local.jsonl", seed=8, progress=False
    )
    scores = lambda records: {Path(r["result"]["submission"]).name: r["score"] for r in records}  # noqa: E731
    assert scores(remote) == scores(local) == {"right.ipynb": 10.0, "swapped.ipynb": 8.0}


def test_html_feedback_shows_diagnosis_and_heatmap_but_no_secrets(course, tmp_path):
    path = write_solved(
        course, "pooling", tmp_path, {"pool_backward": planted("pooling", "pool_backward")}
    )
    assert (
        main(
            [
                "grade",
                str(path),
                "--assignment",
                "pooling",
                "--seed",
                "424242",
                "--html",
                str(tmp_path / "f.html"),
                "--json",
                str(tmp_path / "f.json"),
            ]
        )
        == 0
    )
    page = (tmp_path / "f.html").read_text()
    assert "every cell of the window" in page and "data:image/png;base64," in page
    assert "424242" not in page, "the seed stays with the grader"
    source = read(source_path("pooling"))
    reference_lines = [
        line.strip()
        for c in source.cells
        for line in c.source.splitlines()
        if "BEGIN SOLUTION" not in line
        and len(line.strip()) > 25
        and nbgrader_meta(c).get("solution")
    ]
    assert not [line for line in reference_lines if line in page], "no reference code in feedback"
    assert "check_in_kernel" not in page and "solutions." not in page


def test_hidden_tests_use_the_same_checks_and_explain_failures(course, tmp_path, monkeypatch):
    from autograder.grader import check_in_kernel
    from autograder.library import GRADING_ENV, on_path, write_library

    monkeypatch.setenv(GRADING_ENV, "1")  # save() writes nothing: the cells run without source
    namespace = {}
    nb = solved(
        read(release_path("activations", course)),
        read(source_path("activations")),
        {"softmax": planted("activations", "softmax")},
    )
    with on_path(write_library(tmp_path)):  # the notebook imports the student library
        for cell in nb.cells:
            if cell.cell_type == "code" and not nbgrader_meta(cell).get("grade"):
                exec(cell.source, namespace)
    check_in_kernel("activations", "test_relu_family", namespace, seed=1)  # right: silent
    with pytest.raises(AssertionError, match="subtract the maximum"):
        with np.errstate(all="ignore"):
            check_in_kernel("activations", "test_softmax", namespace, seed=1)


# --- one batch runner: a failure inside one submission's grading costs that submission only


@pytest.fixture
def batch_with_one_grader_failure(course, tmp_path, monkeypatch):
    """Three submissions; grading the one named boom.ipynb raises inside the grader."""
    import autograder.grader as grader_module

    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("first.ipynb", "boom.ipynb", "last.ipynb"):
        write_solved(course, "convolution", folder, name=name)
    real = grader_module.grade_notebook

    def failing_on_boom(path, *args, **kwargs):
        if Path(path).name == "boom.ipynb":
            raise RuntimeError("a bug in the grader")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(grader_module, "grade_notebook", failing_on_boom)
    return folder


def assert_only_boom_failed(records, errors):
    names = {Path(r["result"]["submission"]).name: r for r in records}
    assert set(names) == {"first.ipynb", "last.ipynb"}
    assert all(r["score"] == r["max_score"] for r in names.values())
    assert len(errors) == 1 and "boom.ipynb" in errors[0] and "a bug in the grader" in errors[0]


def test_grade_all_survives_a_grader_failure_locally(batch_with_one_grader_failure, tmp_path):
    out = tmp_path / "local.jsonl"
    records, errors = grade_all(
        batch_with_one_grader_failure, "convolution", out, seed=3, progress=False
    )
    assert_only_boom_failed(records, errors)


@pytest.mark.slow
def test_grade_all_survives_a_grader_failure_on_dask(batch_with_one_grader_failure, tmp_path):
    from distributed import LocalCluster

    # worker threads in this process, so they see the patched grader
    with LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    ) as cluster:
        records, errors = grade_all(
            batch_with_one_grader_failure,
            "convolution",
            tmp_path / "dask.jsonl",
            seed=3,
            progress=False,
            scheduler=cluster.scheduler_address,
        )
    assert_only_boom_failed(records, errors)


def test_gradebook_survives_a_grader_failure(course, tmp_path, monkeypatch):
    from nbgrader.api import Gradebook

    import autograder.grader as grader_module

    root = tmp_path / "course"
    shutil.copytree(
        course, root, ignore=shutil.ignore_patterns("submitted", "autograded", "feedback")
    )
    for student in ("alice", "boom", "carol"):
        folder = root / "submitted" / student / "convolution"
        folder.mkdir(parents=True)
        write_solved(root, "convolution", folder)
    real = grader_module.grade_notebook

    def failing_for_boom(path, *args, **kwargs):
        if "boom" in Path(path).parts:
            raise RuntimeError("a bug in the grader")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(grader_module, "grade_notebook", failing_for_boom)
    assert main(["nbgrader", "convolution", "--course", str(root), "--seed", "5"]) == 0
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert gb.find_submission("convolution", "alice").score == 10
        assert gb.find_submission("convolution", "carol").score == 10
        grade = gb.find_grade("test_corr2d", "convolution", "convolution", "boom")
        assert grade.auto_score is None and grade.needs_manual_grade
        comment = gb.find_comment("corr2d", "convolution", "convolution", "boom").auto_comment
        assert "the grader failed" in comment and "a bug in the grader" in comment
