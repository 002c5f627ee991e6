"""Stop training when the loss becomes NaN or infinite."""

from __future__ import annotations

import numpy as np

from dlx.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` as soon as a batch's ``loss`` is NaN or infinite."""

    requires_model_state = False

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(np.asarray(loss)).all():
            print(f"Batch {batch}: invalid loss, terminating training")
            self.model.stop_training = True
