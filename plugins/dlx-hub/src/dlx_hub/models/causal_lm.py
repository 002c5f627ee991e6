"""``CausalLM``: next-token language models with ``generate()``."""

from __future__ import annotations

import numpy as np

import dlx
from dlx import ops
from dlx.backend import registry
from dlx_hub import samplers as samplers_lib
from dlx_hub.models.preprocessor import Preprocessor
from dlx_hub.models.task import Task

#: the key/value buffers' length is a multiple of this
_CACHE_ROUNDING = 64


class CausalLMPreprocessor(Preprocessor):
    """Strings -> left-padded ``{"token_ids", "padding_mask"}`` for generation (BOS first when the
    tokenizer says so; truncated from the left to ``sequence_length``)."""

    def __init__(self, tokenizer=None, sequence_length: int | None = None):
        super().__init__(tokenizer, sequence_length)

    def generate_preprocess(self, inputs):
        single = isinstance(inputs, str)
        ids = self.tokenizer.tokenize([inputs] if single else inputs, sequence_length=None)
        start = self.tokenizer.start_token_id if getattr(self.tokenizer, "add_start_token", False) else None
        seqs = [([start] if start is not None else []) + list(s) for s in ids]
        if self.sequence_length is not None:
            seqs = [s[-self.sequence_length:] for s in seqs]
        if any(len(s) == 0 for s in seqs):
            raise ValueError("generate(): a prompt tokenizes to nothing; give at least one token")
        width = max(len(s) for s in seqs)
        pad = self.tokenizer._pad_id()
        token_ids = np.full((len(seqs), width), pad, dtype="int32")
        mask = np.zeros((len(seqs), width), dtype="int32")
        for i, s in enumerate(seqs):
            token_ids[i, width - len(s):] = s
            mask[i, width - len(s):] = 1
        return {"token_ids": token_ids, "padding_mask": mask}

    def __call__(self, inputs):
        return self.generate_preprocess(inputs)


