"""Runs the same small programs on Keras 3 and on dlx (``import dlx as keras``), each in one
subprocess per library and backend, and returns what each program printed (or the exception
type it raised), so a test compares dlx's behaviour with Keras's on the program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

_RUNNER = r'''
import contextlib, io, json, sys, warnings
warnings.simplefilter("ignore")
import numpy as np
LIB = sys.argv[1]
if LIB == "keras":
    import keras
else:
    import dlx as keras
snippets = json.loads(sys.stdin.read())
out = {}
for name, code in snippets.items():
    buf = io.StringIO()
    try:
        with contextlib.redirect_stdout(buf):
            exec(code, {"keras": keras, "np": np, "__name__": "__snippet__"})
        out[name] = buf.getvalue()
    except Exception as e:
        out[name] = buf.getvalue() + f"raises {type(e).__name__}"
print("\n__RESULT__" + json.dumps(out))
'''

_ROOT = Path(__file__).resolve().parents[3]


def run(snippets: dict[str, str], lib: str, backend: str) -> dict[str, str]:
    """Each snippet's printed output (plus ``raises ExcType`` when it raised) under ``lib``
    (``"keras"`` or ``"dlx"``) on ``backend``."""
    env = dict(os.environ, PYTHONWARNINGS="ignore", TF_CPP_MIN_LOG_LEVEL="3")
    env.pop("KERAS_BACKEND", None)  # TensorFlow reads it too (and rejects dlx's names)
    env["KERAS_BACKEND" if lib == "keras" else "DLX_BACKEND"] = backend
    code = {k: textwrap.dedent(v) for k, v in snippets.items()}
    proc = subprocess.run([sys.executable, "-c", _RUNNER, lib], input=json.dumps(code), env=env,
                          capture_output=True, text=True, timeout=600, cwd=_ROOT)
    if "__RESULT__" not in proc.stdout:
        raise RuntimeError(f"{lib} on {backend} failed:\n{proc.stderr[-3000:]}")
    out = json.loads(proc.stdout.split("__RESULT__", 1)[1])
    return {k: _without_progress_bars(v) for k, v in out.items()}


def _without_progress_bars(text: str) -> str:
    """The printed text less progress-bar lines (``1/2 ━━━━ 0s 3ms/step``), which depend on
    whether the library thinks it writes to a terminal."""
    lines = text.replace("\r", "\n").split("\n")
    return "\n".join(line for line in lines if "/step" not in line and "━" not in line and line.strip()
                      ) + ("\n" if text.endswith("\n") else "")


def have_keras() -> bool:
    try:
        import importlib.util

        return importlib.util.find_spec("keras") is not None
    except ValueError:
        return False
