"""W4: an LSTM trained with Adam -- dlx ``fit`` against a hand-written raw-framework loop and Keras 3.

    python bench/lstm.py [--backends jax torch tf] [--rounds 1] [--out bench/results] [--no-keras]

Workload: LSTM(64) over 100 timesteps of 32 N(0,1) float32 features, then Dense(1) on the last
output; 1,024 samples, batch 64 (16 steps/epoch), Adam(1e-3, eps 1e-7), mean squared error to a
fixed target, no shuffling. Per configuration, two figures:

* **first step**: wall time from the start of ``fit`` (or of the raw loop, after its parameters
  exist) to the end of the first optimizer step: tracing plus compilation plus one step;
* **ms/step**: steady state, 2 epochs after 1 warm-up epoch (32 timed steps).

Implementations per backend: ``dlx`` (``model.fit``, ``jit_compile="auto"``); ``raw``: ``jax.jit``
step over a ``lax.scan`` LSTM with a hand-written Adam; ``torch.nn.LSTM`` + ``torch.optim.Adam``
eager; a ``tf.function`` step whose LSTM is a ``tf.while_loop`` on ``tf.Variable`` s with a
hand-written Adam; ``keras``: Keras 3 on the same backend (its own subprocess, ``KERAS_BACKEND``
set). Method as in ``bench/fit_predict.py``: one subprocess per configuration, rounds interleaved
in shuffled order, medians over rounds; runs that saw more than 0.25 foreign cores are marked
*contended*.
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(HERE))

from fit_predict import (  # noqa: E402  (bench helpers)
    Window,
    _env_for,
    _torch_threads,
    _versions,
    error_lines,
    torch_device,
    warm_library,
    worker_threads,
)

BACKENDS = ("jax", "torch", "tf")
N, T, D, UNITS, BATCH = 1024, 100, 32, 64, 64
STEPS = N // BATCH
EPOCHS = 3  # 1 warm-up + 2 timed
LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((N, T, D), dtype=np.float32)
    y = (x[:, -10:, :4].mean(axis=(1, 2))[:, None]).astype(np.float32)
    return x, y


def _result(first_s, w):
    return {"first_step_s": first_s, "ms_per_step": w.wall / ((EPOCHS - 1) * STEPS) * 1e3, **w.info()}


# ================================================================================== dlx / keras
def _fit_api(lib):
    warm_library(lib)
    if lib == "dlx":
        from dlx import callbacks, layers, losses, models, optimizers
    else:
        from keras import callbacks, layers, losses, models, optimizers
    x, y = _data()
    stamps = {"t0": time.perf_counter()}
    model = models.Sequential([layers.Input((T, D)), layers.LSTM(UNITS), layers.Dense(1)])
    model.compile(optimizer=optimizers.Adam(LR, beta_1=B1, beta_2=B2, epsilon=EPS), loss=losses.MeanSquaredError())

    class Stamp(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if "first" not in stamps:
                stamps["first"] = time.perf_counter() - stamps["t0"]

        def on_epoch_end(self, epoch, logs=None):
            if epoch == 0:
                stamps["w"] = Window().__enter__()

    stamps["t0"] = time.perf_counter()
    hist = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, verbose=0, shuffle=False, callbacks=[Stamp()])
    w = stamps["w"]
    w.__exit__()
    return {**_result(stamps["first"], w), "loss": float(hist.history["loss"][-1])}


# ================================================================================== raw loops
def _init(rng):
    lim = np.sqrt(6 / (D + 4 * UNITS))
    return {"wx": rng.uniform(-lim, lim, (D, 4 * UNITS)).astype(np.float32),
            "wh": (np.linalg.qr(rng.standard_normal((4 * UNITS, UNITS)))[0].T).astype(np.float32),
            "b": np.concatenate([np.zeros(UNITS), np.ones(UNITS), np.zeros(2 * UNITS)]).astype(np.float32),
            "wd": rng.uniform(-0.3, 0.3, (UNITS, 1)).astype(np.float32), "bd": np.zeros(1, np.float32)}


def _raw_jax():
    import jax
    import jax.numpy as jnp

    x, y = _data()
    params = {k: jnp.asarray(v) for k, v in _init(np.random.default_rng(0)).items()}

    def forward(p, xb):
        def step(carry, xt):
            h, c = carry
            z = xt @ p["wx"] + h @ p["wh"] + p["b"]
            i, f, g, o = jnp.split(z, 4, axis=-1)
            c = jax.nn.sigmoid(f) * c + jax.nn.sigmoid(i) * jnp.tanh(g)
            h = jax.nn.sigmoid(o) * jnp.tanh(c)
            return (h, c), None
        zeros = jnp.zeros((xb.shape[0], UNITS), xb.dtype)
        (h, _), _ = jax.lax.scan(step, (zeros, zeros), jnp.swapaxes(xb, 0, 1))
        return h @ p["wd"] + p["bd"]

    def loss(p, xb, yb):
        return jnp.mean((forward(p, xb) - yb) ** 2)

    @jax.jit
    def train_step(p, m, v, t, xb, yb):
        val, g = jax.value_and_grad(loss)(p, xb, yb)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, g)
        a = LR * jnp.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        p = jax.tree_util.tree_map(lambda p, m, v: p - a * m / (jnp.sqrt(v) + EPS), p, m, v)
        return p, m, v, t, val

    state = [params, jax.tree_util.tree_map(jnp.zeros_like, params), jax.tree_util.tree_map(jnp.zeros_like, params),
             jnp.asarray(0.0, jnp.float32)]
    return _run_raw(lambda xb, yb: _jax_step(train_step, state, xb, yb), x, y)


def _jax_step(train_step, state, xb, yb):
    out = train_step(*state, xb, yb)
    state[:] = out[:4]
    val = out[4].block_until_ready()
    return val


def _raw_torch():
    import torch

    x, y = _data()
    torch.manual_seed(0)
    dev = torch_device()
    lstm, dense = torch.nn.LSTM(D, UNITS, batch_first=True).to(dev), torch.nn.Linear(UNITS, 1).to(dev)
    opt = torch.optim.Adam([*lstm.parameters(), *dense.parameters()], lr=LR, betas=(B1, B2), eps=EPS)

    def step(xb, yb):
        xb, yb = torch.from_numpy(xb).to(dev), torch.from_numpy(yb).to(dev)
        opt.zero_grad(set_to_none=True)
        out, _ = lstm(xb)
        loss = torch.mean((dense(out[:, -1]) - yb) ** 2)
        loss.backward()
        opt.step()
        return loss.item()

    return _run_raw(step, x, y)


def _raw_tf():
    import tensorflow as tf

    x, y = _data()
    vs = {k: tf.Variable(v) for k, v in _init(np.random.default_rng(0)).items()}
    ms = {k: tf.Variable(tf.zeros_like(v)) for k, v in vs.items()}
    vv = {k: tf.Variable(tf.zeros_like(v)) for k, v in vs.items()}
    t = tf.Variable(0.0)

    def forward(xb):
        xs = tf.transpose(xb, (1, 0, 2))
        zeros = tf.zeros((tf.shape(xb)[0], UNITS))

        def body(i, h, c):
            z = tf.matmul(xs[i], vs["wx"]) + tf.matmul(h, vs["wh"]) + vs["b"]
            zi, zf, zg, zo = tf.split(z, 4, axis=-1)
            c = tf.sigmoid(zf) * c + tf.sigmoid(zi) * tf.tanh(zg)
            return i + 1, tf.sigmoid(zo) * tf.tanh(c), c

        _, h, _ = tf.while_loop(lambda i, h, c: i < T, body, (tf.constant(0), zeros, zeros))
        return tf.matmul(h, vs["wd"]) + vs["bd"]

    @tf.function(autograph=False)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean((forward(xb) - yb) ** 2)
        grads = tape.gradient(loss, list(vs.values()))
        t.assign_add(1.0)
        a = LR * tf.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        for (k, v), g in zip(vs.items(), grads):
            ms[k].assign(B1 * ms[k] + (1 - B1) * g)
            vv[k].assign(B2 * vv[k] + (1 - B2) * g * g)
            v.assign_sub(a * ms[k] / (tf.sqrt(vv[k]) + EPS))
        return loss

    return _run_raw(lambda xb, yb: float(step(xb, yb)), x, y)


def _run_raw(step, x, y):
    """Times the first step (trace + compile + run), then the epochs as ``_fit_api`` does."""
    t0 = time.perf_counter()
    first = None
    window = None
    for epoch in range(EPOCHS):
        if epoch == 1:
            window = Window().__enter__()
        for s in range(STEPS):
            step(x[s * BATCH:(s + 1) * BATCH], y[s * BATCH:(s + 1) * BATCH])
            if first is None:
                first = time.perf_counter() - t0
    window.__exit__()
    return _result(first, window)


# ================================================================================== driver
def run_worker(cfg):
    b, impl = cfg["backend"], cfg["impl"]
    worker_threads(cfg)
    if impl in ("dlx", "keras"):
        return _fit_api(impl)
    return {"jax": _raw_jax, "torch": _raw_torch, "tf": _raw_tf}[b]()


def summarize(runs):
    out = {}
    for b in BACKENDS:
        for impl in ("dlx", "raw", "keras"):
            rs = [r for r in runs if r["backend"] == b and r["impl"] == impl and "error" not in r]
            if not rs:
                continue
            clean = [r for r in rs if not r.get("contended")]
            use = clean or rs
            out[f"{b}/{impl}"] = {"ms_per_step": statistics.median(r["ms_per_step"] for r in use),
                                  "first_step_s": statistics.median(r["first_step_s"] for r in use),
                                  "runs": len(rs), "clean": len(clean)}
    return out


def markdown(result, note=None):
    s, meta = result["summary"], result["meta"]
    if note is None:
        note = ("Contended: some runs saw more than 0.25 foreign cores (runs (clean) says how many did not); "
                "read the ratios as indicative only." if any(r["clean"] < r["runs"] for r in s.values())
                else "No run saw more than 0.25 foreign cores.")
    lines = ["# W4: LSTM(64), 100 timesteps, batch 64, Adam", "",
             f"{meta['date']}, {meta['cpus']} CPUs, {meta['rounds']} round(s), versions {meta['versions']}.", "",
             f"**{note}**", "",
             "| backend | impl | ms/step | x raw | first step (s) | x keras | runs (clean) |",
             "|---|---|---:|---:|---:|---:|---|"]
    for b in BACKENDS:
        raw, keras = s.get(f"{b}/raw"), s.get(f"{b}/keras")
        for impl in ("dlx", "raw", "keras"):
            r = s.get(f"{b}/{impl}")
            if r is None:
                continue
            xr = f"{r['ms_per_step'] / raw['ms_per_step']:.2f}" if raw else "-"
            xk = f"{r['first_step_s'] / keras['first_step_s']:.2f}" if keras else "-"
            lines.append(f"| {b} | {impl} | {r['ms_per_step']:.1f} | {xr} | {r['first_step_s']:.2f} | {xk} | "
                         f"{r['runs']} ({r['clean']}) |")
    lines += error_lines(result["runs"])
    return "\n".join(lines) + "\n"


def drive(args):
    cfgs = [{"backend": b, "impl": i} for b in args.backends for i in ("dlx", "raw", *(() if args.no_keras else
                                                                                      ("keras",)))]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    runs = []
    for r in range(args.rounds):
        order = list(cfgs)
        random.Random(args.seed + r).shuffle(order)
        for cfg in order:
            t0 = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(cfg)],
                                  env=_env_for(cfg, args.torch_threads), capture_output=True, text=True,
                                  timeout=args.timeout)
            line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
            rec = {**cfg, "round": r, "process_s": round(time.perf_counter() - t0, 2)}
            if proc.returncode or not line:
                rec["error"] = (proc.stderr or proc.stdout)[-2000:]
            else:
                rec.update(json.loads(line[-1][7:]))
            runs.append(rec)
            shown = "ERROR" if "error" in rec else f"{rec['ms_per_step']:.1f} ms/step, first {rec['first_step_s']:.2f}s"
            print(f"[round {r}] {cfg['backend']}/{cfg['impl']:6s} {shown} foreign={rec.get('foreign_cores', '-')}",
                  flush=True)
            if "error" in rec:
                print(rec["error"][-800:], file=sys.stderr)
    meta = {"date": time.strftime("%Y-%m-%d %H:%M:%S"), "cpus": os.cpu_count(), "rounds": args.rounds,
            "torch_threads": args.torch_threads, "versions": _versions()}
    result = {"meta": meta, "runs": runs, "summary": summarize(runs)}
    (out_dir / "lstm.json").write_text(json.dumps(result, indent=1))
    md = markdown(result, args.note)
    (out_dir / "lstm.md").write_text(md)
    print(md)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=str(HERE / "results"))
    p.add_argument("--no-keras", action="store_true")
    p.add_argument("--torch-threads", type=int, default=None)
    p.add_argument("--timeout", type=int, default=900)
    p.add_argument("--note", default=None, help="a line for the table's header (default: whether any run "
                                                  "was contended)")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker:
        print("RESULT " + json.dumps(run_worker(json.loads(args.worker))), flush=True)
        return
    args.torch_threads = _torch_threads(args.torch_threads)
    drive(args)


if __name__ == "__main__":
    main()
