"""Fixtures shared by core's tests: the NumPy backend, every installed, usable backend
(``DLX_TEST_BACKENDS=a,b`` narrows it), and the bench scripts as modules."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

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
    """Each usable backend, active for the test (skipped with the error if it fails to load;
    under CI the session has already failed instead, see the repository's conftest.py)."""
    try:
        b = registry.get(request.param)
    except Exception as e:
        pytest.skip(f"backend {request.param!r} failed to load: {type(e).__name__}: {e}")
    with dlx.backend.use(b):
        yield b


@pytest.fixture
def training_backend(backend):
    """Each usable backend that trains (an inference-only one, OpenVINO, is skipped by its capability)."""
    if not backend.capabilities.training:
        pytest.skip(f"{backend.name}: inference only (capabilities.training is False)")
    return backend


@pytest.fixture
def numpy_backend():
    with dlx.backend.use("numpy") as b:
        yield b


@pytest.fixture(scope="session")
def bench_script():
    """``load(name)``: the module of ``bench/<name>.py`` (the scripts are not a package), loaded once."""
    loaded = {}

    def load(name):
        if name not in loaded:
            path = Path(__file__).resolve().parents[2] / "bench" / f"{name}.py"
            spec = importlib.util.spec_from_file_location(f"dlx_bench_{name}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            loaded[name] = module
        return loaded[name]

    return load
