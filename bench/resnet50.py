"""W5: ResNet-50 inference -- dlx ``predict`` against a hand-written raw-framework forward and Keras 3.

    python bench/resnet50.py [--backends jax torch tf openvino] [--rounds 3] [--out bench/results] [--no-keras]

Workload: ResNet-50 v1 as Keras Applications builds it (224x224x3 input, 7x7/2 stem, max pool,
bottleneck stages of 3/4/6/3 blocks with the stride on each stage's first 1x1 convolution, biased
convolutions, inference BatchNormalization with eps 1.001e-5, global average pool, Dense(1000)
softmax), random weights (``weights=None``), float32. Per configuration:

* **build (s)**: constructing the model (``applications.ResNet50(weights=None)``; raw: creating the
  parameters on the device). Imports are not timed: dlx and Keras are imported with their backend
  loaded and one op run first (``fit_predict.warm_library``), as the raw code imports its framework,
  and ``applications.ResNet50`` is looked up before the clock (dlx imports the module there);
* **first predict (s)**: the first ``predict`` of one image -- tracing, compilation and one run;
* **predict(1) / predict(32) ms**: median latency of one call (NumPy in, NumPy out) after warm-up;
* **peak RSS (MB)**: the process's maximum resident memory at the end.

Implementations: ``dlx`` (``dlx.applications.ResNet50`` + ``model.predict``); ``raw``: one forward
written against a small op table and compiled by the framework -- ``jax.jit`` (NHWC), torch
functional ops under ``torch.inference_mode`` (NCHW, torch's native layout), a ``tf.function``
(NHWC); ``keras``: Keras 3 on the same backend. OpenVINO has no raw row: the anchor there is
Keras 3's OpenVINO backend, as for the other backends. Keras compiles its OpenVINO predict with the
CPU plugin's defaults, which run **bfloat16** on CPUs with AVX512-BF16 or AMX (as this one), while
dlx's default is float32 in OpenVINO's ACCURACY mode (``shared/PARITY.md``); the ``dlx_bf16`` row
is dlx with ``dlx_openvino.set_performance_mode(True)`` (the plugin's defaults, as Keras), the
like-for-like comparison with Keras's row; the ``keras_f32`` row is Keras with its OpenVINO models
compiled with dlx's float32 configuration (``dlx_openvino.ACCURACY_CONFIG``, merged into the
configuration of every ``openvino.compile_model`` call in that process), the like-for-like
comparison with dlx's row. On OpenVINO each dlx row's ratios are to its like-for-like Keras row.
Method as in ``bench/fit_predict.py``: one subprocess per configuration pinned to one CPU set,
rounds interleaved in shuffled order, medians over rounds, contended runs measured again. The dlx
and Keras runs on jax, torch and tf also build the raw forward once their own figures are taken
and time the two in alternating blocks (``PAIRS`` each per batch size, both orders): the
``paired`` columns, ratios that do not move with the process-to-process speed of the machine.
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
    _paired_time,
    error_lines,
    run_rounds,
    torch_device,
    warm_library,
    worker_threads,
    workload_main,
    write_results,
)

BACKENDS = ("jax", "torch", "tf", "openvino")
STAGES = ((64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2))  # (filters, blocks, stride)
BN_EPS = 1.001e-5
CALLS = {1: 20, 32: 5}
PAIRS = 4  # alternating latency blocks of an API run and the raw forward, per batch size
PAIR_CALLS = {1: 10, 32: 2}  # calls per block (median)


def _images(n, seed=0):
    return np.random.default_rng(seed).uniform(0, 255, (n, 224, 224, 3)).astype(np.float32)


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _latency_ms(predict, rows):
    xb = _images(rows, seed=rows)
    for _ in range(2):
        predict(xb)
    with Window() as w:
        ms = _block_ms(predict, xb, CALLS[rows])
    return ms, w


def _measure(build, predict_for):
    """The figures of one implementation, and its predict function."""
    t0 = time.perf_counter()
    model = build()
    build_s = time.perf_counter() - t0
    predict = predict_for(model)
    t0 = time.perf_counter()
    predict(_images(1))
    first_s = time.perf_counter() - t0
    p1, w1 = _latency_ms(predict, 1)
    p32, w32 = _latency_ms(predict, 32)
    info = w32.info()
    info["contended"] = bool(w1.info().get("contended") or info.get("contended"))
    return {"build_s": build_s, "first_predict_s": first_s, "predict1_ms": p1, "predict32_ms": p32,
            "peak_rss_mb": _peak_rss_mb(), **info}, predict


def _block_ms(predict, xb, calls):
    """The median of ``calls`` calls of ``predict(xb)``, in ms."""
    return _block_median(lambda: predict(xb), min_calls=calls, min_s=0.0) * 1e3


def _paired(predict, backend):
    """dlx's (or Keras's) predict against the raw forward built in the same process, after every
    other figure (peak RSS included) was taken: fit_predict's ``_paired_time`` per batch size
    (``PAIRS`` blocks of each, alternating in both orders; the ratio is the median of the per-pair
    ratios). A process's speed moves by up to 20% on this machine, so separate processes' medians
    moved a predict(32) ratio by ~15% round to round."""
    build, predict_for = _RAW[backend]()
    raw = predict_for(build())
    out, contended = {}, False
    for rows in (1, 32):
        xb = _images(rows, seed=rows)
        t = _paired_time(lambda: predict(xb), lambda: raw(xb), blocks=PAIRS, min_calls=PAIR_CALLS[rows],
                         min_s=0.0, warmup=2)
        out[f"pair_predict{rows}"] = t["pair_ratio"]
        contended = contended or bool(t.get("contended"))
    out["pair_contended"] = contended
    return out


# ================================================================================== dlx / keras
def _keras_openvino_float32():
    """Every ``openvino.compile_model`` of this process (Keras's OpenVINO predict compiles through
    it, with no configuration) gets dlx's float32 configuration."""
    import openvino

    from dlx_openvino.backend import ACCURACY_CONFIG

    compile_model = openvino.compile_model

    def compile_float32(model, device_name="AUTO", config=None):
        return compile_model(model, device_name, {**ACCURACY_CONFIG, **(config or {})})

    openvino.compile_model = compile_float32


