"""``dlx.tree`` has Keras 3's ``keras.tree`` semantics: every case of ``tree_cases.py`` gives the
same result (or the same exception type) as Keras itself, run in a subprocess."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlx import tree

HERE = Path(__file__).parent


def _cases():
    spec = importlib.util.spec_from_file_location("dlx_tree_cases", HERE / "tree_cases.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


cases = _cases()


@pytest.fixture(scope="module")
def keras_results():
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed (a test-only dependency)")
    env = {**os.environ, "KERAS_BACKEND": "numpy"}
    out = subprocess.run([sys.executable, str(HERE / "tree_cases.py")], capture_output=True, text=True, env=env,
                         check=True).stdout
    return json.loads(out)


@pytest.mark.parametrize("case", sorted(cases.CASES))
def test_same_as_keras(case, keras_results):
    assert cases.run_one(tree, case) == keras_results[case]


def test_flatten_returns_a_list_with_none_as_a_leaf():
    assert tree.flatten([1, None, {"b": 2, "a": 3}]) == [1, None, 3, 2]
    assert tree.flatten(5) == [5]


def test_errors_name_the_mismatch():
    with pytest.raises(ValueError, match=r"\[1, 2\] vs \(1, 2\)"):
        tree.map_structure(lambda a, b: a, [1, 2], (1, 2))
    with pytest.raises(ValueError, match="3 leaves; flat_sequence has 2"):
        tree.pack_sequence_as([1, (2, 3)], [1, 2])
