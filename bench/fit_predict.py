"""dlx ``fit`` / ``predict`` / import against hand-written raw-framework loops and Keras 3, per backend.

    python bench/fit_predict.py [--backends jax torch tf] [--suites w1 w1_spe w2 predict import]
                                [--rounds 5] [--reruns 2] [--cpus 0 1] [--out bench/results]
                                [--no-keras] [--default-malloc]
    python bench/fit_predict.py --report bench/results/fit_predict.json   # tables from saved runs
    python bench/fit_predict.py --compare RUN1.json RUN2.json           # how far two runs differ

Workloads (``shared/reference/perf_baseline.md``):

* **W1**: MLP 784-256(relu)-256(relu)-10 logits, 60,000 x 784 N(0,1) float32 samples, int labels,
  batch 128 (469 steps/epoch), Adam(1e-3, eps 1e-7), sparse categorical cross-entropy from logits,
  reshuffled every epoch, no metrics.
* **W2**: Conv2D(32, 3x3, relu) -> MaxPool2 -> Conv2D(64, 3x3, relu) -> MaxPool2 -> Flatten -> Dense(10),
  10,000 x 28 x 28 x 1 images, batch 64 (157 steps/epoch).

Fit timings are paired (below): ``fit(x, y, batch_size, epochs=1 + PAIRS, steps_per_epoch=CHUNK,
verbose=0, shuffle=True)`` on the first PAIRED_ROWS rows (W1: 49,152 rows, chunks of 128 steps, 12
pairs; W2: 8,192 rows, chunks of 32 steps, 6 pairs), a raw chunk of as many steps after each epoch;
the first chunk of each is the warm-up (compilation). ms/step = the median chunk time / CHUNK.
Implementations per backend:

* ``dlx``: ``model.fit`` as above (``dlx_spe32``: compiled with ``steps_per_execution=32``).
* ``raw``: a hand-written per-step loop in the framework: ``jax.jit`` step with donated state and a
  hand-written Adam; torch ``nn.Sequential`` + ``torch.optim.Adam`` eager (NCHW for the CNN, the
  data transposed once up front); a ``tf.function`` step on ``tf.Variable`` s with a hand-written Adam.
  Each step gathers a shuffled NumPy batch, as the library does.
* ``raw_scan``: a whole chunk of steps in one compiled call (``lax.scan`` / a ``tf.range`` loop inside
  one ``tf.function``) over device-resident data. torch has none: its ``dlx_spe32`` run pairs with
  the per-step loop (no ratio is reported for it).
* ``keras`` / ``keras_spe32``: Keras 3 on the same backend (``KERAS_BACKEND`` set in its own
  subprocess; Keras is a bench-only dependency).

``predict``: the W1 model's latency for 1 and 1,024 rows (NumPy in, NumPy out), default arguments,
against the raw compiled forward (``jax.jit`` with the XLA options dlx-jax compiles inference with,
``raw_jax_inference_options`` / ``torch.inference_mode`` / ``tf.function``), both on one 64-byte-aligned
input array (``_predict_input``). Per run:
12 timing blocks of each (the median call over >= 5 calls and >= 0.1 s), alternating, after 3
warm-up calls.

``import``: ``import dlx`` + the first op (which imports and configures the backend) against the
bare framework import (and the framework import + its first op), in fresh interpreters; NumPy is
imported first and excluded. One untimed ``import dlx`` per backend runs before round 0, so
the rounds read cached bytecode (as an installed package does) rather than timing the compiler.

Method: every configuration runs in its own subprocess; each round runs every configuration once
(the cells whose values scatter most from process to process, predict(1)'s dlx run and the import
suite's framework / dlx runs, ``CELL_REPEATS`` times: 3),
the runs of one cell (dlx and Keras of one workload; for import the bare framework import in the
middle) back to back, cells in a shuffled order (``round_order``). A dlx or Keras run of the fit
and predict suites is **paired**: it measures its raw reference in its own process, alternating
with it (fit: chunk by chunk; predict: block by block), and its ratio for the round is the median
of the per-pair ratios. On a 2-core VM a run's speed moves by up to 20% from one process to the
next (and from second to second), so ratios of separate runs moved by up to 80% from round to
round; a pair sees the same process and the same seconds. The raw column is the median of every
reference measured. Reported figures are medians over rounds, and ratios are medians of per-round
ratios (the results of runs made before pairing: quotients of separate runs). Each run records the
CPU time the rest of the machine used during its timed window (``/proc/stat`` minus this process);
a run that saw more than 0.25 foreign cores is marked *contended*. Medians use the clean runs when
a configuration has at least one, otherwise all runs (and the table says so).

Malloc: the fit and predict workers run with glibc's malloc thresholds fixed (``MALLOC_ENV``: large
blocks stay in the heap, which is not trimmed), for every implementation alike; with the dynamic
defaults each step faulted its freed buffers back in (torch W2: 600-2,900 page faults per step) and
a process's speed depended on where its heap was trimmed. ``--default-malloc`` runs them unset.

Torch threads: dlx's torch backend runs ``max(1, cpu_count // 2)`` intra-op threads by default; the
raw torch and Keras-torch runs use the same count (``--torch-threads`` overrides it for all three).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
BACKENDS = ("jax", "torch", "tf")
KERAS_NAME = {"jax": "jax", "torch": "torch", "tf": "tensorflow", "openvino": "openvino"}
W1 = {"n": 60000, "batch": 128}
W2 = {"n": 10000, "batch": 64}
# A paired run (the API and its raw reference in one process) alternates chunks of CHUNK steps:
# the API's ``fit(steps_per_epoch=CHUNK)`` epochs, each followed by as many raw steps; 1 warm-up
# chunk of each, then PAIRS timed pairs. Its rows are PAIRED_ROWS of the workload's (a pass over
# them is a whole number of chunks: Keras ends an epoch early where a pass ends).
CHUNK = {"w1": 128, "w2": 32}
PAIRS = {"w1": 12, "w2": 6}
PAIRED_ROWS = {"w1": 3 * 128 * 128, "w2": 4 * 32 * 64}
LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7
CONTENDED_CORES = 0.25


# ================================================================================== measurement
def _cpu_jiffies():
    with open("/proc/stat") as f:
        total = f.readline().split()[1:]
    busy = sum(int(v) for i, v in enumerate(total) if i not in (3, 4))  # not idle, iowait
    with open("/proc/self/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    own = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return busy, own


class Window:
    """Wall time plus the cores this process and everything else used while it was open."""

    def __enter__(self):
        self.t0 = time.perf_counter()
        self.j0 = _cpu_jiffies()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        busy, own = _cpu_jiffies()
        hz = os.sysconf("SC_CLK_TCK")
        self.own_cores = (own - self.j0[1]) / hz / max(self.wall, 1e-9)
        self.foreign_cores = max(0.0, (busy - self.j0[0]) - (own - self.j0[1])) / hz / max(self.wall, 1e-9)
        return False

    def info(self):
        return {"own_cores": round(self.own_cores, 2), "foreign_cores": round(self.foreign_cores, 2),
                "contended": self.foreign_cores > CONTENDED_CORES, "loadavg": list(os.getloadavg())}


@functools.cache
def _data(workload, seed=0):
    """The workload's arrays (one copy per process: a paired run's API and raw loop read the same
    memory, so neither gains from where its pages landed)."""
    rng = np.random.default_rng(seed)
    if workload == "w1":
        x = rng.standard_normal((W1["n"], 784), dtype=np.float32)
        n = W1["n"]
    else:
        x = rng.standard_normal((W2["n"], 28, 28, 1), dtype=np.float32)
        n = W2["n"]
    y = rng.integers(0, 10, n).astype(np.int32)
    return x, y


PAIR_BLOCKS = 12  # alternating timing blocks of a paired predict run (6 of each order)


def _block_median(fn, min_calls=5, min_s=0.1):
    times = []
    t_end = time.perf_counter() + min_s
    while len(times) < min_calls or time.perf_counter() < t_end:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _paired_time(fn, ref, blocks=PAIR_BLOCKS, min_calls=5, min_s=0.1, warmup=3):
    """``fn`` against ``ref`` in one process: timing blocks (median call time over >= ``min_calls``
    calls and >= ``min_s`` s) of each in turn, in the orders fn-ref and ref-fn alike, after
    ``warmup`` untimed calls of each; returns both medians (ms) and the median of the per-block
    ratios ``fn / ref``. What moves from one process to the next (allocations, placement, the
    machine's slow drift) then moves both sides of the ratio alike."""
    for _ in range(warmup):
        fn()
        ref()
    a, r = [], []
    with Window() as w:
        for i in range(blocks):
            if i % 2:
                a.append(_block_median(fn, min_calls, min_s))
                r.append(_block_median(ref, min_calls, min_s))
            else:
                r.append(_block_median(ref, min_calls, min_s))
                a.append(_block_median(fn, min_calls, min_s))
    return {"ms": statistics.median(a) * 1e3, "ref_ms": statistics.median(r) * 1e3,
            "pair_ratio": statistics.median(x / y for x, y in zip(a, r)), "pair_blocks": blocks, **w.info()}


def _full_batches(n, bs, rng):
    """Endless full batches of indices into ``n`` rows, reshuffled at each pass (a paired run's
    raw loop: every step the same shape, as the API's over PAIRED_ROWS)."""
    while True:
        perm = rng.permutation(n)
        for i in range(n // bs):
            yield perm[i * bs:(i + 1) * bs]


def _paired_data(workload):
    x, y = _data(workload)
    return x[:PAIRED_ROWS[workload]], y[:PAIRED_ROWS[workload]]


# ================================================================================== torch threads
def _torch_threads(args_threads):
    return int(args_threads) if args_threads else max(1, (os.cpu_count() or 2) // 2)


# ================================================================================== dlx / keras
def _fit_api(lib, workload, spe, ref_chunk):
    """dlx or keras ``fit`` (same code: both expose the Keras API) paired with ``ref_chunk`` (a raw
    loop's ``run_chunk``: CHUNK steps): the fit runs epochs of CHUNK steps over PAIRED_ROWS rows,
    and one raw chunk runs at each ``on_epoch_end`` (the first one untimed: compilation); the run
    reports the raw ms/step and the median of the per-chunk ratios beside its own. Each API
    chunk is timed from the end of the previous callback to the start of its own, so nothing but
    its own work (epoch boundaries included) falls inside it."""
    if lib == "dlx":
        from dlx import callbacks, layers, losses, models, optimizers
    else:
        from keras import callbacks, layers, losses, models, optimizers
    x, y = _paired_data(workload)
    if workload == "w1":
        model = models.Sequential([layers.Input((784,)), layers.Dense(256, activation="relu"),
                                   layers.Dense(256, activation="relu"), layers.Dense(10)])
    else:
        model = models.Sequential([layers.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"),
                                   layers.MaxPooling2D(2), layers.Conv2D(64, 3, activation="relu"),
                                   layers.MaxPooling2D(2), layers.Flatten(), layers.Dense(10)])
    model.compile(optimizer=optimizers.Adam(LR, beta_1=B1, beta_2=B2, epsilon=EPS),
                  loss=losses.SparseCategoricalCrossentropy(from_logits=True), steps_per_execution=spe)
    stamps = {"api": [], "ref": []}

    class Stamp(callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            now = time.perf_counter()
            if epoch == 0:
                stamps["w"] = Window().__enter__()
                stamps["warm"] = now - stamps["t0"]
            else:
                stamps["api"].append(now - stamps["start"])
            t0 = time.perf_counter()
            ref_chunk()
            if epoch:
                stamps["ref"].append(time.perf_counter() - t0)
            stamps["start"] = time.perf_counter()

    epochs, chunk = 1 + PAIRS[workload], CHUNK[workload]
    stamps["t0"] = time.perf_counter()
    hist = model.fit(x, y, batch_size=(W1 if workload == "w1" else W2)["batch"], epochs=epochs, verbose=0,
                     shuffle=True, callbacks=[Stamp()], steps_per_epoch=chunk)
    w = stamps["w"]
    w.__exit__()
    return {"ms_per_step": statistics.median(stamps["api"]) / chunk * 1e3,
            "ref_ms_per_step": statistics.median(stamps["ref"]) / chunk * 1e3,
            "pair_ratio": statistics.median(a / r for a, r in zip(stamps["api"], stamps["ref"])),
            "pairs": len(stamps["ref"]), "warmup_s": stamps["warm"], "loss": float(hist.history["loss"][-1]),
            **w.info()}


def _mlp_api(lib):
    if lib == "dlx":
        from dlx import layers, models
    else:
        from keras import layers, models
    return models.Sequential([layers.Input((784,)), layers.Dense(256, activation="relu"),
                              layers.Dense(256, activation="relu"), layers.Dense(10)])


def _predict_input(rows):
    """The predict suite's input, ``rows`` x 784 float32, one array for both sides of a pair and
    64-byte aligned (``dlx.backend.buffers.aligned_copy``): jax reads a NumPy input in place only
    when it is 64-byte aligned and copies it otherwise (0.4-1.3 ms of a 3.5 ms predict(1024)), so
    with an array of its own each side paid for that copy or not by where the allocator put it, process by process."""
    from dlx.backend.buffers import aligned_copy

    return aligned_copy(np.random.default_rng(1).standard_normal((rows, 784), dtype=np.float32))


def _predict_api(lib, x):
    """``model.predict`` of the W1 model on ``x``, as a call to time."""
    model = _mlp_api(lib)
    out = model.predict(x, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (len(x), 10), (type(out), getattr(out, "shape", None))
    return lambda: model.predict(x, verbose=0)


# ================================================================================== raw jax
def _jax_params(workload, key):
    import jax
    import jax.numpy as jnp

    def dense(k, i, o):
        lim = np.sqrt(6.0 / (i + o))
        return {"w": jax.random.uniform(k, (i, o), jnp.float32, -lim, lim), "b": jnp.zeros((o,), jnp.float32)}

    ks = jax.random.split(key, 3)
    if workload == "w1":
        return [dense(ks[0], 784, 256), dense(ks[1], 256, 256), dense(ks[2], 256, 10)]

    def conv(k, cin, cout):
        lim = np.sqrt(6.0 / (9 * cin + 9 * cout))
        return {"w": jax.random.uniform(k, (3, 3, cin, cout), jnp.float32, -lim, lim),
                "b": jnp.zeros((cout,), jnp.float32)}

    return [conv(ks[0], 1, 32), conv(ks[1], 32, 64), dense(ks[2], 5 * 5 * 64, 10)]


def _jax_forward(params, x, workload):
    import jax
    import jax.numpy as jnp

    if workload == "w1":
        h = jax.nn.relu(x @ params[0]["w"] + params[0]["b"])
        h = jax.nn.relu(h @ params[1]["w"] + params[1]["b"])
        return h @ params[2]["w"] + params[2]["b"]
    h = x
    for p in params[:2]:
        h = jax.lax.conv_general_dilated(h, p["w"], (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        h = jax.nn.relu(h + p["b"])
        h = jax.lax.reduce_window(h, -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    h = h.reshape(h.shape[0], -1)
    return h @ params[2]["w"] + params[2]["b"]


def _jax_step_fns(workload):
    import jax
    import jax.numpy as jnp

    def loss_fn(params, x, y):
        logits = _jax_forward(params, x, workload)
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None].astype(jnp.int32), axis=1))

    def step(state, x, y):
        params, m, v, t = state
        loss, g = jax.value_and_grad(loss_fn)(params, x, y)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, g)
        lr = LR * jnp.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        params = jax.tree_util.tree_map(lambda p, m, v: p - lr * m / (jnp.sqrt(v) + EPS), params, m, v)
        return (params, m, v, t), loss

    return step


def _raw_jax(workload, scan, chunk):
    """The raw jax loop as a paired run's reference: ``run_chunk()`` runs ``chunk`` steps over
    PAIRED_ROWS (one compiled ``lax.scan`` over them with ``scan``, else a jitted step each)."""
    import jax
    import jax.numpy as jnp

    x, y = _paired_data(workload)
    bs = (W1 if workload == "w1" else W2)["batch"]
    params = _jax_params(workload, jax.random.key(0))
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = (params, zeros, jax.tree_util.tree_map(jnp.zeros_like, params), jnp.zeros((), jnp.float32))
    step = _jax_step_fns(workload)
    jstep = jax.jit(step, donate_argnums=0)
    stream = _full_batches(len(x), bs, np.random.default_rng(0))
    holder = {"state": state}
    if scan:
        xd, yd = jnp.asarray(x), jnp.asarray(y)
        jchunk = jax.jit(lambda s, idx: jax.lax.scan(lambda s, i: step(s, xd[i], yd[i]), s, idx),
                         donate_argnums=0)

        def run_chunk():
            s, _ = jchunk(holder["state"], jnp.asarray(np.stack([next(stream) for _ in range(chunk)])))
            holder["state"] = s
            jax.block_until_ready(s)
    else:
        def run_chunk():
            s = holder["state"]
            for _ in range(chunk):
                idx = next(stream)
                s, _ = jstep(s, x[idx], y[idx])
            holder["state"] = s
            jax.block_until_ready(s)

    return run_chunk


def raw_jax_inference_options():
    """The XLA options of the raw jax forward: on the CPU, no YNNPACK fusion, the options dlx-jax
    compiles its inference programs with (``dlx_jax._common.compiler_options(True)``; a test keeps
    the two equal), so both sides of a predict pair run one XLA program and the ratio is dlx's
    overhead. With XLA's default the raw side hands its dots to YNNPACK, and its time scattered:
    W1 predict(1024) timing blocks of 2.95-5.36 ms inside one process against 2.89-3.11 ms with
    these options (12-07), which made dlx / raw 0.84-1.02 from process to process. None where
    the user's ``XLA_FLAGS`` choose the YNNPACK fusions or the device is not a CPU (XLA's defaults)."""
    import jax

    if jax.default_backend() != "cpu" or "xla_cpu_experimental_ynn_fusion_type" in os.environ.get("XLA_FLAGS", ""):
        return None
    return {"xla_cpu_experimental_ynn_fusion_type": ""}


def _raw_jax_predict(x):
    import jax

    params = _jax_params("w1", jax.random.key(0))
    fwd = jax.jit(lambda p, x: _jax_forward(p, x, "w1"), compiler_options=raw_jax_inference_options())
    return lambda: np.asarray(fwd(params, x))


# ================================================================================== raw torch
def torch_device():
    """Where the raw torch code runs: the first CUDA device when torch sees one (``bench/gpu.sh``),
    else the CPU -- the device dlx's torch backend picks by itself."""
    import torch

    return torch.device("cuda:0" if torch.cuda.is_available() else "cpu")


def _torch_model(workload):
    import torch
    from torch import nn

    torch.manual_seed(0)
    if workload == "w1":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(5 * 5 * 64, 10))


def _raw_torch(workload, chunk):
    """The raw torch loop as a paired run's reference: ``run_chunk()`` (see :func:`_raw_jax`)."""
    import torch

    x, y = _paired_data(workload)
    if workload == "w2":
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))  # NCHW once, up front (torch's native layout)
    y = y.astype(np.int64)
    bs = (W1 if workload == "w1" else W2)["batch"]
    dev = torch_device()
    model = _torch_model(workload).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(B1, B2), eps=EPS)
    loss_fn = torch.nn.CrossEntropyLoss()
    stream = _full_batches(len(x), bs, np.random.default_rng(0))

    def run_chunk():
        for _ in range(chunk):
            idx = next(stream)
            xb, yb = torch.from_numpy(x[idx]).to(dev), torch.from_numpy(y[idx]).to(dev)
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()

    return run_chunk


