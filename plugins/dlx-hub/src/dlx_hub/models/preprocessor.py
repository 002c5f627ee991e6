"""``Preprocessor``: turns raw inputs (strings) into the arrays a backbone takes."""

from __future__ import annotations


class Preprocessor:
    """Holds a tokenizer; ``__call__`` maps raw inputs to model inputs (NumPy arrays).

    Arguments:
        tokenizer: the :class:`dlx_hub.tokenizers.Tokenizer` to use.
        sequence_length: the longest packed sequence (``None``: the tokenizer's own limit).
    """

    tokenizer_cls = None

    def __init__(self, tokenizer=None, sequence_length: int | None = None):
        if tokenizer is None:
            raise ValueError(f"{type(self).__name__} needs a tokenizer; use {type(self).__name__}.from_preset()")
        if sequence_length is not None and (not isinstance(sequence_length, int) or sequence_length < 2):
            raise ValueError(f"sequence_length must be an int >= 2 or None; got {sequence_length!r}")
        self.tokenizer = tokenizer
        self.sequence_length = sequence_length

    def get_config(self) -> dict:
        """The constructor arguments other than the tokenizer (saved apart, with its assets).

        Returns:
            A dict; the base gives ``sequence_length``.
        """
        return {"sequence_length": self.sequence_length}

    @classmethod
    def from_preset(cls, preset, **kwargs):
        """The preprocessor a preset holds, built as this class (``load_preset(preset).load_preprocessor``).

        Arguments:
            preset: what :func:`~dlx_hub.presetlib.load_preset` accepts (a preset folder, ...).
            **kwargs: preprocessor arguments, overriding the preset's.

        Returns:
            The preprocessor.
        """
        from dlx_hub.presetlib import load_preset

        return load_preset(preset).load_preprocessor(cls, **kwargs)

    def save_to_preset(self, preset_dir) -> None:
        """Writes the preprocessor's config (and its tokenizer) into a preset folder.

        Arguments:
            preset_dir: the preset folder.
        """
        from dlx_hub.presetlib import save_preprocessor

        save_preprocessor(self, preset_dir)
