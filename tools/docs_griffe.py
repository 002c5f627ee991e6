"""Griffe extensions for the API pages (mkdocs.yml, mkdocstrings ``extensions:``).

The pages are built by inspecting the imported modules, and inspection gives a plain value
(``rank = 1``, a dict of classes) its type's docstring (``int``'s, ``dict``'s). Such an attribute
has no documentation of its own: the docstring is dropped, so the page does not show it.

A class's bases are shown by their public names: a base that is itself documented under a public
name (``tools/docs_api.py``) shows as that name, linked to its entry (``Layer``, a link to
``dlx.layers.Layer``); an internal base (the
shared ``BaseConv`` of the convolutions, in ``dlx.layers.conv``) is replaced by its own nearest
public bases, so ``Conv2D`` reads "Bases: ``Layer``" (linked), not a private module path.

A method (or property) that overrides a documented one without a docstring of its own shows the
docstring it inherits, as ``inspect.getdoc`` and ``help()`` do: ``Dense.call`` reads ``Layer.call``'s
text (Griffe takes only an object's own ``__doc__``)."""

from __future__ import annotations

import builtins
import functools
import importlib
import importlib.util
import inspect
from pathlib import Path

import griffe

_PACKAGES = ("dlx", "dlx_hub", "dlx_tuner", "dlx_conformance")


class DropBuiltinDocstrings(griffe.Extension):
    def on_attribute_instance(self, *, node, attr, **kwargs):
        inherited = getattr(type(getattr(node, "obj", None)), "__doc__", None)
        if attr.docstring is not None and isinstance(inherited, str) and (
                attr.docstring.value == inspect.cleandoc(inherited)):
            attr.docstring = None


@functools.cache
def _public_names() -> dict[int, str]:
    """``id(class) -> public qualified name`` over the documented API: the name in the class's
    own public module (``dlx.layers.Layer``) rather than a top-level alias (``dlx.Layer``)."""
    import types

    spec = importlib.util.spec_from_file_location("docs_api", Path(__file__).with_name("docs_api.py"))
    api = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(api)
    names: dict[int, list[str]] = {}
    for modname in api.MODULES:
        module = importlib.import_module(modname)
        for name in sorted(api.public_names(module)):
            obj = getattr(module, name)
            if isinstance(obj, type) and not isinstance(obj, types.ModuleType):
                names.setdefault(id(obj), []).append(f"{modname}.{name}")
    return {key: next((n for n in found if n.count(".") > 1), found[0]) for key, found in names.items()}


def public_bases(cls: type) -> list[str]:
    """The names ``cls``'s bases are shown by: a documented base by its public name, one of
    Python's builtins by its bare name, another library's by ``module.qualname``, and an internal
    base of dlx's packages by its own public bases (recursively, each name once)."""
    names = _public_names()
    out = []

    def walk(base):
        if base is object:
            return
        if id(base) in names:
            name = names[id(base)]
        elif base.__module__ == "builtins" and getattr(builtins, base.__name__, None) is base:
            name = base.__name__
        elif base.__module__.split(".")[0] in _PACKAGES:
            for b in base.__bases__:
                walk(b)
            return
        else:
            name = f"{base.__module__}.{base.__qualname__}"
        if name not in out:
            out.append(name)

    for base in cls.__bases__:
        walk(base)
    return out


def _expression(name: str):
    """A documented name as a Griffe name expression (the page links it to its entry); any
    other (``ValueError``, ``abc.ABC``) as plain text."""
    if name.split(".")[0] not in _PACKAGES:
        return name
    parent, _, last = name.rpartition(".")
    return griffe.ExprName(last, parent=parent)


class PublicBases(griffe.Extension):
    def on_class_instance(self, *, node, cls, **kwargs):
        obj = getattr(node, "obj", None)
        if isinstance(obj, type) and obj.__module__.split(".")[0] in _PACKAGES:
            cls.bases = [_expression(name) for name in public_bases(obj)]


def inherited_docstring(cls: type, name: str) -> str | None:
    """The docstring ``cls``'s member ``name`` inherits: that of the nearest class after ``cls``
    in its method resolution order that defines ``name`` with a non-empty docstring (None when
    none does)."""
    for base in cls.__mro__[1:]:
        member = base.__dict__.get(name)
        if member is None:
            continue
        doc = getattr(member.__func__ if isinstance(member, (classmethod, staticmethod)) else member,
                      "__doc__", None)
        if isinstance(doc, str) and doc.strip():
            return inspect.cleandoc(doc)
    return None


class InheritedDocstrings(griffe.Extension):
    def _inherit(self, node, obj, agent):
        if obj.docstring is not None or not isinstance(getattr(node, "parent", None), griffe.ObjectNode):
            return
        cls = node.parent.obj
        if not isinstance(cls, type) or cls.__module__.split(".")[0] not in _PACKAGES:
            return
        doc = inherited_docstring(cls, node.name)
        if doc is not None:
            obj.docstring = griffe.Docstring(doc, parent=obj, parser=agent.docstring_parser,
                                             parser_options=agent.docstring_options)

    def on_function_instance(self, *, node, func, agent, **kwargs):
        self._inherit(node, func, agent)

    def on_attribute_instance(self, *, node, attr, agent, **kwargs):
        if "property" in attr.labels:
            self._inherit(node, attr, agent)