def _raw_torch_predict(x):
    import torch

    dev = torch_device()
    model = _torch_model("w1").eval().to(dev)

    def fwd():
        with torch.inference_mode():
            return model(torch.from_numpy(x).to(dev)).cpu().numpy()

    return fwd


# ================================================================================== raw tf
def _tf_vars(workload):
    import tensorflow as tf

    rng = np.random.default_rng(0)

    def glorot(shape, fan_in, fan_out):
        lim = np.sqrt(6.0 / (fan_in + fan_out))
        return tf.Variable(rng.uniform(-lim, lim, shape).astype(np.float32))

    if workload == "w1":
        dims = [(784, 256), (256, 256), (256, 10)]
        return [v for i, o in dims for v in (glorot((i, o), i, o), tf.Variable(tf.zeros(o)))]
    return [glorot((3, 3, 1, 32), 9, 288), tf.Variable(tf.zeros(32)), glorot((3, 3, 32, 64), 288, 576),
            tf.Variable(tf.zeros(64)), glorot((1600, 10), 1600, 10), tf.Variable(tf.zeros(10))]


def _tf_forward(vs, x, workload):
    import tensorflow as tf

    if workload == "w1":
        h = tf.nn.relu(x @ vs[0] + vs[1])
        h = tf.nn.relu(h @ vs[2] + vs[3])
        return h @ vs[4] + vs[5]
    h = x
    for k, b in ((vs[0], vs[1]), (vs[2], vs[3])):
        h = tf.nn.relu(tf.nn.conv2d(h, k, 1, "VALID") + b)
        h = tf.nn.max_pool2d(h, 2, 2, "VALID")
    h = tf.reshape(h, (tf.shape(h)[0], -1))
    return h @ vs[4] + vs[5]


