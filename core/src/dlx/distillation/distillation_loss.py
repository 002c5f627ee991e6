"""The distillation terms: how far a student's outputs (or features) are from a teacher's."""

from __future__ import annotations

from dlx import losses as _losses
from dlx import ops, tree
from dlx import serialization as _serialization


def loss_function(loss):
    """``None`` stays ``None``; a name becomes the loss :func:`dlx.losses.get` gives (for a
    function name, the function, as Keras's ``losses.get``); anything else is kept."""
    if loss is None or not isinstance(loss, str):
        return loss
    return _losses.get(loss)


def _losses_of(loss, owner):
    converted = tree.map_structure(loss_function, loss)
    if all(fn is None for fn in tree.flatten(converted)):
        raise ValueError(f"{owner}: loss={loss!r} has no loss that is not None; expected at least one")
    return converted


def _sum_of(values):
    return ops.sum(ops.stack([ops.convert_to_tensor(v, "float32") for v in tree.flatten(values)]))


class DistillationLoss:
    """Base class of distillation terms: subclasses define :meth:`compute_loss`, a scalar from
    the teacher's and the student's outputs (same structure)."""

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        """The scalar loss between ``teacher_outputs`` and ``student_outputs`` (subclasses)."""
        raise TypeError(f"{type(self).__name__} is abstract: a DistillationLoss subclass defines compute_loss()")

    def validate_outputs(self, teacher_outputs, student_outputs):
        """Raises ``ValueError`` when the two outputs differ in structure."""
        tree.assert_same_structure(teacher_outputs, student_outputs)

    def validate_model_compatibility(self, teacher, student):
        """Raises when this term cannot be computed for ``teacher`` and ``student`` (here: never)."""


class FeatureDistillation(DistillationLoss):
    """Matches the student's features to the teacher's: ``mean(loss(teacher, student))``, summed
    over the structure of ``loss``.

    Arguments:
        loss: a loss (name, function or :class:`~dlx.losses.Loss`), or a structure of them
            matching the outputs (``None`` entries are skipped). Default ``"mse"``.
        teacher_layer_name: the teacher layer whose output is compared (default: the model's
            output). Needs a Functional or Sequential teacher.
        student_layer_name: the same for the student.
    """

    def __init__(self, loss="mse", teacher_layer_name=None, student_layer_name=None):
        self.teacher_layer_name = teacher_layer_name
        self.student_layer_name = student_layer_name
        self.loss = _losses_of(loss, "FeatureDistillation")

    def validate_model_compatibility(self, teacher, student):
        named = {"teacher": (teacher, self.teacher_layer_name), "student": (student, self.student_layer_name)}
        if self.teacher_layer_name is not None or self.student_layer_name is not None:
            symbolic_less = [role for role, (model, _) in named.items() if getattr(model, "inputs", None) is None]
            if symbolic_less:
                raise ValueError(f"FeatureDistillation with layer names needs Functional or Sequential models; the "
                                 f"{' and '.join(symbolic_less)} model(s) have no symbolic inputs (subclassed). "
                                 "Drop the layer names (compare the final outputs) or use LogitsDistillation")
        for role, (model, layer_name) in named.items():
            if layer_name is not None:
                try:
                    model.get_layer(name=layer_name)
                except ValueError as e:
                    raise ValueError(f"In {role} model: {e}") from e

    def validate_outputs(self, teacher_outputs, student_outputs):
        super().validate_outputs(teacher_outputs, student_outputs)
        try:
            tree.assert_same_structure(self.loss, teacher_outputs)
        except ValueError as e:
            raise ValueError(f"FeatureDistillation: the loss structure {tree.structure(self.loss)} does not match "
                             f"the outputs' {tree.structure(teacher_outputs)}: {e}") from e

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        def term(fn, teacher, student):
            return 0.0 if fn is None else ops.mean(fn(teacher, student))

        return _sum_of(tree.map_structure(term, self.loss, teacher_outputs, student_outputs))

    def get_config(self):
        """The constructor arguments, JSON-compatible, the loss function(s) serialized.

        Returns:
            ``{"loss": ..., "teacher_layer_name": ..., "student_layer_name": ...}``.
        """
        return {"loss": _serialization.serialize(self.loss), "teacher_layer_name": self.teacher_layer_name,
                "student_layer_name": self.student_layer_name}

    @classmethod
    def from_config(cls, config):
        """Creates the term from :meth:`get_config`'s output, deserializing its loss function(s).

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new distillation term.
        """
        config = dict(config)
        config["loss"] = _serialization.deserialize(config["loss"])
        return cls(**config)


class LogitsDistillation(DistillationLoss):
    """Matches the student's logits to the teacher's, both divided by ``temperature``.

    With a :class:`~dlx.losses.KLDivergence` *instance* the loss compares the softmax
    probabilities and is scaled by ``temperature**2`` (Hinton et al.); any other loss (including
    the default name ``"kl_divergence"``, which :func:`dlx.losses.get` turns into the plain
    function, as Keras's does) is applied to the scaled logits directly. The terms are
    ``mean``-reduced and summed over the structure of ``loss``.

    Arguments:
        temperature: a positive number (default 3.0).
        loss: a loss or a structure of losses matching the outputs (``None`` entries skipped).
    """

    def __init__(self, temperature=3.0, loss="kl_divergence"):
        self.temperature = temperature
        self.loss = _losses_of(loss, "LogitsDistillation")
        if isinstance(temperature, bool) or not isinstance(temperature, (int, float)):
            raise ValueError(f"LogitsDistillation: temperature={temperature!r}; expected a number")
        if temperature <= 0:
            raise ValueError(f"LogitsDistillation: temperature={temperature!r}; expected a positive number")

    def compute_loss(self, teacher_outputs, student_outputs, **kwargs):
        t = self.temperature

        def term(fn, teacher, student):
            if fn is None:
                return 0.0
            teacher, student = ops.divide(teacher, t), ops.divide(student, t)
            if isinstance(fn, _losses.KLDivergence):
                value = ops.mean(fn(ops.softmax(teacher, axis=-1), ops.softmax(student, axis=-1)))
                return ops.multiply(value, t * t)
            return ops.mean(fn(teacher, student))

        return _sum_of(tree.map_structure(term, self.loss, teacher_outputs, student_outputs))

    def get_config(self):
        """The constructor arguments, JSON-compatible, the loss function(s) serialized.

        Returns:
            ``{"temperature": ..., "loss": ...}``.
        """
        return {"temperature": self.temperature, "loss": _serialization.serialize(self.loss)}

    @classmethod
    def from_config(cls, config):
        """Creates the term from :meth:`get_config`'s output, deserializing its loss function(s).

        Arguments:
            config: the dictionary :meth:`get_config` returned.

        Returns:
            The new distillation term.
        """
        config = dict(config)
        config["loss"] = _serialization.deserialize(config["loss"])
        return cls(**config)

