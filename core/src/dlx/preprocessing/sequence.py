"""``dlx.preprocessing.sequence``: Keras's ``keras.preprocessing.sequence``."""

from __future__ import annotations

from dlx.utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
