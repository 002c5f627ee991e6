"""Fixtures for model tests (``backend`` and ``numpy_backend`` come from ``core/tests/conftest.py``)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from dlx.ops import tolerance as T


@pytest.fixture
def check_parity():
    """``check(out, exact, K, depth)``: PARITY.md's normwise class against a float64 oracle,
    ``k = (floor(sqrt K) + 8) * depth``."""

    def check(out, exact, contraction=1, depth=1, what=""):
        k = (math.floor(math.sqrt(max(contraction, 1))) + 8) * max(depth, 1)
        exact = np.asarray(exact, np.float64)
        verdict = T.Normwise(k, n=exact.size).check(np.asarray(out), exact,
                                                    T.Context(args=(), kwargs={}, exact=exact, reference=None))
        assert verdict.ok, f"{what}: {verdict.detail}"

    return check


_FORK_NOTE = ("ignore:os.fork\\(\\) was called:RuntimeWarning")


def pytest_collection_modifyitems(config, items):
    # dlx-openvino's import starts openvino_telemetry, which forks a process from a background
    # thread; with JAX loaded that fork emits a RuntimeWarning (reported to the owner). It is not
    # about the code under test, so it must not turn into an error here.
    here = str(__import__("pathlib").Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(_FORK_NOTE))
