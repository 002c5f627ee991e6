"""Docstring coverage of the public API: every public class and function of the modules the API
reference documents (``tools/docs_api.py``: dlx and its public submodules, dlx_hub, dlx_tuner,
dlx_conformance) has a docstring, and every one whose signature (a class: its ``__init__``) takes
named parameters has an ``Arguments:`` (or ``Args:``) section naming exactly those parameters.
No exceptions are listed: coverage is 100%.

Every public method of those classes (a function, classmethod or staticmethod in the class's own
``vars()``, name without a leading ``_``) has a docstring, its own or the one it inherits from the
method it overrides (``inspect.getdoc``; the API pages show the inherited text, ``tools/docs_griffe.py``).
No exceptions are listed here either.
``cd core/tests && python -m docs.test_docstrings`` prints the coverage.
"""

from __future__ import annotations

import fnmatch
import inspect
import re
import types

from .site import load_api, load_tool

API = load_api()
_INHERITED = load_tool("docs_griffe").inherited_docstring
_SECTION = re.compile(r"^(\s*)(Arguments|Args|Parameters):\s*$")
_VARARG = re.compile(r"^\*{1,2}(?=[A-Za-z])")
_ENTRY = re.compile(r"^([\w*]+(?:\s*,\s*[\w*]+)*)\s*(?:\([^)]*\))?:(?:\s|$)")


def documented_arguments(doc: str) -> tuple[list[str], list[str]] | None:
    """``(names, malformed entries)`` of a docstring's ``Arguments:`` section (``a, b: ...``
    lines give both names), or None when the docstring has no such section."""
    lines = inspect.cleandoc(doc).splitlines()
    for i, line in enumerate(lines):
        m = _SECTION.match(line)
        if m is None:
            continue
        header, names, bad, entry_indent = len(m[1]), [], [], None
        for body in lines[i + 1:]:
            if not body.strip():
                continue
            indent = len(body) - len(body.lstrip())
            if indent <= header:
                break
            if entry_indent is None:
                entry_indent = indent
            if indent == entry_indent:
                entry = _ENTRY.match(body.strip())
                if entry is None:
                    bad.append(body.strip())
                else:
                    names += [n.strip() for n in entry[1].split(",")]
        return names, bad
    return None


def _parameters(obj) -> list[inspect.Parameter] | None:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [p for p in sig.parameters.values() if p.name not in ("self", "cls")]


