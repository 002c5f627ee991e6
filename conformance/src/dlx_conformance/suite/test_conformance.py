"""The conformance tests: op values and op gradients, every registered op x case x dtype, and
the distribution tier.

Test ids are stable: ``test_value[<op>-<case>-<dtype>]``, ``test_grad[<op>-<case>-<dtype>]``,
``test_grad_rule[<op>-<case>-float64]`` (the spec's gradient rule vs finite differences) and
``test_distribution[DataParallel]`` / ``test_distribution[ModelParallel]`` (one training step on
a 1-device and an N-device mesh, see :mod:`dlx_conformance.distribution`).
"""

from __future__ import annotations

import dataclasses
import functools

import pytest

from dlx_conformance.checks import Float64Unavailable, grad_case, iter_cases, rule_case, value_case
from dlx_conformance.distribution import KINDS

_CASES = list(iter_cases())
_GRAD_CASES = [(s, c, d) for s, c, d in _CASES if c.grad and s.grad is not None and d.startswith("float")]
_RULE_CASES = [(s, c, d) for s, c, d in _GRAD_CASES if d == "float64"]


def _id(p):
    s, c, d = p
    return f"{s.name}-{c.name}-{d}"


@pytest.fixture(scope="session")
def backend(request):
    from dlx_conformance.plugin import backend_name, get_backend

    if not backend_name(request.config):
        pytest.skip("pass --dlx-backend NAME to run the dlx conformance suite")
    return get_backend(request.config)


def _gate(backend, spec, dtype, tier):
    caps = backend.capabilities
    if spec.since > backend.spec_version and spec.decomposition is None:  # decomposed ops still run: test them
        pytest.skip(f"op {spec.name!r} is in op-spec v{spec.since}; the backend implements v{backend.spec_version}")
    if dtype in ("float64", "complex128") and not caps.float64:  # complex128's parts are float64
        pytest.skip(f"float64: {caps.reason('float64')}")
    if dtype.startswith("complex") and not caps.complex:
        pytest.skip(f"complex: {caps.reason('complex')}")
    if tier == "grad" and not caps.training:
        pytest.skip(f"gradients: {caps.reason('training')}")


def _run(request, fn, backend, spec, case, dtype, tier):
    _gate(backend, spec, dtype, tier)
    try:
        result = fn(backend, spec, case, dtype)
    except Float64Unavailable as e:
        pytest.skip(f"float64 output: {e}")
    request.node._dlx_result = {k: v for k, v in dataclasses.asdict(result).items()}
    assert result.ok, f"{spec.name} [{case.name}, {dtype}] {tier} outside {result.tolerance}: {result.detail}"


@pytest.mark.parametrize("param", _CASES, ids=_id)
def test_value(request, backend, param):
    spec, case, dtype = param
    _run(request, value_case, backend, spec, case, dtype, "value")


@pytest.mark.parametrize("param", _GRAD_CASES, ids=_id)
def test_grad(request, backend, param):
    from dlx_conformance.plugin import grad_mode

    spec, case, dtype = param
    compiled = grad_mode(request.config) == "compiled"
    _run(request, functools.partial(grad_case, compiled=compiled), backend, spec, case, dtype, "grad")


@pytest.mark.parametrize("param", _RULE_CASES, ids=_id)
def test_grad_rule(request, backend, param):
    """The gradient rule the grad tier trusts, against finite differences of the float64
    reference (the same for every backend: it checks the spec, not the backend)."""
    spec, case, dtype = param
    result = rule_case(spec, case, dtype)
    request.node._dlx_result = {k: v for k, v in dataclasses.asdict(result).items()}
    assert result.ok, f"{spec.name} [{case.name}] gradient rule disagrees with finite differences: {result.detail}"


@pytest.fixture(scope="session")
def distribution_tier(request, backend):
    """The distribution tier's results on this backend (one N-device job for every kind)."""
    from dlx_conformance import distribution

    if not backend.capabilities.distribution:
        pytest.skip(f"distribution: {backend.capabilities.reason('distribution')}")
    return distribution.run(backend, request.config.getoption("--dlx-distribution-devices"))


@pytest.mark.parametrize("kind", KINDS)
def test_distribution(request, distribution_tier, kind):
    result = distribution_tier[kind]
    if isinstance(result, str):
        pytest.skip(f"{kind}: {result}")
    request.node._dlx_result = {"op": kind, "dtype": "float32", "tier": "distribution",
                                **dataclasses.asdict(result)}
    assert result.ok, f"{kind} on {result.devices} devices disagrees with 1 device: {result.detail}"
