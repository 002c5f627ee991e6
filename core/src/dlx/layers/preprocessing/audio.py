"""Audio preprocessing layers: ``MelSpectrogram`` and ``STFTSpectrogram`` (Keras 3's names,
arguments, configs and weights), written with ``dlx.ops`` so they run inside a model on every
backend.

``MelSpectrogram`` is ``ops.stft`` -> magnitude ** ``mag_exp`` -> an HTK mel filter bank ->
optional decibels. ``STFTSpectrogram`` convolves the signal with a windowed cosine / sine kernel
(two weights, ``real_kernel`` and ``imag_kernel``, as Keras's, so ``.keras`` files carry them).
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from dlx import config as _config
from dlx import dtypes as _dtypes
from dlx import ops
from dlx.layers.input_spec import InputSpec
from dlx.layers.layer import Layer

_MEL_BREAK_FREQUENCY_HERTZ = 700.0
_MEL_HIGH_FREQUENCY_Q = 1127.0


def hertz_to_mel(hz):
    """The HTK mel scale: ``1127 * ln(1 + f / 700)``."""
    return _MEL_HIGH_FREQUENCY_Q * np.log1p(np.asarray(hz, np.float64) / _MEL_BREAK_FREQUENCY_HERTZ)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sampling_rate=8000, lower_edge_hertz=125.0,
                                upper_edge_hertz=3800.0, dtype="float32") -> np.ndarray:
    """``(num_spectrogram_bins, num_mel_bins)`` triangular filters (peak 1, linear in mels) that
    map a linear-frequency spectrum over ``[0, sampling_rate / 2]`` to mel bands between the two
    edges; the DC bin gets no weight (HTK). Computed in float64, returned in ``dtype``."""
    if num_mel_bins < 1:
        raise ValueError(f"num_mel_bins={num_mel_bins!r}; expected a positive int")
    if not 0.0 <= lower_edge_hertz < upper_edge_hertz:
        raise ValueError(f"lower_edge_hertz={lower_edge_hertz!r}, upper_edge_hertz={upper_edge_hertz!r}; expected "
                         "0 <= lower < upper")
    freqs = np.linspace(0.0, sampling_rate / 2.0, num_spectrogram_bins)[1:]
    bins_mel = hertz_to_mel(freqs)[:, None]
    edges = np.linspace(hertz_to_mel(lower_edge_hertz), hertz_to_mel(upper_edge_hertz), num_mel_bins + 2)
    lower, center, upper = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    rising = (bins_mel - lower) / (center - lower)
    falling = (upper - bins_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(rising, falling))
    return np.pad(weights, [(1, 0), (0, 0)]).astype(dtype)


class MelSpectrogram(Layer):
    """Mel-frequency spectrograms of raw audio (Keras's ``keras.layers.MelSpectrogram``).

    Input: ``(samples,)`` or ``(batch, samples)`` float audio. Output: ``(..., num_mel_bins,
    frames)`` with ``frames = 1 + samples // sequence_stride`` (the signal is centered, reflect
    padded).

    Arguments:
        fft_length: the FFT size (``fft_length // 2 + 1`` frequency bins).
        sequence_stride: the hop between frames, in samples.
        sequence_length: the window length (default ``fft_length``).
        window: ``"hann"``, ``"hamming"``, ``None`` or a ``sequence_length`` array.
        sampling_rate: the audio's samples per second.
        num_mel_bins: the number of mel bands.
        min_freq, max_freq: the band edges in Hz (``max_freq`` default: ``sampling_rate / 2``).
        power_to_db: return ``10 * log10(power / ref_power)``, floored at ``max - top_db``
            (the maximum over the whole input).
        top_db, min_power, ref_power: the decibel conversion's floor and reference.
        mag_exp: the exponent of the magnitude (2: power).

    >>> import dlx, numpy as np
    >>> with dlx.backend.use("numpy"):
    ...     MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=8)(np.zeros((2, 160))).shape
    (2, 8, 11)
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None, window="hann", sampling_rate=16000,
                 num_mel_bins=128, min_freq=20.0, max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0,
                 min_power=1e-10, ref_power=1.0, **kwargs):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if self.fft_length < self.sequence_length:
            raise ValueError(f"`fft_length` must be greater than or equal to `sequence_length`. Received: "
                             f"`sequence_length`={self.sequence_length}, `fft_length`={self.fft_length}.")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs):
        dtype = self.compute_dtype if self.compute_dtype in ("float32", "float64") else "float32"
        x = ops.convert_to_tensor(inputs, dtype=dtype)
        real, imag = ops.stft(x, sequence_length=self.sequence_length, sequence_stride=self.sequence_stride,
                              fft_length=self.fft_length, window=self.window, center=True)
        spec = ops.power(ops.sqrt(ops.add(ops.square(real), ops.square(imag))), self.mag_exp)
        matrix = linear_to_mel_weight_matrix(self.num_mel_bins, self.fft_length // 2 + 1, self.sampling_rate,
                                             self.min_freq, self.max_freq, dtype)
        out = ops.tensordot(spec, ops.convert_to_tensor(matrix), axes=1)
        if self.power_to_db:
            out = self._to_db(out)
        return ops.cast(ops.swapaxes(out, -1, -2), self.compute_dtype)

    def _to_db(self, power):
        log_spec = ops.multiply(10.0, ops.log10(ops.maximum(power, self.min_power)))
        ref = 10.0 * math.log10(max(abs(float(self.ref_power)), self.min_power))
        log_spec = ops.subtract(log_spec, ops.cast(ref, log_spec.dtype))
        return ops.maximum(log_spec, ops.subtract(ops.max(log_spec), self.top_db))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)

        def frames(n):
            return None if n is None else (n + self.sequence_stride + 1) // self.sequence_stride

        if len(input_shape) == 1:
            return (self.num_mel_bins, frames(input_shape[0]))
        return (input_shape[0], self.num_mel_bins, frames(input_shape[1]))

    def get_config(self):
        return {**super().get_config(), "fft_length": self.fft_length, "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length, "window": self.window, "sampling_rate": self.sampling_rate,
                "num_mel_bins": self.num_mel_bins, "min_freq": self.min_freq, "max_freq": self.max_freq,
                "power_to_db": self.power_to_db, "top_db": self.top_db, "mag_exp": self.mag_exp,
                "min_power": self.min_power, "ref_power": self.ref_power}


