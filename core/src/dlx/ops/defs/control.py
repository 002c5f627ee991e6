"""Control flow as ops (Keras's "core" group): ``cond``, ``switch``, ``while_loop``,
``fori_loop``, ``scan``, ``associative_scan``, ``map``, ``vectorized_map``, ``custom_gradient``.

These ops take Python callables, so their specs differ from the array ops' in three ways:

* **reference = decomposition = the Python semantics**, written in ``dlx.ops``: the callables
  run eagerly, one step at a time, on whatever backend is active. On the NumPy backend that is
  the kernel (in float64 the oracle); a backend without a native kernel runs the same loop over
  its own ops, so its autodiff differentiates through it (torch autograd, a ``GradientTape``,
  the NumPy tape) and OpenVINO gets eager values. Native kernels (``lax.scan``,
  ``tf.while_loop``...) compile the loop instead.
* the reference is marked ``runs_callables``: the NumPy backend's autodiff runs it untaped, so
  each op the callables run is taped (gradients reach values the callables close over, such as
  an RNN cell's weights).
* the **gradient rule** is the VJP of the Python semantics on the NumPy backend (the product of
  the inner ops' own rules, step by step): an oracle independent of any native loop, which the
  conformance suite checks against finite differences.

Pytrees of loop state follow :mod:`dlx.tree_util` (tuples, lists, dicts, namedtuples; ``None``
is an empty subtree).
"""

from __future__ import annotations

import builtins
import inspect

import numpy as np

from dlx import tree_util as tree
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.spec import Case, op

G = "core"
#: loop bodies are composite: their error is measured normwise (as composite ops' gradients are)
TOL = T.Normwise(32)


def runs_callables(fn):
    """Marks a reference that calls user functions (the NumPy autodiff must not tape it whole)."""
    fn.runs_callables = True
    return fn


def _need_callable(opname, name, value):
    if not callable(value):
        raise TypeError(f"{opname}: {name}={value!r} is not callable")


def _vjp_rule(name):
    """The gradient rule of a control op: the VJP of its reference on the NumPy backend's tape,
    one cotangent per tensor parameter and a list per tensor-list parameter (``None`` for
    non-float ones)."""

    def is_float(v):
        return isinstance(v, np.ndarray) and v.dtype.kind == "f"

    def rule(g, out, *args, **kwargs):
        from dlx.backend import registry
        from dlx.ops.spec import REGISTRY

        spec = REGISTRY[name]
        bound = spec.signature.bind(*args, **kwargs)
        slots = [(n, None) for n in spec.tensors if is_float(bound.arguments.get(n))]
        for n in spec.tensor_lists:
            slots += [(n, i) for i, v in enumerate(bound.arguments.get(n, ())) if is_float(v)]
        if not slots:
            return (*(None for _ in spec.tensors), *(None for _ in spec.tensor_lists))

        def loss(*values):
            b = spec.signature.bind(*args, **kwargs)
            lists = {n: list(b.arguments[n]) for n in spec.tensor_lists if n in b.arguments}
            for (n, i), v in zip(slots, values):
                if i is None:
                    b.arguments[n] = v
                else:
                    lists[n][i] = v
            for n, v in lists.items():
                b.arguments[n] = tuple(v)
            y = spec.reference(*b.args, **b.kwargs)
            total = 0.0
            for yl, gl in zip(tree.leaves(y), tree.leaves(g)):
                total = K.add(total, K.sum(K.multiply(yl, np.asarray(gl))))
            return total

        backend = registry.get("numpy")
        with registry.use(backend):
            _, grads = backend.value_and_grad(loss, argnums=tuple(range(len(slots))))(
                *(bound.arguments[n] if i is None else bound.arguments[n][i] for n, i in slots))
        got = dict(zip(slots, grads))
        result = [got.get((n, None)) for n in spec.tensors]
        for n in spec.tensor_lists:
            result.append([got.get((n, i)) for i in range(len(bound.arguments.get(n, ())))])
        return tuple(result)

    return rule