def _api(lib, backend, performance_mode=False, float32=False):
    if float32:
        _keras_openvino_float32()
    keras = warm_library(lib)
    if lib == "dlx":
        import dlx_hub  # noqa: F401  (provides dlx.applications; Keras imports its applications on import)
    if performance_mode:
        import dlx_openvino

        dlx_openvino.set_performance_mode(True)

    # the constructor is looked up before the clock, as bench/hub_build.py does: dlx imports an
    # application's module on first lookup, Keras imports them all with ``import keras``
    resnet50 = keras.applications.ResNet50
    rec, predict = _measure(lambda: resnet50(weights=None), lambda model: (lambda xb: model.predict(xb, verbose=0)))
    if backend in _RAW:
        rec.update(_paired(predict, backend))
    return rec


# ================================================================================== raw
def _params(rng):
    """The parameters in forward order: (kind, arrays). Convolution kernels are HWIO."""
    def conv(k, cin, cout):
        std = np.sqrt(2.0 / (k * k * cin))
        return ["conv", rng.normal(0, std, (k, k, cin, cout)).astype(np.float32), np.zeros(cout, np.float32)]

    def bn(c):
        return ["bn", np.ones(c, np.float32), np.zeros(c, np.float32), np.zeros(c, np.float32),
                np.ones(c, np.float32)]

    ps = [conv(7, 3, 64), bn(64)]
    cin = 64
    for filters, blocks, _ in STAGES:
        for b in range(blocks):
            if b == 0:
                ps += [conv(1, cin, 4 * filters), bn(4 * filters)]
            ps += [conv(1, cin, filters), bn(filters), conv(3, filters, filters), bn(filters),
                   conv(1, filters, 4 * filters), bn(4 * filters)]
            cin = 4 * filters
    ps.append(["dense", (rng.normal(0, 0.01, (2048, 1000))).astype(np.float32), np.zeros(1000, np.float32)])
    return ps


