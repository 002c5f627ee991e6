"""Image input pipeline: a directory of JPEGs -> decode -> resize -> RandomFlip + RandomRotation -> fit
a small CNN, dlx against Keras 3 on the same backend.

    python bench/image_pipeline.py [--backends jax torch tf] [--rounds 3] [--images 2000] [--out bench/results]

Data: ``--images`` JPEGs (default 2,000, two classes) written with Pillow into a temporary folder,
each of a random size between 48 and 200 pixels a side (smooth random content, quality 90).
Pipeline, the same program in both libraries:
``image_dataset_from_directory(dir, image_size=(64, 64), batch_size=32, seed=1)`` ->
``.map(augment)`` applying ``RandomFlip("horizontal_and_vertical")`` then ``RandomRotation(0.1)``
(``training=True``; Keras: ``num_parallel_calls=AUTOTUNE``, as its guide) -> ``.prefetch(AUTOTUNE)``;
the model: Rescaling(1/255), Conv2D 16/32/64 (3x3, ReLU) with max pooling, global average
pooling, Dense(2); Adam, sparse categorical cross-entropy from logits. Per configuration:

* **images/s**: images per second of ``fit`` over the pipeline (2 timed epochs after 1 warm-up);
* **stall**: the fraction of step time the training step waits for input, ``1 - t_mem / t_pipe``
  where ``t_pipe`` is the timed ``fit`` over the pipeline and ``t_mem`` the same model's ``fit`` over
  the same number of already decoded and augmented batches held in memory (same batch size, same
  steps, same process, after a warm-up): what ``fit`` would take if the next batch were always
  ready. Measured the same way for every backend (Keras's tf backend pulls batches inside its
  compiled step, so a callback cannot time the wait there);
* **pipeline alone**: images/s of the pipeline alone, read the way ``fit`` reads it (dlx: its
  loader threads; Keras: iterating the ``tf.data`` dataset), and the CPU time it used per image
  (all threads; less sensitive to a contended machine than wall time).

Method as in ``bench/fit_predict.py``: one subprocess per configuration, all pinned to one CPU set,
rounds interleaved in shuffled order, medians over rounds, runs that saw more than 0.25 foreign
cores measured again (``contended``).
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fit_predict import Window, _env_for, error_lines, run_rounds, worker_threads, workload_main, write_results  # noqa: E402

BACKENDS = ("jax", "torch", "tf")
IMPLS = ("dlx", "keras")
SIZE, BATCH, EPOCHS = (64, 64), 32, 3  # 1 warm-up + 2 timed epochs


def make_images(folder, n, seed=0):
    """``n`` JPEGs of random sizes in two class folders (smooth random content)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    for c in ("cats", "dogs"):
        os.makedirs(os.path.join(folder, c), exist_ok=True)
    for i in range(n):
        h, w = rng.integers(48, 201, 2)
        coarse = rng.integers(0, 256, (h // 8 + 2, w // 8 + 2, 3), dtype=np.uint8)
        img = Image.fromarray(coarse).resize((int(w), int(h)), Image.Resampling.BILINEAR)
        img.save(os.path.join(folder, ("cats", "dogs")[i % 2], f"{i:05d}.jpg"), quality=90)


# ================================================================================== worker
def _pipeline(lib, directory, impl):
    ds = lib.utils.image_dataset_from_directory(directory, image_size=SIZE, batch_size=BATCH, seed=1,
                                                verbose=False)
    flip = lib.layers.RandomFlip("horizontal_and_vertical", seed=2)
    rotate = lib.layers.RandomRotation(0.1, seed=3)

    def augment(x, y):  # layer by layer: Keras runs each one on TensorFlow inside tf.data, any backend
        return rotate(flip(x, training=True), training=True), y

    if impl == "keras":
        import tensorflow as tf

        auto = tf.data.AUTOTUNE
        return ds.map(augment, num_parallel_calls=auto).prefetch(auto)
    from dlx.utils.streaming_dataset import AUTOTUNE

    return ds.map(augment).prefetch(AUTOTUNE)


def _model(lib):
    L = lib.layers
    model = lib.Sequential([
        lib.Input((*SIZE, 3)), L.Rescaling(1.0 / 255),
        L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(),
        L.Conv2D(32, 3, activation="relu"), L.MaxPooling2D(),
        L.Conv2D(64, 3, activation="relu"), L.GlobalAveragePooling2D(), L.Dense(2)])
    model.compile(optimizer=lib.optimizers.Adam(1e-3),
                  loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def _read_all(ds, impl):
    """Every batch of one epoch as NumPy, read the way ``fit`` reads the pipeline."""
    if impl == "keras":
        batches = [(np.asarray(x), np.asarray(y)) for x, y in ds]
    else:
        from dlx.trainers.data_adapters.py_dataset_adapter import PyDatasetAdapter

        batches = list(PyDatasetAdapter(ds).get_numpy_iterator())
    return batches


def run_worker(cfg):
    impl = cfg["impl"]
    worker_threads(cfg)
    if impl == "keras":
        import keras as lib
    else:
        import dlx as lib
    n = cfg["images"]
    ds = _pipeline(lib, cfg["dir"], impl)
    model = _model(lib)
    t0 = time.perf_counter()
    model.fit(ds, epochs=1, verbose=0)
    warm = time.perf_counter() - t0
    with Window() as w:
        model.fit(ds, epochs=EPOCHS - 1, verbose=0)
    with Window() as wp:
        batches = _read_all(ds, impl)
    x = np.concatenate([bx for bx, _ in batches])
    y = np.concatenate([by for _, by in batches])
    model.fit(x, y, batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    with Window() as wm:
        model.fit(x, y, batch_size=BATCH, epochs=EPOCHS - 1, shuffle=False, verbose=0)
    info = w.info()
    info["foreign_cores"] = round(max(w.foreign_cores, wm.foreign_cores), 2)
    info["contended"] = info["foreign_cores"] > 0.25
    return {"images_s": (EPOCHS - 1) * n / w.wall, "stall": max(0.0, 1.0 - wm.wall / w.wall),
            "step_ms": w.wall / ((EPOCHS - 1) * len(batches)) * 1e3,
            "mem_step_ms": wm.wall / ((EPOCHS - 1) * len(batches)) * 1e3,
            "pipe_images_s": n / wp.wall, "pipe_cpu_ms": wp.own_cores * wp.wall / n * 1e3, "warmup_s": warm, **info}


# ================================================================================== driver
FIGURES = ("images_s", "stall", "step_ms", "mem_step_ms", "pipe_images_s", "pipe_cpu_ms")


def summarize(runs):
    last: dict = {}
    for r in runs:
        if "error" not in r:
            last[(r["round"], r["backend"], r["impl"])] = r  # a rerun replaces the contended attempt
    out = {}
    for b in BACKENDS:
        for impl in IMPLS:
            rs = [r for (_, bb, ii), r in sorted(last.items()) if bb == b and ii == impl]
            if rs:
                out[f"{b}/{impl}"] = {**{f: statistics.median(r[f] for r in rs) for f in FIGURES},
                                      "runs": len(rs), "contended": sum(1 for r in rs if r.get("contended"))}
        same_round = [last[(r, b, "dlx")]["images_s"] / last[(r, b, "keras")]["images_s"]
                      for (r, bb, ii) in last if bb == b and ii == "dlx" and (r, b, "keras") in last]
        if same_round:
            out[f"{b}/ratio"] = {"median": statistics.median(same_round), "min": min(same_round),
                                 "max": max(same_round), "rounds": len(same_round)}
    return out


def markdown(result):
    s, meta = result["summary"], result["meta"]
    lines = [f"# Image pipeline: {meta['images']} JPEGs -> decode -> resize {SIZE[0]}x{SIZE[1]} -> RandomFlip + "
             f"RandomRotation -> fit a small CNN (batch {BATCH})", "",
             f"{meta['date']}, {meta['cpus']} CPUs (pinned to {meta['cpu_set']}), {meta['rounds']} round(s), "
             f"versions {meta['versions']}. Medians over rounds. "
             + ("**Contended machine** (shared by other jobs): read the contended counts before trusting a ratio."
                if any(r.get("contended") for r in s.values() if isinstance(r, dict) and "runs" in r)
                else "No run saw more than 0.25 foreign cores."), "",
             "| backend | impl | images/s | dlx / Keras (range) | stall | step ms | in-memory step ms | "
             "pipeline alone images/s | pipeline CPU ms/image | rounds (contended) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for b in BACKENDS:
        for impl in IMPLS:
            r = s.get(f"{b}/{impl}")
            if r is None:
                continue
            q = s.get(f"{b}/ratio")
            ratio = (f"{q['median']:.2f} ({q['min']:.2f}-{q['max']:.2f})" if q and impl == "dlx" else "")
            lines.append(f"| {b} | {impl} | {r['images_s']:.0f} | {ratio} | {r['stall']:.0%} | {r['step_ms']:.1f} | "
                         f"{r['mem_step_ms']:.1f} | {r['pipe_images_s']:.0f} | {r['pipe_cpu_ms']:.2f} | "
                         f"{r['runs']} ({r['contended']}) |")
    lines += error_lines(result["runs"])
    return "\n".join(lines) + "\n"


def drive(args):
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dlx_bench_images_") as folder:
        make_images(folder, args.images)
        cfgs = [{"backend": b, "impl": i, "suite": "pipeline", "dir": folder, "images": args.images}
                for b in args.backends for i in IMPLS if not (args.no_keras and i == "keras")]

        def show(rec):
            if "error" in rec:
                return f"{rec['backend']}/{rec['impl']:6s} ERROR"
            return (f"{rec['backend']}/{rec['impl']:6s} {rec['images_s']:.0f} images/s, stall {rec['stall']:.0%}, "
                    f"pipeline alone {rec['pipe_images_s']:.0f} images/s")

        runs = run_rounds(cfgs, args, __file__, lambda cfg: _env_for(cfg, args.torch_threads), show)
    for r in runs:
        r.pop("dir", None)
    write_results(out_dir, "image_pipeline", args, runs, summarize, markdown, images=args.images)


def main(argv=None):
    def extra(p):
        p.add_argument("--images", type=int, default=2000)

    workload_main(argv, __doc__, BACKENDS, run_worker, drive, reruns=1, quiet_wait=10.0, timeout=1200, extra=extra)


if __name__ == "__main__":
    main()
