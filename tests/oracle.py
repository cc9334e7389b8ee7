"""One helper to check every operation against PyTorch (the test-only oracle).

The reference is always computed by torch in float64 from the same inputs; our result is
compared with the tolerance of its own dtype: float32 atol = 1e-4 * max|ref|, float64
1e-10 * max|ref|, measured to hold for every operation of the library against torch in
float64 before the library was written (throwaway scripts on this machine); they scale with max|ref|
because weight gradients sum many terms, so their absolute error grows with their size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

torch.set_num_threads(2)

RELATIVE_ATOL = {np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-10}
DTYPES = (np.float32, np.float64)


def assert_close(ours, ref, dtype=None, what: str = "output") -> None:
    """Shape, dtype and values of ``ours`` against ``ref`` (array or tensor)."""
    ref = ref.detach().numpy() if isinstance(ref, torch.Tensor) else np.asarray(ref)
    ours = np.asarray(ours)
    assert ours.shape == ref.shape, f"{what}: shape {ours.shape} != reference {ref.shape}"
    if dtype is not None:
        assert ours.dtype == np.dtype(dtype), f"{what}: dtype {ours.dtype} != {np.dtype(dtype)}"
    scale = max(float(np.max(np.abs(ref))) if ref.size else 0.0, 1e-3)
    atol = RELATIVE_ATOL[np.dtype(dtype or ours.dtype)] * scale
    np.testing.assert_allclose(ours, ref, rtol=0, atol=atol, err_msg=what)


def t64(a) -> torch.Tensor:
    """A float64 leaf tensor that records gradients."""
    return torch.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def torch_forward_backward(
    fn: Callable[..., torch.Tensor], inputs: Sequence[np.ndarray], dout: np.ndarray | None = None
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Run ``fn`` on float64 copies of ``inputs``; return its output and d(sum(out*dout))/dinput."""
    tensors = [t64(a) for a in inputs]
    out = fn(*tensors)
    if dout is None:
        dout = np.ones(out.shape)
    out.backward(torch.tensor(np.asarray(dout, dtype=np.float64)))
    return out.detach().numpy(), [t.grad.numpy() for t in tensors]


def random(rng: np.random.Generator, shape, dtype=np.float64) -> np.ndarray:
    return rng.standard_normal(shape).astype(dtype)


def torch_lenet5(activation: str = "sigmoid", pool: str = "avg"):
    """d2l's LeNet-5 in PyTorch, float64, with the same layer indices as solutions.lenet5()."""
    from torch import nn

    act = {"sigmoid": nn.Sigmoid, "relu": nn.ReLU}[activation]
    pooling = {"avg": nn.AvgPool2d, "max": nn.MaxPool2d}[pool]
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2),
        act(),
        pooling(2, 2),
        nn.Conv2d(6, 16, 5),
        act(),
        pooling(2, 2),
        nn.Flatten(),
        nn.Linear(400, 120),
        act(),
        nn.Linear(120, 84),
        act(),
        nn.Linear(84, 10),
    ).double()
