"""``dlx.legacy``: Keras 2's formats, for code written against them (``keras.legacy``)."""

from dlx.legacy import saving

__all__ = ["saving"]
