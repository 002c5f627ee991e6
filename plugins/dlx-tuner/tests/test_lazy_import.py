"""dlx loads dlx-tuner's plugin hook whenever it discovers plugins: that must not import the tuner."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
import dlx
from dlx import ops
from dlx.plugins import manager
ops.add(1.0, 2.0)
assert any(r.name == "random" for recs in manager.plugin_manager().hook.dlx_oracles() for r in recs)
assert "dlx_tuner.plugin" in sys.modules
print(sorted(m for m in sys.modules if m.startswith(("dlx_tuner.", "optuna", "sqlalchemy", "dlx.callbacks"))
             and m != "dlx_tuner.plugin"))
"""


def test_discovering_plugins_imports_no_tuner_code():
    env = {**os.environ, "DLX_BACKEND": "numpy"}
    p = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr[-3000:]
    assert p.stdout.strip() == "[]", p.stdout
