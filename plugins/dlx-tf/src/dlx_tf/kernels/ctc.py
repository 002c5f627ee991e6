"""Kernels of :mod:`dlx.ops.defs.ctc`: ``ctc_loss`` is ``tf.nn.ctc_loss`` on dense labels.
``ctc_decode`` runs the spec's decomposition (greedy) or the host reference (beam search): TF's
decoders return sparse tensors and take the blank as the last class only."""

from __future__ import annotations

from dlx.ops.defs import ctc as _spec
from dlx_tf._core import fl, tensor, tf


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    out = fl(output)
    if out.dtype in (tf.float16, tf.bfloat16):
        out = tf.cast(out, tf.float32)
    if out.dtype == tf.float64:  # tf.nn.ctc_loss mixes in float32 constants: the spec's recursion
        return _spec.ctc_loss_decomposition(target, out, target_length, output_length, mask_index)
    c = out.shape[-1]
    tgt = tf.clip_by_value(tf.cast(tensor(target), tf.int32), 0, c - 1)
    return tf.nn.ctc_loss(labels=tgt, logits=out, label_length=tf.cast(tensor(target_length), tf.int32),
                          logit_length=tf.cast(tensor(output_length), tf.int32), logits_time_major=False,
                          blank_index=mask_index)


KERNELS = {"ctc_loss": ctc_loss}
