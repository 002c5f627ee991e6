"""Fixtures for layer tests: every installed, usable backend (``DLX_TEST_BACKENDS=a,b`` narrows it)
and a parity checker against the float64 NumPy oracle."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import dlx
from dlx.backend import registry
from dlx.ops import tolerance as T


def discover_backends() -> list[str]:
    wanted = os.environ.get("DLX_TEST_BACKENDS")
    names = []
    for name, rec in sorted(registry.records().items()):
        if registry.usable(rec):
            names.append(name)
    if wanted:
        keep = {w.strip() for w in wanted.split(",") if w.strip()}
        names = [n for n in names if n in keep]
    return names


BACKENDS = discover_backends()


def load_backend(name: str):
    try:
        return registry.get(name)
    except Exception as e:  # a broken plugin skips its tests, with the reason
        pytest.skip(f"backend {name!r} failed to load: {type(e).__name__}: {e}")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Each usable backend, active for the test."""
    b = load_backend(request.param)
    with dlx.backend.use(b):
        yield b


@pytest.fixture
def numpy_backend():
    with dlx.backend.use("numpy") as b:
        yield b


def parity_k(contraction: int = 1, depth: int = 1) -> float:
    """PARITY.md's Kc constant (floor(sqrt K) + 8) per rounding stage, times the op depth."""
    return (math.floor(math.sqrt(max(contraction, 1))) + 8) * max(depth, 1)


def assert_parity(out, exact, contraction: int = 1, depth: int = 1, n: int | None = None, what: str = ""):
    """``out`` (float32, any backend) against the float64 oracle ``exact`` in PARITY.md's
    normwise class: ``|out - r| <= (2 ceil(log2 N) + k) u max|r|`` with ``k`` from
    :func:`parity_k` (the layer is a chain of ``depth`` ops, the longest contraction ``K``)."""
    out = np.asarray(out)
    exact = np.asarray(exact, np.float64)
    tol = T.Normwise(parity_k(contraction, depth), n=n or exact.size)
    ctx = T.Context(args=(), kwargs={}, exact=exact, reference=None)
    verdict = tol.check(out.astype(np.float32) if out.dtype == np.float32 else out, exact, ctx)
    assert verdict.ok, f"{what}: {verdict.detail} (class {tol.cls})"


@pytest.fixture
def check_parity():
    """:func:`assert_parity`, for tests."""
    return assert_parity


_FORK_NOTE = ("ignore:os.fork\\(\\) was called:RuntimeWarning")


def pytest_collection_modifyitems(config, items):
    # dlx-openvino's import starts openvino_telemetry, which forks a process from a background
    # thread; with JAX loaded that fork emits a RuntimeWarning (reported to the owner). It is not
    # about the code under test, so it must not turn into an error here.
    here = str(__import__("pathlib").Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(_FORK_NOTE))
