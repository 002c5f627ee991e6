"""Data-parallel ``fit`` throughput on 1, 2 and 4 devices / processes per backend, against Keras 3's
own distribution on jax with the same mesh.

    python bench/distribution.py [--backends jax torch tf] [--models mlp cnn] [--devices 1 2 4]
                                 [--rounds 1] [--out bench/results] [--no-keras]
    python bench/distribution.py --report bench/results/distribution.json   # tables from saved runs

Workloads (Adam(1e-3), sparse categorical cross-entropy from logits, shuffled, no metrics; 1
warm-up epoch, which includes compilation, then 2 timed epochs; samples/s = timed samples / wall):

* **mlp**: 784-256(relu)-256(relu)-10, 16,384 x 784 N(0,1) float32 samples, batch 256 (64 steps).
* **cnn**: Conv2D(16, 3, relu) -> MaxPool2 -> Conv2D(32, 3, relu) -> MaxPool2 -> Flatten -> Dense(10),
  4,096 x 28 x 28 x 1 images, batch 128 (32 steps).

Every run is ``DataParallel`` over N devices (N = 1 included: a 1-device mesh), the model built and
fitted inside the distribution's scope:

* ``dlx``: started by the backend engine's ``launch(N)`` hook (``dlx.distribution.launch``): jax,
  one process with N host CPU devices (``--xla_force_host_platform_device_count=N``); torch, N
  processes over gloo on loopback; tf, one process with N logical CPUs (``MirroredStrategy``).
* ``keras`` (jax only): Keras 3 with ``keras.distribution.set_distribution(DataParallel(devices=...))``
  over N host CPU devices, the same XLA flag.

On CPUs the devices share the same cores, so the figures show the engines' overhead, not a
speed-up. Torch: each process gets ``max(1, torch_threads // N)`` intra-op threads (the job's total
stays that of one process). Method as in ``bench/fit_predict.py`` (its ``run_rounds``): one
subprocess per configuration pinned to one CPU set, interleaved shuffled rounds, medians, a
contended run measured again; the other processes of a torch job are not counted as foreign load.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fit_predict import CONTENDED_CORES, _cpu_jiffies, error_lines, run_rounds, workload_main, write_results  # noqa: E402
from fit_predict import _env_for as fit_predict_env  # noqa: E402

BACKENDS = ("jax", "torch", "tf")
MODELS = {"mlp": {"n": 16384, "batch": 256}, "cnn": {"n": 4096, "batch": 128}}
EPOCHS = 3  # 1 warm-up + 2 timed


# ================================================================================== one fit
def _data(model, seed=0):
    rng = np.random.default_rng(seed)
    n = MODELS[model]["n"]
    shape = (n, 784) if model == "mlp" else (n, 28, 28, 1)
    return rng.standard_normal(shape, dtype=np.float32), rng.integers(0, 10, n).astype(np.int32)


def _build(lib, model):
    if lib == "dlx":
        from dlx import layers, losses, models, optimizers
    else:
        from keras import layers, losses, models, optimizers
    if model == "mlp":
        m = models.Sequential([layers.Input((784,)), layers.Dense(256, activation="relu"),
                               layers.Dense(256, activation="relu"), layers.Dense(10)])
    else:
        m = models.Sequential([layers.Input((28, 28, 1)), layers.Conv2D(16, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Conv2D(32, 3, activation="relu"),
                               layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10)])
    m.compile(optimizer=optimizers.Adam(1e-3), loss=losses.SparseCategoricalCrossentropy(from_logits=True))
    return m


def _fit(lib, model):
    """Builds and fits ``model``; returns the timed window's wall time and CPU counters."""
    callbacks = __import__("dlx" if lib == "dlx" else "keras").callbacks
    x, y = _data(model)
    m = _build(lib, model)
    marks = {}

    class Mark(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                marks["warm"] = time.perf_counter() - marks["t0"]
                marks["t1"], marks["j1"] = time.perf_counter(), _cpu_jiffies()

    marks["t0"] = time.perf_counter()
    hist = m.fit(x, y, batch_size=MODELS[model]["batch"], epochs=EPOCHS, shuffle=True, verbose=0, callbacks=[Mark()])
    wall, (busy, own) = time.perf_counter() - marks["t1"], _cpu_jiffies()
    return {"wall": wall, "warmup_s": marks["warm"], "busy": busy - marks["j1"][0], "own": own - marks["j1"][1],
            "loss": float(hist.history["loss"][-1])}


def dlx_job(model, num_devices, device_type=None):
    """In every process of a dlx job: ``fit`` under ``DataParallel`` over the job's devices."""
    import dlx
    from dlx import distribution as D

    if dlx.config.backend() == "torch":
        import torch

        torch.set_num_threads(max(1, int(os.environ["DLX_TORCH_THREADS"]) // num_devices))
    with D.DataParallel(devices=D.list_devices(device_type)[:num_devices]).scope():
        return _fit("dlx", model)


def _keras_job(model, num_devices):
    import keras

    keras.distribution.set_distribution(
        keras.distribution.DataParallel(devices=keras.distribution.list_devices("cpu")[:num_devices]))
    return _fit("keras", model)


def _summary(model, procs):
    """One record from the job's processes: the slowest process's wall time; foreign load = the
    machine's busy CPU minus every process of the job."""
    hz = os.sysconf("SC_CLK_TCK")
    wall = max(p["wall"] for p in procs)
    foreign = max(0.0, procs[0]["busy"] - sum(p["own"] for p in procs)) / hz / wall
    samples = (EPOCHS - 1) * MODELS[model]["n"]
    return {"samples_per_s": samples / wall, "warmup_s": max(p["warmup_s"] for p in procs),
            "loss": procs[0]["loss"], "processes": len(procs),
            "own_cores": round(sum(p["own"] for p in procs) / hz / wall, 2), "foreign_cores": round(foreign, 2),
            "contended": foreign > CONTENDED_CORES, "loadavg": list(os.getloadavg())}


def run_worker(cfg):
    if cfg["impl"] == "keras":  # KERAS_BACKEND and XLA_FLAGS come from _env_for
        return _summary(cfg["model"], [_keras_job(cfg["model"], cfg["devices"])])
    from dlx.distribution import launch

    path = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    procs = launch.run(cfg["backend"], cfg["devices"], "distribution:dlx_job", {"model": cfg["model"],
                       "num_devices": cfg["devices"]}, timeout=1500, env={"PYTHONPATH": path})
    return _summary(cfg["model"], procs)


# ================================================================================== driver
def configs(backends, models, devices, keras=True):
    out = [{"backend": b, "impl": "dlx", "model": m, "devices": n} for b in backends for m in models for n in devices]
    if keras and "jax" in backends:
        out += [{"backend": "jax", "impl": "keras", "model": m, "devices": n} for m in models for n in devices]
    return out


def _env_for(cfg, torch_threads):
    env = fit_predict_env(cfg, torch_threads)
    env["DLX_TORCH_THREADS"] = str(torch_threads)
    if cfg["impl"] == "keras":  # Keras's distribution runs on jax's host devices (as dlx's jax runs)
        flags = [f for f in env.get("XLA_FLAGS", "").split() if "host_platform_device_count" not in f]
        env["XLA_FLAGS"] = " ".join([*flags, f"--xla_force_host_platform_device_count={cfg['devices']}"])
    return env


def _label(cfg):
    return f"{cfg['backend']}/{cfg['impl']}/{cfg['model']}/{cfg['devices']}"


def summarize(runs):
    by_round = {}
    for r in runs:  # in run order: a rerun of a contended configuration replaces it in its round
        if "error" not in r:
            by_round[(r["round"], _label(r))] = r
    cells = {}
    for (_, label), r in by_round.items():
        cells.setdefault(label, []).append(r)
    out = {label: {"samples_per_s": statistics.median(r["samples_per_s"] for r in rs),
                   "warmup_s": statistics.median(r["warmup_s"] for r in rs), "runs": len(rs),
                   "contended": sum(1 for r in rs if r.get("contended"))} for label, rs in cells.items()}
    rounds = sorted({rnd for rnd, _ in by_round})
    ratios = {}
    for label in cells:
        b, impl, model, n = label.split("/")
        if b == "jax" and impl == "dlx":  # Keras samples/s over dlx samples/s: dlx's time relative to Keras's
            per = [by_round[(rnd, f"jax/keras/{model}/{n}")]["samples_per_s"] / by_round[(rnd, label)]["samples_per_s"]
                   for rnd in rounds if (rnd, label) in by_round and (rnd, f"jax/keras/{model}/{n}") in by_round]
            if per:
                ratios[f"{model}/{n}"] = {"median": statistics.median(per), "per_round": [round(p, 3) for p in per]}
    return {"cells": out, "dlx_time_over_keras_jax": ratios}


def markdown(result):
    meta, s = result["meta"], result["summary"]
    cells, ratios = s["cells"], s["dlx_time_over_keras_jax"]
    devices = sorted({int(k.split("/")[3]) for k in cells})
    lines = [f"# DataParallel fit throughput on 1, 2, 4 devices / processes ({meta['date']})", "",
             f"{meta['rounds']} round(s), medians; {meta['cpus']} CPUs (every run pinned to {meta['cpu_set']}), "
             f"torch threads per job {meta['torch_threads']}; versions {meta['versions']}. "
             "**Contended machine**: other jobs shared these cores; runs marked `*` saw more than "
             f"{CONTENDED_CORES} foreign cores. On CPUs the devices share the same cores: the columns show the "
             "engines' overhead, not a speed-up.", "",
             "samples/s (higher is better):", "",
             "| backend | impl | model | " + " | ".join(f"{n} device(s)" for n in devices) + " | last / first |",
             "|---|---|---|" + "---:|" * (len(devices) + 1)]

    def cell(label):
        c = cells.get(label)
        return "-" if c is None else f"{c['samples_per_s']:,.0f}" + ("*" if c["contended"] == c["runs"] else "")

    for b in BACKENDS:
        for impl in ("dlx", "keras"):
            for model in MODELS:
                row = [cells.get(f"{b}/{impl}/{model}/{n}") for n in devices]
                if not any(row):
                    continue
                lo, hi = cells.get(f"{b}/{impl}/{model}/{devices[0]}"), cells.get(f"{b}/{impl}/{model}/{devices[-1]}")
                scale = f"{hi['samples_per_s'] / lo['samples_per_s']:.2f}" if lo and hi else "-"
                lines.append(f"| {b} | {impl if impl == 'dlx' else 'Keras 3'} | {model} | "
                             + " | ".join(cell(f"{b}/{impl}/{model}/{n}") for n in devices) + f" | {scale} |")
    if ratios:
        lines += ["", "dlx time per sample / Keras 3's on jax, same mesh (samples/s of Keras / samples/s of dlx; "
                  "below 1: dlx faster; goal <= 1.1):", "",
                  "| model | devices | ratio | per round |", "|---|---:|---:|---|"]
        for k, v in sorted(ratios.items(), key=lambda kv: (kv[0].split("/")[0], int(kv[0].split("/")[1]))):
            model, n = k.split("/")
            lines.append(f"| {model} | {n} | **{v['median']:.2f}** | {v['per_round']} |")
    lines += error_lines(result["runs"], _label)
    return "\n".join(lines) + "\n"


def drive(args):
    cfgs = configs(args.backends, args.models, args.devices, keras=not args.no_keras)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    def show(rec):
        if "error" in rec:
            return f"{_label(rec):24s} ERROR"
        return f"{_label(rec):24s} {rec['samples_per_s']:,.0f} samples/s, warm-up {rec['warmup_s']:.1f}s"

    runs = run_rounds(cfgs, args, __file__, lambda cfg: _env_for(cfg, args.torch_threads), show)
    write_results(out_dir, "distribution", args, runs, summarize, markdown)


def _report(result):
    result["summary"] = summarize(result["runs"])
    print(markdown(result))


def main(argv=None):
    def extra(p):
        p.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
        p.add_argument("--devices", type=int, nargs="+", default=[1, 2, 4])

    workload_main(argv, __doc__, BACKENDS, run_worker, drive, rounds=1, reruns=1, quiet_wait=10.0, extra=extra,
                  report=_report)


if __name__ == "__main__":
    main()
