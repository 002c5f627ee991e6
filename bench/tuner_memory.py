"""Memory across trials: the process RSS after each of 30 dlx-tuner trials.

KerasTuner users report RAM growing trial after trial (keras-tuner #395, #873, #1031). dlx-tuner
clears the session and collects garbage after every trial; this prints the RSS after trials
1, 5, 10, 20 and 30 of a RandomSearch over a small MLP on scikit-learn's digits (each trial a
new model of a different width, so compiled functions are not reused).

    python bench/tuner_memory.py --backend jax [--trials 30] [--out bench/results/tuner_memory_jax.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backend", default="jax")
    ap.add_argument("--trials", type=int, default=30)
    ap.add_argument("--out")
    args = ap.parse_args()
    os.environ["DLX_BACKEND"] = args.backend

    from sklearn.datasets import load_digits

    import dlx
    import dlx_tuner

    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype("float32")

    def build(hp):
        model = dlx.Sequential([dlx.Input((64,)),
                                dlx.layers.Dense(hp.Int("units", 16, 512, step=16), activation="relu"),
                                dlx.layers.Dense(10, activation="softmax")])
        model.compile(dlx.optimizers.Adam(hp.Float("lr", 1e-4, 1e-2, sampling="log")),
                      "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    rss = []

    class Measured(dlx_tuner.RandomSearch):
        def _run_one(self, *a, **k):  # after the trial's cleanup (clear_session + gc)
            ok = super()._run_one(*a, **k)
            rss.append(_rss_mb())
            return ok

    t0 = time.time()
    with tempfile.TemporaryDirectory() as d:
        tuner = Measured(build, objective="val_accuracy", max_trials=args.trials, seed=0, directory=d,
                         project_name="mem")
        tuner.search(x[:1200], y[:1200], epochs=2, batch_size=64, validation_data=(x[1200:], y[1200:]), verbose=0)
    marks = [k for k in (1, 5, 10, 20, 30) if k <= len(rss)]
    summary = {"backend": args.backend, "trials": len(rss), "seconds": time.time() - t0, "rss_mb": rss,
               "growth_mb_trial1_to_last": rss[-1] - rss[0],
               "growth_mb_trial10_to_last": rss[-1] - rss[9] if len(rss) >= 10 else None}
    print(f"{args.backend}: RSS after trial " + ", ".join(f"{k}: {rss[k - 1]:.0f} MB" for k in marks)
          + f" ({summary['seconds']:.0f} s)")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
