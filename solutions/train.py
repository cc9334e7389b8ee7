"""Train LeNet-5 on real handwritten digits with the course's own kernels.

``python -m solutions.train`` (or ``make train``) loads scikit-learn's digits (1,797 real
8x8 scans, shipped with the package: nothing is downloaded), trains with mini-batch SGD,
prints the test accuracy and saves the learning curve as a PNG.

scikit-learn, matplotlib and tqdm are imported inside the functions that need them, so that
``import solutions`` itself needs only numpy and Numba.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from solutions.architectures import lenet5, lenet5_classic
from solutions.fully_connected import softmax_cross_entropy
from solutions.layers import Layer
from solutions.training import SGD


@dataclass
class DigitsSplit:
    """Images (N, 1, S, S) and integer labels (N,) for each part of a fixed split."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def load_digits_split(
    image_size: int = 28,
    seed: int = 0,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    dtype: type = np.float32,
) -> DigitsSplit:
    """scikit-learn's digits as LeNet input, split train/validation/test, stratified by class.

    Each 8x8 image (values 0-16) is scaled up 3x (nearest neighbour, 24x24) and zero-padded
    to ``image_size`` (28 for d2l's LeNet, 32 for the classic one), then standardised with
    the training set's mean and standard deviation.

    Returns:
        A DigitsSplit; with the defaults 1,257 / 270 / 270 images of shape (1, 28, 28).
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    if image_size < 24:
        raise ValueError(f"image_size must be at least 24 (8x8 scaled 3x), got {image_size}")
    digits = load_digits()
    images = np.kron(digits.images / 16.0, np.ones((3, 3)))  # (1797, 24, 24)
    before = (image_size - 24) // 2
    after = image_size - 24 - before
    images = np.pad(images, ((0, 0), (before, after), (before, after)))[:, None]
    y = digits.target.astype(np.int64)
    X_rest, X_test, y_rest, y_test = train_test_split(
        images, y, test_size=test_fraction, stratify=y, random_state=seed
    )
    X_train, X_val, y_train, y_val = train_test_split(
        X_rest,
        y_rest,
        test_size=val_fraction / (1 - test_fraction),
        stratify=y_rest,
        random_state=seed,
    )
    mean, std = X_train.mean(), X_train.std()

    def prepare(X):
        return ((X - mean) / std).astype(dtype)

    return DigitsSplit(prepare(X_train), y_train, prepare(X_val), y_val, prepare(X_test), y_test)


def random_shift(images: np.ndarray, max_shift: int, rng: np.random.Generator) -> np.ndarray:
    """Move each image (N, C, H, W) by its own random (dy, dx) in [-max_shift, max_shift],
    filling the uncovered border with the background (the minimum value)."""
    padded = np.pad(
        images,
        ((0, 0), (0, 0), (max_shift, max_shift), (max_shift, max_shift)),
        constant_values=images.min(),
    )
    h, w = images.shape[2:]
    out = np.empty_like(images)
    for n, (dy, dx) in enumerate(rng.integers(0, 2 * max_shift + 1, size=(len(images), 2))):
        out[n] = padded[n, :, dy : dy + h, dx : dx + w]
    return out


def predict(model: Layer, X: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """Class scores of ``model`` in eval mode for X (N, ...); returns (N, num_classes).

    The model is put back in the mode it was in (training or evaluation).
    """
    was_training = model.training
    model.eval()
    try:
        return np.concatenate(
            [model.forward(X[i : i + batch_size]) for i in range(0, len(X), batch_size)]
        )
    finally:
        model.train(was_training)


def accuracy(model: Layer, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of X (N, ...) whose arg-max class equals y (N,)."""
    return float(np.mean(predict(model, X).argmax(axis=1) == y))


