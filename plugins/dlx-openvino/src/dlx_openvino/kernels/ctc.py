"""Graph builders of :mod:`dlx.ops.defs.ctc`: none. OpenVINO's CTCLoss has no blank-index-0
default matching Keras's layout of padded labels and no gradient; both ops run the spec's
decompositions (ctc_decode's beam search on host copies)."""

from __future__ import annotations

KERNELS: dict = {}

__all__ = ["KERNELS"]
