"""Lists Keras 3's public API: every public name of every public ``keras.*`` namespace, with its kind
and call signature, as JSON on stdout.

Run in a subprocess (``python keras_api.py``) so that Keras never loads into the process that tests
dlx. The same :func:`describe` normalises dlx's objects, so both sides are compared in one form.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import types

# namespaces that are Keras internals or the tf.keras compatibility alias, not Keras 3's API
SKIPPED_MODULES = ("keras.src", "keras._tf_keras", "keras.api")
_SIMPLE = (type(None), bool, int, float, str, bytes)


def _default(value):
    """A comparable form of a parameter default: the value itself when it is plain data, else the
    name of its type (two libraries' sentinel objects can never be equal)."""
    if value is inspect.Parameter.empty:
        return "<required>"
    if isinstance(value, _SIMPLE):
        return repr(value)
    if isinstance(value, (tuple, list)) and all(isinstance(v, _SIMPLE) for v in value):
        return repr(tuple(value))
    if isinstance(value, dict) and not value:
        return "{}"
    if callable(value):
        return f"<callable {getattr(value, '__name__', type(value).__name__)}>"
    return f"<{type(value).__name__}>"


def signature(obj):
    """``[[name, kind, default], ...]`` for a callable (a class: its constructor), or None when
    Python cannot read one."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, _default(p.default)] for p in sig.parameters.values()]


def constructor_signature(cls):
    """The parameters a class is called with: its ``__init__``'s (without ``self``). Python's own
    rule reads a ``__new__(cls, *args, **kwargs)`` first, which hides the real ones."""
    init = cls.__init__
    if init is object.__init__:
        return signature(cls)
    sig = signature(init)
    return sig[1:] if sig else sig


def describe(obj):
    """``{"kind": "module" | "class" | "function" | "other", "signature": ... | None}``."""
    if isinstance(obj, types.ModuleType):
        return {"kind": "module", "signature": None}
    if inspect.isclass(obj):
        return {"kind": "class", "signature": constructor_signature(obj)}
    if callable(obj):
        return {"kind": "function", "signature": signature(obj)}
    return {"kind": "other", "signature": None}


def walk(module, prefix, out, seen):
    for name in sorted(dir(module)):
        if name.startswith("_"):
            continue
        obj = getattr(module, name)
        path = f"{prefix}.{name}"
        if isinstance(obj, types.ModuleType):
            mod_name = obj.__name__
            if not mod_name.startswith("keras.") or mod_name.startswith(SKIPPED_MODULES):
                continue  # a re-exported foreign module (e.g. ``numpy``) or Keras internals
            out[path] = describe(obj)
            if mod_name not in seen:
                seen.add(mod_name)
                walk(obj, path, out, seen)
            continue
        out[path] = describe(obj)


def keras_api():
    import keras

    out = {}
    walk(keras, "keras", out, {"keras"})
    return {"version": keras.__version__, "names": out}


def run_keras_api(python=sys.executable):
    """:func:`keras_api` computed in a fresh interpreter (Keras on its NumPy backend)."""
    import subprocess

    env = {**os.environ, "KERAS_BACKEND": "numpy"}
    proc = subprocess.run([python, __file__, "keras"], capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise RuntimeError(f"listing Keras's API failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout)


_MISSING = object()


def resolve(path):
    """The dlx object at Keras's dotted ``path`` (``keras.a.b`` -> ``dlx.a.b``), or ``_MISSING``."""
    import importlib

    obj = importlib.import_module("dlx")
    for part in path.split(".")[1:]:
        if isinstance(obj, types.ModuleType):
            try:
                obj = getattr(obj, part)
                continue
            except AttributeError:
                pass
            try:
                obj = importlib.import_module(f"{obj.__name__}.{part}")
            except ModuleNotFoundError:
                return _MISSING
        else:
            obj = getattr(obj, part, _MISSING)
            if obj is _MISSING:
                return _MISSING
    return obj


def differences(api):
    """``{path: why}`` for every Keras name that dlx lacks at the same path or offers differently."""
    out = {}
    for path, want in sorted(api["names"].items()):
        obj = resolve(path)
        if obj is _MISSING:
            out[path] = "missing"
            continue
        got = describe(obj)
        if want["kind"] == "module" and got["kind"] != "module":
            out[path] = f"is a {got['kind']}, Keras's is a module"
        elif want["kind"] == "class" and got["kind"] != "class":
            out[path] = f"is a {got['kind']}, Keras's is a class"
        elif want["kind"] == "function" and got["kind"] not in ("function", "class"):
            out[path] = f"is not callable (a {type(obj).__name__}), Keras's is a function"
        elif want["signature"] is not None and got["signature"] != want["signature"]:
            out[path] = f"signature {_fmt(got['signature'])} != Keras's {_fmt(want['signature'])}"
    return out


def _fmt(sig):
    if sig is None:
        return "(unreadable)"
    prefix = {"VAR_POSITIONAL": "*", "VAR_KEYWORD": "**"}
    parts = []
    for name, kind, default in sig:
        text = prefix.get(kind, "") + name + ("" if default == "<required>" else f"={default}")
        if kind == "KEYWORD_ONLY" and not any(p.startswith("*") for p in parts):
            parts.append("*")
        parts.append(text)
        if kind == "POSITIONAL_ONLY" and all(k != "POSITIONAL_ONLY" for _, k, _ in sig[len(parts):]):
            parts.append("/")
    return "(" + ", ".join(parts) + ")"


# ---- the allow-list ---------------------------------------------------------------------------
ALLOWLIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_api_allowlist.txt")
# issues that will deliver a name; an entry tagged with one needs no further reason
TAGS = {
    "issue-15-compat": "this compatibility issue itself: not done yet",
    "issue-14-ops": "the op catalogue",
    "issue-16-data": "preprocessing layers, keras.datasets, get_file, dataset utilities",
    "issue-17-layers": "the layer set, metrics, optimizers, LoRA, quantization",
    "issue-18-hub": "keras.applications (the hub)",
    "issue-20-distribution": "keras.distribution",
    "issue-23-export": "keras.export (ExportArchive)",
}


def read_allowlist(path=ALLOWLIST):
    """``{name: (tag or None, reason)}`` from lines ``NAME  TAG [reason]`` or ``NAME  reason: TEXT``."""
    entries = {}
    with open(path, encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            name, _, rest = line.partition(" ")
            rest = rest.strip()
            if name in entries:
                raise ValueError(f"{path}:{lineno}: {name} is listed twice")
            tag, _, reason = rest.partition(" ")
            if tag in TAGS:
                entries[name] = (tag, reason.strip())
            elif rest.startswith("reason:") and len(rest) > len("reason:") + 10:
                entries[name] = (None, rest[len("reason:"):].strip())
            else:
                raise ValueError(f"{path}:{lineno}: {name} needs an issue tag ({', '.join(TAGS)}) "
                                 f"or 'reason: <why>', got {rest!r}")
    return entries


def _tag_for(path, why):
    """The issue that owns a name, by namespace (used only to draft entries for review)."""
    ns = path.split(".")
    if path.startswith("keras.ops"):
        return "issue-14-ops"
    if ns[1] in ("datasets", "preprocessing") or path in _DATA_NAMES or path.startswith("keras.utils.bounding_boxes"):
        return "issue-16-data"
    if ns[1] == "applications":
        return "issue-18-hub"
    if ns[1] == "distribution":
        return "issue-20-distribution"
    if ns[1] == "export":
        return "issue-23-export"
    if ns[1] in ("layers", "quantizers") or path == "keras.Quantizer" or (
            ns[1] == "dtype_policies" and ("Quantized" in path or "DTypePolicyMap" in path or path.endswith(
                ("AWQDTypePolicy", "GPTQDTypePolicy", "Int4DTypePolicy")))):
        return "issue-17-layers"
    if ns[1] in ("metrics", "optimizers") and why == "missing":
        return "issue-17-layers"
    return "issue-15-compat"


_DATA_NAMES = {f"keras.utils.{n}" for n in (
    "get_file", "split_dataset", "image_dataset_from_directory", "text_dataset_from_directory",
    "audio_dataset_from_directory", "timeseries_dataset_from_array", "load_img", "save_img",
    "img_to_array", "array_to_img", "FeatureSpace")}


def write_allowlist(diffs, path=ALLOWLIST):
    """Rewrites the allow-list to hold exactly ``diffs``, keeping reviewed reasons and drafting a
    tag (or ``reason: TODO``, which :func:`read_allowlist` rejects until someone writes one)."""
    old = read_allowlist(path) if os.path.exists(path) else {}
    header = []
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            header = [ln.rstrip("\n") for ln in f if ln.startswith("#")]
    lines = list(header)
    for name in sorted(diffs):
        tag, reason = old.get(name, (_tag_for(name, diffs[name]), ""))
        if tag:
            lines.append(f"{name} {tag}" + (f" {reason}" if reason else ""))
        else:
            lines.append(f"{name} reason: {reason or 'TODO'}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    if sys.argv[1:] == ["keras"]:
        os.environ.setdefault("KERAS_BACKEND", "numpy")
        json.dump(keras_api(), sys.stdout, indent=0, sort_keys=True)
    elif sys.argv[1:2] in (["diff"], ["write-allowlist"]):
        diffs = differences(run_keras_api())
        if sys.argv[1] == "diff":
            for name, why in diffs.items():
                print(f"{name}: {why}")
            print(f"{len(diffs)} differences", file=sys.stderr)
        else:
            write_allowlist(diffs)
    else:
        sys.exit("usage: keras_api.py keras | diff | write-allowlist")
