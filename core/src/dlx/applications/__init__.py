"""``dlx.applications``: Keras Applications (ResNet, VGG, MobileNet, EfficientNet, DenseNet,
ConvNeXt, Xception, Inception, NASNet), provided by the ``dlx-hub`` plugin.

This package is a thin, lazy namespace: nothing loads until a name is used, and then the name
comes from ``dlx_hub.applications`` (the same objects, so ``dlx.applications.resnet50`` is
``dlx_hub.applications.resnet50``). Without the plugin, using a name raises an ImportError that
says to install ``dlx[hub]``.

>>> import dlx
>>> model = dlx.applications.ResNet50(weights=None)        # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

PROVIDER = "dlx_hub.applications"


def _provider():
    try:
        return importlib.import_module(PROVIDER)
    except ModuleNotFoundError as e:
        if e.name is not None and PROVIDER.startswith(e.name):
            raise ImportError("dlx.applications is provided by the dlx-hub plugin, which is not installed: "
                              "install dlx[hub] (pip install dlx-hub)") from e
        raise


def _family(name):
    """The provider's family module, also registered as ``dlx.applications.<name>``."""
    module = importlib.import_module(f"{PROVIDER}.{name}")
    sys.modules.setdefault(f"{__name__}.{name}", module)
    return module


def __getattr__(name):
    if name.startswith("_"):
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    provider = _provider()
    if name in provider.FAMILIES:
        return _family(name)
    if name in provider.MODELS:
        return getattr(provider, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    try:
        provider = _provider()
    except ImportError:
        return sorted(globals())
    return sorted([*globals(), *provider.FAMILIES, *provider.MODELS])


class _FamilyFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Makes ``import dlx.applications.<family>`` give the provider's module itself (one module
    object under two names, never a second copy)."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, family = fullname.rpartition(".")
        if package != __name__ or not family or family.startswith("_"):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        family = spec.name.rpartition(".")[2]
        provider = _provider()
        if family not in provider.FAMILIES:
            raise ModuleNotFoundError(f"No module named {spec.name!r}", name=spec.name)
        return importlib.import_module(f"{PROVIDER}.{family}")

    def exec_module(self, module):
        return None


if not any(isinstance(f, _FamilyFinder) for f in sys.meta_path):
    sys.meta_path.append(_FamilyFinder())