# --------------------------------------------------------------------------- STFTSpectrogram
def _cosine_sum(coefficients, m: int, periodic: bool) -> np.ndarray:
    """A generalized cosine window of ``m`` points (SciPy's ``get_window`` conventions:
    ``periodic`` computes ``m + 1`` points and drops the last)."""
    if m == 1:
        return np.ones(1)
    n = m + 1 if periodic else m
    phase = 2.0 * np.pi * np.arange(n) / (n - 1)
    w = sum(((-1) ** k) * a * np.cos(k * phase) for k, a in enumerate(coefficients))
    return w[:m] if periodic else w


_COSINE_WINDOWS = {"hann": (0.5, 0.5), "hanning": (0.5, 0.5), "hamming": (0.54, 0.46),
                   "blackman": (0.42, 0.50, 0.08), "nuttall": (0.3635819, 0.4891775, 0.1365995, 0.0106411),
                   "blackmanharris": (0.35875, 0.48829, 0.14128, 0.01168),
                   "flattop": (0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368)}


def get_window(window, length: int, periodic: bool = False) -> np.ndarray:
    """A named analysis window of ``length`` points as float64 (``"hann"``, ``"hamming"``,
    ``"blackman"``, ``"nuttall"``, ``"blackmanharris"``, ``"flattop"``, ``"bartlett"``,
    ``"boxcar"``; other SciPy window names need SciPy)."""
    name = window.lower() if isinstance(window, str) else window
    if name in _COSINE_WINDOWS:
        return _cosine_sum(_COSINE_WINDOWS[name], length, periodic)
    if name in ("boxcar", "box", "ones", "rect", "rectangular"):
        return np.ones(length)
    if name in ("bartlett", "bart", "brt"):
        if length == 1:
            return np.ones(1)
        n = length + 1 if periodic else length
        k = np.arange(n)
        w = np.where(k <= (n - 1) / 2.0, 2.0 * k / (n - 1), 2.0 - 2.0 * k / (n - 1))
        return w[:length]
    try:
        from scipy import signal
    except ImportError as e:
        raise ValueError(f"window={window!r}: dlx computes {sorted([*_COSINE_WINDOWS, 'bartlett', 'boxcar'])} itself; "
                         "other window names need SciPy (`pip install scipy`)") from e
    return np.asarray(signal.get_window(window, length, fftbins=periodic), np.float64)


