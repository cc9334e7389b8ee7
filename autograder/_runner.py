"""Runs inside the sandbox: a small server that forks one child per job; the child runs the
submission's code, then the requested calls.

This file is copied into the sandbox's folder and run there with ``python -I -S``; it imports
nothing from this project (the project is not visible inside). The server reads
``session.json`` (the import path), imports numpy and what every job needs once, makes itself
undumpable (a child can then neither ptrace it nor open its file descriptors) and waits for
requests, one JSON line each on its standard input: ``{"job": NAME, "timeout": SECONDS}``. For
each it forks a child, kills the child when its time is up, and answers on its standard output
with ``{"job", "status": "ok"|"crashed"|"timeout", "code"}`` once the child has ended. A
grader's session sends one submission's components to one server: a fork costs a millisecond
where a fresh interpreter and numpy cost 0.1-0.15 s, and every child still starts from the
same state, untouched by any student code.

The child works in ``jobs/NAME``: its standard output and error go to ``stdout.txt`` there
before anything else runs. It reads ``job.json`` and ``cells.json`` (the code cells, run one
by one like a notebook), sets its resource limits and a seccomp filter against new processes
before any student code runs, executes the code, calls each requested function on inputs
loaded with ``allow_pickle=False``, and writes each output as plain ``.npy`` files plus
``results.json``. Anything that is not a number, an ndarray of numbers, or a tuple/list/dict
of those is refused here, so nothing but numbers ever reaches the grader, which compares them
in its own process. Each call's arguments (all but an in-place case's output) are copied
before it and compared after it, here where the very objects live; a changed one is reported
by name (``changed``) and costs the case.
"""

from __future__ import annotations

import io
import json
import os
import select
import signal
import sys
import time
import traceback
from dataclasses import dataclass


def _tanh(v):
    import numpy as np  # numpy becomes importable only once serve() has set sys.path

    return np.tanh(v)


def _sin_sum(v):
    import numpy as np

    return np.sin(v).sum()


@dataclass(frozen=True)
class Named:
    """An argument that is a function: passed to the sandbox by name (no code crosses over).
    The runner and the grader both look the name up in ``NAMED_FUNCTIONS``."""

    name: str


# functions passed as arguments travel by name; the grader's checks use this same table
NAMED_FUNCTIONS = {
    "square": lambda v: v**2,
    "tanh": _tanh,
    "sin_sum": _sin_sum,
    "cubic_mix": lambda v: v**3 - 2 * v,
    # couples every entry to every other: a numerical gradient that leaves an entry perturbed
    # (or never restores it) shifts the sum seen by every later entry, so its answer is wrong
    "coupled": lambda v: v * v.sum() ** 2,
}
MAX_TEXT = 2000
MAX_DEPTH = 3


