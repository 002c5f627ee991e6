"""``vectorize``: NumPy's ``np.vectorize`` for functions written in ``dlx.ops``.

The op returns a function, so (like ``custom_gradient``) its reference is its decomposition,
written in ``dlx.ops``: the inputs are broadcast over their loop dimensions, flattened to one
batch axis and mapped with :func:`~dlx.ops.vectorized_map` (``jax.vmap``, ``torch.vmap``,
``tf.vectorized_map`` where the backend has them, a loop elsewhere); the JAX kernel is
``jnp.vectorize``. ``core/tests/ops/test_vectorize.py`` compares it with ``np.vectorize``.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from dlx import tree_util as tree
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs.control import runs_callables
from dlx.ops.spec import Case, op

_DIMS = r"\((?:\w+(?:,\s*\w+)*)?\)"
_SIGNATURE = re.compile(rf"^\s*{_DIMS}(?:\s*,\s*{_DIMS})*\s*->\s*{_DIMS}(?:\s*,\s*{_DIMS})*\s*$")


def parse_signature(signature: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """The core dimension names of each input and output of a gufunc signature.

    >>> parse_signature("(m,n),(n)->(m)")
    ([('m', 'n'), ('n',)], [('m',)])
    """
    if not isinstance(signature, str) or not _SIGNATURE.match(signature):
        raise ValueError(f"vectorize: signature={signature!r} is not a generalized-ufunc signature such as "
                         "'(m,n),(n)->(m)'")
    ins, outs = signature.split("->")

    def groups(text):
        return [tuple(d.strip() for d in g.split(",") if d.strip()) for g in re.findall(r"\(([^)]*)\)", text)]

    return groups(ins), groups(outs)


def _vectorized_call(pyfunc, excluded, signature, args, kwargs):
    excluded = frozenset(excluded or ())
    pos = [i for i in range(len(args)) if i not in excluded]
    kw = [k for k in kwargs if k not in excluded]
    names = [*pos, *kw]
    values = [tensors.convert_to_tensor(args[i]) for i in pos] + [tensors.convert_to_tensor(kwargs[k]) for k in kw]
    if signature is None:
        in_core, out_core = [()] * len(values), None
    else:
        in_core, out_core = parse_signature(signature)
        if len(in_core) != len(values):
            raise TypeError(f"vectorize: signature={signature!r} names {len(in_core)} input(s); the call passes "
                            f"{len(values)} that are not excluded")
    sizes: dict[str, int] = {}
    loops = []
    for v, core in zip(values, in_core):
        shape = tuple(tensors.shape(v))
        if len(shape) < len(core):
            raise ValueError(f"vectorize: an input of shape {shape} has fewer axes than its core dimensions {core}")
        for d, n in zip(core, shape[len(shape) - len(core):]):
            if sizes.setdefault(d, n) != n:
                raise ValueError(f"vectorize: core dimension {d!r} is {sizes[d]} in one input and {n} in another")
        loops.append(shape[: len(shape) - len(core)])
    loop = np.broadcast_shapes(*loops) if loops else ()
    count = int(np.prod(loop))

    def call(flat):
        a, k = list(args), dict(kwargs)
        for name, v in zip(names, flat):
            if isinstance(name, int):
                a[name] = v
            else:
                k[name] = v
        return pyfunc(*a, **k)

    if not values:
        return pyfunc(*args, **kwargs)
    batched = []
    for v, core in zip(values, in_core):
        core_shape = tuple(tensors.shape(v))[len(tuple(tensors.shape(v))) - len(core):]
        b = K.broadcast_to(v, (*loop, *core_shape))
        batched.append(K.reshape(b, (count, *core_shape)))
    if count == 0:
        raise ValueError("vectorize: the inputs broadcast to an empty loop shape "
                         f"{loop}; there is no element to call the function on (it fixes the output shapes)")
    out = K.vectorized_map(lambda elems: call(list(elems)), tuple(batched))
    leaves, td = tree.flatten(out)
    if out_core is not None and len(out_core) != len(leaves):
        raise ValueError(f"vectorize: signature={signature!r} names {len(out_core)} output(s); the function "
                         f"returned {len(leaves)}")
    shaped = [K.reshape(v, (*loop, *tuple(tensors.shape(v))[1:])) for v in leaves]
    return tree.unflatten(td, shaped)


def _vectorize_case(r, dt):
    return (lambda a, b: K.add(a, b),), {"signature": "(),()->()"}


# vectorize returns a function, which the conformance tiers (arrays in, arrays out) cannot
# compare: its one case documents a call and lists no dtypes, so the suite generates no test from
# it; core/tests/ops/test_vectorize.py checks it against np.vectorize on every backend
@op("numpy", T.Normwise(32), [Case("decorate", _vectorize_case, dtypes=(), grad=False)], tensors=())
@runs_callables
def vectorize(pyfunc, *, excluded=None, signature=None):
    """Turns ``pyfunc`` (written in ``dlx.ops``, on one element or one core block) into a
    function over broadcast tensors, as ``np.vectorize``.

    Arguments:
        pyfunc: the function to vectorize.
        excluded: positions (ints) and keyword names (strings) of arguments passed through
            unchanged instead of being vectorized over.
        signature: a generalized-ufunc signature such as ``"(m,n),(n)->(m)"``: each input's
            trailing core dimensions go to ``pyfunc`` whole; the leading ones are broadcast and
            looped over. ``None``: every input is looped over elementwise.

    Returns:
        A function taking ``pyfunc``'s arguments: it broadcasts the non-excluded ones against
        each other (their loop dimensions), calls ``pyfunc`` on each element or core block
        (through ``vectorized_map``) and returns the results with the loop dimensions in front.
        Calling it raises ``ValueError`` when core dimensions disagree or the loop shape is
        empty, and ``TypeError`` when ``signature`` names another number of inputs.

    Raises:
        TypeError: when ``pyfunc`` is not callable, or ``excluded`` holds something other
            than ints and strings.
        ValueError: when ``signature`` is not a generalized-ufunc signature.

    >>> import dlx
    >>> from dlx import ops
    >>> with dlx.backend.use("numpy"):
    ...     row_norm = ops.vectorize(lambda v: ops.sqrt(ops.sum(v * v)), signature="(n)->()")
    ...     row_norm(ops.convert_to_tensor([[3.0, 4.0], [5.0, 12.0]])).tolist()
    [5.0, 13.0]
    """
    if not callable(pyfunc):
        raise TypeError(f"vectorize: pyfunc={pyfunc!r} is not callable")
    if signature is not None:
        parse_signature(signature)
    if excluded is not None and not all(isinstance(e, (int, str)) for e in excluded):
        raise TypeError(f"vectorize: excluded={excluded!r}; expected a set of argument positions (ints) and names")

    @functools.wraps(pyfunc)
    def wrapped(*args, **kwargs):
        return _vectorized_call(pyfunc, excluded, signature, args, kwargs)

    return wrapped


def _decompose_to_reference():
    from dlx.ops.spec import REGISTRY

    REGISTRY["vectorize"].decomposition = REGISTRY["vectorize"].reference  # written in dlx.ops


_decompose_to_reference()
