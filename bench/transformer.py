"""W3: a transformer encoder -- dlx ``fit`` / ``predict`` against hand-written raw-framework code and Keras 3.

    python bench/transformer.py [--backends jax torch tf] [--rounds 3] [--out bench/results] [--no-keras]

Workload: token + learned position embeddings (vocabulary 8,000, width 256) over sequences of 128
tokens, 4 post-norm encoder blocks (4-head self-attention of key size 64, then a 1,024-wide ReLU
feed-forward; residual + LayerNormalization(eps 1e-5) after each), mean over the sequence, Dense(2)
logits; 256 samples, batch 32 (8 steps/epoch), Adam(1e-3, eps 1e-7), sparse categorical
cross-entropy from logits, no shuffling, no dropout. Per configuration:

* **first step**: wall time from the start of ``fit`` (raw: after the parameters exist) to the end
  of the first optimizer step -- tracing plus compilation plus one step;
* **ms/step**: steady state, 2 epochs after 1 warm-up epoch (16 timed steps);
* **predict(32) ms**: median latency of one 32-row prediction (NumPy in, NumPy out) after warm-up;
* **peak RSS**: the process's maximum resident memory (``ru_maxrss``) at the end.

Implementations per backend: ``dlx`` (``model.fit`` / ``model.predict``); ``raw``: a ``jax.jit``
step with a hand-written Adam / ``torch.nn.TransformerEncoder`` with ``torch.optim.Adam``, eager /
a ``tf.function`` step on ``tf.Variable`` s with a hand-written Adam (jax and tf share one forward
written against a small op table); ``keras``: Keras 3 on the same backend. Method as in
``bench/fit_predict.py``: one subprocess per configuration pinned to one CPU set, rounds
interleaved in shuffled order, medians over rounds, contended runs measured again.
"""

from __future__ import annotations

import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from fit_predict import (  # noqa: E402
    Window,
    _block_median,
    _env_for,
    error_lines,
    run_rounds,
    torch_device,
    warm_library,
    worker_threads,
    workload_main,
    write_results,
)

BACKENDS = ("jax", "torch", "tf")
N, SEQ, VOCAB, WIDTH, HEADS, FFN, BLOCKS, BATCH = 256, 128, 8000, 256, 4, 1024, 4, 32
KEY = WIDTH // HEADS
STEPS = N // BATCH
EPOCHS = 3  # 1 warm-up + 2 timed
LR, B1, B2, EPS, LN_EPS = 1e-3, 0.9, 0.999, 1e-7, 1e-5
PREDICT_CALLS = 10


def _data(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, VOCAB, (N, SEQ)).astype(np.int32)
    y = (x[:, :8].mean(axis=1) > VOCAB / 2).astype(np.int32)
    return x, y


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _predict_ms(predict, xb):
    for _ in range(3):
        predict(xb)
    return _block_median(lambda: predict(xb), min_calls=PREDICT_CALLS, min_s=0.0) * 1e3


def _result(first_s, w, predict_ms):
    return {"first_step_s": first_s, "ms_per_step": w.wall / ((EPOCHS - 1) * STEPS) * 1e3,
            "predict32_ms": predict_ms, "peak_rss_mb": _peak_rss_mb(), **w.info()}


