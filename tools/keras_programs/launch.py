"""Run one Keras program under the harness: ``python launch.py IMPL PROGRAM.py``.

IMPL is ``dlx`` (``import keras`` resolves to dlx: ``keras`` and every ``keras.<sub>`` module are
aliased to ``dlx`` / ``dlx.<sub>``) or ``keras`` (the real Keras 3). Both runs get the same offline
stand-ins for downloads and the same caps on training (``standins.py``); the backend comes from
``KERAS_BACKEND`` (Keras) or ``DLX_BACKEND`` (dlx), which the runner sets.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import os
import runpy
import sys


class _KerasToDlx(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """``import keras.x.y`` gives the module ``dlx.x.y`` (the same object, under both names)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        target_name = "dlx" + fullname[len("keras") :]
        if importlib.util.find_spec(target_name) is None:
            return None  # -> ModuleNotFoundError: No module named 'keras.x', as a missing module reads
        return importlib.util.spec_from_loader(fullname, self, is_package=True)

    def create_module(self, spec):
        return importlib.import_module("dlx" + spec.name[len("keras") :])

    def exec_module(self, module):
        pass


def main() -> None:
    impl, program = sys.argv[1], sys.argv[2]
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    if impl == "dlx":
        sys.meta_path.insert(0, _KerasToDlx())
    import standins  # after the alias: it patches whatever ``keras`` is

    with open(program, encoding="utf-8") as f:
        standins.install(f.read())
    sys.argv = [program]
    sys.path[0] = os.path.dirname(os.path.abspath(program))
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main()
