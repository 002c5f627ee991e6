"""The OpenVINO backend: every dlx op as OpenVINO graph nodes (inference only).

Every kernel *builds graph nodes*: :mod:`dlx_openvino.kernels` holds one graph builder per op, in
one module per op group.

* **Eager calls** wrap the NumPy inputs as graph ``Parameter``\\ s, build a one-op model, compile
  it for the CPU and cache the compiled model keyed by (op, static arguments, input shapes and
  dtypes); a repeated call reuses it and only runs an infer request. Results are NumPy arrays.
* **compile(fn)** traces ``fn`` with :class:`OVTensor` values (symbolic edges): the kernels
  receive them and add nodes, so the whole function becomes ONE ``ov.Model`` per input
  signature, compiled once and cached.

OpenVINO has no automatic differentiation (``training=False``) and its CPU plugin computes
float64 (and int64) in 32 bits (``float64=False``).
"""

from __future__ import annotations

import contextlib
import linecache
import math
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import openvino as ov
import openvino.opset16 as O

from dlx import dtypes
from dlx import tree_util as tree
from dlx.backend.contract import Backend, BackendError, Capabilities
from dlx.ops.spec import REGISTRY
from dlx_openvino import _graph as G
from dlx_openvino.kernels import all_kernels as all_builders

ACCURACY_CONFIG = {"INFERENCE_PRECISION_HINT": "f32", "EXECUTION_MODE_HINT": "ACCURACY"}
PERFORMANCE_CONFIG = {"EXECUTION_MODE_HINT": "PERFORMANCE"}

# parameters the registry lists as tensors that are static here (strings / Python ints)
_STATIC_OVERRIDES = {("cast", "dtype"), ("top_k", "k"), ("einsum", "subscripts")}


class _State:
    """Process-wide: the OpenVINO Core, the compile config, every cache, and counters."""

    def __init__(self):
        self.core = None
        self.performance = False
        self.caches: list[dict] = []
        self.compilations = 0
        self.traces = 0
        self.lock = threading.Lock()

    def get_core(self):
        if self.core is None:
            self.core = ov.Core()
        return self.core

    @property
    def config(self) -> dict:
        return dict(PERFORMANCE_CONFIG if self.performance else ACCURACY_CONFIG)


STATE = _State()

#: id -> the storage array of every live variable. Stored values are read-only (an assign makes a
#: new array), so ``compile()`` bakes them into the model as constants, keyed by their identity
#: (see ``_Compiled``): OpenVINO then folds and re-lays the weights at compile time (a
#: BatchNormalization's statistics fold into the convolution before it).
_STORED: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
#: a stored value of fewer elements that changes between two calls of one compiled function
#: (a counter assigned after each call) is a Parameter of that function from then on, so it is
#: not compiled again each call; a larger one (weights) is
#: baked again after an assign, and becomes a Parameter when it changes in two calls in a row
#: (a stateful RNN's states: new every batch)
BAKE_MIN_SIZE = 1024


#: id -> a writeable view of a stored value's memory, kept here only: OpenVINO shares memory
#: only with writeable arrays, so compile() bakes weights and infer requests read small
#: variables through it without a copy (nothing writes into it: the storage stays immutable)
_SHAREABLE: dict[int, np.ndarray] = {}


def _store(a: np.ndarray) -> np.ndarray:
    """``a`` (a new array nothing else references) as a variable's storage: a read-only view of
    it, registered in ``_STORED``; ``a`` itself, where writeable and C-contiguous (what OpenVINO
    shares), in ``_SHAREABLE`` while the storage lives."""
    storage = a.view() if a.flags.writeable and a.flags.c_contiguous else a
    storage.flags.writeable = False
    key = id(storage)
    _STORED[key] = storage
    if storage is not a:
        _SHAREABLE[key] = a
        weakref.finalize(storage, _SHAREABLE.pop, key, None)
    return storage


def _shareable(a):
    """The writeable view of a stored value (``None`` for any other array)."""
    return _SHAREABLE.get(id(a)) if _STORED.get(id(a)) is a else None


def _baked(a, volatile=False) -> bool:
    """Whether ``compile()`` bakes ``a`` (a variable's storage) as a constant; not where its
    position is ``volatile`` (it changed between calls: ``_Compiled._found_volatile``)."""
    return type(a) is np.ndarray and not volatile and _STORED.get(id(a)) is a