def _truth(opname, value) -> bool:
    """``bool(value)`` for a predicate; a traced value (no native kernel under compilation) gets an
    error naming the op."""
    try:
        return bool(value)
    except TypeError as e:
        raise TypeError(f"{opname}: the predicate has no concrete value here ({e}); the active backend runs "
                        f"{opname} in Python (it has no native kernel for it), which needs concrete "
                        "predicates: run it eagerly") from e


def _leading(x) -> int:
    n = tensors.shape(x)[0]
    if n is None:
        raise ValueError("the leading (scanned) dimension must be known to run the loop in Python")
    return int(n)


# ---------------------------------------------------------------------------------------------
# cond / switch


def _cond_cases():
    def make(pred):
        def mk(r, dt):
            a = r.standard_normal((3, 4)).astype(dt)
            b = r.standard_normal((3, 4)).astype(dt)
            return (np.asarray(pred), lambda: K.multiply(K.sin(a), b), lambda: K.subtract(K.cos(b), a)), {}
        return mk
    return [Case("true", make(True), grad=False), Case("false", make(False), grad=False)]


@op(G, TOL, _cond_cases(), tensors=("pred",))
@runs_callables
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; both must return the same structure of
    tensors (compiled backends trace both). Differentiable through the branch taken.

    Arguments:
        pred: a scalar boolean tensor (or a Python bool).
        true_fn: a callable of no arguments, run when ``pred`` is true.
        false_fn: a callable of no arguments, run when ``pred`` is false.

    Returns:
        What the branch taken returns.

    Raises:
        TypeError: when ``true_fn`` or ``false_fn`` is not callable, or ``pred`` has no concrete
            value on a backend that runs ``cond`` in Python.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.cond(np.array(True), lambda: np.array(1.0), lambda: np.array(-1.0))
    array(1.)
    """
    _need_callable("cond", "true_fn", true_fn)
    _need_callable("cond", "false_fn", false_fn)
    return true_fn() if _truth("cond", pred) else false_fn()



def _switch_cases():
    def make(index):
        def mk(r, dt):
            x = r.standard_normal((5,)).astype(dt)
            y = r.standard_normal((5,)).astype(dt)
            branches = [lambda a, b: K.add(a, b), lambda a, b: K.multiply(K.sin(a), b),
                        lambda a, b: K.subtract(K.tanh(a), b)]
            return (np.asarray(index, np.int32), branches, x, y), {}
        return mk
    return [Case("first", make(0)), Case("middle", make(1)), Case("clipped_high", make(7)),
            Case("clipped_low", make(-3))]


@op(G, TOL, _switch_cases(), tensors=("index",), tensor_lists=("operands",), grad=_vjp_rule("switch"))
@runs_callables
def switch(index, branches, *operands):
    """``branches[index](*operands)``, ``index`` clipped to ``[0, len(branches) - 1]``;
    every branch must return the same structure.

    Arguments:
        index: a scalar integer tensor (or an int) choosing the branch.
        branches: a non-empty sequence of callables, each taking ``*operands``.
        *operands: the arguments passed to the chosen branch.

    Returns:
        What the chosen branch returns.

    Raises:
        ValueError: when ``branches`` is empty.
        TypeError: when a branch is not callable, or ``index`` has no concrete value on a
            backend that runs ``switch`` in Python.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.switch(1, [lambda x: x + 1, lambda x: x * 10], np.array([1, 2]))
    array([10, 20])
    """
    if not branches:
        raise ValueError("switch: branches is empty; expected at least one callable")
    for i, b in enumerate(branches):
        _need_callable("switch", f"branches[{i}]", b)
    try:
        i = int(index)
    except TypeError as e:
        raise TypeError(f"switch: index has no concrete value here ({e}); the active backend runs switch in "
                        "Python (it has no native kernel for it): run it eagerly") from e
    i = builtins.min(builtins.max(i, 0), len(branches) - 1)
    return branches[i](*operands)


# ---------------------------------------------------------------------------------------------
# while_loop / fori_loop


def _while_cases():
    # v[0] counts iterations exactly (0.0, 1.0, ...), so float32 and float64 stop together
    def mk(limit, maximum_iterations=None):
        def make(r, dt):
            v = np.concatenate([[0.0], r.standard_normal(4)]).astype(dt)

            def body(v):
                head = K.get_item(v, slice(0, 1))
                rest = K.get_item(v, slice(1, None))
                return K.concatenate([K.add(head, 1.0), K.add(K.multiply(K.tanh(rest), 1.5), 0.1)])

            def cond(v):
                return K.less(K.get_item(v, 0), float(limit))

            return (cond, body, v), {"maximum_iterations": maximum_iterations}
        return make
    return [Case("counted", mk(4), grad=False), Case("maximum_iterations", mk(10, 3), grad=False),
            Case("no_iteration", mk(0), grad=False)]


@op(G, TOL, _while_cases(), tensors=("loop_vars",))
@runs_callables
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Runs ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` (and fewer than
    ``maximum_iterations`` iterations ran). A tuple or list of loop variables is unpacked into
    ``cond`` and ``body`` and returned as a tuple; a single tensor is passed and returned as is.
    Reverse-mode differentiable on backends whose loops are (not ``lax.while_loop``).

    Arguments:
        cond: a callable taking the loop variables and returning a scalar boolean.
        body: a callable taking the loop variables and returning their new values, in the same
            structure.
        loop_vars: the initial loop variables: a tensor, or a tuple or list of them.
        maximum_iterations: the most iterations to run, an int >= 0 (``None``: no limit).

    Returns:
        The final loop variables (a tuple when ``loop_vars`` is a tuple or list).

    Raises:
        TypeError: when ``cond`` or ``body`` is not callable, or the condition has no concrete
            value on a backend that runs the loop in Python.
        ValueError: when ``maximum_iterations`` is negative or a bool.

    Example:

    >>> from dlx import ops
    >>> ops.while_loop(lambda i, total: i < 4, lambda i, total: (i + 1, total + i), (0, 0))
    (4, 6)
    """
    _need_callable("while_loop", "cond", cond)
    _need_callable("while_loop", "body", body)
    if maximum_iterations is not None and (isinstance(maximum_iterations, bool) or int(maximum_iterations) < 0):
        raise ValueError(f"while_loop: maximum_iterations={maximum_iterations!r}; expected None or an int >= 0")
    is_tuple = isinstance(loop_vars, (tuple, list))
    state = tuple(loop_vars) if is_tuple else (loop_vars,)
    i = 0
    while (maximum_iterations is None or i < int(maximum_iterations)) and _truth("while_loop", cond(*state)):
        out = body(*state)
        state = tuple(out) if isinstance(out, (tuple, list)) else (out,)
        i += 1
    return state if is_tuple else state[0]


