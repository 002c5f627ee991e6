"""fit hands the variables' own values to its donating compiled step: during an epoch the weights
and the optimizer state live once (``jax.live_arrays``), as in a hand-written donating loop, and
the step is compiled once for every epoch."""

from __future__ import annotations

import gc

import jax
import numpy as np
import pytest

import dlx


@pytest.fixture(autouse=True)
def _jax():
    with dlx.backend.use("jax"):
        yield


def _model():
    model = dlx.Sequential([dlx.layers.Input((64,)), dlx.layers.Dense(512), dlx.layers.Dense(512),
                            dlx.layers.Dense(4)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _nbytes(arrays) -> int:
    return sum(int(np.prod(a.shape)) * np.dtype(a.dtype).itemsize for a in arrays)


def _live_nbytes() -> int:
    return _nbytes(a for a in jax.live_arrays() if not a.is_deleted())


def test_an_epoch_holds_the_training_state_once():
    # what earlier tests of this process left alive (jax.live_arrays is process-wide) is not this
    # fit's: collected first, the rest subtracted
    gc.collect()
    before = _live_nbytes()
    model = _model()
    x = np.random.default_rng(0).standard_normal((64, 64)).astype(np.float32)
    y = np.zeros((64, 4), np.float32)
    live = []

    class Measure(dlx.callbacks.Callback):
        requires_model_state = False  # (reading the model would write the state into it)

        def on_train_batch_end(self, batch, logs=None):
            jax.block_until_ready(logs)
            live.append(_live_nbytes() - before)

    model.fit(x, y, batch_size=16, epochs=3, verbose=0, callbacks=[Measure()])
    state = _nbytes([*model.variables, *model.optimizer.variables])
    assert state > 3_000_000  # the weights (1.2 MB) and Adam's two moments
    # every batch of every epoch: the state once, plus the batches and the logs (a copy kept by
    # the variables would add the whole state again)
    assert max(live) < 1.2 * state, (max(live), state)


def test_the_step_is_compiled_once_for_every_epoch_and_fit():
    model = _model()
    x = np.ones((32, 64), np.float32)
    y = np.zeros((32, 4), np.float32)
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    assert model.train_function.trace_count == 1
    # and compiled once: the state of a fit's first epoch is placed as the step's outputs are
    assert model.train_function._jitted._cache_size() == 1
