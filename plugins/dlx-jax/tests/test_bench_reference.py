"""The raw jax forward of ``bench/fit_predict.py``'s predict suite compiles to the XLA program of
dlx-jax's predict function: same options, same instructions (so dlx / raw measures dlx's overhead)."""

from __future__ import annotations

import collections
import importlib.util
import re
from pathlib import Path

import jax
import pytest

import dlx
from dlx_jax._common import YNN_FUSION_OPTION, compiler_options

SCRIPT = Path(__file__).resolve().parents[3] / "bench" / "fit_predict.py"


@pytest.fixture(scope="module")
def fit_predict():
    spec = importlib.util.spec_from_file_location("dlx_bench_fit_predict_reference", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _opcodes(compiled_text):
    """Instruction counts of an optimized HLO module, parameters left out (their number follows
    how each side nests its arguments)."""
    ops = collections.Counter(re.findall(r"= \S+ ([a-z][\w-]*)\(", compiled_text))
    ops.pop("parameter", None)
    return ops


def test_the_raw_options_are_dlx_jax_inference_options(fit_predict, monkeypatch):
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    assert fit_predict.raw_jax_inference_options() == compiler_options(True) == {YNN_FUSION_OPTION: ""}
    # the user's XLA_FLAGS naming the option: neither side sets it
    monkeypatch.setenv("XLA_FLAGS", f"--{YNN_FUSION_OPTION}=LIBRARY_FUSION_TYPE_INDIVIDUAL_DOT")
    assert fit_predict.raw_jax_inference_options() is None and compiler_options(True) is None


def test_the_raw_forward_compiles_to_dlx_predict_program(fit_predict, monkeypatch):
    monkeypatch.delenv("XLA_FLAGS", raising=False)
    x = fit_predict._predict_input(8)
    with dlx.backend.use("jax") as backend:
        model = fit_predict._mlp_api("dlx")
        out = model.predict(x, verbose=0)
        dlx_text = model.predict_function.lower(model._predict_state(backend), [(x,)]).compile().as_text()
    params = fit_predict._jax_params("w1", jax.random.key(0))
    forward = lambda p, x: fit_predict._jax_forward(p, x, "w1")
    raw_text = jax.jit(forward, compiler_options=fit_predict.raw_jax_inference_options()).lower(
        params, x).compile().as_text()
    default_text = jax.jit(forward).lower(params, x).compile().as_text()
    assert out.shape == (8, 10)
    assert _opcodes(dlx_text) == _opcodes(raw_text), (_opcodes(dlx_text), _opcodes(raw_text))
    assert "ynn" not in dlx_text.lower() and "ynn" not in raw_text.lower()
    # XLA's default program differs (YNNPACK fusions): the options are what makes the two equal
    assert "ynn" in default_text.lower() and _opcodes(default_text) != _opcodes(raw_text)

