"""Op definitions, one module per group. Importing this package registers every op."""

from dlx.ops.defs import decompositions, elementwise, linalg, nn, optim, random, reduction, search, shape, statistics  # noqa: F401
