"""Op definitions, one module per group. Importing this package registers every op."""

from dlx.ops.defs import activations, ctc, elementwise, linalg, nn, optim, random, reduction, shape, spatial  # noqa: F401