def _raw_tf(workload, scan, chunk):
    """The raw tf loop as a paired run's reference: ``run_chunk()`` (see :func:`_raw_jax`; with
    ``scan`` a ``tf.range`` loop inside one ``tf.function``)."""
    import tensorflow as tf

    x, y = _paired_data(workload)
    bs = (W1 if workload == "w1" else W2)["batch"]
    vs = _tf_vars(workload)
    ms = [tf.Variable(tf.zeros_like(v)) for v in vs]
    vv = [tf.Variable(tf.zeros_like(v)) for v in vs]
    t = tf.Variable(0.0)

    def step(xb, yb):
        with tf.GradientTape() as tape:
            logits = _tf_forward(vs, xb, workload)
            loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(yb, logits))
        grads = tape.gradient(loss, vs)
        t.assign_add(1.0)
        lr = LR * tf.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        for p, g, m, v in zip(vs, grads, ms, vv):
            m.assign(B1 * m + (1 - B1) * g)
            v.assign(B2 * v + (1 - B2) * g * g)
            p.assign_sub(lr * m / (tf.sqrt(v) + EPS))
        return loss

    stream = _full_batches(len(x), bs, np.random.default_rng(0))
    if scan:
        xd, yd = tf.constant(x), tf.constant(y)

        @tf.function
        def chunk_fn(idx):  # (chunk, batch) indices
            loss = tf.constant(0.0)
            for i in tf.range(tf.shape(idx)[0]):
                loss = step(tf.gather(xd, idx[i]), tf.gather(yd, idx[i]))
            return loss

        return lambda: chunk_fn(tf.constant(np.stack([next(stream) for _ in range(chunk)]))).numpy()

    fstep = tf.function(step)

    def run_chunk():
        loss = None
        for _ in range(chunk):
            idx = next(stream)
            loss = fstep(x[idx], y[idx])
        loss.numpy()

    return run_chunk


