"""Repository-wide test set-up: under CI, a test run never shrinks silently.

With ``DLX_REQUIRE_BACKENDS`` set (``.ci/run`` sets it; ``CI=true`` implies it), the session stops
before collecting anything unless every expected backend loads and validates, no installed dlx
plugin failed to load, and every test-only package the README's test command installs is
importable. Without it, tests of a backend that fails to load are skipped with the reason (a
developer's partial install).
"""

from __future__ import annotations

import importlib.util
import os

import pytest

# The test run opts in to what dlx never changes on its own in a user's process: JAX's x64 mode
# (float64 on jax) and torch's thread count (half the cores: a shared 2-core CI box). Set before
# any framework loads; subprocesses inherit them.
os.environ.setdefault("DLX_JAX_ENABLE_X64", "1")
os.environ.setdefault("DLX_TORCH_THREADS", "auto")

EXPECTED_BACKENDS = ("numpy", "jax", "torch", "tf", "openvino")
TEST_PACKAGES = ("keras", "sklearn", "pandas", "mlxtend", "ml_dtypes", "orbax.checkpoint")


def strict() -> bool:
    """Whether missing backends or test packages fail the run (CI) instead of skipping."""
    flag = os.environ.get("DLX_REQUIRE_BACKENDS") or os.environ.get("CI")
    return bool(flag) and flag.lower() not in ("0", "false", "no")


@pytest.fixture
def require_or_skip():
    """``require_or_skip(ok, reason)``: a test needing a component that is not there skips with
    ``reason`` on a developer's machine and fails under CI (the documentation toolchain, Chromium)."""
    def check(ok, reason):
        if not ok:
            (pytest.fail if strict() else pytest.skip)(reason)
    return check


def pytest_sessionstart(session):
    if not strict():
        return
    from dlx.backend import registry
    from dlx.plugins import manager

    expected = [b for b in os.environ.get("DLX_EXPECTED_BACKENDS", ",".join(EXPECTED_BACKENDS)).split(",") if b]
    problems = []
    for name in expected:
        try:
            registry.get(name)
        except Exception as e:
            problems.append(f"backend {name!r} did not load: {type(e).__name__}: {e}")
    problems += [f"plugin {name!r} failed to load: {type(e).__name__}: {e}" for name, e in manager.BROKEN.items()]
    problems += [f"test-only package {m!r} is not installed (the README's test command installs it)"
                 for m in TEST_PACKAGES if importlib.util.find_spec(m) is None]
    if problems:
        pytest.exit("the test environment is incomplete (DLX_REQUIRE_BACKENDS is set):\n  - "
                    + "\n  - ".join(problems), returncode=3)


def pytest_collection_modifyitems(config, items):
    """Tests marked ``slow`` (each backend's whole conformance suite) go first, in their order.

    The README's test command runs two pytest-xdist workers that take whole files in collection
    order (``-n 2 --dist loadfile --no-loadscope-reorder``): the long conformance runs then start
    at once, one per worker, and the other worker works through the rest meanwhile."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: order kept