# ================================================================================== dlx / keras
def _fit_api(lib):
    keras = warm_library(lib)
    from_logits = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    class TokenAndPosition(keras.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.tokens = keras.layers.Embedding(VOCAB, WIDTH)
            self.positions = keras.layers.Embedding(SEQ, WIDTH)

        def call(self, x):
            return self.tokens(x) + self.positions(keras.ops.arange(SEQ))

    x, y = _data()
    stamps = {}
    inp = keras.Input((SEQ,), dtype="int32")
    h = TokenAndPosition()(inp)
    for _ in range(BLOCKS):
        a = keras.layers.MultiHeadAttention(HEADS, KEY)(h, h)
        h = keras.layers.LayerNormalization(epsilon=LN_EPS)(h + a)
        f = keras.layers.Dense(WIDTH)(keras.layers.Dense(FFN, activation="relu")(h))
        h = keras.layers.LayerNormalization(epsilon=LN_EPS)(h + f)
    out = keras.layers.Dense(2)(keras.layers.GlobalAveragePooling1D()(h))
    model = keras.Model(inp, out)
    model.compile(optimizer=keras.optimizers.Adam(LR, beta_1=B1, beta_2=B2, epsilon=EPS), loss=from_logits)

    class Stamp(keras.callbacks.Callback):
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
    ms = _predict_ms(lambda xb: model.predict(xb, verbose=0), x[:BATCH])
    return {**_result(stamps["first"], w, ms), "loss": float(hist.history["loss"][-1])}


# ================================================================================== raw: shared params
def _init(rng):
    def glorot(fan_in, fan_out, *shape):
        lim = np.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-lim, lim, shape or (fan_in, fan_out)).astype(np.float32)

    p = {"tok": rng.uniform(-0.05, 0.05, (VOCAB, WIDTH)).astype(np.float32),
         "pos": rng.uniform(-0.05, 0.05, (SEQ, WIDTH)).astype(np.float32),
         "wo": glorot(WIDTH, 2), "bo": np.zeros(2, np.float32)}
    for i in range(BLOCKS):
        for n in ("q", "k", "v", "a"):
            p[f"{i}w{n}"] = glorot(WIDTH, WIDTH)
            p[f"{i}b{n}"] = np.zeros(WIDTH, np.float32)
        p[f"{i}w1"], p[f"{i}b1"] = glorot(WIDTH, FFN), np.zeros(FFN, np.float32)
        p[f"{i}w2"], p[f"{i}b2"] = glorot(FFN, WIDTH), np.zeros(WIDTH, np.float32)
        for n in ("1", "2"):
            p[f"{i}g{n}"], p[f"{i}n{n}"] = np.ones(WIDTH, np.float32), np.zeros(WIDTH, np.float32)
    return p


def _forward(F, p, xb):
    """The encoder over int tokens ``xb`` with the op table ``F`` (jax.numpy-like or tf-like)."""
    def norm(h, g, b):
        mu = F.mean(h, -1)
        var = F.mean((h - mu) ** 2, -1)
        return (h - mu) / F.sqrt(var + LN_EPS) * g + b

    def heads(t):  # (B, S, W) -> (B, H, S, K)
        return F.transpose(F.reshape(t, (-1, SEQ, HEADS, KEY)), (0, 2, 1, 3))

    h = F.take(p["tok"], xb) + p["pos"]
    for i in range(BLOCKS):
        q, k, v = (heads(h @ p[f"{i}w{n}"] + p[f"{i}b{n}"]) for n in "qkv")
        att = F.softmax(q @ F.transpose(k, (0, 1, 3, 2)) / np.float32(np.sqrt(KEY)))
        a = F.reshape(F.transpose(att @ v, (0, 2, 1, 3)), (-1, SEQ, WIDTH)) @ p[f"{i}wa"] + p[f"{i}ba"]
        h = norm(h + a, p[f"{i}g1"], p[f"{i}n1"])
        f = F.relu(h @ p[f"{i}w1"] + p[f"{i}b1"]) @ p[f"{i}w2"] + p[f"{i}b2"]
        h = norm(h + f, p[f"{i}g2"], p[f"{i}n2"])
    return F.mean(h, 1, keepdims=False) @ p["wo"] + p["bo"]


class _JaxOps:
    def __init__(self):
        import jax
        import jax.numpy as jnp

        self.jnp, self.jax = jnp, jax

    def mean(self, x, axis, keepdims=True):
        return self.jnp.mean(x, axis=axis, keepdims=keepdims)

    def sqrt(self, x):
        return self.jnp.sqrt(x)

    def transpose(self, x, perm):
        return self.jnp.transpose(x, perm)

    def reshape(self, x, shape):
        return self.jnp.reshape(x, shape)

    def take(self, table, ids):
        return self.jnp.take(table, ids, axis=0)

    def softmax(self, x):
        return self.jax.nn.softmax(x, axis=-1)

    def relu(self, x):
        return self.jax.nn.relu(x)

    def xent(self, logits, yb):
        logp = self.jax.nn.log_softmax(logits)
        return -self.jnp.mean(self.jnp.take_along_axis(logp, yb[:, None], axis=1))


