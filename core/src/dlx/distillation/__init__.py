"""``dlx.distillation``: knowledge distillation (``keras.distillation``): a :class:`Distiller`
model trains a student against a frozen teacher, with :class:`LogitsDistillation` (softened
outputs) and :class:`FeatureDistillation` (intermediate layers) terms."""

from dlx.distillation.distillation_loss import DistillationLoss, FeatureDistillation, LogitsDistillation
from dlx.distillation.distiller import Distiller

__all__ = ["DistillationLoss", "Distiller", "FeatureDistillation", "LogitsDistillation"]
