"""Image kernels (:mod:`dlx.ops.defs.image`): none native. Every op here runs its spec's
decomposition (static float64 resampling weights applied as contractions, colour conversions as
elementwise ops), which is the framework's own ops and compiles with it; the framework's resize
functions differ from Keras's definition at the borders (clamped taps instead of renormalised
weights) and in the cubic kernel, so they are not used."""

from __future__ import annotations

KERNELS: dict = {}