def _fori_cases():
    def mk(lower, upper):
        def make(r, dt):
            v = r.standard_normal((2, 3)).astype(dt)

            def body(i, v):
                return K.add(K.multiply(v, 0.9), K.multiply(K.sin(K.add(v, K.cast(i, tensors.dtype(v)))), 0.2))
            return (lower, upper, body, v), {}
        return make
    return [Case("steps", mk(0, 5)), Case("offset", mk(3, 6)), Case("empty", mk(4, 4))]


@op(G, TOL, _fori_cases(), tensors=("init_val",), grad=_vjp_rule("fori_loop"))
@runs_callables
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``, starting from
    ``init_val``. Differentiable when ``lower`` and ``upper`` are Python ints.

    Arguments:
        lower: the first value of ``i`` (an int).
        upper: the bound of ``i`` (an int, excluded).
        body_fun: a callable ``(i, val) -> val`` returning the new value in ``val``'s structure.
        init_val: the starting value (a tensor or a pytree of tensors).

    Returns:
        The value after the last step (``init_val`` when ``upper <= lower``).

    Raises:
        TypeError: when ``body_fun`` is not callable.

    Example:

    >>> from dlx import ops
    >>> ops.fori_loop(0, 5, lambda i, acc: acc + i, 0)
    10
    """
    _need_callable("fori_loop", "body_fun", body_fun)
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


# ---------------------------------------------------------------------------------------------
# scan / map


def _scan_cases():
    def rnn(reverse=False, unroll=1):
        def make(r, dt):
            w = (r.standard_normal((3, 3)) * 0.5).astype(dt)
            init = r.standard_normal((2, 3)).astype(dt)
            xs = r.standard_normal((6, 2, 3)).astype(dt)

            def f(c, x):
                h = K.tanh(K.add(K.matmul(c, w), x))
                return h, K.multiply(h, 2.0)
            return (f, init, xs), {"reverse": reverse, "unroll": unroll}
        return make

    def no_xs(r, dt):
        init = r.standard_normal((4,)).astype(dt)
        return (lambda c, x: (K.add(K.multiply(c, 0.9), 0.1), K.sin(c)), init), {"length": 5}

    def no_ys(r, dt):
        init = r.standard_normal((3,)).astype(dt)
        xs = r.standard_normal((4, 3)).astype(dt)
        return (lambda c, x: (K.add(K.multiply(c, x), 1.0), None), init, xs), {}

    return [Case("rnn", rnn()), Case("reverse", rnn(reverse=True)), Case("unroll", rnn(unroll=3)),
            Case("length_only", no_xs), Case("carry_only", no_ys)]


def _check_unroll(unroll):
    if not isinstance(unroll, bool) and (not isinstance(unroll, int) or unroll < 1):
        raise ValueError(f"scan: unroll={unroll!r}; expected a positive int or a bool")


@op(G, TOL, _scan_cases(), tensors=("init", "xs"), grad=_vjp_rule("scan"))
@runs_callables
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """Loops ``carry, y = f(carry, x)`` over the leading axis of ``xs`` (a pytree; or ``length``
    steps with ``x = None``), from ``carry = init``; returns ``(carry, ys)`` with the ``y``
    stacked on a new leading axis. ``reverse`` scans from the end (``ys`` keep their positions);
    ``unroll`` is how many steps a compiled loop runs per iteration (a hint).

    Arguments:
        f: a callable ``(carry, x) -> (carry, y)``; the new carry keeps ``init``'s structure,
            shapes and dtypes, and ``y`` may be ``None``.
        init: the initial carry (a tensor or a pytree of tensors).
        xs: a pytree of tensors sharing their leading length, scanned along it (``None``: ``f``
            gets ``x = None`` for ``length`` steps).
        length: the number of steps (``None``: the leading length of ``xs``; if both are given
            they must agree).
        reverse: whether to scan from the last step to the first.
        unroll: a positive int or a bool: how many steps a compiled loop runs per iteration (a
            performance hint; results do not depend on it).

    Returns:
        A pair ``(carry, ys)``: the final carry and the ``y`` of every step stacked on a new
        leading axis (a pytree like ``y``).

    Raises:
        TypeError: when ``f`` is not callable.
        ValueError: when ``unroll`` is not a positive int or a bool, neither ``xs`` nor
            ``length`` gives the number of steps, or the leading lengths of ``xs`` disagree with
            each other or with ``length``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> carry, ys = ops.scan(lambda c, x: (c + x, c * x), 0, np.array([1, 2, 3]))
    >>> int(carry), ys
    (6, array([0, 2, 9]))
    """
    _need_callable("scan", "f", f)
    _check_unroll(unroll)
    if xs is None and length is None:
        raise ValueError("scan: xs is None and length is None; pass xs or length")
    xs_leaves, xs_def = tree.flatten(xs)
    n = int(length) if length is not None else (_leading(xs_leaves[0]) if xs_leaves else None)
    if n is None:
        raise ValueError("scan: xs has no arrays and length is None; pass length")
    for leaf in xs_leaves:
        if _leading(leaf) != n:
            raise ValueError(f"scan: every array in xs needs leading dimension {n} (length); one has shape "
                             f"{tensors.shape(leaf)}")

    def x_at(i):
        return None if xs is None else tree.unflatten(xs_def, [K.get_item(v, i) for v in xs_leaves])

    carry = init
    if n == 0:  # run f once for the structure of y, then stack nothing
        _, y = f(init, None if xs is None else tree.unflatten(
            xs_def, [K.zeros(tensors.shape(v)[1:], tensors.dtype(v)) for v in xs_leaves]))
        return init, tree.map_structure(lambda v: K.zeros((0, *tensors.shape(v)), tensors.dtype(v)), y)
    ys = []
    for i in (range(n - 1, -1, -1) if reverse else range(n)):
        carry, y = f(carry, x_at(i))
        ys.append(y)
    if reverse:
        ys.reverse()
    return carry, tree.map_structure(lambda *v: K.stack(v), *ys)


def _map_cases():
    def single(r, dt):
        xs = r.standard_normal((5, 3)).astype(dt)
        return (lambda x: K.multiply(K.sin(x), K.sum(x)), xs), {}

    def pair(r, dt):
        xs = r.standard_normal((4, 2)).astype(dt)
        return (lambda x: (K.exp(x), K.max(x)), xs), {}
    return [Case("single", single), Case("tuple_out", pair)]


@op(G, TOL, _map_cases(), tensors=("xs",), grad=_vjp_rule("map"), name="map")
@runs_callables
def map_(f, xs):
    """``f`` applied to each slice of ``xs`` (a pytree) along its leading axis, the results
    stacked (a sequential loop: one call per slice).

    Arguments:
        f: a callable taking one slice of ``xs`` (in ``xs``'s structure).
        xs: a tensor or a pytree of tensors sharing their leading length.

    Returns:
        ``f``'s results for every slice, stacked on a new leading axis (in ``f``'s output
        structure).

    Raises:
        TypeError: when ``f`` is not callable.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.map(lambda x: x ** 2, np.array([1, 2, 3]))
    array([1, 4, 9])
    """
    _need_callable("map", "f", f)
    return scan(lambda _, x: ((), f(x)), (), xs)[1]


def _vmap_cases():
    def single(r, dt):
        xs = r.standard_normal((4, 3)).astype(dt)
        w = r.standard_normal((3, 2)).astype(dt)
        return (lambda x: K.tanh(K.matmul(x, w)), xs), {}
    return [Case("matvec", single)]


@op(G, TOL, _vmap_cases(), tensors=("elements",), grad=_vjp_rule("vectorized_map"))
@runs_callables
def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` (a pytree) along its leading axis,
    the results stacked; native kernels vectorize it (``jax.vmap``, ``torch.vmap``,
    ``tf.vectorized_map``), the reference loops.

    Arguments:
        function: a callable taking one slice of ``elements`` (in ``elements``'s structure).
        elements: a tensor or a pytree of tensors sharing their leading length.

    Returns:
        ``function``'s results for every slice, stacked on a new leading axis (in its output
        structure).

    Raises:
        TypeError: when ``function`` is not callable.
        ValueError: when ``elements`` holds no tensors.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.vectorized_map(lambda row: ops.sum(row), np.array([[1, 2], [3, 4]]))
    array([3, 7])
    """
    _need_callable("vectorized_map", "function", function)
    leaves, td = tree.flatten(elements)
    if not leaves:
        raise ValueError("vectorized_map: elements holds no arrays")
    n = _leading(leaves[0])
    outs = [function(tree.unflatten(td, [K.get_item(v, i) for v in leaves])) for i in range(n)]
    return tree.map_structure(lambda *v: K.stack(v), *outs)


