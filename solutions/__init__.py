"""Reference implementation of every component of the course (NCHW, float32 and float64).

Everything is importable from here: ``from solutions import conv2d``. One module per chapter,
with the chapter's slug: convolution, channels, dilation, separable, activations, pooling,
fully_connected, backprop, architectures (the networks; their layers are in ``layers``),
training (initialisation, normalisation, dropout, optimisers, schedules). Layouts and
defaults follow ``torch.nn.functional``, so PyTorch is a drop-in test oracle.
"""

import os as _os

# Numba's OpenMP workers spin after each parallel kernel (pooling, depthwise) and starve the
# OpenBLAS threads of the next convolution's GEMM: measured, a conv + pool pair took 16 ms
# instead of 10. Passive waiting removes that; a value the user has set is kept.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from solutions.activations import (
    elu,
    elu_backward,
    gelu,
    gelu_backward,
    leaky_relu,
    leaky_relu_backward,
    log_softmax,
    log_softmax_backward,
    maxout,
    maxout_backward,
    prelu,
    prelu_backward,
    relu,
    relu_backward,
    rrelu,
    rrelu_backward,
    sigmoid,
    sigmoid_backward,
    silu,
    silu_backward,
    softmax,
    softmax_backward,
    tanh,
    tanh_backward,
)
from solutions.architectures import (
    alexnet,
    bottleneck_block,
    bottleneck_block_backward,
    conv_multiply_adds,
    densenet121,
    digits_net_forward,
    digits_net_loss_and_grads,
    googlenet,
    lenet5,
    lenet5_classic,
    lenet5_forward,
    mobilenet_v2,
    nin,
    residual_block,
    residual_block_backward,
    resnet18,
    resnet50,
    resnet_convs,
    vgg16,
)
from solutions.backprop import (
    conv2d_backward,
    conv_transpose2d,
    conv_transpose2d_backward,
    gradient_check,
    numerical_gradient,
    relative_error,
)
from solutions.channels import ConvCost, conv1x1, conv2d, conv2d_cost
from solutions.convolution import conv_output_size, convolve2d, corr2d, pad2d
from solutions.dilation import dilate_kernel, effective_kernel_size, receptive_field
from solutions.fully_connected import (
    flatten,
    linear,
    linear_backward,
    mse_loss,
    softmax_cross_entropy,
)
from solutions.layers import (
    AdaptiveAvgPool2d,
    AvgPool2d,
    BasicConv2d,
    BatchNorm2d,
    Bottleneck,
    CeilMaxPool2d,
    Concat,
    Conv2d,
    DenseLayer,
    Dropout,
    Flatten,
    Inception,
    InvertedResidual,
    Layer,
    Linear,
    MaskedConv2d,
    MaxPool2d,
    ReLU,
    ReLU6,
    ResidualBlock,
    Sequential,
    Sigmoid,
    Subsampling,
    Tanh,
    count_parameters,
    summary,
)
from solutions.pooling import avg_pool2d, avg_pool2d_backward, max_pool2d, max_pool2d_backward
from solutions.separable import depthwise_conv2d, pointwise_conv2d, separable_conv2d
from solutions.training import (
    SGD,
    Adam,
    AdamW,
    adam_step,
    batch_norm2d,
    batch_norm2d_backward,
    cosine_lr,
    dropout,
    dropout_backward,
    fan_in_and_fan_out,
    kaiming_normal,
    kaiming_uniform,
    layer_norm,
    layer_norm_backward,
    linear_warmup_lr,
    sgd_step,
    step_lr,
    warmup_cosine_lr,
    xavier_normal,
    xavier_uniform,
)

# The public API: every function and class above, not the submodules themselves.
__all__ = sorted(
    name
    for name, value in globals().items()
    if not name.startswith("_") and not isinstance(value, type(_os))
)
