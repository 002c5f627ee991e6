"""Op definitions, one module per group. Importing this package registers every op."""

from dlx.ops.defs import control, elementwise, linalg, nn, optim, random, reduction, shape  # noqa: F401
