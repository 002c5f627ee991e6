"""Every framework backend keeps its kernels in one layout: a package ``<plugin>/kernels/`` with one
module per op group of ``dlx.ops.defs`` (same names), each exporting one table ``KERNELS``.

An op's group is the ``dlx.ops.defs`` module that registers its spec. Each backend is inspected in
a subprocess (one framework per process); a backend whose framework is not installed is skipped.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

#: backend name -> (plugin package, framework module)
BACKENDS = {
    "jax": ("dlx_jax", "jax"),
    "torch": ("dlx_torch", "torch"),
    "tf": ("dlx_tf", "tensorflow"),
    "openvino": ("dlx_openvino", "openvino"),
}

#: ops whose kernel every backend must have, at the same relative path
KEY_OPS = ("matmul", "conv", "sum", "softmax", "adam_update")

_PROBE = r"""
import importlib, inspect, json, os, sys
import dlx.backend, dlx.ops
from dlx.ops.spec import REGISTRY

backend, package = sys.argv[1], sys.argv[2]
pkg = importlib.import_module(package)
root = os.path.dirname(pkg.__file__)
kernels = importlib.import_module(package + ".kernels")
native = dlx.backend.get(backend).native_kernels()
problems, paths = [], {}
groups = sorted({REGISTRY[n].reference.__module__.rsplit(".", 1)[1] for n in REGISTRY})
for group in groups:
    if not os.path.exists(os.path.join(root, "kernels", group + ".py")):
        problems.append(f"no module kernels/{group}.py")
tables = {}
for name, kernel in native.items():
    group = REGISTRY[name].reference.__module__.rsplit(".", 1)[1]
    if group not in tables:
        try:
            tables[group] = importlib.import_module(f"{package}.kernels.{group}").KERNELS
        except (ImportError, AttributeError) as e:
            problems.append(f"{name}: {package}.kernels.{group}.KERNELS: {e}")
            tables[group] = {}
    entry = tables[group].get(name)
    # OpenVINO's tables hold graph builders: its kernels are generated from them and name theirs
    if entry is None or (entry is not kernel and entry is not getattr(kernel, "builder", None)):
        problems.append(f"{name} (group {group}) is not the kernel in {package}.kernels.{group}.KERNELS")
        continue
    if name in sys.argv[3:]:
        source = inspect.getsourcefile(inspect.unwrap(entry))
        paths[name] = os.path.relpath(source, root).replace(os.sep, "/")
merged = kernels.all_kernels()
for name in set(merged) ^ set(native):
    problems.append(f"{name}: all_kernels() and native_kernels() differ")
print(json.dumps({"problems": problems, "paths": paths}))
"""


def _installed(backend: str) -> bool:
    package, framework = BACKENDS[backend]
    return all(importlib.util.find_spec(m) is not None for m in (package, framework))


@pytest.fixture(scope="module")
def layouts():
    """backend -> {"problems": [...], "paths": {op: path relative to the plugin package}}."""
    found = {}
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for backend, (package, _) in BACKENDS.items():
        if not _installed(backend):
            continue
        proc = subprocess.run([sys.executable, "-c", _PROBE, backend, package, *KEY_OPS],
                              capture_output=True, text=True, env=env, timeout=600)
        assert proc.returncode == 0, f"{backend}: {proc.stderr[-3000:]}"
        found[backend] = json.loads(proc.stdout.strip().splitlines()[-1])
    return found


@pytest.mark.parametrize("backend", sorted(BACKENDS))
def test_every_native_kernel_is_in_its_groups_table(backend, layouts):
    if backend not in layouts:
        pytest.skip(f"{BACKENDS[backend][0]} or {BACKENDS[backend][1]} is not installed")
    assert layouts[backend]["problems"] == []


def test_key_ops_have_the_same_path_in_every_backend(layouts):
    if not layouts:
        pytest.skip("no framework backend is installed")
    expected = {"matmul": "kernels/linalg.py", "conv": "kernels/nn.py", "sum": "kernels/reduction.py",
                "softmax": "kernels/nn.py", "adam_update": "kernels/optim.py"}
    for backend, layout in layouts.items():
        assert layout["paths"] == expected, backend
