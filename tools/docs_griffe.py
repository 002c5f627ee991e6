"""Griffe extension for the API pages (mkdocs.yml, mkdocstrings ``extensions:``).

The pages are built by inspecting the imported modules, and inspection gives a plain value
(``rank = 1``, a dict of classes) its type's docstring (``int``'s, ``dict``'s). Such an attribute
has no documentation of its own: the docstring is dropped, so the page does not show it."""

from __future__ import annotations

import inspect

import griffe


class DropBuiltinDocstrings(griffe.Extension):
    def on_attribute_instance(self, *, node, attr, **kwargs):
        inherited = getattr(type(getattr(node, "obj", None)), "__doc__", None)
        if attr.docstring is not None and isinstance(inherited, str) and (
                attr.docstring.value == inspect.cleandoc(inherited)):
            attr.docstring = None
