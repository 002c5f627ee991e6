"""``dlx.export``: :class:`ExportArchive`, Keras's API for exports with custom endpoints.

>>> import dlx
>>> archive = dlx.export.ExportArchive()
>>> archive.write_out("/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
ValueError: ExportArchive.write_out: no endpoint was added; ...
"""

from __future__ import annotations

import keyword
from collections.abc import Callable

from dlx.saving import export as _export

_FORMAT = "tf_saved_model"


class ExportArchive:
    """Assembles a TF SavedModel with the endpoints and variable collections you choose
    (Keras's ``keras.export.ExportArchive``).

    Track the layers and models whose variables the endpoints read, add endpoints (functions
    with an input signature, ``training=False`` calls usually), optionally name variable
    collections, then :meth:`write_out`. The archive is written by the ``tf_saved_model``
    exporter's plugin (dlx-tf), whatever backend the tracked objects live on: their variables
    become ``tf.Variable`` s of the SavedModel and every endpoint a ``tf.function`` that reads
    them. An endpoint named ``"serve"`` is also the ``serving_default`` signature.

    Example::

        archive = dlx.export.ExportArchive()
        archive.track(model)
        archive.add_endpoint("serve", lambda x: model(x, training=False),
                             input_signature=[dlx.saving.export.TensorSpec((None, 3), "float32")])
        archive.add_variable_collection("weights", model.weights)
        archive.write_out("path/to/location")

        # elsewhere, with TensorFlow only
        reloaded = tf.saved_model.load("path/to/location")
        reloaded.serve(x)
        reloaded.weights  # the tf.Variables, in the order given

    Arguments:
        format: ``"saved_model"``, the only format dlx writes.
        **kwargs: no other keyword is accepted.

    Raises:
        ValueError: for another ``format``.
        TypeError: for any other keyword argument.
    """

    def __init__(self, format="saved_model", **kwargs):
        if format != "saved_model":
            raise ValueError(f"ExportArchive: format={format!r} is not supported; dlx writes 'saved_model' "
                             "(Keras's 'neptune_model' is a TPU-serving format dlx does not offer)")
        if kwargs:
            raise TypeError(f"ExportArchive: unexpected arguments {sorted(kwargs)}")
        self._tracked: list = []
        self._variables: dict[int, object] = {}
        self._endpoints: dict[str, tuple[Callable, list]] = {}
        self._collections: dict[str, list] = {}

    @property
    def tracked(self) -> list:
        """The tracked objects, in tracking order."""
        return list(self._tracked)

    @property
    def endpoint_names(self) -> list[str]:
        return list(self._endpoints)

    @property
    def variables(self) -> list:
        """Every variable of the tracked objects (each once)."""
        return list(self._variables.values())

    def track(self, resource) -> None:
        """Tracks a built layer or model (or a metric, optimizer or single variable): the variables
        its endpoints read must all belong to tracked objects.

        Raises:
            ValueError: for an unbuilt layer, or an object without variables.
        """
        from dlx.variables import Variable

        if isinstance(resource, Variable):
            found = [resource]
        else:
            if getattr(resource, "built", True) is False:
                raise ValueError(f"ExportArchive.track: {type(resource).__name__} '{getattr(resource, 'name', '?')}' "
                                 "is not built; call it on data (or build() it) first")
            found = getattr(resource, "variables", None)
            if found is None:
                raise ValueError(f"ExportArchive.track: resource={resource!r}; expected a dlx layer, model, metric, "
                                 "optimizer or Variable")
        self._tracked.append(resource)
        for v in found:
            self._variables.setdefault(id(v), v)

    def add_endpoint(self, name: str, fn: Callable, input_signature=None, **kwargs) -> None:
        """Adds an endpoint: ``fn`` traced with ``input_signature`` (one spec per positional
        argument: :class:`dlx.saving.export.TensorSpec`, ``(shape, dtype)``, a ``dlx.InputSpec``
        or anything with ``shape`` and ``dtype`` such as ``tf.TensorSpec``; ``None`` dimensions
        stay free). ``fn`` returns a tensor, or a list / tuple / dict of them.

        Raises:
            ValueError: for a bad or duplicate ``name``, a missing ``input_signature``.
            TypeError: for a ``fn`` that is not callable or an unknown keyword argument.
        """
        if kwargs:
            raise TypeError(f"ExportArchive.add_endpoint: unexpected keyword argument(s) {sorted(kwargs)}")
        self._check_name(name, "add_endpoint")
        if name in self._endpoints:
            raise ValueError(f"ExportArchive.add_endpoint: an endpoint named {name!r} already exists")
        if not callable(fn):
            raise TypeError(f"ExportArchive.add_endpoint: fn={fn!r} is not callable")
        if input_signature is None:
            raise ValueError(f"ExportArchive.add_endpoint({name!r}): input_signature is required (one spec per "
                             "positional argument of fn, e.g. [dlx.saving.export.TensorSpec((None, 3), 'float32')])")
        if not isinstance(input_signature, (list, tuple)):
            raise ValueError(f"ExportArchive.add_endpoint({name!r}): input_signature={input_signature!r}; expected a "
                             "list with one spec per positional argument of fn")
        specs = _export.input_signature(None, list(input_signature)) if input_signature else []
        self._endpoints[name] = (fn, specs)

    def track_and_add_endpoint(self, name: str, resource, input_signature, **kwargs) -> None:
        """:meth:`track` ``resource`` and add it as the endpoint ``name`` (called with
        ``training=False``)."""
        self.track(resource)
        self.add_endpoint(name, lambda *args: resource(*args, training=False), input_signature, **kwargs)

    def add_variable_collection(self, name: str, variables) -> None:
        """Stores ``variables`` (of tracked objects) as the list attribute ``name`` of the
        SavedModel.

        Raises:
            ValueError: for a bad name, a variable of no tracked object, or not a list of variables.
        """
        from dlx.variables import Variable

        self._check_name(name, "add_variable_collection")
        if not isinstance(variables, (list, tuple, set)):
            raise ValueError(f"ExportArchive.add_variable_collection({name!r}): variables={variables!r}; expected a "
                             "list, tuple or set of dlx Variables")
        out = []
        for v in variables:
            if not isinstance(v, Variable):
                raise ValueError(f"ExportArchive.add_variable_collection({name!r}): {v!r} is not a dlx Variable")
            if id(v) not in self._variables:
                raise ValueError(f"ExportArchive.add_variable_collection({name!r}): variable {v.path!r} belongs to no "
                                 "tracked object; call track() on its layer or model first")
            out.append(v)
        self._collections[name] = out

    def write_out(self, filepath, options=None, verbose: bool = True) -> None:
        """Writes the SavedModel folder (crash-safely). ``options``: a ``tf.saved_model.SaveOptions``.

        Raises:
            ValueError: when no endpoint was added, or an endpoint reads a variable of no tracked
                object.
            ImportError: when no ``tf_saved_model`` exporter is installed (the dlx-tf plugin).
        """
        if not self._endpoints:
            raise ValueError("ExportArchive.write_out: no endpoint was added; call add_endpoint() or "
                             "track_and_add_endpoint() first")
        rec = _export.exporters().get(_FORMAT)
        if rec is None:
            raise ImportError("ExportArchive.write_out writes a TF SavedModel, which needs the dlx-tf plugin "
                              f"(installed exporters: {sorted(_export.exporters()) or 'none'})")
        module = rec.target.partition(":")[0]
        writer = _export._load_target(type(rec)(format=rec.format, target=f"{module}:write_export_archive",
                                                requires=rec.requires, distribution=rec.distribution))
        writer(self, filepath, options=options, verbose=verbose)

    @staticmethod
    def _check_name(name, where: str) -> None:
        if not isinstance(name, str) or not name.isidentifier() or keyword.iskeyword(name) or name.startswith("_"):
            raise ValueError(f"ExportArchive.{where}: name={name!r}; expected a Python identifier not starting with "
                             "'_' (it becomes an attribute of the SavedModel)")


__all__ = ["ExportArchive"]
