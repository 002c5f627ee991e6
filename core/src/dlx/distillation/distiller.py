"""The :class:`Distiller` model: a student trained on its own loss and on distillation terms
against a frozen teacher."""

from __future__ import annotations

from dlx import ops, tree
from dlx import serialization as _serialization
from dlx.distillation.distillation_loss import loss_function
from dlx.metrics import Mean
from dlx.models.model import Model


class Distiller(Model):
    """Trains ``student`` with ``student_loss_weight * student_loss + (1 - student_loss_weight) *
    sum(weight_i * distillation_loss_i)`` where the distillation terms compare the student with
    the frozen ``teacher`` (``teacher.trainable`` is set to ``False``). Calling the distiller
    calls the student. ``fit`` logs ``loss`` plus ``student_loss``, ``distillation_loss`` and
    ``total_loss``.

    Arguments:
        teacher: a trained :class:`~dlx.Model`.
        student: the :class:`~dlx.Model` to train (same input and output shapes and dtypes).
        distillation_losses: a :class:`~dlx.distillation.DistillationLoss` or a list of them.
        distillation_loss_weights: one weight per term of a list (default 1.0 each).
        student_loss_weight: in ``[0, 1]``; 0 trains on the distillation terms only (no
            targets needed), 1 on the student loss only.
        name: the model's name.
    """

    def __init__(self, teacher, student, distillation_losses, distillation_loss_weights=None,
                 student_loss_weight=0.5, name="distiller", **kwargs):
        super().__init__(name=name, **kwargs)
        for role, model in (("teacher", teacher), ("student", student)):
            if not isinstance(model, Model):
                raise ValueError(f"Distiller: {role}={type(model).__name__}; expected a dlx.Model")
        _check_compatible(teacher, student)
        self.teacher = teacher
        self.student = student
        if isinstance(student_loss_weight, bool) or not isinstance(student_loss_weight, (int, float)):
            raise ValueError(f"Distiller: student_loss_weight={student_loss_weight!r}; expected a number")
        if not 0.0 <= student_loss_weight <= 1.0:
            raise ValueError(f"Distiller: student_loss_weight={student_loss_weight!r}; expected a number in [0, 1]")
        self.student_loss_weight = student_loss_weight
        if distillation_losses is None:
            raise ValueError("Distiller: distillation_losses=None; expected a DistillationLoss (LogitsDistillation, "
                             "FeatureDistillation) or a list of them")
        if not isinstance(distillation_losses, (list, tuple)):
            distillation_losses, distillation_loss_weights = [distillation_losses], [1.0]
        elif distillation_loss_weights is None:
            distillation_loss_weights = [1.0] * len(distillation_losses)
        elif len(distillation_loss_weights) != len(distillation_losses):
            raise ValueError(f"Distiller: {len(distillation_loss_weights)} distillation_loss_weights for "
                             f"{len(distillation_losses)} distillation_losses; expected one weight per loss")
        self.distillation_losses = list(distillation_losses)
        self.distillation_loss_weights = list(distillation_loss_weights)
        for term in self.distillation_losses:
            term.validate_model_compatibility(teacher, student)
        self._teacher_features = _feature_model(teacher, _layer_names(self.distillation_losses, "teacher"))
        self._student_features = _feature_model(student, _layer_names(self.distillation_losses, "student"))
        self.teacher.trainable = False
        self.student_loss_tracker = Mean(name="student_loss")
        self.distillation_loss_tracker = Mean(name="distillation_loss")
        self.total_loss_tracker = Mean(name="total_loss")

    @property
    def metrics(self):
        """The compiled metrics, then ``student_loss``, ``distillation_loss``, ``total_loss``."""
        return [*super().metrics, self.student_loss_tracker, self.distillation_loss_tracker, self.total_loss_tracker]

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """As :meth:`Model.compile`; ``loss`` (required) is the student's loss on the targets."""
        if loss is None:
            raise ValueError("Distiller.compile: loss=None; expected the student's loss (a name, function or Loss)")
        if metrics is not None and not isinstance(metrics, (list, tuple)):
            raise ValueError(f"Distiller.compile: metrics={metrics!r}; expected a list or tuple")
        self._student_loss = tree.map_structure(loss_function, loss)
        self._student_loss_for_serialization = loss
        super().compile(optimizer=optimizer, loss=None, metrics=metrics, **kwargs)

    def call(self, inputs, training=None, **kwargs):
        return self.student(inputs, training=training, **kwargs)

    def _features(self, x, y_pred):
        if self._teacher_features is not None:
            teacher = self._teacher_features(x, training=False)
        else:
            teacher = {"final_output": self.teacher(x, training=False)}
        student = (self._student_features(x, training=True) if self._student_features is not None
                   else {"final_output": y_pred})
        return teacher, student

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        if y_pred is None:
            y_pred = self(x, training=training)
        student_loss = 0.0
        if self.student_loss_weight > 0.0 and y is not None:
            values = tree.flatten(tree.map_structure(lambda fn, t, p: fn(t, p), self._student_loss, y, y_pred))
            student_loss = ops.sum(ops.stack(values)) if len(values) > 1 else values[0]
            if len(ops.tensors.shape(student_loss)):
                student_loss = ops.mean(student_loss)
        distillation_loss = 0.0
        if self.student_loss_weight < 1.0:
            teacher_features, student_features = self._features(x, y_pred)
            for term, weight in zip(self.distillation_losses, self.distillation_loss_weights):
                if getattr(term, "teacher_layer_name", None) is not None:
                    teacher_out = _feature(term, teacher_features, "teacher")
                    student_out = _feature(term, student_features, "student")
                else:
                    teacher_out, student_out = teacher_features["final_output"], y_pred
                term.validate_outputs(teacher_out, student_out)
                value = term.compute_loss(teacher_out, student_out)
                if len(ops.tensors.shape(value)):
                    shape = tuple(ops.tensors.shape(value))
                    raise ValueError(f"{type(term).__name__}.compute_loss returned shape {shape}; "
                                     "expected a scalar")
                distillation_loss = ops.add(distillation_loss, ops.multiply(weight, value))
        total = ops.add(ops.multiply(self.student_loss_weight, student_loss),
                        ops.multiply(1.0 - self.student_loss_weight, distillation_loss))
        self.student_loss_tracker.update_state(student_loss)
        self.distillation_loss_tracker.update_state(distillation_loss)
        self.total_loss_tracker.update_state(total)
        return total

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable,
                "teacher": _serialization.serialize(self.teacher), "student": _serialization.serialize(self.student),
                "distillation_losses": [_serialization.serialize(t) for t in self.distillation_losses],
                "distillation_loss_weights": self.distillation_loss_weights,
                "student_loss_weight": self.student_loss_weight}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("teacher", "student"):
            config[key] = _serialization.deserialize(config[key], custom_objects=custom_objects)
        config["distillation_losses"] = [_serialization.deserialize(t, custom_objects=custom_objects)
                                         for t in config["distillation_losses"]]
        return cls(**config)


