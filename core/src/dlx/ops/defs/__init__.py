"""Op definitions, one module per group. Importing this package registers every op."""

from dlx.ops.defs import (  # noqa: F401
    arithmetic,
    einops,
    elementwise,
    indexing,
    linalg,
    manipulation,
    nn,
    optim,
    random,
    reduction,
    shape,
)
