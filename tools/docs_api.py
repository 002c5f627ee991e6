"""The public API surface the documentation covers: one list, read by the site build and the tests.

``PAGES`` maps each API reference page (``docs/api/<slug>.md``, generated at build time by
``tools/docs_hooks.py``) to the modules it documents; :func:`public_objects` gives the public
classes and functions of those modules, which ``core/tests/docs/test_docstrings.py`` checks
(docstring present, ``Arguments:`` equal to the signature) and whose examples
``core/tests/docs/test_doctests.py`` runs. A public name is one in the module's ``__all__``; a
module without ``__all__`` offers the public (no leading ``_``) classes and functions defined in
it or in its submodules (``dlx.random.uniform``, not the ``numpy`` it imports).
"""

from __future__ import annotations

import importlib
import types

PAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    # slug: (title, modules)
    "dlx": ("dlx", ("dlx",)),
    "layers": ("dlx.layers", ("dlx.layers",)),
    "models": ("dlx.models", ("dlx.models",)),
    "ops": ("dlx.ops", ("dlx.ops",)),
    "activations": ("dlx.activations", ("dlx.activations",)),
    "initializers": ("dlx.initializers", ("dlx.initializers",)),
    "regularizers": ("dlx.regularizers", ("dlx.regularizers",)),
    "constraints": ("dlx.constraints", ("dlx.constraints",)),
    "losses": ("dlx.losses", ("dlx.losses",)),
    "metrics": ("dlx.metrics", ("dlx.metrics",)),
    "optimizers": ("dlx.optimizers", ("dlx.optimizers", "dlx.optimizers.schedules", "dlx.optimizers.legacy")),
    "callbacks": ("dlx.callbacks", ("dlx.callbacks",)),
    "saving": ("dlx.saving", ("dlx.saving", "dlx.legacy.saving")),
    "export": ("dlx.export", ("dlx.export",)),
    "random": ("dlx.random", ("dlx.random",)),
    "tree": ("dlx.tree", ("dlx.tree", "dlx.tree_util")),
    "config": ("dlx.config", ("dlx.config",)),
    "backend": ("dlx.backend", ("dlx.backend",)),
    "dtypes": ("dlx.dtypes and dtype policies", ("dlx.dtypes", "dlx.dtype_policies", "dlx.mixed_precision")),
    "quantizers": ("dlx.quantizers", ("dlx.quantizers",)),
    "distribution": ("dlx.distribution", ("dlx.distribution",)),
    "utils": ("dlx.utils", ("dlx.utils", "dlx.utils.bounding_boxes")),
    "datasets": ("dlx.datasets", ("dlx.datasets", *(f"dlx.datasets.{m}" for m in (
        "mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters", "boston_housing",
        "california_housing")))),
    "preprocessing": ("dlx.preprocessing", ("dlx.preprocessing", "dlx.preprocessing.image",
                                            "dlx.preprocessing.sequence")),
    "visualization": ("dlx.visualization", ("dlx.visualization",)),
    "wrappers": ("dlx.wrappers", ("dlx.wrappers",)),
    "distillation": ("dlx.distillation", ("dlx.distillation",)),
    "plugins": ("dlx.plugins", ("dlx.plugins",)),
    "applications": ("dlx.applications", ("dlx_hub.applications", *(f"dlx_hub.applications.{m}" for m in (
        "imagenet_utils", "convnext", "densenet", "efficientnet", "efficientnet_v2", "inception_resnet_v2",
        "inception_v3", "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet", "resnet50",
        "resnet_v2", "vgg16", "vgg19", "xception")))),
    "hub": ("dlx_hub", ("dlx_hub", "dlx_hub.models", "dlx_hub.tokenizers", "dlx_hub.samplers",
                        "dlx_hub.presetlib")),
    "tuner": ("dlx_tuner", ("dlx_tuner", "dlx_tuner.oracles", "dlx_tuner.errors")),
    "conformance": ("dlx_conformance", ("dlx_conformance",)),
}

# dlx's lazy submodules (dlx._SUBMODULES) that have no page of their own, and why
UNDOCUMENTED_SUBMODULES = {
    "variables": "Variable and StatelessScope are documented on the dlx page",
    "trainers": "the engine behind Model.fit; its public face is dlx.models.Model",
    "legacy": "its one public module, dlx.legacy.saving, is on the saving page",
    "applications": "a lazy alias of dlx_hub.applications, documented on the applications page",
}

MODULES: tuple[str, ...] = tuple(m for _, modules in PAGES.values() for m in modules)


def public_names(module: types.ModuleType) -> list[str]:
    """The public names of ``module``: its ``__all__``, or (without one) the public classes and
    functions defined in it or its submodules, sorted."""
    if hasattr(module, "__all__"):
        return list(module.__all__)
    prefix = module.__name__
    names = []
    for name in dir(module):
        obj = getattr(module, name, None)
        owner = getattr(obj, "__module__", None) or ""
        if (not name.startswith("_") and isinstance(obj, (type, types.FunctionType))
                and (owner == prefix or owner.startswith(prefix + "."))):
            names.append(name)
    return sorted(names)


def public_objects(modules=MODULES):
    """``(qualified name, object)`` for each public class and function of ``modules``; an object
    exported under several names (aliases, re-exports) once, under its first name. Values that are
    not classes or functions (constants, submodules, dicts) are not counted."""
    seen = set()
    for modname in modules:
        module = importlib.import_module(modname)
        for name in sorted(public_names(module)):
            obj = getattr(module, name)
            if not isinstance(obj, (type, types.FunctionType)) or id(obj) in seen:
                continue
            seen.add(id(obj))
            yield f"{modname}.{name}", obj


def page_markdown(slug: str) -> str:
    """The Markdown of one API page: a ``:::`` directive per module, listing its public members."""
    title, modules = PAGES[slug]
    out = [f"# `{title}`" if title.startswith("dlx") and " " not in title else f"# {title}", ""]
    for modname in modules:
        module = importlib.import_module(modname)
        members = sorted(n for n in public_names(module) if not isinstance(getattr(module, n), types.ModuleType))
        if len(modules) > 1:
            out += [f"## `{modname}`", ""]
        out += [f"::: {modname}", "    options:", f"      heading_level: {2 if len(modules) == 1 else 3}"]
        out += ["      members:", *(f"        - {m}" for m in members)] if members else ["      members: false"]
        out.append("")
    return "\n".join(out)
