"""Callbacks driven by real fits of a minimal model (saving through the model's
save_weights/load_weights, which the tiny test model implements with NumPy)."""

from __future__ import annotations

import csv
import http.server
import io
import json
import os
import re
import struct
import threading
import urllib.parse

import numpy as np
import pytest
from tiny_model import TinyMLP, blobs

import dlx
from dlx import callbacks as C


@pytest.fixture(autouse=True)
def _numpy_backend():
    with dlx.backend.use("numpy"):
        yield


def model(lr=0.05, **kw):
    m = TinyMLP(6, 8, 3, **kw)
    m.compile(optimizer=dlx.optimizers.SGD(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


X, Y = blobs(96)


def test_every_hook_is_called_in_order():
    calls = []

    class Recorder(C.Callback):
        pass

    for hook in ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
                 "on_train_batch_end", "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
                 "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end"):
        setattr(Recorder, hook, (lambda h: lambda self, *a: calls.append(h))(hook))
    m = model()
    m.fit(X, Y, batch_size=48, epochs=1, validation_data=(X[:10], Y[:10]), callbacks=[Recorder()], verbose=0)
    assert calls == ["on_train_begin", "on_epoch_begin", "on_train_batch_begin", "on_train_batch_end",
                     "on_train_batch_begin", "on_train_batch_end", "on_test_begin", "on_test_batch_begin",
                     "on_test_batch_end", "on_test_end", "on_epoch_end", "on_train_end"]
    calls.clear()
    m.predict(X, batch_size=96, callbacks=[Recorder()], verbose=0)
    assert calls == ["on_predict_begin", "on_predict_batch_begin", "on_predict_batch_end", "on_predict_end"]
    calls.clear()
    m.evaluate(X, Y, batch_size=96, callbacks=[Recorder()], verbose=0)
    assert calls == ["on_test_begin", "on_test_batch_begin", "on_test_batch_end", "on_test_end"]


def test_batch_callbacks_see_current_weights():
    seen = []
    m = model()
    cb = C.LambdaCallback(on_train_batch_end=lambda b, logs: seen.append(m.w1.numpy().copy()))
    m.fit(X, Y, batch_size=32, epochs=1, callbacks=[cb], verbose=0, shuffle=False)
    assert len(seen) == 3 and not np.allclose(seen[0], seen[1])
    np.testing.assert_array_equal(seen[-1], m.w1.numpy())



def test_batch_hooks_write_the_weights_only_when_they_read_the_model(monkeypatch):
    """As Keras on JAX: a batch hook that reads ``self.model`` sees the weights after that batch
    (written on the read, once per hook); one that never reads it costs no write (a closure over
    the model then sees the weights the epoch started from)."""
    m = model()
    pushes = []
    push = type(m)._push_state
    monkeypatch.setattr(type(m), "_push_state", lambda self, state: (pushes.append(1), push(self, state))[1])

    class Reads(C.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_train_batch_end(self, batch, logs=None):
            self.seen.append((self.model.w1.numpy().copy(), self.model.w2.numpy().copy()))

    class Ignores(Reads):
        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(m.w1.numpy().copy())

    m.fit(X, Y, batch_size=32, epochs=1, verbose=0, shuffle=False)
    baseline, start = len(pushes), m.w1.numpy().copy()
    pushes.clear()
    ignores = Ignores()
    m.fit(X, Y, batch_size=32, epochs=1, callbacks=[ignores], verbose=0, shuffle=False)
    assert len(pushes) == baseline and len(ignores.seen) == 3
    for w in ignores.seen:
        np.testing.assert_array_equal(w, start)
    pushes.clear()
    reads = Reads()
    m.fit(X, Y, batch_size=32, epochs=1, callbacks=[reads], verbose=0, shuffle=False)
    assert len(pushes) == baseline + 3  # one write per hook, though it read the model twice
    assert not np.allclose(reads.seen[0][0], reads.seen[1][0])
    np.testing.assert_array_equal(reads.seen[-1][0], m.w1.numpy())


def test_history_and_progbar_non_terminal_output(capsys):
    m = model()
    h = m.fit(X, Y, batch_size=32, epochs=2, verbose=1)
    out = capsys.readouterr().out
    assert out.count("Epoch 1/2") == 1 and out.count("3/3") == 2 and "loss:" in out
    assert re.search(r"\d(us|ms|s)/step", out)  # the per-step time, in whatever unit fits
    assert h is m.history and h.epoch == [0, 1] and len(h.history["accuracy"]) == 2


def test_progbar_on_a_terminal_redraws_with_eta():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    s = Tty()
    bar = C.Progbar(10, stream=s, interval=0.0)
    for i in range(1, 11):
        bar.update(i, {"loss": 1.0 / i})
    text = s.getvalue()
    assert text.count("\r") == 10 and "ETA" in text and "[====" in text and text.endswith("\n")
    assert "loss: 0.1000" in text


def test_early_stopping_restores_best_weights():
    m = model()
    best = {}
    val = iter([1.0, 0.5, 0.7, 0.8, 0.9, 0.95])

    class FakeVal(C.Callback):
        def on_epoch_end(self, epoch, logs=None):
            logs["val_loss"] = next(val)
            if logs["val_loss"] == 0.5:
                best["w"] = self.model.get_weights()

    es = C.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    h = m.fit(X, Y, epochs=10, callbacks=[FakeVal(), es], verbose=0)
    assert len(h.epoch) == 4 and es.stopped_epoch == 3 and es.best == 0.5
    for a, b in zip(m.get_weights(), best["w"]):
        np.testing.assert_array_equal(a, b)


def test_model_checkpoint_best_only_and_per_batch(tmp_path):
    m = model()
    path = str(tmp_path / "w-{epoch:02d}.weights.h5")
    m.fit(X, Y, epochs=3, callbacks=[C.ModelCheckpoint(path, monitor="loss", save_weights_only=True)], verbose=0)
    assert sorted(os.listdir(tmp_path)) == ["w-01.weights.h5", "w-02.weights.h5", "w-03.weights.h5"]
    best = tmp_path / "best.weights.h5"
    ck = C.ModelCheckpoint(str(best), monitor="loss", save_best_only=True, save_weights_only=True, mode="min")
    m.fit(X, Y, epochs=2, callbacks=[ck], verbose=0)
    assert best.exists() and ck.best is not None
    m2 = model()
    m2.load_weights(str(best))
    batch_dir = tmp_path / "b"
    ckb = C.ModelCheckpoint(str(batch_dir / "e{epoch}-b{batch}.weights.h5"), save_weights_only=True, save_freq=2)
    m.fit(X, Y, batch_size=16, epochs=1, callbacks=[ckb], verbose=0)
    assert sorted(os.listdir(batch_dir)) == ["e1-b2.weights.h5", "e1-b4.weights.h5", "e1-b6.weights.h5"]
    with pytest.raises(ValueError, match=r"must end in '\.weights\.h5'"):
        C.ModelCheckpoint("x.h5", save_weights_only=True)


def test_reduce_lr_on_plateau_and_scheduler():
    m = model(lr=0.1)
    rl = C.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=10.0, min_lr=0.02)
    h = m.fit(X, Y, epochs=4, callbacks=[rl], verbose=0)
    np.testing.assert_allclose(h.history["learning_rate"], [0.1, 0.1, 0.05, 0.025], rtol=1e-6)
    np.testing.assert_allclose(float(m.optimizer.learning_rate), 0.02, rtol=1e-6)
    m = model(lr=0.1)
    sched = C.LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch else lr)
    h = m.fit(X, Y, epochs=3, callbacks=[sched], verbose=0)
    np.testing.assert_allclose(h.history["learning_rate"], [0.1, 0.05, 0.025], rtol=1e-6)