def _raw_tf_predict(x):
    import tensorflow as tf

    vs = _tf_vars("w1")
    fwd = tf.function(lambda x: _tf_forward(vs, x, "w1"))
    return lambda: fwd(x).numpy()


# ================================================================================== import
_FRAMEWORK_MODULE = {"jax": "jax", "torch": "torch", "tf": "tensorflow"}
_FIRST_OP = {"jax": "import jax.numpy as jnp; jnp.add(np.ones(3, np.float32), 1.0).block_until_ready()",
             "torch": "torch.add(torch.from_numpy(np.ones(3, np.float32)), 1.0)",
             "tf": "tensorflow.add(np.ones(3, np.float32), 1.0).numpy()"}


def _import(backend, what):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    with Window() as w:
        if what == "framework":
            __import__(_FRAMEWORK_MODULE[backend])
        elif what == "framework_op":
            mod = __import__(_FRAMEWORK_MODULE[backend])
            exec(_FIRST_OP[backend], {"np": np, _FRAMEWORK_MODULE[backend]: mod})
        elif what == "dlx_op":
            import dlx

            np.asarray(dlx.ops.add(np.ones(3, np.float32), 1.0))
        else:  # keras
            import keras

            np.asarray(keras.ops.add(np.ones(3, np.float32), 1.0))
    return {"s": w.wall, **w.info()}


# ================================================================================== configurations
#: Processes per round of the cells whose values scatter most from one process to the next
#: (measured on the 2-core machine, 2026-12-07). predict(1): jax hands each call to a thread of its
#: own (asynchronous dispatch) and that handoff costs 25-50 us depending on where the scheduler put
#: the two threads, a state that holds for seconds: dlx / raw was 1.10-1.30 across 8 processes and
#: moved from 1.14 to 1.39 inside one (the bench's two default runs of 12-07 had jax predict(1) at
#: 1.36 and 1.28 from 5 processes each). import: a fresh interpreter's import took 0.90-1.55 s for
#: the same ``import jax``. The repeats are cells of their own (``rep`` 1, 2, ...; shuffled into the
#: round like any cell) of the dlx run (predict) and of the runs a dlx difference needs (import);
#: Keras's runs stay at one per round. Each repeat adds a value to the ratio's per-round list.
CELL_REPEATS = {"predict(1)": 3, "import": 3}


