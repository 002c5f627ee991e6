from collections import namedtuple

from dlx import tree_util as tree


def test_round_trip_nested():
    P = namedtuple("P", "a b")
    t = {"w": [1, (2, 3)], "b": None, "p": P(4, {"z": 5, "y": 6})}
    leaves, td = tree.flatten(t)
    assert leaves == [4, 6, 5, 1, 2, 3]  # dict keys sorted: b (None: no leaves), p, w; inner y before z
    assert tree.unflatten(td, leaves) == t


def test_dict_order_is_sorted_and_map_structure():
    leaves, _ = tree.flatten({"b": 2, "a": 1})
    assert leaves == [1, 2]
    assert tree.map_structure(lambda x, y: x + y, [1, {"k": 2}], [10, {"k": 20}]) == [11, {"k": 22}]