@dataclass
class History:
    """Per-epoch training record."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    epoch_seconds: list[float] = field(default_factory=list)
    stopped_early: bool = False


def train(
    model: Layer,
    data: DigitsSplit,
    num_epochs: int = 30,
    batch_size: int = 64,
    lr: float = 0.05,
    momentum: float = 0.9,
    weight_decay: float = 5e-4,
    seed: int = 0,
    max_shift: int = 0,
    cosine: bool = False,
    time_budget: float | None = None,
    progress: bool = True,
    on_epoch: Callable[[int, History], None] | None = None,
) -> History:
    """Mini-batch SGD with softmax cross-entropy; the data order is fixed by ``seed``.

    ``max_shift`` > 0 moves every training image by a random whole number of pixels, up to
    that many in each direction (data augmentation); ``cosine`` lowers the learning rate from
    ``lr`` to 0 along a half cosine over the epochs. Stops early, after the epoch in progress,
    once ``time_budget`` seconds have passed.
    """
    from tqdm.auto import tqdm

    optimizer = SGD(model.params(), lr, momentum, weight_decay)
    rng = np.random.default_rng(seed)
    history = History()
    start = time.perf_counter()
    bar = tqdm(
        range(num_epochs), desc="epochs", unit="epoch", disable=not progress, mininterval=1.0
    )
    for epoch in bar:
        epoch_start = time.perf_counter()
        if cosine:
            optimizer.lr = lr * 0.5 * (1 + np.cos(np.pi * epoch / num_epochs))
        order = rng.permutation(len(data.X_train))
        losses, correct = [], 0
        for i in range(0, len(order), batch_size):
            batch = order[i : i + batch_size]
            images = data.X_train[batch]
            if max_shift:
                images = random_shift(images, max_shift, rng)
            logits = model.forward(images)
            loss, dlogits = softmax_cross_entropy(logits, data.y_train[batch])
            model.backward_params(dlogits)  # the images need no gradient
            optimizer.step(model.grads())
            losses.append(loss * len(batch))
            correct += int(np.sum(logits.argmax(axis=1) == data.y_train[batch]))
        history.train_loss.append(float(np.sum(losses) / len(order)))
        history.train_acc.append(correct / len(order))
        history.val_acc.append(accuracy(model, data.X_val, data.y_val))
        history.epoch_seconds.append(time.perf_counter() - epoch_start)
        bar.set_postfix(loss=f"{history.train_loss[-1]:.4f}", val_acc=f"{history.val_acc[-1]:.3f}")
        if on_epoch is not None:
            on_epoch(epoch, history)
        if time_budget is not None and time.perf_counter() - start > time_budget:
            history.stopped_early = epoch + 1 < num_epochs
            break
    return history


def plot_history(history: History, path: str | Path) -> Path:
    """Save the learning curve (loss and accuracies per epoch) as a PNG; return its path."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    epochs = np.arange(1, len(history.train_loss) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.5))
    ax_loss.plot(epochs, history.train_loss, marker="o")
    ax_loss.set(xlabel="epoch", ylabel="training loss", yscale="log", title="Cross-entropy")
    ax_acc.plot(epochs, history.train_acc, marker="o", label="train")
    ax_acc.plot(epochs, history.val_acc, marker="s", label="validation")
    ax_acc.set(xlabel="epoch", ylabel="accuracy", title="Accuracy")
    ax_acc.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


# name: (constructor, input size, default learning rate)
MODELS = {
    "lenet5": (lambda: lenet5(activation="relu", pool="max"), 28, 0.01),
    # sigmoids pass on at most 1/4 of the gradient per layer: it needs bigger steps (d2l uses 0.9)
    "lenet5-sigmoid": (lambda: lenet5(), 28, 0.1),
    "lenet5-classic": (lenet5_classic, 32, 0.01),
}


def main(argv: list[str] | None = None) -> float:
    """Command line: train, print the test accuracy, save the curve. Returns the accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model",
        choices=sorted(MODELS),
        default="lenet5",
        help="lenet5: d2l's LeNet-5 with ReLU and max pooling (default); "
        "lenet5-sigmoid: d2l's original; lenet5-classic: LeCun et al. 1998",
    )
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=None, help="default: per model")
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--max-shift", type=int, default=2, help="random translation, pixels")
    parser.add_argument("--no-cosine", action="store_true", help="constant learning rate")
    parser.add_argument("--dtype", choices=["float32", "float64"], default="float32")
    parser.add_argument(
        "--time-budget",
        type=float,
        default=100.0,
        help="seconds; stops after the epoch in progress",
    )
    parser.add_argument("--plot", default="build/train/learning_curve.png")
    args = parser.parse_args(argv)

    build, size, default_lr = MODELS[args.model]
    lr = default_lr if args.lr is None else args.lr
    dtype = np.dtype(args.dtype).type
    data = load_digits_split(image_size=size, seed=args.seed, dtype=dtype)
    model = build().initialize(seed=args.seed, dtype=dtype)
    print(
        f"{args.model}: {sum(p.size for p in model.params().values()):,} parameters; "
        f"{len(data.X_train)} training, {len(data.X_val)} validation, {len(data.X_test)} test images"
    )
    start = time.perf_counter()
    history = train(
        model,
        data,
        args.epochs,
        args.batch_size,
        lr,
        args.momentum,
        args.weight_decay,
        args.seed,
        args.max_shift,
        not args.no_cosine,
        args.time_budget,
    )
    seconds = time.perf_counter() - start
    test_acc = accuracy(model, data.X_test, data.y_test)
    plot = plot_history(history, args.plot)
    note = " (stopped by the time budget)" if history.stopped_early else ""
    print(
        f"trained {len(history.train_loss)} epochs in {seconds:.1f} s{note}; "
        f"mean epoch {np.mean(history.epoch_seconds):.2f} s"
    )
    print(
        f"test accuracy: {test_acc:.4f} ({round(test_acc * len(data.y_test))}/{len(data.y_test)})"
    )
    print(f"learning curve: {plot}")
    return test_acc


if __name__ == "__main__":
    main()