class _Tracing(threading.local):
    """Per thread: ``depth > 0`` while ``compile()`` (or an export) traces a function in this
    thread; kernels then add graph nodes and return OVTensors. Other threads' eager ops are
    never traced into that graph."""

    depth = 0


_TRACING = _Tracing()
#: process-wide count of traces in progress in any thread: the cheap first test on the eager hot
#: path (a thread-local read is only paid while some thread traces)
_TRACES = [0]
_TRACES_LOCK = threading.Lock()


@contextlib.contextmanager
def tracing():
    """Marks this thread as tracing: kernels called in it add graph nodes (OVTensors)."""
    with _TRACES_LOCK:
        _TRACES[0] += 1
    _TRACING.depth += 1
    try:
        yield
    finally:
        _TRACING.depth -= 1
        with _TRACES_LOCK:
            _TRACES[0] -= 1


def set_performance_mode(enabled: bool) -> None:
    """Switches between the accurate defaults (float32 inference, ACCURACY execution mode: the
    PARITY.md obligations) and OpenVINO's fast defaults (bf16 on CPUs that have it, PERFORMANCE
    mode). Clears every compiled-model cache."""
    STATE.performance = bool(enabled)
    for c in STATE.caches:
        c.clear()


def performance_mode() -> bool:
    return STATE.performance


# ------------------------------------------------------------------------------ symbolic tensors
class OVTensor:
    """A traced value: an ``openvino.Output`` with the tensor interface dlx code uses."""

    __slots__ = ("output",)
    __array_ufunc__ = None  # NumPy defers to our reflected operators

    def __init__(self, output):
        self.output = output

    @property
    def shape(self) -> tuple[int, ...]:
        return G.shape(self.output)

    @property
    def dtype(self) -> str:
        return G.dt(self.output)

    @property
    def ndim(self) -> int:
        return G.ndim(self.output)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape))

    def __repr__(self) -> str:
        return f"OVTensor(shape={self.shape}, dtype={self.dtype})"

    def __len__(self) -> int:
        return self.shape[0]

    def __bool__(self):
        raise TypeError("an OpenVINO traced tensor has no concrete value (Python control flow on it cannot "
                        "be traced)")

    def __array__(self, *a, **k):
        raise TypeError("an OpenVINO traced tensor has no concrete value; convert results outside compile()")

    __hash__ = object.__hash__

    @property
    def T(self):
        return _ops().transpose(self)

    def reshape(self, *shape):
        return _ops().reshape(self, shape[0] if len(shape) == 1 else shape)

    def astype(self, dtype):
        return _ops().cast(self, dtype)

    def __getitem__(self, key):
        return _ops().get_item(self, key)


def _ops():
    import dlx.ops

    return dlx.ops


def _binop(name, reflected=False):
    if reflected:
        return lambda self, other: getattr(_ops(), name)(other, self)
    return lambda self, other: getattr(_ops(), name)(self, other)


for _m, _op in [("add", "add"), ("sub", "subtract"), ("mul", "multiply"), ("truediv", "divide"),
                ("floordiv", "floor_divide"), ("mod", "mod"), ("pow", "power"), ("matmul", "matmul"),
                ("and", "bitwise_and"), ("or", "bitwise_or"), ("xor", "bitwise_xor"),
                ("lshift", "left_shift"), ("rshift", "right_shift")]:
    setattr(OVTensor, f"__{_m}__", _binop(_op))
    setattr(OVTensor, f"__r{_m}__", _binop(_op, True))
for _m, _op in [("lt", "less"), ("le", "less_equal"), ("gt", "greater"), ("ge", "greater_equal"),
                ("eq", "equal"), ("ne", "not_equal")]:
    setattr(OVTensor, f"__{_m}__", _binop(_op))
OVTensor.__neg__ = lambda self: _ops().negative(self)
OVTensor.__abs__ = lambda self: _ops().abs(self)
OVTensor.__invert__ = lambda self: (_ops().logical_not(self) if self.dtype == "bool" else _ops().bitwise_invert(self))


