"""MkDocs hook (mkdocs.yml ``hooks:``): renders docstrings' doctest examples as code.

A docstring's ``>>>`` lines (and the output lines after them, up to a blank line) would otherwise
read as nested Markdown block quotes; this Markdown preprocessor wraps each such run in a
``pycon`` fence, on the site's pages and in mkdocstrings' API pages alike."""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

_PROMPT = re.compile(r"^(\s*)>>> ")


class _DoctestFences(Preprocessor):
    def run(self, lines):
        out, i, fenced = [], 0, False
        while i < len(lines):
            line = lines[i]
            if line.lstrip().startswith("```"):
                fenced = not fenced
            m = None if fenced else _PROMPT.match(line)
            if m is None:
                out.append(line)
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


def on_config(config):
    config.markdown_extensions.append(DoctestFences())
    return config
