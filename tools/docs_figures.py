"""The guides' figures, drawn at build time by the guides' own code (docs/writing-docs.md).

A guide shows a picture its code makes (a ``plot_model`` diagram, ``History`` curves drawn with
matplotlib) by an image link into ``figures/<page>/``: ``![...](figures/layers/sequential.svg)``
on ``docs/layers.md``. Nothing under ``figures/`` is committed. The build runs the code of the
image's *section* -- the setup comments and ``python`` blocks from the heading above the image
down to the image -- in a fresh interpreter on the NumPy backend (with the page's ``env:``), in
an empty working folder, and takes ``sequential.svg`` from that folder. So the picture is what
the code printed above it makes, and a section that draws a figure runs on its own.

A section whose code fails, or does not write a file its images name, fails the build with the
code's output.
"""

from __future__ import annotations

import importlib.util
import os
import posixpath
import re
import subprocess
import sys
import tempfile
from pathlib import Path

FIGURES = "figures"
_IMAGE = re.compile(r"!\[[^\]]*\]\((?P<link>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6} ")
_CODE_SPAN = re.compile(r"(`+).+?\1")


def _code():
    spec = importlib.util.spec_from_file_location("docs_code", Path(__file__).with_name("docs_code.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class FigureError(RuntimeError):
    """A page's figure could not be made: its section's code failed or did not write the file."""


def _prose_lines(text: str) -> list[bool]:
    """For each line of the page: whether it is prose (outside code fences and HTML comments)."""
    prose, fenced, comment = [], False, False
    for line in text.split("\n"):
        stripped = line.lstrip()
        if comment:
            prose.append(False)
            comment = "-->" not in line
        elif stripped.startswith("```"):
            prose.append(False)
            fenced = not fenced
        elif fenced:
            prose.append(False)
        elif stripped.startswith("<!--") and "-->" not in line:
            prose.append(False)
            comment = True
        else:
            prose.append(True)
    return prose


def figure_links(src_uri: str, text: str) -> list[tuple[int, str]]:
    """``(line index, site path)`` of each image of page ``src_uri`` (``layers.md``) that links
    into ``figures/``; a figure must live in the page's own folder, ``figures/<page>/``."""
    page_dir = posixpath.dirname(src_uri)
    own = f"{FIGURES}/{src_uri.removesuffix('.md')}/"
    found = []
    for i, (line, prose) in enumerate(zip(text.split("\n"), _prose_lines(text))):
        if not prose:
            continue
        for m in _IMAGE.finditer(_CODE_SPAN.sub("", line)):  # not an image shown as code
            path = posixpath.normpath(posixpath.join(page_dir, m["link"]))
            if path.startswith(FIGURES + "/"):
                if not path.startswith(own) or "/" in path[len(own):]:
                    raise FigureError(f"{src_uri}:{i + 1}: the figure {m['link']!r} is not in the page's own "
                                      f"folder {own} (a page's code draws its own figures)")
                found.append((i, path))
    return found


def figure_jobs(src_uri: str, text: str) -> list[dict]:
    """One job per section that has figures: ``{"page", "line", "chunks", "env", "files"}``,
    ``chunks`` the code from the section's heading down to its last figure, ``files`` the site
    paths of its figures."""
    links = figure_links(src_uri, text)
    if not links:
        return []
    code = _code()
    lines = text.split("\n")
    prose = _prose_lines(text)
    heads = [i for i, line in enumerate(lines) if prose[i] and _HEADING.match(line)]
    sections: dict[int, list[tuple[int, str]]] = {}
    for i, path in links:
        start = max((h for h in heads if h < i), default=0)
        sections.setdefault(start, []).append((i, path))
    env = {"DLX_BACKEND": "numpy", "MPLBACKEND": "Agg", **code.page_env(text)}
    jobs = []
    for start, figs in sections.items():
        end = max(i for i, _ in figs)
        part = "\n".join(lines[start:end + 1]) + "\n"
        chunks = code.runnable_chunks(part, first_line=start + 1)
        jobs.append({"page": src_uri, "line": start + 1, "chunks": chunks, "env": env,
                     "files": sorted({path for _, path in figs})})
    return jobs


def run_jobs(jobs: list[dict], docs_dir: str = "docs", timeout: float = 600) -> dict[str, bytes]:
    """Runs the jobs (at once, each in a fresh interpreter and an empty folder); returns the
    figures, ``{site path: bytes}``. Raises FigureError naming the page, the section's line and
    the missing file, with the code's output."""
    code = _code()
    figures = {}
    with tempfile.TemporaryDirectory(prefix="dlx-docs-figures-") as tmp:
        running = []
        for n, job in enumerate(jobs):
            cwd = Path(tmp) / str(n)
            cwd.mkdir()
            chunks = [(posixpath.join(docs_dir, job["page"]), line, src) for line, src in job["chunks"]]
            proc = subprocess.Popen([sys.executable, "-c", f"CHUNKS = {chunks!r}\n{code.RUNNER}"], cwd=cwd,
                                    env={**os.environ, **job["env"]}, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)
            running.append((job, cwd, proc))
        for job, cwd, proc in running:
            try:
                out, _ = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                out, _ = proc.communicate()
                raise FigureError(f"{job['page']}:{job['line']}: the section's code ran past {timeout:.0f} s "
                                  f"drawing {job['files']}:\n{out[-4000:]}") from None
            where = f"{job['page']}:{job['line']}"
            if proc.returncode != 0:
                raise FigureError(f"{where}: the code of the section that draws {job['files']} failed "
                                  f"(exit {proc.returncode}):\n{out[-6000:]}")
            for path in job["files"]:
                made = cwd / posixpath.basename(path)
                if not made.is_file() or made.stat().st_size == 0:
                    raise FigureError(f"{where}: the section's code ran but wrote no {made.name!r}, which its "
                                      f"image {path!r} shows (files written: "
                                      f"{sorted(p.name for p in cwd.iterdir())})")
                figures[path] = made.read_bytes()
    return figures


def page_figures(src_uri: str, text: str, docs_dir: str = "docs") -> dict[str, bytes]:
    """The figures of one page, ``{site path: bytes}``."""
    return run_jobs(figure_jobs(src_uri, text), docs_dir)
