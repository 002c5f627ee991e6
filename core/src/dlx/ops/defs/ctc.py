"""Connectionist temporal classification (Keras's ``nn`` group): ``ctc_loss`` and ``ctc_decode``
(greedy and prefix beam search).

Layouts as Keras: ``output`` / ``inputs`` are ``(batch, max_time, num_classes)`` logits, ``target``
is ``(batch, max_label_length)`` integer labels, lengths are ``(batch,)`` integers and
``mask_index`` is the blank class.
"""

from __future__ import annotations

import math

import numpy as np

from dlx import dtypes
from dlx.ops import op_functions as K
from dlx.ops import tensors
from dlx.ops import tolerance as T
from dlx.ops.defs._common import nd
from dlx.ops.defs._conv import _on_numpy, _vjp_of
from dlx.ops.spec import Case, get_spec, op

G = "nn"
#: the log-probability of an impossible state: finite, so gradients stay finite (``exp`` of it is 0)
NEG = -1e30


def _float_dtype(x) -> str:
    return dtypes.result_type(tensors.dtype(x), "float32")


# ------------------------------------------------------------------------------ ctc_loss
def ctc_loss_decomposition(target, output, target_length, output_length, mask_index=0):
    dt = _float_dtype(output)
    output = K.cast(output, dt)
    b, tm, c = tensors.shape(output)
    lm = tensors.shape(target)[1]
    s_len = 2 * lm + 1
    logp = K.log_softmax(output, axis=-1)
    tgt = K.clip(K.cast(target, "int32"), 0, c - 1)
    blanks = K.full((b, lm), mask_index, "int32")
    ext = K.concatenate([K.reshape(K.stack([blanks, tgt], axis=-1), (b, 2 * lm)),
                         K.full((b, 1), mask_index, "int32")], axis=1)  # (b, 2L + 1)
    prev2 = K.concatenate([K.full((b, 2), mask_index, "int32"), ext[:, :-2]], axis=1)
    skip = K.logical_and(K.not_equal(ext, mask_index), K.not_equal(ext, prev2))
    em = K.take_along_axis(logp, K.broadcast_to(K.expand_dims(ext, 1), (b, tm, s_len)), axis=2)
    pos = K.arange(s_len)
    neg = K.full((b, s_len), NEG, dt)
    alpha = K.where(K.less(pos, 2), em[:, 0, :], neg)
    ol = K.expand_dims(K.cast(output_length, "int32"), 1)
    n1, n2 = K.full((b, 1), NEG, dt), K.full((b, 2), NEG, dt)
    for t in range(1, tm):
        a1 = K.concatenate([n1, alpha[:, :-1]], axis=1)
        a2 = K.where(skip, K.concatenate([n2, alpha[:, :-2]], axis=1), neg)
        new = K.logaddexp(K.logaddexp(alpha, a1), a2) + em[:, t, :]
        alpha = K.where(K.less(t, ol), new, alpha)
    tl = K.expand_dims(K.cast(target_length, "int32"), 1)
    last = K.take_along_axis(alpha, 2 * tl, axis=1)
    before = K.take_along_axis(alpha, K.maximum(2 * tl - 1, 0), axis=1)
    before = K.where(K.greater(tl, 0), before, K.full_like(before, NEG))
    return -K.reshape(K.logaddexp(last, before), (b,))


def _ctc_loss_grad(g, out, target, output, target_length, output_length, mask_index=0):
    def by_output(o, t, tl, ol, mi):
        return ctc_loss_decomposition(t, o, tl, ol, mi)
    (go,) = _vjp_of(by_output, 1)(g, out, output, target, target_length, output_length, mask_index)
    return None, go, None, None


def _ctc_loss_scale(ctx):
    o = np.asarray(ctx.args[1], np.float64)
    ol = np.asarray(ctx.args[3]).astype(np.int64)
    c = o.shape[-1]
    mags = np.max(np.abs(o), axis=-1)  # (b, t)
    steps = np.arange(o.shape[1])[None, :] < ol[:, None]
    return np.abs(ctx.exact) + np.sum(np.where(steps, 2 * mags + math.log(c), 0), axis=1) + 1


