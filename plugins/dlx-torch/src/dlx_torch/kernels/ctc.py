"""Kernels of :mod:`dlx.ops.defs.ctc`: ``ctc_loss`` is torch's. ``ctc_decode`` has no torch
function: its greedy strategy runs the spec's decomposition, its beam search the host reference."""

from __future__ import annotations

import torch
import torch.nn.functional as tnf

from dlx_torch._tensors import F, T


def ctc_loss(target, output, target_length, output_length, mask_index=0):
    out = F(output)
    if out.dtype in (torch.float16, torch.bfloat16):
        out = out.float()
    logp = torch.log_softmax(out, dim=-1).transpose(0, 1)  # (time, batch, classes)
    tgt = T(target).long().clamp(0, out.shape[-1] - 1)
    # zero_infinity=False: an impossible alignment gives inf here, about 1e30 in the spec
    return tnf.ctc_loss(logp, tgt, T(output_length).long(), T(target_length).long(), blank=mask_index,
                        reduction="none", zero_infinity=False)


KERNELS = {"ctc_loss": ctc_loss}
