"""Search quality: dlx-tuner (TPE and GP) against KerasTuner's BayesianOptimization.

Task: a small MLP on scikit-learn's digits (1,797 8x8 images; 1,200 train / 597 validation,
fixed split), three hyperparameters (``units`` Int 16-256 step 16, ``lr`` Float 1e-4-1e-1 log,
``dropout`` Float 0-0.5), ``EPOCHS`` epochs per trial, objective ``val_accuracy`` (best epoch),
a budget of 30 trials. For each method and seed it records the best validation accuracy after
10, 20 and 30 trials; the table shows the median over seeds.

* ``dlx-tpe`` / ``dlx-gp``: ``dlx_tuner.BayesianOptimization(sampler="tpe" | "gp")`` training
  dlx models (on ``--backend``, numpy by default: no per-trial compilation).
* ``kt-bo``: KerasTuner 1.4's ``BayesianOptimization`` training Keras 3 models in a subprocess
  with ``KERAS_BACKEND=--keras-backend`` (jax by default; torch avoids jax's per-trial jit
  compilation on a busy machine). KerasTuner is a bench-only dependency
  (``pip install keras-tuner``: it adds only kt-legacy and leaves keras/tensorflow alone).

This measures search quality, not speed: which backend trains a trial does not change the
algorithm comparison (the MLP and its training are the same on both sides).

Each (method, seed) runs in its own subprocess with one OpenMP thread (``OMP_NUM_THREADS``, 1 unless
set); the dlx runs also record the process RSS after every trial (memory across trials). Both
searches start from max(3 x dims, 3) = 9 initial points: KerasTuner draws them at random, dlx-tuner
from a Latin hypercube; the model-based sampler takes over after them.

    python bench/tuner_digits.py                       # 3 methods x 5 seeds
    python bench/tuner_digits.py --seeds 0 1 --methods dlx-tpe kt-bo
    python bench/tuner_digits.py --report bench/results/tuner_digits.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

EPOCHS = 5
BUDGET = 30
CHECKPOINTS = (10, 20, 30)


def _data():
    import numpy as np
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    order = np.random.default_rng(12345).permutation(len(x))
    x = (x[order] / 16.0).astype("float32")
    y = y[order]
    return x[:1200], y[:1200], x[1200:], y[1200:]


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_dlx(sampler: str, seed: int, directory: str) -> dict:
    import dlx
    import dlx_tuner

    x, y, xv, yv = _data()
    dlx.utils.set_random_seed(seed)

    def build(hp):
        model = dlx.Sequential([
            dlx.Input((64,)),
            dlx.layers.Dense(hp.Int("units", 16, 256, step=16), activation="relu"),
            dlx.layers.Dropout(hp.Float("dropout", 0.0, 0.5)),
            dlx.layers.Dense(10, activation="softmax"),
        ])
        model.compile(dlx.optimizers.Adam(hp.Float("lr", 1e-4, 1e-1, sampling="log")),
                      "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    rss = []

    class Measured(dlx_tuner.BayesianOptimization):
        def run_trial(self, trial, *args, **kwargs):
            out = super().run_trial(trial, *args, **kwargs)
            rss.append(_rss_mb())
            return out

    tuner = Measured(build, objective="val_accuracy", max_trials=BUDGET, sampler=sampler, seed=seed,
                     directory=directory, project_name=f"dlx-{sampler}-{seed}", overwrite=True)
    tuner.search(x, y, epochs=EPOCHS, batch_size=64, validation_data=(xv, yv), verbose=0)
    scores = [t.score for t in sorted(tuner.get_trials(), key=lambda t: t.number)]
    return {"scores": scores, "rss_mb": rss}


def run_keras_tuner(seed: int, directory: str) -> dict:
    import keras
    import keras_tuner

    x, y, xv, yv = _data()
    keras.utils.set_random_seed(seed)

    def build(hp):
        model = keras.Sequential([
            keras.Input((64,)),
            keras.layers.Dense(hp.Int("units", 16, 256, step=16), activation="relu"),
            keras.layers.Dropout(hp.Float("dropout", 0.0, 0.5)),
            keras.layers.Dense(10, activation="softmax"),
        ])
        model.compile(keras.optimizers.Adam(hp.Float("lr", 1e-4, 1e-1, sampling="log")),
                      "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    tuner = keras_tuner.BayesianOptimization(build, objective="val_accuracy", max_trials=BUDGET, seed=seed,
                                             directory=directory, project_name=f"kt-{seed}", overwrite=True)
    tuner.search(x, y, epochs=EPOCHS, batch_size=64, validation_data=(xv, yv), verbose=0)
    trials = sorted(tuner.oracle.trials.values(), key=lambda t: int(t.trial_id))
    return {"scores": [t.score for t in trials]}


def _child(method: str, seed: int, backend: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        t0 = time.time()
        if method == "kt-bo":
            out = run_keras_tuner(seed, d)
        else:
            out = run_dlx(method.split("-")[1], seed, d)
        out["seconds"] = time.time() - t0
    print("RESULT " + json.dumps(out), flush=True)


def _best_after(scores, n):
    vals = [s for s in scores[:n] if s is not None]
    return max(vals) if vals else float("nan")


def _table(runs: list[dict]) -> str:
    methods = sorted({r["method"] for r in runs})
    lines = ["| method | seeds | best val acc @10 | @20 | @30 | s/run (median) |", "|---|---|---|---|---|---|"]
    for m in methods:
        rs = [r for r in runs if r["method"] == m]
        cells = [f"{statistics.median(_best_after(r['scores'], n) for r in rs):.4f}" for n in CHECKPOINTS]
        lines.append(f"| {m} | {len(rs)} | " + " | ".join(cells)
                     + f" | {statistics.median(r['seconds'] for r in rs):.0f} |")
    lines.append("")
    lines.append("Per seed (best val acc after 10 / 20 / 30 trials):")
    for r in sorted(runs, key=lambda r: (r["method"], r["seed"])):
        lines.append(f"- {r['method']} seed {r['seed']}: "
                     + " / ".join(f"{_best_after(r['scores'], n):.4f}" for n in CHECKPOINTS)
                     + ("; RSS after trial 1/10/20/30: "
                        + "/".join(f"{r['rss_mb'][k - 1]:.0f}" for k in (1, 10, 20, 30)) + " MB"
                        if len(r.get("rss_mb", [])) >= 30 else ""))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--methods", nargs="+", default=["dlx-tpe", "dlx-gp", "kt-bo"],
                    choices=["dlx-tpe", "dlx-gp", "kt-bo"])
    ap.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    ap.add_argument("--backend", default="numpy", help="dlx backend for the dlx runs")
    ap.add_argument("--keras-backend", default="jax", help="KERAS_BACKEND for the KerasTuner runs")
    ap.add_argument("--out", default="bench/results/tuner_digits.json")
    ap.add_argument("--report", help="only print the table of a results file")
    ap.add_argument("--child", nargs=2, metavar=("METHOD", "SEED"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        _child(args.child[0], int(args.child[1]), args.backend)
        return
    if args.report:
        with open(args.report) as f:
            print(_table(json.load(f)["runs"]))
        return
    runs = []
    if os.path.exists(args.out):
        with open(args.out) as f:
            runs = json.load(f)["runs"]
    done = {(r["method"], r["seed"]) for r in runs}
    for seed in args.seeds:          # seeds outer: a partial run still compares every method
        for method in args.methods:
            if (method, seed) in done:
                continue
            # one BLAS/OpenMP thread on both sides: a trial's MLP is tiny, and Keras-on-torch with a
            # thread per core ran 50x slower on a loaded 2-core machine (1,818 s against 38 s a run)
            env = dict(os.environ, KERAS_BACKEND=args.keras_backend, DLX_BACKEND=args.backend,
                       OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "1"))
            r = subprocess.run([sys.executable, __file__, "--child", method, str(seed), "--backend", args.backend],
                               capture_output=True, text=True, env=env)
            line = next((li for li in r.stdout.splitlines() if li.startswith("RESULT ")), None)
            if r.returncode != 0 or line is None:
                sys.exit(f"{method} seed {seed} failed:\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}")
            rec = {"method": method, "seed": seed, **json.loads(line[len("RESULT "):])}
            runs.append(rec)
            print(f"{method} seed {seed}: " + " / ".join(f"{_best_after(rec['scores'], n):.4f}" for n in CHECKPOINTS)
                  + f" ({rec['seconds']:.0f} s)", flush=True)
            os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
            with open(args.out, "w") as f:
                json.dump({"epochs": EPOCHS, "budget": BUDGET, "backend": args.backend,
                           "keras_backend": args.keras_backend, "runs": runs}, f, indent=1)
    print(_table(runs))


if __name__ == "__main__":
    main()