class TruncatedOutput(io.TextIOBase):
    """Keeps the first ``limit`` characters of what the student prints, drops the rest."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def write(self, text: str) -> int:
        keep = max(0, self.limit - self.size)
        self.parts.append(text[:keep])
        self.size += min(keep, len(text))
        self.dropped += len(text) - min(keep, len(text))
        return len(text)

    def text(self) -> str:
        suffix = f"\n[... {self.dropped} more characters not shown]" if self.dropped else ""
        return "".join(self.parts) + suffix


def set_limits(limits: dict) -> None:
    import resource

    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def forbid_new_processes() -> bool:
    """Install a seccomp filter: fork, vfork, clone3 and clone without CLONE_THREAD fail.

    A submission can then start no process at all (no fork bomb, nothing left behind), while
    threads still work. RLIMIT_NPROC cannot do this here: inside the sandbox the child's user
    maps to root outside, which the kernel exempts from that limit. x86-64 only; returns
    whether the filter is in place.
    """
    import ctypes
    import platform
    import struct

    if platform.machine() != "x86_64":
        return False
    bpf_ld_w_abs, bpf_jeq_k, bpf_jset_k, bpf_ret_k = 0x20, 0x15, 0x45, 0x06
    allow, eperm, enosys = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38
    arch_x86_64, nr_clone, nr_fork, nr_vfork, nr_clone3 = 0xC000003E, 56, 57, 58, 435
    clone_thread = 0x00010000
    program = [
        (bpf_ld_w_abs, 0, 0, 4),  # seccomp_data.arch
        (bpf_jeq_k, 1, 0, arch_x86_64),
        (bpf_ret_k, 0, 0, allow),  # another ABI (x32/i386 emulation): leave to the other limits
        (bpf_ld_w_abs, 0, 0, 0),  # seccomp_data.nr
        (bpf_jeq_k, 0, 1, nr_fork),
        (bpf_ret_k, 0, 0, eperm),
        (bpf_jeq_k, 0, 1, nr_vfork),
        (bpf_ret_k, 0, 0, eperm),
        (bpf_jeq_k, 0, 1, nr_clone3),
        (bpf_ret_k, 0, 0, enosys),  # libc then falls back to clone, checked below
        (bpf_jeq_k, 0, 3, nr_clone),
        (bpf_ld_w_abs, 0, 0, 16),  # low 32 bits of args[0]: the clone flags
        (bpf_jset_k, 1, 0, clone_thread),
        (bpf_ret_k, 0, 0, eperm),
        (bpf_ret_k, 0, 0, allow),
    ]
    code = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = SockFprog(len(program), ctypes.cast(buffer, ctypes.c_void_p))
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0:
        return False
    return libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(fprog), 0, 0) == 0


def short_error(error: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(error), error)).strip()
    return text[:MAX_TEXT]


# --- the wire format, both directions, in one place -------------------------------------------
# grader -> child: each argument of a call is described by ``encode_argument`` (arrays as .npy
# files under in/, the rest as JSON) and rebuilt in the child by ``decode_argument``.
# child -> grader: each output is described by ``encode_output`` (numbers only, as .npy files
# under out/) and rebuilt in the grader by ``decode_output``, which reads .npy files only.


def encode_argument(value, folder, prefix: str, np):
    """Describe one argument for the child, writing its arrays into ``folder``/in/."""
    if isinstance(value, Named):
        return {"kind": "named", "name": value.name}
    if isinstance(value, np.ndarray):
        name = f"in/{prefix}.npy"
        np.save(os.path.join(folder, name), value, allow_pickle=False)
        return {"kind": "npy", "file": name}
    if isinstance(value, tuple | list):
        kind = "tuple" if isinstance(value, tuple) else "list"
        items = [encode_argument(v, folder, f"{prefix}_{i}", np) for i, v in enumerate(value)]
        return {"kind": kind, "items": items}
    if isinstance(value, dict):
        items = {
            k: encode_argument(v, folder, f"{prefix}_{i}", np)
            for i, (k, v) in enumerate(value.items())
        }
        return {"kind": "dict", "items": items}
    if isinstance(value, np.generic):
        value = value.item()
    return {"kind": "json", "value": value}


def decode_argument(spec, np):
    kind = spec["kind"]
    if kind == "npy":
        return np.load(spec["file"], allow_pickle=False)
    if kind == "json":
        return spec["value"]
    if kind == "named":
        return NAMED_FUNCTIONS[spec["name"]]
    if kind == "tuple":
        return tuple(decode_argument(item, np) for item in spec["items"])
    if kind == "list":
        return [decode_argument(item, np) for item in spec["items"]]
    if kind == "dict":
        return {key: decode_argument(item, np) for key, item in spec["items"].items()}
    raise ValueError(f"unknown argument kind {kind!r}")


def as_called(value, interned: bool = True):
    """Every string of an argument (inside tuples, lists and dicts too) interned, as literals
    in the notebook (f(x, "same"), a layer list written out) are; unless the case asks for
    fresh strings, as strings built or read at run time are. Code that compares strings with
    ``is`` then fails on one kind of case or the other."""
    if not interned:
        return value
    if isinstance(value, str):
        return sys.intern(value)
    if type(value) is tuple:
        return tuple(as_called(v) for v in value)
    if type(value) is list:
        return [as_called(v) for v in value]
    if type(value) is dict:
        return {k: as_called(v) for k, v in value.items()}
    return value


def encode_output(value, prefix: str, np, depth: int = 0):
    """Describe an output; write its arrays. Raises TypeError for anything but numbers."""
    if depth > MAX_DEPTH:
        raise TypeError("the output is nested too deeply")
    if (
        type(value) is np.ndarray
        or isinstance(value, bool | int | float)
        or type(value) in np.sctypeDict.values()
    ):
        array = np.asarray(value)
        if type(array) is not np.ndarray or array.dtype.kind not in "biuf":
            raise TypeError(f"returned an array of dtype {array.dtype}, not numbers")
        path = f"out/{prefix}.npy"
        np.save(path, array, allow_pickle=False)
        return {"kind": "npy", "file": path}
    if value is None:
        return {"kind": "none"}
    if type(value) in (tuple, list):
        return {
            "kind": "tuple",
            "items": [
                encode_output(v, f"{prefix}_{i}", np, depth + 1) for i, v in enumerate(value)
            ],
        }
    if type(value) is dict and all(type(k) is str for k in value):
        return {
            "kind": "dict",
            "items": {
                k: encode_output(v, f"{prefix}_{i}", np, depth + 1)
                for i, (k, v) in enumerate(value.items())
            },
        }
    raise TypeError(f"returned a {type(value).__name__}, not an array or a number")


def decode_output(spec, folder, np):
    """Rebuild the child's output from its description: .npy files only, no pickle."""
    from pathlib import Path

    folder = Path(folder)
    kind = spec.get("kind") if isinstance(spec, dict) else None
    if kind == "npy":
        file = (folder / str(spec.get("file", ""))).resolve()
        if folder.resolve() not in file.parents:
            raise ValueError("an output file outside the job folder")
        array = np.load(file, allow_pickle=False)
        if array.dtype.kind not in "biuf":
            raise ValueError(f"an output of dtype {array.dtype}")
        return array
    if kind == "none":
        return None
    if kind == "tuple":
        return tuple(decode_output(item, folder, np) for item in spec["items"])
    if kind == "dict":
        return {str(k): decode_output(v, folder, np) for k, v in spec["items"].items()}
    raise ValueError(f"an output of unknown kind {kind!r}")