def _ctc_loss_len(args, kwargs):
    return 3 * np.shape(args[1])[1] * (np.shape(args[1])[2] + 1)


def _ctc_case(name, b, tm, c, lm, full=False, mask_index=0, repeats=False):
    def make(r, dt):
        out = (r.standard_normal((b, tm, c)) * 2).astype(dt)
        ol = np.full(b, tm, np.int32) if full else r.integers(tm - 2, tm + 1, b).astype(np.int32)
        tl = np.full(b, lm, np.int32) if full else r.integers(1, lm + 1, b).astype(np.int32)
        labels = [k for k in range(c) if k != mask_index]
        tgt = r.choice(labels, (b, lm)).astype(np.int32)
        if repeats:
            tgt[:, 1] = tgt[:, 0]
        for i in range(b):
            tgt[i, tl[i]:] = 0
        return (tgt, out, tl, ol), {"mask_index": mask_index}
    return Case(name, make)


# the gradient softmax - posterior is a difference of probabilities (torch's backward cancels more)
@op(G, T.Kr(_ctc_loss_scale, _ctc_loss_len), [
    _ctc_case("full", 2, 8, 5, 3, full=True),
    _ctc_case("ragged", 3, 10, 6, 4),
    _ctc_case("repeated_labels", 2, 9, 4, 3, full=True, repeats=True),
    _ctc_case("blank_last", 2, 7, 5, 2, mask_index=4),
], grad=_ctc_loss_grad, decomposition=ctc_loss_decomposition, grad_tol=T.Normwise(64))
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """Per-sequence CTC loss ``-log p(target | output)`` of shape ``(batch,)``. ``output`` holds
    logits (normalized with ``log_softmax`` over classes); only the first ``output_length[b]``
    steps and ``target_length[b]`` labels count; ``mask_index`` is the blank class. An alignment
    that cannot exist (too short an output) gives a loss of about 1e30 instead of inf.

    Arguments:
        target: integer labels ``(batch, max_label_length)``; entries past ``target_length`` are
            ignored.
        output: logits ``(batch, max_time, num_classes)``.
        target_length: the number of labels of each sequence, integers ``(batch,)``.
        output_length: the number of valid time steps of each sequence, integers ``(batch,)``.
        mask_index: the class index of the blank (an int in ``[0, num_classes)``).

    Returns:
        A ``(batch,)`` float tensor (at least float32) of negative log-likelihoods.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> probs = np.array([[[0.1, 0.8, 0.1], [0.1, 0.1, 0.8], [0.8, 0.1, 0.1]]])  # class 0 = blank
    >>> loss = ops.ctc_loss(np.array([[1, 2]]), np.log(probs), np.array([2]), np.array([3]))
    >>> np.round(loss, 4)
    array([0.5226])
    """
    return _on_numpy(ctc_loss_decomposition)(target, output, target_length, output_length, mask_index)


# ------------------------------------------------------------------------------ ctc_decode
def _check_strategy(strategy, beam_width, top_paths):
    if strategy not in ("greedy", "beam_search"):
        raise ValueError(f"ctc_decode: strategy={strategy!r}; expected 'greedy' or 'beam_search'")
    if strategy == "beam_search" and not (isinstance(beam_width, int) and beam_width >= 1):
        raise ValueError(f"ctc_decode: beam_width={beam_width!r}; expected an int >= 1")
    if strategy == "beam_search" and not (isinstance(top_paths, int) and 1 <= top_paths <= beam_width):
        raise ValueError(f"ctc_decode: top_paths={top_paths!r}; expected an int in [1, beam_width={beam_width}]")


