"""Function transforms of ``dlx.ops`` that are not ops (they take a function): ``jvp``."""

from __future__ import annotations

from collections.abc import Callable

from dlx.ops.tensors import _backend


def jvp(fun: Callable, primals, tangents, has_aux: bool = False):
    """The Jacobian-vector product of ``fun`` at ``primals`` (forward-mode autodiff).

    Arguments:
        fun: a pure function of ``len(primals)`` pytrees of tensors, written in ``dlx.ops``;
            with ``has_aux`` it returns ``(output, aux)``.
        primals: a tuple or list of the points (pytrees) to differentiate at.
        tangents: a tuple or list of pytrees of the primals' structures, shapes and dtypes.
        has_aux: whether ``fun`` returns ``(output, aux)``; ``aux`` is returned undifferentiated.

    Returns:
        ``(primals_out, tangents_out)`` (``(primals_out, tangents_out, aux)`` with ``has_aux``):
        ``fun(*primals)`` and its derivative in the direction ``tangents``.

    >>> import numpy as np, dlx
    >>> with dlx.backend.use("numpy"):
    ...     y, dy = jvp(lambda x: dlx.ops.multiply(x, x), (np.float64(3.0),), (np.float64(1.0),))
    >>> float(y), float(dy)
    (9.0, 6.0)
    """
    if not isinstance(primals, (tuple, list)) or not isinstance(tangents, (tuple, list)):
        raise ValueError(f"jvp: primals and tangents must be tuples or lists; got {type(primals).__name__} and "
                         f"{type(tangents).__name__}")
    return _backend().jvp(fun, tuple(primals), tuple(tangents), has_aux=has_aux)
