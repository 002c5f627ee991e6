"""Op definitions, one module per group. Importing this package registers every op."""

from dlx.ops.defs import (  # noqa: F401
    activations,
    control,
    ctc,
    decompositions,
    elementwise,
    image,
    image_filters,
    image_warp,
    linalg,
    nn,
    optim,
    random,
    reduction,
    search,
    shape,
    signal,
    spatial,
    statistics,
)
