"""The examples in docstrings run: every ``>>>`` example of every module of dlx, dlx_hub,
dlx_tuner and dlx_conformance (the API reference shows them), on the NumPy backend.

One test per module with examples; ``doctest``'s ``ELLIPSIS`` and ``NORMALIZE_WHITESPACE`` are
on, and an example marked ``# doctest: +SKIP`` (one that needs a download or another framework)
is shown but not run. Warnings are errors here as everywhere in the suite.
"""

from __future__ import annotations

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


@pytest.mark.parametrize("modname", MODULES)
def test_docstring_examples_run(modname, monkeypatch):
    monkeypatch.setenv("DLX_BACKEND", "numpy")
    from dlx.backend import registry

    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report = []
    with registry.use("numpy"):
        for test in _tests(modname):
            runner.run(test, out=report.append)
    failed, attempted = runner.summarize(verbose=False)
    assert failed == 0, f"{failed} of {attempted} examples of {modname} failed:\n" + "".join(report)