def _check_compatible(teacher, student):
    """Same input and output shapes (``None`` matches anything) and dtypes, where both models
    have symbolic inputs and outputs."""
    for kind in ("inputs", "outputs"):
        t, s = getattr(teacher, kind, None), getattr(student, kind, None)
        if t is None or s is None:
            continue

        def check(ti, si, kind=kind):
            if len(ti.shape) != len(si.shape) or any(a is not None and b is not None and a != b
                                                     for a, b in zip(ti.shape, si.shape)):
                raise ValueError(f"Distiller: teacher and student {kind[:-1]} shapes differ: teacher {ti.shape}, "
                                 f"student {si.shape}")
            if ti.dtype != si.dtype:
                raise ValueError(f"Distiller: teacher and student {kind[:-1]} dtypes differ: teacher {ti.dtype}, "
                                 f"student {si.dtype}")

        tree.map_structure(check, t, s)


def _layer_names(terms, role):
    names = []
    for term in terms:
        name = getattr(term, f"{role}_layer_name", None)
        if name and name not in names:
            names.append(name)
    return names


def _feature_model(model, layer_names):
    """A Functional model giving ``{"final_output": ..., <layer name>: <layer output>}``."""
    if not layer_names:
        return None
    if getattr(model, "inputs", None) is None:
        raise ValueError(f"Distiller: cannot read the layers of {model.name!r}: it has no symbolic inputs")
    outputs = {"final_output": model.outputs[0] if len(model.outputs) == 1 else model.outputs}
    for name in layer_names:
        outputs[name] = model.get_layer(name=name).output
    return Model(inputs=model.inputs, outputs=outputs, name=f"{model.name}_multi_feature_extractor")


def _feature(term, features, role):
    name = getattr(term, f"{role}_layer_name") or "final_output"
    if name not in features:
        raise RuntimeError(f"{type(term).__name__}: {role} layer {name!r} is not among the extracted features "
                           f"{list(features)}")
    return features[name]
