"""Cases for ``keras.tree`` semantics, run by Keras (in a subprocess) and by dlx: each returns a
value whose ``repr`` is compared, or raises (the exception type is compared).

``python tree_cases.py``: prints ``{case: repr-or-error}`` as JSON for ``import keras``.
"""

from __future__ import annotations

import collections
import json
import os
import sys

Point = collections.namedtuple("Point", "x y")
NESTED = {"b": [1, None, (2, 3)], "a": Point(4, {"z": 5, "y": [6]}), "c": ()}

CASES = {
    "flatten": lambda T: T.flatten(NESTED),
    "flatten_leaf": lambda T: T.flatten(7),
    "flatten_none": lambda T: T.flatten(None),
    "flatten_ordered": lambda T: T.flatten(collections.OrderedDict([("b", 1), ("a", 2)])),
    "flatten_with_path": lambda T: T.flatten_with_path(NESTED),
    "is_nested": lambda T: [T.is_nested(v) for v in ([], (), {}, None, 1, "ab", Point(1, 2))],
    "map_structure": lambda T: T.map_structure(lambda v: None if v is None else v * 10, NESTED),
    "map_structure_none_leaf": lambda T: T.map_structure(lambda v: v is None, [None, 1]),
    "map_structure_two": lambda T: T.map_structure(lambda a, b: a + b, [1, (2, {"k": 3})], [10, (20, {"k": 30})]),
    "map_structure_mismatch": lambda T: T.map_structure(lambda a, b: a, [1, 2], (1, 2)),
    "map_structure_len": lambda T: T.map_structure(lambda a, b: a, [1, 2], [1, 2, 3]),
    "map_structure_no_none": lambda T: T.map_structure(lambda v: v + 1, [1, None, 2], none_is_leaf=False),
    "map_up_to": lambda T: T.map_structure_up_to([0, 0], lambda a: T.flatten(a), [[1, 2], {"k": (3, 4)}]),
    "pack": lambda T: T.pack_sequence_as(NESTED, list(range(8))),
    "pack_bad": lambda T: T.pack_sequence_as([1, 2], [1]),
    "same_structure_ok": lambda T: T.assert_same_structure([1, (2, 3)], [4, (5, 6)]),
    "same_structure_bad": lambda T: T.assert_same_structure([1, (2, 3)], [4, [5, 6]]),
    "same_paths_ok": lambda T: T.assert_same_paths([1, (2, 3)], (4, [5, 6])),
    "same_paths_bad": lambda T: T.assert_same_paths({"a": 1}, {"b": 1}),
    "lists_to_tuples": lambda T: T.lists_to_tuples([1, [2, {"k": [3]}], (4, [5])]),
    "traverse_top": lambda T: T.traverse(lambda x: T.MAP_TO_NONE if x == (2, 3) else None, NESTED),
    "traverse_bottom": lambda T: T.traverse(lambda x: len(x) if isinstance(x, list) else None, [[1, 2], [3]],
                                            top_down=False),
    "map_shape": lambda T: T.map_shape_structure(lambda s: tuple(s)[::-1], {"a": (None, 3), "b": [(2, 4), [5]]}),
    "dict_order_kept": lambda T: list(T.map_structure(lambda v: v, {"b": 1, "a": 2})),
}


def run_one(T, name) -> str:
    try:
        return repr(CASES[name](T))
    except Exception as e:
        return f"raises {type(e).__name__}"


def run(T) -> dict:
    return {name: run_one(T, name) for name in CASES}


if __name__ == "__main__":
    os.environ.setdefault("KERAS_BACKEND", "numpy")
    import keras

    json.dump(run(keras.tree), sys.stdout)
