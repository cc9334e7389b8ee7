"""The layers of the course, with one contract (as CS231n's layers, in object form).

- ``forward(x)`` computes the output and caches what backward needs;
- ``backward(dout)`` returns dx and stores every parameter's gradient;
  ``backward_params(dout)`` stores the same gradients without computing dx, for a network
  whose input is the data (PyTorch skips that gradient too: the input does not require it);
- ``params()`` / ``grads()`` return dicts of arrays with the same keys, named like PyTorch's
  ``state_dict`` (``"0.weight"``, ``"layer1.0.conv1.weight"``), so weights load across;
- ``param_shapes()`` gives the shapes without allocating anything, so
  ``count_parameters(vgg16())`` costs nothing; weights are allocated on ``initialize`` (or the
  first ``params()``/``forward``).
- ``output_shape(input_shape)`` propagates (N, C, H, W) without computing; ``summary`` prints
  it per layer.

Each layer's forward and backward call the chapter modules' functions (``conv2d`` and
``conv2d_backward``, ``max_pool2d`` and its backward, ...), so a layer is the same computation
the chapters teach. The networks built from these layers are in ``architectures``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

from solutions import activations as act
from solutions._validate import IntOrPair, as_float_arrays, as_pair, check_int
from solutions.backprop import conv2d_backward
from solutions.channels import conv2d
from solutions.fully_connected import flatten, linear, linear_backward
from solutions.im2col import Padding, conv_geometry
from solutions.pooling import (
    avg_pool2d,
    avg_pool2d_backward,
    max_pool2d,
    max_pool2d_backward,
    pool_geometry,
)
from solutions.training import batch_norm2d, batch_norm2d_backward, dropout, dropout_backward

Shape = tuple[int, ...]


class Layer:
    """Base class: a layer without parameters that passes shapes through unchanged."""

    def __init__(self) -> None:
        self.training = True
        self._params: dict[str, np.ndarray] | None = None
        self._grads: dict[str, np.ndarray] = {}
        self._cache: object = None

    # -- parameters -------------------------------------------------------------------------
    def own_param_shapes(self) -> dict[str, Shape]:
        """Shapes of this layer's own parameters (not its children's)."""
        return {}

    def children(self) -> list[tuple[str, Layer]]:
        """Named sub-layers, in forward order."""
        return []

    def param_shapes(self) -> dict[str, Shape]:
        """Shapes of every parameter, children's included, without allocating."""
        shapes = dict(self.own_param_shapes())
        for prefix, child in self.children():
            shapes.update({f"{prefix}.{k}": v for k, v in child.param_shapes().items()})
        return shapes

    def num_parameters(self) -> int:
        """Learnable scalars, children's included, counted from the shapes."""
        own = sum(math.prod(shape) for shape in self.own_param_shapes().values())
        return own + sum(child.num_parameters() for _, child in self.children())

    def _init_own(self, rng: np.random.Generator, dtype: type, init: str) -> dict[str, np.ndarray]:
        return {}

    def initialize(
        self, seed: int | np.random.Generator = 0, dtype: type = np.float64, init: str = "he"
    ) -> Layer:
        """Allocate all parameters: ``"he"`` (normal, std sqrt(2/fan_in)) or ``"xavier"``
        (normal, std sqrt(2/(fan_in + fan_out))) for weights, zeros for biases."""
        if init not in ("he", "xavier"):
            raise ValueError(f'init must be "he" or "xavier", got {init!r}')
        rng = np.random.default_rng(seed)
        self._params = self._init_own(rng, np.dtype(dtype).type, init)
        self._grads = {k: np.zeros_like(v) for k, v in self._params.items()}
        for _, child in self.children():
            child.initialize(rng, dtype, init)
        return self

    def _own_params(self) -> dict[str, np.ndarray]:
        if self._params is None:
            self.initialize()
        return self._params

    def params(self) -> dict[str, np.ndarray]:
        """Every parameter array (the live arrays: updating them in place updates the layer)."""
        out = dict(self._own_params())
        for prefix, child in self.children():
            out.update({f"{prefix}.{k}": v for k, v in child.params().items()})
        return out

    def grads(self) -> dict[str, np.ndarray]:
        """Gradients from the last backward, same keys and shapes as ``params()``."""
        self._own_params()
        out = dict(self._grads)
        for prefix, child in self.children():
            out.update({f"{prefix}.{k}": v for k, v in child.grads().items()})
        return out

    def own_buffers(self) -> dict[str, np.ndarray]:
        """This layer's own state that is not learned (batch norm's running statistics)."""
        return {}

    def buffers(self) -> dict[str, np.ndarray]:
        """Every buffer, children's included, named as in PyTorch's ``state_dict``
        (``"bn1.running_mean"``); not parameters: ``count_parameters`` leaves them out."""
        out = dict(self.own_buffers())
        for prefix, child in self.children():
            out.update({f"{prefix}.{k}": v for k, v in child.buffers().items()})
        return out

    def load_params(self, values: dict[str, np.ndarray]) -> None:
        """Copy arrays into the parameters (keys and shapes must match exactly)."""
        mine = self.params()
        if set(values) != set(mine):
            missing, extra = set(mine) - set(values), set(values) - set(mine)
            raise ValueError(
                f"parameter names differ: missing {sorted(missing)}, extra {sorted(extra)}"
            )
        for k, v in values.items():
            v = np.asarray(v)
            if v.shape != mine[k].shape:
                raise ValueError(f"{k}: expected shape {mine[k].shape}, got {v.shape}")
            mine[k][...] = v

    def train(self, mode: bool = True) -> Layer:
        """Training mode (batch statistics, dropout on); ``eval()`` switches both off."""
        self.training = mode
        for _, child in self.children():
            child.train(mode)
        return self

    def eval(self) -> Layer:
        return self.train(False)

    # -- computation ------------------------------------------------------------------------
    def forward(self, x: np.ndarray) -> np.ndarray:
        return x

    def backward(self, dout: np.ndarray) -> np.ndarray:
        return dout

    def backward_params(self, dout: np.ndarray) -> None:
        """Store every parameter's gradient, as ``backward``, when dx is not needed; dout has
        the shape of the last forward's output.

        Layers whose dx costs real work (``Conv2d``, ``Sequential``) skip it; the others run
        ``backward`` and drop dx.
        """
        self.backward(dout)

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(input_shape)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.forward(x)

    def _saved(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward called before forward")
        return self._cache

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _weight(rng, shape, fan_in, fan_out, dtype, init):
    std = math.sqrt(2.0 / fan_in) if init == "he" else math.sqrt(2.0 / (fan_in + fan_out))
    return (rng.standard_normal(shape) * std).astype(dtype)


class Conv2d(Layer):
    """2-D convolution layer; x (N, C_in, H, W) -> (N, C_out, H_out, W_out)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: Padding = 0,
        dilation: IntOrPair = 1,
        groups: int = 1,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", 1)
        self.out_channels = check_int(out_channels, "out_channels", 1)
        self.kernel_size = as_pair(kernel_size, "kernel_size", 1)
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.groups = check_int(groups, "groups", 1)
        self.bias = bias
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"groups={groups} must divide {in_channels} and {out_channels}")

    def own_param_shapes(self) -> dict[str, Shape]:
        shapes = {"weight": (self.out_channels, self.in_channels // self.groups, *self.kernel_size)}
        if self.bias:
            shapes["bias"] = (self.out_channels,)
        return shapes

    def _init_own(self, rng, dtype, init):
        k, cg, kh, kw = self.own_param_shapes()["weight"]
        p = {
            "weight": _weight(
                rng, (k, cg, kh, kw), cg * kh * kw, k // self.groups * kh * kw, dtype, init
            )
        }
        if self.bias:
            p["bias"] = np.zeros(k, dtype)
        return p

    def _hyper(self):
        return dict(
            stride=self.stride, padding=self.padding, dilation=self.dilation, groups=self.groups
        )

    def forward(self, x):
        p = self._own_params()
        self._cache = x
        return conv2d(x, p["weight"], p.get("bias"), **self._hyper())

    def backward(self, dout):
        return self._backward(dout, input_grad=True)

    def backward_params(self, dout):
        self._backward(dout, input_grad=False)

    def _backward(self, dout, input_grad):
        x = self._saved()
        dx, dw, db = conv2d_backward(
            dout, x, self._params["weight"], **self._hyper(), input_grad=input_grad
        )
        self._grads["weight"] = dw
        if self.bias:
            self._grads["bias"] = db
        return dx

    def output_shape(self, input_shape):
        weight = (self.out_channels, self.in_channels // self.groups, *self.kernel_size)
        g = conv_geometry(tuple(input_shape), weight, **self._hyper())
        return (g.batch, g.out_channels, g.ho, g.wo)

    def __repr__(self):
        # like PyTorch: every hyper-parameter that differs from its default
        shown = [f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}"]
        defaults = {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True}
        shown += [
            f"{name}={getattr(self, name)!r}"
            for name, default in defaults.items()
            if getattr(self, name) != default
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


class MaskedConv2d(Conv2d):
    """A convolution in which output map k reads only the input maps where connections[k] is
    True (LeNet-5's C3 layer); bias always present.

    Its learnable weights are one kh x kw kernel per connection, as the paper counts them:
    ``params()["weight"]`` has shape (connections, kh, kw), in the row-major order of the True
    entries of ``connections`` (C_out, C_in), and ``params()["bias"]`` (C_out,). Forward
    scatters the kernels into a (C_out, C_in, kh, kw) weight whose other kernels are zero.
    x (N, C_in, H, W) -> (N, C_out, H_out, W_out).
    """

    def __init__(
        self, in_channels: int, out_channels: int, kernel_size: IntOrPair, connections: np.ndarray
    ):
        super().__init__(in_channels, out_channels, kernel_size)
        mask = np.asarray(connections, dtype=bool)
        if mask.shape != (out_channels, in_channels):
            raise ValueError(
                f"connections must have shape ({out_channels}, {in_channels}), got {mask.shape}"
            )
        self.connections = mask

    def own_param_shapes(self) -> dict[str, Shape]:
        return {
            "weight": (int(self.connections.sum()), *self.kernel_size),
            "bias": (self.out_channels,),
        }

    def _init_own(self, rng, dtype, init):
        # He, per output map: each reads a different number of input maps
        fan_in = self.connections.sum(axis=1)[np.nonzero(self.connections)[0]]
        std = np.sqrt(2.0 / (fan_in * math.prod(self.kernel_size)))[:, None, None]
        weight = rng.standard_normal(self.own_param_shapes()["weight"]) * std
        return {"weight": weight.astype(dtype), "bias": np.zeros(self.out_channels, dtype)}

    def full_weight(self) -> np.ndarray:
        """The (C_out, C_in, kh, kw) weight of the equivalent dense convolution."""
        kernels = self._own_params()["weight"]
        full = np.zeros((self.out_channels, self.in_channels, *self.kernel_size), kernels.dtype)
        full[self.connections] = kernels
        return full

    def forward(self, x):
        self._cache = x
        return conv2d(x, self.full_weight(), self._params["bias"], **self._hyper())

    def _backward(self, dout, input_grad):
        x = self._saved()
        dx, dw, db = conv2d_backward(
            dout, x, self.full_weight(), **self._hyper(), input_grad=input_grad
        )
        self._grads["weight"] = dw[self.connections]
        self._grads["bias"] = db
        return dx


class Subsampling(Layer):
    """LeCun's subsampling: per channel, a trainable coefficient times the sum of each 2x2
    block, plus a trainable bias (2 parameters per channel). x (N, C, H, W) -> (N, C, H/2, W/2).
    """

    def __init__(self, channels: int) -> None:
        super().__init__()
        self.channels = check_int(channels, "channels", 1)

    def own_param_shapes(self):
        return {"weight": (self.channels,), "bias": (self.channels,)}

    def _init_own(self, rng, dtype, init):
        # start as an average pooling: coefficient 1/4 on the sum of 4 values
        return {
            "weight": np.full(self.channels, 0.25, dtype),
            "bias": np.zeros(self.channels, dtype),
        }

    def forward(self, x):
        p = self._own_params()
        sums = 4 * avg_pool2d(x, 2)
        self._cache = (x, sums)
        return p["weight"].reshape(1, -1, 1, 1) * sums + p["bias"].reshape(1, -1, 1, 1)

    def backward(self, dout):
        x, sums = self._saved()
        self._grads["weight"] = (dout * sums).sum(axis=(0, 2, 3))
        self._grads["bias"] = dout.sum(axis=(0, 2, 3))
        dsums = dout * self._params["weight"].reshape(1, -1, 1, 1)
        return 4 * avg_pool2d_backward(dsums, x, 2)

    def output_shape(self, input_shape):
        return AvgPool2d(2).output_shape(input_shape)


class Linear(Layer):
    """Fully connected layer; x (N, in_features) -> (N, out_features), w (out, in)."""

    def __init__(self, in_features: int, out_features: int, bias: bool = True) -> None:
        super().__init__()
        self.in_features = check_int(in_features, "in_features", 1)
        self.out_features = check_int(out_features, "out_features", 1)
        self.bias = bias

    def own_param_shapes(self):
        shapes = {"weight": (self.out_features, self.in_features)}
        if self.bias:
            shapes["bias"] = (self.out_features,)
        return shapes

    def _init_own(self, rng, dtype, init):
        shape = (self.out_features, self.in_features)
        p = {"weight": _weight(rng, shape, self.in_features, self.out_features, dtype, init)}
        if self.bias:
            p["bias"] = np.zeros(self.out_features, dtype)
        return p

    def forward(self, x):
        p = self._own_params()
        self._cache = x
        return linear(x, p["weight"], p.get("bias"))

    def backward(self, dout):
        dx, dw, db = linear_backward(dout, self._saved(), self._params["weight"])
        self._grads["weight"] = dw
        if self.bias:
            self._grads["bias"] = db
        return dx

    def output_shape(self, input_shape):
        if len(input_shape) != 2 or input_shape[1] != self.in_features:
            raise ValueError(
                f"Linear({self.in_features}, ...) got input shape {tuple(input_shape)}"
            )
        return (input_shape[0], self.out_features)

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features}, bias={self.bias})"


class _Elementwise(Layer):
    """An activation: forward f(x), backward f'(x) * dout, shape unchanged."""

    fn = staticmethod(act.relu)
    fn_backward = staticmethod(act.relu_backward)

    def forward(self, x):
        self._cache = x
        return self.fn(x)

    def backward(self, dout):
        return self.fn_backward(dout, self._saved())


class ReLU(_Elementwise):
    fn, fn_backward = staticmethod(act.relu), staticmethod(act.relu_backward)


class Sigmoid(_Elementwise):
    fn, fn_backward = staticmethod(act.sigmoid), staticmethod(act.sigmoid_backward)


class Tanh(_Elementwise):
    fn, fn_backward = staticmethod(act.tanh), staticmethod(act.tanh_backward)


class _Pool(Layer):
    def __init__(
        self, kernel_size: IntOrPair, stride: IntOrPair | None = None, padding: IntOrPair = 0
    ):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def _args(self):
        return (self.kernel_size, self.stride, self.padding)

    def output_shape(self, input_shape):
        _, _, _, (ho, wo) = pool_geometry(tuple(input_shape), *self._args())
        return (input_shape[0], input_shape[1], ho, wo)

    def __repr__(self):
        return (
            f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
            f"padding={self.padding})"
        )


class MaxPool2d(_Pool):
    """Max pooling layer; x (N, C, H, W) -> (N, C, H_out, W_out)."""

    def forward(self, x):
        out, indices = max_pool2d(x, *self._args(), return_indices=True)
        self._cache = (x, indices)
        return out

    def backward(self, dout):
        x, indices = self._saved()
        return max_pool2d_backward(dout, x, *self._args(), indices=indices)


class AvgPool2d(_Pool):
    """Average pooling layer; x (N, C, H, W) -> (N, C, H_out, W_out)."""

    def forward(self, x):
        self._cache = x
        return avg_pool2d(x, *self._args())

    def backward(self, dout):
        return avg_pool2d_backward(dout, self._saved(), *self._args())


class AdaptiveAvgPool2d(Layer):
    """Average pooling to a fixed output size; x (N, C, H, W) -> (N, C, oh, ow).

    Supports what the classic networks need: H and W multiples of the output size, where it
    is an average pooling with kernel = stride = H/oh (e.g. ResNet's global pooling).
    """

    def __init__(self, output_size: IntOrPair) -> None:
        super().__init__()
        self.output_size = as_pair(output_size, "output_size", 1)

    def _kernel(self, shape):
        (oh, ow), (h, w) = self.output_size, shape[2:]
        if len(shape) != 4 or h % oh or w % ow:
            raise ValueError(
                f"AdaptiveAvgPool2d{self.output_size} needs H, W multiples of the output size, "
                f"got input {tuple(shape)}"
            )
        return (h // oh, w // ow)

    def forward(self, x):
        x = np.asarray(x)
        self._cache = x
        k = self._kernel(x.shape)
        return avg_pool2d(x, k, k)

    def backward(self, dout):
        x = self._saved()
        k = self._kernel(x.shape)
        return avg_pool2d_backward(dout, x, k, k)

    def output_shape(self, input_shape):
        self._kernel(tuple(input_shape))
        return (input_shape[0], input_shape[1], *self.output_size)

    def __repr__(self):
        return f"AdaptiveAvgPool2d(output_size={self.output_size})"


class Flatten(Layer):
    """(N, C, H, W) -> (N, C*H*W), row-major."""

    def forward(self, x):
        x = np.asarray(x)
        self._cache = x.shape
        return flatten(x)

    def backward(self, dout):
        return np.asarray(dout).reshape(self._saved())

    def output_shape(self, input_shape):
        return (input_shape[0], math.prod(input_shape[1:]))


class Dropout(Layer):
    """Inverted dropout (``training.dropout``): in training, zero each value with probability p
    and scale the rest by 1/(1-p); in eval mode, the identity. ``seed`` fixes the masks."""

    def __init__(self, p: float = 0.5, seed: int = 0) -> None:
        super().__init__()
        if not (0 <= p < 1):
            raise ValueError(f"p must be in [0, 1), got {p}")
        self.p = p
        self.rng = np.random.default_rng(seed)

    def __repr__(self):
        return f"Dropout(p={self.p})"

    def forward(self, x):
        out, mask = dropout(x, self.p, self.training, self.rng)
        # evaluation is the identity, so its backward must not rescale: p = 0 there
        self._cache = (mask, self.p if self.training else 0.0)
        return out

    def backward(self, dout):
        mask, p = self._saved()
        return dropout_backward(dout, mask, p)


class BatchNorm2d(Layer):
    """Batch normalisation over (N, H, W) per channel (``training.batch_norm2d``);
    x (N, C, H, W) -> same shape.

    Training: normalise with the batch mean and biased variance, update the running statistics
    in place with ``momentum`` (unbiased variance, as PyTorch). Eval: use the running
    statistics. ``running_mean`` and ``running_var`` (float64, (C,)) are buffers, not
    parameters: ``buffers()`` returns them, ``params()`` and ``count_parameters`` do not.
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features = check_int(num_features, "num_features", 1)
        if not (math.isfinite(eps) and eps >= 0):
            raise ValueError(f"eps must be a finite number >= 0, got {eps}")
        if not (0 <= momentum <= 1):
            raise ValueError(f"momentum must be in [0, 1], got {momentum}")
        self.eps, self.momentum = eps, momentum
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)

    def __repr__(self):
        return f"BatchNorm2d({self.num_features}, eps={self.eps}, momentum={self.momentum})"

    def own_param_shapes(self):
        return {"weight": (self.num_features,), "bias": (self.num_features,)}

    def own_buffers(self):
        return {"running_mean": self.running_mean, "running_var": self.running_var}

    def _init_own(self, rng, dtype, init):
        return {
            "weight": np.ones(self.num_features, dtype),
            "bias": np.zeros(self.num_features, dtype),
        }

    def forward(self, x):
        p = self._own_params()
        (x,) = as_float_arrays(("x", x))
        if x.ndim != 4 or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm2d({self.num_features}) needs (N, {self.num_features}, H, W), got {x.shape}"
            )
        gamma, beta = p["weight"].astype(x.dtype), p["bias"].astype(x.dtype)
        self._cache = (x, gamma, self.training)
        return batch_norm2d(
            x,
            gamma,
            beta,
            self.running_mean,
            self.running_var,
            self.training,
            self.momentum,
            self.eps,
        )

    def backward(self, dout):
        x, gamma, training = self._saved()
        if training:
            dx, self._grads["weight"], self._grads["bias"] = batch_norm2d_backward(
                dout, x, gamma, self.eps
            )
            return dx
        # evaluation: the statistics are constants, so the layer is an affine map per channel
        shape = (1, -1, 1, 1)
        inv_std = (1.0 / np.sqrt(self.running_var + self.eps)).astype(x.dtype)
        xhat = (x - self.running_mean.astype(x.dtype).reshape(shape)) * inv_std.reshape(shape)
        self._grads["weight"] = (dout * xhat).sum(axis=(0, 2, 3))
        self._grads["bias"] = dout.sum(axis=(0, 2, 3))
        return dout * (gamma * inv_std).reshape(shape)


class Sequential(Layer):
    """Layers applied in order; names are "0", "1", ... or given as (name, layer) pairs."""

    def __init__(self, *layers: Layer | tuple[str, Layer]) -> None:
        super().__init__()
        self.layers: list[tuple[str, Layer]] = []
        for i, item in enumerate(layers):
            name, layer = item if isinstance(item, tuple) else (str(i), item)
            if not isinstance(layer, Layer):
                raise ValueError(f"Sequential item {i} is not a Layer: {layer!r}")
            self.layers.append((name, layer))

    def children(self):
        return list(self.layers)

    def forward(self, x):
        for _, layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, dout):
        for _, layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def backward_params(self, dout):
        for _, layer in reversed(self.layers[1:]):
            dout = layer.backward(dout)
        if self.layers:
            self.layers[0][1].backward_params(dout)

    def output_shape(self, input_shape):
        for _, layer in self.layers:
            input_shape = layer.output_shape(input_shape)
        return tuple(input_shape)

    def __getitem__(self, index: int) -> Layer:
        return self.layers[index][1]

    def __len__(self) -> int:
        return len(self.layers)


class ResidualBlock(Layer):
    """ResNet's basic block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).

    conv1 is 3x3 with ``stride``, conv2 3x3, both padding 1 and without bias. The shortcut is
    the identity when shapes allow, else a projection: 1x1 convolution with ``stride`` and
    batch norm (torchvision's ``downsample``). x (N, C_in, H, W) -> (N, C_out, H/s, W/s).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, projection: bool | None = None
    ):
        super().__init__()
        if projection is None:
            projection = stride != 1 or in_channels != out_channels
        if not projection and (stride != 1 or in_channels != out_channels):
            raise ValueError("an identity shortcut needs stride 1 and in_channels == out_channels")
        self.conv1 = Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm2d(out_channels)
        self.relu1 = ReLU()
        self.conv2 = Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = BatchNorm2d(out_channels)
        self.downsample = (
            Sequential(
                Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                BatchNorm2d(out_channels),
            )
            if projection
            else None
        )
        self.relu_out = ReLU()
        self.in_channels, self.out_channels, self.stride = in_channels, out_channels, stride

    def children(self):
        kids = [("conv1", self.conv1), ("bn1", self.bn1), ("conv2", self.conv2), ("bn2", self.bn2)]
        return kids + ([("downsample", self.downsample)] if self.downsample else [])

    def forward(self, x):
        main = self.bn2.forward(
            self.conv2.forward(self.relu1.forward(self.bn1.forward(self.conv1.forward(x))))
        )
        short = self.downsample.forward(x) if self.downsample else x
        return self.relu_out.forward(main + short)

    def backward(self, dout):
        d = self.relu_out.backward(dout)
        dmain = self.conv1.backward(
            self.bn1.backward(self.relu1.backward(self.conv2.backward(self.bn2.backward(d))))
        )
        return dmain + (self.downsample.backward(d) if self.downsample else d)

    def output_shape(self, input_shape):
        return self.conv2.output_shape(self.conv1.output_shape(input_shape))

    def __repr__(self):
        shortcut = "projection" if self.downsample is not None else "identity"
        return (
            f"ResidualBlock({self.in_channels}, {self.out_channels}, stride={self.stride}, "
            f"shortcut={shortcut})"
        )


# --- the blocks of the modern networks (NiN to MobileNet v2) --------------------------------


class ReLU6(Layer):
    """min(max(0, x), 6), any shape (MobileNet v2's activation); backward dout * [0 < x < 6]
    (the subgradient at the two kinks is taken as 0, like PyTorch's ``hardtanh``)."""

    def forward(self, x):
        out = np.minimum(act.relu(x), 6)
        self._cache = np.asarray(x, dtype=out.dtype)
        return out

    def backward(self, dout):
        x = self._saved()
        dout = np.asarray(dout)
        if dout.shape != x.shape:
            raise ValueError(
                f"dout must have the forward input's shape {x.shape}, got {dout.shape}"
            )
        return np.where((x > 0) & (x < 6), dout, 0).astype(x.dtype)


class CeilMaxPool2d(MaxPool2d):
    """Max pooling in PyTorch's ``ceil_mode=True`` (torchvision's GoogLeNet uses it).

    H_out = ceil((H + 2p - k) / s) + 1, less one if the last window would start in the bottom
    padding; a window that runs past the bottom/right edge takes the max of the cells it
    covers. Computed as a floor-mode ``max_pool2d`` of x padded with -inf (p rows on top, as
    many as needed at the bottom; likewise for columns), and its backward cropped back.
    x (N, C, H, W) -> (N, C, H_out, W_out).
    """

    def _pads(self, shape: Shape) -> list[tuple[int, int]]:
        kernel, stride, pad, _ = pool_geometry(tuple(shape), *self._args())
        pads = []
        for n, k, s, p in zip(shape[2:], kernel, stride, pad, strict=True):
            out = -(-(n + 2 * p - k) // s) + 1
            if (out - 1) * s >= n + p:  # PyTorch's rule: no window starts in the padding
                out -= 1
            pads.append((p, (out - 1) * s + k - n - p))
        return pads

    def _stride(self) -> tuple[int, int]:
        return as_pair(self.kernel_size if self.stride is None else self.stride, "stride", 1)

    def forward(self, x):
        (x,) = as_float_arrays(("x", x))
        if x.ndim != 4:
            raise ValueError(f"x must be 4-D (N, C, H, W), got shape {x.shape}")
        pads = self._pads(x.shape)
        xp = np.pad(x, [(0, 0), (0, 0), *pads], constant_values=-np.inf)
        out, indices = max_pool2d(xp, self.kernel_size, self._stride(), 0, return_indices=True)
        self._cache = (xp, x.shape, pads, indices)
        return out

    def backward(self, dout):
        xp, (_, _, h, w), ((top, _), (left, _)), indices = self._saved()
        dxp = max_pool2d_backward(dout, xp, self.kernel_size, self._stride(), 0, indices=indices)
        return np.ascontiguousarray(dxp[:, :, top : top + h, left : left + w])

    def output_shape(self, input_shape):
        pads = self._pads(tuple(input_shape))
        kernel = as_pair(self.kernel_size, "kernel_size", 1)
        size = [
            (n + a + b - k) // s + 1
            for n, (a, b), k, s in zip(input_shape[2:], pads, kernel, self._stride(), strict=True)
        ]
        return (input_shape[0], input_shape[1], *size)

    def __repr__(self):
        return super().__repr__()[:-1] + ", ceil_mode=True)"


class Concat(Layer):
    """Branches run on the same input, their outputs concatenated along the channels.

    x (N, C, H, W) -> (N, C_1 + ... + C_k, H', W') where branch i gives (N, C_i, H', W') (all
    branches must agree on N, H', W'). Backward splits dout by channels, runs each branch's
    backward on its slice and sums the branches' dx. Branches are named "0", "1", ... or given
    as (name, layer) pairs, as in ``Sequential``.
    """

    def __init__(self, *branches: Layer | tuple[str, Layer]) -> None:
        super().__init__()
        if not branches:
            raise ValueError("branches: Concat needs at least one branch")
        self.branches = Sequential(*branches).layers

    def children(self):
        return list(self.branches)

    def forward(self, x):
        outs = [branch.forward(x) for _, branch in self.branches]
        shapes = [o.shape for o in outs]
        if len({(s[0], *s[2:]) for s in shapes}) != 1:
            raise ValueError(f"branches give outputs of shapes {shapes}: N, H, W must agree")
        self._cache = [s[1] for s in shapes]
        return np.concatenate(outs, axis=1)

    def backward(self, dout):
        sizes = self._saved()
        dout = np.asarray(dout)
        if dout.ndim != 4 or dout.shape[1] != sum(sizes):
            raise ValueError(f"dout must have {sum(sizes)} channels, got shape {dout.shape}")
        parts = np.split(dout, np.cumsum(sizes)[:-1], axis=1)
        pairs = zip(self.branches, parts, strict=True)
        dxs = [branch.backward(np.ascontiguousarray(d)) for (_, branch), d in pairs]
        return sum(dxs[1:], dxs[0])

    def output_shape(self, input_shape):
        shapes = [branch.output_shape(tuple(input_shape)) for _, branch in self.branches]
        if len({(s[0], *s[2:]) for s in shapes}) != 1:
            raise ValueError(f"branches give outputs of shapes {shapes}: N, H, W must agree")
        return (shapes[0][0], sum(s[1] for s in shapes), *shapes[0][2:])

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(name for name, _ in self.branches)})"


class BasicConv2d(Sequential):
    """torchvision's GoogLeNet unit: conv (no bias) - batch norm (eps 0.001) - ReLU, named
    "conv", "bn", "relu". x (N, C_in, H, W) -> (N, C_out, H_out, W_out)."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: IntOrPair,
        stride: IntOrPair = 1,
        padding: Padding = 0,
    ) -> None:
        super().__init__(
            ("conv", Conv2d(in_channels, out_channels, kernel_size, stride, padding, bias=False)),
            ("bn", BatchNorm2d(out_channels, eps=0.001)),
            ("relu", ReLU()),
        )


class Inception(Concat):
    """GoogLeNet's Inception block as in torchvision: four branches concatenated.

    branch1 1x1 conv; branch2 1x1 reduction then 3x3; branch3 1x1 reduction then a 3x3 conv
    where the paper has a 5x5 (torchvision's known quirk, kept so the parameter count matches
    torchvision's 6,624,904); branch4 3x3 max pooling (stride 1, padding 1) then 1x1
    projection. Every conv is a ``BasicConv2d``.
    x (N, in_channels, H, W) -> (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W).
    """

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        self.spec = (in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj)
        names = ("in_channels", "ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj")
        for name, value in zip(names, self.spec, strict=True):
            check_int(value, name, 1)
        super().__init__(
            ("branch1", BasicConv2d(in_channels, ch1x1, 1)),
            (
                "branch2",
                Sequential(
                    BasicConv2d(in_channels, ch3x3red, 1),
                    BasicConv2d(ch3x3red, ch3x3, 3, padding=1),
                ),
            ),
            (
                "branch3",
                Sequential(
                    BasicConv2d(in_channels, ch5x5red, 1),
                    BasicConv2d(ch5x5red, ch5x5, 3, padding=1),  # sic: 3x3, as torchvision
                ),
            ),
            ("branch4", Sequential(MaxPool2d(3, 1, 1), BasicConv2d(in_channels, pool_proj, 1))),
        )

    def __repr__(self):
        return f"Inception({', '.join(str(v) for v in self.spec)})"


class Bottleneck(Layer):
    """ResNet's bottleneck block (torchvision's, v1.5: the stride is on the 3x3 conv):
    relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1(x)))))))) + shortcut(x)).

    conv1 1x1 in_channels -> width, conv2 3x3 width -> width with ``stride`` and padding 1,
    conv3 1x1 width -> 4 * width, all without bias. The shortcut is the identity when shapes
    allow, else a projection: 1x1 conv with ``stride`` and batch norm (``downsample``).
    x (N, in_channels, H, W) -> (N, 4 * width, H_out, W_out), H_out = floor((H - 1) / s) + 1.
    """

    expansion = 4

    def __init__(
        self, in_channels: int, width: int, stride: int = 1, projection: bool | None = None
    ) -> None:
        super().__init__()
        in_channels = check_int(in_channels, "in_channels", 1)
        width = check_int(width, "width", 1)
        stride = check_int(stride, "stride", 1)
        out_channels = self.expansion * width
        same = stride == 1 and in_channels == out_channels
        if projection is None:
            projection = not same
        if not projection and not same:
            raise ValueError(
                f"projection=False needs stride 1 and in_channels == 4 * width, got stride "
                f"{stride}, in_channels {in_channels}, width {width}"
            )
        self.conv1 = Conv2d(in_channels, width, 1, bias=False)
        self.bn1 = BatchNorm2d(width)
        self.relu1 = ReLU()
        self.conv2 = Conv2d(width, width, 3, stride=stride, padding=1, bias=False)
        self.bn2 = BatchNorm2d(width)
        self.relu2 = ReLU()
        self.conv3 = Conv2d(width, out_channels, 1, bias=False)
        self.bn3 = BatchNorm2d(out_channels)
        self.downsample = (
            Sequential(
                Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                BatchNorm2d(out_channels),
            )
            if projection
            else None
        )
        self.relu_out = ReLU()
        self.in_channels, self.width, self.out_channels = in_channels, width, out_channels
        self.stride = stride

    def children(self):
        kids = [
            ("conv1", self.conv1),
            ("bn1", self.bn1),
            ("conv2", self.conv2),
            ("bn2", self.bn2),
            ("conv3", self.conv3),
            ("bn3", self.bn3),
        ]
        return kids + ([("downsample", self.downsample)] if self.downsample else [])

    def _main(self):
        return [self.conv1, self.bn1, self.relu1, self.conv2, self.bn2, self.relu2]

    def forward(self, x):
        h = x
        for layer in (*self._main(), self.conv3, self.bn3):
            h = layer.forward(h)
        short = self.downsample.forward(x) if self.downsample else np.asarray(x, dtype=h.dtype)
        return self.relu_out.forward(h + short)

    def backward(self, dout):
        d = self.relu_out.backward(dout)
        dmain = d
        for layer in reversed((*self._main(), self.conv3, self.bn3)):
            dmain = layer.backward(dmain)
        return dmain + (self.downsample.backward(d) if self.downsample else d)

    def output_shape(self, input_shape):
        return self.conv3.output_shape(
            self.conv2.output_shape(self.conv1.output_shape(input_shape))
        )

    def __repr__(self):
        shortcut = "projection" if self.downsample is not None else "identity"
        return (
            f"Bottleneck({self.in_channels}, {self.width}, stride={self.stride}, "
            f"out_channels={self.out_channels}, shortcut={shortcut})"
        )


class DenseLayer(Layer):
    """DenseNet's layer (torchvision's ``_DenseLayer``, no dropout): its output is its input
    with ``growth_rate`` new maps concatenated after it.

    new = conv2(relu(norm2(conv1(relu(norm1(x)))))), conv1 1x1 to bn_size * growth_rate maps,
    conv2 3x3 (padding 1) to growth_rate maps, both without bias; output concat(x, new).
    x (N, in_channels, H, W) -> (N, in_channels + growth_rate, H, W).
    """

    def __init__(self, in_channels: int, growth_rate: int = 32, bn_size: int = 4) -> None:
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", 1)
        self.growth_rate = check_int(growth_rate, "growth_rate", 1)
        self.bn_size = check_int(bn_size, "bn_size", 1)
        inner = bn_size * growth_rate
        self.norm1 = BatchNorm2d(in_channels)
        self.relu1 = ReLU()
        self.conv1 = Conv2d(in_channels, inner, 1, bias=False)
        self.norm2 = BatchNorm2d(inner)
        self.relu2 = ReLU()
        self.conv2 = Conv2d(inner, growth_rate, 3, padding=1, bias=False)

    def children(self):
        return [
            ("norm1", self.norm1),
            ("conv1", self.conv1),
            ("norm2", self.norm2),
            ("conv2", self.conv2),
        ]

    def _chain(self):
        return [self.norm1, self.relu1, self.conv1, self.norm2, self.relu2, self.conv2]

    def forward(self, x):
        h = x
        for layer in self._chain():
            h = layer.forward(h)
        self._cache = True
        return np.concatenate([np.asarray(x, dtype=h.dtype), h], axis=1)

    def backward(self, dout):
        self._saved()
        dout = np.asarray(dout)
        c = self.in_channels
        if dout.ndim != 4 or dout.shape[1] != c + self.growth_rate:
            raise ValueError(
                f"dout must have {c + self.growth_rate} channels, got shape {dout.shape}"
            )
        d = np.ascontiguousarray(dout[:, c:])
        for layer in reversed(self._chain()):
            d = layer.backward(d)
        return dout[:, :c] + d

    def output_shape(self, input_shape):
        n, _, h, w = self.conv2.output_shape(self.conv1.output_shape(input_shape))
        return (n, self.in_channels + self.growth_rate, h, w)

    def __repr__(self):
        return (
            f"DenseLayer({self.in_channels}, growth_rate={self.growth_rate}, "
            f"bn_size={self.bn_size})"
        )


class InvertedResidual(Layer):
    """MobileNet v2's inverted residual block (torchvision's): expand, depthwise, project.

    ``conv`` is a Sequential of: (if expand_ratio != 1) 1x1 conv to hidden = round(in_channels
    * expand_ratio) maps + BN + ReLU6; a depthwise 3x3 conv (groups = hidden, ``stride``,
    padding 1) + BN + ReLU6; a 1x1 conv to out_channels + BN, linear (no activation). All
    convs without bias. The input is added to the output when stride is 1 and in_channels ==
    out_channels. x (N, in_channels, H, W) -> (N, out_channels, H_out, W_out).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1, expand_ratio: int = 6
    ) -> None:
        super().__init__()
        self.in_channels = check_int(in_channels, "in_channels", 1)
        self.out_channels = check_int(out_channels, "out_channels", 1)
        if stride not in (1, 2) or isinstance(stride, bool):
            raise ValueError(f"stride must be 1 or 2, got {stride!r}")
        self.stride = stride
        self.expand_ratio = check_int(expand_ratio, "expand_ratio", 1)
        hidden = int(round(in_channels * expand_ratio))
        steps: list[Layer] = []
        if expand_ratio != 1:
            steps.append(
                Sequential(Conv2d(in_channels, hidden, 1, bias=False), BatchNorm2d(hidden), ReLU6())
            )
        steps += [
            Sequential(
                Conv2d(hidden, hidden, 3, stride=stride, padding=1, groups=hidden, bias=False),
                BatchNorm2d(hidden),
                ReLU6(),
            ),
            Conv2d(hidden, out_channels, 1, bias=False),
            BatchNorm2d(out_channels),
        ]
        self.conv = Sequential(*steps)
        self.use_res_connect = stride == 1 and in_channels == out_channels

    def children(self):
        return [("conv", self.conv)]

    def forward(self, x):
        out = self.conv.forward(x)
        return out + x if self.use_res_connect else out

    def backward(self, dout):
        dx = self.conv.backward(dout)
        return dx + dout if self.use_res_connect else dx

    def output_shape(self, input_shape):
        return self.conv.output_shape(input_shape)

    def __repr__(self):
        shortcut = "identity" if self.use_res_connect else "none"
        return (
            f"InvertedResidual({self.in_channels}, {self.out_channels}, stride={self.stride}, "
            f"expand_ratio={self.expand_ratio}, shortcut={shortcut})"
        )


