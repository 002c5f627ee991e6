"""``Task``: a backbone plus its preprocessor (and head), built for one job."""

from __future__ import annotations

import dlx


class Task(dlx.Model):
    """Base class of tasks. Subclasses set ``backbone_cls`` and ``preprocessor_cls``.

    ``Task.from_preset`` on a generic task (``TextEmbedder``, ``CausalLM``) picks the subclass
    that fits the preset's backbone, as KerasHub does.

    Arguments:
        backbone: the task's :class:`~dlx_hub.models.Backbone` (required; an instance of
            ``backbone_cls`` when the subclass sets one).
        preprocessor: turns raw inputs into backbone inputs, or ``None``.
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is ``None``.
        TypeError: when ``backbone`` is not a ``backbone_cls``.
    """

    backbone_cls = None
    preprocessor_cls = None

    def __init__(self, backbone=None, preprocessor=None, **kwargs):
        super().__init__(**kwargs)
        if backbone is None:
            raise ValueError(f"{type(self).__name__} needs a backbone")
        if self.backbone_cls is not None and not isinstance(backbone, self.backbone_cls):
            raise TypeError(f"{type(self).__name__}: backbone must be a {self.backbone_cls.__name__}; got "
                            f"{type(backbone).__name__}")
        self.backbone = backbone
        self.preprocessor = preprocessor
        self.built = backbone.built  # subclasses build their heads in __init__

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def _subclass_for(cls, backbone_cls) -> type:
        if cls.backbone_cls is not None and issubclass(backbone_cls, cls.backbone_cls):
            return cls
        found = []
        stack = list(cls.__subclasses__())
        while stack:
            sub = stack.pop()
            stack.extend(sub.__subclasses__())
            if sub.backbone_cls is not None and issubclass(backbone_cls, sub.backbone_cls):
                found.append(sub)
        if not found:
            raise ValueError(f"no {cls.__name__} is available for a {backbone_cls.__name__} backbone")
        # the most derived backbone match wins
        found.sort(key=lambda s: len(s.backbone_cls.__mro__), reverse=True)
        return found[0]

    @classmethod
    def from_preset(cls, preset, load_weights: bool = True, **kwargs):
        """A ready-to-use task (backbone weights and preprocessor) from ``preset`` (see
        :meth:`dlx_hub.models.Backbone.from_preset` for what ``preset`` may be)."""
        from dlx_hub.presetlib import load_preset

        return load_preset(preset).load_task(cls, load_weights=load_weights, **kwargs)

    def save_to_preset(self, preset_dir) -> None:
        """Writes the backbone, the preprocessor with its tokenizer assets, and ``task.json``."""
        from dlx_hub.presetlib import save_task

        save_task(self, preset_dir)

    @classmethod
    def _presets(cls) -> dict:
        from dlx_hub.presetlib import presets_for

        return presets_for(cls.backbone_cls) if cls.backbone_cls is not None else presets_for(None, task=cls)


class _ClassProperty:
    def __init__(self, fn):
        self.fn = fn

    def __get__(self, obj, owner):
        return self.fn(owner)


Task.presets = _ClassProperty(lambda cls: cls._presets())
