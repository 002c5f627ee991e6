"""Saves never damage an existing file: a save killed mid-write (SIGKILL) or failing with an
exception leaves the previous file loadable, and no temporary file is left by a failed save."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import dlx
from dlx import layers as L

from .conftest import outputs

# The child builds a model of ~16 MB, starts saving it, and stops in the middle of writing the
# weights (the temporary file is open and partly written) until it is killed.
CHILD = textwrap.dedent("""
    import sys, time, zipfile
    import dlx
    from dlx import layers as L
    from dlx.saving import _h5

    kind, path = sys.argv[1], sys.argv[2]
    with dlx.backend.use("numpy"):
        m = dlx.Sequential([dlx.Input((1000,)), L.Dense(2000), L.Dense(1000)])

    def stall():
        print("WRITING", flush=True)
        time.sleep(120)

    if kind == "keras":
        original = zipfile.ZipFile.writestr

        def stalled(self, name, data, *args, **kwargs):
            if name != "model.weights.h5":
                return original(self, name, data, *args, **kwargs)
            with self.open(name, "w") as member:
                member.write(data[: len(data) // 2])
                self.fp.flush()
                stall()

        zipfile.ZipFile.writestr = stalled
        m.save(path)
    else:
        original = _h5.write_entries

        def stalled(h5file, entries):
            original(h5file, entries[: len(entries) // 2])
            h5file.flush()
            stall()

        _h5.write_entries = stalled
        m.save_weights(path)
""")


def _old_model():
    with dlx.backend.use("numpy"):
        dlx.utils.set_random_seed(0)
        m = dlx.Sequential([dlx.Input((4,)), L.Dense(3), L.Dense(2)])
        m.compile(optimizer="adam", loss="mse")
        m.optimizer.build(m.trainable_variables)
    return m


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
@pytest.mark.parametrize("kind", ["keras", "weights"])
def test_killed_save_leaves_old_file_intact(tmp_path, kind):
    path = tmp_path / ("m.keras" if kind == "keras" else "m.weights.h5")
    old = _old_model()
    x = np.ones((2, 4), "float32")
    with dlx.backend.use("numpy"):
        (old.save if kind == "keras" else old.save_weights)(path)
        expected = outputs(old(x))[0]
    before = path.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "DLX_BACKEND": "numpy"})
    try:
        line = proc.stdout.readline()
        assert line.strip() == "WRITING", proc.stderr.read()[-3000:]
        temps = [p for p in tmp_path.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
        assert temps and temps[0].stat().st_size > 0  # the new file is being written next to the old one
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    with dlx.backend.use("numpy"):
        if kind == "keras":
            loaded = dlx.models.load_model(path)
        else:
            loaded = dlx.Sequential([dlx.Input((4,)), L.Dense(3), L.Dense(2)])
            loaded.load_weights(path)
        np.testing.assert_array_equal(outputs(loaded(x))[0], expected)


def test_failed_save_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    path = tmp_path / "m.keras"
    old = _old_model()
    with dlx.backend.use("numpy"):
        old.save(path)
    before = path.read_bytes()

    class Boom(RuntimeError):
        pass

    def explode(*args, **kwargs):
        raise Boom("disk full")

    import zipfile

    monkeypatch.setattr(zipfile.ZipFile, "writestr", explode)
    with pytest.raises(Boom), dlx.backend.use("numpy"):
        old.save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]
    # an unserializable layer fails before anything is written
    bad = dlx.Sequential([dlx.Input((4,)), L.Lambda(lambda x: x, output_shape=lambda s: s)])
    bad.layers[0].function = object()
    with pytest.raises(dlx.saving.SerializationError), dlx.backend.use("numpy"):
        bad.save(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]


def test_interrupted_sharded_save_is_detected(tmp_path):
    """Shards keep Keras's fixed names, so a sharded save killed between two shard renames
    leaves shards of two saves; loading says so instead of mixing weights silently."""
    with dlx.backend.use("numpy"):
        m = dlx.Sequential([dlx.Input((100,)), L.Dense(300), L.Dense(300)])
        m.save_weights(tmp_path / "s.weights.h5", max_shard_size=0.0004)
        stale = (tmp_path / "s_00000.weights.h5").read_bytes()
        m.save_weights(tmp_path / "s.weights.h5", max_shard_size=0.0004)
        (tmp_path / "s_00000.weights.h5").write_bytes(stale)
        with pytest.raises(dlx.saving.FileFormatError, match="interrupted"):
            m.load_weights(tmp_path / "s.weights.json")