def _forward(F, ps, x):
    it = iter(ps)

    def conv_bn(h, stride, pad, relu):
        _, w, b = next(it)
        _, gamma, beta, mean, var = next(it)
        h = F.bn(F.conv(h, w, b, stride, pad), gamma, beta, mean, var)
        return F.relu(h) if relu else h

    h = conv_bn(F.pad(x, 3), 2, "VALID", True)
    h = F.maxpool(F.pad(h, 1))
    for _filters, blocks, stride in STAGES:
        for b in range(blocks):
            s = stride if b == 0 else 1
            short = conv_bn(h, s, "VALID", False) if b == 0 else h
            y = conv_bn(h, s, "VALID", True)
            y = conv_bn(y, 1, "SAME", True)
            y = conv_bn(y, 1, "VALID", False)
            h = F.relu(y + short)
    _, w, b = next(it)
    return F.softmax(F.dense(F.gap(h), w, b))


class _JaxOps:
    def __init__(self):
        import jax
        import jax.numpy as jnp

        self.jax, self.jnp = jax, jnp

    def conv(self, h, w, b, stride, pad):
        return self.jax.lax.conv_general_dilated(h, w, (stride, stride), pad,
                                                 dimension_numbers=("NHWC", "HWIO", "NHWC")) + b

    def bn(self, h, gamma, beta, mean, var):
        return (h - mean) * (gamma / self.jnp.sqrt(var + BN_EPS)) + beta

    def relu(self, h):
        return self.jnp.maximum(h, 0)

    def pad(self, h, p):
        return self.jnp.pad(h, ((0, 0), (p, p), (p, p), (0, 0)))

    def maxpool(self, h):
        return self.jax.lax.reduce_window(h, -self.jnp.inf, self.jax.lax.max, (1, 3, 3, 1), (1, 2, 2, 1), "VALID")

    def gap(self, h):
        return h.mean(axis=(1, 2))

    def dense(self, h, w, b):
        return h @ w + b

    def softmax(self, h):
        return self.jax.nn.softmax(h, axis=-1)


class _TfOps:
    def __init__(self):
        import tensorflow as tf

        self.tf = tf

    def conv(self, h, w, b, stride, pad):
        return self.tf.nn.bias_add(self.tf.nn.conv2d(h, w, stride, pad), b)

    def bn(self, h, gamma, beta, mean, var):
        return self.tf.nn.batch_normalization(h, mean, var, beta, gamma, BN_EPS)

    def relu(self, h):
        return self.tf.nn.relu(h)

    def pad(self, h, p):
        return self.tf.pad(h, [[0, 0], [p, p], [p, p], [0, 0]])

    def maxpool(self, h):
        return self.tf.nn.max_pool2d(h, 3, 2, "VALID")

    def gap(self, h):
        return self.tf.reduce_mean(h, axis=(1, 2))

    def dense(self, h, w, b):
        return self.tf.matmul(h, w) + b

    def softmax(self, h):
        return self.tf.nn.softmax(h, axis=-1)


class _TorchOps:
    """NCHW, torch's native layout: kernels are stored OIHW once, the input is transposed per call."""

    def __init__(self):
        import torch
        import torch.nn.functional as tnf

        self.torch, self.f = torch, tnf

    def conv(self, h, w, b, stride, pad):
        return self.f.conv2d(h, w, b, stride, "same" if pad == "SAME" else 0)

    def bn(self, h, gamma, beta, mean, var):
        return self.f.batch_norm(h, mean, var, gamma, beta, False, 0.0, BN_EPS)

    def relu(self, h):
        return self.torch.relu(h)

    def pad(self, h, p):
        return self.f.pad(h, (p, p, p, p))

    def maxpool(self, h):
        return self.f.max_pool2d(h, 3, 2)

    def gap(self, h):
        return h.mean(dim=(2, 3))

    def dense(self, h, w, b):
        return self.f.linear(h, w, b)

    def softmax(self, h):
        return self.torch.softmax(h, dim=-1)


