"""The training library (chapter 10) against PyTorch in float64: initialisation, batch and
layer normalisation, dropout, the optimisers' trajectories and the learning-rate schedules."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

import solutions as S
from tests.oracle import DTYPES, assert_close, torch_forward_backward

# --- initialisation -----------------------------------------------------------------------------

WEIGHT_SHAPES = [(10, 20), (16, 3, 5, 5), (8, 4, 3, 3), (6, 2, 1, 7), (5, 3, 2), (1, 1)]


@pytest.mark.parametrize("shape", WEIGHT_SHAPES)
def test_fans_match_torch(shape):
    expected = torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    assert S.fan_in_and_fan_out(shape) == expected


# (our initialiser, torch's, keyword): both drawn on one large conv weight
INITIALISERS = [
    (S.kaiming_normal, nn.init.kaiming_normal_, {}),
    (S.kaiming_normal, nn.init.kaiming_normal_, {"a": 0.2}),
    (S.kaiming_uniform, nn.init.kaiming_uniform_, {}),
    (S.kaiming_uniform, nn.init.kaiming_uniform_, {"a": math.sqrt(5)}),
    (S.xavier_normal, nn.init.xavier_normal_, {}),
    (S.xavier_normal, nn.init.xavier_normal_, {"gain": 2.0}),
    (S.xavier_uniform, nn.init.xavier_uniform_, {}),
    (S.xavier_uniform, nn.init.xavier_uniform_, {"gain": 0.5}),
]


@pytest.mark.parametrize("shape", [(128, 64, 3, 3), (300, 500)])
@pytest.mark.parametrize("ours,theirs,kwargs", INITIALISERS)
def test_init_statistics_match_torch(ours, theirs, kwargs, shape):
    """Mean 0 and the standard deviation of torch's draw on the same shape, within sampling
    error; uniform draws reach the bound that torch's reach."""
    torch.manual_seed(0)
    ref = theirs(torch.empty(shape, dtype=torch.float64), **kwargs).numpy()
    w = ours(shape, rng=np.random.default_rng(1), **kwargs)
    assert w.shape == shape and w.dtype == np.float64
    n = w.size
    std = ref.std()
    # 6 sampling standard errors: a mean's is std/sqrt(n), a standard deviation's std/sqrt(2n)
    assert abs(w.mean()) < 6 * std / math.sqrt(n)
    assert abs(w.std() - std) < 6 * std * math.sqrt(2 / n)
    if "uniform" in ours.__name__:
        # the largest of n uniform draws is within ~bound/n of the bound, for both
        bound = np.abs(ref).max()
        assert abs(np.abs(w).max() - bound) < 1e-3 * bound


def test_init_rng_seed_dtype_and_bad_input():
    a = S.kaiming_normal((4, 3, 3, 3), rng=7)
    np.testing.assert_array_equal(a, S.kaiming_normal((4, 3, 3, 3), rng=np.random.default_rng(7)))
    assert S.xavier_uniform((5, 6), rng=0, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError, match="shape"):
        S.kaiming_normal((5,))
    with pytest.raises(ValueError, match="rng"):
        S.xavier_normal((5, 6), rng="seed")
    with pytest.raises(ValueError, match="gain"):
        S.xavier_uniform((5, 6), gain=float("nan"))


# --- batch normalisation --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_norm2d_train_then_eval_matches_torch(dtype):
    """Three training steps (output and running statistics updated in place, as torch), then
    evaluation with the running statistics."""
    rng = np.random.default_rng(0)
    c = 3
    gamma, beta = rng.uniform(0.5, 1.5, c), rng.standard_normal(c)
    mean, var = np.zeros(c), np.ones(c)
    ref_mean, ref_var = torch.zeros(c, dtype=torch.float64), torch.ones(c, dtype=torch.float64)
    tg, tb = torch.from_numpy(gamma), torch.from_numpy(beta)
    for _ in range(3):
        x = (2 * rng.standard_normal((4, c, 5, 3)) + 1).astype(dtype)
        out = S.batch_norm2d(x, gamma, beta, mean, var, training=True, momentum=0.2, eps=1e-4)
        ref = F.batch_norm(
            torch.from_numpy(x.astype(np.float64)), ref_mean, ref_var, tg, tb, True, 0.2, 1e-4
        )
        assert_close(out, ref, dtype)
        # the running arrays stay float64; their accuracy is that of x's dtype
        assert_close(mean.astype(dtype), ref_mean, dtype, "running_mean")
        assert_close(var.astype(dtype), ref_var, dtype, "running_var")
    x = rng.standard_normal((2, c, 4, 4)).astype(dtype)
    out = S.batch_norm2d(x, gamma, beta, mean, var, training=False, eps=1e-4)
    ref = F.batch_norm(
        torch.from_numpy(x.astype(np.float64)), ref_mean, ref_var, tg, tb, False, eps=1e-4
    )
    assert_close(out, ref, dtype)