# ---------------------------------------------------------------------------------------------
# associative_scan


def _along(x, axis, start, stop, step=1):
    nd = len(tensors.shape(x))
    axis = axis % nd
    return K.get_item(x, (slice(None),) * axis + (slice(start, stop, step),))


def _interleave(even, odd, axis):
    """``[e0, o0, e1, o1, ...]`` along ``axis`` (``even`` has as many elements as ``odd`` or one
    more)."""
    ne, no = tensors.shape(even)[axis], tensors.shape(odd)[axis]
    nd = len(tensors.shape(even))
    axis = axis % nd
    head = _along(even, axis, 0, no)
    pair = K.stack([head, odd], axis=axis + 1)
    shape = list(tensors.shape(head))
    shape[axis] = 2 * no
    merged = K.reshape(pair, tuple(shape))
    if ne == no:
        return merged
    return K.concatenate([merged, _along(even, axis, no, ne)], axis=axis)


def _assoc_cases():
    def cumsum(reverse=False, axis=0, n=7):
        def make(r, dt):
            x = r.standard_normal((n, 3) if axis == 0 else (3, n)).astype(dt)
            return (lambda a, b: K.add(a, b), x), {"reverse": reverse, "axis": axis}
        return make

    def affine(r, dt):
        # composition of affine maps x -> a x + b (a linear recurrence, the classic use)
        a = (r.uniform(0.5, 1.0, (6, 2))).astype(dt)
        b = r.standard_normal((6, 2)).astype(dt)

        def f(p, q):
            return K.multiply(q[0], p[0]), K.add(K.multiply(q[0], p[1]), q[1])
        return (f, (a, b)), {}
    return [Case("cumsum", cumsum()), Case("cumsum_even", cumsum(n=8)), Case("reverse", cumsum(reverse=True)),
            Case("axis1", cumsum(axis=1, n=5)), Case("single", cumsum(n=1)), Case("affine_pairs", affine, grad=False)]  # a pytree: the grad tier differentiates arrays