def stft_kernel(side: str, window, scaling, periodic: bool, shape, dtype="float32") -> np.ndarray:
    """The ``(frame_length, 1, fft_length // 2 + 1)`` ``"real"`` (cosine) or ``"imag"`` (sine)
    DFT kernel, multiplied by the window and divided by its ``"density"`` (L2) or ``"spectrum"``
    (L1) norm. The phase is rounded in ``dtype`` the way Keras's initializer computes it, so a
    layer built by dlx holds the weights one built by Keras does."""
    frame_length, _, bins = (int(d) for d in shape)
    dt = np.dtype(dtype)
    freq = (np.arange(bins, dtype=dt) / dt.type((bins - 1) * 2)).reshape(1, 1, bins)
    time = np.arange(frame_length, dtype=dt).reshape(frame_length, 1, 1)
    phase = ((dt.type(-2) * time) * freq) * dt.type(np.pi)
    wave = np.cos(phase.astype(np.float64)) if side == "real" else np.sin(phase.astype(np.float64))
    kernel = wave.astype(dt)
    if window is None:
        return kernel
    win = get_window(window, frame_length, periodic) if isinstance(window, str) else np.asarray(window, np.float64)
    if win.shape != (frame_length,):
        raise ValueError(f"The shape of `window` must be equal to [frame_length]. Received: window shape={win.shape}")
    win = win.astype(dt)
    scale = dt.type(1)
    if scaling == "density":
        scale = np.sqrt(np.sum(np.square(win, dtype=np.float64))).astype(dt)
    elif scaling == "spectrum":
        scale = np.sum(np.abs(win), dtype=np.float64).astype(dt)
    return ((kernel * win.reshape(frame_length, 1, 1)) / scale).astype(dt)


