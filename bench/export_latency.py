"""Latency of exported models in their own runtimes against dlx's ``model.predict``.

    python bench/export_latency.py [--train-backend torch] [--backends jax torch tf]
                                   [--formats onnx litert tf_saved_model openvino]
                                   [--kinds cnn lstm transformer resnet] [--min-calls 20] [--min-time 0.5]
                                   [--out bench/results]

The four models of the export tests (``core/tests/saving/export_models.py``: MNIST-style CNN, LSTM
text classifier with 12 tokens, transformer encoder block on 10 x 16 inputs, ResNet-style CNN on
16 x 16 x 3) are trained 3 steps on ``--train-backend``, saved as ``.keras`` and exported to every
format. Each runtime then runs in its own subprocess that imports only that runtime (the runner
functions of ``core/tests/saving/export_runners.py``, with the runtime's default thread count):
onnxruntime, the LiteRT interpreter (``ai-edge-litert``), TensorFlow (SavedModel) and OpenVINO.
dlx's own figure is ``model.predict(x, verbose=0)`` of the ``.keras`` model loaded on each of
``--backends`` in its own subprocess; the table shows the fastest ("best backend") and the ratio
of each runtime to it (< 1: the export is faster).

Per (model, batch) a measurement is the median of >= ``--min-calls`` calls and >= ``--min-time``
seconds after 3 warm-up calls, NumPy in and NumPy out. Each subprocess records the cores the rest
of the machine used while it timed (``/proc/stat``); more than 0.25 marks the figure contended (*).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent / "core" / "tests" / "saving"
FORMATS = ("onnx", "litert", "tf_saved_model", "openvino")
RUNTIME = {"onnx": "onnxruntime", "litert": "LiteRT", "tf_saved_model": "TF SavedModel", "openvino": "OpenVINO"}
SUFFIX = {"onnx": ".onnx", "litert": ".tflite", "tf_saved_model": "_saved_model", "openvino": ".xml"}
BATCHES = (1, 32)
CONTENDED_CORES = 0.25


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _cpu_jiffies():
    with open("/proc/stat") as f:
        busy = sum(int(v) for i, v in enumerate(f.readline().split()[1:]) if i not in (3, 4))
    with open("/proc/self/stat") as f:
        own = sum(int(v) for v in f.read().rsplit(")", 1)[1].split()[11:15])
    return busy, own


def _time(run, x, min_calls, min_time):
    """Median seconds of ``run(x)``, and the foreign cores seen while timing."""
    for _ in range(3):
        run(x)
    times = []
    j0, t0 = _cpu_jiffies(), time.perf_counter()
    while len(times) < min_calls or sum(times) < min_time:
        t = time.perf_counter()
        run(x)
        times.append(time.perf_counter() - t)
    wall = time.perf_counter() - t0
    busy, own = _cpu_jiffies()
    foreign = max(0.0, (busy - j0[0]) - (own - j0[1])) / os.sysconf("SC_CLK_TCK") / max(wall, 1e-9)
    return statistics.median(times), foreign


def child(which, folder, kinds, min_calls, min_time):
    """Times every (kind, batch) with one runtime (``which`` a format) or dlx (``dlx:BACKEND``)."""
    folder = Path(folder)
    out = {}
    if which.startswith("dlx:"):
        import dlx

        backend = which.split(":", 1)[1]
        with dlx.backend.use(backend):
            for kind in kinds:
                model = dlx.models.load_model(folder / f"{kind}.keras")
                for n in BATCHES:
                    x = np.load(folder / f"{kind}.x{n}.npy")
                    out[f"{kind}/{n}"] = _time(lambda v, m=model: m.predict(v, verbose=0), x, min_calls, min_time)
    else:
        runners = _load("export_runners", TESTS / "export_runners.py")
        for kind in kinds:
            run = runners.RUNNERS[which](str(folder / f"{kind}{SUFFIX[which]}"), threads=None)
            for n in BATCHES:
                x = np.load(folder / f"{kind}.x{n}.npy")
                out[f"{kind}/{n}"] = _time(lambda v, r=run: r([v]), x, min_calls, min_time)
        if [m for m in ("dlx",) if m in sys.modules]:
            raise RuntimeError(f"the {which} timing process imported dlx")
    print(json.dumps(out))


def prepare(folder, train_backend, kinds, formats):
    import dlx

    models = _load("export_models", TESTS / "export_models.py")
    with dlx.backend.use(train_backend):
        for kind in kinds:
            model = models.trained(dlx, kind)
            model.save(folder / f"{kind}.keras")
            for n in BATCHES:
                np.save(folder / f"{kind}.x{n}.npy", models.data(kind, n, seed=7)[0])
            for fmt in formats:
                model.export(folder / f"{kind}{SUFFIX[fmt]}", format=fmt, verbose=False)


def _run_child(which, folder, args):
    env = {k: v for k, v in os.environ.items() if k != "DLX_BACKEND"}
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    cmd = [sys.executable, __file__, "--child", which, "--folder", str(folder), "--kinds", *args.kinds,
           "--min-calls", str(args.min_calls), "--min-time", str(args.min_time)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    if proc.returncode != 0:
        print(f"{which}: failed\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def table(results, kinds, formats, backends) -> str:
    def cell(v):
        return f"{v[0] * 1e3:.3f}" + ("*" if v[1] > CONTENDED_CORES else "")

    head = ["model", "batch", "dlx predict, best backend (ms)"] + [f"{RUNTIME[f]} ms (x dlx)" for f in formats]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for kind in kinds:
        for n in BATCHES:
            key = f"{kind}/{n}"
            dlx_runs = {b: results[f"dlx:{b}"][key] for b in backends if results.get(f"dlx:{b}")}
            if not dlx_runs:
                continue
            best = min(dlx_runs, key=lambda b: dlx_runs[b][0])
            row = [kind, str(n), f"{cell(dlx_runs[best])} ({best})"]
            for f in formats:
                r = (results.get(f) or {}).get(key)
                row.append("-" if r is None else f"{cell(r)} ({r[0] / dlx_runs[best][0]:.2f})")
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--train-backend", default="torch")
    p.add_argument("--backends", nargs="+", default=["jax", "torch", "tf"])
    p.add_argument("--formats", nargs="+", default=list(FORMATS), choices=FORMATS)
    p.add_argument("--kinds", nargs="+", default=["cnn", "lstm", "transformer", "resnet"])
    p.add_argument("--min-calls", type=int, default=20)
    p.add_argument("--min-time", type=float, default=0.5)
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--child")
    p.add_argument("--folder")
    args = p.parse_args(argv)
    if args.child:
        return child(args.child, args.folder, args.kinds, args.min_calls, args.min_time)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        prepare(folder, args.train_backend, args.kinds, args.formats)
        results = {}
        for which in [*args.formats, *[f"dlx:{b}" for b in args.backends]]:
            results[which] = _run_child(which, folder, args)
            print(f"{which}: done", file=sys.stderr)
    text = (f"Exported-model latency (ms per call, median; trained on {args.train_backend}; runtimes with their "
            f"default threads on {os.cpu_count()} cores; * = the rest of the machine used > {CONTENDED_CORES} "
            "cores while timing)\n\n" + table(results, args.kinds, args.formats, args.backends) + "\n")
    print(text)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "export_latency.json").write_text(json.dumps({"args": vars(args), "results": results}, indent=1))
    (out / "export_latency.md").write_text(text)
    return None


if __name__ == "__main__":
    main()