class _TfOps:
    def __init__(self):
        import tensorflow as tf

        self.tf = tf

    def mean(self, x, axis, keepdims=True):
        return self.tf.reduce_mean(x, axis=axis, keepdims=keepdims)

    def sqrt(self, x):
        return self.tf.sqrt(x)

    def transpose(self, x, perm):
        return self.tf.transpose(x, perm)

    def reshape(self, x, shape):
        return self.tf.reshape(x, shape)

    def take(self, table, ids):
        return self.tf.gather(table, ids)

    def softmax(self, x):
        return self.tf.nn.softmax(x, axis=-1)

    def relu(self, x):
        return self.tf.nn.relu(x)

    def xent(self, logits, yb):
        return self.tf.reduce_mean(self.tf.nn.sparse_softmax_cross_entropy_with_logits(yb, logits))


# ================================================================================== raw loops
def _raw_jax():
    import jax
    import jax.numpy as jnp

    F = _JaxOps()
    x, y = _data()
    params = {k: jnp.asarray(v) for k, v in _init(np.random.default_rng(0)).items()}

    def loss(p, xb, yb):
        return F.xent(_forward(F, p, xb), yb)

    def train_step(p, m, v, t, xb, yb):
        val, g = jax.value_and_grad(loss)(p, xb, yb)
        t = t + 1
        m = jax.tree_util.tree_map(lambda m, g: B1 * m + (1 - B1) * g, m, g)
        v = jax.tree_util.tree_map(lambda v, g: B2 * v + (1 - B2) * g * g, v, g)
        a = LR * jnp.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        p = jax.tree_util.tree_map(lambda p, m, v: p - a * m / (jnp.sqrt(v) + EPS), p, m, v)
        return p, m, v, t, val

    train_step = jax.jit(train_step, donate_argnums=(0, 1, 2))
    zeros = jax.tree_util.tree_map(jnp.zeros_like, params)
    state = [params, zeros, jax.tree_util.tree_map(jnp.zeros_like, params), jnp.asarray(0.0, jnp.float32)]

    def step(xb, yb):
        out = train_step(*state, xb, yb)
        state[:] = out[:4]
        return out[4].block_until_ready()

    forward = jax.jit(lambda p, xb: _forward(F, p, xb))
    return _run_raw(step, x, y, lambda xb: np.asarray(forward(state[0], xb)))


def _raw_torch():
    import torch

    x, y = _data()
    torch.manual_seed(0)

    class Encoder(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = torch.nn.Embedding(VOCAB, WIDTH)
            self.pos = torch.nn.Parameter(torch.zeros(SEQ, WIDTH).uniform_(-0.05, 0.05))
            layer = torch.nn.TransformerEncoderLayer(WIDTH, HEADS, FFN, dropout=0.0, batch_first=True,
                                                     layer_norm_eps=LN_EPS)
            self.blocks = torch.nn.TransformerEncoder(layer, BLOCKS, enable_nested_tensor=False)
            self.out = torch.nn.Linear(WIDTH, 2)

        def forward(self, xb):
            return self.out(self.blocks(self.tok(xb) + self.pos).mean(dim=1))

    dev = torch_device()
    model = Encoder().to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=LR, betas=(B1, B2), eps=EPS)
    loss_fn = torch.nn.CrossEntropyLoss()

    def step(xb, yb):
        xb, yb = torch.from_numpy(xb).long().to(dev), torch.from_numpy(yb).long().to(dev)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        return loss.item()

    def predict(xb):
        with torch.inference_mode():
            return model(torch.from_numpy(xb).long().to(dev)).cpu().numpy()

    result = _run_raw(step, x, y, predict)
    return result


def _raw_tf():
    import tensorflow as tf

    F = _TfOps()
    x, y = _data()
    vs = {k: tf.Variable(v) for k, v in _init(np.random.default_rng(0)).items()}
    ms = {k: tf.Variable(tf.zeros_like(v)) for k, v in vs.items()}
    vv = {k: tf.Variable(tf.zeros_like(v)) for k, v in vs.items()}
    t = tf.Variable(0.0)

    @tf.function(autograph=False)
    def step(xb, yb):
        with tf.GradientTape() as tape:
            loss = F.xent(_forward(F, vs, xb), yb)
        grads = tape.gradient(loss, list(vs.values()))
        t.assign_add(1.0)
        a = LR * tf.sqrt(1 - B2 ** t) / (1 - B1 ** t)
        for (k, v), g in zip(vs.items(), grads):
            g = tf.convert_to_tensor(g)  # the embedding's gradient is an IndexedSlices
            ms[k].assign(B1 * ms[k] + (1 - B1) * g)
            vv[k].assign(B2 * vv[k] + (1 - B2) * g * g)
            v.assign_sub(a * ms[k] / (tf.sqrt(vv[k]) + EPS))
        return loss

    forward = tf.function(lambda xb: _forward(F, vs, xb), autograph=False)
    return _run_raw(lambda xb, yb: float(step(xb, yb)), x, y, lambda xb: forward(xb).numpy())


