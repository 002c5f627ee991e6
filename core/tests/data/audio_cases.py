"""The audio-layer cases compared with Keras (plain data, shared by both sides)."""

from __future__ import annotations

import numpy as np

_rng = np.random.default_rng(0)
WAVES = _rng.standard_normal((2, 1000)).astype("float32")
CLIPS = _rng.standard_normal((2, 300, 2)).astype("float32")

# (id, layer, kwargs, input name)
CASES = [
    ("mel_db", "MelSpectrogram", {"fft_length": 256, "sequence_stride": 64, "num_mel_bins": 40, "sampling_rate": 8000},
     "waves"),
    ("mel_power1", "MelSpectrogram",
     {"fft_length": 128, "sequence_stride": 50, "sequence_length": 100, "window": "hamming", "num_mel_bins": 20,
      "power_to_db": False, "mag_exp": 1.0, "min_freq": 50.0, "max_freq": 3000.0, "sampling_rate": 8000}, "waves"),
    ("mel_ref_topdb", "MelSpectrogram",
     {"fft_length": 64, "sequence_stride": 16, "num_mel_bins": 12, "top_db": 20.0, "ref_power": 4.0,
      "window": None}, "waves"),
    *[(f"stft_{m}", "STFTSpectrogram", {"mode": m, "frame_length": 64, "frame_step": 16}, "clips")
      for m in ("log", "magnitude", "psd", "real", "imag", "angle", "stft")],
    ("stft_same_expand", "STFTSpectrogram",
     {"mode": "magnitude", "frame_length": 50, "fft_length": 64, "padding": "same", "expand_dims": True,
      "window": "blackman", "periodic": True, "scaling": "spectrum"}, "clips"),
    ("stft_first", "STFTSpectrogram",
     {"mode": "magnitude", "frame_length": 32, "data_format": "channels_first", "expand_dims": True}, "clips_first"),
    ("stft_first_flat", "STFTSpectrogram",
     {"mode": "stft", "frame_length": 32, "frame_step": 8, "data_format": "channels_first", "window": None,
      "scaling": None}, "clips_first"),
    ("stft_hamming", "STFTSpectrogram", {"mode": "real", "frame_length": 40, "window": "hamming", "periodic": True},
     "clips"),
]

INPUTS = {"waves": WAVES, "clips": CLIPS, "clips_first": np.ascontiguousarray(CLIPS.transpose(0, 2, 1))}
