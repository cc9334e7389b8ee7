"""Chapter 10, training: the optimisers, with one contract.

An optimiser is built on a model's live parameter arrays (``model.params()``) and updates them
in place from a dict of gradients with the same keys and shapes (``model.grads()``):

    optimizer = SGD(model.params(), lr=0.1, momentum=0.9)
    loss = ...; model.backward(dloss); optimizer.step(model.grads())

The training loop, the data and the learning curve are in ``solutions.train``.
"""

from __future__ import annotations

import numpy as np


class SGD:
    """Mini-batch SGD with momentum and weight decay, as ``torch.optim.SGD`` (no dampening):

    g = grad + weight_decay * p;  v = momentum * v + g (v = g at the first step);  p -= lr * v

    It updates the arrays of ``params`` in place (a model's ``params()`` are its live arrays).
    """

    def __init__(
        self,
        params: dict[str, np.ndarray],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        for name, value in (("lr", lr), ("momentum", momentum), ("weight_decay", weight_decay)):
            if not (np.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value}")
        self.params, self.lr, self.momentum, self.weight_decay = params, lr, momentum, weight_decay
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Apply one update; ``grads`` has the keys and shapes of ``params``."""
        for name, p in self.params.items():
            g = grads[name] + self.weight_decay * p if self.weight_decay else grads[name]
            if self.momentum:
                v = self.velocity.get(name)
                v = g.copy() if v is None else self.momentum * v + g
                self.velocity[name] = v
                g = v
            p -= (self.lr * g).astype(p.dtype, copy=False)
