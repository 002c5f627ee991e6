"""Symbolic calls through the backend: the output of a layer whose ``call()`` uses the framework
directly (``jnp.tanh``, ``torch.nn.functional.gelu``, ``tf.nn.softmax``), which core's symbolic
tensors cannot run.

The layer's ``call`` runs on the backend's abstract values (:meth:`Backend.abstract_eval`) with the
symbolic inputs' shapes; an unknown (``None``) dimension is probed with two sizes, and an output
dimension that follows them stays unknown. Variables are created before tracing and the call runs
in a :class:`StatelessScope` (variables read their values; assignments are dropped), so no state
changes and no traced value is kept.
"""

from __future__ import annotations

from dlx import tree_util as tree
from dlx.ops.symbolic import SymbolicTensor

#: sizes an unknown input dimension takes in the two probes (primes: a stride or a split of one
#: size does not give the same output dimension for the other)
PROBES = (13, 17)


def symbolic_call(layer, args, kwargs):
    """``layer.call`` on symbolic inputs in a :class:`SymbolicScope`; when that raises (a framework
    function given a symbolic tensor, say), the call traced through the backend instead. If both
    fail, the first error is raised, noting the second."""
    from dlx.layers.scope import SymbolicScope

    try:
        with SymbolicScope():
            return layer.call(*args, **kwargs)
    except Exception as error:
        try:
            return trace_call(layer, args, kwargs)
        except Exception as traced:
            error.add_note(f"tracing {type(layer).__name__}.call through the backend failed too: {traced!r}")
            raise error from None


def trace_call(layer, args, kwargs):
    """Symbolic outputs of ``layer.call(*args, **kwargs)`` through the active backend."""
    from dlx.backend import registry
    from dlx.variables import StatelessScope

    backend = registry.current()
    leaves, treedef = tree.flatten((args, kwargs))
    where = [i for i, leaf in enumerate(leaves) if isinstance(leaf, SymbolicTensor)]
    for v in layer.weights:
        v.materialize()  # a deferred initializer must not run inside the trace

    def run(*arrays):
        filled = list(leaves)
        for i, a in zip(where, arrays):
            filled[i] = a
        a, k = tree.unflatten(treedef, filled)
        return layer.call(*a, **k)

    unknown = any(d is None for i in where for d in leaves[i].shape)
    results = []
    for size in PROBES[:2 if unknown else 1]:
        specs = [(tuple(size if d is None else d for d in leaves[i].shape), leaves[i].dtype) for i in where]
        with StatelessScope():
            results.append(backend.abstract_eval(run, specs))
    if len(results) == 1:
        return results[0]

    def merge(a, b):
        if not isinstance(a, SymbolicTensor):
            return a
        return SymbolicTensor(tuple(x if x == y else None for x, y in zip(a.shape, b.shape)), a.dtype)

    return tree.map_structure(merge, results[0], results[1])