def test_csv_logger(tmp_path):
    f = tmp_path / "log.csv"
    m = model()
    m.fit(X, Y, epochs=2, callbacks=[C.CSVLogger(str(f))], verbose=0)
    m.fit(X, Y, epochs=1, callbacks=[C.CSVLogger(str(f), append=True)], verbose=0)
    rows = list(csv.DictReader(io.StringIO(f.read_text())))
    assert [r["epoch"] for r in rows] == ["0", "1", "0"] and set(rows[0]) == {"epoch", "accuracy", "loss"}
    assert float(rows[1]["loss"]) > 0


def test_terminate_on_nan(capsys):
    x = X.copy()
    x[40:] = np.nan
    m = model()
    m.fit(x, Y, batch_size=16, epochs=3, callbacks=[C.TerminateOnNaN()], verbose=0, shuffle=False)
    assert int(m.optimizer.iterations.numpy()) == 3
    assert "Invalid loss" in capsys.readouterr().out  # Keras's wording


def test_lambda_callback_validation():
    with pytest.raises(TypeError, match="unknown hook 'on_epoch_middle'"):
        C.LambdaCallback(on_epoch_middle=print)


class _Killed(Exception):
    pass


@pytest.mark.parametrize("save_freq", ["epoch", 2])
def test_backup_and_restore_resumes_to_the_same_result(tmp_path, save_freq):
    def run(kill_at=None):
        m = model(lr=0.05)
        cbs = [C.BackupAndRestore(str(tmp_path / "bk"), save_freq=save_freq)]
        if kill_at is not None:
            count = {"n": 0}

            def kill(batch, logs):
                count["n"] += 1
                if count["n"] == kill_at:
                    raise _Killed

            cbs.append(C.LambdaCallback(on_train_batch_end=kill))
        np.random.seed(123)
        m.fit(X, Y, batch_size=16, epochs=3, callbacks=cbs, verbose=0, shuffle=True)
        return m

    want = run().get_weights()
    assert not (tmp_path / "bk").exists()  # deleted after a finished fit
    with pytest.raises(_Killed):
        run(kill_at=9)  # in epoch 2
    assert (tmp_path / "bk" / "latest").exists()
    resumed = run()
    for a, b in zip(resumed.get_weights()[:4], want[:4]):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert int(resumed.optimizer.iterations.numpy()) == 18


