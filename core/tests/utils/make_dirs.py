"""Small generated class folders of images (RGB and grayscale PNG), texts and WAV clips."""

from __future__ import annotations

import os
import wave

import numpy as np


def make(root) -> None:
    from PIL import Image

    rng = np.random.default_rng(5)
    sizes = [(20, 30), (32, 32), (17, 9), (40, 25), (8, 8), (31, 44)]
    for ci, cls in enumerate(["cats", "dogs", "zebras"]):
        d = os.path.join(root, "images", cls)
        os.makedirs(os.path.join(d, "nested"), exist_ok=True)
        for j in range(4 + ci):
            h, w = sizes[(ci + j) % len(sizes)]
            arr = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            sub = "nested" if j == 2 else ""
            if j == 3:
                Image.fromarray(arr[..., 0], "L").save(os.path.join(d, sub, f"g{j}.png"))
            elif j == 4:  # an upper-case extension is an image too
                Image.fromarray(arr, "RGB").save(os.path.join(d, sub, f"b{j}.PNG"), format="png")
            else:
                Image.fromarray(arr, "RGB").save(os.path.join(d, sub, f"i{j}.png"))
        with open(os.path.join(d, "notes.txt"), "w") as f:  # not an image: skipped
            f.write("x")
    for ci, cls in enumerate(["neg", "pos"]):
        d = os.path.join(root, "texts", cls)
        os.makedirs(d, exist_ok=True)
        for j in range(3 + ci):
            with open(os.path.join(d, f"t{j}.txt"), "w", encoding="utf-8") as f:
                f.write(f"{cls} review {j} " + "wörds " * (j + 1) + "🙂" * j)
    for ci, cls in enumerate(["yes", "no"]):
        d = os.path.join(root, "audio", cls)
        os.makedirs(d, exist_ok=True)
        for j in range(3):
            n = 50 + 37 * j + 11 * ci
            samples = rng.integers(-32768, 32767, (n, 1), dtype=np.int16)
            with wave.open(os.path.join(d, f"a{j}.wav"), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(16000)
                w.writeframes(samples.tobytes())
