"""Low-rank adaptation (LoRA) for the Dense layers of hub models, with Keras' ``enable_lora``
semantics: the kernel (and bias) freeze, ``lora_kernel_a`` (``he_uniform``) and
``lora_kernel_b`` (zeros) train, and the layer computes ``x @ (kernel + alpha / rank * A @ B)``.
Saving a LoRA layer's weights writes the merged kernel, so a fine-tuned model saves and reloads
as a plain one; ``Backbone.save_lora_weights`` keeps the adapters alone."""

from __future__ import annotations

import dlx
from dlx import layers, ops


@dlx.saving.register_serializable("dlx_hub")
class LoRADense(layers.Dense):
    """A :class:`dlx.layers.Dense` that can take LoRA adapters (``enable_lora``)."""

    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.lora_rank = None
        self.lora_alpha = None

    def enable_lora(self, rank: int, lora_alpha: float | None = None, a_initializer="he_uniform",
                    b_initializer="zeros") -> None:
        if not isinstance(rank, int) or rank < 1:
            raise ValueError(f"rank must be a positive int; got {rank!r}")
        if self.lora_rank is not None:
            raise ValueError(f"LoRA is already enabled on layer '{self.name}'")
        if not self.built:
            raise ValueError(f"layer '{self.name}' must be built before enable_lora()")
        self.kernel.trainable = False
        if self.bias is not None:
            self.bias.trainable = False
        in_dim, out_dim = self.kernel.shape
        self.lora_kernel_a = self.add_weight(shape=(in_dim, rank), initializer=a_initializer, name="lora_kernel_a")
        self.lora_kernel_b = self.add_weight(shape=(rank, out_dim), initializer=b_initializer, name="lora_kernel_b")
        self.lora_rank, self.lora_alpha = rank, float(lora_alpha if lora_alpha is not None else rank)

    def merged_kernel(self):
        if self.lora_rank is None:
            return self.kernel
        scale = self.lora_alpha / self.lora_rank
        return self.kernel + scale * ops.matmul(self.lora_kernel_a, self.lora_kernel_b)

    def call(self, inputs):
        if self.lora_rank is None:
            return super().call(inputs)
        return self.activation(ops.dense(inputs, self.merged_kernel(), self.bias))

    # the saved layout is always Dense's: "0" kernel (merged), "1" bias
    def save_own_variables(self, store) -> None:
        store["0"] = ops.convert_to_numpy(self.merged_kernel())
        if self.bias is not None:
            store["1"] = ops.convert_to_numpy(self.bias)

    def load_own_variables(self, store) -> None:
        expected = 2 if self.bias is not None else 1
        if len(store) != expected:
            raise ValueError(f"layer '{self.name}' expects {expected} saved variables (kernel[, bias]); the file has "
                             f"{len(store)}")
        self.kernel.assign(store["0"])
        if self.bias is not None:
            self.bias.assign(store["1"])
        if self.lora_rank is not None:  # the loaded kernel already holds any merged adaptation
            self.lora_kernel_b.assign(ops.zeros(self.lora_kernel_b.shape, self.lora_kernel_b.dtype))
