"""``dlx.trainers``: the :class:`Trainer` mixin (compile/fit/evaluate/predict), the epoch
iterator and the data adapters."""

from dlx.trainers.epoch_iterator import EpochIterator
from dlx.trainers.trainer import Trainer

__all__ = ["EpochIterator", "Trainer"]
