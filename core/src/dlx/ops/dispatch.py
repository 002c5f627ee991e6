"""Public op functions: generated once per spec, dispatching with one dict lookup.

Each generated function has the spec's exact signature. A call (1) runs the spec's validator if
it has one, (2) returns a symbolic result if a tensor argument is a
:class:`~dlx.ops.symbolic.SymbolicTensor`, else (3) calls ``_STATE.kernels[name](...)`` -- the
active backend's kernel, looked up in a plain dict held by a thread-local.
"""

from __future__ import annotations

import inspect
import threading

from dlx.ops.symbolic import Special, SymbolicTensor, infer


class _LazyKernels(dict):
    """Placeholder table: the first lookup selects the default backend, then gets out of the way."""

    def __missing__(self, name):
        from dlx.backend import registry

        backend = registry.activate_default()
        return backend.op_table[name]


class _DispatchState(threading.local):
    kernels: dict = _LazyKernels()
    backend = None  # the active Backend instance, once selected


STATE = _DispatchState()


def make_public(spec):
    """Builds the public function for ``spec`` (exec'd source with the exact signature)."""
    sig = spec.signature
    params = []
    call = []
    defaults = {}
    for i, p in enumerate(sig.parameters.values()):
        if p.kind is p.VAR_POSITIONAL:
            params.append(f"*{p.name}")
            call.append(f"*{p.name}")
            continue
        if p.kind is p.VAR_KEYWORD:
            params.append(f"**{p.name}")
            call.append(f"**{p.name}")
            continue
        if p.kind is p.KEYWORD_ONLY and not any(q.startswith("*") for q in params):
            params.append("*")
        text = p.name
        if p.default is not p.empty:
            defaults[f"_d{i}"] = p.default
            text += f"=_d{i}"
        params.append(text)
        call.append(f"{p.name}={p.name}" if p.kind is p.KEYWORD_ONLY else p.name)
    checks = [f"isinstance({t}, _Special)" for t in spec.tensors]
    for t in spec.tensor_lists:
        checks.append(f"any(isinstance(_t, _Special) for _t in {t})")
    args_src = ", ".join(call)
    lines = [f"def {spec.name}({', '.join(params)}):"]
    if spec.validate is not None:
        lines.append(f"    _validate({args_src})")
    if checks:
        lines.append(f"    if {' or '.join(checks)}:")
        lines.append(f"        return _slow(_spec, ({_pos_src(sig)}), {{{_kw_src(sig)}}})")
    lines.append(f"    return _STATE.kernels[{spec.name!r}]({args_src})")
    src = "\n".join(lines)
    ns = {"_Special": Special, "_slow": slow_path, "_spec": spec, "_STATE": STATE,
          "_validate": spec.validate, **defaults}
    exec(compile(src, f"<dlx.ops.{spec.name}>", "exec"), ns)
    fn = ns[spec.name]
    fn.__doc__ = spec.doc
    fn.__module__ = "dlx.ops"
    fn.__qualname__ = spec.name
    fn.spec = spec
    return fn


def _unwrap(v):
    """Variables read their current value; symbolic tensors stay symbolic."""
    if isinstance(v, Special) and not isinstance(v, SymbolicTensor):
        return v.value
    if isinstance(v, (list, tuple)) and any(isinstance(t, Special) for t in v):
        return type(v)(_unwrap(t) for t in v)
    return v


def _has_symbolic(v):
    if isinstance(v, SymbolicTensor):
        return True
    return isinstance(v, (list, tuple)) and any(isinstance(t, SymbolicTensor) for t in v)


def slow_path(spec, args, kwargs):
    """Arguments that are Variables or SymbolicTensors (or lists holding them)."""
    args = tuple(_unwrap(a) for a in args)
    kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
    if any(_has_symbolic(a) for a in args) or any(_has_symbolic(v) for v in kwargs.values()):
        return infer(spec, args, kwargs)
    return STATE.kernels[spec.name](*args, **kwargs)


def _pos_src(sig):
    out = []
    for p in sig.parameters.values():
        if p.kind is p.VAR_POSITIONAL:
            out.append(f"*{p.name}")
        elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            out.append(p.name)
    return ", ".join(out) + ("," if out else "")


def _kw_src(sig):
    return ", ".join(f"{p.name!r}: {p.name}" for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY)
