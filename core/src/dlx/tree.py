"""``keras.tree``: nested structures as Keras 3 handles them.

Lists, tuples, namedtuples and dicts are nodes; everything else is a leaf, ``None`` included.
Dicts flatten in sorted-key order (an ``OrderedDict`` in its own order) and are rebuilt with their
original key order. (dlx's internal pytree, where ``None`` is an empty subtree and ``flatten``
also returns the structure, is :mod:`dlx.tree_util`.)

>>> from dlx import tree
>>> tree.flatten({"b": [1, None], "a": 2})
[2, 1, None]
>>> tree.map_structure(lambda v: v * 10, (1, [2, 3]))
(10, [20, 30])
"""

from __future__ import annotations

from collections import OrderedDict


class MAP_TO_NONE:
    """Returned by a :func:`traverse` function to put ``None`` in place of a subtree."""


def _is_namedtuple(x) -> bool:
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def _keys(d):
    if isinstance(d, OrderedDict):
        return list(d)
    try:
        return sorted(d)
    except TypeError:  # keys of mixed types: insertion order
        return list(d)


def _node(x):
    """``(keys, children)`` of a node, or ``None`` for a leaf."""
    if isinstance(x, dict):
        keys = _keys(x)
        return keys, [x[k] for k in keys]
    if isinstance(x, (list, tuple)):  # namedtuples too: their paths are indices, as in Keras
        return list(range(len(x))), list(x)
    return None


def _rebuild(x, keys, children):
    if isinstance(x, dict):
        values = dict(zip(keys, children))
        try:
            out = type(x)()
        except TypeError:
            out = {}
        for k in x:  # the original key order
            out[k] = values[k]
        return out
    if _is_namedtuple(x):
        return type(x)(*children)
    if isinstance(x, list):
        return list(children)
    return tuple(children)


def is_nested(structure) -> bool:
    """Whether ``structure`` is a list, tuple, namedtuple or dict (``None`` is not).

    Arguments:
        structure: any object.

    Returns:
        ``True`` for a node, ``False`` for a leaf.

    Example:

    >>> from dlx import tree
    >>> tree.is_nested({"a": 1}), tree.is_nested([1, 2]), tree.is_nested(1)
    (True, True, False)
    """
    return _node(structure) is not None


def flatten(structure) -> list:
    """The leaves of ``structure`` as a list (``None`` is a leaf; a leaf gives ``[leaf]``).

    Arguments:
        structure: a nested structure of lists, tuples, namedtuples and dicts, or a leaf.

    Returns:
        The list of leaves, depth first, dict entries in sorted-key order (an ``OrderedDict``
        in its own order).

    Example:

    >>> from dlx import tree
    >>> tree.flatten({"b": [1, 2], "a": (3,)})  # dict keys in sorted order
    [3, 1, 2]
    """
    out: list = []

    def walk(x):
        node = _node(x)
        if node is None:
            out.append(x)
        else:
            for c in node[1]:
                walk(c)

    walk(structure)
    return out


def flatten_with_path(structure) -> list:
    """``[(path, leaf), ...]``; a path is the tuple of keys / indices from the root.

    Arguments:
        structure: a nested structure, or a leaf (whose path is ``()``).

    Returns:
        A list of ``(path, leaf)`` pairs in :func:`flatten`'s order.

    Example:

    >>> from dlx import tree
    >>> tree.flatten_with_path({"b": [1, 2], "a": (3,)})
    [(('a', 0), 3), (('b', 0), 1), (('b', 1), 2)]
    """
    out: list = []

    def walk(x, path):
        node = _node(x)
        if node is None:
            out.append((path, x))
        else:
            for k, c in zip(*node):
                walk(c, (*path, k))

    walk(structure, ())
    return out


def _same_node(a, b) -> bool:
    na, nb = _node(a), _node(b)
    if na is None or nb is None:
        return na is None and nb is None
    kind = lambda x: dict if isinstance(x, dict) else (type(x) if _is_namedtuple(x) else type(x) is list)
    return kind(a) == kind(b) and na[0] == nb[0]


def _mismatch(a, b):
    return ValueError(f"Structures don't have the same nested structure: {_short(a)} vs {_short(b)}")


def _short(x):
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


