"""Fixtures shared by the dlx-torch tests."""

import pytest

import dlx


@pytest.fixture(scope="module")
def backend():
    return dlx.backend.get("torch")


@pytest.fixture
def on_torch(backend):
    with dlx.backend.use(backend):
        yield backend
