"""int8 quantization of a 20M-parameter MLP: weight memory, predict speed and top-1 agreement
against float32, per backend.

    python bench/quantize.py [BACKEND ...] [--out bench/results/quantize.md]

Each backend runs in its own subprocess. The MLP is 1024 -> 4096 -> 4096 -> 100 with ReLU
(21.3M parameters, glorot-initialised, seed 0); 1,000 Gaussian inputs. Reported: bytes of the
weights (float32 vs int8 kernels + float32 scales/biases), median wall time of
``predict(x, batch_size=250)`` over 3 runs after one warm-up, and the share of inputs whose argmax
agrees. The machine is shared (timings are contended).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

SIZES = (1024, 4096, 4096, 100)


def measure(backend: str) -> dict:
    import dlx

    assert dlx.backend.backend() == backend or backend == "tf", (dlx.backend.backend(), backend)
    from dlx.quantizers import Int8QuantizationConfig

    def build():
        dlx.utils.set_random_seed(0)
        inputs = dlx.Input((SIZES[0],))
        x = inputs
        for units in SIZES[1:-1]:
            x = dlx.layers.Dense(units, activation="relu")(x)
        return dlx.Model(inputs, dlx.layers.Dense(SIZES[-1])(x))

    data = np.random.default_rng(1).normal(size=(1000, SIZES[0])).astype("float32")

    def weight_bytes(model):
        return int(sum(np.asarray(dlx.ops.convert_to_numpy(v)).nbytes for v in model.weights))

    def timed(model):
        model.predict(data, batch_size=250, verbose=0)
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            out = model.predict(data, batch_size=250, verbose=0)
            runs.append(time.perf_counter() - t)
        return float(np.median(runs)), np.asarray(dlx.ops.convert_to_numpy(out))

    model = build()
    row = {"backend": backend, "params": model.count_params(), "float32_bytes": weight_bytes(model)}
    row["float32_s"], f32_out = timed(model)
    for label, config in (("w8a8", None), ("w8", Int8QuantizationConfig(activation_quantizer=None))):
        model = build()
        model.quantize("int8", config=config)
        row[f"{label}_bytes"] = weight_bytes(model)
        row[f"{label}_s"], out = timed(model)
        row[f"{label}_top1"] = float(np.mean(np.argmax(f32_out, -1) == np.argmax(out, -1)))
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("backends", nargs="*", default=["numpy", "jax", "torch", "tf", "openvino"])
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "quantize.md"))
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.backends[0])))
        return
    rows = []
    for b in args.backends:
        env = {**os.environ, "DLX_BACKEND": b}
        proc = subprocess.run([sys.executable, __file__, "--child", b], env=env, capture_output=True, text=True,
                              timeout=1800)
        if proc.returncode != 0:
            print(f"{b}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            rows.append({"backend": b, "error": proc.stderr.strip().splitlines()[-1][:200]})
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(rows[-1], file=sys.stderr)
    lines = ["# int8 quantization of a 20M-parameter MLP (dlx `Model.quantize(\"int8\")`)", "",
             "Produced by `python bench/quantize.py`. MLP 1024-4096-4096-100 (ReLU), 1,000 Gaussian inputs, "
             "`predict(batch_size=250)`, median of 3 after a warm-up. **Contended**: a shared 2-core CPU "
             "machine; speeds are indicative only.", "",
             "The int8 path keeps int8 kernels in memory and, per call, contracts integer values held in the "
             "compute dtype (dlx's `matmul` has no int8 x int8 -> int32 form), so it saves memory but is not faster "
             "than float32 on CPU. W8A8: Keras's default `int8` scheme (inputs quantized per row too); W8: "
             "`Int8QuantizationConfig(activation_quantizer=None)` (weight-only). The MLP is untrained (random "
             "glorot weights, 100 classes), so its logits are close together: agreement is a pessimistic figure.",
             "",
             "| backend | params | float32 MB | int8 MB | memory ratio | float32 predict s | W8A8 s | W8A8 top-1 "
             "| W8 s | W8 top-1 |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['backend']} | failed: {r['error']} |||||||||")
            continue
        lines.append(f"| {r['backend']} | {r['params']:,} | {r['float32_bytes'] / 1e6:.1f} | "
                     f"{r['w8a8_bytes'] / 1e6:.1f} | {r['w8a8_bytes'] / r['float32_bytes']:.3f} | "
                     f"{r['float32_s']:.3f} | {r['w8a8_s']:.3f} | {r['w8a8_top1']:.1%} | {r['w8_s']:.3f} | "
                     f"{r['w8_top1']:.1%} |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
