"""Shared fixtures of the dlx-tf tests."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.fixture(scope="session")
def tf_backend():
    """The ``tf`` backend instance (imports TensorFlow)."""
    import dlx

    return dlx.backend.get("tf")


def _run_python(code: str, env: dict | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full, timeout=timeout)


@pytest.fixture
def run_python():
    """``run_python(code, env=None)``: runs ``python -c code`` in a fresh interpreter."""
    return _run_python
