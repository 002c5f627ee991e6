"""The NumPy reference backend: the oracle's float32 twin and the embedded default."""