# ------------------------------------------------------------------------------ running models
class _Runner:
    """A compiled model and its infer request; ``pos`` are the positions (in the flat tensor
    list) of the values fed to the model's Parameters, in order."""

    __slots__ = ("compiled", "lock", "nout", "pos", "req", "structure")

    def __init__(self, compiled, pos, structure):
        self.lock = threading.Lock()  # one infer request: threads take turns
        self.compiled = compiled
        self.req = compiled.create_infer_request()
        self.pos = pos
        self.nout = len(compiled.outputs)
        self.structure = structure

    def __call__(self, vals):
        req = self.req
        with self.lock:
            # the request reads the inputs' memory in place (shared_memory=True) and does not own
            # it: the contiguous arrays kept here must outlive infer(), or it reads freed memory
            # (wrong results, or a crash, for a model fed transposed weights); a shared tensor
            # must be writeable: a read-only array is copied, but a variable's storage is read
            # through its writeable view (``_shareable``); both are kept here until infer() ends
            keep = []
            for i, p in enumerate(self.pos):
                a = vals[p]
                if type(a) is not np.ndarray or not a.flags.c_contiguous or not a.flags.writeable:
                    shared = _shareable(a) if type(a) is np.ndarray else None
                    a = np.array(a, order="C") if shared is None else shared
                    keep.append(a)
                req.set_input_tensor(i, ov.Tensor(a, shared_memory=True))
            req.infer()
            del keep
            if self.structure is None:
                return _host(req.get_output_tensor(0))
            outs = [_host(req.get_output_tensor(i)) for i in range(self.nout)]
        return tree.unflatten(self.structure, outs)


def _host(t: ov.Tensor) -> np.ndarray:
    """A copy of an output tensor's data; OpenVINO's Python API hands bf16 bits over as a float16
    array: they are viewed as ``ml_dtypes``' bfloat16 (the NumPy dtype dlx uses)."""
    a = t.data
    if a.dtype == np.float16 and t.element_type == ov.Type.bf16:
        a = a.view(np.uint16).view(dtypes.to_numpy_dtype("bfloat16"))
    return a.copy()


def compile_model(model, outputs_structure, pos):
    """Compiles ``model`` with the active config (counted) and returns a runner."""
    with STATE.lock:
        STATE.compilations += 1
    compiled = STATE.get_core().compile_model(model, "CPU", STATE.config)
    return _Runner(compiled, pos, outputs_structure)


def _np_value(v):
    """A tensor argument as something an eager kernel can feed (array) or bake (Python scalar)."""
    if v is None or type(v) in (bool, int, float):
        return v
    if isinstance(v, OVTensor):
        raise TypeError("an OpenVINO traced tensor was passed to an eager op outside compile()")
    if isinstance(v, (list, tuple)):
        return dtypes.python_to_numpy(v)
    return np.asarray(v)


def _sig(v):
    """Cache-key part of one tensor argument."""
    t = type(v)
    if t is np.ndarray:
        return (v.dtype, v.shape)
    if v is None:
        return None
    if t in (bool, int, float):
        return (t, v)
    if isinstance(v, np.generic):
        return (v.dtype, ())
    raise TypeError(f"unsupported tensor argument of type {t.__name__}")


def _freeze(v):
    """A hashable stand-in for a static argument."""
    t = type(v)
    if v is None or t in (bool, int, float, str):
        return v
    if t is tuple or t is list:
        return (t.__name__, tuple(_freeze(x) for x in v))
    if t is slice:
        return ("slice", v.start, v.stop, v.step)
    if isinstance(v, np.ndarray):
        return ("nd", v.dtype.str, v.shape, v.tobytes())
    if isinstance(v, np.generic):
        return v.item()
    if t is dict:
        return ("dict", tuple(sorted((k, _freeze(x)) for k, x in v.items())))
    try:
        hash(v)
    except TypeError:
        return ("repr", repr(v))
    return v


def _to_node(v):
    """Trace mode: a tensor argument as an Output (or a Python scalar, kept weak)."""
    if isinstance(v, OVTensor):
        return v.output
    if v is None or type(v) in (bool, int, float):
        return v
    arr = _np_value(v)
    return O.constant(arr).output(0) if not isinstance(arr, (bool, int, float)) else arr


def _wrap(res):
    if isinstance(res, ov.Output):
        return OVTensor(res)
    if isinstance(res, (list, tuple)):
        return type(res)(_wrap(r) for r in res)
    return res


def _flatten_outputs(res):
    leaves, structure = tree.flatten(res)
    outs = []
    for leaf in leaves:
        if isinstance(leaf, OVTensor):
            leaf = leaf.output
        if not isinstance(leaf, ov.Output):
            leaf = O.constant(np.asarray(leaf, order="C")).output(0)
        outs.append(leaf)
    return outs, structure


