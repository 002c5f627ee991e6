"""The op-spec registry: the single source of truth for every op dlx knows.

An :class:`OpSpec` holds everything a backend, the conformance suite and the docs need:

* the **signature** (that of the NumPy reference function);
* which parameters are **tensors** (``tensors``) or sequences of tensors (``tensor_lists``);
* the **NumPy reference** -- dtype generic: run on float64 it is the oracle, run on float32 it is
  the NumPy backend's kernel. It also fixes the **dtype rule** and, run on probe arrays, the
  **shape rule** for symbolic tensors with unknown dims (see :mod:`dlx.ops.symbolic`);
* an optional **gradient rule** ``grad(g, out, *args, **kwargs)`` written in ``dlx.ops`` that
  returns one cotangent per tensor parameter (``None`` where not differentiable);
* an optional **decomposition** into other ops (a backend without a native kernel gets it free);
* **named cases** (deterministic inputs, including edge values) and a **tolerance class**
  (``dlx.ops.tolerance``, see PARITY.md);
* ``since``: the spec version that introduced the op.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
from collections.abc import Callable, Sequence
from typing import Any

SPEC_VERSION = 2

REGISTRY: dict[str, OpSpec] = {}


@dataclasses.dataclass(frozen=True)
class Case:
    """One deterministic input set for an op.

    ``make(rng, dtype)`` returns ``(args, kwargs)`` of NumPy arrays / Python values; ``dtypes``
    lists the dtypes the case runs in; ``grad`` says whether the gradient tier uses it.

    Arguments:
        name: the case's name, unique among the op's cases (it names the conformance tests).
        make: a callable ``make(rng, dtype) -> (args, kwargs)`` building the inputs from a
            ``numpy.random.Generator`` and a dtype name.
        dtypes: the dtypes the case runs in (an empty tuple: no test is generated from it).
        grad: whether the gradient tier checks the op's gradient on this case.
    """

    name: str
    make: Callable[[Any, str], tuple[tuple, dict]]
    dtypes: tuple[str, ...] = ("float32", "float64")
    grad: bool = True


@dataclasses.dataclass(eq=False)
class OpSpec:
    """Everything dlx knows about one op (see the module's notes); :func:`op` builds them.

    Arguments:
        name: the op's name (its public function's name).
        group: its Keras group (``"numpy"``, ``"nn"``, ``"linalg"``, ``"image"``, ``"math"``,
            ``"core"``, ``"einops"``), or dlx's ``"random"`` / ``"internal"``.
        reference: the NumPy reference function.
        signature: the reference's signature, which the public function copies.
        tensors: the names of the tensor parameters.
        tensor_lists: the names of the parameters that take sequences of tensors.
        tolerance: the tolerance class the conformance suite compares outputs with.
        cases: the op's named :class:`Case` inputs.
        grad: the gradient rule ``grad(g, out, *args, **kwargs)`` (``None``: not differentiable).
        decomposition: the op written in other ops, for backends without a kernel (``None``:
            none).
        validate: a callable run on the arguments before each call (``None``: none); it raises
            for invalid ones.
        grad_tolerance: the tolerance of the gradient tier (``None``: ``Normwise(16)``).
        since: the spec version that introduced the op.
        doc: the public function's docstring (the reference's).
        exact_in_dtype: whether the oracle runs in the case's dtype instead of float64 (for
            results that depend on the dtype).
    """

    name: str
    group: str
    reference: Callable
    signature: inspect.Signature
    tensors: tuple[str, ...]
    tensor_lists: tuple[str, ...]
    tolerance: Any
    cases: tuple[Case, ...]
    grad: Callable | None = None
    decomposition: Callable | None = None
    validate: Callable | None = None
    grad_tolerance: Any = None
    since: int = 1
    doc: str = ""
    exact_in_dtype: bool = False  # the oracle runs in the case dtype (dtype-dependent results)

    @property
    def differentiable(self) -> bool:
        return self.grad is not None

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names, in signature order."""
        names = self.__dict__.get("_params")
        if names is None:
            names = self.__dict__["_params"] = param_names(self.reference) if self.__dict__.get(
                "_signature") is None else tuple(self.signature.parameters)
        return names

    def __repr__(self) -> str:
        return f"OpSpec({self.name!r}, group={self.group!r}, tolerance={self.tolerance!r})"


def _lazy_field(name: str, compute: Callable, doc: str) -> property:
    """A property for the dataclass field ``name``: ``None`` (as :func:`op` passes it) means
    "``compute(spec)`` on first read", which is then kept. Backend selection and the first op read
    only a few of the ~380 signatures and docstrings, so :func:`op` does not build them all at
    import."""
    attr = f"_{name}"

    def get(self):
        value = self.__dict__.get(attr)
        if value is None:
            value = self.__dict__[attr] = compute(self)
        return value

    def set_(self, value):
        self.__dict__[attr] = value
        if name == "signature":
            self.__dict__.pop("_params", None)

    return property(get, set_, doc=doc)


OpSpec.signature = _lazy_field("signature", lambda spec: inspect.signature(spec.reference),
                               "The reference's :class:`inspect.Signature` (built on first read).")
OpSpec.doc = _lazy_field("doc", lambda spec: inspect.getdoc(spec.reference) or "",
                         "The public function's docstring: the reference's (cleaned on first read).")