@dlx.saving.register_serializable("dlx_hub")
class CausalLM(Task):
    """A decoder with a language-model head.

    ``model(inputs)`` gives logits ``(batch, seq, vocabulary)`` for ``{"token_ids",
    "padding_mask"}``. ``generate(prompts)`` decodes with a key/value cache; the sampler is set
    by ``compile(sampler=...)`` (``"greedy"`` by default) or per call.

    Arguments:
        backbone: the decoder backbone (it provides ``logits``, ``call_with_cache`` and
            ``decode_step``, as :class:`~dlx_hub.models.LlamaBackbone` does).
        preprocessor: turns prompt strings into left-padded ``token_ids`` / ``padding_mask`` and
            detokenizes the output; ``None`` limits ``generate`` to preprocessed dict inputs.
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is ``None``.
        TypeError: when ``backbone`` is not the subclass's ``backbone_cls``.
    """

    def __init__(self, backbone=None, preprocessor=None, **kwargs):
        super().__init__(backbone=backbone, preprocessor=preprocessor, **kwargs)
        self.sampler = samplers_lib.GreedySampler()

    def compile(self, optimizer="auto", loss="auto", *, sampler="greedy", **kwargs):
        """Sets the generation sampler; with ``optimizer``/``loss`` given, compiles for training."""
        self.sampler = samplers_lib.get(sampler)
        if optimizer != "auto" or loss != "auto" or kwargs:
            optimizer = "adam" if optimizer == "auto" else optimizer
            loss = "sparse_categorical_crossentropy" if loss == "auto" else loss
            super().compile(optimizer=optimizer, loss=loss, **kwargs)

    def call(self, inputs):
        return self.backbone.logits(self.backbone(inputs))

    def generate(self, inputs, max_length: int | None = None, stop_token_ids="auto", strip_prompt: bool = False,
                 *, max_new_tokens: int | None = None, sampler=None):
        """Continues the prompts in ``inputs``.

        Arguments:
            inputs: a string, a list of strings, or a preprocessed dict with left-padded
                ``token_ids``/``padding_mask``.
            max_length: the longest total length (prompt + continuation), as in KerasHub.
            stop_token_ids: ``"auto"`` (the tokenizer's end token), ``None`` (never stop early) or
                a list of ids; a row stops after emitting one of them (it is kept in the output).
            strip_prompt: return only the continuation.
            max_new_tokens: at most this many new tokens (default 64 when ``max_length`` is None).
            sampler: overrides the compiled sampler for this call.

        Returns:
            strings (one per prompt) for string inputs; for dict inputs a dict of ``token_ids``
            (prompt + continuation, padded with the pad id after a stop) and ``padding_mask``.
        """
        sampler = self.sampler if sampler is None else samplers_lib.get(sampler)
        raw = not isinstance(inputs, dict)
        if raw:
            if self.preprocessor is None:
                raise ValueError("generate() on strings needs a preprocessor")
            single = isinstance(inputs, str)
            batch = self.preprocessor.generate_preprocess(inputs)
        else:
            single = False
            batch = {"token_ids": np.asarray(ops.convert_to_numpy(inputs["token_ids"])).astype("int32"),
                     "padding_mask": np.asarray(ops.convert_to_numpy(inputs["padding_mask"])).astype("int32")}
        token_ids, mask = batch["token_ids"], batch["padding_mask"]
        b, prompt_len = token_ids.shape
        if max_length is not None and max_new_tokens is not None:
            raise ValueError("pass max_length or max_new_tokens, not both")
        if max_length is not None:
            new = max_length - prompt_len
            if new < 1:
                raise ValueError(f"max_length={max_length} leaves no room after a {prompt_len}-token prompt")
        else:
            new = 64 if max_new_tokens is None else max_new_tokens
            if not isinstance(new, int) or new < 1:
                raise ValueError(f"max_new_tokens must be a positive int; got {max_new_tokens!r}")
        stops = self._stop_ids(stop_token_ids)
        pad = self.preprocessor.tokenizer._pad_id() if self.preprocessor is not None else 0

        bb = self.backbone
        positions = np.maximum(np.cumsum(mask, axis=1) - 1, 0)
        hidden, caches = bb.call_with_cache(token_ids, positions, mask)
        logits = ops.convert_to_numpy(bb.logits(hidden[:, -1:, :]))[:, 0, :]
        # fixed-size key/value buffers (rounded up, so that nearby lengths share one compiled
        # step): each step writes its slot; unwritten slots are masked out
        length = -(-(prompt_len + new) // _CACHE_ROUNDING) * _CACHE_ROUNDING
        grow = ((0, 0), (0, length - prompt_len), (0, 0), (0, 0))
        caches = [(ops.pad(k, grow), ops.pad(v, grow)) for k, v in caches]
        key_mask = np.zeros((b, length), "int32")
        key_mask[:, :prompt_len] = mask
        next_pos = positions[:, -1:] + 1
        step_fn, state = self._decode_function(), self._inference_state()
        done = np.zeros(b, bool)
        out = []
        for step in range(new):
            tok = np.asarray(sampler(logits.astype(np.float32))).astype("int32")
            tok = np.where(done, pad, tok)
            out.append(tok)
            done |= np.isin(tok, stops)
            if done.all() or step == new - 1:
                break
            key_mask[:, prompt_len + step] = 1
            logits, caches = step_fn(state, tok[:, None], next_pos.astype("int32"), key_mask.copy(),
                                     np.asarray(prompt_len + step, "int32"), caches)
            logits = ops.convert_to_numpy(logits)
            next_pos = next_pos + 1
        generated = np.stack(out, axis=1) if out else np.zeros((b, 0), "int32")
        gen_mask = np.ones_like(generated)
        for i in range(b):  # after a row's stop token everything is padding
            hit = np.flatnonzero(np.isin(generated[i], stops))
            if hit.size:
                generated[i, hit[0] + 1:] = pad
                gen_mask[i, hit[0] + 1:] = 0
        if not raw:
            return {"token_ids": np.concatenate([token_ids, generated], axis=1),
                    "padding_mask": np.concatenate([mask, gen_mask], axis=1)}
        tok = self.preprocessor.tokenizer
        texts = []
        for i in range(b):
            cont = [int(t) for t, m in zip(generated[i], gen_mask[i]) if m]
            prompt = [int(t) for t, m in zip(token_ids[i], mask[i]) if m]
            texts.append(tok.detokenize(cont if strip_prompt else prompt + cont))
        return texts[0] if single else texts

    def _decode_function(self):
        """The backbone's :meth:`decode_step` plus the logits as a pure function of the weights,
        compiled as ``predict`` is (``jax.jit``, ``tf.function``, torch's replay); cached while
        the model's variables stay the same ones."""
        variables = self.trainable_variables + self.non_trainable_variables
        key = tuple(id(v) for v in variables)
        cached = getattr(self, "_decode_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        bb = self.backbone

        def step(state, token_ids, positions, key_mask, index, caches):
            with dlx.StatelessScope(list(zip(variables, [*state[0], *state[1]]))):
                hidden, caches = bb.decode_step(token_ids, positions, key_mask, caches, index)
                return bb.logits(hidden)[:, 0, :], caches

        if self.run_eagerly:
            self._decode_cache = (key, step)
            return step
        compiled = registry.current().compile(step, jit=self._resolve_jit())
        self._decode_cache = (key, compiled)
        return compiled

    def _stop_ids(self, stop_token_ids) -> np.ndarray:
        if stop_token_ids is None:
            return np.zeros((0,), "int64")
        if isinstance(stop_token_ids, str):
            if stop_token_ids != "auto":
                raise ValueError(f"stop_token_ids must be 'auto', None or a list of ids; got {stop_token_ids!r}")
            end = None if self.preprocessor is None else self.preprocessor.tokenizer.end_token_id
            return np.asarray([] if end is None else [end], "int64")
        ids = list(stop_token_ids)
        if not all(isinstance(i, (int, np.integer)) for i in ids):
            raise ValueError(f"stop_token_ids must be ints; got {stop_token_ids!r}")
        return np.asarray(ids, "int64")
