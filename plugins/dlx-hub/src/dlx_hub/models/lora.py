"""Low-rank adaptation (LoRA) for the Dense layers of hub models, with Keras' ``enable_lora``
semantics: the kernel (and bias) freeze, ``lora_kernel_a`` (``he_uniform``) and
``lora_kernel_b`` (zeros) train, and the layer computes ``x @ (kernel + alpha / rank * A @ B)``.
Saving a LoRA layer's weights writes the merged kernel, so a fine-tuned model saves and reloads
as a plain one; ``Backbone.save_lora_weights`` keeps the adapters alone."""

from __future__ import annotations

import dlx
from dlx import layers


@dlx.saving.register_serializable("dlx_hub")
class LoRADense(layers.Dense):
    """A :class:`dlx.layers.Dense` whose ``enable_lora`` (dlx's, in Keras's layout: merged kernel
    saved, adapters reset on load) also freezes the bias, so fine-tuning trains the adapters alone."""

    def enable_lora(self, rank: int, lora_alpha: float | None = None, a_initializer="he_uniform",
                    b_initializer="zeros") -> None:
        super().enable_lora(rank, lora_alpha=lora_alpha, a_initializer=a_initializer, b_initializer=b_initializer)
        if self.bias is not None:
            self.bias.trainable = False

    def merged_kernel(self):
        """The kernel with the adapters' update added (the plain kernel without LoRA)."""
        return self.kernel