class _OpKernel:
    """Shared machinery of one op's kernel: the builder, argument kinds and the model cache."""

    def __init__(self, name, builder, kinds):
        self.name = name
        self.builder = builder
        self.kinds = kinds  # per parameter: "T" tensor, "L" tensor list, "V" *args of tensors, "S" static
        self.cache: dict = {}
        STATE.caches.append(self.cache)

    def call_builder(self, nodes):
        """The builder on the argument nodes (a trailing ``**kwargs`` parameter's dict as keywords)."""
        if self.kinds and self.kinds[-1] == "K":
            return self.builder(*nodes[:-1], **nodes[-1])
        return self.builder(*nodes)

    def trace(self, args):
        nodes = []
        for kind, v in zip(self.kinds, args):
            if kind == "T":
                nodes.append(_to_node(v))
            elif kind == "V":
                nodes.extend(_to_node(x) for x in v)
            elif kind == "L":
                nodes.append(type(v)(_to_node(x) for x in v) if isinstance(v, (list, tuple)) else v)
            else:
                nodes.append(v)
        return _wrap(self.call_builder(nodes))

    def make(self, key, args, vals):
        params, pos, nodes = [], [], []
        flat_i = 0

        def node_for(v):
            nonlocal flat_i
            i = flat_i
            flat_i += 1
            if v is None or type(v) in (bool, int, float):
                return v
            a = np.asarray(v)
            p = O.parameter(list(a.shape), G.ov_type(dtypes.standardize(a.dtype)))
            params.append(p)
            pos.append(i)
            return p.output(0)

        for kind, v in zip(self.kinds, args):
            if kind == "T":
                nodes.append(node_for(v))
            elif kind == "V":
                nodes.extend(node_for(x) for x in v)
            elif kind == "L":
                nodes.append(type(v)(node_for(x) for x in v))
            else:
                nodes.append(v)
        res = self.call_builder(nodes)
        if isinstance(res, ov.Output):
            outs, structure = [res], None
        else:
            outs, structure = _flatten_outputs(res)
        runner = compile_model(ov.Model(outs, params, self.name), structure, tuple(pos))
        self.cache[key] = runner
        return runner


def _kinds(spec):
    kinds = []
    for name, p in spec.signature.parameters.items():
        if (spec.name, name) in _STATIC_OVERRIDES:
            kinds.append("S")
        elif p.kind is p.VAR_POSITIONAL:
            kinds.append("V")
        elif p.kind is p.VAR_KEYWORD:
            kinds.append("K")  # static keyword arguments, passed to the builder as keywords
        elif name in spec.tensor_lists:
            kinds.append("L")
        elif name in spec.tensors:
            kinds.append("T")
        else:
            kinds.append("S")
    return kinds


def make_kernel(spec, builder) -> Callable:
    """The kernel of one op: exactly the spec's signature; eager (cached one-op model) or traced."""
    kinds = _kinds(spec)
    okern = _OpKernel(spec.name, builder, kinds)
    params, args, defaults = [], [], {}
    norm, vals, keys = [], [], []
    star = False
    for i, (name, p) in enumerate(spec.signature.parameters.items()):
        kind = kinds[i]
        if p.kind is p.VAR_POSITIONAL:
            params.append(f"*{name}")
            star = True
        elif p.kind is p.VAR_KEYWORD:
            params.append(f"**{name}")
        else:
            if p.kind is p.KEYWORD_ONLY and not star:
                params.append("*")
                star = True
            text = name
            if p.default is not p.empty:
                defaults[f"_d{i}"] = p.default
                text += f"=_d{i}"
            params.append(text)
        args.append(name)
        if kind == "T":
            norm.append(f"    if type({name}) is not _nd: {name} = _npv({name})")
            vals.append(name)
            keys.append(f"(({name}.dtype, {name}.shape) if type({name}) is _nd else _sig({name}))")
        elif kind in ("L", "V"):
            norm.append(f"    {name} = [_npv(_v) for _v in {name}]")
            vals.append(f"*{name}")
            keys.append(f"len({name})")
            keys.append(f"*[_sig(_v) for _v in {name}]")
        elif kind == "K":
            keys.append(f"_fz(sorted({name}.items()))")
        else:
            keys.append(f"_fz({name})")
    def tup(items):
        return f"({', '.join(items)},)" if items else "()"

    src = [f"def {spec.name}({', '.join(params)}):",
           f"    _args = {tup(args)}",
           "    if _TRS[0] and _TR.depth:",
           "        return _ok.trace(_args)"]
    src += norm
    if norm:
        src.append(f"    _args = {tup(args)}")
    src.append(f"    _vals = {tup(vals)}")
    src.append(f"    _key = {tup(keys)}")
    src.append("    _r = _cache.get(_key)")
    src.append("    if _r is None:")
    src.append("        _r = _ok.make(_key, _args, _vals)")
    src.append("    return _r(_vals)")
    ns = {"_nd": np.ndarray, "_npv": _np_value, "_sig": _sig, "_fz": _freeze, "_TR": _TRACING, "_TRS": _TRACES,
          "_ok": okern, "_cache": okern.cache, **defaults}
    text = "\n".join(src) + "\n"
    filename = f"<dlx_openvino kernel {spec.name}>"  # real source for tracebacks and inspect
    exec(compile(text, filename, "exec"), ns)
    linecache.cache[filename] = (len(text), None, text.splitlines(True), filename)
    fn = ns[spec.name]
    fn.__doc__ = f"OpenVINO kernel of ``{spec.name}``: runs the graph builder :attr:`builder`."
    fn.op_kernel = okern
    fn.builder = builder
    return fn