def configs(backends, suites, keras=True):
    """Every run of a round. A dlx or Keras configuration of the fit and predict suites names its
    raw reference (``pair``), which it measures in its own process (``_paired_time``, ``_fit_api``);
    the raw code does not run on its own."""
    out = []
    for b in backends:
        impls = ["dlx"] + (["keras"] if keras else [])
        if "w1" in suites:
            out += [{"suite": "w1", "backend": b, "impl": i, "pair": "raw"} for i in impls]
        if "w1_spe" in suites:
            spe = ["dlx_spe32"] + (["keras_spe32"] if keras and b != "torch" else [])  # Keras-torch rejects spe > 1
            pair = "raw_scan" if b != "torch" else "raw"  # torch has no whole-epoch loop: its per-step one
            out += [{"suite": "w1_spe", "backend": b, "impl": i, "pair": pair} for i in spe]
        if "w2" in suites:
            out += [{"suite": "w2", "backend": b, "impl": i, "pair": "raw"} for i in impls]
        if "predict" in suites:
            out += [{"suite": "predict", "backend": b, "impl": i, "rows": r, "pair": "raw"} for i in impls
                    for r in (1, 1024)]
            out += [{"suite": "predict", "backend": b, "impl": "dlx", "rows": 1, "pair": "raw", "rep": k}
                    for k in range(1, CELL_REPEATS["predict(1)"])]
        if "import" in suites:
            out += [{"suite": "import", "backend": b, "impl": i}
                    for i in ["framework", "framework_op", "dlx_op"] + (["keras"] if keras else [])]
            out += [{"suite": "import", "backend": b, "impl": i, "rep": k}
                    for k in range(1, CELL_REPEATS["import"]) for i in ["framework", "framework_op", "dlx_op"]]
    return out


def _env_for(cfg, torch_threads):
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env["DLX_BACKEND"] = cfg["backend"]
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # cached bytecode, as for an installed package
    env.pop("KERAS_BACKEND", None)
    if cfg["impl"].startswith("keras"):
        env["KERAS_BACKEND"] = KERAS_NAME[cfg["backend"]]
    if cfg["backend"] == "torch" and cfg.get("suite") != "import":
        env["DLX_TORCH_THREADS"] = str(torch_threads)
    return env


def error_lines(runs, label=None):
    """The Markdown lines naming each failed run with the last line of its error (none if none failed)."""
    label = label or (lambda r: f"{r['backend']}/{r['impl']}")
    errors = [r for r in runs if "error" in r]
    return ["", "Errors:", ""] + [f"- {label(r)}: `{r['error'].strip().splitlines()[-1]}`" for r in errors] if errors \
        else []


def warm_library(lib):
    """``dlx`` (or ``keras``) imported with its backend loaded and one op run: workloads call it
    before their clocks start, so that no figure of theirs counts importing the framework (the
    ``import`` suite measures that). dlx imports its backend on first use, Keras on import."""
    if lib == "dlx":
        import dlx as module
    else:
        import keras as module
    module.ops.convert_to_numpy(module.ops.add(module.ops.zeros((1,)), 1.0))
    return module


def worker_threads(cfg):
    """A torch worker's intra-op threads, as ``_env_for`` set them (every implementation alike)."""
    if cfg["backend"] == "torch":
        import torch

        torch.set_num_threads(int(os.environ["DLX_TORCH_THREADS"]))


def workload_main(argv, doc, backends, run_worker, drive, *, rounds=3, reruns=2, quiet_wait=30.0, timeout=1800,
                  extra=None, report=None):
    """The command line of a side-by-side bench: ``--worker CFG`` runs one configuration and prints
    its ``RESULT``; ``--report FILE`` (when ``report`` is given) re-renders a saved result;
    otherwise ``drive(args)``. ``extra(parser)`` adds the bench's own arguments."""
    p = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    p.add_argument("--backends", nargs="+", default=list(backends), choices=backends)
    p.add_argument("--rounds", type=int, default=rounds)
    p.add_argument("--reruns", type=int, default=reruns,
                   help="times a run that saw other processes using the machine is measured again")
    p.add_argument("--quiet-wait", type=float, default=quiet_wait,
                   help="seconds to wait, before each run, for the machine to go quiet")
    p.add_argument("--cpus", type=int, nargs="+", default=sorted(os.sched_getaffinity(0)),
                   help="the CPU set every configuration is pinned to (default: this process's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--no-keras", action="store_true", help="skip the Keras 3 configurations")
    p.add_argument("--torch-threads", type=int, default=None,
                   help="intra-op threads for every torch run (default: dlx's default, max(1, cpu_count // 2))")
    p.add_argument("--timeout", type=int, default=timeout, help="seconds per configuration")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    if report is not None:
        p.add_argument("--report", help="re-render the Markdown table of a saved result JSON")
    if extra is not None:
        extra(p)
    args = p.parse_args(argv)
    if args.worker:
        print("RESULT " + json.dumps(run_worker(json.loads(args.worker))), flush=True)
        return
    if getattr(args, "report", None):
        report(json.loads(Path(args.report).read_text()))
        return
    args.torch_threads = _torch_threads(args.torch_threads)
    drive(args)


def write_results(out_dir, name, args, runs, summarize, markdown, **meta):
    """``NAME.json`` (meta, every run, the summary) and ``NAME.md`` (``markdown(result)``) in
    ``out_dir``; prints the Markdown and returns the result."""
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "python": sys.version.split()[0], "cpus": os.cpu_count(),
            "cpu_set": sorted(args.cpus), "rounds": args.rounds, "reruns": args.reruns,
            "torch_threads": args.torch_threads, **meta, "versions": _versions()}
    result = {"meta": meta, "runs": runs, "summary": summarize(runs)}
    out_dir = Path(out_dir)
    (out_dir / f"{name}.json").write_text(json.dumps(result, indent=1))
    md = markdown(result)
    (out_dir / f"{name}.md").write_text(md)
    print(md)
    return result


def run_worker(cfg):
    b, impl, suite = cfg["backend"], cfg["impl"], cfg["suite"]
    if suite == "import":
        return _import(b, impl)
    if b == "torch" and suite != "import":
        import torch

        torch.set_num_threads(int(os.environ["DLX_TORCH_THREADS"]))
    lib = "keras" if impl.startswith("keras") else "dlx"
    if suite == "predict":
        raw_predict = {"jax": _raw_jax_predict, "torch": _raw_torch_predict, "tf": _raw_tf_predict}[b]
        x = _predict_input(cfg["rows"])
        return _paired_time(_predict_api(lib, x), raw_predict(x))
    workload = "w2" if suite == "w2" else "w1"
    chunk, scan = CHUNK[workload], cfg["pair"] == "raw_scan"
    ref = {"jax": lambda: _raw_jax(workload, scan, chunk), "torch": lambda: _raw_torch(workload, chunk),
           "tf": lambda: _raw_tf(workload, scan, chunk)}[b]()
    return _fit_api(lib, workload, 32 if impl.endswith("spe32") else 1, ref)