def ctc_greedy_decomposition(inputs, sequence_lengths, merge_repeated=True, mask_index=0):
    """Greedy decoding in ops: ``(decoded (1, batch, max_time) int32, scores (batch, 1))``."""
    x = K.cast(inputs, _float_dtype(inputs))
    _, tm, c = tensors.shape(x)
    mask_index = c - 1 if mask_index is None else mask_index
    idx = K.cast(K.argmax(x, axis=-1), "int32")
    best = K.max(x, axis=-1)
    past = K.greater_equal(K.expand_dims(K.arange(tm), 0), K.expand_dims(K.cast(sequence_lengths, "int32"), 1))
    idx = K.where(past, K.full_like(idx, mask_index), idx)
    best = K.where(past, K.zeros_like(best), best)
    if merge_repeated and tm > 1:
        # the previous step's class by a roll (step 0 compares with the last one: masked out)
        rep = K.logical_and(K.equal(idx, K.roll(idx, 1, axis=1)), K.greater(K.expand_dims(K.arange(tm), 0), 0))
        idx = K.where(rep, K.full_like(idx, mask_index), idx)
    blank = K.equal(idx, mask_index)
    idx = K.where(blank, K.full_like(idx, -1), idx)
    # move the kept labels to the front, in order (a stable sort on "is blank")
    order = K.argsort(K.cast(blank, "int32") * tm + K.expand_dims(K.arange(tm), 0), axis=-1)
    idx = K.take_along_axis(idx, K.cast(order, "int32"), axis=-1)
    return K.expand_dims(idx, 0), -K.sum(best, axis=1, keepdims=True)


