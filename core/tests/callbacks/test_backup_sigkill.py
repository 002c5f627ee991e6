"""BackupAndRestore survives a real SIGKILL mid-epoch: the resumed fit ends with the same weights
as an uninterrupted one (run in subprocesses, on the NumPy backend)."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np

SCRIPT = textwrap.dedent('''
    import os, signal, sys
    import numpy as np
    import dlx

    backup, out, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rng = np.random.default_rng(0)
    x = rng.standard_normal((96, 6)).astype("float32")
    y = (x[:, :2].sum(1) > 0).astype("int32")
    dlx.utils.set_random_seed(1)  # initial weights and the shuffling seed
    model = dlx.Sequential([dlx.Input((6,)), dlx.layers.Dense(8, activation="relu"), dlx.layers.Dense(2)])
    model.compile(optimizer=dlx.optimizers.Adam(0.05),
                  loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True))
    callbacks = [dlx.callbacks.BackupAndRestore(backup, save_freq=2)]
    if kill_at:
        def die(batch, logs):
            if int(model.optimizer.iterations.numpy()) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)  # no cleanup, no exception handlers
        callbacks.append(dlx.callbacks.LambdaCallback(on_train_batch_end=die))
    model.fit(x, y, batch_size=16, epochs=3, shuffle=True, verbose=0, callbacks=callbacks)
    np.savez(out, *model.get_weights(), iterations=int(model.optimizer.iterations.numpy()))
''')


def run(tmp_path, name, kill_at=0):
    script = tmp_path / "fit.py"
    script.write_text(SCRIPT)
    env = {**os.environ, "DLX_BACKEND": "numpy", "PYTHONWARNINGS": "ignore"}
    return subprocess.run([sys.executable, str(script), str(tmp_path / "backup"), str(tmp_path / name), str(kill_at)],
                          capture_output=True, text=True, env=env, timeout=600)


def test_sigkill_mid_epoch_resumes_to_the_same_weights(tmp_path):
    clean = run(tmp_path, "clean.npz")
    assert clean.returncode == 0, clean.stderr
    killed = run(tmp_path, "never.npz", kill_at=9)  # epoch 2 of 3 (6 steps per epoch)
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "never.npz").exists()
    resumed = run(tmp_path, "resumed.npz")
    assert resumed.returncode == 0, resumed.stderr
    a, b = np.load(tmp_path / "clean.npz"), np.load(tmp_path / "resumed.npz")
    assert int(a["iterations"]) == int(b["iterations"]) == 18
    for key in a.files:
        np.testing.assert_array_equal(a[key], b[key])
