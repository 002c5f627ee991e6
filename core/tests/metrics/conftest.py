"""Fixtures for metric tests: every installed, usable backend (``DLX_TEST_BACKENDS=a,b`` narrows it)."""

from __future__ import annotations

import os

import pytest

import dlx
from dlx.backend import registry


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


_FORK_NOTE = "ignore:os.fork\\(\\) was called:RuntimeWarning"


def pytest_collection_modifyitems(config, items):
    # dlx-openvino's import starts openvino_telemetry, which forks from a background thread; with
    # JAX loaded that fork warns. Not about the code under test.
    here = str(__import__("pathlib").Path(__file__).parent)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.filterwarnings(_FORK_NOTE))