def _plain_function(fn) -> bool:
    """Whether ``inspect.signature(fn)`` reads nothing but ``fn``'s code object and defaults: a
    plain Python function that neither wraps another (``__wrapped__``) nor carries its own
    ``__signature__``."""
    return type(fn) is types.FunctionType and "__wrapped__" not in fn.__dict__ and "__signature__" not in fn.__dict__


def param_names(fn: Callable) -> tuple[str, ...]:
    """``tuple(inspect.signature(fn).parameters)``, read straight from the code object for plain
    Python functions (a fraction of the cost: backend selection checks ~300 kernels with it).

    Arguments:
        fn: any callable :func:`inspect.signature` accepts.

    Returns:
        The parameter names in signature order: positional ones, ``*args``, keyword-only ones,
        ``**kwargs``.

    Raises:
        TypeError, ValueError: as :func:`inspect.signature` does, for a callable it cannot read.
    """
    if not _plain_function(fn):
        return tuple(inspect.signature(fn).parameters)
    code = fn.__code__
    names = code.co_varnames
    n_pos, n_kw = code.co_argcount, code.co_kwonlyargcount
    out = list(names[:n_pos])
    i = n_pos + n_kw
    if code.co_flags & inspect.CO_VARARGS:
        out.append(names[i])
        i += 1
    out += names[n_pos:n_pos + n_kw]
    if code.co_flags & inspect.CO_VARKEYWORDS:
        out.append(names[i])
    return tuple(out)


def _required_positional(fn, sig) -> tuple[str, ...]:
    """The positional parameters without a default value (``sig``: ``fn``'s signature, or
    ``None`` for a plain function, read from its code object)."""
    if sig is None:
        code = fn.__code__
        return code.co_varnames[:code.co_argcount - len(fn.__defaults__ or ())]
    return tuple(p.name for p in sig.parameters.values()
                 if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def op(
    group: str,
    tol,
    cases: Sequence[Case] = (),
    *,
    grad: Callable | None = None,
    tensors: Sequence[str] | None = None,
    tensor_lists: Sequence[str] = (),
    decomposition: Callable | None = None,
    validate: Callable | None = None,
    grad_tol=None,
    name: str | None = None,
    since: int = 1,
    exact_in_dtype: bool = False,
):
    """Registers the decorated NumPy reference as an op.

    ``tensors`` defaults to the parameters that have no default value (minus ``tensor_lists``).

    Arguments:
        group: the op's group (see :class:`OpSpec`); ``"image"`` ops are public only in
            ``dlx.ops.image``.
        tol: the tolerance class its outputs are compared with (:mod:`dlx.ops.tolerance`).
        cases: its named :class:`Case` inputs.
        grad: the gradient rule ``grad(g, out, *args, **kwargs)``, returning one cotangent per
            tensor parameter (``None``: not differentiable).
        tensors: the names of the tensor parameters (``None``: those without a default, as
            above).
        tensor_lists: the names of the parameters that take sequences of tensors.
        decomposition: the op written in other ops (``None``: none).
        validate: a callable run on the arguments before each call (``None``: none).
        grad_tol: the gradient tier's tolerance (``None``: the suite's default).
        name: the op's name (``None``: the function's name without trailing underscores).
        since: the spec version that introduced the op.
        exact_in_dtype: whether the oracle runs in the case's dtype instead of float64.

    Returns:
        A decorator that registers the function as an op (in ``REGISTRY``) and returns the
        function unchanged.

    Raises:
        ValueError: at decoration, when an op of that name is already registered or a name in
            ``tensors`` / ``tensor_lists`` is not a parameter.

    >>> from dlx.ops import tolerance as T
    >>> @op("numpy", T.E0, name="_doc_example_negate")
    ... def negate(x):
    ...     return -x
    >>> REGISTRY["_doc_example_negate"].tensors
    ('x',)
    >>> del REGISTRY["_doc_example_negate"]
    """

    def deco(fn: Callable) -> Callable:
        opname = name or fn.__name__.rstrip("_")
        if opname in REGISTRY:
            raise ValueError(f"op {opname!r} is registered twice")
        # a plain function's parameters come from its code object; its Signature is built on
        # first read (most never are: selection and the first op need a handful)
        sig = None if _plain_function(fn) else inspect.signature(fn)
        names = param_names(fn) if sig is None else tuple(sig.parameters)
        if tensors is None:
            ts = tuple(t for t in _required_positional(fn, sig) if t not in tensor_lists)
        else:
            ts = tuple(tensors)
        unknown = [t for t in (*ts, *tensor_lists) if t not in names]
        if unknown:
            raise ValueError(f"op {opname!r}: tensor parameters {unknown} are not in "
                             f"{sig if sig is not None else inspect.signature(fn)}")
        spec = OpSpec(
            name=opname, group=group, reference=fn, signature=sig, tensors=ts,
            tensor_lists=tuple(tensor_lists), tolerance=tol, cases=tuple(cases), grad=grad,
            decomposition=decomposition, validate=validate, grad_tolerance=grad_tol,
            since=since, doc=None, exact_in_dtype=exact_in_dtype,
        )
        spec.__dict__["_params"] = names
        REGISTRY[opname] = spec
        return fn

    return deco


def get_spec(name: str) -> OpSpec:
    """The registered :class:`OpSpec` of the op ``name`` (its signature, dtype rules, gradient).

    Arguments:
        name: the op's name.

    Returns:
        ``REGISTRY[name]``, the op's :class:`OpSpec`.

    >>> from dlx import ops
    >>> ops.get_spec("add").name
    'add'

    Raises:
        KeyError: when no op of that name is registered.
    """
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no op named {name!r} is registered") from None