def _named_parameters(obj) -> list[str]:
    """The parameters a docstring must document (``*args`` / ``**kwargs`` may be left out)."""
    return [p.name for p in _parameters(obj) or [] if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def argument_problems(obj, names: list[str]) -> list[str]:
    """How the documented ``names`` disagree with ``obj``'s signature (empty when they agree).
    ``*_initializer`` style wildcards match by pattern; ``*args`` / ``**kwargs`` may be left out;
    with ``**kwargs`` in the signature, the keywords it accepts may be documented too."""
    params = _parameters(obj)
    if params is None:
        return []
    spelled = {p.name: ("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else "") + p.name
               for p in params}
    patterns = [_VARARG.sub("", n) for n in names]  # "*args" -> "args"; "*_initializer" stays a pattern
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in params)  # documents keywords it accepts
    problems = []
    for n, pattern in zip(names, patterns):
        if not fnmatch.filter(spelled, pattern) and not takes_kwargs:
            which = "matches no parameter" if "*" in pattern else "is not a parameter"
            problems.append(f"documents {n!r}, which {which}")
    covered = {p for p in spelled if any(fnmatch.fnmatchcase(p, pattern) for pattern in patterns)}
    problems += [f"does not document {spelled[p]!r}" for p in spelled
                 if p not in covered and not spelled[p].startswith("*")]
    return problems


def gaps() -> tuple[dict[str, str], int]:
    """The public names with a docstring problem (name -> problem) and how many were checked."""
    found, total = {}, 0
    for qualname, obj in API.public_objects():
        total += 1
        doc = obj.__dict__.get("__doc__") if isinstance(obj, type) else obj.__doc__
        if not doc or not doc.strip():
            found[qualname] = "no docstring"
            continue
        section = documented_arguments(doc)
        target = obj.__init__ if isinstance(obj, type) else obj
        if section is None and _named_parameters(target):
            found[qualname] = "no Arguments section (it takes " + ", ".join(_named_parameters(target)) + ")"
            continue
        problems = [] if section is None else [
            *(f"malformed entry {b!r}" for b in section[1]), *argument_problems(target, section[0])]
        if problems:
            found[qualname] = "; ".join(problems)
    return found, total


def public_methods():
    """``(qualified name, class, method name, function)`` for each public method defined on a
    public class: functions, classmethods and staticmethods of ``vars(cls)`` (not properties)."""
    for qualname, cls in API.public_objects():
        if not isinstance(cls, type):
            continue
        for name, member in vars(cls).items():
            func = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            if not name.startswith("_") and isinstance(func, types.FunctionType):
                yield f"{qualname}.{name}", cls, name, func


def method_gaps() -> tuple[list[str], int, int]:
    """The public methods with no docstring, own or inherited; how many have no docstring of
    their own; how many were checked."""
    missing, own_missing, total = [], 0, 0
    for qualname, cls, name, func in public_methods():
        total += 1
        if func.__doc__ and func.__doc__.strip():
            continue
        own_missing += 1
        if _INHERITED(cls, name) is None:
            missing.append(qualname)
    return sorted(missing), own_missing, total


def test_parser_and_checker():
    def f(units, kernel_initializer=None, bias_initializer=None, *, seed=None, **kwargs):
        pass

    doc = """Summary.

        Arguments:
            units: output size, wrapped
                over two lines.
            *_initializer: initializers.
            seed (int): a seed.
            **kwargs: base arguments.

        Returns:
            x: not an argument.
        """
    names, bad = documented_arguments(doc)
    assert names == ["units", "*_initializer", "seed", "**kwargs"] and bad == []
    assert argument_problems(f, names) == []
    assert _named_parameters(f) == ["units", "kernel_initializer", "bias_initializer", "seed"]
    def g(units, kernel_initializer=None, bias_initializer=None, *, seed=None):
        pass

    assert argument_problems(g, ["units", "seeds"]) == [
        "documents 'seeds', which is not a parameter", "does not document 'kernel_initializer'",
        "does not document 'bias_initializer'", "does not document 'seed'"]
    assert argument_problems(f, [*names, "input_shape"]) == []  # a keyword **kwargs takes
    assert documented_arguments("No section.") is None
    assert documented_arguments("S.\n\nArgs:\n    a/b: both.\n")[1] == ["a/b: both."]


def test_public_docstrings():
    found, total = gaps()
    assert total > 1000  # the whole public surface is checked, not a corner of it
    assert not found, f"{len(found)} of {total} public names with docstring problems:\n" + "\n".join(
        f"  {k}: {v}" for k, v in sorted(found.items()))


def test_public_method_docstrings():
    missing, own_missing, total = method_gaps()
    assert total > 800 and own_missing > 0  # every public class's methods are checked, overrides included
    assert not missing, f"{len(missing)} of {total} public methods without a docstring, own or inherited:\n" + (
        "\n".join(f"  {n}" for n in missing))


def test_method_arguments_sections():
    """A public method's own ``Arguments:`` section, where it has one, names its parameters."""
    found = {}
    for qualname, _, _, func in public_methods():
        section = documented_arguments(func.__doc__) if func.__doc__ else None
        if section is not None:
            problems = [*(f"malformed entry {b!r}" for b in section[1]), *argument_problems(func, section[0])]
            if problems:
                found[qualname] = "; ".join(problems)
    assert not found, "\n".join(f"  {k}: {v}" for k, v in sorted(found.items()))


def test_inherited_docstring():
    class Base:
        def f(self):
            """Base text."""

        @classmethod
        def g(cls):
            """Base g."""

    class Mid(Base):
        def f(self):
            pass

    class Leaf(Mid):
        def f(self):
            pass

        @classmethod
        def g(cls):
            pass

        def h(self):
            pass

    assert _INHERITED(Leaf, "f") == "Base text."  # the nearest documented override, past Mid's
    assert _INHERITED(Leaf, "g") == "Base g."
    assert _INHERITED(Leaf, "h") is None


def test_api_pages_cover_every_public_submodule():
    """Each of dlx's lazy submodules has a page of the API reference, or a stated reason not to."""
    import dlx

    documented = {m.split(".")[1] for m in API.MODULES if m.startswith("dlx.")}
    missing = sorted(set(dlx._SUBMODULES) - documented - set(API.UNDOCUMENTED_SUBMODULES))
    assert not missing, f"dlx submodules with no API page (add them to tools/docs_api.py PAGES): {missing}"


if __name__ == "__main__":
    found, total = gaps()
    for k, v in sorted(found.items()):
        print(f"{k}  # {v}")
    print(f"# {total - len(found)} / {total} public names clean ({100 * (total - len(found)) / total:.1f}%)")
    missing, own_missing, total = method_gaps()
    for name in missing:
        print(f"{name}  # no docstring, own or inherited")
    print(f"# {total} public methods: {total - own_missing} with their own docstring, "
          f"{own_missing - len(missing)} inheriting one, {len(missing)} with none")