def _logsumexp2(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    m = max(a, b)
    return m + math.log(math.exp(a - m) + math.exp(b - m))


def _beam_search_one(logp, n, beam_width, top_paths, blank):
    """Prefix beam search on one ``(time, classes)`` float64 log-probability array (first ``n``
    steps). Each prefix keeps the log-probabilities of ending in a blank and in a label."""
    c = logp.shape[1]
    beams = {(): (0.0, -np.inf)}  # prefix -> (log p ending in blank, log p ending in a label)
    for t in range(n):
        row = logp[t]
        nxt: dict = {}

        def add(prefix, pb, pl):
            ob, ol = nxt.get(prefix, (-np.inf, -np.inf))
            nxt[prefix] = (_logsumexp2(ob, pb), _logsumexp2(ol, pl))

        for prefix, (pb, pl) in beams.items():
            total = _logsumexp2(pb, pl)
            add(prefix, total + row[blank], -np.inf)  # a blank keeps the prefix
            for k in range(c):
                if k == blank:
                    continue
                if prefix and prefix[-1] == k:
                    add(prefix, -np.inf, pl + row[k])  # the label repeats without a blank: merged
                    add((*prefix, k), -np.inf, pb + row[k])  # a blank separated it: a new label
                else:
                    add((*prefix, k), -np.inf, total + row[k])
        ranked = sorted(nxt.items(), key=lambda kv: -_logsumexp2(*kv[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -_logsumexp2(*kv[1]))[:top_paths]
    paths = [p for p, _ in ranked]
    scores = [_logsumexp2(*s) for _, s in ranked]
    while len(paths) < top_paths:
        paths.append(None)
        scores.append(-np.inf)
    return paths, scores


def ctc_beam_search_reference(inputs, sequence_lengths, beam_width=100, top_paths=1, mask_index=0):
    x = np.asarray(inputs)
    dt = nd(_float_dtype(x))
    x = x.astype(np.float64)
    b, tm, c = x.shape
    blank = c - 1 if mask_index is None else mask_index
    m = np.max(x, axis=-1, keepdims=True)
    logp = x - m - np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True))
    lengths = np.asarray(sequence_lengths).astype(np.int64)
    decoded = np.full((top_paths, b, tm), -1, np.int32)
    scores = np.zeros((b, top_paths), np.float64)
    for i in range(b):
        paths, sc = _beam_search_one(logp[i], int(min(max(lengths[i], 0), tm)), beam_width, top_paths, blank)
        for j, p in enumerate(paths):
            if p:
                decoded[j, i, :len(p)] = p
        scores[i] = sc
    return decoded, scores.astype(dt)


def ctc_decode_decomposition(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
                             merge_repeated=True, mask_index=0):
    _check_strategy(strategy, beam_width, top_paths)
    if strategy == "greedy":
        return ctc_greedy_decomposition(inputs, sequence_lengths, merge_repeated, mask_index)
    # the prefix beam search has no formulation in ops: it runs on host copies
    from dlx.backend import contract, registry

    return contract.reference_fallback(registry.current(), get_spec("ctc_decode"))(
        inputs, sequence_lengths, strategy, beam_width, top_paths, merge_repeated, mask_index)


def _decode_scale(ctx):
    x = np.asarray(ctx.args[0], np.float64)
    c = x.shape[-1]
    s = np.sum(np.max(np.abs(x), axis=-1) * 2 + math.log(c), axis=1, keepdims=True) + 1
    return np.broadcast_to(s, np.shape(ctx.exact))


def _decode_case(name, b, tm, c, strategy, full=False, **kw):
    def make(r, dt):
        x = (r.standard_normal((b, tm, c)) * 2).astype(dt)
        n = np.full(b, tm, np.int32) if full else r.integers(tm // 2, tm + 1, b).astype(np.int32)
        return (x, n), {"strategy": strategy, **kw}
    return Case(name, make, grad=False)


@op(G, T.Kr(_decode_scale, lambda a, k: 4 * np.shape(a[0])[1]), [
    _decode_case("greedy", 3, 9, 5, "greedy"),
    _decode_case("greedy_no_merge", 2, 8, 4, "greedy", merge_repeated=False),
    _decode_case("greedy_blank_last", 2, 8, 4, "greedy", mask_index=3),
    _decode_case("beam", 2, 7, 4, "beam_search", beam_width=8, top_paths=3),
    _decode_case("beam_narrow", 2, 8, 5, "beam_search", full=True, beam_width=2, top_paths=2),
], decomposition=ctc_decode_decomposition, tensors=("inputs", "sequence_lengths"))
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """Decodes CTC outputs. Returns ``(decoded, scores)``: ``decoded`` is int32
    ``(top_paths, batch, max_time)``, each path's labels first and ``-1`` after; ``scores`` is
    ``(batch, top_paths)``.

    ``strategy="greedy"``: the best class per step, repeats merged (``merge_repeated``), blanks
    (``mask_index``) dropped; ``top_paths`` is 1 and the score is ``-sum`` of the best raw
    ``inputs`` values (as Keras). ``strategy="beam_search"``: a prefix beam search of width
    ``beam_width`` on ``log_softmax(inputs)``; scores are the paths' log-probabilities, best
    first (repeats are always merged, as in CTC).

    Arguments:
        inputs: logits or log-probabilities ``(batch, max_time, num_classes)``.
        sequence_lengths: the number of valid time steps of each sequence, integers ``(batch,)``;
            later steps are not decoded.
        strategy: ``"greedy"`` or ``"beam_search"``, as above.
        beam_width: the number of prefixes kept per step by the beam search (an int >= 1; not
            used by ``"greedy"``).
        top_paths: how many of the best paths the beam search returns (an int in
            ``[1, beam_width]``; ``"greedy"`` always returns one).
        merge_repeated: whether greedy decoding merges a class repeated on consecutive steps (the
            beam search always does).
        mask_index: the class index of the blank; ``None`` means the last class.

    Returns:
        The tuple ``(decoded, scores)`` described above (beam search pads missing paths with
        ``-1`` labels and a ``-inf`` score).

    Raises:
        ValueError: for an unknown ``strategy``, or (beam search) a ``beam_width`` that is not an
            int >= 1 or a ``top_paths`` outside ``[1, beam_width]``.

    Example:

    >>> import numpy as np
    >>> from dlx import ops
    >>> probs = np.array([[[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1]]])
    >>> paths, scores = ops.ctc_decode(np.log(probs), np.array([4]))  # greedy; 1 1 _ 1 -> 1 1
    >>> paths  # (top_paths, batch, max_time), padded with -1
    array([[[ 1,  1, -1, -1]]], dtype=int32)
    >>> np.round(scores, 4)
    array([[0.8926]])
    """
    _check_strategy(strategy, beam_width, top_paths)
    if strategy == "greedy":
        return _on_numpy(ctc_greedy_decomposition)(inputs, sequence_lengths, merge_repeated, mask_index)
    return ctc_beam_search_reference(inputs, sequence_lengths, beam_width, top_paths, mask_index)

