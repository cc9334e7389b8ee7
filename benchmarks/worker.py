"""Time one implementation ("ours" or "torch") on every case; print JSON on the last line.

Run in its own process per implementation: measured on the course's machine, interleaving
torch, numpy and Numba calls in one process made the Numba/BLAS timings 2-5x worse (the other
libraries' threads keep spinning between calls).
Each ``prepare_*`` method does the set-up (forward pass, tensors) and returns the call to time.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from benchmarks.cases import CONV_CASES, LINEAR_CASES, POOL_CASES

THREADS = 2


def timeit(fn, min_time: float = 0.25, max_reps: int = 200) -> float:
    """Median seconds per call after two warm-up calls (compilation, caches)."""
    fn()
    fn()
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < max_reps and (len(times) < 5 or time.perf_counter() - start < min_time):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


class Ours:
    def __init__(self) -> None:
        import numba

        import solutions

        numba.set_num_threads(THREADS)
        self.S = solutions

    def prepare_conv(self, x, w, kwargs):
        return lambda: self.S.conv2d(x, w, **kwargs)

    def prepare_conv_backward(self, x, w, kwargs):
        dout = np.ones_like(self.S.conv2d(x, w, **kwargs))
        return lambda: self.S.conv2d_backward(dout, x, w, **kwargs)

    def prepare_pool(self, kind, x, args):
        forward = getattr(self.S, f"{kind}_pool2d")
        return lambda: forward(x, *args)

    def prepare_pool_backward(self, kind, x, args):
        if kind == "max":  # like PyTorch's autograd, reuse the forward's arg-max
            out, indices = self.S.max_pool2d(x, *args, return_indices=True)
            dout = np.ones_like(out)
            return lambda: self.S.max_pool2d_backward(dout, x, *args, indices=indices)
        dout = np.ones_like(self.S.avg_pool2d(x, *args))
        return lambda: self.S.avg_pool2d_backward(dout, x, *args)

    def prepare_linear(self, x, w):
        return lambda: self.S.linear(x, w)

    def prepare_linear_backward(self, x, w):
        dout = np.ones((x.shape[0], w.shape[0]), x.dtype)
        return lambda: self.S.linear_backward(dout, x, w)


class Torch:
    def __init__(self) -> None:
        import torch
        import torch.nn.functional as F

        torch.set_num_threads(THREADS)
        self.torch, self.F = torch, F

    def _leaf(self, a):
        return self.torch.from_numpy(a).requires_grad_()

    def _grad_of(self, out, inputs):
        # time the backward of this op alone (retain_graph: the same graph is reused)
        dout = self.torch.ones_like(out)
        return lambda: self.torch.autograd.grad(out, inputs, dout, retain_graph=True)

    def prepare_conv(self, x, w, kwargs):
        xt, wt = self.torch.from_numpy(x), self.torch.from_numpy(w)
        return lambda: self.F.conv2d(xt, wt, **kwargs)

    def prepare_conv_backward(self, x, w, kwargs):
        xt, wt = self._leaf(x), self._leaf(w)
        return self._grad_of(self.F.conv2d(xt, wt, **kwargs), (xt, wt))

    def prepare_pool(self, kind, x, args):
        forward = getattr(self.F, f"{kind}_pool2d")
        xt = self.torch.from_numpy(x)
        return lambda: forward(xt, *args)

    def prepare_pool_backward(self, kind, x, args):
        xt = self._leaf(x)
        return self._grad_of(getattr(self.F, f"{kind}_pool2d")(xt, *args), (xt,))

    def prepare_linear(self, x, w):
        xt, wt = self.torch.from_numpy(x), self.torch.from_numpy(w)
        return lambda: self.F.linear(xt, wt)

    def prepare_linear_backward(self, x, w):
        xt, wt = self._leaf(x), self._leaf(w)
        return self._grad_of(self.F.linear(xt, wt), (xt, wt))


def measure(impl) -> dict[str, float]:
    """Seconds per call, keyed "op|case|dtype"."""
    rng = np.random.default_rng(0)
    results = {}
    for dtype in (np.float32, np.float64):
        dname = np.dtype(dtype).name
        for name, x_shape, w_shape, kwargs in CONV_CASES:
            x = rng.standard_normal(x_shape).astype(dtype)
            w = rng.standard_normal(w_shape).astype(dtype)
            results[f"conv2d fwd|{name}|{dname}"] = timeit(impl.prepare_conv(x, w, kwargs))
            results[f"conv2d bwd|{name}|{dname}"] = timeit(impl.prepare_conv_backward(x, w, kwargs))
        for name, x_shape, args in POOL_CASES:
            x = rng.standard_normal(x_shape).astype(dtype)
            for kind in ("max", "avg"):
                results[f"{kind}_pool2d fwd|{name}|{dname}"] = timeit(
                    impl.prepare_pool(kind, x, args)
                )
                results[f"{kind}_pool2d bwd|{name}|{dname}"] = timeit(
                    impl.prepare_pool_backward(kind, x, args)
                )
        for name, x_shape, out_features in LINEAR_CASES:
            x = rng.standard_normal(x_shape).astype(dtype)
            w = rng.standard_normal((out_features, x_shape[1])).astype(dtype)
            results[f"linear fwd|{name}|{dname}"] = timeit(impl.prepare_linear(x, w))
            results[f"linear bwd|{name}|{dname}"] = timeit(impl.prepare_linear_backward(x, w))
    return results


if __name__ == "__main__":
    print(json.dumps(measure({"ours": Ours, "torch": Torch}[sys.argv[1]]())))
