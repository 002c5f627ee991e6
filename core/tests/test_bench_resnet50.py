"""``bench/resnet50.py``'s summary and table: the paired ratios (an API run against the raw
forward in its own process) and OpenVINO's like-for-like Keras rows."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def resnet50(bench_script):
    return bench_script("resnet50")


def _run(backend, impl, r, p1, p32, rss, pair=None):
    rec = {"backend": backend, "impl": impl, "round": r, "build_s": 0.5, "first_predict_s": 1.0,
           "predict1_ms": p1, "predict32_ms": p32, "peak_rss_mb": rss}
    if pair:
        rec.update(pair_predict1=pair[0], pair_predict32=pair[1])
    return rec


def _row(text, backend, impl):
    return [c.strip() for c in next(line for line in text.splitlines()
                                     if line.startswith(f"| {backend} | {impl} |")).split("|")[1:-1]]


def test_paired_ratios_are_medians_over_rounds_beside_the_separate_process_ratio(resnet50):
    runs = [_run("torch", "raw", r, 100.0, 4000.0, 900.0) for r in range(3)]
    runs += [_run("torch", "dlx", r, 110.0, 4400.0 + 200 * r, 800.0, pair=(1.01 + r / 100, (1.04, 1.02, 1.09)[r]))
             for r in range(3)]
    runs += [_run("torch", "keras", 0, 300.0, 6000.0, 5000.0, pair=(2.5, 1.5))]
    s = resnet50.summarize(runs)
    assert s["torch/dlx"]["pair_predict32"] == 1.04 and s["torch/dlx"]["pair_predict32_rounds"] == [1.04, 1.02, 1.09]
    assert "pair_predict1" not in s["torch/raw"]
    text = resnet50.markdown({"summary": s, "runs": runs, "meta": {"date": "d", "cpus": 2, "cpu_set": [0, 1],
                                                                  "rounds": 3, "torch_threads": 1, "versions": {}}})
    dlx = _row(text, "torch", "dlx")
    # predict(1): x raw 1.10 from separate processes, paired 1.02 (1.01-1.03); predict(32) 4600 / 4000
    assert dlx[6:12] == ["110.0", "1.10", "1.02 (1.01-1.03)", "4600", "1.15", "1.04 (1.02-1.09)"]
    assert dlx[12:14] == ["800", "-100"]
    assert dlx[3] == "1.00" and dlx[5] == "1.00"  # build and first predict against Keras's row
    assert _row(text, "torch", "keras")[8] == "2.50" and _row(text, "torch", "raw")[8] == "-"


def test_openvino_rows_compare_with_the_keras_row_of_their_precision(resnet50):
    runs = [_run("openvino", "keras", 0, 40.0, 1000.0, 800.0), _run("openvino", "keras_f32", 0, 80.0, 2000.0, 900.0),
            _run("openvino", "dlx", 0, 60.0, 1500.0, 850.0), _run("openvino", "dlx_bf16", 0, 20.0, 600.0, 700.0)]
    s = resnet50.summarize(runs)
    text = resnet50.markdown({"summary": s, "runs": runs, "meta": {"date": "d", "cpus": 2, "cpu_set": [0, 1],
                                                                  "rounds": 1, "torch_threads": 1, "versions": {}}})
    dlx, bf16 = _row(text, "openvino", "dlx"), _row(text, "openvino", "dlx_bf16")
    assert (dlx[7], dlx[10], dlx[13]) == ("0.75", "0.75", "-50")  # against keras_f32
    assert (bf16[7], bf16[10], bf16[13]) == ("0.50", "0.60", "-100")  # against keras (bfloat16)


def test_keras_openvino_float32_merges_dlx_s_configuration(resnet50, monkeypatch):
    openvino = pytest.importorskip("openvino")
    pytest.importorskip("dlx_openvino")
    seen = []
    monkeypatch.setattr(openvino, "compile_model", lambda model, device_name="AUTO", config=None:
                        seen.append((device_name, config)))
    resnet50._keras_openvino_float32()
    openvino.compile_model("m", "CPU")
    openvino.compile_model("m", "CPU", {"PERFORMANCE_HINT": "LATENCY"})
    assert seen == [("CPU", {"INFERENCE_PRECISION_HINT": "f32", "EXECUTION_MODE_HINT": "ACCURACY"}),
                    ("CPU", {"INFERENCE_PRECISION_HINT": "f32", "EXECUTION_MODE_HINT": "ACCURACY",
                             "PERFORMANCE_HINT": "LATENCY"})]
