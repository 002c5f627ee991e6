"""Shared by the documentation tests: the repository's paths, the documented API surface and a
strict build of the site."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"


def load_tool(name: str):
    """``tools/<name>.py`` (the tools folder is not a package) as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_api():
    """``tools/docs_api.py``: the API pages and the public names they document."""
    return load_tool("docs_api")


def build_site(site_dir: Path) -> str:
    """Builds the site with ``mkdocs build --strict`` into ``site_dir`` (a subprocess: the API
    pages import every documented module); returns the build log. Raises AssertionError, with
    the log, when the build fails or logs any warning."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DLX_BACKEND": "numpy"}
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           str(ROOT / "mkdocs.yml"), "--site-dir", str(site_dir)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{log}"
    warnings = [line for line in log.splitlines() if "WARNING" in line]
    assert not warnings, "the documentation build warned:\n" + "\n".join(warnings)
    return log
