"""200 corrupted, truncated or wrong-format files: loading each one either succeeds (a flip in
bytes nothing checks) or raises one of dlx's own errors naming the file -- never a raw h5py,
zipfile or json exception."""

from __future__ import annotations

import io
import json
import zipfile

import h5py
import numpy as np
import pytest

import dlx
from dlx import layers as L
from dlx.saving import FileFormatError, SerializationError

from .conftest import write_keras2_h5

N_VARIANTS = 200


def _model():
    m = dlx.Sequential([dlx.Input((4,)), L.Dense(3, activation="relu"), L.BatchNormalization(), L.Dense(2)])
    m.compile(optimizer="adam", loss="mse")
    m.optimizer.build(m.trainable_variables)
    return m


@pytest.fixture(scope="module")
def bases(tmp_path_factory):
    """The valid files the variants are made from (bytes)."""
    folder = tmp_path_factory.mktemp("fuzz_bases")
    with dlx.backend.use("numpy"):
        m = _model()
        m.save(folder / "m.keras")
        m.save_weights(folder / "w.weights.h5")
        other = dlx.Sequential([dlx.Input((5,)), L.Dense(3), L.BatchNormalization(), L.Dense(2)])
        other.save_weights(folder / "other.weights.h5")
    rng = np.random.default_rng(0)
    weights = [(rng.standard_normal((4, 3)).astype("float32"), rng.standard_normal(3).astype("float32")),
               (rng.standard_normal((3, 2)).astype("float32"), rng.standard_normal(2).astype("float32"))]
    write_keras2_h5(folder / "legacy.h5", weights)
    with zipfile.ZipFile(folder / "m.keras") as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    return {"keras": (folder / "m.keras").read_bytes(), "weights": (folder / "w.weights.h5").read_bytes(),
            "other_weights": (folder / "other.weights.h5").read_bytes(), "legacy": (folder / "legacy.h5").read_bytes(),
            "members": members}