_KERNELS: dict[str, Callable] | None = None


def kernels() -> dict[str, Callable]:
    global _KERNELS
    if _KERNELS is None:
        import dlx.ops  # noqa: F401  (registers every op)

        # an op without a builder runs its decomposition or the reference fallback (the contract's
        # build_op_table fills both in; the fallback is refused inside compile())
        builders = all_builders()
        _KERNELS = {name: make_kernel(REGISTRY[name], builders[name]) for name in REGISTRY if name in builders}
        _KERNELS.update(_host_draws(_KERNELS))
        _KERNELS.update(_host_fills(_KERNELS))
    return _KERNELS


def _on_host(fn, graph, why: str):
    """``fn`` (a host path of ``graph``'s op) given the graph kernel's attributes and doc."""
    fn.op_kernel, fn.builder = graph.op_kernel, graph.builder
    fn.__doc__ = f"{graph.__doc__} {why}"
    return fn


def _host_draws(made: dict) -> dict[str, Callable]:
    """``random_bits`` / ``random_uniform`` / ``random_normal`` / ``random_truncated_normal``
    called eagerly with a concrete seed (weight initialisation): drawn on the host by the spec's
    blocked NumPy generator and the spec's transforms, which give the reference's values bit for
    bit, instead of compiling a Threefry model per shape (about 110 graph ops) and running
    OpenVINO's integer kernels over millions of counters. Inside ``compile()`` the graph
    builders run as before."""
    from dlx.ops.defs import random as spec

    graph_bits, graph_uniform = made["random_bits"], made["random_uniform"]

    def concrete(seed):
        if _TRACES[0] and _TRACING.depth:
            return None
        seed = _np_value(seed)
        return seed if type(seed) is np.ndarray and seed.shape == (2,) and seed.dtype.kind in "iu" else None

    def random_bits(seed, shape):
        key = concrete(seed)
        if key is None:
            return graph_bits(seed, shape)
        shape = tuple(int(d) for d in shape)
        return spec.counter_bits(key, math.prod(shape)).reshape(shape)

    def random_uniform(seed, shape, minval=0.0, maxval=1.0, dtype=None):
        key = concrete(seed)
        if key is None or type(minval) not in (int, float) or type(maxval) not in (int, float):
            return graph_uniform(seed, shape, minval, maxval, dtype)
        shape = tuple(int(d) for d in shape)
        return spec.counter_uniform(key, math.prod(shape), float(minval), float(maxval), dtype).reshape(shape)

    def normal_like(name, transform):
        graph = made[name]

        def kernel(seed, shape, mean=0.0, stddev=1.0, dtype=None):
            key = concrete(seed)
            if key is None or type(mean) not in (int, float) or type(stddev) not in (int, float):
                return graph(seed, shape, mean, stddev, dtype)
            shape = tuple(int(d) for d in shape)
            return transform(spec.counter_bits(key, math.prod(shape)).reshape(shape), mean, stddev, dtype)

        kernel.__name__ = kernel.__qualname__ = name
        return _on_host(kernel, graph, why)

    why = "Eager draws with a concrete seed run on the host (``_host_draws``)."
    return {"random_bits": _on_host(random_bits, graph_bits, why),
            "random_uniform": _on_host(random_uniform, graph_uniform, why),
            # the spec's transforms of the blocked generator's bits: the reference's values (the
            # graph's erfinv differs from its float64 one by up to an ulp)
            "random_normal": normal_like("random_normal", spec.normal_from_bits),
            "random_truncated_normal": normal_like("random_truncated_normal", spec.truncated_normal_from_bits)}


