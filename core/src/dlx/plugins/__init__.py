"""dlx's plugin host: pluggy hook specs and entry-point loading (group ``"dlx"``).

A plugin is a module with ``@hookimpl`` functions, advertised through an entry point in the
``dlx`` group::

    [project.entry-points.dlx]
    mybackend = "my_package.plugin"

The module must import no ML framework: hooks return small records with a lazy import path.
"""

from __future__ import annotations

import dataclasses

import pluggy

hookspec = pluggy.HookspecMarker("dlx")
hookimpl = pluggy.HookimplMarker("dlx")


@dataclasses.dataclass(frozen=True)
class BackendRecord:
    """What a plugin says about a backend, without importing its framework.

    Arguments:
        name: the backend name users select (``"jax"``).
        target: ``"module:Class"`` of the :class:`dlx.backend.Backend` subclass, imported lazily.
        aliases: other accepted names (``("tensorflow",)``).
        requires: top-level modules that must be importable for the backend to be usable.
        priority: automatic selection picks the highest-priority usable backend.
        auto_select: ``False`` keeps a backend out of automatic selection (inference-only ones).
        description: one line for ``python -m dlx info``.
        distribution: the distribution that provides it (for messages).
        layer_mixin: ``"module:Class"`` of a class every layer created while the backend is
            active also inherits, after the dlx class in the MRO, so models are native objects
            of the framework (torch: a ``torch.nn.Module`` mixin). It may define
            ``dlx_initialize(obj)``, called on each new layer. Imported on first use only.

    Example:

    >>> import dlx
    >>> record = dlx.backend.records()["numpy"]  # the built-in backend's record
    >>> record.name, record.target
    ('numpy', 'dlx.backends.numpy.backend:NumpyBackend')
    >>> from dlx.plugins import BackendRecord
    >>> BackendRecord(name="mine", target="my_pkg.backend:MyBackend", requires=("my_framework",)).priority
    0
    """

    name: str
    target: str
    aliases: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    priority: int = 0
    auto_select: bool = True
    description: str = ""
    distribution: str = ""
    layer_mixin: str = ""


@dataclasses.dataclass(frozen=True)
class DataAdapterRecord:
    """A data adapter a plugin provides, without importing it.

    Arguments:
        name: a short name for messages (``"grain"``).
        target: ``"module:Class"`` of a :class:`dlx.trainers.data_adapters.DataAdapter` subclass
            with a ``can_handle(x, y=None)`` classmethod; imported on first use.
        description: one line for ``python -m dlx info``.

    Example:

    >>> from dlx.plugins import DataAdapterRecord
    >>> DataAdapterRecord(name="mine", target="my_pkg.adapter:MyAdapter")
    DataAdapterRecord(name='mine', target='my_pkg.adapter:MyAdapter', description='')
    """

    name: str
    target: str
    description: str = ""


@dataclasses.dataclass(frozen=True)
class ExporterRecord:
    """A model exporter a plugin provides for ``model.export(path, format=...)``, without
    importing its framework.

    Arguments:
        format: the ``format=`` name users pass (``"openvino"``).
        target: ``"module:function"`` of the exporter, imported on first use; it is called as
            ``function(model, filepath, verbose=..., input_signature=..., **kwargs)``.
        requires: top-level modules that must be importable for the exporter to work.
        description: one line for messages and ``python -m dlx info``.
        distribution: the distribution that provides it.

    Example:

    >>> from dlx.plugins import ExporterRecord
    >>> ExporterRecord(format="mine", target="my_pkg.export:export_mine").requires
    ()
    """

    format: str
    target: str
    requires: tuple[str, ...] = ()
    description: str = ""
    distribution: str = ""


@dataclasses.dataclass(frozen=True)
class OracleRecord:
    """A hyperparameter-search algorithm (an oracle) a plugin provides, without importing it.

    Arguments:
        name: the name tuners accept (``Tuner(oracle="random")``).
        target: ``"module:Class"`` of the oracle class (a ``dlx_tuner.Oracle`` subclass),
            imported on first use.
        requires: top-level modules that must be importable for the oracle to work.
        description: one line for messages.
        distribution: the distribution that provides it.

    Example:

    >>> from dlx.plugins import OracleRecord
    >>> OracleRecord(name="mine", target="my_pkg.search:MyOracle")
    OracleRecord(name='mine', target='my_pkg.search:MyOracle', requires=(), description='', distribution='')
    """

    name: str
    target: str
    requires: tuple[str, ...] = ()
    description: str = ""
    distribution: str = ""