def map_structure(func, *structures, none_is_leaf=True):
    """``func`` applied to the leaves of ``structures`` (which must share one structure),
    rebuilt in that structure. With ``none_is_leaf=False``, ``None`` entries stay ``None``.

    Arguments:
        func: called with the matching leaf of every structure, in the order of ``structures``.
        *structures: one or more structures of the same nested structure (node types,
            lengths and dict keys).
        none_is_leaf: pass ``None`` entries to ``func`` like any leaf (``True``), or keep them
            as ``None`` without calling ``func`` (``False``; the other structures must have
            ``None`` there too).

    Returns:
        A structure like the first one, holding ``func``'s results.

    Raises:
        ValueError: when no structure is given or the structures differ.

    Example:

    >>> from dlx import tree
    >>> tree.map_structure(lambda x: x * 10, {"b": [1, 2], "a": (3,)})
    {'b': [10, 20], 'a': (30,)}
    >>> tree.map_structure(lambda x, y: x + y, [1, (2, 3)], [10, (20, 30)])
    [11, (22, 33)]
    """
    if not structures:
        raise ValueError("map_structure: must provide at least one structure")

    def walk(xs):
        first = xs[0]
        if not none_is_leaf and first is None:
            if any(x is not None for x in xs[1:]):
                raise _mismatch(first, next(x for x in xs[1:] if x is not None))
            return None
        node = _node(first)
        for other in xs[1:]:
            if not _same_node(first, other):
                raise _mismatch(first, other)
        if node is None:
            return func(*xs)
        keys = node[0]
        per_child = [_node(x)[1] for x in xs]
        return _rebuild(first, keys, [walk([c[i] for c in per_child]) for i in range(len(keys))])

    return walk(list(structures))


def map_structure_up_to(shallow_structure, func, *structures):
    """``func`` applied to the sub-structures of ``structures`` found at the leaves of
    ``shallow_structure``; the result has ``shallow_structure``'s shape.

    Arguments:
        shallow_structure: a structure that matches the top of each of ``structures``; its
            leaves mark where ``func`` is applied (to whatever sub-structure sits there).
        func: called with the sub-structures of every structure found at one leaf.
        *structures: one or more structures that each extend ``shallow_structure``.

    Returns:
        A structure like ``shallow_structure``, holding ``func``'s results.

    Raises:
        ValueError: when no structure is given or one does not match ``shallow_structure``.

    Example:

    >>> from dlx import tree
    >>> tree.map_structure_up_to([None, None], len, [[1, 2], (3, 4, 5)])  # stops at depth 1
    [2, 3]
    """
    if not structures:
        raise ValueError("map_structure_up_to: must provide at least one structure")

    def walk(shallow, xs):
        node = _node(shallow)
        if node is None:
            return func(*xs)
        for x in xs:
            if not _same_node(shallow, x) and not (_node(x) is not None and _node(x)[0] == node[0]):
                raise _mismatch(shallow, x)
        kids = [_node(x)[1] for x in xs]
        return _rebuild(shallow, node[0], [walk(c, [k[i] for k in kids]) for i, c in enumerate(node[1])])

    return walk(shallow_structure, list(structures))


def assert_same_structure(a, b, check_types=None):
    """Raises ``ValueError`` unless ``a`` and ``b`` have the same nested structure (node types,
    lengths, dict keys). ``check_types`` is accepted for compatibility; types are always checked.

    Arguments:
        a: the first structure.
        b: the second structure.
        check_types: ``None`` or ``True`` (node types are compared either way); ``False`` raises,
            as dlx does not support it.

    Raises:
        ValueError: when the structures differ, or for ``check_types=False``.

    Example:

    >>> from dlx import tree
    >>> tree.assert_same_structure([1, (2,)], [3, (4,)])  # passes silently
    >>> tree.assert_same_structure([1, 2], [1, (2,)])
    Traceback (most recent call last):
    ...
    ValueError: Structures don't have the same nested structure: 2 vs (2,)
    """
    if check_types is False:
        raise ValueError("assert_same_structure: check_types=False is not supported (Keras 3 always checks "
                         "node types)")
    map_structure(lambda *_: None, a, b)


def assert_same_paths(a, b):
    """Raises ``ValueError`` unless ``a`` and ``b`` have the same leaf paths (node types may
    differ: a list and a tuple of the same length have the same paths).

    Arguments:
        a: the first structure.
        b: the second structure.

    Raises:
        ValueError: when the sets of paths differ; the message lists the paths each one lacks.

    Example:

    >>> from dlx import tree
    >>> tree.assert_same_paths({"a": 1, "b": [2]}, {"a": 10, "b": [20]})  # passes silently
    >>> tree.assert_same_paths({"a": 1}, {"b": 1})
    Traceback (most recent call last):
    ...
    ValueError: `a` and `b` don't have the same paths. ...
    """
    pa = {p for p, _ in flatten_with_path(a)}
    pb = {p for p, _ in flatten_with_path(b)}
    if pa != pb:
        msg = "`a` and `b` don't have the same paths."
        if pa - pb:
            msg += f"\nPaths in `a` missing in `b`:\n{pa - pb}"
        if pb - pa:
            msg += f"\nPaths in `b` missing in `a`:\n{pb - pa}"
        raise ValueError(msg)


