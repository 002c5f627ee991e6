"""Python generators and iterators of batches."""

from __future__ import annotations

import inspect
import itertools
import types

from dlx.trainers.data_adapters.data_adapter import DataAdapter, to_numpy_batch


def is_generator(x) -> bool:
    return isinstance(x, types.GeneratorType) or inspect.isgenerator(x) or (
        hasattr(x, "__next__") and hasattr(x, "__iter__") and not hasattr(x, "__len__"))


class GeneratorDataAdapter(DataAdapter):
    """Batches from a Python generator (one pass: an epoch ends when it is exhausted, unless
    ``steps_per_epoch`` spreads it over several epochs)."""

    reiterable = False

    def __init__(self, generator):
        self._it = iter(generator)
        try:
            first = next(self._it)
        except StopIteration:
            raise ValueError("the generator passed as x yielded no batch") from None
        self._it = itertools.chain([first], self._it)
        self.first_batch = to_numpy_batch(first)

    @classmethod
    def can_handle(cls, x, y=None) -> bool:
        return is_generator(x)

    def get_numpy_iterator(self, epoch: int = 0):
        for batch in self._it:
            yield to_numpy_batch(batch)
