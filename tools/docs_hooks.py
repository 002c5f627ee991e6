"""MkDocs hooks (mkdocs.yml ``hooks:``): the generated API pages, and doctest examples as code.

The guides' figures are drawn by their own code (``tools/docs_figures.py``) and the benchmarks
page (``benchmarks.md``) is generated from ``bench/results/*.json`` (``tools/docs_bench.py``).

The API reference pages (``api/<slug>.md``) and their nav section are generated from
``tools/docs_api.py``'s ``PAGES``, the list the docstring tests check, so the reference cannot
drift from it: one ``:::`` directive per module, listing the module's public names.

A docstring's ``>>>`` lines (and the output lines after them, up to a blank line) would otherwise
read as nested Markdown block quotes; this Markdown preprocessor wraps each such run in a
``pycon`` fence, on the site's pages and in mkdocstrings' API pages alike. It also turns the
Sphinx roles docstrings use (``:class:`~dlx.layers.Layer```) into code spans (``Layer``)."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

from markdown import Extension
from markdown.preprocessors import Preprocessor

_PROMPT = re.compile(r"^(\s*)>>> ")
_ROLE = re.compile(r":(?:class|func|meth|mod|data|attr|exc|obj):`(~?)([^`]+)`")


def _role(m):
    """Sphinx's ``:class:`~a.b.C``` (in docstrings shared with ``help()``) as Markdown code: ``C``."""
    return f"`{m[2].rsplit('.', 1)[-1] if m[1] else m[2]}`"


class _DoctestFences(Preprocessor):
    def run(self, lines):
        out, i, fenced = [], 0, False
        while i < len(lines):
            line = lines[i]
            if line.lstrip().startswith("```"):
                fenced = not fenced
            m = None if fenced else _PROMPT.match(line)
            if m is None:
                out.append(line if fenced else _ROLE.sub(_role, line))
                i += 1
                continue
            indent = m[1]
            block = []
            while i < len(lines) and lines[i].strip() and lines[i].startswith(indent):
                block.append(lines[i][len(indent):])
                i += 1
            out += ["", f"{indent}```pycon", *(indent + b for b in block), f"{indent}```", ""]
        return out


class DoctestFences(Extension):
    def extendMarkdown(self, md):
        md.preprocessors.register(_DoctestFences(md), "dlx_doctest_fences", 27)  # before fenced code


def _tool(name):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _api():
    return _tool("docs_api")


def on_config(config):
    config.markdown_extensions.append(DoctestFences())
    pages = _api().PAGES
    config.nav.append({"API reference": [{title: f"api/{slug}.md"} for slug, (title, _) in pages.items()]})
    return config


def on_files(files, config):
    from mkdocs.exceptions import PluginError
    from mkdocs.structure.files import File

    api = _api()
    for slug in api.PAGES:
        files.append(File.generated(config, f"api/{slug}.md", content=api.page_markdown(slug)))
    figures = _tool("docs_figures")
    try:
        jobs = [job for page in files.documentation_pages() if not page.generated_by
                for job in figures.figure_jobs(page.src_uri, page.content_string)]
        drawn = figures.run_jobs(jobs, docs_dir=config.docs_dir)
    except figures.FigureError as e:
        raise PluginError(f"a guide's figure was not drawn: {e}") from None
    for path, content in drawn.items():
        files.append(File.generated(config, path, content=content))
    try:
        bench = _tool("docs_bench").page_markdown()
    except (OSError, ValueError, KeyError) as e:
        raise PluginError(f"the benchmarks page could not be generated from bench/results/*.json: {e!r}") from None
    files.append(File.generated(config, "benchmarks.md", content=bench))
    return files


# Search ranking. Material's search scores every title that contains the query's term alike
# (Conv2D, Conv2DTranspose, DepthwiseConv2D, the applications' conv2d_bn), then lets the text
# break the tie, where a short function signature that repeats its name wins. Two boosts order
# those ties: entries of dlx's own reference pages rank above the plugins' (dlx_hub's
# applications, dlx_tuner, dlx_conformance) and the guides', and among them a title of fewer
# words first, so the exact name comes before the longer names that contain it.
CORE_BOOST = 1.2
_TAG = re.compile(r"<[^>]+>")


def search_boost(location: str, title: str, separator: str, core_pages: set[str]) -> float:
    """The boost of one search-index entry (``location`` ``api/layers/#dlx.layers.Conv2D``)."""
    page = location.split("#", 1)[0]
    boost = CORE_BOOST if page.startswith("api/") and page[4:].rstrip("/") in core_pages else 1.0
    words = [w for w in re.split(separator, _TAG.sub("", title)) if w] or [""]
    return boost * (1 + 0.01 / len(words))


def on_post_build(config):
    """Runs after the search plugin wrote ``search/search_index.json`` (hooks come after plugins)."""
    from mkdocs.exceptions import PluginError

    path = Path(config.site_dir) / "search" / "search_index.json"
    if not path.is_file():
        raise PluginError(f"{path} is missing: the search index boosts need the search plugin to run first")
    index = json.loads(path.read_text())
    core = {slug for slug, (_, modules) in _api().PAGES.items()
            if any(m == "dlx" or m.startswith("dlx.") for m in modules)}
    separator = index["config"]["separator"]
    for doc in index["docs"]:
        doc["boost"] = round(search_boost(doc["location"], doc["title"], separator, core), 6)
    path.write_text(json.dumps(index, separators=(",", ":")))