def _zip(members: dict, compression=zipfile.ZIP_STORED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _h5(build) -> bytes:
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        build(f)
    return buf.getvalue()


def _config_variant(members, mutate) -> bytes:
    config = json.loads(members["config.json"])
    mutate(config)
    return _zip({**members, "config.json": json.dumps(config)})


def _set(path, value):
    def mutate(config):
        node = config
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def _weights_h5(spec: dict) -> bytes:
    """An HDF5 file with the datasets / groups in ``spec`` (path -> array or None for a group)."""
    def build(f):
        for path, value in spec.items():
            if value is None:
                f.require_group(path)
            else:
                f.create_dataset(path, data=value)
    return _h5(build)


def _structure_variants():
    z = np.zeros
    good_dense = {"layers/dense/vars/0": z((4, 3), "f4"), "layers/dense/vars/1": z(3, "f4")}
    bn = {f"layers/batch_normalization/vars/{i}": np.ones(3, "f4") for i in range(4)}
    d1 = {"layers/dense_1/vars/0": z((3, 2), "f4"), "layers/dense_1/vars/1": z(2, "f4")}
    return [
        ("h5_no_layers", _weights_h5({"something/else": z(3)})),
        ("h5_empty", _h5(lambda f: None)),
        ("h5_vars_are_groups", _weights_h5({"layers/dense/vars/0": None, "layers/dense/vars/1": None, **bn, **d1})),
        ("h5_missing_layer", _weights_h5({**good_dense, **d1})),
        ("h5_wrong_shape", _weights_h5({**good_dense, **bn, "layers/dense_1/vars/0": z((2, 3), "f4"),
                                        "layers/dense_1/vars/1": z(2, "f4")})),
        ("h5_scalar_kernel", _weights_h5({"layers/dense/vars/0": np.float32(1), "layers/dense/vars/1": z(3, "f4"),
                                          **bn, **d1})),
        ("h5_too_many_vars", _weights_h5({**good_dense, "layers/dense/vars/2": z(3, "f4"), **bn, **d1})),
        ("h5_string_values", _weights_h5({"layers/dense/vars/0": np.array([b"abc"] * 12).reshape(4, 3),
                                          "layers/dense/vars/1": z(3, "f4"), **bn, **d1})),
        ("h5_compound_dtype", _weights_h5({"layers/dense/vars/0": np.zeros((4, 3), [("a", "f4"), ("b", "i4")]),
                                           "layers/dense/vars/1": z(3, "f4"), **bn, **d1})),
        ("h5_named_keys", _weights_h5({"layers/dense/vars/kernel": z((4, 3), "f4"),
                                       "layers/dense/vars/bias": z(3, "f4"), **bn, **d1})),
        ("h5_vars_dataset", _weights_h5({"layers/dense/vars": z(3, "f4"), **bn, **d1})),
        ("h5_bool_values", _weights_h5({"layers/dense/vars/0": np.ones((4, 3), bool), "layers/dense/vars/1":
                                        z(3, "f4"), **bn, **d1})),
    ]


def variants(b) -> list[tuple[str, str, str, bytes]]:
    """``(id, file name, loader, content)``; loader is ``"model"`` or ``"weights"``."""
    rng = np.random.default_rng(1234)
    members = b["members"]
    out = []
    # wrong archive members and configs
    out += [
        ("zip_no_config", "m.keras", "model", _zip({k: v for k, v in members.items() if k != "config.json"})),
        ("zip_no_weights", "m.keras", "model", _zip({k: v for k, v in members.items() if k != "model.weights.h5"})),
        ("zip_config_not_json", "m.keras", "model", _zip({**members, "config.json": b"{not json"})),
        ("zip_config_binary", "m.keras", "model", _zip({**members, "config.json": bytes(range(256))})),
        ("zip_config_list", "m.keras", "model", _zip({**members, "config.json": b"[1, 2, 3]"})),
        ("zip_config_unknown_class", "m.keras", "model",
         _zip({**members, "config.json": json.dumps({"class_name": "Nope", "config": {}}).encode()})),
        ("zip_config_not_a_model", "m.keras", "model", _zip({**members, "config.json": json.dumps(
            {"module": "keras.initializers", "class_name": "Zeros", "config": {}}).encode()})),
        ("zip_metadata_not_json", "m.keras", "model", _zip({**members, "metadata.json": b"\xff\xfe"})),
        ("zip_weights_random", "m.keras", "model", _zip({**members, "model.weights.h5": rng.bytes(3000)})),
        ("zip_weights_empty", "m.keras", "model", _zip({**members, "model.weights.h5": b""})),
        ("zip_weights_legacy", "m.keras", "model", _zip({**members, "model.weights.h5": b["legacy"]})),
        ("zip_weights_other_model", "m.keras", "model", _zip({**members, "model.weights.h5": b["other_weights"]})),
        ("zip_weights_npz", "m.keras", "model", _zip({"config.json": members["config.json"],
                                                      "model.weights.npz": b"PK"})),
        ("zip_deflated_members", "m.keras", "model", _zip(members, zipfile.ZIP_DEFLATED)),
        ("zip_lambda_in_safe_mode", "m.keras", "model", _config_variant(members, _set(
            ["config", "layers", 1, "config", "activation"],
            {"class_name": "__lambda__", "config": {"value": "AAAA"}}))),
        ("zip_units_string", "m.keras", "model", _config_variant(members, _set(
            ["config", "layers", 1, "config", "units"], "three"))),
        ("zip_units_negative", "m.keras", "model", _config_variant(members, _set(
            ["config", "layers", 1, "config", "units"], -3))),
        ("zip_huge_input_shape", "m.keras", "model", _config_variant(members, _set(
            ["config", "layers", 0, "config", "batch_shape"], [None, 10 ** 12]))),
        ("zip_layers_not_list", "m.keras", "model", _config_variant(members, _set(["config", "layers"], 7))),
        ("zip_bad_activation", "m.keras", "model", _config_variant(members, _set(
            ["config", "layers", 1, "config", "activation"], "no_such_activation"))),
        ("zip_bad_optimizer", "m.keras", "model", _config_variant(members, _set(
            ["compile_config", "optimizer"], {"class_name": "Nope", "config": {}}))),
        ("zip_bad_loss", "m.keras", "model", _config_variant(members, _set(["compile_config", "loss"], 42))),
        ("zip_module_outside_dlx", "m.keras", "model", _config_variant(members, _set(
            ["config", "layers", 1, "config", "activation"],
            {"module": "os", "class_name": "function", "config": "system", "registered_name": "function"}))),
        ("zip_of_random_files", "m.keras", "model", _zip({"a.txt": b"hello", "b.bin": rng.bytes(100)})),
    ]
    # not an archive at all
    out += [
        ("empty_keras", "m.keras", "model", b""),
        ("empty_weights", "w.weights.h5", "weights", b""),
        ("text_as_keras", "m.keras", "model", b"this is not a model\n" * 10),
        ("json_as_keras", "m.keras", "model", members["config.json"]),
        ("png_as_keras", "m.keras", "model", b"\x89PNG\r\n\x1a\n" + rng.bytes(200)),
        ("random_as_keras", "m.keras", "model", rng.bytes(5000)),
        ("random_as_weights", "w.weights.h5", "weights", rng.bytes(5000)),
        ("zip_as_weights", "w.weights.h5", "weights", b["keras"]),
        ("legacy_as_weights", "w.weights.h5", "weights", b["legacy"]),
        ("other_model_weights", "w.weights.h5", "weights", b["other_weights"]),
        ("weights_as_model", "m.keras", "model", b["weights"]),
        ("weights_h5_as_model", "w.weights.h5", "model", b["weights"]),
    ]
    out += [(name, "w.weights.h5", "weights", data) for name, data in _structure_variants()]
    # sharded indexes
    out += [
        ("index_not_json", "s.weights.json", "weights", b"{{{"),
        ("index_no_weight_map", "s.weights.json", "weights", b'{"metadata": {}}'),
        ("index_missing_shard", "s.weights.json", "weights",
         json.dumps({"weight_map": {"/layers/dense/vars": ["s_00007.weights.h5"]}}).encode()),
        ("index_bad_values", "s.weights.json", "weights", json.dumps({"weight_map": {"/vars": 3}}).encode()),
        ("index_path_escape", "s.weights.json", "weights",
         json.dumps({"weight_map": {"/vars": ["../../etc/passwd"]}}).encode()),
        ("index_is_list", "s.weights.json", "weights", b"[]"),
    ]
    # truncations and flipped bytes of each valid file
    sources = [("keras", "m.keras", "model"), ("weights", "w.weights.h5", "weights"), ("legacy", "l.h5", "model")]
    for key, fname, loader in sources:
        data = b[key]
        for i, cut in enumerate(sorted(rng.choice(np.arange(1, len(data)), size=14, replace=False))):
            out.append((f"truncated_{key}_{i}", fname, loader, data[:cut]))
    i = 0
    while len(out) < N_VARIANTS:
        key, fname, loader = sources[i % len(sources)]
        data = bytearray(b[key])
        for pos in rng.choice(len(data), size=int(rng.integers(1, 17)), replace=False):
            data[pos] ^= int(rng.integers(1, 256))
        out.append((f"flipped_{key}_{i}", fname, loader, bytes(data)))
        i += 1
    return out


def test_fuzzed_files_raise_only_dlx_errors(tmp_path, bases):
    cases = variants(bases)
    assert len(cases) == N_VARIANTS
    failures, errors, loaded = [], 0, 0
    with dlx.backend.use("numpy"):
        for i, (name, fname, loader, data) in enumerate(cases):
            folder = tmp_path / f"{i:03d}_{name}"
            folder.mkdir()
            path = folder / fname
            path.write_bytes(data)
            try:
                if loader == "model":
                    dlx.models.load_model(path)
                else:
                    target = dlx.Sequential([dlx.Input((4,)), L.Dense(3, activation="relu"), L.BatchNormalization(),
                                             L.Dense(2)])
                    target.load_weights(path)
                loaded += 1
            except (FileFormatError, SerializationError) as e:
                errors += 1
                if fname not in str(e):
                    failures.append(f"{name}: the error does not name the file: {e}")
            except Exception as e:  # anything else is a bug
                failures.append(f"{name}: raw {type(e).__module__}.{type(e).__name__}: {e}")
    assert not failures, "\n".join(failures)
    assert errors >= 150, (errors, loaded)
