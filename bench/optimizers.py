"""Optimizer update speed on torch: dlx against ``torch.optim`` (``foreach=True``) and Keras 3
(``KERAS_BACKEND=torch``), one row per optimizer.

    python bench/optimizers.py [--steps 30] [--threads 1] [--only Adam,AdamW] [--out bench/results/optimizers.md]

The parameters are those of an MLP 1024-1024-1024-10 (2.1M floats in 6 tensors) with fixed random
gradients. Timed per update (best and median over ``--steps`` rounds after 3 warm-up rounds):

* ``dlx fit path``: ``optimizer.stateless_apply`` compiled as ``fit`` compiles its step on torch
  (``backend.compile(..., jit=False)``: recorded once, replayed; state donated);
* ``dlx apply``: the stateful ``optimizer.apply(grads)`` (a custom training loop);
* ``torch.optim``: ``opt.step()`` with ``foreach=True`` where torch has the algorithm (Keras's
  hyper-parameters; ``—`` where it has none);
* ``Keras 3``: ``optimizer.apply(grads)`` on Keras's torch backend.

All run in one subprocess (``KERAS_BACKEND=torch``, the given thread count), interleaved: each
round runs one update of every method of an optimizer, so load that comes and goes on a shared
machine hits them alike. The figures are labelled *contended*.
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

SHAPES = [(1024, 1024), (1024,), (1024, 1024), (1024,), (1024, 10), (10,)]
# name -> (dlx / Keras class and arguments, torch.optim class and arguments or None)
OPTIMIZERS = {
    "SGD": (("SGD", {"learning_rate": 0.01}), ("SGD", {"lr": 0.01})),
    "SGD momentum": (("SGD", {"learning_rate": 0.01, "momentum": 0.9}), ("SGD", {"lr": 0.01, "momentum": 0.9})),
    "Adam": (("Adam", {}), ("Adam", {"lr": 0.001, "eps": 1e-7})),
    "AdamW": (("AdamW", {}), ("AdamW", {"lr": 0.001, "eps": 1e-7, "weight_decay": 0.004})),
    "AdamW amsgrad": (("AdamW", {"amsgrad": True}),
                      ("AdamW", {"lr": 0.001, "eps": 1e-7, "weight_decay": 0.004, "amsgrad": True})),
    "Adamax": (("Adamax", {}), ("Adamax", {"lr": 0.001, "eps": 1e-7})),
    "Nadam": (("Nadam", {}), ("NAdam", {"lr": 0.001, "eps": 1e-7})),
    "RMSprop": (("RMSprop", {}), ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-7})),
    "RMSprop centered": (("RMSprop", {"centered": True}),
                         ("RMSprop", {"lr": 0.001, "alpha": 0.9, "eps": 1e-7, "centered": True})),
    "Adagrad": (("Adagrad", {}), ("Adagrad", {"lr": 0.001, "initial_accumulator_value": 0.1, "eps": 1e-7})),
    "Adadelta": (("Adadelta", {}), ("Adadelta", {"lr": 0.001, "rho": 0.95, "eps": 1e-7})),
    "Adafactor": (("Adafactor", {}), ("Adafactor", {"lr": 0.001})),
    "Lion": (("Lion", {}), None),
    "Ftrl": (("Ftrl", {}), None),
    "Lamb": (("Lamb", {}), None),
    "Muon": (("Muon", {}), None),  # torch.optim.Muon takes 2-D parameters only
    "ScheduleFreeAdamW": (("ScheduleFreeAdamW", {}), None),
}


def _data(torch):
    g = torch.Generator().manual_seed(0)
    params = [torch.randn(s, generator=g) * 0.05 for s in SHAPES]
    grads = [torch.randn(s, generator=g) * 0.01 for s in SHAPES]
    return params, grads


def _interleaved(fns, steps):
    """``{label: (best ms, median ms)}`` of the callables run in turn, one call each per round
    (``steps`` rounds after 3 warm-up rounds), so load that comes and goes hits them alike;
    ``"ratios"``: the median over rounds of each one's time divided by the first one's;
    ``"spread"``: per other callable, the ratio of the best times and the quartiles of the
    per-round ratios; ``"cpu_ratios"``: the median over rounds of the ratio of the process's CPU
    times (one thread: time the process was scheduled, which a loaded machine disturbs less)."""
    for _ in range(3):
        for fn in fns.values():
            fn()
    times = {k: [] for k in fns}
    cpu = {k: [] for k in fns}
    for _ in range(steps):
        for k, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            fn()
            times[k].append((time.perf_counter() - t) * 1e3)
            cpu[k].append(time.process_time() - c)
    first = next(iter(fns))
    out = {k: (min(v), float(np.median(v))) for k, v in times.items()}
    per_round = {k: np.divide(times[first], v) for k, v in times.items() if k != first}
    out["ratios"] = {k: float(np.median(r)) for k, r in per_round.items()}
    out["spread"] = {k: {"best": out[first][0] / out[k][0], "q25": float(np.quantile(r, 0.25)),
                         "q75": float(np.quantile(r, 0.75))} for k, r in per_round.items()}
    out["cpu_ratios"] = {k: float(np.median(np.divide(cpu[first], v))) for k, v in cpu.items() if k != first}
    return out


def _dlx_fns(name, cls, kw, params, grads):
    import dlx

    bk = dlx.backend.current()
    variables = [dlx.Variable(p.clone()) for p in params]
    opt = getattr(dlx.optimizers, cls)(**kw)
    opt.build(variables)
    opt2 = getattr(dlx.optimizers, cls)(**kw)
    variables2 = [dlx.Variable(p.clone()) for p in params]
    opt2.build(variables2)
    step = bk.compile(lambda ov, g, tv: opt2.stateless_apply(ov, g, tv)[::-1], jit=False, donate_argnums=(0, 2))
    state = {"ov": [v.value for v in opt2.variables], "tv": [v.value for v in variables2]}

    def fit_path():
        state["ov"], state["tv"] = step(state["ov"], grads, state["tv"])

    return {"dlx_fit_path": fit_path, "dlx_apply": lambda: opt.apply(grads, variables)}


def worker(steps, with_keras, only=None):
    """Every method of every optimizer in this one process (dlx on its torch backend, torch.optim,
    Keras 3 on its torch backend), interleaved per optimizer."""
    import torch

    import dlx

    keras = None
    if with_keras:
        import keras
    out = {}
    with dlx.backend.use("torch"):
        for name, ((cls, kw), spec) in OPTIMIZERS.items():
            if only and name not in only:
                continue
            params, grads = _data(torch)
            fns = _dlx_fns(name, cls, kw, params, grads)
            if spec is not None and hasattr(torch.optim, spec[0]):
                ps = [torch.nn.Parameter(p.clone()) for p in params]
                for p, g in zip(ps, grads):
                    p.grad = g.clone()
                topt = getattr(torch.optim, spec[0])(ps, foreach=True, **spec[1])

                def torch_step(topt=topt):
                    with torch.no_grad():
                        topt.step()

                fns["torch"] = torch_step
            if keras is not None and hasattr(keras.optimizers, cls):
                kvars = [keras.Variable(p.clone()) for p in params]
                kopt = getattr(keras.optimizers, cls)(**kw)
                kopt.build(kvars)
                kgrads = [keras.ops.convert_to_tensor(g) for g in grads]
                fns["keras"] = lambda kopt=kopt, kvars=kvars, kgrads=kgrads: kopt.apply(kgrads, kvars)
            out[name] = _interleaved(fns, steps)
    return out


def _spawn(steps, threads, with_keras, only=None):
    env = {**os.environ, "OMP_NUM_THREADS": str(threads), "DLX_TORCH_THREADS": str(threads),
           "KERAS_BACKEND": "torch", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore"}
    here = str(Path(__file__).parent)
    code = (f"import json, sys, torch; torch.set_num_threads({threads}); sys.path.insert(0, {here!r}); "
            f"import optimizers as b; print('RESULT' + json.dumps(b.worker({steps}, {with_keras}, {only!r})))")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        raise SystemExit(f"the bench worker failed:\n{proc.stderr[-3000:]}")
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT"))
    return json.loads(line[len("RESULT"):])


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--steps", type=int, default=30)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-keras", action="store_true")
    p.add_argument("--only", default="", help="comma-separated optimizer rows to run (default: all)")
    p.add_argument("--out", default="bench/results/optimizers.md")
    a = p.parse_args(argv)
    only = [n.strip() for n in a.only.split(",") if n.strip()] or None
    res = _spawn(a.steps, a.threads, not a.no_keras, only)
    import torch

    lines = ["# Optimizer update speed on torch (ms per update; **contended**)", "",
             f"Produced by `python bench/optimizers.py --steps {a.steps} --threads {a.threads}` (torch "
             f"{torch.__version__}, {a.threads} thread(s), one process, the methods interleaved per round). "
             "Parameters: an MLP 1024-1024-1024-10 (2.1M floats, 6 tensors). `fit path`: the compiled "
             "(recorded and replayed) `stateless_apply` that `fit` runs; `apply`: the stateful `optimizer.apply`. "
             "Times: best / median of the rounds. Ratios: median over rounds of (dlx fit path time) / (other "
             "time), below 1 means dlx is faster; in brackets the ratio of the best times and the quartiles of "
             "the per-round ratios. `CPU`: the same median ratio of the process's CPU times (one thread), "
             "which the machine's load disturbs less than wall time.", "",
             "| optimizer | dlx fit path | dlx apply | torch.optim foreach | Keras 3 (torch) | dlx fit / torch | "
             "CPU | dlx fit / Keras | CPU |", "|---|---|---|---|---|---|---|---|---|"]

    def cell(r, k):
        return "—" if k not in r else f"{r[k][0]:.2f} / {r[k][1]:.2f}"

    def ratio(r, k):
        if k not in r.get("ratios", {}):
            return "— | —"
        sp = r["spread"][k]
        return (f"{r['ratios'][k]:.2f} (best {sp['best']:.2f}; {sp['q25']:.2f}-{sp['q75']:.2f}) | "
                f"{r['cpu_ratios'][k]:.2f}")

    for name in OPTIMIZERS:
        if only and name not in only:
            continue
        r = res.get(name, {})
        lines.append(f"| {name} | {cell(r, 'dlx_fit_path')} | {cell(r, 'dlx_apply')} | {cell(r, 'torch')} | "
                     f"{cell(r, 'keras')} | {ratio(r, 'torch')} | {ratio(r, 'keras')} |")
    text = "\n".join(lines) + "\n"
    print(text)
    Path(a.out).write_text(text)
    Path(a.out).with_suffix(".json").write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
