"""Keras 3's public API, name by name, against dlx at the same dotted path.

Keras (3.15.1, a test-only dependency) is listed in a subprocess (``keras_api.py keras``), so this
process never imports it. Every public name must exist in dlx at the same path with the same kind
(module / class / callable) and the same signature (parameter names, order, kinds and defaults; a
class's constructor), unless ``keras_api_allowlist.txt`` lists it with a reason or the tag of the
issue that delivers it. An allow-list entry that no longer differs fails too, so the list only
shrinks.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

HERE = Path(__file__).parent
KERAS_VERSION = "3.15.1"


def _load_helper():
    name = "dlx_compat_keras_api"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, HERE / "keras_api.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


kapi = _load_helper()


@pytest.fixture(scope="module")
def keras_names():
    if importlib.util.find_spec("keras") is None:
        pytest.skip("keras is not installed (a test-only dependency: requirements-dev.txt)")
    api = kapi.run_keras_api()
    if api["version"] != KERAS_VERSION:
        pytest.skip(f"the allow-list is reviewed against Keras {KERAS_VERSION}, found {api['version']}")
    return api


@pytest.fixture(scope="module")
def diffs(keras_names):
    return kapi.differences(keras_names)


@pytest.fixture(scope="module")
def allowlist():
    return kapi.read_allowlist()


def test_keras_listing_is_complete(keras_names):
    names = keras_names["names"]
    # every namespace the issue names is walked (a walk that silently skips one would pass)
    for ns in ("layers", "ops", "ops.nn", "ops.numpy", "ops.linalg", "ops.image", "utils", "config", "tree",
               "backend", "random", "losses", "metrics", "optimizers", "optimizers.schedules", "callbacks",
               "models", "saving", "initializers", "regularizers", "constraints", "activations",
               "mixed_precision", "dtype_policies", "export", "visualization", "wrappers", "applications",
               "datasets", "distribution", "quantizers", "preprocessing"):
        assert names.get(f"keras.{ns}", {}).get("kind") == "module", ns
        assert any(n.startswith(f"keras.{ns}.") for n in names), ns
    assert names["keras.layers.Dense"]["signature"][0] == ["units", "POSITIONAL_OR_KEYWORD", "<required>"]
    assert len(names) > 1400


def test_every_keras_name_is_in_dlx(diffs, allowlist):
    unexplained = {name: why for name, why in diffs.items() if name not in allowlist}
    assert not unexplained, (
        f"{len(unexplained)} Keras names missing from dlx or different, and not in keras_api_allowlist.txt:\n"
        + "\n".join(f"  {name}: {why}" for name, why in list(unexplained.items())[:200]))


def test_allowlist_has_no_stale_entries(keras_names, diffs, allowlist):
    unknown = sorted(set(allowlist) - set(keras_names["names"]))
    assert not unknown, f"allow-listed names that Keras {KERAS_VERSION} does not have: {unknown}"
    landed = sorted(set(allowlist) - set(diffs))
    assert not landed, f"these names now match Keras: delete them from keras_api_allowlist.txt: {landed}"


def test_allowlist_entries_are_reasoned(allowlist):
    # read_allowlist raises on an entry with neither a known tag nor a written reason
    assert all(tag in kapi.TAGS or (tag is None and reason) for tag, reason in allowlist.values())
    counts = Counter(tag or "reason" for tag, _ in allowlist.values())
    # names outside every issue's scope, kept out for a stated reason, stay few (issue 15's bar)
    assert counts["reason"] < 30, counts


def test_describe_sees_what_differs():
    def f(a, b=1, *args, c=(1, 2), **kw):
        pass

    def g(a, b=1.0, *args, c=(1, 2), **kw):
        pass

    assert kapi.describe(f)["signature"] == [["a", "POSITIONAL_OR_KEYWORD", "<required>"],
                                             ["b", "POSITIONAL_OR_KEYWORD", "1"], ["args", "VAR_POSITIONAL", "<required>"],
                                             ["c", "KEYWORD_ONLY", "(1, 2)"], ["kw", "VAR_KEYWORD", "<required>"]]
    assert kapi.describe(f) != kapi.describe(g)  # 1 vs 1.0 is a different default

    class A:
        def __new__(cls, *args, **kwargs):
            return super().__new__(cls)

        def __init__(self, units, name=None):
            pass

    assert kapi.describe(A)["signature"] == [["units", "POSITIONAL_OR_KEYWORD", "<required>"],
                                             ["name", "POSITIONAL_OR_KEYWORD", "None"]]


def test_importing_dlx_does_not_import_keras():
    code = "import sys, dlx, dlx.utils, dlx.config, dlx.tree; assert 'keras' not in sys.modules, 'keras imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