def _host_fills(made: dict) -> dict[str, Callable]:
    """``zeros`` / ``ones`` called eagerly (weight initialisation: biases, BatchNormalization's
    statistics) are NumPy's ``zeros`` / ``ones`` -- the spec's reference, exact in every dtype --
    instead of compiling a one-op model per shape (about 20 ms each: a ResNet50 built 13 of
    them). The shape's entries are read as ints, as the graph kernel reads them; a dtype with no
    OpenVINO element type (complex) is refused with a TypeError. Inside ``compile()`` the graph
    builders run as before."""
    from dlx_openvino.kernels.shape import _shape_arg

    def host(name, fill):
        graph = made[name]

        def kernel(shape, dtype=None):
            if _TRACES[0] and _TRACING.depth:
                return graph(shape, dtype)
            dtype = dtypes.standardize(dtype or dtypes.floatx())
            if dtype not in G._DLX2TYPE:
                raise TypeError(f"{name}: dtype {dtype!r} has no OpenVINO element type (expected one of "
                                f"{sorted(G._DLX2TYPE)})")
            return np.full(_shape_arg(shape), fill, dtypes.to_numpy_dtype(dtype))

        kernel.__name__ = kernel.__qualname__ = name
        return _on_host(kernel, graph, "Eager calls fill a NumPy array on the host (``_host_fills``).")

    return {"zeros": host("zeros", 0), "ones": host("ones", 1)}


# ------------------------------------------------------------------------------ compile()
def _const_leaves(sigs, baked):
    """Per signature entry: the baked array it stands for (``None`` for the others)."""
    it = iter(baked)
    return [next(it) if s[0] == "const" else None for s in sigs]