def _label(cfg):
    return (f"{cfg['suite']}/{cfg['backend']}/{cfg['impl']}" + (f"/{cfg['rows']}" if "rows" in cfg else "")
            + (f"#{cfg['rep']}" if cfg.get("rep") else ""))


def _run_config(cfg, r, args, cpus, script=__file__, env=None):
    """One configuration in a fresh interpreter (``script --worker CFG``) pinned to ``cpus``
    (every configuration gets the same CPU set, so no run gains or loses cores to the scheduler's
    placement)."""
    env = _env_for(cfg, args.torch_threads) if env is None else env
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, script, "--worker", json.dumps(cfg)], env=env, capture_output=True,
                          text=True, timeout=args.timeout, preexec_fn=lambda: os.sched_setaffinity(0, cpus))
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    rec = {**cfg, "round": r, "process_s": round(time.perf_counter() - t0, 2)}
    if proc.returncode or not line:
        rec["error"] = (proc.stderr or proc.stdout)[-2000:]
    else:
        rec.update(json.loads(line[-1][7:]))
    return rec


def _wait_quiet(limit_s):
    """Waits (at most ``limit_s``) until the rest of the machine uses < CONTENDED_CORES for 2 s."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        with Window() as w:
            time.sleep(2.0)
        if w.foreign_cores < CONTENDED_CORES:
            return True
    return False


def round_order(cfgs, seed):
    """One round's run order: the configurations of one cell (those that differ only in ``impl``:
    dlx, raw and Keras of one workload) run one after another, the cell's reference (``raw``,
    ``raw_scan``, ``framework``: every ratio's denominator) in the middle, so that each ratio
    compares neighbouring runs a few seconds apart; the cells, and the other implementations of
    each, in a seeded shuffled order."""
    rng = random.Random(seed)
    cells: dict = {}
    for cfg in cfgs:
        key = json.dumps({k: v for k, v in cfg.items() if k != "impl"}, sort_keys=True)
        cells.setdefault(key, []).append(cfg)
    groups = list(cells.values())
    rng.shuffle(groups)
    order = []
    for group in groups:
        refs = [c for c in group if c.get("impl") in REFERENCE_IMPLS]
        others = [c for c in group if c.get("impl") not in REFERENCE_IMPLS]
        rng.shuffle(others)
        half = len(others) // 2 if refs else len(others)
        order += others[:half] + refs + others[half:]
    return order


def run_rounds(cfgs, args, script, env_for, show):
    """Every configuration once per round (in :func:`round_order`), each run in ``script
    --worker`` pinned to ``args.cpus``; a contended run is measured again (up to ``args.reruns``
    times: the last one counts in its round, every attempt is kept). ``show(rec)`` returns the
    line printed for a run. Returns the records in run order."""
    cpus = sorted(args.cpus)
    runs = []
    for r in range(args.rounds):
        for cfg in round_order(cfgs, args.seed + r):
            for attempt in range(1 + args.reruns):
                _wait_quiet(args.quiet_wait)
                rec = _run_config(cfg, r, args, cpus, script=script, env=env_for(cfg))
                rec["attempt"] = attempt
                runs.append(rec)
                print(f"[round {r}{'.' + str(attempt) if attempt else ''}] {show(rec)}"
                      f"  foreign={rec.get('foreign_cores', '-')}", flush=True)
                if "error" in rec:
                    print(rec["error"][-800:], file=sys.stderr)
                if "error" in rec or not rec.get("contended"):
                    break
    return runs


# glibc's malloc as fit_predict's fit and predict workers run it: fixed thresholds instead of the
# dynamic ones, so large blocks stay in the heap and the heap is not trimmed between steps. With the
# defaults, a freed step's buffers went back to the kernel and the next step faulted them in again
# (torch W2: 600-2,900 page faults per step for dlx and raw alike, and a process's speed depended
# on where the heap happened to be trimmed). ``--default-malloc`` runs them unset; a value already
# in the environment is kept. The import suite always runs with the defaults.
MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(256 << 20), "MALLOC_TRIM_THRESHOLD_": str(2 << 30)}


def _worker_env(cfg, args):
    """``_env_for`` plus MALLOC_ENV for the fit and predict suites (unless ``--default-malloc``)."""
    env = _env_for(cfg, args.torch_threads)
    if cfg["suite"] != "import" and not args.default_malloc:
        for k, v in MALLOC_ENV.items():
            env.setdefault(k, v)
    return env


def drive(args):
    if args.compare:
        if len(args.compare) < 2:
            raise SystemExit(f"--compare needs two or more result files; got {args.compare}")
        print(compare([json.loads(Path(p).read_text()) for p in args.compare]))
        return
    cfgs = configs(args.backends, args.suites, keras=not args.no_keras)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    jsonl = out_dir / "fit_predict_runs.jsonl"

    def show(rec):
        with open(jsonl, "a") as f:
            f.write(json.dumps(rec) + "\n")
        val = rec.get("ms_per_step", rec.get("ms", rec.get("s")))
        return f"{_label(rec):32s} {'ERROR' if 'error' in rec else f'{val:.3f}'}  load={rec.get('loadavg', ['-'])[0]}"

    # one untimed import per backend first: a fresh checkout (or edited sources) has no cached
    # bytecode, and round 0 would otherwise time Python's compiler on every dlx module
    for cfg in [c for c in cfgs if c["suite"] == "import" and c["impl"] == "dlx_op" and not c.get("rep")]:
        _run_config(cfg, -1, args, sorted(args.cpus), env=_env_for(cfg, args.torch_threads))
    runs = run_rounds(cfgs, args, __file__, lambda cfg: _worker_env(cfg, args), show)
    write_results(out_dir, "fit_predict", args, runs, summarize, markdown,
                  malloc="default" if args.default_malloc else MALLOC_ENV)


def _versions():
    import importlib.metadata as md

    out = {}
    for p in ("numpy", "jax", "torch", "tensorflow", "tensorflow-cpu", "keras", "dlx"):
        with contextlib.suppress(md.PackageNotFoundError):
            out[p] = md.version(p)
    return out


# ================================================================================== summary
def _value(rec):
    for k in ("ms_per_step", "ms", "s"):
        if k in rec:
            return rec[k]
    return None


def _key(rec):
    return (rec["suite"], rec["backend"], rec["impl"], rec.get("rows"))


_REF_VALUE = {"ms": "ref_ms", "ms_per_step": "ref_ms_per_step"}


def _with_references(runs):
    """``runs`` plus, for each paired run, its reference as a run of its own (``impl`` = the
    pair, the value its ``ref_*``): the raw columns of the tables are the medians of these."""
    out = []
    for rec in runs:
        out.append(rec)
        if "pair_ratio" in rec and "error" not in rec:
            ref = {k: v for k, v in rec.items() if k not in ("pair_ratio", "warmup_s", *_REF_VALUE.values())}
            ref.update((key, rec[ref_key]) for key, ref_key in _REF_VALUE.items() if ref_key in rec)
            ref.update(impl=rec["pair"], paired_with=rec["impl"])
            out.append(ref)
    return out


def summarize(runs):
    groups: dict = {}
    for rec in _with_references(runs):
        if "error" in rec:
            continue
        groups.setdefault(_key(rec), []).append(rec)
    cells = {}
    for k, recs in groups.items():
        clean = [r for r in recs if not r.get("contended")]
        use = clean or recs
        cells["|".join(str(p) for p in k)] = {
            "median": statistics.median(_value(r) for r in use), "min": min(_value(r) for r in recs),
            "n": len(recs), "n_clean": len(clean), "all_contended": not clean,
            "median_foreign_cores": statistics.median(r.get("foreign_cores", 0) for r in recs)}
    return {"cells": cells, "ratios": _ratios(runs)}


RATIOS = [  # (name, suite, numerator impl, denominator impl, rows)
    ("fit W1 dlx / raw step", "w1", "dlx", "raw", None),
    ("fit W1 keras / raw step", "w1", "keras", "raw", None),
    ("fit W1 spe32 dlx / raw scan", "w1_spe", "dlx_spe32", "raw_scan", None),
    ("fit W1 spe32 keras / raw scan", "w1_spe", "keras_spe32", "raw_scan", None),
    ("fit W2 dlx / raw", "w2", "dlx", "raw", None),
    ("fit W2 keras / raw", "w2", "keras", "raw", None),
    ("predict(1) dlx / raw", "predict", "dlx", "raw", 1),
    ("predict(1) keras / raw", "predict", "keras", "raw", 1),
    ("predict(1024) dlx / raw", "predict", "dlx", "raw", 1024),
    ("predict(1024) keras / raw", "predict", "keras", "raw", 1024),
]
#: the implementations the others of their cell are divided by (the denominators of ``RATIOS``) or,
#: in an import row, subtracted from: ``round_order`` runs them in the middle of their cell
REFERENCE_IMPLS = frozenset(den for _, _, _, den, _ in RATIOS) | {"framework"}


def _spread(per):
    """Median of per-round values, their range, and the range relative to the median."""
    med = statistics.median(per)
    return {"median": med, "min": min(per), "max": max(per), "n": len(per),
            "spread": (max(per) - min(per)) / abs(med) if med else 0.0, "per_round": [round(p, 3) for p in per]}


def _sample(rec):
    """The sample a run belongs to: its round and, in a repeated cell (``CELL_REPEATS``), the repeat."""
    return rec["round"], rec.get("rep", 0)


def _ratios(runs):
    """Per ratio and backend, the spread of its per-round values (one per round and repeat): a
    paired run's own ratio (raw measured in its process) where the numerator's run has one, else
    the quotient of the two runs of its round and repeat (results saved before paired runs)."""
    by, paired = {}, {}
    for rec in runs:  # in run order: a rerun of a contended configuration replaces it in its round
        if "error" not in rec:
            by[(_sample(rec), *_key(rec))] = _value(rec)
            if "pair_ratio" in rec:
                paired[(_sample(rec), *_key(rec), rec["pair"])] = rec["pair_ratio"]
    out = {}
    backends = sorted({r["backend"] for r in runs})
    rounds = sorted({_sample(r) for r in runs})
    def round_ratio(r, suite, b, num, den, rows):
        n, d = (r, suite, b, num, rows), (r, suite, b, den, rows)
        if (*n, den) in paired:
            return paired[(*n, den)]
        return by[n] / by[d] if n in by and d in by else None

    for name, suite, num, den, rows in RATIOS:
        for b in backends:
            per = [v for v in (round_ratio(r, suite, b, num, den, rows) for r in rounds) if v is not None]
            if per:
                out[f"{name}|{b}"] = _spread(per)
    # import: dlx + first op minus the bare framework import (seconds)
    for b in backends:
        per = [by[(r, "import", b, "dlx_op", None)] - by[(r, "import", b, "framework", None)] for r in rounds
               if (r, "import", b, "dlx_op", None) in by and (r, "import", b, "framework", None) in by]
        if per:
            out[f"import dlx+op - framework import (s)|{b}"] = _spread(per)
        per = [by[(r, "import", b, "keras", None)] - by[(r, "import", b, "framework", None)] for r in rounds
               if (r, "import", b, "keras", None) in by and (r, "import", b, "framework", None) in by]
        if per:
            out[f"import keras+op - framework import (s)|{b}"] = _spread(per)
    return out


def _secs(r):
    return "-" if r is None else f"{r['median']:+.3f}"


def _malloc_note(meta):
    m = meta.get("malloc")
    if not isinstance(m, dict):
        return ""  # glibc's defaults (runs saved before MALLOC_ENV, or --default-malloc)
    return "fit / predict workers with " + ", ".join(f"{k}={v}" for k, v in m.items()) + "; "


def _repeats_note(runs):
    """The intro's words for the repeated cells (``CELL_REPEATS``) of a result, if any."""
    reps = {}
    for r in runs:
        if r.get("rep"):
            key = f"predict({r['rows']}) {r['impl']}" if r["suite"] == "predict" else "import"
            reps[key] = max(reps.get(key, 1), r["rep"] + 1)
    return "".join(f"{key} runs {n} processes per round; " for key, n in sorted(reps.items()))


