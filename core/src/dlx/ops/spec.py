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
        return tuple(self.signature.parameters)

    def __repr__(self) -> str:
        return f"OpSpec({self.name!r}, group={self.group!r}, tolerance={self.tolerance!r})"


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
        sig = inspect.signature(fn)
        if tensors is None:
            ts = tuple(
                p.name for p in sig.parameters.values()
                if p.default is inspect.Parameter.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                and p.name not in tensor_lists
            )
        else:
            ts = tuple(tensors)
        unknown = [t for t in (*ts, *tensor_lists) if t not in sig.parameters]
        if unknown:
            raise ValueError(f"op {opname!r}: tensor parameters {unknown} are not in {sig}")
        REGISTRY[opname] = OpSpec(
            name=opname, group=group, reference=fn, signature=sig, tensors=ts,
            tensor_lists=tuple(tensor_lists), tolerance=tol, cases=tuple(cases), grad=grad,
            decomposition=decomposition, validate=validate, grad_tolerance=grad_tol,
            since=since, doc=inspect.getdoc(fn) or "", exact_in_dtype=exact_in_dtype,
        )
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
