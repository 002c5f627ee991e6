"""A search worker for the multi-process tests: ``python _worker.py URL PROJECT MAX_TRIALS DIR``.

Runs a RandomSearch on a tiny MLP (NumPy backend, 300 generated samples, 1 epoch). With ``HANG_AT=k`` and
``HANG_FILE=path`` it writes ``path`` when its k-th trial (0-based) starts training, then hangs
there, so the test can SIGKILL it mid-trial. With ``BARRIER=dir:n`` it writes a file in ``dir`` and
waits until ``n`` workers have, then gives every fit ``FIT_PAUSE`` seconds more: workers that start
at once then share the trials, however unevenly the machine schedules their start-up.
"""

import os
import sys
import time

os.environ.setdefault("DLX_BACKEND", "numpy")

import numpy as np

import dlx
import dlx_tuner as kt

url, project, max_trials, directory = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
policy = os.environ.get("ON_STALE", "retry")
rng = np.random.default_rng(0)  # 4 classes, linearly separable up to noise
x = rng.standard_normal((400, 16)).astype("float32")
y = np.argmax(x @ rng.standard_normal((16, 4)) + 0.3 * rng.standard_normal((400, 4)), axis=1)
fits = 0


class Model(kt.HyperModel):
    def build(self, hp):
        model = dlx.Sequential([dlx.Input((16,)),
                                dlx.layers.Dense(hp.Int("units", 4, 32, step=4), activation="relu"),
                                dlx.layers.Dense(4, activation="softmax")])
        model.compile(dlx.optimizers.Adam(hp.Float("lr", 1e-3, 1e-1, sampling="log")),
                      "sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    def fit(self, hp, model, *args, **kwargs):
        global fits
        if os.environ.get("HANG_AT") is not None and fits == int(os.environ["HANG_AT"]):
            with open(os.environ["HANG_FILE"], "w") as f:
                f.write(str(hp.values))
            time.sleep(600)
        fits += 1
        time.sleep(float(os.environ.get("FIT_PAUSE", 0)))
        return model.fit(*args, **kwargs)


if os.environ.get("BARRIER"):
    barrier, count = os.environ["BARRIER"].rsplit(":", 1)
    open(os.path.join(barrier, str(os.getpid())), "w").close()
    deadline = time.time() + 120
    while len(os.listdir(barrier)) < int(count):
        if time.time() > deadline:
            sys.exit(f"only {len(os.listdir(barrier))} of {count} workers reached the barrier")
        time.sleep(0.02)


tuner = kt.RandomSearch(Model(), objective="val_accuracy", max_trials=max_trials, directory=directory,
                        project_name=project, storage=url, stale_timeout=3.0, on_stale_trial=policy)
tuner.search(x[:300], y[:300], epochs=1, batch_size=64, validation_data=(x[300:], y[300:]), verbose=0)
print("WORKER-DONE", os.getpid(), flush=True)