def read_records(path):
    from dlx.callbacks.event_file import masked_crc32c

    with open(path, "rb") as fh:
        data = fh.read()
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack("<Q", data[i:i + 8])
        assert struct.unpack("<I", data[i + 8:i + 12])[0] == masked_crc32c(data[i:i + 8])
        rec = data[i + 12:i + 12 + n]
        assert struct.unpack("<I", data[i + 12 + n:i + 16 + n])[0] == masked_crc32c(rec)
        out.append(rec)
        i += 16 + n
    return out


def test_crc32c_known_vector():
    from dlx.callbacks.event_file import crc32c

    assert crc32c(b"123456789") == 0xE3069283


def _event_parser():
    """The official ``Event`` protobuf class (tensorboard's copy, else TensorFlow's)."""
    try:
        from tensorboard.compat.proto import event_pb2
    except ImportError:
        event_pb2 = pytest.importorskip("tensorflow.core.util.event_pb2")
    return event_pb2.Event.FromString


def test_tensorboard_event_files_are_readable(tmp_path):
    parse = _event_parser()
    m = model()
    tb = C.TensorBoard(str(tmp_path), histogram_freq=1, update_freq=2)
    m.fit(X, Y, batch_size=16, epochs=2, validation_data=(X, Y), callbacks=[tb], verbose=0)
    (train_file,) = os.listdir(tmp_path / "train")
    events = [parse(r) for r in read_records(tmp_path / "train" / train_file)]
    assert events[0].file_version == "brain.Event:2"
    scalars = {(v.tag, e.step): v.simple_value for e in events for v in e.summary.value if v.HasField("simple_value")}
    assert ("epoch_loss", 0) in scalars and ("epoch_loss", 1) in scalars and ("batch_loss", 2) in scalars
    np.testing.assert_allclose(scalars[("epoch_loss", 1)], m.history.history["loss"][1], rtol=1e-6)
    hists = [(v.tag, v.histo) for e in events for v in e.summary.value if v.HasField("histo")]
    w1 = [h for tag, h in hists if tag == "w1"][-1]
    assert w1.num == 48 and sum(w1.bucket) == 48
    np.testing.assert_allclose(w1.max, m.w1.numpy().max(), rtol=1e-6)
    (val_file,) = os.listdir(tmp_path / "validation")
    vevents = [parse(r) for r in read_records(tmp_path / "validation" / val_file)]
    assert any(v.tag == "epoch_accuracy" for e in vevents for v in e.summary.value)
    tf = pytest.importorskip("tensorflow")
    read_back = list(tf.compat.v1.train.summary_iterator(str(tmp_path / "train" / train_file)))  # TF's reader
    assert len(read_back) == len(events)


def test_remote_monitor_posts_to_a_loopback_server():
    received = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, self.headers["Content-Type"], body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *a):
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    try:
        root = f"http://127.0.0.1:{srv.server_address[1]}"
        m = model()
        m.fit(X, Y, epochs=2, callbacks=[C.RemoteMonitor(root=root)], verbose=0)
        m.fit(X, Y, epochs=1, callbacks=[C.RemoteMonitor(root=root, path="/j", send_as_json=True)], verbose=0)
    finally:
        srv.shutdown()
        srv.server_close()
    assert [r[0] for r in received] == ["/publish/epoch/end/"] * 2 + ["/j"]
    form = urllib.parse.parse_qs(received[1][2].decode())
    data = json.loads(form["data"][0])
    assert data["epoch"] == 1 and set(data) == {"epoch", "loss", "accuracy"}
    assert received[2][1] == "application/json" and json.loads(received[2][2])["epoch"] == 0


def test_batch_level_saving_counts_batches_with_steps_per_execution(tmp_path):
    m = TinyMLP(6, 8, 3)
    m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", steps_per_execution=2)
    ck = C.ModelCheckpoint(str(tmp_path / "b{batch}.weights.h5"), save_weights_only=True, save_freq=4)
    m.fit(X, Y, batch_size=8, epochs=1, callbacks=[ck], verbose=0)  # 12 batches in groups of 2
    assert sorted(os.listdir(tmp_path)) == ["b12.weights.h5", "b4.weights.h5", "b8.weights.h5"]


