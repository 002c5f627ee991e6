"""DataParallel on torch logs the global metrics: 2 processes over gloo on loopback against 1.

Each process trains on its rows of every batch, so before the metrics were combined each
process logged the loss and accuracy of its own rows. The job below (run by
``dlx.distribution.launch``, which starts the processes) fits a small classifier with
``metrics=["accuracy"]`` and records what a user sees: every batch's logs in a callback, the
epoch logs (``History``), the validation metrics, ``get_metrics_result()`` after ``fit`` and
``evaluate``'s return. The batches (25 rows, split 13 / 12) do not divide evenly, so a plain
mean of the processes' values would differ from the global one. The same job in one process
is the reference.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pytest

if importlib.util.find_spec("torch") is None:  # checked without importing it here
    pytest.skip("torch is not installed", allow_module_level=True)


def job(device_type=None):
    """In every process: the fit and evaluation; returns what the metrics reported (JSON)."""
    import dlx
    from dlx import distribution as D
    from dlx import layers as L

    rng = np.random.default_rng(0)
    x = rng.normal(size=(100, 6)).astype("float32")
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype("int32")
    xv, yv = x[:40] + 0.1, y[:40]
    dlx.utils.set_random_seed(3)  # the same initial weights in every process and in the reference
    batches = []
    with D.DataParallel(devices=D.list_devices(device_type)).scope():
        m = dlx.Sequential([L.Input((6,)), L.Dense(8, activation="relu"), L.Dense(2)])
        m.compile(dlx.optimizers.SGD(0.2), dlx.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
        record = dlx.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(
            [float(logs["loss"]), float(logs["accuracy"])]))
        hist = m.fit(x, y, batch_size=25, epochs=3, shuffle=False, verbose=0, validation_data=(xv, yv),
                     callbacks=[record])
        after_fit = {k: float(v) for k, v in m.get_metrics_result().items()}
        evaluated = m.evaluate(x, y, batch_size=25, verbose=0, return_dict=True)
    return {"history": hist.history, "batches": batches, "after_fit": after_fit,
            "evaluate": {k: float(v) for k, v in evaluated.items()}}


@pytest.fixture(scope="module")
def runs():
    from dlx.distribution import launch

    env = {"PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    one = launch.run("torch", 1, "test_distribution_metrics:job", timeout=240, env=env)
    two = launch.run("torch", 2, "test_distribution_metrics:job", timeout=240, env=env)
    return one[0], two


def _close(a, b):
    # the processes' sums are added in float64 and rounded once: float32 summation order apart
    np.testing.assert_allclose(np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=2e-6, atol=1e-7)


def test_fit_logs_the_global_loss_and_accuracy_in_every_process(runs):
    one, two = runs
    assert len(two) == 2
    assert len(one["batches"]) == len(two[0]["batches"]) == 3 * 4
    for proc in two:
        assert proc["history"].keys() == one["history"].keys() == {"loss", "accuracy", "val_loss", "val_accuracy"}
        for key in one["history"]:
            _close(proc["history"][key], one["history"][key])
        _close(proc["batches"], one["batches"])  # what callbacks see after every step
    # every process holds the same values, not those of its own rows
    assert two[0]["history"] == two[1]["history"]
    assert two[0]["batches"] == two[1]["batches"]
    assert one["history"]["loss"][-1] < one["history"]["loss"][0]  # it learns


def test_metric_results_after_fit_and_evaluate_are_global(runs):
    one, two = runs
    for proc in two:
        for key in ("after_fit", "evaluate"):
            assert proc[key].keys() == one[key].keys()
            _close([proc[key][k] for k in sorted(proc[key])], [one[key][k] for k in sorted(one[key])])
    assert two[0]["after_fit"] == two[1]["after_fit"]
    assert two[0]["evaluate"] == two[1]["evaluate"]
