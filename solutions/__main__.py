"""``python -m solutions`` (run by ``make course``): compile the kernels and report.

Compiling here, once, means the first call in a notebook or a grading run loads the kernels
from Numba's cache instead of compiling them (seconds per kernel and dtype). ``--compile``
(``make course`` runs it first, before anything else calls a kernel) compiles without the
report.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import solutions as S


def warm_up(progress: bool = False) -> float:
    """Call every kernel once per dtype; return the seconds it took (``progress``: a line per
    dtype, for the minute compiling takes the first time)."""
    start = time.perf_counter()
    for dtype in (np.float32, np.float64):
        x = np.ones((2, 4, 8, 8), dtype)
        for kwargs in ({"padding": 1}, {"stride": 2}, {"groups": 4, "padding": 1}):
            w = np.ones((4, 4 // kwargs.get("groups", 1), 3, 3), dtype)
            out = S.conv2d(x, w, **kwargs)
            S.conv2d_backward(np.ones_like(out), x, w, **kwargs)
        for pool, backward in (
            (S.max_pool2d, S.max_pool2d_backward),
            (S.avg_pool2d, S.avg_pool2d_backward),
        ):
            for args in ((2,), (3, 2, 1)):  # max pooling has a kernel of its own for 2x2
                backward(np.ones_like(pool(x, *args)), x, *args)
        S.relu_backward(x, x)
        if progress:
            seconds = time.perf_counter() - start
            print(f"  kernels: {np.dtype(dtype).name} ready after {seconds:.0f} s", flush=True)
    return time.perf_counter() - start


def main() -> None:
    if "--compile" in sys.argv[1:]:
        seconds = warm_up(progress=True)
        print(f"kernels: compiled (or loaded from Numba's cache) in {seconds:.1f} s")
        return
    seconds = warm_up()
    print(
        f"solutions: {len(S.__all__)} public names; kernels compiled or loaded in {seconds:.1f} s"
    )
    print("\nclassic networks, parameters counted from their specs (nothing allocated):")
    for name, build in (
        ("LeNet-5 (d2l)", S.lenet5),
        ("AlexNet", S.alexnet),
        ("VGG-16", S.vgg16),
        ("ResNet-18", S.resnet18),
    ):
        print(f"  {name:<14} {S.count_parameters(build()):>12,}")
    print("\nLeNet-5 layer by layer:")
    print(S.summary(S.lenet5(), (1, 1, 28, 28)))
    print(
        "\nNext: `make test` runs the test suite; `make train` trains LeNet-5 on real digits;"
        "\n`make bench` compares speed with PyTorch."
    )


if __name__ == "__main__":
    main()