def test_batch_norm2d_uses_biased_variance_and_unbiased_running_variance():
    """By hand, one channel of four values 0, 1, 2, 3: mean 1.5, biased variance 1.25,
    unbiased 5/3."""
    x = np.arange(4.0).reshape(4, 1, 1, 1)
    mean, var = np.zeros(1), np.ones(1)
    out = S.batch_norm2d(x, np.ones(1), np.zeros(1), mean, var, momentum=1.0, eps=0.0)
    np.testing.assert_allclose(out.ravel(), (np.arange(4) - 1.5) / math.sqrt(1.25), atol=1e-15)
    np.testing.assert_allclose([mean[0], var[0]], [1.5, 5 / 3], atol=1e-15)
    # without running arrays, training still works and nothing else changes
    np.testing.assert_allclose(S.batch_norm2d(x, np.ones(1), np.zeros(1), eps=0.0), out)


def assert_close_to_numerical(analytic, numeric):
    """Central differences with h = 1e-5 are accurate to ~1e-9 here (truncation h², rounding
    1e-16·|loss|/h); 1e-7 of the largest entry leaves margin and still catches any wrong term."""
    np.testing.assert_allclose(analytic, numeric, rtol=0, atol=1e-7 * np.abs(numeric).max())


def central_difference(f, x, h=1e-5):
    """d sum(f(x)) / dx, one coordinate at a time (the independent oracle for gradients)."""
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        plus = f(x)
        x[i] = old - h
        minus = f(x)
        x[i] = old
        grad[i] = (plus - minus) / (2 * h)
    return grad


def test_batch_norm2d_backward_matches_autograd_and_numerical_gradient():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 4, 3))
    gamma, beta = rng.uniform(0.5, 1.5, 2), rng.standard_normal(2)
    dout = rng.standard_normal(x.shape)
    dx, dgamma, dbeta = S.batch_norm2d_backward(dout, x, gamma, eps=1e-3)
    _, (rdx, rgamma, rbeta) = torch_forward_backward(
        lambda t, g, b: F.batch_norm(t, None, None, g, b, True, 0.1, 1e-3), (x, gamma, beta), dout
    )
    np.testing.assert_allclose(dx, rdx, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dgamma, rgamma, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dbeta, rbeta, rtol=0, atol=1e-10)

    def loss(z):
        return float(np.sum(S.batch_norm2d(z, gamma, beta, eps=1e-3) * dout))

    assert_close_to_numerical(dx, central_difference(loss, x.copy()))
    # the mean terms matter: without them the gradient is wrong
    assert (
        np.abs(
            dx - dout * gamma.reshape(1, -1, 1, 1) / x.std(axis=(0, 2, 3)).reshape(1, -1, 1, 1)
        ).max()
        > 0.1
    )


@pytest.mark.parametrize("dtype", DTYPES)
def test_batch_norm2d_backward_dtype_follows_input(dtype):
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 3, 3, 3)).astype(dtype)
    grads = S.batch_norm2d_backward(np.ones_like(x), x, np.ones(3))
    assert [g.dtype for g in grads] == [np.dtype(dtype)] * 3
    assert S.batch_norm2d(x, np.ones(3), np.zeros(3)).dtype == dtype


