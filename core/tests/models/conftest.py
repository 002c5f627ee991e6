"""Fixtures for model tests: every installed, usable backend (``DLX_TEST_BACKENDS=a,b`` narrows it)."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import dlx
from dlx.backend import registry
from dlx.ops import tolerance as T


def _discover() -> list[str]:
    wanted = os.environ.get("DLX_TEST_BACKENDS")
    names = [n for n, rec in sorted(registry.records().items()) if registry.usable(rec)]
    if wanted:
        keep = {w.strip() for w in wanted.split(",") if w.strip()}
        names = [n for n in names if n in keep]
    return names


BACKENDS = _discover()


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each usable backend, active for the test (skipped with the error if it fails to load)."""
    try:
        b = registry.get(request.param)
    except Exception as e:
        pytest.skip(f"backend {request.param!r} failed to load: {type(e).__name__}: {e}")
    with dlx.backend.use(b):
        yield b


@pytest.fixture
def numpy_backend():
    with dlx.backend.use("numpy") as b:
        yield b


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