def markdown(result):
    meta, summ = result["meta"], result["summary"]
    cells, ratios = summ["cells"], summ["ratios"]
    method = ("fit and predict ratios paired (the raw reference measured in each dlx or Keras run's process, "
              "alternating with it)" if any("pair_ratio" in r for r in result["runs"])
              else "ratios of separate runs")
    lines = [f"# dlx fit / predict / import vs raw frameworks and Keras 3 ({meta['date']})", "",
             f"{meta['rounds']} interleaved rounds, medians; {method}; {_repeats_note(result['runs'])}"
             f"{_malloc_note(meta)}python {meta['python']}, "
             f"{meta['cpus']} CPUs; "
             f"versions {meta['versions']}. `*` = every run of the cell saw > {CONTENDED_CORES} foreign cores "
             "(shared machine), so the median is over contended runs.", ""]

    def cell(suite, b, impl, rows=None, fmt="{:.3f}"):
        c = cells.get(f"{suite}|{b}|{impl}|{rows}")
        if c is None:
            return "-"
        return fmt.format(c["median"]) + ("*" if c["all_contended"] else "") + f" (n={c['n']})"

    def ratio(name, b):
        r = ratios.get(f"{name}|{b}")
        if r is None:
            return "-"
        return f"**{r['median']:.2f}x** ({r['min']:.2f} to {r['max']:.2f}, n={r['n']})"

    backends = sorted({k.split("|")[1] for k in cells}, key=lambda b: BACKENDS.index(b) if b in BACKENDS else 9)
    lines += ["## fit, ms/step (lower is better)", "",
              "| backend | workload | dlx | raw | Keras 3 | dlx / raw | Keras / raw |", "|---|---|---|---|---|---|---|"]
    for b in backends:
        lines.append(f"| {b} | W1 MLP spe=1 | {cell('w1', b, 'dlx')} | {cell('w1', b, 'raw')} | "
                     f"{cell('w1', b, 'keras')} | {ratio('fit W1 dlx / raw step', b)} | "
                     f"{ratio('fit W1 keras / raw step', b)} |")
        lines.append(f"| {b} | W1 MLP spe=32 (raw: whole-epoch loop) | {cell('w1_spe', b, 'dlx_spe32')} | "
                     f"{cell('w1_spe', b, 'raw_scan')} | {cell('w1_spe', b, 'keras_spe32')} | "
                     f"{ratio('fit W1 spe32 dlx / raw scan', b)} | {ratio('fit W1 spe32 keras / raw scan', b)} |")
        lines.append(f"| {b} | W2 CNN | {cell('w2', b, 'dlx')} | {cell('w2', b, 'raw')} | {cell('w2', b, 'keras')} | "
                     f"{ratio('fit W2 dlx / raw', b)} | {ratio('fit W2 keras / raw', b)} |")
    lines += ["", "## predict latency, W1 model, ms per call (default arguments; raw = compiled forward)", "",
              "| backend | rows | dlx | raw | Keras 3 | dlx / raw | Keras / raw |", "|---|---|---|---|---|---|---|"]
    for b in backends:
        for rows in (1, 1024):
            lines.append(f"| {b} | {rows} | {cell('predict', b, 'dlx', rows)} | {cell('predict', b, 'raw', rows)} | "
                         f"{cell('predict', b, 'keras', rows)} | {ratio(f'predict({rows}) dlx / raw', b)} | "
                         f"{ratio(f'predict({rows}) keras / raw', b)} |")
    lines += ["", "## import + first op, seconds (fresh interpreter, NumPy excluded)", "",
              "| backend | framework import | framework import + op | `import dlx` + op | `import keras` + op | "
              "dlx - framework | Keras - framework |", "|---|---|---|---|---|---|---|"]
    for b in backends:
        d = ratios.get(f"import dlx+op - framework import (s)|{b}")
        k = ratios.get(f"import keras+op - framework import (s)|{b}")
        lines.append(f"| {b} | {cell('import', b, 'framework')} | {cell('import', b, 'framework_op')} | "
                     f"{cell('import', b, 'dlx_op')} | {cell('import', b, 'keras')} | "
                     f"{_secs(d)} | {_secs(k)} |")
    lines += ["", "Per-round ratios:", ""]
    for k, v in ratios.items():
        lines.append(f"* {k.replace('|', ' — ')}: {v['median']:.3f}, range {v.get('min', 0):.3f} to "
                     f"{v.get('max', 0):.3f} ({100 * v.get('spread', 0):.1f}% of the median; per round and repeat: "
                     f"{v['per_round']})")
    errors = [r for r in result["runs"] if "error" in r]
    if errors:
        lines += ["", f"{len(errors)} run(s) failed: " + ", ".join(sorted({_label(r) for r in errors}))]
    return "\n".join(lines) + "\n"


