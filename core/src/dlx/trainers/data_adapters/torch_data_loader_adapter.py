"""torch ``DataLoader`` input (torch is imported by the user, never by dlx)."""

from __future__ import annotations

from dlx.trainers.data_adapters.data_adapter import DataAdapter, to_numpy_batch


def is_torch_dataloader(x) -> bool:
    return any(c.__module__.startswith("torch.utils.data") and c.__name__ == "DataLoader" for c in type(x).__mro__)


class TorchDataLoaderAdapter(DataAdapter):
    """Each item of a ``torch.utils.data.DataLoader`` is one batch, delivered as NumPy."""

    def __init__(self, dataloader):
        self.dataloader = dataloader

    @classmethod
    def can_handle(cls, x, y=None) -> bool:
        return is_torch_dataloader(x)

    @property
    def num_batches(self):
        try:
            return len(self.dataloader)
        except TypeError:  # an IterableDataset without __len__
            return None

    @property
    def batch_size(self):
        return getattr(self.dataloader, "batch_size", None)

    def get_numpy_iterator(self, epoch: int = 0):
        for batch in self.dataloader:
            yield to_numpy_batch(tuple(batch) if isinstance(batch, list) else batch)
