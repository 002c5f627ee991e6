"""Keras's op namespaces: every name of Keras's op list resolves at Keras's dotted path under
``dlx.ops``, as the same function object in every namespace that holds it.

``keras_ops_list.txt`` is the list of ``keras.ops`` names by source group (Keras 3.16, read from
its ``@keras_export`` decorators): core/numpy/nn/math/linalg/einops names are ``keras.ops.NAME``;
numpy, nn and linalg names are also ``keras.ops.<group>.NAME``; image names are only
``keras.ops.image.NAME``.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import dlx.ops

LIST = Path(__file__).with_name("keras_ops_list.txt")

# Keras names other op helpers of issue 14 are still adding (remove a line when its name lands;
# the test fails for a listed name that resolves, so the list only shrinks)
PENDING = {
    # not yet written
    "gammainc",
}
TOP_LEVEL_GROUPS = {"core", "numpy", "nn", "math", "linalg", "einops"}
NAMESPACE_GROUPS = {"numpy", "nn", "linalg", "image"}


def _keras_list():
    out = []
    for line in LIST.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            group, name = line.split()
            out.append((group, name))
    return out


def _paths(group, name):
    """Keras's dotted paths (below ``ops``) for a name of ``group``."""
    paths = [name] if group in TOP_LEVEL_GROUPS else []
    if group in NAMESPACE_GROUPS:
        paths.append(f"{group}.{name}")
    return paths


def _resolve(path):
    obj = dlx.ops
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def test_the_list_is_complete():
    entries = _keras_list()
    assert len(entries) == 357
    assert not PENDING - {n for _, n in entries}, "PENDING names Keras does not have"


def test_every_keras_op_resolves_at_its_keras_path():
    missing, landed = [], []
    for group, name in _keras_list():
        found = []
        for path in _paths(group, name):
            try:
                found.append(_resolve(path))
            except AttributeError:
                if name not in PENDING:
                    missing.append(f"dlx.ops.{path}")
        if name in PENDING and found and len(found) == len(_paths(group, name)):
            landed.append(name)
        assert all(f is found[0] for f in found), f"{name}: namespaces hold different objects"
    assert not missing, f"Keras names missing from dlx.ops: {missing}"
    assert not landed, f"these names resolve now: delete them from PENDING: {landed}"


def test_namespace_functions_are_the_top_level_objects():
    assert dlx.ops.nn.softmax is dlx.ops.softmax
    assert dlx.ops.numpy.add is dlx.ops.add
    assert dlx.ops.numpy.ndim is dlx.ops.ndim
    assert dlx.ops.core.convert_to_tensor is dlx.ops.convert_to_tensor
    assert inspect.getsourcefile(dlx.ops.numpy.add).endswith("op_functions.py")
    assert inspect.getsourcefile(dlx.ops.nn).endswith("nn.py")


def test_namespaces_hold_only_their_group():
    groups = dict((n, g) for g, n in _keras_list())
    for ns in ("numpy", "nn", "linalg", "image", "core"):
        module = getattr(dlx.ops, ns)
        for name in module.__all__:
            if name in groups:
                assert groups[name] == ns, f"dlx.ops.{ns}.{name}: Keras's group is {groups[name]}"
            assert name in dir(module)
    assert "softmax" not in dlx.ops.numpy.__all__
    assert not hasattr(dlx.ops.numpy, "softmax")
    with pytest.raises(AttributeError, match="has no attribute 'cast'"):
        dlx.ops.nn.cast  # noqa: B018


def test_image_ops_are_only_in_the_image_namespace():
    from dlx.ops import tolerance as T
    from dlx.ops.spec import REGISTRY, op

    @op("image", T.E0, name="_test_image_negate")
    def _neg(x):
        """Negates."""
        return -x

    try:
        assert dlx.ops.image._test_image_negate.spec is REGISTRY["_test_image_negate"]
        with pytest.raises(AttributeError, match=r"dlx\.ops\.image\._test_image_negate"):
            dlx.ops._test_image_negate  # noqa: B018
        assert "_test_image_negate" not in dir(dlx.ops)
        assert "_test_image_negate" in dir(dlx.ops.image)
    finally:
        del REGISTRY["_test_image_negate"]
        dlx.ops.image.__dict__.pop("_test_image_negate", None)


def test_importing_dlx_and_dlx_ops_loads_no_namespace_module():
    code = ("import sys, dlx, dlx.ops; assert not [ns for ns in ('numpy', 'nn', 'linalg', 'image', 'core') "
            "if f'dlx.ops.{ns}' in sys.modules]; "
            "import dlx.ops.numpy; assert 'torch' not in sys.modules and 'jax' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