def pack_sequence_as(structure, flat_sequence):
    """``flat_sequence`` (as from :func:`flatten`) put back into ``structure``'s shape.

    Arguments:
        structure: the structure to copy (its leaves are ignored).
        flat_sequence: the new leaves, as many as ``structure`` has, in :func:`flatten`'s order.

    Returns:
        A structure like ``structure`` holding the items of ``flat_sequence``.

    Raises:
        ValueError: when the number of items differs from the number of leaves.

    Example:

    >>> from dlx import tree
    >>> tree.pack_sequence_as({"b": [0, 0], "a": (0,)}, [7, 8, 9])  # fills in flatten's order
    {'b': [8, 9], 'a': (7,)}
    """
    flat = list(flat_sequence)
    n = len(flatten(structure))
    if len(flat) != n:
        raise ValueError(f"pack_sequence_as: the structure has {n} leaves; flat_sequence has {len(flat)} items")
    it = iter(flat)

    def walk(x):
        node = _node(x)
        if node is None:
            return next(it)
        return _rebuild(x, node[0], [walk(c) for c in node[1]])

    return walk(structure)


def traverse(func, structure, top_down=True):
    """Visits every node and leaf. Top-down: where ``func`` returns ``None`` the children are
    visited, anything else replaces the subtree (``MAP_TO_NONE``: ``None``). Bottom-up: ``func``
    sees each subtree after its children are traversed; ``None`` keeps it.

    Arguments:
        func: called with each node and leaf; returns ``None``, :class:`MAP_TO_NONE` or a
            replacement value.
        structure: the structure to traverse.
        top_down: visit a node before its children (``True``) or after them (``False``).

    Returns:
        The structure with the replacements ``func`` asked for.

    Example:

    >>> from dlx import tree
    >>> tree.traverse(lambda x: tree.MAP_TO_NONE if isinstance(x, int) else None,
    ...               {"b": [1, 2], "a": (3,)})
    {'b': [None, None], 'a': (None,)}
    """

    def children(x):
        node = _node(x)
        if node is None:
            return x
        return _rebuild(x, node[0], [traverse(func, c, top_down) for c in node[1]])

    if top_down:
        ret = func(structure)
        if ret is None:
            return children(structure)
    else:
        done = children(structure)
        ret = func(done)
        if ret is None:
            return done
    return None if ret is MAP_TO_NONE else ret


def lists_to_tuples(structure):
    """Every list in ``structure`` (nested ones too) as a tuple.

    Arguments:
        structure: a nested structure.

    Returns:
        The same structure with tuples in place of lists.

    Example:

    >>> from dlx import tree
    >>> tree.lists_to_tuples({"b": [1, [2, 3]]})
    {'b': (1, (2, 3))}
    """
    return traverse(lambda x: tuple(x) if isinstance(x, list) else None, structure, top_down=False)


def map_shape_structure(func, structure):
    """Like :func:`map_structure`, with tuples / lists of ints and ``None`` (shapes) as leaves.

    Arguments:
        func: called with each shape (and each other leaf).
        structure: a nested structure of shapes.

    Returns:
        The structure with ``func``'s result in place of each shape.

    Example:

    >>> from dlx import tree
    >>> tree.map_shape_structure(len, {"x": (2, 3), "y": [(1,), (4, 5)]})  # shapes are leaves
    {'x': 2, 'y': [1, 2]}
    """

    def is_shape(x):
        return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)

    def walk(x):
        if is_shape(x):
            return func(x)
        node = _node(x)
        if node is None:
            return func(x)
        return _rebuild(x, node[0], [walk(c) for c in node[1]])

    return walk(structure)


__all__ = ["MAP_TO_NONE", "assert_same_paths", "assert_same_structure", "flatten", "flatten_with_path",
           "is_nested", "lists_to_tuples", "map_shape_structure", "map_structure", "map_structure_up_to",
           "pack_sequence_as", "traverse"]
