"""``tf.data.Dataset`` input (TensorFlow is imported by the user, never by dlx)."""

from __future__ import annotations

from dlx.trainers.data_adapters.data_adapter import DataAdapter, to_numpy_batch


def is_tf_dataset(x) -> bool:
    mod = type(x).__module__
    return mod.startswith("tensorflow") and hasattr(x, "as_numpy_iterator") and hasattr(x, "cardinality")


class TFDatasetAdapter(DataAdapter):
    """Each element of a batched ``tf.data.Dataset`` is one batch, delivered as NumPy."""

    def __init__(self, dataset):
        self.dataset = dataset

    @classmethod
    def can_handle(cls, x, y=None) -> bool:
        return is_tf_dataset(x)

    @property
    def num_batches(self):
        n = int(self.dataset.cardinality())
        return n if n >= 0 else None  # -1 infinite, -2 unknown

    def get_numpy_iterator(self, epoch: int = 0):
        for batch in self.dataset.as_numpy_iterator():
            yield to_numpy_batch(batch)
