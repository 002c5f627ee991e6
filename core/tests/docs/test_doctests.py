"""The examples in docstrings run: every ``>>>`` example of every module of dlx, dlx_hub,
dlx_tuner and dlx_conformance (the API reference shows them), on the NumPy backend.

One test per module with examples; ``doctest``'s ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` are
on, and an example marked ``# doctest: +SKIP`` (one that needs a download or another framework)
is shown but not run. Warnings are errors here as everywhere in the suite. What a docstring's
examples register in the global serialization registry (``doc>Scale``, ``DocExample>Double``)
is removed after that docstring's run, so no example changes what later tests see.
"""

from __future__ import annotations

import contextlib
import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ("dlx", "dlx_hub", "dlx_tuner", "dlx_conformance")
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        root = importlib.import_module(package)
        names.append(package)
        names += [m.name for m in pkgutil.walk_packages(root.__path__, f"{package}.")
                  if not m.name.endswith("__main__")]
    return sorted(names)


def _tests(modname: str) -> list[doctest.DocTest]:
    module = importlib.import_module(modname)
    return [t for t in doctest.DocTestFinder().find(module, modname) if t.examples]


MODULES = [m for m in _modules() if _tests(m)]


def test_examples_are_found():
    assert len(MODULES) >= 50, MODULES  # a broken finder must not pass by running nothing
    assert sum(len(_tests(m)) for m in MODULES) >= 100


@contextlib.contextmanager
def _registry_restored():
    """The global serialization registry (both of its maps) as it was before, afterwards: the
    maps are restored in place, as modules hold references to them."""
    from dlx import serialization

    maps = (serialization._GLOBAL_CUSTOM_OBJECTS, serialization._GLOBAL_CUSTOM_NAMES)
    saved = [dict(m) for m in maps]
    try:
        yield
    finally:
        for m, before in zip(maps, saved):
            m.clear()
            m.update(before)


@pytest.mark.parametrize("modname", MODULES)
def test_docstring_examples_run(modname, monkeypatch):
    monkeypatch.setenv("DLX_BACKEND", "numpy")
    from dlx.backend import registry

    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    with registry.use("numpy"):
        for test in _tests(modname):
            with _registry_restored():
                runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples of {modname} failed:\n" + "".join(report)


def test_examples_leave_the_serialization_registry_as_they_found_it(monkeypatch):
    """The serialization module's examples register ``doc>Scale``, ``DocExample>Double`` and
    ``DocExample>Half``; after their run the registry holds exactly what it held before."""
    from dlx import saving, serialization

    before = dict(saving.get_custom_objects()), dict(serialization._GLOBAL_CUSTOM_NAMES)
    test_docstring_examples_run("dlx.serialization", monkeypatch)
    after = dict(saving.get_custom_objects()), dict(serialization._GLOBAL_CUSTOM_NAMES)
    assert not {"doc>Scale", "DocExample>Double", "DocExample>Half"} & set(after[0])
    assert after == before