def _run_raw(step, x, y, predict):
    """Times the first step (trace + compile + run), then the epochs as ``_fit_api`` does, then predict."""
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
    return _result(first, window, _predict_ms(predict, x[:BATCH]))


# ================================================================================== driver
def run_worker(cfg):
    b, impl = cfg["backend"], cfg["impl"]
    worker_threads(cfg)
    if impl in ("dlx", "keras"):
        return _fit_api(impl)
    return {"jax": _raw_jax, "torch": _raw_torch, "tf": _raw_tf}[b]()


FIGURES = ("ms_per_step", "first_step_s", "predict32_ms", "peak_rss_mb")


def summarize(runs):
    out = {}
    by_round = {}
    for r in runs:  # in run order: a rerun of a contended configuration replaces it in its round
        if "error" not in r:
            by_round[(r["round"], r["backend"], r["impl"])] = r
    for b in BACKENDS:
        for impl in ("dlx", "raw", "keras"):
            rs = [r for (_, bb, ii), r in sorted(by_round.items()) if bb == b and ii == impl]
            if rs:
                out[f"{b}/{impl}"] = {**{f: statistics.median(r[f] for r in rs) for f in FIGURES},
                                      "runs": len(rs), "contended": sum(1 for r in rs if r.get("contended"))}
    return out


def markdown(result):
    s, meta = result["summary"], result["meta"]
    lines = [f"# W3: transformer encoder ({BLOCKS} blocks, width {WIDTH}, {HEADS} heads, sequence {SEQ}, "
             f"batch {BATCH}), Adam", "",
             f"{meta['date']}, {meta['cpus']} CPUs (pinned to {meta['cpu_set']}), {meta['rounds']} round(s), "
             f"versions {meta['versions']}. Medians over rounds.", "",
             "| backend | impl | ms/step | x raw | first step (s) | x Keras | predict(32) ms | x raw | "
             "peak RSS MB | - raw | rounds (contended) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for b in BACKENDS:
        raw, keras = s.get(f"{b}/raw"), s.get(f"{b}/keras")
        for impl in ("dlx", "raw", "keras"):
            r = s.get(f"{b}/{impl}")
            if r is None:
                continue
            xr = f"{r['ms_per_step'] / raw['ms_per_step']:.2f}" if raw else "-"
            xk = f"{r['first_step_s'] / keras['first_step_s']:.2f}" if keras else "-"
            pr = f"{r['predict32_ms'] / raw['predict32_ms']:.2f}" if raw else "-"
            mr = f"{r['peak_rss_mb'] - raw['peak_rss_mb']:+.0f}" if raw else "-"
            lines.append(f"| {b} | {impl} | {r['ms_per_step']:.1f} | {xr} | {r['first_step_s']:.2f} | {xk} | "
                         f"{r['predict32_ms']:.2f} | {pr} | {r['peak_rss_mb']:.0f} | {mr} | "
                         f"{r['runs']} ({r['contended']}) |")
    lines += error_lines(result["runs"])
    return "\n".join(lines) + "\n"


def drive(args):
    cfgs = [{"backend": b, "impl": i} for b in args.backends
            for i in ("dlx", "raw", *(() if args.no_keras else ("keras",)))]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    def show(rec):
        if "error" in rec:
            return f"{rec['backend']}/{rec['impl']:6s} ERROR"
        return (f"{rec['backend']}/{rec['impl']:6s} {rec['ms_per_step']:.1f} ms/step, "
                f"first {rec['first_step_s']:.2f}s, "
                f"predict {rec['predict32_ms']:.2f} ms, rss {rec['peak_rss_mb']:.0f} MB")

    runs = run_rounds(cfgs, args, __file__, lambda cfg: _env_for(cfg, args.torch_threads), show)
    write_results(out_dir, "transformer", args, runs, summarize, markdown)


def main(argv=None):
    workload_main(argv, __doc__, BACKENDS, run_worker, drive)


if __name__ == "__main__":
    main()
