"""Eight threads calling ``predict`` on one model at once get what one thread gets."""

from __future__ import annotations

import threading

import numpy as np

import dlx
from dlx import layers


def test_eight_threads_predict_like_one(backend):
    rng = np.random.default_rng(0)
    model = dlx.Sequential([dlx.Input((12,)), layers.Dense(32, activation="relu"), layers.Dropout(0.5),
                            layers.Dense(5, activation="softmax")])
    batches = [rng.standard_normal((7 + i, 12)).astype("float32") for i in range(8)]
    barrier = threading.Barrier(8)
    results, errors = [None] * 8, []

    def worker(i):
        try:
            with dlx.backend.use(backend):
                barrier.wait(60)  # all threads compile and run at once
                results[i] = [np.asarray(model.predict(batches[i], verbose=0)) for _ in range(3)]
        except Exception as e:  # reported below with the thread's index
            errors.append((i, e))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not errors, errors
    # the reference: the same model, one call at a time, in float64 NumPy from its weights
    w1, b1, w2, b2 = (np.asarray(w, np.float64) for w in model.get_weights())
    for i, x in enumerate(batches):
        h = np.maximum(x.astype(np.float64) @ w1 + b1, 0) @ w2 + b2
        e = np.exp(h - h.max(axis=1, keepdims=True))
        expected = e / e.sum(axis=1, keepdims=True)
        for out in results[i]:
            np.testing.assert_allclose(out, expected, rtol=2e-5, atol=1e-6)