def _raw_jax():
    import jax
    import jax.numpy as jnp

    F = _JaxOps()

    def build():
        ps = [[k, *(jax.device_put(a) for a in arrays)] for k, *arrays in _params(np.random.default_rng(0))]
        jax.block_until_ready(ps[-1][1])
        return ps

    def predict_for(ps):
        kinds, arrays = [p[0] for p in ps], [p[1:] for p in ps]
        fwd = jax.jit(lambda arrs, x: _forward(F, [[k, *a] for k, a in zip(kinds, arrs)], x))
        return lambda xb: np.asarray(fwd(arrays, jnp.asarray(xb)))

    return build, predict_for


def _raw_tf():
    import tensorflow as tf

    F = _TfOps()

    def build():
        return [[k, *(tf.Variable(a) for a in arrays)] for k, *arrays in _params(np.random.default_rng(0))]

    def predict_for(ps):
        fwd = tf.function(lambda x: _forward(F, ps, x), autograph=False, reduce_retracing=True)
        return lambda xb: fwd(tf.convert_to_tensor(xb)).numpy()

    return build, predict_for


def _raw_torch():
    import torch

    F = _TorchOps()

    dev = torch_device()

    def build():
        ps = []
        for kind, *arrays in _params(np.random.default_rng(0)):
            if kind == "conv":
                arrays[0] = np.ascontiguousarray(arrays[0].transpose(3, 2, 0, 1))  # HWIO -> OIHW
            elif kind == "dense":
                arrays[0] = np.ascontiguousarray(arrays[0].T)
            ps.append([kind, *(torch.from_numpy(a).to(dev) for a in arrays)])
        return ps

    def predict_for(ps):
        def predict(xb):
            with torch.inference_mode():
                return _forward(F, ps, torch.from_numpy(xb).to(dev).permute(0, 3, 1, 2)).cpu().numpy()
        return predict

    return build, predict_for


#: backend -> the raw forward's ``(build, predict_for)``
_RAW = {"jax": _raw_jax, "torch": _raw_torch, "tf": _raw_tf}


# ================================================================================== driver
def run_worker(cfg):
    b, impl = cfg["backend"], cfg["impl"]
    worker_threads(cfg)
    if impl in ("dlx", "keras"):
        return _api(impl, b)
    if impl == "dlx_bf16":
        return _api("dlx", b, performance_mode=True)
    if impl == "keras_f32":
        return _api("keras", b, float32=True)
    return _measure(*_RAW[b]())[0]


FIGURES = ("build_s", "first_predict_s", "predict1_ms", "predict32_ms", "peak_rss_mb")
PAIR_FIGURES = ("pair_predict1", "pair_predict32")
#: the Keras row each row is compared with (OpenVINO: the same precision)
LIKE_FOR_LIKE = {"dlx": "keras_f32", "keras_f32": "keras_f32"}


def summarize(runs):
    by_round = {}
    for r in runs:  # in run order: a rerun of a contended configuration replaces it in its round
        if "error" not in r:
            by_round[(r["round"], r["backend"], r["impl"])] = r
    out = {}
    for (_, b, impl), _r in sorted(by_round.items()):
        rs = [r for (_, bb, ii), r in sorted(by_round.items()) if bb == b and ii == impl]
        out[f"{b}/{impl}"] = {**{f: statistics.median(r[f] for r in rs) for f in FIGURES},
                              "runs": len(rs), "contended": sum(1 for r in rs if r.get("contended"))}
        for f in PAIR_FIGURES:  # the paired ratios: per round, their median and range
            vals = [r[f] for r in rs if f in r]
            if vals:
                out[f"{b}/{impl}"][f] = statistics.median(vals)
                out[f"{b}/{impl}"][f + "_rounds"] = vals
    return out