# --- arguments that must come back unchanged ----------------------------------------------------
# Every argument but an in-place case's output is the caller's: the runner keeps a copy of each
# array in it (dict values and list items too) before the call and compares after it, here in
# the child, where the very objects handed to the student's function live.


def hold_arguments(args, kwargs, skip, np) -> list:
    """(where, object, copy) for every array and container in the arguments but ``args[skip]``.

    ``where`` is (position or keyword, path inside it); a container's copy is shallow, so that
    an entry replaced by another array is seen as well as an array changed in place.
    """
    held = []

    def walk(value, where):
        if isinstance(value, np.ndarray):
            held.append((where, value, value.copy()))
        elif isinstance(value, dict):
            held.append((where, value, dict(value)))
            for key, item in value.items():
                walk(item, (where[0], where[1] + (key,)))
        elif isinstance(value, list):
            held.append((where, value, list(value)))
            for i, item in enumerate(value):
                walk(item, (where[0], where[1] + (i,)))
        elif isinstance(value, tuple):
            for i, item in enumerate(value):
                walk(item, (where[0], where[1] + (i,)))

    for position, value in enumerate(args):
        if position != skip:
            walk(value, (position, ()))
    for key, value in kwargs.items():
        walk(value, (key, ()))
    return held


def changed_argument(held, np):
    """(where, how) of the first held argument that differs from its copy, else None.

    Arrays must be bitwise equal (NaN equal to NaN), with the same shape and dtype; containers
    must hold the very same entries. ``how`` is "values", "rounding" (changed by round-off
    only: x + eps - eps is not always x), "shape", "dtype" or "entries".
    """
    for where, value, copy in held:
        if isinstance(value, np.ndarray):
            if value.shape != copy.shape:
                return where, "shape"
            if value.dtype != copy.dtype:
                return where, "dtype"
            if not np.array_equal(value, copy, equal_nan=value.dtype.kind in "fc"):
                close = value.dtype.kind in "fc" and np.allclose(
                    value, copy, rtol=1e-12, atol=0, equal_nan=True
                )
                return where, "rounding" if close else "values"
        elif isinstance(value, dict):
            if list(value) != list(copy) or any(value[k] is not copy[k] for k in copy):
                return where, "entries"
        elif len(value) != len(copy) or any(a is not b for a, b in zip(value, copy, strict=True)):
            return where, "entries"
    return None


def name_argument(changed, function) -> dict:
    """The changed argument as the student knows it: its parameter name where the signature
    says it (``x``, ``params['w']``), else its position; and how it changed."""
    (position, path), how = changed
    name = position if isinstance(position, str) else f"argument {position + 1}"
    if not isinstance(position, str):
        try:
            import inspect

            parameters = list(inspect.signature(function).parameters.values())
            if position < len(parameters) and parameters[position].kind in (
                inspect.Parameter.POSITIONAL_ONLY,
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
            ):
                name = parameters[position].name
        except (TypeError, ValueError):  # builtins and odd callables have no signature
            pass
    label = str(name)[:40] + "".join(f"[{key!r}]"[:40] for key in path[:MAX_DEPTH])
    return {"argument": label, "how": how}


def write_results(results: dict) -> None:
    with open("results.tmp", "w") as f:
        json.dump(results, f)
    os.replace("results.tmp", "results.json")