# --- counting and describing ----------------------------------------------------------------


def count_parameters(model: Layer | dict[str, np.ndarray]) -> int:
    """Number of learnable scalars: from a model's shapes (nothing allocated) or a dict of arrays."""
    if isinstance(model, Layer):
        return model.num_parameters()
    if isinstance(model, dict):
        return sum(int(np.asarray(v).size) for v in model.values())
    raise ValueError(f"model must be a Layer or a dict of arrays, got {type(model).__name__}")


# blocks that ``summary`` shows as one row
_BLOCKS = (ResidualBlock, Bottleneck, Concat, DenseLayer, InvertedResidual)


def _leaves(model: Layer, prefix: str = "") -> Iterable[tuple[str, Layer]]:
    kids = model.children()
    if not kids or isinstance(model, _BLOCKS):
        yield prefix or type(model).__name__, model
        return
    for name, child in kids:
        yield from _leaves(child, f"{prefix}.{name}" if prefix else name)


def summary(model: Layer, input_shape: Sequence[int]) -> str:
    """A table of every top-level step: name, type, output shape, parameters (like torchinfo).

    Args:
        model: any Layer (usually a Sequential).
        input_shape: (N, C, H, W) of the input.

    Returns:
        The table as text, ending with the total parameter count.
    """
    rows, shape = [], tuple(input_shape)
    for name, layer in _leaves(model):
        shape = layer.output_shape(shape)
        rows.append((name, repr(layer), str(shape), f"{count_parameters(layer):,}"))
    header = ("layer", "layer and hyper-parameters", "output shape", "params")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(4)]

    def line(cells):
        left = "  ".join(
            cell.ljust(width) for cell, width in zip(cells[:3], widths[:3], strict=True)
        )
        return f"{left}  {cells[3].rjust(widths[3])}"

    text = [line(header), "-" * len(line(header))] + [line(r) for r in rows]
    text.append(f"total parameters: {count_parameters(model):,}")
    return "\n".join(text)