def test_stop_training_mid_epoch_ends_the_prefetch_thread():
    if "jax" not in dlx.backend.records():
        pytest.skip("needs a compiling backend (prefetching runs only for compiled steps)")

    class Stop(C.Callback):
        requires_model_state = False

        def on_train_batch_end(self, batch, logs=None):
            self.model.stop_training = True

    # a generator is prefetched on a thread (jax slices in-memory arrays on the step's thread)
    batches = ((X[i:i + 8], Y[i:i + 8]) for i in range(0, len(X), 8))
    with dlx.backend.use("jax"):
        m = model()
        before = threading.active_count()
        m.fit(batches, epochs=3, callbacks=[Stop()], verbose=0)
        assert m._compiled_steps and int(m.optimizer.iterations.numpy()) == 1
    import time

    time.sleep(0.3)
    assert not [t for t in threading.enumerate() if t.name == "dlx-prefetch"]
    assert threading.active_count() <= before


def test_prefetch_threads_finish_their_batch_before_the_interpreter_exits(tmp_path):
    # a producer abandoned mid-conversion is stopped and joined by an exit handler (a daemon thread
    # resumed by the interpreter's finalization inside a torch call aborts the process)
    import subprocess
    import sys
    import textwrap

    out = tmp_path / "converted.txt"
    child = textwrap.dedent(f"""
        import time
        from dlx.trainers.epoch_iterator import Prefetcher

        def convert(i):
            time.sleep(0.3)
            with open({str(out)!r}, "a") as f:
                f.write(f"{{i}}\\n")
            return i

        it = iter(Prefetcher(iter(range(100)), convert, size=1))
        next(it)
        time.sleep(0.1)  # the producer is now inside convert(1) or later
    """)
    r = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    done = out.read_text().split()
    assert done[0] == "0" and 2 <= len(done) <= 3, done  # the in-flight batch completed, then it stopped


def test_jax_slices_in_memory_arrays_on_the_step_thread_and_prefetches_generators():
    if "jax" not in dlx.backend.records():
        pytest.skip("needs the jax backend")

    class Threads(C.Callback):
        requires_model_state = False

        def __init__(self):
            super().__init__()
            self.seen = set()

        def on_train_batch_end(self, batch, logs=None):
            self.seen |= {t.name for t in threading.enumerate()}

    with dlx.backend.use("jax"):
        m = model()
        arrays, gen = Threads(), Threads()
        m.fit(X, Y, batch_size=8, epochs=1, callbacks=[arrays], verbose=0)
        m.fit(((X[i:i + 8], Y[i:i + 8]) for i in range(0, 24, 8)), epochs=1, callbacks=[gen], verbose=0)
    assert "dlx-prefetch" not in arrays.seen
    assert "dlx-prefetch" in gen.seen


def test_checkpoint_and_backup_with_a_real_model(tmp_path):
    """The same callbacks on a dlx Sequential, saved through the saving module."""
    if not hasattr(dlx.Model, "save_weights"):
        pytest.skip("the saving module is not available")
    from dlx import layers

    def make():
        dlx.utils.set_random_seed(1)
        m = dlx.Sequential([layers.Input((6,)), layers.Dense(8, activation="relu"), layers.Dense(3)])
        m.compile(optimizer=dlx.optimizers.Adam(0.01),
                  loss=dlx.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
        return m

    def run(kill_at=None):
        m = make()
        cbs = [C.BackupAndRestore(str(tmp_path / "bk"), save_freq=3)]
        if kill_at is not None:
            def kill(batch, logs):
                if m.optimizer.iterations.numpy() == kill_at:
                    raise _Killed
            cbs.append(C.LambdaCallback(on_train_batch_end=kill))
        np.random.seed(5)
        m.fit(X, Y, batch_size=16, epochs=2, callbacks=cbs, verbose=0)
        return m

    want = [w.copy() for w in run().get_weights()]
    with pytest.raises(_Killed):
        run(kill_at=8)
    resumed = run()
    for a, b in zip(resumed.get_weights(), want):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    m = make()
    ck = C.ModelCheckpoint(str(tmp_path / "m.keras"), monitor="loss")
    m.fit(X, Y, epochs=1, callbacks=[ck], verbose=0)
    again = dlx.models.load_model(str(tmp_path / "m.keras"))
    np.testing.assert_allclose(again.predict(X, verbose=0), m.predict(X, verbose=0), rtol=1e-5, atol=1e-6)
