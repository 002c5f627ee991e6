"""Python operators for dlx's tensor-like types, from one table.

Symbolic tensors, variables and the NumPy backend's autodiff tracers all get the same operators,
each dispatching to a ``dlx.ops`` function: arithmetic (both sides), comparisons, ``& | ^ ~`` as
logical ops (as Keras maps them), ``-x``, ``+x``, ``abs(x)``, ``x[key]`` and ``x.T``.

One difference is deliberate and follows Keras: ``==`` is elementwise for values (variables,
tracers) but stays identity for symbolic tensors, which must remain usable as dict keys while a
graph is built (``!=`` is elementwise for all three, as in Keras).
"""

from __future__ import annotations

from collections.abc import Callable

BINARY = {"add": "add", "sub": "subtract", "mul": "multiply", "truediv": "divide", "floordiv": "floor_divide",
          "mod": "mod", "pow": "power", "matmul": "matmul",
          "and": "logical_and", "or": "logical_or", "xor": "logical_xor"}
COMPARISON = {"lt": "less", "le": "less_equal", "gt": "greater", "ge": "greater_equal", "ne": "not_equal"}
UNARY = {"neg": "negative", "abs": "abs", "invert": "logical_not"}


def install(cls: type, read: Callable | None = None, *, elementwise_eq: bool) -> None:
    """Gives ``cls`` the operator table; ``read(obj)`` is the value an operand stands for
    (default: the object itself). ``elementwise_eq`` makes ``==`` an op (identity otherwise);
    instances stay hashable by identity either way."""
    from dlx.ops import op_functions as ops

    read = read or (lambda s: s)

    def binary(fn):
        return lambda s, o: fn(read(s), o)

    def reflected(fn):
        return lambda s, o: fn(o, read(s))

    for dunder, name in BINARY.items():
        fn = getattr(ops, name)
        setattr(cls, f"__{dunder}__", binary(fn))
        setattr(cls, f"__r{dunder}__", reflected(fn))
    for dunder, name in COMPARISON.items():
        setattr(cls, f"__{dunder}__", binary(getattr(ops, name)))
    if elementwise_eq:
        cls.__eq__ = binary(ops.equal)
    for dunder, name in UNARY.items():
        fn = getattr(ops, name)
        setattr(cls, f"__{dunder}__", lambda s, fn=fn: fn(read(s)))
    cls.__pos__ = lambda s: read(s)
    if cls.__hash__ is None:  # a class body defining __eq__ drops the inherited hash
        cls.__hash__ = object.__hash__
    cls.__getitem__ = lambda s, key: ops.get_item(read(s), key)
    cls.T = property(lambda s: ops.transpose(read(s)))
