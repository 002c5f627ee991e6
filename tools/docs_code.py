"""The guides' code blocks: which run, in what environment (the convention is docs/writing-docs.md).

Read by ``core/tests/docs/test_guides.py`` (every page's code runs as a test) and by
``tools/docs_figures.py`` (the site build runs the code that draws a page's figures), so the two
cannot disagree on what a page's code is.

A page's ```` ```python ```` blocks run in order in one namespace. A block right after
``<!-- docs-test: skip: REASON -->`` is not run; ``<!-- docs-test: setup`` ... ``-->`` holds
hidden code (inputs a snippet assumes) that runs where it stands; ``<!-- docs-test: env:
NAME=VALUE ... -->`` sets the page's environment (it otherwise has ``DLX_BACKEND=numpy``);
``<!-- docs-test: processes: N NAME=VALUE ... -->`` marks the next block as a script for N
processes, which the page's own interpreter does not run.
"""

from __future__ import annotations

import re

TOKEN = re.compile(
    r"^<!-- docs-test: skip: (?P<skip>[^\n]+?) -->\n(?=```)"
    r"|^<!-- docs-test: env: (?P<env>(?:[A-Z_][A-Z0-9_]*=\S+ ?)+) -->\n"
    r"|^<!-- docs-test: processes: (?P<procs>[0-9]+)(?P<penv>(?: [A-Z_][A-Z0-9_]*=\S+)*) -->\n(?=```)"
    r"|^<!-- docs-test: setup\n(?P<setup>.*?)^-->\n"
    r"|^```python\n(?P<code>.*?)^```\n",
    re.S | re.M)

# runs CHUNKS, a list of (path, first line, source), in one namespace; line numbers in tracebacks
# are the Markdown page's
RUNNER = """
import sys
ns = {"__name__": "__main__", "__file__": "guide.py"}  # in the temporary folder
for path, line, src in CHUNKS:
    exec(compile("\\n" * (line - 1) + src, path, "exec"), ns)
"""


def runnable_chunks(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """The code a page (or a part of one starting at Markdown line ``first_line``) runs, in order:
    ``(first Markdown line, source)`` pairs (setup comments and unskipped ``python`` blocks). A
    ``docs-test`` comment that does not parse is an error."""
    chunks, skip_next = [], False
    for m in TOKEN.finditer(text):
        line = text.count("\n", 0, m.start()) + first_line + 1  # the first line inside the fence or comment
        if m["skip"] is not None or m["procs"] is not None:  # not run in the page's interpreter
            skip_next = True
        elif m["env"] is not None:
            continue
        elif m["setup"] is not None:
            chunks.append((line, m["setup"]))
        else:
            if not skip_next:
                chunks.append((line, m["code"]))
            skip_next = False
    comments = len(re.findall(r"<!-- docs-test", text))
    parsed = sum(1 for m in TOKEN.finditer(text) if m["code"] is None)
    assert comments == parsed, "a <!-- docs-test ... --> comment is malformed (see docs/writing-docs.md)"
    return chunks


def page_env(text: str) -> dict[str, str]:
    """The environment a page asks for with ``<!-- docs-test: env: NAME=VALUE ... -->`` lines."""
    return dict(item.split("=", 1) for m in TOKEN.finditer(text) if m["env"] for item in m["env"].split())


def process_blocks(text: str) -> list[tuple[int, int, dict[str, str], list[tuple[int, str]]]]:
    """``(Markdown line, processes, environment, chunks)`` of each ``processes:`` block; its chunks
    are the page's setup code above it, then the block."""
    found, setups, pending = [], [], None
    for m in TOKEN.finditer(text):
        line = text.count("\n", 0, m.start()) + 2
        if m["procs"] is not None:
            pending = (int(m["procs"]), dict(item.split("=", 1) for item in m["penv"].split()))
        elif m["setup"] is not None:
            setups.append((line, m["setup"]))
        elif m["code"] is not None and pending is not None:
            found.append((line, *pending, [*setups, (line, m["code"])]))
            pending = None
    return found
