"""Every guide's Python code runs, on the NumPy backend (the convention is docs/writing-docs.md).

Each page's ```` ```python ```` blocks run in order in one namespace, in a fresh interpreter per
page whose working directory is a temporary folder. A block right after
``<!-- docs-test: skip: REASON -->`` is not run; ``<!-- docs-test: setup`` ... ``-->`` holds
hidden code (inputs a snippet assumes) that runs where it stands; a skipped block whose reason is
``fragment of <path>`` is code quoted from that file of the repository (methods of a class, one
kernel module), and its code lines must still be there (``...`` lines elide);
``<!-- docs-test: env: NAME=VALUE ... -->`` sets the page's environment (another backend, XLA
host devices), which otherwise has ``DLX_BACKEND=numpy``; a block right after
``<!-- docs-test: processes: N NAME=VALUE ... -->`` is a script for N processes (``sys.argv[1]``
is the process's rank): it runs in N fresh interpreters at once, after the page's setup code
above it, with the page's environment and those variables. A traceback names the page and the
Markdown line.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import sys
import time

import pytest

from .site import DOCS, load_tool

_code = load_tool("docs_code")  # the convention, shared with the build's figures (tools/docs_figures.py)
runnable_chunks, page_env, process_blocks, _RUNNER = (_code.runnable_chunks, _code.page_env, _code.process_blocks,
                                                      _code.RUNNER)

PAGES = sorted(p for p in DOCS.glob("*.md") if "```python" in p.read_text())


def test_convention_parser():
    text = ("a\n<!-- docs-test: setup\nx = 1\n-->\n```python\ny = x\n```\n"
            "<!-- docs-test: skip: needs torch -->\n```python\nimport torch\n```\n```bash\nls\n```\n"
            "```python\nz = y\n```\n")
    assert runnable_chunks(text) == [(3, "x = 1\n"), (6, "y = x\n"), (16, "z = y\n")]
    env = "<!-- docs-test: env: DLX_BACKEND=jax XLA_FLAGS=--a=4 -->\n```python\n1\n```\n"
    assert page_env(env) == {"DLX_BACKEND": "jax", "XLA_FLAGS": "--a=4"}
    assert runnable_chunks(env) == [(3, "1\n")] and page_env(text) == {}
    procs = "<!-- docs-test: setup\nx = 1\n-->\n<!-- docs-test: processes: 2 DLX_BACKEND=torch -->\n```python\ny\n```\n"
    assert runnable_chunks(procs) == [(2, "x = 1\n")]
    assert process_blocks(procs) == [(6, 2, {"DLX_BACKEND": "torch"}, [(2, "x = 1\n"), (6, "y\n")])]
    with pytest.raises(AssertionError, match="malformed"):
        runnable_chunks("<!-- docs-test: skip -->\n```python\n1\n```\n")


def quoted_fragments(text: str) -> list[tuple[str, str]]:
    """``(path, code)`` of each block skipped as ``fragment of <path>``."""
    pattern = re.compile(r"^<!-- docs-test: skip: fragment of (\S+) -->\n```python\n(.*?)^```\n", re.S | re.M)
    return [(m[1], m[2]) for m in pattern.finditer(text)]


FRAGMENTS = [(page, path, code) for page in PAGES for path, code in quoted_fragments(page.read_text())]


@pytest.mark.parametrize(("page", "path", "code"), FRAGMENTS, ids=[f"{p.name}:{f}" for p, f, _ in FRAGMENTS])
def test_quoted_fragments_match_their_source(page, path, code):
    source = {line.strip() for line in (DOCS.parent / path).read_text().splitlines()}
    stale = [line for line in code.splitlines() if line.strip() and not line.rstrip().endswith("...")
             and not line.lstrip().startswith("#") and line.strip() not in source]
    assert not stale, f"{page.name} quotes {path}, which no longer has these lines:\n" + "\n".join(stale)


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_guide_code_runs(page, tmp_path):
    text = page.read_text()
    chunks = [(str(page.relative_to(DOCS.parent)), line, src) for line, src in runnable_chunks(text)]
    if not chunks:
        pytest.skip(f"every Python block of {page.name} is marked skip")
    env = {**os.environ, "DLX_BACKEND": "numpy", "PYTHONWARNINGS": "error::DeprecationWarning:dlx", **page_env(text)}
    proc = subprocess.run([sys.executable, "-c", f"CHUNKS = {chunks!r}\n{_RUNNER}"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, f"{page.name}'s code failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"


BLOCKS = [(page, *block) for page in PAGES for block in process_blocks(page.read_text())]


@pytest.mark.parametrize(("page", "line", "processes", "env", "chunks"), BLOCKS,
                         ids=[f"{b[0].name}:{b[1]}" for b in BLOCKS])
def test_multiprocess_block_runs(page, line, processes, env, chunks, tmp_path):
    chunks = [(str(page.relative_to(DOCS.parent)), n, src) for n, src in chunks]
    env = {**os.environ, "DLX_BACKEND": "numpy", "PYTHONWARNINGS": "error::DeprecationWarning:dlx",
           **page_env(page.read_text()), **env}
    logs = [tmp_path / f"rank{rank}.log" for rank in range(processes)]
    with contextlib.ExitStack() as files:
        procs = [subprocess.Popen([sys.executable, "-c", f"CHUNKS = {chunks!r}\n{_RUNNER}", str(rank)],
                                  cwd=tmp_path, env=env, stdout=files.enter_context(log.open("w")),
                                  stderr=subprocess.STDOUT)
                 for rank, log in enumerate(logs)]
        deadline = time.monotonic() + 240
        try:  # a failed process leaves the others waiting for it: stop at the first failure
            while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
                if any(p.poll() not in (None, 0) for p in procs):
                    break
                time.sleep(0.2)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.kill()
                p.wait()
    failed = [rank for rank, p in enumerate(procs) if p.returncode != 0]
    first = next((rank for rank in failed if procs[rank].returncode > 0), failed[0] if failed else None)
    assert not failed, (f"{page.name}:{line}: process(es) {failed} failed or were stopped; rank {first}'s "
                        f"output:\n" + logs[first].read_text()[-6000:])