# --- layer normalisation ----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 2, 4, 5), (5, 7)])
def test_layer_norm_forward_backward_match_torch(shape):
    rng = np.random.default_rng(3)
    x = 3 * rng.standard_normal(shape) + 1
    gamma, beta = rng.uniform(0.5, 1.5, shape[1:]), rng.standard_normal(shape[1:])
    dout = rng.standard_normal(shape)
    ref, (rdx, rgamma, rbeta) = torch_forward_backward(
        lambda t, g, b: F.layer_norm(t, shape[1:], g, b, 1e-4), (x, gamma, beta), dout
    )
    assert_close(S.layer_norm(x, gamma, beta, eps=1e-4), ref)
    dx, dgamma, dbeta = S.layer_norm_backward(dout, x, gamma, eps=1e-4)
    np.testing.assert_allclose(dx, rdx, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dgamma, rgamma, rtol=0, atol=1e-10)
    np.testing.assert_allclose(dbeta, rbeta, rtol=0, atol=1e-10)

    def loss(z):
        return float(np.sum(S.layer_norm(z, gamma, beta, eps=1e-4) * dout))

    assert_close_to_numerical(dx, central_difference(loss, x.copy()))


def test_layer_norm_float32():
    x = np.random.default_rng(4).standard_normal((2, 6)).astype(np.float32)
    out = S.layer_norm(x, np.ones(6), np.zeros(6))
    assert out.dtype == np.float32
    assert_close(out, F.layer_norm(torch.from_numpy(x.astype(np.float64)), (6,)), np.float32)


# --- dropout ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("p", [0.2, 0.5, 0.9])
def test_dropout_mask_semantics_as_torch(p, dtype):
    """torch's values are 0 or x/(1-p) with a kept fraction 1-p; ours too, with the mask
    telling which, and the same mask for the same seed."""
    x = np.full((400, 250), 3.0, dtype)
    out, mask = S.dropout(x, p, rng=np.random.default_rng(5))
    ref = F.dropout(torch.from_numpy(x.astype(np.float64)), p, training=True).numpy()
    assert out.dtype == mask.dtype == dtype
    assert set(np.unique(mask)) == {0.0, 1.0}
    np.testing.assert_allclose(np.unique(out), np.unique(ref), rtol=1e-6)
    np.testing.assert_array_equal(out == 0, mask == 0)
    kept = mask.mean()
    assert abs(kept - (1 - p)) < 6 * math.sqrt(p * (1 - p) / x.size)
    assert abs(out.mean() - 3.0) < 0.05  # inverted dropout keeps the expectation
    again, mask_again = S.dropout(x, p, rng=5)
    np.testing.assert_array_equal(mask_again, mask)
    np.testing.assert_array_equal(again, out)


