"""dlx's internal pytree utilities: nested tuples, lists and dicts with array leaves.

``None`` is an empty subtree (no leaves), as in JAX; :func:`flatten` returns ``(leaves,
treedef)``. Dicts flatten in sorted-key order. (``dlx.tree`` is Keras's ``keras.tree`` API,
where ``None`` is a leaf and ``flatten`` returns a list.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class TreeDef:
    """The structure of a flattened pytree: its container kind, the container's metadata (dict keys, a
    namedtuple class) and the TreeDefs of its children. :func:`flatten` returns one; :func:`unflatten`
    rebuilds the tree from it and the leaves.

    Arguments:
        kind: the container's kind (``"leaf"``, ``"none"``, ``"tuple"``, ``"list"``, ``"dict"``...).
        meta: what rebuilding the container needs besides its children.
        children: the children's TreeDefs, in leaf order.
    """
    __slots__ = ("children", "kind", "meta")

    def __init__(self, kind, meta, children):
        self.kind, self.meta, self.children = kind, meta, children

    def __eq__(self, other):
        return (isinstance(other, TreeDef) and self.kind == other.kind and self.meta == other.meta
                and self.children == other.children)

    def __hash__(self):
        return hash((self.kind, self.meta, tuple(self.children)))

    def __repr__(self):
        return f"TreeDef({self.kind}, {self.meta}, {self.children})"


_LEAF = TreeDef("leaf", None, ())
_NONE = TreeDef("none", None, ())


def flatten(tree: Any) -> tuple[list, TreeDef]:
    """Returns (leaves, treedef).

    Plain tuples, lists and dicts (keys in sorted order) and namedtuples are containers;
    ``None`` is an empty subtree; any other object (a dict subclass included) is a leaf.

    Arguments:
        tree: the nested structure to flatten.

    Returns:
        A tuple ``(leaves, treedef)``: the list of leaves in order, and the :class:`TreeDef` that
        :func:`unflatten` rebuilds the structure from.
    """
    leaves: list = []
    return leaves, _flatten(tree, leaves)


def _flatten(t, leaves):
    if t is None:
        return _NONE
    tp = type(t)
    if tp is tuple or tp is list:
        return TreeDef(tp.__name__, None, tuple(_flatten(c, leaves) for c in t))
    if tp is dict:
        keys = tuple(sorted(t))
        return TreeDef("dict", keys, tuple(_flatten(t[k], leaves) for k in keys))
    if isinstance(t, tuple) and hasattr(t, "_fields"):  # namedtuple
        return TreeDef("namedtuple", tp, tuple(_flatten(c, leaves) for c in t))
    leaves.append(t)
    return _LEAF


def unflatten(treedef: TreeDef, leaves) -> Any:
    """The pytree of ``treedef``'s structure holding ``leaves`` (in :func:`flatten`'s order).

    Arguments:
        treedef: a :class:`TreeDef` from :func:`flatten`.
        leaves: the leaves, as many as the structure has.

    Returns:
        The rebuilt pytree.

    >>> from dlx import tree_util
    >>> leaves, treedef = tree_util.flatten({"b": (1, 2), "a": 3})
    >>> leaves, tree_util.unflatten(treedef, [x * 10 for x in leaves])
    ([3, 1, 2], {'a': 30, 'b': (10, 20)})
    """
    it = iter(leaves)
    out = _unflatten(treedef, it)
    return out


def _unflatten(td, it):
    k = td.kind
    if k == "leaf":
        return next(it)
    if k == "none":
        return None
    kids = [_unflatten(c, it) for c in td.children]
    if k == "tuple":
        return tuple(kids)
    if k == "list":
        return kids
    if k == "dict":
        return dict(zip(td.meta, kids))
    return td.meta(*kids)


def map_structure(fn: Callable, tree: Any, *rest: Any) -> Any:
    """``fn`` applied to the leaves of ``tree`` (and the matching leaves of ``rest``), in ``tree``'s structure.

    Arguments:
        fn: a function of one leaf from each tree.
        tree: the pytree whose structure the result takes.
        *rest: more pytrees of the same structure.

    Returns:
        A pytree of ``tree``'s structure holding ``fn``'s results.
    """
    leaves, td = flatten(tree)
    others = [flatten(r)[0] for r in rest]
    return unflatten(td, [fn(*xs) for xs in zip(leaves, *others)])


def leaves(tree: Any) -> list:
    """The leaves of ``tree``, in :func:`flatten`'s order (dict keys sorted; ``None`` has no leaves).

    Arguments:
        tree: a pytree.

    Returns:
        A list of the leaves.
    """
    return flatten(tree)[0]