@dataclasses.dataclass(frozen=True)
class PresetRecord:
    """A pretrained-model preset a plugin publishes, without loading (or importing) anything.

    Arguments:
        name: the name users pass to ``from_preset`` (``"all_minilm_l6_v2_en"``).
        location: where the preset lives: a local folder or file, ``"hf://org/model"``, or
            ``"package://module/relative/path"`` -- a file or folder shipped inside an installed
            distribution, located with ``importlib.util.find_spec`` (the module is not imported).
        description: one line for listings.
        family: the model family (``"bert"``, ``"llama"``), for listings and filtering.
        tasks: the task classes the preset serves (``("TextEmbedder",)``).
        requires: top-level modules (or ``package://`` modules) that must be findable for the
            preset to be usable; ``presets`` lists only usable ones.
        distribution: the distribution that publishes the record.

    Example:

    >>> from dlx.plugins import PresetRecord
    >>> preset = PresetRecord(name="my_bert_en", location="package://my_pkg/weights", family="bert")
    >>> preset.name, preset.tasks
    ('my_bert_en', ())
    """

    name: str
    location: str
    description: str = ""
    family: str = ""
    tasks: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    distribution: str = ""


class DlxHookSpecs:
    """The hooks a dlx plugin implements (pluggy hook specifications of project ``"dlx"``).

    A plugin module defines functions of these names decorated with :data:`hookimpl` and registers
    itself under the ``dlx`` entry-point group; each hook returns records that name where the
    implementation lives, so discovery imports nothing heavy. The hooks: ``dlx_backends``,
    ``dlx_presets``, ``dlx_exporters``, ``dlx_data_adapters``, ``dlx_oracles``.
    """

    @hookspec
    def dlx_backends(self) -> list[BackendRecord]:
        """Return the backends this plugin provides.

        >>> from dlx.plugins import hookimpl, BackendRecord
        >>> @hookimpl
        ... def dlx_backends():
        ...     return [BackendRecord(name="mine", target="my_pkg.backend:MyBackend")]
        """

    @hookspec
    def dlx_presets(self) -> list[PresetRecord]:
        """Return pretrained-model presets (records with a ``name`` and a ``location``) this plugin
        publishes; ``dlx_hub``'s ``from_preset(name)`` and ``presets`` read them.

        >>> from dlx.plugins import hookimpl, PresetRecord
        >>> @hookimpl
        ... def dlx_presets():
        ...     return [PresetRecord(name="my_bert_en", location="package://my_pkg/weights")]
        """

    @hookspec
    def dlx_exporters(self) -> list[ExporterRecord]:
        """Return model exporters (records with ``format`` and a lazy ``target``) this plugin
        provides for ``model.export(path, format=...)``.

        >>> from dlx.plugins import hookimpl, ExporterRecord
        >>> @hookimpl
        ... def dlx_exporters():
        ...     return [ExporterRecord(format="mine", target="my_pkg.export:export_mine")]
        """

    @hookspec
    def dlx_data_adapters(self) -> list[DataAdapterRecord]:
        """Return data adapters for input types dlx does not know; they are consulted before the
        built-in ones, in registration order.

        >>> from dlx.plugins import hookimpl, DataAdapterRecord
        >>> @hookimpl
        ... def dlx_data_adapters():
        ...     return [DataAdapterRecord(name="mine", target="my_pkg.adapter:MyAdapter")]
        """

    @hookspec
    def dlx_oracles(self) -> list[OracleRecord]:
        """Return hyperparameter-search oracles (records with a ``name`` and a lazy ``target``)
        this plugin provides to ``dlx-tuner``.

        >>> from dlx.plugins import hookimpl, OracleRecord
        >>> @hookimpl
        ... def dlx_oracles():
        ...     return [OracleRecord(name="mine", target="my_pkg.search:MyOracle")]
        """