def markdown(result):
    s, meta = result["summary"], result["meta"]
    lines = ["# W5: ResNet-50 inference (224x224, float32, random weights)", "",
             f"{meta['date']}, {meta['cpus']} CPUs (pinned to {meta['cpu_set']}), {meta['rounds']} round(s), "
             f"torch threads {meta['torch_threads']}, versions {meta['versions']}. Medians over rounds; "
             "ratios against raw (Keras where there is no raw). OpenVINO: Keras runs bfloat16 (the CPU plugin's "
             "default here), `dlx` float32 (ACCURACY mode), `dlx_bf16` the plugin's defaults as Keras, "
             "`keras_f32` Keras with dlx's float32 configuration; each dlx row's ratios there are to its like-for-like "
             "Keras row (`dlx` to `keras_f32`, `dlx_bf16` to `keras`).", "",
             "The `paired` columns: the API's predict against the raw forward in one process, alternating "
             "blocks (median of the per-pair ratios in a run; median over rounds, the rounds' range in "
             "brackets); the other `x raw` columns divide medians of separate processes.", "",
             "| backend | impl | build s | x Keras | first predict s | x Keras | predict(1) ms | x raw | paired | "
             "predict(32) ms | x raw | paired | peak RSS MB | - raw | rounds (contended) |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for b in BACKENDS:
        for impl in ("dlx", "dlx_bf16", "raw", "keras", "keras_f32"):
            r = s.get(f"{b}/{impl}")
            if r is None:
                continue
            # the like-for-like Keras row where the run has one (results saved before 12-07 have no keras_f32)
            raw, keras = s.get(f"{b}/raw"), s.get(f"{b}/{LIKE_FOR_LIKE.get(impl, 'keras')}") or s.get(f"{b}/keras")
            base = raw or keras

            def ratio(f, ref):
                return f"{r[f] / ref[f]:.2f}" if ref else "-"

            def paired(f):
                if f not in r:
                    return "-"
                vals = r[f + "_rounds"]
                return f"{r[f]:.2f} ({min(vals):.2f}-{max(vals):.2f})" if len(vals) > 1 else f"{r[f]:.2f}"
            mr = f"{r['peak_rss_mb'] - base['peak_rss_mb']:+.0f}" if base else "-"
            lines.append(f"| {b} | {impl} | {r['build_s']:.2f} | {ratio('build_s', keras)} | "
                         f"{r['first_predict_s']:.2f} | {ratio('first_predict_s', keras)} | {r['predict1_ms']:.1f} | "
                         f"{ratio('predict1_ms', base)} | {paired('pair_predict1')} | {r['predict32_ms']:.0f} | "
                         f"{ratio('predict32_ms', base)} | {paired('pair_predict32')} | "
                         f"{r['peak_rss_mb']:.0f} | {mr} | {r['runs']} ({r['contended']}) |")
    lines += error_lines(result["runs"])
    return "\n".join(lines) + "\n"


def drive(args):
    cfgs = [{"backend": b, "impl": i} for b in args.backends
            for i in (*(("raw",) if b != "openvino" else ("dlx_bf16",)), "dlx",
                      *(() if args.no_keras else ("keras", *(("keras_f32",) if b == "openvino" else ()))))]
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    def show(rec):
        if "error" in rec:
            return f"{rec['backend']}/{rec['impl']:8s} ERROR"
        pair = (f", paired x raw {rec['pair_predict1']:.2f} / {rec['pair_predict32']:.2f}"
                if "pair_predict1" in rec else "")
        return (f"{rec['backend']}/{rec['impl']:8s} build {rec['build_s']:.2f}s, first {rec['first_predict_s']:.2f}s, "
                f"predict(1) {rec['predict1_ms']:.1f} ms, predict(32) {rec['predict32_ms']:.0f} ms, "
                f"rss {rec['peak_rss_mb']:.0f} MB{pair}")

    runs = run_rounds(cfgs, args, __file__, lambda cfg: _env_for(cfg, args.torch_threads), show)
    write_results(out_dir, "resnet50", args, runs, summarize, markdown)


def main(argv=None):
    workload_main(argv, __doc__, BACKENDS, run_worker, drive)


if __name__ == "__main__":
    main()