@op(G, TOL, _assoc_cases(), tensors=("elems",), grad=_vjp_rule("associative_scan"))
@runs_callables
def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of ``elems`` (a pytree of arrays with the same length along ``axis``) with
    the associative binary function ``f(a, b)``: element ``i`` is
    ``f(...f(f(e0, e1), e2)..., ei)``, computed as a parallel prefix (``O(log n)`` depth), so
    the grouping differs from a sequential loop. ``reverse`` scans from the end.

    Arguments:
        f: an associative callable ``(a, b) -> c``: ``a`` and ``b`` are in ``elems``'s structure
            and hold several elements each along ``axis``; ``f`` must combine them element by
            element (as ``add`` does) and return the same structure.
        elems: a tensor or a pytree of tensors of one length along ``axis``.
        reverse: whether to scan from the end (element ``i`` then combines ``ei`` with all the
            elements after it).
        axis: the axis to scan along.

    Returns:
        The running combinations, in ``elems``'s structure and shapes.

    Raises:
        TypeError: when ``f`` is not callable.
        ValueError: when ``elems`` holds no tensors, or its tensors differ in length along ``axis``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> ops.associative_scan(ops.add, np.array([1, 2, 3, 4]))
    array([ 1,  3,  6, 10])
    >>> ops.associative_scan(ops.maximum, np.array([1, 3, 2, 5]), reverse=True)
    array([5, 5, 5, 5])
    """
    _need_callable("associative_scan", "f", f)
    leaves, td = tree.flatten(elems)
    if not leaves:
        raise ValueError("associative_scan: elems holds no arrays")
    sizes = {tensors.shape(v)[axis] for v in leaves}
    if len(sizes) != 1:
        raise ValueError(f"associative_scan: every array in elems needs the same length along axis {axis}; got "
                         f"shapes {[tensors.shape(v) for v in leaves]}")
    if reverse:
        leaves = [K.flip(v, axis) for v in leaves]

    def combine(a, b):
        return tree.flatten(f(tree.unflatten(td, a), tree.unflatten(td, b)))[0]

    def prefix(xs):
        n = tensors.shape(xs[0])[axis]
        if n < 2:
            return xs
        reduced = combine([_along(v, axis, 0, n - 1, 2) for v in xs], [_along(v, axis, 1, None, 2) for v in xs])
        odd = prefix(reduced)
        rest = [_along(v, axis, 2, None, 2) for v in xs]
        if n % 2 == 0:
            even = combine([_along(v, axis, 0, -1) for v in odd], rest)
        else:
            even = combine(odd, rest)
        even = [K.concatenate([_along(v, axis, 0, 1), e], axis=axis) for v, e in zip(xs, even)]
        return [_interleave(e, o, axis) for e, o in zip(even, odd)]

    out = prefix(leaves)
    if reverse:
        out = [K.flip(v, axis) for v in out]
    return tree.unflatten(td, out)


# ---------------------------------------------------------------------------------------------
# custom_gradient


class _TapeRule:
    """What the NumPy tape needs of a spec to call a user's gradient function: parameter names
    for the positional arguments and the rule."""

    def __init__(self, n_args, grad_fn):
        self.params = self.tensors = tuple(f"arg{i}" for i in range(n_args))
        self.signature = inspect.Signature([inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD)
                                            for n in self.params])
        self.tensor_lists = ()
        self.name = "custom_gradient"
        self._grad_fn = grad_fn

    def grad(self, g, out, *args, **kwargs):
        grads = self._grad_fn(g)
        return tuple(grads) if isinstance(grads, (tuple, list)) else (grads,)


def _custom_gradient_case(r, dt):
    return (lambda x: (K.sin(x), lambda upstream: upstream),), {}


# custom_gradient returns a function, which the conformance tiers (arrays in, arrays out) cannot
# compare: its one case documents a call and lists no dtypes, so the suite generates no test from
# it; core/tests/test_control_flow.py::test_custom_gradient checks values and gradients instead
@op(G, TOL, [Case("decorate", _custom_gradient_case, dtypes=(), grad=False)], tensors=())
@runs_callables
def custom_gradient(f):
    """Decorates ``f(*args) -> (output, grad_fn)`` into a function returning ``output`` whose
    gradient is ``grad_fn(upstream)`` (one cotangent per positional argument, a tuple when there
    are several). The backend active when the decorator runs defines the gradient: NumPy's
    tape, ``jax.custom_gradient``, ``tf.custom_gradient`` or a ``torch.autograd.Function``.

    >>> import numpy as np, dlx
    >>> from dlx import ops
    >>> with dlx.backend.use("numpy") as b:
    ...     @ops.custom_gradient
    ...     def clipped_identity(x):
    ...         return x, lambda upstream: ops.clip(upstream, -1.0, 1.0)
    ...     b.value_and_grad(lambda x: ops.sum(clipped_identity(x) * 5.0))(np.ones(2))[1]
    array([1., 1.])

    Arguments:
        f: a callable taking positional tensors and returning ``(output, grad_fn)``, where
            ``grad_fn(upstream)`` maps the cotangent of ``output`` to the cotangents of the
            arguments.

    Returns:
        A function with ``f``'s arguments that returns ``output`` alone, its gradient given by
        ``grad_fn``.

    Raises:
        TypeError: when ``f`` is not callable.
    """
    _need_callable("custom_gradient", "f", f)
    import functools

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        from dlx.backends.numpy import autodiff

        traced = [(i, a) for i, a in enumerate(args) if type(a) is autodiff.Tracer]
        if not traced:
            return f(*args, **kwargs)[0]
        from dlx.backend import registry
        from dlx.ops.dispatch import STATE

        saved, STATE.kernels = STATE.kernels, registry.get("numpy").op_table  # the forward runs untaped
        try:
            raw = tuple(a.value if type(a) is autodiff.Tracer else a for a in args)
            out, grad_fn = f(*raw, **kwargs)
        finally:
            STATE.kernels = saved
        tape = traced[0][1].tape
        outs = tree.map_structure(lambda v: autodiff.Tracer(v, tape), out)
        tape.nodes.append(autodiff.Node(_TapeRule(len(args), grad_fn), raw, {}, [((i,), a) for i, a in traced],
                                        tree.leaves(outs), out))
        return outs

    return wrapped


#: the control ops: each one's decomposition is its reference (see the module docstring)
CONTROL_OPS = ("cond", "switch", "while_loop", "fori_loop", "scan", "map", "vectorized_map", "associative_scan",
               "custom_gradient")


def _decompose_to_reference():
    from dlx.ops.spec import REGISTRY

    for name in CONTROL_OPS:
        REGISTRY[name].decomposition = REGISTRY[name].reference


_decompose_to_reference()