class _Compiled:
    """``compile(fn)``: one traced, compiled model per input signature."""

    def __init__(self, backend, fn, static_argnums):
        self.backend = backend
        self.fn = fn
        self.static = frozenset(static_argnums)
        self.cache: dict = {}
        self._latest: dict = {}  # signature with baked weights' shapes -> (key, the baked arrays)
        self._volatile: dict = {}  # treedef -> positions of stored values fed as Parameters
        self._changed_at: dict = {}  # (treedef, position) -> the call that last found it changed
        self._calls = 0
        STATE.caches.append(self.cache)
        self.__wrapped__ = fn
        self.__name__ = getattr(fn, "__name__", "compiled")
        self.__doc__ = getattr(fn, "__doc__", None)

    def _split(self, args, kwargs):
        dyn = tuple(a for i, a in enumerate(args) if i not in self.static)
        statics = tuple(_freeze(a) for i, a in enumerate(args) if i in self.static)
        leaves, treedef = tree.flatten((dyn, kwargs))
        return leaves, treedef, statics

    def __call__(self, *args, **kwargs):
        if _TRACES[0] and _TRACING.depth:  # nested inside another trace in this thread: inline
            return self.fn(*args, **kwargs)
        self._calls += 1
        leaves, treedef, statics = self._split(args, kwargs)
        leaves = [leaf.value if hasattr(leaf, "value") and not isinstance(leaf, np.ndarray)
                  and hasattr(leaf, "assign") else leaf for leaf in leaves]  # a dlx.Variable: its value
        while True:
            arrays, sigs, baked = self._signature(leaves, self._volatile.get(treedef, ()))
            key = (treedef, tuple(sigs), statics, len(args))
            runner = self.cache.get(key)
            if runner is not None or not self._found_volatile(key, baked):
                break
        if runner is None:
            runner = self._trace(key, args, kwargs, leaves, baked)
        return runner(arrays)

    @staticmethod
    def _signature(leaves, volatile):
        """The call's arrays fed to Parameters, its signature entries (one per leaf) and the
        stored values it bakes (keyed by identity)."""
        arrays, sigs, baked = [], [], []
        for i, leaf in enumerate(leaves):
            if type(leaf) in (bool, int, float, str) or leaf is None:
                sigs.append(("py", type(leaf), leaf))
            elif _baked(leaf, i in volatile):  # a variable's value: part of the model
                sigs.append(("const", id(leaf)))
                baked.append(leaf)
            else:
                a = _np_value(leaf)
                arrays.append(a)
                sigs.append((a.dtype, a.shape))
        return arrays, sigs, baked

    @staticmethod
    def _shape_key(key, baked):
        """``key`` with each baked value's identity replaced by its dtype and shape."""
        sigs = tuple(("const", a.dtype, a.shape) if s[0] == "const" else s
                     for s, a in zip(key[1], _const_leaves(key[1], baked)))
        return (key[0], sigs, *key[2:])

    def _found_volatile(self, key, baked) -> bool:
        """Whether baked values changed since the model of the same shapes was baked in a way
        that makes their positions Parameters (``BAKE_MIN_SIZE``); that model is then dropped.
        True if the signature changed."""
        shape_key = self._shape_key(key, baked)
        old = self._latest.get(shape_key)
        if old is None:
            return False
        treedef, sigs = key[0], key[1]
        volatile = set()
        for i, (a, b) in enumerate(zip(_const_leaves(sigs, baked), _const_leaves(sigs, old[1]))):
            if a is None:
                continue
            if a is not b:
                last = self._changed_at.get((treedef, i))
                self._changed_at[treedef, i] = self._calls
                if a.size < BAKE_MIN_SIZE or last == self._calls - 1:
                    volatile.add(i)
        if not volatile:
            return False
        self._volatile.setdefault(treedef, set()).update(volatile)
        self.cache.pop(self._latest.pop(shape_key)[0], None)
        return True

    def _trace(self, key, args, kwargs, leaves, baked=()):
        from dlx.backend import registry

        if baked:
            # one model per signature: a model baked from older weights is dropped with them
            # (the entry holds the arrays, so no id in a live key can be reused)
            shape_key = self._shape_key(key, baked)
            old = self._latest.pop(shape_key, None)
            if old is not None:
                self.cache.pop(old[0], None)
            self._latest[shape_key] = (key, tuple(baked))
        params, new_leaves = [], []
        consts = iter(_const_leaves(key[1], baked))
        for leaf in leaves:
            baked_leaf = next(consts)
            if type(leaf) in (bool, int, float, str) or leaf is None:
                new_leaves.append(leaf)
                continue
            if baked_leaf is not None:
                shared = _shareable(leaf)  # the constant reads the immutable storage's memory
                node = (O.constant(leaf, shared_memory=False) if shared is None
                        else O.constant(shared, shared_memory=True))
                new_leaves.append(OVTensor(node.output(0)))
                continue
            a = _np_value(leaf)
            p = O.parameter(list(a.shape), G.ov_type(dtypes.standardize(a.dtype)))
            params.append(p)
            new_leaves.append(OVTensor(p.output(0)))
        _, treedef, _ = self._split(args, kwargs)
        dyn, kw = tree.unflatten(treedef, new_leaves)
        it = iter(dyn)
        full_args = tuple(a if i in self.static else next(it) for i, a in enumerate(args))
        with STATE.lock:
            STATE.traces += 1
        with tracing(), registry.use(self.backend):
            res = self.fn(*full_args, **kw)
        outs, structure = _flatten_outputs(res)
        runner = compile_model(ov.Model(outs, params, self.__name__), structure, tuple(range(len(params))))
        self.cache[key] = runner
        return runner


