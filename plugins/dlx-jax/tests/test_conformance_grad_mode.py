"""The conformance suite's compiled gradient mode on jax (the mode CI runs the jax suite in):
each case's value_and_grad goes through backend.compile, and an op whose output shape depends on
its input's values (bincount) is measured op by op instead of failing."""

from __future__ import annotations

import pytest

jax = pytest.importorskip("jax")

from dlx import ops  # noqa: E402
from dlx.backend import registry  # noqa: E402
from dlx.ops.spec import REGISTRY  # noqa: E402
from dlx_conformance.checks import grad_case  # noqa: E402


def _case(op, name):
    spec = REGISTRY[op]
    return spec, next(c for c in spec.cases if c.name == name)


def test_compiled_grads_go_through_backend_compile_and_fall_back_for_data_dependent_shapes(monkeypatch):
    backend = registry.get("jax")
    compiled = []
    real = backend.compile

    def spy(fn, *a, **k):
        compiled.append(fn)
        return real(fn, *a, **k)

    monkeypatch.setattr(backend, "compile", spy)
    spec, case = _case("tanh", "normal")
    assert grad_case(backend, spec, case, "float32", compiled=True).ok
    assert len(compiled) == 1
    spec, case = _case("bincount", "weights")

    def total(w):
        return ops.sum(ops.bincount(jax.numpy.array([0, 2]), weights=w))

    with registry.use("jax"), pytest.raises(ValueError, match="output shape depends on the values"):
        real(backend.value_and_grad(total))(jax.numpy.ones(2))  # what compiled mode meets
    assert grad_case(backend, spec, case, "float32", compiled=True).ok
