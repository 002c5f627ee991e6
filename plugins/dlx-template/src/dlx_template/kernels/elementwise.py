"""Elementwise kernels (the ``dlx/ops/defs/elementwise.py`` group)."""

from __future__ import annotations

import numpy as np

from dlx_template.kernels._dtypes import as_float, promote


def add(x1, x2):
    a, b = promote(x1, x2)
    return a + b


def subtract(x1, x2):
    a, b = promote(x1, x2)
    return a - b


def multiply(x1, x2):
    a, b = promote(x1, x2)
    return a * b


def divide(x1, x2):
    a, b = promote(x1, x2)
    a, b = as_float(a), as_float(b)  # true division: integers give floatx()
    with np.errstate(all="ignore"):  # IEEE results (inf, nan) are the spec's too
        return a / b


def maximum(x1, x2):
    a, b = promote(x1, x2)
    return np.maximum(a, b)  # NaN propagates, as the spec says


def exp(x):
    with np.errstate(all="ignore"):
        return np.exp(as_float(x))


def log(x):
    with np.errstate(all="ignore"):
        return np.log(as_float(x))


def where(condition, x1=None, x2=None):
    if x1 is None and x2 is None:  # the indices of the nonzero entries, one int32 array per axis
        return tuple(i.astype(np.int32) for i in np.nonzero(np.asarray(condition)))
    if x1 is None or x2 is None:
        raise ValueError("where: x1 and x2 must both be given or both be None")
    a, b = promote(x1, x2)
    return np.where(np.asarray(condition, bool), a, b)


KERNELS = {"add": add, "subtract": subtract, "multiply": multiply, "divide": divide,
           "maximum": maximum, "exp": exp, "log": log, "where": where}