# ------------------------------------------------------------------------------ the backend
class OpenVINOBackend(Backend):
    """dlx on OpenVINO: ops are graph nodes; eager calls run cached one-op models, ``compile``
    traces whole functions into one model. Inference only."""

    name = "openvino"
    spec_version = 2
    capabilities = Capabilities(
        training=False, jit=True, float64=False, complex=False,
        reasons={
            "complex": "OpenVINO has no complex element types (its DFT ops take a trailing (real, imag) axis)",
            "training": "OpenVINO is an inference runtime: it has no automatic differentiation",
            "float64": "OpenVINO's CPU plugin computes float64 (and int64) in 32 bits (measured: 1/3 in "
                       "'float64' is off by 1e-8); float64 inputs are accepted but computed in float32 (so a "
                       "float64 -> float16 / bfloat16 cast rounds twice: docs/parity.md)",
            "distribution": "OpenVINO is an inference runtime: it has no sharding or collectives for training",
        })
    xfail_file = str(Path(__file__).with_name("xfails.txt"))

    def framework_version(self) -> str:
        return ov.__version__.split("-")[0]

    def device(self) -> str:
        return "cpu"

    def devices(self) -> list[str]:
        return [d.lower() for d in STATE.get_core().available_devices if d.upper().startswith("CPU")] or ["cpu"]

    def configure_numerics(self) -> None:
        """PARITY.md: float32 inference precision and the ACCURACY execution mode (OpenVINO
        defaults to bf16 on this CPU); the graph rewrites live in the kernels."""
        STATE.performance = False
        STATE.get_core()

    def native_kernels(self) -> dict[str, Callable]:
        return dict(kernels())

    # -- tensors ------------------------------------------------------------------------------
    def convert_to_tensor(self, x, dtype=None):
        if isinstance(x, OVTensor):
            return x if dtype is None or x.dtype == dtypes.standardize(dtype) else _ops().cast(x, dtype)
        if dtype is not None:
            return np.asarray(x, dtype=dtypes.to_numpy_dtype(dtype))
        if isinstance(x, np.ndarray):
            return x
        if isinstance(x, (bool, int, float)) or (isinstance(x, (list, tuple)) and not hasattr(x, "shape")):
            return dtypes.python_to_numpy(x)
        return np.asarray(x)

    def to_numpy(self, x) -> np.ndarray:
        if isinstance(x, OVTensor):
            raise TypeError("a traced OpenVINO tensor has no value; return it from the compiled function")
        if type(x) is np.ndarray and _STORED.get(id(x)) is x:
            return x.copy()  # a variable's read-only storage: the caller gets its own array
        return np.asarray(x)

    def is_tensor(self, x) -> bool:
        return isinstance(x, (np.ndarray, np.generic, OVTensor))

    # -- autodiff and compilation ---------------------------------------------------------------
    def value_and_grad(self, fn: Callable, argnums=0, has_aux: bool = False) -> Callable:
        raise BackendError("value_and_grad: OpenVINO is an inference runtime: it has no automatic "
                           "differentiation (the 'openvino' backend declares training=False); train on "
                           "another backend and run the weights here")

    def compile(self, fn: Callable, *, donate_argnums=(), static_argnums=(), jit: bool = True) -> Callable:
        """Traces ``fn`` into one OpenVINO model per input signature (shapes, dtypes, static
        arguments and Python scalars), compiles it once and caches it."""
        if not jit:
            return fn
        if isinstance(static_argnums, int):
            static_argnums = (static_argnums,)
        return _Compiled(self, fn, tuple(static_argnums))

    # -- variables --------------------------------------------------------------------------------
    def create_variable(self, value, *, dtype, trainable: bool, name: str):
        return _store(np.array(value, dtype=dtypes.to_numpy_dtype(dtype)))

    def adopt_variable(self, value, *, dtype, trainable: bool, name: str):
        """``value`` itself as the (read-only) storage when it is a C-contiguous NumPy array of
        the variable's dtype -- a built-in initializer's fresh result, which nothing else
        references: ResNet50's 25.6 million initial weights are not copied once more; otherwise
        :meth:`create_variable`."""
        if type(value) is np.ndarray and value.dtype == dtypes.to_numpy_dtype(dtype) and value.flags.c_contiguous:
            return _store(value)
        return self.create_variable(value, dtype=dtype, trainable=trainable, name=name)

    def read_variable(self, storage):
        return storage

    def assign_variable(self, storage, value):
        value = np.array(value, dtype=storage.dtype)  # a new read-only array: compiled models baked the old one
        if value.shape != storage.shape:
            raise ValueError(f"assign: value of shape {value.shape} does not match the variable's shape "
                             f"{storage.shape}")
        return _store(value)

    # -- extras ---------------------------------------------------------------------------------
    @staticmethod
    def stats() -> dict:
        """Counters: models compiled and functions traced since the process started."""
        return {"compilations": STATE.compilations, "traces": STATE.traces}

    @staticmethod
    def set_performance_mode(enabled: bool) -> None:
        set_performance_mode(enabled)


__all__ = ["ACCURACY_CONFIG", "PERFORMANCE_CONFIG", "OVTensor", "OpenVINOBackend", "performance_mode",
           "set_performance_mode"]

