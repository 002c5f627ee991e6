"""Public op functions: generated once per spec, dispatching with one dict lookup.

Each generated function has the spec's exact signature. A call (1) runs the spec's validator if
it has one, (2) returns a symbolic result if a tensor argument is a
:class:`~dlx.ops.symbolic.SymbolicTensor`, else (3) calls ``STATE.kernels[name](...)`` -- the
active backend's kernel, looked up in a plain dict held by a thread-local
(:mod:`dlx.backend.state`).
"""

from __future__ import annotations

from dlx.backend.state import DEFAULT_KERNELS, PROCESS_DEFAULT, STATE  # noqa: F401  (re-exported)
from dlx.ops.symbolic import Special, SymbolicTensor, infer

_FORMATS = (None, "channels_last", "channels_first")
_AXIS_IN_OUTPUT = {"expand_dims", "stack", "one_hot"}


def _bad(op, name, value, expected):
    raise ValueError(f"{op}: {name}={value!r} is invalid; expected {expected}")


def _check_axis(op, name, value, x=None):
    """Slow path of the inline axis check: ints, or tuples/lists of distinct ints, in range."""
    if isinstance(value, bool) or not isinstance(value, (int, tuple, list)):
        _bad(op, name, value, "None, an int, or a tuple of ints")
    axes = (value,) if isinstance(value, int) else tuple(value)
    if any(isinstance(a, bool) or not isinstance(a, int) for a in axes):
        _bad(op, name, value, "None, an int, or a tuple of ints")
    nd = None
    if x is not None:
        try:
            nd = len(x.shape)
        except (AttributeError, TypeError):
            nd = None
    if nd is not None:
        bad = [a for a in axes if not -nd <= a < nd]
        if bad:
            _bad(op, name, value, f"axes in [-{nd}, {nd}) for an input of rank {nd}")
        if len({a % nd for a in axes}) != len(axes):
            _bad(op, name, value, "distinct axes")
    return value


def _check_dtype(op, name, value):
    from dlx import dtypes

    try:
        return dtypes.standardize(value)
    except (ValueError, TypeError):
        _bad(op, name, value, f"a dtype name such as 'float32' (one of {dtypes.ALL})")


def _inline_checks(spec) -> list[str]:
    """Cheap argument checks compiled into the public function; the fast path is one compare."""
    p = spec.signature.parameters
    op = spec.name
    out = []
    # the tensor whose dims ``axis`` indexes
    first = next((t for t in ("x", "inputs", "output") if t in spec.tensors), None)
    if "axis" in p and first is not None:
        # axis indexes the input (expand_dims/stack/one_hot index the output: shape rules check those)
        ranged = op not in _AXIS_IN_OUTPUT
        n = f"len(getattr({first}, 'shape', ()))"
        rng = f" or axis.__class__ is int and not -{n} <= axis < ({n} or 1)" if ranged else ""
        ref = f"{first} if hasattr({first}, 'shape') else None" if ranged else "None"
        out.append(f"    if axis is not None and axis.__class__ is not int{rng}:\n"
                   f"        _check_axis({op!r}, 'axis', axis, {ref})")
    if "keepdims" in p:
        out.append(f"    if keepdims is not False and keepdims is not True:\n"
                   f"        _bad({op!r}, 'keepdims', keepdims, 'True or False')")
    if "padding" in p and op not in ("pad", "fold", "unfold"):  # theirs are widths, not a mode
        out.append(f"    if padding != 'valid' and padding != 'same':\n"
                   f"        if str(padding).lower() in ('valid', 'same'):\n"
                   f"            padding = str(padding).lower()\n"
                   f"        else:\n"
                   f"            _bad({op!r}, 'padding', padding, \"'valid' or 'same'\")")
    if "data_format" in p:
        out.append(f"    if data_format not in _FORMATS:\n"
                   f"        _bad({op!r}, 'data_format', data_format, \"'channels_last' or 'channels_first'\")")
    if "dtype" in p:
        out.append("    if dtype is not None:\n"
                   f"        dtype = _DTYPES.get(dtype) if dtype.__hash__ is not None and dtype in _DTYPES "
                   f"else _check_dtype({op!r}, 'dtype', dtype)")
    return out