class STFTSpectrogram(Layer):
    """Short-time Fourier transform spectrograms computed by convolution (Keras's
    ``keras.layers.STFTSpectrogram``): the kernels are trainable weights.

    Input: ``(batch, time, channels)`` (``"channels_first"``: ``(batch, channels, time)``).
    Output: ``(batch, frames, channels * bins)``, or with ``expand_dims`` ``(batch, frames,
    bins, channels)`` (channels first: ``(batch, channels * bins, frames)`` /
    ``(batch, channels, frames, bins)``), ``bins = fft_length // 2 + 1`` (twice that for
    ``mode="stft"``: real parts then imaginary parts).

    Arguments:
        mode: ``"log"`` (log magnitude), ``"magnitude"``, ``"psd"``, ``"real"``, ``"imag"``,
            ``"angle"`` or ``"stft"``.
        frame_length: the window length in samples.
        frame_step: the hop (default ``frame_length // 2``).
        fft_length: the FFT size (default: the next power of two of ``frame_length``).
        window: a window name (``"hann"``, ``"hamming"``... SciPy's names), an array of
            ``frame_length`` values, or ``None``.
        periodic: periodic rather than symmetric named windows.
        scaling: ``"density"`` (divide by the window's L2 norm), ``"spectrum"`` (L1) or ``None``.
        padding: ``"valid"`` or ``"same"``.
        expand_dims: keep channels and frequencies on separate axes.
        data_format: ``"channels_last"`` or ``"channels_first"``.

    Example:

    >>> import numpy as np
    >>> from dlx import layers
    >>> audio = np.random.default_rng(0).normal(size=(2, 1000, 1)).astype("float32")
    >>> layer = layers.STFTSpectrogram(mode="log", frame_length=256, frame_step=128, fft_length=256)
    >>> layer(audio).shape
    (2, 6, 129)
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None, window="hann", periodic=False,
                 scaling="density", padding="valid", expand_dims=False, data_format=None, **kwargs):
        if frame_step is not None and (frame_step > frame_length or frame_step < 1):
            raise ValueError(f"`frame_step` should be a positive integer not greater than `frame_length`. Received "
                             f"frame_step={frame_step}, frame_length={frame_length}")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"`fft_length` should be not less than `frame_length`. Received fft_length={fft_length}, "
                             f"frame_length={frame_length}")
        if fft_length is not None and (fft_length & -fft_length) != fft_length:
            warnings.warn(f"`fft_length` is recommended to be a power of two. Received fft_length={fft_length}",
                          stacklevel=2)
        modes = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"]
        if mode not in modes:
            raise ValueError(f"Output mode is invalid, it must be one of {', '.join(modes)}. Received: mode={mode}")
        if scaling is not None and scaling not in ("density", "spectrum"):
            raise ValueError(f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received "
                             f"scaling={scaling}")
        if padding not in ("valid", "same"):
            raise ValueError(f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        if isinstance(window, str):
            get_window(window, 1)  # an unknown name fails here
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._frame_step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft_length = fft_length or 2 ** math.ceil(math.log2(frame_length))
        self.window = window
        self.periodic = periodic
        self.scaling = scaling
        self.padding = padding
        self.expand_dims = expand_dims
        data_format = data_format or _config.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"STFTSpectrogram: data_format={data_format!r}; expected 'channels_last' or "
                             "'channels_first'")
        self.data_format = data_format
        self.input_spec = InputSpec(ndim=3)

    def build(self, input_shape):
        shape = (self.frame_length, 1, self._fft_length // 2 + 1)

        def init(side):
            return lambda shape, dtype=None: stft_kernel(side, self.window, self.scaling, self.periodic, shape,
                                                         dtype or self.variable_dtype)

        if self.mode != "imag":
            self.real_kernel = self.add_weight(name="real_kernel", shape=shape, initializer=init("real"))
        if self.mode != "real":
            self.imag_kernel = self.add_weight(name="imag_kernel", shape=shape, initializer=init("imag"))

    def _conv(self, x, kernel):
        """``(batch, channels, bins, frames)``: each channel convolved on its own."""
        if self.data_format == "channels_last":
            _, time, channels = x.shape
            x = ops.reshape(ops.transpose(x, [0, 2, 1]), [-1, time, 1])
        else:
            _, channels, time = x.shape
            x = ops.reshape(x, [-1, 1, time])
        out = ops.conv(x, ops.cast(kernel, x.dtype), strides=self._frame_step, padding=self.padding,
                       data_format=self.data_format)
        if self.data_format == "channels_last":
            _, frames, bins = out.shape
            out = ops.transpose(out, [0, 2, 1])
        else:
            _, bins, frames = out.shape
        return ops.reshape(out, [-1, channels, bins, frames])

    def _arrange(self, out):
        _, channels, bins, frames = out.shape
        if self.expand_dims:
            return ops.transpose(out, [0, 3, 2, 1] if self.data_format == "channels_last" else [0, 1, 3, 2])
        out = ops.reshape(out, [-1, channels * bins, frames])
        return ops.transpose(out, [0, 2, 1]) if self.data_format == "channels_last" else out

    def call(self, inputs):
        x = ops.convert_to_tensor(inputs)
        if _dtypes.standardize(x.dtype) not in ("float16", "float32", "float64"):
            raise TypeError(f"Invalid input type. Expected `float16`, `float32` or `float64`. Received: input "
                            f"type={x.dtype}")
        real = self._conv(x, self.real_kernel) if self.mode != "imag" else None
        imag = self._conv(x, self.imag_kernel) if self.mode != "real" else None
        if self.mode == "real":
            return self._arrange(real)
        if self.mode == "imag":
            return self._arrange(imag)
        if self.mode == "angle":
            return self._arrange(ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=2))
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":  # one-sided: every bin but DC and Nyquist counted twice
            return self._arrange(ops.add(power, ops.pad(power[:, :, 1:-1, :], [[0, 0], [0, 0], [1, 1], [0, 0]])))
        eps = _config.epsilon()
        magnitude = self._arrange(ops.sqrt(ops.maximum(power, eps)))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, eps))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            batch, time, channels = input_shape
        else:
            batch, channels, time = input_shape
        bins = self._fft_length // 2 + 1
        if self.mode == "stft":
            bins *= 2
        if time is None:
            frames = None
        elif self.padding == "valid":
            frames = (time - self.frame_length) // self._frame_step + 1
        else:
            frames = (time - 1) // self._frame_step + 1
        if self.expand_dims:
            return (batch, frames, bins, channels) if self.data_format == "channels_last" else \
                (batch, channels, frames, bins)
        width = None if channels is None else bins * channels
        return (batch, frames, width) if self.data_format == "channels_last" else (batch, width, frames)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length, "window": self.window,
                "periodic": self.periodic, "scaling": self.scaling, "padding": self.padding,
                "data_format": self.data_format, "expand_dims": self.expand_dims}
