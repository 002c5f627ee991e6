"""Op definitions, one module per group. Importing this package registers every op."""

from dlx.ops.defs import elementwise, image, image_filters, image_warp, linalg, nn, optim, random, reduction, shape  # noqa: F401