def function_source(spec) -> str:
    """The Python source of ``spec``'s public function: its exact signature, the inline argument
    checks, the symbolic slow path, then one dict lookup in the active backend's kernel table.

    Defaults are written as literals, so the source stands on its own (it is what
    :mod:`dlx.ops.op_functions` holds, and what :func:`make_public` compiles for ops registered
    after that module was generated).
    """
    sig = spec.signature
    params = []
    call = []
    for p in sig.parameters.values():
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
            if eval(repr(p.default)) != p.default:
                raise ValueError(f"op {spec.name!r}: default {p.name}={p.default!r} is not a literal")
            text += f"={p.default!r}"
        params.append(text)
        call.append(f"{p.name}={p.name}" if p.kind is p.KEYWORD_ONLY else p.name)
    checks = [f"isinstance({t}, _Special)" for t in spec.tensors]
    for t in spec.tensor_lists:
        checks.append(f"_any_special({t})")
    args_src = ", ".join(call)
    lines = [f"def {spec.name}({', '.join(params)}):"]
    doc = (spec.doc or f"The ``{spec.name}`` op.").replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    body = "\n".join(f"    {line}" if line.strip() else "" for line in doc.splitlines()).strip()
    lines.append(f'    """{body}' + ('\n    """' if "\n" in body else '"""'))
    lines += _inline_checks(spec)
    if spec.validate is not None:
        lines.append(f"    _REGISTRY[{spec.name!r}].validate({args_src})")
    if checks:
        lines.append(f"    if {' or '.join(checks)}:")
        lines.append(f"        return _slow(_REGISTRY[{spec.name!r}], ({_pos_src(sig)}), {{{_kw_src(sig)}}})")
    lines.append(f"    return _STATE.kernels[{spec.name!r}]({args_src})")
    return "\n".join(lines) + "\n"


def _any_special(items) -> bool:
    """Whether a sequence argument holds a symbolic tensor or a variable."""
    return any(isinstance(t, Special) for t in items)


# the globals op functions use, by the names their source uses (op names shadow builtins such as
# ``any`` and ``abs`` in the generated module, so the source calls none that an op could shadow)
RUNTIME_NAMES = {"_Special": "Special", "_slow": "slow_path", "_STATE": "STATE", "_bad": "_bad",
                 "_check_axis": "_check_axis", "_check_dtype": "_check_dtype", "_FORMATS": "_FORMATS",
                 "_any_special": "_any_special"}
_SOURCE_BUILTINS = ("isinstance", "len", "getattr", "hasattr", "str")


def runtime_namespace() -> dict:
    """The globals op functions run with."""
    from dlx.ops.spec import REGISTRY

    ns = {local: globals()[name] for local, name in RUNTIME_NAMES.items()}
    ns.update(_DTYPES=_dtypes_by_spelling(), _REGISTRY=REGISTRY)
    return ns


def make_public(spec):
    """Compiles the public function of an op registered after :mod:`dlx.ops.op_functions` was
    generated (a third party's, a test's). Its source is registered with :mod:`linecache` under
    a ``<dlx.ops NAME>`` file name, so tracebacks and :func:`inspect.getsource` show it."""
    import linecache

    src = function_source(spec)
    filename = f"<dlx.ops {spec.name}>"
    linecache.cache[filename] = (len(src), None, src.splitlines(True), filename)
    ns = runtime_namespace()
    exec(compile(src, filename, "exec"), ns)
    fn = ns[spec.name]
    fn.__module__ = "dlx.ops"
    fn.spec = spec
    return fn


_DTYPE_TABLE: dict = {}


def _dtypes_by_spelling() -> dict:
    """dtype spellings -> dlx names: one table for every op function, built on first use."""
    if not _DTYPE_TABLE:
        _DTYPE_TABLE.update(_dtype_table())
    return _DTYPE_TABLE


def _dtype_table():
    import numpy as np

    from dlx import dtypes

    table = {}
    for name in dtypes.ALL:
        table[name] = name
        if name != "bfloat16":
            table[np.dtype(name)] = name
            table[np.dtype(name).type] = name
    table.update({float: dtypes.floatx(), int: "int64", bool: "bool"})
    return table


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


def _records_history(args, kwargs) -> bool:
    """Whether the call's symbolic inputs ask for graph nodes (``KerasTensor(record_history=)``)."""
    leaves = [*args, *kwargs.values()]
    flat = [t for v in leaves for t in (v if isinstance(v, (list, tuple)) else (v,))]
    return any(getattr(t, "record_history", True) for t in flat if isinstance(t, SymbolicTensor))


# Set by dlx.layers: records a raw op call on symbolic tensors as a graph node (returns
# NotImplemented when the call is plain shape inference inside a layer).
SYMBOLIC_OP_HOOK = None


def slow_path(spec, args, kwargs):
    """Arguments that are Variables or SymbolicTensors (or lists holding them)."""
    args = tuple(_unwrap(a) for a in args)
    kwargs = {k: _unwrap(v) for k, v in kwargs.items()}
    if any(_has_symbolic(a) for a in args) or any(_has_symbolic(v) for v in kwargs.values()):
        if SYMBOLIC_OP_HOOK is not None and _records_history(args, kwargs):
            out = SYMBOLIC_OP_HOOK(spec, args, kwargs)
            if out is not NotImplemented:
                return out
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
    items = [f"{p.name!r}: {p.name}" for p in sig.parameters.values() if p.kind is p.KEYWORD_ONLY]
    items += [f"**{p.name}" for p in sig.parameters.values() if p.kind is p.VAR_KEYWORD]
    return ", ".join(items)