def _report(result):
    result["summary"] = summarize(result["runs"])
    print(markdown(result))


#: two runs of the bench reproduce a ratio when they differ by at most this fraction
REPRODUCE = 0.05


def compare(results):
    """Markdown: every ratio (and import difference) of two or more saved results side by side, each
    computed from its runs by today's rules (``_ratios``); for a ratio, the largest difference
    between the runs as a fraction of the smallest, and whether it is within ``REPRODUCE``; for an
    import difference (seconds, near zero), the largest difference in seconds."""
    ratios = [_ratios(r["runs"]) for r in results]
    names = [k for k in ratios[0] if all(k in r for r in ratios[1:])]
    heads = " | ".join(f"run {i + 1} ({r['meta']['date']}, {r['meta']['rounds']} rounds)"
                       for i, r in enumerate(results))
    lines = [f"| ratio | backend | {heads} | difference | within ±{REPRODUCE:.0%} |",
             "|---|---|" + "---|" * len(results) + "---|---|"]
    worst = 0.0
    for k in names:
        name, b = k.split("|")
        meds = [r[k]["median"] for r in ratios]
        cells = " | ".join(f"{m:.3f}" for m in meds)
        if name.startswith("import"):
            lines.append(f"| {name} | {b} | {cells} | {max(meds) - min(meds):.3f} s | - |")
            continue
        diff = max(meds) / min(meds) - 1
        if " dlx / " in name:
            worst = max(worst, diff)
        lines.append(f"| {name} | {b} | {cells} | {100 * diff:.1f}% | {'yes' if diff <= REPRODUCE else '**no**'} |")
    missing = sorted(set().union(*ratios) - set(names))
    lines += ["", f"Largest dlx / raw difference: {100 * worst:.1f}%."]
    if missing:
        lines.append("Not in every run: " + ", ".join(missing) + ".")
    return "\n".join(lines) + "\n"


def main(argv=None):
    def suites(p):
        p.add_argument("--suites", nargs="+", default=["w1", "w1_spe", "w2", "predict", "import"],
                       choices=["w1", "w1_spe", "w2", "predict", "import"])
        p.add_argument("--default-malloc", action="store_true",
                       help="run the fit and predict workers with glibc's default malloc thresholds (see MALLOC_ENV)")
        p.add_argument("--compare", nargs="+", metavar="RESULT_JSON",
                       help="print how far the ratios of two or more saved results differ, and exit")

    workload_main(argv, __doc__, BACKENDS, run_worker, drive, rounds=5, timeout=900, extra=suites, report=_report)


if __name__ == "__main__":
    main()
