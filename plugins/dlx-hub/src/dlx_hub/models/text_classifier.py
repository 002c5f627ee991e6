"""``TextClassifier``: a text encoder's pooled output -> dropout -> class logits."""

from __future__ import annotations

import dlx
from dlx import layers
from dlx_hub.models.bert import BertBackbone, BertTextEmbedderPreprocessor
from dlx_hub.models.task import Task


def _is_text(x) -> bool:
    return isinstance(x, str) or (isinstance(x, (list, tuple)) and len(x) > 0 and isinstance(x[0], str))


@dlx.saving.register_serializable("dlx_hub")
class TextClassifier(Task):
    """Classifies text. ``fit``/``evaluate``/``predict`` take strings (run through the
    preprocessor) or preprocessed dicts; outputs are logits (``activation=None``) unless
    ``activation`` is given.

    Arguments:
        backbone: the encoder (its ``pooled_output`` feeds the head).
        preprocessor: turns strings into backbone inputs.
        num_classes: the number of classes.
        dropout: dropout before the head.
        activation: the head's activation (``None``: logits).
    """

    def __init__(self, backbone=None, preprocessor=None, num_classes: int = 2, dropout: float = 0.1,
                 activation=None, **kwargs):
        super().__init__(backbone=backbone, preprocessor=preprocessor, **kwargs)
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"num_classes must be a positive int; got {num_classes!r}")
        self.num_classes, self.dropout, self.activation = num_classes, float(dropout), activation
        self.output_dropout = layers.Dropout(dropout, name="output_dropout")
        self.output_dense = layers.Dense(num_classes, activation=activation, name="logits")
        self.output_dense.build((None, backbone.hidden_dim))

    def call(self, inputs, training=False):
        pooled = self.backbone(inputs, training=training)["pooled_output"]
        return self.output_dense(self.output_dropout(pooled, training=training))

    def _prep(self, x):
        if _is_text(x):
            if self.preprocessor is None:
                raise ValueError("string inputs need a preprocessor")
            return self.preprocessor(list(x) if not isinstance(x, str) else x)
        return x

    def fit(self, x=None, y=None, **kwargs):
        return super().fit(self._prep(x), y, **kwargs)

    def evaluate(self, x=None, y=None, **kwargs):
        return super().evaluate(self._prep(x), y, **kwargs)

    def predict(self, x, **kwargs):
        return super().predict(self._prep(x), **kwargs)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes, "dropout": self.dropout,
                "activation": self.activation}


@dlx.saving.register_serializable("dlx_hub")
class BertTextClassifier(TextClassifier):
    """A :class:`TextClassifier` on a :class:`BertBackbone`.

    Arguments:
        backbone: the :class:`BertBackbone` (its ``pooled_output`` feeds the head).
        preprocessor: a :class:`BertTextEmbedderPreprocessor` for string inputs, or ``None``
            (then only preprocessed inputs are accepted).
        num_classes: the number of classes (a positive int).
        dropout: the dropout rate before the head.
        activation: the head's activation (``None``: logits).
        **kwargs: base model arguments (``name``, ``dtype``, ``trainable``).

    Raises:
        ValueError: when ``backbone`` is missing or ``num_classes`` is not a positive int.
        TypeError: when ``backbone`` is not a :class:`BertBackbone`.
    """

    backbone_cls = BertBackbone
    preprocessor_cls = BertTextEmbedderPreprocessor
