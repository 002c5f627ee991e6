import pytest

import dlx


@pytest.fixture
def numpy_backend():
    with dlx.backend.use("numpy") as b:
        yield b
