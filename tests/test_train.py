"""Training LeNet-5: the optimiser against torch.optim.SGD, the data split, and the result."""

import numpy as np
import pytest
import torch
from torch import nn

import solutions as S
from solutions.train import load_digits_split, main, plot_history, random_shift, train
from solutions.training import SGD
from tests.oracle import torch_lenet5


def test_training_steps_equal_torch_sgd_float64():
    """Same weights, same batches: forward, gradients and three SGD updates agree to 1e-10."""
    rng = np.random.default_rng(0)
    model = S.lenet5(activation="relu", pool="max").initialize(seed=3, dtype=np.float64)
    ref = torch_lenet5(activation="relu", pool="max")
    ref.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in model.params().items()})
    ours_opt = SGD(model.params(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    ref_opt = torch.optim.SGD(ref.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-3)
    for step in range(3):
        x, y = rng.standard_normal((16, 1, 28, 28)), rng.integers(0, 10, 16)
        logits = model.forward(x)
        _, dlogits = S.softmax_cross_entropy(logits, y)
        model.backward(dlogits)
        ref_opt.zero_grad()
        ref_logits = ref(torch.from_numpy(x))
        nn.functional.cross_entropy(ref_logits, torch.from_numpy(y)).backward()
        np.testing.assert_allclose(logits, ref_logits.detach().numpy(), rtol=0, atol=1e-10)
        ref_grads = {k: p.grad.numpy() for k, p in ref.named_parameters()}
        for name, grad in model.grads().items():
            np.testing.assert_allclose(
                grad, ref_grads[name], rtol=0, atol=1e-10, err_msg=f"step {step} {name}"
            )
        ours_opt.step(model.grads())
        ref_opt.step()
        for name, p in ref.named_parameters():
            np.testing.assert_allclose(model.params()[name], p.detach().numpy(), rtol=0, atol=1e-10)


def test_sgd_update_by_hand():
    p = {"w": np.array([1.0, -2.0])}
    opt = SGD(p, lr=0.1, momentum=0.5, weight_decay=0.1)
    opt.step({"w": np.array([1.0, 1.0])})  # g = 1 + 0.1 p = [1.1, 0.8]; v = g
    np.testing.assert_allclose(p["w"], [1.0 - 0.11, -2.0 - 0.08])
    opt.step({"w": np.array([0.0, 0.0])})  # g = 0.1 p; v = 0.5 v + g
    expected_v = 0.5 * np.array([1.1, 0.8]) + 0.1 * np.array([0.89, -2.08])
    np.testing.assert_allclose(p["w"], np.array([0.89, -2.08]) - 0.1 * expected_v)
    with pytest.raises(ValueError, match="lr"):
        SGD(p, lr=float("nan"))


def test_digits_split_is_stratified_standardised_and_fixed():
    data = load_digits_split(image_size=28, seed=0)
    sizes = [len(data.X_train), len(data.X_val), len(data.X_test)]
    assert sum(sizes) == 1797 and sizes == [1257, 270, 270]
    assert data.X_train.shape[1:] == (1, 28, 28) and data.X_train.dtype == np.float32
    assert abs(data.X_train.mean()) < 1e-4 and abs(data.X_train.std() - 1) < 1e-3
    assert np.bincount(data.y_test, minlength=10).min() >= 26  # every digit ~27 times
    again = load_digits_split(image_size=28, seed=0)
    np.testing.assert_array_equal(data.X_test, again.X_test)
    assert load_digits_split(image_size=32).X_train.shape[1:] == (1, 32, 32)


def test_random_shift_moves_each_image_within_bounds():
    images = np.zeros((50, 1, 9, 9))
    images[:, 0, 4, 4] = 1.0
    shifted = random_shift(images, 2, np.random.default_rng(0))
    where = np.argwhere(shifted[:, 0] == 1.0)  # rows of (image, row, col)
    assert len(where) == 50 and sorted(where[:, 0]) == list(range(50))  # one pixel each, none lost
    assert where[:, 1:].min() >= 2 and where[:, 1:].max() <= 6  # moved at most 2 each way
    assert len({(r, c) for _, r, c in where}) > 5  # and really at random
    np.testing.assert_array_equal(random_shift(images, 0, np.random.default_rng(0)), images)


def test_training_lowers_the_loss_and_respects_the_time_budget(tmp_path):
    data = load_digits_split(seed=0, dtype=np.float64)
    small = type(data)(
        data.X_train[:256], data.y_train[:256], data.X_val, data.y_val, data.X_test, data.y_test
    )
    model = S.lenet5(activation="relu", pool="max").initialize(seed=0)
    history = train(model, small, num_epochs=5, lr=0.01, progress=False)
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    stopped = train(model, small, num_epochs=5, time_budget=0.0, progress=False)
    assert len(stopped.train_loss) == 1 and stopped.stopped_early
    png = plot_history(history, tmp_path / "curve.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_make_train_reaches_98_percent(tmp_path, capsys):
    """The acceptance of `make train`: at least 98% on the 270 test digits."""
    accuracy = main(["--plot", str(tmp_path / "curve.png")])
    assert accuracy >= 0.98
    assert "test accuracy" in capsys.readouterr().out


def test_predict_leaves_the_model_in_the_mode_it_found():
    from solutions.train import predict

    model = S.lenet5().initialize(seed=0)
    x = np.zeros((2, 1, 28, 28))
    model.eval()
    predict(model, x)
    assert not model.training and not model[0].training
    model.train()
    predict(model, x)
    assert model.training and model[0].training