def test_dropout_identities_and_backward_by_hand():
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 4, 5))
    out, mask = S.dropout(x, 0.0, rng=0)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(mask, np.ones_like(x))
    out, mask = S.dropout(x, 0.7, training=False)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(mask, np.ones_like(x))
    # backward of dropout with p = 0.75 and a hand-made mask: 4·dout where kept, 0 elsewhere
    dout = np.array([[1.0, -2.0], [0.5, 3.0]])
    mask = np.array([[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_array_equal(S.dropout_backward(dout, mask, 0.75), [[4.0, 0.0], [0.0, 12.0]])
    # and against torch's autograd through out = x·mask/(1-p)
    out, mask = S.dropout(x, 0.3, rng=1)
    dout = rng.standard_normal(x.shape)
    tx = torch.tensor(x, requires_grad=True)
    (tx * torch.from_numpy(mask) / 0.7).backward(torch.from_numpy(dout))
    np.testing.assert_allclose(S.dropout_backward(dout, mask, 0.3), tx.grad.numpy(), atol=1e-15)


# --- optimisers -------------------------------------------------------------------------------------

STEPS = 12


def gradient_sequence(shape, seed=7):
    """A fixed sequence of gradients, the same for us and for torch."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for _ in range(STEPS)]


def torch_trajectory(optimizer_class, p0, grads, **kwargs):
    param = torch.nn.Parameter(torch.from_numpy(p0.copy()))
    optimizer = optimizer_class([param], **kwargs)
    path = []
    for g in grads:
        param.grad = torch.from_numpy(g.copy())
        optimizer.step()
        path.append(param.detach().numpy().copy())
    return path


SGD_CASES = [
    {"lr": 0.1},
    {"lr": 0.05, "momentum": 0.9},
    {"lr": 0.05, "momentum": 0.9, "nesterov": True},
    {"lr": 0.1, "weight_decay": 0.01},
    {"lr": 0.05, "momentum": 0.8, "weight_decay": 0.05, "nesterov": True},
]


@pytest.mark.parametrize("kwargs", SGD_CASES)
def test_sgd_step_and_object_follow_torch_sgd(kwargs):
    rng = np.random.default_rng(8)
    p0 = rng.standard_normal((3, 4))
    grads = gradient_sequence(p0.shape)
    ref = torch_trajectory(torch.optim.SGD, p0, grads, **kwargs)
    param, velocity = p0.copy(), None
    live = {"w": p0.copy()}
    optimizer = S.SGD(live, **kwargs)
    for step, g in enumerate(grads):
        param, velocity = S.sgd_step(param, g, velocity, **kwargs)
        optimizer.step({"w": g})
        np.testing.assert_allclose(param, ref[step], rtol=0, atol=1e-10, err_msg=f"step {step}")
        np.testing.assert_allclose(live["w"], ref[step], rtol=0, atol=1e-10)


ADAM_CASES = [
    (torch.optim.Adam, S.Adam, False, {"lr": 0.01}),
    (torch.optim.Adam, S.Adam, False, {"lr": 0.01, "betas": (0.8, 0.99), "weight_decay": 0.1}),
    (torch.optim.AdamW, S.AdamW, True, {"lr": 0.01}),
    (torch.optim.AdamW, S.AdamW, True, {"lr": 0.02, "eps": 1e-6, "weight_decay": 0.1}),
]


@pytest.mark.parametrize("torch_class,our_class,decoupled,kwargs", ADAM_CASES)
def test_adam_step_and_object_follow_torch(torch_class, our_class, decoupled, kwargs):
    rng = np.random.default_rng(9)
    p0 = rng.standard_normal((5, 2))
    grads = gradient_sequence(p0.shape)
    ref = torch_trajectory(torch_class, p0, grads, **kwargs)
    step_kwargs = dict(kwargs)
    if decoupled:
        step_kwargs.setdefault("weight_decay", 0.01)  # AdamW's default
    param, m, v = p0.copy(), None, None
    live = {"w": p0.copy()}
    optimizer = our_class(live, **kwargs)
    for t, g in enumerate(grads, start=1):
        param, m, v = S.adam_step(param, g, m, v, t, decoupled=decoupled, **step_kwargs)
        optimizer.step({"w": g})
        np.testing.assert_allclose(param, ref[t - 1], rtol=0, atol=1e-10, err_msg=f"step {t}")
        np.testing.assert_allclose(live["w"], ref[t - 1], rtol=0, atol=1e-10)


def test_adam_first_step_is_lr_times_sign():
    """Bias correction by hand: at t = 1, m̂ = g and v̂ = g², so the step is lr·g/(|g| + eps)."""
    g = np.array([0.3, -2.0, 1e-3])
    param, m, v = S.adam_step(np.zeros(3), g, None, None, 1, lr=0.1, eps=0.0)
    np.testing.assert_allclose(param, -0.1 * np.sign(g), atol=1e-15)
    np.testing.assert_allclose(m, 0.1 * g, atol=1e-15)
    np.testing.assert_allclose(v, 0.001 * g * g, atol=1e-15)


@pytest.mark.parametrize("dtype", DTYPES)
def test_steps_keep_the_dtype_and_return_new_arrays(dtype):
    p, g = np.ones(3, dtype), np.full(3, 0.5, dtype)
    new, velocity = S.sgd_step(p, g, None, 0.1, momentum=0.9)
    assert new.dtype == velocity.dtype == dtype and new is not p
    np.testing.assert_array_equal(p, np.ones(3))
    new, m, v = S.adam_step(p, g, None, None, 1, 0.1)
    assert new.dtype == m.dtype == v.dtype == dtype
    np.testing.assert_array_equal(p, np.ones(3))


def test_optimisers_update_a_models_live_parameters():
    model = S.Sequential(S.Linear(4, 3), S.ReLU(), S.Linear(3, 2)).initialize(seed=0)
    before = {k: v.copy() for k, v in model.params().items()}
    x = np.random.default_rng(10).standard_normal((5, 4))
    for optimizer in (S.SGD(model.params(), 0.1, 0.9, nesterov=True), S.AdamW(model.params())):
        model.backward(np.ones_like(model.forward(x)))
        optimizer.step(model.grads())
    assert all(not np.array_equal(before[k], v) for k, v in model.params().items() if "weight" in k)


# --- learning-rate schedules --------------------------------------------------------------------------


def torch_lrs(make_scheduler, steps, base_lr=0.1):
    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=base_lr)
    scheduler = make_scheduler(optimizer)
    lrs = []
    for _ in range(steps):
        lrs.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        scheduler.step()
    return np.array(lrs)


SCHEDULES = [
    (
        lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.5),
        lambda t: S.step_lr(t, 0.1, step_size=7, gamma=0.5),
    ),
    (
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=20, eta_min=0.001),
        lambda t: S.cosine_lr(t, 0.1, total_steps=20, min_lr=0.001),
    ),
    (
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40),
        lambda t: S.cosine_lr(t, 0.1, total_steps=40),
    ),
    (
        lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=8),
        lambda t: S.linear_warmup_lr(t, 0.1, warmup_steps=8, start_factor=0.1),
    ),
    (
        lambda o: torch.optim.lr_scheduler.SequentialLR(
            o,
            [
                torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=5),
                torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=35, eta_min=1e-4),
            ],
            milestones=[5],
        ),
        lambda t: S.warmup_cosine_lr(t, 0.1, 5, 40, start_factor=0.25, min_lr=1e-4),
    ),
]


@pytest.mark.parametrize("make_scheduler,ours", SCHEDULES)
def test_schedules_match_torch_schedulers(make_scheduler, ours):
    ref = torch_lrs(make_scheduler, 40)
    np.testing.assert_allclose([ours(t) for t in range(40)], ref, rtol=0, atol=1e-12)


# --- bad input ------------------------------------------------------------------------------------------


def test_bad_input_raises_value_error_naming_the_argument():
    x, g = np.ones((2, 3, 2, 2)), np.ones(3)
    cases = [
        (lambda: S.batch_norm2d(x, np.ones(4), g), "gamma"),
        (lambda: S.batch_norm2d(x, g, np.ones(2)), "beta"),
        (lambda: S.batch_norm2d(x, g, g, eps=-1.0), "eps"),
        (lambda: S.batch_norm2d(x, g, g, np.zeros(3), np.ones(3), momentum=1.5), "momentum"),
        (lambda: S.batch_norm2d(x, g, g, training=False), "running_mean"),
        (lambda: S.batch_norm2d(x, g, g, np.zeros(2), np.ones(3)), "running_mean"),
        (lambda: S.batch_norm2d(np.ones((2, 3)), g, g), "x"),
        (lambda: S.batch_norm2d(np.ones((1, 3, 1, 1)), g, g), "x"),
        (lambda: S.batch_norm2d_backward(np.ones((2, 3, 2, 1)), x, g), "dout"),
        (lambda: S.layer_norm(x, np.ones((3, 2)), np.ones((3, 2))), "gamma"),
        (lambda: S.layer_norm_backward(np.ones((2, 3)), x, np.ones((3, 2, 2))), "dout"),
        (lambda: S.layer_norm(np.ones(4), np.ones(4), np.ones(4)), "x"),
        (lambda: S.dropout(x, 1.0), "p"),
        (lambda: S.dropout(x, -0.1), "p"),
        (lambda: S.dropout(x, 0.5, rng="x"), "rng"),
        (lambda: S.dropout_backward(x, np.ones(3), 0.5), "mask"),
        (lambda: S.sgd_step(g, np.ones(2), None, 0.1), "grad"),
        (lambda: S.sgd_step(g, g, None, float("nan")), "lr"),
        (lambda: S.sgd_step(g, g, None, 0.1, momentum=-0.5), "momentum"),
        (lambda: S.sgd_step(g, g, None, 0.1, nesterov=True), "nesterov"),
        (lambda: S.sgd_step(g, g, np.ones(2), 0.1, momentum=0.9), "velocity"),
        (lambda: S.adam_step(g, g, None, None, 0, 0.1), "t"),
        (lambda: S.adam_step(g, g, None, None, 1.5, 0.1), "t"),
        (lambda: S.adam_step(g, g, None, None, 1, 0.1, betas=(0.9, 1.0)), "betas"),
        (lambda: S.adam_step(g, g, np.ones(2), None, 1, 0.1), "m"),
        (lambda: S.adam_step(g, g, None, None, 1, 0.1, weight_decay=-1), "weight_decay"),
        (lambda: S.Adam({"w": g}, lr=-1.0), "lr"),
        (lambda: S.Adam({"w": g}, betas=(0.9,)), "betas"),
        (lambda: S.SGD({"w": g}, lr=0.1, nesterov=True), "nesterov"),
        (lambda: S.step_lr(3, 0.1, step_size=0), "step_size"),
        (lambda: S.cosine_lr(-1, 0.1, 10), "step"),
        (lambda: S.linear_warmup_lr(1, 0.1, 5, start_factor=0.0), "start_factor"),
        (lambda: S.warmup_cosine_lr(1, 0.1, 5, 5), "total_steps"),
        (lambda: S.BatchNorm2d(3, eps=-1.0), "eps"),
        (lambda: S.BatchNorm2d(3, momentum=2.0), "momentum"),
        (lambda: S.Dropout(1.0), "p"),
    ]
    for call, name in cases:
        with pytest.raises(ValueError, match=name):
            call()


# --- the layers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_layer_matches_torch_module(training):
    rng = np.random.default_rng(11)
    ours = S.BatchNorm2d(3, eps=1e-3, momentum=0.3).initialize(seed=0)
    ref = nn.BatchNorm2d(3, eps=1e-3, momentum=0.3).double()
    gamma, beta = rng.uniform(0.5, 1.5, 3), rng.standard_normal(3)
    ours.load_params({"weight": gamma, "bias": beta})
    ref.load_state_dict(
        {"weight": torch.from_numpy(gamma), "bias": torch.from_numpy(beta)}, strict=False
    )
    for _ in range(2):  # warm the running statistics in training mode
        x = rng.standard_normal((4, 3, 3, 3)) + 2
        ours.train().forward(x)
        ref.train()(torch.from_numpy(x))
    ours.train(training)
    ref.train(training)
    x, dout = rng.standard_normal((5, 3, 4, 2)), rng.standard_normal((5, 3, 4, 2))
    tx = torch.tensor(x, requires_grad=True)
    out = ref(tx)
    out.backward(torch.from_numpy(dout))
    assert_close(ours.forward(x), out)
    assert_close(ours.backward(dout), tx.grad, what="dx")
    assert_close(ours.grads()["weight"], ref.weight.grad, what="dweight")
    assert_close(ours.grads()["bias"], ref.bias.grad, what="dbias")
    for name, value in ours.buffers().items():
        assert_close(value, ref.state_dict()[name], what=name)


def test_dropout_layer_masks_backward_and_eval():
    layer = S.Dropout(0.25, seed=3)
    x = np.random.default_rng(12).standard_normal((50, 40)).astype(np.float32)
    out = layer.forward(x)
    kept = out != 0
    assert out.dtype == np.float32
    np.testing.assert_allclose(out[kept], x[kept] / 0.75, rtol=1e-6)
    dout = np.ones_like(x)
    np.testing.assert_allclose(layer.backward(dout), kept / np.float32(0.75), rtol=1e-6)
    layer.eval()
    np.testing.assert_array_equal(layer.forward(x), F.dropout(torch.from_numpy(x), 0.25, False))
    np.testing.assert_array_equal(layer.backward(dout), dout)  # eval: no rescaling


def test_count_parameters_excludes_running_statistics():
    ours = S.Sequential(
        S.Conv2d(3, 8, 3, bias=False), S.BatchNorm2d(8), S.ReLU(), S.Flatten(), S.Linear(8, 2)
    )
    ref = nn.Sequential(
        nn.Conv2d(3, 8, 3, bias=False), nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten(), nn.Linear(8, 2)
    )
    assert S.count_parameters(ours) == sum(p.numel() for p in ref.parameters())
    assert S.count_parameters(ours.params()) == S.count_parameters(ours)
    torch_buffers = {k for k, _ in ref.named_buffers() if not k.endswith("num_batches_tracked")}
    assert set(ours.buffers()) == torch_buffers == {"1.running_mean", "1.running_var"}
    assert not set(ours.buffers()) & set(ours.params())
