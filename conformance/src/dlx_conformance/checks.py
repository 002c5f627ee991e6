"""Runs one op case on a backend and measures it against the exact oracle (PARITY.md).

* value tier: ``out = op(*args)`` on the backend vs an independent high-precision oracle where one
  exists (:mod:`dlx_conformance.oracles`: mpmath, exactly rounded sums), else the reference
  evaluated in float64;
* gradient tier: the backend's own autodiff VJP (``value_and_grad`` of ``sum(op(*args) * g)``)
  vs the spec's gradient rule evaluated in float64 on the NumPy backend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np

from dlx import dtypes, ops
from dlx import tree_util as tree
from dlx.backend import registry
from dlx.backends.numpy.autodiff import reference_vjp
from dlx.ops import tolerance as T
from dlx.ops.defs._common import rng_for
from dlx.ops.defs.search import DataDependentShapeError
from dlx.ops.spec import REGISTRY, Case, OpSpec
from dlx_conformance import oracles


@dataclasses.dataclass
class CaseResult:
    """The outcome of one measured case of one op (a row of the conformance report).

    Arguments:
        op: the op's name.
        case: the case's name (one of the spec's ``cases``).
        dtype: the dtype the case ran in.
        tier: ``"value"`` (outputs against the oracle), ``"grad"`` (the backend's gradients against
            the spec's rule) or ``"rule"`` (the rule against finite differences).
        ok: whether the case is within its tolerance.
        metric: the worst error in the tolerance's own units (ULPs for elementwise classes, kappa for
            accumulation classes, the error over its bound for the ``"rule"`` tier); ``inf`` for a
            mismatch no tolerance measures (number of outputs, dtype, shape, NaN/inf placement,
            integer values).
        allclose_1e7: whether every output is within ``rtol = atol = 1e-7`` of the exact result
            rounded to the output's dtype.
        tolerance: the tolerance applied, as text (its class, or ``"finite differences"``).
        detail: what went wrong (empty when ``ok``), or why the case was skipped or allowed.
    """
    op: str
    case: str
    dtype: str
    tier: str
    ok: bool
    metric: float
    allclose_1e7: bool
    tolerance: str
    detail: str = ""


def iter_cases(names=None) -> Iterator[tuple[OpSpec, Case, str]]:
    """Every ``(spec, case, dtype)`` the conformance suite measures, ops in name order.

    Arguments:
        names: op names to keep (``None``: every registered op).

    Yields:
        ``(spec, case, dtype)``: the op's :class:`~dlx.ops.OpSpec`, one of its cases and one of that
        case's dtypes.
    """
    for name in sorted(REGISTRY):
        if names and name not in names:
            continue
        spec = REGISTRY[name]
        for case in spec.cases:
            for dt in case.dtypes:
                yield spec, case, dt


def _up(x):
    """float16/32 arrays -> float64 (the oracle's precision); everything else unchanged."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        return x.astype(np.float64)
    if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
        return type(x)(_up(v) for v in x)
    return x


class Float64Unavailable(Exception):
    """Raised by :func:`value_case` when a case's output is float64 (``cast(x, "float64")`` of a
    float32 input) on a backend whose capabilities say it has no float64: the case does not apply
    to it (the suite skips it), as float64 inputs do not."""


def make_inputs(spec, case, dtype):
    rng = rng_for(spec.name, case.name, dtype)
    return case.make(rng, dtype)


def oracle_inputs(spec, args, kwargs, dtype):
    """Inputs for the exact oracle: float arrays in float64; Python floats passed as tensors are
    first rounded to the case dtype (a weak scalar takes the tensor's dtype on every backend)."""
    if spec.exact_in_dtype:
        return args, kwargs
    names = list(spec.signature.parameters)

    def fix(name, value):
        if name in spec.tensors and type(value) is float and dtype in ("float16", "float32"):
            value = float(np.dtype(dtype).type(value))
        return _up(value)

    args = tuple(fix(names[i] if i < len(names) else None, a) for i, a in enumerate(args))
    return args, {k: fix(k, v) for k, v in kwargs.items()}


def _to_backend(backend, spec, args, kwargs):
    """Tensor parameters become backend tensors (same dtype); static values stay as they are."""
    bound = spec.signature.bind(*args, **kwargs)

    def conv(v):
        if isinstance(v, np.ndarray):
            return backend.convert_to_tensor(v, dtypes.standardize(v.dtype))
        return v

    for name, value in bound.arguments.items():
        if name in spec.tensors:
            bound.arguments[name] = conv(value)
        elif name in spec.tensor_lists:
            bound.arguments[name] = type(value)(conv(v) for v in value)
    return bound.args, bound.kwargs


def _leaves_np(backend, out):
    return [np.asarray(backend.to_numpy(v)) for v in tree.leaves(out)]


def _context(spec, args64, kwargs, exact, index):
    ctx = T.Context(args=args64, kwargs=kwargs, exact=exact, reference=spec.reference)
    ctx.index = index
    if index is not None:
        ref = spec.reference

        def pick(*a, **k):
            return ref(*a, **k)[index]
        ctx.reference = pick
    return ctx


def _flush_subnormals(x):
    """Subnormal float inputs as ±0 (what flush-to-zero/denormals-are-zero hardware reads)."""
    if isinstance(x, np.ndarray) and x.dtype.kind == "f":
        tiny = np.finfo(x.dtype).tiny
        return np.where(np.abs(x) < tiny, np.copysign(np.zeros_like(x), x), x)
    if isinstance(x, (list, tuple)) and any(isinstance(v, np.ndarray) for v in x):
        return type(x)(_flush_subnormals(v) for v in x)
    return x


def _has_subnormals(args, kwargs) -> bool:
    for v in (*args, *kwargs.values()):
        for a in (v if isinstance(v, (list, tuple)) else (v,)):
            if isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size:
                tiny = np.finfo(a.dtype).tiny
                if np.any((a != 0) & (np.abs(a) < tiny)):
                    return True
    return False


def value_case(backend, spec: OpSpec, case: Case, dtype: str, compiled: bool = False) -> CaseResult:
    """Measures one case; where inputs hold subnormals, a backend that reads them as ±0
    (flush-to-zero, PARITY.md's FTZ allowance) is measured against the oracle of the flushed
    inputs instead.

    The backend's output is compared with the exact oracle (an independent high-precision one
    where :mod:`dlx_conformance.oracles` has it, else the NumPy reference in float64) within the
    op's tolerance; its dtype must be the one the NumPy reference gives.

    Arguments:
        backend: the backend under test.
        spec: the op's :class:`~dlx.ops.OpSpec`.
        case: one of ``spec.cases``.
        dtype: the dtype the case runs in.
        compiled: call the op under ``backend.compile`` (its tensor arguments as the compiled
            function's inputs) instead of eagerly; an op whose output shape depends on its
            input's values is still called eagerly.

    Returns:
        A :class:`CaseResult` of tier ``"value"``.
    """
    args, kwargs = make_inputs(spec, case, dtype)
    result = _value_case(backend, spec, case, dtype, args, kwargs, flush=False, compiled=compiled)
    if not result.ok and _has_subnormals(args, kwargs):
        flushed = _value_case(backend, spec, case, dtype, args, kwargs, flush=True, compiled=compiled)
        if flushed.ok:
            flushed.detail = "subnormal inputs read as zero (FTZ/DAZ allowance)"
            return flushed
    return result


def _call(backend, spec, args, kwargs, compiled):
    """The op on backend values, eagerly or (``compiled``) as a compiled function of its tensor
    arguments, the static ones closed over."""
    fn = ops.get_function(spec.name)
    if not compiled:
        return fn(*args, **kwargs)
    bound = spec.signature.bind(*args, **kwargs)
    names = [n for n in bound.arguments if n in spec.tensors or n in spec.tensor_lists]

    def f(*vals):
        bound.arguments.update(zip(names, vals))
        return fn(*bound.args, **bound.kwargs)
    try:
        return backend.compile(f)(*(bound.arguments[n] for n in names))
    except DataDependentShapeError:  # an output shape set by the data: called eagerly instead
        return fn(*args, **kwargs)


def _value_case(backend, spec, case, dtype, args, kwargs, flush, compiled=False) -> CaseResult:
    with registry.use("numpy"):
        expected = spec.reference(*args, **kwargs)
        if flush:
            fargs = tuple(_flush_subnormals(a) for a in args)
            fkw = {k: _flush_subnormals(v) for k, v in kwargs.items()}
            args64, kw64 = oracle_inputs(spec, fargs, fkw, dtype)
        else:
            args64, kw64 = oracle_inputs(spec, args, kwargs, dtype)
        exact = spec.reference(*args64, **kw64)
    independent = oracles.independent_exact(spec.name, args64, kw64, exact)
    if independent is not None:
        exact = independent
    bargs, bkw = _to_backend(backend, spec, args, kwargs)
    with registry.use(backend):
        out = _call(backend, spec, bargs, bkw, compiled)
    outs = _leaves_np(backend, out)
    exp_leaves = [np.asarray(v) for v in tree.leaves(expected)]
    exact_leaves = [np.asarray(v) for v in tree.leaves(exact)]
    tol = spec.tolerance
    if len(outs) != len(exp_leaves):
        return CaseResult(spec.name, case.name, dtype, "value", False, np.inf, False, repr(tol),
                          f"{len(outs)} output(s); expected {len(exp_leaves)}")
    worst = CaseResult(spec.name, case.name, dtype, "value", True, 0.0, True, repr(tol))
    for i, (o, e, x) in enumerate(zip(outs, exp_leaves, exact_leaves)):
        if dtypes.standardize(o.dtype) != dtypes.standardize(e.dtype):
            if e.dtype in (np.float64, np.complex128) and not backend.capabilities.float64:
                raise Float64Unavailable(f"output {i} is {e.dtype} by the spec's dtype rule; the backend gave "
                                         f"{o.dtype}: {backend.capabilities.reason('float64')}")
            return CaseResult(spec.name, case.name, dtype, "value", False, np.inf, False, repr(tol),
                              f"output {i} has dtype {o.dtype}; the spec's dtype rule gives {e.dtype}")
        if x.dtype.kind == "f" and e.dtype.kind == "f" and x.dtype != e.dtype:
            pass  # exact is float64; compared in the output dtype's units
        elif x.dtype.kind != e.dtype.kind:
            x = x.astype(e.dtype)
        ctx = _context(spec, args64, kw64, x, i if len(outs) > 1 else None)
        v = tol.check(o, x if e.dtype.kind == "f" else x.astype(e.dtype), ctx)
        worst.allclose_1e7 &= v.allclose_1e7
        worst.metric = max(worst.metric, v.metric)
        if not v.ok:
            worst.ok = False
            worst.detail = (f"output {i}: " if len(outs) > 1 else "") + v.detail
            break
    return worst


def named_cases(backend, op: str, names, compiled: bool = False, dtypes=None) -> list[CaseResult]:
    """The value tier, and the gradient tier where a case has one, of ``op``'s cases ``names`` in
    each of their dtypes on ``backend``: how a plugin's own tests pin cases of the suite.

    Arguments:
        backend: the backend under test.
        op: the op's name.
        names: names of its cases.
        compiled: run both tiers under ``backend.compile`` instead of eagerly.
        dtypes: the dtypes to run (``None``: each case's own).

    Returns:
        The :class:`CaseResult` of every check.
    """
    spec = REGISTRY[op]
    results = []
    for case in spec.cases:
        if case.name in names:
            for dt in (d for d in case.dtypes if dtypes is None or d in dtypes):
                results.append(value_case(backend, spec, case, dt, compiled=compiled))
                if case.grad and spec.grad is not None:
                    results.append(grad_case(backend, spec, case, dt, compiled=compiled))
    return results


def _is_float_array(v) -> bool:
    return isinstance(v, np.ndarray) and v.dtype.kind == "f"


def differentiable_params(spec, args, kwargs):
    bound = spec.signature.bind(*args, **kwargs)
    names = []
    for name, value in bound.arguments.items():
        if (name in spec.tensors and _is_float_array(value)) or (
                name in spec.tensor_lists and all(_is_float_array(v) for v in value)):
            names.append(name)
    return names


def grad_case(backend, spec: OpSpec, case: Case, dtype: str, compiled: bool = False) -> CaseResult:
    """Checks one case's gradients on ``backend`` against the float64 NumPy oracle.

    The backend's VJP (its own autodiff) of a random cotangent is compared with the oracle's
    gradient of every differentiable argument, within the op's gradient tolerance.

    Arguments:
        backend: the backend under test.
        spec: the op's :class:`~dlx.ops.OpSpec`.
        case: one of ``spec.cases``.
        dtype: the dtype the case runs in.
        compiled: run ``value_and_grad`` under ``backend.compile`` (one compiled function per
            case, as in a compiled training step) instead of op by op; an op whose output shape
            depends on its input's values (it cannot be compiled) is still measured op by op.

    Returns:
        A :class:`CaseResult` of tier ``"grad"``.
    """
    args, kwargs = make_inputs(spec, case, dtype)
    names = differentiable_params(spec, args, kwargs)
    tol = spec.grad_tolerance or T.Normwise(16)
    with registry.use("numpy"):
        out = spec.reference(*args, **kwargs)
    rng = rng_for(spec.name, case.name, dtype, "cotangent")
    g = tree.map_structure(lambda o: rng.standard_normal(np.shape(o)).astype(o.dtype), out)
    bound = spec.signature.bind(*args, **kwargs)

    # backend: VJP through its own autodiff
    def f(*diff):
        b = spec.signature.bind(*args, **kwargs)
        b.arguments.update(dict(zip(names, diff)))
        a, k = _to_backend(backend, spec, b.args, b.kwargs)
        y = ops.get_function(spec.name)(*a, **k)
        total = None
        for yl, gl in zip(tree.leaves(y), tree.leaves(g)):
            term = ops.sum(ops.multiply(yl, backend.convert_to_tensor(gl, dtype)))
            total = term if total is None else total + term
        return total

    diff_inputs = []
    for n in names:
        v = bound.arguments[n]
        if n in spec.tensor_lists:
            diff_inputs.append([backend.convert_to_tensor(t, dtype) for t in v])
        else:
            diff_inputs.append(backend.convert_to_tensor(v, dtype))
    with registry.use(backend):
        vg = backend.value_and_grad(f, argnums=tuple(range(len(names))))
        try:
            _, grads = (backend.compile(vg) if compiled else vg)(*diff_inputs)
        except DataDependentShapeError:  # an output shape set by the data: measured op by op instead
            _, grads = vg(*diff_inputs)

    # oracle: the spec's rule in float64
    args64, kw64 = oracle_inputs(spec, args, kwargs, dtype)
    with registry.use("numpy"):
        out64 = spec.reference(*args64, **kw64)
        g64 = tree.map_structure(lambda a: np.asarray(a, np.float64), g)
        ref = reference_vjp(spec, g64, out64, args64, kw64)
    result = CaseResult(spec.name, case.name, dtype, "grad", True, 0.0, True, repr(tol))
    for n, gb in zip(names, grads):
        want = ref.get(n)
        got_leaves = _leaves_np(backend, gb)
        want_leaves = tree.leaves(want) if want is not None else [np.zeros_like(x) for x in got_leaves]
        for j, (o, w) in enumerate(zip(got_leaves, want_leaves)):
            w = np.zeros(o.shape) if w is None else np.asarray(w, np.float64)
            ctx = T.Context(args=args64, kwargs=kw64, exact=w, reference=spec.reference)
            v = tol.check(o.astype(dtypes.to_numpy_dtype(dtype)), w, ctx)
            result.metric = max(result.metric, v.metric)
            result.allclose_1e7 &= v.allclose_1e7
            if not v.ok:
                result.ok = False
                result.detail = f"d/d{n}{f'[{j}]' if len(got_leaves) > 1 else ''}: {v.detail}"
                return result
    return result


def _finite(values) -> bool:
    return all(np.all(np.isfinite(v)) for v in values if isinstance(v, np.ndarray) and v.dtype.kind == "f")


#: ops (or "op/case" for one case) whose gradient rule is deliberately not the derivative of their value
NOT_A_DERIVATIVE = {
    "stop_gradient": "its rule is zero by definition (the value is the identity)",
    "cast/to_half": "a cast to float16 is a step function at float64's resolution (finite differences give 0); "
                    "its rule passes the gradient through, as every framework's cast",
}


def rule_case(spec: OpSpec, case: Case, dtype: str, step: float = 1e-6) -> CaseResult:
    """The spec's gradient rule against central finite differences of its own float64 reference:
    ``<g, J v>`` from the rule vs ``<g, (f(x + h v) - f(x - h v)) / 2h>`` for random ``g`` and ``v``.
    Independent of any backend: it checks the oracle the gradient tier trusts. Cases whose
    inputs or outputs are not finite are skipped (``detail`` says so)."""
    args, kwargs = make_inputs(spec, case, dtype)
    args64, kw64 = oracle_inputs(spec, args, kwargs, "float64")
    names = differentiable_params(spec, args64, kw64)
    result = CaseResult(spec.name, case.name, dtype, "rule", True, 0.0, True, "finite differences")
    why = NOT_A_DERIVATIVE.get(spec.name) or NOT_A_DERIVATIVE.get(f"{spec.name}/{case.name}")
    if why:
        result.detail = f"skipped: {why}"
        return result
    bound = spec.signature.bind(*args64, **kw64)
    inputs = [bound.arguments[n] for n in names]
    flat_in = [v for x in inputs for v in (x if isinstance(x, (list, tuple)) else [x])]
    with registry.use("numpy"), np.errstate(all="ignore"):
        out = spec.reference(*args64, **kw64)
        if not names or not _finite(flat_in) or not _finite(tree.leaves(out)):
            result.detail = "skipped: no finite differentiable input"
            return result
        rng = rng_for(spec.name, case.name, dtype, "finite-differences")
        g = tree.map_structure(lambda o: rng.standard_normal(np.shape(o)), out)
        direction = {n: ([rng.standard_normal(np.shape(t)) for t in bound.arguments[n]] if n in spec.tensor_lists
                         else rng.standard_normal(np.shape(bound.arguments[n]))) for n in names}

        def shifted(sign):
            b = spec.signature.bind(*args64, **kw64)
            for n in names:
                x, d = b.arguments[n], direction[n]
                b.arguments[n] = ([t + sign * step * dt for t, dt in zip(x, d)] if n in spec.tensor_lists
                                  else x + sign * step * d)
            y = spec.reference(*b.args, **b.kwargs)
            return sum(float(np.sum(np.asarray(yl, np.float64) * gl)) for yl, gl in zip(tree.leaves(y), tree.leaves(g)))

        numeric = (shifted(1) - shifted(-1)) / (2 * step)
        vjp = reference_vjp(spec, g, out, args64, kw64)
        analytic = 0.0
        for n in names:
            got = vjp.get(n)
            if got is None:
                continue
            pairs = zip(got, direction[n]) if n in spec.tensor_lists else [(got, direction[n])]
            analytic += sum(float(np.sum(np.asarray(a, np.float64) * d)) for a, d in pairs if a is not None)
        scale = sum(float(np.sum(np.abs(np.asarray(yl, np.float64) * gl)))
                    for yl, gl in zip(tree.leaves(out), tree.leaves(g)))
    err = abs(numeric - analytic)
    # rounding of the two shifted sums (~1e-16 * scale / step) with margin, and FD truncation
    bound_err = 1e-8 * scale + 1e-5 * max(abs(numeric), abs(analytic), 1e-12)
    result.metric = err / bound_err
    if not err <= bound_err:
        result.ok = False
        result.detail = f"rule gives <g, J v> = {analytic!r}; finite differences give {numeric!r}"
    return result
