"""The argument rules of the convolution and pooling op specs, shared by every backend.

They are part of the specs' semantics (Keras/TF conventions): how ``data_format`` / ``padding``
are read, how ``"same"`` padding splits (the odd pixel goes after), and the output length of a
transposed convolution. Backends import them instead of re-deriving them.
"""

from __future__ import annotations

_FORMATS = ("channels_last", "channels_first")


def data_format(value) -> str:
    """``value`` checked; ``None`` means ``dlx.config.image_data_format()``."""
    if value is None:
        from dlx import config

        return config.image_data_format()
    if value not in _FORMATS:
        raise ValueError(f"data_format={value!r}; expected 'channels_last' or 'channels_first'")
    return value


def padding(value) -> str:
    """``"valid"`` or ``"same"`` (case-insensitive)."""
    p = str(value).lower()
    if p not in ("valid", "same"):
        raise ValueError(f"padding={value!r}; expected 'valid' or 'same'")
    return p


def spatial_tuple(value, n: int, what: str) -> tuple[int, ...]:
    """An int (repeated ``n`` times) or ``n`` ints, one per spatial dimension."""
    if isinstance(value, int) or (hasattr(value, "__index__") and not hasattr(value, "__len__")):
        return (int(value),) * n
    v = tuple(int(i) for i in value)
    if len(v) != n:
        raise ValueError(f"{what}={v!r} has {len(v)} entries; expected {n} (one per spatial dim)")
    return v


def same_pads(size: int, kernel: int, stride: int, dilation: int) -> tuple[int, int]:
    """``(before, after)`` padding of ``"same"`` along one dimension (the odd pixel goes after)."""
    eff = (kernel - 1) * dilation + 1
    out = -(-size // stride)
    total = max((out - 1) * stride + eff - size, 0)
    return total // 2, total - total // 2


def deconv_length(size: int, kernel: int, stride: int, padding: str, output_padding: int | None,
                  dilation: int) -> int:
    """The output length of a transposed convolution along one dimension (Keras's rule)."""
    eff = (kernel - 1) * dilation + 1
    if output_padding is None:
        return size * stride + max(eff - stride, 0) if padding == "valid" else size * stride
    pad = 0 if padding == "valid" else eff // 2
    return (size - 1) * stride + eff - 2 * pad + output_padding


def groups(cin: int, kernel_shape) -> int:
    """The number of channel groups of a convolution: ``cin`` input channels and a kernel of shape
    ``(*spatial, cin / groups, cout)``; both channel counts must divide evenly."""
    cin_g, cout = int(kernel_shape[-2]), int(kernel_shape[-1])
    if cin % cin_g:
        raise ValueError(f"conv: input channels {cin} are not a multiple of the kernel's input "
                         f"channels {cin_g} (kernel shape {tuple(kernel_shape)})")
    n = cin // cin_g
    if cout % n:
        raise ValueError(f"conv: kernel output channels {cout} are not a multiple of groups={n}")
    return n