def run_job() -> None:
    """A child's work, in its job folder: limits and filter, the cells, the calls, the results."""
    with open("job.json") as f:
        job = json.load(f)
    set_limits(job["limits"])
    import numpy as np  # already loaded by the server

    results_seccomp = forbid_new_processes()

    stdout = TruncatedOutput(job["max_output"])
    results = {"loaded": False, "cases": [], "stdout": "", "no_new_processes": results_seccomp}
    real_stdout, real_stderr = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = stdout
    namespace = {"__name__": "__submission__"}
    with open("cells.json") as f:
        cells = json.load(f)
    results["cell_errors"] = []
    for cell in cells:  # like a notebook: an error in one cell does not stop the next
        try:
            exec(compile(cell["source"], cell["name"], "exec"), namespace)
        except BaseException as error:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
            results["cell_errors"].append({"cell": cell["name"], "error": short_error(error)})
    results["loaded"] = True
    for index, case in enumerate(job["cases"]):
        record = {"ok": False}
        try:
            function = namespace.get(case["function"])
            if not callable(function):
                raise NameError(f"the notebook does not define a function {case['function']}()")
            interned = case.get("interned", True)
            args = [as_called(decode_argument(a, np), interned) for a in case["args"]]
            kwargs = {
                k: as_called(decode_argument(v, np), interned) for k, v in case["kwargs"].items()
            }
            held = None
            if case["output_arg"] is not None:  # in place: keep the very arrays handed in
                given = args[case["output_arg"]]
                held = dict(given) if isinstance(given, dict) else given
            before = hold_arguments(args, kwargs, case["output_arg"], np)
            out = function(*args, **kwargs)
            record["output"] = encode_output(held if held is not None else out, f"case{index}", np)
            record["ok"] = True
            changed = changed_argument(before, np)
            if changed is not None:
                record["changed"] = name_argument(changed, function)
        except BaseException as error:  # noqa: BLE001
            record["error"] = short_error(error)
        results["cases"].append(record)
        results["stdout"] = stdout.text()
        write_results(results)
    results["stdout"] = stdout.text()
    sys.stdout, sys.stderr = real_stdout, real_stderr
    write_results(results)


def start_child(name: str) -> int:
    """Fork the child of job ``name``; in the child, run it and never return."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        os.chdir(os.path.join("jobs", name))
        # the server's pipes are its channel to the grader: the child's output goes to a file
        # before any student code can write to them, and the child keeps no other descriptor
        out = os.open("stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        nothing = os.open(os.devnull, os.O_RDONLY)
        os.dup2(nothing, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        os.closerange(3, 1024)
        sys.stdin = open(0, closefd=False)  # noqa: SIM115 - the descriptors live as long as the child
        sys.stdout = sys.stderr = open(1, "w", closefd=False)  # noqa: SIM115
        run_job()
        code = 0
    except BaseException:  # noqa: BLE001 - whatever happens, the child ends here
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
        finally:
            os._exit(code)


def serve() -> None:
    """Answer the grader's requests until its end of the pipe closes, then end every child."""
    with open("session.json") as f:
        session = json.load(f)
    sys.path[:0] = session["sys_path"]
    # loaded once here, before any student code, so every child starts with them
    import ctypes  # noqa: F401
    import inspect  # noqa: F401
    import platform  # noqa: F401
    import resource  # noqa: F401
    import struct  # noqa: F401

    import numpy  # noqa: F401

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_dumpable = 4
    libc.prctl(pr_set_dumpable, 0, 0, 0, 0)
    wakeup = os.pipe()
    for end in wakeup:
        os.set_blocking(end, False)
    signal.set_wakeup_fd(wakeup[1])
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: dict[int, dict] = {}  # pid -> {"job", "deadline", "killed"}
    pending, closed = b"", False
    while not closed or children:
        now = time.monotonic()
        wait = (
            None if not children else max(0.0, min(c["deadline"] for c in children.values()) - now)
        )
        try:
            ready, _, _ = select.select([wakeup[0]] + ([] if closed else [0]), [], [], wait)
        except InterruptedError:
            ready = []
        if 0 in ready:
            data = os.read(0, 65536)
            closed = not data
            pending += data
            *lines, pending = pending.split(b"\n")
            for line in lines:
                request = json.loads(line)
                pid = start_child(request["job"])
                deadline = time.monotonic() + float(request["timeout"])
                children[pid] = {"job": request["job"], "deadline": deadline, "killed": False}
        if wakeup[0] in ready:
            try:
                os.read(wakeup[0], 4096)
            except BlockingIOError:
                pass
        now = time.monotonic()
        for pid, child in children.items():
            # out of time, or the grader is gone or done: nothing more is waited for
            if not child["killed"] and (closed or now >= child["deadline"]):
                child["killed"] = True
                _kill(pid)
        while children:
            pid, status = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
            child = children.pop(pid, None)
            if child is None:
                continue
            code = os.waitstatus_to_exitcode(status)
            answer = {
                "job": child["job"],
                "status": "timeout" if child["killed"] else ("ok" if code == 0 else "crashed"),
                "code": code,
            }
            if not closed:
                os.write(1, (json.dumps(answer) + "\n").encode())


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


if __name__ == "__main__":
    serve()
